/*
 * recload.h: migrating bots' JSON files into tsm.positions or tsm.trades.
 *
 * Two phases.  tsm_recload_read reads and checks every record of every
 * file and makes its row: a single bad record stops the migration before
 * anything is written.  tsm_recload_run then moves the rows in one
 * transaction: it locks the table against other writers, leaves out the
 * records already migrated (by source_key), COPYs the rest, commits, and
 * counts in the database the records of each file.  A first migration
 * may overlap the two (tsm_recload_stream_begin below): the rows go to
 * the server as they are made, in a transaction that a bad record ends
 * without a row written.
 *
 * The source of a file is its real path (or --source).  A record's
 * source_key is a hash of the source and what identifies the record (its
 * id; a position's symbol, side and opening; a trade's whole content),
 * numbered when the same record comes twice, so that migrating the file
 * again, or after the bot appended to it, inserts only what is new.
 */
#ifndef TSM_RECLOAD_H
#define TSM_RECLOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "jsonpath.h"
#include "out.h"
#include "recmap.h"

struct tsm_recload_opts {
	const char *schema;
	const struct tsm_recmap *map;
	const struct tsm_jpath *path;	/* --path or a preset's, or NULL */
	const char *source;		/* --source, or NULL */
	uint64_t max_bytes;		/* --max-size */
	bool dry_run;
	bool if_empty;
	bool backup;
	enum tsm_format format;		/* of --dry-run */
	bool header;
};

struct tsm_recload;

/* A new migration; NULL when memory is short (reported). */
struct tsm_recload *tsm_recload_new(const struct tsm_recload_opts *o);
void tsm_recload_free(struct tsm_recload *L);

/* Reads and checks the files; false after reporting every problem. */
bool tsm_recload_read(struct tsm_recload *L, char *const *files, int n);

/*
 * With --if-empty, before the files are read: true in *empty when the
 * table holds no rows.  False after reporting an error.
 */
bool tsm_recload_table_empty(PGconn *conn, const struct tsm_recload_opts *o,
    bool *empty);

/*
 * Migrates what was read; returns the exit status (0 done, 1 failed, 3
 * connection lost, 130 interrupted).
 */
int tsm_recload_run(struct tsm_recload *L, PGconn *conn);

/*
 * Streaming, for a first migration: before the files are read, opens
 * the transaction on conn, locks the table and, when it is empty (no
 * record can be there already), opens the COPY, so that the server
 * writes the rows while the next ones are made and checked.  A bad
 * record stops the sending, every record is still checked and reported,
 * and the COPY ends in an error: the transaction writes nothing.  False,
 * reporting nothing and leaving no transaction open, when streaming is
 * not possible (the table holds rows, or a statement failed): the files
 * are then read first and tsm_recload_run does all as before.
 */
bool tsm_recload_stream_begin(struct tsm_recload *L, PGconn *conn);

/* After tsm_recload_read failed: ends the COPY and rolls back, quietly. */
void tsm_recload_stream_abort(struct tsm_recload *L);

#endif
