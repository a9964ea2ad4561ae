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

/*
 * The argon2i implementations.  PW_IMPL_AUTO picks libsodium's (SIMD)
 * when it can compute the hash (pw_sodium_can) and libargon2's otherwise;
 * both produce the same PHC string byte for byte (tests/unit/test_sodium.c).
 */
enum pw_impl {
	PW_IMPL_AUTO,
	PW_IMPL_ARGON2,		/* libargon2, any parameters */
	PW_IMPL_SODIUM,		/* libsodium: t >= 3, p == 1, 16-byte salt */
};

/* As pw_hash_salt with a chosen implementation (tests, benchmarks). */
enum usercgi_err pw_hash_salt_impl(enum pw_impl impl,
	    const struct pw_params *p, const char *pw, size_t len,
	    const unsigned char *salt, size_t saltlen, char *out,
	    size_t outlen);
/*
 * Returns 1 when libsodium computes argon2i with these parameters and a
 * saltlen-byte salt (t >= 3, p == 1, saltlen == 16, m >= 8 KiB), else 0.
 */
int	pw_sodium_can(const struct pw_params *p, size_t saltlen);

/*
 * Limits how many hashes run at once in this process (each holds m_cost
 * KiB): pw_hash waits for a free slot.  0 means no limit (the default).
 * Call before starting threads.
 */
void	pw_set_max_concurrent(unsigned n);

#endif
