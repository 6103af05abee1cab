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
--
-- While a load goes on, $4 is the earliest time of a batch not yet
-- committed, and a window ends before its bucket: a refresh moves
-- TimescaleDB's invalidation threshold, and a transaction that read the
-- old threshold just before committing logs no invalidation for its rows,
-- which the refresh may not see either.  Whatever lies from hi on is left
-- for a later refresh (hi <= lo: nothing now).  $4 is NULL once every
-- batch has committed.
SELECT format('%I.%I', c.user_view_schema, c.user_view_name) AS aggregate,
    r.lo, r.hi,
    (extract(epoch FROM r.lo) * 1000000)::bigint AS lo_us,
    (extract(epoch FROM r.hi) * 1000000)::bigint AS hi_us
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
CROSS JOIN LATERAL (SELECT :"schema".bucket_floor(a.bucket, $2::timestamptz)
        AS lo,
    least(least(:"schema".bucket_floor(a.bucket, $3::timestamptz),
        :"schema".bucket_floor(a.bucket, w.cutoff)) + a.bucket,
        :"schema".bucket_floor(a.bucket, $4::timestamptz)) AS hi) r
WHERE a.source = $1
    AND :"schema".bucket_floor(a.bucket, $2::timestamptz) <= w.cutoff
ORDER BY a.bucket, a.name
