/*
 * route.h: answering a candle interval from the right source.
 *
 * Bars of an interval come, in this order of preference, from candles
 * stored at that interval; from the aggregate of the catalog that answers
 * it (a continuous aggregate on TimescaleDB, a rollup table on plain
 * PostgreSQL); or aggregated on the fly from the finest stored data that
 * divides the interval, trade ticks included.  A source is taken only
 * when it covers the whole span that any of them covers in the range
 * asked for (so that candles stored for a few days never hide years of
 * finer data); when none does, the widest one answers.  Every source
 * aligns its buckets as time_bucket and date_bin from 2000-01-03 do, so
 * that the answer is the same whichever gives it.
 */
#ifndef TSM_ROUTE_H
#define TSM_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "age.h"
#include "query.h"

enum tsm_source {
	TSM_SRC_AUTO,
	TSM_SRC_STORED,		/* candles stored at the interval */
	TSM_SRC_AGGREGATE,	/* continuous aggregate or rollup */
	TSM_SRC_COMPUTED	/* aggregated on the fly from finer data */
};

/* "auto", "stored", "aggregate", "computed" (--source); false if none. */
bool tsm_source_parse(const char *s, enum tsm_source *out);
const char *tsm_source_name(enum tsm_source s);

struct tsm_route {
	enum tsm_source source;
	struct tsm_timeframe tf;	/* the interval of the bars */
	char stored_tf[16];		/* timeframe read: the interval's own
					 * (stored) or a finer one (computed);
					 * "" for ticks */
	bool ticks;			/* computed from trade ticks */
	char aggregate[64];		/* the aggregate's relation */
	int64_t lo, hi;			/* raw times read, [lo, hi) */
	int64_t first, last;		/* first and last bar; first is
					 * INT64_MAX when there is none */
};

/*
 * Chooses the source of instrument in's bars of interval tf over the
 * bars that open in [from, to) (INT64_MIN and INT64_MAX for no bound);
 * tf NULL chooses the finest interval that covers what the instrument
 * holds.  want other than TSM_SRC_AUTO insists on one kind of source.
 * Says why on stderr with --explain.  When the instrument holds nothing
 * in the range the route reads stored candles and finds none.  False
 * after reporting (no source can answer, a query failed).
 */
bool tsm_route(struct tsm_qctx *q, const struct tsm_instrument *in,
    const struct tsm_timeframe *tf, int64_t from, int64_t to,
    enum tsm_source want, struct tsm_route *r);

/*
 * The SELECT of the route's bars (time, open, high, low, close, volume,
 * in no order), with parameters $1 to $5 (see query_bars_stored.sql);
 * the caller frees it.  NULL after reporting.
 */
char *tsm_route_sql(const struct tsm_qctx *q, const struct tsm_route *r);

/* Adds parameters $1 to $5 of the route's bars to p (which is empty). */
void tsm_route_params(const struct tsm_route *r,
    const struct tsm_instrument *in, struct tsm_params *p);

#endif
