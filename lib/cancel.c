/*
 * cancel.c: the SIGINT/SIGTERM handler, and the end of a tool whose
 * reader has gone.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "cancel.h"

volatile sig_atomic_t tsm_interrupted = 0;

/* The handler reads these pointers; they are swapped with signals blocked. */
static PGcancel *volatile cancel_handle = NULL;
static PGcancel *volatile cancel_also = NULL;

static void
on_signal(int signo)
{
	char errbuf[256];
	PGcancel *c = cancel_handle, *c2 = cancel_also;

	(void)signo;
	tsm_interrupted = 1;
	if (c != NULL)
		(void)PQcancel(c, errbuf, sizeof(errbuf));
	if (c2 != NULL)
		(void)PQcancel(c2, errbuf, sizeof(errbuf));
}

/*
 * Installs the handler for SIGINT and SIGTERM, and ignores SIGPIPE so that
 * a closed pipe shows as a write error (EPIPE): a file or socket the tool
 * writes reports it; stdout goes through tsm_check_reader_gone.
 */
void
tsm_cancel_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* Points *h at conn's cancel handle, with the signals blocked. */
static void
swap_handle(PGcancel *volatile *h, PGconn *conn)
{
	sigset_t block, old;
	PGcancel *prev;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	prev = *h;
	*h = conn ? PQgetCancel(conn) : NULL;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (prev != NULL)
		PQfreeCancel(prev);
}

/* Makes conn the connection whose statement a signal cancels. */
void
tsm_cancel_register(PGconn *conn)
{
	swap_handle(&cancel_handle, conn);
}

void
tsm_cancel_register_also(PGconn *conn)
{
	swap_handle(&cancel_also, conn);
}

void
tsm_check_reader_gone(FILE *f, int e)
{
	struct sigaction sa;
	sigset_t set;

	if (f != stdout || e != EPIPE)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGPIPE);
	_exit(141);		/* not reached */
}
