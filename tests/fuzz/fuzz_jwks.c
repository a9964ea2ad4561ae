/*
 * fuzz_jwks.c: the JWKS loader (jwks.c): JSON, the key members, the
 * import of each key into an EVP_PKEY.  Input: the JWKS document.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "jwks.h"
#include "log.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_setup(LOG_LVL_DEBUG, "fuzz_jwks");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jwks	*k = NULL;
	enum usercgi_err rc;

	if (size > JWKS_MAX_FILE)
		return 0;
	rc = jwks_load_mem((const char *)data, size, &k);
	if (rc == USERCGI_OK) {
		FUZZ_ASSERT(k != NULL);
		FUZZ_ASSERT(jwks_count(k) <= JWKS_MAX_KEYS);
	}
	if (k != NULL)
		jwks_free(k);
	return 0;
}
