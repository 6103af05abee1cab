/*
 * ingest_pool.h: worker threads that write batches while the main thread
 * reads and checks the next ones.
 *
 * Each worker owns one connection (-j N gives N) and writes one batch at
 * a time with tsm_load_batch.  The pool holds one batch more than it has
 * workers, so that the main thread always has one to fill: reading and
 * checking rows (client CPU) overlaps with COPY and merging (server
 * CPU).  libpq is thread-safe as long as a connection is used by one
 * thread at a time, which the pool guarantees.
 *
 * Outcomes come back to the main thread, through the done callback,
 * when it asks for a batch to fill or waits for the end.  After a batch
 * fails, workers start no other batch; with several workers, batches
 * already running may still commit.  SIGINT and SIGTERM are taken by
 * the main thread (workers block them); while it waits on the pool it
 * cancels the running statements of every worker.
 */
#ifndef TSM_INGEST_POOL_H
#define TSM_INGEST_POOL_H

#include <stdbool.h>
#include <libpq-fe.h>

#include "conn.h"
#include "ingest_batch.h"
#include "ingest_db.h"

struct tsm_pool;

/* Called in the main thread for each batch a worker finished. */
typedef void (*tsm_pool_done_fn)(void *arg, struct tsm_batch *b,
    const struct tsm_batch_result *res);

/*
 * Reconnection for --follow: a worker that lost its connection tries
 * again with backoff (from 0.1 s up to max_backoff_ms) until it gets
 * one, then retries the batch.
 */
struct tsm_pool_reconnect {
	bool enabled;
	const struct tsm_conn_opts *opts;
	const char *password;		/* NULL: libpq finds it */
	int max_backoff_ms;
};

/*
 * Starts n workers on conns (taken over: the pool closes them), for
 * batches of up to batch_rows rows.  wake_fd, if not -1, receives a byte
 * each time a batch is done.  NULL after reporting.
 */
struct tsm_pool *tsm_pool_new(int n, PGconn **conns,
    const struct tsm_load_opts *o, size_t batch_rows, int wake_fd,
    const struct tsm_pool_reconnect *rc, tsm_pool_done_fn done, void *arg);

/*
 * A batch to fill: waits until one is free, handing finished ones to the
 * callback first.  NULL when a batch has failed or a signal came: the
 * caller stops reading.
 */
struct tsm_batch *tsm_pool_acquire(struct tsm_pool *p);

/* Queues b (from acquire) to be written. */
void tsm_pool_submit(struct tsm_pool *p, struct tsm_batch *b);

/* Gives back a batch from acquire without writing it. */
void tsm_pool_release(struct tsm_pool *p, struct tsm_batch *b);

/* True if a worker is free and nothing waits: a batch would go now. */
bool tsm_pool_idle(struct tsm_pool *p);

/* Hands finished batches to the callback without waiting. */
void tsm_pool_poll(struct tsm_pool *p);

/*
 * Waits until every queued batch is finished (or skipped after a
 * failure), handing each to the callback.  Returns false if any failed
 * or a signal came.
 */
bool tsm_pool_drain(struct tsm_pool *p);

/* Stops the workers and frees everything (drain first). */
void tsm_pool_free(struct tsm_pool *p);

#endif
