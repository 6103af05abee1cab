/*
 * strategy.c: the strategies' parameters, indicators and signals.
 *
 * The crossings are backtesting.py's lib.crossover: a crosses above b at
 * bar i when a[i-1] < b[i-1] and a[i] > b[i] (strictly: touching is not
 * crossing, and a comparison with a missing value is false).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "num.h"
#include "strategy.h"

#define PERIODS 1.0, 1000000.0, true

static const struct tsm_strategy_def defs[] = {
	{ "sma-cross", TSM_STRAT_SMA_CROSS, 2,
	    { { "fast", 10, PERIODS }, { "slow", 20, PERIODS } } },
	{ "ema-cross", TSM_STRAT_EMA_CROSS, 2,
	    { { "fast", 12, PERIODS }, { "slow", 26, PERIODS } } },
	{ "rsi", TSM_STRAT_RSI, 3,
	    { { "period", 14, PERIODS }, { "lower", 30, 0, 100, false },
	    { "upper", 70, 0, 100, false } } },
	{ "bbands", TSM_STRAT_BBANDS, 2,
	    { { "period", 20, PERIODS }, { "k", 2, 1e-9, 100, false } } },
	{ "macd", TSM_STRAT_MACD, 3,
	    { { "fast", 12, PERIODS }, { "slow", 26, PERIODS },
	    { "signal", 9, PERIODS } } },
	{ "buy-hold", TSM_STRAT_BUY_HOLD, 0, { { NULL, 0, 0, 0, false } } },
};
#define NDEFS (sizeof(defs) / sizeof(defs[0]))

const struct tsm_strategy_def *
tsm_strategy_find(const char *name)
{
	for (size_t i = 0; i < NDEFS; i++)
		if (strcmp(defs[i].name, name) == 0)
			return &defs[i];
	return NULL;
}

const char *
tsm_strategy_list(void)
{
	return "sma-cross, ema-cross, rsi, bbands, macd or buy-hold";
}

int
tsm_strategy_param(const struct tsm_strategy_def *def, const char *name)
{
	for (int k = 0; k < def->nparams; k++)
		if (strcmp(def->params[k].name, name) == 0)
			return k;
	return -1;
}

void
tsm_strategy_param_list(const struct tsm_strategy_def *def, char *buf,
    size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int k = 0; k < def->nparams; k++)
		n += (size_t)snprintf(buf + n, size > n ? size - n : 0, "%s%s",
		    k ? ", " : "", def->params[k].name);
	if (def->nparams == 0)
		snprintf(buf, size, "none");
}

void
tsm_strategy_init(struct tsm_strategy *st, const struct tsm_strategy_def *def)
{
	memset(st, 0, sizeof(*st));
	st->def = def;
	for (int k = 0; k < def->nparams; k++)
		st->p[k] = def->params[k].def;
}

bool
tsm_strategy_check_value(const struct tsm_strategy_def *def, int k,
    double v, const char **why)
{
	const struct tsm_param_def *pd = &def->params[k];

	if (pd->integer && v != floor(v)) {
		*why = "takes a whole number";
		return false;
	}
	if (v < pd->min) {
		*why = pd->integer ? "must be at least 1" :
		    pd->min == 0 ? "must be at least 0" : "must be above 0";
		return false;
	}
	if (v > pd->max) {
		*why = pd->integer ? "must be at most 1000000" :
		    "must be at most 100";
		return false;
	}
	return true;
}

bool
tsm_strategy_set(struct tsm_strategy *st, const char *name, const char *text)
{
	int k = tsm_strategy_param(st->def, name);
	const char *why;
	char list[64];
	double v;

	if (k < 0) {
		tsm_strategy_param_list(st->def, list, sizeof(list));
		tsm_usage_error("--%s is not a parameter of %s", name,
		    st->def->name);
		tsm_hint("the parameters of %s are: %s", st->def->name, list);
		return false;
	}
	if (!tsm_parse_double(text, strlen(text), &v, &why) ||
	    !tsm_strategy_check_value(st->def, k, v, &why)) {
		tsm_usage_error("--%s: \"%s\" %s", name, text, why);
		return false;
	}
	st->p[k] = v;
	return true;
}

bool
tsm_strategy_check(const struct tsm_strategy *st, const char **why)
{
	switch (st->def->kind) {
	case TSM_STRAT_SMA_CROSS:
	case TSM_STRAT_EMA_CROSS:
	case TSM_STRAT_MACD:
		if (!(st->p[0] < st->p[1])) {
			*why = "needs fast below slow";
			return false;
		}
		break;
	case TSM_STRAT_RSI:
		if (!(st->p[1] < st->p[2])) {
			*why = "needs lower below upper";
			return false;
		}
		break;
	case TSM_STRAT_BBANDS:
	case TSM_STRAT_BUY_HOLD:
		break;
	}
	return true;
}

/* Parses a spec written by this file; it cannot fail. */
static void
spec(struct tsm_ind_spec *s, const char *fmt, double a, double b, double c)
{
	char text[128], x[TSM_NUM_BUFSZ];
	const char *why;

	if (strstr(fmt, "%s") != NULL) {
		tsm_format_double(b, x);
		snprintf(text, sizeof(text), fmt, (int)a, x);
	} else {
		snprintf(text, sizeof(text), fmt, (int)a, (int)b, (int)c);
	}
	tsm_ind_parse(text, s, &why);
}

int
tsm_strategy_indicators(const struct tsm_strategy *st,
    struct tsm_ind_spec *specs)
{
	const double *p = st->p;

	switch (st->def->kind) {
	case TSM_STRAT_SMA_CROSS:
		spec(&specs[0], "sma:%d", p[0], 0, 0);
		spec(&specs[1], "sma:%d", p[1], 0, 0);
		return 2;
	case TSM_STRAT_EMA_CROSS:
		spec(&specs[0], "ema:%d", p[0], 0, 0);
		spec(&specs[1], "ema:%d", p[1], 0, 0);
		return 2;
	case TSM_STRAT_RSI:
		spec(&specs[0], "rsi:%d", p[0], 0, 0);
		return 1;
	case TSM_STRAT_BBANDS:
		spec(&specs[0], "bbands:%d,%s", p[0], p[1], 0);
		return 1;
	case TSM_STRAT_MACD:
		spec(&specs[0], "macd:%d,%d,%d", p[0], p[1], p[2]);
		return 1;
	case TSM_STRAT_BUY_HOLD:
		break;
	}
	return 0;
}

size_t
tsm_strategy_warmup(const struct tsm_strategy *st)
{
	struct tsm_ind_spec specs[TSM_STRAT_MAXIND];
	int n = tsm_strategy_indicators(st, specs);
	size_t w = 0;

	for (int k = 0; k < n; k++)
		if ((size_t)specs[k].warmup > w)
			w = (size_t)specs[k].warmup;
	return w;
}

/* sig[i]: +1 where a crosses above b, -1 where b crosses above a. */
static void
crossings(const double *a, const double *b, size_t base, size_t from,
    size_t to, int8_t *sig)
{
	const double *restrict x = a + from - base, *restrict y = b + from - base;
	int8_t *restrict out = sig + from;
	size_t n = to - from;
	/* Each bar's two comparisons are carried to the next. */
	int below = x[-1] < y[-1], above = x[-1] > y[-1];

	for (size_t k = 0; k < n; k++) {
		int lt = x[k] < y[k], gt = x[k] > y[k];

		out[k] = (int8_t)((below & gt) - (above & lt));
		below = lt;
		above = gt;
	}
}

/* sig[i]: +1 where rsi is below lo, -1 where above hi. */
static void
levels(const double *x, double lo, double hi, size_t base, size_t from,
    size_t to, int8_t *sig)
{
	for (size_t i = from; i < to; i++)
		sig[i] = (int8_t)((x[i - base] < lo) - (x[i - base] > hi));
}

/* sig[i]: +1 where the close is below the lower band, -1 above the
 * upper. */
static void
bands(const double *close, const double *lo, const double *hi, size_t base,
    size_t from, size_t to, int8_t *sig)
{
	for (size_t i = from; i < to; i++)
		sig[i] = (int8_t)((close[i] < lo[i - base]) -
		    (close[i] > hi[i - base]));
}

void
tsm_strategy_signals(const struct tsm_strategy *st, const struct tsm_candles *c,
    double *const *const *ind, size_t base, size_t from, size_t to,
    int8_t *sig)
{
	if (from < base + 1)
		from = base + 1;
	if (from >= to)
		return;
	switch (st->def->kind) {
	case TSM_STRAT_SMA_CROSS:
	case TSM_STRAT_EMA_CROSS:
		crossings(ind[0][0], ind[1][0], base, from, to, sig);
		break;
	case TSM_STRAT_MACD:
		crossings(ind[0][0], ind[0][1], base, from, to, sig);
		break;
	case TSM_STRAT_RSI:
		levels(ind[0][0], st->p[1], st->p[2], base, from, to, sig);
		break;
	case TSM_STRAT_BBANDS:
		bands(c->close, ind[0][0], ind[0][2], base, from, to, sig);
		break;
	case TSM_STRAT_BUY_HOLD:
		memset(sig + from, 1, to - from);
		break;
	}
}

void
tsm_strategy_format(const struct tsm_strategy *st, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int k = 0; k < st->def->nparams; k++) {
		char v[TSM_NUM_BUFSZ];

		tsm_format_double(st->p[k], v);
		n += (size_t)snprintf(buf + n, size > n ? size - n : 0,
		    "%s%s=%s", k ? "," : "", st->def->params[k].name, v);
	}
}
