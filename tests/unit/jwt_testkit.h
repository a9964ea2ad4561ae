/*
 * jwt_testkit.h: header-only helpers for the JWS/JWT unit tests: an
 * Ed25519 key made with OpenSSL, tokens signed with it over exactly the
 * header and claims JSON given, and a JWKS holding its public half.
 */
#ifndef USERCGI_JWT_TESTKIT_H
#define USERCGI_JWT_TESTKIT_H

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "b64.h"

struct tk_key {
	EVP_PKEY	*pk;
	char		 x[64];		/* public key, base64url */
};

/* Makes a fresh Ed25519 key; returns 0 or -1. */
static int
tk_key_new(struct tk_key *k)
{
	unsigned char	raw[32];
	size_t		rawlen = sizeof(raw);

	if ((k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL ||
	    EVP_PKEY_get_raw_public_key(k->pk, raw, &rawlen) != 1 ||
	    b64url_encode(raw, rawlen, k->x, sizeof(k->x)) == 0)
		return -1;
	return 0;
}

/* Writes a JWKS with k under kid (NULL: no kid) and extra members. */
static const char *
tk_jwks(const struct tk_key *k, const char *kid, const char *extra)
{
	static char	out[1024];

	(void)snprintf(out, sizeof(out),
	    "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"%s%s%s%s%s]}",
	    k->x, kid != NULL ? ",\"kid\":\"" : "", kid != NULL ? kid : "",
	    kid != NULL ? "\"" : "", extra != NULL ? extra : "", "}");
	return out;
}

/*
 * Signs hdr.claims (JSON texts, encoded as given) with k: EdDSA over the
 * base64url parts.  Returns the token in a static buffer, or "".
 */
static const char *
tk_token(const struct tk_key *k, const char *hdr, const char *claims)
{
	static char	 out[16384];
	unsigned char	 sig[64];
	size_t		 n, m, siglen = sizeof(sig);
	EVP_MD_CTX	*ctx;

	out[0] = '\0';
	if ((n = b64url_encode((const unsigned char *)hdr, strlen(hdr), out,
	    sizeof(out))) == 0)
		return "";
	out[n++] = '.';
	if ((m = b64url_encode((const unsigned char *)claims, strlen(claims),
	    out + n, sizeof(out) - n)) == 0)
		return "";
	n += m;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pk) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)out, n) != 1) {
		EVP_MD_CTX_free(ctx);
		return "";
	}
	EVP_MD_CTX_free(ctx);
	out[n++] = '.';
	if (b64url_encode(sig, siglen, out + n, sizeof(out) - n) == 0)
		return "";
	return out;
}

#endif
