/*
 * tokcache.h: a bounded cache of bearer tokens that verified, so a
 * repeated token does not pay a full signature verification per request.
 *
 * One cache per process, shared by its threads' verifiers (a mutex
 * guards it; the SHA-256 is computed outside the lock).
 * Keyed by the SHA-256 of the token's bytes (the token itself is not
 * kept); an entry holds the token's subject and lives until the token's
 * exp and never beyond.  At most max entries: a new one evicts the
 * oldest.  Only successful verifications may be stored, and only while
 * the keys and the policy they were checked against are unchanged: call
 * tokcache_flush whenever the JWKS is (re)loaded.
 */
#ifndef USERCGI_TOKCACHE_H
#define USERCGI_TOKCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define TOKCACHE_DEFAULT_MAX	256
#define TOKCACHE_MAX_SUB	256	/* longer subjects are not cached */

struct tokcache;

/*
 * Creates an empty cache of at most max entries (1 to 65536).  Nothing
 * is allocated for the entries until first use.  Returns the cache
 * (tokcache_free), or NULL for a bad max, no memory, or libsodium (its
 * SHA-256) failing to initialise.
 */
struct tokcache *tokcache_new(size_t max);
void	tokcache_free(struct tokcache *c);

/*
 * Looks up the token tok[0..len) at time now (seconds since the epoch).
 * Returns 1 when it verified before and its exp is still after now,
 * copying its subject to sub (sublen bytes, NUL-terminated; sub may be
 * NULL); 0 otherwise (an expired entry is dropped).  The digests are
 * compared in constant time.
 */
int	tokcache_lookup(struct tokcache *c, const char *tok, size_t len,
	    int64_t now, char *sub, size_t sublen);

/*
 * Remembers that tok[0..len) verified with subject sub (NULL: none),
 * until exp (the token's exp claim, seconds since the epoch).  A token
 * whose exp is not after now, or whose subject is TOKCACHE_MAX_SUB bytes
 * or longer, is not stored.  Returns USERCGI_OK (stored or deliberately
 * not) or USERCGI_NOMEM; on an error the cache is unchanged and the
 * caller simply goes on uncached.
 */
enum usercgi_err tokcache_store(struct tokcache *c, const char *tok,
	    size_t len, int64_t exp, int64_t now, const char *sub);

/* Drops every entry (the JWKS changed). */
void	tokcache_flush(struct tokcache *c);

/* Number of live entries (tests). */
size_t	tokcache_count(struct tokcache *c);

#endif
