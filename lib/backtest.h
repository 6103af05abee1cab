/*
 * backtest.h: the simulation of one strategy over candles: orders, fills,
 * stops, cash and trades.
 *
 * The execution model is backtesting.py's (kernc/backtesting.py 0.6) with
 * exclusive orders: at most one trade at a time; a signal's order fills
 * at the next bar's open (or, with TSM_FILL_CLOSE, at the signal bar's
 * close); an entry takes a fraction of the equity in whole units (or
 * quantity steps), its price adjusted by the spread; commission is
 * charged on entry and on exit; stop-loss and take-profit are checked
 * against each bar's low and high, the stop first, and fill at the stop
 * or, through a gap, at the open.  man/tsm-backtest.1 states every rule.
 */
#ifndef TSM_BACKTEST_H
#define TSM_BACKTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "candles.h"

enum tsm_fill { TSM_FILL_OPEN, TSM_FILL_CLOSE };

enum tsm_exit_reason {
	TSM_EXIT_OPEN,		/* still open at the end */
	TSM_EXIT_SIGNAL,	/* the strategy's opposite signal */
	TSM_EXIT_STOP,		/* stop-loss */
	TSM_EXIT_TRAIL,		/* stop-loss moved by the trailing stop */
	TSM_EXIT_TAKE,		/* take-profit */
	TSM_EXIT_END,		/* closed on the last bar (close_at_end) */
	TSM_EXIT_RUIN		/* the equity fell to zero */
};

struct tsm_bt_settings {
	double cash;			/* initial capital */
	double commission;		/* rate of the traded value, per fill */
	double commission_fixed;	/* cash added to every fill's fee */
	double commission_min;		/* the least fee of a fill */
	double spread;			/* rate, added to the entry price */
	double slippage;		/* rate, against each market fill */
	double size;			/* fraction of equity, (0, 1] */
	double units;			/* fixed quantity; 0: use size */
	double step;			/* the quantity step: 1, 1e-8 */
	double stop_loss;		/* fractions of the entry price; */
	double take_profit;		/* 0 for none */
	double trailing;
	enum tsm_fill fill;
	bool allow_short;		/* a sell signal goes short */
	bool close_at_end;		/* close the open trade at the end */
};

/* Fills settings with the defaults (backtesting.py's, capital 10000). */
void tsm_bt_defaults(struct tsm_bt_settings *s);

/*
 * Checks settings that only make sense together (--units a whole number
 * of steps, and not with --size); a usage error (reported) returns
 * false.
 */
bool tsm_bt_settings_check(const struct tsm_bt_settings *s, bool fractional);

struct tsm_trade {
	double size;			/* quantity, negative when short */
	double entry_price, exit_price;
	double entry_fee, exit_fee;
	double pnl;			/* after both fees */
	double ret;			/* return after fees, a fraction */
	double sl, tp;			/* levels at the exit; NaN: none */
	size_t entry_bar, exit_bar;	/* the bars the fills are dated */
	size_t entry_fill, exit_fill;	/* the bars whose step made them */
	enum tsm_exit_reason reason;
};

struct tsm_bt_result {
	struct tsm_trade *trades;	/* in order; the last may be open */
	size_t ntrades, cap;
	size_t nclosed;			/* the closed ones come first */
	double cash;			/* at the end */
	size_t start;			/* the first bar the strategy saw */
	size_t ruin_bar;		/* SIZE_MAX unless equity hit 0 */
	size_t refused;			/* entries refused: too little cash */
	size_t refused_bar;		/* the first of them */
	double refused_price;
};

/*
 * Runs the simulation over bars [from, to) of c, the strategy deciding
 * from bar start (>= from) on with sig[i] (+1 buy, -1 sell, 0 nothing)
 * at the close of bar i.  r is reset (its trade array reused).  False
 * after reporting "out of memory".
 */
bool tsm_bt_run(const struct tsm_candles *c, size_t from, size_t to,
    size_t start, const int8_t *sig, const struct tsm_bt_settings *s,
    struct tsm_bt_result *r);

void tsm_bt_result_free(struct tsm_bt_result *r);

/* "signal", "stop-loss", "trailing-stop", "take-profit", "end", ... */
const char *tsm_exit_reason_name(enum tsm_exit_reason reason);

/*
 * Python's float floor division, x // y: fmod-based, so that it gives
 * the same whole number as backtesting.py's sizing (1 // 0.1 is 9).
 */
double tsm_py_floordiv(double x, double y);

#endif
