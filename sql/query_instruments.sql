-- query_instruments.sql: the instruments whose symbol is one of $1 in any
-- case (all when $1 is NULL), on exchange $2 and of kind $3 when given,
-- and active ones only when $4.
SELECT id, exchange, symbol, kind
FROM :"schema".instruments
WHERE ($1::text[] IS NULL OR pg_catalog.upper(symbol) = ANY (
	    SELECT pg_catalog.upper(s) FROM pg_catalog.unnest($1::text[]) AS s))
    AND ($2::text IS NULL OR exchange = $2::text)
    AND ($3::text IS NULL OR kind = $3::text)
    AND (active OR NOT $4::boolean)
ORDER BY exchange, symbol, kind;
