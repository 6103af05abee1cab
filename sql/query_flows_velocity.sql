-- query_flows_velocity.sql: how fast asset $1 moves: per hour or day
-- (the aggregate named by the variable aggregate, flows_1h or flows_1d,
-- or the stored flows with the variable raw, as query_flows_by.sql)
-- the flows, the amount and USD value moved, the change of the amount
-- from the bucket before, and the amount as a multiple of the mean of
-- the 24 buckets before (NULL until there are any).  Buckets from $2 to
-- $3, at most $4 (the last ones).
WITH b AS (
	SELECT time, sum(flows) AS flows, sum(amount) AS amount,
	    sum(usd_value) AS usd_value
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
	WHERE asset = $1::text AND time >= $2::timestamptz
	    AND time < $3::timestamptz
	GROUP BY time
), v AS (
	SELECT time, flows, amount, usd_value,
	    amount - lag(amount) OVER w AS change,
	    amount / nullif(avg(amount) OVER (w ROWS BETWEEN 24 PRECEDING
		AND 1 PRECEDING), 0) AS vs_avg24
	FROM b
	WINDOW w AS (ORDER BY time)
)
SELECT * FROM (SELECT * FROM v ORDER BY time DESC LIMIT $4::bigint) AS l
ORDER BY time;
