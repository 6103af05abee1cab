/*
 * conn.h: connecting as PostgreSQL's own tools do.
 *
 * -h -p -U -d -w -W and --schema; unset options stay NULL so that libpq
 * reads PG* variables, the service file and .pgpass.  DATABASE_URL is used
 * when neither -d nor PGDATABASE is given.
 */
#ifndef TSM_CONN_H
#define TSM_CONN_H

#include <stdbool.h>
#include <getopt.h>
#include <libpq-fe.h>

enum tsm_prompt { TSM_PROMPT_AUTO, TSM_PROMPT_NEVER, TSM_PROMPT_ALWAYS };

struct tsm_conn_opts {
	const char *host;
	const char *port;
	const char *user;
	const char *dbname;
	const char *schema;	/* --schema, else TSM_SCHEMA, else "tsm" */
	enum tsm_prompt prompt;
};

/* Long option values of the shared options (beyond short ones). */
#define TSM_OPT_SCHEMA 0x1001

/* Entries for a getopt_long table; short letters are "h:p:U:d:wW". */
#define TSM_CONN_LONGOPTS \
	{ "host", required_argument, NULL, 'h' }, \
	{ "port", required_argument, NULL, 'p' }, \
	{ "username", required_argument, NULL, 'U' }, \
	{ "dbname", required_argument, NULL, 'd' }, \
	{ "no-password", no_argument, NULL, 'w' }, \
	{ "password", no_argument, NULL, 'W' }, \
	{ "schema", required_argument, NULL, TSM_OPT_SCHEMA }
#define TSM_CONN_SHORTOPTS "h:p:U:d:wW"

/* Help text lines for the connection options, for each tool's help(). */
#define TSM_CONN_HELP \
	"\nConnection options:\n" \
	"  -d, --dbname=DBNAME      database name, conninfo string or URI\n" \
	"  -h, --host=HOSTNAME      database server host or socket directory\n" \
	"  -p, --port=PORT          database server port\n" \
	"  -U, --username=USERNAME  user name to connect as\n" \
	"  -w, --no-password        never prompt for password\n" \
	"  -W, --password           force password prompt\n" \
	"      --schema=NAME        schema holding tsm's objects (default tsm)\n"

void tsm_conn_opts_init(struct tsm_conn_opts *o);

/* Takes a connection option; false if c is not one. */
bool tsm_conn_option(struct tsm_conn_opts *o, int c, const char *arg);

/* Checks the schema name; reports and returns false when it is unusable. */
bool tsm_schema_name_ok(const char *schema);

/*
 * Connects, sets application_name to the program's name, the time zone to
 * UTC and an empty search_path, and registers the connection for cancel.
 * On failure reports why and returns NULL (the caller exits 3).
 */
PGconn *tsm_connect(const struct tsm_conn_opts *o);

/*
 * Another connection like the first, for a tool that works through
 * several (tsm-ingest -j): the same session setup, the password given
 * (PQpass of the first connection; NULL lets libpq find one), never a
 * prompt, nothing printed, and not registered for cancel (the tool
 * cancels it itself).  On failure NULL, with the reason (redacted, one
 * line) in errbuf.  Safe to call from any thread.
 */
PGconn *tsm_connect_extra(const struct tsm_conn_opts *o, const char *password,
    char *errbuf, size_t errsize);

/* Closes the connection and forgets it for cancel. */
void tsm_disconnect(PGconn *conn);

#endif
