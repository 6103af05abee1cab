/*
 * num.c: strict numbers in and shortest exact numbers out.
 *
 * These run once per field on every row a loader reads, so the common
 * shapes ("33.1730", "41760", "-0.5") are read by hand without a library
 * call, and nothing here allocates.  The program never sets LC_NUMERIC,
 * so strtod and snprintf use '.' as the decimal point.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

/* The longest field handed to strtod; longer numbers are refused. */
#define MAX_NUMBER_LEN 400

static const char WHY_EMPTY[] = "is empty";
static const char WHY_NOT_NUMBER[] = "is not a number";
static const char WHY_DECIMAL_COMMA[] = "uses a comma as decimal separator";
static const char WHY_THOUSANDS_COMMA[] =
    "uses a comma as thousands separator";
static const char WHY_NOT_FINITE[] = "is not finite";
static const char WHY_SPACES[] = "has spaces around it";
static const char WHY_TOO_LONG[] = "is too long to be a number";
static const char WHY_TOO_SMALL[] =
    "is too small for a double precision number (it would read as 0)";
static const char WHY_NOT_WHOLE[] = "is not an integer";
static const char WHY_INT_RANGE[] = "is out of range for a 64-bit integer";
static const char WHY_NOT_BOOL[] = "is not a boolean (true or false)";

/* Every power of ten that a double holds exactly. */
static const double exact_pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

static inline char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* True if s[0..len) is word (lowercase), in any case. */
static bool
equals_ci(const char *s, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (word[i] == '\0' || lower(s[i]) != word[i])
			return false;
	return word[i] == '\0';
}

/*
 * Says why s[0..len) is not a number, once the strict grammar refused
 * it: the reasons that tell a user what to change come first.  Commas
 * are told apart by position: a comma after the last dot, or a single
 * comma with no dot ("1,5", "1.234,5"), is a decimal comma; commas
 * before a dot or several commas ("1,234.5", "1,234,567") separate
 * thousands.
 */
static const char *
why_not_number(const char *s, size_t len)
{
	size_t i, start, ncomma = 0, ndot = 0, lastcomma = 0, lastdot = 0;
	bool digits_only = true;

	if (len == 0)
		return WHY_EMPTY;
	for (i = 0; i < len && is_space(s[i]); i++)
		;
	if (i == len)
		return WHY_EMPTY;
	if (is_space(s[0]) || is_space(s[len - 1]))
		return WHY_SPACES;
	start = (s[0] == '+' || s[0] == '-') ? 1 : 0;
	if (equals_ci(s + start, len - start, "nan") ||
	    equals_ci(s + start, len - start, "inf") ||
	    equals_ci(s + start, len - start, "infinity"))
		return WHY_NOT_FINITE;
	for (i = start; i < len; i++) {
		if (s[i] == ',') {
			ncomma++;
			lastcomma = i;
		} else if (s[i] == '.') {
			ndot++;
			lastdot = i;
		} else if (!is_digit(s[i])) {
			digits_only = false;
		}
	}
	if (ncomma == 0 || !digits_only || !is_digit(s[len - 1]) ||
	    !is_digit(s[start]))
		return WHY_NOT_NUMBER;
	if (ndot > 0 && lastcomma > lastdot)
		return WHY_DECIMAL_COMMA;
	if (ndot == 0 && ncomma == 1)
		return WHY_DECIMAL_COMMA;
	return WHY_THOUSANDS_COMMA;
}

/*
 * Converts a number that the grammar accepted.  Up to 19 significant
 * digits are gathered as an integer; when it fits in 53 bits and the
 * power of ten is exact, one IEEE multiplication or division gives the
 * correctly rounded result (Clinger's fast path), which is what nearly
 * every price and volume takes.  Anything else goes to strtod on a
 * NUL-terminated copy.  The fast path needs arithmetic in double
 * precision, not x87 extended precision.
 */
static bool
convert(const char *s, size_t len, bool negative, uint64_t mant, int ndigits,
    long exp10, double *out, const char **why)
{
	char copy[MAX_NUMBER_LEN + 1];
	double v;
	char *end;

	/* Whichever path it takes, a number has at most 400 characters. */
	if (len > MAX_NUMBER_LEN) {
		*why = WHY_TOO_LONG;
		return false;
	}
#if FLT_EVAL_METHOD == 0
	if (ndigits <= 19 && mant <= (UINT64_C(1) << 53) &&
	    exp10 >= -22 && exp10 <= 22) {
		v = (double)mant;
		if (exp10 < 0)
			v /= exact_pow10[-exp10];
		else
			v *= exact_pow10[exp10];
		*out = negative ? -v : v;
		return true;
	}
#else
	(void)exact_pow10;
#endif
	if (mant == 0) {
		*out = negative ? -0.0 : 0.0;
		return true;
	}
	memcpy(copy, s, len);
	copy[len] = '\0';
	errno = 0;
	v = strtod(copy, &end);
	if (isinf(v)) {
		*why = WHY_NOT_FINITE;
		return false;
	}
	if (errno == ERANGE && v == 0) {
		*why = WHY_TOO_SMALL;
		return false;
	}
	*out = v;
	return true;
}

bool
tsm_parse_double(const char *s, size_t len, double *out, const char **why)
{
	size_t i = 0;
	bool negative = false, any_digit = false;
	uint64_t mant = 0;
	int ndigits = 0;	/* significant digits, capped at 20 */
	long exp10 = 0, e = 0;

	if (len == 0)
		goto fail;
	if (s[0] == '+' || s[0] == '-') {
		negative = s[0] == '-';
		i++;
	}
	for (; i < len && is_digit(s[i]); i++) {
		any_digit = true;
		if (ndigits == 0 && s[i] == '0')
			continue;
		if (ndigits < 19)
			mant = mant * 10 + (uint64_t)(s[i] - '0');
		else
			exp10++;
		if (ndigits < 20)
			ndigits++;
	}
	if (i < len && s[i] == '.') {
		for (i++; i < len && is_digit(s[i]); i++) {
			any_digit = true;
			if (ndigits == 0 && s[i] == '0') {
				exp10--;
				continue;
			}
			if (ndigits < 19) {
				mant = mant * 10 + (uint64_t)(s[i] - '0');
				exp10--;
			}
			if (ndigits < 20)
				ndigits++;
		}
	}
	if (!any_digit)
		goto fail;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		bool eneg = false;

		i++;
		if (i < len && (s[i] == '+' || s[i] == '-')) {
			eneg = s[i] == '-';
			i++;
		}
		if (i == len || !is_digit(s[i]))
			goto fail;
		/* Saturate: 1e99999999999 is simply too large. */
		for (; i < len && is_digit(s[i]); i++)
			if (e < 100000)
				e = e * 10 + (s[i] - '0');
		exp10 += eneg ? -e : e;
	}
	if (i != len)
		goto fail;
	return convert(s, len, negative, mant, ndigits, exp10, out, why);
fail:
	*why = why_not_number(s, len);
	return false;
}

bool
tsm_parse_int64(const char *s, size_t len, int64_t *out, const char **why)
{
	size_t i = 0;
	bool negative = false;
	uint64_t v = 0, limit;
	double d;

	if (len > 0 && (s[0] == '+' || s[0] == '-')) {
		negative = s[0] == '-';
		i++;
	}
	if (i == len)
		goto fail;
	limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		unsigned digit;

		if (!is_digit(s[i]))
			goto fail;
		digit = (unsigned)(s[i] - '0');
		if (v > (limit - digit) / 10) {
			/* Still a number: say it is too large, not malformed. */
			for (; i < len && is_digit(s[i]); i++)
				;
			if (i == len) {
				*why = WHY_INT_RANGE;
				return false;
			}
			goto fail;
		}
		v = v * 10 + digit;
	}
	/* As tsm_parse_double: "000...001" of 500 characters is no number. */
	if (len > MAX_NUMBER_LEN) {
		*why = WHY_TOO_LONG;
		return false;
	}
	if (negative)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return true;
fail:
	if (tsm_parse_double(s, len, &d, why))
		*why = WHY_NOT_WHOLE;
	return false;
}

bool
tsm_parse_bool(const char *s, size_t len, bool *out, const char **why)
{
	static const char *const yes[] = { "true", "t", "yes", "y", "1", "on" };
	static const char *const no[] = { "false", "f", "no", "n", "0", "off" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (equals_ci(s, len, yes[i])) {
			*out = true;
			return true;
		}
		if (equals_ci(s, len, no[i])) {
			*out = false;
			return true;
		}
	}
	*why = WHY_NOT_BOOL;
	return false;
}

/* Writes v (|v| < 2^63) in decimal; returns the length. */
static size_t
format_int(int64_t v, char *buf)
{
	char tmp[24];
	size_t n = 0, len = 0;
	uint64_t u;

	if (v < 0) {
		buf[len++] = '-';
		u = (uint64_t)0 - (uint64_t)v;
	} else {
		u = (uint64_t)v;
	}
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	while (n > 0)
		buf[len++] = tmp[--n];
	buf[len] = '\0';
	return len;
}

#if FLT_EVAL_METHOD == 0
/*
 * Writes v (1e-4 <= |v| < 1e15) as the shortest decimal of at most 15
 * significant digits that reads back to it, which is what %.15g writes
 * for such a value, without snprintf and strtod: prices and volumes are
 * like this.  For k = 0, 1, ... decimals, r = round(|v| * 10^k) is the
 * candidate; r / 10^k is one correctly rounded division of two exact
 * doubles, so it equals v exactly when the decimal reads back as v.
 * Within 15 digits only one candidate can read back, so the first found
 * is %.15g's.  Returns 0 when v needs more digits.
 */
static size_t
format_short_decimal(double v, char *buf)
{
	double a = fabs(v), r = 0;
	char tmp[24];
	size_t n = 0, len = 0;
	int k;
	uint64_t u;

	if (!(a >= 1e-4 && a < 1e15))
		return 0;
	for (k = 0; k <= 19; k++) {
		r = nearbyint(a * exact_pow10[k]);
		if (r >= 1e15)
			return 0;
		if (r / exact_pow10[k] == a)
			break;
	}
	if (k > 19)
		return 0;
	for (u = (uint64_t)r; u != 0 || (int)n <= k; u /= 10)
		tmp[n++] = (char)('0' + u % 10);
	/* tmp holds the digits backwards, at least k + 1 of them. */
	if (v < 0)
		buf[len++] = '-';
	while ((int)n > k)
		buf[len++] = tmp[--n];
	if (k > 0) {
		buf[len++] = '.';
		while (n > 0)
			buf[len++] = tmp[--n];
		while (buf[len - 1] == '0')
			len--;
		if (buf[len - 1] == '.')
			len--;
	}
	buf[len] = '\0';
	return len;
}
#endif

/*
 * The shortest of %.15g, %.16g and %.17g that reads back to v: 15 digits
 * always survive a round trip through a double, 17 always identify one.
 * As %g does, the exponent form is used when the decimal exponent is
 * below -4 or not below the precision, so whole numbers up to 1e15 are
 * written in full ("42", "100000000000000") and larger ones as "1e+15".
 * Whole numbers below 1e15 and short decimals take faster paths with
 * the same result; subnormals, which hold fewer digits, try every
 * precision.  Negative zero is written "0"; NaN and the infinities in
 * PostgreSQL's spelling ("NaN", "Infinity", "-Infinity").
 */
size_t
tsm_format_double(double v, char *buf)
{
	int prec, n = 0;

	if (isnan(v))
		return (size_t)snprintf(buf, TSM_NUM_BUFSZ, "NaN");
	if (isinf(v))
		return (size_t)snprintf(buf, TSM_NUM_BUFSZ, "%s",
		    v < 0 ? "-Infinity" : "Infinity");
	if (v == 0)
		return (size_t)snprintf(buf, TSM_NUM_BUFSZ, "0");
	if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v)
		return format_int((int64_t)v, buf);
#if FLT_EVAL_METHOD == 0
	if ((n = (int)format_short_decimal(v, buf)) > 0)
		return (size_t)n;
#endif
	/* A subnormal has fewer bits, so fewer digits may tell it apart. */
	prec = fabs(v) < DBL_MIN ? 1 : 15;
	for (; prec <= 17; prec++) {
		n = snprintf(buf, TSM_NUM_BUFSZ, "%.*g", prec, v);
		if (prec == 17 || strtod(buf, NULL) == v)
			break;
	}
	return (size_t)n;
}

/*
 * PostgreSQL prints a numeric with all the digits of its scale; the
 * trailing zeros of the fraction say nothing about the value.  Anything
 * that is not a plain decimal (NaN, Infinity) is copied unchanged.
 */
size_t
tsm_trim_numeric(const char *src, size_t len, char *buf)
{
	size_t i = 0, n = len, dot = 0;
	bool has_dot = false;

	if (i < len && src[i] == '-')
		i++;
	if (i == len)
		goto copy;
	for (; i < len; i++) {
		if (src[i] == '.' && !has_dot) {
			has_dot = true;
			dot = i;
		} else if (!is_digit(src[i])) {
			goto copy;
		}
	}
	if (has_dot) {
		while (n > dot + 1 && src[n - 1] == '0')
			n--;
		if (n == dot + 1)
			n = dot;
	}
	if (n == 0 || (n == 1 && src[0] == '-'))
		goto copy;
	/* "-0.000" trims to "-0", which is zero. */
	if (src[0] == '-') {
		for (i = 1; i < n && src[i] == '0'; i++)
			;
		if (i == n) {
			buf[0] = '0';
			buf[1] = '\0';
			return 1;
		}
	}
	memcpy(buf, src, n);
	buf[n] = '\0';
	return n;
copy:
	memcpy(buf, src, len);
	buf[len] = '\0';
	return len;
}
