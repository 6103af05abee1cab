/*
 * test_timeparse.c: times in (ISO 8601, epochs, zones) and out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "timeparse.h"
#include "unit.h"

#define SEC	INT64_C(1000000)
#define MIN_T	INT64_C(-62135596800000000)
#define MAX_T	INT64_C(253402300799999999)
#define BAD	INT64_C(-1234567)	/* what tp() returns on refusal */

static uint64_t rng_state = 0x243f6a8885a308d3ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static const char *last_why;

/* Parses s with unit and zone; BAD (and last_why set) if refused. */
static int64_t
tpo(const char *s, enum tsm_time_unit unit, const char *tz)
{
	struct tsm_time_opts o = { unit, tz };
	int64_t t = BAD;

	last_why = "(none)";
	if (!tsm_parse_time(s, strlen(s), &o, &t, &last_why))
		return BAD;
	return t;
}

static int64_t
tp(const char *s)
{
	int64_t t = BAD;

	last_why = "(none)";
	if (!tsm_parse_time(s, strlen(s), NULL, &t, &last_why))
		return BAD;
	return t;
}

/* The reason s is refused, or "ok". */
static const char *
why(const char *s)
{
	return tp(s) == BAD ? last_why : "ok";
}

static const char *
whyo(const char *s, enum tsm_time_unit unit, const char *tz)
{
	return tpo(s, unit, tz) == BAD ? last_why : "ok";
}

static const char *
fmt(int64_t t)
{
	static char buf[TSM_TIME_BUFSZ];
	size_t n = tsm_format_time(t, buf);

	return n == strlen(buf) ? buf : "(length mismatch)";
}

static const char *
pg(const char *s)
{
	static char buf[TSM_TIME_BUFSZ];
	size_t n;

	buf[0] = '\0';
	n = tsm_pg_time_to_iso(s, strlen(s), buf);
	if (n == 0)
		return "(0)";
	return n == strlen(buf) ? buf : "(length mismatch)";
}

/* Microseconds of a UTC calendar time. */
static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	return (tsm_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    s) * SEC;
}

TEST(timeparse_civil_known_days)
{
	int y, m, d;

	CHECK_INT_EQ(tsm_days_from_civil(1970, 1, 1), 0);
	CHECK_INT_EQ(tsm_days_from_civil(1969, 12, 31), -1);
	CHECK_INT_EQ(tsm_days_from_civil(2000, 3, 1), 11017);
	CHECK_INT_EQ(tsm_days_from_civil(2024, 2, 29), 19782);
	CHECK_INT_EQ(tsm_days_from_civil(1900, 3, 1), -25508);
	CHECK_INT_EQ(tsm_days_from_civil(1, 1, 1), -719162);
	CHECK_INT_EQ(tsm_days_from_civil(9999, 12, 31), 2932896);
	CHECK_INT_EQ(tsm_days_from_civil(2000, 1, 3), 10959);
	tsm_civil_from_days(19782, &y, &m, &d);
	CHECK(y == 2024 && m == 2 && d == 29);
	tsm_civil_from_days(-719162, &y, &m, &d);
	CHECK(y == 1 && m == 1 && d == 1);
	tsm_civil_from_days(-719163, &y, &m, &d);
	CHECK(y == 0 && m == 12 && d == 31);
}

/*
 * Day by day from year -1000 to 12000: each day is the next calendar
 * day of the one before, and converts back to the same count.
 */
TEST(timeparse_civil_every_day)
{
	int py, pm, pd, y, m, d, bad = 0;
	int64_t first = tsm_days_from_civil(-1000, 1, 1);
	int64_t last = tsm_days_from_civil(12000, 12, 31);
	static const int mdays[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	tsm_civil_from_days(first, &py, &pm, &pd);
	CHECK(py == -1000 && pm == 1 && pd == 1);
	for (int64_t n = first + 1; n <= last; n++) {
		int ny = py, nm = pm, nd = pd + 1;
		int leap = (py % 4 == 0 && py % 100 != 0) || py % 400 == 0;
		int len = pm == 2 && leap ? 29 : mdays[pm - 1];

		if (nd > len) {
			nd = 1;
			if (++nm > 12) {
				nm = 1;
				ny++;
			}
		}
		tsm_civil_from_days(n, &y, &m, &d);
		if ((y != ny || m != nm || d != nd ||
		    tsm_days_from_civil(y, m, d) != n) && bad++ < 5)
			unit_fail(__FILE__, __LINE__, "day %lld: %d-%d-%d",
			    (long long)n, y, m, d);
		py = y;
		pm = m;
		pd = d;
	}
	CHECK_INT_EQ(bad, 0);
}

TEST(timeparse_iso_forms)
{
	int64_t noon = INT64_C(1709294400000000);	/* 2024-03-01 12:00Z */

	CHECK_INT_EQ(tp("2024-03-01T12:00:00Z"), noon);
	CHECK_INT_EQ(tp("2024-03-01 12:00:00"), noon);
	CHECK_INT_EQ(tp("2024-03-01t12:00:00z"), noon);
	CHECK_INT_EQ(tp("2024-03-01T12:00:00"), noon);
	CHECK_INT_EQ(tp("2024-03-01T12:00Z"), noon);
	CHECK_INT_EQ(tp("2024-03-01 12:00"), noon);
	CHECK_INT_EQ(tp("2024-03-01T12:00:00+00:00"), noon);
	CHECK_INT_EQ(tp("2024-03-01 12:00:00+00"), noon);
	CHECK_INT_EQ(tp("2024-03-01 12:00:00-00"), noon);
	CHECK_INT_EQ(tp("2024-03-01 12:00:00 +00:00"), noon);
	CHECK_INT_EQ(tp("2024-03-01 12:00:00 UTC"), noon);
	CHECK_INT_EQ(tp("2024-03-01 12:00:00utc"), noon);
	CHECK_INT_EQ(tp("2024-03-01T12:00:00.123+05:30"),
	    INT64_C(1709274600123000));
	CHECK_INT_EQ(tp("2024-03-01T12:00:00+0530"), noon - 19800 * SEC);
	CHECK_INT_EQ(tp("2024-03-01T12:00:00+05"), noon - 5 * 3600 * SEC);
	CHECK_INT_EQ(tp("2024-03-01T12:00:00-04:00"),
	    INT64_C(1709308800000000));
	CHECK_INT_EQ(tp("2024-03-01T12:00-04"), noon + 4 * 3600 * SEC);
	CHECK_INT_EQ(tp("2024-03-01T12:00:00+15:59"),
	    noon - (15 * 3600 + 59 * 60) * SEC);
	CHECK_INT_EQ(tp("2024-03-01T12:00:00+00:53:28"),
	    noon - (53 * 60 + 28) * SEC);
	CHECK_INT_EQ(tp("2024-03-01"), noon - 12 * 3600 * SEC);
	CHECK_INT_EQ(tp("2021-04-20 01:59:00"), INT64_C(1618883940000000));
	CHECK_INT_EQ(tp("2024-03-01 12:00:00.123"), noon + 123000);
	CHECK_INT_EQ(tp("2025-02-15 23:28:13.706"),
	    INT64_C(1739662093706000));
	CHECK_INT_EQ(tp("2024-03-01T12:00:00.5Z"), noon + 500000);
	CHECK_INT_EQ(tp("2024-03-01T12:00:00,5Z"), noon + 500000);
	CHECK_INT_EQ(tp("2024-03-01T12:00:00.000001Z"), noon + 1);
	CHECK_INT_EQ(tp("2024-03-01T12:00:00.123456Z"), noon + 123456);
	CHECK_INT_EQ(tp("2024-03-01T12:00:00.123456000Z"), noon + 123456);
	CHECK_INT_EQ(tp("2024-03-01T12:00:00.999999999"), BAD);
	CHECK_INT_EQ(tp("1970-01-01T00:00:00Z"), 0);
	CHECK_INT_EQ(tp("1969-12-31T23:59:59.999999Z"), -1);
	CHECK_INT_EQ(tp("0001-01-01T00:00:00Z"), MIN_T);
	CHECK_INT_EQ(tp("0001-01-01"), MIN_T);
	CHECK_INT_EQ(tp("9999-12-31T23:59:59.999999Z"), MAX_T);
	CHECK_INT_EQ(tp("0001-01-01T01:00:00+01:00"), MIN_T);
}

TEST(timeparse_leap_years_and_month_ends)
{
	CHECK_INT_EQ(tp("2000-02-29"), utc(2000, 2, 29, 0, 0, 0));
	CHECK_INT_EQ(tp("2024-02-29"), utc(2024, 2, 29, 0, 0, 0));
	CHECK_INT_EQ(tp("1600-02-29"), utc(1600, 2, 29, 0, 0, 0));
	CHECK_STR_EQ(why("1900-02-29"), "has a day that its month does not have");
	CHECK_STR_EQ(why("2023-02-29"), "has a day that its month does not have");
	CHECK_STR_EQ(why("2100-02-29"), "has a day that its month does not have");
	CHECK_STR_EQ(why("2024-02-30"), "has a day that its month does not have");
	CHECK_STR_EQ(why("2024-04-31"), "has a day that its month does not have");
	CHECK_STR_EQ(why("2024-06-31"), "has a day that its month does not have");
	CHECK_STR_EQ(why("2024-09-31"), "has a day that its month does not have");
	CHECK_STR_EQ(why("2024-11-31"), "has a day that its month does not have");
	CHECK_STR_EQ(why("2024-01-32"), "has a day that its month does not have");
	CHECK_STR_EQ(why("2024-01-00"), "has a day that its month does not have");
	CHECK_STR_EQ(why("2023-02-28"), "ok");
	CHECK_STR_EQ(why("2024-01-31"), "ok");
	CHECK_STR_EQ(why("2024-03-31"), "ok");
	CHECK_STR_EQ(why("2024-05-31"), "ok");
	CHECK_STR_EQ(why("2024-07-31"), "ok");
	CHECK_STR_EQ(why("2024-08-31"), "ok");
	CHECK_STR_EQ(why("2024-10-31"), "ok");
	CHECK_STR_EQ(why("2024-12-31T23:59:59Z"), "ok");
	CHECK_STR_EQ(why("2024-04-30"), "ok");
}

TEST(timeparse_iso_refusals)
{
	static const char *const syntax[] = {
		"2024-3-1", "2024/03/01", "2024-03-01T", "2024-03-01T12",
		"2024-03-01T12:0", "2024-03-01X12:00", "2024-03-01T12:00:00.",
		"2024-03-01T12:00:00+5", "2024-03-01T12:00:00+05:3",
		"2024-03-01T12:00:00+053", "2024-03-01T12:00:00Zx",
		"2024-03-01Z", "2024-03-01T12:00:00 ", "hello", "12:00:00",
		"2024-03-01T12:00:00GMT", "2024-03-01T12:00:00 Z Z",
		"2024-03-01T12:00:0", "2024-03-01  12:00:00", "x024-03-01",
		"+2024-03-01", "2024-03-01T12:00:00.12a", "2024-03-01T1:00:00",
		"-1.5.5", ".5", "17e", "2024-03-01T12:00:00+05:30:0",
	};

	for (size_t i = 0; i < sizeof(syntax) / sizeof(syntax[0]); i++) {
		const char *w = why(syntax[i]);

		if (strncmp(w, "is not a time: expected YYYY-MM-DD[THH:MM[:SS"
		    "[.fff]]][Z|+HH:MM] or an epoch number", 200) != 0 &&
		    strcmp(w, "has spaces around it") != 0)
			unit_fail(__FILE__, __LINE__, "\"%s\" %s", syntax[i],
			    w);
	}
	CHECK_STR_EQ(why("hello"), "is not a time: expected "
	    "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+HH:MM] or an epoch number");
	CHECK_STR_EQ(why(""), "is empty");
	CHECK_STR_EQ(why(" 2024-03-01"), "has spaces around it");
	CHECK_STR_EQ(why("2024-03-01 "), "has spaces around it");
	CHECK_STR_EQ(why("1700000000\t"), "has spaces around it");
	CHECK_STR_EQ(why("0000-01-01"), "has a year out of range (0001 to 9999)");
	CHECK_STR_EQ(why("2024-13-01"), "has a month out of range (01 to 12)");
	CHECK_STR_EQ(why("2024-00-10"), "has a month out of range (01 to 12)");
	CHECK_STR_EQ(why("2024-03-01T24:00:00"),
	    "has hour 24: write 00:00 of the next day instead");
	CHECK_STR_EQ(why("2024-03-01T24:00"),
	    "has hour 24: write 00:00 of the next day instead");
	CHECK_STR_EQ(why("2024-03-01T24:00:01"),
	    "has an hour out of range (00 to 23)");
	CHECK_STR_EQ(why("2024-03-01T25:00:00"),
	    "has an hour out of range (00 to 23)");
	CHECK_STR_EQ(why("2024-03-01T12:60:00"),
	    "has a minute out of range (00 to 59)");
	CHECK_STR_EQ(why("2024-03-01T12:00:60"),
	    "has second 60 (a leap second)");
	CHECK_STR_EQ(why("2016-12-31T23:59:60Z"),
	    "has second 60 (a leap second)");
	CHECK_STR_EQ(why("2024-03-01T12:00:61"),
	    "has a second out of range (00 to 59)");
	CHECK_STR_EQ(why("2024-03-01T12:00:00.1234567"),
	    "has more precision than microseconds");
	CHECK_STR_EQ(why("2024-03-01T12:00:00.123456789Z"),
	    "has more precision than microseconds");
	CHECK_STR_EQ(why("2024-03-01T12:00:00.000000001"),
	    "has more precision than microseconds");
	CHECK_STR_EQ(why("2024-03-01T12:00:00+16:00"),
	    "has a UTC offset out of range (at most 15:59)");
	CHECK_STR_EQ(why("2024-03-01T12:00:00+05:60"),
	    "has a UTC offset out of range (at most 15:59)");
	CHECK_STR_EQ(why("2024-03-01T12:00:00-99"),
	    "has a UTC offset out of range (at most 15:59)");
	CHECK_STR_EQ(why("0001-01-01T00:30:00+01:00"),
	    "is out of range (years 0001 to 9999)");
	CHECK_STR_EQ(why("9999-12-31T23:59:59-00:01"),
	    "is out of range (years 0001 to 9999)");
}

/* The shapes of real files, and the digit-count boundaries. */
TEST(timeparse_epochs_by_magnitude)
{
	CHECK_INT_EQ(tp("1706745600000"), INT64_C(1706745600000000));
	CHECK_INT_EQ(tp("1706745659999"), INT64_C(1706745659999000));
	CHECK_INT_EQ(tp("1735689600000000"), INT64_C(1735689600000000));
	CHECK_INT_EQ(tp("1735689600000000000"), INT64_C(1735689600000000));
	CHECK_INT_EQ(tp("1700000000"), INT64_C(1700000000) * SEC);
	CHECK_INT_EQ(tp("1700000000.25"), INT64_C(1700000000250000));
	CHECK_INT_EQ(tp("1742125864.0"), INT64_C(1742125864) * SEC);
	CHECK_INT_EQ(tp("1742125864.123456"), INT64_C(1742125864123456));
	CHECK_INT_EQ(tp("1742125864.123456000"), INT64_C(1742125864123456));
	CHECK_INT_EQ(tp("1700000000."), INT64_C(1700000000) * SEC);
	CHECK_INT_EQ(tp("0"), 0);
	CHECK_INT_EQ(tp("1"), SEC);
	CHECK_INT_EQ(tp("000000000001706745600000"),
	    INT64_C(1706745600000000));
	/* 11 digits: seconds; 12-14: ms; 15-17: us; 18-19: ns. */
	CHECK_INT_EQ(tp("99999999999"), INT64_C(99999999999) * SEC);
	CHECK_INT_EQ(tp("100000000000"), INT64_C(100000000000) * 1000);
	CHECK_INT_EQ(tp("99999999999999"), INT64_C(99999999999999) * 1000);
	CHECK_INT_EQ(tp("100000000000000"), INT64_C(100000000000000));
	CHECK_INT_EQ(tp("99999999999999999"), INT64_C(99999999999999999));
	CHECK_INT_EQ(tp("100000000000000000"), INT64_C(100000000000000));
	CHECK_INT_EQ(tp("1000000000000000000"), INT64_C(1000000000000000));
	CHECK_INT_EQ(tp("9223372036854775000"), INT64_C(9223372036854775));
	CHECK_INT_EQ(tp("9999999999999999000"), INT64_C(9999999999999999));
	CHECK_INT_EQ(tp("1706745600000.5"), INT64_C(1706745600000500));
	CHECK_INT_EQ(tp("1706745600000.123"), INT64_C(1706745600000123));
	CHECK_INT_EQ(tp("1735689600000000.000"), INT64_C(1735689600000000));
	/* Eight digits are seconds, even when they look like a date. */
	CHECK_INT_EQ(tp("20240301"), INT64_C(20240301) * SEC);
}

TEST(timeparse_epoch_refusals)
{
	CHECK_STR_EQ(why("12345678901234567890"),
	    "is out of range as an epoch number (at most 19 digits)");
	CHECK_STR_EQ(why("99999999999999999999999999"),
	    "is out of range as an epoch number (at most 19 digits)");
	CHECK_STR_EQ(why("9223372036854775807"),
	    "has more precision than microseconds");
	CHECK_STR_EQ(why("1700000000000000001"),
	    "has more precision than microseconds");
	CHECK_STR_EQ(why("1735689600000000000.5"),
	    "has more precision than microseconds");
	CHECK_STR_EQ(why("1735689600000000.5"),
	    "has more precision than microseconds");
	CHECK_STR_EQ(why("1706745600000.0005"),
	    "has more precision than microseconds");
	CHECK_STR_EQ(why("1700000000.1234567"),
	    "has more precision than microseconds");
	CHECK_STR_EQ(why("1700000000.0000000001"),
	    "has more precision than microseconds");
	CHECK_STR_EQ(why("-1"), "is a negative epoch number (a time before 1970)");
	CHECK_STR_EQ(why("-1706745600000"),
	    "is a negative epoch number (a time before 1970)");
	CHECK_STR_EQ(why("-1.5"),
	    "is a negative epoch number (a time before 1970)");
	CHECK_STR_EQ(why("1.7e9"),
	    "is an epoch number in exponent notation: write it in full");
	CHECK_STR_EQ(why("1E12"),
	    "is an epoch number in exponent notation: write it in full");
	CHECK_STR_EQ(why("1.706745600e+12"),
	    "is an epoch number in exponent notation: write it in full");
	CHECK_STR_EQ(why("1700000000.5.5"), "is not a time: expected "
	    "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+HH:MM] or an epoch number");
	CHECK_STR_EQ(why("+1700000000"), "is not a time: expected "
	    "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+HH:MM] or an epoch number");
	CHECK_STR_EQ(why("1,700,000,000"), "is not a time: expected "
	    "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+HH:MM] or an epoch number");
}

TEST(timeparse_epoch_with_unit)
{
	CHECK_INT_EQ(tpo("1700000000", TSM_UNIT_MS, NULL),
	    INT64_C(1700000000000));
	CHECK_INT_EQ(tpo("1706745600000", TSM_UNIT_US, NULL),
	    INT64_C(1706745600000));
	CHECK_INT_EQ(tpo("5000", TSM_UNIT_NS, NULL), 5);
	CHECK_INT_EQ(tpo("17", TSM_UNIT_S, NULL), 17 * SEC);
	CHECK_INT_EQ(tpo("17.5", TSM_UNIT_MS, NULL), 17500);
	CHECK_INT_EQ(tpo("1706745600000000", TSM_UNIT_US, NULL),
	    INT64_C(1706745600000000));
	CHECK_INT_EQ(tpo("253402300799", TSM_UNIT_S, NULL), MAX_T - 999999);
	CHECK_INT_EQ(tpo("253402300799.999999", TSM_UNIT_S, NULL), MAX_T);
	CHECK_INT_EQ(tpo("253402300799999", TSM_UNIT_MS, NULL),
	    MAX_T - 999);
	CHECK_INT_EQ(tpo("253402300799999999", TSM_UNIT_US, NULL), MAX_T);
	CHECK_INT_EQ(tpo("1706745600000", TSM_UNIT_AUTO, NULL),
	    INT64_C(1706745600000000));
	CHECK_STR_EQ(whyo("253402300800", TSM_UNIT_S, NULL),
	    "is out of range (years 0001 to 9999)");
	CHECK_STR_EQ(whyo("253402300800000", TSM_UNIT_MS, NULL),
	    "is out of range (years 0001 to 9999)");
	CHECK_STR_EQ(whyo("253402300800000000", TSM_UNIT_US, NULL),
	    "is out of range (years 0001 to 9999)");
	CHECK_STR_EQ(whyo("1706745600000", TSM_UNIT_S, NULL),
	    "is out of range (years 0001 to 9999)");
	CHECK_STR_EQ(whyo("9999999999999999999", TSM_UNIT_S, NULL),
	    "is out of range (years 0001 to 9999)");
	CHECK_STR_EQ(whyo("99999999999999999999", TSM_UNIT_S, NULL),
	    "is out of range as an epoch number (at most 19 digits)");
	CHECK_STR_EQ(whyo("5", TSM_UNIT_NS, NULL),
	    "has more precision than microseconds");
	CHECK_STR_EQ(whyo("5000.5", TSM_UNIT_NS, NULL),
	    "has more precision than microseconds");
	CHECK_STR_EQ(whyo("5.5", TSM_UNIT_US, NULL),
	    "has more precision than microseconds");
	CHECK_STR_EQ(whyo("5.0001", TSM_UNIT_MS, NULL),
	    "has more precision than microseconds");
	/* A text time ignores the unit. */
	CHECK_INT_EQ(tpo("1970-01-01T00:00:01Z", TSM_UNIT_NS, NULL), SEC);
}

TEST(timeparse_unit_parse)
{
	enum tsm_time_unit u = TSM_UNIT_AUTO;

	CHECK(tsm_time_unit_parse("s", &u) && u == TSM_UNIT_S);
	CHECK(tsm_time_unit_parse("ms", &u) && u == TSM_UNIT_MS);
	CHECK(tsm_time_unit_parse("us", &u) && u == TSM_UNIT_US);
	CHECK(tsm_time_unit_parse("ns", &u) && u == TSM_UNIT_NS);
	CHECK(!tsm_time_unit_parse("", &u));
	CHECK(!tsm_time_unit_parse("sec", &u));
	CHECK(!tsm_time_unit_parse("MS", &u));
	CHECK(!tsm_time_unit_parse("auto", &u));
}

TEST(timeparse_tz_valid)
{
	CHECK(tsm_tz_valid("UTC"));
	CHECK(tsm_tz_valid("Z"));
	CHECK(tsm_tz_valid("utc"));
	CHECK(tsm_tz_valid("Europe/Berlin"));
	CHECK(tsm_tz_valid("America/New_York"));
	CHECK(tsm_tz_valid("Etc/GMT+5"));
	CHECK(!tsm_tz_valid(NULL));
	CHECK(!tsm_tz_valid(""));
	CHECK(!tsm_tz_valid("Mars/Olympus_Mons"));
	CHECK(!tsm_tz_valid("../../etc/passwd"));
	CHECK(!tsm_tz_valid("Europe/../Europe/Berlin"));
	CHECK(!tsm_tz_valid("/etc/localtime"));
	CHECK(!tsm_tz_valid("/usr/share/zoneinfo/Europe/Berlin"));
	CHECK(!tsm_tz_valid("Europe"));
	CHECK(!tsm_tz_valid("zone.tab"));
	CHECK(!tsm_tz_valid("Europe/Berlin "));
	CHECK(!tsm_tz_valid(":Europe/Berlin"));
	CHECK(!tsm_tz_valid("CET-1CEST,M3.5.0,M10.5.0/3"));
}

TEST(timeparse_tz_conversion)
{
	const char *berlin = "Europe/Berlin", *ny = "America/New_York";

	CHECK_INT_EQ(tpo("2024-01-15 12:00:00", TSM_UNIT_AUTO, berlin),
	    utc(2024, 1, 15, 11, 0, 0));
	CHECK_INT_EQ(tpo("2024-07-15 12:00:00", TSM_UNIT_AUTO, berlin),
	    utc(2024, 7, 15, 10, 0, 0));
	CHECK_INT_EQ(tpo("2024-07-15 12:00:00.25", TSM_UNIT_AUTO, berlin),
	    utc(2024, 7, 15, 10, 0, 0) + 250000);
	CHECK_INT_EQ(tpo("2024-07-15", TSM_UNIT_AUTO, berlin),
	    utc(2024, 7, 14, 22, 0, 0));
	/* Clocks go forward at 02:00 to 03:00 on 2024-03-31. */
	CHECK_INT_EQ(tpo("2024-03-31 01:59:59", TSM_UNIT_AUTO, berlin),
	    utc(2024, 3, 31, 0, 59, 59));
	CHECK_STR_EQ(whyo("2024-03-31 02:00:00", TSM_UNIT_AUTO, berlin),
	    "does not exist in Europe/Berlin (clocks skip it when they go "
	    "forward)");
	CHECK_STR_EQ(whyo("2024-03-31 02:30:00", TSM_UNIT_AUTO, berlin),
	    "does not exist in Europe/Berlin (clocks skip it when they go "
	    "forward)");
	CHECK_INT_EQ(tpo("2024-03-31 03:00:00", TSM_UNIT_AUTO, berlin),
	    utc(2024, 3, 31, 1, 0, 0));
	/* Back at 03:00 to 02:00 on 2024-10-27: 02:xx happens twice. */
	CHECK_INT_EQ(tpo("2024-10-27 01:59:59", TSM_UNIT_AUTO, berlin),
	    utc(2024, 10, 26, 23, 59, 59));
	CHECK_INT_EQ(tpo("2024-10-27 02:00:00", TSM_UNIT_AUTO, berlin),
	    utc(2024, 10, 27, 0, 0, 0));
	CHECK_INT_EQ(tpo("2024-10-27 02:30:00", TSM_UNIT_AUTO, berlin),
	    utc(2024, 10, 27, 0, 30, 0));
	CHECK_INT_EQ(tpo("2024-10-27 03:00:00", TSM_UNIT_AUTO, berlin),
	    utc(2024, 10, 27, 2, 0, 0));
	/* An offset or an epoch is not in the zone. */
	CHECK_INT_EQ(tpo("2024-01-15 12:00:00Z", TSM_UNIT_AUTO, berlin),
	    utc(2024, 1, 15, 12, 0, 0));
	CHECK_INT_EQ(tpo("2024-01-15 12:00:00+01:00", TSM_UNIT_AUTO, ny),
	    utc(2024, 1, 15, 11, 0, 0));
	CHECK_INT_EQ(tpo("1706745600000", TSM_UNIT_AUTO, berlin),
	    INT64_C(1706745600000000));
	/* Switching zones, and back. */
	CHECK_INT_EQ(tpo("2024-01-15 12:00:00", TSM_UNIT_AUTO, ny),
	    utc(2024, 1, 15, 17, 0, 0));
	CHECK_STR_EQ(whyo("2024-03-10 02:30:00", TSM_UNIT_AUTO, ny),
	    "does not exist in America/New_York (clocks skip it when they go "
	    "forward)");
	CHECK_INT_EQ(tpo("2024-11-03 01:30:00", TSM_UNIT_AUTO, ny),
	    utc(2024, 11, 3, 5, 30, 0));
	CHECK_INT_EQ(tpo("2024-01-15 12:00:00", TSM_UNIT_AUTO, berlin),
	    utc(2024, 1, 15, 11, 0, 0));
	/* UTC needs no database; an unknown zone is refused. */
	CHECK_INT_EQ(tpo("2024-01-15 12:00:00", TSM_UNIT_AUTO, "UTC"),
	    utc(2024, 1, 15, 12, 0, 0));
	CHECK_INT_EQ(tpo("2024-01-15 12:00:00", TSM_UNIT_AUTO, "Z"),
	    utc(2024, 1, 15, 12, 0, 0));
	CHECK_STR_EQ(whyo("2024-01-15 12:00:00", TSM_UNIT_AUTO, "Mars/Base"),
	    "is in an unknown time zone");
	CHECK_STR_EQ(whyo("2024-01-15 12:00:00Z", TSM_UNIT_AUTO, "Mars/Base"),
	    "ok");
}

/* Lord Howe Island moves its clocks by half an hour. */
TEST(timeparse_tz_half_hour_shift)
{
	const char *lh = "Australia/Lord_Howe";

	if (!tsm_tz_valid(lh))
		return;
	CHECK_INT_EQ(tpo("2024-10-06 01:59:00", TSM_UNIT_AUTO, lh),
	    utc(2024, 10, 5, 15, 29, 0));
	CHECK_STR_EQ(whyo("2024-10-06 02:15:00", TSM_UNIT_AUTO, lh),
	    "does not exist in Australia/Lord_Howe (clocks skip it when "
	    "they go forward)");
	CHECK_INT_EQ(tpo("2024-10-06 02:30:00", TSM_UNIT_AUTO, lh),
	    utc(2024, 10, 5, 15, 30, 0));
	CHECK_INT_EQ(tpo("2024-10-06 02:45:00", TSM_UNIT_AUTO, lh),
	    utc(2024, 10, 5, 15, 45, 0));
}

/*
 * Every quarter hour of 2023 and 2024 in three zones, written as wall
 * time and read back: the same instant, except the second pass of a
 * repeated hour, which reads as the first.
 */
static void
check_zone_year(const char *zone, int expected_repeats)
{
	int64_t start = utc(2023, 1, 1, 0, 0, 0) / SEC;
	int64_t end = utc(2025, 1, 1, 0, 0, 0) / SEC;
	int repeats = 0, bad = 0;

	/* The parse sets TZ; a first call makes localtime_r agree. */
	(void)tpo("2024-01-01 00:00:00", TSM_UNIT_AUTO, zone);
	for (int64_t u = start; u < end; u += 900) {
		time_t tt = (time_t)u;
		struct tm tm;
		char wall[80];
		int64_t got;

		localtime_r(&tt, &tm);
		snprintf(wall, sizeof(wall), "%04d-%02d-%02d %02d:%02d:%02d",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
		got = tpo(wall, TSM_UNIT_AUTO, zone);
		if (got == u * SEC)
			continue;
		if (got != BAD && got < u * SEC && u * SEC - got <= 3600 * SEC)
			repeats++;
		else if (bad++ < 5)
			unit_fail(__FILE__, __LINE__, "%s %s: got %lld, "
			    "expected %lld", zone, wall, (long long)got,
			    (long long)(u * SEC));
	}
	CHECK_INT_EQ(bad, 0);
	CHECK_INT_EQ(repeats, expected_repeats);
}

TEST(timeparse_tz_two_years)
{
	check_zone_year("Europe/Berlin", 8);
	check_zone_year("America/New_York", 8);
	check_zone_year("Asia/Kolkata", 0);
}

TEST(timeparse_format)
{
	CHECK_STR_EQ(fmt(0), "1970-01-01T00:00:00Z");
	CHECK_STR_EQ(fmt(INT64_C(1709294400000000)), "2024-03-01T12:00:00Z");
	CHECK_STR_EQ(fmt(INT64_C(1709294400500000)),
	    "2024-03-01T12:00:00.5Z");
	CHECK_STR_EQ(fmt(INT64_C(1709294400123456)),
	    "2024-03-01T12:00:00.123456Z");
	CHECK_STR_EQ(fmt(INT64_C(1709294400120000)),
	    "2024-03-01T12:00:00.12Z");
	CHECK_STR_EQ(fmt(INT64_C(1709294400000001)),
	    "2024-03-01T12:00:00.000001Z");
	CHECK_STR_EQ(fmt(INT64_C(1739662093706000)),
	    "2025-02-15T23:28:13.706Z");
	CHECK_STR_EQ(fmt(-1), "1969-12-31T23:59:59.999999Z");
	CHECK_STR_EQ(fmt(-SEC), "1969-12-31T23:59:59Z");
	CHECK_STR_EQ(fmt(utc(2024, 2, 29, 23, 59, 59)), "2024-02-29T23:59:59Z");
	CHECK_STR_EQ(fmt(utc(2000, 2, 29, 0, 0, 0)), "2000-02-29T00:00:00Z");
	CHECK_STR_EQ(fmt(MIN_T), "0001-01-01T00:00:00Z");
	CHECK_STR_EQ(fmt(MAX_T), "9999-12-31T23:59:59.999999Z");
	CHECK_STR_EQ(fmt(MAX_T + 1), "+10000-01-01T00:00:00Z");
	CHECK_STR_EQ(fmt(MIN_T - 1), "0000-12-31T23:59:59.999999Z");
	CHECK_STR_EQ(fmt(utc(-1, 1, 1, 0, 0, 0)), "-0001-01-01T00:00:00Z");
	CHECK(strlen(fmt(INT64_MIN)) < TSM_TIME_BUFSZ);
	CHECK(strlen(fmt(INT64_MAX)) < TSM_TIME_BUFSZ);
	CHECK_STR_EQ(fmt(INT64_MAX), "+294247-01-10T04:00:54.775807Z");
	CHECK_STR_EQ(fmt(INT64_MIN), "-290308-12-21T19:59:05.224192Z");
}

/* Random times in range survive format and parse, to the microsecond. */
TEST(timeparse_format_parse_round_trip)
{
	int bad = 0;

	for (int k = 0; k < 200000; k++) {
		int64_t t = MIN_T + (int64_t)(rng() % (uint64_t)(MAX_T - MIN_T +
		    1)), back;
		char buf[TSM_TIME_BUFSZ];
		const char *w;

		if (k % 3 == 1)
			t -= t % SEC;	/* whole seconds, no fraction */
		else if (k % 3 == 2)
			t = INT64_C(1500000000000000) +
			    (int64_t)(rng() % (INT64_C(400000000) * SEC));
		tsm_format_time(t, buf);
		if ((!tsm_parse_time(buf, strlen(buf), NULL, &back, &w) ||
		    back != t) && bad++ < 5)
			unit_fail(__FILE__, __LINE__, "%lld -> %s",
			    (long long)t, buf);
	}
	CHECK_INT_EQ(bad, 0);
}

TEST(timeparse_pg_to_iso)
{
	CHECK_STR_EQ(pg("2024-03-01 12:00:00+00"), "2024-03-01T12:00:00Z");
	CHECK_STR_EQ(pg("2024-03-01 12:00:00.5+00"),
	    "2024-03-01T12:00:00.5Z");
	CHECK_STR_EQ(pg("2024-03-01 12:00:00.123456+00"),
	    "2024-03-01T12:00:00.123456Z");
	CHECK_STR_EQ(pg("2024-03-01 12:00:00+05:30"), "2024-03-01T06:30:00Z");
	CHECK_STR_EQ(pg("2024-03-01 00:00:00-04"), "2024-03-01T04:00:00Z");
	CHECK_STR_EQ(pg("1890-03-01 12:00:00+00:53:28"),
	    "1890-03-01T11:06:32Z");
	CHECK_STR_EQ(pg("0001-01-01 00:00:00+00"), "0001-01-01T00:00:00Z");
	CHECK_STR_EQ(pg("9999-12-31 23:59:59.999999+00"),
	    "9999-12-31T23:59:59.999999Z");
	CHECK_STR_EQ(pg("infinity"), "infinity");
	CHECK_STR_EQ(pg("-infinity"), "-infinity");
	CHECK_STR_EQ(pg("0044-03-15 12:00:00+00 BC"), "(0)");
	CHECK_STR_EQ(pg("10000-01-01 00:00:00+00"), "(0)");
	CHECK_STR_EQ(pg("2024-03-01T12:00:00Z"), "(0)");
	CHECK_STR_EQ(pg("2024-03-01 12:00:00"), "(0)");
	CHECK_STR_EQ(pg("2024-03-01 12:00+00"), "(0)");
	CHECK_STR_EQ(pg("2024-03-01"), "(0)");
	CHECK_STR_EQ(pg("garbage"), "(0)");
	CHECK_STR_EQ(pg(""), "(0)");
	CHECK_STR_EQ(pg("Infinity"), "(0)");
	/* The rewrite of the server's UTC form checks what it rewrites. */
	CHECK_STR_EQ(pg("2024-02-29 23:59:59+00"), "2024-02-29T23:59:59Z");
	CHECK_STR_EQ(pg("2023-02-29 00:00:00+00"), "(0)");
	CHECK_STR_EQ(pg("1900-02-29 00:00:00+00"), "(0)");
	CHECK_STR_EQ(pg("2000-02-29 00:00:00+00"), "2000-02-29T00:00:00Z");
	CHECK_STR_EQ(pg("2024-04-31 00:00:00+00"), "(0)");
	CHECK_STR_EQ(pg("2024-13-01 00:00:00+00"), "(0)");
	CHECK_STR_EQ(pg("2024-03-01 24:00:00+00"), "(0)");
	CHECK_STR_EQ(pg("2024-03-01 12:00:00.+00"), "(0)");
	CHECK_STR_EQ(pg("2024-03-01 12:00:00.50+00"), "2024-03-01T12:00:00.5Z");
	CHECK_STR_EQ(pg("2024-03-01 12:00:0x+00"), "(0)");
	CHECK_STR_EQ(pg("0000-03-01 12:00:00+00"), "(0)");
	CHECK_STR_EQ(pg("0001-01-01 00:00:00+01"), "(0)");
}
