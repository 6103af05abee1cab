-- query_watchlist.sql: the instruments of watchlist $1, in its order,
-- with the filters of query_instruments.sql ($2 exchange, $3 kind, $4
-- active only).
SELECT i.id, i.exchange, i.symbol, i.kind
FROM :"schema".watchlists w
JOIN :"schema".instruments i ON i.id = w.instrument_id
WHERE w.name = $1::text
    AND ($2::text IS NULL OR i.exchange = $2::text)
    AND ($3::text IS NULL OR i.kind = $3::text)
    AND (i.active OR NOT $4::boolean)
ORDER BY w.position, i.exchange, i.symbol, i.kind;
