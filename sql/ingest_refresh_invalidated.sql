-- ingest_refresh_invalidated.sql: plain PostgreSQL: brings the rollups of
-- kind $1 up to date over the ranges its writes logged in invalidations,
-- and clears them (see 003_invalidations.sql); returns the number of
-- rollup refreshes.
--
-- As refresh_invalidated(), with one difference that matters to a
-- loader: ranges less than the widest bucket apart are refreshed as one.
-- A load logs one range per batch, back to back; refreshing each on its
-- own would aggregate the same day's rows into the daily rollup once
-- per batch.  Takes the lock refresh_invalidated() takes, to the end of
-- the transaction: two refreshes of one kind take turns (the second one's
-- refresh_aggregate statements see what the first one committed).
WITH turn AS MATERIALIZED (
    SELECT pg_catalog.pg_advisory_xact_lock(
        pg_catalog.hashtext(:'schema' || '.refresh.' || $1))
), gone AS (
    DELETE FROM :"schema".invalidations v
    USING turn
    WHERE v.kind = $1
    RETURNING v.lo, v.hi
), widest AS (
    SELECT coalesce(max(a.bucket), '0') AS w
    FROM :"schema".aggregates a
    WHERE a.source = $1 AND a.bucket < '1 mon'
), o AS (
    SELECT lo, hi, max(hi) OVER (ORDER BY lo, hi ROWS BETWEEN UNBOUNDED
        PRECEDING AND 1 PRECEDING) AS prev_hi
    FROM gone
), g AS (
    SELECT lo, hi, count(*) FILTER (WHERE prev_hi IS NULL
        OR lo > prev_hi + widest.w) OVER (ORDER BY lo, hi) AS grp
    FROM o, widest
), span AS (
    SELECT min(lo) AS lo, max(hi) AS hi FROM g GROUP BY grp
)
SELECT count(:"schema".refresh_aggregate(a.name, span.lo,
    span.hi + interval '1 microsecond'))
FROM span, :"schema".aggregates a
WHERE a.source = $1
