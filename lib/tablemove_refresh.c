/*
 * tablemove_refresh.c: the aggregates brought up to date after a move of
 * old tables: on plain PostgreSQL the rollups of the instruments moved,
 * on a second connection while the next table moves; on TimescaleDB the
 * continuous aggregates, two at a time.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "db.h"
#include "log.h"
#include "tablemove.h"

/* Plain PostgreSQL: the statement that refreshes the rollups. */
static void
rollups_sql(const struct tsm_move_opts *o, char *sql, size_t sz)
{
	char *q = tsm_quote_ident(o->schema);

	/* hi is the last time moved: its bucket is included. */
	snprintf(sql, sz, "SELECT %s.refresh_rollups_for($1, $2, "
	    "$3::timestamptz, $4::timestamptz + interval '1 microsecond', "
	    "$5::integer[], $6::xid[])", q);
	free(q);
}

bool
tsm_move_refresh_send(PGconn *conn, const struct tsm_move_opts *o,
    const char *kind, const char *timeframe, const char *lo, const char *hi,
    const char *instruments, const char *xids)
{
	const char *p[6] = { kind, timeframe, lo, hi, instruments, xids };
	char sql[300];

	rollups_sql(o, sql, sizeof(sql));
	return PQsendQueryParams(conn, sql, 6, NULL, p, NULL, NULL, 0) == 1;
}

bool
tsm_move_refresh_wait(PGconn *conn, const char *where)
{
	PGresult *res;
	bool ok = true, cancelled = false;

	for (;;) {
		while (PQisBusy(conn)) {
			struct pollfd pfd = { PQsocket(conn), POLLIN, 0 };

			/* The signal cancels the other connection's statement. */
			if (tsm_interrupted && !cancelled) {
				PGcancel *c = PQgetCancel(conn);
				char err[256];

				if (c != NULL) {
					(void)PQcancel(c, err, sizeof(err));
					PQfreeCancel(c);
				}
				cancelled = true;
			}
			if ((poll(&pfd, 1, 200) < 0 && errno != EINTR) ||
			    !PQconsumeInput(conn))
				break;
		}
		res = PQgetResult(conn);
		if (res == NULL)
			break;
		if (PQresultStatus(res) != PGRES_TUPLES_OK &&
		    PQresultStatus(res) != PGRES_COMMAND_OK) {
			if (ok)
				tsm_report_result(conn, res, where);
			ok = false;
		}
		PQclear(res);
		if (PQstatus(conn) == CONNECTION_BAD)
			break;
	}
	return ok;
}

/* Plain PostgreSQL: the rollups, once, for the instruments moved. */
static bool
refresh_rollups(PGconn *conn, const struct tsm_move_opts *o,
    const char *kind, const char *timeframe, const char *lo, const char *hi,
    const char *instruments, const char *xids)
{
	if (!tsm_move_refresh_send(conn, o, kind, timeframe, lo, hi,
	    instruments, xids)) {
		tsm_report_result(conn, NULL, NULL);
		return false;
	}
	return tsm_move_refresh_wait(conn, NULL);
}

/* True when the statement running on conn has ended (or none runs). */
static bool
finished(PGconn *conn)
{
	return !PQconsumeInput(conn) || !PQisBusy(conn);
}

bool
tsm_move_refresh_caggs(PGconn *conn, PGconn *other,
    const struct tsm_move_opts *o, const char *kind, const char *timeframe,
    const char *lo, const char *hi, const char *instruments,
    const char *xids)
{
	bool busy = false;
	const char *p[4] = { kind, timeframe, lo, hi };
	char *q, *x, sql[600];
	PGresult *res;
	bool ok = true, batches;

	if (lo[0] == '\0')
		return true;
	if (o->st->backend == TSM_BACKEND_NATIVE)
		return refresh_rollups(conn, o, kind, timeframe, lo, hi,
		    instruments, xids);
	q = tsm_quote_ident(o->schema);
	snprintf(sql, sizeof(sql), "SELECT pg_catalog.format('%%I.%%I', "
	    "$5::text, a.name), %s.bucket_floor(a.bucket, $3::timestamptz), "
	    "%s.bucket_floor(a.bucket, $4::timestamptz) + a.bucket FROM "
	    "%s.aggregates_fed_by($1, $2) AS a ORDER BY a.bucket", q, q, q);
	free(q);
	{
		const char *p5[5] = { p[0], p[1], p[2], p[3], o->schema };

		res = tsm_query(conn, sql, 5, p5);
	}
	if (res == NULL)
		return false;
	/*
	 * Releases that take refresh options (2.2x) split a manual refresh
	 * into batches of a few buckets, each a scan of its own: over months
	 * of moved rows that is thousands of scans.  One batch is asked for.
	 */
	{
		const char *xp[1] = { o->tsdb_schema[0] ? o->tsdb_schema :
		    "public" };
		PGresult *r2 = tsm_query(conn, "SELECT EXISTS (SELECT FROM "
		    "pg_catalog.pg_proc f JOIN pg_catalog.pg_namespace n ON "
		    "n.oid = f.pronamespace WHERE n.nspname = $1 AND f.proname = "
		    "'refresh_continuous_aggregate' AND 'options' = ANY "
		    "(f.proargnames))", 1, xp);

		if (r2 == NULL) {
			PQclear(res);
			return false;
		}
		batches = strcmp(PQgetvalue(r2, 0, 0), "t") == 0;
		PQclear(r2);
	}
	x = tsm_quote_ident(o->tsdb_schema[0] ? o->tsdb_schema : "public");
	snprintf(sql, sizeof(sql), "CALL %s.refresh_continuous_aggregate("
	    "$1::regclass, $2::timestamptz, $3::timestamptz%s)", x, batches ?
	    ", options => '{\"buckets_per_batch\": 0}'::jsonb" : "");
	free(x);
	/*
	 * Each continuous aggregate reads the candles of the range: with a
	 * second connection two run at once, the finest (the longest) first
	 * there, the others here, each to whichever is free.
	 */
	for (int i = 0; i < PQntuples(res) && ok; i++) {
		const char *cp[3] = { PQgetvalue(res, i, 0),
		    PQgetvalue(res, i, 1), PQgetvalue(res, i, 2) };

		if (tsm_interrupted) {
			ok = false;
		} else if (other != NULL && (!busy || finished(other))) {
			if (busy && !tsm_move_refresh_wait(other, NULL))
				ok = false;
			busy = ok && PQsendQueryParams(other, sql, 3, NULL, cp,
			    NULL, NULL, 0) == 1;
			if (ok && !busy)
				ok = tsm_command(conn, sql, 3, cp);
		} else {
			ok = tsm_command(conn, sql, 3, cp);
		}
	}
	if (busy && !tsm_move_refresh_wait(other, NULL))
		ok = false;
	PQclear(res);
	return ok;
}
