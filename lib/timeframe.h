/*
 * timeframe.h: arithmetic on candle intervals (see age.h for what a
 * timeframe is and tsm_timeframe_floor for where its buckets start).
 */
#ifndef TSM_TIMEFRAME_H
#define TSM_TIMEFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "age.h"

/* The start of the bucket after the one that starts at t. */
int64_t tsm_bucket_next(const struct tsm_timeframe *tf, int64_t t);

/* The first bucket start at or after t (t itself when aligned);
 * INT64_MIN and INT64_MAX stay as they are. */
int64_t tsm_bucket_ceil(const struct tsm_timeframe *tf, int64_t t);

/* True if buckets of fine tile buckets of coarse exactly. */
bool tsm_timeframe_divides(const struct tsm_timeframe *fine,
    const struct tsm_timeframe *coarse);

/* True if a and b are the same length ("1h" and "60m"). */
bool tsm_timeframe_same(const struct tsm_timeframe *a,
    const struct tsm_timeframe *b);

/* Orders intervals by length, a month counting as 28 days: <0, 0, >0. */
int tsm_timeframe_cmp(const struct tsm_timeframe *a,
    const struct tsm_timeframe *b);

/*
 * The codes an interval may be stored under, as the text of a text[]
 * ("{60m,1h}", "{1440m,24h,1d}", "{1M}") into buf of n bytes.
 */
void tsm_timeframe_codes(const struct tsm_timeframe *tf, char *buf,
    size_t n);

#endif
