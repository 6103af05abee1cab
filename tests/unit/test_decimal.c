/*
 * test_decimal.c: exact decimal sums and products.
 */
#include "decimal.h"
#include "unit.h"

static const char *
add(const char *a, const char *b)
{
	static struct tsm_buf out;

	tsm_buf_reset(&out);
	return tsm_dec_add(a, b, &out) ? tsm_buf_str(&out) : "(refused)";
}

static const char *
mul(const char *a, const char *b)
{
	static struct tsm_buf out;

	tsm_buf_reset(&out);
	return tsm_dec_mul(a, b, &out) ? tsm_buf_str(&out) : "(refused)";
}

TEST(decimal_add)
{
	CHECK_STR_EQ(add("0.1", "0.2"), "0.3");
	CHECK_STR_EQ(add("999", "1"), "1000");
	CHECK_STR_EQ(add("1.5", "-1.5"), "0");
	CHECK_STR_EQ(add("-2", "0.5"), "-1.5");
	CHECK_STR_EQ(add("0.5", "-2"), "-1.5");
	CHECK_STR_EQ(add("1e-7", "0"), "0.0000001");
	CHECK_STR_EQ(add("1E3", "0.001"), "1000.001");
	CHECK_STR_EQ(add("0.038840790689999995", "0"), "0.038840790689999995");
	CHECK_STR_EQ(add("-0.0", "-0"), "0");
	CHECK_STR_EQ(add("12345678901234567890.5", "0.5"),
	    "12345678901234567891");
	CHECK_STR_EQ(add("abc", "1"), "(refused)");
	CHECK_STR_EQ(add("1.2.3", "1"), "(refused)");
	CHECK_STR_EQ(add("1e", "1"), "(refused)");
	CHECK_STR_EQ(add("", "1"), "(refused)");
}

TEST(decimal_mul)
{
	CHECK_STR_EQ(mul("0.1", "0.1"), "0.01");
	CHECK_STR_EQ(mul("-2.5", "4"), "-10");
	CHECK_STR_EQ(mul("-2.5", "-4"), "10");
	CHECK_STR_EQ(mul("3", "1e-7"), "0.0000003");
	CHECK_STR_EQ(mul("0", "-5"), "0");
	CHECK_STR_EQ(mul("99999", "99999"), "9999800001");
	/* freqtrade: amount * open_rate * fee_open, exactly. */
	CHECK_STR_EQ(mul("0.010604453870625663", "0.0943"),
	    "0.0010000000000000000209");
	CHECK_STR_EQ(mul("0.0010000000000000000209", "0.0025"),
	    "0.00000250000000000000005225");
	CHECK_STR_EQ(mul("1e600", "1e600"), "(refused)");
}
