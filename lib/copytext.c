/*
 * copytext.c: the backslash escapes of COPY's text format.
 */
#include "copytext.h"

/* The value of a hexadecimal digit, or -1. */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
tsm_copy_unescape(const char *s, size_t len, char *out, bool *any_byte)
{
	size_t o = 0;
	bool high = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int v, k;

		if (c != '\\' || i + 1 == len) {
			out[o++] = c;
			continue;
		}
		c = s[++i];
		switch (c) {
		case 'b': out[o++] = '\b'; continue;
		case 'f': out[o++] = '\f'; continue;
		case 'n': out[o++] = '\n'; continue;
		case 'r': out[o++] = '\r'; continue;
		case 't': out[o++] = '\t'; continue;
		case 'v': out[o++] = '\v'; continue;
		case 'x':
			for (v = 0, k = 0; k < 2 && i + 1 < len &&
			    hexval(s[i + 1]) >= 0; k++)
				v = v * 16 + hexval(s[++i]);
			if (k == 0) {
				out[o++] = c;
				continue;
			}
			break;
		case '0': case '1': case '2': case '3':
		case '4': case '5': case '6': case '7':
			v = c - '0';
			for (k = 1; k < 3 && i + 1 < len && s[i + 1] >= '0' &&
			    s[i + 1] <= '7'; k++)
				v = v * 8 + (s[++i] - '0');
			break;
		default:
			out[o++] = c;
			continue;
		}
		/* An octal or hex escape: any byte. */
		out[o++] = (char)v;
		if (v == 0 || v >= 0x80)
			high = true;
	}
	if (any_byte != NULL)
		*any_byte = high;
	return o;
}
