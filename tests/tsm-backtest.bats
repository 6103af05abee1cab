#!/usr/bin/env bats
# tsm-backtest: candles from stdin and the database, metrics agreeing with
# backtesting.py, outputs, optimisation, bad input.

load helpers

teardown() {
	drop_db
}

# The deterministic candles of scripts/ref-backtest (and test_metrics.c).
lcg() {
	"$TSM_ROOT/scripts/ref-backtest" --csv "$@"
}

# The value of metric $2 in metric,value output $1.
metric() {
	printf '%s\n' "$1" | awk -F, -v k="$2" '$1 == k { print $2 }'
}

# A database with BTCUSDT 1m candles from the scenario "daily" (400 days
# squeezed into 1m bars from 2024-03-01) or from $DATA.
load_candles() {
	init_db
	q -c "INSERT INTO tsm.instruments (exchange, symbol) VALUES ('binance', 'BTCUSDT')"
	if [ "$BACKEND" = native ]; then
		q -c "SELECT tsm.ensure_partitions('candles', '2024-02-28', '2024-03-03')" >/dev/null
	fi
	lcg hourly --iso --start 1709251200 | sed 1d | sed 's/^/1,1m,/' |
	    q -c "\\copy tsm.candles (instrument_id, timeframe, time, open, high, low, close, volume) FROM STDIN CSV"
	if [ "$BACKEND" = native ]; then
		q -c "SELECT tsm.refresh_invalidated('candles')" >/dev/null
	fi
}

@test "--help goes to stdout, exits 0, and fits in 80 columns" {
	run tsm-backtest --help
	assert_status 0
	assert_output_has "Usage:"
	assert_output_has "--walk-forward=train=AGE,test=AGE"
	long=$(tsm-backtest --help | awk 'length > 79' | wc -l)
	[ "$long" -eq 0 ]
}

@test "--version names the tool" {
	run tsm-backtest --version
	assert_status 0
	assert_output_has "tsm-backtest (tsm) "
}

@test "every option of --help is in the man page, and back" {
	for o in $(tsm-backtest --help | grep -o -- '--[a-z-]*' | sort -u); do
		grep -q -- "${o#--}" "$TSM_ROOT/man/tsm-backtest.1" ||
		    { echo "man page lacks $o"; return 1; }
	done
	for o in $(grep -o '^\.Fl -\?[a-z-]*' "$TSM_ROOT/man/tsm-backtest.1" |
	    awk '{print $2}' | sort -u); do
		tsm-backtest --help | grep -q -- "-${o#-}" ||
		    { echo "--help lacks $o"; return 1; }
	done
}

@test "usage errors exit 2 before reading or connecting, with a hint" {
	while IFS='|' read -r args msg; do
		run tsm-backtest -h /nonexistent $args </dev/null
		[ "$status" -eq 2 ] || { echo "$args: status $status: $output"; return 1; }
		case $output in
		*"$msg"*) ;;
		*) echo "$args: expected \"$msg\", got: $output"; return 1 ;;
		esac
		assert_output_has 'Try "tsm-backtest --help"'
	done <<'EOF'
--frobnicate|unknown option "--frobnicate"
--strategy sma|unknown strategy "sma"
-s rsi --fast 5|--fast is not a parameter of rsi
--fast 2.5|--fast: "2.5" takes a whole number
--fast 30 --slow 20|sma-cross needs fast below slow
-s rsi --lower 80|rsi needs lower below upper
--upper 120 -s rsi|--upper: "120" must be at most 100
--capital 0|--capital: "0" must be positive
--capital lots|--capital: "lots" is not a number
--commission 0.2|--commission: "0.2" must be below 0.1 (10%)
--fill later|--fill: "later" is not open or close
--size 0|--size: "0" must be above 0
--size 2|--size: "2" must be a fraction of the equity above 0, at most 1 (100%)
--stop-loss 150|--stop-loss: "150" must be a percent above 0 and below 100
--slippage -1|--slippage: "-1" must not be negative
--annualization 360|--annualization: "360" is not 252, 365 or auto
-F xml|--format: "xml" is not csv, tsv, table or json
--units 2.5|--units 2.5 is not a whole number of units
--units 2 --size 0.5|give --size or --units, not both
--fractional=2|--fractional: "2" must be at most 1
--interval 1h|--interval, --from, --to and --exchange need --symbol
--symbol BTCUSDT file.csv|read candles from the database (--symbol) or from "file.csv", not both
--symbol X --from 2024-03-02 --to 2024-03-01|--to must be after --from
--symbol X --from yesterday|--from: "yesterday" is not a time
--symbol X --interval 30s|--interval: "30s"
--constraint fast<slow|--constraint needs --grid
--grid fast=10:5|--grid: fast "10:5" runs backwards
--grid period=5:10|--grid: sma-cross has no parameter "period"
--grid fast=5:10 --constraint fast>>slow|expected a parameter, a number or "("
--grid fast=20:30,slow=5:10|no parameter set of the 66 in --grid is left after the constraints
--grid fast=5:10 --constraint fast>100|no parameter set of the 6 in --grid is left
--walk-forward 30d|--walk-forward takes train=AGE,test=AGE
--walk-forward train=30x,test=7d|--walk-forward: train "30x" is not an age
--maximize luck|--maximize: unknown metric "luck"
-j 0|--jobs: "0" is not a whole number from 1 to 256
--k 2|--k is not a parameter of sma-cross
a.csv b.csv|unexpected argument "b.csv"
EOF
}

@test "metrics from stdin agree with backtesting.py 0.6.6 (daily, shorts)" {
	# The reference numbers of tests/unit/test_metrics.c, printed by
	# scripts/ref-backtest from backtesting.py on these candles.
	run sh -c "'$TSM_ROOT/scripts/ref-backtest' --csv daily | tsm-backtest -q --fast 5 --slow 20 --short --commission 0.002"
	assert_status 0
	[ "${lines[0]}" = "metric,value" ]
	[ "${#lines[@]}" -eq 33 ]
	[ "$(metric "$output" start)" = 2023-01-02T00:00:00Z ]
	[ "$(metric "$output" duration)" = "399 days 00:00:00" ]
	[ "$(metric "$output" equity_final)" = 5417.379875267743 ]
	[ "$(metric "$output" trades)" = 29 ]
	[ "$(metric "$output" exposure_time_pct)" = 86.75 ]
	[ "$(metric "$output" max_drawdown_duration)" = "361 days 00:00:00" ]
	awk -v a="$(metric "$output" sharpe)" 'BEGIN { d = a + 3.2687412353492173; exit !(d < 1e-9 && d > -1e-9) }'
	awk -v a="$(metric "$output" sqn)" 'BEGIN { d = a + 3.7275331899922484; exit !(d < 1e-9 && d > -1e-9) }'
}

@test "real 1m data: the same trades and metrics as backtesting.py" {
	f="$DATA/ohlcv-1m/BTCUSDT_1m_2021.csv"
	[ -f "$f" ] || skip "$f is not there"
	# backtesting.py 0.6.6 on this file (scripts/compare-backtesting-py):
	# SmaCross 10/20, commission 0.001, cash 1000000.
	run tsm-backtest "$f" --capital 1000000 --commission 0.001 --trades "$(tmpdir)/t.csv"
	assert_status 0
	[ "$(metric "$output" trades)" = 1464 ]
	[ "$(metric "$output" equity_final)" = 73237.19520000009 ]
	[ "$(metric "$output" commissions)" = 897865.3648000007 ]
	[ "$(metric "$output" max_drawdown_duration)" = "34 days 19:29:00" ]
	[ "$(metric "$output" avg_trade_duration)" = "0 days 00:18:00" ]
	assert_output_has "2 gaps in the candles, the longest 4h45m after 2021-04-25T04:00:00Z"
	[ "$(sed -n 2p "$(tmpdir)/t.csv")" = "1,19,2021-03-26T03:45:00Z,2021-03-26T03:58:00Z,52541.53,52394.47,-4787.923999999955,-0.4796129842431267,1993.784,,,signal" ]
}

@test "columns are found by name in any order; other columns are ignored" {
	lcg daily | head -60 > "$(tmpdir)/a.csv"
	awk -F, -v OFS=, '{ print "x" NR, $5, $1, $4, $3, $2, $6 }' "$(tmpdir)/a.csv" |
	    sed '1s/^x1/symbol/' > "$(tmpdir)/b.csv"
	a=$(tsm-backtest -q --fast 3 --slow 7 < "$(tmpdir)/a.csv")
	run tsm-backtest --fast 3 --slow 7 "$(tmpdir)/b.csv"
	assert_status 0
	assert_output_has 'ignoring column "symbol"'
	[ "$(tsm-backtest -q --fast 3 --slow 7 "$(tmpdir)/b.csv")" = "$a" ]
	# As tsm-query ohlcv writes it: ISO times in UTC.
	lcg daily --iso | head -60 > "$(tmpdir)/c.csv"
	[ "$(tsm-backtest -q --fast 3 --slow 7 < "$(tmpdir)/c.csv")" = "$a" ]
}

@test "bad candles: each is refused with its line and exit 1" {
	h=time,open,high,low,close
	while IFS='|' read -r rows msg; do
		run sh -c "printf '$h\\n$rows' | tsm-backtest"
		[ "$status" -eq 1 ] || { echo "$rows: status $status: $output"; return 1; }
		case $output in
		*"$msg"*) ;;
		*) echo "$rows: expected \"$msg\", got: $output"; return 1 ;;
		esac
	done <<'EOF'
2024-03-01T00:01:00Z,1,2,0.5,1\n2024-03-01T00:00:00Z,1,2,0.5,1\n|stdin line 3: time 2024-03-01T00:00:00Z is before 2024-03-01T00:01:00Z on line 2
2024-03-01T00:00:00Z,1,2,0.5,1\n2024-03-01T00:00:00Z,1,2,0.5,1\n|stdin line 3: time 2024-03-01T00:00:00Z repeats line 2
2024-03-01T00:00:00Z,1,2,0.5,NaN\n|stdin line 2, column "close": "NaN" is not finite
2024-03-01T00:00:00Z,0,2,0.5,1\n|stdin line 2, column "open": "0" is not a positive price
2024-03-01T00:00:00Z,1,2,0.5,-4\n|stdin line 2, column "close": "-4" is not a positive price
2024-03-01T00:00:00Z,1,0.8,0.5,1\n|stdin line 2: high 0.8 is below open 1
|error: no candles in stdin
2024-03-01T00:00:00Z,1,2,0.5,1\n2024-03-01T00:01:00Z,1,2,0.5,1\n|2 candles are too few for sma-cross fast=10,slow=20: it needs at least 22
EOF
	run sh -c "echo 2024-03-01,1,2,0.5,1 | tsm-backtest"
	assert_status 1
	assert_output_has "no header row naming the columns time, open, high, low, close"
	assert_output_has "hint: name the columns of a headerless file with --columns"
	run sh -c "echo 2024-03-01,1,2,0.5,1 | tsm-backtest -s buy-hold --columns time,open,high,low,close"
	assert_status 1
	assert_output_has "1 candle is too few for buy-hold: it needs at least 3"
	run tsm-backtest "$(tmpdir)/missing.csv"
	assert_status 1
	assert_output_has 'cannot open'
}

@test "a capital too small for one whole unit is refused; --fractional trades" {
	lcg daily > "$(tmpdir)/a.csv"
	run tsm-backtest --capital 50 "$(tmpdir)/a.csv"
	assert_status 1
	assert_output_has "error: the capital of 50 is too small for one whole unit at"
	assert_output_has "hint: raise --capital, or trade fractions of a unit with --fractional"
	run tsm-backtest -q --capital 50 --fractional "$(tmpdir)/a.csv"
	assert_status 0
	[ "$(metric "$output" trades)" -gt 0 ]
	run tsm-backtest -q --capital 50 --fractional=0.01 --trades "$(tmpdir)/t.csv" "$(tmpdir)/a.csv"
	assert_status 0
	# Sizes are whole numbers of hundredths.
	awk -F, 'NR > 1 { d = $2 * 100 - int($2 * 100 + 0.5); if (d > 1e-6 || d < -1e-6) bad = 1 } END { exit bad }' "$(tmpdir)/t.csv"
}

@test "gaps are allowed and counted in a note" {
	lcg daily | sed '30,40d' > "$(tmpdir)/a.csv"
	run tsm-backtest "$(tmpdir)/a.csv"
	assert_status 0
	assert_output_has "1 gap in the candles, the longest 12d after 2023-01-29T00:00:00Z; the backtest runs across them"
	run tsm-backtest -q "$(tmpdir)/a.csv"
	refute_output_has "gap"
}

@test "--trades and --equity write CSV files; formats and -t" {
	lcg daily > "$(tmpdir)/a.csv"
	run tsm-backtest -q --fast 5 --slow 20 --short --commission 0.002 --close-at-end \
	    --trades "$(tmpdir)/t.csv" --equity "$(tmpdir)/e.csv" "$(tmpdir)/a.csv"
	assert_status 0
	[ "$(head -1 "$(tmpdir)/t.csv")" = "n,size,entry_time,exit_time,entry_price,exit_price,pnl,return_pct,commission,sl,tp,exit_reason" ]
	[ "$(($(wc -l < "$(tmpdir)/t.csv") - 1))" = "$(metric "$output" trades)" ]
	# The first trade, as backtesting.py has it.
	[ "$(sed -n 2p "$(tmpdir)/t.csv" | cut -d, -f2,5,6)" = "-96,103.19580482943634,104.30777820195385" ]
	[ "$(tail -1 "$(tmpdir)/t.csv" | cut -d, -f12)" = end ]
	[ "$(head -1 "$(tmpdir)/e.csv")" = "time,equity,drawdown_pct" ]
	[ "$(wc -l < "$(tmpdir)/e.csv")" -eq 401 ]
	[ "$(tail -1 "$(tmpdir)/e.csv" | cut -d, -f2)" = "$(metric "$output" equity_final)" ]
	run tsm-backtest -q -F json "$(tmpdir)/a.csv"
	assert_status 0
	[ "${lines[0]}" = '{"metric":"start","value":"2023-01-02T00:00:00Z"}' ]
	run tsm-backtest -q -t -F tsv "$(tmpdir)/a.csv"
	[ "${lines[0]}" = "$(printf 'start\t2023-01-02T00:00:00Z')" ]
	run tsm-backtest -q -F table "$(tmpdir)/a.csv"
	assert_output_has "(32 rows)"
}

@test "an open trade is left out of the metrics unless --close-at-end" {
	lcg daily > "$(tmpdir)/a.csv"
	run tsm-backtest --fast 5 --slow 20 --short --trades "$(tmpdir)/t.csv" "$(tmpdir)/a.csv"
	assert_status 0
	assert_output_has "a trade is still open at the end and not counted in the metrics"
	[ "$(tail -1 "$(tmpdir)/t.csv" | cut -d, -f4,12)" = ",open" ]
	[ "$(metric "$output" trades)" = 29 ]
	run tsm-backtest -q --fast 5 --slow 20 --short --close-at-end "$(tmpdir)/a.csv"
	[ "$(metric "$output" trades)" = 30 ]
}

@test "--plot writes an SVG that renders to a picture that is not blank" {
	command -v rsvg-convert >/dev/null || skip "rsvg-convert (librsvg2-bin) is not installed"
	lcg hourly > "$(tmpdir)/a.csv"
	run tsm-backtest -q -s macd --trailing-stop 2 --plot "$(tmpdir)/p.svg" "$(tmpdir)/a.csv"
	assert_status 0
	grep -q '<svg xmlns="http://www.w3.org/2000/svg"' "$(tmpdir)/p.svg"
	! grep -q -e '<script' -e 'href=' "$(tmpdir)/p.svg"
	rsvg-convert "$(tmpdir)/p.svg" -o "$(tmpdir)/p.png"
	stats=$("$TSM_ROOT/tests/png-stats" "$(tmpdir)/p.png")
	echo "# $stats" >&3
	case $stats in 1200x820*) ;; *) echo "$stats"; return 1 ;; esac
	colours=$(echo "$stats" | sed 's/.*colours=\([0-9]*\).*/\1/')
	inked=$(echo "$stats" | sed 's/.*inked=\([0-9]*\).*/\1/')
	[ "$colours" -gt 50 ] && [ "$inked" -ge 10 ]
	# Kept for a look: the path is in the TAP output.
	cp "$(tmpdir)/p.png" "${BATS_RUN_TMPDIR:-/tmp}/tsm-backtest-plot.png"
	echo "# plot: ${BATS_RUN_TMPDIR:-/tmp}/tsm-backtest-plot.png" >&3
}

@test "--grid: every set, best first; -j 2 gives the same table as -j 1" {
	lcg daily > "$(tmpdir)/a.csv"
	run tsm-backtest --grid fast=3:15:3,slow=10,20,40 --constraint 'slow>=2*fast' \
	    --maximize sharpe -j 2 "$(tmpdir)/a.csv"
	assert_status 0
	# fast <= slow/2: 1 set with slow 10, 3 with 20, 5 with 40.
	assert_output_has "best of 9 parameter sets by sharpe"
	one=$(tsm-backtest -q --grid fast=3:15:3,slow=10,20,40 --constraint 'slow>=2*fast' --maximize sharpe -j 1 "$(tmpdir)/a.csv")
	two=$(tsm-backtest -q --grid fast=3:15:3,slow=10,20,40 --constraint 'slow>=2*fast' --maximize sharpe -j 2 "$(tmpdir)/a.csv")
	[ "$one" = "$two" ]
	[ "$(echo "$one" | head -1)" = "fast,slow,sharpe,trades,return_pct,sortino,calmar,sqn,max_drawdown_pct,win_rate_pct,profit_factor,equity_final" ]
	[ "$(echo "$one" | wc -l)" -eq 10 ]
	# Sorted by sharpe, descending.
	echo "$one" | awk -F, 'NR > 2 && $3 > prev { exit 1 } { prev = $3 }'
	# The best row is what a single run of its parameters gives.
	best=$(echo "$one" | sed -n 2p)
	f=$(echo "$best" | cut -d, -f1); s=$(echo "$best" | cut -d, -f2)
	single=$(tsm-backtest -q --fast "$f" --slow "$s" "$(tmpdir)/a.csv")
	[ "$(echo "$best" | cut -d, -f3)" = "$(metric "$single" sharpe)" ]
	[ "$(echo "$best" | cut -d, -f12)" = "$(metric "$single" equity_final)" ]
}

@test "--walk-forward: a row per window and the stitched out-of-sample result" {
	lcg daily > "$(tmpdir)/a.csv"
	run tsm-backtest --grid fast=3:9:3,slow=15,30 --walk-forward train=120d,test=60d \
	    --trades "$(tmpdir)/t.csv" "$(tmpdir)/a.csv"
	assert_status 0
	assert_output_has "walk-forward windows; out of sample:"
	assert_output_has "window,train_from,train_to,test_from,test_to,params,train_sqn,test_trades,test_return_pct,test_sqn"
	assert_output_has "1,2023-01-02T00:00:00Z,2023-05-01T00:00:00Z,2023-05-02T00:00:00Z,2023-06-30T00:00:00Z,fast=9 slow=15,"
	last=$(printf '%s\n' "$output" | grep '^all,')
	[ "$(echo "$last" | cut -d, -f4)" = 2023-05-02T00:00:00Z ]
	# The stitched trades are the windows' trades.
	sum=$(printf '%s\n' "$output" | grep -E '^[0-9]+,' | awk -F, '{ s += $8 } END { print s }')
	[ "$(echo "$last" | cut -d, -f8)" = "$sum" ]
	[ "$(($(wc -l < "$(tmpdir)/t.csv") - 1))" = "$sum" ]
	run tsm-backtest --walk-forward train=400d,test=30d "$(tmpdir)/a.csv"
	assert_status 1
	assert_output_has "too short for one walk-forward window"
}

@test "database: candles by interval: stored 1m, an aggregate, 1m in buckets" {
	load_candles
	lcg hourly > "$(tmpdir)/a.csv"
	run tsm-backtest -q --symbol BTCUSDT -s macd
	assert_status 0
	# The same candles as the file, so the same metrics but the times.
	[ "$(echo "$output" | grep -v -e '^start' -e '^end' -e 'duration' -e _ann -e cagr -e sharpe -e sortino -e calmar)" = \
	  "$(tsm-backtest -q -s macd "$(tmpdir)/a.csv" | grep -v -e '^start' -e '^end' -e 'duration' -e _ann -e cagr -e sharpe -e sortino -e calmar)" ]
	run tsm-backtest -q --symbol BTCUSDT --interval 15m -s buy-hold
	assert_status 0
	[ "$(metric "$output" start)" = 2024-03-01T00:00:00Z ]
	[ "$(metric "$output" end)" = 2024-03-01T08:15:00Z ]
	fifteen=$output
	if [ "$BACKEND" = native ]; then
		# Candles written behind the rollup's back: its buckets there
		# are not trusted, the 1m candles are used, with a note.
		q -c "UPDATE tsm.candles SET close = close * 1.5, high = high * 1.5 WHERE time >= '2024-03-01 08:18' AND timeframe = '1m'"
		run tsm-backtest --symbol BTCUSDT --interval 15m -s buy-hold
		assert_status 0
		assert_output_has "candles_15m has writes in the range not yet refreshed: the 1m candles are aggregated instead"
		[ "$(metric "$output" equity_final)" != "$(metric "$fifteen" equity_final)" ]
		q -c "SELECT tsm.refresh_invalidated('candles')" >/dev/null
		run tsm-backtest --symbol BTCUSDT --interval 15m -s buy-hold
		refute_output_has "not yet refreshed"
	fi
	run tsm-backtest -q --symbol BTCUSDT --interval 10m -s buy-hold --from 2024-03-01T01:00:00Z --to 2024-03-01T03:00:00Z
	assert_status 0
	[ "$(metric "$output" start)" = 2024-03-01T01:00:00Z ]
	[ "$(metric "$output" end)" = 2024-03-01T02:50:00Z ]
	run tsm-backtest --symbol BTCUSDT --interval 1h --from 2025-01-01 --to 2025-02-01
	assert_status 1
	assert_output_has "error: no 1h candles for BTCUSDT on binance from 2025-01-01T00:00:00Z before 2025-02-01T00:00:00Z"
	run tsm-backtest --symbol ETHUSDT
	assert_status 1
	assert_output_has "error: no instrument ETHUSDT"
	q -c "INSERT INTO tsm.instruments (exchange, symbol) VALUES ('kraken', 'BTCUSDT')"
	run tsm-backtest --symbol BTCUSDT
	assert_status 1
	assert_output_has "BTCUSDT names 2 instruments: binance (spot), kraken (spot)"
	run tsm-backtest -q --symbol BTCUSDT --exchange binance -s buy-hold
	assert_status 0
}

@test "--save stores the run and its trades; grids and walks in optimization_runs" {
	load_candles
	run tsm-backtest --symbol BTCUSDT -s macd --close-at-end --save
	assert_status 0
	assert_output_has "saved backtest run 1 with"
	[ "$(q -c "SELECT strategy, params, symbol, timeframe, data_source, bars FROM tsm.backtest_runs")" = \
	    'macd|{"fast": 12, "slow": 26, "signal": 9}|BTCUSDT|1m|candles|500' ]
	[ "$(q -c "SELECT count(*) FROM tsm.backtest_trades WHERE run_id = 1")" = "$(metric "$output" trades)" ]
	[ "$(q -c "SELECT (metrics->>'equity_final')::float8 = $(metric "$output" equity_final) FROM tsm.backtest_runs")" = t ]
	[ "$(q -c "SELECT settings->>'close_at_end' FROM tsm.backtest_runs")" = true ]
	# From stdin, with the interval found from the steps.
	lcg daily | tsm-backtest -q --save >/dev/null
	[ "$(q -c "SELECT symbol IS NULL, timeframe, data_source FROM tsm.backtest_runs WHERE id = 2")" = "t|1d|stdin" ]
	tsm-backtest -q --symbol BTCUSDT --grid fast=3:9:3,slow=20,30 --maximize return --save >/dev/null
	[ "$(q -c "SELECT grid, maximize, combinations, jsonb_array_length(results) FROM tsm.optimization_runs")" = "fast=3:9:3,slow=20,30|return_pct|6|6" ]
	tsm-backtest -q --symbol BTCUSDT --grid fast=3:9:3,slow=20,30 --walk-forward train=3h,test=1h --save >/dev/null
	[ "$(q -c "SELECT jsonb_array_length(walk_forward->'windows') > 0, walk_forward->'out_of_sample' ? 'sharpe' FROM tsm.optimization_runs WHERE id = 2")" = "t|t" ]
}

@test "an unreachable server exits 3 and never shows the password" {
	lcg daily > "$(tmpdir)/a.csv"
	run tsm-backtest --save -d "postgresql://bob:s3cr3t@/nodb?host=/nonexistent" "$(tmpdir)/a.csv"
	assert_status 3
	refute_output_has "s3cr3t"
}

@test "SIGINT stops a grid and its workers: exit 130" {
	# A series long enough for the grid to run for seconds.
	awk 'BEGIN { p = 100; srand(7); print "time,open,high,low,close";
	    for (i = 0; i < 200000; i++) { o = p; p = p * (1 + (rand() - 0.5) / 100);
	    h = (o > p ? o : p) * 1.001; l = (o < p ? o : p) * 0.999;
	    printf "%d,%.6f,%.6f,%.6f,%.6f\n", 1700000000 + 60 * i, o, h, l, p } }' > "$(tmpdir)/long.csv"
	tsm-backtest -q --grid fast=2:60,slow=70:300 -j 2 "$(tmpdir)/long.csv" > /dev/null 2> "$(tmpdir)/err" &
	pid=$!
	sleep 1.5
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 130 ] || { cat "$(tmpdir)/err"; echo "status $status"; return 1; }
	grep -q "interrupted" "$(tmpdir)/err"
	# No worker is left behind.
	sleep 0.2
	! pgrep -f "long.csv" >/dev/null
}
