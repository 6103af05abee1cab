/*
 * ingest_batch.h: a batch of checked rows on its way to one transaction.
 *
 * Rows are kept encoded (binary COPY), back to back, until the batch is
 * committed: it is sent from there, and sent again if the connection is
 * lost and the batch retried.  A batch knows its rows' natural keys
 * (a repeated key is merged: by default the later row replaces the
 * earlier one, as loading the rows one by one would leave it), and
 * groups its rows by the key columns that a probe compares for equality
 * (instrument and timeframe for candles) with the range of time, and of
 * trade ids for ticks, that each group covers.  The loader asks the
 * table, per group, whether anything is there in that range: where
 * nothing is, the rows go straight into the table with COPY; where
 * something is, they go through a staging table and are merged.
 */
#ifndef TSM_INGEST_BATCH_H
#define TSM_INGEST_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest.h"
#include "pgcopy.h"

/* What a row whose key is already in the table (or batch) does. */
enum tsm_conflict { TSM_CONFLICT_UPDATE, TSM_CONFLICT_NOTHING,
	TSM_CONFLICT_ERROR };

struct tsm_batch_row {
	uint32_t off;		/* in rows */
	uint32_t len;
	uint64_t hash;		/* of the key */
	uint64_t line;
	int64_t arrival;	/* when it was read (--follow), else 0 */
	int32_t group;
	bool dead;		/* replaced by a later row of the same key */
};

struct tsm_group {
	uint64_t hash;
	int32_t first_row;	/* whose group columns name the group */
	int64_t tlo, thi;	/* time range of its rows */
	int64_t rlo, rhi;	/* range of the range column (trade ids) */
	bool stage;		/* may meet rows already in the table */
	bool skip_probe;	/* known to meet nothing: no need to ask */
	bool probed;		/* asked; above tells what lies beyond */
	bool above;
};

struct tsm_batch {
	const struct tsm_ingest_map *map;
	struct tsm_copybuf rows;
	struct tsm_batch_row *meta;
	size_t nrows, cap;
	int32_t *slots;		/* open addressing over row indices, -1 free */
	size_t nslots;
	struct tsm_group *groups;
	int ngroups, gcap;
	int32_t *gslots;
	int ngslots;
	int range_col;		/* active position of the range column, -1 */
	int time_pos;		/* active position of the time column, -1 */
	uint64_t ndup;		/* rows merged into a later (or earlier) one */
	int64_t tmin, tmax;	/* time range of all rows */
	int64_t probe_until;	/* the probe's above looked up to here */
	uint64_t first_line, last_line;
	char input[256];	/* the input the rows come from */
	bool all_stage;		/* no group may go straight in (a retry) */
};

/* Initialises an empty batch for the map; false if memory is short. */
bool tsm_batch_init(struct tsm_batch *b, const struct tsm_ingest_map *m,
    size_t max_rows);
void tsm_batch_free(struct tsm_batch *b);

/* Empties the batch for rows from input. */
void tsm_batch_reset(struct tsm_batch *b, const char *input);

/*
 * Adds a checked row.  Returns 1 when added, 0 when its key repeats a row
 * of this batch and mode is TSM_CONFLICT_ERROR (*dup_line then names the
 * earlier line), -1 when memory is short (reported).
 */
int tsm_batch_add(struct tsm_batch *b, const struct tsm_irow *row,
    enum tsm_conflict mode, uint64_t *dup_line, int64_t arrival);

/* Rows that will be written (not merged away). */
size_t tsm_batch_live(const struct tsm_batch *b);

/* Rows going straight in, and through the staging table. */
void tsm_batch_split(const struct tsm_batch *b, size_t *direct,
    size_t *staged);

/*
 * The value of group column j (a TSM_C_GROUP column, in active order) of
 * group g, as text for an array parameter: an int4 as digits, text as it
 * is.  buf receives integers; text points into the batch.
 */
void tsm_batch_group_value(const struct tsm_batch *b, int g, int j,
    const char **s, size_t *len, char *buf, size_t bufsz);

/*
 * The groups of every batch sent so far in this run, with the ranges
 * they covered: a batch whose group meets one of those ranges may repeat
 * rows that an earlier batch wrote (and whose commit a probe may not see
 * yet), so it goes through the staging table.
 */
struct tsm_hull;
struct tsm_hull *tsm_hull_new(void);
void tsm_hull_free(struct tsm_hull *h);

/*
 * Marks as stage the groups of b that meet the ranges recorded for them,
 * then records b's ranges.  A group whose table was found empty beyond
 * the rows sent so far (tsm_hull_learn) and whose rows all come after
 * them needs no probe: it is marked skip_probe.  False when memory is
 * short (reported).
 */
bool tsm_hull_apply(struct tsm_hull *h, struct tsm_batch *b);

/*
 * After the probe: remembers, for each group asked, whether the table
 * holds rows beyond the batch's ranges.
 */
void tsm_hull_learn(struct tsm_hull *h, const struct tsm_batch *b);

/*
 * Forgets what the probes found for the groups of b: a COPY met a key
 * that another session wrote meanwhile, so ask again next time.
 */
void tsm_hull_forget(struct tsm_hull *h, const struct tsm_batch *b);

#endif
