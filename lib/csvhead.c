/*
 * csvhead.c: recognising a header row and mapping its names to columns.
 *
 * Names are matched without regard to case or surrounding spaces, against
 * a column's canonical name and its aliases, so that the headers written
 * by exchanges, pandas and spreadsheets load without a --columns option.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "log.h"
#include "num.h"

/* The longest list of names quoted in one message. */
#define LIST_MAX 400

/* Strips spaces and tabs around s[0..*len). */
static const char *
trim(const char *s, size_t *len)
{
	size_t n = *len;

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*len = n;
	return s;
}

static bool
same_name(const char *s, size_t len, const char *name)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (name[i] == '\0' || tolower((unsigned char)s[i]) !=
		    tolower((unsigned char)name[i]))
			return false;
	return name[i] == '\0';
}

/* The spec that the (trimmed) name s[0..len) names, or -1. */
static int
spec_for(const char *s, size_t len, const struct tsm_colspec *specs,
    int nspecs)
{
	for (int j = 0; j < nspecs; j++) {
		if (same_name(s, len, specs[j].name))
			return j;
		for (const char *const *a = specs[j].aliases; a && *a; a++)
			if (same_name(s, len, *a))
				return j;
	}
	return -1;
}

bool
tsm_csv_is_header(const struct tsm_record *rec,
    const struct tsm_colspec *specs, int nspecs)
{
	bool named = false;

	for (int i = 0; i < rec->nfields; i++) {
		size_t len = rec->fields[i].len;
		const char *s = trim(rec->fields[i].s, &len);
		const char *why;
		double d;

		if (len > 0 && tsm_parse_double(s, len, &d, &why))
			return false;
		if (spec_for(s, len, specs, nspecs) >= 0)
			named = true;
	}
	return named;
}

/* Appends "sep" and s[0..len), quoted if asked, to a list for a message. */
static void
list_add(char *list, const char *s, size_t len, bool quote)
{
	size_t n = strlen(list);
	int w;

	if (n >= LIST_MAX - 8)
		return;
	w = snprintf(list + n, LIST_MAX - n, "%s%s%.*s%s", n ? ", " : "",
	    quote ? "\"" : "", (int)len, s, quote ? "\"" : "");
	if (w < 0 || (size_t)w >= LIST_MAX - n)
		strcpy(list + LIST_MAX - 5, "...");
}

/*
 * Maps names[0..n) (trimmed, then matched) to specs.  An empty name is an
 * error in a header and skips a field in --columns.
 */
static bool
map_fields(const struct tsm_field *names, int n, bool empty_skips,
    const struct tsm_colspec *specs, int nspecs, int *map)
{
	char unknown[LIST_MAX] = "", missing[LIST_MAX] = "", all[LIST_MAX] = "";
	int nunknown = 0, nmissing = 0;

	for (int j = 0; j < nspecs; j++)
		map[j] = -1;
	for (int i = 0; i < n; i++) {
		size_t len = names[i].len;
		const char *s = trim(names[i].s, &len);
		int j;

		if (len == 0) {
			if (empty_skips)
				continue;
			tsm_error("column %d of the header has no name", i + 1);
			return false;
		}
		list_add(all, s, len, false);
		j = spec_for(s, len, specs, nspecs);
		if (j < 0) {
			list_add(unknown, s, len, true);
			nunknown++;
		} else if (map[j] >= 0) {
			size_t plen = names[map[j]].len;
			const char *p = trim(names[map[j]].s, &plen);

			tsm_error("columns \"%.*s\" and \"%.*s\" both name \"%s\"",
			    (int)plen, p, (int)len, s, specs[j].name);
			return false;
		} else {
			map[j] = i;
		}
	}
	for (int j = 0; j < nspecs; j++) {
		if (specs[j].required && map[j] < 0) {
			list_add(missing, specs[j].name, strlen(specs[j].name),
			    true);
			nmissing++;
		}
	}
	if (nmissing > 0) {
		tsm_error("no column%s for %s: the %s has %s",
		    nmissing > 1 ? "s" : "", missing,
		    empty_skips ? "column list" : "header",
		    all[0] ? all : "no names");
		return false;
	}
	if (nunknown > 0)
		tsm_info("ignoring column%s %s", nunknown > 1 ? "s" : "", unknown);
	return true;
}

bool
tsm_csv_map_header(const struct tsm_record *rec,
    const struct tsm_colspec *specs, int nspecs, int *map)
{
	return map_fields(rec->fields, rec->nfields, false, specs, nspecs, map);
}

bool
tsm_csv_map_names(const char *columns, const struct tsm_colspec *specs,
    int nspecs, int *map, int *nfields_out)
{
	struct tsm_field *names;
	const char *p = columns;
	int n = 1;
	bool ok;

	for (const char *c = columns; *c; c++)
		if (*c == ',')
			n++;
	names = calloc((size_t)n, sizeof(*names));
	if (names == NULL) {
		tsm_error("out of memory");
		return false;
	}
	for (int i = 0; i < n; i++) {
		size_t len = strcspn(p, ",");

		names[i].s = p;
		names[i].len = len;
		p += len + (p[len] == ',');
	}
	ok = map_fields(names, n, true, specs, nspecs, map);
	free(names);
	if (ok)
		*nfields_out = n;
	return ok;
}
