/*
 * progress.c: the progress line.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "progress.h"

double
tsm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
tsm_progress_start(struct tsm_progress *p, bool on, const char *label)
{
	memset(p, 0, sizeof(*p));
	p->on = on;
	p->tty = isatty(STDERR_FILENO);
	p->start = p->last = tsm_now();
	snprintf(p->label, sizeof(p->label), "%s", label);
}

void
tsm_progress_update(struct tsm_progress *p, uint64_t rows, double fraction)
{
	double now = tsm_now(), el;
	char pct[16] = "";

	if (!p->on || now - p->last < (p->tty ? 0.25 : 1.0))
		return;
	p->last = now;
	el = now - p->start;
	if (fraction >= 0)
		snprintf(pct, sizeof(pct), ", %.0f%%", fraction * 100);
	fprintf(stderr, "%s%s: %s: %llu rows%s, %.0f rows/s, %.1f s%s",
	    p->tty ? "\r" : "", tsm_progname, p->label,
	    (unsigned long long)rows, pct, el > 0 ? (double)rows / el : 0.0,
	    el, p->tty ? "\033[K" : "\n");
	fflush(stderr);
	p->drawn = true;
}

void
tsm_progress_end(struct tsm_progress *p, uint64_t rows, double fraction)
{
	char pct[16] = "";
	double el = tsm_now() - p->start;

	if (!p->on)
		return;
	if (p->tty) {
		if (p->drawn)
			fputs("\r\033[K", stderr);
	} else {
		/* Asked for without a terminal: the last line always. */
		if (fraction >= 0)
			snprintf(pct, sizeof(pct), ", %.0f%%", fraction * 100);
		fprintf(stderr, "%s: %s: %llu rows%s, %.0f rows/s, %.1f s\n",
		    tsm_progname, p->label, (unsigned long long)rows, pct,
		    el > 0 ? (double)rows / el : 0.0, el);
	}
	fflush(stderr);
	p->drawn = false;
}
