-- status_aggregates.sql: each aggregate, its form and size, for
-- tsm-init --status.
SELECT a.name, a.source, a.bucket,
\if :timescaledb
	'continuous aggregate' AS form,
	pg_catalog.pg_size_pretty(:"ext".hypertable_size(pg_catalog.format(
	    '%I.%I', ca.materialization_hypertable_schema,
	    ca.materialization_hypertable_name)::regclass)) AS size,
	NOT ca.materialized_only AS realtime
FROM :"schema".aggregates a
LEFT JOIN timescaledb_information.continuous_aggregates ca
	ON ca.view_schema = :'schema' AND ca.view_name = a.name
\else
	'rollup table' AS form,
	pg_catalog.pg_size_pretty(pg_catalog.pg_total_relation_size(
	    pg_catalog.format('%I.%I', :'schema', a.name)::regclass)) AS size,
	false AS realtime
FROM :"schema".aggregates a
\endif
ORDER BY a.source, a.bucket, a.name;
