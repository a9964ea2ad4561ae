/*
 * user_update.c: the bodies of PATCH /api/users/{id} and its sub-routes,
 * PUT .../identities/{target} (users-api.md §2-§7), and the JSON values
 * a write computes from the stored ones.
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
#include "log.h"
#include "url.h"
#include "user.h"
#include "user_update.h"
#include "utf8.h"
#include "zod.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Depth of a stored object: a body's value (at most JSON_MAX_DEPTH deep
 * with the body) nests two levels further in the identities map.
 */
#define USER_JSON_DEPTH	(JSON_MAX_DEPTH + 2)

/* userProfileGuard's members, in schema order ("address" last). */
static const char *const uu_profile_keys[] = { "familyName", "givenName",
	"middleName", "nickname", "preferredUsername", "profile", "website",
	"gender", "birthdate", "zoneinfo", "locale", "address" };
static const char *const uu_address_keys[] = { "formatted",
	"streetAddress", "locality", "region", "postalCode", "country" };

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

void
user_profile_filter(struct zod *z, struct json_object *prof, struct buf *out)
{
	struct json_object	*v, *w;
	struct zod_path		 p = zod_path1("profile");
	size_t			 i, j;
	int			 first = 1, afirst;

	if (!json_object_is_type(prof, json_type_object)) {
		zod_invalid_type(z, &p, "object", zod_type_name(prof));
		return;
	}
	(void)zod_ok(z, buf_addc(out, '{'));
	for (i = 0; i < NELEM(uu_profile_keys); i++) {
		p.n = 2;
		p.k[1] = uu_profile_keys[i];
		if (!json_object_object_get_ex(prof, p.k[1], &v))
			continue;
		if (i + 1 < NELEM(uu_profile_keys)) {
			if (!json_object_is_type(v, json_type_string)) {
				zod_invalid_type(z, &p, "string",
				    zod_type_name(v));
				continue;
			}
			(void)zod_ok(z, buf_printf(out, "%s\"%s\":",
			    first ? "" : ",", p.k[1]));
			(void)zod_ok(z, jsonw_value(out, v));
			first = 0;
			continue;
		}
		if (!json_object_is_type(v, json_type_object)) {
			zod_invalid_type(z, &p, "object", zod_type_name(v));
			continue;
		}
		(void)zod_ok(z, buf_printf(out, "%s\"address\":{",
		    first ? "" : ","));
		first = 0;
		afirst = 1;
		p.n = 3;
		for (j = 0; j < NELEM(uu_address_keys); j++) {
			p.k[2] = uu_address_keys[j];
			if (!json_object_object_get_ex(v, p.k[2], &w))
				continue;
			if (!json_object_is_type(w, json_type_string)) {
				zod_invalid_type(z, &p, "string",
				    zod_type_name(w));
				continue;
			}
			(void)zod_ok(z, buf_printf(out, "%s\"%s\":",
			    afirst ? "" : ",", p.k[2]));
			(void)zod_ok(z, jsonw_value(out, w));
			afirst = 0;
		}
		(void)zod_ok(z, buf_addc(out, '}'));
	}
	(void)zod_ok(z, buf_addc(out, '}'));
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
	zod_init(&z, details);
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
	zod_init(&z, details);
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
	zod_init(&z, details);
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
	zod_init(&z, details);
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
	zod_init(&z, details);
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
user_parse_logto_config(struct json_object *body, struct user_logto_patch *p,
    struct buf *data, struct buf *details)
{
	struct zod		 z;
	struct json_object	*mfa, *pk;
	enum usercgi_err	 rc;

	p->mfa_enabled = p->mfa_skipped = p->mfa_skip_mfa_on_sign_in =
	    p->passkey_skipped = -1;
	zod_init(&z, details);
	if ((body = uu_object(&z, body)) != NULL) {
		if ((mfa = uu_sub_object(&z, body, "mfa")) != NULL) {
			p->mfa_enabled = uu_bool(&z, mfa, "mfa", "enabled", 0);
			p->mfa_skipped = uu_bool(&z, mfa, "mfa", "skipped", 0);
			(void)uu_bool(&z, mfa, "mfa",
			    "additionalBindingSuggestionSkipped", 0);
			p->mfa_skip_mfa_on_sign_in = uu_bool(&z, mfa, "mfa",
			    "skipMfaOnSignIn", 0);
		}
		if ((pk = uu_sub_object(&z, body, "passkeySignIn")) != NULL)
			p->passkey_skipped = uu_bool(&z, pk, "passkeySignIn",
			    "skipped", 0);
	}
	if ((rc = uu_finish(&z, data, details)) != USERCGI_OK)
		p->mfa_enabled = p->mfa_skipped = p->mfa_skip_mfa_on_sign_in =
		    p->passkey_skipped = -1;
	return rc;
}

/*
 * Parses the stored JSON object text s (NULL: a new empty object) of at
 * most USER_JSON_DEPTH levels.
 * Returns USERCGI_OK with *out (caller puts), USERCGI_NOMEM, or
 * USERCGI_INTERNAL when s is not a JSON object (logged: the database
 * holds what this program never writes).
 */
static enum usercgi_err
uu_load(const char *s, const char *what, struct json_object **out)
{
	char			 msg[128];
	enum usercgi_err	 rc;

	*out = NULL;
	if (s == NULL)
		return (*out = json_object_new_object()) == NULL ?
		    USERCGI_NOMEM : USERCGI_OK;
	rc = json_parse_strict(s, strlen(s), USER_JSON_DEPTH, out, msg,
	    sizeof(msg));
	if (rc == USERCGI_NOMEM)
		return rc;
	if (rc != USERCGI_OK || !json_object_is_type(*out, json_type_object)) {
		log_err("stored %s is not a JSON object", what);
		json_object_put(*out);
		*out = NULL;
		return USERCGI_INTERNAL;
	}
	return USERCGI_OK;
}

/* Writes v as compact JSON into *out (caller frees), bounded by USER_JSON_MAX. */
static enum usercgi_err
uu_store(struct json_object *v, char **out)
{
	struct buf		b;
	enum usercgi_err	rc;

	*out = NULL;
	buf_init(&b, USER_JSON_MAX);
	if ((rc = jsonw_value(&b, v)) == USERCGI_OK &&
	    (*out = buf_take(&b)) == NULL)
		rc = USERCGI_NOMEM;
	buf_free(&b);
	return rc;
}

/*
 * Sets key of obj to val (one reference handed over, also on failure).
 * json-c keeps an existing key in its place, as a JavaScript spread
 * does, and appends a new one.
 */
static enum usercgi_err
uu_set(struct json_object *obj, const char *key, struct json_object *val)
{
	if (json_object_object_add(obj, key, val) != 0) {
		json_object_put(val);
		return USERCGI_NOMEM;
	}
	return USERCGI_OK;
}

enum usercgi_err
user_merge_object(const char *stored, const char *patch, char **out)
{
	struct json_object	*s = NULL, *p = NULL;
	enum usercgi_err	 rc;

	*out = NULL;
	if ((rc = uu_load(stored, "object", &s)) != USERCGI_OK ||
	    (rc = uu_load(patch, "patch", &p)) != USERCGI_OK)
		goto out;
	json_object_object_foreach(p, key, val) {
		if ((rc = uu_set(s, key, json_object_get(val))) != USERCGI_OK)
			goto out;
	}
	rc = uu_store(s, out);
out:
	json_object_put(s);
	json_object_put(p);
	return rc;
}

enum usercgi_err
user_merge_profile(const char *stored, const char *patch, char **out)
{
	struct json_object	*s = NULL, *p = NULL, *m = NULL, *v;
	enum usercgi_err	 rc;
	size_t			 i;

	*out = NULL;
	if ((rc = uu_load(stored, "profile", &s)) != USERCGI_OK ||
	    (rc = uu_load(patch, "profile patch", &p)) != USERCGI_OK)
		goto out;
	if ((m = json_object_new_object()) == NULL) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	for (i = 0; i < NELEM(uu_profile_keys); i++) {
		if (!json_object_object_get_ex(p, uu_profile_keys[i], &v) &&
		    !json_object_object_get_ex(s, uu_profile_keys[i], &v))
			continue;
		if ((rc = uu_set(m, uu_profile_keys[i], json_object_get(v))) !=
		    USERCGI_OK)
			goto out;
	}
	rc = uu_store(m, out);
out:
	json_object_put(s);
	json_object_put(p);
	json_object_put(m);
	return rc;
}

/*
 * The object member key of obj, created empty (and any non-object
 * value replaced) when needed.  Returns NULL on allocation failure.
 */
static struct json_object *
uu_child(struct json_object *obj, const char *key)
{
	struct json_object	*v;

	if (json_object_object_get_ex(obj, key, &v) &&
	    json_object_is_type(v, json_type_object))
		return v;
	if ((v = json_object_new_object()) == NULL ||
	    uu_set(obj, key, v) != USERCGI_OK)
		return NULL;
	return v;
}

/* Sets the boolean key of obj to val unless val is -1. */
static enum usercgi_err
uu_set_bool(struct json_object *obj, const char *key, int val)
{
	struct json_object	*b;

	if (val < 0)
		return USERCGI_OK;
	if ((b = json_object_new_boolean(val)) == NULL)
		return USERCGI_NOMEM;
	return uu_set(obj, key, b);
}

enum usercgi_err
user_logto_config_apply(const char *stored, const struct user_logto_patch *p,
    char **out)
{
	struct json_object	*s = NULL, *mfa, *pk;
	enum usercgi_err	 rc;

	*out = NULL;
	if ((rc = uu_load(stored, "logtoConfig", &s)) != USERCGI_OK)
		goto out;
	if ((mfa = uu_child(s, "mfa")) == NULL ||
	    (pk = uu_child(s, "passkey_sign_in")) == NULL) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	if ((rc = uu_set_bool(mfa, "enabled", p->mfa_enabled)) != USERCGI_OK ||
	    (rc = uu_set_bool(mfa, "skipped", p->mfa_skipped)) != USERCGI_OK ||
	    (rc = uu_set_bool(mfa, "skipMfaOnSignIn",
	    p->mfa_skip_mfa_on_sign_in)) != USERCGI_OK ||
	    (rc = uu_set_bool(pk, "skipped", p->passkey_skipped)) != USERCGI_OK)
		goto out;
	rc = uu_store(s, out);
out:
	json_object_put(s);
	return rc;
}

/* The stored boolean obj.section.key: 1 or 0, -1 when absent or not a boolean. */
static int
uu_get_bool(struct json_object *obj, const char *section, const char *key)
{
	struct json_object	*sec, *v;

	if (!json_object_object_get_ex(obj, section, &sec) ||
	    !json_object_is_type(sec, json_type_object) ||
	    !json_object_object_get_ex(sec, key, &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return -1;
	return json_object_get_boolean(v) ? 1 : 0;
}

enum usercgi_err
user_logto_config_render(struct buf *out, const char *stored)
{
	struct json_object	*s = NULL;
	enum usercgi_err	 rc;
	int			 enabled;

	if ((rc = uu_load(stored, "logtoConfig", &s)) != USERCGI_OK)
		goto out;
	if ((rc = buf_addstr(out, "{\"mfa\":{")) != USERCGI_OK)
		goto out;
	if ((enabled = uu_get_bool(s, "mfa", "enabled")) >= 0 &&
	    (rc = buf_printf(out, "\"enabled\":%s,", enabled ? "true" :
	    "false")) != USERCGI_OK)
		goto out;
	rc = buf_printf(out, "\"skipped\":%s,\"skipMfaOnSignIn\":%s},"
	    "\"passkeySignIn\":{\"skipped\":%s}}",
	    uu_get_bool(s, "mfa", "skipped") == 1 ? "true" : "false",
	    uu_get_bool(s, "mfa", "skipMfaOnSignIn") == 1 ? "true" : "false",
	    uu_get_bool(s, "passkey_sign_in", "skipped") == 1 ? "true" :
	    "false");
out:
	json_object_put(s);
	return rc;
}

enum usercgi_err
user_identity_put(const char *stored, const char *target,
    const char *user_id, const char *details_json, char **out, int *created)
{
	struct json_object	*s = NULL, *id = NULL, *d = NULL, *str;
	enum usercgi_err	 rc;

	*out = NULL;
	*created = 0;
	if ((rc = uu_load(stored, "identities", &s)) != USERCGI_OK)
		goto out;
	if (details_json != NULL &&
	    (rc = uu_load(details_json, "identity details", &d)) != USERCGI_OK)
		goto out;
	if ((id = json_object_new_object()) == NULL ||
	    (str = json_object_new_string(user_id)) == NULL ||
	    uu_set(id, "userId", str) != USERCGI_OK) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	if (d != NULL) {
		rc = uu_set(id, "details", d);
		d = NULL;
		if (rc != USERCGI_OK)
			goto out;
	}
	*created = !json_object_object_get_ex(s, target, NULL);
	rc = uu_set(s, target, id);
	id = NULL;
	if (rc == USERCGI_OK)
		rc = uu_store(s, out);
out:
	json_object_put(s);
	json_object_put(id);
	json_object_put(d);
	return rc;
}

enum usercgi_err
user_identity_remove(const char *stored, const char *target, char **out,
    int *found)
{
	struct json_object	*s = NULL;
	enum usercgi_err	 rc;

	*out = NULL;
	*found = 0;
	if ((rc = uu_load(stored, "identities", &s)) != USERCGI_OK)
		goto out;
	if (!json_object_object_get_ex(s, target, NULL))
		goto out;
	*found = 1;
	json_object_object_del(s, target);
	rc = uu_store(s, out);
out:
	json_object_put(s);
	return rc;
}
