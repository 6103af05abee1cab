/*
 * ingest_aggs.c: aggregates after a load.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cancel.h"
#include "db.h"
#include "ingest_aggs.h"
#include "ingest_instr.h"
#include "log.h"
#include "schema.h"
#include "timeparse.h"

static bool
sqlstate_is(const PGresult *res, const char *state)
{
	const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	return s != NULL && strcmp(s, state) == 0;
}

bool
tsm_aggs_exist(PGconn *conn, const char *schema, const char *kind, bool *any)
{
	const char *params[1] = { kind };
	char *sql = tsm_ingest_named_sql("ingest_aggregates.sql", schema);
	PGresult *res;

	if (sql == NULL)
		return false;
	res = tsm_query(conn, sql, 1, params);
	free(sql);
	if (res == NULL)
		return false;
	*any = atol(PQgetvalue(res, 0, 0)) > 0;
	PQclear(res);
	return true;
}

char *
tsm_aggs_call_sql(const char *ext, const char *version)
{
	char *e = tsm_quote_ident(ext), *call;

	if (e == NULL)
		return NULL;
	/*
	 * From 2.28 a manual refresh goes in batches of 10 buckets, one
	 * transaction each, like the policies: a year of 5-minute buckets
	 * then takes ten thousand transactions.  A load refreshes in one
	 * pass, as earlier releases always did.
	 */
	if (asprintf(&call, "CALL %s.refresh_continuous_aggregate("
	    "$1::regclass, $2::timestamptz, $3::timestamptz%s)", e,
	    tsm_version_cmp(version, "2.28.0") >= 0 ?
	    ", options => '{\"buckets_per_batch\": 0}'::jsonb" : "") < 0) {
		tsm_error("out of memory");
		call = NULL;
	}
	free(e);
	return call;
}

PGresult *
tsm_aggs_native_exec(PGconn *conn, const char *merged_sql,
    const char *plain_sql, const char *kind, bool *plain)
{
	const char *params[1] = { kind };
	PGresult *res;

	if (!*plain) {
		res = PQexecParams(conn, merged_sql, 1, NULL, params, NULL,
		    NULL, 0);
		if (PQresultStatus(res) == PGRES_TUPLES_OK) {
			PQclear(res);
			return NULL;
		}
		if (!sqlstate_is(res, "42501"))
			return res;
		/* May not clear the log: the function that may. */
		PQclear(res);
		*plain = true;
	}
	res = PQexecParams(conn, plain_sql, 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		PQclear(res);
		return NULL;
	}
	return res;
}

bool
tsm_aggs_refresh_native(PGconn *conn, const char *schema, const char *kind)
{
	char *merged = tsm_ingest_named_sql("ingest_refresh_invalidated.sql",
	    schema);
	char *plain = tsm_ingest_named_sql("ingest_refresh_logged.sql",
	    schema);
	PGresult *res = NULL;
	bool use_plain = false, ok = merged != NULL && plain != NULL;

	if (ok)
		res = tsm_aggs_native_exec(conn, merged, plain, kind,
		    &use_plain);
	free(merged);
	free(plain);
	if (ok && res != NULL) {
		const char *msg = PQresultErrorField(res,
		    PG_DIAG_MESSAGE_PRIMARY);

		tsm_warning("could not refresh the rollups of %s for the rows "
		    "loaded: %s", kind, msg != NULL ? msg :
		    PQerrorMessage(conn));
		tsm_hint("the rows are loaded and queries read them; SELECT "
		    "%s.refresh_invalidated('%s') brings the rollups up to "
		    "date", schema, kind);
		PQclear(res);
		ok = false;
	}
	return ok;
}

/* One refresh: the aggregate and its window, as text parameters. */
struct refresh {
	const char *p[3];
};

/*
 * Whether a refresh failed only because another session was at the
 * same aggregate (a concurrent refresh, a lock, a deadlock or a
 * serialization failure: classes 55 and 40), so that trying it again
 * shortly after will do.
 */
static bool
refresh_busy(const PGresult *r)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	return state != NULL && (strncmp(state, "55", 2) == 0 ||
	    strncmp(state, "40", 2) == 0);
}

/* Tries of a refresh that meets another session's, 0.1 s to 1 s apart. */
#define REFRESH_TRIES 60

/* Says why a refresh failed; true if it was a missing privilege. */
static bool
refresh_failed(const char *kind, const struct refresh *rf, PGresult *r,
    PGconn *c, const char *lo, const char *hi)
{
	const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	char from[TSM_TIME_BUFSZ], to[TSM_TIME_BUFSZ];

	if (tsm_pg_time_to_iso(rf->p[1], strlen(rf->p[1]), from) == 0)
		snprintf(from, sizeof(from), "%s", rf->p[1]);
	if (tsm_pg_time_to_iso(rf->p[2], strlen(rf->p[2]), to) == 0)
		snprintf(to, sizeof(to), "%s", rf->p[2]);
	if (state != NULL && strcmp(state, "42501") == 0) {
		/* The aggregates have one owner: say it once. */
		tsm_warning("could not refresh the continuous aggregates of %s "
		    "for the rows loaded, from %s to %s: %s", kind, lo, hi,
		    msg);
		tsm_hint("the rows are loaded; until the owner of the "
		    "aggregates "
		    "refreshes them (tsm-compress refresh, or CALL "
		    "refresh_continuous_aggregate), they may miss rows older "
		    "than their watermarks");
		return true;
	}
	tsm_warning("could not refresh %s from %s to %s: %s", rf->p[0], from,
	    to, msg ? msg : PQerrorMessage(c));
	return false;
}

bool
tsm_aggs_refresh_tsdb(PGconn *conn, const struct tsm_conn_opts *co,
    const char *password, int nconn, const char *ext, const char *version,
    const char *kind, int64_t lo, int64_t hi)
{
	char slo[TSM_TIME_BUFSZ], shi[TSM_TIME_BUFSZ], err[256];
	const char *params[4] = { kind, slo, shi, NULL };
	PGconn *conns[TSM_AGGS_MAXCONN];
	int busy[TSM_AGGS_MAXCONN];
	struct refresh *rf = NULL;
	char *sql, *call;
	PGresult *res;
	int n, next = 0, active = 0, k = 1, nagain = 0, round = 0;
	int *todo = NULL, *again = NULL;
	bool ok = true, denied = false;

	sql = tsm_ingest_named_sql("ingest_refresh_windows.sql", co->schema);
	if (sql == NULL)
		return false;
	call = tsm_aggs_call_sql(ext, version);
	if (call == NULL) {
		free(sql);
		return false;
	}
	tsm_format_time(lo, slo);
	tsm_format_time(hi, shi);
	res = tsm_query(conn, sql, 4, params);
	free(sql);
	if (res == NULL) {
		free(call);
		return false;
	}
	n = PQntuples(res);
	rf = calloc((size_t)n + 1, sizeof(*rf));
	todo = calloc((size_t)n + 1, sizeof(*todo));
	again = calloc((size_t)n + 1, sizeof(*again));
	if (rf == NULL || todo == NULL || again == NULL) {
		free(rf);
		free(todo);
		free(again);
		PQclear(res);
		free(call);
		tsm_error("out of memory");
		return false;
	}
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < 3; j++)
			rf[i].p[j] = PQgetvalue(res, i, j);
		todo[i] = i;
	}

	/*
	 * Each refresh reads and writes on its own: with a connection each,
	 * they share the server's CPUs, where one after the other they would
	 * leave all but one idle.
	 */
	conns[0] = conn;
	busy[0] = -1;
	if (nconn > TSM_AGGS_MAXCONN)
		nconn = TSM_AGGS_MAXCONN;
	while (k < nconn && k < n) {
		conns[k] = tsm_connect_extra(co, password, err, sizeof(err));
		if (conns[k] == NULL)
			break;	/* fewer at once, then */
		PQclear(PQexec(conns[k], "SET jit = off"));
		busy[k++] = -1;
	}
retry:
	while ((next < n && !denied) || active > 0) {
		struct pollfd pfd[TSM_AGGS_MAXCONN];

		for (int c = 0; c < k; c++) {
			if (busy[c] >= 0 || next >= n || denied)
				continue;
			if (PQsendQueryParams(conns[c], call, 3, NULL,
			    rf[todo[next]].p,
			    NULL, NULL, 0) != 1) {
				tsm_warning("could not refresh %s: %s",
				    rf[todo[next]].p[0],
				    PQerrorMessage(conns[c]));
				ok = false;
				next++;
				continue;
			}
			busy[c] = todo[next++];
			active++;
		}
		if (active == 0)
			break;
		for (int c = 0; c < k; c++) {
			pfd[c].fd = PQsocket(conns[c]);
			pfd[c].events = busy[c] >= 0 ? POLLIN : 0;
			pfd[c].revents = 0;
		}
		if (poll(pfd, (nfds_t)k, 100) < 0 && errno != EINTR)
			break;
		if (tsm_interrupted) {
			for (int c = 0; c < k; c++) {
				PGcancel *pc = busy[c] >= 0 ?
				    PQgetCancel(conns[c]) : NULL;

				if (pc != NULL) {
					(void)PQcancel(pc, err, sizeof(err));
					PQfreeCancel(pc);
				}
			}
		}
		for (int c = 0; c < k; c++) {
			PGresult *r;

			if (busy[c] < 0 || (pfd[c].revents == 0 &&
			    !tsm_interrupted))
				continue;
			if (PQconsumeInput(conns[c]) == 0 ||
			    !PQisBusy(conns[c])) {
				while ((r = PQgetResult(conns[c])) != NULL) {
					if (PQresultStatus(r) !=
					    PGRES_COMMAND_OK &&
					    refresh_busy(r) &&
					    round < REFRESH_TRIES &&
					    !tsm_interrupted) {
						again[nagain++] = busy[c];
					} else if (PQresultStatus(r) !=
					    PGRES_COMMAND_OK) {
						ok = false;
						if (!denied &&
						    refresh_failed(kind,
						    &rf[busy[c]], r, conns[c],
						    slo, shi))
							denied = true;
					}
					PQclear(r);
				}
				busy[c] = -1;
				active--;
			}
		}
	}
	if (nagain > 0 && !denied && !tsm_interrupted) {
		/* Another load refreshes the same buckets: after it, again. */
		int *t = todo;

		usleep(100000 * (unsigned)(round < 10 ? round + 1 : 10));
		todo = again;
		again = t;
		n = nagain;
		nagain = 0;
		next = 0;
		round++;
		goto retry;
	}
	for (int i = 0; i < nagain; i++) {
		ok = false;
		tsm_warning("could not refresh %s: another session kept "
		    "refreshing it", rf[again[i]].p[0]);
	}
	for (int c = 1; c < k; c++)
		PQfinish(conns[c]);
	free(todo);
	free(again);
	free(rf);
	PQclear(res);
	free(call);
	return ok;
}
