/*
 * fuzz.h: what the libFuzzer targets in tests/fuzz share.
 *
 * Each fuzz_<target>.c defines LLVMFuzzerTestOneInput; util.c defines
 * LLVMFuzzerInitialize for all of them.  A target checks properties,
 * not only that nothing crashes: FUZZ_CHECK aborts with a message, which
 * libFuzzer reports as a crash and saves the input.
 */
#ifndef TSM_FUZZ_H
#define TSM_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * Sends the library's messages (stderr FILE) to /dev/null, unless
 * TSM_FUZZ_VERBOSE is set: the sanitizers and libFuzzer write their
 * reports to file descriptor 2 themselves and are not affected.
 */
void fuzz_init(void);

/* A descriptor reading data[0..size) from its start (a memfd). */
int fuzz_memfd(const uint8_t *data, size_t size);

/* data[0..size) as a NUL-terminated string (ends at a NUL inside). */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* The number of times needle occurs in hay (overlaps counted). */
size_t fuzz_count(const char *hay, size_t haylen, const char *needle,
    size_t nlen);

void fuzz_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#define FUZZ_CHECK(cond, ...) do { if (!(cond)) \
	fuzz_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)

#endif
