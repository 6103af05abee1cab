-- query_flows_by_exchange.sql: the flows of asset $1 from $2 to $3 per
-- source (exchange): inflow, outflow, net, other flow types, how many,
-- and the USD value of each direction; at most $4 sources.
SELECT source,
	coalesce(sum(amount) FILTER (WHERE flow_type = 'inflow'), 0) AS inflow,
	coalesce(sum(amount) FILTER (WHERE flow_type = 'outflow'), 0)
	    AS outflow,
	coalesce(sum(amount) FILTER (WHERE flow_type = 'inflow'), 0)
	    - coalesce(sum(amount) FILTER (WHERE flow_type = 'outflow'), 0)
	    AS net,
	coalesce(sum(amount) FILTER (WHERE flow_type NOT IN ('inflow',
	    'outflow')), 0) AS other,
	count(*) AS flows,
	sum(usd_value) FILTER (WHERE flow_type = 'inflow') AS inflow_usd,
	sum(usd_value) FILTER (WHERE flow_type = 'outflow') AS outflow_usd
FROM :"schema".flows
WHERE asset = $1::text AND time >= $2::timestamptz AND time < $3::timestamptz
GROUP BY source
ORDER BY source
LIMIT $4::bigint;
