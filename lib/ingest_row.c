/*
 * ingest_row.c: one input record into one checked, encoded table row.
 *
 * The map is made once per input (ingest_map.c); after that each record
 * costs one pass over its fields with the strict parsers of num.h and
 * timeparse.h, the checks, and the binary encoding, without allocating.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "log.h"
#include "num.h"

#define VALUE_MAX 60

static const char WHY_EMPTY[] = "is empty";
static const char WHY_INT4[] = "is out of range for an integer "
    "(-2147483648 to 2147483647)";
static const char WHY_CONTROL[] = "holds a control character";

/* True if s[0..len) holds a control character. */
static bool
has_control(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/* Sets err for spec with the field text and a reason. */
static bool
fail(struct tsm_rowerr *err, int spec, const char *s, size_t len,
    const char *why)
{
	err->spec = spec;
	err->value = s;
	err->vlen = len;
	snprintf(err->why, sizeof(err->why), "%s", why);
	return false;
}

/* A date: "2024-03-29" as it is, any other time as its UTC date. */
static bool
parse_date(const char *s, size_t len, int64_t *days, const char **why)
{
	int64_t t;

	if (!tsm_parse_time(s, len, NULL, &t, why))
		return false;
	*days = t / INT64_C(86400000000) - (t % INT64_C(86400000000) < 0);
	return true;
}

/* Parses one field into the column c of the row. */
static bool
parse_value(const struct tsm_ingest_map *m, struct tsm_irow *row, int spec,
    int c, const char *s, size_t len, bool quoted, struct tsm_rowerr *err)
{
	const struct tsm_kcol *col = &m->kind->cols[c];
	struct tsm_ival *v = &row->v[c];
	const char *why = NULL;
	bool b;

	v->set = true;
	v->raw = s;
	v->rawlen = len;
	v->null = false;
	if (len == 0 && (col->type != TSM_I_TEXT ||
	    (!quoted && !(col->flags & TSM_C_EMPTY)))) {
		v->null = true;
		return true;
	}
	switch (col->type) {
	case TSM_I_INT4:
		if (!tsm_parse_int64(s, len, &v->i, &why))
			return fail(err, spec, s, len, why);
		if (v->i < INT32_MIN || v->i > INT32_MAX)
			return fail(err, spec, s, len, WHY_INT4);
		break;
	case TSM_I_INT8:
		if (!tsm_parse_int64(s, len, &v->i, &why))
			return fail(err, spec, s, len, why);
		break;
	case TSM_I_FLOAT8:
		if (!tsm_parse_double(s, len, &v->d, &why))
			return fail(err, spec, s, len, why);
		break;
	case TSM_I_TIME:
		if (!tsm_parse_time(s, len, &m->topts, &v->i, &why))
			return fail(err, spec, s, len, why);
		break;
	case TSM_I_DATE:
		if (!parse_date(s, len, &v->i, &why))
			return fail(err, spec, s, len, why);
		break;
	case TSM_I_BOOL:
		if (!tsm_parse_bool(s, len, &b, &why))
			return fail(err, spec, s, len, why);
		v->i = b;
		break;
	case TSM_I_TEXT:
		if ((col->flags & (TSM_C_KEY | TSM_C_GROUP)) &&
		    has_control(s, len))
			return fail(err, spec, s, len, WHY_CONTROL);
		if ((col->flags & TSM_C_TFRAME) && m->tf_fixed &&
		    s == m->fixed[spec]) {
			/* --interval, parsed once. */
			v->s = m->tf.code;
			v->len = strlen(m->tf.code);
			break;
		}
		if (col->flags & TSM_C_TFRAME) {
			char code[32];

			if (len >= sizeof(code))
				return fail(err, spec, s, len,
				    "is not a timeframe: too long");
			memcpy(code, s, len);
			code[len] = '\0';
			if (!tsm_parse_timeframe(code, &row->tf, &why))
				return fail(err, spec, s, len, why);
			v->s = row->tf.code;
			v->len = strlen(row->tf.code);
			break;
		}
		if (col->norm != NULL) {
			v->s = col->norm(s, len);
			if (v->s == NULL)
				return fail(err, spec, s, len, col->norm_why);
			v->len = strlen(v->s);
			break;
		}
		v->s = s;
		v->len = len;
		break;
	}
	return true;
}

/* The text of an instrument field, checked. */
static bool
parse_ref(int spec, enum tsm_role role, const char *s, size_t len,
    struct tsm_instr_ref *ref, struct tsm_rowerr *err)
{
	if (len == 0)
		return fail(err, spec, s, len, WHY_EMPTY);
	if (has_control(s, len))
		return fail(err, spec, s, len, WHY_CONTROL);
	switch (role) {
	case TSM_R_SYMBOL:
		ref->symbol = s;
		ref->symbol_len = len;
		break;
	case TSM_R_EXCHANGE:
		ref->exchange = s;
		ref->exchange_len = len;
		break;
	default:
		ref->kind = tsm_instrument_kind_norm(s, len);
		if (ref->kind == NULL)
			return fail(err, spec, s, len,
			    tsm_instrument_kind_why);
		ref->kind_len = strlen(ref->kind);
		break;
	}
	return true;
}

bool
tsm_ingest_parse(const struct tsm_ingest_map *m,
    const struct tsm_record *rec, struct tsm_irow *row,
    struct tsm_rowerr *err)
{
	const struct tsm_kind *k = m->kind;

	row->line = rec->line;
	if (rec->nfields != m->nfields) {
		err->spec = -1;
		err->value = NULL;
		err->vlen = 0;
		snprintf(err->why, sizeof(err->why), "has %d field%s where "
		    "%s %d", rec->nfields, rec->nfields == 1 ? "" : "s",
		    m->nfields_from, m->nfields);
		return false;
	}
	for (int c = 0; c < k->ncols; c++) {
		struct tsm_ival *v = &row->v[c];

		v->set = false;
		v->null = true;
		v->raw = "";
		v->rawlen = 0;
		if (k->cols[c].deflt != NULL ||
		    (k->cols[c].flags & TSM_C_EMPTY)) {
			v->null = false;
			v->s = k->cols[c].deflt ? k->cols[c].deflt : "";
			v->len = strlen(v->s);
		}
	}
	if (m->tf_fixed)
		row->tf = m->tf;
	row->ref.kind = "spot";
	row->ref.kind_len = 4;
	for (int i = 0; i < k->nspecs; i++) {
		const struct tsm_kspec *sp = &k->specs[i];
		const char *s;
		size_t len;
		bool quoted = false;

		if (m->field[i] >= 0) {
			const struct tsm_field *f = &rec->fields[m->field[i]];

			s = f->s;
			len = f->len;
			quoted = f->quoted;
		} else if (m->fixed[i] != NULL) {
			s = m->fixed[i];
			len = strlen(s);
		} else {
			continue;
		}
		switch (sp->role) {
		case TSM_R_COL:
			if (!parse_value(m, row, i, sp->col, s, len, quoted,
			    err))
				return false;
			break;
		case TSM_R_SYMBOL:
		case TSM_R_EXCHANGE:
		case TSM_R_IKIND:
			if (!parse_ref(i, sp->role, s, len, &row->ref, err))
				return false;
			break;
		case TSM_R_BUYER_MAKER: {
			struct tsm_ival *v = &row->v[sp->col];
			const char *why;
			bool b;

			/* A side column, when there is one, says it. */
			if (v->set && !v->null)
				break;
			v->set = true;
			v->raw = s;
			v->rawlen = len;
			if (len == 0) {
				v->null = true;
				break;
			}
			if (!tsm_parse_bool(s, len, &b, &why))
				return fail(err, i, s, len, why);
			v->null = false;
			v->s = b ? "sell" : "buy";
			v->len = b ? 4 : 3;
			break;
		}
		case TSM_R_IGNORE:
			break;
		}
	}
	return true;
}

bool
tsm_ingest_check(const struct tsm_ingest_map *m, const struct tsm_irow *row,
    struct tsm_rowerr *err)
{
	const struct tsm_kind *k = m->kind;
	int c;

	for (int j = 0; j < m->ncols; j++) {
		c = m->cols[j];
		if ((k->cols[c].flags & TSM_C_NOTNULL) && row->v[c].null)
			return fail(err, m->spec_of_col[c], "", 0, WHY_EMPTY);
	}
	for (int j = 0; j < m->ncols; j++) {
		int64_t t, start;
		char got[TSM_TIME_BUFSZ], want[TSM_TIME_BUFSZ];

		c = m->cols[j];
		if (!(k->cols[c].flags & TSM_C_TFRAME) || m->time_col < 0)
			continue;
		t = row->v[m->time_col].i;
		start = tsm_timeframe_floor(&row->tf, t);
		if (start == t)
			continue;
		tsm_format_time(t, got);
		tsm_format_time(start, want);
		err->spec = m->spec_of_col[m->time_col];
		err->value = row->v[m->time_col].raw;
		err->vlen = row->v[m->time_col].rawlen;
		snprintf(err->why, sizeof(err->why), "is not on the %s grid "
		    "(it reads as %s; that %s starts at %s)", row->tf.code, got,
		    k->name[0] == 'c' ? "candle" : "interval", want);
		return false;
	}
	c = -1;
	if (!k->check(k, row->v, &c, err->why, sizeof(err->why))) {
		err->spec = c >= 0 ? m->spec_of_col[c] : -1;
		err->value = c >= 0 ? row->v[c].raw : NULL;
		err->vlen = c >= 0 ? row->v[c].rawlen : 0;
		return false;
	}
	return true;
}

void
tsm_ingest_encode(const struct tsm_ingest_map *m, const struct tsm_irow *row,
    struct tsm_copybuf *out)
{
	const struct tsm_kind *k = m->kind;

	tsm_copy_row(out, m->ncols);
	for (int j = 0; j < m->ncols; j++) {
		int c = m->cols[j];
		const struct tsm_ival *v = &row->v[c];

		if (v->null) {
			tsm_copy_null(out);
			continue;
		}
		switch (k->cols[c].type) {
		case TSM_I_INT4:
			tsm_copy_int4(out, (int32_t)v->i);
			break;
		case TSM_I_INT8:
			tsm_copy_int8(out, v->i);
			break;
		case TSM_I_FLOAT8:
			/* -0 is stored as 0: equal prices compare equal. */
			tsm_copy_float8(out, v->d == 0 ? 0.0 : v->d);
			break;
		case TSM_I_TIME:
			tsm_copy_time(out, v->i);
			break;
		case TSM_I_DATE:
			tsm_copy_date(out, v->i);
			break;
		case TSM_I_BOOL:
			tsm_copy_bool(out, v->i != 0);
			break;
		case TSM_I_TEXT:
			tsm_copy_text(out, v->s, v->len);
			break;
		}
	}
}

void
tsm_ingest_where(const char *input, uint64_t line, char *buf, size_t size)
{
	if (strcmp(input, "stdin") == 0)
		snprintf(buf, size, "stdin line %llu",
		    (unsigned long long)line);
	else
		snprintf(buf, size, "\"%s\" line %llu", input,
		    (unsigned long long)line);
}

/* The length of at most max bytes of s that ends on a whole character. */
static size_t
cut_utf8(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

void
tsm_rowerr_format(const struct tsm_ingest_map *m,
    const struct tsm_rowerr *err, const char *where, char *buf, size_t size)
{
	const char *name;
	size_t n;

	if (err->spec < 0) {
		snprintf(buf, size, "%s: %s", where, err->why);
		return;
	}
	name = m->name[err->spec][0] ? m->name[err->spec] :
	    m->kind->specs[err->spec].name;
	if (err->vlen == 0 && strcmp(err->why, WHY_EMPTY) == 0) {
		snprintf(buf, size, "%s, column \"%s\" is empty", where, name);
		return;
	}
	n = cut_utf8(err->value, err->vlen, VALUE_MAX);
	snprintf(buf, size, "%s, column \"%s\": \"%.*s%s\" %s", where, name,
	    (int)n, err->value, n < err->vlen ? "..." : "", err->why);
}
