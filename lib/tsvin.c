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
#include "copytext.h"
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

/*
 * Splits and decodes a TSV line as PostgreSQL's COPY text format does: a
 * field ends at a tab that no backslash escapes; its escapes are undone
 * by tsm_copy_unescape; a field that is exactly \N is NULL.
 */
bool
tsm_csvin_tsv_fields(struct tsm_csv_reader *r, const unsigned char *s,
    size_t len)
{
	size_t i = 0, rawstart, fstart = 0, flen;
	bool any_byte;

	/* A decoded line is never longer; each field adds one NUL. */
	if (!tsm_csvin_grow(&r->fdata, &r->fdcap, 2 * len + 2, 1)) {
		tsm_error("out of memory");
		return false;
	}
	for (;;) {
		bool null;

		rawstart = i;
		while (i < len && s[i] != '\t')
			i += s[i] == '\\' && i + 1 < len ? 2 : 1;
		null = i - rawstart == 2 && s[rawstart] == '\\' &&
		    s[rawstart + 1] == 'N';
		flen = null ? 0 : tsm_copy_unescape((const char *)s + rawstart,
		    i - rawstart, r->fdata + fstart, &any_byte);
		r->fdata[fstart + flen] = '\0';
		if (!null && any_byte && tsm_utf8_check((unsigned char *)
		    r->fdata + fstart, flen) != flen) {
			char w[512];

			tsm_csvin_where(r, r->rec_line,
			    tsm_csvin_column_at(s, rawstart), w, sizeof(w));
			tsm_error("%s: the escapes in this field make invalid "
			    "UTF-8 or a NUL byte", w);
			return false;
		}
		if (!tsv_add(r, fstart, flen, null))
			return false;
		fstart += flen + 1;
		if (i == len)
			break;
		i++;
	}
	r->fdlen = fstart;
	return true;
}
