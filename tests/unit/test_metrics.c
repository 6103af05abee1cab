/*
 * test_metrics.c: whole backtests (signals, simulation, metrics) against
 * backtesting.py, and the pieces of the metrics.
 *
 * The reference values below were printed by scripts/ref-backtest, which
 * runs kernc/backtesting.py 0.6.6 (Debian's pandas 1.5.3, numpy 1.24) on
 * the same candles as gen() makes (same LCG, same IEEE operations), with
 * the strategies as scripts/compare-backtesting-py writes them:
 * exclusive orders, fills at the next open (trade_on_close for --fill
 * close), whole units, commission on entry and exit, finalize_trades for
 * --close-at-end.  Every metric must agree to 1e-9, relative.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btrun.h"
#include "metrics.h"
#include "unit.h"

struct ref_metric {
	const char *key;
	double v;
	const char *text;	/* times and durations */
};

struct ref_trade {
	double size, entry, exit, pnl, ret;
};

/* daily: --strategy sma-cross --fast 5 --slow 20 --short --commission 0.002 */
static const struct ref_metric ref_daily[] = {
	{ "start", 0, "2023-01-02T00:00:00Z" },
	{ "end", 0, "2024-02-05T00:00:00Z" },
	{ "duration", 0, "399 days 00:00:00" },
	{ "exposure_time_pct", 86.75, NULL },
	{ "equity_final", 5417.379875267743, NULL },
	{ "equity_peak", 10007.869051050968, NULL },
	{ "commissions", 859.6221646430711, NULL },
	{ "return_pct", -45.826201247322565, NULL },
	{ "buy_hold_return_pct", 32.907562580690076, NULL },
	{ "return_ann_pct", -42.9213211966622, NULL },
	{ "volatility_ann_pct", 13.130840928152173, NULL },
	{ "cagr_pct", -42.94323909158955, NULL },
	{ "sharpe", -3.2687412353492173, NULL },
	{ "sortino", -2.4385229843272906, NULL },
	{ "calmar", -0.8946827299901421, NULL },
	{ "alpha_pct", -54.18754336412569, NULL },
	{ "beta", 0.25408573170075804, NULL },
	{ "max_drawdown_pct", -47.973789766943554, NULL },
	{ "avg_drawdown_pct", -24.71990852000832, NULL },
	{ "max_drawdown_duration", 0, "361 days 00:00:00" },
	{ "avg_drawdown_duration", 0, "184 days 00:00:00" },
	{ "trades", 29.0, NULL },
	{ "win_rate_pct", 20.689655172413794, NULL },
	{ "best_trade_pct", 10.558632629100197, NULL },
	{ "worst_trade_pct", -5.933336329912288, NULL },
	{ "avg_trade_pct", -2.139991204417735, NULL },
	{ "max_trade_duration", 0, "29 days 00:00:00" },
	{ "avg_trade_duration", 0, "12 days 00:00:00" },
	{ "profit_factor", 0.19554784946474316, NULL },
	{ "expectancy_pct", -2.087306871993062, NULL },
	{ "sqn", -3.7275331899922484, NULL },
	{ "kelly", -1.0268413331426114, NULL },
};
static const struct ref_trade ref_daily_trades[] = {
	{ -96.0, 103.19580482943634, 104.30777820195385, -146.59013170370798, -0.014796924556227043 },
	{ 94.0, 104.30777820195385, 100.16061763431509, -428.27315177526236, -0.04367936349377599 },
	{ -93.0, 100.16061763431509, 105.62028665811742, -546.0244674120096, -0.05861815722645569 },
	{ 83.0, 105.62028665811742, 101.58444288273255, -369.37101846072585, -0.04213445518162254 },
};
/* weekdays: --strategy rsi --period 7 --commission 0.001 --stop-loss 3 --take-profit 5 */
static const struct ref_metric ref_weekdays[] = {
	{ "start", 0, "2023-01-02T00:00:00Z" },
	{ "end", 0, "2024-07-12T00:00:00Z" },
	{ "duration", 0, "557 days 00:00:00" },
	{ "exposure_time_pct", 25.0, NULL },
	{ "equity_final", 8928.23693207105, NULL },
	{ "equity_peak", 12047.706050898369, NULL },
	{ "commissions", 307.4704457186213, NULL },
	{ "return_pct", -10.717630679289506, NULL },
	{ "buy_hold_return_pct", 23.26772125767584, NULL },
	{ "return_ann_pct", -6.909651338430445, NULL },
	{ "volatility_ann_pct", 12.21939282079843, NULL },
	{ "cagr_pct", -7.164334442646059, NULL },
	{ "sharpe", -0.565466012899564, NULL },
	{ "sortino", -0.7076433328338669, NULL },
	{ "calmar", -0.2284513030002021, NULL },
	{ "alpha_pct", -17.320934594035222, NULL },
	{ "beta", 0.28379676039686685, NULL },
	{ "max_drawdown_pct", -30.245620172384534, NULL },
	{ "avg_drawdown_pct", -5.597571805439413, NULL },
	{ "max_drawdown_duration", 0, "134 days 00:00:00" },
	{ "avg_drawdown_duration", 0, "23 days 00:00:00" },
	{ "trades", 15.0, NULL },
	{ "win_rate_pct", 33.33333333333333, NULL },
	{ "best_trade_pct", 4.795000000000004, NULL },
	{ "worst_trade_pct", -4.278434837323805, NULL },
	{ "avg_trade_pct", -0.7574669814517598, NULL },
	{ "max_trade_duration", 0, "24 days 00:00:00" },
	{ "avg_trade_duration", 0, "8 days 00:00:00" },
	{ "profit_factor", 0.7006971050953573, NULL },
	{ "expectancy_pct", -0.6827283718036078, NULL },
	{ "sqn", -0.6687561656670871, NULL },
	{ "kelly", -0.14591162529381135, NULL },
};
static const struct ref_trade ref_weekdays_trades[] = {
	{ 100.0, 99.47874904453694, 104.45268649676379, 477.00060166855485, 0.04795000000000004 },
	{ 94.0, 110.25317641986467, 115.76583524085791, 496.94414207725646, 0.04795000000000004 },
	{ 86.0, 126.32592551137611, 132.64222178694493, 520.9302190312627, 0.04795000000000004 },
	{ 86.0, 132.6146232376291, 139.24535439951057, 546.8629218450125, 0.04795000000000004 },
};
/* hourly: --strategy macd --fill close --trailing-stop 2 --close-at-end --spread 0.001 */
static const struct ref_metric ref_hourly[] = {
	{ "start", 0, "2023-01-02T00:00:00Z" },
	{ "end", 0, "2023-01-22T19:00:00Z" },
	{ "duration", 0, "20 days 19:00:00" },
	{ "exposure_time_pct", 19.8, NULL },
	{ "equity_final", 9005.612798162587, NULL },
	{ "equity_peak", 10998.435013600565, NULL },
	{ "commissions", 0.0, NULL },
	{ "return_pct", -9.943872018374131, NULL },
	{ "buy_hold_return_pct", -2.0689867783268947, NULL },
	{ "return_ann_pct", -85.21343889093225, NULL },
	{ "volatility_ann_pct", 9.69785746740105, NULL },
	{ "cagr_pct", -84.1171471825558, NULL },
	{ "sharpe", -8.786831439560101, NULL },
	{ "sortino", -2.4309525230942883, NULL },
	{ "calmar", -4.702950733221138, NULL },
	{ "alpha_pct", -9.628355699295863, NULL },
	{ "beta", 0.15249798712266996, NULL },
	{ "max_drawdown_pct", -18.11914343243991, NULL },
	{ "avg_drawdown_pct", -5.656426024202614, NULL },
	{ "max_drawdown_duration", 0, "8 days 16:00:00" },
	{ "avg_drawdown_duration", 0, "3 days 15:00:00" },
	{ "trades", 24.0, NULL },
	{ "win_rate_pct", 20.833333333333336, NULL },
	{ "best_trade_pct", 10.63471522268351, NULL },
	{ "worst_trade_pct", -2.000000000000013, NULL },
	{ "avg_trade_pct", -0.44055754210030607, NULL },
	{ "max_trade_duration", 0, "0 days 12:00:00" },
	{ "avg_trade_duration", 0, "0 days 04:00:00" },
	{ "profit_factor", 0.63929665805201, NULL },
	{ "expectancy_pct", -0.40698335140397407, NULL },
	{ "sqn", -0.7826984851442925, NULL },
	{ "kelly", -0.12452137812242861, NULL },
};
static const struct ref_trade ref_hourly_trades[] = {
	{ 95.0, 104.62111714103304, 102.60495730070885, -191.5351848307983, -0.01927106013986002 },
	{ 95.0, 102.80457362619703, 101.77375346049074, -97.92791574209737, -0.01002698741258734 },
	{ 91.0, 105.70151101100838, 103.5874807907882, -192.3767500400357, -0.020000000000000018 },
	{ 89.0, 106.39688798262362, 105.02720396078603, -121.90187794354637, -0.012873346653346607 },
};

static uint64_t st;

static int
nxt(void)
{
	st = (st * 1103515245 + 12345) % 2147483648u;
	return (int)(st >> 8);
}

/* scripts/ref-backtest's gen(): n candles every step seconds from
 * 2023-01-02, Saturdays and Sundays left out if weekdays_only. */
static void
gen(struct tsm_candles *c, size_t n, int64_t step, bool weekdays_only)
{
	int64_t t = 1672617600;
	double cl = 100.0;

	memset(c, 0, sizeof(*c));
	st = 20230102;
	while (c->n < n) {
		int g = nxt() % 201 - 100, d = nxt() % 401 - 200;
		int u = nxt() % 150, w = nxt() % 150;
		double o = cl * (1 + g / 10000.0), h, l;
		int64_t wd = (t / 86400 + 4) % 7;

		cl = o * (1 + d / 10000.0);
		h = (o > cl ? o : cl) * (1 + u / 10000.0);
		l = (o < cl ? o : cl) * (1 - w / 10000.0);
		if (!(weekdays_only && (wd == 0 || wd == 6)))
			tsm_candles_push(c, t * 1000000, o, h, l, cl);
		t += step;
	}
}

/* Runs st over c with s and checks it against the reference. */
static void
check_run(const char *name, const struct tsm_candles *c,
    const struct tsm_strategy *stg, const struct tsm_bt_settings *s,
    const struct ref_metric *ref, size_t nref, const struct ref_trade *rt,
    size_t nrt, bool stream)
{
	struct tsm_indcache ic;
	struct tsm_bt_result r;
	struct tsm_metrics m;
	struct tsm_run_opts o;
	int8_t *sig = calloc(c->n, 1);

	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	tsm_indcache_init(&ic, c);
	ic.stream = stream;
	o.settings = s;
	o.to = c->n;
	CHECK(tsm_run(&ic, stg, &o, sig, &r, &m));
	CHECK_INT_EQ(nref, (size_t)tsm_metric_count());
	for (size_t i = 0; i < nref; i++) {
		char buf[64];
		int k = tsm_metric_find(ref[i].key);

		CHECK(k == (int)i);
		if (ref[i].text != NULL) {
			CHECK(tsm_metric_format(&m, k, buf, sizeof(buf)));
			if (strcmp(buf, ref[i].text) != 0)
				unit_fail(__FILE__, __LINE__, "%s %s: %s, "
				    "backtesting.py %s", name, ref[i].key, buf,
				    ref[i].text);
			continue;
		}
		{
			double v = tsm_metric_value(&m, k), w = ref[i].v;

			if (isnan(v) != isnan(w) || (!isnan(w) &&
			    !(fabs(v - w) <= 1e-9 * fabs(w))))
				unit_fail(__FILE__, __LINE__, "%s %s: %.17g, "
				    "backtesting.py %.17g", name, ref[i].key,
				    v, w);
		}
	}
	CHECK(r.nclosed >= nrt);
	for (size_t i = 0; i < nrt && i < r.nclosed; i++) {
		const struct tsm_trade *t = &r.trades[i];

		CHECK_DBL_EQ(t->size, rt[i].size);
		CHECK_DBL_NEAR(t->entry_price, rt[i].entry, 1e-12);
		CHECK_DBL_NEAR(t->exit_price, rt[i].exit, 1e-12);
		CHECK_DBL_NEAR(t->pnl, rt[i].pnl, 1e-9);
		CHECK_DBL_NEAR(t->ret, rt[i].ret, 1e-9);
	}
	free(sig);
	tsm_bt_result_free(&r);
	tsm_indcache_free(&ic);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Every day a bar (crypto): annualised with 365 days; shorts. */
TEST(metrics_vs_backtesting_py_daily_sma_cross)
{
	struct tsm_candles c;
	struct tsm_strategy stg;
	struct tsm_bt_settings s;

	gen(&c, 400, 86400, false);
	tsm_strategy_init(&stg, tsm_strategy_find("sma-cross"));
	stg.p[0] = 5;
	stg.p[1] = 20;
	tsm_bt_defaults(&s);
	s.allow_short = true;
	s.commission = 0.002;
	check_run("daily", &c, &stg, &s, ref_daily, N(ref_daily),
	    ref_daily_trades, N(ref_daily_trades), true);
	/* The same from cached whole arrays. */
	check_run("daily", &c, &stg, &s, ref_daily, N(ref_daily),
	    ref_daily_trades, N(ref_daily_trades), false);
	tsm_candles_free(&c);
}

/* Weekdays only: 252 days; stop-loss and take-profit. */
TEST(metrics_vs_backtesting_py_weekdays_rsi_stops)
{
	struct tsm_candles c;
	struct tsm_strategy stg;
	struct tsm_bt_settings s;

	gen(&c, 400, 86400, true);
	tsm_strategy_init(&stg, tsm_strategy_find("rsi"));
	stg.p[0] = 7;
	tsm_bt_defaults(&s);
	s.commission = 0.001;
	s.stop_loss = 0.03;
	s.take_profit = 0.05;
	check_run("weekdays", &c, &stg, &s, ref_weekdays, N(ref_weekdays),
	    ref_weekdays_trades, N(ref_weekdays_trades), true);
	tsm_candles_free(&c);
}

/* Hourly: fills at the close, a trailing stop, spread, closed at the
 * end. */
TEST(metrics_vs_backtesting_py_hourly_macd_trailing)
{
	struct tsm_candles c;
	struct tsm_strategy stg;
	struct tsm_bt_settings s;

	gen(&c, 500, 3600, false);
	tsm_strategy_init(&stg, tsm_strategy_find("macd"));
	tsm_bt_defaults(&s);
	s.fill = TSM_FILL_CLOSE;
	s.trailing = 0.02;
	s.close_at_end = true;
	s.spread = 0.001;
	check_run("hourly", &c, &stg, &s, ref_hourly, N(ref_hourly),
	    ref_hourly_trades, N(ref_hourly_trades), true);
	tsm_candles_free(&c);
}

/* numpy's pairwise sum: 8 accumulators in blocks, halves above 128. */
TEST(metrics_pairwise_sum)
{
	double a[1000], naive = 0;

	for (int i = 0; i < 1000; i++) {
		a[i] = 1.0 / (i + 1);
		naive += a[i];
	}
	CHECK_DBL_EQ(tsm_pairwise_sum(a, 0), 0);
	CHECK_DBL_EQ(tsm_pairwise_sum(a, 3), 1 + 0.5 + 1.0 / 3);
	CHECK_DBL_NEAR(tsm_pairwise_sum(a, 1000), naive, 1e-14);
	/* np.sum(1/np.arange(1, 1001)), numpy 1.24. */
	CHECK_DBL_EQ(tsm_pairwise_sum(a, 1000), 7.485470860550345);
	/* With 9 values, the ninth is added after the 8 accumulators. */
	{
		double b[9] = { 1e16, 1, 1, 1, 1, 1, 1, 1, 1 };

		CHECK_DBL_EQ(tsm_pairwise_sum(b, 9),
		    ((1e16 + 1) + (1 + 1.0)) + ((1 + 1.0) + (1 + 1.0)) + 1);
	}
}

TEST(metrics_duration_text)
{
	char buf[64];

	tsm_format_duration(0, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "0 days 00:00:00");
	tsm_format_duration(INT64_C(3116) * 86400000000000, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "3116 days 00:00:00");
	tsm_format_duration(INT64_C(90061) * 1000000000 + 500000, buf,
	    sizeof(buf));
	CHECK_STR_EQ(buf, "1 days 01:01:01.000500");
	tsm_format_duration(1, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "0 days 00:00:00.000000001");
}

TEST(metrics_names_and_aliases)
{
	CHECK_STR_EQ(tsm_metric_key(0), "start");
	CHECK_STR_EQ(tsm_metric_label(tsm_metric_find("sharpe")),
	    "Sharpe Ratio");
	CHECK_INT_EQ(tsm_metric_find("return"), tsm_metric_find("return_pct"));
	CHECK_INT_EQ(tsm_metric_find("max-drawdown"),
	    tsm_metric_find("max_drawdown_pct"));
	CHECK_INT_EQ(tsm_metric_find("Sharpe"), -1);
	CHECK_INT_EQ(tsm_metric_count(), 32);
}

/*
 * A run with no trades: flat equity, every trade figure NaN or none, as
 * backtesting.py reports them (0% return, drawdown 0, no durations).
 */
TEST(metrics_no_trades)
{
	struct tsm_candles c;
	struct tsm_bt_result r;
	struct tsm_metrics m;
	struct tsm_metrics_in mi;
	char buf[64];

	gen(&c, 60, 86400, false);
	memset(&r, 0, sizeof(r));
	r.ruin_bar = SIZE_MAX;
	memset(&mi, 0, sizeof(mi));
	mi.c = &c;
	mi.to = c.n;
	mi.r = &r;
	mi.cash = 1000;
	CHECK(tsm_metrics_compute(&mi, &m));
	CHECK_DBL_EQ(m.return_pct, 0);
	CHECK_DBL_EQ(m.equity_final, 1000);
	CHECK_DBL_EQ(m.max_dd_pct, -0.0);
	CHECK(isnan(m.avg_dd_pct));
	CHECK(!tsm_metric_format(&m, tsm_metric_find("max_drawdown_duration"),
	    buf, sizeof(buf)));
	CHECK(!tsm_metric_format(&m, tsm_metric_find("avg_trade_duration"),
	    buf, sizeof(buf)));
	CHECK_DBL_EQ(m.trades, 0);
	CHECK(isnan(m.win_rate_pct) && isnan(m.sqn) && isnan(m.kelly));
	CHECK(isnan(m.sharpe));		/* volatility 0 */
	CHECK_DBL_EQ(m.exposure_pct, 0);
	CHECK_INT_EQ(m.annual_days, 365);
	tsm_candles_free(&c);
}
