/*
 * ingest_pool.c: the worker threads of a load.
 *
 * One mutex guards the slots and the workers' state; workers sleep on
 * work_cv, the main thread on done_cv, with a timeout so that it notices
 * a signal (the handler only sets a flag and cancels the main thread's
 * own connection) and cancels the workers' statements in its turn.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cancel.h"
#include "ingest_pool.h"
#include "log.h"

enum slot_state { SLOT_FREE, SLOT_FILLING, SLOT_READY, SLOT_RUNNING,
	SLOT_DONE };

struct slot {
	struct tsm_batch batch;
	struct tsm_batch_result res;
	enum slot_state state;
	uint64_t seq;
	bool skipped;		/* not written: a batch before it failed */
};

struct worker {
	struct tsm_pool *pool;
	pthread_t thread;
	bool started;
	PGconn *conn;
	PGcancel *cancel;	/* guarded by the pool's mutex */
	struct slot *slot;	/* the batch it writes, or NULL */
};

struct tsm_pool {
	pthread_mutex_t mu;
	pthread_cond_t work_cv, done_cv;
	struct worker *workers;
	int nworkers;
	struct slot *slots;
	int nslots;
	uint64_t next_seq;
	bool failed;		/* a batch failed: start no other */
	bool quit;
	bool cancelled;
	int wake_fd;
	const struct tsm_load_opts *opts;
	struct tsm_pool_reconnect rc;
	tsm_pool_done_fn done;
	void *arg;
};

static void
wake_main(struct tsm_pool *p)
{
	char c = 1;

	pthread_cond_broadcast(&p->done_cv);
	if (p->wake_fd >= 0 && write(p->wake_fd, &c, 1) < 0) {
		/* A full pipe already holds a wake-up; nothing is lost. */
	}
}

/* Sleeps ms milliseconds, or less if the load is stopping. */
static void
nap(struct tsm_pool *p, int ms)
{
	for (int i = 0; i < ms / 50 + 1; i++) {
		if (tsm_interrupted || p->quit)
			return;
		usleep(50 * 1000);
	}
}

/*
 * After a lost connection in --follow: connects again with backoff until
 * it works (or the load stops), then makes the staging table again.
 */
static bool
reconnect(struct worker *w)
{
	struct tsm_pool *p = w->pool;
	int delay = 100;
	char err[512];

	PQfinish(w->conn);
	w->conn = NULL;
	pthread_mutex_lock(&p->mu);
	if (w->cancel)
		PQfreeCancel(w->cancel);
	w->cancel = NULL;
	pthread_mutex_unlock(&p->mu);
	for (;;) {
		struct tsm_batch_result res = { 0 };
		PGconn *c;

		if (tsm_interrupted || p->quit)
			return false;
		tsm_warning("lost the connection to the server; trying again "
		    "in %.1f s", delay / 1000.0);
		nap(p, delay);
		if (tsm_interrupted || p->quit)
			return false;
		c = tsm_connect_extra(p->rc.opts, p->rc.password, err,
		    sizeof(err));
		if (c != NULL && tsm_load_prepare(c, p->opts, &res)) {
			w->conn = c;
			pthread_mutex_lock(&p->mu);
			w->cancel = PQgetCancel(c);
			pthread_mutex_unlock(&p->mu);
			tsm_info("connected again; retrying the rows not yet "
			    "committed");
			return true;
		}
		if (c != NULL) {
			snprintf(err, sizeof(err), "%s", res.message ?
			    res.message : "could not prepare the session");
			PQfinish(c);
		}
		tsm_batch_result_clear(&res);
		tsm_warning("could not connect: %s", err);
		delay = delay * 2 > p->rc.max_backoff_ms ?
		    p->rc.max_backoff_ms :
		    delay * 2;
	}
}

static struct slot *
next_ready(struct tsm_pool *p)
{
	struct slot *best = NULL;

	for (int i = 0; i < p->nslots; i++)
		if (p->slots[i].state == SLOT_READY &&
		    (best == NULL || p->slots[i].seq < best->seq))
			best = &p->slots[i];
	return best;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct tsm_pool *p = w->pool;
	sigset_t block;

	/* Signals are for the main thread, which cancels on our behalf. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, NULL);

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct slot *s;

		if (p->quit)
			break;
		s = next_ready(p);
		if (s == NULL) {
			pthread_cond_wait(&p->work_cv, &p->mu);
			continue;
		}
		if (p->failed || p->cancelled) {
			s->skipped = true;
			s->state = SLOT_DONE;
			wake_main(p);
			continue;
		}
		s->state = SLOT_RUNNING;
		w->slot = s;
		pthread_mutex_unlock(&p->mu);

		for (;;) {
			tsm_load_batch(w->conn, p->opts, &s->batch, &s->res);
			if (s->res.status != TSM_BATCH_LOST || !p->rc.enabled)
				break;
			if (!reconnect(w))
				break;
			/*
			 * Whether the lost COMMIT took is unknown: merge the
			 * rows, which is right either way.
			 */
			s->batch.all_stage = true;
		}

		pthread_mutex_lock(&p->mu);
		w->slot = NULL;
		if (s->res.status != TSM_BATCH_OK)
			p->failed = true;
		s->state = SLOT_DONE;
		wake_main(p);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct tsm_pool *
tsm_pool_new(int n, PGconn **conns, const struct tsm_load_opts *o,
    size_t batch_rows, int wake_fd, const struct tsm_pool_reconnect *rc,
    tsm_pool_done_fn done, void *arg)
{
	struct tsm_pool *p = calloc(1, sizeof(*p));

	if (p == NULL)
		goto oom;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work_cv, NULL);
	pthread_cond_init(&p->done_cv, NULL);
	p->opts = o;
	p->wake_fd = wake_fd;
	p->done = done;
	p->arg = arg;
	if (rc != NULL)
		p->rc = *rc;
	p->nworkers = n;
	p->nslots = n + 1;
	p->workers = calloc((size_t)n, sizeof(*p->workers));
	p->slots = calloc((size_t)p->nslots, sizeof(*p->slots));
	if (p->workers == NULL || p->slots == NULL)
		goto oom;
	for (int i = 0; i < p->nslots; i++)
		if (!tsm_batch_init(&p->slots[i].batch, o->map, batch_rows))
			goto fail;
	for (int i = 0; i < n; i++) {
		struct worker *w = &p->workers[i];

		w->pool = p;
		w->conn = conns[i];
		conns[i] = NULL;
		w->cancel = PQgetCancel(w->conn);
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			tsm_error("cannot start a worker thread: %s",
			    strerror(errno));
			goto fail;
		}
		w->started = true;
	}
	return p;
oom:
	tsm_error("out of memory");
fail:
	tsm_pool_free(p);
	return NULL;
}

/* Cancels what every worker runs (main thread, on a signal). */
static void
cancel_all(struct tsm_pool *p)
{
	char err[256];

	p->cancelled = true;
	for (int i = 0; i < p->nworkers; i++)
		if (p->workers[i].slot != NULL && p->workers[i].cancel != NULL)
			(void)PQcancel(p->workers[i].cancel, err, sizeof(err));
	pthread_cond_broadcast(&p->work_cv);
}

/* Hands DONE slots to the callback, oldest first; called locked. */
static void
collect(struct tsm_pool *p)
{
	for (;;) {
		struct slot *s = NULL;

		for (int i = 0; i < p->nslots; i++)
			if (p->slots[i].state == SLOT_DONE &&
			    (s == NULL || p->slots[i].seq < s->seq))
				s = &p->slots[i];
		if (s == NULL)
			return;
		pthread_mutex_unlock(&p->mu);
		if (s->skipped) {
			struct tsm_batch_result skip = { 0 };

			skip.status = TSM_BATCH_SKIPPED;
			p->done(p->arg, &s->batch, &skip);
		} else {
			p->done(p->arg, &s->batch, &s->res);
		}
		tsm_batch_result_clear(&s->res);
		pthread_mutex_lock(&p->mu);
		s->state = SLOT_FREE;
		s->skipped = false;
	}
}

/* Waits a little for a worker to finish something. */
static void
wait_done(struct tsm_pool *p)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 100 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&p->done_cv, &p->mu, &ts);
	if (tsm_interrupted && !p->cancelled)
		cancel_all(p);
}

struct tsm_batch *
tsm_pool_acquire(struct tsm_pool *p)
{
	struct tsm_batch *b = NULL;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		collect(p);
		if (tsm_interrupted && !p->cancelled)
			cancel_all(p);
		if (p->failed || p->cancelled)
			break;
		for (int i = 0; i < p->nslots && b == NULL; i++) {
			if (p->slots[i].state == SLOT_FREE) {
				p->slots[i].state = SLOT_FILLING;
				b = &p->slots[i].batch;
			}
		}
		if (b != NULL)
			break;
		wait_done(p);
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

static struct slot *
slot_of(struct tsm_pool *p, struct tsm_batch *b)
{
	for (int i = 0; i < p->nslots; i++)
		if (&p->slots[i].batch == b)
			return &p->slots[i];
	return NULL;
}

void
tsm_pool_submit(struct tsm_pool *p, struct tsm_batch *b)
{
	struct slot *s = slot_of(p, b);

	pthread_mutex_lock(&p->mu);
	s->seq = p->next_seq++;
	s->state = SLOT_READY;
	pthread_cond_signal(&p->work_cv);
	pthread_mutex_unlock(&p->mu);
}

void
tsm_pool_release(struct tsm_pool *p, struct tsm_batch *b)
{
	struct slot *s = slot_of(p, b);

	pthread_mutex_lock(&p->mu);
	s->state = SLOT_FREE;
	pthread_mutex_unlock(&p->mu);
}

bool
tsm_pool_idle(struct tsm_pool *p)
{
	bool ready = false, busy = true;

	pthread_mutex_lock(&p->mu);
	for (int i = 0; i < p->nslots; i++)
		ready = ready || p->slots[i].state == SLOT_READY;
	for (int i = 0; i < p->nworkers; i++)
		busy = busy && p->workers[i].slot != NULL;
	pthread_mutex_unlock(&p->mu);
	return !ready && !busy;
}

void
tsm_pool_poll(struct tsm_pool *p)
{
	pthread_mutex_lock(&p->mu);
	collect(p);
	pthread_mutex_unlock(&p->mu);
}

bool
tsm_pool_drain(struct tsm_pool *p)
{
	bool ok;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		bool pending = false;

		collect(p);
		if (tsm_interrupted && !p->cancelled)
			cancel_all(p);
		for (int i = 0; i < p->nslots; i++)
			if (p->slots[i].state == SLOT_READY ||
			    p->slots[i].state == SLOT_RUNNING ||
			    p->slots[i].state == SLOT_DONE)
				pending = true;
		if (!pending)
			break;
		wait_done(p);
	}
	ok = !p->failed && !p->cancelled;
	pthread_mutex_unlock(&p->mu);
	return ok;
}

void
tsm_pool_free(struct tsm_pool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = true;
	pthread_cond_broadcast(&p->work_cv);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; p->workers != NULL && i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];

		if (w->started)
			pthread_join(w->thread, NULL);
		if (w->cancel)
			PQfreeCancel(w->cancel);
		if (w->conn)
			PQfinish(w->conn);
	}
	for (int i = 0; p->slots != NULL && i < p->nslots; i++) {
		tsm_batch_result_clear(&p->slots[i].res);
		tsm_batch_free(&p->slots[i].batch);
	}
	free(p->workers);
	free(p->slots);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work_cv);
	pthread_cond_destroy(&p->done_cv);
	free(p);
}
