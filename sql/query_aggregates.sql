-- query_aggregates.sql: the aggregates of the catalog that answer candles
-- of an interval (whose code is one of $1, such as {1h,60m}): name,
-- source series, the filter on the source, the candle interval, whether
-- the relation is there, and whether it answers only from what was
-- materialised (a rollup table always does; a continuous aggregate does
-- when materialized_only was set).  On plain PostgreSQL also the span of
-- the writes to its source that wait in the log of invalidations and
-- touch the range [$2, $3) (see query_invalidations.sql): a rollup
-- cannot be trusted there.
SELECT a.name, a.source, a.filter, a.timeframe,
	pg_catalog.to_regclass(pg_catalog.format('%I.%I', :'schema', a.name))
	    IS NOT NULL AS present,
\if :timescaledb
	-- TimescaleDB's own catalog (there from 2.0 on): its information
	-- view computes each aggregate's definition, which costs more than
	-- the rest of the routing together.
	coalesce((SELECT ca.materialized_only
	    FROM _timescaledb_catalog.continuous_agg ca
	    WHERE ca.user_view_schema = :'schema'
	    AND ca.user_view_name = a.name), true) AS materialized_only
\else
	true AS materialized_only,
	i.lo AS waiting_lo, i.hi AS waiting_hi
\endif
FROM :"schema".aggregates a
\if :native
LEFT JOIN LATERAL (
	SELECT min(v.lo) AS lo, max(v.hi) AS hi
	FROM :"schema".invalidations v
	WHERE v.kind = a.source AND v.hi >= $2::timestamptz
	    AND v.lo < $3::timestamptz) AS i ON true
\endif
WHERE a.timeframe = ANY ($1::text[])
ORDER BY a.bucket, a.name;
