/*
 * btrun.c: indicators shared across runs, and one run end to end.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "btrun.h"
#include "log.h"

/* Bars per block when a run computes its indicators as it goes. */
#define BLOCK 4096

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

static size_t
entry_bytes(const struct tsm_indcache *ic, const struct tsm_ind_spec *s)
{
	return (size_t)s->nout * (ic->c->n ? ic->c->n : 1) * sizeof(double);
}

static void
drop(struct tsm_indcache *ic, size_t i)
{
	ic->bytes -= entry_bytes(ic, &ic->e[i].spec);
	for (int k = 0; k < 3; k++)
		free(ic->e[i].out[k]);
	ic->e[i] = ic->e[--ic->n];
}

/* Drops the least recently used arrays not among specs until need
 * more bytes fit. */
static void
make_room(struct tsm_indcache *ic, size_t need,
    const struct tsm_ind_spec *specs, int n)
{
	while (ic->budget && ic->bytes + need > ic->budget) {
		size_t victim = SIZE_MAX;

		for (size_t i = 0; i < ic->n; i++) {
			bool wanted = false;

			for (int k = 0; k < n; k++)
				wanted |= same_spec(&ic->e[i].spec, &specs[k]);
			if (!wanted && (victim == SIZE_MAX ||
			    ic->e[i].used < ic->e[victim].used))
				victim = i;
		}
		if (victim == SIZE_MAX)
			return;
		drop(ic, victim);
	}
}

/* Computes spec's arrays into a new entry; false after reporting. */
static bool
compute(struct tsm_indcache *ic, const struct tsm_ind_spec *spec)
{
	const struct tsm_candles *c = ic->c;
	struct tsm_indcache_entry *e;

	if (ic->n == ic->cap) {
		size_t cap = ic->cap ? ic->cap * 2 : 8;
		struct tsm_indcache_entry *p = realloc(ic->e, cap * sizeof(*p));

		if (p == NULL) {
			tsm_error("out of memory for indicators");
			return false;
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
			return false;
		}
	}
	if (!tsm_ind_series(spec, c->time, c->open, c->high, c->low,
	    c->close, NULL, c->n, e->out)) {
		for (int k = 0; k < spec->nout; k++)
			free(e->out[k]);
		return false;
	}
	ic->n++;
	ic->bytes += entry_bytes(ic, spec);
	ic->computed++;
	return true;
}

bool
tsm_indcache_get(struct tsm_indcache *ic, const struct tsm_ind_spec *specs,
    int n, double *const **out)
{
	for (int k = 0; k < n; k++) {
		size_t i;

		for (i = 0; i < ic->n; i++)
			if (same_spec(&ic->e[i].spec, &specs[k]))
				break;
		if (i == ic->n) {
			make_room(ic, entry_bytes(ic, &specs[k]), specs, n);
			if (!compute(ic, &specs[k]))
				return false;
			i = ic->n - 1;
		}
		ic->e[i].used = ++ic->clock;
	}
	/* Pointers last: making room moves entries. */
	for (int k = 0; k < n; k++)
		for (size_t i = 0; i < ic->n; i++)
			if (same_spec(&ic->e[i].spec, &specs[k]))
				out[k] = ic->e[i].out;
	return true;
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

/*
 * Signals for [start, to) with the indicators computed a block at a
 * time: each block's arrays start one bar early, for the crossings.
 */
static bool
stream_signals(const struct tsm_candles *c, const struct tsm_strategy *st,
    const struct tsm_ind_spec *specs, int nind, size_t start, size_t to,
    int8_t *sig)
{
	struct tsm_ind *ind[TSM_STRAT_MAXIND] = { NULL };
	double *buf = calloc((size_t)nind * 3 * (BLOCK + 1), sizeof(double));
	double *arr[TSM_STRAT_MAXIND][3], *first[TSM_STRAT_MAXIND][3];
	double *const *ptr[TSM_STRAT_MAXIND];
	bool ok = buf != NULL;

	for (int k = 0; k < nind && ok; k++) {
		ok = (ind[k] = tsm_ind_new(&specs[k])) != NULL;
		for (int j = 0; j < 3; j++) {
			arr[k][j] = buf + ((size_t)k * 3 + j) * (BLOCK + 1);
			first[k][j] = arr[k][j] + 1;
		}
	}
	if (!ok) {
		tsm_error("out of memory for indicators");
		goto out;
	}
	for (size_t lo = 0; lo < to; lo += BLOCK) {
		size_t hi = lo + BLOCK < to ? lo + BLOCK : to;

		for (int k = 0; k < nind; k++) {
			/* The last bar of the block before comes first. */
			for (int j = 0; j < 3; j++)
				arr[k][j][0] = arr[k][j][BLOCK];
			for (size_t i = lo; i < hi; i++) {
				struct tsm_bar b = { c->time[i], c->open[i],
					c->high[i], c->low[i], c->close[i], 0 };
				double row[3];

				tsm_ind_update(ind[k], &b, row);
				for (int j = 0; j < specs[k].nout; j++)
					arr[k][j][i - lo + 1] = row[j];
			}
		}
		/* Bar i is at [i - lo + 1]: the first block has no bar
		 * before it, so its arrays are taken from [1]. */
		for (int k = 0; k < nind; k++)
			ptr[k] = lo == 0 ? first[k] : arr[k];
		if (hi > start)
			tsm_strategy_signals(st, c, ptr, lo == 0 ? 0 : lo - 1,
			    start > lo ? start : lo, hi, sig);
	}
out:
	for (int k = 0; k < nind; k++)
		tsm_ind_free(ind[k]);
	free(buf);
	return ok;
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

	if (start < o->to) {
		if (ic->stream) {
			if (!stream_signals(ic->c, st, specs, nind, start,
			    o->to, sig))
				return false;
		} else {
			if (!tsm_indcache_get(ic, specs, nind, ind))
				return false;
			tsm_strategy_signals(st, ic->c, ind, 0, start, o->to,
			    sig);
		}
	}
	if (o->no_last_signal && start < o->to)
		sig[o->to - 1] = 0;
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
