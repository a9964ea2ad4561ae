/*
 * user.c: the create-user body (create-user.md §1, checks 3-5 and 11 of
 * §2) and the user object of §5.
 *
 * Validation reproduces Logto's koaGuard: a zod object whose members are
 * all optional, checked in schema order, every problem collected as a
 * zod issue with zod's own key order (makeIssue puts the issue data
 * first, then "path", then "message" unless the data already had one).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "err.h"
#include "json.h"
#include "store.h"
#include "url.h"
#include "user.h"
#include "utf8.h"
#include "zod.h"

#define USER_JSON_MAX	(8u << 20)	/* customData, profile as stored */

/* The Logto enum, in its order; "Crypt" is accepted but never listed. */
static const char *const user_algs[] = { "Argon2i", "Argon2id", "Argon2d",
	"SHA1", "SHA256", "MD5", "Bcrypt", "Legacy" };
#define USER_ALG_LIST	"'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | " \
	"'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy'"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * z.nativeEnum(UsersPasswordEncryptionMethod) on a string or number v
 * that is not a member: {"received":V,"code":"invalid_enum_value",
 * "options":[...],"path":P,"message":"Invalid enum value. Expected ...,
 * received 'V'"} (V printed as JavaScript's String(v)).
 */
static void
uc_enum_value(struct zod *c, const struct zod_path *p, struct json_object *v)
{
	struct buf	msg, recv;
	size_t		i;

	buf_init(&msg, c->iss.max);
	buf_init(&recv, c->iss.max);
	if (json_object_is_type(v, json_type_string))
		(void)zod_ok(c, buf_add(&recv, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v)));
	else
		(void)zod_ok(c, jsonw_value(&recv, v));
	if (!zod_ok(c, buf_printf(&msg, "Invalid enum value. Expected %s, "
	    "received '", USER_ALG_LIST)) ||
	    !zod_ok(c, buf_add(&msg, buf_str(&recv), recv.len)) ||
	    !zod_ok(c, buf_addc(&msg, '\'')))
		goto out;
	zod_begin(c, &c->iss);
	if (!zod_ok(c, buf_addstr(&c->iss, "{\"received\":")) ||
	    !zod_ok(c, jsonw_value(&c->iss, v)) ||
	    !zod_ok(c, buf_addstr(&c->iss, ",\"code\":\"invalid_enum_value\","
	    "\"options\":[")))
		goto out;
	for (i = 0; i < NELEM(user_algs); i++)
		if (!zod_ok(c, buf_printf(&c->iss, "%s\"%s\"", i > 0 ? "," : "",
		    user_algs[i])))
			goto out;
	if (!zod_ok(c, buf_addstr(&c->iss, "],\"path\":")))
		goto out;
	zod_path_json(c, &c->iss, p);
	if (!zod_ok(c, buf_addstr(&c->iss, ",\"message\":")) ||
	    !zod_ok(c, jsonw_str(&c->iss, buf_str(&msg), msg.len)) ||
	    !zod_ok(c, buf_addc(&c->iss, '}')))
		goto out;
	zod_detail(c, p, "invalid_enum_value", buf_str(&msg));
out:
	buf_free(&msg);
	buf_free(&recv);
}

/*
 * z.nativeEnum on a value that is neither string nor number: zod's enum
 * invalid_type, whose data keys come in the order expected, received,
 * code.
 */
static void
uc_enum_type(struct zod *c, const struct zod_path *p, struct json_object *v)
{
	char	text[160];

	zod_begin(c, &c->iss);
	if (!zod_ok(c, buf_addstr(&c->iss, "{\"expected\":")) ||
	    !zod_ok(c, jsonw_str(&c->iss, USER_ALG_LIST,
	    strlen(USER_ALG_LIST))) ||
	    !zod_ok(c, buf_printf(&c->iss, ",\"received\":\"%s\",\"code\":"
	    "\"invalid_type\",\"path\":", zod_type_name(v))))
		return;
	zod_path_json(c, &c->iss, p);
	if (!zod_ok(c, buf_addstr(&c->iss, ",\"message\":")))
		return;
	(void)snprintf(text, sizeof(text), "Expected %s, received %s",
	    USER_ALG_LIST, zod_type_name(v));
	if (!zod_ok(c, jsonw_str(&c->iss, text, strlen(text))) ||
	    !zod_ok(c, buf_addc(&c->iss, '}')))
		return;
	(void)snprintf(text, sizeof(text), "Expected %s but received %s.",
	    USER_ALG_LIST, zod_type_name(v));
	zod_detail(c, p, "invalid_type", text);
}

/* JavaScript's \s (ECMA-262 WhiteSpace and LineTerminator). */
static int
user_js_space(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0xa0 ||
	    cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
	    cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000 ||
	    cp == 0xfeff;
}

/* /^\d+$/ */
int
user_re_phone(const char *s, size_t n)
{
	size_t	i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* /^[A-Z_a-z]\w*$/ */
int
user_re_username(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') ||
	    (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_'))
			return 0;
	return 1;
}

/*
 * /^\S+@\S+\.\S+$/ (valid UTF-8 s): no JavaScript white space at all,
 * and some '@' at i >= 1 and '.' at j with i + 2 <= j <= n - 2 (each of
 * the three \S+ non-empty; byte positions suffice for non-emptiness).
 */
int
user_re_email(const char *s, size_t n)
{
	size_t		i, k, at = 0, dot = 0;
	uint32_t	cp;

	for (i = 0; i < n; i += k) {
		if ((k = utf8_decode(s + i, n - i, &cp)) == 0 ||
		    user_js_space(cp))
			return 0;
		if (cp == '@' && i >= 1 && at == 0)
			at = i;
		if (cp == '.' && i + 2 <= n)
			dot = i;
	}
	return at != 0 && dot >= at + 2;
}

/*
 * Checks one optional top-level string member.  Returns the string
 * (borrowed from v) and its length when v is a string that passed the
 * type check, NULL otherwise.
 */
static const char *
uc_string(struct zod *c, struct json_object *body, const char *key,
    size_t *len, int *present)
{
	struct json_object	*v;
	struct zod_path		 p = zod_path1(key);

	*present = json_object_object_get_ex(body, key, &v);
	if (!*present)
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		zod_invalid_type(c, &p, "string", zod_type_name(v));
		return NULL;
	}
	*len = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

static int
uc_has_nul(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

/* userProfileGuard's members, in schema order ("address" last). */
const char *const user_profile_keys[USER_PROFILE_NKEYS + 1] = { "familyName",
	"givenName", "middleName", "nickname", "preferredUsername", "profile",
	"website", "gender", "birthdate", "zoneinfo", "locale", "address",
	NULL };
static const char *const user_address_keys[] = { "formatted",
	"streetAddress", "locality", "region", "postalCode", "country" };

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
	for (i = 0; i < USER_PROFILE_NKEYS; i++) {
		p.n = 2;
		p.k[1] = user_profile_keys[i];
		if (!json_object_object_get_ex(prof, p.k[1], &v))
			continue;
		if (i + 1 < USER_PROFILE_NKEYS) {
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
		for (j = 0; j < NELEM(user_address_keys); j++) {
			p.k[2] = user_address_keys[j];
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
 * Validates the object body member by member in the contract's table
 * order, filling in on success.
 */
static void
uc_fields(struct zod *c, struct json_object *body, struct user_input *in)
{
	struct json_object	*v;
	struct zod_path		 p;
	struct buf		 jb;
	const char		*s;
	size_t			 n = 0, i;
	int			 present;

	buf_init(&jb, USER_JSON_MAX);

	if ((s = uc_string(c, body, "primaryPhone", &n, &present)) != NULL) {
		p = zod_path1("primaryPhone");
		if (!user_re_phone(s, n))
			zod_invalid_string(c, &p, "regex", "Invalid");
		else
			zod_dup(c, &in->primary_phone, s, n);
	}
	if ((s = uc_string(c, body, "primaryEmail", &n, &present)) != NULL) {
		p = zod_path1("primaryEmail");
		if (!user_re_email(s, n))
			zod_invalid_string(c, &p, "regex", "Invalid");
		else if (uc_has_nul(s, n))
			zod_nul(c, &p);
		else
			zod_dup(c, &in->primary_email, s, n);
	}
	if ((s = uc_string(c, body, "username", &n, &present)) != NULL) {
		p = zod_path1("username");
		if (!user_re_username(s, n))
			zod_invalid_string(c, &p, "regex", "Invalid");
		else
			zod_dup(c, &in->username, s, n);
	}
	if ((s = uc_string(c, body, "password", &n, &present)) != NULL) {
		p = zod_path1("password");
		if (utf8_utf16_units(s, n) < 1)
			zod_size(c, &p, 0, 1);
		else {
			zod_dup(c, &in->password, s, n);
			in->password_len = n;
		}
	}
	if ((s = uc_string(c, body, "passwordDigest", &n, &present)) != NULL) {
		p = zod_path1("passwordDigest");
		if (utf8_utf16_units(s, n) > 256)
			zod_size(c, &p, 1, 256);
		else if (uc_has_nul(s, n))
			zod_nul(c, &p);
		else if (n > 0)
			zod_dup(c, &in->password_digest, s, n);
	}
	p = zod_path1("passwordAlgorithm");
	if (json_object_object_get_ex(body, "passwordAlgorithm", &v)) {
		if (json_object_is_type(v, json_type_string)) {
			s = json_object_get_string(v);
			n = (size_t)json_object_get_string_len(v);
			for (i = 0; i < NELEM(user_algs); i++)
				if (strlen(user_algs[i]) == n &&
				    memcmp(user_algs[i], s, n) == 0)
					break;
			if (i < NELEM(user_algs) || (n == 5 &&
			    memcmp(s, "Crypt", 5) == 0))
				zod_dup(c, &in->password_algorithm, s, n);
			else
				uc_enum_value(c, &p, v);
		} else if (json_object_is_type(v, json_type_int) ||
		    json_object_is_type(v, json_type_double))
			uc_enum_value(c, &p, v);
		else
			uc_enum_type(c, &p, v);
	}
	if ((s = uc_string(c, body, "name", &n, &present)) != NULL) {
		p = zod_path1("name");
		if (uc_has_nul(s, n))
			zod_nul(c, &p);
		else if (n > 0)
			zod_dup(c, &in->name, s, n);
	}
	p = zod_path1("avatar");
	if (json_object_object_get_ex(body, "avatar", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_string))
			zod_union_literal(c, &p, "string", v);
		else {
			s = json_object_get_string(v);
			n = (size_t)json_object_get_string_len(v);
			if (n > 0 && !url_is_valid(s, n))
				zod_invalid_string(c, &p, "url", "Invalid url");
			else if (uc_has_nul(s, n))
				zod_nul(c, &p);
			else if (n > 0)
				zod_dup(c, &in->avatar, s, n);
		}
	}
	p = zod_path1("customData");
	if (json_object_object_get_ex(body, "customData", &v)) {
		if (!json_object_is_type(v, json_type_object))
			zod_invalid_type(c, &p, "object", zod_type_name(v));
		else if (zod_ok(c, jsonw_value(&jb, v))) {
			if ((in->custom_data_json = buf_take(&jb)) == NULL)
				c->err = USERCGI_NOMEM;
		}
	}
	p = zod_path1("profile");
	buf_reset(&jb);
	if (json_object_object_get_ex(body, "profile", &v)) {
		if (!json_object_is_type(v, json_type_object))
			zod_invalid_type(c, &p, "object", zod_type_name(v));
		else {
			user_profile_filter(c, v, &jb);
			if (c->err == USERCGI_OK &&
			    (in->profile_json = buf_take(&jb)) == NULL)
				c->err = USERCGI_NOMEM;
		}
	}
	buf_free(&jb);
}

enum usercgi_err
user_parse_create(struct json_object *body, struct user_input *in,
    struct buf *data, struct buf *details)
{
	struct zod		c;
	struct zod_path		root = { { NULL, NULL, NULL }, 0 };
	enum usercgi_err	rc;

	memset(in, 0, sizeof(*in));
	zod_init(&c, data, details);

	if (!json_object_is_type(body, json_type_object))
		zod_invalid_type(&c, &root, "object", zod_type_name(body));
	else
		uc_fields(&c, body, in);
	if ((rc = zod_finish(&c, data)) != USERCGI_OK)
		goto out;
	/* §2 check 4, then check 5 (JavaScript truthiness: "" is false). */
	if (in->password != NULL && in->password_digest != NULL)
		rc = USERCGI_PW_AND_DIGEST;
	else if (in->password_digest != NULL && in->password_algorithm == NULL)
		rc = USERCGI_PW_ALG_REQUIRED;
out:
	if (rc != USERCGI_OK && rc != USERCGI_GUARD) {
		buf_reset(data);
		buf_reset(details);
	}
	if (rc != USERCGI_OK && rc != USERCGI_PW_AND_DIGEST &&
	    rc != USERCGI_PW_ALG_REQUIRED)
		user_input_free(in);
	return rc;
}

/*
 * POST /api/users/{id}/password/verify: Logto's guard is
 * object({ password: string().min(1) }).
 */
enum usercgi_err
user_parse_password(struct json_object *body, char **pw, size_t *pwlen,
    struct buf *data, struct buf *details)
{
	struct zod		 c;
	struct zod_path		 root = { { NULL, NULL, NULL }, 0 };
	struct zod_path		 p = zod_path1("password");
	struct json_object	*v;
	const char		*s;
	size_t			 n;
	enum usercgi_err	 rc;

	*pw = NULL;
	*pwlen = 0;
	zod_init(&c, data, details);

	if (!json_object_is_type(body, json_type_object))
		zod_invalid_type(&c, &root, "object", zod_type_name(body));
	else if (!json_object_object_get_ex(body, "password", &v))
		zod_invalid_type(&c, &p, "string", "undefined");
	else if (!json_object_is_type(v, json_type_string))
		zod_invalid_type(&c, &p, "string", zod_type_name(v));
	else {
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
		if (utf8_utf16_units(s, n) < 1)
			zod_size(&c, &p, 0, 1);
		else if ((*pw = xstrndup(s, n)) == NULL)
			c.err = USERCGI_NOMEM;
		else
			*pwlen = n;
	}
	if ((rc = zod_finish(&c, data)) != USERCGI_OK) {
		if (*pw != NULL) {
			secure_zero(*pw, *pwlen);
			free(*pw);
			*pw = NULL;
			*pwlen = 0;
		}
		if (rc != USERCGI_GUARD) {
			buf_reset(data);
			buf_reset(details);
		}
	}
	return rc;
}

void
user_input_free(struct user_input *in)
{
	if (in->password != NULL) {
		secure_zero(in->password, in->password_len);
		free(in->password);
	}
	if (in->password_digest != NULL) {
		secure_zero(in->password_digest, strlen(in->password_digest));
		free(in->password_digest);
	}
	free(in->username);
	free(in->primary_email);
	free(in->primary_phone);
	free(in->name);
	free(in->avatar);
	free(in->password_algorithm);
	free(in->custom_data_json);
	free(in->profile_json);
	memset(in, 0, sizeof(*in));
}

enum usercgi_err
user_check_lengths(const struct user_input *in, int *limit)
{
	const struct {
		const char	*s;
		size_t		 max;
	} cols[] = {
		{ in->username, 128 },
		{ in->primary_email, 128 },
		{ in->primary_phone, 128 },
		{ in->name, 128 },
		{ in->avatar, 2048 },
	};
	size_t	i;

	for (i = 0; i < NELEM(cols); i++)
		if (cols[i].s != NULL &&
		    utf8_codepoints(cols[i].s, strlen(cols[i].s)) > cols[i].max) {
			*limit = (int)cols[i].max;
			return USERCGI_VALUE_TOO_LONG;
		}
	return USERCGI_OK;
}

/*
 * The user object is rendered for every row of a list page, so it is
 * written with plain appends: each member's ,"key": prefix is a literal
 * (USER_KEY), numbers go through user_put_i64, no printf.
 */
#define USER_KEY(k)	",\"" k "\":"

/* Appends the literal prefix, then "value" or null. */
static enum usercgi_err
user_put_str(struct buf *b, const char *prefix, const char *v)
{
	enum usercgi_err	rc;

	if ((rc = buf_addstr(b, prefix)) != USERCGI_OK)
		return rc;
	return v == NULL ? buf_addstr(b, "null") : jsonw_str(b, v, strlen(v));
}

/* Appends the literal prefix, then raw JSON text ("{}" when NULL). */
static enum usercgi_err
user_put_raw(struct buf *b, const char *prefix, const char *json)
{
	enum usercgi_err	rc;

	if ((rc = buf_addstr(b, prefix)) != USERCGI_OK)
		return rc;
	return buf_addstr(b, json != NULL ? json : "{}");
}

/* Appends the literal prefix, then v in decimal (v < 0: null). */
static enum usercgi_err
user_put_i64(struct buf *b, const char *prefix, int64_t v)
{
	char			 d[24];
	size_t			 n = sizeof(d);
	uint64_t		 x = (uint64_t)v;
	enum usercgi_err	 rc;

	if ((rc = buf_addstr(b, prefix)) != USERCGI_OK)
		return rc;
	if (v < 0)
		return buf_addstr(b, "null");
	do {
		d[--n] = (char)('0' + x % 10);
		x /= 10;
	} while (x > 0);
	return buf_add(b, d + n, sizeof(d) - n);
}

enum usercgi_err
user_render(struct buf *out, const struct store_user *u, int include_hash)
{
	enum usercgi_err	rc;
	int			has_pw = u->password_encrypted != NULL &&
				    u->password_encrypted[0] != '\0';

	if ((rc = buf_addstr(out, "{\"id\":")) != USERCGI_OK ||
	    (rc = jsonw_str(out, u->id, strlen(u->id))) != USERCGI_OK ||
	    (rc = user_put_str(out, USER_KEY("username"), u->username)) !=
	    USERCGI_OK ||
	    (rc = user_put_str(out, USER_KEY("primaryEmail"),
	    u->primary_email)) != USERCGI_OK ||
	    (rc = user_put_str(out, USER_KEY("primaryPhone"),
	    u->primary_phone)) != USERCGI_OK ||
	    (rc = user_put_str(out, USER_KEY("name"), u->name)) != USERCGI_OK ||
	    (rc = user_put_str(out, USER_KEY("avatar"), u->avatar)) !=
	    USERCGI_OK ||
	    (rc = user_put_raw(out, USER_KEY("customData"),
	    u->custom_data_json)) != USERCGI_OK ||
	    (rc = user_put_raw(out, USER_KEY("identities"),
	    u->identities_json)) != USERCGI_OK ||
	    (rc = user_put_i64(out, USER_KEY("lastSignInAt"),
	    u->last_sign_in_at)) != USERCGI_OK ||
	    (rc = user_put_i64(out, USER_KEY("createdAt"), u->created_at)) !=
	    USERCGI_OK ||
	    (rc = user_put_i64(out, USER_KEY("updatedAt"), u->updated_at)) !=
	    USERCGI_OK ||
	    (rc = user_put_raw(out, USER_KEY("profile"), u->profile_json)) !=
	    USERCGI_OK ||
	    (rc = user_put_str(out, USER_KEY("applicationId"),
	    u->application_id)) != USERCGI_OK ||
	    (rc = buf_addstr(out, u->is_suspended ?
	    USER_KEY("isSuspended") "true" :
	    USER_KEY("isSuspended") "false")) != USERCGI_OK ||
	    (rc = buf_addstr(out, has_pw ? USER_KEY("hasPassword") "true" :
	    USER_KEY("hasPassword") "false")) != USERCGI_OK ||
	    (rc = buf_addstr(out, USER_KEY("ssoIdentities") "[]")) !=
	    USERCGI_OK)
		return rc;
	if (include_hash &&
	    ((rc = user_put_str(out, USER_KEY("passwordDigest"), has_pw ?
	    u->password_encrypted : NULL)) != USERCGI_OK ||
	    (rc = user_put_str(out, USER_KEY("passwordAlgorithm"), has_pw ?
	    u->password_encryption_method : NULL)) != USERCGI_OK))
		return rc;
	return buf_addc(out, '}');
}
