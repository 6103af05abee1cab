-- query_bars_aggregate.sql: bars from a continuous aggregate (TimescaleDB)
-- or a rollup table (native), whose name is the variable aggregate.
--
-- Parameters as in query_bars_stored.sql; $4 and $5 are not needed here.
SELECT time, open, high, low, close, volume
FROM :"schema".:"aggregate"
WHERE instrument_id = $1::integer
    AND time >= $2::timestamptz AND time < $3::timestamptz
