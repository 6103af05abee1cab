-- ingest_refresh_invalidated.sql: plain PostgreSQL: brings the rollups of
-- kind $1 up to date over the ranges its writes logged in invalidations,
-- and clears them (see 003_invalidations.sql); returns the number of
-- spans refreshed.
--
-- As refresh_invalidated(), with two differences that matter to a
-- loader.  Ranges less than the widest bucket apart are refreshed as one:
-- a load logs one range per batch, back to back; refreshing each on its
-- own would aggregate the same day's rows into the daily rollup once per
-- batch.  And each span goes to refresh_rollups_for (007_rollups.sql),
-- which makes each rollup from the finest one already refreshed
-- (candles_1d from candles_4h) where refresh_aggregate reads the candles
-- once per rollup; it clears the logged ranges it covered, by the
-- transactions that logged them, as the owner, so a writer role that may
-- read the log but not delete from it runs this too.  Takes the lock
-- refresh_invalidated() takes, to the end of the transaction: two
-- refreshes of one kind take turns (the second one's statements see what
-- the first one committed; a range it finds already cleared is refreshed
-- again, which changes nothing).
WITH turn AS MATERIALIZED (
    SELECT pg_catalog.pg_advisory_xact_lock(
        pg_catalog.hashtext(:'schema' || '.refresh.' || $1))
), logged AS (
    SELECT v.lo, v.hi, v.xmin
    FROM :"schema".invalidations v, turn
    WHERE v.kind = $1
), widest AS (
    SELECT coalesce(max(a.bucket), '0') AS w
    FROM :"schema".aggregates a
    WHERE a.source = $1 AND a.bucket < '1 mon'
), o AS (
    SELECT lo, hi, xmin, max(hi) OVER (ORDER BY lo, hi ROWS BETWEEN
        UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_hi
    FROM logged
), g AS (
    SELECT lo, hi, xmin, count(*) FILTER (WHERE prev_hi IS NULL
        OR lo > prev_hi + widest.w) OVER (ORDER BY lo, hi) AS grp
    FROM o, widest
), span AS (
    SELECT min(lo) AS lo, max(hi) AS hi,
        pg_catalog.array_agg(xmin) AS xids
    FROM g GROUP BY grp
)
SELECT count(:"schema".refresh_rollups_for($1, NULL, span.lo,
    span.hi + interval '1 microsecond', NULL, span.xids))
FROM span
