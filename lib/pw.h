/*
 * pw.h: password hashing (argon2i exactly as Logto) and the import-time
 * checks of password digests.
 */
#ifndef USERCGI_PW_H
#define USERCGI_PW_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define PW_SALT_LEN	16
#define PW_HASH_LEN	32
#define PW_ENCODED_MAX	256	/* $argon2i$v=19$m=...,t=...,p=...$salt$hash */

struct pw_params {
	uint32_t	t_cost;		/* iterations, default 8 */
	uint32_t	m_cost;		/* KiB, default 8192 */
	uint32_t	parallelism;	/* default 1 */
};

/*
 * Hashes pw (len bytes, any content) with argon2i and a fresh 16-byte salt
 * from the OpenSSL CSPRNG; writes the PHC string
 * "$argon2i$v=19$m=8192,t=8,p=1$<salt>$<hash>" (NUL-terminated) to out.
 * Returns USERCGI_OK, USERCGI_NOMEM or USERCGI_INTERNAL.
 */
enum usercgi_err pw_hash(const struct pw_params *p, const char *pw, size_t len,
	    char *out, size_t outlen);
/* As pw_hash with a given salt (tests and vectors). */
enum usercgi_err pw_hash_salt(const struct pw_params *p, const char *pw,
	    size_t len, const unsigned char *salt, size_t saltlen,
	    char *out, size_t outlen);

#endif
