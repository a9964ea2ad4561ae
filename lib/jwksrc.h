/*
 * jwksrc.h: the JWKS fetched from the issuer (jwks_uri), kept in a cache
 * file that every process of the host reads as its jwks_file.
 *
 * One struct jwksrc per process, shared by its threads.  A fetch (HTTP
 * GET by the libcurl module usercgi-fetch.so, loaded with dlopen() on
 * the first fetch of the process and only then, TLS verified, no redirect to another host, at most
 * JWKS_MAX_FILE bytes, a JWKS with at least one usable key) replaces the
 * cache file atomically (a temporary file, fsync, rename), with the
 * fetch time and the max age (Cache-Control: max-age, RFC 9111 §5.2.2.1)
 * in a "usercgi_cache" member that JWKS readers ignore (RFC 7517 §5).
 * Fetches are throttled across the processes of the host by the lock
 * file beside the cache (CACHE.lock: an fcntl lock, and the time of the
 * last attempt in its contents): at most one attempt per cooldown, except
 * those jwksrc_fetch is told to force (usercgi-admin jwks).
 */
#ifndef USERCGI_JWKSRC_H
#define USERCGI_JWKSRC_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define JWKSRC_MAX_URI		2048	/* jwks_uri and a discovered one */
#define JWKSRC_MIN_AGE		60	/* a response's max-age is bounded */
#define JWKSRC_MAX_AGE		86400	/* to [JWKSRC_MIN_AGE, JWKSRC_MAX_AGE] */
#define JWKSRC_DISCOVER		"discover"

struct jwksrc;

/* The settings (strings are copied by jwksrc_new). */
struct jwksrc_opts {
	const char	*uri;		/* an http(s) URL or JWKSRC_DISCOVER */
	const char	*issuer;	/* for discovery */
	const char	*cache;		/* the cache file (jwks_file) */
	const char	*ca_file;	/* PEM CA bundle, NULL: the system's */
	const char	*module;	/* usercgi-fetch.so, NULL: the
					   installed one (fetch_module.h) */
	int64_t		 cooldown;	/* seconds between attempts */
	int64_t		 max_age;	/* seconds, when the response says none */
	int64_t		 expiry;	/* seconds past max age the keys stay */
};

/* What the cache file says of itself. */
struct jwksrc_meta {
	int		 ok;		/* a usercgi_cache member was read */
	int64_t		 fetched;	/* seconds since the epoch */
	int64_t		 max_age;	/* seconds */
	char		 uri[JWKSRC_MAX_URI + 1];	/* fetched from */
};

/*
 * Creates the source.  Nothing is opened or fetched yet.  Returns
 * USERCGI_OK with *out (jwksrc_free), or USERCGI_NOMEM.
 */
enum usercgi_err jwksrc_new(const struct jwksrc_opts *o, struct jwksrc **out);
void	jwksrc_free(struct jwksrc *s);

/*
 * Checks a URL for fetching keys without loading the module: http or
 * https, no user name or password in it, plain http only to 127.0.0.1
 * or [::1].  Returns 0, or -1 with the reason in why.
 */
int	jwksrc_check_uri(const char *uri, char *why, size_t whylen);

/*
 * Checks the jwks_uri setting: JWKSRC_DISCOVER or a URL that
 * jwksrc_check_uri accepts, in a build with libcurl.  Returns 0, or -1
 * with the reason in why.
 */
int	jwksrc_check_setting(const char *v, char *why, size_t whylen);

/*
 * Reads the usercgi_cache member of the cache file's bytes into *m
 * (m->ok 0 when it has none or it is malformed).
 */
void	jwksrc_meta(const char *data, size_t len, struct jwksrc_meta *m);

/*
 * The times of a cache file's keys, from its metadata m (a file without
 * any counts as fetched at mtime, with the configured max age): fresh
 * until *fresh, usable until *expires.
 */
void	jwksrc_times(const struct jwksrc *s, const struct jwksrc_meta *m,
	    int64_t mtime, int64_t *fresh, int64_t *expires);

/*
 * Fetches the JWKS now and replaces the cache file, unless force is 0
 * and an attempt (by any process of the host) began less than a
 * cooldown before now: then nothing is done, and no file is touched when
 * this process knows of that attempt itself.  One fetch at a time on
 * the host: unless forced, a fetch already under way (in this process
 * or another) is not waited for but counts as the attempt.  Returns USERCGI_OK (the cache file is new),
 * USERCGI_BUSY (throttled), or USERCGI_UNAVAILABLE (the fetch failed:
 * one log line with the reason, the cache file as it was; why, when
 * whylen > 0, has the reason too).
 */
enum usercgi_err jwksrc_fetch(struct jwksrc *s, int force, int64_t now,
	    char *why, size_t whylen);

/*
 * A FastCGI worker's background refresh: a thread that fetches whenever
 * the cache file is missing or past its max age (read from the file when
 * it wakes), and retries a failed fetch a cooldown later.  jwksrc_start
 * returns USERCGI_OK or USERCGI_INTERNAL (no thread: logged);
 * jwksrc_stop wakes and joins it (no-op when none runs).
 */
enum usercgi_err jwksrc_start(struct jwksrc *s);
void	jwksrc_stop(struct jwksrc *s);

/*
 * Fetches when the cache file is missing, unusable or past its max age
 * (a worker's start, usercgi-admin).  Returns what jwksrc_fetch returns,
 * or USERCGI_OK when no fetch was due.
 */
enum usercgi_err jwksrc_refresh_due(struct jwksrc *s, int64_t now);

#endif
