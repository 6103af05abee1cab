/*
 * jsonout.c: compact JSON with shortest numbers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "num.h"

void
tsm_json_write_string(struct tsm_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0;

	tsm_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		size_t elen;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		tsm_buf_append(b, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': memcpy(esc, "\\\"", 2); elen = 2; break;
		case '\\': memcpy(esc, "\\\\", 2); elen = 2; break;
		case '\n': memcpy(esc, "\\n", 2); elen = 2; break;
		case '\r': memcpy(esc, "\\r", 2); elen = 2; break;
		case '\t': memcpy(esc, "\\t", 2); elen = 2; break;
		case '\b': memcpy(esc, "\\b", 2); elen = 2; break;
		case '\f': memcpy(esc, "\\f", 2); elen = 2; break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
		}
		tsm_buf_append(b, esc, elen);
	}
	tsm_buf_append(b, s + start, n - start);
	tsm_buf_putc(b, '"');
}

static int
cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
tsm_json_write(struct tsm_buf *b, const json_t *v,
    const struct tsm_json_numbers *nums)
{
	char num[TSM_NUM_BUFSZ];
	const char *key, *t;
	json_t *val;
	size_t n = 0;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		tsm_buf_putc(b, '{');
		json_object_foreach((json_t *)v, key, val) {
			if (n++ > 0)
				tsm_buf_putc(b, ',');
			tsm_json_write_string(b, key, strlen(key));
			tsm_buf_putc(b, ':');
			tsm_json_write(b, val, nums);
		}
		tsm_buf_putc(b, '}');
		break;
	case JSON_ARRAY:
		tsm_buf_putc(b, '[');
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i > 0)
				tsm_buf_putc(b, ',');
			tsm_json_write(b, json_array_get(v, i), nums);
		}
		tsm_buf_putc(b, ']');
		break;
	case JSON_STRING:
		tsm_json_write_string(b, json_string_value(v),
		    json_string_length(v));
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		t = tsm_json_number_text(nums, v, &n);
		if (t != NULL)
			tsm_buf_append(b, t, n);
		else if (json_is_integer(v))
			tsm_buf_printf(b, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(v));
		else
			tsm_buf_append(b, num, tsm_format_double(
			    json_real_value(v), num));
		break;
	case JSON_TRUE:
		tsm_buf_puts(b, "true");
		break;
	case JSON_FALSE:
		tsm_buf_puts(b, "false");
		break;
	case JSON_NULL:
		tsm_buf_puts(b, "null");
		break;
	}
}

/* Feeds a tag and a count (a length, a number of members) to h. */
static void
hash_head(struct tsm_sha256 *h, char tag, size_t n)
{
	unsigned char head[9];

	head[0] = (unsigned char)tag;
	for (int i = 0; i < 8; i++)
		head[1 + i] = (unsigned char)((uint64_t)n >> (8 * i));
	tsm_sha256_update(h, head, sizeof(head));
}

/* Feeds a length-prefixed string to h. */
static void
hash_bytes(struct tsm_sha256 *h, char tag, const char *s, size_t n)
{
	hash_head(h, tag, n);
	tsm_sha256_update(h, s, n);
}

void
tsm_json_hash(struct tsm_sha256 *h, const json_t *v)
{
	unsigned char bits[9];
	const char *stack[16], **keys = stack;
	const char *key;
	json_t *val;
	size_t n, i = 0;
	double d;
	json_int_t k;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		n = json_object_size(v);
		if (n > 16 && (keys = malloc(n * sizeof(*keys))) == NULL) {
			/* Out of memory: the file's order still identifies. */
			json_object_foreach((json_t *)v, key, val) {
				hash_bytes(h, 'k', key, strlen(key));
				tsm_json_hash(h, val);
			}
			return;
		}
		json_object_foreach((json_t *)v, key, val)
			keys[i++] = key;
		qsort(keys, n, sizeof(*keys), cmp_keys);
		hash_head(h, 'o', n);
		for (i = 0; i < n; i++) {
			hash_bytes(h, 'k', keys[i], strlen(keys[i]));
			tsm_json_hash(h, json_object_get(v, keys[i]));
		}
		if (keys != stack)
			free(keys);
		return;
	case JSON_ARRAY:
		hash_head(h, 'a', json_array_size(v));
		for (i = 0; i < json_array_size(v); i++)
			tsm_json_hash(h, json_array_get(v, i));
		return;
	case JSON_STRING:
		hash_bytes(h, 's', json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		k = json_integer_value(v);
		bits[0] = 'i';
		for (int b = 0; b < 8; b++)
			bits[1 + b] = (unsigned char)((uint64_t)k >> (8 * b));
		tsm_sha256_update(h, bits, 9);
		return;
	case JSON_REAL:
		d = json_real_value(v);
		if (d == 0)
			d = 0;		/* -0 is 0 */
		bits[0] = 'r';
		{
			uint64_t u;

			memcpy(&u, &d, sizeof(u));
			for (int b = 0; b < 8; b++)
				bits[1 + b] = (unsigned char)(u >> (8 * b));
		}
		tsm_sha256_update(h, bits, 9);
		return;
	case JSON_TRUE:
		tsm_sha256_update(h, "t", 1);
		return;
	case JSON_FALSE:
		tsm_sha256_update(h, "f", 1);
		return;
	case JSON_NULL:
		tsm_sha256_update(h, "n", 1);
		return;
	}
}

void
tsm_json_describe(struct tsm_buf *b, const json_t *v,
    const struct tsm_json_numbers *nums)
{
	const char *s;
	size_t n, cut;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		tsm_buf_puts(b, "an object");
		return;
	case JSON_ARRAY:
		tsm_buf_puts(b, "a list");
		return;
	case JSON_STRING:
		s = json_string_value(v);
		n = json_string_length(v);
		/* Cut after 40 characters, never inside one. */
		cut = 0;
		for (size_t chars = 0; cut < n && chars < 40; chars++) {
			cut++;
			while (cut < n && ((unsigned char)s[cut] & 0xc0) == 0x80)
				cut++;
		}
		tsm_json_write_string(b, s, cut);
		if (cut < n)
			tsm_buf_puts(b, "...");
		return;
	default:
		tsm_json_write(b, v, nums);
	}
}
