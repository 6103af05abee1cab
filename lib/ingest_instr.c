/*
 * ingest_instr.c: the instrument cache, a small open-addressing table.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "ingest_instr.h"
#include "log.h"
#include "sqlfiles.h"
#include "sqlscript.h"

struct entry {
	char *key;		/* exchange \0 symbol \0 kind */
	size_t klen;
	uint64_t hash;
	int32_t id;
};

struct tsm_instr_cache {
	struct entry *e;
	size_t n, cap;
	char *find_sql, *create_sql;
	int last;		/* index of the last hit, -1 */
	uint64_t created;
};

char *
tsm_ingest_named_sql(const char *file, const char *schema)
{
	const struct tsm_sql_file *f = tsm_sql_file_find(file);
	struct tsm_sql_var vars[] = { { "schema", schema } };

	if (f == NULL) {
		tsm_error("the SQL file %s is missing from this build", file);
		return NULL;
	}
	return tsm_sql_expand(file, f->text, vars, 1);
}

struct tsm_instr_cache *
tsm_instr_cache_new(const char *schema)
{
	struct tsm_instr_cache *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->e = calloc(64, sizeof(*c->e))) == NULL) {
		free(c);
		tsm_error("out of memory");
		return NULL;
	}
	c->cap = 64;
	c->last = -1;
	c->find_sql = tsm_ingest_named_sql("ingest_instrument_find.sql",
	    schema);
	c->create_sql = tsm_ingest_named_sql("ingest_instrument_create.sql",
	    schema);
	if (c->find_sql == NULL || c->create_sql == NULL) {
		tsm_instr_cache_free(c);
		return NULL;
	}
	return c;
}

void
tsm_instr_cache_free(struct tsm_instr_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->cap; i++)
		free(c->e[i].key);
	free(c->e);
	free(c->find_sql);
	free(c->create_sql);
	free(c);
}

uint64_t
tsm_instr_created(const struct tsm_instr_cache *c)
{
	return c->created;
}

/* The key of ref into buf (at least the three lengths + 3). */
static size_t
make_key(const struct tsm_instr_ref *r, char *buf)
{
	size_t n = 0;

	memcpy(buf + n, r->exchange, r->exchange_len);
	n += r->exchange_len;
	buf[n++] = '\0';
	memcpy(buf + n, r->symbol, r->symbol_len);
	n += r->symbol_len;
	buf[n++] = '\0';
	memcpy(buf + n, r->kind, r->kind_len);
	n += r->kind_len;
	buf[n++] = '\0';
	return n;
}

static uint64_t
hash_key(const char *k, size_t n)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)k[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static bool
grow(struct tsm_instr_cache *c)
{
	size_t cap = c->cap * 2;
	struct entry *e = calloc(cap, sizeof(*e));

	if (e == NULL)
		return false;
	for (size_t i = 0; i < c->cap; i++) {
		size_t j;

		if (c->e[i].key == NULL)
			continue;
		for (j = c->e[i].hash & (cap - 1); e[j].key != NULL;
		    j = (j + 1) & (cap - 1))
			;
		e[j] = c->e[i];
	}
	free(c->e);
	c->e = e;
	c->cap = cap;
	c->last = -1;
	return true;
}

/* Asks the table; 1 found, 0 not there, -1 error. */
static int
ask(PGconn *conn, const char *sql, const char *const *params, int32_t *id)
{
	PGresult *res = tsm_query(conn, sql, 3, params);
	int found;

	if (res == NULL)
		return -1;
	found = PQntuples(res) > 0;
	if (found)
		*id = (int32_t)atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	return found;
}

int
tsm_instr_resolve(PGconn *conn, struct tsm_instr_cache *c,
    const struct tsm_instr_ref *ref, bool create, int32_t *id, bool *created)
{
	size_t cap = ref->exchange_len + ref->symbol_len + ref->kind_len + 3;
	char stack[256], *key = cap <= sizeof(stack) ? stack : malloc(cap);
	const char *params[3];
	size_t n, i;
	uint64_t h;
	int rc;

	*created = false;
	if (key == NULL) {
		tsm_error("out of memory");
		return -1;
	}
	n = make_key(ref, key);
	if (c->last >= 0 && c->e[c->last].klen == n &&
	    memcmp(c->e[c->last].key, key, n) == 0) {
		*id = c->e[c->last].id;
		rc = 1;
		goto out;
	}
	h = hash_key(key, n);
	for (i = h & (c->cap - 1); c->e[i].key != NULL; i = (i + 1) &
	    (c->cap - 1))
		if (c->e[i].hash == h && c->e[i].klen == n &&
		    memcmp(c->e[i].key, key, n) == 0) {
			*id = c->e[i].id;
			c->last = (int)i;
			rc = 1;
			goto out;
		}
	params[0] = key;
	params[1] = key + ref->exchange_len + 1;
	params[2] = key + ref->exchange_len + ref->symbol_len + 2;
	rc = ask(conn, c->find_sql, params, id);
	if (rc == 0 && create) {
		rc = ask(conn, c->create_sql, params, id);
		if (rc == 1)
			*created = true;
		else if (rc == 0)	/* made by another session meanwhile */
			rc = ask(conn, c->find_sql, params, id);
		if (rc == 0) {
			tsm_error("instrument %s %s (%s) could not be made",
			    params[0], params[1], params[2]);
			rc = -1;
		}
	}
	if (rc != 1)
		goto out;
	if (*created)
		c->created++;
	if (2 * (c->n + 1) > c->cap) {
		if (!grow(c)) {
			tsm_error("out of memory");
			rc = -1;
			goto out;
		}
		for (i = h & (c->cap - 1); c->e[i].key != NULL;
		    i = (i + 1) & (c->cap - 1))
			;
	}
	c->e[i].key = malloc(n);
	if (c->e[i].key == NULL) {
		tsm_error("out of memory");
		rc = -1;
		goto out;
	}
	memcpy(c->e[i].key, key, n);
	c->e[i].klen = n;
	c->e[i].hash = h;
	c->e[i].id = *id;
	c->n++;
	c->last = (int)i;
out:
	if (key != stack)
		free(key);
	return rc;
}
