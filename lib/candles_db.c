/*
 * candles_db.c: candles from the database, streamed row by row.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "candles_db.h"
#include "db.h"
#include "log.h"
#include "num.h"
#include "sqlfiles.h"
#include "sqlscript.h"
#include "timeparse.h"

/*
 * The text of a named query with :schema (and :aggregate) set, and
 * :native saying the backend (on plain PostgreSQL compressed rows are
 * read through candles_range: tsm-compress(1)).
 */
static char *
named_sql_on(const char *file, const char *schema, const char *aggregate,
    bool native)
{
	const struct tsm_sql_file *f = tsm_sql_file_find(file);
	struct tsm_sql_var vars[] = {
		{ "schema", schema },
		{ "aggregate", aggregate ? aggregate : "" },
		{ "native", native ? "true" : "false" },
	};

	if (f == NULL) {
		tsm_error("%s is missing from this build", file);
		return NULL;
	}
	return tsm_sql_expand(file, f->text, vars, 3);
}

static char *
named_sql(const char *file, const char *schema, const char *aggregate)
{
	return named_sql_on(file, schema, aggregate, false);
}

/*
 * Whether candles written in [from, to) wait for a rollup refresh (plain
 * PostgreSQL; never on TimescaleDB).
 */
static bool
invalidated(PGconn *conn, const struct tsm_candle_query *q, const char *from,
    const char *to, bool *yes)
{
	const char *params[2] = { from, to };
	PGresult *res;
	char *sql;

	*yes = false;
	if (!q->native)
		return true;
	if ((sql = named_sql("backtest_invalidated.sql", q->schema,
	    NULL)) == NULL)
		return false;
	res = tsm_query(conn, sql, 2, params);
	free(sql);
	if (res == NULL)
		return false;
	*yes = PQntuples(res) > 0 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return true;
}

/* Finds the instrument; false after reporting. */
static bool
find_instrument(PGconn *conn, const struct tsm_candle_query *q,
    struct tsm_candle_source *src)
{
	char *sql = named_sql("backtest_instrument.sql", q->schema, NULL);
	const char *params[2] = { q->symbol, q->exchange };
	PGresult *res;
	int n;

	if (sql == NULL)
		return false;
	res = tsm_query(conn, sql, 2, params);
	free(sql);
	if (res == NULL)
		return false;
	n = PQntuples(res);
	if (n == 0) {
		if (q->exchange)
			tsm_error("no instrument %s on %s", q->symbol,
			    q->exchange);
		else
			tsm_error("no instrument %s", q->symbol);
		tsm_hint("load its candles with tsm-ingest candles");
		PQclear(res);
		return false;
	}
	if (n > 1) {
		char list[256];
		size_t len = 0;

		list[0] = '\0';
		for (int i = 0; i < n && len < sizeof(list); i++)
			len += (size_t)snprintf(list + len, sizeof(list) - len,
			    "%s%s (%s)", i ? ", " : "", PQgetvalue(res, i, 1),
			    PQgetvalue(res, i, 2));
		tsm_error("%s names %d instruments: %s", q->symbol, n, list);
		tsm_hint("choose one with --exchange");
		PQclear(res);
		return false;
	}
	src->instrument_id = atoi(PQgetvalue(res, 0, 0));
	snprintf(src->exchange, sizeof(src->exchange), "%s",
	    PQgetvalue(res, 0, 1));
	PQclear(res);
	return true;
}

/* The aggregate answering q's interval, or "" if none. */
static bool
find_aggregate(PGconn *conn, const struct tsm_candle_query *q, char *name,
    size_t size)
{
	char *sql = named_sql("backtest_aggregate.sql", q->schema, NULL);
	const char *params[1] = { q->tf.code };
	PGresult *res;

	name[0] = '\0';
	if (sql == NULL)
		return false;
	res = tsm_query(conn, sql, 1, params);
	free(sql);
	if (res == NULL)
		return false;
	if (PQntuples(res) > 0)
		snprintf(name, size, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return true;
}

/* Reads one field as a double; the server wrote it, so it parses. */
static bool
field(const PGresult *res, int col, double *out)
{
	const char *why, *s = PQgetvalue(res, 0, col);

	return tsm_parse_double(s, strlen(s), out, &why);
}

/*
 * Runs sql with params in single-row mode and appends each row to c.
 * False after reporting.
 */
static bool
stream_rows(PGconn *conn, const char *sql, int nparams,
    const char *const *params, struct tsm_candles *c)
{
	PGresult *res;
	bool ok = true;

	if (!PQsendQueryParams(conn, sql, nparams, NULL, params, NULL, NULL,
	    0) || !PQsetSingleRowMode(conn)) {
		tsm_error("%s", PQerrorMessage(conn));
		return false;
	}
	while ((res = PQgetResult(conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE && ok) {
			const char *ts = PQgetvalue(res, 0, 0), *why;
			int64_t t;
			double v[4];

			ok = tsm_parse_int64(ts, strlen(ts), &t, &why) &&
			    field(res, 1, &v[0]) && field(res, 2, &v[1]) &&
			    field(res, 3, &v[2]) && field(res, 4, &v[3]);
			if (!ok)
				tsm_error("the server sent a candle that does "
				    "not parse: %s", ts);
			else
				ok = tsm_candles_push(c, t, v[0], v[1], v[2],
				    v[3]);
		} else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK &&
		    ok) {
			tsm_report_result(conn, res, NULL);
			ok = false;
		}
		PQclear(res);
	}
	return ok;
}

/* "from 2024-03-01T00:00:00Z to 2024-04-01T00:00:00Z", or less. */
static void
range_text(const struct tsm_candle_query *q, char *buf, size_t size)
{
	char a[TSM_TIME_BUFSZ], b[TSM_TIME_BUFSZ];
	size_t n = 0;

	buf[0] = '\0';
	if (q->from != INT64_MIN) {
		tsm_format_time(q->from, a);
		n = (size_t)snprintf(buf, size, " from %s", a);
	}
	if (q->to != INT64_MAX) {
		tsm_format_time(q->to, b);
		snprintf(buf + n, size > n ? size - n : 0, " before %s", b);
	}
}

bool
tsm_candles_from_db(PGconn *conn, const struct tsm_candle_query *q,
    struct tsm_candles *c, struct tsm_candle_source *src)
{
	char id[16], from[TSM_TIME_BUFSZ], to[TSM_TIME_BUFSZ], agg[64];
	char width[64], range[128];
	const char *params[4];
	char *sql;
	bool ok;

	memset(src, 0, sizeof(*src));
	if (!find_instrument(conn, q, src))
		return false;
	snprintf(id, sizeof(id), "%d", src->instrument_id);
	if (q->from != INT64_MIN)
		tsm_format_time(q->from, from);
	else
		strcpy(from, "-infinity");
	if (q->to != INT64_MAX)
		tsm_format_time(q->to, to);
	else
		strcpy(to, "infinity");

	/* Candles stored at this interval. */
	if ((sql = named_sql_on("backtest_candles.sql", q->schema, NULL,
	    q->native)) == NULL)
		return false;
	params[0] = id;
	params[1] = q->tf.code;
	params[2] = from;
	params[3] = to;
	ok = stream_rows(conn, sql, 4, params, c);
	free(sql);
	sql = NULL;
	snprintf(src->source, sizeof(src->source), "candles");
	if (ok && c->n == 0 && strcmp(q->tf.code, "1m") != 0) {
		/* The aggregate for it, else 1m candles in buckets. */
		bool stale = false;

		if (!find_aggregate(conn, q, agg, sizeof(agg)))
			return false;
		if (agg[0] != '\0' && !invalidated(conn, q, from, to, &stale))
			return false;
		if (stale)
			tsm_info("%s has writes in the range not yet refreshed: "
			    "the 1m candles are aggregated instead", agg);
		if (agg[0] != '\0' && !stale) {
			sql = named_sql("backtest_candles_agg.sql", q->schema,
			    agg);
			params[1] = from;
			params[2] = to;
			ok = sql != NULL && stream_rows(conn, sql, 3, params, c);
			snprintf(src->source, sizeof(src->source), "%s", agg);
		} else if (q->tf.months <= 1) {
			struct tsm_age a = { q->tf.months, q->tf.usecs };

			tsm_age_to_pg(&a, width, sizeof(width));
			sql = named_sql_on("backtest_candles_bucket.sql",
			    q->schema, NULL, q->native);
			params[1] = width;
			params[2] = from;
			params[3] = to;
			ok = sql != NULL && stream_rows(conn, sql, 4, params, c);
			snprintf(src->source, sizeof(src->source),
			    "candles 1m in %s buckets", q->tf.code);
		}
		free(sql);
	}
	if (!ok)
		return false;
	if (c->n == 0) {
		range_text(q, range, sizeof(range));
		tsm_error("no %s candles for %s on %s%s", q->tf.code, q->symbol,
		    src->exchange, range);
		tsm_hint("see what is there with tsm-query ohlcv %s --interval "
		    "%s", q->symbol, q->tf.code);
		return false;
	}
	tsm_candles_shrink(c);
	return true;
}
