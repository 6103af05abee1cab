/*
 * jsonpath.h: the JSON paths of --path and --map, and of messages.
 *
 * A path is "$" followed by steps: ".name" or ["name"] (or ['name']) for a
 * key, [3] for a list index, ".*" or [*] for any key or index.  A path
 * given without "$" starts at the record ("fill.price" is "$.fill.price"
 * within each record).  "@key" names the key a record was found under
 * (the symbol of an object keyed by symbol, or the key a "*" matched).
 * Messages write keys as ".name" when they are identifiers and as
 * ["name"] otherwise: $.open_positions["ZEC/USD"].quantity.
 */
#ifndef TSM_JSONPATH_H
#define TSM_JSONPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "strbuf.h"

enum tsm_jstep_type { TSM_JSTEP_KEY, TSM_JSTEP_INDEX, TSM_JSTEP_ANY };

struct tsm_jstep {
	enum tsm_jstep_type type;
	char *key;		/* TSM_JSTEP_KEY */
	size_t index;		/* TSM_JSTEP_INDEX */
};

struct tsm_jpath {
	struct tsm_jstep *steps;
	int n;
	bool at_key;		/* "@key" */
	bool wild;		/* holds a "*" step */
	bool single_key;	/* one key step: the record's own key */
	char *text;		/* as given */
};

/*
 * Parses s; on failure false with *why a static reason ("has an
 * unclosed [", ...) and p empty.  The caller frees p with
 * tsm_jpath_free.
 */
bool tsm_jpath_parse(const char *s, struct tsm_jpath *p, const char **why);
void tsm_jpath_free(struct tsm_jpath *p);

/* The value at p (which has no "*") under v, or NULL if it is not there. */
json_t *tsm_jpath_get(const struct tsm_jpath *p, json_t *v);

/*
 * Calls fn for every value p matches under root, in document order, with
 * the value's path ("$.strategy.Sma.trades") and the key the last "*"
 * matched (NULL if none).  Stops and returns false when fn does.
 */
typedef bool (*tsm_jpath_fn)(json_t *v, const char *path,
    const char *wildkey, void *arg);
bool tsm_jpath_walk(const struct tsm_jpath *p, json_t *root,
    tsm_jpath_fn fn, void *arg);

/* Appends ".key" or ["key"] for a key, as messages write it. */
void tsm_jpath_put_key(struct tsm_buf *b, const char *key);

/* Appends the steps of p ("fill.price" appends ".fill.price"). */
void tsm_jpath_put_steps(struct tsm_buf *b, const struct tsm_jpath *p);

#endif
