/*
 * phone.h: phone numbers as Logto stores them (spec §3).
 *
 * A primaryPhone arrives as ASCII digits (the guard of spec §1 checked
 * ^\d+$).  Logto parses "+" + digits as an international number with
 * libphonenumber and stores country calling code + national significant
 * number, so "610412345678" and "61412345678" are one number.  The
 * default build does the same through libphonenumber (lib/phone.cc, a C++
 * shim: no exception leaves it), built as a module of its own that
 * lib/phone_load.c loads on the first call, so that a process which meets
 * no phone number never maps libphonenumber and its C++ libraries; a
 * build configured --without-libphonenumber (lib/phone_verbatim.c) keeps
 * the digits as given and phone_normalises() says so.
 *
 * Every function writes a NUL-terminated string of ASCII digits to out
 * (outlen bytes, PHONE_BUFSZ is always enough) and returns:
 *   USERCGI_OK
 *   USERCGI_INVALID_PHONE   empty, not all ASCII digits, or not parseable
 *                           (too short, invalid country code, national
 *                           number over 17 digits): Logto's ParseError,
 *                           422 user.invalid_phone, check 10 of spec §2
 *   USERCGI_VALUE_TOO_LONG  the result does not fit out (only the verbatim
 *                           build, for more than PHONE_MAXLEN digits: the
 *                           column limit of check 11)
 *   USERCGI_NOMEM, USERCGI_INTERNAL (also: the module cannot be loaded;
 *                           the first call logs why)
 * out is "" on any error.
 */
#ifndef USERCGI_PHONE_H
#define USERCGI_PHONE_H

#include <stddef.h>

#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PHONE_MAXLEN	128			/* the column limit, in digits */
#define PHONE_BUFSZ	(PHONE_MAXLEN + 1)	/* any result, with its NUL */

#ifndef PKGLIBDIR
#define PKGLIBDIR	"/usr/local/lib/usercgi"
#endif
/* The module's installed path: the default of the phone_module key. */
#define PHONE_MODULE_DEFAULT	PKGLIBDIR "/usercgi-phone.so"

/*
 * The stored form: country calling code + national significant number
 * ("610412345678" -> "61412345678", "3903331234567" unchanged: Italy
 * keeps its leading 0).  Verbatim build: the digits as given.
 */
enum usercgi_err phone_normalize(const char *digits, size_t len, char *out,
	    size_t outlen);

/*
 * Logto's second form of the same number: country code + "0" + national
 * significant number ("61412345678" -> "610412345678"), which Logto also
 * looks up when it checks that a phone is free.  Verbatim build: the
 * digits as given.
 */
enum usercgi_err phone_alternate(const char *digits, size_t len, char *out,
	    size_t outlen);

/*
 * The uniqueness key: country code + national significant number with
 * its leading zeros removed (at least one digit kept).  cc+nsn and
 * cc+0+nsn give the same key, so a UNIQUE constraint on the key makes the
 * database refuse the second form (stricter than Logto, whose check is
 * one-sided and can be raced).  Verbatim build: the digits as given.
 */
enum usercgi_err phone_key(const char *digits, size_t len, char *out,
	    size_t outlen);

/* Returns 1 when numbers are normalised (libphonenumber), 0 when kept verbatim. */
int	phone_normalises(void);

/*
 * Sets the path of the module that the first phone_* call loads (the
 * phone_module key; PHONE_MODULE_DEFAULT until then); path is copied.
 * Call it before any thread uses a phone_* function; once the module is
 * loaded (or failed to load) a new path has no effect.  Returns
 * USERCGI_OK, or USERCGI_INTERNAL when path is empty or longer than
 * PATH_MAX.  The verbatim build ignores path and returns USERCGI_OK.
 */
enum usercgi_err phone_module_set(const char *path);

/*
 * Loads the module now if no call has yet.  Returns USERCGI_OK, or
 * USERCGI_INTERNAL with the reason, which names the path (dlerror()), in
 * errbuf (errlen bytes, NUL-terminated when errlen > 0).  The verbatim
 * build loads nothing and returns USERCGI_OK.
 */
enum usercgi_err phone_module_load(char *errbuf, size_t errlen);

/*
 * Checks, at the start of a long-lived process, that the module loads,
 * without loading it here: a child process (fork) loads it and exits, so
 * this process maps nor holds any of it (its peak RSS stays as it was)
 * until a phone number comes.  The check does not delay the start: a
 * detached thread reaps the child and logs a failure (the child logs
 * why the module does not load, with this process's id).  Call it while
 * the process has a single thread.  Returns USERCGI_OK when the check
 * was started, USERCGI_INTERNAL when it could not be (logged).  The
 * verbatim build returns USERCGI_OK.
 */
enum usercgi_err phone_module_probe(void);

#ifdef __cplusplus
}
#endif

#endif
