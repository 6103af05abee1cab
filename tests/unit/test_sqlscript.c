/*
 * test_sqlscript.c: psql variables and conditionals in SQL files, and the
 * version helpers of schema.c.
 */
#include <stdlib.h>

#include "schema.h"
#include "sqlscript.h"
#include "unit.h"
#include "util.h"

static const struct tsm_sql_var vars[] = {
	{ "schema", "My \"S\"" },
	{ "native", "true" },
	{ "timescaledb", "false" },
	{ "lit", "it's" },
};

static char *
expand(const char *text)
{
	return tsm_sql_expand("t.sql", text, vars, 4);
}

TEST(sqlscript_substitutes_identifiers_and_literals)
{
	char *s = expand("SELECT :'lit' FROM :\"schema\".t;\n");

	CHECK_STR_EQ(s, "SELECT 'it''s' FROM \"My \"\"S\"\"\".t;\n");
	free(s);
}

TEST(sqlscript_leaves_casts_quotes_comments_and_bodies)
{
	char *s = expand("SELECT x::text, ':\"schema\"', $$ :\"schema\" $$; "
	    "-- :'lit'\nSELECT $f$\n:'lit'\n$f$;\n");

	CHECK_STR_EQ(s, "SELECT x::text, ':\"schema\"', $$ :\"schema\" $$; "
	    "-- :'lit'\nSELECT $f$\n:'lit'\n$f$;\n");
	free(s);
}

TEST(sqlscript_quotes_span_lines)
{
	char *s = expand("SELECT 'a\n-- not a comment :\"schema\"\n', "
	    ":'lit';\n");

	CHECK_STR_EQ(s, "SELECT 'a\n-- not a comment :\"schema\"\n', "
	    "'it''s';\n");
	free(s);
}

TEST(sqlscript_conditionals_keep_line_numbers)
{
	char *s = expand("a\n\\if :native\nb\n\\else\nc\n\\endif\n"
	    "\\if :timescaledb\nd\n\\elif :native\ne\n\\endif\n");

	CHECK_STR_EQ(s, "a\n\nb\n\n\n\n\n\n\ne\n\n");
	CHECK_INT_EQ(tsm_sql_line_of(s, 2), 2);
	free(s);
}

TEST(sqlscript_nested_conditionals)
{
	char *s = expand("\\if :timescaledb\n\\if :native\nx\n\\else\ny\n"
	    "\\endif\n\\else\nz\n\\endif\n");

	CHECK_STR_EQ(s, "\n\n\n\n\n\n\nz\n\n");
	free(s);
}

/* Expands text that must fail; returns what was said on stderr. */
static const char *
refused(const char *text)
{
	char *s;
	const char *err;

	unit_capture_begin();
	s = expand(text);
	err = unit_capture_end();
	CHECK(s == NULL);
	free(s);
	return err;
}

TEST(sqlscript_refuses_what_it_does_not_know)
{
	CHECK(strstr(refused("SELECT :\"nope\";\n"),
	    "t.sql line 1: variable \"nope\" is not set") != NULL);
	CHECK(strstr(refused("x\n\\gexec\n"),
	    "t.sql line 2: \\gexec is not supported") != NULL);
	CHECK(strstr(refused("\\if :native\nx\n"),
	    "\\if without \\endif") != NULL);
	CHECK(strstr(refused("\\if :nope\n\\endif\n"),
	    "variable \"nope\" is not set") != NULL);
}

TEST(schema_version_compare)
{
	CHECK(tsm_version_cmp("2.13.0", "2.9.1") > 0);
	CHECK(tsm_version_cmp("2.9.1", "2.13.0") < 0);
	CHECK(tsm_version_cmp("2.13.0", "2.13") == 0);
	CHECK(tsm_version_cmp("2.28.3-dev", "2.28.3") == 0);
	CHECK(tsm_version_cmp("2.12.2", TSM_TSDB_MIN_VERSION) < 0);
	CHECK(tsm_version_cmp("2.13.1", TSM_TSDB_MIN_VERSION) > 0);
	CHECK(tsm_version_cmp("10.0", "9.99") > 0);
}

TEST(schema_file_versions)
{
	CHECK_INT_EQ(tsm_sql_file_version("001_base.sql"), 1);
	CHECK_INT_EQ(tsm_sql_file_version("012_x.sql"), 12);
	CHECK_INT_EQ(tsm_sql_file_version("roles.sql"), 0);
	CHECK_INT_EQ(tsm_sql_file_version("003.sql"), 0);
	CHECK(tsm_schema_latest() >= 2);
}

TEST(schema_backend_names)
{
	enum tsm_backend b;

	CHECK(tsm_backend_parse("native", &b) && b == TSM_BACKEND_NATIVE);
	CHECK(tsm_backend_parse("timescaledb", &b) &&
	    b == TSM_BACKEND_TIMESCALEDB);
	CHECK(!tsm_backend_parse("auto", &b));
	CHECK_STR_EQ(tsm_backend_name(TSM_BACKEND_NATIVE), "native");
}
