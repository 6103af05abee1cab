/*
 * ingest_kinds_int.h: what the files of the kinds share (ingest_kinds*.c).
 * Not for other modules.
 */
#ifndef TSM_INGEST_KINDS_INT_H
#define TSM_INGEST_KINDS_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "ingest.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A column without a spelling to check or a default. */
#define COL(name, type, flags) { name, type, flags, NULL, NULL, NULL }

/* Input names of the instrument and of times, shared by kinds. */
extern const char *const tsm_alias_symbol[];
extern const char *const tsm_alias_exchange[];
extern const char *const tsm_alias_ikind[];
extern const char *const tsm_alias_timeframe[];
extern const char *const tsm_alias_time[];

#define INSTRUMENT_SPECS \
	{ "symbol", tsm_alias_symbol, TSM_R_SYMBOL, -1, true, "symbol" }, \
	{ "exchange", tsm_alias_exchange, TSM_R_EXCHANGE, -1, true, \
	    "exchange" }, \
	{ "instrument_kind", tsm_alias_ikind, TSM_R_IKIND, -1, false, "kind" }

/* Canonical spellings ("sell" for "S"), or NULL; and the reasons. */
const char *tsm_norm_side(const char *s, size_t len);
const char *tsm_norm_option_type(const char *s, size_t len);
const char *tsm_norm_signal_type(const char *s, size_t len);
extern const char tsm_why_side[];
extern const char tsm_why_option_type[];
extern const char tsm_why_signal_type[];

/* Writes "is below low \"10.2\"": what, the other column, its text. */
void tsm_kind_reason(char *why, size_t whysz, const char *what,
    const char *other, const struct tsm_ival *o);

/* Columns pos above 0, columns nonneg at least 0, when given. */
bool tsm_kind_check_sign(const struct tsm_kind *k, const struct tsm_ival *v,
    const int *pos, int npos, const int *nonneg, int nnonneg, int *col,
    char *why, size_t whysz);

/* Column c within [lo, hi] when given. */
bool tsm_kind_check_range(const struct tsm_ival *v, int c, double lo,
    double hi, int *col, char *why, size_t whysz);

/* For kinds whose rules the types and NOT NULL already cover. */
bool tsm_kind_check_none(const struct tsm_kind *k, const struct tsm_ival *v,
    int *col, char *why, size_t whysz);

extern const struct tsm_kind tsm_kind_candles, tsm_kind_ticks,
    tsm_kind_greeks, tsm_kind_sentiment, tsm_kind_flows, tsm_kind_metrics,
    tsm_kind_indicators, tsm_kind_signals, tsm_kind_instruments;

#endif
