/*
 * recmap.c: a record to a row of positions or trades.
 *
 * A loader of 100,000 records must not look up every alias of every
 * field in every record (a hundred hash lookups each): instead each key
 * of the record is looked up once in a table of the aliases of this kind
 * of record, and each field keeps the best-ranked alias it was offered.
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "jsonout.h"
#include "log.h"
#include "num.h"
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

void
tsm_recmap_init(struct tsm_recmap *m, enum tsm_rec_kind kind)
{
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	(void)aliases_of(kind);
}

void
tsm_recmap_free(struct tsm_recmap *m)
{
	for (int f = 0; f < TSM_NFIELDS; f++)
		if (m->mapped[f])
			tsm_jpath_free(&m->map[f]);
	for (size_t i = 0; i < m->nvmaps; i++) {
		struct tsm_value_map *v = &m->vmaps[i];

		for (size_t k = 0; k < v->n; k++) {
			free(v->from[k]);
			free(v->to[k]);
		}
		free(v->from);
		free(v->to);
		free(v->field);
	}
	free(m->vmaps);
	memset(m, 0, sizeof(*m));
}

/* The field named in "FIELD=..." of opt, or -1 after a usage error. */
static int
field_of(const struct tsm_recmap *m, const char *opt, const char *arg,
    const char **rest)
{
	const char *eq = strchr(arg, '=');
	char name[64];
	int f;

	if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof(name)) {
		tsm_usage_error("%s takes FIELD=%s, not \"%s\"", opt,
		    strcmp(opt, "--map") == 0 ? "PATH" : "FROM:TO,...", arg);
		return -1;
	}
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	f = tsm_field_find(name, m->kind);
	if (f < 0) {
		struct tsm_buf b = TSM_BUF_INIT;

		for (int i = 0; i < TSM_NFIELDS; i++)
			if (tsm_fields[i].kinds & m->kind)
				tsm_buf_printf(&b, "%s%s", b.len ? " " : "",
				    tsm_fields[i].name);
		tsm_usage_error("%s: %s have no field \"%s\"", opt,
		    tsm_rec_kind_name(m->kind), name);
		tsm_hint("the fields are: %s", tsm_buf_str(&b));
		tsm_buf_free(&b);
		return -1;
	}
	*rest = eq + 1;
	return f;
}

bool
tsm_recmap_add_map(struct tsm_recmap *m, const char *opt, const char *arg)
{
	const char *path, *why;
	struct tsm_jpath p;
	int f = field_of(m, opt, arg, &path);

	if (f < 0)
		return false;
	if (m->mapped[f]) {
		tsm_jpath_free(&m->map[f]);
		m->mapped[f] = false;
	}
	m->ignored[f] = false;
	if (*path == '\0') {
		m->ignored[f] = true;
		return true;
	}
	if (!tsm_jpath_parse(path, &p, &why)) {
		tsm_usage_error("%s %s: the path \"%s\" %s", opt, arg, path, why);
		return false;
	}
	if (p.wild) {
		tsm_usage_error("%s %s: a field's path cannot hold \"*\"", opt,
		    arg);
		tsm_jpath_free(&p);
		return false;
	}
	m->map[f] = p;
	m->mapped[f] = true;
	return true;
}

/*
 * Splits s at unescaped sep into a new string, advancing *s past it;
 * backslash escapes sep, ',' and itself.
 */
static char *
take_part(const char **s, char sep, bool *found_sep)
{
	const char *p = *s;
	char *out = malloc(strlen(p) + 1), *o = out;

	*found_sep = false;
	if (out == NULL)
		return NULL;
	for (; *p; p++) {
		if (*p == '\\' && (p[1] == ',' || p[1] == ':' || p[1] == '\\')) {
			*o++ = *++p;
			continue;
		}
		if (*p == sep) {
			*found_sep = true;
			p++;
			break;
		}
		if (*p == ',' && sep == ':')
			break;
		*o++ = *p;
	}
	*o = '\0';
	*s = p;
	return out;
}

bool
tsm_recmap_add_value_map(struct tsm_recmap *m, const char *opt,
    const char *arg)
{
	const char *eq = strchr(arg, '='), *p;
	struct tsm_value_map *v, *nv;

	if (eq == NULL || eq == arg || eq[1] == '\0') {
		tsm_usage_error("%s takes FIELD=FROM:TO[,FROM:TO...], not "
		    "\"%s\"", opt, arg);
		return false;
	}
	nv = realloc(m->vmaps, (m->nvmaps + 1) * sizeof(*nv));
	if (nv == NULL)
		goto oom;
	m->vmaps = nv;
	v = &nv[m->nvmaps];
	memset(v, 0, sizeof(*v));
	v->field = strndup(arg, (size_t)(eq - arg));
	if (v->field == NULL)
		goto oom;
	m->nvmaps++;
	p = eq + 1;
	while (*p) {
		bool colon, comma;
		char *from = take_part(&p, ':', &colon), *to;
		char **nf, **nt;

		if (from == NULL)
			goto oom;
		if (!colon) {
			tsm_usage_error("%s %s: \"%s\" needs a \":\" between the "
			    "value and what it means", opt, arg, from);
			free(from);
			return false;
		}
		to = take_part(&p, ',', &comma);
		if (to == NULL) {
			free(from);
			goto oom;
		}
		nf = realloc(v->from, (v->n + 1) * sizeof(*nf));
		if (nf != NULL)
			v->from = nf;
		nt = realloc(v->to, (v->n + 1) * sizeof(*nt));
		if (nt != NULL)
			v->to = nt;
		if (nf == NULL || nt == NULL) {
			free(from);
			free(to);
			goto oom;
		}
		v->from[v->n] = from;
		v->to[v->n] = to;
		v->n++;
		if (!comma && *p) {
			tsm_usage_error("%s %s: cannot read it past \"%s\"", opt,
			    arg, p);
			return false;
		}
	}
	return true;
oom:
	tsm_error("out of memory");
	return false;
}

bool
tsm_recmap_add_default(struct tsm_recmap *m, const char *arg)
{
	const char *rest;
	int f = field_of(m, "a preset's default", arg, &rest);

	if (f < 0)
		return false;
	m->defaults[f] = rest;
	return true;
}

const char *
tsm_row_get(const struct tsm_row *row, int f)
{
	return row->off[f] < 0 ? NULL : row->arena.data + row->off[f];
}

/* ---- epoch numbers ---- */

/* The unit of an epoch with this many digits before the point. */
static enum tsm_time_unit
unit_by_digits(int digits)
{
	if (digits <= 11)
		return TSM_UNIT_S;
	if (digits <= 14)
		return TSM_UNIT_MS;
	if (digits <= 17)
		return TSM_UNIT_US;
	return TSM_UNIT_NS;
}

static const char WHY_NEG[] = "is a negative epoch number (a time before 1970)";
static const char WHY_BIG[] = "is out of range as an epoch number";

bool
tsm_epoch_from_json(const json_t *v, const char *text, size_t len,
    enum tsm_time_unit unit, int64_t *out, const char **why)
{
	char num[TSM_NUM_BUFSZ + 40], us_text[32];
	int64_t us;

	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		int digits = 0;

		if (i < 0) {
			*why = WHY_NEG;
			return false;
		}
		for (json_int_t t = i; t > 0; t /= 10)
			digits++;
		if (unit == TSM_UNIT_AUTO)
			unit = unit_by_digits(digits);
		switch (unit) {
		case TSM_UNIT_S:
			if (__builtin_mul_overflow(i, 1000000, &us))
				goto big;
			break;
		case TSM_UNIT_MS:
			if (__builtin_mul_overflow(i, 1000, &us))
				goto big;
			break;
		case TSM_UNIT_US:
			us = i;
			break;
		default:
			us = i / 1000 + (i % 1000 >= 500);
		}
	} else {
		double d = json_real_value(v);
		const char *dot;
		int digits, shift;
		int64_t ip = 0;

		if (text == NULL || len >= sizeof(num)) {
			tsm_format_double(d, num);
		} else {
			memcpy(num, text, len);
			num[len] = '\0';
		}
		if (d < 0) {
			*why = WHY_NEG;
			return false;
		}
		if (strchr(num, 'e') != NULL || strchr(num, 'E') != NULL) {
			/* Tiny (1e-05) or written with an exponent: scale. */
			if (d >= 9.2e18)
				goto big;
			if (unit == TSM_UNIT_AUTO)
				unit = d < 1 ? TSM_UNIT_S : unit_by_digits(
				    (int)snprintf(NULL, 0, "%.0f", d));
			us = (int64_t)(unit == TSM_UNIT_S ? d * 1e6 + 0.5 :
			    unit == TSM_UNIT_MS ? d * 1e3 + 0.5 :
			    unit == TSM_UNIT_US ? d + 0.5 : d / 1e3 + 0.5);
			goto done;
		}
		/* As the file wrote it: round in decimal. */
		dot = strchr(num, '.');
		digits = 0;
		for (const char *p = num; *p && p != dot; p++) {
			if (digits > 0 || *p != '0')
				digits++;
			if (digits > 18)
				goto big;
			ip = ip * 10 + (*p - '0');
		}
		if (unit == TSM_UNIT_AUTO)
			unit = unit_by_digits(digits);
		shift = unit == TSM_UNIT_S ? 6 : unit == TSM_UNIT_MS ? 3 :
		    unit == TSM_UNIT_US ? 0 : -3;
		if (shift < 0) {
			us = ip / 1000 + (ip % 1000 >= 500);
		} else {
			const char *f = dot ? dot + 1 : "";
			int64_t frac = 0;

			for (int k = 0; k < shift; k++)
				frac = frac * 10 + (*f ? *f++ - '0' : 0);
			for (int k = 0; k < shift; k++)
				if (__builtin_mul_overflow(ip, 10, &ip))
					goto big;
			if (__builtin_add_overflow(ip, frac, &us))
				goto big;
			if (*f >= '5' && *f <= '9')
				us++;
		}
	}
done:
	snprintf(us_text, sizeof(us_text), "%lld", (long long)us);
	{
		struct tsm_time_opts o = { TSM_UNIT_US, NULL };

		return tsm_parse_time(us_text, strlen(us_text), &o, out, why);
	}
big:
	*why = WHY_BIG;
	return false;
}

/* ---- problems ---- */

static void
problem(struct tsm_problems *pr, const char *path, const char *hint,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
problem(struct tsm_problems *pr, const char *path, const char *hint,
    const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	pr->total++;
	if (pr->shown >= pr->max)
		return;
	pr->shown++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tsm_error("%s: %s: %s", pr->file, path, msg);
	if (hint != NULL && strcmp(hint, pr->last_hint) != 0) {
		tsm_hint("%s", hint);
		snprintf(pr->last_hint, sizeof(pr->last_hint), "%s", hint);
	}
}

/* ---- values ---- */

/* A value as found: JSON, or text (a mapped value, a key, a default). */
struct val {
	const json_t *j;	/* NULL for text */
	const char *s;		/* the text, when the value is a string */
	size_t n;
};

/* Where a field's value came from. */
struct found {
	bool present;
	struct val v;
	const char *alias;		/* the record's key it was read from */
	const struct tsm_jpath *map;	/* or its --map path */
	const char *how;		/* or "@key", "default" */
};

/* Writes the path of a field's value: $[3].price, $.x.fill.price. */
static void
value_path(struct tsm_buf *b, const struct tsm_json_rec *r,
    const struct found *fd)
{
	tsm_buf_reset(b);
	tsm_json_rec_path(b, r);
	if (fd->alias)
		tsm_jpath_put_key(b, fd->alias);
	else if (fd->map && !fd->map->at_key)
		tsm_jpath_put_steps(b, fd->map);
}

/* Describes a value for "got ...". */
static void
describe(struct tsm_buf *b, const struct val *v,
    const struct tsm_json_numbers *nums)
{
	tsm_buf_reset(b);
	if (v->j != NULL)
		tsm_json_describe(b, v->j, nums);
	else
		tsm_json_write_string(b, v->s, v->n);
}

/*
 * The text a value map compares: a string, a number as written, true or
 * false; NULL for other values.  *len receives its length.
 */
static const char *
map_text(const struct val *v, const struct tsm_json_numbers *nums,
    char *buf, size_t *len)
{
	const char *t;

	if (v->s != NULL) {
		*len = v->n;
		return v->s;
	}
	if (json_is_number(v->j)) {
		t = tsm_json_number_text(nums, v->j, len);
		if (t != NULL)
			return t;
		if (json_is_integer(v->j))
			*len = (size_t)snprintf(buf, TSM_NUM_BUFSZ, "%"
			    JSON_INTEGER_FORMAT, json_integer_value(v->j));
		else
			*len = tsm_format_double(json_real_value(v->j), buf);
		return buf;
	}
	t = json_is_true(v->j) ? "true" : json_is_false(v->j) ? "false" :
	    NULL;
	if (t != NULL)
		*len = strlen(t);
	return t;
}

/* Applies the value maps of field f (or of its source key) to fd->v. */
static void
apply_value_maps(const struct tsm_recmap *m, int f, struct found *fd,
    const struct tsm_json_numbers *nums)
{
	const char *src = fd->alias ? fd->alias : fd->map ? fd->map->text :
	    NULL;
	char buf[TSM_NUM_BUFSZ];
	const char *text;
	size_t len;

	if (m->nvmaps == 0)
		return;
	text = map_text(&fd->v, nums, buf, &len);
	if (text == NULL)
		return;
	for (size_t i = 0; i < m->nvmaps; i++) {
		const struct tsm_value_map *vm = &m->vmaps[i];

		if (strcmp(vm->field, tsm_fields[f].name) != 0 &&
		    (src == NULL || strcmp(vm->field, src) != 0))
			continue;
		for (size_t k = 0; k < vm->n; k++)
			if (strlen(vm->from[k]) == len &&
			    memcmp(vm->from[k], text, len) == 0) {
				fd->v.j = NULL;
				fd->v.s = vm->to[k];
				fd->v.n = strlen(vm->to[k]);
				return;
			}
	}
}

/* Stores text as field f of the row. */
static void
put_field(struct tsm_row *row, int f, const char *s, size_t n)
{
	row->off[f] = (long)row->arena.len;
	tsm_buf_append(&row->arena, s, n);
	tsm_buf_putc(&row->arena, '\0');
}

/* True when a text time names its zone (or is an epoch number). */
static bool
has_zone(const char *s, size_t n)
{
	bool digits = true;

	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
			digits = false;
	if (digits)
		return true;
	for (size_t i = 10; i < n; i++)
		if (s[i] == 'Z' || s[i] == 'z' || s[i] == '+' || s[i] == '-' ||
		    ((s[i] == 'U' || s[i] == 'u') && i + 2 < n))
			return true;
	return false;
}

/* Case-insensitive equality of s[0..n) and a lowercase word. */
static bool
word_is(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	if (n != k)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)s[i]) != w[i])
			return false;
	return true;
}

/* State of one record's conversion. */
struct conv {
	const struct tsm_recmap *m;
	const struct tsm_json_rec *r;
	const struct tsm_json_numbers *nums;
	struct tsm_row *row;
	struct tsm_problems *pr;
	struct tsm_buf path, got;
	bool ok;
	int64_t times[TSM_NFIELDS];
	double num[TSM_NFIELDS];
};

/* Reports a problem with the value of a field. */
static void
bad_value(struct conv *c, const struct found *fd, const char *hint,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
bad_value(struct conv *c, const struct found *fd, const char *hint,
    const char *fmt, ...)
{
	char msg[500];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	value_path(&c->path, c->r, fd);
	problem(c->pr, tsm_buf_str(&c->path), hint, "%s", msg);
	c->ok = false;
}

/* Converts a field's value by its type into the row. */
static void
convert(struct conv *c, int f, const struct found *fd)
{
	const struct tsm_field *fl = &tsm_fields[f];
	const struct val *v = &fd->v;
	char buf[TSM_TIME_BUFSZ > TSM_NUM_BUFSZ ? TSM_TIME_BUFSZ :
	    TSM_NUM_BUFSZ];
	const char *why;
	enum tsm_ftype type = fl->type;

	if (type == TSM_FT_STATUS && c->m->kind == TSM_REC_TRADES)
		type = TSM_FT_TEXT;
	describe(&c->got, v, c->nums);
	switch (type) {
	case TSM_FT_TEXT:
		if (v->s == NULL) {
			bad_value(c, fd, NULL, "expected text, got %s",
			    tsm_buf_str(&c->got));
			return;
		}
		if (v->n == 0 && f == TSM_F_SYMBOL) {
			bad_value(c, fd, NULL, "the symbol is empty");
			return;
		}
		put_field(c->row, f, v->s, v->n);
		return;
	case TSM_FT_ID:
		if (v->s != NULL) {
			put_field(c->row, f, v->s, v->n);
		} else if (json_is_integer(v->j)) {
			size_t n;
			const char *t = map_text(v, c->nums, buf, &n);

			put_field(c->row, f, t, n);
		} else {
			bad_value(c, fd, NULL, "expected text or a whole number, "
			    "got %s", tsm_buf_str(&c->got));
		}
		return;
	case TSM_FT_NUM: {
		double d;

		if (v->s != NULL) {
			if (!tsm_parse_double(v->s, v->n, &d, &why)) {
				/* Say more when there is more to say: "1,5". */
				if (strcmp(why, "is not a number") == 0)
					bad_value(c, fd, NULL, "expected a number, "
					    "got %s", tsm_buf_str(&c->got));
				else
					bad_value(c, fd, NULL, "expected a number, "
					    "got %s, which %s", tsm_buf_str(&c->got),
					    why);
				return;
			}
			put_field(c->row, f, v->s, v->n);
		} else if (json_is_number(v->j)) {
			size_t n;
			const char *t = map_text(v, c->nums, buf, &n);

			d = json_number_value(v->j);
			put_field(c->row, f, t, n);
		} else {
			bad_value(c, fd, NULL, "expected a number, got %s",
			    tsm_buf_str(&c->got));
			return;
		}
		c->num[f] = d;
		if (f == TSM_F_QUANTITY)
			return;		/* its sign may be the side */
		if (fl->check == TSM_FC_POSITIVE && !(d > 0))
			bad_value(c, fd, NULL, "expected a %s above zero, got %s",
			    fl->name, tsm_buf_str(&c->got));
		else if (fl->check == TSM_FC_NONNEG && d < 0)
			bad_value(c, fd, NULL, "expected a %s of zero or more, "
			    "got %s", fl->name, tsm_buf_str(&c->got));
		return;
	}
	case TSM_FT_TIME: {
		int64_t t64;

		if (v->s != NULL) {
			if (!tsm_parse_time(v->s, v->n, &c->m->topts, &t64,
			    &why)) {
				bad_value(c, fd, NULL, "%s %s",
				    tsm_buf_str(&c->got), why);
				return;
			}
			if (c->m->topts.tz == NULL && !has_zone(v->s, v->n) &&
			    c->row->zoneless[0] == '\0') {
				value_path(&c->path, c->r, fd);
				snprintf(c->row->zoneless,
				    sizeof(c->row->zoneless), "%s (%s)",
				    tsm_buf_str(&c->got), tsm_buf_str(&c->path));
			}
		} else if (json_is_number(v->j)) {
			size_t n = 0;
			const char *t = tsm_json_number_text(c->nums, v->j, &n);

			if (!tsm_epoch_from_json(v->j, t, n, c->m->topts.unit,
			    &t64, &why)) {
				bad_value(c, fd, NULL, "%s %s",
				    tsm_buf_str(&c->got), why);
				return;
			}
		} else {
			bad_value(c, fd, NULL, "expected a time (text or an epoch "
			    "number), got %s", tsm_buf_str(&c->got));
			return;
		}
		c->times[f] = t64;
		put_field(c->row, f, buf, tsm_format_time(t64, buf));
		return;
	}
	case TSM_FT_SIDE: {
		const char *side = NULL;
		bool pos = c->m->kind == TSM_REC_POSITIONS;

		if (v->j != NULL && json_is_boolean(v->j))
			side = json_is_true(v->j) ? "short" : "long";
		else if (v->s != NULL && word_is(v->s, v->n, "buy"))
			side = pos ? "long" : "buy";
		else if (v->s != NULL && word_is(v->s, v->n, "sell"))
			side = pos ? "short" : "sell";
		else if (v->s != NULL && word_is(v->s, v->n, "long"))
			side = "long";
		else if (v->s != NULL && word_is(v->s, v->n, "short"))
			side = "short";
		if (side == NULL) {
			char hint[300];

			value_path(&c->path, c->r, fd);
			snprintf(hint, sizeof(hint), "map it with --value-map "
			    "%s=%s:%s (or :%s)", fd->alias ? fd->alias : "side",
			    v->s ? v->s : tsm_buf_str(&c->got),
			    pos ? "long" : "buy", pos ? "short" : "sell");
			bad_value(c, fd, hint, "%s is not a side: expected buy, "
			    "sell, long or short", tsm_buf_str(&c->got));
			return;
		}
		put_field(c->row, f, side, strlen(side));
		return;
	}
	case TSM_FT_STATUS:
		if (v->s != NULL && (word_is(v->s, v->n, "open") ||
		    word_is(v->s, v->n, "closed"))) {
			put_field(c->row, f, word_is(v->s, v->n, "open") ? "open" :
			    "closed", word_is(v->s, v->n, "open") ? 4 : 6);
			return;
		}
		bad_value(c, fd, "map the value with --value-map status=...:open "
		    "or :closed", "%s is not a position status: expected open "
		    "or closed", tsm_buf_str(&c->got));
		return;
	case TSM_FT_MODE:
		if (v->s != NULL && (word_is(v->s, v->n, "paper") ||
		    word_is(v->s, v->n, "live"))) {
			put_field(c->row, f, word_is(v->s, v->n, "paper") ?
			    "paper" : "live", word_is(v->s, v->n, "paper") ? 5 : 4);
			return;
		}
		bad_value(c, fd, "map the value with --value-map mode=...:paper, "
		    "or give --mode", "%s is not a mode: expected paper or live",
		    tsm_buf_str(&c->got));
		return;
	}
}

/* A field that must be there and is not. */
static void
missing(struct conv *c, int f)
{
	struct tsm_buf names = TSM_BUF_INIT;
	char hint[160];

	for (int i = 0; tsm_fields[f].aliases[i]; i++)
		tsm_buf_printf(&names, "%s%s", i ? ", " : "",
		    tsm_fields[f].aliases[i]);
	tsm_buf_reset(&c->path);
	tsm_json_rec_path(&c->path, c->r);
	snprintf(hint, sizeof(hint), "give its place with --map %s=PATH",
	    tsm_fields[f].name);
	if (c->m->mapped[f])
		problem(c->pr, tsm_buf_str(&c->path), hint, "no %s: --map %s=%s "
		    "finds nothing", tsm_fields[f].name, tsm_fields[f].name,
		    c->m->map[f].text);
	else
		problem(c->pr, tsm_buf_str(&c->path), hint, "no %s: none of %s "
		    "is there", tsm_fields[f].name, tsm_buf_str(&names));
	tsm_buf_free(&names);
	c->ok = false;
}

/* One key of the record, and what became of it. */
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
	put_field(row, f, tmp->data, tmp->len);
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
			/* Inputs without a column of their own stay in extra. */
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
		put_field(row, TSM_F_EXCHANGE, m->exchange, strlen(m->exchange));
	}
	if (m->mode != NULL) {
		fd[TSM_F_MODE].present = false;
		put_field(row, TSM_F_MODE, m->mode, strlen(m->mode));
	}

	for (int f = 0; f < TSM_NFIELDS; f++) {
		if (!fd[f].present || f == TSM_F_ID)
			continue;
		apply_value_maps(m, f, &fd[f], nums);
		convert(&c, f, &fd[f]);
	}

	/*
	 * The quantity's sign is the side when no side is given: negative
	 * is short (sell), positive long (buy).
	 */
	if (row->off[TSM_F_QUANTITY] >= 0) {
		double q = c.num[TSM_F_QUANTITY];
		const char *side = tsm_row_get(row, TSM_F_SIDE);

		describe(&c.got, &fd[TSM_F_QUANTITY].v, nums);
		if (q == 0) {
			bad_value(&c, &fd[TSM_F_QUANTITY], NULL, "expected a "
			    "quantity above zero, got %s", tsm_buf_str(&c.got));
		} else if (q > 0 && side == NULL && !fd[TSM_F_SIDE].present) {
			const char *plus = pos ? "long" : "buy";

			put_field(row, TSM_F_SIDE, plus, strlen(plus));
		} else if (q < 0) {
			const char *neg = pos ? "short" : "sell";

			if (side == NULL && !fd[TSM_F_SIDE].present) {
				put_field(row, TSM_F_SIDE, neg, strlen(neg));
			} else if (side != NULL && strcmp(side, neg) != 0 &&
			    strcmp(side, "short") != 0) {
				bad_value(&c, &fd[TSM_F_QUANTITY], NULL,
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

			put_field(row, TSM_F_TIME, t, strlen(t));
		} else if (!fd[TSM_F_TIME].present) {
			missing(&c, TSM_F_TIME);
		}
	}
	for (int f = 0; f < TSM_NFIELDS; f++) {
		/* A bad quantity was reported; its sign would be the side. */
		if (f == TSM_F_SIDE && fd[TSM_F_QUANTITY].present &&
		    row->off[TSM_F_QUANTITY] < 0)
			continue;
		if ((tsm_fields[f].required & m->kind) && !fd[f].present &&
		    row->off[f] < 0)
			missing(&c, f);
	}
	if (!c.ok)
		goto out;
	if (pos && row->off[TSM_F_STATUS] < 0)
		put_field(row, TSM_F_STATUS, row->off[TSM_F_CLOSED_AT] >= 0 ?
		    "closed" : "open", row->off[TSM_F_CLOSED_AT] >= 0 ? 6 : 4);
	if (row->off[TSM_F_MODE] < 0)
		put_field(row, TSM_F_MODE, "live", 4);
	if (row->off[TSM_F_EXCHANGE] < 0)
		put_field(row, TSM_F_EXCHANGE, "", 0);
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
