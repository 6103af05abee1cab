/*
 * query_feeds.c: the series that are not candles: sentiment, on-chain
 * and exchange flows, market metrics.  Sums per hour or day come from
 * their aggregates (sentiment_1h, flows_1d, net_flows_1h ...).
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "query.h"
#include "sqlscript.h"

/*
 * Says whether there is anything for name (an asset of sentiment or
 * flows, a metric); an unknown one is an error naming the closest.
 */
static bool
name_known(struct tsm_qctx *q, const char *kind, const char *name)
{
	struct tsm_sql_var v[3] = {
		{ "sentiment", strcmp(kind, "sentiment") == 0 ? "true" : "false" },
		{ "flows", strcmp(kind, "flows") == 0 ? "true" : "false" },
		{ "metrics", strcmp(kind, "metrics") == 0 ? "true" : "false" },
	};
	char *sql = tsm_q_sql(q, "query_names_of.sql", v, 3);
	PGresult *res = sql ? tsm_q_exec(q, sql, NULL) : NULL;
	int best = -1, bestd = 1 << 30;
	char list[512] = "";
	int k = 0;

	free(sql);
	if (res == NULL)
		return false;
	for (int r = 0; r < PQntuples(res); r++)
		if (strcmp(PQgetvalue(res, r, 0), name) == 0) {
			PQclear(res);
			return true;
		}
	/* The closest names: within a third of the length in edits. */
	for (int r = 0; r < PQntuples(res); r++) {
		const char *s = PQgetvalue(res, r, 0);
		int d = tsm_levenshtein(name, s);
		int limit = (int)strlen(name) / 3;

		if (d < bestd) {
			bestd = d;
			best = r;
		}
		if (d <= (limit < 2 ? 2 : limit) && k < 5) {
			size_t l = strlen(list);

			snprintf(list + l, sizeof(list) - l, "%s%s",
			    k++ ? ", " : "", s);
		}
	}
	if (strcmp(kind, "metrics") == 0)
		tsm_error("no market metric named \"%s\"", name);
	else
		tsm_error("no %s for asset \"%s\"", kind, name);
	if (k > 0)
		tsm_hint("the closest: %s", list);
	else if (best >= 0)
		tsm_hint("there %s %d; the nearest is %s",
		    PQntuples(res) == 1 ? "is" : "are", PQntuples(res),
		    PQgetvalue(res, best, 0));
	else
		tsm_hint("there is no %s data at all", kind);
	PQclear(res);
	return false;
}

/*
 * Whether the rollups of a series can answer [from, to): always on
 * TimescaleDB, whose continuous aggregates answer from rows not yet
 * materialised too; on plain PostgreSQL when no write there waits in the
 * log of invalidations (see query_invalidations.sql).  *raw is set when
 * the stored rows must be summed instead.  False after an error.
 */
static bool
rollup_check(struct tsm_qctx *q, const struct tsm_qargs *a, const char *kind,
    bool *raw)
{
	char *sql;
	struct tsm_params p;
	PGresult *res;

	*raw = false;
	if (q->backend != TSM_BACKEND_NATIVE)
		return true;
	sql = tsm_q_sql(q, "query_invalidations.sql", NULL, 0);
	if (sql == NULL)
		return false;
	tsm_params_init(&p);
	tsm_param_text(&p, kind);
	tsm_param_time(&p, a->from);
	tsm_param_time(&p, a->to);
	res = tsm_q_exec(q, sql, &p);
	free(sql);
	if (res == NULL)
		return false;
	*raw = !PQgetisnull(res, 0, 0);
	PQclear(res);
	if (*raw)
		tsm_q_explain(q, "the rollups of %s wait for a refresh: summed "
		    "from the stored rows", kind);
	return true;
}

/* Adds --limit: a number, or NULL for none. */
static void
param_limit(struct tsm_params *p, long long limit)
{
	if (limit >= 0)
		tsm_param_int(p, limit);
	else
		tsm_param_raw(p, TSM_OID_INT8, NULL);
}

/*
 * Runs a named query with $1 the name, $2 and $3 --from and --to, $4
 * --limit and $5 --min-amount (which only whales reads).
 */
static bool
run_named(struct tsm_qctx *q, const struct tsm_qargs *a, const char *file,
    const struct tsm_sql_var *vars, int nvars, const char *p5)
{
	char *sql = tsm_q_sql(q, file, vars, nvars);
	struct tsm_params p;
	long long n;

	if (sql == NULL)
		return false;
	tsm_params_init(&p);
	tsm_param_text(&p, a->args[0]);
	tsm_param_time(&p, a->from);
	tsm_param_time(&p, a->to);
	param_limit(&p, a->limit);
	tsm_param_raw(&p, TSM_OID_FLOAT8, p5);	/* --min-amount */
	n = tsm_q_stream(q, sql, &p);
	free(sql);
	return n >= 0;
}

bool
tsm_q_sentiment(struct tsm_qctx *q, struct tsm_qargs *a)
{
	const char *view = a->nargs > 1 ? a->args[1] : "raw";
	bool hour = a->by != NULL && strcmp(a->by, "hour") == 0, raw = false;
	struct tsm_sql_var v[3] = {
		{ "aggregate", hour ? "sentiment_1h" : "sentiment_1d" },
		{ "by", hour ? "hour" : "day" },
		{ "raw", "false" },
	};

	if (!name_known(q, "sentiment", a->args[0]))
		return false;
	if ((strcmp(view, "trend") == 0 || (strcmp(view, "raw") == 0 &&
	    a->by != NULL)) && !rollup_check(q, a, "sentiment", &raw))
		return false;
	v[2].value = raw ? "true" : "false";
	if (strcmp(view, "raw") == 0)
		return a->by ? run_named(q, a, "query_sentiment_by.sql", v, 3,
		    NULL) : run_named(q, a, "query_sentiment_raw.sql", NULL, 0,
		    NULL);
	if (strcmp(view, "trend") == 0)
		return run_named(q, a, "query_sentiment_trend.sql", v, 3, NULL);
	if (strcmp(view, "by-source") == 0)
		return run_named(q, a, "query_sentiment_by_source.sql", NULL, 0,
		    NULL);
	if (strcmp(view, "distribution") == 0)
		return run_named(q, a, "query_sentiment_distribution.sql", NULL,
		    0, NULL);
	return run_named(q, a, "query_sentiment_latest.sql", NULL, 0, NULL);
}

bool
tsm_q_flows(struct tsm_qctx *q, struct tsm_qargs *a)
{
	const char *view = a->nargs > 1 ? a->args[1] : "history";
	bool hour = a->by == NULL || strcmp(a->by, "hour") == 0, raw = false;
	struct tsm_sql_var v[4] = {
		{ "aggregate", hour ? "flows_1h" : "flows_1d" },
		{ "by", hour ? "hour" : "day" },
		{ "day", hour ? "false" : "true" },
		{ "raw", "false" },
	};

	if (!name_known(q, "flows", a->args[0]))
		return false;
	if ((strcmp(view, "net") == 0 || strcmp(view, "velocity") == 0 ||
	    (strcmp(view, "history") == 0 && a->by != NULL)) &&
	    !rollup_check(q, a, "flows", &raw))
		return false;
	v[3].value = raw ? "true" : "false";
	if (strcmp(view, "history") == 0)
		return a->by ? run_named(q, a, "query_flows_by.sql", v, 4,
		    NULL) : run_named(q, a, "query_flows_history.sql", NULL, 0,
		    NULL);
	if (strcmp(view, "whales") == 0)
		return run_named(q, a, "query_flows_history.sql", NULL, 0,
		    a->min_amount);
	if (strcmp(view, "net") == 0)
		return run_named(q, a, "query_flows_net.sql", v, 4, NULL);
	if (strcmp(view, "by-exchange") == 0)
		return run_named(q, a, "query_flows_by_exchange.sql", NULL, 0,
		    NULL);
	return run_named(q, a, "query_flows_velocity.sql", v, 4, NULL);
}

bool
tsm_q_metrics(struct tsm_qctx *q, struct tsm_qargs *a)
{
	struct tsm_sql_var v[2] = {
		{ "grouped", a->by ? "true" : "false" },
		{ "by", a->by ? a->by : "none" },
	};
	struct tsm_params p;
	char *sql;
	long long n;

	if (a->nargs == 0) {
		sql = tsm_q_sql(q, "query_metrics_list.sql", NULL, 0);
		if (sql == NULL)
			return false;
		tsm_params_init(&p);
		tsm_param_text(&p, a->scope);
		param_limit(&p, a->limit);
	} else {
		if (!name_known(q, "metrics", a->args[0]))
			return false;
		sql = tsm_q_sql(q, "query_metrics.sql", v, 2);
		if (sql == NULL)
			return false;
		tsm_params_init(&p);
		tsm_param_text(&p, a->args[0]);
		tsm_param_text(&p, a->scope);
		tsm_param_time(&p, a->from);
		tsm_param_time(&p, a->to);
		param_limit(&p, a->limit);
	}
	n = tsm_q_stream(q, sql, &p);
	free(sql);
	return n >= 0;
}
