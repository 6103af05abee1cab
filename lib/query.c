/*
 * query.c: tsm-query's session: access checks, named queries with typed
 * parameters, and answers streamed row by row to a writer.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "age.h"
#include "cancel.h"
#include "db.h"
#include "log.h"
#include "num.h"
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

bool
tsm_q_open(struct tsm_qctx *q, const char *const *tables, int n)
{
	const char *base[] = { "schema_migrations", "meta" };
	const char *all[18];
	const char *params[2];
	struct tsm_schema_state st;
	PGresult *res;
	char *arr;
	int k = 0;

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
	/*
	 * One round trip for what a fresh connection must learn: whether the
	 * role may use the schema and read the tables (a table that is not
	 * there is left to the query that needs it), and where TimescaleDB
	 * is.  JIT is off for the session: the queries here are short or
	 * streamed, and compiling them costs more than it saves (it doubled
	 * latest across a thousand instruments).
	 */
	res = tsm_query(q->conn,
	    "SELECT n.oid IS NULL OR"
	    "       pg_catalog.has_schema_privilege(n.oid, 'USAGE'),"
	    "       current_user, pg_catalog.quote_ident($1),"
	    "       (SELECT x.nspname FROM pg_catalog.pg_extension e"
	    "        JOIN pg_catalog.pg_namespace x ON x.oid = e.extnamespace"
	    "        WHERE e.extname = 'timescaledb'),"
	    "       pg_catalog.set_config('jit', 'off', false),"
	    "       lack.name, lack.kind"
	    " FROM (SELECT) AS one"
	    " LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = $1"
	    " LEFT JOIN LATERAL ("
	    "   SELECT pg_catalog.format('%I.%I', $1, u.t) AS name,"
	    "          CASE c.relkind WHEN 'v' THEN 'view'"
	    "          WHEN 'm' THEN 'materialized view' ELSE 'table' END"
	    "          AS kind"
	    "   FROM pg_catalog.unnest($2::text[]) WITH ORDINALITY AS u (t, k)"
	    "   JOIN pg_catalog.pg_class c ON c.relname = u.t"
	    "        AND c.relnamespace = n.oid"
	    "   WHERE NOT pg_catalog.has_table_privilege(c.oid, 'SELECT')"
	    "   ORDER BY u.k LIMIT 1) AS lack ON true", 2, params);
	free(arr);
	if (res == NULL)
		return false;
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		report_grant(q, PQgetvalue(res, 0, 1), "USAGE", "schema",
		    PQgetvalue(res, 0, 2));
		PQclear(res);
		return false;
	}
	if (!PQgetisnull(res, 0, 5)) {
		report_grant(q, PQgetvalue(res, 0, 1), "SELECT",
		    PQgetvalue(res, 0, 6), PQgetvalue(res, 0, 5));
		PQclear(res);
		return false;
	}
	snprintf(q->ext, sizeof(q->ext), "%s", PQgetvalue(res, 0, 3));
	PQclear(res);
	if (!tsm_schema_require(q->conn, q->schema, &st))
		return false;
	q->backend = st.backend;
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
tsm_param_float(struct tsm_params *p, double v)
{
	int i = slot(p, OID_FLOAT8);

	tsm_format_double(v, p->buf[i]);
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
static const char *
statement_start(const char *s)
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
	rest = statement_start(body);
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

/* Makes the writer from the columns of a result. */
static bool
writer_for(struct tsm_qctx *q, const PGresult *res)
{
	int n = PQnfields(res);
	const char **names;
	enum tsm_coltype *types;
	bool ok;

	if (q->w != NULL)
		return true;
	names = calloc((size_t)(n > 0 ? n : 1), sizeof(*names));
	types = calloc((size_t)(n > 0 ? n : 1), sizeof(*types));
	if (names == NULL || types == NULL) {
		free(names);
		free(types);
		tsm_error("out of memory");
		return false;
	}
	for (int i = 0; i < n; i++) {
		names[i] = PQfname(res, i);
		types[i] = tsm_coltype_for_oid(PQftype(res, i));
	}
	ok = tsm_q_writer(q, n, names, types);
	free(names);
	free(types);
	return ok;
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

/* What a stream does with each row: write it, or hand it to fn. */
struct sink {
	struct tsm_qctx *q;
	tsm_row_fn fn;
	void *ctx;
	const char **vals;
	size_t *lens;
	int ncols;
	long long rows;
};

static bool
sink_row(struct sink *s, const PGresult *res, int r)
{
	if (s->fn != NULL) {
		s->rows++;
		return s->fn(s->ctx, res, r);
	}
	if (s->vals == NULL) {
		int n = PQnfields(res);

		if (!writer_for(s->q, res))
			return false;
		s->ncols = n;
		s->vals = calloc((size_t)(n > 0 ? n : 1), sizeof(*s->vals));
		s->lens = calloc((size_t)(n > 0 ? n : 1), sizeof(*s->lens));
		if (s->vals == NULL || s->lens == NULL) {
			tsm_error("out of memory");
			return false;
		}
	}
	for (int i = 0; i < s->ncols; i++) {
		if (PQgetisnull(res, r, i)) {
			s->vals[i] = NULL;
			s->lens[i] = 0;
		} else {
			s->vals[i] = PQgetvalue(res, r, i);
			s->lens[i] = (size_t)PQgetlength(res, r, i);
		}
	}
	s->rows++;
	return tsm_writer_row(s->q->w, s->vals, s->lens);
}

/* The end of an answer: an empty one still gets its header. */
static bool
sink_end(struct sink *s, const PGresult *res)
{
	if (s->fn == NULL && s->q->w == NULL)
		return writer_for(s->q, res);
	return true;
}

/* Asks the server to stop the running statement. */
static void
cancel_statement(PGconn *conn)
{
	PGcancel *c = PQgetCancel(conn);
	char err[256];

	if (c != NULL) {
		(void)PQcancel(c, err, sizeof(err));
		PQfreeCancel(c);
	}
}

/* Streams in single-row mode: one PGresult per row, flat memory. */
static bool
stream_single(struct tsm_qctx *q, const char *sql, const struct tsm_params *p,
    struct sink *s)
{
	PGresult *res;
	bool failed = false, reported = false;

	if (!PQsendQueryParams(q->conn, sql, p ? p->n : 0, p ? p->types : NULL,
	    p ? p->values : NULL, NULL, NULL, 0)) {
		tsm_report_result(q->conn, NULL, NULL);
		return false;
	}
	if (!PQsetSingleRowMode(q->conn)) {
		tsm_error("internal: cannot switch to single-row mode");
		failed = true;
	}
	while ((res = PQgetResult(q->conn)) != NULL) {
		switch (PQresultStatus(res)) {
		case PGRES_SINGLE_TUPLE:
			if (!failed && !sink_row(s, res, 0)) {
				failed = reported = true;
				cancel_statement(q->conn);
			}
			break;
		case PGRES_TUPLES_OK:
		case PGRES_COMMAND_OK:
			if (!failed && !sink_end(s, res))
				failed = reported = true;
			break;
		default:
			if (!reported)
				tsm_report_result(q->conn, res, NULL);
			failed = reported = true;
			break;
		}
		PQclear(res);
	}
	return !failed;
}

/* Queues the next FETCH of a pipeline and has the server send it. */
static bool
send_fetch(PGconn *conn, const char *fetch)
{
	if (!PQsendQueryParams(conn, fetch, 0, NULL, NULL, NULL, NULL, 0) ||
	    !PQsendFlushRequest(conn) || PQflush(conn) != 0) {
		tsm_report_result(conn, NULL, NULL);
		return false;
	}
	return true;
}

/*
 * Reads the FETCHes of a pipeline, two in flight, so that the server
 * makes the next batch while this one is written.  *outstanding is
 * left at 0.
 */
static bool
drain_fetches(struct tsm_qctx *q, const char *fetch, struct sink *s,
    int *outstanding)
{
	bool done = false, failed = false;

	while (*outstanding > 0) {
		PGresult *res = PQgetResult(q->conn);
		ExecStatusType st;

		if (res == NULL)
			continue;
		st = PQresultStatus(res);
		if (st == PGRES_TUPLES_OK && !failed) {
			int k = PQntuples(res);

			for (int r = 0; r < k && !failed; r++)
				failed = !sink_row(s, res, r);
			if (!failed && !done && k < q->fetch_size) {
				done = true;
				failed = !sink_end(s, res);
			}
		} else if (st != PGRES_TUPLES_OK && !failed) {
			if (st != PGRES_PIPELINE_ABORTED)
				tsm_report_result(q->conn, res, NULL);
			failed = true;
		}
		PQclear(res);
		/* Each statement of a pipeline ends with a NULL result. */
		res = PQgetResult(q->conn);
		PQclear(res);
		(*outstanding)--;
		if (!done && !failed) {
			if (!send_fetch(q->conn, fetch))
				failed = true;
			else
				(*outstanding)++;
		}
	}
	return !failed;
}

/*
 * Streams through a cursor, FETCH n at a time, in a transaction of its
 * own unless one is open (as psql does with FETCH_COUNT); the FETCHes are
 * pipelined so that the server never waits for this side.
 */
static bool
stream_cursor(struct tsm_qctx *q, const char *sql, const struct tsm_params *p,
    struct sink *s)
{
	bool own = PQtransactionStatus(q->conn) == PQTRANS_IDLE;
	char fetch[64];
	size_t n = strlen(sql) + 64;
	char *decl = malloc(n);
	PGresult *res;
	int outstanding = 0;
	bool ok = false;

	if (decl == NULL) {
		tsm_error("out of memory");
		return false;
	}
	snprintf(decl, n, "DECLARE tsm_query_cursor NO SCROLL CURSOR FOR %s",
	    sql);
	snprintf(fetch, sizeof(fetch), "FETCH %d FROM tsm_query_cursor",
	    q->fetch_size);
	if (own && !tsm_command(q->conn, "BEGIN", 0, NULL))
		goto out;
	res = tsm_q_exec(q, decl, p);
	if (res == NULL)
		goto rollback;
	PQclear(res);
	if (!PQenterPipelineMode(q->conn)) {
		tsm_report_result(q->conn, NULL, NULL);
		goto rollback;
	}
	ok = send_fetch(q->conn, fetch);
	outstanding = ok;
	if (ok && send_fetch(q->conn, fetch))
		outstanding++;
	else
		ok = false;
	ok = drain_fetches(q, fetch, s, &outstanding) && ok;
	/* End the pipeline: a sync, then its result. */
	if (PQpipelineSync(q->conn)) {
		while ((res = PQgetResult(q->conn)) != NULL ||
		    PQpipelineStatus(q->conn) != PQ_PIPELINE_OFF) {
			ExecStatusType st = res ? PQresultStatus(res) :
			    PGRES_EMPTY_QUERY;

			PQclear(res);
			if (st == PGRES_PIPELINE_SYNC) {
				PQexitPipelineMode(q->conn);
				break;
			}
			if (res == NULL && PQstatus(q->conn) == CONNECTION_BAD)
				break;
		}
	}
	if (!ok)
		goto rollback;
	if (!tsm_command(q->conn, "CLOSE tsm_query_cursor", 0, NULL))
		goto rollback;
	ok = !own || tsm_command(q->conn, "COMMIT", 0, NULL);
	goto out;
rollback:
	ok = false;
	if (own && PQstatus(q->conn) == CONNECTION_OK) {
		res = PQexec(q->conn, "ROLLBACK");
		PQclear(res);
	}
out:
	free(decl);
	return ok;
}

/* The value of a hexadecimal digit, or -1. */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Undoes the backslash escapes of COPY's text format in s[0..len) into
 * out (at least len bytes); returns the new length.
 */
static size_t
copy_unescape(const char *s, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c != '\\' || i + 1 == len) {
			out[o++] = c;
			continue;
		}
		c = s[++i];
		switch (c) {
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'v': out[o++] = '\v'; break;
		case 'x': {
			int v = 0, k = 0;

			while (k < 2 && i + 1 < len && hexval(s[i + 1]) >= 0)
				v = v * 16 + hexval(s[++i]), k++;
			out[o++] = k ? (char)v : 'x';
			break;
		}
		default:
			if (c >= '0' && c <= '7') {
				int v = c - '0';

				for (int k = 1; k < 3 && i + 1 < len &&
				    s[i + 1] >= '0' && s[i + 1] <= '7'; k++)
					v = v * 8 + (s[++i] - '0');
				out[o++] = (char)v;
			} else {
				out[o++] = c;
			}
		}
	}
	return o;
}

/*
 * Writes one row of COPY's text format (without its newline): fields cut
 * at tabs, "\\N" for NULL, escapes undone (into scratch) only where the
 * line has a backslash at all.
 */
static bool
copy_row(struct sink *s, char *line, size_t len, char **scratch,
    size_t *scap)
{
	bool escaped = memchr(line, '\\', len) != NULL;
	const char *p = line, *end = line + len;
	int i;

	if (escaped && *scap < len + 1) {
		char *n = realloc(*scratch, len + 1);

		if (n == NULL) {
			tsm_error("out of memory");
			return false;
		}
		*scratch = n;
		*scap = len + 1;
	}
	for (i = 0; i < s->ncols; i++) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		size_t fl = tab ? (size_t)(tab - p) : (size_t)(end - p);

		if (tab == NULL && i + 1 < s->ncols)
			break;
		if (escaped && fl == 2 && p[0] == '\\' && p[1] == 'N') {
			s->vals[i] = NULL;
			s->lens[i] = 0;
		} else if (escaped && memchr(p, '\\', fl) != NULL) {
			/* Unescaped into the scratch at the same offset. */
			char *o = *scratch + (p - line);

			s->lens[i] = copy_unescape(p, fl, o);
			s->vals[i] = o;
		} else {
			s->vals[i] = p;
			s->lens[i] = fl;
		}
		p = tab ? tab + 1 : end;
	}
	if (i != s->ncols) {
		tsm_error("internal: COPY gave %d columns of %d", i, s->ncols);
		return false;
	}
	s->rows++;
	return tsm_writer_row(s->q->w, s->vals, s->lens);
}

/* True if the statement is one that COPY ( ... ) TO STDOUT takes. */
static bool
copyable(const char *sql)
{
	static const char *const kw[] = { "SELECT", "WITH", "VALUES",
	    "TABLE" };
	const char *p = statement_start(sql);

	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		size_t n = strlen(kw[i]);

		if (strncasecmp(p, kw[i], n) == 0 && (p[n] == ' ' ||
		    p[n] == '\n' || p[n] == '\t' || p[n] == '\r' || p[n] == '('))
			return true;
	}
	return false;
}

/*
 * Streams a statement without parameters through COPY ... TO STDOUT, the
 * cheapest way rows leave the server: the columns' names and types come
 * from describing the statement first.  Returns 0 when the statement is
 * not one COPY takes (the caller streams rows instead).
 */
static int
stream_copy(struct tsm_qctx *q, const char *sql, struct sink *s)
{
	PGresult *res;
	char *copy, *buf, *scratch = NULL;
	size_t n = strlen(sql), scap = 0;
	int len;
	bool failed = false;

	if (!copyable(sql))
		return 0;
	res = PQprepare(q->conn, "", sql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		tsm_report_result(q->conn, res, NULL);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	res = PQdescribePrepared(q->conn, "");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		tsm_report_result(q->conn, res, NULL);
		PQclear(res);
		return -1;
	}
	s->ncols = PQnfields(res);
	if (s->ncols == 0 || !writer_for(q, res)) {
		PQclear(res);
		return s->ncols == 0 ? 0 : -1;
	}
	PQclear(res);
	s->vals = calloc((size_t)s->ncols, sizeof(*s->vals));
	s->lens = calloc((size_t)s->ncols, sizeof(*s->lens));
	/* A trailing ";" would end the statement inside the parentheses. */
	while (n > 0 && (sql[n - 1] == ';' || sql[n - 1] == ' ' ||
	    sql[n - 1] == '\n' || sql[n - 1] == '\t' || sql[n - 1] == '\r'))
		n--;
	copy = malloc(n + 32);
	if (copy == NULL || s->vals == NULL || s->lens == NULL) {
		free(copy);
		tsm_error("out of memory");
		return -1;
	}
	/* The newline keeps a trailing "--" comment off the ")". */
	snprintf(copy, n + 32, "COPY (%.*s\n) TO STDOUT", (int)n, sql);
	res = PQexec(q->conn, copy);
	free(copy);
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		tsm_report_result(q->conn, res, NULL);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	while ((len = PQgetCopyData(q->conn, &buf, 0)) > 0) {
		if (!failed) {
			size_t l = (size_t)len;

			if (l > 0 && buf[l - 1] == '\n')
				l--;
			if (!copy_row(s, buf, l, &scratch, &scap)) {
				failed = true;
				cancel_statement(q->conn);
			}
		}
		PQfreemem(buf);
	}
	free(scratch);
	while ((res = PQgetResult(q->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && !failed) {
			tsm_report_result(q->conn, res, NULL);
			failed = true;
		}
		PQclear(res);
	}
	return failed ? -1 : 1;
}

static long long
run_stream(struct tsm_qctx *q, const char *sql, const struct tsm_params *p,
    tsm_row_fn fn, void *ctx)
{
	struct sink s = { q, fn, ctx, NULL, NULL, 0, 0 };
	bool ok;

	if (q->fetch_size > 0)
		ok = stream_cursor(q, sql, p, &s);
	else
		ok = stream_single(q, sql, p, &s);
	free(s.vals);
	free(s.lens);
	return ok ? s.rows : -1;
}

long long
tsm_q_stream(struct tsm_qctx *q, const char *sql, const struct tsm_params *p)
{
	return run_stream(q, sql, p, NULL, NULL);
}

long long
tsm_q_stream_copy(struct tsm_qctx *q, const char *sql)
{
	struct sink s = { q, NULL, NULL, NULL, NULL, 0, 0 };
	int rc = q->fetch_size > 0 ? 0 : stream_copy(q, sql, &s);

	free(s.vals);
	free(s.lens);
	if (rc == 0)
		return tsm_q_stream(q, sql, NULL);
	return rc > 0 ? s.rows : -1;
}

long long
tsm_q_each(struct tsm_qctx *q, const char *sql, const struct tsm_params *p,
    tsm_row_fn fn, void *ctx)
{
	return run_stream(q, sql, p, fn, ctx);
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
