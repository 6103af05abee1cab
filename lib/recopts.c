/*
 * recopts.c: what the command line says about records: --preset, --path,
 * --map, --value-map and the defaults of presets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "recmap.h"

void
tsm_recmap_init(struct tsm_recmap *m, enum tsm_rec_kind kind)
{
	memset(m, 0, sizeof(*m));
	m->kind = kind;
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
		tsm_usage_error("%s %s: the path \"%s\" %s", opt, arg, path,
		    why);
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
			tsm_usage_error("%s %s: \"%s\" needs a \":\" between "
			    "the value and what it means", opt, arg, from);
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
			tsm_usage_error("%s %s: cannot read it past \"%s\"",
			    opt, arg, p);
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


/* The preset's maps, value maps, defaults and mode into m. */
static bool
apply_preset(struct tsm_recmap *m, const struct tsm_preset *preset)
{
	if (!(preset->kinds & m->kind)) {
		tsm_usage_error("--preset %s is for %s, not %s", preset->name,
		    tsm_rec_kind_name((enum tsm_rec_kind)preset->kinds),
		    tsm_rec_kind_name(m->kind));
		return false;
	}
	for (int i = 0; preset->maps[i]; i++)
		if (!tsm_recmap_add_map(m, "--preset", preset->maps[i]))
			return false;
	for (int i = 0; preset->value_maps[i]; i++)
		if (!tsm_recmap_add_value_map(m, "--preset",
		    preset->value_maps[i]))
			return false;
	for (int i = 0; preset->defaults[i]; i++)
		if (!tsm_recmap_add_default(m, preset->defaults[i]))
			return false;
	m->mode = preset->mode;
	return true;
}

bool
tsm_recmap_from_opts(struct tsm_recmap *m, const struct tsm_recopts *o,
    struct tsm_jpath *path, bool *have_path)
{
	const struct tsm_preset *preset = NULL;
	const char *p, *why;

	*have_path = false;
	if (o->preset != NULL) {
		preset = tsm_preset_find(o->preset);
		if (preset == NULL) {
			tsm_usage_error("--preset: unknown format \"%s\"; "
			    "known: %s", o->preset, tsm_preset_list());
			return false;
		}
		if (!apply_preset(m, preset))
			return false;
	}
	for (int i = 0; i < o->nmaps; i++)
		if (!tsm_recmap_add_map(m, "--map", o->maps[i]))
			return false;
	for (int i = 0; i < o->nvmaps; i++)
		if (!tsm_recmap_add_value_map(m, "--value-map", o->vmaps[i]))
			return false;
	if (o->mode != NULL)
		m->mode = o->mode;
	m->exchange = o->exchange;
	m->topts.tz = o->tz;
	m->topts.unit = o->unit;
	p = o->path ? o->path : preset ? preset->path : NULL;
	if (p != NULL) {
		if (!tsm_jpath_parse(p, path, &why) || path->at_key) {
			tsm_usage_error("--path \"%s\" %s", p,
			    path->at_key ? "cannot be @key" : why);
			return false;
		}
		*have_path = true;
	}
	return true;
}
