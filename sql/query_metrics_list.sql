-- query_metrics_list.sql: the market metrics there are, per metric and
-- scope: how many values, the first and last time and the last value;
-- only scope $1 when given, at most $2 rows.
SELECT DISTINCT ON (metric, scope) metric, scope,
	count(*) OVER (PARTITION BY metric, scope) AS values,
	min(time) OVER (PARTITION BY metric, scope) AS first,
	time AS last, value AS last_value
FROM :"schema".market_metrics
WHERE $1::text IS NULL OR scope = $1::text
ORDER BY metric, scope, time DESC
LIMIT $2::bigint;
