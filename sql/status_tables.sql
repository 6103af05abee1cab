-- status_tables.sql: each series table with its size and settings, for
-- tsm-init --status.  Row counts are the planner's estimates (empty until
-- the table has been analysed), not a scan.
SELECT s.kind, s.table_name AS "table",
\if :timescaledb
	:"ext".approximate_row_count(pg_catalog.format('%I.%I', :'schema',
	    s.table_name)::regclass) AS rows_estimate,
	pg_catalog.pg_size_pretty(:"ext".hypertable_size(pg_catalog.format(
	    '%I.%I', :'schema', s.table_name)::regclass)) AS size,
	(SELECT pg_catalog.count(*) FROM timescaledb_information.chunks c
	 WHERE c.hypertable_schema = :'schema'
	 AND c.hypertable_name = s.table_name) AS chunks,
	(SELECT pg_catalog.count(*) FILTER (WHERE c.is_compressed)
	 FROM timescaledb_information.chunks c
	 WHERE c.hypertable_schema = :'schema'
	 AND c.hypertable_name = s.table_name) AS compressed,
\else
	(SELECT CASE WHEN pg_catalog.bool_or(c.reltuples < 0) THEN NULL
	    ELSE pg_catalog.sum(c.reltuples)::bigint END
	 FROM pg_catalog.pg_partition_tree(pg_catalog.format('%I.%I',
	    :'schema', s.table_name)::regclass) t
	 JOIN pg_catalog.pg_class c ON c.oid = t.relid
	 WHERE t.isleaf) AS rows_estimate,
	pg_catalog.pg_size_pretty((SELECT
	    pg_catalog.sum(pg_catalog.pg_total_relation_size(t.relid))
	 FROM pg_catalog.pg_partition_tree(pg_catalog.format('%I.%I',
	    :'schema', s.table_name)::regclass) t)::bigint) AS size,
	(SELECT pg_catalog.count(*) FROM pg_catalog.pg_partition_tree(
	    pg_catalog.format('%I.%I', :'schema', s.table_name)::regclass) t
	 WHERE t.isleaf) AS chunks,
	0::bigint AS compressed,
\endif
	s.chunk_interval, s.compress_after, s.retention
FROM :"schema".series s
ORDER BY s.kind;
