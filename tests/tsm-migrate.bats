#!/usr/bin/env bats
# tsm-migrate: bots' JSON files into positions and trades, legacy kline
# tables and other tables into the series, and every kind of bad input.

load helpers

JSON="$DATA/json"

teardown() {
	drop_db
}

# real_file VAR NAME copies a real data file into this test's directory
# (backups are written beside the file: never beside the shared data) and
# sets VAR to its path, or skips the test, visibly.  Not in $(...): a
# skip there would only leave the subshell.
real_file() {
	[ -f "$JSON/$2" ] || skip "$JSON/$2 is not there"
	cp "$JSON/$2" "$BATS_TEST_TMPDIR/$2"
	printf -v "$1" '%s' "$BATS_TEST_TMPDIR/$2"
}

# Writes stdin to a file of this test and prints its path.
file() {
	cat >"$BATS_TEST_TMPDIR/$1"
	echo "$BATS_TEST_TMPDIR/$1"
}

# Nothing in the positions and trades tables, no instrument made.
assert_db_unchanged() {
	[ "$(q -c "SELECT (SELECT count(*) FROM tsm.positions) + (SELECT count(*) FROM tsm.trades) + (SELECT count(*) FROM tsm.instruments)")" = 0 ] ||
	    { echo "the database changed"; return 1; }
}

NT_MAP=(--mode paper --value-map 'action=Продажа:sell,Покупка:buy')

# ---- the command line ----

@test "--help goes to stdout, exits 0, and fits in 80 columns" {
	run tsm-migrate --help
	assert_status 0
	assert_output_has "Usage:"
	assert_output_has "tsm-migrate klines [OPTION]..."
	long=$(tsm-migrate --help | awk 'length > 79' | wc -l)
	[ "$long" -eq 0 ]
}

@test "--version names the tool" {
	run tsm-migrate --version
	assert_status 0
	assert_output_has "tsm-migrate (tsm) "
}

@test "every option of --help is in the man page, and back" {
	for o in $(tsm-migrate --help | grep -o -- '--[a-z-]*' | sort -u); do
		grep -q -- "${o#--}" "$TSM_ROOT/man/tsm-migrate.1" ||
		    { echo "man page lacks $o"; return 1; }
	done
	for o in $(grep -o '^\.Fl -\?[a-z-]*' "$TSM_ROOT/man/tsm-migrate.1" |
	    awk '{print $2}' | sort -u); do
		tsm-migrate --help | grep -q -- "-${o#-}" ||
		    { echo "--help lacks $o"; return 1; }
	done
}

@test "usage errors exit 2 before connecting, with a hint" {
	run tsm-migrate -h /nonexistent
	assert_status 2
	assert_output_has 'tsm-migrate: error: a command is needed: positions, trades, klines or table'
	assert_output_has 'Try "tsm-migrate --help"'
	run tsm-migrate -h /nonexistent fish x.json
	assert_status 2
	assert_output_has 'unknown command "fish": positions, trades, klines or table'
	run tsm-migrate -h /nonexistent trades --frobnicate x.json
	assert_status 2
	assert_output_has 'unknown option "--frobnicate"'
	run tsm-migrate -h /nonexistent trades
	assert_status 2
	assert_output_has 'give the JSON files to migrate: tsm-migrate trades FILE...'
	run tsm-migrate -h /nonexistent trades --tables 'x%' x.json
	assert_status 2
	assert_output_has '--tables is not an option of trades'
	run tsm-migrate -h /nonexistent klines --value-map a=b:c
	assert_status 2
	assert_output_has '--value-map is not an option of klines'
	run tsm-migrate -h /nonexistent klines extra
	assert_status 2
	assert_output_has 'unexpected argument "extra": klines finds its tables with --tables'
}

@test "bad option values are refused before connecting" {
	run tsm-migrate -h /nonexistent trades --mode demo x.json
	assert_status 2
	assert_output_has '--mode takes paper or live, not "demo"'
	run tsm-migrate -h /nonexistent trades --time-unit min x.json
	assert_status 2
	assert_output_has '--time-unit takes s, ms, us or ns, not "min"'
	run tsm-migrate -h /nonexistent trades --tz Mars/Olympus x.json
	assert_status 2
	assert_output_has '--tz: unknown time zone "Mars/Olympus"'
	run tsm-migrate -h /nonexistent trades --max-size 12X x.json
	assert_status 2
	assert_output_has '--max-size takes a size such as 64M, 1G or 500k, not "12X"'
	run tsm-migrate -h /nonexistent trades --map price x.json
	assert_status 2
	assert_output_has '--map takes FIELD=PATH, not "price"'
	run tsm-migrate -h /nonexistent trades --map colour=x x.json
	assert_status 2
	assert_output_has '--map: trades have no field "colour"'
	assert_output_has 'hint: the fields are: exchange symbol side quantity price'
	run tsm-migrate -h /nonexistent positions --map price=x x.json
	assert_status 2
	assert_output_has '--map: positions have no field "price"'
	run tsm-migrate -h /nonexistent trades --map 'price=a[' x.json
	assert_status 2
	assert_output_has '--map price=a[: the path "a[" has a [ that holds neither a number, a quoted key nor *'
	run tsm-migrate -h /nonexistent trades --value-map side x.json
	assert_status 2
	assert_output_has '--value-map takes FIELD=FROM:TO[,FROM:TO...], not "side"'
	run tsm-migrate -h /nonexistent trades --value-map side=hold x.json
	assert_status 2
	assert_output_has '--value-map side=hold: "hold" needs a ":" between the value and what it means'
	run tsm-migrate -h /nonexistent trades --preset 3commas x.json
	assert_status 2
	assert_output_has '--preset: unknown format "3commas"; known: freqtrade'
	run tsm-migrate -h /nonexistent positions --preset freqtrade x.json
	assert_status 2
	assert_output_has '--preset freqtrade is for trades, not positions'
	run tsm-migrate -h /nonexistent trades --path '$.a..b' x.json
	assert_status 2
	assert_output_has '--path "$.a..b" has an empty key'
	run tsm-migrate -h /nonexistent trades - < /dev/null
	assert_status 2
	assert_output_has 'reading stdin needs --source to name where the records come from'
	run tsm-migrate -h /nonexistent klines --batch-size 0
	assert_status 2
	assert_output_has '--batch-size takes a whole number from 1 to 100000000, not "0"'
	run tsm-migrate -h /nonexistent table old_candles
	assert_status 2
	assert_output_has 'table needs --kind: candles, ticks, greeks, sentiment, flows, metrics or indicators'
	run tsm-migrate -h /nonexistent table --kind candles --exchange binance old_candles
	assert_status 2
	assert_output_has '--exchange and --symbol go together'
	run tsm-migrate -h /nonexistent table --kind candles --interval 30s old_candles
	assert_status 2
	assert_output_has '--interval: "30s"'
	run tsm-migrate -h /nonexistent table --kind candles
	assert_status 2
	assert_output_has 'give the table to move: tsm-migrate table --kind=KIND SOURCE'
}

@test "an unreachable server exits 3 and never shows the password" {
	f=$(file t.json <<<'[{"symbol":"BTC","qty":1,"side":"buy","price":5,"time":"2024-01-01T00:00:00Z"}]')
	run tsm-migrate trades --no-backup -d "postgresql://bob:s3cr3t@/nodb?host=/nonexistent" "$f"
	assert_status 3
	assert_output_has "could not connect"
	refute_output_has "s3cr3t"
	run tsm-migrate klines -d "host=/nonexistent password=s3cr3t dbname=x"
	assert_status 3
	refute_output_has "s3cr3t"
}

@test "a database without tsm's schema is refused" {
	require_backend
	new_db
	f=$(file t.json <<<'[{"symbol":"BTC","qty":1,"side":"buy","price":5,"time":"2024-01-01T00:00:00Z"}]')
	run tsm-migrate trades --no-backup "$f"
	assert_status 1
	assert_output_has "does not exist in database"
	assert_output_has "hint: run tsm-init"
}

# ---- the three real files ----

@test "AutoTrader01: three positions keyed by symbol, negative size is short" {
	init_db
	real_file f AutoTrader01_positions_data.json
	run tsm-migrate positions "$f"
	assert_status 0
	assert_output_has 'AutoTrader01_positions_data.json: 3 records: 3 inserted, 0 already there; 3 of 3 in tsm.positions'
	assert_output_has 'warning: '"$f"': zone-less times are read as UTC, such as "2025-03-19 16:57:03" ($.positions.ETHUSD.last_update); give --tz if they are local times'
	run q -c "SELECT symbol, side, quantity, entry_price, current_price, stop_loss, status, mode, updated_at, extra FROM tsm.positions ORDER BY id"
	[ "${lines[0]}" = 'ETHUSD|long|1.0|1943.75|2013.85|1980.531|open|live|2025-03-19 16:57:03+00|{"stop_loss_updates": 3}' ]
	[ "${lines[1]}" = 'SOLUSD|short|1.0|126.59|128.73|129.08916|open|live|2025-03-19 16:08:27+00|{"stop_loss_updates": 1}' ]
	[ "${lines[2]}" = 'BIOUSD|long|1.0|0.0884|0.0884|0.08663|open|live|2025-03-19 17:00:11+00|{"stop_loss_updates": 0}' ]
	[ "$(q -c "SELECT DISTINCT source FROM tsm.positions")" = "$f" ]
	[ "$(q -c "SELECT count(DISTINCT source_key) FROM tsm.positions")" = 3 ]
}

@test "AutoTrader01: a second run inserts nothing and says so" {
	init_db
	real_file f AutoTrader01_positions_data.json
	tsm-migrate -q positions "$f"
	before=$(q -c "SELECT * FROM tsm.positions ORDER BY id")
	run tsm-migrate positions "$f"
	assert_status 0
	assert_output_has '3 records: 0 inserted, 3 already there; 3 of 3 in tsm.positions'
	assert_output_has 'nothing new: every record was migrated before'
	assert_output_has "the backup $f.bak is already there"
	[ "$before" = "$(q -c "SELECT * FROM tsm.positions ORDER BY id")" ]
}

@test "AutoTrader01: the original is kept and FILE.bak is byte for byte the same" {
	init_db
	real_file f AutoTrader01_positions_data.json
	run tsm-migrate positions "$f"
	assert_status 0
	assert_output_has "backed up as $f.bak"
	cmp "$f" "$f.bak"
	cmp "$f" "$JSON/AutoTrader01_positions_data.json"
	[ "$(stat -c %a "$f")" = "$(stat -c %a "$f.bak")" ]
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep tmp)" ]
}

@test "AutoTrader01: --tz reads the zone-less times as local" {
	init_db
	real_file f AutoTrader01_positions_data.json
	run tsm-migrate positions --no-backup --tz Europe/Berlin "$f"
	assert_status 0
	refute_output_has "zone-less"
	[ "$(q -c "SELECT updated_at FROM tsm.positions WHERE symbol = 'ETHUSD'")" = "2025-03-19 15:57:03+00" ]
}

@test "NeuroTrader: 6,468 closed trades with Russian actions, times from _unix_time" {
	init_db
	real_file f NeuroTrader_paper_trading_data.json
	run tsm-migrate trades "${NT_MAP[@]}" "$f"
	assert_status 0
	assert_output_has 'NeuroTrader_paper_trading_data.json: 6468 records: 6468 inserted, 0 already there; 6468 of 6468 in tsm.trades'
	refute_output_has "zone-less"
	[ "$(q -c "SELECT count(*), count(DISTINCT source_key), min(side), max(side), min(mode), max(mode) FROM tsm.trades")" = "6468|6468|sell|sell|paper|paper" ]
	[ "$(q -c "SELECT count(*) FROM tsm.trades WHERE status = 'Закрыто с убытком'")" = 3394 ]
	[ "$(q -c "SELECT count(*) FROM tsm.trades WHERE status = 'Закрыто с прибылью'")" = 3074 ]
	# The first record: _unix_time 1742125864.0, local text 16:51:04.
	run q -c "SELECT symbol, quantity, price, exit_price, pnl, time, extra FROM tsm.trades ORDER BY id LIMIT 1"
	[ "$output" = 'BTCUSDT|0.00012112969429045496|82452.85|82452.85|-0.012511486123260317|2025-03-16 11:51:04+00|{"timestamp": "2025-03-16 16:51:04", "order_amount": 10}' ]
	# The last: timestamp_unix 1784714292.6050732, rounded to microseconds.
	[ "$(q -c "SELECT time FROM tsm.trades ORDER BY id DESC LIMIT 1")" = "2026-07-22 09:58:12.605073+00" ]
	[ "$(q -c "SELECT count(*) FROM tsm.trades WHERE extra ? '_unix_time'")" = 2895 ]
}

@test "NeuroTrader: without --value-map the Russian action is refused, nothing written" {
	init_db
	real_file f NeuroTrader_paper_trading_data.json
	run tsm-migrate trades "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: \$[0].action: \"Продажа\" is not a side: expected buy, sell, long or short"
	assert_output_has 'hint: map it with --value-map action=Продажа:buy (or :sell)'
	assert_output_has 'error: 6448 more problems not shown'
	assert_output_has '6468 problems in 1 of 1 file: nothing was migrated'
	assert_db_unchanged
	[ ! -e "$f.bak" ]
}

@test "NeuroTrader: a second run inserts nothing; records the bot appended go in" {
	init_db
	real_file f NeuroTrader_paper_trading_data.json
	# The bot's file as it was 468 trades ago.
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); json.dump(d[:6000], open(sys.argv[1], "w"), ensure_ascii=False, indent=4)' "$f"
	run tsm-migrate trades "${NT_MAP[@]}" "$f"
	assert_status 0
	assert_output_has '6000 records: 6000 inserted'
	cp "$JSON/NeuroTrader_paper_trading_data.json" "$f"
	run tsm-migrate trades "${NT_MAP[@]}" "$f"
	assert_status 0
	assert_output_has '6468 records: 468 inserted, 6000 already there; 6468 of 6468 in tsm.trades'
	assert_output_has "backed up as $f.bak.1"
	cmp "$f" "$f.bak.1"
	run tsm-migrate trades "${NT_MAP[@]}" "$f"
	assert_output_has '6468 records: 0 inserted, 6468 already there'
	[ "$(q -c "SELECT count(*) FROM tsm.trades")" = 6468 ]
}

@test "KRAKENBOTZYN: two open positions keyed by pair, entry times rounded to microseconds" {
	init_db
	real_file f KRAKENBOTZYN_paper_trading_state.json
	run tsm-migrate positions --mode paper "$f"
	assert_status 0
	assert_output_has '2 records: 2 inserted, 0 already there; 2 of 2 in tsm.positions'
	run q -c "SELECT symbol, side, quantity, entry_price, opened_at, mode, status FROM tsm.positions ORDER BY id"
	[ "${lines[0]}" = 'ZEC/USD|long|0.03|497.95885499999997|2025-11-13 21:53:48.576708+00|paper|open' ]
	[ "${lines[1]}" = 'BTC/USD|long|0.00010027|99728.33924999999|2025-11-13 23:55:11.821867+00|paper|open' ]
	[ "$(q -c "SELECT extra->>'entry_fee' FROM tsm.positions WHERE symbol = 'ZEC/USD'")" = 0.038840790689999995 ]
	[ "$(q -c "SELECT extra ? 'stop_loss' FROM tsm.positions LIMIT 1")" = f ]
}

@test "KRAKENBOTZYN: its closed_positions list is empty: nothing to migrate" {
	init_db
	real_file f KRAKENBOTZYN_paper_trading_state.json
	run tsm-migrate trades "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: \$.closed_positions: the list is empty: no records to migrate"
	assert_db_unchanged
}

@test "the three real files in one database, twice" {
	init_db
	real_file a AutoTrader01_positions_data.json
	real_file k KRAKENBOTZYN_paper_trading_state.json
	real_file n NeuroTrader_paper_trading_data.json
	tsm-migrate -q positions --tz UTC "$a"
	tsm-migrate -q positions --mode paper "$k"
	tsm-migrate -q trades "${NT_MAP[@]}" "$n"
	[ "$(q -c "SELECT (SELECT count(*) FROM tsm.positions), (SELECT count(*) FROM tsm.trades)")" = "5|6468" ]
	run tsm-migrate positions --tz UTC "$a" "$k"
	assert_status 0
	assert_output_has "$a: 3 records: 0 inserted"
	assert_output_has "$k: 2 records: 0 inserted"
	run tsm-migrate trades "${NT_MAP[@]}" "$n"
	assert_output_has '6468 records: 0 inserted, 6468 already there'
	[ "$(q -c "SELECT (SELECT count(*) FROM tsm.positions), (SELECT count(*) FROM tsm.trades)")" = "5|6468" ]
}

# ---- options ----

@test "--dry-run prints the rows as CSV and writes nothing" {
	init_db
	real_file f AutoTrader01_positions_data.json
	run tsm-migrate positions --dry-run --tz UTC "$f"
	assert_status 0
	[ "${lines[0]}" = "exchange,symbol,side,quantity,entry_price,current_price,stop_loss,take_profit,leverage,unrealized_pnl,status,mode,strategy,opened_at,updated_at,closed_at,source,source_key,extra" ]
	[[ "${lines[1]}" == '"",ETHUSD,long,1,1943.75,2013.85,1980.531,,,,open,live,,,2025-03-19T16:57:03Z,,'"$f",* ]]
	[[ "${lines[1]}" == *',"{""stop_loss_updates"": 3}"' ]]
	[[ "${lines[2]}" == '"",SOLUSD,short,1,126.59,'* ]]
	assert_output_has 'dry run: 3 of 3 records would be inserted into tsm.positions, 0 are there already; nothing was written'
	assert_db_unchanged
	[ ! -e "$f.bak" ]
	tsm-migrate -q positions --tz UTC "$f"
	run tsm-migrate positions --dry-run -F json --tz UTC "$f"
	assert_status 0
	[ "${#lines[@]}" -eq 1 ]
	assert_output_has '0 of 3 records would be inserted into tsm.positions, 3 are there already'
}

@test "--dry-run -t -F tsv" {
	init_db
	f=$(file t.json <<<'[{"symbol":"BTCUSDT","qty":"0.5","side":"BUY","price":"30000.10","time":1700000000123}]')
	run tsm-migrate trades --dry-run -t -F tsv "$f"
	assert_status 0
	[[ "${lines[0]}" == $'\tBTCUSDT\tbuy\t0.5\t30000.1\t\\N\t\\N\t\\N\t\\N\tlive\t\\N\t\\N\t2023-11-14T22:13:20.123Z\t'* ]]
}

@test "--if-empty migrates into an empty table and skips a full one without reading the files" {
	init_db
	real_file f AutoTrader01_positions_data.json
	run tsm-migrate positions --if-empty --tz UTC "$f"
	assert_status 0
	assert_output_has '3 records: 3 inserted'
	bad=$(file bad.json <<<'[{"symbol": ')
	run tsm-migrate positions --if-empty "$bad"
	assert_status 0
	[ "$output" = 'tsm-migrate: tsm.positions is not empty: nothing migrated (--if-empty)' ]
	[ "$(q -c "SELECT count(*) FROM tsm.positions")" = 3 ]
}

@test "--no-backup writes no .bak; an existing .bak is never overwritten" {
	init_db
	real_file f AutoTrader01_positions_data.json
	run tsm-migrate positions --no-backup --tz UTC "$f"
	assert_status 0
	[ ! -e "$f.bak" ]
	echo "someone else's backup" >"$f.bak"
	run tsm-migrate positions --tz UTC "$f"
	assert_status 0
	assert_output_has "backed up as $f.bak.1"
	[ "$(cat "$f.bak")" = "someone else's backup" ]
	cmp "$f" "$f.bak.1"
}

@test "a backup that cannot be written stops the migration before it starts" {
	init_db
	[ -f "$JSON/AutoTrader01_positions_data.json" ] || skip "no data"
	# A directory the migrating user may read but not write.
	d=$(mktemp -d "${TMPDIR:-/tmp}/tsm-ro.XXXXXX")
	cp "$JSON/AutoTrader01_positions_data.json" "$d/"
	chmod 755 "$d"
	chmod 644 "$d/AutoTrader01_positions_data.json"
	if [ "$(id -u)" = 0 ]; then
		as=(runuser -u nobody --)
	else
		chmod 555 "$d"
		as=()
	fi
	run "${as[@]}" env PATH="$PATH" tsm-migrate positions "$d/AutoTrader01_positions_data.json"
	chmod 755 "$d"
	rm -rf "$d"
	assert_status 1
	assert_output_has "tsm-migrate: error: cannot write the backup of $d/AutoTrader01_positions_data.json in \"$d\": Permission denied"
	assert_output_has "hint: make the directory writable, or give --no-backup; nothing was migrated"
	assert_db_unchanged
}

@test "--path, --map and --value-map read a shape no alias knows" {
	init_db
	f=$(file nested.json <<'EOF'
{"meta": {"bot": "x"}, "data": {"items": [
  {"ticker": "SOLUSDT", "fill": {"px": "142.5", "qty": "3"}, "dir": 1, "when": "2024-05-01 10:00:00+02:00", "tag": "a"},
  {"ticker": "SOLUSDT", "fill": {"px": "143", "qty": "1.5"}, "dir": -1, "when": "2024-05-01 11:00:00+02:00", "tag": "b"}
]}}
EOF
)
	run tsm-migrate trades --no-backup --path '$.data.items' --map symbol=ticker \
	    --map price=fill.px --map 'quantity=$.fill["qty"]' --map side=dir \
	    --value-map 'dir=1:buy,-1:sell' --map time=when "$f"
	assert_status 0
	assert_output_has '2 records: 2 inserted'
	run q -c "SELECT symbol, side, quantity, price, time, extra FROM tsm.trades ORDER BY id"
	[ "${lines[0]}" = 'SOLUSDT|buy|3|142.5|2024-05-01 08:00:00+00|{"tag": "a", "fill": {"px": "142.5", "qty": "3"}}' ]
	[ "${lines[1]}" = 'SOLUSDT|sell|1.5|143|2024-05-01 09:00:00+00|{"tag": "b", "fill": {"px": "143", "qty": "1.5"}}' ]
}

@test "--map FIELD= ignores a field; --exchange links the instrument" {
	init_db
	q -c "INSERT INTO tsm.instruments (exchange, symbol) VALUES ('kraken', 'ETHUSD')"
	real_file f AutoTrader01_positions_data.json
	run tsm-migrate positions --no-backup --tz UTC --exchange kraken --map stop_loss= "$f"
	assert_status 0
	[ "$(q -c "SELECT symbol, exchange, instrument_id, stop_loss, extra->>'stop_loss' FROM tsm.positions WHERE symbol = 'ETHUSD'")" = "ETHUSD|kraken|1||1980.531" ]
	[ "$(q -c "SELECT count(*) FROM tsm.positions WHERE instrument_id IS NULL")" = 2 ]
}

@test "numbers are kept as the file wrote them" {
	init_db
	f=$(file n.json <<<'[{"symbol":"X","qty":0.1000000000000000055511151231257827,"side":"buy","price":"12345678901234567890.123456789","time":"2024-01-01T00:00:00Z","pnl":1E-7,"note":2.50}]')
	run tsm-migrate trades --no-backup "$f"
	assert_status 0
	[ "$(q -c "SELECT quantity, price, pnl, extra FROM tsm.trades")" = '0.1000000000000000055511151231257827|12345678901234567890.123456789|0.0000001|{"note": 2.50}' ]
}

@test "epoch numbers: seconds as floats rounded to microseconds, milliseconds, --time-unit" {
	init_db
	f=$(file e.json <<'EOF'
[{"symbol":"A","qty":1,"side":"buy","price":1,"time":1742125864.5432417},
 {"symbol":"B","qty":1,"side":"buy","price":1,"time":1742125864543},
 {"symbol":"C","qty":1,"side":"buy","price":1,"time":1742125864.0000004},
 {"symbol":"D","qty":1,"side":"buy","price":1,"time":"2024-02-29T12:00:00.5Z"}]
EOF
)
	run tsm-migrate trades --no-backup "$f"
	assert_status 0
	run q -c "SELECT symbol, time FROM tsm.trades ORDER BY id"
	[ "${lines[0]}" = "A|2025-03-16 11:51:04.543242+00" ]
	[ "${lines[1]}" = "B|2025-03-16 11:51:04.543+00" ]
	[ "${lines[2]}" = "C|2025-03-16 11:51:04+00" ]
	[ "${lines[3]}" = "D|2024-02-29 12:00:00.5+00" ]
	g=$(file s.json <<<'[{"symbol":"A","qty":1,"side":"buy","price":1,"time":1700000000}]')
	run tsm-migrate trades --no-backup --time-unit ms "$g"
	assert_status 0
	[ "$(q -c "SELECT time FROM tsm.trades WHERE source = '$g'")" = "1970-01-20 16:13:20+00" ]
}

@test "--preset freqtrade reads a backtest export of two strategies" {
	init_db
	f=$(file backtest-result-2024-01-01_00-00-00.json <<'EOF'
{"strategy": {
  "SmaCross": {"trades": [
    {"pair": "ETH/BTC", "stake_amount": 0.001, "amount": 0.010604453870625663,
     "open_date": "2018-01-10 07:35:00+00:00", "close_date": "2018-01-10 08:35:00+00:00",
     "open_rate": 0.0943, "close_rate": 0.09477268170426063, "fee_open": 0.0025,
     "fee_close": 0.0025, "trade_duration": 60, "profit_ratio": -0.0,
     "profit_abs": 0.0004726817042606385, "exit_reason": "roi", "is_open": false,
     "enter_tag": null, "leverage": 1.0, "is_short": false,
     "open_timestamp": 1515569700000.0, "close_timestamp": 1515573300000.0},
    {"pair": "XLM/BTC", "stake_amount": 0.001, "amount": 27.389756231169542,
     "open_date": "2018-01-11 03:40:00+00:00", "close_date": "2018-01-11 04:25:00+00:00",
     "open_rate": 3.651e-05, "close_rate": 3.2859000000000005e-05, "fee_open": 0.0025,
     "fee_close": 0.0025, "trade_duration": 45, "profit_ratio": -0.10448878,
     "profit_abs": -3.650999999999996e-06, "exit_reason": "stop_loss", "is_open": false,
     "is_short": true}]},
  "OldStrategy": {"trades": [
    {"pair": "TRX/BTC", "stake_amount": 0.001, "amount": 10.37344398340249,
     "open_date": "2018-01-10 07:15:00+00:00", "close_date": "2018-01-10 07:20:00+00:00",
     "open_rate": 9.64e-05, "close_rate": 0.00010074887218045112, "fee_open": 0.0025,
     "fee_close": 0.0025, "profit_abs": 4.348872180451118e-06, "sell_reason": "roi",
     "is_open": false}]}},
 "strategy_comparison": []}
EOF
)
	run tsm-migrate trades --no-backup --preset freqtrade "$f"
	assert_status 0
	assert_output_has '3 records: 3 inserted'
	run q -c "SELECT strategy, symbol, side, quantity, price, exit_price, pnl, fee, status, mode, time, opened_at, closed_at FROM tsm.trades ORDER BY id"
	[ "${lines[0]}" = "SmaCross|ETH/BTC|long|0.010604453870625663|0.0943|0.09477268170426063|0.0004726817042606385|0.000005012531328320801536363177296369225|closed|paper|2018-01-10 07:35:00+00|2018-01-10 07:35:00+00|2018-01-10 08:35:00+00" ]
	[[ "${lines[1]}" == "SmaCross|XLM/BTC|short|27.389756231169542|0.00003651|0.000032859000000000005|-0.000003650999999999996|"* ]]
	[[ "${lines[2]}" == "OldStrategy|TRX/BTC|long|"* ]]
	# The fee is exact: amount * open_rate * fee_open + amount * close_rate * fee_close.
	[ "$(q -c "SELECT fee = quantity * price * 0.0025 + quantity * exit_price * 0.0025 FROM tsm.trades")" = "$(printf 't\nt\nt')" ]
	[ "$(q -c "SELECT extra->>'exit_reason' FROM tsm.trades WHERE symbol = 'XLM/BTC'")" = stop_loss ]
}

@test "stdin with --source; the same records from a file of the same source are there already" {
	init_db
	f=$(file t.json <<<'[{"symbol":"BTC","qty":1,"side":"buy","price":5,"time":"2024-01-01T00:00:00Z"}]')
	run tsm-migrate trades --source mybot - <"$f"
	assert_status 0
	assert_output_has 'stdin: 1 record: 1 inserted'
	[ "$(q -c "SELECT source FROM tsm.trades")" = mybot ]
	run tsm-migrate trades --no-backup --source mybot "$f"
	assert_output_has '1 record: 0 inserted, 1 already there'
}

@test "the same record twice in a file is two rows, and stays two" {
	init_db
	f=$(file twice.json <<<'[{"symbol":"BTC","qty":1,"side":"buy","price":5,"time":"2024-01-01T00:00:00Z"},{"symbol":"BTC","qty":1,"side":"buy","price":5,"time":"2024-01-01T00:00:00Z"}]')
	run tsm-migrate trades --no-backup "$f"
	assert_output_has '2 records: 2 inserted'
	run tsm-migrate trades --no-backup "$f"
	assert_output_has '2 records: 0 inserted, 2 already there'
	[ "$(q -c "SELECT count(*), count(DISTINCT source_key) FROM tsm.trades")" = "2|2" ]
	[ "$(q -c "SELECT count(*) FROM tsm.trades WHERE source_key LIKE '%-2'")" = 1 ]
}

@test "a position whose price moved is still the same position" {
	init_db
	f=$(file p.json <<<'{"positions": {"BTCUSDT": {"size": 0.5, "entry_price": 60000, "current_price": 61000}}}')
	tsm-migrate -q positions --no-backup "$f"
	file p.json <<<'{"positions": {"BTCUSDT": {"size": 0.5, "entry_price": 60000, "current_price": 65000}, "ETHUSDT": {"size": -2, "entry_price": 3000}}}' >/dev/null
	run tsm-migrate positions --no-backup "$f"
	assert_status 0
	assert_output_has '2 records: 1 inserted, 1 already there'
	[ "$(q -c "SELECT symbol, side, current_price FROM tsm.positions ORDER BY id" | paste -sd' ')" = "BTCUSDT|long|61000 ETHUSDT|short|" ]
}

# ---- bad input: a clear message, exit 1, the database unchanged ----

@test "bad JSON: truncated, trailing garbage, duplicate keys, NaN, a NUL byte" {
	init_db
	f=$(file cut.json <<<'[{"symbol":"BTC","qty":1,"side":"buy","price":5,"time":"2024-01-01T00:00:00Z"},{"symbol":')
	run tsm-migrate trades "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: line 2, column 0: the JSON ends in the middle of a value (is the file cut short?)"
	f=$(file tail.json <<<'[{"symbol":"BTC","qty":1,"side":"buy","price":5,"time":"2024-01-01T00:00:00Z"}] xyz')
	run tsm-migrate trades "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: line 1, column 83: unexpected text after the end of the JSON value: xyz"
	f=$(file dup.json <<'EOF'
[{"symbol": "BTC",
  "qty": 1,
  "qty": 2}]
EOF
)
	run tsm-migrate trades "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: line 3, column 7: duplicate key \"qty\" in one object"
	f=$(file nan.json <<<'[{"symbol":"BTC","qty":NaN}]')
	run tsm-migrate trades "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: line 1, column 26: invalid JSON: invalid token near 'NaN'"
	assert_output_has "hint: NaN and Infinity are not JSON; Python writes them unless told allow_nan=False"
	printf '[{"symbol":"B\0TC"}]' >"$BATS_TEST_TMPDIR/nul.json"
	run tsm-migrate trades "$BATS_TEST_TMPDIR/nul.json"
	assert_status 1
	assert_output_has "$BATS_TEST_TMPDIR/nul.json: line 1, column 14: a NUL byte: this is not a JSON text file"
	assert_db_unchanged
}

@test "not JSON at all, an empty file, a single value, invalid UTF-8" {
	init_db
	f=$(file csv.json <<<$'symbol,qty\nBTC,1')
	run tsm-migrate trades "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: line 1, column 1: not JSON records: expected a list [...] or an object {...}, found \"symbol,qty\""
	: >"$BATS_TEST_TMPDIR/empty.json"
	run tsm-migrate trades "$BATS_TEST_TMPDIR/empty.json"
	assert_status 1
	assert_output_has "tsm-migrate: error: $BATS_TEST_TMPDIR/empty.json is empty: expected JSON records"
	f=$(file blank.json <<<'   ')
	run tsm-migrate trades "$f"
	assert_status 1
	assert_output_has "$f holds only white space: expected JSON records"
	f=$(file one.json <<<'"BTCUSDT"')
	run tsm-migrate trades "$f"
	assert_status 1
	assert_output_has 'found ""BTCUSDT""'
	assert_output_has 'hint: a JSON file of records holds a list or an object, not a single value'
	printf '[{"symbol":"B\xe9TC"}]\n' >"$BATS_TEST_TMPDIR/latin1.json"
	run tsm-migrate trades "$BATS_TEST_TMPDIR/latin1.json"
	assert_status 1
	assert_output_has "$BATS_TEST_TMPDIR/latin1.json: line 1, column 14: invalid UTF-8 (byte 0xe9)"
	assert_output_has "hint: JSON files are UTF-8; convert this one, such as with iconv -f WINDOWS-1252 -t UTF-8"
	run tsm-migrate trades "$BATS_TEST_TMPDIR/nonexistent.json"
	assert_status 1
	assert_output_has "cannot open \"$BATS_TEST_TMPDIR/nonexistent.json\": No such file or directory"
	run tsm-migrate trades "$BATS_TEST_TMPDIR"
	assert_status 1
	assert_output_has "\"$BATS_TEST_TMPDIR\" is a directory, not a JSON file"
	assert_db_unchanged
}

@test "a UTF-8 byte order mark is skipped" {
	init_db
	printf '\xef\xbb\xbf[{"symbol":"BTC","qty":1,"side":"buy","price":5,"time":"2024-01-01T00:00:00Z"}]' >"$BATS_TEST_TMPDIR/bom.json"
	run tsm-migrate trades --no-backup "$BATS_TEST_TMPDIR/bom.json"
	assert_status 0
	[ "$(q -c "SELECT symbol FROM tsm.trades")" = BTC ]
}

@test "wrong types: a number where text belongs and the reverse" {
	init_db
	f=$(file types.json <<'EOF'
{"positions": {"ETHUSD": {"entry_price": 1943.75, "size": "abc"},
               "SOLUSD": {"symbol": 42, "size": 1, "side": "long"},
               "BIOUSD": {"size": 1, "side": "long", "entry_price": "1,5"},
               "XRPUSD": {"size": 1, "side": "long", "opened_at": true},
               "ADAUSD": {"size": 1, "side": "long", "opened_at": "2025-13-01 00:00"}}}
EOF
)
	run tsm-migrate positions "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: \$.positions.ETHUSD.size: expected a number, got \"abc\""
	assert_output_has "tsm-migrate: error: $f: \$.positions.SOLUSD.symbol: expected text, got 42"
	assert_output_has "tsm-migrate: error: $f: \$.positions.BIOUSD.entry_price: expected a number, got \"1,5\", which uses a comma as decimal separator"
	assert_output_has "tsm-migrate: error: $f: \$.positions.XRPUSD.opened_at: expected a time (text or an epoch number), got true"
	assert_output_has "tsm-migrate: error: $f: \$.positions.ADAUSD.opened_at: \"2025-13-01 00:00\" has a month out of range (01 to 12)"
	assert_output_has "tsm-migrate: 5 problems in 1 of 1 file: nothing was migrated"
	refute_output_has "no side"
	assert_db_unchanged
}

@test "zero and negative quantities, a side that maps to nothing, a missing field" {
	init_db
	f=$(file q.json <<'EOF'
[{"symbol": "BTC", "qty": 0, "side": "buy", "price": 5, "time": "2024-01-01T00:00:00Z"},
 {"symbol": "BTC", "qty": -1, "side": "buy", "price": 5, "time": "2024-01-01T00:00:00Z"},
 {"symbol": "BTC", "qty": 1, "side": "hold", "price": 5, "time": "2024-01-01T00:00:00Z"},
 {"symbol": "BTC", "qty": 1, "side": "buy", "price": -5, "time": "2024-01-01T00:00:00Z"},
 {"symbol": "BTC", "qty": 1, "side": "buy", "time": "2024-01-01T00:00:00Z"},
 {"symbol": "BTC", "qty": 1, "side": "buy", "price": 5},
 42]
EOF
)
	run tsm-migrate trades --value-map 'side=long:buy' "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: \$[6]: expected a record (an object), got 42"
	f=$(file q2.json < <(head -6 "$BATS_TEST_TMPDIR/q.json" | sed '$ s/},$/}/'; echo ']'))
	run tsm-migrate trades --value-map 'side=long:buy' "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: \$[0].qty: expected a quantity above zero, got 0"
	assert_output_has "tsm-migrate: error: $f: \$[1].qty: negative quantity -1 contradicts the side \"buy\""
	assert_output_has "tsm-migrate: error: $f: \$[2].side: \"hold\" is not a side: expected buy, sell, long or short"
	assert_output_has "hint: map it with --value-map side=hold:buy (or :sell)"
	assert_output_has "tsm-migrate: error: $f: \$[3].price: expected a price of zero or more, got -5"
	assert_output_has "tsm-migrate: error: $f: \$[4]: no price: none of price, entry_price, open_rate, avg_price, entry, fill_price, avg_entry_price is there"
	assert_output_has "hint: give its place with --map price=PATH"
	assert_output_has "tsm-migrate: error: $f: \$[5]: no time: none of timestamp_unix, _unix_time, unix_time, time, timestamp, datetime, date, trade_time, executed_at, ts is there"
	assert_output_has "6 problems in 1 of 1 file: nothing was migrated"
	assert_db_unchanged
}

@test "an empty list, an empty object, no records where --path points" {
	init_db
	f=$(file e.json <<<'[]')
	run tsm-migrate trades "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: \$: the list is empty: no records to migrate"
	f=$(file o.json <<<'{"positions": {}}')
	run tsm-migrate positions "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: \$.positions: the object is empty: no records to migrate"
	f=$(file w.json <<<'{"balance": 5, "equity": 6}')
	run tsm-migrate positions "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: \$: cannot tell where the records are: expected a list, an object keyed by symbol, or one of the keys positions, open_positions"
	assert_output_has "hint: give their place with --path"
	run tsm-migrate positions --path '$.data' "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: --path \$.data matches nothing"
	assert_db_unchanged
}

@test "a 100 MB file is refused before it is read; --max-size raises the limit" {
	init_db
	big="$BATS_TEST_TMPDIR/big.json"
	{ echo '['; yes '{"symbol":"BTCUSDT","qty":1,"side":"buy","price":5,"time":"2024-01-01T00:00:00Z"},' | head -c 104857600; } >"$big"
	[ "$(stat -c %s "$big")" -gt 104857600 ]
	run tsm-migrate trades "$big"
	assert_status 1
	assert_output_has "tsm-migrate: error: $big is 100.0 MiB, more than --max-size (64 MiB)"
	assert_output_has "hint: the whole file is held in memory while it is checked"
	rm -f "$big"
	f=$(file small.json <<<'[{"symbol":"BTC","qty":1,"side":"buy","price":5,"time":"2024-01-01T00:00:00Z"}]')
	run tsm-migrate trades --max-size 64 "$f"
	assert_status 1
	assert_output_has "$f is $(stat -c %s "$f") bytes, more than --max-size (64 bytes)"
	run bash -c "cat '$f' | tsm-migrate trades --source pipe --max-size 64 -"
	assert_status 1
	assert_output_has "tsm-migrate: error: stdin: more than --max-size (64 bytes)"
	assert_db_unchanged
	run tsm-migrate trades --no-backup --max-size 1k "$f"
	assert_status 0
}

@test "all or nothing: one bad file among good ones writes nothing" {
	init_db
	real_file a AutoTrader01_positions_data.json
	b=$(file b.json <<<'{"positions": {"X": {"size": "lots"}}}')
	run tsm-migrate positions "$a" "$b"
	assert_status 1
	assert_output_has "$b: \$.positions.X.size: expected a number, got \"lots\""
	assert_output_has "1 problem in 1 of 2 files: nothing was migrated"
	assert_db_unchanged
	[ ! -e "$a.bak" ]
	run tsm-migrate positions --no-backup "$a" "$a"
	assert_status 1
	assert_output_has "$a is the same file as $a: give each file once"
}

# 4000 trades, each line of COPY text about 200 bytes: the first ones are
# sent to the server while the last are still being checked.  $1: the
# index of a record whose quantity is "abc", or -1.
many_trades() {
	python3 - "$1" <<'PY'
import json, sys
bad = int(sys.argv[1])
recs = [{"symbol": "BTCUSDT", "side": "buy", "qty": 0.001 * (i + 1),
         "price": 40000 + i, "time": 1700000000 + 60 * i,
         "note": "x" * 100} for i in range(4000)]
if bad >= 0:
    recs[bad]["qty"] = "abc"
json.dump(recs, sys.stdout)
PY
}

@test "a first migration streams its rows; a bad record after thousands writes nothing" {
	init_db
	f=$(many_trades 3998 | file many.json)
	run tsm-migrate trades "$f"
	assert_status 1
	assert_output_has "tsm-migrate: error: $f: \$[3998].qty: expected a number, got \"abc\""
	refute_output_has 'COPY'
	refute_output_has 'did not pass'
	assert_db_unchanged
	[ ! -e "$f.bak" ]
	# The server refusing a row half way: named, nothing written.
	q -c "ALTER TABLE tsm.trades ADD CONSTRAINT cheap CHECK (price < 42500) NOT VALID"
	f=$(many_trades -1 | file good.json)
	run tsm-migrate trades --no-backup "$f"
	assert_status 1
	assert_output_has 'tsm-migrate: error: new row for relation "trades" violates check constraint "cheap"'
	assert_output_has "detail: the record is $f: \$[2500]"
	assert_db_unchanged
	q -c "ALTER TABLE tsm.trades DROP CONSTRAINT cheap"
	run tsm-migrate trades --no-backup "$f"
	assert_status 0
	assert_output_has "$f: 4000 records: 4000 inserted, 0 already there; 4000 of 4000 in tsm.trades"
	[ "$(q -c "SELECT count(*), sum(price) FROM tsm.trades")" = "4000|167998000" ]
}

@test "more than 20 problems: the first 20 are shown and the rest counted" {
	init_db
	f=$(file many.json < <(python3 -c 'import json; print(json.dumps([{"symbol": "X", "qty": "n/a", "side": "buy", "price": 1, "time": 1700000000} for _ in range(50)]))'))
	run tsm-migrate trades "$f"
	assert_status 1
	[ "$(grep -c 'expected a number, got "n/a"' <<<"$output")" -eq 20 ]
	assert_output_has "tsm-migrate: error: 30 more problems not shown"
	assert_output_has "50 problems in 1 of 1 file: nothing was migrated"
}

# ---- legacy kline tables ----

# A legacy layout: BTCUSDT 1m from the real 2021 file (5,000 rows, with
# a gap of the exchange's outage), RELIANCE 1h generated, and a reader.
# Makes every write to the candles take a second (a statement trigger),
# runs tsm-migrate with the arguments in the background, sends it SIGTERM
# 2.5 s later, while batches run, and leaves its exit status in $status
# and its stderr in $output.
term_slow_move() {
	local pid
	q -c "CREATE FUNCTION public.slow() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN PERFORM pg_sleep(1); RETURN NULL; END\$\$" \
	    -c "CREATE TRIGGER slow AFTER INSERT ON tsm.candles FOR EACH STATEMENT EXECUTE FUNCTION public.slow()"
	tsm-migrate "$@" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	sleep 2.5
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/err")
}

legacy_layout() {
	q <<'EOF'
CREATE TABLE public.binance_btcusdt_kline_1m (open_time timestamptz PRIMARY KEY,
    open numeric, high numeric, low numeric, close numeric, volume numeric,
    close_time timestamptz, quote_asset_volume numeric, trades numeric,
    taker_buy_base_asset_volume numeric, taker_buy_quote_asset_volume numeric,
    ignore numeric);
CREATE TABLE public.zerodha_reliance_kline_1h (open_time timestamp,
    open numeric(12,2), high numeric(12,2), low numeric(12,2),
    close numeric(12,2), volume bigint);
INSERT INTO public.zerodha_reliance_kline_1h
SELECT timestamp '2024-01-01 03:45' + i * interval '1 hour', 2500 + i % 10,
    2512 + i % 10, 2490 + i % 10, 2505 + i % 10, 1000 + i
FROM generate_series(0, 299) i;
EOF
	if [ -f "$DATA/ohlcv-1m/BTCUSDT_1m_2021.csv" ]; then
		head -5001 "$DATA/ohlcv-1m/BTCUSDT_1m_2021.csv" | tail -5000 |
		    q -c "\copy public.binance_btcusdt_kline_1m (open_time, open, high, low, close, volume) FROM STDIN (FORMAT csv)"
	else
		q -c "INSERT INTO public.binance_btcusdt_kline_1m (open_time, open, high, low, close, volume) SELECT timestamptz '2021-01-01' + i * interval '1 minute', 100 + i % 7, 101 + i % 7, 99 + i % 7, 100.5 + i % 7, 1 FROM generate_series(0, 4999) i"
	fi
	q -c "UPDATE public.binance_btcusdt_kline_1m SET close_time = open_time + interval '59.999 seconds', quote_asset_volume = round(volume * close, 8), trades = 10 + (extract(minute FROM open_time))::int, taker_buy_base_asset_volume = round(volume / 2, 8), taker_buy_quote_asset_volume = round(volume * close / 2, 8), ignore = 0"
	q -c "DROP ROLE IF EXISTS legacy_reader_$$" -c "CREATE ROLE legacy_reader_$$" \
	    -c "GRANT USAGE ON SCHEMA public TO legacy_reader_$$" \
	    -c "GRANT SELECT ON public.binance_btcusdt_kline_1m TO legacy_reader_$$"
}

drop_reader() {
	q -c "DROP OWNED BY legacy_reader_$$" -c "DROP ROLE IF EXISTS legacy_reader_$$" >/dev/null 2>&1 || true
}

@test "klines: two legacy tables moved, counts verified, views answer the old queries" {
	init_db
	legacy_layout
	q -c "CREATE TABLE public.before AS SELECT * FROM public.binance_btcusdt_kline_1m"
	old2=$(q -c "SELECT * FROM public.zerodha_reliance_kline_1h WHERE open_time >= '2024-01-05' ORDER BY open_time DESC")
	oldsum=$(q -c "SELECT date_trunc('hour', open_time), max(high), sum(volume) FROM public.binance_btcusdt_kline_1m GROUP BY 1 ORDER BY 1 LIMIT 5")
	run tsm-migrate klines --create-views --batch-size 1000
	assert_status 0
	assert_output_has 'public.binance_btcusdt_kline_1m: 5000 rows, 5000 inserted into tsm.candles (binance BTCUSDT 1m); verified: every row is there'
	assert_output_has 'public.zerodha_reliance_kline_1h: 300 rows, 300 inserted into tsm.candles (zerodha RELIANCE 1h); verified: every row is there'
	assert_output_has 'public.binance_btcusdt_kline_1m is now a view over tsm.candles; the old table is public.binance_btcusdt_kline_1m_legacy'
	[ "$(q -c "SELECT i.exchange, i.symbol, c.timeframe, count(*) FROM tsm.candles c JOIN tsm.instruments i ON i.id = c.instrument_id GROUP BY 1, 2, 3 ORDER BY 1" | paste -sd' ')" = "binance|BTCUSDT|1m|5000 zerodha|RELIANCE|1h|300" ]
	[ "$(q -c "SELECT relkind FROM pg_class WHERE relname = 'binance_btcusdt_kline_1m'")" = v ]
	[ "$(q -c "SELECT count(*) FROM public.binance_btcusdt_kline_1m_legacy")" = 5000 ]
	# The same rows, value for value (numeric compares 1.50 equal to 1.5).
	[ "$(q -c "SELECT count(*) FROM (SELECT * FROM public.before EXCEPT SELECT * FROM public.binance_btcusdt_kline_1m) x")" = 0 ]
	[ "$(q -c "SELECT count(*) FROM (SELECT * FROM public.binance_btcusdt_kline_1m EXCEPT SELECT * FROM public.before) x")" = 0 ]
	[ "$old2" = "$(q -c "SELECT * FROM public.zerodha_reliance_kline_1h WHERE open_time >= '2024-01-05' ORDER BY open_time DESC")" ]
	[ "$oldsum" = "$(q -c "SELECT date_trunc('hour', open_time), max(high), sum(volume) FROM public.binance_btcusdt_kline_1m GROUP BY 1 ORDER BY 1 LIMIT 5")" ]
	[ "$(q -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.zerodha_reliance_kline_1h'::regclass AND attname = 'open'")" = "numeric(12,2)" ]
	# Whoever could read the table reads the view.
	[ "$(q -c "SET ROLE legacy_reader_$$" -c "SELECT count(*) FROM public.binance_btcusdt_kline_1m")" = 5000 ]
	# The hourly aggregate answers from the moved 1m candles, and on
	# plain PostgreSQL nothing is left to refresh.
	[ "$(q -c "SELECT sum(bars) FROM tsm.candles_1h c JOIN tsm.instruments i ON i.id = c.instrument_id WHERE i.symbol = 'BTCUSDT'")" = 5000 ]
	if [ "$BACKEND" = native ]; then
		[ "$(q -c "SELECT count(*) FROM tsm.invalidations")" = 0 ]
	fi
	run tsm-migrate klines --create-views
	assert_status 0
	assert_output_has "nothing to move: the 2 tables LIKE '%\\_kline\\_%' in schema \"public\" were moved before and are views now"
	drop_reader
}

@test "klines: a second run inserts nothing and verifies again; --drop-source drops" {
	init_db
	legacy_layout
	tsm-migrate -q klines
	run tsm-migrate klines --tables 'binance%'
	assert_status 0
	assert_output_has 'public.binance_btcusdt_kline_1m: 5000 rows, 0 inserted into tsm.candles (binance BTCUSDT 1m); verified: every row is there'
	refute_output_has zerodha
	run tsm-migrate klines --drop-source
	assert_status 0
	assert_output_has 'public.binance_btcusdt_kline_1m dropped'
	assert_output_has 'public.zerodha_reliance_kline_1h dropped'
	[ "$(q -c "SELECT count(*) FROM pg_class WHERE relname LIKE '%kline%'")" = 0 ]
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 5300 ]
	drop_reader
}

@test "klines: --drop-source keeps a table whose count is not verified" {
	init_db
	legacy_layout
	# A trigger that loses one candle: the count cannot agree.
	q -c "CREATE FUNCTION public.lose() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN IF NEW.time = (SELECT min(open_time) FROM public.binance_btcusdt_kline_1m) THEN RETURN NULL; END IF; RETURN NEW; END\$\$" \
	    -c "CREATE TRIGGER lose BEFORE INSERT ON tsm.candles FOR EACH ROW EXECUTE FUNCTION public.lose()"
	run tsm-migrate klines --tables 'binance%' --drop-source --create-views
	assert_status 1
	assert_output_has 'tsm-migrate: error: public.binance_btcusdt_kline_1m: 1 of its 5000 rows has no row in tsm.candles (binance BTCUSDT 1m): not verified'
	refute_output_has 'kline_1m dropped'
	refute_output_has 'is now a view'
	[ "$(q -c "SELECT relkind FROM pg_class WHERE relname = 'binance_btcusdt_kline_1m'")" = r ]
	[ "$(q -c "SELECT status FROM tsm.runs WHERE target = 'public.binance_btcusdt_kline_1m'")" = error ]
	drop_reader
}

@test "klines: a move that stopped half way resumes where it stopped" {
	init_db
	legacy_layout
	# A batch in the middle fails: the batches before it stay committed.
	mid=$(q -c "SELECT open_time FROM public.binance_btcusdt_kline_1m ORDER BY ctid OFFSET 2500 LIMIT 1")
	q -c "CREATE FUNCTION public.stop() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN IF NEW.time = '$mid' THEN RAISE EXCEPTION 'the disk is full'; END IF; RETURN NEW; END\$\$" \
	    -c "CREATE TRIGGER stop BEFORE INSERT ON tsm.candles FOR EACH ROW EXECUTE FUNCTION public.stop()"
	run tsm-migrate klines --tables 'binance%' --batch-size 500
	assert_status 1
	assert_output_has 'tsm-migrate: error: the disk is full'
	assert_output_has 'detail: in public.binance_btcusdt_kline_1m, blocks'
	assert_output_has 'the batches before are committed and the next run resumes here'
	moved=$(q -c "SELECT count(*) FROM tsm.candles")
	[ "$moved" -gt 0 ] && [ "$moved" -lt 5000 ]
	[ "$(q -c "SELECT status FROM tsm.runs")" = error ]
	q -c "DROP TRIGGER stop ON tsm.candles"
	run tsm-migrate klines --tables 'binance%' --batch-size 500 --progress
	assert_status 0
	assert_output_has 'public.binance_btcusdt_kline_1m: resuming at block'
	assert_output_has "public.binance_btcusdt_kline_1m: 5000 rows, $((5000 - moved)) inserted (resumed) into tsm.candles (binance BTCUSDT 1m); verified: every row is there"
	assert_output_has 'rows/s'
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 5000 ]
	[ "$(q -c "SELECT count(*), min(status) FROM tsm.runs")" = "1|success" ]
	drop_reader
}

@test "klines: SIGTERM stops the open batch and exits 130; the next run resumes" {
	init_db
	legacy_layout
	term_slow_move klines --tables 'binance%' --batch-size 500
	assert_status 130
	assert_output_has 'tsm-migrate: error: interrupted: public.binance_btcusdt_kline_1m:'
	assert_output_has 'rows moved and committed; run the same command to resume'
	moved=$(q -c "SELECT count(*) FROM tsm.candles")
	[ "$moved" -gt 0 ] && [ "$moved" -lt 5000 ]
	[ "$(q -c "SELECT status FROM tsm.runs")" = error ]
	q -c "DROP TRIGGER slow ON tsm.candles"
	run tsm-migrate klines --tables 'binance%'
	assert_status 0
	assert_output_has "$((5000 - moved)) inserted (resumed)"
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 5000 ]
	drop_reader
}

@test "klines: two tables side by side (TimescaleDB): SIGTERM stops both open batches, exits 130; the next run resumes both" {
	init_db
	legacy_layout
	q -c "CREATE TABLE public.binance_ethusdt_kline_1m AS SELECT * FROM public.binance_btcusdt_kline_1m"
	term_slow_move klines --tables 'binance%' --no-refresh --batch-size 500
	assert_status 130
	assert_output_has 'tsm-migrate: error: interrupted: public.binance_btcusdt_kline_1m:'
	bid=$(q -c "SELECT id FROM tsm.instruments WHERE symbol = 'BTCUSDT'")
	moved=$(q -c "SELECT count(*) FROM tsm.candles WHERE instrument_id = $bid")
	[ "$moved" -gt 0 ] && [ "$moved" -lt 5000 ]
	if [ "$BACKEND" = timescaledb ]; then
		# The second table moved on its own connection at the same time,
		# and its open batch was cancelled as well.
		assert_output_has 'tsm-migrate: error: interrupted: public.binance_ethusdt_kline_1m:'
		eid=$(q -c "SELECT id FROM tsm.instruments WHERE symbol = 'ETHUSDT'")
		m2=$(q -c "SELECT count(*) FROM tsm.candles WHERE instrument_id = $eid")
		[ "$m2" -gt 0 ] && [ "$m2" -lt 5000 ]
		[ "$(q -c "SELECT count(*) FROM tsm.runs WHERE status = 'error'")" = 2 ]
	fi
	q -c "DROP TRIGGER slow ON tsm.candles"
	run tsm-migrate klines --tables 'binance%' --no-refresh
	assert_status 0
	assert_output_has "$((5000 - moved)) inserted (resumed)"
	assert_output_has 'public.binance_ethusdt_kline_1m: 5000 rows'
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 10000 ]
	[ "$(q -c "SELECT count(*) FROM (SELECT instrument_id, time FROM tsm.candles GROUP BY 1, 2 HAVING count(*) > 1) d")" = 0 ]
	drop_reader
}

@test "klines: --no-refresh leaves the aggregates, and says how to catch them up" {
	init_db
	legacy_layout
	run tsm-migrate klines --tables 'binance%' --no-refresh --batch-size 2000
	assert_status 0
	assert_output_has 'tsm-migrate: the aggregates of candles do not show the rows from'
	assert_output_has 'yet (--no-refresh)'
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 5000 ]
	if [ "$BACKEND" = native ]; then
		assert_output_has "hint: the ranges are logged in tsm.invalidations: SELECT tsm.refresh_invalidated('candles') brings the rollups up to date"
		[ "$(q -c "SELECT count(*) FROM tsm.candles_1h")" = 0 ]
		q -c "SELECT tsm.refresh_invalidated('candles')" >/dev/null
	else
		assert_output_has 'hint: CALL refresh_continuous_aggregate() on each continuous aggregate of candles over that range'
	fi
	[ "$(q -c "SELECT sum(bars) FROM tsm.candles_1h")" = 5000 ]
	drop_reader
}

@test "klines: each aggregate is what the candles give, each table's refreshed while the next moves; another writer's pending range stays" {
	init_db
	legacy_layout
	# A second 1m table over the same days: on plain PostgreSQL the first
	# one's rollups are refreshed on another connection meanwhile; on
	# TimescaleDB the batches of the second, the last, are refreshed as
	# they commit (the first one's rows of those days are in by then).
	q -c "CREATE TABLE public.binance_ethusdt_kline_1m AS SELECT * FROM public.binance_btcusdt_kline_1m" \
	    -c "UPDATE public.binance_ethusdt_kline_1m SET open = open / 20, high = high / 20, low = low / 20, close = close / 20"
	# A third: on TimescaleDB the first two move side by side, then the
	# last with the refresh behind its batches.
	q -c "CREATE TABLE public.binance_solusdt_kline_1m AS SELECT * FROM public.binance_btcusdt_kline_1m" \
	    -c "UPDATE public.binance_solusdt_kline_1m SET open = open / 300, high = high / 300, low = low / 300, close = close / 300"
	# Another writer's 1m candle in the same days, not refreshed yet.
	q -c "INSERT INTO tsm.instruments (exchange, symbol) VALUES ('other', 'OTHERUSD')"
	oid=$(q -c "SELECT id FROM tsm.instruments WHERE symbol = 'OTHERUSD'")
	lo=$(q -c "SELECT min(open_time) FROM public.binance_btcusdt_kline_1m")
	if [ "$BACKEND" = native ]; then
		q -c "SELECT tsm.ensure_partitions('candles', '$lo', '$lo')" >/dev/null
	fi
	q -c "INSERT INTO tsm.candles (instrument_id, timeframe, time, open, high, low, close, volume) VALUES ($oid, '1m', '$lo', 1, 1, 1, 1, 1)"
	run tsm-migrate klines --tables 'binance%' --batch-size 700
	assert_status 0
	assert_output_has 'public.binance_ethusdt_kline_1m: 5000 rows, 5000 inserted into tsm.candles (binance ETHUSDT 1m); verified: every row is there'
	assert_output_has 'public.binance_solusdt_kline_1m: 5000 rows, 5000 inserted into tsm.candles (binance SOLUSDT 1m); verified: every row is there'
	bid=$(q -c "SELECT id FROM tsm.instruments WHERE symbol = 'BTCUSDT'")
	eid=$(q -c "SELECT id FROM tsm.instruments WHERE symbol = 'ETHUSDT'")
	sid=$(q -c "SELECT id FROM tsm.instruments WHERE symbol = 'SOLUSDT'")
	[ "$bid" -gt 0 ] && [ "$eid" -gt 0 ] && [ "$sid" -gt 0 ]
	ts=$(q -c "SELECT CASE WHEN value = 'timescaledb' THEN (SELECT quote_literal(n.nspname) FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = 'timescaledb') ELSE 'NULL' END FROM tsm.meta WHERE key = 'backend'")
	# Every aggregate of the candles, bucket for bucket, against the same
	# aggregate computed from the candles now (sums of doubles to 1e-9).
	for a in $(q -c "SELECT name FROM tsm.aggregates WHERE source = 'candles' ORDER BY name"); do
		n=$(q -c "CREATE TEMP TABLE want AS SELECT * FROM ($(q -c "SELECT tsm.aggregate_query('$a', $ts)")) x WHERE instrument_id IN ($bid, $eid, $sid)" \
		    -c "SELECT count(*) FROM (SELECT * FROM tsm.$a WHERE instrument_id IN ($bid, $eid, $sid)) r FULL JOIN want w USING (instrument_id, time) WHERE r.time IS NULL OR w.time IS NULL OR r.open <> w.open OR r.close <> w.close OR r.high <> w.high OR r.low <> w.low OR r.bars <> w.bars OR abs(r.volume - w.volume) > 1e-9 * abs(w.volume)")
		echo "$a: $n" >&2
		[ "$n" = 0 ]
		[ "$(q -c "SELECT count(DISTINCT instrument_id) FROM tsm.$a WHERE instrument_id IN ($bid, $eid, $sid)")" = 3 ]
	done
	if [ "$BACKEND" = native ]; then
		# The move cleared what it logged and nothing else: the other
		# writer's candle is still waiting for its refresh.
		[ "$(q -c "SELECT count(*) FROM tsm.invalidations")" = 1 ]
		[ "$(q -c "SELECT count(*) FROM tsm.candles_1h WHERE instrument_id = $oid")" = 0 ]
		q -c "SELECT tsm.refresh_invalidated('candles')" >/dev/null
		[ "$(q -c "SELECT sum(bars) FROM tsm.candles_1h WHERE instrument_id = $oid")" = 1 ]
	fi
	drop_reader
}

@test "klines: a refresh that fails while the next table moves is reported; the moves stay" {
	only_backend native
	init_db
	legacy_layout
	q -c "CREATE TABLE public.binance_ethusdt_kline_1m AS SELECT * FROM public.binance_btcusdt_kline_1m"
	# The daily rollup refuses every row it is given.
	q -c "ALTER TABLE tsm.candles_1d ADD CONSTRAINT refuse CHECK (bars < 0) NOT VALID"
	run tsm-migrate klines --tables 'binance%'
	assert_status 1
	assert_output_has 'tsm-migrate: error: new row for relation "candles_1d" violates check constraint "refuse"'
	assert_output_has 'detail: while refreshing the aggregates over the rows of public.binance_btcusdt_kline_1m'
	assert_output_has 'detail: while refreshing the aggregates over the rows of public.binance_ethusdt_kline_1m'
	assert_output_has 'public.binance_ethusdt_kline_1m: 5000 rows, 5000 inserted into tsm.candles (binance ETHUSDT 1m); verified: every row is there'
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 10000 ]
	# What the failed refreshes logged stays logged, for a later one.
	[ "$(q -c "SELECT count(*) > 0 FROM tsm.invalidations")" = t ]
	[ "$(q -c "SELECT count(*) FROM tsm.candles_1h")" = 0 ]
	q -c "ALTER TABLE tsm.candles_1d DROP CONSTRAINT refuse"
	q -c "SELECT tsm.refresh_invalidated('candles')" >/dev/null
	[ "$(q -c "SELECT sum(bars) FROM tsm.candles_1h")" = 10000 ]
	drop_reader
}

@test "klines: names that do not parse, columns that differ: nothing moves" {
	init_db
	legacy_layout
	q -c "CREATE TABLE public.binance_kline_1m (open_time timestamptz, open numeric, high numeric, low numeric, close numeric, volume numeric)" \
	    -c "CREATE TABLE public.binance_ethusdt_kline_7x (open_time timestamptz, open numeric, high numeric, low numeric, close numeric, volume numeric)" \
	    -c "CREATE TABLE public.binance_solusdt_kline_5m (open_time timestamptz, open numeric, high numeric, low numeric, volume numeric, vwap numeric)" \
	    -c "CREATE TABLE public.binance_xrpusdt_kline_5m (open_time text, open numeric, high numeric, low numeric, close text, volume numeric)"
	run tsm-migrate klines
	assert_status 1
	assert_output_has 'tsm-migrate: error: table public.binance_kline_1m: the name does not read as {exchange}_{symbol}_kline_{interval}'
	assert_output_has 'tsm-migrate: error: table public.binance_ethusdt_kline_7x: the name ends in an interval that is not a candle interval (1m, 5m, 1h, 1d, 1w, 1M ...)'
	assert_output_has 'tsm-migrate: error: table public.binance_solusdt_kline_5m: its columns differ from the kline layout: missing "close"; unexpected "vwap"'
	assert_output_has 'tsm-migrate: error: table public.binance_xrpusdt_kline_5m: column "open_time" is text; expected a timestamp or an epoch number'
	assert_output_has 'tsm-migrate: error: table public.binance_xrpusdt_kline_5m: column "close" is text; expected a number'
	assert_output_has 'hint: the kline layout is open_time, open, high, low, close, volume'
	assert_output_has 'tsm-migrate: 4 of 6 tables cannot be moved: nothing was moved'
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 0 ]
	[ "$(q -c "SELECT count(*) FROM tsm.instruments")" = 0 ]
	[ "$(q -c "SELECT count(*) FROM public.binance_btcusdt_kline_1m")" = 5000 ]
	drop_reader
}

@test "klines: the pattern is a value, never SQL; --source-schema; --dry-run" {
	init_db
	legacy_layout
	run tsm-migrate klines --tables "x'; DROP TABLE public.binance_btcusdt_kline_1m; --"
	assert_status 1
	assert_output_has "no table in schema \"public\" has a name LIKE 'x'; DROP TABLE public.binance_btcusdt_kline_1m; --'"
	[ "$(q -c "SELECT count(*) FROM public.binance_btcusdt_kline_1m")" = 5000 ]
	run tsm-migrate klines --source-schema nowhere
	assert_status 1
	assert_output_has "no table in schema \"nowhere\" has a name LIKE '%\\_kline\\_%'"
	run tsm-migrate klines --dry-run --create-views
	assert_status 0
	[ "${lines[0]}" = "table,exchange,symbol,interval,rows_estimate,view,drop" ]
	[[ "${lines[1]}" == "public.binance_btcusdt_kline_1m,binance,BTCUSDT,1m,"*",true,false" ]]
	[[ "${lines[2]}" == "public.zerodha_reliance_kline_1h,zerodha,RELIANCE,1h,"*",true,false" ]]
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 0 ]
	drop_reader
}

@test "klines: epoch milliseconds in open_time, a quoted schema" {
	init_db
	q -c "CREATE SCHEMA \"Old Data\"" \
	    -c "CREATE TABLE \"Old Data\".bybit_ethusdt_kline_15m (open_time bigint, open double precision, high double precision, low double precision, close double precision, volume double precision, close_time bigint)" \
	    -c "INSERT INTO \"Old Data\".bybit_ethusdt_kline_15m SELECT 1709251200000 + i * 900000, 3000, 3010, 2990, 3005, 2, 1709251200000 + i * 900000 + 899999 FROM generate_series(0, 99) i"
	run tsm-migrate klines --source-schema 'Old Data' --create-views
	assert_status 0
	assert_output_has '"Old Data".bybit_ethusdt_kline_15m' || assert_output_has 'Old Data.bybit_ethusdt_kline_15m: 100 rows, 100 inserted'
	[ "$(q -c "SELECT min(time), max(close_time) FROM tsm.candles")" = "2024-03-01 00:00:00+00|2024-03-02 00:59:59.999+00" ]
	[ "$(q -c "SELECT min(open_time), max(close_time) FROM \"Old Data\".bybit_ethusdt_kline_15m")" = "1709251200000|1709341199999" ]
}

# ---- any table ----

@test "table: an old candle table with other names, epoch milliseconds" {
	init_db
	q -c "CREATE TABLE public.old_eth (ts bigint, o double precision, h double precision, l double precision, c double precision, v double precision, note text)" \
	    -c "INSERT INTO public.old_eth SELECT 1709251200000 + i * 60000, 3000, 3010, 2990, 3005, 1, 'x' FROM generate_series(0, 1999) i"
	run tsm-migrate table --kind candles --exchange kraken --symbol ETHUSD --interval 1m public.old_eth
	assert_status 1
	assert_output_has 'tsm-migrate: error: public.old_eth has no column for "open", which candles need'
	assert_output_has 'hint: name it with --map open=COLUMN'
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 0 ]
	run tsm-migrate table --kind candles --exchange kraken --symbol ETHUSD --interval 1m \
	    --map open=o --map high=h --map low=l --map close=c --map volume=v --batch-size 700 old_eth
	assert_status 0
	assert_output_has 'public.old_eth: not moved, no column of candles takes them: note'
	assert_output_has 'public.old_eth: 2000 rows, 2000 inserted into tsm.candles; verified: every row is there'
	[ "$(q -c "SELECT count(*), min(time), max(time) FROM tsm.candles")" = "2000|2024-03-01 00:00:00+00|2024-03-02 09:19:00+00" ]
	[ "$(q -c "SELECT count(*) FROM tsm.runs WHERE target = 'public.old_eth' AND status = 'success'")" = 1 ]
}

@test "table: trade ticks with is_buyer_maker, --tz, --dry-run, --drop-source" {
	init_db
	q -c "CREATE TABLE public.ticks_old (id bigint, price numeric, qty numeric, quoteqty numeric, time timestamp, isbuyermaker boolean)"
	if [ -f "$DATA/trades/BTCUSDT_trades.csv" ]; then
		q -c "\copy public.ticks_old (id, price, qty, quoteqty, time, isbuyermaker) FROM PROGRAM 'cut -d, -f1-6 $DATA/trades/BTCUSDT_trades.csv' (FORMAT csv, HEADER)"
	else
		q -c "INSERT INTO public.ticks_old SELECT i, 50000, 0.1, 5000, timestamp '2024-01-01' + i * interval '1 second', i % 2 = 0 FROM generate_series(1, 3000) i"
	fi
	n=$(q -c "SELECT count(DISTINCT id) FROM public.ticks_old")
	run tsm-migrate table --kind ticks --exchange binance --symbol BTCUSDT --dry-run public.ticks_old
	assert_status 0
	assert_output_has 'side,"CASE WHEN s.""isbuyermaker"" THEN '"'"'sell'"'"' ELSE '"'"'buy'"'"' END"'
	[ "$(q -c "SELECT count(*) FROM tsm.ticks")" = 0 ]
	[ "$(q -c "SELECT count(*) FROM tsm.instruments")" = 0 ]
	run tsm-migrate table --kind ticks --exchange binance --symbol BTCUSDT --tz Europe/Berlin --drop-source public.ticks_old
	assert_status 0
	assert_output_has 'verified: every row is there'
	assert_output_has 'public.ticks_old dropped'
	[ "$(q -c "SELECT count(*) FROM tsm.ticks")" = "$n" ]
	[ "$(q -c "SELECT count(*) FROM pg_class WHERE relname = 'ticks_old'")" = 0 ]
}

@test "table: a source that is not there, or a view" {
	init_db
	run tsm-migrate table --kind candles --exchange x --symbol y --interval 1m public.nothing
	assert_status 1
	assert_output_has 'tsm-migrate: error: no table public.nothing'
	q -c "CREATE VIEW public.v AS SELECT 1 AS x"
	run tsm-migrate table --kind candles --exchange x --symbol y --interval 1m v
	assert_status 1
	assert_output_has 'v is not a plain table (a view, or partitioned)'
	q -c "CREATE TABLE public.t (x int)"
	run tsm-migrate table --kind bonds public.t
	assert_status 1
	assert_output_has 'the series "bonds" has no table with a primary key'
}
