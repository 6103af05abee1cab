/*
 * legacy.h: old per-symbol kline tables, {exchange}_{symbol}_kline_{interval}
 * (binance_btcusdt_kline_1m), with Binance's columns: open_time, open,
 * high, low, close, volume, close_time, quote_asset_volume, trades,
 * taker_buy_base_asset_volume, taker_buy_quote_asset_volume, ignore.
 *
 * The tables are found by a LIKE pattern matched against their names (a
 * value, never part of the SQL), every name and every column checked
 * before anything moves.  Exchange and interval come from the name, the
 * symbol too, in upper case (table names are folded to lower case).
 * open_time may be a timestamp with or without zone (then UTC) or an
 * epoch number; the prices and volumes any numeric type.
 */
#ifndef TSM_LEGACY_H
#define TSM_LEGACY_H

#include <stdbool.h>
#include <libpq-fe.h>

#include "age.h"
#include "tablemove.h"

#define TSM_LEGACY_MAXCOLS 12

struct tsm_legacy_table {
	char schema[64], name[64];
	char exchange[64], symbol[64];
	struct tsm_timeframe tf;
	int ncols;
	struct {
		char name[64];
		char type[96];		/* format_type: numeric(20,8) */
		char base[32];		/* the base type: numeric */
	} cols[TSM_LEGACY_MAXCOLS];
};

/*
 * Finds the tables of schema whose names are LIKE pattern, reads their
 * names and columns, and checks them all.  False after reporting every
 * table that cannot be moved (and then *out is NULL); true with none
 * found is an error too ("no table ... matches").  The caller frees *out.
 */
bool tsm_legacy_find(PGconn *conn, const char *schema, const char *pattern,
    struct tsm_legacy_table **out, int *n);

/*
 * Parses a table name into exchange, symbol (upper case) and interval;
 * false with *why set (a static text) if it does not parse.
 */
bool tsm_legacy_parse_name(const char *name, char *exchange, char *symbol,
    struct tsm_timeframe *tf, const char **why);

/* Fills the move of t into the candles of instrument_id. */
bool tsm_legacy_move(const struct tsm_legacy_table *t, int instrument_id,
    struct tsm_move *m);

/*
 * --create-views: renames t to NAME_legacy and creates in its place a
 * view over the candles with the old columns and types, granted to whoever
 * could read the table, in one transaction.  False after reporting.
 */
bool tsm_legacy_create_view(PGconn *conn, const char *tsm_schema,
    const struct tsm_legacy_table *t, int instrument_id);

/* True if NAME_legacy fits in a name and is not taken; reports if not. */
bool tsm_legacy_view_possible(PGconn *conn, const struct tsm_legacy_table *t);

/* --drop-source: drops the old table (renamed or not); false after
 * reporting (another object depends on it, say). */
bool tsm_legacy_drop(PGconn *conn, const struct tsm_legacy_table *t,
    bool renamed);

#endif
