-- ingest_rollups.sql: brings the native rollups of kind $3 up to date
-- over [$1, $2), in the loading batch's transaction; returns the number
-- of rollups refreshed.
SELECT count(:"schema".refresh_aggregate(a.name, $1::timestamptz,
    $2::timestamptz))
FROM :"schema".aggregates a
WHERE a.source = $3
