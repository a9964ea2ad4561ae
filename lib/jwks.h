/*
 * jwks.h: a JSON Web Key Set (RFC 7517) of public verification keys,
 * imported once into OpenSSL EVP_PKEY objects.
 */
#ifndef USERCGI_JWKS_H
#define USERCGI_JWKS_H

#include <stddef.h>

#include <openssl/evp.h>

#include "err.h"
#include "log.h"

#define JWKS_MAX_FILE	(256 * 1024)
#define JWKS_MAX_KEYS	64
#define JWKS_MAX_RSA_BITS	8192	/* larger moduli are refused */

struct jwks;

enum jwk_kty { JWK_KTY_RSA, JWK_KTY_EC, JWK_KTY_OKP };
enum jwk_crv { JWK_CRV_NONE, JWK_CRV_P256, JWK_CRV_P384, JWK_CRV_P521,
	JWK_CRV_ED25519 };

/* One imported public key; owned by its struct jwks. */
struct jwk {
	enum jwk_kty	 kty;
	enum jwk_crv	 crv;		/* JWK_CRV_NONE for RSA */
	char		*kid;		/* NULL when absent; kid_len bytes */
	size_t		 kid_len;	/* may hold NUL bytes: compare with memcmp */
	char		*alg;		/* NULL when absent */
	char		*use;		/* NULL when absent */
	int		 use_sig;	/* "use" absent or "sig" (RFC 7517 §4.2) */
	int		 can_verify;	/* "key_ops" absent or has "verify" (§4.3) */
	EVP_PKEY	*pkey;
};

/*
 * Parses a JWKS document.  Usable public keys (RSA >= 2048 bits, EC P-256
 * / P-384 / P-521, OKP Ed25519) are kept; oct keys, keys with private
 * members and malformed keys are refused with a log line each.  Returns
 * USERCGI_OK with *out (caller frees with jwks_free; may hold zero keys),
 * USERCGI_INTERNAL when the document itself is unusable, USERCGI_NOMEM.
 */
enum usercgi_err jwks_load_mem(const char *json, size_t len, struct jwks **out);
/*
 * Reads the regular file path, at most JWKS_MAX_FILE bytes, into *data
 * (caller frees) and *len.  Returns USERCGI_OK, USERCGI_NOMEM, or
 * USERCGI_INTERNAL with the reason logged at lvl.
 */
enum usercgi_err jwks_read_file(const char *path, enum log_level lvl,
	    char **data, size_t *len);
/* As jwks_load_mem, reading at most JWKS_MAX_FILE bytes from path. */
enum usercgi_err jwks_load_file(const char *path, struct jwks **out);
void	jwks_free(struct jwks *k);
/* Number of usable keys (0 for NULL). */
size_t	jwks_count(const struct jwks *k);
/* The i-th key (i < jwks_count), owned by k. */
const struct jwk *jwks_key(const struct jwks *k, size_t i);

#endif
