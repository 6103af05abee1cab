/*
 * tsm-compress: the storage life cycle of tsm's series: compression,
 * decompression for backfills, retention, aggregate refresh and their
 * policies, with sizes before and after.
 *
 * One subcommand per run.  Work that changes data goes chunk by chunk
 * (partition by partition), each in its own transaction, under an
 * advisory lock, so that it can be interrupted, resumed and run from cron
 * without two runs getting in each other's way.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "age.h"
#include "cancel.h"
#include "cliopt.h"
#include "compress.h"
#include "conn.h"
#include "db.h"
#include "init.h"
#include "log.h"
#include "out.h"
#include "timeparse.h"

static void
help(void)
{
	printf("tsm-compress compresses, decompresses, drops and refreshes "
	    "tsm's series.\n\n");
	printf("Usage:\n");
	printf("  tsm-compress status [OPTION]... [KIND]...\n");
	printf("  tsm-compress run [OPTION]... [--older-than=AGE] [KIND]...\n");
	printf("  tsm-compress decompress [OPTION]... --from=TIME --to=TIME "
	    "[KIND]...\n");
	printf("  tsm-compress retention [OPTION]... [--older-than=AGE] "
	    "[KIND]...\n");
	printf("  tsm-compress refresh [OPTION]... [--from=TIME] [--to=TIME] "
	    "[AGGREGATE]...\n");
	printf("  tsm-compress policy [show]\n");
	printf("  tsm-compress policy add|change compression|retention KIND "
	    "AGE\n");
	printf("  tsm-compress policy add|change refresh AGGREGATE AGE\n");
	printf("  tsm-compress policy remove compression|retention|refresh "
	    "TARGET\n");
	printf("\nOptions:\n");
	printf("      --dry-run            list what would be done, change "
	    "nothing\n");
	printf("      --end-offset=AGE     refresh policy: leave out the newest "
	    "AGE\n");
	printf("  -F, --format=FORMAT      table (default), csv, tsv or json\n");
	printf("      --from=TIME          start of the range, included\n");
	printf("      --lock-timeout=AGE   skip a chunk whose lock takes longer\n");
	printf("      --older-than=AGE     whole chunks whose data is older than "
	    "AGE\n");
	printf("  -q, --quiet              say nothing but errors\n");
	printf("      --schedule=AGE       refresh policy: how often it runs\n");
	printf("  -t, --no-header          no header rows or section titles\n");
	printf("      --to=TIME            end of the range, left out\n");
	printf("      --wait               wait for another run instead of "
	    "leaving\n");
	printf("  -V, --version            output version information, then "
	    "exit\n");
	printf("  -?, --help               show this help, then exit\n");
	printf("%s", TSM_CONN_HELP);
	printf("\nKinds: %s.\n", tsm_init_kind_list());
	printf("Ages: a whole number and a unit, s m h d w M y: 7d, 12h, 3M.\n");
	printf("Times: ISO 8601 (UTC unless an offset is given) or epoch "
	    "numbers.\n");
	printf("\nExit status: 0 done (or another run was at work), 1 failed, "
	    "2 usage,\n3 no connection, 130 interrupted.\n");
}

enum {
	OPT_DRYRUN = 0x100, OPT_END_OFFSET, OPT_FROM, OPT_LOCK_TIMEOUT,
	OPT_OLDER, OPT_SCHEDULE, OPT_TO, OPT_WAIT
};

/* What the command line asked for. */
struct args {
	const char *cmd;
	char older_than[64], end_offset[64], schedule[64], lock_ms[32];
	char from[TSM_TIME_BUFSZ], to[TSM_TIME_BUFSZ];
	int64_t from_t, to_t;
	bool has_older, has_end, has_schedule, has_lock, has_from, has_to;
	bool dry_run, wait;
	char **operands;
	int noperands;
};

/* Parses an age option into interval text; false after a usage error. */
static bool
age_option(const char *opt, const char *arg, char *out, size_t outsz,
    bool no_months)
{
	struct tsm_age a;
	const char *why;

	if (!tsm_parse_age(arg, &a, &why)) {
		tsm_usage_error("%s: \"%s\" %s", opt, arg, why);
		return false;
	}
	if (no_months && a.months != 0) {
		tsm_usage_error("%s: \"%s\": give seconds, minutes, hours, days "
		    "or weeks, not months or years", opt, arg);
		return false;
	}
	tsm_age_to_pg(&a, out, outsz);
	return true;
}

/* Parses a time option into ISO 8601 text; false after a usage error. */
static bool
time_option(const char *opt, const char *arg, char *out, int64_t *t)
{
	const char *why;

	if (!tsm_parse_time(arg, strlen(arg), NULL, t, &why)) {
		tsm_usage_error("--%s: \"%s\" %s", opt, arg, why);
		return false;
	}
	tsm_format_time(*t, out);
	return true;
}

/* Refuses an option that the subcommand does not take. */
static bool
only_for(const struct args *a, bool given, const char *opt,
    const char *const *cmds)
{
	if (!given)
		return true;
	for (; *cmds; cmds++)
		if (strcmp(a->cmd, *cmds) == 0)
			return true;
	tsm_usage_error("%s is not an option of %s", opt, a->cmd);
	return false;
}

/* Checks the operands of status, run, decompress and retention: kinds. */
static bool
check_kinds(struct args *a)
{
	for (int i = 0; i < a->noperands; i++)
		if (tsm_init_kind_index(a->operands[i]) < 0) {
			tsm_usage_error("unknown kind \"%s\"", a->operands[i]);
			tsm_hint("kinds are %s", tsm_init_kind_list());
			return false;
		}
	return true;
}

/* Checks the operands of policy; fills verb, type, target and age. */
static bool
check_policy(struct args *a, const char **verb, const char **type,
    const char **target, char *age, size_t agesz)
{
	int n = a->noperands;
	char **op = a->operands;

	*verb = n > 0 ? op[0] : "show";
	*type = *target = NULL;
	if (strcmp(*verb, "show") == 0) {
		if (n > 1) {
			tsm_usage_error("unexpected argument \"%s\"", op[1]);
			return false;
		}
	} else if (strcmp(*verb, "add") == 0 || strcmp(*verb, "change") == 0 ||
	    strcmp(*verb, "remove") == 0) {
		int want = strcmp(*verb, "remove") == 0 ? 3 : 4;

		if (n < want) {
			tsm_usage_error("policy %s takes %s", *verb, want == 3 ?
			    "TYPE TARGET" : "TYPE TARGET AGE");
			return false;
		}
		if (n > want) {
			tsm_usage_error("unexpected argument \"%s\"", op[want]);
			return false;
		}
		*type = op[1];
		*target = op[2];
		if (strcmp(*type, "compression") != 0 &&
		    strcmp(*type, "retention") != 0 &&
		    strcmp(*type, "refresh") != 0) {
			tsm_usage_error("unknown policy \"%s\": compression, "
			    "retention or refresh", *type);
			return false;
		}
		if (strcmp(*type, "refresh") != 0 &&
		    tsm_init_kind_index(*target) < 0) {
			tsm_usage_error("unknown kind \"%s\"", *target);
			tsm_hint("kinds are %s", tsm_init_kind_list());
			return false;
		}
		if (want == 4 && !age_option("policy AGE", op[3], age, agesz, false))
			return false;
	} else {
		tsm_usage_error("unknown policy action \"%s\": show, add, change "
		    "or remove", *verb);
		return false;
	}
	if ((a->has_end || a->has_schedule) && (*type == NULL ||
	    strcmp(*type, "refresh") != 0 || strcmp(*verb, "remove") == 0)) {
		tsm_usage_error("--%s is for policy add or change refresh",
		    a->has_end ? "end-offset" : "schedule");
		return false;
	}
	return true;
}

/* Checks what each subcommand needs; false after a usage error. */
static bool
check_args(struct args *a)
{
	static const char *const ranged[] = { "decompress", "refresh", NULL };
	static const char *const aged[] = { "run", "retention", NULL };
	static const char *const working[] = { "run", "decompress",
		"retention", "refresh", NULL };
	static const char *const locking[] = { "run", "decompress",
		"retention", NULL };
	static const char *const policy[] = { "policy", NULL };
	static const char *const cmds[] = { "status", "run", "decompress",
		"retention", "refresh", "policy", NULL };
	bool known = false;

	for (const char *const *c = cmds; *c; c++)
		known = known || strcmp(a->cmd, *c) == 0;
	if (!known) {
		tsm_usage_error("unknown command \"%s\": status, run, decompress, "
		    "retention, refresh or policy", a->cmd);
		return false;
	}
	if (!only_for(a, a->has_from, "--from", ranged) ||
	    !only_for(a, a->has_to, "--to", ranged) ||
	    !only_for(a, a->has_older, "--older-than", aged) ||
	    !only_for(a, a->dry_run, "--dry-run", working) ||
	    !only_for(a, a->wait, "--wait", working) ||
	    !only_for(a, a->has_lock, "--lock-timeout", locking) ||
	    !only_for(a, a->has_end, "--end-offset", policy) ||
	    !only_for(a, a->has_schedule, "--schedule", policy))
		return false;
	if (strcmp(a->cmd, "decompress") == 0 && (!a->has_from || !a->has_to)) {
		tsm_usage_error("decompress needs --from and --to");
		return false;
	}
	if (a->has_from && a->has_to && a->from_t >= a->to_t) {
		tsm_usage_error("--from %s is not before --to %s", a->from, a->to);
		return false;
	}
	if (strcmp(a->cmd, "retention") == 0 && a->has_older &&
	    a->noperands == 0) {
		tsm_usage_error("retention --older-than drops data: name the "
		    "kinds it applies to");
		return false;
	}
	if (strcmp(a->cmd, "refresh") == 0 || strcmp(a->cmd, "policy") == 0)
		return true;
	return check_kinds(a);
}

/* Server warnings in the tool's own words (libpq would print them raw). */
static void
on_notice(void *arg, const PGresult *res)
{
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	(void)arg;
	if (primary != NULL)
		tsm_warning("%s", primary);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		TSM_CONN_LONGOPTS,
		{ "dry-run", no_argument, NULL, OPT_DRYRUN },
		{ "end-offset", required_argument, NULL, OPT_END_OFFSET },
		{ "format", required_argument, NULL, 'F' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT },
		{ "no-header", no_argument, NULL, 't' },
		{ "older-than", required_argument, NULL, OPT_OLDER },
		{ "quiet", no_argument, NULL, 'q' },
		{ "schedule", required_argument, NULL, OPT_SCHEDULE },
		{ "to", required_argument, NULL, OPT_TO },
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ NULL, 0, NULL, 0 }
	};
	struct tsm_conn_opts co;
	struct tsm_compress cx;
	struct tsm_compress_range r;
	struct args a;
	const char *verb = NULL, *type = NULL, *target = NULL;
	char age[64] = "";
	PGconn *conn;
	int c, status;
	bool ok;

	tsm_log_init(argv[0]);
	tsm_conn_opts_init(&co);
	memset(&a, 0, sizeof(a));
	memset(&cx, 0, sizeof(cx));
	memset(&r, 0, sizeof(r));
	cx.format = TSM_FMT_TABLE;
	cx.header = true;

	if (tsm_help_or_version(argc, argv, help))
		return TSM_EXIT_OK;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" TSM_CONN_SHORTOPTS "F:qt",
	    longopts, NULL)) != -1) {
		if (tsm_conn_option(&co, c, optarg))
			continue;
		switch (c) {
		case OPT_DRYRUN:
			a.dry_run = true;
			break;
		case OPT_END_OFFSET:
			if (!age_option("--end-offset", optarg, a.end_offset,
			    sizeof(a.end_offset), false))
				return TSM_EXIT_USAGE;
			a.has_end = true;
			break;
		case 'F':
			if (!tsm_format_parse(optarg, &cx.format)) {
				tsm_usage_error("-F takes csv, tsv, table or json, "
				    "not \"%s\"", optarg);
				return TSM_EXIT_USAGE;
			}
			break;
		case OPT_FROM:
			if (!time_option("from", optarg, a.from, &a.from_t))
				return TSM_EXIT_USAGE;
			a.has_from = true;
			break;
		case OPT_LOCK_TIMEOUT: {
			struct tsm_age l;
			const char *why;

			if (!tsm_parse_age(optarg, &l, &why)) {
				tsm_usage_error("--lock-timeout: \"%s\" %s", optarg,
				    why);
				return TSM_EXIT_USAGE;
			}
			if (l.months != 0 || l.usecs > INT64_C(2147483647) * 1000) {
				tsm_usage_error("--lock-timeout: \"%s\" is too long: "
				    "at most 24 days", optarg);
				return TSM_EXIT_USAGE;
			}
			snprintf(a.lock_ms, sizeof(a.lock_ms), "%lld",
			    (long long)(l.usecs / 1000 > 0 ? l.usecs / 1000 : 1));
			a.has_lock = true;
			break;
		}
		case OPT_OLDER:
			if (!age_option("--older-than", optarg, a.older_than,
			    sizeof(a.older_than), false))
				return TSM_EXIT_USAGE;
			a.has_older = true;
			break;
		case 'q':
			tsm_quiet = true;
			break;
		case OPT_SCHEDULE:
			if (!age_option("--schedule", optarg, a.schedule,
			    sizeof(a.schedule), false))
				return TSM_EXIT_USAGE;
			a.has_schedule = true;
			break;
		case 't':
			cx.header = false;
			break;
		case OPT_TO:
			if (!time_option("to", optarg, a.to, &a.to_t))
				return TSM_EXIT_USAGE;
			a.has_to = true;
			break;
		case OPT_WAIT:
			a.wait = true;
			break;
		default:
			tsm_bad_option(c, argv, longopts);
			return TSM_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		tsm_usage_error("no command given: status, run, decompress, "
		    "retention, refresh or policy");
		return TSM_EXIT_USAGE;
	}
	a.cmd = argv[optind];
	a.operands = argv + optind + 1;
	a.noperands = argc - optind - 1;
	if (!check_args(&a))
		return TSM_EXIT_USAGE;
	if (strcmp(a.cmd, "policy") == 0 &&
	    !check_policy(&a, &verb, &type, &target, age, sizeof(age)))
		return TSM_EXIT_USAGE;
	if (!tsm_schema_name_ok(co.schema))
		return TSM_EXIT_USAGE;

	cx.dry_run = a.dry_run;
	cx.wait = a.wait;
	cx.lock_timeout = a.has_lock ? a.lock_ms : NULL;
	r.older_than = a.has_older ? a.older_than : NULL;
	r.from = a.has_from ? a.from : NULL;
	r.to = a.has_to ? a.to : NULL;
	r.end_offset = a.has_end ? a.end_offset : NULL;
	r.schedule = a.has_schedule ? a.schedule : NULL;

	tsm_cancel_init();
	conn = tsm_connect(&co);
	if (conn == NULL)
		return TSM_EXIT_CONNECT;
	PQsetNoticeReceiver(conn, on_notice, NULL);
	if (!tsm_compress_open(&cx, conn, co.schema))
		ok = false;
	else if (strcmp(a.cmd, "status") == 0)
		ok = tsm_compress_status(&cx, (const char *const *)a.operands);
	else if (strcmp(a.cmd, "run") == 0)
		ok = tsm_compress_run(&cx, (const char *const *)a.operands, &r);
	else if (strcmp(a.cmd, "decompress") == 0)
		ok = tsm_compress_decompress(&cx,
		    (const char *const *)a.operands, &r);
	else if (strcmp(a.cmd, "retention") == 0)
		ok = tsm_compress_retention(&cx,
		    (const char *const *)a.operands, &r);
	else if (strcmp(a.cmd, "refresh") == 0)
		ok = tsm_compress_refresh(&cx, (const char *const *)a.operands,
		    &r);
	else
		ok = tsm_compress_policy(&cx, verb, type, target,
		    verb && strcmp(verb, "remove") == 0 ? NULL : age[0] ? age :
		    NULL, &r);
	status = ok ? TSM_EXIT_OK : tsm_exit_status(conn);
	tsm_compress_close(&cx);
	tsm_disconnect(conn);
	return status;
}
