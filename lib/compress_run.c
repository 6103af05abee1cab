/*
 * compress_run.c: tsm-compress run and decompress, chunk by chunk.
 *
 * Each chunk (partition) is compressed or decompressed by one statement
 * in its own transaction: an interrupt cancels that statement, which
 * leaves the chunk as it was, readable, and keeps every chunk done
 * before it; the next run finds what is left.  A chunk that fails (a
 * lock it could not get within --lock-timeout, a timeout, an error) is
 * reported and skipped; after three failures in a row the kind is given
 * up, since the cause is then likely not the chunk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "compress.h"
#include "db.h"
#include "log.h"
#include "timeparse.h"

#define MAX_FAILURES_IN_A_ROW 3

/*
 * Reports a failed chunk statement in the tool's words, then the
 * server's detail and hint.  Returns false when nothing more can be done
 * (interrupted, connection lost).
 */
static bool
report_chunk_failure(struct tsm_compress *cx, const PGresult *res,
    const char *kind, const char *verb, const char *chunk, const char *range)
{
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);

	if (tsm_interrupted)
		return false;
	if (PQstatus(cx->conn) != CONNECTION_OK || primary == NULL) {
		tsm_report_result(cx->conn, res, NULL);
		return false;
	}
	tsm_error("%s: could not %s %s (%s): %s", kind, verb, chunk, range,
	    primary);
	if (detail)
		tsm_detail("%s", detail);
	if (hint)
		tsm_hint("%s", hint);
	return true;
}

/*
 * After a failed compression on TimescaleDB: true when the chunk is now
 * compressed whole all the same.  TimescaleDB's own job (or another
 * compressor) may have compressed it between the if-not-compressed test
 * and the lock: "already compressed" is then the state asked for, not an
 * error.  params: the chunk's schema and name.
 */
static bool
compressed_meanwhile(struct tsm_compress *cx, const char *const *params)
{
	PGresult *res;
	bool done;

	if (tsm_interrupted || PQstatus(cx->conn) != CONNECTION_OK)
		return false;
	/* Status bits: 1 compressed, 8 partially (written to since). */
	res = PQexecParams(cx->conn, "SELECT status & 9 = 1 FROM "
	    "_timescaledb_catalog.chunk WHERE schema_name = $1 AND "
	    "table_name = $2", 2, NULL, params, NULL, NULL, 0);
	done = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
	    strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return done;
}

/* Totals of one kind. */
struct tally {
	int done, failed, empty;
	long long rows;
	int64_t before, after;
};

static void
tally_detail(const struct tally *t, const char *verb, char *buf, size_t sz)
{
	char b[32], a[32];
	int n;

	n = snprintf(buf, sz, "%d chunk%s %s", t->done, t->done == 1 ? "" :
	    "s", verb);
	if (t->before > 0)
		n += snprintf(buf + n, sz - (size_t)n, ", %s to %s (%.1f%% "
		    "saved)", tsm_compress_bytes(t->before, b, sizeof(b)),
		    tsm_compress_bytes(t->after, a, sizeof(a)),
		    100.0 * (1.0 - (double)t->after / (double)t->before));
	if (t->failed > 0)
		snprintf(buf + n, sz - (size_t)n, ", %d failed", t->failed);
}

/*
 * Compresses one chunk; on success fills rows and sizes.  Returns 1 done,
 * 0 failed (reported; go on), -1 stop.
 */
static int
compress_one(struct tsm_compress *cx, const char *kind, const char *cschema,
    const char *chunk, bool partial, const char *range, struct tally *t)
{
	char rel[300], sql[512], *qs, *qc;
	const char *params[2];
	PGresult *res;
	int rc = 1;

	if (cx->backend == TSM_BACKEND_NATIVE) {
		params[0] = kind;
		params[1] = chunk;
		snprintf(sql, sizeof(sql), "SELECT rows, bytes_before, bytes_after "
		    "FROM %s.compress_partition($1, $2)", cx->qschema);
		res = PQexecParams(cx->conn, sql, 2, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			rc = report_chunk_failure(cx, res, kind, "compress",
			    chunk, range) ? 0 : -1;
			PQclear(res);
			return rc;
		}
		if (strcmp(PQgetvalue(res, 0, 0), "0") == 0) {
			t->empty++;
			PQclear(res);
			return 2;
		}
		t->rows += atoll(PQgetvalue(res, 0, 0));
		t->before += atoll(PQgetvalue(res, 0, 1));
		t->after += atoll(PQgetvalue(res, 0, 2));
		PQclear(res);
		return 1;
	}

	qs = tsm_quote_ident(cschema);
	qc = tsm_quote_ident(chunk);
	snprintf(rel, sizeof(rel), "%s.%s", qs, qc);
	free(qs);
	free(qc);
	params[0] = rel;
	if (cx->columnstore)
		snprintf(sql, sizeof(sql), "CALL %s.convert_to_columnstore("
		    "$1::regclass, if_not_columnstore => true%s)", cx->qext,
		    partial ? ", recompress => true" : "");
	else
		snprintf(sql, sizeof(sql), "SELECT %s.compress_chunk($1::regclass, "
		    "if_not_compressed => true)", cx->qext);
	res = PQexecParams(cx->conn, sql, 1, NULL, params, NULL, NULL, 0);
	params[0] = cschema;
	params[1] = chunk;
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK &&
	    !compressed_meanwhile(cx, params)) {
		rc = report_chunk_failure(cx, res, kind, "compress", chunk,
		    range) ? 0 : -1;
		PQclear(res);
		return rc;
	}
	PQclear(res);
	res = tsm_query(cx->conn, "SELECT z.uncompressed_heap_size + "
	    "z.uncompressed_toast_size + z.uncompressed_index_size, "
	    "z.compressed_heap_size + z.compressed_toast_size + "
	    "z.compressed_index_size, coalesce("
	    "z.numrows_pre_compression, 0) "
	    "FROM _timescaledb_catalog.chunk c "
	    "JOIN _timescaledb_catalog.compression_chunk_size z "
	    "ON z.chunk_id = c.id WHERE c.schema_name = $1 "
	    "AND c.table_name = $2", 2, params);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		t->before += atoll(PQgetvalue(res, 0, 0));
		t->after += atoll(PQgetvalue(res, 0, 1));
		t->rows += atoll(PQgetvalue(res, 0, 2));
	}
	PQclear(res);
	return rc;
}

/*
 * Compresses the rows [from, to) of res (compress_chunks.sql), which all
 * belong to one kind, recording the run.
 */
static bool
run_kind(struct tsm_compress *cx, const PGresult *res, int from, int to)
{
	const char *kind = PQgetvalue(res, from, 0);
	char id[32] = "", detail[256], range[96];
	struct tally t = { 0, 0, 0, 0, 0, 0 };
	double start = tsm_compress_now();
	int n = to - from, in_a_row = 0;
	bool ok = true;

	if (cx->backend == TSM_BACKEND_TIMESCALEDB &&
	    !tsm_compress_enable_tsdb(cx, PQgetvalue(res, from, 6),
	    PQgetvalue(res, from, 7), PQgetvalue(res, from, 8)))
		return false;
	if (!tsm_compress_run_begin(cx, "compression", kind, id, sizeof(id)))
		return false;
	for (int i = from; i < to; i++) {
		const char *chunk = PQgetvalue(res, i, 2);
		struct tally before = t;
		double t0 = tsm_compress_now();
		char b[32], a[32];
		int rc;

		if (tsm_interrupted)
			break;
		tsm_compress_range_text(PQgetvalue(res, i, 3), PQgetvalue(res, i, 4), range,
		    sizeof(range));
		rc = compress_one(cx, kind, PQgetvalue(res, i, 1), chunk,
		    strcmp(PQgetvalue(res, i, 5), "t") == 0, range, &t);
		if (rc < 0) {
			ok = false;
			break;
		}
		if (rc == 0) {
			ok = false;
			t.failed++;
			if (++in_a_row >= MAX_FAILURES_IN_A_ROW && i + 1 < to) {
				tsm_error("%s: %d chunks failed in a row; giving up "
				    "on the %d left", kind, in_a_row, to - i - 1);
				break;
			}
			continue;
		}
		in_a_row = 0;
		if (rc == 2)
			continue;
		t.done++;
		tsm_info("%s: compressed %s (%s): %s to %s, %.0f%% smaller, "
		    "%.1f s [%d/%d]", kind, chunk, range,
		    tsm_compress_bytes(t.before - before.before, b, sizeof(b)),
		    tsm_compress_bytes(t.after - before.after, a, sizeof(a)),
		    t.before > before.before ? 100.0 * (1.0 -
		    (double)(t.after - before.after) /
		    (double)(t.before - before.before)) : 0.0,
		    tsm_compress_now() - t0, i - from + 1, n);
	}
	tally_detail(&t, "compressed", detail, sizeof(detail));
	if (tsm_interrupted) {
		tsm_error("%s: interrupted; %s; the chunk it was on is left as it "
		    "was", kind, detail);
		tsm_hint("run it again to carry on");
		strncat(detail, "; interrupted", sizeof(detail) - strlen(detail) -
		    1);
	} else if (PQstatus(cx->conn) == CONNECTION_OK) {
		tsm_info("%s: %s in %.1f s", kind, detail,
		    tsm_compress_now() - start);
		if (t.failed > 0)
			tsm_hint("the chunks that failed are left as they were, "
			    "readable; the next run tries them again");
	}
	tsm_compress_run_end(cx, id, ok && !tsm_interrupted, detail);
	return ok && !tsm_interrupted;
}

bool
tsm_compress_run(struct tsm_compress *cx, const char *const *kinds,
    const struct tsm_compress_range *r)
{
	int lock;

	if (!tsm_compress_available(cx))
		return false;
	if (!cx->dry_run) {
		lock = tsm_compress_lock(cx, "storage");
		if (lock <= 0)
			return lock == 0;
		if (!tsm_compress_set_lock_timeout(cx))
			return false;
	}
	if (r->older_than == NULL && !tsm_compress_note_no_policy(cx, kinds,
	    "compress_after", "compression", "--older-than AGE"))
		return false;
	return tsm_compress_candidates(cx, "compress_chunks.sql", kinds, r->older_than,
	    NULL, 5, run_kind, "nothing to compress");
}

/* Decompresses one chunk; 1 done, 0 failed (go on), -1 stop. */
static int
decompress_one(struct tsm_compress *cx, const char *kind,
    const char *cschema, const char *chunk, const char *range,
    long long *rows)
{
	char rel[300], sql[512], *qs, *qc;
	const char *params[2];
	PGresult *res;
	int rc = 1;

	if (cx->backend == TSM_BACKEND_NATIVE) {
		params[0] = kind;
		params[1] = chunk;
		snprintf(sql, sizeof(sql), "SELECT %s.decompress_partition($1, "
		    "$2, true)", cx->qschema);
		res = PQexecParams(cx->conn, sql, 2, NULL, params, NULL, NULL, 0);
	} else {
		qs = tsm_quote_ident(cschema);
		qc = tsm_quote_ident(chunk);
		snprintf(rel, sizeof(rel), "%s.%s", qs, qc);
		free(qs);
		free(qc);
		params[0] = rel;
		snprintf(sql, sizeof(sql), cx->columnstore ?
		    "CALL %s.convert_to_rowstore($1::regclass, "
		    "if_columnstore => true)" :
		    "SELECT %s.decompress_chunk($1::regclass, "
		    "if_compressed => true)", cx->qext);
		res = PQexecParams(cx->conn, sql, 1, NULL, params, NULL, NULL, 0);
	}
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = report_chunk_failure(cx, res, kind, "decompress", chunk,
		    range) ? 0 : -1;
	} else if (cx->backend == TSM_BACKEND_NATIVE) {
		*rows += atoll(PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	return rc;
}

/* Decompresses rows [from, to) of res, one kind's chunks. */
static bool
decompress_kind(struct tsm_compress *cx, const PGresult *res, int from,
    int to)
{
	const char *kind = PQgetvalue(res, from, 0);
	char id[32] = "", range[96], detail[160];
	long long rows = 0;
	int done = 0, failed = 0;
	bool ok = true;

	if (!tsm_compress_run_begin(cx, "decompression", kind, id, sizeof(id)))
		return false;
	for (int i = from; i < to && !tsm_interrupted; i++) {
		double t0 = tsm_compress_now();
		int rc;

		tsm_compress_range_text(PQgetvalue(res, i, 3), PQgetvalue(res, i, 4), range,
		    sizeof(range));
		rc = decompress_one(cx, kind, PQgetvalue(res, i, 1),
		    PQgetvalue(res, i, 2), range, &rows);
		if (rc < 0) {
			ok = false;
			break;
		}
		if (rc == 0) {
			failed++;
			ok = false;
			continue;
		}
		done++;
		tsm_info("%s: decompressed %s (%s), %.1f s [%d/%d]", kind,
		    PQgetvalue(res, i, 2), range, tsm_compress_now() - t0,
		    i - from + 1, to - from);
	}
	snprintf(detail, sizeof(detail), "%d chunk%s decompressed", done,
	    done == 1 ? "" : "s");
	if (rows > 0)
		snprintf(detail + strlen(detail), sizeof(detail) -
		    strlen(detail), ", %lld rows", rows);
	if (failed > 0)
		snprintf(detail + strlen(detail), sizeof(detail) -
		    strlen(detail), ", %d failed", failed);
	if (tsm_interrupted) {
		strncat(detail, "; interrupted", sizeof(detail) -
		    strlen(detail) - 1);
		tsm_error("%s: interrupted; %s", kind, detail);
		tsm_hint("run it again to carry on");
	} else if (PQstatus(cx->conn) == CONNECTION_OK) {
		tsm_info("%s: %s", kind, detail);
	}
	tsm_compress_run_end(cx, id, ok && !tsm_interrupted, detail);
	return ok && !tsm_interrupted;
}

bool
tsm_compress_decompress(struct tsm_compress *cx, const char *const *kinds,
    const struct tsm_compress_range *r)
{
	int lock;

	if (!cx->dry_run) {
		lock = tsm_compress_lock(cx, "storage");
		if (lock <= 0)
			return lock == 0;
		if (!tsm_compress_set_lock_timeout(cx))
			return false;
	}
	return tsm_compress_candidates(cx, "compress_decompress_chunks.sql", kinds, r->from,
	    r->to, 5, decompress_kind, "nothing compressed in that range");
}
