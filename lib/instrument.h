/*
 * instrument.h: the instrument a row of a series belongs to.
 */
#ifndef TSM_INSTRUMENT_H
#define TSM_INSTRUMENT_H

#include <stdbool.h>
#include <libpq-fe.h>

/*
 * The id of the instrument (exchange, symbol) in schema: the one already
 * there, of any kind (the lowest id if several), else a new one of kind
 * spot when create is true.  *id is 0 when there is none and create is
 * false.  False after reporting an error.
 */
bool tsm_instrument_id(PGconn *conn, const char *schema,
    const char *exchange, const char *symbol, bool create, int *id);

#endif
