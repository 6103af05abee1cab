-- 006_migrate.sql: what tsm-migrate needs to keep aggregates right while
-- it moves old tables into the series.
--
-- Runs in psql as well as from tsm-init:
--   psql -v schema=tsm -v native=true -v timescaledb=false -f 006_migrate.sql
--
-- Moving one legacy table per symbol, on plain PostgreSQL, must bring the
-- rollups up to date in the same transaction as each batch.
-- refresh_aggregate (and refresh_invalidated, which calls it) recomputes a
-- range of time for every instrument: done for each table, moving N tables
-- of the same period would cost N times the work of all of them.
-- refresh_aggregates_for recomputes the buckets of one instrument only.

-- The aggregates of a kind that rows of a given timeframe feed: those
-- without a filter, and those whose filter holds for that timeframe
-- (candles_1h is made from 1m candles: "timeframe = '1m'").  A filter on
-- other columns cannot be decided here, so its aggregate counts as fed.
CREATE OR REPLACE FUNCTION :"schema".aggregates_fed_by(p_kind text,
    p_timeframe text)
RETURNS SETOF :"schema".aggregates
LANGUAGE plpgsql STABLE
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	a aggregates;
	fed boolean;
BEGIN
	FOR a IN SELECT * FROM aggregates WHERE source = p_kind ORDER BY name
	LOOP
		fed := true;
		IF a.filter IS NOT NULL AND p_timeframe IS NOT NULL THEN
			BEGIN
				EXECUTE format('SELECT %s FROM (SELECT $1::text AS '
				    'timeframe) AS s', a.filter)
				INTO fed USING p_timeframe;
			EXCEPTION WHEN undefined_column THEN
				fed := true;
			END;
		END IF;
		IF fed THEN
			RETURN NEXT a;
		END IF;
	END LOOP;
END
$$;

\if :native
-- Brings the rollup tables fed by rows of a kind and timeframe up to date
-- for [lo, hi), widened to whole buckets, for one instrument when
-- p_instrument_id is given (and the aggregate is grouped by instrument),
-- else for all.  Runs in the caller's transaction and returns the number
-- of buckets written.  The ranges this transaction logged in
-- invalidations for the kind within [lo, hi] are then refreshed, so they
-- are cleared: a caller that also wrote other instruments in the same
-- transaction calls refresh_invalidated instead.  Plain PostgreSQL only;
-- it runs as the owner, like refresh_aggregate.
CREATE OR REPLACE FUNCTION :"schema".refresh_aggregates_for(p_kind text,
    p_timeframe text, lo timestamptz, hi timestamptz,
    p_instrument_id integer DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	a aggregates;
	rel text;
	l timestamptz;
	h timestamptz;
	n bigint := 0;
	k bigint;
BEGIN
	IF lo IS NULL OR hi IS NULL THEN
		RETURN 0;
	END IF;
	FOR a IN SELECT * FROM aggregates_fed_by(p_kind, p_timeframe) LOOP
		IF p_instrument_id IS NULL OR
		    NOT ('instrument_id' = ANY (a.group_by)) THEN
			n := n + refresh_aggregate(a.name, lo, hi);
			CONTINUE;
		END IF;
		rel := format('%I.%I', current_schema(), a.name);
		l := bucket_floor(a.bucket, lo);
		h := bucket_floor(a.bucket, hi);
		IF h < hi THEN
			h := h + a.bucket;
		END IF;
		EXECUTE format('DELETE FROM %s WHERE instrument_id = $1 AND '
		    'time >= $2 AND time < $3', rel)
		    USING p_instrument_id, l, h;
		-- The filter on a grouping column reaches the scan of the
		-- source, so only this instrument's rows are read.
		EXECUTE format('INSERT INTO %s SELECT * FROM (%s) AS q '
		    'WHERE q.instrument_id = $1', rel,
		    aggregate_query(a.name, NULL, l, h))
		    USING p_instrument_id;
		GET DIAGNOSTICS k = ROW_COUNT;
		n := n + k;
	END LOOP;
	-- age(xmin) is 0 for the rows of this transaction.
	DELETE FROM invalidations i WHERE i.kind = p_kind
	    AND pg_catalog.age(i.xmin) = 0
	    AND i.lo >= refresh_aggregates_for.lo
	    AND i.hi < refresh_aggregates_for.hi;
	RETURN n;
END
$$;
REVOKE EXECUTE ON FUNCTION :"schema".refresh_aggregates_for(text, text,
	timestamptz, timestamptz, integer) FROM PUBLIC;
\endif

-- A source_key is an opaque hash (hex digits): byte order is its order,
-- and comparing it by the database's collation only costs time on every
-- insert and look-up of a migration.  Run again, this changes nothing.
ALTER TABLE :"schema".positions ALTER COLUMN source_key TYPE text
    COLLATE "C";
ALTER TABLE :"schema".trades ALTER COLUMN source_key TYPE text COLLATE "C";
