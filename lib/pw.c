/*
 * pw.c: argon2i password hashing exactly as Logto stores it
 * (create-user.md §4): Argon2 version 0x13, 16-byte salt from the OpenSSL
 * CSPRNG, 32-byte hash, PHC string encoding with unpadded base64.
 *
 * Two implementations of the same function (RFC 9106): libsodium's
 * crypto_pwhash (SIMD, about twice as fast; only p = 1, t >= 3, a 16-byte
 * salt) and libargon2's reference code for everything else.  The PHC
 * string is built here for libsodium (it only returns the raw hash) and
 * by libargon2 otherwise; tests/unit/test_sodium.c proves they agree.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <argon2.h>
#include <openssl/rand.h>
#include <sodium.h>

#include "b64.h"
#include "buf.h"
#include "log.h"
#include "pw.h"

static const struct pw_params pw_defaults = { 8, 8192, 1 };

static pthread_once_t	pw_sodium_once = PTHREAD_ONCE_INIT;
static int		pw_sodium_ok;

/* Concurrent-hash limit (pw_set_max_concurrent). */
static pthread_mutex_t	pw_slot_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	pw_slot_cv = PTHREAD_COND_INITIALIZER;
static unsigned		pw_slot_max, pw_slot_used;

void
pw_set_max_concurrent(unsigned n)
{
	pthread_mutex_lock(&pw_slot_mu);
	pw_slot_max = n;
	pthread_cond_broadcast(&pw_slot_cv);
	pthread_mutex_unlock(&pw_slot_mu);
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

/*
 * sodium_init selects the SIMD code paths; without it crypto_pwhash
 * runs the portable one.  Called once per process, on the first hash.
 */
static void
pw_sodium_init(void)
{
	if (sodium_init() < 0)
		log_err("sodium_init failed: hashing with libargon2 only");
	else
		pw_sodium_ok = 1;
}

int
pw_sodium_can(const struct pw_params *p, size_t saltlen)
{
	if (p == NULL)
		p = &pw_defaults;
	return p->parallelism == 1 &&
	    p->t_cost >= crypto_pwhash_argon2i_OPSLIMIT_MIN &&
	    (uint64_t)p->m_cost * 1024 >= crypto_pwhash_argon2i_MEMLIMIT_MIN &&
	    saltlen == crypto_pwhash_argon2i_SALTBYTES;
}

/*
 * libsodium's argon2i into the PHC string out: crypto_pwhash gives the
 * raw 32 bytes, encoded here as libargon2's encode_string does
 * ("$argon2i$v=19$m=M,t=T,p=1$" + unpadded base64 salt + "$" + hash).
 * The raw hash is wiped.  Returns USERCGI_OK, USERCGI_NOMEM (libsodium
 * could not allocate m KiB) or USERCGI_INTERNAL.
 */
static enum usercgi_err
pw_hash_sodium(const struct pw_params *p, const char *pw, size_t len,
    const unsigned char *salt, size_t saltlen, char *out, size_t outlen)
{
	unsigned char		 raw[PW_HASH_LEN];
	char			 s64[64], h64[64];
	enum usercgi_err	 rc = USERCGI_INTERNAL;
	int			 n;

	if (b64_encode_nopad(salt, saltlen, s64, sizeof(s64)) == 0)
		goto out;
	if (crypto_pwhash(raw, sizeof(raw), pw, (unsigned long long)len, salt,
	    p->t_cost, (size_t)p->m_cost * 1024,
	    crypto_pwhash_ALG_ARGON2I13) != 0) {
		/* The parameters were checked: only the allocation fails. */
		log_err("crypto_pwhash: out of memory for m=%u KiB",
		    (unsigned)p->m_cost);
		rc = USERCGI_NOMEM;
		goto out;
	}
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
	return rc;
}

/*
 * Hashes pw with the given salt into the PHC string out (outlen bytes,
 * NUL-terminated) with the implementation impl.  p NULL means the
 * defaults (t=8, m=8192 KiB, p=1).  On failure out is wiped.  Returns
 * USERCGI_OK, USERCGI_NOMEM (no memory for the m KiB) or
 * USERCGI_INTERNAL (bad parameters, out too small, PW_IMPL_SODIUM with
 * parameters libsodium cannot do).
 */
enum usercgi_err
pw_hash_salt_impl(enum pw_impl impl, const struct pw_params *p,
    const char *pw, size_t len, const unsigned char *salt, size_t saltlen,
    char *out, size_t outlen)
{
	enum usercgi_err	 rc = USERCGI_INTERNAL;
	int			 arc, slot = 0;

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
	if (pw == NULL)
		pw = "";
	if (impl != PW_IMPL_ARGON2 && pw_sodium_can(p, saltlen)) {
		(void)pthread_once(&pw_sodium_once, pw_sodium_init);
		if (pw_sodium_ok)
			impl = PW_IMPL_SODIUM;
		else if (impl == PW_IMPL_SODIUM)
			goto out;
	} else if (impl == PW_IMPL_SODIUM) {
		log_err("pw_hash: libsodium cannot hash t=%u p=%u",
		    (unsigned)p->t_cost, (unsigned)p->parallelism);
		goto out;
	}
	pw_slot_take();
	slot = 1;
	if (impl == PW_IMPL_SODIUM) {
		rc = pw_hash_sodium(p, pw, len, salt, saltlen, out, outlen);
		goto out;
	}
	arc = argon2_hash(p->t_cost, p->m_cost, p->parallelism, pw, len, salt,
	    saltlen, NULL, PW_HASH_LEN, out, outlen, Argon2_i,
	    ARGON2_VERSION_13);
	if (arc != ARGON2_OK) {
		log_err("argon2_hash: %s", argon2_error_message(arc));
		rc = arc == ARGON2_MEMORY_ALLOCATION_ERROR ? USERCGI_NOMEM :
		    USERCGI_INTERNAL;
		goto out;
	}
	rc = USERCGI_OK;
out:
	if (slot)
		pw_slot_give();
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
