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

#define AUTH_KEY_LEN	32	/* SHA-256 */

struct auth;

/*
 * Creates the verifier.  Loads the JWKS file now (a missing or broken file
 * is logged, not fatal: every token then gets 401 with JWKSNoMatchingKey
 * until the file is fixed, and the next stat() sees the fix).  Strings in
 * pol are copied.  Returns USERCGI_OK or USERCGI_NOMEM.
 */
enum usercgi_err auth_new(const char *jwks_file, const struct jwt_policy *pol,
	    struct auth **out);

/*
 * As auth_new, with jwks_uri (jwksrc.h): jwks_file is src's cache file.
 * Its keys are used until their hard expiry; a token whose kid they lack
 * makes a fetch (throttled across the host), and with fetch_stale (a CGI
 * process, which has no background refresh) so do missing keys or keys
 * past their max age.  src stays the caller's and may be shared by the
 * verifiers of one process.  A token whose key is loaded and fresh costs
 * no more than without src: no network, no extra file access.
 */
struct jwksrc;
enum usercgi_err auth_new_source(const char *jwks_file,
	    const struct jwt_policy *pol, struct jwksrc *src, int fetch_stale,
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

/*
 * As auth_check.  On USERCGI_OK for a token with an exp that was
 * verified now (not found in auth_use_cache's cache), also fills key
 * with auth_token_key for the key set it verified with, the policy and
 * the token, and sets *exp to the token's exp; otherwise *exp is -1 and
 * key is untouched (nothing to remember).  key and exp may be NULL
 * (auth_check).
 */
enum usercgi_err auth_check_key(struct auth *a, const char *header,
	    int64_t now, enum jwt_fail *fail, unsigned char key[AUTH_KEY_LEN],
	    int64_t *exp);

/*
 * The token in an Authorization header as auth_check reads it: returns
 * USERCGI_OK with tok and len (at most JWT_MAX_TOKEN + 1: a longer token
 * is refused by verification) when there is one to verify, else what
 * auth_check returns without verifying: USERCGI_AUTH_MISSING,
 * USERCGI_AUTH_TYPE, or USERCGI_UNAUTH ("Bearer" not followed by " ").
 */
enum usercgi_err auth_bearer(const char *header, const char **tok,
	    size_t *len);

/*
 * The "sub" claim of the token in an Authorization header that
 * auth_check accepted (in this process, or in another one through the
 * database's verified-token keys): the payload is read, not verified
 * again, so never call it for a header that was not accepted.  Copies
 * the subject into sub (NUL-terminated).  Returns USERCGI_OK,
 * USERCGI_TOO_LARGE (sublen bytes cannot hold it), USERCGI_UNAUTH (no
 * readable payload or no string "sub") or USERCGI_NOMEM.
 */
enum usercgi_err auth_token_sub(const char *header, char *sub, size_t sublen);

/*
 * As auth_token_sub, and the token's "client_id" claim (RFC 9068 §2.2)
 * into cid ("" when the token has none).  Returns what auth_token_sub
 * does; a client_id that is not a string is USERCGI_UNAUTH.
 */
enum usercgi_err auth_token_scope(const char *header, char *sub,
	    size_t sublen, char *cid, size_t cidlen);

/*
 * SHA-256 of the JWKS file's bytes (read as auth_new reads it, at most
 * JWKS_MAX_FILE bytes) into d, and, when m is not NULL, what a jwks_uri
 * cache file says of itself (jwksrc_meta).  Returns USERCGI_OK,
 * USERCGI_NOMEM or USERCGI_INTERNAL (unreadable: logged at debug level
 * only).
 */
struct jwksrc_meta;
enum usercgi_err auth_jwks_digest(const char *path,
	    unsigned char d[AUTH_KEY_LEN], struct jwksrc_meta *m);

/*
 * The key under which a verified token is remembered: SHA-256 over a
 * label, the JWKS digest, every member of pol (length-prefixed) and the
 * token tok[0..len).  Any change to the keys, the policy or one byte of
 * the token gives another key.  Uses libsodium only (no OpenSSL).
 * Returns USERCGI_OK or USERCGI_INTERNAL (libsodium unusable).
 */
enum usercgi_err auth_token_key(const unsigned char jwks_sha[AUTH_KEY_LEN],
	    const struct jwt_policy *pol, const char *tok, size_t len,
	    unsigned char key[AUTH_KEY_LEN]);

#endif
