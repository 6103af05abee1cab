/*
 * optimize.h: running many parameter sets over one series, in worker
 * processes, and walking forward.
 *
 * The candles and every indicator array computed before the workers
 * start are shared with them (fork, copy-on-write); each worker keeps
 * its own cache of the arrays it computes, so that an indicator is
 * computed once per worker, never once per set.  Results go into memory
 * shared with the parent.
 */
#ifndef TSM_OPTIMIZE_H
#define TSM_OPTIMIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "age.h"
#include "btrun.h"
#include "metrics.h"
#include "strategy.h"

struct tsm_opt_row {
	struct tsm_strategy st;
	struct tsm_metrics m;
	size_t refused;
	bool done;
};

/*
 * Runs every set over o's bars with jobs worker processes (1: in this
 * process); returns n rows, rows[i] for sets[i] (free with
 * tsm_opt_rows_free), or NULL after reporting an error (a worker's own
 * message, or "interrupted").
 */
struct tsm_opt_row *tsm_optimize(struct tsm_indcache *ic,
    const struct tsm_run_opts *o, const struct tsm_strategy *sets, size_t n,
    int jobs);

void tsm_opt_rows_free(struct tsm_opt_row *rows, size_t n);

/*
 * Orders rows by metric, best first; a NaN ranks last, ties keep the
 * grid's order.  order receives n indices.
 */
void tsm_opt_rank(const struct tsm_opt_row *rows, size_t n, int metric,
    size_t *order);

/* One walk-forward window. */
struct tsm_wf_window {
	size_t train_from, train_to, test_from, test_to;	/* bars */
	bool ok;			/* some set had a score to train on */
	struct tsm_strategy best;
	double train_score;
	struct tsm_metrics test;
	size_t test_trades;
};

struct tsm_wf_result {
	struct tsm_wf_window *w;
	size_t n;
	struct tsm_bt_result trades;	/* the test windows' trades */
	struct tsm_metrics m;		/* of the stitched test windows */
	size_t from, to;		/* their bars */
};

/*
 * Walks forward over the series: the first window trains on [t0, t0 +
 * train) and tests on the test span after it; each next window starts a
 * test span later.  Each test runs the training's best set with the
 * capital the previous test ended with, its trade closed at the window's
 * end.  o gives the settings and the annualisation (its bars are
 * ignored).  False after reporting an error ("the candles span 20 days:
 * too short for one window of 30d and 7d").
 */
bool tsm_walk_forward(struct tsm_indcache *ic, const struct tsm_run_opts *o,
    const struct tsm_strategy *sets, size_t nsets, int jobs, int metric,
    const struct tsm_age *train, const struct tsm_age *test,
    struct tsm_wf_result *res);

void tsm_wf_result_free(struct tsm_wf_result *res);

/* t plus an age (months by the calendar, clamped to the month's end). */
int64_t tsm_time_add_age(int64_t t, const struct tsm_age *a, int times);

#endif
