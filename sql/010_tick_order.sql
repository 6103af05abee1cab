-- 010_tick_order.sql: a bar made of trade ticks opens with the first
-- trade of its bucket and closes with the last, by trade id among trades
-- of one instant, on both backends.
--
-- Runs in psql as well as from tsm-init:
--   psql -v schema=tsm -v native=true -v timescaledb=false -v ext=public \
--       -f 010_tick_order.sql
--
-- Many trades share one millisecond: a taker's order that fills several
-- makers is several trades, one id after the other, at one instant and
-- often at several prices.  The aggregates of 002 took first(price, time)
-- and last(price, time), so which of them opened or closed a bar depended
-- on the order in which the rows were read, and ticks_1m could disagree
-- with the bars tsm-query computes from the ticks, which order them by
-- time and trade id.  A first or last column of an aggregate may now name
-- a tie-breaker ("by" in tsm.aggregates.columns): ticks_1m's open and
-- close are by trade id.  The other aggregates keep their expressions.
--
-- ticks_1m is then made again: on plain PostgreSQL the whole range of the
-- ticks is logged as invalidated, so that tsm-query answers from the
-- ticks themselves until the next refresh; on TimescaleDB the continuous
-- aggregate is dropped and made anew, with the refresh policy it had, and
-- real-time aggregation answers from the ticks until it is refreshed
-- (tsm-compress refresh ticks_1m).

-- 006's aggregate_query, with the tie-breakers of first and last.
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
	key text;
	tie text;
	expr text;
	grp text;
	q text;
BEGIN
	SELECT * INTO STRICT a FROM aggregates WHERE name = p_name;
	-- Plain PostgreSQL reads compressed partitions too (006).
	SELECT CASE
		WHEN ts_schema IS NOT NULL THEN
		    format('%I.%I', current_schema(), table_name)
		WHEN lo IS NULL THEN
		    format('%I.%I', current_schema(), table_name || '_all')
		ELSE format('%I.%I(%L, %L)', current_schema(),
		    table_name || '_range', lo, hi)
	END INTO STRICT src
	FROM series WHERE kind = a.source;
	IF ts_schema IS NOT NULL THEN
		bucket := format('%I.time_bucket(%L::interval, time)', ts_schema,
		    a.bucket);
	ELSE
		bucket := format('pg_catalog.date_bin(%L::interval, time, '
		    '''2000-01-03 00:00:00+00''::timestamptz)', a.bucket);
	END IF;
	FOR c IN SELECT * FROM jsonb_array_elements(a.columns) LOOP
		-- What first and last of TimescaleDB compare: the time, or
		-- with a tie-breaker the time in microseconds times 10^20
		-- plus it, exact in numeric and in the order of the pair for
		-- every bigint.  (A row of the two would do in a query, but
		-- a continuous aggregate over several chunks cannot read
		-- back partial states that hold an anonymous row.)
		key := CASE WHEN c ? 'by' THEN format('extract('
		    'epoch FROM time - timestamptz ''1970-01-01 00:00:00+00'') '
		    '* 100000000000000000000000000 + %I', c->>'by')
		    ELSE 'time' END;
		tie := CASE WHEN c ? 'by' THEN format(', %I', c->>'by') ELSE ''
		    END;
		expr := CASE c->>'fn'
		    WHEN 'first' THEN CASE WHEN ts_schema IS NOT NULL
			THEN format('%I.first(%s, %s)', ts_schema, c->>'arg', key)
			ELSE format('(array_agg(%s ORDER BY time%s))[1]',
			    c->>'arg', tie)
			END
		    WHEN 'last' THEN CASE WHEN ts_schema IS NOT NULL
			THEN format('%I.last(%s, %s)', ts_schema, c->>'arg', key)
			ELSE format('(array_agg(%s ORDER BY time DESC%s))[1]',
			    c->>'arg', CASE WHEN tie = '' THEN ''
			    ELSE tie || ' DESC' END)
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

-- ticks_1m: open and close by trade id among trades of one instant.
UPDATE :"schema".aggregates
SET columns = (SELECT jsonb_agg(CASE WHEN x.c->>'fn' IN ('first', 'last')
	THEN x.c || '{"by": "trade_id"}' ELSE x.c END ORDER BY x.n)
    FROM jsonb_array_elements(columns) WITH ORDINALITY AS x (c, n))
WHERE name = 'ticks_1m' AND NOT columns @> '[{"by": "trade_id"}]';

\if :native
INSERT INTO :"schema".invalidations (kind, lo, hi)
SELECT 'ticks', min(lo), max(hi)
FROM (SELECT min(time) AS lo, max(time) AS hi FROM :"schema".ticks
    UNION ALL
    SELECT min(_lo), max(_hi) FROM :"schema".ticks_packed) AS x
HAVING min(lo) IS NOT NULL;
\endif
\if :timescaledb
-- psql does not expand variables in a DO block: they come in as settings
-- of the session (psql may run each statement in a transaction of its
-- own), emptied after it.
SELECT pg_catalog.set_config('tsm.upgrade_schema', :'schema', false),
    pg_catalog.set_config('tsm.upgrade_ext', :'ext', false);
DO $$
DECLARE
	sch text := current_setting('tsm.upgrade_schema');
	ext text := current_setting('tsm.upgrade_ext');
	rel text := format('%I.ticks_1m', sch);
	j record;
	had boolean;
BEGIN
	-- Its refresh policy, as the operator may have changed it, is kept.
	SELECT config, schedule_interval INTO j
	FROM timescaledb_information.jobs
	WHERE proc_name = 'policy_refresh_continuous_aggregate'
	    AND hypertable_schema = sch AND hypertable_name = 'ticks_1m';
	had := FOUND;
	IF to_regclass(rel) IS NOT NULL THEN
		EXECUTE format('DROP MATERIALIZED VIEW %s', rel);
	END IF;
	EXECUTE format('SELECT %I.create_aggregate($1, $2)', sch)
	    USING 'ticks_1m', ext;
	EXECUTE format('SELECT %I.remove_continuous_aggregate_policy('
	    '$1::regclass, if_exists => true)', ext) USING rel;
	IF had THEN
		EXECUTE format('SELECT %I.add_continuous_aggregate_policy('
		    '$1::regclass, start_offset => $2::interval, end_offset => '
		    '$3::interval, schedule_interval => $4)', ext)
		    USING rel, j.config->>'start_offset', j.config->>'end_offset',
		    j.schedule_interval;
	END IF;
END
$$;
SELECT pg_catalog.set_config('tsm.upgrade_schema', '', false),
    pg_catalog.set_config('tsm.upgrade_ext', '', false);
\endif
