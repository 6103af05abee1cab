/*
 * recstore.c: the rows of a migration moved into positions or trades in
 * one transaction, the records already there left out, the result
 * counted after the commit, and the files backed up.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "cancel.h"
#include "db.h"
#include "log.h"
#include "pgcopy.h"
#include "recload_int.h"

/* The types of the key array (pg_type.h, stable across releases). */
#define TEXTOID 25
#define TEXTARRAYOID 1009

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

/*
 * The keys of rows [from, to) passing the filter, as a text[] in the
 * binary format: the server reads 100,000 keys so in a third of the time
 * array_in takes to parse them as a literal.
 */
static void
key_array(const struct tsm_recload *L, size_t from, size_t to,
    const bool *only, struct tsm_copybuf *b)
{
	unsigned char head[20];
	uint32_t n = 0;

	tsm_copybuf_clear(b);
	tsm_put_be32(head, 1);		/* dimensions */
	tsm_put_be32(head + 4, 0);	/* no NULLs */
	tsm_put_be32(head + 8, TEXTOID);
	tsm_put_be32(head + 12, 0);	/* the count, below */
	tsm_put_be32(head + 16, 1);	/* lower bound */
	tsm_copybuf_add(b, head, sizeof(head));
	for (size_t i = from; i < to; i++) {
		if (only != NULL && !only[i])
			continue;
		tsm_copy_text(b, L->keys[i], strlen(L->keys[i]));
		n++;
	}
	if (!b->oom)
		tsm_put_be32(b->data + 12, n);
}

/* Runs sql with the key array as $1; NULL after reporting an error. */
static PGresult *
query_keys(PGconn *conn, const char *sql, const struct tsm_copybuf *arr)
{
	const Oid types[1] = { TEXTARRAYOID };
	const char *values[1] = { (const char *)arr->data };
	const int lengths[1] = { (int)arr->len }, formats[1] = { 1 };
	PGresult *res;
	ExecStatusType st;

	if (arr->oom || arr->len > INT_MAX) {
		tsm_error("out of memory");
		return NULL;
	}
	res = PQexecParams(conn, sql, 1, types, values, lengths, formats, 0);
	st = PQresultStatus(res);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return res;
	tsm_report_result(conn, res, NULL);
	PQclear(res);
	return NULL;
}

/* Marks the rows whose key is already in the table. */
static bool
find_existing(struct tsm_recload *L, PGconn *conn, const char *table,
    size_t *existing)
{
	struct tsm_buf sql = TSM_BUF_INIT;
	struct tsm_copybuf arr = { 0 };
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
	if (!tsm_buf_ok(&sql))
		goto out;
	res = query_keys(conn, sql.data, &arr);
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
	tsm_copybuf_free(&arr);
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

/*
 * Ends a COPY: the server's error, if any, reported with the record it
 * names.  ok false (interrupted) ends it in an error.
 */
static bool
copy_end(struct tsm_recload *L, PGconn *conn, bool ok)
{
	PGresult *res;

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

/* The COPY statement into table, the columns of L. */
static bool
copy_sql(const struct tsm_recload *L, const char *table, struct tsm_buf *sql)
{
	tsm_buf_printf(sql, "COPY %s (", table);
	column_list(L, sql);
	tsm_buf_puts(sql, ") FROM STDIN");
	return tsm_buf_ok(sql);
}

/* COPYs the rows not skipped into table (columns cols). */
static bool
copy_rows(struct tsm_recload *L, PGconn *conn, const char *table)
{
	struct tsm_buf sql = TSM_BUF_INIT;
	PGresult *res;
	size_t i = 0;
	bool ok = true;

	if (!copy_sql(L, table, &sql))
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
	return copy_end(L, conn, ok);
}

/* Links the new rows that name an exchange to their instrument. */
static bool
link_instruments(struct tsm_recload *L, PGconn *conn, const char *table)
{
	struct tsm_buf sql = TSM_BUF_INIT;
	struct tsm_copybuf arr = { 0 };
	char *q = tsm_quote_ident(L->o.schema);
	PGresult *res = NULL;
	bool any = false;

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
	if (tsm_buf_ok(&sql))
		res = query_keys(conn, sql.data, &arr);
	PQclear(res);
	tsm_copybuf_free(&arr);
	tsm_buf_free(&sql);
	return res != NULL;
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
	struct tsm_buf sql = TSM_BUF_INIT;
	struct tsm_copybuf arr = { 0 };
	bool ok = true;

	tsm_buf_printf(&sql, "SELECT count(*) FROM pg_catalog.unnest("
	    "$1::text[]) AS k (key) WHERE EXISTS (SELECT FROM %s t WHERE "
	    "t.source_key = k.key)", table);
	for (int fi = 0; fi < L->nfiles && ok; fi++) {
		struct rfile *f = &L->files[fi];
		PGresult *res;

		key_array(L, f->first, f->first + f->n, NULL, &arr);
		if (!tsm_buf_ok(&sql)) {
			ok = false;
			break;
		}
		res = query_keys(conn, sql.data, &arr);
		if (res == NULL) {
			ok = false;
			break;
		}
		f->in_db = atol(PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	tsm_copybuf_free(&arr);
	tsm_buf_free(&sql);
	return ok;
}

static void
rollback(PGconn *conn)
{
	PGresult *res = PQexec(conn, "ROLLBACK");

	PQclear(res);
}

/* Runs sql; true when it ended as expected.  Reports nothing. */
static bool
quietly(PGconn *conn, const char *sql, ExecStatusType want, bool *yes)
{
	PGresult *res = PQexec(conn, sql);
	bool ok = PQresultStatus(res) == want;

	if (ok && yes != NULL)
		*yes = PQntuples(res) == 1 &&
		    strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return ok;
}

/* The LOCK that keeps other writers out until the commit. */
static void
lock_sql(const char *table, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE",
	    table);
}

bool
tsm_recload_stream_begin(struct tsm_recload *L, PGconn *conn)
{
	struct tsm_buf sql = TSM_BUF_INIT;
	char *table = table_name(L), lock[300];
	bool empty = false, ok;

	if (table == NULL)
		return false;
	lock_sql(table, lock, sizeof(lock));
	tsm_buf_printf(&sql, "SELECT NOT EXISTS (SELECT FROM %s)", table);
	ok = tsm_buf_ok(&sql) && quietly(conn, "BEGIN", PGRES_COMMAND_OK,
	    NULL) && quietly(conn, lock, PGRES_COMMAND_OK, NULL) &&
	    quietly(conn, sql.data, PGRES_TUPLES_OK, &empty) && empty;
	tsm_buf_reset(&sql);
	ok = ok && copy_sql(L, table, &sql) &&
	    quietly(conn, sql.data, PGRES_COPY_IN, NULL);
	if (ok) {
		L->stream = conn;
		L->sent = 0;
		L->held = false;
	} else if (PQtransactionStatus(conn) != PQTRANS_IDLE) {
		rollback(conn);
	}
	tsm_buf_free(&sql);
	free(table);
	return ok;
}

void
tsm_recload_stream_push(struct tsm_recload *L)
{
	size_t n = L->lines.len - L->sent;

	if (L->stream == NULL || L->held || n == 0)
		return;
	if (n > INT_MAX || tsm_interrupted ||
	    PQputCopyData(L->stream, L->lines.data + L->sent, (int)n) != 1) {
		/* The server's error, if it sent one, comes at the end. */
		L->held = true;
		return;
	}
	L->sent += n;
}

void
tsm_recload_stream_abort(struct tsm_recload *L)
{
	PGresult *res;

	if (L->stream == NULL)
		return;
	(void)PQputCopyEnd(L->stream, "tsm-migrate: the records did not "
	    "pass their checks");
	while ((res = PQgetResult(L->stream)) != NULL)
		PQclear(res);
	if (PQstatus(L->stream) == CONNECTION_OK)
		rollback(L->stream);
	L->stream = NULL;
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
	if (L->stream != NULL) {
		/* Locked, found empty, and most rows sent already. */
		bool ok;

		tsm_recload_stream_push(L);
		ok = !L->held;
		L->stream = NULL;
		if (!copy_end(L, conn, ok) || !link_instruments(L, conn, table))
			goto fail_rollback;
		for (int fi = 0; fi < L->nfiles; fi++)
			L->files[fi].inserted = (long)L->files[fi].n;
		inserted = L->nrows;
		goto commit;
	}
	if (!tsm_command(conn, "BEGIN", 0, NULL))
		goto fail;
	/*
	 * Other writers wait until the commit, so that what is found to be
	 * there stays true, and --if-empty means what it says.
	 */
	lock_sql(table, lock, sizeof(lock));
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
commit:
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
		    "s", f->inserted, f->n - (size_t)f->inserted, f->in_db,
		        f->n, L->o.schema, kind);
		if ((size_t)f->in_db != f->n) {
			tsm_error("%s: only %ld of its %zu records are in "
			    "%s.%s after the commit", f->doc.name, f->in_db,
			    f->n, L->o.schema, kind);
			tsm_hint("something deleted rows meanwhile; run the "
			    "same command again to put them back");
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
				tsm_info("%s: backed up as %s", f->doc.name,
				    made);
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
	else if (PQstatus(conn) == CONNECTION_BAD)
		tsm_detail("nothing was migrated: the transaction never "
		    "committed; run the same command again");
	free(table);
	return status;
fail:
	status = tsm_exit_status(conn);
	free(table);
	return status;
}

