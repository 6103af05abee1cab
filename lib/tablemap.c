/*
 * tablemap.c: matching the columns of a source table to a series.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "instrument.h"
#include "log.h"
#include "strbuf.h"
#include "tablemap.h"

/* Other names of series columns, as old tables and exports spell them. */
static const struct {
	const char *column;
	const char *names[8];
} aliases[] = {
	{ "time", { "open_time", "timestamp", "ts", "datetime", "date",
	    "bucket", "time_utc", NULL } },
	{ "quote_volume", { "quote_asset_volume", "quotevolume", NULL } },
	{ "trades", { "number_of_trades", "count", "trade_count", NULL } },
	{ "taker_buy_volume", { "taker_buy_base_asset_volume",
	    "taker_buy_base_volume", NULL } },
	{ "taker_buy_quote_volume", { "taker_buy_quote_asset_volume",
	    NULL } },
	{ "volume", { "vol", "base_volume", NULL } },
	{ "trade_id", { "id", "tradeid", "agg_trade_id", NULL } },
	{ "qty", { "quantity", "amount", "size", NULL } },
	{ "quote_qty", { "quoteqty", "quote_quantity", NULL } },
	{ "side", { "is_buyer_maker", "isbuyermaker", "taker_side", NULL } },
	{ "value", { "val", NULL } },
};

struct col {
	char name[64];
	char type[96];		/* format_type */
	bool required;		/* NOT NULL, no default (series) */
	bool used;		/* (source) */
};

/* Reads the columns of a relation (oid as text). */
static struct col *
columns(PGconn *conn, const char *oid, int *n)
{
	const char *p[1] = { oid };
	struct col *v;
	PGresult *res = tsm_query(conn, "SELECT attname, "
	    "pg_catalog.format_type(atttypid, atttypmod), attnotnull AND NOT "
	    "atthasdef AND attidentity = '' AND attgenerated = '' "
	    "FROM pg_catalog.pg_attribute WHERE attrelid = $1::oid "
	    "AND attnum > 0 AND NOT attisdropped ORDER BY attnum", 1, p);

	*n = 0;
	if (res == NULL)
		return NULL;
	v = calloc((size_t)PQntuples(res) + 1, sizeof(*v));
	if (v == NULL) {
		tsm_error("out of memory");
		PQclear(res);
		return NULL;
	}
	for (int r = 0; r < PQntuples(res); r++) {
		snprintf(v[r].name, sizeof(v[r].name), "%s",
		    PQgetvalue(res, r, 0));
		snprintf(v[r].type, sizeof(v[r].type), "%s",
		    PQgetvalue(res, r, 1));
		v[r].required = strcmp(PQgetvalue(res, r, 2), "t") == 0;
	}
	*n = PQntuples(res);
	PQclear(res);
	return v;
}

static int
find_col(struct col *v, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return i;
	for (int i = 0; i < n; i++)
		if (strcasecmp(v[i].name, name) == 0)
			return i;
	return -1;
}

/* The source column for series column t: --map, its name, an alias. */
static int
source_for(const struct tsm_tablemap_opts *o, const char *t, struct col *s,
    int ns, bool *mapped, bool *ok)
{
	size_t tl = strlen(t);

	*mapped = false;
	for (int i = o->nmaps - 1; i >= 0; i--)
		if (strncmp(o->maps[i], t, tl) == 0 && o->maps[i][tl] == '=') {
			int k = find_col(s, ns, o->maps[i] + tl + 1);

			*mapped = true;
			if (k < 0) {
				tsm_error("--map %s: %s has no column \"%s\"",
				    o->maps[i], o->source, o->maps[i] + tl + 1);
				*ok = false;
			}
			return k;
		}
	{
		int k = find_col(s, ns, t);

		if (k >= 0)
			return k;
	}
	for (size_t a = 0; a < sizeof(aliases) / sizeof(aliases[0]); a++) {
		if (strcmp(aliases[a].column, t) != 0)
			continue;
		for (int j = 0; aliases[a].names[j]; j++) {
			int k = find_col(s, ns, aliases[a].names[j]);

			if (k >= 0)
				return k;
		}
	}
	return -1;
}

static bool
type_is(const char *type, const char *prefix)
{
	return strncmp(type, prefix, strlen(prefix)) == 0;
}

static bool
is_integer_or_numeric(const char *type)
{
	return type_is(type, "integer") || type_is(type, "bigint") ||
	    type_is(type, "smallint") || type_is(type, "numeric") ||
	    type_is(type, "double precision") || type_is(type, "real");
}

/* The value of series column tc from source column sc, over "s". */
static void
value_expr(const struct tsm_tablemap_opts *o, const struct col *tc,
    const struct col *sc, struct tsm_buf *b)
{
	char *q = tsm_quote_ident(sc->name);

	if (type_is(tc->type, "timestamp with time zone") &&
	    is_integer_or_numeric(sc->type)) {
		static const char *const div[] = { NULL, "1", "1e3", "1e6",
			"1e9" };

		if (o->unit != TSM_UNIT_AUTO)
			tsm_buf_printf(b, "pg_catalog.to_timestamp(s.%s::double "
			    "precision / %s)", q, div[o->unit]);
		else
			tsm_buf_printf(b, "CASE WHEN s.%s < 100000000000 THEN "
			    "pg_catalog.to_timestamp(s.%s::double precision) "
			    "WHEN s.%s < 100000000000000 THEN "
			    "pg_catalog.to_timestamp(s.%s::double precision / "
			    "1e3) WHEN s.%s < 100000000000000000 THEN "
			    "pg_catalog.to_timestamp(s.%s::double precision / "
			    "1e6) ELSE pg_catalog.to_timestamp(s.%s::double "
			    "precision / 1e9) END", q, q, q, q, q, q, q);
	} else if (strcmp(tc->name, "side") == 0 &&
	    type_is(sc->type, "boolean")) {
		/* Binance's is_buyer_maker: the taker sold when it is true. */
		tsm_buf_printf(b, "CASE WHEN s.%s THEN 'sell' ELSE 'buy' END",
		    q);
	} else {
		/* timestamp without zone becomes timestamptz in --tz. */
		tsm_buf_printf(b, "s.%s::%s", q, tc->type);
	}
	free(q);
}

/* Finds the source relation by a name the server parses. */
static bool
resolve_source(PGconn *conn, const struct tsm_tablemap_opts *o,
    struct tsm_move *m, char *oid, size_t oidsz)
{
	const char *p[1] = { o->source };
	PGresult *res = tsm_query(conn,
	    "WITH id AS (SELECT pg_catalog.parse_ident($1) AS a) "
	    "SELECT c.oid, n.nspname, c.relname, c.relkind "
	    "FROM id, pg_catalog.pg_class c "
	    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	    "WHERE pg_catalog.array_length(id.a, 1) <= 2 "
	    "AND n.nspname = CASE WHEN pg_catalog.array_length(id.a, 1) = 2 "
	    "THEN id.a[1] ELSE 'public' END "
	    "AND c.relname = id.a[pg_catalog.array_length(id.a, 1)]", 1, p);
	char *qs, *qn;

	if (res == NULL) {
		tsm_hint("give the table as TABLE or SCHEMA.TABLE, quoted as "
		    "in SQL where needed");
		return false;
	}
	if (PQntuples(res) != 1) {
		tsm_error("no table %s%s", strchr(o->source, '.') ? "" :
		    "public.", o->source);
		PQclear(res);
		return false;
	}
	if (strcmp(PQgetvalue(res, 0, 3), "r") != 0) {
		tsm_error("%s is not a plain table (a view, or partitioned): "
		    "move a table, or each of its partitions", o->source);
		PQclear(res);
		return false;
	}
	snprintf(oid, oidsz, "%s", PQgetvalue(res, 0, 0));
	snprintf(m->label, sizeof(m->label), "%s.%s", PQgetvalue(res, 0, 1),
	    PQgetvalue(res, 0, 2));
	qs = tsm_quote_ident(PQgetvalue(res, 0, 1));
	qn = tsm_quote_ident(PQgetvalue(res, 0, 2));
	if (asprintf(&m->source, "%s.%s", qs, qn) < 0)
		m->source = NULL;
	free(qs);
	free(qn);
	if (strcmp(PQgetvalue(res, 0, 1), o->schema) == 0) {
		tsm_error("%s is in tsm's own schema: nothing to move",
		    m->label);
		PQclear(res);
		return false;
	}
	PQclear(res);
	return m->source != NULL;
}

bool
tsm_tablemap_build(PGconn *conn, const struct tsm_tablemap_opts *o,
    struct tsm_move *m)
{
	struct col *s = NULL, *t = NULL;
	struct tsm_buf e = TSM_BUF_INIT, unused = TSM_BUF_INIT;
	char soid[16], toid[16];
	int ns = 0, nt = 0;
	bool ok = false, good = true;

	snprintf(m->kind, sizeof(m->kind), "%s", o->kind);
	m->tz = o->tz;
	if (!resolve_source(conn, o, m, soid, sizeof(soid)) ||
	    !tsm_move_target(conn, o->schema, m))
		goto out;
	{
		char *qs = tsm_quote_ident(o->schema),
		    *qt = tsm_quote_ident(m->table), *name;
		const char *p[1];
		PGresult *res;

		if (asprintf(&name, "%s.%s", qs, qt) < 0)
			name = NULL;
		free(qs);
		free(qt);
		p[0] = name;
		res = name ? tsm_query(conn, "SELECT $1::regclass::oid", 1, p) :
		    NULL;
		free(name);
		if (res == NULL)
			goto out;
		snprintf(toid, sizeof(toid), "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	if ((s = columns(conn, soid, &ns)) == NULL ||
	    (t = columns(conn, toid, &nt)) == NULL)
		goto out;

	for (int i = 0; i < o->nmaps; i++) {
		const char *eq = strchr(o->maps[i], '=');
		char col[64];

		snprintf(col, sizeof(col), "%.*s", (int)(eq - o->maps[i]),
		    o->maps[i]);
		bool constant = strcmp(col, "instrument_id") == 0 ||
		    strcmp(col, "timeframe") == 0;

		if (find_col(t, nt, col) < 0 || constant) {
			if (constant)
				tsm_error("--map %s: give --exchange and "
				    "--symbol, or --interval, instead",
				    o->maps[i]);
			else
				tsm_error("--map %s: %s has no column \"%s\"",
				    o->maps[i], m->table, col);
			good = false;
		}
	}
	for (int i = 0; i < nt; i++) {
		bool mapped;
		int k;

		if (strcmp(t[i].name, "instrument_id") == 0) {
			if (o->exchange == NULL || o->symbol == NULL) {
				tsm_error("%s rows belong to an instrument: "
				    "give --exchange and --symbol", m->kind);
				good = false;
				continue;
			}
			if (!tsm_instrument_id(conn, o->schema, o->exchange,
			    o->symbol, true, &m->instrument_id))
				goto out;
			continue;
		}
		if (strcmp(t[i].name, "timeframe") == 0) {
			if (o->interval == NULL) {
				tsm_error("%s rows have an interval: give "
				    "--interval", m->kind);
				good = false;
				continue;
			}
			snprintf(m->timeframe, sizeof(m->timeframe), "%s",
			    o->interval);
			continue;
		}
		k = source_for(o, t[i].name, s, ns, &mapped, &good);
		if (k < 0) {
			if (t[i].required && !mapped) {
				tsm_error("%s has no column for \"%s\", which "
				    "%s need", m->label, t[i].name, m->kind);
				tsm_hint("name it with --map %s=COLUMN",
				    t[i].name);
				good = false;
			}
			continue;
		}
		s[k].used = true;
		tsm_buf_reset(&e);
		value_expr(o, &t[i], &s[k], &e);
		if (!tsm_buf_ok(&e) || !tsm_move_add(m, t[i].name, e.data))
			goto out;
	}
	if (!good)
		goto out;
	for (int i = 0; i < ns; i++)
		if (!s[i].used)
			tsm_buf_printf(&unused, "%s%s", unused.len ? ", " : "",
			    s[i].name);
	if (unused.len > 0)
		tsm_info("%s: not moved, no column of %s takes them: %s",
		    m->label, m->table, unused.data);
	ok = true;
out:
	free(s);
	free(t);
	tsm_buf_free(&e);
	tsm_buf_free(&unused);
	return ok;
}
