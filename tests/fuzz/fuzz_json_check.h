/*
 * fuzz_json_check.h: invariants of the JSON writer, shared by the targets
 * that hold a parsed body (fuzz_body.c, fuzz_form.c).  Header-only: each
 * target is one translation unit.
 */
#ifndef USERCGI_FUZZ_JSON_CHECK_H
#define USERCGI_FUZZ_JSON_CHECK_H

#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "json.h"
#include "user.h"
#include "utf8.h"
#include "fuzz.h"

/* Re-parsing depth: error data may quote a nested value. */
#define FUZZ_DEPTH	(2 * JSON_MAX_DEPTH + 8)

/*
 * What JSON.stringify writes must be strict JSON again, and writing what
 * that parses to must give the same bytes (JSON.stringify(JSON.parse(s))
 * is a fixed point after one round).
 */
static void
fuzz_check_roundtrip(struct json_object *v)
{
	struct buf		 w1, w2;
	struct json_object	*again = NULL;
	char			 msg[128];

	buf_init(&w1, 64 * 1024 * 1024);
	buf_init(&w2, 64 * 1024 * 1024);
	if (jsonw_value(&w1, v) != USERCGI_OK)
		goto out;
	FUZZ_ASSERT(utf8_valid(buf_str(&w1), w1.len));
	FUZZ_ASSERT(json_parse_strict(buf_str(&w1), w1.len, FUZZ_DEPTH,
	    &again, msg, sizeof(msg)) == USERCGI_OK);
	if (jsonw_value(&w2, again) != USERCGI_OK)
		goto out;
	FUZZ_ASSERT(w1.len == w2.len &&
	    memcmp(buf_str(&w1), buf_str(&w2), w1.len) == 0);
out:
	json_object_put(again);
	buf_free(&w1);
	buf_free(&w2);
}

/* A string the validator hands on is valid UTF-8 (or absent). */
static void
fuzz_check_str(const char *s)
{
	if (s != NULL)
		FUZZ_ASSERT(utf8_valid(s, strlen(s)));
}

/* Text the validator stores as JSON is a strict JSON object. */
static void
fuzz_check_obj(const char *s)
{
	struct json_object	*o = NULL;
	char			 msg[128];

	if (s == NULL)
		return;
	FUZZ_ASSERT(json_parse_strict(s, strlen(s), FUZZ_DEPTH, &o,
	    msg, sizeof(msg)) == USERCGI_OK);
	FUZZ_ASSERT(o != NULL && json_object_is_type(o, json_type_object));
	json_object_put(o);
}

/*
 * Runs the create-user validator over body the way app.c does and checks
 * what it hands on: every string valid UTF-8, the JSON columns strict
 * JSON objects, the zod error data strict JSON.
 */
static void
fuzz_validate(struct json_object *body)
{
	struct user_input	 in;
	struct buf		 data, details;
	struct json_object	*o = NULL;
	enum usercgi_err	 rc;
	char			 msg[128];
	int			 limit;

	memset(&in, 0, sizeof(in));
	buf_init(&data, 64 * 1024);	/* as app.c */
	buf_init(&details, 64 * 1024);
	rc = user_parse_create(body, &in, &data, &details);
	if (rc == USERCGI_OK) {
		fuzz_check_str(in.username);
		fuzz_check_str(in.primary_email);
		fuzz_check_str(in.primary_phone);
		fuzz_check_str(in.name);
		fuzz_check_str(in.avatar);
		fuzz_check_str(in.password_digest);
		fuzz_check_str(in.password_algorithm);
		fuzz_check_obj(in.custom_data_json);
		fuzz_check_obj(in.profile_json);
		if (in.password != NULL)
			FUZZ_ASSERT(utf8_valid(in.password, in.password_len));
		limit = 0;
		if (user_check_lengths(&in, &limit) != USERCGI_OK)
			FUZZ_ASSERT(limit == 128 || limit == 2048);
	} else if (rc == USERCGI_GUARD) {
		FUZZ_ASSERT(data.len > 0 && details.len > 0);
		FUZZ_ASSERT(json_parse_strict(buf_str(&data), data.len,
		    FUZZ_DEPTH, &o, msg, sizeof(msg)) == USERCGI_OK);
		FUZZ_ASSERT(utf8_valid(buf_str(&details), details.len));
	}
	json_object_put(o);
	user_input_free(&in);
	buf_free(&data);
	buf_free(&details);
}

#endif
