/*
 * compress_refresh.c: tsm-compress refresh, bringing aggregates up to
 * date over a window of time: TimescaleDB's refresh_continuous_aggregate
 * (a procedure that cannot run inside a transaction block, so each one
 * runs on its own), or on plain PostgreSQL refresh_aggregate, one source
 * partition at a time, each in its own transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "compress.h"
#include "db.h"
#include "log.h"
#include "timeparse.h"

/* A timestamptz from the server as ISO 8601, for messages. */
static const char *
iso(const char *t, char *buf)
{
	if (tsm_pg_time_to_iso(t, strlen(t), buf) == 0)
		snprintf(buf, TSM_TIME_BUFSZ, "%s", t);
	return buf;
}

/* Refreshes a rollup table over [lo, hi) partition by partition. */
static bool
refresh_native(struct tsm_compress *cx, const char *name, const char *source,
    const char *lo, const char *hi, long long *buckets)
{
	const char *params[3] = { source, lo, hi };
	char sql[512];
	PGresult *parts;
	bool ok = true;

	snprintf(sql, sizeof(sql), "SELECT greatest(p.lo, $2::"
	    "timestamptz), least(p.hi, $3::timestamptz) FROM "
	    "%s.partitions p WHERE p.kind = $1 AND p.lo < $3::timestamptz AND "
	    "p.hi > $2::timestamptz ORDER BY p.lo", cx->qschema);
	parts = tsm_query(cx->conn, sql, 3, params);
	if (parts == NULL)
		return false;
	snprintf(sql, sizeof(sql), "SELECT %s.refresh_aggregate($1, $2, $3)",
	    cx->qschema);
	for (int i = 0; i < PQntuples(parts) && !tsm_interrupted; i++) {
		const char *p[3] = { name, PQgetvalue(parts, i, 0),
			PQgetvalue(parts, i, 1) };
		PGresult *res = tsm_query(cx->conn, sql, 3, p);

		if (res == NULL) {
			ok = false;
			break;
		}
		*buckets += atoll(PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	PQclear(parts);
	return ok && !tsm_interrupted;
}

/* Refreshes one aggregate (row i of the targets). */
static bool
refresh_one(struct tsm_compress *cx, const PGresult *res, int i)
{
	const char *name = PQgetvalue(res, i, 0);
	const char *source = PQgetvalue(res, i, 1);
	const char *lo = PQgetvalue(res, i, 3), *hi = PQgetvalue(res, i, 4);
	char a[TSM_TIME_BUFSZ], b[TSM_TIME_BUFSZ], id[32] = "", detail[200];
	long long buckets = 0;
	double t0 = tsm_compress_now();
	bool ok;

	if (PQgetisnull(res, i, 3)) {
		tsm_info("%s: %s holds no data; nothing to refresh", name, source);
		return true;
	}
	if (strcmp(PQgetvalue(res, i, 5), "t") == 0)
		tsm_info("%s: starting at %s, the oldest %s kept; the aggregate "
		    "keeps its rows before that", name, iso(lo, a), source);
	if (!tsm_compress_run_begin(cx, "refresh", name, id, sizeof(id)))
		return false;
	if (cx->backend == TSM_BACKEND_TIMESCALEDB) {
		char *qa = tsm_quote_ident(name), sql[512], rel[200];
		const char *params[3] = { rel, lo, hi };

		snprintf(rel, sizeof(rel), "%s.%s", cx->qschema, qa);
		free(qa);
		snprintf(sql, sizeof(sql), "CALL %s.refresh_continuous_aggregate("
		    "$1::regclass, $2::timestamptz, $3::timestamptz)", cx->qext);
		ok = tsm_command(cx->conn, sql, 3, params);
		snprintf(detail, sizeof(detail), "refreshed %s to %s", iso(lo, a),
		    iso(hi, b));
	} else {
		ok = refresh_native(cx, name, source, lo, hi, &buckets);
		snprintf(detail, sizeof(detail), "refreshed %s to %s, %lld "
		    "buckets", iso(lo, a), iso(hi, b), buckets);
	}
	if (tsm_interrupted)
		strncat(detail, "; interrupted", sizeof(detail) - strlen(detail) -
		    1);
	else if (ok)
		tsm_info("%s: %s, %.1f s", name, detail, tsm_compress_now() - t0);
	tsm_compress_run_end(cx, id, ok && !tsm_interrupted, ok ? detail :
	    "failed");
	return ok;
}

/*
 * Plain PostgreSQL: the ranges logged as written to (tsm.invalidations:
 * loads with --no-refresh, writes by hand, an upgrade) of the sources of
 * the targets, brought into all their rollups, so that tsm-query stops
 * passing over them.  The log is per kind: a refresh of one rollup
 * catches up its siblings too.
 */
static bool
catch_up_logged(struct tsm_compress *cx, const PGresult *res)
{
	char sql[200];

	snprintf(sql, sizeof(sql), "SELECT %s.refresh_invalidated($1)",
	    cx->qschema);
	for (int i = 0; i < PQntuples(res) && !tsm_interrupted; i++) {
		const char *kind = PQgetvalue(res, i, 1);
		PGresult *n;
		bool seen = false;

		for (int j = 0; j < i && !seen; j++)
			seen = strcmp(PQgetvalue(res, j, 1), kind) == 0;
		if (seen)
			continue;
		n = tsm_query(cx->conn, sql, 1, &kind);
		if (n == NULL)
			return false;
		if (atoi(PQgetvalue(n, 0, 0)) > 0)
			tsm_info("%s: %s logged range%s of writes brought into "
			    "its aggregates", kind, PQgetvalue(n, 0, 0),
			    strcmp(PQgetvalue(n, 0, 0), "1") ? "s" : "");
		PQclear(n);
	}
	return !tsm_interrupted;
}

bool
tsm_compress_refresh(struct tsm_compress *cx, const char *const *names,
    const struct tsm_compress_range *r)
{
	bool oom, ok = true;
	char *arr, *sql;
	const char *params[3];
	PGresult *res;
	int lock;

	if (!cx->dry_run) {
		lock = tsm_compress_lock(cx, "refresh");
		if (lock <= 0)
			return lock == 0;
	}
	arr = tsm_compress_array(names, &oom);
	sql = oom ? NULL : tsm_compress_sql(cx, "compress_refresh_targets.sql");
	if (sql == NULL) {
		free(arr);
		return false;
	}
	params[0] = arr;
	params[1] = r->from;
	params[2] = r->to;
	res = tsm_query(cx->conn, sql, 3, params);
	free(sql);
	free(arr);
	if (res == NULL)
		return false;
	for (int n = 0; names != NULL && names[n] != NULL; n++) {
		bool found = false;

		for (int i = 0; i < PQntuples(res) && !found; i++)
			found = strcmp(PQgetvalue(res, i, 0), names[n]) == 0;
		if (!found) {
			tsm_error("unknown aggregate \"%s\"", names[n]);
			tsm_hint("tsm-compress status lists the aggregates");
			PQclear(res);
			return false;
		}
	}
	if (cx->dry_run) {
		ok = tsm_compress_write(cx, NULL, res, 5, NULL);
		PQclear(res);
		return ok;
	}
	if (cx->backend == TSM_BACKEND_NATIVE && !catch_up_logged(cx, res)) {
		PQclear(res);
		return false;
	}
	for (int i = 0; i < PQntuples(res) && !tsm_interrupted; i++) {
		if (!refresh_one(cx, res, i))
			ok = false;
		if (PQstatus(cx->conn) != CONNECTION_OK)
			break;
	}
	PQclear(res);
	return ok && !tsm_interrupted;
}
