/*
 * ingest_run.h: a whole load, from the inputs to the last commit.
 *
 * The first input's first line is read and mapped before connecting, so
 * that an input that cannot load (no header, a required column missing)
 * is refused before anything is written.  Then rows are read, checked
 * and gathered into batches; each batch goes to a worker, one
 * transaction each, while the next one is read.  The first bad row stops
 * the load (its batch is not written, earlier ones stay committed),
 * unless rows are to be rejected (--rejects, --max-rejects): then bad
 * rows are set aside with their line and reason and the rest load.
 */
#ifndef TSM_INGEST_RUN_H
#define TSM_INGEST_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "ingest.h"
#include "ingest_batch.h"

#define TSM_INGEST_MAXFIXED 8

struct tsm_ingest_opts {
	const struct tsm_kind *kind;
	char *const *inputs;		/* "-" is stdin */
	int ninputs;
	bool tsv;
	const char *columns;		/* --columns, or NULL */
	struct tsm_fixed fixed[TSM_INGEST_MAXFIXED];
	int nfixed;
	struct tsm_time_opts topts;
	enum tsm_conflict conflict;
	size_t batch_rows;
	int jobs;
	bool create;			/* make unknown instruments */
	bool refresh;			/* keep aggregates current */
	bool follow;
	size_t flush_rows;
	int64_t flush_usecs;
	const char *rejects;		/* --rejects FILE, or NULL */
	int64_t max_rejects;		/* -1: no limit */
	bool rejecting;			/* bad rows are set aside */
	bool progress;
	const char *metrics;		/* --follow writes it as it goes */
	const struct tsm_conn_opts *conn;
};

struct tsm_ingest_stats {
	uint64_t read, inserted, updated, unchanged, duplicates, rejected;
	uint64_t batches, committed, direct, staged, instruments;
	uint64_t bytes;
	double seconds;
	bool finished;			/* every input was read to its end */
	/* --follow: from reading a row to its commit, in milliseconds. */
	uint64_t latency_rows;
	double latency_p50, latency_p99, latency_max;
};

/*
 * Runs the load; returns the exit status (0, 1, 2 for an option the
 * kind refuses, 3, 4, 130), the figures in *st.
 */
int tsm_ingest_run(const struct tsm_ingest_opts *o,
    struct tsm_ingest_stats *st);

#endif
