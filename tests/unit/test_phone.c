/*
 * test_phone.c: phone.h, with the vectors of spec §3 (libphonenumber
 * build) or the verbatim rules (--without-libphonenumber build).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "phone.h"
#include "tap.h"

typedef enum usercgi_err (*phone_fn)(const char *, size_t, char *, size_t);

/* Runs fn on the NUL-terminated in and checks the code and the output. */
static void
check(phone_fn fn, const char *fname, const char *in, enum usercgi_err want,
    const char *want_out)
{
	char			 out[PHONE_BUFSZ], name[256];
	enum usercgi_err	 e;

	memset(out, 'x', sizeof(out));
	e = fn(in, strlen(in), out, sizeof(out));
	snprintf(name, sizeof(name), "%s(%.40s%s) code", fname, in,
	    strlen(in) > 40 ? "..." : "");
	tap_int(e, want, name);
	snprintf(name, sizeof(name), "%s(%.40s%s) = \"%s\"", fname, in,
	    strlen(in) > 40 ? "..." : "", want_out);
	tap_str(out, want_out, name);
}

static void
norm(const char *in, const char *want)
{
	check(phone_normalize, "normalize", in, USERCGI_OK, want);
}

static void
invalid(const char *in)
{
	check(phone_normalize, "normalize", in, USERCGI_INVALID_PHONE, "");
}

#ifdef HAVE_LIBPHONENUMBER
static void
test_libphonenumber(void)
{
	char	 out[PHONE_BUFSZ], digits[300];

	tap_int(phone_normalises(), 1, "phone_normalises() is 1");

	/* spec §3: the national trunk prefix is dropped */
	norm("610412345678", "61412345678");
	norm("4407911123456", "447911123456");
	norm("86013800138000", "8613800138000");
	norm("49015112345678", "4915112345678");
	norm("330612345678", "33612345678");
	/* spec §3: unchanged */
	norm("13102051234", "13102051234");
	norm("3903331234567", "3903331234567");
	norm("8100312345678", "8100312345678");
	norm("123", "123");
	norm("111111", "111111");
	/* the other form of a number is already normalised */
	norm("61412345678", "61412345678");
	norm("447911123456", "447911123456");

	/* spec §3: too short */
	invalid("1");
	invalid("12");
	invalid("0");
	invalid("00");
	/* spec §3: invalid country calling code */
	invalid("0000000");
	invalid("999");
	invalid("999999");
	/* too long: the national number may have at most 17 digits */
	invalid("1234567890123456789");
	invalid("44123456789012345678");
	invalid("12345678901234567890");
	norm("123456789012345678", "123456789012345678");
	norm("4412345678901234567", "4412345678901234567");
	norm("35123456789012345678", "35123456789012345678");
	memset(digits, '5', sizeof(digits) - 1);
	digits[sizeof(digits) - 1] = '\0';
	invalid(digits);
	/* not digits (the guard of §1 never lets these through) */
	invalid("");
	invalid("+61412345678");
	invalid("6141234567a");
	invalid("61 412345678");

	/* Logto's second form: cc + 0 + nsn */
	check(phone_alternate, "alternate", "61412345678", USERCGI_OK,
	    "610412345678");
	check(phone_alternate, "alternate", "610412345678", USERCGI_OK,
	    "610412345678");
	check(phone_alternate, "alternate", "3903331234567", USERCGI_OK,
	    "39003331234567");
	check(phone_alternate, "alternate", "999", USERCGI_INVALID_PHONE, "");

	/* the uniqueness key: both forms map to one key */
	check(phone_key, "key", "610412345678", USERCGI_OK, "61412345678");
	check(phone_key, "key", "61412345678", USERCGI_OK, "61412345678");
	check(phone_key, "key", "13102051234", USERCGI_OK, "13102051234");
	check(phone_key, "key", "103102051234", USERCGI_OK, "13102051234");
	check(phone_key, "key", "3903331234567", USERCGI_OK, "393331234567");
	check(phone_key, "key", "8100312345678", USERCGI_OK, "81312345678");
	check(phone_key, "key", "12", USERCGI_INVALID_PHONE, "");

	/* explicit length: bytes past len are not read */
	memset(out, 'x', sizeof(out));
	tap_int(phone_normalize("6104123456789999", 12, out, sizeof(out)),
	    USERCGI_OK, "normalize reads only len bytes");
	tap_str(out, "61412345678", "normalize of a prefix");

	/* output buffer boundaries: 11 digits need 12 bytes */
	memset(out, 'x', sizeof(out));
	tap_int(phone_normalize("610412345678", 12, out, 11),
	    USERCGI_VALUE_TOO_LONG, "normalize into 11 bytes fails");
	tap_str(out, "", "failed normalize leaves \"\"");
	tap_int(phone_normalize("610412345678", 12, out, 12), USERCGI_OK,
	    "normalize into exactly 12 bytes");
	tap_str(out, "61412345678", "exact fit");
	tap_int(phone_normalize("610412345678", 12, NULL, 12),
	    USERCGI_INTERNAL, "normalize with no out");
	tap_int(phone_normalize(NULL, 0, out, sizeof(out)),
	    USERCGI_INVALID_PHONE, "normalize of NULL");
}

#else
static void
test_verbatim(void)
{
	char	 out[PHONE_BUFSZ], digits[PHONE_BUFSZ + 1];

	tap_int(phone_normalises(), 0, "phone_normalises() is 0");
	norm("610412345678", "610412345678");
	norm("61412345678", "61412345678");
	norm("1", "1");
	norm("999", "999");
	norm("0000000", "0000000");
	norm("1234567890123456789", "1234567890123456789");
	check(phone_alternate, "alternate", "610412345678", USERCGI_OK,
	    "610412345678");
	check(phone_key, "key", "610412345678", USERCGI_OK, "610412345678");
	invalid("");
	invalid("+61412345678");
	invalid("6141234567a");

	memset(digits, '7', PHONE_MAXLEN);
	digits[PHONE_MAXLEN] = '\0';
	tap_int(phone_normalize(digits, PHONE_MAXLEN, out, sizeof(out)),
	    USERCGI_OK, "128 digits fit");
	tap_int((long long)strlen(out), PHONE_MAXLEN, "128 digits copied");
	memset(digits, '7', PHONE_MAXLEN + 1);
	digits[PHONE_MAXLEN + 1] = '\0';
	tap_int(phone_normalize(digits, PHONE_MAXLEN + 1, out, sizeof(out)),
	    USERCGI_VALUE_TOO_LONG, "129 digits are too long");
	tap_str(out, "", "too long leaves \"\"");
	tap_int(phone_normalize("610412345678", 12, NULL, 12),
	    USERCGI_INTERNAL, "normalize with no out");
}
#endif

int
main(void)
{
#ifdef HAVE_LIBPHONENUMBER
	test_libphonenumber();
#else
	test_verbatim();
#endif
	return tap_done();
}
