/*
 * tablemove.c: batched, resumable, verified moves of old tables.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "db.h"
#include "log.h"
#include "progress.h"
#include "strbuf.h"
#include "tablemove.h"

bool
tsm_move_add(struct tsm_move *m, const char *target, const char *expr)
{
	if (m->ncols == TSM_MOVE_MAXCOLS)
		return false;
	snprintf(m->cols[m->ncols].target, sizeof(m->cols[0].target), "%s",
	    target);
	m->cols[m->ncols].expr = strdup(expr);
	if (m->cols[m->ncols].expr == NULL)
		return false;
	if (strcmp(target, "time") == 0)
		m->time_col = m->ncols;
	m->ncols++;
	return true;
}

void
tsm_move_free(struct tsm_move *m)
{
	for (int i = 0; i < m->ncols; i++)
		free(m->cols[i].expr);
	for (int i = 0; i < m->npk; i++)
		free(m->pk[i]);
	free(m->source);
	m->ncols = m->npk = 0;
	m->source = NULL;
}

bool
tsm_move_target(PGconn *conn, const char *schema, struct tsm_move *m)
{
	const char *params[2] = { schema, m->kind };
	PGresult *res;
	char *q = tsm_quote_ident(schema), sql[600];

	snprintf(sql, sizeof(sql), "SELECT s.table_name, a.attname FROM "
	    "%s.series s JOIN pg_catalog.pg_class c ON c.relname = "
	    "s.table_name JOIN pg_catalog.pg_namespace n ON n.oid = "
	    "c.relnamespace AND n.nspname = $1 JOIN pg_catalog.pg_index i ON "
	    "i.indrelid = c.oid AND i.indisprimary JOIN "
	    "pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = "
	    "ANY (i.indkey) WHERE s.kind = $2 ORDER BY "
	    "array_position(i.indkey, a.attnum)", q);
	free(q);
	res = tsm_query(conn, sql, 2, params);
	if (res == NULL)
		return false;
	if (PQntuples(res) == 0 || PQntuples(res) > 8) {
		tsm_error("the series \"%s\" has no table with a primary key "
		    "in schema \"%s\"", m->kind, schema);
		PQclear(res);
		return false;
	}
	snprintf(m->table, sizeof(m->table), "%s", PQgetvalue(res, 0, 0));
	for (int i = 0; i < PQntuples(res); i++) {
		m->pk[i] = strdup(PQgetvalue(res, i, 1));
		if (m->pk[i] == NULL) {
			PQclear(res);
			tsm_error("out of memory");
			return false;
		}
		m->npk = i + 1;
	}
	PQclear(res);
	return true;
}

/* State of one move. */
struct mv {
	PGconn *conn;
	const struct tsm_move_opts *o;
	struct tsm_move *m;
	char *schema_q;		/* quoted schema */
	char target[200];	/* "tsm".candles */
	char iid[16];		/* the constant instrument id, as text */
	bool native;
	/*
	 * With a refresher: the last time of the batch committed last, held
	 * until the next batch is, so that no refresh reaches into the bucket
	 * where the next one begins while there is none to hold.
	 */
	int64_t after;
	bool after_held;
};

/* Runs sql in the open transaction with the zone of --tz, if any. */
static bool
set_zone(struct mv *v)
{
	const char *p[1] = { v->m->tz };

	if (v->m->tz == NULL)
		return true;
	return tsm_command(v->conn, "SELECT pg_catalog.set_config('TimeZone', "
	    "$1, true)", 1, p);
}

static void
rollback(PGconn *conn)
{
	if (PQstatus(conn) == CONNECTION_OK &&
	    PQtransactionStatus(conn) != PQTRANS_IDLE)
		PQclear(PQexec(conn, "ROLLBACK"));
}

/*
 * The constants, instrument and timeframe, are parameters numbered from
 * base in that order, those that are there; ref writes the reference to
 * one ("$3::integer") and consts fills their values.
 */
static void
const_ref(const struct mv *v, bool timeframe, int base, char *buf,
    size_t bufsz)
{
	int n = base + (timeframe && v->m->instrument_id > 0);

	snprintf(buf, bufsz, "$%d::%s", n, timeframe ? "text" : "integer");
}

static int
consts(const struct mv *v, const char **p)
{
	int n = 0;

	if (v->m->instrument_id > 0)
		p[n++] = v->iid;
	if (v->m->timeframe[0])
		p[n++] = v->m->timeframe;
	return n;
}

/* The series' columns and their values over "s", constants from base. */
static void
put_columns(struct mv *v, int base, struct tsm_buf *names,
    struct tsm_buf *exprs)
{
	struct tsm_move *m = v->m;
	char ref[32];

	if (m->instrument_id > 0) {
		const_ref(v, false, base, ref, sizeof(ref));
		tsm_buf_puts(names, "instrument_id, ");
		tsm_buf_printf(exprs, "%s, ", ref);
	}
	if (m->timeframe[0]) {
		const_ref(v, true, base, ref, sizeof(ref));
		tsm_buf_puts(names, "timeframe, ");
		tsm_buf_printf(exprs, "%s, ", ref);
	}
	for (int i = 0; i < m->ncols; i++) {
		char *qc = tsm_quote_ident(m->cols[i].target);

		tsm_buf_printf(names, "%s%s", i ? ", " : "", qc);
		tsm_buf_printf(exprs, "%s%s", i ? ", " : "", m->cols[i].expr);
		free(qc);
	}
}

/* Counts the source and finds its range of time and its size. */
static bool
source_stats(struct mv *v, struct tsm_move_result *r, long long *blocks,
    char *relfilenode, size_t rsz)
{
	struct tsm_buf sql = TSM_BUF_INIT;
	const char *p[1] = { v->m->source };
	PGresult *res;
	bool ok = false;

	if (!tsm_command(v->conn, "BEGIN", 0, NULL) || !set_zone(v))
		goto out;
	tsm_buf_printf(&sql, "SELECT count(*), min(t), max(t) FROM (SELECT %s "
	    "AS t FROM %s AS s) AS x", v->m->cols[v->m->time_col].expr,
	    v->m->source);
	if (!tsm_buf_ok(&sql) || (res = tsm_query(v->conn, sql.data, 0,
	    NULL)) == NULL)
		goto out;
	r->source_rows = atoll(PQgetvalue(res, 0, 0));
	snprintf(r->lo, sizeof(r->lo), "%s", PQgetvalue(res, 0, 1));
	snprintf(r->hi, sizeof(r->hi), "%s", PQgetvalue(res, 0, 2));
	PQclear(res);
	res = tsm_query(v->conn, "SELECT pg_catalog.pg_relation_size("
	    "$1::regclass) / pg_catalog.current_setting('block_size')::bigint, "
	    "pg_catalog.pg_relation_filenode($1::regclass)", 1, p);
	if (res == NULL)
		goto out;
	*blocks = atoll(PQgetvalue(res, 0, 0));
	snprintf(relfilenode, rsz, "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	ok = tsm_command(v->conn, "COMMIT", 0, NULL);
out:
	if (!ok)
		rollback(v->conn);
	tsm_buf_free(&sql);
	return ok;
}

/* Makes the native partitions the range needs, in its own transaction. */
static bool
make_partitions(struct mv *v, const struct tsm_move_result *r)
{
	const char *p[3] = { v->m->kind, r->lo, r->hi };
	char sql[300];

	snprintf(sql, sizeof(sql), "SELECT %s.ensure_partitions($1, $2, $3)",
	    v->schema_q);
	return tsm_command(v->conn, sql, 3, p);
}

/*
 * Finds where a previous run of this move stopped, or records a new run.
 * The block reached is only trusted for the same kind and the same file
 * of the table (a VACUUM FULL moves rows between blocks).
 */
static bool
begin_run(struct mv *v, const char *relfilenode, long long blocks,
    long long *start, long *run_id, bool *resumed)
{
	const char *p[5];
	char sql[800], nb[32];
	PGresult *res;

	*start = 0;
	*resumed = false;
	p[0] = v->m->label;
	snprintf(sql, sizeof(sql), "SELECT id, status, detail::jsonb->>'kind', "
	    "detail::jsonb->>'relfilenode', (detail::jsonb->>'next_block')::"
	    "bigint FROM %s.runs WHERE tool = 'tsm-migrate' AND action = "
	    "'migrate' AND target = $1 ORDER BY id DESC LIMIT 1", v->schema_q);
	res = tsm_query(v->conn, sql, 1, p);
	if (res == NULL)
		return false;
	if (PQntuples(res) == 1 &&
	    strcmp(PQgetvalue(res, 0, 1), "success") != 0 &&
	    strcmp(PQgetvalue(res, 0, 2), v->m->kind) == 0 &&
	    strcmp(PQgetvalue(res, 0, 3), relfilenode) == 0 &&
	    atoll(PQgetvalue(res, 0, 4)) > 0 &&
	    atoll(PQgetvalue(res, 0, 4)) <= blocks) {
		*start = atoll(PQgetvalue(res, 0, 4));
		*run_id = atol(PQgetvalue(res, 0, 0));
		*resumed = true;
		PQclear(res);
		snprintf(nb, sizeof(nb), "%ld", *run_id);
		p[0] = nb;
		snprintf(sql, sizeof(sql), "UPDATE %s.runs SET status = "
		    "'running', finished_at = NULL WHERE id = $1", v->schema_q);
		return tsm_command(v->conn, sql, 1, p);
	}
	PQclear(res);
	snprintf(nb, sizeof(nb), "%lld", blocks);
	p[1] = v->m->kind;
	p[2] = relfilenode;
	p[3] = nb;
	snprintf(sql, sizeof(sql), "INSERT INTO %s.runs (tool, action, target, "
	    "status, detail) VALUES ('tsm-migrate', 'migrate', $1, 'running', "
	    "pg_catalog.jsonb_build_object('kind', $2::text, 'relfilenode', "
	    "$3::text, 'blocks', $4::bigint, 'next_block', 0)::text) "
	    "RETURNING id", v->schema_q);
	res = tsm_query(v->conn, sql, 4, p);
	if (res == NULL)
		return false;
	*run_id = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	return true;
}

/* Records the block reached, in the batch's transaction. */
static bool
record_progress(struct mv *v, long run_id, long long next, long long rows)
{
	char id[24], nb[24], nr[24], sql[400];
	const char *p[3] = { id, nb, nr };

	snprintf(id, sizeof(id), "%ld", run_id);
	snprintf(nb, sizeof(nb), "%lld", next);
	snprintf(nr, sizeof(nr), "%lld", rows);
	snprintf(sql, sizeof(sql), "UPDATE %s.runs SET detail = (detail::jsonb "
	    "|| pg_catalog.jsonb_build_object('next_block', $2::bigint, "
	    "'rows', coalesce((detail::jsonb->>'rows')::bigint, 0) + "
	    "$3::bigint))::text WHERE id = $1", v->schema_q);
	return tsm_command(v->conn, sql, 3, p);
}

/* Ends the run's record: success or error. */
static void
end_run(struct mv *v, long run_id, bool ok)
{
	char id[24], sql[300];
	const char *p[1] = { id };

	if (run_id <= 0 || PQstatus(v->conn) != CONNECTION_OK)
		return;
	rollback(v->conn);
	snprintf(id, sizeof(id), "%ld", run_id);
	snprintf(sql, sizeof(sql), "UPDATE %s.runs SET status = %s, "
	    "finished_at = now() WHERE id = $1", v->schema_q,
	    ok ? "'success'" : "'error'");
	(void)tsm_command(v->conn, sql, 1, p);
}

/*
 * The range of time of blocks [p[0], p[1]) of the source, in the open
 * transaction; *any is false when they hold no row.
 */
static bool
batch_times(struct mv *v, const char **p, int64_t *tmin, int64_t *tmax,
    bool *any)
{
	struct tsm_buf sql = TSM_BUF_INIT;
	PGresult *res;
	bool ok;

	tsm_buf_printf(&sql, "SELECT (pg_catalog.date_part('epoch', min(t)) * "
	    "1e6)::bigint, (pg_catalog.date_part('epoch', max(t)) * 1e6)::"
	    "bigint FROM (SELECT %s AS t FROM %s AS s WHERE s.ctid >= "
	    "$1::tid AND s.ctid < $2::tid) AS x",
	    v->m->cols[v->m->time_col].expr, v->m->source);
	ok = tsm_buf_ok(&sql) && (res = tsm_query(v->conn, sql.data, 2,
	    p)) != NULL;
	tsm_buf_free(&sql);
	if (!ok)
		return false;
	*any = !PQgetisnull(res, 0, 0);
	if (*any) {
		*tmin = atoll(PQgetvalue(res, 0, 0));
		*tmax = atoll(PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return true;
}

/*
 * One batch: blocks [lo, hi) moved and the block recorded; on plain
 * PostgreSQL the transaction is noted in r->xids when it wrote rows, for
 * the refresh at the end.
 */
static bool
batch(struct mv *v, long long lo, long long hi, long run_id,
    struct tsm_move_result *r)
{
	struct tsm_buf sql = TSM_BUF_INIT, names = TSM_BUF_INIT,
	    exprs = TSM_BUF_INIT;
	char tlo[40], thi[40], xid[24] = "";
	const char *p[5];
	PGresult *res;
	long long n = 0;
	int64_t tmin = 0, tmax = 0;
	bool ok = false, held = false;
	int np;

	snprintf(tlo, sizeof(tlo), "(%lld,0)", lo);
	snprintf(thi, sizeof(thi), "(%lld,0)", hi);
	p[0] = tlo;
	p[1] = thi;
	np = 2 + consts(v, p + 2);
	put_columns(v, 3, &names, &exprs);
	tsm_buf_printf(&sql, "INSERT INTO %s (%s) SELECT %s FROM %s AS s "
	    "WHERE s.ctid >= $1::tid AND s.ctid < $2::tid ON CONFLICT DO "
	    "NOTHING", v->target, tsm_buf_str(&names), tsm_buf_str(&exprs),
	    v->m->source);
	if (!tsm_buf_ok(&sql) || !tsm_command(v->conn, "BEGIN", 0, NULL) ||
	    !set_zone(v))
		goto out;
	if (v->o->refresher != NULL) {
		if (!batch_times(v, p, &tmin, &tmax, &held))
			goto out;
		if (held && !tsm_refresher_hold(v->o->refresher, tmin)) {
			held = false;
			goto out;
		}
		if (held && v->after_held) {
			tsm_refresher_release(v->o->refresher, v->after);
			v->after_held = false;
		}
	}
	res = tsm_query(v->conn, sql.data, np, p);
	if (res == NULL) {
		if (!tsm_interrupted)
			tsm_detail("in %s, blocks %lld to %lld; the batches "
			    "before are committed and the next run resumes "
			    "here", v->m->label, lo, hi - 1);
		goto out;
	}
	n = atoll(PQcmdTuples(res));
	PQclear(res);
	if (n > 0 && v->native) {
		/* The xid the invalidations logged by this batch carry. */
		res = tsm_query(v->conn, "SELECT pg_catalog.txid_current() % "
		    "4294967296", 0, NULL);
		if (res == NULL)
			goto out;
		snprintf(xid, sizeof(xid), "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	if (!record_progress(v, run_id, hi, n) ||
	    !tsm_command(v->conn, "COMMIT", 0, NULL))
		goto out;
	r->inserted += n;
	if (held && n > 0)
		tsm_refresher_touch(v->o->refresher, tmin, tmax);
	if (held && !v->after_held && tsm_refresher_hold(v->o->refresher,
	    tmax)) {
		v->after = tmax;
		v->after_held = true;
	}
	if (xid[0] != '\0')
		tsm_buf_printf(&r->xids, "%s%s", r->xids.len ? "," : "", xid);
	ok = true;
out:
	if (!ok)
		rollback(v->conn);
	if (held)
		tsm_refresher_release(v->o->refresher, tmin);
	tsm_buf_free(&sql);
	tsm_buf_free(&names);
	tsm_buf_free(&exprs);
	return ok;
}

/*
 * Counts the source rows that have no row in the series, by its primary
 * key; for candles of one instrument a count of the range comes first,
 * and when it matches no row-by-row look-up is needed.
 */
static bool
verify(struct mv *v, struct tsm_move_result *r)
{
	struct tsm_move *m = v->m;
	struct tsm_buf sql = TSM_BUF_INIT;
	const char *p[4];
	PGresult *res;
	bool ok = false;
	int np;

	r->missing = 0;
	r->in_series = -1;
	if (r->source_rows == 0) {
		r->verified = true;
		return true;
	}
	if (!tsm_command(v->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ", 0,
	    NULL) || !set_zone(v))
		goto out;
	if (m->instrument_id > 0 && m->timeframe[0] &&
	    strcmp(m->kind, "candles") == 0) {
		p[0] = r->lo;
		p[1] = r->hi;
		p[2] = v->iid;
		p[3] = m->timeframe;
		tsm_buf_printf(&sql, "SELECT count(*) FROM %s t WHERE "
		    "t.instrument_id = $3::integer AND t.timeframe = $4 AND "
		    "t.time >= $1::timestamptz AND t.time <= $2::timestamptz",
		    v->target);
		res = tsm_query(v->conn, tsm_buf_str(&sql), 4, p);
		if (res == NULL)
			goto out;
		r->in_series = atoll(PQgetvalue(res, 0, 0));
		PQclear(res);
		if (r->in_series == r->source_rows) {
			r->verified = true;
			ok = tsm_command(v->conn, "COMMIT", 0, NULL);
			goto out;
		}
	}
	tsm_buf_reset(&sql);
	tsm_buf_printf(&sql, "SELECT count(*) FROM %s AS s WHERE NOT EXISTS "
	    "(SELECT FROM %s t WHERE ", m->source, v->target);
	for (int k = 0; k < m->npk; k++) {
		const char *e = NULL;
		char *qc = tsm_quote_ident(m->pk[k]), ref[32];

		if (strcmp(m->pk[k], "instrument_id") == 0 &&
		    m->instrument_id > 0) {
			const_ref(v, false, 1, ref, sizeof(ref));
			e = ref;
		} else if (strcmp(m->pk[k], "timeframe") == 0 &&
		    m->timeframe[0]) {
			const_ref(v, true, 1, ref, sizeof(ref));
			e = ref;
		}
		for (int i = 0; e == NULL && i < m->ncols; i++)
			if (strcmp(m->cols[i].target, m->pk[k]) == 0)
				e = m->cols[i].expr;
		if (e == NULL) {
			/* A key column with its default: it cannot be found. */
			free(qc);
			tsm_error("internal: no value for the key column %s",
			    m->pk[k]);
			goto out;
		}
		tsm_buf_printf(&sql, "%st.%s = %s", k ? " AND " : "", qc, e);
		free(qc);
	}
	tsm_buf_putc(&sql, ')');
	np = consts(v, p);
	if (!tsm_buf_ok(&sql))
		goto out;
	res = tsm_query(v->conn, sql.data, np, p);
	if (res == NULL)
		goto out;
	r->missing = atoll(PQgetvalue(res, 0, 0));
	PQclear(res);
	r->verified = r->missing == 0;
	ok = tsm_command(v->conn, "COMMIT", 0, NULL);
out:
	if (!ok)
		rollback(v->conn);
	tsm_buf_free(&sql);
	return ok;
}

bool
tsm_move_run(PGconn *conn, const struct tsm_move_opts *o, struct tsm_move *m,
    struct tsm_move_result *r)
{
	struct mv v;
	struct tsm_progress pg;
	char relfilenode[32], lockp[200];
	const char *p[1] = { lockp };
	long long blocks = 0, start = 0, step, next;
	long run_id = 0;
	bool ok = false, locked = false;
	PGresult *res;

	memset(r, 0, sizeof(*r));
	memset(&v, 0, sizeof(v));
	v.conn = conn;
	v.o = o;
	v.m = m;
	v.native = o->st->backend == TSM_BACKEND_NATIVE;
	v.schema_q = tsm_quote_ident(o->schema);
	snprintf(v.iid, sizeof(v.iid), "%d", m->instrument_id);
	{
		char *qt = tsm_quote_ident(m->table);

		snprintf(v.target, sizeof(v.target), "%s.%s", v.schema_q, qt);
		free(qt);
	}

	/* One mover per table: a second one would fight over the blocks. */
	snprintf(lockp, sizeof(lockp), "tsm-migrate %s", m->label);
	res = tsm_query(conn, "SELECT pg_catalog.pg_try_advisory_lock("
	    "pg_catalog.hashtext($1))", 1, p);
	if (res == NULL)
		goto out;
	locked = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!locked) {
		tsm_error("another tsm-migrate is moving %s", m->label);
		tsm_hint("wait for it to finish; this one changed nothing");
		goto out;
	}
	if (!source_stats(&v, r, &blocks, relfilenode, sizeof(relfilenode)))
		goto out;
	if (r->source_rows > 0 && v.native && !make_partitions(&v, r))
		goto out;
	if (!begin_run(&v, relfilenode, blocks, &start, &run_id, &r->resumed))
		goto out;
	if (r->resumed)
		tsm_info("%s: resuming at block %lld of %lld", m->label, start,
		    blocks);

	step = 1;
	if (r->source_rows > 0 && blocks > 0) {
		double per_block = (double)r->source_rows / (double)blocks;

		step = (long long)((double)o->batch_rows / per_block);
		if (step < 1)
			step = 1;
	}
	tsm_progress_start(&pg, o->progress, m->label);
	for (next = start; next < blocks; next += step) {
		long long hi = next + step < blocks ? next + step : blocks;

		if (tsm_interrupted)
			break;
		if (!batch(&v, next, hi, run_id, r))
			break;
		tsm_progress_update(&pg, (uint64_t)r->inserted, (double)hi /
		    (double)blocks);
	}
	tsm_progress_end(&pg, (uint64_t)r->inserted, blocks > 0 ?
	    (double)(next < blocks ? next : blocks) / (double)blocks : 1.0);
	if (next < blocks) {
		if (tsm_interrupted)
			tsm_error("interrupted: %s: %lld rows moved and "
			    "committed; run the same command to resume",
			    m->label, r->inserted);
		end_run(&v, run_id, false);
		goto out;
	}
	if (!verify(&v, r)) {
		end_run(&v, run_id, false);
		goto out;
	}
	end_run(&v, run_id, r->verified);
	ok = true;
out:
	if (locked && PQstatus(conn) == CONNECTION_OK)
		PQclear(PQexec(conn, "SELECT "
		    "pg_catalog.pg_advisory_unlock_all()"));
	if (v.after_held)
		tsm_refresher_release(o->refresher, v.after);
	free(v.schema_q);
	return ok;
}

void
tsm_move_result_free(struct tsm_move_result *r)
{
	tsm_buf_free(&r->xids);
}
