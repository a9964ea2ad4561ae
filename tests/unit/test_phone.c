/*
 * test_phone.c: phone.h, with the vectors of spec §3 (libphonenumber
 * build) or the verbatim rules (--without-libphonenumber build).  The
 * libphonenumber build runs them through the loader (phone_load.c) and
 * the module named by $USERCGI_PHONE_MODULE (make check: the build
 * tree's), and checks in child processes that a module which cannot be
 * loaded fails every call without crashing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/*
 * In a child process (the loader loads once per process), points the
 * loader at path and checks that every call fails with USERCGI_INTERNAL
 * and "", that the reason names path, and that a second call fails the
 * same way.  Returns the child's exit status: 0 when all held, else the
 * number of the first check that did not.
 */
static int
child_unloadable(const char *path)
{
	char	 out[PHONE_BUFSZ], why[512];
	pid_t	 pid;
	int	 st;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if (phone_module_set(path) != USERCGI_OK)
			_exit(1);
		memset(out, 'x', sizeof(out));
		if (phone_normalize("61412345678", 11, out, sizeof(out)) !=
		    USERCGI_INTERNAL || out[0] != '\0')
			_exit(2);
		memset(out, 'x', sizeof(out));
		if (phone_key("61412345678", 11, out, sizeof(out)) !=
		    USERCGI_INTERNAL || out[0] != '\0')
			_exit(3);
		if (phone_alternate("61412345678", 11, out, sizeof(out)) !=
		    USERCGI_INTERNAL)
			_exit(4);
		if (phone_module_load(why, sizeof(why)) != USERCGI_INTERNAL ||
		    strstr(why, path) == NULL)
			_exit(5);
		if (phone_normalises() != 1)
			_exit(6);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The loader: the module path, a loaded module, unloadable modules. */
static void
test_loader(void)
{
	char		 why[512], longpath[5000];
	const char	*env;

	tap_int(phone_module_set(""), USERCGI_INTERNAL,
	    "an empty module path is refused");
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	tap_int(phone_module_set(longpath), USERCGI_INTERNAL,
	    "a module path over PATH_MAX is refused");
	if ((env = getenv("USERCGI_PHONE_MODULE")) != NULL)
		tap_int(phone_module_set(env), USERCGI_OK,
		    "the module path from USERCGI_PHONE_MODULE");
	tap_int(child_unloadable("/nonexistent/usercgi-phone.so"), 0,
	    "a missing module fails every call, no crash");
	tap_int(child_unloadable("/etc/hostname"), 0,
	    "a file that is no module fails every call, no crash");
	tap_int(child_unloadable("/dev/null"), 0,
	    "/dev/null as the module fails every call, no crash");
#ifdef __GLIBC__
	tap_int(child_unloadable("libc.so.6"), 0,
	    "a shared object without the phonemod_* functions fails every "
	    "call, no crash");
#endif
	tap_int(phone_module_load(why, sizeof(why)), USERCGI_OK,
	    "the module loads");
	tap_str(why, "", "and leaves no reason");
	tap_int(phone_module_load(why, sizeof(why)), USERCGI_OK,
	    "loading again is harmless");
}

#else
static void
test_verbatim(void)
{
	char	 out[PHONE_BUFSZ], digits[PHONE_BUFSZ + 1];

	tap_int(phone_normalises(), 0, "phone_normalises() is 0");
	tap_int(phone_module_set("/nonexistent"), USERCGI_OK,
	    "phone_module_set is ignored");
	tap_int(phone_module_load(out, sizeof(out)), USERCGI_OK,
	    "phone_module_load loads nothing");
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
	test_loader();
	test_libphonenumber();
#else
	test_verbatim();
#endif
	return tap_done();
}
