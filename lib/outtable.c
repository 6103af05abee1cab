/*
 * outtable.c: psql's aligned table format, for out.c.
 *
 * The first TSM_OUT_TABLE_HOLD rows are held to size the columns; then
 * the table streams, and a cell that no longer fits widens only itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "out_int.h"
#include "utf8.h"

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
	if (!tsm_out_reserve(&w->disp, &w->dispcap, 4 * n + 1))
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
bool
tsm_out_table_flush(struct tsm_writer *w)
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

bool
tsm_out_table_row(struct tsm_writer *w, const char *const *vals,
    const size_t *lens)
{
	for (int i = 0; i < w->ncols; i++) {
		const char *s = vals[i];
		size_t len = 0;

		if (s != NULL) {
			len = lens ? lens[i] : strlen(s);
			if (!tsm_out_convert(w, w->types[i], &s, &len) ||
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
		if (!tsm_out_reserve(&w->hold, &w->holdcap,
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
	if (++w->nheld == TSM_OUT_TABLE_HOLD)
		return tsm_out_table_flush(w);
	return true;
}

/* Writes the held rows, if still held, and the "(N rows)" footer. */
bool
tsm_out_table_end(struct tsm_writer *w)
{
	char foot[64];

	if (!w->streaming && !tsm_out_table_flush(w))
		return false;
	if (!w->header)
		return true;
	snprintf(foot, sizeof(foot), "(%llu row%s)\n", w->rows,
	    w->rows == 1 ? "" : "s");
	return put(w, foot, strlen(foot));
}
