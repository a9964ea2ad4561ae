/*
 * fuzz_form.c: application/x-www-form-urlencoded bodies (form.c), then
 * the same validation as a JSON body (user.c) and the JSON writer.
 * Input: the raw body bytes.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "form.h"
#include "json.h"
#include "log.h"
#include "fuzz.h"
#include "fuzz_json_check.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_setup(LOG_LVL_DEBUG, "fuzz_form");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*v = NULL;
	char			 msg[256];
	enum usercgi_err	 rc;

	msg[0] = '\0';
	rc = form_parse((const char *)data, size, 0, &v, msg, sizeof(msg));
	if (rc != USERCGI_OK) {
		FUZZ_ASSERT(v == NULL);
		FUZZ_ASSERT(rc != USERCGI_BADREQ || msg[0] != '\0');
		return 0;
	}
	/* Always an object; Object.prototype names never get through. */
	FUZZ_ASSERT(v != NULL && json_object_is_type(v, json_type_object));
	FUZZ_ASSERT(!json_has_proto(v));
	fuzz_check_roundtrip(v);
	fuzz_validate(v);
	json_object_put(v);
	return 0;
}
