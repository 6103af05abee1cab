-- query_aggregates.sql: the aggregates that answer candles, from the
-- catalog: name, source series, the filter on the source, the candle
-- interval, whether the relation is there, and whether it answers only
-- from what was materialised (a rollup table always does; a continuous
-- aggregate does when materialized_only was set).
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
WHERE a.timeframe IS NOT NULL
ORDER BY a.bucket, a.name;
