-- query_trades.sql: the trades of trading bots from $4 to $5 in time
-- order: of symbols $1 (NULL: all), exchange $2 and strategy $3 when
-- given; at most $6.
SELECT time, symbol, exchange, side, quantity, price, exit_price, fee, pnl,
	status, mode, strategy, order_id
FROM :"schema".trades
WHERE ($1::text[] IS NULL OR symbol = ANY ($1::text[]))
    AND ($2::text IS NULL OR exchange = $2::text)
    AND ($3::text IS NULL OR strategy = $3::text)
    AND time >= $4::timestamptz AND time < $5::timestamptz
ORDER BY time, id
LIMIT $6::bigint;
