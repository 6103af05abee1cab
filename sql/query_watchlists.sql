-- query_watchlists.sql: without the variable one, every watchlist with
-- its instruments in order; with it, the instruments of watchlist $1.
-- At most $2 rows.
\if :one
SELECT w.position, i.exchange, i.symbol, i.kind, i.active, w.added_at
FROM :"schema".watchlists w
JOIN :"schema".instruments i ON i.id = w.instrument_id
WHERE w.name = $1::text
ORDER BY w.position, i.exchange, i.symbol
\else
SELECT w.name AS watchlist, count(*) AS instruments,
	pg_catalog.string_agg(i.symbol, ' ' ORDER BY w.position, i.exchange,
	    i.symbol) AS symbols,
	max(w.added_at) AS changed
FROM :"schema".watchlists w
JOIN :"schema".instruments i ON i.id = w.instrument_id
WHERE $1::text IS NULL
GROUP BY w.name
ORDER BY w.name
\endif
LIMIT $2::bigint;
