/*
 * out.c: streaming output in csv, tsv, table and json.
 *
 * Every format writes into one 64 KiB buffer that goes out with fwrite
 * when full, so that millions of rows cost a memcpy each and a write(2)
 * per 64 KiB.  Only the table format holds rows, and only its first
 * TSM_OUT_TABLE_HOLD, to size the columns.  This file has the buffer,
 * the writer's life and csv and tsv; outtable.c has the table and
 * outjson.c JSON.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "log.h"
#include "num.h"
#include "out.h"
#include "out_int.h"
#include "timeparse.h"

bool
tsm_format_parse(const char *s, enum tsm_format *out)
{
	static const struct { const char *name; enum tsm_format fmt; } fmts[] = {
		{"csv", TSM_FMT_CSV}, {"tsv", TSM_FMT_TSV},
		{"table", TSM_FMT_TABLE}, {"json", TSM_FMT_JSON}
	};

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		if (strcmp(s, fmts[i].name) == 0) {
			*out = fmts[i].fmt;
			return true;
		}
	}
	return false;
}

enum tsm_coltype
tsm_coltype_for_oid(unsigned int oid)
{
	switch (oid) {
	case 20:		/* int8 */
	case 21:		/* int2 */
	case 23:		/* int4 */
	case 26:		/* oid */
	case 700:		/* float4 */
	case 701:		/* float8 */
		return TSM_COL_NUMBER;
	case 1700:		/* numeric */
		return TSM_COL_NUMERIC;
	case 1114:		/* timestamp: its text is taken as UTC */
	case 1184:		/* timestamptz */
		return TSM_COL_TIME;
	case 16:		/* bool */
		return TSM_COL_BOOL;
	case 114:		/* json */
	case 3802:		/* jsonb */
		return TSM_COL_JSON;
	default:
		return TSM_COL_TEXT;
	}
}

static void
write_error(struct tsm_writer *w)
{
	int e = errno;

	if (w->failed)
		return;
	w->failed = true;
	tsm_check_reader_gone(w->f, e);
	tsm_error("cannot write to %s: %s",
	    w->f == stdout ? "stdout" : "the output",
	    e ? strerror(e) : "unknown error");
}

bool
tsm_out_flush_buf(struct tsm_writer *w)
{
	if (w->failed)
		return false;
	if (w->olen > 0) {
		errno = 0;
		if (fwrite(w->ob, 1, w->olen, w->f) != w->olen) {
			write_error(w);
			return false;
		}
		w->olen = 0;
	}
	return true;
}

/* Appends s[0..n); the buffer is written out when full. */
bool
tsm_out_put_slow(struct tsm_writer *w, const char *s, size_t n)
{
	if (!tsm_out_flush_buf(w))
		return false;
	if (n >= TSM_OUT_BUFSZ) {
		errno = 0;
		if (fwrite(s, 1, n, w->f) != n) {
			write_error(w);
			return false;
		}
		return true;
	}
	memcpy(w->ob, s, n);
	w->olen = n;
	return true;
}

bool
tsm_out_reserve(char **buf, size_t *cap, size_t need)
{
	size_t ncap = *cap ? *cap : 256;
	char *p;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*buf, ncap);
	if (p == NULL) {
		tsm_error("out of memory");
		return false;
	}
	*buf = p;
	*cap = ncap;
	return true;
}

struct tsm_writer *
tsm_writer_new(FILE *f, enum tsm_format fmt, bool header, int ncols,
    const char *const *names, const enum tsm_coltype *types)
{
	struct tsm_writer *w;
	size_t n = ncols > 0 ? (size_t)ncols : 1;

	w = calloc(1, sizeof(*w));
	if (w == NULL)
		goto nomem;
	w->f = f;
	w->fmt = fmt;
	w->header = header;
	w->ncols = ncols;
	w->names = calloc(n, sizeof(*w->names));
	w->namelen = calloc(n, sizeof(*w->namelen));
	w->types = calloc(n, sizeof(*w->types));
	w->width = calloc(n, sizeof(*w->width));
	w->ob = malloc(TSM_OUT_BUFSZ);
	if (w->names == NULL || w->namelen == NULL || w->types == NULL ||
	    w->width == NULL || w->ob == NULL)
		goto nomem;
	for (int i = 0; i < ncols; i++) {
		const char *name = names && names[i] ? names[i] : "";

		w->names[i] = strdup(name);
		if (w->names[i] == NULL)
			goto nomem;
		w->namelen[i] = strlen(name);
		w->types[i] = types ? types[i] : TSM_COL_TEXT;
	}
	return w;
nomem:
	tsm_error("out of memory");
	if (w != NULL) {
		w->failed = true;
		(void)tsm_writer_end(w);
	}
	return NULL;
}

/*
 * Rewrites a value for output: numerics trimmed, times in ISO 8601 UTC
 * (a timestamp without zone is read as UTC).  *s and *len are replaced
 * when the value changes; false only when memory is short.
 */
bool
tsm_out_convert(struct tsm_writer *w, enum tsm_coltype t, const char **s,
    size_t *len)
{
	char tmp[64];
	size_t n;

	if (t == TSM_COL_NUMERIC) {
		if (!tsm_out_reserve(&w->conv, &w->convcap, *len + 1))
			return false;
		*len = tsm_trim_numeric(*s, *len, w->conv);
		*s = w->conv;
	} else if (t == TSM_COL_TIME) {
		if (!tsm_out_reserve(&w->conv, &w->convcap, TSM_TIME_BUFSZ))
			return false;
		n = tsm_pg_time_to_iso(*s, *len, w->conv);
		if (n == 0 && *len + 3 <= sizeof(tmp)) {
			memcpy(tmp, *s, *len);
			memcpy(tmp + *len, "+00", 3);
			n = tsm_pg_time_to_iso(tmp, *len + 3, w->conv);
		}
		if (n > 0) {
			*s = w->conv;
			*len = n;
		}
	}
	return true;
}

/* Bytes that make a CSV field need quotes. */
static const unsigned char csv_special[256] = {
	['\n'] = 1, ['\r'] = 1, ['"'] = 1, [','] = 1
};

/*
 * A CSV field, quoted when it holds a separator, quote, CR or LF, is
 * empty (NULL is written as nothing), or starts or ends with a space or
 * tab (which a CSV reader, tsm's own included, would trim).
 */
/* Nonzero if any byte of v is the byte that pat repeats. */
static inline uint64_t
has_byte(uint64_t v, uint64_t pat)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	uint64_t x = v ^ pat;

	return (x - ones) & ~x & (ones << 7);
}

/* True if s[0..len) holds a byte that makes a CSV field need quotes;
 * eight bytes at a time. */
static bool
csv_has_special(const char *s, size_t len)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t v;

		memcpy(&v, s + i, 8);
		if (has_byte(v, ones * '\n') | has_byte(v, ones * '\r') |
		    has_byte(v, ones * '"') | has_byte(v, ones * ','))
			return true;
	}
	for (; i < len; i++)
		if (csv_special[(unsigned char)s[i]])
			return true;
	return false;
}

static bool
put_csv_field(struct tsm_writer *w, const char *s, size_t len)
{
	const char *p, *end = s + len, *q;
	bool quote = len == 0 || s[0] == ' ' || s[0] == '\t' ||
	    s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    csv_has_special(s, len);

	if (!quote)
		return put(w, s, len);
	if (!putch(w, '"'))
		return false;
	for (p = s; p < end; p = q + 1) {
		q = memchr(p, '"', (size_t)(end - p));
		if (q == NULL)
			return put(w, p, (size_t)(end - p)) && putch(w, '"');
		if (!put(w, p, (size_t)(q - p + 1)) || !putch(w, '"'))
			return false;
	}
	return putch(w, '"');
}

/* The escape letter of a byte in PostgreSQL's text format, or 0. */
static const char tsv_escape[256] = {
	['\\'] = '\\', ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n',
	['\r'] = 'r', ['\t'] = 't', ['\v'] = 'v'
};

static bool
put_tsv_field(struct tsm_writer *w, const char *s, size_t len)
{
	const char *p = s, *run = s, *end = s + len;
	char e[2] = {'\\', 0};

	for (; p < end; p++) {
		if ((e[1] = tsv_escape[(unsigned char)*p]) == 0)
			continue;
		if (!put(w, run, (size_t)(p - run)) || !put(w, e, 2))
			return false;
		run = p + 1;
	}
	return put(w, run, (size_t)(end - run));
}

static bool
write_header(struct tsm_writer *w)
{
	w->header_done = true;
	if (!w->header || w->ncols == 0)
		return true;
	for (int i = 0; i < w->ncols; i++) {
		if (i > 0 && !putch(w, w->fmt == TSM_FMT_TSV ? '\t' : ','))
			return false;
		if (w->fmt == TSM_FMT_TSV) {
			if (!put_tsv_field(w, w->names[i], w->namelen[i]))
				return false;
		} else if (!put_csv_field(w, w->names[i], w->namelen[i])) {
			return false;
		}
	}
	return putch(w, '\n');
}

bool
tsm_writer_row(struct tsm_writer *w, const char *const *vals,
    const size_t *lens)
{
	bool ok = true;

	if (w->failed)
		return false;
	switch (w->fmt) {
	case TSM_FMT_CSV:
	case TSM_FMT_TSV:
		if (!w->header_done && !write_header(w))
			return false;
		for (int i = 0; ok && i < w->ncols; i++) {
			const char *s = vals[i];
			size_t len;

			if (i > 0 && !putch(w, w->fmt == TSM_FMT_TSV ? '\t' : ','))
				return false;
			if (s == NULL) {
				if (w->fmt == TSM_FMT_TSV)
					ok = put(w, "\\N", 2);
				continue;
			}
			len = lens ? lens[i] : strlen(s);
			if (!tsm_out_convert(w, w->types[i], &s, &len))
				return false;
			/*
			 * What convert wrote (an ISO time, a trimmed numeric)
			 * never needs quotes or escapes.
			 */
			if (s == w->conv && len > 0)
				ok = put(w, s, len);
			else
				ok = w->fmt == TSM_FMT_TSV ?
				    put_tsv_field(w, s, len) :
				    put_csv_field(w, s, len);
		}
		ok = ok && putch(w, '\n');
		break;
	case TSM_FMT_TABLE:
		ok = tsm_out_table_row(w, vals, lens);
		break;
	case TSM_FMT_JSON:
		ok = tsm_out_json_row(w, vals, lens);
		break;
	}
	if (ok)
		w->rows++;
	return ok;
}

/* Writes out everything given so far; see out.h. */
bool
tsm_writer_flush(struct tsm_writer *w)
{
	if (w->failed)
		return false;
	switch (w->fmt) {
	case TSM_FMT_CSV:
	case TSM_FMT_TSV:
		if (!w->header_done && !write_header(w))
			return false;
		break;
	case TSM_FMT_TABLE:
		if (!w->streaming && !tsm_out_table_flush(w))
			return false;
		break;
	case TSM_FMT_JSON:
		break;
	}
	if (!tsm_out_flush_buf(w))
		return false;
	errno = 0;
	if (fflush(w->f) != 0 || ferror(w->f)) {
		write_error(w);
		return false;
	}
	return true;
}

/* The end of the output: the table's footer, then everything flushed. */
static bool
end_output(struct tsm_writer *w)
{
	if (w->failed)
		return false;
	if (w->fmt == TSM_FMT_TABLE && !tsm_out_table_end(w))
		return false;
	return tsm_writer_flush(w);
}

bool
tsm_writer_end(struct tsm_writer *w)
{
	bool ok;

	if (w == NULL)
		return false;
	ok = end_output(w);
	if (w->names != NULL)
		for (int i = 0; i < w->ncols; i++)
			free(w->names[i]);
	free(w->names);
	free(w->namelen);
	free(w->types);
	free(w->width);
	free(w->ob);
	free(w->conv);
	free(w->disp);
	free(w->hold);
	free(w);
	return ok;
}

unsigned long long
tsm_writer_rows(const struct tsm_writer *w)
{
	return w->rows;
}
