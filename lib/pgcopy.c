/*
 * pgcopy.c: the growable buffer behind binary COPY rows.
 */
#include <stdlib.h>

#include "pgcopy.h"

const unsigned char tsm_copy_header[TSM_COPY_HEADER_LEN] = {
	'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', '\0',
	0, 0, 0, 0,		/* flags: no OIDs */
	0, 0, 0, 0		/* no header extension */
};

const unsigned char tsm_copy_trailer[2] = { 0xff, 0xff };

bool
tsm_copybuf_reserve(struct tsm_copybuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;
	unsigned char *p;

	if (b->oom)
		return false;
	if (b->len + n <= b->cap)
		return true;
	while (cap < b->len + n)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void
tsm_copybuf_free(struct tsm_copybuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}
