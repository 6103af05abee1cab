/*
 * jsonnum.c: number tokens matched to parsed numbers, by position.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonnum.h"

struct slot {
	const json_t *v;	/* NULL: empty */
	uint32_t off, len;
};

struct tsm_json_numbers {
	const char *text;
	struct slot *slots;
	size_t cap;		/* a power of two */
	/* The tokens, in order, while building. */
	uint32_t *toff, *tlen;
	size_t ntok, next;
	bool mismatch;
};

static size_t
ptr_hash(const json_t *v, size_t cap)
{
	uint64_t x = (uint64_t)(uintptr_t)v;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x & (cap - 1);
}

/* Finds the spans of the number tokens of text, outside strings. */
static bool
scan(struct tsm_json_numbers *n, const unsigned char *s, size_t len)
{
	size_t cap = 1024;

	n->toff = malloc(cap * sizeof(*n->toff));
	n->tlen = malloc(cap * sizeof(*n->tlen));
	if (n->toff == NULL || n->tlen == NULL)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '"') {
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			continue;
		}
		if (c != '-' && (c < '0' || c > '9'))
			continue;
		if (n->ntok == cap) {
			uint32_t *a, *b;

			cap *= 2;
			a = realloc(n->toff, cap * sizeof(*a));
			if (a == NULL)
				return false;
			n->toff = a;
			b = realloc(n->tlen, cap * sizeof(*b));
			if (b == NULL)
				return false;
			n->tlen = b;
		}
		n->toff[n->ntok] = (uint32_t)i;
		while (i + 1 < len && ((s[i + 1] >= '0' && s[i + 1] <= '9') ||
		    s[i + 1] == '.' || s[i + 1] == 'e' || s[i + 1] == 'E' ||
		    s[i + 1] == '-' || s[i + 1] == '+'))
			i++;
		n->tlen[n->ntok] = (uint32_t)(i + 1 - n->toff[n->ntok]);
		n->ntok++;
	}
	return true;
}

/* Gives each number of v, in document order, the next token. */
static void
assign(struct tsm_json_numbers *n, const json_t *v)
{
	if (n->mismatch)
		return;
	if (json_is_object(v)) {
		const char *key;
		json_t *c;

		json_object_foreach((json_t *)v, key, c)
			assign(n, c);
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++)
			assign(n, json_array_get(v, i));
	} else if (json_is_number(v)) {
		size_t h;

		if (n->next == n->ntok) {
			n->mismatch = true;
			return;
		}
		h = ptr_hash(v, n->cap);
		while (n->slots[h].v != NULL)
			h = (h + 1) & (n->cap - 1);
		n->slots[h].v = v;
		n->slots[h].off = n->toff[n->next];
		n->slots[h].len = n->tlen[n->next];
		n->next++;
	}
}

struct tsm_json_numbers *
tsm_json_numbers_build(const unsigned char *text, size_t len, json_t *root)
{
	struct tsm_json_numbers *n;

	if (len > UINT32_MAX)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->text = (const char *)text;
	if (!scan(n, text, len))
		goto fail;
	n->cap = 16;
	while (n->cap < 2 * n->ntok + 1)
		n->cap *= 2;
	n->slots = calloc(n->cap, sizeof(*n->slots));
	if (n->slots == NULL)
		goto fail;
	assign(n, root);
	if (n->mismatch || n->next != n->ntok)
		goto fail;
	free(n->toff);
	free(n->tlen);
	n->toff = n->tlen = NULL;
	return n;
fail:
	tsm_json_numbers_free(n);
	return NULL;
}

void
tsm_json_numbers_free(struct tsm_json_numbers *n)
{
	if (n == NULL)
		return;
	free(n->slots);
	free(n->toff);
	free(n->tlen);
	free(n);
}

const char *
tsm_json_number_text(const struct tsm_json_numbers *n, const json_t *v,
    size_t *len)
{
	size_t h;

	if (n == NULL)
		return NULL;
	for (h = ptr_hash(v, n->cap); n->slots[h].v != NULL;
	    h = (h + 1) & (n->cap - 1))
		if (n->slots[h].v == v) {
			*len = n->slots[h].len;
			return n->text + n->slots[h].off;
		}
	return NULL;
}
