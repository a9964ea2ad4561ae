/*
 * app.h: the application — routes a request to its handler and renders
 * every response, success or error.  The request flow, in order:
 *
 *   main.c -> server.c (CGI, or FastCGI threads) -> app_handle
 *     -> app_api_path (the API root in SCRIPT_NAME or PATH_INFO)
 *     -> app_handler (the table of route patterns) -> the handler
 *        (api.h: api_users.c, api_passwords.c, api_identities.c)
 *     -> app_etag (a 200 GET: ETag, 304 on If-None-Match) -> http_send;
 *   for POST /api/users (api_users_create):
 *     -> auth_check (bearer token, before any body byte is read)
 *     -> body intake (size, media type, strict JSON or form.c)
 *     -> user_parse_create (validation, create-user.md §2 checks 3-5)
 *     -> [store_find_conflict (checks 6-8) before hashing a password]
 *     -> pw_check_import (9) -> phone_normalize (10)
 *        -> user_check_lengths (11); a failure here still lets checks
 *        6-8 speak first
 *     -> pw_hash -> store_user_insert (UNIQUE constraints: 6-8, 12)
 *     -> user_render
 */
#ifndef USERCGI_APP_H
#define USERCGI_APP_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "cfg.h"
#include "http.h"
#include "store.h"

struct app_idem;
struct auth;
struct jwksrc;
struct tokcache;

struct app {
	struct cfg	 cfg;		/* owned; read once at start */
	struct auth	*auth;		/* created on first use */
	struct store	*store;		/* opened on first use */
	unsigned long	 nreq;		/* number of the current request */
	atomic_ulong	*nreq_shared;	/* not owned: the process's count when
					   threads share it, or NULL */
	struct store_group *group;	/* not owned: group commit, or NULL */
	struct tokcache	*tokens;	/* the process's verified tokens (not owned), or NULL */
	struct jwksrc	*jwksrc;	/* jwks_uri's source, or NULL: the
					   process's (not owned) when set
					   before the first request */
	int		 jwksrc_owned;	/* created here (CGI): app_free frees it */
	char		*docroot;	/* last DOCUMENT_ROOT checked ("": none) */
	dev_t		 db_dev;	/* and the database path's lstat then */
	ino_t		 db_ino;
	mode_t		 db_mode;	/* 0: it did not exist */
	char		 logid[STORE_ID_LEN + 1];	/* user the request
					   created, for its log line, or "" */
	int		 docroot_exposed;	/* database lies under it, or
					   is a symlink that is refused */
	struct app_idem	*idem;		/* the request's Idempotency-Key,
					   or NULL (app_handle's) */
};

/*
 * Loads the configuration from env into a.  Returns USERCGI_OK, or an
 * error with a one-line reason in errbuf.  Nothing else is opened yet.
 */
enum usercgi_err app_init(struct app *a, char *const *env, char *errbuf,
	    size_t errlen);
/*
 * Checks that the database and its directory are writable, not under
 * DOCUMENT_ROOT and not a symlink (unless database_symlink = allow), then loads the JWKS and opens the database now instead
 * of on first use (a FastCGI worker does this at start).  Returns
 * USERCGI_OK, or USERCGI_UNAVAILABLE when the placement is wrong (the
 * worker refuses to start).  A JWKS or database that cannot be opened
 * now is logged and tried again by the first request that needs it.
 * A PostgreSQL database has no placement to check, and only the first
 * app warmed in the process connects now (the others on first use).
 */
enum usercgi_err app_warm(struct app *a);
void	app_free(struct app *a);

/*
 * The jwks_uri source of configuration c (jwksrc.h), into *out: NULL
 * when c has no jwks_uri.  Returns USERCGI_OK or USERCGI_NOMEM.
 */
enum usercgi_err app_jwksrc_new(const struct cfg *c, struct jwksrc **out);

/*
 * Handles one request completely: reads what it needs of the body, writes
 * the response, logs one line.  Returns the HTTP status sent.
 */
int	app_handle(struct app *a, struct http_req *rq);

/* Current time in milliseconds since the epoch. */
int64_t	app_now_ms(void);

#endif
