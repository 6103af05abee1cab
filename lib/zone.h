/*
 * zone.h: zone-less local times in a named IANA zone (--tz), for
 * timeparse.c.  tsm_tz_valid, in timeparse.h, is implemented here too.
 *
 * The zone is read with the C library's tz database: the first use of a
 * zone sets TZ in the environment of the process and calls tzset().  The
 * tools are single-threaded and work in UTC otherwise, so nothing else
 * notices.
 */
#ifndef TSM_ZONE_H
#define TSM_ZONE_H

#include <stdbool.h>
#include <stdint.h>

/* True for the names that need no tz database: "UTC" and "Z". */
bool tsm_zone_is_utc(const char *tz);

/*
 * Converts local seconds since 1970 (the wall clock in zone tz, counted
 * as if it were UTC) to true UTC seconds.  A wall time that happens twice
 * (when clocks go back) takes the earlier instant; one that never happens
 * (when clocks go forward) is refused with a reason naming the zone,
 * valid until the zone changes.  An unknown zone is refused too.
 */
bool tsm_zone_to_utc(const char *tz, int64_t local, int64_t *utc,
    const char **why);

#endif
