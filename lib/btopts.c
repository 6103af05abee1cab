/*
 * btopts.c: numeric option values with a reason when refused.
 */
#include <stdio.h>
#include <string.h>

#include "btopts.h"
#include "log.h"
#include "num.h"

/* Parses s, with an optional final '%' that divides by 100. */
static bool
number(const char *s, bool *pct, double *out, const char **why)
{
	size_t len = strlen(s);

	*pct = len > 0 && s[len - 1] == '%';
	if (*pct)
		len--;
	if (!tsm_parse_double(s, len, out, why))
		return false;
	if (*pct)
		*out /= 100;
	return true;
}

bool
tsm_parse_rate(const char *s, double max, double *out, const char **why)
{
	bool pct;

	if (!number(s, &pct, out, why))
		return false;
	if (*out < 0) {
		*why = "must not be negative";
		return false;
	}
	if (*out >= max) {
		*why = max == 1 ? "must be below 1 (100%)" :
		    "must be below 0.1 (10%)";
		return false;
	}
	return true;
}

bool
tsm_parse_percent(const char *s, double *out, const char **why)
{
	bool pct;

	if (!number(s, &pct, out, why))
		return false;
	if (!pct)
		*out /= 100;
	if (!(*out > 0) || !(*out < 1)) {
		*why = "must be a percent above 0 and below 100";
		return false;
	}
	return true;
}

bool
tsm_parse_positive(const char *s, double *out, const char **why)
{
	if (!tsm_parse_double(s, strlen(s), out, why))
		return false;
	if (!(*out > 0)) {
		*why = "must be positive";
		return false;
	}
	return true;
}

bool
tsm_parse_nonneg(const char *s, double *out, const char **why)
{
	if (!tsm_parse_double(s, strlen(s), out, why))
		return false;
	if (*out < 0) {
		*why = "must not be negative";
		return false;
	}
	return true;
}

bool
tsm_parse_count(const char *s, long max, long *out, const char **why)
{
	int64_t v;

	if (!tsm_parse_int64(s, strlen(s), &v, why)) {
		*why = "is not a whole number";
		return false;
	}
	if (v < 1 || v > max) {
		*why = "is out of range";
		return false;
	}
	*out = (long)v;
	return true;
}

bool
tsm_parse_walk_forward(const char *arg, struct tsm_age *train,
    struct tsm_age *test)
{
	char buf[128], *tr, *te, *comma;
	const char *why;

	snprintf(buf, sizeof(buf), "%s", arg);
	comma = strchr(buf, ',');
	if (comma == NULL || strncmp(buf, "train=", 6) != 0 ||
	    strncmp(comma + 1, "test=", 5) != 0) {
		tsm_usage_error("--walk-forward takes train=AGE,test=AGE, such "
		    "as train=90d,test=30d, not \"%s\"", arg);
		return false;
	}
	*comma = '\0';
	tr = buf + 6;
	te = comma + 6;
	if (!tsm_parse_age(tr, train, &why)) {
		tsm_usage_error("--walk-forward: train \"%s\" %s", tr, why);
		return false;
	}
	if (!tsm_parse_age(te, test, &why)) {
		tsm_usage_error("--walk-forward: test \"%s\" %s", te, why);
		return false;
	}
	return true;
}
