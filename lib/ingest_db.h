/*
 * ingest_db.h: a batch into the database, as one transaction.
 *
 * A batch's rows whose groups meet nothing in the table go in with one
 * binary COPY straight into the table; the others are copied into a
 * temporary staging table and merged: an UPDATE of the stored keys whose
 * values differ, then an INSERT ... ON CONFLICT DO NOTHING of the rest,
 * which counts what was inserted and updated and leaves rows whose
 * values are already there untouched.  The aggregates are brought up to
 * date behind the load, on another connection (ingest_refresher.h).  A
 * COPY that meets a key after all (a row another session inserted since
 * the probe) is rolled back and the batch merged instead; one that finds
 * no partition for a row (dropped since it was made) makes it and tries
 * again.
 *
 * These functions run in the loader's worker threads: they never print.
 * What went wrong is kept in the result for the main thread to report.
 * The main thread's own questions to the table before a batch goes to a
 * worker, the probe and the native partitions, are at the end
 * (ingest_probe.c).
 */
#ifndef TSM_INGEST_DB_H
#define TSM_INGEST_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "ingest_batch.h"
#include "ingest_sql.h"

struct tsm_load_opts {
	const char *schema;
	const struct tsm_ingest_map *map;
	const struct tsm_ingest_sql *sql;
	enum tsm_conflict mode;
	bool native;
};

enum tsm_batch_status {
	TSM_BATCH_OK,
	TSM_BATCH_FAILED,	/* a statement failed: see the message */
	TSM_BATCH_LOST,		/* the connection is gone */
	TSM_BATCH_INTERRUPTED,	/* cancelled by a signal */
	TSM_BATCH_CONFLICT,	/* --on-conflict=error met a stored key */
	TSM_BATCH_SKIPPED	/* not written: a batch before it failed */
};

struct tsm_batch_result {
	enum tsm_batch_status status;
	uint64_t inserted, updated, unchanged;
	uint64_t direct, staged;	/* how the rows went in */
	uint64_t conflict_line;
	int64_t committed_at;		/* tsm_input_now() after COMMIT */
	bool met_others;		/* a COPY met another session's rows */
	char sqlstate[6];
	char *message, *detail, *hint;	/* malloc'ed, or NULL */
};

/* Makes the staging table on conn (autocommit); false with res set. */
bool tsm_load_prepare(PGconn *conn, const struct tsm_load_opts *o,
    struct tsm_batch_result *res);

/* Writes batch b in one transaction on conn; the outcome is in res. */
void tsm_load_batch(PGconn *conn, const struct tsm_load_opts *o,
    struct tsm_batch *b, struct tsm_batch_result *res);

/* Frees the message strings of res and clears it. */
void tsm_batch_result_clear(struct tsm_batch_result *res);

/*
 * Reports a failed result on stderr (main thread only), naming the batch's
 * lines.
 */
void tsm_batch_result_report(const struct tsm_batch_result *res,
    const struct tsm_batch *b);

/*
 * Asks the table which groups of b meet rows already stored, and marks
 * them stage (main thread, on its own connection).  False after
 * reporting.
 */
bool tsm_load_probe(PGconn *conn, const struct tsm_load_opts *o,
    struct tsm_batch *b);

/*
 * Native partitions: what the table has is read once and kept; a batch
 * whose time range is not covered calls ensure_partitions first.
 */
struct tsm_parts;
struct tsm_parts *tsm_parts_new(void);
void tsm_parts_free(struct tsm_parts *p);
bool tsm_parts_ensure(PGconn *conn, const struct tsm_load_opts *o,
    struct tsm_parts *p, int64_t lo, int64_t hi);

#endif
