/*
 * csvin_int.h: the CSV/TSV reader's insides, shared by csvin.c (framing
 * records), csvparse.c (CSV through libcsv) and tsvin.c (TSV).  Not for
 * use outside these three files: csvin.h is the interface.
 */
#ifndef TSM_CSVIN_INT_H
#define TSM_CSVIN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <csv.h>

#include "csvin.h"

/*
 * The size of a chunk of input.  A build for fuzzing makes it small
 * (-DTSM_CSVIN_CHUNK=61), so that short inputs reach the code for
 * records that straddle chunks.
 */
#ifndef TSM_CSVIN_CHUNK
#define TSM_CSVIN_CHUNK	(64 * 1024)
#endif
#define TSM_CSVIN_DEFAULT_MAX	((size_t)64 * 1024 * 1024)

struct tsm_csv_reader {
	struct tsm_input *in;
	bool		tsv;
	size_t		max_bytes;
	struct csv_parser parser;

	unsigned char *buf;		/* the current chunk */
	size_t		bpos;		/* next byte to look at */
	size_t		blen;
	bool		started;	/* the byte-order mark was looked for */
	bool		at_end;
	bool		failed;
	bool		nomem;		/* set by a libcsv callback */

	uint64_t	line;		/* line of the byte at bpos */
	bool		after_cr;	/* a record ended on a lone CR */

	/*
	 * The line being looked at began with more blanks than a chunk holds:
	 * they are in rawbuf (blank_saved), or were more than a record may
	 * hold (blank_over), until the line proves blank or a record.
	 */
	bool		blank_saved;
	bool		blank_over;

	/* The record being read. */
	bool		rec_open;
	bool		rec_done;	/* set by the libcsv record callback */
	uint64_t	rec_line;
	uint64_t	quote_line;	/* where the field being read starts */
	size_t		rec_start;	/* its first byte not yet saved in rawbuf */
	unsigned char *rawbuf;		/* its earlier bytes, across chunks */
	size_t		rawlen;
	size_t		rawcap;

	/* Fields: offsets into fdata while they are read, then pointers. */
	struct tsm_field *fields;
	size_t	   *foff;
	int		nfields;
	int		fcap;
	char	   *fdata;
	size_t		fdlen;
	size_t		fdcap;

	struct tsm_record rec;
};

/*
 * Writes the "where" of a message into buf: "\"x.csv\" line 7" and,
 * when col > 0, ", column 12".
 */
void tsm_csvin_where(const struct tsm_csv_reader *r, uint64_t line,
    size_t col, char *buf, size_t size);

/* Grows *pp (of *cap elements of elem bytes) to hold need; false if short. */
bool tsm_csvin_grow(void *pp, size_t *cap, size_t need, size_t elem);

/* Makes room for one more field; false when memory is short. */
bool tsm_csvin_field_slot(struct tsm_csv_reader *r);

/* The record so far, contiguous in rawbuf (for messages). */
const unsigned char *tsm_csvin_raw_so_far(struct tsm_csv_reader *r,
    size_t upto, size_t *len);

/* The column of s[len]: characters since the last line start, from 1. */
size_t tsm_csvin_column_at(const unsigned char *s, size_t len);

/* True once the record read so far is over the limit (beyond a CRLF). */
bool tsm_csvin_over_limit(const struct tsm_csv_reader *r);

/* Reports a record over the limit; returns false. */
bool tsm_csvin_too_long(struct tsm_csv_reader *r);

/*
 * CSV (csvparse.c).  csv_step feeds the next line of the chunk and
 * returns 1 when the record is complete, 0 if it goes on, -1 after an
 * error; csv_end does the same at the end of the input; mark_quoted
 * sets the quoted flag of the fields of a complete record.
 */
bool tsm_csvin_csv_init(struct tsm_csv_reader *r);
int tsm_csvin_csv_step(struct tsm_csv_reader *r);
int tsm_csvin_csv_end(struct tsm_csv_reader *r);
void tsm_csvin_csv_mark_quoted(struct tsm_csv_reader *r,
    const unsigned char *s, size_t len);

/*
 * TSV (tsvin.c).  tsv_step finds the end of the line (1, 0 or -1 as
 * csv_step); tsv_fields splits and decodes a complete line into the
 * reader's fields; false after reporting an error.
 */
int tsm_csvin_tsv_step(struct tsm_csv_reader *r);
bool tsm_csvin_tsv_fields(struct tsm_csv_reader *r, const unsigned char *s,
    size_t len);

#endif
