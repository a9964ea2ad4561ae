/*
 * phone_static.c: phone.h for the portable build (configure
 * --enable-portable).  The C++ shim (phone.cc) is linked into the
 * program itself, with libphonenumber, protobuf, ICU and libstdc++, so
 * nothing is loaded at run time: every call goes straight to the
 * phonemod_* function of phone_module.h.  The phone_module key is
 * accepted and ignored, as the verbatim build does.
 */
#include "config.h"

#include <pthread.h>

#include "log.h"
#include "phone.h"
#include "phone_module.h"

static pthread_once_t	phone_once = PTHREAD_ONCE_INIT;

/* The pthread_once routine: hands the shim the log function. */
static void
phone_init(void)
{
	(void)phonemod_init(PHONEMOD_ABI, log_msg);
}

enum usercgi_err
phone_normalize(const char *digits, size_t len, char *out, size_t outlen)
{
	(void)pthread_once(&phone_once, phone_init);
	return phonemod_normalize(digits, len, out, outlen);
}

enum usercgi_err
phone_alternate(const char *digits, size_t len, char *out, size_t outlen)
{
	(void)pthread_once(&phone_once, phone_init);
	return phonemod_alternate(digits, len, out, outlen);
}

enum usercgi_err
phone_key(const char *digits, size_t len, char *out, size_t outlen)
{
	(void)pthread_once(&phone_once, phone_init);
	return phonemod_key(digits, len, out, outlen);
}

int
phone_normalises(void)
{
	return 1;
}

enum usercgi_err
phone_module_set(const char *path)
{
	(void)path;
	return USERCGI_OK;
}

enum usercgi_err
phone_module_load(char *errbuf, size_t errlen)
{
	(void)pthread_once(&phone_once, phone_init);
	if (errlen > 0)
		errbuf[0] = '\0';
	return USERCGI_OK;
}

enum usercgi_err
phone_module_probe(void)
{
	return USERCGI_OK;
}
