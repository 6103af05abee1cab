/*
 * query_copy.h: rows of COPY's text format rewritten straight into csv or
 * tsv, for answers that leave the server through COPY ... TO STDOUT.
 *
 * The output is byte for byte what the writer of out.h makes of the same
 * rows (times in ISO 8601 UTC, numerics trimmed, CSV quoted only where
 * needed, TSV as PostgreSQL's text format), without splitting each row
 * into values and putting them back together: a tsv answer without times
 * or numerics passes through as the server wrote it.  Output goes out in
 * blocks of 256 KiB.
 */
#ifndef TSM_QUERY_COPY_H
#define TSM_QUERY_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "out.h"
#include "query.h"

struct tsm_copyout;

/*
 * A rewriter onto f (not owned) for csv or tsv (any other format: NULL)
 * of ncols columns of the given types; NULL after reporting that memory
 * is short.
 */
struct tsm_copyout *tsm_copyout_new(FILE *f, enum tsm_format fmt, int ncols,
    const enum tsm_coltype *types);

/*
 * Rewrites one row: line[0..len) is a row of COPY's text format without
 * its newline.  False after reporting (a row with fewer columns, a write
 * error, memory short).
 */
bool tsm_copyout_row(struct tsm_copyout *c, const char *line, size_t len);

/* Writes out what is left and frees c; false after a write error. */
bool tsm_copyout_end(struct tsm_copyout *c);

/*
 * Runs the statements of pre, then parses sql as the unnamed statement
 * and describes it, all in one round trip (a pipeline); *desc gets the
 * description (the caller clears it).  False after reporting the first
 * error.
 */
bool tsm_copy_prepare(PGconn *conn, const struct tsm_q_stmt *pre, int npre,
    const char *sql, PGresult **desc);

#endif
