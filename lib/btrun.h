/*
 * btrun.h: one backtest from end to end: the indicators a strategy needs
 * (computed once per series and shared by every run that needs them),
 * its signals, the simulation and the metrics.
 */
#ifndef TSM_BTRUN_H
#define TSM_BTRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backtest.h"
#include "candles.h"
#include "indicators.h"
#include "metrics.h"
#include "strategy.h"

/*
 * Indicator arrays over one series, each computed once and kept while
 * they fit in a budget (the least recently used go first).  A cache in
 * streaming mode keeps nothing: a run computes its indicators a block of
 * bars at a time, so that one backtest holds no indicator arrays.
 */
struct tsm_indcache {
	const struct tsm_candles *c;
	bool stream;
	size_t budget;			/* bytes; 0 for no limit */
	size_t bytes;			/* held now */
	uint64_t clock;
	struct tsm_indcache_entry {
		struct tsm_ind_spec spec;
		double *out[3];
		uint64_t used;
	} *e;
	size_t n, cap;
	size_t computed;		/* arrays computed, for the notes */
	double *market_logret;		/* log(c[i]/c[i-1]); [0] is NaN */
};

void tsm_indcache_init(struct tsm_indcache *ic, const struct tsm_candles *c);

/*
 * Fills out[k] with the arrays of specs[k]'s outputs (k < n), computing
 * what is missing, after making room by dropping arrays not among specs.
 * False after reporting "out of memory".
 */
bool tsm_indcache_get(struct tsm_indcache *ic, const struct tsm_ind_spec *specs,
    int n, double *const **out);

/* Computes the market's log returns once, for many runs' metrics. */
bool tsm_indcache_market(struct tsm_indcache *ic);

void tsm_indcache_free(struct tsm_indcache *ic);

/* What one run needs besides the strategy. */
struct tsm_run_opts {
	const struct tsm_bt_settings *settings;
	size_t from, to;		/* bars of the run */
	int annual_days;		/* 0: auto */
	bool no_last_signal;		/* ignore the signal of bar to-1 */
	tsm_equity_fn equity_fn;	/* or NULL */
	void *equity_arg;
};

/*
 * Runs st over the bars: signals into sig (a scratch array of c->n
 * bytes), the simulation into r, the metrics into m.  The strategy acts
 * from the bar after its warm-up (or from, if later).  False after
 * reporting an error.
 */
bool tsm_run(struct tsm_indcache *ic, const struct tsm_strategy *st,
    const struct tsm_run_opts *o, int8_t *sig, struct tsm_bt_result *r,
    struct tsm_metrics *m);

#endif
