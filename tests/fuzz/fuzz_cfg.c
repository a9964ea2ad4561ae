/*
 * fuzz_cfg.c: the configuration parser (cfg.c), file and environment.
 * Input: the file's bytes, optionally followed by a NUL and environment
 * entries ("USERCGI_KEY=value") one a line.  The file is a memfd named to
 * cfg_load through USERCGI_CONFIG=/proc/self/fd/N, as a real file would be.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "fuzz.h"

#define FUZZ_MAX_ENV	32

static int	fuzz_fd = -1;
static char	fuzz_cfgvar[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_setup(LOG_LVL_DEBUG, "fuzz_cfg");
	if ((fuzz_fd = memfd_create("usercgi.conf", MFD_CLOEXEC)) == -1) {
		perror("fuzz_cfg: memfd_create");
		abort();
	}
	(void)snprintf(fuzz_cfgvar, sizeof(fuzz_cfgvar),
	    "USERCGI_CONFIG=/proc/self/fd/%d", fuzz_fd);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*env[FUZZ_MAX_ENV + 2], *copy = NULL, *p, *nl;
	const uint8_t	*sep;
	size_t		 flen, n = 0;
	struct cfg	 c;
	char		 errbuf[256];
	enum usercgi_err rc;

	sep = memchr(data, '\0', size);
	flen = sep != NULL ? (size_t)(sep - data) : size;
	FUZZ_ASSERT(ftruncate(fuzz_fd, 0) == 0);
	FUZZ_ASSERT(pwrite(fuzz_fd, data, flen, 0) == (ssize_t)flen);
	env[n++] = fuzz_cfgvar;
	if (sep != NULL) {
		copy = malloc(size - flen);
		FUZZ_ASSERT(copy != NULL);
		memcpy(copy, sep + 1, size - flen - 1);
		copy[size - flen - 1] = '\0';
		for (p = copy; n < FUZZ_MAX_ENV + 1 && *p != '\0'; p = nl + 1) {
			env[n++] = p;
			if ((nl = strchr(p, '\n')) == NULL)
				break;
			*nl = '\0';
		}
	}
	env[n] = NULL;

	errbuf[0] = '\0';
	rc = cfg_load(&c, env, errbuf, sizeof(errbuf));
	if (rc == USERCGI_OK) {
		FUZZ_ASSERT(c.database != NULL && c.jwks_file != NULL &&
		    c.issuer != NULL && c.audience != NULL);
		FUZZ_ASSERT(c.log_level != NULL && c.required_scope != NULL);
		cfg_free(&c);
	} else if (rc == USERCGI_INTERNAL) {
		FUZZ_ASSERT(errbuf[0] != '\0');
		FUZZ_ASSERT(memchr(errbuf, '\0', sizeof(errbuf)) != NULL);
	}
	free(copy);
	return 0;
}
