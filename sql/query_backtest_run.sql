-- query_backtest_run.sql: one backtest run ($1) as names and values: what
-- it ran (strategy, symbol, range...), its parameters (param.NAME),
-- settings (setting.NAME) and metrics (its own names), in that order.
SELECT k.item, k.value
FROM :"schema".backtest_runs r
CROSS JOIN LATERAL (
	VALUES (1, 'id', r.id::text), (2, 'created_at', pg_catalog.to_char(
	    r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
	    (3, 'strategy', r.strategy), (4, 'symbol', r.symbol),
	    (5, 'timeframe', r.timeframe), (6, 'data_source', r.data_source),
	    (7, 'range_from', pg_catalog.to_char(r.range_from AT TIME ZONE
	    'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
	    (8, 'range_to', pg_catalog.to_char(r.range_to AT TIME ZONE 'UTC',
	    'YYYY-MM-DD"T"HH24:MI:SS"Z"')), (9, 'bars', r.bars::text)
	UNION ALL
	SELECT 10, 'param.' || p.key, p.value
	FROM pg_catalog.jsonb_each_text(r.params) AS p
	UNION ALL
	SELECT 11, 'setting.' || s.key, s.value
	FROM pg_catalog.jsonb_each_text(r.settings) AS s
	UNION ALL
	SELECT 12, m.key, m.value
	FROM pg_catalog.jsonb_each_text(r.metrics) AS m
) AS k (ord, item, value)
WHERE r.id = $1::bigint
ORDER BY k.ord, k.item;
