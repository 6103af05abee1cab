/*
 * ingest_batch.c: rows of one transaction, their keys and groups.
 *
 * Keys and groups are read back from the encoded rows (binary COPY is a
 * canonical form: equal values, equal bytes), hashed with FNV-1a and
 * kept in open-addressing tables sized for the batch, so that adding a
 * row costs one walk over its fields and one probe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest_batch.h"
#include "log.h"

#define FNV_OFFSET UINT64_C(14695981039346656037)
#define FNV_PRIME UINT64_C(1099511628211)

static uint64_t
fnv(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* Field pos of the encoded row at p: its bytes, and length (-1 NULL). */
static const unsigned char *
field_at(const unsigned char *p, int pos, int32_t *len)
{
	p += 2;
	for (int i = 0; i < pos; i++) {
		int32_t l = (int32_t)tsm_get_be32(p);

		p += 4 + (l > 0 ? l : 0);
	}
	*len = (int32_t)tsm_get_be32(p);
	return p + 4;
}

static int64_t
get_int8(const unsigned char *p)
{
	return (int64_t)((uint64_t)tsm_get_be32(p) << 32 | tsm_get_be32(p + 4));
}

/* True if the columns flagged with flag are equal in rows a and b. */
static bool
same_fields(const struct tsm_ingest_map *m, const unsigned char *a,
    const unsigned char *b, unsigned flag)
{
	a += 2;
	b += 2;
	for (int j = 0; j < m->ncols; j++) {
		int32_t la = (int32_t)tsm_get_be32(a),
		    lb = (int32_t)tsm_get_be32(b);
		bool want = (m->kind->cols[m->cols[j]].flags & flag) != 0;

		if (want && (la != lb || (la > 0 && memcmp(a + 4, b + 4,
		    (size_t)la) != 0)))
			return false;
		a += 4 + (la > 0 ? la : 0);
		b += 4 + (lb > 0 ? lb : 0);
	}
	return true;
}

/* Hashes of the key and of the group columns of an encoded row. */
static void
hash_row(const struct tsm_ingest_map *m, const unsigned char *p,
    uint64_t *key, uint64_t *group)
{
	uint64_t hk = FNV_OFFSET, hg = FNV_OFFSET;

	p += 2;
	for (int j = 0; j < m->ncols; j++) {
		unsigned flags = m->kind->cols[m->cols[j]].flags;
		int32_t l = (int32_t)tsm_get_be32(p);
		size_t n = 4 + (l > 0 ? (size_t)l : 0);

		if (flags & TSM_C_KEY)
			hk = fnv(hk, p, n);
		if (flags & TSM_C_GROUP)
			hg = fnv(hg, p, n);
		p += n;
	}
	*key = hk;
	*group = hg;
}

bool
tsm_batch_init(struct tsm_batch *b, const struct tsm_ingest_map *m,
    size_t max_rows)
{
	memset(b, 0, sizeof(*b));
	b->map = m;
	b->cap = max_rows > 0 ? max_rows : 1;
	b->nslots = 16;
	while (b->nslots < 2 * b->cap)
		b->nslots *= 2;
	b->gcap = 16;
	b->ngslots = 64;
	b->meta = malloc(b->cap * sizeof(*b->meta));
	b->slots = malloc(b->nslots * sizeof(*b->slots));
	b->groups = malloc((size_t)b->gcap * sizeof(*b->groups));
	b->gslots = malloc((size_t)b->ngslots * sizeof(*b->gslots));
	if (b->meta == NULL || b->slots == NULL || b->groups == NULL ||
	    b->gslots == NULL) {
		tsm_batch_free(b);
		tsm_error("out of memory");
		return false;
	}
	b->range_col = b->time_pos = -1;
	for (int j = 0; j < m->ncols; j++) {
		unsigned flags = m->kind->cols[m->cols[j]].flags;

		if (flags & TSM_C_RANGE)
			b->range_col = j;
		if (flags & TSM_C_TIME)
			b->time_pos = j;
	}
	tsm_batch_reset(b, "");
	return true;
}

void
tsm_batch_free(struct tsm_batch *b)
{
	tsm_copybuf_free(&b->rows);
	free(b->meta);
	free(b->slots);
	free(b->groups);
	free(b->gslots);
	memset(b, 0, sizeof(*b));
}

void
tsm_batch_reset(struct tsm_batch *b, const char *input)
{
	tsm_copybuf_clear(&b->rows);
	b->nrows = 0;
	b->ngroups = 0;
	b->ndup = 0;
	b->tmin = INT64_MAX;
	b->tmax = INT64_MIN;
	b->first_line = b->last_line = 0;
	b->all_stage = false;
	memset(b->slots, 0xff, b->nslots * sizeof(*b->slots));
	memset(b->gslots, 0xff, (size_t)b->ngslots * sizeof(*b->gslots));
	snprintf(b->input, sizeof(b->input), "%s", input);
}

/* Doubles the group slots and puts every group back. */
static bool
grow_groups(struct tsm_batch *b)
{
	int n = b->ngslots * 2;
	int32_t *s = malloc((size_t)n * sizeof(*s));

	if (s == NULL)
		return false;
	memset(s, 0xff, (size_t)n * sizeof(*s));
	for (int g = 0; g < b->ngroups; g++) {
		size_t i = (size_t)b->groups[g].hash & (size_t)(n - 1);

		while (s[i] >= 0)
			i = (i + 1) & (size_t)(n - 1);
		s[i] = g;
	}
	free(b->gslots);
	b->gslots = s;
	b->ngslots = n;
	return true;
}

/* The group of the row at index r (hash gh), made if new; -1 on OOM. */
static int32_t
group_of(struct tsm_batch *b, uint64_t gh, size_t r)
{
	const unsigned char *p = b->rows.data + b->meta[r].off;
	size_t i = (size_t)gh & (size_t)(b->ngslots - 1);
	struct tsm_group *g;

	for (; b->gslots[i] >= 0; i = (i + 1) & (size_t)(b->ngslots - 1)) {
		g = &b->groups[b->gslots[i]];
		if (g->hash == gh && same_fields(b->map, p, b->rows.data +
		    b->meta[g->first_row].off, TSM_C_GROUP))
			return b->gslots[i];
	}
	if (b->ngroups == b->gcap) {
		struct tsm_group *ng = realloc(b->groups,
		    (size_t)b->gcap * 2 * sizeof(*ng));

		if (ng == NULL)
			return -1;
		b->groups = ng;
		b->gcap *= 2;
	}
	if (2 * (b->ngroups + 1) > b->ngslots) {
		if (!grow_groups(b))
			return -1;
		return group_of(b, gh, r);
	}
	g = &b->groups[b->ngroups];
	g->hash = gh;
	g->first_row = (int32_t)r;
	/* A dimension the kind lacks is one point, which always overlaps. */
	g->tlo = b->time_pos >= 0 ? INT64_MAX : 0;
	g->thi = b->time_pos >= 0 ? INT64_MIN : 0;
	g->rlo = b->range_col >= 0 ? INT64_MAX : 0;
	g->rhi = b->range_col >= 0 ? INT64_MIN : 0;
	g->stage = false;
	g->skip_probe = false;
	g->probed = false;
	g->above = false;
	b->gslots[i] = b->ngroups;
	return b->ngroups++;
}

int
tsm_batch_add(struct tsm_batch *b, const struct tsm_irow *row,
    enum tsm_conflict mode, uint64_t *dup_line, int64_t arrival)
{
	const struct tsm_ingest_map *m = b->map;
	struct tsm_batch_row *br;
	size_t off = b->rows.len, r = b->nrows, i;
	uint64_t kh, gh;
	int32_t len, g;
	const unsigned char *p;

	tsm_ingest_encode(m, row, &b->rows);
	if (b->rows.oom || b->nrows == b->cap) {
		tsm_error("out of memory");
		return -1;
	}
	if (b->rows.len > UINT32_MAX) {
		tsm_error("a batch holds more than 4 GB of rows");
		tsm_hint("use a smaller --batch-rows");
		return -1;
	}
	p = b->rows.data + off;
	hash_row(m, p, &kh, &gh);
	br = &b->meta[r];
	br->off = (uint32_t)off;
	br->len = (uint32_t)(b->rows.len - off);
	br->hash = kh;
	br->line = row->line;
	br->arrival = arrival;
	br->dead = false;

	for (i = (size_t)kh & (b->nslots - 1); b->slots[i] >= 0;
	    i = (i + 1) & (b->nslots - 1)) {
		struct tsm_batch_row *o = &b->meta[b->slots[i]];

		if (o->hash != kh || !same_fields(m, p, b->rows.data + o->off,
		    TSM_C_KEY))
			continue;
		if (mode == TSM_CONFLICT_ERROR) {
			*dup_line = o->line;
			b->rows.len = off;
			return 0;
		}
		b->ndup++;
		if (mode == TSM_CONFLICT_NOTHING) {
			/* The first row stays; this one is not kept. */
			b->rows.len = off;
			if (b->first_line == 0)
				b->first_line = row->line;
			b->last_line = row->line;
			return 1;
		}
		o->dead = true;
		b->slots[i] = (int32_t)r;
		goto place;
	}
	b->slots[i] = (int32_t)r;
place:
	g = group_of(b, gh, r);
	if (g < 0) {
		tsm_error("out of memory");
		return -1;
	}
	br->group = g;
	b->nrows++;
	if (b->first_line == 0)
		b->first_line = row->line;
	b->last_line = row->line;
	if (b->time_pos >= 0) {
		const unsigned char *f = field_at(p, b->time_pos, &len);
		int64_t t = get_int8(f) + TSM_PG_EPOCH_USECS;

		if (t < b->tmin)
			b->tmin = t;
		if (t > b->tmax)
			b->tmax = t;
		if (t < b->groups[g].tlo)
			b->groups[g].tlo = t;
		if (t > b->groups[g].thi)
			b->groups[g].thi = t;
	}
	if (b->range_col >= 0) {
		const unsigned char *f = field_at(p, b->range_col, &len);
		int64_t v = get_int8(f);

		if (v < b->groups[g].rlo)
			b->groups[g].rlo = v;
		if (v > b->groups[g].rhi)
			b->groups[g].rhi = v;
	}
	return 1;
}

size_t
tsm_batch_live(const struct tsm_batch *b)
{
	size_t n = 0;

	for (size_t r = 0; r < b->nrows; r++)
		n += !b->meta[r].dead;
	return n;
}

void
tsm_batch_split(const struct tsm_batch *b, size_t *direct, size_t *staged)
{
	*direct = *staged = 0;
	for (size_t r = 0; r < b->nrows; r++) {
		if (b->meta[r].dead)
			continue;
		if (b->all_stage || b->groups[b->meta[r].group].stage)
			(*staged)++;
		else
			(*direct)++;
	}
}

void
tsm_batch_group_value(const struct tsm_batch *b, int g, int j,
    const char **s, size_t *len, char *buf, size_t bufsz)
{
	const struct tsm_ingest_map *m = b->map;
	const unsigned char *p = b->rows.data +
	    b->meta[b->groups[g].first_row].off;
	int32_t l;
	const unsigned char *f = field_at(p, j, &l);

	switch (m->kind->cols[m->cols[j]].type) {
	case TSM_I_INT4:
		snprintf(buf, bufsz, "%d", (int32_t)tsm_get_be32(f));
		*s = buf;
		*len = strlen(buf);
		break;
	case TSM_I_INT8:
		snprintf(buf, bufsz, "%lld", (long long)get_int8(f));
		*s = buf;
		*len = strlen(buf);
		break;
	default:
		*s = (const char *)f;
		*len = l > 0 ? (size_t)l : 0;
		break;
	}
}

/* ---- the run's groups ---- */

struct hull_entry {
	uint64_t hash;
	unsigned char *key;	/* the group columns, encoded */
	size_t klen;
	int64_t tlo, thi, rlo, rhi;
	bool frontier;		/* the table held nothing beyond thi, rhi,
				   up to time until */
	int64_t until;
};

struct tsm_hull {
	struct hull_entry *e;
	size_t n, cap;		/* cap is a power of two */
};

struct tsm_hull *
tsm_hull_new(void)
{
	struct tsm_hull *h = calloc(1, sizeof(*h));

	if (h == NULL || (h->e = calloc(64, sizeof(*h->e))) == NULL) {
		free(h);
		tsm_error("out of memory");
		return NULL;
	}
	h->cap = 64;
	return h;
}

void
tsm_hull_free(struct tsm_hull *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->cap; i++)
		free(h->e[i].key);
	free(h->e);
	free(h);
}

/* The group columns of an encoded row, back to back, into out. */
static void
group_bytes(const struct tsm_ingest_map *m, const unsigned char *p,
    struct tsm_copybuf *out)
{
	p += 2;
	for (int j = 0; j < m->ncols; j++) {
		int32_t l = (int32_t)tsm_get_be32(p);
		size_t n = 4 + (l > 0 ? (size_t)l : 0);

		if (m->kind->cols[m->cols[j]].flags & TSM_C_GROUP)
			tsm_copybuf_add(out, p, n);
		p += n;
	}
}

static bool
hull_grow(struct tsm_hull *h)
{
	size_t cap = h->cap * 2;
	struct hull_entry *e = calloc(cap, sizeof(*e));

	if (e == NULL)
		return false;
	for (size_t i = 0; i < h->cap; i++) {
		size_t j;

		if (h->e[i].key == NULL)
			continue;
		for (j = h->e[i].hash & (cap - 1); e[j].key != NULL;
		    j = (j + 1) & (cap - 1))
			;
		e[j] = h->e[i];
	}
	free(h->e);
	h->e = e;
	h->cap = cap;
	return true;
}

static bool
overlaps(int64_t alo, int64_t ahi, int64_t blo, int64_t bhi)
{
	return alo <= bhi && blo <= ahi;
}

/* The hull entry of group g of b, or NULL; key is scratch space. */
static struct hull_entry *
hull_find(struct tsm_hull *h, const struct tsm_batch *b, int g,
    struct tsm_copybuf *key, size_t *slot)
{
	const struct tsm_group *grp = &b->groups[g];
	size_t i;

	tsm_copybuf_clear(key);
	group_bytes(b->map, b->rows.data + b->meta[grp->first_row].off, key);
	if (key->oom)
		return NULL;
	for (i = grp->hash & (h->cap - 1); h->e[i].key != NULL;
	    i = (i + 1) & (h->cap - 1))
		if (h->e[i].hash == grp->hash && h->e[i].klen == key->len &&
		    (key->len == 0 || memcmp(h->e[i].key, key->data,
		    key->len) == 0))
			break;
	*slot = i;
	return &h->e[i];
}

bool
tsm_hull_apply(struct tsm_hull *h, struct tsm_batch *b)
{
	struct tsm_copybuf key = { 0 };
	bool ok = true;

	for (int g = 0; g < b->ngroups && ok; g++) {
		struct tsm_group *grp = &b->groups[g];
		struct hull_entry *e;
		size_t i;

		e = hull_find(h, b, g, &key, &i);
		if (e == NULL) {
			ok = false;
			break;
		}
		if (e->key != NULL) {
			if (overlaps(e->tlo, e->thi, grp->tlo, grp->thi) &&
			    overlaps(e->rlo, e->rhi, grp->rlo, grp->rhi))
				grp->stage = true;
			else if (e->frontier && grp->tlo > e->thi &&
			    grp->thi <= e->until &&
			    (b->range_col < 0 || grp->rlo > e->rhi))
				grp->skip_probe = true;
			if (grp->tlo < e->tlo)
				e->tlo = grp->tlo;
			if (grp->thi > e->thi)
				e->thi = grp->thi;
			if (grp->rlo < e->rlo)
				e->rlo = grp->rlo;
			if (grp->rhi > e->rhi)
				e->rhi = grp->rhi;
			continue;
		}
		if (2 * (h->n + 1) > h->cap) {
			if (!hull_grow(h)) {
				ok = false;
				break;
			}
			g--;		/* look again in the larger table */
			continue;
		}
		e->key = malloc(key.len ? key.len : 1);
		if (e->key == NULL) {
			ok = false;
			break;
		}
		if (key.len > 0)
			memcpy(e->key, key.data, key.len);
		e->klen = key.len;
		e->hash = grp->hash;
		e->tlo = grp->tlo;
		e->thi = grp->thi;
		e->rlo = grp->rlo;
		e->rhi = grp->rhi;
		e->frontier = false;
		h->n++;
	}
	tsm_copybuf_free(&key);
	if (!ok)
		tsm_error("out of memory");
	return ok;
}

void
tsm_hull_learn(struct tsm_hull *h, const struct tsm_batch *b)
{
	struct tsm_copybuf key = { 0 };

	for (int g = 0; g < b->ngroups; g++) {
		struct hull_entry *e;
		size_t i;

		if (!b->groups[g].probed)
			continue;
		e = hull_find(h, b, g, &key, &i);
		/*
		 * Nothing beyond this batch's rows, which reach the hull's
		 * top (a probed group lies above all rows sent before), up
		 * to the time the probe looked.
		 */
		if (e != NULL && e->key != NULL) {
			e->frontier = !b->groups[g].above &&
			    b->groups[g].thi >= e->thi &&
			    (b->range_col < 0 || b->groups[g].rhi >= e->rhi);
			e->until = b->probe_until;
		}
	}
	tsm_copybuf_free(&key);
}

void
tsm_hull_forget(struct tsm_hull *h, const struct tsm_batch *b)
{
	struct tsm_copybuf key = { 0 };

	for (int g = 0; g < b->ngroups; g++) {
		struct hull_entry *e;
		size_t i;

		e = hull_find(h, b, g, &key, &i);
		if (e != NULL && e->key != NULL)
			e->frontier = false;
	}
	tsm_copybuf_free(&key);
}
