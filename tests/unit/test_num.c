/*
 * test_num.c: strict numbers in, shortest exact numbers out.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "num.h"
#include "unit.h"

/* A fixed-seed xorshift64*: the same "random" cases on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static bool
pd(const char *s, double *v, const char **why)
{
	return tsm_parse_double(s, strlen(s), v, why);
}

/* The reason s is refused as a double, or "ok". */
static const char *
refusal(const char *s)
{
	const char *why = "ok";
	double v;

	if (pd(s, &v, &why))
		return "ok";
	return why;
}

static const char *
int_refusal(const char *s)
{
	const char *why = "ok";
	int64_t v;

	if (tsm_parse_int64(s, strlen(s), &v, &why))
		return "ok";
	return why;
}

static const char *
fmt(double v)
{
	static char buf[TSM_NUM_BUFSZ];
	size_t n = tsm_format_double(v, buf);

	return n == strlen(buf) ? buf : "(length mismatch)";
}

static const char *
trim(const char *s)
{
	static char buf[64];
	size_t n = tsm_trim_numeric(s, strlen(s), buf);

	return n == strlen(buf) ? buf : "(length mismatch)";
}

TEST(num_parse_double_valid)
{
	static const struct { const char *s; double v; } cases[] = {
		{ "0", 0 }, { "42", 42 }, { "+42", 42 }, { "-42", -42 },
		{ "3.5", 3.5 }, { ".5", 0.5 }, { "5.", 5 }, { "-.5", -0.5 },
		{ "1e3", 1000 }, { "1E-3", 0.001 }, { "1.5e+10", 1.5e10 },
		{ "33.1730", 33.173 }, { "97594.05000000", 97594.05 },
		{ "0.00013000", 0.00013 }, { "0.1", 0.1 }, { "0.3", 0.3 },
		{ "1706745600000", 1706745600000.0 },
		{ "1.7976931348623157e308", DBL_MAX },
		{ "2.2250738585072014e-308", DBL_MIN },
		{ "4.9e-324", 4.9406564584124654e-324 },
		{ "9007199254740993", 9007199254740992.0 },
		{ "9007199254740992", 9007199254740992.0 },
		{ "1e22", 1e22 }, { "1e23", 1e23 }, { "1e-22", 1e-22 },
		{ "123456789012345678901234567890", 1.2345678901234568e29 },
		{ "0.1000000000000000055511151231257827", 0.1 },
		{ "0.000000000000000000000000000001", 1e-30 },
		{ "0e999999999999", 0 }, { "00000000000000000000000001", 1 },
	};
	const char *why = NULL;
	double v;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = -1;
		CHECK(pd(cases[i].s, &v, &why));
		CHECK_DBL_EQ(v, cases[i].v);
	}
	CHECK(pd("-0", &v, &why) && v == 0 && signbit(v));
	CHECK(pd("-0.0e5", &v, &why) && v == 0 && signbit(v));
}

TEST(num_parse_double_not_terminated)
{
	const char field[] = "12.5e1xyz";
	const char *why = NULL;
	double v = 0;

	CHECK(tsm_parse_double(field, 4, &v, &why));
	CHECK_DBL_EQ(v, 12.5);
	CHECK(tsm_parse_double(field, 6, &v, &why));
	CHECK_DBL_EQ(v, 125);
	CHECK(!tsm_parse_double(field, 7, &v, &why));
	CHECK_STR_EQ(why, "is not a number");
}

TEST(num_parse_double_refusals)
{
	CHECK_STR_EQ(refusal(""), "is empty");
	CHECK_STR_EQ(refusal("   "), "is empty");
	CHECK_STR_EQ(refusal(" 1"), "has spaces around it");
	CHECK_STR_EQ(refusal("1 "), "has spaces around it");
	CHECK_STR_EQ(refusal("\t1.5"), "has spaces around it");
	CHECK_STR_EQ(refusal("1 5"), "is not a number");
	CHECK_STR_EQ(refusal("1,5"), "uses a comma as decimal separator");
	CHECK_STR_EQ(refusal("-1,5"), "uses a comma as decimal separator");
	CHECK_STR_EQ(refusal("1.234,5"),
	    "uses a comma as decimal separator");
	CHECK_STR_EQ(refusal("1,234.5"),
	    "uses a comma as thousands separator");
	CHECK_STR_EQ(refusal("1,234,567"),
	    "uses a comma as thousands separator");
	CHECK_STR_EQ(refusal("1,5e"), "is not a number");
	CHECK_STR_EQ(refusal(",5"), "is not a number");
	CHECK_STR_EQ(refusal("5,"), "is not a number");
	CHECK_STR_EQ(refusal("nan"), "is not finite");
	CHECK_STR_EQ(refusal("NaN"), "is not finite");
	CHECK_STR_EQ(refusal("-inf"), "is not finite");
	CHECK_STR_EQ(refusal("+Infinity"), "is not finite");
	CHECK_STR_EQ(refusal("INF"), "is not finite");
	CHECK_STR_EQ(refusal("1e999"), "is not finite");
	CHECK_STR_EQ(refusal("-1e999"), "is not finite");
	CHECK_STR_EQ(refusal("1e99999999999999999999"), "is not finite");
	CHECK_STR_EQ(refusal("1.8e308"), "is not finite");
	CHECK_STR_EQ(refusal("1e-400"),
	    "is too small for a double precision number (it would read as 0)");
	CHECK_STR_EQ(refusal("1e-400000000000"),
	    "is too small for a double precision number (it would read as 0)");
	CHECK_STR_EQ(refusal("0x1p3"), "is not a number");
	CHECK_STR_EQ(refusal("0x10"), "is not a number");
	CHECK_STR_EQ(refusal("1e"), "is not a number");
	CHECK_STR_EQ(refusal("1e+"), "is not a number");
	CHECK_STR_EQ(refusal("e5"), "is not a number");
	CHECK_STR_EQ(refusal("."), "is not a number");
	CHECK_STR_EQ(refusal("+"), "is not a number");
	CHECK_STR_EQ(refusal("-"), "is not a number");
	CHECK_STR_EQ(refusal("--1"), "is not a number");
	CHECK_STR_EQ(refusal("1.2.3"), "is not a number");
	CHECK_STR_EQ(refusal("1e5.5"), "is not a number");
	CHECK_STR_EQ(refusal("1_000"), "is not a number");
	CHECK_STR_EQ(refusal("$5"), "is not a number");
	CHECK_STR_EQ(refusal("5%"), "is not a number");
	CHECK_STR_EQ(refusal("abc"), "is not a number");
	CHECK_STR_EQ(refusal("nanx"), "is not a number");
}

TEST(num_parse_double_long)
{
	char s[512];
	double v = 0;
	const char *why = NULL;

	/* 300 digits: valid, read by strtod. */
	s[0] = '1';
	memset(s + 1, '0', 299);
	s[300] = '\0';
	CHECK(pd(s, &v, &why));
	CHECK_DBL_EQ(v, 1e299);
	/* 400 characters is the limit; 401 is refused. */
	memset(s + 1, '0', 399);
	s[400] = '\0';
	CHECK(!pd(s, &v, &why));
	CHECK_STR_EQ(why, "is not finite");
	memcpy(s, "0.", 2);
	memset(s + 2, '0', 397);
	s[399] = '1';
	s[400] = '\0';
	CHECK(!pd(s, &v, &why));
	CHECK_STR_EQ(why,
	    "is too small for a double precision number (it would read as 0)");
	s[300] = '1';
	s[301] = '\0';
	CHECK(pd(s, &v, &why));
	CHECK_DBL_EQ(v, 1e-299);
	memset(s + 2, '0', 398);
	s[400] = '1';
	s[401] = '\0';
	CHECK(!pd(s, &v, &why));
	CHECK_STR_EQ(why, "is too long to be a number");
}

/*
 * Found by fuzz_num: 400 leading zeros and 18 digits were an int64 but
 * not a double ("too long"), and 400 zeros and a 1 were a double by the
 * fast path, which skipped the length check.  Both parsers now refuse
 * any number of over 400 characters.
 */
TEST(num_length_limit_is_the_same_everywhere)
{
	char s[512];
	const char *why;
	double v;
	int64_t i;

	memset(s, '0', 420);
	memcpy(s + 420 - 18, "304660300291386369", 18);
	s[420] = '\0';
	CHECK(!tsm_parse_int64(s, 420, &i, &why));
	CHECK_STR_EQ(why, "is too long to be a number");
	CHECK(!tsm_parse_double(s, 420, &v, &why));
	CHECK_STR_EQ(why, "is too long to be a number");
	memset(s, '0', 419);
	s[419] = '1';
	CHECK(!tsm_parse_double(s, 420, &v, &why));
	CHECK_STR_EQ(why, "is too long to be a number");
	CHECK(!tsm_parse_int64(s, 420, &i, &why));
	CHECK(tsm_parse_int64(s + 20, 400, &i, &why) && i == 1);
	CHECK(tsm_parse_double(s + 20, 400, &v, &why) && v == 1);
}

/*
 * The hand-written fast path must agree with strtod to the last bit on
 * every shape: random digits, points and exponents.
 */
TEST(num_parse_double_matches_strtod)
{
	char s[64];
	int bad = 0;

	for (int k = 0; k < 200000; k++) {
		size_t n = 0;
		int ndig = 1 + (int)(rng() % 20), point = (int)(rng() % 22);
		double v = 0, want;
		const char *why = NULL;

		if (rng() % 4 == 0)
			s[n++] = '-';
		for (int i = 0; i < ndig; i++) {
			if (i == point)
				s[n++] = '.';
			s[n++] = (char)('0' + rng() % 10);
		}
		if (rng() % 3 == 0)
			n += (size_t)snprintf(s + n, sizeof(s) - n, "e%d",
			    (int)(rng() % 60) - 30);
		s[n] = '\0';
		want = strtod(s, NULL);
		if (!pd(s, &v, &why) || memcmp(&v, &want, sizeof(v)) != 0) {
			if (bad++ < 5)
				unit_fail(__FILE__, __LINE__,
				    "\"%s\": got %.17g, strtod %.17g", s, v,
				    want);
		}
	}
	CHECK_INT_EQ(bad, 0);
}

TEST(num_parse_int64)
{
	int64_t v = 0;
	const char *why = NULL;

	CHECK(tsm_parse_int64("0", 1, &v, &why) && v == 0);
	CHECK(tsm_parse_int64("-0", 2, &v, &why) && v == 0);
	CHECK(tsm_parse_int64("42", 2, &v, &why) && v == 42);
	CHECK(tsm_parse_int64("+42", 3, &v, &why) && v == 42);
	CHECK(tsm_parse_int64("-17", 3, &v, &why) && v == -17);
	CHECK(tsm_parse_int64("4561955490", 10, &v, &why) &&
	    v == INT64_C(4561955490));
	CHECK(tsm_parse_int64("9223372036854775807", 19, &v, &why));
	CHECK_INT_EQ(v, INT64_MAX);
	CHECK(tsm_parse_int64("-9223372036854775808", 20, &v, &why));
	CHECK(v == INT64_MIN);
	CHECK(tsm_parse_int64("123abc", 3, &v, &why) && v == 123);
	CHECK_STR_EQ(int_refusal("9223372036854775808"),
	    "is out of range for a 64-bit integer");
	CHECK_STR_EQ(int_refusal("-9223372036854775809"),
	    "is out of range for a 64-bit integer");
	CHECK_STR_EQ(int_refusal("99999999999999999999999"),
	    "is out of range for a 64-bit integer");
	CHECK_STR_EQ(int_refusal("99999999999999999999999x"),
	    "is not a number");
	CHECK_STR_EQ(int_refusal("1.0"), "is not an integer");
	CHECK_STR_EQ(int_refusal("1e3"), "is not an integer");
	CHECK_STR_EQ(int_refusal("1.5"), "is not an integer");
	CHECK_STR_EQ(int_refusal(""), "is empty");
	CHECK_STR_EQ(int_refusal("-"), "is not a number");
	CHECK_STR_EQ(int_refusal(" 1"), "has spaces around it");
	CHECK_STR_EQ(int_refusal("1 "), "has spaces around it");
	CHECK_STR_EQ(int_refusal("1,5"), "uses a comma as decimal separator");
	CHECK_STR_EQ(int_refusal("1,234,567"),
	    "uses a comma as thousands separator");
	CHECK_STR_EQ(int_refusal("abc"), "is not a number");
	CHECK_STR_EQ(int_refusal("NaN"), "is not finite");
	CHECK_STR_EQ(int_refusal("0x10"), "is not a number");
}

TEST(num_parse_bool)
{
	static const char *const yes[] = {
		"true", "TRUE", "True", "t", "T", "yes", "Yes", "y", "Y", "1",
		"on", "ON"
	};
	static const char *const no[] = {
		"false", "FALSE", "False", "f", "F", "no", "NO", "n", "N", "0",
		"off", "Off"
	};
	static const char *const bad[] = {
		"", "2", "tru", "truee", "yess", " true", "true ", "-1", "o",
		"nope", "01"
	};
	const char *why = NULL;
	bool v;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		v = false;
		CHECK(tsm_parse_bool(yes[i], strlen(yes[i]), &v, &why) && v);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		v = true;
		CHECK(tsm_parse_bool(no[i], strlen(no[i]), &v, &why) && !v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		CHECK(!tsm_parse_bool(bad[i], strlen(bad[i]), &v, &why));
		CHECK_STR_EQ(why, "is not a boolean (true or false)");
	}
	/* The field need not end with a NUL. */
	CHECK(tsm_parse_bool("truefalse", 4, &v, &why) && v);
}

TEST(num_format_double)
{
	CHECK_STR_EQ(fmt(0.1), "0.1");
	CHECK_STR_EQ(fmt(42), "42");
	CHECK_STR_EQ(fmt(-42), "-42");
	CHECK_STR_EQ(fmt(1e-7), "1e-07");
	CHECK_STR_EQ(fmt(DBL_MAX), "1.7976931348623157e+308");
	CHECK_STR_EQ(fmt(-DBL_MAX), "-1.7976931348623157e+308");
	CHECK_STR_EQ(fmt(4.9406564584124654e-324), "5e-324");
	CHECK_STR_EQ(fmt(-1e-310), "-1e-310");
	CHECK_STR_EQ(fmt(2.2250738585072014e-308), "2.2250738585072014e-308");
	CHECK_STR_EQ(fmt(0.0), "0");
	CHECK_STR_EQ(fmt(-0.0), "0");
	CHECK_STR_EQ(fmt(NAN), "NaN");
	CHECK_STR_EQ(fmt(INFINITY), "Infinity");
	CHECK_STR_EQ(fmt(-INFINITY), "-Infinity");
	CHECK_STR_EQ(fmt(1e14), "100000000000000");
	CHECK_STR_EQ(fmt(999999999999999.0), "999999999999999");
	CHECK_STR_EQ(fmt(1e15), "1e+15");
	CHECK_STR_EQ(fmt(1e21), "1e+21");
	CHECK_STR_EQ(fmt(9007199254740992.0), "9007199254740992");
	CHECK_STR_EQ(fmt(1706745600000.0), "1706745600000");
	CHECK_STR_EQ(fmt(0.1 + 0.2), "0.30000000000000004");
	CHECK_STR_EQ(fmt(1.0 / 3), "0.3333333333333333");
	CHECK_STR_EQ(fmt(33.173), "33.173");
	CHECK_STR_EQ(fmt(-2.5), "-2.5");
	CHECK_STR_EQ(fmt(97594.05), "97594.05");
	CHECK_STR_EQ(fmt(0.0001), "0.0001");
	CHECK_STR_EQ(fmt(0.00001), "1e-05");
	CHECK_STR_EQ(fmt(123456.789e3), "123456789");
	CHECK_STR_EQ(fmt(1.5e300), "1.5e+300");
}

/* Significant digits of a %g string. */
static int
sig_digits(const char *s)
{
	int n = 0;
	bool started = false;

	for (; *s && *s != 'e'; s++) {
		if (*s >= '1' && *s <= '9')
			started = true;
		if (started && *s >= '0' && *s <= '9')
			n++;
	}
	return n;
}

/*
 * Random bit patterns: the output reads back to the same double, and no
 * shorter %g precision would have.
 */
TEST(num_format_double_shortest)
{
	int bad = 0;

	for (int k = 0; k < 5000; k++) {
		uint64_t bits = rng();
		double v, back;
		char buf[TSM_NUM_BUFSZ], tmp[400];
		const char *why;
		int digits;

		/* One in eight is subnormal, which random bits seldom give. */
		if (k % 8 == 0)
			bits &= ~(UINT64_C(0x7ff) << 52);
		memcpy(&v, &bits, sizeof(v));
		if (!isfinite(v))
			continue;
		if (tsm_format_double(v, buf) != strlen(buf) ||
		    !tsm_parse_double(buf, strlen(buf), &back, &why) ||
		    (back != v)) {
			if (bad++ < 5)
				unit_fail(__FILE__, __LINE__, "%.17g -> %s",
				    v, buf);
			continue;
		}
		digits = sig_digits(buf);
		CHECK(digits >= 1 && digits <= 17);
		for (int p = 1; p < digits; p++) {
			snprintf(tmp, sizeof(tmp), "%.*g", p, v);
			if (strtod(tmp, NULL) == v && bad++ < 5)
				unit_fail(__FILE__, __LINE__,
				    "%s is not shortest: %s", buf, tmp);
		}
	}
	CHECK_INT_EQ(bad, 0);
}

/*
 * Prices and volumes as exchanges write them come back out as written,
 * less trailing zeros.
 */
TEST(num_format_double_decimals)
{
	int bad = 0;

	for (int k = 0; k < 5000; k++) {
		uint64_t m = 10000 + rng() % 999999990000ULL;
		int d = (int)(rng() % 9), len;
		char digits[32], in[40], want[40], got[TSM_NUM_BUFSZ];
		const char *why;
		double v;
		size_t n;

		len = snprintf(digits, sizeof(digits), "%0*llu", d + 1,
		    (unsigned long long)m);
		snprintf(in, sizeof(in), "%.*s.%s", len - d, digits,
		    digits + len - d);
		/* want: the input less trailing zeros and a bare point. */
		strcpy(want, in);
		n = strlen(want);
		while (want[n - 1] == '0')
			want[--n] = '\0';
		if (want[n - 1] == '.')
			want[--n] = '\0';
		if (!tsm_parse_double(in, strlen(in), &v, &why)) {
			bad++;
			continue;
		}
		tsm_format_double(v, got);
		if (strcmp(got, want) != 0 && bad++ < 5)
			unit_fail(__FILE__, __LINE__, "%s -> %s, expected %s",
			    in, got, want);
	}
	CHECK_INT_EQ(bad, 0);
}

/* The documented procedure, the slow way. */
static void
ref_format(double v, char *buf, size_t size)
{
	if (v == 0) {
		snprintf(buf, size, "0");
		return;
	}
	for (int p = fabs(v) < DBL_MIN ? 1 : 15; p <= 17; p++) {
		snprintf(buf, size, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/*
 * The fast paths (whole numbers, short decimals) write exactly what the
 * %.15g, %.16g, %.17g procedure writes, on values of every kind.
 */
TEST(num_format_double_matches_printf)
{
	int bad = 0;

	for (int k = 0; k < 300000; k++) {
		char got[TSM_NUM_BUFSZ], want[400];
		double v;
		uint64_t bits;

		switch (k % 5) {
		case 0:		/* any bits */
			bits = rng();
			memcpy(&v, &bits, sizeof(v));
			break;
		case 1:		/* a decimal of up to 17 digits */
			v = (double)(rng() % 100000000000000000ULL) /
			    pow(10, (double)(rng() % 22));
			break;
		case 2:		/* a price on a tick grid */
			v = (double)(rng() % 10000000) * 0.0001;
			break;
		case 3:		/* computed: a ratio of magnitudes */
			v = (double)(rng() % 1000000 + 1) /
			    (double)(rng() % 1000 + 1) *
			    pow(10, (double)(rng() % 24) - 8);
			break;
		default:	/* near the edges of the fast paths */
			v = (rng() % 2 ? 1e15 : 1e-4) *
			    (1 + ((double)(rng() % 2001) - 1000) * 1e-16);
			break;
		}
		if (!isfinite(v))
			continue;
		if (rng() % 2)
			v = -v;
		tsm_format_double(v, got);
		ref_format(v, want, sizeof(want));
		if (strcmp(got, want) != 0 && bad++ < 5)
			unit_fail(__FILE__, __LINE__, "%.17g: \"%s\", expected "
			    "\"%s\"", v, got, want);
	}
	CHECK_INT_EQ(bad, 0);
}

TEST(num_trim_numeric)
{
	CHECK_STR_EQ(trim("1.50000000"), "1.5");
	CHECK_STR_EQ(trim("-0.000"), "0");
	CHECK_STR_EQ(trim("0.000"), "0");
	CHECK_STR_EQ(trim("-0"), "0");
	CHECK_STR_EQ(trim("120"), "120");
	CHECK_STR_EQ(trim("100.00"), "100");
	CHECK_STR_EQ(trim("-1.50"), "-1.5");
	CHECK_STR_EQ(trim("0.00100"), "0.001");
	CHECK_STR_EQ(trim("-0.0010"), "-0.001");
	CHECK_STR_EQ(trim("97594.05000000"), "97594.05");
	CHECK_STR_EQ(trim("1."), "1");
	CHECK_STR_EQ(trim("NaN"), "NaN");
	CHECK_STR_EQ(trim("Infinity"), "Infinity");
	CHECK_STR_EQ(trim("-Infinity"), "-Infinity");
	CHECK_STR_EQ(trim(""), "");
	CHECK_STR_EQ(trim("-"), "-");
	CHECK_STR_EQ(trim("1.2.0"), "1.2.0");
	CHECK_STR_EQ(trim("abc"), "abc");
}
