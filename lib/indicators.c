/*
 * indicators.c: technical indicators, one bar at a time.
 *
 * Three building blocks serve every indicator: a rolling mean as pandas
 * computes it (Kahan-compensated running sum), an EMA seeded with the
 * plain mean of its first period (TA-Lib's), and Wilder's average.  The
 * definitions are listed in indicators.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "indicators.h"
#include "log.h"

/*
 * The mean of the last p values, as pandas' rolling(p).mean(): a running
 * sum with one Kahan compensation for the values added and another for
 * the values taken out, and, when the window holds p equal values in a
 * row, exactly that value (so that a flat market gives a flat average, not
 * one that wobbles in the last bit).  The window itself is kept in ring.
 */
struct rmean {
	int p;
	int filled;		/* values in the ring, up to p */
	int head;		/* the oldest value, once filled */
	double *ring;
	double sum, cadd, crem;
	double prev;		/* the last value added */
	int neg;		/* negative values in the window */
	int same;		/* equal values in a row, ending with prev */
};

static bool
rmean_init(struct rmean *m, int p)
{
	memset(m, 0, sizeof(*m));
	m->p = p;
	m->ring = malloc(sizeof(double) * (size_t)p);
	return m->ring != NULL;
}

/* Adds x; returns the mean once p values are in, NaN before. */
static double
rmean_push(struct rmean *m, double x)
{
	double y, t, r;

	if (m->p == 1) {
		/* pandas starts each one-value window afresh: x itself. */
		m->ring[0] = x;
		m->filled = 1;
		m->prev = x;
		return x;
	}
	if (m->filled == m->p) {
		double old = m->ring[m->head];

		y = -old - m->crem;
		t = m->sum + y;
		m->crem = t - m->sum - y;
		m->sum = t;
		if (signbit(old))
			m->neg--;
	} else {
		if (m->filled == 0)
			m->prev = x;
		m->filled++;
	}
	m->ring[m->head] = x;
	if (++m->head == m->p)
		m->head = 0;
	y = x - m->cadd;
	t = m->sum + y;
	m->cadd = t - m->sum - y;
	m->sum = t;
	if (signbit(x))
		m->neg++;
	m->same = x == m->prev ? m->same + 1 : 1;
	m->prev = x;
	if (m->filled < m->p)
		return NAN;
	r = m->sum / m->p;
	if (m->same >= m->p)
		r = m->prev;
	else if (m->neg == 0 && r < 0)
		r = 0;
	else if (m->neg == m->p && r > 0)
		r = 0;
	return r;
}

/* The i-th value of the full window, from the oldest (i = 0). */
static inline double
rmean_at(const struct rmean *m, int i)
{
	int j = m->head + i;

	return m->ring[j >= m->p ? j - m->p : j];
}

/* An EMA seeded with the plain mean of its first p values. */
struct ema {
	int p, n;
	double k, v;
};

static void
ema_init(struct ema *e, int p)
{
	e->p = p;
	e->n = 0;
	e->k = 2.0 / (p + 1);
	e->v = 0;
}

static double
ema_push(struct ema *e, double x)
{
	if (e->n < e->p) {
		e->v += x;
		if (++e->n < e->p)
			return NAN;
		e->v /= e->p;
		return e->v;
	}
	e->v = (x - e->v) * e->k + e->v;
	return e->v;
}

/* Wilder's average: the plain mean of the first p values, then
 * a = (a*(p-1) + x)/p. */
struct wilder {
	int p, n;
	double v;
};

static void
wilder_init(struct wilder *w, int p)
{
	w->p = p;
	w->n = 0;
	w->v = 0;
}

static double
wilder_push(struct wilder *w, double x)
{
	if (w->n < w->p) {
		w->v += x;
		if (++w->n < w->p)
			return NAN;
		w->v /= w->p;
		return w->v;
	}
	w->v = (w->v * (w->p - 1) + x) / w->p;
	return w->v;
}

struct tsm_ind {
	struct tsm_ind_spec spec;
	long n;				/* bars seen */
	double prev_close, prev_high, prev_low;
	struct rmean m;			/* sma, bbands, cci, stoch %D */
	struct ema e[3];		/* ema; macd fast, slow, signal */
	struct wilder w[4];		/* rsi, atr, adx */
	double *hi, *lo;		/* stoch windows */
	int head;
	double acc, vol;		/* obv; vwap sums */
	int64_t day;			/* vwap session */
};

struct tsm_ind *
tsm_ind_new(const struct tsm_ind_spec *spec)
{
	struct tsm_ind *ind = calloc(1, sizeof(*ind));
	int p = spec->period[0];
	bool ok = true;

	if (ind == NULL)
		return NULL;
	ind->spec = *spec;
	switch (spec->kind) {
	case TSM_IND_SMA:
	case TSM_IND_BBANDS:
	case TSM_IND_CCI:
		ok = rmean_init(&ind->m, p);
		break;
	case TSM_IND_EMA:
		ema_init(&ind->e[0], p);
		break;
	case TSM_IND_MACD:
		ema_init(&ind->e[0], spec->period[0]);
		ema_init(&ind->e[1], spec->period[1]);
		ema_init(&ind->e[2], spec->period[2]);
		break;
	case TSM_IND_RSI:
	case TSM_IND_ATR:
	case TSM_IND_ADX:
		for (int i = 0; i < 4; i++)
			wilder_init(&ind->w[i], p);
		break;
	case TSM_IND_STOCH:
		ok = rmean_init(&ind->m, spec->period[1]);
		ind->hi = malloc(sizeof(double) * (size_t)p);
		ind->lo = malloc(sizeof(double) * (size_t)p);
		ok = ok && ind->hi != NULL && ind->lo != NULL;
		break;
	case TSM_IND_OBV:
	case TSM_IND_VWAP:
		break;
	}
	if (!ok) {
		tsm_ind_free(ind);
		return NULL;
	}
	return ind;
}

void
tsm_ind_free(struct tsm_ind *ind)
{
	if (ind == NULL)
		return;
	free(ind->m.ring);
	free(ind->hi);
	free(ind->lo);
	free(ind);
}

/* The true range of bar b against the previous close. */
static double
true_range(const struct tsm_ind *ind, const struct tsm_bar *b)
{
	double tr = b->high - b->low;
	double up = fabs(b->high - ind->prev_close);
	double dn = fabs(b->low - ind->prev_close);

	if (up > tr)
		tr = up;
	if (dn > tr)
		tr = dn;
	return tr;
}

static void
update_bbands(struct tsm_ind *ind, double close, double *out)
{
	double mid = rmean_push(&ind->m, close), ss = 0, sd;
	int p = ind->m.p;

	if (isnan(mid)) {
		out[0] = out[1] = out[2] = NAN;
		return;
	}
	for (int i = 0; i < p; i++) {
		double d = rmean_at(&ind->m, i) - mid;

		ss += d * d;
	}
	sd = sqrt(ss / p);
	out[0] = mid - ind->spec.k * sd;
	out[1] = mid;
	out[2] = mid + ind->spec.k * sd;
}

static void
update_cci(struct tsm_ind *ind, const struct tsm_bar *b, double *out)
{
	double tp = (b->high + b->low + b->close) / 3;
	double mean = rmean_push(&ind->m, tp), md = 0;
	int p = ind->m.p;

	if (isnan(mean)) {
		out[0] = NAN;
		return;
	}
	for (int i = 0; i < p; i++)
		md += fabs(rmean_at(&ind->m, i) - mean);
	md /= p;
	out[0] = md == 0 ? 0 : (tp - mean) / (0.015 * md);
}

static void
update_stoch(struct tsm_ind *ind, const struct tsm_bar *b, double *out)
{
	int k = ind->spec.period[0];
	double hh, ll, pk;

	ind->hi[ind->head] = b->high;
	ind->lo[ind->head] = b->low;
	if (++ind->head == k)
		ind->head = 0;
	if (ind->n + 1 < k) {
		out[0] = out[1] = NAN;
		return;
	}
	hh = ind->hi[0];
	ll = ind->lo[0];
	for (int i = 1; i < k; i++) {
		if (ind->hi[i] > hh)
			hh = ind->hi[i];
		if (ind->lo[i] < ll)
			ll = ind->lo[i];
	}
	pk = hh == ll ? 50 : 100 * (b->close - ll) / (hh - ll);
	out[0] = pk;
	out[1] = rmean_push(&ind->m, pk);
}

static void
update_adx(struct tsm_ind *ind, const struct tsm_bar *b, double *out)
{
	double up, dn, pdm, mdm, tr, apdm, amdm, atr, pdi, mdi, sum, dx;

	out[0] = out[1] = out[2] = NAN;
	if (ind->n == 0)
		return;
	up = b->high - ind->prev_high;
	dn = ind->prev_low - b->low;
	pdm = up > dn && up > 0 ? up : 0;
	mdm = dn > up && dn > 0 ? dn : 0;
	tr = true_range(ind, b);
	apdm = wilder_push(&ind->w[0], pdm);
	amdm = wilder_push(&ind->w[1], mdm);
	atr = wilder_push(&ind->w[2], tr);
	if (isnan(atr))
		return;
	pdi = atr == 0 ? 0 : 100 * (apdm / atr);
	mdi = atr == 0 ? 0 : 100 * (amdm / atr);
	sum = pdi + mdi;
	dx = sum == 0 ? 0 : 100 * (fabs(pdi - mdi) / sum);
	out[0] = wilder_push(&ind->w[3], dx);
	out[1] = pdi;
	out[2] = mdi;
}

/* The UTC day number of a time in microseconds (floor division). */
static int64_t
day_of(int64_t t)
{
	const int64_t d = INT64_C(86400000000);

	return t >= 0 ? t / d : -((-t + d - 1) / d);
}

void
tsm_ind_update(struct tsm_ind *ind, const struct tsm_bar *b, double *out)
{
	switch (ind->spec.kind) {
	case TSM_IND_SMA:
		out[0] = rmean_push(&ind->m, b->close);
		break;
	case TSM_IND_EMA:
		out[0] = ema_push(&ind->e[0], b->close);
		break;
	case TSM_IND_RSI:
		out[0] = NAN;
		if (ind->n > 0) {
			double d = b->close - ind->prev_close;
			double g = wilder_push(&ind->w[0], d > 0 ? d : 0);
			double l = wilder_push(&ind->w[1], d < 0 ? -d : 0);

			if (!isnan(g))
				out[0] = g + l == 0 ? 50 : 100 * (g / (g + l));
		}
		break;
	case TSM_IND_MACD: {
		double f = ema_push(&ind->e[0], b->close);
		double s = ema_push(&ind->e[1], b->close);

		out[0] = out[1] = out[2] = NAN;
		if (!isnan(s)) {
			out[0] = f - s;
			out[1] = ema_push(&ind->e[2], out[0]);
			out[2] = out[0] - out[1];
		}
		break;
	}
	case TSM_IND_BBANDS:
		update_bbands(ind, b->close, out);
		break;
	case TSM_IND_ATR:
		out[0] = ind->n > 0 ?
		    wilder_push(&ind->w[0], true_range(ind, b)) : NAN;
		break;
	case TSM_IND_OBV:
		if (ind->n > 0 && b->close > ind->prev_close)
			ind->acc += b->volume;
		else if (ind->n > 0 && b->close < ind->prev_close)
			ind->acc -= b->volume;
		out[0] = ind->acc;
		break;
	case TSM_IND_STOCH:
		update_stoch(ind, b, out);
		break;
	case TSM_IND_ADX:
		update_adx(ind, b, out);
		break;
	case TSM_IND_CCI:
		update_cci(ind, b, out);
		break;
	case TSM_IND_VWAP: {
		double tp = (b->high + b->low + b->close) / 3;
		int64_t day = day_of(b->time);

		if (ind->n == 0 || day != ind->day) {
			ind->day = day;
			ind->acc = ind->vol = 0;
		}
		ind->acc += tp * b->volume;
		ind->vol += b->volume;
		out[0] = ind->vol > 0 ? ind->acc / ind->vol : tp;
		break;
	}
	}
	ind->prev_close = b->close;
	ind->prev_high = b->high;
	ind->prev_low = b->low;
	ind->n++;
}

bool
tsm_ind_series(const struct tsm_ind_spec *spec, const int64_t *time,
    const double *open, const double *high, const double *low,
    const double *close, const double *volume, size_t n, double *const *out)
{
	struct tsm_ind *ind = tsm_ind_new(spec);
	struct tsm_bar b;
	double row[3];

	if (ind == NULL) {
		tsm_error("out of memory for indicator %s", spec->out[0]);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		b.time = time ? time[i] : 0;
		b.open = open ? open[i] : close[i];
		b.high = high ? high[i] : close[i];
		b.low = low ? low[i] : close[i];
		b.close = close[i];
		b.volume = volume ? volume[i] : 0;
		tsm_ind_update(ind, &b, row);
		for (int k = 0; k < spec->nout; k++)
			out[k][i] = row[k];
	}
	tsm_ind_free(ind);
	return true;
}
