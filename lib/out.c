/*
 * out.c: streaming output in csv, tsv, table and json.
 *
 * Every format writes into one 64 KiB buffer that goes out with fwrite
 * when full, so that millions of rows cost a memcpy each and a write(2)
 * per 64 KiB.  Only the table format holds rows, and only its first
 * TABLE_HOLD, to size the columns.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "num.h"
#include "out.h"
#include "timeparse.h"
#include "utf8.h"

#define OUT_BUFSZ	(64 * 1024)
#define TABLE_HOLD	1000

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

	char	   *ob;			/* output buffer, OUT_BUFSZ bytes */
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
	tsm_error("cannot write to %s: %s",
	    w->f == stdout ? "stdout" : "the output",
	    e ? strerror(e) : "unknown error");
}

static bool
flush_buf(struct tsm_writer *w)
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
static bool
put_slow(struct tsm_writer *w, const char *s, size_t n)
{
	if (!flush_buf(w))
		return false;
	if (n >= OUT_BUFSZ) {
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

static inline bool
put(struct tsm_writer *w, const char *s, size_t n)
{
	if (n > OUT_BUFSZ - w->olen)
		return put_slow(w, s, n);
	memcpy(w->ob + w->olen, s, n);
	w->olen += n;
	return true;
}

static inline bool
putch(struct tsm_writer *w, char c)
{
	if (w->olen == OUT_BUFSZ && !flush_buf(w))
		return false;
	w->ob[w->olen++] = c;
	return true;
}

static bool
reserve(char **buf, size_t *cap, size_t need)
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
	w->ob = malloc(OUT_BUFSZ);
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
static bool
convert(struct tsm_writer *w, enum tsm_coltype t, const char **s,
    size_t *len)
{
	char tmp[64];
	size_t n;

	if (t == TSM_COL_NUMERIC) {
		if (!reserve(&w->conv, &w->convcap, *len + 1))
			return false;
		*len = tsm_trim_numeric(*s, *len, w->conv);
		*s = w->conv;
	} else if (t == TSM_COL_TIME) {
		if (!reserve(&w->conv, &w->convcap, TSM_TIME_BUFSZ))
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

/*
 * A JSON string.  Control characters are escaped (\n, \t and the like by
 * name, the others as \u00XX); valid UTF-8 passes through, and a byte
 * that is not is written as U+FFFD, so that the line stays valid JSON.
 */
static bool
put_json_string(struct tsm_writer *w, const char *str, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	const unsigned char *p = s, *run = s, *end = s + len;
	char e[6];
	size_t elen, k;

	if (!putch(w, '"'))
		return false;
	while (p < end) {
		unsigned c = *p;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0x80 && (k = tsm_utf8_char(p, (size_t)(end - p))) > 0) {
			p += k;
			continue;
		}
		if (!put(w, (const char *)run, (size_t)(p - run)))
			return false;
		e[0] = '\\';
		elen = 2;
		switch (c) {
		case '"': e[1] = '"'; break;
		case '\\': e[1] = '\\'; break;
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		default:
			if (c >= 0x80) {
				memcpy(e, "\\ufffd", 6);
			} else {
				memcpy(e, "\\u00", 4);
				e[4] = hex[c >> 4];
				e[5] = hex[c & 15];
			}
			elen = 6;
		}
		if (!put(w, e, elen))
			return false;
		run = ++p;
	}
	return put(w, (const char *)run, (size_t)(end - run)) && putch(w, '"');
}

/* True if s[0..len) is a number as JSON writes one (not NaN, Infinity). */
static bool
json_number(const char *s, size_t len)
{
	size_t i = 0, d;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0') {
		i++;
	} else {
		for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	if (i < len && s[i] == '.') {
		for (d = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	return i == len;
}

static bool
put_json_value(struct tsm_writer *w, enum tsm_coltype t, const char *s,
    size_t len)
{
	switch (t) {
	case TSM_COL_NUMBER:
	case TSM_COL_NUMERIC:
		if (json_number(s, len))
			return put(w, s, len);
		break;
	case TSM_COL_BOOL:
		if ((len == 1 && s[0] == 't') || (len == 4 &&
		    memcmp(s, "true", 4) == 0))
			return put(w, "true", 4);
		if ((len == 1 && s[0] == 'f') || (len == 5 &&
		    memcmp(s, "false", 5) == 0))
			return put(w, "false", 5);
		break;
	case TSM_COL_JSON:
		return put(w, s, len);
	default:
		break;
	}
	return put_json_string(w, s, len);
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

/* Display width: UTF-8 characters, not bytes. */
static size_t
text_width(const char *s, size_t len)
{
	return tsm_utf8_chars((const unsigned char *)s, len);
}

/*
 * A table cell is one line: control characters are shown as escapes
 * (\n, \t, \r, \xNN), so that a value never breaks the grid.
 */
static bool
printable(struct tsm_writer *w, const char **s, size_t *len)
{
	static const char hex[] = "0123456789abcdef";
	const char *p = *s;
	size_t n = *len, o = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			break;
	if (i == n)
		return true;
	if (!reserve(&w->disp, &w->dispcap, 4 * n + 1))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x20 && c != 0x7f) {
			w->disp[o++] = (char)c;
			continue;
		}
		w->disp[o++] = '\\';
		if (c == '\n') {
			w->disp[o++] = 'n';
		} else if (c == '\t') {
			w->disp[o++] = 't';
		} else if (c == '\r') {
			w->disp[o++] = 'r';
		} else {
			w->disp[o++] = 'x';
			w->disp[o++] = hex[c >> 4];
			w->disp[o++] = hex[c & 15];
		}
	}
	*s = w->disp;
	*len = o;
	return true;
}

static bool
pad(struct tsm_writer *w, size_t n)
{
	static const char spaces[] = "                                ";

	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		if (!put(w, spaces, k))
			return false;
		n -= k;
	}
	return true;
}

static bool
right_aligned(enum tsm_coltype t)
{
	return t == TSM_COL_NUMBER || t == TSM_COL_NUMERIC;
}

/*
 * One table line: " a | b ".  The last column is not padded on the
 * right, so that no line ends in spaces.
 */
static bool
put_table_cell(struct tsm_writer *w, int i, const char *s, size_t len,
    int align)
{
	size_t tw = text_width(s, len), gap = 0, left = 0;

	if (tw < w->width[i] && (len > 0 || i + 1 < w->ncols))
		gap = w->width[i] - tw;
	if (align > 0)
		left = gap;
	else if (align == 0)
		left = gap / 2;
	/* No line ends in a space, even with an empty last cell. */
	if (i + 1 == w->ncols && len == 0)
		return i == 0 || put(w, " |", 2);
	if (!put(w, i == 0 ? " " : " | ", i == 0 ? 1 : 3) || !pad(w, left) ||
	    !put(w, s, len))
		return false;
	if (i + 1 < w->ncols)
		return pad(w, gap - left);
	return true;
}

static bool
put_table_header(struct tsm_writer *w)
{
	w->header_done = true;
	if (!w->header || w->ncols == 0)
		return true;
	for (int i = 0; i < w->ncols; i++)
		if (!put_table_cell(w, i, w->names[i], w->namelen[i], 0))
			return false;
	if (!putch(w, '\n'))
		return false;
	for (int i = 0; i < w->ncols; i++) {
		if (i > 0 && !putch(w, '+'))
			return false;
		for (size_t k = 0; k < w->width[i] + 2; k++)
			if (!putch(w, '-'))
				return false;
	}
	return putch(w, '\n');
}

/* Writes the held rows with the widths they give, then streams. */
static bool
flush_held(struct tsm_writer *w)
{
	const char *p = w->hold;

	w->streaming = true;
	if (w->header)
		for (int i = 0; i < w->ncols; i++)
			if (w->width[i] < text_width(w->names[i], w->namelen[i]))
				w->width[i] = text_width(w->names[i], w->namelen[i]);
	if (!put_table_header(w))
		return false;
	for (int r = 0; r < w->nheld; r++) {
		for (int i = 0; i < w->ncols; i++) {
			size_t len;

			memcpy(&len, p, sizeof(len));
			if (!put_table_cell(w, i, p + sizeof(len), len,
			    right_aligned(w->types[i]) ? 1 : -1))
				return false;
			p += sizeof(len) + len;
		}
		if (!putch(w, '\n'))
			return false;
	}
	free(w->hold);
	w->hold = NULL;
	w->holdlen = w->holdcap = 0;
	w->nheld = 0;
	return true;
}

static bool
table_row(struct tsm_writer *w, const char *const *vals, const size_t *lens)
{
	for (int i = 0; i < w->ncols; i++) {
		const char *s = vals[i];
		size_t len = 0;

		if (s != NULL) {
			len = lens ? lens[i] : strlen(s);
			if (!convert(w, w->types[i], &s, &len) ||
			    !printable(w, &s, &len))
				return false;
		} else {
			s = "";
		}
		if (w->streaming) {
			if (!put_table_cell(w, i, s, len,
			    right_aligned(w->types[i]) ? 1 : -1))
				return false;
			continue;
		}
		if (!reserve(&w->hold, &w->holdcap,
		    w->holdlen + sizeof(len) + len))
			return false;
		memcpy(w->hold + w->holdlen, &len, sizeof(len));
		if (len > 0)
			memcpy(w->hold + w->holdlen + sizeof(len), s, len);
		w->holdlen += sizeof(len) + len;
		if (text_width(s, len) > w->width[i])
			w->width[i] = text_width(s, len);
	}
	if (w->streaming)
		return putch(w, '\n');
	if (++w->nheld == TABLE_HOLD)
		return flush_held(w);
	return true;
}

static bool
json_row(struct tsm_writer *w, const char *const *vals, const size_t *lens)
{
	for (int i = 0; i < w->ncols; i++) {
		const char *s = vals[i];
		size_t len;

		if (!putch(w, i == 0 ? '{' : ',') ||
		    !put_json_string(w, w->names[i], w->namelen[i]) ||
		    !putch(w, ':'))
			return false;
		if (s == NULL) {
			if (!put(w, "null", 4))
				return false;
			continue;
		}
		len = lens ? lens[i] : strlen(s);
		if (!convert(w, w->types[i], &s, &len) ||
		    !put_json_value(w, w->types[i], s, len))
			return false;
	}
	if (w->ncols == 0 && !putch(w, '{'))
		return false;
	return put(w, "}\n", 2);
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
			if (!convert(w, w->types[i], &s, &len))
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
		ok = table_row(w, vals, lens);
		break;
	case TSM_FMT_JSON:
		ok = json_row(w, vals, lens);
		break;
	}
	if (ok)
		w->rows++;
	return ok;
}

static bool
end_output(struct tsm_writer *w)
{
	char foot[64];

	if (w->failed)
		return false;
	switch (w->fmt) {
	case TSM_FMT_CSV:
	case TSM_FMT_TSV:
		if (!w->header_done && !write_header(w))
			return false;
		break;
	case TSM_FMT_TABLE:
		if (!w->streaming && !flush_held(w))
			return false;
		if (w->header) {
			snprintf(foot, sizeof(foot), "(%llu row%s)\n", w->rows,
			    w->rows == 1 ? "" : "s");
			if (!put(w, foot, strlen(foot)))
				return false;
		}
		break;
	case TSM_FMT_JSON:
		break;
	}
	if (!flush_buf(w))
		return false;
	errno = 0;
	if (fflush(w->f) != 0 || ferror(w->f)) {
		write_error(w);
		return false;
	}
	return true;
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
