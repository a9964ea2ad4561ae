/*
 * hasher.c: the pool of hasher processes (hasher.h).
 *
 * Each hasher is spawned with posix_spawn (safe while other threads run)
 * on one end of a socketpair as its fd 0, with an empty environment, a
 * clear signal mask and default signal dispositions; its argv[1] is this
 * process's id, so it can exit if it was reparented.  A thread takes a
 * free hasher under mu, talks to it without the lock, and gives it back.
 * Every read and write on the socket is bounded by a deadline; a hasher
 * that fails is killed, reaped and spawned again by the thread that saw
 * it fail, and the caller hashes in-process that once.
 *
 * A hasher dies with the thread that spawned it (PR_SET_PDEATHSIG is
 * per thread on Linux): the FastCGI threads live until the worker
 * stops, and a pool slot with no process is spawned again on next use.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "hasher.h"
#include "log.h"

#define HASHER_START_MS		5000	/* spawn to greeting */
#define HASHER_BASE_MS		30000	/* any hash, plus ... */
#define HASHER_KIB_PER_MS	256	/* ... 1 ms per 256 KiB per pass */
#define HASHER_STOP_MS		1000	/* EOF to exit at stop */

struct hasher {
	pid_t		 pid;		/* -1: not running */
	int		 fd;		/* our end of the socketpair, or -1 */
	int		 busy;		/* taken by a thread */
};

struct hasher_pool {
	pthread_mutex_t	 mu;		/* guards busy, pid, fd, restarts */
	pthread_cond_t	 cv;		/* a hasher was given back */
	char		*path;
	unsigned	 n;
	unsigned long	 restarts;
	struct hasher	 h[HASHER_MAX];
};

/* Milliseconds on the monotonic clock. */
static int64_t
hasher_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Writes (out) or reads len bytes on fd before deadline (monotonic ms).
 * Returns 0, or -1 with a short reason in *why.
 */
static int
hasher_io(int fd, int out, void *buf, size_t len, int64_t deadline,
    const char **why)
{
	struct pollfd	 pfd;
	unsigned char	*b = buf;
	int64_t		 left;
	ssize_t		 n;
	int		 rc;

	while (len > 0) {
		if ((left = deadline - hasher_now_ms()) <= 0) {
			*why = "timed out";
			return -1;
		}
		pfd.fd = fd;
		pfd.events = out ? POLLOUT : POLLIN;
		pfd.revents = 0;
		rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (rc == -1 && errno != EINTR) {
			*why = "poll failed";
			return -1;
		}
		if (rc <= 0)
			continue;
		if (out)
			n = send(fd, b, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		else
			n = recv(fd, b, len, MSG_DONTWAIT);
		if (n == -1 && (errno == EINTR || errno == EAGAIN ||
		    errno == EWOULDBLOCK))
			continue;
		if (n == -1) {
			*why = out ? "write failed" : "read failed";
			return -1;
		}
		if (n == 0) {
			*why = "end of file";
			return -1;
		}
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Waits for pid to end, up to ms milliseconds, then kills it; reaps it. */
static void
hasher_reap(pid_t pid, int ms)
{
	int64_t	until = hasher_now_ms() + ms;
	pid_t	r;

	for (;;) {
		r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r == -1 && errno != EINTR))
			return;
		if (r == 0 && hasher_now_ms() >= until)
			break;
		if (r == 0)
			(void)usleep(10000);
	}
	(void)kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		continue;
}

/* Kills and reaps h's process and closes its socket; h is taken. */
static void
hasher_kill(struct hasher_pool *pool, struct hasher *h)
{
	pid_t	pid;
	int	fd;

	pthread_mutex_lock(&pool->mu);
	pid = h->pid;
	fd = h->fd;
	h->pid = -1;
	h->fd = -1;
	pthread_mutex_unlock(&pool->mu);
	if (fd != -1)
		close(fd);
	if (pid != -1) {
		(void)kill(pid, SIGKILL);
		hasher_reap(pid, 0);
	}
}

/*
 * Spawns the program for h (taken, not running) and waits for its
 * greeting.  Returns 0, or -1 (logged; h stays not running).
 */
static int
hasher_spawn(struct hasher_pool *pool, struct hasher *h)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	sigset_t			 none, all;
	char				 ppid[24], greet[HASHER_GREETING_LEN];
	char				*argv[3], *envp[1] = { NULL };
	const char			*why = NULL;
	pid_t				 pid;
	int				 sv[2], err, fa_ok = 0, attr_ok = 0;
	int				 rc = -1;

	sv[0] = sv[1] = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		log_err("hasher: socketpair: %s", strerror(errno));
		goto out;
	}
	(void)snprintf(ppid, sizeof(ppid), "%ld", (long)getpid());
	argv[0] = pool->path;
	argv[1] = ppid;
	argv[2] = NULL;
	sigemptyset(&none);
	sigfillset(&all);
	if ((err = posix_spawn_file_actions_init(&fa)) == 0) {
		fa_ok = 1;
		err = posix_spawnattr_init(&attr);
	}
	if (err == 0) {
		attr_ok = 1;
		/* dup2 onto fd 0 clears close-on-exec there only. */
		if ((err = posix_spawn_file_actions_adddup2(&fa, sv[1], 0)) == 0 &&
		    (err = posix_spawnattr_setsigmask(&attr, &none)) == 0 &&
		    (err = posix_spawnattr_setsigdefault(&attr, &all)) == 0 &&
		    (err = posix_spawnattr_setflags(&attr,
		    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) == 0)
			err = posix_spawn(&pid, pool->path, &fa, &attr, argv,
			    envp);
	}
	if (err != 0) {
		log_err("hasher %s: cannot start: %s", pool->path,
		    strerror(err));
		goto out;
	}
	close(sv[1]);
	sv[1] = -1;
	if (hasher_io(sv[0], 0, greet, sizeof(greet), hasher_now_ms() +
	    HASHER_START_MS, &why) == -1 ||
	    memcmp(greet, HASHER_GREETING, sizeof(greet)) != 0) {
		log_err("hasher %s: no greeting (%s)", pool->path,
		    why != NULL ? why : "wrong program");
		(void)kill(pid, SIGKILL);
		hasher_reap(pid, 0);
		goto out;
	}
	pthread_mutex_lock(&pool->mu);
	h->pid = pid;
	h->fd = sv[0];
	pthread_mutex_unlock(&pool->mu);
	sv[0] = -1;
	rc = 0;
out:
	if (attr_ok)
		posix_spawnattr_destroy(&attr);
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (sv[0] != -1)
		close(sv[0]);
	if (sv[1] != -1)
		close(sv[1]);
	return rc;
}

enum usercgi_err
hasher_pool_start(const char *path, unsigned n, struct hasher_pool **poolp)
{
	struct hasher_pool	*pool;
	enum usercgi_err	 rc = USERCGI_NOMEM;
	unsigned		 i;

	*poolp = NULL;
	if (path == NULL || n < 1 || n > HASHER_MAX) {
		log_err("hasher: bad pool arguments");
		return USERCGI_INTERNAL;
	}
	if ((pool = xcalloc(1, sizeof(*pool))) == NULL)
		return USERCGI_NOMEM;
	pthread_mutex_init(&pool->mu, NULL);
	pthread_cond_init(&pool->cv, NULL);
	for (i = 0; i < HASHER_MAX; i++) {
		pool->h[i].pid = -1;
		pool->h[i].fd = -1;
	}
	if ((pool->path = xstrdup(path)) == NULL)
		goto out;
	rc = USERCGI_UNAVAILABLE;
	for (pool->n = 0; pool->n < n; pool->n++)
		if (hasher_spawn(pool, &pool->h[pool->n]) == -1)
			goto out;
	rc = USERCGI_OK;
	*poolp = pool;
out:
	if (rc != USERCGI_OK)
		hasher_pool_stop(pool);
	return rc;
}

/*
 * One exchange with the running hasher h.  Returns USERCGI_OK,
 * USERCGI_NOMEM or USERCGI_INTERNAL as the hasher answered, or
 * USERCGI_UNAVAILABLE with the reason in *why.
 */
static enum usercgi_err
hasher_ask(struct hasher *h, enum pw_argon2_type type, uint32_t t,
    uint32_t m_kib, uint32_t p, const void *pw, size_t pwlen,
    const unsigned char *salt, size_t saltlen, unsigned char *out,
    size_t outlen, const char **why)
{
	unsigned char	hdr[HASHER_HDR_LEN], st;
	int64_t		deadline;

	hasher_put32(hdr, (uint32_t)type);
	hasher_put32(hdr + 4, t);
	hasher_put32(hdr + 8, m_kib);
	hasher_put32(hdr + 12, p);
	hasher_put32(hdr + 16, (uint32_t)saltlen);
	hasher_put32(hdr + 20, (uint32_t)outlen);
	hasher_put32(hdr + 24, (uint32_t)pwlen);
	deadline = hasher_now_ms() + HASHER_BASE_MS +
	    (int64_t)t * p * m_kib / HASHER_KIB_PER_MS;
	if (hasher_io(h->fd, 1, hdr, sizeof(hdr), deadline, why) == -1 ||
	    hasher_io(h->fd, 1, (void *)(uintptr_t)salt, saltlen, deadline,
	    why) == -1 ||
	    hasher_io(h->fd, 1, (void *)(uintptr_t)pw, pwlen, deadline,
	    why) == -1 ||
	    hasher_io(h->fd, 0, &st, 1, deadline, why) == -1)
		return USERCGI_UNAVAILABLE;
	switch (st) {
	case HASHER_ST_OK:
		if (hasher_io(h->fd, 0, out, outlen, deadline, why) == -1)
			return USERCGI_UNAVAILABLE;
		return USERCGI_OK;
	case HASHER_ST_NOMEM:
		return USERCGI_NOMEM;
	case HASHER_ST_FAILED:
		return USERCGI_INTERNAL;
	default:
		*why = "bad answer";
		return USERCGI_UNAVAILABLE;
	}
}

enum usercgi_err
hasher_pool_hash(struct hasher_pool *pool, enum pw_argon2_type type,
    uint32_t t, uint32_t m_kib, uint32_t p, const void *pw, size_t pwlen,
    const unsigned char *salt, size_t saltlen, unsigned char *out,
    size_t outlen)
{
	struct hasher		*h = NULL;
	const char		*why = NULL;
	enum usercgi_err	 rc = USERCGI_UNAVAILABLE;
	unsigned		 i;
	pid_t			 pid;

	if (out == NULL || outlen == 0)
		return USERCGI_INTERNAL;
	if (!pw_argon2_within((uint32_t)type, t, m_kib, p, saltlen, outlen,
	    pwlen) || salt == NULL || (pw == NULL && pwlen != 0))
		goto out;
	pthread_mutex_lock(&pool->mu);
	for (;;) {
		for (i = 0; i < pool->n && pool->h[i].busy; i++)
			continue;
		if (i < pool->n)
			break;
		pthread_cond_wait(&pool->cv, &pool->mu);
	}
	h = &pool->h[i];
	h->busy = 1;
	pthread_mutex_unlock(&pool->mu);
	if (h->fd == -1 && hasher_spawn(pool, h) == -1)
		goto out;
	pid = h->pid;
	rc = hasher_ask(h, type, t, m_kib, p, pw, pwlen, salt, saltlen, out,
	    outlen, &why);
	if (rc == USERCGI_UNAVAILABLE) {
		log_warn("hasher %ld: %s: starting it again, hashing this "
		    "password in-process", (long)pid, why);
		hasher_kill(pool, h);
		pthread_mutex_lock(&pool->mu);
		pool->restarts++;
		pthread_mutex_unlock(&pool->mu);
		(void)hasher_spawn(pool, h);
	}
out:
	if (h != NULL) {
		pthread_mutex_lock(&pool->mu);
		h->busy = 0;
		pthread_cond_signal(&pool->cv);
		pthread_mutex_unlock(&pool->mu);
	}
	if (rc != USERCGI_OK)
		secure_zero(out, outlen);
	return rc;
}

void
hasher_pool_stop(struct hasher_pool *pool)
{
	unsigned	i;

	if (pool == NULL)
		return;
	for (i = 0; i < HASHER_MAX; i++)
		if (pool->h[i].fd != -1) {
			close(pool->h[i].fd);
			pool->h[i].fd = -1;
		}
	for (i = 0; i < HASHER_MAX; i++)
		if (pool->h[i].pid != -1) {
			hasher_reap(pool->h[i].pid, HASHER_STOP_MS);
			pool->h[i].pid = -1;
		}
	pthread_cond_destroy(&pool->cv);
	pthread_mutex_destroy(&pool->mu);
	free(pool->path);
	free(pool);
}

pid_t
hasher_pool_pid(struct hasher_pool *pool, unsigned i)
{
	pid_t	pid = -1;

	pthread_mutex_lock(&pool->mu);
	if (i < pool->n)
		pid = pool->h[i].pid;
	pthread_mutex_unlock(&pool->mu);
	return pid;
}

unsigned long
hasher_pool_restarts(struct hasher_pool *pool)
{
	unsigned long	n;

	pthread_mutex_lock(&pool->mu);
	n = pool->restarts;
	pthread_mutex_unlock(&pool->mu);
	return n;
}
