/*
 * query_market.c: the subcommands over candles: ohlcv, gaps, stats,
 * change, range, volume-profile, summary and symbols.  Those that read
 * bars of an interval route it (route.h) and run a named query over the
 * routed bars.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "query.h"
#include "route.h"
#include "sqlscript.h"
#include "timeframe.h"

#define USECS_PER_HOUR	(INT64_C(3600) * 1000000)

/* Appends the parameters of extra after those in p. */
static void
append_params(struct tsm_params *p, const struct tsm_params *extra)
{
	for (int i = 0; extra && i < extra->n && p->n < TSM_Q_MAXPARAMS; i++) {
		p->types[p->n] = extra->types[i];
		p->values[p->n] = extra->values[i];
		p->n++;
	}
}

/*
 * Runs the named query over the route's bars, streaming its rows to the
 * answer; extra holds its parameters from $6 on.
 */
static bool
stream_over_bars(struct tsm_qctx *q, const struct tsm_instrument *in,
    const struct tsm_route *r, const char *file,
    const struct tsm_sql_var *vars, int nvars, const struct tsm_params *extra)
{
	char *bars = tsm_route_sql(q, r), *sql = NULL;
	struct tsm_params p;
	long long n = -1;

	if (bars != NULL)
		sql = tsm_q_sql_over_bars(q, bars, file, vars, nvars);
	if (sql != NULL) {
		tsm_params_init(&p);
		tsm_route_params(r, in, &p);
		append_params(&p, extra);
		n = tsm_q_stream(q, sql, &p);
	}
	free(bars);
	free(sql);
	return n >= 0;
}

/* The one instrument that the first operand names. */
static bool
one_instrument(struct tsm_qctx *q, const struct tsm_qargs *a,
    struct tsm_instrument *in)
{
	struct tsm_instrument *v;
	int n;

	if (!tsm_q_instruments(q, a->args, 1, NULL, &a->filter, &v, &n))
		return false;
	*in = v[0];
	free(v);
	return true;
}

/*
 * The instruments the operands and --watchlist name; with neither, every
 * instrument (active ones only when --active).
 */
static bool
some_instruments(struct tsm_qctx *q, const struct tsm_qargs *a,
    struct tsm_instrument **v, int *n)
{
	return tsm_q_instruments(q, a->args, a->nargs, a->watchlist, &a->filter,
	    v, n);
}

/* Adds --limit as a parameter: a number, or NULL for none. */
static void
param_limit(struct tsm_params *p, long long limit)
{
	if (limit >= 0)
		tsm_param_int(p, limit);
	else
		tsm_param_raw(p, TSM_OID_INT8, NULL);
}

/* --source, as the router takes it. */
static enum tsm_source
want_of(const struct tsm_qargs *a)
{
	return (enum tsm_source)a->source;
}

bool
tsm_q_ohlcv(struct tsm_qctx *q, struct tsm_qargs *a)
{
	struct tsm_instrument in;
	struct tsm_route r;
	struct tsm_params extra;
	/* Without --from, --limit keeps the latest bars. */
	struct tsm_sql_var v = { "last", a->limit >= 0 &&
	    a->from == INT64_MIN ? "true" : "false" };

	long long bars;
	int fetch = q->fetch_size;
	bool ok;

	if (!one_instrument(q, a, &in) ||
	    !tsm_route(q, &in, &a->tf, a->from, a->to, want_of(a), &r))
		return false;
	tsm_params_init(&extra);
	param_limit(&extra, a->limit);
	/*
	 * The route knows the most bars there can be (the months of 1M
	 * bars are few).  A short answer (a year of hours) comes in one
	 * result: a result for each row in single-row mode costs the client
	 * more than the rows, and the server waits for it.  A long one (a
	 * year of minutes) comes a thousand rows to a FETCH through a cursor,
	 * the FETCHes pipelined, so that memory stays flat.
	 */
	bars = r.first <= r.last && r.tf.usecs > 0 ?
	    (r.last - r.first) / r.tf.usecs + 1 : 0;
	if (a->limit >= 0 && bars > a->limit)
		bars = a->limit;
	if (fetch == 0)
		q->fetch_size = bars > TSM_Q_WHOLE_ROWS ? TSM_Q_FETCH_ROWS :
		    -1;
	ok = stream_over_bars(q, &in, &r, "query_ohlcv.sql", &v, 1, &extra);
	q->fetch_size = fetch;
	return ok;
}

/* Now, from the clock of this machine, in microseconds. */
static int64_t
now_usecs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

bool
tsm_q_gaps(struct tsm_qctx *q, struct tsm_qargs *a)
{
	struct tsm_instrument in;
	struct tsm_route r;
	struct tsm_params extra;
	struct tsm_sql_var v = { "months", a->tf.months ? "true" : "false" };

	if (!one_instrument(q, a, &in) ||
	    !tsm_route(q, &in, &a->tf, a->from, a->to, want_of(a), &r))
		return false;
	tsm_params_init(&extra);
	/* The range asked for bounds the gaps at either end. */
	if (a->from != INT64_MIN)
		tsm_param_time(&extra, r.lo);
	else
		tsm_param_raw(&extra, TSM_OID_TIMESTAMPTZ, NULL);
	if (a->to != INT64_MAX) {
		/* Up to the last bucket that is over, not into the future. */
		int64_t now = tsm_timeframe_floor(&r.tf, now_usecs());

		tsm_param_time(&extra, r.hi < now ? r.hi : now);
	} else {
		tsm_param_raw(&extra, TSM_OID_TIMESTAMPTZ, NULL);
	}
	param_limit(&extra, a->limit);
	return stream_over_bars(q, &in, &r, "query_gaps.sql", &v, 1, &extra);
}

bool
tsm_q_stats(struct tsm_qctx *q, struct tsm_qargs *a)
{
	struct tsm_instrument *v;
	int n;
	bool ok = true;

	if (!some_instruments(q, a, &v, &n))
		return false;
	for (int i = 0; ok && i < n; i++) {
		struct tsm_route r;
		struct tsm_params extra;

		ok = tsm_route(q, &v[i], a->have_tf ? &a->tf : NULL, a->from,
		    a->to, want_of(a), &r);
		if (!ok)
			break;
		tsm_params_init(&extra);
		tsm_param_text(&extra, v[i].exchange);
		tsm_param_text(&extra, v[i].symbol);
		tsm_param_text(&extra, r.tf.code);
		ok = stream_over_bars(q, &v[i], &r, "query_stats.sql", NULL, 0,
		    &extra);
	}
	free(v);
	return ok;
}

/*
 * Narrows a route to the last `hours` hours of its bars, ending with the
 * close of its last bar.
 */
static void
last_hours(struct tsm_route *r, long long hours)
{
	int64_t end, start;

	if (r->first > r->last)
		return;
	end = tsm_bucket_next(&r->tf, r->last);
	start = end - (int64_t)hours * USECS_PER_HOUR;
	start = tsm_bucket_ceil(&r->tf, start);
	if (start > r->lo)
		r->lo = start;
	if (end < r->hi)
		r->hi = end;
}

/*
 * change, range and volume-profile: for each instrument named, the bars
 * of the interval (the finest by default) over --from/--to, or the last
 * --hours of them (hours > 0), through the named query.
 */
static bool
window_query(struct tsm_qctx *q, struct tsm_qargs *a, const char *file,
    long long hours, bool names)
{
	struct tsm_instrument *v;
	int n;
	bool ok = true;

	if (!some_instruments(q, a, &v, &n))
		return false;
	for (int i = 0; ok && i < n; i++) {
		struct tsm_route r;
		struct tsm_params extra;

		ok = tsm_route(q, &v[i], a->have_tf ? &a->tf : NULL, a->from,
		    a->to, want_of(a), &r);
		if (!ok)
			break;
		if (hours > 0)
			last_hours(&r, hours);
		tsm_params_init(&extra);
		if (names) {
			tsm_param_text(&extra, v[i].exchange);
			tsm_param_text(&extra, v[i].symbol);
		} else {
			tsm_param_int(&extra, a->buckets);
		}
		ok = stream_over_bars(q, &v[i], &r, file, NULL, 0, &extra);
	}
	free(v);
	return ok;
}

bool
tsm_q_change(struct tsm_qctx *q, struct tsm_qargs *a)
{
	return window_query(q, a, "query_change.sql",
	    a->hours > 0 ? a->hours : 24, true);
}

bool
tsm_q_range(struct tsm_qctx *q, struct tsm_qargs *a)
{
	return window_query(q, a, "query_range.sql", a->hours, true);
}

bool
tsm_q_volume_profile(struct tsm_qctx *q, struct tsm_qargs *a)
{
	return window_query(q, a, "query_volume_profile.sql", a->hours, false);
}

/* The ids of the instruments named, or NULL for all of them. */
static bool
named_ids(struct tsm_qctx *q, const struct tsm_qargs *a, char **ids)
{
	struct tsm_instrument *v;
	int n;

	*ids = NULL;
	if (a->nargs == 0 && a->watchlist == NULL)
		return true;
	if (!some_instruments(q, a, &v, &n))
		return false;
	*ids = tsm_q_id_array(v, n);
	free(v);
	if (*ids == NULL) {
		tsm_error("out of memory");
		return false;
	}
	return true;
}

bool
tsm_q_summary(struct tsm_qctx *q, struct tsm_qargs *a)
{
	char *ids, *sql;
	struct tsm_params p;
	long long n = -1;

	if (!named_ids(q, a, &ids))
		return false;
	sql = tsm_q_sql(q, "query_summary.sql", NULL, 0);
	if (sql != NULL) {
		tsm_params_init(&p);
		tsm_param_raw(&p, TSM_OID_INT4ARRAY, ids);
		n = tsm_q_stream(q, sql, &p);
	}
	free(sql);
	free(ids);
	return n >= 0;
}

bool
tsm_q_symbols(struct tsm_qctx *q, struct tsm_qargs *a)
{
	char *ids, *sql;
	struct tsm_params p;
	long long n = -1;

	if (!named_ids(q, a, &ids))
		return false;
	sql = tsm_q_sql(q, "query_symbols.sql", NULL, 0);
	if (sql != NULL) {
		tsm_params_init(&p);
		tsm_param_text(&p, a->filter.exchange);
		tsm_param_text(&p, a->filter.kind);
		tsm_param_bool(&p, a->filter.active);
		tsm_param_raw(&p, TSM_OID_INT4ARRAY, ids);
		param_limit(&p, a->limit);
		n = tsm_q_stream(q, sql, &p);
	}
	free(sql);
	free(ids);
	return n >= 0;
}
