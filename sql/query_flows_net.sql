-- query_flows_net.sql: inflow, outflow and net flow of asset $1 per hour
-- (net_flows_1h, all sources together), or per day (the variable day:
-- the hours summed); buckets from $2 to $3, at most $4.
SELECT
\if :day
	pg_catalog.date_trunc('day', time) AS time,
\else
	time,
\endif
	sum(inflow) AS inflow, sum(outflow) AS outflow,
	sum(net_amount) AS net_amount, sum(net_usd) AS net_usd
FROM :"schema".net_flows_1h
WHERE asset = $1::text AND time >= $2::timestamptz AND time < $3::timestamptz
GROUP BY 1
ORDER BY 1
LIMIT $4::bigint;
