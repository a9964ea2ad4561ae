/*
 * fuzz_body.c: the request body path of POST /api/users: strict JSON
 * parsing (json.c), the "__proto__" check, the create-user validator and
 * the column limits (user.c, url.c), and the JSON writer on the result.
 * Input: the raw body bytes.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "json.h"
#include "log.h"
#include "fuzz.h"
#include "fuzz_json_check.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_setup(LOG_LVL_DEBUG, "fuzz_body");
	return 0;
}

/*
 * json_parse with the body's options agrees with json_parse_strict on v
 * (what the plain parse built): the same "__proto__" verdict, a
 * top-level array left unbuilt, and a budget below json_cost(v) refused
 * (the parser's count also includes values a duplicate key replaced, so
 * it is at least json_cost).
 */
static void
fuzz_opts(const char *s, size_t len, struct json_object *v)
{
	struct json_opts	 o;
	struct json_object	*w = NULL;
	char			 msg[256];
	size_t			 cost = json_cost(v);

	memset(&o, 0, sizeof(o));
	o.max_depth = JSON_MAX_DEPTH;
	o.shallow_array = 1;
	FUZZ_ASSERT(json_parse(s, len, &o, &w, msg, sizeof(msg)) == USERCGI_OK);
	FUZZ_ASSERT(json_object_is_type(v, json_type_array) ?
	    o.proto >= json_has_proto(v) : o.proto == json_has_proto(v));
	if (json_object_is_type(v, json_type_array))
		FUZZ_ASSERT(json_object_is_type(w, json_type_array) &&
		    json_object_array_length(w) == 0);
	else
		FUZZ_ASSERT(json_cost(w) == cost);
	json_object_put(w);
	if (cost == 0 || json_object_is_type(v, json_type_array))
		return;
	o.max_cost = cost - 1;
	FUZZ_ASSERT(json_parse(s, len, &o, &w, msg, sizeof(msg)) ==
	    USERCGI_BADREQ && w == NULL && msg[0] != '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*v = NULL;
	char			 msg[256];
	enum usercgi_err	 rc;

	msg[0] = '\0';
	rc = json_parse_strict((const char *)data, size, JSON_MAX_DEPTH, &v,
	    msg, sizeof(msg));
	if (rc != USERCGI_OK) {
		FUZZ_ASSERT(v == NULL);
		FUZZ_ASSERT(rc != USERCGI_BAD_JSON || msg[0] != '\0');
		return 0;
	}
	fuzz_check_roundtrip(v);
	if (!json_has_proto(v))
		fuzz_validate(v);
	fuzz_opts((const char *)data, size, v);
	json_object_put(v);
	return 0;
}
