/*
 * svgplot.c: the SVG chart.
 *
 * Three panels share the time axis: price (the range of each pixel
 * column shaded, its last close as a line, each trade as a line from
 * entry to exit, green when it made money, red when it lost), equity
 * (with the initial capital dashed) and drawdown.  Plain SVG 1.1: no
 * script, no external font or style, so that a browser, rsvg-convert or
 * an image viewer show it alike.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "num.h"
#include "svgplot.h"
#include "timeparse.h"

#define W 1200
#define H 820
#define LEFT 84
#define RIGHT 24
#define PLOTW (W - LEFT - RIGHT)
#define MARKERS_MAX 400

struct panel {
	double top, h, lo, hi;
};

struct col {
	double lo, hi, close;		/* price */
	double eq, eqlo, eqhi, dd;	/* equity, drawdown (a fraction) */
	bool seen;
};

struct tsm_plot {
	const struct tsm_candles *c;
	size_t from, to, ncols;
	double cash;
	struct col *cols;
};

static size_t
col_of(const struct tsm_plot *p, size_t bar)
{
	return (bar - p->from) * p->ncols / (p->to - p->from);
}

struct tsm_plot *
tsm_plot_new(const struct tsm_candles *c, size_t from, size_t to)
{
	struct tsm_plot *p = calloc(1, sizeof(*p));

	if (p == NULL || to <= from)
		goto oom;
	p->c = c;
	p->from = from;
	p->to = to;
	p->ncols = to - from < PLOTW ? to - from : PLOTW;
	p->cols = calloc(p->ncols, sizeof(*p->cols));
	if (p->cols == NULL)
		goto oom;
	for (size_t i = from; i < to; i++) {
		struct col *k = &p->cols[col_of(p, i)];

		if (!k->seen || c->low[i] < k->lo)
			k->lo = c->low[i];
		if (!k->seen || c->high[i] > k->hi)
			k->hi = c->high[i];
		k->close = c->close[i];
		k->seen = true;
	}
	return p;
oom:
	free(p);
	tsm_error("out of memory for the plot");
	return NULL;
}

void
tsm_plot_equity(void *arg, size_t bar, double equity, double dd)
{
	struct tsm_plot *p = arg;
	struct col *k = &p->cols[col_of(p, bar)];

	if (bar == p->from)
		p->cash = equity;
	if (bar == p->from || col_of(p, bar - 1) != col_of(p, bar)) {
		k->eqlo = k->eqhi = equity;
		k->dd = dd;
	}
	if (equity < k->eqlo)
		k->eqlo = equity;
	if (equity > k->eqhi)
		k->eqhi = equity;
	if (dd > k->dd)
		k->dd = dd;
	k->eq = equity;
}

void
tsm_plot_free(struct tsm_plot *p)
{
	if (p == NULL)
		return;
	free(p->cols);
	free(p);
}

/* A "nice" tick step near range/4: 1, 2 or 5 times a power of ten. */
static double
tick_step(double range)
{
	double raw = range / 4, mag, f;

	if (!(raw > 0))
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static double
ypos(const struct panel *pn, double v)
{
	if (!(pn->hi > pn->lo))
		return pn->top + pn->h / 2;
	return pn->top + (pn->hi - v) / (pn->hi - pn->lo) * pn->h;
}

static double
xpos(const struct tsm_plot *p, double col)
{
	return LEFT + (col + 0.5) * PLOTW / (double)p->ncols;
}

/* Widens [lo, hi] a little and draws the panel's frame and y ticks. */
static void
frame(FILE *f, struct panel *pn, const char *label, bool pct)
{
	double pad = (pn->hi - pn->lo) * 0.04, step;

	if (!(pad > 0))
		pad = fabs(pn->hi) * 0.01 + 1e-9;
	pn->lo -= pad;
	pn->hi += pad;
	step = tick_step(pn->hi - pn->lo);
	fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" "
	    "fill=\"#fcfcfc\" stroke=\"#999\"/>\n", LEFT, pn->top, PLOTW,
	    pn->h);
	fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"l\">%s</text>\n", LEFT,
	    pn->top - 6, label);
	for (double v = ceil(pn->lo / step) * step; v <= pn->hi; v += step) {
		double y = ypos(pn, v), x = fabs(v) < step * 1e-9 ? 0 : v;

		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		    "stroke=\"#e4e4e4\"/>\n", LEFT, y, LEFT + PLOTW, y);
		/* Whole numbers in full (1000000, not 1e+06). */
		fprintf(f, x == floor(x) && fabs(x) < 1e12 ?
		    "<text x=\"%d\" y=\"%.1f\" class=\"t\" "
		    "text-anchor=\"end\">%.0f%s</text>\n" :
		    "<text x=\"%d\" y=\"%.1f\" class=\"t\" "
		    "text-anchor=\"end\">%.6g%s</text>\n", LEFT - 6, y + 4, x,
		    pct ? "%" : "");
	}
}

/* Writes s with &, < and > escaped. */
static void
text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else
			fputc(*s, f);
	}
}

static void
price_panel(FILE *f, const struct tsm_plot *p, const struct tsm_bt_result *r)
{
	struct panel pn = { 70, 360, INFINITY, -INFINITY };
	const struct tsm_candles *c = p->c;

	for (size_t k = 0; k < p->ncols; k++) {
		if (p->cols[k].lo < pn.lo)
			pn.lo = p->cols[k].lo;
		if (p->cols[k].hi > pn.hi)
			pn.hi = p->cols[k].hi;
	}
	frame(f, &pn, "Price", false);
	fputs("<path fill=\"#cfe0f3\" stroke=\"none\" d=\"", f);
	for (size_t k = 0; k < p->ncols; k++)
		fprintf(f, "%s%.1f %.1f", k ? " L" : "M", xpos(p, (double)k),
		    ypos(&pn, p->cols[k].hi));
	for (size_t k = p->ncols; k-- > 0;)
		fprintf(f, " L%.1f %.1f", xpos(p, (double)k),
		    ypos(&pn, p->cols[k].lo));
	fputs(" Z\"/>\n<polyline fill=\"none\" stroke=\"#1f4e8c\" "
	    "stroke-width=\"1\" points=\"", f);
	for (size_t k = 0; k < p->ncols; k++)
		fprintf(f, "%.1f,%.1f ", xpos(p, (double)k),
		    ypos(&pn, p->cols[k].close));
	fputs("\"/>\n", f);
	for (size_t i = 0; i < r->ntrades; i++) {
		const struct tsm_trade *t = &r->trades[i];
		size_t xb = t->reason == TSM_EXIT_OPEN ? p->to - 1 : t->exit_bar;
		double xp = t->reason == TSM_EXIT_OPEN ? c->close[p->to - 1] :
		    t->exit_price;
		double x0 = xpos(p, (double)col_of(p, t->entry_bar));
		double y0 = ypos(&pn, t->entry_price);
		const char *colour = t->size > 0 ? "#1a9850" : "#d73027";

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", x0, y0,
		    xpos(p, (double)col_of(p, xb)), ypos(&pn, xp),
		    (t->reason == TSM_EXIT_OPEN ? (xp - t->entry_price) *
		    t->size : t->pnl) > 0 ? "#1a9850" : "#d73027");
		if (r->ntrades > MARKERS_MAX)
			continue;
		/* Entries: a triangle pointing the trade's way. */
		fprintf(f, "<path d=\"M%.1f %.1f l-5 %d h10 Z\" fill=\"%s\"/>\n",
		    x0, y0, t->size > 0 ? 9 : -9, colour);
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
		    "fill=\"#333\"/>\n", xpos(p, (double)col_of(p, xb)),
		    ypos(&pn, xp));
	}
}

static void
equity_panels(FILE *f, const struct tsm_plot *p)
{
	struct panel eq = { 470, 180, p->cash, p->cash };
	struct panel dd = { 690, 90, 0, 0 };

	for (size_t k = 0; k < p->ncols; k++) {
		if (p->cols[k].eqlo < eq.lo)
			eq.lo = p->cols[k].eqlo;
		if (p->cols[k].eqhi > eq.hi)
			eq.hi = p->cols[k].eqhi;
		if (-p->cols[k].dd * 100 < dd.lo)
			dd.lo = -p->cols[k].dd * 100;
	}
	frame(f, &eq, "Equity", false);
	fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
	    "stroke=\"#777\" stroke-dasharray=\"4 3\"/>\n", LEFT,
	    ypos(&eq, p->cash), LEFT + PLOTW, ypos(&eq, p->cash));
	fputs("<polyline fill=\"none\" stroke=\"#6a3d9a\" stroke-width=\"1.2\" "
	    "points=\"", f);
	for (size_t k = 0; k < p->ncols; k++)
		fprintf(f, "%.1f,%.1f ", xpos(p, (double)k),
		    ypos(&eq, p->cols[k].eq));
	fputs("\"/>\n", f);
	frame(f, &dd, "Drawdown", true);
	fprintf(f, "<path fill=\"#f4a582\" stroke=\"#b2182b\" d=\"M%.1f %.1f",
	    xpos(p, 0), ypos(&dd, 0));
	for (size_t k = 0; k < p->ncols; k++)
		fprintf(f, " L%.1f %.1f", xpos(p, (double)k),
		    ypos(&dd, -p->cols[k].dd * 100));
	fprintf(f, " L%.1f %.1f Z\"/>\n", xpos(p, (double)p->ncols - 1),
	    ypos(&dd, 0));
}

static void
time_axis(FILE *f, const struct tsm_plot *p)
{
	for (int j = 0; j <= 4; j++) {
		size_t bar = p->from + (size_t)((double)(p->to - 1 - p->from) *
		    j / 4);
		char t[TSM_TIME_BUFSZ];
		double x = xpos(p, (double)col_of(p, bar));

		tsm_format_time(p->c->time[bar], t);
		t[16] = '\0';	/* to the minute */
		if (t[10] == 'T')
			t[10] = ' ';
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"t\" "
		    "text-anchor=\"%s\">%s</text>\n", x, H - 22,
		    j == 0 ? "start" : j == 4 ? "end" : "middle", t);
	}
}

bool
tsm_plot_write(struct tsm_plot *p, FILE *f, const char *title,
    const struct tsm_bt_result *r, const struct tsm_metrics *m)
{
	char ret[TSM_NUM_BUFSZ], dd[TSM_NUM_BUFSZ];

	snprintf(ret, sizeof(ret), "%.2f", m->return_pct);
	snprintf(dd, sizeof(dd), "%.2f", m->max_dd_pct);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", W, H, W, H);
	fputs("<style>text{font-family:sans-serif;fill:#222}"
	    ".h{font-size:17px;font-weight:bold}.l{font-size:13px}"
	    ".t{font-size:11px}</style>\n", f);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", W, H);
	fprintf(f, "<text x=\"%d\" y=\"24\" class=\"h\">", LEFT);
	text(f, title);
	fprintf(f, "</text>\n<text x=\"%d\" y=\"44\" class=\"l\">return %s%%, "
	    "Sharpe %.3g, max. drawdown %s%%, %.0f trades, buy &amp; hold "
	    "%.2f%%</text>\n", LEFT, ret, m->sharpe, dd, m->trades,
	    m->buy_hold_pct);
	price_panel(f, p, r);
	equity_panels(f, p);
	time_axis(f, p);
	fputs("</svg>\n", f);
	return !ferror(f);
}
