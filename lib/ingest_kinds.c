/*
 * ingest_kinds.c: the kinds a loader takes: tables, columns, keys, the
 * names input files give their columns, and the rules each row obeys.
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
#include "num.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Input names shared by the kinds that carry an instrument. */
static const char *const A_SYMBOL[] = { "ticker", "pair", "instrument",
	NULL };
static const char *const A_EXCHANGE[] = { "venue", "exch", NULL };
static const char *const A_IKIND[] = { "instrument_type", "market_type",
	NULL };
static const char *const A_TIMEFRAME[] = { "interval", "tf", "resolution",
	"granularity", NULL };
static const char *const A_TIME[] = { "timestamp", "datetime", "date", "ts",
	"t", NULL };

#define INSTRUMENT_SPECS \
	{ "symbol", A_SYMBOL, TSM_R_SYMBOL, -1, true, "symbol" }, \
	{ "exchange", A_EXCHANGE, TSM_R_EXCHANGE, -1, true, "exchange" }, \
	{ "instrument_kind", A_IKIND, TSM_R_IKIND, -1, false, "kind" }

/* Writes "is below low \"10.2\"" style reasons. */
static void
reason(char *why, size_t whysz, const char *what, const char *other,
    const struct tsm_ival *o)
{
	snprintf(why, whysz, "%s %s \"%.*s\"", what, other, (int)o->rawlen,
	    o->raw);
}

/* Values that must be above zero, or at least zero, when given. */
static bool
check_sign(const struct tsm_kind *k, const struct tsm_ival *v, const int *pos,
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
static bool
check_range(const struct tsm_ival *v, int c, double lo, double hi, int *col,
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

static const char *
norm_side(const char *s, size_t len)
{
	static const char *const w[] = { "buy", "buy", "b", "buy", "bid", "buy",
		"sell", "sell", "s", "sell", "ask", "sell", NULL };

	return lookup_word(s, len, w);
}

static const char *
norm_option_type(const char *s, size_t len)
{
	static const char *const w[] = { "call", "call", "c", "call", "ce",
		"call", "put", "put", "p", "put", "pe", "put", NULL };

	return lookup_word(s, len, w);
}

static const char *
norm_signal_type(const char *s, size_t len)
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

static const char WHY_SIDE[] = "is not a side (buy or sell)";
static const char WHY_OTYPE[] = "is not an option type (call or put)";
static const char WHY_STYPE[] =
    "is not a signal type (buy, sell, long, short, exit or hold)";
const char tsm_instrument_kind_why[] = "is not an instrument kind (spot, future, "
    "perpetual, option, index, stock, etf, forex or other)";

/* ---- candles ---- */

enum { CA_INSTR, CA_TF, CA_TIME, CA_OPEN, CA_HIGH, CA_LOW, CA_CLOSE, CA_VOL,
	CA_CTIME, CA_QVOL, CA_TRADES, CA_TBVOL, CA_TBQVOL };

static const struct tsm_kcol candle_cols[] = {
	{ "instrument_id", TSM_I_INT4, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL |
	    TSM_C_INSTR, NULL, NULL, NULL },
	{ "timeframe", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL |
	    TSM_C_TFRAME, NULL, NULL, NULL },
	{ "time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME, NULL, NULL, NULL },
	{ "open", TSM_I_FLOAT8, TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "high", TSM_I_FLOAT8, TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "low", TSM_I_FLOAT8, TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "close", TSM_I_FLOAT8, TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "volume", TSM_I_FLOAT8, TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "close_time", TSM_I_TIME, 0, NULL, NULL, NULL },
	{ "quote_volume", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "trades", TSM_I_INT8, 0, NULL, NULL, NULL },
	{ "taker_buy_volume", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "taker_buy_quote_volume", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
};

static const char *const A_CTIME[] = { "open_time", "opentime", "open time",
	"timestamp", "datetime", "date", "ts", "t", "start", "start_time",
	"time_open", NULL };
static const char *const A_OPEN[] = { "o", "open_price", NULL };
static const char *const A_HIGH[] = { "h", "high_price", NULL };
static const char *const A_LOW[] = { "l", "low_price", NULL };
static const char *const A_CLOSE[] = { "c", "close_price", NULL };
static const char *const A_VOLUME[] = { "v", "vol", "base_volume", NULL };
static const char *const A_CLOSETIME[] = { "closetime", "close time",
	"time_close", "end_time", NULL };
static const char *const A_QVOL[] = { "quote_asset_volume",
	"quote asset volume", "qav", "quote_av", "quote_vol", "volume_quote",
	NULL };
static const char *const A_TRADES[] = { "count", "number_of_trades",
	"number of trades", "num_trades", "trade_count", "n", NULL };
static const char *const A_TBVOL[] = { "taker_buy_base_asset_volume",
	"taker buy base asset volume", "taker_buy_base_volume", "tb_base_av",
	NULL };
static const char *const A_TBQVOL[] = { "taker_buy_quote_asset_volume",
	"taker buy quote asset volume", "tb_quote_av", NULL };

static const struct tsm_kspec candle_specs[] = {
	{ "time", A_CTIME, TSM_R_COL, CA_TIME, true, NULL },
	{ "open", A_OPEN, TSM_R_COL, CA_OPEN, true, NULL },
	{ "high", A_HIGH, TSM_R_COL, CA_HIGH, true, NULL },
	{ "low", A_LOW, TSM_R_COL, CA_LOW, true, NULL },
	{ "close", A_CLOSE, TSM_R_COL, CA_CLOSE, true, NULL },
	{ "volume", A_VOLUME, TSM_R_COL, CA_VOL, false, NULL },
	{ "close_time", A_CLOSETIME, TSM_R_COL, CA_CTIME, false, NULL },
	{ "quote_volume", A_QVOL, TSM_R_COL, CA_QVOL, false, NULL },
	{ "trades", A_TRADES, TSM_R_COL, CA_TRADES, false, NULL },
	{ "taker_buy_volume", A_TBVOL, TSM_R_COL, CA_TBVOL, false, NULL },
	{ "taker_buy_quote_volume", A_TBQVOL, TSM_R_COL, CA_TBQVOL, false,
	    NULL },
	{ "timeframe", A_TIMEFRAME, TSM_R_COL, CA_TF, true, "interval" },
	{ "ignore", NULL, TSM_R_IGNORE, -1, false, NULL },
	INSTRUMENT_SPECS,
};

/* Binance's public kline files, and the six columns of ccxt's OHLCV. */
static const struct tsm_layout candle_layouts[] = {
	{ 12, "open_time,open,high,low,close,volume,close_time,quote_volume,"
	    "count,taker_buy_volume,taker_buy_quote_volume,ignore" },
	{ 6, "time,open,high,low,close,volume" },
	{ 0, NULL }
};

static bool
check_candle(const struct tsm_kind *k, const struct tsm_ival *v, int *col,
    char *why, size_t whysz)
{
	static const int pos[] = { CA_OPEN, CA_HIGH, CA_LOW, CA_CLOSE };
	static const int nonneg[] = { CA_VOL, CA_QVOL, CA_TRADES, CA_TBVOL,
		CA_TBQVOL };
	const struct tsm_ival *o = &v[CA_OPEN], *h = &v[CA_HIGH],
	    *l = &v[CA_LOW], *c = &v[CA_CLOSE];

	if (!check_sign(k, v, pos, N(pos), nonneg, N(nonneg), col, why, whysz))
		return false;
	*col = CA_HIGH;
	if (h->d < l->d) {
		reason(why, whysz, "is below", "low", l);
		return false;
	}
	if (h->d < o->d) {
		reason(why, whysz, "is below", "open", o);
		return false;
	}
	if (h->d < c->d) {
		reason(why, whysz, "is below", "close", c);
		return false;
	}
	*col = CA_LOW;
	if (l->d > o->d) {
		reason(why, whysz, "is above", "open", o);
		return false;
	}
	if (l->d > c->d) {
		reason(why, whysz, "is above", "close", c);
		return false;
	}
	if (v[CA_CTIME].set && !v[CA_CTIME].null &&
	    v[CA_CTIME].i < v[CA_TIME].i) {
		*col = CA_CTIME;
		reason(why, whysz, "is before", "the open time",
		    &v[CA_TIME]);
		return false;
	}
	return true;
}

static const struct tsm_kind kind_candles = {
	"candles", "candles", "candles", true, candle_cols, N(candle_cols),
	candle_specs, N(candle_specs), candle_layouts, check_candle
};

/* ---- ticks ---- */

enum { TI_INSTR, TI_TIME, TI_ID, TI_PRICE, TI_QTY, TI_QQTY, TI_SIDE };

static const struct tsm_kcol tick_cols[] = {
	{ "instrument_id", TSM_I_INT4, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL |
	    TSM_C_INSTR, NULL, NULL, NULL },
	{ "time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME, NULL, NULL, NULL },
	{ "trade_id", TSM_I_INT8, TSM_C_KEY | TSM_C_RANGE | TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "price", TSM_I_FLOAT8, TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "qty", TSM_I_FLOAT8, TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "quote_qty", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "side", TSM_I_TEXT, 0, norm_side, WHY_SIDE, NULL },
};

static const char *const A_TID[] = { "id", "tradeid", "trade id", NULL };
static const char *const A_PRICE[] = { "p", NULL };
static const char *const A_QTY[] = { "quantity", "amount", "size", "q",
	"base_qty", NULL };
static const char *const A_QQTY[] = { "quoteqty", "quote_quantity", "cost",
	"quote qty", NULL };
static const char *const A_TTIME[] = { "timestamp", "trade_time", "datetime",
	"date", "ts", NULL };
static const char *const A_SIDE[] = { "taker_side", "takerside", NULL };
static const char *const A_BM[] = { "isbuyermaker", "buyer_maker",
	"is buyer maker", "m", NULL };
static const char *const A_BEST[] = { "isbestmatch", "is best match", NULL };

static const struct tsm_kspec tick_specs[] = {
	{ "trade_id", A_TID, TSM_R_COL, TI_ID, true, NULL },
	{ "price", A_PRICE, TSM_R_COL, TI_PRICE, true, NULL },
	{ "qty", A_QTY, TSM_R_COL, TI_QTY, true, NULL },
	{ "quote_qty", A_QQTY, TSM_R_COL, TI_QQTY, false, NULL },
	{ "time", A_TTIME, TSM_R_COL, TI_TIME, true, NULL },
	{ "side", A_SIDE, TSM_R_COL, TI_SIDE, false, NULL },
	{ "is_buyer_maker", A_BM, TSM_R_BUYER_MAKER, TI_SIDE, false, NULL },
	{ "is_best_match", A_BEST, TSM_R_IGNORE, -1, false, NULL },
	INSTRUMENT_SPECS,
};

/* Binance's public trade files: spot (7 columns) and futures (6). */
static const struct tsm_layout tick_layouts[] = {
	{ 7, "id,price,qty,quote_qty,time,is_buyer_maker,is_best_match" },
	{ 6, "id,price,qty,quote_qty,time,is_buyer_maker" },
	{ 0, NULL }
};

static bool
check_tick(const struct tsm_kind *k, const struct tsm_ival *v, int *col,
    char *why, size_t whysz)
{
	static const int pos[] = { TI_PRICE };
	static const int nonneg[] = { TI_ID, TI_QTY, TI_QQTY };

	return check_sign(k, v, pos, N(pos), nonneg, N(nonneg), col, why,
	    whysz);
}

static const struct tsm_kind kind_ticks = {
	"ticks", "ticks", "ticks", true, tick_cols, N(tick_cols), tick_specs,
	N(tick_specs), tick_layouts, check_tick
};

/* ---- greeks ---- */

enum { GR_TIME, GR_UND, GR_EXCH, GR_EXPIRY, GR_STRIKE, GR_TYPE, GR_DELTA,
	GR_GAMMA, GR_THETA, GR_VEGA, GR_RHO, GR_IV, GR_UPRICE, GR_MARK, GR_OI };

static const struct tsm_kcol greek_cols[] = {
	{ "time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME, NULL, NULL, NULL },
	{ "underlying", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "exchange", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL |
	    TSM_C_EMPTY, NULL, NULL, NULL },
	{ "expiry", TSM_I_DATE, TSM_C_KEY | TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "strike", TSM_I_FLOAT8, TSM_C_KEY | TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "option_type", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL, norm_option_type,
	    WHY_OTYPE, NULL },
	{ "delta", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "gamma", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "theta", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "vega", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "rho", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "iv", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "underlying_price", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "mark_price", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "open_interest", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
};

static const char *const A_UND[] = { "symbol", "underlying_symbol", "asset",
	"ticker", NULL };
static const char *const A_EXPIRY[] = { "expiration", "expiry_date",
	"expiration_date", "exp", NULL };
static const char *const A_STRIKE[] = { "strike_price", "k", NULL };
static const char *const A_OTYPE[] = { "type", "right", "call_put",
	"put_call", "cp", NULL };
static const char *const A_IV[] = { "implied_volatility", "mark_iv", "vol",
	NULL };
static const char *const A_UPRICE[] = { "spot", "underlying_last",
	"index_price", NULL };
static const char *const A_MARK[] = { "mark", NULL };
static const char *const A_OI[] = { "oi", NULL };

static const struct tsm_kspec greek_specs[] = {
	{ "time", A_TIME, TSM_R_COL, GR_TIME, true, NULL },
	{ "underlying", A_UND, TSM_R_COL, GR_UND, true, "symbol" },
	{ "exchange", A_EXCHANGE, TSM_R_COL, GR_EXCH, false, "exchange" },
	{ "expiry", A_EXPIRY, TSM_R_COL, GR_EXPIRY, true, NULL },
	{ "strike", A_STRIKE, TSM_R_COL, GR_STRIKE, true, NULL },
	{ "option_type", A_OTYPE, TSM_R_COL, GR_TYPE, true, NULL },
	{ "delta", NULL, TSM_R_COL, GR_DELTA, false, NULL },
	{ "gamma", NULL, TSM_R_COL, GR_GAMMA, false, NULL },
	{ "theta", NULL, TSM_R_COL, GR_THETA, false, NULL },
	{ "vega", NULL, TSM_R_COL, GR_VEGA, false, NULL },
	{ "rho", NULL, TSM_R_COL, GR_RHO, false, NULL },
	{ "iv", A_IV, TSM_R_COL, GR_IV, false, NULL },
	{ "underlying_price", A_UPRICE, TSM_R_COL, GR_UPRICE, false, NULL },
	{ "mark_price", A_MARK, TSM_R_COL, GR_MARK, false, NULL },
	{ "open_interest", A_OI, TSM_R_COL, GR_OI, false, NULL },
};

static bool
check_greek(const struct tsm_kind *k, const struct tsm_ival *v, int *col,
    char *why, size_t whysz)
{
	static const int pos[] = { GR_STRIKE, GR_UPRICE };
	static const int nonneg[] = { GR_IV, GR_MARK, GR_OI };

	if (!check_sign(k, v, pos, N(pos), nonneg, N(nonneg), col, why, whysz))
		return false;
	return check_range(v, GR_DELTA, -1, 1, col, why, whysz);
}

static const struct tsm_kind kind_greeks = {
	"greeks", "greeks", "greeks", false, greek_cols, N(greek_cols),
	greek_specs, N(greek_specs), NULL, check_greek
};

/* ---- sentiment ---- */

enum { SE_TIME, SE_ASSET, SE_SOURCE, SE_SCORE, SE_LABEL, SE_MENTIONS,
	SE_ENGAGE };

static const struct tsm_kcol sentiment_cols[] = {
	{ "time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME, NULL, NULL, NULL },
	{ "asset", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "source", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "score", TSM_I_FLOAT8, TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "label", TSM_I_TEXT, 0, NULL, NULL, NULL },
	{ "mentions", TSM_I_INT4, 0, NULL, NULL, NULL },
	{ "engagement", TSM_I_INT8, 0, NULL, NULL, NULL },
};

static const char *const A_ASSET[] = { "symbol", "coin", "ticker", "currency",
	NULL };
static const char *const A_SOURCE[] = { "platform", "provider", NULL };
static const char *const A_SCORE[] = { "sentiment", "sentiment_score",
	"polarity", "compound", NULL };
static const char *const A_LABEL[] = { "sentiment_label", "class", NULL };
static const char *const A_MENTIONS[] = { "mention_count", "posts", NULL };
static const char *const A_ENGAGE[] = { "interactions", NULL };

static const struct tsm_kspec sentiment_specs[] = {
	{ "time", A_TIME, TSM_R_COL, SE_TIME, true, NULL },
	{ "asset", A_ASSET, TSM_R_COL, SE_ASSET, true, "symbol" },
	{ "source", A_SOURCE, TSM_R_COL, SE_SOURCE, true, "source" },
	{ "score", A_SCORE, TSM_R_COL, SE_SCORE, true, NULL },
	{ "label", A_LABEL, TSM_R_COL, SE_LABEL, false, NULL },
	{ "mentions", A_MENTIONS, TSM_R_COL, SE_MENTIONS, false, NULL },
	{ "engagement", A_ENGAGE, TSM_R_COL, SE_ENGAGE, false, NULL },
};

static bool
check_sentiment(const struct tsm_kind *k, const struct tsm_ival *v, int *col,
    char *why, size_t whysz)
{
	static const int nonneg[] = { SE_MENTIONS, SE_ENGAGE };

	if (!check_range(v, SE_SCORE, -1, 1, col, why, whysz))
		return false;
	return check_sign(k, v, NULL, 0, nonneg, N(nonneg), col, why, whysz);
}

static const struct tsm_kind kind_sentiment = {
	"sentiment", "sentiment", "sentiment", false, sentiment_cols,
	N(sentiment_cols), sentiment_specs, N(sentiment_specs), NULL,
	check_sentiment
};

/* ---- flows ---- */

enum { FL_TIME, FL_ASSET, FL_TYPE, FL_SOURCE, FL_AMOUNT, FL_USD, FL_REF };

static const struct tsm_kcol flow_cols[] = {
	{ "time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME, NULL, NULL, NULL },
	{ "asset", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "flow_type", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "source", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_EMPTY, NULL, NULL, NULL },
	{ "amount", TSM_I_FLOAT8, TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "usd_value", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "ref", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_EMPTY, NULL, NULL, NULL },
};

static const char *const A_FTYPE[] = { "type", "direction", "flow", NULL };
static const char *const A_FSOURCE[] = { "exchange", "entity", "platform",
	NULL };
static const char *const A_AMOUNT[] = { "value", "quantity", "qty", NULL };
static const char *const A_USD[] = { "usd", "value_usd", "amount_usd", NULL };
static const char *const A_REF[] = { "tx", "txid", "tx_hash", "hash",
	"transaction", "reference", NULL };

static const struct tsm_kspec flow_specs[] = {
	{ "time", A_TIME, TSM_R_COL, FL_TIME, true, NULL },
	{ "asset", A_ASSET, TSM_R_COL, FL_ASSET, true, "symbol" },
	{ "flow_type", A_FTYPE, TSM_R_COL, FL_TYPE, true, NULL },
	{ "source", A_FSOURCE, TSM_R_COL, FL_SOURCE, false, "source" },
	{ "amount", A_AMOUNT, TSM_R_COL, FL_AMOUNT, true, NULL },
	{ "usd_value", A_USD, TSM_R_COL, FL_USD, false, NULL },
	{ "ref", A_REF, TSM_R_COL, FL_REF, false, NULL },
};

/* Kinds whose rules the types and NOT NULL already cover. */
static bool
check_none(const struct tsm_kind *k, const struct tsm_ival *v, int *col,
    char *why, size_t whysz)
{
	(void)k;
	(void)v;
	(void)col;
	(void)why;
	(void)whysz;
	return true;
}

static const struct tsm_kind kind_flows = {
	"flows", "flows", "flows", false, flow_cols, N(flow_cols), flow_specs,
	N(flow_specs), NULL, check_none
};

/* ---- metrics ---- */

enum { ME_TIME, ME_METRIC, ME_SCOPE, ME_VALUE, ME_SOURCE };

static const struct tsm_kcol metric_cols[] = {
	{ "time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME, NULL, NULL, NULL },
	{ "metric", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "scope", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_EMPTY, NULL, NULL, NULL },
	{ "value", TSM_I_FLOAT8, TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "source", TSM_I_TEXT, 0, NULL, NULL, NULL },
};

static const char *const A_METRIC[] = { "name", "indicator", NULL };
static const char *const A_SCOPE[] = { "symbol", "index", "market", NULL };
static const char *const A_MSOURCE[] = { "provider", NULL };

static const struct tsm_kspec metric_specs[] = {
	{ "time", A_TIME, TSM_R_COL, ME_TIME, true, NULL },
	{ "metric", A_METRIC, TSM_R_COL, ME_METRIC, true, NULL },
	{ "scope", A_SCOPE, TSM_R_COL, ME_SCOPE, false, "symbol" },
	{ "value", NULL, TSM_R_COL, ME_VALUE, true, NULL },
	{ "source", A_MSOURCE, TSM_R_COL, ME_SOURCE, false, "source" },
};

static const struct tsm_kind kind_metrics = {
	"metrics", "market_metrics", "metrics", false, metric_cols,
	N(metric_cols), metric_specs, N(metric_specs), NULL, check_none
};

/* ---- indicators ---- */

enum { IN_INSTR, IN_TF, IN_TIME, IN_NAME, IN_PARAMS, IN_V1, IN_V2, IN_V3 };

static const struct tsm_kcol indicator_cols[] = {
	{ "instrument_id", TSM_I_INT4, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL |
	    TSM_C_INSTR, NULL, NULL, NULL },
	{ "timeframe", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL |
	    TSM_C_TFRAME, NULL, NULL, NULL },
	{ "time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME, NULL, NULL, NULL },
	{ "name", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "params", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_EMPTY, NULL, NULL, NULL },
	{ "value1", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "value2", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "value3", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
};

static const char *const A_INAME[] = { "indicator", NULL };
static const char *const A_PARAMS[] = { "parameters", "args", NULL };
static const char *const A_V1[] = { "value", NULL };

static const struct tsm_kspec indicator_specs[] = {
	{ "time", A_TIME, TSM_R_COL, IN_TIME, true, NULL },
	{ "name", A_INAME, TSM_R_COL, IN_NAME, true, NULL },
	{ "params", A_PARAMS, TSM_R_COL, IN_PARAMS, false, NULL },
	{ "value1", A_V1, TSM_R_COL, IN_V1, true, NULL },
	{ "value2", NULL, TSM_R_COL, IN_V2, false, NULL },
	{ "value3", NULL, TSM_R_COL, IN_V3, false, NULL },
	{ "timeframe", A_TIMEFRAME, TSM_R_COL, IN_TF, true, "interval" },
	INSTRUMENT_SPECS,
};

static const struct tsm_kind kind_indicators = {
	"indicators", "indicators", "indicators", true, indicator_cols,
	N(indicator_cols), indicator_specs, N(indicator_specs), NULL, check_none
};

/* ---- signals ---- */

enum { SI_TIME, SI_INSTR, SI_STRAT, SI_TYPE, SI_STRENGTH, SI_CONF, SI_PRICE,
	SI_TARGET, SI_STOP, SI_RATIONALE, SI_ACTIVE, SI_EXPIRES };

static const struct tsm_kcol signal_cols[] = {
	{ "time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME, NULL, NULL, NULL },
	{ "instrument_id", TSM_I_INT4, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL |
	    TSM_C_INSTR, NULL, NULL, NULL },
	{ "strategy", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_EMPTY, NULL, NULL, NULL },
	{ "signal_type", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL, norm_signal_type,
	    WHY_STYPE, NULL },
	{ "strength", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "confidence", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "price", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "target", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "stop", TSM_I_FLOAT8, 0, NULL, NULL, NULL },
	{ "rationale", TSM_I_TEXT, 0, NULL, NULL, NULL },
	{ "active", TSM_I_BOOL, TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "expires_at", TSM_I_TIME, 0, NULL, NULL, NULL },
};

static const char *const A_STRAT[] = { "strategy_name", NULL };
static const char *const A_STYPE[] = { "signal", "type", "action", "side",
	NULL };
static const char *const A_CONF[] = { "probability", NULL };
static const char *const A_SPRICE[] = { "entry", "entry_price", NULL };
static const char *const A_TARGET[] = { "take_profit", "tp", NULL };
static const char *const A_STOP[] = { "stop_loss", "sl", NULL };
static const char *const A_RATIONALE[] = { "reason", "comment", "note",
	NULL };
static const char *const A_EXPIRES[] = { "expires", "expiry", NULL };

static const struct tsm_kspec signal_specs[] = {
	{ "time", A_TIME, TSM_R_COL, SI_TIME, true, NULL },
	{ "strategy", A_STRAT, TSM_R_COL, SI_STRAT, false, NULL },
	{ "signal_type", A_STYPE, TSM_R_COL, SI_TYPE, true, NULL },
	{ "strength", NULL, TSM_R_COL, SI_STRENGTH, false, NULL },
	{ "confidence", A_CONF, TSM_R_COL, SI_CONF, false, NULL },
	{ "price", A_SPRICE, TSM_R_COL, SI_PRICE, false, NULL },
	{ "target", A_TARGET, TSM_R_COL, SI_TARGET, false, NULL },
	{ "stop", A_STOP, TSM_R_COL, SI_STOP, false, NULL },
	{ "rationale", A_RATIONALE, TSM_R_COL, SI_RATIONALE, false, NULL },
	{ "active", NULL, TSM_R_COL, SI_ACTIVE, false, NULL },
	{ "expires_at", A_EXPIRES, TSM_R_COL, SI_EXPIRES, false, NULL },
	INSTRUMENT_SPECS,
};

static bool
check_signal(const struct tsm_kind *k, const struct tsm_ival *v, int *col,
    char *why, size_t whysz)
{
	static const int pos[] = { SI_PRICE, SI_TARGET, SI_STOP };

	if (!check_range(v, SI_CONF, 0, 1, col, why, whysz))
		return false;
	return check_sign(k, v, pos, N(pos), NULL, 0, col, why, whysz);
}

static const struct tsm_kind kind_signals = {
	"signals", "signals", NULL, true, signal_cols, N(signal_cols),
	signal_specs, N(signal_specs), NULL, check_signal
};

/* ---- instruments ---- */

enum { IS_EXCH, IS_SYMBOL, IS_KIND, IS_BASE, IS_QUOTE, IS_ACTIVE,
	IS_PRIORITY };

static const struct tsm_kcol instrument_cols[] = {
	{ "exchange", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "symbol", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "kind", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL, tsm_instrument_kind_norm,
	    tsm_instrument_kind_why, "spot" },
	{ "base", TSM_I_TEXT, 0, NULL, NULL, NULL },
	{ "quote", TSM_I_TEXT, 0, NULL, NULL, NULL },
	{ "active", TSM_I_BOOL, TSM_C_NOTNULL, NULL, NULL, NULL },
	{ "priority", TSM_I_INT4, TSM_C_NOTNULL, NULL, NULL, NULL },
};

static const char *const A_BASE[] = { "base_asset", "baseasset",
	"base_currency", NULL };
static const char *const A_QUOTE[] = { "quote_asset", "quoteasset",
	"quote_currency", NULL };
static const char *const A_INSTKIND[] = { "instrument_kind",
	"instrument_type", "market_type", "type", NULL };

static const struct tsm_kspec instrument_specs[] = {
	{ "exchange", A_EXCHANGE, TSM_R_COL, IS_EXCH, true, "exchange" },
	{ "symbol", A_SYMBOL, TSM_R_COL, IS_SYMBOL, true, "symbol" },
	{ "kind", A_INSTKIND, TSM_R_COL, IS_KIND, false, "kind" },
	{ "base", A_BASE, TSM_R_COL, IS_BASE, false, NULL },
	{ "quote", A_QUOTE, TSM_R_COL, IS_QUOTE, false, NULL },
	{ "active", NULL, TSM_R_COL, IS_ACTIVE, false, NULL },
	{ "priority", NULL, TSM_R_COL, IS_PRIORITY, false, NULL },
};

static const struct tsm_kind kind_instruments = {
	"instruments", "instruments", NULL, false, instrument_cols,
	N(instrument_cols), instrument_specs, N(instrument_specs), NULL,
	check_none
};

const struct tsm_kind *const tsm_kinds[] = {
	&kind_candles, &kind_ticks, &kind_greeks, &kind_sentiment, &kind_flows,
	&kind_metrics, &kind_indicators, &kind_signals, &kind_instruments, NULL
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
