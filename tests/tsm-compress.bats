#!/usr/bin/env bats
# tsm-compress: compression, decompression, retention, refresh, policies,
# status; bad input and faults.  Runs on both backends.

load helpers

teardown() {
	if [ -n "${EXTRA_PG:-}" ]; then
		"$TSM_ROOT/scripts/pg" destroy "$EXTRA_PG" || true
	fi
	if [ -n "${LOCKER_APP:-}" ]; then
		q -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '$LOCKER_APP'" >/dev/null 2>&1 || true
	fi
	drop_db
}

# Candles of the benchmark's shape: NINST instruments, DAYS days of 1m
# candles from START (a Monday, so that native partitions and TimescaleDB
# chunks both cut at 7-day boundaries).
load_candles() {
	q -v schema=tsm -v ninst="${1:-2}" -v days="${2:-15}" \
	    -v start="${3:-2024-01-01}" -f "$TSM_ROOT/scripts/gen-candles.sql" >/dev/null
}

# Every row of a table or view, ordered, as text: floats in their
# shortest exact form, so that equal text means equal values (and -0
# differs from 0).
dump() {
	q -c "SET extra_float_digits = 1" -c "SELECT * FROM (SELECT * FROM ${1:-tsm.candles_all}) t ORDER BY t::text"
}

# On TimescaleDB, holds the refresh jobs of this database: a job that
# materialises buckets between two reads of a comparison adds its
# doubles in another order than the real-time part did (compressed
# chunks are read in their own order), and the last digit of a volume
# may differ.  What is compared is tsm's answer, not the job's timing.
hold_jobs() {
	[ "$BACKEND" = timescaledb ] || return 0
	q -c "SELECT count(*) FROM timescaledb_information.jobs j, LATERAL alter_job(j.job_id, scheduled => false) a WHERE j.proc_name = 'policy_refresh_continuous_aggregate'" >/dev/null
}

# The number of compressed chunks (partitions) of candles.
compressed_chunks() {
	if [ "$BACKEND" = timescaledb ]; then
		q -c "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_schema = 'tsm' AND hypertable_name = 'candles' AND is_compressed"
	else
		q -c "SELECT count(*) FROM tsm.compressed_partitions WHERE kind = 'candles'"
	fi
}

# A first chunk (partition) of candles, as schema.name.
first_chunk() {
	if [ "$BACKEND" = timescaledb ]; then
		q -c "SELECT format('%I.%I', chunk_schema, chunk_name) FROM timescaledb_information.chunks WHERE hypertable_schema = 'tsm' AND hypertable_name = 'candles' ORDER BY range_start LIMIT 1"
	else
		q -c "SELECT format('tsm.%I', p.partition) FROM tsm.partitions p WHERE p.kind = 'candles' AND pg_relation_size(format('tsm.%I', p.partition)) > 0 ORDER BY p.lo LIMIT 1"
	fi
}

# The names of the chunks (partitions) of candles holding rows, in order.
chunk_names() {
	if [ "$BACKEND" = timescaledb ]; then
		q -c "SELECT string_agg(chunk_name, ' ' ORDER BY range_start) FROM timescaledb_information.chunks WHERE hypertable_schema = 'tsm' AND hypertable_name = 'candles'"
	else
		q -c "SELECT string_agg(p.partition, ' ' ORDER BY p.lo) FROM tsm.partitions p WHERE p.kind = 'candles' AND pg_relation_size(format('tsm.%I', p.partition)) > 0"
	fi
}

# The range of chunk (partition) $1 as tsm-compress writes it.
chunk_range() {
	local f='YYYY-MM-DD"T"HH24:MI:SS"Z"'
	if [ "$BACKEND" = timescaledb ]; then
		q -c "SELECT to_char(range_start AT TIME ZONE 'UTC', '$f') || ' to ' || to_char(range_end AT TIME ZONE 'UTC', '$f') FROM timescaledb_information.chunks WHERE format('%I.%I', chunk_schema, chunk_name) = '$1'"
	else
		q -c "SELECT to_char(lo AT TIME ZONE 'UTC', '$f') || ' to ' || to_char(hi AT TIME ZONE 'UTC', '$f') FROM tsm.partitions WHERE format('tsm.%I', partition) = '$1'"
	fi
}

# Holds a lock on relation $1 from another session until the test ends
# (teardown ends that session).  $2: the lock mode.
hold_lock() {
	LOCKER_APP="tsm-test-locker-$$-$BATS_TEST_NUMBER"
	PGAPPNAME=$LOCKER_APP psql -XAtq -c "BEGIN" -c "LOCK TABLE $1 IN ${2:-ACCESS SHARE} MODE" \
	    -c "SELECT pg_sleep(120)" >/dev/null 2>&1 3>&- &
	for _ in $(seq 1 100); do
		[ "$(q -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = '$LOCKER_APP' AND l.relation = '$1'::regclass AND l.granted")" = 1 ] && return 0
		sleep 0.1
	done
	echo "the locker did not get its lock" >&2
	return 1
}

release_lock() {
	q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '$LOCKER_APP'" >/dev/null
	LOCKER_APP=
}

@test "--help goes to stdout, exits 0, and fits in 80 columns" {
	run tsm-compress --help
	assert_status 0
	assert_output_has "Usage:"
	assert_output_has "tsm-compress decompress [OPTION]... --from=TIME --to=TIME"
	long=$(tsm-compress --help | awk 'length > 79' | wc -l)
	[ "$long" -eq 0 ]
}

@test "--version names the tool" {
	run tsm-compress --version
	assert_status 0
	assert_output_has "tsm-compress (tsm) "
}

@test "every option of --help is in the man page, and back" {
	for o in $(tsm-compress --help | grep -o -- '--[a-z-]*' | sort -u); do
		grep -q -- "${o#--}" "$TSM_ROOT/man/tsm-compress.1" ||
		    { echo "man page lacks $o"; return 1; }
	done
	for o in $(grep -o '^\.Fl -\?[a-z-]*' "$TSM_ROOT/man/tsm-compress.1" |
	    awk '{print $2}' | sort -u); do
		tsm-compress --help | grep -q -- "-${o#-}" ||
		    { echo "--help lacks $o"; return 1; }
	done
	for c in status run decompress retention refresh policy; do
		grep -q "^\.It Cm $c" "$TSM_ROOT/man/tsm-compress.1" ||
		    { echo "man page lacks the command $c"; return 1; }
	done
}

@test "usage errors exit 2 before connecting, with a hint" {
	run tsm-compress -h /nonexistent
	assert_status 2
	assert_output_has 'tsm-compress: error: no command given: status, run, decompress, retention, refresh or policy'
	assert_output_has 'Try "tsm-compress --help" for more information.'
	run tsm-compress -h /nonexistent compress
	assert_status 2
	assert_output_has 'unknown command "compress"'
	run tsm-compress -h /nonexistent run --frobnicate
	assert_status 2
	assert_output_has 'unknown option "--frobnicate"'
	run tsm-compress -h /nonexistent run --from 2024-01-01
	assert_status 2
	assert_output_has 'tsm-compress: error: --from is not an option of run'
	run tsm-compress -h /nonexistent status --dry-run
	assert_status 2
	assert_output_has '--dry-run is not an option of status'
	run tsm-compress -h /nonexistent decompress --from 2024-01-01 candles
	assert_status 2
	assert_output_has 'tsm-compress: error: decompress needs --from and --to'
	run tsm-compress -h /nonexistent decompress --from 2024-02-01 --to 2024-01-01
	assert_status 2
	assert_output_has 'tsm-compress: error: --from 2024-02-01T00:00:00Z is not before --to 2024-01-01T00:00:00Z'
	run tsm-compress -h /nonexistent retention --older-than 90d
	assert_status 2
	assert_output_has 'tsm-compress: error: retention --older-than drops data: name the kinds it applies to'
	run tsm-compress -h /nonexistent run --older-than
	assert_status 2
	assert_output_has 'option "--older-than" needs a value'
}

@test "a bad AGE is refused with the reason" {
	for bad in 7dd -1d 0d 1.5h d ""; do
		run tsm-compress -h /nonexistent run --older-than "$bad"
		assert_status 2
		assert_output_has "tsm-compress: error: --older-than: \"$bad\" is not an age"
	done
	run tsm-compress -h /nonexistent run --older-than 7dd candles
	assert_output_has 'tsm-compress: error: --older-than: "7dd" is not an age: expected a positive whole number and a unit (s, m, h, d, w, M, y), such as 7d or 12h'
	run tsm-compress -h /nonexistent run --lock-timeout 1M
	assert_status 2
	assert_output_has 'tsm-compress: error: --lock-timeout: "1M" is too long: at most 24 days'
	run tsm-compress -h /nonexistent policy add compression candles 7x
	assert_status 2
	assert_output_has 'tsm-compress: error: policy AGE: "7x" is not an age'
}

@test "an unknown KIND is refused before connecting" {
	run tsm-compress -h /nonexistent run --older-than 7d bonds
	assert_status 2
	assert_output_has 'tsm-compress: error: unknown kind "bonds"'
	assert_output_has 'hint: kinds are candles, ticks, greeks, sentiment, flows, metrics, indicators'
	run tsm-compress -h /nonexistent status candle
	assert_status 2
	assert_output_has 'unknown kind "candle"'
	run tsm-compress -h /nonexistent policy add retention bonds 30d
	assert_status 2
	assert_output_has 'unknown kind "bonds"'
}

@test "a bad TIME or policy is refused before connecting" {
	run tsm-compress -h /nonexistent decompress --from 2024-13-01 --to 2024-02-01
	assert_status 2
	assert_output_has 'tsm-compress: error: --from: "2024-13-01" has a month out of range (01 to 12)'
	run tsm-compress -h /nonexistent policy add dedup candles 7d
	assert_status 2
	assert_output_has 'unknown policy "dedup": compression, retention or refresh'
	run tsm-compress -h /nonexistent policy drop compression candles
	assert_status 2
	assert_output_has 'unknown policy action "drop"'
	run tsm-compress -h /nonexistent policy add compression candles
	assert_status 2
	assert_output_has 'policy add takes TYPE TARGET AGE'
	run tsm-compress -h /nonexistent policy add retention candles 30d --end-offset 1h
	assert_status 2
	assert_output_has '--end-offset is for policy add or change refresh'
}

@test "an unreachable server exits 3 and never shows the password" {
	run tsm-compress status -d "postgresql://bob:s3cr3t@/nodb?host=/nonexistent"
	assert_status 3
	assert_output_has "could not connect"
	refute_output_has "s3cr3t"
}

@test "a database without tsm's schema: exit 1, run tsm-init" {
	require_backend
	new_db
	run tsm-compress status
	assert_status 1
	assert_output_has 'schema "tsm" does not exist'
	assert_output_has 'hint: run tsm-init to create it'
}

@test "status on an empty schema lists every kind, policies and aggregates" {
	init_db
	run tsm-compress status
	assert_status 0
	assert_output_has "storage"
	assert_output_has "$BACKEND"
	for k in candles ticks greeks sentiment flows metrics indicators; do
		assert_output_has " $k "
	done
	assert_output_has "candles_1h"
	run tsm-compress status -F csv -t candles
	assert_status 0
	refute_output_has "ticks"
	refute_output_has "kind,table"
	run tsm-compress status -F json candles
	assert_status 0
	assert_output_has '{"kind":"candles","table":"candles","chunks":'
	assert_output_has '"compressed":0,'
}

# oldest,newest of candles as status prints them, and as they are.
status_extent() {
	tsm-compress status -F csv candles |
	    awk -F, '$1 == "candles" && $2 == "candles" { print $9 "," $10 }'
}
true_extent() {
	q -c "SET TimeZone = 'UTC'" -c "SELECT to_char(min(time), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') || ',' || to_char(max(time), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM tsm.candles_all"
}

@test "status finds the oldest and newest rows, compressed or not, past empty chunks" {
	init_db
	load_candles 2 15 2024-01-01
	[ "$(status_extent)" = "2024-01-01T00:00:00Z,2024-01-15T23:59:00Z" ]
	[ "$(status_extent)" = "$(true_extent)" ]
	tsm-compress run -q --older-than 30d candles
	[ "$(status_extent)" = "$(true_extent)" ]
	tsm-compress decompress -q --from 2024-01-01 --to 2024-01-02 candles
	[ "$(status_extent)" = "$(true_extent)" ]
	if [ "$BACKEND" = native ]; then
		# A partition attached by hand, under a name of its own.
		q -c "CREATE TABLE tsm.candles_june PARTITION OF tsm.candles FOR VALUES FROM ('2023-06-01') TO ('2023-06-02')"
	fi
	# One row before all others, one in a chunk made ahead (native),
	# with empty chunks between them and the rest.
	q -c "CREATE TEMP TABLE r AS SELECT * FROM tsm.candles_all WHERE time = '2024-01-05' LIMIT 1" \
	    -c "UPDATE r SET time = '2023-06-01 12:34'" \
	    -c "INSERT INTO tsm.candles SELECT * FROM r" \
	    -c "UPDATE r SET time = date_trunc('minute', now()) + interval '1 day'" \
	    -c "INSERT INTO tsm.candles SELECT * FROM r"
	[ "$(status_extent | cut -c1-20)" = "2023-06-01T12:34:00Z" ]
	[ "$(status_extent)" = "$(true_extent)" ]
}

# chunks,compressed,before,after of candles as status prints them, and
# as pg_inherits and compressed_partitions say by the partitions' names.
status_counts() {
	tsm-compress status -F csv candles |
	    awk -F, '$1 == "candles" && $2 == "candles" { print $3 "," $4 "," $5 "," $6 }'
}
true_counts() {
	q -c "SELECT count(*) || ',' || count(cp.partition) || ',' || pg_size_pretty(coalesce(sum(CASE WHEN cp.partition IS NULL THEN pg_total_relation_size(i.inhrelid) END), 0) + coalesce(sum(cp.bytes_before), 0)) || ',' || pg_size_pretty(coalesce(sum(CASE WHEN cp.partition IS NULL THEN pg_total_relation_size(i.inhrelid) END), 0) + coalesce(sum(cp.bytes_after), 0)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid LEFT JOIN tsm.compressed_partitions cp ON cp.kind = 'candles' AND cp.partition = c.relname WHERE i.inhparent = 'tsm.candles'::regclass"
}

@test "status finds compressed partitions by oid, also those compressed before the upgrade (native)" {
	only_backend native
	init_db --target-version 10
	load_candles 2 15 2024-01-01
	# Two partitions compressed before 011_status.sql.
	q -c "SELECT tsm.compress_partition('candles', p.partition) FROM (SELECT partition FROM tsm.partitions WHERE kind = 'candles' AND lo < '2024-01-15' ORDER BY lo LIMIT 2) p" >/dev/null
	tsm-init -q
	[ "$(q -c "SELECT count(*) || ',' || count(relid) || ',' || count(*) FILTER (WHERE relid = format('tsm.%I', partition)::regclass) FROM tsm.compressed_partitions")" = 2,2,2 ]
	[ "$(status_counts | cut -d, -f2)" = 2 ]
	[ "$(status_counts)" = "$(true_counts)" ]
	tsm-compress run -q --older-than 30d candles
	[ "$(status_counts | cut -d, -f2)" = 3 ]
	[ "$(status_counts)" = "$(true_counts)" ]
	[ "$(q -c "SELECT count(*) FROM tsm.compressed_partitions WHERE relid IS DISTINCT FROM format('tsm.%I', partition)::regclass")" = 0 ]
	# A partition made ahead, and one decompressed again, count as they are.
	tsm-compress decompress -q --from 2024-01-01 --to 2024-01-02 candles
	q -c "CREATE TABLE tsm.candles_june PARTITION OF tsm.candles FOR VALUES FROM ('2023-06-01') TO ('2023-06-02')"
	[ "$(status_counts | cut -d, -f2)" = 2 ]
	[ "$(status_counts)" = "$(true_counts)" ]
}

@test "run compresses chunks older than AGE; rows read back identical" {
	init_db
	load_candles 2 15 2024-01-01
	before=$(dump)
	[ "$(echo "$before" | wc -l)" = 43200 ]
	run tsm-compress run --older-than 30d candles
	assert_status 0
	assert_output_has "candles: compressed "
	assert_output_has "candles: 3 chunks compressed"
	[ "$(compressed_chunks)" = 3 ]
	[ "$(dump)" = "$before" ]
	if [ "$BACKEND" = native ]; then
		[ "$(q -c "SELECT count(*) FROM ONLY tsm.candles")" = 0 ]
		[ "$(q -c "SELECT sum(_n) FROM tsm.candles_packed")" = 43200 ]
	fi
	run tsm-compress status -F csv candles
	assert_status 0
	[ "$(echo "$output" | grep '^candles,candles,' | cut -d, -f4)" = 3 ]
	assert_output_has "2024-01-01T00:00:00Z,2024-01-15T23:59:00Z"
	[ "$(q -c "SELECT status FROM tsm.runs WHERE action = 'compression'")" = success ]
	q -c "SELECT detail FROM tsm.runs WHERE action = 'compression'" | grep -q '^3 chunks compressed, .* saved)$'
	run tsm-compress run --older-than 30d candles
	assert_status 0
	assert_output_has "nothing to compress"
}

@test "the range function and the view agree with the rows, compressed or not" {
	init_db
	load_candles 2 15 2024-01-01
	before=$(dump "tsm.candles_all WHERE time >= '2024-01-06' AND time < '2024-01-09 12:00'")
	tsm-compress run -q --older-than 30d candles
	tsm-compress decompress -q --from 2024-01-08 --to 2024-01-09 candles
	[ "$(dump "tsm.candles_range('2024-01-06', '2024-01-09 12:00')")" = "$before" ]
	[ "$(dump "tsm.candles_all WHERE time >= '2024-01-06' AND time < '2024-01-09 12:00'")" = "$before" ]
	# Inlined: the plan reads the tables, not a function.
	run q -c "EXPLAIN SELECT * FROM tsm.candles_range('2024-01-06', '2024-01-07') WHERE instrument_id = 1"
	refute_output_has "Function Scan on candles_range"
}

@test "tsm-query ohlcv answers the same before and after compression" {
	init_db
	hold_jobs
	load_candles 2 15 2024-01-01
	# Whole hours, a range whose ends fall inside packed blocks (native:
	# blocks of 1,000 minutes from each partition's start), one inside a
	# single block, and the stored 1m candles themselves.
	ask() {
		local r
		for r in "1h 2024-01-01 2024-01-16" \
		    "1h 2024-01-03T05:17:00Z 2024-01-12T07:00:00Z" \
		    "15m 2024-01-02T17:00:00Z 2024-01-02T19:00:00Z" \
		    "1m 2024-01-07T23:50:00Z 2024-01-08T00:10:00Z"; do
			set -- $r
			for s in auto computed; do
				[ "$1" = 1m ] && [ "$s" = computed ] && continue
				echo "== $r $s"
				tsm-query ohlcv SYM1 -e bench -i "$1" --from "$2" --to "$3" --source "$s"
			done
		done
	}
	before=$(ask)
	[ "$(echo "$before" | grep -c '^2024-')" -gt 800 ]
	[ "$(echo "$before" | grep -c '^2024-01-08T00:0[1-9]')" = 9 ]
	tsm-compress run -q --older-than 30d candles
	[ "$(compressed_chunks)" = 3 ]
	[ "$(ask)" = "$before" ]
	# And with a chunk decompressed between compressed ones.
	tsm-compress decompress -q --from 2024-01-08 --to 2024-01-09 candles
	[ "$(ask)" = "$before" ]
}

@test "latest, overview, summary, the bar commands and tsm-backtest answer the same before and after compression" {
	init_db
	hold_jobs
	# Three weeks of candles up to this Monday (a chunk boundary on
	# both backends), so that the newest are recent: latest and
	# overview find them in the newest chunk first.
	local monday start
	monday=$(date -u -d "$(date -u +%F) -$(( $(date -u +%u) - 1 )) days" +%F)
	start=$(date -u -d "$monday -21 days" +%F)
	load_candles 2 21 "$start"
	ask() {
		local s
		# latest's age grows as the test runs: all but that column.
		tsm-query latest -F csv | cut -d, -f1-5
		tsm-query overview -F csv
		tsm-query summary -F csv
		tsm-query symbols --active
		for s in SYM1 SYM2; do
			echo "== $s"
			tsm-query stats "$s" -e bench -i 1h
			tsm-query change "$s" -e bench --hours 48
			tsm-query range "$s" -e bench -i 15m --from "$start" --to "$monday"
			tsm-query volume-profile "$s" -e bench -i 1h --buckets 8
			tsm-query gaps "$s" -e bench -i 1m --from "$(date -u -d "$start -1 day" +%F)" --to "$monday"
			tsm-backtest --symbol "$s" --exchange bench --interval 1m --fast 30 --slow 90
			tsm-backtest --symbol "$s" --exchange bench --interval 1h
			tsm-backtest --symbol "$s" --exchange bench --interval 3m --from "$start" --to "$monday"
		done
	}
	before=$(ask)
	[ "$(echo "$before" | grep -c '^bench,SYM[12],')" -ge 8 ]
	echo "$before" | grep -q '^bench,SYM1,1m,30240,'
	# Some chunks compressed (the oldest), the newest not.
	tsm-compress run -q --older-than 8d candles
	[ "$(compressed_chunks)" -ge 1 ]
	diff -u <(echo "$before") <(ask)
	# Every chunk compressed: latest finds its candles packed.
	tsm-compress run -q --older-than 1s candles
	if [ "$BACKEND" = native ]; then
		[ "$(q -c "SELECT count(*) FROM ONLY tsm.candles")" = 0 ]
	else
		[ "$(q -c "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_schema = 'tsm' AND hypertable_name = 'candles' AND NOT is_compressed")" = 0 ]
	fi
	diff -u <(echo "$before") <(ask)
}

@test "decompress brings rows back for a backfill; status and runs follow" {
	init_db
	load_candles 2 15 2024-01-01
	before=$(dump)
	tsm-compress run -q --older-than 30d candles
	run tsm-compress decompress --dry-run --from 2024-01-03 --to 2024-01-09 candles
	assert_status 0
	[ "$(echo "$output" | grep -c '^ candles ')" = 2 ]
	[ "$(compressed_chunks)" = 3 ]
	run tsm-compress decompress --from 2024-01-03 --to 2024-01-09 candles
	assert_status 0
	assert_output_has "candles: 2 chunks decompressed"
	[ "$(compressed_chunks)" = 1 ]
	[ "$(dump)" = "$before" ]
	run tsm-compress decompress --from 2024-01-03 --to 2024-01-09 candles
	assert_status 0
	assert_output_has "nothing compressed in that range"
	[ "$(q -c "SELECT count(*) FROM tsm.runs WHERE action = 'decompression' AND status = 'success'")" = 1 ]
	run tsm-compress run --older-than 30d
	assert_status 0
	[ "$(compressed_chunks)" = 3 ]
	[ "$(dump)" = "$before" ]
}

@test "a load into compressed chunks gives the same rows as into uncompressed ones" {
	init_db
	load_candles 2 15 2024-01-01
	BATCH_TMPDIR=$(tmpdir)
	# What tsm-ingest sends for a batch: new rows, changed rows, same rows.
	cat >"$BATCH_TMPDIR/batch.sql" <<-'EOF'
	CREATE TEMP TABLE batch AS
	SELECT instrument_id, timeframe, time + interval '30 seconds' AS time, open, high, low, close, volume,
	    close_time, quote_volume, trades, taker_buy_volume, taker_buy_quote_volume
	FROM tsm.candles_all WHERE time >= '2024-01-02' AND time < '2024-01-02 01:00'
	UNION ALL
	SELECT instrument_id, timeframe, time, open, high * 1.5, low, close, volume + 1,
	    close_time, quote_volume, trades, taker_buy_volume, taker_buy_quote_volume
	FROM tsm.candles_all WHERE time >= '2024-01-10' AND time < '2024-01-10 01:00'
	UNION ALL
	SELECT * FROM tsm.candles_all WHERE time >= '2024-01-12' AND time < '2024-01-12 00:10';
	EOF
	load() {
		if [ "$BACKEND" = native ]; then
			q -c "SELECT tsm.ensure_partitions('candles', '2024-01-02', '2024-01-12 00:10')" >/dev/null
		fi
		q -f "$BATCH_TMPDIR/batch.sql" -c "INSERT INTO tsm.candles SELECT * FROM batch ON CONFLICT (instrument_id, timeframe, time) DO UPDATE SET high = excluded.high, volume = excluded.volume"
	}
	q -c "CREATE TABLE public.keep AS SELECT * FROM tsm.candles"
	load >/dev/null
	expected=$(dump)
	q -c "TRUNCATE tsm.candles" -c "INSERT INTO tsm.candles SELECT * FROM public.keep"
	tsm-compress run -q --older-than 30d candles
	[ "$(compressed_chunks)" = 3 ]
	load >/dev/null
	[ "$(dump)" = "$expected" ]
	# A plain INSERT and a COPY into a compressed partition work too.
	tsm-compress run -q --older-than 30d candles
	q -c "INSERT INTO tsm.candles SELECT instrument_id, timeframe, time + interval '1 second', open, high, low, close, volume, close_time, quote_volume, trades, taker_buy_volume, taker_buy_quote_volume FROM public.keep WHERE time >= '2024-01-03' AND time < '2024-01-03 00:05' ON CONFLICT DO NOTHING"
	q -c "COPY (SELECT instrument_id, timeframe, time + interval '2 seconds', open, high, low, close, volume, close_time, quote_volume, trades, taker_buy_volume, taker_buy_quote_volume FROM public.keep WHERE time >= '2024-01-03' AND time < '2024-01-03 00:05') TO STDOUT" |
	    q -c "COPY tsm.candles FROM STDIN"
	[ "$(q -c "SELECT count(*) FROM tsm.candles_all")" = $(( $(echo "$expected" | wc -l) + 20 )) ]
	run q -c "INSERT INTO tsm.candles SELECT * FROM public.keep WHERE time = '2024-01-03 00:00'"
	[ "$status" -ne 0 ]
	[[ "$output" == *"duplicate key"* ]]
}

@test "values that are no short decimal pack exactly too (native)" {
	only_backend native
	init_db
	load_candles 1 8 2024-01-01
	q -c "UPDATE tsm.candles SET volume = CASE extract(minute FROM time)::int % 5
	    WHEN 0 THEN '-0' WHEN 1 THEN 1e-7 WHEN 2 THEN 0.1 + 0.2
	    WHEN 3 THEN 'Infinity' ELSE 123456789012.25 END,
	    quote_volume = CASE WHEN extract(hour FROM time) = 3 THEN 1e300 ELSE 'NaN' END,
	    close_time = CASE WHEN extract(hour FROM time) = 5 THEN NULL ELSE close_time END,
	    trades = NULL
	    WHERE time < '2024-01-03'"
	before=$(q -c "SELECT float8send(volume), float8send(quote_volume), close_time, trades FROM tsm.candles ORDER BY instrument_id, time")
	tsm-compress run -q --older-than 30d candles
	[ "$(compressed_chunks)" = 2 ]
	after=$(q -c "SELECT float8send(volume), float8send(quote_volume), close_time, trades FROM tsm.candles_all ORDER BY instrument_id, time")
	[ "$after" = "$before" ]
	# Scaled integers where the values allow it, doubles where they do not.
	[ "$(q -c "SELECT count(*) FILTER (WHERE volume_f8 IS NOT NULL) > 0, count(*) FILTER (WHERE open_i4 IS NOT NULL) = count(*) FROM tsm.candles_packed")" = "t|t" ]
}

@test "every kind compresses and reads back identical (native)" {
	only_backend native
	init_db
	for k in ticks greeks sentiment flows metrics indicators; do
		q -c "SELECT tsm.ensure_partitions('$k', '2024-01-01', '2024-01-20')" >/dev/null
	done
	q -c "INSERT INTO tsm.ticks SELECT 1, '2024-01-02'::timestamptz + i * interval '250 ms', i, 100 + i % 7 * 0.01, 0.001 * (i % 13), NULL, CASE WHEN i % 2 = 0 THEN 'buy' END FROM generate_series(1, 3000) i" \
	    -c "INSERT INTO tsm.greeks SELECT '2024-01-02'::timestamptz + i * interval '1 minute', 'BTC', 'deribit', '2024-03-29', 50000 + 1000 * (i % 5), CASE WHEN i % 2 = 0 THEN 'call' ELSE 'put' END, 0.5, 0.0001, -12.5, 30.25, 1.5, 0.65, 42000.5, 1200, 3000 FROM generate_series(1, 2000) i" \
	    -c "INSERT INTO tsm.sentiment SELECT '2024-01-02'::timestamptz + i * interval '1 hour', 'BTC', 'x', (i % 200 - 100) / 100.0, 'neutral', i, i * 10 FROM generate_series(1, 300) i" \
	    -c "INSERT INTO tsm.flows SELECT '2024-01-02'::timestamptz + i * interval '10 minutes', 'BTC', 'inflow', 'binance', i * 0.5, i * 21000.25, 'tx' || i FROM generate_series(1, 1000) i" \
	    -c "INSERT INTO tsm.market_metrics SELECT '2024-01-02'::timestamptz + i * interval '1 hour', 'vix', '', 15 + i % 10 * 0.1, NULL FROM generate_series(1, 300) i" \
	    -c "INSERT INTO tsm.indicators SELECT 1, '1h', '2024-01-02'::timestamptz + i * interval '1 hour', 'macd', '12,26,9', i * 0.1, NULL, -i FROM generate_series(1, 300) i"
	for t in ticks greeks sentiment flows market_metrics indicators; do
		eval "before_$t=\$(dump tsm.${t}_all)"
	done
	run tsm-compress run --older-than 30d
	assert_status 0
	for t in ticks greeks sentiment flows market_metrics indicators; do
		[ "$(q -c "SELECT count(*) FROM ONLY tsm.$t")" = 0 ] || { echo "$t not compressed"; return 1; }
		eval "want=\$before_$t"
		[ "$(dump tsm.${t}_all)" = "$want" ] || { echo "$t differs"; return 1; }
	done
}

@test "run without --older-than follows the policies, and says when there is none" {
	init_db
	load_candles 1 8 2024-01-01
	run tsm-compress run
	assert_status 1
	assert_output_has 'tsm-compress: error: nothing to do: no kind has a compression policy'
	assert_output_has 'hint: give --older-than AGE, or set a policy: tsm-compress policy add compression KIND AGE'
	[ "$(compressed_chunks)" = 0 ]
	run tsm-compress policy add compression candles 30d
	assert_status 0
	assert_output_has "compression policy of candles: after 30 days"
	run tsm-compress run candles ticks
	assert_status 0
	assert_output_has "ticks: no compression policy; give --older-than"
	[ "$(compressed_chunks)" = 2 ]
}

@test "--dry-run lists what run would compress and changes nothing" {
	init_db
	load_candles 1 15 2024-01-01
	run tsm-compress run --dry-run --older-than 30d -F csv candles
	assert_status 0
	[ "${lines[0]}" = "kind,chunk_schema,chunk,lo,hi" ]
	[ "${#lines[@]}" = 4 ]
	[ "$(echo "$output" | tail -n +2 | cut -d, -f3 | paste -sd' ')" = "$(chunk_names)" ]
	[ "$(compressed_chunks)" = 0 ]
	[ "$(q -c "SELECT count(*) FROM tsm.runs")" = 0 ]
}

@test "a chunk that cannot be compressed stays readable; the error is reported; the next run resumes" {
	init_db
	load_candles 2 15 2024-01-01
	before=$(dump)
	chunk=$(first_chunk)
	range=$(chunk_range "$chunk")
	hold_lock "$chunk"
	run tsm-compress run --older-than 30d --lock-timeout 1s candles
	assert_status 1
	chunk=${chunk#*.}
	assert_output_has "tsm-compress: error: candles: could not compress ${chunk//\"/} ($range): canceling statement due to lock timeout"
	assert_output_has "candles: 2 chunks compressed"
	assert_output_has "1 failed"
	assert_output_has "hint: the chunks that failed are left as they were, readable; the next run tries them again"
	[ "$(compressed_chunks)" = 2 ]
	[ "$(dump)" = "$before" ]
	[ "$(q -c "SELECT status FROM tsm.runs WHERE action = 'compression'")" = error ]
	release_lock
	run tsm-compress run --older-than 30d candles
	assert_status 0
	assert_output_has "candles: 1 chunk compressed"
	[ "$(compressed_chunks)" = 3 ]
	[ "$(dump)" = "$before" ]
	run tsm-compress status -F csv candles
	assert_output_has "compression,candles,"
	assert_output_has ',success,"1 chunk compressed, '
}

@test "an interrupt leaves the chunk it was on as it was; a run again finishes" {
	init_db
	load_candles 2 15 2024-01-01
	before=$(dump)
	hold_lock "$(first_chunk)"
	tsm-compress run --older-than 30d candles 2>"$(tmpdir)/err" &
	pid=$!
	for _ in $(seq 1 100); do
		[ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tsm-compress' AND wait_event_type = 'Lock'")" = 1 ] && break
		sleep 0.1
	done
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	output=$(cat "$(tmpdir)/err")
	assert_status 130
	assert_output_has "tsm-compress: error: candles: interrupted; 0 chunks compressed; the chunk it was on is left as it was"
	assert_output_has "hint: run it again to carry on"
	[ "$(compressed_chunks)" = 0 ]
	[ "$(dump)" = "$before" ]
	[ "$(q -c "SELECT status || ': ' || detail FROM tsm.runs WHERE action = 'compression'")" = "error: 0 chunks compressed; interrupted" ]
	release_lock
	run tsm-compress run --older-than 30d candles
	assert_status 0
	[ "$(compressed_chunks)" = 3 ]
	[ "$(dump)" = "$before" ]
}

@test "a chunk compressed by another session while run waited for it is done, not an error (TimescaleDB)" {
	only_backend timescaledb
	init_db
	load_candles 1 10 2024-01-01
	before=$(dump)
	tsm-compress -q run --older-than 30d candles
	tsm-compress -q decompress --from 2023-12-01 --to 2024-02-01 candles
	# TimescaleDB's own job, say, compresses the first chunk and holds
	# it; run has found it uncompressed and waits for its lock.
	c=$(first_chunk)
	psql -XAtq -c "BEGIN" -c "SELECT compress_chunk('$c')" -c "SELECT pg_sleep(2)" -c "COMMIT" >/dev/null 2>&1 3>&- &
	locker=$!
	for _ in $(seq 1 50); do
		[ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(2)%' AND state = 'active'")" = 1 ] && break
		sleep 0.1
	done
	run tsm-compress run --older-than 30d candles
	wait "$locker"
	assert_status 0
	assert_output_has "candles: 2 chunks compressed"
	refute_output_has "error"
	[ "$(compressed_chunks)" = 2 ]
	[ "$(dump)" = "$before" ]
}

@test "two runs at once: the second says so and leaves; --wait waits" {
	init_db
	load_candles 2 15 2024-01-01
	before=$(dump)
	hold_lock "$(first_chunk)"
	tsm-compress run --older-than 30d candles 2>"$(tmpdir)/first" &
	pid=$!
	for _ in $(seq 1 100); do
		[ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tsm-compress' AND wait_event_type = 'Lock'")" = 1 ] && break
		sleep 0.1
	done
	run tsm-compress run --older-than 30d candles
	assert_status 0
	assert_output_has 'tsm-compress: another tsm-compress is at work on the storage of schema "tsm" (pid '
	assert_output_has "nothing done"
	refute_output_has "error"
	run tsm-compress -q run --older-than 30d candles
	assert_status 0
	[ -z "$output" ]
	tsm-compress run --wait --older-than 30d candles 2>"$(tmpdir)/third" &
	pid3=$!
	sleep 0.5
	release_lock
	wait "$pid"
	wait "$pid3"
	grep -q "candles: 3 chunks compressed" "$(tmpdir)/first"
	grep -q "nothing to compress" "$(tmpdir)/third"
	[ "$(compressed_chunks)" = 3 ]
	[ "$(dump)" = "$before" ]
	[ "$(q -c "SELECT string_agg(status, ',') FROM tsm.runs")" = success ]
}

@test "retention --dry-run lists what would go with its rows; retention drops it, aggregates keep theirs" {
	init_db
	load_candles 1 15 2024-01-01
	tsm-compress refresh -q --from 2024-01-01 --to 2024-01-16 candles_1d
	[ "$(q -c "SELECT count(*) FROM tsm.candles_1d")" = 15 ]
	tsm-compress run -q --older-than 30d candles
	run tsm-compress retention --dry-run --older-than 30d -F csv candles
	assert_status 0
	[ "${lines[0]}" = "kind,chunk,from,to,compressed,size,rows" ]
	[ "${#lines[@]}" = 4 ]
	[ "$(echo "$output" | grep -c '^candles,.*,true,')" = 3 ]
	[ "$(echo "$output" | awk -F, 'NR > 1 { n += $NF } END { print n }')" = 21600 ]
	[ "$(q -c "SELECT count(*) FROM tsm.candles_all")" = 21600 ]
	run tsm-compress retention --older-than 30d candles
	assert_status 0
	assert_output_has "candles: 3 chunks older than 30 days dropped"
	[ "$(q -c "SELECT count(*) FROM tsm.candles_all")" = 0 ]
	# The aggregate keeps its history, even through a refresh of the range.
	run tsm-compress refresh --from 2024-01-01 --to 2024-01-16 candles_1d
	assert_status 0
	[ "$(q -c "SELECT count(*) FROM tsm.candles_1d")" = 15 ]
}

@test "retention is never implied: without --older-than only a recorded policy drops" {
	init_db
	load_candles 1 8 2024-01-01
	run tsm-compress retention candles
	assert_status 1
	assert_output_has 'tsm-compress: error: nothing to do: no kind given has a retention policy'
	[ "$(q -c "SELECT count(*) FROM tsm.candles_all")" = 11520 ]
	tsm-compress -q policy add retention candles 30d
	run tsm-compress retention
	assert_status 0
	assert_output_has "candles: 2 chunks older than 30 days dropped"
	[ "$(q -c "SELECT count(*) FROM tsm.candles_all")" = 0 ]
	[ "$(q -c "SELECT status FROM tsm.runs WHERE action = 'retention'")" = success ]
}

@test "refresh brings an aggregate up to date, also over compressed rows" {
	init_db
	load_candles 1 15 2024-01-01
	tsm-compress run -q --older-than 30d candles
	if [ "$BACKEND" = native ]; then
		q -c "TRUNCATE tsm.candles_1h"
	fi
	run tsm-compress refresh --from 2024-01-01 --to 2024-01-15 candles_1h
	assert_status 0
	assert_output_has "candles_1h: refreshed 2024-01-01T00:00:00Z to 2024-01-15T00:00:00Z"
	want=$(q -c "SELECT count(*), round(sum(close)::numeric, 4) FROM (SELECT DISTINCT ON (date_bin('1 hour', time, '2000-01-03')) close FROM tsm.candles_all WHERE time < '2024-01-15' ORDER BY date_bin('1 hour', time, '2000-01-03'), time DESC) x")
	# (On plain PostgreSQL the writes of load_candles were logged: the
	# refresh brought all of them in, past the window too.)
	got=$(q -c "SELECT count(*), round(sum(close)::numeric, 4) FROM tsm.candles_1h WHERE time < '2024-01-15'")
	[ "$got" = "$want" ]
	[ "${got%%|*}" = 336 ]
	run tsm-compress status -F csv candles
	assert_output_has "candles_1h,candles,01:00:00,"
	assert_output_has "2024-01-15T00:00:00Z"
	run tsm-compress refresh nosuch_1h
	assert_status 1
	assert_output_has 'tsm-compress: error: unknown aggregate "nosuch_1h"'
}

@test "refresh catches up the writes logged on plain PostgreSQL, whatever their time" {
	only_backend native
	init_db
	# Rows written by hand, two years before the policy's window: logged,
	# and the rollups wait for them.
	load_candles 1 2 2024-01-01
	[ "$(q -c "SELECT count(*) > 0 FROM tsm.invalidations WHERE kind = 'candles'")" = t ]
	run tsm-query ohlcv SYM1 -i 1h --explain
	assert_output_has "are not refreshed into it yet"
	run tsm-compress refresh candles_1h
	assert_status 0
	assert_output_has "tsm-compress: candles: 1 logged range of writes brought into its aggregates"
	[ "$(q -c "SELECT count(*) FROM tsm.invalidations")" = 0 ]
	run tsm-query ohlcv SYM1 -i 4h --explain
	assert_output_has "answered by aggregate candles_4h"
	tsm-query ohlcv SYM1 -i 1h --source computed >"$BATS_TEST_TMPDIR/c"
	tsm-query ohlcv SYM1 -i 1h --source aggregate | cmp - "$BATS_TEST_TMPDIR/c"
	# Nothing logged: nothing said of it.
	run tsm-compress refresh candles_1h
	assert_status 0
	refute_output_has "logged range"
}

@test "policy shows, adds, changes and removes compression, retention and refresh policies" {
	init_db
	run tsm-compress policy add compression candles 7d
	assert_status 0
	run tsm-compress policy add compression candles 14d
	assert_status 1
	assert_output_has 'tsm-compress: error: kind candles already has a compression policy (7 days)'
	assert_output_has 'hint: use tsm-compress policy change compression candles AGE'
	run tsm-compress policy change compression candles 14d
	assert_status 0
	run tsm-compress policy change retention ticks 90d
	assert_status 1
	assert_output_has 'kind ticks has no retention policy'
	tsm-compress -q policy add retention ticks 90d
	tsm-compress -q policy change refresh candles_1h 3d --end-offset 2h --schedule 30m
	run tsm-compress policy -F csv
	assert_status 0
	assert_output_has ",compression,candles,14 days,"
	assert_output_has ",retention,ticks,90 days,"
	assert_output_has ",refresh,candles_1h,3 days to 02:00:00,"
	[ "$(q -c "SELECT compress_after || ' ' || (SELECT retention FROM tsm.series WHERE kind = 'ticks') FROM tsm.series WHERE kind = 'candles'")" = "14 days 90 days" ]
	if [ "$BACKEND" = timescaledb ]; then
		[ "$(q -c "SELECT config->>'compress_after' FROM timescaledb_information.jobs WHERE hypertable_name = 'candles' AND proc_name IN ('policy_compression', 'policy_columnstore')")" = "14 days" ]
		[ "$(q -c "SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_name = 'ticks' AND proc_name = 'policy_retention'")" = 1 ]
	fi
	run tsm-compress policy remove compression candles
	assert_status 0
	run tsm-compress policy remove refresh candles_1h
	assert_status 0
	run tsm-compress policy -F csv
	refute_output_has "compression,candles"
	refute_output_has "refresh,candles_1h,"
	run tsm-compress policy remove refresh candles_1h
	assert_status 1
	assert_output_has "aggregate candles_1h has no refresh policy"
	run tsm-compress policy add refresh nosuch_1h 1d
	assert_status 1
	assert_output_has 'unknown aggregate "nosuch_1h"'
}

@test "status shows a failing job as it is (TimescaleDB)" {
	only_backend timescaledb
	init_db
	tsm-compress -q policy add compression candles 30d
	job=$(q -c "SELECT job_id FROM timescaledb_information.jobs WHERE hypertable_name = 'candles' AND proc_name IN ('policy_compression', 'policy_columnstore')")
	q -c "SELECT alter_job($job, config => jsonb_set((SELECT config FROM timescaledb_information.jobs WHERE job_id = $job), '{compress_after}', '\"not an interval\"'), next_start => now())" >/dev/null
	for _ in $(seq 1 100); do
		[ "$(q -c "SELECT coalesce(total_failures, 0) FROM timescaledb_information.job_stats WHERE job_id = $job")" -gt 0 ] && break
		sleep 0.3
	done
	[ "$(q -c "SELECT coalesce(total_failures, 0) FROM timescaledb_information.job_stats WHERE job_id = $job")" -gt 0 ] ||
	    skip "TimescaleDB's scheduler did not run the job within 30 s"
	run tsm-compress status -F csv candles
	assert_status 0
	assert_output_has "$job,compression,candles,not an interval,"
	line=$(echo "$output" | grep "^$job,compression,")
	[ "$(echo "$line" | cut -d, -f7)" = Failed ]
	# The error the job logged, whatever it was on this server.
	err=$(q -c "SELECT err_message FROM timescaledb_information.job_errors WHERE job_id = $job ORDER BY start_time DESC LIMIT 1")
	[ -n "$err" ]
	assert_output_has "$(echo "$err" | sed 's/"/""/g')"
	assert_output_has "tsm-compress: warning: "
	assert_output_has "jobs failed their last run"
}

@test "native runs show in tsm-init --status" {
	only_backend native
	init_db --compress-after 30d
	load_candles 1 8 2024-01-01
	tsm-compress -q run candles
	run tsm-init --status -F csv
	assert_status 0
	assert_output_has ",compression,candles,30 days,tsm-compress,"
	assert_output_has ",success,"
}

@test "run where compression is unavailable says what is missing (TimescaleDB apache edition)" {
	only_backend timescaledb
	EXTRA_PG=$(mktemp -d "${TMPDIR:-/tmp}/tsm-apache.XXXXXX")
	chmod 755 "$EXTRA_PG"
	"$TSM_ROOT/scripts/pg" start "$EXTRA_PG"
	tsm-init -q -h "$EXTRA_PG" -d postgres --backend timescaledb
	# The server is later run with the Apache 2 edition only.
	echo "timescaledb.license = 'apache'" >>"$EXTRA_PG/data/postgresql.conf"
	"$TSM_ROOT/scripts/pg" stop "$EXTRA_PG"
	"$TSM_ROOT/scripts/pg" start "$EXTRA_PG"
	run tsm-compress -h "$EXTRA_PG" -d postgres run --older-than 7d
	assert_status 1
	assert_output_has "tsm-compress: error: compression is not available: TimescaleDB "
	assert_output_has " runs with timescaledb.license = apache, an edition without compression"
	assert_output_has "hint: set timescaledb.license = 'timescale' in postgresql.conf and restart the server"
	run tsm-compress -h "$EXTRA_PG" -d postgres status
	assert_status 0
	assert_output_has "columnstore (convert_to_columnstore), not in the apache edition"
}

@test "a schema name that needs quoting works" {
	require_backend
	new_db
	tsm-init -q --backend "$BACKEND" --schema 'Market "Data"; x'
	q -v schema='Market "Data"; x' -v ninst=1 -v days=8 -v start=2024-01-01 -f "$TSM_ROOT/scripts/gen-candles.sql" >/dev/null
	run tsm-compress --schema 'Market "Data"; x' run --older-than 30d candles
	assert_status 0
	assert_output_has "candles: 2 chunks compressed"
	run tsm-compress --schema 'Market "Data"; x' status -F csv candles
	assert_status 0
	assert_output_has "candles,candles,"
	[ "$(q -c "SELECT count(*) FROM \"Market \"\"Data\"\"; x\".candles_all")" = 11520 ]
}

@test "the reader reads compressed rows; the writer loads into them; neither compresses" {
	init_db --roles
	load_candles 1 15 2024-01-01
	tsm-compress -q run --older-than 30d candles
	before=$(dump)
	q -d postgres -c "DROP ROLE IF EXISTS c_reader" -c "DROP ROLE IF EXISTS c_writer"
	q -d postgres -c "CREATE ROLE c_reader LOGIN IN ROLE tsm_reader" \
	    -c "CREATE ROLE c_writer LOGIN IN ROLE tsm_writer"
	[ "$(q -U c_reader -c "SET extra_float_digits = 1" -c "SELECT * FROM (SELECT * FROM tsm.candles_all) t ORDER BY t::text")" = "$before" ]
	[ "$(q -U c_reader -c "SELECT count(*) FROM tsm.candles_range('2024-01-02', '2024-01-03')")" = 1440 ]
	if [ "$BACKEND" = native ]; then
		q -U c_writer -c "SELECT tsm.ensure_partitions('candles', '2024-01-02', '2024-01-02')" >/dev/null
	fi
	q -U c_writer -c "INSERT INTO tsm.candles SELECT instrument_id, timeframe, time, open, high * 2, low, close, volume, close_time, quote_volume, trades, taker_buy_volume, taker_buy_quote_volume FROM tsm.candles_range('2024-01-02', '2024-01-02 00:10') ON CONFLICT (instrument_id, timeframe, time) DO UPDATE SET high = excluded.high"
	[ "$(q -c "SELECT count(*) FROM tsm.candles_all")" = 21600 ]
	[ "$(q -c "SELECT count(*) FROM tsm.candles_range('2024-01-02', '2024-01-02 00:10') WHERE high > 1.5 * open")" = 10 ]
	run tsm-compress -U c_reader run --older-than 30d candles
	assert_status 1
	assert_output_has "permission denied"
	drop_db
	q -d postgres -c "DROP ROLE c_reader" -c "DROP ROLE c_writer"
}

@test "a chunk written to after compression is compressed again (TimescaleDB)" {
	only_backend timescaledb
	init_db
	load_candles 1 15 2024-01-01
	tsm-compress -q run --older-than 30d candles
	before=$(dump)
	q -c "INSERT INTO tsm.candles SELECT instrument_id, timeframe, time + interval '1 second', open, high, low, close, volume, close_time, quote_volume, trades, taker_buy_volume, taker_buy_quote_volume FROM tsm.candles WHERE time >= '2024-01-05' AND time < '2024-01-05 00:10'"
	[ "$(q -c "SELECT count(*) FROM _timescaledb_catalog.chunk c JOIN _timescaledb_catalog.hypertable h ON h.id = c.hypertable_id WHERE h.table_name = 'candles' AND c.status & 8 <> 0")" = 1 ]
	run tsm-compress run --older-than 30d candles
	assert_status 0
	assert_output_has "candles: 1 chunk compressed"
	[ "$(q -c "SELECT count(*) FROM _timescaledb_catalog.chunk c JOIN _timescaledb_catalog.hypertable h ON h.id = c.hypertable_id WHERE h.table_name = 'candles' AND c.status & 8 <> 0")" = 0 ]
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 21610 ]
}
