/*
 * ingest_sql.c: the statements of a load, from the kind's columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "ingest_instr.h"
#include "ingest_sql.h"
#include "log.h"
#include "timeparse.h"

static void
add(struct tsm_copybuf *b, const char *s)
{
	tsm_copybuf_add(b, s, strlen(s));
}

static void
add_ident(struct tsm_copybuf *b, const char *name)
{
	char *q = tsm_quote_ident(name);

	if (q == NULL) {
		b->oom = true;
		return;
	}
	add(b, q);
	free(q);
}

/* schema.table, both quoted. */
static void
add_table(struct tsm_copybuf *b, const char *schema, const char *table)
{
	add_ident(b, schema);
	add(b, ".");
	add_ident(b, table);
}

static void
add_stage(struct tsm_copybuf *b, const struct tsm_kind *k)
{
	char name[64];

	snprintf(name, sizeof(name), "tsm_ingest_%s", k->name);
	add(b, "pg_temp.");
	add_ident(b, name);
}

/*
 * The active columns with the given flags (all when flags is 0, those
 * without any of them when invert), each as prefix.name, separated by sep.
 * With excl, "name = EXCLUDED.name".
 */
static void
add_cols(struct tsm_copybuf *b, const struct tsm_ingest_map *m, unsigned flags,
    bool invert, const char *prefix, const char *sep, const char *assign)
{
	bool first = true;

	for (int j = 0; j < m->ncols; j++) {
		const struct tsm_kcol *c = &m->kind->cols[m->cols[j]];
		bool has = flags == 0 || (c->flags & flags) != 0;

		if (invert)
			has = (c->flags & flags) == 0;
		if (!has)
			continue;
		if (!first)
			add(b, sep);
		first = false;
		if (assign != NULL) {
			add_ident(b, c->name);
			add(b, " = ");
			add(b, assign);
		}
		add(b, prefix);
		add_ident(b, c->name);
	}
}

/* t.k1 = s.k1 AND ... over the key. */
static void
add_key_match(struct tsm_copybuf *b, const struct tsm_ingest_map *m)
{
	bool first = true;

	for (int j = 0; j < m->ncols; j++) {
		const struct tsm_kcol *c = &m->kind->cols[m->cols[j]];

		if (!(c->flags & TSM_C_KEY))
			continue;
		if (!first)
			add(b, " AND ");
		first = false;
		add(b, "t.");
		add_ident(b, c->name);
		add(b, " = s.");
		add_ident(b, c->name);
	}
}

/* AND t.time BETWEEN $1 AND $2, for kinds with a time column. */
static void
add_time_range(struct tsm_copybuf *b, const struct tsm_ingest_map *m)
{
	if (m->time_col < 0)
		return;
	add(b, " AND t.");
	add_ident(b, m->kind->cols[m->time_col].name);
	add(b, " BETWEEN $1::timestamptz AND $2::timestamptz");
}

static bool
has_nonkey(const struct tsm_ingest_map *m)
{
	for (int j = 0; j < m->ncols; j++)
		if (!(m->kind->cols[m->cols[j]].flags & TSM_C_KEY))
			return true;
	return false;
}

static const char *
type_name(enum tsm_itype t)
{
	switch (t) {
	case TSM_I_INT4: return "int4";
	case TSM_I_INT8: return "int8";
	case TSM_I_FLOAT8: return "float8";
	case TSM_I_TIME: return "timestamptz";
	case TSM_I_DATE: return "date";
	case TSM_I_BOOL: return "bool";
	default: return "text";
	}
}

/* Hands the built text to *out, or reports and frees it. */
static bool
finish(struct tsm_copybuf *b, char **out)
{
	tsm_copybuf_add(b, "", 1);
	if (b->oom) {
		tsm_copybuf_free(b);
		tsm_error("out of memory");
		return false;
	}
	*out = (char *)b->data;
	memset(b, 0, sizeof(*b));
	return true;
}

/*
 * INSERT INTO s.t AS t (cols) SELECT cols FROM stage, the start of every
 * merge.
 */
static void
add_insert_select(struct tsm_copybuf *b, const struct tsm_ingest_map *m,
    const char *schema)
{
	add(b, "INSERT INTO ");
	add_table(b, schema, m->kind->table);
	add(b, " AS t (");
	add_cols(b, m, 0, false, "", ", ", NULL);
	add(b, ") SELECT ");
	add_cols(b, m, 0, false, "s.", ", ", NULL);
	add(b, " FROM ");
	add_stage(b, m->kind);
	add(b, " s");
}

static void
add_conflict_keys(struct tsm_copybuf *b, const struct tsm_ingest_map *m)
{
	add(b, " ON CONFLICT (");
	add_cols(b, m, TSM_C_KEY, false, "", ", ", NULL);
	add(b, ")");
}

/*
 * EXISTS (SELECT FROM s.t t WHERE key match), s being the stage; with a
 * time column, also t.time BETWEEN $1 AND $2 (the batch's range), so
 * that the planner looks only at the partitions or chunks it covers.
 */
static void
add_exists(struct tsm_copybuf *b, const struct tsm_ingest_map *m,
    const char *schema)
{
	add(b, "EXISTS (SELECT FROM ");
	add_table(b, schema, m->kind->table);
	add(b, " t WHERE ");
	add_key_match(b, m);
	add_time_range(b, m);
	add(b, ")");
}

/*
 * Rows whose key is stored with other values: updated in place.  Rows
 * stored with the same values are not touched at all (no new version,
 * no row lock, no WAL), which an INSERT ... ON CONFLICT DO UPDATE ...
 * WHERE false would still lock.
 */
static void
add_update(struct tsm_copybuf *b, const struct tsm_ingest_map *m,
    const char *schema)
{
	add(b, "UPDATE ");
	add_table(b, schema, m->kind->table);
	add(b, " t SET ");
	add_cols(b, m, TSM_C_KEY, true, "s.", ", ", "");
	add(b, " FROM ");
	add_stage(b, m->kind);
	add(b, " s WHERE ");
	add_key_match(b, m);
	add_time_range(b, m);
	add(b, " AND (");
	add_cols(b, m, TSM_C_KEY, true, "t.", ", ", NULL);
	add(b, ") IS DISTINCT FROM (");
	add_cols(b, m, TSM_C_KEY, true, "s.", ", ", NULL);
	add(b, ")");
}

/*
 * Whether the update has rows to change: planning an UPDATE of a
 * hypertable costs in proportion to its chunks, even those it excludes
 * (tens of ms at a few hundred), where a SELECT plans only the chunks it
 * reads; a re-load, whose rows are all unchanged, needs no UPDATE at all.
 * A count, not EXISTS: EXISTS plans for the first row, a lookup in each
 * chunk for every staged row, where the count merges or hashes (twice as
 * fast when, as in a re-load, no row differs).
 */
static void
add_changed(struct tsm_copybuf *b, const struct tsm_ingest_map *m,
    const char *schema)
{
	add(b, "SELECT pg_catalog.count(*) > 0 FROM ");
	add_stage(b, m->kind);
	add(b, " s JOIN ");
	add_table(b, schema, m->kind->table);
	add(b, " t ON ");
	add_key_match(b, m);
	add_time_range(b, m);
	add(b, " WHERE (");
	add_cols(b, m, TSM_C_KEY, true, "t.", ", ", NULL);
	add(b, ") IS DISTINCT FROM (");
	add_cols(b, m, TSM_C_KEY, true, "s.", ", ", NULL);
	add(b, ")");
}

/* The active position of the kind's range column (trade ids), or -1. */
static int
range_col(const struct tsm_ingest_map *m)
{
	for (int j = 0; j < m->ncols; j++)
		if (m->kind->cols[m->cols[j]].flags & TSM_C_RANGE)
			return j;
	return -1;
}

/*
 * ", EXISTS (SELECT FROM s.t t WHERE t.<group> = g.<group> AND ...)" over
 * the group's range (within) or beyond it (after its last time, and its
 * last trade id): whether stored rows meet the batch, and whether any
 * could meet a later batch.
 */
static void
add_probe_exists(struct tsm_copybuf *b, const struct tsm_ingest_map *m,
    const char *schema, int range, bool within, int bounds)
{
	char num[80];
	int ng = 0;

	add(b, ", EXISTS (SELECT FROM ");
	add_table(b, schema, m->kind->table);
	add(b, " t WHERE ");
	for (int j = 0; j < m->ncols; j++) {
		const struct tsm_kcol *c = &m->kind->cols[m->cols[j]];

		if (!(c->flags & TSM_C_GROUP))
			continue;
		add(b, "t.");
		add_ident(b, c->name);
		snprintf(num, sizeof(num), " = g.g%d AND ", ++ng);
		add(b, num);
	}
	add(b, "t.");
	add_ident(b, m->kind->cols[m->time_col].name);
	add(b, within ? " BETWEEN g.lo AND g.hi" : " > g.hi");
	/*
	 * The batch's range (within), or the window above it the caller
	 * looks in, as constants too: TimescaleDB excludes chunks, and
	 * PostgreSQL prunes partitions, at plan time only by bounds it sees
	 * there, not by g.lo, g.hi (each group's); without them every chunk
	 * is planned, in every batch.
	 */
	add(b, " AND t.");
	add_ident(b, m->kind->cols[m->time_col].name);
	snprintf(num, sizeof(num), " BETWEEN $%d::timestamptz AND "
	    "$%d::timestamptz", bounds, within ? bounds + 1 : bounds + 2);
	add(b, num);
	if (range >= 0) {
		add(b, " AND t.");
		add_ident(b, m->kind->cols[m->cols[range]].name);
		add(b, within ? " BETWEEN g.rlo AND g.rhi" : " > g.rhi");
	}
	add(b, ")");
}

/*
 * The probe: for each group, whether stored rows meet its ranges (hit),
 * and whether any lie beyond them (above).
 */
static void
add_probe(struct tsm_copybuf *b, const struct tsm_ingest_map *m,
    const char *schema, int *nparams)
{
	char num[48];
	int p = 1, ng = 0, range = -1, bounds;

	/* $1, one per group column, lo and hi, rlo and rhi: then bounds. */
	bounds = 2 + (range_col(m) >= 0 ? 4 : 2);
	for (int j = 0; j < m->ncols; j++)
		if (m->kind->cols[m->cols[j]].flags & TSM_C_GROUP)
			bounds++;
	add(b, "SELECT g.n");
	add_probe_exists(b, m, schema, range_col(m), true, bounds);
	add(b, " AS hit");
	add_probe_exists(b, m, schema, range_col(m), false, bounds);
	add(b, " AS above FROM ROWS FROM (pg_catalog.unnest($1::int4[])");
	for (int j = 0; j < m->ncols; j++) {
		const struct tsm_kcol *c = &m->kind->cols[m->cols[j]];

		if (c->flags & TSM_C_RANGE)
			range = j;
		if (!(c->flags & TSM_C_GROUP))
			continue;
		snprintf(num, sizeof(num), ", pg_catalog.unnest($%d::", ++p);
		add(b, num);
		add(b, type_name(c->type));
		add(b, "[])");
		ng++;
	}
	for (int i = 0; i < (range >= 0 ? 4 : 2); i++) {
		snprintf(num, sizeof(num), ", pg_catalog.unnest($%d::", ++p);
		add(b, num);
		add(b, i < 2 ? "timestamptz[])" : "int8[])");
	}
	add(b, ") AS g (n");
	for (int i = 1; i <= ng; i++) {
		snprintf(num, sizeof(num), ", g%d", i);
		add(b, num);
	}
	add(b, ", lo, hi");
	if (range >= 0)
		add(b, ", rlo, rhi");
	add(b, ")");
	*nparams = p + 3;
}

bool
tsm_ingest_sql_build(struct tsm_ingest_sql *q, const struct tsm_ingest_map *m,
    const char *schema, enum tsm_conflict mode)
{
	const struct tsm_kind *k = m->kind;
	struct tsm_copybuf b = { 0 };

	memset(q, 0, sizeof(*q));

	/*
	 * A batch starts with BEGIN in the same round trip as its first COPY;
	 * one that only copies into the table commits in it too.
	 */
	add(&b, "BEGIN; COPY ");
	add_table(&b, schema, k->table);
	add(&b, " (");
	add_cols(&b, m, 0, false, "", ", ", NULL);
	add(&b, ") FROM STDIN (FORMAT binary)");
	if (!finish(&b, &q->copy_target))
		goto fail;
	add(&b, q->copy_target);
	add(&b, "; COMMIT");
	if (!finish(&b, &q->copy_target_commit))
		goto fail;

	add(&b, "CREATE TEMP TABLE IF NOT EXISTS ");
	add_stage(&b, k);
	add(&b, " ON COMMIT DELETE ROWS AS SELECT ");
	add_cols(&b, m, 0, false, "", ", ", NULL);
	add(&b, ", 0::int8 AS tsm_line FROM ");
	add_table(&b, schema, k->table);
	add(&b, " WITH NO DATA");
	if (!finish(&b, &q->make_stage))
		goto fail;

	add(&b, "COPY ");
	add_stage(&b, k);
	add(&b, " (");
	add_cols(&b, m, 0, false, "", ", ", NULL);
	add(&b, ", tsm_line) FROM STDIN (FORMAT binary)");
	if (!finish(&b, &q->copy_stage))
		goto fail;
	add(&b, "BEGIN; ");
	add(&b, q->copy_stage);
	if (!finish(&b, &q->begin_copy_stage))
		goto fail;

	q->range_params = m->time_col >= 0 ? 2 : 0;
	if (mode == TSM_CONFLICT_UPDATE && has_nonkey(m)) {
		add_update(&b, m, schema);
		if (!finish(&b, &q->update))
			goto fail;
		add_changed(&b, m, schema);
		if (!finish(&b, &q->changed))
			goto fail;
	}

	add_insert_select(&b, m, schema);
	if (mode != TSM_CONFLICT_ERROR) {
		add_conflict_keys(&b, m);
		add(&b, " DO NOTHING");
	}
	if (!finish(&b, &q->insert))
		goto fail;

	add(&b, "SELECT s.tsm_line FROM ");
	add_stage(&b, k);
	add(&b, " s WHERE ");
	add_exists(&b, m, schema);
	add(&b, " ORDER BY 1 LIMIT 1");
	if (!finish(&b, &q->first_conflict))
		goto fail;

	if (k->series != NULL && m->time_col >= 0) {
		add_probe(&b, m, schema, &q->probe_nparams);
		if (!finish(&b, &q->probe))
			goto fail;
	}
	q->partitions = tsm_ingest_named_sql("ingest_partitions.sql", schema);
	q->ensure_partitions = tsm_ingest_named_sql(
	    "ingest_ensure_partitions.sql", schema);
	if (q->partitions == NULL || q->ensure_partitions == NULL)
		goto fail;
	return true;
fail:
	tsm_ingest_sql_free(q);
	return false;
}

void
tsm_ingest_sql_free(struct tsm_ingest_sql *q)
{
	free(q->copy_target);
	free(q->copy_target_commit);
	free(q->begin_copy_stage);
	free(q->make_stage);
	free(q->copy_stage);
	free(q->update);
	free(q->changed);
	free(q->insert);
	free(q->first_conflict);
	free(q->probe);
	free(q->partitions);
	free(q->ensure_partitions);
	memset(q, 0, sizeof(*q));
}

/* Appends s[0..len) to an array literal as a quoted element. */
static void
add_element(struct tsm_copybuf *b, const char *s, size_t len)
{
	add(b, "\"");
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			tsm_copybuf_add(b, "\\", 1);
		tsm_copybuf_add(b, &s[i], 1);
	}
	add(b, "\"");
}

int
tsm_ingest_probe_params(const struct tsm_batch *b, char **vals, int nvals)
{
	const struct tsm_ingest_map *m = b->map;
	struct tsm_copybuf arr[16];
	int asked = 0, p;
	bool ok = true;

	if (nvals > 16)
		return -1;
	memset(arr, 0, sizeof(arr));
	for (int i = 0; i < nvals; i++) {
		add(&arr[i], "{");
		vals[i] = NULL;
	}
	for (int g = 0; g < b->ngroups; g++) {
		const struct tsm_group *grp = &b->groups[g];
		char num[32], tbuf[TSM_TIME_BUFSZ];
		const char *s;
		size_t len;

		if (grp->stage || grp->skip_probe)
			continue;
		p = 0;
		snprintf(num, sizeof(num), "%s%d", asked ? "," : "", g);
		add(&arr[p++], num);
		for (int j = 0; j < m->ncols && p < nvals; j++) {
			if (!(m->kind->cols[m->cols[j]].flags & TSM_C_GROUP))
				continue;
			tsm_batch_group_value(b, g, j, &s, &len, num,
			    sizeof(num));
			if (asked)
				add(&arr[p], ",");
			add_element(&arr[p++], s, len);
		}
		tsm_format_time(grp->tlo, tbuf);
		snprintf(num, sizeof(num), "%s", asked ? "," : "");
		add(&arr[p], num);
		add(&arr[p++], tbuf);
		tsm_format_time(grp->thi, tbuf);
		add(&arr[p], num);
		add(&arr[p++], tbuf);
		if (p + 2 <= nvals) {
			snprintf(num, sizeof(num), "%s%lld", asked ? "," : "",
			    (long long)grp->rlo);
			add(&arr[p++], num);
			snprintf(num, sizeof(num), "%s%lld", asked ? "," : "",
			    (long long)grp->rhi);
			add(&arr[p++], num);
		}
		asked++;
	}
	for (int i = 0; i < nvals; i++) {
		tsm_copybuf_add(&arr[i], "}", 2);
		ok = ok && !arr[i].oom;
		vals[i] = (char *)arr[i].data;
	}
	if (!ok) {
		tsm_ingest_probe_free(vals, nvals);
		tsm_error("out of memory");
		return -1;
	}
	return asked;
}

void
tsm_ingest_probe_free(char **vals, int nvals)
{
	for (int i = 0; i < nvals; i++) {
		free(vals[i]);
		vals[i] = NULL;
	}
}
