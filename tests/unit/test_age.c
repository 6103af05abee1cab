/*
 * test_age.c: ages (7d, 12h, 3M), their interval literals, and candle
 * timeframes with their buckets.
 */
#include <stdint.h>

#include "age.h"
#include "timeparse.h"
#include "unit.h"

#define SEC	INT64_C(1000000)
#define MINUTE	(60 * SEC)
#define HOUR	(3600 * SEC)
#define DAY	(86400 * SEC)

static const char AGE_WHY[] =
    "is not an age: expected a positive whole number and a unit "
    "(s, m, h, d, w, M, y), such as 7d or 12h";
static const char TF_WHY[] =
    "is not a timeframe: expected a positive whole number and a unit "
    "(m, h, d, w, M), such as 1m, 5m, 1h, 1d, 1w or 1M";
static const char TF_SECONDS[] =
    "is not a timeframe: candles are at least one minute long, so "
    "seconds are not supported";

static uint64_t rng_state = 0x13198a2e03707344ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Parses an age; months and usecs are -1 if refused. */
static struct tsm_age
age(const char *s)
{
	struct tsm_age a = { -1, -1 };
	const char *why;

	if (!tsm_parse_age(s, &a, &why)) {
		a.months = -1;
		a.usecs = -1;
	}
	return a;
}

static const char *
age_why(const char *s)
{
	struct tsm_age a;
	const char *why = "ok";

	if (tsm_parse_age(s, &a, &why))
		return "ok";
	return why;
}

static const char *
to_pg(int32_t months, int64_t usecs)
{
	static char buf[64];
	struct tsm_age a = { months, usecs };

	tsm_age_to_pg(&a, buf, sizeof(buf));
	return buf;
}

static struct tsm_timeframe
tf(const char *s)
{
	struct tsm_timeframe t;
	const char *why;

	memset(&t, 0, sizeof(t));
	if (!tsm_parse_timeframe(s, &t, &why))
		strcpy(t.code, "(refused)");
	return t;
}

static const char *
tf_why(const char *s)
{
	struct tsm_timeframe t;
	const char *why = "ok";

	if (tsm_parse_timeframe(s, &t, &why))
		return "ok";
	return why;
}

static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	return (tsm_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    s) * SEC;
}

static int64_t
floor_of(const char *code, int64_t t)
{
	struct tsm_timeframe f = tf(code);

	return tsm_timeframe_floor(&f, t);
}

TEST(age_parse_units)
{
	static const struct {
		const char *s;
		int32_t months;
		int64_t usecs;
	} cases[] = {
		{ "7d", 0, 7 * DAY }, { "12h", 0, 12 * HOUR },
		{ "3M", 3, 0 }, { "1y", 12, 0 }, { "2y", 24, 0 },
		{ "30s", 0, 30 * SEC }, { "15m", 0, 15 * MINUTE },
		{ "2w", 0, 14 * DAY }, { "7 days", 0, 7 * DAY },
		{ "7days", 0, 7 * DAY }, { "1 day", 0, DAY },
		{ "1 hour", 0, HOUR }, { "2 hours", 0, 2 * HOUR },
		{ "3 months", 3, 0 }, { "1 month", 1, 0 }, { "1 mon", 1, 0 },
		{ "3 mons", 3, 0 }, { "1 year", 12, 0 }, { "5 years", 60, 0 },
		{ "10 sec", 0, 10 * SEC }, { "10 secs", 0, 10 * SEC },
		{ "90 seconds", 0, 90 * SEC }, { "1 second", 0, SEC },
		{ "5 min", 0, 5 * MINUTE }, { "5min", 0, 5 * MINUTE },
		{ "1 minute", 0, MINUTE }, { "2 minutes", 0, 2 * MINUTE },
		{ "2 weeks", 0, 14 * DAY }, { "1 week", 0, 7 * DAY },
		{ "7D", 0, 7 * DAY }, { "12H", 0, 12 * HOUR },
		{ "1W", 0, 7 * DAY }, { "1Y", 12, 0 }, { "30S", 0, 30 * SEC },
		{ "7 DAYS", 0, 7 * DAY }, { "3 Months", 3, 0 },
		{ "007d", 0, 7 * DAY }, { "1 d", 0, DAY },
		{ "100000d", 0, 100000 * DAY },
		{ "178956970y", 178956970 * 12, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tsm_age a = age(cases[i].s);

		if (a.months != cases[i].months || a.usecs != cases[i].usecs)
			unit_fail(__FILE__, __LINE__, "\"%s\": %d months, "
			    "%lld usecs", cases[i].s, (int)a.months,
			    (long long)a.usecs);
	}
}

TEST(age_refusals)
{
	static const char *const bad[] = {
		"7dd", "-1d", "0d", "00d", "1.5h", "d", "", "7", "7 ", " 7d",
		"7  days", "7d ", "+7d", "7x", "7 dayss", "1e3d", "7 mm",
		"7m m", "7 Dd", "1,5d", "seven days", "7mins ", "7\td",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (strcmp(age_why(bad[i]), AGE_WHY) != 0)
			unit_fail(__FILE__, __LINE__, "\"%s\" %s", bad[i],
			    age_why(bad[i]));
	CHECK_STR_EQ(age_why(NULL), AGE_WHY);
	CHECK_STR_EQ(age_why("99999999999999999999d"), "is too large an age");
	CHECK_STR_EQ(age_why("200000000000000d"), "is too large an age");
	CHECK_STR_EQ(age_why("178956971y"), "is too large an age");
	CHECK_STR_EQ(age_why("2147483648M"), "is too large an age");
	CHECK_STR_EQ(age_why("2147483647M"), "ok");
	CHECK_STR_EQ(age_why("9223372036854s"), "ok");
	CHECK_STR_EQ(age_why("9223372036855s"), "is too large an age");
	/* m and M are minutes and months; every other unit folds case. */
	CHECK_INT_EQ(age("1m").usecs, MINUTE);
	CHECK_INT_EQ(age("1m").months, 0);
	CHECK_INT_EQ(age("1M").months, 1);
	CHECK_INT_EQ(age("1M").usecs, 0);
}

TEST(age_to_pg)
{
	CHECK_STR_EQ(to_pg(0, 7 * DAY), "7 days");
	CHECK_STR_EQ(to_pg(0, DAY), "1 day");
	CHECK_STR_EQ(to_pg(0, 14 * DAY), "14 days");
	CHECK_STR_EQ(to_pg(0, 12 * HOUR), "12:00:00");
	CHECK_STR_EQ(to_pg(0, 36 * HOUR), "36:00:00");
	CHECK_STR_EQ(to_pg(0, 90 * SEC), "00:01:30");
	CHECK_STR_EQ(to_pg(0, 15 * MINUTE), "00:15:00");
	CHECK_STR_EQ(to_pg(0, 1000 * HOUR + 59 * SEC), "1000:00:59");
	CHECK_STR_EQ(to_pg(0, 1500000), "00:00:01.500000");
	CHECK_STR_EQ(to_pg(0, -12 * HOUR), "-12:00:00");
	CHECK_STR_EQ(to_pg(0, -2 * DAY), "-2 days");
	CHECK_STR_EQ(to_pg(3, 0), "3 mons");
	CHECK_STR_EQ(to_pg(1, 0), "1 mon");
	CHECK_STR_EQ(to_pg(12, 0), "12 mons");
	CHECK_STR_EQ(to_pg(1, 2 * DAY), "1 mon 2 days");
	CHECK_STR_EQ(to_pg(1, 90 * SEC), "1 mon 00:01:30");
	CHECK_STR_EQ(to_pg(0, 0), "00:00:00");
	CHECK_STR_EQ(to_pg(INT32_MAX, INT64_MAX),
	    "2147483647 mons 2562047788:00:54.775807");
	CHECK_STR_EQ(to_pg(INT32_MIN, INT64_MIN),
	    "-2147483648 mons -2562047788:00:54.775808");
	/* Parsed ages write as the interval they mean. */
	{
		struct tsm_age a = age("7d");
		char buf[64];

		tsm_age_to_pg(&a, buf, sizeof(buf));
		CHECK_STR_EQ(buf, "7 days");
		a = age("1y");
		tsm_age_to_pg(&a, buf, sizeof(buf));
		CHECK_STR_EQ(buf, "12 mons");
		a = age("48h");
		tsm_age_to_pg(&a, buf, sizeof(buf));
		CHECK_STR_EQ(buf, "2 days");
		a = age("30m");
		tsm_age_to_pg(&a, buf, sizeof(buf));
		CHECK_STR_EQ(buf, "00:30:00");
	}
}

TEST(age_to_pg_small_buffer)
{
	char buf[8];
	struct tsm_age a = { 1234, 2 * DAY };

	memset(buf, 'x', sizeof(buf));
	tsm_age_to_pg(&a, buf, 5);
	CHECK_STR_EQ(buf, "1234");
	CHECK(buf[5] == 'x');
	a.months = 1;
	a.usecs = 90 * SEC + 1;
	tsm_age_to_pg(&a, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "1 mon 0");
}

TEST(age_timeframe_standard_codes)
{
	static const struct {
		const char *s;
		int32_t months;
		int64_t usecs;
	} cases[] = {
		{ "1m", 0, MINUTE }, { "3m", 0, 3 * MINUTE },
		{ "5m", 0, 5 * MINUTE }, { "10m", 0, 10 * MINUTE },
		{ "15m", 0, 15 * MINUTE }, { "30m", 0, 30 * MINUTE },
		{ "1h", 0, HOUR }, { "2h", 0, 2 * HOUR }, { "4h", 0, 4 * HOUR },
		{ "6h", 0, 6 * HOUR }, { "8h", 0, 8 * HOUR },
		{ "12h", 0, 12 * HOUR }, { "1d", 0, DAY }, { "3d", 0, 3 * DAY },
		{ "1w", 0, 7 * DAY }, { "1M", 1, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tsm_timeframe t = tf(cases[i].s);

		CHECK_STR_EQ(t.code, cases[i].s);
		CHECK_INT_EQ(t.months, cases[i].months);
		CHECK_INT_EQ(t.usecs, cases[i].usecs);
	}
}

TEST(age_timeframe_aliases)
{
	CHECK_STR_EQ(tf("1min").code, "1m");
	CHECK_STR_EQ(tf("5MIN").code, "5m");
	CHECK_STR_EQ(tf("60m").code, "60m");
	CHECK_INT_EQ(tf("60m").usecs, HOUR);
	CHECK_STR_EQ(tf("1H").code, "1h");
	CHECK_STR_EQ(tf("4H").code, "4h");
	CHECK_STR_EQ(tf("1D").code, "1d");
	CHECK_STR_EQ(tf("1W").code, "1w");
	CHECK_STR_EQ(tf("1mo").code, "1M");
	CHECK_STR_EQ(tf("1mon").code, "1M");
	CHECK_STR_EQ(tf("1MO").code, "1M");
	CHECK_STR_EQ(tf("3M").code, "3M");
	CHECK_INT_EQ(tf("3M").months, 3);
	CHECK_INT_EQ(tf("3M").usecs, 0);
	CHECK_STR_EQ(tf("01m").code, "1m");
	CHECK_STR_EQ(tf("90m").code, "90m");
	CHECK_STR_EQ(tf("2w").code, "2w");
	CHECK_STR_EQ(tf("999999999m").code, "999999999m");
	CHECK_STR_EQ(tf("120000M").code, "120000M");
	CHECK_STR_EQ(tf("3652425d").code, "3652425d");
	CHECK_INT_EQ(tf("3652425d").usecs, INT64_C(3652425) * 86400000000);
	CHECK_STR_EQ(tf("87658200h").code, "87658200h");
}

TEST(age_timeframe_refusals)
{
	static const char *const bad[] = {
		"0m", "m", "", "1 m", "1y", "1Y", "1.5h", "-1m", "1x", "1mm",
		"1m ", " 1m", "h", "0M", "1 h", "1e1m", "+1m", "1hh",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (strcmp(tf_why(bad[i]), TF_WHY) != 0)
			unit_fail(__FILE__, __LINE__, "\"%s\" %s", bad[i],
			    tf_why(bad[i]));
	CHECK_STR_EQ(tf_why(NULL), TF_WHY);
	CHECK_STR_EQ(tf_why("30s"), TF_SECONDS);
	CHECK_STR_EQ(tf_why("1S"), TF_SECONDS);
	CHECK_STR_EQ(tf_why("1sec"), TF_SECONDS);
	CHECK_STR_EQ(tf_why("60s"), TF_SECONDS);
	CHECK_STR_EQ(tf_why("1000000000m"), "is too large a timeframe");
	CHECK_STR_EQ(tf_why("99999999999999999999999h"),
	    "is too large a timeframe");
	/*
	 * Found by fuzz_age: 999999999d and 999999999w overflowed int64
	 * microseconds, and 907907339M put the bucket of year 1 before any
	 * time tsm can hold.  A timeframe is at most 10,000 years.
	 */
	CHECK_STR_EQ(tf_why("999999999d"), "is too large a timeframe");
	CHECK_STR_EQ(tf_why("999999999w"), "is too large a timeframe");
	CHECK_STR_EQ(tf_why("999999999M"), "is too large a timeframe");
	CHECK_STR_EQ(tf_why("907907339M"), "is too large a timeframe");
	CHECK_STR_EQ(tf_why("120001M"), "is too large a timeframe");
	CHECK_STR_EQ(tf_why("3652426d"), "is too large a timeframe");
	CHECK_STR_EQ(tf_why("521776w"), "is too large a timeframe");
	CHECK_STR_EQ(tf_why("87658201h"), "is too large a timeframe");
}

/* The buckets of the longest timeframes stay within what tsm can hold. */
TEST(age_timeframe_floor_longest)
{
	const int64_t year1 = INT64_C(-62135596800000000);
	const int64_t year9999 = INT64_C(253402300799999999);
	static const char *const codes[] = {"120000M", "7M", "3652425d",
		"521775w", "87658200h", "999999999m"};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		struct tsm_timeframe f = tf(codes[i]);
		int64_t a = tsm_timeframe_floor(&f, year1);
		int64_t b = tsm_timeframe_floor(&f, year9999);

		if (a == INT64_MIN || a > year1 || b > year9999 || b < a)
			unit_fail(__FILE__, __LINE__, "%s: floors %lld, %lld",
			    codes[i], (long long)a, (long long)b);
	}
}

TEST(age_timeframe_floor_examples)
{
	int64_t t = utc(2024, 3, 1, 12, 34, 56) + 789000;	/* a Friday */

	CHECK_INT_EQ(floor_of("1m", t), utc(2024, 3, 1, 12, 34, 0));
	CHECK_INT_EQ(floor_of("3m", t), utc(2024, 3, 1, 12, 33, 0));
	CHECK_INT_EQ(floor_of("5m", t), utc(2024, 3, 1, 12, 30, 0));
	CHECK_INT_EQ(floor_of("15m", t), utc(2024, 3, 1, 12, 30, 0));
	CHECK_INT_EQ(floor_of("1h", t), utc(2024, 3, 1, 12, 0, 0));
	CHECK_INT_EQ(floor_of("4h", t), utc(2024, 3, 1, 12, 0, 0));
	CHECK_INT_EQ(floor_of("8h", t), utc(2024, 3, 1, 8, 0, 0));
	CHECK_INT_EQ(floor_of("1d", t), utc(2024, 3, 1, 0, 0, 0));
	CHECK_INT_EQ(floor_of("3d", t), utc(2024, 2, 29, 0, 0, 0));
	CHECK_INT_EQ(floor_of("1w", t), utc(2024, 2, 26, 0, 0, 0));
	CHECK_INT_EQ(floor_of("2w", t), utc(2024, 2, 26, 0, 0, 0));
	CHECK_INT_EQ(floor_of("1M", t), utc(2024, 3, 1, 0, 0, 0));
	CHECK_INT_EQ(floor_of("3M", t), utc(2024, 1, 1, 0, 0, 0));
	CHECK_INT_EQ(floor_of("12M", t), utc(2024, 1, 1, 0, 0, 0));
	CHECK_INT_EQ(floor_of("1M", utc(2024, 3, 31, 23, 59, 59)),
	    utc(2024, 3, 1, 0, 0, 0));
	CHECK_INT_EQ(floor_of("1M", utc(2024, 2, 29, 23, 59, 59)),
	    utc(2024, 2, 1, 0, 0, 0));
	/* A bucket edge is its own floor. */
	CHECK_INT_EQ(floor_of("1h", utc(2024, 3, 1, 12, 0, 0)),
	    utc(2024, 3, 1, 12, 0, 0));
	CHECK_INT_EQ(floor_of("1w", utc(2000, 1, 3, 0, 0, 0)),
	    utc(2000, 1, 3, 0, 0, 0));
	/* Before 1970 the floor still goes down, not toward zero. */
	CHECK_INT_EQ(floor_of("1m", -30 * SEC), -MINUTE);
	CHECK_INT_EQ(floor_of("1d", -1), -DAY);
	CHECK_INT_EQ(floor_of("1m", -MINUTE), -MINUTE);
	CHECK_INT_EQ(floor_of("1w", 0), utc(1969, 12, 29, 0, 0, 0));
	CHECK_INT_EQ(floor_of("1M", utc(1969, 12, 15, 0, 0, 0)),
	    utc(1969, 12, 1, 0, 0, 0));
	CHECK_INT_EQ(floor_of("3M", utc(1969, 12, 15, 0, 0, 0)),
	    utc(1969, 10, 1, 0, 0, 0));
	CHECK_INT_EQ(floor_of("1M", utc(1, 1, 1, 0, 0, 1)),
	    utc(1, 1, 1, 0, 0, 0));
	/* The extremes of int64 do not overflow. */
	CHECK_INT_EQ(floor_of("1m", INT64_MIN), INT64_MIN);
	CHECK_INT_EQ(floor_of("1M", INT64_MIN), INT64_MIN);
	CHECK(floor_of("1M", INT64_MAX) <= INT64_MAX);
	CHECK(floor_of("7w", INT64_MAX) > INT64_MAX - 7 * 7 * DAY);
}

/*
 * For random times and timeframes: the floor is at or before t, the next
 * bucket starts after t, the floor is its own floor, and it sits on the
 * grid: a whole number of widths from 2000-01-03, or the first of a
 * month counted from January 2000.
 */
TEST(age_timeframe_floor_random)
{
	static const char *const codes[] = {
		"1m", "3m", "5m", "7m", "10m", "15m", "30m", "45m", "1h", "2h",
		"4h", "6h", "8h", "12h", "1d", "2d", "3d", "1w", "2w", "1M",
		"2M", "3M", "5M", "12M",
	};
	const int64_t origin = utc(2000, 1, 3, 0, 0, 0);
	const int64_t lo = utc(1, 2, 1, 0, 0, 0), hi = utc(9999, 11, 1, 0, 0, 0);
	int bad = 0;

	for (int k = 0; k < 100000; k++) {
		const char *code = codes[rng() % (sizeof(codes) /
		    sizeof(codes[0]))];
		struct tsm_timeframe f = tf(code);
		int64_t t = lo + (int64_t)(rng() % (uint64_t)(hi - lo));
		int64_t b = tsm_timeframe_floor(&f, t), next;
		bool ok = b <= t && tsm_timeframe_floor(&f, b) == b;

		if (f.months == 0) {
			next = b + f.usecs;
			ok = ok && t < next && (b - origin) % f.usecs == 0;
		} else {
			int y, m, d;
			int64_t mi;

			ok = ok && b % DAY == 0;
			tsm_civil_from_days(b / DAY - (b % DAY < 0), &y, &m, &d);
			mi = ((int64_t)y - 2000) * 12 + m - 1;
			ok = ok && d == 1 && mi % f.months == 0;
			mi += f.months;
			next = utc((int)(2000 + mi / 12 - (mi % 12 < 0)),
			    (int)((mi % 12 + 12) % 12) + 1, 1, 0, 0, 0);
			ok = ok && t < next;
		}
		if (!ok && bad++ < 5)
			unit_fail(__FILE__, __LINE__, "%s floor of %lld: %lld",
			    code, (long long)t, (long long)b);
	}
	CHECK_INT_EQ(bad, 0);
}
