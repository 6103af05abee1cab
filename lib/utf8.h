/*
 * utf8.h: checking UTF-8, shared by the CSV reader and the writers.
 */
#ifndef TSM_UTF8_H
#define TSM_UTF8_H

#include <stddef.h>

/*
 * The length (2 to 4) of the valid multi-byte UTF-8 character at
 * s[0..n), or 0 if s[0] does not start one: overlong forms, surrogates,
 * code points past U+10FFFF and cut sequences are not valid.
 */
size_t tsm_utf8_char(const unsigned char *s, size_t n);

/*
 * The offset of the first byte of s[0..len) that is not valid UTF-8 or
 * is NUL (which no text column can hold), or len if there is none.
 * ASCII is checked eight bytes at a time.
 */
size_t tsm_utf8_check(const unsigned char *s, size_t len);

/* The number of characters in valid UTF-8 s[0..len). */
size_t tsm_utf8_chars(const unsigned char *s, size_t len);

#endif
