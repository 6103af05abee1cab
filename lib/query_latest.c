/*
 * query_latest.c: latest (with --stale, the freshness check for cron) and
 * overview.
 *
 * The newest row of an instrument is cheap to find in the newest
 * partition or chunk and dear to find in all of them, so that the search
 * looks at the last day first, then the last month, then everything, each
 * time only for the instruments not found yet (query_latest.sql).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "query.h"
#include "timeparse.h"

#define USECS_PER_DAY	(INT64_C(86400) * 1000000)
#define MAX_STALE_SHOWN	20

/* What was found for one instrument. */
struct latest {
	bool found;
	bool stale;
	char source[16];
	char *time, *price, *age;
};

static void
latest_free(struct latest *l, int n)
{
	for (int i = 0; l && i < n; i++) {
		free(l[i].time);
		free(l[i].price);
		free(l[i].age);
	}
	free(l);
}

/* Fills l[] (in the order of v[]) in widening windows. */
static bool
find_latest(struct tsm_qctx *q, const struct tsm_instrument *v, int n,
    const char *stale, struct latest *l)
{
	struct timespec ts;
	int64_t now, windows[3], ends[3];
	char *sql = tsm_q_sql(q, "query_latest.sql", NULL, 0);
	struct tsm_instrument *left = malloc(sizeof(*left) * (size_t)(n + 1));
	bool ok = sql != NULL && left != NULL;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000000;
	windows[0] = now - USECS_PER_DAY;
	windows[1] = now - 32 * USECS_PER_DAY;
	windows[2] = INT64_MIN;
	/* The last search has no end, for data stamped in the future. */
	ends[0] = ends[1] = now + USECS_PER_DAY;
	ends[2] = INT64_MAX;
	for (int w = 0; ok && w < 3; w++) {
		struct tsm_params p;
		char *ids;
		PGresult *res;
		int nl = 0;

		for (int i = 0; i < n; i++)
			if (!l[i].found)
				left[nl++] = v[i];
		if (nl == 0)
			break;
		ids = tsm_q_id_array(left, nl);
		if (ids == NULL) {
			tsm_error("out of memory");
			ok = false;
			break;
		}
		tsm_params_init(&p);
		tsm_param_raw(&p, TSM_OID_INT4ARRAY, ids);
		tsm_param_time(&p, windows[w]);
		tsm_param_text(&p, stale);
		tsm_param_time(&p, ends[w]);
		res = tsm_q_exec(q, sql, &p);
		free(ids);
		if (res == NULL) {
			ok = false;
			break;
		}
		for (int r = 0; r < PQntuples(res); r++) {
			int id = atoi(PQgetvalue(res, r, 0));

			for (int i = 0; i < n; i++) {
				if (v[i].id != id || l[i].found)
					continue;
				l[i].found = true;
				snprintf(l[i].source, sizeof(l[i].source), "%s",
				    PQgetvalue(res, r, 1));
				l[i].time = strdup(PQgetvalue(res, r, 2));
				l[i].price = strdup(PQgetvalue(res, r, 3));
				l[i].age = strdup(PQgetvalue(res, r, 4));
				l[i].stale = strcmp(PQgetvalue(res, r, 5),
				    "t") == 0;
				if (!l[i].time || !l[i].price || !l[i].age) {
					tsm_error("out of memory");
					ok = false;
				}
			}
		}
		PQclear(res);
	}
	/* Nothing at all is as stale as it gets. */
	for (int i = 0; stale && i < n; i++)
		if (!l[i].found)
			l[i].stale = true;
	free(sql);
	free(left);
	return ok;
}

/* Names the stale instruments on stderr, after the data. */
static void
report_stale(const struct tsm_instrument *v, const struct latest *l, int n,
    const char *age, int nstale)
{
	int shown = 0;

	tsm_error("%d of %d instrument%s %s no data newer than %s", nstale, n,
	    n == 1 ? "" : "s", nstale == 1 ? "has" : "have", age);
	for (int i = 0; i < n; i++) {
		if (!l[i].stale)
			continue;
		if (shown++ == MAX_STALE_SHOWN) {
			tsm_detail("and %d more", nstale - MAX_STALE_SHOWN);
			break;
		}
		if (l[i].found) {
			char iso[TSM_TIME_BUFSZ];
			size_t k = tsm_pg_time_to_iso(l[i].time,
			    strlen(l[i].time), iso);

			tsm_detail("%s %s: newest %s, %s ago", v[i].exchange,
			    v[i].symbol, k ? iso : l[i].time, l[i].age);
		}
		else
			tsm_detail("%s %s: no data at all", v[i].exchange,
			    v[i].symbol);
	}
}

bool
tsm_q_latest(struct tsm_qctx *q, struct tsm_qargs *a)
{
	static const char *const names[] = { "exchange", "symbol", "source",
	    "time", "price", "age" };
	static const enum tsm_coltype types[] = { TSM_COL_TEXT, TSM_COL_TEXT,
	    TSM_COL_TEXT, TSM_COL_TIME, TSM_COL_NUMBER, TSM_COL_TEXT };
	struct tsm_instrument *v;
	struct latest *l = NULL;
	int n, nstale = 0;
	bool ok;

	if (!tsm_q_instruments(q, a->args, a->nargs, a->watchlist, &a->filter,
	    &v, &n))
		return false;
	l = calloc((size_t)(n + 1), sizeof(*l));
	ok = l != NULL;
	if (!ok)
		tsm_error("out of memory");
	ok = ok && find_latest(q, v, n, a->stale, l) &&
	    tsm_q_writer(q, 6, names, types);
	for (int i = 0; ok && i < n; i++) {
		const char *row[6] = { v[i].exchange, v[i].symbol,
		    l[i].found ? l[i].source : NULL, l[i].time, l[i].price,
		    l[i].age };

		if (a->stale != NULL && !l[i].stale)
			continue;
		if (a->limit >= 0 && (long long)tsm_writer_rows(q->w) >=
		    a->limit)
			break;
		ok = tsm_writer_row(q->w, row, NULL);
	}
	if (ok && a->stale != NULL) {
		for (int i = 0; i < n; i++)
			nstale += l[i].stale;
		a->stale_found = nstale;
		/* The data first, then what is wrong with it. */
		if (nstale > 0 && (ok = tsm_q_finish(q)))
			report_stale(v, l, n, a->stale_arg, nstale);
	}
	latest_free(l, n);
	free(v);
	return ok;
}

/* Joins the field of every found instrument into an array's text. */
static char *
found_array(const struct latest *l, int n, int field)
{
	const char **items = calloc((size_t)(n + 1), sizeof(*items));
	char *arr;
	int k = 0;

	if (items == NULL)
		return NULL;
	for (int i = 0; i < n; i++)
		if (l[i].found)
			items[k++] = field == 0 ? l[i].source :
			    field == 1 ? l[i].time : l[i].price;
	arr = tsm_q_text_array(items, k);
	free(items);
	return arr;
}

bool
tsm_q_overview(struct tsm_qctx *q, struct tsm_qargs *a)
{
	static const char *const names[] = { "exchange", "symbol", "time",
	    "price", "change_24h", "change_pct_24h", "high_24h", "low_24h",
	    "volume_24h" };
	static const enum tsm_coltype types[] = { TSM_COL_TEXT, TSM_COL_TEXT,
	    TSM_COL_TIME, TSM_COL_NUMBER, TSM_COL_NUMBER, TSM_COL_NUMBER,
	    TSM_COL_NUMBER, TSM_COL_NUMBER, TSM_COL_NUMBER };
	struct tsm_instrument *v, *found = NULL;
	struct latest *l = NULL;
	char *arr[4] = { NULL, NULL, NULL, NULL }, *sql = NULL;
	PGresult *res = NULL;
	int n, nf = 0;
	bool ok;

	if (!tsm_q_instruments(q, a->args, a->nargs, a->watchlist, &a->filter,
	    &v, &n))
		return false;
	l = calloc((size_t)(n + 1), sizeof(*l));
	found = calloc((size_t)(n + 1), sizeof(*found));
	ok = l != NULL && found != NULL;
	if (!ok)
		tsm_error("out of memory");
	ok = ok && find_latest(q, v, n, NULL, l);
	if (ok) {
		struct tsm_params p;

		for (int i = 0; i < n; i++)
			if (l[i].found)
				found[nf++] = v[i];
		arr[0] = tsm_q_id_array(found, nf);
		for (int f = 0; f < 3; f++)
			arr[f + 1] = found_array(l, n, f);
		sql = tsm_q_sql(q, "query_overview.sql", NULL, 0);
		ok = sql && arr[0] && arr[1] && arr[2] && arr[3];
		if (sql && !ok)
			tsm_error("out of memory");
		tsm_params_init(&p);
		tsm_param_raw(&p, TSM_OID_INT4ARRAY, arr[0]);
		tsm_param_raw(&p, TSM_OID_TEXTARRAY, arr[1]);
		tsm_param_raw(&p, TSM_OID_TSTZARRAY, arr[2]);
		tsm_param_raw(&p, TSM_OID_FLOAT8ARRAY, arr[3]);
		if (ok)
			res = tsm_q_exec(q, sql, &p);
		ok = ok && res != NULL;
	}
	ok = ok && tsm_q_writer(q, 9, names, types);
	/* The rows come in the order of the instruments (those with a day). */
	for (int i = 0, r = 0; ok && i < n; i++) {
		const char *row[9] = { v[i].exchange, v[i].symbol, l[i].time,
		    l[i].price, NULL, NULL, NULL, NULL, NULL };

		if (a->limit >= 0 && (long long)tsm_writer_rows(q->w) >=
		    a->limit)
			break;
		if (r < PQntuples(res) && atoi(PQgetvalue(res, r, 0)) ==
		    v[i].id) {
			for (int c = 1; c <= 5; c++)
				row[3 + c] = PQgetisnull(res, r, c) ? NULL :
				    PQgetvalue(res, r, c);
			r++;
		}
		ok = tsm_writer_row(q->w, row, NULL);
	}
	PQclear(res);
	for (int f = 0; f < 4; f++)
		free(arr[f]);
	free(sql);
	free(found);
	latest_free(l, n);
	free(v);
	return ok;
}
