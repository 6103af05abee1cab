-- compress_status_tables.sql: tsm-compress status, per series table: its
-- chunks (partitions) in all and compressed, the size before and after
-- compression, the share saved, the oldest and newest data.
--
-- $1 text[]: the kinds to show, NULL for all.  Before and after count the
-- chunks left uncompressed at their size now (measured) and the
-- compressed ones at the sizes recorded when they were compressed
-- (TimescaleDB's catalog, or compressed_partitions), so that the cost
-- does not grow with the number of compressed chunks beyond one catalog
-- row each, summed in one pass.  oldest and newest look into the first
-- and last chunks only, of kinds that hold data: compressed chunks, or
-- (plain PostgreSQL, where tsm-init makes partitions ahead) partitions
-- whose heap is not empty.  OFFSET 0 keeps that condition in front of
-- the function, which would otherwise run for every kind.  The pass over
-- the partitions tells it whether any is named otherwise than
-- ensure_partitions names them (it then sorts them all by their bounds).
WITH k AS (
	SELECT s.kind, s.table_name, s.chunk_interval, s.compress_after,
	    s.retention
	FROM :"schema".series s
	WHERE $1::text[] IS NULL OR s.kind = ANY ($1::text[])
\if :timescaledb
), x AS (
	-- The chunk catalog summed per hypertable before anything is joined
	-- to its rows: one pass, grouped by an integer, whatever the count.
	SELECT ch.hypertable_id, pg_catalog.count(*) AS chunks,
	    pg_catalog.count(*) FILTER (WHERE ch.status & 1 <> 0) AS compressed,
	    pg_catalog.sum(CASE WHEN ch.status & 1 = 0 OR ch.status & 8 <> 0
		THEN pg_catalog.pg_total_relation_size(pg_catalog.format('%I.%I',
		    ch.schema_name, ch.table_name)::regclass) ELSE 0 END) AS hot,
	    pg_catalog.sum(cs.uncompressed_heap_size
		+ cs.uncompressed_toast_size + cs.uncompressed_index_size)
		FILTER (WHERE ch.status & 1 <> 0) AS cbefore,
	    pg_catalog.sum(cs.compressed_heap_size + cs.compressed_toast_size
		+ cs.compressed_index_size) FILTER (WHERE ch.status & 1 <> 0)
		AS cafter
	FROM _timescaledb_catalog.chunk ch
	LEFT JOIN _timescaledb_catalog.compression_chunk_size cs
	    ON cs.chunk_id = ch.id
	WHERE ch.hypertable_id IN (SELECT h.id
	    FROM _timescaledb_catalog.hypertable h
	    WHERE h.schema_name = :'schema'
	    AND h.table_name IN (SELECT k.table_name FROM k))
\if :tsdb_dropped
	    AND NOT ch.dropped
\endif
	GROUP BY ch.hypertable_id
), c AS (
	SELECT k.kind, x.chunks, x.compressed, x.chunks AS full, x.hot,
	    x.cbefore, x.cafter, NULL::boolean AS odd
	FROM k
	JOIN _timescaledb_catalog.hypertable h ON h.schema_name = :'schema'
	    AND h.table_name = k.table_name
	JOIN x ON x.hypertable_id = h.id
\else
), c AS (
	SELECT k.kind, pg_catalog.count(*) AS chunks,
	    pg_catalog.count(cp.partition) AS compressed,
	    pg_catalog.count(*) FILTER (WHERE cp.partition IS NULL
		AND pg_catalog.pg_relation_size(i.inhrelid) > 0) AS full,
	    pg_catalog.sum(CASE WHEN cp.partition IS NULL
		THEN pg_catalog.pg_total_relation_size(i.inhrelid) ELSE 0 END)
		AS hot,
	    pg_catalog.sum(cp.bytes_before) AS cbefore,
	    pg_catalog.sum(cp.bytes_after) AS cafter,
	    pg_catalog.bool_or(NOT :"schema".partition_named(k.table_name,
		pc.relname)) AS odd
	FROM k
	JOIN pg_catalog.pg_class p ON p.relname = k.table_name
	    AND p.relnamespace = (SELECT n.oid FROM pg_catalog.pg_namespace n
		WHERE n.nspname = :'schema')
	JOIN pg_catalog.pg_inherits i ON i.inhparent = p.oid
	JOIN pg_catalog.pg_class pc ON pc.oid = i.inhrelid
	LEFT JOIN :"schema".compressed_partitions cp ON cp.kind = k.kind
	    AND cp.partition = pc.relname
	GROUP BY k.kind
\endif
)
SELECT k.kind, k.table_name AS "table", coalesce(c.chunks, 0)
	AS chunks, coalesce(c.compressed, 0) AS compressed,
	pg_catalog.pg_size_pretty(coalesce(c.hot, 0)
	    + coalesce(c.cbefore, 0)) AS before,
	pg_catalog.pg_size_pretty(coalesce(c.hot, 0)
	    + coalesce(c.cafter, 0)) AS after,
	CASE WHEN c.cbefore > 0 THEN pg_catalog.round(100 * (1
	    - (c.hot + c.cafter)::numeric / (c.hot + c.cbefore)), 1) END
	    AS saved_pct,
	CASE WHEN c.cbefore > 0 THEN pg_catalog.round(100 * (1
	    - c.cafter::numeric / c.cbefore), 1) END AS chunk_saved_pct,
	e.oldest, e.newest, k.chunk_interval, k.compress_after, k.retention
FROM k
LEFT JOIN c ON c.kind = k.kind
LEFT JOIN LATERAL (SELECT * FROM :"schema".series_extent_named(k.kind, c.odd)
	WHERE c.compressed > 0 OR c.full > 0 OFFSET 0) e ON true
ORDER BY k.kind;
