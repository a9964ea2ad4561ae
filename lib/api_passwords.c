/*
 * api_passwords.c: a user's password (users-api.md §4): PATCH
 * /api/users/{id}/password, PATCH .../password/expiration, GET
 * .../has-password, POST .../password/verify (create-user.md §4).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "log.h"
#include "pw.h"
#include "pw_verify.h"
#include "store.h"
#include "user.h"
#include "user_update.h"

/*
 * PATCH /api/users/{id}/password: {"password": string} (other members
 * dropped) -> 404 -> an argon2i hash with the configured parameters ->
 * stored as Argon2i with password_updated_at -> 200 with the user.  The
 * user is read first so that no hash is spent on an unknown id.
 */
void
api_pw_set(struct app *a, struct http_req *rq, struct http_resp *r,
    const struct app_args *args)
{
	struct json_object	*body = NULL;
	struct store_user	 u;
	struct store_patch	 p;
	struct buf		 data, details;
	struct pw_params	 pp;
	char			*pw = NULL, hash[PW_ENCODED_MAX];
	size_t			 pwlen = 0;
	enum usercgi_err	 rc;

	memset(&u, 0, sizeof(u));
	buf_init(&data, app_data_max(a));
	buf_init(&details, APP_MAX_DETAILS);
	hash[0] = '\0';
	if (app_auth(a, rq, r) != USERCGI_OK ||
	    app_body(a, rq, r, &body) != USERCGI_OK)
		goto out;
	rc = user_parse_password(body, &pw, &pwlen, &data, &details);
	if (rc != USERCGI_OK) {
		app_guard_error(r, rc, &data, &details);
		goto out;
	}
	if (app_store(a, r) != USERCGI_OK ||
	    app_user(a, r, args->arg[0], &u) != USERCGI_OK)
		goto out;
	app_pw_params(a, &pp);
	if ((rc = pw_hash(&pp, pw, pwlen, hash, sizeof(hash))) != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_PASSWORD;
	p.password_encrypted = hash;
	p.password_encryption_method = "Argon2i";
	if (app_user_update(a, r, args->arg[0], &p) == USERCGI_OK)
		log_info("user %s: password set", args->arg[0]);
out:
	if (pw != NULL) {
		secure_zero(pw, pwlen);
		free(pw);
	}
	secure_zero(hash, sizeof(hash));
	store_user_free(&u);
	if (body != NULL)
		json_object_put(body);
	buf_free(&data);
	buf_free(&details);
}

/*
 * PATCH /api/users/{id}/password/expiration: {"isExpired": boolean} ->
 * 404 -> true needs the password_expiration policy (400
 * sign_in_experiences.password_expiration_not_enabled) -> 200 with the
 * user.
 */
void
api_pw_expiration(struct app *a, struct http_req *rq, struct http_resp *r,
    const struct app_args *args)
{
	struct json_object	*body = NULL;
	struct store_user	 u;
	struct store_patch	 p;
	struct buf		 data, details;
	int			 expired = 0;
	enum usercgi_err	 rc;

	memset(&u, 0, sizeof(u));
	buf_init(&data, app_data_max(a));
	buf_init(&details, APP_MAX_DETAILS);
	if (app_auth(a, rq, r) != USERCGI_OK ||
	    app_body(a, rq, r, &body) != USERCGI_OK)
		goto out;
	rc = user_parse_flag(body, "isExpired", &expired, &data, &details);
	if (rc != USERCGI_OK) {
		app_guard_error(r, rc, &data, &details);
		goto out;
	}
	if (app_store(a, r) != USERCGI_OK)
		goto out;
	if (expired && !a->cfg.password_expiration) {
		/* Logto: the user is found before the policy is asked. */
		if (app_user(a, r, args->arg[0], &u) == USERCGI_OK)
			app_error(r, USERCGI_PW_EXPIRATION_OFF, NULL, NULL,
			    NULL);
		goto out;
	}
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_EXPIRED;
	p.is_password_expired = expired;
	(void)app_user_update(a, r, args->arg[0], &p);
out:
	store_user_free(&u);
	if (body != NULL)
		json_object_put(body);
	buf_free(&data);
	buf_free(&details);
}

/* GET /api/users/{id}/has-password: {"hasPassword": true|false}. */
void
api_pw_has(struct app *a, struct http_req *rq, struct http_resp *r,
    const struct app_args *args)
{
	struct store_user	u;
	enum usercgi_err	rc;

	memset(&u, 0, sizeof(u));
	if (app_auth(a, rq, r) != USERCGI_OK || app_store(a, r) != USERCGI_OK ||
	    app_user(a, r, args->arg[0], &u) != USERCGI_OK)
		goto out;
	buf_reset(&r->body);
	rc = buf_printf(&r->body, "{\"hasPassword\":%s}",
	    u.password_encrypted != NULL && u.password_encrypted[0] != '\0' ?
	    "true" : "false");
	if (rc != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	r->status = 200;
out:
	store_user_free(&u);
}

/*
 * POST /api/users/{id}/password/verify: 204 when the password matches
 * the stored digest of any method, which is then upgraded to argon2i
 * (compare-and-set: a concurrent change wins); 422
 * session.invalid_credentials otherwise, also for a stored digest above
 * the cost ceilings, which is never run (pw_verify.h; logged with the
 * user).  A failure costs about one argon2i hash whatever the stored
 * method (pw_check_password).  503 when every slow-hash turn is taken
 * (pw_set_slow_limit).
 */
void
api_pw_verify(struct app *a, struct http_req *rq, struct http_resp *r,
    const struct app_args *args)
{
	struct json_object	*body = NULL;
	struct store_user	 u;
	struct buf		 data, details;
	struct pw_params	 pp;
	char			*pw = NULL, hash[PW_ENCODED_MAX];
	size_t			 pwlen = 0;
	int			 match = 0;
	enum usercgi_err	 rc;

	memset(&u, 0, sizeof(u));
	buf_init(&data, app_data_max(a));
	buf_init(&details, APP_MAX_DETAILS);
	hash[0] = '\0';
	if (app_auth(a, rq, r) != USERCGI_OK ||
	    app_body(a, rq, r, &body) != USERCGI_OK)
		goto out;
	rc = user_parse_password(body, &pw, &pwlen, &data, &details);
	if (rc != USERCGI_OK) {
		app_guard_error(r, rc, &data, &details);
		goto out;
	}
	if (app_store(a, r) != USERCGI_OK)
		goto out;
	if (app_user(a, r, args->arg[0], &u) != USERCGI_OK)
		goto out;
	app_pw_params(a, &pp);
	rc = pw_check_password(&pp, u.password_encryption_method,
	    u.password_encrypted, pw, pwlen, &match);
	if (rc == USERCGI_PW_DIGEST_INVALID) {
		log_warn("user %s: the stored %s digest is above the cost "
		    "ceilings (digest_max_ms, digest_max_mib): not verified",
		    u.id, u.password_encryption_method);
		app_error(r, USERCGI_BAD_CREDENTIALS, NULL, NULL, NULL);
		goto out;
	}
	if (rc != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	if (!match) {
		log_info("password verify failed for user %s", u.id);
		app_error(r, USERCGI_BAD_CREDENTIALS, NULL, NULL, NULL);
		goto out;
	}
	if (pw_needs_upgrade(u.password_encryption_method,
	    u.password_encrypted)) {
		rc = pw_hash(&pp, pw, pwlen, hash, sizeof(hash));
		if (rc == USERCGI_OK)
			rc = store_user_rehash(a->store, u.id,
			    u.password_encrypted, hash, "Argon2i", app_now_ms());
		if (rc == USERCGI_OK)
			log_info("user %s: password upgraded from %s to "
			    "Argon2i", u.id, u.password_encryption_method);
		else if (rc == USERCGI_USER_NOT_FOUND)
			log_info("user %s: password changed meanwhile, not "
			    "upgraded", u.id);
		else {
			app_error(r, rc, NULL, NULL, NULL);
			goto out;
		}
	}
	buf_reset(&r->body);
	r->status = 204;
out:
	if (pw != NULL) {
		secure_zero(pw, pwlen);
		free(pw);
	}
	secure_zero(hash, sizeof(hash));
	store_user_free(&u);
	if (body != NULL)
		json_object_put(body);
	buf_free(&data);
	buf_free(&details);
}
