/*
 * test_query_copy.c: rows of COPY's text format rewritten into csv and tsv
 * (query_copy.h) come out as the writer of out.h writes the same values.
 * The lines are as COPY TO writes them: it escapes only backslash, \b,
 * \f, \n, \r, \t and \v, never in octal or hexadecimal.
 */
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "query_copy.h"
#include "unit.h"

#define NCOLS 6

static const enum tsm_coltype types[NCOLS] = { TSM_COL_NUMBER,
	TSM_COL_TEXT, TSM_COL_TIME, TSM_COL_NUMERIC, TSM_COL_BOOL,
	TSM_COL_JSON };
static const char *const names[NCOLS] = { "n", "t", "ts", "num", "b", "j" };

/* Rows as COPY sends them, and their values (NULL for SQL NULL). */
static const struct {
	const char *line;
	const char *vals[NCOLS];
} rows[] = {
	{ "1\tplain\t2024-03-01 12:00:00+00\t1.500\tt\t{\"a\": 1}",
	  { "1", "plain", "2024-03-01 12:00:00+00", "1.500", "t",
	    "{\"a\": 1}" } },
	{ "\\N\t\\N\t\\N\t\\N\t\\N\t\\N",
	  { NULL, NULL, NULL, NULL, NULL, NULL } },
	{ "-2.5e-07\ta,b\t2024-03-01 12:00:00.25+00\t-0.000\tf\t[1, 2]",
	  { "-2.5e-07", "a,b", "2024-03-01 12:00:00.25+00", "-0.000", "f",
	    "[1, 2]" } },
	{ "NaN\tx\\ty\\nz\\r\\\\\tinfinity\tNaN\tt\t\"q\"",
	  { "NaN", "x\ty\nz\r\\", "infinity", "NaN", "t", "\"q\"" } },
	{ "0\t\t2024-01-01 00:00:00\t120\tf\t\\\\N",
	  { "0", "", "2024-01-01 00:00:00", "120", "f", "\\N" } },
	{ "7\t sp \t0001-01-01 00:00:00+00 BC\t0.1\tt\tq\"u",
	  { "7", " sp ", "0001-01-01 00:00:00+00 BC", "0.1", "t", "q\"u" } },
	{ "8\tA\x01\\b\\f\\v\t-infinity\t3\tt\t",
	  { "8", "A\x01\b\f\v", "-infinity", "3", "t", "" } },
};

static char *
through_writer(enum tsm_format fmt)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	struct tsm_writer *w = tsm_writer_new(f, fmt, false, NCOLS, names,
	    types);

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECK(tsm_writer_row(w, rows[i].vals, NULL));
	CHECK(tsm_writer_end(w));
	fclose(f);
	return text;
}

static char *
through_copyout(enum tsm_format fmt)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	struct tsm_copyout *c = tsm_copyout_new(f, fmt, NCOLS, types);

	CHECK(c != NULL);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECK(tsm_copyout_row(c, rows[i].line, strlen(rows[i].line)));
	CHECK(tsm_copyout_end(c));
	fclose(f);
	return text;
}

TEST(copyout_is_the_writer)
{
	enum tsm_format fmts[] = { TSM_FMT_CSV, TSM_FMT_TSV };

	for (int k = 0; k < 2; k++) {
		char *a = through_writer(fmts[k]), *b = through_copyout(fmts[k]);

		CHECK_STR_EQ(b, a);
		free(a);
		free(b);
	}
	CHECK(tsm_copyout_new(stdout, TSM_FMT_JSON, NCOLS, types) == NULL);
}

TEST(copyout_tsv_passes_through_and_long_values)
{
	static const enum tsm_coltype tt[2] = { TSM_COL_TEXT, TSM_COL_NUMBER };
	size_t big = 600 * 1024, len;
	char *line = malloc(big + 8), *text = NULL;
	FILE *f = open_memstream(&text, &len);
	struct tsm_copyout *c = tsm_copyout_new(f, TSM_FMT_CSV, 2, tt);

	/* A value longer than the buffer goes out whole. */
	memset(line, 'x', big);
	memcpy(line + big, "\t42", 3);
	CHECK(tsm_copyout_row(c, line, big + 3));
	CHECK(tsm_copyout_end(c));
	fclose(f);
	CHECK(len == big + 4);
	CHECK(memcmp(text + big, ",42\n", 4) == 0);
	free(text);
	/* A row with fewer columns than described is an error. */
	text = NULL;
	f = open_memstream(&text, &len);
	c = tsm_copyout_new(f, TSM_FMT_CSV, 2, tt);
	CHECK(!tsm_copyout_row(c, "only", 4));
	CHECK(!tsm_copyout_end(c));
	fclose(f);
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	c = tsm_copyout_new(f, TSM_FMT_TSV, 2, tt);
	CHECK(tsm_copyout_row(c, "a\\tb\t1", 6));
	CHECK(tsm_copyout_row(c, "\\N\t\\N", 5));
	CHECK(tsm_copyout_end(c));
	fclose(f);
	CHECK_STR_EQ(text, "a\\tb\t1\n\\N\t\\N\n");
	free(text);
	free(line);
}
