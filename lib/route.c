/*
 * route.c: choosing where the bars of an interval come from (see
 * route.h), and the SQL that reads them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "route_int.h"
#include "sqlscript.h"
#include "timeframe.h"
#include "timeparse.h"

#define USECS_PER_DAY	(INT64_C(86400) * 1000000)
#define MAXCAND		48

bool
tsm_source_parse(const char *s, enum tsm_source *out)
{
	static const char *const names[] = { "auto", "stored", "aggregate",
	    "computed" };

	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum tsm_source)i;
			return true;
		}
	return false;
}

const char *
tsm_source_name(enum tsm_source s)
{
	switch (s) {
	case TSM_SRC_STORED: return "stored";
	case TSM_SRC_AGGREGATE: return "aggregate";
	case TSM_SRC_COMPUTED: return "computed";
	default: return "auto";
	}
}

/* Reads what query_route.sql says the instrument holds in [lo, hi). */
static int
read_holdings(struct tsm_qctx *q, const struct tsm_instrument *in,
    int64_t lo, int64_t hi, struct holding *h, int max)
{
	struct tsm_params p;
	char *sql = tsm_q_sql(q, "query_route.sql", NULL, 0);
	PGresult *res;
	int n = 0;

	if (sql == NULL)
		return -1;
	tsm_params_init(&p);
	tsm_param_int(&p, in->id);
	tsm_param_time(&p, lo);
	tsm_param_time(&p, hi);
	res = tsm_q_exec(q, sql, &p);
	free(sql);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res) && n < max; r++) {
		struct holding *x = &h[n];
		const char *why;

		memset(x, 0, sizeof(*x));
		x->ticks = PQgetisnull(res, r, 0);
		if (x->ticks) {
			snprintf(x->code, sizeof(x->code), "ticks");
			tsm_parse_timeframe("1m", &x->tf, &why);
		} else {
			snprintf(x->code, sizeof(x->code), "%s",
			    PQgetvalue(res, r, 0));
			/* A timeframe tsm cannot read is not a source. */
			if (!tsm_parse_timeframe(x->code, &x->tf, &why))
				continue;
		}
		x->in_range = !PQgetisnull(res, r, 1);
		if (x->in_range && (!tsm_q_time_value(PQgetvalue(res, r, 1),
		    &x->first) || !tsm_q_time_value(PQgetvalue(res, r, 2),
		    &x->last)))
			x->in_range = false;
		if (x->ticks && !x->in_range)
			continue;
		n++;
	}
	PQclear(res);
	return n;
}

/* Writes t for --explain: ISO, or "the start"/"the end" for no bound. */
const char *
tsm_route_show_time(int64_t t, char *buf)
{
	if (t == INT64_MIN)
		return "the start";
	if (t == INT64_MAX)
		return "the end";
	tsm_format_time(t, buf);
	return buf;
}

/* The bars a holding covers, as bucket starts of tf. */
void
tsm_route_cover(struct cand *c, const struct holding *h,
    const struct tsm_timeframe *tf)
{
	c->has = h->in_range;
	if (c->has) {
		c->first = tsm_timeframe_floor(tf, h->first);
		c->last = tsm_timeframe_floor(tf, h->last);
	}
}

/* Lists the candidates for tf, in order of preference. */
static int
candidates(struct tsm_qctx *q, const struct tsm_instrument *in,
    const struct tsm_timeframe *tf, int64_t lo, int64_t hi,
    const struct holding *h, int nh, const struct aggdef *agg,
    struct cand *c, bool *err)
{
	int n = 0;
	const struct holding *order[MAXCAND];
	int no = 0;

	for (int i = 0; i < nh; i++)
		if (!h[i].ticks && tsm_timeframe_same(&h[i].tf, tf)) {
			memset(&c[n], 0, sizeof(c[n]));
			c[n].source = TSM_SRC_STORED;
			c[n].h = &h[i];
			snprintf(c[n].label, sizeof(c[n].label),
			    "stored %s candles", h[i].code);
			tsm_route_cover(&c[n], &h[i], tf);
			n++;
			break;
		}
	if (n == 0)
		tsm_q_explain(q, "stored %s candles: none", tf->code);
	if (agg != NULL) {
		tsm_route_aggregate_candidate(q, in, tf, lo, hi, h, nh, agg, &c[n], err);
		if (*err)
			return -1;
		n++;
	} else {
		tsm_q_explain(q, "no aggregate answers %s", tf->code);
	}
	/* Computed: ticks first, then finer timeframes, finest first. */
	for (int i = 0; i < nh; i++)
		if (h[i].ticks)
			order[no++] = &h[i];
	for (int i = 0; i < nh; i++) {
		if (h[i].ticks || tsm_timeframe_same(&h[i].tf, tf))
			continue;
		if (!tsm_timeframe_divides(&h[i].tf, tf)) {
			if (h[i].in_range)
				tsm_q_explain(q, "stored %s candles: do not "
				    "divide %s", h[i].code, tf->code);
			continue;
		}
		int k = no;

		while (k > 0 && !order[k - 1]->ticks &&
		    tsm_timeframe_cmp(&order[k - 1]->tf, &h[i].tf) > 0) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = &h[i];
		no++;
	}
	for (int i = 0; i < no && n < MAXCAND; i++) {
		memset(&c[n], 0, sizeof(c[n]));
		c[n].source = TSM_SRC_COMPUTED;
		c[n].h = order[i];
		snprintf(c[n].label, sizeof(c[n].label), "computed from %s%s",
		    order[i]->code, order[i]->ticks ? "" : " candles");
		tsm_route_cover(&c[n], order[i], tf);
		n++;
	}
	return n;
}

/*
 * Picks the first candidate of the kind wanted that covers the whole
 * span that any candidate covers, else the widest; -1 if none has bars.
 */
static int
pick(struct tsm_qctx *q, struct cand *c, int n, enum tsm_source want,
    const char **why)
{
	int64_t first = INT64_MAX, last = INT64_MIN;
	int best = -1;

	for (int i = 0; i < n; i++)
		if (c[i].has) {
			if (c[i].first < first)
				first = c[i].first;
			if (c[i].last > last)
				last = c[i].last;
		}
	for (int i = 0; i < n; i++) {
		char a[TSM_TIME_BUFSZ], b[TSM_TIME_BUFSZ];

		if (!c[i].has)
			tsm_q_explain(q, "%s: none in range", c[i].label);
		else
			tsm_q_explain(q, "%s: %s to %s", c[i].label,
			    tsm_route_show_time(c[i].first, a), tsm_route_show_time(c[i].last, b));
	}
	*why = "the first source in order (stored, aggregate, computed from "
	    "the finest data) that covers all the range holds";
	for (int i = 0; i < n; i++)
		if (c[i].has && (want == TSM_SRC_AUTO || c[i].source == want) &&
		    c[i].first == first && c[i].last == last)
			return i;
	*why = "no source covers all the range holds: the widest answers";
	for (int i = 0; i < n; i++)
		if (c[i].has && (want == TSM_SRC_AUTO || c[i].source == want) &&
		    (best < 0 || c[i].last - c[i].first >
		    c[best].last - c[best].first))
			best = i;
	return best;
}

/* Fills r from the chosen candidate. */
static void
take(struct tsm_route *r, const struct cand *c)
{
	r->source = c->source;
	r->first = c->first;
	r->last = c->last;
	if (c->source == TSM_SRC_AGGREGATE) {
		snprintf(r->aggregate, sizeof(r->aggregate), "%s", c->aggregate);
	} else {
		r->ticks = c->h->ticks;
		snprintf(r->stored_tf, sizeof(r->stored_tf), "%s",
		    c->h->ticks ? "" : c->h->code);
	}
}

/* The route to nothing: stored candles of tf, of which there are none. */
static void
route_empty(struct tsm_route *r)
{
	r->source = TSM_SRC_STORED;
	r->ticks = false;
	snprintf(r->stored_tf, sizeof(r->stored_tf), "%s", r->tf.code);
	r->first = INT64_MAX;
	r->last = INT64_MIN;
}

/*
 * tf NULL: the finest interval that covers what the instrument holds
 * (ticks count as 1m bars, after stored 1m candles).
 */
static bool
route_finest(struct tsm_qctx *q, const struct tsm_instrument *in,
    int64_t from, int64_t to, enum tsm_source want, struct tsm_route *r)
{
	struct holding h[MAXCAND];
	const struct holding *order[MAXCAND];
	int nh = read_holdings(q, in, from, to, h, MAXCAND), no = 0;
	int64_t first = INT64_MAX, last = INT64_MIN;
	const struct holding *best = NULL;
	struct tsm_timeframe tf;
	const char *why;

	if (nh < 0)
		return false;
	for (int i = 0; i < nh; i++) {
		int k = no;

		if (!h[i].in_range)
			continue;
		if (h[i].first < first)
			first = h[i].first;
		if (h[i].last > last)
			last = h[i].last;
		while (k > 0 && (tsm_timeframe_cmp(&order[k - 1]->tf, &h[i].tf) > 0 ||
		    (order[k - 1]->ticks && !h[i].ticks &&
		    tsm_timeframe_cmp(&order[k - 1]->tf, &h[i].tf) == 0))) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = &h[i];
		no++;
	}
	for (int i = 0; i < no && best == NULL; i++) {
		const struct tsm_timeframe *t = &order[i]->tf;

		if (tsm_timeframe_floor(t, first) ==
		    tsm_timeframe_floor(t, order[i]->first) &&
		    tsm_timeframe_floor(t, last) ==
		    tsm_timeframe_floor(t, order[i]->last))
			best = order[i];
	}
	if (best == NULL)
		for (int i = 0; i < no; i++)
			if (best == NULL || order[i]->last - order[i]->first >
			    best->last - best->first)
				best = order[i];
	if (best == NULL) {
		tsm_parse_timeframe("1m", &tf, &why);
		r->tf = tf;
		tsm_q_explain(q, "%s %s holds nothing in range", in->exchange,
		    in->symbol);
		route_empty(r);
		r->lo = from;
		r->hi = to;
		return true;
	}
	tsm_q_explain(q, "finest data of %s %s that covers the range: %s",
	    in->exchange, in->symbol, best->code);
	return tsm_route(q, in, &best->tf, from, to, want, r);
}

bool
tsm_route(struct tsm_qctx *q, const struct tsm_instrument *in,
    const struct tsm_timeframe *tf, int64_t from, int64_t to,
    enum tsm_source want, struct tsm_route *r)
{
	struct holding h[MAXCAND];
	struct cand c[MAXCAND];
	char a[TSM_TIME_BUFSZ], b[TSM_TIME_BUFSZ];
	const char *why;
	struct aggdef agg;
	bool err = false, any = false, has_agg;
	int nh, nc, i;

	memset(r, 0, sizeof(*r));
	if (tf == NULL)
		return route_finest(q, in, from, to, want, r);
	r->tf = *tf;
	r->lo = tsm_bucket_ceil(tf, from);
	r->hi = tsm_bucket_ceil(tf, to);
	tsm_q_explain(q, "%s %s, %s bars opening from %s to %s",
	    in->exchange, in->symbol, tf->code, tsm_route_show_time(r->lo, a),
	    tsm_route_show_time(r->hi, b));
	has_agg = tsm_route_find_aggregate(q, tf, r->lo, r->hi, &agg, &err);
	if (err)
		return false;
	if (has_agg && !agg.untrusted &&
	    (want == TSM_SRC_AUTO || want == TSM_SRC_AGGREGATE)) {
		int rc = tsm_route_fast_route(q, in, &agg, want, r);

		if (rc != 0)
			return rc > 0;
	}
	nh = read_holdings(q, in, r->lo, r->hi, h, MAXCAND);
	if (nh < 0)
		return false;
	nc = candidates(q, in, tf, r->lo, r->hi, h, nh, has_agg ? &agg : NULL,
	    c, &err);
	if (nc < 0)
		return false;
	i = pick(q, c, nc, want, &why);
	if (i >= 0) {
		take(r, &c[i]);
		tsm_q_explain(q, "answered by %s: %s", c[i].label,
		    want == TSM_SRC_AUTO ? why : "--source asked for it");
		return true;
	}
	for (int k = 0; k < nh; k++)
		any = any || h[k].in_range;
	if (!any) {
		tsm_q_explain(q, "nothing in range");
		route_empty(r);
		return true;
	}
	if (want != TSM_SRC_AUTO) {
		tsm_error("no %s source answers %s bars of %s %s in this range",
		    tsm_source_name(want), tf->code, in->exchange, in->symbol);
		tsm_hint("leave out --source, or see what there is with "
		    "--explain");
		return false;
	}
	{
		char list[256] = "";

		for (int k = 0; k < nh; k++) {
			size_t l = strlen(list);

			if (h[k].in_range)
				snprintf(list + l, sizeof(list) - l, "%s%s",
				    l ? ", " : "", h[k].code);
		}
		tsm_error("no data of %s %s answers %s bars: it holds %s in "
		    "this range, which %s not divide %s", in->exchange,
		    in->symbol, tf->code, list, strchr(list, ',') ? "do" :
		    "does", tf->code);
		tsm_hint("ask for an interval that its data divides, such as "
		    "a multiple of the finest");
	}
	return false;
}

char *
tsm_route_sql(const struct tsm_qctx *q, const struct tsm_route *r)
{
	struct tsm_sql_var v[2];

	switch (r->source) {
	case TSM_SRC_AGGREGATE:
		v[0] = (struct tsm_sql_var){ "aggregate", r->aggregate };
		return tsm_q_sql(q, "query_bars_aggregate.sql", v, 1);
	case TSM_SRC_COMPUTED:
		v[0] = (struct tsm_sql_var){ "ticks",
		    r->ticks ? "true" : "false" };
		v[1] = (struct tsm_sql_var){ "months",
		    r->tf.months ? "true" : "false" };
		return tsm_q_sql(q, "query_bars_computed.sql", v, 2);
	default:
		return tsm_q_sql(q, "query_bars_stored.sql", NULL, 0);
	}
}

void
tsm_route_params(const struct tsm_route *r, const struct tsm_instrument *in,
    struct tsm_params *p)
{
	tsm_param_int(p, in->id);
	tsm_param_time(p, r->lo);
	tsm_param_time(p, r->hi);
	tsm_param_text(p, r->ticks ? NULL : r->stored_tf);
	tsm_param_interval(p, r->tf.months, r->tf.usecs);
}
