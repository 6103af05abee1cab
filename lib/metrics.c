/*
 * metrics.c: backtesting.py's statistics, computed in one pass.
 *
 * The pass rebuilds the equity of every bar from the trades with the
 * broker's own operations (so that it is the broker's equity to the last
 * bit) and feeds the running figures: peak and drawdown, drawdown
 * periods, the last equity of each calendar day, and the covariance of
 * the equity's and the market's log returns.  Sums over the short series
 * (days, trades) are numpy's pairwise sums, as pandas takes them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "timeparse.h"

#define US_PER_DAY INT64_C(86400000000)
#define NS_PER_US 1000

/* A growable array of doubles. */
struct dvec {
	double *v;
	size_t n, cap;
};

static bool
dvec_push(struct dvec *d, double x)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 256;
		double *p = realloc(d->v, cap * sizeof(double));

		if (p == NULL) {
			tsm_error("out of memory");
			return false;
		}
		d->v = p;
		d->cap = cap;
	}
	d->v[d->n++] = x;
	return true;
}

double
tsm_pairwise_sum(const double *a, size_t n)
{
	double r[8], res;
	size_t i, n2;

	if (n < 8) {
		res = -0.0;
		for (i = 0; i < n; i++)
			res += a[i];
		return res;
	}
	if (n <= 128) {
		memcpy(r, a, sizeof(r));
		for (i = 8; i < n - n % 8; i += 8)
			for (int j = 0; j < 8; j++)
				r[j] += a[i + j];
		res = ((r[0] + r[1]) + (r[2] + r[3])) +
		    ((r[4] + r[5]) + (r[6] + r[7]));
		for (; i < n; i++)
			res += a[i];
		return res;
	}
	n2 = n / 2;
	n2 -= n2 % 8;
	return tsm_pairwise_sum(a, n2) + tsm_pairwise_sum(a + n2, n - n2);
}

static double
mean(const double *a, size_t n)
{
	return n ? tsm_pairwise_sum(a, n) / (double)n : NAN;
}

/* The sample variance (ddof 1), two passes, as pandas' nanvar. */
static double
variance(const double *a, size_t n, double *scratch)
{
	double m;

	if (n < 2)
		return NAN;
	m = mean(a, n);
	for (size_t i = 0; i < n; i++)
		scratch[i] = (m - a[i]) * (m - a[i]);
	return tsm_pairwise_sum(scratch, n) / (double)(n - 1);
}

/* backtesting.py's geometric_mean of returns (fractions). */
static double
geometric_mean(const double *r, size_t n, double *scratch)
{
	for (size_t i = 0; i < n; i++) {
		double x = r[i] + 1;

		if (x <= 0)
			return 0;
		scratch[i] = log(x);
	}
	return n ? exp(tsm_pairwise_sum(scratch, n) / (double)n) - 1 : NAN;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

enum bucket { B_DAY, B_WEEK, B_MONTH, B_YEAR };

/* The calendar bucket of t for pandas' resample: D, W, ME, YE. */
static int64_t
bucket_key(int64_t t, enum bucket b)
{
	int64_t day = floor_div(t, US_PER_DAY);
	int y, mo, d;

	switch (b) {
	case B_DAY:
		return day;
	case B_WEEK:
		return floor_div(day - 4, 7);	/* weeks from Monday */
	case B_MONTH:
	case B_YEAR:
		tsm_civil_from_days(day, &y, &mo, &d);
		return b == B_MONTH ? (int64_t)y * 12 + mo : y;
	}
	return day;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* backtesting.py's _data_period: the median step of the last 100 bars. */
static int64_t
data_period_ns(const int64_t *t, size_t from, size_t to)
{
	int64_t d[99];
	size_t lo = to - from > 100 ? to - 100 : from, k = 0;

	for (size_t i = lo + 1; i < to; i++)
		d[k++] = (t[i] - t[i - 1]) * NS_PER_US;
	if (k == 0)
		return 0;
	qsort(d, k, sizeof(d[0]), cmp_i64);
	if (k % 2)
		return d[k / 2];
	return (int64_t)(((double)d[k / 2 - 1] + (double)d[k / 2]) / 2);
}

/* pandas' resolution of a duration: its smallest non-zero unit. */
static int64_t
resolution_ns(int64_t period)
{
	static const int64_t units[] = { INT64_C(86400000000000),
		INT64_C(3600000000000), INT64_C(60000000000),
		INT64_C(1000000000), INT64_C(1000000), INT64_C(1000), 1 };

	for (size_t i = 0; i < 7; i++)
		if (period % units[i] == 0)
			return units[i];
	return 1;
}

/* Timedelta.ceil(resolution). */
static int64_t
ceil_to(int64_t v, int64_t res)
{
	int64_t q = floor_div(v, res);

	return q * res == v ? v : (q + 1) * res;
}

/* The mean of durations as pandas takes it: a float sum, truncated. */
static int64_t
mean_duration(const double *ns, size_t n)
{
	return n ? (int64_t)(tsm_pairwise_sum(ns, n) / (double)n) :
	    TSM_NO_DURATION;
}

/* The running state of the pass over the bars. */
struct pass {
	double eq0, eq, prev, peak, dd_max, equity_peak;
	size_t last_zero;		/* the last bar with no drawdown */
	double run_max;			/* the deepest since then */
	struct dvec dd_peaks, dd_durs;	/* of each drawdown period */
	int64_t dd_dur_max;
	struct dvec day_last;		/* the last equity of each bucket */
	int64_t key;
	size_t weekend;
	double n, mx, my, cxy, myy;	/* Welford's co-moments */
};

static bool
drawdown_period(struct pass *p, const int64_t *t, size_t a, size_t b)
{
	int64_t d = (t[b] - t[a]) * NS_PER_US;

	if (d > p->dd_dur_max)
		p->dd_dur_max = d;
	return dvec_push(&p->dd_peaks, p->run_max) &&
	    dvec_push(&p->dd_durs, (double)d);
}

/* Rebuilds the equity bar by bar and feeds the running figures. */
static bool
equity_pass(const struct tsm_metrics_in *in, enum bucket bk, struct pass *p)
{
	const struct tsm_candles *c = in->c;
	const struct tsm_bt_result *r = in->r;
	const struct tsm_trade *t = NULL;
	double cash = in->cash;
	size_t k = 0;

	p->dd_dur_max = TSM_NO_DURATION;
	for (size_t i = in->from; i < in->to; i++) {
		double dd;

		/* The fills of bar i's step, in the order they happened. */
		while (k < r->ntrades) {
			const struct tsm_trade *x = &r->trades[k];

			if (t == NULL) {
				if (x->entry_fill != i)
					break;
				cash -= x->entry_fee;
				t = x;
			}
			if (x->reason == TSM_EXIT_OPEN || x->exit_fill != i)
				break;
			cash += x->size * (x->exit_price - x->entry_price) -
			    x->exit_fee;
			t = NULL;
			k++;
		}
		if (i >= r->ruin_bar)
			p->eq = cash = 0;
		else if (t != NULL)
			p->eq = cash + (c->close[i] * t->size -
			    t->size * t->entry_price);
		else
			p->eq = cash;
		if (i == in->from) {
			p->eq0 = p->peak = p->equity_peak = p->eq;
			p->last_zero = i;
			p->key = bucket_key(c->time[i], bk);
		} else {
			double x = p->eq == p->prev && p->prev != 0 ? 0 :
			    log(p->eq / p->prev);
			double y = in->market_logret ? in->market_logret[i] :
			    log(c->close[i] / c->close[i - 1]);
			double dx, oy;
			int64_t key = bucket_key(c->time[i], bk);

			if (p->eq > p->peak)
				p->peak = p->eq;
			if (p->eq > p->equity_peak)
				p->equity_peak = p->eq;
			if (key != p->key && !dvec_push(&p->day_last, p->prev))
				return false;
			p->key = key;
			p->n += 1;
			dx = x - p->mx;
			p->mx += dx / p->n;
			oy = p->my;
			p->my += (y - p->my) / p->n;
			p->cxy += dx * (y - p->my);
			p->myy += (y - oy) * (y - p->my);
		}
		dd = 1 - p->eq / p->peak;
		if (dd > p->dd_max)
			p->dd_max = dd;
		if (dd == 0) {
			if (i > p->last_zero + 1 &&
			    !drawdown_period(p, c->time, p->last_zero, i))
				return false;
			p->last_zero = i;
			p->run_max = 0;
		} else if (dd > p->run_max || isnan(dd)) {
			p->run_max = dd;
		}
		if (in->equity_fn)
			in->equity_fn(in->equity_arg, i, p->eq, dd);
		{
			/* 0 Sunday .. 6 Saturday; 1970-01-01 was a Thursday. */
			int64_t wd = (floor_div(c->time[i], US_PER_DAY) % 7 +
			    11) % 7;

			if (wd == 0 || wd == 6)
				p->weekend++;
		}
		p->prev = p->eq;
	}
	/* The drawdown still open at the end is a period too. */
	if (1 - p->eq / p->peak != 0 && in->to - 1 > p->last_zero + 1 &&
	    !drawdown_period(p, c->time, p->last_zero, in->to - 1))
		return false;
	return dvec_push(&p->day_last, p->eq);
}

/* Return, volatility, Sharpe, Sortino, Calmar from the bucket returns. */
static bool
period_figures(struct pass *p, struct tsm_metrics *m, double *scratch,
    double *rets)
{
	size_t nr = p->day_last.n > 0 ? p->day_last.n - 1 : 0;
	double g, a = m->annual_days, v, ann, down;

	for (size_t j = 0; j < nr; j++)
		rets[j] = p->day_last.v[j + 1] / p->day_last.v[j] - 1;
	g = geometric_mean(rets, nr, scratch);
	v = variance(rets, nr, scratch);
	ann = pow(1 + g, a) - 1;
	m->return_ann_pct = ann * 100;
	m->volatility_ann_pct = sqrt(pow(v + pow(1 + g, 2), a) -
	    pow(1 + g, 2 * a)) * 100;
	m->sharpe = m->return_ann_pct /
	    (m->volatility_ann_pct != 0 ? m->volatility_ann_pct : NAN);
	for (size_t j = 0; j < nr; j++)
		scratch[j] = rets[j] < 0 ? rets[j] * rets[j] : 0;
	down = sqrt(mean(scratch, nr)) * sqrt(a);
	m->sortino = ann / down;
	m->calmar = ann / (p->dd_max != 0 ? p->dd_max : NAN);
	return true;
}

/* The figures of the closed trades. */
static void
trade_figures(const struct tsm_metrics_in *in, struct tsm_metrics *m,
    int64_t res, double *pl, double *ret, double *scratch)
{
	const struct tsm_bt_result *r = in->r;
	const int64_t *t = in->c->time;
	size_t n = r->nclosed, wins = 0, npos = 0, nneg = 0, nw = 0, nl = 0;
	double *pos, *neg, *plw, *pll, *dur, wr;
	int64_t dmax = TSM_NO_DURATION;

	m->trades = (double)n;
	m->commissions = 0;
	m->best_pct = m->worst_pct = NAN;
	for (size_t i = 0; i < n; i++) {
		const struct tsm_trade *x = &r->trades[i];

		pl[i] = x->pnl;
		ret[i] = x->ret;
		m->commissions += x->exit_fee + x->entry_fee;
		if (pl[i] > 0)
			wins++;
		if (i == 0 || ret[i] > m->best_pct)
			m->best_pct = ret[i];
		if (i == 0 || ret[i] < m->worst_pct)
			m->worst_pct = ret[i];
	}
	m->best_pct *= 100;
	m->worst_pct *= 100;
	wr = n ? (double)wins / (double)n : NAN;
	m->win_rate_pct = wr * 100;
	m->avg_trade_pct = geometric_mean(ret, n, scratch) * 100;
	/* Sums over subsets, in order, as pandas sums a filtered series. */
	pos = scratch;
	neg = scratch + n;
	for (size_t i = 0; i < n; i++) {
		if (ret[i] > 0)
			pos[npos++] = ret[i];
		else if (ret[i] < 0)
			neg[nneg++] = ret[i];
	}
	{
		double sp = tsm_pairwise_sum(pos, npos);
		double sn = fabs(tsm_pairwise_sum(neg, nneg));

		m->profit_factor = sp / (sn != 0 ? sn : NAN);
	}
	m->expectancy_pct = mean(ret, n) * 100;
	{
		double sd = sqrt(variance(pl, n, scratch));

		m->sqn = sqrt((double)n) * mean(pl, n) / (sd != 0 ? sd : NAN);
	}
	plw = scratch;
	pll = scratch + n;
	for (size_t i = 0; i < n; i++) {
		if (pl[i] > 0)
			plw[nw++] = pl[i];
		else if (pl[i] < 0)
			pll[nl++] = pl[i];
	}
	m->kelly = wr - (1 - wr) / (mean(plw, nw) / -mean(pll, nl));
	dur = scratch;
	for (size_t i = 0; i < n; i++) {
		int64_t d = (t[r->trades[i].exit_bar] -
		    t[r->trades[i].entry_bar]) * NS_PER_US;

		dur[i] = (double)d;
		if (dmax == TSM_NO_DURATION || d > dmax)
			dmax = d;
	}
	m->max_trade_duration = dmax == TSM_NO_DURATION ? dmax :
	    ceil_to(dmax, res);
	m->avg_trade_duration = n ? ceil_to(mean_duration(dur, n), res) :
	    TSM_NO_DURATION;
}

/* The share of bars inside a closed trade, ends included. */
static double
exposure(const struct tsm_metrics_in *in)
{
	const struct tsm_bt_result *r = in->r;
	size_t covered = in->from, count = 0;

	for (size_t i = 0; i < r->nclosed; i++) {
		size_t lo = r->trades[i].entry_bar, hi = r->trades[i].exit_bar;

		if (lo < covered)
			lo = covered;
		if (hi + 1 > lo) {
			count += hi + 1 - lo;
			covered = hi + 1;
		}
	}
	return (double)count / (double)(in->to - in->from) * 100;
}

bool
tsm_metrics_compute(const struct tsm_metrics_in *in, struct tsm_metrics *m)
{
	const struct tsm_candles *c = in->c;
	struct pass p;
	int64_t period = data_period_ns(c->time, in->from, in->to);
	int64_t days = period / (US_PER_DAY * NS_PER_US), res;
	enum bucket bk = days == 7 ? B_WEEK : days == 31 ? B_MONTH :
	    days == 365 ? B_YEAR : B_DAY;
	size_t n = in->to - in->from, ns;
	double *scratch = NULL, *a = NULL, *b = NULL, cb, years;
	int64_t dur_us;
	bool ok = false;

	memset(m, 0, sizeof(*m));
	memset(&p, 0, sizeof(p));
	res = resolution_ns(period);
	if (!equity_pass(in, bk, &p))
		goto out;
	ns = p.day_last.n + 2 * in->r->nclosed + p.dd_peaks.n + 8;
	scratch = malloc(ns * sizeof(double));
	a = malloc(ns * sizeof(double));
	b = malloc(ns * sizeof(double));
	if (scratch == NULL || a == NULL || b == NULL) {
		tsm_error("out of memory");
		goto out;
	}
	m->start = c->time[in->from];
	m->end = c->time[in->to - 1];
	dur_us = m->end - m->start;
	m->duration = dur_us * NS_PER_US;
	m->exposure_pct = exposure(in);
	m->equity_final = p.eq;
	m->equity_peak = p.equity_peak;
	m->return_pct = (p.eq - p.eq0) / p.eq0 * 100;
	cb = c->close[in->buy_hold_bar];
	m->buy_hold_pct = (c->close[in->to - 1] - cb) / cb * 100;
	m->annual_days = in->annual_days ? in->annual_days :
	    bk == B_WEEK ? 52 : bk == B_MONTH ? 12 : bk == B_YEAR ? 1 :
	    (double)p.weekend / (double)n > 2.0 / 7 * .6 ? 365 : 252;
	period_figures(&p, m, scratch, a);
	years = ((double)(dur_us / US_PER_DAY) +
	    (double)(dur_us % US_PER_DAY / 1000000) / 86400) / 365.25;
	m->cagr_pct = years != 0 ?
	    (pow(m->equity_final / p.eq0, 1 / years) - 1) * 100 : NAN;
	m->beta = p.n > 1 ? p.cxy / p.myy : NAN;
	m->alpha_pct = m->return_pct - m->beta * m->buy_hold_pct;
	m->max_dd_pct = -p.dd_max * 100;
	if (p.dd_peaks.n > 0) {
		m->avg_dd_pct = -mean(p.dd_peaks.v, p.dd_peaks.n) * 100;
		m->max_dd_duration = ceil_to(p.dd_dur_max, res);
		m->avg_dd_duration = ceil_to(mean_duration(p.dd_durs.v,
		    p.dd_durs.n), res);
	} else {
		/* No period: backtesting.py averages the non-zero
		 * drawdowns, which can only be the last bar's. */
		double last = 1 - p.eq / p.peak;

		m->avg_dd_pct = last != 0 ? -last * 100 : NAN;
		m->max_dd_duration = m->avg_dd_duration = TSM_NO_DURATION;
	}
	trade_figures(in, m, res, a, b, scratch);
	ok = true;
out:
	free(scratch);
	free(a);
	free(b);
	free(p.dd_peaks.v);
	free(p.dd_durs.v);
	free(p.day_last.v);
	return ok;
}
