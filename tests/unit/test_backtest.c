/*
 * test_backtest.c: the simulation core on small hand-made series, each
 * number worked out by hand from the rules in man/tsm-backtest.1.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backtest.h"
#include "unit.h"

/* Candles from rows of open, high, low, close, a minute apart. */
static void
make(struct tsm_candles *c, const double (*rows)[4], size_t n)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < n; i++)
		tsm_candles_push(c, (int64_t)i * 60000000, rows[i][0],
		    rows[i][1], rows[i][2], rows[i][3]);
}

/* Runs signals sig over c with s; the strategy acts from bar 1. */
static void
run(const struct tsm_candles *c, const int8_t *sig,
    const struct tsm_bt_settings *s, struct tsm_bt_result *r)
{
	memset(r, 0, sizeof(*r));
	CHECK(tsm_bt_run(c, 0, c->n, 1, sig, s, r));
}

/* Flat bars at 100 with the given bars replaced. */
static const double flat[8][4] = {
	{ 100, 101, 99, 100 }, { 100, 101, 99, 100 }, { 100, 101, 99, 100 },
	{ 100, 101, 99, 100 }, { 110, 111, 109, 110 }, { 110, 111, 109, 110 },
	{ 110, 111, 109, 110 }, { 110, 111, 109, 110 },
};

TEST(bt_py_floordiv)
{
	CHECK_DBL_EQ(tsm_py_floordiv(1, 0.1), 9);	/* not floor(1/0.1) */
	CHECK_DBL_EQ(tsm_py_floordiv(7, 2), 3);
	CHECK_DBL_EQ(tsm_py_floordiv(-7, 2), -4);
	CHECK_DBL_EQ(tsm_py_floordiv(10, 2.5), 4);
	CHECK_DBL_EQ(tsm_py_floordiv(999.9999999999998, 100), 9);
	CHECK_DBL_EQ(tsm_py_floordiv(0.5, 3), 0);
}

/*
 * Buy at the close of bar 1, filled at bar 2's open (100); sell at bar
 * 3's close, filled at bar 4's open (110).  Cash 1000, commission 1%:
 * one unit costs 100 + 1 = 101, so 9 units (999.99.. // 101); fees 9 at
 * entry, 9.9 at exit; pnl 90 - 18.9; return 10% - 18.9/900.
 */
TEST(bt_long_fill_next_open_with_commission)
{
	struct tsm_candles c;
	struct tsm_bt_settings s;
	struct tsm_bt_result r;
	int8_t sig[8] = { 0, 1, 0, -1, 0, 0, 0, 0 };

	make(&c, flat, 8);
	tsm_bt_defaults(&s);
	s.cash = 1000;
	s.commission = 0.01;
	run(&c, sig, &s, &r);
	CHECK_INT_EQ(r.ntrades, 1);
	CHECK_INT_EQ(r.nclosed, 1);
	CHECK_DBL_EQ(r.trades[0].size, 9);
	CHECK_INT_EQ(r.trades[0].entry_bar, 2);
	CHECK_INT_EQ(r.trades[0].exit_bar, 4);
	CHECK_DBL_EQ(r.trades[0].entry_price, 100);
	CHECK_DBL_EQ(r.trades[0].exit_price, 110);
	CHECK_DBL_NEAR(r.trades[0].entry_fee, 9, 1e-15);
	CHECK_DBL_NEAR(r.trades[0].exit_fee, 9.9, 1e-15);
	CHECK_DBL_NEAR(r.trades[0].pnl, 71.1, 1e-13);
	CHECK_DBL_NEAR(r.trades[0].ret, 0.1 - 18.9 / 900, 1e-13);
	CHECK_DBL_NEAR(r.cash, 1071.1, 1e-13);
	CHECK_INT_EQ(r.trades[0].reason, TSM_EXIT_SIGNAL);
	tsm_bt_result_free(&r);
	tsm_candles_free(&c);
}

/* --fill close: the order fills at the signal bar's close, dated so. */
TEST(bt_fill_at_close)
{
	struct tsm_candles c;
	struct tsm_bt_settings s;
	struct tsm_bt_result r;
	int8_t sig[8] = { 0, 1, 0, 0, -1, 0, 0, 0 };

	make(&c, flat, 8);
	tsm_bt_defaults(&s);
	s.cash = 1000;
	s.fill = TSM_FILL_CLOSE;
	run(&c, sig, &s, &r);
	CHECK_INT_EQ(r.nclosed, 1);
	CHECK_INT_EQ(r.trades[0].entry_bar, 1);
	CHECK_INT_EQ(r.trades[0].entry_fill, 2);
	CHECK_INT_EQ(r.trades[0].exit_bar, 4);
	CHECK_DBL_EQ(r.trades[0].exit_price, 110);
	tsm_bt_result_free(&r);
	tsm_candles_free(&c);
}

/*
 * Long-only: a sell signal while flat does nothing; with --short it
 * opens a short, and a buy while short closes it and goes long on the
 * same open.
 */
TEST(bt_short_reversal)
{
	struct tsm_candles c;
	struct tsm_bt_settings s;
	struct tsm_bt_result r;
	int8_t sig[8] = { 0, -1, 0, 1, 0, 0, 0, 0 };

	make(&c, flat, 8);
	tsm_bt_defaults(&s);
	s.cash = 1000;
	run(&c, sig, &s, &r);
	CHECK_INT_EQ(r.ntrades, 1);	/* the long, still open */
	CHECK_INT_EQ(r.nclosed, 0);
	CHECK_INT_EQ(r.trades[0].reason, TSM_EXIT_OPEN);
	tsm_bt_result_free(&r);
	s.allow_short = true;
	run(&c, sig, &s, &r);
	CHECK_INT_EQ(r.ntrades, 2);
	CHECK_DBL_EQ(r.trades[0].size, -9);
	CHECK_INT_EQ(r.trades[0].entry_bar, 2);
	CHECK_INT_EQ(r.trades[0].exit_bar, 4);
	CHECK_DBL_EQ(r.trades[0].pnl, -90);	/* short from 100 to 110 */
	/* 910 of cash buys 8 units at 110. */
	CHECK_DBL_EQ(r.trades[1].size, 8);
	CHECK_INT_EQ(r.trades[1].entry_bar, 4);
	tsm_bt_result_free(&r);
	tsm_candles_free(&c);
}

/* A long entered at 100 with a 5% stop-loss (95) and 10% take-profit. */
static void
stop_case(const double (*rows)[4], size_t n, double want_exit,
    size_t want_bar, enum tsm_exit_reason want_reason, double trail)
{
	struct tsm_candles c;
	struct tsm_bt_settings s;
	struct tsm_bt_result r;
	int8_t sig[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };

	make(&c, rows, n);
	tsm_bt_defaults(&s);
	s.cash = 1000;
	if (trail > 0) {
		s.trailing = trail;
	} else {
		s.stop_loss = 0.05;
		s.take_profit = 0.10;
	}
	run(&c, sig, &s, &r);
	CHECK_INT_EQ(r.nclosed, 1);
	if (r.nclosed == 1) {
		CHECK_DBL_NEAR(r.trades[0].exit_price, want_exit, 1e-15);
		CHECK_INT_EQ(r.trades[0].exit_bar, want_bar);
		CHECK_INT_EQ(r.trades[0].reason, want_reason);
	}
	tsm_bt_result_free(&r);
	tsm_candles_free(&c);
}

TEST(bt_stop_loss_take_profit)
{
	double rows[5][4] = {
		{ 100, 101, 99, 100 }, { 100, 101, 99, 100 },
		{ 100, 101, 99, 100 }, { 99, 100, 94, 96 },
		{ 96, 97, 95, 96 },
	};

	/* Touched inside the bar: filled at the stop. */
	stop_case(rows, 5, 95, 3, TSM_EXIT_STOP, 0);
	/* Through a gap: filled at the open, as an exchange would. */
	rows[3][0] = 90;
	rows[3][1] = 91;
	rows[3][2] = 89;
	rows[3][3] = 90;
	stop_case(rows, 5, 90, 3, TSM_EXIT_STOP, 0);
	/* Take-profit inside the bar, then through a gap (a better fill). */
	rows[3][0] = 105;
	rows[3][1] = 112;
	rows[3][2] = 104;
	rows[3][3] = 108;
	stop_case(rows, 5, 110, 3, TSM_EXIT_TAKE, 0);
	rows[3][0] = 115;
	rows[3][1] = 116;
	rows[3][2] = 114;
	rows[3][3] = 115;
	stop_case(rows, 5, 115, 3, TSM_EXIT_TAKE, 0);
	/* Both in one bar: the stop is taken to come first. */
	rows[3][0] = 100;
	rows[3][1] = 120;
	rows[3][2] = 80;
	rows[3][3] = 100;
	stop_case(rows, 5, 95, 3, TSM_EXIT_STOP, 0);
	/* On the entry bar itself. */
	rows[2][2] = 90;
	stop_case(rows, 5, 95, 2, TSM_EXIT_STOP, 0);
}

/*
 * A 10% trailing stop: 90 at the entry, 108 after a close of 120, hit
 * by a low of 107 on a bar opening at 115: filled at 108.
 */
TEST(bt_trailing_stop)
{
	const double rows[6][4] = {
		{ 100, 101, 99, 100 }, { 100, 101, 99, 100 },
		{ 100, 121, 99, 120 }, { 119, 120, 110, 115 },
		{ 115, 116, 107, 110 }, { 110, 111, 109, 110 },
	};

	stop_case(rows, 6, 108, 4, TSM_EXIT_TRAIL, 0.10);
}

/* Too little cash for one unit: refused, counted, no trade. */
TEST(bt_refused_entry)
{
	struct tsm_candles c;
	struct tsm_bt_settings s;
	struct tsm_bt_result r;
	int8_t sig[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };

	make(&c, flat, 8);
	tsm_bt_defaults(&s);
	s.cash = 50;
	run(&c, sig, &s, &r);
	CHECK_INT_EQ(r.ntrades, 0);
	CHECK_INT_EQ(r.refused, 1);
	CHECK_INT_EQ(r.refused_bar, 2);
	CHECK_DBL_EQ(r.refused_price, 100);
	/* Fixed units that cost more than the cash: refused too. */
	s.cash = 1000;
	s.units = 11;
	run(&c, sig, &s, &r);
	CHECK_INT_EQ(r.refused, 1);
	s.units = 3;
	run(&c, sig, &s, &r);
	CHECK_INT_EQ(r.ntrades, 1);
	CHECK_DBL_EQ(r.trades[0].size, 3);
	tsm_bt_result_free(&r);
	tsm_candles_free(&c);
}

/*
 * close_at_end closes the open trade as backtesting.py's finalize_trades
 * does: at the last bar's open (the fill of an order placed at the bar
 * before).
 */
TEST(bt_close_at_end)
{
	struct tsm_candles c;
	struct tsm_bt_settings s;
	struct tsm_bt_result r;
	int8_t sig[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };
	double rows[8][4];

	memcpy(rows, flat, sizeof(rows));
	rows[7][0] = 120;
	rows[7][1] = 131;
	rows[7][3] = 130;
	make(&c, rows, 8);
	tsm_bt_defaults(&s);
	s.cash = 1000;
	s.close_at_end = true;
	run(&c, sig, &s, &r);
	CHECK_INT_EQ(r.nclosed, 1);
	CHECK_INT_EQ(r.trades[0].exit_bar, 7);
	CHECK_DBL_EQ(r.trades[0].exit_price, 120);
	CHECK_INT_EQ(r.trades[0].reason, TSM_EXIT_END);
	tsm_bt_result_free(&r);
	tsm_candles_free(&c);
}

/*
 * A short of 9 units from 10 with 100 of cash: at a close of 25 the
 * equity is 100 - 135 < 0: closed there, cash 0, nothing after.
 */
TEST(bt_ruin)
{
	const double rows[6][4] = {
		{ 10, 10, 10, 10 }, { 10, 10, 10, 10 }, { 10, 10, 10, 10 },
		{ 10, 26, 10, 25 }, { 25, 26, 24, 25 }, { 25, 26, 24, 25 },
	};
	struct tsm_candles c;
	struct tsm_bt_settings s;
	struct tsm_bt_result r;
	int8_t sig[6] = { 0, -1, 0, 0, 1, 0 };

	make(&c, rows, 6);
	tsm_bt_defaults(&s);
	s.cash = 100;
	s.allow_short = true;
	run(&c, sig, &s, &r);
	CHECK_INT_EQ(r.ruin_bar, 3);
	CHECK_INT_EQ(r.ntrades, 1);
	CHECK_INT_EQ(r.trades[0].reason, TSM_EXIT_RUIN);
	CHECK_DBL_EQ(r.trades[0].exit_price, 25);
	CHECK_DBL_EQ(r.cash, 0);
	tsm_bt_result_free(&r);
	tsm_candles_free(&c);
}

/* Quantity steps, a minimum fee and slippage. */
TEST(bt_fractional_fees_slippage)
{
	struct tsm_candles c;
	struct tsm_bt_settings s;
	struct tsm_bt_result r;
	int8_t sig[8] = { 0, 1, 0, -1, 0, 0, 0, 0 };

	make(&c, flat, 8);
	tsm_bt_defaults(&s);
	s.cash = 1000;
	s.step = 0.01;
	run(&c, sig, &s, &r);
	/* 999.99.. // 1.00 is 999 steps of 0.01. */
	CHECK_DBL_NEAR(r.trades[0].size, 9.99, 1e-15);
	tsm_bt_result_free(&r);
	s.step = 1;
	s.commission = 0.001;
	s.commission_min = 5;
	run(&c, sig, &s, &r);
	/* 0.1% of 900 is 0.9: the minimum, 5, is charged. */
	CHECK_DBL_EQ(r.trades[0].entry_fee, 5);
	CHECK_DBL_EQ(r.trades[0].exit_fee, 5);
	tsm_bt_result_free(&r);
	s.commission = s.commission_min = 0;
	s.slippage = 0.001;
	run(&c, sig, &s, &r);
	CHECK_DBL_NEAR(r.trades[0].entry_price, 100.1, 1e-15);
	CHECK_DBL_NEAR(r.trades[0].exit_price, 109.89, 1e-15);
	tsm_bt_result_free(&r);
	tsm_candles_free(&c);
}

/* The whole-equity size is backtesting.py's 1 - epsilon. */
TEST(bt_full_equity_is_one_minus_epsilon)
{
	const double rows[4][4] = {
		{ 100, 100, 100, 100 }, { 100, 100, 100, 100 },
		{ 100, 100, 100, 100 }, { 100, 100, 100, 100 },
	};
	struct tsm_candles c;
	struct tsm_bt_settings s;
	struct tsm_bt_result r;
	int8_t sig[4] = { 0, 1, 0, 0 };

	make(&c, rows, 4);
	tsm_bt_defaults(&s);
	s.cash = 1000;	/* exactly 10 units, but not quite all of it */
	run(&c, sig, &s, &r);
	CHECK_DBL_EQ(r.trades[0].size, 9);
	tsm_bt_result_free(&r);
	tsm_candles_free(&c);
	CHECK_DBL_EQ(1 - DBL_EPSILON, 0.9999999999999998);
}
