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
	int warmup;		/* bars before the first value */
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

#endif
