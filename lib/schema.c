/*
 * schema.c: server probing and schema state.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "schema.h"
#include "sqlfiles.h"

const char *
tsm_backend_name(enum tsm_backend b)
{
	switch (b) {
	case TSM_BACKEND_NATIVE: return "native";
	case TSM_BACKEND_TIMESCALEDB: return "timescaledb";
	default: return "none";
	}
}

bool
tsm_backend_parse(const char *s, enum tsm_backend *out)
{
	if (strcmp(s, "native") == 0)
		*out = TSM_BACKEND_NATIVE;
	else if (strcmp(s, "timescaledb") == 0)
		*out = TSM_BACKEND_TIMESCALEDB;
	else
		return false;
	return true;
}

int
tsm_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		long x = 0, y = 0;

		while (*a && !isdigit((unsigned char)*a))
			a++;
		while (*b && !isdigit((unsigned char)*b))
			b++;
		while (isdigit((unsigned char)*a))
			x = x * 10 + (*a++ - '0');
		while (isdigit((unsigned char)*b))
			y = y * 10 + (*b++ - '0');
		if (x != y)
			return x < y ? -1 : 1;
		/* A suffix such as "-dev" ends the comparison. */
		if (*a == '-' || *b == '-')
			break;
	}
	return 0;
}

int
tsm_sql_file_version(const char *name)
{
	int v = 0;

	if (!isdigit((unsigned char)name[0]))
		return 0;
	while (isdigit((unsigned char)*name))
		v = v * 10 + (*name++ - '0');
	return *name == '_' ? v : 0;
}

int
tsm_schema_latest(void)
{
	int latest = 0;

	for (const struct tsm_sql_file *f = tsm_sql_files; f->name; f++) {
		int v = tsm_sql_file_version(f->name);

		if (v > latest)
			latest = v;
	}
	return latest;
}

bool
tsm_server_probe(PGconn *conn, struct tsm_server *srv)
{
	PGresult *res;

	memset(srv, 0, sizeof(*srv));
	srv->version_num = PQserverVersion(conn);
	res = tsm_query(conn,
	    "SELECT (SELECT default_version FROM pg_catalog.pg_available_extensions"
	    "        WHERE name = 'timescaledb'),"
	    "       (SELECT e.extversion FROM pg_catalog.pg_extension e"
	    "        WHERE e.extname = 'timescaledb'),"
	    "       (SELECT n.nspname FROM pg_catalog.pg_extension e"
	    "        JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
	    "        WHERE e.extname = 'timescaledb'),"
	    "       EXISTS (SELECT FROM pg_catalog.pg_settings"
	    "               WHERE name = 'timescaledb.max_background_workers')", 0, NULL);
	if (res == NULL)
		return false;
	snprintf(srv->tsdb_available, sizeof(srv->tsdb_available), "%s",
	    PQgetvalue(res, 0, 0));
	snprintf(srv->tsdb_installed, sizeof(srv->tsdb_installed), "%s",
	    PQgetvalue(res, 0, 1));
	snprintf(srv->tsdb_schema, sizeof(srv->tsdb_schema), "%s",
	    PQgetvalue(res, 0, 2));
	srv->tsdb_preloaded = strcmp(PQgetvalue(res, 0, 3), "t") == 0;
	PQclear(res);
	return true;
}

bool
tsm_schema_read(PGconn *conn, const char *schema, struct tsm_schema_state *st)
{
	const char *params[1] = { schema };
	PGresult *res;
	char *q, *sql;
	size_t n;

	memset(st, 0, sizeof(*st));
	st->latest = tsm_schema_latest();
	res = tsm_query(conn,
	    "SELECT EXISTS (SELECT FROM pg_catalog.pg_namespace"
	    "               WHERE nspname = $1),"
	    "       EXISTS (SELECT FROM pg_catalog.pg_class c"
	    "               JOIN pg_catalog.pg_namespace n"
	    "               ON n.oid = c.relnamespace"
	    "               WHERE n.nspname = $1"
	    "               AND c.relname = 'schema_migrations'),"
	    "       EXISTS (SELECT FROM pg_catalog.pg_class c"
	    "               JOIN pg_catalog.pg_namespace n"
	    "               ON n.oid = c.relnamespace"
	    "               WHERE n.nspname = $1 AND c.relname = 'meta')",
	    1, params);
	if (res == NULL)
		return false;
	st->exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	st->initialised = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	bool has_meta = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
	PQclear(res);
	if (!st->initialised)
		return true;

	q = tsm_quote_ident(schema);
	if (q == NULL)
		return false;
	n = 2 * strlen(q) + 256;
	sql = malloc(n);
	if (sql == NULL) {
		free(q);
		return false;
	}
	if (has_meta)
		snprintf(sql, n, "SELECT (SELECT max(version) FROM %s."
		    "schema_migrations), (SELECT value FROM %s.meta "
		    "WHERE key = 'backend')", q, q);
	else
		snprintf(sql, n, "SELECT (SELECT max(version) FROM %s."
		    "schema_migrations), NULL", q);
	free(q);
	res = tsm_query(conn, sql, 0, NULL);
	free(sql);
	if (res == NULL)
		return false;
	st->version = atoi(PQgetvalue(res, 0, 0));
	if (!tsm_backend_parse(PQgetvalue(res, 0, 1), &st->backend))
		st->backend = TSM_BACKEND_NONE;
	PQclear(res);
	return true;
}

bool
tsm_schema_require(PGconn *conn, const char *schema,
    struct tsm_schema_state *st)
{
	if (!tsm_schema_read(conn, schema, st))
		return false;
	if (!st->exists || !st->initialised || st->version == 0) {
		tsm_error("schema \"%s\" %s in database \"%s\"", schema,
		    st->exists ? "holds no tsm schema" : "does not exist",
		    PQdb(conn));
		tsm_hint("run tsm-init%s%s to create it",
		    strcmp(schema, "tsm") ? " --schema=" : "",
		    strcmp(schema, "tsm") ? schema : "");
		return false;
	}
	if (st->version < st->latest) {
		tsm_error("schema \"%s\" is at version %d; this tsm needs "
		    "version %d", schema, st->version, st->latest);
		tsm_hint("run tsm-init to upgrade it");
		return false;
	}
	if (st->version > st->latest) {
		tsm_error("schema \"%s\" is at version %d, newer than this tsm "
		    "knows (%d)", schema, st->version, st->latest);
		tsm_hint("install the tsm release that upgraded it");
		return false;
	}
	return true;
}
