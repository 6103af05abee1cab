/*
 * util.c: helpers for the fuzz targets (see fuzz.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

void
fuzz_init(void)
{
	FILE *null;

	if (getenv("TSM_FUZZ_VERBOSE") != NULL)
		return;
	null = fopen("/dev/null", "w");
	if (null != NULL)
		stderr = null;
}

/* libFuzzer calls it once, before the first input, for every target. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	return 0;
}

int
fuzz_memfd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", 0);
	size_t off = 0;

	if (fd < 0)
		fuzz_fail(__FILE__, __LINE__, "memfd_create failed");
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0)
			fuzz_fail(__FILE__, __LINE__, "write to memfd failed");
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		fuzz_fail(__FILE__, __LINE__, "lseek failed");
	return fd;
}

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

size_t
fuzz_count(const char *hay, size_t haylen, const char *needle, size_t nlen)
{
	size_t n = 0;

	if (nlen == 0 || nlen > haylen)
		return 0;
	for (size_t i = 0; i + nlen <= haylen; i++)
		if (memcmp(hay + i, needle, nlen) == 0)
			n++;
	return n;
}

/* Reports a broken property on the real stderr (fd 2) and aborts. */
void
fuzz_fail(const char *file, int line, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%s:%d: property failed: ", file, line);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(buf))
		vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	buf[sizeof(buf) - 2] = '\0';
	strcat(buf, "\n");
	(void)!write(2, buf, strlen(buf));
	abort();
}
