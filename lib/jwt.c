/*
 * jwt.c: JWS compact verification (RFC 7515 §5.2) and the claim checks of
 * an access token (RFC 7519 §7.2, RFC 8725, RFC 9068), following the rules
 * of shared/spec/bearer-tokens.md (cited below as "rule N").
 *
 * The client only ever learns jose's name for the failure; the log line
 * says exactly what was wrong, never the token.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "b64.h"
#include "buf.h"
#include "json.h"
#include "jwks.h"
#include "jwt.h"
#include "log.h"

#define JWT_MAX_HEADER	2048	/* decoded protected header */
#define JWT_MAX_SIG	(JWKS_MAX_RSA_BITS / 8)
#define JWT_MAX_DEPTH	16

/* The allowlist of rule 4 and how each algorithm binds to a key (rule 7). */
struct jws_alg {
	const char	*name;
	enum jwk_kty	 kty;
	enum jwk_crv	 crv;		/* JWK_CRV_NONE: any (RSA) */
	const EVP_MD	*(*md)(void);	/* NULL for EdDSA */
	int		 pss;
	size_t		 sig_len;	/* fixed signature length, 0 for RSA */
};

static const struct jws_alg jws_algs[] = {
	{ "ES256", JWK_KTY_EC, JWK_CRV_P256, EVP_sha256, 0, 64 },
	{ "ES384", JWK_KTY_EC, JWK_CRV_P384, EVP_sha384, 0, 96 },
	{ "ES512", JWK_KTY_EC, JWK_CRV_P521, EVP_sha512, 0, 132 },
	{ "RS256", JWK_KTY_RSA, JWK_CRV_NONE, EVP_sha256, 0, 0 },
	{ "RS384", JWK_KTY_RSA, JWK_CRV_NONE, EVP_sha384, 0, 0 },
	{ "RS512", JWK_KTY_RSA, JWK_CRV_NONE, EVP_sha512, 0, 0 },
	{ "PS256", JWK_KTY_RSA, JWK_CRV_NONE, EVP_sha256, 1, 0 },
	{ "PS384", JWK_KTY_RSA, JWK_CRV_NONE, EVP_sha384, 1, 0 },
	{ "PS512", JWK_KTY_RSA, JWK_CRV_NONE, EVP_sha512, 1, 0 },
	{ "EdDSA", JWK_KTY_OKP, JWK_CRV_ED25519, NULL, 0, 64 },
};

static const struct {
	const char	*code, *name;
} jwt_fails[JWT_FAIL_MAX] = {
	[JWT_FAIL_NONE] = { NULL, NULL },
	[JWT_FAIL_JWS_INVALID] = { "ERR_JWS_INVALID", "JWSInvalid" },
	[JWT_FAIL_JWT_INVALID] = { "ERR_JWT_INVALID", "JWTInvalid" },
	[JWT_FAIL_ALG] = { "ERR_JOSE_ALG_NOT_ALLOWED", "JOSEAlgNotAllowed" },
	[JWT_FAIL_NO_KEY] = { "ERR_JWKS_NO_MATCHING_KEY", "JWKSNoMatchingKey" },
	[JWT_FAIL_MULTIPLE_KEYS] = { "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
	    "JWKSMultipleMatchingKeys" },
	[JWT_FAIL_SIGNATURE] = { "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
	    "JWSSignatureVerificationFailed" },
	[JWT_FAIL_EXPIRED] = { "ERR_JWT_EXPIRED", "JWTExpired" },
	[JWT_FAIL_CLAIM] = { "ERR_JWT_CLAIM_VALIDATION_FAILED",
	    "JWTClaimValidationFailed" },
	[JWT_FAIL_CRIT] = { "ERR_JOSE_NOT_SUPPORTED", "JOSENotSupported" },
	[JWT_FAIL_SCOPE] = { NULL, "ZodError" },
};

const char *
jwt_fail_code(enum jwt_fail f)
{
	return (unsigned)f < JWT_FAIL_MAX ? jwt_fails[f].code : NULL;
}

const char *
jwt_fail_name(enum jwt_fail f)
{
	return (unsigned)f < JWT_FAIL_MAX ? jwt_fails[f].name : NULL;
}

static enum usercgi_err jwt_refuse(enum jwt_fail *fail, enum jwt_fail f,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Sets *fail to f, logs the reason (rule 16) and returns USERCGI_UNAUTH. */
static enum usercgi_err
jwt_refuse(enum jwt_fail *fail, enum jwt_fail f, const char *fmt, ...)
{
	char	why[256];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_info("jwt: token refused (%s): %s", jwt_fail_name(f), why);
	*fail = f;
	ERR_clear_error();
	return USERCGI_UNAUTH;
}

/* Returns 1 when the JSON string v equals the C string s byte for byte. */
static int
jwt_streq(struct json_object *v, const char *s)
{
	size_t	len = strlen(s);

	return json_object_is_type(v, json_type_string) &&
	    (size_t)json_object_get_string_len(v) == len &&
	    memcmp(json_object_get_string(v), s, len) == 0;
}

/*
 * EVP_DigestVerify over msg with pk, set up for algorithm a (rule 10).
 * sig is in the form OpenSSL wants (DER for ECDSA).  Returns 1 only when
 * OpenSSL returned exactly 1 (rule 11), else 0.
 */
static int
jws_evp_verify(const struct jws_alg *a, EVP_PKEY *pk, const unsigned char *msg,
    size_t mlen, const unsigned char *sig, size_t slen)
{
	EVP_MD_CTX	*mctx = NULL;
	EVP_PKEY_CTX	*pctx = NULL;
	const EVP_MD	*md = a->md != NULL ? a->md() : NULL;
	int		 ok = 0;

	if ((mctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(mctx, &pctx, md, NULL, pk) != 1)
		goto out;
	if (a->kty == JWK_KTY_RSA) {
		/* RFC 7518 §3.3 PKCS#1 v1.5; §3.5 PSS, MGF1 with the same hash, salt = hash length. */
		if (!a->pss) {
			if (EVP_PKEY_CTX_set_rsa_padding(pctx,
			    RSA_PKCS1_PADDING) != 1)
				goto out;
		} else if (EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING) != 1 ||
		    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
		    EVP_MD_get_size(md)) != 1)
			goto out;
	}
	ok = EVP_DigestVerify(mctx, sig, slen, msg, mlen) == 1;
out:
	if (!ok)
		ERR_clear_error();
	EVP_MD_CTX_free(mctx);
	return ok;
}

/*
 * Verifies signature sig (slen bytes, as received after base64url) over
 * msg with key k.  RFC 7518 §3.4: an ES* signature is R||S, each exactly
 * half of sig_len, re-encoded as DER for OpenSSL.  Returns 1 or 0.
 */
static int
jws_sig_ok(const struct jws_alg *a, const struct jwk *k,
    const unsigned char *msg, size_t mlen, const unsigned char *sig,
    size_t slen)
{
	ECDSA_SIG	*es = NULL;
	BIGNUM		*r = NULL, *s = NULL;
	unsigned char	*der = NULL, *p;
	int		 derlen, ok = 0;
	size_t		 half;

	if (a->kty == JWK_KTY_RSA) {
		if ((int)slen != EVP_PKEY_get_size(k->pkey))
			return 0;
		return jws_evp_verify(a, k->pkey, msg, mlen, sig, slen);
	}
	if (slen != a->sig_len)
		return 0;
	if (a->kty == JWK_KTY_OKP)
		return jws_evp_verify(a, k->pkey, msg, mlen, sig, slen);
	half = slen / 2;
	if ((es = ECDSA_SIG_new()) == NULL ||
	    (r = BN_bin2bn(sig, (int)half, NULL)) == NULL ||
	    (s = BN_bin2bn(sig + half, (int)half, NULL)) == NULL ||
	    ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL;
	if ((derlen = i2d_ECDSA_SIG(es, NULL)) <= 0 ||
	    (der = xmalloc((size_t)derlen)) == NULL)
		goto out;
	p = der;
	if (i2d_ECDSA_SIG(es, &p) != derlen)
		goto out;
	ok = jws_evp_verify(a, k->pkey, msg, mlen, der, (size_t)derlen);
out:
	if (!ok)
		ERR_clear_error();
	free(der);
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return ok;
}

/* Rule 7: whether key k may verify a token of algorithm a. */
static int
jws_key_fits(const struct jwk *k, const struct jws_alg *a)
{
	if (k->kty != a->kty)
		return 0;
	if (a->crv != JWK_CRV_NONE && k->crv != a->crv)
		return 0;
	if (!k->use_sig || !k->can_verify)
		return 0;
	return k->alg == NULL || strcmp(k->alg, a->name) == 0;
}

/*
 * Rule 5: "crit" of any form is refused; RFC 7515 §4.1.11 makes an empty
 * or non-array "crit" malformed, a listed extension one usercgi does not
 * understand.  RFC 7797 "b64" is an extension too.  Returns USERCGI_OK or
 * USERCGI_UNAUTH.
 */
static enum usercgi_err
jws_check_crit(struct json_object *h, enum jwt_fail *fail)
{
	struct json_object	*crit, *v;
	size_t			 i, n;

	if (json_object_object_get_ex(h, "b64", &v))
		return jwt_refuse(fail, JWT_FAIL_CRIT,
		    "\"b64\" header parameter (RFC 7797) is not supported");
	if (!json_object_object_get_ex(h, "crit", &crit))
		return USERCGI_OK;
	if (!json_object_is_type(crit, json_type_array) ||
	    (n = json_object_array_length(crit)) == 0)
		return jwt_refuse(fail, JWT_FAIL_JWS_INVALID,
		    "\"crit\" is not a non-empty array");
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(crit, i);
		if (!json_object_is_type(v, json_type_string) ||
		    json_object_get_string_len(v) == 0)
			return jwt_refuse(fail, JWT_FAIL_JWS_INVALID,
			    "\"crit\" member is not a non-empty string");
	}
	return jwt_refuse(fail, JWT_FAIL_CRIT,
	    "\"crit\" names extensions usercgi does not understand");
}

/*
 * Decodes one base64url part into a fresh buffer of at most max bytes.
 * Returns USERCGI_OK, USERCGI_UNAUTH (logged) or USERCGI_NOMEM.
 */
static enum usercgi_err
jws_part(const char *what, const char *s, size_t len, size_t max,
    unsigned char **out, size_t *outn, enum jwt_fail *fail)
{
	*out = NULL;
	*outn = 0;
	if (len == 0)
		return jwt_refuse(fail, JWT_FAIL_JWS_INVALID, "empty %s", what);
	if (len / 4 * 3 > max)
		return jwt_refuse(fail, JWT_FAIL_JWS_INVALID,
		    "%s of %zu characters is over the %zu-byte limit", what,
		    len, max);
	if ((*out = xmalloc(max + 1)) == NULL)
		return USERCGI_NOMEM;
	if (b64url_decode(s, len, *out, max, outn) != 0) {
		free(*out);
		*out = NULL;
		return jwt_refuse(fail, JWT_FAIL_JWS_INVALID,
		    "%s is not strict base64url or too large", what);
	}
	(*out)[*outn] = '\0';
	return USERCGI_OK;
}

/*
 * Parses a decoded header or payload strictly (rule 3) and requires a
 * JSON object.  Returns USERCGI_OK with *out, USERCGI_UNAUTH with bad
 * (logged), or USERCGI_NOMEM.
 */
static enum usercgi_err
jwt_parse_obj(const char *what, const unsigned char *s, size_t len,
    struct json_object **out, enum jwt_fail bad, enum jwt_fail *fail)
{
	enum usercgi_err	 rc;
	char			 msg[128];

	rc = json_parse_strict((const char *)s, len, JWT_MAX_DEPTH, out, msg,
	    sizeof(msg));
	if (rc == USERCGI_NOMEM)
		return rc;
	if (rc != USERCGI_OK)
		return jwt_refuse(fail, bad, "%s is not strict JSON: %s", what,
		    msg);
	if (!json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		return jwt_refuse(fail, bad, "%s is not a JSON object", what);
	}
	return USERCGI_OK;
}

/*
 * Rule 8: selects the keys for algorithm a and verifies the signature.
 * kid is NULL when the header has none.
 */
static enum usercgi_err
jws_select_verify(const struct jwks *keys, const struct jws_alg *a,
    const char *kid, size_t kidlen, const unsigned char *msg, size_t mlen,
    const unsigned char *sig, size_t slen, enum jwt_fail *fail,
    int *need_reload)
{
	const struct jwk	*k, *match = NULL;
	size_t			 i, n = jwks_count(keys), fits = 0;
	int			 seen = 0;

	if (kid != NULL) {
		for (i = 0; i < n; i++) {
			k = jwks_key(keys, i);
			if (k->kid == NULL || k->kid_len != kidlen ||
			    memcmp(k->kid, kid, kidlen) != 0)
				continue;
			seen = 1;
			if (jws_key_fits(k, a)) {
				fits++;
				match = k;
			}
		}
		if (!seen) {
			*need_reload = 1;
			return jwt_refuse(fail, JWT_FAIL_NO_KEY,
			    "no key with the token's kid in the JWKS");
		}
		if (fits == 0)
			return jwt_refuse(fail, JWT_FAIL_NO_KEY,
			    "the key named by kid does not fit %s (kty, crv, "
			    "alg, use or key_ops)", a->name);
		if (fits > 1)
			return jwt_refuse(fail, JWT_FAIL_MULTIPLE_KEYS,
			    "%zu keys share the token's kid", fits);
		if (!jws_sig_ok(a, match, msg, mlen, sig, slen))
			return jwt_refuse(fail, JWT_FAIL_SIGNATURE,
			    "%s signature does not verify", a->name);
		return USERCGI_OK;
	}
	for (i = 0; i < n; i++) {
		k = jwks_key(keys, i);
		if (!jws_key_fits(k, a))
			continue;
		fits++;
		if (jws_sig_ok(a, k, msg, mlen, sig, slen))
			return USERCGI_OK;
	}
	if (fits == 0)
		return jwt_refuse(fail, JWT_FAIL_NO_KEY,
		    "no key in the JWKS fits %s", a->name);
	return jwt_refuse(fail, JWT_FAIL_SIGNATURE,
	    "%s signature verifies with none of %zu candidate keys", a->name,
	    fits);
}

/*
 * Rules 4-6: reads alg and kid from the parsed header h.  Returns
 * USERCGI_OK with *alg and *kid (NULL when absent; owned by h) or
 * USERCGI_UNAUTH.
 */
static enum usercgi_err
jws_header(struct json_object *h, const struct jws_alg **alg,
    const char **kid, size_t *kidlen, enum jwt_fail *fail)
{
	struct json_object	*v;
	enum usercgi_err	 rc;
	size_t			 i;

	*alg = NULL;
	*kid = NULL;
	*kidlen = 0;
	if ((rc = jws_check_crit(h, fail)) != USERCGI_OK)
		return rc;
	if (!json_object_object_get_ex(h, "alg", &v) ||
	    !json_object_is_type(v, json_type_string))
		return jwt_refuse(fail, JWT_FAIL_JWS_INVALID,
		    "\"alg\" missing or not a string");
	for (i = 0; i < sizeof(jws_algs) / sizeof(jws_algs[0]); i++)
		if (jwt_streq(v, jws_algs[i].name))
			*alg = &jws_algs[i];
	if (*alg == NULL)
		return jwt_refuse(fail, JWT_FAIL_ALG,
		    "\"alg\" is not in the allowlist");
	if (json_object_object_get_ex(h, "kid", &v)) {
		if (!json_object_is_type(v, json_type_string))
			return jwt_refuse(fail, JWT_FAIL_JWS_INVALID,
			    "\"kid\" is not a string");
		*kid = json_object_get_string(v);
		*kidlen = (size_t)json_object_get_string_len(v);
	}
	return USERCGI_OK;
}

enum usercgi_err
jws_verify(const struct jwks *keys, const char *tok, size_t len,
    unsigned char **payload, size_t *payload_len, enum jwt_fail *fail,
    int *need_reload)
{
	struct json_object	*h = NULL;
	const struct jws_alg	*alg;
	const char		*d1, *d2, *kid;
	unsigned char		*hdr = NULL, *pay = NULL, *sig = NULL;
	size_t			 hlen, plen, slen, kidlen;
	enum usercgi_err	 rc;

	*payload = NULL;
	*payload_len = 0;
	*fail = JWT_FAIL_NONE;
	*need_reload = 0;
	/* Rules 1 and 2: bounded, exactly three non-empty parts. */
	if (len == 0) {
		rc = jwt_refuse(fail, JWT_FAIL_JWS_INVALID, "empty token");
		goto out;
	}
	if (len > JWT_MAX_TOKEN) {
		rc = jwt_refuse(fail, JWT_FAIL_JWS_INVALID,
		    "token of %zu bytes is over the %d-byte limit", len,
		    JWT_MAX_TOKEN);
		goto out;
	}
	if ((d1 = memchr(tok, '.', len)) == NULL ||
	    (d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - tok))) == NULL ||
	    memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - tok)) != NULL) {
		rc = jwt_refuse(fail, JWT_FAIL_JWS_INVALID,
		    "not a compact JWS of three parts");
		goto out;
	}
	if ((rc = jws_part("header", tok, (size_t)(d1 - tok), JWT_MAX_HEADER,
	    &hdr, &hlen, fail)) != USERCGI_OK ||
	    (rc = jws_part("payload", d1 + 1, (size_t)(d2 - d1 - 1),
	    JWT_MAX_TOKEN, &pay, &plen, fail)) != USERCGI_OK ||
	    (rc = jws_part("signature", d2 + 1, len - (size_t)(d2 + 1 - tok),
	    JWT_MAX_SIG, &sig, &slen, fail)) != USERCGI_OK)
		goto out;
	if ((rc = jwt_parse_obj("header", hdr, hlen, &h, JWT_FAIL_JWS_INVALID,
	    fail)) != USERCGI_OK)
		goto out;
	if ((rc = jws_header(h, &alg, &kid, &kidlen, fail)) != USERCGI_OK)
		goto out;
	/* Rule 9: the signing input is the received "header.payload". */
	if ((rc = jws_select_verify(keys, alg, kid, kidlen,
	    (const unsigned char *)tok, (size_t)(d2 - tok), sig, slen, fail,
	    need_reload)) != USERCGI_OK)
		goto out;
	*payload = pay;
	*payload_len = plen;
	pay = NULL;
out:
	json_object_put(h);
	free(hdr);
	free(pay);
	free(sig);
	return rc;
}

/*
 * Reads NumericDate claim name (RFC 7519 §2) from c.  Returns 1 with *t,
 * 0 when absent, -1 when not a non-negative JSON integer (rule 12: a
 * double, string or negative is never converted).
 */
static int
jwt_numdate(struct json_object *c, const char *name, int64_t *t)
{
	struct json_object	*v;

	*t = 0;
	if (!json_object_object_get_ex(c, name, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return -1;
	*t = json_object_get_int64(v);
	return *t < 0 ? -1 : 1;
}

/* Rule 13: aud is the audience or an array of strings holding it. */
static int
jwt_aud_ok(struct json_object *aud, const char *want)
{
	size_t	i, n;
	int	found = 0;

	if (json_object_is_type(aud, json_type_string))
		return jwt_streq(aud, want);
	if (!json_object_is_type(aud, json_type_array))
		return 0;
	n = json_object_array_length(aud);
	for (i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(aud, i);

		if (!json_object_is_type(v, json_type_string))
			return 0;
		if (jwt_streq(v, want))
			found = 1;
	}
	return found;
}

/* Rule 14: scope is a string whose space-separated items hold want. */
static int
jwt_scope_ok(struct json_object *scope, const char *want)
{
	const char	*s, *end, *item;
	size_t		 wlen = strlen(want);

	if (!json_object_is_type(scope, json_type_string))
		return 0;
	s = json_object_get_string(scope);
	end = s + json_object_get_string_len(scope);
	while (s < end) {
		item = s;
		while (s < end && *s != ' ')
			s++;
		if ((size_t)(s - item) == wlen && memcmp(item, want, wlen) == 0)
			return 1;
		s++;
	}
	return 0;
}

/*
 * Rules 12-14 on the claims object c, in jose's order (iss, aud, then
 * iat, nbf, exp: jose's validateClaimsSet refuses an "iat" that is not
 * a number; here, as for the other times, a non-negative integer), then
 * Logto's: sub, scope a string when present (z.string().parse(scope):
 * 401), then the required scope item (403).
 */
static enum usercgi_err
jwt_claims(struct json_object *c, const struct jwt_policy *pol, int64_t now,
    char *sub, size_t sublen, enum jwt_fail *fail)
{
	struct json_object	*v;
	int64_t			 exp, nbf, iat;
	int			 r;

	if (pol->issuer == NULL || !json_object_object_get_ex(c, "iss", &v) ||
	    !jwt_streq(v, pol->issuer))
		return jwt_refuse(fail, JWT_FAIL_CLAIM,
		    "\"iss\" missing or not the configured issuer");
	if (pol->audience == NULL || !json_object_object_get_ex(c, "aud", &v) ||
	    !jwt_aud_ok(v, pol->audience))
		return jwt_refuse(fail, JWT_FAIL_CLAIM,
		    "\"aud\" missing or without the configured audience");
	if (jwt_numdate(c, "iat", &iat) < 0)
		return jwt_refuse(fail, JWT_FAIL_CLAIM,
		    "\"iat\" is not a non-negative integer");
	if ((r = jwt_numdate(c, "nbf", &nbf)) < 0)
		return jwt_refuse(fail, JWT_FAIL_CLAIM,
		    "\"nbf\" is not a non-negative integer");
	if (r == 1 && nbf - now > pol->leeway)
		return jwt_refuse(fail, JWT_FAIL_CLAIM,
		    "\"nbf\" is %lld s in the future", (long long)(nbf - now));
	if ((r = jwt_numdate(c, "exp", &exp)) < 0)
		return jwt_refuse(fail, JWT_FAIL_CLAIM,
		    "\"exp\" is not a non-negative integer");
	if (r == 0 && pol->require_exp)
		return jwt_refuse(fail, JWT_FAIL_CLAIM, "\"exp\" is missing");
	if (r == 1 && now - exp >= pol->leeway)
		return jwt_refuse(fail, JWT_FAIL_EXPIRED,
		    "expired %lld s ago", (long long)(now - exp));
	if (!json_object_object_get_ex(c, "sub", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    json_object_get_string_len(v) == 0) {
		log_info("jwt: token refused: \"sub\" missing or empty");
		return USERCGI_AUTH_SUB;
	}
	if (sub != NULL && sublen > 0) {
		if ((size_t)json_object_get_string_len(v) >= sublen ||
		    strlen(json_object_get_string(v)) !=
		    (size_t)json_object_get_string_len(v))
			return jwt_refuse(fail, JWT_FAIL_CLAIM,
			    "\"sub\" too long or holds a NUL");
		memcpy(sub, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v) + 1);
	}
	if (json_object_object_get_ex(c, "scope", &v) &&
	    !json_object_is_type(v, json_type_string))
		return jwt_refuse(fail, JWT_FAIL_SCOPE,
		    "\"scope\" is not a string");
	if (pol->scope != NULL && *pol->scope != '\0' &&
	    (!json_object_object_get_ex(c, "scope", &v) ||
	    !jwt_scope_ok(v, pol->scope))) {
		log_info("jwt: token refused: \"scope\" lacks \"%s\"",
		    pol->scope);
		return USERCGI_FORBIDDEN;
	}
	return USERCGI_OK;
}

enum usercgi_err
jwt_verify(const struct jwks *keys, const char *tok, size_t len,
    const struct jwt_policy *pol, int64_t now, char *sub, size_t sublen,
    enum jwt_fail *fail, int *need_reload, int64_t *exp)
{
	struct json_object	*c = NULL;
	unsigned char		*pay = NULL;
	size_t			 plen;
	enum usercgi_err	 rc;

	if (sub != NULL && sublen > 0)
		sub[0] = '\0';
	/* Rule 12: claims are read only after the signature verified. */
	if ((rc = jws_verify(keys, tok, len, &pay, &plen, fail,
	    need_reload)) != USERCGI_OK)
		goto out;
	if ((rc = jwt_parse_obj("payload", pay, plen, &c, JWT_FAIL_JWT_INVALID,
	    fail)) != USERCGI_OK)
		goto out;
	rc = jwt_claims(c, pol, now, sub, sublen, fail);
	if (rc == USERCGI_OK && exp != NULL &&
	    jwt_numdate(c, "exp", exp) != 1)
		*exp = -1;
out:
	json_object_put(c);
	free(pay);
	return rc;
}
