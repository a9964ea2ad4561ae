/*
 * auth.h: the Authorization header (RFC 6750 §2.1) against the configured
 * JWKS.  Holds the keys for the life of the process and reloads them when
 * the JWKS file changes (checked by stat at most once a second) or, at
 * most once every few seconds, when a token names an unknown kid.
 */
#ifndef USERCGI_AUTH_H
#define USERCGI_AUTH_H

#include <stdint.h>

#include "err.h"
#include "jwt.h"

struct auth;

/*
 * Creates the verifier.  Loads the JWKS file now (a missing or broken file
 * is logged, not fatal: every token then gets 401 with JWKSNoMatchingKey
 * until the file is fixed, and the next stat() sees the fix).  Strings in
 * pol are copied.  Returns USERCGI_OK or USERCGI_NOMEM.
 */
enum usercgi_err auth_new(const char *jwks_file, const struct jwt_policy *pol,
	    struct auth **out);
void	auth_free(struct auth *a);

/*
 * Keeps verified tokens in c (tokcache.h: keyed by their SHA-256, until
 * their exp or until the JWKS changes), so a repeated token is not
 * verified again.  c may be shared by the verifiers of one process and
 * stays the caller's.  For long-lived processes (FastCGI); a CGI process
 * serves one request and gains nothing.
 */
struct tokcache;
void	auth_use_cache(struct auth *a, struct tokcache *c);

/*
 * Checks the raw Authorization header value (NULL when absent) at time
 * now.  Returns USERCGI_OK, USERCGI_AUTH_MISSING (NULL or ""),
 * USERCGI_AUTH_TYPE (not starting with "Bearer", case-sensitive),
 * USERCGI_UNAUTH (with *fail; "Bearer" without " <token>" is JWSInvalid),
 * USERCGI_AUTH_SUB, USERCGI_FORBIDDEN, USERCGI_NOMEM.
 */
enum usercgi_err auth_check(struct auth *a, const char *header, int64_t now,
	    enum jwt_fail *fail);

#endif
