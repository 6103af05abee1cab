/*
 * btout.c: metrics, trades and the equity curve as tables.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "btout.h"
#include "num.h"
#include "timeparse.h"

bool
tsm_write_metrics(FILE *f, enum tsm_format fmt, bool header,
    const struct tsm_metrics *m)
{
	static const char *const names[] = { "metric", "value" };
	static const enum tsm_coltype types[] = { TSM_COL_TEXT,
		TSM_COL_TEXT };
	struct tsm_writer *w = tsm_writer_new(f, fmt, header, 2, names, types);

	if (w == NULL)
		return false;
	for (int i = 0; i < tsm_metric_count(); i++) {
		char buf[64];
		const char *vals[2] = { tsm_metric_key(i), buf };

		if (!tsm_metric_format(m, i, buf, sizeof(buf)))
			vals[1] = NULL;
		if (!tsm_writer_row(w, vals, NULL)) {
			tsm_writer_end(w);
			return false;
		}
	}
	return tsm_writer_end(w);
}

#define NTRADECOLS 12

bool
tsm_write_trades(FILE *f, enum tsm_format fmt, bool header,
    const struct tsm_candles *c, const struct tsm_bt_result *r)
{
	static const char *const names[NTRADECOLS] = { "n", "size",
		"entry_time", "exit_time", "entry_price", "exit_price", "pnl",
		"return_pct", "commission", "sl", "tp", "exit_reason" };
	static const enum tsm_coltype types[NTRADECOLS] = { TSM_COL_NUMBER,
		TSM_COL_NUMBER, TSM_COL_TEXT, TSM_COL_TEXT, TSM_COL_NUMBER,
		TSM_COL_NUMBER, TSM_COL_NUMBER, TSM_COL_NUMBER, TSM_COL_NUMBER,
		TSM_COL_NUMBER, TSM_COL_NUMBER, TSM_COL_TEXT };
	struct tsm_writer *w = tsm_writer_new(f, fmt, header, NTRADECOLS,
	    names, types);

	if (w == NULL)
		return false;
	for (size_t k = 0; k < r->ntrades; k++) {
		const struct tsm_trade *t = &r->trades[k];
		bool open = t->reason == TSM_EXIT_OPEN;
		char b[NTRADECOLS][TSM_TIME_BUFSZ];
		const char *v[NTRADECOLS];

		snprintf(b[0], sizeof(b[0]), "%zu", k + 1);
		tsm_format_double(t->size, b[1]);
		tsm_format_time(c->time[t->entry_bar], b[2]);
		if (!open)
			tsm_format_time(c->time[t->exit_bar], b[3]);
		tsm_format_double(t->entry_price, b[4]);
		tsm_format_double(t->exit_price, b[5]);
		tsm_format_double(t->pnl, b[6]);
		tsm_format_double(t->ret * 100, b[7]);
		tsm_format_double(t->entry_fee + t->exit_fee, b[8]);
		tsm_format_double(t->sl, b[9]);
		tsm_format_double(t->tp, b[10]);
		for (int j = 0; j < NTRADECOLS - 1; j++)
			v[j] = b[j];
		v[NTRADECOLS - 1] = tsm_exit_reason_name(t->reason);
		if (open)
			v[3] = v[5] = v[6] = v[7] = v[8] = NULL;
		if (isnan(t->sl))
			v[9] = NULL;
		if (isnan(t->tp))
			v[10] = NULL;
		if (!tsm_writer_row(w, v, NULL)) {
			tsm_writer_end(w);
			return false;
		}
	}
	return tsm_writer_end(w);
}

bool
tsm_equity_out_begin(struct tsm_equity_out *eo, FILE *f,
    const struct tsm_candles *c)
{
	static const char *const names[] = { "time", "equity",
		"drawdown_pct" };
	static const enum tsm_coltype types[] = { TSM_COL_TEXT,
		TSM_COL_NUMBER, TSM_COL_NUMBER };

	memset(eo, 0, sizeof(*eo));
	eo->c = c;
	eo->w = tsm_writer_new(f, TSM_FMT_CSV, true, 3, names, types);
	return eo->w != NULL;
}

void
tsm_equity_out_row(void *arg, size_t bar, double equity, double dd)
{
	struct tsm_equity_out *eo = arg;
	char t[TSM_TIME_BUFSZ], e[TSM_NUM_BUFSZ], d[TSM_NUM_BUFSZ];
	const char *v[3] = { t, e, d };

	if (eo->failed)
		return;
	tsm_format_time(eo->c->time[bar], t);
	tsm_format_double(equity, e);
	tsm_format_double(-dd * 100, d);
	if (!tsm_writer_row(eo->w, v, NULL))
		eo->failed = true;
}

bool
tsm_equity_out_end(struct tsm_equity_out *eo)
{
	bool ok = tsm_writer_end(eo->w);

	eo->w = NULL;
	return ok && !eo->failed;
}
