/*
 * query.c: tsm-query's session: access checks, named queries with typed
 * parameters, the answer's writer.  Streaming is in query_stream.c.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "age.h"
#include "db.h"
#include "log.h"
#include "query.h"
#include "sqlfiles.h"
#include "sqlscript.h"
#include "timeparse.h"

/* Type OIDs of the parameters (pg_type.h is not a client header). */
#define OID_BOOL	16
#define OID_INT8	20
#define OID_TEXT	25
#define OID_FLOAT8	701
#define OID_TIMESTAMPTZ	1184
#define OID_INTERVAL	1186

/* Reports that the role lacks priv on what (already quoted); says how. */
static void
report_grant(struct tsm_qctx *q, const char *role, const char *priv,
    const char *kind, const char *what)
{
	tsm_error("role \"%s\" lacks %s on %s %s", role, priv, kind, what);
	tsm_hint("have the owner run GRANT %s ON %s%s TO \"%s\", or grant it "
	    "the role %s_reader that tsm-init --roles makes", priv,
	    strcmp(kind, "schema") == 0 ? "SCHEMA " : "", what, role,
	    q->schema);
}

char *
tsm_q_text_array(const char *const *items, int n)
{
	size_t len = 3;
	char *arr, *o;

	for (int i = 0; i < n; i++)
		len += 2 * strlen(items[i]) + 3;
	arr = malloc(len);
	if (arr == NULL)
		return NULL;
	o = arr;
	*o++ = '{';
	for (int i = 0; i < n; i++) {
		if (i > 0)
			*o++ = ',';
		*o++ = '"';
		for (const char *s = items[i]; *s; s++) {
			if (*s == '"' || *s == '\\')
				*o++ = '\\';
			*o++ = *s;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return arr;
}

/*
 * What a fresh connection must learn: whether the role may use the schema
 * and read the tables (a table that is not there is left to the query
 * that needs it), and where TimescaleDB is; tail, when given, adds the
 * schema's version and backend.  JIT is off for the session: the queries
 * here are short or streamed, and compiling them costs more than it
 * saves (it doubled latest across a thousand instruments).
 */
static char *
open_sql(const char *tail)
{
	static const char head[] =
	    "SELECT n.oid IS NULL OR"
	    "       pg_catalog.has_schema_privilege(n.oid, 'USAGE'),"
	    "       current_user, pg_catalog.quote_ident($1),"
	    "       (SELECT x.nspname FROM pg_catalog.pg_extension e"
	    "        JOIN pg_catalog.pg_namespace x ON x.oid = e.extnamespace"
	    "        WHERE e.extname = 'timescaledb'),"
	    "       pg_catalog.set_config('jit', 'off', false),"
	    "       lack.name, lack.kind%s"
	    " FROM (SELECT) AS one"
	    " LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = $1"
	    " LEFT JOIN LATERAL ("
	    "   SELECT pg_catalog.format('%%I.%%I', $1, u.t) AS name,"
	    "          CASE c.relkind WHEN 'v' THEN 'view'"
	    "          WHEN 'm' THEN 'materialized view' ELSE 'table' END"
	    "          AS kind"
	    "   FROM pg_catalog.unnest($2::text[]) WITH ORDINALITY AS u (t, k)"
	    "   JOIN pg_catalog.pg_class c ON c.relname = u.t"
	    "        AND c.relnamespace = n.oid"
	    "   WHERE NOT pg_catalog.has_table_privilege(c.oid, 'SELECT')"
	    "   ORDER BY u.k LIMIT 1) AS lack ON true";
	size_t n = sizeof(head) + strlen(tail);
	char *sql = malloc(n);

	if (sql != NULL)
		snprintf(sql, n, head, tail);
	return sql;
}

/* Reports what the access columns of open_sql's row say is lacking. */
static bool
access_ok(struct tsm_qctx *q, const PGresult *res)
{
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		report_grant(q, PQgetvalue(res, 0, 1), "USAGE", "schema",
		    PQgetvalue(res, 0, 2));
		return false;
	}
	if (!PQgetisnull(res, 0, 5)) {
		report_grant(q, PQgetvalue(res, 0, 1), "SELECT",
		    PQgetvalue(res, 0, 6), PQgetvalue(res, 0, 5));
		return false;
	}
	snprintf(q->ext, sizeof(q->ext), "%s", PQgetvalue(res, 0, 3));
	return true;
}

/*
 * The common case in one round trip: the access checks together with the
 * schema's version and backend.  1 when all is well (q->ext and
 * q->backend set), 0 when anything is amiss (the statement failed: no
 * schema, no tables, no grant; or the version is not this build's): the
 * caller then looks step by step and says what is wrong.  -1 after
 * reporting a lacking grant.
 */
static int
open_fast(struct tsm_qctx *q, const char *const *params)
{
	char *qs = tsm_quote_ident(q->schema), *tail = NULL, *sql = NULL;
	size_t n;
	PGresult *res;
	int rc = 0;

	if (qs == NULL)
		return 0;
	n = 2 * strlen(qs) + 160;
	tail = malloc(n);
	if (tail != NULL) {
		snprintf(tail, n, ", (SELECT max(version) FROM %s."
		    "schema_migrations), (SELECT value FROM %s.meta"
		    " WHERE key = 'backend')", qs, qs);
		sql = open_sql(tail);
	}
	free(qs);
	free(tail);
	if (sql == NULL)
		return 0;
	res = PQexecParams(q->conn, sql, 2, NULL, params, NULL, NULL, 0);
	free(sql);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		if (!access_ok(q, res))
			rc = -1;
		else if (!PQgetisnull(res, 0, 7) &&
		    atoi(PQgetvalue(res, 0, 7)) == tsm_schema_latest() &&
		    tsm_backend_parse(PQgetvalue(res, 0, 8), &q->backend))
			rc = 1;
	}
	PQclear(res);
	return rc;
}

bool
tsm_q_open(struct tsm_qctx *q, const char *const *tables, int n)
{
	const char *base[] = { "schema_migrations", "meta" };
	const char *all[18];
	const char *params[2];
	struct tsm_schema_state st;
	PGresult *res;
	char *arr, *sql;
	int k = 0, rc;

	for (int i = 0; i < 2; i++)
		all[k++] = base[i];
	for (int i = 0; i < n && k < 18; i++)
		all[k++] = tables[i];
	arr = tsm_q_text_array(all, k);
	if (arr == NULL) {
		tsm_error("out of memory");
		return false;
	}
	params[0] = q->schema;
	params[1] = arr;
	rc = open_fast(q, params);
	if (rc == 0) {
		/* Step by step, to say what is wrong. */
		sql = open_sql("");
		if (sql == NULL)
			tsm_error("out of memory");
		res = sql != NULL ? tsm_query(q->conn, sql, 2, params) : NULL;
		free(sql);
		rc = res != NULL && access_ok(q, res) ? 0 : -1;
		PQclear(res);
		if (rc == 0 && !tsm_schema_require(q->conn, q->schema, &st))
			rc = -1;
		if (rc == 0)
			q->backend = st.backend;
	}
	free(arr);
	if (rc < 0)
		return false;
	if (q->backend == TSM_BACKEND_TIMESCALEDB && q->ext[0] == '\0') {
		tsm_error("schema \"%s\" was made for TimescaleDB, which is not "
		    "installed in database \"%s\"", q->schema, PQdb(q->conn));
		tsm_hint("CREATE EXTENSION timescaledb, or restore the "
		    "database where it is installed");
		return false;
	}
	return true;
}

void
tsm_params_init(struct tsm_params *p)
{
	memset(p, 0, sizeof(*p));
}

/* The next slot; the caller has checked that the statement fits. */
static int
slot(struct tsm_params *p, Oid type)
{
	int i = p->n < TSM_Q_MAXPARAMS ? p->n++ : TSM_Q_MAXPARAMS - 1;

	p->types[i] = type;
	return i;
}

void
tsm_param_text(struct tsm_params *p, const char *s)
{
	int i = slot(p, OID_TEXT);

	p->values[i] = s;
}

void
tsm_param_int(struct tsm_params *p, int64_t v)
{
	int i = slot(p, OID_INT8);

	snprintf(p->buf[i], sizeof(p->buf[i]), "%" PRId64, v);
	p->values[i] = p->buf[i];
}

void
tsm_param_bool(struct tsm_params *p, bool v)
{
	int i = slot(p, OID_BOOL);

	p->values[i] = v ? "true" : "false";
}

void
tsm_param_time(struct tsm_params *p, int64_t t)
{
	int i = slot(p, OID_TIMESTAMPTZ);

	if (t == TSM_TIME_NONE_LO)
		p->values[i] = "-infinity";
	else if (t == TSM_TIME_NONE_HI)
		p->values[i] = "infinity";
	else {
		tsm_format_time(t, p->buf[i]);
		p->values[i] = p->buf[i];
	}
}

void
tsm_param_interval(struct tsm_params *p, int32_t months, int64_t usecs)
{
	int i = slot(p, OID_INTERVAL);
	struct tsm_age a = { months, usecs };

	tsm_age_to_pg(&a, p->buf[i], sizeof(p->buf[i]));
	p->values[i] = p->buf[i];
}

void
tsm_param_raw(struct tsm_params *p, Oid type, const char *text)
{
	int i = slot(p, type);

	p->values[i] = text;
}

char *
tsm_q_sql(const struct tsm_qctx *q, const char *file,
    const struct tsm_sql_var *extra, int nextra)
{
	const struct tsm_sql_file *f = tsm_sql_file_find(file);
	bool tsdb = q->backend == TSM_BACKEND_TIMESCALEDB;
	struct tsm_sql_var vars[16];
	int n = 0;

	if (f == NULL) {
		tsm_error("internal: SQL file %s is not built in", file);
		return NULL;
	}
	vars[n++] = (struct tsm_sql_var){ "schema", q->schema };
	vars[n++] = (struct tsm_sql_var){ "timescaledb",
	    tsdb ? "true" : "false" };
	vars[n++] = (struct tsm_sql_var){ "native", tsdb ? "false" : "true" };
	vars[n++] = (struct tsm_sql_var){ "ext", q->ext[0] ? q->ext :
	    "public" };
	for (int i = 0; i < nextra && n < 16; i++)
		vars[n++] = extra[i];
	return tsm_sql_expand(file, f->text, vars, n);
}

/*
 * Where the statement of SQL text begins: past blank lines, spaces and
 * "--" comments.
 */
const char *
tsm_q_statement_start(const char *s)
{
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (s[0] != '-' || s[1] != '-')
			return s;
		s = strchr(s, '\n');
		if (s == NULL)
			return "";
	}
}

char *
tsm_q_sql_over_bars(const struct tsm_qctx *q, const char *bars,
    const char *file, const struct tsm_sql_var *extra, int nextra)
{
	char *body = tsm_q_sql(q, file, extra, nextra);
	const char *rest;
	char *sql;
	size_t n;

	if (body == NULL)
		return NULL;
	rest = tsm_q_statement_start(body);
	n = strlen(bars) + strlen(body) + 32;
	sql = malloc(n);
	if (sql == NULL) {
		tsm_error("out of memory");
		free(body);
		return NULL;
	}
	/* A query with a WITH clause of its own gets bars as its first. */
	if (strncasecmp(rest, "WITH", 4) == 0 &&
	    (rest[4] == ' ' || rest[4] == '\n' || rest[4] == '\t'))
		snprintf(sql, n, "WITH bars AS (\n%s),\n%s", bars, rest + 5);
	else
		snprintf(sql, n, "WITH bars AS (\n%s)\n%s", bars, rest);
	free(body);
	return sql;
}

PGresult *
tsm_q_exec(struct tsm_qctx *q, const char *sql, const struct tsm_params *p)
{
	PGresult *res;
	ExecStatusType st;

	res = PQexecParams(q->conn, sql, p ? p->n : 0, p ? p->types : NULL,
	    p ? p->values : NULL, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return res;
	tsm_report_result(q->conn, res, NULL);
	PQclear(res);
	return NULL;
}

bool
tsm_q_writer(struct tsm_qctx *q, int ncols, const char *const *names,
    const enum tsm_coltype *types)
{
	if (q->w != NULL)
		return true;
	q->w = tsm_writer_new(q->out, q->format, q->header, ncols, names,
	    types);
	return q->w != NULL;
}

bool
tsm_q_finish(struct tsm_qctx *q)
{
	bool ok;

	if (q->w == NULL)
		return true;
	q->rows += tsm_writer_rows(q->w);
	ok = tsm_writer_end(q->w);
	q->w = NULL;
	return ok;
}

bool
tsm_q_time_value(const char *pgtext, int64_t *out)
{
	char iso[TSM_TIME_BUFSZ];
	size_t n = tsm_pg_time_to_iso(pgtext, strlen(pgtext), iso);
	const char *why;

	return n > 0 && tsm_parse_time(iso, n, NULL, out, &why);
}

void
tsm_q_explain(const struct tsm_qctx *q, const char *fmt, ...)
{
	va_list ap;

	if (!q->explain)
		return;
	fprintf(stderr, "%s: explain: ", tsm_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
