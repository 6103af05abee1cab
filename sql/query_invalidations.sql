-- query_invalidations.sql: plain PostgreSQL only: the span of the writes
-- to series $1 (candles, ticks) logged in invalidations and not yet
-- refreshed into its rollups, where they touch the range [$2, $3); NULL
-- when there are none.  Buckets of a rollup in that span cannot be
-- trusted, so that tsm-query aggregates on the fly instead.
SELECT min(lo) AS lo, max(hi) AS hi
FROM :"schema".invalidations
WHERE kind = $1::text AND hi >= $2::timestamptz AND lo < $3::timestamptz;
