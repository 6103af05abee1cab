/*
 * jsonpath.c: parsing, writing and following JSON paths.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "jsonpath.h"

/* True for a key that messages may write after a dot. */
static bool
is_ident(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	    *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

void
tsm_jpath_put_key(struct tsm_buf *b, const char *key)
{
	if (is_ident(key)) {
		tsm_buf_putc(b, '.');
		tsm_buf_puts(b, key);
		return;
	}
	tsm_buf_putc(b, '[');
	tsm_json_write_string(b, key, strlen(key));
	tsm_buf_putc(b, ']');
}

void
tsm_jpath_put_steps(struct tsm_buf *b, const struct tsm_jpath *p)
{
	for (int i = 0; i < p->n; i++) {
		const struct tsm_jstep *st = &p->steps[i];

		if (st->type == TSM_JSTEP_KEY)
			tsm_jpath_put_key(b, st->key);
		else if (st->type == TSM_JSTEP_INDEX)
			tsm_buf_printf(b, "[%zu]", st->index);
		else
			tsm_buf_puts(b, ".*");
	}
}

void
tsm_jpath_free(struct tsm_jpath *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->steps[i].key);
	free(p->steps);
	free(p->text);
	memset(p, 0, sizeof(*p));
}

/* Adds a step; false when memory is short. */
static bool
add_step(struct tsm_jpath *p, enum tsm_jstep_type t, char *key,
    size_t index)
{
	struct tsm_jstep *ns = realloc(p->steps, (size_t)(p->n + 1) *
	    sizeof(*ns));

	if (ns == NULL) {
		free(key);
		return false;
	}
	p->steps = ns;
	ns[p->n].type = t;
	ns[p->n].key = key;
	ns[p->n].index = index;
	p->n++;
	if (t == TSM_JSTEP_ANY)
		p->wild = true;
	return true;
}

/* The value of 4 hexadecimal digits at s, or -1. */
static long
hex4(const char *s)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v *= 16;
		if (c >= '0' && c <= '9')
			v += c - '0';
		else if (c >= 'a' && c <= 'f')
			v += c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v += c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* Writes code point u as UTF-8 at k; returns the bytes written. */
static size_t
put_utf8(char *k, long u)
{
	if (u < 0x80) {
		k[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		k[0] = (char)(0xc0 | (u >> 6));
		k[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		k[0] = (char)(0xe0 | (u >> 12));
		k[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		k[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	k[0] = (char)(0xf0 | (u >> 18));
	k[1] = (char)(0x80 | ((u >> 12) & 0x3f));
	k[2] = (char)(0x80 | ((u >> 6) & 0x3f));
	k[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

/*
 * Reads a quoted key ["..."] or ['...'] starting at the quote, with the
 * escapes of a JSON string (\" \\ \/ \b \f \n \r \t \uXXXX, a
 * surrogate pair for one character), so that a path as messages write it
 * reads back; a backslash escapes the quote too, and before any other
 * character stands for itself.  Returns the end (past the quote) or NULL.
 */
static const char *
quoted_key(const char *s, char **out)
{
	char q = *s++;
	size_t n = 0;
	/* An escape is never shorter than what it stands for. */
	char *k = malloc(strlen(s) + 1);

	if (k == NULL)
		return NULL;
	for (; *s && *s != q; s++) {
		long u, lo;

		if (*s != '\\') {
			k[n++] = *s;
			continue;
		}
		switch (s[1]) {
		case 'b': k[n++] = '\b'; s++; continue;
		case 'f': k[n++] = '\f'; s++; continue;
		case 'n': k[n++] = '\n'; s++; continue;
		case 'r': k[n++] = '\r'; s++; continue;
		case 't': k[n++] = '\t'; s++; continue;
		case 'u':
			if ((u = hex4(s + 2)) <= 0 ||
			    (u >= 0xdc00 && u <= 0xdfff))
				break;
			if (u >= 0xd800 && u <= 0xdbff) {
				if (s[6] != '\\' || s[7] != 'u' ||
				    (lo = hex4(s + 8)) < 0xdc00 || lo > 0xdfff)
					break;
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
				s += 6;
			}
			n += put_utf8(k + n, u);
			s += 5;
			continue;
		default:
			if (s[1] == q || s[1] == '\\' || s[1] == '/')
				s++;
			break;
		}
		k[n++] = *s;
	}
	if (*s != q) {
		free(k);
		return NULL;
	}
	k[n] = '\0';
	*out = k;
	return s + 1;
}

bool
tsm_jpath_parse(const char *s, struct tsm_jpath *p, const char **why)
{
	const char *c = s;
	bool first = true;

	memset(p, 0, sizeof(*p));
	*why = "is empty";
	if (*s == '\0')
		return false;
	p->text = strdup(s);
	if (p->text == NULL) {
		*why = "could not be stored: out of memory";
		return false;
	}
	if (strcmp(s, "@key") == 0) {
		p->at_key = true;
		return true;
	}
	if (*c == '$')
		c++, first = false;
	while (*c) {
		if (*c == '[') {
			c++;
			if (*c == '"' || *c == '\'') {
				char *k = NULL;

				c = quoted_key(c, &k);
				if (c == NULL || *c != ']') {
					free(k);
					*why = "has an unclosed quoted key";
					goto fail;
				}
				if (!add_step(p, TSM_JSTEP_KEY, k, 0))
					goto oom;
			} else if (*c == '*') {
				c++;
				if (*c != ']') {
					*why = "has an unclosed [";
					goto fail;
				}
				if (!add_step(p, TSM_JSTEP_ANY, NULL, 0))
					goto oom;
			} else if (*c >= '0' && *c <= '9') {
				size_t v = 0;

				for (; *c >= '0' && *c <= '9'; c++) {
					if (v > 100000000)
						goto too_big;
					v = v * 10 + (size_t)(*c - '0');
				}
				if (*c != ']') {
					*why = "has an unclosed [";
					goto fail;
				}
				if (!add_step(p, TSM_JSTEP_INDEX, NULL, v))
					goto oom;
			} else {
				*why = "has a [ that holds neither a number, "
				    "a quoted key nor *";
				goto fail;
			}
			c++;
		} else {
			const char *e;
			char *k;

			if (*c == '.')
				c++;
			else if (!first) {
				*why = "needs a . or [ between steps";
				goto fail;
			}
			e = c + strcspn(c, ".[");
			if (e == c) {
				*why = "has an empty key (write [\"\"] for one)";
				goto fail;
			}
			if (e - c == 1 && *c == '*') {
				if (!add_step(p, TSM_JSTEP_ANY, NULL, 0))
					goto oom;
			} else {
				k = strndup(c, (size_t)(e - c));
				if (k == NULL ||
				    !add_step(p, TSM_JSTEP_KEY, k, 0))
					goto oom;
			}
			c = e;
		}
		first = false;
	}
	p->single_key = p->n == 1 && p->steps[0].type == TSM_JSTEP_KEY;
	return true;
too_big:
	*why = "has an index out of range";
	goto fail;
oom:
	*why = "could not be stored: out of memory";
fail:
	tsm_jpath_free(p);
	return false;
}

json_t *
tsm_jpath_get(const struct tsm_jpath *p, json_t *v)
{
	for (int i = 0; i < p->n && v != NULL; i++) {
		const struct tsm_jstep *st = &p->steps[i];

		if (st->type == TSM_JSTEP_KEY)
			v = json_is_object(v) ? json_object_get(v, st->key) :
			    NULL;
		else if (st->type == TSM_JSTEP_INDEX)
			v = json_is_array(v) ? json_array_get(v, st->index) :
			    NULL;
		else
			v = NULL;
	}
	return v;
}

/* Follows steps i.. from v whose path is in b; calls fn at the end. */
static bool
walk(const struct tsm_jpath *p, int i, json_t *v, struct tsm_buf *b,
    const char *wildkey, tsm_jpath_fn fn, void *arg)
{
	const struct tsm_jstep *st;
	size_t mark = b->len;
	bool ok = true;

	if (i == p->n)
		return fn(v, tsm_buf_str(b), wildkey, arg);
	st = &p->steps[i];
	if (st->type == TSM_JSTEP_KEY) {
		json_t *c = json_is_object(v) ? json_object_get(v, st->key) :
		    NULL;

		if (c == NULL)
			return true;
		tsm_jpath_put_key(b, st->key);
		ok = walk(p, i + 1, c, b, wildkey, fn, arg);
	} else if (st->type == TSM_JSTEP_INDEX) {
		json_t *c = json_is_array(v) ? json_array_get(v, st->index) :
		    NULL;

		if (c == NULL)
			return true;
		tsm_buf_printf(b, "[%zu]", st->index);
		ok = walk(p, i + 1, c, b, wildkey, fn, arg);
	} else if (json_is_object(v)) {
		const char *key;
		json_t *c;

		json_object_foreach(v, key, c) {
			tsm_jpath_put_key(b, key);
			ok = walk(p, i + 1, c, b, key, fn, arg);
			b->len = mark;
			if (!ok)
				break;
		}
	} else if (json_is_array(v)) {
		for (size_t k = 0; k < json_array_size(v) && ok; k++) {
			tsm_buf_printf(b, "[%zu]", k);
			ok = walk(p, i + 1, json_array_get(v, k), b, wildkey,
			    fn, arg);
			b->len = mark;
		}
	}
	b->len = mark;
	if (b->data)
		b->data[mark] = '\0';
	return ok;
}

bool
tsm_jpath_walk(const struct tsm_jpath *p, json_t *root, tsm_jpath_fn fn,
    void *arg)
{
	struct tsm_buf b = TSM_BUF_INIT;
	bool ok;

	tsm_buf_putc(&b, '$');
	ok = walk(p, 0, root, &b, NULL, fn, arg);
	tsm_buf_free(&b);
	return ok;
}
