/*
 * strbuf.c: a growing byte buffer.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "strbuf.h"

bool
tsm_buf_reserve(struct tsm_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return false;
	if (n > SIZE_MAX - b->len - 1) {
		b->failed = true;
		return false;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (p == NULL) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void
tsm_buf_append(struct tsm_buf *b, const void *s, size_t n)
{
	if (!tsm_buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
tsm_buf_puts(struct tsm_buf *b, const char *s)
{
	tsm_buf_append(b, s, strlen(s));
}

void
tsm_buf_putc(struct tsm_buf *b, char c)
{
	if (!tsm_buf_reserve(b, 1))
		return;
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void
tsm_buf_printf(struct tsm_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !tsm_buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
tsm_buf_reset(struct tsm_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

bool
tsm_buf_ok(struct tsm_buf *b)
{
	if (!b->failed)
		return true;
	tsm_error("out of memory");
	return false;
}

const char *
tsm_buf_str(struct tsm_buf *b)
{
	return b->data && !b->failed ? b->data : "";
}

void
tsm_buf_free(struct tsm_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}
