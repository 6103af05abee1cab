/*
 * log.c: messages on stderr.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

const char *tsm_progname = "tsm";
bool tsm_quiet = false;

/* Remembers the program's base name for the prefix of every message. */
void
tsm_log_init(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL)
		return;
	slash = strrchr(argv0, '/');
	tsm_progname = slash ? slash + 1 : argv0;
}

/*
 * Prints one message line with its prefix.  The text is redacted and a
 * trailing newline (libpq's messages end with one) is dropped, so that
 * every message is exactly one line per line of text.
 */
static void
emit(const char *prefix, bool with_prog, const char *fmt, va_list ap)
{
	char raw[8192], clean[8192];
	size_t n;

	vsnprintf(raw, sizeof(raw), fmt, ap);
	tsm_redact(raw, clean, sizeof(clean));
	n = strlen(clean);
	while (n > 0 && clean[n - 1] == '\n')
		clean[--n] = '\0';
	if (with_prog)
		fprintf(stderr, "%s: %s%s\n", tsm_progname, prefix, clean);
	else
		fprintf(stderr, "%s%s\n", prefix, clean);
}

void
tsm_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("error: ", true, fmt, ap);
	va_end(ap);
}

void
tsm_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("warning: ", true, fmt, ap);
	va_end(ap);
}

/* An informational line; -q silences it. */
void
tsm_info(const char *fmt, ...)
{
	va_list ap;

	if (tsm_quiet)
		return;
	va_start(ap, fmt);
	emit("", true, fmt, ap);
	va_end(ap);
}

void
tsm_detail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("detail: ", false, fmt, ap);
	va_end(ap);
}

void
tsm_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("hint: ", false, fmt, ap);
	va_end(ap);
}

void
tsm_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("error: ", true, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try \"%s --help\" for more information.\n",
	    tsm_progname);
}

/* True if s starts with the keyword kw, in any case. */
static bool
starts_with_ci(const char *s, const char *kw)
{
	for (; *kw; s++, kw++)
		if (tolower((unsigned char)*s) != *kw)
			return false;
	return true;
}

/*
 * Masks "password=VALUE" (conninfo, quoted or not) and the password of
 * "scheme://user:password@host" (URI) with "********".
 */
void
tsm_redact(const char *src, char *dst, size_t dstsize)
{
	size_t o = 0;
	const char *p = src;

	if (dstsize == 0)
		return;
#define PUT(c) do { if (o + 1 < dstsize) dst[o++] = (c); } while (0)
#define PUTS(s) do { const char *q_ = (s); while (*q_) PUT(*q_++); } while (0)
	while (*p) {
		if (starts_with_ci(p, "password") &&
		    (p == src || !isalnum((unsigned char)p[-1]))) {
			const char *q = p + 8;

			while (*q == ' ')
				q++;
			if (*q == '=') {
				q++;
				while (*q == ' ')
					q++;
				PUTS("password=********");
				if (*q == '\'') {
					for (q++; *q && *q != '\''; q++)
						if (*q == '\\' && q[1])
							q++;
					if (*q)
						q++;
				} else {
					while (*q && !isspace((unsigned char)*q) &&
					    *q != '&')
						q++;
				}
				p = q;
				continue;
			}
		}
		if (p[0] == ':' && p[1] == '/' && p[2] == '/') {
			const char *auth = p + 3, *at, *colon, *end;

			end = auth + strcspn(auth, "/?# \t\n");
			at = NULL;
			for (const char *q = auth; q < end; q++)
				if (*q == '@')
					at = q;
			colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
			if (colon != NULL) {
				PUTS("://");
				for (const char *q = auth; q <= colon; q++)
					PUT(*q);
				PUTS("********");
				p = at;
				continue;
			}
		}
		PUT(*p);
		p++;
	}
	dst[o] = '\0';
#undef PUT
#undef PUTS
}
