/*
 * test_strategy.c: strategies' parameters, warm-up and signals; grids
 * and constraints; tsm-backtest's option values.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "btopts.h"
#include "grid.h"
#include "strategy.h"
#include "unit.h"
#include "util.h"

TEST(strategy_catalog_and_params)
{
	const struct tsm_strategy_def *d = tsm_strategy_find("rsi");
	struct tsm_strategy st;
	const char *why = NULL;
	char buf[128];

	CHECK(d != NULL);
	CHECK(tsm_strategy_find("sma") == NULL);
	CHECK_INT_EQ(tsm_strategy_param(d, "period"), 0);
	CHECK_INT_EQ(tsm_strategy_param(d, "fast"), -1);
	tsm_strategy_param_list(d, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "period, lower, upper");
	tsm_strategy_param_list(tsm_strategy_find("buy-hold"), buf,
	    sizeof(buf));
	CHECK_STR_EQ(buf, "none");
	tsm_strategy_init(&st, d);
	tsm_strategy_format(&st, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "period=14,lower=30,upper=70");
	CHECK(!tsm_strategy_check_value(d, 0, 2.5, &why));
	CHECK_STR_EQ(why, "takes a whole number");
	CHECK(!tsm_strategy_check_value(d, 0, 0, &why));
	CHECK_STR_EQ(why, "must be at least 1");
	CHECK(!tsm_strategy_check_value(d, 2, 101, &why));
	CHECK_STR_EQ(why, "must be at most 100");
	CHECK(tsm_strategy_check_value(d, 1, 25.5, &why));
	st.p[1] = 80;
	CHECK(!tsm_strategy_check(&st, &why));
	CHECK_STR_EQ(why, "needs lower below upper");
	tsm_strategy_init(&st, tsm_strategy_find("sma-cross"));
	st.p[0] = 30;
	CHECK(!tsm_strategy_check(&st, &why));
	CHECK_STR_EQ(why, "needs fast below slow");
}

/*
 * The warm-up is the bar where every indicator the strategy reads has
 * its first value (backtesting.py's _indicator_warmup_nbars).
 */
TEST(strategy_warmup)
{
	static const struct { const char *name; double p[3]; size_t w; }
	    cases[] = {
		{ "sma-cross", { 10, 20 }, 19 },
		{ "ema-cross", { 12, 26 }, 25 },
		{ "rsi", { 14, 30, 70 }, 14 },
		{ "bbands", { 20, 2 }, 19 },
		{ "macd", { 12, 26, 9 }, 33 },
		{ "buy-hold", { 0 }, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tsm_strategy st;

		tsm_strategy_init(&st, tsm_strategy_find(cases[i].name));
		memcpy(st.p, cases[i].p, sizeof(st.p));
		CHECK_INT_EQ(tsm_strategy_warmup(&st), cases[i].w);
	}
}

/* Crossings are strict: touching is not crossing; NaN never crosses. */
TEST(strategy_signals_crossings_and_levels)
{
	double fast[7] = { NAN, 1, 2, 3, 3, 2, 1 };
	double slow[7] = { NAN, 2, 2, 2, 3, 3, 3 };
	double *f[3] = { fast }, *s[3] = { slow };
	double *const *ind[2] = { f, s };
	struct tsm_strategy st;
	int8_t sig[7];
	struct tsm_candles c;

	memset(&c, 0, sizeof(c));
	memset(sig, 9, sizeof(sig));
	tsm_strategy_init(&st, tsm_strategy_find("sma-cross"));
	tsm_strategy_signals(&st, &c, ind, 0, 1, 7, sig);
	CHECK_INT_EQ(sig[0], 9);	/* not written */
	CHECK_INT_EQ(sig[1], 0);	/* NaN before */
	CHECK_INT_EQ(sig[2], 0);	/* 1<2 then 2=2: a touch */
	CHECK_INT_EQ(sig[3], 0);	/* 2=2 then 3>2: not from below */
	CHECK_INT_EQ(sig[4], 0);
	CHECK_INT_EQ(sig[5], 0);	/* 3=3 then 2<3: not from above */
	CHECK_INT_EQ(sig[6], 0);
	fast[3] = 1.5;			/* 1.5<2, 3>3? no; make a real cross */
	fast[4] = 4;
	slow[4] = 3;
	tsm_strategy_signals(&st, &c, ind, 0, 1, 7, sig);
	CHECK_INT_EQ(sig[4], 1);
	CHECK_INT_EQ(sig[5], -1);	/* 4>3 then 2<3 */
	/* rsi levels, with arrays starting at bar 3 (base 3). */
	{
		double r[4] = { 50, 20, 80, 30 };
		double *rr[3] = { r };
		double *const *ri[1] = { rr };

		tsm_strategy_init(&st, tsm_strategy_find("rsi"));
		tsm_strategy_signals(&st, &c, ri, 3, 4, 7, sig);
		CHECK_INT_EQ(sig[4], 1);
		CHECK_INT_EQ(sig[5], -1);
		CHECK_INT_EQ(sig[6], 0);	/* 30 is not below 30 */
	}
}

static const char *
grid_error(const char *spec, const char *strategy)
{
	static char buf[512];
	struct tsm_grid g;
	const char *msg;

	unit_capture_begin();
	if (tsm_grid_parse(spec, tsm_strategy_find(strategy), &g)) {
		tsm_grid_free(&g);
		unit_capture_end();
		return "ok";
	}
	msg = unit_capture_end();
	snprintf(buf, sizeof(buf), "%s", msg);
	buf[strcspn(buf, "\n")] = '\0';
	return strstr(buf, "error: ") ? strstr(buf, "error: ") + 7 : buf;
}

TEST(grid_parse_ranges_lists_order)
{
	struct tsm_grid g;
	const struct tsm_strategy_def *d = tsm_strategy_find("sma-cross");

	CHECK(tsm_grid_parse("slow=20,50,100,fast=5:50:5", d, &g));
	CHECK_INT_EQ(g.np, 2);
	/* In the strategy's order, whatever the order written. */
	CHECK_INT_EQ(g.index[0], 0);
	CHECK_INT_EQ(g.nvalues[0], 10);
	CHECK_DBL_EQ(g.values[0][9], 50);
	CHECK_INT_EQ(g.nvalues[1], 3);
	CHECK_DBL_EQ(g.values[1][2], 100);
	CHECK_DBL_EQ(tsm_grid_size(&g), 30);
	tsm_grid_free(&g);
	CHECK(tsm_grid_parse("k=1:2:0.25", tsm_strategy_find("bbands"), &g));
	CHECK_INT_EQ(g.nvalues[0], 5);
	CHECK_DBL_EQ(g.values[0][4], 2);
	tsm_grid_free(&g);
	CHECK(tsm_grid_parse("fast=3:7", d, &g));	/* step 1 */
	CHECK_INT_EQ(g.nvalues[0], 5);
	tsm_grid_free(&g);
}

TEST(grid_parse_errors)
{
	CHECK_STR_EQ(grid_error("period=5:10", "sma-cross"),
	    "--grid: sma-cross has no parameter \"period\"");
	CHECK_STR_EQ(grid_error("fast=10:5", "sma-cross"),
	    "--grid: fast \"10:5\" runs backwards");
	CHECK_STR_EQ(grid_error("fast=1:10:0", "sma-cross"),
	    "--grid: fast \"1:10:0\" needs a positive step");
	CHECK_STR_EQ(grid_error("fast=1:x", "sma-cross"),
	    "--grid: fast \"1:x\" is not a range FROM:TO or FROM:TO:STEP");
	CHECK_STR_EQ(grid_error("fast=2.5", "sma-cross"),
	    "--grid: fast \"2.5\" takes a whole number");
	CHECK_STR_EQ(grid_error("fast=1:2:0.5", "sma-cross"),
	    "--grid: fast 1.5 (in \"1:2:0.5\") takes a whole number");
	CHECK_STR_EQ(grid_error("fast=5,fast=6", "sma-cross"),
	    "--grid names fast twice");
	CHECK_STR_EQ(grid_error("5,6", "sma-cross"), "--grid \"5,6\": "
	    "expected NAME=VALUES, such as fast=5:50:5,slow=20,50");
	CHECK_STR_EQ(grid_error("fast=", "sma-cross"),
	    "--grid \"fast=\": an empty value");
	CHECK_STR_EQ(grid_error("lower=-1", "rsi"),
	    "--grid: lower \"-1\" must be at least 0");
}

static bool
holds(const char *expr, double fast, double slow)
{
	const struct tsm_strategy_def *d = tsm_strategy_find("sma-cross");
	struct tsm_constraint *c = tsm_constraint_parse(expr, d);
	struct tsm_strategy st;
	bool r;

	if (c == NULL)
		return false;
	tsm_strategy_init(&st, d);
	st.p[0] = fast;
	st.p[1] = slow;
	r = tsm_constraint_holds(c, &st);
	free(c);
	return r;
}

static const char *
constraint_error(const char *expr)
{
	static char buf[512];
	struct tsm_constraint *c;
	const char *msg;

	unit_capture_begin();
	c = tsm_constraint_parse(expr, tsm_strategy_find("sma-cross"));
	msg = unit_capture_end();
	if (c != NULL) {
		free(c);
		return "ok";
	}
	snprintf(buf, sizeof(buf), "%s", strstr(msg, "error: ") + 7);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

TEST(grid_constraints)
{
	CHECK(holds("fast<slow", 5, 20));
	CHECK(!holds("fast<slow", 20, 20));
	CHECK(holds("fast <= slow", 20, 20));
	CHECK(holds("slow>=2*fast", 10, 20));
	CHECK(!holds("slow >= 2 * fast", 11, 20));
	CHECK(holds("(slow-fast)/fast > 1.5", 4, 11));
	CHECK(holds("-fast+slow==15", 5, 20));
	CHECK(holds("fast != 7", 5, 20));
	CHECK(holds("fast*fast < slow", 4, 20));
	CHECK_STR_EQ(constraint_error("fsat<slow"),
	    "--constraint: sma-cross has no parameter \"fsat\"");
	CHECK_STR_EQ(constraint_error("fast<<slow"), "--constraint "
	    "\"fast<<slow\": expected a parameter, a number or \"(\" at "
	    "\"<slow\"");
	CHECK_STR_EQ(constraint_error("fast"), "--constraint \"fast\": "
	    "expected a comparison (< <= > >= == !=) at \"\"");
	CHECK_STR_EQ(constraint_error("(fast<slow"), "--constraint "
	    "\"(fast<slow\": expected \")\" at \"<slow\"");
	CHECK_STR_EQ(constraint_error("fast<slow x"), "--constraint "
	    "\"fast<slow x\": expected the end at \"x\"");
}

/*
 * Found while writing fuzz_grid: a constraint of a few hundred thousand
 * "(" or "-" overflowed the stack (tsm-backtest died of SIGSEGV).  Nesting
 * is bounded; 64 levels still parse.
 */
TEST(grid_constraint_nesting_is_bounded)
{
	size_t n = 300000;
	char *s = malloc(n + 16);
	char deep[256];

	memset(s, '(', n);
	strcpy(s + n, "1<fast");
	CHECK_STR_EQ(constraint_error(s), "--constraint \"(((((((((((((((("
	    "((((((((((((((((((((((((...\" nests too deeply: at most 64 "
	    "parentheses and signs");
	memset(s, '-', n);
	CHECK(strstr(constraint_error(s), "nests too deeply") != NULL);
	free(s);
	memset(deep, '(', 64);
	strcpy(deep + 64, "fast");
	memset(deep + 68, ')', 64);
	strcpy(deep + 132, "<slow");
	CHECK(holds(deep, 5, 20));
	/* 60 signs and two parameters: within the 64 nodes too. */
	memset(deep, '-', 60);
	strcpy(deep + 60, "fast<slow");
	CHECK(holds(deep, 5, 20));
}

/*
 * Expanding fast 5..50 by 5 and slow 20..200 by 20 (100 sets): with
 * fast<slow implied, 10 sets go; slow>=3*fast leaves 65.  The first
 * parameter turns fastest.
 */
TEST(grid_expand)
{
	const struct tsm_strategy_def *d = tsm_strategy_find("sma-cross");
	struct tsm_grid g;
	struct tsm_strategy base, *sets;
	struct tsm_constraint *c = tsm_constraint_parse("slow>=3*fast", d);
	size_t n, invalid;

	tsm_strategy_init(&base, d);
	CHECK(tsm_grid_parse("fast=5:50:5,slow=20:200:20", d, &g));
	CHECK(tsm_grid_expand(&g, &base, NULL, 0, &sets, &n, &invalid));
	CHECK_INT_EQ(n, 90);
	CHECK_INT_EQ(invalid, 10);
	CHECK_DBL_EQ(sets[0].p[0], 5);
	CHECK_DBL_EQ(sets[1].p[0], 10);
	CHECK_DBL_EQ(sets[1].p[1], 20);
	free(sets);
	CHECK(tsm_grid_expand(&g, &base, &c, 1, &sets, &n, &invalid));
	for (size_t i = 0; i < n; i++)
		CHECK(sets[i].p[1] >= 3 * sets[i].p[0]);
	/* fast <= slow/3 for slow 20, 40 ... 200: 1 2 4 5 6 8 9 10 10 10. */
	CHECK_INT_EQ(n, 65);
	free(sets);
	free(c);
	tsm_grid_free(&g);
}

TEST(btopts_values)
{
	const char *why = NULL;
	double v;
	long n;

	CHECK(tsm_parse_rate("0.001", 0.1, &v, &why) && v == 0.001);
	CHECK(tsm_parse_rate("0.1%", 0.1, &v, &why) && v == 0.001);
	CHECK(!tsm_parse_rate("0.1", 0.1, &v, &why));
	CHECK_STR_EQ(why, "must be below 0.1 (10%)");
	CHECK(!tsm_parse_rate("-0.01", 1, &v, &why));
	CHECK_STR_EQ(why, "must not be negative");
	CHECK(!tsm_parse_rate("x", 1, &v, &why));
	CHECK_STR_EQ(why, "is not a number");
	CHECK(tsm_parse_percent("2", &v, &why) && v == 0.02);
	CHECK(tsm_parse_percent("2.5%", &v, &why) && v == 0.025);
	CHECK(!tsm_parse_percent("100", &v, &why));
	CHECK_STR_EQ(why, "must be a percent above 0 and below 100");
	CHECK(!tsm_parse_percent("0", &v, &why));
	CHECK(!tsm_parse_positive("0", &v, &why));
	CHECK_STR_EQ(why, "must be positive");
	CHECK(tsm_parse_nonneg("0", &v, &why));
	CHECK(tsm_parse_count("4", 256, &n, &why) && n == 4);
	CHECK(!tsm_parse_count("0", 256, &n, &why));
	CHECK(!tsm_parse_count("1.5", 256, &n, &why));
}
