/*
 * app.c: the request lifecycle: routing (the route table), bearer
 * authentication, body intake, the one place where an enum usercgi_err
 * becomes an HTTP response (app_error), the ETag of a GET, the log line.
 * The handlers live in one file per resource family (api.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "api.h"
#include "app.h"
#include "auth.h"
#include "form.h"
#include "idem.h"
#include "json.h"
#include "jwksrc.h"
#include "log.h"
#include "phone.h"
#include "pw.h"
#include "pw_verify.h"
#include "store.h"
#include "user.h"

#define APP_MAX_ALLOW	128	/* the Allow header of a 405 */
#define APP_BODY_COST	16	/* parsed body: json_cost per body byte */
#define APP_MAX_CLAIM	1024	/* bytes of a token's sub or client_id that
				   scope an idempotency key */

/*
 * The Idempotency-Key of the request being handled, on app_handle's
 * stack: its path below the API root, the store's key, and whether this
 * request claimed it (and so must answer or release it).
 */
struct app_idem {
	const char		*path;
	struct store_idem	 k;
	int			 claimed;
	int			 replayed;
};

_Static_assert(AUTH_KEY_LEN == STORE_TOKEN_KEY, "token keys differ in size");

int64_t
app_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The most memory the parsed body may take as JSON values (json_cost):
 * APP_BODY_COST times max_body_bytes, plus 64 KiB so that a small limit
 * still admits a few objects (README.md, "Memory per request").
 */
static size_t
app_body_cost(const struct app *a)
{
	return a->cfg.max_body_bytes * APP_BODY_COST + 64 * 1024;
}

/*
 * The maximum of a guard error's data (the zod issues).  An issue echoes
 * at most one client value: passwordAlgorithm twice (received and
 * message), or a wrong-typed avatar once.  Rewritten by JSON.stringify a
 * value grows at most 4.4 times ("1e20," is 22 bytes: 1 followed by 20
 * zeros and a comma), and a form value's control characters twice
 * ("%01" -> "\u0001"), so 5 times the body plus the fixed text of every
 * other issue always fits: a client mistake always gets its 400.
 */
size_t
app_data_max(const struct app *a)
{
	return a->cfg.max_body_bytes * 5 + 64 * 1024;
}

/*
 * Renders the error body for e into r: {"code","data","details",
 * "message"} in that order, absent members omitted (create-user.md §2).
 * data is JSON text or NULL; details (NULL: none) and message (NULL: the
 * table's) are plain text.  Never fails: on allocation failure the body is the
 * shortest valid one.
 */
void
app_error(struct http_resp *r, enum usercgi_err e, const char *data,
    const struct buf *details, const char *message)
{
	const struct usercgi_errinfo	*ei = usercgi_errinfo(e);
	struct buf			*b = &r->body;
	enum usercgi_err		 rc;

	r->status = ei->status;
	if (e == USERCGI_BUSY || e == USERCGI_UNAVAILABLE ||
	    e == USERCGI_IDEM_RUNNING)
		r->retry_after = 1;
	if (message == NULL)
		message = ei->message;
	buf_reset(b);
	rc = buf_addc(b, '{');
	if (rc == USERCGI_OK && ei->code != NULL) {
		rc = buf_addstr(b, "\"code\":");
		if (rc == USERCGI_OK)
			rc = jsonw_str(b, ei->code, strlen(ei->code));
		if (rc == USERCGI_OK)
			rc = buf_addc(b, ',');
	}
	if (rc == USERCGI_OK && data != NULL) {
		rc = buf_addstr(b, "\"data\":");
		if (rc == USERCGI_OK)
			rc = buf_addstr(b, data);
		if (rc == USERCGI_OK)
			rc = buf_addc(b, ',');
	}
	if (rc == USERCGI_OK && details != NULL) {
		rc = buf_addstr(b, "\"details\":");
		if (rc == USERCGI_OK)
			rc = jsonw_str(b, buf_str(details), details->len);
		if (rc == USERCGI_OK)
			rc = buf_addc(b, ',');
	}
	if (rc == USERCGI_OK)
		rc = buf_addstr(b, "\"message\":");
	if (rc == USERCGI_OK)
		rc = jsonw_str(b, message, strlen(message));
	if (rc == USERCGI_OK)
		rc = buf_addc(b, '}');
	if (rc != USERCGI_OK) {
		r->status = 500;
		buf_reset(b);
		(void)buf_addstr(b, "{\"message\":\"Internal server error.\"}");
	}
}

/*
 * Returns 1 when s is "/api" or starts with "/api/": the API root at the
 * start of a path.
 */
static int
app_api_root(const char *s)
{
	return strncmp(s, "/api", 4) == 0 && (s[4] == '\0' || s[4] == '/');
}

/*
 * Finds the path below the API root ("/users/abc") in SCRIPT_NAME and
 * PATH_INFO (RFC 3875 §4.1.13, §4.1.5), in the three ways the servers of
 * etc/ pass a request (README.md, "Where the API is mounted"):
 *   1. SCRIPT_NAME ends in "/api": the server maps the API root to the
 *      program (lighttpd, mod_fcgid's Alias, nginx); the path is
 *      PATH_INFO.
 *   2. PATH_INFO is "/api" or starts with "/api/": SCRIPT_NAME names the
 *      program itself (/cgi-bin/usercgi.fcgi, the shared-hosting
 *      rewrite); the path is PATH_INFO after "/api".
 *   3. PATH_INFO is empty and SCRIPT_NAME starts so: the whole URL path
 *      (mod_proxy_fcgi); the path is SCRIPT_NAME after "/api".
 * Returns the path, or NULL when none applies (404): "/api" anywhere
 * else, as in PATH_INFO=/x/api/users, is no API root.
 */
static const char *
app_api_path(const struct http_req *rq)
{
	const char	*sn = rq->script_name ? rq->script_name : "";
	const char	*pi = rq->path_info ? rq->path_info : "";
	size_t		 n = strlen(sn);

	if (n >= 4 && strcmp(sn + n - 4, "/api") == 0)
		return pi;
	if (app_api_root(pi))
		return pi + 4;
	if (*pi == '\0' && app_api_root(sn))
		return sn + 4;
	return NULL;
}

/*
 * Matches path (below the API root) against a route pattern segment by
 * segment: a literal segment matches itself, "{...}" any non-empty
 * segment, which is copied to args; one trailing "/" is allowed.
 * Returns 1 on a match with args filled, else 0.
 */
static int
app_match(const char *pat, const char *path, struct app_args *args)
{
	size_t	plen, slen, used = 0;

	args->n = 0;
	while (*pat != '\0') {
		if (*pat != '/' || *path != '/')
			return 0;
		pat++;
		path++;
		plen = strcspn(pat, "/");
		slen = strcspn(path, "/");
		if (*pat == '{') {
			if (slen == 0 || args->n == APP_MAX_ARGS ||
			    slen >= sizeof(args->buf) - used)
				return 0;
			memcpy(args->buf + used, path, slen);
			args->buf[used + slen] = '\0';
			args->arg[args->n++] = args->buf + used;
			used += slen + 1;
		} else if (plen != slen || memcmp(pat, path, plen) != 0)
			return 0;
		pat += plen;
		path += slen;
	}
	return path[0] == '\0' || (path[0] == '/' && path[1] == '\0');
}

/* The token policy of the configuration (strings stay a->cfg's). */
static void
app_policy(const struct app *a, struct jwt_policy *pol)
{
	pol->issuer = a->cfg.issuer;
	pol->audience = a->cfg.audience;
	pol->scope = a->cfg.required_scope;
	pol->require_exp = a->cfg.require_exp;
	pol->leeway = a->cfg.leeway;
}

/*
 * Returns 1 in a process that serves one request (plain CGI): it has no
 * per-process token cache (server.c gives one to every FastCGI worker).
 */
static int
app_cgi(const struct app *a)
{
	return a->tokens == NULL;
}

enum usercgi_err
app_jwksrc_new(const struct cfg *c, struct jwksrc **out)
{
	struct jwksrc_opts	o;

	*out = NULL;
	if (c->jwks_uri == NULL)
		return USERCGI_OK;
	memset(&o, 0, sizeof(o));
	o.uri = c->jwks_uri;
	o.issuer = c->issuer;
	o.cache = c->jwks_file;
	o.ca_file = c->jwks_ca_file;
	o.module = c->fetch_module;
	o.cooldown = c->jwks_cooldown;
	o.max_age = c->jwks_max_age;
	o.expiry = c->jwks_expiry;
	return jwksrc_new(&o, out);
}

/*
 * The jwks_uri source unless there is one already or none is
 * configured: a process that was given none (CGI) makes its own.
 */
static enum usercgi_err
app_jwksrc(struct app *a)
{
	enum usercgi_err	rc;

	if (a->jwksrc != NULL || a->cfg.jwks_uri == NULL)
		return USERCGI_OK;
	if ((rc = app_jwksrc_new(&a->cfg, &a->jwksrc)) == USERCGI_OK)
		a->jwksrc_owned = 1;
	return rc;
}

/* Creates the token verifier (and loads the JWKS) unless done already. */
static enum usercgi_err
app_auth_new(struct app *a)
{
	struct jwt_policy	 pol;
	enum usercgi_err	 rc;

	if (a->auth != NULL)
		return USERCGI_OK;
	if ((rc = app_jwksrc(a)) != USERCGI_OK)
		return rc;
	app_policy(a, &pol);
	if ((rc = auth_new_source(a->cfg.jwks_file, &pol, a->jwksrc,
	    app_cgi(a), &a->auth)) == USERCGI_OK)
		auth_use_cache(a->auth, a->tokens);
	return rc;
}

/* Opens the database unless done already; returns store_open's result. */
static enum usercgi_err
app_store_open(struct app *a)
{
	struct store_opts	o;
	enum usercgi_err	rc;

	if (a->store != NULL)
		return USERCGI_OK;
	memset(&o, 0, sizeof(o));
	o.busy_timeout_ms = a->cfg.busy_timeout_ms;
	o.one_request = app_cgi(a);
	o.group_set = a->cfg.database_gid_set;
	o.group = a->cfg.database_gid;
	o.nofollow = !a->cfg.database_symlink_ok;
	if ((rc = store_open(a->cfg.database, &o, &a->store)) == USERCGI_OK)
		store_set_group(a->store, a->group);
	return rc;
}

/* As app_store_open, with a failure rendered into r. */
enum usercgi_err
app_store(struct app *a, struct http_resp *r)
{
	enum usercgi_err	rc;

	if ((rc = app_store_open(a)) != USERCGI_OK)
		app_error(r, rc, NULL, NULL, NULL);
	return rc;
}

/*
 * A CGI process verifies one token and exits, so it shares verified
 * tokens with the others through the database (store_token_known):
 * returns 1 when the header's token verified before under the JWKS file
 * as it is now and the configured policy, and its exp is still ahead;
 * 0 otherwise, also when anything fails (the token is then verified as
 * usual).  Nothing here touches OpenSSL.  With jwks_uri, a cache file
 * past its max age (or without its metadata) is fetched first (when no
 * process of the host tried within the cooldown) and the token verified.
 */
static int
app_auth_known(struct app *a, const char *header, int64_t now)
{
	struct jwt_policy	 pol;
	struct jwksrc_meta	 m;
	unsigned char		 sha[AUTH_KEY_LEN], key[AUTH_KEY_LEN];
	const char		*tok;
	size_t			 len;
	int64_t			 fresh, expires;
	int			 known = 0;

	if (auth_bearer(header, &tok, &len) != USERCGI_OK ||
	    len > JWT_MAX_TOKEN)
		return 0;
	if (auth_jwks_digest(a->cfg.jwks_file, sha, a->cfg.jwks_uri != NULL ?
	    &m : NULL) != USERCGI_OK)
		return 0;
	if (a->cfg.jwks_uri != NULL) {
		if (app_jwksrc(a) != USERCGI_OK || !m.ok)
			return 0;
		jwksrc_times(a->jwksrc, &m, m.fetched, &fresh, &expires);
		if (now >= fresh) {
			(void)jwksrc_fetch(a->jwksrc, 0, now, NULL, 0);
			return 0;
		}
	}
	app_policy(a, &pol);
	if (auth_token_key(sha, &pol, tok, len, key) != USERCGI_OK)
		return 0;
	if (app_store_open(a) != USERCGI_OK) {
		log_debug("auth: no database for the token cache");
		return 0;
	}
	if (store_token_known(a->store, key, now, &known) != USERCGI_OK) {
		log_debug("auth: token cache lookup failed");
		return 0;
	}
	if (known)
		log_debug("auth: token verified before (token cache)");
	return known;
}

/*
 * Remembers a token verified now under key until exp, for the next CGI
 * process (app_auth_known).  Best effort: a busy or failing database is
 * logged and the request goes on.
 */
static void
app_auth_remember(struct app *a, const unsigned char key[AUTH_KEY_LEN],
    int64_t exp, int64_t now)
{
	enum usercgi_err	rc;

	if (a->store == NULL)
		return;
	if ((rc = store_token_remember(a->store, key, exp, now)) != USERCGI_OK)
		log_warn("auth: token not remembered: %s",
		    usercgi_errinfo(rc)->message);
	else
		log_debug("auth: token remembered (token cache)");
}

/*
 * Checks the request's bearer token.  Returns USERCGI_OK, or the error
 * already rendered into r (with jose's reason as data for a 401).
 */
enum usercgi_err
app_auth(struct app *a, struct http_req *rq, struct http_resp *r)
{
	enum jwt_fail		 fail = JWT_FAIL_NONE;
	enum usercgi_err	 rc;
	unsigned char		 key[AUTH_KEY_LEN];
	int64_t			 now = app_now_ms() / 1000, exp = -1;
	int			 cgi = app_cgi(a);
	char			 data[160];

	if (cgi && app_auth_known(a, rq->authorization, now))
		return USERCGI_OK;
	if ((rc = app_auth_new(a)) != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		return rc;
	}
	rc = auth_check_key(a->auth, rq->authorization, now, &fail, key, &exp);
	switch (rc) {
	case USERCGI_OK:
		if (cgi && exp >= 0)
			app_auth_remember(a, key, exp, now);
		break;
	case USERCGI_AUTH_TYPE:
		app_error(r, rc, "{\"supportedTypes\":[\"Bearer\"]}", NULL, NULL);
		break;
	case USERCGI_UNAUTH:
		if (jwt_fail_code(fail) != NULL &&
		    snprintf(data, sizeof(data), "{\"code\":\"%s\",\"name\":\"%s\"}",
		    jwt_fail_code(fail), jwt_fail_name(fail)) < (int)sizeof(data))
			app_error(r, rc, data, NULL, NULL);
		else
			app_error(r, rc, NULL, NULL, NULL);
		break;
	default:
		app_error(r, rc, NULL, NULL, NULL);
		break;
	}
	return rc;
}

/*
 * Renders a stored answer (status, body) into r as a replay: the same
 * status and body, and Idempotent-Replayed: true.
 */
static enum usercgi_err
app_idem_replay(struct http_resp *r, int status, const char *body)
{
	enum usercgi_err	rc;

	buf_reset(&r->body);
	if ((rc = buf_addstr(&r->body, body)) != USERCGI_OK ||
	    (rc = http_resp_header(r, "Idempotent-Replayed", "true")) !=
	    USERCGI_OK) {
		buf_reset(&r->headers);
		app_error(r, rc, NULL, NULL, NULL);
		return rc;
	}
	r->status = status;
	return USERCGI_IDEM_REPLAYED;
}

/*
 * The Idempotency-Key of a request whose body (raw, len bytes) was read
 * (draft-ietf-httpapi-idempotency-key-header-06 §2): parses the header,
 * scopes the key to the token's sub and client_id, fingerprints the
 * request and claims the key in the store.  Returns USERCGI_OK when the
 * request is to run (claimed: app_idem_end answers or releases it), or
 * what is already rendered into r: a 400 for a malformed key, the
 * stored answer (USERCGI_IDEM_REPLAYED), a 422 for a key used with
 * another request, a 409 with Retry-After while the first runs, or the
 * store's failure.
 */
static enum usercgi_err
app_idem_begin(struct app *a, struct http_req *rq, struct http_resp *r,
    const char *body, size_t len)
{
	struct app_idem		*ai = a->idem;
	enum store_idem_state	 st;
	enum usercgi_err	 rc;
	char			 key[IDEM_KEY_MAX + 1], msg[IDEM_MSG_MAX];
	char			 sub[APP_MAX_CLAIM], cid[APP_MAX_CLAIM];
	char			*stored = NULL;
	size_t			 klen;
	int			 status = 0;

	if ((rc = idem_parse(rq->idempotency_key, key, &klen, msg)) !=
	    USERCGI_OK) {
		app_error(r, rc, NULL, NULL, msg);
		return rc;
	}
	rc = auth_token_scope(rq->authorization, sub, sizeof(sub), cid,
	    sizeof(cid));
	if (rc == USERCGI_TOO_LARGE) {
		rc = USERCGI_IDEM_KEY;
		app_error(r, rc, NULL, NULL, "The Idempotency-Key header "
		    "cannot be used with a token whose sub or client_id is "
		    "longer than 1023 bytes.");
		return rc;
	}
	if (rc != USERCGI_OK ||
	    (rc = idem_scope_key(sub, cid, key, klen, ai->k.key)) !=
	    USERCGI_OK ||
	    (rc = idem_fingerprint(rq->method, ai->path, body, len,
	    ai->k.fingerprint)) != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		return rc;
	}
	randombytes_buf(ai->k.owner, sizeof(ai->k.owner));
	ai->k.now_ms = app_now_ms();
	ai->k.lease_ms = (int64_t)a->cfg.idempotency_lease * 1000;
	ai->k.expires_ms = (int64_t)a->cfg.idempotency_expiry * 1000;
	if ((rc = app_store(a, r)) != USERCGI_OK)
		return rc;
	if ((rc = store_idem_claim(a->store, &ai->k, &st, &status,
	    &stored)) != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		return rc;
	}
	switch (st) {
	case STORE_IDEM_RUN:
		ai->claimed = 1;
		break;
	case STORE_IDEM_DONE:
		ai->replayed = 1;
		rc = app_idem_replay(r, status, stored);
		break;
	case STORE_IDEM_OTHER:
		rc = USERCGI_IDEM_MISMATCH;
		app_error(r, rc, NULL, NULL, NULL);
		break;
	default:
		rc = USERCGI_IDEM_RUNNING;
		app_error(r, rc, NULL, NULL, NULL);
		break;
	}
	free(stored);
	return rc;
}

/*
 * After the handler of a request that claimed its key: stores r's
 * answer with the key, in the transaction of the write it describes
 * (store_idem_answer), unless it is a 400 (the client's mistake, which
 * it may fix and send again with the same key) or a 5xx, for which the
 * claim is released and any write held open rolled back.  A failure to
 * store replaces r with its error: the write did not happen.
 */
static void
app_idem_end(struct app *a, struct http_resp *r)
{
	struct app_idem		*ai = a->idem;
	enum usercgi_err	 rc;

	if (ai == NULL || !ai->claimed)
		return;
	ai->claimed = 0;
	if (r->status == 400 || r->status >= 500) {
		store_idem_release(a->store, &ai->k);
		a->logid[0] = '\0';
		return;
	}
	rc = store_idem_answer(a->store, &ai->k, r->status,
	    r->body.ptr != NULL ? r->body.ptr : "", r->body.len);
	if (rc != USERCGI_OK) {
		a->logid[0] = '\0';
		buf_reset(&r->headers);
		app_error(r, rc, NULL, NULL, NULL);
	}
}

/*
 * Returns 1 when a request to handler h with method takes an
 * Idempotency-Key: POST /api/users and every PATCH and PUT.
 */
static int
app_idem_route(const char *method, void (*fn)(struct app *,
    struct http_req *, struct http_resp *, const struct app_args *))
{
	return strcmp(method, "PATCH") == 0 || strcmp(method, "PUT") == 0 ||
	    (strcmp(method, "POST") == 0 && fn == api_users_create);
}

/*
 * Reads and parses the request body as a JSON object (create-user.md §1
 * "Body transport"), or as a form (form.h) for
 * application/x-www-form-urlencoded.  Returns USERCGI_OK with *out set
 * (caller puts it; an empty body gives an empty object, a top-level
 * array an empty array: it is checked, never built, since the guard
 * refuses any array), or an error already rendered into r.  As co-body
 * does in strict mode, a body whose first byte after the BOM and white
 * space is not "{" or "[" is refused before it is parsed.  The values
 * built take at most app_body_cost bytes (json_cost).  On a request
 * with an Idempotency-Key, a body that parsed then goes to
 * app_idem_begin, whose answer (a replay, a 409, a 422) is returned
 * rendered into r like an error.
 */
enum usercgi_err
app_body(struct app *a, struct http_req *rq, struct http_resp *r,
    struct json_object **out)
{
	struct buf		 b;
	struct json_opts	 jo;
	size_t			 n, i;
	const char		*s;
	char			 msg[256];
	int			 form, known;
	enum usercgi_err	 rc;

	*out = NULL;
	buf_init(&b, a->cfg.max_body_bytes);
	form = http_media_type_is(rq->content_type,
	    "application/x-www-form-urlencoded");
	known = form || http_media_type_is(rq->content_type, "application/json");
	if ((rq->content_length == NULL || *rq->content_length == '\0') &&
	    rq->transfer_encoding != NULL && *rq->transfer_encoding != '\0') {
		/* A chunked body without a length: read it to its end. */
		if ((rc = http_read_to_eof(rq, &b)) != USERCGI_OK) {
			app_error(r, rc, NULL, NULL, NULL);
			goto out;
		}
		n = b.len;
	} else {
		if (http_content_length(rq->content_length, &n) == -1) {
			rc = USERCGI_BADREQ;
			app_error(r, rc, NULL, NULL, "Invalid Content-Length.");
			goto out;
		}
		if (n > a->cfg.max_body_bytes) {
			rc = USERCGI_TOO_LARGE;
			app_error(r, rc, NULL, NULL, NULL);
			goto out;
		}
		if (n > 0 && known && (rc = http_read_body(rq, n, &b)) !=
		    USERCGI_OK) {
			app_error(r, rc, NULL, NULL, rc == USERCGI_BADREQ ?
			    "The request body is shorter than its "
			    "Content-Length." : NULL);
			goto out;
		}
	}
	if (n == 0) {
		rc = (*out = json_object_new_object()) == NULL ?
		    USERCGI_NOMEM : USERCGI_OK;
		if (rc != USERCGI_OK)
			app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	if (!known) {
		rc = USERCGI_MEDIA_TYPE;
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	if (form) {
		rc = form_parse(buf_str(&b), b.len, app_body_cost(a), out, msg,
		    sizeof(msg));
		if (rc != USERCGI_OK)
			app_error(r, rc, NULL, NULL,
			    rc == USERCGI_BADREQ ? msg : NULL);
		goto out;
	}
	s = buf_str(&b);
	if (b.len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		n = b.len - 3;
	} else
		n = b.len;
	if (n == 0) {
		rc = (*out = json_object_new_object()) == NULL ?
		    USERCGI_NOMEM : USERCGI_OK;
		if (rc != USERCGI_OK)
			app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	/* co-body's strict mode: the first byte after white space. */
	for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	    s[i] == '\r'); i++)
		continue;
	if (i == n || (s[i] != '{' && s[i] != '[')) {
		rc = USERCGI_BAD_JSON;
		app_error(r, rc, NULL, NULL,
		    "invalid JSON, only supports object and array");
		goto out;
	}
	memset(&jo, 0, sizeof(jo));
	jo.max_depth = JSON_MAX_DEPTH;
	jo.max_cost = app_body_cost(a);
	jo.shallow_array = 1;
	rc = json_parse(s, n, &jo, out, msg, sizeof(msg));
	if (rc != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, rc == USERCGI_BAD_JSON ||
		    rc == USERCGI_BADREQ ? msg : NULL);
		goto out;
	}
	if (jo.proto) {
		rc = USERCGI_BAD_JSON;
		app_error(r, rc, NULL, NULL,
		    "Object contains forbidden prototype property");
		goto out;
	}
out:
	if (rc == USERCGI_OK && a->idem != NULL)
		rc = app_idem_begin(a, rq, r, b.ptr != NULL ? b.ptr : "", b.len);
	if (rc != USERCGI_OK && *out != NULL) {
		json_object_put(*out);
		*out = NULL;
	}
	buf_free(&b);
	return rc;
}

/* Returns 1 when the real path real is root or lies under it, else 0. */
static int
app_path_under(const char *real, const char *root)
{
	size_t	n = strlen(root);

	return strcmp(root, "/") == 0 || (strncmp(real, root, n) == 0 &&
	    (real[n] == '\0' || real[n] == '/'));
}

/*
 * Is the database (or the configuration file, cfg.source) inside the web
 * server's document root (where a
 * misconfigured server could hand it out), or a symlink while
 * database_symlink is not allow?  Returns 1 when it is (logged once per
 * verdict), 0 when it is not; with docroot unknown only the symlink
 * counts.  The database path itself is lstat()ed every time, and its
 * real path, symlinks resolved, is what is compared with the real
 * docroot (a missing file: its directory's).  The verdict is cached for
 * the last docroot and database identity seen: servers pass the same
 * docroot every time.  A symlink that cannot be resolved is refused.
 * A PostgreSQL database is no file here: 0.
 */
static int
app_db_exposed(struct app *a, const char *docroot)
{
	char		 root[PATH_MAX], dir[PATH_MAX], real[PATH_MAX], *slash;
	struct stat	 st;

	if (store_is_postgresql(a->cfg.database))
		return 0;
	if (docroot == NULL)
		docroot = "";
	if (lstat(a->cfg.database, &st) == -1)
		memset(&st, 0, sizeof(st));
	if (a->docroot != NULL && strcmp(a->docroot, docroot) == 0 &&
	    a->db_dev == st.st_dev && a->db_ino == st.st_ino &&
	    a->db_mode == st.st_mode)
		return a->docroot_exposed;
	free(a->docroot);
	if ((a->docroot = xstrdup(docroot)) == NULL)
		return 0;
	a->db_dev = st.st_dev;
	a->db_ino = st.st_ino;
	a->db_mode = st.st_mode;
	a->docroot_exposed = 1;
	if (S_ISLNK(st.st_mode) && !a->cfg.database_symlink_ok) {
		log_err("the database %s is a symbolic link: refusing to serve "
		    "(database_symlink = allow follows it)", a->cfg.database);
		return 1;
	}
	a->docroot_exposed = 0;
	if (*docroot == '\0' || realpath(docroot, root) == NULL)
		return 0;
	if (st.st_mode != 0) {
		if (realpath(a->cfg.database, real) == NULL) {
			log_err("the database %s: %s: refusing to serve",
			    a->cfg.database, strerror(errno));
			a->docroot_exposed = 1;
			return 1;
		}
	} else {
		if (snprintf(dir, sizeof(dir), "%s", a->cfg.database) >=
		    (int)sizeof(dir))
			return 0;
		if ((slash = strrchr(dir, '/')) == NULL)
			(void)snprintf(dir, sizeof(dir), ".");
		else if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
		if (realpath(dir, real) == NULL)
			return 0;
	}
	if (app_path_under(real, root)) {
		log_err("the database %s lies under DOCUMENT_ROOT %s: refusing "
		    "to serve until it is moved", a->cfg.database, docroot);
		a->docroot_exposed = 1;
	}
	if (a->cfg.source != NULL && realpath(a->cfg.source, real) != NULL &&
	    app_path_under(real, root)) {
		log_err("the configuration %s lies under DOCUMENT_ROOT %s: "
		    "refusing to serve until it is moved", a->cfg.source,
		    docroot);
		a->docroot_exposed = 1;
	}
	return a->docroot_exposed;
}

void
app_pw_params(const struct app *a, struct pw_params *pp)
{
	pp->t_cost = a->cfg.argon2_t;
	pp->m_cost = a->cfg.argon2_m;
	pp->parallelism = a->cfg.argon2_p;
}

/*
 * Reads user id into *u (caller frees with store_user_free).  Returns
 * USERCGI_OK, or the error rendered into r: an unknown id is Logto's 404
 * entity.not_found (users-api.md §0), which names no id.
 */
enum usercgi_err
app_user(struct app *a, struct http_resp *r, const char *id,
    struct store_user *u)
{
	enum usercgi_err	rc;

	if ((rc = store_user_get(a->store, id, u)) != USERCGI_OK)
		app_error(r, rc, NULL, NULL, NULL);
	return rc;
}

void
app_user_ok(struct http_resp *r, const struct store_user *u)
{
	enum usercgi_err	rc;

	buf_reset(&r->body);
	if ((rc = user_render(&r->body, u, 0)) != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		return;
	}
	r->status = 200;
}

enum usercgi_err
app_user_update(struct app *a, struct http_resp *r, const char *id,
    const struct store_patch *p)
{
	struct store_user	out;
	enum usercgi_err	rc;

	memset(&out, 0, sizeof(out));
	if ((rc = store_user_update(a->store, id, p, app_now_ms(), &out)) !=
	    USERCGI_OK)
		app_error(r, rc, NULL, NULL, NULL);
	else
		app_user_ok(r, &out);
	store_user_free(&out);
	return rc;
}

void
app_guard_error(struct http_resp *r, enum usercgi_err rc,
    const struct buf *data, const struct buf *details)
{
	if (rc == USERCGI_GUARD)
		app_error(r, rc, buf_str(data), details, NULL);
	else
		app_error(r, rc, NULL, NULL, NULL);
}

/*
 * A 200 answer to a GET gets the strong ETag of its exact bytes (RFC
 * 9110 §8.8.3; Logto's koaBodyEtag); an If-None-Match that lists it
 * turns it into a 304 with no body (§13.1.2, §15.4.5).
 */
static void
app_etag(const struct http_req *rq, struct http_resp *r)
{
	char			etag[HTTP_ETAG_SIZE];
	enum usercgi_err	rc;

	if (r->status != 200 || rq->method == NULL ||
	    strcmp(rq->method, "GET") != 0)
		return;
	if ((rc = http_etag(r->body.ptr != NULL ? r->body.ptr : "", r->body.len,
	    etag)) != USERCGI_OK ||
	    (rc = http_resp_header(r, "ETag", etag)) != USERCGI_OK) {
		buf_reset(&r->headers);
		app_error(r, rc, NULL, NULL, NULL);
		return;
	}
	if (http_none_match(rq->if_none_match, etag)) {
		r->status = 304;
		buf_reset(&r->body);
	}
}

/*
 * The routes, below the API root (app_api_path).  A pattern may appear
 * in several rows, one per method; "{...}" is a path parameter, passed
 * to the handler as args->arg[0], arg[1] in order.  A path that matches
 * a pattern but not the method of any of its rows is 405, with an Allow
 * header listing the methods of its rows.
 */
struct app_handler {
	const char	*pattern;
	const char	*method;
	void		(*fn)(struct app *, struct http_req *,
			    struct http_resp *, const struct app_args *);
};

static const struct app_handler app_handlers[] = {
	{ "/users", "GET", api_users_list },
	{ "/users", "POST", api_users_create },
	{ "/users/{id}", "GET", api_users_get },
	{ "/users/{id}", "PATCH", api_users_patch },
	{ "/users/{id}", "DELETE", api_users_delete },
	{ "/users/{id}/custom-data", "GET", api_users_custom_data_get },
	{ "/users/{id}/custom-data", "PATCH", api_users_custom_data_patch },
	{ "/users/{id}/profile", "PATCH", api_users_profile_patch },
	{ "/users/{id}/password", "PATCH", api_pw_set },
	{ "/users/{id}/password/expiration", "PATCH", api_pw_expiration },
	{ "/users/{id}/password/verify", "POST", api_pw_verify },
	{ "/users/{id}/has-password", "GET", api_pw_has },
	{ "/users/{id}/is-suspended", "PATCH", api_users_suspend },
	{ "/users/{id}/identities/{target}", "PUT", api_identity_put },
	{ "/users/{id}/identities/{target}", "DELETE", api_identity_delete },
	{ "/users/{id}/logto-configs", "GET", api_users_logto_get },
	{ "/users/{id}/logto-configs", "PATCH", api_users_logto_patch },
};

/*
 * Finds the handler for method on path (NULL: no route).  Returns it
 * with args filled, or NULL; then allow holds the methods of the rows
 * whose pattern matched, ", " between them ("" when none did: 404).
 */
static const struct app_handler *
app_handler(const char *path, const char *method, struct app_args *args,
    char allow[APP_MAX_ALLOW])
{
	size_t	i, n = 0;
	int	w;

	allow[0] = '\0';
	if (path == NULL)
		return NULL;
	for (i = 0; i < sizeof(app_handlers) / sizeof(app_handlers[0]); i++) {
		if (!app_match(app_handlers[i].pattern, path, args))
			continue;
		if (strcmp(method, app_handlers[i].method) == 0)
			return &app_handlers[i];
		w = snprintf(allow + n, APP_MAX_ALLOW - n, "%s%s",
		    n > 0 ? ", " : "", app_handlers[i].method);
		if (w > 0 && (size_t)w < APP_MAX_ALLOW - n)
			n += (size_t)w;
	}
	return NULL;
}

int
app_handle(struct app *a, struct http_req *rq)
{
	struct http_resp	 r;
	struct app_args		 args;
	struct app_idem		 ai;
	const struct app_handler	*h;
	const char		*method = rq->method ? rq->method : "";
	const char		*path;
	char			 allow[APP_MAX_ALLOW];
	int64_t			 t0 = app_now_ms();
	int			 status;

	if (a->nreq_shared != NULL)
		a->nreq = atomic_fetch_add(a->nreq_shared, 1) + 1;
	else
		a->nreq++;
	a->logid[0] = '\0';
	http_resp_init(&r);
	/* A guard error's data and details always fit (app_data_max). */
	if (app_data_max(a) + 1024 * 1024 > HTTP_MAX_RESPONSE)
		buf_init(&r.body, app_data_max(a) + 1024 * 1024);
	path = app_api_path(rq);
	h = app_handler(path, method, &args, allow);
	memset(&ai, 0, sizeof(ai));
	a->idem = NULL;
	if (h != NULL && rq->idempotency_key != NULL &&
	    app_idem_route(method, h->fn)) {
		ai.path = path;
		a->idem = &ai;
	}
	if (app_db_exposed(a, rq->document_root))
		app_error(&r, USERCGI_INTERNAL, NULL, NULL, NULL);
	else if (h != NULL) {
		h->fn(a, rq, &r, &args);
		app_idem_end(a, &r);
		app_etag(rq, &r);
	}
	else if (allow[0] != '\0') {
		r.allow = allow;
		app_error(&r, USERCGI_METHOD, NULL, NULL, NULL);
	} else
		app_error(&r, USERCGI_NOT_FOUND, NULL, NULL, NULL);
	a->idem = NULL;
	status = r.status;
	if (http_send(rq, &r) == -1)
		log_info("client went away before the response was sent");
	log_info("request %ld-%lu %.16s %.200s%.200s %d %lldms%s%s%s",
	    log_pid(), a->nreq, method,
	    rq->script_name ? rq->script_name : "",
	    rq->path_info ? rq->path_info : "", status,
	    (long long)(app_now_ms() - t0),
	    a->logid[0] != '\0' ? " created " : "", a->logid,
	    ai.replayed ? " replayed (Idempotency-Key)" : "");
	http_resp_free(&r);
	return status;
}

enum usercgi_err
app_init(struct app *a, char *const *env, char *errbuf, size_t errlen)
{
	enum usercgi_err	rc;
	enum log_level		lvl = LOG_LVL_INFO;

	memset(a, 0, sizeof(*a));
	if ((rc = cfg_load(&a->cfg, env, errbuf, errlen)) != USERCGI_OK)
		return rc;
	if (strcmp(a->cfg.log_level, "err") == 0)
		lvl = LOG_LVL_ERR;
	else if (strcmp(a->cfg.log_level, "warn") == 0)
		lvl = LOG_LVL_WARN;
	else if (strcmp(a->cfg.log_level, "debug") == 0)
		lvl = LOG_LVL_DEBUG;
	log_setup(lvl, NULL);
	pw_set_digest_ceiling(a->cfg.digest_max_ms, a->cfg.digest_max_mib);
	if (phone_module_set(a->cfg.phone_module) != USERCGI_OK ||
	    store_pg_module_set(a->cfg.pg_module) != USERCGI_OK) {
		(void)snprintf(errbuf, errlen, "phone_module or pg_module: "
		    "longer than PATH_MAX");
		cfg_free(&a->cfg);
		return USERCGI_INTERNAL;
	}
	return USERCGI_OK;
}

/*
 * The checks of a SQLite database before the first request: its
 * directory and the file (when it exists) writable, not under the
 * document root.  Returns USERCGI_OK or USERCGI_UNAVAILABLE (logged).
 */
static enum usercgi_err
app_warm_sqlite(struct app *a)
{
	char			 dir[PATH_MAX], *slash;

	if (snprintf(dir, sizeof(dir), "%s", a->cfg.database) >=
	    (int)sizeof(dir)) {
		log_err("database path too long");
		return USERCGI_UNAVAILABLE;
	}
	if ((slash = strrchr(dir, '/')) == NULL)
		(void)snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK | X_OK) == -1) {
		log_err("the database directory %s is not writable (SQLite "
		    "keeps its -wal and -shm files there): %s", dir,
		    strerror(errno));
		return USERCGI_UNAVAILABLE;
	}
	if (access(a->cfg.database, F_OK) == 0 &&
	    access(a->cfg.database, R_OK | W_OK) == -1) {
		log_err("the database %s is not writable: %s",
		    a->cfg.database, strerror(errno));
		return USERCGI_UNAVAILABLE;
	}
	if (app_db_exposed(a, getenv("DOCUMENT_ROOT")))
		return USERCGI_UNAVAILABLE;
	return USERCGI_OK;
}

/*
 * Set once app_warm has connected one app of this process to a
 * PostgreSQL database.  app_warm runs in the main thread, before the
 * worker threads start.
 */
static int	app_pg_warmed;

enum usercgi_err
app_warm(struct app *a)
{
	struct http_resp	 r;
	int			 pg = store_is_postgresql(a->cfg.database);

	if (!pg && app_warm_sqlite(a) != USERCGI_OK)
		return USERCGI_UNAVAILABLE;
	/* Failures here are logged and retried by the first request. */
	(void)app_auth_new(a);
	/*
	 * A PostgreSQL connection costs a server process: the first app
	 * connects (and creates the schema), the other threads connect on
	 * their first request, so a restarted worker serves at once.
	 */
	if (pg && app_pg_warmed)
		return USERCGI_OK;
	http_resp_init(&r);
	(void)app_store(a, &r);
	http_resp_free(&r);
	if (pg && a->store != NULL)
		app_pg_warmed = 1;
	return USERCGI_OK;
}

void
app_free(struct app *a)
{
	if (a->auth != NULL)
		auth_free(a->auth);
	if (a->jwksrc_owned)
		jwksrc_free(a->jwksrc);
	if (a->store != NULL)
		store_close(a->store);
	cfg_free(&a->cfg);
	free(a->docroot);
	memset(a, 0, sizeof(*a));
}
