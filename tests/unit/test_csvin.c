/*
 * test_csvin.c: CSV and TSV records, line numbers, errors, headers.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csvin.h"
#include "unit.h"
#include "util.h"

static char out[1 << 16];
static const char *errtext;

/*
 * Renders every record as "LINE:f1|f2" lines, a quoted field in <>, a
 * NULL as \N; an error as "ERROR" with its message in errtext.
 */
static void
render(struct tsm_input *in, bool tsv, size_t max)
{
	struct tsm_csv_reader *r = tsm_csv_open(in, tsv, max);
	struct tsm_record *rec;
	size_t n = 0;
	int k;

	out[0] = '\0';
	unit_capture_begin();
	while ((k = tsm_csv_next_record(r, &rec)) > 0) {
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%llu:",
		    (unsigned long long)rec->line);
		for (int i = 0; i < rec->nfields; i++) {
			const struct tsm_field *f = &rec->fields[i];

			CHECK_INT_EQ(strlen(f->s), f->len);
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s%s%s",
			    i ? "|" : "", f->quoted ? "<" : "",
			    f->null ? "\\N" : f->s, f->quoted ? ">" : "");
		}
		n += (size_t)snprintf(out + n, sizeof(out) - n, "\n");
	}
	if (k < 0) {
		snprintf(out + n, sizeof(out) - n, "ERROR");
		/* An error is final. */
		CHECK_INT_EQ(tsm_csv_next_record(r, &rec), -1);
	} else {
		CHECK_INT_EQ(tsm_csv_next_record(r, &rec), 0);
	}
	errtext = unit_capture_end();
	tsm_csv_close(r);
}

static const char *
parse_file(const char *data, size_t len, bool tsv, size_t max)
{
	struct tsm_input *in = tsm_input_open(unit_tmpfile(data, len));

	render(in, tsv, max);
	tsm_input_close(in);
	return out;
}

static const char *
csv(const char *data)
{
	return parse_file(data, strlen(data), false, 0);
}

static const char *
tsv(const char *data)
{
	return parse_file(data, strlen(data), true, 0);
}

/*
 * The same through a pipe written one byte at a time, so that every
 * record straddles reads: the result must not depend on where reads end.
 */
static const char *
parse_trickle(const char *data, bool is_tsv)
{
	int fds[2];
	pid_t pid;
	struct tsm_input *in;

	if (pipe(fds) != 0)
		return "pipe failed";
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (size_t i = 0; data[i]; i++) {
			if (write(fds[1], data + i, 1) != 1)
				_exit(1);
			usleep(50);
		}
		_exit(0);
	}
	close(fds[1]);
	in = tsm_input_fdopen(fds[0], "pipe");
	render(in, is_tsv, 0);
	tsm_input_close(in);
	waitpid(pid, NULL, 0);
	return out;
}

TEST(csv_simple_lf_crlf_bom)
{
	CHECK_STR_EQ(csv("a,b\n1,2\n"), "1:a|b\n2:1|2\n");
	CHECK_STR_EQ(csv("a,b\r\n1,2\r\n"), "1:a|b\n2:1|2\n");
	CHECK_STR_EQ(csv("\xef\xbb\xbf" "time,close\r\n1,2\r\n"),
	    "1:time|close\n2:1|2\n");
	CHECK_STR_EQ(csv("a,,c,\n"), "1:a||c|\n");
	CHECK_STR_EQ(csv(""), "");
	CHECK_STR_EQ(csv("\xef\xbb\xbf"), "");
}

TEST(csv_final_record_without_newline)
{
	CHECK_STR_EQ(csv("a,b\n1,2"), "1:a|b\n2:1|2\n");
	CHECK_STR_EQ(csv("a,b\n\"x\""), "1:a|b\n2:<x>\n");
	CHECK_STR_EQ(csv("a,b\r\n1,"), "1:a|b\n2:1|\n");
}

TEST(csv_quoted_fields_and_start_lines)
{
	const char *in =
	    "a,b,c\n"
	    "\"x,y\",\"he said \"\"hi\"\"\",\"multi\nline\"\n"
	    "last,1,2\n"
	    "\"1\r\n2\r\n3\",\"\",\n"
	    "end\n";

	CHECK_STR_EQ(csv(in),
	    "1:a|b|c\n"
	    "2:<x,y>|<he said \"hi\">|<multi\nline>\n"
	    "4:last|1|2\n"
	    "5:<1\r\n2\r\n3>|<>|\n"
	    "8:end\n");
	CHECK_STR_EQ(parse_trickle(in, false),
	    "1:a|b|c\n"
	    "2:<x,y>|<he said \"hi\">|<multi\nline>\n"
	    "4:last|1|2\n"
	    "5:<1\r\n2\r\n3>|<>|\n"
	    "8:end\n");
}

TEST(csv_spaces_around_unquoted_fields_are_trimmed)
{
	CHECK_STR_EQ(csv(" a , b\t,\" c \" ,d\n"), "1:a|b|< c >|d\n");
}

TEST(csv_blank_lines_skipped_and_counted)
{
	const char *in = "\n\na,b\n\n   \n\r\n\t\n1,2\n\n";

	CHECK_STR_EQ(csv(in), "3:a|b\n8:1|2\n");
	CHECK_STR_EQ(parse_trickle(in, false), "3:a|b\n8:1|2\n");
	CHECK_STR_EQ(csv("\r\n\r\n"), "");
}

TEST(csv_raw_record)
{
	struct tsm_input *in;
	struct tsm_csv_reader *r;
	struct tsm_record *rec;
	const char *data = "a,b\r\n\"x\ny\", 2 \r\nlast";

	in = tsm_input_open(unit_tmpfile(data, strlen(data)));
	r = tsm_csv_open(in, false, 0);
	CHECK_INT_EQ(tsm_csv_next_record(r, &rec), 1);
	CHECK_INT_EQ(rec->rawlen, 3);
	CHECK(memcmp(rec->raw, "a,b", 3) == 0);
	CHECK_INT_EQ(tsm_csv_next_record(r, &rec), 1);
	CHECK_INT_EQ(rec->line, 2);
	CHECK_INT_EQ(rec->rawlen, 9);
	CHECK(memcmp(rec->raw, "\"x\ny\", 2 ", 9) == 0);
	CHECK_STR_EQ(rec->fields[1].s, "2");
	CHECK_INT_EQ(tsm_csv_next_record(r, &rec), 1);
	CHECK_INT_EQ(rec->rawlen, 4);
	CHECK(memcmp(rec->raw, "last", 4) == 0);
	CHECK_INT_EQ(tsm_csv_next_record(r, &rec), 0);
	tsm_csv_close(r);
	tsm_input_close(in);
}

TEST(csv_file_ends_inside_quotes)
{
	CHECK_STR_EQ(csv("a,b\n1,\"abc\ndef\n"), "1:a|b\nERROR");
	CHECK(strstr(errtext, "error: \"") != NULL);
	CHECK(strstr(errtext, "\" line 2: the file ends inside a quoted field "
	    "that starts on line 2") != NULL);
	CHECK_STR_EQ(csv("a,b\n1,\n\"x\",\"abc"), "1:a|b\n2:1|\nERROR");
	CHECK(strstr(errtext, "line 3: the file ends inside a quoted field "
	    "that starts on line 3") != NULL);
	/* The open field starts on a later line than its record. */
	CHECK_STR_EQ(csv("\"a\nb\",\"c"), "ERROR");
	CHECK(strstr(errtext, "line 1: the file ends inside a quoted field "
	    "that starts on line 2") != NULL);
}

TEST(csv_stray_quotes_are_errors)
{
	CHECK_STR_EQ(csv("a,b\nxy,ab\"c\n"), "1:a|b\nERROR");
	CHECK(strstr(errtext, "line 2, column 6: a quote inside an unquoted "
	    "field") != NULL);
	CHECK(strstr(errtext, "hint: ") != NULL);
	CHECK_STR_EQ(csv("a,b\n\"ab\"c,d\n"), "1:a|b\nERROR");
	CHECK(strstr(errtext, "line 2, column 5: text after the closing quote "
	    "of a field") != NULL);
	/* Columns count characters, and lines inside a quoted field count. */
	CHECK_STR_EQ(csv("\"é\n\xc3\xa9\"x\n"), "ERROR");
	CHECK(strstr(errtext, "line 2, column 3: text after") != NULL);
}

TEST(csv_invalid_utf8)
{
	CHECK_STR_EQ(csv("a,b\nok,caf\xe9\n"), "1:a|b\nERROR");
	CHECK(strstr(errtext, "line 2, column 7: invalid UTF-8 (byte 0xe9)") !=
	    NULL);
	CHECK(strstr(errtext, "hint: ") != NULL);
	CHECK_STR_EQ(csv("\"x\nab\xc3\x28\"\n"), "ERROR");
	CHECK(strstr(errtext, "line 2, column 3: invalid UTF-8 (byte 0xc3)") !=
	    NULL);
	/* Overlong, surrogate, beyond U+10FFFF, truncated at the end. */
	CHECK_STR_EQ(csv("\xc0\xaf\n"), "ERROR");
	CHECK_STR_EQ(csv("\xed\xa0\x80\n"), "ERROR");
	CHECK_STR_EQ(csv("\xf4\x90\x80\x80\n"), "ERROR");
	CHECK_STR_EQ(csv("ab\xe2\x82"), "ERROR");
	CHECK_STR_EQ(csv("\xe2\x82\xac,\xf0\x9f\x98\x80\n"),
	    "1:\xe2\x82\xac|\xf0\x9f\x98\x80\n");
	CHECK_STR_EQ(parse_file("a\0b\n", 4, false, 0), "ERROR");
	CHECK(strstr(errtext, "line 1, column 2: a NUL byte") != NULL);
}

TEST(csv_utf16_refused)
{
	CHECK_STR_EQ(parse_file("\xff\xfe" "a\0\n\0", 6, false, 0), "ERROR");
	CHECK(strstr(errtext, "the input is UTF-16") != NULL);
}

TEST(csv_lone_cr)
{
	CHECK_STR_EQ(csv("a,b\rc,d\n"), "1:a|b\nERROR");
	CHECK(strstr(errtext, "carriage return") != NULL);
	/* A CR inside quotes is data; one before spaces and LF is a line end. */
	CHECK_STR_EQ(csv("\"a\rb\",c\n"), "1:<a\rb>|c\n");
	CHECK_STR_EQ(csv("a,b\r  \nc\n"), "1:a|b\n2:c\n");
}

TEST(csv_record_over_limit)
{
	char big[300];

	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	CHECK_STR_EQ(parse_file(big, sizeof(big), false, 100), "ERROR");
	CHECK(strstr(errtext, "line 1: a record is longer than 100 bytes") !=
	    NULL);
	/* A quote left open runs into the limit, with a hint. */
	memcpy(big, "a\n\"", 3);
	CHECK_STR_EQ(parse_file(big, sizeof(big), false, 100), "1:a\nERROR");
	CHECK(strstr(errtext, "line 2: a record is longer than 100 bytes") !=
	    NULL);
	CHECK(strstr(errtext, "closing quote") != NULL);
	/* Exactly at the limit is fine. */
	CHECK_STR_EQ(parse_file("abcde\r\n", 7, false, 5), "1:abcde\n");
	CHECK_STR_EQ(parse_file("abcdef\n", 7, true, 5), "ERROR");
}

/* Records that cross the 64 KiB reads of a file keep their lines. */
TEST(csv_large_input_crosses_chunks)
{
	size_t cap = 2000000, n = 0;
	char *data = malloc(cap);
	struct tsm_input *in;
	struct tsm_csv_reader *r;
	struct tsm_record *rec;
	int k, i = 0, bad = 0;
	unsigned long long line = 1;

	for (int j = 0; n + 200 < cap; j++) {
		if (j % 7 == 3)
			n += (size_t)snprintf(data + n, cap - n,
			    "%d,\"q\n%d\",x\r\n", j, j);
		else if (j % 11 == 5)
			n += (size_t)snprintf(data + n, cap - n, "\n");
		else
			n += (size_t)snprintf(data + n, cap - n,
			    "%d,1.%d,some text %d\n", j, j, j);
	}
	in = tsm_input_open(unit_tmpfile(data, n));
	r = tsm_csv_open(in, false, 0);
	for (int j = 0; (k = tsm_csv_next_record(r, &rec)) > 0; j++) {
		while (j % 11 == 5 && j % 7 != 3) {
			line++;
			j++;
		}
		if (rec->line != line || atoi(rec->fields[0].s) != j ||
		    rec->nfields != 3)
			bad++;
		if (j % 7 == 3) {
			char want[32];

			snprintf(want, sizeof(want), "q\n%d", j);
			if (strcmp(rec->fields[1].s, want) != 0 ||
			    !rec->fields[1].quoted)
				bad++;
			line += 2;
		} else {
			line++;
		}
		i++;
	}
	CHECK_INT_EQ(k, 0);
	CHECK_INT_EQ(bad, 0);
	CHECK(i > 50000);
	tsm_csv_close(r);
	tsm_input_close(in);
	free(data);
}

TEST(csv_gzip_input)
{
	const char *text = "time,close\n1,2\n\"3\n\",4\n";
	size_t zlen;
	unsigned char *z = unit_gzip(text, strlen(text), &zlen);

	CHECK_STR_EQ(parse_file((char *)z, zlen, false, 0),
	    "1:time|close\n2:1|2\n3:<3\n>|4\n");
	free(z);
}

TEST(tsv_records)
{
	CHECK_STR_EQ(tsv("a\tb\tc\n1\t\\N\t\n"), "1:a|b|c\n2:1|\\N|\n");
	CHECK_STR_EQ(tsv("a\\tb\t\\\\N\t\\n\\r\\\\\r\n"),
	    "1:a\tb|\\N|\n\r\\\n");
	CHECK_STR_EQ(tsv("\\101\\x42\\q\tx\\\n"), "1:ABq|x\\\n");
	CHECK_STR_EQ(tsv("\xef\xbb\xbf" "a\n\n \r\n\tb\n"), "1:a\n4:|b\n");
	CHECK_STR_EQ(tsv("a,\"b\"\n"), "1:a,\"b\"\n");
	CHECK_STR_EQ(tsv("x\ty"), "1:x|y\n");
	CHECK_STR_EQ(parse_trickle("a\tb\r\n\n\\N\t\\t\n", true),
	    "1:a|b\n3:\\N|\t\n");
}

TEST(tsv_invalid_utf8)
{
	CHECK_STR_EQ(tsv("a\n\tcaf\xe9\n"), "1:a\nERROR");
	CHECK(strstr(errtext, "line 2, column 5: invalid UTF-8") != NULL);
	CHECK_STR_EQ(tsv("a\tb\\xe9c\n"), "ERROR");
	CHECK(strstr(errtext, "line 1, column 3: the escapes in this field") !=
	    NULL);
	CHECK_STR_EQ(tsv("\\xc3\\xa9\n"), "1:\xc3\xa9\n");
	CHECK_STR_EQ(tsv("a\\000\n"), "ERROR");
}

static const char *const time_aliases[] = {"timestamp", "open_time", "date",
	"datetime", "ts", NULL};
static const char *const vol_aliases[] = {"vol", NULL};
static const struct tsm_colspec specs[] = {
	{"time", time_aliases, true},
	{"open", NULL, false},
	{"high", NULL, false},
	{"low", NULL, false},
	{"close", NULL, true},
	{"volume", vol_aliases, false},
};
#define NSPECS ((int)(sizeof(specs) / sizeof(specs[0])))

/* Reads the first record of a CSV text (static: one at a time). */
static struct tsm_record *
first_record(const char *text)
{
	static struct tsm_input *in;
	static struct tsm_csv_reader *r;
	struct tsm_record *rec = NULL;

	tsm_csv_close(r);
	tsm_input_close(in);
	in = tsm_input_open(unit_tmpfile(text, strlen(text)));
	r = tsm_csv_open(in, false, 0);
	if (tsm_csv_next_record(r, &rec) != 1)
		return NULL;
	return rec;
}

TEST(csv_header_detection)
{
	CHECK(tsm_csv_is_header(first_record("open_time,open,close\n"), specs,
	    NSPECS));
	CHECK(tsm_csv_is_header(first_record(" Time ,CLOSE\n"), specs,
	    NSPECS));
	CHECK(!tsm_csv_is_header(first_record("1706745600000,33.1,33.2\n"),
	    specs, NSPECS));
	CHECK(!tsm_csv_is_header(first_record("time,33.1\n"), specs, NSPECS));
	CHECK(!tsm_csv_is_header(first_record("foo,bar\n"), specs, NSPECS));
	CHECK(!tsm_csv_is_header(
	    first_record("2024-03-01T00:00:00Z,BTC,1\n"), specs, NSPECS));
}

TEST(csv_header_mapping)
{
	int map[NSPECS];
	const char *err;
	bool ok;

	unit_capture_begin();
	ok = tsm_csv_map_header(first_record(
	    "Open_Time,open,HIGH, low ,close,Vol,ignore,x\n"), specs, NSPECS,
	    map);
	err = unit_capture_end();
	CHECK(ok);
	CHECK_INT_EQ(map[0], 0);
	CHECK_INT_EQ(map[1], 1);
	CHECK_INT_EQ(map[2], 2);
	CHECK_INT_EQ(map[3], 3);
	CHECK_INT_EQ(map[4], 4);
	CHECK_INT_EQ(map[5], 5);
	CHECK(strstr(err, "ignoring columns \"ignore\", \"x\"") != NULL);

	unit_capture_begin();
	ok = tsm_csv_map_header(first_record("close,time\n"), specs, NSPECS,
	    map);
	err = unit_capture_end();
	CHECK(ok);
	CHECK_INT_EQ(map[0], 1);
	CHECK_INT_EQ(map[4], 0);
	CHECK_INT_EQ(map[1], -1);
	CHECK_STR_EQ(err, "");
}

TEST(csv_header_mapping_errors)
{
	int map[NSPECS];
	const char *err;
	bool ok;

	unit_capture_begin();
	ok = tsm_csv_map_header(first_record("time,timestamp,close\n"), specs,
	    NSPECS, map);
	err = unit_capture_end();
	CHECK(!ok);
	CHECK(strstr(err, "error: columns \"time\" and \"timestamp\" both name "
	    "\"time\"") != NULL);

	unit_capture_begin();
	ok = tsm_csv_map_header(first_record("time,open,high,low\n"), specs,
	    NSPECS, map);
	err = unit_capture_end();
	CHECK(!ok);
	CHECK(strstr(err, "error: no column for \"close\": the header has "
	    "time, open, high, low\n") != NULL);

	unit_capture_begin();
	ok = tsm_csv_map_header(first_record("open,high\n"), specs, NSPECS, map);
	err = unit_capture_end();
	CHECK(!ok);
	CHECK(strstr(err, "no columns for \"time\", \"close\"") != NULL);

	unit_capture_begin();
	ok = tsm_csv_map_header(first_record("time,,close\n"), specs, NSPECS,
	    map);
	err = unit_capture_end();
	CHECK(!ok);
	CHECK(strstr(err, "column 2 of the header has no name") != NULL);
}

TEST(csv_columns_option)
{
	int map[NSPECS], n = 0;
	const char *err;
	bool ok;

	ok = tsm_csv_map_names("time,open,high,,close", specs, NSPECS, map, &n);
	CHECK(ok);
	CHECK_INT_EQ(n, 5);
	CHECK_INT_EQ(map[0], 0);
	CHECK_INT_EQ(map[2], 2);
	CHECK_INT_EQ(map[3], -1);
	CHECK_INT_EQ(map[4], 4);

	unit_capture_begin();
	ok = tsm_csv_map_names("TS, Close ,trades", specs, NSPECS, map, &n);
	err = unit_capture_end();
	CHECK(ok);
	CHECK_INT_EQ(n, 3);
	CHECK_INT_EQ(map[0], 0);
	CHECK_INT_EQ(map[4], 1);
	CHECK(strstr(err, "ignoring column \"trades\"") != NULL);

	unit_capture_begin();
	ok = tsm_csv_map_names("time,open", specs, NSPECS, map, &n);
	err = unit_capture_end();
	CHECK(!ok);
	CHECK(strstr(err, "no column for \"close\": the column list has "
	    "time, open") != NULL);

	unit_capture_begin();
	ok = tsm_csv_map_names("time,close,date", specs, NSPECS, map, &n);
	err = unit_capture_end();
	CHECK(!ok);
	CHECK(strstr(err, "columns \"time\" and \"date\" both name") != NULL);
	first_record("");
}

/* Line ends split across reads give the same records and errors. */
TEST(csv_line_ends_across_reads)
{
	CHECK_STR_EQ(parse_trickle("\xef\xbb\xbf" "a,b\r\n\r\n1,\"2\"\r\n3,4",
	    false), "1:a|b\n3:1|<2>\n4:3|4\n");
	CHECK_STR_EQ(parse_trickle("a,b\rc,d\n", false), "1:a|b\nERROR");
	CHECK(strstr(errtext, "carriage return") != NULL);
	CHECK_STR_EQ(parse_trickle("a,b\n\"x\"y\n", false), "1:a|b\nERROR");
	CHECK(strstr(errtext, "pipe\" line 2, column 4: text after the closing "
	    "quote") != NULL);
	CHECK_STR_EQ(parse_trickle("a\nb\xe9\n", false), "1:a\nERROR");
	CHECK(strstr(errtext, "line 2, column 2: invalid UTF-8") != NULL);
}

TEST(csv_gzip_truncated_and_bom)
{
	const char *text = "\xef\xbb\xbf" "time,close\n1,2\n3,4\n";
	size_t zlen;
	unsigned char *z = unit_gzip(text, strlen(text), &zlen);

	CHECK_STR_EQ(parse_file((char *)z, zlen, false, 0),
	    "1:time|close\n2:1|2\n3:3|4\n");
	/* Records come as they inflate; the cut shows at the end. */
	CHECK_STR_EQ(parse_file((char *)z, zlen - 6, false, 0),
	    "1:time|close\n2:1|2\n3:3|4\nERROR");
	CHECK(strstr(errtext, "is a truncated or damaged gzip file") != NULL);
	free(z);
}

TEST(csv_stdin_is_named_without_quotes)
{
	int fds[2], saved = dup(0);
	struct tsm_input *in;

	CHECK(pipe(fds) == 0);
	CHECK(write(fds[1], "a\"b\n", 4) == 4);
	close(fds[1]);
	dup2(fds[0], 0);
	close(fds[0]);
	in = tsm_input_open("-");
	CHECK_STR_EQ(tsm_input_name(in), "stdin");
	render(in, false, 0);
	CHECK_STR_EQ(out, "ERROR");
	CHECK(strstr(errtext, "error: stdin line 1, column 2: a quote inside") !=
	    NULL);
	tsm_input_close(in);
	dup2(saved, 0);
	close(saved);
}

/*
 * Found by fuzz_csv: a line that began with a whole chunk (64 KiB) of
 * spaces lost them, as if they were a blank line: in TSV they are data.
 * A blank line that long is still skipped and counted, and one longer
 * than the record limit that turns out to be a record is refused.
 */
TEST(csv_long_run_of_leading_blanks)
{
	size_t n = 70000;
	char *s = malloc(2 * n + 64);
	struct tsm_input *in;
	struct tsm_csv_reader *r;
	struct tsm_record *rec;

	/* Line 1: blanks only; line 2: blanks, then x<TAB>y. */
	memset(s, ' ', n);
	s[n] = '\n';
	memset(s + n + 1, ' ', n);
	memcpy(s + 2 * n + 1, "x\ty\n", 5);
	for (int mode = 0; mode < 2; mode++) {
		in = tsm_input_open(unit_tmpfile(s, 2 * n + 5));
		r = tsm_csv_open(in, mode == 1, 0);
		CHECK_INT_EQ(tsm_csv_next_record(r, &rec), 1);
		CHECK_INT_EQ(rec->line, 2);
		CHECK_INT_EQ(rec->rawlen, n + 3);
		if (mode == 1) {
			CHECK_INT_EQ(rec->nfields, 2);
			CHECK_INT_EQ(rec->fields[0].len, n + 1);
			CHECK(rec->fields[0].s[0] == ' ' &&
			    rec->fields[0].s[n] == 'x');
		} else {
			CHECK_INT_EQ(rec->nfields, 1);
			CHECK_STR_EQ(rec->fields[0].s, "x\ty");
		}
		CHECK_INT_EQ(tsm_csv_next_record(r, &rec), 0);
		tsm_csv_close(r);
		tsm_input_close(in);
	}
	/* Over the limit: the blanks count as part of the record. */
	CHECK_STR_EQ(parse_file(s + n + 1, n + 4, true, 1000), "ERROR");
	CHECK(strstr(errtext, "line 1: a record is longer than 1000 bytes") !=
	    NULL);
	/* Blank lines that long, then a record: skipped, counted. */
	memcpy(s + 2 * n + 1, "\nz\n", 4);
	CHECK_STR_EQ(parse_file(s, 2 * n + 4, true, 1000), "3:z\n");
	free(s);
}

/*
 * Found by fuzz_csv: after a record, a line that began with more than a
 * chunk of blanks came back with that record in front, in its
 * raw bytes (the line a rejects file shows) and, in TSV, in its first
 * field.
 */
TEST(csv_long_blank_prefix_after_a_record)
{
	size_t n = 70000;
	char *s = malloc(2 * n + 64);
	struct tsm_input *in;
	struct tsm_csv_reader *r;
	struct tsm_record *rec;

	/* The first record spans chunks too: its bytes are in rawbuf. */
	memset(s, 'a', n);
	memcpy(s + n, "\tb\n", 3);
	memset(s + n + 3, ' ', n);
	memcpy(s + 2 * n + 3, "x\ty\n", 4);
	for (int mode = 0; mode < 2; mode++) {
		in = tsm_input_open(unit_tmpfile(s, 2 * n + 7));
		r = tsm_csv_open(in, mode == 1, 0);
		CHECK_INT_EQ(tsm_csv_next_record(r, &rec), 1);
		CHECK_INT_EQ(rec->rawlen, n + 2);
		CHECK_INT_EQ(tsm_csv_next_record(r, &rec), 1);
		CHECK_INT_EQ(rec->line, 2);
		CHECK_INT_EQ(rec->rawlen, n + 3);
		CHECK(rec->raw[0] == ' ' && rec->raw[n] == 'x');
		if (mode == 1) {
			CHECK_INT_EQ(rec->nfields, 2);
			CHECK_INT_EQ(rec->fields[0].len, n + 1);
			CHECK(rec->fields[0].s[0] == ' ' &&
			    rec->fields[0].s[n] == 'x');
		}
		CHECK_INT_EQ(tsm_csv_next_record(r, &rec), 0);
		tsm_csv_close(r);
		tsm_input_close(in);
	}
	free(s);
}
