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
#include "ingest_refresher_int.h"
#include "log.h"
#include "timeparse.h"

double
tsm_refresher_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct timespec
tsm_refresher_after_ms(int ms)
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

/*
 * Plain PostgreSQL: one statement refreshes every rollup over what the
 * log holds, in passes at most gap_ms apart.
 */
static void
native_main(struct tsm_refresher *rf)
{
	while (!rf->closing && !rf->failed) {
		struct timespec until;
		PGresult *res;
		double t0;

		if (rf->lo > rf->hi) {
			pthread_cond_wait(&rf->cv, &rf->mu);
			continue;
		}
		rf->busy_lo = rf->lo;
		rf->busy_hi = rf->hi;
		rf->lo = INT64_MAX;
		rf->hi = INT64_MIN;
		pthread_mutex_unlock(&rf->mu);
		t0 = tsm_refresher_now_ms();
		res = tsm_aggs_native_exec(rf->conns[0], rf->refresh_sql,
		    rf->plain_sql, rf->kind, &rf->plain);
		PQclear(res);
		pthread_mutex_lock(&rf->mu);
		if (res != NULL) {
			rf->failed = true;
			break;
		}
		/*
		 * Let rows gather: a refresh costs the same for more.  After a
		 * pass longer than the gap they have, and waiting would only
		 * leave a core idle.
		 */
		if (tsm_refresher_now_ms() - t0 >= rf->gap_ms)
			continue;
		until = tsm_refresher_after_ms(rf->gap_ms);
		while (!rf->closing && pthread_cond_timedwait(&rf->cv, &rf->mu,
		    &until) != ETIMEDOUT)
			;
	}
	/* What it was refreshing is not done either. */
	if (rf->failed) {
		if (rf->busy_lo < rf->lo)
			rf->lo = rf->busy_lo;
		if (rf->busy_hi > rf->hi)
			rf->hi = rf->busy_hi;
	}
}

static void *
refresher_main(void *arg)
{
	struct tsm_refresher *rf = arg;

	pthread_mutex_lock(&rf->mu);
	if (rf->native)
		native_main(rf);
	else
		tsm_refresher_tsdb_main(rf);
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
	for (int i = 0; i < rf->naggs; i++)
		free(rf->aggs[i].name);
	free(rf->aggs);
	free(rf->held);
	pthread_mutex_destroy(&rf->mu);
	pthread_cond_destroy(&rf->cv);
	pthread_cond_destroy(&rf->ended);
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
	pthread_cond_init(&rf->ended, NULL);
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
		if (rf->windows_sql == NULL || rf->call_sql == NULL ||
		    !tsm_refresher_load_aggs(rf, o->schema))
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

bool
tsm_refresher_hold(struct tsm_refresher *rf, int64_t tmin)
{
	bool ok = true;

	pthread_mutex_lock(&rf->mu);
	for (;;) {
		bool clash = false;

		for (int i = 0; i < rf->naggs; i++)
			clash |= rf->aggs[i].win_hi > tmin;
		if (!clash)
			break;
		pthread_cond_wait(&rf->ended, &rf->mu);
	}
	if (rf->nheld == rf->capheld) {
		int cap = rf->capheld ? 2 * rf->capheld : 8;
		int64_t *h = realloc(rf->held, (size_t)cap * sizeof(*h));

		if (h == NULL) {
			tsm_error("out of memory");
			ok = false;
		} else {
			rf->held = h;
			rf->capheld = cap;
		}
	}
	if (ok)
		rf->held[rf->nheld++] = tmin;
	pthread_mutex_unlock(&rf->mu);
	return ok;
}

void
tsm_refresher_release(struct tsm_refresher *rf, int64_t tmin)
{
	pthread_mutex_lock(&rf->mu);
	for (int i = 0; i < rf->nheld; i++) {
		if (rf->held[i] == tmin) {
			rf->held[i] = rf->held[--rf->nheld];
			break;
		}
	}
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
	if (abandon) {
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
	refresher_free(rf);
}
