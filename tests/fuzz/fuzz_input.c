/*
 * fuzz_input.c: tsm_input over a pipe: plain bytes and gzip (input.h).
 *
 * Each input is used twice:
 *  - as it is, written into a pipe and read back through tsm_input in
 *    reads of varying sizes.  Bytes that do not start with the gzip magic
 *    must come back unchanged; gzip must come back exactly as zlib
 *    inflates it (members back to back, nothing after the last), and
 *    anything zlib finds truncated or damaged must be an error, never a
 *    clean end with part of the data;
 *  - as a payload: gzipped in one to three members, it must come back
 *    whole; cut short inside its last member, it must be an error.
 * The raw buffer is shrunk in the fuzz build (TSM_INPUT_BUFSZ) so that a
 * member is read across many reads.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "fuzz.h"
#include "input.h"

#define FUZZ_MAX_INPUT	(256 * 1024)

/* The bytes zlib makes of in[0..n) as back-to-back gzip members. */
static bool
reference_gunzip(const uint8_t *in, size_t n, uint8_t **out, size_t *outlen)
{
	z_stream zs;
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	bool ok = false;
	int ret;

	memset(&zs, 0, sizeof(zs));
	if (buf == NULL || inflateInit2(&zs, 15 + 16) != Z_OK)
		abort();
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	for (;;) {
		if (cap - len < 4096) {
			cap *= 2;
			if (cap > 64 * FUZZ_MAX_INPUT)
				break;	/* a bomb: treat as not comparable */
			buf = realloc(buf, cap);
			if (buf == NULL)
				abort();
		}
		zs.next_out = buf + len;
		zs.avail_out = (uInt)(cap - len);
		ret = inflate(&zs, Z_NO_FLUSH);
		len = cap - zs.avail_out;
		if (ret == Z_STREAM_END) {
			if (zs.avail_in == 0) {
				ok = true;
				break;
			}
			if (inflateReset(&zs) != Z_OK)
				break;
			continue;
		}
		if (ret != Z_OK && !(ret == Z_BUF_ERROR && zs.avail_in > 0))
			break;
		if (ret == Z_OK && zs.avail_in == 0 && zs.avail_out > 0)
			break;	/* wants more input: truncated */
	}
	inflateEnd(&zs);
	*out = buf;
	*outlen = len;
	return ok;
}

/*
 * Writes data into a pipe (made large enough first) and reads it back
 * through tsm_input; returns 0 at a clean end, -1 after an error, 1 when
 * it stopped reading a bomb, and the bytes read in *out.
 */
static int
through_input(const uint8_t *data, size_t size, uint8_t **out, size_t *outlen)
{
	struct tsm_input *in;
	int fds[2];
	size_t cap = size * 2 + 4096, len = 0, step = 1;
	uint8_t *buf;
	ssize_t n;

	if (pipe(fds) != 0)
		abort();
	if (size > 0 && fcntl(fds[1], F_SETPIPE_SZ, (int)(size + 4096)) < 0 &&
	    size > 65536)
		abort();
	for (size_t off = 0; off < size; off += (size_t)n) {
		n = write(fds[1], data + off, size - off);
		if (n <= 0)
			abort();
	}
	close(fds[1]);
	in = tsm_input_fdopen(fds[0], "fuzz.gz");
	buf = malloc(cap);
	if (in == NULL || buf == NULL)
		abort();
	for (;;) {
		if (cap - len < 128) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (buf == NULL)
				abort();
		}
		/* Reads of 1 to 97 bytes, so that every boundary is met. */
		step = step % 97 + 1;
		n = tsm_input_read(in, buf + len, step < cap - len ? step :
		    cap - len);
		if (n <= 0)
			break;
		FUZZ_CHECK((size_t)n <= step, "read %zd of %zu bytes asked", n,
		    step);
		len += (size_t)n;
		if (len > 64 * FUZZ_MAX_INPUT)
			break;	/* a bomb: the caller compares nothing */
	}
	if (n < 0)
		FUZZ_CHECK(tsm_input_read(in, buf, 1) == -1,
		    "a read after an error did not fail");
	else if (n == 0)
		FUZZ_CHECK(tsm_input_read(in, buf, 1) == 0,
		    "a read after the end did not end");
	tsm_input_close(in);
	*out = buf;
	*outlen = len;
	return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/* data as it is. */
static void
as_given(const uint8_t *data, size_t size)
{
	uint8_t *got, *want;
	size_t gotlen, wantlen;
	int rc = through_input(data, size, &got, &gotlen);

	if (size < 2 || data[0] != 0x1f || data[1] != 0x8b) {
		FUZZ_CHECK(rc == 0 && gotlen == size &&
		    (size == 0 || memcmp(got, data, size) == 0),
		    "plain bytes changed (rc %d, %zu of %zu bytes)", rc, gotlen,
		    size);
		free(got);
		return;
	}
	if (rc == 1) {
		free(got);
		return;
	}
	if (reference_gunzip(data, size, &want, &wantlen)) {
		FUZZ_CHECK(rc == 0, "valid gzip refused");
		FUZZ_CHECK(gotlen == wantlen && memcmp(got, want, wantlen) == 0,
		    "gzip inflated to %zu bytes, zlib says %zu", gotlen, wantlen);
	} else if (wantlen <= 64 * FUZZ_MAX_INPUT) {
		FUZZ_CHECK(rc == -1, "damaged gzip read to a clean end "
		    "(%zu bytes)", gotlen);
	}
	free(want);
	free(got);
}

/* Appends data as one gzip member to out. */
static void
gzip_member(const uint8_t *data, size_t size, int level, uint8_t *out,
    size_t *outlen, size_t cap)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)size;
	zs.next_out = out + *outlen;
	zs.avail_out = (uInt)(cap - *outlen);
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	*outlen = cap - zs.avail_out;
	deflateEnd(&zs);
}

/* data gzipped, whole and cut short. */
static void
as_payload(const uint8_t *data, size_t size)
{
	size_t cap = compressBound((uLong)size) * 3 + 256, len = 0, last = 0, lo;
	size_t cut1 = size > 0 ? data[0] % (size + 1) : 0;
	size_t cut2 = size > 1 ? cut1 + data[1] % (size - cut1 + 1) : cut1;
	int level = size > 2 ? data[2] % 10 : 6;
	uint8_t *gz = malloc(cap), *got;
	size_t gotlen;
	int rc;

	if (gz == NULL)
		abort();
	gzip_member(data, cut1, level, gz, &len, cap);
	if (size > 3 && data[3] & 1)
		gzip_member(data + cut1, cut2 - cut1, level, gz, &len, cap);
	else
		cut2 = cut1;
	last = len;
	gzip_member(data + cut2, size - cut2, level, gz, &len, cap);
	rc = through_input(gz, len, &got, &gotlen);
	FUZZ_CHECK(rc == 0 && gotlen == size &&
	    (size == 0 || memcmp(got, data, size) == 0),
	    "gzip of %zu bytes came back as %zu (rc %d)", size, gotlen, rc);
	free(got);
	/*
	 * Cut inside the last member: an error, never a clean end.  (A file
	 * of the one byte 0x1f is not gzip: the magic takes two.)
	 */
	lo = last == 0 ? 2 : last + 1;
	if (len > lo) {
		size_t at = lo + (size > 4 ? data[4] : 0) % (len - lo);

		rc = through_input(gz, at, &got, &gotlen);
		FUZZ_CHECK(rc == -1, "gzip cut at %zu of %zu bytes read to a "
		    "clean end", at, len);
		free(got);
	}
	free(gz);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return 0;
	as_given(data, size);
	as_payload(data, size);
	return 0;
}
