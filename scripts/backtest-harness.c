/*
 * backtest-harness.c: what scripts/bench-backtest measures inside one
 * process, linked with build/libtsm.a.
 *
 *   backtest-harness parse FILE     read and parse the CSV with lib/ only:
 *                                   records, times, five numbers a row
 *   backtest-harness read FILE      tsm_candles_read (parse, check, keep)
 *   backtest-harness core FILE N    the phases of a run of sma-cross 10/20
 *                                   (and one with stops), N times each:
 *                                   CPU nanoseconds per bar, median
 *   backtest-harness sim FILE N     only tsm_bt_run, N times (for
 *                                   callgrind --toggle-collect)
 *
 * Prints "name value" lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backtest.h"
#include "btrun.h"
#include "candles.h"
#include "csvin.h"
#include "input.h"
#include "metrics.h"
#include "num.h"
#include "strategy.h"
#include "timeparse.h"

/*
 * The CPU time of this thread: on a shared machine, the time it ran, not
 * the time it waited for a core.
 */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The baseline: every record, its time and five numbers parsed. */
static int
parse_only(const char *path)
{
	struct tsm_input *in = tsm_input_open(path);
	struct tsm_csv_reader *r;
	struct tsm_record *rec;
	double sum = 0, v;
	long rows = 0;
	const char *why;
	int k;

	if (in == NULL || (r = tsm_csv_open(in, false, 0)) == NULL)
		return 1;
	while ((k = tsm_csv_next_record(r, &rec)) > 0) {
		int64_t t;

		if (rows++ == 0)
			continue;	/* the header */
		if (!tsm_parse_time(rec->fields[0].s, rec->fields[0].len, NULL,
		    &t, &why))
			return 1;
		for (int j = 1; j < 6 && j < rec->nfields; j++) {
			if (!tsm_parse_double(rec->fields[j].s,
			    rec->fields[j].len, &v, &why))
				return 1;
			sum += v;
		}
		sum += (double)t;
	}
	tsm_csv_close(r);
	tsm_input_close(in);
	printf("rows %ld\nchecksum %g\n", rows - 1, sum);
	return k < 0;
}

static bool
load(const char *path, struct tsm_candles *c)
{
	struct tsm_input *in = tsm_input_open(path);
	struct tsm_candle_read_opts o;
	bool ok;

	memset(&o, 0, sizeof(o));
	memset(c, 0, sizeof(*c));
	if (in == NULL)
		return false;
	ok = tsm_candles_read(in, &o, c);
	tsm_input_close(in);
	return ok;
}

/* Times the phases of one run of st over c, n times each. */
static void
phases(const char *name, const struct tsm_candles *c,
    const struct tsm_strategy *st, const struct tsm_bt_settings *s, int n)
{
	struct tsm_indcache ic;
	struct tsm_ind_spec specs[TSM_STRAT_MAXIND];
	double *const *ind[TSM_STRAT_MAXIND];
	int nind = tsm_strategy_indicators(st, specs);
	size_t start = tsm_strategy_warmup(st) + 1;
	int8_t *sig = calloc(c->n, 1);
	struct tsm_bt_result r;
	struct tsm_metrics m;
	struct tsm_metrics_in mi;
	double *ti = malloc(sizeof(double) * (size_t)n);
	double *ts = malloc(sizeof(double) * (size_t)n);
	double *tb = malloc(sizeof(double) * (size_t)n);
	double *tm = malloc(sizeof(double) * (size_t)n);
	double per = 1e9 / (double)c->n;

	memset(&r, 0, sizeof(r));
	for (int k = 0; k < n; k++) {
		double t0 = now(), t1, t2, t3;

		tsm_indcache_init(&ic, c);
		tsm_indcache_get(&ic, specs, nind, ind);
		t1 = now();
		tsm_strategy_signals(st, c, ind, 0, start, c->n, sig);
		t2 = now();
		tsm_bt_run(c, 0, c->n, start, sig, s, &r);
		t3 = now();
		memset(&mi, 0, sizeof(mi));
		mi.c = c;
		mi.to = c->n;
		mi.r = &r;
		mi.cash = s->cash;
		mi.buy_hold_bar = start - 1;
		tsm_metrics_compute(&mi, &m);
		tm[k] = (now() - t3) * per;
		ti[k] = (t1 - t0) * per;
		ts[k] = (t2 - t1) * per;
		tb[k] = (t3 - t2) * per;
		tsm_indcache_free(&ic);
	}
	printf("%s_trades %zu\n", name, r.nclosed);
	printf("%s_indicators_ns_per_bar %.2f\n", name, median(ti, n));
	printf("%s_signals_ns_per_bar %.2f\n", name, median(ts, n));
	printf("%s_simulation_ns_per_bar %.2f\n", name, median(tb, n));
	printf("%s_metrics_ns_per_bar %.2f\n", name, median(tm, n));
	free(sig);
	free(ti);
	free(ts);
	free(tb);
	free(tm);
	tsm_bt_result_free(&r);
}

int
main(int argc, char **argv)
{
	struct tsm_candles c;
	struct tsm_strategy st;
	struct tsm_bt_settings s;
	int n = argc > 3 ? atoi(argv[3]) : 5;

	if (argc < 3) {
		fprintf(stderr, "usage: backtest-harness parse|read|core|sim "
		    "FILE [N]\n");
		return 2;
	}
	if (strcmp(argv[1], "parse") == 0)
		return parse_only(argv[2]);
	if (!load(argv[2], &c))
		return 1;
	if (strcmp(argv[1], "read") == 0) {
		printf("rows %zu\n", c.n);
		return 0;
	}
	tsm_strategy_init(&st, tsm_strategy_find("sma-cross"));
	tsm_bt_defaults(&s);
	s.cash = 1e9;
	s.commission = 0.001;
	if (strcmp(argv[1], "sim") == 0) {
		struct tsm_ind_spec specs[2];
		double *const *ind[2];
		struct tsm_indcache ic;
		struct tsm_bt_result r;
		int8_t *sig = calloc(c.n, 1);

		memset(&r, 0, sizeof(r));
		tsm_indcache_init(&ic, &c);
		tsm_strategy_indicators(&st, specs);
		tsm_indcache_get(&ic, specs, 2, ind);
		tsm_strategy_signals(&st, &c, ind, 0, 20, c.n, sig);
		for (int k = 0; k < n; k++)
			tsm_bt_run(&c, 0, c.n, 20, sig, &s, &r);
		printf("bars %zu\ntrades %zu\n", c.n, r.nclosed);
		return 0;
	}
	phases("sma_cross", &c, &st, &s, n);
	s.stop_loss = 0.01;
	s.take_profit = 0.02;
	s.trailing = 0.005;
	phases("with_stops", &c, &st, &s, n);
	tsm_candles_free(&c);
	return 0;
}
