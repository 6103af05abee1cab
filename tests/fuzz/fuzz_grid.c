/*
 * fuzz_grid.c: parameter grids and constraints of tsm-backtest (grid.h).
 *
 * The first byte chooses a strategy; the rest is a grid spec, then after
 * a NUL byte any number of constraints separated by NUL bytes.
 * Properties, beyond no crash and no leak:
 *  - a grid parsed names each parameter once, in the strategy's order,
 *    with at least one value each, every value allowed for its
 *    parameter, and tsm_grid_size is the product of the counts;
 *  - expanded (when small enough), every set kept satisfies every
 *    constraint and the strategy's own rule, holds only the grid's values
 *    and the base's, and kept plus dropped never exceeds the grid's size;
 *  - a constraint parsed evaluates on any set without crashing.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "grid.h"
#include "strategy.h"

static const char *const strategies[] = {
	"sma-cross", "ema-cross", "rsi", "bbands", "macd", "buy-hold",
};
#define NSTRAT (sizeof(strategies) / sizeof(strategies[0]))
#define MAXCONS 4

static bool
in_values(const struct tsm_grid *g, int slot, double v)
{
	for (size_t i = 0; i < g->nvalues[slot]; i++)
		if (g->values[slot][i] == v)
			return true;
	return false;
}

static void
check_grid(const struct tsm_grid *g, const struct tsm_strategy_def *def)
{
	double size = 1;
	const char *why;

	FUZZ_CHECK(g->np >= 1 && g->np <= def->nparams,
	    "%d parameters in a grid of %s", g->np, def->name);
	for (int j = 0; j < g->np; j++) {
		FUZZ_CHECK(g->index[j] >= 0 && g->index[j] < def->nparams,
		    "slot %d names parameter %d", j, g->index[j]);
		FUZZ_CHECK(j == 0 || g->index[j - 1] < g->index[j],
		    "slots out of order or named twice");
		FUZZ_CHECK(g->nvalues[j] >= 1, "a parameter without values");
		for (size_t i = 0; i < g->nvalues[j]; i++)
			FUZZ_CHECK(tsm_strategy_check_value(def, g->index[j],
			    g->values[j][i], &why), "value %g of %s: %s",
			    g->values[j][i], def->params[g->index[j]].name, why);
		size *= (double)g->nvalues[j];
	}
	FUZZ_CHECK(tsm_grid_size(g) == size, "size %g, not %g",
	    tsm_grid_size(g), size);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct tsm_strategy_def *def;
	struct tsm_constraint *cons[MAXCONS];
	struct tsm_strategy base, *sets = NULL;
	struct tsm_grid g;
	char *text, *p, *end;
	int ncons = 0;
	size_t nsets, invalid;

	if (size < 1)
		return 0;
	def = tsm_strategy_find(strategies[data[0] % NSTRAT]);
	FUZZ_CHECK(def != NULL, "no strategy %s", strategies[data[0] % NSTRAT]);
	/* A copy whose NUL bytes split the spec from the constraints. */
	text = malloc(size);
	if (text == NULL)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	end = text + size - 1;
	tsm_strategy_init(&base, def);
	for (p = text + strlen(text) + 1; p < end && ncons < MAXCONS;
	    p += strlen(p) + 1) {
		struct tsm_constraint *c = tsm_constraint_parse(p, def);

		if (c == NULL)
			continue;
		(void)tsm_constraint_holds(c, &base);
		cons[ncons++] = c;
	}
	if (tsm_grid_parse(text, def, &g)) {
		check_grid(&g, def);
		if (tsm_grid_size(&g) <= 20000 &&
		    tsm_grid_expand(&g, &base, cons, ncons, &sets, &nsets,
		    &invalid)) {
			FUZZ_CHECK(nsets + invalid <= (size_t)tsm_grid_size(&g),
			    "%zu kept and %zu invalid of %g", nsets, invalid,
			    tsm_grid_size(&g));
			for (size_t s = 0; s < nsets; s++) {
				const char *why;

				for (int k = 0; k < ncons; k++)
					FUZZ_CHECK(tsm_constraint_holds(cons[k],
					    &sets[s]), "a set breaks constraint %d",
					    k);
				FUZZ_CHECK(tsm_strategy_check(&sets[s], &why),
				    "a set breaks the strategy's rule: %s", why);
				for (int k = 0; k < def->nparams; k++) {
					int slot = -1;

					for (int j = 0; j < g.np; j++)
						if (g.index[j] == k)
							slot = j;
					FUZZ_CHECK(slot >= 0 ?
					    in_values(&g, slot, sets[s].p[k]) :
					    sets[s].p[k] == base.p[k],
					    "parameter %d of a set is %g", k,
					    sets[s].p[k]);
				}
			}
			free(sets);
		}
		tsm_grid_free(&g);
	}
	for (int k = 0; k < ncons; k++)
		free(cons[k]);
	free(text);
	return 0;
}
