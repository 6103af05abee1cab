-- compress_retention_chunks.sql: the chunks (partitions) that retention
-- drops: whole ones whose range ended at least AGE ago, oldest first in
-- each kind, with their size now (compressed data included).  AGE is $2
-- (an interval) or, when $2 is NULL, the kind's retention policy; kinds
-- with neither are left out.  $1 text[]: the kinds, NULL for all.
\if :timescaledb
SELECT s.kind, c.chunk_schema, c.chunk_name AS chunk, c.range_start AS lo,
	c.range_end AS hi, c.is_compressed AS compressed,
	pg_catalog.pg_total_relation_size(pg_catalog.format('%I.%I',
	    c.chunk_schema, c.chunk_name)::regclass)
	+ coalesce((SELECT pg_catalog.pg_total_relation_size(
	    pg_catalog.format('%I.%I', z.schema_name, z.table_name)::regclass)
	  FROM _timescaledb_catalog.chunk ch
	  JOIN _timescaledb_catalog.chunk z ON z.id = ch.compressed_chunk_id
	  WHERE ch.schema_name = c.chunk_schema
	  AND ch.table_name = c.chunk_name), 0) AS bytes,
	s.table_name,
	coalesce($2::interval, s.retention)::text AS age
FROM :"schema".series s
JOIN timescaledb_information.chunks c ON c.hypertable_schema = :'schema'
	AND c.hypertable_name = s.table_name
WHERE ($1::text[] IS NULL OR s.kind = ANY ($1::text[]))
	AND c.range_end <= pg_catalog.now()
	    - coalesce($2::interval, s.retention)
ORDER BY s.kind, c.range_start;
\else
SELECT s.kind, :'schema' AS chunk_schema, p.partition AS chunk, p.lo, p.hi,
	cp.partition IS NOT NULL AS compressed,
	pg_catalog.pg_total_relation_size(pg_catalog.format('%I.%I', :'schema',
	    p.partition)::regclass)
	+ CASE WHEN cp.packed IS NOT NULL THEN pg_catalog.pg_total_relation_size(
	    pg_catalog.format('%I.%I', :'schema', cp.packed)::regclass)
	  ELSE 0 END AS bytes,
	s.table_name,
	coalesce($2::interval, s.retention)::text AS age
FROM :"schema".series s
JOIN :"schema".partitions p ON p.kind = s.kind
LEFT JOIN :"schema".compressed_partitions cp ON cp.kind = p.kind
	AND cp.partition = p.partition
WHERE ($1::text[] IS NULL OR s.kind = ANY ($1::text[]))
	AND p.hi <= pg_catalog.now() - coalesce($2::interval,
	    s.retention)
ORDER BY s.kind, p.lo;
\endif
