/*
 * pgcopy.h: rows in PostgreSQL's binary COPY format, built in memory.
 *
 * The binary format spares the server the parsing of every number and
 * time as text (float8in and timestamptz_in are most of what a text COPY
 * of candles costs it): a row is a 16-bit field count, then each field as
 * a 32-bit length (-1 for NULL) and its bytes, big-endian.  Times are
 * microseconds since 2000-01-01 UTC, dates days since then; the server
 * must use integer datetimes, as every release since 10 does.
 *
 * A buffer is a growable byte array; the appenders never fail, they set
 * the buffer's oom flag, which the owner checks once per row.  It is not
 * strbuf.h's text buffer: rows are appended field by field, millions of
 * times, so its appender is inline.
 */
#ifndef TSM_PGCOPY_H
#define TSM_PGCOPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct tsm_copybuf {
	unsigned char *data;
	size_t len;
	size_t cap;
	bool oom;		/* a growth failed: the content is incomplete */
};

/* Microseconds and days from 1970-01-01 to 2000-01-01, PostgreSQL's epoch. */
#define TSM_PG_EPOCH_USECS INT64_C(946684800000000)
#define TSM_PG_EPOCH_DAYS 10957

/* Makes room for n more bytes; false (and oom set) when memory is short. */
bool tsm_copybuf_reserve(struct tsm_copybuf *b, size_t n);

/* Empties the buffer, keeping its memory. */
static inline void
tsm_copybuf_clear(struct tsm_copybuf *b)
{
	b->len = 0;
	b->oom = false;
}

/* Frees the memory of the buffer and empties it. */
void tsm_copybuf_free(struct tsm_copybuf *b);

static inline void
tsm_copybuf_add(struct tsm_copybuf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->len + n > b->cap && !tsm_copybuf_reserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static inline void
tsm_put_be16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static inline void
tsm_put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static inline void
tsm_put_be64(unsigned char *p, uint64_t v)
{
	tsm_put_be32(p, (uint32_t)(v >> 32));
	tsm_put_be32(p + 4, (uint32_t)v);
}

static inline uint32_t
tsm_get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint16_t
tsm_get_be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The 19-byte header that starts a binary COPY stream. */
#define TSM_COPY_HEADER_LEN 19
extern const unsigned char tsm_copy_header[TSM_COPY_HEADER_LEN];

/* The 2-byte trailer (a field count of -1) that ends it. */
extern const unsigned char tsm_copy_trailer[2];

/* Starts a row of n fields. */
static inline void
tsm_copy_row(struct tsm_copybuf *b, int n)
{
	unsigned char p[2];

	tsm_put_be16(p, (uint16_t)n);
	tsm_copybuf_add(b, p, 2);
}

static inline void
tsm_copy_null(struct tsm_copybuf *b)
{
	static const unsigned char minus1[4] = { 0xff, 0xff, 0xff, 0xff };

	tsm_copybuf_add(b, minus1, 4);
}

static inline void
tsm_copy_int4(struct tsm_copybuf *b, int32_t v)
{
	unsigned char p[8];

	tsm_put_be32(p, 4);
	tsm_put_be32(p + 4, (uint32_t)v);
	tsm_copybuf_add(b, p, 8);
}

static inline void
tsm_copy_int8(struct tsm_copybuf *b, int64_t v)
{
	unsigned char p[12];

	tsm_put_be32(p, 8);
	tsm_put_be64(p + 4, (uint64_t)v);
	tsm_copybuf_add(b, p, 12);
}

static inline void
tsm_copy_float8(struct tsm_copybuf *b, double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	tsm_copy_int8(b, (int64_t)u);
}

/* A timestamptz from microseconds since 1970-01-01 UTC. */
static inline void
tsm_copy_time(struct tsm_copybuf *b, int64_t unix_usecs)
{
	tsm_copy_int8(b, unix_usecs - TSM_PG_EPOCH_USECS);
}

/* A date from days since 1970-01-01. */
static inline void
tsm_copy_date(struct tsm_copybuf *b, int64_t unix_days)
{
	tsm_copy_int4(b, (int32_t)(unix_days - TSM_PG_EPOCH_DAYS));
}

static inline void
tsm_copy_bool(struct tsm_copybuf *b, bool v)
{
	unsigned char p[5] = { 0, 0, 0, 1, v ? 1 : 0 };

	tsm_copybuf_add(b, p, 5);
}

/* Text, which must be valid in the connection's encoding (UTF-8). */
static inline void
tsm_copy_text(struct tsm_copybuf *b, const char *s, size_t len)
{
	unsigned char p[4];

	tsm_put_be32(p, (uint32_t)len);
	tsm_copybuf_add(b, p, 4);
	tsm_copybuf_add(b, s, len);
}

#endif
