/*
 * query_args.c: what the operands of tsm-query's commands must be,
 * checked before connecting: the views of sentiment and flows, the
 * indicators' specs, a backtest run's ID.
 */
#include <stdint.h>
#include <string.h>

#include "indicators.h"
#include "log.h"
#include "num.h"
#include "query.h"

/* The indicators named after the symbol, checked before connecting. */
static bool
parse_specs(struct tsm_qargs *a)
{
	static struct tsm_ind_spec specs[32];
	const char *why;

	if (a->nargs - 1 > 32) {
		tsm_usage_error("at most 32 indicators at once, not %d",
		    a->nargs - 1);
		return false;
	}
	for (int i = 1; i < a->nargs; i++) {
		struct tsm_ind_spec *s = &specs[i - 1];

		if (!tsm_ind_parse(a->args[i], s, &why)) {
			tsm_usage_error("indicator \"%s\" %s", a->args[i], why);
			return false;
		}
		for (int k = 0; k < i - 1; k++)
			if (strcmp(specs[k].out[0], s->out[0]) == 0) {
				tsm_usage_error("indicator \"%s\" is given twice",
				    a->args[i]);
				return false;
			}
	}
	a->specs = specs;
	a->nspecs = a->nargs - 1;
	return true;
}

bool
tsm_q_check_args(const char *command, struct tsm_qargs *a)
{
	if (strcmp(command, "sentiment") == 0 && a->nargs == 2) {
		static const char *const views[] = { "raw", "trend",
		    "by-source", "distribution", "latest" };
		bool ok = false;

		for (int i = 0; i < 5; i++)
			ok = ok || strcmp(a->args[1], views[i]) == 0;
		if (!ok) {
			tsm_usage_error("unknown view \"%s\" of sentiment: raw, "
			    "trend, by-source, distribution or latest",
			    a->args[1]);
			return false;
		}
	}
	if (strcmp(command, "flows") == 0) {
		static const char *const views[] = { "history", "net",
		    "whales", "by-exchange", "velocity" };
		const char *view = a->nargs == 2 ? a->args[1] : "history";
		bool ok = false;

		for (int i = 0; i < 5; i++)
			ok = ok || strcmp(view, views[i]) == 0;
		if (!ok) {
			tsm_usage_error("unknown view \"%s\" of flows: history, "
			    "net, whales, by-exchange or velocity", view);
			return false;
		}
		if ((strcmp(view, "whales") == 0) != (a->min_amount != NULL)) {
			tsm_usage_error(a->min_amount ? "--min-amount is for "
			    "flows ASSET whales" : "flows ASSET whales needs "
			    "--min-amount, such as --min-amount 100");
			return false;
		}
	}
	if (strcmp(command, "indicators") == 0 && !parse_specs(a))
		return false;
	if (strcmp(command, "backtests") == 0) {
		int64_t id;
		const char *why;

		if (a->nargs == 1 && (!tsm_parse_int64(a->args[0],
		    strlen(a->args[0]), &id, &why) || id < 1)) {
			tsm_usage_error("backtests takes the ID of a run, a whole "
			    "number from 1, not \"%s\"", a->args[0]);
			return false;
		}
		if (a->trades_only && a->nargs == 0) {
			tsm_usage_error("--trades needs the ID of a run");
			return false;
		}
	}
	return true;
}
