/*
 * decimal.c: exact decimal sums and products.
 *
 * A number is held as sign, digits and a power of ten: 12.5 is
 * {+, "125", -1}.  Products are schoolbook multiplication, which is all
 * that numbers of a few dozen digits need.
 */
#include <stdlib.h>
#include <string.h>

#include "decimal.h"

#define MAXDIG 1000

struct dec {
	bool neg;
	int n;			/* digits used */
	int exp;		/* value = digits * 10^exp */
	unsigned char d[MAXDIG];	/* most significant first, 0..9 */
};

/* Drops leading zeros (keeping one digit) and trailing ones into exp. */
static void
normalise(struct dec *x)
{
	int lead = 0;

	while (lead < x->n - 1 && x->d[lead] == 0)
		lead++;
	if (lead > 0) {
		memmove(x->d, x->d + lead, (size_t)(x->n - lead));
		x->n -= lead;
	}
	while (x->n > 1 && x->d[x->n - 1] == 0) {
		x->n--;
		x->exp++;
	}
	if (x->n == 1 && x->d[0] == 0) {
		x->neg = false;
		x->exp = 0;
	}
}

static bool
parse(const char *s, struct dec *x)
{
	bool point = false, any = false;
	long e = 0;

	memset(x, 0, sizeof(*x));
	if (*s == '-' || *s == '+')
		x->neg = *s++ == '-';
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (x->n == MAXDIG)
				return false;
			x->d[x->n++] = (unsigned char)(*s - '0');
			if (point)
				x->exp--;
			any = true;
		} else if (*s == '.' && !point) {
			point = true;
		} else {
			break;
		}
	}
	if (!any)
		return false;
	if (*s == 'e' || *s == 'E') {
		bool eneg = false;

		s++;
		if (*s == '-' || *s == '+')
			eneg = *s++ == '-';
		if (*s < '0' || *s > '9')
			return false;
		for (; *s >= '0' && *s <= '9'; s++) {
			e = e * 10 + (*s - '0');
			if (e > 100000)
				return false;
		}
		x->exp += (int)(eneg ? -e : e);
	}
	if (*s != '\0')
		return false;
	normalise(x);
	return true;
}

static bool
format(const struct dec *x, struct tsm_buf *out)
{
	int intdigits = x->n + x->exp;

	if (x->n + (x->exp > 0 ? x->exp : 0) + (intdigits < 0 ? -intdigits :
	    0) > MAXDIG)
		return false;
	if (x->neg)
		tsm_buf_putc(out, '-');
	if (intdigits <= 0) {
		tsm_buf_puts(out, "0");
		if (x->n == 1 && x->d[0] == 0)
			return true;
		tsm_buf_putc(out, '.');
		for (int i = 0; i < -intdigits; i++)
			tsm_buf_putc(out, '0');
		for (int i = 0; i < x->n; i++)
			tsm_buf_putc(out, (char)('0' + x->d[i]));
		return true;
	}
	for (int i = 0; i < intdigits; i++)
		tsm_buf_putc(out, i < x->n ? (char)('0' + x->d[i]) : '0');
	if (x->n > intdigits) {
		tsm_buf_putc(out, '.');
		for (int i = intdigits; i < x->n; i++)
			tsm_buf_putc(out, (char)('0' + x->d[i]));
	}
	return true;
}

/* Compares magnitudes of two numbers aligned to the same exp and n. */
static int
cmp_mag(const unsigned char *a, const unsigned char *b, int n)
{
	for (int i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

bool
tsm_dec_add(const char *sa, const char *sb, struct tsm_buf *out)
{
	static struct dec a, b, r;
	static unsigned char x[MAXDIG + 1], y[MAXDIG + 1];
	int exp, top, n;

	if (!parse(sa, &a) || !parse(sb, &b))
		return false;
	exp = a.exp < b.exp ? a.exp : b.exp;
	top = a.n + a.exp > b.n + b.exp ? a.n + a.exp : b.n + b.exp;
	n = top - exp + 1;		/* one digit for the carry */
	if (n > MAXDIG)
		return false;
	/* Both as n digits at power exp, right-aligned. */
	memset(x, 0, (size_t)n);
	memset(y, 0, (size_t)n);
	memcpy(x + (top - (a.n + a.exp)) + 1, a.d, (size_t)a.n);
	memcpy(y + (top - (b.n + b.exp)) + 1, b.d, (size_t)b.n);
	memset(&r, 0, sizeof(r));
	r.n = n;
	r.exp = exp;
	if (a.neg == b.neg) {
		int carry = 0;

		for (int i = n - 1; i >= 0; i--) {
			int s = x[i] + y[i] + carry;

			r.d[i] = (unsigned char)(s % 10);
			carry = s / 10;
		}
		r.neg = a.neg;
	} else {
		const unsigned char *big = x, *small = y;
		int borrow = 0;

		r.neg = a.neg;
		if (cmp_mag(x, y, n) < 0) {
			big = y;
			small = x;
			r.neg = b.neg;
		}
		for (int i = n - 1; i >= 0; i--) {
			int s = big[i] - small[i] - borrow;

			borrow = s < 0;
			r.d[i] = (unsigned char)(s + (borrow ? 10 : 0));
		}
	}
	normalise(&r);
	return format(&r, out);
}

bool
tsm_dec_mul(const char *sa, const char *sb, struct tsm_buf *out)
{
	static struct dec a, b, r;
	static int acc[2 * MAXDIG];
	int n;

	if (!parse(sa, &a) || !parse(sb, &b))
		return false;
	n = a.n + b.n;
	if (n > MAXDIG)
		return false;
	memset(acc, 0, (size_t)n * sizeof(int));
	for (int i = a.n - 1; i >= 0; i--)
		for (int j = b.n - 1; j >= 0; j--)
			acc[i + j + 1] += a.d[i] * b.d[j];
	for (int k = n - 1; k > 0; k--) {
		acc[k - 1] += acc[k] / 10;
		acc[k] %= 10;
	}
	memset(&r, 0, sizeof(r));
	r.n = n;
	r.exp = a.exp + b.exp;
	r.neg = a.neg != b.neg;
	for (int k = 0; k < n; k++)
		r.d[k] = (unsigned char)acc[k];
	normalise(&r);
	return format(&r, out);
}
