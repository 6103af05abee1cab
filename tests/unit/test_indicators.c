/*
 * test_indicators.c: indicator specs, warm-up, hand-computed values, and
 * values computed independently with pandas and numpy.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "indicators.h"
#include "unit.h"

#define NBARS 80

/*
 * Deterministic candles: a random walk in cents from an LCG, hourly from
 * 2024-03-01 (so that vwap sees four UTC days), flat for bars 40..47 (so
 * that a window of equal closes is tested).  Every value is computed with
 * the same IEEE operations as in the Python script below, so both sides
 * see the same doubles.
 */
static uint64_t lcg_state;

static int
lcg(void)
{
	lcg_state = (lcg_state * 1103515245 + 12345) % 2147483648u;
	return (int)(lcg_state >> 8);
}

static void
gen_bars(struct tsm_bar *b, int n)
{
	double c = 100.0;

	lcg_state = 20240301;
	for (int i = 0; i < n; i++) {
		int d = lcg() % 201 - 100;
		double o, u, w;

		if (i >= 40 && i < 48)
			d = 0;
		o = c;
		c = o + d / 100.0;
		u = (lcg() % 60) / 100.0;
		w = (lcg() % 60) / 100.0;
		b[i].time = (INT64_C(1709251200) + 3600 * i) * 1000000;
		b[i].open = o;
		b[i].high = (o > c ? o : c) + u;
		b[i].low = (o < c ? o : c) - w;
		if (i >= 40 && i < 48)
			b[i].high = b[i].low = o;
		b[i].close = c;
		b[i].volume = (lcg() % 1000) / 10.0 + 1;
	}
}

/*
 * Reference values at some bars, written by this script, run outside the
 * repository with Debian's python3-pandas 1.5.3 and python3-numpy 1.24:
 * pandas rolling().mean() for sma; ewm(adjust=False) seeded with the mean
 * of the first period for ema, and with alpha 1/p for Wilder's averages
 * (rsi, atr, adx); rolling().std(ddof=0) for bbands; rolling().min()/max()
 * for stoch; rolling().apply() of the mean absolute deviation for cci;
 * groupby(day).cumsum() for vwap; sign(diff) * volume cumsum for obv.
 * (scripts/ref-indicators prints this table; it generates the
 * candles with the same LCG as gen_bars.)
 */
struct ref {
	const char *spec;
	int out;
	double v[21];
};
static const int ref_bars[] = { 0, 4, 5, 12, 13, 14, 15, 18, 19, 20, 25, 26, 27, 33, 34, 44, 45, 47, 48, 60, 79 };
static const struct ref ref[] = {
	{ "sma:5", 0, { NAN, 99.93199999999999, 99.59799999999998, 98.75799999999998, 98.68999999999997, 98.83999999999997, 98.80999999999997, 99.11799999999997, 98.88799999999996, 98.97999999999998, 100.25599999999997, 100.56799999999997, 100.61399999999998, 99.78799999999998, 99.68199999999999, 98.71, 98.71, 98.71, 98.53999999999999, 95.22600000000001, 96.50800000000001 } },
	{ "sma:20", 0, { NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 99.09699999999998, 99.06049999999998, 99.22499999999998, 99.32349999999998, 99.40849999999998, 99.71699999999998, 99.68449999999999, 99.1955, 99.08649999999999, 98.92499999999998, 98.8155, 97.197, 96.50150000000001 } },
	{ "ema:10", 0, { NAN, NAN, NAN, 98.93290007513146, 98.95055460692572, 99.08863558748467, 99.03797457157836, 99.05678697421533, 98.96646206981254, 99.02165078439207, 99.9126625551382, 100.03217845420397, 100.04087328071233, 99.87690503300479, 99.72837684518574, 98.73406372829278, 98.72968850496682, 98.72317990828357, 98.56623810677746, 95.9662196609248, 96.4104761877922 } },
	{ "rsi:14", 0, { NAN, NAN, NAN, NAN, NAN, 47.97202797202783, 42.245381335859626, 48.40602628567481, 42.143861397133676, 47.54836596167512, 57.81596889498285, 55.19896569816551, 51.36494824912627, 50.757679719179784, 44.46585382695785, 45.658367519529676, 45.65836751952967, 45.65836751952966, 37.320368862455865, 29.550321292261657, 44.8916247524018 } },
	{ "macd:12,26,9", 0, { NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0.4898307058761162, 0.5136656487810143, 0.4873976906719548, 0.2649975367023245, 0.18128446821215505, -0.2062680264328094, -0.1966700344919019, -0.17713142445032304, -0.23525861760847988, -0.9813046286482745, -0.22916203058034057 } },
	{ "macd:12,26,9", 1, { NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0.40322210223263255, 0.3588345754285371, -0.14903934169765432, -0.15856548025650383, -0.16681363005932986, -0.18050262756915988, -0.7648099529120591, -0.2847781138669624 } },
	{ "macd:12,26,9", 2, { NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, -0.13822456553030804, -0.17755010721638204, -0.05722868473515508, -0.038104554235398075, -0.010317794390993174, -0.054755990039319996, -0.2164946757362154, 0.05561608328662182 } },
	{ "bbands:20,2", 0, { NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 97.73017740726893, 97.75444525382736, 97.63948431102052, 97.6625571954459, 97.77563411450907, 98.31072691130065, 98.24933485270857, 97.38473800570037, 97.44205146021531, 97.50407776426715, 97.42094666649139, 94.41569742746317, 94.95847342861501 } },
	{ "bbands:20,2", 1, { NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 99.09699999999998, 99.06049999999998, 99.22499999999998, 99.32349999999998, 99.40849999999998, 99.71699999999998, 99.68449999999999, 99.1955, 99.08649999999999, 98.92499999999998, 98.8155, 97.197, 96.50150000000001 } },
	{ "bbands:20,2", 2, { NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 100.46382259273103, 100.3665547461726, 100.81051568897944, 100.98444280455406, 101.04136588549088, 101.12327308869932, 101.1196651472914, 101.00626199429962, 100.73094853978466, 100.34592223573281, 100.21005333350861, 99.97830257253683, 98.044526571385 } },
	{ "atr:14", 0, { NAN, NAN, NAN, NAN, NAN, 1.0049999999999975, 1.0232142857142836, 0.9906384058725535, 1.0363070911673709, 1.0508565846554143, 1.065065920982445, 1.0811326409122697, 1.0917660237042497, 1.1051846287885339, 1.104814298160781, 0.7903117607767607, 0.7338609207212778, 0.6327678347035508, 0.6882844179390112, 0.8878878959167787, 1.0200012994067778 } },
	{ "obv", 0, { 0.0, -81.4, -110.7, -153.60000000000002, -82.20000000000002, -12.100000000000023, -74.00000000000003, 77.79999999999997, -18.300000000000026, 77.49999999999997, 140.39999999999998, 42.89999999999998, 9.09999999999998, -102.80000000000004, -186.20000000000005, -156.9, -156.9, -156.9, -163.70000000000002, -309.5000000000001, -200.80000000000018 } },
	{ "stoch:14,3", 0, { NAN, NAN, NAN, NAN, 39.05723905723858, 61.9528619528615, 31.64983164983128, 79.71014492753554, 31.22171945701356, 63.348416289592556, 89.12386706948638, 74.15384615384637, 58.04416403785542, 50.684931506849665, 15.16245487364724, 44.32432432432452, 51.89873417721548, 55.03355704698029, 34.19913419913505, 8.986175115207438, 24.501424501424548 } },
	{ "stoch:14,3", 1, { NAN, NAN, NAN, NAN, NAN, NAN, 44.21997755331046, 52.56109690252858, 52.91931711369014, 58.09342689138055, 91.31452099097548, 83.26602979962718, 73.77395908706274, 40.54362581759885, 32.7599396043099, 43.775658948072994, 46.57479492049575, 52.94367513380376, 47.04380847444361, 11.755081627549883, 32.95346628679984 } },
	{ "adx:14", 0, { NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 12.742326139403984, 10.0380437429301, 9.73428642180512, 10.195348880254079, 9.895051162883393, 9.357273107796093, 10.986142749488742, 34.26979269673496, 16.417434745856802 } },
	{ "adx:14", 1, { NAN, NAN, NAN, NAN, NAN, 19.54513148543004, 17.825978558962888, 19.32038550863017, 20.182497006517966, 18.48141560482316, 21.349245067631475, 19.529689941893455, 17.958086940950988, 16.220389212349236, 15.066838652295397, 15.997164897528569, 15.997164897528569, 15.997164897528569, 13.65635491532294, 10.150925928803211, 17.114852215048472 } },
	{ "adx:14", 2, { NAN, NAN, NAN, NAN, NAN, 23.02771855010673, 22.956868611318985, 21.720496501889958, 19.280209833981893, 17.65517769059706, 12.025845973976109, 14.238251836016843, 16.232854393431072, 14.446192164285293, 13.418817737963302, 18.036163124180494, 18.036163124180494, 18.036163124180494, 26.604984783499432, 30.77701512607469, 18.919889867549596 } },
	{ "cci:20", 0, { NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, -13.661965274869425, 13.3916732962069, 219.83999999999853, 154.5181997093915, 85.30439516058249, -2.56060793788332, -43.31230992182395, -45.58099721806127, -39.60009067529546, -29.087359687652672, -88.8544491799045, -120.20861815788105, -19.135981443897577 } },
	{ "vwap", 0, { 100.13666666666667, 99.86556716144402, 99.69323074494952, 98.94929663131626, 98.94001543642997, 98.98957156850216, 99.00084063461992, 98.997520541642, 99.00033174217177, 99.0132788878755, 100.84487562189052, 100.775870379417, 100.69378616352199, 100.22308531032829, 100.10971032614357, 99.29209801573724, 99.29060825797644, 99.23840760869564, 98.17666666666666, 96.65362218939768, 96.28697493383157 } },
};

#define NREF (sizeof(ref) / sizeof(ref[0]))
#define NREFBARS (sizeof(ref_bars) / sizeof(ref_bars[0]))

/* Runs spec over the first n test candles; out[k][i] as tsm_ind_series. */
static bool
run_series(const char *text, const struct tsm_bar *b, int n,
    struct tsm_ind_spec *spec, double out[3][NBARS])
{
	const char *why;
	struct tsm_ind *ind;

	if (!tsm_ind_parse(text, spec, &why))
		return false;
	ind = tsm_ind_new(spec);
	if (ind == NULL)
		return false;
	for (int i = 0; i < n; i++) {
		double row[3];

		tsm_ind_update(ind, &b[i], row);
		for (int k = 0; k < spec->nout; k++)
			out[k][i] = row[k];
	}
	tsm_ind_free(ind);
	return true;
}

/* The same series from arrays, through tsm_ind_series. */
static bool
run_arrays(const struct tsm_ind_spec *spec, const struct tsm_bar *b, int n,
    double out[3][NBARS])
{
	int64_t t[NBARS];
	double o[NBARS], h[NBARS], l[NBARS], c[NBARS], v[NBARS];
	double *outs[3] = { out[0], out[1], out[2] };

	for (int i = 0; i < n; i++) {
		t[i] = b[i].time;
		o[i] = b[i].open;
		h[i] = b[i].high;
		l[i] = b[i].low;
		c[i] = b[i].close;
		v[i] = b[i].volume;
	}
	return tsm_ind_series(spec, t, o, h, l, c, v, (size_t)n, outs);
}

static const char *
parse_reason(const char *text)
{
	struct tsm_ind_spec s;
	const char *why = "ok";

	if (tsm_ind_parse(text, &s, &why))
		return "ok";
	return why;
}

TEST(ind_parse_defaults_names_warmup)
{
	static const struct {
		const char *text, *name, *params, *out0, *out2;
		int nout, warmup;
	} cases[] = {
		{ "sma", "sma", "20", "sma_20", NULL, 1, 19 },
		{ "sma:50", "sma", "50", "sma_50", NULL, 1, 49 },
		{ "SMA:5", "sma", "5", "sma_5", NULL, 1, 4 },
		{ "ema:50", "ema", "50", "ema_50", NULL, 1, 49 },
		{ "rsi", "rsi", "14", "rsi_14", NULL, 1, 14 },
		{ "macd", "macd", "12,26,9", "macd_12_26_9",
		    "macd_12_26_9_hist", 3, 33 },
		{ "macd:5,35", "macd", "5,35,9", "macd_5_35_9",
		    "macd_5_35_9_hist", 3, 42 },
		{ "bbands:20,2", "bbands", "20,2", "bbands_20_2_lower",
		    "bbands_20_2_upper", 3, 19 },
		{ "bbands:10,2.5", "bbands", "10,2.5", "bbands_10_2.5_lower",
		    "bbands_10_2.5_upper", 3, 9 },
		{ "atr", "atr", "14", "atr_14", NULL, 1, 14 },
		{ "obv", "obv", "", "obv", NULL, 1, 0 },
		{ "stoch", "stoch", "14,3", "stoch_14_3_k", NULL, 2, 15 },
		{ "adx:10", "adx", "10", "adx_10", "adx_10_minus_di", 3, 19 },
		{ "cci", "cci", "20", "cci_20", NULL, 1, 19 },
		{ "vwap", "vwap", "", "vwap", NULL, 1, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tsm_ind_spec s;
		const char *why = NULL;

		if (!tsm_ind_parse(cases[i].text, &s, &why)) {
			unit_fail(__FILE__, __LINE__, "%s: %s", cases[i].text,
			    why);
			continue;
		}
		CHECK_STR_EQ(s.name, cases[i].name);
		CHECK_STR_EQ(s.params, cases[i].params);
		CHECK_STR_EQ(s.out[0], cases[i].out0);
		if (cases[i].out2)
			CHECK_STR_EQ(s.out[2], cases[i].out2);
		CHECK_INT_EQ(s.nout, cases[i].nout);
		CHECK_INT_EQ(s.warmup, cases[i].warmup);
	}
}

TEST(ind_parse_refusals)
{
	CHECK_STR_EQ(parse_reason("smaa:20"), "unknown indicator: expected "
	    "sma, ema, rsi, macd, bbands, atr, obv, stoch, adx, cci or vwap");
	CHECK_STR_EQ(parse_reason(""), "unknown indicator: expected "
	    "sma, ema, rsi, macd, bbands, atr, obv, stoch, adx, cci or vwap");
	CHECK_STR_EQ(parse_reason("sma:0"), "takes a period of at least 1");
	CHECK_STR_EQ(parse_reason("sma:-3"), "takes a period of at least 1");
	CHECK_STR_EQ(parse_reason("sma:1000001"),
	    "takes a period of at most 1000000");
	CHECK_STR_EQ(parse_reason("sma:2.5"),
	    "takes whole-number periods, such as sma:20");
	CHECK_STR_EQ(parse_reason("sma:"),
	    "takes whole-number periods, such as sma:20");
	CHECK_STR_EQ(parse_reason("sma:20,3"),
	    "takes one parameter, its period");
	CHECK_STR_EQ(parse_reason("stoch:14,3,3"),
	    "takes at most two parameters");
	CHECK_STR_EQ(parse_reason("macd:1,2,3,4"),
	    "takes at most three parameters");
	CHECK_STR_EQ(parse_reason("macd:26,12,9"), "macd needs fast < slow");
	CHECK_STR_EQ(parse_reason("macd:12,12"), "macd needs fast < slow");
	CHECK_STR_EQ(parse_reason("obv:3"), "takes no parameters");
	CHECK_STR_EQ(parse_reason("bbands:20,0"), "takes a positive width k "
	    "in standard deviations, such as bbands:20,2");
	CHECK_STR_EQ(parse_reason("bbands:20,x"), "takes a positive width k "
	    "in standard deviations, such as bbands:20,2");
	CHECK_STR_EQ(parse_reason("bbands:20,1.00000000000000002"),
	    "ok");
	CHECK_STR_EQ(parse_reason("bbands:1000000,0.123456789012345"),
	    "has parameters too long to name a column");
	CHECK_STR_EQ(tsm_ind_default_spec(TSM_IND_MACD), "macd:12,26,9");
	CHECK_STR_EQ(tsm_ind_default_spec(TSM_IND_VWAP), "vwap");
}

/* Hand-computed: closes 1, 2, 3, 4, 5. */
TEST(ind_hand_sma_ema)
{
	struct tsm_bar b[5];
	struct tsm_ind_spec s;
	double out[3][NBARS];

	memset(b, 0, sizeof(b));
	for (int i = 0; i < 5; i++)
		b[i].open = b[i].high = b[i].low = b[i].close = i + 1;
	CHECK(run_series("sma:3", b, 5, &s, out));
	CHECK(isnan(out[0][0]) && isnan(out[0][1]));
	CHECK_DBL_EQ(out[0][2], 2);
	CHECK_DBL_EQ(out[0][3], 3);
	CHECK_DBL_EQ(out[0][4], 4);
	/* ema:3, k = 0.5: seed 2 at bar 2, then 3, then 4. */
	CHECK(run_series("ema:3", b, 5, &s, out));
	CHECK(isnan(out[0][1]));
	CHECK_DBL_EQ(out[0][2], 2);
	CHECK_DBL_EQ(out[0][3], 3);
	CHECK_DBL_EQ(out[0][4], 4);
	/* A period of 1 is the close itself. */
	CHECK(run_series("sma:1", b, 5, &s, out));
	CHECK_DBL_EQ(out[0][0], 1);
	CHECK_DBL_EQ(out[0][4], 5);
}

/*
 * Wilder's RSI by hand: closes 1 2 3 2 4, period 2.  Changes +1 +1 -1
 * +2.  Bar 2: gain 1, loss 0: 100.  Bar 3: gain (1*1 + 0)/2 = 0.5, loss
 * (0*1 + 1)/2 = 0.5: 50.  Bar 4: gain (0.5 + 2)/2 = 1.25, loss 0.25:
 * 100 * 1.25/1.5.  A flat series is 50, not 0 or 100.
 */
TEST(ind_hand_rsi_wilder)
{
	static const double closes[] = { 1, 2, 3, 2, 4 };
	struct tsm_bar b[5];
	struct tsm_ind_spec s;
	double out[3][NBARS];

	memset(b, 0, sizeof(b));
	for (int i = 0; i < 5; i++)
		b[i].open = b[i].high = b[i].low = b[i].close = closes[i];
	CHECK(run_series("rsi:2", b, 5, &s, out));
	CHECK(isnan(out[0][0]) && isnan(out[0][1]));
	CHECK_DBL_EQ(out[0][2], 100);
	CHECK_DBL_EQ(out[0][3], 50);
	CHECK_DBL_NEAR(out[0][4], 100 * 1.25 / 1.5, 1e-15);
	for (int i = 0; i < 5; i++)
		b[i].open = b[i].high = b[i].low = b[i].close = 7;
	CHECK(run_series("rsi:2", b, 5, &s, out));
	CHECK_DBL_EQ(out[0][4], 50);
}

/*
 * ATR and ADX by hand on three bars, period 1 (Wilder's average of one
 * value is the value): bar 1 high 12 low 9 after close 10: true range
 * max(3, 2, 1) = 3; up move 2, down move 1: +DM 2, -DM 0; +DI = 100*2/3,
 * -DI 0, DX 100, ADX (period 1, from bar 1) 100.
 */
TEST(ind_hand_atr_adx)
{
	struct tsm_bar b[2] = {
		{ 0, 10, 10, 10, 10, 1 },
		{ 60000000, 10, 12, 9, 11, 1 },
	};
	struct tsm_ind_spec s;
	double out[3][NBARS];

	CHECK(run_series("atr:1", b, 2, &s, out));
	CHECK(isnan(out[0][0]));
	CHECK_DBL_EQ(out[0][1], 3);
	CHECK(run_series("adx:1", b, 2, &s, out));
	CHECK_DBL_NEAR(out[1][1], 100.0 * 2 / 3, 1e-15);
	CHECK_DBL_EQ(out[2][1], 0);
	CHECK_DBL_EQ(out[0][1], 100);
}

/* obv, stoch, cci and vwap by hand on a few bars. */
TEST(ind_hand_obv_stoch_cci_vwap)
{
	struct tsm_bar b[4] = {
		{ 0, 10, 11, 9, 10, 5 },
		{ 3600000000, 10, 12, 10, 12, 7 },
		{ 7200000000, 12, 12, 8, 9, 2 },
		{ 86400000000, 9, 9, 9, 9, 4 },	/* next UTC day */
	};
	struct tsm_ind_spec s;
	double out[3][NBARS];

	CHECK(run_series("obv", b, 4, &s, out));
	CHECK_DBL_EQ(out[0][0], 0);
	CHECK_DBL_EQ(out[0][1], 7);
	CHECK_DBL_EQ(out[0][2], 5);
	CHECK_DBL_EQ(out[0][3], 5);	/* unchanged close */
	/* stoch:3,1 at bar 2: range 8..12, close 9: 25; %D of 1 is %K. */
	CHECK(run_series("stoch:3,1", b, 4, &s, out));
	CHECK(isnan(out[0][1]));
	CHECK_DBL_EQ(out[0][2], 25);
	CHECK_DBL_EQ(out[1][2], 25);
	/* Flat range: 50. */
	CHECK(run_series("stoch:1,1", b, 4, &s, out));
	CHECK_DBL_EQ(out[0][3], 50);
	/* cci:2 at bar 1: tp 10 and 34/3, mean 32/3, deviation 2/3. */
	CHECK(run_series("cci:2", b, 4, &s, out));
	CHECK_DBL_NEAR(out[0][1], (34.0 / 3 - 32.0 / 3) / (0.015 * 2 / 3),
	    1e-12);
	/* vwap: day one (10*5 + 34/3*7 + 29/3*2)/14, then a new day. */
	CHECK(run_series("vwap", b, 4, &s, out));
	CHECK_DBL_EQ(out[0][0], 10);
	CHECK_DBL_NEAR(out[0][2], (10.0 * 5 + 34.0 / 3 * 7 + 29.0 / 3 * 2) /
	    14, 1e-15);
	CHECK_DBL_EQ(out[0][3], 9);
}

/* Bollinger bands by hand: closes 1 2 3, period 3, k 2: sd sqrt(2/3). */
TEST(ind_hand_bbands_population_sd)
{
	struct tsm_bar b[3];
	struct tsm_ind_spec s;
	double out[3][NBARS];

	memset(b, 0, sizeof(b));
	for (int i = 0; i < 3; i++)
		b[i].open = b[i].high = b[i].low = b[i].close = i + 1;
	CHECK(run_series("bbands:3,2", b, 3, &s, out));
	CHECK_DBL_EQ(out[1][2], 2);
	CHECK_DBL_NEAR(out[0][2], 2 - 2 * sqrt(2.0 / 3), 1e-15);
	CHECK_DBL_NEAR(out[2][2], 2 + 2 * sqrt(2.0 / 3), 1e-15);
}

/* Every output is NaN before the warm-up row and a number from it on. */
TEST(ind_warmup_nans)
{
	static const char *const specs[] = { "sma:7", "ema:9", "rsi:5",
		"macd:3,8,4", "bbands:6,1.5", "atr:4", "obv", "stoch:5,3",
		"adx:4", "cci:6", "vwap" };
	struct tsm_bar b[NBARS];

	gen_bars(b, NBARS);
	for (size_t j = 0; j < sizeof(specs) / sizeof(specs[0]); j++) {
		struct tsm_ind_spec s;
		double out[3][NBARS];
		bool some_nan_before = s.warmup == 0;

		CHECK(run_series(specs[j], b, NBARS, &s, out));
		some_nan_before = s.warmup == 0;
		for (int i = 0; i < NBARS; i++)
			for (int k = 0; k < s.nout; k++) {
				if (i >= s.warmup && isnan(out[k][i]))
					unit_fail(__FILE__, __LINE__,
					    "%s out %d bar %d is NaN",
					    specs[j], k, i);
				if (i == s.warmup - 1 && isnan(out[k][i]))
					some_nan_before = true;
			}
		if (!some_nan_before)
			unit_fail(__FILE__, __LINE__, "%s has a full row "
			    "before its warm-up of %d", specs[j], s.warmup);
	}
}

/* Against pandas and numpy (the reference table above). */
TEST(ind_against_pandas)
{
	struct tsm_bar b[NBARS];

	gen_bars(b, NBARS);
	for (size_t r = 0; r < NREF; r++) {
		struct tsm_ind_spec s;
		double out[3][NBARS], arr[3][NBARS];

		CHECK(run_series(ref[r].spec, b, NBARS, &s, out));
		CHECK(run_arrays(&s, b, NBARS, arr));
		for (size_t j = 0; j < NREFBARS; j++) {
			int i = ref_bars[j];
			double got = out[ref[r].out][i], want = ref[r].v[j];
			/* cci's reference takes the window mean afresh. */
			double tol = strcmp(ref[r].spec, "cci:20") == 0 ?
			    1e-9 : 1e-12;

			if (memcmp(&got, &arr[ref[r].out][i], sizeof(got)) != 0)
				unit_fail(__FILE__, __LINE__, "%s bar %d: "
				    "streaming %.17g, arrays %.17g",
				    ref[r].spec, i, got, arr[ref[r].out][i]);
			if (isnan(want) != isnan(got)) {
				unit_fail(__FILE__, __LINE__, "%s out %d bar "
				    "%d: %.17g, expected %.17g", ref[r].spec,
				    ref[r].out, i, got, want);
				continue;
			}
			if (isnan(want))
				continue;
			/*
			 * sma is pandas' own algorithm: equal to the bit.
			 * The others to tol relative, or absolute below 1
			 * (macd's histogram is a difference of nearly equal
			 * numbers, exact only to the prices' 1e-14).
			 */
			if (strncmp(ref[r].spec, "sma", 3) == 0)
				CHECK_DBL_EQ(got, want);
			else if (!(fabs(got - want) <= tol *
			    fmax(fabs(want), 1.0)))
				unit_fail(__FILE__, __LINE__, "%s out %d bar "
				    "%d: %.17g, expected %.17g", ref[r].spec,
				    ref[r].out, i, got, want);
		}
	}
}

/* A window of equal closes averages to that close exactly. */
TEST(ind_sma_flat_window_exact)
{
	struct tsm_bar b[NBARS];
	struct tsm_ind_spec s;
	double out[3][NBARS];

	gen_bars(b, NBARS);
	CHECK(run_series("sma:5", b, NBARS, &s, out));
	for (int i = 44; i < 48; i++)
		CHECK_DBL_EQ(out[0][i], b[i].close);
	CHECK(run_series("bbands:5,2", b, NBARS, &s, out));
	CHECK_DBL_EQ(out[0][46], b[46].close);
	CHECK_DBL_EQ(out[2][46], b[46].close);
}

/*
 * The running sum does not drift: after a million bars around 30000 the
 * sma still matches a fresh sum of its window to 1e-12.
 */
TEST(ind_sma_long_series_no_drift)
{
	enum { N = 1000000, P = 50 };
	struct tsm_ind_spec s;
	struct tsm_ind *ind;
	const char *why;
	double *c = malloc(sizeof(double) * N), v = 0;
	double x = 30000;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	lcg_state = 7;
	CHECK(tsm_ind_parse("sma:50", &s, &why));
	ind = tsm_ind_new(&s);
	for (int i = 0; i < N; i++) {
		struct tsm_bar b = { 0, 0, 0, 0, 0, 0 };

		x += (lcg() % 2001 - 1000) / 100.0;
		c[i] = x;
		b.open = b.high = b.low = b.close = x;
		tsm_ind_update(ind, &b, &v);
	}
	tsm_ind_free(ind);
	{
		double sum = 0;

		for (int i = N - P; i < N; i++)
			sum += c[i];
		CHECK_DBL_NEAR(v, sum / P, 1e-12);
	}
	free(c);
}
