/*
 * out.h: streaming output in csv, tsv, table and json.
 *
 * Rows are written as they come; memory stays flat whatever the row count
 * (table format holds the first 1,000 rows to size its columns, then
 * streams, widening a cell that no longer fits).  CSV quotes a field only
 * when it holds the separator, a quote, CR or LF, is an empty string
 * (NULL is written as nothing), or starts or ends with a space or tab
 * (which CSV readers, csvin.h included, trim).  The header of csv and tsv
 * is written with the first row, or at the end of an empty result.  TSV
 * is PostgreSQL's text format (\N for NULL, backslash escapes as COPY
 * writes them).  JSON is one object per line, numbers and booleans bare
 * (a number JSON cannot hold, NaN or Infinity, as a string), NULL as
 * null, control characters escaped, invalid UTF-8 as U+FFFD.  The table
 * is psql's aligned format: names centred, numbers right-aligned, widths
 * in characters, control characters shown as \n \t \r \xNN; without a
 * header (-t) it has neither header nor "(N rows)" footer, as psql -t.
 * Times (TSM_COL_TIME) given in PostgreSQL's form are rewritten to ISO
 * 8601 UTC (a timestamp without zone is taken as UTC; anything else is
 * written as it is); numerics (TSM_COL_NUMERIC) are trimmed to their
 * shortest form.
 */
#ifndef TSM_OUT_H
#define TSM_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum tsm_format { TSM_FMT_CSV, TSM_FMT_TSV, TSM_FMT_TABLE, TSM_FMT_JSON };

enum tsm_coltype {
	TSM_COL_TEXT,
	TSM_COL_NUMBER,		/* integer or float: written as given */
	TSM_COL_NUMERIC,	/* PostgreSQL numeric: trimmed */
	TSM_COL_TIME,		/* timestamptz text: rewritten to ISO */
	TSM_COL_BOOL,		/* "t"/"f" or "true"/"false" */
	TSM_COL_JSON		/* already JSON: bare in json output */
};

/* Parses "csv", "tsv", "table", "json" (-F); false if none. */
bool tsm_format_parse(const char *s, enum tsm_format *out);

/* The column type for a PostgreSQL type OID (as PQftype gives). */
enum tsm_coltype tsm_coltype_for_oid(unsigned int oid);

struct tsm_writer;

/*
 * A writer on f (not owned) for ncols columns; names and types are copied.
 * header false is -t/--no-header.
 */
struct tsm_writer *tsm_writer_new(FILE *f, enum tsm_format fmt, bool header,
    int ncols, const char *const *names, const enum tsm_coltype *types);

/*
 * Writes one row: vals[i] is the text of column i (NULL for SQL NULL),
 * lens[i] its length (lens may be NULL: then strlen).  Returns false after
 * reporting a write error ("cannot write to stdout: Broken pipe").
 */
bool tsm_writer_row(struct tsm_writer *w, const char *const *vals,
    const size_t *lens);

/*
 * Writes out now everything given so far, down to the FILE (fflush), for
 * output that must be seen as it comes (--follow).  The header of csv and
 * tsv goes out with it if no row has; a table stops holding rows and
 * keeps the column widths of those it has seen (a later, wider cell
 * widens only itself).  Returns false after reporting a write error.
 */
bool tsm_writer_flush(struct tsm_writer *w);

/*
 * Flushes and ends the output (the table footer "(N rows)", the header of
 * an empty csv result); returns false after reporting a write error.
 * Frees w in every case.
 */
bool tsm_writer_end(struct tsm_writer *w);

/* Rows written so far. */
unsigned long long tsm_writer_rows(const struct tsm_writer *w);

#endif
