/*
 * strbuf.h: a growing byte buffer for building text (COPY data, JSON,
 * paths).  An allocation failure is remembered rather than reported at
 * every call: appends after it do nothing, and tsm_buf_ok() reports it
 * once ("out of memory") and returns false.
 */
#ifndef TSM_STRBUF_H
#define TSM_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct tsm_buf {
	char *data;		/* NUL-terminated when len > 0 or after ok() */
	size_t len;
	size_t cap;
	bool failed;		/* an allocation failed */
};

#define TSM_BUF_INIT { NULL, 0, 0, false }

void tsm_buf_append(struct tsm_buf *b, const void *s, size_t n);
void tsm_buf_puts(struct tsm_buf *b, const char *s);
void tsm_buf_putc(struct tsm_buf *b, char c);
void tsm_buf_printf(struct tsm_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Makes room for n more bytes; false (and failed set) if it cannot. */
bool tsm_buf_reserve(struct tsm_buf *b, size_t n);

/* Empties the buffer and keeps its memory. */
void tsm_buf_reset(struct tsm_buf *b);

/* False, after reporting "out of memory", if an allocation failed. */
bool tsm_buf_ok(struct tsm_buf *b);

/* The text so far, NUL-terminated ("" when empty); owned by b. */
const char *tsm_buf_str(struct tsm_buf *b);

void tsm_buf_free(struct tsm_buf *b);

#endif
