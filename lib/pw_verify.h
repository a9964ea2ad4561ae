/*
 * pw_verify.h: imported password digests — the import-time checks and
 * the later verification of a password against a stored digest of any
 * supported method (create-user.md §4).
 */
#ifndef USERCGI_PW_VERIFY_H
#define USERCGI_PW_VERIFY_H

#include <stddef.h>

#include "err.h"

/*
 * Import-time check of (algorithm, digest), create-user.md §2 check 9 and
 * the stricter usercgi checks.  May rewrite the digest in place into its
 * canonical stored form (uppercase hex lowercased).  Returns USERCGI_OK,
 * USERCGI_PW_UNSUPPORTED (Legacy without a digest),
 * USERCGI_PW_LEGACY_FORMAT, USERCGI_PW_LEGACY_HASH (alg name copied to
 * why), or USERCGI_PW_DIGEST_INVALID (a digest that could never verify;
 * a short reason for the client copied to why).
 */
enum usercgi_err pw_check_import(const char *algorithm, char *digest,
	    char *why, size_t whylen);

#endif
