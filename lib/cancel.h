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
#include <libpq-fe.h>

extern volatile sig_atomic_t tsm_interrupted;

void tsm_cancel_init(void);
void tsm_cancel_register(PGconn *conn);	/* NULL to forget */

#endif
