#!/usr/bin/env bats
# Faults on a real server: a backend terminated, the server stopped or
# restarted, signals, four loads at once, a full disk, a statement
# timeout, an interrupted migration or compression.  After each, the
# table holds every row of the input exactly once: counted, and counted
# by distinct key.
#
# The tests that stop the server do it to a private one of their own
# (started once for this file, on first use), never to the shared one.

load helpers

teardown() {
	if [ -n "${SLOW_APP:-}" ]; then
		q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '$SLOW_APP'" >/dev/null 2>&1 || true
	fi
	for p in ${BG_PIDS:-}; do
		kill "$p" 2>/dev/null || true
	done
	drop_db
	if [ -n "${SMALL_TS:-}" ]; then
		q -d postgres -c "DROP TABLESPACE IF EXISTS $SMALL_TS" >/dev/null 2>&1 || true
	fi
	if [ -n "${SMALL_MNT:-}" ]; then
		umount "$SMALL_MNT" 2>/dev/null || true
		rmdir "$SMALL_MNT" 2>/dev/null || true
	fi
}

teardown_file() {
	if [ -f "$BATS_FILE_TMPDIR/pgdir" ]; then
		"$TSM_ROOT/scripts/pg" destroy "$(cat "$BATS_FILE_TMPDIR/pgdir")"
	fi
}

H="time,open,high,low,close,volume"
EPOCH0=1704067200	# 2024-01-01T00:00:00Z

# Writes a file $2 of 1m candles of rows $3 to $3 + $1 - 1 (default from
# 0), with a header.  A row's values follow from its index alone, so that
# files that overlap agree where they do; volume is $4 if given.
gen() {
	local n=$1 f=$2 from=${3:-0} vol=${4:-}
	{
		echo "$H"
		awk -v n="$n" -v s="$from" -v v="$vol" -v e=$EPOCH0 'BEGIN {
			for (i = s; i < s + n; i++)
				printf "%d,%d,%d,%d,%d,%s\n", e + 60 * i, 100 + i % 7,
				    102 + i % 7, 99 + i % 7, 101 + i % 7,
				    v == "" ? i % 13 : v }'
	} >"$f"
}

# Candles of binance BTCUSDT 1m; the array, for background jobs whose
# pid must be the tool's own.
C=(candles --exchange binance --symbol BTCUSDT --interval 1m)
ingest() {
	tsm-ingest "${C[@]}" "$@"
}

# Asserts that candles hold exactly rows 0 to $1 - 1 of gen, each once:
# the count, the count of distinct keys, the first and last time and the
# sum of the volumes (that gen's default volumes give).
assert_rows_once() {
	local n=$1 want got
	want="$n|$n|$(date -u -d @$EPOCH0 '+%F %T')+00|$(date -u -d @$((EPOCH0 + 60 * (n - 1))) '+%F %T')+00|$(awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) s += i % 13; print s }')"
	got=$(q -c "SELECT count(*), count(DISTINCT (instrument_id, timeframe, time)), min(time), max(time), sum(volume) FROM tsm.candles")
	if [ "$got" != "$want" ]; then
		echo "candles: got $got, want $want (count|distinct|first|last|volume)" >&2
		return 1
	fi
}

# Asserts that candles hold $1 rows, each once.
assert_committed() {
	local got
	got=$(q -c "SELECT count(*), count(DISTINCT (instrument_id, timeframe, time)) FROM tsm.candles")
	[ "$got" = "$1|$1" ] || { echo "candles: got $got (count|distinct), want $1|$1" >&2; return 1; }
}

# Makes every statement that inserts into candles take $1 seconds more
# (a statement trigger), so that a load is surely mid-way when hit.
slow_inserts() {
	q -c "CREATE FUNCTION public.slow() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN PERFORM pg_sleep($1); RETURN NULL; END\$\$" \
	    -c "CREATE TRIGGER slow AFTER INSERT ON tsm.candles FOR EACH STATEMENT EXECUTE FUNCTION public.slow()"
}

fast_inserts() {
	q -c "DROP TRIGGER slow ON tsm.candles"
}

# Waits (up to 30 s) until candles hold at least $1 rows.
wait_rows() {
	for _ in $(seq 300); do
		[ "$(q -c "SELECT count(*) FROM tsm.candles")" -ge "$1" ] && return 0
		sleep 0.1
	done
	echo "candles never reached $1 rows" >&2
	return 1
}

# Waits for the process $1 and sets status and output (its stderr, in
# file $2) as run does.
reap() {
	status=0
	wait "$1" || status=$?
	output=$(cat "$2")
}

# The number N of "detail: N rows were committed in" in the output.
committed() {
	sed -n 's/.*detail: \([0-9]*\) rows\{0,1\} w[ae][sr]e\{0,1\} committed in.*/\1/p' <<<"$output" | head -1
}

# Points PG* at this file's private server, started on first use, for a
# test that stops or restarts a server.
private_pg() {
	local dir
	if [ -f "$BATS_FILE_TMPDIR/pgdir" ]; then
		dir=$(cat "$BATS_FILE_TMPDIR/pgdir")
	else
		dir=$(mktemp -d /tmp/tsm-faults.XXXXXX)
		chmod 755 "$dir"
		echo "$dir" >"$BATS_FILE_TMPDIR/pgdir"
	fi
	"$TSM_ROOT/scripts/pg" start "$dir" >/dev/null 3>&- 5>&-
	export PGHOST=$dir PGPORT=5432 PGUSER=tsm
	PRIV_PG=$dir
}

pg_stop() {
	"$TSM_ROOT/scripts/pg" stop "$PRIV_PG"
}

# The server must not inherit the test's descriptors: the write end of
# a fifo held by the postmaster would never let the reader see its end.
pg_start() {
	"$TSM_ROOT/scripts/pg" start "$PRIV_PG" >/dev/null 3>&- 5>&-
}

# ---- tsm-ingest ----

@test "ingest: the backend terminated mid-load exits 3 with what was committed; the rerun loads every row once" {
	init_db
	gen 4000 "$BATS_TEST_TMPDIR/c.csv"
	slow_inserts 0.1
	tsm-ingest "${C[@]}" -b 200 "$BATS_TEST_TMPDIR/c.csv" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_rows 600
	q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tsm-ingest'" >/dev/null
	reap $pid "$BATS_TEST_TMPDIR/err"
	assert_status 3
	assert_output_has "tsm-ingest: error: lost the connection to the server"
	n=$(committed)
	[ -n "$n" ] && [ $((n % 200)) = 0 ] && [ "$n" -ge 600 ] && [ "$n" -lt 4000 ]
	assert_output_has "detail: $n rows were committed in $((n / 200)) batches"
	assert_committed "$n"
	fast_inserts
	run ingest -b 200 "$BATS_TEST_TMPDIR/c.csv"
	assert_status 0
	assert_output_has "4000 rows read, $((4000 - n)) inserted, 0 updated, $n unchanged"
	assert_rows_once 4000
}

@test "ingest -j 3: a worker's backend terminated mid-load: exit 3, the count said is the count stored; the rerun loads every row once" {
	init_db
	gen 6000 "$BATS_TEST_TMPDIR/c.csv"
	slow_inserts 0.2
	tsm-ingest "${C[@]}" -j 3 -b 200 "$BATS_TEST_TMPDIR/c.csv" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_rows 600
	# One of the sessions that are loading, in the trigger's sleep.
	wait_sleeping tsm-ingest
	q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tsm-ingest' AND wait_event = 'PgSleep' LIMIT 1" >/dev/null
	reap $pid "$BATS_TEST_TMPDIR/err"
	assert_status 3
	assert_output_has "tsm-ingest: error: lost the connection to the server: terminating connection due to administrator command"
	n=$(committed)
	[ -n "$n" ] && [ $((n % 200)) = 0 ] && [ "$n" -ge 600 ] && [ "$n" -lt 6000 ]
	assert_output_has "detail: $n rows were committed in $((n / 200)) batches"
	assert_committed "$n"
	fast_inserts
	run ingest -b 200 -j 3 "$BATS_TEST_TMPDIR/c.csv"
	assert_status 0
	assert_output_has "6000 rows read, $((6000 - n)) inserted, 0 updated, $n unchanged"
	assert_rows_once 6000
}

@test "ingest: the server stopped mid-load exits 3 with what was committed; after a restart the rerun loads every row once" {
	private_pg
	init_db
	gen 4000 "$BATS_TEST_TMPDIR/c.csv"
	slow_inserts 0.1
	tsm-ingest "${C[@]}" -b 200 "$BATS_TEST_TMPDIR/c.csv" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_rows 600
	pg_stop
	reap $pid "$BATS_TEST_TMPDIR/err"
	assert_status 3
	assert_output_has "tsm-ingest: error: lost the connection to the server"
	n=$(committed)
	[ -n "$n" ] && [ $((n % 200)) = 0 ] && [ "$n" -ge 600 ] && [ "$n" -lt 4000 ]
	assert_output_has "detail: $n rows were committed in $((n / 200)) batches"
	run ingest -b 200 "$BATS_TEST_TMPDIR/c.csv"
	assert_status 3
	pg_start
	assert_committed "$n"
	fast_inserts
	run ingest -b 200 "$BATS_TEST_TMPDIR/c.csv"
	assert_status 0
	assert_output_has "4000 rows read, $((4000 - n)) inserted, 0 updated, $n unchanged"
	assert_rows_once 4000
}

@test "ingest: SIGTERM mid-batch rolls it back, says what was committed, exits 130; the rerun completes" {
	init_db
	gen 4000 "$BATS_TEST_TMPDIR/c.csv"
	slow_inserts 0.3
	tsm-ingest "${C[@]}" -b 200 "$BATS_TEST_TMPDIR/c.csv" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_rows 400
	# In the trigger's sleep: a batch is open, its rows inserted.
	for _ in $(seq 100); do
		[ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tsm-ingest' AND wait_event = 'PgSleep'")" = 1 ] && break
		sleep 0.05
	done
	kill -TERM $pid
	reap $pid "$BATS_TEST_TMPDIR/err"
	assert_status 130
	assert_output_has "tsm-ingest: error: interrupted: the open batch was rolled back"
	n=$(committed)
	[ -n "$n" ] && [ $((n % 200)) = 0 ] && [ "$n" -ge 400 ] && [ "$n" -lt 4000 ]
	assert_output_has "detail: $n rows were committed in $((n / 200)) batches"
	assert_committed "$n"
	# Nothing left behind on the server: no open transaction, no lock.
	[ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tsm-ingest'")" = 0 ]
	fast_inserts
	run ingest -b 200 "$BATS_TEST_TMPDIR/c.csv"
	assert_status 0
	assert_output_has "4000 rows read, $((4000 - n)) inserted, 0 updated, $n unchanged"
	assert_rows_once 4000
}

@test "ingest: four loads of overlapping files at once leave exactly the distinct rows" {
	init_db
	d=$BATS_TEST_TMPDIR
	# File k: rows 500k to 500k + 999 of two symbols, volume k (so that
	# overlapping rows differ and are updated), every other file in
	# reverse order, so that the loads meet each other's rows both ways.
	for k in 0 1 2 3; do
		{
			echo "symbol,$H"
			for s in AAA BBB; do
				awk -v s=$((500 * k)) -v k=$k -v e=$EPOCH0 -v sym=$s 'BEGIN {
					for (i = s; i < s + 1000; i++)
						printf "%s,%d,%d,%d,%d,%d,%d\n", sym, e + 60 * i,
						    100 + i % 7, 102 + i % 7, 99 + i % 7, 101 + i % 7, k }'
			done
		} >"$d/f$k.csv"
		if [ $((k % 2)) = 1 ]; then
			{ head -1 "$d/f$k.csv"; tail -n +2 "$d/f$k.csv" | tac; } >"$d/r$k.csv"
			mv "$d/r$k.csv" "$d/f$k.csv"
		fi
	done
	for k in 0 1 2 3; do
		tsm-ingest candles --exchange binance --interval 1m -b 50 "$d/f$k.csv" 2>"$d/err$k" &
		eval "pid$k=$!"
	done
	for k in 0 1 2 3; do
		eval "p=\$pid$k"
		st=0
		wait "$p" || st=$?
		[ "$st" = 0 ] || { echo "load $k: exit $st"; cat "$d/err$k"; return 1; }
		grep -q "2000 rows read, " "$d/err$k" || { cat "$d/err$k"; return 1; }
		if grep -Eiq 'deadlock|serializ|could not|error|warning' "$d/err$k"; then
			cat "$d/err$k"
			return 1
		fi
	done
	[ "$(q -c "SELECT count(*) FROM tsm.instruments")" = 2 ]
	[ "$(q -c "SELECT count(*), count(DISTINCT (instrument_id, timeframe, time)) FROM tsm.candles")" = "5000|5000" ]
	# Every row holds the values of a file that has it: row i is in files
	# k with 500k <= i < 500k + 1000.
	[ "$(q -c "SELECT count(*) FROM (SELECT (extract(epoch FROM time)::bigint - $EPOCH0) / 60 AS i, volume::int AS k, open FROM tsm.candles) r WHERE r.i NOT BETWEEN 500 * r.k AND 500 * r.k + 999 OR r.open <> 100 + r.i % 7")" = 0 ]
	[ "$(q -c "SELECT min(time), max(time) FROM tsm.candles")" = "2024-01-01 00:00:00+00|$(date -u -d @$((EPOCH0 + 60 * 2499)) '+%F %T')+00" ]
}

# Writes a header and 1m candles 0 to 29 (volume = the row) to the file
# descriptor 5, slowly; rows 10 on only once the file $1 exists.
feed() {
	printf '%s\n' "$H" >&5
	for i in $(seq 0 29); do
		if [ "$i" -eq 10 ]; then
			for _ in $(seq 300); do
				[ -e "$1" ] && break
				sleep 0.1
			done
		fi
		printf '%d,1,2,0.5,1,%d\n' $((EPOCH0 + 60 * i)) "$i" >&5
		sleep 0.05
	done
}

@test "ingest --follow: the server restarted under it, no row lost or doubled" {
	private_pg
	init_db
	d=$BATS_TEST_TMPDIR
	mkfifo "$d/fifo"
	tsm-ingest "${C[@]}" --follow --flush-rows 5 <"$d/fifo" 2>"$d/err" &
	pid=$!
	exec 5>"$d/fifo"
	feed "$d/go" &
	feeder=$!
	BG_PIDS="$pid $feeder"
	wait_rows 10
	pg_stop
	sleep 0.5
	touch "$d/go"
	sleep 1
	pg_start
	wait $feeder
	exec 5>&-
	reap $pid "$d/err"
	assert_status 0
	assert_output_has "lost the connection to the server; trying again in"
	assert_output_has "connected again"
	assert_output_has "30 rows read, 30 inserted"
	[ "$(q -c "SELECT count(*), count(DISTINCT time), sum(volume) FROM tsm.candles")" = "30|30|435" ]
}

# ---- full disk, statement timeout ----

@test "ingest: a full disk stops the load with a clear error; the committed batches are whole" {
	require_backend
	[ "$(id -u)" = 0 ] || skip "mounting a small tmpfs needs root"
	init_db
	SMALL_MNT=$(mktemp -d /tmp/tsm-full.XXXXXX)
	chmod 755 "$SMALL_MNT"
	mount -t tmpfs -o size=2m,mode=0700 tmpfs "$SMALL_MNT" ||
	    skip "cannot mount a tmpfs here"
	chown postgres "$SMALL_MNT" 2>/dev/null || chown nobody "$SMALL_MNT"
	SMALL_TS=tsm_full_$$
	q -c "CREATE TABLESPACE $SMALL_TS LOCATION '$SMALL_MNT'"
	# The partitions or chunks the load makes go to the small tablespace.
	if [ "$BACKEND" = timescaledb ]; then
		q -c "SELECT attach_tablespace('$SMALL_TS', 'tsm.candles')" >/dev/null
	else
		q -c "ALTER DATABASE \"$PGDATABASE\" SET default_tablespace = $SMALL_TS"
	fi
	gen 60000 "$BATS_TEST_TMPDIR/c.csv"
	run ingest -b 1000 --no-refresh "$BATS_TEST_TMPDIR/c.csv"
	assert_status 1
	assert_output_has "tsm-ingest: error: could not extend file"
	assert_output_has "No space left on device"
	n=$(committed)
	[ -n "$n" ] && [ $((n % 1000)) = 0 ] && [ "$n" -lt 60000 ]
	assert_output_has "detail: in the batch of lines $((n + 2)) to $((n + 1001)) of \"$BATS_TEST_TMPDIR/c.csv\""
	assert_committed "$n"
	[ "$(q -c "SELECT count(*) FROM tsm.candles WHERE time >= '2024-01-01' AND time < timestamptz '2024-01-01' + $n * interval '1 minute'")" = "$n" ]
}

@test "ingest: a statement timeout stops the load with a clear error; the rerun completes" {
	init_db
	gen 2000 "$BATS_TEST_TMPDIR/c.csv"
	# The fourth batch on takes a second.
	q -c "CREATE FUNCTION public.slow() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN IF (SELECT count(*) FROM tsm.candles) > 600 THEN PERFORM pg_sleep(1); END IF; RETURN NULL; END\$\$" \
	    -c "CREATE TRIGGER slow AFTER INSERT ON tsm.candles FOR EACH STATEMENT EXECUTE FUNCTION public.slow()"
	PGOPTIONS="$PGOPTIONS -c statement_timeout=500" run ingest -b 200 --no-refresh "$BATS_TEST_TMPDIR/c.csv"
	assert_status 1
	assert_output_has "tsm-ingest: error: canceling statement due to statement timeout"
	assert_output_has "detail: in the batch of lines 602 to 801 of \"$BATS_TEST_TMPDIR/c.csv\""
	assert_output_has "detail: 600 rows were committed in 3 batches"
	[ "$(q -c "SELECT count(*), count(DISTINCT time) FROM tsm.candles")" = "600|600" ]
	fast_inserts
	run ingest -b 200 "$BATS_TEST_TMPDIR/c.csv"
	assert_status 0
	assert_output_has "2000 rows read, 1400 inserted, 0 updated, 600 unchanged"
	assert_rows_once 2000
}

# ---- tsm-migrate, tsm-compress ----

# A bot's JSON file of $1 trades, one a minute from 2024-01-01, as $2.
trades_json() {
	awk -v n="$1" -v e=$EPOCH0 'BEGIN {
		printf "["
		for (i = 0; i < n; i++)
			printf "%s{\"symbol\":\"S%d\",\"qty\":%d,\"side\":\"%s\",\"price\":%d.5,\"time\":%d}",
			    i ? "," : "", i % 5, 1 + i % 3, i % 2 ? "sell" : "buy", 100 + i % 50, e + 60 * i
		print "]"
	}' >"$2"
}

# Waits until a session of the tool $1 sleeps in the slow trigger.
wait_sleeping() {
	for _ in $(seq 300); do
		[ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$1' AND wait_event = 'PgSleep'")" -ge 1 ] && return 0
		sleep 0.1
	done
	echo "$1 never reached the trigger" >&2
	return 1
}

# The trigger that makes inserts into tsm.$1 wait $2 seconds.
slow_table() {
	q -c "CREATE FUNCTION public.slow() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN PERFORM pg_sleep($2); RETURN NULL; END\$\$" \
	    -c "CREATE TRIGGER slow AFTER INSERT ON tsm.$1 FOR EACH STATEMENT EXECUTE FUNCTION public.slow()"
}

# Nothing in positions, trades or instruments.
assert_nothing_migrated() {
	local got
	got=$(q -c "SELECT (SELECT count(*) FROM tsm.positions), (SELECT count(*) FROM tsm.trades), (SELECT count(*) FROM tsm.instruments)")
	[ "$got" = "0|0|0" ] || { echo "positions|trades|instruments: $got, want 0|0|0" >&2; return 1; }
}

# Completes the migration of $1 (20000 trades) after a fault.
migrate_again() {
	q -c "DROP TRIGGER slow ON tsm.trades"
	run tsm-migrate trades "$1"
	assert_status 0
	assert_output_has "$1: 20000 records: 20000 inserted, 0 already there; 20000 of 20000 in tsm.trades"
	assert_output_has "backed up as $1.bak"
	cmp "$1" "$1.bak"
	[ "$(q -c "SELECT count(*), count(DISTINCT source_key), count(DISTINCT time), sum(quantity) FROM tsm.trades")" = "20000|20000|20000|39999" ]
}

@test "migrate: SIGTERM during a JSON migration leaves the database as it was and no backup; the rerun migrates" {
	init_db
	f=$BATS_TEST_TMPDIR/trades.json
	trades_json 20000 "$f"
	slow_table trades 30
	tsm-migrate trades "$f" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	SLOW_APP=tsm-migrate
	wait_sleeping tsm-migrate
	kill -TERM $pid
	reap $pid "$BATS_TEST_TMPDIR/err"
	assert_status 130
	assert_output_has "tsm-migrate: error: interrupted: nothing was migrated"
	assert_nothing_migrated
	[ ! -e "$f.bak" ]
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep -v -e '^trades.json$' -e '^err$')" ]
	migrate_again "$f"
}

@test "migrate: the backend terminated during a JSON migration: exit 3, the database as it was, no backup; the rerun migrates" {
	init_db
	f=$BATS_TEST_TMPDIR/trades.json
	trades_json 20000 "$f"
	slow_table trades 30
	tsm-migrate trades "$f" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_sleeping tsm-migrate
	q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tsm-migrate'" >/dev/null
	reap $pid "$BATS_TEST_TMPDIR/err"
	assert_status 3
	assert_output_has "tsm-migrate: error: lost the connection to the server: FATAL:  terminating connection due to administrator command"
	assert_output_has "detail: nothing was migrated: the transaction never committed; run the same command again"
	assert_nothing_migrated
	[ ! -e "$f.bak" ]
	migrate_again "$f"
}

# The number of compressed chunks (partitions) of candles.
compressed_chunks() {
	if [ "$BACKEND" = timescaledb ]; then
		q -c "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_schema = 'tsm' AND hypertable_name = 'candles' AND is_compressed"
	else
		q -c "SELECT count(*) FROM tsm.compressed_partitions WHERE kind = 'candles'"
	fi
}

# Every candle, ordered, as text.
candles_dump() {
	q -c "SET extra_float_digits = 1" -c "SELECT * FROM (SELECT * FROM tsm.candles_all) t ORDER BY t::text"
}

@test "compress: the backend terminated mid-run is reported, the chunk stays as it was; the next run resumes" {
	init_db
	q -v schema=tsm -v ninst=2 -v days=15 -v start=2024-01-01 -f "$TSM_ROOT/scripts/gen-candles.sql" >/dev/null
	before=$(candles_dump)
	# A session holds the first chunk, so that the run waits on it.
	if [ "$BACKEND" = timescaledb ]; then
		chunk=$(q -c "SELECT format('%I.%I', chunk_schema, chunk_name) FROM timescaledb_information.chunks WHERE hypertable_schema = 'tsm' AND hypertable_name = 'candles' ORDER BY range_start LIMIT 1")
	else
		chunk=$(q -c "SELECT format('tsm.%I', p.partition) FROM tsm.partitions p WHERE p.kind = 'candles' AND pg_relation_size(format('tsm.%I', p.partition)) > 0 ORDER BY p.lo LIMIT 1")
	fi
	SLOW_APP=tsm-faults-locker-$$
	PGAPPNAME=$SLOW_APP psql -XAtq -c "BEGIN" -c "LOCK TABLE $chunk IN ACCESS SHARE MODE" \
	    -c "SELECT pg_sleep(60)" >/dev/null 2>&1 3>&- &
	for _ in $(seq 300); do
		[ "$(q -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = '$SLOW_APP' AND l.relation = '$chunk'::regclass AND l.granted")" = 1 ] && break
		sleep 0.1
	done
	tsm-compress run --older-than 30d candles 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	waiting=0
	for _ in $(seq 300); do
		waiting=$(q -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tsm-compress' AND wait_event_type = 'Lock'")
		[ "$waiting" = 1 ] && break
		sleep 0.1
	done
	[ "$waiting" = 1 ] || { echo "tsm-compress never waited for the lock"; return 1; }
	q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tsm-compress'" >/dev/null
	reap $pid "$BATS_TEST_TMPDIR/err"
	assert_status 3
	assert_output_has "tsm-compress: error: lost the connection to the server: FATAL:  terminating connection due to administrator command"
	[ "$(compressed_chunks)" = 0 ]
	[ "$(candles_dump)" = "$before" ]
	q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '$SLOW_APP'" >/dev/null
	run tsm-compress run --older-than 30d candles
	assert_status 0
	assert_output_has "candles: 3 chunks compressed"
	[ "$(compressed_chunks)" = 3 ]
	[ "$(candles_dump)" = "$before" ]
	# The run that lost its connection is recorded as such.
	[ "$(q -c "SELECT string_agg(status || ': ' || CASE WHEN detail LIKE '3 chunks compressed, %' THEN '3 chunks compressed' ELSE detail END, '; ' ORDER BY id) FROM tsm.runs WHERE action = 'compression'")" = "error: did not finish: the run was killed or lost its connection; success: 3 chunks compressed" ] ||
	    { q -c "SELECT status, detail FROM tsm.runs"; return 1; }
	[ "$(q -c "SELECT count(*) FROM tsm.candles_all")" = 43200 ]
	[ "$(q -c "SELECT count(*) FROM (SELECT DISTINCT instrument_id, timeframe, time FROM tsm.candles_all) k")" = 43200 ]
}
