-- query_flows_net.sql: inflow, outflow and net flow of asset $1 per hour
-- (net_flows_1h, all sources together), or per day (the variable day:
-- the hours summed), from the stored flows where the variable raw says
-- that the rollup is not up to date; buckets from $2 to $3, at most $4.
SELECT
\if :day
	pg_catalog.date_trunc('day', time) AS time,
\else
	time,
\endif
	sum(inflow) AS inflow, sum(outflow) AS outflow,
	sum(net_amount) AS net_amount, sum(net_usd) AS net_usd
FROM
\if :raw
	(SELECT x.asset, x.source, pg_catalog.date_trunc('hour', x.time) AS time,
	    sum(CASE WHEN x.flow_type = 'inflow' THEN x.amount ELSE 0 END)
		AS inflow,
	    sum(CASE WHEN x.flow_type = 'outflow' THEN x.amount ELSE 0 END)
		AS outflow,
	    sum(CASE WHEN x.flow_type = 'inflow' THEN x.amount
		ELSE -x.amount END) AS net_amount,
	    sum(CASE WHEN x.flow_type = 'inflow' THEN x.usd_value
		ELSE -x.usd_value END) AS net_usd
	FROM :"schema".flows x
	WHERE x.asset = $1::text AND x.flow_type IN ('inflow', 'outflow')
	GROUP BY 1, 2, 3) AS a
\else
	:"schema".net_flows_1h AS a
\endif
WHERE asset = $1::text AND time >= $2::timestamptz AND time < $3::timestamptz
GROUP BY 1
ORDER BY 1
LIMIT $4::bigint;
