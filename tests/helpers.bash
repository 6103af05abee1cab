# helpers.bash: what every bats suite loads.
#
# The suites run against the server PG* points at (scripts/with-pg), once
# per backend: TSM_TEST_BACKEND is native or timescaledb.  Each test that
# needs a database gets a new one, so tests never see each other's rows.

TSM_ROOT=${TSM_ROOT:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
# The binaries under test: bin/, or another build (make check-sanitize).
TSM_BIN=${TSM_BIN:-$TSM_ROOT/bin}
PATH="$TSM_BIN:$PATH"
# The real data files (tests that need one skip, visibly, without it).
DATA=${TSM_DATA:-$TSM_ROOT/../shared/data}
BACKEND=${TSM_TEST_BACKEND:-native}
export TSM_ROOT TSM_BIN PATH BACKEND DATA

# TSM_VALGRIND=1 (make check-valgrind): every tsm-* runs under valgrind
# memcheck, through links to tests/valgrind-wrap put first on PATH.
if [ "${TSM_VALGRIND:-}" = 1 ]; then
	vgbin=${BATS_RUN_TMPDIR:-${TMPDIR:-/tmp}}/valgrind-bin
	if [ ! -d "$vgbin" ]; then
		mkdir -p "$vgbin"
		for b in "$TSM_BIN"/tsm-*; do
			ln -sf "$TSM_ROOT/tests/valgrind-wrap" "$vgbin/${b##*/}"
		done
	fi
	TSM_VALGRIND_LOG=${TSM_VALGRIND_LOG:-$vgbin}
	mkdir -p "$TSM_VALGRIND_LOG"
	PATH="$vgbin:$PATH"
	export TSM_VALGRIND_LOG PATH
fi
export PGOPTIONS='-c client_min_messages=warning'

# True when this server can give a database TimescaleDB.
tsdb_usable() {
	[ "$(psql -XAtq -d postgres -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'timescaledb'" 2>/dev/null)" = 1 ] &&
	    [ "$(psql -XAtq -d postgres -c "SHOW shared_preload_libraries" 2>/dev/null | grep -c timescaledb)" = 1 ]
}

# Skips the test on the TimescaleDB pass where the extension is missing.
require_backend() {
	if [ "$BACKEND" = timescaledb ] && ! tsdb_usable; then
		skip "TimescaleDB is not installed"
	fi
}

# Skips a test that only means something on the other backend.
only_backend() {
	require_backend
	[ "$BACKEND" = "$1" ] || skip "only for the $1 backend"
}

# Creates an empty database for this test and makes it PGDATABASE.
new_db() {
	local name
	name="t$$_${BATS_SUITE_TEST_NUMBER}_$(basename "$BATS_TEST_FILENAME" .bats | tr -c 'a-z0-9\n' '_')"
	psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS \"$name\"" >/dev/null
	psql -XAtq -d postgres -c "CREATE DATABASE \"$name\"" >/dev/null
	export PGDATABASE=$name
}

# A database holding tsm's schema on this pass's backend.
init_db() {
	require_backend
	new_db
	tsm-init -q --backend "$BACKEND" "$@"
}

# Drops this test's database (teardown).
drop_db() {
	if [ -n "${PGDATABASE:-}" ] && [ "$PGDATABASE" != postgres ]; then
		psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS \"$PGDATABASE\" WITH (FORCE)" >/dev/null 2>&1 || true
	fi
}

# psql with no surprises: unaligned, tuples only, stop on error.
q() {
	psql -XAtq -v ON_ERROR_STOP=1 "$@"
}

# Asserts that the last run's status is $1.
assert_status() {
	if [ "$status" -ne "$1" ]; then
		echo "expected exit status $1, got $status; output:" >&2
		echo "$output" >&2
		return 1
	fi
}

# Asserts that the output holds the text $1.
assert_output_has() {
	case $output in
	*"$1"*) ;;
	*) echo "expected output to hold: $1" >&2
	   echo "output was:" >&2; echo "$output" >&2; return 1 ;;
	esac
}

# Asserts that the output does not hold the text $1.
refute_output_has() {
	case $output in
	*"$1"*) echo "output should not hold: $1" >&2
		echo "output was:" >&2; echo "$output" >&2; return 1 ;;
	esac
}

# A temporary directory for this test.
tmpdir() {
	echo "$BATS_TEST_TMPDIR"
}
