/*
 * util.c: helpers shared by the unit tests.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "util.h"

#define NTMP 8

static char tmp_paths[NTMP][64];
static int tmp_next;
static int tmp_registered;

static void
remove_tmpfiles(void)
{
	for (int i = 0; i < NTMP; i++)
		if (tmp_paths[i][0] != '\0')
			unlink(tmp_paths[i]);
}

const char *
unit_tmpfile(const void *data, size_t len)
{
	char *path = tmp_paths[tmp_next];
	int fd;

	tmp_next = (tmp_next + 1) % NTMP;
	if (path[0] != '\0')
		unlink(path);
	if (!tmp_registered) {
		atexit(remove_tmpfiles);
		tmp_registered = 1;
	}
	strcpy(path, "/tmp/tsm-unit-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		exit(1);
	}
	if (len > 0 && write(fd, data, len) != (ssize_t)len) {
		perror("write");
		exit(1);
	}
	close(fd);
	return path;
}

unsigned char *
unit_gzip(const void *data, size_t len, size_t *outlen)
{
	z_stream zs;
	unsigned char *out;
	size_t cap;

	memset(&zs, 0, sizeof(zs));
	/* windowBits 15 + 16: a gzip header and trailer, as gzip(1) writes. */
	if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		exit(1);
	cap = deflateBound(&zs, (uLong)len) + 64;
	out = malloc(cap);
	if (out == NULL)
		exit(1);
	zs.next_in = (unsigned char *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		exit(1);
	*outlen = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static int saved_stderr = -1;
static FILE *capture_file;

void
unit_capture_begin(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	if (capture_file == NULL)
		exit(1);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fileno(capture_file), STDERR_FILENO);
}

const char *
unit_capture_end(void)
{
	static char text[16384];
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	rewind(capture_file);
	n = fread(text, 1, sizeof(text) - 1, capture_file);
	text[n] = '\0';
	fclose(capture_file);
	return text;
}
