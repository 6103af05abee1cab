/*
 * ingest_refresher.c: the aggregates brought up to date behind the load.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest_aggs.h"
#include "ingest_instr.h"
#include "ingest_refresher.h"
#include "log.h"
#include "timeparse.h"

struct tsm_refresher {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	PGconn *conns[TSM_REFRESHER_MAXCONN];	/* [0] is the main one */
	PGcancel *cancels[TSM_REFRESHER_MAXCONN];
	int nconn;
	char *kind;
	bool native;
	char *refresh_sql;	/* native: the logged ranges, merged, each
				   through refresh_rollups_for */
	char *plain_sql;	/* native: refresh_invalidated($1) */
	bool plain;		/* may not read the log or call
				   refresh_rollups_for: plain_sql */
	char *windows_sql;	/* TimescaleDB: what to refresh */
	char *call_sql;		/* TimescaleDB: one refresh */
	int gap_ms;
	int64_t lo, hi;		/* touched, not yet taken; lo > hi: none */
	int64_t busy_lo, busy_hi;	/* being refreshed */
	bool busy;
	bool closing;
	bool failed;
	bool cut;		/* the pass stopped between aggregates when
				   the load ended: busy_lo..busy_hi not done */
};

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

/* Whether the load has ended (the main thread waits in finish). */
static bool
closing(struct tsm_refresher *rf)
{
	bool c;

	pthread_mutex_lock(&rf->mu);
	c = rf->closing;
	pthread_mutex_unlock(&rf->mu);
	return c;
}

/*
 * The refreshes of one pass on TimescaleDB, one aggregate on each
 * connection at a time: each reads and writes on its own, and one after
 * the other they would leave a core idle while the load waits on the
 * other.  When the load ends during a pass, the aggregates not yet begun
 * are left to the main thread's last refresh, which runs them side by
 * side with what the load touched since; refreshing again there an
 * aggregate this pass did costs next to nothing, since TimescaleDB
 * materialises only what is invalidated or above its threshold.
 */
static bool
refresh_windows(struct tsm_refresher *rf, PGresult *res)
{
	int n = PQntuples(res), next = 0, active = 0;
	int busy[TSM_REFRESHER_MAXCONN];
	struct pollfd pfd[TSM_REFRESHER_MAXCONN];
	bool ok = true;

	for (int c = 0; c < rf->nconn; c++)
		busy[c] = -1;
	for (;;) {
		for (int c = 0; c < rf->nconn && ok && next < n &&
		    !rf->cut; c++) {
			const char *w[3] = { PQgetvalue(res, next, 0),
			    PQgetvalue(res, next, 1),
			    PQgetvalue(res, next, 2) };

			if (busy[c] >= 0)
				continue;
			if (next > 0 && closing(rf)) {
				rf->cut = true;
				break;
			}
			if (PQsendQueryParams(rf->conns[c], rf->call_sql, 3,
			    NULL, w, NULL, NULL, 0) != 1) {
				ok = false;
				break;
			}
			busy[c] = next++;
			active++;
		}
		if (active == 0)
			break;
		for (int c = 0; c < rf->nconn; c++) {
			pfd[c].fd = PQsocket(rf->conns[c]);
			pfd[c].events = busy[c] >= 0 ? POLLIN : 0;
			pfd[c].revents = 0;
		}
		if (poll(pfd, (nfds_t)rf->nconn, -1) < 0 && errno != EINTR) {
			ok = false;
			break;
		}
		for (int c = 0; c < rf->nconn; c++) {
			PGresult *r;
			bool gone;

			if (busy[c] < 0 || pfd[c].revents == 0)
				continue;
			gone = PQconsumeInput(rf->conns[c]) == 0;
			if (!gone && PQisBusy(rf->conns[c]))
				continue;
			while ((r = PQgetResult(rf->conns[c])) != NULL) {
				if (PQresultStatus(r) != PGRES_COMMAND_OK)
					ok = false;
				PQclear(r);
			}
			if (gone)
				ok = false;
			busy[c] = -1;
			active--;
		}
	}
	return ok;
}

/* One refresh of [lo, hi]; false when a statement failed. */
static bool
refresh(struct tsm_refresher *rf, int64_t lo, int64_t hi)
{
	char slo[TSM_TIME_BUFSZ], shi[TSM_TIME_BUFSZ];
	const char *p[3] = { rf->kind, slo, shi };
	PGresult *res;
	bool ok;

	if (rf->native) {
		res = tsm_aggs_native_exec(rf->conns[0], rf->refresh_sql,
		    rf->plain_sql, rf->kind, &rf->plain);
		PQclear(res);
		return res == NULL;
	}
	tsm_format_time(lo, slo);
	tsm_format_time(hi, shi);
	if (!exec_ok(rf->conns[0], rf->windows_sql, 3, p, &res))
		return false;
	ok = refresh_windows(rf, res);
	PQclear(res);
	return ok;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The time gap_ms from now, for pthread_cond_timedwait. */
static struct timespec
after_ms(int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static void *
refresher_main(void *arg)
{
	struct tsm_refresher *rf = arg;

	pthread_mutex_lock(&rf->mu);
	while (!rf->closing && !rf->failed) {
		struct timespec until;
		int64_t lo, hi;
		double t0;
		bool ok;

		if (rf->lo > rf->hi) {
			pthread_cond_wait(&rf->cv, &rf->mu);
			continue;
		}
		lo = rf->busy_lo = rf->lo;
		hi = rf->busy_hi = rf->hi;
		rf->lo = INT64_MAX;
		rf->hi = INT64_MIN;
		rf->busy = true;
		pthread_mutex_unlock(&rf->mu);
		t0 = now_ms();
		ok = refresh(rf, lo, hi);
		pthread_mutex_lock(&rf->mu);
		rf->busy = false;
		if (!ok || rf->cut) {
			rf->failed = !ok;
			break;
		}
		/*
		 * Let rows gather: a refresh costs the same for more.  After a
		 * pass longer than the gap they have, and waiting would only
		 * leave a core idle.
		 */
		if (now_ms() - t0 >= rf->gap_ms)
			continue;
		until = after_ms(rf->gap_ms);
		while (!rf->closing && pthread_cond_timedwait(&rf->cv, &rf->mu,
		    &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&rf->mu);
	return NULL;
}

static void
refresher_free(struct tsm_refresher *rf)
{
	if (rf == NULL)
		return;
	for (int c = 0; c < rf->nconn; c++) {
		if (rf->cancels[c] != NULL)
			PQfreeCancel(rf->cancels[c]);
		PQfinish(rf->conns[c]);
	}
	free(rf->kind);
	free(rf->refresh_sql);
	free(rf->plain_sql);
	free(rf->windows_sql);
	free(rf->call_sql);
	pthread_mutex_destroy(&rf->mu);
	pthread_cond_destroy(&rf->cv);
	free(rf);
}

struct tsm_refresher *
tsm_refresher_start(PGconn *const *conns, int nconn,
    const struct tsm_refresher_opts *o)
{
	struct tsm_refresher *rf = calloc(1, sizeof(*rf));
	bool nomem = rf == NULL;

	if (rf == NULL) {
		for (int c = 0; c < nconn; c++)
			PQfinish(conns[c]);
		tsm_error("out of memory");
		return NULL;
	}
	pthread_mutex_init(&rf->mu, NULL);
	pthread_cond_init(&rf->cv, NULL);
	for (int c = 0; c < nconn && c < TSM_REFRESHER_MAXCONN; c++) {
		rf->conns[c] = conns[c];
		rf->cancels[c] = PQgetCancel(conns[c]);
		rf->nconn = c + 1;
		nomem |= rf->cancels[c] == NULL;
	}
	rf->native = o->native;
	rf->gap_ms = o->gap_ms;
	rf->lo = INT64_MAX;
	rf->hi = INT64_MIN;
	rf->kind = strdup(o->kind);
	if (rf->kind == NULL || nomem) {
		tsm_error("out of memory");
		goto fail;
	}
	if (o->native) {
		rf->refresh_sql = tsm_ingest_named_sql(
		    "ingest_refresh_invalidated.sql", o->schema);
		rf->plain_sql = tsm_ingest_named_sql(
		    "ingest_refresh_logged.sql", o->schema);
		if (rf->refresh_sql == NULL || rf->plain_sql == NULL)
			goto fail;
	} else {
		rf->windows_sql = tsm_ingest_named_sql(
		    "ingest_refresh_windows.sql", o->schema);
		rf->call_sql = tsm_aggs_call_sql(o->ext, o->version);
		if (rf->windows_sql == NULL || rf->call_sql == NULL)
			goto fail;
	}
	if (pthread_create(&rf->thread, NULL, refresher_main, rf) != 0) {
		tsm_error("cannot start the refresh thread: %s",
		    strerror(errno));
		goto fail;
	}
	return rf;
fail:
	refresher_free(rf);
	return NULL;
}

void
tsm_refresher_touch(struct tsm_refresher *rf, int64_t lo, int64_t hi)
{
	pthread_mutex_lock(&rf->mu);
	if (lo < rf->lo)
		rf->lo = lo;
	if (hi > rf->hi)
		rf->hi = hi;
	pthread_cond_signal(&rf->cv);
	pthread_mutex_unlock(&rf->mu);
}

void
tsm_refresher_finish(struct tsm_refresher *rf, bool abandon, int64_t *lo,
    int64_t *hi, bool *failed)
{
	*lo = INT64_MAX;
	*hi = INT64_MIN;
	*failed = false;
	if (rf == NULL)
		return;
	pthread_mutex_lock(&rf->mu);
	rf->closing = true;
	if (abandon && rf->busy) {
		char err[256];

		/* An idle connection's cancel does nothing. */
		for (int c = 0; c < rf->nconn; c++)
			(void)PQcancel(rf->cancels[c], err, sizeof(err));
	}
	pthread_cond_signal(&rf->cv);
	pthread_mutex_unlock(&rf->mu);
	pthread_join(rf->thread, NULL);
	*lo = rf->lo;
	*hi = rf->hi;
	*failed = rf->failed;
	if (rf->failed || rf->cut) {
		/* What it was refreshing is not done either. */
		if (rf->busy_lo < *lo)
			*lo = rf->busy_lo;
		if (rf->busy_hi > *hi)
			*hi = rf->busy_hi;
	}
	refresher_free(rf);
}
