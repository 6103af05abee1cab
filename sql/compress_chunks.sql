-- compress_chunks.sql: what tsm-compress run compresses, oldest first in
-- each kind: the chunks (partitions) whose range ended at least AGE ago
-- and that are not compressed, or on TimescaleDB were written to since
-- (partially compressed).  AGE is $2 (an interval) or, when $2 is NULL,
-- the kind's compression policy; kinds with neither are left out.
-- $1 text[]: the kinds, NULL for all.  Native partitions whose heap is
-- empty are left out: there is nothing to pack.  The first five columns
-- are what --dry-run lists.
\if :timescaledb
SELECT s.kind, c.chunk_schema, c.chunk_name AS chunk, c.range_start AS lo,
	c.range_end AS hi, (ch.status & 8 <> 0) AS partial, s.table_name,
	s.segment_by, s.order_by,
	coalesce($2::interval, s.compress_after)::text AS age
FROM :"schema".series s
JOIN timescaledb_information.chunks c ON c.hypertable_schema = :'schema'
	AND c.hypertable_name = s.table_name
JOIN _timescaledb_catalog.chunk ch ON ch.schema_name = c.chunk_schema
	AND ch.table_name = c.chunk_name
WHERE ($1::text[] IS NULL OR s.kind = ANY ($1::text[]))
	AND c.range_end <= pg_catalog.now()
	    - coalesce($2::interval, s.compress_after)
	AND (ch.status & 1 = 0 OR ch.status & 8 <> 0)
ORDER BY s.kind, c.range_start;
\else
SELECT s.kind, :'schema' AS chunk_schema, p.partition AS chunk, p.lo, p.hi,
	false AS partial, s.table_name, s.segment_by, s.order_by,
	coalesce($2::interval, s.compress_after)::text AS age
FROM :"schema".series s
JOIN :"schema".partitions p ON p.kind = s.kind
WHERE ($1::text[] IS NULL OR s.kind = ANY ($1::text[]))
	AND p.hi <= pg_catalog.now()
	    - coalesce($2::interval, s.compress_after)
	AND NOT EXISTS (SELECT FROM :"schema".compressed_partitions cp
	    WHERE cp.kind = p.kind AND cp.partition = p.partition)
	AND pg_catalog.pg_relation_size(pg_catalog.format('%I.%I', :'schema',
	    p.partition)::regclass) > 0
ORDER BY s.kind, p.lo;
\endif
