#!/usr/bin/env bats
# tsm-init: creating, upgrading, settings, roles, status, bad input.

load helpers

teardown() {
	drop_db
}

# A pg_dump of the schema's definitions and catalog rows, to compare.
snapshot() {
	pg_dump --no-owner -n "${1:-tsm}" -d "$PGDATABASE" 2>/dev/null |
	    grep -v -e '^--' -e '^$' -e '^\\restrict' -e '^\\unrestrict'
	if [ "$BACKEND" = timescaledb ]; then
		q -c "SELECT job_id, proc_name, schedule_interval, config FROM timescaledb_information.jobs ORDER BY job_id"
		q -c "SELECT hypertable_name, time_interval FROM timescaledb_information.dimensions ORDER BY 1"
	fi
}

@test "--help goes to stdout, exits 0, and fits in 80 columns" {
	run tsm-init --help
	assert_status 0
	assert_output_has "Usage:"
	assert_output_has "--chunk-interval=KIND=AGE"
	long=$(tsm-init --help | awk 'length > 79' | wc -l)
	[ "$long" -eq 0 ]
}

@test "--version names the tool" {
	run tsm-init --version
	assert_status 0
	assert_output_has "tsm-init (tsm) "
}

@test "every option of --help is in the man page, and back" {
	for o in $(tsm-init --help | grep -o -- '--[a-z-]*' | sort -u); do
		grep -q -- "${o#--}" "$TSM_ROOT/man/tsm-init.1" ||
		    { echo "man page lacks $o"; return 1; }
	done
	for o in $(grep -o '^\.Fl -\?[a-z-]*' "$TSM_ROOT/man/tsm-init.1" |
	    awk '{print $2}' | sort -u); do
		tsm-init --help | grep -q -- "-${o#-}" ||
		    { echo "--help lacks $o"; return 1; }
	done
}

@test "usage errors exit 2 before connecting, with a hint" {
	run tsm-init -h /nonexistent --frobnicate
	assert_status 2
	assert_output_has 'tsm-init: error: unknown option "--frobnicate"'
	assert_output_has 'Try "tsm-init --help"'
	run tsm-init --backend
	assert_status 2
	assert_output_has 'option "--backend" needs a value'
	run tsm-init --backend=mysql
	assert_status 2
	assert_output_has 'auto, timescaledb or native, not "mysql"'
	run tsm-init extra
	assert_status 2
	assert_output_has 'unexpected argument "extra"'
	run tsm-init --status --roles
	assert_status 2
	run tsm-init --target-version=0
	assert_status 2
}

@test "bad ages and intervals are refused with the reason" {
	for bad in 7dd -1d 0 0d 1.5h d 7x ""; do
		run tsm-init -h /nonexistent --retention "candles=$bad"
		assert_status 2
		assert_output_has "--retention: \"$bad\""
	done
	run tsm-init --compress-after 7dd
	assert_status 2
	assert_output_has '"7dd" is not an age'
	run tsm-init --chunk-interval candles=1M
	assert_status 2
	assert_output_has 'not months or years'
	run tsm-init --chunk-interval bonds=1d
	assert_status 2
	assert_output_has 'unknown kind "bonds"'
	run tsm-init --retention candles
	assert_status 2
	assert_output_has 'takes KIND=AGE'
}

@test "an unusable schema name is refused before connecting" {
	run tsm-init -h /nonexistent --schema pg_mine
	assert_status 2
	assert_output_has 'reserved'
	run tsm-init -h /nonexistent --schema ""
	assert_status 2
	run tsm-init -h /nonexistent --schema "$(printf 'x%.0s' $(seq 70))"
	assert_status 2
	assert_output_has 'longer than 63 bytes'
}

# The server cut the role names of a 63-byte schema to the schema's own
# name, and the writer was then refused as a role that already exists.
@test "--roles with a schema name too long for its role names is refused" {
	run tsm-init -h /nonexistent --roles --schema "$(printf 'a%.0s' $(seq 57))"
	assert_status 2
	assert_output_has 'too long for its role names: at most 56 bytes'
	run tsm-init -h /nonexistent --roles --schema "$(printf 'é%.0s' $(seq 29))"
	assert_status 2
	run tsm-init -h /nonexistent --roles --schema "$(printf 'a%.0s' $(seq 56))"
	assert_status 3
}

@test "an unreachable server exits 3 and never shows the password" {
	run tsm-init -d "postgresql://bob:s3cr3t@/nodb?host=/nonexistent"
	assert_status 3
	assert_output_has "could not connect"
	refute_output_has "s3cr3t"
	run tsm-init --status -d "host=/nonexistent password=s3cr3t dbname=x"
	assert_status 3
	refute_output_has "s3cr3t"
}

@test "creates every table, records backend and versions" {
	init_db
	for t in meta series runs instruments candles ticks greeks sentiment \
	    flows market_metrics indicators signals watchlists positions \
	    trades backtest_runs backtest_trades optimization_runs \
	    aggregates schema_migrations; do
		[ "$(q -c "SELECT to_regclass('tsm.$t') IS NOT NULL")" = t ] ||
		    { echo "missing tsm.$t"; return 1; }
	done
	[ "$(q -c "SELECT value FROM tsm.meta WHERE key = 'backend'")" = "$BACKEND" ]
	want=$(ls "$TSM_ROOT"/sql/[0-9]*.sql | sed 's#.*/0*\([0-9]*\)_.*#\1#' | paste -sd, -)
	[ "$(q -c "SELECT string_agg(version::text, ',' ORDER BY version) FROM tsm.schema_migrations")" = "$want" ]
}

@test "run twice, the second run changes nothing" {
	init_db --retention ticks=90d --chunk-interval candles=1d
	before=$(snapshot)
	run tsm-init --backend "$BACKEND" --retention ticks=90d --chunk-interval candles=1d
	assert_status 0
	assert_output_has "nothing to do"
	after=$(snapshot)
	[ "$before" = "$after" ]
}

@test "a schema name that needs quoting works" {
	require_backend
	new_db
	run tsm-init --backend "$BACKEND" --schema 'Market "Data"; x'
	assert_status 0
	[ "$(q -c "SELECT count(*) FROM \"Market \"\"Data\"\"; x\".schema_migrations")" = "$(ls "$TSM_ROOT"/sql/[0-9]*.sql | wc -l)" ]
	run tsm-init --status -F csv --schema 'Market "Data"; x'
	assert_status 0
	assert_output_has "state,up to date"
	[ "$(q -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'tsm'")" = 0 ]
}

@test "TSM_SCHEMA chooses the schema too" {
	require_backend
	new_db
	TSM_SCHEMA=alt run tsm-init -q --backend "$BACKEND"
	assert_status 0
	[ "$(q -c "SELECT to_regclass('alt.candles') IS NOT NULL")" = t ]
}

@test "DATABASE_URL is used when neither -d nor PGDATABASE is given" {
	init_db
	db=$PGDATABASE
	run env -u PGDATABASE DATABASE_URL="postgresql:///$db?host=$PGHOST" tsm-init --status -F csv
	assert_status 0
	assert_output_has "database,$db"
}

@test "the backend cannot be switched once chosen" {
	init_db
	other=native
	[ "$BACKEND" = native ] && other=timescaledb
	before=$(snapshot)
	run tsm-init --backend "$other"
	assert_status 1
	assert_output_has "cannot be switched"
	[ "$before" = "$(snapshot)" ]
}

@test "--backend timescaledb where it cannot be loaded fails, database unchanged" {
	dir=$(mktemp -d "${TMPDIR:-/tmp}/tsm-nots.XXXXXX")
	chmod 755 "$dir"
	TSM_NO_TIMESCALEDB=1 "$TSM_ROOT/scripts/pg" start "$dir"
	run tsm-init -h "$dir" -d postgres --backend timescaledb
	"$TSM_ROOT/scripts/pg" destroy "$dir"
	assert_status 1
	assert_output_has "TimescaleDB"
	assert_output_has "--backend native"
}

@test "auto picks TimescaleDB where it is usable, native elsewhere" {
	new_db
	run tsm-init
	assert_status 0
	want=native
	tsdb_usable && want=timescaledb
	[ "$(q -c "SELECT value FROM tsm.meta WHERE key = 'backend'")" = "$want" ]
}

@test "an older schema is upgraded; status says behind until then" {
	require_backend
	new_db
	run tsm-init --backend "$BACKEND" --target-version 1
	assert_status 0
	[ "$(q -c "SELECT max(version) FROM tsm.schema_migrations")" = 1 ]
	run tsm-init --status -F csv
	assert_status 1
	assert_output_has "behind"
	run tsm-init --target-version 1
	assert_status 0
	assert_output_has "nothing to do"
	run tsm-init
	assert_status 0
	assert_output_has "applied 002_aggregates.sql"
	run tsm-init --status
	assert_status 0
}

@test "a newer schema is refused and left alone" {
	init_db
	q -c "INSERT INTO tsm.schema_migrations VALUES (99, '099_future.sql', now(), '9.9')"
	before=$(snapshot)
	run tsm-init
	assert_status 1
	assert_output_has "newer than this tsm-init knows"
	[ "$before" = "$(snapshot)" ]
	run tsm-init --status
	assert_status 1
}

@test "--target-version cannot downgrade or pass the latest" {
	init_db
	run tsm-init --target-version 1
	assert_status 1
	assert_output_has "does not downgrade"
	run tsm-init --target-version 50
	assert_status 1
}

@test "a role that may not create a schema gets a clear message" {
	require_backend
	new_db
	q -c "DROP ROLE IF EXISTS tsm_nobody" -d postgres
	q -c "CREATE ROLE tsm_nobody LOGIN" -d postgres
	q -c "REVOKE CREATE ON DATABASE \"$PGDATABASE\" FROM PUBLIC"
	run tsm-init -U tsm_nobody --backend "$BACKEND"
	assert_status 1
	assert_output_has "permission denied"
	assert_output_has "hint:"
	[ "$(q -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'tsm'")" = 0 ]
	drop_db
	q -d postgres -c "DROP ROLE tsm_nobody"
}

# The failed transaction is rolled back and its result freed: under make
# check-sanitize and check-valgrind this test caught a leaked PGresult.
@test "--roles by a role that may not create roles fails, no role made" {
	require_backend
	new_db
	q -d postgres -c "DROP ROLE IF EXISTS tsm_maker"
	q -d postgres -c "CREATE ROLE tsm_maker LOGIN"
	q -c "GRANT CREATE ON DATABASE \"$PGDATABASE\" TO tsm_maker"
	run tsm-init -U tsm_maker --backend native --schema rdenied --roles
	assert_status 1
	assert_output_has "permission denied to create role"
	[ "$(q -c "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'rdenied%'")" = 0 ]
	[ "$(q -c "SELECT count(*) FROM rdenied.schema_migrations")" -ge 1 ]
	drop_db
	q -d postgres -c "DROP ROLE tsm_maker"
}

@test "--dry-run prints the SQL and creates nothing" {
	require_backend
	new_db
	run tsm-init --dry-run --backend "$BACKEND" --roles
	assert_status 0
	assert_output_has "CREATE TABLE IF NOT EXISTS \"tsm\".candles"
	assert_output_has "CREATE ROLE"
	[ "$(q -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'tsm'")" = 0 ]
}

@test "--chunk-interval changes the width of new chunks or partitions" {
	init_db --chunk-interval candles=1d
	[ "$(q -c "SELECT chunk_interval FROM tsm.series WHERE kind = 'candles'")" = "1 day" ]
	if [ "$BACKEND" = timescaledb ]; then
		[ "$(q -c "SELECT time_interval FROM timescaledb_information.dimensions WHERE hypertable_schema = 'tsm' AND hypertable_name = 'candles'")" = "1 day" ]
	else
		q -c "SELECT tsm.ensure_partitions('candles', '2021-04-20', '2021-04-21')"
		[ "$(q -c "SELECT hi - lo FROM tsm.partitions WHERE kind = 'candles' AND lo = '2021-04-20'")" = "1 day" ]
	fi
}

@test "native partitions are made ahead of time and for old data" {
	only_backend native
	init_db
	[ "$(q -c "SELECT count(*) > 0 FROM tsm.partitions WHERE kind = 'candles' AND hi > now() + interval '21 days'")" = t ]
	[ "$(q -c "SELECT tsm.ensure_partitions('ticks', '2021-01-01', '2021-01-03 12:00')")" = 3 ]
	[ "$(q -c "SELECT tsm.ensure_partitions('ticks', '2021-01-01', '2021-01-03 12:00')")" = 0 ]
	q -c "INSERT INTO tsm.ticks VALUES (1, '2021-01-02 10:00', 7, 30000, 0.5, 15000, 'buy')"
}

@test "--retention and --compress-after become policies" {
	init_db --retention ticks=30d --compress-after 7d
	[ "$(q -c "SELECT retention FROM tsm.series WHERE kind = 'ticks'")" = "30 days" ]
	[ "$(q -c "SELECT count(*) FROM tsm.series WHERE retention IS NOT NULL")" = 1 ]
	[ "$(q -c "SELECT count(*) FROM tsm.series WHERE compress_after = '7 days'")" = 7 ]
	if [ "$BACKEND" = timescaledb ]; then
		[ "$(q -c "SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_name = 'ticks' AND proc_name = 'policy_retention'")" = 1 ]
		[ "$(q -c "SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_schema = 'tsm' AND proc_name IN ('policy_compression', 'policy_columnstore')")" = 7 ]
	fi
	run tsm-init --status -F csv
	assert_status 0
	assert_output_has "retention"
}

@test "no retention unless asked" {
	init_db
	[ "$(q -c "SELECT count(*) FROM tsm.series WHERE retention IS NOT NULL")" = 0 ]
	if [ "$BACKEND" = timescaledb ]; then
		[ "$(q -c "SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention'")" = 0 ]
	fi
}

@test "--roles: the reader reads only, the writer loads but cannot change the schema" {
	init_db --roles
	db=$PGDATABASE
	q -d postgres -c "DROP ROLE IF EXISTS r_login" -c "DROP ROLE IF EXISTS w_login"
	q -d postgres -c "CREATE ROLE r_login LOGIN IN ROLE tsm_reader" \
	    -c "CREATE ROLE w_login LOGIN IN ROLE tsm_writer"
	q -U r_login -c "SELECT count(*) FROM tsm.candles" >/dev/null
	run q -U r_login -c "INSERT INTO tsm.instruments (exchange, symbol) VALUES ('x', 'y')"
	[ "$status" -ne 0 ]
	[[ "$output" == *"permission denied"* ]]
	q -U w_login -c "INSERT INTO tsm.instruments (exchange, symbol) VALUES ('x', 'y')"
	q -U w_login -c "SELECT tsm.ensure_partitions('candles', '2020-01-01', '2020-01-02')" >/dev/null 2>&1 ||
	    [ "$BACKEND" = timescaledb ]
	q -U w_login -c "INSERT INTO tsm.candles (instrument_id, timeframe, time, open, high, low, close, volume) VALUES (1, '1m', '2020-01-01 00:00', 1, 2, 0.5, 1.5, 10)"
	run q -U w_login -c "CREATE TABLE tsm.evil (x int)"
	[ "$status" -ne 0 ]
	run q -U w_login -c "ALTER TABLE tsm.candles ADD COLUMN evil int"
	[ "$status" -ne 0 ]
	run q -U w_login -c "UPDATE tsm.series SET retention = '1 day'"
	[ "$status" -ne 0 ]
	run q -U w_login -c "DELETE FROM tsm.candles"
	[ "$status" -ne 0 ]
	run tsm-init --roles
	assert_status 0
	drop_db
	q -d postgres -c "DROP ROLE r_login" -c "DROP ROLE w_login" \
	    -c "DROP OWNED BY tsm_reader" -c "DROP OWNED BY tsm_writer" \
	    -c "DROP ROLE tsm_writer" -c "DROP ROLE tsm_reader" 2>/dev/null || true
}

@test "aggregates answer from 1m candles on both backends" {
	init_db
	q -c "INSERT INTO tsm.instruments (exchange, symbol) VALUES ('binance', 'BTCUSDT')"
	[ "$BACKEND" = native ] && q -c "SELECT tsm.ensure_partitions('candles', '2024-03-01', '2024-03-02')" >/dev/null
	q -c "INSERT INTO tsm.candles (instrument_id, timeframe, time, open, high, low, close, volume)
	    SELECT 1, '1m', '2024-03-01'::timestamptz + i * interval '1 minute', 100 + i, 101 + i, 99 + i, 100.5 + i, 1
	    FROM generate_series(0, 119) i"
	if [ "$BACKEND" = native ]; then
		q -c "SELECT tsm.refresh_aggregate('candles_1h', '2024-03-01', '2024-03-01 02:00')" >/dev/null
	fi
	run q -c "SELECT time, open, high, low, close, volume, bars FROM tsm.candles_1h ORDER BY time"
	assert_status 0
	[ "${lines[0]}" = "2024-03-01 00:00:00+00|100|160|99|159.5|60|60" ]
	[ "${lines[1]}" = "2024-03-01 01:00:00+00|160|220|159|219.5|60|60" ]
}

@test "--status reports backend, versions, tables and policies" {
	init_db --retention candles=365d
	run tsm-init --status
	assert_status 0
	assert_output_has "backend"
	assert_output_has "$BACKEND"
	assert_output_has "up to date"
	assert_output_has "candles_1h"
	assert_output_has "retention"
	run tsm-init --status -F json
	assert_status 0
	assert_output_has '{"item":"backend","value":"'"$BACKEND"'"}'
}

@test "--status on an empty database says to run tsm-init, exit 1" {
	new_db
	run tsm-init --status -F csv
	assert_status 1
	assert_output_has "not created: run tsm-init"
}

@test "the SQL files run in psql too and make the same schema as tsm-init" {
	init_db
	made_by_tool=$(pg_dump --schema-only -n tsm | grep -v -e '^--' -e '^\\')
	drop_db
	new_db
	native=true tsdb=false
	if [ "$BACKEND" = timescaledb ]; then
		native=false tsdb=true
		q -c "CREATE EXTENSION timescaledb WITH SCHEMA public"
	fi
	for f in bootstrap.sql $(cd "$TSM_ROOT/sql" && ls [0-9]*.sql); do
		q -v schema=tsm -v native=$native -v timescaledb=$tsdb -v ext=public \
		    -c "SET search_path = tsm, public" -f "$TSM_ROOT/sql/$f" >/dev/null
	done
	made_by_psql=$(pg_dump --schema-only -n tsm | grep -v -e '^--' -e '^\\')
	[ "$made_by_tool" = "$made_by_psql" ]
}

@test "native: writes from anyone are logged and refresh_invalidated catches the rollups up" {
	only_backend native
	init_db
	q -c "INSERT INTO tsm.instruments (exchange, symbol) VALUES ('x', 'BTC')"
	q -c "SELECT tsm.ensure_partitions('candles', '2024-03-01', '2024-03-02')" >/dev/null
	q -c "INSERT INTO tsm.candles (instrument_id, timeframe, time, open, high, low, close, volume)
	    SELECT 1, '1m', '2024-03-01'::timestamptz + i * interval '1 minute', 10, 11, 9, 10, 1
	    FROM generate_series(0, 60) i"
	[ "$(q -c "SELECT lo || '|' || hi FROM tsm.invalidations")" = "2024-03-01 00:00:00+00|2024-03-01 01:00:00+00" ]
	[ "$(q -c "SELECT count(*) FROM tsm.candles_1h")" = 0 ]
	[ "$(q -c "SELECT tsm.refresh_invalidated('candles')")" = 1 ]
	[ "$(q -c "SELECT count(*) FROM tsm.invalidations")" = 0 ]
	[ "$(q -c "SELECT string_agg(bars::text, ',' ORDER BY time) FROM tsm.candles_1h")" = "60,1" ]
	q -c "UPDATE tsm.candles SET high = 50 WHERE time = '2024-03-01 00:30'"
	q -c "DELETE FROM tsm.candles WHERE time = '2024-03-01 01:00'"
	[ "$(q -c "SELECT tsm.refresh_invalidated('candles')")" = 2 ]
	[ "$(q -c "SELECT string_agg(high || '/' || bars, ',' ORDER BY time) FROM tsm.candles_1h")" = "50/60" ]
}
