/*
 * csvin.h: CSV and TSV records with line numbers, on libcsv.
 *
 * CSV follows RFC 4180 (quoted fields may hold separators, quotes and
 * newlines; CRLF or LF line ends), read by libcsv in strict mode: a quote
 * inside an unquoted field (ab"c) or text after a closing quote ("ab"c) is
 * an error naming line and column, not taken literally: such a quote is as
 * likely a quoted field gone wrong, and guessing (COPY opens a quoted
 * section there) can silently swallow the lines after it, or load a value
 * other than the one meant.  As libcsv does, spaces and tabs around an
 * unquoted field are trimmed; a quoted field keeps them.  A CR outside
 * quotes that is not part of a CRLF is an error (old Mac line ends).  TSV
 * is PostgreSQL's text format: tab separated, no quoting, backslash
 * escapes decoded as COPY does (\b \f \n \r \t \v \\, octal \ooo, hex
 * \xhh, any other escaped character as itself), and a field that is
 * exactly \N is NULL.  A UTF-8 byte-order mark at the start is skipped; a
 * UTF-16 one is an error.  Blank lines (nothing but spaces, tabs in CSV,
 * CRs) are skipped but counted.  Invalid UTF-8 and NUL bytes are errors
 * naming line and column (columns count characters, from 1).
 */
#ifndef TSM_CSVIN_H
#define TSM_CSVIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input.h"

struct tsm_field {
	const char *s;		/* NUL-terminated, valid until the next call */
	size_t len;
	bool quoted;		/* was quoted in CSV: "" is an empty string */
	bool null;		/* TSV \N */
};

struct tsm_record {
	int nfields;
	struct tsm_field *fields;
	uint64_t line;		/* line where the record starts, from 1 */
	const char *raw;	/* the record as read, without the line end */
	size_t rawlen;
	bool terminated;	/* it had a line end (only the last may not) */
};

/* tsm_csv_next_record's answer when a deadline passed (input.h). */
#define TSM_CSV_AGAIN 2

struct tsm_csv_reader;

/*
 * Reads records from in (not owned: the caller closes it).  tsv selects
 * TSV.  max_record_bytes (0 = 64 MiB) bounds one record, so that a file
 * without line ends cannot take all memory.
 */
struct tsm_csv_reader *tsm_csv_open(struct tsm_input *in, bool tsv,
    size_t max_record_bytes);

/*
 * Next record: 1 and *rec set, 0 at the end of input, -1 after reporting
 * an error with the input's name and line ("\"x.csv\" line 7: ...";
 * standard input is named stdin, without quotes): a quote left open at
 * the end ("the file ends inside a quoted field that starts on line 7"),
 * a stray quote, a record over the limit, invalid UTF-8, a read error.
 * After a read error that was an interrupt (tsm_interrupted set) nothing
 * is reported.  An error is final: later calls return -1 and report
 * nothing.  The record and its fields stay valid until the next call.
 */
int tsm_csv_next_record(struct tsm_csv_reader *r, struct tsm_record **rec);

/*
 * With a deadline set on the input (tsm_input_set_deadline), the same
 * call returns TSM_CSV_AGAIN when the deadline passes before a whole
 * record came; the record read so far is kept, and the next call goes
 * on with it.
 */

void tsm_csv_close(struct tsm_csv_reader *r);

/*
 * Header mapping.  A column spec names a canonical column and its aliases
 * ("time", {"timestamp", "open_time", "date", "datetime", "ts", NULL}).
 * Matching ignores case and surrounding spaces.
 */
struct tsm_colspec {
	const char *name;
	const char *const *aliases;	/* NULL-terminated, may be NULL */
	bool required;
};

/*
 * True if rec looks like a header for these specs: at least one field
 * names a spec (by name or alias) and no field parses as a number.
 */
bool tsm_csv_is_header(const struct tsm_record *rec,
    const struct tsm_colspec *specs, int nspecs);

/*
 * Maps header fields to specs: map[i] receives the field index of spec i,
 * or -1.  Unknown header names are listed in a note ("ignoring columns
 * \"ignore\", \"x\""), unless quiet.  Errors (reported, false returned):
 * two fields naming one spec ("columns \"time\" and \"timestamp\" both
 * name \"time\""), an empty header name, a missing required column
 * ("no column for \"close\": the header has time, open, high, low").
 */
bool tsm_csv_map_header(const struct tsm_record *rec,
    const struct tsm_colspec *specs, int nspecs, int *map);

/*
 * The same for --columns "time,open,high,,close" (an empty name skips a
 * field); the names are matched as a header would be, unknown ones
 * noted and ignored.  *nfields_out receives the number of fields named.
 */
bool tsm_csv_map_names(const char *columns, const struct tsm_colspec *specs,
    int nspecs, int *map, int *nfields_out);

#endif
