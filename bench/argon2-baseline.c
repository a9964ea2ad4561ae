/*
 * argon2-baseline.c: the raw argon2i hash time for bench/run.sh.
 *
 * Usage: argon2-baseline T M_KIB P RUNS
 * Hashes a fixed password with a fresh 16-byte salt into a 32-byte hash
 * (the parameters usercgi stores, spec §4) RUNS times with libargon2's
 * argon2i_hash_encoded and prints "argon2_ms MEDIAN".  Built with
 * -DHAVE_SODIUM it also times libsodium's crypto_pwhash (argon2i,
 * opslimit T, memlimit M_KIB KiB; libsodium only does p=1) and prints
 * "sodium_ms MEDIAN", and checks that both produce the same raw hash
 * for one salt ("sodium_match 1").  Times are wall-clock medians.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <argon2.h>
#ifdef HAVE_SODIUM
#include <sodium.h>
#endif

#define MAX_RUNS	1000
#define SALT_LEN	16
#define HASH_LEN	32

static const char	pw[] = "correct horse battery staple";

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of v[0..n), n > 0; sorts v. */
static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Parses a positive decimal no larger than max, or exits. */
static unsigned long
arg_num(const char *s, unsigned long max)
{
	char		*end;
	unsigned long	 v;

	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v == 0 || v > max) {
		fprintf(stderr, "argon2-baseline: bad number %s\n", s);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	static double	 ms[MAX_RUNS];
	uint8_t		 salt[SALT_LEN], h1[HASH_LEN];
	char		 enc[256];
	uint32_t	 t, m, p;
	size_t		 runs, i, j;
	double		 t0;
	int		 rc;

	if (argc != 5) {
		fprintf(stderr, "usage: argon2-baseline T M_KIB P RUNS\n");
		return 2;
	}
	t = (uint32_t)arg_num(argv[1], 1000);
	m = (uint32_t)arg_num(argv[2], 1u << 22);
	p = (uint32_t)arg_num(argv[3], 255);
	runs = arg_num(argv[4], MAX_RUNS);

	for (i = 0; i < runs; i++) {
		for (j = 0; j < SALT_LEN; j++)
			salt[j] = (uint8_t)(rand() & 0xff);
		t0 = now_ms();
		rc = argon2i_hash_encoded(t, m, p, pw, sizeof(pw) - 1, salt,
		    SALT_LEN, HASH_LEN, enc, sizeof(enc));
		ms[i] = now_ms() - t0;
		if (rc != ARGON2_OK) {
			fprintf(stderr, "argon2: %s\n", argon2_error_message(rc));
			return 1;
		}
	}
	printf("argon2_ms %.3f\n", median(ms, runs));

#ifdef HAVE_SODIUM
	if (sodium_init() < 0)
		return 1;
	if (p == 1) {
		uint8_t	h2[HASH_LEN];

		for (i = 0; i < runs; i++) {
			randombytes_buf(salt, SALT_LEN);
			t0 = now_ms();
			rc = crypto_pwhash(h2, HASH_LEN, pw, sizeof(pw) - 1,
			    salt, t, (size_t)m * 1024,
			    crypto_pwhash_ALG_ARGON2I13);
			ms[i] = now_ms() - t0;
			if (rc != 0) {
				fprintf(stderr, "crypto_pwhash failed\n");
				return 1;
			}
		}
		printf("sodium_ms %.3f\n", median(ms, runs));
		memcpy(salt, "0123456789abcdef", SALT_LEN);
		if (argon2i_hash_raw(t, m, p, pw, sizeof(pw) - 1, salt,
		    SALT_LEN, h1, HASH_LEN) != ARGON2_OK ||
		    crypto_pwhash(h2, HASH_LEN, pw, sizeof(pw) - 1, salt, t,
		    (size_t)m * 1024, crypto_pwhash_ALG_ARGON2I13) != 0)
			return 1;
		printf("sodium_match %d\n", memcmp(h1, h2, HASH_LEN) == 0);
	}
#else
	(void)h1;
#endif
	return 0;
}
