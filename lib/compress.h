/*
 * compress.h: the storage life cycle of tsm-compress: compression,
 * decompression, retention, aggregate refresh, policies and status, on
 * TimescaleDB and on plain PostgreSQL.
 *
 * Every function reports its failures where they happen and returns
 * false; tsm-compress picks the exit status.  Work that changes data runs
 * chunk by chunk (partition by partition), each in its own transaction,
 * so that an interruption or a failure loses at most the chunk it was on,
 * and the next run carries on where this one stopped.
 */
#ifndef TSM_COMPRESS_H
#define TSM_COMPRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "out.h"
#include "schema.h"

/* What a run of tsm-compress works with. */
struct tsm_compress {
	PGconn *conn;
	const char *schema;
	char *qschema;			/* schema, quoted as an identifier */
	enum tsm_backend backend;
	struct tsm_server srv;
	char *qext;			/* TimescaleDB's schema, quoted */
	bool columnstore;		/* convert_to_columnstore (2.18+) */
	bool has_compress_chunk;	/* compress_chunk (before 2.18 too) */
	char license[32];		/* timescaledb.license */
	bool tsdb_dropped;		/* its chunk catalog has "dropped" */
	bool tsdb_job_errors;		/* it has the job_errors view */
	char tsfn[64];			/* schema of cagg_watermark */

	/* Options. */
	bool dry_run;
	bool wait;			/* wait for another run's lock */
	const char *lock_timeout;	/* interval text, or NULL */
	enum tsm_format format;
	bool header;
};

/*
 * Reads the schema (refusing one that is missing or behind), the backend
 * and, on TimescaleDB, the compression API of the installed release.
 * The caller sets the options first; tsm_compress_close frees.
 */
bool tsm_compress_open(struct tsm_compress *cx, PGconn *conn,
    const char *schema);
void tsm_compress_close(struct tsm_compress *cx);

/*
 * True when compression can run here; otherwise reports what is missing
 * (the TimescaleDB edition, the functions of the release).
 */
bool tsm_compress_available(struct tsm_compress *cx);

/*
 * The advisory lock that keeps two runs of one kind of work (storage:
 * run, decompress, retention; or refresh) on one schema apart.  Returns
 * 1 when taken, 0 when another session holds it and --wait was not
 * given (then it says who holds it, unless quiet), -1 on error.  Held
 * until the connection closes.
 */
int tsm_compress_lock(struct tsm_compress *cx, const char *what);

/*
 * Records a run in the runs table (tool tsm-compress): begin returns its
 * id in id (at least 32 bytes) and marks the runs that a killed run left
 * "running" as errors; end sets the status and detail.
 */
bool tsm_compress_run_begin(struct tsm_compress *cx, const char *action,
    const char *target, char *id, size_t idsz);
bool tsm_compress_run_end(struct tsm_compress *cx, const char *id,
    bool ok, const char *detail);

/* The work.  kinds and names are NULL-terminated lists (empty: all). */
struct tsm_compress_range {
	const char *older_than;		/* interval text, or NULL */
	const char *from, *to;		/* timestamptz text, or NULL */
	const char *end_offset;		/* policy: interval text, or NULL */
	const char *schedule;		/* policy: interval text, or NULL */
};

bool tsm_compress_status(struct tsm_compress *cx, const char *const *kinds);
bool tsm_compress_run(struct tsm_compress *cx, const char *const *kinds,
    const struct tsm_compress_range *r);
bool tsm_compress_decompress(struct tsm_compress *cx,
    const char *const *kinds, const struct tsm_compress_range *r);
bool tsm_compress_retention(struct tsm_compress *cx,
    const char *const *kinds, const struct tsm_compress_range *r);
bool tsm_compress_refresh(struct tsm_compress *cx, const char *const *names,
    const struct tsm_compress_range *r);

/*
 * tsm-compress policy: verb is "show", "add", "change" or "remove"; type
 * "compression", "retention" or "refresh"; target a kind or an
 * aggregate; age the policy's age (add, change).
 */
bool tsm_compress_policy(struct tsm_compress *cx, const char *verb,
    const char *type, const char *target, const char *age,
    const struct tsm_compress_range *r);

/*
 * Shared helpers of the compress_*.c files.
 */

/* Expands a named SQL file with the schema and backend variables. */
char *tsm_compress_sql(struct tsm_compress *cx, const char *file);

/* True when kind is in kinds, or kinds is empty. */
bool tsm_compress_wanted(const char *const *kinds, const char *kind);

/*
 * Writes the first ncols columns of a result (all when 0) on stdout in
 * the chosen format; title heads it in table format; first (may be NULL)
 * separates sections by a blank line.
 */
bool tsm_compress_write(struct tsm_compress *cx, const char *title,
    const PGresult *res, int ncols, bool *first);

/*
 * The list as a text[] literal for a $n parameter, or NULL when it is
 * empty (then NULL::text[] means all); the caller frees it.  *oom is set
 * when memory ran out.
 */
char *tsm_compress_array(const char *const *items, bool *oom);

/* The list's policy ages: a kind without one is told so, when asked. */
bool tsm_compress_note_no_policy(struct tsm_compress *cx,
    const char *const *kinds, const char *column, const char *what,
    const char *option);

/* Bytes as "15.9 MB"; buf holds at least 32 bytes. */
const char *tsm_compress_bytes(int64_t n, char *buf, size_t bufsz);

/* A chunk's range as "2024-01-08T00:00:00Z to 2024-01-15T00:00:00Z". */
void tsm_compress_range_text(const char *lo, const char *hi, char *buf,
    size_t bufsz);

/* Seconds since some fixed point, for elapsed times. */
double tsm_compress_now(void);

/*
 * Turns compression on for a TimescaleDB hypertable that does not have
 * it, with the kind's segment and order columns.
 */
bool tsm_compress_enable_tsdb(struct tsm_compress *cx, const char *table,
    const char *segment_by, const char *order_by);

/*
 * Runs a candidate query (file; the kinds as $1, p2 as $2 and p3, when
 * not NULL, as $3)
 * and either lists what it found (--dry-run: the first ncols columns) or
 * hands the rows of each kind (column 0, grouped) to fn; says nothing
 * when there are none.
 */
typedef bool (*tsm_compress_kind_fn)(struct tsm_compress *cx,
    const PGresult *res, int from, int to);
bool tsm_compress_candidates(struct tsm_compress *cx, const char *file,
    const char *const *kinds, const char *p2, const char *p3, int ncols,
    tsm_compress_kind_fn fn, const char *nothing);

/* Sets lock_timeout for the session when --lock-timeout was given. */
bool tsm_compress_set_lock_timeout(struct tsm_compress *cx);

#endif
