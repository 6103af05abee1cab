-- query_aggregates.sql: the aggregates of the catalog that answer candles
-- of an interval (whose code is one of $1, such as {1h,60m}): name,
-- source series, the filter on the source, the candle interval, whether
-- the relation is there, and whether it answers only from what was
-- materialised (a rollup table always does; a continuous aggregate does
-- when materialized_only was set).
SELECT a.name, a.source, a.filter, a.timeframe,
	pg_catalog.to_regclass(pg_catalog.format('%I.%I', :'schema', a.name))
	    IS NOT NULL AS present,
\if :timescaledb
	coalesce((SELECT ca.materialized_only
	    FROM timescaledb_information.continuous_aggregates ca
	    WHERE ca.view_schema = :'schema' AND ca.view_name = a.name), true)
	    AS materialized_only
\else
	true AS materialized_only
\endif
FROM :"schema".aggregates a
WHERE a.timeframe = ANY ($1::text[])
ORDER BY a.bucket, a.name;
