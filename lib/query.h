/*
 * query.h: what the subcommands of tsm-query share: the session, named
 * queries run with typed parameters, rows streamed to a writer, and the
 * instruments that symbols and watchlists name.
 *
 * Every function reports a failure where it happens and returns false,
 * NULL or -1; the caller only propagates, and cmd/tsm-query.c picks the
 * exit status (tsm_exit_status, or 1 for an empty answer with
 * --fail-empty).
 */
#ifndef TSM_QUERY_H
#define TSM_QUERY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <libpq-fe.h>

#include "age.h"
#include "out.h"
#include "schema.h"

/* Times given as INT64_MIN and INT64_MAX are -infinity and infinity. */
#define TSM_TIME_NONE_LO INT64_MIN
#define TSM_TIME_NONE_HI INT64_MAX

struct tsm_conn_opts;
struct tsm_ind_spec;

/* A session of tsm-query: the connection and how answers are written. */
struct tsm_qctx {
	PGconn *conn;
	const struct tsm_conn_opts *co;	/* for a second connection */
	const char *schema;
	enum tsm_backend backend;
	char ext[64];			/* TimescaleDB's schema, "" if none */
	FILE *out;			/* stdout */
	enum tsm_format format;
	bool header;
	bool explain;			/* say on stderr how it was answered */
	int fetch_size;			/* 0: single-row mode, else FETCH n;
					 * -1: one result (a short answer) */
	bool progress;			/* a progress line on long answers */
	bool progress_forced;		/* --progress: and a last line always */
	struct tsm_writer *w;		/* the answer's writer, once made */
	unsigned long long rows;	/* rows written by ended writers */
};

/*
 * Checks that the role may use the schema and SELECT from tables (names
 * within the schema; schema_migrations and meta always), that the
 * schema is tsm's and current (tsm_schema_require), and reads the
 * backend.  False after reporting what is wrong and what to do: the role
 * and the grant it lacks, or to run tsm-init.
 */
bool tsm_q_open(struct tsm_qctx *q, const char *const *tables, int n);

/* Typed parameters of a statement; at most TSM_Q_MAXPARAMS. */
#define TSM_Q_MAXPARAMS 16
struct tsm_params {
	int n;
	Oid types[TSM_Q_MAXPARAMS];
	const char *values[TSM_Q_MAXPARAMS];
	char buf[TSM_Q_MAXPARAMS][48];
};

void tsm_params_init(struct tsm_params *p);
void tsm_param_text(struct tsm_params *p, const char *s);	/* NULL ok */
void tsm_param_int(struct tsm_params *p, int64_t v);
void tsm_param_bool(struct tsm_params *p, bool v);
void tsm_param_time(struct tsm_params *p, int64_t t);	/* INT64_MIN/MAX */
void tsm_param_interval(struct tsm_params *p, int32_t months, int64_t usecs);
/* A value of type oid in its text form; text stays the caller's and
 * must live until the statement has run (arrays such as "{1,2,3}"). */
void tsm_param_raw(struct tsm_params *p, Oid type, const char *text);

/*
 * The text of a PostgreSQL array holding items ("{\"a\",\"b\"}"), for
 * a text[] parameter; the caller frees it.  NULL when memory is short.
 */
char *tsm_q_text_array(const char *const *items, int n);

/*
 * Expands a named file of sql/ with the session's variables (schema,
 * native, timescaledb, ext) and the extra ones given; the caller frees
 * the result.  NULL after reporting.
 */
struct tsm_sql_var;
char *tsm_q_sql(const struct tsm_qctx *q, const char *file,
    const struct tsm_sql_var *extra, int nextra);

/*
 * Expands "WITH bars AS (<bars>) <file>": a query over the routed bars.
 * bars is the text of a bars source (route.h); a file whose statement
 * has a WITH clause of its own gets bars as the first of its queries.
 * The caller frees the result.
 */
char *tsm_q_sql_over_bars(const struct tsm_qctx *q, const char *bars,
    const char *file, const struct tsm_sql_var *extra, int nextra);

/* Where the statement of SQL text begins: past spaces and "--" comments. */
const char *tsm_q_statement_start(const char *sql);

/* Runs a statement; the caller clears the result.  NULL after reporting. */
PGresult *tsm_q_exec(struct tsm_qctx *q, const char *sql,
    const struct tsm_params *p);

/*
 * Without --fetch-size, an answer of ohlcv known to hold at most
 * TSM_Q_WHOLE_ROWS rows comes in one result; a longer one
 * TSM_Q_FETCH_ROWS at a time through a cursor.
 */
#define TSM_Q_WHOLE_ROWS	10000
#define TSM_Q_FETCH_ROWS	1000

/*
 * Runs a statement and streams its rows to the session's writer, made
 * from the columns of the first answer (so that several statements with
 * the same columns make one answer).  Memory stays flat: rows come one by
 * one (single-row mode) or fetch_size at a time from a cursor.  Returns
 * the rows written, or -1 after reporting (the statement is cancelled
 * when the output fails).
 */
long long tsm_q_stream(struct tsm_qctx *q, const char *sql,
    const struct tsm_params *p);

/* A statement with parameters given as text (their types inferred). */
struct tsm_q_stmt {
	const char *sql;
	int nparams;
	const char *const *values;
};

/*
 * The same for a statement without parameters, through COPY ... TO
 * STDOUT where COPY takes it (a SELECT, WITH, VALUES or TABLE; the rows
 * path otherwise, or with a fetch size).  The npre statements of pre
 * (such as BEGIN READ ONLY) run first, in the same round trip as the
 * description of sql; csv and tsv go from COPY's text straight to the
 * output (query_copy.h).
 */
long long tsm_q_stream_copy(struct tsm_qctx *q, const struct tsm_q_stmt *pre,
    int npre, const char *sql);

/*
 * The same, but each row goes to fn instead of the writer, as its values
 * (NULL for SQL NULL, each NUL-terminated) and their lengths; fn returns
 * false to stop, after reporting.
 */
typedef bool (*tsm_row_fn)(void *ctx, const char *const *vals,
    const size_t *lens, int ncols);
long long tsm_q_each(struct tsm_qctx *q, const char *sql,
    const struct tsm_params *p, tsm_row_fn fn, void *ctx);

/*
 * Makes the session's writer for the given columns when there is none
 * yet (for answers made in C); false after reporting.
 */
bool tsm_q_writer(struct tsm_qctx *q, int ncols, const char *const *names,
    const enum tsm_coltype *types);

/* Ends the writer (footer, flush); false after a write error. */
bool tsm_q_finish(struct tsm_qctx *q);

/* Reads a timestamptz as the server writes it; false if it is not one. */
bool tsm_q_time_value(const char *pgtext, int64_t *out);

/* Prints one line of --explain on stderr. */
void tsm_q_explain(const struct tsm_qctx *q, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* An instrument, as a symbol or watchlist names it. */
struct tsm_instrument {
	int id;
	char exchange[64];
	char symbol[64];
	char kind[16];
};

/* Filters on the instruments that symbols name. */
struct tsm_ifilter {
	const char *exchange;		/* --exchange, or NULL */
	const char *kind;		/* --kind, or NULL */
	bool active;			/* --active: active ones only */
};

/*
 * Finds the instruments that symbols name (exactly, else in any case),
 * or those of a watchlist, or (with neither) every instrument that the
 * filter lets through.  An unknown symbol is an error naming the closest
 * existing symbols; one that is on several exchanges or kinds asks for
 * --exchange or --kind.  *out (freed by the caller) gets *n instruments,
 * in the order given (watchlists in their order; all by exchange and
 * symbol).  False after reporting.
 */
bool tsm_q_instruments(struct tsm_qctx *q, const char *const *symbols,
    int nsymbols, const char *watchlist, const struct tsm_ifilter *f,
    struct tsm_instrument **out, int *n);

/* What the command line gives the subcommands (cmd/tsm-query.c). */
struct tsm_qargs {
	const char *const *args;	/* operands after the subcommand */
	int nargs;
	const char *watchlist;		/* --watchlist */
	struct tsm_ifilter filter;	/* --exchange, --kind, --active */
	bool have_tf;			/* --interval */
	struct tsm_timeframe tf;
	int64_t from, to;		/* --from, --to; INT64_MIN/MAX */
	long long limit;		/* --limit; -1 for none */
	int source;			/* --source: enum tsm_source */
	long long hours;		/* --hours; 0 when not given */
	int buckets;			/* --buckets */
	const char *by;			/* --by: "hour", "day" or NULL */
	const char *stale;		/* --stale as an interval, or NULL */
	const char *stale_arg;		/* --stale as given */
	const char *scope;		/* --scope */
	const char *strategy;		/* --strategy */
	const char *min_amount;		/* --min-amount, a number */
	bool all;			/* --all */
	bool trades_only;		/* --trades */
	bool save;			/* --save */
	struct tsm_ind_spec *specs;	/* indicators: the specs given */
	int nspecs;
	int stale_found;		/* out: instruments found stale */
};

/*
 * Checks the operands of a command (views, indicator specs, IDs) before
 * connecting; reports a usage error and returns false.  Fills a->specs
 * for indicators.
 */
bool tsm_q_check_args(const char *command, struct tsm_qargs *a);

/*
 * The subcommands; each writes its answer through the session's writer
 * and returns false after reporting.  The files that hold them:
 * query_market.c, query_latest.c, query_feeds.c, query_book.c,
 * query_ind.c.
 */
bool tsm_q_ohlcv(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_gaps(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_stats(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_change(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_range(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_volume_profile(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_summary(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_symbols(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_latest(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_overview(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_sentiment(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_flows(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_metrics(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_signals(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_positions(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_trades(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_backtests(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_watchlists(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_indicators(struct tsm_qctx *q, struct tsm_qargs *a);
bool tsm_q_sql_readonly(struct tsm_qctx *q, struct tsm_qargs *a);

/* "{1,2,3}": the ids of n instruments as an integer[]; freed by the
 * caller, NULL when memory is short. */
char *tsm_q_id_array(const struct tsm_instrument *v, int n);

/* The OIDs of the types that parameters given as text use. */
#define TSM_OID_INT8		20
#define TSM_OID_FLOAT8		701
#define TSM_OID_INT4ARRAY	1007
#define TSM_OID_TEXTARRAY	1009
#define TSM_OID_FLOAT8ARRAY	1022
#define TSM_OID_TIMESTAMPTZ	1184
#define TSM_OID_TSTZARRAY	1185

/*
 * The Levenshtein distance between a and b, in any case, counting bytes;
 * used to name the closest symbols.  Exported for the unit tests.
 */
int tsm_levenshtein(const char *a, const char *b);

#endif
