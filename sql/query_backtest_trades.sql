-- query_backtest_trades.sql: the trades of backtest run $1 in order; at
-- most $2.
SELECT n, entry_time, exit_time, size, entry_price, exit_price, pnl,
	return_pct, commission, tag
FROM :"schema".backtest_trades
WHERE run_id = $1::bigint
ORDER BY n
LIMIT $2::bigint;
