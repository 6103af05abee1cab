/*
 * test_csvfast.c: lines without quotes are split without libcsv
 * (csvin.c); they must come out exactly as libcsv splits them.  A line
 * without its line end at the end of the input still goes to libcsv,
 * which gives the two paths to compare on random lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "unit.h"
#include "util.h"

/* Fields of the first record of text, as "f1|f2|...". */
static void
fields_of(const char *text, size_t len, char *out, size_t size)
{
	struct tsm_input *in = tsm_input_open(unit_tmpfile(text, len));
	struct tsm_csv_reader *r = tsm_csv_open(in, false, 0);
	struct tsm_record *rec;
	size_t n = 0;

	out[0] = '\0';
	if (tsm_csv_next_record(r, &rec) == 1)
		for (int i = 0; i < rec->nfields; i++)
			n += (size_t)snprintf(out + n, size - n, "%s[%s]",
			    i ? "|" : "", rec->fields[i].s);
	tsm_csv_close(r);
	tsm_input_close(in);
}

static uint64_t state = 88172645463325252ULL;

static unsigned
next(unsigned n)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (unsigned)(state % n);
}

TEST(csv_plain_lines_split_as_libcsv_splits_them)
{
	static const char *const bits[] = { "a", "1.5", " ", "\t", ",",
	    "\xc3\xa9",
		"  x  ", "", ",,", "-" };
	char line[256], with_end[260], fast[1024], slow[1024];

	for (int t = 0; t < 2000; t++) {
		size_t n = 0;
		int k = 1 + (int)next(12);

		line[0] = 'z';		/* never a blank line */
		n = 1;
		for (int i = 0; i < k; i++) {
			const char *b = bits[next(10)];

			memcpy(line + n, b, strlen(b));
			n += strlen(b);
		}
		memcpy(with_end, line, n);
		with_end[n] = '\n';
		fields_of(with_end, n + 1, fast, sizeof(fast));
		fields_of(line, n, slow, sizeof(slow));
		if (strcmp(fast, slow) != 0) {
			line[n] = '\0';
			unit_fail(__FILE__, __LINE__, "\"%s\": %s, libcsv %s",
			    line,
			    fast, slow);
			return;
		}
	}
}
