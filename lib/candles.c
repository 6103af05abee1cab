/*
 * candles.c: reading candles from CSV or TSV into arrays, checked.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "candles.h"
#include "csvin.h"
#include "log.h"
#include "num.h"

enum { COL_TIME, COL_OPEN, COL_HIGH, COL_LOW, COL_CLOSE, COL_VOLUME, NCOLS };

static const char *const time_aliases[] = { "timestamp", "open_time", "date",
	"datetime", "ts", NULL };
static const char *const volume_aliases[] = { "vol", NULL };

static const struct tsm_colspec colspecs[NCOLS] = {
	{ "time", time_aliases, true },
	{ "open", NULL, true },
	{ "high", NULL, true },
	{ "low", NULL, true },
	{ "close", NULL, true },
	{ "volume", volume_aliases, false },
};

bool
tsm_candles_push(struct tsm_candles *c, int64_t t, double open, double high,
    double low, double close)
{
	if (c->n == c->cap) {
		/* 1.5 times: the arrays of a million bars are large. */
		size_t cap = c->cap < 1024 ? 1024 : c->cap + c->cap / 2;
		int64_t *tt = realloc(c->time, cap * sizeof(int64_t));
		double *arr[4] = { c->open, c->high, c->low, c->close };

		if (tt == NULL) {
			tsm_error("out of memory for %zu candles", cap);
			return false;
		}
		c->time = tt;
		for (int k = 0; k < 4; k++) {
			double *p = realloc(arr[k], cap * sizeof(double));

			if (p == NULL) {
				tsm_error("out of memory for %zu candles", cap);
				return false;
			}
			arr[k] = p;
		}
		c->open = arr[0];
		c->high = arr[1];
		c->low = arr[2];
		c->close = arr[3];
		c->cap = cap;
	}
	c->time[c->n] = t;
	c->open[c->n] = open;
	c->high[c->n] = high;
	c->low[c->n] = low;
	c->close[c->n] = close;
	c->n++;
	return true;
}

void
tsm_candles_shrink(struct tsm_candles *c)
{
	size_t cap = c->n ? c->n : 1;
	void *p;

	if (c->cap <= cap)
		return;
	if ((p = realloc(c->time, cap * sizeof(int64_t))) != NULL)
		c->time = p;
	if ((p = realloc(c->open, cap * sizeof(double))) != NULL)
		c->open = p;
	if ((p = realloc(c->high, cap * sizeof(double))) != NULL)
		c->high = p;
	if ((p = realloc(c->low, cap * sizeof(double))) != NULL)
		c->low = p;
	if ((p = realloc(c->close, cap * sizeof(double))) != NULL)
		c->close = p;
	c->cap = cap;
}

void
tsm_candles_free(struct tsm_candles *c)
{
	free(c->time);
	free(c->open);
	free(c->high);
	free(c->low);
	free(c->close);
	memset(c, 0, sizeof(*c));
}

/* "stdin line 7" or "\"x.csv\" line 7". */
static void
where(struct tsm_input *in, uint64_t line, char *buf, size_t size)
{
	const char *name = tsm_input_name(in);
	const char *q = strcmp(name, "stdin") == 0 ? "" : "\"";

	snprintf(buf, size, "%s%s%s line %" PRIu64, q, name, q, line);
}

/* Parses field k of rec as a price; reports and returns false if bad. */
static bool
price_field(struct tsm_input *in, const struct tsm_record *rec, int k,
    const char *col, double *out)
{
	const struct tsm_field *f = &rec->fields[k];
	const char *why;
	char at[300];

	if (tsm_parse_double(f->s, f->len, out, &why)) {
		if (*out > 0)
			return true;
		why = "is not a positive price";
	}
	where(in, rec->line, at, sizeof(at));
	if (f->len == 0)
		tsm_error("%s, column \"%s\" is empty", at, col);
	else
		tsm_error("%s, column \"%s\": \"%.60s\" %s", at, col, f->s, why);
	return false;
}

/* Checks that low <= open, close <= high. */
static bool
consistent(struct tsm_input *in, uint64_t line, double o, double h,
    double l, double c)
{
	char at[300], a[TSM_NUM_BUFSZ], b[TSM_NUM_BUFSZ];
	const char *what;
	double other;

	if (h < l) {
		what = "low";
		other = l;
	} else if (h < o) {
		what = "open";
		other = o;
	} else if (h < c) {
		what = "close";
		other = c;
	} else if (l > o) {
		where(in, line, at, sizeof(at));
		tsm_format_double(l, a);
		tsm_format_double(o, b);
		tsm_error("%s: low %s is above open %s", at, a, b);
		return false;
	} else if (l > c) {
		where(in, line, at, sizeof(at));
		tsm_format_double(l, a);
		tsm_format_double(c, b);
		tsm_error("%s: low %s is above close %s", at, a, b);
		return false;
	} else {
		return true;
	}
	where(in, line, at, sizeof(at));
	tsm_format_double(h, a);
	tsm_format_double(other, b);
	tsm_error("%s: high %s is below %s %s", at, a, what, b);
	return false;
}

/* Reads the header (or takes --columns); fills map.  False on error. */
static bool
setup_columns(struct tsm_csv_reader *r, struct tsm_input *in,
    const struct tsm_candle_read_opts *o, int *map, struct tsm_record **first,
    int *k)
{
	int nf;

	*first = NULL;
	if (o->columns != NULL)
		return tsm_csv_map_names(o->columns, colspecs, NCOLS, map, &nf);
	*k = tsm_csv_next_record(r, first);
	if (*k <= 0)
		return *k == 0;
	if (!tsm_csv_is_header(*first, colspecs, NCOLS)) {
		char at[300];

		where(in, (*first)->line, at, sizeof(at));
		tsm_error("%s: no header row naming the columns time, open, "
		    "high, low, close", at);
		tsm_hint("name the columns of a headerless file with "
		    "--columns time,open,high,low,close,volume");
		return false;
	}
	if (!tsm_csv_map_header(*first, colspecs, NCOLS, map))
		return false;
	*first = NULL;
	return true;
}

/* Takes one data record into c; false after reporting why not. */
static bool
take_record(struct tsm_input *in, const struct tsm_record *rec,
    const int *map, const struct tsm_time_opts *topts, struct tsm_candles *c,
    uint64_t *prev_line)
{
	const struct tsm_field *tf;
	double v[4], vol = 0;
	const char *why;
	char at[300];
	int64_t t;
	int need = 0;

	for (int j = 0; j < NCOLS; j++)
		if (map[j] >= need)
			need = map[j] + 1;
	if (rec->nfields < need) {
		where(in, rec->line, at, sizeof(at));
		tsm_error("%s: %d fields, but the columns need %d", at,
		    rec->nfields, need);
		return false;
	}
	tf = &rec->fields[map[COL_TIME]];
	if (!tsm_parse_time(tf->s, tf->len, topts, &t, &why)) {
		where(in, rec->line, at, sizeof(at));
		tsm_error("%s, column \"time\": \"%.60s\" %s", at, tf->s, why);
		return false;
	}
	for (int j = 0; j < 4; j++)
		if (!price_field(in, rec, map[COL_OPEN + j],
		    colspecs[COL_OPEN + j].name, &v[j]))
			return false;
	if (map[COL_VOLUME] >= 0 && rec->fields[map[COL_VOLUME]].len > 0) {
		const struct tsm_field *f = &rec->fields[map[COL_VOLUME]];

		if (!tsm_parse_double(f->s, f->len, &vol, &why) || vol < 0) {
			where(in, rec->line, at, sizeof(at));
			tsm_error("%s, column \"volume\": \"%.60s\" %s", at,
			    f->s, vol < 0 ? "is negative" : why);
			return false;
		}
	}
	if (!consistent(in, rec->line, v[0], v[1], v[2], v[3]))
		return false;
	if (c->n > 0 && t <= c->time[c->n - 1]) {
		char a[TSM_TIME_BUFSZ], b[TSM_TIME_BUFSZ];

		where(in, rec->line, at, sizeof(at));
		tsm_format_time(t, a);
		tsm_format_time(c->time[c->n - 1], b);
		if (t == c->time[c->n - 1])
			tsm_error("%s: time %s repeats line %" PRIu64, at, a,
			    *prev_line);
		else
			tsm_error("%s: time %s is before %s on line %" PRIu64,
			    at, a, b, *prev_line);
		tsm_hint("candles must come in time order, one row per "
		    "time (sort -t, -k1,1 -u, or ORDER BY time)");
		return false;
	}
	*prev_line = rec->line;
	return tsm_candles_push(c, t, v[0], v[1], v[2], v[3]);
}

bool
tsm_candles_read(struct tsm_input *in, const struct tsm_candle_read_opts *o,
    struct tsm_candles *c)
{
	struct tsm_csv_reader *r = tsm_csv_open(in, o->tsv, 0);
	struct tsm_record *rec;
	uint64_t prev_line = 0;
	int map[NCOLS], k = 1;
	bool ok = true;

	if (r == NULL)
		return false;
	for (int j = 0; j < NCOLS; j++)
		map[j] = -1;
	if (!setup_columns(r, in, o, map, &rec, &k)) {
		tsm_csv_close(r);
		return false;
	}
	if (k > 0) {
		while ((k = tsm_csv_next_record(r, &rec)) > 0) {
			/* A signal stops the reading (quietly: the caller
			 * says "interrupted"). */
			if (tsm_interrupted || !take_record(in, rec, map,
			    &o->time, c, &prev_line)) {
				ok = false;
				break;
			}
		}
	}
	tsm_csv_close(r);
	if (k < 0)
		ok = false;
	tsm_candles_shrink(c);
	return ok;
}

void
tsm_candles_gaps(const struct tsm_candles *c, struct tsm_gaps *g)
{
	memset(g, 0, sizeof(*g));
	for (size_t i = 1; i < c->n; i++) {
		int64_t d = c->time[i] - c->time[i - 1];

		if (g->step == 0 || d < g->step)
			g->step = d;
	}
	for (size_t i = 1; i < c->n; i++) {
		int64_t d = c->time[i] - c->time[i - 1];

		if (d > g->step + g->step / 2) {
			g->count++;
			if (d > g->longest) {
				g->longest = d;
				g->longest_from = c->time[i - 1];
			}
		}
	}
}

size_t
tsm_candles_find(const struct tsm_candles *c, int64_t t)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->time[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
tsm_format_span(int64_t us, char *buf, size_t size)
{
	static const struct { const char *unit; int64_t len; } units[] = {
		{ "d", INT64_C(86400000000) }, { "h", INT64_C(3600000000) },
		{ "m", INT64_C(60000000) }, { "s", INT64_C(1000000) },
	};
	size_t n = 0;
	int shown = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < 4 && shown < 2; i++) {
		int64_t q = us / units[i].len;

		if (q == 0 && shown == 0)
			continue;
		if (q > 0)
			n += (size_t)snprintf(buf + n, size > n ? size - n : 0,
			    "%" PRId64 "%s", q, units[i].unit);
		us -= q * units[i].len;
		shown++;
	}
	if (n == 0)
		snprintf(buf, size, "%" PRId64 "us", us);
}

bool
tsm_candles_read_path(const char *path, const struct tsm_candle_read_opts *o,
    struct tsm_candles *c)
{
	struct tsm_input *in = tsm_input_open(path ? path : "-");
	bool ok;

	if (in == NULL)
		return false;
	ok = tsm_candles_read(in, o, c);
	if (ok && c->n == 0) {
		const char *name = tsm_input_name(in);
		bool quote = strcmp(name, "stdin") != 0;

		tsm_error("no candles in %s%s%s", quote ? "\"" : "", name,
		    quote ? "\"" : "");
		ok = false;
	}
	tsm_input_close(in);
	return ok;
}

int64_t
tsm_candles_note_gaps(const struct tsm_candles *c)
{
	struct tsm_gaps g;
	char span[32], from[TSM_TIME_BUFSZ];

	tsm_candles_gaps(c, &g);
	if (g.count > 0) {
		tsm_format_span(g.longest, span, sizeof(span));
		tsm_format_time(g.longest_from, from);
		tsm_info("%zu gap%s in the candles, the longest %s after %s; "
		    "the backtest runs across them", g.count,
		    g.count == 1 ? "" : "s", span, from);
	}
	return g.step;
}

const char *
tsm_step_code(int64_t step, char *buf, size_t size)
{
	static const struct { int64_t us; char unit; } units[] = {
		{ INT64_C(604800000000), 'w' }, { INT64_C(86400000000), 'd' },
		{ INT64_C(3600000000), 'h' }, { INT64_C(60000000), 'm' },
	};

	for (size_t i = 0; step > 0 && i < 4; i++)
		if (step % units[i].us == 0) {
			snprintf(buf, size, "%" PRId64 "%c", step / units[i].us,
			    units[i].unit);
			return buf;
		}
	return NULL;
}
