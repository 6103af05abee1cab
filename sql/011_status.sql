-- 011_status.sql: tsm-compress status meets the compressed partitions of
-- a kind by their oids, not their names (plain PostgreSQL).
--
-- Runs in psql as well as from tsm-init:
--   psql -v schema=tsm -v native=true -v timescaledb=false -f 011_status.sql
--
-- compressed_partitions names each compressed partition.  To tell which
-- partitions of a kind are compressed, status read the name of every one
-- of them from pg_class: with 10,000 partitions that was 10,000 rows of
-- pg_class read by oid in a fresh session, about 25 ms, more than all
-- the rest of status.  relid records the partition's oid (a trigger fills
-- it in from the name on every write, so that tsm-compress run, which
-- 006 made, needs no change), and status matches pg_inherits's rows to
-- it: only the names of the partitions that are not compressed are read.
--
-- A partition renamed by hand after compression keeps its oid, so it
-- still counts as compressed; its recorded name is the one status checks
-- against the names ensure_partitions gives (008's partition_named).

ALTER TABLE :"schema".compressed_partitions ADD COLUMN IF NOT EXISTS
	relid oid;
COMMENT ON COLUMN :"schema".compressed_partitions.relid IS
	'the oid of the partition, set from its name on every write';

CREATE OR REPLACE FUNCTION :"schema".compressed_partitions_relid()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	NEW.relid := pg_catalog.to_regclass(pg_catalog.format('%I.%I',
	    TG_TABLE_SCHEMA, NEW.partition));
	RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER compressed_partitions_relid
	BEFORE INSERT OR UPDATE ON :"schema".compressed_partitions
	FOR EACH ROW EXECUTE FUNCTION
	:"schema".compressed_partitions_relid();

-- The rows written before: the trigger sets relid.
UPDATE :"schema".compressed_partitions SET partition = partition
WHERE relid IS DISTINCT FROM pg_catalog.to_regclass(pg_catalog.format(
	'%I.%I', :'schema', partition));
