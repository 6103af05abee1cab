/*
 * tablemap.h: the move of any table into a series, column by column.
 *
 * Each column of the series takes the source column given by --map
 * COLUMN=SOURCE, else the one of the same name, else one of a few common
 * names (open_time for time, qty for quantity...).  Values are cast to the
 * series' types; times may be timestamps with or without zone (then in
 * --tz, default UTC), dates, text, or epoch numbers (by magnitude, or
 * --time-unit).  The instrument is --exchange and --symbol, the candle
 * interval --interval, unless a column is mapped to them.
 */
#ifndef TSM_TABLEMAP_H
#define TSM_TABLEMAP_H

#include <stdbool.h>
#include <libpq-fe.h>

#include "tablemove.h"
#include "timeparse.h"

struct tsm_tablemap_opts {
	const char *schema;		/* tsm's */
	const char *source;		/* [schema.]table, as given */
	const char *kind;		/* --kind */
	const char *const *maps;	/* "COLUMN=SOURCE" */
	int nmaps;
	const char *exchange, *symbol;	/* the instrument, or NULL */
	const char *interval;		/* canonical timeframe, or NULL */
	const char *tz;			/* --tz, or NULL */
	enum tsm_time_unit unit;	/* --time-unit */
};

/*
 * Reads the source and the series from the catalog and fills m (the
 * instrument made if missing).  False after reporting what cannot be
 * moved and why.
 */
bool tsm_tablemap_build(PGconn *conn, const struct tsm_tablemap_opts *o,
    struct tsm_move *m);

#endif
