/*
 * btout.h: writing a backtest's metrics, trades and equity curve.
 */
#ifndef TSM_BTOUT_H
#define TSM_BTOUT_H

#include <stdbool.h>
#include <stdio.h>

#include "backtest.h"
#include "candles.h"
#include "metrics.h"
#include "out.h"

/* Writes the metrics as "metric,value" rows; false on a write error. */
bool tsm_write_metrics(FILE *f, enum tsm_format fmt, bool header,
    const struct tsm_metrics *m);

/*
 * Writes the trades as CSV (n, size, entry_time, exit_time, entry_price,
 * exit_price, pnl, return_pct, commission, sl, tp, exit_reason), the open
 * trade with empty exit columns.  False on a write error.
 */
bool tsm_write_trades(FILE *f, enum tsm_format fmt, bool header,
    const struct tsm_candles *c, const struct tsm_bt_result *r);

/* An equity curve written row by row, as the metrics pass gives it. */
struct tsm_equity_out {
	struct tsm_writer *w;
	const struct tsm_candles *c;
	bool failed;
};

/* Starts writing "time,equity,drawdown_pct" rows on f. */
bool tsm_equity_out_begin(struct tsm_equity_out *eo, FILE *f,
    const struct tsm_candles *c);

/* A tsm_equity_fn writing one row. */
void tsm_equity_out_row(void *arg, size_t bar, double equity, double dd);

/* Ends the table; false if any write failed. */
bool tsm_equity_out_end(struct tsm_equity_out *eo);

#endif
