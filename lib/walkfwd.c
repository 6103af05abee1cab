/*
 * walkfwd.c: walk-forward optimisation.
 *
 * Indicators are computed over the whole series once, so that a window
 * starts with its indicators warm from the bars before it, as they would
 * be when trading live.  Each test window runs as a backtest of its own
 * on the capital the one before left, its last trade closed on its last
 * bar (and no new one opened there), so that the test windows' trades
 * join into one out-of-sample run whose metrics are computed like any
 * other's.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "candles.h"
#include "log.h"
#include "optimize.h"
#include "timeparse.h"

#define US_PER_DAY INT64_C(86400000000)

int64_t
tsm_time_add_age(int64_t t, const struct tsm_age *a, int times)
{
	if (a->months != 0) {
		int64_t day = t >= 0 ? t / US_PER_DAY :
		    -((-t + US_PER_DAY - 1) / US_PER_DAY);
		int64_t tod = t - day * US_PER_DAY, m;
		int y, mo, d;
		static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31,
			30, 31, 30, 31 };
		int last;

		tsm_civil_from_days(day, &y, &mo, &d);
		m = (int64_t)y * 12 + (mo - 1) + (int64_t)a->months * times;
		y = (int)(m / 12);
		mo = (int)(m % 12) + 1;
		last = mdays[mo - 1] + (mo == 2 && (y % 4 == 0 &&
		    (y % 100 != 0 || y % 400 == 0)));
		if (d > last)
			d = last;
		t = tsm_days_from_civil(y, mo, d) * US_PER_DAY + tod;
	}
	return t + a->usecs * times;
}

static bool
push_trades(struct tsm_bt_result *all, const struct tsm_bt_result *r)
{
	if (all->ntrades + r->ntrades > all->cap) {
		size_t cap = (all->cap ? all->cap * 2 : 64) + r->ntrades;
		struct tsm_trade *p = realloc(all->trades, cap * sizeof(*p));

		if (p == NULL) {
			tsm_error("out of memory for trades");
			return false;
		}
		all->trades = p;
		all->cap = cap;
	}
	/* A window without trades may have no array: memcpy wants one. */
	if (r->ntrades > 0)
		memcpy(all->trades + all->ntrades, r->trades,
		    r->ntrades * sizeof(*r->trades));
	all->ntrades += r->ntrades;
	all->nclosed += r->nclosed;
	all->refused += r->refused;
	return true;
}

/* Trains on one window: the best set by metric, if any has a score. */
static bool
train(struct tsm_indcache *ic, const struct tsm_run_opts *o,
    const struct tsm_strategy *sets, size_t nsets, int jobs, int metric,
    struct tsm_wf_window *w)
{
	struct tsm_run_opts to = *o;
	struct tsm_opt_row *rows;
	size_t *order = malloc(nsets * sizeof(size_t));

	if (order == NULL) {
		tsm_error("out of memory");
		return false;
	}
	to.from = w->train_from;
	to.to = w->train_to;
	to.equity_fn = NULL;
	if ((rows = tsm_optimize(ic, &to, sets, nsets, jobs)) == NULL) {
		free(order);
		return false;
	}
	tsm_opt_rank(rows, nsets, metric, order);
	w->train_score = tsm_metric_value(&rows[order[0]].m, metric);
	w->ok = !isnan(w->train_score);
	w->best = rows[order[0]].st;
	tsm_opt_rows_free(rows, nsets);
	free(order);
	return true;
}

/* Tests the window's best set on the capital *cash; adds its trades. */
static bool
test(struct tsm_indcache *ic, const struct tsm_run_opts *o,
    struct tsm_wf_window *w, double *cash, int8_t *sig,
    struct tsm_wf_result *res)
{
	struct tsm_bt_settings s = *o->settings;
	struct tsm_run_opts to = *o;
	struct tsm_bt_result r;
	bool ok;

	memset(&r, 0, sizeof(r));
	s.cash = *cash;
	s.close_at_end = true;
	to.settings = &s;
	to.from = w->test_from;
	to.to = w->test_to;
	to.equity_fn = NULL;
	to.no_last_signal = true;
	ok = tsm_run(ic, &w->best, &to, sig, &r, &w->test);
	if (ok) {
		w->test_trades = r.nclosed;
		if (r.ruin_bar != SIZE_MAX && res->trades.ruin_bar == SIZE_MAX)
			res->trades.ruin_bar = r.ruin_bar;
		*cash = w->test.equity_final;
		ok = push_trades(&res->trades, &r);
	}
	tsm_bt_result_free(&r);
	return ok;
}

/* Lays out the windows over the series. */
static bool
windows(const struct tsm_candles *c, const struct tsm_age *tr,
    const struct tsm_age *te, struct tsm_wf_result *res)
{
	for (int k = 0;; k++) {
		int64_t t0 = tsm_time_add_age(c->time[0], te, k);
		int64_t t1 = tsm_time_add_age(t0, tr, 1);
		int64_t t2 = tsm_time_add_age(t1, te, 1);
		struct tsm_wf_window w;

		memset(&w, 0, sizeof(w));
		w.train_from = tsm_candles_find(c, t0);
		w.train_to = w.test_from = tsm_candles_find(c, t1);
		w.test_to = tsm_candles_find(c, t2);
		if (w.test_to - w.test_from < 2 ||
		    w.train_to - w.train_from < 2)
			break;
		if ((res->n & (res->n - 1)) == 0) {
			struct tsm_wf_window *p = realloc(res->w,
			    (res->n ? res->n * 2 : 1) * sizeof(*p));

			if (p == NULL) {
				tsm_error("out of memory");
				return false;
			}
			res->w = p;
		}
		res->w[res->n++] = w;
		if (w.test_to >= c->n)
			break;
	}
	if (res->n == 0) {
		char tb[TSM_TIME_BUFSZ], te_[TSM_TIME_BUFSZ], span[32];

		tsm_format_time(c->time[0], tb);
		tsm_format_time(c->time[c->n - 1], te_);
		tsm_format_span(c->time[c->n - 1] - c->time[0], span,
		    sizeof(span));
		tsm_error("the candles span %s (%s to %s): too short for one "
		    "walk-forward window", span, tb, te_);
		tsm_hint("a window needs the training span, then a test span "
		    "of two bars or more");
		return false;
	}
	return true;
}

bool
tsm_walk_forward(struct tsm_indcache *ic, const struct tsm_run_opts *o,
    const struct tsm_strategy *sets, size_t nsets, int jobs, int metric,
    const struct tsm_age *tr, const struct tsm_age *te,
    struct tsm_wf_result *res)
{
	const struct tsm_candles *c = ic->c;
	double cash = o->settings->cash;
	int8_t *sig = calloc(c->n, 1);
	struct tsm_metrics_in mi;
	bool ok = sig != NULL;

	memset(res, 0, sizeof(*res));
	res->trades.ruin_bar = SIZE_MAX;
	if (!ok)
		tsm_error("out of memory");
	ok = ok && windows(c, tr, te, res);
	for (size_t k = 0; ok && k < res->n; k++) {
		struct tsm_wf_window *w = &res->w[k];

		ok = train(ic, o, sets, nsets, jobs, metric, w);
		if (ok && w->ok)
			ok = test(ic, o, w, &cash, sig, res);
	}
	free(sig);
	if (!ok)
		return false;
	res->from = res->w[0].test_from;
	res->to = res->w[res->n - 1].test_to;
	res->trades.start = res->from;
	res->trades.cash = cash;
	memset(&mi, 0, sizeof(mi));
	mi.c = c;
	mi.from = res->from;
	mi.to = res->to;
	mi.r = &res->trades;
	mi.cash = o->settings->cash;
	mi.buy_hold_bar = res->from;
	mi.annual_days = o->annual_days;
	mi.market_logret = ic->market_logret;
	mi.equity_fn = o->equity_fn;
	mi.equity_arg = o->equity_arg;
	return tsm_metrics_compute(&mi, &res->m);
}

void
tsm_wf_result_free(struct tsm_wf_result *res)
{
	free(res->w);
	tsm_bt_result_free(&res->trades);
	memset(res, 0, sizeof(*res));
}
