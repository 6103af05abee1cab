/*
 * when.c: a moment given as a time or as an age before now.
 */
#include <string.h>

#include "timeparse.h"
#include "when.h"

#define USECS_PER_DAY	(INT64_C(86400) * 1000000)

int64_t
tsm_age_before(int64_t t, const struct tsm_age *age)
{
	if (age->months != 0) {
		int64_t days = t / USECS_PER_DAY - (t % USECS_PER_DAY < 0);
		int64_t tod = t - days * USECS_PER_DAY, month;
		int y, m, d, dim;

		tsm_civil_from_days(days, &y, &m, &d);
		month = (int64_t)y * 12 + (m - 1) - age->months;
		y = (int)(month / 12 - (month % 12 < 0));
		m = (int)(month - (int64_t)y * 12) + 1;
		/* The 31st of a 30-day month is its last day, as in SQL. */
		dim = (int)(tsm_days_from_civil(m == 12 ? y + 1 : y,
		    m == 12 ? 1 : m + 1, 1) - tsm_days_from_civil(y, m, 1));
		if (d > dim)
			d = dim;
		t = tsm_days_from_civil(y, m, d) * USECS_PER_DAY + tod;
	}
	return t - age->usecs;
}

bool
tsm_parse_when(const char *s, int64_t now, int64_t *out, const char **why)
{
	struct tsm_age age;
	const char *why_age;

	/* An age has a unit, so that it is never a date or an epoch. */
	if (tsm_parse_age(s, &age, &why_age)) {
		*out = tsm_age_before(now, &age);
		return true;
	}
	return tsm_parse_time(s, strlen(s), NULL, out, why);
}
