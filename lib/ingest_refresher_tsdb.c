/*
 * ingest_refresher_tsdb.c: TimescaleDB's continuous aggregates refreshed
 * behind a load, each at its own pace, on the refresher's connections.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "ingest_instr.h"
#include "ingest_refresher_int.h"
#include "log.h"
#include "timeparse.h"

/* Runs a statement with text parameters; true when it worked. */
static bool
exec_ok(PGconn *conn, const char *sql, int n, const char *const *params,
    PGresult **out)
{
	PGresult *res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);

	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
		if (out != NULL)
			*out = res;
		else
			PQclear(res);
		return true;
	}
	PQclear(res);
	return false;
}

static void
widen(int64_t *lo, int64_t *hi, int64_t l, int64_t h)
{
	if (l < *lo)
		*lo = l;
	if (h > *hi)
		*hi = h;
}

/*
 * TimescaleDB: the aggregate to refresh next on a free connection: one
 * that is idle, has rows to refresh and has let them gather (gap_ms since
 * its last refresh began, unless that one was slow), the one waiting the
 * longest first.  -1 when none is; *wait_ms then says when one will be
 * (or -1: when something is touched).
 */
static int
next_agg(struct tsm_refresher *rf, double now, double *wait_ms)
{
	int pick = -1;

	*wait_ms = -1;
	for (int i = 0; i < rf->naggs; i++) {
		struct agg *a = &rf->aggs[i];
		double ready = a->slow ? a->since : a->since + rf->gap_ms;

		if (a->conn >= 0 || a->lo > a->hi)
			continue;
		if (ready > now) {
			if (*wait_ms < 0 || ready - now < *wait_ms)
				*wait_ms = ready - now;
			continue;
		}
		if (pick < 0 || a->since < rf->aggs[pick].since)
			pick = i;
	}
	return pick;
}

/* The earliest time of a batch being written, or INT64_MAX (under mu). */
static int64_t
held_min(const struct tsm_refresher *rf)
{
	int64_t m = INT64_MAX;

	for (int i = 0; i < rf->nheld; i++)
		if (rf->held[i] < m)
			m = rf->held[i];
	return m;
}

/*
 * Sends the refresh of aggregate i on connection c: its window over the
 * range it has to refresh (ingest_refresh_windows.sql, which leaves out
 * what real-time aggregation shows, and ends before the earliest time of
 * a batch being written), then the call, without waiting for it.  What
 * the window leaves out of the range stays to refresh.  False when a
 * statement failed; true with nothing sent when the aggregate needs
 * nothing now.
 */
static bool
send_refresh(struct tsm_refresher *rf, int i, int c, bool *sent)
{
	struct agg *a = &rf->aggs[i];
	char slo[TSM_TIME_BUFSZ], shi[TSM_TIME_BUFSZ], slim[TSM_TIME_BUFSZ];
	const char *p[4] = { rf->kind, slo, shi, NULL };
	PGresult *res = NULL;
	int64_t limit, wlo = 0, whi = 0;
	bool ok = true, found = false;
	int row = -1;

	*sent = false;
	a->busy_lo = a->lo;
	a->busy_hi = a->hi;
	a->lo = INT64_MAX;
	a->hi = INT64_MIN;
	a->since = tsm_refresher_now_ms();
	a->slow = false;
	tsm_format_time(a->busy_lo, slo);
	tsm_format_time(a->busy_hi, shi);
	pthread_mutex_lock(&rf->mu);
	limit = held_min(rf);
	pthread_mutex_unlock(&rf->mu);
	if (limit != INT64_MAX) {
		tsm_format_time(limit, slim);
		p[3] = slim;
	}
	if (!exec_ok(rf->conns[c], rf->windows_sql, 4, p, &res))
		ok = false;
	for (int r = 0; ok && r < PQntuples(res); r++) {
		if (strcmp(PQgetvalue(res, r, 0), a->name) != 0)
			continue;
		found = true;
		row = r;
		wlo = atoll(PQgetvalue(res, r, 3));
		whi = atoll(PQgetvalue(res, r, 4));
	}
	if (found && whi > wlo) {
		const char *w[3] = { PQgetvalue(res, row, 0),
		    PQgetvalue(res, row, 1), PQgetvalue(res, row, 2) };

		/*
		 * A batch that begins before the window's end may not be
		 * written while it is refreshed; one held since the window
		 * was chosen waits for the next round.
		 */
		pthread_mutex_lock(&rf->mu);
		if (held_min(rf) < whi) {
			pthread_mutex_unlock(&rf->mu);
			widen(&a->lo, &a->hi, a->busy_lo, a->busy_hi);
			PQclear(res);
			return true;
		}
		a->win_hi = whi;
		pthread_mutex_unlock(&rf->mu);
		ok = PQsendQueryParams(rf->conns[c], rf->call_sql, 3, NULL, w,
		    NULL, NULL, 0) == 1;
		*sent = ok;
		if (ok && whi <= a->busy_hi)
			widen(&a->lo, &a->hi, whi, a->busy_hi);
	} else if (found) {
		/* Nothing before the batches being written: later. */
		widen(&a->lo, &a->hi, a->busy_lo, a->busy_hi);
	}
	PQclear(res);
	if (*sent) {
		a->conn = c;
	} else if (!ok) {
		pthread_mutex_lock(&rf->mu);
		a->win_hi = INT64_MIN;
		pthread_cond_broadcast(&rf->ended);
		pthread_mutex_unlock(&rf->mu);
		widen(&a->lo, &a->hi, a->busy_lo, a->busy_hi);
	}
	return ok;
}

/*
 * Reads what connection c's refresh of aggregate i gave, once it is all
 * in; false when it failed (its range is then still to refresh).
 */
static bool
end_refresh(struct tsm_refresher *rf, int i, int c)
{
	struct agg *a = &rf->aggs[i];
	bool gone = PQconsumeInput(rf->conns[c]) == 0, ok = !gone;
	PGresult *r;

	if (!gone && PQisBusy(rf->conns[c]))
		return true;
	while ((r = PQgetResult(rf->conns[c])) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			ok = false;
		PQclear(r);
	}
	a->conn = -1;
	a->slow = tsm_refresher_now_ms() - a->since >= rf->gap_ms;
	pthread_mutex_lock(&rf->mu);
	a->win_hi = INT64_MIN;
	pthread_cond_broadcast(&rf->ended);
	pthread_mutex_unlock(&rf->mu);
	if (!ok)
		widen(&a->lo, &a->hi, a->busy_lo, a->busy_hi);
	return ok;
}

/*
 * TimescaleDB: each continuous aggregate is refreshed over what the load
 * touched since its last refresh, on whichever connection is free, so
 * that no connection waits for another's aggregate to finish.  When the
 * load ends, the refreshes under way finish and no new one begins: what
 * is left goes to the main thread's last refresh, which runs it side by
 * side on several connections.
 */
void
tsm_refresher_tsdb_main(struct tsm_refresher *rf)
{
	int owner[TSM_REFRESHER_MAXCONN], active = 0;

	for (int c = 0; c < rf->nconn; c++)
		owner[c] = -1;
	for (;;) {
		struct pollfd pfd[TSM_REFRESHER_MAXCONN];
		double wait_ms = -1;
		bool closing;

		/* New touches go to every aggregate; the lock is held here. */
		if (rf->lo <= rf->hi) {
			for (int i = 0; i < rf->naggs; i++)
				widen(&rf->aggs[i].lo, &rf->aggs[i].hi, rf->lo,
				    rf->hi);
			rf->lo = INT64_MAX;
			rf->hi = INT64_MIN;
		}
		closing = rf->closing;
		if ((closing || rf->failed) && active == 0)
			break;
		pthread_mutex_unlock(&rf->mu);
		for (int c = 0; c < rf->nconn && !closing && !rf->failed;
		    c++) {
			int i;
			bool sent = false;

			if (owner[c] >= 0)
				continue;
			while (!sent && (i = next_agg(rf,
			    tsm_refresher_now_ms(), &wait_ms)) >= 0) {
				if (!send_refresh(rf, i, c, &sent)) {
					rf->failed = true;
					break;
				}
				if (sent) {
					owner[c] = i;
					active++;
				}
			}
		}
		if (active == 0) {
			pthread_mutex_lock(&rf->mu);
			if (rf->closing || rf->failed || rf->lo <= rf->hi)
				continue;
			if (wait_ms < 0) {
				pthread_cond_wait(&rf->cv, &rf->mu);
			} else {
				struct timespec until =
				    tsm_refresher_after_ms((int)wait_ms + 1);

				(void)pthread_cond_timedwait(&rf->cv, &rf->mu,
				    &until);
			}
			continue;
		}
		for (int c = 0; c < rf->nconn; c++) {
			pfd[c].fd = PQsocket(rf->conns[c]);
			pfd[c].events = owner[c] >= 0 ? POLLIN : 0;
			pfd[c].revents = 0;
		}
		/* A free connection looks for work again within 50 ms. */
		if (poll(pfd, (nfds_t)rf->nconn, active < rf->nconn ? 50 : -1) <
		    0 && errno != EINTR)
			rf->failed = true;
		for (int c = 0; c < rf->nconn; c++) {
			int i = owner[c];

			if (i < 0 || (pfd[c].revents == 0 && !rf->failed))
				continue;
			if (!end_refresh(rf, i, c))
				rf->failed = true;
			if (rf->aggs[i].conn < 0) {
				owner[c] = -1;
				active--;
			}
		}
		pthread_mutex_lock(&rf->mu);
	}
	/* What no aggregate has refreshed, for the last refresh. */
	for (int i = 0; i < rf->naggs; i++)
		widen(&rf->lo, &rf->hi, rf->aggs[i].lo, rf->aggs[i].hi);
}

bool
tsm_refresher_load_aggs(struct tsm_refresher *rf, const char *schema)
{
	const char *p[1] = { rf->kind };
	char *sql = tsm_ingest_named_sql("ingest_refresh_aggs.sql", schema);
	PGresult *res;
	int n;

	if (sql == NULL)
		return false;
	res = tsm_query(rf->conns[0], sql, 1, p);
	free(sql);
	if (res == NULL)
		return false;
	n = PQntuples(res);
	rf->aggs = calloc((size_t)n + 1, sizeof(*rf->aggs));
	for (int i = 0; rf->aggs != NULL && i < n; i++) {
		struct agg *a = &rf->aggs[i];

		a->name = strdup(PQgetvalue(res, i, 0));
		a->lo = INT64_MAX;
		a->hi = INT64_MIN;
		a->win_hi = INT64_MIN;
		a->conn = -1;
		if (a->name == NULL)
			break;
		rf->naggs = i + 1;
	}
	PQclear(res);
	if (rf->aggs == NULL || rf->naggs < n) {
		tsm_error("out of memory");
		return false;
	}
	return true;
}
