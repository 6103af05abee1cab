/*
 * utf8.c: checking UTF-8.
 */
#include <stdint.h>
#include <string.h>

#include "utf8.h"

size_t
tsm_utf8_char(const unsigned char *s, size_t n)
{
	unsigned c = s[0], cp, min;
	size_t k;

	if (c >= 0xc2 && c <= 0xdf) {
		k = 2;
		cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		k = 3;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < k)
		return 0;
	for (size_t j = 1; j < k; j++) {
		if ((s[j] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[j] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

size_t
tsm_utf8_check(const unsigned char *s, size_t len)
{
	const uint64_t hi = 0x8080808080808080ULL, lo = 0x0101010101010101ULL;
	size_t i = 0, k;
	uint64_t w;

	while (i < len) {
		/* Eight ASCII bytes, none of them NUL, at a time. */
		while (i + 8 <= len) {
			memcpy(&w, s + i, 8);
			if ((w & hi) != 0 || ((w - lo) & ~w & hi) != 0)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		if (s[i] == 0)
			return i;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = tsm_utf8_char(s + i, len - i)) == 0)
			return i;
		i += k;
	}
	return len;
}

size_t
tsm_utf8_chars(const unsigned char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			n++;
	return n;
}
