/*
 * copytext.h: PostgreSQL's COPY text format, the backslash escapes of
 * TSV input (tsvin.c) and of COPY TO STDOUT output (query_copy.c).
 */
#ifndef TSM_COPYTEXT_H
#define TSM_COPYTEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Undoes the backslash escapes of COPY's text format in s[0..len) into
 * out (at least len bytes), as COPY FROM does: \b \f \n \r \t \v, octal
 * \ooo and hex \xhh; any other escaped character stands for itself, a
 * backslash at the end for itself.  Returns the new length; *any_byte
 * (when not NULL) is set when an octal or hex escape made a NUL or a
 * byte of 0x80 or over, which the caller may have to check as UTF-8.
 */
size_t tsm_copy_unescape(const char *s, size_t len, char *out,
    bool *any_byte);

#endif
