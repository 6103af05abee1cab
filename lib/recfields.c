/*
 * recfields.c: the catalog of position and trade fields and the presets.
 */
#include <string.h>

#include "recfields.h"

#define P TSM_REC_POSITIONS
#define T TSM_REC_TRADES

/*
 * Each field: its name and type; the kinds of record it is read for, those
 * whose table has it as a column, those that must have it; its check; its
 * aliases in order of preference.
 */
const struct tsm_field tsm_fields[TSM_NFIELDS] = {
	[TSM_F_EXCHANGE] = { "exchange", TSM_FT_TEXT,
	    P | T, P | T, 0, TSM_FC_NONE,
	    { "exchange", "venue", NULL } },
	[TSM_F_SYMBOL] = { "symbol", TSM_FT_TEXT,
	    P | T, P | T, P | T, TSM_FC_NONE,
	    { "symbol", "pair", "coin", "instrument", "tradingsymbol",
	      "ticker", "market", NULL } },
	[TSM_F_SIDE] = { "side", TSM_FT_SIDE,
	    P | T, P | T, P | T, TSM_FC_NONE,
	    { "side", "direction", "action", "position_side", "positionSide",
	      "is_short", NULL } },
	[TSM_F_QUANTITY] = { "quantity", TSM_FT_NUM,
	    P | T, P | T, P | T, TSM_FC_POSITIVE,
	    { "quantity", "qty", "size", "amount", "position_size",
	      "contracts", NULL } },
	[TSM_F_PRICE] = { "price", TSM_FT_NUM,
	    T, T, T, TSM_FC_NONNEG,
	    { "price", "entry_price", "open_rate", "avg_price", "entry",
	      "fill_price", "avg_entry_price", NULL } },
	[TSM_F_ENTRY_PRICE] = { "entry_price", TSM_FT_NUM,
	    P, P, 0, TSM_FC_NONNEG,
	    { "entry_price", "entry", "open_rate", "avg_price",
	      "avg_entry_price", "price", NULL } },
	[TSM_F_CURRENT_PRICE] = { "current_price", TSM_FT_NUM,
	    P, P, 0, TSM_FC_NONNEG,
	    { "current_price", "mark_price", "last_price", "market_price",
	      NULL } },
	[TSM_F_EXIT_PRICE] = { "exit_price", TSM_FT_NUM,
	    T, T, 0, TSM_FC_NONNEG,
	    { "exit_price", "close_price", "close_rate", "exit", NULL } },
	[TSM_F_STOP_LOSS] = { "stop_loss", TSM_FT_NUM,
	    P, P, 0, TSM_FC_NONNEG,
	    { "stop_loss", "stop_loss_price", "sl", "stoploss", "stop",
	      NULL } },
	[TSM_F_TAKE_PROFIT] = { "take_profit", TSM_FT_NUM,
	    P, P, 0, TSM_FC_NONNEG,
	    { "take_profit", "take_profit_price", "tp", "target",
	      "target_price", NULL } },
	[TSM_F_LEVERAGE] = { "leverage", TSM_FT_NUM,
	    P, P, 0, TSM_FC_POSITIVE,
	    { "leverage", NULL } },
	[TSM_F_UNREALIZED_PNL] = { "unrealized_pnl", TSM_FT_NUM,
	    P, P, 0, TSM_FC_NONE,
	    { "unrealized_pnl", "unrealised_pnl", "upnl", "pnl", "profit",
	      NULL } },
	[TSM_F_PNL] = { "pnl", TSM_FT_NUM,
	    T, T, 0, TSM_FC_NONE,
	    { "pnl", "profit", "realized_pnl", "realised_pnl", "profit_abs",
	      "net_pnl", NULL } },
	[TSM_F_FEE] = { "fee", TSM_FT_NUM,
	    T, T, 0, TSM_FC_NONE,
	    { "fee", "fees", "commission", "total_fee", NULL } },
	[TSM_F_ENTRY_FEE] = { "entry_fee", TSM_FT_NUM,
	    T, 0, 0, TSM_FC_NONE,
	    { "entry_fee", "open_fee", "fee_open_cost", NULL } },
	[TSM_F_EXIT_FEE] = { "exit_fee", TSM_FT_NUM,
	    T, 0, 0, TSM_FC_NONE,
	    { "exit_fee", "close_fee", "fee_close_cost", NULL } },
	[TSM_F_FEE_OPEN_RATE] = { "fee_open_rate", TSM_FT_NUM,
	    T, 0, 0, TSM_FC_NONNEG,
	    { NULL } },
	[TSM_F_FEE_CLOSE_RATE] = { "fee_close_rate", TSM_FT_NUM,
	    T, 0, 0, TSM_FC_NONNEG,
	    { NULL } },
	[TSM_F_STATUS] = { "status", TSM_FT_STATUS,
	    P | T, P | T, 0, TSM_FC_NONE,
	    { "status", "state", NULL } },
	[TSM_F_MODE] = { "mode", TSM_FT_MODE,
	    P | T, P | T, 0, TSM_FC_NONE,
	    { "mode", "trading_mode", NULL } },
	[TSM_F_STRATEGY] = { "strategy", TSM_FT_TEXT,
	    P | T, P | T, 0, TSM_FC_NONE,
	    { "strategy", "strategy_name", NULL } },
	[TSM_F_ORDER_ID] = { "order_id", TSM_FT_ID,
	    T, T, 0, TSM_FC_NONE,
	    { "order_id", "orderId", "order", NULL } },
	[TSM_F_TIME] = { "time", TSM_FT_TIME,
	    T, T, 0, TSM_FC_NONE,
	    { "timestamp_unix", "_unix_time", "unix_time", "time",
	      "timestamp", "datetime", "date", "trade_time", "executed_at",
	      "ts", NULL } },
	[TSM_F_OPENED_AT] = { "opened_at", TSM_FT_TIME,
	    P | T, P | T, 0, TSM_FC_NONE,
	    { "opened_at", "open_time", "entry_time", "open_date",
	      "open_timestamp", "created_at", NULL } },
	[TSM_F_UPDATED_AT] = { "updated_at", TSM_FT_TIME,
	    P, P, 0, TSM_FC_NONE,
	    { "updated_at", "last_update", "last_updated", "update_time",
	      NULL } },
	[TSM_F_CLOSED_AT] = { "closed_at", TSM_FT_TIME,
	    P | T, P | T, 0, TSM_FC_NONE,
	    { "closed_at", "close_time", "exit_time", "close_date",
	      "close_timestamp", NULL } },
	[TSM_F_ID] = { "id", TSM_FT_ID,
	    P | T, 0, 0, TSM_FC_NONE,
	    { "id", "trade_id", "tradeId", "position_id", "ticket", NULL } },
};

int
tsm_field_find(const char *name, enum tsm_rec_kind kind)
{
	for (int i = 0; i < TSM_NFIELDS; i++)
		if ((tsm_fields[i].kinds & kind) &&
		    strcmp(tsm_fields[i].name, name) == 0)
			return i;
	return -1;
}

const char *
tsm_rec_kind_name(enum tsm_rec_kind kind)
{
	return kind == TSM_REC_POSITIONS ? "positions" : "trades";
}

const char *const *
tsm_rec_containers(enum tsm_rec_kind kind)
{
	static const char *const pos[] = { "positions", "open_positions",
		NULL };
	static const char *const trd[] = { "trades", "closed_trades",
		"trade_history", "history", "closed_positions", NULL };

	return kind == TSM_REC_POSITIONS ? pos : trd;
}

/*
 * freqtrade's backtest result export (backtest-result-*.json, or the
 * .json inside the .zip of newer releases): "strategy" -> name ->
 * "trades", each a round trip with pair, amount, open_rate, close_rate,
 * open_date and close_date ("2018-01-10 07:15:00+00:00"), profit_abs,
 * the fee rates fee_open and fee_close, is_short and is_open.  Exports
 * before short selling have no is_short: those trades are long.
 */
static const struct tsm_preset presets[] = {
	{ "freqtrade", "freqtrade backtest result export", T,
	  "$.strategy.*.trades",
	  { "symbol=pair", "quantity=amount", "price=open_rate",
	    "exit_price=close_rate", "pnl=profit_abs", "time=open_date",
	    "opened_at=open_date", "closed_at=close_date", "side=is_short",
	    "fee_open_rate=fee_open", "fee_close_rate=fee_close",
	    "strategy=@key", "status=is_open", NULL },
	  { "status=true:open,false:closed", NULL },
	  { "side=long", NULL },
	  "paper" },
};

const struct tsm_preset *
tsm_preset_find(const char *name)
{
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (strcmp(presets[i].name, name) == 0)
			return &presets[i];
	return NULL;
}

const char *
tsm_preset_list(void)
{
	return "freqtrade";
}
