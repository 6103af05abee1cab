-- ingest_partitions.sql: the native partitions of kind $1, as
-- microseconds since 1970, so that a loader knows which batches need
-- ensure_partitions first.
SELECT (extract(epoch FROM lo) * 1000000)::int8,
    (extract(epoch FROM hi) * 1000000)::int8
FROM :"schema".partitions
WHERE kind = $1 AND lo IS NOT NULL AND hi IS NOT NULL
ORDER BY lo
