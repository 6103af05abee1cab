/*
 * recmap.c: a record to a row of positions or trades.
 *
 * A loader of 100,000 records must not look up every alias of every
 * field in every record (a hundred hash lookups each): instead each key
 * of the record is looked up once in a table of the aliases of this kind
 * of record, and each field keeps the best-ranked alias it was offered.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "jsonout.h"
#include "log.h"
#include "recmap_int.h"

#include "recmap.h"

/* The aliases of one kind of record: key -> field and rank. */
#define ALIAS_SLOTS 512
struct alias_slot {
	const char *key;
	int field;
	int rank;
};
static struct alias_slot alias_table[2][ALIAS_SLOTS];
static bool alias_ready[2];

static unsigned
hash_key(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct alias_slot *
aliases_of(enum tsm_rec_kind kind)
{
	int k = kind == TSM_REC_POSITIONS ? 0 : 1;
	struct alias_slot *t = alias_table[k];

	if (alias_ready[k])
		return t;
	for (int f = 0; f < TSM_NFIELDS; f++) {
		if (!(tsm_fields[f].kinds & kind))
			continue;
		for (int r = 0; tsm_fields[f].aliases[r]; r++) {
			const char *a = tsm_fields[f].aliases[r];
			unsigned i = hash_key(a) % ALIAS_SLOTS;

			while (t[i].key != NULL && strcmp(t[i].key, a) != 0)
				i = (i + 1) % ALIAS_SLOTS;
			if (t[i].key == NULL) {
				t[i].key = a;
				t[i].field = f;
				t[i].rank = r;
			}
		}
	}
	alias_ready[k] = true;
	return t;
}

static const struct alias_slot *
alias_find(const struct alias_slot *t, const char *key)
{
	unsigned i = hash_key(key) % ALIAS_SLOTS;

	for (; t[i].key != NULL; i = (i + 1) % ALIAS_SLOTS)
		if (strcmp(t[i].key, key) == 0)
			return &t[i];
	return NULL;
}

const char *
tsm_row_get(const struct tsm_row *row, int f)
{
	return row->off[f] < 0 ? NULL : row->arena.data + row->off[f];
}

struct member {
	const char *key;
	json_t *val;
	bool taken;		/* read by a field: not in extra */
};

#define MAX_MEMBERS_STACK 64

/* The sum a + b of two stored fields' texts into field f. */
static bool
put_sum(struct tsm_row *row, int f, const char *a, const char *b,
    struct tsm_buf *tmp)
{
	tsm_buf_reset(tmp);
	if (!tsm_dec_add(a, b, tmp))
		return false;
	tsm_rec_put_field(row, f, tmp->data, tmp->len);
	return true;
}

/*
 * The fee: as given; else the entry and exit fees added; else computed
 * from the fee rates as freqtrade does: quantity * price * fee_open_rate
 * + quantity * exit_price * fee_close_rate, exactly.
 */
static void
derive_fee(struct tsm_row *row, struct tsm_buf *tmp)
{
	const char *ef = tsm_row_get(row, TSM_F_ENTRY_FEE);
	const char *xf = tsm_row_get(row, TSM_F_EXIT_FEE);
	const char *fo = tsm_row_get(row, TSM_F_FEE_OPEN_RATE);
	const char *fc = tsm_row_get(row, TSM_F_FEE_CLOSE_RATE);
	const char *q = tsm_row_get(row, TSM_F_QUANTITY);
	const char *p = tsm_row_get(row, TSM_F_PRICE);
	const char *x = tsm_row_get(row, TSM_F_EXIT_PRICE);
	struct tsm_buf a = TSM_BUF_INIT, b = TSM_BUF_INIT;

	if (tsm_row_get(row, TSM_F_FEE) != NULL)
		return;
	if (ef != NULL || xf != NULL) {
		put_sum(row, TSM_F_FEE, ef ? ef : "0", xf ? xf : "0", tmp);
		return;
	}
	if ((fo == NULL && fc == NULL) || q == NULL || p == NULL)
		return;
	/* a = q * p * fo, b = q * x * fc; the strings are copied first. */
	if (fo != NULL) {
		tsm_buf_reset(tmp);
		if (tsm_dec_mul(q, p, tmp) && tsm_buf_ok(tmp))
			tsm_dec_mul(tmp->data, fo, &a);
	}
	if (fc != NULL && x != NULL) {
		tsm_buf_reset(tmp);
		if (tsm_dec_mul(q, x, tmp) && tsm_buf_ok(tmp))
			tsm_dec_mul(tmp->data, fc, &b);
	}
	if (a.len > 0 || b.len > 0)
		put_sum(row, TSM_F_FEE, a.len ? a.data : "0", b.len ? b.data :
		    "0", tmp);
	tsm_buf_free(&a);
	tsm_buf_free(&b);
}

/* Writes the record's keys that no field took as extra. */
static void
write_extra(struct tsm_row *row, const struct member *mem, size_t n,
    const struct tsm_json_numbers *nums)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (mem[i].taken)
			continue;
		if (k++ == 0) {
			row->extra = (long)row->arena.len;
			tsm_buf_putc(&row->arena, '{');
		} else {
			tsm_buf_putc(&row->arena, ',');
		}
		tsm_json_write_string(&row->arena, mem[i].key,
		    strlen(mem[i].key));
		tsm_buf_putc(&row->arena, ':');
		tsm_json_write(&row->arena, mem[i].val, nums);
	}
	if (k > 0) {
		tsm_buf_putc(&row->arena, '}');
		tsm_buf_putc(&row->arena, '\0');
	}
}

/* Stores a NUL-terminated text as field f. */
static void
put_str(struct tsm_row *row, int f, const char *s)
{
	tsm_rec_put_field(row, f, s, strlen(s));
}

/*
 * Hashes what identifies the record, after the seed (the scheme's
 * version, the kind and the source): its id when it has one; for a
 * position its symbol, side and opening time or entry price, so that a
 * position whose price and stop moved is still the same; for a trade the
 * whole record in canonical form.  recload.c makes the key from it.
 */
static void
identify(const struct conv *c, const struct found *id,
    const struct tsm_sha256 *seed)
{
	struct tsm_sha256 h = *seed;
	const struct tsm_row *row = c->row;
	const char *atkey = tsm_json_rec_atkey(c->r);

	if (id->present) {
		tsm_sha256_update(&h, "id", 3);
		if (id->v.j != NULL)
			tsm_json_hash(&h, id->v.j);
		else
			tsm_sha256_update(&h, id->v.s, id->v.n);
	} else if (c->m->kind == TSM_REC_POSITIONS) {
		const char *sym = tsm_row_get(row, TSM_F_SYMBOL);
		const char *side = tsm_row_get(row, TSM_F_SIDE);
		const char *opened = tsm_row_get(row, TSM_F_OPENED_AT);
		const char *entry = tsm_row_get(row, TSM_F_ENTRY_PRICE);

		tsm_sha256_update(&h, "position", 9);
		tsm_sha256_update(&h, sym, strlen(sym) + 1);
		tsm_sha256_update(&h, side, strlen(side) + 1);
		if (opened != NULL) {
			tsm_sha256_update(&h, "opened", 7);
			tsm_sha256_update(&h, opened, strlen(opened) + 1);
		} else if (entry != NULL) {
			tsm_sha256_update(&h, "entry", 6);
			tsm_sha256_update(&h, entry, strlen(entry) + 1);
		}
	} else {
		tsm_sha256_update(&h, "record", 7);
		if (atkey != NULL)
			tsm_sha256_update(&h, atkey, strlen(atkey));
		tsm_sha256_update(&h, "", 1);
		tsm_json_hash(&h, c->r->obj);
	}
	tsm_sha256_final(&h, (unsigned char *)c->row->identity);
}

bool
tsm_recmap_row(const struct tsm_recmap *m, const struct tsm_json_rec *r,
    const struct tsm_json_numbers *nums, const struct tsm_sha256 *seed,
    struct tsm_row *row, struct tsm_problems *pr)
{
	const struct alias_slot *at = aliases_of(m->kind);
	struct member stack[MAX_MEMBERS_STACK], *mem = stack;
	struct found fd[TSM_NFIELDS];
	int best_member[TSM_NFIELDS], best_rank[TSM_NFIELDS];
	size_t n = json_object_size(r->obj), i = 0;
	struct conv c;
	const char *key;
	json_t *val;
	bool pos = m->kind == TSM_REC_POSITIONS;

	memset(&c, 0, sizeof(c));
	c.m = m;
	c.r = r;
	c.nums = nums;
	c.row = row;
	c.pr = pr;
	c.ok = true;
	tsm_buf_reset(&row->arena);
	for (int f = 0; f < TSM_NFIELDS; f++) {
		row->off[f] = -1;
		best_member[f] = -1;
		best_rank[f] = INT_MAX;
	}
	row->extra = -1;
	row->zoneless[0] = '\0';
	if (n > MAX_MEMBERS_STACK) {
		mem = malloc(n * sizeof(*mem));
		if (mem == NULL) {
			tsm_error("out of memory");
			return false;
		}
	}

	/* Each key once: which field would take it, at which rank. */
	json_object_foreach(r->obj, key, val) {
		const struct alias_slot *a = alias_find(at, key);

		mem[i].key = key;
		mem[i].val = val;
		mem[i].taken = false;
		if (a != NULL && json_is_null(val))
			mem[i].taken = true;	/* a known field, empty */
		else if (a != NULL && !m->mapped[a->field] &&
		    !m->ignored[a->field] && a->rank < best_rank[a->field]) {
			best_rank[a->field] = a->rank;
			best_member[a->field] = (int)i;
		}
		i++;
	}

	/* Where each field's value comes from. */
	memset(fd, 0, sizeof(fd));
	for (int f = 0; f < TSM_NFIELDS; f++) {
		if (!(tsm_fields[f].kinds & m->kind) || m->ignored[f])
			continue;
		if (m->mapped[f]) {
			const struct tsm_jpath *p = &m->map[f];

			fd[f].map = p;
			if (p->at_key) {
				const char *k = tsm_json_rec_atkey(r);

				if (k != NULL) {
					fd[f].present = true;
					fd[f].v.s = k;
					fd[f].v.n = strlen(k);
				}
			} else {
				json_t *v = tsm_jpath_get(p, r->obj);

				if (v != NULL && !json_is_null(v)) {
					fd[f].present = true;
					fd[f].v.j = v;
				}
				if (p->single_key &&
				    (tsm_fields[f].columns & m->kind))
					for (size_t k = 0; k < n; k++)
						if (strcmp(mem[k].key,
						    p->steps[0].key) == 0)
							mem[k].taken = true;
			}
		} else if (best_member[f] >= 0) {
			struct member *mb = &mem[best_member[f]];

			fd[f].present = true;
			fd[f].alias = mb->key;
			fd[f].v.j = mb->val;
			/* What has no column of its own stays in extra. */
			if (tsm_fields[f].columns & m->kind)
				mb->taken = true;
		} else if (f == TSM_F_SYMBOL && r->key != NULL) {
			fd[f].present = true;
			fd[f].how = "@key";
			fd[f].v.s = r->key;
			fd[f].v.n = strlen(r->key);
		}
		if (!fd[f].present && m->defaults[f] != NULL) {
			fd[f].present = true;
			fd[f].how = "default";
			fd[f].v.s = m->defaults[f];
			fd[f].v.n = strlen(m->defaults[f]);
		}
		if (fd[f].present && fd[f].v.j != NULL &&
		    json_is_string(fd[f].v.j)) {
			fd[f].v.s = json_string_value(fd[f].v.j);
			fd[f].v.n = json_string_length(fd[f].v.j);
		}
	}

	/* Options that set a field for every record. */
	if (m->exchange != NULL) {
		fd[TSM_F_EXCHANGE].present = false;
		put_str(row, TSM_F_EXCHANGE, m->exchange);
	}
	if (m->mode != NULL) {
		fd[TSM_F_MODE].present = false;
		put_str(row, TSM_F_MODE, m->mode);
	}

	for (int f = 0; f < TSM_NFIELDS; f++) {
		if (!fd[f].present || f == TSM_F_ID)
			continue;
		tsm_rec_apply_value_maps(m, f, &fd[f], nums);
		tsm_rec_convert(&c, f, &fd[f]);
	}

	/*
	 * The quantity's sign is the side when no side is given: negative
	 * is short (sell), positive long (buy).
	 */
	if (row->off[TSM_F_QUANTITY] >= 0) {
		double q = c.num[TSM_F_QUANTITY];
		const char *side = tsm_row_get(row, TSM_F_SIDE);

		tsm_rec_describe(&c.got, &fd[TSM_F_QUANTITY].v, nums);
		if (q == 0) {
			tsm_rec_bad_value(&c, &fd[TSM_F_QUANTITY], NULL,
			    "expected a quantity above zero, got %s",
			    tsm_buf_str(&c.got));
		} else if (q > 0 && side == NULL && !fd[TSM_F_SIDE].present) {
			put_str(row, TSM_F_SIDE, pos ? "long" : "buy");
		} else if (q < 0) {
			const char *neg = pos ? "short" : "sell";

			if (side == NULL && !fd[TSM_F_SIDE].present) {
				put_str(row, TSM_F_SIDE, neg);
			} else if (side != NULL && strcmp(side, neg) != 0 &&
			    strcmp(side, "short") != 0) {
				tsm_rec_bad_value(&c, &fd[TSM_F_QUANTITY], NULL,
				    "negative quantity %s contradicts the side "
				    "\"%s\"", tsm_buf_str(&c.got), side);
			}
			/* Keep the magnitude. */
			row->off[TSM_F_QUANTITY]++;
		}
	}
	if (!pos && row->off[TSM_F_TIME] < 0) {
		int from = row->off[TSM_F_OPENED_AT] >= 0 ? TSM_F_OPENED_AT :
		    row->off[TSM_F_CLOSED_AT] >= 0 ? TSM_F_CLOSED_AT : -1;

		if (from >= 0) {
			const char *t = tsm_row_get(row, from);

			tsm_rec_put_field(row, TSM_F_TIME, t, strlen(t));
		} else if (!fd[TSM_F_TIME].present) {
			tsm_rec_missing(&c, TSM_F_TIME);
		}
	}
	for (int f = 0; f < TSM_NFIELDS; f++) {
		/* A bad quantity was reported; its sign would be the side. */
		if (f == TSM_F_SIDE && fd[TSM_F_QUANTITY].present &&
		    row->off[TSM_F_QUANTITY] < 0)
			continue;
		if ((tsm_fields[f].required & m->kind) && !fd[f].present &&
		    row->off[f] < 0)
			tsm_rec_missing(&c, f);
	}
	if (!c.ok)
		goto out;
	if (pos && row->off[TSM_F_STATUS] < 0)
		put_str(row, TSM_F_STATUS, row->off[TSM_F_CLOSED_AT] >= 0 ?
		    "closed" : "open");
	if (row->off[TSM_F_MODE] < 0)
		tsm_rec_put_field(row, TSM_F_MODE, "live", 4);
	if (row->off[TSM_F_EXCHANGE] < 0)
		tsm_rec_put_field(row, TSM_F_EXCHANGE, "", 0);
	if (!pos)
		derive_fee(row, &c.got);
	write_extra(row, mem, n, nums);
	identify(&c, &fd[TSM_F_ID], seed);
	if (!tsm_buf_ok(&row->arena))
		c.ok = false;
out:
	tsm_buf_free(&c.path);
	tsm_buf_free(&c.got);
	if (mem != stack)
		free(mem);
	return c.ok;
}

