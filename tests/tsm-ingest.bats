#!/usr/bin/env bats
# tsm-ingest: every kind, the real files, checks and bad input with their
# exact messages, idempotency, aggregates, rejects, metrics, streams.

load helpers

teardown() {
	drop_db
}

H="time,open,high,low,close,volume"

# Loads candles of binance BTCUSDT 1m with the given arguments.
ingest_c() {
	tsm-ingest candles --exchange binance --symbol BTCUSDT --interval 1m "$@"
}

# A file of n 1m candles from 2024-01-01 (or n more minutes on), with a
# header.
candles_file() {
	local n=$1 f=$2 skip=${3:-0}
	{
		echo "$H"
		awk -v n="$n" -v s="$skip" 'BEGIN { for (i = 0; i < n; i++)
			printf "%d,%.2f,%.2f,%.2f,%.2f,%d\n", 1704067200 + 60 * (i + s),
			    100 + i % 7, 102 + i % 7, 99 + i % 7, 101 + i % 7, i % 13 }'
	} >"$f"
}

# Each rollup of candles against the same computed from the candles now,
# bucket for bucket.
rollups_exact() {
	local ts a n
	ts=$(q -c "SELECT CASE WHEN value = 'timescaledb' THEN (SELECT quote_literal(n.nspname) FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = 'timescaledb') ELSE 'NULL' END FROM tsm.meta WHERE key = 'backend'")
	for a in $(q -c "SELECT name FROM tsm.aggregates WHERE source = 'candles' ORDER BY name"); do
		n=$(q -c "CREATE TEMP TABLE want AS $(q -c "SELECT tsm.aggregate_query('$a', $ts)")" \
		    -c "SELECT count(*) FROM tsm.$a r FULL JOIN want w USING (instrument_id, time) WHERE r.time IS NULL OR w.time IS NULL OR r.open <> w.open OR r.close <> w.close OR r.high <> w.high OR r.low <> w.low OR r.bars <> w.bars OR r.volume <> w.volume")
		echo "$a: $n buckets differ" >&2
		[ "$n" = 0 ] || return 1
	done
}

# Every row of a table, to compare loads.
dump() {
	q -c "SELECT * FROM tsm.$1 ORDER BY 1, 2, 3"
}

# Skips a test whose real data file is absent, visibly.
need_data() {
	[ -f "$DATA/$1" ] || skip "$DATA/$1 is absent"
}

# ---- the command line ----

@test "--help goes to stdout, exits 0, and fits in 80 columns" {
	run tsm-ingest --help
	assert_status 0
	assert_output_has "Usage:"
	assert_output_has "tsm-ingest [OPTION]... KIND [FILE]..."
	long=$(tsm-ingest --help | awk 'length > 79' | wc -l)
	[ "$long" -eq 0 ]
}

@test "--version names the tool" {
	run tsm-ingest --version
	assert_status 0
	assert_output_has "tsm-ingest (tsm) "
}

@test "every option of --help is in the man page, and back" {
	for o in $(tsm-ingest --help | grep -o -- '--[a-z-]*' | sort -u); do
		grep -q -- "${o#--}" "$TSM_ROOT/man/tsm-ingest.1" ||
		    { echo "man page lacks $o"; return 1; }
	done
	for o in $(grep -o '^\.Fl -\?[a-z-]*' "$TSM_ROOT/man/tsm-ingest.1" |
	    awk '{print $2}' | sort -u); do
		tsm-ingest --help | grep -q -- "-${o#-}" ||
		    { echo "--help lacks $o"; return 1; }
	done
}

@test "usage errors exit 2 before connecting, with a hint" {
	export PGHOST=/nonexistent
	run tsm-ingest
	assert_status 2
	assert_output_has 'tsm-ingest: error: no kind given: candles, ticks, greeks'
	assert_output_has 'Try "tsm-ingest --help"'
	run tsm-ingest bonds
	assert_status 2
	assert_output_has 'unknown kind "bonds"'
	run tsm-ingest --frobnicate candles
	assert_status 2
	assert_output_has 'unknown option "--frobnicate"'
	run tsm-ingest --on-conflict=replace candles
	assert_status 2
	assert_output_has '--on-conflict takes update, nothing or error, not "replace"'
	run tsm-ingest -j 0 candles
	assert_status 2
	assert_output_has '--jobs takes a whole number from 1 to 32, not "0"'
	run tsm-ingest --batch-rows 1e4 candles
	assert_status 2
	assert_output_has '--batch-rows takes a whole number from 1 to 1000000, not "1e4"'
	run tsm-ingest --time-unit days candles
	assert_status 2
	assert_output_has '--time-unit takes s, ms, us or ns, not "days"'
	run tsm-ingest --tz Mars/Olympus candles
	assert_status 2
	assert_output_has '--tz: unknown time zone "Mars/Olympus"'
	run tsm-ingest --follow candles x.csv
	assert_status 2
	assert_output_has '--follow reads standard input: give no FILE'
	run tsm-ingest --flush-rows 10 candles
	assert_status 2
	assert_output_has '--flush-rows and --flush-interval need --follow'
	run tsm-ingest --follow --flush-interval 0s candles
	assert_status 2
	assert_output_has '--flush-interval takes a time from 1ms to 24h'
	run tsm-ingest candles --interval 30s
	assert_status 2
	assert_output_has '--interval: "30s" is not a timeframe'
	run tsm-ingest candles --kind bond
	assert_status 2
	assert_output_has '--kind: "bond" is not an instrument kind'
	run tsm-ingest ticks --interval 1m
	assert_status 2
	assert_output_has '--interval does not apply to ticks'
	run tsm-ingest candles --source x
	assert_status 2
	assert_output_has '--source does not apply to candles'
	run tsm-ingest candles --symbol ""
	assert_status 2
	assert_output_has '--symbol is empty'
}

@test "an unreachable server exits 3 and never shows the password" {
	candles_file 3 "$BATS_TEST_TMPDIR/c.csv"
	run ingest_c -d "postgresql://bob:s3cr3t@/nodb?host=/nonexistent" \
	    "$BATS_TEST_TMPDIR/c.csv"
	assert_status 3
	assert_output_has "could not connect"
	refute_output_has "s3cr3t"
}

@test "a database without the schema is refused with the way out" {
	require_backend
	new_db
	candles_file 3 "$BATS_TEST_TMPDIR/c.csv"
	run ingest_c "$BATS_TEST_TMPDIR/c.csv"
	assert_status 1
	assert_output_has 'schema "tsm" does not exist in database'
	assert_output_has 'hint: run tsm-init to create it'
}

# ---- the real files ----

@test "Binance kline files load with their exact row counts, a second load changes nothing" {
	need_data binance-futures-1m/AVAXUSDT-1m-2024-02.csv
	need_data binance-futures-1m/NEARUSDT-1m-2025-02.csv
	init_db
	run tsm-ingest candles --exchange binance --symbol AVAXUSDT --kind perpetual \
	    --interval 1m "$DATA/binance-futures-1m/AVAXUSDT-1m-2024-02.csv"
	assert_status 0
	assert_output_has "candles: 41760 rows read, 41760 inserted, 0 updated, 0 unchanged, 0 duplicates, 0 rejected"
	run tsm-ingest candles --exchange binance --symbol NEARUSDT --kind perpetual \
	    --interval 1m "$DATA/binance-futures-1m/NEARUSDT-1m-2025-02.csv"
	assert_status 0
	assert_output_has "40320 inserted"
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 82080 ]
	# The first row, exactly as the file has it.
	[ "$(q -c "SELECT open, high, low, close, volume, close_time, quote_volume, trades, taker_buy_volume, taker_buy_quote_volume FROM tsm.candles c JOIN tsm.instruments i ON i.id = c.instrument_id WHERE i.symbol = 'AVAXUSDT' AND i.kind = 'perpetual' ORDER BY time LIMIT 1")" = \
	    "33.173|33.278|33.148|33.264|31584|2024-02-01 00:00:59.999+00|1048736.686|2093|15886|527484.635" ]
	before=$(dump candles)
	run tsm-ingest candles --exchange binance --symbol AVAXUSDT --kind perpetual \
	    --interval 1m "$DATA/binance-futures-1m/AVAXUSDT-1m-2024-02.csv"
	assert_status 0
	assert_output_has "41760 rows read, 0 inserted, 0 updated, 41760 unchanged"
	[ "$(dump candles)" = "$before" ]
}

@test "ccxt-style exports with zone-less times load with their exact row counts" {
	need_data ohlcv-1m/BTCUSDT_1m_2021.csv
	need_data ohlcv-1m/ETHUSDT_1m_2021.csv
	init_db
	run tsm-ingest candles --exchange binance --symbol BTCUSDT --interval 1m \
	    "$DATA/ohlcv-1m/BTCUSDT_1m_2021.csv"
	assert_status 0
	assert_output_has "50000 rows read, 50000 inserted"
	run tsm-ingest candles --exchange binance --symbol ETHUSDT --interval 1m \
	    "$DATA/ohlcv-1m/ETHUSDT_1m_2021.csv"
	assert_status 0
	assert_output_has "50000 rows read, 50000 inserted"
	[ "$(q -c "SELECT min(time) FROM tsm.candles c JOIN tsm.instruments i ON i.id = c.instrument_id WHERE symbol = 'BTCUSDT'")" = "2021-03-26 03:00:00+00" ]
	# The exchange outage stays a gap: nothing is invented.
	[ "$(q -c "SELECT count(*) FROM tsm.candles WHERE time > '2021-04-20 01:59' AND time < '2021-04-20 04:30'")" = 0 ]
	before=$(dump candles)
	run tsm-ingest candles --exchange binance --symbol ETHUSDT --interval 1m \
	    "$DATA/ohlcv-1m/ETHUSDT_1m_2021.csv"
	assert_status 0
	assert_output_has "0 inserted, 0 updated, 50000 unchanged"
	[ "$(dump candles)" = "$before" ]
}

@test "the Binance trades file: 3000 rows, 1038 trades, duplicates merged and counted" {
	need_data trades/BTCUSDT_trades.csv
	init_db
	run tsm-ingest ticks --exchange binance --symbol BTCUSDT \
	    "$DATA/trades/BTCUSDT_trades.csv"
	assert_status 0
	assert_output_has "ticks: 3000 rows read, 1038 inserted, 0 updated, 0 unchanged, 1962 duplicates, 0 rejected"
	[ "$(q -c "SELECT count(*), count(DISTINCT trade_id) FROM tsm.ticks")" = "1038|1038" ]
	# isBuyerMaker True means the taker sold.
	[ "$(q -c "SELECT side FROM tsm.ticks WHERE trade_id = 4561955490")" = sell ]
	[ "$(q -c "SELECT time, price, qty, quote_qty FROM tsm.ticks WHERE trade_id = 4561955490")" = \
	    "2025-02-15 23:28:13.706+00|97594.05|0.00013|12.6872265" ]
	before=$(dump ticks)
	# In smaller batches, a repeat in a later batch is unchanged.
	run tsm-ingest ticks --exchange binance --symbol BTCUSDT -b 500 \
	    "$DATA/trades/BTCUSDT_trades.csv"
	assert_status 0
	assert_output_has "3000 rows read, 0 inserted, 0 updated, 3000 unchanged, 0 duplicates"
	[ "$(dump ticks)" = "$before" ]
}

# The state of the tables a load writes, rows and the transaction that
# wrote each (a row rewritten with the same values gets a new xmin), and
# the hourly aggregate; on plain PostgreSQL also the ranges waiting in
# the log.
digest() {
	q -c "SELECT (SELECT count(*) || ' ' || md5(string_agg(c.xmin || ' ' || c::text, E'\n' ORDER BY c.instrument_id, c.timeframe, c.time)) FROM tsm.candles c),
	    (SELECT count(*) || ' ' || md5(string_agg(t.xmin || ' ' || t::text, E'\n' ORDER BY t.instrument_id, t.trade_id)) FROM tsm.ticks t),
	    (SELECT md5(string_agg(a::text, E'\n' ORDER BY a.instrument_id, a.time)) FROM tsm.candles_1h a)"
	if [ "$BACKEND" = native ]; then
		q -c "SELECT count(*) FROM tsm.invalidations"
	fi
}

# Loads one file of $DATA by where it lies; its symbol is in its name.
# Sets output and status.
load_data_file() {
	local f=$1 name=${1##*/}
	case $f in
	*/binance-futures-1m/*)
		run tsm-ingest candles --exchange binance --kind perpetual \
		    --symbol "${name%%-*}" --interval 1m "$f" ;;
	*/ohlcv-1m/*)
		run tsm-ingest candles --exchange binance --symbol "${name%%_*}" \
		    --interval 1m "$f" ;;
	*/trades/*)
		run tsm-ingest ticks --exchange binance --symbol "${name%%_*}" "$f" ;;
	esac
}

# The rows file f holds, counted from the file itself: its lines but the
# header, or for trades its distinct trade ids (the export repeats rows).
rows_in_file() {
	case $1 in
	*/trades/*) tail -n +2 "$1" | cut -d, -f1 | sort -u | wc -l ;;
	*) tail -n +2 "$1" | grep -c . ;;
	esac
}

# The rows the table holds for the instrument of file f.
rows_in_table() {
	local f=$1 name=${1##*/}
	case $f in
	*/binance-futures-1m/*)
		q -c "SELECT count(*) FROM tsm.candles c JOIN tsm.instruments i ON i.id = c.instrument_id WHERE i.symbol = '${name%%-*}' AND i.kind = 'perpetual'" ;;
	*/ohlcv-1m/*)
		q -c "SELECT count(*) FROM tsm.candles c JOIN tsm.instruments i ON i.id = c.instrument_id WHERE i.symbol = '${name%%_*}' AND i.kind <> 'perpetual'" ;;
	*/trades/*)
		q -c "SELECT count(*) FROM tsm.ticks t JOIN tsm.instruments i ON i.id = t.instrument_id WHERE i.symbol = '${name%%_*}'" ;;
	esac
}

@test "every data file loads with the exact row count it holds; loading them all again changes nothing" {
	local files=() f n expect
	for f in "$DATA"/binance-futures-1m/*.csv "$DATA"/ohlcv-1m/*.csv \
	    "$DATA"/trades/*.csv; do
		[ -f "$f" ] && files+=("$f")
	done
	# The files SOURCES.md describes, with the rows it says they hold.
	for f in binance-futures-1m/AVAXUSDT-1m-2024-02.csv:41760 \
	    binance-futures-1m/NEARUSDT-1m-2025-02.csv:40320 \
	    ohlcv-1m/BTCUSDT_1m_2021.csv:50000 ohlcv-1m/ETHUSDT_1m_2021.csv:50000 \
	    trades/BTCUSDT_trades.csv:1038; do
		need_data "${f%:*}"
		[ "$(rows_in_file "$DATA/${f%:*}")" = "${f#*:}" ]
	done
	init_db
	for f in "${files[@]}"; do
		n=$(tail -n +2 "$f" | grep -c .)
		expect=$(rows_in_file "$f")
		load_data_file "$f"
		assert_status 0
		assert_output_has ": $n rows read, $expect inserted, 0 updated, 0 unchanged, $((n - expect)) duplicates, 0 rejected"
		[ "$(rows_in_table "$f")" = "$expect" ] ||
		    { echo "$f: $(rows_in_table "$f") rows in the table, $expect in the file"; return 1; }
	done
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 182080 ]
	[ "$(q -c "SELECT count(*) FROM tsm.ticks")" = 1038 ]
	[ "$(q -c "SELECT sum(bars) FROM tsm.candles_1h")" = 182080 ]
	if [ "$BACKEND" = native ]; then
		# The rollups are current, so nothing waits in the log.
		[ "$(q -c "SELECT count(*) FROM tsm.invalidations")" = 0 ]
	fi
	before=$(digest)
	for f in "${files[@]}"; do
		n=$(tail -n +2 "$f" | grep -c .)
		expect=$(rows_in_file "$f")
		load_data_file "$f"
		assert_status 0
		assert_output_has ": $n rows read, 0 inserted, 0 updated, $expect unchanged, $((n - expect)) duplicates, 0 rejected"
	done
	[ "$(digest)" = "$before" ]
}

# ---- layouts ----

@test "headerless Binance files: 12 columns are klines, 6 are time and OHLCV" {
	need_data binance-futures-1m/AVAXUSDT-1m-2024-02.csv
	init_db
	tail -n +2 "$DATA/binance-futures-1m/AVAXUSDT-1m-2024-02.csv" | head -100 >"$BATS_TEST_TMPDIR/k.csv"
	run ingest_c "$BATS_TEST_TMPDIR/k.csv"
	assert_status 0
	assert_output_has "100 rows read, 100 inserted"
	[ "$(q -c "SELECT count(*) FROM tsm.candles WHERE trades IS NOT NULL AND close_time IS NOT NULL")" = 100 ]
	cut -d, -f1-6 "$BATS_TEST_TMPDIR/k.csv" | sed 's/^\(1706[0-9]*\)000,/\1,/' >"$BATS_TEST_TMPDIR/six.csv"
	run tsm-ingest candles --exchange binance --symbol SIX --interval 1m "$BATS_TEST_TMPDIR/six.csv"
	assert_status 0
	assert_output_has "100 inserted"
}

@test "a header is matched in any case and with aliases; ignore is dropped quietly" {
	init_db
	printf 'Timestamp,O,HIGH,low,Close,Vol,Ignore\n1704067200000,1,2,0.5,1.5,3,0\n' >"$BATS_TEST_TMPDIR/a.csv"
	run ingest_c "$BATS_TEST_TMPDIR/a.csv"
	assert_status 0
	refute_output_has "ignoring"
	[ "$(q -c "SELECT open, high, low, close, volume FROM tsm.candles")" = "1|2|0.5|1.5|3" ]
}

@test "--columns names a headerless file; an empty name skips a field" {
	init_db
	printf '1704067200,x,1,2,0.5,1.5,3\n' >"$BATS_TEST_TMPDIR/a.csv"
	run ingest_c --columns "time,,open,high,low,close,volume" "$BATS_TEST_TMPDIR/a.csv"
	assert_status 0
	[ "$(q -c "SELECT time, close FROM tsm.candles")" = "2024-01-01 00:00:00+00|1.5" ]
}

@test "a file without header, layout or --columns is refused before connecting" {
	printf '2024-01-01,1,2\n' >"$BATS_TEST_TMPDIR/a.csv"
	run ingest_c -h /nonexistent "$BATS_TEST_TMPDIR/a.csv"
	assert_status 1
	assert_output_has "\"$BATS_TEST_TMPDIR/a.csv\" line 1: the first line is not a header, and --columns is not given"
	assert_output_has "hint: name the columns"
}

@test "a required column that is missing is refused before connecting" {
	printf 'time,open,high,low\n2024-01-01,1,2,0.5\n' >"$BATS_TEST_TMPDIR/a.csv"
	run ingest_c -h /nonexistent "$BATS_TEST_TMPDIR/a.csv"
	assert_status 1
	assert_output_has 'no column for "close": the header has time, open, high, low'
	printf "$H\n2024-01-01,1,2,0.5,1,1\n" >"$BATS_TEST_TMPDIR/b.csv"
	run tsm-ingest candles --exchange binance --interval 1m -h /nonexistent "$BATS_TEST_TMPDIR/b.csv"
	assert_status 1
	assert_output_has 'no column for "symbol": the header has time, open, high, low, close, volume, and --symbol is not given'
	assert_output_has 'hint: give --symbol, or a column named symbol'
	printf "symbol,$H\nX,2024-01-01,1,2,0.5,1,1\n" >"$BATS_TEST_TMPDIR/c.csv"
	run ingest_c -h /nonexistent "$BATS_TEST_TMPDIR/c.csv"
	assert_status 1
	assert_output_has '--symbol and column "symbol" both give the symbol'
}

@test "unknown header names are ignored with a note; duplicate ones are refused" {
	init_db
	printf "$H,comment\n2024-01-01,1,2,0.5,1,1,hi\n" >"$BATS_TEST_TMPDIR/a.csv"
	run ingest_c "$BATS_TEST_TMPDIR/a.csv"
	assert_status 0
	assert_output_has 'tsm-ingest: ignoring column "comment"'
	printf 'time,open,high,low,close,timestamp\n2024-01-01,1,2,0.5,1,1\n' >"$BATS_TEST_TMPDIR/b.csv"
	run ingest_c "$BATS_TEST_TMPDIR/b.csv"
	assert_status 1
	assert_output_has 'tsm-ingest: error: columns "time" and "timestamp" both name "time"'
	printf 'time,open,open,low,close\n2024-01-01,1,2,0.5,1\n' >"$BATS_TEST_TMPDIR/c.csv"
	run ingest_c "$BATS_TEST_TMPDIR/c.csv"
	assert_status 1
	assert_output_has 'columns "open" and "open" both name "open"'
}

@test "an empty file is an error; a header alone loads nothing, with a warning" {
	init_db
	: >"$BATS_TEST_TMPDIR/empty.csv"
	run ingest_c "$BATS_TEST_TMPDIR/empty.csv"
	assert_status 1
	assert_output_has "tsm-ingest: error: \"$BATS_TEST_TMPDIR/empty.csv\" is empty: no header and no rows"
	printf "$H\n" >"$BATS_TEST_TMPDIR/h.csv"
	run ingest_c "$BATS_TEST_TMPDIR/h.csv"
	assert_status 0
	assert_output_has "warning: \"$BATS_TEST_TMPDIR/h.csv\" holds a header and no rows"
	assert_output_has "candles: 0 rows read"
}

# ---- bad rows, each with its exact message ----

# Loads one bad row after a good one (lines 2 and 3) and checks the message.
bad_row() {
	local row=$1 want=$2
	printf "$H\n2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n%s\n" "$row" >"$BATS_TEST_TMPDIR/bad.csv"
	run ingest_c "$BATS_TEST_TMPDIR/bad.csv"
	assert_status 1
	assert_output_has "tsm-ingest: error: \"$BATS_TEST_TMPDIR/bad.csv\" line 3$want"
	assert_output_has "detail: nothing was committed; the rows from line 2 on were not written"
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 0 ]
}

@test "bad values are refused with line, column, value and reason" {
	init_db
	bad_row '2024-01-01T00:01:00Z,1,2,0.5,1.5' ': has 5 fields where the header has 6'
	bad_row '2024-01-01T00:01:00Z,1,2,0.5,,10' ', column "close" is empty'
	bad_row '2024-01-01T00:01:00Z,1,two,0.5,1.5,10' ', column "high": "two" is not a number'
	bad_row '2024-01-01T00:01:00Z,1,"1,5",0.5,1.5,10' ', column "high": "1,5" uses a comma as decimal separator'
	bad_row '2024-01-01T00:01:00Z,1,NaN,0.5,1.5,10' ', column "high": "NaN" is not finite'
	bad_row '2024-01-01T00:01:00Z,1,2,0.5,1.5,Infinity' ', column "volume": "Infinity" is not finite'
	bad_row '2024-01-01T00:01:00Z,1,2,0.5,1.5,-5' ', column "volume": "-5" is negative'
	bad_row '2024-01-01T00:01:00Z,0,2,0.5,1.5,5' ', column "open": "0" is not above 0'
	bad_row '2024-01-01T00:01:00Z,1,0.4,0.5,0.45,5' ', column "high": "0.4" is below low "0.5"'
	bad_row '2024-01-01T00:01:00Z,1,1.2,0.5,1.5,5' ', column "high": "1.2" is below close "1.5"'
	bad_row '2024-01-01T00:01:00Z,1,2,1.1,1.5,5' ', column "low": "1.1" is above open "1"'
	bad_row '2024-01-01T00:01:30Z,1,2,0.5,1.5,5' ', column "time": "2024-01-01T00:01:30Z" is not on the 1m grid (it reads as 2024-01-01T00:01:30Z; that candle starts at 2024-01-01T00:01:00Z)'
	bad_row '2024-13-01T00:01:00Z,1,2,0.5,1.5,5' ', column "time": "2024-13-01T00:01:00Z" has a month out of range (01 to 12)'
	bad_row '12345678901234567890,1,2,0.5,1.5,5' ', column "time": "12345678901234567890" is out of range as an epoch number (at most 19 digits)'
}

@test "the first bad row stops the load: earlier batches stay, its batch is not written" {
	init_db
	candles_file 25 "$BATS_TEST_TMPDIR/c.csv"
	sed -i '23s/,[0-9]*$/,-1/' "$BATS_TEST_TMPDIR/c.csv"
	run ingest_c -b 10 "$BATS_TEST_TMPDIR/c.csv"
	assert_status 1
	assert_output_has "line 23, column \"volume\": \"-1\" is negative"
	assert_output_has "detail: 20 rows were committed in 2 batches; the rows from line 22 on were not written"
	assert_output_has "hint: running the same command again is safe"
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 20 ]
}

@test "times: zone-less is UTC (or --tz), offsets are honoured, --time-unit" {
	init_db
	printf "$H\n2024-01-01 00:00:00,1,2,0.5,1,5\n2024-01-01T06:31:00+05:30,1,2,0.5,1,5\n2024-01-01T00:02:00-04:00,1,2,0.5,1,5\n" >"$BATS_TEST_TMPDIR/z.csv"
	run ingest_c "$BATS_TEST_TMPDIR/z.csv"
	assert_status 0
	[ "$(q -c "SELECT string_agg(time::text, ' ' ORDER BY time) FROM tsm.candles")" = \
	    "2024-01-01 00:00:00+00 2024-01-01 01:01:00+00 2024-01-01 04:02:00+00" ]
	printf "$H\n2024-07-01 12:00,1,2,0.5,1,5\n" >"$BATS_TEST_TMPDIR/ny.csv"
	run tsm-ingest candles --exchange x --symbol NY --interval 1m --tz America/New_York "$BATS_TEST_TMPDIR/ny.csv"
	assert_status 0
	[ "$(q -c "SELECT c.time FROM tsm.candles c JOIN tsm.instruments i ON i.id = c.instrument_id WHERE symbol = 'NY'")" = "2024-07-01 16:00:00+00" ]
	printf "$H\n1704067200,1,2,0.5,1,5\n" >"$BATS_TEST_TMPDIR/ms.csv"
	run tsm-ingest candles --exchange x --symbol MS --interval 1m --time-unit ms "$BATS_TEST_TMPDIR/ms.csv"
	assert_status 1
	assert_output_has '"1704067200" is not on the 1m grid (it reads as 1970-01-20T17:21:07.2Z;'
	printf "$H\n1704067200000000,1,2,0.5,1,5\n" >"$BATS_TEST_TMPDIR/ms.csv"
	run tsm-ingest candles --exchange x --symbol MS --interval 1m --time-unit ms "$BATS_TEST_TMPDIR/ms.csv"
	assert_status 1
	assert_output_has 'is out of range (years 0001 to 9999)'
	printf "$H\n1704067200000000,1,2,0.5,1,5\n" >"$BATS_TEST_TMPDIR/us.csv"
	run tsm-ingest candles --exchange x --symbol US --interval 1m --time-unit us "$BATS_TEST_TMPDIR/us.csv"
	assert_status 0
	[ "$(q -c "SELECT c.time FROM tsm.candles c JOIN tsm.instruments i ON i.id = c.instrument_id WHERE symbol = 'US'")" = "2024-01-01 00:00:00+00" ]
}

@test "10, 13, 16 and 19 digit epochs are one instant" {
	init_db
	for e in 1704067200 1704067200000 1704067200000000 1704067200000000000; do
		printf "$H\n$e,1,2,0.5,1,${#e}\n" >"$BATS_TEST_TMPDIR/e.csv"
		run ingest_c "$BATS_TEST_TMPDIR/e.csv"
		assert_status 0
		[ "$(q -c "SELECT time, volume FROM tsm.candles")" = "2024-01-01 00:00:00+00|${#e}" ]
	done
}

@test "rows out of order load, and aggregates see them all" {
	init_db
	candles_file 300 "$BATS_TEST_TMPDIR/c.csv"
	{ head -1 "$BATS_TEST_TMPDIR/c.csv"; tail -n +2 "$BATS_TEST_TMPDIR/c.csv" | sort -t, -k6,6n -k1,1r; } >"$BATS_TEST_TMPDIR/s.csv"
	run ingest_c -b 50 "$BATS_TEST_TMPDIR/s.csv"
	assert_status 0
	assert_output_has "300 rows read, 300 inserted"
	[ "$(q -c "SELECT sum(volume) FROM tsm.candles_1h")" = "$(q -c "SELECT sum(volume) FROM tsm.candles")" ]
	[ "$(q -c "SELECT sum(bars) FROM tsm.candles_5m")" = 300 ]
}

@test "duplicate rows inside one file: the last one wins, counted as duplicates" {
	init_db
	printf "$H\n2024-01-01T00:00:00Z,1,2,0.5,1,5\n2024-01-01T00:01:00Z,1,2,0.5,1,5\n2024-01-01T00:00:00Z,1,2,0.5,1,7\n" >"$BATS_TEST_TMPDIR/d.csv"
	run ingest_c "$BATS_TEST_TMPDIR/d.csv"
	assert_status 0
	assert_output_has "3 rows read, 2 inserted, 0 updated, 0 unchanged, 1 duplicate, 0 rejected"
	[ "$(q -c "SELECT volume FROM tsm.candles WHERE time = '2024-01-01'")" = 7 ]
	run ingest_c --on-conflict nothing "$BATS_TEST_TMPDIR/d.csv"
	assert_status 0
	assert_output_has "3 rows read, 0 inserted, 0 updated, 2 unchanged, 1 duplicate"
	[ "$(q -c "SELECT volume FROM tsm.candles WHERE time = '2024-01-01'")" = 7 ]
	run ingest_c --on-conflict error "$BATS_TEST_TMPDIR/d.csv"
	assert_status 1
	assert_output_has "\"$BATS_TEST_TMPDIR/d.csv\" line 4: repeats the key of line 2, and --on-conflict=error is given"
}

@test "--on-conflict: update replaces changed rows only, nothing keeps them, error refuses" {
	init_db
	candles_file 20 "$BATS_TEST_TMPDIR/c.csv"
	ingest_c -q "$BATS_TEST_TMPDIR/c.csv"
	sed -i '5s/,[0-9]*$/,99/' "$BATS_TEST_TMPDIR/c.csv"
	run ingest_c --on-conflict nothing "$BATS_TEST_TMPDIR/c.csv"
	assert_status 0
	assert_output_has "20 rows read, 0 inserted, 0 updated, 20 unchanged"
	[ "$(q -c "SELECT count(*) FROM tsm.candles WHERE volume = 99")" = 0 ]
	run ingest_c "$BATS_TEST_TMPDIR/c.csv"
	assert_status 0
	assert_output_has "20 rows read, 0 inserted, 1 updated, 19 unchanged"
	[ "$(q -c "SELECT count(*) FROM tsm.candles WHERE volume = 99")" = 1 ]
	[ "$(q -c "SELECT sum(volume) FROM tsm.candles_1h")" = "$(q -c "SELECT sum(volume) FROM tsm.candles")" ]
	run ingest_c --on-conflict error "$BATS_TEST_TMPDIR/c.csv"
	assert_status 1
	assert_output_has "\"$BATS_TEST_TMPDIR/c.csv\" line 2: the key of this row is already in the table, and --on-conflict=error is given"
	assert_output_has "detail: nothing was committed"
}

@test "a file without quote_volume leaves the stored quote_volume alone" {
	need_data binance-futures-1m/AVAXUSDT-1m-2024-02.csv
	init_db
	head -3 "$DATA/binance-futures-1m/AVAXUSDT-1m-2024-02.csv" >"$BATS_TEST_TMPDIR/k.csv"
	ingest_c -q "$BATS_TEST_TMPDIR/k.csv"
	cut -d, -f1-6 "$BATS_TEST_TMPDIR/k.csv" | sed '3s/,31584$/,31585/;2s/,31584$/,31585/' >"$BATS_TEST_TMPDIR/six.csv"
	run ingest_c "$BATS_TEST_TMPDIR/six.csv"
	assert_status 0
	assert_output_has "1 updated, 1 unchanged"
	[ "$(q -c "SELECT volume, quote_volume FROM tsm.candles ORDER BY time LIMIT 1")" = "31585|1048736.686" ]
}

# ---- what lies around the rows ----

@test "a 1 MB line is refused, with what was committed" {
	init_db
	{ printf "$H\n2024-01-01T00:00:00Z,1,2,0.5,1,"; head -c 1048576 /dev/zero | tr '\0' 7; echo; } >"$BATS_TEST_TMPDIR/big.csv"
	run ingest_c "$BATS_TEST_TMPDIR/big.csv"
	assert_status 1
	assert_output_has "\"$BATS_TEST_TMPDIR/big.csv\" line 2: a record is longer than 65536 bytes"
	assert_output_has "detail: nothing was committed"
}

@test "invalid UTF-8 is refused with line and column" {
	init_db
	printf "$H\n2024-01-01T00:00:00Z,1,2,0.5,1,5\n2024-01-01T00:01:00Z,1,2,0.5,1,\xff5\n" >"$BATS_TEST_TMPDIR/u.csv"
	run ingest_c "$BATS_TEST_TMPDIR/u.csv"
	assert_status 1
	assert_output_has "\"$BATS_TEST_TMPDIR/u.csv\" line 3, column 32: invalid UTF-8 (byte 0xff)"
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 0 ]
}

@test "CRLF line ends and a byte-order mark are read as they should be" {
	init_db
	printf "\xef\xbb\xbf$H\r\n2024-01-01T00:00:00Z,1,2,0.5,1,5\r\n2024-01-01T00:01:00Z,1,2,0.5,1,6\r\n" >"$BATS_TEST_TMPDIR/w.csv"
	run ingest_c "$BATS_TEST_TMPDIR/w.csv"
	assert_status 0
	assert_output_has "2 rows read, 2 inserted"
	[ "$(q -c "SELECT sum(volume) FROM tsm.candles")" = 11 ]
}

@test "symbols holding quotes, semicolons and backslashes are stored as they are" {
	init_db
	printf "symbol,$H\n\"a\"\"b;c\\\\d'); DROP TABLE x; --\",2024-01-01T00:00:00Z,1,2,0.5,1,5\nBTC/USDT,2024-01-01T00:00:00Z,1,2,0.5,1,5\n" >"$BATS_TEST_TMPDIR/s.csv"
	run tsm-ingest candles --exchange binance --interval 1m "$BATS_TEST_TMPDIR/s.csv"
	assert_status 0
	assert_output_has "2 new instruments made"
	[ "$(q -c "SELECT symbol FROM tsm.instruments ORDER BY id LIMIT 1")" = "a\"b;c\\d'); DROP TABLE x; --" ]
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 2 ]
}

@test "--no-create refuses an unknown instrument by line" {
	init_db
	candles_file 2 "$BATS_TEST_TMPDIR/c.csv"
	run tsm-ingest candles --exchange binance --symbol NOPE --interval 1m --no-create "$BATS_TEST_TMPDIR/c.csv"
	assert_status 1
	assert_output_has "line 2, column \"symbol\": \"NOPE\" is not a known instrument (binance, spot), and --no-create is given"
	[ "$(q -c "SELECT count(*) FROM tsm.instruments")" = 0 ]
}

@test "a file that ends in the middle of a row: the partial row is refused" {
	init_db
	printf "$H\n2024-01-01T00:00:00Z,1,2,0.5,1,5\n2024-01-01T00:01:00Z,1,2" >"$BATS_TEST_TMPDIR/m.csv"
	run ingest_c "$BATS_TEST_TMPDIR/m.csv"
	assert_status 1
	assert_output_has "line 3: has 3 fields where the header has 6"
}

@test "a writer that closes the pipe mid-stream: the partial row is refused" {
	init_db
	run bash -c "printf '$H\n2024-01-01T00:00:00Z,1,2,0.5,1,5\n2024-01-01T00:01:00Z,1,2,0.5,1,5' | tsm-ingest candles --follow --exchange binance --symbol BTCUSDT --interval 1m"
	assert_status 1
	assert_output_has "stdin line 3: the input ends in the middle of a row (no line end)"
	assert_output_has "detail: 1 row was committed in 1 batch; the rows from line 3 on were not written"
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 1 ]
}

@test "gzip is detected; a truncated gzip file is refused with what was committed" {
	init_db
	candles_file 3000 "$BATS_TEST_TMPDIR/c.csv"
	gzip -c "$BATS_TEST_TMPDIR/c.csv" >"$BATS_TEST_TMPDIR/c.csv.gz"
	run ingest_c "$BATS_TEST_TMPDIR/c.csv.gz"
	assert_status 0
	assert_output_has "3000 rows read, 3000 inserted"
	head -c $(($(stat -c %s "$BATS_TEST_TMPDIR/c.csv.gz") * 3 / 4)) "$BATS_TEST_TMPDIR/c.csv.gz" >"$BATS_TEST_TMPDIR/t.csv.gz"
	run tsm-ingest candles --exchange binance --symbol T --interval 1m -b 1000 "$BATS_TEST_TMPDIR/t.csv.gz"
	assert_status 1
	assert_output_has "tsm-ingest: error: \"$BATS_TEST_TMPDIR/t.csv.gz\" is a truncated or damaged gzip file"
	assert_output_has "rows were committed in"
}

@test "standard input, - and several files; files with other columns are refused" {
	init_db
	candles_file 10 "$BATS_TEST_TMPDIR/a.csv"
	candles_file 10 "$BATS_TEST_TMPDIR/b.csv" 10
	run bash -c "cat '$BATS_TEST_TMPDIR/a.csv' | tsm-ingest candles --exchange binance --symbol BTCUSDT --interval 1m - '$BATS_TEST_TMPDIR/b.csv'"
	assert_status 0
	assert_output_has "20 rows read, 20 inserted"
	printf 'time,open,high,low,close\n2024-01-01,1,2,0.5,1\n' >"$BATS_TEST_TMPDIR/c.csv"
	run ingest_c "$BATS_TEST_TMPDIR/a.csv" "$BATS_TEST_TMPDIR/c.csv"
	assert_status 1
	assert_output_has "\"$BATS_TEST_TMPDIR/c.csv\" has other columns than \"$BATS_TEST_TMPDIR/a.csv\""
}

@test "--tsv reads PostgreSQL's text format, \\N as NULL" {
	init_db
	printf 'time\topen\thigh\tlow\tclose\tvolume\tquote_volume\n2024-01-01T00:00:00Z\t1\t2\t0.5\t1\t5\t\\N\n' >"$BATS_TEST_TMPDIR/t.tsv"
	run ingest_c --tsv "$BATS_TEST_TMPDIR/t.tsv"
	assert_status 0
	[ "$(q -c "SELECT quote_volume IS NULL, volume FROM tsm.candles")" = "t|5" ]
}

# ---- rejects and metrics ----

@test "--rejects writes each bad row with line and reason, loads the rest, exits 4" {
	init_db
	printf "$H\n2024-02-01T00:00:00Z,1,2,0.5,1,5\n2024-02-01T00:01:00Z,1,abc,0.5,1,5\n2024-02-01T00:02:00Z,1,2,0.5,1,-1\n2024-02-01T00:03:00Z,1,2,0.5,1,5\n" >"$BATS_TEST_TMPDIR/r.csv"
	run ingest_c --rejects "$BATS_TEST_TMPDIR/rej.csv" "$BATS_TEST_TMPDIR/r.csv"
	assert_status 4
	assert_output_has "4 rows read, 2 inserted, 0 updated, 0 unchanged, 0 duplicates, 2 rejected"
	[ "$(cat "$BATS_TEST_TMPDIR/rej.csv")" = "input,line,reason,record
$BATS_TEST_TMPDIR/r.csv,3,\"column \"\"high\"\": \"\"abc\"\" is not a number\",\"2024-02-01T00:01:00Z,1,abc,0.5,1,5\"
$BATS_TEST_TMPDIR/r.csv,4,\"column \"\"volume\"\": \"\"-1\"\" is negative\",\"2024-02-01T00:02:00Z,1,2,0.5,1,-1\"" ]
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 2 ]
	run ingest_c --max-rejects 1 --rejects "$BATS_TEST_TMPDIR/rej2.csv" "$BATS_TEST_TMPDIR/r.csv"
	assert_status 1
	assert_output_has "line 4, column \"volume\": \"-1\" is negative"
	assert_output_has "detail: this is rejected row 2, and --max-rejects is 1"
	run ingest_c --max-rejects 2 "$BATS_TEST_TMPDIR/r.csv"
	assert_status 4
	assert_output_has "warning: \"$BATS_TEST_TMPDIR/r.csv\" line 3, column \"high\": \"abc\" is not a number (rejected)"
}

@test "--metrics-file writes the figures for Prometheus, atomically, mode 0644" {
	init_db
	candles_file 5 "$BATS_TEST_TMPDIR/c.csv"
	umask 077
	run ingest_c -q --metrics-file "$BATS_TEST_TMPDIR/tsm_load.prom" "$BATS_TEST_TMPDIR/c.csv"
	assert_status 0
	[ -z "$output" ]
	f=$BATS_TEST_TMPDIR/tsm_load.prom
	[ "$(stat -c %a "$f")" = 644 ]
	grep -qx 'tsm_ingest_rows{job="tsm_load",kind="candles",outcome="inserted"} 5' "$f"
	grep -qx 'tsm_ingest_exit_status{job="tsm_load",kind="candles"} 0' "$f"
	grep -qx 'tsm_ingest_success{job="tsm_load",kind="candles"} 1' "$f"
	grep -qx '# TYPE tsm_ingest_rows gauge' "$f"
	[ "$(ls "$BATS_TEST_TMPDIR" | grep -c tmp)" = 0 ]
	printf "$H\n2024-01-01,1,x,1,1,1\n" >"$BATS_TEST_TMPDIR/bad.csv"
	run ingest_c --metrics-file "$f" "$BATS_TEST_TMPDIR/bad.csv"
	assert_status 1
	grep -qx 'tsm_ingest_success{job="tsm_load",kind="candles"} 0' "$f"
}

# ---- aggregates ----

@test "aggregates are current right after a load, old data included" {
	init_db
	candles_file 1500 "$BATS_TEST_TMPDIR/c.csv"
	run ingest_c "$BATS_TEST_TMPDIR/c.csv"
	assert_status 0
	want=$(q -c "SELECT count(*), sum(volume), max(high), min(low) FROM tsm.candles")
	for a in 5m 15m 1h 4h 1d; do
		[ "$(q -c "SELECT sum(bars), sum(volume), max(high), min(low) FROM tsm.candles_$a")" = "$want" ] ||
		    { echo "candles_$a is stale"; return 1; }
	done
	# The first open and the last close of the hour (minute 59: 59 %% 7 = 3).
	[ "$(q -c "SELECT open, close FROM tsm.candles_1h ORDER BY time LIMIT 1")" = "100|104" ]
	# Recent rows, then older ones: both show in the aggregates.
	now=$(q -c "SELECT extract(epoch FROM date_trunc('minute', now() - interval '10 minutes'))::bigint")
	printf "$H\n$now,5,6,4,5,2\n" >"$BATS_TEST_TMPDIR/now.csv"
	ingest_c -q "$BATS_TEST_TMPDIR/now.csv"
	printf "$H\n1600000020,5,6,4,5,3\n" >"$BATS_TEST_TMPDIR/old.csv"
	ingest_c -q "--columns=$H" "$BATS_TEST_TMPDIR/old.csv"
	[ "$(q -c "SELECT sum(volume) FROM tsm.candles_1d")" = "$(q -c "SELECT sum(volume) FROM tsm.candles")" ]
}

@test "every rollup is what the candles give, bucket for bucket, after inserts, updates and re-loads" {
	init_db
	candles_file 3000 "$BATS_TEST_TMPDIR/c.csv"
	# Minutes 2500 to 3499: 500 stored with other values, 500 new.
	candles_file 1000 "$BATS_TEST_TMPDIR/d.csv" 2500
	run ingest_c --batch-rows 700 "$BATS_TEST_TMPDIR/c.csv"
	assert_status 0
	run ingest_c --batch-rows 300 "$BATS_TEST_TMPDIR/d.csv"
	assert_status 0
	assert_output_has "1000 rows read, 500 inserted, 500 updated, 0 unchanged"
	run ingest_c --batch-rows 700 "$BATS_TEST_TMPDIR/c.csv"
	assert_status 0
	assert_output_has "3000 rows read, 0 inserted, 500 updated, 2500 unchanged"
	rollups_exact
	[ "$(q -c "SELECT sum(bars) FROM tsm.candles_1d")" = 3500 ]
	if [ "$BACKEND" = native ]; then
		[ "$(q -c "SELECT count(*) FROM tsm.invalidations")" = 0 ]
	fi
}

@test "a long load refreshed behind it leaves every rollup exact, whenever it ends" {
	init_db
	# 100 batches: the refresh thread runs passes while the load goes
	# on (on TimescaleDB two aggregates at a time), and the load may end
	# in the middle of one, leaving its other aggregates to the last
	# refresh.  Whichever way it ends, nothing may be missing.
	candles_file 60000 "$BATS_TEST_TMPDIR/c.csv"
	run ingest_c --batch-rows 600 "$BATS_TEST_TMPDIR/c.csv"
	assert_status 0
	assert_output_has "60000 rows read, 60000 inserted"
	rollups_exact
	[ "$(q -c "SELECT sum(bars) FROM tsm.candles_1d")" = 60000 ]
}

@test "native: partitions are made for old data; TimescaleDB: no partitions needed" {
	init_db
	printf "$H\n1999-03-01T00:00:00Z,1,2,0.5,1,5\n" >"$BATS_TEST_TMPDIR/o.csv"
	run ingest_c "$BATS_TEST_TMPDIR/o.csv"
	assert_status 0
	[ "$(q -c "SELECT count(*) FROM tsm.candles WHERE time = '1999-03-01'")" = 1 ]
	if [ "$BACKEND" = native ]; then
		[ "$(q -c "SELECT count(*) FROM tsm.partitions WHERE kind = 'candles' AND lo <= '1999-03-01' AND hi > '1999-03-01'")" = 1 ]
	fi
}

@test "a writer role loads; where it may not refresh an aggregate it is told what to do" {
	init_db --roles
	q -d postgres -c "DROP ROLE IF EXISTS ingest_w" -c "CREATE ROLE ingest_w LOGIN IN ROLE tsm_writer"
	candles_file 100 "$BATS_TEST_TMPDIR/c.csv"
	run ingest_c -U ingest_w "$BATS_TEST_TMPDIR/c.csv"
	if [ "$BACKEND" = native ]; then
		assert_status 0
		[ "$(q -c "SELECT sum(bars) FROM tsm.candles_1h")" = 100 ]
		# It refreshed them and cleared what it logged.
		[ "$(q -c "SELECT sum(bars) FROM tsm.candles_1d")" = 100 ]
		[ "$(q -c "SELECT count(*) FROM tsm.invalidations")" = 0 ]
	else
		assert_status 0
		assert_output_has "warning: could not refresh the continuous aggregates of candles for the rows loaded, from 2024-01-01T00:00:00Z to 2024-01-01T01:39:00Z: must be owner of view candles_"
		assert_output_has "hint: the rows are loaded; until the owner of the aggregates refreshes them"
	fi
	assert_output_has "100 rows read, 100 inserted"
	drop_db
	q -d postgres -c "DROP ROLE ingest_w" -c "DROP OWNED BY tsm_reader" \
	    -c "DROP OWNED BY tsm_writer" -c "DROP ROLE tsm_writer" \
	    -c "DROP ROLE tsm_reader" 2>/dev/null || true
}

# ---- the other kinds ----

# Loads a kind twice: all inserted, then all unchanged, table unchanged.
twice() {
	local kind=$1 file=$2 n=$3 table=$4
	shift 4
	run tsm-ingest "$kind" "$@" "$file"
	assert_status 0
	assert_output_has "$kind: $n row"
	assert_output_has "read, $n inserted, 0 updated, 0 unchanged"
	before=$(dump "$table")
	run tsm-ingest "$kind" "$@" "$file"
	assert_status 0
	assert_output_has "read, 0 inserted, 0 updated, $n unchanged"
	[ "$(dump "$table")" = "$before" ]
}

@test "every kind loads, idempotently" {
	init_db
	d=$BATS_TEST_TMPDIR
	printf 'exchange,symbol,kind,base,quote\nbinance,BTCUSDT,spot,BTC,USDT\nbinance,BTCUSDT,perp,BTC,USDT\n' >"$d/i.csv"
	twice instruments "$d/i.csv" 2 instruments
	[ "$(q -c "SELECT string_agg(kind, ',' ORDER BY kind) FROM tsm.instruments")" = "perpetual,spot" ]
	printf 'id,price,qty,time,side\n1,100,0.5,2024-01-01T00:00:00.001Z,B\n2,101,0.25,2024-01-01T00:00:00.001Z,sell\n' >"$d/t.csv"
	twice ticks "$d/t.csv" 2 ticks --exchange binance --symbol BTCUSDT
	[ "$(q -c "SELECT string_agg(side, ',' ORDER BY trade_id) FROM tsm.ticks")" = "buy,sell" ]
	printf 'time,underlying,expiry,strike,type,delta,iv\n2024-01-01T00:00:00Z,BTC,2024-03-29,60000,C,0.5,0.6\n2024-01-01T00:00:00Z,BTC,2024-03-29,60000,put,-0.5,0.6\n' >"$d/g.csv"
	twice greeks "$d/g.csv" 2 greeks --exchange deribit
	printf 'time,asset,source,score,mentions\n2024-01-01T00:00:00Z,BTC,twitter,0.25,10\n2024-01-01T01:00:00Z,BTC,twitter,-0.5,3\n' >"$d/s.csv"
	twice sentiment "$d/s.csv" 2 sentiment
	[ "$(q -c "SELECT samples FROM tsm.sentiment_1d")" = 2 ]
	printf 'time,asset,flow_type,amount,usd_value,tx\n2024-01-01T00:00:00Z,BTC,inflow,5,200000,abc\n2024-01-01T00:00:00Z,BTC,inflow,1,40000,def\n' >"$d/f.csv"
	twice flows "$d/f.csv" 2 flows --source binance
	[ "$(q -c "SELECT amount FROM tsm.flows_1d")" = 6 ]
	printf 'time,metric,value\n2024-01-01T00:00:00Z,vix,13.5\n' >"$d/m.csv"
	twice metrics "$d/m.csv" 1 market_metrics --symbol SPX
	printf 'time,name,params,value\n2024-01-01T00:00:00Z,rsi,14,55.5\n2024-01-01T00:05:00Z,rsi,14,56\n' >"$d/n.csv"
	twice indicators "$d/n.csv" 2 indicators --exchange binance --symbol BTCUSDT --interval 5m
	printf 'time,strategy,signal,confidence,price,rationale\n2024-01-01T00:00:00Z,sma,BUY,0.8,42000,"cross, up"\n' >"$d/x.csv"
	twice signals "$d/x.csv" 1 signals --exchange binance --symbol BTCUSDT
	[ "$(q -c "SELECT signal_type, active, rationale FROM tsm.signals")" = "buy|t|cross, up" ]
}

@test "the kinds' own checks: scores, option types, signal types, grids" {
	init_db
	d=$BATS_TEST_TMPDIR
	printf 'time,asset,source,score\n2024-01-01T00:00:00Z,BTC,x,1.5\n' >"$d/s.csv"
	run tsm-ingest sentiment "$d/s.csv"
	assert_status 1
	assert_output_has 'line 2, column "score": "1.5" is out of range (-1 to 1)'
	printf 'time,underlying,expiry,strike,type\n2024-01-01T00:00:00Z,BTC,2024-03-29,60000,straddle\n' >"$d/g.csv"
	run tsm-ingest greeks "$d/g.csv"
	assert_status 1
	assert_output_has 'line 2, column "type": "straddle" is not an option type (call or put)'
	printf 'time,signal_type,confidence\n2024-01-01T00:00:00Z,buy,1.2\n' >"$d/x.csv"
	run tsm-ingest signals --exchange binance --symbol BTCUSDT "$d/x.csv"
	assert_status 1
	assert_output_has 'line 2, column "confidence": "1.2" is out of range (0 to 1)'
	printf 'time,signal_type\n2024-01-01T00:00:00Z,moon\n' >"$d/y.csv"
	run tsm-ingest signals --exchange binance --symbol BTCUSDT "$d/y.csv"
	assert_status 1
	assert_output_has 'line 2, column "signal_type": "moon" is not a signal type (buy, sell, long, short, exit or hold)'
	printf 'time,name,value\n2024-01-01T00:03:00Z,rsi,50\n' >"$d/n.csv"
	run tsm-ingest indicators --exchange binance --symbol BTCUSDT --interval 5m "$d/n.csv"
	assert_status 1
	assert_output_has 'is not on the 5m grid'
	printf 'id,price,qty,time,side\n1,100,0.5,2024-01-01T00:00:00Z,up\n' >"$d/t.csv"
	run tsm-ingest ticks --exchange binance --symbol BTCUSDT "$d/t.csv"
	assert_status 1
	assert_output_has 'line 2, column "side": "up" is not a side (buy or sell)'
}

@test "a symbol column lets one file carry many instruments" {
	init_db
	"$TSM_ROOT/scripts/gen-candles" --symbols BTCUSDT,ETHUSDT,SOLUSDT --days 0.5 >"$BATS_TEST_TMPDIR/m.csv"
	run tsm-ingest candles --exchange binance --interval 1m "$BATS_TEST_TMPDIR/m.csv"
	assert_status 0
	assert_output_has "2160 rows read, 2160 inserted"
	assert_output_has "3 new instruments made"
	[ "$(q -c "SELECT count(DISTINCT instrument_id) FROM tsm.candles")" = 3 ]
}

# ---- parallel, streams, signals ----

@test "-j 2 leaves the same table as -j 1" {
	init_db
	candles_file 5000 "$BATS_TEST_TMPDIR/c.csv"
	run ingest_c -j 2 -b 700 "$BATS_TEST_TMPDIR/c.csv"
	assert_status 0
	assert_output_has "5000 rows read, 5000 inserted"
	a=$(dump candles)
	q -c "TRUNCATE tsm.candles"
	ingest_c -q -b 700 "$BATS_TEST_TMPDIR/c.csv"
	[ "$(dump candles)" = "$a" ]
	run ingest_c -j 3 -b 300 "$BATS_TEST_TMPDIR/c.csv"
	assert_status 0
	assert_output_has "0 inserted, 0 updated, 5000 unchanged"
}

@test "--follow commits rows while the stream is still open" {
	init_db
	fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	tsm-ingest candles --follow --exchange binance --symbol BTCUSDT --interval 1m <"$fifo" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	exec 5>"$fifo"
	printf "$H\n2024-01-01T00:00:00Z,1,2,0.5,1,5\n2024-01-01T00:01:00Z,1,2,0.5,1,6\n" >&5
	for i in $(seq 50); do
		[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 2 ] && break
		sleep 0.1
	done
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 2 ]
	printf "2024-01-01T00:01:00Z,1,2,0.5,1,7\n" >&5
	for i in $(seq 50); do
		[ "$(q -c "SELECT volume FROM tsm.candles WHERE time = '2024-01-01 00:01'")" = 7 ] && break
		sleep 0.1
	done
	[ "$(q -c "SELECT volume FROM tsm.candles WHERE time = '2024-01-01 00:01'")" = 7 ]
	exec 5>&-
	wait $pid
	grep -q "3 rows read, 2 inserted, 1 updated" "$BATS_TEST_TMPDIR/err"
}

# Writes a header and rows 0 to 29 of 1m candles (volume = the row), the
# last 20 only once the file $1 exists (or after 20 s).
stream() {
	echo "$H"
	for i in $(seq 0 29); do
		if [ "$i" -eq 10 ]; then
			for j in $(seq 200); do
				[ -e "$1" ] && break
				sleep 0.1
			done
		fi
		printf '2024-01-01T00:%02d:00Z,1,2,0.5,1,%d\n' "$i" "$i"
		sleep 0.02
	done
}

# Waits until the table holds at least $1 candles.
wait_rows() {
	for i in $(seq 200); do
		[ "$(q -c "SELECT count(*) FROM tsm.candles")" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

kill_backends() {
	q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tsm-ingest'" >/dev/null
}

@test "--follow survives a lost connection: no row lost or doubled" {
	init_db
	go=$BATS_TEST_TMPDIR/go
	stream "$go" | tsm-ingest candles --follow --exchange binance \
	    --symbol BTCUSDT --interval 1m 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_rows 10
	kill_backends
	touch "$go"
	status=0
	wait $pid || status=$?
	assert_status 0
	output=$(cat "$BATS_TEST_TMPDIR/err")
	assert_output_has "lost the connection to the server; trying again in 0.1 s"
	assert_output_has "connected again"
	[ "$(q -c "SELECT count(*), sum(volume) FROM tsm.candles")" = "30|435" ]
}

@test "a lost connection without --follow exits 3 and says what was committed" {
	init_db
	go=$BATS_TEST_TMPDIR/go
	stream "$go" | tsm-ingest candles -b 5 --exchange binance \
	    --symbol BTCUSDT --interval 1m 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_rows 10
	kill_backends
	touch "$go"
	status=0
	wait $pid || status=$?
	assert_status 3
	output=$(cat "$BATS_TEST_TMPDIR/err")
	assert_output_has "lost the connection to the server"
	assert_output_has "detail: 10 rows were committed in 2 batches"
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 10 ]
}

@test "SIGINT rolls back the open batch, says what was committed, exits 130" {
	init_db
	go=$BATS_TEST_TMPDIR/go
	stream "$go" | tsm-ingest candles -b 4 --exchange binance \
	    --symbol BTCUSDT --interval 1m 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_rows 8
	# Lines 10 and 11 follow line 9 by 20 and 40 ms, then the stream
	# waits: let them be read into the open batch.
	sleep 0.5
	kill -INT $pid
	status=0
	wait $pid || status=$?
	touch "$go"
	assert_status 130
	output=$(cat "$BATS_TEST_TMPDIR/err")
	assert_output_has "tsm-ingest: error: interrupted: the open batch was rolled back"
	assert_output_has "detail: 8 rows were committed in 2 batches; the rows from line 10 on were not written"
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 8 ]
}
