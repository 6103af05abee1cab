/*
 * test_sha256.c: SHA-256 against the vectors of FIPS 180-4's examples.
 */
#include <stdlib.h>

#include "sha256.h"
#include "unit.h"

static const char *
digest(const void *data, size_t len, size_t chunk)
{
	static char hex[65];
	struct tsm_sha256 c;
	unsigned char d[32];
	const unsigned char *p = data;

	tsm_sha256_init(&c);
	while (len > 0) {
		size_t n = len < chunk ? len : chunk;

		tsm_sha256_update(&c, p, n);
		p += n;
		len -= n;
	}
	tsm_sha256_final(&c, d);
	tsm_hex(d, 32, hex);
	return hex;
}

TEST(sha256_vectors)
{
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char *million = malloc(1000000);

	CHECK_STR_EQ(digest("", 0, 64), "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	CHECK_STR_EQ(digest("abc", 3, 64), "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	CHECK_STR_EQ(digest(two, strlen(two), 64), "248d6a61d20638b8e5c02693"
	    "0c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* The same message fed in pieces that straddle blocks. */
	CHECK_STR_EQ(digest(two, strlen(two), 7), "248d6a61d20638b8e5c02693"
	    "0c3e6039a33ce45964ff2167f6ecedd419db06c1");
	CHECK(million != NULL);
	if (million != NULL) {
		memset(million, 'a', 1000000);
		CHECK_STR_EQ(digest(million, 1000000, 1000), "cdc76e5c9914fb92"
		    "81a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
		free(million);
	}
	/* 55, 56 and 64 bytes: the padding's edge cases. */
	CHECK_STR_EQ(digest("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    55, 64), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e91"
	    "0f734318");
	CHECK_STR_EQ(digest("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    56, 64), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686"
	    "ec6738a");
}
