/*
 * fuzz_body.c: the request body path of POST /api/users: strict JSON
 * parsing (json.c), the "__proto__" check, the create-user validator and
 * the column limits (user.c, url.c), and the JSON writer on the result.
 * Input: the raw body bytes.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

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
	json_object_put(v);
	return 0;
}
