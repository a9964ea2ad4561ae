/*
 * pw.c: argon2i password hashing exactly as Logto stores it
 * (create-user.md §4): Argon2 version 0x13, 16-byte salt from the OpenSSL
 * CSPRNG, 32-byte hash, PHC string encoding with unpadded base64.
 *
 * Every Argon2 computation of usercgi (these creates, imported Argon2
 * digests in pw_verify.c, pw_decoy) goes through pw_argon2_raw: in a
 * hasher process when a pool is installed (pw_set_pool, the FastCGI
 * worker), otherwise in this process with libsodium or libargon2
 * (pw_argon2.c).  The PHC string is built here from the raw hash, the
 * way libargon2's encode_string does; tests/unit/test_sodium.c and
 * test_pw.c prove the bytes.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <argon2.h>
#include <openssl/rand.h>

#include "b64.h"
#include "buf.h"
#include "hasher.h"
#include "log.h"
#include "pw.h"

static const struct pw_params pw_defaults = { 8, 8192, 1 };

/* Concurrent-hash limit (pw_set_max_concurrent). */
static pthread_mutex_t	pw_slot_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	pw_slot_cv = PTHREAD_COND_INITIALIZER;
static unsigned		pw_slot_max, pw_slot_used;

/* The hasher pool (pw_set_pool), or NULL: set before threads start. */
static struct hasher_pool	*pw_pool;

void
pw_set_max_concurrent(unsigned n)
{
	pthread_mutex_lock(&pw_slot_mu);
	pw_slot_max = n;
	pthread_cond_broadcast(&pw_slot_cv);
	pthread_mutex_unlock(&pw_slot_mu);
}

void
pw_set_pool(struct hasher_pool *pool)
{
	pw_pool = pool;
}

/* Waits for a hashing slot (none needed without a limit). */
static void
pw_slot_take(void)
{
	pthread_mutex_lock(&pw_slot_mu);
	while (pw_slot_max != 0 && pw_slot_used >= pw_slot_max)
		pthread_cond_wait(&pw_slot_cv, &pw_slot_mu);
	pw_slot_used++;
	pthread_mutex_unlock(&pw_slot_mu);
}

static void
pw_slot_give(void)
{
	pthread_mutex_lock(&pw_slot_mu);
	pw_slot_used--;
	pthread_cond_signal(&pw_slot_cv);
	pthread_mutex_unlock(&pw_slot_mu);
}

int
pw_sodium_can(const struct pw_params *p, size_t saltlen)
{
	if (p == NULL)
		p = &pw_defaults;
	return pw_argon2_sodium_can(PW_ARGON2I, p->t_cost, p->m_cost,
	    p->parallelism, saltlen, PW_HASH_LEN);
}

/*
 * pw_argon2_raw with a chosen implementation: PW_IMPL_AUTO goes to the
 * pool when one is installed, and comes back here when the pool says
 * USERCGI_UNAVAILABLE; in-process hashes wait for a slot.
 */
static enum usercgi_err
pw_raw(enum pw_impl impl, enum pw_argon2_type type, uint32_t t,
    uint32_t m_kib, uint32_t p, const void *pw, size_t pwlen,
    const unsigned char *salt, size_t saltlen, unsigned char *out,
    size_t outlen)
{
	enum usercgi_err	 rc;

	if (impl == PW_IMPL_AUTO && pw_pool != NULL) {
		rc = hasher_pool_hash(pw_pool, type, t, m_kib, p, pw, pwlen,
		    salt, saltlen, out, outlen);
		if (rc != USERCGI_UNAVAILABLE)
			goto out;
	}
	pw_slot_take();
	rc = pw_argon2_compute(impl, type, t, m_kib, p, pw, pwlen, salt,
	    saltlen, out, outlen);
	pw_slot_give();
out:
	return rc;
}

enum usercgi_err
pw_argon2_raw(enum pw_argon2_type type, uint32_t t, uint32_t m_kib,
    uint32_t p, const void *pw, size_t pwlen, const unsigned char *salt,
    size_t saltlen, unsigned char *out, size_t outlen)
{
	return pw_raw(PW_IMPL_AUTO, type, t, m_kib, p, pw, pwlen, salt,
	    saltlen, out, outlen);
}

/*
 * Hashes pw with the given salt into the PHC string out (outlen bytes,
 * NUL-terminated) with the implementation impl: the raw hash, then
 * "$argon2i$v=19$m=M,t=T,p=P$" + unpadded base64 salt + "$" + hash, as
 * libargon2's encode_string writes it.  p NULL means the defaults (t=8,
 * m=8192 KiB, p=1).  On failure out is wiped.  Returns USERCGI_OK,
 * USERCGI_NOMEM (no memory for the m KiB) or USERCGI_INTERNAL (bad
 * parameters, out too small, PW_IMPL_SODIUM with parameters libsodium
 * cannot do).
 */
enum usercgi_err
pw_hash_salt_impl(enum pw_impl impl, const struct pw_params *p,
    const char *pw, size_t len, const unsigned char *salt, size_t saltlen,
    char *out, size_t outlen)
{
	unsigned char		 raw[PW_HASH_LEN];
	char			 s64[PW_ENCODED_MAX], h64[64];
	enum usercgi_err	 rc = USERCGI_INTERNAL;
	int			 n;

	if (p == NULL)
		p = &pw_defaults;
	if (out == NULL || outlen == 0 || salt == NULL) {
		log_err("pw_hash: missing argument");
		goto out;
	}
	out[0] = '\0';
	if (len > UINT32_MAX || saltlen > UINT32_MAX) {
		log_err("pw_hash: password or salt too long");
		goto out;
	}
	if (argon2_encodedlen(p->t_cost, p->m_cost, p->parallelism,
	    (uint32_t)saltlen, PW_HASH_LEN, Argon2_i) > outlen) {
		log_err("pw_hash: output buffer of %zu bytes too small", outlen);
		goto out;
	}
	if (b64_encode_nopad(salt, saltlen, s64, sizeof(s64)) == 0)
		goto out;
	if ((rc = pw_raw(impl, PW_ARGON2I, p->t_cost, p->m_cost,
	    p->parallelism, pw, len, salt, saltlen, raw, sizeof(raw))) !=
	    USERCGI_OK)
		goto out;
	rc = USERCGI_INTERNAL;
	if (b64_encode_nopad(raw, sizeof(raw), h64, sizeof(h64)) == 0)
		goto out;
	n = snprintf(out, outlen, "$argon2i$v=%d$m=%u,t=%u,p=%u$%s$%s",
	    ARGON2_VERSION_13, (unsigned)p->m_cost, (unsigned)p->t_cost,
	    (unsigned)p->parallelism, s64, h64);
	if (n < 0 || (size_t)n >= outlen) {
		log_err("pw_hash: output buffer of %zu bytes too small", outlen);
		goto out;
	}
	rc = USERCGI_OK;
out:
	secure_zero(raw, sizeof(raw));
	secure_zero(h64, sizeof(h64));
	if (rc != USERCGI_OK && out != NULL)
		secure_zero(out, outlen);
	return rc;
}

/* pw_hash_salt_impl with PW_IMPL_AUTO. */
enum usercgi_err
pw_hash_salt(const struct pw_params *p, const char *pw, size_t len,
    const unsigned char *salt, size_t saltlen, char *out, size_t outlen)
{
	return pw_hash_salt_impl(PW_IMPL_AUTO, p, pw, len, salt, saltlen, out,
	    outlen);
}

/*
 * As pw_hash_salt with PW_SALT_LEN fresh bytes from RAND_bytes.  Returns
 * USERCGI_INTERNAL when the CSPRNG fails.
 */
enum usercgi_err
pw_hash(const struct pw_params *p, const char *pw, size_t len, char *out,
    size_t outlen)
{
	unsigned char		 salt[PW_SALT_LEN];
	enum usercgi_err	 rc = USERCGI_INTERNAL;

	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		log_err("pw_hash: RAND_bytes failed");
		goto out;
	}
	rc = pw_hash_salt(p, pw, len, salt, sizeof(salt), out, outlen);
out:
	secure_zero(salt, sizeof(salt));
	return rc;
}
