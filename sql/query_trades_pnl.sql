-- query_trades_pnl.sql: profit and loss per day or hour (the variable
-- by) of the trades that query_trades.sql selects: how many, the winners
-- and losers (by pnl), the pnl and fees summed, pnl net of fees, and the
-- net summed from the first bucket on.  At most $6 buckets.
SELECT time, trades, wins, losses, pnl, fees, net,
	sum(net) OVER (ORDER BY time) AS net_cumulative
FROM (
	SELECT pg_catalog.date_trunc(:'by', time) AS time, count(*) AS trades,
	    count(*) FILTER (WHERE pnl > 0) AS wins,
	    count(*) FILTER (WHERE pnl < 0) AS losses,
	    coalesce(sum(pnl), 0) AS pnl, coalesce(sum(fee), 0) AS fees,
	    coalesce(sum(pnl), 0) - coalesce(sum(fee), 0) AS net
	FROM :"schema".trades
	WHERE ($1::text[] IS NULL OR symbol = ANY ($1::text[]))
	    AND ($2::text IS NULL OR exchange = $2::text)
	    AND ($3::text IS NULL OR strategy = $3::text)
	    AND time >= $4::timestamptz AND time < $5::timestamptz
	GROUP BY 1
) AS d
ORDER BY time
LIMIT $6::bigint;
