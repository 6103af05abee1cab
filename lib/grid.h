/*
 * grid.h: parameter grids and constraints for optimisation.
 *
 * A grid names values for some of a strategy's parameters:
 * "fast=5:50:5,slow=20,50,100" is fast from 5 to 50 by 5 (both ends
 * included; the step is 1 when left out) and slow 20, 50 or 100 (a bare
 * value after a comma continues the list of the parameter before it).
 * Constraints compare arithmetic over parameters and numbers:
 * "fast<slow", "slow>=2*fast", "upper-lower>=20"; with + - * / and
 * parentheses, and < <= > >= == != between two sides.
 */
#ifndef TSM_GRID_H
#define TSM_GRID_H

#include <stdbool.h>
#include <stddef.h>

#include "strategy.h"

/* The most parameter sets a grid may hold. */
#define TSM_GRID_MAX 1000000

struct tsm_grid {
	const struct tsm_strategy_def *def;
	int np;				/* parameters in the grid */
	int index[TSM_STRAT_MAXPARAMS];	/* which */
	double *values[TSM_STRAT_MAXPARAMS];
	size_t nvalues[TSM_STRAT_MAXPARAMS];
};

/*
 * Parses spec for def's parameters.  A usage error (reported: "--grid:
 * rsi has no parameter \"fast\"", "--grid: \"5:1\" runs backwards")
 * returns false.  Free with tsm_grid_free.
 */
bool tsm_grid_parse(const char *spec, const struct tsm_strategy_def *def,
    struct tsm_grid *g);

void tsm_grid_free(struct tsm_grid *g);

struct tsm_constraint;

/* Parses expr; a usage error returns NULL.  Free with free(). */
struct tsm_constraint *tsm_constraint_parse(const char *expr,
    const struct tsm_strategy_def *def);

/* True when st satisfies c. */
bool tsm_constraint_holds(const struct tsm_constraint *c,
    const struct tsm_strategy *st);

/*
 * The parameter sets of the grid, base giving the parameters the grid
 * leaves out, that satisfy every constraint and the strategy's own rule
 * (fast below slow).  *sets is malloc'd (the caller frees it), ordered
 * with the last parameter varying slowest, so that runs next to each
 * other share indicators.  *invalid counts sets dropped by the
 * strategy's rule.  False after reporting "out of memory".
 */
bool tsm_grid_expand(const struct tsm_grid *g, const struct tsm_strategy *base,
    struct tsm_constraint *const *cons, int ncons, struct tsm_strategy **sets,
    size_t *nsets, size_t *invalid);

/* The number of sets before constraints. */
double tsm_grid_size(const struct tsm_grid *g);

#endif
