/*
 * test_user_update.c: the bodies of the routes that change a user
 * (users-api.md §2-§7) and the JSON values their writes compute.
 *
 * The table's expected outputs were produced by Logto's guards (routes/
 * admin-user/basics.ts, social.ts) run under zod 3.24.3 with Logto's
 * formatZodError, plus usercgi's own two rules (identity userId of at
 * least one character; no NUL in a stored string).  An error line is the
 * whole 400 body the responder sends; "OK" lines show what the parser
 * kept.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "user.h"
#include "user_update.h"
#include "tap.h"

#define RES_MAX	(1 << 16)

/* Appends "key":value for a patched scalar (NULL: null). */
static void
put_scalar(struct buf *b, int *first, const char *k, const char *v)
{
	(void)buf_printf(b, "%s\"%s\":", *first ? "" : ",", k);
	*first = 0;
	if (v == NULL)
		(void)buf_addstr(b, "null");
	else
		(void)jsonw_str(b, v, strlen(v));
}

/* Appends "key":<raw JSON>. */
static void
put_raw(struct buf *b, int *first, const char *k, const char *json)
{
	(void)buf_printf(b, "%s\"%s\":%s", *first ? "" : ",", k, json);
	*first = 0;
}

static void
render_patch(struct buf *out, const struct user_patch *p)
{
	int	first = 1;

	(void)buf_addc(out, '{');
	if (p->set & USER_PATCH_USERNAME)
		put_scalar(out, &first, "username", p->v.username);
	if (p->set & USER_PATCH_EMAIL)
		put_scalar(out, &first, "primaryEmail", p->v.primary_email);
	if (p->set & USER_PATCH_PHONE)
		put_scalar(out, &first, "primaryPhone", p->v.primary_phone);
	if (p->set & USER_PATCH_NAME)
		put_scalar(out, &first, "name", p->v.name);
	if (p->set & USER_PATCH_AVATAR)
		put_scalar(out, &first, "avatar", p->v.avatar);
	if (p->set & USER_PATCH_CUSTOM_DATA)
		put_raw(out, &first, "customData", p->v.custom_data_json);
	if (p->set & USER_PATCH_PROFILE)
		put_raw(out, &first, "profile", p->v.profile_json);
	(void)buf_addc(out, '}');
}

static void
render_bool(struct buf *out, int *first, const char *k, int v)
{
	if (v < 0)
		return;
	(void)buf_printf(out, "%s\"%s\":%s", *first ? "" : ",", k,
	    v ? "true" : "false");
	*first = 0;
}

static void
render_logto(struct buf *out, const struct store_logto_config *p)
{
	int	first = 1;

	(void)buf_addstr(out, "{\"mfa\":{");
	render_bool(out, &first, "enabled", p->mfa_enabled);
	render_bool(out, &first, "skipped", p->mfa_skipped);
	render_bool(out, &first, "skipMfaOnSignIn", p->mfa_skip_on_sign_in);
	first = 1;
	(void)buf_addstr(out, "},\"passkeySignIn\":{");
	render_bool(out, &first, "skipped", p->passkey_skipped);
	(void)buf_addstr(out, "}}");
}

/*
 * Runs the parser named guard on the JSON text body and renders the
 * outcome: "400 <error body>" as the responder builds it, "OK <what the
 * parser kept>", or "ERR <name>".
 */
static const char *
run(const char *guard, const char *body)
{
	static char		 res[RES_MAX];
	struct json_object	*v = NULL;
	struct user_patch	 p;
	struct store_logto_config	 lp;
	struct buf		 data, det, out;
	char			 msg[128], *json = NULL, *uid = NULL, *dj = NULL;
	int			 flag = 0;
	enum usercgi_err	 rc;

	memset(&p, 0, sizeof(p));
	buf_init(&data, 1 << 15);
	buf_init(&det, 1 << 15);
	buf_init(&out, sizeof(res) - 1);
	if (json_parse_strict(body, strlen(body), JSON_MAX_DEPTH, &v, msg,
	    sizeof(msg)) != USERCGI_OK) {
		(void)snprintf(res, sizeof(res), "PARSE %s", msg);
		goto out;
	}
	(void)buf_addstr(&out, "OK ");
	if (strcmp(guard, "patch") == 0) {
		if ((rc = user_parse_patch(v, &p, &data, &det)) == USERCGI_OK)
			render_patch(&out, &p);
	} else if (strcmp(guard, "customData") == 0) {
		if ((rc = user_parse_custom_data(v, &json, &data, &det)) ==
		    USERCGI_OK)
			(void)buf_addstr(&out, json);
	} else if (strcmp(guard, "profile") == 0) {
		if ((rc = user_parse_profile(v, &json, &data, &det)) ==
		    USERCGI_OK)
			(void)buf_addstr(&out, json);
	} else if (strcmp(guard, "identity") == 0) {
		if ((rc = user_parse_identity(v, &uid, &dj, &data, &det)) ==
		    USERCGI_OK) {
			(void)buf_addstr(&out, "{\"userId\":");
			(void)jsonw_str(&out, uid, strlen(uid));
			if (dj != NULL)
				(void)buf_printf(&out, ",\"details\":%s", dj);
			(void)buf_addc(&out, '}');
		}
	} else if (strcmp(guard, "logto") == 0) {
		if ((rc = user_parse_logto_config(v, &lp, &data, &det)) ==
		    USERCGI_OK)
			render_logto(&out, &lp);
	} else if ((rc = user_parse_flag(v, guard, &flag, &data, &det)) ==
	    USERCGI_OK)
		(void)buf_addstr(&out, flag ? "true" : "false");
	if (rc == USERCGI_GUARD) {
		buf_reset(&out);
		(void)buf_addstr(&out, "400 {\"code\":\"guard.invalid_input\","
		    "\"data\":");
		(void)buf_addstr(&out, buf_str(&data));
		(void)buf_addstr(&out, ",\"details\":");
		(void)jsonw_str(&out, buf_str(&det), det.len);
		(void)buf_addstr(&out, ",\"message\":\"The request body is "
		    "invalid.\"}");
		if (json != NULL || uid != NULL || dj != NULL || p.set != 0)
			(void)buf_addstr(&out, " (outputs left set)");
	} else if (rc != USERCGI_OK) {
		buf_reset(&out);
		(void)buf_printf(&out, "ERR %s", usercgi_errname(rc));
	}
	(void)snprintf(res, sizeof(res), "%s", buf_str(&out));
out:
	user_patch_free(&p);
	free(json);
	free(uid);
	free(dj);
	json_object_put(v);
	buf_free(&data);
	buf_free(&det);
	buf_free(&out);
	return res;
}

static const struct {
	const char	*guard;
	const char	*body;
	const char	*want;
} cases[] = {
	{ "patch", "{}",
	    "OK {}" },
	{ "patch", "{\"x\":1}",
	    "OK {}" },
	{ "patch", "[]",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"array\",\"path\":[],\"message\":\"Expected object, received"
	    " array\"}],\"name\":\"ZodError\"},\"details\":\"Error in key p"
	    "ath \\\"\\\": (invalid_type) Expected object but received arra"
	    "y.\",\"message\":\"The request body is invalid.\"}" },
	{ "patch", "{\"password\":\"p\",\"isSuspended\":true,\"identities\":{},\"p"
	    "asswordDigest\":\"x\"}",
	    "OK {}" },
	{ "patch", "{\"username\":\"abc\"}",
	    "OK {\"username\":\"abc\"}" },
	{ "patch", "{\"username\":\"\"}",
	    "OK {\"username\":null}" },
	{ "patch", "{\"username\":null}",
	    "OK {\"username\":null}" },
	{ "patch", "{\"username\":\"1a\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"validation\":\"regex\",\"code\":\"invalid_string\",\"message"
	    "\":\"Invalid\",\"path\":[\"username\"]}],\"name\":\"ZodError\""
	    "},\"details\":\"Error in key path \\\"username\\\": (invalid_s"
	    "tring) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "patch", "{\"username\":\"abc\\n\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"validation\":\"regex\",\"code\":\"invalid_string\",\"message"
	    "\":\"Invalid\",\"path\":[\"username\"]}],\"name\":\"ZodError\""
	    "},\"details\":\"Error in key path \\\"username\\\": (invalid_s"
	    "tring) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "patch", "{\"username\":5}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"co"
	    "de\":\"invalid_type\",\"expected\":\"string\",\"received\":\"n"
	    "umber\",\"path\":[\"username\"],\"message\":\"Expected string,"
	    " received number\"}],\"name\":\"ZodError\"},{\"issues\":[{\"re"
	    "ceived\":5,\"code\":\"invalid_literal\",\"expected\":\"\",\"pa"
	    "th\":[\"username\"],\"message\":\"Invalid literal value, expec"
	    "ted \\\"\\\"\"}],\"name\":\"ZodError\"}],\"path\":[\"username"
	    "\"],\"message\":\"Invalid input\"}],\"name\":\"ZodError\"},\"d"
	    "etails\":\"Error in key path \\\"username\\\": (invalid_union)"
	    " Invalid input\",\"message\":\"The request body is invalid.\"}" },
	{ "patch", "{\"username\":true}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"co"
	    "de\":\"invalid_type\",\"expected\":\"string\",\"received\":\"b"
	    "oolean\",\"path\":[\"username\"],\"message\":\"Expected string"
	    ", received boolean\"}],\"name\":\"ZodError\"},{\"issues\":[{\""
	    "received\":true,\"code\":\"invalid_literal\",\"expected\":\"\""
	    ",\"path\":[\"username\"],\"message\":\"Invalid literal value, "
	    "expected \\\"\\\"\"}],\"name\":\"ZodError\"}],\"path\":[\"user"
	    "name\"],\"message\":\"Invalid input\"}],\"name\":\"ZodError\"}"
	    ",\"details\":\"Error in key path \\\"username\\\": (invalid_un"
	    "ion) Invalid input\",\"message\":\"The request body is invalid"
	    ".\"}" },
	{ "patch", "{\"username\":[]}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"co"
	    "de\":\"invalid_type\",\"expected\":\"string\",\"received\":\"a"
	    "rray\",\"path\":[\"username\"],\"message\":\"Expected string, "
	    "received array\"}],\"name\":\"ZodError\"},{\"issues\":[{\"rece"
	    "ived\":[],\"code\":\"invalid_literal\",\"expected\":\"\",\"pat"
	    "h\":[\"username\"],\"message\":\"Invalid literal value, expect"
	    "ed \\\"\\\"\"}],\"name\":\"ZodError\"}],\"path\":[\"username\""
	    "],\"message\":\"Invalid input\"}],\"name\":\"ZodError\"},\"det"
	    "ails\":\"Error in key path \\\"username\\\": (invalid_union) I"
	    "nvalid input\",\"message\":\"The request body is invalid.\"}" },
	{ "patch", "{\"username\":{}}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"co"
	    "de\":\"invalid_type\",\"expected\":\"string\",\"received\":\"o"
	    "bject\",\"path\":[\"username\"],\"message\":\"Expected string,"
	    " received object\"}],\"name\":\"ZodError\"},{\"issues\":[{\"re"
	    "ceived\":{},\"code\":\"invalid_literal\",\"expected\":\"\",\"p"
	    "ath\":[\"username\"],\"message\":\"Invalid literal value, expe"
	    "cted \\\"\\\"\"}],\"name\":\"ZodError\"}],\"path\":[\"username"
	    "\"],\"message\":\"Invalid input\"}],\"name\":\"ZodError\"},\"d"
	    "etails\":\"Error in key path \\\"username\\\": (invalid_union)"
	    " Invalid input\",\"message\":\"The request body is invalid.\"}" },
	{ "patch", "{\"primaryEmail\":\"Foo@Example.com\"}",
	    "OK {\"primaryEmail\":\"Foo@Example.com\"}" },
	{ "patch", "{\"primaryEmail\":\"\"}",
	    "OK {\"primaryEmail\":null}" },
	{ "patch", "{\"primaryEmail\":null}",
	    "OK {\"primaryEmail\":null}" },
	{ "patch", "{\"primaryEmail\":\"a@b\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"validation\":\"regex\",\"code\":\"invalid_string\",\"message"
	    "\":\"Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodErr"
	    "or\"},\"details\":\"Error in key path \\\"primaryEmail\\\": (i"
	    "nvalid_string) Invalid\",\"message\":\"The request body is inv"
	    "alid.\"}" },
	{ "patch", "{\"primaryEmail\":1.5}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"co"
	    "de\":\"invalid_type\",\"expected\":\"string\",\"received\":\"n"
	    "umber\",\"path\":[\"primaryEmail\"],\"message\":\"Expected str"
	    "ing, received number\"}],\"name\":\"ZodError\"},{\"issues\":[{"
	    "\"received\":1.5,\"code\":\"invalid_literal\",\"expected\":\""
	    "\",\"path\":[\"primaryEmail\"],\"message\":\"Invalid literal v"
	    "alue, expected \\\"\\\"\"}],\"name\":\"ZodError\"}],\"path\":["
	    "\"primaryEmail\"],\"message\":\"Invalid input\"}],\"name\":\"Z"
	    "odError\"},\"details\":\"Error in key path \\\"primaryEmail\\"
	    "\": (invalid_union) Invalid input\",\"message\":\"The request "
	    "body is invalid.\"}" },
	{ "patch", "{\"primaryEmail\":\"a\\u0000@b.c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"custom\",\"message\":\"String must not contain NUL "
	    "characters\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError"
	    "\"},\"details\":\"Error in key path \\\"primaryEmail\\\": (cus"
	    "tom) String must not contain NUL characters\",\"message\":\"Th"
	    "e request body is invalid.\"}" },
	{ "patch", "{\"primaryPhone\":\"0123\"}",
	    "OK {\"primaryPhone\":\"0123\"}" },
	{ "patch", "{\"primaryPhone\":\"\"}",
	    "OK {\"primaryPhone\":null}" },
	{ "patch", "{\"primaryPhone\":null}",
	    "OK {\"primaryPhone\":null}" },
	{ "patch", "{\"primaryPhone\":\"+1\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"validation\":\"regex\",\"code\":\"invalid_string\",\"message"
	    "\":\"Invalid\",\"path\":[\"primaryPhone\"]}],\"name\":\"ZodErr"
	    "or\"},\"details\":\"Error in key path \\\"primaryPhone\\\": (i"
	    "nvalid_string) Invalid\",\"message\":\"The request body is inv"
	    "alid.\"}" },
	{ "patch", "{\"primaryPhone\":123}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"co"
	    "de\":\"invalid_type\",\"expected\":\"string\",\"received\":\"n"
	    "umber\",\"path\":[\"primaryPhone\"],\"message\":\"Expected str"
	    "ing, received number\"}],\"name\":\"ZodError\"},{\"issues\":[{"
	    "\"received\":123,\"code\":\"invalid_literal\",\"expected\":\""
	    "\",\"path\":[\"primaryPhone\"],\"message\":\"Invalid literal v"
	    "alue, expected \\\"\\\"\"}],\"name\":\"ZodError\"}],\"path\":["
	    "\"primaryPhone\"],\"message\":\"Invalid input\"}],\"name\":\"Z"
	    "odError\"},\"details\":\"Error in key path \\\"primaryPhone\\"
	    "\": (invalid_union) Invalid input\",\"message\":\"The request "
	    "body is invalid.\"}" },
	{ "patch", "{\"name\":\"N \\u00e4\"}",
	    "OK {\"name\":\"N \303\244\"}" },
	{ "patch", "{\"name\":\"\"}",
	    "OK {\"name\":null}" },
	{ "patch", "{\"name\":null}",
	    "OK {\"name\":null}" },
	{ "patch", "{\"name\":5}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"co"
	    "de\":\"invalid_type\",\"expected\":\"string\",\"received\":\"n"
	    "umber\",\"path\":[\"name\"],\"message\":\"Expected string, rec"
	    "eived number\"}],\"name\":\"ZodError\"},{\"issues\":[{\"receiv"
	    "ed\":5,\"code\":\"invalid_literal\",\"expected\":\"\",\"path\""
	    ":[\"name\"],\"message\":\"Invalid literal value, expected \\\""
	    "\\\"\"}],\"name\":\"ZodError\"}],\"path\":[\"name\"],\"message"
	    "\":\"Invalid input\"}],\"name\":\"ZodError\"},\"details\":\"Er"
	    "ror in key path \\\"name\\\": (invalid_union) Invalid input\","
	    "\"message\":\"The request body is invalid.\"}" },
	{ "patch", "{\"name\":\"a\\u0000\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"custom\",\"message\":\"String must not contain NUL "
	    "characters\",\"path\":[\"name\"]}],\"name\":\"ZodError\"},\"de"
	    "tails\":\"Error in key path \\\"name\\\": (custom) String must"
	    " not contain NUL characters\",\"message\":\"The request body i"
	    "s invalid.\"}" },
	{ "patch", "{\"avatar\":\"https://a.b/c.png\"}",
	    "OK {\"avatar\":\"https://a.b/c.png\"}" },
	{ "patch", "{\"avatar\":\"\"}",
	    "OK {\"avatar\":null}" },
	{ "patch", "{\"avatar\":null}",
	    "OK {\"avatar\":null}" },
	{ "patch", "{\"avatar\":\"nope\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"validation\":\"url\",\"code\":\"invalid_string\",\"message\""
	    ":\"Invalid url\",\"path\":[\"avatar\"]}],\"name\":\"ZodError\""
	    "},\"details\":\"Error in key path \\\"avatar\\\": (invalid_str"
	    "ing) Invalid url\",\"message\":\"The request body is invalid."
	    "\"}" },
	{ "patch", "{\"avatar\":\"http://\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"validation\":\"url\",\"code\":\"invalid_string\",\"message\""
	    ":\"Invalid url\",\"path\":[\"avatar\"]}],\"name\":\"ZodError\""
	    "},\"details\":\"Error in key path \\\"avatar\\\": (invalid_str"
	    "ing) Invalid url\",\"message\":\"The request body is invalid."
	    "\"}" },
	{ "patch", "{\"avatar\":false}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"co"
	    "de\":\"invalid_type\",\"expected\":\"string\",\"received\":\"b"
	    "oolean\",\"path\":[\"avatar\"],\"message\":\"Expected string, "
	    "received boolean\"}],\"name\":\"ZodError\"},{\"issues\":[{\"re"
	    "ceived\":false,\"code\":\"invalid_literal\",\"expected\":\"\","
	    "\"path\":[\"avatar\"],\"message\":\"Invalid literal value, exp"
	    "ected \\\"\\\"\"}],\"name\":\"ZodError\"}],\"path\":[\"avatar"
	    "\"],\"message\":\"Invalid input\"}],\"name\":\"ZodError\"},\"d"
	    "etails\":\"Error in key path \\\"avatar\\\": (invalid_union) I"
	    "nvalid input\",\"message\":\"The request body is invalid.\"}" },
	{ "patch", "{\"customData\":{\"a\":{\"b\":[1,0.1,1e21]},\"c\":null}}",
	    "OK {\"customData\":{\"a\":{\"b\":[1,0.1,1e+21]},\"c\":null}}" },
	{ "patch", "{\"customData\":{}}",
	    "OK {\"customData\":{}}" },
	{ "patch", "{\"customData\":null}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"null\",\"path\":[\"customData\"],\"message\":\"Expected obj"
	    "ect, received null\"}],\"name\":\"ZodError\"},\"details\":\"Er"
	    "ror in key path \\\"customData\\\": (invalid_type) Expected ob"
	    "ject but received null.\",\"message\":\"The request body is in"
	    "valid.\"}" },
	{ "patch", "{\"customData\":[]}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"array\",\"path\":[\"customData\"],\"message\":\"Expected ob"
	    "ject, received array\"}],\"name\":\"ZodError\"},\"details\":\""
	    "Error in key path \\\"customData\\\": (invalid_type) Expected "
	    "object but received array.\",\"message\":\"The request body is"
	    " invalid.\"}" },
	{ "patch", "{\"customData\":\"x\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"string\",\"path\":[\"customData\"],\"message\":\"Expected o"
	    "bject, received string\"}],\"name\":\"ZodError\"},\"details\":"
	    "\"Error in key path \\\"customData\\\": (invalid_type) Expecte"
	    "d object but received string.\",\"message\":\"The request body"
	    " is invalid.\"}" },
	{ "patch", "{\"profile\":{\"zz\":1,\"address\":{\"x\":1,\"country\":\"NZ\""
	    ",\"formatted\":\"F\"},\"givenName\":\"G\",\"familyName\":\"\"}"
	    "}",
	    "OK {\"profile\":{\"familyName\":\"\",\"givenName\":\"G\",\"add"
	    "ress\":{\"formatted\":\"F\",\"country\":\"NZ\"}}}" },
	{ "patch", "{\"profile\":{}}",
	    "OK {\"profile\":{}}" },
	{ "patch", "{\"profile\":null}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"null\",\"path\":[\"profile\"],\"message\":\"Expected object"
	    ", received null\"}],\"name\":\"ZodError\"},\"details\":\"Error"
	    " in key path \\\"profile\\\": (invalid_type) Expected object b"
	    "ut received null.\",\"message\":\"The request body is invalid."
	    "\"}" },
	{ "patch", "{\"profile\":[]}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"array\",\"path\":[\"profile\"],\"message\":\"Expected objec"
	    "t, received array\"}],\"name\":\"ZodError\"},\"details\":\"Err"
	    "or in key path \\\"profile\\\": (invalid_type) Expected object"
	    " but received array.\",\"message\":\"The request body is inval"
	    "id.\"}" },
	{ "patch", "{\"profile\":{\"address\":null}}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"null\",\"path\":[\"profile\",\"address\"],\"message\":\"Exp"
	    "ected object, received null\"}],\"name\":\"ZodError\"},\"detai"
	    "ls\":\"Error in key path \\\"profile.address\\\": (invalid_typ"
	    "e) Expected object but received null.\",\"message\":\"The requ"
	    "est body is invalid.\"}" },
	{ "patch", "{\"profile\":{\"familyName\":1,\"address\":{\"formatted\":2,\""
	    "country\":[]}}}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"string\",\"received\""
	    ":\"number\",\"path\":[\"profile\",\"familyName\"],\"message\":"
	    "\"Expected string, received number\"},{\"code\":\"invalid_type"
	    "\",\"expected\":\"string\",\"received\":\"number\",\"path\":["
	    "\"profile\",\"address\",\"formatted\"],\"message\":\"Expected "
	    "string, received number\"},{\"code\":\"invalid_type\",\"expect"
	    "ed\":\"string\",\"received\":\"array\",\"path\":[\"profile\","
	    "\"address\",\"country\"],\"message\":\"Expected string, receiv"
	    "ed array\"}],\"name\":\"ZodError\"},\"details\":\"Error in key"
	    " path \\\"profile.familyName\\\": (invalid_type) Expected stri"
	    "ng but received number.\\nError in key path \\\"profile.addres"
	    "s.formatted\\\": (invalid_type) Expected string but received n"
	    "umber.\\nError in key path \\\"profile.address.country\\\": (i"
	    "nvalid_type) Expected string but received array.\",\"message\""
	    ":\"The request body is invalid.\"}" },
	{ "patch", "{\"profile\":1,\"customData\":1,\"avatar\":1,\"name\":1,\"prim"
	    "aryPhone\":1,\"primaryEmail\":1,\"username\":1}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"co"
	    "de\":\"invalid_type\",\"expected\":\"string\",\"received\":\"n"
	    "umber\",\"path\":[\"username\"],\"message\":\"Expected string,"
	    " received number\"}],\"name\":\"ZodError\"},{\"issues\":[{\"re"
	    "ceived\":1,\"code\":\"invalid_literal\",\"expected\":\"\",\"pa"
	    "th\":[\"username\"],\"message\":\"Invalid literal value, expec"
	    "ted \\\"\\\"\"}],\"name\":\"ZodError\"}],\"path\":[\"username"
	    "\"],\"message\":\"Invalid input\"},{\"code\":\"invalid_union\""
	    ",\"unionErrors\":[{\"issues\":[{\"code\":\"invalid_type\",\"ex"
	    "pected\":\"string\",\"received\":\"number\",\"path\":[\"primar"
	    "yEmail\"],\"message\":\"Expected string, received number\"}],"
	    "\"name\":\"ZodError\"},{\"issues\":[{\"received\":1,\"code\":"
	    "\"invalid_literal\",\"expected\":\"\",\"path\":[\"primaryEmail"
	    "\"],\"message\":\"Invalid literal value, expected \\\"\\\"\"}]"
	    ",\"name\":\"ZodError\"}],\"path\":[\"primaryEmail\"],\"message"
	    "\":\"Invalid input\"},{\"code\":\"invalid_union\",\"unionError"
	    "s\":[{\"issues\":[{\"code\":\"invalid_type\",\"expected\":\"st"
	    "ring\",\"received\":\"number\",\"path\":[\"primaryPhone\"],\"m"
	    "essage\":\"Expected string, received number\"}],\"name\":\"Zod"
	    "Error\"},{\"issues\":[{\"received\":1,\"code\":\"invalid_liter"
	    "al\",\"expected\":\"\",\"path\":[\"primaryPhone\"],\"message\""
	    ":\"Invalid literal value, expected \\\"\\\"\"}],\"name\":\"Zod"
	    "Error\"}],\"path\":[\"primaryPhone\"],\"message\":\"Invalid in"
	    "put\"},{\"code\":\"invalid_union\",\"unionErrors\":[{\"issues"
	    "\":[{\"code\":\"invalid_type\",\"expected\":\"string\",\"recei"
	    "ved\":\"number\",\"path\":[\"name\"],\"message\":\"Expected st"
	    "ring, received number\"}],\"name\":\"ZodError\"},{\"issues\":["
	    "{\"received\":1,\"code\":\"invalid_literal\",\"expected\":\"\""
	    ",\"path\":[\"name\"],\"message\":\"Invalid literal value, expe"
	    "cted \\\"\\\"\"}],\"name\":\"ZodError\"}],\"path\":[\"name\"],"
	    "\"message\":\"Invalid input\"},{\"code\":\"invalid_union\",\"u"
	    "nionErrors\":[{\"issues\":[{\"code\":\"invalid_type\",\"expect"
	    "ed\":\"string\",\"received\":\"number\",\"path\":[\"avatar\"],"
	    "\"message\":\"Expected string, received number\"}],\"name\":\""
	    "ZodError\"},{\"issues\":[{\"received\":1,\"code\":\"invalid_li"
	    "teral\",\"expected\":\"\",\"path\":[\"avatar\"],\"message\":\""
	    "Invalid literal value, expected \\\"\\\"\"}],\"name\":\"ZodErr"
	    "or\"}],\"path\":[\"avatar\"],\"message\":\"Invalid input\"},{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"number\",\"path\":[\"customData\"],\"message\":\"Expected o"
	    "bject, received number\"},{\"code\":\"invalid_type\",\"expecte"
	    "d\":\"object\",\"received\":\"number\",\"path\":[\"profile\"],"
	    "\"message\":\"Expected object, received number\"}],\"name\":\""
	    "ZodError\"},\"details\":\"Error in key path \\\"username\\\": "
	    "(invalid_union) Invalid input\\nError in key path \\\"primaryE"
	    "mail\\\": (invalid_union) Invalid input\\nError in key path \\"
	    "\"primaryPhone\\\": (invalid_union) Invalid input\\nError in k"
	    "ey path \\\"name\\\": (invalid_union) Invalid input\\nError in"
	    " key path \\\"avatar\\\": (invalid_union) Invalid input\\nErro"
	    "r in key path \\\"customData\\\": (invalid_type) Expected obje"
	    "ct but received number.\\nError in key path \\\"profile\\\": ("
	    "invalid_type) Expected object but received number.\",\"message"
	    "\":\"The request body is invalid.\"}" },
	{ "patch", "{\"profile\":{\"locale\":1},\"avatar\":\"x\",\"primaryPhone\":"
	    "\"a\",\"primaryEmail\":\"b\",\"username\":\"-\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"validation\":\"regex\",\"code\":\"invalid_string\",\"message"
	    "\":\"Invalid\",\"path\":[\"username\"]},{\"validation\":\"rege"
	    "x\",\"code\":\"invalid_string\",\"message\":\"Invalid\",\"path"
	    "\":[\"primaryEmail\"]},{\"validation\":\"regex\",\"code\":\"in"
	    "valid_string\",\"message\":\"Invalid\",\"path\":[\"primaryPhon"
	    "e\"]},{\"validation\":\"url\",\"code\":\"invalid_string\",\"me"
	    "ssage\":\"Invalid url\",\"path\":[\"avatar\"]},{\"code\":\"inv"
	    "alid_type\",\"expected\":\"string\",\"received\":\"number\",\""
	    "path\":[\"profile\",\"locale\"],\"message\":\"Expected string,"
	    " received number\"}],\"name\":\"ZodError\"},\"details\":\"Erro"
	    "r in key path \\\"username\\\": (invalid_string) Invalid\\nErr"
	    "or in key path \\\"primaryEmail\\\": (invalid_string) Invalid"
	    "\\nError in key path \\\"primaryPhone\\\": (invalid_string) In"
	    "valid\\nError in key path \\\"avatar\\\": (invalid_string) Inv"
	    "alid url\\nError in key path \\\"profile.locale\\\": (invalid_"
	    "type) Expected string but received number.\",\"message\":\"The"
	    " request body is invalid.\"}" },
	{ "patch", "{\"username\":\"\",\"primaryEmail\":\"a@b.c\",\"name\":null,\""
	    "customData\":{},\"avatar\":\"\",\"primaryPhone\":\"61412345678"
	    "\",\"profile\":{\"nickname\":\"n\"}}",
	    "OK {\"username\":null,\"primaryEmail\":\"a@b.c\",\"primaryPhon"
	    "e\":\"61412345678\",\"name\":null,\"avatar\":null,\"customData"
	    "\":{},\"profile\":{\"nickname\":\"n\"}}" },
	{ "customData", "{}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"undefined\",\"path\":[\"customData\"],\"message\":\"Require"
	    "d\"}],\"name\":\"ZodError\"},\"details\":\"Error in key path "
	    "\\\"customData\\\": (invalid_type) Expected object but receive"
	    "d undefined.\",\"message\":\"The request body is invalid.\"}" },
	{ "customData", "[]",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"array\",\"path\":[],\"message\":\"Expected object, received"
	    " array\"}],\"name\":\"ZodError\"},\"details\":\"Error in key p"
	    "ath \\\"\\\": (invalid_type) Expected object but received arra"
	    "y.\",\"message\":\"The request body is invalid.\"}" },
	{ "customData", "{\"customData\":{}}",
	    "OK {}" },
	{ "customData", "{\"customData\":{\"b\":1,\"a\":[null]},\"x\":2}",
	    "OK {\"b\":1,\"a\":[null]}" },
	{ "customData", "{\"customData\":null}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"null\",\"path\":[\"customData\"],\"message\":\"Expected obj"
	    "ect, received null\"}],\"name\":\"ZodError\"},\"details\":\"Er"
	    "ror in key path \\\"customData\\\": (invalid_type) Expected ob"
	    "ject but received null.\",\"message\":\"The request body is in"
	    "valid.\"}" },
	{ "customData", "{\"customData\":[]}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"array\",\"path\":[\"customData\"],\"message\":\"Expected ob"
	    "ject, received array\"}],\"name\":\"ZodError\"},\"details\":\""
	    "Error in key path \\\"customData\\\": (invalid_type) Expected "
	    "object but received array.\",\"message\":\"The request body is"
	    " invalid.\"}" },
	{ "customData", "{\"customData\":\"x\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"string\",\"path\":[\"customData\"],\"message\":\"Expected o"
	    "bject, received string\"}],\"name\":\"ZodError\"},\"details\":"
	    "\"Error in key path \\\"customData\\\": (invalid_type) Expecte"
	    "d object but received string.\",\"message\":\"The request body"
	    " is invalid.\"}" },
	{ "profile", "{}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"undefined\",\"path\":[\"profile\"],\"message\":\"Required\""
	    "}],\"name\":\"ZodError\"},\"details\":\"Error in key path \\\""
	    "profile\\\": (invalid_type) Expected object but received undef"
	    "ined.\",\"message\":\"The request body is invalid.\"}" },
	{ "profile", "[]",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"array\",\"path\":[],\"message\":\"Expected object, received"
	    " array\"}],\"name\":\"ZodError\"},\"details\":\"Error in key p"
	    "ath \\\"\\\": (invalid_type) Expected object but received arra"
	    "y.\",\"message\":\"The request body is invalid.\"}" },
	{ "profile", "{\"profile\":{}}",
	    "OK {}" },
	{ "profile", "{\"profile\":{\"nickname\":\"\",\"address\":{}}}",
	    "OK {\"nickname\":\"\",\"address\":{}}" },
	{ "profile", "{\"profile\":{\"locale\":\"en\",\"familyName\":\"F\",\"x\":1}}",
	    "OK {\"familyName\":\"F\",\"locale\":\"en\"}" },
	{ "profile", "{\"profile\":null}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"null\",\"path\":[\"profile\"],\"message\":\"Expected object"
	    ", received null\"}],\"name\":\"ZodError\"},\"details\":\"Error"
	    " in key path \\\"profile\\\": (invalid_type) Expected object b"
	    "ut received null.\",\"message\":\"The request body is invalid."
	    "\"}" },
	{ "profile", "{\"profile\":\"x\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"string\",\"path\":[\"profile\"],\"message\":\"Expected obje"
	    "ct, received string\"}],\"name\":\"ZodError\"},\"details\":\"E"
	    "rror in key path \\\"profile\\\": (invalid_type) Expected obje"
	    "ct but received string.\",\"message\":\"The request body is in"
	    "valid.\"}" },
	{ "profile", "{\"profile\":{\"address\":\"x\",\"familyName\":1}}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"string\",\"received\""
	    ":\"number\",\"path\":[\"profile\",\"familyName\"],\"message\":"
	    "\"Expected string, received number\"},{\"code\":\"invalid_type"
	    "\",\"expected\":\"object\",\"received\":\"string\",\"path\":["
	    "\"profile\",\"address\"],\"message\":\"Expected object, receiv"
	    "ed string\"}],\"name\":\"ZodError\"},\"details\":\"Error in ke"
	    "y path \\\"profile.familyName\\\": (invalid_type) Expected str"
	    "ing but received number.\\nError in key path \\\"profile.addre"
	    "ss\\\": (invalid_type) Expected object but received string.\","
	    "\"message\":\"The request body is invalid.\"}" },
	{ "isSuspended", "{}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"boolean\",\"received"
	    "\":\"undefined\",\"path\":[\"isSuspended\"],\"message\":\"Requ"
	    "ired\"}],\"name\":\"ZodError\"},\"details\":\"Error in key pat"
	    "h \\\"isSuspended\\\": (invalid_type) Expected boolean but rec"
	    "eived undefined.\",\"message\":\"The request body is invalid."
	    "\"}" },
	{ "isSuspended", "[]",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"array\",\"path\":[],\"message\":\"Expected object, received"
	    " array\"}],\"name\":\"ZodError\"},\"details\":\"Error in key p"
	    "ath \\\"\\\": (invalid_type) Expected object but received arra"
	    "y.\",\"message\":\"The request body is invalid.\"}" },
	{ "isSuspended", "{\"isSuspended\":true}",
	    "OK true" },
	{ "isSuspended", "{\"isSuspended\":false,\"x\":1}",
	    "OK false" },
	{ "isSuspended", "{\"isSuspended\":\"true\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"boolean\",\"received"
	    "\":\"string\",\"path\":[\"isSuspended\"],\"message\":\"Expecte"
	    "d boolean, received string\"}],\"name\":\"ZodError\"},\"detail"
	    "s\":\"Error in key path \\\"isSuspended\\\": (invalid_type) Ex"
	    "pected boolean but received string.\",\"message\":\"The reques"
	    "t body is invalid.\"}" },
	{ "isSuspended", "{\"isSuspended\":1}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"boolean\",\"received"
	    "\":\"number\",\"path\":[\"isSuspended\"],\"message\":\"Expecte"
	    "d boolean, received number\"}],\"name\":\"ZodError\"},\"detail"
	    "s\":\"Error in key path \\\"isSuspended\\\": (invalid_type) Ex"
	    "pected boolean but received number.\",\"message\":\"The reques"
	    "t body is invalid.\"}" },
	{ "isSuspended", "{\"isSuspended\":null}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"boolean\",\"received"
	    "\":\"null\",\"path\":[\"isSuspended\"],\"message\":\"Expected "
	    "boolean, received null\"}],\"name\":\"ZodError\"},\"details\":"
	    "\"Error in key path \\\"isSuspended\\\": (invalid_type) Expect"
	    "ed boolean but received null.\",\"message\":\"The request body"
	    " is invalid.\"}" },
	{ "isExpired", "{}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"boolean\",\"received"
	    "\":\"undefined\",\"path\":[\"isExpired\"],\"message\":\"Requir"
	    "ed\"}],\"name\":\"ZodError\"},\"details\":\"Error in key path "
	    "\\\"isExpired\\\": (invalid_type) Expected boolean but receive"
	    "d undefined.\",\"message\":\"The request body is invalid.\"}" },
	{ "isExpired", "{\"isExpired\":true}",
	    "OK true" },
	{ "isExpired", "{\"isExpired\":false}",
	    "OK false" },
	{ "isExpired", "{\"isExpired\":\"false\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"boolean\",\"received"
	    "\":\"string\",\"path\":[\"isExpired\"],\"message\":\"Expected "
	    "boolean, received string\"}],\"name\":\"ZodError\"},\"details"
	    "\":\"Error in key path \\\"isExpired\\\": (invalid_type) Expec"
	    "ted boolean but received string.\",\"message\":\"The request b"
	    "ody is invalid.\"}" },
	{ "identity", "{}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"string\",\"received\""
	    ":\"undefined\",\"path\":[\"userId\"],\"message\":\"Required\"}"
	    "],\"name\":\"ZodError\"},\"details\":\"Error in key path \\\"u"
	    "serId\\\": (invalid_type) Expected string but received undefin"
	    "ed.\",\"message\":\"The request body is invalid.\"}" },
	{ "identity", "[]",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"array\",\"path\":[],\"message\":\"Expected object, received"
	    " array\"}],\"name\":\"ZodError\"},\"details\":\"Error in key p"
	    "ath \\\"\\\": (invalid_type) Expected object but received arra"
	    "y.\",\"message\":\"The request body is invalid.\"}" },
	{ "identity", "{\"userId\":\"u1\"}",
	    "OK {\"userId\":\"u1\"}" },
	{ "identity", "{\"userId\":\"u1\",\"details\":{\"b\":1,\"a\":{\"c\":null}},\""
	    "x\":1}",
	    "OK {\"userId\":\"u1\",\"details\":{\"b\":1,\"a\":{\"c\":null}}"
	    "}" },
	{ "identity", "{\"userId\":\"\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"too_small\",\"minimum\":1,\"type\":\"string\",\"inc"
	    "lusive\":true,\"exact\":false,\"message\":\"String must contai"
	    "n at least 1 character(s)\",\"path\":[\"userId\"]}],\"name\":"
	    "\"ZodError\"},\"details\":\"Error in key path \\\"userId\\\": "
	    "(too_small) String must contain at least 1 character(s)\",\"me"
	    "ssage\":\"The request body is invalid.\"}" },
	{ "identity", "{\"userId\":5,\"details\":5}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"string\",\"received\""
	    ":\"number\",\"path\":[\"userId\"],\"message\":\"Expected strin"
	    "g, received number\"},{\"code\":\"invalid_type\",\"expected\":"
	    "\"object\",\"received\":\"number\",\"path\":[\"details\"],\"me"
	    "ssage\":\"Expected object, received number\"}],\"name\":\"ZodE"
	    "rror\"},\"details\":\"Error in key path \\\"userId\\\": (inval"
	    "id_type) Expected string but received number.\\nError in key p"
	    "ath \\\"details\\\": (invalid_type) Expected object but receiv"
	    "ed number.\",\"message\":\"The request body is invalid.\"}" },
	{ "identity", "{\"userId\":\"x\",\"details\":null}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"null\",\"path\":[\"details\"],\"message\":\"Expected object"
	    ", received null\"}],\"name\":\"ZodError\"},\"details\":\"Error"
	    " in key path \\\"details\\\": (invalid_type) Expected object b"
	    "ut received null.\",\"message\":\"The request body is invalid."
	    "\"}" },
	{ "identity", "{\"userId\":\"x\",\"details\":[]}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"array\",\"path\":[\"details\"],\"message\":\"Expected objec"
	    "t, received array\"}],\"name\":\"ZodError\"},\"details\":\"Err"
	    "or in key path \\\"details\\\": (invalid_type) Expected object"
	    " but received array.\",\"message\":\"The request body is inval"
	    "id.\"}" },
	{ "identity", "{\"details\":{}}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"string\",\"received\""
	    ":\"undefined\",\"path\":[\"userId\"],\"message\":\"Required\"}"
	    "],\"name\":\"ZodError\"},\"details\":\"Error in key path \\\"u"
	    "serId\\\": (invalid_type) Expected string but received undefin"
	    "ed.\",\"message\":\"The request body is invalid.\"}" },
	{ "identity", "{\"userId\":\"a\\u0000\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"custom\",\"message\":\"String must not contain NUL "
	    "characters\",\"path\":[\"userId\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"userId\\\": (custom) String "
	    "must not contain NUL characters\",\"message\":\"The request bo"
	    "dy is invalid.\"}" },
	{ "logto", "{}",
	    "OK {\"mfa\":{},\"passkeySignIn\":{}}" },
	{ "logto", "[]",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"array\",\"path\":[],\"message\":\"Expected object, received"
	    " array\"}],\"name\":\"ZodError\"},\"details\":\"Error in key p"
	    "ath \\\"\\\": (invalid_type) Expected object but received arra"
	    "y.\",\"message\":\"The request body is invalid.\"}" },
	{ "logto", "{\"mfa\":{}}",
	    "OK {\"mfa\":{},\"passkeySignIn\":{}}" },
	{ "logto", "{\"mfa\":{\"enabled\":true}}",
	    "OK {\"mfa\":{\"enabled\":true},\"passkeySignIn\":{}}" },
	{ "logto", "{\"mfa\":{\"enabled\":false,\"skipped\":true,\"skipMfaOnSignIn"
	    "\":true},\"passkeySignIn\":{\"skipped\":true}}",
	    "OK {\"mfa\":{\"enabled\":false,\"skipped\":true,\"skipMfaOnSig"
	    "nIn\":true},\"passkeySignIn\":{\"skipped\":true}}" },
	{ "logto", "{\"mfa\":{\"additionalBindingSuggestionSkipped\":true,\"x\":1}"
	    ",\"y\":2}",
	    "OK {\"mfa\":{},\"passkeySignIn\":{}}" },
	{ "logto", "{\"mfa\":null}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"null\",\"path\":[\"mfa\"],\"message\":\"Expected object, re"
	    "ceived null\"}],\"name\":\"ZodError\"},\"details\":\"Error in "
	    "key path \\\"mfa\\\": (invalid_type) Expected object but recei"
	    "ved null.\",\"message\":\"The request body is invalid.\"}" },
	{ "logto", "{\"mfa\":{\"enabled\":\"x\",\"additionalBindingSuggestionSkipp"
	    "ed\":1,\"skipMfaOnSignIn\":null},\"passkeySignIn\":[]}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"boolean\",\"received"
	    "\":\"string\",\"path\":[\"mfa\",\"enabled\"],\"message\":\"Exp"
	    "ected boolean, received string\"},{\"code\":\"invalid_type\","
	    "\"expected\":\"boolean\",\"received\":\"number\",\"path\":[\"m"
	    "fa\",\"additionalBindingSuggestionSkipped\"],\"message\":\"Exp"
	    "ected boolean, received number\"},{\"code\":\"invalid_type\","
	    "\"expected\":\"boolean\",\"received\":\"null\",\"path\":[\"mfa"
	    "\",\"skipMfaOnSignIn\"],\"message\":\"Expected boolean, receiv"
	    "ed null\"},{\"code\":\"invalid_type\",\"expected\":\"object\","
	    "\"received\":\"array\",\"path\":[\"passkeySignIn\"],\"message"
	    "\":\"Expected object, received array\"}],\"name\":\"ZodError\""
	    "},\"details\":\"Error in key path \\\"mfa.enabled\\\": (invali"
	    "d_type) Expected boolean but received string.\\nError in key p"
	    "ath \\\"mfa.additionalBindingSuggestionSkipped\\\": (invalid_t"
	    "ype) Expected boolean but received number.\\nError in key path"
	    " \\\"mfa.skipMfaOnSignIn\\\": (invalid_type) Expected boolean "
	    "but received null.\\nError in key path \\\"passkeySignIn\\\": "
	    "(invalid_type) Expected object but received array.\",\"message"
	    "\":\"The request body is invalid.\"}" },
	{ "logto", "{\"passkeySignIn\":{\"skipped\":0}}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"boolean\",\"received"
	    "\":\"number\",\"path\":[\"passkeySignIn\",\"skipped\"],\"messa"
	    "ge\":\"Expected boolean, received number\"}],\"name\":\"ZodErr"
	    "or\"},\"details\":\"Error in key path \\\"passkeySignIn.skippe"
	    "d\\\": (invalid_type) Expected boolean but received number.\","
	    "\"message\":\"The request body is invalid.\"}" },
	{ "logto", "{\"mfa\":1,\"passkeySignIn\":\"x\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"invalid_type\",\"expected\":\"object\",\"received\""
	    ":\"number\",\"path\":[\"mfa\"],\"message\":\"Expected object, "
	    "received number\"},{\"code\":\"invalid_type\",\"expected\":\"o"
	    "bject\",\"received\":\"string\",\"path\":[\"passkeySignIn\"],"
	    "\"message\":\"Expected object, received string\"}],\"name\":\""
	    "ZodError\"},\"details\":\"Error in key path \\\"mfa\\\": (inva"
	    "lid_type) Expected object but received number.\\nError in key "
	    "path \\\"passkeySignIn\\\": (invalid_type) Expected object but"
	    " received string.\",\"message\":\"The request body is invalid."
	    "\"}" },
};

static void
test_identity_json(void)
{
	char	*out = NULL;

	tap_int(user_identity_json("g1", NULL, &out), USERCGI_OK,
	    "identity json: without details");
	tap_str(out, "{\"userId\":\"g1\"}", "identity json: userId only");
	free(out);
	tap_int(user_identity_json("a\"\\\u00e4", "{\"k\":[1]}", &out),
	    USERCGI_OK, "identity json: with details");
	tap_str(out, "{\"userId\":\"a\\\"\\\\\u00e4\",\"details\":{\"k\":[1]}}",
	    "identity json: userId escaped, details kept");
	free(out);
}

static void
test_logto_render(void)
{
	struct store_logto_config	 c = { -1, 0, 0, 0 };
	struct buf		 b;

	buf_init(&b, 4096);
	(void)user_logto_config_render(&b, &c);
	tap_str(buf_str(&b), "{\"mfa\":{\"skipped\":false,\"skipMfaOnSignIn\":"
	    "false},\"passkeySignIn\":{\"skipped\":false}}",
	    "logto-configs: enabled omitted when never set");
	buf_reset(&b);
	c.mfa_enabled = 0;
	c.mfa_skipped = 1;
	c.passkey_skipped = 1;
	(void)user_logto_config_render(&b, &c);
	tap_str(buf_str(&b), "{\"mfa\":{\"enabled\":false,\"skipped\":true,"
	    "\"skipMfaOnSignIn\":false},\"passkeySignIn\":{\"skipped\":true}}",
	    "logto-configs: every value");
	buf_reset(&b);
	c.mfa_enabled = 1;
	c.mfa_skip_on_sign_in = 1;
	c.passkey_skipped = 0;
	(void)user_logto_config_render(&b, &c);
	tap_str(buf_str(&b), "{\"mfa\":{\"enabled\":true,\"skipped\":true,"
	    "\"skipMfaOnSignIn\":true},\"passkeySignIn\":{\"skipped\":false}}",
	    "logto-configs: enabled true");
	buf_free(&b);
}

static void
test_profile_keys(void)
{
	size_t	i;

	for (i = 0; user_profile_keys[i] != NULL; i++)
		continue;
	tap_int((long long)i, USER_PROFILE_NKEYS,
	    "profile keys: NULL-terminated after the twelve members");
	tap_str(user_profile_keys[0], "familyName", "profile keys: first");
	tap_str(user_profile_keys[USER_PROFILE_NKEYS - 1], "address",
	    "profile keys: address last");
}

int
main(void)
{
	char	name[256];
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		(void)snprintf(name, sizeof(name), "%s %s", cases[i].guard,
		    cases[i].body);
		tap_str(run(cases[i].guard, cases[i].body), cases[i].want,
		    name);
	}
	test_identity_json();
	test_logto_render();
	test_profile_keys();
	return tap_done();
}
