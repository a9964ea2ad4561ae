/*
 * pw.h: password hashing (argon2i exactly as Logto) and the import-time
 * checks of password digests.
 */
#ifndef USERCGI_PW_H
#define USERCGI_PW_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "pw_argon2.h"

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
 * As pw_hash_salt with a chosen implementation (tests, benchmarks):
 * PW_IMPL_AUTO as pw_argon2_raw, the others always in this process.
 */
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
 * KiB): an in-process hash waits for a free slot.  0 means no limit (the default).
 * Call before starting threads.
 */
void	pw_set_max_concurrent(unsigned n);

struct hasher_pool;

/*
 * Makes pw_argon2_raw compute in pool's hasher processes (lib/hasher.h)
 * from now on; NULL computes in this process again.  The pool stays the
 * caller's.  Call before starting threads and after joining them.
 */
void	pw_set_pool(struct hasher_pool *pool);

/*
 * The one Argon2 computation of usercgi: the raw hash of pw (pwlen
 * bytes) with salt into out (outlen bytes), in a hasher process when a
 * pool is installed, or in this process (libsodium where it can,
 * libargon2 otherwise; see pw_argon2_compute) when none is or the
 * hasher failed.  Returns USERCGI_OK, USERCGI_NOMEM or USERCGI_INTERNAL
 * (bad parameters); on failure out is wiped.
 */
enum usercgi_err pw_argon2_raw(enum pw_argon2_type type, uint32_t t,
	    uint32_t m_kib, uint32_t p, const void *pw, size_t pwlen,
	    const unsigned char *salt, size_t saltlen, unsigned char *out,
	    size_t outlen);

#endif
