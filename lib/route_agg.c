/*
 * route_agg.c: the aggregates of the catalog as a source of bars: which
 * one answers an interval, whether it can be trusted, and the fast way to
 * it that plans only the partitions at its edges.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "route_int.h"
#include "sqlscript.h"
#include "timeframe.h"
#include "timeparse.h"

/* Now, from this machine's clock, in microseconds. */
static int64_t
now_usecs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * On plain PostgreSQL, every write to a rollup's source is logged until
 * it is refreshed into the rollup (003_invalidations.sql): a logged
 * write in the range means that the rollup cannot be trusted there, and
 * the bars are aggregated on the fly (a reader cannot refresh it).
 */
static void
untrusted(struct tsm_qctx *q, struct aggdef *a, const char *lo,
    const char *hi)
{
	char x[TSM_TIME_BUFSZ], y[TSM_TIME_BUFSZ];
	int64_t wlo = 0, whi = 0;

	a->untrusted = true;
	(void)tsm_q_time_value(lo, &wlo);
	(void)tsm_q_time_value(hi, &whi);
	tsm_q_explain(q, "rollup %s: writes from %s to %s are not refreshed "
	    "into it yet (tsm.refresh_invalidated('%s') does it), so it is not "
	    "used", a->name, tsm_route_show_time(wlo, x),
	    tsm_route_show_time(whi, y), a->ticks ? "ticks" : "candles");
}

/*
 * Finds the aggregate of the catalog that answers tf; false when there
 * is none (or a query failed: *err).  The catalog's candle aggregates
 * read 1m candles (filter "timeframe = '1m'") or ticks; any other is not
 * one tsm-query knows how to check, and is left aside.  On plain
 * PostgreSQL it is marked untrusted where writes in [lo, hi) wait for a
 * refresh into it.
 */
bool
tsm_route_find_aggregate(struct tsm_qctx *q, const struct tsm_timeframe *tf,
    int64_t lo, int64_t hi, struct aggdef *a, bool *err)
{
	char *sql = tsm_q_sql(q, "query_aggregates.sql", NULL, 0);
	struct tsm_params p;
	char codes[96];
	PGresult *res = NULL;
	bool found = false;

	tsm_timeframe_codes(tf, codes, sizeof(codes));
	tsm_params_init(&p);
	tsm_param_raw(&p, TSM_OID_TEXTARRAY, codes);
	tsm_param_time(&p, lo);
	tsm_param_time(&p, hi);
	if (sql != NULL)
		res = tsm_q_exec(q, sql, &p);
	free(sql);
	if (res == NULL) {
		*err = true;
		return false;
	}
	for (int r = 0; r < PQntuples(res) && !found; r++) {
		const char *name = PQgetvalue(res, r, 0);
		const char *source = PQgetvalue(res, r, 1);
		struct tsm_timeframe atf;
		const char *why;

		if (!tsm_parse_timeframe(PQgetvalue(res, r, 3), &atf, &why) ||
		    !tsm_timeframe_same(&atf, tf))
			continue;
		if (strcmp(PQgetvalue(res, r, 4), "t") != 0) {
			tsm_q_explain(q, "aggregate %s: listed in the catalog "
			    "but not in the schema", name);
			continue;
		}
		memset(a, 0, sizeof(*a));
		if (strcmp(source, "ticks") == 0 && PQgetisnull(res, r, 2))
			a->ticks = true;
		else if (strcmp(source, "candles") != 0 ||
		    strcmp(PQgetvalue(res, r, 2), "timeframe = '1m'") != 0) {
			tsm_q_explain(q, "aggregate %s: made from %s where %s, "
			    "which tsm-query does not route to", name, source,
			    PQgetvalue(res, r, 2));
			continue;
		}
		snprintf(a->name, sizeof(a->name), "%s", name);
		a->matonly = strcmp(PQgetvalue(res, r, 5), "t") == 0;
		found = true;
		if (PQnfields(res) > 7 && !PQgetisnull(res, r, 6))
			untrusted(q, a, PQgetvalue(res, r, 6),
			    PQgetvalue(res, r, 7));
	}
	PQclear(res);
	return found;
}

/* "aggregate candles_1h (rollup table of 1m candles)", for --explain. */
static void
aggregate_label(const struct tsm_qctx *q, const struct aggdef *a, char *buf,
    size_t n)
{
	snprintf(buf, n, "aggregate %s (%s of %s)", a->name,
	    q->backend == TSM_BACKEND_TIMESCALEDB ? "continuous aggregate" :
	    "rollup table", a->ticks ? "ticks" : "1m candles");
}

/*
 * The first and last bucket that the aggregate holds for the instrument
 * in [lo, hi); false when it holds none (or a query failed: *err).
 */
static bool
aggregate_span(struct tsm_qctx *q, const struct tsm_instrument *in,
    const struct aggdef *a, int64_t lo, int64_t hi, int64_t *first,
    int64_t *last, bool *err)
{
	struct tsm_sql_var v = { "aggregate", a->name };
	struct tsm_params p;
	char *sql = tsm_q_sql(q, "query_aggregate_span.sql", &v, 1);
	PGresult *res;
	bool has;

	if (sql == NULL) {
		*err = true;
		return false;
	}
	tsm_params_init(&p);
	tsm_param_int(&p, in->id);
	tsm_param_time(&p, lo);
	tsm_param_time(&p, hi);
	res = tsm_q_exec(q, sql, &p);
	free(sql);
	if (res == NULL) {
		*err = true;
		return false;
	}
	has = !PQgetisnull(res, 0, 0) &&
	    tsm_q_time_value(PQgetvalue(res, 0, 0), first) &&
	    tsm_q_time_value(PQgetvalue(res, 0, 1), last);
	PQclear(res);
	return has;
}

/*
 * The fast way to the aggregate.  Planning a statement over every
 * partition of candles costs a fresh connection tens of milliseconds,
 * more than reading a year of hourly bars; so the aggregate's own span
 * comes first (one index probe), then probes bounded in time at its
 * edges: if the instrument holds nothing outside that span, the aggregate
 * covers all there is, and only candles stored at the interval in both
 * its first and last bucket come before it.  Returns 1 when the route is
 * chosen, 0 when the edges hold more (the caller looks at every source),
 * -1 after reporting an error.
 */
int
tsm_route_fast_route(struct tsm_qctx *q, const struct tsm_instrument *in,
    const struct aggdef *a, enum tsm_source want, struct tsm_route *r)
{
	const struct tsm_timeframe *tf = &r->tf;
	int64_t first, last, first_end, last_end, after_hi;
	char label[160], codes[96], x[TSM_TIME_BUFSZ], y[TSM_TIME_BUFSZ];
	struct tsm_params p;
	PGresult *res;
	char *sql;
	bool err = false, before, after;

	aggregate_label(q, a, label, sizeof(label));
	if (!aggregate_span(q, in, a, r->lo, r->hi, &first, &last, &err))
		return err ? -1 : 0;
	tsm_q_explain(q, "%s: %s to %s", label, tsm_route_show_time(first, x),
	    tsm_route_show_time(last, y));
	r->first = first;
	r->last = last;
	if (want == TSM_SRC_AGGREGATE) {
		r->source = TSM_SRC_AGGREGATE;
		snprintf(r->aggregate, sizeof(r->aggregate), "%s", a->name);
		tsm_q_explain(q, "answered by %s: --source asked for it", label);
		return 1;
	}
	first_end = tsm_bucket_next(tf, first);
	last_end = tsm_bucket_next(tf, last);
	/*
	 * After the aggregate's last bar, look up to a day past now, not
	 * into the partitions made ahead for the weeks to come: data stamped
	 * later than that is not data, and planning the empty partitions of
	 * the next four weeks would cost more than all the rest.
	 */
	after_hi = now_usecs() + INT64_C(86400000000);
	if (after_hi < last_end)
		after_hi = last_end;
	if (after_hi > r->hi)
		after_hi = r->hi;
	tsm_timeframe_codes(tf, codes, sizeof(codes));
	sql = tsm_q_sql(q, "query_route_edges.sql", NULL, 0);
	if (sql == NULL)
		return -1;
	tsm_params_init(&p);
	tsm_param_int(&p, in->id);
	tsm_param_time(&p, r->lo);
	tsm_param_time(&p, after_hi);
	tsm_param_time(&p, first);
	tsm_param_time(&p, last_end);
	tsm_param_time(&p, first_end);
	tsm_param_time(&p, last);
	tsm_param_raw(&p, TSM_OID_TEXTARRAY, codes);
	res = tsm_q_exec(q, sql, &p);
	free(sql);
	if (res == NULL)
		return -1;
	before = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	after = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	if (before || after) {
		tsm_q_explain(q, "%s %s holds data %s the aggregate's bars: "
		    "every source is looked at", in->exchange, in->symbol,
		    before ? (after ? "before and after" : "before") : "after");
		PQclear(res);
		return 0;
	}
	if (!PQgetisnull(res, 0, 2) && !PQgetisnull(res, 0, 3) &&
	    strcmp(PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3)) == 0) {
		r->source = TSM_SRC_STORED;
		snprintf(r->stored_tf, sizeof(r->stored_tf), "%s",
		    PQgetvalue(res, 0, 2));
		tsm_q_explain(q, "answered by stored %s candles: they are there "
		    "from the aggregate's first bar to its last, and nothing is "
		    "outside", r->stored_tf);
		PQclear(res);
		return 1;
	}
	PQclear(res);
	tsm_q_explain(q, "stored %s candles: not at both ends", tf->code);
	r->source = TSM_SRC_AGGREGATE;
	snprintf(r->aggregate, sizeof(r->aggregate), "%s", a->name);
	tsm_q_explain(q, "answered by %s: nothing of %s %s is outside its "
	    "bars, and stored candles come first only where they cover them",
	    label, in->exchange, in->symbol);
	return 1;
}

/*
 * The aggregate as a candidate among every source: it covers what its
 * source covers where it answers from rows not yet materialised, else
 * what it holds (a rollup that is behind its source covers less).
 */
void
tsm_route_aggregate_candidate(struct tsm_qctx *q, const struct tsm_instrument *in,
    const struct tsm_timeframe *tf, int64_t lo, int64_t hi,
    const struct holding *h, int nh, const struct aggdef *a, struct cand *c,
    bool *err)
{
	const struct holding *src = NULL;

	for (int i = 0; i < nh; i++)
		if (a->ticks ? h[i].ticks :
		    (!h[i].ticks && strcmp(h[i].code, "1m") == 0))
			src = &h[i];
	memset(c, 0, sizeof(*c));
	c->source = TSM_SRC_AGGREGATE;
	snprintf(c->aggregate, sizeof(c->aggregate), "%s", a->name);
	aggregate_label(q, a, c->label, sizeof(c->label));
	if (src == NULL || !src->in_range || a->untrusted)
		return;
	if (!a->matonly) {
		tsm_route_cover(c, src, tf);
		return;
	}
	c->has = aggregate_span(q, in, a, lo, hi, &c->first, &c->last, err);
	if (c->has && (c->first != tsm_timeframe_floor(tf, src->first) ||
	    c->last != tsm_timeframe_floor(tf, src->last))) {
		char w[TSM_TIME_BUFSZ], x[TSM_TIME_BUFSZ];
		char y[TSM_TIME_BUFSZ], z[TSM_TIME_BUFSZ];

		tsm_q_explain(q, "%s is behind its source: it holds %s to %s, "
		    "its source makes %s to %s (tsm-compress refresh brings it "
		    "up to date)", c->label, tsm_route_show_time(c->first, w),
		    tsm_route_show_time(c->last, x),
		    tsm_route_show_time(tsm_timeframe_floor(tf, src->first), y),
		    tsm_route_show_time(tsm_timeframe_floor(tf, src->last), z));
	}
}

