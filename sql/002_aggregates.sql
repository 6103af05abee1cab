-- 002_aggregates.sql: partitions (native) and aggregates (both backends).
--
-- Each aggregate is defined once, as a row of the aggregates table; the
-- function create_aggregate turns it into a continuous aggregate on
-- TimescaleDB or into a rollup table on plain PostgreSQL, and
-- refresh_aggregate brings a rollup up to date over a range of time.
-- Buckets are aligned as time_bucket and date_bin align them: to
-- 2000-01-03 00:00 UTC, a Monday.

CREATE TABLE IF NOT EXISTS :"schema".aggregates (
	name		text PRIMARY KEY,
	source		text NOT NULL REFERENCES :"schema".series (kind),
	bucket		interval NOT NULL CHECK (bucket > '0'),
	timeframe	text,
	filter		text,
	group_by	text[] NOT NULL,
	columns		jsonb NOT NULL
);
COMMENT ON TABLE :"schema".aggregates IS
	'aggregates of series: continuous aggregates or rollup tables';
COMMENT ON COLUMN :"schema".aggregates.timeframe IS
	'for candle aggregates, the candle interval they answer';
COMMENT ON COLUMN :"schema".aggregates.columns IS
	'[{"name": output column, "fn": first|last|min|max|sum|avg|count, '
	'"arg": expression over the source}]';

-- Candles of longer intervals from 1m candles, and 1m candles from ticks.
INSERT INTO :"schema".aggregates
	(name, source, bucket, timeframe, filter, group_by, columns)
SELECT 'candles_' || tf, 'candles', b::interval, tf, 'timeframe = ''1m''',
    '{instrument_id}'::text[], '[
	{"name": "open", "fn": "first", "arg": "open"},
	{"name": "high", "fn": "max", "arg": "high"},
	{"name": "low", "fn": "min", "arg": "low"},
	{"name": "close", "fn": "last", "arg": "close"},
	{"name": "volume", "fn": "sum", "arg": "volume"},
	{"name": "quote_volume", "fn": "sum", "arg": "quote_volume"},
	{"name": "trades", "fn": "sum", "arg": "trades"},
	{"name": "taker_buy_volume", "fn": "sum", "arg": "taker_buy_volume"},
	{"name": "taker_buy_quote_volume", "fn": "sum",
	    "arg": "taker_buy_quote_volume"},
	{"name": "bars", "fn": "count", "arg": "*"}]'::jsonb
FROM (VALUES ('5m', '5 minutes'), ('15m', '15 minutes'), ('1h', '1 hour'),
    ('4h', '4 hours'), ('1d', '1 day')) AS v (tf, b)
UNION ALL
SELECT 'ticks_1m', 'ticks', '1 minute', '1m', NULL, '{instrument_id}', '[
	{"name": "open", "fn": "first", "arg": "price"},
	{"name": "high", "fn": "max", "arg": "price"},
	{"name": "low", "fn": "min", "arg": "price"},
	{"name": "close", "fn": "last", "arg": "price"},
	{"name": "volume", "fn": "sum", "arg": "qty"},
	{"name": "quote_volume", "fn": "sum", "arg": "quote_qty"},
	{"name": "trades", "fn": "count", "arg": "*"},
	{"name": "taker_buy_volume", "fn": "sum",
	    "arg": "CASE WHEN side = ''buy'' THEN qty ELSE 0 END"}]'::jsonb
UNION ALL
SELECT 'sentiment_' || n, 'sentiment', b::interval, NULL, NULL,
    '{asset,source}', '[
	{"name": "score_avg", "fn": "avg", "arg": "score"},
	{"name": "score_min", "fn": "min", "arg": "score"},
	{"name": "score_max", "fn": "max", "arg": "score"},
	{"name": "score_sum", "fn": "sum", "arg": "score"},
	{"name": "samples", "fn": "count", "arg": "*"},
	{"name": "bearish", "fn": "sum",
	    "arg": "CASE WHEN score < -0.05 THEN 1 ELSE 0 END"},
	{"name": "bullish", "fn": "sum",
	    "arg": "CASE WHEN score > 0.05 THEN 1 ELSE 0 END"},
	{"name": "mentions", "fn": "sum", "arg": "mentions"},
	{"name": "engagement", "fn": "sum", "arg": "engagement"}]'::jsonb
FROM (VALUES ('1h', '1 hour'), ('1d', '1 day')) AS v (n, b)
UNION ALL
SELECT 'flows_' || n, 'flows', b::interval, NULL, NULL,
    '{asset,flow_type,source}', '[
	{"name": "amount", "fn": "sum", "arg": "amount"},
	{"name": "usd_value", "fn": "sum", "arg": "usd_value"},
	{"name": "flows", "fn": "count", "arg": "*"},
	{"name": "amount_max", "fn": "max", "arg": "amount"}]'::jsonb
FROM (VALUES ('1h', '1 hour'), ('1d', '1 day')) AS v (n, b)
UNION ALL
SELECT 'net_flows_1h', 'flows', '1 hour', NULL,
    'flow_type IN (''inflow'', ''outflow'')', '{asset,source}', '[
	{"name": "inflow", "fn": "sum",
	    "arg": "CASE WHEN flow_type = ''inflow'' THEN amount ELSE 0 END"},
	{"name": "outflow", "fn": "sum",
	    "arg": "CASE WHEN flow_type = ''outflow'' THEN amount ELSE 0 END"},
	{"name": "net_amount", "fn": "sum", "arg":
	    "CASE WHEN flow_type = ''inflow'' THEN amount ELSE -amount END"},
	{"name": "net_usd", "fn": "sum", "arg":
	    "CASE WHEN flow_type = ''inflow'' THEN usd_value ELSE -usd_value END"}
	]'::jsonb
ON CONFLICT (name) DO NOTHING;

-- The SELECT that computes an aggregate over [lo, hi) of its source, or
-- over all of it when lo and hi are NULL.  ts_schema is TimescaleDB's
-- schema (time_bucket, first, last) or NULL for plain PostgreSQL.
CREATE OR REPLACE FUNCTION :"schema".aggregate_query(p_name text,
    ts_schema text, lo timestamptz DEFAULT NULL, hi timestamptz DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	a aggregates;
	src text;
	bucket text;
	cols text := '';
	c jsonb;
	expr text;
	grp text;
	q text;
BEGIN
	SELECT * INTO STRICT a FROM aggregates WHERE name = p_name;
	SELECT format('%I.%I', current_schema(), table_name) INTO STRICT src
	FROM series WHERE kind = a.source;
	IF ts_schema IS NOT NULL THEN
		bucket := format('%I.time_bucket(%L::interval, time)', ts_schema,
		    a.bucket);
	ELSE
		bucket := format('pg_catalog.date_bin(%L::interval, time, '
		    '''2000-01-03 00:00:00+00''::timestamptz)', a.bucket);
	END IF;
	FOR c IN SELECT * FROM jsonb_array_elements(a.columns) LOOP
		expr := CASE c->>'fn'
		    WHEN 'first' THEN CASE WHEN ts_schema IS NOT NULL
			THEN format('%I.first(%s, time)', ts_schema, c->>'arg')
			ELSE format('(array_agg(%s ORDER BY time))[1]', c->>'arg')
			END
		    WHEN 'last' THEN CASE WHEN ts_schema IS NOT NULL
			THEN format('%I.last(%s, time)', ts_schema, c->>'arg')
			ELSE format('(array_agg(%s ORDER BY time DESC))[1]',
			    c->>'arg')
			END
		    WHEN 'count' THEN format('count(%s)', c->>'arg')
		    ELSE format('%s(%s)', c->>'fn', c->>'arg')
		END;
		cols := cols || format(', %s AS %I', expr, c->>'name');
	END LOOP;
	SELECT string_agg(format('%I', g), ', ') INTO grp
	FROM unnest(a.group_by) AS g;
	q := format('SELECT %s, %s AS time%s FROM %s', grp, bucket, cols, src);
	q := q || ' WHERE ' || coalesce(a.filter, 'true');
	IF lo IS NOT NULL THEN
		q := q || format(' AND time >= %L AND time < %L', lo, hi);
	END IF;
	RETURN q || format(' GROUP BY %s, %s', grp, bucket);
END
$$;

-- The start of the bucket holding t, for an aggregate's bucket width.
CREATE OR REPLACE FUNCTION :"schema".bucket_floor(width interval,
    t timestamptz)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog
AS $$
	SELECT CASE WHEN width >= '1 mon'
		THEN date_trunc('month', t AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
		ELSE date_bin(width, t, '2000-01-03 00:00:00+00')
	END
$$;

-- Makes one aggregate: a continuous aggregate that also answers from rows
-- not yet materialised (materialized_only = false), with a refresh policy,
-- or a rollup table keyed by its groups and bucket.
CREATE OR REPLACE FUNCTION :"schema".create_aggregate(p_name text,
    ts_schema text)
RETURNS void
LANGUAGE plpgsql
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	a aggregates;
	rel text := format('%I.%I', current_schema(), p_name);
	keys text;
BEGIN
	SELECT * INTO STRICT a FROM aggregates WHERE name = p_name;
	IF to_regclass(rel) IS NOT NULL THEN
		RETURN;
	END IF;
	IF ts_schema IS NOT NULL THEN
		EXECUTE format('CREATE MATERIALIZED VIEW %s WITH '
		    '(timescaledb.continuous, timescaledb.materialized_only = '
		    'false) AS %s WITH NO DATA', rel,
		    aggregate_query(p_name, ts_schema));
		EXECUTE format('SELECT %I.add_continuous_aggregate_policy(%L, '
		    'start_offset => %L::interval, end_offset => %L::interval, '
		    'schedule_interval => %L::interval)', ts_schema, rel,
		    greatest(a.bucket * 4, interval '1 day'), a.bucket,
		    least(greatest(a.bucket, interval '5 minutes'),
		    interval '1 hour'));
	ELSE
		EXECUTE format('CREATE TABLE %s AS %s WITH NO DATA', rel,
		    aggregate_query(p_name, NULL));
		SELECT string_agg(format('%I', g), ', ') INTO keys
		FROM unnest(a.group_by) AS g;
		EXECUTE format('ALTER TABLE %s ADD PRIMARY KEY (%s, time)', rel,
		    keys);
		EXECUTE format('CREATE INDEX ON %s (time)', rel);
	END IF;
	EXECUTE format('COMMENT ON %s %s IS %L',
	    CASE WHEN ts_schema IS NOT NULL THEN 'VIEW'
	    ELSE 'TABLE' END, rel,
	    format('tsm aggregate of %s by %s', a.source, a.bucket));
END
$$;

-- Brings a rollup table up to date for [lo, hi), widened to whole
-- buckets: what is there is replaced by what the source holds now.  Runs
-- in the caller's transaction, so rows and rollup commit together.
-- Returns the number of buckets written.  Plain PostgreSQL only: on
-- TimescaleDB refresh_continuous_aggregate does this.
CREATE OR REPLACE FUNCTION :"schema".refresh_aggregate(p_name text,
    lo timestamptz, hi timestamptz)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	a aggregates;
	rel text := format('%I.%I', current_schema(), p_name);
	n bigint;
BEGIN
	SELECT * INTO STRICT a FROM aggregates WHERE name = p_name;
	lo := bucket_floor(a.bucket, lo);
	IF bucket_floor(a.bucket, hi) < hi THEN
		hi := bucket_floor(a.bucket, hi) + a.bucket;
	END IF;
	EXECUTE format('DELETE FROM %s WHERE time >= $1 AND time < $2', rel)
	    USING lo, hi;
	EXECUTE format('INSERT INTO %s %s', rel,
	    aggregate_query(p_name, NULL, lo, hi));
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;

-- Native partitions with their bounds, read from the catalog.
CREATE OR REPLACE VIEW :"schema".partitions AS
SELECT s.kind, c.relname AS partition,
    (regexp_match(pg_get_expr(c.relpartbound, c.oid),
	'FROM \(''([^'']+)''\)'))[1]::timestamptz AS lo,
    (regexp_match(pg_get_expr(c.relpartbound, c.oid),
	'TO \(''([^'']+)''\)'))[1]::timestamptz AS hi
FROM :"schema".series s
JOIN pg_catalog.pg_class p ON p.relname = s.table_name
JOIN pg_catalog.pg_namespace n ON n.oid = p.relnamespace
    AND n.nspname = :'schema'
JOIN pg_catalog.pg_inherits i ON i.inhparent = p.oid
JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid;

-- Makes the native partitions that [lo, hi] needs and returns how many it
-- made.  Bounds are aligned to the kind's chunk interval; where a
-- partition of another width is already there (the interval was changed),
-- the new one stops at its edge.  SECURITY DEFINER: a writer role may add
-- partitions without owning the table, and nothing else.
CREATE OR REPLACE FUNCTION :"schema".ensure_partitions(p_kind text,
    lo timestamptz, hi timestamptz)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	s series;
	start timestamptz;
	stop timestamptz;
	nxt timestamptz;
	pname text;
	made integer := 0;
BEGIN
	SELECT * INTO STRICT s FROM series WHERE kind = p_kind;
	IF lo IS NULL OR hi IS NULL OR hi < lo THEN
		RETURN 0;
	END IF;
	PERFORM pg_advisory_xact_lock(hashtext(current_schema() || '.' ||
	    s.table_name));
	start := bucket_floor(s.chunk_interval, lo);
	WHILE start <= hi LOOP
		stop := start + s.chunk_interval;
		-- Skip what an existing partition covers; clip to the next one.
		SELECT p.hi INTO nxt FROM partitions p
		WHERE p.kind = p_kind AND p.lo <= start AND p.hi > start;
		IF FOUND THEN
			start := nxt;
			CONTINUE;
		END IF;
		SELECT min(p.lo) INTO nxt FROM partitions p
		WHERE p.kind = p_kind AND p.lo > start AND p.lo < stop;
		IF nxt IS NOT NULL THEN
			stop := nxt;
		END IF;
		pname := s.table_name || '_p' ||
		    to_char(start AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MI');
		EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I '
		    'FOR VALUES FROM (%L) TO (%L)', current_schema(), pname,
		    current_schema(), s.table_name, start, stop);
		made := made + 1;
		start := stop;
	END LOOP;
	RETURN made;
END
$$;

\if :native
-- Partitions for the recent past and the coming weeks, so that a live feed
-- never waits on one; loaders make the ones older data needs.
SELECT :"schema".ensure_partitions(kind, now() - interval '7 days',
    now() + interval '28 days')
FROM :"schema".series ORDER BY kind;
SELECT :"schema".create_aggregate(name, NULL)
FROM :"schema".aggregates ORDER BY name;
\endif
\if :timescaledb
SELECT :"schema".create_aggregate(name, :'ext')
FROM :"schema".aggregates ORDER BY name;
\endif
