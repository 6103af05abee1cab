-- compress_decompress_chunks.sql: the compressed chunks (partitions) that
-- hold rows in [$2, $3), oldest first in each kind, for tsm-compress
-- decompress.  $1 text[]: the kinds, NULL for all.
\if :timescaledb
SELECT s.kind, c.chunk_schema, c.chunk_name AS chunk, c.range_start AS lo,
	c.range_end AS hi
FROM :"schema".series s
JOIN timescaledb_information.chunks c ON c.hypertable_schema = :'schema'
	AND c.hypertable_name = s.table_name
WHERE ($1::text[] IS NULL OR s.kind = ANY ($1::text[])) AND c.is_compressed
	AND c.range_start < $3::timestamptz AND c.range_end > $2::timestamptz
ORDER BY s.kind, c.range_start;
\else
SELECT cp.kind, :'schema' AS chunk_schema, cp.partition AS chunk, cp.lo,
	cp.hi
FROM :"schema".compressed_partitions cp
WHERE ($1::text[] IS NULL OR cp.kind = ANY ($1::text[]))
	AND cp.lo < $3::timestamptz AND cp.hi > $2::timestamptz
ORDER BY cp.kind, cp.lo;
\endif
