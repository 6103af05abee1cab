/*
 * status.c: tsm-init --status, the health report.
 *
 * Four sections on stdout, each a result in the chosen format, separated
 * by a blank line: the database and schema, the series tables, the
 * aggregates, the policies and their last runs.  Nothing is written to
 * the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "init.h"
#include "log.h"
#include "out.h"
#include "schema.h"
#include "sqlfiles.h"
#include "sqlscript.h"

/* Writes a result as one section; false on a write error. */
static bool
write_result(const struct tsm_init_opts *o, const char *title,
    const PGresult *res, bool *first)
{
	int n = PQnfields(res);
	const char *names[64];
	enum tsm_coltype types[64];
	const char *vals[64];
	struct tsm_writer *w;

	if (n > 64)
		n = 64;
	if (!*first)
		putchar('\n');
	*first = false;
	if (o->format == TSM_FMT_TABLE && o->header)
		printf("%s\n", title);
	for (int i = 0; i < n; i++) {
		names[i] = PQfname(res, i);
		types[i] = tsm_coltype_for_oid(PQftype(res, i));
	}
	w = tsm_writer_new(stdout, o->format, o->header, n, names, types);
	if (w == NULL)
		return false;
	for (int r = 0; r < PQntuples(res); r++) {
		for (int i = 0; i < n; i++)
			vals[i] = PQgetisnull(res, r, i) ? NULL :
			    PQgetvalue(res, r, i);
		if (!tsm_writer_row(w, vals, NULL)) {
			tsm_writer_end(w);
			return false;
		}
	}
	return tsm_writer_end(w);
}

/* Runs a named status query for the recorded backend; NULL on error. */
static PGresult *
status_query(PGconn *conn, const char *file, const char *schema,
    const struct tsm_schema_state *st, const struct tsm_server *srv)
{
	const struct tsm_sql_file *f = tsm_sql_file_find(file);
	bool tsdb = st->backend == TSM_BACKEND_TIMESCALEDB;
	struct tsm_sql_var vars[] = {
		{ "schema", schema },
		{ "timescaledb", tsdb ? "true" : "false" },
		{ "native", tsdb ? "false" : "true" },
		{ "ext", srv->tsdb_schema[0] ? srv->tsdb_schema : "public" },
	};
	char *sql;
	PGresult *res;

	if (f == NULL)
		return NULL;
	sql = tsm_sql_expand(file, f->text, vars, 4);
	if (sql == NULL)
		return NULL;
	res = tsm_query(conn, sql, 0, NULL);
	free(sql);
	return res;
}

/*
 * Says on stderr how many jobs failed their last run: a health check run
 * from cron should see it even when it throws stdout away.
 */
static void
warn_failed_jobs(const PGresult *res)
{
	int col = PQfnumber(res, "last_status"), failed = 0;

	if (col < 0)
		return;
	for (int r = 0; r < PQntuples(res); r++)
		if (strcasecmp(PQgetvalue(res, r, col), "failed") == 0 ||
		    strcasecmp(PQgetvalue(res, r, col), "error") == 0)
			failed++;
	if (failed > 0) {
		tsm_warning("%d of %d jobs failed their last run", failed,
		    PQntuples(res));
		tsm_hint("see the server log, or run the work by hand with "
		    "tsm-compress run or tsm-compress refresh");
	}
}

int
tsm_init_status(PGconn *conn, const struct tsm_init_opts *o)
{
	struct tsm_server srv;
	struct tsm_schema_state st;
	const char *names[2] = { "item", "value" };
	enum tsm_coltype types[2] = { TSM_COL_TEXT, TSM_COL_TEXT };
	const char *state;
	char tsdb[96], ver[64], server[32];
	struct tsm_writer *w;
	bool first = true, healthy;
	int rc;

	if (!tsm_server_probe(conn, &srv) ||
	    !tsm_schema_read(conn, o->schema, &st))
		return -1;
	if (!st.initialised || st.version == 0)
		state = "not created: run tsm-init";
	else if (st.version < st.latest)
		state = "behind: run tsm-init to upgrade";
	else if (st.version > st.latest)
		state = "newer than this tsm: upgrade tsm";
	else
		state = "up to date";
	healthy = st.initialised && st.version == st.latest;

	if (srv.tsdb_installed[0])
		snprintf(tsdb, sizeof(tsdb), "%s", srv.tsdb_installed);
	else if (srv.tsdb_available[0])
		snprintf(tsdb, sizeof(tsdb), "%s available, not installed in "
		    "this database%s", srv.tsdb_available,
		    srv.tsdb_preloaded ? "" : ", not preloaded");
	else
		snprintf(tsdb, sizeof(tsdb), "not installed on the server");
	snprintf(ver, sizeof(ver), "%d (this tsm: %d)", st.version, st.latest);
	snprintf(server, sizeof(server), "PostgreSQL %d.%d",
	    srv.version_num / 10000, srv.version_num % 10000);

	{
		const char *rows[][2] = {
			{ "database", PQdb(conn) },
			{ "server", server },
			{ "timescaledb", tsdb },
			{ "schema", o->schema },
			{ "backend", tsm_backend_name(st.backend) },
			{ "schema_version", ver },
			{ "state", state },
		};

		if (o->format == TSM_FMT_TABLE && o->header)
			printf("database\n");
		first = false;
		w = tsm_writer_new(stdout, o->format, o->header, 2, names,
		    types);
		if (w == NULL)
			return -1;
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
			if (!tsm_writer_row(w, rows[i], NULL)) {
				tsm_writer_end(w);
				return -1;
			}
		if (!tsm_writer_end(w))
			return -1;
	}
	if (!st.initialised || st.version < 2 || st.version > st.latest)
		return healthy ? 0 : 1;

	rc = 0;
	{
		static const struct { const char *file, *title; } sections[] = {
			{ "status_tables.sql", "tables" },
			{ "status_aggregates.sql", "aggregates" },
			{ "status_jobs.sql", "policies and jobs" },
		};

		for (size_t i = 0; i < 3 && rc == 0; i++) {
			PGresult *res = status_query(conn, sections[i].file,
			    o->schema, &st, &srv);

			if (res == NULL)
				return -1;
			if (!write_result(o, sections[i].title, res, &first))
				rc = -1;
			if (i == 2)
				warn_failed_jobs(res);
			PQclear(res);
		}
	}
	if (rc != 0)
		return rc;
	return healthy ? 0 : 1;
}
