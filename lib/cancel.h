/*
 * cancel.h: SIGINT and SIGTERM cancel the running statement.
 *
 * The handler sets tsm_interrupted and sends a cancel request for the
 * registered connection (PQcancel is safe in a signal handler); input loops
 * check the flag, roll back the open batch and exit 130.
 */
#ifndef TSM_CANCEL_H
#define TSM_CANCEL_H

#include <signal.h>
#include <stdio.h>
#include <libpq-fe.h>

extern volatile sig_atomic_t tsm_interrupted;

void tsm_cancel_init(void);
void tsm_cancel_register(PGconn *conn);	/* NULL to forget */

/*
 * A second connection whose statement a signal cancels too, while work
 * runs on two at once (NULL to forget).
 */
void tsm_cancel_register_also(PGconn *conn);

/*
 * A write to f failed with errno e.  When f is stdout and its reader has
 * gone (EPIPE: `tsm-query ... | head`), that is no error: the tool ends
 * at once, silently, killed by SIGPIPE as cat would be (status 141 in the
 * shell); the server rolls back whatever transaction was open when the
 * connection drops.  Otherwise it returns, and the caller reports e.
 */
void tsm_check_reader_gone(FILE *f, int e);

#endif
