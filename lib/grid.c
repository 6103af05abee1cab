/*
 * grid.c: parsing grids and constraints, and listing the parameter sets.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "log.h"
#include "num.h"

/* Reports a bad parameter name with the list of good ones. */
static void
no_param(const char *opt, const struct tsm_strategy_def *def,
    const char *name, size_t len)
{
	char list[64];

	tsm_strategy_param_list(def, list, sizeof(list));
	tsm_usage_error("%s: %s has no parameter \"%.*s\"", opt, def->name,
	    (int)len, name);
	tsm_hint("the parameters of %s are: %s", def->name, list);
}

static bool
push_value(struct tsm_grid *g, int slot, double v)
{
	size_t n = g->nvalues[slot];

	if ((n & (n - 1)) == 0) {	/* 0, 1, 2, 4 ... : grow */
		double *p = realloc(g->values[slot],
		    (n ? n * 2 : 1) * sizeof(double));

		if (p == NULL) {
			tsm_error("out of memory");
			return false;
		}
		g->values[slot] = p;
	}
	g->values[slot][g->nvalues[slot]++] = v;
	return true;
}

/* One value or range a:b[:step] for the parameter in slot. */
static bool
parse_values(struct tsm_grid *g, int slot, const char *s, size_t len)
{
	const struct tsm_strategy_def *def = g->def;
	int k = g->index[slot];
	const char *c1 = memchr(s, ':', len), *c2, *why;
	double a, b, step = 1;

	if (c1 == NULL) {
		if (!tsm_parse_double(s, len, &a, &why) ||
		    !tsm_strategy_check_value(def, k, a, &why)) {
			tsm_usage_error("--grid: %s \"%.*s\" %s",
			    def->params[k].name, (int)len, s, why);
			return false;
		}
		return push_value(g, slot, a);
	}
	c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - s));
	if (!tsm_parse_double(s, (size_t)(c1 - s), &a, &why) ||
	    !tsm_parse_double(c1 + 1, (size_t)((c2 ? c2 : s + len) - c1 - 1),
	    &b, &why) || (c2 && !tsm_parse_double(c2 + 1,
	    (size_t)(s + len - c2 - 1), &step, &why))) {
		tsm_usage_error("--grid: %s \"%.*s\" is not a range FROM:TO or "
		    "FROM:TO:STEP", def->params[k].name, (int)len, s);
		return false;
	}
	if (!(step > 0)) {
		tsm_usage_error("--grid: %s \"%.*s\" needs a positive step",
		    def->params[k].name, (int)len, s);
		return false;
	}
	if (b < a) {
		tsm_usage_error("--grid: %s \"%.*s\" runs backwards",
		    def->params[k].name, (int)len, s);
		return false;
	}
	if ((b - a) / step >= TSM_GRID_MAX) {
		tsm_usage_error("--grid: %s \"%.*s\" has more than %d values",
		    def->params[k].name, (int)len, s, TSM_GRID_MAX);
		return false;
	}
	for (double i = 0;; i++) {
		double v = a + i * step;

		if (v > b + 1e-9 * step)
			break;
		if (!tsm_strategy_check_value(def, k, v, &why)) {
			char x[TSM_NUM_BUFSZ];

			tsm_format_double(v, x);
			tsm_usage_error("--grid: %s %s (in \"%.*s\") %s",
			    def->params[k].name, x, (int)len, s, why);
			return false;
		}
		if (!push_value(g, slot, v))
			return false;
	}
	return true;
}

bool
tsm_grid_parse(const char *spec, const struct tsm_strategy_def *def,
    struct tsm_grid *g)
{
	const char *p = spec;
	int slot = -1;

	memset(g, 0, sizeof(*g));
	g->def = def;
	for (;;) {
		size_t len = strcspn(p, ",");
		const char *eq = memchr(p, '=', len);

		if (eq != NULL) {
			size_t nl = (size_t)(eq - p);
			char name[32];
			int k;

			snprintf(name, sizeof(name), "%.*s", (int)(nl < 31 ?
			    nl : 31), p);
			k = nl < 31 ? tsm_strategy_param(def, name) : -1;
			if (k < 0) {
				no_param("--grid", def, p, nl);
				goto fail;
			}
			for (int j = 0; j < g->np; j++)
				if (g->index[j] == k) {
					tsm_usage_error("--grid names %s twice",
					    name);
					goto fail;
				}
			slot = g->np++;
			g->index[slot] = k;
			len -= nl + 1;
			p = eq + 1;
		} else if (slot < 0) {
			tsm_usage_error("--grid \"%s\": expected NAME=VALUES, "
			    "such as fast=5:50:5,slow=20,50", spec);
			goto fail;
		}
		if (len == 0) {
			tsm_usage_error("--grid \"%s\": an empty value", spec);
			goto fail;
		}
		if (!parse_values(g, slot, p, len))
			goto fail;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	/* Slots in the strategy's order of parameters, whatever the
	 * order they were written in. */
	for (int i = 1; i < g->np; i++)
		for (int j = i; j > 0 && g->index[j - 1] > g->index[j]; j--) {
			int k = g->index[j];
			double *v = g->values[j];
			size_t nv = g->nvalues[j];

			g->index[j] = g->index[j - 1];
			g->values[j] = g->values[j - 1];
			g->nvalues[j] = g->nvalues[j - 1];
			g->index[j - 1] = k;
			g->values[j - 1] = v;
			g->nvalues[j - 1] = nv;
		}
	return true;
fail:
	tsm_grid_free(g);
	return false;
}

void
tsm_grid_free(struct tsm_grid *g)
{
	for (int j = 0; j < TSM_STRAT_MAXPARAMS; j++)
		free(g->values[j]);
	memset(g, 0, sizeof(*g));
}

double
tsm_grid_size(const struct tsm_grid *g)
{
	double n = 1;

	for (int j = 0; j < g->np; j++)
		n *= (double)g->nvalues[j];
	return n;
}

/* Constraints: a tree of nodes in one array. */
enum node_op { N_NUM, N_PARAM, N_NEG, N_ADD, N_SUB, N_MUL, N_DIV };
enum cmp_op { C_LT, C_LE, C_GT, C_GE, C_EQ, C_NE };

#define MAXNODES 64
/* Nesting of parentheses and signs: the parser recurses once a level. */
#define MAXDEPTH 64

struct node {
	enum node_op op;
	double v;
	int k, a, b;		/* parameter; children */
};

struct tsm_constraint {
	struct node n[MAXNODES];
	int count, left, right;
	enum cmp_op cmp;
};

struct parser {
	const char *expr, *p;
	const struct tsm_strategy_def *def;
	struct tsm_constraint *c;
	int depth;
	bool failed;
};

static void
skip_space(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static int
add_node(struct parser *ps, enum node_op op, double v, int k, int a, int b)
{
	struct tsm_constraint *c = ps->c;

	if (c->count == MAXNODES) {
		/* Say it once: the parse unwinds through many more nodes. */
		if (!ps->failed)
			tsm_usage_error("--constraint \"%s\" is too long",
			    ps->expr);
		ps->failed = true;
		return 0;
	}
	c->n[c->count] = (struct node){ op, v, k, a, b };
	return c->count++;
}

static void
syntax(struct parser *ps, const char *what)
{
	if (!ps->failed)
		tsm_usage_error("--constraint \"%s\": expected %s at \"%s\"",
		    ps->expr, what, ps->p);
	ps->failed = true;
}

static int expr(struct parser *ps);

static int
factor(struct parser *ps)
{
	const char *s;

	skip_space(ps);
	s = ps->p;
	/*
	 * A level deeper.  Without a bound, "((((...1" a few hundred
	 * thousand long overflowed the stack before any node was counted.
	 */
	if ((*s == '(' || *s == '-') && ps->depth == MAXDEPTH) {
		if (!ps->failed)
			tsm_usage_error("--constraint \"%.40s...\" nests too "
			    "deeply: at most %d parentheses and signs", ps->expr,
			    MAXDEPTH);
		ps->failed = true;
		return 0;
	}
	if (*s == '(') {
		int e;

		ps->p++;
		ps->depth++;
		e = expr(ps);
		ps->depth--;
		skip_space(ps);
		if (*ps->p != ')') {
			syntax(ps, "\")\"");
			return 0;
		}
		ps->p++;
		return e;
	}
	if (*s == '-') {
		int e;

		ps->p++;
		ps->depth++;
		e = factor(ps);
		ps->depth--;
		return add_node(ps, N_NEG, 0, 0, e, 0);
	}
	if (isdigit((unsigned char)*s) || *s == '.') {
		const char *why;
		double v;
		size_t len = strspn(s, "0123456789.eE");

		if (!tsm_parse_double(s, len, &v, &why)) {
			syntax(ps, "a number");
			return 0;
		}
		ps->p += len;
		return add_node(ps, N_NUM, v, 0, 0, 0);
	}
	if (isalpha((unsigned char)*s) || *s == '_') {
		size_t len = strspn(s, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789");
		char name[32];
		int k;

		snprintf(name, sizeof(name), "%.*s", (int)(len < 31 ? len : 31),
		    s);
		k = len < 31 ? tsm_strategy_param(ps->def, name) : -1;
		if (k < 0) {
			if (!ps->failed)
				no_param("--constraint", ps->def, s, len);
			ps->failed = true;
			return 0;
		}
		ps->p += len;
		return add_node(ps, N_PARAM, 0, k, 0, 0);
	}
	syntax(ps, "a parameter, a number or \"(\"");
	return 0;
}

static int
term(struct parser *ps)
{
	int a = factor(ps);

	for (;;) {
		skip_space(ps);
		if (*ps->p == '*' || *ps->p == '/') {
			enum node_op op = *ps->p == '*' ? N_MUL : N_DIV;

			ps->p++;
			a = add_node(ps, op, 0, 0, a, factor(ps));
		} else {
			return a;
		}
	}
}

static int
expr(struct parser *ps)
{
	int a = term(ps);

	for (;;) {
		skip_space(ps);
		if (*ps->p == '+' || *ps->p == '-') {
			enum node_op op = *ps->p == '+' ? N_ADD : N_SUB;

			ps->p++;
			a = add_node(ps, op, 0, 0, a, term(ps));
		} else {
			return a;
		}
	}
}

struct tsm_constraint *
tsm_constraint_parse(const char *text, const struct tsm_strategy_def *def)
{
	static const struct { const char *s; enum cmp_op op; } ops[] = {
		{ "<=", C_LE }, { ">=", C_GE }, { "==", C_EQ }, { "!=", C_NE },
		{ "<", C_LT }, { ">", C_GT }, { "=", C_EQ },
	};
	struct parser ps = { text, text, def, NULL, 0, false };
	struct tsm_constraint *c = calloc(1, sizeof(*c));
	size_t j;

	if (c == NULL) {
		tsm_error("out of memory");
		return NULL;
	}
	ps.c = c;
	c->left = expr(&ps);
	skip_space(&ps);
	for (j = 0; !ps.failed && j < sizeof(ops) / sizeof(ops[0]); j++)
		if (strncmp(ps.p, ops[j].s, strlen(ops[j].s)) == 0)
			break;
	if (!ps.failed && j == sizeof(ops) / sizeof(ops[0]))
		syntax(&ps, "a comparison (< <= > >= == !=)");
	if (!ps.failed) {
		c->cmp = ops[j].op;
		ps.p += strlen(ops[j].s);
		c->right = expr(&ps);
		skip_space(&ps);
		if (*ps.p != '\0')
			syntax(&ps, "the end");
	}
	if (ps.failed) {
		free(c);
		return NULL;
	}
	return c;
}

static double
eval(const struct tsm_constraint *c, int i, const struct tsm_strategy *st)
{
	const struct node *n = &c->n[i];

	switch (n->op) {
	case N_NUM:
		return n->v;
	case N_PARAM:
		return st->p[n->k];
	case N_NEG:
		return -eval(c, n->a, st);
	case N_ADD:
		return eval(c, n->a, st) + eval(c, n->b, st);
	case N_SUB:
		return eval(c, n->a, st) - eval(c, n->b, st);
	case N_MUL:
		return eval(c, n->a, st) * eval(c, n->b, st);
	case N_DIV:
		return eval(c, n->a, st) / eval(c, n->b, st);
	}
	return NAN;
}

bool
tsm_constraint_holds(const struct tsm_constraint *c,
    const struct tsm_strategy *st)
{
	double a = eval(c, c->left, st), b = eval(c, c->right, st);

	switch (c->cmp) {
	case C_LT:
		return a < b;
	case C_LE:
		return a <= b;
	case C_GT:
		return a > b;
	case C_GE:
		return a >= b;
	case C_EQ:
		return a == b;
	case C_NE:
		return a != b;
	}
	return false;
}

bool
tsm_grid_expand(const struct tsm_grid *g, const struct tsm_strategy *base,
    struct tsm_constraint *const *cons, int ncons, struct tsm_strategy **sets,
    size_t *nsets, size_t *invalid)
{
	size_t total = (size_t)tsm_grid_size(g), n = 0;
	size_t at[TSM_STRAT_MAXPARAMS] = { 0 };
	struct tsm_strategy *out;

	*invalid = 0;
	if (tsm_grid_size(g) > TSM_GRID_MAX) {
		tsm_usage_error("--grid makes %.0f parameter sets; at most %d",
		    tsm_grid_size(g), TSM_GRID_MAX);
		return false;
	}
	out = malloc((total ? total : 1) * sizeof(*out));
	if (out == NULL) {
		tsm_error("out of memory for %zu parameter sets", total);
		return false;
	}
	/* An odometer whose first slot turns fastest. */
	for (size_t s = 0; s < total; s++) {
		struct tsm_strategy st = *base;
		const char *why;
		bool keep = true;

		for (int j = 0; j < g->np; j++)
			st.p[g->index[j]] = g->values[j][at[j]];
		for (int j = 0; j < g->np; j++) {
			if (++at[j] < g->nvalues[j])
				break;
			at[j] = 0;
		}
		for (int k = 0; k < ncons && keep; k++)
			keep = tsm_constraint_holds(cons[k], &st);
		if (keep && !tsm_strategy_check(&st, &why)) {
			(*invalid)++;
			keep = false;
		}
		if (keep)
			out[n++] = st;
	}
	*sets = out;
	*nsets = n;
	return true;
}
