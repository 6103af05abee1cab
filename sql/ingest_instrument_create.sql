-- ingest_instrument_create.sql: makes an instrument seen for the first
-- time and returns its id; no row when another session made it first
-- (then ingest_instrument_find.sql reads it).  $1 exchange, $2 symbol,
-- $3 kind.
INSERT INTO :"schema".instruments (exchange, symbol, kind)
VALUES ($1, $2, $3)
ON CONFLICT (exchange, symbol, kind) DO NOTHING
RETURNING id
