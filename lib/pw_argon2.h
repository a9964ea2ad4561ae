/*
 * pw_argon2.h: the raw Argon2 computation (RFC 9106, version 0x13) with
 * libsodium where it can and libargon2 otherwise.  It depends on libc,
 * libsodium, libargon2 and lib/log.c only, so the hasher program
 * (cgi-bin/usercgi-hasher.c) links it without the rest of usercgi.
 */
#ifndef USERCGI_PW_ARGON2_H
#define USERCGI_PW_ARGON2_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* The variants, numbered as libargon2's argon2_type. */
enum pw_argon2_type {
	PW_ARGON2D = 0,
	PW_ARGON2I = 1,
	PW_ARGON2ID = 2,
};

/*
 * The implementations.  PW_IMPL_AUTO picks libsodium's (SIMD) when it
 * can compute the hash (pw_argon2_sodium_can) and libargon2's otherwise;
 * both give the same bytes (tests/unit/test_sodium.c).
 */
enum pw_impl {
	PW_IMPL_AUTO,
	PW_IMPL_ARGON2,		/* libargon2, any parameters */
	PW_IMPL_SODIUM,		/* libsodium: see pw_argon2_sodium_can */
};

/*
 * The largest work usercgi ever asks for: argon2_t, argon2_m, argon2_p
 * at their configuration maximums (lib/cfg.c) and imported PHC strings
 * within pw_verify's limits; salt and hash as pw_verify decodes them; a
 * password no larger than the largest request body (max_body_bytes).
 */
#define PW_ARGON2_T_MAX		64u
#define PW_ARGON2_M_MAX		(4u * 1024 * 1024)	/* KiB (4 GiB) */
#define PW_ARGON2_P_MAX		64u
#define PW_ARGON2_SALT_MIN	8u
#define PW_ARGON2_SALT_MAX	256u
#define PW_ARGON2_HASH_MIN	4u
#define PW_ARGON2_HASH_MAX	256u
#define PW_ARGON2_PW_MAX	(64u * 1024 * 1024)

/*
 * Returns 1 when the request is within the limits above (type one of
 * the variants), else 0.  The hasher pool checks it before it sends a
 * frame and the hasher program before it allocates anything.
 */
int	pw_argon2_within(uint32_t type, uint32_t t, uint32_t m_kib,
	    uint32_t p, size_t saltlen, size_t hashlen, size_t pwlen);

/*
 * Returns 1 when libsodium computes this variant with these parameters,
 * a saltlen-byte salt and an outlen-byte hash, else 0: Argon2i with
 * t >= 3, Argon2id with t >= 1; both p == 1, m >= 8 KiB, a 16-byte
 * salt and a hash of at least 16 bytes.  Argon2d never.
 */
int	pw_argon2_sodium_can(enum pw_argon2_type type, uint32_t t,
	    uint32_t m_kib, uint32_t p, size_t saltlen, size_t outlen);

/*
 * Computes the raw Argon2 hash of pw (pwlen bytes, any content; NULL
 * with pwlen 0 is the empty password) with salt into out (outlen bytes)
 * in this process, with implementation impl.  Returns USERCGI_OK,
 * USERCGI_NOMEM (m KiB could not be allocated) or USERCGI_INTERNAL (bad
 * parameters, or PW_IMPL_SODIUM with parameters libsodium cannot do,
 * logged without the password).  On failure out is wiped.
 */
enum usercgi_err pw_argon2_compute(enum pw_impl impl,
	    enum pw_argon2_type type, uint32_t t, uint32_t m_kib, uint32_t p,
	    const void *pw, size_t pwlen, const unsigned char *salt,
	    size_t saltlen, unsigned char *out, size_t outlen);

#endif
