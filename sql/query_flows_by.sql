-- query_flows_by.sql: the flows of asset $1 per hour or day and flow
-- type, all sources together, from the aggregate named by the variable
-- aggregate (flows_1h or flows_1d), or from the stored flows where the
-- variable raw says that the rollup is not up to date (the variable by:
-- hour or day); buckets from $2 to $3, at most $4.
SELECT time, flow_type, sum(amount) AS amount, sum(usd_value) AS usd_value,
	sum(flows) AS flows, max(amount_max) AS amount_max
FROM
\if :raw
	(SELECT x.asset, x.flow_type, x.source,
	    pg_catalog.date_trunc(:'by', x.time) AS time,
	    sum(x.amount) AS amount, sum(x.usd_value) AS usd_value,
	    count(*) AS flows, max(x.amount) AS amount_max
	FROM :"schema".flows x
	WHERE x.asset = $1::text
	GROUP BY 1, 2, 3, 4) AS a
\else
	:"schema".:"aggregate" AS a
\endif
WHERE asset = $1::text AND time >= $2::timestamptz AND time < $3::timestamptz
GROUP BY time, flow_type
ORDER BY time, flow_type
LIMIT $4::bigint;
