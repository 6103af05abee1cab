#!/usr/bin/env bats
# tsm-query: routing, every subcommand, output formats, errors.
#
# Rows are loaded with psql, not tsm-ingest (another tool, tested on its
# own): candles from the real files of $DATA, and small series made up so
# that every figure can be worked out by hand.

load helpers

teardown() {
	drop_db
}

# The backend as a psql boolean.
native() {
	[ "$BACKEND" = native ] && echo true || echo false
}

# Loads a 1m candle CSV (timestamp,open,high,low,close,volume, zone-less
# UTC) as candles of EXCHANGE SYMBOL, and brings the rollups up to date
# on the native backend as a loader does (refresh_invalidated).
load_csv() {
	local file=$1 exchange=$2 symbol=$3
	q -v native="$(native)" -v ex="$exchange" -v sym="$symbol" <<SQL
CREATE TEMP TABLE raw (ts timestamp, open float8, high float8, low float8,
    close float8, volume float8);
\\copy raw FROM '$file' WITH (FORMAT csv, HEADER true)
INSERT INTO tsm.instruments (exchange, symbol) VALUES (:'ex', :'sym')
    ON CONFLICT DO NOTHING;
\\if :native
SELECT tsm.ensure_partitions('candles', min(ts) AT TIME ZONE 'UTC',
    max(ts) AT TIME ZONE 'UTC') FROM raw \\g /dev/null
\\endif
INSERT INTO tsm.candles (instrument_id, timeframe, time, open, high, low,
    close, volume)
SELECT i.id, '1m', r.ts AT TIME ZONE 'UTC', r.open, r.high, r.low, r.close,
    r.volume
FROM raw r JOIN tsm.instruments i ON i.exchange = :'ex' AND i.symbol = :'sym'
ORDER BY r.ts;
\\if :native
SELECT tsm.refresh_invalidated('candles') \\g /dev/null
\\endif
SQL
}

# Real 1m candles of BTCUSDT and ETHUSDT (2021), with their outages.
load_real() {
	[ -f "$DATA/ohlcv-1m/BTCUSDT_1m_2021.csv" ] ||
	    skip "$DATA/ohlcv-1m is not there"
	load_csv "$DATA/ohlcv-1m/BTCUSDT_1m_2021.csv" binance BTCUSDT
	load_csv "$DATA/ohlcv-1m/ETHUSDT_1m_2021.csv" binance ETHUSDT
}

# Made-up 1m candles of binance TEST, from 2024-03-04 00:00 (a Monday)
# for $1 minutes: candle i opens at 100 + i, high open + 2, low open - 1,
# closes at open + 1, volume 1.  Rollups refreshed on native.
load_test() {
	q -v native="$(native)" -v n="${1:-180}" <<'SQL'
INSERT INTO tsm.instruments (exchange, symbol) VALUES ('binance', 'TEST');
\if :native
SELECT tsm.ensure_partitions('candles', '2024-03-04', '2024-03-04'::timestamptz
    + :n * interval '1 minute') \g /dev/null
\endif
INSERT INTO tsm.candles (instrument_id, timeframe, time, open, high, low,
    close, volume)
SELECT (SELECT id FROM tsm.instruments WHERE symbol = 'TEST'), '1m',
    '2024-03-04'::timestamptz + i * interval '1 minute', 100 + i, 102 + i,
    99 + i, 101 + i, 1
FROM generate_series(0, :n - 1) i;
\if :native
SELECT tsm.refresh_invalidated('candles') \g /dev/null
\endif
SQL
}

# Real trade ticks of BTCUSDT (the export repeats rows: one per trade id
# is kept, as a loader would).
load_ticks() {
	[ -f "$DATA/trades/BTCUSDT_trades.csv" ] ||
	    skip "$DATA/trades is not there"
	q -v native="$(native)" <<SQL
CREATE TEMP TABLE raw (id bigint, price float8, qty float8, quote float8,
    ts timestamp, maker boolean, best boolean);
\\copy raw FROM '$DATA/trades/BTCUSDT_trades.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tsm.instruments (exchange, symbol) VALUES ('binance', 'BTCUSDT')
    ON CONFLICT DO NOTHING;
\\if :native
SELECT tsm.ensure_partitions('ticks', min(ts) AT TIME ZONE 'UTC',
    max(ts) AT TIME ZONE 'UTC') FROM raw \\g /dev/null
\\endif
INSERT INTO tsm.ticks (instrument_id, time, trade_id, price, qty, quote_qty,
    side)
SELECT DISTINCT ON (r.id) i.id, r.ts AT TIME ZONE 'UTC', r.id, r.price, r.qty,
    r.quote, CASE WHEN r.maker THEN 'sell' ELSE 'buy' END
FROM raw r JOIN tsm.instruments i ON i.symbol = 'BTCUSDT'
ORDER BY r.id;
\\if :native
SELECT tsm.refresh_invalidated('ticks') \\g /dev/null
\\endif
SQL
}

@test "--help goes to stdout, exits 0, and fits in 80 columns" {
	run tsm-query --help
	assert_status 0
	assert_output_has "Usage:"
	assert_output_has "ohlcv SYMBOL -i INTERVAL"
	long=$(tsm-query --help | awk 'length > 79' | wc -l)
	[ "$long" -eq 0 ]
}

@test "--version names the tool" {
	run tsm-query --version
	assert_status 0
	assert_output_has "tsm-query (tsm) "
}

@test "every option of --help is in the man page, and back" {
	for o in $(tsm-query --help | grep -o -- '--[a-z-]*' | sort -u); do
		grep -q -- "${o#--}" "$TSM_ROOT/man/tsm-query.1" ||
		    { echo "man page lacks $o"; return 1; }
	done
	for o in $(grep -o 'Fl -[a-z][a-z-]*' "$TSM_ROOT/man/tsm-query.1" |
	    awk '{print $2}' | sort -u); do
		tsm-query --help | grep -q -- "-${o#-}" ||
		    { echo "--help lacks $o"; return 1; }
	done
	for c in ohlcv indicators latest overview change range volume-profile stats \
	    symbols summary gaps sentiment flows signals positions trades \
	    backtests metrics watchlists sql; do
		grep -q "^\.It Cm $c" "$TSM_ROOT/man/tsm-query.1" ||
		    { echo "man page lacks the command $c"; return 1; }
		tsm-query --help | grep -q "^  $c " ||
		    { echo "--help lacks the command $c"; return 1; }
	done
}

@test "usage errors exit 2 before connecting, with a hint" {
	export PGHOST=/nonexistent
	run tsm-query --frobnicate latest
	assert_status 2
	assert_output_has 'tsm-query: error: unknown option "--frobnicate"'
	assert_output_has 'Try "tsm-query --help"'
	run tsm-query
	assert_status 2
	assert_output_has "no command given"
	run tsm-query ohlc BTCUSDT
	assert_status 2
	assert_output_has 'unknown command "ohlc"'
	run tsm-query ohlcv
	assert_status 2
	assert_output_has "ohlcv needs an argument"
	assert_output_has "Usage: tsm-query [OPTION]... ohlcv SYMBOL --interval INTERVAL"
	run tsm-query ohlcv BTCUSDT
	assert_status 2
	assert_output_has "ohlcv needs --interval, such as -i 1h"
	run tsm-query ohlcv BTCUSDT ETHUSDT -i 1h
	assert_status 2
	assert_output_has 'unexpected argument "ETHUSDT"'
	run tsm-query ohlcv BTCUSDT -i 30s
	assert_status 2
	assert_output_has '--interval: "30s" is not a timeframe: candles are at least one minute long'
	run tsm-query ohlcv BTCUSDT -i 1h --from yesterday
	assert_status 2
	assert_output_has '--from: "yesterday" is not a time'
	assert_output_has "or an age such as 7d"
	run tsm-query ohlcv BTCUSDT -i 1h --from 2024-03-02 --to 2024-03-01
	assert_status 2
	assert_output_has "--from must be before --to"
	run tsm-query ohlcv BTCUSDT -i 1h --stale 1h
	assert_status 2
	assert_output_has "--stale does not apply to ohlcv"
	run tsm-query -F xml latest
	assert_status 2
	assert_output_has '-F takes csv, tsv, table or json, not "xml"'
	run tsm-query latest --limit -1
	assert_status 2
	assert_output_has '--limit takes a whole number from 0 to'
	run tsm-query latest --stale soon
	assert_status 2
	assert_output_has '--stale: "soon" is not an age'
	run tsm-query ohlcv BTCUSDT -i 1h --source best
	assert_status 2
	assert_output_has '--source takes auto, stored, aggregate or computed, not "best"'
	run tsm-query sentiment BTC mood
	assert_status 2
	assert_output_has 'unknown view "mood" of sentiment'
	run tsm-query flows BTC whales
	assert_status 2
	assert_output_has "flows ASSET whales needs --min-amount"
	run tsm-query flows BTC --min-amount 5
	assert_status 2
	assert_output_has "--min-amount is for flows ASSET whales"
	run tsm-query flows BTC whales --min-amount 1,5
	assert_status 2
	assert_output_has '--min-amount: "1,5" uses a comma as decimal separator'
	run tsm-query backtests x1
	assert_status 2
	assert_output_has 'backtests takes the ID of a run, a whole number from 1, not "x1"'
	run tsm-query backtests --trades
	assert_status 2
	assert_output_has "--trades needs the ID of a run"
	run tsm-query volume-profile BTCUSDT --buckets 0
	assert_status 2
	run tsm-query trades --by week
	assert_status 2
	assert_output_has '--by takes hour or day, not "week"'
	run tsm-query change BTCUSDT --hours 4 --from 2024-03-01 --to 2024-03-02
	assert_status 2
	assert_output_has "--hours counts back"
	run tsm-query sql
	assert_status 2
	run tsm-query latest --schema pg_x
	assert_status 2
	assert_output_has "reserved"
}

@test "an unreachable server exits 3 and never shows the password" {
	run tsm-query -d "postgresql://bob:s3cr3t@/nodb?host=/nonexistent" latest
	assert_status 3
	assert_output_has "could not connect"
	refute_output_has "s3cr3t"
}

@test "a database without the schema says to run tsm-init" {
	new_db
	run tsm-query latest
	assert_status 1
	assert_output_has 'tsm-query: error: schema "tsm" does not exist in database'
	assert_output_has "hint: run tsm-init to create it"
	run tsm-query --schema other symbols
	assert_status 1
	assert_output_has "hint: run tsm-init --schema=other to create it"
}

@test "gaps finds the real exchange outages exactly" {
	init_db
	load_real
	run tsm-query gaps BTCUSDT -i 1m
	assert_status 0
	[ "$output" = "start,end,missing
2021-04-20T02:00:00Z,2021-04-20T04:29:00Z,150
2021-04-25T04:01:00Z,2021-04-25T08:44:00Z,284" ]
	run tsm-query gaps ETHUSDT -i 1m
	assert_status 0
	[ "$output" = "start,end,missing
2021-08-13T02:00:00Z,2021-08-13T06:29:00Z,270" ]
	# Hours wholly within an outage are missing hours.
	run tsm-query gaps BTCUSDT -i 1h
	assert_status 0
	[ "$output" = "start,end,missing
2021-04-20T02:00:00Z,2021-04-20T03:00:00Z,2
2021-04-25T05:00:00Z,2021-04-25T07:00:00Z,3" ]
	# The range asked for bounds runs at either end.
	run tsm-query gaps BTCUSDT -i 1h --from 2021-03-26 --to 2021-03-27
	[ "$output" = "start,end,missing
2021-03-26T00:00:00Z,2021-03-26T02:00:00Z,3" ]
	run tsm-query summary BTCUSDT ETHUSDT
	[ "${lines[1]}" = "binance,BTCUSDT,1m,50000,2021-03-26T03:00:00Z,2021-04-30T03:33:00Z,434" ]
	[ "${lines[2]}" = "binance,ETHUSDT,1m,50000,2021-08-09T03:00:00Z,2021-09-13T00:49:00Z,270" ]
}

@test "routed and on-the-fly answers are the same, on real data" {
	init_db
	load_real
	for i in 5m 15m 1h 4h 1d; do
		tsm-query ohlcv BTCUSDT -i $i >"$BATS_TEST_TMPDIR/auto"
		tsm-query ohlcv BTCUSDT -i $i --source aggregate >"$BATS_TEST_TMPDIR/agg"
		tsm-query ohlcv BTCUSDT -i $i --source computed >"$BATS_TEST_TMPDIR/comp"
		cmp "$BATS_TEST_TMPDIR/auto" "$BATS_TEST_TMPDIR/agg"
		cmp "$BATS_TEST_TMPDIR/agg" "$BATS_TEST_TMPDIR/comp"
		[ "$(wc -l <"$BATS_TEST_TMPDIR/comp")" -gt 30 ]
	done
	# The same numbers as psql gets from the raw rows.
	run tsm-query ohlcv BTCUSDT -i 1h --from 2021-04-20T01:00:00Z --limit 2
	[ "$output" = "time,open,high,low,close,volume
2021-04-20T01:00:00Z,54631.29,55378.42,54237.04,54764.12,3262.7642149999992
2021-04-20T04:00:00Z,54764.13,55350.28,54567.79,55258.63,1818.062278" ]
	# Stored 1h candles, where they cover it all, answer first, the same.
	q -c "INSERT INTO tsm.candles (instrument_id, timeframe, time, open, high, low, close, volume)
	    SELECT instrument_id, '1h', time, open, high, low, close, volume
	    FROM tsm.candles_1h WHERE instrument_id = (SELECT id FROM tsm.instruments WHERE symbol = 'BTCUSDT')"
	[ "$BACKEND" = native ] && q -c "SELECT tsm.refresh_invalidated('candles')" >/dev/null
	run tsm-query ohlcv BTCUSDT -i 1h --explain
	assert_status 0
	assert_output_has "explain: answered by stored 1h candles"
	tsm-query ohlcv BTCUSDT -i 1h >"$BATS_TEST_TMPDIR/stored"
	cmp "$BATS_TEST_TMPDIR/stored" "$BATS_TEST_TMPDIR/auto" ||
	    tsm-query ohlcv BTCUSDT -i 1h --source aggregate | cmp - "$BATS_TEST_TMPDIR/stored"
	# Intervals without an aggregate come out the same on both paths too.
	for i in 3m 2h 1w 1M; do
		tsm-query ohlcv ETHUSDT -i $i >"$BATS_TEST_TMPDIR/a"
		tsm-query ohlcv ETHUSDT -i $i --source computed >"$BATS_TEST_TMPDIR/b"
		cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	done
}

@test "weeks start on Monday and months on the first, on both backends" {
	init_db
	load_real
	run tsm-query ohlcv ETHUSDT -i 1w
	# The data start on Monday 2021-08-09 03:00 and end on Monday 09-13.
	[ "${lines[1]}" = "2021-08-09T00:00:00Z,2945.18,3330.98,2893.23,3307.09,4911608.447129993" ]
	[ "${lines[2]%%,*}" = "2021-08-16T00:00:00Z" ]
	[ "${lines[6]}" = "2021-09-13T00:00:00Z,3404.3,3430.3,3382.38,3396.89,14102.1182" ]
	[ "${#lines[@]}" = 7 ]
	run tsm-query ohlcv BTCUSDT -i 1M
	[ "$output" = "time,open,high,low,close,volume
2021-03-01T00:00:00Z,51696.7,59800,51696.7,58740.55,329615.2332560017
2021-04-01T00:00:00Z,58739.46,64854,46930,53635.94,1932043.5812220029" ]
	run tsm-query ohlcv BTCUSDT -i 3d --limit 1
	# 3-day buckets count from 2000-01-03 too: 2021-04-30 is 2596 of them.
	[ "${lines[1]%%,*}" = "2021-04-30T00:00:00Z" ]
}

@test "--explain says which source answered and why" {
	init_db
	load_real
	run tsm-query ohlcv BTCUSDT -i 1h --explain -l 1
	assert_status 0
	assert_output_has "tsm-query: explain: binance BTCUSDT, 1h bars opening from the start to the end"
	assert_output_has "explain: stored 1h candles: not at both ends"
	assert_output_has "explain: answered by aggregate candles_1h"
	run tsm-query ohlcv BTCUSDT -i 2h --explain -l 1
	assert_output_has "explain: no aggregate answers 2h"
	assert_output_has "explain: computed from 1m candles: 2021-03-26T02:00:00Z to 2021-04-30T02:00:00Z"
	assert_output_has "explain: answered by computed from 1m candles"
	# The answer itself is on stdout alone.
	[ "$(tsm-query ohlcv BTCUSDT -i 2h --explain -l 1 2>/dev/null | wc -l)" = 2 ]
}

@test "stored candles that cover only part of the range do not hide the rest" {
	init_db
	load_test 600
	q -c "INSERT INTO tsm.candles (instrument_id, timeframe, time, open, high, low, close, volume)
	    SELECT instrument_id, '1h', time, open, high, low, close, volume
	    FROM tsm.candles_1h WHERE time = '2024-03-04 03:00'"
	[ "$BACKEND" = native ] && q -c "SELECT tsm.refresh_invalidated('candles')" >/dev/null
	run tsm-query ohlcv TEST -i 1h --explain
	assert_status 0
	assert_output_has "answered by aggregate candles_1h"
	[ "${#lines[@]}" -gt 10 ]
	run tsm-query ohlcv TEST -i 1h --source stored
	[ "$output" = "time,open,high,low,close,volume
2024-03-04T03:00:00Z,280,341,279,340,60" ]
	run tsm-query ohlcv TEST -i 4h --source stored
	assert_status 1
	assert_output_has "no stored source answers 4h bars of binance TEST"
}

@test "a rollup that waits for a refresh gives way to the computed answer" {
	only_backend native
	init_db
	load_test 120
	# Rows written without a refresh, as another tool might.
	q -c "INSERT INTO tsm.candles (instrument_id, timeframe, time, open, high, low, close, volume)
	    SELECT 1, '1m', '2024-03-04 02:00'::timestamptz + i * interval '1 minute', 500, 502, 499, 501, 2
	    FROM generate_series(0, 59) i"
	run tsm-query ohlcv TEST -i 1h --explain
	assert_status 0
	assert_output_has "explain: rollup candles_1h: writes from 2024-03-04T02:00:00Z to 2024-03-04T02:59:00Z are not refreshed into it yet"
	assert_output_has "answered by computed from 1m candles"
	[ "${lines[${#lines[@]}-1]}" = "2024-03-04T02:00:00Z,500,502,499,501,120" ]
	# Once refreshed, the rollup answers again, the same.
	q -c "SELECT tsm.refresh_invalidated('candles')" >/dev/null
	run tsm-query ohlcv TEST -i 1h --explain
	assert_output_has "answered by aggregate candles_1h"
	[ "${lines[${#lines[@]}-1]}" = "2024-03-04T02:00:00Z,500,502,499,501,120" ]
	# A rollup emptied behind the log's back is seen to be behind.
	q -c "DELETE FROM tsm.candles_1h WHERE time = '2024-03-04 02:00'"
	run tsm-query ohlcv TEST -i 1h --explain
	assert_output_has "is behind its source: it holds 2024-03-04T00:00:00Z to 2024-03-04T01:00:00Z, its source makes 2024-03-04T00:00:00Z to 2024-03-04T02:00:00Z"
	assert_output_has "answered by computed from 1m candles"
}

@test "a continuous aggregate that answers only from what it materialised" {
	only_backend timescaledb
	init_db
	load_test 180
	q -c "ALTER MATERIALIZED VIEW tsm.candles_1h SET (timescaledb.materialized_only = true)"
	run tsm-query ohlcv TEST -i 1h --explain
	assert_status 0
	assert_output_has "aggregate candles_1h (continuous aggregate of 1m candles): none in range"
	assert_output_has "answered by computed from 1m candles"
	[ "${lines[${#lines[@]}-1]}" = "2024-03-04T02:00:00Z,220,281,219,280,60" ]
	# Two hours of three materialised: it is behind its source.
	q -c "CALL refresh_continuous_aggregate('tsm.candles_1h', '2024-03-04', '2024-03-04 02:00')"
	run tsm-query ohlcv TEST -i 1h --explain
	assert_output_has "holds data after the aggregate's bars"
	assert_output_has "is behind its source: it holds 2024-03-04T00:00:00Z to 2024-03-04T01:00:00Z"
	assert_output_has "answered by computed from 1m candles"
	q -c "CALL refresh_continuous_aggregate('tsm.candles_1h', '2024-03-04', '2024-03-05')"
	run tsm-query ohlcv TEST -i 1h --explain
	assert_output_has "answered by aggregate candles_1h"
	[ "${lines[${#lines[@]}-1]}" = "2024-03-04T02:00:00Z,220,281,219,280,60" ]
}

@test "1m candles from ticks: the aggregate and the computed answer agree" {
	init_db
	load_ticks
	run tsm-query ohlcv BTCUSDT -i 1m --explain
	assert_status 0
	assert_output_has "answered by aggregate ticks_1m"
	# Open and close: the first and last trade by time, then trade id.
	[ "${lines[${#lines[@]}-1]}" = "2025-02-15T23:28:00Z,97594.05,97594.06,97586.11,97586.12,0.9842599999999789" ]
	tsm-query ohlcv BTCUSDT -i 1m --source computed >"$BATS_TEST_TMPDIR/c"
	tsm-query ohlcv BTCUSDT -i 1m --source aggregate | cmp - "$BATS_TEST_TMPDIR/c"
	run tsm-query ohlcv BTCUSDT -i 1h --explain
	assert_output_has "answered by computed from ticks"
	[ "${lines[${#lines[@]}-1]}" = "2025-02-15T23:00:00Z,97594.05,97594.06,97586.11,97586.12,0.9842599999999789" ]
	run tsm-query latest BTCUSDT
	[ "${lines[1]%,*}" = "binance,BTCUSDT,ticks,2025-02-15T23:28:37.06Z,97586.12" ]
}

# Three trades at each of two instants of 2024-03-04 10:00 (a taker's
# order filling three makers), written newest id first, so that the order
# rows are read in is not the order of their ids; and the 1m bar they make.
load_tied_ticks() {
	q -v native="$(native)" <<'SQL'
INSERT INTO tsm.instruments (exchange, symbol) VALUES ('binance', 'TEST');
\if :native
SELECT tsm.ensure_partitions('ticks', '2024-03-04', '2024-03-05') \g /dev/null
\endif
INSERT INTO tsm.ticks (instrument_id, time, trade_id, price, qty, side)
SELECT (SELECT id FROM tsm.instruments WHERE symbol = 'TEST'), t::timestamptz,
    id, price, 1, 'buy'
FROM (VALUES ('2024-03-04 10:00:00', 3, 103), ('2024-03-04 10:00:00', 2, 102),
    ('2024-03-04 10:00:00', 1, 101), ('2024-03-04 10:00:30', 4, 90),
    ('2024-03-04 10:00:59.5', 7, 97), ('2024-03-04 10:00:59.5', 6, 96),
    ('2024-03-04 10:00:59.5', 5, 95)) AS v (t, id, price)
ORDER BY v.id DESC;
\if :native
SELECT tsm.refresh_invalidated('ticks') \g /dev/null
\endif
SQL
}
tied_bar="time,open,high,low,close,volume
2024-03-04T10:00:00Z,101,103,90,97,7"

@test "a bar of ticks opens and closes by trade id among trades of one instant" {
	init_db
	load_tied_ticks
	[ "$BACKEND" = timescaledb ] &&
	    q -c "CALL refresh_continuous_aggregate('tsm.ticks_1m', NULL, NULL)"
	for src in aggregate computed; do
		run tsm-query ohlcv TEST -i 1m --source $src
		assert_status 0
		[ "$output" = "$tied_bar" ] || { echo "$src: $output"; return 1; }
	done
}

@test "the upgrade that orders ticks by trade id mends ticks_1m" {
	require_backend
	new_db
	up=$(basename "$TSM_ROOT"/sql/*_tick_order.sql)
	tsm-init -q --backend "$BACKEND" --target-version $((10#${up%%_*} - 1))
	load_tied_ticks
	# An operator's refresh policy (the tools refuse an old schema).
	if [ "$BACKEND" = native ]; then
		q -c "UPDATE tsm.refresh_policies SET start_offset = '3 days' WHERE aggregate = 'ticks_1m'"
	else
		q -c "SELECT remove_continuous_aggregate_policy('tsm.ticks_1m')" \
		    -c "SELECT add_continuous_aggregate_policy('tsm.ticks_1m', start_offset => '3 days', end_offset => '1 minute', schedule_interval => '10 minutes')" >/dev/null
	fi
	run tsm-init
	assert_status 0
	assert_output_has "applied $up"
	# The policy as the operator left it.
	run tsm-compress policy show -F csv
	assert_output_has ",refresh,ticks_1m,3 days to "
	[ "$BACKEND" = native ] || assert_output_has ",refresh,ticks_1m,3 days to 00:01:00,00:10:00"
	# Right at once: from the ticks until the aggregate is refreshed.
	run tsm-query ohlcv TEST -i 1m
	[ "$output" = "$tied_bar" ] || { echo "before refresh: $output"; return 1; }
	if [ "$BACKEND" = native ]; then
		q -c "SELECT tsm.refresh_invalidated('ticks')" >/dev/null
	else
		q -c "CALL refresh_continuous_aggregate('tsm.ticks_1m', NULL, NULL)"
	fi
	run tsm-query ohlcv TEST -i 1m --source aggregate
	[ "$output" = "$tied_bar" ] || { echo "refreshed: $output"; return 1; }
}

@test "compressed ticks still count: summary, latest, overview, ohlcv" {
	init_db
	load_ticks
	# Real ticks, with a few made-up ones a day later, so that
	# overview has a day before to compare with.
	q -v native="$(native)" <<'SQL'
\if :native
SELECT tsm.ensure_partitions('ticks', t, t + interval '1 day')
FROM (SELECT max(time) AS t FROM tsm.ticks) x \g /dev/null
\endif
INSERT INTO tsm.ticks (instrument_id, time, trade_id, price, qty, side)
SELECT instrument_id, time + interval '1 day' + i * interval '1 ms',
    trade_id + 100000000 + i, price + i, 0.5, 'buy'
FROM (SELECT * FROM tsm.ticks ORDER BY time DESC, trade_id DESC LIMIT 1) x,
    generate_series(1, 3) i;
SQL
	answers() {
		tsm-query summary BTCUSDT
		tsm-query latest BTCUSDT | cut -d, -f1-5
		tsm-query overview BTCUSDT | cut -d, -f1-4,6-
		tsm-query ohlcv BTCUSDT -i 1m --explain 2>&1
	}
	before=$(answers)
	echo "$before" | grep -q "^binance,BTCUSDT,ticks,"
	run tsm-compress -q run --older-than 1d ticks
	assert_status 0
	[ "$(q -c "SELECT count(*) FROM ONLY tsm.ticks")" -lt 10 ] ||
	    [ "$BACKEND" = timescaledb ]
	after=$(answers)
	[ "$after" = "$before" ] || { diff <(echo "$before") <(echo "$after"); return 1; }
}

@test "no data that divides the interval is an error; none at all is empty" {
	init_db
	load_test 120
	q -c "INSERT INTO tsm.instruments (exchange, symbol) VALUES ('binance', 'HOURLY')"
	q -c "INSERT INTO tsm.candles (instrument_id, timeframe, time, open, high, low, close, volume)
	    VALUES (2, '1h', '2024-03-04 00:00', 1, 2, 1, 2, 5)"
	run tsm-query ohlcv HOURLY -i 1m
	assert_status 1
	assert_output_has "tsm-query: error: no data of binance HOURLY answers 1m bars: it holds 1h in this range, which does not divide 1m"
	run tsm-query ohlcv HOURLY -i 2h
	assert_status 0
	[ "${lines[1]}" = "2024-03-04T00:00:00Z,1,2,1,2,5" ]
	run tsm-query ohlcv TEST -i 1h --from 2030-01-01
	assert_status 0
	[ "$output" = "time,open,high,low,close,volume" ]
	run tsm-query ohlcv TEST -i 1h --from 2030-01-01 --fail-empty
	assert_status 1
	[ "${lines[0]}" = "time,open,high,low,close,volume" ]
	assert_output_has "tsm-query: error: the answer is empty (--fail-empty)"
}

@test "output formats, headers, --limit and time ranges" {
	init_db
	load_test 180
	run tsm-query ohlcv TEST -i 1h
	[ "$output" = "time,open,high,low,close,volume
2024-03-04T00:00:00Z,100,161,99,160,60
2024-03-04T01:00:00Z,160,221,159,220,60
2024-03-04T02:00:00Z,220,281,219,280,60" ]
	run tsm-query ohlcv TEST -i 1h -t -l 1
	[ "$output" = "2024-03-04T02:00:00Z,220,281,219,280,60" ]
	run tsm-query ohlcv TEST -i 1h --from 2024-03-04T00:30:00Z -l 1
	[ "$output" = "time,open,high,low,close,volume
2024-03-04T01:00:00Z,160,221,159,220,60" ]
	run tsm-query ohlcv TEST -i 1h --to 2024-03-04T01:00:00Z -F json
	[ "$output" = '{"time":"2024-03-04T00:00:00Z","open":100,"high":161,"low":99,"close":160,"volume":60}' ]
	run tsm-query ohlcv TEST -i 2h -F tsv --from 1709510400
	[ "$output" = "time	open	high	low	close	volume
2024-03-04T00:00:00Z	100	221	99	220	120
2024-03-04T02:00:00Z	220	281	219	280	60" ]
	run tsm-query ohlcv TEST -i 1h -F table -l 1
	[ "${lines[0]}" = "         time         | open | high | low | close | volume" ]
	[ "${lines[3]}" = "(1 row)" ]
	# An age counts back from now: nothing that recent here.
	run tsm-query ohlcv TEST -i 1h --from 7d
	[ "$output" = "time,open,high,low,close,volume" ]
	# The cursor gives what single-row mode gives.
	tsm-query ohlcv TEST -i 1m >"$BATS_TEST_TMPDIR/a"
	tsm-query --fetch-size 7 ohlcv TEST -i 1m >"$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/a")" = 181 ]
}

@test "an unknown symbol names the closest; case and exchange are sorted out" {
	init_db
	load_test 60
	q -c "INSERT INTO tsm.instruments (exchange, symbol) VALUES ('binance', 'BTCUSDT'), ('binance', 'BTCUSDC'), ('kraken', 'ETHUSDT'), ('binance', 'ETHUSDT')"
	run tsm-query ohlcv BTCUSD -i 1h
	assert_status 1
	[ "${lines[0]}" = 'tsm-query: error: unknown symbol "BTCUSD"' ]
	[ "${lines[1]}" = "hint: the closest symbols are: BTCUSDC, BTCUSDT (tsm-query symbols lists them all)" ]
	run tsm-query ohlcv XRPJPY -i 1h
	assert_status 1
	[ "${lines[1]}" = "hint: tsm-query symbols lists them" ]
	run tsm-query ohlcv test -i 1h -l 1
	assert_status 0
	[ "${lines[1]}" = "2024-03-04T00:00:00Z,100,161,99,160,60" ]
	run tsm-query ohlcv ETHUSDT -i 1h
	assert_status 1
	assert_output_has 'symbol "ETHUSDT" names several instruments: binance ETHUSDT spot, kraken ETHUSDT spot'
	assert_output_has "hint: choose one with --exchange or --kind"
	run tsm-query ohlcv ETHUSDT -i 1h -e kraken
	assert_status 0
	run tsm-query ohlcv BTCUSDT -i 1h -e kraken
	assert_status 1
	assert_output_has 'no instrument "BTCUSDT" on exchange "kraken"'
	assert_output_has 'hint: it is on exchange "binance" as spot BTCUSDT'
}

@test "latest, and --stale as a freshness check" {
	init_db
	load_test 180
	q -c "INSERT INTO tsm.instruments (exchange, symbol) VALUES ('binance', 'LIVE'), ('binance', 'EMPTY')"
	[ "$BACKEND" = native ] &&
	    q -c "SELECT tsm.ensure_partitions('candles', now() - interval '1 hour', now())" >/dev/null
	q -c "INSERT INTO tsm.candles (instrument_id, timeframe, time, open, high, low, close, volume)
	    SELECT 2, '1m', date_trunc('minute', now()) - interval '2 minutes', 10, 11, 9, 10.5, 3"
	run tsm-query latest TEST LIVE
	assert_status 0
	[ "${lines[0]}" = "exchange,symbol,source,time,price,age" ]
	[ "${lines[1]%,*}" = "binance,TEST,1m,2024-03-04T02:59:00Z,280" ]
	[[ "${lines[2]}" == binance,LIVE,1m,*,10.5,00:0[23]:* ]]
	run tsm-query latest LIVE --stale 10m
	assert_status 0
	[ "$output" = "exchange,symbol,source,time,price,age" ]
	run tsm-query latest --stale 10m
	assert_status 1
	[ "${lines[1]%,*}" = "binance,EMPTY,,," ]
	[ "${lines[2]%,*}" = "binance,TEST,1m,2024-03-04T02:59:00Z,280" ]
	assert_output_has "tsm-query: error: 2 of 3 instruments have no data newer than 10m"
	assert_output_has "detail: binance EMPTY: no data at all"
	assert_output_has "detail: binance TEST: newest 2024-03-04T02:59:00Z"
	# Data stamped in the future is found too, by the last search.
	[ "$BACKEND" = native ] &&
	    q -c "SELECT tsm.ensure_partitions('candles', '2099-01-01', '2099-01-02')" >/dev/null
	q -c "INSERT INTO tsm.candles (instrument_id, timeframe, time, open, high, low, close, volume)
	    VALUES (3, '1d', '2099-01-01', 7, 8, 6, 7.5, 1)"
	run tsm-query latest EMPTY
	[ "${lines[1]%,*}" = "binance,EMPTY,1d,2099-01-01T00:00:00Z,7.5" ]
	q -c "INSERT INTO tsm.watchlists (name, instrument_id, position) VALUES ('main', 2, 1), ('main', 1, 2)"
	run tsm-query latest --watchlist main -t
	[ "${#lines[@]}" = 2 ]
	[ "${lines[0]%%,1m*}" = "binance,LIVE" ]
	run tsm-query latest --watchlist mian
	assert_status 1
	assert_output_has 'no watchlist named "mian"'
	assert_output_has "hint: the closest watchlist is: main"
}

@test "overview, change, range and volume-profile by hand" {
	init_db
	load_test 180
	q -c "INSERT INTO tsm.instruments (exchange, symbol) VALUES ('binance', 'AAA')"
	run tsm-query overview
	assert_status 0
	[ "$output" = "exchange,symbol,time,price,change_24h,change_pct_24h,high_24h,low_24h,volume_24h
binance,AAA,,,,,,,
binance,TEST,2024-03-04T02:59:00Z,280,,,281,99,180" ]
	run tsm-query overview TEST --limit 1 -t
	[ "$output" = "binance,TEST,2024-03-04T02:59:00Z,280,,,281,99,180" ]
	run tsm-query change TEST --hours 1
	[ "$output" = 'exchange,symbol,from,to,open,close,change,change_pct,high,low,volume,bars
binance,TEST,2024-03-04T02:00:00Z,2024-03-04T03:00:00Z,220,280,60,27.272727272727273,281,219,60,60' ]
	run tsm-query change TEST --hours 2 -i 1h
	[ "${lines[1]}" = "binance,TEST,2024-03-04T01:00:00Z,2024-03-04T03:00:00Z,160,280,120,75,281,159,120,2" ]
	run tsm-query range TEST --from 2024-03-04 --to 2024-03-04T01:00:00Z
	[ "$output" = 'exchange,symbol,from,to,high,high_time,low,low_time,range,range_pct,bars
binance,TEST,2024-03-04T00:00:00Z,2024-03-04T01:00:00Z,161,2024-03-04T00:59:00Z,99,2024-03-04T00:00:00Z,62,62.62626262626262,60' ]
	run tsm-query volume-profile TEST --buckets 3
	[ "${lines[0]}" = "bucket,price_low,price_high,volume,share_pct,bars" ]
	[ "$(echo "$output" | cut -d, -f1,4,6 | tail -3 | tr '\n' ' ')" = "1,59,59 2,61,61 3,60,60 " ]
	[ "$(echo "${lines[1]}" | cut -d, -f2)" = 99 ]
	[ "$(echo "${lines[3]}" | cut -d, -f3)" = 281 ]
	run tsm-query stats TEST
	[ "$output" = 'exchange,symbol,interval,bars,first,last,high,high_time,low,low_time,avg_close,volume
binance,TEST,1m,180,2024-03-04T00:00:00Z,2024-03-04T02:59:00Z,281,2024-03-04T02:59:00Z,99,2024-03-04T00:00:00Z,190.5,180' ]
	run tsm-query stats TEST -i 1h
	[ "${lines[1]}" = "binance,TEST,1h,3,2024-03-04T00:00:00Z,2024-03-04T02:00:00Z,281,2024-03-04T02:00:00Z,99,2024-03-04T00:00:00Z,220,180" ]
}

@test "symbols and summary" {
	init_db
	load_test 90
	q -c "INSERT INTO tsm.instruments (exchange, symbol, kind, active) VALUES ('kraken', 'XBTUSD', 'perpetual', false)"
	run tsm-query symbols -F csv
	[ "$(echo "$output" | cut -d, -f1-3,6)" = "exchange,symbol,kind,active
binance,TEST,spot,t
kraken,XBTUSD,perpetual,f" ]
	run tsm-query symbols --active -t
	[ "${#lines[@]}" = 1 ]
	run tsm-query symbols -e kraken --kind perpetual -t -F json
	[[ "${lines[0]}" == '{"exchange":"kraken","symbol":"XBTUSD","kind":"perpetual","base":null,"quote":null,"active":false,'* ]]
	q -c "DELETE FROM tsm.candles WHERE time IN ('2024-03-04 00:10', '2024-03-04 00:11')"
	run tsm-query summary
	[ "$output" = "exchange,symbol,interval,rows,first,last,missing
binance,TEST,1m,88,2024-03-04T00:00:00Z,2024-03-04T01:29:00Z,2" ]
}

@test "sentiment: raw, per hour, trend, by source, distribution, latest" {
	init_db
	q -v native="$(native)" <<'SQL'
\if :native
SELECT tsm.ensure_partitions('sentiment', '2024-03-01', '2024-03-03') \g /dev/null
\endif
INSERT INTO tsm.sentiment (time, asset, source, score, label, mentions)
VALUES ('2024-03-01 10:05', 'BTC', 'twitter', 0.5, 'bullish', 10),
       ('2024-03-01 10:35', 'BTC', 'reddit', -0.25, 'bearish', 4),
       ('2024-03-01 11:10', 'BTC', 'twitter', 0.0, 'neutral', 2),
       ('2024-03-02 09:00', 'BTC', 'reddit', 0.75, 'bullish', 1),
       ('2024-03-01 10:00', 'ETH', 'twitter', 0.1, NULL, NULL);
\if :native
SELECT tsm.refresh_invalidated('sentiment') \g /dev/null
\endif
SQL
	run tsm-query sentiment BTC
	assert_status 0
	[ "$output" = "time,source,score,label,mentions,engagement
2024-03-01T10:05:00Z,twitter,0.5,bullish,10,
2024-03-01T10:35:00Z,reddit,-0.25,bearish,4,
2024-03-01T11:10:00Z,twitter,0,neutral,2,
2024-03-02T09:00:00Z,reddit,0.75,bullish,1," ]
	run tsm-query sentiment BTC --by hour -l 1
	[ "$output" = "time,samples,score_avg,score_min,score_max,bearish,neutral,bullish,mentions,engagement
2024-03-01T10:00:00Z,2,0.125,-0.25,0.5,1,0,1,14," ]
	run tsm-query sentiment BTC trend
	[ "$output" = "time,samples,score_avg,score_ma7,change,direction
2024-03-01T00:00:00Z,3,0.08333333333333333,0.08333333333333333,,
2024-03-02T00:00:00Z,1,0.75,0.4166666666666667,0.6666666666666666,up" ]
	run tsm-query sentiment BTC by-source
	[ "$(echo "$output" | cut -d, -f1-8)" = "source,samples,score_avg,score_min,score_max,bearish,neutral,bullish
reddit,2,0.25,-0.25,0.75,1,0,1
twitter,2,0.25,0,0.5,0,1,1" ]
	run tsm-query sentiment BTC distribution --from 2024-03-01 --to 2024-03-02
	[ "$output" = "bearish,neutral,bullish,total,bearish_pct,neutral_pct,bullish_pct
1,1,1,3,33.3333333333333333,33.3333333333333333,33.3333333333333333" ]
	run tsm-query sentiment BTC latest
	[ "$(echo "$output" | cut -d, -f1-3)" = "source,time,score
reddit,2024-03-02T09:00:00Z,0.75
twitter,2024-03-01T11:10:00Z,0" ]
	# A score written without a refresh counts at once, on both backends.
	q -c "INSERT INTO tsm.sentiment (time, asset, source, score) VALUES ('2024-03-02 10:00', 'BTC', 'x', 0.5)"
	run tsm-query sentiment BTC --by hour
	[ "${lines[4]}" = "2024-03-02T10:00:00Z,1,0.5,0.5,0.5,0,0,1,," ]
	run tsm-query sentiment BTX
	assert_status 1
	assert_output_has 'tsm-query: error: no sentiment for asset "BTX"'
	assert_output_has "hint: the closest: BTC, ETH"
}

@test "flows: history, per day, net, whales, by exchange, velocity" {
	init_db
	q -v native="$(native)" <<'SQL'
\if :native
SELECT tsm.ensure_partitions('flows', '2024-03-01', '2024-03-03') \g /dev/null
\endif
INSERT INTO tsm.flows (time, asset, flow_type, source, amount, usd_value)
VALUES ('2024-03-01 10:05', 'BTC', 'inflow', 'binance', 100, 6000000),
       ('2024-03-01 10:20', 'BTC', 'outflow', 'binance', 30, 1800000),
       ('2024-03-01 11:00', 'BTC', 'inflow', 'coinbase', 5, 300000),
       ('2024-03-02 08:00', 'BTC', 'outflow', 'coinbase', 40, 2400000);
\if :native
SELECT tsm.refresh_invalidated('flows') \g /dev/null
\endif
SQL
	run tsm-query flows BTC -t
	[ "${#lines[@]}" = 4 ]
	[ "${lines[0]}" = "2024-03-01T10:05:00Z,inflow,binance,100,6000000,\"\"" ]
	run tsm-query flows BTC --by day
	[ "$(echo "$output" | cut -d, -f1-5)" = "time,flow_type,amount,usd_value,flows
2024-03-01T00:00:00Z,inflow,105,6300000,2
2024-03-01T00:00:00Z,outflow,30,1800000,1
2024-03-02T00:00:00Z,outflow,40,2400000,1" ]
	run tsm-query flows BTC net --by day
	[ "$output" = "time,inflow,outflow,net_amount,net_usd
2024-03-01T00:00:00Z,105,30,75,4500000
2024-03-02T00:00:00Z,0,40,-40,-2400000" ]
	run tsm-query flows BTC whales --min-amount 40 -t
	[ "$(echo "$output" | cut -d, -f1,4)" = "2024-03-01T10:05:00Z,100
2024-03-02T08:00:00Z,40" ]
	run tsm-query flows BTC by-exchange
	[ "$(echo "$output" | cut -d, -f1-6)" = "source,inflow,outflow,net,other,flows
binance,100,30,70,0,2
coinbase,5,40,-35,0,2" ]
	run tsm-query flows BTC velocity
	[ "$(echo "$output" | cut -d, -f1-5)" = "time,flows,amount,usd_value,change
2024-03-01T10:00:00Z,2,130,7800000,
2024-03-01T11:00:00Z,1,5,300000,-125
2024-03-02T08:00:00Z,1,40,2400000,35" ]
	[ "$(echo "${lines[2]}" | cut -d, -f6)" = 0.038461538461538464 ]
}

@test "signals, positions, trades with P&L per day, metrics" {
	init_db
	load_test 10
	q <<'SQL'
INSERT INTO tsm.signals (time, instrument_id, strategy, signal_type, strength, confidence, price, active, expires_at)
VALUES ('2024-03-04 00:01', 1, 'sma', 'buy', 1, 0.9, 101, true, NULL),
       ('2024-03-04 00:05', 1, 'sma', 'sell', 1, 0.8, 105, true, NULL),
       ('2024-03-04 00:06', 1, 'rsi', 'buy', 1, 0.5, 106, true, '2024-03-04 01:00'),
       ('2024-03-04 00:07', 1, 'macd', 'buy', 1, 0.5, 107, false, NULL);
INSERT INTO tsm.positions (symbol, exchange, side, quantity, entry_price, current_price, status, strategy)
VALUES ('BTCUSDT', 'binance', 'long', 0.5, 60000, 63000, 'open', 'sma'),
       ('ETHUSDT', 'binance', 'short', 2, 3000, 2700, 'open', 'rsi'),
       ('SOLUSDT', 'binance', 'long', 10, 100, 90, 'closed', 'sma');
INSERT INTO tsm.trades (symbol, exchange, side, quantity, price, exit_price, fee, pnl, time)
VALUES ('BTCUSDT', 'binance', 'buy', 1, 100, 110, 0.5, 10, '2024-03-01 10:00'),
       ('BTCUSDT', 'binance', 'buy', 1, 100, 95, 0.5, -5, '2024-03-01 12:00'),
       ('ETHUSDT', 'binance', 'sell', 2, 50, 45, 0.25, 10, '2024-03-02 09:00');
SQL
	[ "$BACKEND" = native ] &&
	    q -c "SELECT tsm.ensure_partitions('metrics', '2024-03-01', '2024-03-02')" >/dev/null
	q -c "INSERT INTO tsm.market_metrics (time, metric, scope, value) VALUES
	    ('2024-03-01 10:00', 'pcr', 'NIFTY', 0.9), ('2024-03-01 11:00', 'pcr', 'NIFTY', 1.1),
	    ('2024-03-01 10:00', 'vix', '', 14.5)"
	run tsm-query signals
	[ "$(echo "$output" | cut -d, -f1-5)" = "time,exchange,symbol,strategy,signal
2024-03-04T00:05:00Z,binance,TEST,sma,sell" ]
	run tsm-query signals --all --strategy sma -t
	[ "${#lines[@]}" = 2 ]
	run tsm-query positions
	[ "$(echo "$output" | cut -d, -f1,3,8)" = "symbol,side,pnl_pct
BTCUSDT,long,5
ETHUSDT,short,10" ]
	run tsm-query positions --all -t SOLUSDT
	[ "$(echo "$output" | cut -d, -f1,8,12)" = "SOLUSDT,-10,closed" ]
	run tsm-query trades BTCUSDT -t
	[ "${#lines[@]}" = 2 ]
	run tsm-query trades --by day
	[ "$output" = "time,trades,wins,losses,pnl,fees,net,net_cumulative
2024-03-01T00:00:00Z,2,1,1,5,1,4,4
2024-03-02T00:00:00Z,1,1,0,10,0.25,9.75,13.75" ]
	run tsm-query metrics
	[ "$(echo "$output" | cut -d, -f1-3,6)" = "metric,scope,values,last_value
pcr,NIFTY,2,1.1
vix,\"\",1,14.5" ]
	run tsm-query metrics pcr --by day
	[ "$(echo "$output" | cut -d, -f1-3)" = "time,scope,avg
2024-03-01T00:00:00Z,NIFTY,1" ]
	run tsm-query metrics pcx
	assert_status 1
	assert_output_has 'no market metric named "pcx"'
	assert_output_has "hint: the closest: pcr"
}

@test "backtests: the list, one run's metrics and trades, its trades alone" {
	init_db
	q <<'SQL'
INSERT INTO tsm.backtest_runs (id, created_at, strategy, params, symbol, timeframe, data_source, bars, metrics)
VALUES (7, '2024-03-05', 'sma-cross', '{"fast": 10, "slow": 30}', 'BTCUSDT', '1h', 'tsm', 500,
        '{"total_return_pct": 12.5, "sharpe": 1.4, "trades": 2}');
INSERT INTO tsm.backtest_trades (run_id, n, size, entry_time, exit_time, entry_price, exit_price, pnl)
VALUES (7, 1, 1, '2024-03-01 10:00', '2024-03-01 12:00', 100, 110, 10),
       (7, 2, 1, '2024-03-02 10:00', '2024-03-02 12:00', 110, 105, -5);
SQL
	run tsm-query backtests
	[ "$(echo "$output" | cut -d, -f1,3,10)" = "id,strategy,trades
7,sma-cross,2" ]
	run tsm-query backtests 7
	assert_status 0
	assert_output_has "param.fast,10"
	assert_output_has "sharpe,1.4"
	assert_output_has "n,entry_time,exit_time,size,entry_price,exit_price,pnl,return_pct,commission,tag"
	[ "$(echo "$output" | grep -c '^$')" = 1 ]
	run tsm-query backtests 7 --trades -t
	[ "$(echo "$output" | cut -d, -f1,7)" = "1,10
2,-5" ]
	run tsm-query backtests 8
	assert_status 1
	assert_output_has "tsm-query: error: no backtest run 8"
}

@test "watchlists, and --watchlist wherever symbols are taken" {
	init_db
	load_test 60
	q -c "INSERT INTO tsm.instruments (exchange, symbol) VALUES ('binance', 'OTHER')"
	q -c "INSERT INTO tsm.watchlists (name, instrument_id, position) VALUES ('core', 2, 1), ('core', 1, 2), ('alts', 2, 1)"
	run tsm-query watchlists
	[ "${lines[0]}" = "watchlist,instruments,symbols,changed" ]
	[ "$(echo "$output" | cut -d, -f1-3 | tail -2)" = "alts,1,OTHER
core,2,OTHER TEST" ]
	run tsm-query watchlists core
	[ "$(echo "$output" | cut -d, -f1,3)" = "position,symbol
1,OTHER
2,TEST" ]
	run tsm-query stats --watchlist core
	assert_status 0
	[ "$(echo "$output" | cut -d, -f2,4)" = "symbol,bars
OTHER,0
TEST,60" ]
	run tsm-query watchlists cor
	assert_status 1
	assert_output_has 'no watchlist named "cor"'
}

@test "sql runs read-only, unqualified, in every format" {
	init_db
	load_test 3
	run tsm-query sql "SELECT symbol, count(*) FROM candles c JOIN instruments i ON i.id = c.instrument_id GROUP BY 1"
	assert_status 0
	[ "$output" = "symbol,count
TEST,3" ]
	run tsm-query -F json sql "SELECT 1.50::numeric AS n, true AS b, NULL AS z, E'a\\tb' AS t, '2024-03-01 12:00:00.5+00'::timestamptz AS ts;"
	[ "$output" = '{"n":1.5,"b":true,"z":null,"t":"a\tb","ts":"2024-03-01T12:00:00.5Z"}' ]
	run tsm-query sql "SELECT ' x' AS a, '' AS b, 'q\"u' AS c, E'l\\nf' AS d -- a comment"
	[ "$output" = "a,b,c,d
\" x\",\"\",\"q\"\"u\",\"l
f\"" ]
	run tsm-query sql "DELETE FROM candles"
	assert_status 1
	assert_output_has "cannot execute DELETE in a read-only transaction"
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 3 ]
	run tsm-query sql "SELECT 1; SELECT 2"
	assert_status 1
	run tsm-query sql "SHOW TimeZone"
	[ "$output" = "TimeZone
UTC" ]
	run tsm-query sql "SELECT * FROM candles WHERE false" --fail-empty
	assert_status 1
}

@test "sql: csv and tsv made from COPY's text are what the writer makes" {
	init_db
	# --fetch-size takes the rows path through the writer of out.h.
	sql="SELECT * FROM (VALUES (1, 'a,b', '2024-03-01 12:00:00.25+00'::timestamptz,
	    1.500::numeric, NULL::text, E'x\\ty\\nz\\r\\\\', '', ' sp', 'q\"u',
	    true, '2024-01-01 00:00:00.5'::timestamp, 'infinity'::timestamptz,
	    '{\"a\": 1}'::jsonb, 'NaN'::float8, E'\\\\N', NULL::int, E'\\x01'),
	    (2, 'b', NULL, -0.0, 'e', 'f', 'g', 'h ', 'i', false, NULL,
	    '-infinity', NULL, 1e300, 'N', 7, '')) AS v"
	for f in csv tsv; do
		for h in "" -t; do
			tsm-query -F $f $h sql "$sql" >"$BATS_TEST_TMPDIR/copy"
			tsm-query -F $f $h --fetch-size 1 sql "$sql" \
			    >"$BATS_TEST_TMPDIR/rows"
			cmp "$BATS_TEST_TMPDIR/copy" "$BATS_TEST_TMPDIR/rows"
		done
	done
	run tsm-query -F tsv -t sql "$sql"
	[ "${lines[0]}" = "$(printf '1\ta,b\t2024-03-01T12:00:00.25Z\t1.5\t\\N\tx\\ty\\nz\\r\\\\\t\t sp\tq"u\tt\t2024-01-01T00:00:00.5Z\tinfinity\t{"a": 1}\tNaN\t\\\\N\t\\N\t\001')" ]
	run tsm-query -t sql "$sql"
	[ "${lines[2]}" = '2,b,,0,e,f,g,"h ",i,f,,-infinity,,1e+300,N,7,""' ]
}

@test "a long ohlcv answer, fetched through a cursor, is the same as from COPY" {
	init_db
	load_test 60000
	tsm-query ohlcv TEST -i 1m >"$BATS_TEST_TMPDIR/ohlcv"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/ohlcv")" = 60001 ]
	tsm-query sql "SELECT time, open, high, low, close, volume FROM candles
	    WHERE timeframe = '1m' ORDER BY time" >"$BATS_TEST_TMPDIR/sql"
	cmp "$BATS_TEST_TMPDIR/ohlcv" "$BATS_TEST_TMPDIR/sql"
	run tsm-query ohlcv TEST -i 1m -l 3
	[ "${lines[3]}" = "2024-04-14T15:59:00Z,60099,60101,60098,60100,1" ]
}

@test "a role without a grant is told which one it lacks" {
	init_db
	load_test 3
	q -d postgres -c "DROP ROLE IF EXISTS tsmq_nobody" -c "CREATE ROLE tsmq_nobody LOGIN"
	run tsm-query -U tsmq_nobody latest
	assert_status 1
	assert_output_has 'tsm-query: error: role "tsmq_nobody" lacks USAGE on schema tsm'
	assert_output_has 'hint: have the owner run GRANT USAGE ON SCHEMA tsm TO "tsmq_nobody"'
	q -c "GRANT USAGE ON SCHEMA tsm TO tsmq_nobody" -c "GRANT SELECT ON tsm.schema_migrations, tsm.meta, tsm.instruments TO tsmq_nobody"
	run tsm-query -U tsmq_nobody ohlcv TEST -i 1h
	assert_status 1
	assert_output_has 'tsm-query: error: role "tsmq_nobody" lacks SELECT on table tsm.candles'
	assert_output_has "or grant it the role tsm_reader that tsm-init --roles makes"
	run tsm-query -U tsmq_nobody symbols
	assert_status 0
	drop_db
	q -d postgres -c "DROP ROLE tsmq_nobody"
}

@test "memory stays flat however many rows come" {
	init_db
	# Peak resident KB of an answer of $2 rows with --fetch-size $1.
	peak() {
		{ /usr/bin/time -f "%M" tsm-query --fetch-size "$1" sql \
		    "SELECT g, now() + g * interval '1 second' AS t FROM generate_series(1, $2) g" \
		    >/dev/null; } 2>&1 | tail -1
	}
	# AddressSanitizer's quarantine and valgrind keep freed memory:
	# there the tool's own footprint cannot be measured.
	for f in 0 1000; do
		[ -z "${ASAN_OPTIONS:-}" ] && [ "${TSM_VALGRIND:-}" != 1 ] || break
		small=$(peak $f 4000)
		rss=$(peak $f 400000)
		# Flat: 100 times the rows, at most 4 MB more; and small.
		[ "$rss" -le $((small + 4096)) ] && [ "$rss" -lt 16384 ] ||
		    { echo "fetch-size $f: $small KB for 4,000 rows, $rss KB for 400,000"; return 1; }
	done
	load_test 3
	run tsm-query sql "SELECT g FROM generate_series(1, 3) g"
	[ "$output" = "g
1
2
3" ]
	# The progress line is on stderr, and only when asked for off a tty.
	tsm-query --progress sql "SELECT g FROM generate_series(1, 3) g" \
	    2>"$BATS_TEST_TMPDIR/err" >/dev/null
	grep -q "^tsm-query: 3 rows, [0-9]* rows/s, 0.0 MB, [0-9.]* s$" \
	    "$BATS_TEST_TMPDIR/err"
	tsm-query sql "SELECT 1" 2>"$BATS_TEST_TMPDIR/err" >/dev/null
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "a reader that stops early ends the tool quietly, as cat" {
	init_db
	# 200,000 rows fill the pipe many times over: head has gone before
	# most are written.  Every format and both output paths (rows as
	# they come, and COPY for csv and tsv of plain SQL).
	for args in "-F csv" "-F tsv" "-F table" "-F json" "--fetch-size 10 -F csv"; do
		rm -f "$BATS_TEST_TMPDIR/err"
		run bash -c "tsm-query $args sql \"SELECT g, 'x' || g AS s
		    FROM generate_series(1, 200000) g\" 2>'$BATS_TEST_TMPDIR/err' |
		    head -n 2 >/dev/null; echo \${PIPESTATUS[0]}"
		# Killed by SIGPIPE, as cat and seq are: 128 + 13.
		[ "$output" = 141 ] || { echo "$args: status $output"; return 1; }
		[ ! -s "$BATS_TEST_TMPDIR/err" ] ||
		    { echo "$args:"; cat "$BATS_TEST_TMPDIR/err"; return 1; }
	done
	# A write error that is not a closed pipe is still an error.
	run bash -c 'tsm-query sql "SELECT 1" 2>&1 >/dev/full'
	assert_status 1
	assert_output_has "tsm-query: error: cannot write to stdout: No space left on device"
}

@test "the examples of the man page run" {
	init_db
	load_real
	run tsm-query ohlcv BTCUSDT -i 4h --explain -l 10 -F table
	assert_status 0
	assert_output_has "explain: answered by aggregate candles_4h"
	assert_output_has "(10 rows)"
	run tsm-query gaps BTCUSDT -i 1m --from 2021-04-01 --to 2021-05-01
	assert_status 0
	[ "${#lines[@]}" = 4 ]
	[ "${lines[3]}" = "2021-04-30T03:34:00Z,2021-04-30T23:59:00Z,1226" ]
	run tsm-query ohlcv ETHUSDT -i 1d --from 1d --fail-empty
	assert_status 1
	run tsm-query -F json sql 'SELECT symbol, count(*) FROM candles c
	    JOIN instruments i ON i.id = c.instrument_id GROUP BY 1 ORDER BY 1'
	assert_status 0
	[ "$output" = '{"symbol":"BTCUSDT","count":50000}
{"symbol":"ETHUSDT","count":50000}' ]
	run tsm-query -q latest --stale 10m -F table
	assert_status 1
	assert_output_has "(2 rows)"
}

@test "indicators: by hand, warm-up empty, saved once however often" {
	init_db
	load_test 6
	run tsm-query indicators TEST -i 1m sma:3 rsi:2 obv macd:2,3,2
	assert_status 0
	[ "${lines[0]}" = "time,open,high,low,close,volume,sma_3,rsi_2,obv,macd_2_3_2,macd_2_3_2_signal,macd_2_3_2_hist" ]
	# Closes 101 to 106, each one more: the mean of three is the middle
	# one, RSI is 100, OBV counts the volume of every rising bar.
	[ "${lines[1]}" = "2024-03-04T00:00:00Z,100,102,99,101,1,,,0,,," ]
	[ "${lines[2]}" = "2024-03-04T00:01:00Z,101,103,100,102,1,,,1,,," ]
	[ "${lines[3]}" = "2024-03-04T00:02:00Z,102,104,101,103,1,102,100,2,0.5,," ]
	[ "${lines[6]%%,1,10[45],*}" = "2024-03-04T00:05:00Z,105,107,104,106" ]
	[ "$(echo "${lines[6]}" | cut -d, -f7-9)" = "105,100,5" ]
	run tsm-query -F json indicators TEST -i 1m sma:3 --to 2024-03-04T00:01:00Z
	[ "$output" = '{"time":"2024-03-04T00:00:00Z","open":100,"high":102,"low":99,"close":101,"volume":1,"sma_3":null}' ]
	run tsm-query indicators TEST -i 1m sma:3 ema:2 --save
	assert_status 0
	assert_output_has "tsm-query: saved 9 values of 2 indicators"
	[ "$(q -c "SELECT count(*), min(time), sum(value1) FROM tsm.indicators WHERE name = 'sma'")" = "4|2024-03-04 00:02:00+00|414" ]
	run tsm-query -q indicators TEST -i 1m sma:3 ema:2 --save
	assert_status 0
	[ "$(q -c "SELECT count(*) FROM tsm.indicators")" = 9 ]
	[ "$(q -c "SELECT DISTINCT timeframe || ' ' || params FROM tsm.indicators WHERE name = 'ema'")" = "1m 2" ]
}

@test "indicators: bad specs are usage errors; a save that cannot write saves nothing" {
	run tsm-query -h /nonexistent indicators TEST -i 1h smaa:20
	assert_status 2
	assert_output_has 'tsm-query: error: indicator "smaa:20" unknown indicator: expected sma, ema, rsi'
	run tsm-query -h /nonexistent indicators TEST -i 1h macd:26,12
	assert_status 2
	assert_output_has 'indicator "macd:26,12"'
	run tsm-query -h /nonexistent indicators TEST -i 1h sma:20 sma:20
	assert_status 2
	assert_output_has 'indicator "sma:20" is given twice'
	run tsm-query -h /nonexistent indicators TEST sma:20
	assert_status 2
	assert_output_has "indicators needs --interval"
	run tsm-query -h /nonexistent ohlcv TEST -i 1h --save
	assert_status 2
	assert_output_has "--save does not apply to ohlcv"
	init_db
	load_test 6
	q -d postgres -c "DROP ROLE IF EXISTS tsmq_reader" -c "CREATE ROLE tsmq_reader LOGIN"
	q -c "GRANT USAGE ON SCHEMA tsm TO tsmq_reader" -c "GRANT SELECT ON ALL TABLES IN SCHEMA tsm TO tsmq_reader"
	run tsm-query -U tsmq_reader indicators TEST -i 1m sma:3 --save
	assert_status 1
	assert_output_has "permission denied"
	assert_output_has "nothing was saved"
	[ "$(q -c "SELECT count(*) FROM tsm.indicators")" = 0 ]
	drop_db
	q -d postgres -c "DROP ROLE tsmq_reader"
}

@test "an interrupt cancels the query and exits 130" {
	init_db
	tsm-query sql "SELECT pg_sleep(30)" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	sleep 1
	kill -INT $pid
	status=0
	wait $pid || status=$?
	[ "$status" = 130 ]
	grep -q "interrupted" "$BATS_TEST_TMPDIR/out"
}
