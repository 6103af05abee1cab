/*
 * age.c: ages (7d, 12h, 3M) and candle intervals (1m ... 1M).
 *
 * Both are a whole number and a unit.  Only "m" and "M" differ by case
 * (minutes and months); every other unit is read in any case, so that
 * "1H" and "7D" mean what their writer meant.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "age.h"
#include "timeparse.h"

#define USECS_PER_SEC	INT64_C(1000000)
#define USECS_PER_MIN	(60 * USECS_PER_SEC)
#define USECS_PER_HOUR	(3600 * USECS_PER_SEC)
#define USECS_PER_DAY	(86400 * USECS_PER_SEC)
#define USECS_PER_WEEK	(7 * USECS_PER_DAY)
/* The origin of time_bucket and date_bin: 2000-01-03 00:00 UTC, a Monday. */
#define BUCKET_ORIGIN	(INT64_C(946857600) * USECS_PER_SEC)
/* The longest timeframe: 10,000 Gregorian years. */
#define TIMEFRAME_MAX_MONTHS	120000
#define TIMEFRAME_MAX_USECS	(INT64_C(3652425) * USECS_PER_DAY)

static const char WHY_AGE[] =
    "is not an age: expected a positive whole number and a unit "
    "(s, m, h, d, w, M, y), such as 7d or 12h";
static const char WHY_AGE_LARGE[] = "is too large an age";
static const char WHY_TIMEFRAME[] =
    "is not a timeframe: expected a positive whole number and a unit "
    "(m, h, d, w, M), such as 1m, 5m, 1h, 1d, 1w or 1M";
static const char WHY_TIMEFRAME_SECONDS[] =
    "is not a timeframe: candles are at least one minute long, so "
    "seconds are not supported";
static const char WHY_TIMEFRAME_LARGE[] = "is too large a timeframe";

/*
 * A unit as written.  Single letters match their case exactly (each case
 * that is allowed has its own row); words match in any case.  code is
 * the letter of the canonical timeframe, or 0 where the unit is not one.
 */
struct unit {
	const char *name;
	bool exact_case;
	int32_t months;
	int64_t usecs;
	char code;
};

static const struct unit units[] = {
	{ "s", true, 0, USECS_PER_SEC, 0 },
	{ "S", true, 0, USECS_PER_SEC, 0 },
	{ "sec", false, 0, USECS_PER_SEC, 0 },
	{ "secs", false, 0, USECS_PER_SEC, 0 },
	{ "second", false, 0, USECS_PER_SEC, 0 },
	{ "seconds", false, 0, USECS_PER_SEC, 0 },
	{ "m", true, 0, USECS_PER_MIN, 'm' },
	{ "min", false, 0, USECS_PER_MIN, 'm' },
	{ "mins", false, 0, USECS_PER_MIN, 'm' },
	{ "minute", false, 0, USECS_PER_MIN, 'm' },
	{ "minutes", false, 0, USECS_PER_MIN, 'm' },
	{ "h", true, 0, USECS_PER_HOUR, 'h' },
	{ "H", true, 0, USECS_PER_HOUR, 'h' },
	{ "hour", false, 0, USECS_PER_HOUR, 'h' },
	{ "hours", false, 0, USECS_PER_HOUR, 'h' },
	{ "d", true, 0, USECS_PER_DAY, 'd' },
	{ "D", true, 0, USECS_PER_DAY, 'd' },
	{ "day", false, 0, USECS_PER_DAY, 'd' },
	{ "days", false, 0, USECS_PER_DAY, 'd' },
	{ "w", true, 0, USECS_PER_WEEK, 'w' },
	{ "W", true, 0, USECS_PER_WEEK, 'w' },
	{ "week", false, 0, USECS_PER_WEEK, 'w' },
	{ "weeks", false, 0, USECS_PER_WEEK, 'w' },
	{ "M", true, 1, 0, 'M' },
	{ "mo", false, 1, 0, 'M' },
	{ "mon", false, 1, 0, 'M' },
	{ "mons", false, 1, 0, 'M' },
	{ "month", false, 1, 0, 'M' },
	{ "months", false, 1, 0, 'M' },
	{ "y", true, 12, 0, 0 },
	{ "Y", true, 12, 0, 0 },
	{ "year", false, 12, 0, 0 },
	{ "years", false, 12, 0, 0 },
};

static const struct unit *
find_unit(const char *s)
{
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		const struct unit *u = &units[i];

		if (u->exact_case ? strcmp(s, u->name) == 0 :
		    strcasecmp(s, u->name) == 0)
			return u;
	}
	return NULL;
}

/*
 * Reads "N unit" or "Nunit": *n receives N (0 if it has more than 18
 * digits, which no age or timeframe needs), *space whether a space
 * came between.  NULL if there is no number or no known unit.
 */
static const struct unit *
read_count(const char *s, uint64_t *n, bool *space)
{
	size_t i, ndigits = 0;
	uint64_t v = 0;

	if (s == NULL)
		return NULL;
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (v != 0 || s[i] != '0')
			ndigits++;
		if (ndigits <= 18)
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0)
		return NULL;
	*n = ndigits > 18 ? UINT64_MAX : v;
	*space = s[i] == ' ';
	if (*space)
		i++;
	return find_unit(s + i);
}

bool
tsm_parse_age(const char *s, struct tsm_age *out, const char **why)
{
	const struct unit *u;
	uint64_t n = 0;
	bool space;

	if ((u = read_count(s, &n, &space)) == NULL || n == 0) {
		*why = WHY_AGE;
		return false;
	}
	if (u->months > 0) {
		if (n > (uint64_t)(INT32_MAX / u->months)) {
			*why = WHY_AGE_LARGE;
			return false;
		}
		out->months = (int32_t)n * u->months;
		out->usecs = 0;
	} else {
		if (n > (uint64_t)(INT64_MAX / u->usecs)) {
			*why = WHY_AGE_LARGE;
			return false;
		}
		out->months = 0;
		out->usecs = (int64_t)n * u->usecs;
	}
	return true;
}

/*
 * Months are written as months and whole days as days, because the
 * server keeps both apart from the time part of an interval: "7 days" is
 * seven calendar days across a DST change, not 168 hours.  Anything else
 * is written as hours, minutes and seconds ("36:00:00"), which the server
 * reads back as exactly that many hours.
 */
void
tsm_age_to_pg(const struct tsm_age *a, char *buf, size_t bufsz)
{
	int n = 0;

	buf[0] = '\0';
	if (a->months != 0)
		n = snprintf(buf, bufsz, "%d mon%s", (int)a->months,
		    a->months == 1 || a->months == -1 ? "" : "s");
	if (n < 0 || (size_t)n >= bufsz)
		return;
	if (a->usecs != 0 && a->usecs % USECS_PER_DAY == 0) {
		long long days = a->usecs / USECS_PER_DAY;

		snprintf(buf + n, bufsz - (size_t)n, "%s%lld day%s",
		    n > 0 ? " " : "", days, days == 1 || days == -1 ? "" : "s");
	} else if (a->usecs != 0) {
		uint64_t u = a->usecs < 0 ? (uint64_t)0 - (uint64_t)a->usecs :
		    (uint64_t)a->usecs;
		uint64_t secs = u / (uint64_t)USECS_PER_SEC;
		unsigned frac = (unsigned)(u % (uint64_t)USECS_PER_SEC);
		int k;

		k = snprintf(buf + n, bufsz - (size_t)n, "%s%s%02llu:%02u:%02u",
		    n > 0 ? " " : "", a->usecs < 0 ? "-" : "",
		    (unsigned long long)(secs / 3600),
		    (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
		if (k > 0 && frac != 0 && (size_t)(n + k) < bufsz)
			snprintf(buf + n + k, bufsz - (size_t)(n + k), ".%06u",
			    frac);
	} else if (a->months == 0) {
		snprintf(buf, bufsz, "00:00:00");
	}
}

bool
tsm_parse_timeframe(const char *s, struct tsm_timeframe *out,
    const char **why)
{
	const struct unit *u;
	uint64_t n = 0;
	bool space;

	u = read_count(s, &n, &space);
	if (u != NULL && u->code == 0 && u->usecs == USECS_PER_SEC &&
	    !space && n > 0) {
		*why = WHY_TIMEFRAME_SECONDS;
		return false;
	}
	if (u == NULL || u->code == 0 || space || n == 0) {
		*why = WHY_TIMEFRAME;
		return false;
	}
	/*
	 * Nine digits are more than any candle needs and fit the code; the
	 * length is checked before it is worked out, which could overflow.
	 */
	if (n > 999999999 || (u->months > 0 ? n > TIMEFRAME_MAX_MONTHS :
	    n > (uint64_t)(TIMEFRAME_MAX_USECS / u->usecs))) {
		*why = WHY_TIMEFRAME_LARGE;
		return false;
	}
	memset(out, 0, sizeof(*out));
	snprintf(out->code, sizeof(out->code), "%u%c", (unsigned)n, u->code);
	out->months = u->months > 0 ? (int32_t)n : 0;
	out->usecs = u->months > 0 ? 0 : (int64_t)n * u->usecs;
	return true;
}

/* a modulo b, in [0, b) for b > 0 whatever the sign of a. */
static inline int64_t
pos_mod(int64_t a, int64_t b)
{
	int64_t r = a % b;

	return r < 0 ? r + b : r;
}

/* a divided by b, rounded down, for b > 0. */
static inline int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/*
 * Fixed widths count from the origin: the bucket start is t less
 * (t - origin) mod width, worked out from the two remainders so that no
 * subtraction can overflow.  Months count from January 2000 on the
 * calendar of UTC.
 */
int64_t
tsm_timeframe_floor(const struct tsm_timeframe *tf, int64_t t)
{
	int64_t r;

	if (tf->months > 0) {
		int64_t days = floor_div(t, USECS_PER_DAY), month;
		int y, m, d;

		tsm_civil_from_days(days, &y, &m, &d);
		month = ((int64_t)y - 2000) * 12 + (m - 1);
		month -= pos_mod(month, tf->months);
		days = tsm_days_from_civil((int)(2000 + floor_div(month, 12)),
		    (int)pos_mod(month, 12) + 1, 1);
		if (days < INT64_MIN / USECS_PER_DAY)
			return INT64_MIN;
		return days * USECS_PER_DAY;
	}
	if (tf->usecs <= 0)
		return t;
	r = pos_mod(t, tf->usecs) - pos_mod(BUCKET_ORIGIN, tf->usecs);
	if (r < 0)
		r += tf->usecs;
	if (t < INT64_MIN + r)
		return INT64_MIN;
	return t - r;
}
