/*
 * tsvin.c: TSV records, PostgreSQL's text format, for csvin.c.
 *
 * TSV needs no library: a line is a record, split at tabs, each field
 * decoded as COPY decodes it.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "csvin_int.h"
#include "log.h"
#include "utf8.h"

/*
 * TSV: a record ends at the next LF.  Returns 1 when the line is
 * complete, 0 if it goes on, -1 on error.
 */
int
tsm_csvin_tsv_step(struct tsm_csv_reader *r)
{
	const unsigned char *s = r->buf + r->bpos, *nl;

	nl = memchr(s, '\n', r->blen - r->bpos);
	r->bpos = nl ? (size_t)(nl - r->buf) + 1 : r->blen;
	if (tsm_csvin_over_limit(r)) {
		tsm_csvin_too_long(r);
		return -1;
	}
	if (nl == NULL)
		return 0;
	r->line++;
	return 1;
}

/* Adds a decoded TSV field that starts at fdata[off]. */
static bool
tsv_add(struct tsm_csv_reader *r, size_t off, size_t len, bool null)
{
	if (!tsm_csvin_field_slot(r)) {
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
bool
tsm_csvin_tsv_fields(struct tsm_csv_reader *r, const unsigned char *s,
    size_t len)
{
	size_t i = 0, fstart = 0, rawstart = 0;
	unsigned char *o;
	bool high = false;

	/* A decoded line is never longer; each field adds one NUL. */
	if (!tsm_csvin_grow(&r->fdata, &r->fdcap, 2 * len + 2, 1)) {
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

				tsm_csvin_where(r, r->rec_line,
				    tsm_csvin_column_at(s, rawstart), w, sizeof(w));
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
