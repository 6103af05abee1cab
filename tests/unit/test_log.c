/*
 * test_log.c: password redaction and identifier quoting.
 */
#include "db.h"
#include "log.h"
#include "unit.h"
#include <stdlib.h>

static const char *
redact(const char *s)
{
	static char buf[512];

	tsm_redact(s, buf, sizeof(buf));
	return buf;
}

TEST(redact_conninfo)
{
	CHECK_STR_EQ(redact("host=x password=secret dbname=y"),
	    "host=x password=******** dbname=y");
	CHECK_STR_EQ(redact("password = 'se cr\\'et' user=u"),
	    "password=******** user=u");
	CHECK_STR_EQ(redact("PASSWORD=abc"), "password=********");
}

TEST(redact_uri)
{
	CHECK_STR_EQ(redact("postgresql://bob:hunter2@db:5432/x"),
	    "postgresql://bob:********@db:5432/x");
	CHECK_STR_EQ(redact("postgres://bob@db/x?password=hunter2&a=b"),
	    "postgres://bob@db/x?password=********&a=b");
	CHECK_STR_EQ(redact("postgresql://db/x"), "postgresql://db/x");
}

/*
 * Found while writing fuzz_redact: a conninfo value ran only to the next
 * "&" (as in a URI query), so "password=ab&cd" showed "&cd"; and
 * sslpassword, the passphrase of the client key, was not masked.
 */
TEST(redact_conninfo_value_to_white_space)
{
	CHECK_STR_EQ(redact("host=x password=ab&cd#e dbname=y"),
	    "host=x password=******** dbname=y");
	CHECK_STR_EQ(redact("postgres:///x?password=ab&cd=e"),
	    "postgres:///x?password=********&cd=e");
	CHECK_STR_EQ(redact("sslpassword=k3y sslmode=verify-full"),
	    "sslpassword=******** sslmode=verify-full");
	CHECK_STR_EQ(redact("postgres://h/x?sslpassword=k3y&password=p"),
	    "postgres://h/x?sslpassword=********&password=********");
	CHECK_STR_EQ(redact("mypassword=x"), "mypassword=x");
	CHECK_STR_EQ(redact("unknown option \"--x=password=s3\""),
	    "unknown option \"--x=password=********");
	CHECK_STR_EQ(redact("PGPASSWORD=s3 tsm-init"),
	    "pgpassword=******** tsm-init");
	/* Found by fuzz_redact: a keyword at the end of a bare value. */
	CHECK_STR_EQ(redact("dbname=x,password= password = 'x#\n' host=h"),
	    "dbname=x,password=******** password=******** host=h");
}

/*
 * libpq quotes a bad percent-encoding of the password in its message,
 * where no keyword marks it: the passwords given to tsm_connect are
 * registered and masked wherever they appear, as written and decoded.
 */
TEST(redact_registered_secrets)
{
	tsm_redact_secrets_in("postgresql://u:p%zzS3CRET@h/db");
	CHECK_STR_EQ(redact("invalid percent-encoded token: \"p%zzS3CRET\""),
	    "invalid percent-encoded token: \"********\"");
	tsm_redact_secrets_in("host=h password='quoted pw' user=u");
	CHECK_STR_EQ(redact("echo: quoted pw!"), "echo: ********!");
	tsm_redact_secrets_in("postgresql://u:s%40cret99@h");
	CHECK_STR_EQ(redact("a s@cret99 b s%40cret99"), "a ******** b ********");
	tsm_redact_secret("Xy", 2);
	CHECK_STR_EQ(redact("Xy is too short to hide"),
	    "Xy is too short to hide");
	tsm_redact_secret("longer-secret", 13);
	CHECK_STR_EQ(redact("(longer-secret)"), "(********)");
}

/*
 * Found by fuzz_redact: "password=" inside the quoted value of another key
 * was taken for the keyword, its value running to the opening quote of
 * the real password, which then showed.  A registered secret that looks
 * like key=value ("B=%B") was split by the key and not masked.
 */
TEST(redact_quoted_values_and_secret_first)
{
	CHECK_STR_EQ(redact("user=x dbname='a password=' password='%zq' h=1"),
	    "user=x dbname='a password=' password=******** h=1");
	CHECK_STR_EQ(redact("dbname='postgresql://u:pw@h/d' user=x"),
	    "dbname='postgresql://u:********@h/d' user=x");
	tsm_redact_forget();
	tsm_redact_secrets_in("host=h password=B=%B");
	CHECK_STR_EQ(redact("token: \"B=%B\""), "token: \"********\"");
	tsm_redact_forget();
	CHECK_STR_EQ(redact("token: \"B=%B\""), "token: \"B=%B\"");
}

TEST(redact_leaves_other_text)
{
	CHECK_STR_EQ(redact("no password here"), "no password here");
	CHECK_STR_EQ(redact("http://example.org/a:b@c"),
	    "http://example.org/a:b@c");
}

TEST(quote_ident_and_literal)
{
	char *s;

	s = tsm_quote_ident("My \"Schema\"");
	CHECK_STR_EQ(s, "\"My \"\"Schema\"\"\"");
	free(s);
	s = tsm_quote_literal("it's");
	CHECK_STR_EQ(s, "'it''s'");
	free(s);
	s = tsm_quote_literal("a\\b'");
	CHECK_STR_EQ(s, "E'a\\\\b'''");
	free(s);
}
