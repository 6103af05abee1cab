/*
 * recload.c: reading bots' JSON files into checked rows, each with the key
 * that makes its migration idempotent.  recstore.c moves them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "jsonrec.h"
#include "log.h"
#include "recload_int.h"

/* Problems shown before the rest are only counted. */
#define MAX_SHOWN 20

struct tsm_recload *
tsm_recload_new(const struct tsm_recload_opts *o)
{
	struct tsm_recload *L = calloc(1, sizeof(*L));
	unsigned kind = (unsigned)o->map->kind;

	if (L == NULL) {
		tsm_error("out of memory");
		return NULL;
	}
	L->o = *o;
	for (int f = 0; f < TSM_NFIELDS; f++)
		if (tsm_fields[f].columns & kind)
			L->cols[L->ncols++] = f;
	return L;
}

void
tsm_recload_free(struct tsm_recload *L)
{
	if (L == NULL)
		return;
	for (int i = 0; i < L->nfiles; i++) {
		tsm_json_doc_free(&L->files[i].doc);
		free(L->files[i].source);
	}
	free(L->files);
	tsm_buf_free(&L->lines);
	tsm_buf_free(&L->paths);
	free(L->line_off);
	free(L->path_off);
	free(L->keys);
	free(L->file_of);
	free(L->skip);
	free(L->linked);
	free(L->seen);
	free(L);
}

/* The ordinal of this identity: 1 the first time, 2 the next... */
static unsigned
ordinal(struct tsm_recload *L, const unsigned char *id)
{
	size_t i;

	if (L->seen_n * 2 >= L->seen_cap) {
		size_t cap = L->seen_cap ? L->seen_cap * 2 : 1024;
		struct seen_slot *t = calloc(cap, sizeof(*t));

		if (t == NULL)
			return 0;
		for (size_t k = 0; k < L->seen_cap; k++) {
			struct seen_slot *s = &L->seen[k];
			uint64_t h;

			if (s->count == 0)
				continue;
			memcpy(&h, s->id, sizeof(h));
			for (i = h % cap; t[i].count; i = (i + 1) % cap)
				;
			t[i] = *s;
		}
		free(L->seen);
		L->seen = t;
		L->seen_cap = cap;
	}
	{
		uint64_t h;

		memcpy(&h, id, sizeof(h));
		for (i = h % L->seen_cap; L->seen[i].count; i = (i + 1) %
		    L->seen_cap)
			if (memcmp(L->seen[i].id, id, 16) == 0)
				return ++L->seen[i].count;
	}
	memcpy(L->seen[i].id, id, 16);
	L->seen[i].count = 1;
	L->seen_n++;
	return 1;
}

/* Appends s to a COPY text line, escaped; NULL as \N. */
static void
copy_field(struct tsm_buf *b, const char *s)
{
	size_t start = 0, i;

	if (s == NULL) {
		tsm_buf_append(b, "\\N", 2);
		return;
	}
	for (i = 0; s[i]; i++) {
		const char *esc;

		switch (s[i]) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		tsm_buf_append(b, s + start, i - start);
		tsm_buf_append(b, esc, 2);
		start = i + 1;
	}
	tsm_buf_append(b, s + start, i - start);
}

/* Makes room for one more row in the per-row arrays. */
static bool
grow(struct tsm_recload *L)
{
	size_t cap;

	if (L->nrows + 1 < L->cap)
		return true;
	cap = L->cap ? L->cap * 2 : 1024;
#define GROW(p) do { void *np_ = realloc((p), cap * sizeof(*(p))); \
	if (np_ == NULL) \
		return false; \
	(p) = np_; \
} while (0)
	GROW(L->line_off);
	GROW(L->path_off);
	GROW(L->keys);
	GROW(L->file_of);
	GROW(L->skip);
	GROW(L->linked);
#undef GROW
	L->cap = cap;
	return true;
}

/* Adds a checked row: its COPY line, key and path. */
static bool
add_row(struct tsm_recload *L, int fi, const struct tsm_row *row,
    const struct tsm_json_rec *rec)
{
	char *key;
	unsigned ord;
	const char *ex;

	if (!grow(L))
		goto oom;
	ord = ordinal(L, row->identity);
	if (ord == 0)
		goto oom;
	key = L->keys[L->nrows];
	tsm_hex(row->identity, 16, key);
	if (ord > 1)
		snprintf(key + 32, KEYLEN - 32, "-%u", ord);
	L->line_off[L->nrows] = L->lines.len;
	for (int c = 0; c < L->ncols; c++) {
		copy_field(&L->lines, tsm_row_get(row, L->cols[c]));
		tsm_buf_putc(&L->lines, '\t');
	}
	copy_field(&L->lines, L->files[fi].source);
	tsm_buf_putc(&L->lines, '\t');
	copy_field(&L->lines, key);
	tsm_buf_putc(&L->lines, '\t');
	copy_field(&L->lines, row->extra < 0 ? NULL :
	    row->arena.data + row->extra);
	tsm_buf_putc(&L->lines, '\n');
	L->path_off[L->nrows] = L->paths.len;
	tsm_json_rec_path(&L->paths, rec);
	tsm_buf_putc(&L->paths, '\0');
	L->file_of[L->nrows] = fi;
	L->skip[L->nrows] = false;
	ex = tsm_row_get(row, TSM_F_EXCHANGE);
	L->linked[L->nrows] = ex != NULL && *ex != '\0';
	L->nrows++;
	L->line_off[L->nrows] = L->lines.len;
	return !L->lines.failed && !L->paths.failed;
oom:
	tsm_error("out of memory");
	return false;
}

/* Reads one file: its records made rows, or problems reported. */
static bool
read_file(struct tsm_recload *L, const char *name,
    struct tsm_problems *pr)
{
	struct rfile *nf, *f;
	struct tsm_json_recs recs;
	struct tsm_row row;
	struct tsm_sha256 seed;
	const char *kind = tsm_rec_kind_name(L->o.map->kind);
	int fi;
	bool ok = true, warned = false;
	long before = pr->total;

	nf = realloc(L->files, (size_t)(L->nfiles + 1) * sizeof(*nf));
	if (nf == NULL) {
		tsm_error("out of memory");
		return false;
	}
	L->files = nf;
	fi = L->nfiles++;
	f = &L->files[fi];
	memset(f, 0, sizeof(*f));
	f->first = L->nrows;
	if (!tsm_json_doc_load(&f->doc, name, L->o.max_bytes)) {
		pr->total++;
		return false;
	}
	for (int i = 0; i < fi; i++)
		if (!f->doc.is_stdin && !L->files[i].doc.is_stdin &&
		    L->files[i].doc.dev == f->doc.dev &&
		    L->files[i].doc.ino == f->doc.ino) {
			tsm_error("%s is the same file as %s: give each file "
			    "once", f->doc.name, L->files[i].doc.name);
			pr->total++;
			return false;
		}
	if (L->o.source != NULL)
		f->source = strdup(L->o.source);
	else
		f->source = realpath(name, NULL);
	if (f->source == NULL) {
		tsm_error("cannot resolve the path of %s: %s", name,
		    strerror(errno));
		pr->total++;
		return false;
	}
	if (!tsm_json_find_records(&f->doc, L->o.path,
	    tsm_rec_containers(L->o.map->kind), &recs)) {
		pr->total++;
		tsm_json_recs_free(&recs);
		return false;
	}
	tsm_sha256_init(&seed);
	tsm_sha256_update(&seed, "tsm-migrate/1", 14);
	tsm_sha256_update(&seed, kind, strlen(kind) + 1);
	tsm_sha256_update(&seed, f->source, strlen(f->source) + 1);

	memset(&row, 0, sizeof(row));
	pr->file = f->doc.name;
	for (size_t i = 0; i < recs.n; i++) {
		if (tsm_interrupted) {
			ok = false;
			break;
		}
		if (!tsm_recmap_row(L->o.map, &recs.v[i], f->doc.nums, &seed,
		    &row, pr)) {
			if (pr->total == before) {
				ok = false;	/* out of memory */
				break;
			}
			continue;
		}
		if (pr->total > before)
			continue;	/* no more rows once one is bad */
		if (!add_row(L, fi, &row, &recs.v[i])) {
			ok = false;
			break;
		}
		if (L->stream != NULL && pr->total == 0 &&
		    L->lines.len - L->sent >= 256 * 1024)
			tsm_recload_stream_push(L);
		if (row.zoneless[0] && !warned) {
			tsm_warning("%s: zone-less times are read as UTC, "
			    "such as %s; give --tz if they are local times",
			    f->doc.name, row.zoneless);
			warned = true;
		}
	}
	f->n = L->nrows - f->first;
	tsm_buf_free(&row.arena);
	tsm_json_recs_free(&recs);
	/* The rows are made: the tree is not needed, the bytes are. */
	tsm_json_doc_drop_tree(&f->doc);
	return ok && pr->total == before;
}

bool
tsm_recload_read(struct tsm_recload *L, char *const *files, int n)
{
	struct tsm_problems pr;
	int bad_files = 0;

	memset(&pr, 0, sizeof(pr));
	pr.max = MAX_SHOWN;
	for (int i = 0; i < n; i++) {
		long before = pr.total;

		if (tsm_interrupted)
			return false;
		if (!read_file(L, files[i], &pr) && pr.total == before)
			return false;
		if (pr.total > before)
			bad_files++;
	}
	if (pr.total == 0)
		return true;
	if (pr.total > pr.shown && pr.shown > 0)
		tsm_error("%ld more problems not shown", pr.total - pr.shown);
	if (pr.total > 1 || n > 1)
		tsm_info("%ld problem%s in %d of %d file%s: nothing was "
		    "migrated", pr.total, pr.total == 1 ? "" : "s", bad_files,
		    n, n == 1 ? "" : "s");
	return false;
}

/* The qualified table: "tsm".trades.  The caller frees it. */
