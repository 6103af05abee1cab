/*
 * fuzz_time.c: times in and out (timeparse.h, zone.h).
 *
 * Every input is parsed with each epoch unit (auto, s, ms, us, ns) and in
 * several zones for zone-less text: UTC, and zones with DST gaps and
 * overlaps, half-hour and 45-minute offsets and a 30-minute DST change.
 * Properties, beyond no crash:
 *  - a refusal comes with a reason; a success is within years 1..9999;
 *  - format then parse gives the same instant, for every time parsed and
 *    for every 8 bytes of the input taken as a time in range; the
 *    formatted text always fits TSM_TIME_BUFSZ;
 *  - text carrying its own offset or Z means the same instant in every
 *    zone;
 *  - what tsm_pg_time_to_iso rewrites parses to the same instant as the
 *    server's text itself;
 *  - tsm_time_unit_parse and tsm_tz_valid never crash on any name.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "timeparse.h"

/* Years 0001-01-01 to 9999-12-31 23:59:59.999999, in microseconds. */
#define MIN_T	INT64_C(-62135596800000000)
#define MAX_T	INT64_C(253402300799999999)

static const char *const zones[] = {
	NULL, "UTC", "Europe/Berlin", "America/New_York",
	"Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham",
};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

static void
round_trip(int64_t t)
{
	char buf[TSM_TIME_BUFSZ + 8];
	size_t n;
	int64_t back;
	const char *why = NULL;

	memset(buf, 'x', sizeof(buf));
	n = tsm_format_time(t, buf);
	FUZZ_CHECK(n < TSM_TIME_BUFSZ && strlen(buf) == n,
	    "time %lld formatted in %zu bytes", (long long)t, n);
	if (t < MIN_T || t > MAX_T)
		return;
	FUZZ_CHECK(tsm_parse_time(buf, n, NULL, &back, &why),
	    "time %lld written as %s, which does not parse: %s",
	    (long long)t, buf, why);
	FUZZ_CHECK(back == t, "time %lld written as %s, read back as %lld",
	    (long long)t, buf, (long long)back);
}

/* True if s ends in Z or a numeric offset: no zone applies to it. */
static bool
has_zone(const char *s, size_t len)
{
	for (size_t i = 10; i < len; i++)
		if (s[i] == 'Z' || s[i] == 'z' || s[i] == '+' ||
		    (s[i] == '-' && i > 10))
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *name = fuzz_strndup(data, size < 256 ? size : 256);
	char iso[TSM_TIME_BUFSZ];
	enum tsm_time_unit unit;
	int64_t t, first = 0, v;
	bool any = false;
	size_t n;

	/* Zones outside: a change of zone reads the tz database. */
	for (size_t z = 0; z < NZONES; z++) {
		for (int u = TSM_UNIT_AUTO; u <= TSM_UNIT_NS; u++) {
			struct tsm_time_opts o = { (enum tsm_time_unit)u, zones[z] };
			const char *why = NULL;

			if (!tsm_parse_time(s, size, &o, &t, &why)) {
				FUZZ_CHECK(why != NULL && why[0] != '\0',
				    "no reason given");
				continue;
			}
			FUZZ_CHECK(t >= MIN_T && t <= MAX_T,
			    "%lld is out of range", (long long)t);
			round_trip(t);
			if (size >= 5 && s[4] == '-' && has_zone(s, size) &&
			    u == TSM_UNIT_AUTO) {
				FUZZ_CHECK(!any || t == first, "an instant with "
				    "an offset moved with the zone %s",
				    zones[z] ? zones[z] : "(none)");
				any = true;
				first = t;
			}
		}
	}
	n = tsm_pg_time_to_iso(s, size, iso);
	FUZZ_CHECK(n < TSM_TIME_BUFSZ, "pg time rewritten in %zu bytes", n);
	if (n > 0 && strcmp(iso, "infinity") != 0 &&
	    strcmp(iso, "-infinity") != 0) {
		const char *why = NULL;
		int64_t a, b;

		FUZZ_CHECK(strlen(iso) == n, "a NUL inside the rewritten time");
		FUZZ_CHECK(tsm_parse_time(iso, n, NULL, &a, &why),
		    "pg time rewritten as %s, which does not parse: %s", iso,
		    why);
		if (tsm_parse_time(s, size, NULL, &b, &why))
			FUZZ_CHECK(a == b, "pg time %.*s rewritten as %s moved",
			    (int)size, s, iso);
	}
	for (size_t off = 0; off + sizeof(v) <= size && off < 128;
	    off += sizeof(v)) {
		memcpy(&v, data + off, sizeof(v));
		round_trip(v);
		/* The same bits brought into range. */
		round_trip(MIN_T + (int64_t)((uint64_t)v %
		    (uint64_t)(MAX_T - MIN_T + 1)));
	}
	(void)tsm_time_unit_parse(name, &unit);
	(void)tsm_tz_valid(name);
	free(name);
	return 0;
}
