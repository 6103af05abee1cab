/*
 * fuzz_redact.c: passwords never survive tsm_redact (log.h).
 *
 * The input gives a password and the other values of a connection (user,
 * host, database), as arbitrary bytes separated by NUL, and its first
 * byte chooses a form: a conninfo string (values quoted with backslash
 * escapes where libpq needs it; "password = x" with spaces too; the keys
 * in any order), a URI with the password in its user information or in
 * its query (percent-encoded as libpq reads it), and sslpassword, the
 * passphrase of a client key.  The connection string is set in a message
 * as libpq or tsm would write it.  The property: the password as written
 * (and as meant, decoded) occurs in the redacted message no more often
 * than in the same message made with another password: it only shows
 * where the rest of the text holds it anyway (a user named like the
 * password).  Then, with the connection string's passwords registered as
 * tsm_connect registers them, a message quoting the password bare, as
 * libpq's "invalid percent-encoded token" does, must not show it either.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "fuzz.h"
#include "log.h"

#define BUFSZ 8192

struct part {
	const char *s;
	size_t len;
};

struct out {
	char buf[BUFSZ];
	size_t len;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->len + n >= BUFSZ)
		n = BUFSZ - 1 - o->len;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* True if a conninfo value must be quoted. */
static bool
needs_quotes(struct part v)
{
	if (v.len == 0)
		return true;
	for (size_t i = 0; i < v.len; i++)
		if (v.s[i] == ' ' || v.s[i] == '\t' || v.s[i] == '\n' ||
		    v.s[i] == '\r' || v.s[i] == '\f' || v.s[i] == '\v' ||
		    v.s[i] == '\'' || v.s[i] == '\\')
			return true;
	return false;
}

/*
 * A conninfo value: bare when libpq reads it so, else quoted (with the
 * quotes unless quotes is false: the password as written is its
 * escaped text, without them).
 */
static void
conninfo_value(struct out *o, struct part v, bool quotes)
{
	if (!needs_quotes(v)) {
		put(o, v.s, v.len);
		return;
	}
	if (quotes)
		put(o, "'", 1);
	for (size_t i = 0; i < v.len; i++) {
		if (v.s[i] == '\'' || v.s[i] == '\\')
			put(o, "\\", 1);
		put(o, v.s + i, 1);
	}
	if (quotes)
		put(o, "'", 1);
}

/* A URI component, percent-encoded but for unreserved characters. */
static void
uri_value(struct out *o, struct part v)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < v.len; i++) {
		unsigned char c = (unsigned char)v.s[i];
		char e[3] = { '%', hex[c >> 4], hex[c & 15] };

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			put(o, v.s + i, 1);
		else
			put(o, e, 3);
	}
}

/*
 * Writes the connection string of the chosen form with password pw into
 * o; the password as written goes to *written.
 */
static void
connection(struct out *o, unsigned form, struct part pw, struct part user,
    struct part host, struct part db, struct out *written)
{
	static const char *const keys[4] = {"host", "user", "dbname", ""};
	struct part vals[4] = {host, user, db, pw};
	unsigned rot = (form / 8) % 4;

	written->len = 0;
	written->buf[0] = '\0';
	switch (form % 8) {
	case 0:		/* host=h user=u password=p dbname=d, rotated */
	case 1:		/* password = p, spaces around = */
	case 2:		/* sslpassword=p */
		for (unsigned k = 0; k < 4; k++) {
			unsigned i = (k + rot) % 4;

			if (k > 0)
				puts_(o, " ");
			if (i == 3) {
				puts_(o, form % 8 == 2 ? "sslpassword" : "password");
				puts_(o, form % 8 == 1 ? " = " : "=");
				conninfo_value(written, pw, false);
			} else {
				puts_(o, keys[i]);
				puts_(o, "=");
			}
			conninfo_value(o, vals[i], true);
		}
		break;
	case 3:		/* postgresql://u:p@h/d */
	case 4:
		puts_(o, form % 8 == 3 ? "postgresql://" : "postgres://");
		uri_value(o, user);
		puts_(o, ":");
		uri_value(o, pw);
		uri_value(written, pw);
		puts_(o, "@");
		uri_value(o, host);
		puts_(o, "/");
		uri_value(o, db);
		break;
	case 5:		/* postgresql:///d?host=h&password=p&user=u */
	case 6:		/* the same with sslpassword */
		puts_(o, "postgresql:///");
		uri_value(o, db);
		puts_(o, "?host=");
		uri_value(o, host);
		puts_(o, form % 8 == 5 ? "&password=" : "&sslpassword=");
		uri_value(o, pw);
		uri_value(written, pw);
		puts_(o, "&user=");
		uri_value(o, user);
		break;
	default:	/* the URI with the password first in its query */
		puts_(o, "postgresql://");
		uri_value(o, host);
		puts_(o, "?password=");
		uri_value(o, pw);
		uri_value(written, pw);
		puts_(o, "&dbname=");
		uri_value(o, db);
		break;
	}
}

/* Messages that carry a connection string, as libpq or tsm write them. */
static const char *const frames[][2] = {
	{"", ""},
	{"could not connect to the database: ", "\nhint: check -d"},
	{"missing \"=\" after \"", "\" in connection info string"},
	{"invalid connection option \"", "\""},
	{"\"", "\" line 7, column 3: x"},
};

static void
message(struct out *o, unsigned form, unsigned frame, struct part pw,
    struct part user, struct part host, struct part db, struct out *written)
{
	o->len = 0;
	o->buf[0] = '\0';
	puts_(o, frames[frame][0]);
	connection(o, form, pw, user, host, db, written);
	puts_(o, frames[frame][1]);
}

static char red1[BUFSZ], red0[BUFSZ];

/* A message quoting s bare: a registered secret must not survive it. */
static void
bare_check(const char *s, size_t len)
{
	static const char masked[] = "invalid percent-encoded token: "
	    "\"********\"";
	struct out bare;

	if (len < 4 || memchr(s, '\0', len) != NULL)
		return;
	bare.len = 0;
	bare.buf[0] = '\0';
	puts_(&bare, "invalid percent-encoded token: \"");
	put(&bare, s, len);
	puts_(&bare, "\"");
	tsm_redact(bare.buf, red1, sizeof(red1));
	/* No more often than in the message masked as it should be. */
	FUZZ_CHECK(fuzz_count(red1, strlen(red1), s, len) <=
	    fuzz_count(masked, strlen(masked), s, len),
	    "the registered password \"%.*s\" survives in \"%s\"",
	    (int)len, s, red1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct part parts[4] = {{"", 0}, {"bob", 3}, {"db.example", 10},
		{"markets", 7}};
	static struct out msg, written, msg0, written0;
	struct part other = {"x", 1}, quoted_other = {"x y", 3};
	PQconninfoOption *opts;
	unsigned form, frame;
	size_t i, n, start;

	if (size < 2)
		return 0;
	form = data[0];
	frame = data[1] % (sizeof(frames) / sizeof(frames[0]));
	for (i = 2, n = 0, start = 2; i <= size && n < 4; i++) {
		if (i == size || data[i] == 0) {
			if (n == 0 || i > start) {
				parts[n].s = (const char *)data + start;
				parts[n].len = i - start;
			}
			n++;
			start = i + 1;
		}
	}
	if (parts[0].len == 0 || (parts[0].len == 1 && parts[0].s[0] == 'x'))
		return 0;
	tsm_redact_forget();
	message(&msg, form, frame, parts[0], parts[1], parts[2], parts[3],
	    &written);
	/*
	 * The other password is written as this one is (quoted or bare), so
	 * that both messages are masked to the same extent.
	 */
	message(&msg0, form, frame, needs_quotes(parts[0]) ? quoted_other :
	    other, parts[1], parts[2], parts[3], &written0);
	if (strlen(msg.buf) != msg.len || strlen(msg0.buf) != msg0.len)
		return 0;	/* a NUL inside: no C string carries it */
	tsm_redact(msg.buf, red1, sizeof(red1));
	tsm_redact(msg0.buf, red0, sizeof(red0));
	FUZZ_CHECK(fuzz_count(red1, strlen(red1), written.buf, written.len) <=
	    fuzz_count(red0, strlen(red0), written.buf, written.len),
	    "the password \"%s\" survives in \"%s\" (from \"%s\")",
	    written.buf, red1, msg.buf);
	FUZZ_CHECK(fuzz_count(red1, strlen(red1), parts[0].s, parts[0].len) <=
	    fuzz_count(red0, strlen(red0), parts[0].s, parts[0].len),
	    "the password \"%.*s\" survives in \"%s\" (from \"%s\")",
	    (int)parts[0].len, parts[0].s, red1, msg.buf);

	/*
	 * Registered as tsm_connect does, the password is masked even bare:
	 * as meant (libpq parses the string) and, where libpq refuses the
	 * string and may quote it, as written.
	 */
	msg.len = 0;
	msg.buf[0] = '\0';
	connection(&msg, form, parts[0], parts[1], parts[2], parts[3],
	    &written);
	tsm_redact_secrets_in(msg.buf);
	opts = PQconninfoParse(msg.buf, NULL);
	if (opts != NULL)
		bare_check(parts[0].s, parts[0].len);
	else
		bare_check(written.buf, written.len);
	PQconninfoFree(opts);
	tsm_redact_forget();
	return 0;
}
