/*
 * pw.c: argon2i password hashing exactly as Logto stores it
 * (create-user.md §4): Argon2 version 0x13, 16-byte salt from the OpenSSL
 * CSPRNG, 32-byte hash, PHC string encoding with unpadded base64.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <argon2.h>
#include <openssl/rand.h>

#include "buf.h"
#include "log.h"
#include "pw.h"

static const struct pw_params pw_defaults = { 8, 8192, 1 };

/*
 * Hashes pw with the given salt into the PHC string out (outlen bytes,
 * NUL-terminated).  p NULL means the defaults (t=8, m=8192 KiB, p=1).
 * libargon2 wipes its own copy of the raw hash; on failure out is wiped
 * too.  Returns USERCGI_OK, USERCGI_NOMEM (argon2 could not allocate its
 * memory) or USERCGI_INTERNAL (bad parameters, out too small).
 */
enum usercgi_err
pw_hash_salt(const struct pw_params *p, const char *pw, size_t len,
    const unsigned char *salt, size_t saltlen, char *out, size_t outlen)
{
	enum usercgi_err	 rc = USERCGI_INTERNAL;
	int			 arc;

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
	arc = argon2_hash(p->t_cost, p->m_cost, p->parallelism,
	    pw != NULL ? pw : "", (size_t)len, salt, saltlen, NULL, PW_HASH_LEN,
	    out, outlen, Argon2_i, ARGON2_VERSION_13);
	if (arc != ARGON2_OK) {
		log_err("argon2_hash: %s", argon2_error_message(arc));
		secure_zero(out, outlen);
		rc = arc == ARGON2_MEMORY_ALLOCATION_ERROR ? USERCGI_NOMEM :
		    USERCGI_INTERNAL;
		goto out;
	}
	rc = USERCGI_OK;
out:
	return rc;
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
