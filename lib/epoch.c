/*
 * epoch.c: epoch numbers of JSON files as microseconds.
 *
 * Rounding is done in decimal on the digits the file wrote, not on the
 * double jansson read: 1742125864.5432417 is 1742125864543242 microseconds
 * because its seventh decimal is a 7, whatever its binary value.
 */
#include <stdio.h>
#include <string.h>

#include "epoch.h"
#include "num.h"

/* The unit of an epoch with this many digits before the point. */
static enum tsm_time_unit
unit_by_digits(int digits)
{
	if (digits <= 11)
		return TSM_UNIT_S;
	if (digits <= 14)
		return TSM_UNIT_MS;
	if (digits <= 17)
		return TSM_UNIT_US;
	return TSM_UNIT_NS;
}

static const char WHY_NEG[] = "is a negative epoch number (a time before 1970)";
static const char WHY_BIG[] = "is out of range as an epoch number";

bool
tsm_epoch_from_json(const json_t *v, const char *text, size_t len,
    enum tsm_time_unit unit, int64_t *out, const char **why)
{
	char num[TSM_NUM_BUFSZ + 40], us_text[32];
	int64_t us;

	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		int digits = 0;

		if (i < 0) {
			*why = WHY_NEG;
			return false;
		}
		for (json_int_t t = i; t > 0; t /= 10)
			digits++;
		if (unit == TSM_UNIT_AUTO)
			unit = unit_by_digits(digits);
		switch (unit) {
		case TSM_UNIT_S:
			if (__builtin_mul_overflow(i, 1000000, &us))
				goto big;
			break;
		case TSM_UNIT_MS:
			if (__builtin_mul_overflow(i, 1000, &us))
				goto big;
			break;
		case TSM_UNIT_US:
			us = i;
			break;
		default:
			us = i / 1000 + (i % 1000 >= 500);
		}
	} else {
		double d = json_real_value(v);
		const char *dot;
		int digits, shift;
		int64_t ip = 0;

		if (text == NULL || len >= sizeof(num)) {
			tsm_format_double(d, num);
		} else {
			memcpy(num, text, len);
			num[len] = '\0';
		}
		if (d < 0) {
			*why = WHY_NEG;
			return false;
		}
		if (strchr(num, 'e') != NULL || strchr(num, 'E') != NULL) {
			/* Tiny (1e-05) or written with an exponent: scale. */
			if (d >= 9.2e18)
				goto big;
			if (unit == TSM_UNIT_AUTO)
				unit = d < 1 ? TSM_UNIT_S : unit_by_digits(
				    (int)snprintf(NULL, 0, "%.0f", d));
			us = (int64_t)(unit == TSM_UNIT_S ? d * 1e6 + 0.5 :
			    unit == TSM_UNIT_MS ? d * 1e3 + 0.5 :
			    unit == TSM_UNIT_US ? d + 0.5 : d / 1e3 + 0.5);
			goto done;
		}
		/* As the file wrote it: round in decimal. */
		dot = strchr(num, '.');
		digits = 0;
		for (const char *p = num; *p && p != dot; p++) {
			if (digits > 0 || *p != '0')
				digits++;
			if (digits > 18)
				goto big;
			ip = ip * 10 + (*p - '0');
		}
		if (unit == TSM_UNIT_AUTO)
			unit = unit_by_digits(digits);
		shift = unit == TSM_UNIT_S ? 6 : unit == TSM_UNIT_MS ? 3 :
		    unit == TSM_UNIT_US ? 0 : -3;
		if (shift < 0) {
			us = ip / 1000 + (ip % 1000 >= 500);
		} else {
			const char *f = dot ? dot + 1 : "";
			int64_t frac = 0;

			for (int k = 0; k < shift; k++)
				frac = frac * 10 + (*f ? *f++ - '0' : 0);
			for (int k = 0; k < shift; k++)
				if (__builtin_mul_overflow(ip, 10, &ip))
					goto big;
			if (__builtin_add_overflow(ip, frac, &us))
				goto big;
			if (*f >= '5' && *f <= '9')
				us++;
		}
	}
done:
	snprintf(us_text, sizeof(us_text), "%lld", (long long)us);
	{
		struct tsm_time_opts o = { TSM_UNIT_US, NULL };

		return tsm_parse_time(us_text, strlen(us_text), &o, out, why);
	}
big:
	*why = WHY_BIG;
	return false;
}

