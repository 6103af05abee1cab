/*
 * test_utf8.c: UTF-8 checking.
 */
#include "unit.h"
#include "utf8.h"

static size_t
check(const char *s)
{
	return tsm_utf8_check((const unsigned char *)s, strlen(s));
}

TEST(utf8_check)
{
	CHECK_INT_EQ(check(""), 0);
	CHECK_INT_EQ(check("plain ascii text, longer than eight"), 35);
	CHECK_INT_EQ(check("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), 14);
	CHECK_INT_EQ(check("0123456789caf\xe9"), 13);
	CHECK_INT_EQ(check("\xc0\xaf"), 0);		/* overlong */
	CHECK_INT_EQ(check("\xe0\x80\xaf"), 0);		/* overlong */
	CHECK_INT_EQ(check("a\xed\xa0\x80"), 1);	/* surrogate */
	CHECK_INT_EQ(check("ab\xf4\x90\x80\x80"), 2);	/* past U+10FFFF */
	CHECK_INT_EQ(check("abc\xe2\x82"), 3);		/* cut */
	CHECK_INT_EQ(check("\x80"), 0);			/* continuation */
	CHECK_INT_EQ(tsm_utf8_check((const unsigned char *)"abcdefghij\0k",
	    12), 10);
	CHECK_INT_EQ(tsm_utf8_chars((const unsigned char *)"\xc3\xa9t\xc3\xa9",
	    5), 3);
	CHECK_INT_EQ(tsm_utf8_char((const unsigned char *)"\xe2\x82\xac", 3),
	    3);
	CHECK_INT_EQ(tsm_utf8_char((const unsigned char *)"a", 1), 0);
}
