/*
 * ingest_kinds.c: the kinds a loader takes, and what their tables share:
 * the names input files give the instrument and time columns, the
 * spellings of sides, option types, signal types and instrument kinds,
 * and the checks of signs and ranges.  The kinds themselves are in
 * ingest_kinds_market.c (candles, ticks, greeks) and
 * ingest_kinds_other.c.
 *
 * The columns and keys mirror sql/001_base.sql; the checks mirror its
 * CHECK constraints (so that a bad row is refused with its line number
 * before the server sees it) and add the market's own rules: a candle on
 * its interval's grid, a high above its open and close.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ingest.h"
#include "ingest_kinds_int.h"
#include "num.h"

/* Input names shared by the kinds that carry an instrument. */
const char *const tsm_alias_symbol[] = { "ticker", "pair", "instrument",
	NULL };
const char *const tsm_alias_exchange[] = { "venue", "exch", NULL };
const char *const tsm_alias_ikind[] = { "instrument_type", "market_type",
	NULL };
const char *const tsm_alias_timeframe[] = { "interval", "tf", "resolution",
	"granularity", NULL };
const char *const tsm_alias_time[] = { "timestamp", "datetime", "date", "ts",
	"t", NULL };

/* Writes "is below low \"10.2\"" style reasons. */
void
tsm_kind_reason(char *why, size_t whysz, const char *what, const char *other,
    const struct tsm_ival *o)
{
	snprintf(why, whysz, "%s %s \"%.*s\"", what, other, (int)o->rawlen,
	    o->raw);
}

/* Values that must be above zero, or at least zero, when given. */
bool
tsm_kind_check_sign(const struct tsm_kind *k, const struct tsm_ival *v,
    const int *pos,
    int npos, const int *nonneg, int nnonneg, int *col, char *why,
    size_t whysz)
{
	for (int i = 0; i < npos; i++) {
		const struct tsm_ival *x = &v[pos[i]];

		if (x->set && !x->null && !(x->d > 0)) {
			*col = pos[i];
			snprintf(why, whysz, "is not above 0");
			return false;
		}
	}
	for (int i = 0; i < nnonneg; i++) {
		const struct tsm_ival *x = &v[nonneg[i]];
		bool neg = k->cols[nonneg[i]].type == TSM_I_FLOAT8 ?
		    x->d < 0 : x->i < 0;

		if (x->set && !x->null && neg) {
			*col = nonneg[i];
			snprintf(why, whysz, "is negative");
			return false;
		}
	}
	return true;
}

/* A value within [lo, hi] when given. */
bool
tsm_kind_check_range(const struct tsm_ival *v, int c, double lo, double hi,
    int *col,
    char *why, size_t whysz)
{
	if (v[c].set && !v[c].null && (v[c].d < lo || v[c].d > hi)) {
		*col = c;
		snprintf(why, whysz, "is out of range (%g to %g)", lo, hi);
		return false;
	}
	return true;
}

/* True if s[0..len) is word, in any case. */
static bool
word_is(const char *s, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (word[i] == '\0' || c != word[i])
			return false;
	}
	return word[i] == '\0';
}

/*
 * Finds s among pairs of (spelling, canonical) and returns the canonical
 * value, or NULL.
 */
static const char *
lookup_word(const char *s, size_t len, const char *const *pairs)
{
	for (int i = 0; pairs[i] != NULL; i += 2)
		if (word_is(s, len, pairs[i]))
			return pairs[i + 1];
	return NULL;
}

const char *
tsm_norm_side(const char *s, size_t len)
{
	static const char *const w[] = { "buy", "buy", "b", "buy", "bid", "buy",
		"sell", "sell", "s", "sell", "ask", "sell", NULL };

	return lookup_word(s, len, w);
}

const char *
tsm_norm_option_type(const char *s, size_t len)
{
	static const char *const w[] = { "call", "call", "c", "call", "ce",
		"call", "put", "put", "p", "put", "pe", "put", NULL };

	return lookup_word(s, len, w);
}

const char *
tsm_norm_signal_type(const char *s, size_t len)
{
	static const char *const w[] = { "buy", "buy", "sell", "sell", "long",
		"long", "short", "short", "exit", "exit", "close", "exit",
		"hold", "hold", NULL };

	return lookup_word(s, len, w);
}

const char *
tsm_instrument_kind_norm(const char *s, size_t len)
{
	static const char *const w[] = { "spot", "spot", "future", "future",
		"futures", "future", "perpetual", "perpetual", "perp",
		"perpetual", "swap", "perpetual", "option", "option", "options",
		"option", "index", "index", "stock", "stock", "equity", "stock",
		"etf", "etf", "forex", "forex", "fx", "forex", "other", "other",
		NULL };

	return lookup_word(s, len, w);
}

const char tsm_why_side[] = "is not a side (buy or sell)";
const char tsm_why_option_type[] = "is not an option type (call or put)";
const char tsm_why_signal_type[] =
    "is not a signal type (buy, sell, long, short, exit or hold)";
const char tsm_instrument_kind_why[] =
    "is not an instrument kind (spot, future, "
    "perpetual, option, index, stock, etf, forex or other)";

/* Kinds whose rules the types and NOT NULL already cover. */
bool
tsm_kind_check_none(const struct tsm_kind *k, const struct tsm_ival *v,
    int *col,
    char *why, size_t whysz)
{
	(void)k;
	(void)v;
	(void)col;
	(void)why;
	(void)whysz;
	return true;
}

const struct tsm_kind *const tsm_kinds[] = {
	&tsm_kind_candles, &tsm_kind_ticks, &tsm_kind_greeks,
	    &tsm_kind_sentiment, &tsm_kind_flows,
	&tsm_kind_metrics, &tsm_kind_indicators, &tsm_kind_signals,
	    &tsm_kind_instruments, NULL
};

const struct tsm_kind *
tsm_kind_find(const char *name)
{
	for (int i = 0; tsm_kinds[i] != NULL; i++)
		if (strcmp(tsm_kinds[i]->name, name) == 0)
			return tsm_kinds[i];
	return NULL;
}

const char *
tsm_kind_list(void)
{
	return "candles, ticks, greeks, sentiment, flows, metrics, indicators, "
	    "signals, instruments";
}

int
tsm_kind_col(const struct tsm_kind *k, const char *name)
{
	for (int i = 0; i < k->ncols; i++)
		if (strcmp(k->cols[i].name, name) == 0)
			return i;
	return -1;
}
