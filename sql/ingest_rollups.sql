-- ingest_rollups.sql: brings the native rollups of kind $3 up to date
-- over [$1, $2), in the loading batch's transaction; returns the number
-- of rollups refreshed.
--
-- refresh_aggregate deletes a range of buckets and inserts them again,
-- so two transactions refreshing the same bucket at once (batches of
-- tsm-ingest -j, or two loaders) would both insert it.  A lock held to
-- the end of the transaction makes them take turns: the second one
-- refreshes after the first has committed, and its statements see the
-- first one's rows.  Tools that refresh rollups while rows may be loaded
-- take the same lock: pg_advisory_xact_lock(hashtext('<schema>.rollups.<kind>')).
WITH turn AS MATERIALIZED (
    SELECT pg_catalog.pg_advisory_xact_lock(
        pg_catalog.hashtext(:'schema' || '.rollups.' || $3))
)
SELECT count(:"schema".refresh_aggregate(a.name, $1::timestamptz,
    $2::timestamptz))
FROM turn, :"schema".aggregates a
WHERE a.source = $3
