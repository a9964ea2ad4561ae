/*
 * test_tokcache.c: the verified-token cache (lib/tokcache.c): hits and
 * misses by exact token bytes, expiry at exp and never beyond, the
 * bound and oldest-first eviction, flush, and the refusals.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "tokcache.h"

/* One thread of the sharing test: stores and finds its own tokens. */
static void *
hammer(void *arg)
{
	struct tokcache	*c = arg;
	char		 tok[64];
	size_t		 i;
	long		 misses = 0;

	for (i = 0; i < 2000; i++) {
		(void)snprintf(tok, sizeof(tok), "t-%p-%zu", (void *)&tok, i % 8);
		(void)tokcache_store(c, tok, strlen(tok), 100, 1, "s");
		if (!tokcache_lookup(c, tok, strlen(tok), 1, NULL, 0))
			misses++;
		if (i % 500 == 0)
			tokcache_flush(c);
	}
	return (void *)misses;
}

static const char	tokA[] = "eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJhIn0.sigA";
static const char	tokB[] = "eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJiIn0.sigB";

int
main(void)
{
	struct tokcache	*c;
	char		 sub[64], tok[32], name[80], longsub[300];
	size_t		 i;
	int		 all;

	tap_ok(tokcache_new(0) == NULL, "max 0 refused");
	tap_ok(tokcache_new(65537) == NULL, "max over 65536 refused");
	c = tokcache_new(4);
	tap_ok(c != NULL, "new(4)");
	tap_int(tokcache_lookup(c, tokA, strlen(tokA), 100, sub, sizeof(sub)),
	    0, "empty cache: miss");
	tap_str(sub, "", "miss leaves sub empty");
	tap_int(tokcache_count(c), 0, "empty count");

	tap_int(tokcache_store(c, tokA, strlen(tokA), 200, 100, "user-a"),
	    USERCGI_OK, "store A");
	tap_int(tokcache_lookup(c, tokA, strlen(tokA), 100, sub, sizeof(sub)),
	    1, "A hits");
	tap_str(sub, "user-a", "A's subject");
	tap_int(tokcache_lookup(c, tokA, strlen(tokA), 100, NULL, 0), 1,
	    "A hits without a subject buffer");
	tap_int(tokcache_lookup(c, tokB, strlen(tokB), 100, sub, sizeof(sub)),
	    0, "B misses");
	tap_int(tokcache_lookup(c, tokA, strlen(tokA) - 1, 100, sub,
	    sizeof(sub)), 0, "A minus its last byte misses");
	tap_int(tokcache_lookup(c, "eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJhIn0.sigB",
	    strlen(tokA), 100, sub, sizeof(sub)), 0,
	    "A with its last byte changed misses");
	tap_int(tokcache_lookup(c, tokA, strlen(tokA), 100, sub, 6), 0,
	    "subject buffer one byte short: miss");
	tap_int(tokcache_lookup(c, tokA, strlen(tokA), 100, sub, 7), 1,
	    "subject buffer exactly long enough: hit");

	/* Expiry: valid while now < exp, dropped at exp. */
	tap_int(tokcache_lookup(c, tokA, strlen(tokA), 199, NULL, 0), 1,
	    "A hits one second before exp");
	tap_int(tokcache_lookup(c, tokA, strlen(tokA), 200, NULL, 0), 0,
	    "A misses at exp");
	tap_int(tokcache_count(c), 0, "expired entry dropped");
	tap_int(tokcache_lookup(c, tokA, strlen(tokA), 150, NULL, 0), 0,
	    "dropped entry stays dropped (clock going back)");
	tap_int(tokcache_store(c, tokA, strlen(tokA), 100, 100, "user-a"),
	    USERCGI_OK, "store with exp == now: accepted, not kept");
	tap_int(tokcache_count(c), 0, "exp == now not kept");
	tap_int(tokcache_store(c, tokA, strlen(tokA), 50, 100, "user-a"),
	    USERCGI_OK, "store with exp in the past: not kept");
	tap_int(tokcache_count(c), 0, "past exp not kept");

	/* Refresh in place: one entry per token. */
	tap_int(tokcache_store(c, tokA, strlen(tokA), 300, 100, "user-a"),
	    USERCGI_OK, "store A again");
	tap_int(tokcache_store(c, tokA, strlen(tokA), 400, 100, "user-a2"),
	    USERCGI_OK, "store A with a later exp");
	tap_int(tokcache_count(c), 1, "one entry for A");
	tap_int(tokcache_lookup(c, tokA, strlen(tokA), 350, sub, sizeof(sub)),
	    1, "A hits after its first exp");
	tap_str(sub, "user-a2", "A's newer subject");
	tap_int(tokcache_store(c, tokB, strlen(tokB), 400, 100, NULL),
	    USERCGI_OK, "store B without a subject");
	tap_int(tokcache_lookup(c, tokB, strlen(tokB), 100, sub, sizeof(sub)),
	    1, "B hits");
	tap_str(sub, "", "B's subject is empty");

	/* Subjects too long are not cached. */
	memset(longsub, 's', sizeof(longsub) - 1);
	longsub[sizeof(longsub) - 1] = '\0';
	longsub[TOKCACHE_MAX_SUB] = '\0';
	tap_int(tokcache_store(c, "long", 4, 400, 100, longsub), USERCGI_OK,
	    "256-byte subject: accepted");
	tap_int(tokcache_lookup(c, "long", 4, 100, NULL, 0), 0,
	    "256-byte subject: not kept");
	longsub[TOKCACHE_MAX_SUB - 1] = '\0';
	tap_int(tokcache_store(c, "long", 4, 400, 100, longsub), USERCGI_OK,
	    "255-byte subject stored");
	tap_int(tokcache_lookup(c, "long", 4, 100, NULL, 0), 1,
	    "255-byte subject hits");

	/* Bound: 4 entries, the oldest goes first. */
	tap_int(tokcache_count(c), 3, "A, B, long");
	tap_int(tokcache_store(c, "t4", 2, 400, 100, "4"), USERCGI_OK,
	    "store a fourth");
	tap_int(tokcache_count(c), 4, "full");
	tap_int(tokcache_store(c, "t5", 2, 400, 100, "5"), USERCGI_OK,
	    "store a fifth");
	tap_int(tokcache_count(c), 4, "still 4 entries");
	tap_int(tokcache_lookup(c, tokA, strlen(tokA), 100, NULL, 0), 0,
	    "oldest (A) evicted");
	tap_int(tokcache_lookup(c, tokB, strlen(tokB), 100, NULL, 0), 1,
	    "B kept");
	tap_int(tokcache_lookup(c, "t5", 2, 100, sub, sizeof(sub)), 1,
	    "newest hits");
	tap_str(sub, "5", "newest subject");

	/* Flush. */
	tokcache_flush(c);
	tap_int(tokcache_count(c), 0, "flush empties");
	tap_int(tokcache_lookup(c, tokB, strlen(tokB), 100, NULL, 0), 0,
	    "B misses after flush");
	tap_int(tokcache_store(c, tokB, strlen(tokB), 400, 100, "b"),
	    USERCGI_OK, "store after flush");
	tap_int(tokcache_lookup(c, tokB, strlen(tokB), 100, NULL, 0), 1,
	    "hit after flush and store");
	tokcache_free(c);

	/* The default size: 256 distinct tokens all kept, the 257th evicts. */
	c = tokcache_new(TOKCACHE_DEFAULT_MAX);
	for (i = 0; i < TOKCACHE_DEFAULT_MAX; i++) {
		(void)snprintf(tok, sizeof(tok), "token-%zu", i);
		(void)tokcache_store(c, tok, strlen(tok), 1000, 0, "s");
	}
	tap_int(tokcache_count(c), TOKCACHE_DEFAULT_MAX, "256 entries");
	for (all = 1, i = 0; i < TOKCACHE_DEFAULT_MAX; i++) {
		(void)snprintf(tok, sizeof(tok), "token-%zu", i);
		all &= tokcache_lookup(c, tok, strlen(tok), 1, NULL, 0);
	}
	tap_ok(all, "every one of 256 hits");
	(void)tokcache_store(c, "token-256", 9, 1000, 0, "s");
	tap_int(tokcache_lookup(c, "token-0", 7, 1, NULL, 0), 0,
	    "257th evicts token-0");
	(void)snprintf(name, sizeof(name), "token-1 kept");
	tap_int(tokcache_lookup(c, "token-1", 7, 1, NULL, 0), 1, name);
	tokcache_free(c);

	/* One cache shared by the threads of a process. */
	{
		pthread_t	th[4];
		void		*miss;
		long		 total = 0;
		int		 k, started = 0;

		c = tokcache_new(64);
		for (k = 0; k < 4; k++)
			if (pthread_create(&th[k], NULL, hammer, c) == 0)
				started++;
		for (k = 0; k < started; k++) {
			(void)pthread_join(th[k], &miss);
			total += (long)miss;
		}
		tap_int(started, 4, "4 threads share one cache");
		tap_ok(tokcache_count(c) <= 64, "never more than max entries");
		tap_ok(total < 4 * 2000, "threads find what they stored");
		tokcache_free(c);
	}

	/* NULL tolerance. */
	tokcache_free(NULL);
	tokcache_flush(NULL);
	tap_int(tokcache_lookup(NULL, tokA, strlen(tokA), 1, sub, sizeof(sub)),
	    0, "NULL cache misses");
	tap_int(tokcache_store(NULL, tokA, strlen(tokA), 9, 1, NULL),
	    USERCGI_OK, "NULL cache: store is a no-op");
	return tap_done();
}
