/*
 * compress_retention.c: tsm-compress retention, dropping whole chunks
 * (partitions) of data older than an age, one by one, each in its own
 * transaction.  Nothing is deleted unless asked: by --older-than with
 * the kinds named, or by a retention policy recorded for a kind.
 * Aggregates keep their rows: tsm-compress refresh never reaches before
 * the oldest data kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "compress.h"
#include "db.h"
#include "log.h"

/* The exact rows of a chunk (partition), compressed ones included. */
static bool
count_rows(struct tsm_compress *cx, const char *kind, const char *cschema,
    const char *chunk, char *out, size_t outsz)
{
	const char *params[2] = { kind, chunk };
	char sql[512], *qs, *qc;
	PGresult *res;

	if (cx->backend == TSM_BACKEND_NATIVE) {
		snprintf(sql, sizeof(sql), "SELECT %s.partition_rows($1, $2)",
		    cx->qschema);
		res = tsm_query(cx->conn, sql, 2, params);
	} else {
		qs = tsm_quote_ident(cschema);
		qc = tsm_quote_ident(chunk);
		snprintf(sql, sizeof(sql), "SELECT pg_catalog.count(*) FROM %s.%s",
		    qs, qc);
		free(qs);
		free(qc);
		res = tsm_query(cx->conn, sql, 0, NULL);
	}
	if (res == NULL)
		return false;
	snprintf(out, outsz, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return true;
}

/*
 * --dry-run: lists what would be dropped, with the rows of each chunk
 * (counted now) and its size.
 */
static bool
list_drops(struct tsm_compress *cx, const PGresult *res)
{
	static const char *const names[] = { "kind", "chunk", "from", "to",
		"compressed", "size", "rows" };
	static const enum tsm_coltype types[] = { TSM_COL_TEXT, TSM_COL_TEXT,
		TSM_COL_TIME, TSM_COL_TIME, TSM_COL_BOOL, TSM_COL_TEXT,
		TSM_COL_NUMBER };
	struct tsm_writer *w;

	w = tsm_writer_new(stdout, cx->format, cx->header, 7, names, types);
	if (w == NULL)
		return false;
	for (int i = 0; i < PQntuples(res) && !tsm_interrupted; i++) {
		char rows[32], size[32];
		const char *vals[7];

		if (!count_rows(cx, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
		    PQgetvalue(res, i, 2), rows, sizeof(rows))) {
			tsm_writer_end(w);
			return false;
		}
		vals[0] = PQgetvalue(res, i, 0);
		vals[1] = PQgetvalue(res, i, 2);
		vals[2] = PQgetvalue(res, i, 3);
		vals[3] = PQgetvalue(res, i, 4);
		vals[4] = strcmp(PQgetvalue(res, i, 5), "t") == 0 ? "true" :
		    "false";
		vals[5] = tsm_compress_bytes(atoll(PQgetvalue(res, i, 6)), size,
		    sizeof(size));
		vals[6] = rows;
		if (!tsm_writer_row(w, vals, NULL)) {
			tsm_writer_end(w);
			return false;
		}
	}
	return tsm_writer_end(w) && !tsm_interrupted;
}

/* Drops the chunks of rows [from, to) of res, one kind's. */
static bool
drop_kind(struct tsm_compress *cx, const PGresult *res, int from, int to)
{
	const char *kind = PQgetvalue(res, from, 0);
	char id[32] = "", detail[160], sql[512], b[32], ht[300], range[96];
	char *qs = NULL, *qt = NULL;
	int64_t bytes = 0;
	int done = 0, failed = 0;
	bool ok = true;

	qs = tsm_quote_ident(cx->schema);
	qt = tsm_quote_ident(PQgetvalue(res, from, 7));
	snprintf(ht, sizeof(ht), "%s.%s", qs, qt);
	free(qs);
	free(qt);
	if (!tsm_compress_run_begin(cx, "retention", kind, id, sizeof(id)))
		return false;
	for (int i = from; i < to && !tsm_interrupted; i++) {
		const char *chunk = PQgetvalue(res, i, 2);
		const char *params[3];
		PGresult *r;
		int np;

		if (cx->backend == TSM_BACKEND_NATIVE) {
			params[0] = kind;
			params[1] = chunk;
			np = 2;
			snprintf(sql, sizeof(sql), "SELECT %s.drop_partition($1, $2)",
			    cx->qschema);
		} else {
			/* Exactly this chunk: it starts at lo and ends by hi. */
			params[0] = ht;
			params[1] = PQgetvalue(res, i, 4);
			params[2] = PQgetvalue(res, i, 3);
			np = 3;
			snprintf(sql, sizeof(sql), "SELECT %s.drop_chunks("
			    "$1::regclass, older_than => $2::timestamptz, "
			    "newer_than => $3::timestamptz)", cx->qext);
		}
		r = PQexecParams(cx->conn, sql, np, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			const char *primary = PQresultErrorField(r,
			    PG_DIAG_MESSAGE_PRIMARY);

			ok = false;
			if (tsm_interrupted || primary == NULL ||
			    PQstatus(cx->conn) != CONNECTION_OK) {
				if (!tsm_interrupted)
					tsm_report_result(cx->conn, r, NULL);
				PQclear(r);
				break;
			}
			tsm_error("%s: could not drop %s: %s", kind, chunk, primary);
			failed++;
			PQclear(r);
			continue;
		}
		PQclear(r);
		done++;
		bytes += atoll(PQgetvalue(res, i, 6));
		tsm_compress_range_text(PQgetvalue(res, i, 3),
		    PQgetvalue(res, i, 4), range, sizeof(range));
		tsm_info("%s: dropped %s (%s), %s [%d/%d]", kind, chunk, range,
		    tsm_compress_bytes(atoll(PQgetvalue(res, i, 6)), b, sizeof(b)),
		    i - from + 1, to - from);
	}
	snprintf(detail, sizeof(detail), "%d chunk%s older than %s dropped, %s",
	    done, done == 1 ? "" : "s", PQgetvalue(res, from, 8),
	    tsm_compress_bytes(bytes, b, sizeof(b)));
	if (failed > 0)
		snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail),
		    ", %d failed", failed);
	if (tsm_interrupted) {
		strncat(detail, "; interrupted", sizeof(detail) - strlen(detail) -
		    1);
		tsm_error("%s: interrupted; %s", kind, detail);
	} else if (PQstatus(cx->conn) == CONNECTION_OK) {
		tsm_info("%s: %s", kind, detail);
	}
	tsm_compress_run_end(cx, id, ok && !tsm_interrupted, detail);
	return ok && !tsm_interrupted;
}

bool
tsm_compress_retention(struct tsm_compress *cx, const char *const *kinds,
    const struct tsm_compress_range *r)
{
	bool oom, ok;
	char *arr, *sql;
	const char *params[3];
	PGresult *res;
	int lock;

	if (!cx->dry_run) {
		lock = tsm_compress_lock(cx, "storage");
		if (lock <= 0)
			return lock == 0;
		if (!tsm_compress_set_lock_timeout(cx))
			return false;
	}
	if (r->older_than == NULL && !tsm_compress_note_no_policy(cx, kinds,
	    "retention", "retention", "--older-than AGE"))
		return false;
	if (!cx->dry_run)
		return tsm_compress_candidates(cx, "compress_retention_chunks.sql",
		    kinds, r->older_than, NULL, 0, drop_kind,
		    "nothing to drop");
	arr = tsm_compress_array(kinds, &oom);
	sql = oom ? NULL : tsm_compress_sql(cx, "compress_retention_chunks.sql");
	if (sql == NULL) {
		free(arr);
		return false;
	}
	params[0] = arr;
	params[1] = r->older_than;
	params[2] = NULL;
	res = tsm_query(cx->conn, sql, 2, params);
	free(sql);
	free(arr);
	if (res == NULL)
		return false;
	ok = list_drops(cx, res);
	PQclear(res);
	return ok;
}
