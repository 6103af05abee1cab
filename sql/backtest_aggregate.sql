-- backtest_aggregate.sql: the aggregate of 1m candles that answers the
-- candle interval $1 (candles_5m for '5m'), if there is one.
SELECT name
FROM :"schema".aggregates
WHERE source = 'candles' AND timeframe = $1;
