/*
 * btjob.h: what tsm-backtest does once its options are read: one run, a
 * grid optimisation or a walk forward, with their outputs (metrics or
 * results on stdout; trades, equity and the chart into files) and, when
 * asked, their rows in the database.
 */
#ifndef TSM_BTJOB_H
#define TSM_BTJOB_H

#include <stdbool.h>
#include <libpq-fe.h>

#include "age.h"
#include "backtest.h"
#include "btsave.h"
#include "candles.h"
#include "grid.h"
#include "out.h"
#include "strategy.h"

#define TSM_JOB_MAXCONS 16

struct tsm_bt_job {
	struct tsm_strategy st;		/* the run, or the grid's base */
	struct tsm_bt_settings s;
	int annual_days;		/* 0: auto */
	bool fractional;

	bool has_grid;			/* --grid */
	const char *grid_text;
	struct tsm_grid grid;
	struct tsm_constraint *cons[TSM_JOB_MAXCONS];
	int ncons;
	const char *cons_text;		/* as given, joined by ", " */
	struct tsm_strategy *sets;	/* tsm_bt_job_sets */
	size_t nsets;
	int metric;			/* --maximize */
	int jobs;
	bool walk;			/* --walk-forward */
	const char *walk_text;
	struct tsm_age train, test;

	enum tsm_format format;
	bool header;
	const char *trades_path, *equity_path, *plot_path;

	PGconn *conn;			/* for --save; NULL otherwise */
	bool save;
	struct tsm_save_info info;	/* the candles' source */
};

/*
 * Checks the strategy (or the grid's sets) against the series: enough
 * bars for every set's warm-up.  False after reporting.
 */
bool tsm_bt_job_check(const struct tsm_bt_job *job,
    const struct tsm_candles *c);

/* Runs the job over c; false after reporting an error. */
bool tsm_bt_job_run(struct tsm_bt_job *job, const struct tsm_candles *c);

/*
 * Lists the parameter sets of the job's grid into job->sets (for --grid
 * and --walk-forward; without --grid, the one set of the options).  A
 * grid that leaves no set is a usage error.  False after reporting.
 */
bool tsm_bt_job_sets(struct tsm_bt_job *job);

void tsm_bt_job_free(struct tsm_bt_job *job);

#endif
