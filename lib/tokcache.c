/*
 * tokcache.c: the verified-token cache (tokcache.h).  A ring of entries
 * in insertion order: a new entry takes the slot after the newest, which
 * is the oldest once the ring is full.  Lookups scan every live entry
 * with sodium_memcmp, so their time does not depend on how much of a
 * digest matched.  SHA-256 is libsodium's, as for the database's token
 * keys (auth.c).
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "log.h"
#include "tokcache.h"

#define TOKCACHE_DIGEST	32	/* SHA-256 */
#define TOKCACHE_MAX	65536

struct tokcache_entry {
	unsigned char	 digest[TOKCACHE_DIGEST];
	int64_t		 exp;		/* valid while now < exp */
	char		*sub;		/* owned, or NULL */
	int		 used;
};

struct tokcache {
	struct tokcache_entry	*e;	/* max entries, allocated on first store */
	size_t			 max;
	size_t			 next;	/* slot the next store takes */
	pthread_mutex_t		 mu;	/* guards e and next: threads share c */
};

struct tokcache *
tokcache_new(size_t max)
{
	struct tokcache	*c;

	if (max == 0 || max > TOKCACHE_MAX)
		return NULL;
	if (sodium_init() < 0) {
		log_err("tokcache: SHA-256 unavailable (sodium_init failed)");
		return NULL;
	}
	if ((c = xcalloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->max = max;
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

/* Empties slot e (frees its subject). */
static void
tokcache_clear(struct tokcache_entry *e)
{
	free(e->sub);
	memset(e, 0, sizeof(*e));
}

void
tokcache_flush(struct tokcache *c)
{
	size_t	i;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	if (c->e != NULL)
		for (i = 0; i < c->max; i++)
			tokcache_clear(&c->e[i]);
	c->next = 0;
	pthread_mutex_unlock(&c->mu);
}

void
tokcache_free(struct tokcache *c)
{
	if (c == NULL)
		return;
	tokcache_flush(c);
	free(c->e);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

size_t
tokcache_count(struct tokcache *c)
{
	size_t	i, n = 0;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->mu);
	if (c->e != NULL)
		for (i = 0; i < c->max; i++)
			n += c->e[i].used != 0;
	pthread_mutex_unlock(&c->mu);
	return n;
}

/* SHA-256 of tok[0..len) into d (tokcache_new initialised libsodium). */
static void
tokcache_digest(const char *tok, size_t len, unsigned char d[TOKCACHE_DIGEST])
{
	(void)crypto_hash_sha256(d, (const unsigned char *)tok, len);
}

/*
 * Returns the live slot holding digest d, or NULL.  Every live slot is
 * compared, in constant time each.
 */
static struct tokcache_entry *
tokcache_find(struct tokcache *c, const unsigned char d[TOKCACHE_DIGEST])
{
	struct tokcache_entry	*hit = NULL;
	size_t			 i;

	if (c->e == NULL)
		return NULL;
	for (i = 0; i < c->max; i++)
		if (c->e[i].used &&
		    sodium_memcmp(c->e[i].digest, d, TOKCACHE_DIGEST) == 0)
			hit = &c->e[i];
	return hit;
}

int
tokcache_lookup(struct tokcache *c, const char *tok, size_t len, int64_t now,
    char *sub, size_t sublen)
{
	struct tokcache_entry	*e;
	unsigned char		 d[TOKCACHE_DIGEST];
	int			 hit = 0;

	if (sub != NULL && sublen > 0)
		sub[0] = '\0';
	if (c == NULL || tok == NULL)
		return 0;
	tokcache_digest(tok, len, d);
	pthread_mutex_lock(&c->mu);
	if ((e = tokcache_find(c, d)) == NULL)
		goto out;
	if (now >= e->exp) {
		tokcache_clear(e);
		goto out;
	}
	if (sub != NULL && sublen > 0) {
		if (e->sub == NULL)
			sub[0] = '\0';
		else if (strlen(e->sub) >= sublen)
			goto out;
		else
			memcpy(sub, e->sub, strlen(e->sub) + 1);
	}
	hit = 1;
out:
	pthread_mutex_unlock(&c->mu);
	return hit;
}

enum usercgi_err
tokcache_store(struct tokcache *c, const char *tok, size_t len, int64_t exp,
    int64_t now, const char *sub)
{
	struct tokcache_entry	*e;
	unsigned char		 d[TOKCACHE_DIGEST];
	char			*dup = NULL;
	enum usercgi_err	 rc = USERCGI_OK;

	if (c == NULL || tok == NULL || exp <= now ||
	    (sub != NULL && strnlen(sub, TOKCACHE_MAX_SUB) >= TOKCACHE_MAX_SUB))
		return USERCGI_OK;
	tokcache_digest(tok, len, d);
	if (sub != NULL && (dup = xstrdup(sub)) == NULL)
		return USERCGI_NOMEM;
	pthread_mutex_lock(&c->mu);
	if (c->e == NULL && (c->e = xcalloc(c->max, sizeof(*c->e))) == NULL) {
		free(dup);
		rc = USERCGI_NOMEM;
		goto out;
	}
	if ((e = tokcache_find(c, d)) == NULL) {
		e = &c->e[c->next];
		c->next = (c->next + 1) % c->max;
	}
	tokcache_clear(e);
	memcpy(e->digest, d, sizeof(d));
	e->exp = exp;
	e->sub = dup;
	e->used = 1;
out:
	pthread_mutex_unlock(&c->mu);
	return rc;
}
