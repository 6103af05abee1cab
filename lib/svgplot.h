/*
 * svgplot.h: one self-contained SVG chart of a backtest: the price with
 * its entries and exits, the equity curve and the drawdown.
 *
 * Bars are drawn in pixel columns (a column shows the range and the last
 * close of its bars), so the file stays small whatever the bar count.
 * The equity comes from the metrics pass (a tsm_equity_fn), so nothing
 * per bar is kept.
 */
#ifndef TSM_SVGPLOT_H
#define TSM_SVGPLOT_H

#include <stdbool.h>
#include <stdio.h>

#include "backtest.h"
#include "candles.h"
#include "metrics.h"

struct tsm_plot;

/* A chart of bars [from, to) of c (free it with tsm_plot_free); NULL
 * after reporting. */
struct tsm_plot *tsm_plot_new(const struct tsm_candles *c, size_t from,
    size_t to);

/* A tsm_equity_fn collecting the equity and drawdown of each bar. */
void tsm_plot_equity(void *plot, size_t bar, double equity, double dd);

/*
 * Writes the chart to f: title (the strategy and its parameters), the
 * trades of r, the metrics m in the legend.  False on a write error.
 */
bool tsm_plot_write(struct tsm_plot *p, FILE *f, const char *title,
    const struct tsm_bt_result *r, const struct tsm_metrics *m);

void tsm_plot_free(struct tsm_plot *p);

#endif
