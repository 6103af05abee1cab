/*
 * ingest_run.c: the load, from the inputs to the last commit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cancel.h"
#include "db.h"
#include "ingest_db.h"
#include "ingest_instr.h"
#include "ingest_pool.h"
#include "ingest_report.h"
#include "ingest_run.h"
#include "ingest_sql.h"
#include "ingest_aggs.h"
#include "ingest_run_int.h"
#include "log.h"
#include "schema.h"

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Rows a batch took from the input (merged duplicates included). */
static uint64_t
batch_rows_taken(const struct run *r, const struct tsm_batch *b)
{
	return b->nrows + (r->o->conflict == TSM_CONFLICT_NOTHING ?
	    b->ndup : 0);
}

/* The pool's report of a finished batch (main thread). */
static void
batch_done(void *arg, struct tsm_batch *b, const struct tsm_batch_result *res)
{
	struct run *r = arg;
	struct tsm_ingest_stats *st = r->st;
	char where[512];

	switch (res->status) {
	case TSM_BATCH_OK:
		if (res->met_others)
			tsm_hull_forget(r->hull, b);
		if (r->lat_hist != NULL)
			for (size_t i = 0; i < b->nrows; i++) {
				int64_t d = res->committed_at -
				    b->meta[i].arrival;

				if (d > r->lat_max)
					r->lat_max = d;
				if (d < 0)
					d = 0;
				if (d / 100 < LAT_BUCKETS)
					r->lat_hist[d / 100]++;
				else
					r->lat_over++;
			}
		st->inserted += res->inserted;
		st->updated += res->updated;
		st->unchanged += res->unchanged;
		st->duplicates += b->ndup;
		st->direct += res->direct;
		st->staged += res->staged;
		st->committed += batch_rows_taken(r, b);
		st->batches++;
		if (res->inserted + res->updated > 0 && b->tmin <= b->tmax) {
			if (b->tmin < r->touched_lo)
				r->touched_lo = b->tmin;
			if (b->tmax > r->touched_hi)
				r->touched_hi = b->tmax;
			if (r->refresher != NULL)
				tsm_refresher_touch(r->refresher, b->tmin,
				    b->tmax);
		}
		break;
	case TSM_BATCH_SKIPPED:
		break;
	case TSM_BATCH_CONFLICT:
		tsm_ingest_where(b->input, res->conflict_line, where,
		    sizeof(where));
		tsm_error("%s: the key of this row is already in the table, "
		    "and "
		    "--on-conflict=error is given", where);
		tsm_hint("use --on-conflict=update to replace the stored rows, "
		    "or nothing to keep them");
		r->failed_batch = true;
		if (r->status == 0)
			r->status = TSM_EXIT_FAIL;
		break;
	default:
		tsm_batch_result_report(res, b);
		r->failed_batch = true;
		if (r->status == 0 || r->status == TSM_EXIT_FAIL)
			r->status = res->status == TSM_BATCH_LOST ?
			    TSM_EXIT_CONNECT : res->status ==
			    TSM_BATCH_INTERRUPTED ? TSM_EXIT_INTERRUPTED :
			    TSM_EXIT_FAIL;
		break;
	}
	if (r->refresher != NULL)
		tsm_refresher_release(r->refresher, b->tmin);
}

/*
 * --follow: after the main thread's connection was lost, connects again
 * with backoff (0.1 s doubling to 30 s) until it works or a signal
 * comes.  True when the caller may try again.
 */
bool
tsm_run_control_retry(struct run *r)
{
	int delay = 100;
	char err[512];

	if (!r->o->follow || PQstatus(r->conn) != CONNECTION_BAD)
		return false;
	tsm_disconnect(r->conn);
	r->conn = NULL;
	for (;;) {
		PGconn *c;

		tsm_warning("lost the connection to the server; trying again "
		    "in %.1f s", delay / 1000.0);
		for (int i = 0; i < delay / 50 + 1 && !tsm_interrupted; i++)
			usleep(50 * 1000);
		if (tsm_interrupted)
			return false;
		c = tsm_connect_extra(r->o->conn, r->password, err,
		    sizeof(err));
		if (c != NULL) {
			PQclear(PQexec(c, "SET jit = off"));
			r->conn = c;
			tsm_cancel_register(c);
			tsm_info("connected again");
			return true;
		}
		tsm_warning("could not connect: %s", err);
		delay = delay * 2 > 30000 ? 30000 : delay * 2;
	}
}

/*
 * --follow: notices, before using it, that the main thread's connection
 * was closed while the stream was quiet (a server restart, say): libpq
 * learns it only by reading what the server sent.
 */
void
tsm_run_control_check(struct run *r)
{
	if (r->o->follow && (PQconsumeInput(r->conn) == 0 ||
	    PQstatus(r->conn) == CONNECTION_BAD))
		tsm_run_control_retry(r);
}

/* Takes a batch to fill; false when the load must stop. */
bool
tsm_run_take_batch(struct run *r, const char *input)
{
	r->batch = tsm_pool_acquire(r->pool);
	if (r->batch == NULL) {
		r->stop = true;
		return false;
	}
	tsm_batch_reset(r->batch, input);
	return true;
}

/*
 * Sends the batch being filled: partitions made, then the groups that
 * may meet stored rows found, then to a worker.  An empty batch is kept.
 */
bool
tsm_run_dispatch(struct run *r)
{
	struct tsm_batch *b = r->batch;
	char input[256];

	if (b == NULL)
		return false;
	if (b->nrows == 0) {
		/* Only duplicates that --on-conflict=nothing dropped. */
		r->st->duplicates += b->ndup;
		r->st->committed += b->ndup;
		b->ndup = 0;
		return true;
	}
	snprintf(input, sizeof(input), "%s", b->input);
	tsm_run_control_check(r);
	while (r->lo.native && r->o->kind->series != NULL &&
	    !tsm_parts_ensure(r->conn, &r->lo, r->parts, b->tmin, b->tmax))
		if (!tsm_run_control_retry(r))
			goto fail;
	if (!tsm_hull_apply(r->hull, b))
		goto fail;
	while (!tsm_load_probe(r->conn, &r->lo, b))
		if (!tsm_run_control_retry(r))
			goto fail;
	tsm_hull_learn(r->hull, b);
	if (r->refresher != NULL && !tsm_refresher_hold(r->refresher,
	    b->tmin))
		goto fail;
	tsm_pool_submit(r->pool, b);
	r->batch = NULL;
	return tsm_run_take_batch(r, input);
fail:
	r->status = tsm_exit_status(r->conn);
	r->stop = true;
	return false;
}

/*
 * Says how far the load got, after an error or a signal: what was
 * committed, and from which line the rows were not written (from_line,
 * 0 when no batch was open).
 */
static void
say_committed(struct run *r, uint64_t from_line)
{
	struct tsm_ingest_stats *st = r->st;
	char done[128];

	if (st->committed == 0)
		snprintf(done, sizeof(done), "nothing was committed");
	else
		snprintf(done, sizeof(done), "%llu row%s committed in %llu "
		    "batch%s", (unsigned long long)st->committed,
		    st->committed == 1 ? " was" : "s were",
		    (unsigned long long)st->batches,
		    st->batches == 1 ? "" : "es");
	if (from_line > 0)
		tsm_detail("%s; the rows from line %llu on were not written",
		    done, (unsigned long long)from_line);
	else
		tsm_detail("%s", done);
	if (r->o->jobs > 1 && r->failed_batch)
		tsm_detail("with -j, batches after the failed one may have "
		    "committed too");
	tsm_hint("running the same command again is safe: rows already "
	    "loaded are left as they are");
}

/*
 * Ends the load after an error or a signal: the open batch is not
 * written, the ones sent are waited for, and what was committed is said.
 */
void
tsm_run_stop(struct run *r, uint64_t from_line)
{
	r->stop = true;
	if (r->batch != NULL) {
		if (r->batch->nrows > 0 && (from_line == 0 ||
		    r->batch->first_line < from_line))
			from_line = r->batch->first_line;
		tsm_pool_release(r->pool, r->batch);
		r->batch = NULL;
	}
	tsm_pool_drain(r->pool);
	if (tsm_interrupted && !r->said_interrupted) {
		tsm_error("interrupted: the open batch was rolled back");
		r->said_interrupted = true;
	}
	say_committed(r, from_line);
	r->said = true;
}

/* True if the two maps write the same columns. */
static bool
same_columns(const struct tsm_ingest_map *a, const struct tsm_ingest_map *b)
{
	return a->ncols == b->ncols &&
	    memcmp(a->cols, b->cols, sizeof(int) * (size_t)a->ncols) == 0;
}

/*
 * Connects and gets everything ready for the first batch: the schema
 * checked, the statements written, the workers' connections made.
 */
static bool
start(struct run *r)
{
	const struct tsm_ingest_opts *o = r->o;
	PGconn *conns[64];
	struct tsm_pool_reconnect rc = { 0 };
	int n = o->jobs;
	bool aggs = false;

	r->conn = tsm_connect(o->conn);
	if (r->conn == NULL) {
		r->status = TSM_EXIT_CONNECT;
		return false;
	}
	if (!tsm_schema_require(r->conn, o->conn->schema, &r->schema) ||
	    !tsm_server_probe(r->conn, &r->server) ||
	    !tsm_command(r->conn, "SET jit = off", 0, NULL))
		goto fail;
	r->lo.schema = o->conn->schema;
	r->lo.map = &r->load_map;
	r->lo.sql = &r->sql;
	r->lo.mode = o->conflict;
	r->lo.native = r->schema.backend != TSM_BACKEND_TIMESCALEDB;
	if (o->refresh && o->kind->series != NULL &&
	    !tsm_aggs_exist(r->conn, o->conn->schema, o->kind->series,
	    &aggs))
		goto fail;
	if (!tsm_ingest_sql_build(&r->sql, &r->load_map, o->conn->schema,
	    o->conflict))
		goto fail;
	r->instr = tsm_instr_cache_new(o->conn->schema);
	r->parts = tsm_parts_new();
	r->hull = tsm_hull_new();
	if (r->instr == NULL || r->parts == NULL || r->hull == NULL)
		goto fail;
	if (PQpass(r->conn) != NULL &&
	    (r->password = strdup(PQpass(r->conn))) ==
	    NULL) {
		tsm_error("out of memory");
		goto fail;
	}
	for (int i = 0; i < n; i++) {
		char err[512];
		struct tsm_batch_result res = { 0 };

		conns[i] = tsm_connect_extra(o->conn, r->password, err,
		    sizeof(err));
		if (conns[i] == NULL) {
			tsm_error("could not open connection %d of %d: %s",
			    i + 1, n, err);
			while (i-- > 0)
				PQfinish(conns[i]);
			r->status = TSM_EXIT_CONNECT;
			return false;
		}
		if (!tsm_load_prepare(conns[i], &r->lo, &res)) {
			tsm_error("%s", res.message ? res.message : "");
			tsm_batch_result_clear(&res);
			while (i >= 0)
				PQfinish(conns[i--]);
			goto fail;
		}
	}
	rc.enabled = o->follow;
	rc.opts = o->conn;
	rc.password = r->password;
	rc.max_backoff_ms = 30000;
	r->pool = tsm_pool_new(n, conns, &r->lo, o->batch_rows,
	    o->follow ? r->wake[1] : -1, &rc, batch_done, r);
	if (r->pool == NULL)
		goto fail;
	if (aggs) {
		struct tsm_refresher_opts ro = { 0 };
		char err[512];
		PGconn *c[TSM_REFRESHER_MAXCONN];
		int nc = 1;

		c[0] = tsm_connect_extra(o->conn, r->password, err,
		    sizeof(err));
		if (c[0] == NULL) {
			tsm_error("could not open the connection that refreshes "
			    "the aggregates: %s", err);
			r->status = TSM_EXIT_CONNECT;
			return false;
		}
		PQclear(PQexec(c[0], "SET jit = off"));
		/*
		 * On TimescaleDB a load's aggregates are refreshed two at a
		 * time, so that the refresh keeps up with the load and leaves
		 * less behind when it ends.  A stream's refreshes are small.
		 */
		if (!r->lo.native && !o->follow) {
			c[1] = tsm_connect_extra(o->conn, r->password, err,
			    sizeof(err));
			if (c[1] != NULL) {
				PQclear(PQexec(c[1], "SET jit = off"));
				nc = 2;	/* otherwise one at a time, then */
			}
		}
		ro.kind = o->kind->series;
		ro.native = r->lo.native;
		ro.schema = o->conn->schema;
		ro.ext = r->server.tsdb_schema;
		ro.version = r->server.tsdb_installed;
		/*
		 * A stream's rows reach queries through the log (native) or
		 * real-time aggregation: refresh once a second.  A load
		 * refreshes as often as it can keep up with.
		 */
		ro.gap_ms = o->follow ? 1000 : 200;
		r->refresher = tsm_refresher_start(c, nc, &ro);
		if (r->refresher == NULL)
			goto fail;
	}
	return true;
fail:
	if (r->status == 0)
		r->status = tsm_exit_status(r->conn);
	return false;
}

/*
 * The bytes of the inputs when all of them are regular files, for the
 * share done in the progress line; 0 when one of them is a stream.
 */
static uint64_t
inputs_size(const struct tsm_ingest_opts *o)
{
	uint64_t total = 0;

	for (int i = 0; i < o->ninputs; i++) {
		struct stat sb;

		if (strcmp(o->inputs[i], "-") == 0 ||
		    stat(o->inputs[i], &sb) != 0 || !S_ISREG(sb.st_mode))
			return 0;
		total += (uint64_t)sb.st_size;
	}
	return total;
}

/*
 * The aggregates after the last commit: the refresh thread stopped, and
 * what it has not refreshed done now (on plain PostgreSQL, whatever the
 * log holds), so that a query right after the load is never stale.  Not
 * after a signal: the log (native) or TimescaleDB's own invalidations
 * keep what is left for the next refresh.
 */
static void
finish_aggregates(struct run *r)
{
	const struct tsm_ingest_opts *o = r->o;
	int64_t lo, hi;
	bool failed;

	if (r->refresher == NULL)
		return;
	tsm_refresher_finish(r->refresher, tsm_interrupted, &lo, &hi,
	    &failed);
	r->refresher = NULL;
	if (tsm_interrupted || r->conn == NULL ||
	    PQstatus(r->conn) != CONNECTION_OK ||
	    r->touched_lo > r->touched_hi)
		return;
	if (r->lo.native) {
		tsm_aggs_refresh_native(r->conn, o->conn->schema,
		    o->kind->series);
		return;
	}
	if (failed) {
		/* Said over all the load touched, as one refresh would. */
		lo = r->touched_lo;
		hi = r->touched_hi;
	}
	if (lo <= hi)
		tsm_aggs_refresh_tsdb(r->conn, o->conn, r->password,
		    o->jobs + 1, r->server.tsdb_schema,
		    r->server.tsdb_installed, o->kind->series, lo, hi);
}

/* The percentiles of the latency histogram into the figures. */
static void
latency_figures(struct run *r)
{
	uint64_t n = r->lat_over, seen = 0;
	double p50 = -1, p99 = -1;

	for (int i = 0; i < LAT_BUCKETS; i++)
		n += r->lat_hist[i];
	r->st->latency_rows = n;
	if (n == 0)
		return;
	for (int i = 0; i < LAT_BUCKETS; i++) {
		seen += r->lat_hist[i];
		/* A bucket's upper edge: the percentile is at most this. */
		if (p50 < 0 && seen * 2 >= n)
			p50 = (i + 1) / 10.0;
		if (p99 < 0 && seen * 100 >= n * 99)
			p99 = (i + 1) / 10.0;
	}
	r->st->latency_p50 = p50 < 0 ? r->lat_max / 1000.0 : p50;
	r->st->latency_p99 = p99 < 0 ? r->lat_max / 1000.0 : p99;
	r->st->latency_max = r->lat_max / 1000.0;
}

int
tsm_ingest_run(const struct tsm_ingest_opts *o, struct tsm_ingest_stats *st)
{
	struct run run, *r = &run;
	double t0 = now_seconds();

	memset(r, 0, sizeof(*r));
	memset(st, 0, sizeof(*st));
	r->o = o;
	r->st = st;
	r->touched_lo = INT64_MAX;
	r->touched_hi = INT64_MIN;
	r->wake[0] = r->wake[1] = -1;
	r->started_at = tsm_input_now();
	if (o->follow && (r->lat_hist = calloc(LAT_BUCKETS,
	    sizeof(*r->lat_hist))) == NULL) {
		tsm_error("out of memory");
		return TSM_EXIT_FAIL;
	}
	if (o->follow && pipe2(r->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
		tsm_error("cannot make a pipe: %s", strerror(errno));
		return TSM_EXIT_FAIL;
	}
	tsm_progress_start(&r->progress, o->progress && !tsm_quiet,
	    o->kind->name);
	r->total_bytes = inputs_size(o);
	r->instr_col = -1;
	for (int c = 0; c < o->kind->ncols; c++)
		if (o->kind->cols[c].flags & TSM_C_INSTR)
			r->instr_col = c;

	{
		struct tsm_ingest_map check;

		/* Options that mean nothing for the kind: before reading. */
		if (!tsm_ingest_map_init(&check, o->kind, o->fixed, o->nfixed,
		    &o->topts))
			return TSM_EXIT_USAGE;
	}
	if (o->rejects != NULL) {
		r->rejects = tsm_rejects_open(o->rejects);
		if (r->rejects == NULL)
			return TSM_EXIT_FAIL;
	}
	for (int i = 0; i < o->ninputs && !r->stop; i++) {
		struct tsm_input *in = NULL;
		struct tsm_csv_reader *rd = NULL;
		struct tsm_record *first = NULL;
		bool is_header = false, ok;

		ok = tsm_run_open_input(r, o->inputs[i], &in, &rd, &first,
		    &is_header);
		if (ok && i == 0) {
			r->load_map = r->file_map;
			ok = start(r);
		} else if (ok && !same_columns(&r->load_map, &r->file_map)) {
			tsm_error("\"%s\" has other columns than \"%s\"",
			    o->inputs[i], o->inputs[0]);
			tsm_hint("load files with other columns in separate "
			    "runs");
			ok = false;
		}
		if (ok && is_header) {
			/* The first line was the header: the rows follow it. */
			int k = tsm_csv_next_record(rd, &first);

			if (k < 0)
				ok = false;
			if (k == 0) {
				first = NULL;
				tsm_warning("%s%s%s holds a header and no rows",
				    strcmp(tsm_input_name(in), "stdin") ? "\"" :
				    "", tsm_input_name(in),
				    strcmp(tsm_input_name(in), "stdin") ? "\"" :
				    "");
			}
		}
		if (ok)
			ok = tsm_run_read_input(r, rd, in, tsm_input_name(in),
			    first);
		if (!ok && r->status == 0)
			r->status = tsm_interrupted ? TSM_EXIT_INTERRUPTED :
			    TSM_EXIT_FAIL;
		if (!ok)
			r->stop = true;
		tsm_csv_close(rd);
		tsm_input_close(in);
	}
	if (r->pool != NULL) {
		if (r->batch != NULL) {
			tsm_pool_release(r->pool, r->batch);
			r->batch = NULL;
		}
		if (!tsm_pool_drain(r->pool) && r->status == 0)
			r->status = tsm_interrupted ? TSM_EXIT_INTERRUPTED :
			    TSM_EXIT_FAIL;
	}
	if (tsm_interrupted)
		r->status = TSM_EXIT_INTERRUPTED;
	if (r->pool != NULL && !r->said && r->status != 0)
		tsm_run_stop(r, 0);
	else if (r->pool == NULL && tsm_interrupted)
		tsm_error("interrupted: nothing was committed");
	finish_aggregates(r);
	tsm_progress_end(&r->progress, st->read, r->total_bytes > 0 ?
	    (double)st->bytes / (double)r->total_bytes : -1);
	st->seconds = now_seconds() - t0;
	if (r->lat_hist != NULL)
		latency_figures(r);
	st->finished = r->status == 0;
	if (r->status == 0 && st->rejected > 0)
		r->status = TSM_EXIT_REJECTED;
	if (r->rejects != NULL && !tsm_rejects_close(r->rejects) &&
	    (r->status == 0 || r->status == TSM_EXIT_REJECTED))
		r->status = TSM_EXIT_FAIL;
	tsm_pool_free(r->pool);
	tsm_instr_cache_free(r->instr);
	tsm_parts_free(r->parts);
	tsm_hull_free(r->hull);
	tsm_ingest_sql_free(&r->sql);
	if (r->conn != NULL)
		tsm_disconnect(r->conn);
	free(r->lat_hist);
	if (r->password != NULL) {
		memset(r->password, 0, strlen(r->password));
		free(r->password);
	}
	if (r->wake[0] >= 0) {
		close(r->wake[0]);
		close(r->wake[1]);
	}
	return r->status;
}
