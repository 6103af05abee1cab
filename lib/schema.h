/*
 * schema.h: the server, its TimescaleDB, and the state of tsm's schema.
 */
#ifndef TSM_SCHEMA_H
#define TSM_SCHEMA_H

#include <stdbool.h>
#include <libpq-fe.h>

enum tsm_backend { TSM_BACKEND_NONE, TSM_BACKEND_NATIVE,
	TSM_BACKEND_TIMESCALEDB };

/* The oldest TimescaleDB release tsm supports. */
#define TSM_TSDB_MIN_VERSION "2.13.0"

struct tsm_server {
	int version_num;		/* server_version_num, 150004 */
	char tsdb_available[32];	/* default_version of the package, "" */
	char tsdb_installed[32];	/* extversion in this database, "" */
	char tsdb_schema[64];		/* where it is installed */
	bool tsdb_preloaded;		/* in shared_preload_libraries */
};

struct tsm_schema_state {
	bool exists;			/* the schema is there */
	bool initialised;		/* it holds tsm's schema_migrations */
	int version;			/* highest applied, 0 if none */
	int latest;			/* highest this build knows */
	enum tsm_backend backend;	/* recorded by tsm-init */
};

/* Reads what the server offers; false after reporting an error. */
bool tsm_server_probe(PGconn *conn, struct tsm_server *srv);

/* Reads the state of schema; false after reporting an error. */
bool tsm_schema_read(PGconn *conn, const char *schema,
    struct tsm_schema_state *st);

/*
 * For every tool but tsm-init: reads the state and refuses (reports,
 * returns false) a schema that is missing, not initialised, behind or
 * ahead of this build, naming what to do.
 */
bool tsm_schema_require(PGconn *conn, const char *schema,
    struct tsm_schema_state *st);

/* "native", "timescaledb"; and back (false for an unknown name). */
const char *tsm_backend_name(enum tsm_backend b);
bool tsm_backend_parse(const char *s, enum tsm_backend *out);

/*
 * Compares dotted versions ("2.13.0" and "2.9.1", "2.28.3-dev") by
 * number: <0, 0, >0.
 */
int tsm_version_cmp(const char *a, const char *b);

/* The number of an upgrade file name, "002_x.sql" -> 2; 0 if none. */
int tsm_sql_file_version(const char *name);

/* The highest version among the embedded upgrade files. */
int tsm_schema_latest(void);

#endif
