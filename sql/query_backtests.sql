-- query_backtests.sql: backtest runs, newest first, of strategy $1 when
-- given, made from $2 to $3; at most $4.  The metrics are the run's JSON
-- object as tsm-backtest stored it.
SELECT r.id, r.created_at, r.strategy, r.symbol, r.timeframe,
	r.data_source, r.range_from, r.range_to, r.bars,
	(SELECT count(*) FROM :"schema".backtest_trades t WHERE t.run_id = r.id)
	    AS trades,
	r.params, r.metrics
FROM :"schema".backtest_runs r
WHERE ($1::text IS NULL OR r.strategy = $1::text)
    AND r.created_at >= $2::timestamptz AND r.created_at < $3::timestamptz
ORDER BY r.created_at DESC, r.id DESC
LIMIT $4::bigint;
