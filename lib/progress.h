/*
 * progress.h: the progress line of long work, on stderr.
 *
 * On a terminal one line is redrawn in place, at most four times a
 * second, and cleared at the end; when asked for (--progress) without a
 * terminal, a line is written every second instead, and one at the end.
 * It shows the rows, the share done, the rate and the time so far.
 */
#ifndef TSM_PROGRESS_H
#define TSM_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct tsm_progress {
	bool on;
	bool tty;
	bool drawn;
	double start, last;
	char label[128];
};

/* Monotonic seconds. */
double tsm_now(void);

void tsm_progress_start(struct tsm_progress *p, bool on, const char *label);

/* rows so far; fraction of the work done (0..1) or negative if unknown. */
void tsm_progress_update(struct tsm_progress *p, uint64_t rows,
    double fraction);

/*
 * Ends the progress: clears the line on a terminal (a summary follows),
 * writes the last one otherwise.
 */
void tsm_progress_end(struct tsm_progress *p, uint64_t rows,
    double fraction);

#endif
