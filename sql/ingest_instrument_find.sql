-- ingest_instrument_find.sql: the id of an instrument, by its natural key.
-- $1 exchange, $2 symbol, $3 kind.
SELECT id FROM :"schema".instruments
WHERE exchange = $1 AND symbol = $2 AND kind = $3
