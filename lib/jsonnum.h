/*
 * jsonnum.h: the numbers of a JSON document as the file wrote them.
 *
 * jansson keeps a number only as a double or an integer.  Money kept as
 * numeric should be what the file said, digit for digit (0.1 is not
 * 0.1000000000000000055511151231257827), and writing a double in its
 * shortest form costs more than parsing the whole file.  So the number
 * tokens of the text are found with a scan that skips strings, and
 * matched in order to the numbers of the parsed tree: jansson keeps the
 * members of an object in the order of the file, duplicate keys are
 * refused, so the n-th number of an in-order walk is the n-th token.  The
 * tree must have been parsed into an arena (jsonarena.h): each number
 * keeps the position of its token in the word in front of it.
 */
#ifndef TSM_JSONNUM_H
#define TSM_JSONNUM_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "jsonarena.h"

struct tsm_json_numbers;

/*
 * Matches the number tokens of text[0..len) (the text root was parsed
 * from, into arena a) to the numbers of root.  NULL when memory is short,
 * the tree is not in the arena or the two do not match (then numbers are
 * written from their values).
 */
struct tsm_json_numbers *tsm_json_numbers_build(const unsigned char *text,
    size_t len, json_t *root, const struct tsm_json_arena *a);
void tsm_json_numbers_free(struct tsm_json_numbers *n);

/* The text of number v and its length, or NULL if unknown (n may be NULL). */
const char *tsm_json_number_text(const struct tsm_json_numbers *n,
    const json_t *v, size_t *len);

#endif
