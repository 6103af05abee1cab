/*
 * btjob.c: one run, a grid or a walk forward, and their outputs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btjob.h"
#include "btout.h"
#include "btrun.h"
#include "cancel.h"
#include "log.h"
#include "num.h"
#include "optimize.h"
#include "outfile.h"
#include "svgplot.h"
#include "timeparse.h"

/* Indicator arrays the grid keeps in this process, in bytes. */
#define GRID_BUDGET ((size_t)512 << 20)

bool
tsm_bt_job_sets(struct tsm_bt_job *job)
{
	size_t invalid = 0;
	const char *why;

	if (!job->has_grid) {
		if (!tsm_strategy_check(&job->st, &why)) {
			tsm_usage_error("%s %s", job->st.def->name, why);
			return false;
		}
		job->sets = malloc(sizeof(*job->sets));
		if (job->sets == NULL) {
			tsm_error("out of memory");
			return false;
		}
		job->sets[0] = job->st;
		job->nsets = 1;
		return true;
	}
	if (!tsm_grid_expand(&job->grid, &job->st, job->cons, job->ncons,
	    &job->sets, &job->nsets, &invalid))
		return false;
	if (job->nsets == 0) {
		tsm_usage_error("no parameter set of the %.0f in --grid is left "
		    "after the constraints", tsm_grid_size(&job->grid));
		if (invalid > 0)
			tsm_hint("%s %s", job->st.def->name,
			    job->st.def->nparams > 2 ? "needs fast below slow "
			    "(or lower below upper)" : "needs fast below slow");
		return false;
	}
	if (invalid > 0)
		tsm_info("%zu parameter set%s left out: %s needs %s", invalid,
		    invalid == 1 ? "" : "s", job->st.def->name,
		    job->st.def->kind == TSM_STRAT_RSI ? "lower below upper" :
		    "fast below slow");
	return true;
}

void
tsm_bt_job_free(struct tsm_bt_job *job)
{
	free(job->sets);
	job->sets = NULL;
	tsm_grid_free(&job->grid);
	for (int k = 0; k < job->ncons; k++)
		free(job->cons[k]);
	job->ncons = 0;
}

bool
tsm_bt_job_check(const struct tsm_bt_job *job, const struct tsm_candles *c)
{
	size_t worst = 0, need;
	char params[128];

	for (size_t k = 1; k < job->nsets; k++)
		if (tsm_strategy_warmup(&job->sets[k]) >
		    tsm_strategy_warmup(&job->sets[worst]))
			worst = k;
	need = tsm_strategy_warmup(&job->sets[worst]) + 3;
	if (c->n >= need)
		return true;
	tsm_strategy_format(&job->sets[worst], params, sizeof(params));
	tsm_error("%zu candle%s too few for %s%s%s: it needs at least %zu",
	    c->n, c->n == 1 ? " is" : "s are", job->st.def->name,
	    params[0] ? " " : "", params, need);
	if (need > 3)
		tsm_hint("its indicators take %zu bars to warm up; then a bar "
		    "to decide on and one to fill on", need - 2);
	return false;
}

/* Where the equity of a run goes: the --equity file and the chart. */
struct sinks {
	FILE *ef;
	struct tsm_equity_out eo;
	struct tsm_plot *plot;
	bool failed;
};

static void
fan_out(void *arg, size_t bar, double equity, double dd)
{
	struct sinks *k = arg;

	if (k->ef != NULL)
		tsm_equity_out_row(&k->eo, bar, equity, dd);
	if (k->plot != NULL)
		tsm_plot_equity(k->plot, bar, equity, dd);
}

/* Opens the --equity file and starts the chart; false after reporting. */
static bool
sinks_open(const struct tsm_bt_job *job, const struct tsm_candles *c,
    size_t from, size_t to, struct sinks *k, struct tsm_run_opts *o)
{
	memset(k, 0, sizeof(*k));
	if (job->equity_path != NULL) {
		if ((k->ef = tsm_create_private(job->equity_path)) == NULL) {
			tsm_error("cannot open \"%s\": %m", job->equity_path);
			return false;
		}
		if (!tsm_equity_out_begin(&k->eo, k->ef, c))
			return false;
	}
	if (job->plot_path != NULL &&
	    (k->plot = tsm_plot_new(c, from, to)) == NULL)
		return false;
	if (k->ef != NULL || k->plot != NULL) {
		o->equity_fn = fan_out;
		o->equity_arg = k;
	}
	return true;
}

/* Writes one file with fn; false after reporting. */
static bool
write_path(const char *path, bool (*fn)(FILE *, const void *), const void *arg)
{
	FILE *f = tsm_create_private(path);
	bool ok;

	if (f == NULL) {
		tsm_error("cannot open \"%s\": %m", path);
		return false;
	}
	ok = fn(f, arg);
	if (fclose(f) != 0 && ok) {
		tsm_error("cannot write \"%s\": %m", path);
		ok = false;
	}
	return ok;
}

struct trades_arg {
	const struct tsm_candles *c;
	const struct tsm_bt_result *r;
	bool header;
};

static bool
trades_fn(FILE *f, const void *arg)
{
	const struct trades_arg *a = arg;

	return tsm_write_trades(f, TSM_FMT_CSV, a->header, a->c, a->r);
}

struct plot_arg {
	struct tsm_plot *p;
	const char *title;
	const struct tsm_bt_result *r;
	const struct tsm_metrics *m;
};

static bool
plot_fn(FILE *f, const void *arg)
{
	const struct plot_arg *a = arg;

	return tsm_plot_write(a->p, f, a->title, a->r, a->m);
}

/* Ends the equity file, writes the chart and the trades. */
static bool
sinks_close(const struct tsm_bt_job *job, struct sinks *k,
    const struct tsm_candles *c, const char *title,
    const struct tsm_bt_result *r, const struct tsm_metrics *m, bool ok)
{
	if (k->ef != NULL) {
		ok = tsm_equity_out_end(&k->eo) && ok;
		if (fclose(k->ef) != 0 && ok) {
			tsm_error("cannot write \"%s\": %m", job->equity_path);
			ok = false;
		}
	}
	if (ok && k->plot != NULL) {
		struct plot_arg pa = { k->plot, title, r, m };

		ok = write_path(job->plot_path, plot_fn, &pa);
	}
	tsm_plot_free(k->plot);
	if (ok && job->trades_path != NULL) {
		struct trades_arg ta = { c, r, job->header };

		ok = write_path(job->trades_path, trades_fn, &ta);
	}
	return ok;
}

/* "sma-cross fast=10,slow=20" */
static void
title_of(const struct tsm_strategy *st, const char *what, char *buf,
    size_t size)
{
	char params[128];

	tsm_strategy_format(st, params, sizeof(params));
	snprintf(buf, size, "%s%s%s%s", st->def->name, params[0] ? " " : "",
	    params, what);
}

/* Says what was refused for want of capital; an error if all were. */
static bool
check_refusals(const struct tsm_bt_job *job, const struct tsm_candles *c,
    const struct tsm_bt_result *r)
{
	char t[TSM_TIME_BUFSZ], p[TSM_NUM_BUFSZ], cash[TSM_NUM_BUFSZ];

	if (r->refused == 0)
		return true;
	tsm_format_time(c->time[r->refused_bar], t);
	tsm_format_double(r->refused_price, p);
	tsm_format_double(job->s.cash, cash);
	if (r->ntrades == 0) {
		tsm_error("the capital of %s is too small for one %s at %s "
		    "(%s)", cash, job->fractional ? "step" : "whole unit", p, t);
		tsm_hint("raise --capital%s", job->fractional ? "" :
		    ", or trade fractions of a unit with --fractional");
		return false;
	}
	tsm_info("%zu entr%s refused for want of cash, the first at %s (%s)",
	    r->refused, r->refused == 1 ? "y was" : "ies were", p, t);
	return true;
}

static void
note_saved(const char *what, long long id, size_t n, const char *of)
{
	tsm_info("saved %s %lld with %zu %s%s", what, id, n, of,
	    n == 1 ? "" : "s");
}

/* One run: metrics on stdout, the rest into files and the database. */
static bool
single(struct tsm_bt_job *job, const struct tsm_candles *c)
{
	struct tsm_indcache ic;
	struct tsm_bt_result r;
	struct tsm_metrics m;
	struct tsm_run_opts o;
	struct sinks k;
	int8_t *sig = calloc(c->n, 1);
	char title[160];
	long long id;
	bool ok;

	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	tsm_indcache_init(&ic, c);
	ic.stream = true;
	o.settings = &job->s;
	o.to = c->n;
	o.annual_days = job->annual_days;
	title_of(&job->st, "", title, sizeof(title));
	ok = sig != NULL;
	if (!ok)
		tsm_error("out of memory");
	ok = ok && sinks_open(job, c, 0, c->n, &k, &o);
	ok = ok && tsm_run(&ic, &job->st, &o, sig, &r, &m);
	ok = sinks_close(job, &k, c, title, &r, &m, ok);
	ok = ok && check_refusals(job, c, &r);
	if (ok && r.ntrades > r.nclosed)
		tsm_info("a trade is still open at the end and not counted in "
		    "the metrics; --close-at-end closes it");
	ok = ok && tsm_write_metrics(stdout, job->format, job->header, &m);
	if (ok && job->save && tsm_save_run(job->conn, &job->info, &job->st, c,
	    &r, &m, &id))
		note_saved("backtest run", id, r.ntrades, "trade");
	else if (ok && job->save)
		ok = false;
	free(sig);
	tsm_bt_result_free(&r);
	tsm_indcache_free(&ic);
	return ok;
}

/* The metrics of the results table, after the parameters. */
static const char *const table_metrics[] = { "trades", "return_pct",
	"sharpe", "sortino", "calmar", "sqn", "max_drawdown_pct",
	"win_rate_pct", "profit_factor", "equity_final" };
#define NTABLE (sizeof(table_metrics) / sizeof(table_metrics[0]))

/* Writes the grid's results, best first. */
static bool
write_results(const struct tsm_bt_job *job, const struct tsm_opt_row *rows,
    const size_t *order, size_t n)
{
	const struct tsm_strategy_def *def = job->st.def;
	const char *names[TSM_STRAT_MAXPARAMS + NTABLE + 1];
	enum tsm_coltype types[TSM_STRAT_MAXPARAMS + NTABLE + 1];
	int mi[NTABLE + 1], nm = 0, ncols = def->nparams;
	struct tsm_writer *w;

	mi[nm++] = job->metric;
	for (size_t j = 0; j < NTABLE; j++)
		if (tsm_metric_find(table_metrics[j]) != job->metric)
			mi[nm++] = tsm_metric_find(table_metrics[j]);
	for (int k = 0; k < def->nparams; k++)
		names[k] = def->params[k].name;
	for (int j = 0; j < nm; j++)
		names[ncols++] = tsm_metric_key(mi[j]);
	for (int k = 0; k < ncols; k++)
		types[k] = TSM_COL_NUMBER;
	if ((w = tsm_writer_new(stdout, job->format, job->header, ncols, names,
	    types)) == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct tsm_opt_row *row = &rows[order[i]];
		char buf[TSM_STRAT_MAXPARAMS + NTABLE + 1][64];
		const char *vals[TSM_STRAT_MAXPARAMS + NTABLE + 1];

		for (int k = 0; k < def->nparams; k++)
			tsm_format_double(row->st.p[k], buf[k]);
		for (int j = 0; j < nm; j++)
			tsm_metric_format(&row->m, mi[j], buf[def->nparams + j],
			    64);
		for (int k = 0; k < ncols; k++)
			vals[k] = buf[k];
		if (!tsm_writer_row(w, vals, NULL)) {
			tsm_writer_end(w);
			return false;
		}
	}
	return tsm_writer_end(w);
}

/* Runs the best set again for the files it asks for. */
static bool
best_outputs(struct tsm_bt_job *job, struct tsm_indcache *ic,
    const struct tsm_strategy *best)
{
	const struct tsm_candles *c = ic->c;
	struct tsm_bt_result r;
	struct tsm_metrics m;
	struct tsm_run_opts o;
	struct sinks k;
	int8_t *sig;
	char title[160];
	bool ok;

	if (!job->trades_path && !job->equity_path && !job->plot_path)
		return true;
	if ((sig = calloc(c->n, 1)) == NULL) {
		tsm_error("out of memory");
		return false;
	}
	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	o.settings = &job->s;
	o.to = c->n;
	o.annual_days = job->annual_days;
	title_of(best, " (best of the grid)", title, sizeof(title));
	ok = sinks_open(job, c, 0, c->n, &k, &o) &&
	    tsm_run(ic, best, &o, sig, &r, &m);
	ok = sinks_close(job, &k, c, title, &r, &m, ok);
	free(sig);
	tsm_bt_result_free(&r);
	return ok;
}

/* The grid: every set, a table best first, the best set's files. */
static bool
grid(struct tsm_bt_job *job, struct tsm_indcache *ic)
{
	struct tsm_run_opts o;
	struct tsm_opt_row *rows;
	size_t *order = malloc(job->nsets * sizeof(size_t)), traded = 0;
	size_t refused = 0;
	char params[128], score[64];
	long long id;
	bool ok = order != NULL;

	memset(&o, 0, sizeof(o));
	o.settings = &job->s;
	o.to = ic->c->n;
	o.annual_days = job->annual_days;
	if (!ok || (rows = tsm_optimize(ic, &o, job->sets, job->nsets,
	    job->jobs)) == NULL) {
		free(order);
		return false;
	}
	tsm_opt_rank(rows, job->nsets, job->metric, order);
	for (size_t i = 0; i < job->nsets; i++) {
		traded += rows[i].m.trades > 0;
		refused += rows[i].refused > 0;
	}
	if (traded == 0 && refused > 0) {
		char cash[TSM_NUM_BUFSZ];

		tsm_format_double(job->s.cash, cash);
		tsm_error("the capital of %s is too small for one %s: no "
		    "parameter set could trade", cash, job->fractional ?
		    "step" : "whole unit");
		tsm_hint("raise --capital%s", job->fractional ? "" :
		    ", or trade fractions of a unit with --fractional");
		tsm_opt_rows_free(rows, job->nsets);
		free(order);
		return false;
	}
	tsm_strategy_format(&rows[order[0]].st, params, sizeof(params));
	tsm_metric_format(&rows[order[0]].m, job->metric, score,
	    sizeof(score));
	tsm_info("best of %zu parameter sets by %s: %s (%s); %zu set%s "
	    "traded", job->nsets, tsm_metric_key(job->metric), params, score,
	    traded, traded == 1 ? "" : "s");
	ok = write_results(job, rows, order, job->nsets) &&
	    best_outputs(job, ic, &rows[order[0]].st);
	if (ok && job->save) {
		ok = tsm_save_optimization(job->conn, &job->info,
		    job->st.def->name, job->grid_text, job->cons_text,
		    tsm_metric_key(job->metric), job->metric, job->nsets, rows,
		    order, job->nsets, ic->c, NULL, &id);
		if (ok)
			note_saved("optimization run", id, job->nsets,
			    "parameter set");
	}
	tsm_opt_rows_free(rows, job->nsets);
	free(order);
	return ok;
}

/* Writes the walk-forward windows, then the stitched test result. */
static bool
write_windows(const struct tsm_bt_job *job, const struct tsm_candles *c,
    const struct tsm_wf_result *wf)
{
	char train[48], testm[48];
	const char *names[10] = { "window", "train_from", "train_to",
		"test_from", "test_to", "params", train, "test_trades",
		"test_return_pct", testm };
	static const enum tsm_coltype types[10] = { TSM_COL_TEXT,
		TSM_COL_TEXT, TSM_COL_TEXT, TSM_COL_TEXT, TSM_COL_TEXT,
		TSM_COL_TEXT, TSM_COL_NUMBER, TSM_COL_NUMBER, TSM_COL_NUMBER,
		TSM_COL_NUMBER };
	struct tsm_writer *w;
	bool ok = true;

	snprintf(train, sizeof(train), "train_%s", tsm_metric_key(job->metric));
	snprintf(testm, sizeof(testm), "test_%s", tsm_metric_key(job->metric));
	if ((w = tsm_writer_new(stdout, job->format, job->header, 10, names,
	    types)) == NULL)
		return false;
	for (size_t k = 0; ok && k <= wf->n; k++) {
		const struct tsm_wf_window *x = k < wf->n ? &wf->w[k] : NULL;
		const struct tsm_metrics *m = x ? &x->test : &wf->m;
		char b[10][160];
		const char *v[10];

		for (int j = 0; j < 10; j++)
			v[j] = b[j];
		if (x) {
			snprintf(b[0], 160, "%zu", k + 1);
			tsm_format_time(c->time[x->train_from], b[1]);
			tsm_format_time(c->time[x->train_to - 1], b[2]);
			tsm_format_time(c->time[x->test_from], b[3]);
			tsm_format_time(c->time[x->test_to - 1], b[4]);
			/* Spaces, not commas: one CSV field, unquoted. */
			tsm_strategy_format(&x->best, b[5], 160);
			for (char *q = b[5]; *q; q++)
				if (*q == ',')
					*q = ' ';
			tsm_format_double(x->train_score, b[6]);
			snprintf(b[7], 160, "%zu", x->test_trades);
		} else {
			snprintf(b[0], 160, "all");
			v[1] = v[2] = v[5] = v[6] = NULL;
			tsm_format_time(c->time[wf->from], b[3]);
			tsm_format_time(c->time[wf->to - 1], b[4]);
			tsm_format_double(wf->m.trades, b[7]);
		}
		tsm_format_double(m->return_pct, b[8]);
		tsm_metric_format(m, job->metric, b[9], 160);
		if (x && !x->ok)
			v[5] = v[6] = v[7] = v[8] = v[9] = NULL;
		ok = tsm_writer_row(w, v, NULL);
	}
	return tsm_writer_end(w) && ok;
}

/* Walks forward; the stitched test windows get the files. */
static bool
walk(struct tsm_bt_job *job, struct tsm_indcache *ic)
{
	const struct tsm_candles *c = ic->c;
	struct tsm_wf_result wf;
	struct tsm_run_opts o;
	struct sinks k;
	size_t *order = NULL;
	char title[160], ret[TSM_NUM_BUFSZ];
	long long id;
	bool ok;

	memset(&o, 0, sizeof(o));
	o.settings = &job->s;
	o.to = c->n;
	o.annual_days = job->annual_days;
	memset(&wf, 0, sizeof(wf));
	/* The chart covers the test windows: known once they are laid
	 * out, so it is drawn from a second pass below. */
	ok = tsm_walk_forward(ic, &o, job->sets, job->nsets, job->jobs,
	    job->metric, &job->train, &job->test, &wf);
	if (ok) {
		tsm_format_double(wf.m.return_pct, ret);
		tsm_info("%zu walk-forward window%s; out of sample: %.0f "
		    "trade%s, return %s%%", wf.n, wf.n == 1 ? "" : "s",
		    wf.m.trades, wf.m.trades == 1 ? "" : "s", ret);
		ok = write_windows(job, c, &wf);
	}
	if (ok && (job->equity_path || job->plot_path || job->trades_path)) {
		struct tsm_metrics_in mi;
		struct tsm_metrics m;

		snprintf(title, sizeof(title), "%s walk-forward %s, out of "
		    "sample", job->st.def->name, job->walk_text);
		ok = sinks_open(job, c, wf.from, wf.to, &k, &o);
		memset(&mi, 0, sizeof(mi));
		mi.c = c;
		mi.from = wf.from;
		mi.to = wf.to;
		mi.r = &wf.trades;
		mi.cash = job->s.cash;
		mi.buy_hold_bar = wf.from;
		mi.annual_days = job->annual_days;
		mi.equity_fn = o.equity_fn;
		mi.equity_arg = o.equity_arg;
		ok = ok && tsm_metrics_compute(&mi, &m);
		ok = sinks_close(job, &k, c, title, &wf.trades, &m, ok);
	}
	if (ok && job->save) {
		if ((order = malloc(sizeof(size_t))) == NULL) {
			tsm_error("out of memory");
			ok = false;
		}
		ok = ok && tsm_save_optimization(job->conn, &job->info,
		    job->st.def->name, job->grid_text ? job->grid_text : "",
		    job->cons_text, tsm_metric_key(job->metric), job->metric,
		    job->nsets, NULL, order, 0, c, &wf, &id);
		if (ok)
			note_saved("walk-forward run", id, wf.n, "window");
	}
	free(order);
	tsm_wf_result_free(&wf);
	return ok;
}

bool
tsm_bt_job_run(struct tsm_bt_job *job, const struct tsm_candles *c)
{
	struct tsm_indcache ic;
	bool ok;

	if (!job->has_grid && !job->walk)
		return single(job, c);
	tsm_indcache_init(&ic, c);
	ic.budget = GRID_BUDGET;
	ok = tsm_indcache_market(&ic) &&
	    (job->walk ? walk(job, &ic) : grid(job, &ic));
	tsm_indcache_free(&ic);
	return ok;
}
