/*
 * query_book.c: what traders and their bots keep: signals, positions,
 * trades, backtest runs and watchlists; and sql, any query in a
 * read-only transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "query.h"
#include "sqlscript.h"

static void
param_limit(struct tsm_params *p, long long limit)
{
	if (limit >= 0)
		tsm_param_int(p, limit);
	else
		tsm_param_raw(p, TSM_OID_INT8, NULL);
}

/* Runs a named query with its variables and parameters; streams it. */
static bool
stream_file(struct tsm_qctx *q, const char *file,
    const struct tsm_sql_var *vars, int nvars, const struct tsm_params *p)
{
	char *sql = tsm_q_sql(q, file, vars, nvars);
	long long n;

	if (sql == NULL)
		return false;
	n = tsm_q_stream(q, sql, p);
	free(sql);
	return n >= 0;
}

bool
tsm_q_signals(struct tsm_qctx *q, struct tsm_qargs *a)
{
	struct tsm_sql_var v = { "all", a->all ? "true" : "false" };
	struct tsm_instrument *in = NULL;
	struct tsm_params p;
	char *ids = NULL;
	int n;
	bool ok;

	/* With no instrument named, no filter on instruments either. */
	if (a->nargs > 0 || a->watchlist || a->filter.exchange ||
	    a->filter.kind || a->filter.active) {
		if (!tsm_q_instruments(q, a->args, a->nargs, a->watchlist,
		    &a->filter, &in, &n))
			return false;
		ids = tsm_q_id_array(in, n);
		free(in);
		if (ids == NULL) {
			tsm_error("out of memory");
			return false;
		}
	}
	tsm_params_init(&p);
	tsm_param_raw(&p, TSM_OID_INT4ARRAY, ids);
	tsm_param_text(&p, a->strategy);
	tsm_param_time(&p, a->from);
	tsm_param_time(&p, a->to);
	param_limit(&p, a->limit);
	ok = stream_file(q, "query_signals.sql", &v, 1, &p);
	free(ids);
	return ok;
}

/* The symbols given, as a text[] (NULL when none: all of them). */
static bool
symbol_array(const struct tsm_qargs *a, char **arr)
{
	*arr = NULL;
	if (a->nargs == 0)
		return true;
	*arr = tsm_q_text_array(a->args, a->nargs);
	if (*arr == NULL)
		tsm_error("out of memory");
	return *arr != NULL;
}

bool
tsm_q_positions(struct tsm_qctx *q, struct tsm_qargs *a)
{
	struct tsm_sql_var v = { "all", a->all ? "true" : "false" };
	struct tsm_params p;
	char *syms;
	bool ok;

	if (!symbol_array(a, &syms))
		return false;
	tsm_params_init(&p);
	tsm_param_raw(&p, TSM_OID_TEXTARRAY, syms);
	tsm_param_text(&p, a->filter.exchange);
	tsm_param_text(&p, a->strategy);
	param_limit(&p, a->limit);
	ok = stream_file(q, "query_positions.sql", &v, 1, &p);
	free(syms);
	return ok;
}

bool
tsm_q_trades(struct tsm_qctx *q, struct tsm_qargs *a)
{
	struct tsm_sql_var v = { "by", a->by ? a->by : "day" };
	struct tsm_params p;
	char *syms;
	bool ok;

	if (!symbol_array(a, &syms))
		return false;
	tsm_params_init(&p);
	tsm_param_raw(&p, TSM_OID_TEXTARRAY, syms);
	tsm_param_text(&p, a->filter.exchange);
	tsm_param_text(&p, a->strategy);
	tsm_param_time(&p, a->from);
	tsm_param_time(&p, a->to);
	param_limit(&p, a->limit);
	ok = stream_file(q, a->by ? "query_trades_pnl.sql" :
	    "query_trades.sql", &v, 1, &p);
	free(syms);
	return ok;
}

/*
 * Starts the next section of an answer made of several (a run and its
 * trades): the writer of the last one is ended, a blank line follows,
 * then in table format with a header the section's title.
 */
static bool
next_section(struct tsm_qctx *q, const char *title, bool first)
{
	if (!first) {
		if (!tsm_q_finish(q))
			return false;
		fputc('\n', q->out);
	}
	if (q->format == TSM_FMT_TABLE && q->header)
		fprintf(q->out, "%s\n", title);
	return true;
}

bool
tsm_q_backtests(struct tsm_qctx *q, struct tsm_qargs *a)
{
	struct tsm_params p;
	PGresult *res;
	char *sql;
	bool found;

	if (a->nargs == 0) {
		tsm_params_init(&p);
		tsm_param_text(&p, a->strategy);
		tsm_param_time(&p, a->from);
		tsm_param_time(&p, a->to);
		param_limit(&p, a->limit);
		return stream_file(q, "query_backtests.sql", NULL, 0, &p);
	}
	tsm_params_init(&p);
	tsm_param_text(&p, a->args[0]);
	sql = tsm_q_sql(q, "query_backtest_run.sql", NULL, 0);
	res = sql ? tsm_q_exec(q, sql, &p) : NULL;
	free(sql);
	if (res == NULL)
		return false;
	found = PQntuples(res) > 0;
	PQclear(res);
	if (!found) {
		tsm_error("no backtest run %s", a->args[0]);
		tsm_hint("tsm-query backtests lists the runs");
		return false;
	}
	if (!a->trades_only) {
		if (!next_section(q, "run", true) ||
		    !stream_file(q, "query_backtest_run.sql", NULL, 0, &p) ||
		    !next_section(q, "trades", false))
			return false;
	}
	param_limit(&p, a->limit);
	return stream_file(q, "query_backtest_trades.sql", NULL, 0, &p);
}

bool
tsm_q_watchlists(struct tsm_qctx *q, struct tsm_qargs *a)
{
	struct tsm_sql_var v = { "one", a->nargs ? "true" : "false" };
	struct tsm_params p;

	if (a->nargs > 0) {
		struct tsm_instrument *in;
		int n;

		/* An unknown watchlist is reported with the closest names. */
		if (!tsm_q_instruments(q, NULL, 0, a->args[0], NULL, &in, &n))
			return false;
		free(in);
	}
	tsm_params_init(&p);
	tsm_param_text(&p, a->nargs ? a->args[0] : NULL);
	param_limit(&p, a->limit);
	return stream_file(q, "query_watchlists.sql", &v, 1, &p);
}

/*
 * sql: the user's own query, in a transaction that cannot write, with
 * the schema (and TimescaleDB's) on the search path so that names need
 * no qualification.
 */
bool
tsm_q_sql_readonly(struct tsm_qctx *q, struct tsm_qargs *a)
{
	const char *params[2] = { q->schema, q->ext[0] ? q->ext : "public" };
	/* One round trip for these and the description of the query. */
	const struct tsm_q_stmt pre[2] = {
		{ "BEGIN READ ONLY", 0, NULL },
		{ "SELECT pg_catalog.set_config('search_path',"
		    " pg_catalog.format('%I, %I', $1::text, $2::text), true)", 2,
		    params },
	};
	bool ok;
	PGresult *res;

	ok = tsm_q_stream_copy(q, pre, 2, a->args[0]) >= 0;
	if (PQstatus(q->conn) == CONNECTION_OK &&
	    PQtransactionStatus(q->conn) != PQTRANS_IDLE) {
		res = PQexec(q->conn, "ROLLBACK");
		PQclear(res);
	}
	return ok;
}
