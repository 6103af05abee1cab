/*
 * ingest_refresher.h: the aggregates brought up to date behind the load.
 *
 * Refreshing an aggregate costs about as much as loading its rows.  Done
 * in each batch's transaction it doubles the time of every commit (and
 * of every row's way to the table under --follow); done once after the
 * last commit it is a long wait at the end.  Instead a thread with its
 * own connections refreshes, while the load goes on, the ranges that
 * committed batches touched: on plain PostgreSQL the ranges that the
 * rows' triggers logged (refresh_invalidated, which clears them: until
 * then a reader knows those buckets of a rollup are not to be trusted),
 * on TimescaleDB the part of them that real-time aggregation does not
 * show (ingest_refresh_windows.sql), each continuous aggregate at its own
 * pace on whichever connection is free, never past the earliest time of
 * a batch being written (tsm_refresher_hold).  What is left when the
 * load ends is refreshed by the main thread before it exits, so that a
 * query right after a load is never stale.
 *
 * The thread never prints: when a refresh fails it stops refreshing and
 * the main thread's last refresh, over all the load touched, says why.
 */
#ifndef TSM_INGEST_REFRESHER_H
#define TSM_INGEST_REFRESHER_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

struct tsm_refresher_opts {
	const char *kind;	/* the series: candles, ticks, ... */
	bool native;
	const char *schema;
	const char *ext;	/* TimescaleDB's schema */
	const char *version;	/* TimescaleDB's release */
	int gap_ms;		/* at least this long between refreshes */
};

struct tsm_refresher;

/* Connections a refresher refreshes on at most, side by side. */
#define TSM_REFRESHER_MAXCONN 2

/*
 * Starts the thread on conns[0..nconn), which it owns from then on (even
 * when this fails).  On plain PostgreSQL it uses the first only: one
 * statement refreshes all the rollups.  NULL after reporting.
 */
struct tsm_refresher *tsm_refresher_start(PGconn *const *conns, int nconn,
    const struct tsm_refresher_opts *o);

/*
 * A batch whose earliest time is tmin is about to be written (main
 * thread).  A refresh moves TimescaleDB's invalidation threshold, and a
 * transaction that read the old threshold just before it committed logs
 * no invalidation for its rows, which the refresh may not see either: so
 * no window is refreshed past the earliest time of a batch being written,
 * and a batch that begins inside a window being refreshed (rows out of
 * time order) waits for that refresh to end.  False when out of memory,
 * after reporting.
 */
bool tsm_refresher_hold(struct tsm_refresher *rf, int64_t tmin);

/*
 * A batch that changed rows in [lo, hi] committed (main thread), then
 * tsm_refresher_release with its tmin once it is done, whatever came of
 * it.
 */
void tsm_refresher_touch(struct tsm_refresher *rf, int64_t lo, int64_t hi);
void tsm_refresher_release(struct tsm_refresher *rf, int64_t tmin);

/*
 * Stops the thread (cancelling its refresh when abandon is set) and
 * frees it.  *lo, *hi receive the range it has not refreshed (lo > hi
 * when none); *failed is set when one of its refreshes failed.
 */
void tsm_refresher_finish(struct tsm_refresher *rf, bool abandon,
    int64_t *lo, int64_t *hi, bool *failed);

#endif
