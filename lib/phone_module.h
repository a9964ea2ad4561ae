/*
 * phone_module.h: the interface between the phone loader (phone_load.c,
 * in libusercgi) and the libphonenumber module (phone.cc, built as
 * usercgi-phone.so and loaded with dlopen() on the first phone number).
 *
 * The module exports these four functions with C linkage and nothing
 * else.  It links no usercgi object: it logs through the function the
 * loader hands to phonemod_init, which the loader calls once, before any
 * other.  phonemod_normalize, phonemod_alternate and phonemod_key are
 * phone_normalize, phone_alternate and phone_key of phone.h.
 */
#ifndef USERCGI_PHONE_MODULE_H
#define USERCGI_PHONE_MODULE_H

#include <stddef.h>

#include "err.h"
#include "log.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Changes whenever a signature below or enum usercgi_err changes. */
#define PHONEMOD_ABI	1

/* The host's log_msg (log.h). */
typedef void	phonemod_log_fn(enum log_level, const char *, ...)
	__attribute__((format(printf, 2, 3)));
typedef int	phonemod_init_fn(unsigned int, phonemod_log_fn *);
typedef enum usercgi_err phonemod_format_fn(const char *, size_t, char *,
	    size_t);

/*
 * Returns 0 when the module was built for interface abi (PHONEMOD_ABI of
 * the loader), -1 otherwise.  log stays the module's log function.
 */
int	phonemod_init(unsigned int abi, phonemod_log_fn *log);
enum usercgi_err phonemod_normalize(const char *digits, size_t len,
	    char *out, size_t outlen);
enum usercgi_err phonemod_alternate(const char *digits, size_t len,
	    char *out, size_t outlen);
enum usercgi_err phonemod_key(const char *digits, size_t len, char *out,
	    size_t outlen);

#ifdef __cplusplus
}
#endif

#endif
