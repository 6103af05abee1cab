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
	bool ok = true, hinted = false;

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

			tsm_warning("could not refresh %s from %s to %s: %s",
			    p[0], p[1], p[2], msg ? msg : PQerrorMessage(conn));
			if (!hinted && state && strcmp(state, "42501") == 0) {
				tsm_hint("the rows are loaded; until the "
				    "aggregate's owner refreshes it (tsm-compress "
				    "refresh, or CALL refresh_continuous_aggregate"
				    "), it may miss rows older than its "
				    "watermark");
				hinted = true;
			}
			ok = false;
		}
		PQclear(r);
		if (PQstatus(conn) != CONNECTION_OK)
			break;
	}
	PQclear(res);
	free(call);
	return ok;
}
