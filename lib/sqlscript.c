/*
 * sqlscript.c: psql variables and conditionals in SQL files.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "sqlscript.h"

struct buf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (b->len + n + 1 > cap)
			cap *= 2;
		p = realloc(b->s, cap);
		if (p == NULL) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static const char *
lookup(const struct tsm_sql_var *vars, int nvars, const char *name,
    size_t len)
{
	for (int i = 0; i < nvars; i++)
		if (strlen(vars[i].name) == len &&
		    strncmp(vars[i].name, name, len) == 0)
			return vars[i].value;
	return NULL;
}

/* True for a psql boolean spelling of true. */
static bool
is_true(const char *v)
{
	return strcmp(v, "true") == 0 || strcmp(v, "on") == 0 ||
	    strcmp(v, "1") == 0 || strcmp(v, "yes") == 0;
}

/* Length of the variable name starting at p (letters, digits, _). */
static size_t
name_len(const char *p)
{
	size_t n = 0;

	while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
	    (p[n] >= '0' && p[n] <= '9') || p[n] == '_')
		n++;
	return n;
}

/*
 * Substitutes :"var" and :'var' in one line, skipping '::' casts, quoted
 * literals and dollar-quoted bodies as psql does.  *dollar holds the open
 * dollar-quote tag across lines ("" when none).
 */
static bool
expand_line(const char *fname, int lineno, const char *line, size_t len,
    const struct tsm_sql_var *vars, int nvars, struct buf *out,
    char *dollar, size_t dollarsz, bool *in_quote)
{
	size_t i = 0;

	while (i < len) {
		const char *p = line + i;

		if (*dollar) {
			size_t tl = strlen(dollar);

			if (len - i >= tl && strncmp(p, dollar, tl) == 0) {
				buf_add(out, p, tl);
				i += tl;
				*dollar = '\0';
			} else {
				buf_add(out, p, 1);
				i++;
			}
			continue;
		}
		if (*in_quote) {
			if (*p == '\'')
				*in_quote = false;
			buf_add(out, p, 1);
			i++;
			continue;
		}
		if (*p == '-' && i + 1 < len && p[1] == '-') {
			buf_add(out, p, len - i);
			break;
		}
		if (*p == '\'') {
			*in_quote = true;
			buf_add(out, p, 1);
			i++;
			continue;
		}
		if (*p == '$') {
			size_t t = 1;

			while (i + t < len && (p[t] == '_' ||
			    (p[t] >= 'a' && p[t] <= 'z') ||
			    (p[t] >= 'A' && p[t] <= 'Z')))
				t++;
			if (i + t < len && p[t] == '$' && t + 2 <= dollarsz &&
			    (i == 0 || line[i - 1] != '_')) {
				memcpy(dollar, p, t + 1);
				dollar[t + 1] = '\0';
				buf_add(out, p, t + 1);
				i += t + 1;
				continue;
			}
		}
		if (*p == ':' && i + 1 < len && p[1] == ':') {
			buf_add(out, p, 2);
			i += 2;
			continue;
		}
		if (*p == ':' && i + 1 < len && (p[1] == '"' || p[1] == '\'')) {
			char q = p[1];
			size_t n = name_len(p + 2);
			const char *val;
			char *quoted;

			if (n == 0 || i + 2 + n >= len || p[2 + n] != q) {
				buf_add(out, p, 1);
				i++;
				continue;
			}
			val = lookup(vars, nvars, p + 2, n);
			if (val == NULL) {
				tsm_error("%s line %d: variable \"%.*s\" is not "
				    "set", fname, lineno, (int)n, p + 2);
				return false;
			}
			quoted = q == '"' ? tsm_quote_ident(val) :
			    tsm_quote_literal(val);
			if (quoted == NULL) {
				out->oom = true;
				return false;
			}
			buf_add(out, quoted, strlen(quoted));
			free(quoted);
			i += 3 + n;
			continue;
		}
		buf_add(out, p, 1);
		i++;
	}
	return true;
}

char *
tsm_sql_expand(const char *fname, const char *text,
    const struct tsm_sql_var *vars, int nvars)
{
	struct buf out = { NULL, 0, 0, false };
	/* Each \if level: is this branch live, was any branch taken. */
	bool live[32], taken[32];
	int depth = 0, lineno = 0;
	const char *p = text;
	char dollar[64] = "";
	bool in_quote = false;

	live[0] = true;
	taken[0] = true;
	buf_add(&out, "", 0);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		bool parent = depth == 0 || live[depth - 1];

		lineno++;
		if (*dollar == '\0' && !in_quote && len > 0 && p[0] == '\\') {
			char cmd[16];
			size_t cl = name_len(p + 1);
			const char *arg = p + 1 + cl;
			bool val = false;

			if (cl >= sizeof(cmd))
				cl = sizeof(cmd) - 1;
			memcpy(cmd, p + 1, cl);
			cmd[cl] = '\0';
			while (*arg == ' ' || *arg == '\t')
				arg++;
			if (strcmp(cmd, "if") == 0 || strcmp(cmd, "elif") == 0) {
				size_t n;
				const char *v;

				if (*arg != ':' || (n = name_len(arg + 1)) == 0) {
					tsm_error("%s line %d: \\%s takes :variable",
					    fname, lineno, cmd);
					goto fail;
				}
				v = lookup(vars, nvars, arg + 1, n);
				if (v == NULL) {
					tsm_error("%s line %d: variable \"%.*s\" "
					    "is not set", fname, lineno, (int)n,
					    arg + 1);
					goto fail;
				}
				val = is_true(v);
			}
			if (strcmp(cmd, "if") == 0) {
				if (depth + 1 >= 32) {
					tsm_error("%s line %d: \\if nested too "
					    "deep", fname, lineno);
					goto fail;
				}
				depth++;
				live[depth] = live[depth - 1] && val;
				taken[depth] = val;
			} else if (strcmp(cmd, "elif") == 0 && depth > 0) {
				live[depth] = live[depth - 1] && !taken[depth] &&
				    val;
				taken[depth] = taken[depth] || val;
			} else if (strcmp(cmd, "else") == 0 && depth > 0) {
				live[depth] = live[depth - 1] && !taken[depth];
				taken[depth] = true;
			} else if (strcmp(cmd, "endif") == 0 && depth > 0) {
				depth--;
			} else {
				tsm_error("%s line %d: \\%s is not supported here "
				    "(only \\if, \\elif, \\else and \\endif)",
				    fname, lineno, cmd);
				goto fail;
			}
			/* Keep line numbers: a blank line for the command. */
			buf_add(&out, "\n", 1);
		} else if (parent && live[depth]) {
			if (!expand_line(fname, lineno, p, len, vars, nvars,
			    &out, dollar, sizeof(dollar), &in_quote))
				goto fail;
			buf_add(&out, "\n", 1);
		} else {
			buf_add(&out, "\n", 1);
		}
		p += len + (nl ? 1 : 0);
	}
	if (depth != 0) {
		tsm_error("%s: \\if without \\endif at the end of the file",
		    fname);
		goto fail;
	}
	if (out.oom) {
		tsm_error("out of memory");
		goto fail;
	}
	return out.s;
fail:
	free(out.s);
	return NULL;
}

int
tsm_sql_line_of(const char *text, int pos)
{
	int line = 1;

	for (int i = 0; i < pos && text[i]; i++)
		if (text[i] == '\n')
			line++;
	return line;
}
