/*
 * input.c: reading bytes from a file descriptor, gzip detected.
 *
 * Plain input is read straight into the caller's buffer.  Gzip input goes
 * through one raw buffer and zlib's streaming inflate, one member after
 * another, so that "cat a.gz b.gz |" works as gzip -d would.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "cancel.h"
#include "input.h"
#include "log.h"

/*
 * The raw buffer.  A build for fuzzing makes it small
 * (-DTSM_INPUT_BUFSZ=37), so that short inputs reach the code that reads
 * a gzip member across several reads.
 */
#ifndef TSM_INPUT_BUFSZ
#define TSM_INPUT_BUFSZ	(64 * 1024)
#endif
#define RAW_BUFSZ	TSM_INPUT_BUFSZ

struct tsm_input {
	int		fd;
	char	   *name;
	bool		probed;		/* the first bytes were looked at */
	bool		gzip;
	bool		eof;		/* read(2) returned 0 */
	bool		failed;		/* an error was reported */
	bool		zinit;		/* zs was initialised */
	bool		in_member;	/* inside a gzip member */
	z_stream	zs;
	unsigned char *raw;		/* RAW_BUFSZ bytes */
	size_t		rpos;		/* plain: bytes of raw not handed out */
	size_t		rlen;
	uint64_t	nread;		/* raw bytes read */
	int64_t		deadline;	/* -1, or when a read gives up (µs) */
	int		wake_fd;	/* also ends a wait when readable */
	bool		timed_out;	/* the last read gave up */
};

static int64_t
mono_usecs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * With a deadline: waits until the input is readable, the deadline
 * passes or wake_fd is readable.  Returns 1 when the input can be read,
 * 0 when the wait ended without it, -1 on a signal that stops us.
 */
static int
wait_readable(struct tsm_input *in)
{
	struct pollfd pfd[2];
	int n = 1, r, timeout;

	for (;;) {
		int64_t left = in->deadline - mono_usecs();

		timeout = left <= 0 ? 0 : left > INT_MAX / 1000 ? INT_MAX :
		    (int)((left + 999) / 1000);
		pfd[0].fd = in->fd;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		n = 1;
		if (in->wake_fd >= 0) {
			pfd[1].fd = in->wake_fd;
			pfd[1].events = POLLIN;
			pfd[1].revents = 0;
			n = 2;
		}
		r = poll(pfd, (nfds_t)n, timeout);
		if (r < 0 && errno == EINTR) {
			if (tsm_interrupted)
				return -1;
			continue;
		}
		if (r < 0)
			return 1;	/* let read(2) say what is wrong */
		if (pfd[0].revents != 0)
			return 1;
		return 0;
	}
}

/*
 * One read(2), retried after a signal unless the signal asks us to stop:
 * then -1 with errno EINTR and no message, so that the caller can roll
 * back and exit 130.
 */
static ssize_t
read_raw(struct tsm_input *in, void *buf, size_t n)
{
	ssize_t r;

	in->timed_out = false;
	if (in->deadline >= 0) {
		int w = wait_readable(in);

		if (w < 0) {
			errno = EINTR;
			return -1;
		}
		if (w == 0) {
			in->timed_out = true;
			errno = EAGAIN;
			return -1;
		}
	}
	for (;;) {
		r = read(in->fd, buf, n);
		if (r >= 0)
			break;
		if (errno == EINTR) {
			if (tsm_interrupted)
				return -1;
			continue;
		}
		tsm_error("cannot read \"%s\": %s", in->name, strerror(errno));
		in->failed = true;
		return -1;
	}
	if (r == 0)
		in->eof = true;
	in->nread += (uint64_t)r;
	return r;
}

struct tsm_input *
tsm_input_fdopen(int fd, const char *name)
{
	struct tsm_input *in;

	in = calloc(1, sizeof(*in));
	if (in == NULL || (in->name = strdup(name)) == NULL ||
	    (in->raw = malloc(RAW_BUFSZ)) == NULL) {
		tsm_error("out of memory");
		if (in != NULL) {
			free(in->name);
			free(in);
		}
		return NULL;
	}
	in->fd = fd;
	in->deadline = -1;
	in->wake_fd = -1;
	return in;
}

struct tsm_input *
tsm_input_open(const char *path)
{
	struct tsm_input *in;
	int fd;

	if (strcmp(path, "-") == 0)
		return tsm_input_fdopen(STDIN_FILENO, "stdin");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		tsm_error("cannot open \"%s\": %s", path, strerror(errno));
		return NULL;
	}
	in = tsm_input_fdopen(fd, path);
	if (in == NULL)
		close(fd);
	return in;
}

/*
 * Looks at the first bytes.  A lone 0x1f cannot start text, so waiting
 * for a second byte never holds back a line of CSV.
 */
static bool
probe(struct tsm_input *in)
{
	ssize_t r;

	while (in->rlen < 2 && !in->eof) {
		r = read_raw(in, in->raw + in->rlen, RAW_BUFSZ - in->rlen);
		if (r < 0)
			return false;
		in->rlen += (size_t)r;
		if (in->rlen >= 1 && in->raw[0] != 0x1f)
			break;
	}
	in->probed = true;
	if (in->rlen >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b) {
		in->gzip = true;
		memset(&in->zs, 0, sizeof(in->zs));
		/* 15 + 16: a gzip wrapper only; the magic is already known. */
		if (inflateInit2(&in->zs, 15 + 16) != Z_OK) {
			tsm_error("cannot start to inflate \"%s\": out of memory",
			    in->name);
			in->failed = true;
			return false;
		}
		in->zinit = true;
		in->zs.next_in = in->raw;
		in->zs.avail_in = (uInt)in->rlen;
		in->rlen = 0;
	}
	return true;
}

static ssize_t
damaged(struct tsm_input *in)
{
	tsm_error("\"%s\" is a truncated or damaged gzip file", in->name);
	if (in->zs.msg != NULL)
		tsm_detail("zlib says: %s", in->zs.msg);
	in->failed = true;
	return -1;
}

/*
 * Inflates into buf.  Output is returned as soon as there is some, so a
 * slow writer upstream is served at its own pace; more input is read only
 * when inflate has nothing to give from what it holds.
 */
static ssize_t
read_gzip(struct tsm_input *in, unsigned char *buf, size_t n)
{
	ssize_t r;
	size_t got;
	int ret;

	if (n > UINT_MAX)
		n = UINT_MAX;
	for (;;) {
		if (in->zs.avail_in > 0 || in->in_member) {
			in->in_member = true;
			in->zs.next_out = buf;
			in->zs.avail_out = (uInt)n;
			ret = inflate(&in->zs, Z_NO_FLUSH);
			got = n - in->zs.avail_out;
			if (ret == Z_STREAM_END) {
				/* Another member may follow: gzip -d reads them all. */
				in->in_member = false;
				if (inflateReset(&in->zs) != Z_OK)
					return damaged(in);
			} else if (ret == Z_BUF_ERROR) {
				if (in->zs.avail_in > 0)
					return damaged(in);
			} else if (ret != Z_OK) {
				return damaged(in);
			}
			if (got > 0)
				return (ssize_t)got;
			if (in->zs.avail_in > 0)
				continue;
		}
		if (in->eof) {
			if (in->in_member)
				return damaged(in);
			return 0;
		}
		r = read_raw(in, in->raw, RAW_BUFSZ);
		if (r < 0)
			return -1;
		in->zs.next_in = in->raw;
		in->zs.avail_in = (uInt)r;
	}
}

ssize_t
tsm_input_read(struct tsm_input *in, void *buf, size_t n)
{
	size_t k;

	if (in->failed)
		return -1;
	if (n == 0)
		return 0;
	if (!in->probed && !probe(in))
		return -1;
	if (in->gzip)
		return read_gzip(in, buf, n);
	if (in->rpos < in->rlen) {
		k = in->rlen - in->rpos;
		if (k > n)
			k = n;
		memcpy(buf, in->raw + in->rpos, k);
		in->rpos += k;
		return (ssize_t)k;
	}
	if (in->eof)
		return 0;
	return read_raw(in, buf, n);
}

void
tsm_input_set_deadline(struct tsm_input *in, int64_t deadline, int wake_fd)
{
	in->deadline = deadline;
	in->wake_fd = wake_fd;
}

bool
tsm_input_timed_out(const struct tsm_input *in)
{
	return in->timed_out;
}

int64_t
tsm_input_now(void)
{
	return mono_usecs();
}

const char *
tsm_input_name(const struct tsm_input *in)
{
	return in->name;
}

/* True once the first bytes showed gzip; false before the first read. */
bool
tsm_input_is_gzip(const struct tsm_input *in)
{
	return in->gzip;
}

uint64_t
tsm_input_bytes(const struct tsm_input *in)
{
	return in->nread;
}

void
tsm_input_close(struct tsm_input *in)
{
	if (in == NULL)
		return;
	if (in->zinit)
		inflateEnd(&in->zs);
	if (in->fd != STDIN_FILENO)
		close(in->fd);
	free(in->raw);
	free(in->name);
	free(in);
}
