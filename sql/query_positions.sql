-- query_positions.sql: positions of trading bots: open ones (all with
-- the variable all), of symbols $1 (NULL: all), exchange $2 and strategy
-- $3 when given; at most $4.  pnl_pct is the unrealised return of the
-- position in percent of its entry, short positions gaining as the price
-- falls.
SELECT symbol, exchange, side, quantity, entry_price, current_price,
	unrealized_pnl,
	CASE WHEN entry_price > 0 AND current_price IS NOT NULL THEN
	    round(100 * (current_price - entry_price) / entry_price
	    * CASE side WHEN 'short' THEN -1 ELSE 1 END, 4) END AS pnl_pct,
	leverage, stop_loss, take_profit, status, mode, strategy, opened_at,
	updated_at, closed_at
FROM :"schema".positions
WHERE
\if :all
    true
\else
    status = 'open'
\endif
    AND ($1::text[] IS NULL OR symbol = ANY ($1::text[]))
    AND ($2::text IS NULL OR exchange = $2::text)
    AND ($3::text IS NULL OR strategy = $3::text)
ORDER BY symbol, exchange, opened_at, id
LIMIT $4::bigint;
