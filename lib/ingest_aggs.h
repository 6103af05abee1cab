/*
 * ingest_aggs.h: aggregates kept current after a load.
 *
 Most of the refreshing is done behind the load (ingest_refresher.h);
 * these are the last refresh after the last commit, in the main thread:
 * on plain PostgreSQL of the ranges the writes logged
 * (refresh_invalidated), on TimescaleDB of the part of the range the load
 * changed that real-time aggregation does not already show (sql/
 * ingest_refresh_windows.sql).  Refreshing needs the aggregate's owner:
 * a role that may only write (tsm-init --roles) gets a warning that says
 * what the owner must run.
 */
#ifndef TSM_INGEST_AGGS_H
#define TSM_INGEST_AGGS_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "conn.h"

/* Whether kind has aggregates; false after reporting an error. */
bool tsm_aggs_exist(PGconn *conn, const char *schema, const char *kind,
    bool *any);

/*
 * The CALL that refreshes one continuous aggregate: $1 the aggregate,
 * $2 and $3 the window.  ext is TimescaleDB's schema, version its
 * release.  NULL after reporting.
 */
char *tsm_aggs_call_sql(const char *ext, const char *version);

/*
 * Native rollups of kind brought up to date over the logged ranges:
 * merged_sql (ingest_refresh_invalidated.sql), or plain_sql
 * (ingest_refresh_logged.sql) from the first time the role proves not
 * allowed what merged_sql does (to read the log, to call
 * refresh_rollups_for; *plain is then set).  Never prints:
 * returns NULL, or the failed result for the caller to report and clear.
 */
PGresult *tsm_aggs_native_exec(PGconn *conn, const char *merged_sql,
    const char *plain_sql, const char *kind, bool *plain);

/*
 * Native rollups of kind brought up to date over the logged ranges; a
 * failure is a warning that says what to run.
 */
bool tsm_aggs_refresh_native(PGconn *conn, const char *schema,
    const char *kind);

#define TSM_AGGS_MAXCONN 8

/*
 * Refreshes the continuous aggregates of kind over [lo, hi] (microseconds
 * since 1970) where they need it, up to nconn at once (conn and more
 * connections made like it with co and password).  ext is TimescaleDB's
 * schema, version its release ("2.28.3").  Returns false if any refresh
 * failed (each reported as a warning; a missing privilege once).
 */
bool tsm_aggs_refresh_tsdb(PGconn *conn, const struct tsm_conn_opts *co,
    const char *password, int nconn, const char *ext, const char *version,
    const char *kind, int64_t lo, int64_t hi);

#endif
