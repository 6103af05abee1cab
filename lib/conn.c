/*
 * conn.c: connection options and connecting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cancel.h"
#include "conn.h"
#include "log.h"

void
tsm_conn_opts_init(struct tsm_conn_opts *o)
{
	const char *s = getenv("TSM_SCHEMA");

	memset(o, 0, sizeof(*o));
	o->schema = (s && *s) ? s : "tsm";
	o->prompt = TSM_PROMPT_AUTO;
}

bool
tsm_conn_option(struct tsm_conn_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'h': o->host = arg; return true;
	case 'p': o->port = arg; return true;
	case 'U': o->user = arg; return true;
	case 'd': o->dbname = arg; return true;
	case 'w': o->prompt = TSM_PROMPT_NEVER; return true;
	case 'W': o->prompt = TSM_PROMPT_ALWAYS; return true;
	case TSM_OPT_SCHEMA: o->schema = arg; return true;
	default: return false;
	}
}

/*
 * Any name PostgreSQL accepts is fine (it is always quoted), except an empty
 * one, one longer than NAMEDATALEN - 1 bytes (the server would truncate it
 * silently) and the reserved pg_ prefix.
 */
bool
tsm_schema_name_ok(const char *schema)
{
	if (schema == NULL || *schema == '\0') {
		tsm_usage_error("the schema name is empty");
		return false;
	}
	if (strlen(schema) > 63) {
		tsm_usage_error("schema name \"%.20s...\" is longer than 63 bytes",
		    schema);
		return false;
	}
	if (strncmp(schema, "pg_", 3) == 0) {
		tsm_usage_error("schema name \"%s\" is reserved: names starting "
		    "with \"pg_\" belong to the system", schema);
		return false;
	}
	return true;
}

/*
 * Reads a password from the terminal without echo; NULL if there is none.
 * It is registered as a secret, so that no message can show it.
 */
static char *
prompt_password(void)
{
	FILE *tty = fopen("/dev/tty", "r+");
	struct termios t, saved;
	char buf[1024];
	char *res = NULL;
	bool restore = false;

	if (tty == NULL)
		return NULL;
	fputs("Password: ", tty);
	fflush(tty);
	if (tcgetattr(fileno(tty), &t) == 0) {
		saved = t;
		t.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fileno(tty), TCSAFLUSH, &t) == 0;
	}
	if (fgets(buf, sizeof(buf), tty) != NULL) {
		buf[strcspn(buf, "\r\n")] = '\0';
		res = strdup(buf);
		tsm_redact_secret(buf, strlen(buf));
	}
	if (restore)
		tcsetattr(fileno(tty), TCSAFLUSH, &saved);
	fputs("\n", tty);
	fclose(tty);
	memset(buf, 0, sizeof(buf));
	return res;
}

/* One connection attempt with the given password (may be NULL). */
static PGconn *
try_connect(const struct tsm_conn_opts *o, const char *dbname,
    const char *password)
{
	const char *keys[8], *vals[8];
	int n = 0;

	/*
	 * dbname comes first so that the options given separately override
	 * what a conninfo string or URI in it says, as in psql.
	 */
	keys[n] = "dbname"; vals[n++] = dbname;
	keys[n] = "host"; vals[n++] = o->host;
	keys[n] = "port"; vals[n++] = o->port;
	keys[n] = "user"; vals[n++] = o->user;
	keys[n] = "password"; vals[n++] = password;
	keys[n] = "application_name"; vals[n++] = tsm_progname;
	keys[n] = NULL; vals[n] = NULL;
	return PQconnectdbParams(keys, vals, 1);
}

/*
 * Starts strict: no search_path, so that every name is qualified.  The
 * server's notices ("skipping", "does not exist") are not for the user of
 * a tool; warnings and errors are.  Binary COPY sends text as it is, so
 * the client encoding must be the UTF-8 the readers check.
 */
static bool
setup_session(PGconn *conn)
{
	PGresult *res;

	res = PQexec(conn, "SELECT pg_catalog.set_config('search_path', '', "
	    "false); SET TIME ZONE 'UTC'; SET datestyle = 'ISO, YMD'; "
	    "SET intervalstyle = 'postgres'; SET extra_float_digits = 1; "
	    "SET client_min_messages = warning; SET client_encoding = 'UTF8'");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		PQclear(res);
		return false;
	}
	PQclear(res);
	return true;
}

/* The database to use: -d, else DATABASE_URL when PGDATABASE is unset. */
static const char *
choose_dbname(const struct tsm_conn_opts *o)
{
	const char *dbname = o->dbname;

	if (dbname == NULL && getenv("PGDATABASE") == NULL) {
		const char *url = getenv("DATABASE_URL");

		if (url != NULL && *url != '\0')
			dbname = url;
	}
	return dbname;
}

PGconn *
tsm_connect(const struct tsm_conn_opts *o)
{
	const char *dbname = choose_dbname(o);
	char *password = NULL;
	PGconn *conn;

	/*
	 * libpq quotes pieces of a bad connection string in its messages
	 * ("invalid percent-encoded token"), where nothing says that they
	 * are a password: mask the passwords given wherever they appear.
	 */
	tsm_redact_secrets_in(dbname);
	if (getenv("PGPASSWORD") != NULL)
		tsm_redact_secret(getenv("PGPASSWORD"),
		    strlen(getenv("PGPASSWORD")));
	if (o->prompt == TSM_PROMPT_ALWAYS)
		password = prompt_password();
	for (;;) {
		conn = try_connect(o, dbname, password);
		if (PQstatus(conn) == CONNECTION_OK)
			break;
		if (PQconnectionNeedsPassword(conn) && password == NULL &&
		    o->prompt != TSM_PROMPT_NEVER && isatty(STDIN_FILENO)) {
			PQfinish(conn);
			password = prompt_password();
			if (password != NULL)
				continue;
			conn = try_connect(o, dbname, NULL);
		}
		tsm_error("could not connect to the database: %s",
		    PQerrorMessage(conn));
		if (PQconnectionNeedsPassword(conn))
			tsm_hint("give the password in PGPASSWORD or ~/.pgpass, "
			    "or use -W to be asked for it");
		else
			tsm_hint("check -h, -p, -U and -d (or PGHOST, PGPORT, "
			    "PGUSER, PGDATABASE, DATABASE_URL) and that the "
			    "server is running");
		PQfinish(conn);
		free(password);
		return NULL;
	}
	if (password != NULL) {
		memset(password, 0, strlen(password));
		free(password);
	}
	if (!setup_session(conn)) {
		tsm_error("could not set up the session: %s",
		    PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	tsm_cancel_register(conn);
	return conn;
}

PGconn *
tsm_connect_extra(const struct tsm_conn_opts *o, const char *password,
    char *errbuf, size_t errsize)
{
	PGconn *conn = try_connect(o, choose_dbname(o), password);

	if (PQstatus(conn) != CONNECTION_OK || !setup_session(conn)) {
		char raw[1024];

		snprintf(raw, sizeof(raw), "%s", PQerrorMessage(conn));
		raw[strcspn(raw, "\n")] = '\0';
		tsm_redact(raw, errbuf, errsize);
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

void
tsm_disconnect(PGconn *conn)
{
	tsm_cancel_register(NULL);
	PQfinish(conn);
}
