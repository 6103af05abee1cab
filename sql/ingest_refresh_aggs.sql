-- ingest_refresh_aggs.sql: the continuous aggregates that kind $1 feeds,
-- finest first, as regclass text for refresh_continuous_aggregate.
SELECT format('%I.%I', c.user_view_schema, c.user_view_name)
FROM :"schema".aggregates a
JOIN _timescaledb_catalog.continuous_agg c
    ON c.user_view_schema = :'schema' AND c.user_view_name = a.name
WHERE a.source = $1
ORDER BY a.bucket, a.name
