/*
 * metrics.h: the statistics of a backtest, backtesting.py's set.
 *
 * Computed in one pass over the bars that rebuilds the equity curve from
 * the trades (nothing per bar is kept), with backtesting.py 0.6's
 * formulas (its _stats.compute_stats): the man page states each one.
 * Durations are nanoseconds, as pandas keeps them; INT64_MIN is "none".
 */
#ifndef TSM_METRICS_H
#define TSM_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backtest.h"
#include "candles.h"

#define TSM_NO_DURATION INT64_MIN

struct tsm_metrics {
	int64_t start, end;		/* microseconds */
	int64_t duration;		/* nanoseconds, as the others */
	double exposure_pct;
	double equity_final, equity_peak;
	double commissions;
	double return_pct, buy_hold_pct;
	double return_ann_pct, volatility_ann_pct, cagr_pct;
	double sharpe, sortino, calmar;
	double alpha_pct, beta;
	double max_dd_pct, avg_dd_pct;
	int64_t max_dd_duration, avg_dd_duration;
	double trades;
	double win_rate_pct, best_pct, worst_pct, avg_trade_pct;
	int64_t max_trade_duration, avg_trade_duration;
	double profit_factor, expectancy_pct, sqn, kelly;
	int annual_days;		/* 252, 365 (or 52, 12, 1) */
};

/* Receives the equity and drawdown (a fraction) of each bar. */
typedef void (*tsm_equity_fn)(void *arg, size_t bar, double equity,
    double drawdown);

struct tsm_metrics_in {
	const struct tsm_candles *c;
	size_t from, to;		/* the bars of the run */
	const struct tsm_bt_result *r;
	double cash;			/* initial capital */
	size_t buy_hold_bar;		/* Buy & Hold's first bar: warm-up */
	int annual_days;		/* 252, 365, or 0 for auto */
	const double *market_logret;	/* log(c[i]/c[i-1]), or NULL */
	tsm_equity_fn equity_fn;	/* or NULL */
	void *equity_arg;
};

/* Computes m; false after reporting "out of memory". */
bool tsm_metrics_compute(const struct tsm_metrics_in *in,
    struct tsm_metrics *m);

/* The metrics in output order: key, backtesting.py's name, kind. */
enum tsm_metric_kind { TSM_MK_TIME, TSM_MK_DURATION, TSM_MK_NUMBER };

int tsm_metric_count(void);
const char *tsm_metric_key(int i);	/* "sharpe", "return_pct" */
const char *tsm_metric_label(int i);	/* "Sharpe Ratio", "Return [%]" */
enum tsm_metric_kind tsm_metric_kind(int i);

/* The index of a metric by key or short alias ("return"), or -1. */
int tsm_metric_find(const char *name);

/*
 * Metric i of m as text (buf of 64 bytes): times in ISO 8601, durations
 * as "3 days 04:05:00", numbers in shortest form, NaN as "NaN".  Returns
 * false for a missing duration (NULL).
 */
bool tsm_metric_format(const struct tsm_metrics *m, int i, char *buf,
    size_t size);

/* Metric i as a number (times and durations in seconds); NaN if none. */
double tsm_metric_value(const struct tsm_metrics *m, int i);

/* numpy's pairwise sum of a[0..n), bit for bit. */
double tsm_pairwise_sum(const double *a, size_t n);

/* Writes a duration in nanoseconds as pandas does: "0 days 00:05:00". */
void tsm_format_duration(int64_t ns, char *buf, size_t size);

#endif
