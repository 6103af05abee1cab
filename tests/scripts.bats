#!/usr/bin/env bats
# The throwaway server of scripts/pg and scripts/with-pg.

load helpers

@test "with-pg runs the command with PG* set and removes the server after" {
	base=$(mktemp -d); chmod 755 "$base"
	run env TMPDIR="$base" "$TSM_ROOT/scripts/with-pg" sh -c \
	    'psql -XAtc "SHOW listen_addresses" && echo "dir=$PGHOST"'
	assert_status 0
	[ "$(printf '%s\n' "$output" | head -1)" = "" ]
	dir=$(printf '%s\n' "$output" | sed -n 's/^dir=//p')
	[ -n "$dir" ]
	[ ! -e "$dir" ]
	[ -z "$(ls "$base")" ]
	rmdir "$base"
}

@test "with-pg passes the command's failure on and still cleans up" {
	base=$(mktemp -d); chmod 755 "$base"
	run env TMPDIR="$base" "$TSM_ROOT/scripts/with-pg" sh -c 'exit 7'
	assert_status 7
	[ -z "$(ls "$base")" ]
	rmdir "$base"
}

@test "with-pg cleans up when interrupted" {
	base=$(mktemp -d); chmod 755 "$base"
	TMPDIR="$base" "$TSM_ROOT/scripts/with-pg" sleep 60 &
	pid=$!
	# Wait for the server to be up (initdb is slow on a loaded machine).
	for i in $(seq 300); do
		[ -n "$(ls "$base")" ] && [ -S "$(ls -d "$base"/*)/.s.PGSQL.5432" ] && break
		sleep 0.2
	done
	[ -S "$(ls -d "$base"/*)/.s.PGSQL.5432" ]
	# As a terminal's Ctrl-C does: the signal reaches the whole job.
	pkill -TERM -P $pid || true
	kill -TERM $pid
	wait $pid || st=$?
	[ "${st:-0}" -eq 130 ]
	[ -z "$(ls "$base")" ]
	rmdir "$base"
}

@test "scripts/pg refuses an unknown command" {
	run "$TSM_ROOT/scripts/pg" frobnicate "$BATS_TEST_TMPDIR/x"
	assert_status 1
	assert_output_has 'unknown command "frobnicate"'
}
