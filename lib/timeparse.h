/*
 * timeparse.h: times in and out.
 *
 * Times are held as microseconds since 1970-01-01 UTC (int64), PostgreSQL's
 * own precision.  Input: ISO 8601 with "Z" or an offset, with "T" or a space
 * between date and time, fractional seconds with "." or "," (digits past
 * the sixth must be zero: a time is refused rather than rounded); zone-less
 * text is in UTC unless a zone was set; a date alone is midnight; epoch
 * numbers in seconds, milliseconds, microseconds or nanoseconds, told apart
 * by magnitude unless the unit is given.
 */
#ifndef TSM_TIMEPARSE_H
#define TSM_TIMEPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tsm_time_unit {
	TSM_UNIT_AUTO,
	TSM_UNIT_S,
	TSM_UNIT_MS,
	TSM_UNIT_US,
	TSM_UNIT_NS
};

struct tsm_time_opts {
	enum tsm_time_unit unit;	/* for epoch numbers */
	const char *tz;			/* zone of zone-less text; NULL = UTC */
};

/* Parses "s", "ms", "us", "ns" (--time-unit); false if none of them. */
bool tsm_time_unit_parse(const char *s, enum tsm_time_unit *out);

/*
 * Checks that an IANA zone name (--tz) exists on this system ("UTC",
 * "Europe/Berlin", "America/New_York"); false if not.
 */
bool tsm_tz_valid(const char *tz);

/*
 * Parses s[0..len) (not necessarily NUL-terminated) into *out.  On failure
 * returns false and sets *why to a static lowercase reason that follows the
 * quoted field, such as "is not a time: expected
 * YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+HH:MM] or an epoch number", "has a month
 * out of range (01 to 12)", "is out of range as an epoch number (at most 19
 * digits)", "has more precision than microseconds".  Epoch by magnitude
 * (significant digits of the integer part): up to 11 digits seconds, 12-14
 * milliseconds, 15-17 microseconds, 18-19 nanoseconds; an epoch may carry a
 * fraction ("1700000000.25") as long as it is whole microseconds; negative
 * epochs are refused.  Years 1..9999 only.  Zone-less text in o->tz: a wall
 * time that happens twice takes the earlier instant, one skipped by a DST
 * change is refused (see zone.h).  o may be NULL (UTC, magnitude).
 */
bool tsm_parse_time(const char *s, size_t len, const struct tsm_time_opts *o,
    int64_t *out, const char **why);

/*
 * Writes t as UTC ISO 8601, "2024-03-01T12:00:00Z", with a fraction only
 * when it is not zero and then in its shortest form (".5", ".123456").
 * buf must hold TSM_TIME_BUFSZ bytes; returns the length written.
 */
#define TSM_TIME_BUFSZ 40
size_t tsm_format_time(int64_t t, char *buf);

/*
 * Rewrites a timestamptz as PostgreSQL prints it in UTC with ISO datestyle
 * ("2024-03-01 12:00:00+00", "2024-03-01 12:00:00.5+00") into the form
 * above.  Returns the length, or 0 if src is not in that form (then the
 * caller prints src as it is: BC dates, years past 9999, no offset).
 * "infinity" and "-infinity" pass through.  buf must hold TSM_TIME_BUFSZ
 * bytes.
 */
size_t tsm_pg_time_to_iso(const char *src, size_t len, char *buf);

/* Days since 1970-01-01 for a proleptic Gregorian date; and back. */
int64_t tsm_days_from_civil(int y, int m, int d);
void tsm_civil_from_days(int64_t days, int *y, int *m, int *d);

#endif
