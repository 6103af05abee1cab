-- 009_packed.sql: what tsm-query asks of the blocks of candles_packed
-- and ticks_packed (plain PostgreSQL, tsm-compress(1)): whether a block
-- holds a row in a time range, and the rows of one of its columns.
--
-- Runs in psql as well as from tsm-init:
--   psql -v schema=tsm -v native=true -v timescaledb=false -f 009_packed.sql
--
-- The caller keeps the conditions on _lo and _hi that prune the packed
-- partitions and that settle most blocks (one whose first or last time
-- is in [lo, hi) holds a row there); this function is the rest: a block
-- wider than the range is unpacked and its times looked at.  A block
-- keeps either its times (p_time) or, when they are evenly spaced, its
-- first time and the step between them (tsm-compress(1)).
CREATE OR REPLACE FUNCTION :"schema".packed_block_holds(p_lo timestamptz,
    p_hi timestamptz, p_n integer, p_step interval, p_time timestamptz[],
    lo timestamptz, hi timestamptz)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT p_lo < hi AND p_hi >= lo AND (p_lo >= lo OR p_hi < hi
	    OR EXISTS (SELECT FROM (
		SELECT pg_catalog.unnest(p_time) WHERE p_time IS NOT NULL
		UNION ALL
		SELECT p_lo + (i - 1) * p_step
		FROM pg_catalog.generate_series(1, p_n) AS i
		WHERE p_time IS NULL) AS x (t)
		WHERE x.t >= lo AND x.t < hi))
$$;
COMMENT ON FUNCTION :"schema".packed_block_holds(timestamptz, timestamptz,
    integer, interval, timestamptz[], timestamptz, timestamptz) IS
	'whether a packed block (_lo, _hi, _n, _step, time) holds a row in [lo, hi)';

-- The rows of one packed column of a block, each with its time and, when
-- given, its id (ids, the block's trade_id of ticks): the column is kept
-- as doubles (f8) or as integers scaled by div (i4, i8), and the times
-- as they are (p_time) or as the block's first time and step.  For
-- tsm-query's newest price of a packed block (query_latest.sql,
-- query_overview.sql).  Plain SQL, inlined into the query that calls it.
CREATE OR REPLACE FUNCTION :"schema".packed_values(p_lo timestamptz,
    p_step interval, p_time timestamptz[], f8 double precision[],
    i4 integer[], i8 bigint[], div double precision,
    ids bigint[] DEFAULT NULL)
RETURNS TABLE ("time" timestamptz, value double precision, id bigint)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT coalesce(x.t, p_lo + (x.n - 1) * p_step),
	    coalesce(x.f8, x.i4 / div, x.i8 / div), x.id
	FROM ROWS FROM (pg_catalog.unnest(p_time), pg_catalog.unnest(f8),
	    pg_catalog.unnest(i4), pg_catalog.unnest(i8),
	    pg_catalog.unnest(ids)) WITH ORDINALITY AS x (t, f8, i4, i8, id, n)
$$;
