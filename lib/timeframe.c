/*
 * timeframe.c: arithmetic on candle intervals, as the routing of
 * tsm-query needs it: the next and the first bucket, which intervals
 * tile which, and the codes an interval may be stored under.
 */
#include <stdio.h>
#include <string.h>

#include "timeframe.h"
#include "timeparse.h"

#define USECS_PER_DAY	(INT64_C(86400) * 1000000)

/* Adds n months to the start of a month (t is midnight on the 1st). */
static int64_t
add_months(int64_t t, int64_t n)
{
	int64_t days = t / USECS_PER_DAY - (t % USECS_PER_DAY < 0);
	int64_t month;
	int y, m, d;

	tsm_civil_from_days(days, &y, &m, &d);
	month = (int64_t)y * 12 + (m - 1) + n;
	y = (int)(month / 12 - (month % 12 < 0));
	m = (int)(month - (int64_t)y * 12) + 1;
	return tsm_days_from_civil(y, m, 1) * USECS_PER_DAY;
}

int64_t
tsm_bucket_next(const struct tsm_timeframe *tf, int64_t t)
{
	if (tf->months > 0)
		return add_months(t, tf->months);
	if (t > INT64_MAX - tf->usecs)
		return INT64_MAX;
	return t + tf->usecs;
}

int64_t
tsm_bucket_ceil(const struct tsm_timeframe *tf, int64_t t)
{
	int64_t f;

	if (t == INT64_MIN || t == INT64_MAX)
		return t;
	f = tsm_timeframe_floor(tf, t);
	return f == t ? t : tsm_bucket_next(tf, f);
}

bool
tsm_timeframe_divides(const struct tsm_timeframe *fine,
    const struct tsm_timeframe *coarse)
{
	if (coarse->months > 0) {
		if (fine->months > 0)
			return coarse->months % fine->months == 0;
		/* Month starts are midnights: a width that divides a day. */
		return fine->usecs > 0 && USECS_PER_DAY % fine->usecs == 0;
	}
	if (fine->months > 0 || fine->usecs <= 0)
		return false;
	return coarse->usecs % fine->usecs == 0;
}

bool
tsm_timeframe_same(const struct tsm_timeframe *a, const struct tsm_timeframe *b)
{
	return a->months == b->months && a->usecs == b->usecs;
}

/* Orders intervals by length (a month counts as 28 to 31 days). */
int
tsm_timeframe_cmp(const struct tsm_timeframe *a, const struct tsm_timeframe *b)
{
	int64_t x = a->months ? a->months * 28 * USECS_PER_DAY : a->usecs;
	int64_t y = b->months ? b->months * 28 * USECS_PER_DAY : b->usecs;

	if (a->months && b->months)
		return a->months < b->months ? -1 : a->months > b->months;
	return x < y ? -1 : x > y;
}

/*
 * The codes a timeframe may be stored under: "1h" and "60m", "1d" and
 * "24h" and "1440m".  Writes the text of a text[] into buf.
 */
void
tsm_timeframe_codes(const struct tsm_timeframe *tf, char *buf, size_t n)
{
	static const struct { int64_t usecs; char unit; } units[] = {
		{ INT64_C(60000000), 'm' }, { INT64_C(3600000000), 'h' },
		{ INT64_C(86400000000), 'd' }, { INT64_C(604800000000), 'w' },
	};
	size_t l;

	if (tf->months > 0) {
		snprintf(buf, n, "{%dM}", (int)tf->months);
		return;
	}
	snprintf(buf, n, "{");
	for (int i = 0; i < 4; i++) {
		if (tf->usecs % units[i].usecs != 0)
			continue;
		l = strlen(buf);
		snprintf(buf + l, n - l, "%s%lld%c", l > 1 ? "," : "",
		    (long long)(tf->usecs / units[i].usecs), units[i].unit);
	}
	l = strlen(buf);
	snprintf(buf + l, n - l, "}");
}

