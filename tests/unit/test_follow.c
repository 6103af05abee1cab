/*
 * test_follow.c: reading a stream with deadlines (input.h) and records
 * handed back as TSM_CSV_AGAIN (csvin.h), as tsm-ingest --follow reads.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvin.h"
#include "input.h"
#include "unit.h"

static void
put(int fd, const char *s)
{
	CHECK_INT_EQ(write(fd, s, strlen(s)), (long long)strlen(s));
}

TEST(follow_a_partial_record_waits_for_its_rest)
{
	int p[2];
	struct tsm_input *in;
	struct tsm_csv_reader *rd;
	struct tsm_record *rec;

	CHECK(pipe(p) == 0);
	in = tsm_input_fdopen(p[0], "pipe");
	rd = tsm_csv_open(in, false, 0);
	put(p[1], "a,b\n1,");
	tsm_input_set_deadline(in, 0, -1);
	CHECK_INT_EQ(tsm_csv_next_record(rd, &rec), 1);
	CHECK_STR_EQ(rec->fields[0].s, "a");
	CHECK(rec->terminated);
	/* "1," is there but not its line end: no record yet, no error. */
	CHECK_INT_EQ(tsm_csv_next_record(rd, &rec), TSM_CSV_AGAIN);
	CHECK(tsm_input_timed_out(in));
	CHECK_INT_EQ(tsm_csv_next_record(rd, &rec), TSM_CSV_AGAIN);
	put(p[1], "2\n3,4");
	CHECK_INT_EQ(tsm_csv_next_record(rd, &rec), 1);
	CHECK_INT_EQ(rec->line, 2);
	CHECK_STR_EQ(rec->fields[1].s, "2");
	close(p[1]);
	/* The writer went away in the middle of a row. */
	tsm_input_set_deadline(in, -1, -1);
	CHECK_INT_EQ(tsm_csv_next_record(rd, &rec), 1);
	CHECK_STR_EQ(rec->fields[0].s, "3");
	CHECK(!rec->terminated);
	CHECK_INT_EQ(tsm_csv_next_record(rd, &rec), 0);
	tsm_csv_close(rd);
	tsm_input_close(in);
}

TEST(follow_a_wake_up_ends_the_wait)
{
	int p[2], w[2];
	struct tsm_input *in;
	struct tsm_csv_reader *rd;
	struct tsm_record *rec;
	int64_t t0;

	CHECK(pipe(p) == 0 && pipe(w) == 0);
	in = tsm_input_fdopen(p[0], "pipe");
	rd = tsm_csv_open(in, false, 0);
	put(w[1], "x");
	t0 = tsm_input_now();
	tsm_input_set_deadline(in, INT64_MAX, w[0]);
	CHECK_INT_EQ(tsm_csv_next_record(rd, &rec), TSM_CSV_AGAIN);
	CHECK(tsm_input_now() - t0 < 5000000);
	/* A deadline in the future with nothing coming: it waits that long. */
	{
		char c;

		CHECK_INT_EQ(read(w[0], &c, 1), 1);
	}
	t0 = tsm_input_now();
	tsm_input_set_deadline(in, t0 + 30000, w[0]);
	CHECK_INT_EQ(tsm_csv_next_record(rd, &rec), TSM_CSV_AGAIN);
	CHECK(tsm_input_now() - t0 >= 29000);
	close(p[1]);
	close(w[0]);
	close(w[1]);
	tsm_csv_close(rd);
	tsm_input_close(in);
}
