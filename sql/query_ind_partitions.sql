-- query_ind_partitions.sql: tsm-query indicators --save on plain
-- PostgreSQL: the partitions of indicators from $1 to $2, made before
-- the values go in (TimescaleDB makes its chunks itself).
\if :native
SELECT :"schema".ensure_partitions('indicators', $1::timestamptz,
    $2::timestamptz);
\endif
