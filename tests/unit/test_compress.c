/*
 * test_compress.c: the pure helpers of tsm-compress: sizes as
 * pg_size_pretty writes them, text[] literals of kind lists, chunk
 * ranges in messages.
 */
#include <stdlib.h>

#include "compress.h"
#include "unit.h"

static const char *
bytes(int64_t n)
{
	static char buf[32];

	return tsm_compress_bytes(n, buf, sizeof(buf));
}

/* The figures pg_size_pretty gives on PostgreSQL 15 (checked there). */
TEST(compress_bytes_as_pg_size_pretty)
{
	CHECK_STR_EQ(bytes(0), "0 bytes");
	CHECK_STR_EQ(bytes(10239), "10239 bytes");
	CHECK_STR_EQ(bytes(10240), "10 kB");
	CHECK_STR_EQ(bytes(10752), "11 kB");		/* 10.5 rounds up */
	CHECK_STR_EQ(bytes(10751), "10 kB");
	CHECK_STR_EQ(bytes(10485247), "10239 kB");
	CHECK_STR_EQ(bytes(10485248), "10 MB");
	CHECK_STR_EQ(bytes(10485760), "10 MB");
	CHECK_STR_EQ(bytes(INT64_C(10737418240)), "10 GB");
	CHECK_STR_EQ(bytes(INT64_C(1) << 62), "4096 PB");
	CHECK_STR_EQ(bytes(-20480), "-20 kB");
}

TEST(compress_array_literals)
{
	const char *none[] = { NULL };
	const char *two[] = { "candles", "ticks", NULL };
	const char *odd[] = { "a\"b", "c\\d", "e,f", NULL };
	bool oom;
	char *s;

	CHECK(tsm_compress_array(none, &oom) == NULL && !oom);
	CHECK(tsm_compress_array(NULL, &oom) == NULL && !oom);
	s = tsm_compress_array(two, &oom);
	CHECK_STR_EQ(s, "{\"candles\",\"ticks\"}");
	free(s);
	s = tsm_compress_array(odd, &oom);
	CHECK_STR_EQ(s, "{\"a\\\"b\",\"c\\\\d\",\"e,f\"}");
	free(s);
}

TEST(compress_wanted)
{
	const char *none[] = { NULL };
	const char *two[] = { "candles", "ticks", NULL };

	CHECK(tsm_compress_wanted(NULL, "greeks"));
	CHECK(tsm_compress_wanted(none, "greeks"));
	CHECK(tsm_compress_wanted(two, "ticks"));
	CHECK(!tsm_compress_wanted(two, "greeks"));
	CHECK(!tsm_compress_wanted(two, "tick"));
}

TEST(compress_range_text)
{
	char buf[96];

	tsm_compress_range_text("2024-01-08 00:00:00+00",
	    "2024-01-15 00:00:00+00", buf, sizeof(buf));
	CHECK_STR_EQ(buf, "2024-01-08T00:00:00Z to 2024-01-15T00:00:00Z");
	/* What is not PostgreSQL's UTC form is shown as it is. */
	tsm_compress_range_text("-infinity", "2024-01-15 12:30:00.5+00", buf,
	    sizeof(buf));
	CHECK_STR_EQ(buf, "-infinity to 2024-01-15T12:30:00.5Z");
}
