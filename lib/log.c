/*
 * log.c: messages on stderr.
 */
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
