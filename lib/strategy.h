/*
 * strategy.h: the strategies tsm-backtest runs, their parameters, the
 * indicators they read and the signals they give.
 *
 * A strategy reads indicator arrays (computed once, by indicators.h, and
 * shared by every parameter set that needs them) and writes one signal a
 * bar: +1 buy, -1 sell, 0 nothing.  The broker (backtest.h) acts on a
 * signal only when it changes the position: buy when not long, sell when
 * long (to flat, or to short where shorts are allowed).
 */
#ifndef TSM_STRATEGY_H
#define TSM_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "candles.h"
#include "indicators.h"

enum tsm_strategy_kind {
	TSM_STRAT_SMA_CROSS, TSM_STRAT_EMA_CROSS, TSM_STRAT_RSI,
	TSM_STRAT_BBANDS, TSM_STRAT_MACD, TSM_STRAT_BUY_HOLD
};

#define TSM_STRAT_MAXPARAMS 3
#define TSM_STRAT_MAXIND 2

struct tsm_param_def {
	const char *name;	/* "fast": the option --fast, grid fast= */
	double def;
	double min, max;	/* allowed range, inclusive */
	bool integer;
};

struct tsm_strategy_def {
	const char *name;	/* "sma-cross" */
	enum tsm_strategy_kind kind;
	int nparams;
	struct tsm_param_def params[TSM_STRAT_MAXPARAMS];
};

struct tsm_strategy {
	const struct tsm_strategy_def *def;
	double p[TSM_STRAT_MAXPARAMS];
};

/* The strategy called name, or NULL. */
const struct tsm_strategy_def *tsm_strategy_find(const char *name);

/* "sma-cross, ema-cross, rsi, bbands, macd or buy-hold", for messages. */
const char *tsm_strategy_list(void);

/* The index of the parameter called name, or -1. */
int tsm_strategy_param(const struct tsm_strategy_def *def, const char *name);

/* The names of def's parameters, "fast, slow", or "none". */
void tsm_strategy_param_list(const struct tsm_strategy_def *def, char *buf,
    size_t size);

/* A strategy with its defaults. */
void tsm_strategy_init(struct tsm_strategy *st,
    const struct tsm_strategy_def *def);

/*
 * Checks one value for parameter k: its range and wholeness; false with
 * *why a static reason ("takes a whole number", "must be at least 1").
 */
bool tsm_strategy_check_value(const struct tsm_strategy_def *def, int k,
    double v, const char **why);

/*
 * Sets parameter name of st from the option value text; a usage error
 * (reported: "--fast is not a parameter of rsi", "--fast: \"2.5\" takes
 * a whole number") returns false.
 */
bool tsm_strategy_set(struct tsm_strategy *st, const char *name,
    const char *text);

/*
 * Checks the parameters together; false with *why a static reason
 * ("needs fast below slow").
 */
bool tsm_strategy_check(const struct tsm_strategy *st, const char **why);

/* The indicators st reads, into specs; returns how many (0 to 2). */
int tsm_strategy_indicators(const struct tsm_strategy *st,
    struct tsm_ind_spec *specs);

/*
 * The bars before every indicator st reads has a value: backtesting.py's
 * warm-up.  The strategy's first decision is at the bar after it.
 */
size_t tsm_strategy_warmup(const struct tsm_strategy *st);

/*
 * Writes sig[i] for i in [from, to) (from >= 1) from ind[k][j][i - base],
 * output j at bar i of indicator k of tsm_strategy_indicators (arrays that
 * start at bar base <= from - 1), and the closes.
 */
void tsm_strategy_signals(const struct tsm_strategy *st,
    const struct tsm_candles *c, double *const *const *ind, size_t base,
    size_t from, size_t to, int8_t *sig);

/* Writes "fast=10,slow=20" (parameters in order); "" when none. */
void tsm_strategy_format(const struct tsm_strategy *st, char *buf,
    size_t size);

#endif
