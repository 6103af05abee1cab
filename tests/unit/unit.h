/*
 * unit.h: a small unit test harness for lib/.
 *
 * TEST(name) { ... } defines a test that registers itself; CHECK(cond) and
 * the CHECK_* macros record a failure with file and line and go on.  The
 * runner (main.c) runs every test and ends with "N passed, N failed".
 */
#ifndef TSM_UNIT_H
#define TSM_UNIT_H

#include <stdio.h>
#include <string.h>

typedef void (*unit_fn)(void);
void unit_register(const char *name, unit_fn fn);
void unit_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define TEST(name) \
	static void test_##name(void); \
	__attribute__((constructor)) static void reg_##name(void) \
	{ unit_register(#name, test_##name); } \
	static void test_##name(void)

#define CHECK(cond) do { if (!(cond)) \
	unit_fail(__FILE__, __LINE__, "%s", #cond); } while (0)

#define CHECK_INT_EQ(a, b) do { long long a_ = (long long)(a), \
	b_ = (long long)(b); if (a_ != b_) unit_fail(__FILE__, __LINE__, \
	"%s == %lld, expected %lld", #a, a_, b_); } while (0)

#define CHECK_STR_EQ(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) \
	unit_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, \
	a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)

#define CHECK_DBL_EQ(a, b) do { double a_ = (a), b_ = (b); \
	if (!(a_ == b_)) unit_fail(__FILE__, __LINE__, \
	"%s == %.17g, expected %.17g", #a, a_, b_); } while (0)

#define CHECK_DBL_NEAR(a, b, rel) do { double a_ = (a), b_ = (b); \
	double d_ = a_ > b_ ? a_ - b_ : b_ - a_; \
	double m_ = (a_ < 0 ? -a_ : a_) > (b_ < 0 ? -b_ : b_) ? \
	(a_ < 0 ? -a_ : a_) : (b_ < 0 ? -b_ : b_); \
	if (!(d_ <= (rel) * m_ || d_ == 0)) unit_fail(__FILE__, __LINE__, \
	"%s == %.17g, expected %.17g", #a, a_, b_); } while (0)

#endif
