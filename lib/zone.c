/*
 * zone.c: zone-less local times in a named IANA zone (--tz).
 *
 * The C library knows the zone's rules; asking it (localtime_r) for every
 * row of a large file would cost more than the rest of the parse, so the
 * offset of each local hour is cached.  An hour that holds a transition
 * is marked as such and its times are resolved one by one.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "timeparse.h"
#include "zone.h"

#define ZONE_NAME_MAX	200
#define CACHE_SLOTS	1024	/* local hours: six weeks of data */

enum slot_state { SLOT_EMPTY, SLOT_FIXED, SLOT_TRANSITION };

/* What a local time is in the zone. */
enum local_kind { LOCAL_UNIQUE, LOCAL_TWICE, LOCAL_NEVER };

struct slot {
	int64_t hour;		/* local hours since 1970 */
	int32_t offset;		/* seconds east of UTC, when SLOT_FIXED */
	int32_t state;
};

static struct {
	bool loaded;		/* name is the zone last asked for */
	bool known;		/* and it exists, and TZ is set to it */
	char name[ZONE_NAME_MAX + 1];
	char gap_why[ZONE_NAME_MAX + 64];
	struct slot slots[CACHE_SLOTS];
} zone;

static const char WHY_UNKNOWN[] = "is in an unknown time zone";

bool
tsm_zone_is_utc(const char *tz)
{
	return strcasecmp(tz, "UTC") == 0 || strcasecmp(tz, "Z") == 0;
}

/*
 * A zone is a file of the tz database that starts with the "TZif" magic;
 * other files there (zone.tab, leapseconds) are not zones.  Names that
 * could leave the database directory are refused before looking.
 */
bool
tsm_tz_valid(const char *tz)
{
	char path[PATH_MAX], magic[4];
	const char *dir;
	ssize_t n;
	size_t len, i;
	int fd;

	if (tz == NULL || tz[0] == '\0')
		return false;
	if (tsm_zone_is_utc(tz))
		return true;
	len = strlen(tz);
	if (len > ZONE_NAME_MAX || tz[0] == '/' || strstr(tz, "..") != NULL)
		return false;
	for (i = 0; i < len; i++) {
		char c = tz[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '/' || c == '_' ||
		    c == '-' || c == '+'))
			return false;
	}
	dir = getenv("TZDIR");
	if (dir == NULL || dir[0] == '\0')
		dir = "/usr/share/zoneinfo";
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, tz) >=
	    sizeof(path))
		return false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, magic, sizeof(magic));
	close(fd);
	return n == (ssize_t)sizeof(magic) && memcmp(magic, "TZif", 4) == 0;
}

/* Makes tz the zone of localtime_r, once per change of zone. */
static bool
use_zone(const char *tz)
{
	if (zone.loaded && strcmp(zone.name, tz) == 0)
		return zone.known;
	memset(zone.slots, 0, sizeof(zone.slots));
	zone.loaded = strlen(tz) <= ZONE_NAME_MAX;
	zone.known = zone.loaded && tsm_tz_valid(tz);
	if (!zone.loaded)
		return false;
	memcpy(zone.name, tz, strlen(tz) + 1);
	if (!zone.known)
		return false;
	if (setenv("TZ", tz, 1) != 0) {
		zone.known = false;
		return false;
	}
	tzset();
	snprintf(zone.gap_why, sizeof(zone.gap_why),
	    "does not exist in %s (clocks skip it when they go forward)", tz);
	return true;
}

/* The zone's offset from UTC at the instant t (UTC seconds). */
static int32_t
offset_at(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return 0;
	return (int32_t)tm.tm_gmtoff;
}

/*
 * Finds the offsets under which the wall time local happens.  The
 * candidates are the offsets a day before and after, and those at the
 * instants they point to; a candidate holds if the zone has that offset
 * at local - offset.  Of two, the larger offset is the earlier instant.
 */
static enum local_kind
resolve(int64_t local, int32_t *offset)
{
	int32_t cand[4], found[4] = { 0 };
	int nfound = 0;

	cand[0] = offset_at(local - 86400);
	cand[1] = offset_at(local + 86400);
	cand[2] = offset_at(local - cand[0]);
	cand[3] = offset_at(local - cand[1]);
	for (int i = 0; i < 4; i++) {
		bool seen = false;

		for (int j = 0; j < nfound; j++)
			seen |= found[j] == cand[i];
		if (!seen && offset_at(local - cand[i]) == cand[i])
			found[nfound++] = cand[i];
	}
	if (nfound == 0)
		return LOCAL_NEVER;
	*offset = found[0];
	for (int j = 1; j < nfound; j++)
		if (found[j] > *offset)
			*offset = found[j];
	return nfound == 1 ? LOCAL_UNIQUE : LOCAL_TWICE;
}

/*
 * An hour whose first and last second both happen once, under the same
 * offset, has no transition inside: every time in it takes that offset.
 */
static void
fill_slot(struct slot *s, int64_t hour)
{
	int32_t first, last;

	s->hour = hour;
	s->state = SLOT_TRANSITION;
	if (resolve(hour * 3600, &first) == LOCAL_UNIQUE &&
	    resolve(hour * 3600 + 3599, &last) == LOCAL_UNIQUE &&
	    first == last) {
		s->state = SLOT_FIXED;
		s->offset = first;
	}
}

bool
tsm_zone_to_utc(const char *tz, int64_t local, int64_t *utc,
    const char **why)
{
	int64_t hour;
	struct slot *s;
	int32_t offset = 0;

	if (!use_zone(tz)) {
		*why = WHY_UNKNOWN;
		return false;
	}
	hour = local / 3600 - (local % 3600 < 0);
	s = &zone.slots[(uint64_t)hour % CACHE_SLOTS];
	if (s->state == SLOT_EMPTY || s->hour != hour)
		fill_slot(s, hour);
	if (s->state == SLOT_FIXED) {
		*utc = local - s->offset;
		return true;
	}
	if (resolve(local, &offset) == LOCAL_NEVER) {
		*why = zone.gap_why;
		return false;
	}
	*utc = local - offset;
	return true;
}
