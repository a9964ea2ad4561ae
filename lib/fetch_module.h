/*
 * fetch_module.h: the interface between jwksrc.c (in libusercgi) and the
 * HTTP client module (fetch.c, built as usercgi-fetch.so with libcurl
 * and loaded with dlopen() only when a JWKS fetch is due), so that no
 * process maps libcurl and its libraries until it actually fetches.
 *
 * The module exports these three functions with C linkage and nothing
 * else.  It links no usercgi object: it logs through the function the
 * loader hands to fetchmod_init, which the loader calls once, before
 * any other.
 */
#ifndef USERCGI_FETCH_MODULE_H
#define USERCGI_FETCH_MODULE_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"

/* Changes whenever a signature below changes. */
#define FETCHMOD_ABI	1

/* The module's installed path: the default of the fetch_module key. */
#define FETCH_MODULE_DEFAULT	PKGLIBDIR "/usercgi-fetch.so"

/* The host's log_msg (log.h). */
typedef void	fetchmod_log_fn(enum log_level, const char *, ...)
	__attribute__((format(printf, 2, 3)));
typedef int	fetchmod_init_fn(unsigned int, fetchmod_log_fn *);
typedef int	fetchmod_check_uri_fn(const char *, char *, size_t);
typedef int	fetchmod_get_fn(const char *, const char *, char *, size_t,
	    size_t *, int64_t *, char *, size_t);

/*
 * Returns 0 when the module was built for interface abi (FETCHMOD_ABI
 * of the loader) and libcurl is initialised (curl_global_init), -1
 * otherwise.  log stays the module's log function.
 */
int	fetchmod_init(unsigned int abi, fetchmod_log_fn *log);

/*
 * jwksrc_check_uri's rules checked with libcurl's URL parser: http or
 * https, no user name or password, plain http only to 127.0.0.1 or
 * [::1].  Returns 0, or -1 with the reason in why.
 */
int	fetchmod_check_uri(const char *uri, char *why, size_t whylen);

/*
 * GETs url (TLS peer and host verified against ca_file, or the system's
 * CAs when NULL; no proxy) into body, at most max bytes, *len set to
 * the length.  Follows at most 3 redirects that stay on url's host and
 * pass fetchmod_check_uri; status 200 only.  Sets *max_age from
 * Cache-Control (RFC 9111 §5.2.2.1; -1: none).  Returns 0, or -1 with
 * the reason in why.
 */
int	fetchmod_get(const char *url, const char *ca_file, char *body,
	    size_t max, size_t *len, int64_t *max_age, char *why,
	    size_t whylen);

#endif
