-- query_flows_history.sql: the flows of asset $1 from $2 to $3 as
-- stored, in time order; at most $4.  With $5 not NULL, only those of at
-- least $5 in amount (whales).
SELECT time, flow_type, source, amount, usd_value, ref
FROM :"schema".flows
WHERE asset = $1::text AND time >= $2::timestamptz AND time < $3::timestamptz
    AND ($5::float8 IS NULL OR amount >= $5::float8)
ORDER BY time, flow_type, source, ref
LIMIT $4::bigint;
