/*
 * ingest_read.c: inputs and streams into rows of batches.
 *
 * A record is parsed and checked (ingest_row.c), its instrument found,
 * and it is added to the batch being filled; a bad one is set aside or
 * ends the load.  With --follow, reads wait only until the batch should
 * be committed (see follow_deadline).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cancel.h"
#include "db.h"
#include "ingest_run_int.h"
#include "log.h"

/* Empties the pipe through which workers wake a --follow reader. */
static void
drain_wake(struct run *r)
{
	char buf[64];

	while (r->wake[0] >= 0 && read(r->wake[0], buf, sizeof(buf)) > 0)
		;
}

/*
 * --follow: when the next read must give up.  With rows waiting, at the
 * latest when they have waited --flush-interval; at once (if nothing
 * more is there to read) when a worker is idle, so that a quiet stream
 * is committed as it comes and a busy one in batches of up to
 * --flush-rows.  With no rows waiting, a worker's wake-up ends the wait,
 * so that a failure is seen without waiting for the next row.
 */
static int64_t
follow_deadline(struct run *r, int64_t first_at)
{
	if (r->batch == NULL || r->batch->nrows == 0)
		return INT64_MAX;
	if (tsm_pool_idle(r->pool))
		return 0;
	return first_at + r->o->flush_usecs;
}

/* --follow: writes the metrics file every ten seconds. */
static void
follow_metrics(struct run *r, int64_t *last)
{
	int64_t now = tsm_input_now();

	if (r->o->metrics == NULL || now - *last < 10000000)
		return;
	*last = now;
	r->st->seconds = (double)(now - r->started_at) / 1e6;
	tsm_ingest_metrics(r->o->metrics, r->o->kind->name, r->st, 0);
}

/*
 * A row that cannot load: set aside (rejecting) or the end of the load.
 * Returns false when the load stops.
 */
bool
tsm_run_bad_row(struct run *r, const struct tsm_record *rec, const char *input,
    const char *msg, const char *reason)
{
	const struct tsm_ingest_opts *o = r->o;

	if (o->rejecting) {
		r->st->rejected++;
		if (o->max_rejects < 0 ||
		    r->st->rejected <= (uint64_t)o->max_rejects) {
			if (r->rejects != NULL) {
				if (!tsm_rejects_write(r->rejects, input,
				    rec->line, reason, rec->raw, rec->rawlen)) {
					r->status = TSM_EXIT_FAIL;
					r->stop = true;
					return false;
				}
			} else {
				tsm_warning("%s (rejected)", msg);
			}
			return true;
		}
		tsm_error("%s", msg);
		tsm_detail("this is rejected row %llu, and --max-rejects is "
		    "%lld",
		    (unsigned long long)r->st->rejected,
		    (long long)o->max_rejects);
	} else {
		tsm_error("%s", msg);
	}
	r->status = TSM_EXIT_FAIL;
	tsm_run_stop(r, rec->line);
	return false;
}

/* Parses, checks and adds one record; false when the load stops. */
bool
tsm_run_take_row(struct run *r, const struct tsm_record *rec, const char *input,
    int64_t arrival)
{
	const struct tsm_ingest_map *m = &r->file_map;
	struct tsm_irow row;
	struct tsm_rowerr err;
	char where[512], msg[1024];
	uint64_t dup_line;
	int k;

	if (!tsm_ingest_parse(m, rec, &row, &err))
		goto bad;
	if (m->instrument) {
		int32_t id;
		bool created;

		tsm_run_control_check(r);
		while ((k = tsm_instr_resolve(r->conn, r->instr, &row.ref,
		    r->o->create, &id, &created)) < 0 &&
		    tsm_run_control_retry(r))
			;
		if (k < 0) {
			r->status = tsm_exit_status(r->conn);
			r->stop = true;
			return false;
		}
		if (k == 0) {
			err.spec = m->spec_of_col[r->instr_col];
			err.value = row.ref.symbol;
			err.vlen = row.ref.symbol_len;
			snprintf(err.why, sizeof(err.why), "is not a known "
			    "instrument (%.*s, %.*s), and --no-create is given",
			    (int)row.ref.exchange_len, row.ref.exchange,
			    (int)row.ref.kind_len, row.ref.kind);
			goto bad;
		}
		r->st->instruments += created;
		row.v[r->instr_col].set = true;
		row.v[r->instr_col].null = false;
		row.v[r->instr_col].i = id;
	}
	if (!tsm_ingest_check(m, &row, &err))
		goto bad;
	k = tsm_batch_add(r->batch, &row, r->o->conflict, &dup_line, arrival);
	if (k < 0) {
		r->status = TSM_EXIT_FAIL;
		r->stop = true;
		return false;
	}
	if (k == 0) {
		tsm_ingest_where(input, rec->line, where, sizeof(where));
		snprintf(msg, sizeof(msg), "%s: repeats the key of line %llu, "
		    "and --on-conflict=error is given", where,
		    (unsigned long long)dup_line);
		return tsm_run_bad_row(r, rec, input, msg,
		    msg + strlen(where) + 2);
	}
	if (r->batch->nrows >= r->o->batch_rows)
		return tsm_run_dispatch(r);
	return true;
bad:
	tsm_ingest_where(input, rec->line, where, sizeof(where));
	tsm_rowerr_format(m, &err, where, msg, sizeof(msg));
	return tsm_run_bad_row(r, rec, input, msg, msg + strlen(where) + 2);
}

/*
 * Reads one input to its end; first, if not NULL, is its first row,
 * read already.
 */
bool
tsm_run_read_input(struct run *r, struct tsm_csv_reader *rd,
    struct tsm_input *in,
    const char *name, struct tsm_record *first)
{
	const struct tsm_ingest_opts *o = r->o;
	struct tsm_record *rec;
	uint64_t bytes0 = r->st->bytes;
	int64_t first_at = 0, last_metrics = tsm_input_now();
	int k;

	if (!tsm_run_take_batch(r, name))
		return false;
	rec = first;
	k = first != NULL ? 1 : TSM_CSV_AGAIN;
	for (;;) {
		if (k == TSM_CSV_AGAIN && rec == NULL) {
			drain_wake(r);
			tsm_pool_poll(r->pool);
			if (r->stop || r->failed_batch)
				return false;
			if (r->batch->nrows > 0 && (tsm_pool_idle(r->pool) ||
			    tsm_input_now() >= first_at + o->flush_usecs) &&
			    !tsm_run_dispatch(r))
				return false;
			follow_metrics(r, &last_metrics);
		} else if (k == 1) {
			if (o->follow && !rec->terminated) {
				char where[512], msg[1024];

				/*
				 * The writer stopped mid-row.  The rows before
				 * it are whole, and which batch they are in
				 * depends only on when they came: commit them.
				 */
				if (r->batch->nrows > 0 && !tsm_run_dispatch(r))
					return false;
				tsm_ingest_where(name, rec->line, where,
				    sizeof(where));
				snprintf(msg, sizeof(msg),
				    "%s: the input ends in "
				    "the middle of a row (no line end)", where);
				if (!tsm_run_bad_row(r, rec, name, msg,
				    msg + strlen(where) + 2))
					return false;
				break;
			}
			int64_t now = o->follow ? tsm_input_now() : 0;

			r->st->read++;
			if (r->batch->nrows == 0)
				first_at = now;
			if (!tsm_run_take_row(r, rec, name, now))
				return false;
			if ((r->st->read & 1023) == 0 || o->follow) {
				r->st->bytes = bytes0 + tsm_input_bytes(in);
				tsm_progress_update(&r->progress, r->st->read,
				    r->total_bytes > 0 ? (double)r->st->bytes /
				    (double)r->total_bytes : -1);
				if (!o->follow)
					tsm_pool_poll(r->pool);
				if (r->stop)
					return false;
			}
		} else {
			break;
		}
		if (tsm_interrupted)
			break;
		if (o->follow)
			tsm_input_set_deadline(in, follow_deadline(r, first_at),
			    r->wake[0]);
		rec = NULL;
		k = tsm_csv_next_record(rd, &rec);
	}
	r->st->bytes = bytes0 + tsm_input_bytes(in);
	if (r->stop)
		return false;
	if (tsm_interrupted || k < 0) {
		r->status = tsm_interrupted ? TSM_EXIT_INTERRUPTED :
		    TSM_EXIT_FAIL;
		tsm_run_stop(r, 0);
		return false;
	}
	return tsm_run_dispatch(r);
}

/* Opens input i and maps its first line; false (reported) if it cannot. */
bool
tsm_run_open_input(struct run *r, const char *path, struct tsm_input **in,
    struct tsm_csv_reader **rd, struct tsm_record **first, bool *is_header)
{
	const struct tsm_ingest_opts *o = r->o;
	const char *name;
	char where[512];
	int k;

	*in = tsm_input_open(path);
	if (*in == NULL)
		return false;
	name = tsm_input_name(*in);
	*rd = tsm_csv_open(*in, o->tsv, MAX_RECORD);
	if (*rd == NULL)
		return false;
	k = tsm_csv_next_record(*rd, first);
	if (k < 0)
		return false;
	if (k == 0) {
		tsm_error("%s%s%s is empty: no header and no rows",
		    strcmp(name, "stdin") ? "\"" : "", name,
		    strcmp(name, "stdin") ? "\"" : "");
		return false;
	}
	tsm_ingest_where(name, (*first)->line, where, sizeof(where));
	if (!tsm_ingest_map_init(&r->file_map, o->kind, o->fixed, o->nfixed,
	    &o->topts))
		return false;
	return tsm_ingest_map_first(&r->file_map, *first, o->columns, where,
	    is_header);
}
