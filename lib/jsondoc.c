/*
 * jsondoc.c: reading and parsing a JSON file, and saying what is wrong
 * with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cancel.h"
#include "jsondoc.h"
#include "log.h"
#include "utf8.h"

bool
tsm_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, mult = 1;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case '\0': break;
	case 'k': case 'K': mult = 1024; p++; break;
	case 'M': mult = 1024 * 1024; p++; break;
	case 'G': mult = 1024 * 1024 * 1024; p++; break;
	default: return false;
	}
	if (*p == 'B' || (*p == 'i' && p[1] == 'B' && p++))
		p++;
	if (*p != '\0' || v == 0 || v > UINT64_MAX / mult)
		return false;
	*out = v * mult;
	return true;
}

void
tsm_format_size(uint64_t n, char *buf, size_t bufsz)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, bufsz, "%llu bytes", (unsigned long long)n);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	if (v == (double)(uint64_t)v)
		snprintf(buf, bufsz, "%.0f %s", v, units[u]);
	else
		snprintf(buf, bufsz, "%.1f %s", v, units[u]);
}

/* The line and column (in characters, from 1) of byte offset off. */
static void
line_col(const unsigned char *s, size_t off, int *line, int *col)
{
	int l = 1, c = 1;

	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n') {
			l++;
			c = 1;
		} else if ((s[i] & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

/* Reads all of fd into d->bytes, stopping past max_bytes. */
static bool
read_all(struct tsm_json_doc *d, int fd, uint64_t max_bytes, size_t hint)
{
	size_t cap = hint > 0 ? hint + 1 : 65536, len = 0;
	unsigned char *buf = malloc(cap);

	if (buf == NULL) {
		tsm_error("out of memory reading %s", d->name);
		return false;
	}
	for (;;) {
		ssize_t r;

		if (len == cap) {
			unsigned char *nb;

			cap *= 2;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				tsm_error("out of memory reading %s", d->name);
				return false;
			}
			buf = nb;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR && !tsm_interrupted)
				continue;
			if (!tsm_interrupted)
				tsm_error("cannot read \"%s\": %s", d->name,
				    strerror(errno));
			free(buf);
			return false;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > max_bytes) {
			char lim[32];

			free(buf);
			tsm_format_size(max_bytes, lim, sizeof(lim));
			tsm_error("%s: more than --max-size (%s)", d->name,
			    lim);
			tsm_hint("the whole file is held in memory while it is "
			    "checked; raise the limit with --max-size if the "
			    "machine has the memory");
			return false;
		}
	}
	d->bytes = buf;
	d->len = len;
	return true;
}

/*
 * The token jansson quotes in "... near 'xx'" into buf, or "" when it
 * says "near end of file" or nothing.
 */
static void
near_token(const json_error_t *e, char *buf, size_t bufsz)
{
	const char *p = strstr(e->text, " near '");
	const char *q;

	buf[0] = '\0';
	if (p == NULL)
		return;
	p += 7;
	q = strrchr(p, '\'');
	if (q == NULL || q <= p)
		return;
	snprintf(buf, bufsz, "%.*s", (int)(q - p), p);
}

/* Reports a jansson parse error in words, with the line and column. */
static void
report_parse_error(const struct tsm_json_doc *d, const json_error_t *e)
{
	char what[240], tok[100];

	near_token(e, tok, sizeof(tok));
	switch (json_error_code(e)) {
	case json_error_premature_end_of_input:
		snprintf(what, sizeof(what), "the JSON ends in the middle of a "
		    "value (is the file cut short?)");
		break;
	case json_error_end_of_input_expected:
		if (tok[0])
			snprintf(what, sizeof(what), "unexpected text after "
			    "the end of the JSON value: %s", tok);
		else
			snprintf(what, sizeof(what), "unexpected text after "
			    "the end of the JSON value");
		break;
	case json_error_duplicate_key:
		snprintf(what, sizeof(what), "duplicate key %s in one object",
		    tok);
		break;
	case json_error_numeric_overflow:
		snprintf(what, sizeof(what), "a number out of range%s%s",
		    tok[0] ? ": " : " (an integer past 64 bits)", tok);
		break;
	case json_error_null_character:
		snprintf(what, sizeof(what), "a string holds \\u0000, which "
		    "PostgreSQL text cannot hold");
		break;
	case json_error_null_byte_in_key:
		snprintf(what, sizeof(what), "a key holds \\u0000");
		break;
	case json_error_stack_overflow:
		snprintf(what, sizeof(what), "the JSON is nested too deeply");
		break;
	case json_error_out_of_memory:
		snprintf(what, sizeof(what), "out of memory");
		break;
	default:
		snprintf(what, sizeof(what), "invalid JSON: %s", e->text);
	}
	tsm_error("%s: line %d, column %d: %s", d->name, e->line, e->column,
	    what);
	if (strcmp(tok, "NaN") == 0 || strcmp(tok, "Infinity") == 0 ||
	    strcmp(tok, "-Infinity") == 0)
		tsm_hint("NaN and Infinity are not JSON; Python writes them "
		    "unless told allow_nan=False");
}

/*
 * Looks at the first character that is not white space: a file that does
 * not start with [ or { is not a file of records, whatever follows.
 */
static bool
check_start(const struct tsm_json_doc *d, size_t off)
{
	const unsigned char *s = d->bytes;
	size_t i = off, end;
	int line, col;

	while (i < d->len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	    s[i] == '\r'))
		i++;
	if (i == d->len) {
		if (d->len == 0)
			tsm_error("%s is empty: expected JSON records",
			    d->name);
		else
			tsm_error("%s holds only white space: expected JSON "
			    "records", d->name);
		return false;
	}
	if (s[i] == '[' || s[i] == '{')
		return true;
	end = i;
	while (end < d->len && end - i < 30 && s[end] != '\n' &&
	    s[end] != '\r')
		end++;
	line_col(s, i, &line, &col);
	tsm_error("%s: line %d, column %d: not JSON records: expected a list "
	    "[...] or an object {...}, found \"%.*s\"", d->name, line, col,
	    (int)(end - i), (const char *)s + i);
	if (s[i] == '"' || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
	    s[i] == 't' || s[i] == 'f' || s[i] == 'n')
		tsm_hint("a JSON file of records holds a list or an object, "
		    "not a single value");
	return false;
}

bool
tsm_json_doc_load(struct tsm_json_doc *d, const char *path,
    uint64_t max_bytes)
{
	struct stat st;
	json_error_t err;
	size_t off = 0, bad;
	int fd;

	memset(d, 0, sizeof(*d));
	d->is_stdin = strcmp(path, "-") == 0;
	d->name = strdup(d->is_stdin ? "stdin" : path);
	if (d->name == NULL) {
		tsm_error("out of memory");
		return false;
	}
	if (d->is_stdin) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			tsm_error("cannot open \"%s\": %s", path,
			    strerror(errno));
			return false;
		}
	}
	if (fstat(fd, &st) != 0) {
		tsm_error("cannot read \"%s\": %s", d->name, strerror(errno));
		goto fail_fd;
	}
	if (S_ISDIR(st.st_mode)) {
		tsm_error("\"%s\" is a directory, not a JSON file", d->name);
		goto fail_fd;
	}
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_bytes) {
		char have[32], lim[32];

		tsm_format_size((uint64_t)st.st_size, have, sizeof(have));
		tsm_format_size(max_bytes, lim, sizeof(lim));
		tsm_error("%s is %s, more than --max-size (%s)", d->name, have,
		    lim);
		tsm_hint("the whole file is held in memory while it is "
		    "checked (about five times its size); raise the limit with "
		    "--max-size if the machine has the memory");
		goto fail_fd;
	}
	if (!read_all(d, fd, max_bytes, S_ISREG(st.st_mode) ?
	    (size_t)st.st_size : 0))
		goto fail_fd;
	if (!d->is_stdin)
		close(fd);
	fd = -1;

	/* Invalid UTF-8 and NUL bytes, found where they are. */
	bad = tsm_utf8_check(d->bytes, d->len);
	if (bad < d->len) {
		int line, col;

		line_col(d->bytes, bad, &line, &col);
		if (d->bytes[bad] == 0)
			tsm_error("%s: line %d, column %d: a NUL byte: this is "
			    "not a JSON text file", d->name, line, col);
		else {
			tsm_error("%s: line %d, column %d: invalid UTF-8 "
			    "(byte 0x%02x)", d->name, line, col, d->bytes[bad]);
			tsm_hint("JSON files are UTF-8; convert this one, such "
			    "as with iconv -f WINDOWS-1252 -t UTF-8");
		}
		return false;
	}
	if (d->len >= 3 && memcmp(d->bytes, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	if (!check_start(d, off))
		return false;
	(void)tsm_json_arena_begin(&d->arena, d->len);
	d->root = json_loadb((const char *)d->bytes + off, d->len - off,
	    JSON_REJECT_DUPLICATES, &err);
	tsm_json_arena_end();
	if (d->root == NULL) {
		tsm_json_arena_close(&d->arena);
		report_parse_error(d, &err);
		return false;
	}
	d->nums = tsm_json_numbers_build(d->bytes, d->len, d->root,
	    &d->arena);
	return true;

fail_fd:
	if (fd >= 0 && !d->is_stdin)
		close(fd);
	return false;
}

void
tsm_json_doc_drop_tree(struct tsm_json_doc *d)
{
	tsm_json_numbers_free(d->nums);
	d->nums = NULL;
	/* A tree wholly in its arena goes with it, unwalked. */
	if (d->root != NULL && (d->arena.base == NULL || d->arena.spilled))
		json_decref(d->root);
	d->root = NULL;
	tsm_json_arena_close(&d->arena);
}

void
tsm_json_doc_free(struct tsm_json_doc *d)
{
	tsm_json_doc_drop_tree(d);
	free(d->bytes);
	free(d->name);
	memset(d, 0, sizeof(*d));
}
