/*
 * csvin.c: CSV and TSV records with line numbers: the reader.
 *
 * Input is read in 64 KiB chunks.  A record that lies inside one chunk is
 * handed out where it lies (raw points into the chunk); only a record that
 * straddles a chunk boundary is copied aside.  This file frames records
 * (byte-order mark, blank lines, chunks, limits, UTF-8) and reports where
 * things went wrong; csvparse.c splits a CSV record with libcsv and
 * tsvin.c a TSV one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "csvin_int.h"
#include "log.h"
#include "utf8.h"

static const char *
input_name(const struct tsm_csv_reader *r)
{
	return tsm_input_name(r->in);
}

/*
 * The "where" prefix of every message: "\"x.csv\" line 7" and, when
 * known, ", column 12".  Standard input is named without quotes.
 */
void
tsm_csvin_where(const struct tsm_csv_reader *r, uint64_t line, size_t col,
    char *buf, size_t size)
{
	const char *name = input_name(r);
	const char *q = strcmp(name, "stdin") == 0 ? "" : "\"";
	int n;

	n = snprintf(buf, size, "%s%s%s line %llu", q, name, q,
	    (unsigned long long)line);
	if (col > 0 && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ", column %zu", col);
}

bool
tsm_csvin_grow(void *pp, size_t *cap, size_t need, size_t elem)
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
	if (!tsm_csvin_grow(&r->rawbuf, &r->rawcap, r->rawlen + n, 1)) {
		tsm_error("out of memory");
		return false;
	}
	memcpy(r->rawbuf + r->rawlen, s, n);
	r->rawlen += n;
	return true;
}

/* Makes room for one more field; false when memory is short. */
bool
tsm_csvin_field_slot(struct tsm_csv_reader *r)
{
	size_t cap;

	if (r->nfields < r->fcap)
		return true;
	cap = (size_t)r->fcap;
	if (!tsm_csvin_grow(&r->fields, &cap, (size_t)r->nfields + 1,
	    sizeof(*r->fields)))
		return false;
	cap = (size_t)r->fcap;
	if (!tsm_csvin_grow(&r->foff, &cap, (size_t)r->nfields + 1,
	    sizeof(*r->foff)))
		return false;
	r->fcap = (int)cap;
	return true;
}

struct tsm_csv_reader *
tsm_csv_open(struct tsm_input *in, bool tsv, size_t max_record_bytes)
{
	struct tsm_csv_reader *r;

	r = calloc(1, sizeof(*r));
	if (r == NULL || (r->buf = malloc(TSM_CSVIN_CHUNK)) == NULL) {
		free(r);
		tsm_error("out of memory");
		return NULL;
	}
	r->in = in;
	r->tsv = tsv;
	r->max_bytes = max_record_bytes ? max_record_bytes :
	    TSM_CSVIN_DEFAULT_MAX;
	r->line = 1;
	if (!tsm_csvin_csv_init(r)) {
		free(r->buf);
		free(r);
		tsm_error("out of memory");
		return NULL;
	}
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
 * blank line, whose fate is not known yet, is moved to the front, or,
 * when it fills the chunk, saved in rawbuf: the line may yet prove a
 * record whose first bytes these are (spaces are data in TSV).  Returns
 * the bytes read, 0 at the end, -1 after an error.
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
		if (r->blen == TSM_CSVIN_CHUNK) {
			/* rawbuf still holds the last record's bytes. */
			if (!r->blank_saved)
				r->rawlen = 0;
			if (r->rawlen + r->blen > r->max_bytes + 2)
				r->blank_over = true;
			else if (!raw_append(r, r->buf, r->blen))
				return -1;
			r->blank_saved = true;
			r->blen = 0;
		}
	} else {
		r->bpos = r->blen = 0;
	}
	n = tsm_input_read(r->in, r->buf + r->blen, TSM_CSVIN_CHUNK - r->blen);
	if (n > 0)
		r->blen += (size_t)n;
	return n;
}

/*
 * Skips a byte-order mark.  A UTF-16 one means a file that would fail on
 * every line, so it is refused at once with the way out.  Returns 1, 0
 * when a read gave up at its deadline (try again), -1 after an error.
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
		    TSM_CSVIN_CHUNK - r->blen);
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

		tsm_csvin_where(r, 1, 0, w, sizeof(w));
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
			if (r->blank_saved) {
				/* A long blank line after all. */
				r->rawlen = 0;
				r->blank_saved = r->blank_over = false;
			}
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

			tsm_csvin_where(r, r->line, 0, w, sizeof(w));
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

/*
 * Starts a record at bpos.  Blanks saved from the start of its line stay
 * in rawbuf as its first bytes; libcsv is not fed them, since it trims
 * blanks before a field anyway, but a carriage return among them is the
 * lone CR it would end a line on.  False after reporting an error.
 */
static bool
begin_record(struct tsm_csv_reader *r)
{
	r->rec_open = true;
	r->rec_done = false;
	r->rec_line = r->line;
	r->quote_line = r->line;
	r->rec_start = r->bpos;
	r->nfields = 0;
	r->fdlen = 0;
	if (!r->blank_saved) {
		r->rawlen = 0;
		return true;
	}
	r->blank_saved = false;
	if (r->blank_over) {
		r->blank_over = false;
		return tsm_csvin_too_long(r);
	}
	if (!r->tsv && memchr(r->rawbuf, '\r', r->rawlen) != NULL) {
		char w[512];

		tsm_csvin_where(r, r->line, 0, w, sizeof(w));
		tsm_error("%s: a carriage return that is not followed by a line "
		    "feed ends a line", w);
		return false;
	}
	return true;
}

/* The record so far, contiguous in rawbuf (for messages). */
const unsigned char *
tsm_csvin_raw_so_far(struct tsm_csv_reader *r, size_t upto, size_t *len)
{
	if (raw_append(r, r->buf + r->rec_start, upto - r->rec_start))
		r->rec_start = upto;
	*len = r->rawlen;
	return r->rawbuf;
}

/* The column of s[len]: characters since the last line start, from 1. */
size_t
tsm_csvin_column_at(const unsigned char *s, size_t len)
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
bool
tsm_csvin_over_limit(const struct tsm_csv_reader *r)
{
	size_t n = r->rawlen + (r->bpos - r->rec_start);

	return n > r->max_bytes && n - r->max_bytes > 2;
}

bool
tsm_csvin_too_long(struct tsm_csv_reader *r)
{
	char w[512];

	tsm_csvin_where(r, r->rec_line, 0, w, sizeof(w));
	tsm_error("%s: a record is longer than %zu bytes", w, r->max_bytes);
	if (!r->tsv)
		tsm_hint("a quoted field may lack its closing quote");
	return false;
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
	tsm_csvin_where(r, line, tsm_csvin_column_at(s, at), w, sizeof(w));
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
		return tsm_csvin_too_long(r);
	bad = tsm_utf8_check(raw, len);
	if (bad != len) {
		utf8_error(r, raw, bad);
		return false;
	}
	if (r->tsv) {
		r->nfields = 0;
		if (!tsm_csvin_tsv_fields(r, raw, len))
			return false;
	} else if (memchr(raw, '"', len) != NULL) {
		tsm_csvin_csv_mark_quoted(r, raw, len);
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
		int k = tsm_csvin_csv_end(r);

		if (k <= 0)
			return k;
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
			if (!begin_record(r))
				goto fail;
		}
		k = r->tsv ? tsm_csvin_tsv_step(r) : tsm_csvin_csv_step(r);
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
