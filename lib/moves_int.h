/*
 * moves_int.h: what moves.c (the klines and table commands) and
 * moves_refresh.c (their aggregates) share.  Not for other files.
 */
#ifndef TSM_MOVES_INT_H
#define TSM_MOVES_INT_H

#include <stdbool.h>
#include <libpq-fe.h>

#include "conn.h"
#include "ingest_refresher.h"
#include "legacy.h"
#include "schema.h"
#include "strbuf.h"
#include "tablemove.h"

/*
 * A range of time moved for one candle interval, for the aggregates: the
 * instruments moved ("{3,4}" once closed) and the transactions that wrote
 * ("{812,813}").
 */
struct tsm_moves_range {
	char tf[16];
	char lo[40], hi[40];
	struct tsm_buf iids, xids;
};

/*
 * Plain PostgreSQL: the rollups over the rows of each table, refreshed on
 * a second connection while the next table moves (the refresh reads only
 * committed rows, of that table's instrument); the main connection waits
 * for one refresh before it starts the next, and for the last before it
 * exits.  Without the second connection the ranges are refreshed at the
 * end, on the main one, as on TimescaleDB (whose refresh covers every
 * instrument of a range: tables over the same months would refresh the
 * same buckets again and again; only the last table's batches are
 * refreshed as they commit, by tsm_moves_last_refresher).
 */
struct tsm_behind {
	PGconn *conn;		/* NULL: not opened, or could not be */
	bool tried;		/* the connection was tried */
	bool busy;		/* a refresh is running */
	char where[200];	/* what it refreshes, for its error */
};

/* --no-refresh: says what the aggregates of kind do not show yet, and how. */
void tsm_moves_note_no_refresh(const struct tsm_schema_state *st,
    const char *schema, const char *kind, const char *lo, const char *hi);

/*
 * Adds the range r moved (instrument iid, interval tf) to rg[0..*n),
 * which has room for one more.
 */
void tsm_moves_widen(struct tsm_moves_range *rg, int *n, const char *tf,
    int iid, const struct tsm_move_result *r);

/* False, after reporting, when building rg ran out of memory. */
bool tsm_moves_ranges_ok(struct tsm_moves_range *rg, int n);

/* Waits for b's running refresh, if any; false when it failed. */
bool tsm_behind_wait(struct tsm_behind *b);

/*
 * b's connection, opened the first time it is asked for; NULL when it
 * cannot be (the work is then done on conn).
 */
PGconn *tsm_behind_conn(struct tsm_behind *b, PGconn *conn,
    const struct tsm_conn_opts *co);

/*
 * Plain PostgreSQL: starts the refresh of the rows of table t (moved as
 * r, instrument iid) behind the next move.  False when it cannot run
 * there (the caller refreshes at the end); *failed set when the refresh
 * before it failed.
 */
bool tsm_behind_start(struct tsm_behind *b, PGconn *conn,
    const struct tsm_conn_opts *co, const struct tsm_move_opts *mo,
    const struct tsm_legacy_table *t, int iid,
    const struct tsm_move_result *r, bool *failed);

/*
 * TimescaleDB: a refresher behind the batches of the last table, for
 * candles of timeframe tf; NULL when tf feeds no aggregate or no
 * connection could be opened (the refresh at the end then does it all).
 */
struct tsm_refresher *tsm_moves_last_refresher(PGconn *conn,
    const struct tsm_conn_opts *co, const struct tsm_server *srv,
    const char *tf);

#endif
