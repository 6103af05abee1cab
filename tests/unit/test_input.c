/*
 * test_input.c: plain and gzip input from files and pipes.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zlib.h>

#include "input.h"
#include "unit.h"
#include "util.h"

/* Reads everything with reads of at most chunk bytes; NULL on error. */
static char *
read_all(struct tsm_input *in, size_t chunk, size_t *len)
{
	size_t cap = 1024, n = 0;
	char *buf = malloc(cap);
	ssize_t r;

	for (;;) {
		if (cap - n < chunk) {
			cap = 2 * cap + chunk;
			buf = realloc(buf, cap);
		}
		r = tsm_input_read(in, buf + n, chunk);
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Text that compresses and spans several 64 KiB buffers. */
static char *
sample_text(size_t *len)
{
	size_t cap = 300000, n = 0;
	char *s = malloc(cap);

	for (int i = 0; n + 100 < cap; i++)
		n += (size_t)snprintf(s + n, cap - n,
		    "%d,33.%04d,%d,row %d\n", 1706745600 + i * 60,
		    (i * 7919) % 10000, i * 31 % 977, i);
	*len = n;
	return s;
}

TEST(input_plain_file)
{
	const char *path = unit_tmpfile("a,b\n1,2\n", 8);
	struct tsm_input *in = tsm_input_open(path);
	size_t len = 0;
	char *s;

	CHECK(in != NULL);
	s = read_all(in, 3, &len);
	CHECK_STR_EQ(s, "a,b\n1,2\n");
	CHECK(!tsm_input_is_gzip(in));
	CHECK_INT_EQ(tsm_input_bytes(in), 8);
	CHECK_STR_EQ(tsm_input_name(in), path);
	CHECK_INT_EQ(tsm_input_read(in, s, 10), 0);
	free(s);
	tsm_input_close(in);
}

TEST(input_empty_and_one_byte)
{
	struct tsm_input *in = tsm_input_open(unit_tmpfile("", 0));
	char buf[8];

	CHECK_INT_EQ(tsm_input_read(in, buf, sizeof(buf)), 0);
	CHECK(!tsm_input_is_gzip(in));
	tsm_input_close(in);

	/* A lone 0x1f is not gzip: it is handed out as it is. */
	in = tsm_input_open(unit_tmpfile("\x1f", 1));
	CHECK_INT_EQ(tsm_input_read(in, buf, sizeof(buf)), 1);
	CHECK_INT_EQ((unsigned char)buf[0], 0x1f);
	CHECK_INT_EQ(tsm_input_read(in, buf, sizeof(buf)), 0);
	tsm_input_close(in);
}

TEST(input_open_missing)
{
	struct tsm_input *in;
	const char *err;

	unit_capture_begin();
	in = tsm_input_open("/nonexistent/x.csv");
	err = unit_capture_end();
	CHECK(in == NULL);
	CHECK(strstr(err, "error: cannot open \"/nonexistent/x.csv\": No such "
	    "file or directory") != NULL);
}

TEST(input_read_error)
{
	struct tsm_input *in = tsm_input_open("/tmp");
	char buf[16];
	const char *err;

	CHECK(in != NULL);
	unit_capture_begin();
	CHECK_INT_EQ(tsm_input_read(in, buf, sizeof(buf)), -1);
	err = unit_capture_end();
	CHECK(strstr(err, "cannot read \"/tmp\": Is a directory") != NULL);
	tsm_input_close(in);
}

TEST(input_gzip)
{
	size_t len, zlen, got;
	char *text = sample_text(&len), *back;
	unsigned char *z = unit_gzip(text, len, &zlen);
	struct tsm_input *in = tsm_input_open(unit_tmpfile(z, zlen));

	back = read_all(in, 65536, &got);
	CHECK(back != NULL);
	CHECK(tsm_input_is_gzip(in));
	CHECK_INT_EQ(got, len);
	CHECK(back && memcmp(back, text, len) == 0);
	CHECK_INT_EQ(tsm_input_bytes(in), zlen);
	tsm_input_close(in);
	free(back);

	/* Tiny reads: inflate keeps what does not fit for the next call. */
	in = tsm_input_open(unit_tmpfile(z, zlen));
	back = read_all(in, 7, &got);
	CHECK_INT_EQ(got, len);
	CHECK(back && memcmp(back, text, len) == 0);
	tsm_input_close(in);
	free(back);
	free(z);
	free(text);
}

TEST(input_gzip_concatenated_members)
{
	size_t alen, blen, got;
	unsigned char *a = unit_gzip("time,close\n1,2\n", 15, &alen);
	unsigned char *b = unit_gzip("3,4\n", 4, &blen);
	unsigned char *ab = malloc(alen + blen);
	struct tsm_input *in;
	char *back;

	memcpy(ab, a, alen);
	memcpy(ab + alen, b, blen);
	in = tsm_input_open(unit_tmpfile(ab, alen + blen));
	back = read_all(in, 4096, &got);
	CHECK_STR_EQ(back, "time,close\n1,2\n3,4\n");
	tsm_input_close(in);
	free(back);
	free(a);
	free(b);
	free(ab);
}

TEST(input_gzip_truncated)
{
	size_t len, zlen, got = 0;
	char *text = sample_text(&len), *back;
	unsigned char *z = unit_gzip(text, len, &zlen);
	struct tsm_input *in;
	const char *err;

	/* Cut inside the deflate data, then only the trailer. */
	for (int cut = 0; cut < 2; cut++) {
		size_t keep = cut == 0 ? zlen / 2 : zlen - 4;

		in = tsm_input_open(unit_tmpfile(z, keep));
		unit_capture_begin();
		back = read_all(in, 65536, &got);
		err = unit_capture_end();
		CHECK(back == NULL);
		CHECK(strstr(err, "is a truncated or damaged gzip file") != NULL);
		/* The error stays. */
		CHECK_INT_EQ(tsm_input_read(in, z, 10), -1);
		tsm_input_close(in);
	}
	free(z);
	free(text);
}

TEST(input_gzip_damaged_and_trailing_garbage)
{
	size_t zlen, got;
	unsigned char *z = unit_gzip("a,b\n1,2\n", 8, &zlen);
	unsigned char *g = malloc(zlen + 5);
	struct tsm_input *in;
	const char *err;
	char *back;

	memcpy(g, z, zlen);
	memcpy(g + zlen, "junk\n", 5);
	in = tsm_input_open(unit_tmpfile(g, zlen + 5));
	unit_capture_begin();
	back = read_all(in, 4096, &got);
	err = unit_capture_end();
	CHECK(back == NULL);
	CHECK(strstr(err, "truncated or damaged gzip") != NULL);
	tsm_input_close(in);

	/* A flipped byte in the deflate data. */
	memcpy(g, z, zlen);
	g[12] ^= 0xff;
	in = tsm_input_open(unit_tmpfile(g, zlen));
	unit_capture_begin();
	back = read_all(in, 4096, &got);
	err = unit_capture_end();
	CHECK(back == NULL);
	CHECK(strstr(err, "damaged gzip") != NULL);
	tsm_input_close(in);
	free(g);
	free(z);
}

/*
 * A pipe returns what one write put in it: the reader must not wait for
 * a full buffer, neither plain nor gzip (a --follow stream).
 */
TEST(input_pipe_returns_what_is_there)
{
	int fds[2];
	struct tsm_input *in;
	char buf[65536];

	CHECK(pipe(fds) == 0);
	in = tsm_input_fdopen(fds[0], "pipe");
	CHECK(write(fds[1], "a,b\n", 4) == 4);
	CHECK_INT_EQ(tsm_input_read(in, buf, sizeof(buf)), 4);
	CHECK(write(fds[1], "1,2\n", 4) == 4);
	CHECK_INT_EQ(tsm_input_read(in, buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "1,2\n", 4) == 0);
	close(fds[1]);
	CHECK_INT_EQ(tsm_input_read(in, buf, sizeof(buf)), 0);
	CHECK_INT_EQ(tsm_input_bytes(in), 8);
	tsm_input_close(in);
}

TEST(input_pipe_gzip_sync_flush)
{
	int fds[2];
	struct tsm_input *in;
	unsigned char zbuf[4096];
	char buf[65536];
	z_stream zs;
	size_t n1, n2;

	memset(&zs, 0, sizeof(zs));
	CHECK(deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) ==
	    Z_OK);
	zs.next_in = (unsigned char *)"first line\n";
	zs.avail_in = 11;
	zs.next_out = zbuf;
	zs.avail_out = sizeof(zbuf);
	CHECK(deflate(&zs, Z_SYNC_FLUSH) == Z_OK);
	n1 = sizeof(zbuf) - zs.avail_out;
	zs.next_in = (unsigned char *)"second line\n";
	zs.avail_in = 12;
	CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
	n2 = sizeof(zbuf) - zs.avail_out - n1;
	deflateEnd(&zs);

	CHECK(pipe(fds) == 0);
	in = tsm_input_fdopen(fds[0], "pipe");
	CHECK(write(fds[1], zbuf, n1) == (ssize_t)n1);
	/* Only the first part is there: its text comes out now. */
	CHECK_INT_EQ(tsm_input_read(in, buf, sizeof(buf)), 11);
	CHECK(memcmp(buf, "first line\n", 11) == 0);
	CHECK(tsm_input_is_gzip(in));
	CHECK(write(fds[1], zbuf + n1, n2) == (ssize_t)n2);
	close(fds[1]);
	CHECK_INT_EQ(tsm_input_read(in, buf, sizeof(buf)), 12);
	CHECK(memcmp(buf, "second line\n", 12) == 0);
	CHECK_INT_EQ(tsm_input_read(in, buf, sizeof(buf)), 0);
	tsm_input_close(in);
}

/* The gzip magic split over two writes is still recognised. */
TEST(input_pipe_gzip_magic_split)
{
	size_t zlen;
	unsigned char *z = unit_gzip("x\n", 2, &zlen);
	int fds[2];
	pid_t pid;
	struct tsm_input *in;
	char *back;
	size_t got;

	CHECK(pipe(fds) == 0);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (size_t i = 0; i < zlen; i++) {
			if (write(fds[1], z + i, 1) != 1)
				_exit(1);
			usleep(200);
		}
		_exit(0);
	}
	close(fds[1]);
	in = tsm_input_fdopen(fds[0], "pipe");
	back = read_all(in, 4096, &got);
	CHECK_STR_EQ(back, "x\n");
	CHECK(tsm_input_is_gzip(in));
	tsm_input_close(in);
	waitpid(pid, NULL, 0);
	free(back);
	free(z);
}
