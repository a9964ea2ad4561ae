/*
 * pw_verify.h: imported password digests — the import-time checks and
 * the later verification of a password against a stored digest of any
 * supported method (create-user.md §4).
 *
 * Methods: Argon2i Argon2id Argon2d SHA1 SHA256 MD5 Bcrypt Legacy (Logto's
 * set) and Crypt (usercgi: any crypt(3) string libxcrypt supports).
 */
#ifndef USERCGI_PW_VERIFY_H
#define USERCGI_PW_VERIFY_H

#include <stddef.h>

#include "err.h"

struct pw_params;

/*
 * The default cost ceilings of imported digests (create-user.md §4,
 * SECURITY.md "Cost ceilings"): the estimated CPU time of one verify on
 * the benchmark machine, and the memory it may hold.  cfg.c starts from
 * these (digest_max_ms, digest_max_mib).
 */
#define PW_DIGEST_MAX_MS	1000u
#define PW_DIGEST_MAX_MIB	256u

/*
 * Sets the cost ceilings: max_ms milliseconds of estimated CPU time per
 * verify (1 or more) and max_mib MiB of memory (1 to 4096).  A digest
 * above them is refused at import and never run at verify.  Call before
 * starting threads.
 */
void	pw_set_digest_ceiling(unsigned max_ms, unsigned max_mib);

/*
 * Bounds the slow hashes that run in this process outside Argon2
 * (bcrypt, crypt(3), pbkdf2, scrypt): at most running at once, and at
 * most waiting more threads queued for a turn; past that a verify or an
 * import check answers USERCGI_BUSY without hashing.  running 0 means no
 * limit (the default; CGI runs one request per process).  Call before
 * starting threads.
 */
void	pw_set_slow_limit(unsigned running, unsigned waiting);

/*
 * Import-time check of (algorithm, digest), create-user.md §2 check 9 and
 * the stricter usercgi checks.  May rewrite the digest in place into its
 * canonical stored form (uppercase hex lowercased).  Returns USERCGI_OK,
 * USERCGI_PW_UNSUPPORTED (Legacy without a digest),
 * USERCGI_PW_LEGACY_FORMAT, USERCGI_PW_LEGACY_HASH (alg name copied to
 * why), USERCGI_PW_DIGEST_INVALID (a digest that could never verify, or
 * one above the cost ceilings, checked before anything is hashed; a
 * short reason for the client copied to why), USERCGI_BUSY (a Crypt
 * check found every slow-hash turn taken: pw_set_slow_limit) or
 * USERCGI_NOMEM.  A NULL or empty digest
 * under any other algorithm is USERCGI_OK (no password is stored).
 * why (whylen > 0) is always left NUL-terminated.
 */
enum usercgi_err pw_check_import(const char *algorithm, char *digest,
	    char *why, size_t whylen);

/*
 * Verifies the password pw (pwlen bytes of UTF-8, may hold NUL bytes)
 * against a stored digest of the given method.  Returns USERCGI_OK with
 * *match 1 or 0 — a malformed digest, an unknown method, a NULL digest
 * and a password a method cannot take (Bcrypt over 72 bytes, a NUL byte
 * for crypt(3)) are all simply 0 — or USERCGI_PW_DIGEST_INVALID when
 * the digest's cost, with this password's length, is above the
 * ceilings (pw_set_digest_ceiling: nothing is hashed, the reason is
 * logged), USERCGI_BUSY (pw_set_slow_limit), or USERCGI_NOMEM /
 * USERCGI_INTERNAL when the machinery itself fails (*match is then 0).  Comparisons are
 * constant-time.  No timing equalisation: see pw_check_password.
 */
enum usercgi_err pw_verify(const char *method, const char *digest,
	    const char *pw, size_t pwlen, int *match);

/*
 * pw_verify, then on a mismatch of a fast method (MD5 SHA1 SHA256 Legacy
 * Crypt), of a user without a password (method or digest NULL), or of a
 * check that ended before any hashing, pw_decoy, so that a failure costs
 * at least one argon2i hash with the configured parameters p (NULL: the
 * defaults).  This is what the password/verify route calls.  Returns as
 * pw_verify; a digest above the ceilings also costs the decoy.
 */
enum usercgi_err pw_check_password(const struct pw_params *p,
	    const char *method, const char *digest, const char *pw,
	    size_t pwlen, int *match);

/*
 * Spends about one argon2i hash of pw with the parameters p (NULL: the
 * defaults) and discards the result.
 */
void	pw_decoy(const struct pw_params *p, const char *pw, size_t pwlen);

/*
 * Returns 1 when a stored (method, digest) should be re-hashed with
 * argon2i after a successful verify: any method but Argon2i, or an
 * Argon2i row whose PHC string is of another variant.  0 otherwise.
 */
int	pw_needs_upgrade(const char *method, const char *digest);

#endif
