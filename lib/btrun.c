/*
 * btrun.c: indicators shared across runs, and one run end to end.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "btrun.h"
#include "log.h"

void
tsm_indcache_init(struct tsm_indcache *ic, const struct tsm_candles *c)
{
	memset(ic, 0, sizeof(*ic));
	ic->c = c;
}

/* Two specs name the same arrays when their canonical outputs match. */
static bool
same_spec(const struct tsm_ind_spec *a, const struct tsm_ind_spec *b)
{
	return a->kind == b->kind && strcmp(a->out[0], b->out[0]) == 0;
}

double *const *
tsm_indcache_get(struct tsm_indcache *ic, const struct tsm_ind_spec *spec)
{
	const struct tsm_candles *c = ic->c;
	struct tsm_indcache_entry *e;

	for (size_t i = 0; i < ic->n; i++)
		if (same_spec(&ic->e[i].spec, spec))
			return ic->e[i].out;
	if (ic->n == ic->cap) {
		size_t cap = ic->cap ? ic->cap * 2 : 8;
		struct tsm_indcache_entry *p = realloc(ic->e, cap * sizeof(*p));

		if (p == NULL) {
			tsm_error("out of memory for indicators");
			return NULL;
		}
		ic->e = p;
		ic->cap = cap;
	}
	e = &ic->e[ic->n];
	memset(e, 0, sizeof(*e));
	e->spec = *spec;
	for (int k = 0; k < spec->nout; k++) {
		e->out[k] = malloc((c->n ? c->n : 1) * sizeof(double));
		if (e->out[k] == NULL) {
			for (int j = 0; j < k; j++)
				free(e->out[j]);
			tsm_error("out of memory for indicator %s", spec->out[k]);
			return NULL;
		}
	}
	if (!tsm_ind_series(spec, c->time, c->open, c->high, c->low,
	    c->close, NULL, c->n, e->out)) {
		for (int k = 0; k < spec->nout; k++)
			free(e->out[k]);
		return NULL;
	}
	ic->n++;
	return e->out;
}

bool
tsm_indcache_market(struct tsm_indcache *ic)
{
	const struct tsm_candles *c = ic->c;

	if (ic->market_logret != NULL)
		return true;
	ic->market_logret = malloc((c->n ? c->n : 1) * sizeof(double));
	if (ic->market_logret == NULL) {
		tsm_error("out of memory");
		return false;
	}
	ic->market_logret[0] = NAN;
	for (size_t i = 1; i < c->n; i++)
		ic->market_logret[i] = log(c->close[i] / c->close[i - 1]);
	return true;
}

void
tsm_indcache_free(struct tsm_indcache *ic)
{
	for (size_t i = 0; i < ic->n; i++)
		for (int k = 0; k < 3; k++)
			free(ic->e[i].out[k]);
	free(ic->e);
	free(ic->market_logret);
	memset(ic, 0, sizeof(*ic));
}

bool
tsm_run(struct tsm_indcache *ic, const struct tsm_strategy *st,
    const struct tsm_run_opts *o, int8_t *sig, struct tsm_bt_result *r,
    struct tsm_metrics *m)
{
	struct tsm_ind_spec specs[TSM_STRAT_MAXIND];
	double *const *ind[TSM_STRAT_MAXIND];
	int nind = tsm_strategy_indicators(st, specs);
	size_t warm = tsm_strategy_warmup(st);
	size_t start = warm + 1 > o->from ? warm + 1 : o->from;
	size_t bh = warm > o->from ? warm : o->from;
	struct tsm_metrics_in mi;

	for (int k = 0; k < nind; k++)
		if ((ind[k] = tsm_indcache_get(ic, &specs[k])) == NULL)
			return false;
	if (start < o->to)
		tsm_strategy_signals(st, ic->c, ind, start, o->to, sig);
	if (!tsm_bt_run(ic->c, o->from, o->to, start, sig, o->settings, r))
		return false;
	if (bh >= o->to)
		bh = o->to - 1;
	memset(&mi, 0, sizeof(mi));
	mi.c = ic->c;
	mi.from = o->from;
	mi.to = o->to;
	mi.r = r;
	mi.cash = o->settings->cash;
	mi.buy_hold_bar = bh;
	mi.annual_days = o->annual_days;
	mi.market_logret = ic->market_logret;
	mi.equity_fn = o->equity_fn;
	mi.equity_arg = o->equity_arg;
	return tsm_metrics_compute(&mi, m);
}
