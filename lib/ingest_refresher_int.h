/*
 * ingest_refresher_int.h: what ingest_refresher.c (the thread, plain
 * PostgreSQL's refresh) and ingest_refresher_tsdb.c (TimescaleDB's)
 * share.  Not for other files: the contract is ingest_refresher.h.
 */
#ifndef TSM_INGEST_REFRESHER_INT_H
#define TSM_INGEST_REFRESHER_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "ingest_refresher.h"

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
	struct agg *aggs;	/* TimescaleDB: each continuous aggregate */
	int naggs;
	int64_t *held;		/* the earliest time of each batch being
				   written (tsm_refresher_hold) */
	int nheld, capheld;
	pthread_cond_t ended;	/* a refresh ended: a held batch may go */
	int gap_ms;
	int64_t lo, hi;		/* touched, not yet taken; lo > hi: none */
	int64_t busy_lo, busy_hi;	/* native: being refreshed */
	bool closing;
	bool failed;
};

/*
 * TimescaleDB: one continuous aggregate and the range the load touched
 * that it has not refreshed.  Each goes at its own pace: the finest, the
 * longest to refresh, keeps one connection while the others take turns
 * on the other, and neither waits for the other to finish a round.
 */
struct agg {
	char *name;		/* schema.view, as regclass text */
	int64_t lo, hi;		/* touched, not refreshed; lo > hi: none */
	int64_t busy_lo, busy_hi;	/* being refreshed on conn */
	int64_t win_hi;		/* the end of that refresh's window (under
				   mu: tsm_refresher_hold reads it) */
	int conn;		/* the connection refreshing it, or -1 */
	double since;		/* when its last refresh began (ms) */
	bool slow;		/* that refresh took longer than the gap */
};

/* CLOCK_MONOTONIC in milliseconds. */
double tsm_refresher_now_ms(void);

/* The time ms from now, for pthread_cond_timedwait. */
struct timespec tsm_refresher_after_ms(int ms);

/*
 * TimescaleDB: reads the continuous aggregates of rf->kind into rf->aggs
 * (main thread, before the thread starts); false after reporting.
 */
bool tsm_refresher_load_aggs(struct tsm_refresher *rf, const char *schema);

/*
 * TimescaleDB: the thread's work, called and returning with rf->mu held;
 * on return rf->lo, rf->hi hold what is left to refresh.
 */
void tsm_refresher_tsdb_main(struct tsm_refresher *rf);

#endif
