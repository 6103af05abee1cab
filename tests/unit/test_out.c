/*
 * test_out.c: the csv, tsv, table and json writers.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "out.h"
#include "unit.h"
#include "util.h"

static char *text;
static size_t textlen;
static FILE *mem;

static struct tsm_writer *
writer(enum tsm_format fmt, bool header, int ncols, const char *const *names,
    const enum tsm_coltype *types)
{
	free(text);
	text = NULL;
	mem = open_memstream(&text, &textlen);
	return tsm_writer_new(mem, fmt, header, ncols, names, types);
}

/* Ends the writer and returns what it wrote. */
static const char *
finish(struct tsm_writer *w)
{
	CHECK(tsm_writer_end(w));
	fclose(mem);
	return text;
}

static const char *const names3[] = {"time", "sym,bol", "close"};
static const enum tsm_coltype types3[] = {TSM_COL_TIME, TSM_COL_TEXT,
	TSM_COL_NUMERIC};

static void
rows3(struct tsm_writer *w)
{
	const char *r1[] = {"2024-03-01 12:00:00+00", "BTC", "61000.50000000"};
	const char *r2[] = {"2024-03-01 12:01:00.25+00", "a \"q\", b",
		"-0.000"};
	const char *r3[] = {NULL, "", NULL};
	const char *r4[] = {"infinity", "x\ny", "NaN"};

	CHECK(tsm_writer_row(w, r1, NULL));
	CHECK(tsm_writer_row(w, r2, NULL));
	CHECK(tsm_writer_row(w, r3, NULL));
	CHECK(tsm_writer_row(w, r4, NULL));
	CHECK_INT_EQ(tsm_writer_rows(w), 4);
}

TEST(out_format_parse_and_oids)
{
	enum tsm_format f;

	CHECK(tsm_format_parse("csv", &f) && f == TSM_FMT_CSV);
	CHECK(tsm_format_parse("tsv", &f) && f == TSM_FMT_TSV);
	CHECK(tsm_format_parse("table", &f) && f == TSM_FMT_TABLE);
	CHECK(tsm_format_parse("json", &f) && f == TSM_FMT_JSON);
	CHECK(!tsm_format_parse("xml", &f));
	CHECK(!tsm_format_parse("", &f));
	CHECK_INT_EQ(tsm_coltype_for_oid(20), TSM_COL_NUMBER);
	CHECK_INT_EQ(tsm_coltype_for_oid(21), TSM_COL_NUMBER);
	CHECK_INT_EQ(tsm_coltype_for_oid(23), TSM_COL_NUMBER);
	CHECK_INT_EQ(tsm_coltype_for_oid(26), TSM_COL_NUMBER);
	CHECK_INT_EQ(tsm_coltype_for_oid(700), TSM_COL_NUMBER);
	CHECK_INT_EQ(tsm_coltype_for_oid(701), TSM_COL_NUMBER);
	CHECK_INT_EQ(tsm_coltype_for_oid(1700), TSM_COL_NUMERIC);
	CHECK_INT_EQ(tsm_coltype_for_oid(1184), TSM_COL_TIME);
	CHECK_INT_EQ(tsm_coltype_for_oid(1114), TSM_COL_TIME);
	CHECK_INT_EQ(tsm_coltype_for_oid(16), TSM_COL_BOOL);
	CHECK_INT_EQ(tsm_coltype_for_oid(114), TSM_COL_JSON);
	CHECK_INT_EQ(tsm_coltype_for_oid(3802), TSM_COL_JSON);
	CHECK_INT_EQ(tsm_coltype_for_oid(25), TSM_COL_TEXT);
	CHECK_INT_EQ(tsm_coltype_for_oid(1043), TSM_COL_TEXT);
}

TEST(out_csv)
{
	struct tsm_writer *w = writer(TSM_FMT_CSV, true, 3, names3, types3);

	rows3(w);
	CHECK_STR_EQ(finish(w),
	    "time,\"sym,bol\",close\n"
	    "2024-03-01T12:00:00Z,BTC,61000.5\n"
	    "2024-03-01T12:01:00.25Z,\"a \"\"q\"\", b\",0\n"
	    ",\"\",\n"
	    "infinity,\"x\ny\",NaN\n");
}

TEST(out_csv_quoting_rules)
{
	static const char *const n[] = {"a", "b", "c", "d", "e", "f"};
	const char *v[] = {" lead", "trail\t", "cr\r", "plain", "semi;colon",
		"ünï"};
	struct tsm_writer *w = writer(TSM_FMT_CSV, false, 6, n, NULL);
	size_t lens[] = {5, 6, 3, 3, 10, 5};

	CHECK(tsm_writer_row(w, v, NULL));
	/* lens bound the values: "pla" and no NUL needed. */
	CHECK(tsm_writer_row(w, v, lens));
	CHECK_STR_EQ(finish(w),
	    "\" lead\",\"trail\t\",\"cr\r\",plain,semi;colon,ünï\n"
	    "\" lead\",\"trail\t\",\"cr\r\",pla,semi;colon,ünï\n");
}

TEST(out_csv_empty_result_and_no_header)
{
	struct tsm_writer *w = writer(TSM_FMT_CSV, true, 3, names3, types3);

	CHECK_STR_EQ(finish(w), "time,\"sym,bol\",close\n");
	w = writer(TSM_FMT_CSV, false, 3, names3, types3);
	CHECK_STR_EQ(finish(w), "");
	w = writer(TSM_FMT_CSV, false, 3, names3, types3);
	rows3(w);
	CHECK(strncmp(finish(w), "2024-03-01T12:00:00Z,BTC,", 25) == 0);
}

TEST(out_tsv)
{
	static const char *const n[] = {"a\tb", "c"};
	const char *r1[] = {"x\ty\\z\n\r", NULL};
	const char *r2[] = {"", "\b\f\v"};
	struct tsm_writer *w = writer(TSM_FMT_TSV, true, 2, n, NULL);

	CHECK(tsm_writer_row(w, r1, NULL));
	CHECK(tsm_writer_row(w, r2, NULL));
	CHECK_STR_EQ(finish(w),
	    "a\\tb\tc\n"
	    "x\\ty\\\\z\\n\\r\t\\N\n"
	    "\t\\b\\f\\v\n");
	w = writer(TSM_FMT_TSV, true, 3, names3, types3);
	rows3(w);
	CHECK_STR_EQ(finish(w),
	    "time\tsym,bol\tclose\n"
	    "2024-03-01T12:00:00Z\tBTC\t61000.5\n"
	    "2024-03-01T12:01:00.25Z\ta \"q\", b\t0\n"
	    "\\N\t\t\\N\n"
	    "infinity\tx\\ny\tNaN\n");
}

TEST(out_json)
{
	static const char *const n[] = {"t", "n", "d", "b", "j", "s", "q\"k"};
	static const enum tsm_coltype ty[] = {TSM_COL_TIME, TSM_COL_NUMBER,
		TSM_COL_NUMERIC, TSM_COL_BOOL, TSM_COL_JSON, TSM_COL_TEXT,
		TSM_COL_TEXT};
	const char *r1[] = {"2024-03-01 12:00:00+00", "42", "1.2500", "t",
		"{\"a\": [1, 2]}", "é \"x\" \\ \x01\n\t\x7f", "ok"};
	const char *r2[] = {NULL, "NaN", "NaN", "f", NULL, "bad\xff\xc3",
		""};
	const char *r3[] = {"2024-03-01 12:00:00", "-1.5e+20", "-Infinity",
		"true", "null", "\xf0\x9f\x98\x80", "0"};
	struct tsm_writer *w = writer(TSM_FMT_JSON, true, 7, n, ty);

	CHECK(tsm_writer_row(w, r1, NULL));
	CHECK(tsm_writer_row(w, r2, NULL));
	CHECK(tsm_writer_row(w, r3, NULL));
	CHECK_STR_EQ(finish(w),
	    "{\"t\":\"2024-03-01T12:00:00Z\",\"n\":42,\"d\":1.25,\"b\":true,"
	    "\"j\":{\"a\": [1, 2]},\"s\":\"é \\\"x\\\" \\\\ \\u0001\\n\\t\x7f\","
	    "\"q\\\"k\":\"ok\"}\n"
	    "{\"t\":null,\"n\":\"NaN\",\"d\":\"NaN\",\"b\":false,\"j\":null,"
	    "\"s\":\"bad\\ufffd\\ufffd\",\"q\\\"k\":\"\"}\n"
	    "{\"t\":\"2024-03-01T12:00:00Z\",\"n\":-1.5e+20,\"d\":\"-Infinity\","
	    "\"b\":true,\"j\":null,\"s\":\"\xf0\x9f\x98\x80\",\"q\\\"k\":\"0\"}\n");
}

TEST(out_time_rewriting)
{
	static const char *const n[] = {"t"};
	static const enum tsm_coltype ty[] = {TSM_COL_TIME};
	const char *v[][1] = {{"2024-03-01 12:00:00+00"},
		{"2024-03-01 14:30:00.123456+02:30"}, {"2024-03-01 12:00:00.5"},
		{"not a time"}, {"-infinity"}, {"2024-03-01"}};
	struct tsm_writer *w = writer(TSM_FMT_CSV, false, 1, n, ty);

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CHECK(tsm_writer_row(w, v[i], NULL));
	CHECK_STR_EQ(finish(w),
	    "2024-03-01T12:00:00Z\n"
	    "2024-03-01T12:00:00.123456Z\n"
	    "2024-03-01T12:00:00.5Z\n"
	    "not a time\n"
	    "-infinity\n"
	    "2024-03-01\n");
}

TEST(out_table)
{
	struct tsm_writer *w = writer(TSM_FMT_TABLE, true, 3, names3, types3);

	rows3(w);
	CHECK_STR_EQ(finish(w),
	    "          time           | sym,bol  |  close\n"
	    "-------------------------+----------+---------\n"
	    " 2024-03-01T12:00:00Z    | BTC      | 61000.5\n"
	    " 2024-03-01T12:01:00.25Z | a \"q\", b |       0\n"
	    "                         |          |\n"
	    " infinity                | x\\ny     |     NaN\n"
	    "(4 rows)\n");
}

TEST(out_table_small_cases)
{
	static const char *const n[] = {"n", "name"};
	static const enum tsm_coltype ty[] = {TSM_COL_NUMBER, TSM_COL_TEXT};
	const char *r[] = {"1", "é"};
	struct tsm_writer *w = writer(TSM_FMT_TABLE, true, 2, n, ty);

	CHECK_STR_EQ(finish(w), " n | name\n---+------\n(0 rows)\n");
	w = writer(TSM_FMT_TABLE, true, 2, n, ty);
	CHECK(tsm_writer_row(w, r, NULL));
	CHECK_STR_EQ(finish(w), " n | name\n---+------\n 1 | é\n(1 row)\n");
	w = writer(TSM_FMT_TABLE, false, 2, n, ty);
	CHECK(tsm_writer_row(w, r, NULL));
	CHECK_STR_EQ(finish(w), " 1 | é\n");
}

/* After 1,000 rows the table streams; a wider cell widens only itself. */
TEST(out_table_streams_after_1000_rows)
{
	static const char *const n[] = {"i", "s"};
	static const enum tsm_coltype ty[] = {TSM_COL_NUMBER, TSM_COL_TEXT};
	struct tsm_writer *w = writer(TSM_FMT_TABLE, true, 2, n, ty);
	char num[16];
	const char *r[2] = {num, "ab"};
	const char *s, *last;

	for (int i = 0; i < 1005; i++) {
		snprintf(num, sizeof(num), "%d", i);
		if (i == 1002)
			r[1] = "wider than before";
		CHECK(tsm_writer_row(w, r, NULL));
	}
	s = finish(w);
	CHECK(strncmp(s, "  i  | s\n-----+----\n   0 | ab\n", 30) == 0);
	CHECK(strstr(s, "\n 999 | ab\n 1000 | ab\n 1001 | ab\n"
	    " 1002 | wider than before\n") != NULL);
	last = s + strlen(s) - 12;
	CHECK_STR_EQ(last, "(1005 rows)\n");
}

TEST(out_write_error_epipe)
{
	static const char *const n[] = {"a"};
	const char *r[] = {"some text that fills the pipe"};
	struct sigaction ign, old;
	struct tsm_writer *w;
	int fds[2];
	FILE *f;
	const char *err;
	bool ok = true;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	CHECK(pipe(fds) == 0);
	close(fds[0]);
	f = fdopen(fds[1], "w");
	w = tsm_writer_new(f, TSM_FMT_CSV, true, 1, n, NULL);
	unit_capture_begin();
	for (int i = 0; ok && i < 100000; i++)
		ok = tsm_writer_row(w, r, NULL);
	CHECK(!ok);
	CHECK(!tsm_writer_row(w, r, NULL));
	CHECK(!tsm_writer_end(w));
	err = unit_capture_end();
	CHECK_STR_EQ(err, "tsm: error: cannot write to the output: Broken pipe\n");

	/* A short output fails at the end, on the flush. */
	CHECK(pipe(fds) == 0);
	close(fds[0]);
	f = fdopen(fds[1], "w");
	w = tsm_writer_new(f, TSM_FMT_JSON, true, 1, n, NULL);
	unit_capture_begin();
	CHECK(tsm_writer_row(w, r, NULL));
	CHECK(!tsm_writer_end(w));
	err = unit_capture_end();
	CHECK(strstr(err, "Broken pipe") != NULL);
	fclose(f);
	sigaction(SIGPIPE, &old, NULL);
	free(text);
	text = NULL;
}

/*
 * What has reached the memstream: flushing the FILE alone shows nothing
 * of what the writer still holds.
 */
static size_t
visible(void)
{
	fflush(mem);
	return textlen;
}

/* tsm_writer_flush: what was given goes out at once, the csv header once. */
TEST(out_flush_csv_and_json)
{
	static const char *const n[] = {"a", "b"};
	const char *r1[] = {"1", "x"};
	const char *r2[] = {"2", NULL};
	struct tsm_writer *w = writer(TSM_FMT_CSV, true, 2, n, NULL);

	CHECK(tsm_writer_row(w, r1, NULL));
	CHECK_INT_EQ(visible(), 0);
	CHECK(tsm_writer_flush(w));
	CHECK_INT_EQ(visible(), 8);
	CHECK(text != NULL && memcmp(text, "a,b\n1,x\n", 8) == 0);
	CHECK(tsm_writer_flush(w));
	CHECK_INT_EQ(visible(), 8);
	CHECK(tsm_writer_row(w, r2, NULL));
	CHECK_STR_EQ(finish(w), "a,b\n1,x\n2,\n");

	/* Before any row: the header goes out, and only once. */
	w = writer(TSM_FMT_TSV, true, 2, n, NULL);
	CHECK(tsm_writer_flush(w));
	CHECK_INT_EQ(visible(), 4);
	CHECK(tsm_writer_row(w, r2, NULL));
	CHECK_STR_EQ(finish(w), "a\tb\n2\t\\N\n");

	w = writer(TSM_FMT_JSON, true, 2, n, NULL);
	CHECK(tsm_writer_flush(w));
	CHECK_INT_EQ(visible(), 0);
	CHECK(tsm_writer_row(w, r1, NULL));
	CHECK(tsm_writer_flush(w));
	CHECK_INT_EQ(visible(), 18);
	CHECK_STR_EQ(finish(w), "{\"a\":\"1\",\"b\":\"x\"}\n");
}

/* A flushed table stops holding rows: its widths are those seen so far. */
TEST(out_flush_table)
{
	static const char *const n[] = {"n", "name"};
	static const enum tsm_coltype ty[] = {TSM_COL_NUMBER, TSM_COL_TEXT};
	const char *r1[] = {"1", "ab"};
	const char *r2[] = {"22", "wider"};
	struct tsm_writer *w = writer(TSM_FMT_TABLE, true, 2, n, ty);

	CHECK(tsm_writer_row(w, r1, NULL));
	CHECK_INT_EQ(visible(), 0);
	CHECK(tsm_writer_flush(w));
	CHECK_INT_EQ(visible(), 29);
	CHECK(text != NULL &&
	    memcmp(text, " n | name\n---+------\n 1 | ab\n", 29) == 0);
	CHECK(tsm_writer_row(w, r2, NULL));
	CHECK(tsm_writer_flush(w));
	CHECK_INT_EQ(visible(), 41);
	CHECK_STR_EQ(finish(w),
	    " n | name\n---+------\n 1 | ab\n 22 | wider\n(2 rows)\n");

	/* Flushed before any row: the header, then rows as they come. */
	w = writer(TSM_FMT_TABLE, true, 2, n, ty);
	CHECK(tsm_writer_flush(w));
	CHECK_INT_EQ(visible(), 21);
	CHECK(tsm_writer_row(w, r1, NULL));
	CHECK_STR_EQ(finish(w), " n | name\n---+------\n 1 | ab\n(1 row)\n");
}

/* A flush that cannot write says so, and the writer stays failed. */
TEST(out_flush_write_error)
{
	static const char *const n[] = {"a"};
	const char *r[] = {"x"};
	struct sigaction ign, old;
	struct tsm_writer *w;
	int fds[2];
	FILE *f;
	const char *err;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	CHECK(pipe(fds) == 0);
	close(fds[0]);
	f = fdopen(fds[1], "w");
	w = tsm_writer_new(f, TSM_FMT_CSV, true, 1, n, NULL);
	unit_capture_begin();
	CHECK(tsm_writer_row(w, r, NULL));
	CHECK(!tsm_writer_flush(w));
	CHECK(!tsm_writer_flush(w));
	CHECK(!tsm_writer_row(w, r, NULL));
	CHECK(!tsm_writer_end(w));
	err = unit_capture_end();
	CHECK_STR_EQ(err, "tsm: error: cannot write to the output: Broken pipe\n");
	fclose(f);
	sigaction(SIGPIPE, &old, NULL);
}
