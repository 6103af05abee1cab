/*
 * route_int.h: what route.c and route_agg.c share, and nothing else
 * includes.
 */
#ifndef TSM_ROUTE_INT_H
#define TSM_ROUTE_INT_H

#include "route.h"

/* What the instrument holds in the range: a stored timeframe or ticks. */
struct holding {
	bool ticks;
	char code[16];			/* as stored */
	struct tsm_timeframe tf;	/* parsed; 1m for ticks */
	bool in_range;
	int64_t first, last;
};

/* A source that could answer, and what it covers in bars. */
struct cand {
	enum tsm_source source;
	const struct holding *h;	/* stored, computed: what it reads */
	char aggregate[64];
	char label[160];		/* for --explain */
	bool has;
	int64_t first, last;
};

/* An aggregate of the catalog that answers an interval. */
struct aggdef {
	char name[64];
	bool ticks;		/* made from ticks, else from 1m candles */
	bool matonly;		/* answers only from what was refreshed */
	bool untrusted;		/* writes logged and not refreshed into it */
};

/* Writes t for --explain: ISO, or "the start"/"the end" for no bound. */
const char *tsm_route_show_time(int64_t t, char *buf);

/* The bars a holding covers, as bucket starts of tf. */
void tsm_route_cover(struct cand *c, const struct holding *h,
    const struct tsm_timeframe *tf);

/* In route_agg.c: the aggregate of the catalog and the fast way to it. */
bool tsm_route_find_aggregate(struct tsm_qctx *q,
    const struct tsm_timeframe *tf, int64_t lo, int64_t hi,
    struct aggdef *a, bool *err);
int tsm_route_fast_route(struct tsm_qctx *q, const struct tsm_instrument *in,
    const struct aggdef *a, enum tsm_source want, struct tsm_route *r);
void tsm_route_aggregate_candidate(struct tsm_qctx *q,
    const struct tsm_instrument *in, const struct tsm_timeframe *tf,
    int64_t lo, int64_t hi, const struct holding *h, int nh,
    const struct aggdef *a, struct cand *c, bool *err);

#endif
