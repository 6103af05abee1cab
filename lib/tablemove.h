/*
 * tablemove.h: moving the rows of an old table into one of tsm's series,
 * in batches.
 *
 * The source is read in ranges of its blocks (TID range scans, PostgreSQL
 * 14 and later), each range one transaction: INSERT ... SELECT ... ON
 * CONFLICT DO NOTHING, so that a second run inserts nothing.  The block
 * reached is recorded in tsm.runs in the same transaction, so that a run
 * stopped by a signal, a lost connection or a crash resumes where it
 * stopped.  On plain PostgreSQL the partitions the rows need are made
 * first.  The batches' writes are logged as invalidations (plain
 * PostgreSQL) or in TimescaleDB's own log, so that the aggregates are
 * never trusted where they miss rows, and the caller refreshes them once
 * per move or once over the whole moved range at the end
 * (tsm_move_refresh_caggs, or on a second connection while the next
 * table moves: tsm_move_refresh_send), not in every batch.  Then the rows are counted: every source row must have
 * its row in the series (by the series' primary key), or the move is not
 * verified.
 */
#ifndef TSM_TABLEMOVE_H
#define TSM_TABLEMOVE_H

#include <stdbool.h>
#include <libpq-fe.h>

#include "ingest_refresher.h"
#include "schema.h"
#include "strbuf.h"

#define TSM_MOVE_MAXCOLS 40

struct tsm_move_col {
	char target[64];	/* a column of the series */
	char *expr;		/* its value: an expression over "s" */
};

struct tsm_move {
	char label[160];	/* schema.table, for messages */
	char *source;		/* quoted qualified name */
	char kind[32];		/* series kind: candles */
	char table[64];		/* its table: candles */
	struct tsm_move_col cols[TSM_MOVE_MAXCOLS];
	int ncols;
	int time_col;		/* index of "time" in cols */
	int instrument_id;	/* a constant, or 0 */
	char timeframe[16];	/* a constant, or "" */
	const char *tz;		/* zone of timestamps without zone, or NULL */
	char *pk[8];		/* the series' primary key */
	int npk;
};

struct tsm_move_opts {
	const char *schema;
	long batch_rows;
	bool progress;
	bool refresh;			/* the aggregates, as rows move */
	const struct tsm_schema_state *st;
	const char *tsdb_schema;	/* TimescaleDB's schema, or "" */
	/*
	 * TimescaleDB: refreshes the continuous aggregates behind the
	 * batches (each is held, touched and released as tsm-ingest's are),
	 * or NULL.
	 */
	struct tsm_refresher *refresher;
};

struct tsm_move_result {
	long long source_rows;
	long long inserted;
	long long in_series;	/* candles of the instrument in the range */
	long long missing;	/* source rows without their row */
	bool resumed;
	bool verified;
	char lo[40], hi[40];	/* the range moved, as the server wrote it */
	/*
	 * On plain PostgreSQL, the transactions of the batches that wrote
	 * rows ("812,813"): their ranges in invalidations are cleared by the
	 * refresh at the end.
	 */
	struct tsm_buf xids;
};

/* Frees what r holds. */
void tsm_move_result_free(struct tsm_move_result *r);

/*
 * Moves m (its target columns filled in), verifies the counts and
 * records the run.  False after reporting a failure; r says how far it
 * got.
 */
bool tsm_move_run(PGconn *conn, const struct tsm_move_opts *o,
    struct tsm_move *m, struct tsm_move_result *r);

/*
 * Brings the aggregates fed by rows of kind and timeframe (or NULL) up to
 * date over [lo, hi] (hi the last time moved): on TimescaleDB with
 * refresh_continuous_aggregate, in one batch where the release splits
 * refreshes into batches; on plain PostgreSQL with refresh_rollups_for,
 * once for the instruments moved ("{3,4}", or NULL for all), clearing the
 * ranges that the transactions xids ("{812,813}", or NULL) logged.
 * On TimescaleDB other, a second connection or NULL, refreshes some of
 * the continuous aggregates meanwhile.
 */
bool tsm_move_refresh_caggs(PGconn *conn, PGconn *other,
    const struct tsm_move_opts *o, const char *kind, const char *timeframe,
    const char *lo, const char *hi, const char *instruments,
    const char *xids);

/*
 * Plain PostgreSQL: the same refresh of the rollups, sent on conn (a
 * second connection) without waiting for it, so that the next table
 * moves meanwhile; tsm_move_refresh_wait waits for its end (cancelling
 * it when a signal came) and reports a failure with where as detail.
 * tsm_move_refresh_send is false, reporting nothing, when the connection
 * cannot take the statement.
 */
bool tsm_move_refresh_send(PGconn *conn, const struct tsm_move_opts *o,
    const char *kind, const char *timeframe, const char *lo, const char *hi,
    const char *instruments, const char *xids);
bool tsm_move_refresh_wait(PGconn *conn, const char *where);

/* Reads the series' table and primary key into m; false on error. */
bool tsm_move_target(PGconn *conn, const char *schema, struct tsm_move *m);

/* Frees what m holds (expressions, the source name, the key). */
void tsm_move_free(struct tsm_move *m);

/* Adds a target column with its expression (copied); false if full. */
bool tsm_move_add(struct tsm_move *m, const char *target, const char *expr);

#endif
