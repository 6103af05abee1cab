/*
 * ingest_run_int.h: what ingest_run.c (the load: connections, batches,
 * outcomes) and ingest_read.c (inputs and streams into rows) share.
 * Not for other modules.
 */
#ifndef TSM_INGEST_RUN_INT_H
#define TSM_INGEST_RUN_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "ingest_batch.h"
#include "ingest_db.h"
#include "ingest_instr.h"
#include "ingest_pool.h"
#include "ingest_refresher.h"
#include "ingest_report.h"
#include "ingest_run.h"
#include "ingest_sql.h"
#include "progress.h"
#include "schema.h"

/* A record longer than this is refused: no market data row comes near. */
#define MAX_RECORD (64 * 1024)

#define LAT_BUCKETS 10000

struct run {
	const struct tsm_ingest_opts *o;
	struct tsm_ingest_stats *st;
	struct tsm_ingest_map load_map;	/* what batches and SQL follow */
	struct tsm_ingest_map file_map;	/* the input being read */
	struct tsm_ingest_sql sql;
	struct tsm_load_opts lo;
	PGconn *conn;			/* the main thread's connection */
	struct tsm_pool *pool;
	struct tsm_refresher *refresher;	/* NULL: no aggregates, or
						   --no-refresh */
	struct tsm_instr_cache *instr;
	struct tsm_parts *parts;
	struct tsm_hull *hull;
	struct tsm_batch *batch;	/* being filled */
	struct tsm_rejects *rejects;
	struct tsm_progress progress;
	struct tsm_schema_state schema;
	struct tsm_server server;
	int instr_col;
	int status;			/* the exit status so far */
	bool stop;			/* stop reading */
	bool failed_batch;
	int64_t touched_lo, touched_hi;	/* committed changes, for TSDB */
	int wake[2];			/* --follow: workers wake the reader */
	int64_t started_at;
	uint64_t total_bytes;		/* of the inputs, 0 if unknown */
	uint32_t *lat_hist;		/* --follow: 100 µs buckets to 1 s */
	uint64_t lat_over;		/* rows past 1 s */
	int64_t lat_max;
	bool said;			/* what was committed was said */
	bool said_interrupted;
	char *password;			/* for connecting again (--follow) */
};

/* Takes a batch to fill; false when the load must stop. */
bool tsm_run_take_batch(struct run *r, const char *input);

/*
 * Sends the batch being filled to a worker and takes the next; false
 * when the load must stop.
 */
bool tsm_run_dispatch(struct run *r);

/*
 * Ends the load after an error or a signal: the open batch is not
 * written, the ones sent are waited for, what was committed is said.
 */
void tsm_run_stop(struct run *r, uint64_t from_line);

/* --follow: the main connection, renewed when it was lost. */
bool tsm_run_control_retry(struct run *r);
void tsm_run_control_check(struct run *r);

/* A row that cannot load; false when the load stops. */
bool tsm_run_bad_row(struct run *r, const struct tsm_record *rec,
    const char *input, const char *msg, const char *reason);

/* Parses, checks and adds one record; false when the load stops. */
bool tsm_run_take_row(struct run *r, const struct tsm_record *rec,
    const char *input, int64_t arrival);

/* Reads one input to its end (first: its first row, read already). */
bool tsm_run_read_input(struct run *r, struct tsm_csv_reader *rd,
    struct tsm_input *in, const char *name, struct tsm_record *first);

/* Opens an input and maps its first line; false (reported) otherwise. */
bool tsm_run_open_input(struct run *r, const char *path,
    struct tsm_input **in, struct tsm_csv_reader **rd,
    struct tsm_record **first, bool *is_header);

#endif
