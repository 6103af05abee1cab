/*
 * tsm-backtest: run a trading strategy over candles, from standard input
 * or the database, and report backtesting.py's metrics; write the trades,
 * the equity curve and a chart; optimise parameters over a grid, also
 * walking forward; store runs in the database.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "age.h"
#include "btjob.h"
#include "btopts.h"
#include "cancel.h"
#include "candles.h"
#include "candles_db.h"
#include "cliopt.h"
#include "conn.h"
#include "db.h"
#include "grid.h"
#include "log.h"
#include "metrics.h"
#include "num.h"
#include "out.h"
#include "schema.h"
#include "strategy.h"
#include "timeparse.h"

static void
help(void)
{
	printf("tsm-backtest runs a trading strategy over candles and reports "
	    "its metrics.\n\n");
	printf("Usage:\n  tsm-backtest [OPTION]... [FILE]\n");
	printf("  tsm-backtest [OPTION]... --symbol=SYMBOL "
	    "[--interval=INTERVAL]\n\n");
	printf("Candles come from FILE or standard input as CSV with the "
	    "columns time, open,\nhigh, low, close (as tsm-query ohlcv "
	    "writes them), or from the database.\n");
	printf("\nStrategy:\n");
	printf("  -s, --strategy=NAME      sma-cross (default), ema-cross, "
	    "rsi, bbands, macd,\n"
	    "                           buy-hold\n");
	printf("      --fast=N             fast period (sma-cross 10, "
	    "ema-cross and macd 12)\n");
	printf("      --k=X                bbands width in standard "
	    "deviations (2)\n");
	printf("      --lower=X            rsi level to buy below (30)\n");
	printf("      --period=N           rsi (14) and bbands (20) period\n");
	printf("      --short              go short on sell signals (default: "
	    "long only)\n");
	printf("      --signal=N           macd signal period (9)\n");
	printf("      --slow=N             slow period (sma-cross 20, "
	    "ema-cross and macd 26)\n");
	printf("      --upper=X            rsi level to sell above (70)\n");
	printf("\nExecution:\n");
	printf("      --capital=CASH       initial capital (default 10000)\n");
	printf("      --close-at-end       close the open trade on the last "
	    "bar\n");
	printf("      --commission=RATE    fee of a fill, of its value: 0.001 "
	    "or 0.1%%\n");
	printf("      --commission-fixed=CASH\n"
	    "                           cash added to the fee of every "
	    "fill\n");
	printf("      --commission-min=CASH\n"
	    "                           the least fee of a fill\n");
	printf("      --fill=WHEN          open (of the next bar, default) or "
	    "close\n");
	printf("      --fractional[=STEP]  trade fractions of a unit, in "
	    "STEPs (1e-8)\n");
	printf("      --size=FRACTION      of the equity per entry (default 1: "
	    "all of it)\n");
	printf("      --slippage=BPS       basis points against every market "
	    "fill\n");
	printf("      --spread=RATE        bid-ask spread, paid on entry\n");
	printf("      --stop-loss=PCT      exit PCT percent below (short: "
	    "above) the entry\n");
	printf("      --take-profit=PCT    exit PCT percent above (short: "
	    "below) the entry\n");
	printf("      --trailing-stop=PCT  a stop PCT percent behind the best "
	    "close\n");
	printf("      --units=N            a fixed quantity per entry, not "
	    "--size\n");
	printf("\nMetrics and output:\n");
	printf("      --annualization=N    252, 365 or auto (default: 365 "
	    "if weekends trade)\n");
	printf("      --equity=FILE        write the equity curve as CSV\n");
	printf("  -F, --format=FORMAT      csv (default), tsv, table or "
	    "json\n");
	printf("      --plot=FILE          write an SVG chart: price, trades, "
	    "equity, drawdown\n");
	printf("  -q, --quiet              no notes on stderr\n");
	printf("      --save               store the run in the database\n");
	printf("  -t, --no-header          no header row\n");
	printf("      --trades=FILE        write the trades as CSV\n");
	printf("\nOptimisation:\n");
	printf("      --constraint=EXPR    keep parameter sets where EXPR "
	    "holds: fast<slow\n");
	printf("      --grid=SPEC          values to try: "
	    "fast=5:50:5,slow=20,50,100\n");
	printf("  -j, --jobs=N             worker processes (default 1)\n");
	printf("      --maximize=METRIC    sqn (default), sharpe, return, "
	    "calmar, ...\n");
	printf("      --walk-forward=train=AGE,test=AGE\n"
	    "                           optimise on each window, test on the "
	    "next\n");
	printf("\nInput:\n");
	printf("      --columns=LIST       the columns of a headerless "
	    "file\n");
	printf("      --time-unit=UNIT     epoch times in s, ms, us or ns "
	    "(default: by size)\n");
	printf("      --tsv                the input is TSV, not CSV\n");
	printf("      --tz=ZONE            the zone of times written without "
	    "one (UTC)\n");
	printf("\nFrom the database:\n");
	printf("      --exchange=NAME      the symbol's exchange, where "
	    "several list it\n");
	printf("      --from=TIME          candles from TIME on\n");
	printf("      --interval=INTERVAL  candle interval: 1m, 5m, 1h, 1d "
	    "...\n");
	printf("      --symbol=SYMBOL      read the candles of SYMBOL\n");
	printf("      --to=TIME            candles before TIME\n");
	printf("\n  -V, --version            output version information, then "
	    "exit\n");
	printf("  -?, --help               show this help, then exit\n");
	printf("%s", TSM_CONN_HELP);
	printf("\nExit status: 0 done, 1 failed, 2 usage, 3 no "
	    "connection.\n");
}

enum {
	OPT_ANNUAL = 0x100, OPT_CAPITAL, OPT_CLOSE_END, OPT_COLUMNS,
	OPT_COMMISSION, OPT_COMM_FIXED, OPT_COMM_MIN, OPT_CONSTRAINT,
	OPT_EQUITY, OPT_EXCHANGE, OPT_FILL, OPT_FRACTIONAL, OPT_FROM,
	OPT_GRID, OPT_INTERVAL, OPT_MAXIMIZE, OPT_PLOT, OPT_SAVE, OPT_SHORT,
	OPT_SIZE, OPT_SLIPPAGE, OPT_SPREAD, OPT_STOP, OPT_SYMBOL,
	OPT_TAKE, OPT_TIME_UNIT, OPT_TO, OPT_TRADES, OPT_TRAIL, OPT_TSV,
	OPT_TZ, OPT_UNITS, OPT_WALK,
	OPT_PARAM = 0x200	/* + the index in param_names */
};

/* The strategy parameters that are options, by name. */
static const char *const param_names[] = { "fast", "slow", "period",
	"lower", "upper", "k", "signal" };
#define NPARAMNAMES (sizeof(param_names) / sizeof(param_names[0]))

/* Everything the command line says. */
struct config {
	struct tsm_conn_opts conn;
	const struct tsm_strategy_def *def;
	const char *param_text[NPARAMNAMES];
	struct tsm_bt_settings s;
	bool fractional;
	int annual;
	enum tsm_format format;
	bool header;
	const char *equity_path, *plot_path, *trades_path;
	bool save;
	const char *grid, *maximize, *walk;
	const char *constraints[16];
	int nconstraints;
	long jobs;
	struct tsm_candle_read_opts in;
	const char *file;
	const char *symbol, *exchange, *interval, *from, *to;
	int64_t from_t, to_t;
};

/* Reports a bad option value and returns false. */
static bool
bad_value(const char *opt, const char *arg, const char *why)
{
	tsm_usage_error("--%s: \"%s\" %s", opt, arg, why);
	return false;
}

/* Takes one option that is not a connection option. */
static bool
take_option(struct config *cf, int c, const char *arg)
{
	const char *why;
	double v;

	if (c >= OPT_PARAM && c < OPT_PARAM + (int)NPARAMNAMES) {
		cf->param_text[c - OPT_PARAM] = arg;
		return true;
	}
	switch (c) {
	case 's':
		if ((cf->def = tsm_strategy_find(arg)) == NULL) {
			tsm_usage_error("unknown strategy \"%s\"", arg);
			tsm_hint("the strategies are %s", tsm_strategy_list());
			return false;
		}
		return true;
	case OPT_SHORT:
		cf->s.allow_short = true;
		return true;
	case OPT_CAPITAL:
		return tsm_parse_positive(arg, &cf->s.cash, &why) ||
		    bad_value("capital", arg, why);
	case OPT_CLOSE_END:
		cf->s.close_at_end = true;
		return true;
	case OPT_COMMISSION:
		return tsm_parse_rate(arg, 0.1, &cf->s.commission, &why) ||
		    bad_value("commission", arg, why);
	case OPT_COMM_FIXED:
		return tsm_parse_nonneg(arg, &cf->s.commission_fixed, &why) ||
		    bad_value("commission-fixed", arg, why);
	case OPT_COMM_MIN:
		return tsm_parse_nonneg(arg, &cf->s.commission_min, &why) ||
		    bad_value("commission-min", arg, why);
	case OPT_FILL:
		if (strcmp(arg, "open") == 0)
			cf->s.fill = TSM_FILL_OPEN;
		else if (strcmp(arg, "close") == 0)
			cf->s.fill = TSM_FILL_CLOSE;
		else
			return bad_value("fill", arg, "is not open or close");
		return true;
	case OPT_FRACTIONAL:
		cf->fractional = true;
		cf->s.step = 1e-8;
		if (arg != NULL && (!tsm_parse_positive(arg, &cf->s.step, &why) ||
		    cf->s.step > 1))
			return bad_value("fractional", arg, cf->s.step > 1 ?
			    "must be at most 1" : why);
		return true;
	case OPT_SIZE:
		if (!tsm_parse_rate(arg, 1.0000001, &v, &why) || v == 0)
			return bad_value("size", arg, v == 0 ?
			    "must be above 0" : "must be a fraction of the "
			    "equity above 0, at most 1 (100%)");
		cf->s.size = v > 1 ? 1 : v;
		return true;
	case OPT_SLIPPAGE:
		if (!tsm_parse_nonneg(arg, &v, &why) || v >= 10000)
			return bad_value("slippage", arg, v >= 10000 ?
			    "must be below 10000 basis points" : why);
		cf->s.slippage = v / 10000;
		return true;
	case OPT_SPREAD:
		return tsm_parse_rate(arg, 1, &cf->s.spread, &why) ||
		    bad_value("spread", arg, why);
	case OPT_STOP:
		return tsm_parse_percent(arg, &cf->s.stop_loss, &why) ||
		    bad_value("stop-loss", arg, why);
	case OPT_TAKE:
		return tsm_parse_percent(arg, &cf->s.take_profit, &why) ||
		    bad_value("take-profit", arg, why);
	case OPT_TRAIL:
		return tsm_parse_percent(arg, &cf->s.trailing, &why) ||
		    bad_value("trailing-stop", arg, why);
	case OPT_UNITS:
		return tsm_parse_positive(arg, &cf->s.units, &why) ||
		    bad_value("units", arg, why);
	case OPT_ANNUAL:
		if (strcmp(arg, "auto") == 0)
			cf->annual = 0;
		else if (strcmp(arg, "252") == 0 || strcmp(arg, "365") == 0)
			cf->annual = atoi(arg);
		else
			return bad_value("annualization", arg,
			    "is not 252, 365 or auto");
		return true;
	case OPT_EQUITY:
		cf->equity_path = arg;
		return true;
	case 'F':
		return tsm_format_parse(arg, &cf->format) ||
		    bad_value("format", arg, "is not csv, tsv, table or json");
	case OPT_PLOT:
		cf->plot_path = arg;
		return true;
	case 'q':
		tsm_quiet = true;
		return true;
	case OPT_SAVE:
		cf->save = true;
		return true;
	case 't':
		cf->header = false;
		return true;
	case OPT_TRADES:
		cf->trades_path = arg;
		return true;
	case OPT_CONSTRAINT:
		if (cf->nconstraints == 16) {
			tsm_usage_error("at most 16 --constraint options");
			return false;
		}
		cf->constraints[cf->nconstraints++] = arg;
		return true;
	case OPT_GRID:
		cf->grid = arg;
		return true;
	case 'j': {
		const char *w;

		return tsm_parse_count(arg, 256, &cf->jobs, &w) ||
		    bad_value("jobs", arg, "is not a whole number from 1 to "
		    "256");
	}
	case OPT_MAXIMIZE:
		cf->maximize = arg;
		return true;
	case OPT_WALK:
		cf->walk = arg;
		return true;
	case OPT_COLUMNS:
		cf->in.columns = arg;
		return true;
	case OPT_TIME_UNIT:
		return tsm_time_unit_parse(arg, &cf->in.time.unit) ||
		    bad_value("time-unit", arg, "is not s, ms, us or ns");
	case OPT_TSV:
		cf->in.tsv = true;
		return true;
	case OPT_TZ:
		if (!tsm_tz_valid(arg))
			return bad_value("tz", arg, "is not a known time zone");
		cf->in.time.tz = arg;
		return true;
	case OPT_EXCHANGE:
		cf->exchange = arg;
		return true;
	case OPT_FROM:
		cf->from = arg;
		return tsm_parse_time(arg, strlen(arg), NULL, &cf->from_t,
		    &why) || bad_value("from", arg, why);
	case OPT_INTERVAL:
		cf->interval = arg;
		return true;
	case OPT_SYMBOL:
		cf->symbol = arg;
		return true;
	case OPT_TO:
		cf->to = arg;
		return tsm_parse_time(arg, strlen(arg), NULL, &cf->to_t, &why) ||
		    bad_value("to", arg, why);
	}
	return false;
}

/* Reads the command line into cf; false after a usage error. */
static bool
parse_args(int argc, char **argv, struct config *cf)
{
	static struct option longopts[] = {
		TSM_CONN_LONGOPTS,
		{ "annualization", required_argument, NULL, OPT_ANNUAL },
		{ "capital", required_argument, NULL, OPT_CAPITAL },
		{ "close-at-end", no_argument, NULL, OPT_CLOSE_END },
		{ "columns", required_argument, NULL, OPT_COLUMNS },
		{ "commission", required_argument, NULL, OPT_COMMISSION },
		{ "commission-fixed", required_argument, NULL, OPT_COMM_FIXED },
		{ "commission-min", required_argument, NULL, OPT_COMM_MIN },
		{ "constraint", required_argument, NULL, OPT_CONSTRAINT },
		{ "equity", required_argument, NULL, OPT_EQUITY },
		{ "exchange", required_argument, NULL, OPT_EXCHANGE },
		{ "fill", required_argument, NULL, OPT_FILL },
		{ "format", required_argument, NULL, 'F' },
		{ "fractional", optional_argument, NULL, OPT_FRACTIONAL },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "grid", required_argument, NULL, OPT_GRID },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "jobs", required_argument, NULL, 'j' },
		{ "maximize", required_argument, NULL, OPT_MAXIMIZE },
		{ "no-header", no_argument, NULL, 't' },
		{ "plot", required_argument, NULL, OPT_PLOT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "save", no_argument, NULL, OPT_SAVE },
		{ "short", no_argument, NULL, OPT_SHORT },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "slippage", required_argument, NULL, OPT_SLIPPAGE },
		{ "spread", required_argument, NULL, OPT_SPREAD },
		{ "stop-loss", required_argument, NULL, OPT_STOP },
		{ "strategy", required_argument, NULL, 's' },
		{ "symbol", required_argument, NULL, OPT_SYMBOL },
		{ "take-profit", required_argument, NULL, OPT_TAKE },
		{ "time-unit", required_argument, NULL, OPT_TIME_UNIT },
		{ "to", required_argument, NULL, OPT_TO },
		{ "trades", required_argument, NULL, OPT_TRADES },
		{ "trailing-stop", required_argument, NULL, OPT_TRAIL },
		{ "tsv", no_argument, NULL, OPT_TSV },
		{ "tz", required_argument, NULL, OPT_TZ },
		{ "units", required_argument, NULL, OPT_UNITS },
		{ "walk-forward", required_argument, NULL, OPT_WALK },
		{ "fast", required_argument, NULL, OPT_PARAM + 0 },
		{ "slow", required_argument, NULL, OPT_PARAM + 1 },
		{ "period", required_argument, NULL, OPT_PARAM + 2 },
		{ "lower", required_argument, NULL, OPT_PARAM + 3 },
		{ "upper", required_argument, NULL, OPT_PARAM + 4 },
		{ "k", required_argument, NULL, OPT_PARAM + 5 },
		{ "signal", required_argument, NULL, OPT_PARAM + 6 },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" TSM_CONN_SHORTOPTS "F:j:qs:t",
	    longopts, NULL)) != -1) {
		if (tsm_conn_option(&cf->conn, c, optarg))
			continue;
		if (c == '?' || c == ':') {
			tsm_bad_option(c, argv, longopts);
			return false;
		}
		if (!take_option(cf, c, optarg))
			return false;
	}
	if (optind < argc)
		cf->file = argv[optind++];
	if (optind < argc) {
		tsm_usage_error("unexpected argument \"%s\"", argv[optind]);
		return false;
	}
	return true;
}

/* Applies the parameter options to st; false after a usage error. */
static bool
set_params(const struct config *cf, struct tsm_strategy *st)
{
	tsm_strategy_init(st, cf->def);
	for (size_t j = 0; j < NPARAMNAMES; j++)
		if (cf->param_text[j] != NULL &&
		    !tsm_strategy_set(st, param_names[j], cf->param_text[j]))
			return false;
	return true;
}

/* Parses --grid and the constraints into the job. */
static bool
parse_grid(const struct config *cf, struct tsm_bt_job *job, char *cons,
    size_t conssize)
{
	size_t n = 0;

	if (cf->grid != NULL) {
		if (!tsm_grid_parse(cf->grid, cf->def, &job->grid))
			return false;
		job->has_grid = true;
		job->grid_text = cf->grid;
	}
	if (cf->nconstraints > 0 && cf->grid == NULL) {
		tsm_usage_error("--constraint needs --grid");
		return false;
	}
	cons[0] = '\0';
	for (int k = 0; k < cf->nconstraints; k++) {
		job->cons[k] = tsm_constraint_parse(cf->constraints[k], cf->def);
		if (job->cons[k] == NULL)
			return false;
		job->ncons = k + 1;
		n += (size_t)snprintf(cons + n, conssize > n ? conssize - n : 0,
		    "%s%s", k ? ", " : "", cf->constraints[k]);
	}
	job->cons_text = cf->nconstraints ? cons : NULL;
	return true;
}

/* Checks what the options say together and fills the job. */
static bool
check_config(struct config *cf, struct tsm_bt_job *job, char *cons,
    size_t conssize)
{
	const char *m = cf->maximize ? cf->maximize : "sqn";

	if (!set_params(cf, &job->st))
		return false;
	job->s = cf->s;
	job->annual_days = cf->annual;
	job->fractional = cf->fractional;
	job->format = cf->format;
	job->header = cf->header;
	job->trades_path = cf->trades_path;
	job->equity_path = cf->equity_path;
	job->plot_path = cf->plot_path;
	job->save = cf->save;
	job->jobs = (int)cf->jobs;
	if ((job->metric = tsm_metric_find(m)) < 0 ||
	    tsm_metric_kind(job->metric) == TSM_MK_TIME) {
		tsm_usage_error("--maximize: unknown metric \"%s\"", m);
		tsm_hint("maximize one of the metrics tsm-backtest prints, "
		    "such as sqn, sharpe, sortino, calmar, return_pct, "
		    "equity_final");
		return false;
	}
	if (!parse_grid(cf, job, cons, conssize))
		return false;
	if (cf->walk != NULL) {
		if (!tsm_parse_walk_forward(cf->walk, &job->train, &job->test))
			return false;
		job->walk = true;
		job->walk_text = cf->walk;
	}
	if (!tsm_bt_settings_check(&cf->s, cf->fractional))
		return false;
	if (cf->symbol == NULL && (cf->interval || cf->from || cf->to ||
	    cf->exchange)) {
		tsm_usage_error("--interval, --from, --to and --exchange "
		    "need --symbol");
		return false;
	}
	if (cf->symbol != NULL && cf->file != NULL) {
		tsm_usage_error("read candles from the database (--symbol) or "
		    "from \"%s\", not both", cf->file);
		return false;
	}
	if (cf->from && cf->to && cf->to_t <= cf->from_t) {
		tsm_usage_error("--to must be after --from");
		return false;
	}
	return tsm_schema_name_ok(cf->conn.schema) && tsm_bt_job_sets(job);
}

/* Reads the candles of --symbol from the database. */
static bool
read_db(const struct config *cf, PGconn *conn, bool native,
    struct tsm_candles *c, struct tsm_candle_source *src,
    struct tsm_candle_query *q)
{
	const char *why;

	memset(q, 0, sizeof(*q));
	q->schema = cf->conn.schema;
	q->symbol = cf->symbol;
	q->exchange = cf->exchange;
	q->from = cf->from ? cf->from_t : INT64_MIN;
	q->to = cf->to ? cf->to_t : INT64_MAX;
	q->native = native;
	if (!tsm_parse_timeframe(cf->interval ? cf->interval : "1m", &q->tf,
	    &why)) {
		tsm_usage_error("--interval: \"%s\" %s", cf->interval, why);
		return false;
	}
	return tsm_candles_from_db(conn, q, c, src);
}

int
main(int argc, char **argv)
{
	static struct config cf;
	static struct tsm_bt_job job;
	struct tsm_candles c;
	struct tsm_candle_source src;
	struct tsm_candle_query q;
	struct tsm_schema_state st;
	char cons[1024], code[32];
	PGconn *conn = NULL;
	int status = TSM_EXIT_FAIL;

	tsm_log_init(argv[0]);
	memset(&c, 0, sizeof(c));
	tsm_conn_opts_init(&cf.conn);
	tsm_bt_defaults(&cf.s);
	cf.def = tsm_strategy_find("sma-cross");
	cf.format = TSM_FMT_CSV;
	cf.header = true;
	cf.jobs = 1;

	if (tsm_help_or_version(argc, argv, help))
		return TSM_EXIT_OK;
	if (!parse_args(argc, argv, &cf) ||
	    !check_config(&cf, &job, cons, sizeof(cons))) {
		tsm_bt_job_free(&job);
		return TSM_EXIT_USAGE;
	}
	if (cf.symbol != NULL && cf.interval != NULL) {
		struct tsm_timeframe tf;
		const char *why;

		if (!tsm_parse_timeframe(cf.interval, &tf, &why)) {
			tsm_usage_error("--interval: \"%s\" %s", cf.interval,
			    why);
			tsm_bt_job_free(&job);
			return TSM_EXIT_USAGE;
		}
	}
	tsm_cancel_init();
	if (cf.symbol != NULL || cf.save) {
		if ((conn = tsm_connect(&cf.conn)) == NULL) {
			tsm_bt_job_free(&job);
			return TSM_EXIT_CONNECT;
		}
		if (!tsm_schema_require(conn, cf.conn.schema, &st))
			goto out;
	}
	if (cf.symbol != NULL) {
		if (!read_db(&cf, conn, st.backend == TSM_BACKEND_NATIVE, &c,
		    &src, &q))
			goto out;
		job.info.instrument_id = src.instrument_id;
		job.info.symbol = cf.symbol;
		job.info.timeframe = q.tf.code;
		job.info.data_source = src.source;
	} else {
		if (!tsm_candles_read_path(cf.file, &cf.in, &c))
			goto out;
		job.info.data_source = cf.file && strcmp(cf.file, "-") ?
		    cf.file : "stdin";
	}
	{
		int64_t step = tsm_candles_note_gaps(&c);

		if (job.info.timeframe == NULL)
			job.info.timeframe = tsm_step_code(step, code,
			    sizeof(code));
	}
	job.info.schema = cf.conn.schema;
	job.info.range_from = c.time[0];
	job.info.range_to = c.time[c.n - 1];
	job.info.bars = c.n;
	job.info.settings = &job.s;
	job.info.annual_days = cf.annual;
	job.conn = conn;
	if (tsm_bt_job_check(&job, &c) && tsm_bt_job_run(&job, &c))
		status = TSM_EXIT_OK;
out:
	if (tsm_interrupted) {
		tsm_error("interrupted");
		status = TSM_EXIT_INTERRUPTED;
	} else if (status != TSM_EXIT_OK && conn != NULL) {
		status = tsm_exit_status(conn);
	}
	if (conn != NULL)
		tsm_disconnect(conn);
	tsm_candles_free(&c);
	tsm_bt_job_free(&job);
	return status;
}
