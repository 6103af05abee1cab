/*
 * jsonnum.c: number tokens matched to parsed numbers, by position.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonnum.h"

struct tsm_json_numbers {
	const char *text;
	const struct tsm_json_arena *arena;
	/* The tokens, in order. */
	uint32_t *toff, *tlen;
	size_t ntok, next;
	bool mismatch;
};

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

/*
 * Gives each number of v, in document order, the next token: its
 * position, from 1, in the word in front of the number.
 */
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
		size_t len = json_array_size(v);

		for (size_t i = 0; i < len; i++)
			assign(n, json_array_get(v, i));
	} else if (json_is_number(v)) {
		if (n->next == n->ntok) {
			n->mismatch = true;
			return;
		}
		n->next++;
		/* One that jansson had to take from malloc stays unknown. */
		if (tsm_json_arena_holds(n->arena, v))
			*tsm_json_arena_word(v) = n->next;
	}
}

struct tsm_json_numbers *
tsm_json_numbers_build(const unsigned char *text, size_t len, json_t *root,
    const struct tsm_json_arena *a)
{
	struct tsm_json_numbers *n;

	if (len > UINT32_MAX || a == NULL || !tsm_json_arena_holds(a, root))
		return NULL;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->text = (const char *)text;
	n->arena = a;
	if (!scan(n, text, len))
		goto fail;
	assign(n, root);
	if (n->mismatch || n->next != n->ntok)
		goto fail;
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
	free(n->toff);
	free(n->tlen);
	free(n);
}

const char *
tsm_json_number_text(const struct tsm_json_numbers *n, const json_t *v,
    size_t *len)
{
	uint64_t k;

	if (n == NULL || !tsm_json_arena_holds(n->arena, v))
		return NULL;
	k = *tsm_json_arena_word(v);
	if (k == 0 || k > n->ntok)
		return NULL;
	*len = n->tlen[k - 1];
	return n->text + n->toff[k - 1];
}
