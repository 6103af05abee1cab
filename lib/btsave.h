/*
 * btsave.h: storing backtests and optimisations in the database
 * (backtest_runs with backtest_trades, optimization_runs).
 */
#ifndef TSM_BTSAVE_H
#define TSM_BTSAVE_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "backtest.h"
#include "candles.h"
#include "metrics.h"
#include "optimize.h"
#include "strategy.h"

/* What describes a run besides its results. */
struct tsm_save_info {
	const char *schema;
	int instrument_id;		/* 0: none (candles from a file) */
	const char *symbol;		/* or NULL */
	const char *timeframe;		/* or NULL */
	const char *data_source;	/* "stdin", a file, "candles_1h" */
	int64_t range_from, range_to;	/* the candles' first and last */
	size_t bars;
	const struct tsm_bt_settings *settings;
	int annual_days;		/* as asked: 0 for auto */
};

/*
 * The metrics as a JSON object keyed as the metric,value output; NULL
 * when out of memory.  The caller releases it with json_decref.
 */
json_t *tsm_metrics_json(const struct tsm_metrics *m);

/* {"fast": 10, "slow": 20}; the caller releases it with json_decref. */
json_t *tsm_params_json(const struct tsm_strategy *st);

/*
 * Stores one run and its trades in one transaction; *id receives the
 * run's id.  False after reporting (and rolling back).
 */
bool tsm_save_run(PGconn *conn, const struct tsm_save_info *si,
    const struct tsm_strategy *st, const struct tsm_candles *c,
    const struct tsm_bt_result *r, const struct tsm_metrics *m, long long *id);

/*
 * Stores an optimisation of combinations parameter sets: rows in the
 * order given (best first; none for a walk forward), and the walk-forward
 * windows when wf is not NULL.  False after reporting.
 */
bool tsm_save_optimization(PGconn *conn, const struct tsm_save_info *si,
    const char *strategy, const char *grid, const char *constraints,
    const char *maximize, int metric, size_t combinations,
    const struct tsm_opt_row *rows, const size_t *order, size_t n,
    const struct tsm_candles *c, const struct tsm_wf_result *wf,
    long long *id);

#endif
