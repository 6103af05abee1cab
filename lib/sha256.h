/*
 * sha256.h: SHA-256 (FIPS 180-4), for the keys that make a migration
 * idempotent.  Not for secrets: nothing here is constant-time.
 */
#ifndef TSM_SHA256_H
#define TSM_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct tsm_sha256 {
	uint32_t h[8];
	uint64_t bytes;		/* message length so far */
	unsigned char buf[64];	/* a partial block */
	size_t nbuf;
};

void tsm_sha256_init(struct tsm_sha256 *c);
void tsm_sha256_update(struct tsm_sha256 *c, const void *data, size_t len);
void tsm_sha256_final(struct tsm_sha256 *c, unsigned char out[32]);

/* Writes the first n bytes of a digest as 2n lowercase hex digits + NUL. */
void tsm_hex(const unsigned char *digest, size_t n, char *out);

#endif
