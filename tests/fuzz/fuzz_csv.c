/*
 * fuzz_csv.c: CSV and TSV records (csvin.h), header mapping, and the
 * writers of out.h on what the reader gives.
 *
 * Every input is read as CSV and as TSV, with the default record limit
 * and a tiny one.  Properties, beyond no crash and no leak:
 *  - every record has at least one field; each field is valid UTF-8,
 *    NUL-terminated at its length and holds no NUL; line numbers never go
 *    back; raw bytes never exceed the limit nor end in a line end; a TSV
 *    record has one field more than its raw line has unescaped tabs;
 *  - once the reader refuses, it keeps refusing;
 *  - round trip: the records written by the csv (tsv) writer read back
 *    as the same fields (and NULLs);
 *  - the json writer writes one valid JSON object per record, holding
 *    exactly the fields;
 *  - the table writer writes one line per record whatever the fields
 *    hold, plus header, rule and footer;
 *  - a header mapping names fields that exist, each at most once.
 * The reader's chunk is shrunk in the fuzz build (TSM_CSVIN_CHUNK) so
 * that records straddle chunks.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "csvin.h"
#include "fuzz.h"
#include "input.h"
#include "out.h"
#include "utf8.h"

#define MAX_KEEP	512	/* records kept for the round trips */
#define MAX_COLS	64

struct kept {
	int nfields;
	char **vals;		/* NULL for a TSV \N */
	size_t *lens;
};

static struct kept keep[MAX_KEEP];
static int nkeep;

static void
forget(void)
{
	for (int i = 0; i < nkeep; i++) {
		for (int j = 0; j < keep[i].nfields; j++)
			free(keep[i].vals[j]);
		free(keep[i].vals);
		free(keep[i].lens);
	}
	nkeep = 0;
}

static void
remember(const struct tsm_record *rec)
{
	struct kept *k;

	if (nkeep == MAX_KEEP)
		return;
	k = &keep[nkeep++];
	k->nfields = rec->nfields;
	k->vals = calloc((size_t)rec->nfields, sizeof(*k->vals));
	k->lens = calloc((size_t)rec->nfields, sizeof(*k->lens));
	if (k->vals == NULL || k->lens == NULL)
		abort();
	for (int j = 0; j < rec->nfields; j++) {
		const struct tsm_field *f = &rec->fields[j];

		k->lens[j] = f->len;
		if (!f->null) {
			k->vals[j] = malloc(f->len + 1);
			if (k->vals[j] == NULL)
				abort();
			memcpy(k->vals[j], f->s, f->len + 1);
		}
	}
}

static const char *const time_aliases[] = {"timestamp", "open_time", "date",
	"datetime", "ts", NULL};
static const char *const vol_aliases[] = {"vol", "base_volume", NULL};
static const struct tsm_colspec specs[] = {
	{"time", time_aliases, true}, {"open", NULL, true},
	{"high", NULL, false}, {"low", NULL, false},
	{"close", NULL, true}, {"volume", vol_aliases, false},
};
#define NSPECS ((int)(sizeof(specs) / sizeof(specs[0])))

/* A map names distinct fields below nfields, or none. */
static void
check_map(const int *map, int nfields)
{
	for (int i = 0; i < NSPECS; i++) {
		FUZZ_CHECK(map[i] >= -1 && map[i] < nfields,
		    "spec %d mapped to field %d of %d", i, map[i], nfields);
		for (int j = 0; j < i; j++)
			FUZZ_CHECK(map[i] < 0 || map[i] != map[j],
			    "specs %d and %d share field %d", i, j, map[i]);
	}
}

static void
check_header(const struct tsm_record *rec)
{
	int map[NSPECS], n = 0;
	char *cols;

	(void)tsm_csv_is_header(rec, specs, NSPECS);
	if (tsm_csv_map_header(rec, specs, NSPECS, map))
		check_map(map, rec->nfields);
	cols = fuzz_strndup((const uint8_t *)rec->raw, rec->rawlen);
	if (tsm_csv_map_names(cols, specs, NSPECS, map, &n))
		check_map(map, n);
	free(cols);
}

static void
check_record(const struct tsm_record *rec, bool tsv, size_t limit,
    uint64_t *last_line)
{
	size_t tabs = 0;

	FUZZ_CHECK(rec->nfields >= 1, "a record without fields");
	FUZZ_CHECK(rec->line >= *last_line && rec->line >= 1,
	    "line %llu after line %llu", (unsigned long long)rec->line,
	    (unsigned long long)*last_line);
	*last_line = rec->line;
	FUZZ_CHECK(limit == 0 || rec->rawlen <= limit,
	    "a record of %zu bytes passed the limit %zu", rec->rawlen, limit);
	FUZZ_CHECK(rec->rawlen == 0 || (rec->raw[rec->rawlen - 1] != '\n'),
	    "raw bytes end in a line feed");
	for (int j = 0; j < rec->nfields; j++) {
		const struct tsm_field *f = &rec->fields[j];

		FUZZ_CHECK(f->s != NULL && f->s[f->len] == '\0',
		    "field %d is not NUL-terminated at its length", j);
		FUZZ_CHECK(strlen(f->s) == f->len, "field %d holds a NUL", j);
		FUZZ_CHECK(tsm_utf8_check((const unsigned char *)f->s, f->len) ==
		    f->len, "field %d is not valid UTF-8", j);
		FUZZ_CHECK(!f->null || (tsv && f->len == 0),
		    "field %d is NULL outside TSV", j);
		FUZZ_CHECK(!f->quoted || !tsv, "field %d quoted in TSV", j);
	}
	if (tsv) {
		/* A backslash escapes the byte after it, a tab included. */
		for (size_t i = 0; i < rec->rawlen; i++) {
			if (rec->raw[i] == '\\')
				i++;
			else
				tabs += rec->raw[i] == '\t';
		}
		FUZZ_CHECK((size_t)rec->nfields == tabs + 1,
		    "%d TSV fields for %zu tabs", rec->nfields, tabs);
	}
}

/*
 * Reads data as CSV or TSV; returns 0 when all of it was read, -1 when
 * the reader refused it.  Records are kept for the round trips.
 */
static int
read_all(const uint8_t *data, size_t size, bool tsv, size_t limit,
    bool check)
{
	struct tsm_input *in;
	struct tsm_csv_reader *r;
	struct tsm_record *rec;
	uint64_t last_line = 0;
	int k, nrec = 0;

	in = tsm_input_fdopen(fuzz_memfd(data, size), "fuzz.csv");
	if (in == NULL)
		abort();
	r = tsm_csv_open(in, tsv, limit);
	if (r == NULL)
		abort();
	forget();
	while ((k = tsm_csv_next_record(r, &rec)) > 0) {
		if (check) {
			check_record(rec, tsv, limit, &last_line);
			if (nrec == 0)
				check_header(rec);
		}
		remember(rec);
		nrec++;
	}
	if (k < 0) {
		FUZZ_CHECK(tsm_csv_next_record(r, &rec) == -1,
		    "the reader went on after refusing");
		FUZZ_CHECK(tsm_csv_next_record(r, &rec) == -1,
		    "the reader went on after refusing");
	} else {
		FUZZ_CHECK(tsm_csv_next_record(r, &rec) == 0,
		    "the reader went on after the end");
	}
	tsm_csv_close(r);
	tsm_input_close(in);
	return k;
}

/* Column names c0, c1, ... for the writers. */
static const char *const *
colnames(int n)
{
	static char buf[MAX_COLS][8];
	static const char *names[MAX_COLS];

	for (int i = 0; i < n && i < MAX_COLS; i++) {
		snprintf(buf[i], sizeof(buf[i]), "c%d", i);
		names[i] = buf[i];
	}
	return names;
}

/*
 * A record that cannot come back from a TSV line: one field of spaces
 * only (or empty) makes a line that readers skip as blank.  And any
 * record whose first bytes in the output would read as a byte-order mark.
 */
static bool
unrepresentable(const struct kept *k, bool tsv, bool first)
{
	if (first && k->vals[0] != NULL && k->lens[0] >= 3 &&
	    memcmp(k->vals[0], "\xef\xbb\xbf", 3) == 0)
		return true;
	if (!tsv || k->nfields != 1 || k->vals[0] == NULL)
		return false;
	for (size_t i = 0; i < k->lens[0]; i++)
		if (k->vals[0][i] != ' ')
			return false;
	return true;
}

/* Writes the kept records as csv or tsv and reads them back. */
static void
round_trip(bool tsv)
{
	struct kept *orig;
	int norig = nkeep, nout = 0, *idx;
	char *text = NULL;
	size_t textlen = 0;
	FILE *mem;

	/* The re-read fills keep[]: move the originals aside. */
	orig = malloc(sizeof(*orig) * (size_t)(norig ? norig : 1));
	idx = malloc(sizeof(*idx) * (size_t)(norig ? norig : 1));
	if (orig == NULL || idx == NULL)
		abort();
	memcpy(orig, keep, sizeof(*orig) * (size_t)norig);
	nkeep = 0;
	mem = open_memstream(&text, &textlen);
	for (int i = 0; i < norig; i++) {
		struct tsm_writer *w;

		if (orig[i].nfields > MAX_COLS ||
		    unrepresentable(&orig[i], tsv, nout == 0))
			continue;
		idx[nout++] = i;
		w = tsm_writer_new(mem, tsv ? TSM_FMT_TSV : TSM_FMT_CSV, false,
		    orig[i].nfields, colnames(orig[i].nfields), NULL);
		FUZZ_CHECK(w != NULL, "no writer");
		FUZZ_CHECK(tsm_writer_row(w, (const char *const *)orig[i].vals,
		    orig[i].lens), "a row not written");
		FUZZ_CHECK(tsm_writer_end(w), "a writer did not end");
	}
	fclose(mem);
	FUZZ_CHECK(read_all((const uint8_t *)text, textlen, tsv, 0, false) == 0,
	    "the %s writer's output was refused: %.*s", tsv ? "tsv" : "csv",
	    (int)(textlen < 200 ? textlen : 200), text);
	FUZZ_CHECK(nkeep == nout, "%d records written, %d read back", nout,
	    nkeep);
	for (int m = 0; m < nkeep; m++) {
		const struct kept *a = &orig[idx[m]], *b = &keep[m];

		FUZZ_CHECK(a->nfields == b->nfields,
		    "record %d: %d fields written, %d read back", m,
		    a->nfields, b->nfields);
		for (int j = 0; j < a->nfields; j++) {
			/* CSV writes NULL as an empty field. */
			const char *x = a->vals[j] ? a->vals[j] : tsv ? NULL : "";
			const char *y = b->vals[j];

			FUZZ_CHECK((x == NULL) == (y == NULL),
			    "record %d field %d: NULL changed", m, j);
			FUZZ_CHECK(x == NULL || strcmp(x, y) == 0,
			    "record %d field %d: \"%s\" came back as \"%s\"",
			    m, j, x, y);
		}
	}
	free(text);
	forget();
	memcpy(keep, orig, sizeof(*orig) * (size_t)norig);
	nkeep = norig;
	forget();
	free(orig);
	free(idx);
}

/* Each record as a JSON line, parsed back with jansson. */
static void
check_json(void)
{
	for (int i = 0; i < nkeep; i++) {
		struct kept *k = &keep[i];
		char *text = NULL;
		size_t textlen = 0;
		FILE *mem;
		struct tsm_writer *w;
		json_t *obj;
		json_error_t err;

		if (k->nfields > MAX_COLS)
			continue;
		mem = open_memstream(&text, &textlen);
		w = tsm_writer_new(mem, TSM_FMT_JSON, true, k->nfields,
		    colnames(k->nfields), NULL);
		FUZZ_CHECK(w != NULL && tsm_writer_row(w,
		    (const char *const *)k->vals, k->lens) && tsm_writer_end(w),
		    "json row not written");
		fclose(mem);
		FUZZ_CHECK(textlen > 0 && text[textlen - 1] == '\n' &&
		    memchr(text, '\n', textlen) == text + textlen - 1,
		    "a json row is not one line");
		obj = json_loadb(text, textlen, 0, &err);
		FUZZ_CHECK(obj != NULL && json_is_object(obj),
		    "invalid json: %s: %s", err.text, text);
		FUZZ_CHECK(json_object_size(obj) == (size_t)k->nfields,
		    "%zu keys for %d fields", json_object_size(obj),
		    k->nfields);
		for (int j = 0; j < k->nfields; j++) {
			json_t *v = json_object_get(obj, colnames(k->nfields)[j]);

			if (k->vals[j] == NULL) {
				FUZZ_CHECK(json_is_null(v), "NULL not null");
				continue;
			}
			FUZZ_CHECK(json_is_string(v) &&
			    json_string_length(v) == k->lens[j] &&
			    memcmp(json_string_value(v), k->vals[j],
			    k->lens[j]) == 0, "field %d changed in json: %s", j,
			    text);
		}
		json_decref(obj);
		free(text);
	}
}

/* All records in one table: one line each, whatever they hold. */
static void
check_table(void)
{
	int ncols = 1;
	char *text = NULL;
	size_t textlen = 0, lines;
	FILE *mem;
	struct tsm_writer *w;
	const char *row[MAX_COLS];
	size_t lens[MAX_COLS];

	for (int i = 0; i < nkeep; i++)
		if (keep[i].nfields > ncols && keep[i].nfields <= MAX_COLS)
			ncols = keep[i].nfields;
	mem = open_memstream(&text, &textlen);
	w = tsm_writer_new(mem, TSM_FMT_TABLE, true, ncols, colnames(ncols),
	    NULL);
	FUZZ_CHECK(w != NULL, "no table writer");
	for (int i = 0; i < nkeep; i++) {
		int n = keep[i].nfields < ncols ? keep[i].nfields : ncols;

		for (int j = 0; j < ncols; j++) {
			row[j] = j < n ? keep[i].vals[j] : NULL;
			lens[j] = j < n ? keep[i].lens[j] : 0;
		}
		FUZZ_CHECK(tsm_writer_row(w, row, lens), "table row");
		if (i == nkeep / 2)
			FUZZ_CHECK(tsm_writer_flush(w), "table flush");
	}
	FUZZ_CHECK(tsm_writer_end(w), "table end");
	fclose(mem);
	lines = 0;
	for (size_t i = 0; i < textlen; i++)
		lines += text[i] == '\n';
	FUZZ_CHECK(lines == (size_t)nkeep + 3, "%zu table lines for %d rows",
	    lines, nkeep);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int tsv = 0; tsv <= 1; tsv++) {
		/* A tiny limit: records over it are refused, not cut. */
		(void)read_all(data, size, tsv, 24, true);
		forget();
		if (read_all(data, size, tsv, 0, true) == 0) {
			check_json();
			check_table();
			round_trip(tsv);
		}
		forget();
	}
	return 0;
}
