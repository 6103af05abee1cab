/*
 * ingest_refresher.c: the aggregates brought up to date behind the load.
 */
#include <errno.h>
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
	PGconn *conn;
	PGcancel *cancel;
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

/* One refresh of [lo, hi]; false when a statement failed. */
static bool
refresh(struct tsm_refresher *rf, int64_t lo, int64_t hi)
{
	char slo[TSM_TIME_BUFSZ], shi[TSM_TIME_BUFSZ];
	const char *p[3] = { rf->kind, slo, shi };
	PGresult *res;
	bool ok = true;

	if (rf->native) {
		res = tsm_aggs_native_exec(rf->conn, rf->refresh_sql,
		    rf->plain_sql, rf->kind, &rf->plain);
		PQclear(res);
		return res == NULL;
	}
	tsm_format_time(lo, slo);
	tsm_format_time(hi, shi);
	if (!exec_ok(rf->conn, rf->windows_sql, 3, p, &res))
		return false;
	for (int i = 0; i < PQntuples(res) && ok; i++) {
		const char *w[3] = { PQgetvalue(res, i, 0),
		    PQgetvalue(res, i, 1), PQgetvalue(res, i, 2) };

		ok = exec_ok(rf->conn, rf->call_sql, 3, w, NULL);
	}
	PQclear(res);
	return ok;
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
		ok = refresh(rf, lo, hi);
		pthread_mutex_lock(&rf->mu);
		rf->busy = false;
		if (!ok) {
			rf->failed = true;
			break;
		}
		/* Let rows gather: a refresh costs the same for more. */
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
	if (rf->cancel != NULL)
		PQfreeCancel(rf->cancel);
	if (rf->conn != NULL)
		PQfinish(rf->conn);
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
tsm_refresher_start(PGconn *conn, const struct tsm_refresher_opts *o)
{
	struct tsm_refresher *rf = calloc(1, sizeof(*rf));

	if (rf == NULL) {
		PQfinish(conn);
		tsm_error("out of memory");
		return NULL;
	}
	pthread_mutex_init(&rf->mu, NULL);
	pthread_cond_init(&rf->cv, NULL);
	rf->conn = conn;
	rf->native = o->native;
	rf->gap_ms = o->gap_ms;
	rf->lo = INT64_MAX;
	rf->hi = INT64_MIN;
	rf->kind = strdup(o->kind);
	rf->cancel = PQgetCancel(conn);
	if (rf->kind == NULL || rf->cancel == NULL) {
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

		(void)PQcancel(rf->cancel, err, sizeof(err));
	}
	pthread_cond_signal(&rf->cv);
	pthread_mutex_unlock(&rf->mu);
	pthread_join(rf->thread, NULL);
	*lo = rf->lo;
	*hi = rf->hi;
	*failed = rf->failed;
	if (rf->failed) {
		/* What it was refreshing is not done either. */
		if (rf->busy_lo < *lo)
			*lo = rf->busy_lo;
		if (rf->busy_hi > *hi)
			*hi = rf->busy_hi;
	}
	refresher_free(rf);
}
