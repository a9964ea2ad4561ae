/*
 * cfg.h: configuration, read once per process at start.
 *
 * Sources, later ones win: built-in defaults; the key = value file named
 * by $USERCGI_CONFIG (default SYSCONFDIR/usercgi.conf; a missing default
 * file is not an error, a missing named file is); then USERCGI_<KEY> from
 * the process environment.  FastCGI request parameters never reach this.
 */
#ifndef USERCGI_CFG_H
#define USERCGI_CFG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define CFG_MAX_FILE	(64 * 1024)	/* config file size limit */
#define CFG_MAX_LINE	4096		/* one line, including the value */

struct cfg {
	char		*database;	/* SQLite file path */
	char		*database_group;	/* group (name or number) of a
					   new database, or NULL */
	int		 database_gid_set;	/* database_group given */
	gid_t		 database_gid;	/* its gid, when set */
	char		*database_symlink;	/* "refuse" (default) or "allow" */
	int		 database_symlink_ok;	/* database_symlink = allow */
	char		*jwks_file;	/* JWKS (public keys) path; with
					   jwks_uri the cache file */
	char		*jwks_uri;	/* URL, "discover", or NULL */
	char		*jwks_ca_file;	/* CA bundle for jwks_uri, or NULL */
	int64_t		 jwks_cooldown;	/* seconds, default 30 */
	int64_t		 jwks_max_age;	/* seconds, default 600 */
	int64_t		 jwks_expiry;	/* seconds past max age, default 86400 */
	char		*issuer;	/* required "iss" */
	char		*audience;	/* required "aud" member */
	char		*required_scope;	/* default "all" */
	size_t		 max_body_bytes;	/* default 1048576 */
	int		 require_exp;	/* default 1 */
	int64_t		 leeway;	/* seconds, default 0 */
	uint32_t	 argon2_t;	/* default 8 */
	uint32_t	 argon2_m;	/* KiB, default 8192 */
	uint32_t	 argon2_p;	/* default 1 */
	uint32_t	 digest_max_ms;	/* imported digests' CPU ceiling,
					   default PW_DIGEST_MAX_MS */
	uint32_t	 digest_max_mib;	/* and memory ceiling, default
					   PW_DIGEST_MAX_MIB */
	int		 busy_timeout_ms;	/* default 5000 */
	int		 idempotency_expiry;	/* seconds a key is kept, default 86400 */
	int		 idempotency_lease;	/* seconds a running request's claim
					   holds its key, default 60 */
	int		 password_expiration;	/* expiring passwords allowed, default 0 */
	unsigned long	 max_requests;	/* per process, 0 = unlimited */
	int		 threads;	/* FastCGI threads per process, default 16 */
	char		*hasher;	/* hasher program (FastCGI only); default
					   PKGLIBEXECDIR's, or the build
					   tree's for a program run from it */
	int		 hashers;	/* hasher processes per FastCGI worker,
					   default online CPUs; 0: none */
	char		*log_level;	/* err|warn|info|debug, default info */
	char		*fetch_module;	/* usercgi-fetch.so for jwks_uri, default
					   FETCH_MODULE_DEFAULT
					   (fetch_module.h), or the build
					   tree's for a program run from it */
	char		*phone_module;	/* default PHONE_MODULE_DEFAULT (phone.h),
					   or the build tree's module for a
					   program run from it */
	char		*pg_module;	/* usercgi-pg.so, the PostgreSQL store:
					   PKGLIBDIR's, or the build tree's
					   for a program run from it */
	char		*source;	/* the file that was read, or NULL */
};

/*
 * Loads the configuration into *c (which the caller later passes to
 * cfg_free).  Returns USERCGI_OK, or USERCGI_INTERNAL with a one-line
 * reason in errbuf (file unreadable, unknown key, bad number, missing
 * required key, unknown database_group, bad database_symlink).  environ is the process environment to read USERCGI_*
 * from (tests pass their own).
 */
enum usercgi_err cfg_load(struct cfg *c, char *const *environ_,
	    char *errbuf, size_t errlen);
void	cfg_free(struct cfg *c);

#endif
