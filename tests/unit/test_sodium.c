/*
 * test_sodium.c: libsodium's argon2i (lib/pw.c, PW_IMPL_SODIUM) is byte
 * for byte libargon2's: the contract's vector, then the same passwords,
 * salts and parameters through both implementations, the boundaries of
 * what libsodium can do, the automatic choice, and the concurrent-hash
 * limit from several threads.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <argon2.h>

#include "pw.h"
#include "tap.h"

#define VECTOR	"$argon2i$v=19$m=8192,t=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$" \
		"Obzo91DDF+gIRWJsw2+t6GrYfC/W0Km1w2M2IYxXiAE"

static const unsigned char	vsalt[] = "0123456789abcdef";

/* Hashes with both implementations; passes when both succeed and agree. */
static void
same(const struct pw_params *p, const char *pw, size_t len,
    const unsigned char *salt, const char *name)
{
	char	 a[PW_ENCODED_MAX], s[PW_ENCODED_MAX], t[200];
	int	 ra, rs;

	ra = pw_hash_salt_impl(PW_IMPL_ARGON2, p, pw, len, salt, 16, a,
	    sizeof(a));
	rs = pw_hash_salt_impl(PW_IMPL_SODIUM, p, pw, len, salt, 16, s,
	    sizeof(s));
	(void)snprintf(t, sizeof(t), "%s: both hash", name);
	tap_ok(ra == USERCGI_OK && rs == USERCGI_OK, t);
	(void)snprintf(t, sizeof(t), "%s: identical PHC strings", name);
	tap_str(s, a, t);
	(void)snprintf(t, sizeof(t), "%s: libargon2 verifies libsodium's", name);
	tap_int(argon2i_verify(s, pw, len), ARGON2_OK, t);
}

struct job {
	unsigned char	 salt[16];
	char		 out[PW_ENCODED_MAX];
	int		 rc;
};

static void *
hash_thread(void *arg)
{
	struct job		*j = arg;
	struct pw_params	 p = { 3, 256, 1 };

	j->rc = pw_hash_salt(&p, "thread", 6, j->salt, 16, j->out,
	    sizeof(j->out));
	return NULL;
}

int
main(void)
{
	struct pw_params	 def = { 8, 8192, 1 }, p;
	static const uint32_t	 ts[] = { 3, 4, 8, 10 };
	static const uint32_t	 ms[] = { 8, 64, 1024, 8192 };
	unsigned char		 salt[16];
	char			 out[PW_ENCODED_MAX], ref[PW_ENCODED_MAX];
	char			 name[96], longpw[1500];
	struct job		 jobs[6];
	pthread_t		 th[6];
	size_t			 i, j;

	/* The contract's vector through each implementation and AUTO. */
	tap_int(pw_hash_salt_impl(PW_IMPL_SODIUM, &def, "password", 8, vsalt,
	    16, out, sizeof(out)), USERCGI_OK, "vector: libsodium hashes");
	tap_str(out, VECTOR, "vector: libsodium matches the spec");
	tap_int(pw_hash_salt_impl(PW_IMPL_ARGON2, &def, "password", 8, vsalt,
	    16, out, sizeof(out)), USERCGI_OK, "vector: libargon2 hashes");
	tap_str(out, VECTOR, "vector: libargon2 matches the spec");
	tap_int(pw_hash_salt(NULL, "password", 8, vsalt, 16, out,
	    sizeof(out)), USERCGI_OK, "vector: default implementation hashes");
	tap_str(out, VECTOR, "vector: default implementation matches");

	/* Parameter grid, varied salts and passwords. */
	for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++)
		for (j = 0; j < sizeof(ms) / sizeof(ms[0]); j++) {
			if (ts[i] * ms[j] > 8 * 8192)
				continue;
			p.t_cost = ts[i];
			p.m_cost = ms[j];
			p.parallelism = 1;
			memset(salt, (int)(i * 16 + j), sizeof(salt));
			salt[0] = 0;
			salt[15] = 0xff;
			(void)snprintf(name, sizeof(name), "t=%u m=%u",
			    (unsigned)ts[i], (unsigned)ms[j]);
			same(&p, "correct horse battery staple", 28, salt, name);
		}
	p.t_cost = 3;
	p.m_cost = 32;
	p.parallelism = 1;
	same(&p, "", 0, vsalt, "empty password");
	same(&p, "a\0b\xff\x80", 5, vsalt, "NUL and non-UTF-8 bytes");
	memset(longpw, 'x', sizeof(longpw));
	same(&p, longpw, sizeof(longpw), vsalt, "1500-byte password");
	same(&p, "\xe5\xaf\x86\xe7\xa0\x81", 6, (const unsigned char *)
	    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", "UTF-8 password, zero salt");

	/* What libsodium can and cannot do. */
	p.t_cost = 3; p.m_cost = 8; p.parallelism = 1;
	tap_int(pw_sodium_can(&p, 16), 1, "can: t=3 m=8 p=1 salt 16");
	tap_int(pw_sodium_can(NULL, 16), 1, "can: defaults");
	p.t_cost = 2;
	tap_int(pw_sodium_can(&p, 16), 0, "cannot: t=2");
	tap_int(pw_hash_salt_impl(PW_IMPL_SODIUM, &p, "x", 1, vsalt, 16, out,
	    sizeof(out)), USERCGI_INTERNAL, "forced libsodium refuses t=2");
	tap_str(out, "", "refused: output wiped");
	tap_int(pw_hash_salt(&p, "x", 1, vsalt, 16, out, sizeof(out)),
	    USERCGI_OK, "t=2 hashes with libargon2");
	tap_ok(strncmp(out, "$argon2i$v=19$m=8,t=2,p=1$", 26) == 0,
	    "t=2 PHC prefix");
	p.t_cost = 3; p.parallelism = 2; p.m_cost = 16;
	tap_int(pw_sodium_can(&p, 16), 0, "cannot: p=2");
	tap_int(pw_hash_salt_impl(PW_IMPL_SODIUM, &p, "x", 1, vsalt, 16, out,
	    sizeof(out)), USERCGI_INTERNAL, "forced libsodium refuses p=2");
	tap_int(pw_hash_salt(&p, "x", 1, vsalt, 16, out, sizeof(out)),
	    USERCGI_OK, "p=2 hashes with libargon2");
	tap_int(pw_hash_salt_impl(PW_IMPL_ARGON2, &p, "x", 1, vsalt, 16, ref,
	    sizeof(ref)), USERCGI_OK, "p=2 forced libargon2");
	tap_str(out, ref, "p=2: automatic choice is libargon2");
	p.parallelism = 1; p.m_cost = 7;
	tap_int(pw_sodium_can(&p, 16), 0, "cannot: m=7 KiB");
	p.m_cost = 8;
	tap_int(pw_sodium_can(&p, 8), 0, "cannot: 8-byte salt");
	tap_int(pw_sodium_can(&p, 17), 0, "cannot: 17-byte salt");
	tap_int(pw_hash_salt(&p, "x", 1, vsalt, 8, out, sizeof(out)),
	    USERCGI_OK, "8-byte salt hashes with libargon2");
	tap_ok(strncmp(out, "$argon2i$v=19$m=8,t=3,p=1$MDEyMzQ1Njc$", 38) == 0,
	    "8-byte salt PHC string");
	tap_int(pw_hash_salt_impl(PW_IMPL_SODIUM, &def, "x", 1, vsalt, 16, out,
	    95), USERCGI_INTERNAL, "libsodium: 95-byte buffer too small");
	tap_int(pw_hash_salt_impl(PW_IMPL_SODIUM, &def, "x", 1, vsalt, 16, out,
	    96), USERCGI_OK, "libsodium: 96 bytes (95 + NUL) suffice");
	tap_int((long long)strlen(out), 95, "libsodium: PHC string of 95 bytes");

	/* Several threads under a limit of one hash at a time. */
	pw_set_max_concurrent(1);
	for (i = 0; i < 6; i++) {
		memset(jobs[i].salt, (int)i, sizeof(jobs[i].salt));
		jobs[i].rc = -1;
		if (pthread_create(&th[i], NULL, hash_thread, &jobs[i]) != 0)
			return 2;
	}
	for (i = 0; i < 6; i++)
		pthread_join(th[i], NULL);
	pw_set_max_concurrent(0);
	for (i = 0; i < 6; i++) {
		p.t_cost = 3; p.m_cost = 256; p.parallelism = 1;
		(void)pw_hash_salt_impl(PW_IMPL_ARGON2, &p, "thread", 6,
		    jobs[i].salt, 16, ref, sizeof(ref));
		(void)snprintf(name, sizeof(name),
		    "thread %zu under a limit of 1: hash as libargon2's", i);
		tap_ok(jobs[i].rc == USERCGI_OK && strcmp(jobs[i].out, ref) == 0,
		    name);
	}
	return tap_done();
}
