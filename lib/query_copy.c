/*
 * query_copy.c: rows of COPY's text format rewritten straight into csv or
 * tsv, and the round trip that gets a COPY ready (see query_copy.h).  The rules are those of out.c's writer, applied
 * to the text as COPY sends it: "\N" is NULL, backslash escapes are
 * undone only where a value has one, and what a value of a number or
 * boolean type can hold never needs quotes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "copytext.h"
#include "db.h"
#include "log.h"
#include "num.h"
#include "query_copy.h"
#include "timeparse.h"

#define COPYOUT_BUFSZ	(256 * 1024)

struct tsm_copyout {
	FILE *f;
	enum tsm_format fmt;
	int ncols;
	enum tsm_coltype *types;
	bool passthrough;	/* tsv with nothing to rewrite */
	bool failed;
	char *ob;		/* COPYOUT_BUFSZ bytes */
	size_t olen;
	char *scratch;		/* a value unescaped or trimmed */
	size_t scap;
};

struct tsm_copyout *
tsm_copyout_new(FILE *f, enum tsm_format fmt, int ncols,
    const enum tsm_coltype *types)
{
	struct tsm_copyout *c;

	if (fmt != TSM_FMT_CSV && fmt != TSM_FMT_TSV)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->types = calloc((size_t)(ncols > 0 ? ncols : 1),
	    sizeof(*c->types))) == NULL || (c->ob = malloc(COPYOUT_BUFSZ)) ==
	    NULL) {
		if (c != NULL)
			free(c->types);
		free(c);
		tsm_error("out of memory");
		return NULL;
	}
	c->f = f;
	c->fmt = fmt;
	c->ncols = ncols;
	c->passthrough = fmt == TSM_FMT_TSV;
	for (int i = 0; i < ncols; i++) {
		c->types[i] = types[i];
		if (types[i] == TSM_COL_TIME || types[i] == TSM_COL_NUMERIC)
			c->passthrough = false;
	}
	return c;
}

static bool
flush_out(struct tsm_copyout *c)
{
	if (c->failed)
		return false;
	if (c->olen > 0) {
		errno = 0;
		if (fwrite(c->ob, 1, c->olen, c->f) != c->olen) {
			int e = errno;

			c->failed = true;
			tsm_check_reader_gone(c->f, e);
			tsm_error("cannot write to %s: %s",
			    c->f == stdout ? "stdout" : "the output",
			    e ? strerror(e) : "unknown error");
			return false;
		}
		c->olen = 0;
	}
	return true;
}

/* Appends s[0..n); the buffer goes out when full. */
static inline bool
put(struct tsm_copyout *c, const char *s, size_t n)
{
	if (c->olen + n > COPYOUT_BUFSZ) {
		if (!flush_out(c))
			return false;
		if (n > COPYOUT_BUFSZ) {
			/* Larger than the buffer: in pieces of it. */
			while (n > COPYOUT_BUFSZ) {
				memcpy(c->ob, s, COPYOUT_BUFSZ);
				c->olen = COPYOUT_BUFSZ;
				if (!flush_out(c))
					return false;
				s += COPYOUT_BUFSZ;
				n -= COPYOUT_BUFSZ;
			}
		}
	}
	memcpy(c->ob + c->olen, s, n);
	c->olen += n;
	return true;
}

static inline bool
putch(struct tsm_copyout *c, char ch)
{
	if (c->olen == COPYOUT_BUFSZ && !flush_out(c))
		return false;
	c->ob[c->olen++] = ch;
	return true;
}

static bool
scratch(struct tsm_copyout *c, size_t need)
{
	char *p;

	if (need <= c->scap)
		return true;
	p = realloc(c->scratch, need);
	if (p == NULL) {
		tsm_error("out of memory");
		return false;
	}
	c->scratch = p;
	c->scap = need;
	return true;
}

/* Bytes that make a CSV field need quotes. */
static const unsigned char csv_special[256] = {
	['\n'] = 1, ['\r'] = 1, ['"'] = 1, [','] = 1
};

/*
 * A CSV field as out.c writes it: quoted when it holds a separator,
 * quote, CR or LF, is empty, or starts or ends with a space or tab.
 */
static bool
put_csv_text(struct tsm_copyout *c, const char *s, size_t len)
{
	bool quote = len == 0 || s[0] == ' ' || s[0] == '\t' ||
	    s[len - 1] == ' ' || s[len - 1] == '\t';
	const char *p, *q, *end = s + len;

	for (size_t i = 0; i < len && !quote; i++)
		quote = csv_special[(unsigned char)s[i]];
	if (!quote)
		return put(c, s, len);
	if (!putch(c, '"'))
		return false;
	for (p = s; p < end; p = q + 1) {
		q = memchr(p, '"', (size_t)(end - p));
		if (q == NULL)
			return put(c, p, (size_t)(end - p)) && putch(c, '"');
		if (!put(c, p, (size_t)(q - p + 1)) || !putch(c, '"'))
			return false;
	}
	return putch(c, '"');
}

/* A time rewritten to ISO 8601 into buf; 0 if it is not one. */
static size_t
iso_time(const char *s, size_t len, char *buf)
{
	char tmp[64];
	size_t n = tsm_pg_time_to_iso(s, len, buf);

	/* A timestamp without time zone is taken as UTC. */
	if (n == 0 && len + 3 <= sizeof(tmp)) {
		memcpy(tmp, s, len);
		memcpy(tmp + len, "+00", 3);
		n = tsm_pg_time_to_iso(tmp, len + 3, buf);
	}
	return n;
}

/* One value of a csv row; s[0..len) as COPY wrote it. */
static bool
csv_value(struct tsm_copyout *c, enum tsm_coltype t, const char *s,
    size_t len)
{
	char iso[TSM_TIME_BUFSZ];
	size_t n;

	if (len == 2 && s[0] == '\\' && s[1] == 'N')
		return true;			/* NULL: nothing */
	switch (t) {
	case TSM_COL_NUMBER:
	case TSM_COL_BOOL:
		/* Digits, signs, letters of NaN and Infinity, t or f. */
		return put(c, s, len);
	case TSM_COL_TIME:
		if ((n = iso_time(s, len, iso)) > 0)
			return put(c, iso, n);
		break;
	case TSM_COL_NUMERIC:
		if (!scratch(c, len + 1))
			return false;
		n = tsm_trim_numeric(s, len, c->scratch);
		if (n > 0)
			return put(c, c->scratch, n);
		break;
	default:
		break;
	}
	if (memchr(s, '\\', len) != NULL) {
		if (!scratch(c, len + 1))
			return false;
		n = tsm_copy_unescape(s, len, c->scratch, NULL);
		return put_csv_text(c, c->scratch, n);
	}
	return put_csv_text(c, s, len);
}

/* One value of a tsv row: COPY's text is tsv's; times and numerics change. */
static bool
tsv_value(struct tsm_copyout *c, enum tsm_coltype t, const char *s,
    size_t len)
{
	char iso[TSM_TIME_BUFSZ];
	size_t n;

	if (len == 2 && s[0] == '\\' && s[1] == 'N')
		return put(c, s, len);
	if (t == TSM_COL_TIME && (n = iso_time(s, len, iso)) > 0)
		return put(c, iso, n);
	if (t == TSM_COL_NUMERIC && memchr(s, '\\', len) == NULL) {
		if (!scratch(c, len + 1))
			return false;
		n = tsm_trim_numeric(s, len, c->scratch);
		if (n > 0)
			return put(c, c->scratch, n);
	}
	return put(c, s, len);
}

bool
tsm_copyout_row(struct tsm_copyout *c, const char *line, size_t len)
{
	const char *p = line, *end = line + len;
	char sep = c->fmt == TSM_FMT_TSV ? '\t' : ',';
	int i;

	if (c->failed)
		return false;
	if (c->passthrough)
		return put(c, line, len) && putch(c, '\n');
	for (i = 0; i < c->ncols; i++) {
		const char *tab;
		size_t fl;
		bool ok;

		if (i > 0 && !putch(c, sep))
			return false;
		/*
		 * A number or boolean goes across byte by byte up to its tab
		 * (it has no escapes: a backslash starts only "\N", NULL),
		 * cheaper than finding the tab first for such short values.
		 */
		if ((c->types[i] == TSM_COL_NUMBER ||
		    c->types[i] == TSM_COL_BOOL) && p < end && *p != '\\' &&
		    c->olen + (size_t)(end - p) <= COPYOUT_BUFSZ) {
			char *o = c->ob + c->olen;

			while (p < end && *p != '\t')
				*o++ = *p++;
			c->olen = (size_t)(o - c->ob);
			if (p == end && i + 1 < c->ncols)
				break;
			p++;
			continue;
		}
		tab = memchr(p, '\t', (size_t)(end - p));
		fl = tab ? (size_t)(tab - p) : (size_t)(end - p);
		if (tab == NULL && i + 1 < c->ncols)
			break;
		ok = c->fmt == TSM_FMT_TSV ? tsv_value(c, c->types[i], p, fl) :
		    csv_value(c, c->types[i], p, fl);
		if (!ok)
			return false;
		p = tab ? tab + 1 : end;
	}
	if (i != c->ncols) {
		tsm_error("internal: COPY gave %d columns of %d", i + 1,
		    c->ncols);
		c->failed = true;
		return false;
	}
	return putch(c, '\n');
}

bool
tsm_copyout_end(struct tsm_copyout *c)
{
	bool ok;

	if (c == NULL)
		return true;
	ok = flush_out(c);
	free(c->types);
	free(c->ob);
	free(c->scratch);
	free(c);
	return ok;
}

/*
 * Runs the statements of pre, then parses sql as the unnamed statement
 * and describes it, all in one round trip (a pipeline); *desc gets the
 * description.  False after reporting the first error.
 */
bool
tsm_copy_prepare(PGconn *conn, const struct tsm_q_stmt *pre, int npre,
    const char *sql, PGresult **desc)
{
	bool sent, failed = false;
	PGresult *res;

	*desc = NULL;
	if (!PQenterPipelineMode(conn)) {
		tsm_report_result(conn, NULL, NULL);
		return false;
	}
	sent = true;
	for (int i = 0; i < npre && sent; i++)
		sent = PQsendQueryParams(conn, pre[i].sql, pre[i].nparams,
		    NULL, pre[i].values, NULL, NULL, 0);
	sent = sent && PQsendPrepare(conn, "", sql, 0, NULL) &&
	    PQsendDescribePrepared(conn, "") && PQpipelineSync(conn);
	if (!sent) {
		tsm_report_result(conn, NULL, NULL);
		return false;
	}
	/* Each statement's result, then NULL; then the sync. */
	for (int i = 0; i < npre + 2; i++) {
		ExecStatusType st;

		res = PQgetResult(conn);
		if (res == NULL) {
			tsm_report_result(conn, NULL, NULL);
			return false;
		}
		st = PQresultStatus(res);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			if (!failed && st != PGRES_PIPELINE_ABORTED)
				tsm_report_result(conn, res, NULL);
			failed = true;
			PQclear(res);
		} else if (i == npre + 1 && !failed) {
			*desc = res;
		} else {
			PQclear(res);
		}
		PQclear(PQgetResult(conn));
	}
	while ((res = PQgetResult(conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		PQclear(res);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	if (!PQexitPipelineMode(conn) && !failed) {
		tsm_report_result(conn, NULL, NULL);
		failed = true;
	}
	if (failed) {
		PQclear(*desc);
		*desc = NULL;
	}
	return !failed;
}
