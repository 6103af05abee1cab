/*
 * init.c: applying the upgrade files and the settings of tsm-init.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "db.h"
#include "init.h"
#include "log.h"
#include "schema.h"
#include "sqlfiles.h"
#include "sqlscript.h"

static const char *const kinds[TSM_INIT_NKINDS] = {
	"candles", "ticks", "greeks", "sentiment", "flows", "metrics",
	"indicators"
};

int
tsm_init_kind_index(const char *kind)
{
	for (int k = 0; k < TSM_INIT_NKINDS; k++)
		if (strcmp(kinds[k], kind) == 0)
			return k;
	return -1;
}

const char *
tsm_init_kind_name(int k)
{
	return kinds[k];
}

const char *
tsm_init_kind_list(void)
{
	return "candles, ticks, greeks, sentiment, flows, metrics, indicators";
}

bool
tsm_init_any(const bool *set)
{
	for (int k = 0; k < TSM_INIT_NKINDS; k++)
		if (set[k])
			return true;
	return false;
}

/* What a run of tsm-init has to work with, found before it changes anything. */
struct plan {
	const struct tsm_init_opts *o;
	struct tsm_server srv;
	struct tsm_schema_state st;
	enum tsm_backend backend;
	bool create_extension;
	bool columnstore;		/* TimescaleDB 2.18+ API */
	char reader[80], writer[80];
	struct tsm_sql_var vars[8];
	int nvars;
};

static void
set_var(struct plan *p, const char *name, const char *value)
{
	p->vars[p->nvars].name = name;
	p->vars[p->nvars].value = value;
	p->nvars++;
}

/*
 * Chooses the backend: the one recorded in the schema, else the one asked
 * for, else TimescaleDB when this database has it or the server can load
 * it, else native.  Refuses a change of backend and TimescaleDB releases
 * tsm does not support.
 */
static bool
choose_backend(PGconn *conn, struct plan *p)
{
	const char *want = p->o->backend;
	const struct tsm_server *s = &p->srv;
	bool usable = s->tsdb_installed[0] ||
	    (s->tsdb_available[0] && s->tsdb_preloaded);

	if (p->st.backend != TSM_BACKEND_NONE) {
		p->backend = p->st.backend;
		if (strcmp(want, "auto") != 0 &&
		    strcmp(want, tsm_backend_name(p->backend)) != 0) {
			tsm_error("schema \"%s\" was created for the %s backend; "
			    "it cannot be switched to %s", p->o->schema,
			    tsm_backend_name(p->backend), want);
			tsm_hint("leave out --backend, or create a new schema "
			    "with --schema and move the data with tsm-migrate "
			    "table");
			return false;
		}
	} else if (strcmp(want, "native") == 0) {
		p->backend = TSM_BACKEND_NATIVE;
	} else if (strcmp(want, "timescaledb") == 0 || usable) {
		p->backend = TSM_BACKEND_TIMESCALEDB;
	} else {
		p->backend = TSM_BACKEND_NATIVE;
	}
	if (p->backend != TSM_BACKEND_TIMESCALEDB)
		return true;

	if (!s->tsdb_installed[0] && !s->tsdb_available[0]) {
		tsm_error("TimescaleDB is not installed on the server of "
		    "database \"%s\"", PQdb(conn));
		tsm_hint("install the extension on the server, or use "
		    "--backend native (plain PostgreSQL partitions)");
		return false;
	}
	const char *ver = s->tsdb_installed[0] ? s->tsdb_installed :
	    s->tsdb_available;
	if (tsm_version_cmp(ver, TSM_TSDB_MIN_VERSION) < 0) {
		tsm_error("TimescaleDB %s is older than %s, the oldest release "
		    "tsm supports", ver, TSM_TSDB_MIN_VERSION);
		tsm_hint("update it (ALTER EXTENSION timescaledb UPDATE after "
		    "installing a newer release), or use --backend native");
		return false;
	}
	if (!s->tsdb_installed[0]) {
		if (!s->tsdb_preloaded) {
			tsm_error("TimescaleDB %s is installed on the server but "
			    "not loaded", ver);
			tsm_hint("add timescaledb to shared_preload_libraries in "
			    "postgresql.conf and restart the server, or use "
			    "--backend native");
			return false;
		}
		p->create_extension = true;
	}
	p->columnstore = tsm_version_cmp(ver, "2.18.0") >= 0;
	return true;
}

/* Runs one statement text; on failure reports it with the file's line. */
static bool
exec_text(PGconn *conn, const char *fname, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);
	const char *pos, *state;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(res);
		return true;
	}
	pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (pos != NULL && fname != NULL) {
		char where[160];

		snprintf(where, sizeof(where), "in %s line %d", fname,
		    tsm_sql_line_of(sql, atoi(pos) - 1));
		tsm_report_result(conn, res, where);
	} else {
		tsm_report_result(conn, res, NULL);
	}
	if (state && strcmp(state, "42501") == 0)
		tsm_hint("tsm-init needs to create a schema%s in database "
		    "\"%s\": have its owner or a superuser run tsm-init, or "
		    "GRANT CREATE ON DATABASE to the role \"%s\"",
		    " (and, for TimescaleDB, the extension)", PQdb(conn),
		    PQuser(conn));
	PQclear(res);
	return false;
}

/* Expands an embedded file with the plan's variables; NULL on error. */
static char *
expand(struct plan *p, const char *name)
{
	const struct tsm_sql_file *f = tsm_sql_file_find(name);

	if (f == NULL) {
		tsm_error("internal: SQL file %s is not built in", name);
		return NULL;
	}
	return tsm_sql_expand(name, f->text, p->vars, p->nvars);
}

/*
 * Prints text inside a comment of the --dry-run output.  A line feed or
 * carriage return in it (a schema name may hold one) would end the
 * comment, and whatever follows would run as SQL when the output is fed
 * to psql; they are written as \n and \r.
 */
static void
print_comment_text(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\r')
			fputs("\\r", stdout);
		else
			putchar(*s);
	}
}

/* Writes (dry run) or runs a piece of SQL. */
static bool
emit(PGconn *conn, struct plan *p, const char *fname, const char *sql)
{
	if (p->o->dry_run) {
		if (fname)
			printf("-- %s\n", fname);
		printf("%s\n", sql);
		return true;
	}
	return exec_text(conn, fname, sql);
}

/* Runs sql with parameters, or prints it with them in a comment. */
static bool
emit_params(PGconn *conn, struct plan *p, const char *sql, int n,
    const char *const *params, int *changed)
{
	PGresult *res;

	if (p->o->dry_run) {
		printf("%s;", sql);
		for (int i = 0; i < n; i++) {
			printf("%s $%d = '", i ? "," : " --", i + 1);
			print_comment_text(params[i]);
			printf("'");
		}
		printf("\n");
		return true;
	}
	res = tsm_query(conn, sql, n, params);
	if (res == NULL)
		return false;
	if (changed && (PQntuples(res) > 0 || atoi(PQcmdTuples(res)) > 0))
		(*changed)++;
	PQclear(res);
	return true;
}

/* Applies one upgrade file in its own transaction. */
static bool
apply_file(PGconn *conn, struct plan *p, const struct tsm_sql_file *f,
    bool first)
{
	char *sql, *boot = NULL, *q = tsm_quote_ident(p->o->schema);
	char *ext = p->srv.tsdb_schema[0] ? tsm_quote_ident(p->srv.tsdb_schema) :
	    NULL;
	char head[512], vbuf[16];
	bool ok = false;

	snprintf(head, sizeof(head), "BEGIN;\nSET LOCAL search_path = %s%s%s, "
	    "pg_catalog;", q, ext ? ", " : "", ext ? ext : "");
	if (!emit(conn, p, NULL, head))
		goto out;
	if (first && p->create_extension &&
	    !emit(conn, p, NULL, "CREATE EXTENSION IF NOT EXISTS timescaledb "
	    "WITH SCHEMA public;"))
		goto rollback;
	if (first) {
		boot = expand(p, "bootstrap.sql");
		if (boot == NULL || !emit(conn, p, "bootstrap.sql", boot))
			goto rollback;
	}
	sql = expand(p, f->name);
	if (sql == NULL || !emit(conn, p, f->name, sql)) {
		free(sql);
		goto rollback;
	}
	free(sql);
	snprintf(vbuf, sizeof(vbuf), "%d", tsm_sql_file_version(f->name));
	{
		const char *params[3] = { vbuf, f->name, TSM_VERSION };
		char stmt[256];

		snprintf(stmt, sizeof(stmt), "INSERT INTO %s.schema_migrations "
		    "(version, name, tsm_version) VALUES ($1, $2, $3)", q);
		if (!emit_params(conn, p, stmt, 3, params, NULL))
			goto rollback;
		if (first) {
			const char *bparams[2] = {
				tsm_backend_name(p->backend), TSM_VERSION };

			snprintf(stmt, sizeof(stmt), "INSERT INTO %s.meta VALUES "
			    "('backend', $1), ('created_by', $2), "
			    "('created_at', now()::text) ON CONFLICT DO NOTHING",
			    q);
			if (!emit_params(conn, p, stmt, 2, bparams, NULL))
				goto rollback;
		}
	}
	ok = emit(conn, p, NULL, "COMMIT;");
	if (ok && !p->o->dry_run)
		tsm_info("applied %s", f->name);
	goto out;
rollback:
	if (!p->o->dry_run)
		tsm_rollback(conn);
out:
	free(boot);
	free(q);
	free(ext);
	return ok;
}

/*
 * Sets chunk intervals, retention and compression where they differ from
 * what is recorded, in one transaction; counts what changed.
 */
static bool
apply_settings(PGconn *conn, struct plan *p, int *changed)
{
	const struct tsm_init_opts *o = p->o;
	char *q = tsm_quote_ident(o->schema);
	char *x = p->srv.tsdb_schema[0] ? tsm_quote_ident(p->srv.tsdb_schema) :
	    tsm_quote_ident("public");
	bool tsdb = p->backend == TSM_BACKEND_TIMESCALEDB;
	char sql[1024], age[64], rel[200];
	bool ok = false;

	if (!emit(conn, p, NULL, "BEGIN;"))
		goto out;
	for (int k = 0; k < TSM_INIT_NKINDS; k++) {
		int before = *changed;
		const char *params[3];
		PGresult *res;

		if (!o->chunk_set[k] && !o->retention_set[k] &&
		    !o->compress_set)
			continue;
		if (o->dry_run && p->st.version == 0) {
			/* The catalog is not there yet to say more. */
			printf("-- then set the storage settings of %s in ",
			    kinds[k]);
			print_comment_text(q);
			printf(".series and, on TimescaleDB, its policies\n");
			continue;
		}
		snprintf(sql, sizeof(sql), "SELECT pg_catalog.format('%%I.%%I', "
		    "$1::text, table_name), segment_by, order_by FROM %s.series "
		    "WHERE kind = $2", q);
		params[0] = o->schema;
		params[1] = kinds[k];
		res = tsm_query(conn, sql, 2, params);
		if (res == NULL)
			goto rollback;
		if (PQntuples(res) != 1) {
			PQclear(res);
			continue;
		}
		snprintf(rel, sizeof(rel), "%s", PQgetvalue(res, 0, 0));
		char segby[128], ordby[128];
		snprintf(segby, sizeof(segby), "%s", PQgetvalue(res, 0, 1));
		snprintf(ordby, sizeof(ordby), "%s", PQgetvalue(res, 0, 2));
		PQclear(res);

		if (o->chunk_set[k]) {
			tsm_age_to_pg(&o->chunk[k], age, sizeof(age));
			params[0] = kinds[k];
			params[1] = age;
			snprintf(sql, sizeof(sql), "UPDATE %s.series SET "
			    "chunk_interval = $2::interval WHERE kind = $1 AND "
			    "chunk_interval <> $2::interval RETURNING 1", q);
			if (!emit_params(conn, p, sql, 2, params, changed))
				goto rollback;
			if (tsdb && *changed > before) {
				params[0] = rel;
				snprintf(sql, sizeof(sql), "SELECT %s."
				    "set_chunk_time_interval($1::regclass, "
				    "$2::interval)", x);
				if (!emit_params(conn, p, sql, 2, params, NULL))
					goto rollback;
			}
			if (*changed > before)
				tsm_info("chunk interval of %s set to %s",
				    kinds[k], age);
		}
		before = *changed;
		if (o->retention_set[k]) {
			tsm_age_to_pg(&o->retention[k], age, sizeof(age));
			params[0] = kinds[k];
			params[1] = age;
			snprintf(sql, sizeof(sql), "UPDATE %s.series SET "
			    "retention = $2::interval WHERE kind = $1 AND "
			    "retention IS DISTINCT FROM $2::interval RETURNING 1",
			    q);
			if (!emit_params(conn, p, sql, 2, params, changed))
				goto rollback;
			if (tsdb && *changed > before) {
				params[0] = rel;
				snprintf(sql, sizeof(sql), "SELECT %s."
				    "remove_retention_policy($1::regclass, "
				    "if_exists => true), %s.add_retention_policy("
				    "$1::regclass, drop_after => $2::interval)",
				    x, x);
				if (!emit_params(conn, p, sql, 2, params, NULL))
					goto rollback;
			}
			if (*changed > before)
				tsm_info("retention of %s set to %s", kinds[k],
				    age);
		}
		before = *changed;
		if (o->compress_set) {
			tsm_age_to_pg(&o->compress_after, age, sizeof(age));
			params[0] = kinds[k];
			params[1] = age;
			snprintf(sql, sizeof(sql), "UPDATE %s.series SET "
			    "compress_after = $2::interval WHERE kind = $1 AND "
			    "compress_after IS DISTINCT FROM $2::interval "
			    "RETURNING 1", q);
			if (!emit_params(conn, p, sql, 2, params, changed))
				goto rollback;
			if (tsdb && *changed > before) {
				char *ls = tsm_quote_literal(segby);
				char *lo = tsm_quote_literal(ordby);

				/*
				 * The storage options only take literals; the
				 * values are tsm's own, from its catalog.
				 */
				snprintf(sql, sizeof(sql), p->columnstore ?
				    "ALTER TABLE %s SET (timescaledb."
				    "enable_columnstore, timescaledb.segmentby "
				    "= %s, timescaledb.orderby = %s)" :
				    "ALTER TABLE %s SET (timescaledb.compress, "
				    "timescaledb.compress_segmentby = %s, "
				    "timescaledb.compress_orderby = %s)", rel,
				    ls, lo);
				free(ls);
				free(lo);
				if (!emit(conn, p, NULL, sql))
					goto rollback;
				params[0] = rel;
				snprintf(sql, sizeof(sql), p->columnstore ?
				    "CALL %s.remove_columnstore_policy("
				    "$1::regclass, if_exists => true)" :
				    "SELECT %s.remove_compression_policy("
				    "$1::regclass, if_exists => true)", x);
				if (!emit_params(conn, p, sql, 1, params, NULL))
					goto rollback;
				snprintf(sql, sizeof(sql), p->columnstore ?
				    "CALL %s.add_columnstore_policy($1::regclass, "
				    "after => $2::interval)" :
				    "SELECT %s.add_compression_policy("
				    "$1::regclass, compress_after => $2::interval)",
				    x);
				if (!emit_params(conn, p, sql, 2, params, NULL))
					goto rollback;
			}
			if (*changed > before)
				tsm_info("%s compressed after %s", kinds[k], age);
		}
	}
	ok = emit(conn, p, NULL, "COMMIT;");
	goto out;
rollback:
	if (!o->dry_run)
		tsm_rollback(conn);
out:
	free(q);
	free(x);
	return ok;
}

/* Creates the reader and writer roles and grants them what they need. */
static bool
apply_roles(PGconn *conn, struct plan *p)
{
	char *sql = expand(p, "roles.sql");
	bool ok;

	if (sql == NULL)
		return false;
	ok = emit(conn, p, NULL, "BEGIN;") && emit(conn, p, "roles.sql", sql) &&
	    emit(conn, p, NULL, "COMMIT;");
	if (!ok && !p->o->dry_run)
		tsm_rollback(conn);
	if (ok && !p->o->dry_run)
		tsm_info("roles \"%s\" (read) and \"%s\" (load) are ready",
		    p->reader, p->writer);
	free(sql);
	return ok;
}

bool
tsm_init_run(PGconn *conn, const struct tsm_init_opts *o)
{
	struct plan p;
	char lock[160];
	const char *lp[1] = { lock };
	int target, applied = 0, changed = 0;
	bool first, ok = true;

	memset(&p, 0, sizeof(p));
	p.o = o;
	if (PQserverVersion(conn) < 140000) {
		tsm_error("the server runs PostgreSQL %d.%d; tsm needs 14 or "
		    "later", PQserverVersion(conn) / 10000,
		    PQserverVersion(conn) / 100 % 100);
		return false;
	}
	/* Two tsm-init at once: the second waits, then finds nothing to do. */
	snprintf(lock, sizeof(lock), "tsm-init %s", o->schema);
	if (!o->dry_run && !tsm_command(conn, "SELECT pg_catalog."
	    "pg_advisory_lock(pg_catalog.hashtext($1))", 1, lp))
		return false;
	if (!tsm_server_probe(conn, &p.srv) ||
	    !tsm_schema_read(conn, o->schema, &p.st) ||
	    !choose_backend(conn, &p))
		return false;

	target = o->target_version ? o->target_version : p.st.latest;
	if (p.st.version > p.st.latest) {
		tsm_error("schema \"%s\" is at version %d, newer than this "
		    "tsm-init knows (%d)", o->schema, p.st.version,
		    p.st.latest);
		tsm_hint("use the tsm release that upgraded it; nothing was "
		    "changed");
		return false;
	}
	if (target > p.st.latest) {
		tsm_error("--target-version %d: this tsm-init knows versions "
		    "up to %d", target, p.st.latest);
		return false;
	}
	if (target < p.st.version) {
		tsm_error("--target-version %d: schema \"%s\" is already at "
		    "version %d; tsm does not downgrade", target, o->schema,
		    p.st.version);
		return false;
	}

	snprintf(p.reader, sizeof(p.reader), "%s_reader", o->schema);
	snprintf(p.writer, sizeof(p.writer), "%s_writer", o->schema);
	set_var(&p, "schema", o->schema);
	set_var(&p, "native", p.backend == TSM_BACKEND_NATIVE ? "true" :
	    "false");
	set_var(&p, "timescaledb", p.backend == TSM_BACKEND_TIMESCALEDB ?
	    "true" : "false");
	set_var(&p, "ext", p.srv.tsdb_schema[0] ? p.srv.tsdb_schema : "public");
	set_var(&p, "reader", p.reader);
	set_var(&p, "writer", p.writer);

	first = !p.st.initialised || p.st.version == 0;
	for (const struct tsm_sql_file *f = tsm_sql_files; f->name && ok;
	    f++) {
		int v = tsm_sql_file_version(f->name);

		if (v == 0 || v <= p.st.version || v > target)
			continue;
		if (tsm_interrupted)
			return false;
		ok = apply_file(conn, &p, f, first);
		first = false;
		applied++;
		if (ok && !o->dry_run && p.create_extension) {
			/* Now installed: later files find it like any other. */
			p.create_extension = false;
			if (!tsm_server_probe(conn, &p.srv))
				return false;
			p.vars[3].value = p.srv.tsdb_schema;
		}
	}
	if (!ok)
		return false;
	if (o->dry_run && p.st.version == 0 && applied == 0)
		return true;
	if (p.st.version == 0 && applied == 0) {
		tsm_error("--target-version %d leaves nothing to create", target);
		return false;
	}
	if (!apply_settings(conn, &p, &changed))
		return false;
	if (o->roles && !apply_roles(conn, &p))
		return false;
	if (!o->dry_run && applied == 0 && changed == 0 && !o->roles)
		tsm_info("schema \"%s\" is up to date (version %d, %s backend): "
		    "nothing to do", o->schema, p.st.version,
		    tsm_backend_name(p.backend));
	else if (!o->dry_run)
		tsm_info("schema \"%s\" is at version %d (%s backend)",
		    o->schema, applied ? target : p.st.version,
		    tsm_backend_name(p.backend));
	return true;
}
