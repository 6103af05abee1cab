-- ingest_refresh_windows.sql: after a load on TimescaleDB, the part of
-- the loaded range [$2, $3] that each continuous aggregate of kind $1
-- must refresh so that no query misses the new rows.
--
-- Rows newer than both the aggregate's watermark and the start of its
-- refresh policy's window need nothing: real-time aggregation shows them
-- now, and the policy materialises them later.  Anything older is
-- refreshed now: below the watermark a query would read stale buckets,
-- and rows older than the policy's window would never be materialised
-- (and would vanish from the aggregate once the watermark passes them).
-- The window is widened to whole buckets, which is what a refresh
-- covers.
SELECT format('%I.%I', c.user_view_schema, c.user_view_name) AS aggregate,
    :"schema".bucket_floor(a.bucket, $2::timestamptz) AS lo,
    least(:"schema".bucket_floor(a.bucket, $3::timestamptz),
        :"schema".bucket_floor(a.bucket, w.cutoff)) + a.bucket AS hi
FROM :"schema".aggregates a
JOIN _timescaledb_catalog.continuous_agg c
    ON c.user_view_schema = :'schema' AND c.user_view_name = a.name
LEFT JOIN timescaledb_information.jobs j
    ON j.proc_name = 'policy_refresh_continuous_aggregate'
    AND j.hypertable_schema = c.user_view_schema
    AND j.hypertable_name = c.user_view_name
CROSS JOIN LATERAL (SELECT greatest(
    _timescaledb_functions.to_timestamp(
        _timescaledb_functions.cagg_watermark(c.mat_hypertable_id)),
    now() - coalesce((j.config->>'start_offset')::interval, '0'))
    AS cutoff) w
WHERE a.source = $1
    AND :"schema".bucket_floor(a.bucket, $2::timestamptz) <= w.cutoff
ORDER BY a.bucket, a.name
