/*
 * tsm-init: create and upgrade tsm's schema, choose the backend, set
 * storage policies and roles, and report health.
 *
 * The schema is the numbered files of sql/, applied in order, each in its
 * own transaction and recorded in schema_migrations; running tsm-init
 * again applies what is missing and changes nothing else.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "age.h"
#include "cancel.h"
#include "cliopt.h"
#include "conn.h"
#include "db.h"
#include "init.h"
#include "log.h"
#include "out.h"
#include "schema.h"
#include "sqlfiles.h"

static void
help(void)
{
	printf("tsm-init creates and upgrades tsm's schema and reports its "
	    "health.\n\n");
	printf("Usage:\n  tsm-init [OPTION]...\n\n");
	printf("Options:\n");
	printf("      --backend=NAME       auto (default), timescaledb or "
	    "native\n");
	printf("      --chunk-interval=KIND=AGE\n"
	    "                           chunk or partition width of a kind\n");
	printf("      --compress-after=AGE compress data older than AGE\n");
	printf("      --dry-run            print the SQL, change nothing\n");
	printf("  -F, --format=FORMAT      --status as table (default), csv, "
	    "tsv, json\n");
	printf("  -q, --quiet              say nothing on success\n");
	printf("      --retention=KIND=AGE drop data of KIND older than AGE\n");
	printf("      --roles              create the reader and writer "
	    "roles\n");
	printf("      --status             report health; exit 1 if behind\n");
	printf("  -t, --no-header          --status without header rows\n");
	printf("      --target-version=N   upgrade only up to version N\n");
	printf("  -V, --version            output version information, then "
	    "exit\n");
	printf("  -?, --help               show this help, then exit\n");
	printf("%s", TSM_CONN_HELP);
	printf("\nKinds: candles ticks greeks sentiment flows metrics "
	    "indicators.\n");
	printf("Ages: a whole number and a unit, s m h d w M y: 7d, 12h, "
	    "3M.\n");
	printf("\nExit status: 0 done, 1 failed or behind, 2 usage, 3 no "
	    "connection.\n");
}

enum {
	OPT_BACKEND = 0x100, OPT_CHUNK, OPT_COMPRESS, OPT_DRYRUN,
	OPT_RETENTION, OPT_ROLES, OPT_STATUS, OPT_TARGET
};

/* Parses "KIND=AGE" into the kind's slot of ages; false on a bad one. */
static bool
parse_kind_age(const char *opt, const char *arg, struct tsm_age *ages,
    bool *set, bool no_months)
{
	const char *eq = strchr(arg, '=');
	const char *why;
	char kind[32];
	int k;

	if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof(kind)) {
		tsm_usage_error("--%s takes KIND=AGE, such as candles=7d, not "
		    "\"%s\"", opt, arg);
		return false;
	}
	memcpy(kind, arg, (size_t)(eq - arg));
	kind[eq - arg] = '\0';
	k = tsm_init_kind_index(kind);
	if (k < 0) {
		tsm_usage_error("--%s: unknown kind \"%s\"", opt, kind);
		tsm_hint("kinds are %s", tsm_init_kind_list());
		return false;
	}
	if (!tsm_parse_age(eq + 1, &ages[k], &why)) {
		tsm_usage_error("--%s: \"%s\" %s", opt, eq + 1, why);
		return false;
	}
	if (no_months && ages[k].months != 0) {
		tsm_usage_error("--%s: \"%s\": give a chunk interval in "
		    "minutes, hours, days or weeks, not months or years", opt,
		    eq + 1);
		return false;
	}
	set[k] = true;
	return true;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		TSM_CONN_LONGOPTS,
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "chunk-interval", required_argument, NULL, OPT_CHUNK },
		{ "compress-after", required_argument, NULL, OPT_COMPRESS },
		{ "dry-run", no_argument, NULL, OPT_DRYRUN },
		{ "format", required_argument, NULL, 'F' },
		{ "no-header", no_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "retention", required_argument, NULL, OPT_RETENTION },
		{ "roles", no_argument, NULL, OPT_ROLES },
		{ "status", no_argument, NULL, OPT_STATUS },
		{ "target-version", required_argument, NULL, OPT_TARGET },
		{ NULL, 0, NULL, 0 }
	};
	struct tsm_conn_opts co;
	struct tsm_init_opts io;
	const char *why;
	PGconn *conn;
	int c, status;

	tsm_log_init(argv[0]);
	tsm_conn_opts_init(&co);
	memset(&io, 0, sizeof(io));
	io.backend = "auto";
	io.format = TSM_FMT_TABLE;
	io.header = true;

	if (tsm_help_or_version(argc, argv, help))
		return TSM_EXIT_OK;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" TSM_CONN_SHORTOPTS "F:qt",
	    longopts, NULL)) != -1) {
		if (tsm_conn_option(&co, c, optarg))
			continue;
		switch (c) {
		case OPT_BACKEND:
			if (strcmp(optarg, "auto") != 0 &&
			    strcmp(optarg, "timescaledb") != 0 &&
			    strcmp(optarg, "native") != 0) {
				tsm_usage_error("--backend takes auto, "
				    "timescaledb or native, not \"%s\"", optarg);
				return TSM_EXIT_USAGE;
			}
			io.backend = optarg;
			break;
		case OPT_CHUNK:
			if (!parse_kind_age("chunk-interval", optarg, io.chunk,
			    io.chunk_set, true))
				return TSM_EXIT_USAGE;
			break;
		case OPT_COMPRESS:
			if (!tsm_parse_age(optarg, &io.compress_after, &why)) {
				tsm_usage_error("--compress-after: \"%s\" %s",
				    optarg, why);
				return TSM_EXIT_USAGE;
			}
			io.compress_set = true;
			break;
		case OPT_DRYRUN:
			io.dry_run = true;
			break;
		case 'F':
			if (!tsm_format_parse(optarg, &io.format)) {
				tsm_usage_error("-F takes csv, tsv, table or "
				    "json, not \"%s\"", optarg);
				return TSM_EXIT_USAGE;
			}
			break;
		case 'q':
			tsm_quiet = true;
			break;
		case 't':
			io.header = false;
			break;
		case OPT_RETENTION:
			if (!parse_kind_age("retention", optarg, io.retention,
			    io.retention_set, false))
				return TSM_EXIT_USAGE;
			break;
		case OPT_ROLES:
			io.roles = true;
			break;
		case OPT_STATUS:
			io.status = true;
			break;
		case OPT_TARGET: {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || v < 1 ||
			    v > 100000) {
				tsm_usage_error("--target-version takes a "
				    "positive whole number, not \"%s\"", optarg);
				return TSM_EXIT_USAGE;
			}
			io.target_version = (int)v;
			break;
		}
		default:
			tsm_bad_option(c, argv, longopts);
			return TSM_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		tsm_usage_error("unexpected argument \"%s\"", argv[optind]);
		return TSM_EXIT_USAGE;
	}
	if (io.status && (io.dry_run || io.roles || io.compress_set ||
	    io.target_version || strcmp(io.backend, "auto") != 0 ||
	    tsm_init_any(io.chunk_set) || tsm_init_any(io.retention_set))) {
		tsm_usage_error("--status only reports: give it alone");
		return TSM_EXIT_USAGE;
	}
	if (!tsm_schema_name_ok(co.schema))
		return TSM_EXIT_USAGE;
	/*
	 * The server would cut longer role names to 63 bytes, and the reader
	 * and the writer could end up one role.
	 */
	if (io.roles && strlen(co.schema) > 63 - strlen("_writer")) {
		tsm_usage_error("--roles: schema name \"%.20s...\" is too long "
		    "for its role names: at most 56 bytes, so that its _reader "
		    "and _writer roles fit in 63", co.schema);
		return TSM_EXIT_USAGE;
	}
	io.schema = co.schema;

	tsm_cancel_init();
	conn = tsm_connect(&co);
	if (conn == NULL)
		return TSM_EXIT_CONNECT;
	if (io.status) {
		int health = tsm_init_status(conn, &io);

		status = health < 0 ? tsm_exit_status(conn) :
		    health == 0 ? TSM_EXIT_OK : TSM_EXIT_FAIL;
	} else {
		status = tsm_init_run(conn, &io) ? TSM_EXIT_OK :
		    tsm_exit_status(conn);
	}
	tsm_disconnect(conn);
	return status;
}
