/*
 * ingest_instr.h: instrument ids by (exchange, symbol, kind), cached.
 *
 * A file of one symbol asks the table once; a file of many symbols once
 * per symbol.  An instrument seen for the first time is made, in its own
 * short transaction (so that a batch rolled back never leaves the cache
 * holding an id that is not there), unless the caller forbids it.
 */
#ifndef TSM_INGEST_INSTR_H
#define TSM_INGEST_INSTR_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "ingest.h"

struct tsm_instr_cache;

/* A cache for schema; NULL after reporting (out of memory, bad SQL). */
struct tsm_instr_cache *tsm_instr_cache_new(const char *schema);
void tsm_instr_cache_free(struct tsm_instr_cache *c);

/*
 * The id of ref: 1 found (*created tells whether it was made now), 0
 * unknown and create is false, -1 after reporting an error.
 */
int tsm_instr_resolve(PGconn *conn, struct tsm_instr_cache *c,
    const struct tsm_instr_ref *ref, bool create, int32_t *id,
    bool *created);

/* How many instruments this cache made. */
uint64_t tsm_instr_created(const struct tsm_instr_cache *c);

/* A SQL file of sql/ with :"schema" expanded; NULL after reporting. */
char *tsm_ingest_named_sql(const char *file, const char *schema);

#endif
