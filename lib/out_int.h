/*
 * out_int.h: the writer's insides, shared by out.c (buffer, csv, tsv),
 * outtable.c (the aligned table) and outjson.c (JSON lines).  Not for use
 * outside these files: out.h is the interface.
 */
#ifndef TSM_OUT_INT_H
#define TSM_OUT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "out.h"

#define TSM_OUT_BUFSZ	(64 * 1024)
#define TSM_OUT_TABLE_HOLD	1000

struct tsm_writer {
	FILE	   *f;
	enum tsm_format fmt;
	bool		header;
	bool		header_done;
	bool		failed;
	int			ncols;
	char	  **names;
	size_t	   *namelen;
	enum tsm_coltype *types;
	unsigned long long rows;

	char	   *ob;			/* output buffer, TSM_OUT_BUFSZ bytes */
	size_t		olen;
	char	   *conv;		/* a value rewritten for output */
	size_t		convcap;
	char	   *disp;		/* a table cell made printable */
	size_t		dispcap;

	/* Table: the held rows as (size_t length, bytes) cells. */
	size_t	   *width;
	bool		streaming;
	char	   *hold;
	size_t		holdlen;
	size_t		holdcap;
	int			nheld;
};

/* Writes the buffer out; false after reporting a write error. */
bool tsm_out_flush_buf(struct tsm_writer *w);

/* Appends s[0..n) when it does not fit: flushes first, or writes it. */
bool tsm_out_put_slow(struct tsm_writer *w, const char *s, size_t n);

/* Grows *buf to hold need bytes; false after reporting out of memory. */
bool tsm_out_reserve(char **buf, size_t *cap, size_t need);

/*
 * Rewrites a value for output: numerics trimmed, times in ISO 8601 UTC.
 * *s and *len are replaced when the value changes; false only when
 * memory is short.
 */
bool tsm_out_convert(struct tsm_writer *w, enum tsm_coltype t,
    const char **s, size_t *len);

/*
 * The table (outtable.c): a row, held or streamed; flush writes the held
 * rows with the widths they give and streams from then on; end writes
 * what is held and the footer.
 */
bool tsm_out_table_row(struct tsm_writer *w, const char *const *vals,
    const size_t *lens);
bool tsm_out_table_flush(struct tsm_writer *w);
bool tsm_out_table_end(struct tsm_writer *w);

/* A JSON object on one line (outjson.c). */
bool tsm_out_json_row(struct tsm_writer *w, const char *const *vals,
    const size_t *lens);

/* Appends s[0..n) to the buffer, which is written out when full. */
static inline bool
put(struct tsm_writer *w, const char *s, size_t n)
{
	if (n > TSM_OUT_BUFSZ - w->olen)
		return tsm_out_put_slow(w, s, n);
	memcpy(w->ob + w->olen, s, n);
	w->olen += n;
	return true;
}

static inline bool
putch(struct tsm_writer *w, char c)
{
	if (w->olen == TSM_OUT_BUFSZ && !tsm_out_flush_buf(w))
		return false;
	w->ob[w->olen++] = c;
	return true;
}

#endif
