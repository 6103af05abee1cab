/*
 * num.h: strict numbers in and shortest exact numbers out.
 */
#ifndef TSM_NUM_H
#define TSM_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parses s[0..len) (not necessarily NUL-terminated) as a finite double: the
 * whole field is consumed; optional sign, digits, one '.', exponent.
 * Leading or trailing spaces are refused.  On failure returns false and
 * sets *why to a static reason: "is empty" (also for spaces alone), "is not
 * a number", "uses a comma as decimal separator" ("1,5", "1.234,5"), "uses
 * a comma as thousands separator" ("1,234.5", "1,234,567"), "is not
 * finite" (NaN, Inf, Infinity in any case, or an overflow such as 1e999),
 * "is too small for a double precision number (it would read as 0)"
 * (1e-400, which the server refuses too), "has spaces around it", "is too
 * long to be a number" (over 400 characters).  Hexadecimal floats are
 * refused ("is not a number").
 */
bool tsm_parse_double(const char *s, size_t len, double *out,
    const char **why);

/*
 * The same for a signed 64-bit integer; "1.0" and "1e3" are refused ("is
 * not an integer"), and so is a value past int64 ("is out of range for a
 * 64-bit integer") and, as for a double, one of over 400 characters.
 */
bool tsm_parse_int64(const char *s, size_t len, int64_t *out,
    const char **why);

/*
 * Parses a boolean field: true/false, t/f, yes/no, y/n, 1/0, on/off in any
 * case.  Reason on failure: "is not a boolean (true or false)".
 */
bool tsm_parse_bool(const char *s, size_t len, bool *out, const char **why);

/*
 * Writes v in its shortest form that reads back to the same double
 * ("0.1", "42", "1e-07", "1.7976931348623157e+308"), as %g writes it with
 * the fewest of 15, 16 or 17 digits that read back (fewer for subnormals):
 * so whole numbers below 1e15 are written in full and 1e15 is "1e+15".
 * -0 is "0"; NaN and the infinities are "NaN", "Infinity" and
 * "-Infinity" as PostgreSQL spells them.  buf must hold TSM_NUM_BUFSZ
 * bytes; returns the length.
 */
#define TSM_NUM_BUFSZ 32
size_t tsm_format_double(double v, char *buf);

/*
 * Rewrites a decimal in PostgreSQL's numeric output ("1.50000000",
 * "-0.000", "120") in its shortest form ("1.5", "0", "120") into buf (at
 * least len + 1 bytes); returns the new length.  NaN and infinities pass
 * through unchanged.
 */
size_t tsm_trim_numeric(const char *src, size_t len, char *buf);

#endif
