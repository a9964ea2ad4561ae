/*
 * dlmod.c: dlmod.h, the one loader of usercgi's modules.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dlmod.h"

void *
dlmod_open(const char *path, const char *const *names, size_t n,
    void **syms, char *why, size_t whylen)
{
	struct stat	 st;
	const char	*e;
	void		*h = NULL;
	size_t		 i;

	if (stat(path, &st) == -1) {
		(void)snprintf(why, whylen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)snprintf(why, whylen, "%s: not a regular file", path);
		goto out;
	}
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		(void)snprintf(why, whylen, "%s", e != NULL ? e : path);
		goto out;
	}
	for (i = 0; i < n; i++) {
		(void)dlerror();
		if ((syms[i] = dlsym(h, names[i])) == NULL) {
			/* dlerror() names the file and the symbol. */
			if ((e = dlerror()) != NULL)
				(void)snprintf(why, whylen, "%s", e);
			else
				(void)snprintf(why, whylen, "%s: %s is NULL",
				    path, names[i]);
			(void)dlclose(h);
			h = NULL;
			goto out;
		}
	}
out:
	return h;
}
