/*
 * query_ind.c: tsm-query indicators: the routed bars of an instrument
 * with technical indicators (indicators.h) as extra columns, computed in
 * one streaming pass; with --save, stored in the indicators table as they
 * go, through a second connection, all or nothing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "conn.h"
#include "db.h"
#include "indicators.h"
#include "log.h"
#include "num.h"
#include "query.h"
#include "route.h"
#include "sqlscript.h"
#include "timeframe.h"
#include "timeparse.h"

#define COPYBUF	(64 * 1024)

/* One pass: the indicators' states and what a row of output needs. */
struct ind_pass {
	struct tsm_qctx *q;
	const struct tsm_instrument *in;
	const struct tsm_route *r;
	const struct tsm_ind_spec *specs;
	struct tsm_ind **inds;
	int n;			/* indicators */
	int ncols;		/* columns of output: 6 and theirs */
	const char **row;
	char (*num)[TSM_NUM_BUFSZ];
	double *out;		/* every indicator's values of this bar */
	long long bars;
	/* --save: the second connection, copying as the bars come. */
	PGconn *save;
	char *buf;
	size_t len;
	long long saved;
};

/* Sends what the COPY buffer holds; false after reporting. */
static bool
copy_flush(struct ind_pass *p)
{
	if (p->len > 0 && PQputCopyData(p->save, p->buf, (int)p->len) != 1) {
		tsm_error("cannot save the indicators: %s",
		    PQerrorMessage(p->save));
		return false;
	}
	p->len = 0;
	return true;
}

/* Appends s[0..n) to the COPY buffer. */
static bool
copy_put(struct ind_pass *p, const char *s, size_t n)
{
	if (p->len + n > COPYBUF && !copy_flush(p))
		return false;
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	return true;
}

/*
 * Queues the values of indicator k at this bar for saving: one row of
 * COPY text, once the indicator is past its warm-up.
 */
static bool
save_values(struct ind_pass *p, int k, const double *v, const char *time)
{
	const struct tsm_ind_spec *s = &p->specs[k];
	char line[512];
	int n;

	if (p->bars <= s->warmup)
		return true;
	n = snprintf(line, sizeof(line), "%d\t%s\t%s\t%s\t%s", p->in->id,
	    p->r->tf.code, time, s->name, s->params);
	for (int i = 0; i < 3 && n > 0 && (size_t)n < sizeof(line); i++) {
		char d[TSM_NUM_BUFSZ];

		if (i < s->nout && !isnan(v[i]))
			tsm_format_double(v[i], d);
		else
			snprintf(d, sizeof(d), "\\N");
		n += snprintf(line + n, sizeof(line) - (size_t)n, "\t%s", d);
	}
	if (n < 0 || (size_t)n + 1 >= sizeof(line)) {
		tsm_error("internal: a row of indicators is too long to save");
		return false;
	}
	line[n++] = '\n';
	p->saved++;
	return copy_put(p, line, (size_t)n);
}

/* Reads a number the server wrote; false after reporting. */
static bool
number(const char *s, size_t len, const char *col, double *out)
{
	const char *why;

	if (s == NULL) {
		tsm_error("internal: the bar's %s is NULL", col);
		return false;
	}
	if (!tsm_parse_double(s, len, out, &why)) {
		tsm_error("internal: the bar's %s \"%s\" %s", col, s, why);
		return false;
	}
	return true;
}

/* One bar: the indicators move on, a row goes out (and to the save). */
static bool
on_bar(void *ctx, const char *const *vals, const size_t *lens, int ncols)
{
	static const char *const cols[] = { "time", "open", "high", "low",
	    "close", "volume" };
	struct ind_pass *p = ctx;
	struct tsm_bar bar;
	double *f[5] = { &bar.open, &bar.high, &bar.low, &bar.close,
	    &bar.volume };
	int c = 6, o = 0;

	if (ncols != 6 || vals[0] == NULL ||
	    !tsm_q_time_value(vals[0], &bar.time)) {
		tsm_error("internal: a bar without a time");
		return false;
	}
	for (int i = 0; i < 5; i++)
		if (!number(vals[i + 1], lens[i + 1], cols[i + 1], f[i]))
			return false;
	p->bars++;
	for (int i = 0; i < 6; i++)
		p->row[i] = vals[i];
	for (int k = 0; k < p->n; k++) {
		double *v = p->out + o;

		tsm_ind_update(p->inds[k], &bar, v);
		for (int i = 0; i < p->specs[k].nout; i++, c++) {
			if (isnan(v[i])) {
				p->row[c] = NULL;
			} else {
				tsm_format_double(v[i], p->num[c]);
				p->row[c] = p->num[c];
			}
		}
		if (p->save != NULL && !save_values(p, k, v, vals[0]))
			return false;
		o += p->specs[k].nout;
	}
	return tsm_writer_row(p->q->w, p->row, NULL);
}

/* Runs a named statement on the saving connection; false after reporting. */
static bool
save_exec(struct ind_pass *p, const char *file, const struct tsm_params *par,
    ExecStatusType want)
{
	char *sql = tsm_q_sql(p->q, file, NULL, 0);
	PGresult *res;
	bool ok;

	if (sql == NULL)
		return false;
	res = PQexecParams(p->save, sql, par ? par->n : 0,
	    par ? par->types : NULL, par ? par->values : NULL, NULL, NULL, 0);
	free(sql);
	ok = PQresultStatus(res) == want;
	if (!ok) {
		tsm_report_result(p->save, res, NULL);
		if (PQresultStatus(res) == PGRES_FATAL_ERROR &&
		    strcmp(file, "query_ind_insert.sql") == 0)
			tsm_hint("--save writes to the table indicators: the role "
			    "needs INSERT and UPDATE on it (the writer role of "
			    "tsm-init --roles has them)");
	}
	PQclear(res);
	return ok;
}

/*
 * Opens the second connection and starts copying into a staging table in
 * its own transaction; the first connection keeps the cancel handler,
 * so that an interrupt stops the read and the save is rolled back.
 */
static bool
save_begin(struct ind_pass *p)
{
	struct tsm_params par;

	p->save = tsm_connect(p->q->co);
	tsm_cancel_register(p->q->conn);
	if (p->save == NULL)
		return false;
	p->buf = malloc(COPYBUF);
	if (p->buf == NULL) {
		tsm_error("out of memory");
		return false;
	}
	if (!tsm_command(p->save, "BEGIN", 0, NULL))
		return false;
	if (p->q->backend == TSM_BACKEND_NATIVE && p->r->first <= p->r->last) {
		tsm_params_init(&par);
		tsm_param_time(&par, p->r->first);
		tsm_param_time(&par, tsm_bucket_next(&p->r->tf, p->r->last));
		if (!save_exec(p, "query_ind_partitions.sql", &par,
		    PGRES_TUPLES_OK))
			return false;
	}
	return save_exec(p, "query_ind_stage.sql", NULL, PGRES_COMMAND_OK) &&
	    save_exec(p, "query_ind_copy.sql", NULL, PGRES_COPY_IN);
}

/* Ends the copy and puts the values in place, or rolls it all back. */
static bool
save_end(struct ind_pass *p, bool ok)
{
	PGresult *res;

	if (p->save == NULL)
		return ok;
	if (PQputCopyEnd(p->save, ok && copy_flush(p) ? NULL :
	    "tsm-query stopped") != 1)
		ok = false;
	while ((res = PQgetResult(p->save)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && ok) {
			tsm_report_result(p->save, res, NULL);
			ok = false;
		}
		PQclear(res);
	}
	ok = ok && save_exec(p, "query_ind_insert.sql", NULL, PGRES_COMMAND_OK);
	ok = ok && tsm_command(p->save, "COMMIT", 0, NULL);
	if (!ok && PQstatus(p->save) == CONNECTION_OK) {
		res = PQexec(p->save, "ROLLBACK");
		PQclear(res);
		tsm_error("nothing was saved");
	} else if (ok) {
		tsm_info("saved %lld values of %d indicator%s", p->saved, p->n,
		    p->n == 1 ? "" : "s");
	}
	return ok;
}

/* Makes the writer: the bar's columns, then the indicators'. */
static bool
make_writer(struct ind_pass *p)
{
	const char **names = calloc((size_t)p->ncols, sizeof(*names));
	enum tsm_coltype *types = calloc((size_t)p->ncols, sizeof(*types));
	static const char *const bar[] = { "time", "open", "high", "low",
	    "close", "volume" };
	int c = 0;
	bool ok;

	if (names == NULL || types == NULL) {
		free(names);
		free(types);
		tsm_error("out of memory");
		return false;
	}
	for (; c < 6; c++) {
		names[c] = bar[c];
		types[c] = c == 0 ? TSM_COL_TIME : TSM_COL_NUMBER;
	}
	for (int k = 0; k < p->n; k++)
		for (int i = 0; i < p->specs[k].nout; i++, c++) {
			names[c] = p->specs[k].out[i];
			types[c] = TSM_COL_NUMBER;
		}
	ok = tsm_q_writer(p->q, p->ncols, names, types);
	free(names);
	free(types);
	return ok;
}

bool
tsm_q_indicators(struct tsm_qctx *q, struct tsm_qargs *a)
{
	struct tsm_instrument *v = NULL;
	struct tsm_route r;
	struct ind_pass p;
	struct tsm_params par;
	char *bars = NULL, *sql = NULL;
	struct tsm_sql_var last = { "last", "false" };
	int nv, nout = 0;
	bool ok = false;

	memset(&p, 0, sizeof(p));
	if (!tsm_q_instruments(q, a->args, 1, NULL, &a->filter, &v, &nv))
		return false;
	if (!tsm_route(q, &v[0], &a->tf, a->from, a->to,
	    (enum tsm_source)a->source, &r))
		goto out;
	p.q = q;
	p.in = &v[0];
	p.r = &r;
	p.specs = a->specs;
	p.n = a->nspecs > 0 ? a->nspecs : 0;
	for (int k = 0; k < p.n; k++)
		nout += p.specs[k].nout > 0 ? p.specs[k].nout : 0;
	p.ncols = 6 + nout;
	p.inds = calloc((size_t)p.n + 1, sizeof(*p.inds));
	p.row = calloc((size_t)p.ncols, sizeof(*p.row));
	p.num = calloc((size_t)p.ncols, sizeof(*p.num));
	p.out = calloc((size_t)(nout > 0 ? nout : 1), sizeof(*p.out));
	if (p.inds == NULL || p.row == NULL || p.num == NULL || p.out == NULL) {
		tsm_error("out of memory");
		goto out;
	}
	for (int k = 0; k < p.n; k++)
		if ((p.inds[k] = tsm_ind_new(&p.specs[k])) == NULL) {
			tsm_error("out of memory");
			goto out;
		}
	if (!make_writer(&p) || (a->save && !save_begin(&p)))
		goto out;
	bars = tsm_route_sql(q, &r);
	if (bars != NULL)
		sql = tsm_q_sql_over_bars(q, bars, "query_ohlcv.sql", &last, 1);
	if (sql == NULL)
		goto out;
	tsm_params_init(&par);
	tsm_route_params(&r, &v[0], &par);
	tsm_param_raw(&par, TSM_OID_INT8, NULL);
	ok = tsm_q_each(q, sql, &par, on_bar, &p) >= 0;
out:
	if (p.save != NULL) {
		ok = save_end(&p, ok);
		tsm_disconnect(p.save);
		tsm_cancel_register(q->conn);
	}
	for (int k = 0; p.inds != NULL && k < p.n; k++)
		tsm_ind_free(p.inds[k]);
	free(p.inds);
	free(p.row);
	free(p.num);
	free(p.out);
	free(p.buf);
	free(bars);
	free(sql);
	free(v);
	return ok;
}
