/*
 * btopts.h: reading tsm-backtest's numeric option values: rates ("0.001",
 * "0.1%"), percents ("2", "2%"), basis points, money, periods.
 *
 * Each returns false with *why a static reason that follows the quoted
 * value ("\"abc\" is not a number", "\"-1\" must be positive").
 */
#ifndef TSM_BTOPTS_H
#define TSM_BTOPTS_H

#include <stdbool.h>

#include "age.h"

/* A rate as a fraction: "0.001" or "0.1%"; 0 <= rate < max. */
bool tsm_parse_rate(const char *s, double max, double *out,
    const char **why);

/* A percent as a fraction: "2" or "2%" is 0.02; 0 < pct < 100. */
bool tsm_parse_percent(const char *s, double *out, const char **why);

/* A positive finite number (capital, units, a step). */
bool tsm_parse_positive(const char *s, double *out, const char **why);

/* A number >= 0 (fees in cash, basis points). */
bool tsm_parse_nonneg(const char *s, double *out, const char **why);

/* A whole number from 1 to max (periods, jobs). */
bool tsm_parse_count(const char *s, long max, long *out, const char **why);

/*
 * Reads --walk-forward's "train=AGE,test=AGE"; a usage error (reported)
 * returns false.
 */
bool tsm_parse_walk_forward(const char *arg, struct tsm_age *train,
    struct tsm_age *test);

#endif
