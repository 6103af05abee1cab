/*
 * ingest_kinds_market.c: candles, ticks and greeks: their columns, the
 * names input files give them, and their rules.
 */
#include <stdio.h>
#include <string.h>

#include "ingest_kinds_int.h"

/* ---- candles ---- */

enum { CA_INSTR, CA_TF, CA_TIME, CA_OPEN, CA_HIGH, CA_LOW, CA_CLOSE, CA_VOL,
	CA_CTIME, CA_QVOL, CA_TRADES, CA_TBVOL, CA_TBQVOL };

static const struct tsm_kcol candle_cols[] = {
	COL("instrument_id", TSM_I_INT4, TSM_C_KEY | TSM_C_GROUP |
	    TSM_C_NOTNULL | TSM_C_INSTR),
	COL("timeframe", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL |
	    TSM_C_TFRAME),
	COL("time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME),
	COL("open", TSM_I_FLOAT8, TSM_C_NOTNULL),
	COL("high", TSM_I_FLOAT8, TSM_C_NOTNULL),
	COL("low", TSM_I_FLOAT8, TSM_C_NOTNULL),
	COL("close", TSM_I_FLOAT8, TSM_C_NOTNULL),
	COL("volume", TSM_I_FLOAT8, TSM_C_NOTNULL),
	COL("close_time", TSM_I_TIME, 0),
	COL("quote_volume", TSM_I_FLOAT8, 0),
	COL("trades", TSM_I_INT8, 0),
	COL("taker_buy_volume", TSM_I_FLOAT8, 0),
	COL("taker_buy_quote_volume", TSM_I_FLOAT8, 0),
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
	{ "timeframe", tsm_alias_timeframe, TSM_R_COL, CA_TF, true,
	    "interval" },
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

	if (!tsm_kind_check_sign(k, v, pos, N(pos), nonneg, N(nonneg), col, why,
	    whysz))
		return false;
	*col = CA_HIGH;
	if (h->d < l->d) {
		tsm_kind_reason(why, whysz, "is below", "low", l);
		return false;
	}
	if (h->d < o->d) {
		tsm_kind_reason(why, whysz, "is below", "open", o);
		return false;
	}
	if (h->d < c->d) {
		tsm_kind_reason(why, whysz, "is below", "close", c);
		return false;
	}
	*col = CA_LOW;
	if (l->d > o->d) {
		tsm_kind_reason(why, whysz, "is above", "open", o);
		return false;
	}
	if (l->d > c->d) {
		tsm_kind_reason(why, whysz, "is above", "close", c);
		return false;
	}
	if (v[CA_CTIME].set && !v[CA_CTIME].null &&
	    v[CA_CTIME].i < v[CA_TIME].i) {
		*col = CA_CTIME;
		tsm_kind_reason(why, whysz, "is before", "the open time",
		    &v[CA_TIME]);
		return false;
	}
	return true;
}

const struct tsm_kind tsm_kind_candles = {
	"candles", "candles", "candles", true, candle_cols, N(candle_cols),
	candle_specs, N(candle_specs), candle_layouts, check_candle
};

/* ---- ticks ---- */

enum { TI_INSTR, TI_TIME, TI_ID, TI_PRICE, TI_QTY, TI_QQTY, TI_SIDE };

static const struct tsm_kcol tick_cols[] = {
	COL("instrument_id", TSM_I_INT4, TSM_C_KEY | TSM_C_GROUP |
	    TSM_C_NOTNULL | TSM_C_INSTR),
	COL("time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME),
	COL("trade_id", TSM_I_INT8, TSM_C_KEY | TSM_C_RANGE | TSM_C_NOTNULL),
	COL("price", TSM_I_FLOAT8, TSM_C_NOTNULL),
	COL("qty", TSM_I_FLOAT8, TSM_C_NOTNULL),
	COL("quote_qty", TSM_I_FLOAT8, 0),
	{ "side", TSM_I_TEXT, 0, tsm_norm_side, tsm_why_side, NULL },
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

	return tsm_kind_check_sign(k, v, pos, N(pos), nonneg, N(nonneg), col,
	    why,
	    whysz);
}

const struct tsm_kind tsm_kind_ticks = {
	"ticks", "ticks", "ticks", true, tick_cols, N(tick_cols), tick_specs,
	N(tick_specs), tick_layouts, check_tick
};

/* ---- greeks ---- */

enum { GR_TIME, GR_UND, GR_EXCH, GR_EXPIRY, GR_STRIKE, GR_TYPE, GR_DELTA,
	GR_GAMMA, GR_THETA, GR_VEGA, GR_RHO, GR_IV, GR_UPRICE, GR_MARK, GR_OI };

static const struct tsm_kcol greek_cols[] = {
	COL("time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME),
	COL("underlying", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL),
	COL("exchange", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL |
	    TSM_C_EMPTY),
	COL("expiry", TSM_I_DATE, TSM_C_KEY | TSM_C_NOTNULL),
	COL("strike", TSM_I_FLOAT8, TSM_C_KEY | TSM_C_NOTNULL),
	{ "option_type", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL,
	    tsm_norm_option_type,
	    tsm_why_option_type, NULL },
	COL("delta", TSM_I_FLOAT8, 0),
	COL("gamma", TSM_I_FLOAT8, 0),
	COL("theta", TSM_I_FLOAT8, 0),
	COL("vega", TSM_I_FLOAT8, 0),
	COL("rho", TSM_I_FLOAT8, 0),
	COL("iv", TSM_I_FLOAT8, 0),
	COL("underlying_price", TSM_I_FLOAT8, 0),
	COL("mark_price", TSM_I_FLOAT8, 0),
	COL("open_interest", TSM_I_FLOAT8, 0),
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
	{ "time", tsm_alias_time, TSM_R_COL, GR_TIME, true, NULL },
	{ "underlying", A_UND, TSM_R_COL, GR_UND, true, "symbol" },
	{ "exchange", tsm_alias_exchange, TSM_R_COL, GR_EXCH, false,
	    "exchange" },
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

	if (!tsm_kind_check_sign(k, v, pos, N(pos), nonneg, N(nonneg), col, why,
	    whysz))
		return false;
	return tsm_kind_check_range(v, GR_DELTA, -1, 1, col, why, whysz);
}

const struct tsm_kind tsm_kind_greeks = {
	"greeks", "greeks", "greeks", false, greek_cols, N(greek_cols),
	greek_specs, N(greek_specs), NULL, check_greek
};

