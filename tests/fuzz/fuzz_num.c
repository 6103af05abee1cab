/*
 * fuzz_num.c: numbers in and out (num.h).
 *
 * Properties, beyond no crash:
 *  - what tsm_parse_double accepts is finite and is exactly what strtod
 *    makes of the same text (the fast path must round as strtod does);
 *  - what tsm_parse_int64 accepts is what strtoll makes of it, without
 *    ERANGE, and tsm_parse_double agrees on its value;
 *  - a refusal always comes with a reason;
 *  - format then parse gives the same double: for the values parsed and
 *    for every 8 bytes of the input taken as a double (subnormals, huge
 *    and tiny exponents included); NaN and the infinities are spelled as
 *    PostgreSQL spells them;
 *  - tsm_trim_numeric is idempotent, never longer, and keeps the value of
 *    a plain decimal.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "num.h"

static void
format_round_trip(double v)
{
	char buf[TSM_NUM_BUFSZ + 8];
	size_t n;
	double back;
	const char *why = NULL;

	memset(buf, 'x', sizeof(buf));
	n = tsm_format_double(v, buf);
	FUZZ_CHECK(n < TSM_NUM_BUFSZ && strlen(buf) == n,
	    "formatted %a in %zu bytes", v, n);
	if (isnan(v)) {
		FUZZ_CHECK(strcmp(buf, "NaN") == 0, "NaN written as %s", buf);
		return;
	}
	if (isinf(v)) {
		FUZZ_CHECK(strcmp(buf, v < 0 ? "-Infinity" : "Infinity") == 0,
		    "%a written as %s", v, buf);
		return;
	}
	FUZZ_CHECK(tsm_parse_double(buf, n, &back, &why),
	    "%a written as \"%s\", which does not parse: %s", v, buf, why);
	FUZZ_CHECK(back == v, "%a written as \"%s\", read back as %a", v, buf,
	    back);
}

/* True for -?digits(.digits)?, the form of PostgreSQL's numeric output. */
static bool
plain_decimal(const char *s, size_t len)
{
	size_t i = 0, d;

	if (i < len && s[i] == '-')
		i++;
	for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d)
		return false;
	if (i < len && s[i] == '.') {
		for (d = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	return i == len;
}

static void
check_trim(const char *s, size_t len)
{
	char *a = malloc(len + 1), *b = malloc(len + 1);
	size_t na, nb;
	double x, y;
	const char *why;

	if (a == NULL || b == NULL)
		abort();
	na = tsm_trim_numeric(s, len, a);
	FUZZ_CHECK(na <= len && a[na] == '\0', "trimmed to %zu bytes of %zu",
	    na, len);
	nb = tsm_trim_numeric(a, na, b);
	FUZZ_CHECK(nb == na && memcmp(a, b, na) == 0,
	    "trimming twice changed \"%s\" to \"%s\"", a, b);
	if (plain_decimal(s, len) && tsm_parse_double(s, len, &x, &why)) {
		FUZZ_CHECK(plain_decimal(a, na) &&
		    tsm_parse_double(a, na, &y, &why) && x == y,
		    "\"%.*s\" trimmed to \"%s\" changed its value", (int)len,
		    s, a);
	}
	free(a);
	free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *copy = fuzz_strndup(data, size), *end;
	const char *why = NULL;
	double d, v;
	int64_t i;
	bool b, okd, oki;

	okd = tsm_parse_double(s, size, &d, &why);
	if (okd) {
		FUZZ_CHECK(isfinite(d), "accepted a value that is not finite");
		FUZZ_CHECK(strlen(copy) == size, "accepted a NUL");
		errno = 0;
		v = strtod(copy, &end);
		FUZZ_CHECK(end == copy + size, "strtod stops early on \"%s\"",
		    copy);
		FUZZ_CHECK(v == d && signbit(v) == signbit(d),
		    "\"%s\" read as %a, strtod says %a", copy, d, v);
		format_round_trip(d);
	} else {
		FUZZ_CHECK(why != NULL && why[0] != '\0', "no reason given");
	}
	why = NULL;
	oki = tsm_parse_int64(s, size, &i, &why);
	if (oki) {
		long long ll;

		errno = 0;
		ll = strtoll(copy, &end, 10);
		FUZZ_CHECK(errno == 0 && end == copy + size && ll == i,
		    "\"%s\" read as %lld, strtoll says %lld", copy,
		    (long long)i, ll);
		FUZZ_CHECK(okd && d == (double)i,
		    "\"%s\" is an integer but not the same double", copy);
	} else {
		FUZZ_CHECK(why != NULL && why[0] != '\0', "no reason given");
	}
	why = NULL;
	if (!tsm_parse_bool(s, size, &b, &why))
		FUZZ_CHECK(why != NULL && why[0] != '\0', "no reason given");
	for (size_t off = 0; off + sizeof(v) <= size && off < 256;
	    off += sizeof(v)) {
		memcpy(&v, data + off, sizeof(v));
		format_round_trip(v);
	}
	check_trim(s, size);
	free(copy);
	return 0;
}
