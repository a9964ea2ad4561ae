/*
 * api.h: what the request lifecycle (app.c) shares with the handlers of
 * each resource family: api_users.c (the user record, list and search,
 * custom-data, profile, logto-configs), api_passwords.c (password,
 * expiration, has-password, verify), api_identities.c.  Internal to
 * those four files.
 *
 * A handler is called after routing, with the path parameters of its
 * pattern; it authenticates (app_auth) before it reads a body
 * (app_body), renders every outcome into r (app_error for a failure)
 * and sets r->status.  app_handle sends r, adds the ETag of a 200 GET
 * (answering 304 for a matching If-None-Match) and logs the line.
 */
#ifndef USERCGI_API_H
#define USERCGI_API_H

#include <stddef.h>
#include <json-c/json.h>

#include "app.h"
#include "buf.h"
#include "err.h"
#include "http.h"
#include "pw.h"
#include "store.h"

#define APP_MAX_PATH	4096
#define APP_MAX_ARGS	2	/* "{}" segments in a route pattern */
#define APP_MAX_DETAILS	(64 * 1024)	/* zod details text, cut beyond */

/*
 * The parameters of a matched route: arg[i] is the i-th "{}" segment of
 * its pattern, NUL-terminated in buf.
 */
struct app_args {
	const char	*arg[APP_MAX_ARGS];
	size_t		 n;
	char		 buf[APP_MAX_PATH];
};

/*
 * Renders the error body for e into r: {"code","data","details",
 * "message"} in that order, absent members omitted (create-user.md §2).
 * data is JSON text or NULL; details (NULL: none) and message (NULL: the
 * table's) are plain text.  Never fails.
 */
void	app_error(struct http_resp *r, enum usercgi_err e, const char *data,
	    const struct buf *details, const char *message);

/*
 * Renders the outcome rc of a body parser (user.h, user_update.h) that
 * is not USERCGI_OK: the guard body with data and details for
 * USERCGI_GUARD, else the plain error.
 */
void	app_guard_error(struct http_resp *r, enum usercgi_err rc,
	    const struct buf *data, const struct buf *details);

/*
 * The request's bearer token.  Returns USERCGI_OK, or the error already
 * rendered into r.
 */
enum usercgi_err app_auth(struct app *a, struct http_req *rq,
	    struct http_resp *r);

/*
 * Reads and parses the body (JSON or form), as for POST.  Returns
 * USERCGI_OK with *out (caller puts; an empty body is {}), or the error
 * already rendered into r.
 */
enum usercgi_err app_body(struct app *a, struct http_req *rq,
	    struct http_resp *r, struct json_object **out);

/* Opens the database unless done; a failure is rendered into r. */
enum usercgi_err app_store(struct app *a, struct http_resp *r);

/* The maximum of a guard error's data: a client mistake always fits. */
size_t	app_data_max(const struct app *a);

/* The configured argon2i parameters for new hashes. */
void	app_pw_params(const struct app *a, struct pw_params *pp);

/*
 * Reads user id into *u (caller frees with store_user_free).  Returns
 * USERCGI_OK, or the error rendered into r (404 entity.not_found).
 */
enum usercgi_err app_user(struct app *a, struct http_resp *r, const char *id,
	    struct store_user *u);

/* Renders u as the 200 body of r (create-user.md §5). */
void	app_user_ok(struct http_resp *r, const struct store_user *u);

/*
 * Applies p to user id (store_user_update) and answers 200 with the user
 * as written, or renders the failure.  Returns store_user_update's result.
 */
enum usercgi_err app_user_update(struct app *a, struct http_resp *r,
	    const char *id, const struct store_patch *p);

/* The handlers, in the route table's order (app.c). */
void	api_users_list(struct app *, struct http_req *, struct http_resp *,
	    const struct app_args *);
void	api_users_create(struct app *, struct http_req *, struct http_resp *,
	    const struct app_args *);
void	api_users_get(struct app *, struct http_req *, struct http_resp *,
	    const struct app_args *);
void	api_users_patch(struct app *, struct http_req *, struct http_resp *,
	    const struct app_args *);
void	api_users_delete(struct app *, struct http_req *, struct http_resp *,
	    const struct app_args *);
void	api_users_custom_data_get(struct app *, struct http_req *,
	    struct http_resp *, const struct app_args *);
void	api_users_custom_data_patch(struct app *, struct http_req *,
	    struct http_resp *, const struct app_args *);
void	api_users_profile_patch(struct app *, struct http_req *,
	    struct http_resp *, const struct app_args *);
void	api_users_suspend(struct app *, struct http_req *, struct http_resp *,
	    const struct app_args *);
void	api_users_logto_get(struct app *, struct http_req *,
	    struct http_resp *, const struct app_args *);
void	api_users_logto_patch(struct app *, struct http_req *,
	    struct http_resp *, const struct app_args *);
void	api_pw_set(struct app *, struct http_req *, struct http_resp *,
	    const struct app_args *);
void	api_pw_expiration(struct app *, struct http_req *, struct http_resp *,
	    const struct app_args *);
void	api_pw_verify(struct app *, struct http_req *, struct http_resp *,
	    const struct app_args *);
void	api_pw_has(struct app *, struct http_req *, struct http_resp *,
	    const struct app_args *);
void	api_identity_put(struct app *, struct http_req *, struct http_resp *,
	    const struct app_args *);
void	api_identity_delete(struct app *, struct http_req *,
	    struct http_resp *, const struct app_args *);

#endif
