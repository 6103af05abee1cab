/*
 * csvin.c: CSV (on libcsv) and TSV records with line numbers.
 *
 * Input is read in 64 KiB chunks.  A record that lies inside one chunk is
 * handed out where it lies (raw points into the chunk); only a record that
 * straddles a chunk boundary is copied aside.  CSV is fed to libcsv one
 * line at a time, so that a record always ends on the last byte fed and
 * its first line and its raw bytes are known exactly, quoted newlines
 * included.  TSV needs no library: a line is a record.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "csvin.h"
#include "log.h"
#include "utf8.h"

#define CHUNK_SIZE	(64 * 1024)
#define DEFAULT_MAX	((size_t)64 * 1024 * 1024)

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

static const char *
input_name(const struct tsm_csv_reader *r)
{
	return tsm_input_name(r->in);
}

/*
 * The "where" prefix of every message: "\"x.csv\" line 7" and, when
 * known, ", column 12".  Standard input is named without quotes.
 */
static void
where(const struct tsm_csv_reader *r, uint64_t line, size_t col, char *buf,
    size_t size)
{
	const char *name = input_name(r);
	const char *q = strcmp(name, "stdin") == 0 ? "" : "\"";
	int n;

	n = snprintf(buf, size, "%s%s%s line %llu", q, name, q,
	    (unsigned long long)line);
	if (col > 0 && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ", column %zu", col);
}

static bool
grow(void *pp, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 256;
	void *p;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*(void **)pp, ncap * elem);
	if (p == NULL)
		return false;
	*(void **)pp = p;
	*cap = ncap;
	return true;
}

static bool
raw_append(struct tsm_csv_reader *r, const unsigned char *s, size_t n)
{
	if (n == 0)
		return true;
	if (!grow(&r->rawbuf, &r->rawcap, r->rawlen + n, 1)) {
		tsm_error("out of memory");
		return false;
	}
	memcpy(r->rawbuf + r->rawlen, s, n);
	r->rawlen += n;
	return true;
}

/* Makes room for one more field; false when memory is short. */
static bool
field_slot(struct tsm_csv_reader *r)
{
	size_t cap;

	if (r->nfields < r->fcap)
		return true;
	cap = (size_t)r->fcap;
	if (!grow(&r->fields, &cap, (size_t)r->nfields + 1,
	    sizeof(*r->fields)))
		return false;
	cap = (size_t)r->fcap;
	if (!grow(&r->foff, &cap, (size_t)r->nfields + 1, sizeof(*r->foff)))
		return false;
	r->fcap = (int)cap;
	return true;
}

/* libcsv's field callback: the field is copied, for libcsv reuses its own. */
static void
on_field(void *s, size_t len, void *data)
{
	struct tsm_csv_reader *r = data;
	struct tsm_field *f;

	if (r->nomem)
		return;
	if ((r->nfields == r->fcap && !field_slot(r)) ||
	    (r->fdlen + len + 1 > r->fdcap &&
	    !grow(&r->fdata, &r->fdcap, r->fdlen + len + 1, 1))) {
		r->nomem = true;
		return;
	}
	f = &r->fields[r->nfields];
	r->foff[r->nfields++] = r->fdlen;
	f->len = len;
	f->quoted = false;
	f->null = false;
	if (len > 0)
		memcpy(r->fdata + r->fdlen, s, len);
	r->fdata[r->fdlen + len] = '\0';
	r->fdlen += len + 1;
	/* A field ends on a delimiter; the next one starts on this line. */
	r->quote_line = r->line;
}

static void
on_record(int c, void *data)
{
	struct tsm_csv_reader *r = data;

	(void)c;
	r->rec_done = true;
}

struct tsm_csv_reader *
tsm_csv_open(struct tsm_input *in, bool tsv, size_t max_record_bytes)
{
	struct tsm_csv_reader *r;

	r = calloc(1, sizeof(*r));
	if (r == NULL || (r->buf = malloc(CHUNK_SIZE)) == NULL) {
		free(r);
		tsm_error("out of memory");
		return NULL;
	}
	r->in = in;
	r->tsv = tsv;
	r->max_bytes = max_record_bytes ? max_record_bytes : DEFAULT_MAX;
	r->line = 1;
	/*
	 * Strict: a stray quote is an error with its line and column, not a
	 * quoted field that silently swallows the rest of the file.
	 */
	if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI |
	    CSV_APPEND_NULL) != 0) {
		free(r->buf);
		free(r);
		tsm_error("out of memory");
		return NULL;
	}
	csv_set_blk_size(&r->parser, 4096);
	return r;
}

void
tsm_csv_close(struct tsm_csv_reader *r)
{
	if (r == NULL)
		return;
	csv_free(&r->parser);
	free(r->buf);
	free(r->rawbuf);
	free(r->fields);
	free(r->foff);
	free(r->fdata);
	free(r);
}

/*
 * Reads more input.  The unfinished record is saved first; a partial
 * blank line, whose fate is not known yet, is moved to the front.
 * Returns the bytes read, 0 at the end, -1 after an error.
 */
static ssize_t
refill(struct tsm_csv_reader *r)
{
	ssize_t n;

	if (r->rec_open) {
		if (!raw_append(r, r->buf + r->rec_start, r->blen - r->rec_start))
			return -1;
		r->rec_start = r->bpos = r->blen = 0;
	} else if (r->bpos < r->blen) {
		memmove(r->buf, r->buf + r->bpos, r->blen - r->bpos);
		r->blen -= r->bpos;
		r->bpos = 0;
		if (r->blen == CHUNK_SIZE)
			r->blen = 0;	/* 64 KiB of spaces: drop them */
	} else {
		r->bpos = r->blen = 0;
	}
	n = tsm_input_read(r->in, r->buf + r->blen, CHUNK_SIZE - r->blen);
	if (n > 0)
		r->blen += (size_t)n;
	return n;
}

/*
 * Skips a byte-order mark.  A UTF-16 one means a file that would fail on
 * every line, so it is refused at once with the way out.
 */
static int
start(struct tsm_csv_reader *r)
{
	static const unsigned char bom[3] = {0xef, 0xbb, 0xbf};
	ssize_t n;

	for (;;) {
		if (r->blen >= 3 || (r->blen > 0 &&
		    memcmp(r->buf, bom, r->blen) != 0))
			break;
		n = tsm_input_read(r->in, r->buf + r->blen,
		    CHUNK_SIZE - r->blen);
		if (n < 0)
			return tsm_input_timed_out(r->in) ? 0 : -1;
		if (n == 0)
			break;
		r->blen += (size_t)n;
	}
	r->started = true;
	if (r->blen >= 3 && memcmp(r->buf, bom, 3) == 0) {
		r->bpos = 3;
	} else if (r->blen >= 2 && ((r->buf[0] == 0xff && r->buf[1] == 0xfe) ||
	    (r->buf[0] == 0xfe && r->buf[1] == 0xff))) {
		char w[512];

		where(r, 1, 0, w, sizeof(w));
		tsm_error("%s: the input is UTF-16, not UTF-8", w);
		tsm_hint("convert it first: iconv -f UTF-16 -t UTF-8");
		return -1;
	}
	return 1;
}

/*
 * Skips blank lines (spaces, tabs in CSV, CRs), counting them.  Returns 1
 * with bpos at the start of the line where a record begins, 0 when more
 * input is needed to tell, -1 after an error.
 */
static int
skip_blank(struct tsm_csv_reader *r)
{
	const unsigned char *p = r->buf + r->bpos, *end = r->buf + r->blen;
	const unsigned char *ls = p;

	while (p < end) {
		switch (*p) {
		case '\n':
			r->line++;
			r->after_cr = false;
			ls = ++p;
			continue;
		case '\t':
			if (r->tsv)
				break;
			/* FALLTHROUGH */
		case ' ':
		case '\r':
			p++;
			continue;
		}
		if (r->after_cr) {
			char w[512];

			where(r, r->line, 0, w, sizeof(w));
			tsm_error("%s: a carriage return that is not followed by "
			    "a line feed ends a line", w);
			tsm_hint("lines must end with LF or CRLF; convert old Mac "
			    "line ends with tr '\\r' '\\n'");
			return -1;
		}
		r->bpos = (size_t)(ls - r->buf);
		return 1;
	}
	r->bpos = (size_t)(ls - r->buf);
	return 0;
}

static void
begin_record(struct tsm_csv_reader *r)
{
	r->rec_open = true;
	r->rec_done = false;
	r->rec_line = r->line;
	r->quote_line = r->line;
	r->rec_start = r->bpos;
	r->rawlen = 0;
	r->nfields = 0;
	r->fdlen = 0;
}

/* The record so far, contiguous in rawbuf (for messages). */
static const unsigned char *
raw_so_far(struct tsm_csv_reader *r, size_t upto, size_t *len)
{
	if (raw_append(r, r->buf + r->rec_start, upto - r->rec_start))
		r->rec_start = upto;
	*len = r->rawlen;
	return r->rawbuf;
}

/* The column of s[len]: characters since the last line start, from 1. */
static size_t
column_at(const unsigned char *s, size_t len)
{
	size_t i = len;

	while (i > 0 && s[i - 1] != '\n')
		i--;
	return tsm_utf8_chars(s + i, len - i) + 1;
}

/*
 * True once the record read so far is over the limit by more than a CRLF
 * (which finish_record strips before it checks the exact length).
 */
static bool
over_limit(const struct tsm_csv_reader *r)
{
	size_t n = r->rawlen + (r->bpos - r->rec_start);

	return n > r->max_bytes && n - r->max_bytes > 2;
}

static bool
too_long(struct tsm_csv_reader *r)
{
	char w[512];

	where(r, r->rec_line, 0, w, sizeof(w));
	tsm_error("%s: a record is longer than %zu bytes", w, r->max_bytes);
	if (!r->tsv)
		tsm_hint("a quoted field may lack its closing quote");
	return false;
}

/*
 * Reports libcsv's refusal of the byte at buf[at].  In strict mode that is
 * a quote in an unquoted field or text after a closing quote.
 */
static void
parse_error(struct tsm_csv_reader *r, size_t at)
{
	const unsigned char *s;
	size_t len;
	char w[512];

	if (csv_error(&r->parser) != CSV_EPARSE) {
		tsm_error("%s", csv_strerror(csv_error(&r->parser)));
		return;
	}
	s = raw_so_far(r, at, &len);
	where(r, r->line, column_at(s, len), w, sizeof(w));
	if (!r->parser.quoted) {
		tsm_error("%s: a quote inside an unquoted field", w);
		tsm_hint("quote the whole field and double the quote in it, "
		    "as in \"ab\"\"c\"");
	} else {
		tsm_error("%s: text after the closing quote of a field", w);
		tsm_hint("a quote inside a quoted field is written twice, "
		    "as in \"ab\"\"c\"");
	}
}

/*
 * A whole line that holds no quote and no lone CR is split here, without
 * libcsv: one memchr per field instead of a callback per byte, which was
 * a third of what a loader spent on a row.  Fields are cut at commas and
 * trimmed of spaces and tabs, as libcsv does with unquoted fields; a line
 * that needs more goes to libcsv.  Returns false when memory is short.
 */
static bool
split_plain(struct tsm_csv_reader *r, const unsigned char *s,
    const unsigned char *e)
{
	for (;;) {
		const unsigned char *c = memchr(s, ',', (size_t)(e - s));
		const unsigned char *fe = c ? c : e, *fs = s;

		while (fs < fe && (*fs == ' ' || *fs == '\t'))
			fs++;
		while (fe > fs && (fe[-1] == ' ' || fe[-1] == '\t'))
			fe--;
		on_field((void *)fs, (size_t)(fe - fs), r);
		if (r->nomem)
			return false;
		if (c == NULL)
			return true;
		s = c + 1;
	}
}

/*
 * Feeds libcsv up to the next line end, or up to a CR that is not the
 * one of a CRLF, so that a record can only end on the last byte fed.
 * Returns 1 when the record is complete, 0 if it goes on, -1 on error.
 */
static int
csv_step(struct tsm_csv_reader *r)
{
	const unsigned char *s = r->buf + r->bpos, *end = r->buf + r->blen;
	const unsigned char *nl, *stop, *crlim, *cr;
	size_t len, k;

	/* Nothing read yet since a read gave up (TSM_CSV_AGAIN). */
	if (s == end)
		return 0;
	nl = memchr(s, '\n', (size_t)(end - s));
	stop = nl ? nl + 1 : end;
	crlim = (nl != NULL && nl > s && nl[-1] == '\r') ? nl - 1 : stop;
	cr = memchr(s, '\r', (size_t)(crlim - s));
	if (nl != NULL && cr == NULL && r->bpos == r->rec_start &&
	    r->rawlen == 0 && memchr(s, '"', (size_t)(nl - s)) == NULL) {
		if (!split_plain(r, s, nl > s && nl[-1] == '\r' ? nl - 1 : nl)) {
			tsm_error("out of memory");
			return -1;
		}
		r->bpos += (size_t)(stop - s);
		r->line++;
		if (over_limit(r)) {
			too_long(r);
			return -1;
		}
		r->rec_done = true;
		return 1;
	}
	if (cr != NULL)
		stop = cr + 1;
	len = (size_t)(stop - s);
	k = csv_parse(&r->parser, s, len, on_field, on_record, r);
	if (r->nomem) {
		tsm_error("out of memory");
		return -1;
	}
	if (k != len) {
		parse_error(r, r->bpos + k);
		return -1;
	}
	r->bpos += len;
	if (stop[-1] == '\n')
		r->line++;
	if (over_limit(r)) {
		too_long(r);
		return -1;
	}
	if (!r->rec_done)
		return 0;
	if (stop[-1] == '\r')
		r->after_cr = true;
	return 1;
}

/*
 * TSV: a record ends at the next LF.  Returns 1 when the line is
 * complete, 0 if it goes on, -1 on error.
 */
static int
tsv_step(struct tsm_csv_reader *r)
{
	const unsigned char *s = r->buf + r->bpos, *nl;

	nl = memchr(s, '\n', r->blen - r->bpos);
	r->bpos = nl ? (size_t)(nl - r->buf) + 1 : r->blen;
	if (over_limit(r)) {
		too_long(r);
		return -1;
	}
	if (nl == NULL)
		return 0;
	r->line++;
	return 1;
}

/* Reports an invalid byte at s[at] of the record s that starts on line. */
static void
utf8_error(struct tsm_csv_reader *r, const unsigned char *s, size_t at)
{
	uint64_t line = r->rec_line;
	char w[512];

	for (size_t i = 0; i < at; i++)
		if (s[i] == '\n')
			line++;
	where(r, line, column_at(s, at), w, sizeof(w));
	if (s[at] == 0) {
		tsm_error("%s: a NUL byte", w);
		tsm_hint("text input cannot hold NUL bytes: is it binary, or "
		    "UTF-16?");
	} else {
		tsm_error("%s: invalid UTF-8 (byte 0x%02x)", w, s[at]);
		tsm_hint("the input may be in another encoding: convert it, "
		    "as in iconv -f LATIN1 -t UTF-8");
	}
}

/*
 * Marks the quoted fields of a CSV record.  libcsv does not tell, so the
 * raw bytes are walked with the same rules; strict mode has already
 * refused anything they would not cover.
 */
static void
mark_quoted(struct tsm_csv_reader *r, const unsigned char *s, size_t len)
{
	size_t i = 0;

	for (int f = 0; f < r->nfields && i <= len; f++, i++) {
		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i < len && s[i] == '"') {
			r->fields[f].quoted = true;
			for (i++; i < len; i++) {
				if (s[i] != '"')
					continue;
				if (i + 1 < len && s[i + 1] == '"')
					i++;
				else
					break;
			}
		}
		while (i < len && s[i] != ',')
			i++;
	}
}

/* Adds a decoded TSV field that starts at fdata[off]. */
static bool
tsv_add(struct tsm_csv_reader *r, size_t off, size_t len, bool null)
{
	if (!field_slot(r)) {
		tsm_error("out of memory");
		return false;
	}
	r->foff[r->nfields] = off;
	r->fields[r->nfields].len = len;
	r->fields[r->nfields].quoted = false;
	r->fields[r->nfields].null = null;
	r->nfields++;
	return true;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Splits and decodes a TSV line as PostgreSQL's COPY text format does:
 * \b \f \n \r \t \v, octal \ooo and hex \xhh; any other escaped
 * character stands for itself; a field that is exactly \N is NULL.
 */
static bool
tsv_fields(struct tsm_csv_reader *r, const unsigned char *s, size_t len)
{
	size_t i = 0, fstart = 0, rawstart = 0;
	unsigned char *o;
	bool high = false;

	/* A decoded line is never longer; each field adds one NUL. */
	if (!grow(&r->fdata, &r->fdcap, 2 * len + 2, 1)) {
		tsm_error("out of memory");
		return false;
	}
	o = (unsigned char *)r->fdata;
	for (;;) {
		unsigned char c;
		int v, d;

		if (i == len || s[i] == '\t') {
			size_t flen = (size_t)(o - (unsigned char *)r->fdata) -
			    fstart;
			bool null = i - rawstart == 2 && s[rawstart] == '\\' &&
			    s[rawstart + 1] == 'N';

			if (null)
				o = (unsigned char *)r->fdata + fstart, flen = 0;
			*o++ = '\0';
			if (high && tsm_utf8_check((unsigned char *)r->fdata + fstart,
			    flen) != flen) {
				char w[512];

				where(r, r->rec_line, column_at(s, rawstart), w,
				    sizeof(w));
				tsm_error("%s: the escapes in this field make invalid "
				    "UTF-8 or a NUL byte", w);
				return false;
			}
			if (!tsv_add(r, fstart, flen, null))
				return false;
			if (i == len)
				break;
			i++;
			rawstart = i;
			fstart = (size_t)(o - (unsigned char *)r->fdata);
			high = false;
			continue;
		}
		c = s[i++];
		if (c != '\\' || i == len) {
			*o++ = c;
			continue;
		}
		c = s[i++];
		switch (c) {
		case 'b': *o++ = '\b'; continue;
		case 'f': *o++ = '\f'; continue;
		case 'n': *o++ = '\n'; continue;
		case 'r': *o++ = '\r'; continue;
		case 't': *o++ = '\t'; continue;
		case 'v': *o++ = '\v'; continue;
		case '0': case '1': case '2': case '3':
		case '4': case '5': case '6': case '7':
			v = c - '0';
			for (d = 0; d < 2 && i < len && s[i] >= '0' && s[i] <= '7';
			    d++)
				v = v * 8 + (s[i++] - '0');
			break;
		case 'x':
			if (i == len || hexval(s[i]) < 0) {
				*o++ = c;
				continue;
			}
			v = hexval(s[i++]);
			if (i < len && hexval(s[i]) >= 0)
				v = v * 16 + hexval(s[i++]);
			break;
		default:
			*o++ = c;
			continue;
		}
		/* An octal or hex escape: any byte, checked with its field. */
		*o++ = (unsigned char)v;
		if (v == 0 || v >= 0x80)
			high = true;
	}
	r->fdlen = (size_t)(o - (unsigned char *)r->fdata);
	return true;
}

/*
 * Completes the record: raw bytes without the line end, UTF-8 checked,
 * fields decoded (TSV) or marked (CSV), pointers fixed.
 */
static bool
finish_record(struct tsm_csv_reader *r)
{
	const unsigned char *raw;
	size_t len, bad;

	if (r->rawlen > 0) {
		if (!raw_append(r, r->buf + r->rec_start, r->bpos - r->rec_start))
			return false;
		raw = r->rawbuf;
		len = r->rawlen;
	} else {
		raw = r->buf + r->rec_start;
		len = r->bpos - r->rec_start;
	}
	r->rec_open = false;
	r->rec.terminated = len > 0 && raw[len - 1] == '\n';
	if (len > 0 && raw[len - 1] == '\n')
		len--;
	if (len > 0 && raw[len - 1] == '\r')
		len--;
	if (len > r->max_bytes)
		return too_long(r);
	bad = tsm_utf8_check(raw, len);
	if (bad != len) {
		utf8_error(r, raw, bad);
		return false;
	}
	if (r->tsv) {
		r->nfields = 0;
		if (!tsv_fields(r, raw, len))
			return false;
	} else if (memchr(raw, '"', len) != NULL) {
		mark_quoted(r, raw, len);
	}
	for (int i = 0; i < r->nfields; i++)
		r->fields[i].s = r->fdata + r->foff[i];
	r->rec.nfields = r->nfields;
	r->rec.fields = r->fields;
	r->rec.line = r->rec_line;
	r->rec.raw = (const char *)raw;
	r->rec.rawlen = len;
	return true;
}

/*
 * The end of the input: the last record may lack its line end, and a
 * quoted field may still be open.  Returns 1, 0 or -1 as next_record.
 */
static int
finish_input(struct tsm_csv_reader *r)
{
	r->at_end = true;
	if (!r->rec_open)
		return 0;
	if (!r->tsv) {
		if (csv_fini(&r->parser, on_field, on_record, r) != 0) {
			char w[512];

			where(r, r->rec_line, 0, w, sizeof(w));
			tsm_error("%s: the file ends inside a quoted field that "
			    "starts on line %llu", w,
			    (unsigned long long)r->quote_line);
			tsm_hint("a quote may be missing, or a stray one left "
			    "in a field");
			return -1;
		}
		if (r->nomem) {
			tsm_error("out of memory");
			return -1;
		}
		if (!r->rec_done) {
			r->rec_open = false;
			return 0;
		}
	}
	return finish_record(r) ? 1 : -1;
}

/* Reads the next record; see csvin.h. */
int
tsm_csv_next_record(struct tsm_csv_reader *r, struct tsm_record **rec)
{
	ssize_t n;
	int k;

	if (r->failed)
		return -1;
	if (r->at_end)
		return 0;
	if (!r->started) {
		k = start(r);
		if (k == 0)
			return TSM_CSV_AGAIN;
		if (k < 0)
			goto fail;
	}
	for (;;) {
		if (!r->rec_open) {
			k = skip_blank(r);
			if (k < 0)
				goto fail;
			if (k == 0) {
				n = refill(r);
				if (n < 0 && tsm_input_timed_out(r->in))
					return TSM_CSV_AGAIN;
				if (n < 0)
					goto fail;
				if (n == 0) {
					r->at_end = true;
					return 0;
				}
				continue;
			}
			begin_record(r);
		}
		k = r->tsv ? tsv_step(r) : csv_step(r);
		if (k < 0)
			goto fail;
		if (k > 0) {
			if (!finish_record(r))
				goto fail;
			*rec = &r->rec;
			return 1;
		}
		if (r->bpos == r->blen) {
			n = refill(r);
			if (n < 0 && tsm_input_timed_out(r->in))
				return TSM_CSV_AGAIN;
			if (n < 0)
				goto fail;
			if (n == 0) {
				k = finish_input(r);
				if (k < 0)
					goto fail;
				if (k > 0)
					*rec = &r->rec;
				return k;
			}
		}
	}
fail:
	r->failed = true;
	return -1;
}
