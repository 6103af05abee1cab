/*
 * fuzz_sqlexpand.c: psql variables and \if in SQL files (sqlscript.h).
 *
 * The input is the text of a SQL file (up to its first NUL), expanded
 * with variables whose values hold quotes, backslashes, dollars and
 * semicolons.  Properties, beyond no crash and no leak:
 *  - the output has exactly one line per line of the input, so that the
 *    server's error positions name the right line of the file;
 *  - a text with no colon and no backslash command comes out unchanged
 *    (plus a final newline);
 *  - a value substituted as :'name' or :"name" never ends its quotes
 *    early: the raw value (holding both kinds of quotes) never appears
 *    in the output unless the input wrote it;
 *  - tsm_sql_line_of counts lines as the text has them.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fuzz.h"
#include "sqlscript.h"

static const struct tsm_sql_var vars[] = {
	{ "schema", "s\"q'l; DROP TABLE x; --" },
	{ "lit", "it's \"a\" \\ value $$ ;" },
	{ "native", "true" },
	{ "timescaledb", "false" },
	{ "ext", "public" },
	{ "n", "1" },
};
#define NVARS ((int)(sizeof(vars) / sizeof(vars[0])))

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* True if some line of text starts with a backslash. */
static bool
has_command(const char *text)
{
	for (const char *p = text; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (*p == '\\')
			return true;
	}
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	size_t len = strlen(text), lines;
	char *out;

	lines = count_lines(text) + (len > 0 && text[len - 1] != '\n');
	out = tsm_sql_expand("fuzz.sql", text, vars, NVARS);
	if (out != NULL) {
		size_t olen = strlen(out);

		FUZZ_CHECK(count_lines(out) == lines,
		    "%zu lines in, %zu lines out", lines, count_lines(out));
		if (strchr(text, ':') == NULL && !has_command(text)) {
			FUZZ_CHECK(olen == len + (len > 0 &&
			    text[len - 1] != '\n') && memcmp(out, text, len) == 0,
			    "a text without variables changed");
		}
		/*
		 * The values hold both quotes; quoted either way, one kind is
		 * doubled, so a whole raw value can only appear where the
		 * input itself wrote it.  (A part of one can: the input's
		 * it's "a followed by :"schema" makes it's "a"s""q'l.)
		 */
		for (int v = 0; v < 2; v++)
			FUZZ_CHECK(fuzz_count(out, olen, vars[v].value,
			    strlen(vars[v].value)) <= fuzz_count(text, len,
			    vars[v].value, strlen(vars[v].value)),
			    "the quotes of :%s were not doubled", vars[v].name);
		free(out);
	}
	for (size_t i = 0; i < 4 && len > 0; i++) {
		int pos = (int)(((size_t)data[i % size] * 131 + i) % (len + 1));
		int want = 1;

		for (int k = 0; k < pos; k++)
			want += text[k] == '\n';
		FUZZ_CHECK(tsm_sql_line_of(text, pos) == want,
		    "byte %d is on line %d, not %d", pos, want,
		    tsm_sql_line_of(text, pos));
	}
	free(text);
	return 0;
}
