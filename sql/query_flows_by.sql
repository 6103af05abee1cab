-- query_flows_by.sql: the flows of asset $1 per hour or day and flow
-- type, all sources together, from the aggregate named by the variable
-- aggregate (flows_1h or flows_1d); buckets from $2 to $3, at most $4.
SELECT time, flow_type, sum(amount) AS amount, sum(usd_value) AS usd_value,
	sum(flows) AS flows, max(amount_max) AS amount_max
FROM :"schema".:"aggregate"
WHERE asset = $1::text AND time >= $2::timestamptz AND time < $3::timestamptz
GROUP BY time, flow_type
ORDER BY time, flow_type
LIMIT $4::bigint;
