/*
 * moves.h: tsm-migrate klines and tsm-migrate table, once their options
 * are checked: each connects, moves, verifies and returns the exit status.
 */
#ifndef TSM_MOVES_H
#define TSM_MOVES_H

#include <stdbool.h>

#include "conn.h"
#include "out.h"
#include "timeparse.h"

struct tsm_moves_opts {
	const char *source_schema;	/* klines: --source-schema, or NULL */
	const char *tables;		/* klines: --tables, or NULL */
	const char *source;		/* table: the table to move */
	const char *kind;		/* table: --kind */
	const char *exchange, *symbol;	/* table: the instrument, or NULL */
	const char *interval;		/* table: canonical, or NULL */
	const char *const *maps;	/* table: "COLUMN=SOURCE" */
	int nmaps;
	const char *tz;			/* table: --tz, or NULL */
	enum tsm_time_unit unit;	/* table: --time-unit */
	long batch;
	bool progress, create_views, drop_source, dry_run;
	bool refresh;			/* not --no-refresh */
	enum tsm_format format;		/* of --dry-run */
	bool header;
};

int tsm_migrate_klines(const struct tsm_conn_opts *co,
    const struct tsm_moves_opts *a);
int tsm_migrate_table(const struct tsm_conn_opts *co,
    const struct tsm_moves_opts *a);

#endif
