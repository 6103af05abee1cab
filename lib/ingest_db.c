/*
 * ingest_db.c: one batch, one transaction, in a worker thread; the report
 * of a batch that failed.  The probe and the partitions: ingest_probe.c.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "ingest_db.h"
#include "input.h"
#include "log.h"

/* Rows are handed to libpq in pieces of about this size. */
#define SEND_CHUNK (64 * 1024)

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/*
 * Whether a failure means the connection is gone: libpq says so, or the
 * server said it ends the session (terminated, shutting down, starting
 * up: class 57P) or the link broke (class 08).  A FATAL message arrives
 * before libpq has read the end of the stream, so PQstatus alone may
 * still say CONNECTION_OK.
 */
static bool
connection_lost(PGconn *conn, const char *state)
{
	if (PQstatus(conn) == CONNECTION_BAD)
		return true;
	return state != NULL && (strncmp(state, "57P", 3) == 0 ||
	    strncmp(state, "08", 2) == 0);
}

/* Keeps what a failed result says, for the main thread. */
static void
capture(PGconn *conn, const PGresult *pr, struct tsm_batch_result *res)
{
	const char *state = pr ? PQresultErrorField(pr,
	    PG_DIAG_SQLSTATE) : NULL;
	const char *primary = pr ? PQresultErrorField(pr,
	    PG_DIAG_MESSAGE_PRIMARY) : NULL;

	tsm_batch_result_clear(res);
	snprintf(res->sqlstate, sizeof(res->sqlstate), "%s",
	    state ? state : "");
	if (connection_lost(conn, state))
		res->status = TSM_BATCH_LOST;
	else if (state != NULL && strcmp(state, "57014") == 0 &&
	    tsm_interrupted)
		res->status = TSM_BATCH_INTERRUPTED;
	else
		res->status = TSM_BATCH_FAILED;
	if (primary != NULL) {
		res->message = strdup(primary);
		res->detail = dup_or_null(PQresultErrorField(pr,
		    PG_DIAG_MESSAGE_DETAIL));
		res->hint = dup_or_null(PQresultErrorField(pr,
		    PG_DIAG_MESSAGE_HINT));
	} else {
		res->message = strdup(PQerrorMessage(conn));
	}
}

/* Runs sql; false with res filled when it fails. */
static bool
run(PGconn *conn, const char *sql, int nparams, const char *const *params,
    struct tsm_batch_result *res, PGresult **out)
{
	PGresult *pr;
	ExecStatusType st;

	if (nparams > 0)
		pr = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL,
		    0);
	else
		pr = PQexec(conn, sql);
	st = PQresultStatus(pr);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		if (out != NULL)
			*out = pr;
		else
			PQclear(pr);
		return true;
	}
	capture(conn, pr, res);
	PQclear(pr);
	return false;
}

/* Rolls back after a failure; the failure stays the one reported. */
static void
rollback(PGconn *conn)
{
	if (PQstatus(conn) == CONNECTION_OK &&
	    PQtransactionStatus(conn) != PQTRANS_IDLE)
		PQclear(PQexec(conn, "ROLLBACK"));
}

void
tsm_batch_result_clear(struct tsm_batch_result *res)
{
	free(res->message);
	free(res->detail);
	free(res->hint);
	res->message = res->detail = res->hint = NULL;
	res->sqlstate[0] = '\0';
}

bool
tsm_load_prepare(PGconn *conn, const struct tsm_load_opts *o,
    struct tsm_batch_result *res)
{
	/*
	 * Temporary buffers hold the staging table of one batch; the
	 * default 8 MB would spill larger batches to disk.  It can only be
	 * set before the session touches a temporary table.
	 */
	if (!run(conn, "SET temp_buffers = '64MB'", 0, NULL, res, NULL))
		return false;
	/* Compiling a batch's short statements costs more than it saves. */
	if (!run(conn, "SET jit = off", 0, NULL, res, NULL))
		return false;
	return run(conn, o->sql->make_stage, 0, NULL, res, NULL);
}

/* Sends bytes as COPY data; false when the connection refuses. */
static bool
put(PGconn *conn, const void *p, size_t n)
{
	return PQputCopyData(conn, p, (int)n) == 1;
}

/*
 * Runs one COPY of the rows of b that go straight in (stage false) or
 * through the staging table (stage true, with each row's line number
 * added as a last field).
 */
static bool
copy_rows(PGconn *conn, const char *sql, struct tsm_batch *b, bool stage,
    struct tsm_batch_result *res)
{
	struct tsm_copybuf out = { 0 };
	PGresult *pr;
	bool ok = true;
	size_t run_start = 0, run_len = 0;

	pr = PQexec(conn, sql);
	if (PQresultStatus(pr) != PGRES_COPY_IN) {
		capture(conn, pr, res);
		PQclear(pr);
		return false;
	}
	PQclear(pr);
	ok = put(conn, tsm_copy_header, TSM_COPY_HEADER_LEN);
	for (size_t r = 0; r < b->nrows && ok; r++) {
		const struct tsm_batch_row *br = &b->meta[r];
		bool staged = b->all_stage || b->groups[br->group].stage;

		if (br->dead || staged != stage) {
			/* A gap: send the run of rows before it. */
			if (run_len > 0)
				ok = put(conn, b->rows.data + run_start,
				    run_len);
			run_len = 0;
			continue;
		}
		if (!stage) {
			/* Rows lie back to back: send runs of them at once. */
			if (run_len == 0)
				run_start = br->off;
			run_len += br->len;
			if (run_len >= SEND_CHUNK) {
				ok = put(conn, b->rows.data + run_start,
				    run_len);
				run_len = 0;
			}
			continue;
		}
		{
			unsigned char hdr[2], line[12];
			const unsigned char *p = b->rows.data + br->off;

			tsm_put_be16(hdr, (uint16_t)(tsm_get_be16(p) + 1));
			tsm_put_be32(line, 8);
			tsm_put_be64(line + 4, br->line);
			tsm_copybuf_add(&out, hdr, 2);
			tsm_copybuf_add(&out, p + 2, br->len - 2);
			tsm_copybuf_add(&out, line, 12);
			if (out.oom) {
				ok = false;
				break;
			}
			if (out.len >= SEND_CHUNK) {
				ok = put(conn, out.data, out.len);
				tsm_copybuf_clear(&out);
			}
		}
	}
	if (ok && run_len > 0)
		ok = put(conn, b->rows.data + run_start, run_len);
	if (ok && out.len > 0)
		ok = put(conn, out.data, out.len);
	if (ok)
		ok = put(conn, tsm_copy_trailer, 2);
	tsm_copybuf_free(&out);
	if (PQputCopyEnd(conn, ok ? NULL : "tsm-ingest could not send the "
	    "rows") != 1) {
		capture(conn, NULL, res);
		return false;
	}
	ok = true;
	while ((pr = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(pr) != PGRES_COMMAND_OK && ok) {
			capture(conn, pr, res);
			ok = false;
		}
		PQclear(pr);
	}
	return ok && PQstatus(conn) == CONNECTION_OK;
}

/* True if a failed COPY found no partition for a row. */
static bool
no_partition(const struct tsm_batch_result *res)
{
	return strcmp(res->sqlstate, "23514") == 0 && res->message != NULL &&
	    strstr(res->message, "no partition") != NULL;
}

/* Calls ensure_partitions for the batch's range (autocommit). */
static bool
make_partitions(PGconn *conn, const struct tsm_load_opts *o,
    const struct tsm_batch *b, struct tsm_batch_result *res)
{
	char lo[TSM_TIME_BUFSZ], hi[TSM_TIME_BUFSZ];
	const char *params[3] = { o->map->kind->series, lo, hi };

	tsm_format_time(b->tmin, lo);
	tsm_format_time(b->tmax, hi);
	return run(conn, o->sql->ensure_partitions, 3, params, res, NULL);
}

/*
 * Every statement of a pipeline succeeded (a COMMIT among them did
 * commit), but its end never came: the server ended the session right
 * after (a terminated backend, a shutdown).  Waits, up to 5 s, for the
 * link to close, so that the next use of the connection reports it
 * lost; true if it did.  The statements' work stands.
 */
static bool
link_closing(PGconn *conn)
{
	PGresult *pr;

	for (int i = 0; i < 100 && PQstatus(conn) != CONNECTION_BAD; i++) {
		struct pollfd p = { .fd = PQsocket(conn), .events = POLLIN };

		if (p.fd < 0 || (poll(&p, 1, 50) < 0 && errno != EINTR))
			break;
		if (PQconsumeInput(conn) == 0)
			break;
		while (!PQisBusy(conn) && (pr = PQgetResult(conn)) != NULL)
			PQclear(pr);
	}
	return PQstatus(conn) == CONNECTION_BAD;
}

/*
 * Runs n statements in one round trip (libpq's pipeline mode); out[i], if
 * out is not NULL, receives each result (the caller clears them).  False
 * with res filled at the first that fails (the rest are not run).
 */
static bool
pipeline(PGconn *conn, int n, const char *const *sql, const int *nparams,
    const char *const *const *params, PGresult **out,
    struct tsm_batch_result *res)
{
	PGresult *pr;
	bool ok = true;

	if (PQenterPipelineMode(conn) != 1) {
		capture(conn, NULL, res);
		return false;
	}
	for (int i = 0; i < n; i++) {
		if (out != NULL)
			out[i] = NULL;
		if (PQsendQueryParams(conn, sql[i], nparams[i], NULL, params[i],
		    NULL, NULL, 0) != 1) {
			capture(conn, NULL, res);
			PQexitPipelineMode(conn);
			return false;
		}
	}
	if (PQpipelineSync(conn) != 1) {
		capture(conn, NULL, res);
		return false;
	}
	for (int i = 0; i < n; i++) {
		ExecStatusType st;

		pr = PQgetResult(conn);
		if (pr == NULL) {
			if (ok)
				capture(conn, NULL, res);
			ok = false;
			break;
		}
		st = PQresultStatus(pr);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			if (ok)
				capture(conn, pr, res);
			ok = false;
			PQclear(pr);
		} else if (out != NULL) {
			out[i] = pr;
		} else {
			PQclear(pr);
		}
		/* Each statement's results end with a NULL. */
		while ((pr = PQgetResult(conn)) != NULL)
			PQclear(pr);
	}
	while ((pr = PQgetResult(conn)) != NULL) {
		ExecStatusType st = PQresultStatus(pr);

		PQclear(pr);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	if (PQexitPipelineMode(conn) != 1 && ok && !link_closing(conn)) {
		capture(conn, NULL, res);
		ok = false;
	}
	if (!ok && out != NULL)
		for (int i = 0; i < n; i++) {
			PQclear(out[i]);
			out[i] = NULL;
		}
	return ok;
}

/*
 * Rows through the staging table: copied, checked (--on-conflict=error),
 * then the keys not stored inserted, and the stored ones whose values
 * differ updated (a second trip, only when there are such).  The transaction is open when it returns
 * true.
 */
static bool
merge_staged(PGconn *conn, const struct tsm_load_opts *o, struct tsm_batch *b,
    bool begun, uint64_t *ins, uint64_t *upd, struct tsm_batch_result *res)
{
	char lo[TSM_TIME_BUFSZ], hi[TSM_TIME_BUFSZ];
	const char *range[2] = { lo, hi };
	const char *sql[2];
	const char *const *params[2];
	int nparams[2], n = 0, nr = o->sql->range_params;
	PGresult *pr, *out[2];
	bool changed;

	tsm_format_time(b->tmin, lo);
	tsm_format_time(b->tmax, hi);
	if (!copy_rows(conn, begun ? o->sql->copy_stage :
	    o->sql->begin_copy_stage, b, true, res))
		return false;
	if (o->mode == TSM_CONFLICT_ERROR) {
		if (!run(conn, o->sql->first_conflict, nr, range, res, &pr))
			return false;
		if (PQntuples(pr) > 0) {
			res->status = TSM_BATCH_CONFLICT;
			res->conflict_line = strtoull(PQgetvalue(pr, 0, 0),
			    NULL,
			    10);
			PQclear(pr);
			return false;
		}
		PQclear(pr);
	}
	/*
	 * The keys not stored are inserted, and whether stored ones differ
	 * asked, in one trip; only then, if any do, are they updated (the
	 * rows just inserted are equal to the stage's, so none of them).
	 */
	sql[n] = o->sql->insert;
	nparams[n] = 0;
	params[n++] = NULL;
	if (o->sql->update != NULL) {
		sql[n] = o->sql->changed;
		nparams[n] = nr;
		params[n++] = range;
	}
	if (!pipeline(conn, n, sql, nparams, params, out, res))
		return false;
	*ins = strtoull(PQcmdTuples(out[0]), NULL, 10);
	*upd = 0;
	changed = n == 2 && PQntuples(out[1]) == 1 &&
	    strcmp(PQgetvalue(out[1], 0, 0), "t") == 0;
	for (int i = 0; i < n; i++)
		PQclear(out[i]);
	if (changed) {
		if (!run(conn, o->sql->update, nr, range, res, &pr))
			return false;
		*upd = strtoull(PQcmdTuples(pr), NULL, 10);
		PQclear(pr);
	}
	return true;
}

/*
 * Two loads whose batches share keys wait on each other's uncommitted
 * rows; in opposite orders the server ends one of them (deadlock, or
 * serialization failure under a stricter isolation).  Its batch was
 * rolled back whole: it is sent again, through the stage, a few times.
 */
static bool
lost_a_race(const struct tsm_batch_result *res, int *tries)
{
	if (res->status != TSM_BATCH_FAILED || (strcmp(res->sqlstate,
	    "40P01") != 0 && strcmp(res->sqlstate, "40001") != 0))
		return false;
	return ++*tries <= 5;
}

void
tsm_load_batch(PGconn *conn, const struct tsm_load_opts *o,
    struct tsm_batch *b, struct tsm_batch_result *res)
{
	size_t direct, staged;
	uint64_t ins = 0, upd = 0;
	bool partitions_made = false, committed = false;
	int races = 0;

	tsm_batch_result_clear(res);
	res->status = TSM_BATCH_OK;
	res->met_others = false;
again:
	tsm_batch_split(b, &direct, &staged);
	ins = upd = 0;
	/* A batch sent again through the stage is not committed yet. */
	committed = false;
	if (direct > 0) {
		/* Nothing else to do in the batch: commit in the same trip. */
		committed = staged == 0;
		if (!copy_rows(conn, committed ? o->sql->copy_target_commit :
		    o->sql->copy_target, b, false, res)) {
			rollback(conn);
			if (res->status != TSM_BATCH_FAILED)
				return;
			if (strcmp(res->sqlstate, "23505") == 0 ||
			    lost_a_race(res, &races)) {
				/* Another session wrote some of these keys. */
				b->all_stage = true;
				res->met_others = true;
				tsm_batch_result_clear(res);
				res->status = TSM_BATCH_OK;
				goto again;
			}
			if (no_partition(res) && o->native &&
			    !partitions_made) {
				tsm_batch_result_clear(res);
				res->status = TSM_BATCH_OK;
				if (!make_partitions(conn, o, b, res))
					return;
				partitions_made = true;
				goto again;
			}
			return;
		}
	}
	if (staged > 0 && !merge_staged(conn, o, b, direct > 0, &ins, &upd,
	    res))
		goto fail;
	if (!committed && !run(conn, "COMMIT", 0, NULL, res, NULL))
		goto fail;
	res->committed_at = tsm_input_now();
	res->inserted = direct + ins;
	res->updated = upd;
	res->unchanged = staged - ins - upd;
	res->direct = direct;
	res->staged = staged;
	return;
fail:
	rollback(conn);
	if (lost_a_race(res, &races)) {
		b->all_stage = true;
		res->met_others = true;
		tsm_batch_result_clear(res);
		res->status = TSM_BATCH_OK;
		goto again;
	}
}

void
tsm_batch_result_report(const struct tsm_batch_result *res,
    const struct tsm_batch *b)
{
	char where[512];

	if (b->first_line == b->last_line)
		snprintf(where, sizeof(where), "in the batch of line %llu",
		    (unsigned long long)b->first_line);
	else
		snprintf(where, sizeof(where), "in the batch of lines %llu to "
		    "%llu", (unsigned long long)b->first_line,
		    (unsigned long long)b->last_line);
	switch (res->status) {
	case TSM_BATCH_INTERRUPTED:
		tsm_error("interrupted: the running statement was cancelled");
		return;
	case TSM_BATCH_LOST: {
		const char *m = res->message ? res->message : "";

		/* libpq's account runs over lines; the first says it. */
		tsm_error("lost the connection to the server: %.*s",
		    (int)strcspn(m, "\n"), m);
		return;
	}
	default:
		break;
	}
	tsm_error("%s", res->message ? res->message : "unknown error");
	if (res->detail)
		tsm_detail("%s", res->detail);
	tsm_detail("%s of %s%s%s", where, strcmp(b->input, "stdin") ? "\"" : "",
	    b->input, strcmp(b->input, "stdin") ? "\"" : "");
	if (res->hint)
		tsm_hint("%s", res->hint);
	else if (strcmp(res->sqlstate, "42501") == 0)
		tsm_hint("the role lacks a grant: ask the owner of the schema, "
		    "or run tsm-init --roles and use a role it made");
}
