/*
 * test_user.c: create-user validation (checks 3-5 and 11 of §2) and the
 * user object (§5).  The table's expected outputs were produced by
 * Logto's own schema run under zod 3.24.3 and Logto's formatZodError;
 * an error line is the whole 400 body the responder sends.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "store.h"
#include "user.h"
#include "utf8.h"
#include "tap.h"

static void
put_str(struct buf *b, const char *k, const char *v, size_t n, int first)
{
	(void)buf_printf(b, "%s\"%s\":", first ? "" : ",", k);
	if (v == NULL)
		(void)buf_addstr(b, "null");
	else
		(void)jsonw_str(b, v, n);
}

static size_t
slen(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

/*
 * Runs user_parse_create on the JSON text body and renders the outcome:
 * "400 <error body>" as the responder builds it, "400 <Logto code>" for
 * checks 4 and 5, or "OK <the fields of user_input as JSON>".
 */
static const char *
run(const char *body)
{
	static char		 res[1 << 16];
	struct json_object	*v = NULL;
	struct user_input	 in;
	struct buf		 data, det, out;
	char			 msg[128];
	enum usercgi_err	 rc;

	buf_init(&data, 1 << 15);
	buf_init(&det, 1 << 15);
	buf_init(&out, sizeof(res) - 1);
	memset(&in, 0, sizeof(in));
	if (json_parse_strict(body, strlen(body), JSON_MAX_DEPTH, &v, msg,
	    sizeof(msg)) != USERCGI_OK) {
		(void)snprintf(res, sizeof(res), "PARSE %s", msg);
		goto out;
	}
	rc = user_parse_create(v, &in, &data, &det);
	if (rc == USERCGI_GUARD) {
		(void)buf_addstr(&out, "400 {\"code\":\"guard.invalid_input\","
		    "\"data\":");
		(void)buf_addstr(&out, buf_str(&data));
		(void)buf_addstr(&out, ",\"details\":");
		(void)jsonw_str(&out, buf_str(&det), det.len);
		(void)buf_addstr(&out, ",\"message\":\"The request body is "
		    "invalid.\"}");
	} else if (rc == USERCGI_PW_AND_DIGEST)
		(void)buf_addstr(&out, "400 user.password_and_digest");
	else if (rc == USERCGI_PW_ALG_REQUIRED)
		(void)buf_addstr(&out, "400 user.password_algorithm_required");
	else if (rc != USERCGI_OK)
		(void)buf_printf(&out, "ERR %s", usercgi_errname(rc));
	else {
		(void)buf_addstr(&out, "OK {");
		put_str(&out, "username", in.username, slen(in.username), 1);
		put_str(&out, "primaryEmail", in.primary_email,
		    slen(in.primary_email), 0);
		put_str(&out, "primaryPhone", in.primary_phone,
		    slen(in.primary_phone), 0);
		put_str(&out, "name", in.name, slen(in.name), 0);
		put_str(&out, "avatar", in.avatar, slen(in.avatar), 0);
		put_str(&out, "password", in.password, in.password_len, 0);
		put_str(&out, "passwordDigest", in.password_digest,
		    slen(in.password_digest), 0);
		put_str(&out, "passwordAlgorithm", in.password_algorithm,
		    slen(in.password_algorithm), 0);
		(void)buf_printf(&out, ",\"customData\":%s,\"profile\":%s}",
		    in.custom_data_json ? in.custom_data_json : "null",
		    in.profile_json ? in.profile_json : "null");
	}
	(void)snprintf(res, sizeof(res), "%s", buf_str(&out));
out:
	user_input_free(&in);
	json_object_put(v);
	buf_free(&data);
	buf_free(&det);
	buf_free(&out);
	return res;
}

static const struct {
	const char	*body;
	const char	*want;
} cases[] = {
	{ "{}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":null,\"customData\":null,\"profi"
	    "le\":null}" },
	{ "[]",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"object\",\"received\":\"ar"
	    "ray\",\"path\":[],\"message\":\"Expected object, received array\""
	    "}],\"name\":\"ZodError\"},\"details\":\"Error in key path \\\"\\"
	    "\": (invalid_type) Expected object but received array.\",\"messa"
	    "ge\":\"The request body is invalid.\"}" },
	{ "{\"x\":1}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":null,\"customData\":null,\"profi"
	    "le\":null}" },
	{ "{\"username\":\"Full_1\",\"primaryEmail\":\"Foo@Example.com\",\""
	    "primaryPhone\":\"61412345678\",\"name\":\"N\",\"avatar\":\"https"
	    "://a.b/c.png\",\"customData\":{\"a\":[1,{\"b\":null}]},\"profile"
	    "\":{\"givenName\":\"G\"},\"password\":\"p\"}",
	    "OK {\"username\":\"Full_1\",\"primaryEmail\":\"Foo@Example.com\""
	    ",\"primaryPhone\":\"61412345678\",\"name\":\"N\",\"avatar\":\"ht"
	    "tps://a.b/c.png\",\"password\":\"p\",\"passwordDigest\":null,\"p"
	    "asswordAlgorithm\":null,\"customData\":{\"a\":[1,{\"b\":null}]},"
	    "\"profile\":{\"givenName\":\"G\"}}" },
	{ "{\"username\":\"abc\"}",
	    "OK {\"username\":\"abc\",\"primaryEmail\":null,\"primaryPhone\":"
	    "null,\"name\":null,\"avatar\":null,\"password\":null,\"passwordD"
	    "igest\":null,\"passwordAlgorithm\":null,\"customData\":null,\"pr"
	    "ofile\":null}" },
	{ "{\"username\":\"_\"}",
	    "OK {\"username\":\"_\",\"primaryEmail\":null,\"primaryPhone\":nu"
	    "ll,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDig"
	    "est\":null,\"passwordAlgorithm\":null,\"customData\":null,\"prof"
	    "ile\":null}" },
	{ "{\"username\":\"a1\"}",
	    "OK {\"username\":\"a1\",\"primaryEmail\":null,\"primaryPhone\":n"
	    "ull,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDi"
	    "gest\":null,\"passwordAlgorithm\":null,\"customData\":null,\"pro"
	    "file\":null}" },
	{ "{\"username\":\"1a\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"username\"]}],\"name\":\"ZodError\"},\"det"
	    "ails\":\"Error in key path \\\"username\\\": (invalid_string) In"
	    "valid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"username\":\"\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"username\"]}],\"name\":\"ZodError\"},\"det"
	    "ails\":\"Error in key path \\\"username\\\": (invalid_string) In"
	    "valid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"username\":\"a-b\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"username\"]}],\"name\":\"ZodError\"},\"det"
	    "ails\":\"Error in key path \\\"username\\\": (invalid_string) In"
	    "valid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"username\":\"abc\\n\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"username\"]}],\"name\":\"ZodError\"},\"det"
	    "ails\":\"Error in key path \\\"username\\\": (invalid_string) In"
	    "valid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"username\":\"ab c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"username\"]}],\"name\":\"ZodError\"},\"det"
	    "ails\":\"Error in key path \\\"username\\\": (invalid_string) In"
	    "valid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"username\":\"\303\244b\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"username\"]}],\"name\":\"ZodError\"},\"det"
	    "ails\":\"Error in key path \\\"username\\\": (invalid_string) In"
	    "valid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"username\":null}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"nu"
	    "ll\",\"path\":[\"username\"],\"message\":\"Expected string, rece"
	    "ived null\"}],\"name\":\"ZodError\"},\"details\":\"Error in key "
	    "path \\\"username\\\": (invalid_type) Expected string but receiv"
	    "ed null.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"username\":true}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"bo"
	    "olean\",\"path\":[\"username\"],\"message\":\"Expected string, r"
	    "eceived boolean\"}],\"name\":\"ZodError\"},\"details\":\"Error i"
	    "n key path \\\"username\\\": (invalid_type) Expected string but "
	    "received boolean.\",\"message\":\"The request body is invalid.\""
	    "}" },
	{ "{\"username\":[]}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"ar"
	    "ray\",\"path\":[\"username\"],\"message\":\"Expected string, rec"
	    "eived array\"}],\"name\":\"ZodError\"},\"details\":\"Error in ke"
	    "y path \\\"username\\\": (invalid_type) Expected string but rece"
	    "ived array.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"username\":{}}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"ob"
	    "ject\",\"path\":[\"username\"],\"message\":\"Expected string, re"
	    "ceived object\"}],\"name\":\"ZodError\"},\"details\":\"Error in "
	    "key path \\\"username\\\": (invalid_type) Expected string but re"
	    "ceived object.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"username\":1.5}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"nu"
	    "mber\",\"path\":[\"username\"],\"message\":\"Expected string, re"
	    "ceived number\"}],\"name\":\"ZodError\"},\"details\":\"Error in "
	    "key path \\\"username\\\": (invalid_type) Expected string but re"
	    "ceived number.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a@b.c\"}",
	    "OK {\"username\":null,\"primaryEmail\":\"a@b.c\",\"primaryPhone\""
	    ":null,\"name\":null,\"avatar\":null,\"password\":null,\"password"
	    "Digest\":null,\"passwordAlgorithm\":null,\"customData\":null,\"p"
	    "rofile\":null}" },
	{ "{\"primaryEmail\":\"a@@b.c\"}",
	    "OK {\"username\":null,\"primaryEmail\":\"a@@b.c\",\"primaryPhone"
	    "\":null,\"name\":null,\"avatar\":null,\"password\":null,\"passwo"
	    "rdDigest\":null,\"passwordAlgorithm\":null,\"customData\":null,\""
	    "profile\":null}" },
	{ "{\"primaryEmail\":\"a@b..c\"}",
	    "OK {\"username\":null,\"primaryEmail\":\"a@b..c\",\"primaryPhone"
	    "\":null,\"name\":null,\"avatar\":null,\"password\":null,\"passwo"
	    "rdDigest\":null,\"passwordAlgorithm\":null,\"customData\":null,\""
	    "profile\":null}" },
	{ "{\"primaryEmail\":\"\\\"a\\\"@b.c\"}",
	    "OK {\"username\":null,\"primaryEmail\":\"\\\"a\\\"@b.c\",\"prima"
	    "ryPhone\":null,\"name\":null,\"avatar\":null,\"password\":null,\""
	    "passwordDigest\":null,\"passwordAlgorithm\":null,\"customData\":"
	    "null,\"profile\":null}" },
	{ "{\"primaryEmail\":\"\303\204@\303\266.\303\274\"}",
	    "OK {\"username\":null,\"primaryEmail\":\"\303\204@\303\266.\303\274"
	    "\",\"primaryPhone\":null,\"name\":null,\"avatar\":null,\"passwor"
	    "d\":null,\"passwordDigest\":null,\"passwordAlgorithm\":null,\"cu"
	    "stomData\":null,\"profile\":null}" },
	{ "{\"primaryEmail\":\"a@b\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"@b.c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a@.c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a@b.\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a b@c.d\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a@b.c \"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a@b.c\\n\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a@b.c\\u00a0\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a\\u1680@b.c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a\\u2000@b.c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a\\u200a@b.c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a\\u200b@b.c\"}",
	    "OK {\"username\":null,\"primaryEmail\":\"a\342\200\213@b.c\",\"p"
	    "rimaryPhone\":null,\"name\":null,\"avatar\":null,\"password\":nu"
	    "ll,\"passwordDigest\":null,\"passwordAlgorithm\":null,\"customDa"
	    "ta\":null,\"profile\":null}" },
	{ "{\"primaryEmail\":\"a\\u2028@b.c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a\\u2029@b.c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a\\u202f@b.c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a\\u205f@b.c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a\\u3000@b.c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a\\ufeff@b.c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a\\u0085@b.c\"}",
	    "OK {\"username\":null,\"primaryEmail\":\"a\302\205@b.c\",\"prima"
	    "ryPhone\":null,\"name\":null,\"avatar\":null,\"password\":null,\""
	    "passwordDigest\":null,\"passwordAlgorithm\":null,\"customData\":"
	    "null,\"profile\":null}" },
	{ "{\"primaryEmail\":\"a\\u000b@b.c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a\\u000c@b.c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a\\u001c@b.c\"}",
	    "OK {\"username\":null,\"primaryEmail\":\"a\\u001c@b.c\",\"primar"
	    "yPhone\":null,\"name\":null,\"avatar\":null,\"password\":null,\""
	    "passwordDigest\":null,\"passwordAlgorithm\":null,\"customData\":"
	    "null,\"profile\":null}" },
	{ "{\"primaryEmail\":\"@@b.c\"}",
	    "OK {\"username\":null,\"primaryEmail\":\"@@b.c\",\"primaryPhone\""
	    ":null,\"name\":null,\"avatar\":null,\"password\":null,\"password"
	    "Digest\":null,\"passwordAlgorithm\":null,\"customData\":null,\"p"
	    "rofile\":null}" },
	{ "{\"primaryEmail\":\"a@b.c.d\"}",
	    "OK {\"username\":null,\"primaryEmail\":\"a@b.c.d\",\"primaryPhon"
	    "e\":null,\"name\":null,\"avatar\":null,\"password\":null,\"passw"
	    "ordDigest\":null,\"passwordAlgorithm\":null,\"customData\":null,"
	    "\"profile\":null}" },
	{ "{\"primaryEmail\":\"a.b@c\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":\"a@.b.c\"}",
	    "OK {\"username\":null,\"primaryEmail\":\"a@.b.c\",\"primaryPhone"
	    "\":null,\"name\":null,\"avatar\":null,\"password\":null,\"passwo"
	    "rdDigest\":null,\"passwordAlgorithm\":null,\"customData\":null,\""
	    "profile\":null}" },
	{ "{\"primaryEmail\":\".@...\"}",
	    "OK {\"username\":null,\"primaryEmail\":\".@...\",\"primaryPhone\""
	    ":null,\"name\":null,\"avatar\":null,\"password\":null,\"password"
	    "Digest\":null,\"passwordAlgorithm\":null,\"customData\":null,\"p"
	    "rofile\":null}" },
	{ "{\"primaryEmail\":\"a@b@c.d\"}",
	    "OK {\"username\":null,\"primaryEmail\":\"a@b@c.d\",\"primaryPhon"
	    "e\":null,\"name\":null,\"avatar\":null,\"password\":null,\"passw"
	    "ordDigest\":null,\"passwordAlgorithm\":null,\"customData\":null,"
	    "\"profile\":null}" },
	{ "{\"primaryEmail\":\"\360\237\230\200@\360\237\230\200.\360\237\230"
	    "\200\"}",
	    "OK {\"username\":null,\"primaryEmail\":\"\360\237\230\200@\360\237"
	    "\230\200.\360\237\230\200\",\"primaryPhone\":null,\"name\":null,"
	    "\"avatar\":null,\"password\":null,\"passwordDigest\":null,\"pass"
	    "wordAlgorithm\":null,\"customData\":null,\"profile\":null}" },
	{ "{\"primaryEmail\":\"\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryEmail\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryEmail\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryEmail\":5}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"nu"
	    "mber\",\"path\":[\"primaryEmail\"],\"message\":\"Expected string"
	    ", received number\"}],\"name\":\"ZodError\"},\"details\":\"Error"
	    " in key path \\\"primaryEmail\\\": (invalid_type) Expected strin"
	    "g but received number.\",\"message\":\"The request body is inval"
	    "id.\"}" },
	{ "{\"primaryPhone\":\"123\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":\"1"
	    "23\",\"name\":null,\"avatar\":null,\"password\":null,\"passwordD"
	    "igest\":null,\"passwordAlgorithm\":null,\"customData\":null,\"pr"
	    "ofile\":null}" },
	{ "{\"primaryPhone\":\"\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryPhone\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryPhone\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryPhone\":\"+123\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryPhone\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryPhone\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryPhone\":\"12 3\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryPhone\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryPhone\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryPhone\":\"\331\241\331\242\331\243\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryPhone\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryPhone\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryPhone\":\"123\\n\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"regex\",\"code\":\"invalid_string\",\"message\":\""
	    "Invalid\",\"path\":[\"primaryPhone\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"primaryPhone\\\": (invalid_str"
	    "ing) Invalid\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"primaryPhone\":123}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"nu"
	    "mber\",\"path\":[\"primaryPhone\"],\"message\":\"Expected string"
	    ", received number\"}],\"name\":\"ZodError\"},\"details\":\"Error"
	    " in key path \\\"primaryPhone\\\": (invalid_type) Expected strin"
	    "g but received number.\",\"message\":\"The request body is inval"
	    "id.\"}" },
	{ "{\"password\":\"\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"too_small\",\"minimum\":1,\"type\":\"string\",\"inclusiv"
	    "e\":true,\"exact\":false,\"message\":\"String must contain at le"
	    "ast 1 character(s)\",\"path\":[\"password\"]}],\"name\":\"ZodErr"
	    "or\"},\"details\":\"Error in key path \\\"password\\\": (too_sma"
	    "ll) String must contain at least 1 character(s)\",\"message\":\""
	    "The request body is invalid.\"}" },
	{ "{\"password\":\"x\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":\"x\",\"passwordDig"
	    "est\":null,\"passwordAlgorithm\":null,\"customData\":null,\"prof"
	    "ile\":null}" },
	{ "{\"password\":\"\360\237\230\200\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":\"\360\237\230\200\""
	    ",\"passwordDigest\":null,\"passwordAlgorithm\":null,\"customData"
	    "\":null,\"profile\":null}" },
	{ "{\"password\":null}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"nu"
	    "ll\",\"path\":[\"password\"],\"message\":\"Expected string, rece"
	    "ived null\"}],\"name\":\"ZodError\"},\"details\":\"Error in key "
	    "path \\\"password\\\": (invalid_type) Expected string but receiv"
	    "ed null.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"password\":\"a\",\"passwordDigest\":\"b\",\"passwordAlgorithm"
	    "\":\"MD5\"}",
	    "400 user.password_and_digest" },
	{ "{\"password\":\"a\",\"passwordDigest\":\"\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":\"a\",\"passwordDig"
	    "est\":null,\"passwordAlgorithm\":null,\"customData\":null,\"prof"
	    "ile\":null}" },
	{ "{\"password\":\"a\",\"passwordDigest\":\"x\"}",
	    "400 user.password_and_digest" },
	{ "{\"passwordDigest\":\"x\"}",
	    "400 user.password_algorithm_required" },
	{ "{\"passwordDigest\":\"\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":null,\"customData\":null,\"profi"
	    "le\":null}" },
	{ "{\"passwordDigest\":\"x\",\"passwordAlgorithm\":\"MD5\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":\"x\",\"passwordAlgorithm\":\"MD5\",\"customData\":null,\"p"
	    "rofile\":null}" },
	{ "{\"passwordAlgorithm\":\"MD5\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":\"MD5\",\"customData\":null,\"pr"
	    "ofile\":null}" },
	{ "{\"passwordAlgorithm\":\"md5\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"r"
	    "eceived\":\"md5\",\"code\":\"invalid_enum_value\",\"options\":[\""
	    "Argon2i\",\"Argon2id\",\"Argon2d\",\"SHA1\",\"SHA256\",\"MD5\",\""
	    "Bcrypt\",\"Legacy\"],\"path\":[\"passwordAlgorithm\"],\"message\""
	    ":\"Invalid enum value. Expected 'Argon2i' | 'Argon2id' | 'Argon2"
	    "d' | 'SHA1' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy', received '"
	    "md5'\"}],\"name\":\"ZodError\"},\"details\":\"Error in key path "
	    "\\\"passwordAlgorithm\\\": (invalid_enum_value) Invalid enum val"
	    "ue. Expected 'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA2"
	    "56' | 'MD5' | 'Bcrypt' | 'Legacy', received 'md5'\",\"message\":"
	    "\"The request body is invalid.\"}" },
	{ "{\"passwordAlgorithm\":\"\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"r"
	    "eceived\":\"\",\"code\":\"invalid_enum_value\",\"options\":[\"Ar"
	    "gon2i\",\"Argon2id\",\"Argon2d\",\"SHA1\",\"SHA256\",\"MD5\",\"B"
	    "crypt\",\"Legacy\"],\"path\":[\"passwordAlgorithm\"],\"message\""
	    ":\"Invalid enum value. Expected 'Argon2i' | 'Argon2id' | 'Argon2"
	    "d' | 'SHA1' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy', received '"
	    "'\"}],\"name\":\"ZodError\"},\"details\":\"Error in key path \\\""
	    "passwordAlgorithm\\\": (invalid_enum_value) Invalid enum value. "
	    "Expected 'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA256' "
	    "| 'MD5' | 'Bcrypt' | 'Legacy', received ''\",\"message\":\"The r"
	    "equest body is invalid.\"}" },
	{ "{\"passwordAlgorithm\":5}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"r"
	    "eceived\":5,\"code\":\"invalid_enum_value\",\"options\":[\"Argon"
	    "2i\",\"Argon2id\",\"Argon2d\",\"SHA1\",\"SHA256\",\"MD5\",\"Bcry"
	    "pt\",\"Legacy\"],\"path\":[\"passwordAlgorithm\"],\"message\":\""
	    "Invalid enum value. Expected 'Argon2i' | 'Argon2id' | 'Argon2d' "
	    "| 'SHA1' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy', received '5'\""
	    "}],\"name\":\"ZodError\"},\"details\":\"Error in key path \\\"pa"
	    "sswordAlgorithm\\\": (invalid_enum_value) Invalid enum value. Ex"
	    "pected 'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA256' | "
	    "'MD5' | 'Bcrypt' | 'Legacy', received '5'\",\"message\":\"The re"
	    "quest body is invalid.\"}" },
	{ "{\"passwordAlgorithm\":1.5e300}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"r"
	    "eceived\":1.5e+300,\"code\":\"invalid_enum_value\",\"options\":["
	    "\"Argon2i\",\"Argon2id\",\"Argon2d\",\"SHA1\",\"SHA256\",\"MD5\""
	    ",\"Bcrypt\",\"Legacy\"],\"path\":[\"passwordAlgorithm\"],\"messa"
	    "ge\":\"Invalid enum value. Expected 'Argon2i' | 'Argon2id' | 'Ar"
	    "gon2d' | 'SHA1' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy', receiv"
	    "ed '1.5e+300'\"}],\"name\":\"ZodError\"},\"details\":\"Error in "
	    "key path \\\"passwordAlgorithm\\\": (invalid_enum_value) Invalid"
	    " enum value. Expected 'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1"
	    "' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy', received '1.5e+300'\""
	    ",\"message\":\"The request body is invalid.\"}" },
	{ "{\"passwordAlgorithm\":true}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"e"
	    "xpected\":\"'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA25"
	    "6' | 'MD5' | 'Bcrypt' | 'Legacy'\",\"received\":\"boolean\",\"co"
	    "de\":\"invalid_type\",\"path\":[\"passwordAlgorithm\"],\"message"
	    "\":\"Expected 'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA"
	    "256' | 'MD5' | 'Bcrypt' | 'Legacy', received boolean\"}],\"name\""
	    ":\"ZodError\"},\"details\":\"Error in key path \\\"passwordAlgor"
	    "ithm\\\": (invalid_type) Expected 'Argon2i' | 'Argon2id' | 'Argo"
	    "n2d' | 'SHA1' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy' but recei"
	    "ved boolean.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"passwordAlgorithm\":null}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"e"
	    "xpected\":\"'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA25"
	    "6' | 'MD5' | 'Bcrypt' | 'Legacy'\",\"received\":\"null\",\"code\""
	    ":\"invalid_type\",\"path\":[\"passwordAlgorithm\"],\"message\":\""
	    "Expected 'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA256' "
	    "| 'MD5' | 'Bcrypt' | 'Legacy', received null\"}],\"name\":\"ZodE"
	    "rror\"},\"details\":\"Error in key path \\\"passwordAlgorithm\\\""
	    ": (invalid_type) Expected 'Argon2i' | 'Argon2id' | 'Argon2d' | '"
	    "SHA1' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy' but received null"
	    ".\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"passwordAlgorithm\":[]}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"e"
	    "xpected\":\"'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA25"
	    "6' | 'MD5' | 'Bcrypt' | 'Legacy'\",\"received\":\"array\",\"code"
	    "\":\"invalid_type\",\"path\":[\"passwordAlgorithm\"],\"message\""
	    ":\"Expected 'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA25"
	    "6' | 'MD5' | 'Bcrypt' | 'Legacy', received array\"}],\"name\":\""
	    "ZodError\"},\"details\":\"Error in key path \\\"passwordAlgorith"
	    "m\\\": (invalid_type) Expected 'Argon2i' | 'Argon2id' | 'Argon2d"
	    "' | 'SHA1' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy' but received"
	    " array.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"passwordAlgorithm\":{\"a\":1}}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"e"
	    "xpected\":\"'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA25"
	    "6' | 'MD5' | 'Bcrypt' | 'Legacy'\",\"received\":\"object\",\"cod"
	    "e\":\"invalid_type\",\"path\":[\"passwordAlgorithm\"],\"message\""
	    ":\"Expected 'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA25"
	    "6' | 'MD5' | 'Bcrypt' | 'Legacy', received object\"}],\"name\":\""
	    "ZodError\"},\"details\":\"Error in key path \\\"passwordAlgorith"
	    "m\\\": (invalid_type) Expected 'Argon2i' | 'Argon2id' | 'Argon2d"
	    "' | 'SHA1' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy' but received"
	    " object.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"passwordAlgorithm\":\"it's \\\"q\\\"\\n\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"r"
	    "eceived\":\"it's \\\"q\\\"\\n\",\"code\":\"invalid_enum_value\","
	    "\"options\":[\"Argon2i\",\"Argon2id\",\"Argon2d\",\"SHA1\",\"SHA"
	    "256\",\"MD5\",\"Bcrypt\",\"Legacy\"],\"path\":[\"passwordAlgorit"
	    "hm\"],\"message\":\"Invalid enum value. Expected 'Argon2i' | 'Ar"
	    "gon2id' | 'Argon2d' | 'SHA1' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Le"
	    "gacy', received 'it's \\\"q\\\"\\n'\"}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"passwordAlgorithm\\\": (invali"
	    "d_enum_value) Invalid enum value. Expected 'Argon2i' | 'Argon2id"
	    "' | 'Argon2d' | 'SHA1' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy',"
	    " received 'it's \\\"q\\\"\\n'\",\"message\":\"The request body i"
	    "s invalid.\"}" },
	{ "{\"passwordAlgorithm\":\"Legacy\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":\"Legacy\",\"customData\":null,\""
	    "profile\":null}" },
	{ "{\"passwordAlgorithm\":\"Argon2i\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":\"Argon2i\",\"customData\":null,"
	    "\"profile\":null}" },
	{ "{\"passwordAlgorithm\":\"Argon2id\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":\"Argon2id\",\"customData\":null"
	    ",\"profile\":null}" },
	{ "{\"passwordAlgorithm\":\"Argon2d\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":\"Argon2d\",\"customData\":null,"
	    "\"profile\":null}" },
	{ "{\"passwordAlgorithm\":\"SHA1\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":\"SHA1\",\"customData\":null,\"p"
	    "rofile\":null}" },
	{ "{\"passwordAlgorithm\":\"SHA256\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":\"SHA256\",\"customData\":null,\""
	    "profile\":null}" },
	{ "{\"passwordAlgorithm\":\"Bcrypt\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":\"Bcrypt\",\"customData\":null,\""
	    "profile\":null}" },
	{ "{\"passwordAlgorithm\":\"bcrypt\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"r"
	    "eceived\":\"bcrypt\",\"code\":\"invalid_enum_value\",\"options\""
	    ":[\"Argon2i\",\"Argon2id\",\"Argon2d\",\"SHA1\",\"SHA256\",\"MD5"
	    "\",\"Bcrypt\",\"Legacy\"],\"path\":[\"passwordAlgorithm\"],\"mes"
	    "sage\":\"Invalid enum value. Expected 'Argon2i' | 'Argon2id' | '"
	    "Argon2d' | 'SHA1' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy', rece"
	    "ived 'bcrypt'\"}],\"name\":\"ZodError\"},\"details\":\"Error in "
	    "key path \\\"passwordAlgorithm\\\": (invalid_enum_value) Invalid"
	    " enum value. Expected 'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1"
	    "' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy', received 'bcrypt'\","
	    "\"message\":\"The request body is invalid.\"}" },
	{ "{\"name\":\"\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":null,\"customData\":null,\"profi"
	    "le\":null}" },
	{ "{\"name\":\"x\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":\"x\",\"avatar\":null,\"password\":null,\"passwordDig"
	    "est\":null,\"passwordAlgorithm\":null,\"customData\":null,\"prof"
	    "ile\":null}" },
	{ "{\"name\":null}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"nu"
	    "ll\",\"path\":[\"name\"],\"message\":\"Expected string, received"
	    " null\"}],\"name\":\"ZodError\"},\"details\":\"Error in key path"
	    " \\\"name\\\": (invalid_type) Expected string but received null."
	    "\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"name\":1}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"nu"
	    "mber\",\"path\":[\"name\"],\"message\":\"Expected string, receiv"
	    "ed number\"}],\"name\":\"ZodError\"},\"details\":\"Error in key "
	    "path \\\"name\\\": (invalid_type) Expected string but received n"
	    "umber.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"name\":\"   \"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":\"   \",\"avatar\":null,\"password\":null,\"passwordD"
	    "igest\":null,\"passwordAlgorithm\":null,\"customData\":null,\"pr"
	    "ofile\":null}" },
	{ "{\"avatar\":\"\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":null,\"customData\":null,\"profi"
	    "le\":null}" },
	{ "{\"avatar\":null}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":null,\"customData\":null,\"profi"
	    "le\":null}" },
	{ "{\"avatar\":5}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"code\":"
	    "\"invalid_type\",\"expected\":\"string\",\"received\":\"number\""
	    ",\"path\":[\"avatar\"],\"message\":\"Expected string, received n"
	    "umber\"}],\"name\":\"ZodError\"},{\"issues\":[{\"received\":5,\""
	    "code\":\"invalid_literal\",\"expected\":\"\",\"path\":[\"avatar\""
	    "],\"message\":\"Invalid literal value, expected \\\"\\\"\"}],\"n"
	    "ame\":\"ZodError\"}],\"path\":[\"avatar\"],\"message\":\"Invalid"
	    " input\"}],\"name\":\"ZodError\"},\"details\":\"Error in key pat"
	    "h \\\"avatar\\\": (invalid_union) Invalid input\",\"message\":\""
	    "The request body is invalid.\"}" },
	{ "{\"avatar\":true}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"code\":"
	    "\"invalid_type\",\"expected\":\"string\",\"received\":\"boolean\""
	    ",\"path\":[\"avatar\"],\"message\":\"Expected string, received b"
	    "oolean\"}],\"name\":\"ZodError\"},{\"issues\":[{\"received\":tru"
	    "e,\"code\":\"invalid_literal\",\"expected\":\"\",\"path\":[\"ava"
	    "tar\"],\"message\":\"Invalid literal value, expected \\\"\\\"\"}"
	    "],\"name\":\"ZodError\"}],\"path\":[\"avatar\"],\"message\":\"In"
	    "valid input\"}],\"name\":\"ZodError\"},\"details\":\"Error in ke"
	    "y path \\\"avatar\\\": (invalid_union) Invalid input\",\"message"
	    "\":\"The request body is invalid.\"}" },
	{ "{\"avatar\":false}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"code\":"
	    "\"invalid_type\",\"expected\":\"string\",\"received\":\"boolean\""
	    ",\"path\":[\"avatar\"],\"message\":\"Expected string, received b"
	    "oolean\"}],\"name\":\"ZodError\"},{\"issues\":[{\"received\":fal"
	    "se,\"code\":\"invalid_literal\",\"expected\":\"\",\"path\":[\"av"
	    "atar\"],\"message\":\"Invalid literal value, expected \\\"\\\"\""
	    "}],\"name\":\"ZodError\"}],\"path\":[\"avatar\"],\"message\":\"I"
	    "nvalid input\"}],\"name\":\"ZodError\"},\"details\":\"Error in k"
	    "ey path \\\"avatar\\\": (invalid_union) Invalid input\",\"messag"
	    "e\":\"The request body is invalid.\"}" },
	{ "{\"avatar\":[1,\"a\"]}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"code\":"
	    "\"invalid_type\",\"expected\":\"string\",\"received\":\"array\","
	    "\"path\":[\"avatar\"],\"message\":\"Expected string, received ar"
	    "ray\"}],\"name\":\"ZodError\"},{\"issues\":[{\"received\":[1,\"a"
	    "\"],\"code\":\"invalid_literal\",\"expected\":\"\",\"path\":[\"a"
	    "vatar\"],\"message\":\"Invalid literal value, expected \\\"\\\"\""
	    "}],\"name\":\"ZodError\"}],\"path\":[\"avatar\"],\"message\":\"I"
	    "nvalid input\"}],\"name\":\"ZodError\"},\"details\":\"Error in k"
	    "ey path \\\"avatar\\\": (invalid_union) Invalid input\",\"messag"
	    "e\":\"The request body is invalid.\"}" },
	{ "{\"avatar\":{\"a\":\"b/c\"}}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"code\":"
	    "\"invalid_type\",\"expected\":\"string\",\"received\":\"object\""
	    ",\"path\":[\"avatar\"],\"message\":\"Expected string, received o"
	    "bject\"}],\"name\":\"ZodError\"},{\"issues\":[{\"received\":{\"a"
	    "\":\"b/c\"},\"code\":\"invalid_literal\",\"expected\":\"\",\"pat"
	    "h\":[\"avatar\"],\"message\":\"Invalid literal value, expected \\"
	    "\"\\\"\"}],\"name\":\"ZodError\"}],\"path\":[\"avatar\"],\"messa"
	    "ge\":\"Invalid input\"}],\"name\":\"ZodError\"},\"details\":\"Er"
	    "ror in key path \\\"avatar\\\": (invalid_union) Invalid input\","
	    "\"message\":\"The request body is invalid.\"}" },
	{ "{\"avatar\":1e21}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"code\":"
	    "\"invalid_type\",\"expected\":\"string\",\"received\":\"number\""
	    ",\"path\":[\"avatar\"],\"message\":\"Expected string, received n"
	    "umber\"}],\"name\":\"ZodError\"},{\"issues\":[{\"received\":1e+2"
	    "1,\"code\":\"invalid_literal\",\"expected\":\"\",\"path\":[\"ava"
	    "tar\"],\"message\":\"Invalid literal value, expected \\\"\\\"\"}"
	    "],\"name\":\"ZodError\"}],\"path\":[\"avatar\"],\"message\":\"In"
	    "valid input\"}],\"name\":\"ZodError\"},\"details\":\"Error in ke"
	    "y path \\\"avatar\\\": (invalid_union) Invalid input\",\"message"
	    "\":\"The request body is invalid.\"}" },
	{ "{\"avatar\":0.1}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"code\":"
	    "\"invalid_type\",\"expected\":\"string\",\"received\":\"number\""
	    ",\"path\":[\"avatar\"],\"message\":\"Expected string, received n"
	    "umber\"}],\"name\":\"ZodError\"},{\"issues\":[{\"received\":0.1,"
	    "\"code\":\"invalid_literal\",\"expected\":\"\",\"path\":[\"avata"
	    "r\"],\"message\":\"Invalid literal value, expected \\\"\\\"\"}],"
	    "\"name\":\"ZodError\"}],\"path\":[\"avatar\"],\"message\":\"Inva"
	    "lid input\"}],\"name\":\"ZodError\"},\"details\":\"Error in key "
	    "path \\\"avatar\\\": (invalid_union) Invalid input\",\"message\""
	    ":\"The request body is invalid.\"}" },
	{ "{\"avatar\":\"http://a\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":\"http://a\",\"password\":null,\"pass"
	    "wordDigest\":null,\"passwordAlgorithm\":null,\"customData\":null"
	    ",\"profile\":null}" },
	{ "{\"avatar\":\"a.com\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"url\",\"code\":\"invalid_string\",\"message\":\"In"
	    "valid url\",\"path\":[\"avatar\"]}],\"name\":\"ZodError\"},\"det"
	    "ails\":\"Error in key path \\\"avatar\\\": (invalid_string) Inva"
	    "lid url\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"avatar\":\" https://a.com \"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":\" https://a.com \",\"password\":null"
	    ",\"passwordDigest\":null,\"passwordAlgorithm\":null,\"customData"
	    "\":null,\"profile\":null}" },
	{ "{\"avatar\":\"http://256.256.256.256\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"v"
	    "alidation\":\"url\",\"code\":\"invalid_string\",\"message\":\"In"
	    "valid url\",\"path\":[\"avatar\"]}],\"name\":\"ZodError\"},\"det"
	    "ails\":\"Error in key path \\\"avatar\\\": (invalid_string) Inva"
	    "lid url\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"avatar\":\"foo:bar\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":\"foo:bar\",\"password\":null,\"passw"
	    "ordDigest\":null,\"passwordAlgorithm\":null,\"customData\":null,"
	    "\"profile\":null}" },
	{ "{\"customData\":{}}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":null,\"customData\":{},\"profile"
	    "\":null}" },
	{ "{\"customData\":{\"b\":1,\"a\":{\"z\":[1e21,0.1,-0,1e400,\"/\\u2"
	    "028\"]}}}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":null,\"customData\":{\"b\":1,\"a"
	    "\":{\"z\":[1e+21,0.1,0,null,\"/\342\200\250\"]}},\"profile\":nul"
	    "l}" },
	{ "{\"customData\":[]}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"object\",\"received\":\"ar"
	    "ray\",\"path\":[\"customData\"],\"message\":\"Expected object, r"
	    "eceived array\"}],\"name\":\"ZodError\"},\"details\":\"Error in "
	    "key path \\\"customData\\\": (invalid_type) Expected object but "
	    "received array.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"customData\":null}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"object\",\"received\":\"nu"
	    "ll\",\"path\":[\"customData\"],\"message\":\"Expected object, re"
	    "ceived null\"}],\"name\":\"ZodError\"},\"details\":\"Error in ke"
	    "y path \\\"customData\\\": (invalid_type) Expected object but re"
	    "ceived null.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"customData\":\"x\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"object\",\"received\":\"st"
	    "ring\",\"path\":[\"customData\"],\"message\":\"Expected object, "
	    "received string\"}],\"name\":\"ZodError\"},\"details\":\"Error i"
	    "n key path \\\"customData\\\": (invalid_type) Expected object bu"
	    "t received string.\",\"message\":\"The request body is invalid.\""
	    "}" },
	{ "{\"customData\":1}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"object\",\"received\":\"nu"
	    "mber\",\"path\":[\"customData\"],\"message\":\"Expected object, "
	    "received number\"}],\"name\":\"ZodError\"},\"details\":\"Error i"
	    "n key path \\\"customData\\\": (invalid_type) Expected object bu"
	    "t received number.\",\"message\":\"The request body is invalid.\""
	    "}" },
	{ "{\"customData\":{\"2\":1,\"1\":2,\"a\":3}}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":null,\"customData\":{\"1\":2,\"2"
	    "\":1,\"a\":3},\"profile\":null}" },
	{ "{\"profile\":{}}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":null,\"customData\":null,\"profi"
	    "le\":{}}" },
	{ "{\"profile\":null}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"object\",\"received\":\"nu"
	    "ll\",\"path\":[\"profile\"],\"message\":\"Expected object, recei"
	    "ved null\"}],\"name\":\"ZodError\"},\"details\":\"Error in key p"
	    "ath \\\"profile\\\": (invalid_type) Expected object but received"
	    " null.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"profile\":[]}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"object\",\"received\":\"ar"
	    "ray\",\"path\":[\"profile\"],\"message\":\"Expected object, rece"
	    "ived array\"}],\"name\":\"ZodError\"},\"details\":\"Error in key"
	    " path \\\"profile\\\": (invalid_type) Expected object but receiv"
	    "ed array.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"profile\":{\"unknown\":1}}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":null,\"customData\":null,\"profi"
	    "le\":{}}" },
	{ "{\"profile\":{\"locale\":\"de\",\"familyName\":\"F\",\"address\""
	    ":{\"country\":\"DE\",\"formatted\":\"f\",\"x\":1},\"website\":\""
	    "w\"}}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":null,\"customData\":null,\"profi"
	    "le\":{\"familyName\":\"F\",\"website\":\"w\",\"locale\":\"de\",\""
	    "address\":{\"formatted\":\"f\",\"country\":\"DE\"}}}" },
	{ "{\"profile\":{\"address\":null}}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"object\",\"received\":\"nu"
	    "ll\",\"path\":[\"profile\",\"address\"],\"message\":\"Expected o"
	    "bject, received null\"}],\"name\":\"ZodError\"},\"details\":\"Er"
	    "ror in key path \\\"profile.address\\\": (invalid_type) Expected"
	    " object but received null.\",\"message\":\"The request body is i"
	    "nvalid.\"}" },
	{ "{\"profile\":{\"address\":[]}}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"object\",\"received\":\"ar"
	    "ray\",\"path\":[\"profile\",\"address\"],\"message\":\"Expected "
	    "object, received array\"}],\"name\":\"ZodError\"},\"details\":\""
	    "Error in key path \\\"profile.address\\\": (invalid_type) Expect"
	    "ed object but received array.\",\"message\":\"The request body i"
	    "s invalid.\"}" },
	{ "{\"profile\":{\"address\":{}}}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":null,\"passwordAlgorithm\":null,\"customData\":null,\"profi"
	    "le\":{\"address\":{}}}" },
	{ "{\"profile\":{\"familyName\":1,\"givenName\":null,\"middleName\""
	    ":true,\"nickname\":[],\"preferredUsername\":{},\"profile\":1,\"w"
	    "ebsite\":1,\"gender\":1,\"birthdate\":1,\"zoneinfo\":1,\"locale\""
	    ":1,\"address\":{\"formatted\":1,\"streetAddress\":1,\"locality\""
	    ":1,\"region\":1,\"postalCode\":1,\"country\":1}}}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"nu"
	    "mber\",\"path\":[\"profile\",\"familyName\"],\"message\":\"Expec"
	    "ted string, received number\"},{\"code\":\"invalid_type\",\"expe"
	    "cted\":\"string\",\"received\":\"null\",\"path\":[\"profile\",\""
	    "givenName\"],\"message\":\"Expected string, received null\"},{\""
	    "code\":\"invalid_type\",\"expected\":\"string\",\"received\":\"b"
	    "oolean\",\"path\":[\"profile\",\"middleName\"],\"message\":\"Exp"
	    "ected string, received boolean\"},{\"code\":\"invalid_type\",\"e"
	    "xpected\":\"string\",\"received\":\"array\",\"path\":[\"profile\""
	    ",\"nickname\"],\"message\":\"Expected string, received array\"},"
	    "{\"code\":\"invalid_type\",\"expected\":\"string\",\"received\":"
	    "\"object\",\"path\":[\"profile\",\"preferredUsername\"],\"messag"
	    "e\":\"Expected string, received object\"},{\"code\":\"invalid_ty"
	    "pe\",\"expected\":\"string\",\"received\":\"number\",\"path\":[\""
	    "profile\",\"profile\"],\"message\":\"Expected string, received n"
	    "umber\"},{\"code\":\"invalid_type\",\"expected\":\"string\",\"re"
	    "ceived\":\"number\",\"path\":[\"profile\",\"website\"],\"message"
	    "\":\"Expected string, received number\"},{\"code\":\"invalid_typ"
	    "e\",\"expected\":\"string\",\"received\":\"number\",\"path\":[\""
	    "profile\",\"gender\"],\"message\":\"Expected string, received nu"
	    "mber\"},{\"code\":\"invalid_type\",\"expected\":\"string\",\"rec"
	    "eived\":\"number\",\"path\":[\"profile\",\"birthdate\"],\"messag"
	    "e\":\"Expected string, received number\"},{\"code\":\"invalid_ty"
	    "pe\",\"expected\":\"string\",\"received\":\"number\",\"path\":[\""
	    "profile\",\"zoneinfo\"],\"message\":\"Expected string, received "
	    "number\"},{\"code\":\"invalid_type\",\"expected\":\"string\",\"r"
	    "eceived\":\"number\",\"path\":[\"profile\",\"locale\"],\"message"
	    "\":\"Expected string, received number\"},{\"code\":\"invalid_typ"
	    "e\",\"expected\":\"string\",\"received\":\"number\",\"path\":[\""
	    "profile\",\"address\",\"formatted\"],\"message\":\"Expected stri"
	    "ng, received number\"},{\"code\":\"invalid_type\",\"expected\":\""
	    "string\",\"received\":\"number\",\"path\":[\"profile\",\"address"
	    "\",\"streetAddress\"],\"message\":\"Expected string, received nu"
	    "mber\"},{\"code\":\"invalid_type\",\"expected\":\"string\",\"rec"
	    "eived\":\"number\",\"path\":[\"profile\",\"address\",\"locality\""
	    "],\"message\":\"Expected string, received number\"},{\"code\":\""
	    "invalid_type\",\"expected\":\"string\",\"received\":\"number\",\""
	    "path\":[\"profile\",\"address\",\"region\"],\"message\":\"Expect"
	    "ed string, received number\"},{\"code\":\"invalid_type\",\"expec"
	    "ted\":\"string\",\"received\":\"number\",\"path\":[\"profile\",\""
	    "address\",\"postalCode\"],\"message\":\"Expected string, receive"
	    "d number\"},{\"code\":\"invalid_type\",\"expected\":\"string\",\""
	    "received\":\"number\",\"path\":[\"profile\",\"address\",\"countr"
	    "y\"],\"message\":\"Expected string, received number\"}],\"name\""
	    ":\"ZodError\"},\"details\":\"Error in key path \\\"profile.famil"
	    "yName\\\": (invalid_type) Expected string but received number.\\"
	    "nError in key path \\\"profile.givenName\\\": (invalid_type) Exp"
	    "ected string but received null.\\nError in key path \\\"profile."
	    "middleName\\\": (invalid_type) Expected string but received bool"
	    "ean.\\nError in key path \\\"profile.nickname\\\": (invalid_type"
	    ") Expected string but received array.\\nError in key path \\\"pr"
	    "ofile.preferredUsername\\\": (invalid_type) Expected string but "
	    "received object.\\nError in key path \\\"profile.profile\\\": (i"
	    "nvalid_type) Expected string but received number.\\nError in key"
	    " path \\\"profile.website\\\": (invalid_type) Expected string bu"
	    "t received number.\\nError in key path \\\"profile.gender\\\": ("
	    "invalid_type) Expected string but received number.\\nError in ke"
	    "y path \\\"profile.birthdate\\\": (invalid_type) Expected string"
	    " but received number.\\nError in key path \\\"profile.zoneinfo\\"
	    "\": (invalid_type) Expected string but received number.\\nError "
	    "in key path \\\"profile.locale\\\": (invalid_type) Expected stri"
	    "ng but received number.\\nError in key path \\\"profile.address."
	    "formatted\\\": (invalid_type) Expected string but received numbe"
	    "r.\\nError in key path \\\"profile.address.streetAddress\\\": (i"
	    "nvalid_type) Expected string but received number.\\nError in key"
	    " path \\\"profile.address.locality\\\": (invalid_type) Expected "
	    "string but received number.\\nError in key path \\\"profile.addr"
	    "ess.region\\\": (invalid_type) Expected string but received numb"
	    "er.\\nError in key path \\\"profile.address.postalCode\\\": (inv"
	    "alid_type) Expected string but received number.\\nError in key p"
	    "ath \\\"profile.address.country\\\": (invalid_type) Expected str"
	    "ing but received number.\",\"message\":\"The request body is inv"
	    "alid.\"}" },
	{ "{\"username\":1,\"primaryEmail\":2,\"primaryPhone\":3,\"password"
	    "\":4,\"passwordDigest\":5,\"passwordAlgorithm\":false,\"name\":7"
	    ",\"avatar\":8,\"customData\":9,\"profile\":10}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"nu"
	    "mber\",\"path\":[\"primaryPhone\"],\"message\":\"Expected string"
	    ", received number\"},{\"code\":\"invalid_type\",\"expected\":\"s"
	    "tring\",\"received\":\"number\",\"path\":[\"primaryEmail\"],\"me"
	    "ssage\":\"Expected string, received number\"},{\"code\":\"invali"
	    "d_type\",\"expected\":\"string\",\"received\":\"number\",\"path\""
	    ":[\"username\"],\"message\":\"Expected string, received number\""
	    "},{\"code\":\"invalid_type\",\"expected\":\"string\",\"received\""
	    ":\"number\",\"path\":[\"password\"],\"message\":\"Expected strin"
	    "g, received number\"},{\"code\":\"invalid_type\",\"expected\":\""
	    "string\",\"received\":\"number\",\"path\":[\"passwordDigest\"],\""
	    "message\":\"Expected string, received number\"},{\"expected\":\""
	    "'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA256' | 'MD5' |"
	    " 'Bcrypt' | 'Legacy'\",\"received\":\"boolean\",\"code\":\"inval"
	    "id_type\",\"path\":[\"passwordAlgorithm\"],\"message\":\"Expecte"
	    "d 'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA256' | 'MD5'"
	    " | 'Bcrypt' | 'Legacy', received boolean\"},{\"code\":\"invalid_"
	    "type\",\"expected\":\"string\",\"received\":\"number\",\"path\":"
	    "[\"name\"],\"message\":\"Expected string, received number\"},{\""
	    "code\":\"invalid_union\",\"unionErrors\":[{\"issues\":[{\"code\""
	    ":\"invalid_type\",\"expected\":\"string\",\"received\":\"number\""
	    ",\"path\":[\"avatar\"],\"message\":\"Expected string, received n"
	    "umber\"}],\"name\":\"ZodError\"},{\"issues\":[{\"received\":8,\""
	    "code\":\"invalid_literal\",\"expected\":\"\",\"path\":[\"avatar\""
	    "],\"message\":\"Invalid literal value, expected \\\"\\\"\"}],\"n"
	    "ame\":\"ZodError\"}],\"path\":[\"avatar\"],\"message\":\"Invalid"
	    " input\"},{\"code\":\"invalid_type\",\"expected\":\"object\",\"r"
	    "eceived\":\"number\",\"path\":[\"customData\"],\"message\":\"Exp"
	    "ected object, received number\"},{\"code\":\"invalid_type\",\"ex"
	    "pected\":\"object\",\"received\":\"number\",\"path\":[\"profile\""
	    "],\"message\":\"Expected object, received number\"}],\"name\":\""
	    "ZodError\"},\"details\":\"Error in key path \\\"primaryPhone\\\""
	    ": (invalid_type) Expected string but received number.\\nError in"
	    " key path \\\"primaryEmail\\\": (invalid_type) Expected string b"
	    "ut received number.\\nError in key path \\\"username\\\": (inval"
	    "id_type) Expected string but received number.\\nError in key pat"
	    "h \\\"password\\\": (invalid_type) Expected string but received "
	    "number.\\nError in key path \\\"passwordDigest\\\": (invalid_typ"
	    "e) Expected string but received number.\\nError in key path \\\""
	    "passwordAlgorithm\\\": (invalid_type) Expected 'Argon2i' | 'Argo"
	    "n2id' | 'Argon2d' | 'SHA1' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Lega"
	    "cy' but received boolean.\\nError in key path \\\"name\\\": (inv"
	    "alid_type) Expected string but received number.\\nError in key p"
	    "ath \\\"avatar\\\": (invalid_union) Invalid input\\nError in key"
	    " path \\\"customData\\\": (invalid_type) Expected object but rec"
	    "eived number.\\nError in key path \\\"profile\\\": (invalid_type"
	    ") Expected object but received number.\",\"message\":\"The reque"
	    "st body is invalid.\"}" },
	{ "{\"profile\":1,\"customData\":2,\"avatar\":3,\"name\":4,\"passwo"
	    "rdAlgorithm\":5,\"passwordDigest\":6,\"password\":7,\"username\""
	    ":8,\"primaryEmail\":9,\"primaryPhone\":10}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"nu"
	    "mber\",\"path\":[\"primaryPhone\"],\"message\":\"Expected string"
	    ", received number\"},{\"code\":\"invalid_type\",\"expected\":\"s"
	    "tring\",\"received\":\"number\",\"path\":[\"primaryEmail\"],\"me"
	    "ssage\":\"Expected string, received number\"},{\"code\":\"invali"
	    "d_type\",\"expected\":\"string\",\"received\":\"number\",\"path\""
	    ":[\"username\"],\"message\":\"Expected string, received number\""
	    "},{\"code\":\"invalid_type\",\"expected\":\"string\",\"received\""
	    ":\"number\",\"path\":[\"password\"],\"message\":\"Expected strin"
	    "g, received number\"},{\"code\":\"invalid_type\",\"expected\":\""
	    "string\",\"received\":\"number\",\"path\":[\"passwordDigest\"],\""
	    "message\":\"Expected string, received number\"},{\"received\":5,"
	    "\"code\":\"invalid_enum_value\",\"options\":[\"Argon2i\",\"Argon"
	    "2id\",\"Argon2d\",\"SHA1\",\"SHA256\",\"MD5\",\"Bcrypt\",\"Legac"
	    "y\"],\"path\":[\"passwordAlgorithm\"],\"message\":\"Invalid enum"
	    " value. Expected 'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | '"
	    "SHA256' | 'MD5' | 'Bcrypt' | 'Legacy', received '5'\"},{\"code\""
	    ":\"invalid_type\",\"expected\":\"string\",\"received\":\"number\""
	    ",\"path\":[\"name\"],\"message\":\"Expected string, received num"
	    "ber\"},{\"code\":\"invalid_union\",\"unionErrors\":[{\"issues\":"
	    "[{\"code\":\"invalid_type\",\"expected\":\"string\",\"received\""
	    ":\"number\",\"path\":[\"avatar\"],\"message\":\"Expected string,"
	    " received number\"}],\"name\":\"ZodError\"},{\"issues\":[{\"rece"
	    "ived\":3,\"code\":\"invalid_literal\",\"expected\":\"\",\"path\""
	    ":[\"avatar\"],\"message\":\"Invalid literal value, expected \\\""
	    "\\\"\"}],\"name\":\"ZodError\"}],\"path\":[\"avatar\"],\"message"
	    "\":\"Invalid input\"},{\"code\":\"invalid_type\",\"expected\":\""
	    "object\",\"received\":\"number\",\"path\":[\"customData\"],\"mes"
	    "sage\":\"Expected object, received number\"},{\"code\":\"invalid"
	    "_type\",\"expected\":\"object\",\"received\":\"number\",\"path\""
	    ":[\"profile\"],\"message\":\"Expected object, received number\"}"
	    "],\"name\":\"ZodError\"},\"details\":\"Error in key path \\\"pri"
	    "maryPhone\\\": (invalid_type) Expected string but received numbe"
	    "r.\\nError in key path \\\"primaryEmail\\\": (invalid_type) Expe"
	    "cted string but received number.\\nError in key path \\\"usernam"
	    "e\\\": (invalid_type) Expected string but received number.\\nErr"
	    "or in key path \\\"password\\\": (invalid_type) Expected string "
	    "but received number.\\nError in key path \\\"passwordDigest\\\":"
	    " (invalid_type) Expected string but received number.\\nError in "
	    "key path \\\"passwordAlgorithm\\\": (invalid_enum_value) Invalid"
	    " enum value. Expected 'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1"
	    "' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy', received '5'\\nError"
	    " in key path \\\"name\\\": (invalid_type) Expected string but re"
	    "ceived number.\\nError in key path \\\"avatar\\\": (invalid_unio"
	    "n) Invalid input\\nError in key path \\\"customData\\\": (invali"
	    "d_type) Expected object but received number.\\nError in key path"
	    " \\\"profile\\\": (invalid_type) Expected object but received nu"
	    "mber.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"username\":\"a\",\"username\":5}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"nu"
	    "mber\",\"path\":[\"username\"],\"message\":\"Expected string, re"
	    "ceived number\"}],\"name\":\"ZodError\"},\"details\":\"Error in "
	    "key path \\\"username\\\": (invalid_type) Expected string but re"
	    "ceived number.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"username\":5,\"username\":\"a\"}",
	    "OK {\"username\":\"a\",\"primaryEmail\":null,\"primaryPhone\":nu"
	    "ll,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDig"
	    "est\":null,\"passwordAlgorithm\":null,\"customData\":null,\"prof"
	    "ile\":null}" },
	{ "{\"password\":\"\",\"passwordDigest\":\"xxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"too_small\",\"minimum\":1,\"type\":\"string\",\"inclusiv"
	    "e\":true,\"exact\":false,\"message\":\"String must contain at le"
	    "ast 1 character(s)\",\"path\":[\"password\"]},{\"code\":\"too_bi"
	    "g\",\"maximum\":256,\"type\":\"string\",\"inclusive\":true,\"exa"
	    "ct\":false,\"message\":\"String must contain at most 256 charact"
	    "er(s)\",\"path\":[\"passwordDigest\"]}],\"name\":\"ZodError\"},\""
	    "details\":\"Error in key path \\\"password\\\": (too_small) Stri"
	    "ng must contain at least 1 character(s)\\nError in key path \\\""
	    "passwordDigest\\\": (too_big) String must contain at most 256 ch"
	    "aracter(s)\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"passwordAlgorithm\": \"MD5\", \"passwordDigest\": \"xxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxx\",\"passwordAlgorithm\":\"MD5\",\"customData\":null,\"pr"
	    "ofile\":null}" },
	{ "{\"passwordAlgorithm\": \"MD5\", \"passwordDigest\": \"xxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"too_big\",\"maximum\":256,\"type\":\"string\",\"inclusiv"
	    "e\":true,\"exact\":false,\"message\":\"String must contain at mo"
	    "st 256 character(s)\",\"path\":[\"passwordDigest\"]}],\"name\":\""
	    "ZodError\"},\"details\":\"Error in key path \\\"passwordDigest\\"
	    "\": (too_big) String must contain at most 256 character(s)\",\"m"
	    "essage\":\"The request body is invalid.\"}" },
	{ "{\"passwordAlgorithm\": \"MD5\", \"passwordDigest\": \"\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":\"\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\",\"passwordAlgorithm\":\"MD5\",\"customData\":null,\"profi"
	    "le\":null}" },
	{ "{\"passwordAlgorithm\": \"MD5\", \"passwordDigest\": \"\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\360\237\230\200\360\237\230\200\360\237\230\200\360\237\230"
	    "\200\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"too_big\",\"maximum\":256,\"type\":\"string\",\"inclusiv"
	    "e\":true,\"exact\":false,\"message\":\"String must contain at mo"
	    "st 256 character(s)\",\"path\":[\"passwordDigest\"]}],\"name\":\""
	    "ZodError\"},\"details\":\"Error in key path \\\"passwordDigest\\"
	    "\": (too_big) String must contain at most 256 character(s)\",\"m"
	    "essage\":\"The request body is invalid.\"}" },
	{ "{\"passwordAlgorithm\": \"MD5\", \"passwordDigest\": \"\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\"}",
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":nul"
	    "l,\"name\":null,\"avatar\":null,\"password\":null,\"passwordDige"
	    "st\":\"\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\",\"passwordAlgorithm\":\"MD5\",\"customData\":null,\"profi"
	    "le\":null}" },
	{ "{\"passwordAlgorithm\": \"MD5\", \"passwordDigest\": \"\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\303"
	    "\244\303\244\303\244\303\244\303\244\303\244\303\244\303\244\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"too_big\",\"maximum\":256,\"type\":\"string\",\"inclusiv"
	    "e\":true,\"exact\":false,\"message\":\"String must contain at mo"
	    "st 256 character(s)\",\"path\":[\"passwordDigest\"]}],\"name\":\""
	    "ZodError\"},\"details\":\"Error in key path \\\"passwordDigest\\"
	    "\": (too_big) String must contain at most 256 character(s)\",\"m"
	    "essage\":\"The request body is invalid.\"}" },
};

/* user_parse_password, rendered like run(): "OK <password as JSON>". */
static const char *
run_pw(const char *body)
{
	static char		 res[4096];
	struct json_object	*v = NULL;
	struct buf		 data, det, out;
	char			 msg[128], *pw = (char *)"x";
	size_t			 pwlen = 99;
	enum usercgi_err	 rc;

	buf_init(&data, 1 << 12);
	buf_init(&det, 1 << 12);
	buf_init(&out, sizeof(res) - 1);
	if (json_parse_strict(body, strlen(body), JSON_MAX_DEPTH, &v, msg,
	    sizeof(msg)) != USERCGI_OK) {
		(void)snprintf(res, sizeof(res), "PARSE %s", msg);
		goto out;
	}
	rc = user_parse_password(v, &pw, &pwlen, &data, &det);
	if (rc == USERCGI_GUARD) {
		(void)buf_printf(&out, "400 {\"code\":\"guard.invalid_input\","
		    "\"data\":%s,\"details\":", buf_str(&data));
		(void)jsonw_str(&out, buf_str(&det), det.len);
		(void)buf_addstr(&out, ",\"message\":\"The request body is "
		    "invalid.\"}");
		if (pw != NULL || pwlen != 0)
			(void)buf_addstr(&out, " (pw not cleared)");
	} else if (rc != USERCGI_OK)
		(void)buf_printf(&out, "ERR %s", usercgi_errname(rc));
	else {
		(void)buf_addstr(&out, "OK ");
		(void)jsonw_str(&out, pw, pwlen);
		free(pw);
	}
	(void)snprintf(res, sizeof(res), "%s", buf_str(&out));
out:
	json_object_put(v);
	buf_free(&data);
	buf_free(&det);
	buf_free(&out);
	return res;
}

static const struct {
	const char	*body;
	const char	*want;
} pw_cases[] = {
	{ "{}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"un"
	    "defined\",\"path\":[\"password\"],\"message\":\"Required\"}],\"n"
	    "ame\":\"ZodError\"},\"details\":\"Error in key path \\\"password"
	    "\\\": (invalid_type) Expected string but received undefined.\",\""
	    "message\":\"The request body is invalid.\"}" },
	{ "{\"password\":\"\"}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"too_small\",\"minimum\":1,\"type\":\"string\",\"inclusiv"
	    "e\":true,\"exact\":false,\"message\":\"String must contain at le"
	    "ast 1 character(s)\",\"path\":[\"password\"]}],\"name\":\"ZodErr"
	    "or\"},\"details\":\"Error in key path \\\"password\\\": (too_sma"
	    "ll) String must contain at least 1 character(s)\",\"message\":\""
	    "The request body is invalid.\"}" },
	{ "{\"password\":1}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"nu"
	    "mber\",\"path\":[\"password\"],\"message\":\"Expected string, re"
	    "ceived number\"}],\"name\":\"ZodError\"},\"details\":\"Error in "
	    "key path \\\"password\\\": (invalid_type) Expected string but re"
	    "ceived number.\",\"message\":\"The request body is invalid.\"}" },
	{ "[]",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"object\",\"received\":\"ar"
	    "ray\",\"path\":[],\"message\":\"Expected object, received array\""
	    "}],\"name\":\"ZodError\"},\"details\":\"Error in key path \\\"\\"
	    "\": (invalid_type) Expected object but received array.\",\"messa"
	    "ge\":\"The request body is invalid.\"}" },
	{ "{\"password\":null}",
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"c"
	    "ode\":\"invalid_type\",\"expected\":\"string\",\"received\":\"nu"
	    "ll\",\"path\":[\"password\"],\"message\":\"Expected string, rece"
	    "ived null\"}],\"name\":\"ZodError\"},\"details\":\"Error in key "
	    "path \\\"password\\\": (invalid_type) Expected string but receiv"
	    "ed null.\",\"message\":\"The request body is invalid.\"}" },
	{ "{\"password\":\"x\",\"other\":1}",
	    "OK \"x\"" },
	{ "{\"password\":\"a\\u0000b\"}",
	    "OK \"a\\u0000b\"" },
	{ "{\"password\":\"\360\237\230\200\"}",
	    "OK \"\360\237\230\200\"" },
};

static void
test_password(void)
{
	char	name[120];
	size_t	i;

	for (i = 0; i < sizeof(pw_cases) / sizeof(pw_cases[0]); i++) {
		(void)snprintf(name, sizeof(name), "verify body %s",
		    pw_cases[i].body);
		tap_str(run_pw(pw_cases[i].body), pw_cases[i].want, name);
	}
}

/* A long body built here rather than written out in the table. */
static void
test_built(void)
{
	struct buf	emoji, body, want;
	int		i;

	buf_init(&emoji, 1024);
	buf_init(&body, 2048);
	buf_init(&want, 4096);
	/* 128 emoji: 128 code points, 256 UTF-16 units: a valid name */
	for (i = 0; i < 128; i++)
		(void)buf_addstr(&emoji, "\360\237\230\200");
	(void)buf_printf(&body, "{\"name\":\"%s\"}", buf_str(&emoji));
	(void)buf_printf(&want, "OK {\"username\":null,\"primaryEmail\":null,"
	    "\"primaryPhone\":null,\"name\":\"%s\",\"avatar\":null,"
	    "\"password\":null,\"passwordDigest\":null,\"passwordAlgorithm\":"
	    "null,\"customData\":null,\"profile\":null}", buf_str(&emoji));
	tap_str(run(buf_str(&body)), buf_str(&want), "128 emoji name");
	buf_free(&emoji);
	buf_free(&body);
	buf_free(&want);
}

/* usercgi differences from zod, and roots the responder filters first. */
static void
test_usercgi(void)
{
	tap_str(run("{\"passwordAlgorithm\":\"Crypt\",\"passwordDigest\":"
	    "\"$1$x$y\"}"),
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":null,"
	    "\"name\":null,\"avatar\":null,\"password\":null,\"passwordDigest\":"
	    "\"$1$x$y\",\"passwordAlgorithm\":\"Crypt\",\"customData\":null,"
	    "\"profile\":null}", "Crypt accepted");
	tap_str(run("{\"passwordAlgorithm\":\"crypt\"}"),
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"received\":\"crypt\",\"code\":\"invalid_enum_value\",\"options\":"
	    "[\"Argon2i\",\"Argon2id\",\"Argon2d\",\"SHA1\",\"SHA256\",\"MD5\","
	    "\"Bcrypt\",\"Legacy\"],\"path\":[\"passwordAlgorithm\"],\"message\":"
	    "\"Invalid enum value. Expected 'Argon2i' | 'Argon2id' | 'Argon2d' | "
	    "'SHA1' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy', received 'crypt'\"}],"
	    "\"name\":\"ZodError\"},\"details\":\"Error in key path "
	    "\\\"passwordAlgorithm\\\": (invalid_enum_value) Invalid enum value. "
	    "Expected 'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA256' | "
	    "'MD5' | 'Bcrypt' | 'Legacy', received 'crypt'\",\"message\":\"The "
	    "request body is invalid.\"}", "enum lists only Logto's 8");
	tap_str(run("{\"name\":\"a\\u0000b\"}"),
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"custom\",\"message\":\"String must not contain NUL "
	    "characters\",\"path\":[\"name\"]}],\"name\":\"ZodError\"},"
	    "\"details\":\"Error in key path \\\"name\\\": (custom) String must "
	    "not contain NUL characters\",\"message\":\"The request body is "
	    "invalid.\"}", "NUL in name refused");
	tap_ok(strncmp(run("{\"primaryEmail\":\"a\\u0000@b.c\"}"),
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"custom\"", 57) == 0, "NUL in email refused");
	tap_ok(strncmp(run("{\"avatar\":\"a:\\u0000\"}"),
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"custom\"", 57) == 0, "NUL in avatar refused");
	tap_ok(strncmp(run("{\"passwordDigest\":\"\\u0000\"}"),
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{"
	    "\"code\":\"custom\"", 57) == 0, "NUL in digest refused");
	tap_ok(strstr(run("{\"password\":\"a\\u0000b\"}"),
	    "\"password\":\"a\\u0000b\"") != NULL,
	    "NUL kept in password (explicit length)");
	tap_str(run("{\"customData\":{\"a\":\"\\u0000\"},\"profile\":{\"givenName\":"
	    "\"\\u0000\"}}"),
	    "OK {\"username\":null,\"primaryEmail\":null,\"primaryPhone\":null,"
	    "\"name\":null,\"avatar\":null,\"password\":null,\"passwordDigest\":"
	    "null,\"passwordAlgorithm\":null,\"customData\":{\"a\":\"\\u0000\"},"
	    "\"profile\":{\"givenName\":\"\\u0000\"}}", "NUL fine inside JSON columns");
	tap_str(run("null"),
	    "400 {\"code\":\"guard.invalid_input\",\"data\":{\"issues\":[{\"code\":"
	    "\"invalid_type\",\"expected\":\"object\",\"received\":\"null\","
	    "\"path\":[],\"message\":\"Expected object, received null\"}],\"name\":"
	    "\"ZodError\"},\"details\":\"Error in key path \\\"\\\": (invalid_type) "
	    "Expected object but received null.\",\"message\":\"The request body "
	    "is invalid.\"}", "root null");
	tap_ok(strstr(run("\"x\""), "\"received\":\"string\",\"path\":[]") != NULL,
	    "root string");
	tap_ok(strstr(run("1"), "\"received\":\"number\",\"path\":[]") != NULL,
	    "root number");
	tap_ok(strstr(run("true"), "\"received\":\"boolean\",\"path\":[]") != NULL,
	    "root boolean");
}

static void
test_lengths(void)
{
	struct user_input	in;
	char			s[3000];
	int			limit = 0;
	size_t			i;

	memset(&in, 0, sizeof(in));
	tap_int(user_check_lengths(&in, &limit), USERCGI_OK, "all NULL");
	for (i = 0; i < 128 * 4; i += 4)
		memcpy(s + i, "\360\237\230\200", 4);
	s[128 * 4] = '\0';
	in.name = s;
	tap_int(user_check_lengths(&in, &limit), USERCGI_OK, "128 emoji name");
	memcpy(s + 128 * 4, "a", 2);
	tap_int(user_check_lengths(&in, &limit), USERCGI_VALUE_TOO_LONG,
	    "129 code points name");
	tap_int(limit, 128, "name limit");
	in.name = NULL;
	memset(s, 'a', 2048);
	s[2048] = '\0';
	in.avatar = s;
	tap_int(user_check_lengths(&in, &limit), USERCGI_OK, "avatar 2048");
	s[2048] = 'a';
	s[2049] = '\0';
	limit = 0;
	tap_int(user_check_lengths(&in, &limit), USERCGI_VALUE_TOO_LONG,
	    "avatar 2049");
	tap_int(limit, 2048, "avatar limit");
	in.avatar = NULL;
	s[128] = '\0';
	in.username = s;
	in.primary_email = s;
	in.primary_phone = s;
	tap_int(user_check_lengths(&in, &limit), USERCGI_OK, "128 ASCII");
	s[128] = 'a';
	s[129] = '\0';
	in.username = NULL;
	in.primary_email = NULL;
	limit = 0;
	tap_int(user_check_lengths(&in, &limit), USERCGI_VALUE_TOO_LONG,
	    "phone 129");
	tap_int(limit, 128, "phone limit");
	in.primary_phone = NULL;
	in.primary_email = s;
	tap_int(user_check_lengths(&in, &limit), USERCGI_VALUE_TOO_LONG,
	    "email 129");
	in.primary_email = NULL;
	in.username = s;
	tap_int(user_check_lengths(&in, &limit), USERCGI_VALUE_TOO_LONG,
	    "username 129");
}

static void
test_render(void)
{
	struct store_user	u;
	struct buf		b;

	memset(&u, 0, sizeof(u));
	memcpy(u.id, "c5jpkcat23mx", 13);
	u.username = "Full_1";
	u.primary_email = "Foo@Example.com";
	u.primary_phone = "61412345678";
	u.name = "N";
	u.avatar = "https://a.b/c.png";
	u.custom_data_json = "{\"a\":[1,{\"b\":null}]}";
	u.identities_json = "{}";
	u.profile_json = "{\"givenName\":\"G\"}";
	u.password_encrypted = "$argon2i$v=19$m=8192,t=8,p=1$x$y";
	u.password_encryption_method = "Argon2i";
	u.last_sign_in_at = -1;
	u.created_at = u.updated_at = 1795735232203LL;
	buf_init(&b, 1 << 16);
	tap_int(user_render(&b, &u, 0), USERCGI_OK, "render ok");
	tap_str(buf_str(&b), "{\"id\":\"c5jpkcat23mx\",\"username\":\"Full_1\","
	    "\"primaryEmail\":\"Foo@Example.com\",\"primaryPhone\":\"61412345678\","
	    "\"name\":\"N\",\"avatar\":\"https://a.b/c.png\",\"customData\":{\"a\":"
	    "[1,{\"b\":null}]},\"identities\":{},\"lastSignInAt\":null,"
	    "\"createdAt\":1795735232203,\"updatedAt\":1795735232203,\"profile\":"
	    "{\"givenName\":\"G\"},\"applicationId\":null,\"isSuspended\":false,"
	    "\"hasPassword\":true,\"ssoIdentities\":[]}", "spec §5 example");
	buf_reset(&b);
	tap_int(user_render(&b, &u, 1), USERCGI_OK, "render with hash ok");
	tap_ok(strstr(buf_str(&b), "\"ssoIdentities\":[],\"passwordDigest\":"
	    "\"$argon2i$v=19$m=8192,t=8,p=1$x$y\",\"passwordAlgorithm\":"
	    "\"Argon2i\"}") != NULL, "hash at the end");
	memset(&u, 0, sizeof(u));
	memcpy(u.id, "000000000000", 13);
	u.name = "a\"b\\c/\xc3\xa4\n";
	u.last_sign_in_at = 5;
	u.created_at = 1;
	u.updated_at = 2;
	u.is_suspended = 1;
	u.application_id = "app";
	buf_reset(&b);
	tap_int(user_render(&b, &u, 1), USERCGI_OK, "render minimal ok");
	tap_str(buf_str(&b), "{\"id\":\"000000000000\",\"username\":null,"
	    "\"primaryEmail\":null,\"primaryPhone\":null,\"name\":\"a\\\"b\\\\c/"
	    "\xc3\xa4\\n\",\"avatar\":null,\"customData\":{},\"identities\":{},"
	    "\"lastSignInAt\":5,\"createdAt\":1,\"updatedAt\":2,\"profile\":{},"
	    "\"applicationId\":\"app\",\"isSuspended\":true,\"hasPassword\":false,"
	    "\"ssoIdentities\":[],\"passwordDigest\":null,\"passwordAlgorithm\":"
	    "null}", "nulls, escapes, no password");
	buf_free(&b);
	buf_init(&b, 20);
	tap_int(user_render(&b, &u, 0), USERCGI_TOO_LARGE, "bounded output");
	buf_free(&b);
}

/*
 * Issue 12 #9: the details text is cut at its maximum (at a code point,
 * with U+2026) and the 400 stays; the data keeps every issue whole.
 */
static void
test_details_cut(void)
{
	struct json_object	*v = NULL;
	struct user_input	 in;
	struct buf		 data, det, body;
	char			 msg[128];
	size_t			 i;
	enum usercgi_err	 rc;

	buf_init(&body, 1 << 20);
	(void)buf_addstr(&body, "{\"username\":\"1\",\"passwordAlgorithm\":\"");
	for (i = 0; i < 11000; i++)	/* 33,000 bytes */
		(void)buf_addstr(&body, "\xe2\x82\xac");
	(void)buf_addstr(&body, "\",\"name\":1,\"profile\":{\"address\":1}}");
	if (json_parse_strict(buf_str(&body), body.len, JSON_MAX_DEPTH, &v,
	    msg, sizeof(msg)) != USERCGI_OK) {
		tap_ok(0, "parse the 33 KB passwordAlgorithm body");
		goto out;
	}
	memset(&in, 0, sizeof(in));
	buf_init(&data, 5 * body.len + 64 * 1024);
	buf_init(&det, 1000);
	rc = user_parse_create(v, &in, &data, &det);
	tap_int(rc, USERCGI_GUARD, "33 KB passwordAlgorithm, details max 1000: "
	    "still the guard error");
	tap_ok(det.len <= 1000 && det.len > 990, "details filled to the max");
	tap_ok(utf8_valid(buf_str(&det), det.len), "details cut at a code point");
	tap_ok(det.len >= 3 && memcmp(buf_str(&det) + det.len - 3,
	    "\xe2\x80\xa6", 3) == 0, "ending in U+2026");
	tap_ok(strncmp(buf_str(&det), "Error in key path \"username\": "
	    "(invalid_string) Invalid\nError in key path \"passwordAlgorithm\": "
	    "(invalid_enum_value) Invalid enum value.", 117) == 0,
	    "the first lines as before");
	tap_ok(strstr(buf_str(&data), "\"path\":[\"profile\",\"address\"]") !=
	    NULL, "data has every issue, the last one too");
	tap_ok(data.len > 2 * 33000, "data echoes the value twice, whole");
	user_input_free(&in);
	buf_free(&data);
	buf_free(&det);

	/* A details buffer too small for even the ellipsis stays empty. */
	buf_init(&data, 5 * body.len + 64 * 1024);
	buf_init(&det, 2);
	tap_int(user_parse_create(v, &in, &data, &det), USERCGI_GUARD,
	    "details max 2: the guard error");
	tap_int((long long)det.len, 0, "and no details");
	user_input_free(&in);
	buf_free(&data);
	buf_free(&det);
out:
	json_object_put(v);
	buf_free(&body);
}

int
main(void)
{
	char	name[120];
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		(void)snprintf(name, sizeof(name), "body %s", cases[i].body);
		for (char *c = name; *c != '\0'; c++)
			if ((unsigned char)*c < 0x20)
				*c = '?';
		tap_str(run(cases[i].body), cases[i].want, name);
	}
	test_built();
	test_password();
	test_usercgi();
	test_lengths();
	test_render();
	test_details_cut();
	return tap_done();
}
