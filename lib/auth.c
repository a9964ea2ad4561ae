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

#include <sodium.h>

#include "auth.h"
#include "b64.h"
#include "buf.h"
#include "json.h"
#include "jwks.h"
#include "jwksrc.h"
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
	unsigned char		 jwks_sha[AUTH_KEY_LEN];	/* of the file keys came from */
	int			 jwks_sha_ok;	/* jwks_sha is set */
	struct jwksrc		*src;		/* jwks_uri (not owned), or NULL */
	int			 src_inline;	/* fetch a stale cache here (CGI) */
	int64_t			 fresh;		/* with src: the keys' max age */
	int64_t			 expires;	/* and their hard expiry */
};

/*
 * SHA-256 of d[0..len) into out (libsodium: no OpenSSL initialisation).
 * Returns 0, or -1 when libsodium cannot be initialised (logged).
 */
static int
auth_sha256(const void *d, size_t len, unsigned char out[AUTH_KEY_LEN])
{
	if (sodium_init() < 0) {
		log_err("auth: sodium_init failed");
		return -1;
	}
	(void)crypto_hash_sha256(out, d, len);
	return 0;
}

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
	char			*data = NULL;
	size_t			 len = 0;
	struct jwksrc_meta	 m;
	enum usercgi_err	 rc;
	int			 reload = a->tried;

	a->tried = 1;
	a->id = *id;
	rc = jwks_read_file(a->path, LOG_LVL_ERR, &data, &len);
	if (rc == USERCGI_OK)
		rc = jwks_load_mem(data, len, &k);
	if (rc == USERCGI_NOMEM)
		goto out;
	/* Tokens verified with the old keys must be verified again. */
	tokcache_flush(a->cache);
	jwks_free(a->keys);
	a->keys = NULL;
	a->jwks_sha_ok = 0;
	if (rc != USERCGI_OK) {
		log_err("auth: JWKS %s unusable; every token is refused until "
		    "it is fixed", a->path != NULL ? a->path : "(none)");
		rc = USERCGI_OK;
		goto out;
	}
	a->keys = k;
	a->jwks_sha_ok = auth_sha256(data, len, a->jwks_sha) == 0;
	if (a->src != NULL) {
		jwksrc_meta(data, len, &m);
		jwksrc_times(a->src, &m, (int64_t)id->mtime.tv_sec, &a->fresh,
		    &a->expires);
	}
	/* Every CGI process loads once: only a re-read is worth a line. */
	log_msg(reload ? LOG_LVL_INFO : LOG_LVL_DEBUG,
	    "auth: JWKS %s %s, %zu usable keys", a->path,
	    reload ? "re-read" : "loaded", jwks_count(k));
out:
	free(data);
	return rc;
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
	return auth_new_source(jwks_file, pol, NULL, 0, out);
}

enum usercgi_err
auth_new_source(const char *jwks_file, const struct jwt_policy *pol,
    struct jwksrc *src, int fetch_stale, struct auth **out)
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
	a->src = src;
	a->src_inline = fetch_stale;
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

void
auth_use_cache(struct auth *a, struct tokcache *c)
{
	a->cache = c;
}

/*
 * With jwks_uri: fetches (jwksrc_fetch, throttled) in a process that
 * fetches a stale cache itself, when there are no keys or they are past
 * their max age, and re-reads the cache file after a
 * fetch; then drops keys past their hard expiry (logged each time they
 * are loaded).  Returns USERCGI_OK or USERCGI_NOMEM.
 */
static enum usercgi_err
auth_source(struct auth *a, int64_t now)
{
	struct auth_fileid	 id;
	enum usercgi_err	 rc;

	if (a->src == NULL)
		return USERCGI_OK;
	if (a->src_inline && (a->keys == NULL || now >= a->fresh) &&
	    jwksrc_fetch(a->src, 0, now, NULL, 0) == USERCGI_OK) {
		id = auth_fileid(a->path);
		if ((rc = auth_load(a, &id)) != USERCGI_OK)
			return rc;
	}
	if (a->keys != NULL && now >= a->expires) {
		log_err("auth: the keys in %s expired %lld s ago (jwks_expiry "
		    "past their max age) and no fetch succeeded: every token "
		    "is refused until one does", a->path,
		    (long long)(now - a->expires));
		tokcache_flush(a->cache);
		jwks_free(a->keys);
		a->keys = NULL;
		a->jwks_sha_ok = 0;
	}
	return USERCGI_OK;
}

/*
 * RFC 6750 §2.1 with Logto's reading: an absent or empty header is
 * "missing"; a value not starting with "Bearer" (case-sensitive) is the
 * wrong type; anything else is a token to verify, so "Bearer" with no
 * token is simply an invalid one.
 */
enum usercgi_err
auth_bearer(const char *header, const char **tok, size_t *len)
{
	static const char	 scheme[] = "Bearer";

	*tok = NULL;
	*len = 0;
	if (header == NULL || *header == '\0')
		return USERCGI_AUTH_MISSING;
	if (strncmp(header, scheme, sizeof(scheme) - 1) != 0)
		return USERCGI_AUTH_TYPE;
	if (header[sizeof(scheme) - 1] != ' ')
		return USERCGI_UNAUTH;
	*tok = header + sizeof(scheme);
	*len = strnlen(*tok, JWT_MAX_TOKEN + 1);
	return USERCGI_OK;
}

enum usercgi_err
auth_jwks_digest(const char *path, unsigned char d[AUTH_KEY_LEN],
    struct jwksrc_meta *m)
{
	char			*data = NULL;
	size_t			 len = 0;
	enum usercgi_err	 rc;

	if ((rc = jwks_read_file(path, LOG_LVL_DEBUG, &data, &len)) !=
	    USERCGI_OK)
		goto out;
	if (auth_sha256(data, len, d) == -1)
		rc = USERCGI_INTERNAL;
	if (m != NULL)
		jwksrc_meta(data, len, m);
out:
	free(data);
	return rc;
}

/* Feeds n as 8 bytes, most significant first. */
static void
auth_key_u64(crypto_hash_sha256_state *st, uint64_t n)
{
	unsigned char	 b[8];
	int		 i;

	for (i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(n & 0xff);
		n >>= 8;
	}
	(void)crypto_hash_sha256_update(st, b, sizeof(b));
}

/* Feeds a string as presence, length, bytes: NULL and "" differ. */
static void
auth_key_str(crypto_hash_sha256_state *st, const char *v, size_t len)
{
	unsigned char	 present = v != NULL;

	(void)crypto_hash_sha256_update(st, &present, 1);
	if (v == NULL)
		return;
	auth_key_u64(st, len);
	(void)crypto_hash_sha256_update(st, (const unsigned char *)v, len);
}

enum usercgi_err
auth_token_key(const unsigned char jwks_sha[AUTH_KEY_LEN],
    const struct jwt_policy *pol, const char *tok, size_t len,
    unsigned char key[AUTH_KEY_LEN])
{
	static const char		 label[] = "usercgi verified token v1";
	crypto_hash_sha256_state	 st;
	unsigned char			 flag = pol->require_exp != 0;

	if (sodium_init() < 0) {
		log_err("auth: sodium_init failed");
		return USERCGI_INTERNAL;
	}
	(void)crypto_hash_sha256_init(&st);
	auth_key_str(&st, label, sizeof(label) - 1);
	(void)crypto_hash_sha256_update(&st, jwks_sha, AUTH_KEY_LEN);
	auth_key_str(&st, pol->issuer,
	    pol->issuer != NULL ? strlen(pol->issuer) : 0);
	auth_key_str(&st, pol->audience,
	    pol->audience != NULL ? strlen(pol->audience) : 0);
	auth_key_str(&st, pol->scope,
	    pol->scope != NULL ? strlen(pol->scope) : 0);
	(void)crypto_hash_sha256_update(&st, &flag, 1);
	auth_key_u64(&st, (uint64_t)pol->leeway);
	auth_key_str(&st, tok, len);
	(void)crypto_hash_sha256_final(&st, key);
	sodium_memzero(&st, sizeof(st));
	return USERCGI_OK;
}

enum usercgi_err
auth_check(struct auth *a, const char *header, int64_t now,
    enum jwt_fail *fail)
{
	return auth_check_key(a, header, now, fail, NULL, NULL);
}

enum usercgi_err
auth_check_key(struct auth *a, const char *header, int64_t now,
    enum jwt_fail *fail, unsigned char key[AUTH_KEY_LEN], int64_t *keyexp)
{
	struct auth_fileid	 id;
	const char		*tok;
	size_t			 len;
	enum usercgi_err	 rc;
	int64_t			 exp = -1;
	int			 need_reload = 0, fetched;

	*fail = JWT_FAIL_NONE;
	if (keyexp != NULL)
		*keyexp = -1;
	if ((rc = auth_bearer(header, &tok, &len)) == USERCGI_UNAUTH) {
		log_info("auth: token refused (JWSInvalid): no token after "
		    "\"Bearer \"");
		*fail = JWT_FAIL_JWS_INVALID;
		return rc;
	} else if (rc != USERCGI_OK)
		return rc;
	if ((rc = auth_refresh(a, now)) != USERCGI_OK ||
	    (rc = auth_source(a, now)) != USERCGI_OK)
		return rc;
	if (tokcache_lookup(a->cache, tok, len, now, NULL, 0))
		return USERCGI_OK;
	rc = jwt_verify(a->keys, tok, len, &a->pol, now, NULL, 0, fail,
	    &need_reload, &exp);
	if (rc == USERCGI_UNAUTH && need_reload) {
		/*
		 * An unknown kid may be a rotated key: fetched now, for every
		 * process, or else (Rule 8) the file re-read, at most once per
		 * AUTH_KID_RELOAD_EVERY.
		 */
		fetched = a->src != NULL &&
		    jwksrc_fetch(a->src, 0, now, NULL, 0) == USERCGI_OK;
		if (!fetched) {
			if (a->kid_reloaded && now >= a->last_kid_reload &&
			    now - a->last_kid_reload < AUTH_KID_RELOAD_EVERY)
				return rc;
			a->kid_reloaded = 1;
			a->last_kid_reload = now;
		}
		id = auth_fileid(a->path);
		if ((rc = auth_load(a, &id)) != USERCGI_OK ||
		    (rc = auth_source(a, now)) != USERCGI_OK)
			return rc;
		rc = jwt_verify(a->keys, tok, len, &a->pol, now, NULL, 0, fail,
		    &need_reload, &exp);
	}
	/* A token without exp is verified every time. */
	if (rc != USERCGI_OK || exp < 0)
		return rc;
	(void)tokcache_store(a->cache, tok, len, exp, now, "");
	/* The keys it verified with are those of the last load. */
	if (key != NULL && keyexp != NULL && a->jwks_sha_ok &&
	    auth_token_key(a->jwks_sha, &a->pol, tok, len, key) == USERCGI_OK)
		*keyexp = exp;
	return rc;
}

/* JSON nesting of a payload auth_token_sub reads: jwt.c's JWT_MAX_DEPTH. */
#define AUTH_SUB_DEPTH	16

/*
 * The payload of the token in an Authorization header, parsed, not
 * verified (auth_token_sub).  Returns USERCGI_OK with *c a JSON object
 * (caller puts), USERCGI_UNAUTH or USERCGI_NOMEM.
 */
static enum usercgi_err
auth_payload(const char *header, struct json_object **c)
{
	unsigned char		*payload = NULL;
	const char		*tok, *p1, *p2;
	size_t			 len, n, cap;
	char			 msg[64];
	enum usercgi_err	 rc;

	*c = NULL;
	if ((rc = auth_bearer(header, &tok, &len)) != USERCGI_OK)
		return USERCGI_UNAUTH;
	if (len > JWT_MAX_TOKEN || (p1 = memchr(tok, '.', len)) == NULL ||
	    (p2 = memchr(p1 + 1, '.', len - (size_t)(p1 + 1 - tok))) == NULL)
		return USERCGI_UNAUTH;
	cap = (size_t)(p2 - p1 - 1) / 4 * 3 + 3;
	if ((payload = xmalloc(cap)) == NULL)
		return USERCGI_NOMEM;
	if (b64url_decode(p1 + 1, (size_t)(p2 - p1 - 1), payload, cap, &n) ==
	    -1) {
		rc = USERCGI_UNAUTH;
		goto out;
	}
	rc = json_parse_strict((const char *)payload, n, AUTH_SUB_DEPTH, c,
	    msg, sizeof(msg));
	if (rc != USERCGI_OK) {
		if (rc != USERCGI_NOMEM)
			rc = USERCGI_UNAUTH;
		goto out;
	}
	if (!json_object_is_type(*c, json_type_object))
		rc = USERCGI_UNAUTH;
out:
	if (rc != USERCGI_OK) {
		json_object_put(*c);
		*c = NULL;
	}
	free(payload);
	return rc;
}

/*
 * Copies the string claim name of payload c into out (outlen bytes,
 * NUL-terminated; "" when absent and not required).  Returns USERCGI_OK,
 * USERCGI_TOO_LARGE (it does not fit, or holds a NUL) or USERCGI_UNAUTH
 * (absent while required, or not a string).
 */
static enum usercgi_err
auth_claim_str(struct json_object *c, const char *name, int required,
    char *out, size_t outlen)
{
	struct json_object	*v;
	size_t			 n;

	if (outlen > 0)
		out[0] = '\0';
	if (!json_object_object_get_ex(c, name, &v))
		return required ? USERCGI_UNAUTH : USERCGI_OK;
	if (!json_object_is_type(v, json_type_string))
		return USERCGI_UNAUTH;
	n = (size_t)json_object_get_string_len(v);
	if (n >= outlen || memchr(json_object_get_string(v), '\0', n) != NULL)
		return USERCGI_TOO_LARGE;
	memcpy(out, json_object_get_string(v), n + 1);
	return USERCGI_OK;
}

enum usercgi_err
auth_token_sub(const char *header, char *sub, size_t sublen)
{
	struct json_object	*c = NULL;
	enum usercgi_err	 rc;

	if (sublen > 0)
		sub[0] = '\0';
	if ((rc = auth_payload(header, &c)) == USERCGI_OK)
		rc = auth_claim_str(c, "sub", 1, sub, sublen);
	json_object_put(c);
	return rc;
}

enum usercgi_err
auth_token_scope(const char *header, char *sub, size_t sublen, char *cid,
    size_t cidlen)
{
	struct json_object	*c = NULL;
	enum usercgi_err	 rc;

	if (sublen > 0)
		sub[0] = '\0';
	if (cidlen > 0)
		cid[0] = '\0';
	if ((rc = auth_payload(header, &c)) == USERCGI_OK &&
	    (rc = auth_claim_str(c, "sub", 1, sub, sublen)) == USERCGI_OK)
		rc = auth_claim_str(c, "client_id", 0, cid, cidlen);
	json_object_put(c);
	return rc;
}
