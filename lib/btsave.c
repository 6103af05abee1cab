/*
 * btsave.c: backtests and optimisations into the database.
 *
 * Numbers go into JSON with 17 significant digits, so that they read back
 * as the same doubles; NaN and the infinities, which JSON cannot hold,
 * as the strings PostgreSQL reads as float8 ("NaN", "Infinity").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btsave.h"
#include "db.h"
#include "log.h"
#include "num.h"
#include "sqlfiles.h"
#include "sqlscript.h"
#include "timeparse.h"

static char *
named_sql(const char *file, const char *schema)
{
	const struct tsm_sql_file *f = tsm_sql_file_find(file);
	struct tsm_sql_var vars[] = { { "schema", schema } };

	if (f == NULL) {
		tsm_error("%s is missing from this build", file);
		return NULL;
	}
	return tsm_sql_expand(file, f->text, vars, 1);
}

/* A double as JSON: a number, or a string when not finite. */
static json_t *
jnum(double v)
{
	if (isnan(v))
		return json_string("NaN");
	if (isinf(v))
		return json_string(v > 0 ? "Infinity" : "-Infinity");
	return json_real(v);
}

static json_t *
jtime(int64_t t)
{
	char buf[TSM_TIME_BUFSZ];

	tsm_format_time(t, buf);
	return json_string(buf);
}

json_t *
tsm_metrics_json(const struct tsm_metrics *m)
{
	json_t *o = json_object();

	for (int i = 0; o && i < tsm_metric_count(); i++) {
		char buf[64];
		json_t *v;

		if (tsm_metric_kind(i) == TSM_MK_NUMBER)
			v = jnum(tsm_metric_value(m, i));
		else if (tsm_metric_format(m, i, buf, sizeof(buf)))
			v = json_string(buf);
		else
			v = json_null();
		json_object_set_new(o, tsm_metric_key(i), v);
	}
	return o;
}

json_t *
tsm_params_json(const struct tsm_strategy *st)
{
	json_t *o = json_object();

	for (int k = 0; o && k < st->def->nparams; k++)
		json_object_set_new(o, st->def->params[k].name,
		    st->def->params[k].integer ? json_integer(
		    (json_int_t)st->p[k]) : json_real(st->p[k]));
	return o;
}

static json_t *
settings_json(const struct tsm_save_info *si)
{
	const struct tsm_bt_settings *s = si->settings;

	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o, s:o, s:s, s:b, s:b, s:o}",
	    "capital", jnum(s->cash), "commission", jnum(s->commission),
	    "commission_fixed", jnum(s->commission_fixed),
	    "commission_min", jnum(s->commission_min),
	    "spread", jnum(s->spread),
	    "slippage_bps", jnum(s->slippage * 10000),
	    "size", jnum(s->size), "units", jnum(s->units),
	    "step", jnum(s->step),
	    "stop_loss_pct", jnum(s->stop_loss * 100),
	    "take_profit_pct", jnum(s->take_profit * 100),
	    "trailing_stop_pct", jnum(s->trailing * 100),
	    "fill", s->fill == TSM_FILL_CLOSE ? "close" : "open",
	    "short", s->allow_short, "close_at_end", s->close_at_end,
	    "annualization", si->annual_days ? json_integer(si->annual_days) :
	    json_string("auto"));
}

static json_t *
trades_json(const struct tsm_candles *c, const struct tsm_bt_result *r)
{
	json_t *a = json_array();

	for (size_t k = 0; a && k < r->ntrades; k++) {
		const struct tsm_trade *t = &r->trades[k];
		bool open = t->reason == TSM_EXIT_OPEN;
		json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:o, s:s}",
		    "n", (json_int_t)(k + 1), "size", jnum(t->size),
		    "entry_time", jtime(c->time[t->entry_bar]),
		    "entry_price", jnum(t->entry_price),
		    "commission", jnum(open ? t->entry_fee :
		    t->entry_fee + t->exit_fee),
		    "tag", tsm_exit_reason_name(t->reason));

		if (o != NULL && !open) {
			json_object_set_new(o, "exit_time",
			    jtime(c->time[t->exit_bar]));
			json_object_set_new(o, "exit_price", jnum(t->exit_price));
			json_object_set_new(o, "pnl", jnum(t->pnl));
			json_object_set_new(o, "return_pct", jnum(t->ret * 100));
		}
		json_array_append_new(a, o);
	}
	return a;
}

/* Dumps j (and releases it); the caller frees the text. */
static char *
dump(json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17)) :
	    NULL;

	json_decref(j);
	if (s == NULL)
		tsm_error("out of memory for JSON");
	return s;
}

/* Runs a named query returning one id; false after reporting. */
static bool
insert_id(PGconn *conn, const char *file, const char *schema, int n,
    const char *const *params, long long *id)
{
	char *sql = named_sql(file, schema);
	PGresult *res;

	if (sql == NULL)
		return false;
	res = tsm_query(conn, sql, n, params);
	free(sql);
	if (res == NULL)
		return false;
	*id = atoll(PQgetvalue(res, 0, 0));
	PQclear(res);
	return true;
}

/* The fields common to runs and optimisations, as text. */
struct common {
	char inst[16], bars[24], from[TSM_TIME_BUFSZ], to[TSM_TIME_BUFSZ];
};

static void
common_text(const struct tsm_save_info *si, struct common *cm)
{
	snprintf(cm->inst, sizeof(cm->inst), "%d", si->instrument_id);
	snprintf(cm->bars, sizeof(cm->bars), "%zu", si->bars);
	tsm_format_time(si->range_from, cm->from);
	tsm_format_time(si->range_to, cm->to);
}

bool
tsm_save_run(PGconn *conn, const struct tsm_save_info *si,
    const struct tsm_strategy *st, const struct tsm_candles *c,
    const struct tsm_bt_result *r, const struct tsm_metrics *m, long long *id)
{
	char *params = dump(tsm_params_json(st));
	char *settings = dump(settings_json(si));
	char *metrics = dump(tsm_metrics_json(m));
	char *trades = dump(trades_json(c, r));
	char idtext[24];
	struct common cm;
	bool ok = params && settings && metrics && trades;

	common_text(si, &cm);
	if (ok) {
		const char *p[11] = { st->def->name, params,
			si->instrument_id ? cm.inst : NULL, si->symbol,
			si->timeframe, si->data_source, cm.from, cm.to, cm.bars,
			settings, metrics };

		ok = tsm_command(conn, "BEGIN", 0, NULL) &&
		    insert_id(conn, "backtest_save_run.sql", si->schema, 11, p,
		    id);
	}
	if (ok) {
		char *sql = named_sql("backtest_save_trades.sql", si->schema);
		const char *p[2] = { idtext, trades };

		snprintf(idtext, sizeof(idtext), "%lld", *id);
		ok = sql != NULL && tsm_command(conn, sql, 2, p) &&
		    tsm_command(conn, "COMMIT", 0, NULL);
		free(sql);
	}
	if (!ok && PQstatus(conn) == CONNECTION_OK)
		PQclear(PQexec(conn, "ROLLBACK"));
	free(params);
	free(settings);
	free(metrics);
	free(trades);
	return ok;
}

/* The walk-forward windows and their stitched result, as JSON. */
static json_t *
wf_json(const struct tsm_candles *c, const struct tsm_wf_result *wf)
{
	json_t *a = json_array();

	for (size_t k = 0; a && k < wf->n; k++) {
		const struct tsm_wf_window *w = &wf->w[k];
		json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		    "train_from", jtime(c->time[w->train_from]),
		    "train_to", jtime(c->time[w->train_to - 1]),
		    "test_from", jtime(c->time[w->test_from]),
		    "test_to", jtime(c->time[w->test_to - 1]),
		    "params", w->ok ? tsm_params_json(&w->best) : json_null(),
		    "train_score", jnum(w->train_score),
		    "test", w->ok ? tsm_metrics_json(&w->test) : json_null());

		json_array_append_new(a, o);
	}
	return json_pack("{s:o, s:o}", "windows", a, "out_of_sample",
	    tsm_metrics_json(&wf->m));
}

bool
tsm_save_optimization(PGconn *conn, const struct tsm_save_info *si,
    const char *strategy, const char *grid, const char *constraints,
    const char *maximize, int metric, size_t combinations,
    const struct tsm_opt_row *rows, const size_t *order, size_t n,
    const struct tsm_candles *c, const struct tsm_wf_result *wf,
    long long *id)
{
	json_t *res = json_array();
	char *results, *best = NULL, *walk = NULL;
	char count[24], score[TSM_NUM_BUFSZ] = "NaN";
	struct common cm;
	bool ok;

	for (size_t k = 0; res && k < n; k++) {
		const struct tsm_opt_row *row = &rows[order[k]];

		json_array_append_new(res, json_pack("{s:o, s:o}", "params",
		    tsm_params_json(&row->st), "metrics",
		    tsm_metrics_json(&row->m)));
	}
	results = dump(res);
	if (n > 0) {
		best = dump(tsm_params_json(&rows[order[0]].st));
		tsm_format_double(tsm_metric_value(&rows[order[0]].m, metric),
		    score);
	}
	if (wf != NULL)
		walk = dump(wf_json(c, wf));
	ok = results != NULL && (n == 0 || best != NULL) &&
	    (wf == NULL || walk != NULL);
	common_text(si, &cm);
	snprintf(count, sizeof(count), "%zu", combinations);
	if (ok) {
		const char *p[14] = { strategy, si->symbol, si->timeframe,
			si->data_source, cm.from, cm.to, grid, constraints,
			maximize, count, best, n ? score : NULL, results, walk };

		ok = insert_id(conn, "backtest_save_optimization.sql",
		    si->schema, 14, p, id);
	}
	free(results);
	free(best);
	free(walk);
	return ok;
}
