/*
 * tsm-migrate: one-off moves into tsm's schema: the JSON state and
 * history files of trading bots into positions and trades, legacy
 * per-symbol kline tables into candles, and any other table into a
 * series, in batches.
 *
 * positions and trades check every record of every file before they
 * write anything, then migrate all of it in one transaction; running
 * them again inserts nothing.  klines and table move in batches, each
 * its own transaction, and resume after an interruption.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "age.h"
#include "cliopt.h"
#include "conn.h"
#include "log.h"
#include "moves.h"
#include "out.h"
#include "recmigrate.h"
#include "schema.h"
#include "timeparse.h"

static void
help(void)
{
	printf("tsm-migrate moves trading bots' JSON files and legacy tables "
	    "into tsm.\n\n");
	printf("Usage:\n");
	printf("  tsm-migrate positions [OPTION]... FILE...\n");
	printf("  tsm-migrate trades [OPTION]... FILE...\n");
	printf("  tsm-migrate klines [OPTION]...\n");
	printf("  tsm-migrate table [OPTION]... --kind=KIND SOURCE\n");
	printf("\nOptions for positions and trades:\n");
	printf("      --exchange=NAME      the exchange of every record\n");
	printf("      --if-empty           migrate only into an empty table\n");
	printf("      --map=FIELD=PATH     read FIELD at PATH in each record\n"
	    );
	printf("      --max-size=SIZE      refuse larger files (default 64M)\n"
	    );
	printf("      --mode=MODE          paper or live, for every record\n");
	printf("      --no-backup          write no FILE.bak\n");
	printf("      --path=PATH          where the records are, such as "
	    "'$.data'\n");
	printf("      --preset=NAME        a known format: freqtrade\n");
	printf("      --source=NAME        the source's name (default: the "
	    "file's path)\n");
	printf("      --time-unit=UNIT     epoch numbers are s, ms, us or ns\n"
	    );
	printf("      --tz=ZONE            zone of zone-less times (default "
	    "UTC)\n");
	printf("      --value-map=FIELD=FROM:TO,...\n"
	    "                           read FROM as TO, such as "
	    "action=Продажа:sell\n");
	printf("\nOptions for klines and table:\n");
	printf("      --batch-size=ROWS    rows per transaction (default "
	    "20000)\n");
	printf("      --create-views       keep each old table's name as a "
	    "view (klines)\n");
	printf("      --drop-source        drop each old table once its count "
	    "is verified\n");
	printf("      --exchange=NAME      the exchange of every row (table)\n"
	    );
	printf("      --interval=INTERVAL  the candle interval of every row "
	    "(table)\n");
	printf("      --kind=KIND          the series to fill (table)\n");
	printf("      --map=COLUMN=SOURCE  fill COLUMN from the SOURCE column "
	    "(table)\n");
	printf("      --no-refresh         leave the aggregates to be "
	    "refreshed later\n");
	printf("      --progress           show progress even when stderr is "
	    "not a terminal\n");
	printf("      --source-schema=NAME schema of the old tables (default "
	    "public)\n");
	printf("      --symbol=NAME        the symbol of every row (table)\n");
	printf("      --tables=PATTERN     LIKE pattern of the old tables "
	    "(klines)\n");
	printf("\nCommon options:\n");
	printf("      --dry-run            show what would be done, change "
	    "nothing\n");
	printf("  -F, --format=FORMAT      --dry-run output: csv (default), "
	    "tsv, table, json\n");
	printf("  -q, --quiet              say nothing on success\n");
	printf("  -t, --no-header          --dry-run output without a "
	    "header\n");
	printf("  -V, --version            output version information, then "
	    "exit\n");
	printf("  -?, --help               show this help, then exit\n");
	printf("%s", TSM_CONN_HELP);
	printf("\nExit status: 0 done, 1 failed, 2 usage, 3 no connection, "
	    "130 interrupted.\n");
}

enum {
	OPT_BATCH = 0x100, OPT_CREATE_VIEWS, OPT_DROP_SOURCE, OPT_DRY_RUN,
	OPT_EXCHANGE, OPT_IF_EMPTY, OPT_INTERVAL, OPT_KIND, OPT_MAP,
	OPT_MAX_SIZE, OPT_MODE, OPT_NO_BACKUP, OPT_NO_REFRESH, OPT_PATH,
	OPT_PRESET, OPT_PROGRESS, OPT_SOURCE, OPT_SOURCE_SCHEMA, OPT_SYMBOL, OPT_TABLES,
	OPT_TIME_UNIT, OPT_TZ, OPT_VALUE_MAP
};

/* The commands, and which options each takes. */
enum cmd { CMD_POSITIONS, CMD_TRADES, CMD_KLINES, CMD_TABLE };
#define FOR_JSON	(1u << CMD_POSITIONS | 1u << CMD_TRADES)
#define FOR_KLINES	(1u << CMD_KLINES)
#define FOR_TABLE	(1u << CMD_TABLE)
#define FOR_ALL		(FOR_JSON | FOR_KLINES | FOR_TABLE)

static const struct { int opt; const char *name; unsigned cmds; } scope[] = {
	{ OPT_BATCH, "--batch-size", FOR_KLINES | FOR_TABLE },
	{ OPT_CREATE_VIEWS, "--create-views", FOR_KLINES },
	{ OPT_DROP_SOURCE, "--drop-source", FOR_KLINES | FOR_TABLE },
	{ OPT_EXCHANGE, "--exchange", FOR_JSON | FOR_TABLE },
	{ OPT_IF_EMPTY, "--if-empty", FOR_JSON },
	{ OPT_INTERVAL, "--interval", FOR_TABLE },
	{ OPT_KIND, "--kind", FOR_TABLE },
	{ OPT_MAP, "--map", FOR_JSON | FOR_TABLE },
	{ OPT_MAX_SIZE, "--max-size", FOR_JSON },
	{ OPT_MODE, "--mode", FOR_JSON },
	{ OPT_NO_BACKUP, "--no-backup", FOR_JSON },
	{ OPT_PATH, "--path", FOR_JSON },
	{ OPT_PRESET, "--preset", FOR_JSON },
	{ OPT_NO_REFRESH, "--no-refresh", FOR_KLINES | FOR_TABLE },
	{ OPT_PROGRESS, "--progress", FOR_KLINES | FOR_TABLE },
	{ OPT_SOURCE, "--source", FOR_JSON },
	{ OPT_SOURCE_SCHEMA, "--source-schema", FOR_KLINES },
	{ OPT_SYMBOL, "--symbol", FOR_TABLE },
	{ OPT_TABLES, "--tables", FOR_KLINES },
	{ OPT_TIME_UNIT, "--time-unit", FOR_JSON | FOR_TABLE },
	{ OPT_TZ, "--tz", FOR_JSON | FOR_TABLE },
	{ OPT_VALUE_MAP, "--value-map", FOR_JSON },
	{ 'F', "--format", FOR_ALL },
	{ 't', "--no-header", FOR_ALL },
};

static const char *const cmd_names[] = { "positions", "trades", "klines",
	"table" };

/* Everything the command line said. */
struct args {
	enum cmd cmd;
	bool given[0x200];
	const char *exchange, *interval, *kind, *mode, *path, *preset;
	const char *source, *source_schema, *symbol, *tables, *tz;
	enum tsm_time_unit unit;
	uint64_t max_size;
	long batch;
	bool create_views, drop_source, dry_run, if_empty, backup, progress;
	bool refresh;
	enum tsm_format format;
	bool header;
	const char **maps, **vmaps;
	int nmaps, nvmaps;
	char **operands;
	int noperands;
};

static bool
push(const char ***list, int *n, const char *s)
{
	const char **nl = realloc(*list, (size_t)(*n + 1) * sizeof(*nl));

	if (nl == NULL) {
		tsm_error("out of memory");
		return false;
	}
	nl[(*n)++] = s;
	*list = nl;
	return true;
}

/* Reads the command line; false after a usage error. */
static bool
parse_args(int argc, char **argv, struct tsm_conn_opts *co, struct args *a)
{
	static const struct option longopts[] = {
		TSM_CONN_LONGOPTS,
		{ "batch-size", required_argument, NULL, OPT_BATCH },
		{ "create-views", no_argument, NULL, OPT_CREATE_VIEWS },
		{ "drop-source", no_argument, NULL, OPT_DROP_SOURCE },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "exchange", required_argument, NULL, OPT_EXCHANGE },
		{ "format", required_argument, NULL, 'F' },
		{ "if-empty", no_argument, NULL, OPT_IF_EMPTY },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "map", required_argument, NULL, OPT_MAP },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "no-backup", no_argument, NULL, OPT_NO_BACKUP },
		{ "no-header", no_argument, NULL, 't' },
		{ "no-refresh", no_argument, NULL, OPT_NO_REFRESH },
		{ "path", required_argument, NULL, OPT_PATH },
		{ "preset", required_argument, NULL, OPT_PRESET },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "source-schema", required_argument, NULL, OPT_SOURCE_SCHEMA },
		{ "symbol", required_argument, NULL, OPT_SYMBOL },
		{ "tables", required_argument, NULL, OPT_TABLES },
		{ "time-unit", required_argument, NULL, OPT_TIME_UNIT },
		{ "tz", required_argument, NULL, OPT_TZ },
		{ "value-map", required_argument, NULL, OPT_VALUE_MAP },
		{ NULL, 0, NULL, 0 }
	};
	int c, i;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" TSM_CONN_SHORTOPTS "F:qt",
	    longopts, NULL)) != -1) {
		if (tsm_conn_option(co, c, optarg))
			continue;
		if (c >= 0 && c < 0x200)
			a->given[c] = true;
		switch (c) {
		case OPT_BATCH: {
			char *end;

			a->batch = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || a->batch < 1 ||
			    a->batch > 100000000) {
				tsm_usage_error("--batch-size takes a whole "
				    "number from 1 to 100000000, not \"%s\"",
				    optarg);
				return false;
			}
			break;
		}
		case OPT_CREATE_VIEWS: a->create_views = true; break;
		case OPT_DROP_SOURCE: a->drop_source = true; break;
		case OPT_DRY_RUN: a->dry_run = true; break;
		case OPT_EXCHANGE:
			if (*optarg == '\0') {
				tsm_usage_error("--exchange is empty");
				return false;
			}
			a->exchange = optarg;
			break;
		case 'F':
			if (!tsm_format_parse(optarg, &a->format)) {
				tsm_usage_error("-F takes csv, tsv, table or "
				    "json, not \"%s\"", optarg);
				return false;
			}
			break;
		case OPT_IF_EMPTY: a->if_empty = true; break;
		case OPT_INTERVAL: a->interval = optarg; break;
		case OPT_KIND: a->kind = optarg; break;
		case OPT_MAP:
			if (!push(&a->maps, &a->nmaps, optarg))
				return false;
			break;
		case OPT_MAX_SIZE:
			if (!tsm_parse_size(optarg, &a->max_size)) {
				tsm_usage_error("--max-size takes a size such "
				    "as 64M, 1G or 500k, not \"%s\"", optarg);
				return false;
			}
			break;
		case OPT_MODE:
			if (strcmp(optarg, "paper") != 0 &&
			    strcmp(optarg, "live") != 0) {
				tsm_usage_error("--mode takes paper or live, "
				    "not \"%s\"", optarg);
				return false;
			}
			a->mode = optarg;
			break;
		case OPT_NO_BACKUP: a->backup = false; break;
		case OPT_NO_REFRESH: a->refresh = false; break;
		case OPT_PATH: a->path = optarg; break;
		case OPT_PRESET: a->preset = optarg; break;
		case OPT_PROGRESS: a->progress = true; break;
		case 'q': tsm_quiet = true; break;
		case OPT_SOURCE:
			if (*optarg == '\0') {
				tsm_usage_error("--source is empty");
				return false;
			}
			a->source = optarg;
			break;
		case OPT_SOURCE_SCHEMA: a->source_schema = optarg; break;
		case OPT_SYMBOL: a->symbol = optarg; break;
		case 't': a->header = false; break;
		case OPT_TABLES: a->tables = optarg; break;
		case OPT_TIME_UNIT:
			if (!tsm_time_unit_parse(optarg, &a->unit)) {
				tsm_usage_error("--time-unit takes s, ms, us "
				    "or ns, not \"%s\"", optarg);
				return false;
			}
			break;
		case OPT_TZ:
			if (!tsm_tz_valid(optarg)) {
				tsm_usage_error("--tz: unknown time zone "
				    "\"%s\"", optarg);
				tsm_hint("give an IANA zone name such as "
				    "Europe/Berlin or UTC");
				return false;
			}
			a->tz = optarg;
			break;
		case OPT_VALUE_MAP:
			if (!push(&a->vmaps, &a->nvmaps, optarg))
				return false;
			break;
		default:
			tsm_bad_option(c, argv, longopts);
			return false;
		}
	}
	if (optind >= argc) {
		tsm_usage_error("a command is needed: positions, trades, "
		    "klines or table");
		return false;
	}
	for (i = 0; i < 4; i++)
		if (strcmp(argv[optind], cmd_names[i]) == 0)
			break;
	if (i == 4) {
		tsm_usage_error("unknown command \"%s\": positions, trades, "
		    "klines or table", argv[optind]);
		return false;
	}
	a->cmd = (enum cmd)i;
	a->operands = argv + optind + 1;
	a->noperands = argc - optind - 1;
	for (size_t k = 0; k < sizeof(scope) / sizeof(scope[0]); k++)
		if (a->given[scope[k].opt] &&
		    !(scope[k].cmds & (1u << a->cmd))) {
			tsm_usage_error("%s is not an option of %s",
			    scope[k].name, cmd_names[a->cmd]);
			return false;
		}
	return tsm_schema_name_ok(co->schema);
}

/* positions and trades: the usage checks, then the migration. */
static int
run_json(const struct tsm_conn_opts *co, struct args *a)
{
	enum tsm_rec_kind kind = a->cmd == CMD_POSITIONS ? TSM_REC_POSITIONS :
	    TSM_REC_TRADES;
	struct tsm_recopts ro;
	struct tsm_recmap map;
	struct tsm_jpath path;
	struct tsm_recload_opts lo;
	bool have_path = false, stdin_seen = false;
	int status = TSM_EXIT_USAGE;

	tsm_recmap_init(&map, kind);
	memset(&path, 0, sizeof(path));
	if (a->noperands == 0) {
		tsm_usage_error("give the JSON files to migrate: tsm-migrate "
		    "%s FILE...", cmd_names[a->cmd]);
		goto out;
	}
	for (int i = 0; i < a->noperands; i++) {
		if (strcmp(a->operands[i], "-") != 0)
			continue;
		if (stdin_seen) {
			tsm_usage_error("\"-\" (stdin) is given twice");
			goto out;
		}
		stdin_seen = true;
		if (a->source == NULL) {
			tsm_usage_error("reading stdin needs --source to name "
			    "where the records come from");
			goto out;
		}
	}
	memset(&ro, 0, sizeof(ro));
	ro.preset = a->preset;
	ro.path = a->path;
	ro.maps = a->maps;
	ro.nmaps = a->nmaps;
	ro.vmaps = a->vmaps;
	ro.nvmaps = a->nvmaps;
	ro.mode = a->mode;
	ro.exchange = a->exchange;
	ro.tz = a->tz;
	ro.unit = a->unit;
	if (!tsm_recmap_from_opts(&map, &ro, &path, &have_path))
		goto out;

	memset(&lo, 0, sizeof(lo));
	lo.schema = co->schema;
	lo.map = &map;
	lo.path = have_path ? &path : NULL;
	lo.source = a->source;
	lo.max_bytes = a->max_size;
	lo.dry_run = a->dry_run;
	lo.if_empty = a->if_empty;
	lo.backup = a->backup;
	lo.format = a->format;
	lo.header = a->header;
	status = tsm_migrate_records(co, &lo, a->operands, a->noperands);
out:
	tsm_recmap_free(&map);
	tsm_jpath_free(&path);
	return status;
}

/* The options of klines and table, for lib/moves.c. */
static void
moves_opts(const struct args *a, struct tsm_moves_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->source_schema = a->source_schema;
	o->tables = a->tables;
	o->source = a->noperands > 0 ? a->operands[0] : NULL;
	o->kind = a->kind;
	o->exchange = a->exchange;
	o->symbol = a->symbol;
	o->maps = a->maps;
	o->nmaps = a->nmaps;
	o->tz = a->tz;
	o->unit = a->unit;
	o->batch = a->batch;
	o->progress = a->progress;
	o->refresh = a->refresh;
	o->create_views = a->create_views;
	o->drop_source = a->drop_source;
	o->dry_run = a->dry_run;
	o->format = a->format;
	o->header = a->header;
}

/* klines: the usage checks, then the move. */
static int
run_klines(const struct tsm_conn_opts *co, const struct args *a)
{
	struct tsm_moves_opts o;

	if (a->noperands > 0) {
		tsm_usage_error("unexpected argument \"%s\": klines finds its "
		    "tables with --tables", a->operands[0]);
		return TSM_EXIT_USAGE;
	}
	moves_opts(a, &o);
	return tsm_migrate_klines(co, &o);
}

/* table: the usage checks, then the move. */
static int
run_table(const struct tsm_conn_opts *co, const struct args *a)
{
	struct tsm_moves_opts o;
	struct tsm_timeframe tf;
	const char *why;

	if (a->noperands != 1) {
		if (a->noperands == 0)
			tsm_usage_error("give the table to move: tsm-migrate "
			    "table --kind=KIND SOURCE");
		else
			tsm_usage_error("unexpected argument \"%s\": table "
			    "moves one table", a->operands[1]);
		return TSM_EXIT_USAGE;
	}
	if (a->kind == NULL) {
		tsm_usage_error("table needs --kind: candles, ticks, greeks, "
		    "sentiment, flows, metrics or indicators");
		return TSM_EXIT_USAGE;
	}
	if ((a->exchange == NULL) != (a->symbol == NULL)) {
		tsm_usage_error("--exchange and --symbol go together");
		return TSM_EXIT_USAGE;
	}
	for (int i = 0; i < a->nmaps; i++) {
		const char *eq = strchr(a->maps[i], '=');

		if (eq == NULL || eq == a->maps[i] || eq[1] == '\0') {
			tsm_usage_error("--map takes COLUMN=SOURCE, not \"%s\"",
			    a->maps[i]);
			return TSM_EXIT_USAGE;
		}
	}
	moves_opts(a, &o);
	if (a->interval != NULL) {
		if (!tsm_parse_timeframe(a->interval, &tf, &why)) {
			tsm_usage_error("--interval: \"%s\" %s", a->interval,
			    why);
			return TSM_EXIT_USAGE;
		}
		o.interval = tf.code;
	}
	return tsm_migrate_table(co, &o);
}


int
main(int argc, char **argv)
{
	struct tsm_conn_opts co;
	struct args a;
	int status;

	tsm_log_init(argv[0]);
	tsm_conn_opts_init(&co);
	memset(&a, 0, sizeof(a));
	a.max_size = (uint64_t)64 * 1024 * 1024;
	a.batch = 20000;
	a.backup = true;
	a.refresh = true;
	a.header = true;
	a.format = TSM_FMT_CSV;
	a.progress = isatty(STDERR_FILENO);

	if (tsm_help_or_version(argc, argv, help))
		return TSM_EXIT_OK;
	if (!parse_args(argc, argv, &co, &a)) {
		free(a.maps);
		free(a.vmaps);
		return TSM_EXIT_USAGE;
	}
	if (tsm_quiet && !a.given[OPT_PROGRESS])
		a.progress = false;
	switch (a.cmd) {
	case CMD_POSITIONS:
	case CMD_TRADES:
		status = run_json(&co, &a);
		break;
	case CMD_KLINES:
		status = run_klines(&co, &a);
		break;
	default:
		status = run_table(&co, &a);
	}
	free(a.maps);
	free(a.vmaps);
	return status;
}

