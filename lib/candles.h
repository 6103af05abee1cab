/*
 * candles.h: a series of candles held as arrays, read from CSV or TSV and
 * checked on the way in.
 *
 * Times are microseconds since the epoch, strictly increasing.  Volume is
 * checked but not kept: nothing that holds a whole series needs it, and
 * 40 bytes a bar leave room for indicators within tsm-backtest's budget.
 */
#ifndef TSM_CANDLES_H
#define TSM_CANDLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input.h"
#include "timeparse.h"

struct tsm_candles {
	size_t n, cap;
	int64_t *time;
	double *open, *high, *low, *close;
};

struct tsm_candle_read_opts {
	bool tsv;
	const char *columns;		/* --columns for a headerless file */
	struct tsm_time_opts time;	/* --tz, --time-unit */
};

/* What the time steps between candles look like. */
struct tsm_gaps {
	int64_t step;		/* the shortest step between two candles */
	size_t count;		/* steps longer than 1.5 times that */
	int64_t longest;	/* the longest step */
	int64_t longest_from;	/* the time of the candle before it */
};

/*
 * Reads candles from in: a header names the columns time, open, high,
 * low, close and optionally volume (any order, any case; other columns
 * are ignored), or opts->columns does.  Every row is checked: times
 * strictly increasing, prices finite and positive, low <= open, close <=
 * high, volume empty or a number >= 0.  An error names the input, line and
 * column ("stdin line 7, column \"close\": \"NaN\" is not finite"), and
 * returns false.  An empty input is not an error here (c->n is 0).
 */
bool tsm_candles_read(struct tsm_input *in,
    const struct tsm_candle_read_opts *opts, struct tsm_candles *c);

/*
 * Appends one candle (the database reader's way in); false after
 * reporting "out of memory".  The caller checks order and prices.
 */
bool tsm_candles_push(struct tsm_candles *c, int64_t t, double open,
    double high, double low, double close);

/*
 * Reads the candles of path ("-" or NULL: standard input); no candles at
 * all is an error ("no candles in stdin").  False after reporting.
 */
bool tsm_candles_read_path(const char *path,
    const struct tsm_candle_read_opts *opts, struct tsm_candles *c);

/*
 * Notes the gaps on stderr, if any ("3 gaps in the candles, the longest
 * 4h45m after ..."); returns the shortest step.
 */
int64_t tsm_candles_note_gaps(const struct tsm_candles *c);

/* The interval code of a step, "1m" or "4h", or NULL if none fits. */
const char *tsm_step_code(int64_t step, char *buf, size_t size);

/* Gives back what the arrays hold beyond n. */
void tsm_candles_shrink(struct tsm_candles *c);

/* Frees the arrays (c itself is the caller's). */
void tsm_candles_free(struct tsm_candles *c);

/* Looks at the steps between candles. */
void tsm_candles_gaps(const struct tsm_candles *c, struct tsm_gaps *g);

/*
 * The index of the first candle at or after t (n if none), by binary
 * search.
 */
size_t tsm_candles_find(const struct tsm_candles *c, int64_t t);

/*
 * Writes a duration in microseconds as "1h30m", "2d4h", "45s": the two
 * largest non-zero units.  buf must hold 32 bytes.
 */
void tsm_format_span(int64_t us, char *buf, size_t size);

#endif
