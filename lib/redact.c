/*
 * redact.c: masking passwords in text before it is printed.
 *
 * Two kinds of place hold a password in text: a keyword of a conninfo
 * string or URI query (password=..., sslpassword=..., the value quoted or
 * not), and the user information of a URI (scheme://user:password@host).
 * Besides those, the secrets registered with tsm_redact_secret are masked
 * wherever they appear, since libpq quotes pieces of a connection string
 * in messages of its own ("invalid percent-encoded token: \"p%zzword\"")
 * where no keyword says what they are.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "log.h"

#define MAX_SECRETS	16
#define MIN_SECRET	4
#define MASK		"********"

static char *secrets[MAX_SECRETS];
static size_t secret_len[MAX_SECRETS];
static int nsecrets;

void
tsm_redact_secret(const char *s, size_t len)
{
	char *copy;

	if (s == NULL || len < MIN_SECRET || nsecrets == MAX_SECRETS)
		return;
	for (int i = 0; i < nsecrets; i++)
		if (secret_len[i] == len && memcmp(secrets[i], s, len) == 0)
			return;
	copy = malloc(len);
	if (copy == NULL)
		return;
	memcpy(copy, s, len);
	secrets[nsecrets] = copy;
	secret_len[nsecrets++] = len;
}

void
tsm_redact_forget(void)
{
	for (int i = 0; i < nsecrets; i++)
		free(secrets[i]);
	nsecrets = 0;
}

/* The length of the registered secret that starts at p before end, or 0. */
static size_t
secret_at(const char *p, const char *end)
{
	size_t best = 0;

	for (int i = 0; i < nsecrets; i++)
		if (secret_len[i] > best &&
		    secret_len[i] <= (size_t)(end - p) &&
		    memcmp(p, secrets[i], secret_len[i]) == 0)
			best = secret_len[i];
	return best;
}

static bool
word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * A conninfo "key = value" at p, the key starting a word, all before
 * end: returns the length of the key and sets *vs and *ve to the value as
 * written (quotes included); 0 if p holds none.  A quoted value ends at its closing quote
 * (a backslash escapes the next character, as libpq reads it) or at the
 * end of the text.  A bare value in a URI query (after ? or &) ends at &
 * or #, a conninfo one at white space.
 */
static size_t
key_value(const char *src, const char *p, const char *end, const char **vs,
    const char **ve)
{
	const char *q = p;
	bool in_uri;
	size_t k;

	if ((p > src && word_char(p[-1])) || !word_char(*p))
		return 0;
	while (q < end && word_char(*q))
		q++;
	k = (size_t)(q - p);
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q == end || *q != '=')
		return 0;
	for (q++; q < end && (*q == ' ' || *q == '\t'); q++)
		;
	in_uri = p > src && (p[-1] == '?' || p[-1] == '&');
	*vs = q;
	if (!in_uri && q < end && *q == '\'') {
		for (q++; q < end && *q != '\''; q++)
			if (*q == '\\' && q + 1 < end)
				q++;
		if (q < end)
			q++;
	} else {
		while (q < end && !isspace((unsigned char)*q) &&
		    !(in_uri && (*q == '&' || *q == '#')))
			q++;
	}
	*ve = q;
	return k;
}

/* True if the key of length k at p names a password (PGPASSWORD too). */
static bool
password_key(const char *p, size_t k)
{
	return (k == 8 && strncasecmp(p, "password", 8) == 0) ||
	    (k == 10 && strncasecmp(p, "pgpassword", 10) == 0) ||
	    (k == 11 && strncasecmp(p, "sslpassword", 11) == 0);
}

/*
 * The password of a URI's user information at p ("://user:pw@host"),
 * before end: sets *vs and *ve to it (as written, percent-encoded) and
 * returns true.  The user information ends at the last @ before the host
 * part.
 */
static bool
uri_password(const char *p, const char *end, const char **vs,
    const char **ve)
{
	const char *auth, *stop, *at = NULL, *colon;

	if (end - p < 3 || p[0] != ':' || p[1] != '/' || p[2] != '/')
		return false;
	auth = p + 3;
	for (stop = auth; stop < end && !strchr("/?# \t\r\n", *stop) &&
	    *stop; stop++)
		if (*stop == '@')
			at = stop;
	if (at == NULL)
		return false;
	colon = memchr(auth, ':', (size_t)(at - auth));
	if (colon == NULL)
		return false;
	*vs = colon + 1;
	*ve = at;
	return true;
}

struct dst {
	char *s;
	size_t size, len;
};

static void
put(struct dst *d, const char *s, size_t n)
{
	for (size_t i = 0; i < n && d->len + 1 < d->size; i++)
		d->s[d->len++] = s[i];
}

/*
 * Copies p..end to d, masking passwords.  The quoted value of any other
 * key is copied as one piece, so that "password=" inside it (a database
 * named so) is not taken for a keyword; URIs and secrets inside it are
 * still masked.  A bare value is looked into within its bounds.
 */
static void
redact_range(struct dst *d, const char *src, const char *p, const char *end,
    bool keys)
{
	const char *vs, *ve;
	size_t k;

	while (p < end && *p) {
		/* A known secret first, whatever text it may look like. */
		if ((k = secret_at(p, end)) > 0) {
			put(d, MASK, sizeof(MASK) - 1);
			p += k;
			continue;
		}
		if (keys && (k = key_value(src, p, end, &vs, &ve)) > 0) {
			if (password_key(p, k)) {
				for (size_t i = 0; i < k; i++) {
					char c = (char)tolower((unsigned char)p[i]);

					put(d, &c, 1);
				}
				put(d, "=" MASK, sizeof(MASK));
				p = ve;
			} else if (*vs == '\'') {
				put(d, p, (size_t)(vs - p));
				redact_range(d, src, vs, ve, false);
				p = ve;
			} else {
				/*
				 * A bare value ends at white space: look inside it,
				 * but not past its end ("db=x,password= password=y"
				 * has a password y, not "password").
				 */
				put(d, p, (size_t)(vs - p));
				redact_range(d, src, vs, ve, true);
				p = ve;
			}
			continue;
		}
		if (uri_password(p, end, &vs, &ve)) {
			put(d, p, (size_t)(vs - p));
			put(d, MASK, sizeof(MASK) - 1);
			p = ve;
			continue;
		}
		put(d, p, 1);
		p++;
	}
}

void
tsm_redact(const char *src, char *dst, size_t dstsize)
{
	struct dst d = { dst, dstsize, 0 };

	if (dstsize == 0)
		return;
	redact_range(&d, src, src, src + strlen(src), true);
	dst[d.len] = '\0';
}

/* Registers a value as written and, if it differs, percent-decoded. */
static void
register_value(const char *vs, const char *ve)
{
	size_t n = (size_t)(ve - vs), o = 0;
	char *dec;

	if (n >= 2 && vs[0] == '\'' && ve[-1] == '\'') {
		vs++;
		n -= 2;
	}
	tsm_redact_secret(vs, n);
	dec = malloc(n + 1);
	if (dec == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		if (vs[i] == '%' && i + 2 < n &&
		    isxdigit((unsigned char)vs[i + 1]) &&
		    isxdigit((unsigned char)vs[i + 2])) {
			char hex[3] = { vs[i + 1], vs[i + 2], 0 };

			dec[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			dec[o++] = vs[i];
		}
	}
	if (o != n)
		tsm_redact_secret(dec, o);
	free(dec);
}

/* Registers the passwords that tsm_redact would mask in p..end. */
static void
find_secrets(const char *src, const char *p, const char *end)
{
	const char *vs, *ve, *us, *ue;
	size_t k;

	while (p < end && *p) {
		if ((k = key_value(src, p, end, &vs, &ve)) > 0) {
			if (password_key(p, k)) {
				register_value(vs, ve);
			} else if (*vs == '\'') {
				for (const char *q = vs; q < ve; q++)
					if (uri_password(q, ve, &us, &ue))
						register_value(us, ue);
			} else {
				find_secrets(src, vs, ve);
			}
			p = ve > p ? ve : p + 1;
		} else if (uri_password(p, end, &vs, &ve)) {
			register_value(vs, ve);
			p = ve;
		} else {
			p++;
		}
	}
}

/*
 * libpq's own parser gives the passwords exactly, as meant; the places
 * where tsm_redact finds passwords are registered too, as written, for
 * a string libpq refuses (and may quote a piece of in its message).
 */
void
tsm_redact_secrets_in(const char *conninfo)
{
	PQconninfoOption *opts;

	if (conninfo == NULL)
		return;
	opts = PQconninfoParse(conninfo, NULL);
	for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++)
		if (o->val != NULL && (strcmp(o->keyword, "password") == 0 ||
		    strcmp(o->keyword, "sslpassword") == 0))
			tsm_redact_secret(o->val, strlen(o->val));
	PQconninfoFree(opts);
	find_secrets(conninfo, conninfo, conninfo + strlen(conninfo));
}
