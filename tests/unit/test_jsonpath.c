/*
 * test_jsonpath.c: JSON paths, the numbers of a document as written,
 * and epoch numbers rounded to microseconds.
 */
#include <jansson.h>

#include "jsonnum.h"
#include "jsonout.h"
#include "jsonpath.h"
#include "epoch.h"
#include "recmap.h"
#include "unit.h"

/* The steps of a parsed path written back, or the reason it failed. */
static const char *
path_of(const char *s)
{
	static struct tsm_buf b;
	struct tsm_jpath p;
	const char *why;

	tsm_buf_reset(&b);
	if (!tsm_jpath_parse(s, &p, &why))
		return why;
	if (p.at_key)
		tsm_buf_puts(&b, "@key");
	tsm_buf_putc(&b, '$');
	tsm_jpath_put_steps(&b, &p);
	tsm_jpath_free(&p);
	return tsm_buf_str(&b);
}

TEST(jsonpath_parse)
{
	CHECK_STR_EQ(path_of("$"), "$");
	CHECK_STR_EQ(path_of("$.a.b[0]"), "$.a.b[0]");
	CHECK_STR_EQ(path_of("a.b"), "$.a.b");
	CHECK_STR_EQ(path_of("fill.px"), "$.fill.px");
	CHECK_STR_EQ(path_of("$[\"ZEC/USD\"].qty"), "$[\"ZEC/USD\"].qty");
	CHECK_STR_EQ(path_of("$['it''s'].x"), "has an unclosed quoted key");
	CHECK_STR_EQ(path_of("$['a\\'b']"), "$[\"a'b\"]");
	CHECK_STR_EQ(path_of("$.strategy.*.trades"), "$.strategy.*.trades");
	CHECK_STR_EQ(path_of("$[*]"), "$.*");
	CHECK_STR_EQ(path_of("$.цена"), "$[\"цена\"]");
	CHECK_STR_EQ(path_of("@key"), "@key$");
	CHECK_STR_EQ(path_of(""), "is empty");
	CHECK_STR_EQ(path_of("$.a..b"), "has an empty key (write [\"\"] for one)");
	CHECK_STR_EQ(path_of("$a"), "needs a . or [ between steps");
	CHECK_STR_EQ(path_of("$[x]"),
	    "has a [ that holds neither a number, a quoted key nor *");
	CHECK_STR_EQ(path_of("$[1"), "has an unclosed [");
	/*
	 * A key as messages write it reads back (found by fuzz_json): the
	 * escapes of a JSON string, a surrogate pair as one character.
	 */
	CHECK_STR_EQ(path_of("$[\"a\\u0001b\\tc\\\"d\\/e\"]"),
	    "$[\"a\\u0001b\\tc\\\"d/e\"]");
	CHECK_STR_EQ(path_of("$[\"\\u0436\\ud83d\\ude00\"]"), "$[\"ж😀\"]");
	/* Any other backslash, or a lone surrogate, stands for itself. */
	CHECK_STR_EQ(path_of("$[\"a\\qb\\udc00\"]"),
	    "$[\"a\\\\qb\\\\udc00\"]");
}

struct seen {
	struct tsm_buf b;
};

static bool
collect(json_t *v, const char *path, const char *wildkey, void *arg)
{
	struct seen *s = arg;

	tsm_buf_printf(&s->b, "%s=%s(%s) ", path, json_is_array(v) ? "list" :
	    "value", wildkey ? wildkey : "-");
	return true;
}

TEST(jsonpath_get_and_walk)
{
	json_error_t e;
	json_t *doc = json_loads("{\"strategy\": {\"A\": {\"trades\": [1]}, "
	    "\"B x\": {\"trades\": []}, \"C\": {}}, \"p\": [{\"q\": 5}]}", 0, &e);
	struct tsm_jpath p;
	struct seen s = { TSM_BUF_INIT };
	const char *why;

	CHECK(doc != NULL);
	CHECK(tsm_jpath_parse("p[0].q", &p, &why));
	CHECK(json_integer_value(tsm_jpath_get(&p, doc)) == 5);
	tsm_jpath_free(&p);
	CHECK(tsm_jpath_parse("p[1].q", &p, &why));
	CHECK(tsm_jpath_get(&p, doc) == NULL);
	tsm_jpath_free(&p);
	CHECK(tsm_jpath_parse("$.strategy.*.trades", &p, &why));
	CHECK(p.wild);
	CHECK(tsm_jpath_walk(&p, doc, collect, &s));
	CHECK_STR_EQ(tsm_buf_str(&s.b), "$.strategy.A.trades=list(A) "
	    "$.strategy[\"B x\"].trades=list(B x) ");
	tsm_jpath_free(&p);
	tsm_buf_free(&s.b);
	json_decref(doc);
}

TEST(jsonnum_as_written)
{
	const char *text = "{\"a\": [1.50, -0.0, 1E-7], \"s\": \"9.99 \\\" 3\", "
	    "\"b\": {\"c\": 0.1000000000000000055511151231257827, "
	    "\"d\": 12345678901234567890123}}";
	json_error_t e;
	struct tsm_json_arena arena;
	json_t *doc, *loose;
	struct tsm_json_numbers *n;
	struct tsm_buf b = TSM_BUF_INIT;

	/* A tree out of an arena has no numbers as written. */
	loose = json_loads(text, JSON_DECODE_INT_AS_REAL, &e);
	CHECK(loose != NULL);
	CHECK(tsm_json_arena_begin(&arena, strlen(text)));
	doc = json_loads(text, JSON_DECODE_INT_AS_REAL, &e);
	tsm_json_arena_end();
	CHECK(doc != NULL);
	CHECK(tsm_json_numbers_build((const unsigned char *)text, strlen(text),
	    loose, &arena) == NULL);
	json_decref(loose);
	n = tsm_json_numbers_build((const unsigned char *)text, strlen(text),
	    doc, &arena);
	CHECK(n != NULL);
	tsm_json_write(&b, doc, n);
	CHECK_STR_EQ(tsm_buf_str(&b), "{\"a\":[1.50,-0.0,1E-7],"
	    "\"s\":\"9.99 \\\" 3\",\"b\":{\"c\":"
	    "0.1000000000000000055511151231257827,\"d\":"
	    "12345678901234567890123}}");
	/* Without the map: the shortest form of each double. */
	tsm_buf_reset(&b);
	tsm_json_write(&b, json_object_get(doc, "a"), NULL);
	CHECK_STR_EQ(tsm_buf_str(&b), "[1.5,0,1e-07]");
	tsm_buf_free(&b);
	tsm_json_numbers_free(n);
	json_decref(doc);	/* leaves the arena's blocks alone */
	tsm_json_arena_close(&arena);
}

TEST(json_hash_ignores_key_order)
{
	json_error_t e;
	json_t *a = json_loads("{\"x\": 1, \"y\": [true, \"s\"], \"z\": 2.5}", 0,
	    &e);
	json_t *b = json_loads("{\"z\": 2.50, \"x\": 1, \"y\": [true, \"s\"]}", 0,
	    &e);
	json_t *c = json_loads("{\"z\": 2.5, \"x\": 1.0, \"y\": [true, \"s\"]}", 0,
	    &e);
	struct tsm_sha256 h;
	unsigned char da[32], db[32], dc[32];

	tsm_sha256_init(&h);
	tsm_json_hash(&h, a);
	tsm_sha256_final(&h, da);
	tsm_sha256_init(&h);
	tsm_json_hash(&h, b);
	tsm_sha256_final(&h, db);
	tsm_sha256_init(&h);
	tsm_json_hash(&h, c);
	tsm_sha256_final(&h, dc);
	CHECK(memcmp(da, db, 32) == 0);
	CHECK(memcmp(da, dc, 32) != 0);	/* 1 and 1.0 are not the same */
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

/* The epoch number text as a time, or the reason it is refused. */
static const char *
epoch(const char *text, enum tsm_time_unit unit)
{
	static char buf[TSM_TIME_BUFSZ];
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
	const char *why;
	int64_t t;
	bool ok;

	if (v == NULL)
		return "(bad JSON)";
	ok = tsm_epoch_from_json(v, text, strlen(text), unit, &t, &why);
	json_decref(v);
	if (!ok)
		return why;
	tsm_format_time(t, buf);
	return buf;
}

TEST(epoch_from_json)
{
	CHECK_STR_EQ(epoch("1742125864.5432417", TSM_UNIT_AUTO),
	    "2025-03-16T11:51:04.543242Z");
	CHECK_STR_EQ(epoch("1742125864.5432414", TSM_UNIT_AUTO),
	    "2025-03-16T11:51:04.543241Z");
	CHECK_STR_EQ(epoch("1742125864.9999996", TSM_UNIT_AUTO),
	    "2025-03-16T11:51:05Z");
	CHECK_STR_EQ(epoch("1742125864", TSM_UNIT_AUTO), "2025-03-16T11:51:04Z");
	CHECK_STR_EQ(epoch("1742125864.0", TSM_UNIT_AUTO),
	    "2025-03-16T11:51:04Z");
	CHECK_STR_EQ(epoch("1742125864543", TSM_UNIT_AUTO),
	    "2025-03-16T11:51:04.543Z");
	CHECK_STR_EQ(epoch("1742125864543.2417", TSM_UNIT_AUTO),
	    "2025-03-16T11:51:04.543242Z");
	CHECK_STR_EQ(epoch("1742125864543241", TSM_UNIT_AUTO),
	    "2025-03-16T11:51:04.543241Z");
	CHECK_STR_EQ(epoch("1742125864543241739", TSM_UNIT_AUTO),
	    "2025-03-16T11:51:04.543242Z");
	CHECK_STR_EQ(epoch("1.7421258645e9", TSM_UNIT_AUTO),
	    "2025-03-16T11:51:04.5Z");
	CHECK_STR_EQ(epoch("1700000000", TSM_UNIT_MS), "1970-01-20T16:13:20Z");
	CHECK_STR_EQ(epoch("0.5", TSM_UNIT_AUTO), "1970-01-01T00:00:00.5Z");
	CHECK_STR_EQ(epoch("-5", TSM_UNIT_AUTO),
	    "is a negative epoch number (a time before 1970)");
	CHECK_STR_EQ(epoch("-5.5", TSM_UNIT_AUTO),
	    "is a negative epoch number (a time before 1970)");
	CHECK_STR_EQ(epoch("99999999999999999999.5", TSM_UNIT_AUTO),
	    "is out of range as an epoch number");
	CHECK_STR_EQ(epoch("253402300800", TSM_UNIT_S), "is out of range "
	    "(years 0001 to 9999)");
}
