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
-- ensure_partitions names them (it then sorts them all by their bounds):
-- for a compressed partition the name recorded in compressed_partitions,
-- which it is matched to by oid (011_status.sql), so that pg_class is
-- read only for the partitions that are not compressed.
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
), ch AS (
	-- The partitions of each kind's table: pg_inherits's rows found
	-- through its index on the parent (OFFSET 0 keeps the lookup per
	-- kind; planned as one join, the whole catalog is read, where the
	-- partitions of indexes and of packed tables outnumber these three
	-- to one), with the pattern of the names ensure_partitions gives.
	SELECT k.kind, i.inhrelid,
	    pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
		k.table_name, '\', '\\'), '_', '\_'), '%', '\%')
		|| '\_p________T____' AS pat,
	    pg_catalog.length(k.table_name) + 15 AS len
	FROM k
	JOIN pg_catalog.pg_class p ON p.relname = k.table_name
	    AND p.relnamespace = (SELECT n.oid FROM pg_catalog.pg_namespace n
		WHERE n.nspname = :'schema')
	CROSS JOIN LATERAL (SELECT i.inhrelid FROM pg_catalog.pg_inherits i
	    WHERE i.inhparent = p.oid OFFSET 0) i
), cn AS (
	-- Each partition and, when it is compressed, its row there, met by
	-- oid (011_status.sql): the names of compressed partitions are not
	-- read from pg_class.
	SELECT ch.kind, ch.inhrelid, ch.pat, ch.len, cp.relid, cp.partition,
	    cp.bytes_before, cp.bytes_after
	FROM ch
	LEFT JOIN :"schema".compressed_partitions cp ON cp.kind = ch.kind
	    AND cp.relid = ch.inhrelid
), h AS (
	-- The partitions not compressed: their sizes now, and their names.
	SELECT u.kind, pg_catalog.count(*) FILTER (WHERE
		pg_catalog.pg_relation_size(u.inhrelid) > 0) AS full,
	    pg_catalog.sum(pg_catalog.pg_total_relation_size(u.inhrelid))
		AS hot,
	    pg_catalog.bool_or(NOT (u.name LIKE u.pat
		AND pg_catalog.length(u.name) = u.len)) AS odd
	FROM (SELECT cn.kind, cn.inhrelid, cn.pat, cn.len,
	    (SELECT pc.relname::text FROM pg_catalog.pg_class pc
		WHERE pc.oid = cn.inhrelid) AS name
	    FROM cn WHERE cn.relid IS NULL OFFSET 0) u
	GROUP BY u.kind
), c AS (
	SELECT cn.kind, pg_catalog.count(*) AS chunks,
	    pg_catalog.count(cn.relid) AS compressed,
	    coalesce(pg_catalog.max(h.full), 0) AS full,
	    coalesce(pg_catalog.max(h.hot), 0) AS hot,
	    pg_catalog.sum(cn.bytes_before) AS cbefore,
	    pg_catalog.sum(cn.bytes_after) AS cafter,
	    coalesce(pg_catalog.bool_or(NOT (cn.partition LIKE cn.pat
		AND pg_catalog.length(cn.partition) = cn.len)), false)
		OR coalesce(pg_catalog.bool_or(h.odd), false) AS odd
	FROM cn
	LEFT JOIN h ON h.kind = cn.kind
	GROUP BY cn.kind
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
