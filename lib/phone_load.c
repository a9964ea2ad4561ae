/*
 * phone_load.c: phone.h for a build with libphonenumber.  The C++ shim
 * (phone.cc) is a module of its own, usercgi-phone.so, so that a process
 * maps libphonenumber, protobuf, ICU and libstdc++ only once it meets a
 * phone number: the first phone_* call loads the module (dlopen, once per
 * process) and every call forwards to it.  A module that cannot be loaded
 * is logged once and makes every phone_* call fail with USERCGI_INTERNAL.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dlmod.h"
#include "log.h"
#include "phone.h"
#include "phone_module.h"

#define PHONE_PROBE_MS	10000	/* the loading child's time limit */

enum phone_fn { PHONE_NORMALIZE, PHONE_ALTERNATE, PHONE_KEY, PHONE_NFN };

/* The module's symbols: its init, then the functions of enum phone_fn. */
static const char *const phone_syms[1 + PHONE_NFN] = {
	"phonemod_init", "phonemod_normalize", "phonemod_alternate",
	"phonemod_key",
};

static pthread_once_t	 phone_once = PTHREAD_ONCE_INIT;
static char		 phone_path[PATH_MAX] = PHONE_MODULE_DEFAULT;
static char		 phone_why[PATH_MAX + 256];	/* "" once loaded */
static phonemod_format_fn *phone_fns[PHONE_NFN];	/* NULL until loaded */

/*
 * The pthread_once routine: loads the module at phone_path and fills
 * phone_fns, or leaves them NULL, sets phone_why and logs it.  The
 * module stays loaded for the life of the process.
 */
static void
phone_load(void)
{
	phonemod_format_fn	*fns[PHONE_NFN];
	phonemod_init_fn	*init;
	void			*h, *sym[1 + PHONE_NFN];
	size_t			 i;

	if ((h = dlmod_open(phone_path, phone_syms, 1 + PHONE_NFN, sym,
	    phone_why, sizeof(phone_why))) == NULL)
		goto out;
	init = (phonemod_init_fn *)sym[0];
	for (i = 0; i < PHONE_NFN; i++)
		fns[i] = (phonemod_format_fn *)sym[1 + i];
	if (init(PHONEMOD_ABI, log_msg) == -1) {
		(void)snprintf(phone_why, sizeof(phone_why), "%s: built for "
		    "another version of usercgi", phone_path);
		goto out;
	}
	memcpy(phone_fns, fns, sizeof(phone_fns));
	h = NULL;
out:
	if (h != NULL)
		(void)dlclose(h);
	if (phone_why[0] != '\0')
		log_err("phone: cannot load the libphonenumber module: %s "
		    "(phone numbers are refused)", phone_why);
}

/*
 * Loads the module if needed and calls its function fn.  Returns the
 * codes of phone.h; USERCGI_INTERNAL when the module is not loaded.
 */
static enum usercgi_err
phone_call(enum phone_fn fn, const char *digits, size_t len, char *out,
    size_t outlen)
{
	if (out == NULL || outlen == 0)
		return USERCGI_INTERNAL;
	out[0] = '\0';
	(void)pthread_once(&phone_once, phone_load);
	if (phone_fns[fn] == NULL)
		return USERCGI_INTERNAL;
	return phone_fns[fn](digits, len, out, outlen);
}

enum usercgi_err
phone_normalize(const char *digits, size_t len, char *out, size_t outlen)
{
	return phone_call(PHONE_NORMALIZE, digits, len, out, outlen);
}

enum usercgi_err
phone_alternate(const char *digits, size_t len, char *out, size_t outlen)
{
	return phone_call(PHONE_ALTERNATE, digits, len, out, outlen);
}

enum usercgi_err
phone_key(const char *digits, size_t len, char *out, size_t outlen)
{
	return phone_call(PHONE_KEY, digits, len, out, outlen);
}

int
phone_normalises(void)
{
	return 1;
}

enum usercgi_err
phone_module_set(const char *path)
{
	size_t	len;

	if (path == NULL || (len = strlen(path)) == 0 ||
	    len >= sizeof(phone_path))
		return USERCGI_INTERNAL;
	memcpy(phone_path, path, len + 1);
	return USERCGI_OK;
}

enum usercgi_err
phone_module_load(char *errbuf, size_t errlen)
{
	(void)pthread_once(&phone_once, phone_load);
	if (phone_fns[PHONE_NORMALIZE] != NULL) {
		if (errlen > 0)
			errbuf[0] = '\0';
		return USERCGI_OK;
	}
	if (errlen > 0)
		(void)snprintf(errbuf, errlen, "%s", phone_why);
	return USERCGI_INTERNAL;
}

/*
 * The probe's reaper thread: waits up to PHONE_PROBE_MS for the loading
 * child whose pid arg holds, kills it past that, and logs what went
 * wrong (the child itself logs why a module does not load).
 */
static void *
phone_probe_reap(void *arg)
{
	struct timespec	 tick = { 0, 10 * 1000000L };
	pid_t		 pid = (pid_t)(intptr_t)arg, r;
	int		 st, ms;

	for (ms = 0; (r = waitpid(pid, &st, WNOHANG)) == 0 &&
	    ms < PHONE_PROBE_MS; ms += 10)
		(void)nanosleep(&tick, NULL);
	if (r == 0) {
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, &st, 0);
		log_err("phone: loading the module %s took over %d ms",
		    phone_path, PHONE_PROBE_MS);
	} else if (r == -1)
		log_err("phone: cannot check the module: waitpid: %s",
		    strerror(errno));
	else if (WIFSIGNALED(st))
		log_err("phone: loading the module %s ended by signal %d",
		    phone_path, WTERMSIG(st));
	return NULL;
}

enum usercgi_err
phone_module_probe(void)
{
	pthread_attr_t		 attr;
	pthread_t		 th;
	sigset_t		 all, old;
	enum usercgi_err	 rc = USERCGI_INTERNAL;
	pid_t			 pid;
	int			 made;

	if ((pid = fork()) == -1) {
		log_err("phone: cannot check the module: fork: %s",
		    strerror(errno));
		goto out;
	}
	if (pid == 0)
		_exit(phone_module_load(NULL, 0) == USERCGI_OK ? 0 : 1);
	if (pthread_attr_init(&attr) != 0) {
		log_err("phone: cannot check the module: pthread_attr_init");
		(void)waitpid(pid, NULL, 0);
		goto out;
	}
	(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* The reaper takes no signal: they stay the process's own threads'. */
	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	made = pthread_create(&th, &attr, phone_probe_reap,
	    (void *)(intptr_t)pid) == 0;
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!made) {
		log_err("phone: cannot check the module: pthread_create");
		(void)waitpid(pid, NULL, 0);
	} else
		rc = USERCGI_OK;
	(void)pthread_attr_destroy(&attr);
out:
	return rc;
}
