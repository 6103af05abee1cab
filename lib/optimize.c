/*
 * optimize.c: many parameter sets in worker processes.
 *
 * Workers take chunks of consecutive sets from a counter in shared
 * memory, so that a slow chunk does not hold the others up and
 * neighbouring sets (which share indicators) stay in one worker.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cancel.h"
#include "log.h"
#include "optimize.h"

/* Indicator arrays a worker may keep, in bytes. */
#define WORKER_BUDGET ((size_t)512 << 20)

struct shared {
	_Atomic size_t next;
	struct tsm_opt_row rows[];
};

static size_t
shared_size(size_t n)
{
	return sizeof(struct shared) + n * sizeof(struct tsm_opt_row);
}

/* Runs sets from the shared counter until none are left. */
static bool
work(struct shared *sh, struct tsm_indcache *ic, const struct tsm_run_opts *o,
    const struct tsm_strategy *sets, size_t n, size_t chunk)
{
	int8_t *sig = calloc(ic->c->n ? ic->c->n : 1, 1);
	struct tsm_bt_result r;
	bool ok = sig != NULL;

	memset(&r, 0, sizeof(r));
	if (!ok)
		tsm_error("out of memory");
	while (ok) {
		size_t k = atomic_fetch_add(&sh->next, chunk);

		if (k >= n)
			break;
		for (size_t i = k; i < k + chunk && i < n && ok; i++) {
			if (tsm_interrupted) {
				ok = false;
				break;
			}
			sh->rows[i].st = sets[i];
			ok = tsm_run(ic, &sets[i], o, sig, &r, &sh->rows[i].m);
			sh->rows[i].refused = r.refused;
			sh->rows[i].done = ok;
		}
	}
	free(sig);
	tsm_bt_result_free(&r);
	return ok;
}

/*
 * Waits for the workers; false if one failed or was interrupted.  A
 * signal to this process alone (kill, not Ctrl-C, which reaches the whole
 * process group) is passed on to the workers, so that they stop too.
 */
static bool
reap(pid_t *pids, int jobs)
{
	bool ok = true, passed_on = false;

	for (int j = 0; j < jobs; j++) {
		int st = 0;

		if (pids[j] <= 0)
			continue;
		while (waitpid(pids[j], &st, 0) < 0) {
			if (errno != EINTR) {
				st = -1;
				break;
			}
			if (tsm_interrupted && !passed_on) {
				for (int k = 0; k < jobs; k++)
					if (pids[k] > 0)
						kill(pids[k], SIGTERM);
				passed_on = true;
			}
		}
		if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			ok = false;
	}
	return ok && !tsm_interrupted;
}

struct tsm_opt_row *
tsm_optimize(struct tsm_indcache *ic, const struct tsm_run_opts *o,
    const struct tsm_strategy *sets, size_t n, int jobs)
{
	struct shared *sh;
	size_t chunk;
	pid_t *pids;
	bool ok = true;

	sh = mmap(NULL, shared_size(n), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		tsm_error("cannot map memory for %zu results: %m", n);
		return NULL;
	}
	atomic_init(&sh->next, 0);
	if ((size_t)jobs > n)
		jobs = n > 0 ? (int)n : 1;
	chunk = n / ((size_t)jobs * 8);
	chunk = chunk < 1 ? 1 : chunk > 16 ? 16 : chunk;
	if (jobs == 1) {
		ok = work(sh, ic, o, sets, n, chunk);
	} else if ((pids = calloc((size_t)jobs, sizeof(pid_t))) == NULL) {
		tsm_error("out of memory");
		ok = false;
	} else {
		fflush(NULL);
		for (int j = 0; j < jobs && ok; j++) {
			pids[j] = fork();
			if (pids[j] < 0) {
				tsm_error("cannot start a worker process: %m");
				ok = false;
			} else if (pids[j] == 0) {
				struct tsm_indcache mine = *ic;

				/*
				 * The worker's copy of the parent's list: it
				 * needs none of it, and valgrind checks every
				 * process at its exit, _exit included.
				 */
				free(pids);

				/* The parent's arrays stay; new ones are
				 * this worker's, within its budget. */
				mine.budget = WORKER_BUDGET + mine.bytes;
				_exit(work(sh, &mine, o, sets, n, chunk) ? 0 :
				    tsm_interrupted ? 130 : 1);
			}
		}
		ok = reap(pids, jobs) && ok;
		free(pids);
	}
	for (size_t i = 0; ok && i < n; i++)
		ok = sh->rows[i].done;
	if (!ok) {
		munmap(sh, shared_size(n));
		return NULL;
	}
	return sh->rows;
}

void
tsm_opt_rows_free(struct tsm_opt_row *rows, size_t n)
{
	if (rows != NULL)
		munmap((char *)rows - offsetof(struct shared, rows),
		    shared_size(n));
}

/* For qsort: the rows and the metric to compare. */
static const struct tsm_opt_row *rank_rows;
static int rank_metric;

static int
cmp_rank(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	double x = tsm_metric_value(&rank_rows[i].m, rank_metric);
	double y = tsm_metric_value(&rank_rows[j].m, rank_metric);

	if (isnan(x) != isnan(y))
		return isnan(x) ? 1 : -1;
	if (!isnan(x) && x != y)
		return x > y ? -1 : 1;
	return (i > j) - (i < j);
}

void
tsm_opt_rank(const struct tsm_opt_row *rows, size_t n, int metric,
    size_t *order)
{
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	rank_rows = rows;
	rank_metric = metric;
	qsort(order, n, sizeof(order[0]), cmp_rank);
}
