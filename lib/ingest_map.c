/*
 * ingest_map.c: how an input's columns feed a kind's table: its header
 * matched by name and alias, --columns, or a layout known by its field
 * count; options that stand for columns; the columns a load writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "log.h"

#define LIST_MAX 400

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

