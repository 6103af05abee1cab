-- query_gaps.sql: each run of missing bars, from its first missing bar
-- to its last, with their count.
--
-- Reads bars (see query_ohlcv.sql); $5 is their interval.  $6, when not
-- NULL, is where the range asked for begins: bars missing from there to
-- the first one count too; $7 likewise where it ends (exclusive).  The
-- variable months is true for month intervals, counted on the calendar.
WITH t AS (
	SELECT time FROM bars
	UNION ALL
	SELECT $6::timestamptz - $5::interval WHERE $6::timestamptz IS NOT NULL
	UNION ALL
	SELECT $7::timestamptz WHERE $7::timestamptz IS NOT NULL
), step AS (
	SELECT time, lead(time) OVER (ORDER BY time) AS next
	FROM t
)
SELECT time + $5::interval AS start, next - $5::interval AS "end",
\if :months
	((pg_catalog.date_part('year', next) - pg_catalog.date_part('year', time))
	    * 12 + pg_catalog.date_part('month', next)
	    - pg_catalog.date_part('month', time))::bigint
	    / (pg_catalog.date_part('year', $5::interval) * 12
	    + pg_catalog.date_part('month', $5::interval))::bigint - 1
\else
	(pg_catalog.date_part('epoch', next - time)
	    / pg_catalog.date_part('epoch', $5::interval))::bigint - 1
\endif
	    AS missing
FROM step
WHERE next > time + $5::interval
ORDER BY time
LIMIT $8::bigint;
