/*
 * legacy.c: finding, checking and retiring old per-symbol kline tables.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "legacy.h"
#include "log.h"
#include "strbuf.h"

/* The legacy columns, what they become, and whether they must be there. */
static const struct {
	const char *name;
	const char *candle;	/* the column of candles */
	bool time;		/* a time: timestamp or epoch number */
	bool required;
} layout[] = {
	{ "open_time", "time", true, true },
	{ "open", "open", false, true },
	{ "high", "high", false, true },
	{ "low", "low", false, true },
	{ "close", "close", false, true },
	{ "volume", "volume", false, true },
	{ "close_time", "close_time", true, false },
	{ "quote_asset_volume", "quote_volume", false, false },
	{ "trades", "trades", false, false },
	{ "taker_buy_base_asset_volume", "taker_buy_volume", false, false },
	{ "taker_buy_quote_asset_volume", "taker_buy_quote_volume", false,
	  false },
	{ "ignore", NULL, false, false },
};
#define NLAYOUT (int)(sizeof(layout) / sizeof(layout[0]))

static int
layout_index(const char *col)
{
	for (int i = 0; i < NLAYOUT; i++)
		if (strcmp(layout[i].name, col) == 0)
			return i;
	return -1;
}

static bool
is_number_type(const char *base)
{
	return strcmp(base, "numeric") == 0 ||
	    strcmp(base, "double precision") == 0 ||
	    strcmp(base, "real") == 0 || strcmp(base, "integer") == 0 ||
	    strcmp(base, "bigint") == 0 || strcmp(base, "smallint") == 0;
}

static bool
is_time_type(const char *base)
{
	return strcmp(base, "timestamp with time zone") == 0 ||
	    strcmp(base, "timestamp without time zone") == 0 ||
	    strcmp(base, "bigint") == 0 || strcmp(base, "integer") == 0 ||
	    strcmp(base, "numeric") == 0 ||
	    strcmp(base, "double precision") == 0;
}

bool
tsm_legacy_parse_name(const char *name, char *exchange, char *symbol,
    struct tsm_timeframe *tf, const char **why)
{
	const char *k = NULL, *p, *us;
	size_t elen, slen;

	for (p = strstr(name, "_kline_"); p != NULL;
	    p = strstr(p + 1, "_kline_"))
		k = p;
	us = strchr(name, '_');
	if (k == NULL || us == NULL || us >= k || us == name || us + 1 == k ||
	    k[7] == '\0') {
		*why = "does not read as {exchange}_{symbol}_kline_{interval}";
		return false;
	}
	elen = (size_t)(us - name);
	slen = (size_t)(k - us - 1);
	if (elen >= 64 || slen >= 64) {
		*why = "has an exchange or symbol that is too long";
		return false;
	}
	memcpy(exchange, name, elen);
	exchange[elen] = '\0';
	for (size_t i = 0; i < slen; i++)
		symbol[i] = (char)toupper((unsigned char)us[1 + i]);
	symbol[slen] = '\0';
	if (!tsm_parse_timeframe(k + 7, tf, why)) {
		*why = "ends in an interval that is not a candle interval "
		    "(1m, 5m, 1h, 1d, 1w, 1M ...)";
		return false;
	}
	return true;
}

/* Checks the columns of t; reports what differs from the layout. */
static bool
check_columns(const struct tsm_legacy_table *t)
{
	struct tsm_buf missing = TSM_BUF_INIT, extra = TSM_BUF_INIT;
	bool seen[NLAYOUT] = { false }, ok = true;

	for (int i = 0; i < t->ncols; i++) {
		int li = layout_index(t->cols[i].name);

		if (li < 0) {
			tsm_buf_printf(&extra, "%s\"%s\"", extra.len ? ", " : "",
			    t->cols[i].name);
			continue;
		}
		seen[li] = true;
		if (layout[li].time ? !is_time_type(t->cols[i].base) :
		    !is_number_type(t->cols[i].base)) {
			tsm_error("table %s.%s: column \"%s\" is %s; "
			    "expected %s", t->schema, t->name, t->cols[i].name,
			    t->cols[i].type, layout[li].time ?
			    "a timestamp or an epoch number" : "a number");
			ok = false;
		}
	}
	for (int i = 0; i < NLAYOUT; i++)
		if (layout[i].required && !seen[i])
			tsm_buf_printf(&missing, "%s\"%s\"", missing.len ? ", " :
			    "", layout[i].name);
	if (missing.len || extra.len) {
		tsm_error("table %s.%s: its columns differ from the kline "
		    "layout:%s%s%s%s%s", t->schema, t->name,
		    missing.len ? " missing " : "", tsm_buf_str(&missing),
		    missing.len && extra.len ? ";" : "",
		    extra.len ? " unexpected " : "", tsm_buf_str(&extra));
		ok = false;
	}
	tsm_buf_free(&missing);
	tsm_buf_free(&extra);
	return ok;
}

bool
tsm_legacy_find(PGconn *conn, const char *schema, const char *pattern,
    struct tsm_legacy_table **out, int *n)
{
	const char *p[2] = { schema, pattern };
	struct tsm_legacy_table *v = NULL;
	PGresult *res;
	int nt = 0, bad = 0;

	*out = NULL;
	*n = 0;
	/*
	 * A table kept as NAME_legacy behind a view NAME (--create-views) is
	 * one that was moved: it is left alone.
	 */
	res = tsm_query(conn,
	    "SELECT c.relname, c.relkind, a.attname, "
	    "pg_catalog.format_type(a.atttypid, a.atttypmod), "
	    "pg_catalog.format_type(a.atttypid, NULL) "
	    "FROM pg_catalog.pg_class c "
	    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	    "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
	    "AND a.attnum > 0 AND NOT a.attisdropped "
	    "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') "
	    "AND NOT c.relispartition AND c.relname LIKE $2 "
	    "AND NOT (c.relname LIKE '%\\_legacy' AND EXISTS (SELECT FROM "
	    "pg_catalog.pg_class w WHERE w.relnamespace = c.relnamespace "
	    "AND w.relkind = 'v' AND w.relname = "
	    "pg_catalog.left(c.relname, -7))) "
	    "ORDER BY c.relname, a.attnum", 2, p);
	if (res == NULL)
		return false;
	for (int r = 0; r < PQntuples(res); r++) {
		const char *rel = PQgetvalue(res, r, 0);
		struct tsm_legacy_table *t;

		if (nt == 0 || strcmp(v[nt - 1].name, rel) != 0) {
			struct tsm_legacy_table *nv = realloc(v,
			    (size_t)(nt + 1) * sizeof(*nv));

			if (nv == NULL) {
				tsm_error("out of memory");
				free(v);
				PQclear(res);
				return false;
			}
			v = nv;
			t = &v[nt++];
			memset(t, 0, sizeof(*t));
			snprintf(t->schema, sizeof(t->schema), "%s", schema);
			snprintf(t->name, sizeof(t->name), "%s", rel);
			if (strcmp(PQgetvalue(res, r, 1), "p") == 0)
				t->ncols = -1;	/* partitioned: refused below */
		}
		t = &v[nt - 1];
		if (t->ncols < 0)
			continue;
		if (t->ncols == TSM_LEGACY_MAXCOLS) {
			t->ncols = -2;		/* too many: refused below */
			continue;
		}
		snprintf(t->cols[t->ncols].name, sizeof(t->cols[0].name), "%s",
		    PQgetvalue(res, r, 2));
		snprintf(t->cols[t->ncols].type, sizeof(t->cols[0].type), "%s",
		    PQgetvalue(res, r, 3));
		snprintf(t->cols[t->ncols].base, sizeof(t->cols[0].base), "%s",
		    PQgetvalue(res, r, 4));
		t->ncols++;
	}
	PQclear(res);
	if (nt == 0) {
		long moved = 0;

		/* Moved before, with a view in their place: nothing to do. */
		res = tsm_query(conn, "SELECT count(*) FROM "
		    "pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
		    "n.oid = c.relnamespace WHERE n.nspname = $1 AND "
		    "c.relkind = 'v' AND c.relname LIKE $2 AND EXISTS (SELECT "
		    "FROM pg_catalog.pg_class w WHERE w.relnamespace = "
		    "c.relnamespace AND w.relname = c.relname || '_legacy')",
		    2, p);
		if (res == NULL)
			return false;
		moved = atol(PQgetvalue(res, 0, 0));
		PQclear(res);
		if (moved > 0) {
			bool one = moved == 1;

			tsm_info("nothing to move: the %ld table%s LIKE '%s' "
			    "in schema \"%s\" %s moved before and %s views "
			    "now", moved, one ? "" : "s", pattern, schema,
			    one ? "was" : "were", one ? "is" : "are");
			return true;
		}
		tsm_error("no table in schema \"%s\" has a name LIKE '%s'",
		    schema, pattern);
		tsm_hint("--tables takes a LIKE pattern such as "
		    "'binance\\_%%\\_kline\\_%%'; --source-schema names the "
		    "schema");
		return false;
	}
	for (int i = 0; i < nt; i++) {
		struct tsm_legacy_table *t = &v[i];
		const char *why;
		bool ok = true;

		if (!tsm_legacy_parse_name(t->name, t->exchange, t->symbol,
		    &t->tf, &why)) {
			tsm_error("table %s.%s: the name %s", t->schema,
			    t->name, why);
			ok = false;
		} else if (t->ncols == -1) {
			tsm_error("table %s.%s is partitioned: move its "
			    "partitions one by one with tsm-migrate table",
			    t->schema, t->name);
			ok = false;
		} else if (t->ncols == -2) {
			tsm_error("table %s.%s: its columns differ from the "
			    "kline layout: it has more than %d", t->schema,
			    t->name, TSM_LEGACY_MAXCOLS);
			ok = false;
		} else {
			ok = check_columns(t);
		}
		for (int j = 0; ok && j < i; j++)
			if (strcmp(v[j].exchange, t->exchange) == 0 &&
			    strcmp(v[j].symbol, t->symbol) == 0 &&
			    strcmp(v[j].tf.code, t->tf.code) == 0) {
				tsm_error("tables %s.%s and %s.%s both hold "
				    "%s %s %s candles", t->schema, v[j].name,
				    t->schema, t->name, t->exchange, t->symbol,
				    t->tf.code);
				ok = false;
			}
		if (!ok)
			bad++;
	}
	if (bad > 0) {
		tsm_hint("the kline layout is open_time, open, high, low, "
		    "close, volume, and optionally close_time, "
		    "quote_asset_volume, trades, taker_buy_base_asset_volume, "
		    "taker_buy_quote_asset_volume, ignore; move other tables "
		    "with tsm-migrate table");
		tsm_info("%d of %d tables cannot be moved: nothing was moved",
		    bad, nt);
		free(v);
		return false;
	}
	*out = v;
	*n = nt;
	return true;
}

/* The candle value of a legacy time column, over "s". */
static void
time_expr(const char *col, const char *base, struct tsm_buf *b)
{
	char *q = tsm_quote_ident(col);

	if (strcmp(base, "timestamp with time zone") == 0)
		tsm_buf_printf(b, "s.%s", q);
	else if (strcmp(base, "timestamp without time zone") == 0)
		tsm_buf_printf(b, "s.%s::timestamptz", q);
	else
		/* Epoch numbers, told apart by magnitude as everywhere. */
		tsm_buf_printf(b, "CASE WHEN s.%s < 100000000000 THEN "
		    "pg_catalog.to_timestamp(s.%s::double precision) WHEN "
		    "s.%s < 100000000000000 THEN "
		    "pg_catalog.to_timestamp(s.%s::double precision / 1e3) "
		    "WHEN s.%s < 100000000000000000 THEN "
		    "pg_catalog.to_timestamp(s.%s::double precision / 1e6) "
		    "ELSE pg_catalog.to_timestamp(s.%s::double precision / "
		    "1e9) END", q, q, q, q, q, q, q);
	free(q);
}

bool
tsm_legacy_move(const struct tsm_legacy_table *t, int instrument_id,
    struct tsm_move *m)
{
	struct tsm_buf e = TSM_BUF_INIT;
	char *qs = tsm_quote_ident(t->schema), *qn = tsm_quote_ident(t->name);
	bool ok = true;

	snprintf(m->label, sizeof(m->label), "%s.%s", t->schema, t->name);
	snprintf(m->kind, sizeof(m->kind), "candles");
	snprintf(m->timeframe, sizeof(m->timeframe), "%s", t->tf.code);
	m->instrument_id = instrument_id;
	if (asprintf(&m->source, "%s.%s", qs, qn) < 0)
		m->source = NULL;
	free(qs);
	free(qn);
	if (m->source == NULL)
		return false;
	for (int i = 0; i < t->ncols && ok; i++) {
		int li = layout_index(t->cols[i].name);
		char *q;

		if (li < 0 || layout[li].candle == NULL)
			continue;
		tsm_buf_reset(&e);
		if (layout[li].time) {
			time_expr(t->cols[i].name, t->cols[i].base, &e);
		} else {
			q = tsm_quote_ident(t->cols[i].name);
			tsm_buf_printf(&e, "s.%s::%s", q,
			    strcmp(layout[li].candle, "trades") == 0 ? "bigint" :
			    "double precision");
			free(q);
		}
		ok = tsm_buf_ok(&e) && tsm_move_add(m, layout[li].candle,
		    e.data);
	}
	tsm_buf_free(&e);
	return ok;
}

bool
tsm_legacy_view_possible(PGconn *conn, const struct tsm_legacy_table *t)
{
	char renamed[80];
	const char *p[2] = { t->schema, renamed };
	PGresult *res;
	bool taken;

	if (strlen(t->name) + 7 > 63) {
		tsm_error("table %s.%s: the name is too long to keep the old "
		    "table as %s_legacy (63 bytes at most)", t->schema, t->name,
		    t->name);
		return false;
	}
	snprintf(renamed, sizeof(renamed), "%s_legacy", t->name);
	res = tsm_query(conn, "SELECT EXISTS (SELECT FROM pg_catalog.pg_class "
	    "c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
	    "n.nspname = $1 AND c.relname = $2)", 2, p);
	if (res == NULL)
		return false;
	taken = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (taken) {
		tsm_error("table %s.%s: cannot keep it as %s: that name is "
		    "taken", t->schema, t->name, renamed);
		return false;
	}
	return true;
}

/* The old value of a legacy column, from the candles "c", as its type. */
static bool
view_expr(PGconn *conn, const struct tsm_legacy_table *t, int col,
    const char *qsrc, struct tsm_buf *b)
{
	const char *name = t->cols[col].name, *base = t->cols[col].base;
	int li = layout_index(name);
	char *qc;

	if (layout[li].candle == NULL) {
		/* "ignore" is not kept: the value it always held, if any. */
		char sql[900];
		PGresult *res;

		qc = tsm_quote_ident(name);
		snprintf(sql, sizeof(sql), "SELECT count(DISTINCT %s), "
		    "min(%s)::text, count(%s) FROM %s", qc, qc, qc, qsrc);
		free(qc);
		res = tsm_query(conn, sql, 0, NULL);
		if (res == NULL)
			return false;
		if (strcmp(PQgetvalue(res, 0, 0), "1") == 0 &&
		    strcmp(PQgetvalue(res, 0, 1), "0") == 0)
			tsm_buf_printf(b, "0::%s", t->cols[col].type);
		else {
			if (strcmp(PQgetvalue(res, 0, 2), "0") != 0)
				tsm_warning("table %s.%s: column \"%s\" held "
				    "values other than 0, which candles do not "
				    "keep; the view shows NULL", t->schema,
				    t->name, name);
			tsm_buf_printf(b, "NULL::%s", t->cols[col].type);
		}
		PQclear(res);
		return true;
	}
	qc = tsm_quote_ident(layout[li].candle);
	if (!layout[li].time && (strcmp(base, "numeric") == 0 ||
	    strcmp(base, "bigint") == 0 || strcmp(base, "integer") == 0 ||
	    strcmp(base, "smallint") == 0))
		/*
		 * double to numeric keeps 15 digits; the text of a double has
		 * all it holds (17 digits where needed), as it was stored.
		 */
		tsm_buf_printf(b, "c.%s::text::%s", qc, t->cols[col].type);
	else if (!layout[li].time ||
	    strcmp(base, "timestamp with time zone") == 0)
		tsm_buf_printf(b, "c.%s::%s", qc, t->cols[col].type);
	else if (strcmp(base, "timestamp without time zone") == 0)
		tsm_buf_printf(b, "(c.%s AT TIME ZONE 'UTC')::%s", qc,
		    t->cols[col].type);
	else {
		/* Epoch numbers: the unit the old table used. */
		char sql[900], *qn = tsm_quote_ident(name);
		PGresult *res;
		long long mx;
		const char *mult;

		snprintf(sql, sizeof(sql), "SELECT coalesce(max(%s), "
		    "0)::bigint FROM %s", qn, qsrc);
		free(qn);
		res = tsm_query(conn, sql, 0, NULL);
		if (res == NULL) {
			free(qc);
			return false;
		}
		mx = atoll(PQgetvalue(res, 0, 0));
		PQclear(res);
		mult = mx < 100000000000LL ? "1" : mx < 100000000000000LL ?
		    "1000" : mx < 100000000000000000LL ? "1000000" :
		    "1000000000";
		tsm_buf_printf(b, "(pg_catalog.date_part('epoch', c.%s)::"
		    "numeric * %s)::%s", qc, mult, t->cols[col].type);
	}
	free(qc);
	return true;
}

bool
tsm_legacy_create_view(PGconn *conn, const char *tsm_schema,
    const struct tsm_legacy_table *t, int instrument_id)
{
	struct tsm_buf sql = TSM_BUF_INIT;
	char *qs = tsm_quote_ident(t->schema), *qn = tsm_quote_ident(t->name);
	char *qt = tsm_quote_ident(tsm_schema), *tf = tsm_quote_literal(
	    t->tf.code), renamed[80], *qr, src[300];
	const char *p[2];
	PGresult *res;
	bool ok = false;

	snprintf(renamed, sizeof(renamed), "%s_legacy", t->name);
	qr = tsm_quote_ident(renamed);
	snprintf(src, sizeof(src), "%s.%s", qs, qn);
	tsm_buf_printf(&sql, "ALTER TABLE %s.%s RENAME TO %s; CREATE VIEW "
	    "%s.%s AS SELECT ", qs, qn, qr, qs, qn);
	/* The columns and their types as the old table had them. */
	for (int i = 0; i < t->ncols; i++) {
		char *qc = tsm_quote_ident(t->cols[i].name);

		if (i > 0)
			tsm_buf_puts(&sql, ", ");
		if (!view_expr(conn, t, i, src, &sql)) {
			free(qc);
			goto out;
		}
		tsm_buf_printf(&sql, " AS %s", qc);
		free(qc);
	}
	tsm_buf_printf(&sql, " FROM %s.candles c WHERE c.instrument_id = %d "
	    "AND c.timeframe = %s", qt, instrument_id, tf);
	/* The old name changes hands in one transaction. */
	if (!tsm_buf_ok(&sql) || !tsm_command(conn, "BEGIN", 0, NULL) ||
	    !tsm_command(conn, sql.data, 0, NULL))
		goto out;
	/* Whoever could read the table can read the view. */
	p[0] = t->schema;
	p[1] = renamed;
	res = tsm_query(conn, "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
	    "ELSE pg_catalog.quote_ident(r.rolname) END "
	    "FROM pg_catalog.pg_class c "
	    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace, "
	    "LATERAL pg_catalog.aclexplode(c.relacl) a "
	    "LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee "
	    "WHERE n.nspname = $1 AND c.relname = $2 "
	    "AND a.privilege_type = 'SELECT' AND a.grantee <> c.relowner", 2,
	    p);
	if (res == NULL)
		goto out;
	for (int r = 0; r < PQntuples(res); r++) {
		tsm_buf_reset(&sql);
		/* A role name from the catalog, quoted by the server. */
		tsm_buf_printf(&sql, "GRANT SELECT ON %s.%s TO %s", qs, qn,
		    PQgetvalue(res, r, 0));
		if (!tsm_buf_ok(&sql) || !tsm_command(conn, sql.data, 0, NULL)) {
			PQclear(res);
			goto out;
		}
	}
	PQclear(res);
	tsm_buf_reset(&sql);
	{
		char *note, *lit;

		if (asprintf(&note, "tsm-migrate: the %s %s %s candles of %s."
		    "candles; the old table is kept as %s", t->exchange,
		    t->symbol, t->tf.code, tsm_schema, renamed) < 0)
			goto out;
		lit = tsm_quote_literal(note);
		free(note);
		tsm_buf_printf(&sql, "COMMENT ON VIEW %s.%s IS %s", qs, qn,
		    lit);
		free(lit);
	}
	if (!tsm_buf_ok(&sql) || !tsm_command(conn, sql.data, 0, NULL) ||
	    !tsm_command(conn, "COMMIT", 0, NULL))
		goto out;
	ok = true;
out:
	if (!ok && PQtransactionStatus(conn) != PQTRANS_IDLE)
		PQclear(PQexec(conn, "ROLLBACK"));
	tsm_buf_free(&sql);
	free(qs);
	free(qn);
	free(qt);
	free(tf);
	free(qr);
	return ok;
}

bool
tsm_legacy_drop(PGconn *conn, const struct tsm_legacy_table *t, bool renamed)
{
	char name[80], sql[300];
	char *qs = tsm_quote_ident(t->schema), *qn;
	bool ok;

	snprintf(name, sizeof(name), "%s%s", t->name, renamed ? "_legacy" : "");
	qn = tsm_quote_ident(name);
	snprintf(sql, sizeof(sql), "DROP TABLE %s.%s", qs, qn);
	ok = tsm_command(conn, sql, 0, NULL);
	if (!ok)
		tsm_hint("the rows of %s.%s are in the candles; drop it "
		    "yourself once nothing needs it", t->schema, name);
	free(qs);
	free(qn);
	return ok;
}
