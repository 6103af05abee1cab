-- backtest_candles_bucket.sql: candles of width $2 (an interval under a
-- month, or one month) made from the 1m candles of instrument $1 in
-- [$3, $4), for intervals that are neither stored nor aggregated.
-- Buckets are aligned as the aggregates' are (bucket_floor).  On plain
-- PostgreSQL compressed rows are read too, through candles_range.
SELECT (extract(epoch FROM b) * 1000000)::bigint AS t,
    (array_agg(open ORDER BY time))[1] AS open,
    max(high) AS high, min(low) AS low,
    (array_agg(close ORDER BY time DESC))[1] AS close
FROM (
    SELECT :"schema".bucket_floor($2::interval, time) AS b, time, open, high,
        low, close
\if :native
    FROM :"schema".candles_range($3::timestamptz, $4::timestamptz)
\else
    FROM :"schema".candles
\endif
    WHERE instrument_id = $1 AND timeframe = '1m'
        AND time >= $3::timestamptz AND time < $4::timestamptz
) AS m
GROUP BY b
ORDER BY b;
