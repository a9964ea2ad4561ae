/*
 * usercgi-hasher.c: computes Argon2 hashes for a FastCGI worker
 * (lib/hasher.c starts a few per worker), so that the long-lived worker
 * never holds Argon2 memory.  It links libc, libsodium and libargon2
 * only, and is installed in $(pkglibexecdir), never in a cgi-bin
 * directory: it is not a CGI program.
 *
 * It speaks the protocol of lib/hasher.h on fd 0, a socketpair end; it
 * keeps fds 0 and 2 only, starts with an empty environment, dies with
 * its parent (argv[1] is the parent's process id), and exits on EOF
 * (status 0) or on a malformed frame (status 1) without answering.
 * Passwords and hashes are wiped after each request and never logged.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>

#include "hasher.h"
#include "log.h"
#include "pw_argon2.h"

#define HASHER_FD	STDIN_FILENO

/*
 * Reads exactly len bytes from fd 0.  Returns 1, 0 on EOF before the
 * first byte, or -1 (error, or EOF after some bytes).
 */
static int
hasher_read(void *buf, size_t len)
{
	unsigned char	*b = buf;
	size_t		 got = 0;
	ssize_t		 n;

	while (got < len) {
		n = read(HASHER_FD, b + got, len - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			return got == 0 ? 0 : -1;
		got += (size_t)n;
	}
	return 1;
}

/* Writes len bytes to fd 0.  Returns 0 or -1. */
static int
hasher_write(const void *buf, size_t len)
{
	const unsigned char	*b = buf;
	ssize_t			 n;

	while (len > 0) {
		n = send(HASHER_FD, b, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Serves one request.  Returns 1 after answering it, 0 on EOF before it,
 * or -1 (malformed or truncated frame, or the answer could not be
 * written; logged without secrets).
 */
static int
hasher_serve_one(void)
{
	unsigned char		 hdr[HASHER_HDR_LEN], salt[PW_ARGON2_SALT_MAX];
	unsigned char		 hash[PW_ARGON2_HASH_MAX], st;
	unsigned char		*pw = NULL;
	uint32_t		 type, t, m, p, saltlen, hashlen, pwlen;
	enum usercgi_err	 rc;
	int			 r, ret = -1;

	if ((r = hasher_read(hdr, sizeof(hdr))) != 1) {
		if (r == 0)
			ret = 0;
		else
			log_err("truncated frame header");
		goto out;
	}
	type = hasher_get32(hdr);
	t = hasher_get32(hdr + 4);
	m = hasher_get32(hdr + 8);
	p = hasher_get32(hdr + 12);
	saltlen = hasher_get32(hdr + 16);
	hashlen = hasher_get32(hdr + 20);
	pwlen = hasher_get32(hdr + 24);
	if (!pw_argon2_within(type, t, m, p, saltlen, hashlen, pwlen)) {
		log_err("malformed frame: a field is out of range");
		goto out;
	}
	/* One byte more than asked, so that an empty password has a buffer. */
	if ((pw = malloc((size_t)pwlen + 1)) == NULL) {
		log_err("out of memory for the password");
		goto out;
	}
	if (hasher_read(salt, saltlen) != 1 ||
	    (pwlen > 0 && hasher_read(pw, pwlen) != 1)) {
		log_err("truncated frame");
		goto out;
	}
	rc = pw_argon2_compute(PW_IMPL_AUTO, (enum pw_argon2_type)type, t, m,
	    p, pw, pwlen, salt, saltlen, hash, hashlen);
	st = rc == USERCGI_OK ? HASHER_ST_OK : rc == USERCGI_NOMEM ?
	    HASHER_ST_NOMEM : HASHER_ST_FAILED;
	if (hasher_write(&st, 1) == -1 ||
	    (st == HASHER_ST_OK && hasher_write(hash, hashlen) == -1)) {
		log_err("cannot answer: %s", strerror(errno));
		goto out;
	}
	ret = 1;
out:
	if (pw != NULL) {
		sodium_memzero(pw, (size_t)pwlen + 1);
		free(pw);
	}
	sodium_memzero(hash, sizeof(hash));
	return ret;
}

/*
 * Sets the process up: dies with the parent named by arg, keeps fds 0
 * and 2 only.  Returns 0, or -1 when it must exit.
 */
static int
hasher_setup(const char *arg)
{
	char	*end;
	long	 ppid, fd, max;

	if (arg == NULL) {
		log_err("usage: usercgi-hasher PARENT-PID (started by "
		    "usercgi.fcgi)");
		return -1;
	}
	errno = 0;
	ppid = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || ppid < 2) {
		log_err("bad parent process id");
		return -1;
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1) {
		log_err("prctl(PR_SET_PDEATHSIG): %s", strerror(errno));
		return -1;
	}
	/* The parent may have died before prctl. */
	if ((long)getppid() != ppid)
		return -1;
	(void)close(STDOUT_FILENO);
#ifdef HAVE_CLOSE_RANGE
	if (close_range(3, UINT_MAX, 0) == 0)
		return 0;
#endif
	if ((max = sysconf(_SC_OPEN_MAX)) < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		(void)close((int)fd);
	return 0;
}

int
main(int argc, char *argv[])
{
	int	r;

	log_setup(LOG_LVL_WARN, "usercgi-hasher");
	if (hasher_setup(argc > 1 ? argv[1] : NULL) == -1)
		return 1;
	if (hasher_write(HASHER_GREETING, HASHER_GREETING_LEN) == -1)
		return 1;
	while ((r = hasher_serve_one()) == 1)
		continue;
	return r == 0 ? 0 : 1;
}
