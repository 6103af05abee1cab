/*
 * tsm-ingest: load CSV or TSV into one kind of series, checked and
 * idempotent, fast; or follow a never-ending stream.
 *
 * Every row is parsed and checked here before the server sees it, and
 * batches go in as binary COPY (straight into the table where nothing
 * is stored in their range, through a staging table and a merge where
 * something is), one transaction each, so that loading a file twice
 * leaves the table as the first load did.  See tsm-ingest(1).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cancel.h"
#include "cliopt.h"
#include "conn.h"
#include "ingest.h"
#include "ingest_report.h"
#include "ingest_run.h"
#include "log.h"

static void
help(void)
{
	printf("tsm-ingest loads CSV or TSV into one kind of series, checked "
	    "and idempotent.\n\n");
	printf("Usage:\n  tsm-ingest [OPTION]... KIND [FILE]...\n\n");
	printf("Reads the FILEs (\"-\" or none: standard input), gzip or "
	    "not.\n\n");
	printf("Input:\n");
	printf("      --columns=LIST       name the columns of input without "
	    "a header\n");
	printf("      --exchange=NAME      the exchange of every row\n");
	printf("      --interval=TF        the candle interval: 1m, 5m, 1h, "
	    "1d...\n");
	printf("      --kind=KIND          the instrument kind: spot "
	    "(default), perpetual...\n");
	printf("      --source=NAME        the source of sentiment, flows or "
	    "metrics\n");
	printf("      --symbol=SYMBOL      the symbol (asset, underlying) of "
	    "every row\n");
	printf("      --time-unit=UNIT     epoch numbers are in s, ms, us or "
	    "ns\n");
	printf("      --tsv                tab-separated input, as COPY "
	    "writes it\n");
	printf("      --tz=ZONE            the zone of times given without "
	    "one (UTC)\n");
	printf("\nLoading:\n");
	printf("  -b, --batch-rows=N       rows per transaction (default "
	    "10000)\n");
	printf("  -j, --jobs=N             load through N connections "
	    "(default 1)\n");
	printf("      --no-create          refuse unknown instruments, do not "
	    "make them\n");
	printf("      --no-refresh         leave the aggregates to "
	    "tsm-compress refresh\n");
	printf("      --on-conflict=MODE   a key already stored: update "
	    "(default),\n"
	    "                           nothing or error\n");
	printf("\nBad rows:\n");
	printf("      --max-rejects=N      stop when more than N rows are "
	    "rejected\n");
	printf("      --rejects=FILE       write bad rows to FILE and load "
	    "the rest\n");
	printf("\nStreams:\n");
	printf("      --follow             read standard input without end, "
	    "commit as it comes\n");
	printf("      --flush-interval=T   commit at least every T (default "
	    "5s)\n");
	printf("      --flush-rows=N       commit at least every N rows "
	    "(default 100)\n");
	printf("\nOutput:\n");
	printf("      --metrics-file=FILE  write the figures for Prometheus "
	    "to FILE\n");
	printf("      --progress           show the progress line on any "
	    "stderr\n");
	printf("  -q, --quiet              no progress line, no summary\n");
	printf("  -V, --version            output version information, then "
	    "exit\n");
	printf("  -?, --help               show this help, then exit\n");
	printf("%s", TSM_CONN_HELP);
	printf("\nKinds: candles ticks greeks sentiment flows metrics "
	    "indicators signals\ninstruments.\n");
	printf("\nExit status: 0 done, 1 failed, 2 usage, 3 connection, 4 "
	    "rows rejected,\n130 interrupted.\n");
}

enum {
	OPT_COLUMNS = 0x100, OPT_EXCHANGE, OPT_INTERVAL, OPT_KIND, OPT_SOURCE,
	OPT_SYMBOL, OPT_TIME_UNIT, OPT_TSV, OPT_TZ, OPT_NO_CREATE,
	OPT_NO_REFRESH, OPT_ON_CONFLICT, OPT_MAX_REJECTS, OPT_REJECTS,
	OPT_FOLLOW, OPT_FLUSH_INTERVAL, OPT_FLUSH_ROWS, OPT_METRICS,
	OPT_PROGRESS
};

/* A whole number in [lo, hi]; false (reported) otherwise. */
static bool
parse_count(const char *opt, const char *arg, long long lo, long long hi,
    long long *out)
{
	char *end;
	long long v;

	v = strtoll(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || v < lo || v > hi) {
		tsm_usage_error("%s takes a whole number from %lld to %lld, "
		    "not "
		    "\"%s\"", opt, lo, hi, arg);
		return false;
	}
	*out = v;
	return true;
}

/*
 * A duration for --flush-interval: a number and a unit, ms, s or m
 * ("500ms", "5s", "1.5s"); a bare number is seconds.
 */
static bool
parse_interval(const char *arg, int64_t *usecs)
{
	char *end;
	double v = strtod(arg, &end), mult = 1e6;

	if (end == arg || v <= 0 || v != v)
		goto bad;
	if (strcmp(end, "ms") == 0)
		mult = 1e3;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		mult = 60e6;
	else if (*end != '\0' && strcmp(end, "s") != 0)
		goto bad;
	if (v * mult < 1000 || v * mult > 86400e6)
		goto bad;
	*usecs = (int64_t)(v * mult);
	return true;
bad:
	tsm_usage_error("--flush-interval takes a time from 1ms to 24h, such "
	    "as 500ms or 5s, not \"%s\"", arg);
	return false;
}

static bool
add_fixed(struct tsm_ingest_opts *io, const char *option, const char *value)
{
	for (int i = 0; i < io->nfixed; i++)
		if (strcmp(io->fixed[i].option, option) == 0) {
			io->fixed[i].value = value;
			return true;
		}
	io->fixed[io->nfixed].option = option;
	io->fixed[io->nfixed].value = value;
	io->nfixed++;
	return true;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		TSM_CONN_LONGOPTS,
		{ "batch-rows", required_argument, NULL, 'b' },
		{ "columns", required_argument, NULL, OPT_COLUMNS },
		{ "exchange", required_argument, NULL, OPT_EXCHANGE },
		{ "flush-interval", required_argument, NULL,
		    OPT_FLUSH_INTERVAL },
		{ "flush-rows", required_argument, NULL, OPT_FLUSH_ROWS },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "jobs", required_argument, NULL, 'j' },
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "max-rejects", required_argument, NULL, OPT_MAX_REJECTS },
		{ "metrics-file", required_argument, NULL, OPT_METRICS },
		{ "no-create", no_argument, NULL, OPT_NO_CREATE },
		{ "no-refresh", no_argument, NULL, OPT_NO_REFRESH },
		{ "on-conflict", required_argument, NULL, OPT_ON_CONFLICT },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "symbol", required_argument, NULL, OPT_SYMBOL },
		{ "time-unit", required_argument, NULL, OPT_TIME_UNIT },
		{ "tsv", no_argument, NULL, OPT_TSV },
		{ "tz", required_argument, NULL, OPT_TZ },
		{ NULL, 0, NULL, 0 }
	};
	static char *stdin_only[] = { "-", NULL };
	struct tsm_conn_opts co;
	struct tsm_ingest_opts io;
	struct tsm_ingest_stats st;
	const char *metrics = NULL;
	bool progress_forced = false, flush_set = false;
	long long v;
	int c, status;

	tsm_log_init(argv[0]);
	tsm_conn_opts_init(&co);
	memset(&io, 0, sizeof(io));
	io.conflict = TSM_CONFLICT_UPDATE;
	io.batch_rows = 10000;
	io.jobs = 1;
	io.create = true;
	io.refresh = true;
	io.max_rejects = -1;
	io.flush_rows = 100;
	io.flush_usecs = 5000000;
	io.conn = &co;

	if (tsm_help_or_version(argc, argv, help))
		return TSM_EXIT_OK;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" TSM_CONN_SHORTOPTS "b:j:q",
	    longopts, NULL)) != -1) {
		if (tsm_conn_option(&co, c, optarg))
			continue;
		switch (c) {
		case 'b':
			if (!parse_count("--batch-rows", optarg, 1, 1000000,
			    &v))
				return TSM_EXIT_USAGE;
			io.batch_rows = (size_t)v;
			break;
		case 'j':
			if (!parse_count("--jobs", optarg, 1, 32, &v))
				return TSM_EXIT_USAGE;
			io.jobs = (int)v;
			break;
		case 'q':
			tsm_quiet = true;
			break;
		case OPT_COLUMNS:
			io.columns = optarg;
			break;
		case OPT_EXCHANGE:
			add_fixed(&io, "exchange", optarg);
			break;
		case OPT_INTERVAL:
			add_fixed(&io, "interval", optarg);
			break;
		case OPT_KIND:
			add_fixed(&io, "kind", optarg);
			break;
		case OPT_SOURCE:
			add_fixed(&io, "source", optarg);
			break;
		case OPT_SYMBOL:
			add_fixed(&io, "symbol", optarg);
			break;
		case OPT_TIME_UNIT:
			if (!tsm_time_unit_parse(optarg, &io.topts.unit)) {
				tsm_usage_error("--time-unit takes s, ms, us "
				    "or "
				    "ns, not \"%s\"", optarg);
				return TSM_EXIT_USAGE;
			}
			break;
		case OPT_TSV:
			io.tsv = true;
			break;
		case OPT_TZ:
			if (!tsm_tz_valid(optarg)) {
				tsm_usage_error("--tz: unknown time zone "
				    "\"%s\"",
				    optarg);
				tsm_hint("use an IANA name such as UTC, "
				    "Europe/Berlin or America/New_York");
				return TSM_EXIT_USAGE;
			}
			io.topts.tz = optarg;
			break;
		case OPT_NO_CREATE:
			io.create = false;
			break;
		case OPT_NO_REFRESH:
			io.refresh = false;
			break;
		case OPT_ON_CONFLICT:
			if (strcmp(optarg, "update") == 0)
				io.conflict = TSM_CONFLICT_UPDATE;
			else if (strcmp(optarg, "nothing") == 0)
				io.conflict = TSM_CONFLICT_NOTHING;
			else if (strcmp(optarg, "error") == 0)
				io.conflict = TSM_CONFLICT_ERROR;
			else {
				tsm_usage_error("--on-conflict takes update, "
				    "nothing or error, not \"%s\"", optarg);
				return TSM_EXIT_USAGE;
			}
			break;
		case OPT_MAX_REJECTS:
			if (!parse_count("--max-rejects", optarg, 0,
			    INT64_MAX / 2, &v))
				return TSM_EXIT_USAGE;
			io.max_rejects = v;
			io.rejecting = true;
			break;
		case OPT_REJECTS:
			io.rejects = optarg;
			io.rejecting = true;
			break;
		case OPT_FOLLOW:
			io.follow = true;
			break;
		case OPT_FLUSH_INTERVAL:
			if (!parse_interval(optarg, &io.flush_usecs))
				return TSM_EXIT_USAGE;
			flush_set = true;
			break;
		case OPT_FLUSH_ROWS:
			if (!parse_count("--flush-rows", optarg, 1, 1000000,
			    &v))
				return TSM_EXIT_USAGE;
			io.flush_rows = (size_t)v;
			flush_set = true;
			break;
		case OPT_METRICS:
			metrics = optarg;
			io.metrics = optarg;
			break;
		case OPT_PROGRESS:
			progress_forced = true;
			break;
		default:
			tsm_bad_option(c, argv, longopts);
			return TSM_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		tsm_usage_error("no kind given: %s", tsm_kind_list());
		return TSM_EXIT_USAGE;
	}
	io.kind = tsm_kind_find(argv[optind]);
	if (io.kind == NULL) {
		tsm_usage_error("unknown kind \"%s\"", argv[optind]);
		tsm_hint("kinds are %s", tsm_kind_list());
		return TSM_EXIT_USAGE;
	}
	optind++;
	io.inputs = optind < argc ? argv + optind : stdin_only;
	io.ninputs = optind < argc ? argc - optind : 1;
	if (io.follow && (io.ninputs != 1 || strcmp(io.inputs[0], "-") != 0)) {
		tsm_usage_error("--follow reads standard input: give no FILE");
		return TSM_EXIT_USAGE;
	}
	if (flush_set && !io.follow) {
		tsm_usage_error("--flush-rows and --flush-interval need "
		    "--follow");
		return TSM_EXIT_USAGE;
	}
	if (io.follow && io.flush_rows < io.batch_rows)
		io.batch_rows = io.flush_rows;
	if (!tsm_schema_name_ok(co.schema))
		return TSM_EXIT_USAGE;
	io.progress = progress_forced || isatty(2);

	tsm_cancel_init();
	status = tsm_ingest_run(&io, &st);
	if (status == TSM_EXIT_OK || status == TSM_EXIT_REJECTED)
		tsm_ingest_summary(io.kind->name, &st);
	if (metrics != NULL && status != TSM_EXIT_USAGE &&
	    !tsm_ingest_metrics(metrics, io.kind->name, &st, status) &&
	    (status == TSM_EXIT_OK || status == TSM_EXIT_REJECTED))
		status = TSM_EXIT_FAIL;
	return status;
}
