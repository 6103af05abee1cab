/*
 * recload.c: reading bots' JSON files into rows, then moving the rows
 * into positions or trades in one transaction.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "cancel.h"
#include "db.h"
#include "jsondoc.h"
#include "jsonrec.h"
#include "log.h"
#include "recload.h"

/* 32 hex digits, "-", an ordinal, NUL. */
#define KEYLEN 48
/* Problems shown before the rest are only counted. */
#define MAX_SHOWN 20

struct rfile {
	struct tsm_json_doc doc;
	char *source;
	size_t first, n;	/* its rows */
	long inserted, in_db;
};

/* How often each identity was seen: the ordinal of a repeated record. */
struct seen_slot {
	unsigned char id[16];
	unsigned count;		/* 0: empty */
};

struct tsm_recload {
	struct tsm_recload_opts o;
	int cols[TSM_NFIELDS];	/* the fields that are columns, in order */
	int ncols;
	struct rfile *files;
	int nfiles;
	struct tsm_buf lines;	/* COPY text of every row */
	struct tsm_buf paths;	/* each row's JSON path, NUL-terminated */
	size_t *line_off;	/* nrows + 1 offsets into lines */
	size_t *path_off;
	char (*keys)[KEYLEN];
	int *file_of;
	bool *skip;		/* already in the database */
	bool *linked;		/* names an exchange: link its instrument */
	size_t nrows, cap;
	struct seen_slot *seen;
	size_t seen_cap, seen_n;
};

struct tsm_recload *
tsm_recload_new(const struct tsm_recload_opts *o)
{
	struct tsm_recload *L = calloc(1, sizeof(*L));
	unsigned kind = (unsigned)o->map->kind;

	if (L == NULL) {
		tsm_error("out of memory");
		return NULL;
	}
	L->o = *o;
	for (int f = 0; f < TSM_NFIELDS; f++)
		if (tsm_fields[f].columns & kind)
			L->cols[L->ncols++] = f;
	return L;
}

void
tsm_recload_free(struct tsm_recload *L)
{
	if (L == NULL)
		return;
	for (int i = 0; i < L->nfiles; i++) {
		tsm_json_doc_free(&L->files[i].doc);
		free(L->files[i].source);
	}
	free(L->files);
	tsm_buf_free(&L->lines);
	tsm_buf_free(&L->paths);
	free(L->line_off);
	free(L->path_off);
	free(L->keys);
	free(L->file_of);
	free(L->skip);
	free(L->linked);
	free(L->seen);
	free(L);
}

/* The ordinal of this identity: 1 the first time, 2 the next... */
static unsigned
ordinal(struct tsm_recload *L, const unsigned char *id)
{
	size_t i;

	if (L->seen_n * 2 >= L->seen_cap) {
		size_t cap = L->seen_cap ? L->seen_cap * 2 : 1024;
		struct seen_slot *t = calloc(cap, sizeof(*t));

		if (t == NULL)
			return 0;
		for (size_t k = 0; k < L->seen_cap; k++) {
			struct seen_slot *s = &L->seen[k];
			uint64_t h;

			if (s->count == 0)
				continue;
			memcpy(&h, s->id, sizeof(h));
			for (i = h % cap; t[i].count; i = (i + 1) % cap)
				;
			t[i] = *s;
		}
		free(L->seen);
		L->seen = t;
		L->seen_cap = cap;
	}
	{
		uint64_t h;

		memcpy(&h, id, sizeof(h));
		for (i = h % L->seen_cap; L->seen[i].count; i = (i + 1) %
		    L->seen_cap)
			if (memcmp(L->seen[i].id, id, 16) == 0)
				return ++L->seen[i].count;
	}
	memcpy(L->seen[i].id, id, 16);
	L->seen[i].count = 1;
	L->seen_n++;
	return 1;
}

/* Appends s to a COPY text line, escaped; NULL as \N. */
static void
copy_field(struct tsm_buf *b, const char *s)
{
	size_t start = 0, i;

	if (s == NULL) {
		tsm_buf_append(b, "\\N", 2);
		return;
	}
	for (i = 0; s[i]; i++) {
		const char *esc;

		switch (s[i]) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		tsm_buf_append(b, s + start, i - start);
		tsm_buf_append(b, esc, 2);
		start = i + 1;
	}
	tsm_buf_append(b, s + start, i - start);
}

/* Makes room for one more row in the per-row arrays. */
static bool
grow(struct tsm_recload *L)
{
	size_t cap;

	if (L->nrows + 1 < L->cap)
		return true;
	cap = L->cap ? L->cap * 2 : 1024;
#define GROW(p) do { void *np_ = realloc((p), cap * sizeof(*(p))); \
	if (np_ == NULL) \
		return false; \
	(p) = np_; \
} while (0)
	GROW(L->line_off);
	GROW(L->path_off);
	GROW(L->keys);
	GROW(L->file_of);
	GROW(L->skip);
	GROW(L->linked);
#undef GROW
	L->cap = cap;
	return true;
}

/* Adds a checked row: its COPY line, key and path. */
static bool
add_row(struct tsm_recload *L, int fi, const struct tsm_row *row,
    const struct tsm_json_rec *rec)
{
	char *key;
	unsigned ord;
	const char *ex;

	if (!grow(L))
		goto oom;
	ord = ordinal(L, row->identity);
	if (ord == 0)
		goto oom;
	key = L->keys[L->nrows];
	tsm_hex(row->identity, 16, key);
	if (ord > 1)
		snprintf(key + 32, KEYLEN - 32, "-%u", ord);
	L->line_off[L->nrows] = L->lines.len;
	for (int c = 0; c < L->ncols; c++) {
		copy_field(&L->lines, tsm_row_get(row, L->cols[c]));
		tsm_buf_putc(&L->lines, '\t');
	}
	copy_field(&L->lines, L->files[fi].source);
	tsm_buf_putc(&L->lines, '\t');
	copy_field(&L->lines, key);
	tsm_buf_putc(&L->lines, '\t');
	copy_field(&L->lines, row->extra < 0 ? NULL :
	    row->arena.data + row->extra);
	tsm_buf_putc(&L->lines, '\n');
	L->path_off[L->nrows] = L->paths.len;
	tsm_json_rec_path(&L->paths, rec);
	tsm_buf_putc(&L->paths, '\0');
	L->file_of[L->nrows] = fi;
	L->skip[L->nrows] = false;
	ex = tsm_row_get(row, TSM_F_EXCHANGE);
	L->linked[L->nrows] = ex != NULL && *ex != '\0';
	L->nrows++;
	L->line_off[L->nrows] = L->lines.len;
	return !L->lines.failed && !L->paths.failed;
oom:
	tsm_error("out of memory");
	return false;
}

/* Reads one file: its records made rows, or problems reported. */
static bool
read_file(struct tsm_recload *L, const char *name,
    struct tsm_problems *pr)
{
	struct rfile *nf, *f;
	struct tsm_json_recs recs;
	struct tsm_row row;
	struct tsm_sha256 seed;
	const char *kind = tsm_rec_kind_name(L->o.map->kind);
	int fi;
	bool ok = true, warned = false;
	long before = pr->total;

	nf = realloc(L->files, (size_t)(L->nfiles + 1) * sizeof(*nf));
	if (nf == NULL) {
		tsm_error("out of memory");
		return false;
	}
	L->files = nf;
	fi = L->nfiles++;
	f = &L->files[fi];
	memset(f, 0, sizeof(*f));
	f->first = L->nrows;
	if (!tsm_json_doc_load(&f->doc, name, L->o.max_bytes)) {
		pr->total++;
		return false;
	}
	for (int i = 0; i < fi; i++)
		if (!f->doc.is_stdin && !L->files[i].doc.is_stdin &&
		    L->files[i].doc.dev == f->doc.dev &&
		    L->files[i].doc.ino == f->doc.ino) {
			tsm_error("%s is the same file as %s: give each file "
			    "once", f->doc.name, L->files[i].doc.name);
			pr->total++;
			return false;
		}
	if (L->o.source != NULL)
		f->source = strdup(L->o.source);
	else
		f->source = realpath(name, NULL);
	if (f->source == NULL) {
		tsm_error("cannot resolve the path of %s: %s", name,
		    strerror(errno));
		pr->total++;
		return false;
	}
	if (!tsm_json_find_records(&f->doc, L->o.path,
	    tsm_rec_containers(L->o.map->kind), &recs)) {
		pr->total++;
		tsm_json_recs_free(&recs);
		return false;
	}
	tsm_sha256_init(&seed);
	tsm_sha256_update(&seed, "tsm-migrate/1", 14);
	tsm_sha256_update(&seed, kind, strlen(kind) + 1);
	tsm_sha256_update(&seed, f->source, strlen(f->source) + 1);

	memset(&row, 0, sizeof(row));
	pr->file = f->doc.name;
	for (size_t i = 0; i < recs.n; i++) {
		if (tsm_interrupted) {
			ok = false;
			break;
		}
		if (!tsm_recmap_row(L->o.map, &recs.v[i], f->doc.nums, &seed, &row,
		    pr)) {
			if (pr->total == before) {
				ok = false;	/* out of memory */
				break;
			}
			continue;
		}
		if (pr->total > before)
			continue;	/* no more rows once one is bad */
		if (!add_row(L, fi, &row, &recs.v[i])) {
			ok = false;
			break;
		}
		if (row.zoneless[0] && !warned) {
			tsm_warning("%s: zone-less times are read as UTC, such as "
			    "%s; give --tz if they are local times", f->doc.name,
			    row.zoneless);
			warned = true;
		}
	}
	f->n = L->nrows - f->first;
	tsm_buf_free(&row.arena);
	tsm_json_recs_free(&recs);
	/* The rows are made: the tree is not needed, the bytes are. */
	tsm_json_doc_drop_tree(&f->doc);
	return ok && pr->total == before;
}

bool
tsm_recload_read(struct tsm_recload *L, char *const *files, int n)
{
	struct tsm_problems pr;
	int bad_files = 0;

	memset(&pr, 0, sizeof(pr));
	pr.max = MAX_SHOWN;
	for (int i = 0; i < n; i++) {
		long before = pr.total;

		if (tsm_interrupted)
			return false;
		if (!read_file(L, files[i], &pr) && pr.total == before)
			return false;
		if (pr.total > before)
			bad_files++;
	}
	if (pr.total == 0)
		return true;
	if (pr.total > pr.shown && pr.shown > 0)
		tsm_error("%ld more problems not shown", pr.total - pr.shown);
	if (pr.total > 1 || n > 1)
		tsm_info("%ld problem%s in %d of %d file%s: nothing was migrated",
		    pr.total, pr.total == 1 ? "" : "s", bad_files, n,
		    n == 1 ? "" : "s");
	return false;
}

/* The qualified table: "tsm".trades.  The caller frees it. */
static char *
table_name(const struct tsm_recload *L)
{
	char *q = tsm_quote_ident(L->o.schema), *t = NULL;

	if (q != NULL && asprintf(&t, "%s.%s", q,
	    tsm_rec_kind_name(L->o.map->kind)) < 0)
		t = NULL;
	free(q);
	if (t == NULL)
		tsm_error("out of memory");
	return t;
}

bool
tsm_recload_table_empty(PGconn *conn, const struct tsm_recload_opts *o,
    bool *empty)
{
	char *q = tsm_quote_ident(o->schema), sql[256];
	PGresult *res;

	snprintf(sql, sizeof(sql), "SELECT NOT EXISTS (SELECT FROM %s.%s)", q,
	    tsm_rec_kind_name(o->map->kind));
	free(q);
	res = tsm_query(conn, sql, 0, NULL);
	if (res == NULL)
		return false;
	*empty = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return true;
}

/* The column list of the COPY: the fields, then source, key, extra. */
static void
column_list(const struct tsm_recload *L, struct tsm_buf *b)
{
	for (int c = 0; c < L->ncols; c++)
		tsm_buf_printf(b, "%s%s", c ? ", " : "",
		    tsm_fields[L->cols[c]].name);
	tsm_buf_puts(b, ", source, source_key, extra");
}

/* An array literal of the keys of rows [from, to) passing the filter. */
static void
key_array(const struct tsm_recload *L, size_t from, size_t to,
    const bool *only, struct tsm_buf *b)
{
	bool first = true;

	tsm_buf_putc(b, '{');
	for (size_t i = from; i < to; i++) {
		if (only != NULL && !only[i])
			continue;
		if (!first)
			tsm_buf_putc(b, ',');
		tsm_buf_puts(b, L->keys[i]);
		first = false;
	}
	tsm_buf_putc(b, '}');
}

/* Marks the rows whose key is already in the table. */
static bool
find_existing(struct tsm_recload *L, PGconn *conn, const char *table,
    size_t *existing)
{
	struct tsm_buf arr = TSM_BUF_INIT, sql = TSM_BUF_INIT;
	const char *params[1];
	PGresult *res;
	bool ok = false;

	*existing = 0;
	tsm_buf_printf(&sql, "SELECT EXISTS (SELECT FROM %s)", table);
	res = tsm_query(conn, tsm_buf_str(&sql), 0, NULL);
	if (res == NULL)
		goto out;
	if (strcmp(PQgetvalue(res, 0, 0), "f") == 0) {
		PQclear(res);
		ok = true;	/* an empty table holds none of them */
		goto out;
	}
	PQclear(res);
	key_array(L, 0, L->nrows, NULL, &arr);
	tsm_buf_reset(&sql);
	tsm_buf_printf(&sql, "SELECT k.n FROM pg_catalog.unnest($1::text[]) "
	    "WITH ORDINALITY AS k (key, n) WHERE EXISTS (SELECT FROM %s t "
	    "WHERE t.source_key = k.key)", table);
	if (!tsm_buf_ok(&arr) || !tsm_buf_ok(&sql))
		goto out;
	params[0] = arr.data;
	res = tsm_query(conn, sql.data, 1, params);
	if (res == NULL)
		goto out;
	for (int r = 0; r < PQntuples(res); r++) {
		long n = atol(PQgetvalue(res, r, 0));

		if (n >= 1 && (size_t)n <= L->nrows && !L->skip[n - 1]) {
			L->skip[n - 1] = true;
			(*existing)++;
		}
	}
	PQclear(res);
	ok = true;
out:
	tsm_buf_free(&arr);
	tsm_buf_free(&sql);
	return ok;
}

/*
 * Names the file and record of a COPY error: the server says "COPY
 * trades, line N", the Nth row sent.
 */
static void
locate_copy_error(const struct tsm_recload *L, const PGresult *res)
{
	const char *ctx = PQresultErrorField(res, PG_DIAG_CONTEXT);
	const char *p = ctx ? strstr(ctx, ", line ") : NULL;
	long line, k = 0;

	if (p == NULL)
		return;
	line = atol(p + 7);
	for (size_t i = 0; i < L->nrows; i++) {
		if (L->skip[i])
			continue;
		if (++k == line) {
			tsm_detail("the record is %s: %s",
			    L->files[L->file_of[i]].doc.name,
			    L->paths.data + L->path_off[i]);
			return;
		}
	}
}

/* COPYs the rows not skipped into table (columns cols). */
static bool
copy_rows(struct tsm_recload *L, PGconn *conn, const char *table)
{
	struct tsm_buf sql = TSM_BUF_INIT;
	PGresult *res;
	size_t i = 0;
	bool ok = true;

	tsm_buf_printf(&sql, "COPY %s (", table);
	column_list(L, &sql);
	tsm_buf_puts(&sql, ") FROM STDIN");
	if (!tsm_buf_ok(&sql))
		return false;
	res = PQexec(conn, sql.data);
	tsm_buf_free(&sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		tsm_report_result(conn, res, NULL);
		PQclear(res);
		return false;
	}
	PQclear(res);
	/* Runs of rows to send are contiguous in the buffer. */
	while (i < L->nrows && ok) {
		size_t j;

		if (L->skip[i]) {
			i++;
			continue;
		}
		for (j = i; j < L->nrows && !L->skip[j] &&
		    L->line_off[j + 1] - L->line_off[i] < 256 * 1024; j++)
			;
		if (j == i)
			j = i + 1;
		if (tsm_interrupted ||
		    PQputCopyData(conn, L->lines.data + L->line_off[i],
		    (int)(L->line_off[j] - L->line_off[i])) != 1)
			ok = false;
		i = j;
	}
	if (PQputCopyEnd(conn, ok ? NULL : "interrupted") != 1)
		ok = false;
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			if (ok || !tsm_interrupted) {
				tsm_report_result(conn, res, NULL);
				locate_copy_error(L, res);
			}
			ok = false;
		}
		PQclear(res);
	}
	return ok && !tsm_interrupted;
}

/* Links the new rows that name an exchange to their instrument. */
static bool
link_instruments(struct tsm_recload *L, PGconn *conn, const char *table)
{
	struct tsm_buf arr = TSM_BUF_INIT, sql = TSM_BUF_INIT;
	char *q = tsm_quote_ident(L->o.schema);
	const char *params[1];
	bool any = false, ok;

	for (size_t i = 0; i < L->nrows; i++) {
		L->linked[i] = L->linked[i] && !L->skip[i];
		any |= L->linked[i];
	}
	if (!any) {
		free(q);
		return true;
	}
	key_array(L, 0, L->nrows, L->linked, &arr);
	tsm_buf_printf(&sql, "UPDATE %s t SET instrument_id = i.id FROM "
	    "(SELECT DISTINCT ON (exchange, symbol) exchange, symbol, id "
	    "FROM %s.instruments ORDER BY exchange, symbol, id) i "
	    "WHERE t.source_key = ANY ($1::text[]) AND i.exchange = "
	    "t.exchange AND i.symbol = t.symbol", table, q);
	free(q);
	params[0] = tsm_buf_str(&arr);
	ok = tsm_buf_ok(&arr) && tsm_buf_ok(&sql) &&
	    tsm_command(conn, sql.data, 1, params);
	tsm_buf_free(&arr);
	tsm_buf_free(&sql);
	return ok;
}

/* --dry-run: the rows that would be inserted, on stdout. */
static bool
print_pending(struct tsm_recload *L, PGconn *conn, const char *table)
{
	struct tsm_buf sql = TSM_BUF_INIT, cols = TSM_BUF_INIT;
	PGresult *res;
	struct tsm_writer *w;
	const char *names[TSM_NFIELDS + 3];
	enum tsm_coltype types[TSM_NFIELDS + 3];
	bool ok = false;
	int n;

	column_list(L, &cols);
	tsm_buf_printf(&sql, "CREATE TEMP TABLE tsm_migrate_pending AS "
	    "SELECT %s FROM %s WITH NO DATA; ALTER TABLE tsm_migrate_pending "
	    "ADD COLUMN tsm_row bigserial", tsm_buf_str(&cols), table);
	if (!tsm_buf_ok(&sql) || !tsm_buf_ok(&cols) ||
	    !tsm_command(conn, sql.data, 0, NULL))
		goto out;
	if (!copy_rows(L, conn, "pg_temp.tsm_migrate_pending"))
		goto out;
	tsm_buf_reset(&sql);
	tsm_buf_printf(&sql, "SELECT %s FROM pg_temp.tsm_migrate_pending "
	    "ORDER BY tsm_row", cols.data);
	res = tsm_query(conn, tsm_buf_str(&sql), 0, NULL);
	if (res == NULL)
		goto out;
	n = PQnfields(res);
	for (int i = 0; i < n; i++) {
		names[i] = PQfname(res, i);
		types[i] = tsm_coltype_for_oid(PQftype(res, i));
	}
	w = tsm_writer_new(stdout, L->o.format, L->o.header, n, names, types);
	ok = w != NULL;
	for (int r = 0; ok && r < PQntuples(res); r++) {
		const char *vals[TSM_NFIELDS + 3];

		for (int i = 0; i < n; i++)
			vals[i] = PQgetisnull(res, r, i) ? NULL :
			    PQgetvalue(res, r, i);
		ok = tsm_writer_row(w, vals, NULL);
	}
	if (w != NULL && !tsm_writer_end(w))
		ok = false;
	PQclear(res);
out:
	tsm_buf_free(&sql);
	tsm_buf_free(&cols);
	return ok;
}

/* Counts, after the commit, the records of each file in the table. */
static bool
count_in_db(struct tsm_recload *L, PGconn *conn, const char *table)
{
	struct tsm_buf arr = TSM_BUF_INIT, sql = TSM_BUF_INIT;
	bool ok = true;

	tsm_buf_printf(&sql, "SELECT count(*) FROM pg_catalog.unnest("
	    "$1::text[]) AS k (key) WHERE EXISTS (SELECT FROM %s t WHERE "
	    "t.source_key = k.key)", table);
	for (int fi = 0; fi < L->nfiles && ok; fi++) {
		struct rfile *f = &L->files[fi];
		const char *params[1];
		PGresult *res;

		tsm_buf_reset(&arr);
		key_array(L, f->first, f->first + f->n, NULL, &arr);
		if (!tsm_buf_ok(&arr) || !tsm_buf_ok(&sql)) {
			ok = false;
			break;
		}
		params[0] = arr.data;
		res = tsm_query(conn, sql.data, 1, params);
		if (res == NULL) {
			ok = false;
			break;
		}
		f->in_db = atol(PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	tsm_buf_free(&arr);
	tsm_buf_free(&sql);
	return ok;
}

static void
rollback(PGconn *conn)
{
	PGresult *res = PQexec(conn, "ROLLBACK");

	PQclear(res);
}

int
tsm_recload_run(struct tsm_recload *L, PGconn *conn)
{
	const char *kind = tsm_rec_kind_name(L->o.map->kind);
	char *table = table_name(L), lock[300];
	size_t existing = 0, inserted;
	int status = TSM_EXIT_FAIL;
	bool empty, mismatch = false;

	if (table == NULL)
		return TSM_EXIT_FAIL;
	if (!tsm_command(conn, "BEGIN", 0, NULL))
		goto fail;
	/*
	 * Other writers wait until the commit, so that what is found to be
	 * there stays true, and --if-empty means what it says.
	 */
	snprintf(lock, sizeof(lock), "LOCK TABLE %s IN SHARE ROW EXCLUSIVE "
	    "MODE", table);
	if (!L->o.dry_run && !tsm_command(conn, lock, 0, NULL))
		goto fail_rollback;
	if (L->o.if_empty) {
		if (!tsm_recload_table_empty(conn, &L->o, &empty))
			goto fail_rollback;
		if (!empty) {
			rollback(conn);
			tsm_info("%s.%s is not empty: nothing migrated "
			    "(--if-empty)", L->o.schema, kind);
			free(table);
			return TSM_EXIT_OK;
		}
	}
	if (!find_existing(L, conn, table, &existing))
		goto fail_rollback;
	inserted = L->nrows - existing;
	for (int fi = 0; fi < L->nfiles; fi++) {
		struct rfile *f = &L->files[fi];

		f->inserted = 0;
		for (size_t i = f->first; i < f->first + f->n; i++)
			f->inserted += !L->skip[i];
	}

	if (L->o.dry_run) {
		bool ok = print_pending(L, conn, table);

		rollback(conn);
		free(table);
		if (!ok)
			return tsm_exit_status(conn);
		tsm_info("dry run: %zu of %zu records would be inserted into "
		    "%s.%s, %zu are there already; nothing was written",
		    inserted, L->nrows, L->o.schema, kind, existing);
		return TSM_EXIT_OK;
	}
	if (inserted > 0 && (!copy_rows(L, conn, table) ||
	    !link_instruments(L, conn, table)))
		goto fail_rollback;
	if (tsm_interrupted)
		goto fail_rollback;
	if (!tsm_command(conn, "COMMIT", 0, NULL))
		goto fail;

	if (!count_in_db(L, conn, table)) {
		status = tsm_exit_status(conn);
		tsm_error("the migration was committed, but the count that "
		    "checks it failed");
		free(table);
		return status;
	}
	status = TSM_EXIT_OK;
	for (int fi = 0; fi < L->nfiles; fi++) {
		struct rfile *f = &L->files[fi];

		tsm_info("%s: %zu record%s: %ld inserted, %zu already there; "
		    "%ld of %zu in %s.%s", f->doc.name, f->n, f->n == 1 ? "" :
		    "s", f->inserted, f->n - (size_t)f->inserted, f->in_db, f->n,
		    L->o.schema, kind);
		if ((size_t)f->in_db != f->n) {
			tsm_error("%s: only %ld of its %zu records are in %s.%s "
			    "after the commit", f->doc.name, f->in_db, f->n,
			    L->o.schema, kind);
			tsm_hint("something deleted rows meanwhile; run the same "
			    "command again to put them back");
			mismatch = true;
		}
	}
	if (inserted == 0)
		tsm_info("nothing new: every record was migrated before");
	if (mismatch)
		status = TSM_EXIT_FAIL;
	if (L->o.backup) {
		for (int fi = 0; fi < L->nfiles; fi++) {
			struct rfile *f = &L->files[fi];
			char made[PATH_MAX + 32];
			enum tsm_backup_result r;

			if (f->doc.is_stdin)
				continue;
			r = tsm_backup_write(f->doc.name, f->doc.bytes,
			    f->doc.len, made, sizeof(made));
			if (r == TSM_BACKUP_FAILED) {
				tsm_hint("the migration itself was committed");
				status = TSM_EXIT_FAIL;
			} else if (r == TSM_BACKUP_WRITTEN) {
				tsm_info("%s: backed up as %s", f->doc.name, made);
			} else {
				tsm_info("%s: the backup %s is already there",
				    f->doc.name, made);
			}
		}
	}
	free(table);
	return status;

fail_rollback:
	status = tsm_exit_status(conn);
	if (PQstatus(conn) == CONNECTION_OK)
		rollback(conn);
	if (tsm_interrupted)
		tsm_error("interrupted: nothing was migrated");
	free(table);
	return status;
fail:
	status = tsm_exit_status(conn);
	free(table);
	return status;
}
