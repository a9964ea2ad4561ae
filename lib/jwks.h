/*
 * jwks.h: a JSON Web Key Set (RFC 7517) of public verification keys,
 * imported once into OpenSSL EVP_PKEY objects.
 */
#ifndef USERCGI_JWKS_H
#define USERCGI_JWKS_H

#include <stddef.h>

#include "err.h"

#define JWKS_MAX_FILE	(256 * 1024)
#define JWKS_MAX_KEYS	64

struct jwks;

/*
 * Parses a JWKS document.  Usable public keys (RSA >= 2048 bits, EC P-256
 * / P-384 / P-521, OKP Ed25519) are kept; oct keys, keys with private
 * members and malformed keys are refused with a log line each.  Returns
 * USERCGI_OK with *out (caller frees with jwks_free; may hold zero keys),
 * USERCGI_INTERNAL when the document itself is unusable, USERCGI_NOMEM.
 */
enum usercgi_err jwks_load_mem(const char *json, size_t len, struct jwks **out);
/* As jwks_load_mem, reading at most JWKS_MAX_FILE bytes from path. */
enum usercgi_err jwks_load_file(const char *path, struct jwks **out);
void	jwks_free(struct jwks *k);
/* Number of usable keys. */
size_t	jwks_count(const struct jwks *k);

#endif
