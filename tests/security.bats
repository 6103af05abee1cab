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
