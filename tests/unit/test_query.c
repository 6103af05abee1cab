/*
 * test_query.c: what tsm-query's lib/ parts do without a server: interval
 * arithmetic for the routing, --from/--to with ages, the distance that
 * names the closest symbols, arrays as parameters.
 */
#include <stdint.h>
#include <stdlib.h>

#include "age.h"
#include "query.h"
#include "timeframe.h"
#include "timeparse.h"
#include "unit.h"
#include "when.h"

#define SEC	INT64_C(1000000)
#define HOUR	(3600 * SEC)
#define DAY	(86400 * SEC)

static struct tsm_timeframe
tf(const char *s)
{
	struct tsm_timeframe t;
	const char *why;

	if (!tsm_parse_timeframe(s, &t, &why))
		unit_fail(__FILE__, __LINE__, "timeframe %s refused", s);
	return t;
}

/* Microseconds of a UTC calendar time. */
static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	return (tsm_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60) *
	    SEC;
}

TEST(bucket_next_and_ceil)
{
	struct tsm_timeframe h1 = tf("1h"), m1 = tf("1M"), m3 = tf("3M");
	struct tsm_timeframe w1 = tf("1w");

	CHECK_INT_EQ(tsm_bucket_next(&h1, utc(2024, 3, 1, 23, 0)),
	    utc(2024, 3, 2, 0, 0));
	CHECK_INT_EQ(tsm_bucket_next(&m1, utc(2024, 1, 1, 0, 0)),
	    utc(2024, 2, 1, 0, 0));
	CHECK_INT_EQ(tsm_bucket_next(&m1, utc(2023, 12, 1, 0, 0)),
	    utc(2024, 1, 1, 0, 0));
	CHECK_INT_EQ(tsm_bucket_next(&m3, utc(1999, 10, 1, 0, 0)),
	    utc(2000, 1, 1, 0, 0));
	/* Aligned times stay; others go to the next bucket. */
	CHECK_INT_EQ(tsm_bucket_ceil(&h1, utc(2024, 3, 1, 12, 0)),
	    utc(2024, 3, 1, 12, 0));
	CHECK_INT_EQ(tsm_bucket_ceil(&h1, utc(2024, 3, 1, 12, 1)),
	    utc(2024, 3, 1, 13, 0));
	CHECK_INT_EQ(tsm_bucket_ceil(&m1, utc(2024, 2, 15, 0, 0)),
	    utc(2024, 3, 1, 0, 0));
	/* Weeks start on Monday: 2024-03-04 was one. */
	CHECK_INT_EQ(tsm_bucket_ceil(&w1, utc(2024, 3, 1, 0, 0)),
	    utc(2024, 3, 4, 0, 0));
	CHECK_INT_EQ(tsm_bucket_ceil(&h1, INT64_MIN), INT64_MIN);
	CHECK_INT_EQ(tsm_bucket_ceil(&h1, INT64_MAX), INT64_MAX);
	CHECK_INT_EQ(tsm_bucket_next(&h1, INT64_MAX - 5), INT64_MAX);
}

TEST(timeframe_divides)
{
	struct tsm_timeframe m1 = tf("1m"), m5 = tf("5m"), m7 = tf("7m");
	struct tsm_timeframe h1 = tf("1h"), h4 = tf("4h"), d1 = tf("1d");
	struct tsm_timeframe d3 = tf("3d"), w1 = tf("1w"), mo1 = tf("1M");
	struct tsm_timeframe mo3 = tf("3M"), mo2 = tf("2M");

	CHECK(tsm_timeframe_divides(&m1, &h1));
	CHECK(tsm_timeframe_divides(&m5, &h1));
	CHECK(!tsm_timeframe_divides(&m7, &h1));
	CHECK(tsm_timeframe_divides(&h1, &h4));
	CHECK(!tsm_timeframe_divides(&h4, &h1));
	CHECK(tsm_timeframe_divides(&d1, &w1));
	CHECK(!tsm_timeframe_divides(&d3, &w1));
	/* Month starts are midnights: what divides a day divides a month. */
	CHECK(tsm_timeframe_divides(&h4, &mo1));
	CHECK(tsm_timeframe_divides(&d1, &mo1));
	CHECK(!tsm_timeframe_divides(&d3, &mo1));
	CHECK(!tsm_timeframe_divides(&w1, &mo1));
	CHECK(tsm_timeframe_divides(&mo1, &mo3));
	CHECK(!tsm_timeframe_divides(&mo2, &mo3));
	CHECK(!tsm_timeframe_divides(&mo1, &d1));
}

TEST(timeframe_same_cmp_codes)
{
	struct tsm_timeframe h1 = tf("1h"), m60 = tf("60m"), d1 = tf("1d");
	struct tsm_timeframe w1 = tf("1w"), mo1 = tf("1M"), mo3 = tf("3M");
	char buf[96];

	CHECK(tsm_timeframe_same(&h1, &m60));
	CHECK(!tsm_timeframe_same(&h1, &d1));
	CHECK(tsm_timeframe_cmp(&h1, &d1) < 0);
	CHECK(tsm_timeframe_cmp(&w1, &mo1) < 0);
	CHECK(tsm_timeframe_cmp(&mo3, &mo1) > 0);
	CHECK(tsm_timeframe_cmp(&m60, &h1) == 0);
	tsm_timeframe_codes(&h1, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "{60m,1h}");
	tsm_timeframe_codes(&w1, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "{10080m,168h,7d,1w}");
	tsm_timeframe_codes(&mo3, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "{3M}");
}

TEST(when_ages_and_times)
{
	int64_t now = utc(2024, 3, 31, 12, 30), t;
	const char *why = NULL;
	struct tsm_age a;

	CHECK(tsm_parse_when("7d", now, &t, &why));
	CHECK_INT_EQ(t, utc(2024, 3, 24, 12, 30));
	CHECK(tsm_parse_when("90m", now, &t, &why));
	CHECK_INT_EQ(t, utc(2024, 3, 31, 11, 0));
	/* A month back from the 31st is the last day of February. */
	CHECK(tsm_parse_when("1M", now, &t, &why));
	CHECK_INT_EQ(t, utc(2024, 2, 29, 12, 30));
	CHECK(tsm_parse_when("1y", now, &t, &why));
	CHECK_INT_EQ(t, utc(2023, 3, 31, 12, 30));
	CHECK(tsm_parse_when("2024-03-01", now, &t, &why));
	CHECK_INT_EQ(t, utc(2024, 3, 1, 0, 0));
	CHECK(tsm_parse_when("1709251200", now, &t, &why));
	CHECK_INT_EQ(t, utc(2024, 3, 1, 0, 0));
	CHECK(!tsm_parse_when("yesterday", now, &t, &why));
	CHECK(why != NULL && strncmp(why, "is not a time", 13) == 0);
	CHECK(tsm_parse_age("13M", &a, &why));
	CHECK_INT_EQ(tsm_age_before(utc(2024, 1, 31, 0, 0), &a),
	    utc(2022, 12, 31, 0, 0));
}

TEST(levenshtein)
{
	CHECK_INT_EQ(tsm_levenshtein("BTCUSD", "BTCUSDT"), 1);
	CHECK_INT_EQ(tsm_levenshtein("btcusdt", "BTCUSDT"), 0);
	CHECK_INT_EQ(tsm_levenshtein("ETHUSDT", "ETHBTC"), 4);
	CHECK_INT_EQ(tsm_levenshtein("", "SOL"), 3);
	CHECK_INT_EQ(tsm_levenshtein("kitten", "sitting"), 3);
}

TEST(text_array)
{
	const char *items[] = { "a", "b\"c", "d\\e", "" };
	char *s = tsm_q_text_array(items, 4);

	CHECK_STR_EQ(s, "{\"a\",\"b\\\"c\",\"d\\\\e\",\"\"}");
	free(s);
	s = tsm_q_text_array(items, 0);
	CHECK_STR_EQ(s, "{}");
	free(s);
}
