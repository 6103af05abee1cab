/*
 * metricfmt.c: the names of the metrics, their order, and their text.
 */
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "metrics.h"
#include "num.h"
#include "timeparse.h"

struct metric_def {
	const char *key;
	const char *label;		/* backtesting.py's name */
	enum tsm_metric_kind kind;
	size_t off;
};

#define NUM(k, l, f) { k, l, TSM_MK_NUMBER, offsetof(struct tsm_metrics, f) }
#define DUR(k, l, f) { k, l, TSM_MK_DURATION, \
	offsetof(struct tsm_metrics, f) }

static const struct metric_def defs[] = {
	{ "start", "Start", TSM_MK_TIME, offsetof(struct tsm_metrics, start) },
	{ "end", "End", TSM_MK_TIME, offsetof(struct tsm_metrics, end) },
	DUR("duration", "Duration", duration),
	NUM("exposure_time_pct", "Exposure Time [%]", exposure_pct),
	NUM("equity_final", "Equity Final [$]", equity_final),
	NUM("equity_peak", "Equity Peak [$]", equity_peak),
	NUM("commissions", "Commissions [$]", commissions),
	NUM("return_pct", "Return [%]", return_pct),
	NUM("buy_hold_return_pct", "Buy & Hold Return [%]", buy_hold_pct),
	NUM("return_ann_pct", "Return (Ann.) [%]", return_ann_pct),
	NUM("volatility_ann_pct", "Volatility (Ann.) [%]",
	    volatility_ann_pct),
	NUM("cagr_pct", "CAGR [%]", cagr_pct),
	NUM("sharpe", "Sharpe Ratio", sharpe),
	NUM("sortino", "Sortino Ratio", sortino),
	NUM("calmar", "Calmar Ratio", calmar),
	NUM("alpha_pct", "Alpha [%]", alpha_pct),
	NUM("beta", "Beta", beta),
	NUM("max_drawdown_pct", "Max. Drawdown [%]", max_dd_pct),
	NUM("avg_drawdown_pct", "Avg. Drawdown [%]", avg_dd_pct),
	DUR("max_drawdown_duration", "Max. Drawdown Duration",
	    max_dd_duration),
	DUR("avg_drawdown_duration", "Avg. Drawdown Duration",
	    avg_dd_duration),
	NUM("trades", "# Trades", trades),
	NUM("win_rate_pct", "Win Rate [%]", win_rate_pct),
	NUM("best_trade_pct", "Best Trade [%]", best_pct),
	NUM("worst_trade_pct", "Worst Trade [%]", worst_pct),
	NUM("avg_trade_pct", "Avg. Trade [%]", avg_trade_pct),
	DUR("max_trade_duration", "Max. Trade Duration", max_trade_duration),
	DUR("avg_trade_duration", "Avg. Trade Duration", avg_trade_duration),
	NUM("profit_factor", "Profit Factor", profit_factor),
	NUM("expectancy_pct", "Expectancy [%]", expectancy_pct),
	NUM("sqn", "SQN", sqn),
	NUM("kelly", "Kelly Criterion", kelly),
};
#define NDEFS ((int)(sizeof(defs) / sizeof(defs[0])))

/* Short names --maximize accepts besides the keys. */
static const struct { const char *alias, *key; } aliases[] = {
	{ "return", "return_pct" }, { "equity", "equity_final" },
	{ "cagr", "cagr_pct" }, { "win-rate", "win_rate_pct" },
	{ "profit-factor", "profit_factor" },
	{ "expectancy", "expectancy_pct" }, { "alpha", "alpha_pct" },
	{ "exposure", "exposure_time_pct" },
	{ "max-drawdown", "max_drawdown_pct" },
	{ "avg-trade", "avg_trade_pct" }, { "volatility", "volatility_ann_pct" },
	{ "return-ann", "return_ann_pct" },
};

int
tsm_metric_count(void)
{
	return NDEFS;
}

const char *
tsm_metric_key(int i)
{
	return defs[i].key;
}

const char *
tsm_metric_label(int i)
{
	return defs[i].label;
}

enum tsm_metric_kind
tsm_metric_kind(int i)
{
	return defs[i].kind;
}

int
tsm_metric_find(const char *name)
{
	for (size_t a = 0; a < sizeof(aliases) / sizeof(aliases[0]); a++)
		if (strcmp(name, aliases[a].alias) == 0)
			name = aliases[a].key;
	for (int i = 0; i < NDEFS; i++)
		if (strcmp(name, defs[i].key) == 0)
			return i;
	return -1;
}

void
tsm_format_duration(int64_t ns, char *buf, size_t size)
{
	const int64_t day = INT64_C(86400000000000), sec = INT64_C(1000000000);
	int64_t d = ns / day, rest = ns % day, s, frac;

	if (rest < 0) {
		d--;
		rest += day;
	}
	s = rest / sec;
	frac = rest % sec;
	if (frac == 0)
		snprintf(buf, size, "%" PRId64 " days %02d:%02d:%02d", d,
		    (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	else if (frac % 1000 == 0)
		snprintf(buf, size, "%" PRId64 " days %02d:%02d:%02d.%06d", d,
		    (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60),
		    (int)(frac / 1000));
	else
		snprintf(buf, size, "%" PRId64 " days %02d:%02d:%02d.%09d", d,
		    (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60),
		    (int)frac);
}

bool
tsm_metric_format(const struct tsm_metrics *m, int i, char *buf, size_t size)
{
	const char *p = (const char *)m + defs[i].off;
	int64_t v;
	double d;

	switch (defs[i].kind) {
	case TSM_MK_TIME:
		memcpy(&v, p, sizeof(v));
		if (size >= TSM_TIME_BUFSZ)
			tsm_format_time(v, buf);
		return true;
	case TSM_MK_DURATION:
		memcpy(&v, p, sizeof(v));
		if (v == TSM_NO_DURATION)
			return false;
		tsm_format_duration(v, buf, size);
		return true;
	case TSM_MK_NUMBER:
		memcpy(&d, p, sizeof(d));
		if (size >= TSM_NUM_BUFSZ)
			tsm_format_double(d, buf);
		return true;
	}
	return false;
}

double
tsm_metric_value(const struct tsm_metrics *m, int i)
{
	const char *p = (const char *)m + defs[i].off;
	int64_t v;
	double d;

	switch (defs[i].kind) {
	case TSM_MK_TIME:
		memcpy(&v, p, sizeof(v));
		return (double)v / 1e6;
	case TSM_MK_DURATION:
		memcpy(&v, p, sizeof(v));
		return v == TSM_NO_DURATION ? NAN : (double)v / 1e9;
	case TSM_MK_NUMBER:
		memcpy(&d, p, sizeof(d));
		return d;
	}
	return NAN;
}
