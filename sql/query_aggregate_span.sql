-- query_aggregate_span.sql: the first and last bucket that an aggregate
-- holds for one instrument in [$2, $3), to tell a rollup that is behind
-- its source from one that is up to date.
SELECT min(time) AS first, max(time) AS last
FROM :"schema".:"aggregate"
WHERE instrument_id = $1::integer
    AND time >= $2::timestamptz AND time < $3::timestamptz;
