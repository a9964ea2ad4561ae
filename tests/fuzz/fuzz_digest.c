/*
 * fuzz_digest.c: the import-time checks of imported password digests
 * (pw_verify.c): Legacy JSON, PHC strings (Argon2*), crypt strings
 * (Bcrypt), hex (MD5/SHA1/SHA256).  Input: the digest; it is checked
 * under every passwordAlgorithm, each time on a fresh writable copy of
 * exactly its size (pw_check_import may rewrite it in place).  An empty
 * input checks a missing digest (NULL), as app.c passes it.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "pw_verify.h"
#include "fuzz.h"

/* user.c caps passwordDigest at 256 UTF-16 units: at most 1024 bytes. */
#define FUZZ_MAX_DIGEST	1024

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_setup(LOG_LVL_DEBUG, "fuzz_digest");
	/*
	 * A Crypt digest is hashed once at import: low cost ceilings keep
	 * each input to a few milliseconds and 16 MiB whatever it asks for.
	 */
	pw_set_digest_ceiling(5, 16);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const algs[] = { "Argon2i", "Argon2id", "Argon2d",
	    "SHA1", "SHA256", "MD5", "Bcrypt", "Legacy", "Crypt" };
	enum usercgi_err rc;
	char		*d, *why;
	size_t		 i, n;

	if (size > FUZZ_MAX_DIGEST)
		return 0;
	/* The digest is a C string: it ends at the first NUL. */
	n = size;
	if (memchr(data, '\0', size) != NULL)
		n = strlen((const char *)data);
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		d = NULL;
		if (size > 0) {
			d = malloc(n + 1);
			FUZZ_ASSERT(d != NULL);
			memcpy(d, data, n);
			d[n] = '\0';
		}
		why = malloc(128);	/* app.c's size */
		FUZZ_ASSERT(why != NULL);
		why[0] = '\0';
		rc = pw_check_import(algs[i], d, why, 128);
		FUZZ_ASSERT(memchr(why, '\0', 128) != NULL);
		FUZZ_ASSERT(rc == USERCGI_OK || rc == USERCGI_PW_UNSUPPORTED ||
		    rc == USERCGI_PW_LEGACY_FORMAT ||
		    rc == USERCGI_PW_LEGACY_HASH ||
		    rc == USERCGI_PW_DIGEST_INVALID || rc == USERCGI_NOMEM);
		if (d != NULL)
			FUZZ_ASSERT(strlen(d) <= n);
		free(d);
		free(why);
	}
	return 0;
}
