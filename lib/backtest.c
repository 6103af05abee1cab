/*
 * backtest.c: the simulation core.
 *
 * One pass over the bars.  At bar i the broker first fills the order the
 * strategy placed at the close of bar i-1 (closing the open trade, then
 * opening the new one), then checks the open trade's stop-loss and
 * take-profit against bar i, then the equity; then the strategy moves the
 * trailing stop and reads its signal for bar i.  The arithmetic follows
 * backtesting.py's broker operation for operation, so that trades and
 * cash come out equal to the last bit: the fee and the sizing formulas
 * below are its formulas.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backtest.h"
#include "log.h"
#include "num.h"

void
tsm_bt_defaults(struct tsm_bt_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->cash = 10000;
	s->size = 1;
	s->step = 1;
	s->fill = TSM_FILL_OPEN;
}

bool
tsm_bt_settings_check(const struct tsm_bt_settings *s, bool fractional)
{
	if (s->units > 0 && s->size != 1) {
		tsm_usage_error("give --size or --units, not both");
		return false;
	}
	if (s->units > 0) {
		double steps = s->units / s->step;

		if (fabs(steps - nearbyint(steps)) > 1e-9 * steps ||
		    nearbyint(steps) < 1) {
			char u[TSM_NUM_BUFSZ];

			tsm_format_double(s->units, u);
			tsm_usage_error("--units %s is not a whole number of %s",
			    u, fractional ? "--fractional steps" : "units");
			if (!fractional)
				tsm_hint("trade fractions of a unit with "
				    "--fractional");
			return false;
		}
	}
	return true;
}

const char *
tsm_exit_reason_name(enum tsm_exit_reason reason)
{
	switch (reason) {
	case TSM_EXIT_OPEN:
		return "open";
	case TSM_EXIT_SIGNAL:
		return "signal";
	case TSM_EXIT_STOP:
		return "stop-loss";
	case TSM_EXIT_TRAIL:
		return "trailing-stop";
	case TSM_EXIT_TAKE:
		return "take-profit";
	case TSM_EXIT_END:
		return "end";
	case TSM_EXIT_RUIN:
		return "ruin";
	}
	return "";
}

double
tsm_py_floordiv(double x, double y)
{
	double mod = fmod(x, y), div = (x - mod) / y, fl;

	if (mod != 0) {
		if ((y < 0) != (mod < 0))
			div -= 1.0;
	}
	if (div != 0) {
		fl = floor(div);
		if (div - fl > 0.5)
			fl += 1.0;
		return fl;
	}
	return copysign(0.0, x / y);
}

/* The state of one run. */
struct sim {
	const struct tsm_candles *c;
	const struct tsm_bt_settings *s;
	struct tsm_bt_result *r;
	double cash;
	double fraction;		/* of equity per entry */
	int pos;			/* -1, 0, +1 */
	struct tsm_trade t;		/* the open trade */
	bool trailed;			/* t.sl was moved by the trailing stop */
	bool stops;			/* stop-loss or take-profit set */
	bool pend_close;		/* orders placed at the last close */
	int pend_open;
	bool ruined;
	double safe_px;			/* a close on the open trade's side
					   of which the equity is surely
					   above zero */
};

/* backtesting.py's commission: fixed + |size| * price * rate, here with
 * a floor. */
static inline double
fee(const struct tsm_bt_settings *s, double size, double price)
{
	double f = s->commission_fixed + fabs(size) * price * s->commission;

	return f < s->commission_min ? s->commission_min : f;
}

static bool
push_trade(struct tsm_bt_result *r, const struct tsm_trade *t)
{
	if (r->ntrades == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct tsm_trade *p = realloc(r->trades, cap * sizeof(*p));

		if (p == NULL) {
			tsm_error("out of memory for %zu trades", cap);
			return false;
		}
		r->trades = p;
		r->cap = cap;
	}
	r->trades[r->ntrades++] = *t;
	return true;
}

/* Closes the open trade at price, dated bar, in the step of bar i. */
static bool
close_trade(struct sim *m, double price, size_t bar, size_t i,
    enum tsm_exit_reason reason)
{
	struct tsm_trade *t = &m->t;
	double gross = t->size * (price - t->entry_price), fees;

	t->exit_price = price;
	t->exit_bar = bar;
	t->exit_fill = i;
	t->exit_fee = fee(m->s, t->size, price);
	t->reason = reason;
	m->cash += gross - t->exit_fee;
	fees = t->exit_fee + t->entry_fee;
	t->pnl = gross - fees;
	t->ret = copysign(1.0, t->size) * (price / t->entry_price - 1) -
	    fees / (fabs(t->size) * t->entry_price);
	m->pos = 0;
	m->r->nclosed++;
	return push_trade(m->r, t);
}

/*
 * Opens a trade in direction dir at the market price px, dated bar, in
 * the step of bar i; an entry the cash cannot pay for is refused, as
 * backtesting.py's broker cancels it.
 */
static void
open_trade(struct sim *m, int dir, double px, size_t bar, size_t i)
{
	const struct tsm_bt_settings *s = m->s;
	double order = s->units > 0 ? s->units / s->step : m->fraction;
	double spx = s->step == 1 ? px : px * s->step;
	double adj = spx * (1 + copysign(s->spread, dir));
	double per, avail, n, entry;

	if (s->slippage != 0)
		adj *= 1 + dir * s->slippage;
	per = adj + fee(s, order, spx) / order;
	avail = m->cash > 0 ? m->cash : 0;
	n = s->units > 0 ? order :
	    tsm_py_floordiv(avail * 1.0 * m->fraction, per);
	if (n == 0 || n * per > avail * 1.0) {
		if (m->r->refused++ == 0) {
			m->r->refused_bar = bar;
			m->r->refused_price = px;
		}
		return;
	}
	entry = s->step == 1 ? adj : adj / s->step;
	memset(&m->t, 0, sizeof(m->t));
	m->t.size = dir * (s->step == 1 ? n : n * s->step);
	m->t.entry_price = entry;
	m->t.entry_bar = bar;
	m->t.entry_fill = i;
	m->t.entry_fee = fee(s, m->t.size, entry);
	m->t.sl = m->t.tp = NAN;
	m->cash -= m->t.entry_fee;
	m->pos = dir;
	m->trailed = false;
	if (s->stop_loss > 0)
		m->t.sl = entry * (1 - dir * s->stop_loss);
	if (s->trailing > 0) {
		double tl = entry * (1 - dir * s->trailing);

		if (isnan(m->t.sl) || (dir > 0 ? tl > m->t.sl : tl < m->t.sl))
			m->t.sl = tl;
	}
	if (s->take_profit > 0)
		m->t.tp = entry * (1 + dir * s->take_profit);
	/*
	 * The equity cash + q * (close - entry) is above zero while the
	 * close is above (a short's: below) entry - cash / q; with a margin
	 * far wider than the rounding of either side, bars away from it
	 * need no exact check.
	 */
	{
		double thr = entry - m->cash / m->t.size;
		double margin = 1e-9 * (fabs(entry) + fabs(m->cash / m->t.size));

		m->safe_px = dir > 0 ? thr + margin : thr - margin;
	}
}

/* The stop-loss, then the take-profit, against bar i. */
static bool
check_stops(struct sim *m, size_t i)
{
	const struct tsm_candles *c = m->c;
	double o = c->open[i], slip = m->s->slippage;

	if (m->pos > 0) {
		if (c->low[i] <= m->t.sl) {
			double px = o < m->t.sl ? o : m->t.sl;

			return close_trade(m, slip != 0 ? px * (1 - slip) : px,
			    i, i, m->trailed ? TSM_EXIT_TRAIL : TSM_EXIT_STOP);
		}
		if (c->high[i] >= m->t.tp)
			return close_trade(m, o > m->t.tp ? o : m->t.tp, i, i,
			    TSM_EXIT_TAKE);
	} else {
		if (c->high[i] >= m->t.sl) {
			double px = o > m->t.sl ? o : m->t.sl;

			return close_trade(m, slip != 0 ? px * (1 + slip) : px,
			    i, i, m->trailed ? TSM_EXIT_TRAIL : TSM_EXIT_STOP);
		}
		if (c->low[i] <= m->t.tp)
			return close_trade(m, o < m->t.tp ? o : m->t.tp, i, i,
			    TSM_EXIT_TAKE);
	}
	return true;
}

/*
 * Out of money: the equity at the close is zero or less (a short's loss,
 * or fees larger than the cash).  The open trade closes at the close and
 * the run stops, as backtesting.py's broker does.
 */
static bool
check_ruin(struct sim *m, size_t i)
{
	double px = m->c->close[i], equity = m->cash;

	if (m->pos != 0)
		equity += px * m->t.size - m->t.size * m->t.entry_price;
	if (equity > 0)
		return true;
	if (m->pos != 0 && !close_trade(m, px, i, i, TSM_EXIT_RUIN))
		return false;
	m->cash = 0;
	m->ruined = true;
	m->r->ruin_bar = i;
	return true;
}

/* The broker's step at bar i: fills, stops, equity. */
static bool
broker_step(struct sim *m, size_t i, enum tsm_exit_reason close_reason)
{
	const struct tsm_candles *c = m->c;
	bool at_close = m->s->fill == TSM_FILL_CLOSE;
	double px = at_close ? c->close[i - 1] : c->open[i];
	size_t bar = at_close ? i - 1 : i;

	if (m->pend_close && m->pos != 0) {
		double slip = m->s->slippage;

		if (!close_trade(m, slip != 0 ? px * (1 - m->pos * slip) : px,
		    bar, i, close_reason))
			return false;
	}
	if (m->pend_open != 0)
		open_trade(m, m->pend_open, px, bar, i);
	m->pend_close = false;
	m->pend_open = 0;
	if (m->pos != 0 && m->stops && !check_stops(m, i))
		return false;
	return check_ruin(m, i);
}

/* The strategy's step at the close of bar i. */
static inline void
strategy_step(struct sim *m, size_t i, int sg)
{
	if (m->pos != 0 && m->s->trailing > 0) {
		double lvl = m->c->close[i] * (1 - m->pos * m->s->trailing);

		if (m->pos > 0 ? lvl > m->t.sl : lvl < m->t.sl) {
			m->t.sl = lvl;
			m->trailed = true;
		}
	}
	if (sg > 0) {
		if (m->pos <= 0) {
			m->pend_close = m->pos < 0;
			m->pend_open = 1;
		}
	} else if (sg < 0) {
		if (m->pos > 0) {
			m->pend_close = true;
			m->pend_open = m->s->allow_short ? -1 : 0;
		} else if (m->pos == 0 && m->s->allow_short) {
			m->pend_open = -1;
		}
	}
}

/*
 * The first bar from i on with a signal, or (with a trade open) a close
 * not on the safe side of safe_px: eight bars at a time where it can.
 */
static inline size_t
skip_quiet(const int8_t *sig, const double *close, size_t i, size_t to,
    int pos, double safe_px)
{
	for (; i + 8 <= to; i += 8) {
		uint64_t w;

		memcpy(&w, sig + i, sizeof(w));
		if (w != 0)
			break;
		if (pos != 0) {
			double lo = close[i], hi = close[i];

			for (int k = 1; k < 8; k++) {
				lo = close[i + k] < lo ? close[i + k] : lo;
				hi = close[i + k] > hi ? close[i + k] : hi;
			}
			if (pos > 0 ? !(lo > safe_px) : !(hi < safe_px))
				break;
		}
	}
	if (pos == 0)
		while (i < to && sig[i] == 0)
			i++;
	else if (pos > 0)
		while (i < to && sig[i] == 0 && close[i] > safe_px)
			i++;
	else
		while (i < to && sig[i] == 0 && close[i] < safe_px)
			i++;
	return i;
}

bool
tsm_bt_run(const struct tsm_candles *c, size_t from, size_t to, size_t start,
    const int8_t *sig, const struct tsm_bt_settings *s,
    struct tsm_bt_result *r)
{
	struct sim m;
	size_t i;

	r->ntrades = r->nclosed = 0;
	r->start = start < from ? from : start;
	r->ruin_bar = SIZE_MAX;
	r->refused = 0;
	r->refused_bar = 0;
	r->refused_price = 0;
	memset(&m, 0, sizeof(m));
	m.c = c;
	m.s = s;
	m.r = r;
	m.cash = s->cash;
	/* backtesting.py's whole-equity order size is 1 - epsilon. */
	m.fraction = s->size >= 1 ? 1 - DBL_EPSILON : s->size;
	m.stops = s->stop_loss > 0 || s->take_profit > 0 || s->trailing > 0;
	if (r->start >= to) {
		r->cash = m.cash;
		return true;
	}
	for (i = r->start; i < to;) {
		const double *close = c->close;

		if (m.pend_close || m.pend_open) {
			if (!broker_step(&m, i, TSM_EXIT_SIGNAL))
				return false;
		} else if (m.pos != 0) {
			if (m.stops && !check_stops(&m, i))
				return false;
			if ((m.pos > 0 ? close[i] <= m.safe_px :
			    m.pos < 0 ? close[i] >= m.safe_px : m.cash <= 0) &&
			    !check_ruin(&m, i))
				return false;
		}
		if (m.ruined)
			break;
		if (sig[i] != 0 || (m.pos != 0 && s->trailing > 0))
			strategy_step(&m, i, sig[i]);
		i++;
		/*
		 * Without stops or an order waiting, a bar without a signal
		 * changes nothing unless the equity may reach zero: skip to
		 * the next that can.
		 */
		if (m.pend_close || m.pend_open || m.stops)
			continue;
		i = skip_quiet(sig, close, i, to, m.pos, m.safe_px);
	}
	if (!m.ruined && s->close_at_end) {
		/*
		 * backtesting.py's finalize_trades: a close order ahead of
		 * whatever the last close placed, and the broker's step run
		 * again on the last bar.
		 */
		m.pend_close = m.pos != 0 || m.pend_close;
		if (m.pend_close || m.pend_open)
			if (!broker_step(&m, to - 1, TSM_EXIT_END))
				return false;
	}
	if (m.pos != 0) {
		m.t.reason = TSM_EXIT_OPEN;
		m.t.exit_price = NAN;
		m.t.exit_bar = m.t.exit_fill = SIZE_MAX;
		m.t.exit_fee = m.t.pnl = m.t.ret = NAN;
		if (!push_trade(r, &m.t))
			return false;
	}
	r->cash = m.cash;
	return true;
}

void
tsm_bt_result_free(struct tsm_bt_result *r)
{
	free(r->trades);
	memset(r, 0, sizeof(*r));
}
