/*
 * auth.c: the Authorization header (RFC 6750 §2.1) checked against the
 * configured JWKS, which is loaded once per process and reloaded when the
 * file changes (bearer-tokens.md rule 8).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "auth.h"
#include "buf.h"
#include "jwks.h"
#include "jwt.h"
#include "log.h"
#include "tokcache.h"

#define AUTH_STAT_EVERY		1	/* seconds between stat() calls */
#define AUTH_KID_RELOAD_EVERY	5	/* seconds between unknown-kid reloads */

/* The identity of the file a key set was read from. */
struct auth_fileid {
	int		 ok;		/* stat() succeeded */
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
};

struct auth {
	char			*path;
	char			*issuer, *audience, *scope;
	struct jwt_policy	 pol;
	struct jwks		*keys;		/* NULL while unusable */
	struct auth_fileid	 id;		/* of the file keys came from */
	int			 tried;		/* a load was attempted */
	int64_t			 last_stat;
	int64_t			 last_kid_reload;
	int			 kid_reloaded;	/* last_kid_reload is set */
	struct tokcache		*cache;		/* verified tokens (not owned), or NULL */
};

/* Returns the identity of path now (ok 0 when stat fails). */
static struct auth_fileid
auth_fileid(const char *path)
{
	struct auth_fileid	 id;
	struct stat		 st;

	memset(&id, 0, sizeof(id));
	if (path == NULL || stat(path, &st) == -1)
		return id;
	id.ok = 1;
	id.dev = st.st_dev;
	id.ino = st.st_ino;
	id.size = st.st_size;
	id.mtime = st.st_mtim;
	return id;
}

static int
auth_fileid_eq(const struct auth_fileid *a, const struct auth_fileid *b)
{
	return a->ok == b->ok && a->dev == b->dev && a->ino == b->ino &&
	    a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/*
 * (Re)reads the JWKS file, whose identity before reading was id.  A file
 * that is missing or unusable drops the old keys (fail closed: every token
 * then gets 401 until the file is fixed).  Returns USERCGI_OK or
 * USERCGI_NOMEM.
 */
static enum usercgi_err
auth_load(struct auth *a, const struct auth_fileid *id)
{
	struct jwks		*k = NULL;
	enum usercgi_err	 rc;
	int			 reload = a->tried;

	a->tried = 1;
	a->id = *id;
	rc = jwks_load_file(a->path, &k);
	if (rc == USERCGI_NOMEM)
		return rc;
	/* Tokens verified with the old keys must be verified again. */
	tokcache_flush(a->cache);
	jwks_free(a->keys);
	a->keys = NULL;
	if (rc != USERCGI_OK) {
		log_err("auth: JWKS %s unusable; every token is refused until "
		    "it is fixed", a->path != NULL ? a->path : "(none)");
		return USERCGI_OK;
	}
	a->keys = k;
	/* Every CGI process loads once: only a re-read is worth a line. */
	log_msg(reload ? LOG_LVL_INFO : LOG_LVL_DEBUG,
	    "auth: JWKS %s %s, %zu usable keys", a->path,
	    reload ? "re-read" : "loaded", jwks_count(k));
	return USERCGI_OK;
}

/* Re-reads the file when it changed; stat()s at most once a second. */
static enum usercgi_err
auth_refresh(struct auth *a, int64_t now)
{
	struct auth_fileid	 id;

	if (a->tried && now >= a->last_stat &&
	    now - a->last_stat < AUTH_STAT_EVERY)
		return USERCGI_OK;
	a->last_stat = now;
	id = auth_fileid(a->path);
	if (a->tried && auth_fileid_eq(&id, &a->id))
		return USERCGI_OK;
	return auth_load(a, &id);
}

enum usercgi_err
auth_new(const char *jwks_file, const struct jwt_policy *pol,
    struct auth **out)
{
	struct auth		*a;
	struct auth_fileid	 id;
	enum usercgi_err	 rc = USERCGI_NOMEM;

	*out = NULL;
	if ((a = xcalloc(1, sizeof(*a))) == NULL)
		return USERCGI_NOMEM;
	if ((jwks_file != NULL && (a->path = xstrdup(jwks_file)) == NULL) ||
	    (pol->issuer != NULL && (a->issuer = xstrdup(pol->issuer)) == NULL) ||
	    (pol->audience != NULL &&
	    (a->audience = xstrdup(pol->audience)) == NULL) ||
	    (pol->scope != NULL && (a->scope = xstrdup(pol->scope)) == NULL))
		goto out;
	a->pol = *pol;
	a->pol.issuer = a->issuer;
	a->pol.audience = a->audience;
	a->pol.scope = a->scope;
	id = auth_fileid(a->path);
	if ((rc = auth_load(a, &id)) != USERCGI_OK)
		goto out;
	*out = a;
	a = NULL;
out:
	auth_free(a);
	return rc;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	jwks_free(a->keys);
	free(a->path);
	free(a->issuer);
	free(a->audience);
	free(a->scope);
	free(a);
}

/*
 * RFC 6750 §2.1 with Logto's reading: an absent or empty header is
 * "missing"; a value not starting with "Bearer" (case-sensitive) is the
 * wrong type; anything else is a token to verify, so "Bearer" with no
 * token is simply an invalid one.
 */
void
auth_use_cache(struct auth *a, struct tokcache *c)
{
	a->cache = c;
}

enum usercgi_err
auth_check(struct auth *a, const char *header, int64_t now,
    enum jwt_fail *fail)
{
	static const char	 scheme[] = "Bearer";
	struct auth_fileid	 id;
	const char		*tok;
	size_t			 len;
	enum usercgi_err	 rc;
	int64_t			 exp = -1;
	int			 need_reload = 0;

	*fail = JWT_FAIL_NONE;
	if (header == NULL || *header == '\0')
		return USERCGI_AUTH_MISSING;
	if (strncmp(header, scheme, sizeof(scheme) - 1) != 0)
		return USERCGI_AUTH_TYPE;
	tok = header + sizeof(scheme) - 1;
	if (*tok != ' ') {
		log_info("auth: token refused (JWSInvalid): no token after "
		    "\"Bearer \"");
		*fail = JWT_FAIL_JWS_INVALID;
		return USERCGI_UNAUTH;
	}
	tok++;
	len = strnlen(tok, JWT_MAX_TOKEN + 1);
	if ((rc = auth_refresh(a, now)) != USERCGI_OK)
		return rc;
	if (tokcache_lookup(a->cache, tok, len, now, NULL, 0))
		return USERCGI_OK;
	rc = jwt_verify(a->keys, tok, len, &a->pol, now, NULL, 0, fail,
	    &need_reload, &exp);
	if (rc == USERCGI_UNAUTH && need_reload) {
		/* Rule 8: an unknown kid may be a rotated key; re-read once. */
		if (a->kid_reloaded && now >= a->last_kid_reload &&
		    now - a->last_kid_reload < AUTH_KID_RELOAD_EVERY)
			return rc;
		a->kid_reloaded = 1;
		a->last_kid_reload = now;
		id = auth_fileid(a->path);
		if ((rc = auth_load(a, &id)) != USERCGI_OK)
			return rc;
		rc = jwt_verify(a->keys, tok, len, &a->pol, now, NULL, 0, fail,
		    &need_reload, &exp);
	}
	/* A token without exp is verified every time. */
	if (rc == USERCGI_OK && exp >= 0)
		(void)tokcache_store(a->cache, tok, len, exp, now, "");
	return rc;
}
