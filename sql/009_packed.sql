-- 009_packed.sql: whether a packed block holds a row in a time range,
-- asked by tsm-query of the blocks of candles_packed and ticks_packed
-- at the edges of an aggregate's answer (query_route_edges.sql).
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
