/*
 * recmigrate.c: the run of tsm-migrate positions and trades, from checked
 * options to the exit status: backups, connection, reading, migration.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backup.h"
#include "cancel.h"
#include "db.h"
#include "log.h"
#include "recmigrate.h"
#include "schema.h"

/* Connects and checks the schema; NULL after reporting (exit in *st). */
static PGconn *
connect_checked(const struct tsm_conn_opts *co, int *st)
{
	struct tsm_schema_state ss;
	PGconn *conn = tsm_connect(co);

	if (conn == NULL) {
		*st = TSM_EXIT_CONNECT;
		return NULL;
	}
	if (!tsm_schema_require(conn, co->schema, &ss)) {
		*st = tsm_exit_status(conn);
		tsm_disconnect(conn);
		return NULL;
	}
	return conn;
}

/*
 * For streaming (tsm_recload_stream_begin): a connection made before the
 * files are read, reporting nothing, or NULL when one cannot be made so
 * (a password to ask for, a server down, a schema not ready): the files
 * are then read first and the connection made after, with its messages,
 * as they would be without streaming.  One made so is what
 * connect_checked would have made.
 */
static PGconn *
connect_quietly(const struct tsm_conn_opts *co)
{
	struct tsm_schema_state ss;
	char err[512];
	PGconn *conn;

	if (co->prompt == TSM_PROMPT_ALWAYS)
		return NULL;
	conn = tsm_connect_extra(co, NULL, err, sizeof(err));
	if (conn == NULL)
		return NULL;
	if (!tsm_schema_read(conn, co->schema, &ss) || !ss.exists ||
	    !ss.initialised || ss.version == 0 || ss.version != ss.latest) {
		PQfinish(conn);
		return NULL;
	}
	tsm_cancel_register(conn);
	return conn;
}

/* Whether a backup can be made of every file that exists; reports. */
static bool
backups_possible(const struct tsm_recload_opts *o, char *const *files,
    int nfiles)
{
	if (!o->backup || o->dry_run)
		return true;
	for (int i = 0; i < nfiles; i++)
		if (strcmp(files[i], "-") != 0 &&
		    access(files[i], F_OK) == 0 &&
		    !tsm_backup_possible(files[i]))
			return false;
	return true;
}

int
tsm_migrate_records(const struct tsm_conn_opts *co,
    const struct tsm_recload_opts *o, char *const *files, int nfiles)
{
	struct tsm_recload *L;
	PGconn *conn = NULL;
	int status;

	if (!backups_possible(o, files, nfiles))
		return TSM_EXIT_FAIL;
	L = tsm_recload_new(o);
	if (L == NULL)
		return TSM_EXIT_FAIL;

	tsm_cancel_init();
	/*
	 * A bot that migrates on its first start: once the table holds
	 * rows, its files are not even read.
	 */
	if (o->if_empty) {
		bool empty;

		conn = connect_checked(co, &status);
		if (conn == NULL)
			goto out;
		if (!tsm_recload_table_empty(conn, o, &empty)) {
			status = tsm_exit_status(conn);
			goto out;
		}
		if (!empty) {
			tsm_info("%s.%s is not empty: nothing migrated "
			    "(--if-empty)", co->schema,
			    tsm_rec_kind_name(o->map->kind));
			status = TSM_EXIT_OK;
			goto out;
		}
	}
	/*
	 * A first migration streams: the server writes rows while the next
	 * are checked (the transaction still writes nothing unless every
	 * record is good).
	 */
	if (!o->dry_run) {
		if (conn == NULL)
			conn = connect_quietly(co);
		/* Not possible: the connection serves the usual way. */
		if (conn != NULL)
			(void)tsm_recload_stream_begin(L, conn);
	}
	if (!tsm_recload_read(L, files, nfiles)) {
		tsm_recload_stream_abort(L);
		status = tsm_interrupted ? TSM_EXIT_INTERRUPTED : TSM_EXIT_FAIL;
		goto out;
	}
	if (conn == NULL && (conn = connect_checked(co, &status)) == NULL)
		goto out;
	status = tsm_recload_run(L, conn);
out:
	if (conn != NULL)
		tsm_disconnect(conn);
	tsm_recload_free(L);
	return status;
}
