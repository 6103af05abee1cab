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
#include "timeparse.h"

bool
tsm_aggs_exist(PGconn *conn, const char *schema, const char *kind, bool *any)
{
	const char *params[1] = { kind };
	char *s = tsm_quote_ident(schema), sql[256];
	PGresult *res;

	if (s == NULL || strlen(s) > 150) {
		free(s);
		tsm_error("out of memory");
		return false;
	}
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s.aggregates "
	    "WHERE source = $1", s);
	free(s);
	res = tsm_query(conn, sql, 1, params);
	if (res == NULL)
		return false;
	*any = atol(PQgetvalue(res, 0, 0)) > 0;
	PQclear(res);
	return true;
}

bool
tsm_aggs_refresh_tsdb(PGconn *conn, const char *schema, const char *ext,
    const char *kind, int64_t lo, int64_t hi)
{
	char slo[TSM_TIME_BUFSZ], shi[TSM_TIME_BUFSZ];
	const char *params[3] = { kind, slo, shi };
	char *sql, *call, *e;
	PGresult *res;
	bool ok = true, hinted = false;

	sql = tsm_ingest_named_sql("ingest_refresh_windows.sql", schema);
	e = tsm_quote_ident(ext);
	call = e ? malloc(strlen(e) + 128) : NULL;
	if (sql == NULL || call == NULL) {
		free(sql);
		free(e);
		free(call);
		return false;
	}
	sprintf(call, "CALL %s.refresh_continuous_aggregate($1::regclass, "
	    "$2::timestamptz, $3::timestamptz)", e);
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
