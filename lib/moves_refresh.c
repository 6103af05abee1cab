/*
 * moves_refresh.c: the aggregates after tsm-migrate klines and table:
 * the ranges moved, the refresh behind the next move (plain PostgreSQL)
 * or behind the last table's batches (TimescaleDB), and what
 * --no-refresh leaves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "moves_int.h"

/* --no-refresh: says what the aggregates do not show yet, and how. */
void
tsm_moves_note_no_refresh(const struct tsm_schema_state *st,
    const char *schema, const char *kind, const char *lo, const char *hi)
{
	if (lo[0] == '\0')
		return;
	tsm_info("the aggregates of %s do not show the rows from %s to %s "
	    "yet (--no-refresh)", kind, lo, hi);
	if (st->backend == TSM_BACKEND_NATIVE)
		tsm_hint("the ranges are logged in %s.invalidations: SELECT "
		    "%s.refresh_invalidated('%s') brings the rollups up to "
		    "date", schema, schema, kind);
	else
		tsm_hint("CALL refresh_continuous_aggregate() on each "
		    "continuous aggregate of %s over that range", kind);
}


void
tsm_moves_widen(struct tsm_moves_range *rg, int *n, const char *tf, int iid,
    const struct tsm_move_result *r)
{
	int i;

	if (r->lo[0] == '\0')
		return;
	for (i = 0; i < *n && strcmp(rg[i].tf, tf) != 0; i++)
		;
	if (i == *n) {
		snprintf(rg[i].tf, sizeof(rg[i].tf), "%s", tf);
		snprintf(rg[i].lo, sizeof(rg[i].lo), "%s", r->lo);
		snprintf(rg[i].hi, sizeof(rg[i].hi), "%s", r->hi);
		(*n)++;
	} else {
		/* The server's UTC times: text order is time order. */
		if (strcmp(r->lo, rg[i].lo) < 0)
			snprintf(rg[i].lo, sizeof(rg[i].lo), "%s", r->lo);
		if (strcmp(r->hi, rg[i].hi) > 0)
			snprintf(rg[i].hi, sizeof(rg[i].hi), "%s", r->hi);
	}
	tsm_buf_printf(&rg[i].iids, "%s%d", rg[i].iids.len ? "," : "{", iid);
	if (r->xids.len > 0)
		tsm_buf_printf(&rg[i].xids, "%s%s", rg[i].xids.len ? "," : "{",
		    r->xids.data);
}

bool
tsm_moves_ranges_ok(struct tsm_moves_range *rg, int n)
{
	for (int i = 0; i < n; i++)
		if (!tsm_buf_ok(&rg[i].iids) || !tsm_buf_ok(&rg[i].xids)) {
			tsm_error("out of memory");
			return false;
		}
	return true;
}


/* Waits for the running refresh, if any; false when it failed. */
bool
tsm_behind_wait(struct tsm_behind *b)
{
	bool ok;

	if (!b->busy)
		return true;
	b->busy = false;
	ok = tsm_move_refresh_wait(b->conn, b->where);
	if (!ok && PQstatus(b->conn) == CONNECTION_BAD) {
		PQfinish(b->conn);
		b->conn = NULL;
	}
	return ok;
}

/*
 * The second connection, opened the first time it is asked for; NULL when
 * it cannot be (the work is then done on the first).
 */
PGconn *
tsm_behind_conn(struct tsm_behind *b, PGconn *conn,
    const struct tsm_conn_opts *co)
{
	if (!b->tried) {
		char err[512];

		b->tried = true;
		b->conn = tsm_connect_extra(co, PQpass(conn), err, sizeof(err));
		if (b->conn != NULL)
			PQclear(PQexec(b->conn, "SET jit = off"));
	}
	return b->conn;
}

/*
 * Starts the refresh of the rows of table t (moved as r) behind the next
 * move.  False when it cannot run there (the caller refreshes at the end);
 * *failed set when the refresh before it failed.
 */
bool
tsm_behind_start(struct tsm_behind *b, PGconn *conn,
    const struct tsm_conn_opts *co,
    const struct tsm_move_opts *mo, const struct tsm_legacy_table *t,
    int iid, const struct tsm_move_result *r, bool *failed)
{
	struct tsm_buf xids = TSM_BUF_INIT;
	char iids[24];
	bool ok;

	if (!tsm_behind_wait(b))
		*failed = true;
	if (tsm_behind_conn(b, conn, co) == NULL || r->lo[0] == '\0')
		return b->conn != NULL;
	snprintf(iids, sizeof(iids), "{%d}", iid);
	if (r->xids.len > 0)
		tsm_buf_printf(&xids, "{%s}", r->xids.data);
	snprintf(b->where, sizeof(b->where), "while refreshing the "
	    "aggregates over the rows of %s.%s", t->schema, t->name);
	ok = tsm_buf_ok(&xids) && tsm_move_refresh_send(b->conn, mo,
	    "candles", t->tf.code, r->lo, r->hi, iids, xids.len > 0 ?
	    xids.data : NULL);
	tsm_buf_free(&xids);
	if (!ok) {
		/* A connection that broke: the rest is refreshed at the end. */
		PQfinish(b->conn);
		b->conn = NULL;
	}
	b->busy = ok;
	return ok;
}

/*
 * TimescaleDB: a refresher behind the batches of the last table, for
 * candles of timeframe tf.  A refresh there covers every instrument of a
 * range, and no table after the last one writes into its ranges again,
 * so its batches can be refreshed as they commit while it moves: the
 * rows of the tables before it in those ranges are in by then.  NULL
 * when the timeframe feeds no aggregate or no connection could be
 * opened: the refresh at the end then does it all.
 */
struct tsm_refresher *
tsm_moves_last_refresher(PGconn *conn, const struct tsm_conn_opts *co,
    const struct tsm_server *srv, const char *tf)
{
	const char *p[2] = { "candles", tf };
	struct tsm_refresher_opts ro = { 0 };
	PGconn *c[TSM_REFRESHER_MAXCONN];
	char *q = tsm_quote_ident(co->schema), sql[200], err[512];
	PGresult *res;
	int nc = 0;
	bool feeds;

	if (q == NULL)
		return NULL;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM "
	    "%s.aggregates_fed_by($1, $2)", q);
	free(q);
	if ((res = tsm_query(conn, sql, 2, p)) == NULL)
		return NULL;
	feeds = atol(PQgetvalue(res, 0, 0)) > 0;
	PQclear(res);
	while (feeds && nc < TSM_REFRESHER_MAXCONN &&
	    (c[nc] = tsm_connect_extra(co, PQpass(conn), err,
	    sizeof(err))) != NULL)
		PQclear(PQexec(c[nc++], "SET jit = off"));
	if (nc == 0)
		return NULL;
	ro.kind = "candles";
	ro.native = false;
	ro.schema = co->schema;
	ro.ext = srv->tsdb_schema;
	ro.version = srv->tsdb_installed;
	ro.gap_ms = 200;
	return tsm_refresher_start(c, nc, &ro);
}
