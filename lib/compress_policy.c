/*
 * compress_policy.c: tsm-compress policy, showing, adding, changing and
 * removing compression, retention and refresh policies.
 *
 * On TimescaleDB a policy is a background job of the extension (and
 * compression and retention are recorded in series too, as tsm-init
 * records them); on plain PostgreSQL it is the row in series or
 * refresh_policies that tsm-compress run, retention and refresh carry
 * out.  Each change is one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compress.h"
#include "db.h"
#include "log.h"

/* The TimescaleDB job procedures of each type of policy. */
static const char *
job_procs(const char *type)
{
	if (strcmp(type, "compression") == 0)
		return "{policy_compression,policy_columnstore}";
	if (strcmp(type, "retention") == 0)
		return "{policy_retention}";
	return "{policy_refresh_continuous_aggregate}";
}

/*
 * Reads what the policy applies to, one row: for a kind its table,
 * segment and order columns, current age and whether the policy is
 * there; for an aggregate its bucket, current start offset, end offset,
 * schedule and whether the policy is there.  NULL after reporting (an
 * unknown aggregate).
 */
static PGresult *
read_target(struct tsm_compress *cx, const char *type, const char *target)
{
	const char *params[3] = { target, job_procs(type), cx->schema };
	const char *col = strcmp(type, "compression") == 0 ? "compress_after" :
	    "retention";
	bool tsdb = cx->backend == TSM_BACKEND_TIMESCALEDB;
	char sql[1600];
	PGresult *res;
	int np = 1;

	if (strcmp(type, "refresh") != 0 && tsdb) {
		snprintf(sql, sizeof(sql), "SELECT s.table_name, s.segment_by, "
		    "s.order_by, s.%s::text, EXISTS (SELECT FROM "
		    "timescaledb_information.jobs j WHERE j.hypertable_schema = $3 "
		    "AND j.hypertable_name = s.table_name "
		    "AND j.proc_name = ANY ($2::text[])) "
		    "FROM %s.series s WHERE s.kind = $1", col, cx->qschema);
		np = 3;
	} else if (strcmp(type, "refresh") != 0) {
		snprintf(sql, sizeof(sql), "SELECT s.table_name, s.segment_by, "
		    "s.order_by, s.%s::text, s.%s IS NOT NULL "
		    "FROM %s.series s WHERE s.kind = $1", col, col, cx->qschema);
	} else if (tsdb) {
		snprintf(sql, sizeof(sql), "SELECT a.bucket::text, "
		    "j.config->>'start_offset', j.config->>'end_offset', "
		    "j.schedule_interval::text, j.job_id IS NOT NULL "
		    "FROM %s.aggregates a "
		    "JOIN _timescaledb_catalog.continuous_agg ca "
		    "ON ca.user_view_name = a.name AND ca.user_view_schema = $3 "
		    "JOIN _timescaledb_catalog.hypertable mh "
		    "ON mh.id = ca.mat_hypertable_id "
		    "LEFT JOIN timescaledb_information.jobs j "
		    "ON ((j.hypertable_schema = mh.schema_name "
		    "AND j.hypertable_name = mh.table_name) "
		    "OR (j.hypertable_schema = $3 "
		    "AND j.hypertable_name = a.name)) "
		    "AND j.proc_name = ANY ($2::text[]) "
		    "WHERE a.name = $1", cx->qschema);
		np = 3;
	} else {
		snprintf(sql, sizeof(sql), "SELECT a.bucket::text, "
		    "rp.start_offset::text, rp.end_offset::text, "
		    "rp.schedule::text, rp.aggregate IS NOT NULL "
		    "FROM %s.aggregates a "
		    "LEFT JOIN %s.refresh_policies rp ON rp.aggregate = a.name "
		    "WHERE a.name = $1", cx->qschema, cx->qschema);
	}
	res = tsm_query(cx->conn, sql, np, params);
	if (res == NULL)
		return NULL;
	if (PQntuples(res) != 1) {
		PQclear(res);
		tsm_error("unknown aggregate \"%s\"", target);
		tsm_hint("tsm-compress status lists the aggregates");
		return NULL;
	}
	return res;
}

/* Sets a kind's compression or retention age (NULL: none) in series. */
static bool
record_age(struct tsm_compress *cx, const char *type, const char *kind,
    const char *age)
{
	const char *params[2] = { kind, age };
	char sql[256];

	snprintf(sql, sizeof(sql), "UPDATE %s.series SET %s = $2::interval "
	    "WHERE kind = $1", cx->qschema, strcmp(type, "compression") == 0 ?
	    "compress_after" : "retention");
	return tsm_command(cx->conn, sql, 2, params);
}

/* TimescaleDB: removes, then (age not NULL) adds the job of a kind. */
static bool
tsdb_kind_job(struct tsm_compress *cx, const char *type, const char *rel,
    const char *age, const PGresult *t)
{
	const char *params[2] = { rel, age };
	char sql[256];
	bool compression = strcmp(type, "compression") == 0;

	if (compression)
		snprintf(sql, sizeof(sql), cx->columnstore ?
		    "CALL %s.remove_columnstore_policy($1::regclass, "
		    "if_exists => true)" : "SELECT %s.remove_compression_policy("
		    "$1::regclass, if_exists => true)", cx->qext);
	else
		snprintf(sql, sizeof(sql), "SELECT %s.remove_retention_policy("
		    "$1::regclass, if_exists => true)", cx->qext);
	if (!tsm_command(cx->conn, sql, 1, params))
		return false;
	if (age == NULL)
		return true;
	if (compression) {
		if (!tsm_compress_enable_tsdb(cx, PQgetvalue(t, 0, 0),
		    PQgetvalue(t, 0, 1), PQgetvalue(t, 0, 2)))
			return false;
		snprintf(sql, sizeof(sql), cx->columnstore ?
		    "CALL %s.add_columnstore_policy($1::regclass, "
		    "after => $2::interval)" : "SELECT %s.add_compression_policy("
		    "$1::regclass, compress_after => $2::interval)", cx->qext);
	} else {
		snprintf(sql, sizeof(sql), "SELECT %s.add_retention_policy("
		    "$1::regclass, drop_after => $2::interval)", cx->qext);
	}
	return tsm_command(cx->conn, sql, 2, params);
}

/*
 * Sets (start not NULL) or removes the refresh policy of an aggregate.
 * end and schedule not given keep their values, or for a new policy
 * take those tsm-init gives: one bucket, and the bucket clamped to
 * between five minutes and an hour.
 */
static bool
refresh_policy(struct tsm_compress *cx, const char *name, const char *start,
    const char *end, const char *schedule, const PGresult *t)
{
	const char *params[4] = { name, start, end, schedule };
	const char *p[5] = { NULL, start, end, schedule, NULL };
	char sql[900], rel[200];
	char *qa;
	bool ok;

	if (cx->backend == TSM_BACKEND_NATIVE) {
		if (start == NULL)
			snprintf(sql, sizeof(sql), "DELETE FROM %s.refresh_policies "
			    "WHERE aggregate = $1", cx->qschema);
		else
			snprintf(sql, sizeof(sql), "INSERT INTO %s.refresh_policies "
			    "AS rp SELECT a.name, $2::interval, coalesce("
			    "$3::interval, a.bucket), coalesce("
			    "$4::interval, least(greatest("
			    "a.bucket, interval '5 minutes'), interval '1 hour')) "
			    "FROM %s.aggregates a WHERE a.name = $1 "
			    "ON CONFLICT (aggregate) DO UPDATE SET start_offset = "
			    "excluded.start_offset, end_offset = coalesce("
			    "$3::interval, rp.end_offset), schedule = "
			    "coalesce($4::interval, rp.schedule)",
			    cx->qschema, cx->qschema);
		return tsm_command(cx->conn, sql, start ? 4 : 1, params);
	}
	qa = tsm_quote_ident(name);
	snprintf(rel, sizeof(rel), "%s.%s", cx->qschema, qa);
	free(qa);
	p[4] = rel;
	snprintf(sql, sizeof(sql), "SELECT %s.remove_continuous_aggregate_"
	    "policy($1::regclass, if_exists => true)", cx->qext);
	ok = tsm_command(cx->conn, sql, 1, &p[4]);
	if (ok && start != NULL) {
		/* What was there stays unless given. */
		p[0] = PQgetvalue(t, 0, 0);
		if (end == NULL && !PQgetisnull(t, 0, 2))
			p[2] = PQgetvalue(t, 0, 2);
		if (schedule == NULL && !PQgetisnull(t, 0, 3))
			p[3] = PQgetvalue(t, 0, 3);
		snprintf(sql, sizeof(sql), "SELECT %s.add_continuous_aggregate_"
		    "policy($5::regclass, start_offset => $2::interval, "
		    "end_offset => coalesce($3::interval, "
		    "$1::interval), schedule_interval => coalesce("
		    "$4::interval, least(greatest("
		    "$1::interval, interval '5 minutes'), interval '1 hour')))",
		    cx->qext);
		ok = tsm_command(cx->conn, sql, 5, p);
	}
	return ok;
}

/* Lists the policies: the first columns of compress_status_jobs.sql. */
static bool
show(struct tsm_compress *cx)
{
	char *sql = tsm_compress_sql(cx, "compress_status_jobs.sql");
	const char *params[1] = { NULL };
	PGresult *res;
	bool ok;

	if (sql == NULL)
		return false;
	res = tsm_query(cx->conn, sql, 1, params);
	free(sql);
	if (res == NULL)
		return false;
	ok = tsm_compress_write(cx, NULL, res, 5, NULL);
	PQclear(res);
	return ok;
}

bool
tsm_compress_policy(struct tsm_compress *cx, const char *verb,
    const char *type, const char *target, const char *age,
    const struct tsm_compress_range *r)
{
	bool add = strcmp(verb, "add") == 0, change = strcmp(verb, "change") == 0;
	bool refresh, exists, ok;
	const char *what;
	PGresult *t;
	char rel[200];

	if (strcmp(verb, "show") == 0)
		return show(cx);
	refresh = strcmp(type, "refresh") == 0;
	what = refresh ? "aggregate" : "kind";
	if (!tsm_command(cx->conn, "BEGIN", 0, NULL))
		return false;
	t = read_target(cx, type, target);
	if (t == NULL)
		goto fail;
	exists = strcmp(PQgetvalue(t, 0, 4), "t") == 0;
	if (add && exists) {
		tsm_error("%s %s already has a %s policy (%s)", what, target, type,
		    PQgetisnull(t, 0, refresh ? 1 : 3) ? "set" :
		    PQgetvalue(t, 0, refresh ? 1 : 3));
		tsm_hint("use tsm-compress policy change %s %s AGE", type, target);
		goto fail;
	}
	if (!add && !exists) {
		tsm_error("%s %s has no %s policy", what, target, type);
		if (change)
			tsm_hint("use tsm-compress policy add %s %s AGE", type,
			    target);
		goto fail;
	}
	if (refresh) {
		ok = refresh_policy(cx, target, age, r->end_offset, r->schedule, t);
	} else {
		char *qt = tsm_quote_ident(PQgetvalue(t, 0, 0));

		snprintf(rel, sizeof(rel), "%s.%s", cx->qschema, qt);
		free(qt);
		ok = record_age(cx, type, target, age) &&
		    (cx->backend != TSM_BACKEND_TIMESCALEDB ||
		    tsdb_kind_job(cx, type, rel, age, t));
	}
	if (!ok || !tsm_command(cx->conn, "COMMIT", 0, NULL))
		goto fail;
	PQclear(t);
	if (age != NULL)
		tsm_info("%s policy of %s: %s %s", type, target, refresh ?
		    "refresh from" : "after", age);
	else
		tsm_info("%s policy of %s removed", type, target);
	return true;
fail:
	PQclear(t);
	if (PQstatus(cx->conn) == CONNECTION_OK)
		PQclear(PQexec(cx->conn, "ROLLBACK"));
	return false;
}
