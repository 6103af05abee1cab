-- query_symbols.sql: the instruments, on exchange $1 and of kind $2 when
-- given, active ones only when $3, those of ids $4 when not NULL.
SELECT exchange, symbol, kind, base, quote, active, priority, created_at
FROM :"schema".instruments
WHERE ($1::text IS NULL OR exchange = $1::text)
    AND ($2::text IS NULL OR kind = $2::text)
    AND (active OR NOT $3::boolean)
    AND ($4::integer[] IS NULL OR id = ANY ($4::integer[]))
ORDER BY exchange, symbol, kind
LIMIT $5::bigint;
