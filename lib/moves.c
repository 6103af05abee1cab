/*
 * moves.c: the klines and table commands of tsm-migrate: finding what to
 * move, moving it table by table, verifying, then the views, the drops
 * and the aggregates.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "db.h"
#include "instrument.h"
#include "legacy.h"
#include "log.h"
#include "moves.h"
#include "moves_int.h"
#include "schema.h"
#include "tablemap.h"
#include "tablemove.h"

/* Connects for klines and table: the schema state and TimescaleDB's. */
static PGconn *
connect_move(const struct tsm_conn_opts *co, struct tsm_schema_state *st,
    struct tsm_server *srv, int *status)
{
	PGconn *conn = tsm_connect(co);

	if (conn == NULL) {
		*status = TSM_EXIT_CONNECT;
		return NULL;
	}
	if (!tsm_schema_require(conn, co->schema, st) ||
	    !tsm_server_probe(conn, srv)) {
		*status = tsm_exit_status(conn);
		tsm_disconnect(conn);
		return NULL;
	}
	if (PQserverVersion(conn) < 140000) {
		tsm_error("moving tables in batches needs PostgreSQL 14 or "
		    "later");
		*status = TSM_EXIT_FAIL;
		tsm_disconnect(conn);
		return NULL;
	}
	return conn;
}

/* Says how a move went; false when it is not verified. */
static bool
report_move(const struct tsm_move *m, const struct tsm_move_result *r,
    const char *what)
{
	if (!r->verified) {
		tsm_error("%s: %lld of its %lld rows %s no row in %s: not "
		    "verified", m->label, r->missing, r->source_rows,
		    r->missing == 1 ? "has" : "have", what);
		tsm_hint("did the table change during the move? run the same "
		    "command again; nothing is dropped or replaced until the "
		    "counts agree");
		return false;
	}
	tsm_info("%s: %lld rows, %lld inserted%s into %s; verified: every row "
	    "is there", m->label, r->source_rows, r->inserted,
	    r->resumed ? " (resumed)" : "", what);
	return true;
}

/* klines --dry-run: the tables and what they would become. */
static bool
print_klines_plan(PGconn *conn, const struct tsm_moves_opts *a,
    const struct tsm_legacy_table *t, int n)
{
	static const char *const names[] = { "table", "exchange", "symbol",
		"interval", "rows_estimate", "view", "drop" };
	static const enum tsm_coltype types[] = { TSM_COL_TEXT, TSM_COL_TEXT,
		TSM_COL_TEXT, TSM_COL_TEXT, TSM_COL_NUMBER, TSM_COL_BOOL,
		TSM_COL_BOOL };
	struct tsm_writer *w = tsm_writer_new(stdout, a->format, a->header, 7,
	    names, types);
	bool ok = w != NULL;

	for (int i = 0; ok && i < n; i++) {
		char label[160], est[32] = "";
		const char *p[2] = { t[i].schema, t[i].name };
		const char *vals[7];
		PGresult *res = tsm_query(conn, "SELECT greatest(c.reltuples, "
		    "0)::bigint FROM pg_catalog.pg_class c JOIN "
		    "pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		    "WHERE n.nspname = $1 AND c.relname = $2", 2, p);

		if (res == NULL) {
			ok = false;
			break;
		}
		if (PQntuples(res) == 1)
			snprintf(est, sizeof(est), "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
		snprintf(label, sizeof(label), "%s.%s", t[i].schema, t[i].name);
		vals[0] = label;
		vals[1] = t[i].exchange;
		vals[2] = t[i].symbol;
		vals[3] = t[i].tf.code;
		vals[4] = est;
		vals[5] = a->create_views ? "true" : "false";
		vals[6] = a->drop_source ? "true" : "false";
		ok = tsm_writer_row(w, vals, NULL);
	}
	if (w != NULL && !tsm_writer_end(w))
		ok = false;
	return ok;
}

/* One table of a klines move, and how its move went. */
struct one {
	const struct tsm_legacy_table *t;
	struct tsm_move m;
	struct tsm_move_result r;
	int iid;
	bool ready;		/* instrument, mapping and target found */
	bool ok;		/* moved and verified as far as it went */
	PGconn *conn;		/* the connection it moved on */
	const struct tsm_move_opts *mo;
};

/* What each table's end updates in a klines run. */
struct run {
	PGconn *conn;
	const struct tsm_conn_opts *co;
	const struct tsm_moves_opts *a;
	const struct tsm_schema_state *st;
	const struct tsm_move_opts *mo;
	struct tsm_behind *bh;
	bool bh_failed;
	struct tsm_moves_range *ranges;
	int nranges, status, failed;
};

/* Finds x's instrument, mapping and target, on the main connection. */
static void
prepare(struct run *k, struct one *x)
{
	x->ready = tsm_instrument_id(k->conn, k->co->schema, x->t->exchange,
	    x->t->symbol, true, &x->iid) &&
	    tsm_legacy_move(x->t, x->iid, &x->m) &&
	    tsm_move_target(k->conn, k->co->schema, &x->m);
}

static void *
move_thread(void *arg)
{
	struct one *x = arg;

	x->ok = tsm_move_run(x->conn, x->mo, &x->m, &x->r);
	return NULL;
}

/*
 * After x's move: its report, its range for the aggregates, its view and
 * its drop.  False when the run must stop (a connection lost, a signal).
 */
static bool
table_done(struct run *k, struct one *x)
{
	const struct tsm_legacy_table *t = x->t;
	char what[200];

	if (!x->ok) {
		tsm_move_result_free(&x->r);
		tsm_move_free(&x->m);
		k->status = tsm_exit_status(x->conn);
		k->failed++;
		return PQstatus(x->conn) == CONNECTION_OK && !tsm_interrupted;
	}
	snprintf(what, sizeof(what), "%s.candles (%s %s %s)",
	    k->co->schema, t->exchange, t->symbol, t->tf.code);
	if (!k->a->refresh || k->st->backend != TSM_BACKEND_NATIVE ||
	    !tsm_behind_start(k->bh, k->conn, k->co, k->mo, t, x->iid, &x->r,
	    &k->bh_failed))
		tsm_moves_widen(k->ranges, &k->nranges, t->tf.code, x->iid,
		    &x->r);
	tsm_move_result_free(&x->r);
	if (!tsm_moves_ranges_ok(k->ranges, k->nranges) ||
	    !report_move(&x->m, &x->r, what)) {
		tsm_move_free(&x->m);
		k->status = TSM_EXIT_FAIL;
		k->failed++;
		return true;
	}
	tsm_move_free(&x->m);
	if (k->a->create_views) {
		if (!tsm_legacy_create_view(k->conn, k->co->schema, t,
		    x->iid)) {
			k->status = tsm_exit_status(k->conn);
			k->failed++;
			return true;
		}
		tsm_info("%s.%s is now a view over %s.candles; the old table "
		    "is %s.%s_legacy", t->schema, t->name, k->co->schema,
		    t->schema, t->name);
	}
	if (k->a->drop_source) {
		if (!tsm_legacy_drop(k->conn, t, k->a->create_views)) {
			k->status = tsm_exit_status(k->conn);
			k->failed++;
			return true;
		}
		tsm_info("%s.%s%s dropped", t->schema, t->name,
		    k->a->create_views ? "_legacy" : "");
	}
	return true;
}

/*
 * Moves x[0..nx) (one or two tables), prepared; two side by side, the
 * second on the side connection without a progress line.
 */
static void
move_tables(struct run *k, struct one *x, int nx, PGconn *side)
{
	struct tsm_move_opts quiet = *k->mo;
	pthread_t th;
	bool threaded = false;

	quiet.progress = false;
	for (int j = 0; j < nx; j++) {
		x[j].conn = k->conn;
		x[j].mo = k->mo;
	}
	if (nx == 2 && x[0].ready && x[1].ready) {
		x[1].conn = side;
		x[1].mo = &quiet;
		tsm_cancel_register_also(side);
		threaded = pthread_create(&th, NULL, move_thread, &x[1]) == 0;
		if (!threaded) {
			tsm_cancel_register_also(NULL);
			x[1].conn = k->conn;
			x[1].mo = k->mo;
		}
	}
	for (int j = 0; j < nx; j++) {
		if (j == 1 && threaded) {
			pthread_join(th, NULL);
			tsm_cancel_register_also(NULL);
		} else if (x[j].ready && !tsm_interrupted) {
			x[j].ok = tsm_move_run(k->conn, k->mo, &x[j].m,
			    &x[j].r);
		}
	}
}

int
tsm_migrate_klines(const struct tsm_conn_opts *co,
    const struct tsm_moves_opts *a)
{
	struct tsm_schema_state st;
	struct tsm_server srv;
	struct tsm_legacy_table *t = NULL;
	struct tsm_move_opts mo;
	struct tsm_behind bh;
	struct run k;
	int n = 0;
	const char *schema = a->source_schema ? a->source_schema : "public";
	const char *pattern = a->tables ? a->tables : "%\\_kline\\_%";
	PGconn *conn;

	memset(&bh, 0, sizeof(bh));
	memset(&k, 0, sizeof(k));
	k.status = TSM_EXIT_OK;
	tsm_cancel_init();
	conn = connect_move(co, &st, &srv, &k.status);
	if (conn == NULL)
		return k.status;
	if (!tsm_legacy_find(conn, schema, pattern, &t, &n)) {
		k.status = tsm_exit_status(conn);
		goto out;
	}
	for (int i = 0; a->create_views && i < n; i++)
		if (!tsm_legacy_view_possible(conn, &t[i])) {
			k.status = tsm_exit_status(conn);
			goto out;
		}
	if (a->dry_run) {
		if (!print_klines_plan(conn, a, t, n))
			k.status = tsm_exit_status(conn);
		else
			tsm_info("dry run: %d table%s would be moved; "
			    "nothing was changed", n, n == 1 ? "" : "s");
		goto out;
	}
	k.ranges = calloc((size_t)n, sizeof(*k.ranges));
	if (k.ranges == NULL) {
		tsm_error("out of memory");
		k.status = TSM_EXIT_FAIL;
		goto out;
	}
	memset(&mo, 0, sizeof(mo));
	mo.schema = co->schema;
	mo.batch_rows = a->batch;
	mo.progress = a->progress;
	mo.refresh = a->refresh;
	mo.st = &st;
	mo.tsdb_schema = srv.tsdb_schema;
	k.conn = conn;
	k.co = co;
	k.a = a;
	k.st = &st;
	k.mo = &mo;
	k.bh = &bh;
	/*
	 * On TimescaleDB two tables move side by side, on the second
	 * connection, except the last when the aggregates are refreshed
	 * behind its batches: a table alone keeps one core busy.  On plain
	 * PostgreSQL that connection refreshes behind the next move.
	 */
	for (int i = 0, nx; i < n && !tsm_interrupted; i += nx) {
		struct one x[2];
		PGconn *side = NULL;
		bool go_on = true;

		nx = 1;
		if (st.backend != TSM_BACKEND_NATIVE &&
		    i + 1 < n - (a->refresh ? 1 : 0) &&
		    (side = tsm_behind_conn(&bh, conn, co)) != NULL)
			nx = 2;
		memset(x, 0, sizeof(x));
		for (int j = 0; j < nx; j++) {
			x[j].t = &t[i + j];
			prepare(&k, &x[j]);
		}
		if (a->refresh && i == n - 1 &&
		    st.backend != TSM_BACKEND_NATIVE)
			mo.refresher = tsm_moves_last_refresher(conn, co, &srv,
			    t[i].tf.code);
		move_tables(&k, x, nx, side);
		if (mo.refresher != NULL) {
			int64_t lo, hi;
			bool rf_failed;

			/* What it left, the refresh at the end does. */
			tsm_refresher_finish(mo.refresher, tsm_interrupted,
			    &lo, &hi, &rf_failed);
			mo.refresher = NULL;
		}
		for (int j = 0; j < nx; j++) {
			if (!x[j].ready) {
				tsm_move_free(&x[j].m);
				k.status = tsm_exit_status(conn);
				k.failed++;
				go_on = go_on && PQstatus(conn) ==
				    CONNECTION_OK && !tsm_interrupted;
			} else if (!table_done(&k, &x[j])) {
				go_on = false;
			}
		}
		if (!go_on)
			break;
	}
	if (!tsm_behind_wait(&bh))
		k.bh_failed = true;
	if (k.bh_failed)
		k.status = tsm_exit_status(conn);
	/* What was not refreshed behind the moves: once, not per batch. */
	for (int i = 0; a->refresh && i < k.nranges && !tsm_interrupted &&
	    PQstatus(conn) == CONNECTION_OK; i++) {
		tsm_buf_putc(&k.ranges[i].iids, '}');
		if (k.ranges[i].xids.len > 0)
			tsm_buf_putc(&k.ranges[i].xids, '}');
		if (!tsm_buf_ok(&k.ranges[i].iids) ||
		    !tsm_buf_ok(&k.ranges[i].xids)) {
			k.status = TSM_EXIT_FAIL;
			break;
		}
		if (!tsm_move_refresh_caggs(conn,
		    tsm_behind_conn(&bh, conn, co),
		    &mo, "candles", k.ranges[i].tf,
		    k.ranges[i].lo, k.ranges[i].hi, k.ranges[i].iids.data,
		    k.ranges[i].xids.len > 0 ? k.ranges[i].xids.data : NULL))
			k.status = tsm_exit_status(conn);
	}
	for (int i = 0; !a->refresh && i < k.nranges; i++)
		tsm_moves_note_no_refresh(&st, co->schema, "candles",
		    k.ranges[i].lo, k.ranges[i].hi);
	if (tsm_interrupted)
		k.status = TSM_EXIT_INTERRUPTED;
	else if (k.failed > 0)
		tsm_info("%d of %d tables failed", k.failed, n);
out:
	for (int i = 0; k.ranges != NULL && i < k.nranges; i++) {
		tsm_buf_free(&k.ranges[i].iids);
		tsm_buf_free(&k.ranges[i].xids);
	}
	free(k.ranges);
	free(t);
	if (bh.conn != NULL)
		PQfinish(bh.conn);
	tsm_disconnect(conn);
	return k.status;
}

int
tsm_migrate_table(const struct tsm_conn_opts *co,
    const struct tsm_moves_opts *a)
{
	struct tsm_schema_state st;
	struct tsm_server srv;
	struct tsm_tablemap_opts to;
	struct tsm_move m;
	struct tsm_move_opts mo;
	struct tsm_move_result r;
	struct tsm_behind bh;
	char what[200];
	int status = TSM_EXIT_OK;
	PGconn *conn;

	memset(&bh, 0, sizeof(bh));
	memset(&to, 0, sizeof(to));
	memset(&r, 0, sizeof(r));
	tsm_cancel_init();
	conn = connect_move(co, &st, &srv, &status);
	if (conn == NULL)
		return status;
	to.schema = co->schema;
	to.source = a->source;
	to.kind = a->kind;
	to.maps = a->maps;
	to.nmaps = a->nmaps;
	to.exchange = a->exchange;
	to.symbol = a->symbol;
	to.interval = a->interval;
	to.tz = a->tz;
	to.unit = a->unit;
	memset(&m, 0, sizeof(m));
	if (a->dry_run) {
		/* The instrument would be made: look, do not touch. */
		bool ok = tsm_command(conn, "BEGIN", 0, NULL) &&
		    tsm_tablemap_build(conn, &to, &m);

		PQclear(PQexec(conn, "ROLLBACK"));
		if (ok) {
			static const char *const names[] = { "column",
				"value" };
			static const enum tsm_coltype types[] = { TSM_COL_TEXT,
				TSM_COL_TEXT };
			struct tsm_writer *w = tsm_writer_new(stdout, a->format,
			    a->header, 2, names, types);

			ok = w != NULL;
			for (int i = 0; ok && i < m.ncols; i++) {
				const char *vals[2] = { m.cols[i].target,
				    m.cols[i].expr };

				ok = tsm_writer_row(w, vals, NULL);
			}
			if (w != NULL && !tsm_writer_end(w))
				ok = false;
		}
		status = ok ? TSM_EXIT_OK : tsm_exit_status(conn);
		if (ok)
			tsm_info("dry run: %s would be moved into %s.%s; "
			    "nothing was changed", m.label, co->schema,
			    m.table);
		goto out;
	}
	if (!tsm_tablemap_build(conn, &to, &m)) {
		status = tsm_exit_status(conn);
		goto out;
	}
	memset(&mo, 0, sizeof(mo));
	mo.schema = co->schema;
	mo.batch_rows = a->batch;
	mo.progress = a->progress;
	mo.refresh = a->refresh;
	mo.st = &st;
	mo.tsdb_schema = srv.tsdb_schema;
	if (!tsm_move_run(conn, &mo, &m, &r)) {
		status = tsm_exit_status(conn);
		goto out;
	}
	snprintf(what, sizeof(what), "%s.%s", co->schema, m.table);
	if (!report_move(&m, &r, what)) {
		status = TSM_EXIT_FAIL;
		goto out;
	}
	if (!a->refresh)
		tsm_moves_note_no_refresh(&st, co->schema, m.kind, r.lo, r.hi);
	else {
		struct tsm_buf xids = TSM_BUF_INIT;
		char iids[32];
		bool ok;

		snprintf(iids, sizeof(iids), "{%d}", m.instrument_id);
		if (r.xids.len > 0)
			tsm_buf_printf(&xids, "{%s}", r.xids.data);
		ok = tsm_buf_ok(&xids) && tsm_move_refresh_caggs(conn,
		    st.backend == TSM_BACKEND_NATIVE ? NULL :
		    tsm_behind_conn(&bh, conn, co), &mo,
		    m.kind, m.timeframe[0] ? m.timeframe : NULL, r.lo, r.hi,
		    m.instrument_id > 0 ? iids : NULL, xids.len > 0 ?
		    xids.data : NULL);
		tsm_buf_free(&xids);
		if (!ok) {
			status = tsm_exit_status(conn);
			goto out;
		}
	}
	if (a->drop_source) {
		char sql[300];

		snprintf(sql, sizeof(sql), "DROP TABLE %s", m.source);
		if (!tsm_command(conn, sql, 0, NULL)) {
			tsm_hint("the rows of %s are in %s; drop it yourself "
			    "once nothing needs it", m.label, what);
			status = tsm_exit_status(conn);
			goto out;
		}
		tsm_info("%s dropped", m.label);
	}
out:
	tsm_move_result_free(&r);
	tsm_move_free(&m);
	if (bh.conn != NULL)
		PQfinish(bh.conn);
	tsm_disconnect(conn);
	return status;
}

