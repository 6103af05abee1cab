/*
 * db.c: statements and the server's errors.
 */
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "db.h"
#include "log.h"

void
tsm_report_result(PGconn *conn, const PGresult *res, const char *where)
{
	const char *primary, *detail, *hint, *sqlstate;

	if (res == NULL) {
		tsm_error("%s", PQerrorMessage(conn));
		return;
	}
	sqlstate = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	if (tsm_interrupted && sqlstate && strcmp(sqlstate, "57014") == 0) {
		tsm_error("interrupted: the running statement was cancelled");
		return;
	}
	if (primary == NULL) {
		/* Not a server error: the connection failed, say how. */
		if (PQstatus(conn) == CONNECTION_BAD)
			tsm_error("lost the connection to the server: %.*s",
			    (int)strcspn(PQerrorMessage(conn), "\n"),
			    PQerrorMessage(conn));
		else
			tsm_error("%s", PQerrorMessage(conn));
		return;
	}
	tsm_error("%s", primary);
	if (detail)
		tsm_detail("%s", detail);
	if (where)
		tsm_detail("%s", where);
	if (hint)
		tsm_hint("%s", hint);
	if (sqlstate && strcmp(sqlstate, "42501") == 0 && hint == NULL)
		tsm_hint("the role \"%s\" lacks a grant: ask the owner of the "
		    "schema, or run tsm-init --roles and use a role it made",
		    PQuser(conn));
	else if (sqlstate && strncmp(sqlstate, "08", 2) == 0)
		tsm_hint("the connection to the server was lost; what was "
		    "committed before stays, run the same command again");
}

PGresult *
tsm_query(PGconn *conn, const char *sql, int nparams,
    const char *const *params)
{
	PGresult *res;
	ExecStatusType st;

	if (nparams > 0)
		res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL,
		    0);
	else
		res = PQexec(conn, sql);
	st = PQresultStatus(res);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return res;
	tsm_report_result(conn, res, NULL);
	PQclear(res);
	return NULL;
}

bool
tsm_command(PGconn *conn, const char *sql, int nparams,
    const char *const *params)
{
	PGresult *res = tsm_query(conn, sql, nparams, params);

	if (res == NULL)
		return false;
	PQclear(res);
	return true;
}

void
tsm_rollback(PGconn *conn)
{
	PQclear(PQexec(conn, "ROLLBACK"));
}

int
tsm_exit_status(PGconn *conn)
{
	if (tsm_interrupted)
		return TSM_EXIT_INTERRUPTED;
	if (conn == NULL || PQstatus(conn) == CONNECTION_BAD)
		return TSM_EXIT_CONNECT;
	return TSM_EXIT_FAIL;
}

/* Wraps s in q, doubling every q inside; NULL when out of memory. */
static char *
quote_with(const char *s, char q)
{
	size_t n = 2, i;
	char *out, *o;

	for (i = 0; s[i]; i++)
		n += (s[i] == q) ? 2 : 1;
	out = malloc(n + 1);
	if (out == NULL)
		return NULL;
	o = out;
	*o++ = q;
	for (i = 0; s[i]; i++) {
		if (s[i] == q)
			*o++ = q;
		*o++ = s[i];
	}
	*o++ = q;
	*o = '\0';
	return out;
}

char *
tsm_quote_ident(const char *name)
{
	return quote_with(name, '"');
}

/*
 * A value with a backslash is written as E'...' with the backslashes
 * doubled, so that the literal means the same whatever
 * standard_conforming_strings says.
 */
char *
tsm_quote_literal(const char *value)
{
	size_t n = 0, i;
	char *tmp, *out;

	if (strchr(value, '\\') == NULL)
		return quote_with(value, '\'');
	tmp = malloc(2 * strlen(value) + 1);
	if (tmp == NULL)
		return NULL;
	for (i = 0; value[i]; i++) {
		if (value[i] == '\\')
			tmp[n++] = '\\';
		tmp[n++] = value[i];
	}
	tmp[n] = '\0';
	out = quote_with(tmp, '\'');
	free(tmp);
	if (out != NULL) {
		char *e = malloc(strlen(out) + 2);

		if (e != NULL) {
			e[0] = 'E';
			strcpy(e + 1, out);
		}
		free(out);
		out = e;
	}
	return out;
}
