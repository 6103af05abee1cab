/*
 * query_instr.c: the instruments that symbols and watchlists name, and
 * the closest names to one that is not there.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "query.h"
#include "sqlscript.h"

int
tsm_levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[65];

	/* Names are short; past 64 bytes only the first 64 count. */
	if (la > 64)
		la = 64;
	if (lb > 64)
		lb = 64;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];

		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int cost = tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]) ? 0 : 1;
			int best = diag + cost;

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* True if s starts with prefix, in any case. */
static bool
starts_ci(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
			return false;
	return true;
}

struct near {
	const char *name;
	int score;
};

static int
near_cmp(const void *a, const void *b)
{
	const struct near *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * Says which names are closest to the one not found: those within a
 * third of its length in edits (at least two), and those it begins, the
 * nearest first, five at most.  what is "symbols" or "watchlists".
 */
static void
hint_closest(struct tsm_qctx *q, const char *name, bool watchlists)
{
	struct tsm_sql_var v = { "watchlists", watchlists ? "true" : "false" };
	char *sql = tsm_q_sql(q, "query_names.sql", &v, 1);
	PGresult *res = sql ? tsm_q_exec(q, sql, NULL) : NULL;
	int n = res ? PQntuples(res) : 0, k = 0;
	int limit = (int)strlen(name) / 3;
	struct near *cand;
	char list[512] = "";

	free(sql);
	if (limit < 2)
		limit = 2;
	cand = calloc((size_t)(n > 0 ? n : 1), sizeof(*cand));
	if (res == NULL || cand == NULL) {
		PQclear(res);
		free(cand);
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *s = PQgetvalue(res, i, 0);
		int d = tsm_levenshtein(name, s);

		if (strlen(name) >= 2 && starts_ci(s, name) && d > 1)
			d = 1 + (d > limit);
		if (d <= limit) {
			cand[k].name = s;
			cand[k].score = d;
			k++;
		}
	}
	qsort(cand, (size_t)k, sizeof(*cand), near_cmp);
	for (int i = 0; i < k && i < 5; i++) {
		size_t l = strlen(list);

		snprintf(list + l, sizeof(list) - l, "%s%s", i ? ", " : "",
		    cand[i].name);
	}
	if (k > 0)
		tsm_hint("the closest %s: %s (tsm-query %s lists them all)",
		    k == 1 ? (watchlists ? "watchlist is" : "symbol is") :
		    (watchlists ? "watchlists are" : "symbols are"), list,
		    watchlists ? "watchlists" : "symbols");
	else
		tsm_hint("tsm-query %s lists them",
		    watchlists ? "watchlists" : "symbols");
	free(cand);
	PQclear(res);
}

/* Adds an instrument from row r of res unless it is there already. */
static bool
add_instrument(struct tsm_instrument **v, int *n, int *cap,
    const PGresult *res, int r)
{
	int id = atoi(PQgetvalue(res, r, 0));
	struct tsm_instrument *in;

	for (int i = 0; i < *n; i++)
		if ((*v)[i].id == id)
			return true;
	if (*n == *cap) {
		int nc = *cap ? 2 * *cap : 16;
		struct tsm_instrument *p = realloc(*v, (size_t)nc * sizeof(*p));

		if (p == NULL) {
			tsm_error("out of memory");
			return false;
		}
		*v = p;
		*cap = nc;
	}
	in = &(*v)[(*n)++];
	in->id = id;
	snprintf(in->exchange, sizeof(in->exchange), "%s",
	    PQgetvalue(res, r, 1));
	snprintf(in->symbol, sizeof(in->symbol), "%s", PQgetvalue(res, r, 2));
	snprintf(in->kind, sizeof(in->kind), "%s", PQgetvalue(res, r, 3));
	return true;
}

/* The filter's parameters $2 to $4 of the instrument queries. */
static void
filter_params(struct tsm_params *p, const struct tsm_ifilter *f)
{
	tsm_param_text(p, f ? f->exchange : NULL);
	tsm_param_text(p, f ? f->kind : NULL);
	tsm_param_bool(p, f ? f->active : false);
}

/* Says what a filter was, for messages: " on exchange \"x\"". */
static void
filter_words(const struct tsm_ifilter *f, char *buf, size_t n)
{
	size_t l;

	buf[0] = '\0';
	if (f == NULL)
		return;
	if (f->exchange)
		snprintf(buf, n, " on exchange \"%s\"", f->exchange);
	l = strlen(buf);
	if (f->kind)
		snprintf(buf + l, n - l, " of kind \"%s\"", f->kind);
	l = strlen(buf);
	if (f->active)
		snprintf(buf + l, n - l, " that is active");
}

/*
 * Picks the instruments of row set res that symbol names: the exact
 * spelling if any row has it, else any case.  Reports an unknown or
 * ambiguous symbol.
 */
static bool
pick_symbol(struct tsm_qctx *q, const PGresult *res, const char *symbol,
    const struct tsm_ifilter *f, struct tsm_instrument **v, int *n,
    int *cap)
{
	int exact = 0, any = 0, first = -1;
	char words[160];

	for (int r = 0; r < PQntuples(res); r++) {
		const char *s = PQgetvalue(res, r, 2);

		if (strcmp(s, symbol) == 0)
			exact++;
		else if (strcasecmp(s, symbol) == 0)
			any++;
	}
	if (exact + any == 0) {
		filter_words(f, words, sizeof(words));
		if (words[0] != '\0') {
			struct tsm_instrument *all = NULL;
			int nall = 0;

			/* Is it there without the filter? */
			const char *const one[1] = { symbol };

			if (tsm_q_instruments(q, one, 1, NULL, NULL, &all,
			    &nall)) {
				tsm_error("no instrument \"%s\"%s", symbol, words);
				tsm_hint("it is on exchange \"%s\" as %s %s%s",
				    all[0].exchange, all[0].kind, all[0].symbol,
				    nall > 1 ? " (and elsewhere)" : "");
				free(all);
				return false;
			}
			return false;
		}
		tsm_error("unknown symbol \"%s\"", symbol);
		hint_closest(q, symbol, false);
		return false;
	}
	for (int r = 0; r < PQntuples(res); r++) {
		const char *s = PQgetvalue(res, r, 2);

		if (exact ? strcmp(s, symbol) != 0 : strcasecmp(s, symbol) != 0)
			continue;
		if (first >= 0) {
			char list[512] = "";

			for (int k = 0; k < PQntuples(res); k++) {
				const char *t = PQgetvalue(res, k, 2);
				size_t l = strlen(list);

				if (exact ? strcmp(t, symbol) != 0 :
				    strcasecmp(t, symbol) != 0)
					continue;
				snprintf(list + l, sizeof(list) - l, "%s%s %s %s",
				    l ? ", " : "", PQgetvalue(res, k, 1), t,
				    PQgetvalue(res, k, 3));
			}
			tsm_error("symbol \"%s\" names several instruments: %s",
			    symbol, list);
			tsm_hint("choose one with --exchange or --kind");
			return false;
		}
		first = r;
	}
	return add_instrument(v, n, cap, res, first);
}

/* The instruments of a watchlist; an unknown one is reported. */
static bool
watchlist_instruments(struct tsm_qctx *q, const char *name,
    const struct tsm_ifilter *f, struct tsm_instrument **v, int *n, int *cap)
{
	struct tsm_params p;
	char *sql = tsm_q_sql(q, "query_watchlist.sql", NULL, 0);
	PGresult *res;
	bool ok = true;

	if (sql == NULL)
		return false;
	tsm_params_init(&p);
	tsm_param_text(&p, name);
	filter_params(&p, f);
	res = tsm_q_exec(q, sql, &p);
	if (res != NULL && PQntuples(res) == 0 && f != NULL &&
	    (f->exchange || f->kind || f->active)) {
		/* Empty after the filter: is the watchlist there at all? */
		PQclear(res);
		tsm_params_init(&p);
		tsm_param_text(&p, name);
		filter_params(&p, NULL);
		res = tsm_q_exec(q, sql, &p);
		if (res != NULL && PQntuples(res) > 0) {
			PQclear(res);
			free(sql);
			return true;
		}
	}
	free(sql);
	if (res == NULL)
		return false;
	if (PQntuples(res) == 0) {
		tsm_error("no watchlist named \"%s\"", name);
		hint_closest(q, name, true);
		ok = false;
	}
	for (int r = 0; ok && r < PQntuples(res); r++)
		ok = add_instrument(v, n, cap, res, r);
	PQclear(res);
	return ok;
}

bool
tsm_q_instruments(struct tsm_qctx *q, const char *const *symbols,
    int nsymbols, const char *watchlist, const struct tsm_ifilter *f,
    struct tsm_instrument **out, int *n)
{
	struct tsm_instrument *v = NULL;
	int cap = 0;
	struct tsm_params p;
	char *sql = NULL, *arr = NULL;
	PGresult *res = NULL;
	bool ok = false;

	*out = NULL;
	*n = 0;
	if (nsymbols > 0 || watchlist == NULL) {
		sql = tsm_q_sql(q, "query_instruments.sql", NULL, 0);
		if (sql == NULL)
			goto out;
		if (nsymbols > 0) {
			arr = tsm_q_text_array(symbols, nsymbols);
			if (arr == NULL) {
				tsm_error("out of memory");
				goto out;
			}
		}
		tsm_params_init(&p);
		tsm_param_raw(&p, TSM_OID_TEXTARRAY, arr);
		filter_params(&p, f);
		res = tsm_q_exec(q, sql, &p);
		if (res == NULL)
			goto out;
		if (nsymbols == 0) {
			for (int r = 0; r < PQntuples(res); r++)
				if (!add_instrument(&v, n, &cap, res, r))
					goto out;
		}
		for (int i = 0; i < nsymbols; i++)
			if (!pick_symbol(q, res, symbols[i], f, &v, n, &cap))
				goto out;
	}
	if (watchlist != NULL &&
	    !watchlist_instruments(q, watchlist, f, &v, n, &cap))
		goto out;
	ok = true;
out:
	PQclear(res);
	free(sql);
	free(arr);
	if (ok)
		*out = v;
	else {
		free(v);
		*n = 0;
	}
	return ok;
}

char *
tsm_q_id_array(const struct tsm_instrument *v, int n)
{
	size_t cap = 3 + (size_t)n * 12, len = 1;
	char *s = malloc(cap);

	if (s == NULL)
		return NULL;
	s[0] = '{';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%d",
		    i ? "," : "", v[i].id);
	snprintf(s + len, cap - len, "}");
	return s;
}
