/*
 * util.h: helpers shared by the unit tests: temporary files, gzip data,
 * and capturing what a function writes to stderr.
 */
#ifndef TSM_UNIT_UTIL_H
#define TSM_UNIT_UTIL_H

#include <stddef.h>

/*
 * Writes data to a new temporary file and returns its path (static
 * storage, one of a few in rotation); the file is removed at exit.
 */
const char *unit_tmpfile(const void *data, size_t len);

/*
 * Compresses data as one gzip member; returns malloc'd bytes (the caller
 * frees them) and their count in *outlen.
 */
unsigned char *unit_gzip(const void *data, size_t len, size_t *outlen);

/*
 * Sends stderr to a temporary file until unit_capture_end, which returns
 * what was written (static storage, valid until the next capture).
 */
void unit_capture_begin(void);
const char *unit_capture_end(void);

#endif
