/*
 * jsonrec.h: where the records of a bot's JSON file are.
 *
 * Three shapes are found without being told: a list of records, an
 * object keyed by symbol ({"BTCUSDT": {...}, ...}), and either of those
 * under a well-known top-level key (positions, open_positions, trades,
 * ...: the caller gives the list for its kind of record).  --path names
 * the place instead, and may hold "*" ("$.strategy.*.trades"): each value
 * it matches is a list of records, an object keyed by symbol (all of its
 * values objects), or one record.
 */
#ifndef TSM_JSONREC_H
#define TSM_JSONREC_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "jsondoc.h"
#include "jsonpath.h"
#include "strbuf.h"

struct tsm_json_rec {
	json_t *obj;		/* the record, an object */
	const char *base;	/* path of its container, "$.positions" */
	long index;		/* its place in a list, or -1 */
	const char *key;	/* its key in an object keyed by symbol */
	const char *wildkey;	/* the key the last "*" of --path matched */
};

struct tsm_json_recs {
	struct tsm_json_rec *v;
	size_t n, cap;
	char **bases;		/* the container paths, owned */
	size_t nbases;
};

/*
 * Finds the records of d: under path when it is not NULL, else by shape,
 * looking first under the keys of containers (NULL-terminated).  False
 * after reporting where and why ("positions.json: $: cannot tell where
 * the records are", "$.closed_positions: the list is empty").
 */
bool tsm_json_find_records(const struct tsm_json_doc *d,
    const struct tsm_jpath *path, const char *const *containers,
    struct tsm_json_recs *out);

void tsm_json_recs_free(struct tsm_json_recs *r);

/* Appends the path of a record: $[3], $.positions.ETHUSD. */
void tsm_json_rec_path(struct tsm_buf *b, const struct tsm_json_rec *r);

/* The key "@key" stands for: the record's key, else the "*" key. */
const char *tsm_json_rec_atkey(const struct tsm_json_rec *r);

#endif
