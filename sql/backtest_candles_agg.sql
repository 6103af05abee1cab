-- backtest_candles_agg.sql: the candles of instrument $1 in [$2, $3) from
-- the aggregate :aggregate (a continuous aggregate on TimescaleDB, which
-- also answers from rows not yet materialised, or a rollup table that the
-- loaders keep up to date on plain PostgreSQL).
SELECT (extract(epoch FROM time) * 1000000)::bigint AS t,
    open, high, low, close
FROM :"schema".:"aggregate"
WHERE instrument_id = $1
    AND time >= $2::timestamptz AND time < $3::timestamptz
ORDER BY time;
