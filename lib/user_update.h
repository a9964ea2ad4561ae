/*
 * user_update.h: the bodies of the routes that change a user
 * (shared/spec/users-api.md §2-§7), and the JSON the handlers hand to
 * the store or answer with.
 *
 * Every parser validates as Logto's koaGuard does: unknown members are
 * dropped, problems are collected in schema order as zod issues, and a
 * failure returns USERCGI_GUARD with zod's "data" object appended to
 * data (JSON text) and the "details" lines appended to details, exactly
 * as user_parse_create does; or USERCGI_NOMEM / USERCGI_TOO_LARGE.  On
 * any failure the outputs are freed and NULL.
 */
#ifndef USERCGI_USER_UPDATE_H
#define USERCGI_USER_UPDATE_H

#include <json-c/json.h>

#include "buf.h"
#include "err.h"
#include "store.h"
#include "user.h"
#include "zod.h"

/* Hard maximum of a JSON object text built here (customData, profile, ...). */
#define USER_JSON_MAX	(8u << 20)

/* The members a PATCH /api/users/{id} body gives (struct user_patch.set). */
#define USER_PATCH_USERNAME	0x01u
#define USER_PATCH_EMAIL	0x02u
#define USER_PATCH_PHONE	0x04u
#define USER_PATCH_NAME		0x08u
#define USER_PATCH_AVATAR	0x10u
#define USER_PATCH_CUSTOM_DATA	0x20u
#define USER_PATCH_PROFILE	0x40u

/*
 * A validated PATCH /api/users/{id} body (§2).  set says which members
 * the body gives; v holds their values, as user_parse_create fills
 * struct user_input: a scalar that is null or "" is NULL there (the
 * column is cleared), customData and profile are compact JSON object
 * text that replaces the stored object.  v's password members stay NULL.
 * set == 0 (an empty body) is valid here; the handler answers 422.
 */
struct user_patch {
	unsigned		 set;
	struct user_input	 v;
};

enum usercgi_err user_parse_patch(struct json_object *body,
	    struct user_patch *p, struct buf *data, struct buf *details);
void	user_patch_free(struct user_patch *p);

/*
 * PATCH /api/users/{id}/custom-data: {"customData": <object>} (§3).
 * Returns USERCGI_OK with *json the object's compact text (caller frees).
 */
enum usercgi_err user_parse_custom_data(struct json_object *body, char **json,
	    struct buf *data, struct buf *details);

/*
 * PATCH /api/users/{id}/profile: {"profile": <profile object>} (§3).
 * Returns USERCGI_OK with *json the known members in schema order
 * (caller frees).
 */
enum usercgi_err user_parse_profile(struct json_object *body, char **json,
	    struct buf *data, struct buf *details);

/*
 * {"<key>": boolean} with the member required (is-suspended §5,
 * password/expiration §4).  Returns USERCGI_OK with *val 0 or 1.
 */
enum usercgi_err user_parse_flag(struct json_object *body, const char *key,
	    int *val, struct buf *data, struct buf *details);

/*
 * PUT /api/users/{id}/identities/{target} (§6): {"userId": string of at
 * least one character, "details"?: object}.  Returns USERCGI_OK with
 * *user_id and *details_json (NULL when absent) owned by the caller.
 */
enum usercgi_err user_parse_identity(struct json_object *body,
	    char **user_id, char **details_json, struct buf *data,
	    struct buf *details);

/*
 * {"mfa"?: {"enabled"?, "skipped"?, "additionalBindingSuggestionSkipped"?,
 * "skipMfaOnSignIn"?: boolean}, "passkeySignIn"?: {"skipped"?: boolean}}.
 * additionalBindingSuggestionSkipped is checked and dropped, as Logto's
 * route does.  Each member of *p is -1 (not sent), 0 or 1.
 */
enum usercgi_err user_parse_logto_config(struct json_object *body,
	    struct store_logto_config *p, struct buf *data, struct buf *details);

/*
 * The identity object {"userId":user_id,"details":<details_json>} that
 * PUT .../identities/{target} stores ("details" only when details_json
 * is not NULL).  Returns USERCGI_OK with *out (caller frees),
 * USERCGI_TOO_LARGE or USERCGI_NOMEM.
 */
enum usercgi_err user_identity_json(const char *user_id,
	    const char *details_json, char **out);

/*
 * Appends the logto-configs answer (§7) for the stored booleans c
 * (mfa_enabled -1: never set): {"mfa":{"enabled"?,"skipped",
 * "skipMfaOnSignIn"},"passkeySignIn":{"skipped"}}.  Returns USERCGI_OK,
 * USERCGI_NOMEM or USERCGI_TOO_LARGE.
 */
enum usercgi_err user_logto_config_render(struct buf *out,
	    const struct store_logto_config *c);

#endif
