/*
 * api_users.c: the user record (users-api.md §1-§3, §5, §7): GET and POST
 * /api/users, GET, PATCH and DELETE /api/users/{id}, custom-data,
 * profile, is-suspended and logto-configs.  The store speaks in users
 * and queries (store.h); the bodies are validated in user.c and
 * user_update.c.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "api.h"
#include "auth.h"
#include "http.h"
#include "log.h"
#include "phone.h"
#include "pw.h"
#include "pw_verify.h"
#include "query.h"
#include "store.h"
#include "user.h"
#include "user_update.h"

#define API_ID_TRIES	8	/* ids drawn before giving up */
#define API_LINK_MAX	(32 * 1024)	/* the Link header's value */

/*
 * Draws a user id: 12 characters of [0-9a-z], uniform, from libsodium's
 * CSPRNG (getrandom(2); unlike OpenSSL's RAND_bytes it instantiates no
 * DRBG, which a CGI process would pay for on every create).
 */
static enum usercgi_err
api_new_id(char id[STORE_ID_LEN + 1])
{
	static const char	 alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	unsigned char		 rnd[32];
	size_t			 i, n = 0;

	if (sodium_init() < 0) {
		log_err("sodium_init failed");
		return USERCGI_INTERNAL;
	}
	while (n < STORE_ID_LEN) {
		randombytes_buf(rnd, sizeof(rnd));
		/* 252 = 7 * 36: reject the top bytes to avoid modulo bias. */
		for (i = 0; i < sizeof(rnd) && n < STORE_ID_LEN; i++)
			if (rnd[i] < 252)
				id[n++] = alphabet[rnd[i] % 36];
	}
	id[STORE_ID_LEN] = '\0';
	return USERCGI_OK;
}

/* Renders the data member of entity.value_too_long for a column limit. */
static void
api_too_long(struct http_resp *r, int limit)
{
	char	data[128];

	(void)snprintf(data, sizeof(data), "{\"message\":\"value too long for "
	    "type character varying(%d)\"}", limit);
	app_error(r, USERCGI_VALUE_TOO_LONG, data, NULL, NULL);
}

/*
 * Checks 9-11 of create-user.md §2: the imported digest, the phone number
 * (normalised in place: in->primary_phone then holds the stored form),
 * the column lengths; for PATCH (users-api.md §2, no digest) the last
 * two.  Returns USERCGI_OK, or the first failure already
 * rendered into r.
 */
static enum usercgi_err
api_late_checks(struct user_input *in, struct http_resp *r)
{
	char			 why[128], msg[256], phone[PHONE_BUFSZ];
	int			 limit;
	enum usercgi_err	 rc;

	if (in->password_algorithm != NULL) {
		why[0] = '\0';
		rc = pw_check_import(in->password_algorithm, in->password_digest,
		    why, sizeof(why));
		if (rc == USERCGI_PW_LEGACY_HASH) {
			(void)snprintf(msg, sizeof(msg),
			    "Unsupported legacy hash algorithm: %s.", why);
			app_error(r, rc, NULL, NULL, msg);
			return rc;
		} else if (rc == USERCGI_PW_DIGEST_INVALID && why[0] != '\0') {
			(void)snprintf(msg, sizeof(msg),
			    "The password digest is not valid for %s: %s.",
			    in->password_algorithm, why);
			app_error(r, rc, NULL, NULL, msg);
			return rc;
		} else if (rc != USERCGI_OK) {
			app_error(r, rc, NULL, NULL, NULL);
			return rc;
		}
	}
	if (in->primary_phone != NULL) {
		rc = phone_normalize(in->primary_phone, strlen(in->primary_phone),
		    phone, sizeof(phone));
		if (rc == USERCGI_INVALID_PHONE) {
			app_error(r, rc, "{\"name\":\"ParseError\"}", NULL,
			    NULL);
			return rc;
		} else if (rc == USERCGI_VALUE_TOO_LONG) {
			api_too_long(r, PHONE_MAXLEN);
			return rc;
		} else if (rc != USERCGI_OK) {
			app_error(r, rc, NULL, NULL, NULL);
			return rc;
		}
		free(in->primary_phone);
		if ((in->primary_phone = xstrdup(phone)) == NULL) {
			app_error(r, USERCGI_NOMEM, NULL, NULL, NULL);
			return USERCGI_NOMEM;
		}
	}
	if ((rc = user_check_lengths(in, &limit)) != USERCGI_OK) {
		api_too_long(r, limit);
		return rc;
	}
	return USERCGI_OK;
}

/*
 * Checks 6-8 of create-user.md §2 (username, email, phone taken).
 * Returns USERCGI_OK, or the error already rendered into r.
 */
static enum usercgi_err
api_conflict(struct app *a, const struct user_input *in, struct http_resp *r)
{
	enum usercgi_err	rc;

	rc = store_find_conflict(a->store, in->username, in->primary_email,
	    in->primary_phone);
	if (rc != USERCGI_OK)
		app_error(r, rc, NULL, NULL, NULL);
	return rc;
}

/*
 * POST /api/users (create-user.md).  Renders the outcome into r.
 */
void
api_users_create(struct app *a, struct http_req *rq, struct http_resp *r,
    const struct app_args *args)
{
	struct json_object	*body = NULL;
	struct user_input	 in;
	struct store_user	 u;
	struct buf		 data, details;
	struct pw_params	 pp;
	char			 hash[PW_ENCODED_MAX];
	int			 prechecked, tries;
	enum usercgi_err	 rc;

	memset(&in, 0, sizeof(in));
	memset(&u, 0, sizeof(u));
	buf_init(&data, app_data_max(a));
	buf_init(&details, APP_MAX_DETAILS);
	hash[0] = '\0';

	if (app_auth(a, rq, r) != USERCGI_OK)
		goto out;
	if (app_body(a, rq, r, &body) != USERCGI_OK)
		goto out;
	rc = user_parse_create(body, &in, &data, &details);
	if (rc != USERCGI_OK) {
		app_guard_error(r, rc, &data, &details);
		goto out;
	}
	if ((rc = app_store(a, r)) != USERCGI_OK)
		goto out;
	/*
	 * Checks 6-8 read the database.  The UNIQUE constraints give the same
	 * answers at insert time, so the read is made only where it changes
	 * the outcome: before an argon2 hash (none is spent on a taken name),
	 * and when a later check fails (an earlier check's error wins).
	 */
	prechecked = in.password != NULL;
	if (prechecked && (rc = api_conflict(a, &in, r)) != USERCGI_OK)
		goto out;
	if ((rc = api_late_checks(&in, r)) != USERCGI_OK) {
		if (!prechecked)
			(void)api_conflict(a, &in, r);
		goto out;
	}
	if (in.password != NULL) {
		app_pw_params(a, &pp);
		rc = pw_hash(&pp, in.password, in.password_len, hash,
		    sizeof(hash));
		if (rc != USERCGI_OK) {
			app_error(r, rc, NULL, NULL, NULL);
			goto out;
		}
		u.password_encrypted = hash;
		u.password_encryption_method = "Argon2i";
	} else if (in.password_digest != NULL) {
		u.password_encrypted = in.password_digest;
		u.password_encryption_method = in.password_algorithm;
	}
	u.username = in.username;
	u.primary_email = in.primary_email;
	u.primary_phone = in.primary_phone;
	u.name = in.name;
	u.avatar = in.avatar;
	u.profile_json = in.profile_json != NULL ? in.profile_json : "{}";
	u.custom_data_json = in.custom_data_json != NULL ?
	    in.custom_data_json : "{}";
	u.identities_json = "{}";
	u.application_id = NULL;
	u.is_suspended = 0;
	u.last_sign_in_at = -1;
	u.created_at = u.updated_at = app_now_ms();
	u.password_updated_at = u.password_encrypted != NULL ?
	    u.created_at : -1;
	for (tries = 0; tries < API_ID_TRIES; tries++) {
		if ((rc = api_new_id(u.id)) != USERCGI_OK)
			break;
		if ((rc = store_user_insert(a->store, &u)) != USERCGI_ID_TAKEN)
			break;
		log_warn("user id collision, drawing again");
	}
	if (rc != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	buf_reset(&r->body);
	if ((rc = user_render(&r->body, &u, 0)) != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	r->status = 200;
	memcpy(a->logid, u.id, sizeof(a->logid));
out:
	secure_zero(hash, sizeof(hash));
	user_input_free(&in);
	if (body != NULL)
		json_object_put(body);
	buf_free(&data);
	buf_free(&details);
}


/*
 * Returns 1 when the query string (RFC 3875 §4.1.7) has the parameter
 * name (its first occurrence, as URLSearchParams.get) with a value that
 * Logto's yes() takes for true: 1, true, y, yes, yep or yeah in any
 * letter case.
 */
static int
api_query_yes(const char *q, const char *name)
{
	static const char *const yes[] = { "1", "true", "y", "yes", "yep",
	    "yeah" };
	size_t	n = strlen(name), v, i;

	while (q != NULL && *q != '\0') {
		if (strncmp(q, name, n) == 0 && (q[n] == '=' || q[n] == '&' ||
		    q[n] == '\0')) {
			q += n + (q[n] == '=');
			v = strcspn(q, "&");
			for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
				if (strlen(yes[i]) == v &&
				    strncasecmp(q, yes[i], v) == 0)
					return 1;
			return 0;
		}
		if ((q = strchr(q, '&')) != NULL)
			q++;
	}
	return 0;
}

/* GET /api/users/{id}: the user object, optionally with its digest. */
void
api_users_get(struct app *a, struct http_req *rq, struct http_resp *r,
    const struct app_args *args)
{
	struct store_user	u;
	enum usercgi_err	rc;

	memset(&u, 0, sizeof(u));
	if (app_auth(a, rq, r) != USERCGI_OK || app_store(a, r) != USERCGI_OK)
		goto out;
	if (app_user(a, r, args->arg[0], &u) != USERCGI_OK)
		goto out;
	buf_reset(&r->body);
	rc = user_render(&r->body, &u,
	    api_query_yes(rq->query_string, "includePasswordHash"));
	if (rc != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	r->status = 200;
out:
	store_user_free(&u);
}

/*
 * Adds Total-Number and Link (users-api.md §1) to r for page of a list
 * with total matches.  Returns USERCGI_OK or the failure (not rendered).
 */
static enum usercgi_err
api_list_headers(struct http_req *rq, struct http_resp *r,
    const struct store_query *q, int64_t total, const char *qs, size_t qlen)
{
	struct buf		 url, link;
	char			 num[32];
	int64_t			 last;
	enum usercgi_err	 rc;

	buf_init(&url, APP_MAX_PATH * 4);
	buf_init(&link, API_LINK_MAX);
	last = total / q->page_size + (total % q->page_size != 0);
	if (last < 1)
		last = 1;
	(void)snprintf(num, sizeof(num), "%lld", (long long)total);
	if ((rc = http_resp_header(r, "Total-Number", num)) == USERCGI_OK &&
	    (rc = http_base_url(rq, &url)) == USERCGI_OK &&
	    (rc = query_link(&link, buf_str(&url), qs, qlen, q->page,
	    last)) == USERCGI_OK)
		rc = http_resp_header(r, "Link", buf_str(&link));
	buf_free(&url);
	buf_free(&link);
	return rc;
}

/*
 * GET /api/users (users-api.md §1): one page of the users matching the
 * query, created_at descending (ties by id descending), with
 * Total-Number and Link.
 */
void
api_users_list(struct app *a, struct http_req *rq, struct http_resp *r,
    const struct app_args *args)
{
	struct query_users	 qu;
	struct store_user	*users = NULL;
	struct buf		 text, msg;
	const char		*data;
	const char		*qs = rq->query_string != NULL ?
				    rq->query_string : "";
	size_t			 qlen = strnlen(qs, QUERY_MAX_LEN + 1), n = 0, i;
	int64_t			 total = 0;
	enum usercgi_err	 rc;

	(void)args;
	memset(&qu, 0, sizeof(qu));
	buf_init(&text, QUERY_TEXT_MAX);
	buf_init(&msg, QUERY_TEXT_MAX + 64);
	if (app_auth(a, rq, r) != USERCGI_OK)
		goto out;
	rc = query_parse_users(qs, qlen, &qu, &text);
	if (rc == USERCGI_BAD_SEARCH) {
		/*
		 * Logto: the search's TypeError becomes the data ({}); the
		 * two exclusions together are its own error, without data.
		 */
		data = qu.exclude_role && qu.exclude_organization ? NULL : "{}";
		if (buf_addstr(&msg, "Input is invalid. ") == USERCGI_OK &&
		    buf_add(&msg, buf_str(&text), text.len) == USERCGI_OK)
			app_error(r, rc, data, NULL, buf_str(&msg));
		else
			app_error(r, rc, data, NULL, NULL);
		goto out;
	} else if (rc != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	if (app_store(a, r) != USERCGI_OK)
		goto out;
	rc = store_user_list(a->store, &qu.q, &users, &n, &total);
	if (rc != USERCGI_OK) {
		app_error(r, rc, rc == USERCGI_BAD_PATTERN ? "{}" : NULL, NULL,
		    NULL);
		goto out;
	}
	buf_reset(&r->body);
	rc = buf_addc(&r->body, '[');
	for (i = 0; i < n && rc == USERCGI_OK; i++) {
		if (i > 0)
			rc = buf_addc(&r->body, ',');
		if (rc == USERCGI_OK)
			rc = user_render(&r->body, &users[i],
			    qu.include_password_hash);
	}
	if (rc == USERCGI_OK)
		rc = buf_addc(&r->body, ']');
	if (rc == USERCGI_OK)
		rc = api_list_headers(rq, r, &qu.q, total, qs, qlen);
	if (rc != USERCGI_OK) {
		buf_reset(&r->headers);
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	r->status = 200;
out:
	store_users_free(users, n);
	query_users_free(&qu);
	buf_free(&text);
	buf_free(&msg);
}

/* The store's patch for a validated PATCH /api/users/{id} body. */
static void
api_store_patch(const struct user_patch *up, struct store_patch *p)
{
	static const struct {
		unsigned	from, to;
	} bits[] = {
		{ USER_PATCH_USERNAME, STORE_P_USERNAME },
		{ USER_PATCH_EMAIL, STORE_P_EMAIL },
		{ USER_PATCH_PHONE, STORE_P_PHONE },
		{ USER_PATCH_NAME, STORE_P_NAME },
		{ USER_PATCH_AVATAR, STORE_P_AVATAR },
		{ USER_PATCH_CUSTOM_DATA, STORE_P_CUSTOM_DATA },
		{ USER_PATCH_PROFILE, STORE_P_PROFILE },
	};
	size_t	i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (up->set & bits[i].from)
			p->set |= bits[i].to;
	p->username = up->v.username;
	p->primary_email = up->v.primary_email;
	p->primary_phone = up->v.primary_phone;
	p->name = up->v.name;
	p->avatar = up->v.avatar;
	p->custom_data_json = up->v.custom_data_json;
	p->profile_json = up->v.profile_json;
}

/*
 * PATCH /api/users/{id} (users-api.md §2): 400 -> 404 -> email, phone,
 * username taken by another user (422) -> unparsable phone -> lengths
 * -> an empty update (422) -> written; the database's constraints
 * decide a race the same way.
 */
void
api_users_patch(struct app *a, struct http_req *rq, struct http_resp *r,
    const struct app_args *args)
{
	struct json_object	*body = NULL;
	struct user_patch	 up;
	struct store_user	 u;
	struct store_patch	 p;
	struct buf		 data, details;
	enum usercgi_err	 rc;

	memset(&up, 0, sizeof(up));
	memset(&u, 0, sizeof(u));
	buf_init(&data, app_data_max(a));
	buf_init(&details, APP_MAX_DETAILS);
	if (app_auth(a, rq, r) != USERCGI_OK ||
	    app_body(a, rq, r, &body) != USERCGI_OK)
		goto out;
	if ((rc = user_parse_patch(body, &up, &data, &details)) != USERCGI_OK) {
		app_guard_error(r, rc, &data, &details);
		goto out;
	}
	if (app_store(a, r) != USERCGI_OK ||
	    app_user(a, r, args->arg[0], &u) != USERCGI_OK)
		goto out;
	rc = store_find_update_conflict(a->store, u.id, up.v.primary_email,
	    up.v.primary_phone, up.v.username);
	if (rc != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	if (api_late_checks(&up.v, r) != USERCGI_OK)
		goto out;
	if (up.set == 0) {
		app_error(r, USERCGI_EMPTY_UPDATE, NULL, NULL, NULL);
		goto out;
	}
	api_store_patch(&up, &p);
	(void)app_user_update(a, r, u.id, &p);
out:
	user_patch_free(&up);
	store_user_free(&u);
	if (body != NULL)
		json_object_put(body);
	buf_free(&data);
	buf_free(&details);
}

/*
 * DELETE /api/users/{id} (users-api.md §5): the token's own subject is
 * 400 user.cannot_delete_self before the existence check; then 404, or
 * a hard delete and 204 with no body.
 */
void
api_users_delete(struct app *a, struct http_req *rq, struct http_resp *r,
    const struct app_args *args)
{
	char			sub[APP_MAX_PATH];
	enum usercgi_err	rc;

	if (app_auth(a, rq, r) != USERCGI_OK)
		return;
	rc = auth_token_sub(rq->authorization, sub, sizeof(sub));
	if (rc == USERCGI_OK && strcmp(sub, args->arg[0]) == 0) {
		app_error(r, USERCGI_DELETE_SELF, NULL, NULL, NULL);
		return;
	} else if (rc == USERCGI_NOMEM) {
		app_error(r, rc, NULL, NULL, NULL);
		return;
	}
	if (app_store(a, r) != USERCGI_OK)
		return;
	if ((rc = store_user_delete(a->store, args->arg[0])) != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		return;
	}
	log_info("user %s deleted", args->arg[0]);
	buf_reset(&r->body);
	r->status = 204;
}

/* GET /api/users/{id}/custom-data: the customData object. */
void
api_users_custom_data_get(struct app *a, struct http_req *rq,
    struct http_resp *r, const struct app_args *args)
{
	struct store_user	u;
	enum usercgi_err	rc;

	memset(&u, 0, sizeof(u));
	if (app_auth(a, rq, r) != USERCGI_OK || app_store(a, r) != USERCGI_OK ||
	    app_user(a, r, args->arg[0], &u) != USERCGI_OK)
		goto out;
	buf_reset(&r->body);
	if ((rc = buf_addstr(&r->body, u.custom_data_json)) != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	r->status = 200;
out:
	store_user_free(&u);
}

/*
 * The PATCH sub-routes that merge one object: parse validates the body
 * into *json; the store merges it into the stored object inside its
 * write transaction (merge is STORE_P_CUSTOM_MERGE or
 * STORE_P_PROFILE_MERGE); the answer is the whole merged object.
 */
static void
api_merge(struct app *a, struct http_req *rq, struct http_resp *r,
    const char *id, unsigned merge,
    enum usercgi_err (*parse)(struct json_object *, char **, struct buf *,
    struct buf *))
{
	struct json_object	*body = NULL;
	struct store_user	 out;
	struct store_patch	 p;
	struct buf		 data, details;
	char			*json = NULL;
	const char		*res;
	enum usercgi_err	 rc;

	memset(&out, 0, sizeof(out));
	buf_init(&data, app_data_max(a));
	buf_init(&details, APP_MAX_DETAILS);
	if (app_auth(a, rq, r) != USERCGI_OK ||
	    app_body(a, rq, r, &body) != USERCGI_OK)
		goto out;
	if ((rc = parse(body, &json, &data, &details)) != USERCGI_OK) {
		app_guard_error(r, rc, &data, &details);
		goto out;
	}
	if (app_store(a, r) != USERCGI_OK)
		goto out;
	memset(&p, 0, sizeof(p));
	p.set = merge;
	if (merge == STORE_P_CUSTOM_MERGE)
		p.custom_data_json = json;
	else {
		p.profile_json = json;
		p.profile_keys = user_profile_keys;
	}
	if ((rc = store_user_update(a->store, id, &p, app_now_ms(), &out)) !=
	    USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	res = merge == STORE_P_CUSTOM_MERGE ? out.custom_data_json :
	    out.profile_json;
	buf_reset(&r->body);
	if ((rc = buf_addstr(&r->body, res)) != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	r->status = 200;
out:
	free(json);
	store_user_free(&out);
	if (body != NULL)
		json_object_put(body);
	buf_free(&data);
	buf_free(&details);
}

/* PATCH /api/users/{id}/custom-data: {"customData": object}, merged. */
void
api_users_custom_data_patch(struct app *a, struct http_req *rq,
    struct http_resp *r, const struct app_args *args)
{
	api_merge(a, rq, r, args->arg[0], STORE_P_CUSTOM_MERGE,
	    user_parse_custom_data);
}

/* PATCH /api/users/{id}/profile: {"profile": profile}, merged. */
void
api_users_profile_patch(struct app *a, struct http_req *rq,
    struct http_resp *r, const struct app_args *args)
{
	api_merge(a, rq, r, args->arg[0], STORE_P_PROFILE_MERGE,
	    user_parse_profile);
}

/*
 * PATCH /api/users/{id}/is-suspended: {"isSuspended": boolean} -> 404 ->
 * set (again is allowed and moves updatedAt) -> 200 with the user.
 */
void
api_users_suspend(struct app *a, struct http_req *rq, struct http_resp *r,
    const struct app_args *args)
{
	struct json_object	*body = NULL;
	struct store_patch	 p;
	struct buf		 data, details;
	int			 on = 0;
	enum usercgi_err	 rc;

	buf_init(&data, app_data_max(a));
	buf_init(&details, APP_MAX_DETAILS);
	if (app_auth(a, rq, r) != USERCGI_OK ||
	    app_body(a, rq, r, &body) != USERCGI_OK)
		goto out;
	rc = user_parse_flag(body, "isSuspended", &on, &data, &details);
	if (rc != USERCGI_OK) {
		app_guard_error(r, rc, &data, &details);
		goto out;
	}
	if (app_store(a, r) != USERCGI_OK)
		goto out;
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_SUSPENDED;
	p.is_suspended = on;
	(void)app_user_update(a, r, args->arg[0], &p);
out:
	if (body != NULL)
		json_object_put(body);
	buf_free(&data);
	buf_free(&details);
}

/* Renders the logto-configs answer (§7) for u as the 200 body of r. */
static void
api_logto_ok(struct http_resp *r, const struct store_user *u)
{
	enum usercgi_err	rc;

	buf_reset(&r->body);
	if ((rc = user_logto_config_render(&r->body, &u->logto_config)) !=
	    USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		return;
	}
	r->status = 200;
}

/* GET /api/users/{id}/logto-configs. */
void
api_users_logto_get(struct app *a, struct http_req *rq, struct http_resp *r,
    const struct app_args *args)
{
	struct store_user	u;

	memset(&u, 0, sizeof(u));
	if (app_auth(a, rq, r) == USERCGI_OK && app_store(a, r) == USERCGI_OK &&
	    app_user(a, r, args->arg[0], &u) == USERCGI_OK)
		api_logto_ok(r, &u);
	store_user_free(&u);
}

/* PATCH /api/users/{id}/logto-configs: only the booleans sent change. */
void
api_users_logto_patch(struct app *a, struct http_req *rq,
    struct http_resp *r, const struct app_args *args)
{
	struct json_object	*body = NULL;
	struct store_user	 out;
	struct store_patch	 p;
	struct buf		 data, details;
	enum usercgi_err	 rc;

	memset(&out, 0, sizeof(out));
	memset(&p, 0, sizeof(p));
	buf_init(&data, app_data_max(a));
	buf_init(&details, APP_MAX_DETAILS);
	if (app_auth(a, rq, r) != USERCGI_OK ||
	    app_body(a, rq, r, &body) != USERCGI_OK)
		goto out;
	rc = user_parse_logto_config(body, &p.logto_config, &data, &details);
	if (rc != USERCGI_OK) {
		app_guard_error(r, rc, &data, &details);
		goto out;
	}
	if (app_store(a, r) != USERCGI_OK)
		goto out;
	p.set = STORE_P_LOGTO_CONFIG;
	if ((rc = store_user_update(a->store, args->arg[0], &p, app_now_ms(),
	    &out)) != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	api_logto_ok(r, &out);
out:
	store_user_free(&out);
	if (body != NULL)
		json_object_put(body);
	buf_free(&data);
	buf_free(&details);
}
