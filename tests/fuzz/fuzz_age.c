/*
 * fuzz_age.c: ages and timeframes (age.h).
 *
 * Properties, beyond no crash:
 *  - an age parsed is positive and of one kind (months, or microseconds);
 *    a refusal comes with a reason;
 *  - tsm_age_to_pg writes an interval literal that reads back (with the
 *    reader below, which follows PostgreSQL's output of intervals in the
 *    postgres style) as the same months and microseconds;
 *  - a timeframe parsed has a canonical code that parses to itself, with
 *    the same length;
 *  - tsm_timeframe_floor gives the start of the bucket: not after t, a
 *    fixed point, less than one width before t; for months, the first of
 *    a month at midnight, and no other month start between it and t.
 */
#include <stdlib.h>
#include <string.h>

#include "age.h"
#include "fuzz.h"
#include "timeparse.h"

#define USECS_PER_DAY	INT64_C(86400000000)
#define MIN_T		INT64_C(-62135596800000000)
#define MAX_T		INT64_C(253402300799999999)

/*
 * Reads "[N mon[s]] [N day[s]] [-]HH:MM:SS[.ffffff]" (each part
 * optional, at least one): PostgreSQL's postgres-style interval output.
 */
static bool
read_pg_interval(const char *s, int32_t *months, int64_t *usecs)
{
	long long n, h;
	unsigned mi, se, fr = 0;
	int k = 0, len;

	*months = 0;
	*usecs = 0;
	while (*s) {
		if (k = 0, sscanf(s, "%lld mon%n", &n, &k) == 1 && k > 0) {
			*months = (int32_t)n;
			s += k;
			if (*s == 's')
				s++;
		} else if (k = 0, sscanf(s, "%lld day%n", &n, &k) == 1 && k > 0) {
			*usecs += n * USECS_PER_DAY;
			s += k;
			if (*s == 's')
				s++;
		} else if (k = 0, sscanf(s, "%lld:%2u:%2u%n", &h, &mi, &se,
		    &k) == 3 && k > 0) {
			bool neg = *s == '-';

			s += k;
			if (*s == '.') {
				if (sscanf(s, ".%6u%n", &fr, &len) != 1 || len != 7)
					return false;
				s += len;
			}
			if (neg)
				h = -h;
			*usecs += (neg ? -1 : 1) * (((h * 60 + mi) * 60 + se) *
			    INT64_C(1000000) + fr);
		} else {
			return false;
		}
		if (*s == ' ')
			s++;
	}
	return true;
}

static void
check_age(const char *s)
{
	struct tsm_age a;
	const char *why = NULL;
	char buf[64];
	int32_t months;
	int64_t usecs;

	if (!tsm_parse_age(s, &a, &why)) {
		FUZZ_CHECK(why != NULL && why[0] != '\0', "no reason given");
		return;
	}
	FUZZ_CHECK((a.months > 0 && a.usecs == 0) ||
	    (a.months == 0 && a.usecs > 0), "age \"%s\" is %d months and "
	    "%lld us", s, (int)a.months, (long long)a.usecs);
	memset(buf, 'x', sizeof(buf));
	tsm_age_to_pg(&a, buf, sizeof(buf));
	FUZZ_CHECK(memchr(buf, '\0', sizeof(buf)) != NULL, "unterminated");
	FUZZ_CHECK(read_pg_interval(buf, &months, &usecs),
	    "age \"%s\" written as \"%s\", not an interval", s, buf);
	FUZZ_CHECK(months == a.months && usecs == a.usecs,
	    "age \"%s\" (%d months, %lld us) written as \"%s\"", s,
	    (int)a.months, (long long)a.usecs, buf);
}

static void
check_floor(const struct tsm_timeframe *tf, int64_t t)
{
	int64_t f = tsm_timeframe_floor(tf, t);
	int y, m, d, y2, m2, d2;

	FUZZ_CHECK(f <= t, "%s: floor of %lld is after it", tf->code,
	    (long long)t);
	FUZZ_CHECK(tsm_timeframe_floor(tf, f) == f, "%s: floor of %lld "
	    "is not a fixed point", tf->code, (long long)t);
	if (tf->months == 0) {
		FUZZ_CHECK(t - f < tf->usecs, "%s: floor of %lld is %lld",
		    tf->code, (long long)t, (long long)f);
		return;
	}
	FUZZ_CHECK(f % USECS_PER_DAY == 0, "%s: floor %lld is not midnight",
	    tf->code, (long long)f);
	tsm_civil_from_days(f / USECS_PER_DAY, &y, &m, &d);
	FUZZ_CHECK(d == 1, "%s: floor of %lld is day %d", tf->code,
	    (long long)t, d);
	tsm_civil_from_days(t / USECS_PER_DAY - (t % USECS_PER_DAY < 0),
	    &y2, &m2, &d2);
	FUZZ_CHECK((int64_t)(y2 - y) * 12 + (m2 - m) < tf->months,
	    "%s: floor of %d-%02d is %d-%02d", tf->code, y2, m2, y, m);
}

static void
check_timeframe(const char *s, const uint8_t *data, size_t size)
{
	struct tsm_timeframe tf, again;
	const char *why = NULL;
	int64_t t;

	if (!tsm_parse_timeframe(s, &tf, &why)) {
		FUZZ_CHECK(why != NULL && why[0] != '\0', "no reason given");
		return;
	}
	FUZZ_CHECK(strlen(tf.code) < sizeof(tf.code), "code too long");
	FUZZ_CHECK((tf.months > 0) != (tf.usecs > 0), "timeframe \"%s\" "
	    "is both or neither", s);
	FUZZ_CHECK(tf.months > 0 || tf.usecs >= INT64_C(60000000),
	    "timeframe \"%s\" is shorter than a minute", s);
	FUZZ_CHECK(tsm_parse_timeframe(tf.code, &again, &why) &&
	    strcmp(again.code, tf.code) == 0 && again.months == tf.months &&
	    again.usecs == tf.usecs, "code %s of \"%s\" is not canonical",
	    tf.code, s);
	check_floor(&tf, 0);
	check_floor(&tf, MIN_T);
	check_floor(&tf, MAX_T);
	for (size_t off = 0; off + sizeof(t) <= size && off < 64;
	    off += sizeof(t)) {
		memcpy(&t, data + off, sizeof(t));
		check_floor(&tf, MIN_T + (int64_t)((uint64_t)t %
		    (uint64_t)(MAX_T - MIN_T + 1)));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);

	check_age(s);
	check_timeframe(s, data, size);
	free(s);
	return 0;
}
