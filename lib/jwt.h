/*
 * jwt.h: JWS compact verification (RFC 7515) and JWT access-token claim
 * checks (RFC 7519, RFC 8725, RFC 9068), per shared/spec/bearer-tokens.md.
 */
#ifndef USERCGI_JWT_H
#define USERCGI_JWT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define JWT_MAX_TOKEN	8192

struct jwks;

/* Why a token failed, named as the jose library names its errors. */
enum jwt_fail {
	JWT_FAIL_NONE = 0,
	JWT_FAIL_JWS_INVALID,		/* ERR_JWS_INVALID / JWSInvalid */
	JWT_FAIL_JWT_INVALID,		/* ERR_JWT_INVALID / JWTInvalid */
	JWT_FAIL_ALG,			/* ERR_JOSE_ALG_NOT_ALLOWED / JOSEAlgNotAllowed */
	JWT_FAIL_NO_KEY,		/* ERR_JWKS_NO_MATCHING_KEY / JWKSNoMatchingKey */
	JWT_FAIL_MULTIPLE_KEYS,		/* ERR_JWKS_MULTIPLE_MATCHING_KEYS / JWKSMultipleMatchingKeys */
	JWT_FAIL_SIGNATURE,		/* ERR_JWS_SIGNATURE_VERIFICATION_FAILED / JWSSignatureVerificationFailed */
	JWT_FAIL_EXPIRED,		/* ERR_JWT_EXPIRED / JWTExpired */
	JWT_FAIL_CLAIM,			/* ERR_JWT_CLAIM_VALIDATION_FAILED / JWTClaimValidationFailed */
	JWT_FAIL_CRIT,			/* ERR_JOSE_NOT_SUPPORTED / JOSENotSupported */
	JWT_FAIL_SCOPE,			/* Logto's z.string().parse(scope): no jose code */
	JWT_FAIL_MAX
};

/*
 * jose's "code" and "name" for f (both NULL for JWT_FAIL_NONE; the code
 * NULL and the name "ZodError" for JWT_FAIL_SCOPE, which jose does not
 * raise).
 */
const char *jwt_fail_code(enum jwt_fail f);
const char *jwt_fail_name(enum jwt_fail f);

struct jwt_policy {
	const char	*issuer;	/* exact match */
	const char	*audience;	/* aud equals it or contains it */
	const char	*scope;		/* required scope item */
	int		 require_exp;
	int64_t		 leeway;	/* seconds */
};

/*
 * Verifies the JWS layer only: structure, header, key selection and
 * signature over the received bytes.  On USERCGI_OK, *payload is the
 * decoded payload bytes (caller frees) and *payload_len its length.
 * Returns USERCGI_OK, USERCGI_UNAUTH with *fail set (the reason is also
 * logged), or USERCGI_NOMEM.  *need_reload is set to 1 when the token
 * names a kid not in keys (the caller may re-read the JWKS once).
 */
enum usercgi_err jws_verify(const struct jwks *keys, const char *tok,
	    size_t len, unsigned char **payload, size_t *payload_len,
	    enum jwt_fail *fail, int *need_reload);

/*
 * Verifies a bearer token completely: jws_verify, then the claims against
 * pol at time now (seconds since the epoch).  Returns USERCGI_OK (and the
 * subject copied into sub, and, when exp is not NULL, the token's "exp"
 * in *exp, or -1 for a token without one), USERCGI_UNAUTH with *fail,
 * USERCGI_AUTH_SUB, USERCGI_FORBIDDEN, or USERCGI_NOMEM.
 */
enum usercgi_err jwt_verify(const struct jwks *keys, const char *tok,
	    size_t len, const struct jwt_policy *pol, int64_t now,
	    char *sub, size_t sublen, enum jwt_fail *fail, int *need_reload,
	    int64_t *exp);

#endif
