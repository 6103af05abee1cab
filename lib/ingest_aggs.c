/*
 * ingest_aggs.c: aggregates after a load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "ingest_aggs.h"
#include "ingest_instr.h"
#include "log.h"
#include "schema.h"
#include "timeparse.h"

bool
tsm_aggs_exist(PGconn *conn, const char *schema, const char *kind, bool *any)
{
	const char *params[1] = { kind };
	char *sql = tsm_ingest_named_sql("ingest_aggregates.sql", schema);
	PGresult *res;

	if (sql == NULL)
		return false;
	res = tsm_query(conn, sql, 1, params);
	free(sql);
	if (res == NULL)
		return false;
	*any = atol(PQgetvalue(res, 0, 0)) > 0;
	PQclear(res);
	return true;
}

bool
tsm_aggs_refresh_tsdb(PGconn *conn, const char *schema, const char *ext,
    const char *version, const char *kind, int64_t lo, int64_t hi)
{
	char slo[TSM_TIME_BUFSZ], shi[TSM_TIME_BUFSZ];
	const char *params[3] = { kind, slo, shi };
	char *sql, *call, *e;
	PGresult *res;
	bool ok = true;

	sql = tsm_ingest_named_sql("ingest_refresh_windows.sql", schema);
	e = tsm_quote_ident(ext);
	if (sql == NULL || e == NULL) {
		free(sql);
		free(e);
		return false;
	}
	/*
	 * From 2.28 a manual refresh goes in batches of 10 buckets, one
	 * transaction each, like the policies: a year of 5-minute buckets
	 * then takes ten thousand transactions.  A load refreshes once, in
	 * one pass, as earlier releases always did.
	 */
	if (asprintf(&call, "CALL %s.refresh_continuous_aggregate("
	    "$1::regclass, $2::timestamptz, $3::timestamptz%s)", e,
	    tsm_version_cmp(version, "2.28.0") >= 0 ?
	    ", options => '{\"buckets_per_batch\": 0}'::jsonb" : "") < 0) {
		free(sql);
		free(e);
		tsm_error("out of memory");
		return false;
	}
	free(e);
	tsm_format_time(lo, slo);
	tsm_format_time(hi, shi);
	res = tsm_query(conn, sql, 3, params);
	free(sql);
	if (res == NULL) {
		free(call);
		return false;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		const char *p[3] = { PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
		    PQgetvalue(res, i, 2) };
		PGresult *r = PQexecParams(conn, call, 3, NULL, p, NULL, NULL, 0);

		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			const char *msg = PQresultErrorField(r,
			    PG_DIAG_MESSAGE_PRIMARY);
			const char *state = PQresultErrorField(r,
			    PG_DIAG_SQLSTATE);
			char from[TSM_TIME_BUFSZ], to[TSM_TIME_BUFSZ];

			if (tsm_pg_time_to_iso(p[1], strlen(p[1]), from) == 0)
				snprintf(from, sizeof(from), "%s", p[1]);
			if (tsm_pg_time_to_iso(p[2], strlen(p[2]), to) == 0)
				snprintf(to, sizeof(to), "%s", p[2]);
			ok = false;
			if (state != NULL && strcmp(state, "42501") == 0) {
				/* The others have the same owner: say it once. */
				tsm_warning("could not refresh the continuous "
				    "aggregates of %s from %s to %s: %s", kind,
				    from, to, msg);
				tsm_hint("the rows are loaded; until the owner of "
				    "the aggregates refreshes them (tsm-compress "
				    "refresh, or CALL refresh_continuous_aggregate"
				    "), they may miss rows older than their "
				    "watermarks");
				PQclear(r);
				break;
			}
			tsm_warning("could not refresh %s from %s to %s: %s",
			    p[0], from, to, msg ? msg : PQerrorMessage(conn));
		}
		PQclear(r);
		if (PQstatus(conn) != CONNECTION_OK)
			break;
	}
	PQclear(res);
	free(call);
	return ok;
}
