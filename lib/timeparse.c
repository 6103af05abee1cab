/*
 * timeparse.c: times in and out, as microseconds since 1970 UTC.
 *
 * A loader parses one time per row on millions of rows, and a query
 * writes one per row, so both directions are hand-written digit loops
 * over integer calendar arithmetic: no sscanf, strptime, gmtime or
 * strftime, and no allocation.  Zone-less text in a named zone goes
 * through zone.c, which caches the offset of each local hour.
 */
#include <stdio.h>
#include <string.h>

#include "timeparse.h"
#include "zone.h"

#define USECS_PER_SEC	INT64_C(1000000)
#define USECS_PER_DAY	INT64_C(86400000000)
/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z. */
#define MIN_USECS	INT64_C(-62135596800000000)
#define MAX_USECS	INT64_C(253402300799999999)

static const char WHY_EMPTY[] = "is empty";
static const char WHY_SPACES[] = "has spaces around it";
static const char WHY_SYNTAX[] =
    "is not a time: expected YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+HH:MM] "
    "or an epoch number";
static const char WHY_YEAR[] = "has a year out of range (0001 to 9999)";
static const char WHY_MONTH[] = "has a month out of range (01 to 12)";
static const char WHY_DAY[] = "has a day that its month does not have";
static const char WHY_HOUR24[] =
    "has hour 24: write 00:00 of the next day instead";
static const char WHY_HOUR[] = "has an hour out of range (00 to 23)";
static const char WHY_MINUTE[] = "has a minute out of range (00 to 59)";
static const char WHY_LEAP[] = "has second 60 (a leap second)";
static const char WHY_SECOND[] = "has a second out of range (00 to 59)";
static const char WHY_PRECISION[] = "has more precision than microseconds";
static const char WHY_OFFSET[] =
    "has a UTC offset out of range (at most 15:59)";
static const char WHY_NEGATIVE[] =
    "is a negative epoch number (a time before 1970)";
static const char WHY_EPOCH_RANGE[] =
    "is out of range as an epoch number (at most 19 digits)";
static const char WHY_RANGE[] = "is out of range (years 0001 to 9999)";
static const char WHY_EXPONENT[] =
    "is an epoch number in exponent notation: write it in full";

/* The fields of an ISO 8601 time as written, before any checking. */
struct iso_time {
	int year, month, day, hour, minute, second;
	int32_t usec;
	bool frac_beyond_usec;	/* a nonzero digit after the sixth */
	bool has_seconds;
	bool has_zone;		/* Z, UTC or an offset */
	bool numeric_offset;	/* +HH[:MM[:SS]] */
	char sep;		/* 'T', 't', ' ', or 0 for a date alone */
	int offset;		/* seconds east of UTC */
	int off_h, off_m, off_s;
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

/* The two digits at p as a number, or -1. */
static inline int
two_digits(const char *p)
{
	if (!is_digit(p[0]) || !is_digit(p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

static inline bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/*
 * Howard Hinnant's days_from_civil: eras of 400 years (146097 days)
 * make the arithmetic exact for any year without tables or loops.
 */
int64_t
tsm_days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* Hinnant's civil_from_days, the inverse of the above. */
void
tsm_civil_from_days(int64_t days, int *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = mm;
	*y = (int)(yoe + era * 400 + (mm <= 2));
}

bool
tsm_time_unit_parse(const char *s, enum tsm_time_unit *out)
{
	if (strcmp(s, "s") == 0)
		*out = TSM_UNIT_S;
	else if (strcmp(s, "ms") == 0)
		*out = TSM_UNIT_MS;
	else if (strcmp(s, "us") == 0)
		*out = TSM_UNIT_US;
	else if (strcmp(s, "ns") == 0)
		*out = TSM_UNIT_NS;
	else
		return false;
	return true;
}

/*
 * Reads the fraction after the decimal point from s[*pos]: the first six
 * digits as microseconds, and whether any later digit is nonzero.
 * Returns the number of digits (0 if none).
 */
static size_t
read_fraction(const char *s, size_t len, size_t *pos, int32_t *usec,
    bool *beyond)
{
	size_t i = *pos, n = 0;
	int32_t u = 0;

	*beyond = false;
	for (; i < len && is_digit(s[i]); i++, n++) {
		if (n < 6)
			u = u * 10 + (s[i] - '0');
		else if (s[i] != '0')
			*beyond = true;
	}
	for (size_t k = n; k < 6; k++)
		u *= 10;
	*usec = u;
	*pos = i;
	return n;
}

/* True if s[0..len) is "utc", in any case. */
static bool
is_utc_word(const char *s, size_t len)
{
	return len == 3 && (s[0] | 0x20) == 'u' && (s[1] | 0x20) == 't' &&
	    (s[2] | 0x20) == 'c';
}

/*
 * Reads the zone that ends a time: "Z", "UTC", "+HH", "+HHMM", "+HH:MM"
 * or "+HH:MM:SS" (PostgreSQL writes seconds for old local mean times),
 * after an optional space.
 */
static bool
read_zone(const char *s, size_t len, size_t p, struct iso_time *f)
{
	int sign;

	if (p < len && s[p] == ' ')
		p++;
	if (p == len)
		return false;
	f->has_zone = true;
	if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == len)
		return true;
	if (is_utc_word(s + p, len - p))
		return true;
	if (s[p] != '+' && s[p] != '-')
		return false;
	sign = s[p] == '-' ? -1 : 1;
	p++;
	if (len - p < 2 || (f->off_h = two_digits(s + p)) < 0)
		return false;
	p += 2;
	if (p < len && s[p] == ':') {
		if (len - p < 3 || (f->off_m = two_digits(s + p + 1)) < 0)
			return false;
		p += 3;
		if (p < len && s[p] == ':') {
			if (len - p < 3 ||
			    (f->off_s = two_digits(s + p + 1)) < 0)
				return false;
			p += 3;
		}
	} else if (p < len) {
		if (len - p < 2 || (f->off_m = two_digits(s + p)) < 0)
			return false;
		p += 2;
	}
	if (p != len)
		return false;
	f->numeric_offset = true;
	f->offset = sign * (f->off_h * 3600 + f->off_m * 60 + f->off_s);
	return true;
}

/* Reads the shape of an ISO 8601 time; the ranges are checked later. */
static bool
read_iso(const char *s, size_t len, struct iso_time *f)
{
	size_t p;
	int y0, y1;

	memset(f, 0, sizeof(*f));
	if (len < 10 || (y0 = two_digits(s)) < 0 ||
	    (y1 = two_digits(s + 2)) < 0 || s[4] != '-' ||
	    (f->month = two_digits(s + 5)) < 0 || s[7] != '-' ||
	    (f->day = two_digits(s + 8)) < 0)
		return false;
	f->year = y0 * 100 + y1;
	if (len == 10)
		return true;
	f->sep = s[10];
	if (f->sep != 'T' && f->sep != 't' && f->sep != ' ')
		return false;
	if (len < 16 || (f->hour = two_digits(s + 11)) < 0 ||
	    s[13] != ':' || (f->minute = two_digits(s + 14)) < 0)
		return false;
	p = 16;
	if (p < len && s[p] == ':') {
		if (len - p < 3 || (f->second = two_digits(s + p + 1)) < 0)
			return false;
		f->has_seconds = true;
		p += 3;
		if (p < len && (s[p] == '.' || s[p] == ',')) {
			p++;
			if (read_fraction(s, len, &p, &f->usec,
			    &f->frac_beyond_usec) == 0)
				return false;
		}
	}
	if (p == len)
		return true;
	return read_zone(s, len, p, f);
}

/* Checks the fields' ranges; NULL if they hold, else the reason. */
static const char *
check_iso(const struct iso_time *f)
{
	if (f->year == 0)
		return WHY_YEAR;
	if (f->month < 1 || f->month > 12)
		return WHY_MONTH;
	if (f->day < 1 || f->day > days_in_month(f->year, f->month))
		return WHY_DAY;
	if (f->hour == 24 && f->minute == 0 && f->second == 0 &&
	    f->usec == 0 && !f->frac_beyond_usec)
		return WHY_HOUR24;
	if (f->hour > 23)
		return WHY_HOUR;
	if (f->minute > 59)
		return WHY_MINUTE;
	if (f->second == 60)
		return WHY_LEAP;
	if (f->second > 60)
		return WHY_SECOND;
	if (f->frac_beyond_usec)
		return WHY_PRECISION;
	if (f->off_h > 15 || f->off_m > 59 || f->off_s > 59)
		return WHY_OFFSET;
	return NULL;
}

/* Seconds since 1970 of the fields read as UTC (the zone not applied). */
static int64_t
iso_local_seconds(const struct iso_time *f)
{
	return tsm_days_from_civil(f->year, f->month, f->day) * 86400 +
	    f->hour * 3600 + f->minute * 60 + f->second;
}

/*
 * Tells why a field that is neither an ISO time nor a plain epoch number
 * was refused: "1.7e9" deserves a better word than "not a time".
 */
static const char *
why_not_time(const char *s, size_t len)
{
	size_t i = 0;
	bool digits = false;

	if (s[i] == '-' || s[i] == '+')
		i++;
	for (; i < len && (is_digit(s[i]) || s[i] == '.'); i++)
		digits |= is_digit(s[i]);
	if (!digits || i == len || (s[i] != 'e' && s[i] != 'E'))
		return WHY_SYNTAX;
	i++;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i == len)
		return WHY_SYNTAX;
	for (; i < len; i++)
		if (!is_digit(s[i]))
			return WHY_SYNTAX;
	return WHY_EXPONENT;
}

/*
 * Reads an epoch number: digits, and an optional fraction.  The unit is
 * the one given, or told by the count of significant digits of the
 * integer part.  The value must be a whole number of microseconds:
 * digits that would be cut off are refused, never dropped.
 */
static bool
parse_epoch(const char *s, size_t len, enum tsm_time_unit unit,
    int64_t *out, const char **why)
{
	size_t i = 0;
	int ndigits = 0;
	uint64_t v = 0;
	int32_t frac_usec = 0;
	bool beyond = false;

	for (; i < len && is_digit(s[i]); i++) {
		if (ndigits == 0 && s[i] == '0')
			continue;
		if (ndigits < 20)
			ndigits++;
		if (ndigits <= 19)
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i < len && s[i] == '.') {
		i++;
		read_fraction(s, len, &i, &frac_usec, &beyond);
	}
	if (ndigits > 19) {
		*why = WHY_EPOCH_RANGE;
		return false;
	}
	if (unit == TSM_UNIT_AUTO) {
		if (ndigits <= 11)
			unit = TSM_UNIT_S;
		else if (ndigits <= 14)
			unit = TSM_UNIT_MS;
		else if (ndigits <= 17)
			unit = TSM_UNIT_US;
		else
			unit = TSM_UNIT_NS;
	}
	/*
	 * frac_usec is the fraction in millionths of the unit; "beyond"
	 * says whether the seventh digit and later held anything.  What is
	 * left must be whole microseconds.
	 */
	switch (unit) {
	case TSM_UNIT_S:
		if (v > (uint64_t)(MAX_USECS / USECS_PER_SEC))
			goto range;
		if (beyond)
			goto precision;
		*out = (int64_t)v * USECS_PER_SEC + frac_usec;
		break;
	case TSM_UNIT_MS:
		if (v > (uint64_t)(MAX_USECS / 1000))
			goto range;
		if (beyond || frac_usec % 1000 != 0)
			goto precision;
		*out = (int64_t)v * 1000 + frac_usec / 1000;
		break;
	case TSM_UNIT_US:
		if (v > (uint64_t)MAX_USECS)
			goto range;
		if (beyond || frac_usec != 0)
			goto precision;
		*out = (int64_t)v;
		break;
	case TSM_UNIT_NS:
	default:
		if (beyond || frac_usec != 0 || v % 1000 != 0)
			goto precision;
		if (v / 1000 > (uint64_t)MAX_USECS)
			goto range;
		*out = (int64_t)(v / 1000);
		break;
	}
	if (*out > MAX_USECS)
		goto range;
	return true;
range:
	*why = WHY_RANGE;
	return false;
precision:
	*why = WHY_PRECISION;
	return false;
}

/* True if s[0..len) is digits with at most one '.' and a digit first. */
static bool
looks_like_epoch(const char *s, size_t len)
{
	size_t i = 0;

	if (len == 0 || !is_digit(s[0]))
		return false;
	while (i < len && is_digit(s[i]))
		i++;
	if (i < len && s[i] == '.')
		i++;
	while (i < len && is_digit(s[i]))
		i++;
	return i == len;
}

bool
tsm_parse_time(const char *s, size_t len, const struct tsm_time_opts *o,
    int64_t *out, const char **why)
{
	struct iso_time f;
	const char *bad;
	int64_t secs;

	if (len == 0) {
		*why = WHY_EMPTY;
		return false;
	}
	if (is_space(s[0]) || is_space(s[len - 1])) {
		*why = WHY_SPACES;
		return false;
	}
	if (len < 5 || s[4] != '-') {
		if (looks_like_epoch(s, len))
			return parse_epoch(s, len,
			    o ? o->unit : TSM_UNIT_AUTO, out, why);
		if (s[0] == '-' && looks_like_epoch(s + 1, len - 1)) {
			*why = WHY_NEGATIVE;
			return false;
		}
		*why = why_not_time(s, len);
		return false;
	}
	if (!read_iso(s, len, &f)) {
		*why = WHY_SYNTAX;
		return false;
	}
	if ((bad = check_iso(&f)) != NULL) {
		*why = bad;
		return false;
	}
	secs = iso_local_seconds(&f);
	if (f.has_zone)
		secs -= f.offset;
	else if (o && o->tz && !tsm_zone_is_utc(o->tz) &&
	    !tsm_zone_to_utc(o->tz, secs, &secs, why))
		return false;
	if (secs < MIN_USECS / USECS_PER_SEC ||
	    secs > MAX_USECS / USECS_PER_SEC) {
		*why = WHY_RANGE;
		return false;
	}
	*out = secs * USECS_PER_SEC + f.usec;
	return true;
}

/* Writes n as exactly width digits (n >= 0 and small enough). */
static inline char *
put_digits(char *p, int n, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + n % 10);
		n /= 10;
	}
	return p + width;
}

/*
 * Years outside 0..9999 cannot come from tsm_parse_time but may come
 * from arithmetic; they are written with a sign or more digits, as ISO
 * 8601's expanded years are, rather than wrongly.
 */
size_t
tsm_format_time(int64_t t, char *buf)
{
	int64_t days, rem;
	int y, m, d, sod, usec;
	char *p = buf;

	days = t / USECS_PER_DAY;
	rem = t % USECS_PER_DAY;
	if (rem < 0) {
		rem += USECS_PER_DAY;
		days--;
	}
	tsm_civil_from_days(days, &y, &m, &d);
	if (y >= 0 && y <= 9999)
		p = put_digits(p, y, 4);
	else
		p += snprintf(p, 16, "%s%04d", y < 0 ? "-" : "+",
		    y < 0 ? -y : y);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p++ = 'T';
	sod = (int)(rem / USECS_PER_SEC);
	usec = (int)(rem % USECS_PER_SEC);
	p = put_digits(p, sod / 3600, 2);
	*p++ = ':';
	p = put_digits(p, sod / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, sod % 60, 2);
	if (usec != 0) {
		int width = 6;

		while (usec % 10 == 0) {
			usec /= 10;
			width--;
		}
		*p++ = '.';
		p = put_digits(p, usec, width);
	}
	*p++ = 'Z';
	*p = '\0';
	return (size_t)(p - buf);
}

/*
 * The server's form differs from ours only in the space, the offset and
 * trailing zeros, so it is read with the same code and written again;
 * any other offset than +00 is converted too, in case a session was not
 * in UTC.  BC dates and years past 9999 are left to the caller.
 */
/*
 * The time columns of every answer come in the server's own UTC form,
 * "2024-03-01 12:00:00[.ffffff]+00", with the fraction already in its
 * shortest form: that is rewritten in place ("T", "Z") rather than read
 * and formatted again.  Returns 0 for anything else (which the general
 * path then reads).
 */
static size_t
pg_utc_rewrite(const char *s, size_t len, char *buf)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int y1, y2, mo, d, h, mi, se;

	if (len < 22 || len > 29 || memcmp(s + len - 3, "+00", 3) != 0 ||
	    s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' ||
	    s[16] != ':')
		return 0;
	if (len > 22) {
		if (s[19] != '.' || len == 23 || s[len - 4] == '0')
			return 0;
		for (size_t i = 20; i < len - 3; i++)
			if (!is_digit(s[i]))
				return 0;
	}
	y1 = two_digits(s);
	y2 = two_digits(s + 2);
	mo = two_digits(s + 5);
	d = two_digits(s + 8);
	h = two_digits(s + 11);
	mi = two_digits(s + 14);
	se = two_digits(s + 17);
	if (y1 < 0 || y2 < 0 || y1 + y2 == 0 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    se < 0 || se > 59)
		return 0;
	if (mo == 2 && d == 29 && !is_leap(y1 * 100 + y2))
		return 0;
	memcpy(buf, s, len - 3);
	buf[10] = 'T';
	buf[len - 3] = 'Z';
	buf[len - 2] = '\0';
	return len - 2;
}

size_t
tsm_pg_time_to_iso(const char *src, size_t len, char *buf)
{
	struct iso_time f;
	int64_t secs;
	size_t n;

	if ((n = pg_utc_rewrite(src, len, buf)) > 0)
		return n;

	if ((len == 8 && memcmp(src, "infinity", 8) == 0) ||
	    (len == 9 && memcmp(src, "-infinity", 9) == 0)) {
		memcpy(buf, src, len);
		buf[len] = '\0';
		return len;
	}
	if (!read_iso(src, len, &f) || f.sep != ' ' || !f.has_seconds ||
	    !f.numeric_offset || check_iso(&f) != NULL)
		return 0;
	secs = iso_local_seconds(&f) - f.offset;
	if (secs < MIN_USECS / USECS_PER_SEC ||
	    secs > MAX_USECS / USECS_PER_SEC)
		return 0;
	return tsm_format_time(secs * USECS_PER_SEC + f.usec, buf);
}
