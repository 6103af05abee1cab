#!/usr/bin/env bats
# Security of what tsm shares between tools, through tsm-init: passwords
# never shown, names never executed.
#
# The password tests run on a second throwaway server of their own, whose
# pg_hba.conf asks every role but the harness's own for a password
# (scram-sha-256, md5 for one role): the main test server trusts everyone
# and would never look at a password.

load helpers

setup_file() {
	SEC_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tsm-sec.XXXXXX")
	chmod 755 "$SEC_DIR"
	"$TSM_ROOT/scripts/pg" start "$SEC_DIR" >/dev/null
	printf '%s\n' 'local all tsm trust' 'local all sec_md5 md5' \
	    'local all all scram-sha-256' >"$SEC_DIR/data/pg_hba.conf"
	chmod 644 "$SEC_DIR/data/pg_hba.conf"
	psql -XAtq -h "$SEC_DIR" -U tsm -d postgres -c "SELECT pg_reload_conf()" >/dev/null
	export SEC_DIR
}

teardown_file() {
	"$TSM_ROOT/scripts/pg" destroy "$SEC_DIR"
}

teardown() {
	drop_db
}

# psql as the harness's superuser on the password server.
sq() {
	psql -XAtq -v ON_ERROR_STOP=1 -h "$SEC_DIR" -U tsm "$@"
}

# A login role $1 with password $2 (md5-hashed if $3 is md5), owning a
# database of its name, on the password server.
secure_db() {
	local enc=scram-sha-256
	[ "${3:-}" = md5 ] && enc=md5
	require_backend
	sq -d postgres -v r="$1" -v p="$2" -v e="$enc" <<-'SQL'
		DROP DATABASE IF EXISTS :"r" WITH (FORCE);
		DROP ROLE IF EXISTS :"r";
		SET password_encryption = :'e';
		CREATE ROLE :"r" LOGIN PASSWORD :'p';
		CREATE DATABASE :"r" OWNER :"r";
	SQL
	if [ "$BACKEND" = timescaledb ]; then
		sq -d "$1" -c "CREATE EXTENSION IF NOT EXISTS timescaledb" >/dev/null
	fi
}

# Percent-encodes $1 for a URI, as a careful user writes a password.
uri_encode() {
	local s=$1 out= c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[a-zA-Z0-9._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s' "$out"
}

# Fails if the last output holds any of the strings given.
refute_secrets() {
	local s
	for s in "$@"; do
		refute_output_has "$s"
	done
}

@test "a password in a URI never shows: loads, --status, --dry-run, errors" {
	local pw="p@ss:w/rd %Q9'\"x" enc uri
	enc=$(uri_encode "$pw")
	secure_db sec_uri "$pw"
	uri="postgresql://sec_uri:$enc@/sec_uri?host=$SEC_DIR"
	set -- "$pw" "$enc" 'ss:w/rd' 'ss%3Aw%2Frd'

	run tsm-init -d "$uri" --backend "$BACKEND"
	assert_status 0
	assert_output_has "applied 002_aggregates.sql"
	refute_secrets "$@"
	for f in table csv json; do
		run tsm-init -d "$uri" --status -F "$f"
		assert_status 0
		assert_output_has "up to date"
		refute_secrets "$@"
	done
	run tsm-init -d "$uri" --dry-run --retention ticks=7d
	assert_status 0
	refute_secrets "$@"
	run tsm-init -d "$uri" --roles
	assert_status 1
	assert_output_has "permission denied to create role"
	refute_secrets "$@"

	# Errors: a wrong password, a bad percent-encoding (libpq quotes it),
	# a database that does not exist.
	run tsm-init --status -d "postgresql://sec_uri:${enc}Zz9@/sec_uri?host=$SEC_DIR"
	assert_status 3
	assert_output_has "password authentication failed"
	refute_secrets "$@" "${enc}Zz9"
	run tsm-init --status -d "postgresql://sec_uri:%zz$enc@/sec_uri?host=$SEC_DIR"
	assert_status 3
	assert_output_has "invalid percent-encoded token"
	refute_secrets "$@" "%zz$enc"
	run tsm-init --status -d "postgresql://sec_uri:$enc@/no_such_db?host=$SEC_DIR"
	assert_status 3
	assert_output_has "no_such_db"
	refute_secrets "$@"
	run env -u PGDATABASE DATABASE_URL="$uri" tsm-init --status
	assert_status 0
	refute_secrets "$@"
}

@test "a password in a conninfo string never shows, md5 or scram" {
	local pw="c0nn 'in\\fo' pw" esc role
	esc=${pw//\\/\\\\}
	esc=${esc//\'/\\\'}
	for role in sec_md5 sec_scram; do
		if [ $role = sec_md5 ]; then secure_db $role "$pw" md5; else secure_db $role "$pw"; fi
		run tsm-init -d "host=$SEC_DIR dbname=$role user=$role password='$esc'" --backend "$BACKEND"
		assert_status 0
		refute_secrets "$pw" "$esc" "in\\fo"
		run tsm-init --status -d "host=$SEC_DIR dbname=$role user=$role password='$esc'"
		assert_status 0
		refute_secrets "$pw" "$esc" "in\\fo"
		run tsm-init --status -d "host=$SEC_DIR dbname=$role user=$role password='${esc}X'"
		assert_status 3
		assert_output_has "password authentication failed"
		refute_secrets "$pw" "$esc" "in\\fo"
		# A string libpq refuses: the password must not be quoted back.
		run tsm-init --status -d "host=$SEC_DIR user=$role password='$esc' dbname"
		assert_status 3
		refute_secrets "$pw" "$esc" "in\\fo"
	done
}

@test "PGPASSWORD never shows" {
	local pw='env-Pa55 w0rd;$x'
	secure_db sec_env "$pw"
	PGPASSWORD=$pw run tsm-init -h "$SEC_DIR" -U sec_env -d sec_env --backend "$BACKEND"
	assert_status 0
	refute_secrets "$pw"
	PGPASSWORD=$pw run tsm-init -h "$SEC_DIR" -U sec_env -d sec_env --status -F csv
	assert_status 0
	assert_output_has "state,up to date"
	refute_secrets "$pw"
	PGPASSWORD=$pw run tsm-init -h "$SEC_DIR" -U sec_env -d sec_env --dry-run --compress-after 7d
	assert_status 0
	refute_secrets "$pw"
	PGPASSWORD=$pw run tsm-init -h "$SEC_DIR" -U sec_env -d sec_env --roles
	assert_status 1
	refute_secrets "$pw"
	PGPASSWORD=$pw run tsm-init -h "$SEC_DIR" -U sec_env -d no_such_db --status
	assert_status 3
	refute_secrets "$pw"
	PGPASSWORD="${pw}-wrong" run tsm-init -h "$SEC_DIR" -U sec_env -d sec_env --status
	assert_status 3
	assert_output_has "password authentication failed"
	refute_secrets "$pw"
	# No password at all, and -w: say where to give one.
	run tsm-init -w -h "$SEC_DIR" -U sec_env -d sec_env --status
	assert_status 3
	assert_output_has "hint: give the password in PGPASSWORD or ~/.pgpass"
}

@test "a password in .pgpass never shows" {
	local pw='pgpass:S3cret\back' tmp
	tmp=$(tmpdir)
	secure_db sec_file "$pw"
	# In .pgpass, : and \ are escaped with a backslash.
	printf '*:*:sec_file:sec_file:%s\n' 'pgpass\:S3cret\\back' >"$tmp/pgpass"
	chmod 600 "$tmp/pgpass"
	PGPASSFILE=$tmp/pgpass run tsm-init -h "$SEC_DIR" -U sec_file -d sec_file --backend "$BACKEND"
	assert_status 0
	refute_secrets "$pw" 'S3cret'
	PGPASSFILE=$tmp/pgpass run tsm-init -h "$SEC_DIR" -U sec_file -d sec_file --status
	assert_status 0
	refute_secrets "$pw" 'S3cret'
	PGPASSFILE=$tmp/pgpass run tsm-init -h "$SEC_DIR" -U sec_file -d sec_file --dry-run --retention ticks=30d
	assert_status 0
	refute_secrets "$pw" 'S3cret'
	printf '*:*:sec_file:sec_file:%s\n' 'wrong:S3cret' >"$tmp/pgpass"
	PGPASSFILE=$tmp/pgpass run tsm-init -h "$SEC_DIR" -U sec_file -d sec_file --status
	assert_status 3
	assert_output_has "password authentication failed"
	refute_secrets "$pw" 'S3cret'
}

@test "a password in a URI, PGPASSWORD or .pgpass never shows in any tool's output, error or file" {
	local pw="Tw0'\"; x%s\$\$" enc uri d out
	enc=$(uri_encode "$pw")
	secure_db sec_tools "$pw"
	uri="postgresql://sec_tools:$enc@/sec_tools?host=$SEC_DIR"
	d=$(tmpdir)
	tsm-init -q -d "$uri" --backend "$BACKEND"
	printf 'time,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1,5\n2024-01-01T00:01:00Z,1,x,0.5,1,5\n' >"$d/c.csv"
	printf '[{"symbol":"BTCUSDT","qty":1,"side":"buy","price":5,"time":1704067200}]' >"$d/t.json"
	printf '*:*:sec_tools:sec_tools:%s\n' "$(printf '%s' "$pw" | sed 's/[\\:]/\\&/g')" >"$d/pgpass"
	chmod 600 "$d/pgpass"
	out=$d/all-output
	: >"$out"
	# Each way of giving the password, each tool, good and bad.
	for how in uri env file; do
		case $how in
		uri) conn=(-d "$uri"); envs=() ;;
		env) conn=(-h "$SEC_DIR" -U sec_tools -d sec_tools); envs=(PGPASSWORD="$pw") ;;
		file) conn=(-h "$SEC_DIR" -U sec_tools -d sec_tools); envs=(PGPASSFILE="$d/pgpass") ;;
		esac
		(
			set +e
			env "${envs[@]}" tsm-ingest "${conn[@]}" candles --exchange binance --symbol BTCUSDT --interval 1m \
			    --rejects "$d/rej-$how.csv" --metrics-file "$d/m-$how.prom" --progress "$d/c.csv"
			echo "ingest: $?"
			env "${envs[@]}" tsm-query "${conn[@]}" --explain ohlcv BTCUSDT -i 1h
			echo "query: $?"
			env "${envs[@]}" tsm-query "${conn[@]}" sql "SELECT current_setting('application_name'), current_user"
			env "${envs[@]}" tsm-migrate "${conn[@]}" trades --dry-run "$d/t.json"
			echo "migrate: $?"
			env "${envs[@]}" tsm-compress "${conn[@]}" status
			env "${envs[@]}" tsm-compress "${conn[@]}" run --dry-run --older-than 1d
			echo "compress: $?"
			env "${envs[@]}" tsm-backtest "${conn[@]}" --symbol BTCUSDT --interval 1m
			env "${envs[@]}" tsm-init "${conn[@]}" --status
			# Errors: a table that is not there, a database that is not.
			env "${envs[@]}" tsm-query "${conn[@]}" sql "SELECT * FROM no_such_table"
			env "${envs[@]}" tsm-ingest "${conn[@]}" --schema nowhere candles --exchange x --symbol y --interval 1m "$d/c.csv"
			echo "errors: done"
		) >>"$out" 2>&1
	done
	for t in tsm-ingest tsm-query tsm-migrate tsm-compress tsm-backtest tsm-init; do
		case $t in
		tsm-ingest) args=(candles --exchange x --symbol y --interval 1m "$d/c.csv") ;;
		tsm-query) args=(symbols) ;;
		tsm-migrate) args=(trades --dry-run "$d/t.json") ;;
		tsm-compress) args=(status) ;;
		tsm-backtest) args=(--symbol BTCUSDT --interval 1m) ;;
		tsm-init) args=(--status) ;;
		esac
		run "$t" -d "postgresql://sec_tools:${enc}Q@/sec_tools?host=$SEC_DIR" "${args[@]}"
		assert_status 3
		assert_output_has "password authentication failed"
		echo "$output" >>"$out"
		run env PGPASSWORD="${pw}Q" "$t" -h "$SEC_DIR" -U sec_tools -d sec_tools "${args[@]}"
		assert_status 3
		echo "$output" >>"$out"
	done
	output=$(cat "$out")
	# The runs worked (the password was used) ...
	[ "$(grep -c '^ingest: 4$' "$out")" = 3 ]
	[ "$(grep -c '^query: 0$' "$out")" = 3 ]
	[ "$(grep -c '^migrate: 0$' "$out")" = 3 ]
	[ "$(grep -c '^compress: 0$' "$out")" = 3 ]
	assert_output_has "tsm-query,sec_tools"
	# ... and it shows nowhere: not in the output, nor in the files.
	refute_secrets "$pw" "$enc" "Tw0'" "${enc:0:8}"
	for f in "$d"/rej-*.csv "$d"/m-*.prom; do
		output=$(cat "$f")
		refute_secrets "$pw" "$enc" "Tw0'" "${enc:0:8}"
	done
}

# The names a careless or hostile user may give --schema.
schema_names=(
	'x"; DROP TABLE public.canary; --'
	"x'; DROP TABLE public.canary; --"
	'back\slash\'
	'dollar$$quote$$ ; SELECT 1'
	'%s%n%x%p%99999999s'
	$'new\nline; DROP TABLE public.canary; --'
	'Ünïcødé 市场 €'
	' spaced '
)

@test "--schema names with quotes, \$\$, %s, newlines, UTF-8 are used verbatim" {
	init_db
	q -c "CREATE TABLE public.canary (x int); INSERT INTO public.canary VALUES (42)"
	before=$(q -c "SELECT count(*) FROM pg_namespace")
	versions=$(ls "$TSM_ROOT"/sql/[0-9]*.sql | wc -l)
	for name in "${schema_names[@]}"; do
		run tsm-init --backend "$BACKEND" --schema "$name"
		assert_status 0
		[ "$(q -v s="$name" <<<"SELECT count(*) FROM pg_namespace WHERE nspname = :'s'")" = 1 ] ||
		    { echo "no schema named [$name]"; return 1; }
		[ "$(q -v s="$name" <<<'SELECT count(*) FROM :"s".schema_migrations')" = "$versions" ]
		run tsm-init --status -F csv --schema "$name"
		assert_status 0
		assert_output_has "state,up to date"
	done
	# Exactly one schema more per name, and nothing dropped.
	[ "$(q -c "SELECT count(*) FROM pg_namespace")" = $((before + ${#schema_names[@]})) ]
	[ "$(q -c "SELECT x FROM public.canary")" = 42 ]
	[ "$(q -c "SELECT count(*) FROM tsm.schema_migrations")" = "$versions" ]
}

@test "--roles with a schema name holding quotes and a newline" {
	require_backend
	new_db
	local name=$'r"o\'les;\nx'
	run tsm-init --backend "$BACKEND" --schema "$name" --roles
	assert_status 0
	[ "$(q -v r="${name}_reader" <<<"SELECT count(*) FROM pg_roles WHERE rolname = :'r'")" = 1 ]
	[ "$(q -v r="${name}_writer" <<<"SELECT count(*) FROM pg_roles WHERE rolname = :'r'")" = 1 ]
	[ "$(q -v r="${name}_reader" -v s="$name" <<<"SELECT has_table_privilege(:'r', format('%I.candles', :'s'), 'SELECT')")" = t ]
	[ "$(q -v r="${name}_reader" -v s="$name" <<<"SELECT has_table_privilege(:'r', format('%I.candles', :'s'), 'INSERT')")" = f ]
	drop_db
	q -d postgres -v r="${name}_reader" -v w="${name}_writer" <<-'SQL'
		DROP ROLE :"w";
		DROP ROLE :"r";
	SQL
}

# A newline in a name would end a comment of the --dry-run output, and
# what followed ran as SQL when the output was fed to psql: it dropped
# the table.  Found writing this test.
@test "--dry-run output fed to psql runs nothing hidden in a name" {
	init_db
	q -c "CREATE TABLE public.canary (x int); INSERT INTO public.canary VALUES (42)"
	local name=$'n\nDROP TABLE public.canary; --'
	tsm-init --dry-run --backend "$BACKEND" --schema "$name" --retention candles=7d |
	    psql -X -d "$PGDATABASE" >/dev/null 2>&1 || true
	[ "$(q -c "SELECT x FROM public.canary")" = 42 ]
}

# ---- values: stored verbatim, never executed ----

# Names a careless or hostile feed may carry, each a symbol, an exchange
# and a source.
nasty=(
	"x'); DROP TABLE tsm.candles; --"
	'a"b;c\d'
	'back\slash\'
	'$$; DROP TABLE public.canary; $$'
	'%s%n%x%p%99999999s'
	$'new\nline; DROP TABLE public.canary; --'
	'Ünïcødé 市场 €'
	":'x' :\"y\" \\gexec"
	"' OR '1'='1"
)

# Writes the names given after $1, NUL-separated, to $1.
nasty_file() {
	local f=$1
	shift
	printf '%s\0' "$@" >"$f"
}

# Compares the JSON lines of the last output: the set of the values of
# the keys $2 (comma-separated) must be the set that the python
# expression $3 makes from the list names (of the file $1).
assert_json_set() {
	printf '%s\n' "$output" >"$(tmpdir)/json.out"
	python3 - "$1" "$2" "$3" "$(tmpdir)/json.out" <<'PY' || { echo "$output" >&2; return 1; }
import json, sys
names = open(sys.argv[1], encoding="utf-8").read().split("\0")[:-1]
keys = sys.argv[2].split(",")
want = eval(sys.argv[3], {"names": names})
got = set()
for line in open(sys.argv[4], encoding="utf-8"):
    if line.strip():
        o = json.loads(line)
        got.add(tuple(o[k] for k in keys) if len(keys) > 1 else o[keys[0]])
if got != want:
    print("got:", sorted(got), file=sys.stderr)
    print("want:", sorted(want), file=sys.stderr)
    sys.exit(1)
PY
}

# The canary, tsm.candles and the count of instruments are as they were.
assert_nothing_executed() {
	[ "$(q -c "SELECT x FROM public.canary")" = 42 ]
	[ "$(q -c "SELECT to_regclass('tsm.candles') IS NOT NULL")" = t ]
}

@test "symbols, exchanges and sources with quotes, \$\$, %s, newlines, UTF-8 load verbatim and read back through tsm-query" {
	init_db
	q -c "CREATE TABLE public.canary (x int); INSERT INTO public.canary VALUES (42)"
	d=$(tmpdir)
	# Names are one line: tsm-ingest refuses control characters in them.
	names=()
	for name in "${nasty[@]}"; do
		[[ $name == *$'\n'* ]] || names+=("$name")
	done
	nasty_file "$d/names" "${names[@]}"
	n=${#names[@]}
	# Candles: exchange i, symbol i + 3; sentiment: source i.
	python3 - "$d/names" "$d" <<'PY'
import csv, sys
names = open(sys.argv[1], encoding="utf-8").read().split("\0")[:-1]
n = len(names)
with open(sys.argv[2] + "/c.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["exchange", "symbol", "time", "open", "high", "low", "close", "volume"])
    for i in range(n):
        w.writerow([names[i], names[(i + 3) % n], "2024-01-01T00:0%dZ" % 0, 1, 2, 0.5, 1, i])
        w.writerow([names[i], names[(i + 3) % n], "2024-01-01T00:01:00Z", 1, 2, 0.5, 1, i])
with open(sys.argv[2] + "/s.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["time", "asset", "source", "score", "mentions"])
    for i in range(n):
        w.writerow(["2024-01-01T00:00:00Z", "BTC", names[i], 0.25, i])
PY
	sed -i 's/T00:00Z/T00:00:00Z/' "$d/c.csv"
	run tsm-ingest candles --interval 1m "$d/c.csv"
	assert_status 0
	assert_output_has "$((2 * n)) rows read, $((2 * n)) inserted"
	assert_output_has "$n new instruments made"
	run tsm-ingest sentiment "$d/s.csv"
	assert_status 0
	assert_output_has "$n rows read, $n inserted"
	for name in "${names[@]}"; do
		printf 'time,asset,flow_type,amount,usd_value,tx\n2024-01-01T00:00:00Z,BTC,inflow,5,200000,t1\n' |
		    tsm-ingest -q flows --source "$name"
	done
	assert_nothing_executed
	[ "$(q -c "SELECT count(*) FROM tsm.instruments")" = "$n" ]

	run tsm-query -F json symbols
	assert_status 0
	assert_json_set "$d/names" exchange,symbol '{(names[i], names[(i + 3) % len(names)]) for i in range(len(names))}'
	run tsm-query -F json sentiment BTC by-source
	assert_status 0
	assert_json_set "$d/names" source 'set(names)'
	run tsm-query -F json flows BTC by-exchange
	assert_status 0
	assert_json_set "$d/names" source 'set(names)'
	# Each instrument found by its own name, as given on the command line.
	for i in $(seq 0 $((n - 1))); do
		run tsm-query -F csv -t -e "${names[i]}" ohlcv "${names[(i + 3) % n]}" -i 1m
		assert_status 0
		[ "${#lines[@]}" = 2 ] || { echo "[${names[i]}] [${names[(i + 3) % n]}]: $output"; return 1; }
		[ "$(echo "${lines[1]}" | cut -d, -f6)" = "$i" ]
	done
	# CSV out quotes what needs quoting: read back by a CSV reader.
	run tsm-query -F csv symbols
	python3 -c '
import csv, io, sys
names = open(sys.argv[1], encoding="utf-8").read().split("\0")[:-1]
rows = list(csv.DictReader(io.StringIO(sys.stdin.read())))
assert {(r["exchange"], r["symbol"]) for r in rows} == {(names[i], names[(i + 3) % len(names)]) for i in range(len(names))}, rows
' "$d/names" <<<"$output"
	# A newline in a name is refused, by line and column; in free text
	# (a signal's rationale) it is kept, with everything else.
	printf 'symbol,time,open,high,low,close,volume\n"a\nb",2024-01-01T00:00:00Z,1,2,0.5,1,5\n' >"$d/nl.csv"
	run tsm-ingest candles --exchange x --interval 1m "$d/nl.csv"
	assert_status 1
	assert_output_has "tsm-ingest: error: \"$d/nl.csv\" line 2, column \"symbol\": \"a
b\" holds a control character"
	assert_output_has "detail: nothing was committed"
	[ "$(q -c "SELECT count(*) FROM tsm.instruments")" = "$n" ]
	nasty_file "$d/all" "${nasty[@]}"
	python3 - "$d/all" "$d/x.csv" <<'PY'
import csv, sys
names = open(sys.argv[1], encoding="utf-8").read().split("\0")[:-1]
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["time", "strategy", "signal", "confidence", "price", "rationale"])
    for i, s in enumerate(names):
        w.writerow(["2024-01-01T00:%02d:00Z" % i, "s%d" % i, "buy", 0.5, 1, s])
PY
	run tsm-ingest signals --exchange "${names[0]}" --symbol "${names[1]}" "$d/x.csv"
	assert_status 0
	run tsm-query -F json --all signals
	assert_status 0
	assert_json_set "$d/all" rationale 'set(names)'
	assert_nothing_executed
}

@test "JSON values with quotes, \$\$, %s, newlines, UTF-8 migrate verbatim into positions and trades" {
	init_db
	q -c "CREATE TABLE public.canary (x int); INSERT INTO public.canary VALUES (42)"
	d=$(tmpdir)
	nasty_file "$d/names" "${nasty[@]}"
	python3 - "$d/names" "$d" <<'PY'
import json, sys
names = open(sys.argv[1], encoding="utf-8").read().split("\0")[:-1]
trades = [{"symbol": s, "strategy": names[-1 - i], "qty": 1 + i, "side": "buy",
           "price": 10, "time": 1704067200 + 60 * i} for i, s in enumerate(names)]
positions = [{"symbol": s, "strategy": names[-1 - i], "quantity": 1 + i, "side": "long",
              "entry_price": 10, "entry_time": "2024-01-01T00:00:00Z"} for i, s in enumerate(names)]
json.dump(trades, open(sys.argv[2] + "/trades.json", "w"), ensure_ascii=False)
json.dump(positions, open(sys.argv[2] + "/positions.json", "w"), ensure_ascii=True)
PY
	n=${#nasty[@]}
	run tsm-migrate trades "$d/trades.json"
	assert_status 0
	assert_output_has "$n records: $n inserted"
	run tsm-migrate positions "$d/positions.json"
	assert_status 0
	assert_output_has "$n records: $n inserted"
	assert_nothing_executed
	run tsm-query -F json trades
	assert_status 0
	assert_json_set "$d/names" symbol,strategy '{(s, names[-1 - i]) for i, s in enumerate(names)}'
	run tsm-query -F json positions
	assert_status 0
	assert_json_set "$d/names" symbol,strategy '{(s, names[-1 - i]) for i, s in enumerate(names)}'
	# A second run finds every record there: the keys match verbatim.
	run tsm-migrate trades "$d/trades.json"
	assert_status 0
	assert_output_has "$n records: 0 inserted, $n already there"
	assert_nothing_executed
}

@test "tsm-migrate klines: table patterns with quotes, semicolons, \$\$ and newlines are patterns, never SQL" {
	init_db
	q -c "CREATE TABLE public.canary (x int); INSERT INTO public.canary VALUES (42)"
	q -c "CREATE TABLE public.binance_btcusdt_kline_1m (open_time timestamptz, open numeric, high numeric, low numeric, close numeric, volume numeric)" \
	    -c "INSERT INTO public.binance_btcusdt_kline_1m VALUES ('2024-01-01', 1, 2, 0.5, 1, 3)"
	for p in '%"; DROP TABLE public.canary; --' "%'); DROP TABLE public.canary; --" \
	    '$$; DROP TABLE public.canary; $$' "\\'; DROP TABLE public.canary; --" \
	    $'%\n; DROP TABLE public.canary; --' '%s%n%x' "binance%' OR 'a' = 'a"; do
		run tsm-migrate klines --tables "$p"
		assert_status 1
		assert_output_has "tsm-migrate: error: no table in schema \"public\" has a name LIKE '$p'"
		run tsm-migrate klines --source-schema "$p"
		assert_status 1
		assert_output_has "no table in schema \"$p\" has a name LIKE"
	done
	assert_nothing_executed
	[ "$(q -c "SELECT count(*) FROM public.binance_btcusdt_kline_1m")" = 1 ]
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 0 ]
	# The pattern still works as a pattern.
	run tsm-migrate klines --tables 'binance\_btc%'
	assert_status 0
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 1 ]
}

# ---- least privilege: the roles of tsm-init --roles ----

# Login roles in the reader and writer roles, for this test.
login_roles() {
	R=sec_reader_$$
	W=sec_writer_$$
	q -d postgres -c "DROP ROLE IF EXISTS $R" -c "DROP ROLE IF EXISTS $W" \
	    -c "CREATE ROLE $R LOGIN IN ROLE tsm_reader" \
	    -c "CREATE ROLE $W LOGIN IN ROLE tsm_writer"
}

drop_login_roles() {
	drop_db
	q -d postgres -c "DROP ROLE IF EXISTS $R" -c "DROP ROLE IF EXISTS $W" \
	    -c "DROP OWNED BY tsm_reader" -c "DROP OWNED BY tsm_writer" \
	    -c "DROP ROLE tsm_writer" -c "DROP ROLE tsm_reader" >/dev/null 2>&1 || true
}

# A database with some of every series tsm-query reads, loaded by the
# owner through the tools.
load_everything() {
	local d
	d=$(tmpdir)
	{
		echo "time,open,high,low,close,volume"
		awk -v e=1704067200 'BEGIN { for (i = 0; i < 600; i++)
			printf "%d,%d,%d,%d,%d,%d\n", e + 60 * i, 100 + i % 7,
			    102 + i % 7, 99 + i % 7, 101 + i % 7, 1 + i % 13 }'
	} >"$d/c.csv"
	tsm-ingest -q candles --exchange binance --symbol BTCUSDT --interval 1m "$d/c.csv"
	printf 'time,asset,source,score,mentions\n2024-01-01T00:00:00Z,BTC,x,0.25,10\n2024-01-01T01:00:00Z,BTC,y,-0.5,3\n' |
	    tsm-ingest -q sentiment
	printf 'time,asset,flow_type,amount,usd_value,tx\n2024-01-01T00:00:00Z,BTC,inflow,5,200000,a\n2024-01-01T00:00:00Z,BTC,outflow,1,40000,b\n' |
	    tsm-ingest -q flows --source binance
	printf 'time,strategy,signal,confidence,price\n2024-01-01T00:00:00Z,sma,buy,0.8,101\n' |
	    tsm-ingest -q signals --exchange binance --symbol BTCUSDT
	printf 'time,metric,value\n2024-01-01T00:00:00Z,vix,13.5\n' |
	    tsm-ingest -q metrics --symbol SPX
	printf '[{"symbol":"BTCUSDT","qty":1,"side":"buy","price":100,"time":1704067200}]' >"$d/t.json"
	tsm-migrate -q trades --no-backup "$d/t.json"
	printf '[{"symbol":"BTCUSDT","quantity":1,"side":"long","entry_price":100,"entry_time":"2024-01-01T00:00:00Z"}]' >"$d/p.json"
	tsm-migrate -q positions --no-backup "$d/p.json"
	tsm-backtest -q --symbol BTCUSDT --interval 1m --save >/dev/null
	q -c "INSERT INTO tsm.watchlists (name, instrument_id, position) VALUES ('core', 1, 1)"
}

# The arguments that exercise tsm-query command $1, one run per line.
query_runs() {
	case $1 in
	ohlcv) echo "ohlcv BTCUSDT -i 1h" ;;
	indicators) echo "indicators BTCUSDT -i 5m sma:3 rsi:2" ;;
	latest|overview|stats|symbols|summary|signals|positions|trades|metrics|watchlists)
		echo "$1"; echo "$1 --all" | grep -E 'signals|positions' || true ;;
	change|range|volume-profile) echo "$1 BTCUSDT" ;;
	gaps) echo "gaps BTCUSDT -i 1m" ;;
	sentiment) for v in "" raw trend by-source distribution latest; do echo "sentiment BTC $v"; done ;;
	flows) for v in "" history net "whales --min-amount 1" by-exchange velocity; do echo "flows BTC $v"; done ;;
	backtests) echo "backtests"; echo "backtests 1"; echo "backtests 1 --trades" ;;
	sql) echo "sql SELECT_count" ;;
	*) echo "UNKNOWN" ;;
	esac
}

@test "the reader runs every tsm-query command; tsm-ingest, --save and tsm-migrate are refused, naming the grant" {
	init_db --roles
	login_roles
	load_everything
	cmds=$(tsm-query --help | sed -n '/^Commands:/,/^Options:/p' | grep -oE '^  [a-z-]+' | tr -d ' ')
	[ "$(echo "$cmds" | wc -l)" -ge 20 ]
	runs=0
	for c in $cmds; do
		while read -r line; do
			[ "$line" != UNKNOWN ] || { echo "no runs for the command $c: add them to query_runs"; return 1; }
			# shellcheck disable=SC2086
			if [ "$line" = "sql SELECT_count" ]; then
				run tsm-query -U "$R" sql "SELECT count(*) FROM candles"
			else
				run tsm-query -U "$R" $line
			fi
			[ "$status" = 0 ] || { echo "tsm-query $line as the reader: exit $status"; echo "$output"; return 1; }
			refute_output_has "error"
			[ -n "$output" ]
			runs=$((runs + 1))
		done < <(query_runs "$c")
	done
	[ "$runs" -ge 30 ]
	before=$(q -c "SELECT (SELECT count(*) FROM tsm.candles), (SELECT count(*) FROM tsm.indicators), (SELECT count(*) FROM tsm.trades), (SELECT count(*) FROM tsm.instruments)")

	# Writes are refused, with the grant that is missing.
	# A stored candle with another volume: an update.
	printf 'time,open,high,low,close,volume\n2024-01-01T00:00:00Z,100,102,99,101,999\n' >"$(tmpdir)/n.csv"
	run tsm-ingest -U "$R" candles --exchange binance --symbol BTCUSDT --interval 1m "$(tmpdir)/n.csv"
	assert_status 1
	assert_output_has "tsm-ingest: error: permission denied for table candles"
	assert_output_has "grant: ask the owner of the schema, or run tsm-init --roles and use a role it made"
	assert_output_has "detail: nothing was committed"
	run tsm-ingest -U "$R" candles --exchange binance --symbol NEWONE --interval 1m "$(tmpdir)/n.csv"
	assert_status 1
	assert_output_has "permission denied for table instruments"
	run tsm-query -U "$R" indicators BTCUSDT -i 5m sma:3 --save
	assert_status 1
	# Native PostgreSQL stops at the partitions, TimescaleDB at the table.
	assert_output_has "tsm-query: error: permission denied for "
	assert_output_has "hint: the role \"$R\" lacks a grant: ask the owner of the schema, or run tsm-init --roles and use a role it made"
	assert_output_has "tsm-query: error: nothing was saved"
	printf '[{"symbol":"ETHUSDT","qty":1,"side":"buy","price":100,"time":1704067200}]' >"$(tmpdir)/t2.json"
	run tsm-migrate -U "$R" trades "$(tmpdir)/t2.json"
	assert_status 1
	assert_output_has "permission denied for table trades"
	[ ! -e "$(tmpdir)/t2.json.bak" ]
	run tsm-query -U "$R" sql "DELETE FROM candles"
	assert_status 1
	assert_output_has "cannot execute DELETE in a read-only transaction"
	[ "$(q -c "SELECT (SELECT count(*) FROM tsm.candles), (SELECT count(*) FROM tsm.indicators), (SELECT count(*) FROM tsm.trades), (SELECT count(*) FROM tsm.instruments)")" = "$before" ]
	drop_login_roles
}

@test "the writer loads through every tool that writes rows, but cannot change or drop the schema" {
	init_db --roles
	login_roles
	d=$(tmpdir)
	printf 'time,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1,5\n2024-01-01T00:01:00Z,1,2,0.5,1,6\n' >"$d/c.csv"
	run tsm-ingest -U "$W" --no-refresh candles --exchange binance --symbol BTCUSDT --interval 1m "$d/c.csv"
	assert_status 0
	assert_output_has "2 rows read, 2 inserted"
	printf '[{"symbol":"BTCUSDT","qty":1,"side":"buy","price":100,"time":1704067200}]' >"$d/t.json"
	run tsm-migrate -U "$W" trades --no-backup "$d/t.json"
	assert_status 0
	assert_output_has "1 record: 1 inserted"
	before=$(q -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'tsm'")
	for sql in "DROP TABLE tsm.candles" "DROP TABLE tsm.instruments CASCADE" \
	    "ALTER TABLE tsm.trades DROP COLUMN symbol" "TRUNCATE tsm.candles" \
	    "CREATE TABLE tsm.evil (x int)" "DROP SCHEMA tsm CASCADE" \
	    "CREATE OR REPLACE FUNCTION tsm.evil() RETURNS int LANGUAGE sql AS 'SELECT 1'" \
	    "GRANT tsm_reader TO $W" "ALTER TABLE tsm.candles OWNER TO $W"; do
		run q -U "$W" -c "$sql"
		[ "$status" != 0 ] || { echo "the writer ran: $sql"; return 1; }
		[[ $output == *"must be owner"* || $output == *"permission denied"* ||
		    $output == *"must have admin option"* ]] ||
		    { echo "$sql: $output"; return 1; }
	done
	[ "$(q -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'tsm'")" = "$before" ]
	[ "$(q -c "SELECT count(*) FROM tsm.candles")" = 2 ]
	[ "$(q -c "SELECT count(*) FROM tsm.trades")" = 1 ]
	run tsm-init -U "$W" --roles
	assert_status 1
	drop_login_roles
}

# ---- the files tsm writes ----

@test "rejects, backups, metrics and backtest files are never world-writable, even with umask 000" {
	init_db
	d=$(tmpdir)
	umask 000
	printf 'time,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1,5\n2024-01-01T00:01:00Z,1,x,0.5,1,5\n' >"$d/c.csv"
	run tsm-ingest candles --exchange binance --symbol BTCUSDT --interval 1m \
	    --rejects "$d/rejects.csv" --metrics-file "$d/load.prom" "$d/c.csv"
	assert_status 4
	assert_output_has "2 rows read, 1 inserted, 0 updated, 0 unchanged, 0 duplicates, 1 rejected"
	# Rejected rows are data: the owner's alone.  Metrics are for a
	# collector to read.
	[ "$(stat -c %a "$d/rejects.csv")" = 600 ]
	[ "$(stat -c %a "$d/load.prom")" = 644 ]
	grep -q 'column ""high"": ""x"" is not a number' "$d/rejects.csv"
	[ -z "$(ls "$d" | grep tmp)" ]
	# A backup has the mode of its original, less the write bit for all.
	for m in 600 640 644 660 666; do
		printf '[{"symbol":"S%s","qty":1,"side":"buy","price":5,"time":1704067200}]' "$m" >"$d/t$m.json"
		chmod "$m" "$d/t$m.json"
		run tsm-migrate trades "$d/t$m.json"
		assert_status 0
		assert_output_has "backed up as $d/t$m.json.bak"
		cmp "$d/t$m.json" "$d/t$m.json.bak"
		want=$(printf '%o' $((8#$m & ~8#002)))
		[ "$(stat -c %a "$d/t$m.json.bak")" = "$want" ] ||
		    { echo "t$m.json.bak: mode $(stat -c %a "$d/t$m.json.bak"), want $want"; return 1; }
	done
	# tsm-backtest's trades, equity and chart files: the owner's alone.
	printf 'time,open,high,low,close,volume\n' >"$d/b.csv"
	for i in $(seq 0 59); do
		printf '2024-01-01T00:%02d:00Z,%s,%s,%s,%s,1\n' "$i" $((100 + i % 7)) $((102 + i % 7)) $((99 + i % 7)) $((101 + i % 7))
	done >>"$d/b.csv"
	run tsm-backtest --strategy sma-cross --fast 2 --slow 5 \
	    --trades "$d/trades.csv" --equity "$d/equity.csv" --plot "$d/run.svg" <"$d/b.csv"
	assert_status 0
	for f in trades.csv equity.csv run.svg; do
		[ "$(stat -c %a "$d/$f")" = 600 ] ||
		    { echo "$f: mode $(stat -c %a "$d/$f"), want 600"; return 1; }
	done
	# No file tsm wrote is writable by others.
	[ -z "$(find "$d" -type f -perm -o+w \( -name '*.bak' -o -name rejects.csv -o -name '*.prom' -o -name '*.svg' -o -name 'equity.csv' -o -name 'trades.csv' \))" ]
}
