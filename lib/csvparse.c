/*
 * csvparse.c: splitting CSV records with libcsv, for csvin.c.
 *
 * CSV is fed to libcsv one line at a time, so that a record always ends
 * on the last byte fed and its first line and its raw bytes are known
 * exactly, quoted newlines included.  libcsv runs in strict mode: a stray
 * quote is an error with its line and column, not a quoted field that
 * silently swallows the rest of the file.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "csvin.h"
#include "csvin_int.h"
#include "log.h"

/* libcsv's field callback: the field is copied, for libcsv reuses its own. */
static void
on_field(void *s, size_t len, void *data)
{
	struct tsm_csv_reader *r = data;
	struct tsm_field *f;

	if (r->nomem)
		return;
	if ((r->nfields == r->fcap && !tsm_csvin_field_slot(r)) ||
	    (r->fdlen + len + 1 > r->fdcap &&
	    !tsm_csvin_grow(&r->fdata, &r->fdcap, r->fdlen + len + 1, 1))) {
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

bool
tsm_csvin_csv_init(struct tsm_csv_reader *r)
{
	if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI |
	    CSV_APPEND_NULL) != 0)
		return false;
	csv_set_blk_size(&r->parser, 4096);
	return true;
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
	s = tsm_csvin_raw_so_far(r, at, &len);
	tsm_csvin_where(r, r->line, tsm_csvin_column_at(s, len), w, sizeof(w));
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
int
tsm_csvin_csv_step(struct tsm_csv_reader *r)
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
		if (tsm_csvin_over_limit(r)) {
			tsm_csvin_too_long(r);
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
	if (tsm_csvin_over_limit(r)) {
		tsm_csvin_too_long(r);
		return -1;
	}
	if (!r->rec_done)
		return 0;
	if (stop[-1] == '\r')
		r->after_cr = true;
	return 1;
}

/*
 * Marks the quoted fields of a CSV record.  libcsv does not tell, so the
 * raw bytes are walked with the same rules; strict mode has already
 * refused anything they would not cover.
 */
void
tsm_csvin_csv_mark_quoted(struct tsm_csv_reader *r, const unsigned char *s,
    size_t len)
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

/*
 * The end of the input inside a CSV record: a quoted field may still be
 * open.  Returns 1 when a record is complete, 0 when there is none (the
 * input ended in blanks libcsv skipped), -1 after an error.
 */
int
tsm_csvin_csv_end(struct tsm_csv_reader *r)
{
	if (csv_fini(&r->parser, on_field, on_record, r) != 0) {
		char w[512];

		tsm_csvin_where(r, r->rec_line, 0, w, sizeof(w));
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
	return 1;
}
