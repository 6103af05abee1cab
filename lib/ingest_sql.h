/*
 * ingest_sql.h: the statements a load runs, written from the kind's
 * column table.
 *
 * They are built here rather than kept in sql/ because their column
 * lists are the columns this load writes (only those its input gives),
 * in the order the binary rows carry them: one table drives the parser,
 * the encoder and these statements, so that they cannot disagree.  Every
 * name is quoted with tsm_quote_ident; no value ever enters the text
 * (values travel as COPY data or $n parameters).
 */
#ifndef TSM_INGEST_SQL_H
#define TSM_INGEST_SQL_H

#include <stdbool.h>

#include "ingest.h"
#include "ingest_batch.h"

struct tsm_ingest_sql {
	char *copy_target;	/* BEGIN; COPY s.t (cols) FROM STDIN ... */
	char *copy_target_commit;	/* the same, then COMMIT */
	char *make_stage;	/* CREATE TEMP TABLE ... AS ... WITH NO DATA */
	char *copy_stage;	/* COPY pg_temp.stage (cols, tsm_line) ... */
	char *begin_copy_stage;	/* BEGIN; and the same */
	char *update;		/* stored keys with other values; NULL
				   unless --on-conflict=update */
	char *changed;		/* -> whether update has rows to change */
	char *insert;		/* the staged rows not stored (all of them
				   with --on-conflict=error) */
	char *first_conflict;	/* -> line of the first staged row in the
				   table, for --on-conflict=error */
	int range_params;	/* 2: the three take $1, $2, the batch's
				   time range; 0: no time column */
	char *probe;		/* $1.. arrays, then the batch's time lo
				   and hi, and how far above to look ->
				   indices of groups that meet rows in
				   the table; NULL if no probe */
	int probe_nparams;	/* the arrays' count + 3 */
	/* Named queries of sql/, with the schema filled in. */
	char *partitions;	/* $1 kind -> lo, hi */
	char *ensure_partitions;	/* $1 kind, $2 lo, $3 hi */
};

/*
 * Writes the statements for a load of map into schema.  False after
 * reporting (out of memory).
 */
bool tsm_ingest_sql_build(struct tsm_ingest_sql *q,
    const struct tsm_ingest_map *m, const char *schema,
    enum tsm_conflict mode);
void tsm_ingest_sql_free(struct tsm_ingest_sql *q);

/*
 * The parameters of the probe for the groups of b not yet marked stage:
 * text arrays, one per group column, then time lo and hi, then range lo
 * and hi if the kind has a range column, then the group indices first.
 * Returns the number of groups asked about (0: nothing to ask); vals[i]
 * are malloc'ed, freed with tsm_ingest_probe_free.
 */
int tsm_ingest_probe_params(const struct tsm_batch *b, char **vals,
    int nvals);
void tsm_ingest_probe_free(char **vals, int nvals);

#endif
