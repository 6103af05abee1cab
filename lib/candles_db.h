/*
 * candles_db.h: reading candles for a backtest from the database.
 */
#ifndef TSM_CANDLES_DB_H
#define TSM_CANDLES_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "age.h"
#include "candles.h"

struct tsm_candle_query {
	const char *schema;
	const char *symbol;
	const char *exchange;		/* NULL: the symbol's only one */
	struct tsm_timeframe tf;
	int64_t from, to;		/* [from, to); INT64_MIN/MAX: open */
	bool native;			/* the backend: rollups, not caggs */
};

/* Where the candles came from, for messages and --save. */
struct tsm_candle_source {
	int instrument_id;
	char exchange[128];
	char source[96];		/* "candles", "candles_1h", ... */
};

/*
 * Reads the candles of q into c, in time order, streaming the rows:
 * those stored at q's interval; else those of the aggregate for that
 * interval (candles_5m, candles_1h ...), unless (plain PostgreSQL) writes
 * in the range are logged but not yet in the rollup; else the 1m candles
 * put in buckets of the interval.  No candles at all is an error ("no 1h
 * candles for BTCUSDT on binance from ... to ..."); so are an unknown
 * symbol and one listed on several exchanges without q->exchange.
 * False after reporting.
 */
bool tsm_candles_from_db(PGconn *conn, const struct tsm_candle_query *q,
    struct tsm_candles *c, struct tsm_candle_source *src);

#endif
