/*
 * route.c: choosing where the bars of an interval come from (see
 * route.h), and the SQL that reads them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "route.h"
#include "sqlscript.h"
#include "timeparse.h"

#define USECS_PER_DAY	(INT64_C(86400) * 1000000)
#define MAXCAND		48

/* Now, from this machine's clock, in microseconds. */
static int64_t
now_usecs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

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

/* Adds n months to the start of a month (t is midnight on the 1st). */
static int64_t
add_months(int64_t t, int64_t n)
{
	int64_t days = t / USECS_PER_DAY - (t % USECS_PER_DAY < 0);
	int64_t month;
	int y, m, d;

	tsm_civil_from_days(days, &y, &m, &d);
	month = (int64_t)y * 12 + (m - 1) + n;
	y = (int)(month / 12 - (month % 12 < 0));
	m = (int)(month - (int64_t)y * 12) + 1;
	return tsm_days_from_civil(y, m, 1) * USECS_PER_DAY;
}

int64_t
tsm_bucket_next(const struct tsm_timeframe *tf, int64_t t)
{
	if (tf->months > 0)
		return add_months(t, tf->months);
	if (t > INT64_MAX - tf->usecs)
		return INT64_MAX;
	return t + tf->usecs;
}

int64_t
tsm_bucket_ceil(const struct tsm_timeframe *tf, int64_t t)
{
	int64_t f;

	if (t == INT64_MIN || t == INT64_MAX)
		return t;
	f = tsm_timeframe_floor(tf, t);
	return f == t ? t : tsm_bucket_next(tf, f);
}

bool
tsm_timeframe_divides(const struct tsm_timeframe *fine,
    const struct tsm_timeframe *coarse)
{
	if (coarse->months > 0) {
		if (fine->months > 0)
			return coarse->months % fine->months == 0;
		/* Month starts are midnights: a width that divides a day. */
		return fine->usecs > 0 && USECS_PER_DAY % fine->usecs == 0;
	}
	if (fine->months > 0 || fine->usecs <= 0)
		return false;
	return coarse->usecs % fine->usecs == 0;
}

static bool
same_interval(const struct tsm_timeframe *a, const struct tsm_timeframe *b)
{
	return a->months == b->months && a->usecs == b->usecs;
}

/* Orders intervals by length (a month counts as 28 to 31 days). */
static int
interval_cmp(const struct tsm_timeframe *a, const struct tsm_timeframe *b)
{
	int64_t x = a->months ? a->months * 28 * USECS_PER_DAY : a->usecs;
	int64_t y = b->months ? b->months * 28 * USECS_PER_DAY : b->usecs;

	if (a->months && b->months)
		return a->months < b->months ? -1 : a->months > b->months;
	return x < y ? -1 : x > y;
}

bool
tsm_q_time_value(const char *pgtext, int64_t *out)
{
	char iso[TSM_TIME_BUFSZ];
	size_t n = tsm_pg_time_to_iso(pgtext, strlen(pgtext), iso);
	const char *why;

	return n > 0 && tsm_parse_time(iso, n, NULL, out, &why);
}

/* What the instrument holds in the range: a stored timeframe or ticks. */
struct holding {
	bool ticks;
	char code[16];			/* as stored */
	struct tsm_timeframe tf;	/* parsed; 1m for ticks */
	bool in_range;
	int64_t first, last;
};

/* A source that could answer, and what it covers in bars. */
struct cand {
	enum tsm_source source;
	const struct holding *h;	/* stored, computed: what it reads */
	char aggregate[64];
	char label[160];		/* for --explain */
	bool has;
	int64_t first, last;
};

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
static const char *
show_time(int64_t t, char *buf)
{
	if (t == INT64_MIN)
		return "the start";
	if (t == INT64_MAX)
		return "the end";
	tsm_format_time(t, buf);
	return buf;
}

/* The bars a holding covers, as bucket starts of tf. */
static void
cover(struct cand *c, const struct holding *h, const struct tsm_timeframe *tf)
{
	c->has = h->in_range;
	if (c->has) {
		c->first = tsm_timeframe_floor(tf, h->first);
		c->last = tsm_timeframe_floor(tf, h->last);
	}
}

/*
 * The codes a timeframe may be stored under: "1h" and "60m", "1d" and
 * "24h" and "1440m".  Writes the text of a text[] into buf.
 */
static void
equivalent_codes(const struct tsm_timeframe *tf, char *buf, size_t n)
{
	static const struct { int64_t usecs; char unit; } units[] = {
		{ INT64_C(60000000), 'm' }, { INT64_C(3600000000), 'h' },
		{ INT64_C(86400000000), 'd' }, { INT64_C(604800000000), 'w' },
	};
	size_t l;

	if (tf->months > 0) {
		snprintf(buf, n, "{%dM}", (int)tf->months);
		return;
	}
	snprintf(buf, n, "{");
	for (int i = 0; i < 4; i++) {
		if (tf->usecs % units[i].usecs != 0)
			continue;
		l = strlen(buf);
		snprintf(buf + l, n - l, "%s%lld%c", l > 1 ? "," : "",
		    (long long)(tf->usecs / units[i].usecs), units[i].unit);
	}
	l = strlen(buf);
	snprintf(buf + l, n - l, "}");
}

/* An aggregate of the catalog that answers an interval. */
struct aggdef {
	char name[64];
	bool ticks;		/* made from ticks, else from 1m candles */
	bool matonly;		/* answers only from what was refreshed */
	bool untrusted;		/* writes logged and not refreshed into it */
};

/*
 * Finds the aggregate of the catalog that answers tf; false when there
 * is none (or a query failed: *err).  The catalog's candle aggregates
 * read 1m candles (filter "timeframe = '1m'") or ticks; any other is not
 * one tsm-query knows how to check, and is left aside.
 */
static bool
find_aggregate(struct tsm_qctx *q, const struct tsm_timeframe *tf,
    struct aggdef *a, bool *err)
{
	char *sql = tsm_q_sql(q, "query_aggregates.sql", NULL, 0);
	struct tsm_params p;
	char codes[96];
	PGresult *res = NULL;
	bool found = false;

	equivalent_codes(tf, codes, sizeof(codes));
	tsm_params_init(&p);
	tsm_param_raw(&p, TSM_OID_TEXTARRAY, codes);
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
		    !same_interval(&atf, tf))
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
 * On plain PostgreSQL, every write to a rollup's source is logged until
 * it is refreshed into the rollup (003_invalidations.sql): a logged
 * write in the range means the rollup cannot be trusted there, and the
 * bars are aggregated on the fly.  A reader cannot refresh it.  False
 * after reporting an error.
 */
static bool
check_invalidations(struct tsm_qctx *q, struct aggdef *a, int64_t lo,
    int64_t hi)
{
	char *sql;
	struct tsm_params p;
	PGresult *res;

	if (q->backend != TSM_BACKEND_NATIVE)
		return true;
	sql = tsm_q_sql(q, "query_invalidations.sql", NULL, 0);
	if (sql == NULL)
		return false;
	tsm_params_init(&p);
	tsm_param_text(&p, a->ticks ? "ticks" : "candles");
	tsm_param_time(&p, lo);
	tsm_param_time(&p, hi);
	res = tsm_q_exec(q, sql, &p);
	free(sql);
	if (res == NULL)
		return false;
	if (!PQgetisnull(res, 0, 0)) {
		char x[TSM_TIME_BUFSZ], y[TSM_TIME_BUFSZ];
		int64_t wlo = 0, whi = 0;

		a->untrusted = true;
		(void)tsm_q_time_value(PQgetvalue(res, 0, 0), &wlo);
		(void)tsm_q_time_value(PQgetvalue(res, 0, 1), &whi);
		tsm_q_explain(q, "rollup %s: writes from %s to %s are not "
		    "refreshed into it yet (tsm.refresh_invalidated('%s') "
		    "does it), so it is not used", a->name, show_time(wlo, x),
		    show_time(whi, y), a->ticks ? "ticks" : "candles");
	}
	PQclear(res);
	return true;
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
static int
fast_route(struct tsm_qctx *q, const struct tsm_instrument *in,
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
	tsm_q_explain(q, "%s: %s to %s", label, show_time(first, x),
	    show_time(last, y));
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
	equivalent_codes(tf, codes, sizeof(codes));
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
static void
aggregate_candidate(struct tsm_qctx *q, const struct tsm_instrument *in,
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
		cover(c, src, tf);
		return;
	}
	c->has = aggregate_span(q, in, a, lo, hi, &c->first, &c->last, err);
	if (c->has && (c->first != tsm_timeframe_floor(tf, src->first) ||
	    c->last != tsm_timeframe_floor(tf, src->last))) {
		char w[TSM_TIME_BUFSZ], x[TSM_TIME_BUFSZ];
		char y[TSM_TIME_BUFSZ], z[TSM_TIME_BUFSZ];

		tsm_q_explain(q, "%s is behind its source: it holds %s to %s, "
		    "its source makes %s to %s (tsm-compress refresh brings it "
		    "up to date)", c->label, show_time(c->first, w),
		    show_time(c->last, x),
		    show_time(tsm_timeframe_floor(tf, src->first), y),
		    show_time(tsm_timeframe_floor(tf, src->last), z));
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
		if (!h[i].ticks && same_interval(&h[i].tf, tf)) {
			memset(&c[n], 0, sizeof(c[n]));
			c[n].source = TSM_SRC_STORED;
			c[n].h = &h[i];
			snprintf(c[n].label, sizeof(c[n].label),
			    "stored %s candles", h[i].code);
			cover(&c[n], &h[i], tf);
			n++;
			break;
		}
	if (n == 0)
		tsm_q_explain(q, "stored %s candles: none", tf->code);
	if (agg != NULL) {
		aggregate_candidate(q, in, tf, lo, hi, h, nh, agg, &c[n], err);
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
		if (h[i].ticks || same_interval(&h[i].tf, tf))
			continue;
		if (!tsm_timeframe_divides(&h[i].tf, tf)) {
			if (h[i].in_range)
				tsm_q_explain(q, "stored %s candles: do not "
				    "divide %s", h[i].code, tf->code);
			continue;
		}
		int k = no;

		while (k > 0 && !order[k - 1]->ticks &&
		    interval_cmp(&order[k - 1]->tf, &h[i].tf) > 0) {
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
		cover(&c[n], order[i], tf);
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
			    show_time(c[i].first, a), show_time(c[i].last, b));
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
		while (k > 0 && (interval_cmp(&order[k - 1]->tf, &h[i].tf) > 0 ||
		    (order[k - 1]->ticks && !h[i].ticks &&
		    interval_cmp(&order[k - 1]->tf, &h[i].tf) == 0))) {
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
	    in->exchange, in->symbol, tf->code, show_time(r->lo, a),
	    show_time(r->hi, b));
	has_agg = find_aggregate(q, tf, &agg, &err);
	if (err || (has_agg && !check_invalidations(q, &agg, r->lo, r->hi)))
		return false;
	if (has_agg && !agg.untrusted &&
	    (want == TSM_SRC_AUTO || want == TSM_SRC_AGGREGATE)) {
		int rc = fast_route(q, in, &agg, want, r);

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
