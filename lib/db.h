/*
 * db.h: running statements and reporting the server's errors.
 *
 * Every function here reports a failure at the point where it happens and
 * returns NULL or false; callers only propagate, and cmd/ picks the exit
 * status with tsm_exit_status().
 */
#ifndef TSM_DB_H
#define TSM_DB_H

#include <stdbool.h>
#include <libpq-fe.h>

/*
 * Runs sql with text parameters; returns the result (the caller clears it)
 * when it succeeded, otherwise reports the error and returns NULL.
 */
PGresult *tsm_query(PGconn *conn, const char *sql, int nparams,
    const char *const *params);

/* The same for statements whose result is not needed. */
bool tsm_command(PGconn *conn, const char *sql, int nparams,
    const char *const *params);

/*
 * Ends the open transaction after a failure: ROLLBACK, its result
 * cleared, its own error (a connection already lost) ignored, since the
 * failure that led here was reported.
 */
void tsm_rollback(PGconn *conn);

/*
 * Reports a failed result: the primary message, the server's detail, then
 * where (if not NULL, such as "in 002_x.sql line 31") and the hint.
 */
void tsm_report_result(PGconn *conn, const PGresult *res, const char *where);

/*
 * The exit status for a failure on conn: 130 after a signal, 3 when the
 * connection is gone, 1 otherwise.
 */
int tsm_exit_status(PGconn *conn);

/* Quotes an identifier; the caller frees the result with free(). */
char *tsm_quote_ident(const char *name);

/* Quotes a literal; the caller frees the result with free(). */
char *tsm_quote_literal(const char *value);

#endif
