/*
 * jsonout.h: writing JSON values compactly, numbers in their shortest
 * exact form.
 *
 * jansson's own json_dumps writes reals with 17 digits (0.1 becomes
 * 0.10000000000000001); the extra column of a migrated row and the keys
 * that identify a record want the form the file itself used, which is
 * the shortest one for every file written by Python or JavaScript.
 */
#ifndef TSM_JSONOUT_H
#define TSM_JSONOUT_H

#include <stdbool.h>
#include <jansson.h>

#include "jsonnum.h"
#include "sha256.h"
#include "strbuf.h"

/*
 * Appends v as compact JSON, keys in the file's order, strings as UTF-8
 * with only the escapes JSON requires, numbers as the file wrote them
 * when nums knows them (nums may be NULL).
 */
void tsm_json_write(struct tsm_buf *b, const json_t *v,
    const struct tsm_json_numbers *nums);

/*
 * Feeds a canonical form of v to h: object keys in byte order, numbers
 * by type and value; two documents that differ only in the order of
 * keys or in white space hash the same.
 */
void tsm_json_hash(struct tsm_sha256 *h, const json_t *v);

/* Appends s[0..n) as a JSON string literal, quotes included. */
void tsm_json_write_string(struct tsm_buf *b, const char *s, size_t n);

/*
 * Appends a short description of v for messages: a string quoted and cut
 * after 40 characters ("\"abc\""), a number or literal as written, "an
 * object", "a list".
 */
void tsm_json_describe(struct tsm_buf *b, const json_t *v,
    const struct tsm_json_numbers *nums);

#endif
