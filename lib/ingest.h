/*
 * ingest.h: the kinds of rows a loader takes, and how one input row
 * becomes one checked table row.
 *
 * Each kind (candles, ticks, greeks, sentiment, flows, metrics,
 * indicators, signals, instruments) names its table, the columns a load
 * may write with their types and natural key, and the input columns it
 * recognises (names, aliases, what each feeds).  A load maps the input's
 * header (or --columns, or a known headerless layout) to those input
 * columns once, then turns every record into typed values, checks them as
 * the table's constraints and the market's rules want, and encodes them
 * as a binary COPY row.  Only the columns the input gives are written, so
 * that loading a file that lacks, say, quote_volume leaves the stored
 * quote_volume of an existing candle alone.
 */
#ifndef TSM_INGEST_H
#define TSM_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "age.h"
#include "csvin.h"
#include "pgcopy.h"
#include "timeparse.h"

#define TSM_KIND_MAXCOLS 16
#define TSM_KIND_MAXSPECS 28

enum tsm_itype {
	TSM_I_INT4, TSM_I_INT8, TSM_I_FLOAT8, TSM_I_TEXT, TSM_I_TIME,
	TSM_I_DATE, TSM_I_BOOL
};

/* Column flags. */
#define TSM_C_KEY	0x01	/* part of the natural key */
#define TSM_C_GROUP	0x02	/* key part probed by equality */
#define TSM_C_RANGE	0x04	/* key part probed by range, besides time */
#define TSM_C_NOTNULL	0x08	/* the table refuses NULL */
#define TSM_C_EMPTY	0x10	/* text: an empty field is '' (the default) */
#define TSM_C_TIME	0x20	/* the row's time */
#define TSM_C_INSTR	0x40	/* instrument_id, resolved from the symbol */
#define TSM_C_TFRAME	0x80	/* a timeframe ("1m"), checked and canonical */

/* One value of a row. */
struct tsm_ival {
	bool null;
	bool set;		/* given by the input or an option */
	int64_t i;		/* int4, int8, bool, time (unix µs),
	    date (days) */
	double d;
	const char *s;		/* text, and the field as read, for messages */
	size_t len;
	const char *raw;
	size_t rawlen;
};

struct tsm_kcol {
	const char *name;
	enum tsm_itype type;
	unsigned flags;
	/*
	 * For text with a fixed set of values: the canonical spelling of
	 * s[0..len) ("sell" for "S"), or NULL with norm_why the reason.
	 */
	const char *(*norm)(const char *s, size_t len);
	const char *norm_why;
	const char *deflt;	/* a key column's value when not given */
};

/* What an input column feeds. */
enum tsm_role {
	TSM_R_COL,		/* the column col of the table */
	TSM_R_SYMBOL,		/* the instrument's symbol */
	TSM_R_EXCHANGE,		/* the instrument's exchange */
	TSM_R_IKIND,		/* the instrument's kind (spot, perpetual...) */
	TSM_R_BUYER_MAKER,	/* Binance isBuyerMaker: true: taker sold */
	TSM_R_IGNORE		/* known and dropped without a note */
};

struct tsm_kspec {
	const char *name;
	const char *const *aliases;
	enum tsm_role role;
	int col;		/* for TSM_R_COL */
	bool required;		/* unless an option gives it */
	const char *option;	/* the option that may give it: "symbol" */
};

/* A layout for input without a header, chosen by its field count. */
struct tsm_layout {
	int nfields;
	const char *columns;	/* as --columns takes them */
};

struct tsm_kind {
	const char *name;		/* as on the command line */
	const char *table;
	const char *series;		/* kind in series (partitions,
					   aggregates), or NULL */
	bool instrument;		/* has an instrument_id */
	const struct tsm_kcol *cols;
	int ncols;
	const struct tsm_kspec *specs;
	int nspecs;
	const struct tsm_layout *layouts;	/* ends with nfields 0 */
	/*
	 * Checks a row beyond its types: sets *col to the column at fault
	 * and writes the reason ("is below low \"10.2\"") into why.
	 */
	bool (*check)(const struct tsm_kind *k, const struct tsm_ival *v,
	    int *col, char *why, size_t whysz);
};

/* The kinds, and one by name (NULL if unknown). */
extern const struct tsm_kind *const tsm_kinds[];
const struct tsm_kind *tsm_kind_find(const char *name);
const char *tsm_kind_list(void);	/* "candles, ticks, ..." */
int tsm_kind_col(const struct tsm_kind *k, const char *name);

/* Fixed values from options, by option name ("symbol", "interval"). */
struct tsm_fixed {
	const char *option;
	const char *value;
};

/*
 * How a load reads its input: which field feeds which input column, the
 * options standing in for absent columns, the columns it writes.
 */
struct tsm_ingest_map {
	const struct tsm_kind *kind;
	int nfields;			/* fields a record must have */
	const char *nfields_from;	/* "the header has", for messages */
	int field[TSM_KIND_MAXSPECS];	/* field of each spec, or -1 */
	const char *fixed[TSM_KIND_MAXSPECS];	/* value from an option */
	char name[TSM_KIND_MAXSPECS][64];	/* as the input names it */
	int spec_of_col[TSM_KIND_MAXCOLS];	/* spec feeding a column, -1 */
	bool active[TSM_KIND_MAXCOLS];	/* written by this load */
	int ncols;			/* active columns, in table order */
	int cols[TSM_KIND_MAXCOLS];
	int time_col;			/* -1 for instruments */
	struct tsm_time_opts topts;
	struct tsm_timeframe tf;	/* when fixed by --interval */
	bool tf_fixed;
	bool instrument;		/* instrument_id to resolve per row */
};

/*
 * Prepares a map for kind k with the options' fixed values: checks that
 * each option means something for the kind and that its value is valid.
 * Reports and returns false otherwise (a usage error).
 */
bool tsm_ingest_map_init(struct tsm_ingest_map *m, const struct tsm_kind *k,
    const struct tsm_fixed *fixed, int nfixed,
    const struct tsm_time_opts *topts);

/*
 * Completes the map from the first record: a header (mapped by name), or
 * --columns (columns != NULL; a first record that is a header is then
 * skipped), or a known headerless layout by field count.  *is_header
 * tells whether rec is a header to skip.  Reports and returns false when
 * the input cannot be mapped (no header and no layout, a required column
 * missing, a column also given by an option).  where names the input in
 * messages.
 */
bool tsm_ingest_map_first(struct tsm_ingest_map *m,
    const struct tsm_record *rec,
    const char *columns, const char *where, bool *is_header);

/* The instrument named by a row, for kinds that have one. */
struct tsm_instr_ref {
	const char *exchange, *symbol, *kind;
	size_t exchange_len, symbol_len, kind_len;
};

/* One parsed row: its values, its instrument, its timeframe. */
struct tsm_irow {
	struct tsm_ival v[TSM_KIND_MAXCOLS];
	struct tsm_instr_ref ref;
	struct tsm_timeframe tf;	/* of this row (or the fixed one) */
	uint64_t line;
};

/* What is wrong with a row: the input column (or -1) and why. */
struct tsm_rowerr {
	int spec;		/* input column at fault, -1 for the row */
	const char *value;	/* its text */
	size_t vlen;
	char why[256];
};

/*
 * Parses record rec into row (the kind's columns and, for kinds with an
 * instrument, row->ref).  Values point into rec or into the map's fixed
 * strings: they live until the next record.  False with *err set when a
 * field does not parse (a number, time, boolean, side...).
 */
bool tsm_ingest_parse(const struct tsm_ingest_map *m,
    const struct tsm_record *rec, struct tsm_irow *row,
    struct tsm_rowerr *err);

/*
 * Checks a parsed row (its instrument resolved): NOT NULL columns, the
 * candle grid, and the kind's own rules.  False with *err set.
 */
bool tsm_ingest_check(const struct tsm_ingest_map *m,
    const struct tsm_irow *row, struct tsm_rowerr *err);

/* Appends the row as a binary COPY row of the active columns. */
void tsm_ingest_encode(const struct tsm_ingest_map *m,
    const struct tsm_irow *row, struct tsm_copybuf *out);

/*
 * The canonical instrument kind ("perpetual" for "perp"), or NULL; the
 * reason to give then.
 */
const char *tsm_instrument_kind_norm(const char *s, size_t len);
extern const char tsm_instrument_kind_why[];

/*
 * Writes the message for err: "line 42, column \"high\": \"1,5e\" is not
 * a number", after the prefix where ("\"x.csv\" line 42").
 */
void tsm_rowerr_format(const struct tsm_ingest_map *m,
    const struct tsm_rowerr *err, const char *where, char *buf, size_t size);

/* Writes "\"x.csv\" line 42" (or "stdin line 42") into buf. */
void tsm_ingest_where(const char *input, uint64_t line, char *buf,
    size_t size);

#endif
