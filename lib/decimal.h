/*
 * decimal.h: exact sums and products of decimal numbers written as text,
 * for money computed from other money (a fee from a fee rate) without
 * the rounding of binary floating point: what PostgreSQL's numeric would
 * compute.
 */
#ifndef TSM_DECIMAL_H
#define TSM_DECIMAL_H

#include <stdbool.h>

#include "strbuf.h"

/*
 * Appends a + b, or a * b, in plain notation with no exponent and no
 * trailing zeros after the point ("0.00025", "-12", "0").  a and b are
 * numbers as JSON or tsm_parse_double accept them ("1.5e-07", "-3").
 * False if either is not such a number or the result would need more
 * than 1000 digits.
 */
bool tsm_dec_add(const char *a, const char *b, struct tsm_buf *out);
bool tsm_dec_mul(const char *a, const char *b, struct tsm_buf *out);

#endif
