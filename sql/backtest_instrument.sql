-- backtest_instrument.sql: the instruments a symbol names, on one exchange
-- when $2 is not null.  tsm-backtest --symbol $1 [--exchange $2].
--   psql -v schema=tsm -f backtest_instrument.sql   (with $1, $2 bound)
SELECT id, exchange, kind
FROM :"schema".instruments
WHERE symbol = $1 AND ($2::text IS NULL OR exchange = $2)
ORDER BY exchange, kind;
