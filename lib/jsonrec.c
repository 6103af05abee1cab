/*
 * jsonrec.c: finding the records in a document.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "jsonrec.h"
#include "log.h"

void
tsm_json_rec_path(struct tsm_buf *b, const struct tsm_json_rec *r)
{
	tsm_buf_puts(b, r->base);
	if (r->index >= 0)
		tsm_buf_printf(b, "[%ld]", r->index);
	else if (r->key != NULL)
		tsm_jpath_put_key(b, r->key);
}

const char *
tsm_json_rec_atkey(const struct tsm_json_rec *r)
{
	return r->key ? r->key : r->wildkey;
}

void
tsm_json_recs_free(struct tsm_json_recs *r)
{
	for (size_t i = 0; i < r->nbases; i++)
		free(r->bases[i]);
	free(r->bases);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* Keeps a copy of a container path; NULL when memory is short. */
static const char *
keep_base(struct tsm_json_recs *r, const char *path)
{
	char **nb = realloc(r->bases, (r->nbases + 1) * sizeof(*nb));

	if (nb == NULL)
		return NULL;
	r->bases = nb;
	nb[r->nbases] = strdup(path);
	if (nb[r->nbases] == NULL)
		return NULL;
	return nb[r->nbases++];
}

static bool
add_rec(struct tsm_json_recs *r, json_t *obj, const char *base, long index,
    const char *key, const char *wildkey)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct tsm_json_rec *nv = realloc(r->v, cap * sizeof(*nv));

		if (nv == NULL) {
			tsm_error("out of memory");
			return false;
		}
		r->v = nv;
		r->cap = cap;
	}
	r->v[r->n].obj = obj;
	r->v[r->n].base = base;
	r->v[r->n].index = index;
	r->v[r->n].key = key;
	r->v[r->n].wildkey = wildkey;
	r->n++;
	return true;
}

/* True when v is an object of one or more objects: keyed by symbol. */
static bool
is_keyed(json_t *v)
{
	const char *key;
	json_t *c;

	if (!json_is_object(v) || json_object_size(v) == 0)
		return false;
	json_object_foreach(v, key, c)
		if (!json_is_object(c))
			return false;
	return true;
}

/* Says what a value is, for "expected a record (an object), got 42". */
static void
report_not_record(const char *file, const char *path, json_t *v)
{
	struct tsm_buf b = TSM_BUF_INIT;

	tsm_json_describe(&b, v, NULL);
	tsm_error("%s: %s: expected a record (an object), got %s", file, path,
	    tsm_buf_str(&b));
	tsm_buf_free(&b);
}

struct ctx {
	const struct tsm_json_doc *d;
	struct tsm_json_recs *out;
	bool one_ok;		/* an object that is not keyed is a record */
	size_t matched;
};

/*
 * Adds the records of a container at path: a list's elements, a keyed
 * object's values, or (for --path) the object itself.
 */
static bool
add_container(json_t *v, const char *path, const char *wildkey, void *arg)
{
	struct ctx *c = arg;
	const char *base;

	c->matched++;
	if (json_is_array(v)) {
		if (json_array_size(v) == 0) {
			tsm_error("%s: %s: the list is empty: no records to "
			    "migrate", c->d->name, path);
			return false;
		}
		if ((base = keep_base(c->out, path)) == NULL)
			goto oom;
		for (size_t i = 0; i < json_array_size(v); i++) {
			json_t *e = json_array_get(v, i);

			if (!json_is_object(e)) {
				struct tsm_buf b = TSM_BUF_INIT;

				tsm_buf_printf(&b, "%s[%zu]", path, i);
				report_not_record(c->d->name, tsm_buf_str(&b),
				    e);
				tsm_buf_free(&b);
				return false;
			}
			if (!add_rec(c->out, e, base, (long)i, NULL, wildkey))
				return false;
		}
		return true;
	}
	if (json_is_object(v) && json_object_size(v) == 0) {
		tsm_error("%s: %s: the object is empty: no records to migrate",
		    c->d->name, path);
		return false;
	}
	if (is_keyed(v)) {
		const char *key;
		json_t *e;

		if ((base = keep_base(c->out, path)) == NULL)
			goto oom;
		json_object_foreach(v, key, e)
			if (!add_rec(c->out, e, base, -1, key, wildkey))
				return false;
		return true;
	}
	if (json_is_object(v) && c->one_ok) {
		if ((base = keep_base(c->out, path)) == NULL)
			goto oom;
		return add_rec(c->out, v, base, -1, NULL, wildkey);
	}
	if (json_is_object(v)) {
		const char *key;
		json_t *e;

		json_object_foreach(v, key, e)
			if (!json_is_object(e)) {
				struct tsm_buf b = TSM_BUF_INIT;

				tsm_buf_puts(&b, path);
				tsm_jpath_put_key(&b, key);
				report_not_record(c->d->name, tsm_buf_str(&b),
				    e);
				tsm_hint("records come as a list or as an "
				    "object keyed by symbol; give their place "
				    "with --path");
				tsm_buf_free(&b);
				return false;
			}
	}
	report_not_record(c->d->name, path, v);
	return false;
oom:
	tsm_error("out of memory");
	return false;
}

bool
tsm_json_find_records(const struct tsm_json_doc *d,
    const struct tsm_jpath *path, const char *const *containers,
    struct tsm_json_recs *out)
{
	struct ctx c = { d, out, false, 0 };
	json_t *root = d->root;
	const char *found = NULL;

	memset(out, 0, sizeof(*out));
	if (path != NULL) {
		c.one_ok = true;
		if (!tsm_jpath_walk(path, root, add_container, &c))
			return false;
		if (c.matched == 0) {
			tsm_error("%s: --path %s matches nothing", d->name,
			    path->text);
			return false;
		}
		return true;
	}
	if (json_is_array(root))
		return add_container(root, "$", NULL, &c);

	/* Well-known keys first: one of them must be there, and only one. */
	for (const char *const *k = containers; *k; k++) {
		json_t *v = json_object_get(root, *k);

		if (v == NULL || (!json_is_array(v) && !json_is_object(v)))
			continue;
		if (found != NULL) {
			tsm_error("%s: $: both \"%s\" and \"%s\" may hold the "
			    "records", d->name, found, *k);
			tsm_hint("choose one with --path, such as --path "
			    "'$.%s'", found);
			return false;
		}
		found = *k;
	}
	if (found != NULL) {
		struct tsm_buf b = TSM_BUF_INIT;
		bool ok;

		tsm_buf_putc(&b, '$');
		tsm_jpath_put_key(&b, found);
		ok = tsm_buf_ok(&b) && add_container(json_object_get(root,
		    found), tsm_buf_str(&b), NULL, &c);
		tsm_buf_free(&b);
		return ok;
	}
	if (is_keyed(root))
		return add_container(root, "$", NULL, &c);
	if (json_object_size(root) == 0) {
		tsm_error("%s: $: the object is empty: no records to migrate",
		    d->name);
		return false;
	}
	{
		struct tsm_buf b = TSM_BUF_INIT;

		for (const char *const *k = containers; *k; k++)
			tsm_buf_printf(&b, "%s%s", k == containers ? "" : ", ",
			    *k);
		tsm_error("%s: $: cannot tell where the records are: expected "
		    "a list, an object keyed by symbol, or one of the keys %s",
		    d->name, tsm_buf_str(&b));
		tsm_hint("give their place with --path, such as --path "
		    "'$.data.items'");
		tsm_buf_free(&b);
	}
	return false;
}
