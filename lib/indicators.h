/*
 * indicators.h: technical indicators in one streaming pass over candles.
 *
 * Shared by tsm-query indicators (which writes them as extra columns and
 * may store them) and tsm-backtest (whose strategies trade on them), so
 * that both see the same numbers.  Standard definitions: Wilder smoothing
 * for RSI, ATR and ADX; EMA seeded with the SMA of its first period; the
 * population standard deviation for Bollinger bands.  Every value is NaN
 * until the indicator has seen enough bars ("warm-up").
 *
 * Specs are written as on the command line: sma:20 ema:50 rsi:14
 * macd:12,26,9 bbands:20,2 atr:14 obv stoch:14,3 adx:14 cci:20 vwap.
 * Parameters left out take these defaults; obv and vwap take none.
 *
 * The definitions, exactly (p is the period; man/tsm-backtest.1 has the
 * same list for users):
 * - sma: the mean of the last p closes, summed with Kahan compensation as
 *   a running sum (one compensation for values added, one for values
 *   removed); a window of p equal closes gives that close exactly.  This
 *   is pandas' rolling(p).mean(), bit for bit.  From bar p-1.
 * - ema: seeded at bar p-1 with the plain mean of the first p closes, then
 *   e = (close - e) * 2/(p+1) + e, as TA-Lib.  From bar p-1.
 * - rsi: Wilder's: the gains and losses of bar-to-bar changes, averaged
 *   first plainly over bars 1..p, then a = (a*(p-1) + x)/p; the value is
 *   100 * gain / (gain + loss), 50 when both are 0.  From bar p.
 * - macd (fast, slow, signal): ema(fast) - ema(slow) from bar slow-1; the
 *   signal is an ema of it seeded as above; hist = macd - signal.  Columns
 *   macd_F_S_G, macd_F_S_G_signal, macd_F_S_G_hist.
 * - bbands (p, k): middle = sma(p); sd = sqrt(sum((close - middle)^2)/p)
 *   over the window (population); lower/upper = middle -/+ k*sd.  Columns
 *   bbands_P_K_lower, _middle, _upper.  From bar p-1.
 * - atr: true range max(h-l, |h-c'|, |l-c'|) from bar 1 (c' the previous
 *   close), Wilder-averaged as rsi.  From bar p.
 * - obv: 0 at bar 0, then +volume on a higher close, -volume on a lower.
 * - stoch (k, d): %K = 100 * (close - lowest low)/(highest high - lowest
 *   low) over k bars (50 when the range is 0), from bar k-1; %D = sma(d)
 *   of %K.  Columns stoch_K_D_k, stoch_K_D_d.
 * - adx: +DM/-DM (the larger of the up and down moves, when positive) and
 *   the true range, Wilder-averaged from bar 1; +DI, -DI = 100 * DM / TR
 *   from bar p; DX = 100 * |+DI - -DI| / (+DI + -DI) (0 when both are 0);
 *   ADX = the plain mean of DX over bars p..2p-1, then Wilder-averaged.
 *   Columns adx_P, adx_P_plus_di, adx_P_minus_di.
 * - cci: typical price tp = (h+l+c)/3; (tp - sma(tp)) / (0.015 * mean
 *   absolute deviation of tp from sma(tp)), 0 when the deviation is 0.
 * - vwap: sum(tp * volume)/sum(volume) since 00:00 UTC of the bar's day
 *   (a session VWAP); tp itself while the day's volume is still 0.
 */
#ifndef TSM_INDICATORS_H
#define TSM_INDICATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tsm_bar {
	int64_t time;		/* microseconds since the epoch, UTC */
	double open, high, low, close, volume;
};

enum tsm_ind_kind {
	TSM_IND_SMA, TSM_IND_EMA, TSM_IND_RSI, TSM_IND_MACD, TSM_IND_BBANDS,
	TSM_IND_ATR, TSM_IND_OBV, TSM_IND_STOCH, TSM_IND_ADX, TSM_IND_CCI,
	TSM_IND_VWAP
};

struct tsm_ind_spec {
	enum tsm_ind_kind kind;
	int period[3];		/* as given or defaulted */
	double k;		/* bbands width in standard deviations */
	char name[16];		/* "sma", "macd" */
	char params[32];	/* canonical parameters: "20", "12,26,9" */
	int nout;		/* values per bar, 1 to 3 */
	char out[3][32];	/* column names: "sma_20", "macd_12_26_9_signal" */
	int warmup;		/* bars before the first value (of every
				   output: the row where none is NaN) */
};

/*
 * Parses a spec; false with *why a static reason ("unknown indicator:
 * expected sma, ema, rsi, macd, bbands, atr, obv, stoch, adx, cci or
 * vwap", "takes a period of at least 1", "macd needs fast < slow").
 */
bool tsm_ind_parse(const char *text, struct tsm_ind_spec *spec,
    const char **why);

struct tsm_ind;

/* A streaming state for spec; NULL when out of memory.  Free with
 * tsm_ind_free. */
struct tsm_ind *tsm_ind_new(const struct tsm_ind_spec *spec);

/* Feeds the next bar (in time order) and writes spec->nout values. */
void tsm_ind_update(struct tsm_ind *ind, const struct tsm_bar *bar,
    double *out);

void tsm_ind_free(struct tsm_ind *ind);

/*
 * The indicator over a whole series given as arrays of n bars: out[k]
 * (k < spec->nout, each n doubles, allocated by the caller) receives
 * output k.  time, open, high and low may be NULL (read as 0, and as
 * close), and volume too (read as 0).  The same values, bit for
 * bit, as feeding the bars to tsm_ind_update one by one.  False after
 * reporting "out of memory".
 */
bool tsm_ind_series(const struct tsm_ind_spec *spec, const int64_t *time,
    const double *open, const double *high, const double *low,
    const double *close, const double *volume, size_t n, double *const *out);

/*
 * The defaults of an indicator's parameters and how many it takes; for
 * help texts.  "sma:20", "macd:12,26,9", "obv".
 */
const char *tsm_ind_default_spec(enum tsm_ind_kind kind);

#endif
