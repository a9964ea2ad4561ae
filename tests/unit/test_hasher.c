/*
 * test_hasher.c: Argon2 in hasher processes (lib/hasher.c and the real
 * cgi-bin/usercgi-hasher, found through $USERCGI_HASHER): the contract's
 * vector and Argon2id/d through the pool, byte for byte as libargon2
 * computes them in this process; several threads at once; a hasher
 * killed with SIGKILL is replaced and the hash still succeeds; malformed
 * frames make a hasher exit with status 1; a missing or wrong program
 * does not start a pool; stopping reaps every hasher.
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

#include <argon2.h>

#include "hasher.h"
#include "pw.h"
#include "tap.h"

#define VECTOR	"$argon2i$v=19$m=8192,t=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$" \
		"Obzo91DDF+gIRWJsw2+t6GrYfC/W0Km1w2M2IYxXiAE"
#define NTHREADS	6

static const unsigned char	vsalt[] = "0123456789abcdef";
static const char		*hasher_path;

struct job {
	unsigned char	 salt[16];
	unsigned char	 out[32];
	int		 rc;
};

static void *
hash_thread(void *arg)
{
	struct job	*j = arg;

	j->rc = pw_argon2_raw(PW_ARGON2ID, 2, 256, 1, "thread", 6, j->salt,
	    16, j->out, sizeof(j->out));
	return NULL;
}

/* Compares pool and libargon2 (in this process) for one parameter set. */
static void
same_as_libargon2(argon2_type type, uint32_t t, uint32_t m, uint32_t p,
    const char *pw, size_t pwlen, size_t saltlen, size_t hashlen,
    const char *name)
{
	unsigned char	 got[256], want[256], salt[256];
	char		 t1[160];
	int		 rc;

	memset(salt, 0x5a, sizeof(salt));
	memset(got, 0xee, sizeof(got));
	rc = pw_argon2_raw((enum pw_argon2_type)type, t, m, p, pw, pwlen, salt,
	    saltlen, got, hashlen);
	(void)snprintf(t1, sizeof(t1), "%s: hashes", name);
	tap_int(rc, USERCGI_OK, t1);
	(void)snprintf(t1, sizeof(t1), "%s: as libargon2, byte for byte", name);
	tap_int(argon2_hash(t, m, p, pw, pwlen, salt, saltlen, want, hashlen,
	    NULL, 0, type, ARGON2_VERSION_13), ARGON2_OK, "reference hashes");
	tap_ok(memcmp(got, want, hashlen) == 0, t1);
}

/*
 * Starts the hasher by hand on a socketpair with argument arg (NULL:
 * none).  Returns its pid and our end in *fd, or -1.
 */
static pid_t
spawn_hasher(const char *arg, int *fd)
{
	char	 ppid[24], *argv[3], *envp[1] = { NULL };
	pid_t	 pid;
	int	 sv[2];
	posix_spawn_file_actions_t fa;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	(void)snprintf(ppid, sizeof(ppid), "%ld", (long)getpid());
	argv[0] = (char *)(uintptr_t)hasher_path;
	argv[1] = arg == NULL ? NULL : strcmp(arg, "me") == 0 ? ppid :
	    (char *)(uintptr_t)arg;
	argv[2] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	if (posix_spawn(&pid, hasher_path, &fa, NULL, argv, envp) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	*fd = sv[0];
	return pid;
}

/* Waits up to 5 s for pid; returns its wait status, or -1 on timeout. */
static int
wait_exit(pid_t pid)
{
	int	st, i;

	for (i = 0; i < 500; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		(void)usleep(10000);
	}
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, &st, 0);
	return -1;
}

/* Reads up to len bytes with a 5 s limit; returns the count or -1. */
static ssize_t
read_some(int fd, void *buf, size_t len)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };

	if (poll(&pfd, 1, 5000) != 1)
		return -1;
	return recv(fd, buf, len, 0);
}

/*
 * Sends a frame (header fields as given, then extra bytes of body) to a
 * fresh hasher, closes our end when close_after, and checks that the
 * hasher exits with status want without answering.
 */
static void
bad_frame(const uint32_t f[7], size_t extra, int close_after, int want,
    const char *name)
{
	unsigned char	 hdr[HASHER_HDR_LEN], body[64], g[8];
	char		 t1[160];
	pid_t		 pid;
	int		 fd, i, st;
	ssize_t		 n;

	pid = spawn_hasher("me", &fd);
	n = read_some(fd, g, HASHER_GREETING_LEN);
	for (i = 0; i < 7; i++)
		hasher_put32(hdr + 4 * i, f[i]);
	memset(body, 'x', sizeof(body));
	if (pid == -1 || n != HASHER_GREETING_LEN ||
	    send(fd, hdr, sizeof(hdr), MSG_NOSIGNAL) != (ssize_t)sizeof(hdr) ||
	    (extra > 0 && send(fd, body, extra, MSG_NOSIGNAL) != (ssize_t)extra))
		tap_ok(0, name);
	if (close_after)
		shutdown(fd, SHUT_WR);
	n = read_some(fd, g, 1);
	(void)snprintf(t1, sizeof(t1), "%s: no answer", name);
	tap_int(n, 0, t1);
	st = wait_exit(pid);
	(void)snprintf(t1, sizeof(t1), "%s: exits with status %d", name, want);
	tap_ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == want, t1);
	if (st != -1 && !(WIFEXITED(st) && WEXITSTATUS(st) == want))
		printf("#   wait status %#x\n", st);
	close(fd);
}

static void
test_frames(void)
{
	static const struct {
		uint32_t	 f[7];
		const char	*name;
	} bad[] = {
		{ { 3, 3, 64, 1, 16, 32, 1 }, "type 3" },
		{ { 1, 0, 64, 1, 16, 32, 1 }, "t 0" },
		{ { 1, 65, 64, 1, 16, 32, 1 }, "t 65" },
		{ { 1, 3, 4194305, 1, 16, 32, 1 }, "m over 4 GiB" },
		{ { 1, 3, 0xffffffff, 1, 16, 32, 1 }, "m 2^32-1" },
		{ { 1, 3, 64, 0, 16, 32, 1 }, "p 0" },
		{ { 1, 3, 64, 65, 16, 32, 1 }, "p 65" },
		{ { 1, 3, 64, 1, 7, 32, 1 }, "salt 7 bytes" },
		{ { 1, 3, 64, 1, 257, 32, 1 }, "salt 257 bytes" },
		{ { 1, 3, 64, 1, 16, 3, 1 }, "hash 3 bytes" },
		{ { 1, 3, 64, 1, 16, 257, 1 }, "hash 257 bytes" },
		{ { 1, 3, 64, 1, 16, 32, 64u * 1024 * 1024 + 1 },
		    "password over 64 MiB" },
		{ { 1, 3, 64, 1, 16, 32, 0xffffffff }, "password 2^32-1" },
	};
	static const uint32_t	 ok_hdr[7] = { 1, 3, 64, 1, 16, 32, 8 };
	unsigned char		 hdr[HASHER_HDR_LEN], buf[64], g[8];
	char			 t1[120];
	size_t			 i;
	pid_t			 pid;
	int			 fd, st;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		bad_frame(bad[i].f, 0, 0, 1, bad[i].name);
	bad_frame(ok_hdr, 10, 1, 1, "salt cut short by EOF");
	bad_frame(ok_hdr, 20, 1, 1, "password cut short by EOF");

	/* EOF between frames is a normal end. */
	pid = spawn_hasher("me", &fd);
	tap_int(read_some(fd, g, 4), 4, "greeting");
	tap_ok(memcmp(g, HASHER_GREETING, 4) == 0, "greeting is UCH1");
	/* Parameters Argon2 refuses (m < 8 p) are answered, not fatal. */
	hasher_put32(hdr, 1); hasher_put32(hdr + 4, 3); hasher_put32(hdr + 8, 1); hasher_put32(hdr + 12, 1);
	hasher_put32(hdr + 16, 16); hasher_put32(hdr + 20, 32); hasher_put32(hdr + 24, 0);
	(void)send(fd, hdr, sizeof(hdr), MSG_NOSIGNAL);
	(void)send(fd, vsalt, 16, MSG_NOSIGNAL);
	tap_int(read_some(fd, buf, sizeof(buf)), 1, "m=1: one byte answer");
	tap_int(buf[0], HASHER_ST_FAILED, "m=1: status failed");
	/* Then the vector, on the same hasher. */
	hasher_put32(hdr + 8, 8192); hasher_put32(hdr + 4, 8); hasher_put32(hdr + 24, 8);
	(void)send(fd, hdr, sizeof(hdr), MSG_NOSIGNAL);
	(void)send(fd, vsalt, 16, MSG_NOSIGNAL);
	(void)send(fd, "password", 8, MSG_NOSIGNAL);
	memset(buf, 0, sizeof(buf));
	st = 0;
	while (st < 33) {
		ssize_t	n = read_some(fd, buf + st, (size_t)(33 - st));
		if (n <= 0)
			break;
		st += (int)n;
	}
	tap_int(st, 33, "vector: status and 32 bytes");
	tap_int(buf[0], HASHER_ST_OK, "vector: status ok");
	tap_ok(memcmp(buf + 1, "\x39\xbc\xe8\xf7\x50\xc3\x17\xe8\x08\x45\x62"
	    "\x6c\xc3\x6f\xad\xe8\x6a\xd8\x7c\x2f\xd6\xd0\xa9\xb5\xc3\x63\x36"
	    "\x21\x8c\x57\x88\x01", 32) == 0, "vector: the raw hash");
	shutdown(fd, SHUT_WR);
	st = wait_exit(pid);
	tap_ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "EOF between frames: exit status 0");
	close(fd);

	/* Started by hand without a parent id, or with another one. */
	pid = spawn_hasher(NULL, &fd);
	st = wait_exit(pid);
	tap_ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1,
	    "no parent id: exit status 1");
	close(fd);
	pid = spawn_hasher("1x", &fd);
	st = wait_exit(pid);
	tap_ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1,
	    "malformed parent id: exit status 1");
	close(fd);
	(void)snprintf(t1, sizeof(t1), "%ld", (long)getpid() + 1);
	pid = spawn_hasher(t1, &fd);
	st = wait_exit(pid);
	tap_ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1,
	    "another parent id: exit status 1");
	close(fd);
}

int
main(void)
{
	struct pw_params	 def = { 8, 8192, 1 };
	struct hasher_pool	*pool = NULL;
	struct job		 jobs[NTHREADS];
	pthread_t		 th[NTHREADS];
	unsigned char		 ref[32];
	char			 out[PW_ENCODED_MAX], name[96], *big;
	pid_t			 p0, p1, n0;
	size_t			 i;
	int			 ok;

	if ((hasher_path = getenv("USERCGI_HASHER")) == NULL) {
		printf("Bail out! USERCGI_HASHER is not set\n");
		return 1;
	}
	/* A program that is missing, or that does not greet. */
	tap_int(hasher_pool_start("/nonexistent/usercgi-hasher", 2, &pool),
	    USERCGI_UNAVAILABLE, "missing program: no pool");
	tap_ok(pool == NULL, "missing program: pool is NULL");
	tap_int(hasher_pool_start("/bin/true", 1, &pool), USERCGI_UNAVAILABLE,
	    "program that does not greet: no pool");

	tap_int(hasher_pool_start(hasher_path, 2, &pool), USERCGI_OK,
	    "pool of 2 starts");
	if (pool == NULL)
		return tap_done();
	p0 = hasher_pool_pid(pool, 0);
	p1 = hasher_pool_pid(pool, 1);
	tap_ok(p0 > 0 && p1 > 0 && p0 != p1 && kill(p0, 0) == 0 &&
	    kill(p1, 0) == 0, "two hasher processes run");
	pw_set_pool(pool);

	/* The contract's vector through the pool. */
	tap_int(pw_hash_salt(&def, "password", 8, vsalt, 16, out, sizeof(out)),
	    USERCGI_OK, "vector through the pool");
	tap_str(out, VECTOR, "vector through the pool matches the spec");
	tap_int(pw_hash_salt_impl(PW_IMPL_ARGON2, &def, "password", 8, vsalt,
	    16, out, sizeof(out)), USERCGI_OK, "vector in-process");
	tap_str(out, VECTOR, "vector in-process matches the spec");

	same_as_libargon2(Argon2_i, 8, 8192, 1, "password", 8, 16, 32,
	    "argon2i t=8 m=8192 p=1");
	same_as_libargon2(Argon2_id, 3, 4096, 1, "pässword", 9, 16, 32,
	    "argon2id t=3 m=4096 p=1 (libsodium in the hasher)");
	same_as_libargon2(Argon2_id, 2, 1024, 2, "pw", 2, 24, 64,
	    "argon2id t=2 m=1024 p=2 24-byte salt 64-byte hash");
	same_as_libargon2(Argon2_d, 3, 512, 1, "password", 8, 16, 32,
	    "argon2d t=3 m=512 p=1");
	same_as_libargon2(Argon2_d, 1, 64, 4, "", 0, 8, 4,
	    "argon2d t=1 m=64 p=4 8-byte salt 4-byte hash");
	same_as_libargon2(Argon2_i, 1, 8, 1, NULL, 0, 256, 256,
	    "argon2i empty password, 256-byte salt and hash");
	if ((big = malloc(300000)) == NULL)
		return 2;
	memset(big, 'b', 300000);
	same_as_libargon2(Argon2_i, 3, 64, 1, big, 300000, 16, 32,
	    "argon2i 300000-byte password");
	free(big);
	tap_int(hasher_pool_restarts(pool), 0, "no hasher restarted so far");

	/* Several threads through two hashers. */
	for (i = 0; i < NTHREADS; i++) {
		memset(jobs[i].salt, (int)i + 1, sizeof(jobs[i].salt));
		jobs[i].rc = -1;
		if (pthread_create(&th[i], NULL, hash_thread, &jobs[i]) != 0)
			return 2;
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < NTHREADS; i++) {
		ok = argon2_hash(2, 256, 1, "thread", 6, jobs[i].salt, 16, ref,
		    sizeof(ref), NULL, 0, Argon2_id, ARGON2_VERSION_13) ==
		    ARGON2_OK;
		(void)snprintf(name, sizeof(name),
		    "thread %zu: hash as libargon2's", i);
		tap_ok(ok && jobs[i].rc == USERCGI_OK &&
		    memcmp(jobs[i].out, ref, sizeof(ref)) == 0, name);
	}
	tap_int(hasher_pool_restarts(pool), 0, "threads: no restart");

	/* A hasher killed with SIGKILL: the next hash still succeeds. */
	tap_int(kill(p0, SIGKILL), 0, "SIGKILL hasher 0");
	tap_int(pw_hash_salt(&def, "password", 8, vsalt, 16, out, sizeof(out)),
	    USERCGI_OK, "hash after SIGKILL succeeds");
	tap_str(out, VECTOR, "hash after SIGKILL is the vector");
	tap_int(hasher_pool_restarts(pool), 1, "one hasher restarted");
	n0 = hasher_pool_pid(pool, 0);
	tap_ok(n0 > 0 && n0 != p0 && kill(n0, 0) == 0,
	    "hasher 0 is a new process");
	tap_int(hasher_pool_pid(pool, 1), p1, "hasher 1 is the same process");
	tap_int(pw_hash_salt(&def, "password", 8, vsalt, 16, out, sizeof(out)),
	    USERCGI_OK, "the new hasher hashes");
	tap_str(out, VECTOR, "the new hasher gives the vector");
	tap_int(hasher_pool_restarts(pool), 1, "still one restart");

	/* Outside the frame limits: computed in this process. */
	same_as_libargon2(Argon2_i, 65, 8, 1, "x", 1, 16, 32,
	    "t=65 (above the frame limit) in-process");
	tap_int(hasher_pool_restarts(pool), 1, "no restart for t=65");

	pw_set_pool(NULL);
	hasher_pool_stop(pool);
	tap_ok(kill(n0, 0) == -1 && errno == ESRCH &&
	    kill(p1, 0) == -1 && errno == ESRCH, "stop reaps every hasher");
	hasher_pool_stop(NULL);

	test_frames();
	return tap_done();
}
