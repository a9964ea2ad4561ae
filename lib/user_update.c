/*
 * user_update.c: the bodies of PATCH /api/users/{id} and its sub-routes,
 * PUT .../identities/{target} (users-api.md §2-§7), and the JSON the
 * handlers hand to the store or answer with.
 *
 * The guards are Logto's (routes/admin-user/basics.ts, social.ts), run
 * by zod 3.24.3: members are checked in schema order; for a member
 * X.or(literal('')).nullable() a value of the wrong type is one
 * invalid_union issue, while a string failing X's regex or url check is
 * that check's issue alone (zod's union returns its first "dirty"
 * member's issues); null and "" clear the column.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "err.h"
#include "json.h"
#include "url.h"
#include "user.h"
#include "user_update.h"
#include "utf8.h"
#include "zod.h"


/* The root path [] of a body. */
static const struct zod_path uu_root = { { NULL, NULL, NULL }, 0 };

/* The object body, or NULL with the root issue reported. */
static struct json_object *
uu_object(struct zod *z, struct json_object *body)
{
	if (json_object_is_type(body, json_type_object))
		return body;
	zod_invalid_type(z, &uu_root, "object", zod_type_name(body));
	return NULL;
}

static int
uu_has_nul(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

/*
 * One member of the PATCH body that is X.or(literal('')).nullable()
 * with X a string check (match NULL: any string, as for name).
 * Absent: nothing.  null or "": *dst stays NULL and bit is set.  A string
 * that passes: copied into *dst.  Reports the issue otherwise.
 */
static void
uu_scalar(struct zod *z, struct json_object *body, const char *key,
    int (*match)(const char *, size_t), unsigned bit, struct user_patch *p,
    char **dst)
{
	struct json_object	*v;
	struct zod_path		 path = zod_path1(key);
	const char		*s;
	size_t			 n;

	if (!json_object_object_get_ex(body, key, &v))
		return;
	if (v == NULL) {
		p->set |= bit;
		return;
	}
	if (!json_object_is_type(v, json_type_string)) {
		zod_union_literal(z, &path, "string", v);
		return;
	}
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (n > 0 && match != NULL && !match(s, n))
		zod_invalid_string(z, &path, "regex", "Invalid");
	else if (uu_has_nul(s, n))
		zod_nul(z, &path);
	else {
		p->set |= bit;
		if (n > 0)
			zod_dup(z, dst, s, n);
	}
}

/* avatar: string().url().or(literal('')).nullable(), as in POST. */
static void
uu_avatar(struct zod *z, struct json_object *body, struct user_patch *p)
{
	struct json_object	*v;
	struct zod_path		 path = zod_path1("avatar");
	const char		*s;
	size_t			 n;

	if (!json_object_object_get_ex(body, "avatar", &v))
		return;
	if (v == NULL) {
		p->set |= USER_PATCH_AVATAR;
		return;
	}
	if (!json_object_is_type(v, json_type_string)) {
		zod_union_literal(z, &path, "string", v);
		return;
	}
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (n > 0 && !url_is_valid(s, n))
		zod_invalid_string(z, &path, "url", "Invalid url");
	else if (uu_has_nul(s, n))
		zod_nul(z, &path);
	else {
		p->set |= USER_PATCH_AVATAR;
		if (n > 0)
			zod_dup(z, &p->v.avatar, s, n);
	}
}

/*
 * jsonObjectGuard (z.record of any JSON) at path: v must be an object;
 * its compact text goes to *dst.  required: a missing member is an
 * issue ("Required").  Returns 1 when v was present and valid.
 */
static int
uu_json_object(struct zod *z, struct json_object *body, const char *key,
    int required, char **dst)
{
	struct json_object	*v;
	struct zod_path		 path = zod_path1(key);
	struct buf		 b;

	if (!json_object_object_get_ex(body, key, &v)) {
		if (required)
			zod_invalid_type(z, &path, "object", "undefined");
		return 0;
	}
	if (!json_object_is_type(v, json_type_object)) {
		zod_invalid_type(z, &path, "object", zod_type_name(v));
		return 0;
	}
	buf_init(&b, USER_JSON_MAX);
	if (zod_ok(z, jsonw_value(&b, v)) && (*dst = buf_take(&b)) == NULL)
		z->err = USERCGI_NOMEM;
	buf_free(&b);
	return z->err == USERCGI_OK;
}

/*
 * The profile member at key "profile": validated and filtered into *dst
 * (caller frees).  required: a missing member is an issue.  Returns 1
 * when it was present and valid.
 */
static int
uu_profile(struct zod *z, struct json_object *body, int required, char **dst)
{
	struct json_object	*v;
	struct zod_path		 path = zod_path1("profile");
	struct buf		 b;
	int			 before = z->nissues;

	if (!json_object_object_get_ex(body, "profile", &v)) {
		if (required)
			zod_invalid_type(z, &path, "object", "undefined");
		return 0;
	}
	buf_init(&b, USER_JSON_MAX);
	user_profile_filter(z, v, &b);
	if (z->err == USERCGI_OK && z->nissues == before &&
	    (*dst = buf_take(&b)) == NULL)
		z->err = USERCGI_NOMEM;
	buf_free(&b);
	return z->err == USERCGI_OK && z->nissues == before;
}

/*
 * Ends a parse: resets data and details unless the outcome is
 * USERCGI_GUARD (whose text they hold).
 */
static enum usercgi_err
uu_finish(struct zod *z, struct buf *data, struct buf *details)
{
	enum usercgi_err	rc = zod_finish(z, data);

	if (rc != USERCGI_OK && rc != USERCGI_GUARD) {
		buf_reset(data);
		buf_reset(details);
	}
	return rc;
}

enum usercgi_err
user_parse_patch(struct json_object *body, struct user_patch *p,
    struct buf *data, struct buf *details)
{
	struct zod		 z;
	enum usercgi_err	 rc;

	memset(p, 0, sizeof(*p));
	zod_init(&z, data, details);
	if ((body = uu_object(&z, body)) != NULL) {
		uu_scalar(&z, body, "username", user_re_username,
		    USER_PATCH_USERNAME, p, &p->v.username);
		uu_scalar(&z, body, "primaryEmail", user_re_email,
		    USER_PATCH_EMAIL, p, &p->v.primary_email);
		uu_scalar(&z, body, "primaryPhone", user_re_phone,
		    USER_PATCH_PHONE, p, &p->v.primary_phone);
		uu_scalar(&z, body, "name", NULL, USER_PATCH_NAME, p,
		    &p->v.name);
		uu_avatar(&z, body, p);
		if (uu_json_object(&z, body, "customData", 0,
		    &p->v.custom_data_json))
			p->set |= USER_PATCH_CUSTOM_DATA;
		if (uu_profile(&z, body, 0, &p->v.profile_json))
			p->set |= USER_PATCH_PROFILE;
	}
	if ((rc = uu_finish(&z, data, details)) != USERCGI_OK)
		user_patch_free(p);
	return rc;
}

void
user_patch_free(struct user_patch *p)
{
	user_input_free(&p->v);
	p->set = 0;
}

enum usercgi_err
user_parse_custom_data(struct json_object *body, char **json,
    struct buf *data, struct buf *details)
{
	struct zod		 z;
	enum usercgi_err	 rc;

	*json = NULL;
	zod_init(&z, data, details);
	if ((body = uu_object(&z, body)) != NULL)
		(void)uu_json_object(&z, body, "customData", 1, json);
	if ((rc = uu_finish(&z, data, details)) != USERCGI_OK) {
		free(*json);
		*json = NULL;
	}
	return rc;
}

enum usercgi_err
user_parse_profile(struct json_object *body, char **json, struct buf *data,
    struct buf *details)
{
	struct zod		 z;
	enum usercgi_err	 rc;

	*json = NULL;
	zod_init(&z, data, details);
	if ((body = uu_object(&z, body)) != NULL)
		(void)uu_profile(&z, body, 1, json);
	if ((rc = uu_finish(&z, data, details)) != USERCGI_OK) {
		free(*json);
		*json = NULL;
	}
	return rc;
}

/*
 * An optional boolean member key of obj at path (prefix, key): -1 when
 * absent, else 0 or 1; a non-boolean is an issue (and -1).  With
 * required, a missing member is an issue too.
 */
static int
uu_bool(struct zod *z, struct json_object *obj, const char *prefix,
    const char *key, int required)
{
	struct json_object	*v;
	struct zod_path		 path = prefix != NULL ? zod_path2(prefix, key) :
				    zod_path1(key);

	if (!json_object_object_get_ex(obj, key, &v)) {
		if (required)
			zod_invalid_type(z, &path, "boolean", "undefined");
		return -1;
	}
	if (!json_object_is_type(v, json_type_boolean)) {
		zod_invalid_type(z, &path, "boolean", zod_type_name(v));
		return -1;
	}
	return json_object_get_boolean(v) ? 1 : 0;
}

enum usercgi_err
user_parse_flag(struct json_object *body, const char *key, int *val,
    struct buf *data, struct buf *details)
{
	struct zod		 z;

	*val = 0;
	zod_init(&z, data, details);
	if ((body = uu_object(&z, body)) != NULL)
		*val = uu_bool(&z, body, NULL, key, 1) == 1;
	return uu_finish(&z, data, details);
}

enum usercgi_err
user_parse_identity(struct json_object *body, char **user_id,
    char **details_json, struct buf *data, struct buf *details)
{
	struct zod		 z;
	struct zod_path		 path = zod_path1("userId");
	struct json_object	*v;
	const char		*s;
	size_t			 n;
	enum usercgi_err	 rc;

	*user_id = NULL;
	*details_json = NULL;
	zod_init(&z, data, details);
	if ((body = uu_object(&z, body)) == NULL)
		goto out;
	if (!json_object_object_get_ex(body, "userId", &v))
		zod_invalid_type(&z, &path, "string", "undefined");
	else if (!json_object_is_type(v, json_type_string))
		zod_invalid_type(&z, &path, "string", zod_type_name(v));
	else {
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
		if (utf8_utf16_units(s, n) < 1)
			zod_size(&z, &path, 0, 1);
		else if (uu_has_nul(s, n))
			zod_nul(&z, &path);
		else
			zod_dup(&z, user_id, s, n);
	}
	(void)uu_json_object(&z, body, "details", 0, details_json);
out:
	if ((rc = uu_finish(&z, data, details)) != USERCGI_OK) {
		free(*user_id);
		free(*details_json);
		*user_id = NULL;
		*details_json = NULL;
	}
	return rc;
}

/*
 * An optional object member key of body: NULL when absent or not an
 * object (then an issue, null included).
 */
static struct json_object *
uu_sub_object(struct zod *z, struct json_object *body, const char *key)
{
	struct json_object	*v;
	struct zod_path		 path = zod_path1(key);

	if (!json_object_object_get_ex(body, key, &v))
		return NULL;
	if (!json_object_is_type(v, json_type_object)) {
		zod_invalid_type(z, &path, "object", zod_type_name(v));
		return NULL;
	}
	return v;
}

enum usercgi_err
user_parse_logto_config(struct json_object *body, struct store_logto_config *p,
    struct buf *data, struct buf *details)
{
	struct zod		 z;
	struct json_object	*mfa, *pk;
	enum usercgi_err	 rc;

	p->mfa_enabled = p->mfa_skipped = p->mfa_skip_on_sign_in =
	    p->passkey_skipped = -1;
	zod_init(&z, data, details);
	if ((body = uu_object(&z, body)) != NULL) {
		if ((mfa = uu_sub_object(&z, body, "mfa")) != NULL) {
			p->mfa_enabled = uu_bool(&z, mfa, "mfa", "enabled", 0);
			p->mfa_skipped = uu_bool(&z, mfa, "mfa", "skipped", 0);
			(void)uu_bool(&z, mfa, "mfa",
			    "additionalBindingSuggestionSkipped", 0);
			p->mfa_skip_on_sign_in = uu_bool(&z, mfa, "mfa",
			    "skipMfaOnSignIn", 0);
		}
		if ((pk = uu_sub_object(&z, body, "passkeySignIn")) != NULL)
			p->passkey_skipped = uu_bool(&z, pk, "passkeySignIn",
			    "skipped", 0);
	}
	if ((rc = uu_finish(&z, data, details)) != USERCGI_OK)
		p->mfa_enabled = p->mfa_skipped = p->mfa_skip_on_sign_in =
		    p->passkey_skipped = -1;
	return rc;
}

enum usercgi_err
user_identity_json(const char *user_id, const char *details_json, char **out)
{
	struct buf		b;
	enum usercgi_err	rc;

	*out = NULL;
	buf_init(&b, USER_JSON_MAX);
	if ((rc = buf_addstr(&b, "{\"userId\":")) == USERCGI_OK &&
	    (rc = jsonw_str(&b, user_id, strlen(user_id))) == USERCGI_OK &&
	    details_json != NULL &&
	    (rc = buf_addstr(&b, ",\"details\":")) == USERCGI_OK)
		rc = buf_addstr(&b, details_json);
	if (rc == USERCGI_OK)
		rc = buf_addc(&b, '}');
	if (rc == USERCGI_OK && (*out = buf_take(&b)) == NULL)
		rc = USERCGI_NOMEM;
	buf_free(&b);
	return rc;
}

enum usercgi_err
user_logto_config_render(struct buf *out, const struct store_logto_config *c)
{
	enum usercgi_err	rc;

	if ((rc = buf_addstr(out, "{\"mfa\":{")) != USERCGI_OK)
		return rc;
	if (c->mfa_enabled >= 0 && (rc = buf_printf(out, "\"enabled\":%s,",
	    c->mfa_enabled ? "true" : "false")) != USERCGI_OK)
		return rc;
	return buf_printf(out, "\"skipped\":%s,\"skipMfaOnSignIn\":%s},"
	    "\"passkeySignIn\":{\"skipped\":%s}}",
	    c->mfa_skipped == 1 ? "true" : "false",
	    c->mfa_skip_on_sign_in == 1 ? "true" : "false",
	    c->passkey_skipped == 1 ? "true" : "false");
}
