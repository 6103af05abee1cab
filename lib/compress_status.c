/*
 * compress_status.c: tsm-compress status.  Five sections on stdout, each
 * a result in the chosen format, separated by a blank line: the storage
 * engine, the series tables (chunks, compressed, sizes, oldest and newest
 * data), the policies with the last run of each job (failures and their
 * errors included), the aggregates with how far each is materialised, and
 * the last run of each tsm-compress action.  Nothing is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compress.h"
#include "db.h"
#include "log.h"

/* The first section: what compresses here, and how. */
static bool
engine(struct tsm_compress *cx, bool *first)
{
	static const char *const names[2] = { "item", "value" };
	static const enum tsm_coltype types[2] = { TSM_COL_TEXT, TSM_COL_TEXT };
	char api[160], comp[16] = "pglz";
	struct tsm_writer *w;
	bool tsdb = cx->backend == TSM_BACKEND_TIMESCALEDB;
	PGresult *res;

	if (tsdb) {
		snprintf(api, sizeof(api), "%s%s%s",
		    cx->columnstore ? "columnstore (convert_to_columnstore)" :
		    cx->has_compress_chunk ? "compression (compress_chunk)" :
		    "none", strcmp(cx->license, "apache") == 0 ?
		    ", not in the apache edition" : "", "");
	} else {
		res = tsm_query(cx->conn, "SELECT 'lz4' = ANY (enumvals) FROM "
		    "pg_catalog.pg_settings WHERE name = "
		    "'default_toast_compression'", 0, NULL);
		if (res == NULL)
			return false;
		if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0)
			snprintf(comp, sizeof(comp), "lz4");
		PQclear(res);
		snprintf(api, sizeof(api), "packed partitions: arrays of scaled "
		    "integers, %s TOAST", comp);
	}
	{
		const char *rows[][2] = {
			{ "backend", tsm_backend_name(cx->backend) },
			{ "timescaledb", tsdb ? cx->srv.tsdb_installed : "" },
			{ "compression", api },
			{ "read through", "<table>_all, <table>_range(lo, hi)" },
		};

		if (!*first)
			putchar('\n');
		*first = false;
		if (cx->format == TSM_FMT_TABLE && cx->header)
			printf("storage\n");
		w = tsm_writer_new(stdout, cx->format, cx->header, 2, names, types);
		if (w == NULL)
			return false;
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
			if (!tsdb && i == 1)
				continue;
			if (!tsm_writer_row(w, rows[i], NULL)) {
				tsm_writer_end(w);
				return false;
			}
		}
		return tsm_writer_end(w);
	}
}

/*
 * Says on stderr how many jobs failed their last run, with the first
 * error, so that a cron job that throws stdout away still sees it.
 */
static void
warn_failed_jobs(const PGresult *res)
{
	int col = PQfnumber(res, "last_status");
	int err = PQfnumber(res, "last_error");
	int failed = 0, first = -1;

	if (col < 0)
		return;
	for (int r = 0; r < PQntuples(res); r++)
		if (strcasecmp(PQgetvalue(res, r, col), "failed") == 0 ||
		    strcasecmp(PQgetvalue(res, r, col), "error") == 0) {
			if (failed++ == 0)
				first = r;
		}
	if (failed == 0)
		return;
	tsm_warning("%d of %d jobs failed their last run", failed,
	    PQntuples(res));
	if (err >= 0 && !PQgetisnull(res, first, err))
		tsm_detail("%s %s: %s", PQgetvalue(res, first, 1),
		    PQgetvalue(res, first, 2), PQgetvalue(res, first, err));
	tsm_hint("tsm-compress run, retention and refresh do the work of the "
	    "policies by hand");
}

bool
tsm_compress_status(struct tsm_compress *cx, const char *const *kinds)
{
	static const struct { const char *file, *title; } sections[] = {
		{ "compress_status_tables.sql", "tables" },
		{ "compress_status_jobs.sql", "policies and jobs" },
		{ "compress_status_aggregates.sql", "aggregates" },
		{ "compress_status_runs.sql", "runs of tsm-compress" },
	};
	bool oom, first = true, ok = true;
	char *arr = tsm_compress_array(kinds, &oom);
	const char *params[1] = { arr };

	/*
	 * Catalog queries of a few milliseconds: planned over the series
	 * table, which is too small for autovacuum ever to analyse, their
	 * estimates can pass jit_above_cost, and compiling would take far
	 * longer than running them.
	 */
	if (oom || !tsm_command(cx->conn, "SET jit = off", 0, NULL) ||
	    !engine(cx, &first)) {
		free(arr);
		return false;
	}
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]) && ok;
	    i++) {
		char *sql = tsm_compress_sql(cx, sections[i].file);
		PGresult *res;

		if (sql == NULL) {
			ok = false;
			break;
		}
		res = tsm_query(cx->conn, sql, 1, params);
		free(sql);
		if (res == NULL) {
			ok = false;
			break;
		}
		ok = tsm_compress_write(cx, sections[i].title, res, 0, &first);
		if (i == 1)
			warn_failed_jobs(res);
		PQclear(res);
	}
	free(arr);
	return ok;
}
