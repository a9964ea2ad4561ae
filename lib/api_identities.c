/*
 * api_identities.c: a user's social identities (users-api.md §6): PUT
 * and DELETE /api/users/{id}/identities/{target}.  That no two users
 * hold one (target, userId) is the database's rule (store.h), so it
 * holds under concurrency as the other uniqueness rules do.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "store.h"
#include "user_update.h"

/*
 * PUT /api/users/{id}/identities/{target}: {"userId": string,
 * "details"?: object} -> 404 -> 422 user.identity_already_in_use when
 * another user holds it -> 201 when target is new for this user, else
 * 200; the body is the whole identities map.
 */
void
api_identity_put(struct app *a, struct http_req *rq, struct http_resp *r,
    const struct app_args *args)
{
	struct json_object	*body = NULL;
	struct buf		 data, details;
	char			*uid = NULL, *dj = NULL, *ident = NULL;
	char			*map = NULL;
	int			 created = 0;
	enum usercgi_err	 rc;

	buf_init(&data, app_data_max(a));
	buf_init(&details, APP_MAX_DETAILS);
	if (app_auth(a, rq, r) != USERCGI_OK ||
	    app_body(a, rq, r, &body) != USERCGI_OK)
		goto out;
	rc = user_parse_identity(body, &uid, &dj, &data, &details);
	if (rc != USERCGI_OK) {
		app_guard_error(r, rc, &data, &details);
		goto out;
	}
	if ((rc = user_identity_json(uid, dj, &ident)) != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	if (app_store(a, r) != USERCGI_OK)
		goto out;
	rc = store_identity_set(a->store, args->arg[0], args->arg[1], uid,
	    ident, app_now_ms(), &created, &map);
	if (rc != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	buf_reset(&r->body);
	if ((rc = buf_addstr(&r->body, map)) != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	r->status = created ? 201 : 200;
out:
	free(uid);
	free(dj);
	free(ident);
	free(map);
	if (body != NULL)
		json_object_put(body);
	buf_free(&data);
	buf_free(&details);
}

/*
 * DELETE /api/users/{id}/identities/{target}: 404 entity.not_found for
 * an unknown user, 404 user.identity_not_exist when target is not
 * there, else removed and 200 with the user.
 */
void
api_identity_delete(struct app *a, struct http_req *rq, struct http_resp *r,
    const struct app_args *args)
{
	struct store_user	u;
	enum usercgi_err	rc;

	memset(&u, 0, sizeof(u));
	if (app_auth(a, rq, r) != USERCGI_OK || app_store(a, r) != USERCGI_OK)
		goto out;
	rc = store_identity_remove(a->store, args->arg[0], args->arg[1],
	    app_now_ms(), &u);
	if (rc != USERCGI_OK) {
		app_error(r, rc, NULL, NULL, NULL);
		goto out;
	}
	app_user_ok(r, &u);
out:
	store_user_free(&u);
}
