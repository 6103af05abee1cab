-- backtest_candles.sql: the candles of one instrument ($1) and interval
-- ($2) stored in candles, in [$3, $4), in time order.  Times come as
-- microseconds since the epoch; prices as PostgreSQL writes a double
-- precision, in its shortest exact form.  On plain PostgreSQL the rows of
-- partitions tsm-compress packed are read too, through candles_range
-- (tsm-compress(1)), which reads only the packed blocks of the range.
SELECT (extract(epoch FROM time) * 1000000)::bigint AS t,
    open, high, low, close
\if :native
FROM :"schema".candles_range($3::timestamptz, $4::timestamptz)
\else
FROM :"schema".candles
\endif
WHERE instrument_id = $1 AND timeframe = $2
    AND time >= $3::timestamptz AND time < $4::timestamptz
ORDER BY time;
