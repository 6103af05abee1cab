/*
 * ingest_kinds_other.c: sentiment, flows, market metrics, indicators,
 * signals and instruments: their columns, input names and rules.
 */
#include <stdio.h>
#include <string.h>

#include "ingest_kinds_int.h"

/* ---- sentiment ---- */

enum { SE_TIME, SE_ASSET, SE_SOURCE, SE_SCORE, SE_LABEL, SE_MENTIONS,
	SE_ENGAGE };

static const struct tsm_kcol sentiment_cols[] = {
	COL("time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME),
	COL("asset", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL),
	COL("source", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL),
	COL("score", TSM_I_FLOAT8, TSM_C_NOTNULL),
	COL("label", TSM_I_TEXT, 0),
	COL("mentions", TSM_I_INT4, 0),
	COL("engagement", TSM_I_INT8, 0),
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
	{ "time", tsm_alias_time, TSM_R_COL, SE_TIME, true, NULL },
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

	if (!tsm_kind_check_range(v, SE_SCORE, -1, 1, col, why, whysz))
		return false;
	return tsm_kind_check_sign(k, v, NULL, 0, nonneg, N(nonneg), col, why,
	    whysz);
}

const struct tsm_kind tsm_kind_sentiment = {
	"sentiment", "sentiment", "sentiment", false, sentiment_cols,
	N(sentiment_cols), sentiment_specs, N(sentiment_specs), NULL,
	check_sentiment
};

/* ---- flows ---- */

enum { FL_TIME, FL_ASSET, FL_TYPE, FL_SOURCE, FL_AMOUNT, FL_USD, FL_REF };

static const struct tsm_kcol flow_cols[] = {
	COL("time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME),
	COL("asset", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL),
	COL("flow_type", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL),
	COL("source", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_EMPTY),
	COL("amount", TSM_I_FLOAT8, TSM_C_NOTNULL),
	COL("usd_value", TSM_I_FLOAT8, 0),
	COL("ref", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_EMPTY),
};

static const char *const A_FTYPE[] = { "type", "direction", "flow", NULL };
static const char *const A_FSOURCE[] = { "exchange", "entity", "platform",
	NULL };
static const char *const A_AMOUNT[] = { "value", "quantity", "qty", NULL };
static const char *const A_USD[] = { "usd", "value_usd", "amount_usd", NULL };
static const char *const A_REF[] = { "tx", "txid", "tx_hash", "hash",
	"transaction", "reference", NULL };

static const struct tsm_kspec flow_specs[] = {
	{ "time", tsm_alias_time, TSM_R_COL, FL_TIME, true, NULL },
	{ "asset", A_ASSET, TSM_R_COL, FL_ASSET, true, "symbol" },
	{ "flow_type", A_FTYPE, TSM_R_COL, FL_TYPE, true, NULL },
	{ "source", A_FSOURCE, TSM_R_COL, FL_SOURCE, false, "source" },
	{ "amount", A_AMOUNT, TSM_R_COL, FL_AMOUNT, true, NULL },
	{ "usd_value", A_USD, TSM_R_COL, FL_USD, false, NULL },
	{ "ref", A_REF, TSM_R_COL, FL_REF, false, NULL },
};

const struct tsm_kind tsm_kind_flows = {
	"flows", "flows", "flows", false, flow_cols, N(flow_cols), flow_specs,
	N(flow_specs), NULL, tsm_kind_check_none
};

/* ---- metrics ---- */

enum { ME_TIME, ME_METRIC, ME_SCOPE, ME_VALUE, ME_SOURCE };

static const struct tsm_kcol metric_cols[] = {
	COL("time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME),
	COL("metric", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL),
	COL("scope", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_EMPTY),
	COL("value", TSM_I_FLOAT8, TSM_C_NOTNULL),
	COL("source", TSM_I_TEXT, 0),
};

static const char *const A_METRIC[] = { "name", "indicator", NULL };
static const char *const A_SCOPE[] = { "symbol", "index", "market", NULL };
static const char *const A_MSOURCE[] = { "provider", NULL };

static const struct tsm_kspec metric_specs[] = {
	{ "time", tsm_alias_time, TSM_R_COL, ME_TIME, true, NULL },
	{ "metric", A_METRIC, TSM_R_COL, ME_METRIC, true, NULL },
	{ "scope", A_SCOPE, TSM_R_COL, ME_SCOPE, false, "symbol" },
	{ "value", NULL, TSM_R_COL, ME_VALUE, true, NULL },
	{ "source", A_MSOURCE, TSM_R_COL, ME_SOURCE, false, "source" },
};

const struct tsm_kind tsm_kind_metrics = {
	"metrics", "market_metrics", "metrics", false, metric_cols,
	N(metric_cols), metric_specs, N(metric_specs), NULL, tsm_kind_check_none
};

/* ---- indicators ---- */

enum { IN_INSTR, IN_TF, IN_TIME, IN_NAME, IN_PARAMS, IN_V1, IN_V2, IN_V3 };

static const struct tsm_kcol indicator_cols[] = {
	COL("instrument_id", TSM_I_INT4, TSM_C_KEY | TSM_C_GROUP |
	    TSM_C_NOTNULL | TSM_C_INSTR),
	COL("timeframe", TSM_I_TEXT, TSM_C_KEY | TSM_C_GROUP | TSM_C_NOTNULL |
	    TSM_C_TFRAME),
	COL("time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME),
	COL("name", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL),
	COL("params", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_EMPTY),
	COL("value1", TSM_I_FLOAT8, 0),
	COL("value2", TSM_I_FLOAT8, 0),
	COL("value3", TSM_I_FLOAT8, 0),
};

static const char *const A_INAME[] = { "indicator", NULL };
static const char *const A_PARAMS[] = { "parameters", "args", NULL };
static const char *const A_V1[] = { "value", NULL };

static const struct tsm_kspec indicator_specs[] = {
	{ "time", tsm_alias_time, TSM_R_COL, IN_TIME, true, NULL },
	{ "name", A_INAME, TSM_R_COL, IN_NAME, true, NULL },
	{ "params", A_PARAMS, TSM_R_COL, IN_PARAMS, false, NULL },
	{ "value1", A_V1, TSM_R_COL, IN_V1, true, NULL },
	{ "value2", NULL, TSM_R_COL, IN_V2, false, NULL },
	{ "value3", NULL, TSM_R_COL, IN_V3, false, NULL },
	{ "timeframe", tsm_alias_timeframe, TSM_R_COL, IN_TF, true,
	    "interval" },
	INSTRUMENT_SPECS,
};

const struct tsm_kind tsm_kind_indicators = {
	"indicators", "indicators", "indicators", true, indicator_cols,
	N(indicator_cols), indicator_specs, N(indicator_specs), NULL,
	    tsm_kind_check_none
};

/* ---- signals ---- */

enum { SI_TIME, SI_INSTR, SI_STRAT, SI_TYPE, SI_STRENGTH, SI_CONF, SI_PRICE,
	SI_TARGET, SI_STOP, SI_RATIONALE, SI_ACTIVE, SI_EXPIRES };

static const struct tsm_kcol signal_cols[] = {
	COL("time", TSM_I_TIME, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_TIME),
	COL("instrument_id", TSM_I_INT4, TSM_C_KEY | TSM_C_GROUP |
	    TSM_C_NOTNULL | TSM_C_INSTR),
	COL("strategy", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL | TSM_C_EMPTY),
	{ "signal_type", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL,
	    tsm_norm_signal_type,
	    tsm_why_signal_type, NULL },
	COL("strength", TSM_I_FLOAT8, 0),
	COL("confidence", TSM_I_FLOAT8, 0),
	COL("price", TSM_I_FLOAT8, 0),
	COL("target", TSM_I_FLOAT8, 0),
	COL("stop", TSM_I_FLOAT8, 0),
	COL("rationale", TSM_I_TEXT, 0),
	COL("active", TSM_I_BOOL, TSM_C_NOTNULL),
	COL("expires_at", TSM_I_TIME, 0),
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
	{ "time", tsm_alias_time, TSM_R_COL, SI_TIME, true, NULL },
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

	if (!tsm_kind_check_range(v, SI_CONF, 0, 1, col, why, whysz))
		return false;
	return tsm_kind_check_sign(k, v, pos, N(pos), NULL, 0, col, why, whysz);
}

const struct tsm_kind tsm_kind_signals = {
	"signals", "signals", NULL, true, signal_cols, N(signal_cols),
	signal_specs, N(signal_specs), NULL, check_signal
};

/* ---- instruments ---- */

enum { IS_EXCH, IS_SYMBOL, IS_KIND, IS_BASE, IS_QUOTE, IS_ACTIVE,
	IS_PRIORITY };

static const struct tsm_kcol instrument_cols[] = {
	COL("exchange", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL),
	COL("symbol", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL),
	{ "kind", TSM_I_TEXT, TSM_C_KEY | TSM_C_NOTNULL,
	    tsm_instrument_kind_norm,
	    tsm_instrument_kind_why, "spot" },
	COL("base", TSM_I_TEXT, 0),
	COL("quote", TSM_I_TEXT, 0),
	COL("active", TSM_I_BOOL, TSM_C_NOTNULL),
	COL("priority", TSM_I_INT4, TSM_C_NOTNULL),
};

static const char *const A_BASE[] = { "base_asset", "baseasset",
	"base_currency", NULL };
static const char *const A_QUOTE[] = { "quote_asset", "quoteasset",
	"quote_currency", NULL };
static const char *const A_INSTKIND[] = { "instrument_kind",
	"instrument_type", "market_type", "type", NULL };

static const struct tsm_kspec instrument_specs[] = {
	{ "exchange", tsm_alias_exchange, TSM_R_COL, IS_EXCH, true,
	    "exchange" },
	{ "symbol", tsm_alias_symbol, TSM_R_COL, IS_SYMBOL, true, "symbol" },
	{ "kind", A_INSTKIND, TSM_R_COL, IS_KIND, false, "kind" },
	{ "base", A_BASE, TSM_R_COL, IS_BASE, false, NULL },
	{ "quote", A_QUOTE, TSM_R_COL, IS_QUOTE, false, NULL },
	{ "active", NULL, TSM_R_COL, IS_ACTIVE, false, NULL },
	{ "priority", NULL, TSM_R_COL, IS_PRIORITY, false, NULL },
};

const struct tsm_kind tsm_kind_instruments = {
	"instruments", "instruments", NULL, false, instrument_cols,
	N(instrument_cols), instrument_specs, N(instrument_specs), NULL,
	tsm_kind_check_none
};

