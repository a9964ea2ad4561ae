/*
 * digest-cost.c: the cost of ONE verify of an imported digest at each
 * default cost ceiling (SECURITY.md "Cost ceilings").  For each method
 * it builds a digest exactly at the ceiling (the largest parameter
 * pw_check_import accepts), checks that the import accepts it and that
 * one step above is refused, then runs one pw_verify in a child process
 * and prints the child's CPU time (user + system, all threads) and peak
 * resident memory (wait4's rusage).  A digest's hash part is a dummy of
 * the right length: a verify does the whole computation whatever the
 * result.  Includes lib/pw_verify.c to read its ceilings.
 *
 * Run: make bench-digest (builds bench/digest-cost and runs it).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/pw_verify.c"

#define DC_PW		"correct horse battery staple"	/* 28 bytes */

/* A digest: a setting followed by n copies of fill. */
static char *
dc_digest(const char *setting, char fill, size_t n)
{
	static char	buf[8][1200];
	static int	k;
	char		*d = buf[k++ % 8];
	size_t		 len = strlen(setting);

	memcpy(d, setting, len);
	memset(d + len, fill, n);
	d[len + n] = '\0';
	return d;
}

/* Imports (method, digest) and returns the result's name, reason in why. */
static const char *
dc_import(const char *method, const char *digest, char *why, size_t whylen)
{
	char	copy[1200];

	(void)snprintf(copy, sizeof(copy), "%s", digest);
	return usercgi_errname(pw_check_import(method, copy, why, whylen));
}

/*
 * Runs one pw_verify of (method, digest) with a password of pwlen bytes
 * in a child and prints a table row; above is the digest one step above
 * the ceiling, whose import must be refused.
 */
static void
dc_case(const char *label, const char *method, const char *digest,
    const char *above, size_t pwlen)
{
	struct rusage	 ru;
	char		 why[128], pw[600];
	const char	*at, *up;
	pid_t		 pid;
	int		 st, m;
	double		 ms;

	memset(pw, 'p', sizeof(pw));
	memcpy(pw, DC_PW, sizeof(DC_PW) - 1);
	at = dc_import(method, digest, why, sizeof(why));
	if (strcmp(at, "OK") != 0)
		printf("|   at the ceiling: %s %s |\n", at, why);
	up = above != NULL ? dc_import(method, above, why, sizeof(why)) : "-";
	if ((pid = fork()) == -1) {
		perror("fork");
		exit(1);
	}
	if (pid == 0)
		_exit(pw_verify(method, digest, pw, pwlen, &m) == USERCGI_OK ?
		    0 : 1);
	if (wait4(pid, &st, 0, &ru) != pid) {
		perror("wait4");
		exit(1);
	}
	ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	printf("| %-34s | %4zu | %7.0f | %6.1f | %-8s | %s |\n", label, pwlen,
	    ms, (double)ru.ru_maxrss / 1024.0,
	    WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ran" : "not run",
	    strcmp(at, "OK") == 0 &&
	    (above == NULL || strcmp(up, "OK") != 0) ? "yes" : "NO");
	if (above != NULL && strcmp(up, "OK") != 0)
		printf("|   one above: %s |\n", why);
}

/* An Argon2 PHC string case: (v, m, t, p) at the ceiling, then above. */
static void
dc_argon2(const char *v, uint32_t m, uint64_t t, uint32_t p,
    const char *v2, uint32_t m2, uint64_t t2, uint32_t p2)
{
	static const char	tail[] = "$c2FsdHNhbHRzYWx0c2FsdA"
	    "$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
	char			at[256], up[256], label[96];

	(void)snprintf(at, sizeof(at), "$%s$v=19$m=%u,t=%llu,p=%u%s", v, m,
	    (unsigned long long)t, p, tail);
	(void)snprintf(up, sizeof(up), "$%s$v=19$m=%u,t=%llu,p=%u%s", v2, m2,
	    (unsigned long long)t2, p2, tail);
	(void)snprintf(label, sizeof(label), "$%s$ m=%u,t=%llu,p=%u", v, m,
	    (unsigned long long)t, p);
	dc_case(label, v[6] == 'i' && v[7] == 'd' ? "Argon2id" :
	    v[6] == 'd' ? "Argon2d" : "Argon2i", at, up, 28);
}

/* A Legacy pbkdf2 case: iterations and key length, then above. */
static void
dc_pbkdf2(uint64_t it, unsigned keylen, const char *md, uint64_t it2,
    unsigned keylen2)
{
	char	at[256], up[256], label[96];

	(void)snprintf(at, sizeof(at), "[\"pbkdf2\",[\"saltsalt\",\"%llu\","
	    "\"%u\",\"%s\",\"@\"],\"x\"]", (unsigned long long)it, keylen, md);
	(void)snprintf(up, sizeof(up), "[\"pbkdf2\",[\"saltsalt\",\"%llu\","
	    "\"%u\",\"%s\",\"@\"],\"x\"]", (unsigned long long)it2, keylen2,
	    md);
	(void)snprintf(label, sizeof(label), "pbkdf2 %s %llu iter, %u-byte key",
	    md, (unsigned long long)it, keylen);
	dc_case(label, "Legacy", at, up, 28);
}

int
main(void)
{
	char		 s[8][256], b[8][256];
	uint64_t	 v, most;
	uint32_t	 m;
	unsigned	 c;

	log_setup(LOG_LVL_ERR, "digest-cost");
	printf("ceilings: digest_max_ms = %u, digest_max_mib = %u; password "
	    "%d bytes at import\n\n", pwv_ceil_ms, pwv_ceil_mib,
	    PWV_COST_PWLEN);
	printf("| %-34s | pwlen | CPU ms | peak MiB | verify | at ceiling "
	    "accepted, one above refused |\n", "digest at the ceiling");
	printf("|---|---|---|---|---|---|\n");

	dc_case("baseline: MD5", "MD5", "5f4dcc3b5aa765d61d8327deb882cf99",
	    NULL, 28);

	for (c = 4; c < 31 && ((uint64_t)1 << (c + 1)) <=
	    pwv_most(PWV_NS_BCRYPT); c++)
		;
	(void)snprintf(s[0], sizeof(s[0]), "$2b$%02u$", c);
	(void)snprintf(b[0], sizeof(b[0]), "$2b$%02u$", c + 1);
	dc_case(s[0], "Bcrypt", dc_digest(s[0], 'O', 53),
	    dc_digest(b[0], 'O', 53), 28);

	most = pwv_most(PWV_NS_SHA256C + PWV_NS_SHA256C_B * PWV_COST_PWLEN);
	(void)snprintf(s[1], sizeof(s[1]), "$5$rounds=%llu$saltsalt$",
	    (unsigned long long)most);
	(void)snprintf(b[1], sizeof(b[1]), "$5$rounds=%llu$saltsalt$",
	    (unsigned long long)most + 1);
	dc_case(s[1], "Crypt", dc_digest(s[1], 'a', 43),
	    dc_digest(b[1], 'a', 43), 64);

	most = pwv_most(PWV_NS_SHA512C + PWV_NS_SHA512C_B * PWV_COST_PWLEN);
	(void)snprintf(s[2], sizeof(s[2]), "$6$rounds=%llu$saltsalt$",
	    (unsigned long long)most);
	(void)snprintf(b[2], sizeof(b[2]), "$6$rounds=%llu$saltsalt$",
	    (unsigned long long)most + 1);
	dc_case(s[2], "Crypt", dc_digest(s[2], 'a', 86),
	    dc_digest(b[2], 'a', 86), 64);
	v = pwv_most(PWV_NS_SHA512C + PWV_NS_SHA512C_B * 511);
	(void)snprintf(s[3], sizeof(s[3]), "$6$rounds=%llu$saltsalt$",
	    (unsigned long long)v);
	dc_case(s[3], "Crypt", dc_digest(s[3], 'a', 86), NULL, 511);
	dc_case("$6$ at the 64-byte ceiling", "Crypt",
	    dc_digest(s[2], 'a', 86), NULL, 511);

	most = pwv_most(PWV_NS_SHA1C + PWV_NS_SHA1C_B * PWV_COST_PWLEN);
	(void)snprintf(s[4], sizeof(s[4]), "$sha1$%llu$saltsalt$",
	    (unsigned long long)most);
	(void)snprintf(b[4], sizeof(b[4]), "$sha1$%llu$saltsalt$",
	    (unsigned long long)most + 1);
	dc_case(s[4], "Crypt", dc_digest(s[4], 'a', 28),
	    dc_digest(b[4], 'a', 28), 64);

	most = pwv_most(PWV_NS_SUNMD5) - 4096;
	(void)snprintf(s[5], sizeof(s[5]), "$md5,rounds=%llu$saltsalt$$",
	    (unsigned long long)most);
	(void)snprintf(b[5], sizeof(b[5]), "$md5,rounds=%llu$saltsalt$$",
	    (unsigned long long)most + 1);
	dc_case(s[5], "Crypt", dc_digest(s[5], 'a', 22),
	    dc_digest(b[5], 'a', 22), 28);

	dc_case("$7$EU..../....saltsalt$ (256 MiB)", "Crypt",
	    dc_digest("$7$EU..../....saltsalt$", 'a', 43),
	    dc_digest("$7$FU..../....saltsalt$", 'a', 43), 28);
	dc_case("$y$jDT$saltsaltsaltsalt$ (256 MiB)", "Crypt",
	    dc_digest("$y$jDT$saltsaltsaltsalt$", 'a', 43),
	    dc_digest("$y$jET$saltsaltsaltsalt$", 'a', 43), 28);
	dc_case("$gy$jDT$saltsaltsaltsalt$", "Crypt",
	    dc_digest("$gy$jDT$saltsaltsaltsalt$", 'a', 43),
	    dc_digest("$gy$jET$saltsaltsaltsalt$", 'a', 43), 28);

	m = (uint32_t)(pwv_ceil_bytes >> 10);
	most = pwv_most(pwv_mul(PWV_NS_ARGON2_SODIUM, m));
	dc_argon2("argon2id", m, most, 1, "argon2id", m, most + 1, 1);
	most = pwv_most(pwv_mul(PWV_NS_ARGON2_REF, m));
	dc_argon2("argon2d", m, most, 1, "argon2d", m, most + 1, 1);
	dc_argon2("argon2id", m, 1, PWV_ARGON2_P_CEIL, "argon2id", m, 1,
	    PWV_ARGON2_P_CEIL + 1);

	most = pwv_most(PWV_NS_PBKDF2_FAST);
	dc_pbkdf2(most, 32, "sha256", most + 1, 32);
	dc_pbkdf2(most / 32, 1024, "sha256", most / 32 + 1, 1024);
	most = pwv_most(PWV_NS_PBKDF2);
	dc_pbkdf2(most, 64, "sha512", most + 1, 64);
	dc_case("firebase-scrypt N=2^14, r=15 (30 MiB)", "Legacy",
	    "[\"firebase-scrypt\",[\"c2FsdA==\",\"c2lnbmVy\",\"Bw==\","
	    "\"15\",\"14\",\"@\"],\"x\"]",
	    "[\"firebase-scrypt\",[\"c2FsdA==\",\"c2lnbmVy\",\"Bw==\","
	    "\"16\",\"14\",\"@\"],\"x\"]", 28);
	return 0;
}
