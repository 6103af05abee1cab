/*
 * when.h: a moment on the command line (--from, --to): a time as
 * timeparse.h reads it, or an age as age.h reads it, meaning that long
 * before now ("7d", "12h", "3M").
 */
#ifndef TSM_WHEN_H
#define TSM_WHEN_H

#include <stdbool.h>
#include <stdint.h>

#include "age.h"

/*
 * Parses s as an age before now (microseconds since the epoch) or as a
 * time; false with *why the reason it is not a time (from timeparse.h).
 */
bool tsm_parse_when(const char *s, int64_t now, int64_t *out,
    const char **why);

/*
 * t less an age: months on the calendar of UTC (from the 31st to the last
 * day of a shorter month, as PostgreSQL does), then the rest.
 */
int64_t tsm_age_before(int64_t t, const struct tsm_age *age);

#endif
