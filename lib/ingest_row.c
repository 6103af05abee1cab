/*
 * ingest_row.c: one input record into one checked, encoded table row.
 *
 * The map is made once per input (from its header, --columns or a known
 * layout); after that each record costs one pass over its fields with
 * the strict parsers of num.h and timeparse.h, the checks, and the
 * binary encoding, without allocating.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "log.h"
#include "num.h"

#define LIST_MAX 400
#define VALUE_MAX 60

static const char WHY_EMPTY[] = "is empty";
static const char WHY_INT4[] = "is out of range for an integer "
    "(-2147483648 to 2147483647)";
static const char WHY_CONTROL[] = "holds a control character";

/* Strips spaces and tabs around s[0..*len). */
static const char *
trim(const char *s, size_t *len)
{
	size_t n = *len;

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*len = n;
	return s;
}

/* Copies the name s[0..len) into a map's name slot, shortened if long. */
static void
set_name(char *dst, const char *s, size_t len)
{
	s = trim(s, &len);
	if (len > 63)
		len = 63;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static bool
has_control(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

bool
tsm_ingest_map_init(struct tsm_ingest_map *m, const struct tsm_kind *k,
    const struct tsm_fixed *fixed, int nfixed,
    const struct tsm_time_opts *topts)
{
	memset(m, 0, sizeof(*m));
	m->kind = k;
	m->topts = *topts;
	m->instrument = k->instrument;
	m->time_col = -1;
	for (int i = 0; i < k->nspecs; i++)
		m->field[i] = -1;
	for (int c = 0; c < k->ncols; c++) {
		m->spec_of_col[c] = -1;
		if (k->cols[c].flags & TSM_C_TIME)
			m->time_col = c;
	}
	for (int f = 0; f < nfixed; f++) {
		const char *opt = fixed[f].option, *val = fixed[f].value;
		bool used = false;

		for (int i = 0; i < k->nspecs; i++) {
			if (k->specs[i].option == NULL ||
			    strcmp(k->specs[i].option, opt) != 0)
				continue;
			m->fixed[i] = val;
			used = true;
		}
		if (!used) {
			tsm_usage_error("--%s does not apply to %s", opt,
			    k->name);
			return false;
		}
		if (*val == '\0') {
			tsm_usage_error("--%s is empty", opt);
			return false;
		}
		if (has_control(val, strlen(val))) {
			tsm_usage_error("--%s holds a control character", opt);
			return false;
		}
		if (strcmp(opt, "interval") == 0) {
			const char *why;

			if (!tsm_parse_timeframe(val, &m->tf, &why)) {
				tsm_usage_error("--interval: \"%s\" %s", val,
				    why);
				return false;
			}
			m->tf_fixed = true;
		} else if (strcmp(opt, "kind") == 0 &&
		    tsm_instrument_kind_norm(val, strlen(val)) == NULL) {
			tsm_usage_error("--kind: \"%s\" %s", val,
			    tsm_instrument_kind_why);
			return false;
		}
	}
	return true;
}

/* The i-th name of a comma-separated list, into s and len. */
static void
nth_name(const char *list, int i, const char **s, size_t *len)
{
	const char *p = list;

	while (i-- > 0 && p != NULL) {
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	if (p == NULL) {
		*s = "";
		*len = 0;
		return;
	}
	*s = p;
	*len = strcspn(p, ",");
}

/* The names of the input's columns, for a message: "time, open, high". */
static void
name_list(const struct tsm_record *rec, const char *columns, char *out)
{
	size_t n = 0;
	int count = columns ? 1 : rec->nfields;

	if (columns)
		for (const char *c = columns; *c; c++)
			count += *c == ',';
	out[0] = '\0';
	for (int i = 0; i < count && n < LIST_MAX - 8; i++) {
		const char *s;
		size_t len;
		int w;

		if (columns) {
			nth_name(columns, i, &s, &len);
		} else {
			s = rec->fields[i].s;
			len = rec->fields[i].len;
		}
		s = trim(s, &len);
		if (len == 0)
			continue;
		w = snprintf(out + n, LIST_MAX - n, "%s%.*s", n ? ", " : "",
		    (int)len, s);
		if (w < 0 || (size_t)w >= LIST_MAX - n) {
			strcpy(out + LIST_MAX - 5, "...");
			return;
		}
		n += (size_t)w;
	}
}

/*
 * After the fields are mapped: options that clash with columns, required
 * columns that neither gives, and the columns this load writes.
 */
static bool
finish_map(struct tsm_ingest_map *m, const char *names)
{
	const struct tsm_kind *k = m->kind;

	for (int i = 0; i < k->nspecs; i++) {
		const struct tsm_kspec *sp = &k->specs[i];

		if (m->fixed[i] != NULL && m->field[i] >= 0) {
			tsm_error("--%s and column \"%s\" both give the %s",
			    sp->option, m->name[i], sp->name);
			tsm_hint("drop the option, or the column");
			return false;
		}
		if (sp->required && m->field[i] < 0 && m->fixed[i] == NULL &&
		    (sp->role == TSM_R_COL || m->instrument)) {
			tsm_error("no column for \"%s\": the %s %s%s%s%s",
			    sp->name, strcmp(m->nfields_from,
			    "the header has") == 0 ? "header has" :
			    "columns are", names[0] ? names :
			    "no names", sp->option ? ", and --" : "",
			    sp->option ? sp->option : "",
			    sp->option ? " is not given" : "");
			if (sp->option)
				tsm_hint("give --%s, or a column named %s",
				    sp->option, sp->name);
			return false;
		}
		if (m->fixed[i] != NULL)
			set_name(m->name[i], sp->option, strlen(sp->option));
		if (m->field[i] < 0 && m->fixed[i] == NULL)
			continue;
		if (sp->role == TSM_R_COL || sp->role == TSM_R_BUYER_MAKER) {
			if (m->spec_of_col[sp->col] < 0 ||
			    sp->role == TSM_R_COL)
				m->spec_of_col[sp->col] = i;
			m->active[sp->col] = true;
		} else if (sp->role == TSM_R_SYMBOL) {
			for (int c = 0; c < k->ncols; c++)
				if (k->cols[c].flags & TSM_C_INSTR)
					m->spec_of_col[c] = i;
		}
	}
	m->ncols = 0;
	for (int c = 0; c < k->ncols; c++) {
		if (k->cols[c].flags & (TSM_C_KEY | TSM_C_INSTR))
			m->active[c] = true;
		if (m->active[c])
			m->cols[m->ncols++] = c;
	}
	return true;
}

/* Builds the spec list that csvhead matches names against. */
static void
colspecs(const struct tsm_kind *k, struct tsm_colspec *cs)
{
	for (int i = 0; i < k->nspecs; i++) {
		cs[i].name = k->specs[i].name;
		cs[i].aliases = k->specs[i].aliases;
		cs[i].required = false;		/* finish_map says it better */
	}
}

bool
tsm_ingest_map_first(struct tsm_ingest_map *m, const struct tsm_record *rec,
    const char *columns, const char *where, bool *is_header)
{
	const struct tsm_kind *k = m->kind;
	struct tsm_colspec cs[TSM_KIND_MAXSPECS];
	char names[LIST_MAX];
	const char *list = columns;
	int n;

	colspecs(k, cs);
	*is_header = tsm_csv_is_header(rec, cs, k->nspecs);
	if (columns == NULL && !*is_header) {
		for (const struct tsm_layout *l = k->layouts;
		    l != NULL && l->nfields > 0; l++)
			if (l->nfields == rec->nfields)
				list = l->columns;
		if (list == NULL) {
			tsm_error("%s: the first line is not a header, and "
			    "--columns is not given", where);
			tsm_hint("name the columns of a file without a header "
			    "with --columns, such as --columns=%s",
			    k->specs[0].name);
			return false;
		}
	}
	if (list != NULL) {
		if (!tsm_csv_map_names(list, cs, k->nspecs, m->field, &n))
			return false;
		m->nfields = n;
		m->nfields_from = columns ? "--columns names" :
		    "the layout has";
		for (int i = 0; i < k->nspecs; i++) {
			const char *s;
			size_t len;

			if (m->field[i] < 0)
				continue;
			nth_name(list, m->field[i], &s, &len);
			set_name(m->name[i], s, len);
		}
	} else {
		if (!tsm_csv_map_header(rec, cs, k->nspecs, m->field))
			return false;
		m->nfields = rec->nfields;
		m->nfields_from = "the header has";
		for (int i = 0; i < k->nspecs; i++)
			if (m->field[i] >= 0)
				set_name(m->name[i], rec->fields[m->field[i]].s,
				    rec->fields[m->field[i]].len);
	}
	name_list(rec, list, names);
	return finish_map(m, names);
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
			if (!parse_value(m, row, i, sp->col, s, len, quoted, err))
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
    struct tsm_buf *out)
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
			/* -0 is stored as 0, so that equal prices compare equal. */
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
		snprintf(buf, size, "stdin line %llu", (unsigned long long)line);
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
