/*
 * query_stream.c: answers streamed from the server to the session's
 * writer, memory flat: in single-row mode (the default), through a cursor
 * whose FETCHes are pipelined (--fetch-size), or through COPY for a
 * statement without parameters (sql).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "copytext.h"
#include "db.h"
#include "log.h"
#include "out.h"
#include "query.h"
#include "query_copy.h"

/* Makes the writer from the columns of a result. */
static bool
writer_for(struct tsm_qctx *q, const PGresult *res)
{
	int n = PQnfields(res);
	const char **names;
	enum tsm_coltype *types;
	bool ok;

	if (q->w != NULL)
		return true;
	names = calloc((size_t)(n > 0 ? n : 1), sizeof(*names));
	types = calloc((size_t)(n > 0 ? n : 1), sizeof(*types));
	if (names == NULL || types == NULL) {
		free(names);
		free(types);
		tsm_error("out of memory");
		return false;
	}
	for (int i = 0; i < n; i++) {
		names[i] = PQfname(res, i);
		types[i] = tsm_coltype_for_oid(PQftype(res, i));
	}
	ok = tsm_q_writer(q, n, names, types);
	free(names);
	free(types);
	return ok;
}

/* Where a stream's rows go: the session's writer. */
struct sink {
	struct tsm_qctx *q;
	tsm_row_fn fn;			/* rows to fn, else to the writer */
	void *ctx;
	const char **vals;
	size_t *lens;
	int ncols;
	long long rows;
	unsigned long long bytes;	/* of values, for the progress line */
	int64_t start, shown;		/* when it began, last progress line */
};

/* Microseconds on the monotonic clock. */
static int64_t
mono_usecs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Writes the progress line: rows, rows/s, bytes and seconds so far. */
static void
show_progress(struct sink *s, int64_t now, bool last)
{
	double secs = (double)(now - s->start) / 1e6;

	bool tty = isatty(STDERR_FILENO);

	/* On a terminal the line is rewritten in place; elsewhere, one a line. */
	fprintf(stderr, "%s%s: %lld rows, %.0f rows/s, %.1f MB, %.1f s%s",
	    tty ? "\r" : "", tsm_progname, s->rows,
	    secs > 0 ? (double)s->rows / secs : 0.0, (double)s->bytes / 1e6,
	    secs, last || !tty ? "\n" : "");
	fflush(stderr);
	s->shown = now;
}

/* Ends the progress line, if it showed or --progress asked for it. */
static void
end_progress(struct sink *s)
{
	if (s->shown || s->q->progress_forced)
		show_progress(s, mono_usecs(), true);
}

/*
 * Counts a row for the progress line, which shows once a second on long
 * answers (the clock is read every 4,096 rows).
 */
static inline void
count_row(struct sink *s)
{
	int64_t now;

	s->rows++;
	for (int i = 0; i < s->ncols; i++)
		s->bytes += s->lens[i];
	if (!s->q->progress || (s->rows & 4095) != 0)
		return;
	now = mono_usecs();
	if (now - (s->shown ? s->shown : s->start) >= 1000000)
		show_progress(s, now, false);
}

/* Counts a row that went out whole, len bytes, for the progress line. */
static inline void
count_line(struct sink *s, size_t len)
{
	int64_t now;

	s->rows++;
	s->bytes += len;
	if (!s->q->progress || (s->rows & 4095) != 0)
		return;
	now = mono_usecs();
	if (now - (s->shown ? s->shown : s->start) >= 1000000)
		show_progress(s, now, false);
}

static bool
sink_row(struct sink *s, const PGresult *res, int r)
{
	if (s->vals == NULL) {
		int n = PQnfields(res);

		if (s->fn == NULL && !writer_for(s->q, res))
			return false;
		s->ncols = n;
		s->vals = calloc((size_t)(n > 0 ? n : 1), sizeof(*s->vals));
		s->lens = calloc((size_t)(n > 0 ? n : 1), sizeof(*s->lens));
		if (s->vals == NULL || s->lens == NULL) {
			tsm_error("out of memory");
			return false;
		}
	}
	for (int i = 0; i < s->ncols; i++) {
		if (PQgetisnull(res, r, i)) {
			s->vals[i] = NULL;
			s->lens[i] = 0;
		} else {
			s->vals[i] = PQgetvalue(res, r, i);
			s->lens[i] = (size_t)PQgetlength(res, r, i);
		}
	}
	count_row(s);
	if (s->fn != NULL)
		return s->fn(s->ctx, s->vals, s->lens, s->ncols);
	return tsm_writer_row(s->q->w, s->vals, s->lens);
}

/* The end of an answer: an empty one still gets its header. */
static bool
sink_end(struct sink *s, const PGresult *res)
{
	if (s->fn == NULL && s->q->w == NULL)
		return writer_for(s->q, res);
	return true;
}

/* Asks the server to stop the running statement. */
static void
cancel_statement(PGconn *conn)
{
	PGcancel *c = PQgetCancel(conn);
	char err[256];

	if (c != NULL) {
		(void)PQcancel(c, err, sizeof(err));
		PQfreeCancel(c);
	}
}

/* Streams in single-row mode: one PGresult per row, flat memory. */
static bool
stream_single(struct tsm_qctx *q, const char *sql, const struct tsm_params *p,
    struct sink *s)
{
	PGresult *res;
	bool failed = false, reported = false;

	if (!PQsendQueryParams(q->conn, sql, p ? p->n : 0, p ? p->types : NULL,
	    p ? p->values : NULL, NULL, NULL, 0)) {
		tsm_report_result(q->conn, NULL, NULL);
		return false;
	}
	if (!PQsetSingleRowMode(q->conn)) {
		tsm_error("internal: cannot switch to single-row mode");
		failed = true;
	}
	while ((res = PQgetResult(q->conn)) != NULL) {
		switch (PQresultStatus(res)) {
		case PGRES_SINGLE_TUPLE:
			if (!failed && !sink_row(s, res, 0)) {
				failed = reported = true;
				cancel_statement(q->conn);
			}
			break;
		case PGRES_TUPLES_OK:
		case PGRES_COMMAND_OK:
			if (!failed && !sink_end(s, res))
				failed = reported = true;
			break;
		default:
			if (!reported)
				tsm_report_result(q->conn, res, NULL);
			failed = reported = true;
			break;
		}
		PQclear(res);
	}
	return !failed;
}

/*
 * Reads the whole answer in one result, for answers known to be short:
 * no result for each row, and the server never waits for this side.
 */
static bool
stream_whole(struct tsm_qctx *q, const char *sql, const struct tsm_params *p,
    struct sink *s)
{
	PGresult *res = tsm_q_exec(q, sql, p);
	bool ok;

	if (res == NULL)
		return false;
	ok = true;
	for (int r = 0; r < PQntuples(res) && ok; r++)
		ok = sink_row(s, res, r);
	ok = ok && sink_end(s, res);
	PQclear(res);
	return ok;
}

/* Queues the next FETCH of a pipeline and has the server send it. */
static bool
send_fetch(PGconn *conn, const char *fetch)
{
	if (!PQsendQueryParams(conn, fetch, 0, NULL, NULL, NULL, NULL, 0) ||
	    !PQsendFlushRequest(conn) || PQflush(conn) != 0) {
		tsm_report_result(conn, NULL, NULL);
		return false;
	}
	return true;
}

/*
 * Reads the FETCHes of a pipeline, two in flight, so that the server
 * makes the next batch while this one is written.  *outstanding is
 * left at 0.
 */
static bool
drain_fetches(struct tsm_qctx *q, const char *fetch, struct sink *s,
    int *outstanding)
{
	bool done = false, failed = false;

	while (*outstanding > 0) {
		PGresult *res = PQgetResult(q->conn);
		ExecStatusType st;

		if (res == NULL)
			continue;
		st = PQresultStatus(res);
		if (st == PGRES_TUPLES_OK && !failed) {
			int k = PQntuples(res);

			for (int r = 0; r < k && !failed; r++)
				failed = !sink_row(s, res, r);
			if (!failed && !done && k < q->fetch_size) {
				done = true;
				failed = !sink_end(s, res);
			}
		} else if (st != PGRES_TUPLES_OK && !failed) {
			if (st != PGRES_PIPELINE_ABORTED)
				tsm_report_result(q->conn, res, NULL);
			failed = true;
		}
		PQclear(res);
		/* Each statement of a pipeline ends with a NULL result. */
		res = PQgetResult(q->conn);
		PQclear(res);
		(*outstanding)--;
		if (!done && !failed) {
			if (!send_fetch(q->conn, fetch))
				failed = true;
			else
				(*outstanding)++;
		}
	}
	return !failed;
}

/*
 * Streams through a cursor, FETCH n at a time, in a transaction of its
 * own unless one is open (as psql does with FETCH_COUNT); the FETCHes are
 * pipelined so that the server never waits for this side.
 */
static bool
stream_cursor(struct tsm_qctx *q, const char *sql, const struct tsm_params *p,
    struct sink *s)
{
	bool own = PQtransactionStatus(q->conn) == PQTRANS_IDLE;
	char fetch[64];
	size_t n = strlen(sql) + 64;
	char *decl = malloc(n);
	PGresult *res;
	int outstanding = 0;
	bool ok = false;

	if (decl == NULL) {
		tsm_error("out of memory");
		return false;
	}
	snprintf(decl, n, "DECLARE tsm_query_cursor NO SCROLL CURSOR FOR %s",
	    sql);
	snprintf(fetch, sizeof(fetch), "FETCH %d FROM tsm_query_cursor",
	    q->fetch_size);
	if (own && !tsm_command(q->conn, "BEGIN", 0, NULL))
		goto out;
	res = tsm_q_exec(q, decl, p);
	if (res == NULL)
		goto rollback;
	PQclear(res);
	if (!PQenterPipelineMode(q->conn)) {
		tsm_report_result(q->conn, NULL, NULL);
		goto rollback;
	}
	ok = send_fetch(q->conn, fetch);
	outstanding = ok;
	if (ok && send_fetch(q->conn, fetch))
		outstanding++;
	else
		ok = false;
	ok = drain_fetches(q, fetch, s, &outstanding) && ok;
	/* End the pipeline: a sync, then its result. */
	if (PQpipelineSync(q->conn)) {
		while ((res = PQgetResult(q->conn)) != NULL ||
		    PQpipelineStatus(q->conn) != PQ_PIPELINE_OFF) {
			ExecStatusType st = res ? PQresultStatus(res) :
			    PGRES_EMPTY_QUERY;

			PQclear(res);
			if (st == PGRES_PIPELINE_SYNC) {
				PQexitPipelineMode(q->conn);
				break;
			}
			if (res == NULL && PQstatus(q->conn) == CONNECTION_BAD)
				break;
		}
	}
	if (!ok)
		goto rollback;
	if (!tsm_command(q->conn, "CLOSE tsm_query_cursor", 0, NULL))
		goto rollback;
	ok = !own || tsm_command(q->conn, "COMMIT", 0, NULL);
	goto out;
rollback:
	ok = false;
	if (own && PQstatus(q->conn) == CONNECTION_OK) {
		res = PQexec(q->conn, "ROLLBACK");
		PQclear(res);
	}
out:
	free(decl);
	return ok;
}

/*
 * Writes one row of COPY's text format (without its newline): fields cut
 * at tabs, "\\N" for NULL, escapes undone (into scratch) only where the
 * line has a backslash at all.
 */
static bool
copy_row(struct sink *s, char *line, size_t len, char **scratch,
    size_t *scap)
{
	bool escaped = memchr(line, '\\', len) != NULL;
	const char *p = line, *end = line + len;
	int i;

	if (escaped && *scap < len + 1) {
		char *n = realloc(*scratch, len + 1);

		if (n == NULL) {
			tsm_error("out of memory");
			return false;
		}
		*scratch = n;
		*scap = len + 1;
	}
	for (i = 0; i < s->ncols; i++) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		size_t fl = tab ? (size_t)(tab - p) : (size_t)(end - p);

		if (tab == NULL && i + 1 < s->ncols)
			break;
		if (escaped && fl == 2 && p[0] == '\\' && p[1] == 'N') {
			s->vals[i] = NULL;
			s->lens[i] = 0;
		} else if (escaped && memchr(p, '\\', fl) != NULL) {
			/* Unescaped into the scratch at the same offset. */
			char *o = *scratch + (p - line);

			s->lens[i] = tsm_copy_unescape(p, fl, o, NULL);
			s->vals[i] = o;
		} else {
			s->vals[i] = p;
			s->lens[i] = fl;
		}
		p = tab ? tab + 1 : end;
	}
	if (i != s->ncols) {
		tsm_error("internal: COPY gave %d columns of %d", i, s->ncols);
		return false;
	}
	count_row(s);
	return tsm_writer_row(s->q->w, s->vals, s->lens);
}

/* True if the statement is one that COPY ( ... ) TO STDOUT takes. */
static bool
copyable(const char *sql)
{
	static const char *const kw[] = { "SELECT", "WITH", "VALUES",
	    "TABLE" };
	const char *p = tsm_q_statement_start(sql);

	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		size_t n = strlen(kw[i]);

		if (strncasecmp(p, kw[i], n) == 0 && (p[n] == ' ' ||
		    p[n] == '\n' || p[n] == '\t' || p[n] == '\r' || p[n] == '('))
			return true;
	}
	return false;
}

/*
 * Streams a statement without parameters through COPY ... TO STDOUT, the
 * cheapest way rows leave the server: the statements of pre run first,
 * and the columns' names and types come from describing the statement,
 * in the same round trip.  csv and tsv are rewritten from COPY's text
 * straight into the output (query_copy.h); table and json go through the
 * writer.  Returns 0 when the statement is not one COPY takes (the caller
 * runs pre and streams rows instead), before running anything.
 */
static int
stream_copy(struct tsm_qctx *q, const struct tsm_q_stmt *pre, int npre,
    const char *sql, struct sink *s)
{
	struct tsm_copyout *co = NULL;
	PGresult *res;
	char *copy, *buf, *scratch = NULL;
	size_t n = strlen(sql), scap = 0;
	int len;
	bool failed = false;

	if (!copyable(sql))
		return 0;
	if (!tsm_copy_prepare(q->conn, pre, npre, sql, &res))
		return -1;
	s->ncols = PQnfields(res);
	if (s->ncols == 0 || !writer_for(q, res)) {
		PQclear(res);
		return s->ncols == 0 ? 0 : -1;
	}
	if (q->format == TSM_FMT_CSV || q->format == TSM_FMT_TSV) {
		enum tsm_coltype *types = calloc((size_t)s->ncols,
		    sizeof(*types));

		for (int i = 0; types != NULL && i < s->ncols; i++)
			types[i] = tsm_coltype_for_oid(PQftype(res, i));
		if (types != NULL)
			co = tsm_copyout_new(q->out, q->format, s->ncols,
			    types);
		else
			tsm_error("out of memory");
		free(types);
		/* The header first, then the rows straight to the output. */
		if (co == NULL || !tsm_writer_flush(q->w)) {
			tsm_copyout_end(co);
			PQclear(res);
			return -1;
		}
	}
	PQclear(res);
	s->vals = calloc((size_t)s->ncols, sizeof(*s->vals));
	s->lens = calloc((size_t)s->ncols, sizeof(*s->lens));
	/* A trailing ";" would end the statement inside the parentheses. */
	while (n > 0 && (sql[n - 1] == ';' || sql[n - 1] == ' ' ||
	    sql[n - 1] == '\n' || sql[n - 1] == '\t' || sql[n - 1] == '\r'))
		n--;
	copy = malloc(n + 32);
	if (copy == NULL || s->vals == NULL || s->lens == NULL) {
		free(copy);
		tsm_copyout_end(co);
		tsm_error("out of memory");
		return -1;
	}
	/* The newline keeps a trailing "--" comment off the ")". */
	snprintf(copy, n + 32, "COPY (%.*s\n) TO STDOUT", (int)n, sql);
	res = PQexec(q->conn, copy);
	free(copy);
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		tsm_report_result(q->conn, res, NULL);
		PQclear(res);
		tsm_copyout_end(co);
		return -1;
	}
	PQclear(res);
	while ((len = PQgetCopyData(q->conn, &buf, 0)) > 0) {
		if (!failed) {
			size_t l = (size_t)len;

			if (l > 0 && buf[l - 1] == '\n')
				l--;
			if (co != NULL) {
				failed = !tsm_copyout_row(co, buf, l);
				if (!failed)
					count_line(s, l);
			} else {
				failed = !copy_row(s, buf, l, &scratch, &scap);
			}
			if (failed)
				cancel_statement(q->conn);
		}
		PQfreemem(buf);
	}
	free(scratch);
	while ((res = PQgetResult(q->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && !failed) {
			tsm_report_result(q->conn, res, NULL);
			failed = true;
		}
		PQclear(res);
	}
	if (co != NULL) {
		/* Rows that did not go through the writer count all the same. */
		q->rows += (unsigned long long)s->rows;
		if (!tsm_copyout_end(co))
			failed = true;
	}
	return failed ? -1 : 1;
}

/* Streams rows to the writer (fn NULL) or to fn. */
static long long
run_stream(struct tsm_qctx *q, const char *sql, const struct tsm_params *p,
    tsm_row_fn fn, void *ctx)
{
	struct sink s = { q, fn, ctx, NULL, NULL, 0, 0, 0, mono_usecs(), 0 };
	bool ok;

	if (q->fetch_size > 0)
		ok = stream_cursor(q, sql, p, &s);
	else if (q->fetch_size < 0)
		ok = stream_whole(q, sql, p, &s);
	else
		ok = stream_single(q, sql, p, &s);
	end_progress(&s);
	free(s.vals);
	free(s.lens);
	return ok ? s.rows : -1;
}

long long
tsm_q_stream(struct tsm_qctx *q, const char *sql, const struct tsm_params *p)
{
	return run_stream(q, sql, p, NULL, NULL);
}

long long
tsm_q_each(struct tsm_qctx *q, const char *sql, const struct tsm_params *p,
    tsm_row_fn fn, void *ctx)
{
	return run_stream(q, sql, p, fn, ctx);
}

long long
tsm_q_stream_copy(struct tsm_qctx *q, const struct tsm_q_stmt *pre, int npre,
    const char *sql)
{
	struct sink s = { q, NULL, NULL, NULL, NULL, 0, 0, 0, mono_usecs(), 0 };
	int rc = q->fetch_size > 0 ? 0 : stream_copy(q, pre, npre, sql, &s);

	if (rc != 0)
		end_progress(&s);
	free(s.vals);
	free(s.lens);
	if (rc == 0) {
		for (int i = 0; i < npre; i++)
			if (!tsm_command(q->conn, pre[i].sql, pre[i].nparams,
			    pre[i].values))
				return -1;
		return tsm_q_stream(q, sql, NULL);
	}
	return rc > 0 ? s.rows : -1;
}
