-- bootstrap.sql: what tsm-init makes before the first upgrade file, in
-- the same transaction: the schema and the record of applied upgrades.
CREATE SCHEMA IF NOT EXISTS :"schema";
COMMENT ON SCHEMA :"schema" IS 'tsm: market data (see tsm(7))';
CREATE TABLE IF NOT EXISTS :"schema".schema_migrations (
	version		integer PRIMARY KEY,
	name		text NOT NULL,
	applied_at	timestamptz NOT NULL DEFAULT now(),
	tsm_version	text NOT NULL
);
