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
