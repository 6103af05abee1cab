/*
 * tsm-query: answer the questions operators ask about market data, as
 * CSV, TSV, an aligned table or JSON lines, streamed row by row.
 *
 * One subcommand per question.  This file reads the command line, checks
 * it (usage errors exit 2 before connecting), connects and hands over to
 * the subcommand in lib/ (query_*.c); candle intervals are routed to the
 * best source by lib/route.c.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "age.h"
#include "cancel.h"
#include "cliopt.h"
#include "conn.h"
#include "db.h"
#include "log.h"
#include "num.h"
#include "out.h"
#include "query.h"
#include "route.h"
#include "timeparse.h"
#include "when.h"

static void
help(void)
{
	printf("tsm-query answers questions about market data, as CSV, TSV, "
	    "a table or JSON.\n\n");
	printf("Usage:\n  tsm-query [OPTION]... COMMAND [ARG]...\n\n");
	printf("Commands:\n");
	printf("  ohlcv SYMBOL -i INTERVAL  candles of any interval, from the "
	    "best source\n");
	printf("  indicators SYMBOL -i INTERVAL SPEC...\n"
	    "                            candles with indicators: sma:20 ema:50 "
	    "rsi:14\n"
	    "                            macd:12,26,9 bbands:20,2 atr:14 obv "
	    "stoch:14,3\n"
	    "                            adx:14 cci:20 vwap\n");
	printf("  latest [SYMBOL]...        newest time and price; --stale "
	    "AGE checks it\n");
	printf("  overview [SYMBOL]...      newest price, 24h change, high, "
	    "low, volume\n");
	printf("  change SYMBOL...          change over the last --hours "
	    "(default 24)\n");
	printf("  range SYMBOL...           high, low and range over a "
	    "period\n");
	printf("  volume-profile SYMBOL     volume by price bucket "
	    "(--buckets)\n");
	printf("  stats [SYMBOL]...         bars, first, last, high, low, "
	    "mean close\n");
	printf("  symbols                   the instruments\n");
	printf("  summary [SYMBOL]...       rows, first, last, missing per "
	    "stored interval\n");
	printf("  gaps SYMBOL -i INTERVAL   each run of missing candles\n");
	printf("  sentiment ASSET [VIEW]    VIEW: raw, trend, by-source, "
	    "distribution,\n"
	    "                            latest\n");
	printf("  flows ASSET [VIEW]        VIEW: history, net, whales, "
	    "by-exchange,\n"
	    "                            velocity\n");
	printf("  signals [SYMBOL]...       active signals, the newest per "
	    "instrument\n");
	printf("  positions [SYMBOL]...     open positions\n");
	printf("  trades [SYMBOL]...        trade history; --by day for P&L "
	    "per day\n");
	printf("  backtests [ID]            backtest runs; one run's metrics "
	    "and trades\n");
	printf("  metrics [NAME]            market metrics (put/call ratio, "
	    "VIX...)\n");
	printf("  watchlists [NAME]         watchlists and their "
	    "instruments\n");
	printf("  sql QUERY                 any query, in a read-only "
	    "transaction\n");
	printf("\nOptions:\n");
	printf("  -a, --active             active instruments only\n");
	printf("      --all                closed positions, inactive "
	    "signals too\n");
	printf("      --buckets=N          price buckets of volume-profile "
	    "(default 24)\n");
	printf("      --by=hour|day        sums per hour or day\n");
	printf("  -e, --exchange=NAME      instruments of this exchange\n");
	printf("      --explain            say on stderr which source "
	    "answered and why\n");
	printf("      --fail-empty         exit 1 when the answer is "
	    "empty\n");
	printf("      --fetch-size=N       fetch N rows at a time through a "
	    "cursor\n");
	printf("  -F, --format=FORMAT      csv (default), tsv, table or "
	    "json\n");
	printf("      --from=TIME          from this time, or this age ago "
	    "(7d)\n");
	printf("      --hours=N            the last N hours of data\n");
	printf("  -i, --interval=INTERVAL  1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h "
	    "1d 3d 1w 1M\n");
	printf("      --kind=KIND          instruments of this kind (spot, "
	    "perpetual...)\n");
	printf("  -l, --limit=N            at most N rows\n");
	printf("      --min-amount=X       whales: flows of at least X\n");
	printf("      --progress           a progress line on stderr, even if not "
	    "a terminal\n");
	printf("  -q, --quiet              no progress line on a terminal\n");
	printf("      --save               indicators: store them in the "
	    "indicators table\n");
	printf("      --scope=NAME         metrics of this scope\n");
	printf("      --source=SOURCE      auto (default), stored, aggregate "
	    "or computed\n");
	printf("      --stale=AGE          exit 1 naming instruments with "
	    "nothing newer\n");
	printf("      --strategy=NAME      signals, trades of this "
	    "strategy\n");
	printf("  -t, --no-header          leave out the header\n");
	printf("      --to=TIME            until this time (exclusive)\n");
	printf("      --trades             backtests ID: its trades only\n");
	printf("      --watchlist=NAME     the instruments of a watchlist\n");
	printf("  -V, --version            output version information, then "
	    "exit\n");
	printf("  -?, --help               show this help, then exit\n");
	printf("%s", TSM_CONN_HELP);
	printf("\nTimes: ISO 8601 (2024-03-01, 2024-03-01T12:00:00Z), epoch "
	    "numbers, or an\n"
	    "age (30m, 12h, 7d, 3M) meaning that long before now.\n");
	printf("\nExit status: 0 done, 1 failed (or empty with --fail-empty, "
	    "stale with\n"
	    "--stale), 2 usage, 3 no connection, 130 interrupted.\n");
}

/* Options, as bits, to tell which a command takes. */
enum {
	O_ACTIVE = 1 << 0, O_ALL = 1 << 1, O_BUCKETS = 1 << 2, O_BY = 1 << 3,
	O_EXCHANGE = 1 << 4, O_EXPLAIN = 1 << 5, O_FROM = 1 << 6,
	O_HOURS = 1 << 7, O_INTERVAL = 1 << 8, O_LIMIT = 1 << 9,
	O_MINAMOUNT = 1 << 10, O_SCOPE = 1 << 11, O_SOURCE = 1 << 12,
	O_STALE = 1 << 13, O_STRATEGY = 1 << 14, O_TO = 1 << 15,
	O_TRADES = 1 << 16, O_WATCHLIST = 1 << 17, O_KIND = 1 << 18,
	O_SAVE = 1 << 19
};

/* Bits and names of the options that only some commands take. */
static const struct { unsigned bit; const char *name; } opt_names[] = {
	{ O_ACTIVE, "--active" }, { O_ALL, "--all" },
	{ O_BUCKETS, "--buckets" }, { O_BY, "--by" },
	{ O_EXCHANGE, "--exchange" }, { O_EXPLAIN, "--explain" },
	{ O_FROM, "--from" }, { O_HOURS, "--hours" },
	{ O_INTERVAL, "--interval" }, { O_KIND, "--kind" },
	{ O_LIMIT, "--limit" }, { O_MINAMOUNT, "--min-amount" },
	{ O_SAVE, "--save" }, { O_SCOPE, "--scope" },
	{ O_SOURCE, "--source" }, { O_STALE, "--stale" },
	{ O_STRATEGY, "--strategy" }, { O_TO, "--to" },
	{ O_TRADES, "--trades" }, { O_WATCHLIST, "--watchlist" },
};

#define O_INSTR		(O_EXCHANGE | O_KIND | O_WATCHLIST | O_ACTIVE)
#define O_RANGE		(O_FROM | O_TO)
#define O_ROUTE		(O_INTERVAL | O_SOURCE | O_EXPLAIN | O_RANGE)

static const char *const t_candles[] = { "instruments", "candles", "ticks",
	"aggregates", NULL };
static const char *const t_instr[] = { "instruments", NULL };
static const char *const t_watch[] = { "watchlists", "instruments", NULL };
static const char *const t_sentiment[] = { "sentiment", NULL };
static const char *const t_flows[] = { "flows", NULL };
static const char *const t_metrics[] = { "market_metrics", NULL };
static const char *const t_signals[] = { "signals", "instruments", NULL };
static const char *const t_positions[] = { "positions", NULL };
static const char *const t_trades[] = { "trades", NULL };
static const char *const t_backtests[] = { "backtest_runs",
	"backtest_trades", NULL };
static const char *const t_none[] = { NULL };

static const struct command {
	const char *name;
	bool (*fn)(struct tsm_qctx *, struct tsm_qargs *);
	int min_args, max_args;		/* operands; -1: any number */
	unsigned opts;
	bool need_interval;
	const char *const *tables;	/* read, for the grant check */
	const char *usage;
} commands[] = {
	{ "ohlcv", tsm_q_ohlcv, 1, 1, O_ROUTE | O_LIMIT | O_EXCHANGE | O_KIND,
	    true, t_candles, "ohlcv SYMBOL --interval INTERVAL" },
	{ "indicators", tsm_q_indicators, 2, -1, O_ROUTE | O_EXCHANGE |
	    O_KIND | O_SAVE, true, t_candles,
	    "indicators SYMBOL --interval INTERVAL SPEC..." },
	{ "latest", tsm_q_latest, 0, -1, O_INSTR | O_STALE | O_LIMIT, false,
	    t_candles, "latest [SYMBOL]..." },
	{ "overview", tsm_q_overview, 0, -1, O_INSTR | O_LIMIT, false,
	    t_candles, "overview [SYMBOL]..." },
	{ "change", tsm_q_change, 1, -1, O_ROUTE | O_INSTR | O_HOURS, false,
	    t_candles, "change SYMBOL... [--hours N]" },
	{ "range", tsm_q_range, 1, -1, O_ROUTE | O_INSTR | O_HOURS, false,
	    t_candles, "range SYMBOL..." },
	{ "volume-profile", tsm_q_volume_profile, 1, 1, O_ROUTE | O_EXCHANGE |
	    O_KIND | O_HOURS | O_BUCKETS, false, t_candles,
	    "volume-profile SYMBOL" },
	{ "stats", tsm_q_stats, 0, -1, O_ROUTE | O_INSTR, false, t_candles,
	    "stats [SYMBOL]..." },
	{ "symbols", tsm_q_symbols, 0, 0, O_INSTR | O_LIMIT, false, t_instr,
	    "symbols" },
	{ "summary", tsm_q_summary, 0, -1, O_INSTR, false, t_candles,
	    "summary [SYMBOL]..." },
	{ "gaps", tsm_q_gaps, 1, 1, O_ROUTE | O_LIMIT | O_EXCHANGE | O_KIND,
	    true, t_candles, "gaps SYMBOL --interval INTERVAL" },
	{ "sentiment", tsm_q_sentiment, 1, 2, O_RANGE | O_LIMIT | O_BY, false,
	    t_sentiment, "sentiment ASSET [VIEW]" },
	{ "flows", tsm_q_flows, 1, 2, O_RANGE | O_LIMIT | O_BY | O_MINAMOUNT,
	    false, t_flows, "flows ASSET [VIEW]" },
	{ "signals", tsm_q_signals, 0, -1, O_INSTR | O_ALL | O_STRATEGY |
	    O_RANGE | O_LIMIT, false, t_signals, "signals [SYMBOL]..." },
	{ "positions", tsm_q_positions, 0, -1, O_EXCHANGE | O_ALL |
	    O_STRATEGY | O_LIMIT, false, t_positions, "positions [SYMBOL]..." },
	{ "trades", tsm_q_trades, 0, -1, O_EXCHANGE | O_STRATEGY | O_RANGE |
	    O_LIMIT | O_BY, false, t_trades, "trades [SYMBOL]..." },
	{ "backtests", tsm_q_backtests, 0, 1, O_STRATEGY | O_RANGE | O_LIMIT |
	    O_TRADES, false, t_backtests, "backtests [ID]" },
	{ "metrics", tsm_q_metrics, 0, 1, O_SCOPE | O_RANGE | O_LIMIT | O_BY,
	    false, t_metrics, "metrics [NAME]" },
	{ "watchlists", tsm_q_watchlists, 0, 1, O_LIMIT, false, t_watch,
	    "watchlists [NAME]" },
	{ "sql", tsm_q_sql_readonly, 1, 1, 0, false, t_none, "sql QUERY" },
};

enum {
	OPT_ALL = 0x100, OPT_BUCKETS, OPT_BY, OPT_EXPLAIN, OPT_FAILEMPTY,
	OPT_FETCH, OPT_FROM, OPT_HOURS, OPT_KIND, OPT_MINAMOUNT, OPT_SAVE,
	OPT_PROGRESS, OPT_SCOPE, OPT_SOURCE, OPT_STALE, OPT_STRATEGY, OPT_TO,
	OPT_TRADES, OPT_WATCHLIST
};

/* Parses --from or --to: a time, or an age meaning that long ago. */
static bool
parse_when(const char *opt, const char *s, int64_t *out)
{
	struct timespec ts;
	const char *why;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (tsm_parse_when(s, (int64_t)ts.tv_sec * 1000000 +
	    ts.tv_nsec / 1000, out, &why))
		return true;
	tsm_usage_error("%s: \"%s\" %s; or an age such as 7d", opt, s, why);
	return false;
}

/* Parses a whole number in [lo, hi] for an option. */
static bool
parse_count(const char *opt, const char *s, long long lo, long long hi,
    long long *out)
{
	int64_t v;
	const char *why;

	if (!tsm_parse_int64(s, strlen(s), &v, &why) || v < lo || v > hi) {
		tsm_usage_error("%s takes a whole number from %lld to %lld, not "
		    "\"%s\"", opt, lo, hi, s);
		return false;
	}
	*out = v;
	return true;
}

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* Checks what the command line gave against what the command takes. */
static bool
check_command(const struct command *cmd, unsigned given,
    struct tsm_qargs *a)
{
	for (size_t i = 0; i < sizeof(opt_names) / sizeof(opt_names[0]); i++)
		if ((given & opt_names[i].bit) && !(cmd->opts & opt_names[i].bit)) {
			tsm_usage_error("%s does not apply to %s",
			    opt_names[i].name, cmd->name);
			return false;
		}
	if (a->nargs < cmd->min_args ||
	    (cmd->max_args >= 0 && a->nargs > cmd->max_args)) {
		if (a->nargs < cmd->min_args)
			tsm_usage_error("%s needs %s", cmd->name,
			    cmd->min_args == 1 ? "an argument" : "arguments");
		else
			tsm_usage_error("unexpected argument \"%s\"",
			    a->args[cmd->max_args]);
		fprintf(stderr, "Usage: tsm-query [OPTION]... %s\n", cmd->usage);
		return false;
	}
	if (cmd->need_interval && !a->have_tf) {
		tsm_usage_error("%s needs --interval, such as -i 1h", cmd->name);
		return false;
	}
	if (a->from != INT64_MIN && a->to != INT64_MAX && a->from >= a->to) {
		tsm_usage_error("--from must be before --to");
		return false;
	}
	if (a->hours > 0 && (given & (O_FROM | O_TO)) == (O_FROM | O_TO)) {
		tsm_usage_error("--hours counts back from the newest data or "
		    "--to: give it with --from or with --to, not both");
		return false;
	}
	return tsm_q_check_args(cmd->name, a);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		TSM_CONN_LONGOPTS,
		{ "active", no_argument, NULL, 'a' },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "buckets", required_argument, NULL, OPT_BUCKETS },
		{ "by", required_argument, NULL, OPT_BY },
		{ "exchange", required_argument, NULL, 'e' },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "fail-empty", no_argument, NULL, OPT_FAILEMPTY },
		{ "fetch-size", required_argument, NULL, OPT_FETCH },
		{ "format", required_argument, NULL, 'F' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "hours", required_argument, NULL, OPT_HOURS },
		{ "interval", required_argument, NULL, 'i' },
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "limit", required_argument, NULL, 'l' },
		{ "min-amount", required_argument, NULL, OPT_MINAMOUNT },
		{ "no-header", no_argument, NULL, 't' },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "save", no_argument, NULL, OPT_SAVE },
		{ "scope", required_argument, NULL, OPT_SCOPE },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "stale", required_argument, NULL, OPT_STALE },
		{ "strategy", required_argument, NULL, OPT_STRATEGY },
		{ "to", required_argument, NULL, OPT_TO },
		{ "trades", no_argument, NULL, OPT_TRADES },
		{ "watchlist", required_argument, NULL, OPT_WATCHLIST },
		{ NULL, 0, NULL, 0 }
	};
	struct tsm_conn_opts co;
	struct tsm_qctx q;
	struct tsm_qargs a;
	const struct command *cmd;
	const char *why;
	char stale_pg[64];
	unsigned given = 0;
	bool fail_empty = false, ok;
	long long v;
	int c, status;

	tsm_log_init(argv[0]);
	tsm_conn_opts_init(&co);
	memset(&q, 0, sizeof(q));
	memset(&a, 0, sizeof(a));
	q.out = stdout;
	q.format = TSM_FMT_CSV;
	q.header = true;
	a.from = INT64_MIN;
	a.to = INT64_MAX;
	a.limit = -1;
	a.buckets = 24;

	if (tsm_help_or_version(argc, argv, help))
		return TSM_EXIT_OK;

	/* Options may come before or after the command and its operands. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" TSM_CONN_SHORTOPTS "aF:e:i:l:qt",
	    longopts, NULL)) != -1) {
		if (tsm_conn_option(&co, c, optarg))
			continue;
		switch (c) {
		case 'a':
			a.filter.active = true;
			given |= O_ACTIVE;
			break;
		case OPT_ALL:
			a.all = true;
			given |= O_ALL;
			break;
		case OPT_BUCKETS:
			if (!parse_count("--buckets", optarg, 1, 1000, &v))
				return TSM_EXIT_USAGE;
			a.buckets = (int)v;
			given |= O_BUCKETS;
			break;
		case OPT_BY:
			if (strcmp(optarg, "hour") != 0 &&
			    strcmp(optarg, "day") != 0) {
				tsm_usage_error("--by takes hour or day, not "
				    "\"%s\"", optarg);
				return TSM_EXIT_USAGE;
			}
			a.by = optarg;
			given |= O_BY;
			break;
		case 'e':
			a.filter.exchange = optarg;
			given |= O_EXCHANGE;
			break;
		case OPT_EXPLAIN:
			q.explain = true;
			given |= O_EXPLAIN;
			break;
		case OPT_FAILEMPTY:
			fail_empty = true;
			break;
		case OPT_FETCH:
			if (!parse_count("--fetch-size", optarg, 0, 1000000, &v))
				return TSM_EXIT_USAGE;
			q.fetch_size = (int)v;
			break;
		case 'F':
			if (!tsm_format_parse(optarg, &q.format)) {
				tsm_usage_error("-F takes csv, tsv, table or "
				    "json, not \"%s\"", optarg);
				return TSM_EXIT_USAGE;
			}
			break;
		case OPT_FROM:
			if (!parse_when("--from", optarg, &a.from))
				return TSM_EXIT_USAGE;
			given |= O_FROM;
			break;
		case OPT_HOURS:
			if (!parse_count("--hours", optarg, 1, 1000000, &v))
				return TSM_EXIT_USAGE;
			a.hours = v;
			given |= O_HOURS;
			break;
		case 'i':
			if (!tsm_parse_timeframe(optarg, &a.tf, &why)) {
				tsm_usage_error("--interval: \"%s\" %s", optarg,
				    why);
				return TSM_EXIT_USAGE;
			}
			a.have_tf = true;
			given |= O_INTERVAL;
			break;
		case OPT_KIND:
			a.filter.kind = optarg;
			given |= O_KIND;
			break;
		case 'l':
			if (!parse_count("--limit", optarg, 0, INT64_MAX, &v))
				return TSM_EXIT_USAGE;
			a.limit = v;
			given |= O_LIMIT;
			break;
		case OPT_MINAMOUNT: {
			double d;

			if (!tsm_parse_double(optarg, strlen(optarg), &d,
			    &why)) {
				tsm_usage_error("--min-amount: \"%s\" %s",
				    optarg, why);
				return TSM_EXIT_USAGE;
			}
			a.min_amount = optarg;
			given |= O_MINAMOUNT;
			break;
		}
		case OPT_PROGRESS:
			q.progress_forced = true;
			break;
		case 'q':
			tsm_quiet = true;
			break;
		case OPT_SAVE:
			a.save = true;
			given |= O_SAVE;
			break;
		case OPT_SCOPE:
			a.scope = optarg;
			given |= O_SCOPE;
			break;
		case OPT_SOURCE: {
			enum tsm_source s;

			if (!tsm_source_parse(optarg, &s)) {
				tsm_usage_error("--source takes auto, stored, "
				    "aggregate or computed, not \"%s\"", optarg);
				return TSM_EXIT_USAGE;
			}
			a.source = (int)s;
			given |= O_SOURCE;
			break;
		}
		case OPT_STALE: {
			struct tsm_age age;

			if (!tsm_parse_age(optarg, &age, &why)) {
				tsm_usage_error("--stale: \"%s\" %s", optarg,
				    why);
				return TSM_EXIT_USAGE;
			}
			tsm_age_to_pg(&age, stale_pg, sizeof(stale_pg));
			a.stale = stale_pg;
			a.stale_arg = optarg;
			given |= O_STALE;
			break;
		}
		case OPT_STRATEGY:
			a.strategy = optarg;
			given |= O_STRATEGY;
			break;
		case 't':
			q.header = false;
			break;
		case OPT_TO:
			if (!parse_when("--to", optarg, &a.to))
				return TSM_EXIT_USAGE;
			given |= O_TO;
			break;
		case OPT_TRADES:
			a.trades_only = true;
			given |= O_TRADES;
			break;
		case OPT_WATCHLIST:
			a.watchlist = optarg;
			given |= O_WATCHLIST;
			break;
		default:
			tsm_bad_option(c, argv, longopts);
			return TSM_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		tsm_usage_error("no command given: ohlcv, indicators, latest, overview, "
		    "change, range, volume-profile, stats, symbols, summary, "
		    "gaps, sentiment, flows, signals, positions, trades, "
		    "backtests, metrics, watchlists or sql");
		return TSM_EXIT_USAGE;
	}
	cmd = find_command(argv[optind]);
	if (cmd == NULL) {
		tsm_usage_error("unknown command \"%s\"", argv[optind]);
		return TSM_EXIT_USAGE;
	}
	a.args = (const char *const *)argv + optind + 1;
	a.nargs = argc - optind - 1;
	if (!check_command(cmd, given, &a) || !tsm_schema_name_ok(co.schema))
		return TSM_EXIT_USAGE;
	/* A progress line on a terminal unless -q; always with --progress. */
	q.progress = q.progress_forced ||
	    (isatty(STDERR_FILENO) && !tsm_quiet);
	q.schema = co.schema;

	tsm_cancel_init();
	q.co = &co;
	q.conn = tsm_connect(&co);
	if (q.conn == NULL)
		return TSM_EXIT_CONNECT;
	{
		const char *tables[8];
		int n = 0;

		while (cmd->tables[n] != NULL && n < 7) {
			tables[n] = cmd->tables[n];
			n++;
		}
		if (a.watchlist != NULL)
			tables[n++] = "watchlists";
		ok = tsm_q_open(&q, tables, n);
	}
	ok = ok && cmd->fn(&q, &a);
	if (!tsm_q_finish(&q))
		ok = false;
	if (!ok)
		status = tsm_exit_status(q.conn);
	else if (a.stale_found > 0)
		status = TSM_EXIT_FAIL;
	else if (fail_empty && q.rows == 0) {
		tsm_error("the answer is empty (--fail-empty)");
		status = TSM_EXIT_FAIL;
	} else
		status = TSM_EXIT_OK;
	tsm_disconnect(q.conn);
	return status;
}
