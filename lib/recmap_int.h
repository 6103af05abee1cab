/*
 * recmap_int.h: what the parts of recmap share: a value as found, where it
 * came from, and the state of one record's conversion.  Private to
 * recmap.c and recvalue.c.
 */
#ifndef TSM_RECMAP_INT_H
#define TSM_RECMAP_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "recmap.h"

/* A value as found: JSON, or text (a mapped value, a key, a default). */
struct val {
	const json_t *j;	/* NULL for text */
	const char *s;		/* the text, when the value is a string */
	size_t n;
};

/* Where a field's value came from. */
struct found {
	bool present;
	struct val v;
	const char *alias;		/* the record's key it was read from */
	const struct tsm_jpath *map;	/* or its --map path */
	const char *how;		/* or "@key", "default" */
};

/* State of one record's conversion. */
struct conv {
	const struct tsm_recmap *m;
	const struct tsm_json_rec *r;
	const struct tsm_json_numbers *nums;
	struct tsm_row *row;
	struct tsm_problems *pr;
	struct tsm_buf path, got;
	bool ok;
	int64_t times[TSM_NFIELDS];
	double num[TSM_NFIELDS];
};

/* Reports a problem at path: "FILE: PATH: what", a hint once. */
void tsm_rec_problem(struct tsm_problems *pr, const char *path,
    const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reports a problem with a field's value at its path. */
void tsm_rec_bad_value(struct conv *c, const struct found *fd,
    const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes the path of a field's value into b: $[3].price. */
void tsm_rec_value_path(struct tsm_buf *b, const struct tsm_json_rec *r,
    const struct found *fd);

/* Describes a value for "got ...". */
void tsm_rec_describe(struct tsm_buf *b, const struct val *v,
    const struct tsm_json_numbers *nums);

/* The text a value map compares (buf holds TSM_NUM_BUFSZ bytes). */
const char *tsm_rec_map_text(const struct val *v,
    const struct tsm_json_numbers *nums, char *buf, size_t *len);

/* Applies the value maps of field f (or of its source key) to fd. */
void tsm_rec_apply_value_maps(const struct tsm_recmap *m, int f,
    struct found *fd, const struct tsm_json_numbers *nums);

/* Stores text as field f of the row. */
void tsm_rec_put_field(struct tsm_row *row, int f, const char *s, size_t n);

/* Case-insensitive equality of s[0..n) and a lowercase word. */
bool tsm_rec_word_is(const char *s, size_t n, const char *w);

/* Converts a field's value by its type into the row, or reports. */
void tsm_rec_convert(struct conv *c, int f, const struct found *fd);

/* Reports a required field that no alias found. */
void tsm_rec_missing(struct conv *c, int f);

#endif
