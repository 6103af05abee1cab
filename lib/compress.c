/*
 * compress.c: what every part of tsm-compress shares: reading the
 * schema and the TimescaleDB release, the advisory lock, the record of
 * runs, output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cancel.h"
#include "compress.h"
#include "db.h"
#include "log.h"
#include "sqlfiles.h"
#include "sqlscript.h"
#include "timeparse.h"

/*
 * Reads what the installed TimescaleDB offers: the columnstore procedures
 * of 2.18 on or the compression functions of older releases (looked for
 * in pg_proc, not guessed from the version), its license, and two
 * catalog details that changed between the releases tsm supports.
 */
static bool
probe_tsdb(struct tsm_compress *cx)
{
	const char *params[1] = { cx->srv.tsdb_schema };
	PGresult *res;

	res = tsm_query(cx->conn,
	    "SELECT EXISTS (SELECT FROM pg_catalog.pg_proc p"
	    "        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
	    "        WHERE n.nspname = $1"
	    "        AND p.proname = 'convert_to_columnstore'"
	    "        AND p.prokind = 'p'),"
	    "    EXISTS (SELECT FROM pg_catalog.pg_proc p"
	    "        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
	    "        WHERE n.nspname = $1"
	    "        AND p.proname = 'compress_chunk'),"
	    "    coalesce(pg_catalog.current_setting("
	    "        'timescaledb.license', true), ''),"
	    "    EXISTS (SELECT FROM pg_catalog.pg_attribute a"
	    "        WHERE a.attrelid = pg_catalog.to_regclass("
	    "            '_timescaledb_catalog.chunk')"
	    "        AND a.attname = 'dropped' AND NOT a.attisdropped),"
	    "    pg_catalog.to_regclass('timescaledb_information.job_errors')"
	    "        IS NOT NULL,"
	    "    (SELECT n.nspname FROM pg_catalog.pg_proc p"
	    "        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
	    "        WHERE p.proname = 'cagg_watermark'"
	    "        ORDER BY n.nspname = '_timescaledb_functions' DESC LIMIT 1)",
	    1, params);
	if (res == NULL)
		return false;
	cx->columnstore = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	cx->has_compress_chunk = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	snprintf(cx->license, sizeof(cx->license), "%s", PQgetvalue(res, 0, 2));
	cx->tsdb_dropped = strcmp(PQgetvalue(res, 0, 3), "t") == 0;
	cx->tsdb_job_errors = strcmp(PQgetvalue(res, 0, 4), "t") == 0;
	snprintf(cx->tsfn, sizeof(cx->tsfn), "%s",
	    PQgetisnull(res, 0, 5) ? "_timescaledb_functions" :
	    PQgetvalue(res, 0, 5));
	PQclear(res);
	return true;
}

bool
tsm_compress_open(struct tsm_compress *cx, PGconn *conn, const char *schema)
{
	struct tsm_schema_state st;

	cx->conn = conn;
	cx->schema = schema;
	if (!tsm_schema_require(conn, schema, &st) ||
	    !tsm_server_probe(conn, &cx->srv))
		return false;
	cx->backend = st.backend;
	if (cx->backend == TSM_BACKEND_NONE) {
		tsm_error("schema \"%s\" records no backend", schema);
		tsm_hint("run tsm-init to repair it");
		return false;
	}
	cx->qschema = tsm_quote_ident(schema);
	if (cx->qschema == NULL) {
		tsm_error("out of memory");
		return false;
	}
	if (cx->backend != TSM_BACKEND_TIMESCALEDB)
		return true;
	if (!cx->srv.tsdb_installed[0]) {
		tsm_error("schema \"%s\" was made for TimescaleDB, which is not "
		    "installed in database \"%s\"", schema, PQdb(conn));
		tsm_hint("install the extension (CREATE EXTENSION timescaledb) "
		    "or restore the database where it is");
		return false;
	}
	cx->qext = tsm_quote_ident(cx->srv.tsdb_schema);
	if (cx->qext == NULL) {
		tsm_error("out of memory");
		return false;
	}
	return probe_tsdb(cx);
}

void
tsm_compress_close(struct tsm_compress *cx)
{
	free(cx->qschema);
	free(cx->qext);
	cx->qschema = cx->qext = NULL;
}

bool
tsm_compress_available(struct tsm_compress *cx)
{
	if (cx->backend != TSM_BACKEND_TIMESCALEDB)
		return true;
	if (strcmp(cx->license, "apache") == 0) {
		tsm_error("compression is not available: TimescaleDB %s runs "
		    "with timescaledb.license = apache, an edition without "
		    "compression", cx->srv.tsdb_installed);
		tsm_hint("set timescaledb.license = 'timescale' in "
		    "postgresql.conf and restart the server (the community "
		    "edition has compression), or keep the data uncompressed");
		return false;
	}
	if (!cx->columnstore && !cx->has_compress_chunk) {
		tsm_error("compression is not available: TimescaleDB %s in "
		    "schema \"%s\" has neither convert_to_columnstore nor "
		    "compress_chunk", cx->srv.tsdb_installed,
		    cx->srv.tsdb_schema);
		tsm_hint("update TimescaleDB to %s or later",
		    TSM_TSDB_MIN_VERSION);
		return false;
	}
	return true;
}

char *
tsm_compress_sql(struct tsm_compress *cx, const char *file)
{
	const struct tsm_sql_file *f = tsm_sql_file_find(file);
	bool tsdb = cx->backend == TSM_BACKEND_TIMESCALEDB;
	struct tsm_sql_var vars[] = {
		{ "schema", cx->schema },
		{ "timescaledb", tsdb ? "true" : "false" },
		{ "native", tsdb ? "false" : "true" },
		{ "ext", cx->srv.tsdb_schema[0] ? cx->srv.tsdb_schema : "public" },
		{ "tsdb_dropped", cx->tsdb_dropped ? "true" : "false" },
		{ "tsdb_job_errors", cx->tsdb_job_errors ? "true" : "false" },
		{ "tsfn", cx->tsfn[0] ? cx->tsfn : "_timescaledb_functions" },
	};

	if (f == NULL) {
		tsm_error("internal: SQL file %s is not built in", file);
		return NULL;
	}
	return tsm_sql_expand(file, f->text, vars,
	    (int)(sizeof(vars) / sizeof(vars[0])));
}

bool
tsm_compress_wanted(const char *const *kinds, const char *kind)
{
	if (kinds == NULL || kinds[0] == NULL)
		return true;
	for (; *kinds; kinds++)
		if (strcmp(*kinds, kind) == 0)
			return true;
	return false;
}

/* Says who holds the lock, from pg_locks and pg_stat_activity. */
static void
report_holder(struct tsm_compress *cx, const char *key, const char *what)
{
	const char *params[2] = { key, cx->schema };
	PGresult *res;

	res = tsm_query(cx->conn,
	    "SELECT l.pid, a.application_name,"
	    "    pg_catalog.to_char(a.xact_start, 'YYYY-MM-DD HH24:MI:SS')"
	    " FROM pg_catalog.pg_locks l"
	    " LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid"
	    " WHERE l.locktype = 'advisory' AND l.granted"
	    " AND l.database = (SELECT oid FROM pg_catalog.pg_database"
	    "     WHERE datname = pg_catalog.current_database())"
	    " AND l.classid = pg_catalog.hashtext($1)::oid"
	    " AND l.objid = pg_catalog.hashtext($2)::oid AND l.objsubid = 2"
	    " LIMIT 1", 2, params);
	if (res != NULL && PQntuples(res) == 1)
		tsm_info("another %s is at work on the %s of schema \"%s\" "
		    "(pid %s%s%s); nothing done",
		    PQgetisnull(res, 0, 1) || !*PQgetvalue(res, 0, 1) ?
		    "session" : PQgetvalue(res, 0, 1), what, cx->schema,
		    PQgetvalue(res, 0, 0),
		    PQgetisnull(res, 0, 2) ? "" : ", since ",
		    PQgetisnull(res, 0, 2) ? "" : PQgetvalue(res, 0, 2));
	else
		tsm_info("another session is at work on the %s of schema "
		    "\"%s\"; nothing done", what, cx->schema);
	if (!tsm_quiet)
		tsm_hint("it holds the lock until it ends; --wait waits for it");
	PQclear(res);
}

int
tsm_compress_lock(struct tsm_compress *cx, const char *what)
{
	char key[64];
	const char *params[2] = { key, cx->schema };
	PGresult *res;
	bool got;

	snprintf(key, sizeof(key), "tsm-compress %s", what);
	res = tsm_query(cx->conn, cx->wait ?
	    "SELECT true FROM pg_catalog.pg_advisory_lock("
	    "pg_catalog.hashtext($1), pg_catalog.hashtext($2))" :
	    "SELECT pg_catalog.pg_try_advisory_lock(pg_catalog.hashtext($1),"
	    " pg_catalog.hashtext($2))", 2, params);
	if (res == NULL)
		return -1;
	got = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (got)
		return 1;
	report_holder(cx, key, what);
	return 0;
}

bool
tsm_compress_run_begin(struct tsm_compress *cx, const char *action,
    const char *target, char *id, size_t idsz)
{
	const char *params[2] = { action, target };
	char sql[512];
	PGresult *res;

	/* The lock is ours: a run of this action still "running" is dead. */
	snprintf(sql, sizeof(sql), "UPDATE %s.runs SET status = 'error', "
	    "finished_at = pg_catalog.now(), detail = 'did not finish: the "
	    "run was killed or lost its connection' WHERE tool = "
	    "'tsm-compress' AND action = $1 AND target = $2 AND status = "
	    "'running'", cx->qschema);
	if (!tsm_command(cx->conn, sql, 2, params))
		return false;
	snprintf(sql, sizeof(sql), "INSERT INTO %s.runs (tool, action, target, "
	    "status) VALUES ('tsm-compress', $1, $2, 'running') RETURNING id",
	    cx->qschema);
	res = tsm_query(cx->conn, sql, 2, params);
	if (res == NULL)
		return false;
	snprintf(id, idsz, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return true;
}

bool
tsm_compress_run_end(struct tsm_compress *cx, const char *id, bool ok,
    const char *detail)
{
	const char *params[3] = { id, ok ? "success" : "error", detail };
	char sql[256];
	PGresult *res;

	if (id == NULL || *id == '\0')
		return true;
	snprintf(sql, sizeof(sql), "UPDATE %s.runs SET status = $2, "
	    "finished_at = pg_catalog.now(), detail = $3 WHERE id = $1",
	    cx->qschema);
	/* Recorded even after an interrupt: the cancel went to the work. */
	res = PQexecParams(cx->conn, sql, 3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		if (PQstatus(cx->conn) == CONNECTION_OK && !tsm_interrupted)
			tsm_report_result(cx->conn, res, NULL);
		PQclear(res);
		return false;
	}
	PQclear(res);
	return true;
}

bool
tsm_compress_write(struct tsm_compress *cx, const char *title,
    const PGresult *res, int ncols, bool *first)
{
	int n = ncols > 0 && ncols < PQnfields(res) ? ncols : PQnfields(res);
	const char **names = calloc((size_t)n + 1, sizeof(*names));
	const char **vals = calloc((size_t)n + 1, sizeof(*vals));
	enum tsm_coltype *types = calloc((size_t)n + 1, sizeof(*types));
	struct tsm_writer *w = NULL;
	bool ok = false;

	if (names == NULL || vals == NULL || types == NULL) {
		tsm_error("out of memory");
		goto out;
	}
	if (first != NULL) {
		if (!*first)
			putchar('\n');
		*first = false;
	}
	if (title != NULL && cx->format == TSM_FMT_TABLE && cx->header)
		printf("%s\n", title);
	for (int i = 0; i < n; i++) {
		names[i] = PQfname(res, i);
		types[i] = tsm_coltype_for_oid(PQftype(res, i));
	}
	w = tsm_writer_new(stdout, cx->format, cx->header, n, names, types);
	if (w == NULL)
		goto out;
	for (int r = 0; r < PQntuples(res); r++) {
		for (int i = 0; i < n; i++)
			vals[i] = PQgetisnull(res, r, i) ? NULL :
			    PQgetvalue(res, r, i);
		if (!tsm_writer_row(w, vals, NULL)) {
			tsm_writer_end(w);
			goto out;
		}
	}
	ok = tsm_writer_end(w);
out:
	free(names);
	free(vals);
	free(types);
	return ok;
}

/* As pg_size_pretty writes it, so that messages and status agree. */
const char *
tsm_compress_bytes(int64_t n, char *buf, size_t bufsz)
{
	static const char *const units[] = { "kB", "MB", "GB", "TB", "PB" };

	if (n < 10 * 1024 && n > -10 * 1024) {
		snprintf(buf, bufsz, "%lld bytes", (long long)n);
		return buf;
	}
	for (int u = 0; u < 5; u++) {
		/* Twice the value in this unit, rounded half up at the end. */
		int64_t half = n / (INT64_C(1) << (10 * (u + 1) - 1));

		if (u == 4 || (half < 20 * 1024 - 1 && half > -(20 * 1024 - 1))) {
			snprintf(buf, bufsz, "%lld %s", (long long)((half +
			    (half < 0 ? -1 : 1)) / 2), units[u]);
			break;
		}
	}
	return buf;
}

double
tsm_compress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool
tsm_compress_set_lock_timeout(struct tsm_compress *cx)
{
	const char *params[1] = { cx->lock_timeout };

	if (cx->lock_timeout == NULL)
		return true;
	return tsm_command(cx->conn, "SELECT pg_catalog.set_config("
	    "'lock_timeout', $1, false)", 1, params);
}

char *
tsm_compress_array(const char *const *items, bool *oom)
{
	size_t n = 3;
	char *out, *o;

	*oom = false;
	if (items == NULL || items[0] == NULL)
		return NULL;
	for (const char *const *p = items; *p; p++)
		n += 2 * strlen(*p) + 3;
	out = malloc(n);
	if (out == NULL) {
		*oom = true;
		tsm_error("out of memory");
		return NULL;
	}
	o = out;
	*o++ = '{';
	for (const char *const *p = items; *p; p++) {
		if (p != items)
			*o++ = ',';
		*o++ = '"';
		for (const char *c = *p; *c; c++) {
			if (*c == '"' || *c == '\\')
				*o++ = '\\';
			*o++ = *c;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return out;
}

/*
 * Says which of the kinds asked for have no policy in column (of
 * series), so that "tsm-compress run ticks" never does nothing silently.
 * Without kinds, fails when no kind has one at all.
 */
bool
tsm_compress_note_no_policy(struct tsm_compress *cx, const char *const *kinds,
    const char *column, const char *what, const char *option)
{
	char sql[256];
	PGresult *res;
	int with = 0;

	snprintf(sql, sizeof(sql), "SELECT kind, %s IS NOT NULL FROM %s.series "
	    "ORDER BY kind", column, cx->qschema);
	res = tsm_query(cx->conn, sql, 0, NULL);
	if (res == NULL)
		return false;
	for (int i = 0; i < PQntuples(res); i++) {
		bool has = strcmp(PQgetvalue(res, i, 1), "t") == 0;

		if (!tsm_compress_wanted(kinds, PQgetvalue(res, i, 0)))
			continue;
		with += has;
		if (!has && kinds != NULL && kinds[0] != NULL)
			tsm_info("%s: no %s policy; give %s", PQgetvalue(res, i, 0),
			    what, option);
	}
	PQclear(res);
	if (with == 0) {
		tsm_error("nothing to do: no kind%s has a %s policy",
		    kinds && kinds[0] ? " given" : "", what);
		tsm_hint("give %s, or set a policy: tsm-compress policy add %s "
		    "KIND AGE", option, what);
		return false;
	}
	return true;
}

/*
 * Turns compression on for a hypertable that does not have it yet, with
 * the segment and order columns recorded for the kind (tsm-init
 * --compress-after does the same when it sets a policy).
 */
bool
tsm_compress_enable_tsdb(struct tsm_compress *cx, const char *table,
    const char *segment_by, const char *order_by)
{
	const char *params[2] = { cx->schema, table };
	char *qt, *ls, *lo, sql[1024];
	PGresult *res;
	bool on, ok;

	res = tsm_query(cx->conn, "SELECT compression_enabled FROM "
	    "timescaledb_information.hypertables WHERE hypertable_schema = $1 "
	    "AND hypertable_name = $2", 2, params);
	if (res == NULL)
		return false;
	on = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (on)
		return true;
	qt = tsm_quote_ident(table);
	ls = tsm_quote_literal(segment_by);
	lo = tsm_quote_literal(order_by);
	/* Storage options take literals only; the values are tsm's own. */
	snprintf(sql, sizeof(sql), cx->columnstore ?
	    "ALTER TABLE %s.%s SET (timescaledb.enable_columnstore, "
	    "timescaledb.segmentby = %s, timescaledb.orderby = %s)" :
	    "ALTER TABLE %s.%s SET (timescaledb.compress, "
	    "timescaledb.compress_segmentby = %s, "
	    "timescaledb.compress_orderby = %s)", cx->qschema, qt, ls, lo);
	ok = tsm_command(cx->conn, sql, 0, NULL);
	if (ok)
		tsm_info("%s: compression enabled, segment by %s, order by %s",
		    table, segment_by, order_by);
	free(qt);
	free(ls);
	free(lo);
	return ok;
}

/*
 * Runs fn on each group of rows of res that share column 0 (the kind);
 * stops after a lost connection or an interrupt.
 */
static bool
each_kind(struct tsm_compress *cx, const PGresult *res,
    tsm_compress_kind_fn fn)
{
	int n = PQntuples(res), i = 0;
	bool ok = true;

	while (i < n && !tsm_interrupted &&
	    PQstatus(cx->conn) == CONNECTION_OK) {
		int j = i + 1;

		while (j < n && strcmp(PQgetvalue(res, j, 0),
		    PQgetvalue(res, i, 0)) == 0)
			j++;
		if (!fn(cx, res, i, j))
			ok = false;
		i = j;
	}
	return ok && !tsm_interrupted;
}

/*
 * Runs a candidate query (kinds as $1, then the other parameters) and
 * either lists what it found (--dry-run: the first ncols columns) or
 * hands each kind's rows to fn.  nothing is said when there is none.
 */
bool
tsm_compress_candidates(struct tsm_compress *cx, const char *file,
    const char *const *kinds, const char *p2, const char *p3, int ncols,
    tsm_compress_kind_fn fn,
    const char *nothing)
{
	bool oom, ok;
	char *arr = tsm_compress_array(kinds, &oom);
	char *sql = oom ? NULL : tsm_compress_sql(cx, file);
	const char *params[3] = { arr, p2, p3 };
	PGresult *res;

	if (sql == NULL) {
		free(arr);
		return false;
	}
	res = tsm_query(cx->conn, sql, p3 != NULL ? 3 : 2, params);
	free(sql);
	free(arr);
	if (res == NULL)
		return false;
	if (cx->dry_run)
		ok = tsm_compress_write(cx, NULL, res, ncols, NULL);
	else if (PQntuples(res) == 0) {
		tsm_info("%s", nothing);
		ok = true;
	} else
		ok = each_kind(cx, res, fn);
	PQclear(res);
	return ok;
}


/* A chunk's range as "2024-01-08 to 2024-01-15". */
void
tsm_compress_range_text(const char *lo, const char *hi, char *buf, size_t bufsz)
{
	char a[TSM_TIME_BUFSZ], b[TSM_TIME_BUFSZ];

	if (tsm_pg_time_to_iso(lo, strlen(lo), a) == 0)
		snprintf(a, sizeof(a), "%s", lo);
	if (tsm_pg_time_to_iso(hi, strlen(hi), b) == 0)
		snprintf(b, sizeof(b), "%s", hi);
	snprintf(buf, bufsz, "%s to %s", a, b);
}

