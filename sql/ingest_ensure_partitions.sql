-- ingest_ensure_partitions.sql: makes the native partitions that rows of
-- kind $1 from $2 to $3 need.
SELECT :"schema".ensure_partitions($1, $2::timestamptz, $3::timestamptz)
