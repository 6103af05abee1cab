/*
 * ingest_probe.c: what the main thread asks the table before a batch goes
 * to a worker: which of its groups meet stored rows (the probe), and
 * whether the native partitions cover its time range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "ingest_db.h"
#include "log.h"
#include "timeparse.h"

/* A week, and 9999-12-31 23:59:59, in microseconds. */
#define PROBE_WINDOW_MIN	(INT64_C(7) * 86400 * 1000000)
#define PROBE_TIME_MAX	(INT64_C(253402300799) * 1000000)

bool
tsm_load_probe(PGconn *conn, const struct tsm_load_opts *o,
    struct tsm_batch *b)
{
	char *vals[19], lo[TSM_TIME_BUFSZ], hi[TSM_TIME_BUFSZ];
	char until[TSM_TIME_BUFSZ];
	int n = o->sql->probe_nparams - 3, asked;
	int64_t span, win;
	PGresult *pr;

	if (o->sql->probe == NULL) {
		b->all_stage = true;
		return true;
	}
	asked = tsm_ingest_probe_params(b, vals, n);
	if (asked < 0)
		return false;
	if (asked == 0) {
		tsm_ingest_probe_free(vals, n);
		return true;
	}
	/*
	 * The batch's range, and how far beyond it to look, as constants
	 * the planner excludes chunks (prunes partitions) by: asking about
	 * all time beyond it would plan every chunk after the batch, which
	 * costs more than a few more probes.  The window is 16 batches of
	 * this one's span, a week at least (a stream's batches are short).
	 */
	span = b->tmax - b->tmin;
	win = span < PROBE_WINDOW_MIN / 16 ? PROBE_WINDOW_MIN : span * 16;
	b->probe_until = b->tmax < PROBE_TIME_MAX - win ? b->tmax + win :
	    PROBE_TIME_MAX;
	tsm_format_time(b->tmin, lo);
	tsm_format_time(b->tmax, hi);
	tsm_format_time(b->probe_until, until);
	vals[n] = lo;
	vals[n + 1] = hi;
	vals[n + 2] = until;
	pr = tsm_query(conn, o->sql->probe, n + 3, (const char *const *)vals);
	tsm_ingest_probe_free(vals, n);
	if (pr == NULL)
		return false;
	for (int i = 0; i < PQntuples(pr); i++) {
		int g = atoi(PQgetvalue(pr, i, 0));

		if (g < 0 || g >= b->ngroups)
			continue;
		b->groups[g].probed = true;
		b->groups[g].stage = strcmp(PQgetvalue(pr, i, 1), "t") == 0;
		b->groups[g].above = strcmp(PQgetvalue(pr, i, 2), "t") == 0;
	}
	PQclear(pr);
	return true;
}

/* ---- native partitions ---- */

struct tsm_parts {
	int64_t *lo, *hi;	/* sorted by lo */
	size_t n;
	bool loaded;
};

struct tsm_parts *
tsm_parts_new(void)
{
	struct tsm_parts *p = calloc(1, sizeof(*p));

	if (p == NULL)
		tsm_error("out of memory");
	return p;
}

void
tsm_parts_free(struct tsm_parts *p)
{
	if (p == NULL)
		return;
	free(p->lo);
	free(p->hi);
	free(p);
}

/* Reads the kind's partitions, as microseconds since 1970. */
static bool
parts_load(PGconn *conn, const struct tsm_load_opts *o, struct tsm_parts *p)
{
	const char *params[1] = { o->map->kind->series };
	PGresult *pr;
	int n;

	pr = tsm_query(conn, o->sql->partitions, 1, params);
	if (pr == NULL)
		return false;
	n = PQntuples(pr);
	free(p->lo);
	free(p->hi);
	p->lo = malloc(((size_t)n + 1) * sizeof(int64_t));
	p->hi = malloc(((size_t)n + 1) * sizeof(int64_t));
	if (p->lo == NULL || p->hi == NULL) {
		PQclear(pr);
		tsm_error("out of memory");
		return false;
	}
	for (int i = 0; i < n; i++) {
		p->lo[i] = strtoll(PQgetvalue(pr, i, 0), NULL, 10);
		p->hi[i] = strtoll(PQgetvalue(pr, i, 1), NULL, 10);
	}
	p->n = (size_t)n;
	p->loaded = true;
	PQclear(pr);
	return true;
}

/* True if the partitions cover [lo, hi] without a gap. */
static bool
covered(const struct tsm_parts *p, int64_t lo, int64_t hi)
{
	int64_t at = lo;

	for (size_t i = 0; i < p->n; i++) {
		if (p->hi[i] <= at)
			continue;
		if (p->lo[i] > at)
			return false;
		at = p->hi[i];
		if (at > hi)
			return true;
	}
	return false;
}

bool
tsm_parts_ensure(PGconn *conn, const struct tsm_load_opts *o,
    struct tsm_parts *p, int64_t lo, int64_t hi)
{
	char slo[TSM_TIME_BUFSZ], shi[TSM_TIME_BUFSZ];
	const char *params[3];
	bool ok;

	if (!p->loaded && !parts_load(conn, o, p))
		return false;
	if (covered(p, lo, hi))
		return true;
	tsm_format_time(lo, slo);
	tsm_format_time(hi, shi);
	params[0] = o->map->kind->series;
	params[1] = slo;
	params[2] = shi;
	ok = tsm_command(conn, o->sql->ensure_partitions, 3, params);
	return ok && parts_load(conn, o, p);
}
