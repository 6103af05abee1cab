/*
 * recvalue.c: one value of a record checked and converted by the type of
 * its field, and the problems said about it.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epoch.h"
#include "jsonout.h"
#include "log.h"
#include "num.h"
#include "recmap_int.h"

void
tsm_rec_problem(struct tsm_problems *pr, const char *path, const char *hint,
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

/* Writes the path of a field's value: $[3].price, $.x.fill.price. */
void
tsm_rec_value_path(struct tsm_buf *b, const struct tsm_json_rec *r,
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
void
tsm_rec_describe(struct tsm_buf *b, const struct val *v,
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
const char *
tsm_rec_map_text(const struct val *v, const struct tsm_json_numbers *nums,
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
void
tsm_rec_apply_value_maps(const struct tsm_recmap *m, int f, struct found *fd,
    const struct tsm_json_numbers *nums)
{
	const char *src = fd->alias ? fd->alias : fd->map ? fd->map->text :
	    NULL;
	char buf[TSM_NUM_BUFSZ];
	const char *text;
	size_t len;

	if (m->nvmaps == 0)
		return;
	text = tsm_rec_map_text(&fd->v, nums, buf, &len);
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
void
tsm_rec_put_field(struct tsm_row *row, int f, const char *s, size_t n)
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
bool
tsm_rec_word_is(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	if (n != k)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)s[i]) != w[i])
			return false;
	return true;
}

void
tsm_rec_bad_value(struct conv *c, const struct found *fd, const char *hint,
    const char *fmt, ...)
{
	char msg[500];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tsm_rec_value_path(&c->path, c->r, fd);
	tsm_rec_problem(c->pr, tsm_buf_str(&c->path), hint, "%s", msg);
	c->ok = false;
}

/* Text: a string (a symbol must not be empty). */
static void
convert_text(struct conv *c, int f, const struct found *fd)
{
	const struct val *v = &fd->v;

	if (v->s == NULL)
		tsm_rec_bad_value(c, fd, NULL, "expected text, got %s",
		    tsm_buf_str(&c->got));
	else if (v->n == 0 && f == TSM_F_SYMBOL)
		tsm_rec_bad_value(c, fd, NULL, "the symbol is empty");
	else
		tsm_rec_put_field(c->row, f, v->s, v->n);
}

/* An id: a string or a whole number, kept as text. */
static void
convert_id(struct conv *c, int f, const struct found *fd)
{
	const struct val *v = &fd->v;
	char buf[TSM_NUM_BUFSZ];
	const char *t;
	size_t n;

	if (v->s == NULL && !json_is_integer(v->j)) {
		tsm_rec_bad_value(c, fd, NULL, "expected text or a whole "
		    "number, got %s", tsm_buf_str(&c->got));
		return;
	}
	t = tsm_rec_map_text(v, c->nums, buf, &n);
	tsm_rec_put_field(c->row, f, t, n);
}

/*
 * A number, or a string holding one, kept as written.  A quantity's sign
 * is checked later: it may be the side.
 */
static void
convert_number(struct conv *c, int f, const struct found *fd)
{
	const struct tsm_field *fl = &tsm_fields[f];
	const struct val *v = &fd->v;
	const char *got = tsm_buf_str(&c->got), *why, *t;
	char buf[TSM_NUM_BUFSZ];
	double d;
	size_t n;

	if (v->s != NULL) {
		if (!tsm_parse_double(v->s, v->n, &d, &why)) {
			/* Say more when there is more to say: "1,5". */
			if (strcmp(why, "is not a number") == 0)
				tsm_rec_bad_value(c, fd, NULL, "expected a "
				    "number, got %s", got);
			else
				tsm_rec_bad_value(c, fd, NULL, "expected a "
				    "number, got %s, which %s", got, why);
			return;
		}
		tsm_rec_put_field(c->row, f, v->s, v->n);
	} else if (json_is_number(v->j)) {
		t = tsm_rec_map_text(v, c->nums, buf, &n);
		d = json_number_value(v->j);
		tsm_rec_put_field(c->row, f, t, n);
	} else {
		tsm_rec_bad_value(c, fd, NULL, "expected a number, got %s",
		    got);
		return;
	}
	c->num[f] = d;
	if (f == TSM_F_QUANTITY)
		return;
	if (fl->check == TSM_FC_POSITIVE && !(d > 0))
		tsm_rec_bad_value(c, fd, NULL, "expected a %s above zero, "
		    "got %s", fl->name, got);
	else if (fl->check == TSM_FC_NONNEG && d < 0)
		tsm_rec_bad_value(c, fd, NULL, "expected a %s of zero or "
		    "more, got %s", fl->name, got);
}

/* A time: text, or an epoch number rounded to microseconds. */
static void
convert_time(struct conv *c, int f, const struct found *fd)
{
	const struct val *v = &fd->v;
	const char *got = tsm_buf_str(&c->got), *why, *t;
	char buf[TSM_TIME_BUFSZ];
	int64_t t64;
	size_t n = 0;

	if (v->s != NULL) {
		if (!tsm_parse_time(v->s, v->n, &c->m->topts, &t64, &why)) {
			tsm_rec_bad_value(c, fd, NULL, "%s %s", got, why);
			return;
		}
		if (c->m->topts.tz == NULL && !has_zone(v->s, v->n) &&
		    c->row->zoneless[0] == '\0') {
			tsm_rec_value_path(&c->path, c->r, fd);
			snprintf(c->row->zoneless, sizeof(c->row->zoneless),
			    "%s (%s)", got, tsm_buf_str(&c->path));
		}
	} else if (json_is_number(v->j)) {
		t = tsm_json_number_text(c->nums, v->j, &n);
		if (!tsm_epoch_from_json(v->j, t, n, c->m->topts.unit, &t64,
		    &why)) {
			tsm_rec_bad_value(c, fd, NULL, "%s %s", got, why);
			return;
		}
	} else {
		tsm_rec_bad_value(c, fd, NULL, "expected a time (text or an "
		    "epoch number), got %s", got);
		return;
	}
	c->times[f] = t64;
	tsm_rec_put_field(c->row, f, buf, tsm_format_time(t64, buf));
}

/*
 * A side: buy, sell, long or short in any case (a position's buy is
 * long, its sell short), or a boolean, read as is_short.
 */
static void
convert_side(struct conv *c, int f, const struct found *fd)
{
	const struct val *v = &fd->v;
	bool pos = c->m->kind == TSM_REC_POSITIONS;
	const char *side = NULL;
	char hint[300];

	if (v->j != NULL && json_is_boolean(v->j))
		side = json_is_true(v->j) ? "short" : "long";
	else if (v->s != NULL && tsm_rec_word_is(v->s, v->n, "buy"))
		side = pos ? "long" : "buy";
	else if (v->s != NULL && tsm_rec_word_is(v->s, v->n, "sell"))
		side = pos ? "short" : "sell";
	else if (v->s != NULL && tsm_rec_word_is(v->s, v->n, "long"))
		side = "long";
	else if (v->s != NULL && tsm_rec_word_is(v->s, v->n, "short"))
		side = "short";
	if (side != NULL) {
		tsm_rec_put_field(c->row, f, side, strlen(side));
		return;
	}
	snprintf(hint, sizeof(hint), "map it with --value-map %s=%s:%s "
	    "(or :%s)", fd->alias ? fd->alias : "side",
	    v->s ? v->s : tsm_buf_str(&c->got), pos ? "long" : "buy",
	    pos ? "short" : "sell");
	tsm_rec_bad_value(c, fd, hint, "%s is not a side: expected buy, "
	    "sell, long or short", tsm_buf_str(&c->got));
}

/* One of two words, in any case: a position's status, a mode. */
static void
convert_word(struct conv *c, int f, const struct found *fd, const char *a,
    const char *b, const char *what, const char *hint)
{
	const struct val *v = &fd->v;

	if (v->s != NULL && tsm_rec_word_is(v->s, v->n, a))
		tsm_rec_put_field(c->row, f, a, strlen(a));
	else if (v->s != NULL && tsm_rec_word_is(v->s, v->n, b))
		tsm_rec_put_field(c->row, f, b, strlen(b));
	else
		tsm_rec_bad_value(c, fd, hint, "%s is not %s: expected %s or "
		    "%s", tsm_buf_str(&c->got), what, a, b);
}

/* Converts a field's value by its type into the row. */
void
tsm_rec_convert(struct conv *c, int f, const struct found *fd)
{
	enum tsm_ftype type = tsm_fields[f].type;

	/* A trade's status is any text; a position's, open or closed. */
	if (type == TSM_FT_STATUS && c->m->kind == TSM_REC_TRADES)
		type = TSM_FT_TEXT;
	tsm_rec_describe(&c->got, &fd->v, c->nums);
	switch (type) {
	case TSM_FT_TEXT:
		convert_text(c, f, fd);
		break;
	case TSM_FT_ID:
		convert_id(c, f, fd);
		break;
	case TSM_FT_NUM:
		convert_number(c, f, fd);
		break;
	case TSM_FT_TIME:
		convert_time(c, f, fd);
		break;
	case TSM_FT_SIDE:
		convert_side(c, f, fd);
		break;
	case TSM_FT_STATUS:
		convert_word(c, f, fd, "open", "closed", "a position status",
		    "map the value with --value-map status=...:open or "
		    ":closed");
		break;
	case TSM_FT_MODE:
		convert_word(c, f, fd, "paper", "live", "a mode", "map the "
		    "value with --value-map mode=...:paper, or give --mode");
		break;
	}
}

/* A field that must be there and is not. */
void
tsm_rec_missing(struct conv *c, int f)
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
		tsm_rec_problem(c->pr, tsm_buf_str(&c->path), hint, "no %s: "
		    "--map %s=%s finds nothing", tsm_fields[f].name,
		    tsm_fields[f].name, c->m->map[f].text);
	else
		tsm_rec_problem(c->pr, tsm_buf_str(&c->path), hint, "no %s: "
		    "none of %s is there", tsm_fields[f].name,
		    tsm_buf_str(&names));
	tsm_buf_free(&names);
	c->ok = false;
}

/* One key of the record, and what became of it. */
