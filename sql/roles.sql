-- roles.sql: the reader and writer roles of tsm-init --roles.
--
-- reader: reads everything, writes nothing.  writer: loads data (insert
-- and update rows, add partitions through ensure_partitions, refresh
-- rollups through refresh_aggregate, refresh_invalidated and
-- refresh_aggregates_for, which run as the owner) but cannot change the
-- schema or tsm's settings.  Both are NOLOGIN: grant them to the login
-- roles that need them.
--
-- The DO blocks read the names from settings of this transaction, since
-- psql variables do not reach into a function body.
SELECT pg_catalog.set_config('tsm.schema', :'schema', true),
	pg_catalog.set_config('tsm.reader', :'reader', true),
	pg_catalog.set_config('tsm.writer', :'writer', true);

DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY[current_setting('tsm.reader'),
	    current_setting('tsm.writer')] LOOP
		IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles
		    WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;
END
$$;

GRANT USAGE ON SCHEMA :"schema" TO :"reader", :"writer";
GRANT SELECT ON ALL TABLES IN SCHEMA :"schema" TO :"reader";
ALTER DEFAULT PRIVILEGES IN SCHEMA :"schema"
	GRANT SELECT ON TABLES TO :"reader";
GRANT :"reader" TO :"writer";
GRANT INSERT, UPDATE ON :"schema".instruments, :"schema".candles,
	:"schema".ticks, :"schema".greeks, :"schema".sentiment, :"schema".flows,
	:"schema".market_metrics, :"schema".indicators, :"schema".signals,
	:"schema".watchlists, :"schema".positions, :"schema".trades,
	:"schema".backtest_runs, :"schema".backtest_trades,
	:"schema".optimization_runs, :"schema".runs
	TO :"writer";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA :"schema" TO :"writer";
GRANT EXECUTE ON FUNCTION :"schema".ensure_partitions(text, timestamptz,
	timestamptz) TO :"writer";
GRANT EXECUTE ON FUNCTION :"schema".refresh_aggregate(text, timestamptz,
	timestamptz) TO :"writer";
\if :native
GRANT EXECUTE ON FUNCTION :"schema".refresh_invalidated(text) TO :"writer";
GRANT EXECUTE ON FUNCTION :"schema".refresh_aggregates_for(text, text,
	timestamptz, timestamptz, integer) TO :"writer";
GRANT EXECUTE ON FUNCTION :"schema".refresh_rollups_for(text, text,
	timestamptz, timestamptz, integer[], xid[]) TO :"writer";
\endif

