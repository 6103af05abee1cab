-- compress_status_aggregates.sql: tsm-compress status, how far each
-- aggregate is materialised.  On TimescaleDB, the watermark of the
-- continuous aggregate (rows after it are computed from the source when
-- read, unless materialized_only); on plain PostgreSQL, the end of the
-- newest bucket of the rollup table.  $1 text[]: kinds, NULL for all.
SELECT a.name AS aggregate, a.source, a.bucket,
\if :timescaledb
	'continuous aggregate' AS form,
	CASE WHEN w.w > -210866803200000000
	    THEN :"tsfn".to_timestamp(w.w) END AS materialised_to,
	NOT ca.materialized_only AS realtime
FROM :"schema".aggregates a
JOIN _timescaledb_catalog.continuous_agg ca
	ON ca.user_view_schema = :'schema' AND ca.user_view_name = a.name
CROSS JOIN LATERAL (SELECT :"tsfn".cagg_watermark(ca.mat_hypertable_id)
	AS w) w
\else
	'rollup table' AS form,
	:"schema".rollup_materialised(a.name)
	    AS materialised_to,
	false AS realtime
FROM :"schema".aggregates a
\endif
WHERE $1::text[] IS NULL OR a.source = ANY ($1::text[])
ORDER BY a.source, a.bucket, a.name;
