/*
 * outjson.c: JSON lines, one object per row, for out.c.
 *
 * Numbers and booleans are bare (a number JSON cannot hold, NaN or
 * Infinity, is a string), NULL is null, control characters are escaped
 * and invalid UTF-8 is written as U+FFFD, so that every line is valid
 * JSON whatever the data.
 */
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "out_int.h"
#include "utf8.h"

/*
 * A JSON string.  Control characters are escaped (\n, \t and the like by
 * name, the others as \u00XX); valid UTF-8 passes through, and a byte
 * that is not is written as U+FFFD, so that the line stays valid JSON.
 */
static bool
put_json_string(struct tsm_writer *w, const char *str, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	const unsigned char *p = s, *run = s, *end = s + len;
	char e[6];
	size_t elen, k;

	if (!putch(w, '"'))
		return false;
	while (p < end) {
		unsigned c = *p;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0x80 && (k = tsm_utf8_char(p, (size_t)(end - p))) > 0) {
			p += k;
			continue;
		}
		if (!put(w, (const char *)run, (size_t)(p - run)))
			return false;
		e[0] = '\\';
		elen = 2;
		switch (c) {
		case '"': e[1] = '"'; break;
		case '\\': e[1] = '\\'; break;
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		default:
			if (c >= 0x80) {
				memcpy(e, "\\ufffd", 6);
			} else {
				memcpy(e, "\\u00", 4);
				e[4] = hex[c >> 4];
				e[5] = hex[c & 15];
			}
			elen = 6;
		}
		if (!put(w, e, elen))
			return false;
		run = ++p;
	}
	return put(w, (const char *)run, (size_t)(end - run)) && putch(w, '"');
}

/* True if s[0..len) is a number as JSON writes one (not NaN, Infinity). */
static bool
json_number(const char *s, size_t len)
{
	size_t i = 0, d;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0') {
		i++;
	} else {
		for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	if (i < len && s[i] == '.') {
		for (d = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	return i == len;
}

static bool
put_json_value(struct tsm_writer *w, enum tsm_coltype t, const char *s,
    size_t len)
{
	switch (t) {
	case TSM_COL_NUMBER:
	case TSM_COL_NUMERIC:
		if (json_number(s, len))
			return put(w, s, len);
		break;
	case TSM_COL_BOOL:
		if ((len == 1 && s[0] == 't') || (len == 4 &&
		    memcmp(s, "true", 4) == 0))
			return put(w, "true", 4);
		if ((len == 1 && s[0] == 'f') || (len == 5 &&
		    memcmp(s, "false", 5) == 0))
			return put(w, "false", 5);
		break;
	case TSM_COL_JSON:
		return put(w, s, len);
	default:
		break;
	}
	return put_json_string(w, s, len);
}

bool
tsm_out_json_row(struct tsm_writer *w, const char *const *vals,
    const size_t *lens)
{
	for (int i = 0; i < w->ncols; i++) {
		const char *s = vals[i];
		size_t len;

		if (!putch(w, i == 0 ? '{' : ',') ||
		    !put_json_string(w, w->names[i], w->namelen[i]) ||
		    !putch(w, ':'))
			return false;
		if (s == NULL) {
			if (!put(w, "null", 4))
				return false;
			continue;
		}
		len = lens ? lens[i] : strlen(s);
		if (!tsm_out_convert(w, w->types[i], &s, &len) ||
		    !put_json_value(w, w->types[i], s, len))
			return false;
	}
	if (w->ncols == 0 && !putch(w, '{'))
		return false;
	return put(w, "}\n", 2);
}
