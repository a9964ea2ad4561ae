/*
 * pw_argon2.c: one raw Argon2 computation, two implementations of the
 * same function: libsodium's crypto_pwhash (SIMD, about twice as fast;
 * only p = 1, a 16-byte salt, Argon2i with t >= 3 or Argon2id) and
 * libargon2's reference code for everything else.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>

#include <argon2.h>
#include <sodium.h>

#include "log.h"
#include "pw_argon2.h"

_Static_assert(PW_ARGON2D == (int)Argon2_d && PW_ARGON2I == (int)Argon2_i &&
    PW_ARGON2ID == (int)Argon2_id, "pw_argon2_type numbers as libargon2's");

static pthread_once_t	pw_argon2_once = PTHREAD_ONCE_INIT;
static int		pw_argon2_sodium_ok;

/*
 * sodium_init selects the SIMD code paths; without it crypto_pwhash
 * runs the portable one.  Called once per process, on the first hash.
 */
static void
pw_argon2_sodium_init(void)
{
	if (sodium_init() < 0)
		log_err("sodium_init failed: hashing with libargon2 only");
	else
		pw_argon2_sodium_ok = 1;
}

int
pw_argon2_within(uint32_t type, uint32_t t, uint32_t m_kib, uint32_t p,
    size_t saltlen, size_t hashlen, size_t pwlen)
{
	return (type == PW_ARGON2D || type == PW_ARGON2I ||
	    type == PW_ARGON2ID) && t >= 1 && t <= PW_ARGON2_T_MAX &&
	    m_kib <= PW_ARGON2_M_MAX && p >= 1 && p <= PW_ARGON2_P_MAX &&
	    saltlen >= PW_ARGON2_SALT_MIN && saltlen <= PW_ARGON2_SALT_MAX &&
	    hashlen >= PW_ARGON2_HASH_MIN && hashlen <= PW_ARGON2_HASH_MAX &&
	    pwlen <= PW_ARGON2_PW_MAX;
}

int
pw_argon2_sodium_can(enum pw_argon2_type type, uint32_t t, uint32_t m_kib,
    uint32_t p, size_t saltlen, size_t outlen)
{
	if (p != 1 || (uint64_t)m_kib * 1024 < crypto_pwhash_MEMLIMIT_MIN ||
	    outlen < crypto_pwhash_BYTES_MIN || outlen > PW_ARGON2_HASH_MAX)
		return 0;
	if (type == PW_ARGON2I)
		return t >= crypto_pwhash_argon2i_OPSLIMIT_MIN &&
		    saltlen == crypto_pwhash_argon2i_SALTBYTES;
	if (type == PW_ARGON2ID)
		return t >= crypto_pwhash_argon2id_OPSLIMIT_MIN &&
		    saltlen == crypto_pwhash_argon2id_SALTBYTES;
	return 0;
}

enum usercgi_err
pw_argon2_compute(enum pw_impl impl, enum pw_argon2_type type, uint32_t t,
    uint32_t m_kib, uint32_t p, const void *pw, size_t pwlen,
    const unsigned char *salt, size_t saltlen, unsigned char *out,
    size_t outlen)
{
	enum usercgi_err	 rc = USERCGI_INTERNAL;
	int			 arc, alg;

	if (out == NULL || outlen == 0)
		return USERCGI_INTERNAL;
	if (salt == NULL || pwlen > ARGON2_MAX_PWD_LENGTH ||
	    saltlen > ARGON2_MAX_SALT_LENGTH || outlen > UINT32_MAX ||
	    (type != PW_ARGON2D && type != PW_ARGON2I &&
	    type != PW_ARGON2ID)) {
		log_warn("argon2: bad arguments");
		goto out;
	}
	if (pw == NULL)
		pw = "";
	if (impl != PW_IMPL_ARGON2 &&
	    pw_argon2_sodium_can(type, t, m_kib, p, saltlen, outlen)) {
		(void)pthread_once(&pw_argon2_once, pw_argon2_sodium_init);
		if (pw_argon2_sodium_ok)
			impl = PW_IMPL_SODIUM;
		else if (impl == PW_IMPL_SODIUM)
			goto out;
	} else if (impl == PW_IMPL_SODIUM) {
		log_err("argon2: libsodium cannot hash type=%d t=%u p=%u",
		    (int)type, (unsigned)t, (unsigned)p);
		goto out;
	}
	if (impl == PW_IMPL_SODIUM) {
		alg = type == PW_ARGON2I ? crypto_pwhash_ALG_ARGON2I13 :
		    crypto_pwhash_ALG_ARGON2ID13;
		if (crypto_pwhash(out, (unsigned long long)outlen, pw,
		    (unsigned long long)pwlen, salt, t, (size_t)m_kib * 1024,
		    alg) != 0) {
			/* The parameters were checked: only the allocation fails. */
			log_err("crypto_pwhash: out of memory for m=%u KiB",
			    (unsigned)m_kib);
			rc = USERCGI_NOMEM;
			goto out;
		}
		rc = USERCGI_OK;
		goto out;
	}
	arc = argon2_hash(t, m_kib, p, pw, pwlen, salt, saltlen, out, outlen,
	    NULL, 0, (argon2_type)type, ARGON2_VERSION_13);
	if (arc != ARGON2_OK) {
		if (arc == ARGON2_MEMORY_ALLOCATION_ERROR) {
			log_err("argon2: %s", argon2_error_message(arc));
			rc = USERCGI_NOMEM;
		} else
			log_warn("argon2: %s", argon2_error_message(arc));
		goto out;
	}
	rc = USERCGI_OK;
out:
	if (rc != USERCGI_OK)
		sodium_memzero(out, outlen);
	return rc;
}
