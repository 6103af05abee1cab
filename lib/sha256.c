/*
 * sha256.c: SHA-256 as FIPS 180-4 defines it, written from the standard.
 */
#include <string.h>

#include "sha256.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static inline uint32_t
ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

/* Processes one 64-byte block. */
static void
block(struct tsm_sha256 *c, const unsigned char *p)
{
	uint32_t w[64], a, b, cc, d, e, f, g, h;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^
		    (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^
		    (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3];
	e = c->h[4]; f = c->h[5]; g = c->h[6]; h = c->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
		    ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
		    ((a & b) ^ (a & cc) ^ (b & cc));

		h = g; g = f; f = e; e = d + t1;
		d = cc; cc = b; b = a; a = t1 + t2;
	}
	c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d;
	c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>

/*
 * The same block with the SHA extensions of x86-64 (Intel since Goldmont
 * and Ice Lake, AMD since Zen), several times faster: each
 * sha256rnds2 does two rounds, sha256msg1 and sha256msg2 the message
 * schedule four words at a time.  The state is kept as the instructions
 * want it: ABEF and CDGH.
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void
block_shani(struct tsm_sha256 *c, const unsigned char *p)
{
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
	    0x0405060700010203LL);
	__m128i st0, st1, tmp, save0, save1, m, w[4];

	tmp = _mm_loadu_si128((const __m128i *)(const void *)&c->h[0]);
	st1 = _mm_loadu_si128((const __m128i *)(const void *)&c->h[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xb1);		/* CDAB */
	st1 = _mm_shuffle_epi32(st1, 0x1b);		/* EFGH */
	st0 = _mm_alignr_epi8(tmp, st1, 8);		/* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xf0);		/* CDGH */
	save0 = st0;
	save1 = st1;
	for (int g = 0; g < 16; g++) {
		if (g < 4) {
			w[g] = _mm_shuffle_epi8(_mm_loadu_si128(
			    (const __m128i *)(const void *)(p + 16 * g)), swap);
		} else {
			/* W[t-16] + s0(W[t-15]) + W[t-7], then + s1(W[t-2]). */
			__m128i x = _mm_sha256msg1_epu32(w[g % 4],
			    w[(g + 1) % 4]);

			x = _mm_add_epi32(x, _mm_alignr_epi8(w[(g + 3) % 4],
			    w[(g + 2) % 4], 4));
			w[g % 4] = _mm_sha256msg2_epu32(x, w[(g + 3) % 4]);
		}
		m = _mm_add_epi32(w[g % 4], _mm_loadu_si128(
		    (const __m128i *)(const void *)&K[4 * g]));
		st1 = _mm_sha256rnds2_epu32(st1, st0, m);
		m = _mm_shuffle_epi32(m, 0x0e);
		st0 = _mm_sha256rnds2_epu32(st0, st1, m);
	}
	st0 = _mm_add_epi32(st0, save0);
	st1 = _mm_add_epi32(st1, save1);
	tmp = _mm_shuffle_epi32(st0, 0x1b);		/* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xb1);		/* DCHG */
	st0 = _mm_blend_epi16(tmp, st1, 0xf0);		/* DCBA */
	st1 = _mm_alignr_epi8(st1, tmp, 8);		/* HGFE */
	_mm_storeu_si128((__m128i *)(void *)&c->h[0], st0);
	_mm_storeu_si128((__m128i *)(void *)&c->h[4], st1);
}

/* The block function this processor can run, chosen once. */
static void (*pick_block(void))(struct tsm_sha256 *, const unsigned char *)
{
	unsigned a, b, cx, d;

	if (!__get_cpuid(1, &a, &b, &cx, &d) || !(cx & bit_SSE4_1) ||
	    !(cx & bit_SSSE3))
		return block;
	if (!__get_cpuid_count(7, 0, &a, &b, &cx, &d) || !(b & (1u << 29)))
		return block;
	return block_shani;
}
#else
static void (*pick_block(void))(struct tsm_sha256 *, const unsigned char *)
{
	return block;
}
#endif

static void (*run_block)(struct tsm_sha256 *, const unsigned char *);

void
tsm_sha256_init(struct tsm_sha256 *c)
{
	static const uint32_t init[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	if (run_block == NULL)
		run_block = pick_block();
	memcpy(c->h, init, sizeof(init));
	c->bytes = 0;
	c->nbuf = 0;
}

void
tsm_sha256_update(struct tsm_sha256 *c, const void *data, size_t len)
{
	const unsigned char *p = data;

	c->bytes += len;
	if (c->nbuf > 0) {
		size_t take = 64 - c->nbuf < len ? 64 - c->nbuf : len;

		memcpy(c->buf + c->nbuf, p, take);
		c->nbuf += take;
		p += take;
		len -= take;
		if (c->nbuf < 64)
			return;
		run_block(c, c->buf);
		c->nbuf = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		run_block(c, p);
	memcpy(c->buf, p, len);
	c->nbuf = len;
}

void
tsm_sha256_final(struct tsm_sha256 *c, unsigned char out[32])
{
	uint64_t bits = c->bytes * 8;

	c->buf[c->nbuf++] = 0x80;
	if (c->nbuf > 56) {
		memset(c->buf + c->nbuf, 0, 64 - c->nbuf);
		run_block(c, c->buf);
		c->nbuf = 0;
	}
	memset(c->buf + c->nbuf, 0, 56 - c->nbuf);
	for (int i = 0; i < 8; i++)
		c->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	run_block(c, c->buf);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void
tsm_hex(const unsigned char *digest, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[2 * n] = '\0';
}
