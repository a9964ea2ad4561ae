/*
 * phone_verbatim.c: phone.h for a build configured
 * --without-libphonenumber.  Numbers are kept exactly as given (ASCII
 * digits), so "610412345678" and "61412345678" are two numbers here and
 * nothing is refused as unparseable; `usercgi-admin check` reports it
 * through phone_normalises().  There is no module: phone_module_set and
 * phone_module_load do nothing.
 */
#include "config.h"

#include <string.h>

#include "phone.h"

/*
 * Copies digits[0..len) to out.  Returns USERCGI_OK,
 * USERCGI_INVALID_PHONE (empty or not all ASCII digits),
 * USERCGI_VALUE_TOO_LONG (does not fit out) or USERCGI_INTERNAL (no out).
 */
static enum usercgi_err
phone_copy(const char *digits, size_t len, char *out, size_t outlen)
{
	size_t	i;

	if (out == NULL || outlen == 0)
		return USERCGI_INTERNAL;
	out[0] = '\0';
	if (digits == NULL || len == 0)
		return USERCGI_INVALID_PHONE;
	for (i = 0; i < len; i++)
		if (digits[i] < '0' || digits[i] > '9')
			return USERCGI_INVALID_PHONE;
	if (len >= outlen)
		return USERCGI_VALUE_TOO_LONG;
	memcpy(out, digits, len);
	out[len] = '\0';
	return USERCGI_OK;
}

enum usercgi_err
phone_normalize(const char *digits, size_t len, char *out, size_t outlen)
{
	return phone_copy(digits, len, out, outlen);
}

enum usercgi_err
phone_alternate(const char *digits, size_t len, char *out, size_t outlen)
{
	return phone_copy(digits, len, out, outlen);
}

enum usercgi_err
phone_key(const char *digits, size_t len, char *out, size_t outlen)
{
	return phone_copy(digits, len, out, outlen);
}

int
phone_normalises(void)
{
	return 0;
}

enum usercgi_err
phone_module_set(const char *path)
{
	return USERCGI_OK;
}

enum usercgi_err
phone_module_load(char *errbuf, size_t errlen)
{
	if (errlen > 0)
		errbuf[0] = '\0';
	return USERCGI_OK;
}

enum usercgi_err
phone_module_probe(void)
{
	return USERCGI_OK;
}
