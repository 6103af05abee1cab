-- query_metrics.sql: the values of market metric $1 (of scope $2 when
-- given) from $3 to $4, at most $5; per hour or day (the variable by:
-- "hour", "day" or "none") the mean, lowest, highest and last.
\if :grouped
SELECT pg_catalog.date_trunc(:'by', time) AS time, scope,
	avg(value) AS avg, min(value) AS min, max(value) AS max,
	(pg_catalog.array_agg(value ORDER BY time DESC))[1] AS last,
	count(*) AS values
\else
SELECT time, scope, value, source
\endif
FROM :"schema".market_metrics
WHERE metric = $1::text AND ($2::text IS NULL OR scope = $2::text)
    AND time >= $3::timestamptz AND time < $4::timestamptz
\if :grouped
GROUP BY 1, 2
\endif
ORDER BY 1, 2
LIMIT $5::bigint;
