/*
 * test_pw_verify.c: imported password digests — the vectors of
 * create-user.md §4, Logto's tests for Legacy/pbkdf2/firebase-scrypt,
 * libxcrypt's formats, and every import-time refusal.  Includes the .c
 * to reach its static parsers.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <argon2.h>
#include <crypt.h>

#include "../../lib/pw_verify.c"

#include "tap.h"

/* pw_verify of a C-string password; passes when it returns OK and want. */
static void
vok(const char *method, const char *digest, const char *pw, int want,
    const char *name)
{
	enum usercgi_err	rc;
	int			m = -1;

	rc = pw_verify(method, digest, pw, strlen(pw), &m);
	tap_ok(rc == USERCGI_OK && m == want, name);
	if (rc != USERCGI_OK || m != want)
		printf("#   rc %s match %d, want %d\n", usercgi_errname(rc), m,
		    want);
}

/* Milliseconds since a (CLOCK_MONOTONIC). */
static double
since_ms(const struct timespec *a)
{
	struct timespec	b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 +
	    (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

/*
 * A stored digest above the cost ceilings: pw_verify answers
 * USERCGI_PW_DIGEST_INVALID with no match at once (nothing hashed), and
 * pw_check_password the same after its decoy.
 */
static void
vover(const char *method, const char *digest, const char *pw,
    const char *name)
{
	static const struct pw_params	fast = { 1, 8, 1 };
	struct timespec			a;
	enum usercgi_err		rc;
	char				n[200];
	double				ms;
	int				m = -1;

	clock_gettime(CLOCK_MONOTONIC, &a);
	rc = pw_verify(method, digest, pw, strlen(pw), &m);
	ms = since_ms(&a);
	(void)snprintf(n, sizeof(n), "%s: not run at verify", name);
	tap_ok(rc == USERCGI_PW_DIGEST_INVALID && m == 0 && ms < 100.0, n);
	if (rc != USERCGI_PW_DIGEST_INVALID || m != 0 || ms >= 100.0)
		printf("#   rc %s match %d, %.1f ms\n", usercgi_errname(rc), m,
		    ms);
	m = -1;
	rc = pw_check_password(&fast, method, digest, pw, strlen(pw), &m);
	(void)snprintf(n, sizeof(n), "%s: check_password not run", name);
	tap_ok(rc == USERCGI_PW_DIGEST_INVALID && m == 0, n);
}

/* Right password "password" verifies, a wrong one does not. */
static void
vpair(const char *method, const char *digest, const char *name)
{
	char	n[160];

	(void)snprintf(n, sizeof(n), "%s: right password", name);
	vok(method, digest, "password", 1, n);
	(void)snprintf(n, sizeof(n), "%s: wrong password", name);
	vok(method, digest, "Password", 0, n);
}

/*
 * pw_check_import on a writable copy; checks the result, the why text
 * (when wantwhy is not NULL) and returns the possibly rewritten copy in
 * a static buffer.
 */
static const char *
imp(const char *alg, const char *digest, enum usercgi_err want,
    const char *wantwhy, const char *name)
{
	static char		 copy[8192];
	char			 why[128], n[200];
	enum usercgi_err	 rc;

	memset(why, 'x', sizeof(why));
	if (digest != NULL)
		(void)snprintf(copy, sizeof(copy), "%s", digest);
	rc = pw_check_import(alg, digest != NULL ? copy : NULL, why,
	    sizeof(why));
	tap_ok(rc == want && memchr(why, '\0', sizeof(why)) != NULL, name);
	if (rc != want)
		printf("#   got %s want %s (why: %s)\n", usercgi_errname(rc),
		    usercgi_errname(want), why);
	if (wantwhy != NULL) {
		(void)snprintf(n, sizeof(n), "%s: why", name);
		tap_str(why, wantwhy, n);
	}
	return copy;
}

static void
test_spec_vectors(void)
{
	static const struct {
		const char *alg, *digest;
	} v[] = {
		{ "MD5", "5f4dcc3b5aa765d61d8327deb882cf99" },
		{ "SHA1", "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8" },
		{ "SHA256", "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8" },
		{ "Bcrypt", "$2a$12$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.6" },
		{ "Argon2d", "$argon2d$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g" },
		{ "Legacy", "[\"sha512\",[\"@\"],\"b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86\"]" },
		{ "Argon2i", "$argon2i$v=19$m=8192,t=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$Obzo91DDF+gIRWJsw2+t6GrYfC/W0Km1w2M2IYxXiAE" },
	};
	const char	*out;
	char		 n[96];
	size_t		 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		(void)snprintf(n, sizeof(n), "spec %s: import", v[i].alg);
		out = imp(v[i].alg, v[i].digest, USERCGI_OK, "", n);
		(void)snprintf(n, sizeof(n), "spec %s: import keeps it", v[i].alg);
		tap_str(out, v[i].digest, n);
		(void)snprintf(n, sizeof(n), "spec %s", v[i].alg);
		vpair(v[i].alg, v[i].digest, n);
	}
	vok("MD5", "5f4dcc3b5aa765d61d8327deb882cf99", "", 0, "MD5: empty password");
	vok("MD5", "5F4DCC3B5AA765D61D8327DEB882CF99", "password", 0,
	    "MD5: stored uppercase never matches (import lowercases)");
}

static void
test_hex_import(void)
{
	const char	*out;

	out = imp("MD5", "5F4DCC3B5AA765D61D8327DEB882CF99", USERCGI_OK, "",
	    "MD5 uppercase accepted");
	tap_str(out, "5f4dcc3b5aa765d61d8327deb882cf99", "MD5 uppercase lowercased in place");
	vok("MD5", out, "password", 1, "MD5 normalised digest verifies");
	out = imp("SHA1", "5BAA61e4c9b93f3f0682250b6cf8331b7ee68FD8", USERCGI_OK,
	    "", "SHA1 mixed case accepted");
	tap_str(out, "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", "SHA1 lowercased");
	imp("MD5", "5f4dcc3b5aa765d61d8327deb882cf9", USERCGI_PW_DIGEST_INVALID,
	    "expected 32 hexadecimal characters", "MD5 31 chars");
	imp("MD5", "5f4dcc3b5aa765d61d8327deb882cf990", USERCGI_PW_DIGEST_INVALID,
	    "expected 32 hexadecimal characters", "MD5 33 chars");
	imp("MD5", "5f4dcc3b5aa765d61d8327deb882cf9g", USERCGI_PW_DIGEST_INVALID,
	    "expected 32 hexadecimal characters", "MD5 non-hex");
	imp("SHA1", "5f4dcc3b5aa765d61d8327deb882cf99", USERCGI_PW_DIGEST_INVALID,
	    "expected 40 hexadecimal characters", "SHA1 with an MD5 digest");
	imp("SHA256", "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", USERCGI_PW_DIGEST_INVALID,
	    "expected 64 hexadecimal characters", "SHA256 with a SHA1 digest");
	imp("SHA256", " 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
	    USERCGI_PW_DIGEST_INVALID, "expected 64 hexadecimal characters",
	    "SHA256 with a leading space");
	imp("MD5", "", USERCGI_OK, "", "MD5 empty digest: no password");
	imp("SHA256", NULL, USERCGI_OK, "", "SHA256 missing digest: no password");
	imp(NULL, "abc", USERCGI_OK, "", "no algorithm: nothing to check");
	imp("md5", "5f4dcc3b5aa765d61d8327deb882cf99", USERCGI_PW_UNSUPPORTED, "",
	    "unknown algorithm");
}

static void
test_argon2(void)
{
	char		 enc[256];
	const char	*salt = "somesaltsomesalt";

	tap_int(argon2_hash(2, 64, 1, "password", 8, salt, 16, NULL, 32, enc,
	    sizeof(enc), Argon2_id, ARGON2_VERSION_13), ARGON2_OK, "argon2id encode");
	imp("Argon2id", enc, USERCGI_OK, "", "Argon2id libargon2 string imports");
	vpair("Argon2id", enc, "Argon2id libargon2");
	/* The string's own prefix decides the variant (Logto, hash-wasm). */
	imp("Argon2i", enc, USERCGI_OK, "", "Argon2i label on an argon2id string");
	vpair("Argon2i", enc, "Argon2i label, argon2id string");
	vpair("Argon2d", enc, "Argon2d label, argon2id string");

	tap_int(argon2_hash(1, 32, 2, "password", 8, salt, 16, NULL, 16, enc,
	    sizeof(enc), Argon2_i, ARGON2_VERSION_13), ARGON2_OK, "argon2i p=2 encode");
	vpair("Argon2i", enc, "Argon2i p=2, 16-byte hash");

	/* Parameter order: m, t, p in any order. */
	vpair("Argon2d", "$argon2d$v=19$t=2,p=1,m=16$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    "Argon2d t,p,m order");
	vpair("Argon2d", "$argon2d$v=19$p=1,m=16,t=2$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    "Argon2d p,m,t order");
	vpair("Argon2d", "$argon2d$v=19$m=016,t=02,p=01$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    "Argon2d leading zeros");
	vok("Argon2d", "$argon2d$v=19$m=16,t=3,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    "password", 0, "Argon2d other t does not match");
	vok("Argon2d", "$argon2i$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    "password", 0, "Argon2d string relabelled argon2i does not match");

	imp("Argon2i", "$argon2x$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "not an Argon2 PHC string", "PHC bad prefix");
	imp("Argon2i", "5f4dcc3b5aa765d61d8327deb882cf99", USERCGI_PW_DIGEST_INVALID,
	    "not an Argon2 PHC string", "PHC: an MD5 digest");
	imp("Argon2d", "$argon2d$v=16$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "the version must be v=19", "PHC v=16");
	imp("Argon2d", "$argon2d$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "the version must be v=19", "PHC no version");
	imp("Argon2d", "$argon2d$v=019$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "the version must be v=19", "PHC v=019");
	imp("Argon2d", "$argon2d$v=19$m=16,t=2$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "malformed m, t, p parameters", "PHC p missing");
	imp("Argon2d", "$argon2d$v=19$m=16,t=2,m=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "malformed m, t, p parameters", "PHC m twice");
	imp("Argon2d", "$argon2d$v=19$m=16,t=2,x=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "malformed m, t, p parameters", "PHC unknown key");
	imp("Argon2d", "$argon2d$v=19$m=16,t=2,p=1,k=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "malformed m, t, p parameters", "PHC fourth parameter");
	imp("Argon2d", "$argon2d$v=19$m=,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "malformed m, t, p parameters", "PHC empty m");
	imp("Argon2d", "$argon2d$v=19$m=-16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "malformed m, t, p parameters", "PHC negative m");
	imp("Argon2d", "$argon2d$v=19$m=4294967296,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "an m, t or p parameter is out of range", "PHC m = 2^32");
	imp("Argon2d", "$argon2d$v=19$m=4194305,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "the cost is above usercgi's limits (m=4194304,t=64,p=64)",
	    "PHC m above the limit");
	imp("Argon2d", "$argon2d$v=19$m=16,t=65,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "the cost is above usercgi's limits (m=4194304,t=64,p=64)",
	    "PHC t above the limit");
	imp("Argon2d", "$argon2d$v=19$m=15,t=2,p=2$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "t and p must be at least 1 and m at least 8 * p",
	    "PHC m below 8p");
	imp("Argon2d", "$argon2d$v=19$m=16,t=0,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "t and p must be at least 1 and m at least 8 * p",
	    "PHC t=0");
	imp("Argon2d", "$argon2d$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA==$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "malformed salt", "PHC padded salt");
	imp("Argon2d", "$argon2d$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JU-$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "malformed salt", "PHC URL-safe salt");
	imp("Argon2d", "$argon2d$v=19$m=16,t=2,p=1$$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "malformed salt", "PHC empty salt");
	imp("Argon2d", "$argon2d$v=19$m=16,t=2,p=1$c2FsdHNhbA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "the salt is shorter than 8 bytes", "PHC 7-byte salt");
	imp("Argon2d", "$argon2d$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/h",
	    USERCGI_PW_DIGEST_INVALID, "malformed hash", "PHC non-canonical hash");
	imp("Argon2d", "$argon2d$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/",
	    USERCGI_PW_DIGEST_INVALID, "malformed hash", "PHC hash of length 4k+1");
	imp("Argon2d", "$argon2d$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$AAA",
	    USERCGI_PW_DIGEST_INVALID, "the hash is shorter than 4 bytes", "PHC 2-byte hash");
	imp("Argon2d", "$argon2d$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA",
	    USERCGI_PW_DIGEST_INVALID, "malformed salt or hash", "PHC without hash");
	imp("Argon2d", "$argon2d$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g$",
	    USERCGI_PW_DIGEST_INVALID, "malformed hash", "PHC trailing $");
	vok("Argon2d", "$argon2d$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/h",
	    "password", 0, "PHC malformed at verify: no match, no error");
}

/* crypt_gensalt_rn + crypt_rn for prefix, then import and verify. */
static void
crypt_round(const char *prefix, unsigned long count, const char *name)
{
	struct crypt_data	 cd;
	char			 setting[CRYPT_GENSALT_OUTPUT_SIZE], n[96];
	char			 hash[CRYPT_OUTPUT_SIZE];
	const char		*g, *h;

	memset(&cd, 0, sizeof(cd));
	g = crypt_gensalt_rn(prefix, count, NULL, 0, setting, sizeof(setting));
	h = g != NULL ? crypt_rn("password", g, &cd, (int)sizeof(cd)) : NULL;
	(void)snprintf(n, sizeof(n), "Crypt %s: generated", name);
	tap_ok(h != NULL && h[0] != '*', n);
	if (h == NULL || h[0] == '*')
		return;
	(void)snprintf(hash, sizeof(hash), "%s", h);
	(void)snprintf(n, sizeof(n), "Crypt %s: import", name);
	imp("Crypt", hash, USERCGI_OK, "", n);
	(void)snprintf(n, sizeof(n), "Crypt %s", name);
	vpair("Crypt", hash, n);
}

static void
test_crypt(void)
{
	static const char *const prefixes[] = { "$y$", "$gy$", "$7$", "$6$",
	    "$5$", "$1$", "$sha1", "$md5", "$2b$", "$2y$", "_", "" };
	size_t	i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		crypt_round(prefixes[i], 0, prefixes[i][0] != '\0' ?
		    prefixes[i] : "DES");
	crypt_round("$6$", 1000, "$6$ rounds=1000");

	/* Independent vectors: Drepper's SHA-crypt spec, OpenSSL, OpenBSD. */
	vok("Crypt", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
	    "Hello world!", 1, "Crypt $6$ Drepper vector");
	vok("Crypt", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
	    "Hello world", 0, "Crypt $6$ Drepper vector, wrong");
	vok("Crypt", "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",
	    "Hello world!", 1, "Crypt $5$ vector (openssl passwd -5)");
	vpair("Crypt", "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/", "Crypt $1$ vector (openssl passwd -1)");
	vok("Crypt", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
	    "U*U", 1, "Crypt $2a$ OpenBSD vector");
	vok("Bcrypt", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
	    "U*U", 1, "Bcrypt $2a$ OpenBSD vector");
	vok("Bcrypt", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
	    "U*V", 0, "Bcrypt $2a$ OpenBSD vector, wrong");

	imp("Crypt", "*0", USERCGI_PW_DIGEST_INVALID,
	    "a crypt failure token is not a hash", "Crypt *0 refused");
	imp("Crypt", "*1", USERCGI_PW_DIGEST_INVALID,
	    "a crypt failure token is not a hash", "Crypt *1 refused");
	imp("Crypt", "*", USERCGI_PW_DIGEST_INVALID,
	    "a crypt failure token is not a hash", "Crypt * refused");
	vok("Crypt", "*0", "password", 0, "Crypt *0 never verifies");
	imp("Crypt", "$zz$abc$def", USERCGI_PW_DIGEST_INVALID,
	    "not a crypt(3) method libxcrypt supports", "Crypt unknown prefix");
	imp("Crypt", "$argon2i$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g",
	    USERCGI_PW_DIGEST_INVALID, "not a crypt(3) method libxcrypt supports",
	    "Crypt argon2 string");
	imp("Crypt", "$1$abc$", USERCGI_PW_DIGEST_INVALID,
	    "not a complete crypt(3) hash in canonical form", "Crypt setting without hash");
	imp("Crypt", "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK", USERCGI_PW_DIGEST_INVALID,
	    "not a complete crypt(3) hash in canonical form", "Crypt $1$ hash one short");
	imp("Crypt", "$1$saltsalt$qjXMvbEw8oaL.CzflDta!/", USERCGI_PW_DIGEST_INVALID,
	    "not a crypt(3) method libxcrypt supports", "Crypt bad hash character");
	imp("Crypt", "$2b$12$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.",
	    USERCGI_PW_DIGEST_INVALID, "a bcrypt hash has 60 characters",
	    "Crypt short bcrypt");
	imp("Crypt", "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/", USERCGI_OK, "",
	    "Crypt $1$ vector imports");
	imp("Crypt", "", USERCGI_OK, "", "Crypt empty digest: no password");
}

static void
test_bcrypt(void)
{
	struct crypt_data	 cd;
	char			 pw[80], hash[CRYPT_OUTPUT_SIZE];
	const char		*h;
	int			 m = -1;

	imp("Bcrypt", "$2b$12$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.6",
	    USERCGI_OK, "", "Bcrypt $2b$");
	imp("Bcrypt", "$2y$12$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.6",
	    USERCGI_OK, "", "Bcrypt $2y$");
	imp("Bcrypt", "$2x$12$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.6",
	    USERCGI_OK, "", "Bcrypt $2x$");
	vpair("Bcrypt", "$2x$04$......................LAtw7/ohmmBAhnXqmkuIz83Rl5Qdjhm", "Bcrypt $2x$");
	vpair("Bcrypt", "$2y$04$......................LAtw7/ohmmBAhnXqmkuIz83Rl5Qdjhm", "Bcrypt $2y$");
	imp("Bcrypt", "$2c$12$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.6",
	    USERCGI_PW_DIGEST_INVALID, "the prefix must be $2a$, $2b$, $2x$ or $2y$",
	    "Bcrypt $2c$");
	imp("Bcrypt", "$2$12$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.6a",
	    USERCGI_PW_DIGEST_INVALID, "the prefix must be $2a$, $2b$, $2x$ or $2y$",
	    "Bcrypt $2$");
	imp("Bcrypt", "$2a$12$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.",
	    USERCGI_PW_DIGEST_INVALID, "a bcrypt hash has 60 characters", "Bcrypt 59 chars");
	imp("Bcrypt", "$2a$12$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.6.",
	    USERCGI_PW_DIGEST_INVALID, "a bcrypt hash has 60 characters", "Bcrypt 61 chars");
	imp("Bcrypt", "$2a$03$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.6",
	    USERCGI_PW_DIGEST_INVALID, "the cost must be 04 to 31", "Bcrypt cost 03");
	imp("Bcrypt", "$2a$32$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.6",
	    USERCGI_PW_DIGEST_INVALID, "the cost must be 04 to 31", "Bcrypt cost 32");
	imp("Bcrypt", "$2a$1a$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.6",
	    USERCGI_PW_DIGEST_INVALID, "malformed cost", "Bcrypt cost 1a");
	imp("Bcrypt", "$2a$12$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ+6",
	    USERCGI_PW_DIGEST_INVALID, "a character outside bcrypt's base64", "Bcrypt '+'");
	imp("Bcrypt", "$2a$12$WQMqTfbtcZFBC1C1u8wpif6lXOSciUr5kk/8yEydoIMKltb9UKJ.6",
	    USERCGI_PW_DIGEST_INVALID, "non-canonical salt or hash", "Bcrypt salt ends in 'f'");
	imp("Bcrypt", "$2a$12$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.7",
	    USERCGI_PW_DIGEST_INVALID, "non-canonical salt or hash", "Bcrypt hash ends in '7'");
	imp("Bcrypt", "$argon2i$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4",
	    USERCGI_PW_DIGEST_INVALID, "a bcrypt hash has 60 characters", "Bcrypt argon2 string");
	vok("Bcrypt", "$2a$12$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.7",
	    "password", 0, "Bcrypt malformed at verify: no match");

	/* 72 bytes verify; 73 are refused cleanly (bcrypt would ignore byte 73). */
	memset(pw, 'a', 73);
	pw[72] = '\0';
	memset(&cd, 0, sizeof(cd));
	h = crypt_rn(pw, "$2b$04$abcdefghijklmnopqrstuu", &cd, (int)sizeof(cd));
	tap_ok(h != NULL && h[0] != '*', "bcrypt of 72 bytes");
	(void)snprintf(hash, sizeof(hash), "%s", h != NULL ? h : "");
	vok("Bcrypt", hash, pw, 1, "Bcrypt 72-byte password verifies");
	pw[72] = 'a';
	pw[73] = '\0';
	tap_int(pw_verify("Bcrypt", hash, pw, 73, &m), USERCGI_OK,
	    "Bcrypt 73-byte password: no error");
	tap_int(m, 0, "Bcrypt 73-byte password: no match");
	vok("Crypt", hash, pw, 0, "Crypt bcrypt string, 73-byte password: no match");
	/* A NUL byte would cut the password short in crypt(3). */
	tap_int(pw_verify("Bcrypt", "$2y$04$......................LAtw7/ohmmBAhnXqmkuIz83Rl5Qdjhm",
	    "password\0x", 10, &m), USERCGI_OK, "Bcrypt password with NUL: no error");
	tap_int(m, 0, "Bcrypt password with NUL: no match");
}

static void
test_legacy_import(void)
{
	/* Logto's parseLegacyPassword tests. */
	imp("Legacy", "[\"sha256\",[\"salt123\",\"@\"],\"abcd1234\"]", USERCGI_OK, "",
	    "Legacy valid");
	imp("Legacy", "[\"sha256\",[\"prefix\",\"@\",\"suffix\"],\"abcd1234\"]", USERCGI_OK,
	    "", "Legacy multiple arguments");
	imp("Legacy", "invalid_json", USERCGI_PW_LEGACY_FORMAT, "", "Legacy invalid JSON");
	imp("Legacy", "[\"sha256\",\"not_an_array\",\"abcd1234\"]", USERCGI_PW_LEGACY_FORMAT,
	    "", "Legacy args not an array");
	imp("Legacy", "[\"invalid_algo\",[\"@\"],\"abcd1234\"]", USERCGI_PW_LEGACY_HASH,
	    "invalid_algo", "Legacy unsupported algorithm");
	imp("Legacy", "[\"sha256\",[\"salt123\"],\"abcd1234\"]", USERCGI_PW_LEGACY_FORMAT,
	    "", "Legacy without @");
	imp("Legacy", "[\"pbkdf2\",[\"hex:zz\",\"1000\",\"32\",\"sha256\",\"@\"],\"hash\"]",
	    USERCGI_PW_LEGACY_FORMAT, "", "Legacy pbkdf2 bad hex salt");
	imp("Legacy", "[\"pbkdf2\",[\"hex:80ff00414243\",\"1000\",\"32\",\"sha256\",\"@\"],\"hash\"]",
	    USERCGI_OK, "", "Legacy pbkdf2 hex salt");
	imp("Legacy", "[\"md5\",[\"salt\",\"@\"],\"abcd1234\"]", USERCGI_OK, "", "Legacy md5");
	imp("Legacy", "[\"sha1\",[\"salt\",\"@\"],\"abcd1234\"]", USERCGI_OK, "", "Legacy sha1");
	imp("Legacy", "[\"sha512\",[\"salt\",\"@\"],\"abcd1234\"]", USERCGI_OK, "", "Legacy sha512");
	imp("Legacy", "[\"sha3-256\",[\"salt\",\"@\"],\"abcd1234\"]", USERCGI_OK, "",
	    "Legacy sha3-256");
	imp("Legacy", "[\"blake2b512\",[\"salt\",\"@\"],\"abcd1234\"]", USERCGI_OK, "",
	    "Legacy blake2b512");
	imp("Legacy", "[\"firebase-scrypt\",[\"000000000000000000000000\","
	    "\"0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\","
	    "\"0000\",\"000000\",\"00\",\"@\"],"
	    "\"0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\"]",
	    USERCGI_OK, "", "Legacy firebase-scrypt longest");
	/* Errors in Logto's order; the rest of the shape. */
	imp("Legacy", NULL, USERCGI_PW_UNSUPPORTED, "", "Legacy missing digest");
	imp("Legacy", "", USERCGI_PW_UNSUPPORTED, "", "Legacy empty digest");
	imp("Legacy", "[\"nope\",[\"salt\"],\"x\"]", USERCGI_PW_LEGACY_FORMAT, "",
	    "Legacy format checked before the algorithm");
	imp("Legacy", "[\"pbkdf2\",[\"hex:\",\"@\"],\"x\"]", USERCGI_PW_LEGACY_FORMAT, "",
	    "Legacy pbkdf2 empty hex salt");
	imp("Legacy", "[\"pbkdf2\",[\"hex:abc\",\"@\"],\"x\"]", USERCGI_PW_LEGACY_FORMAT, "",
	    "Legacy pbkdf2 odd hex salt");
	imp("Legacy", "[\"pbkdf2\",[\"HEX:zz\",\"@\"],\"x\"]", USERCGI_OK, "",
	    "Legacy pbkdf2 HEX: is a text salt");
	imp("Legacy", "[\"pbkdf2Sync\",[\"hex:ABcd\",\"@\"],\"x\"]", USERCGI_OK, "",
	    "Legacy pbkdf2Sync hex salt any case");
	imp("Legacy", "[\"PBKDF2\",[\"@\"],\"x\"]", USERCGI_PW_LEGACY_HASH, "PBKDF2",
	    "Legacy PBKDF2 is case-sensitive");
	imp("Legacy", "[\"md4\",[\"@\"],\"x\"]", USERCGI_PW_LEGACY_HASH, "md4",
	    "Legacy md4 (legacy provider) unsupported");
	imp("Legacy", "[\"\",[\"@\"],\"x\"]", USERCGI_PW_LEGACY_HASH, "",
	    "Legacy empty algorithm");
	imp("Legacy", "[\"SHA256\",[\"@\"],\"x\"]", USERCGI_OK, "", "Legacy SHA256 any case");
	imp("Legacy", "[\"sha256\",[\"@\"],\"x\",1]", USERCGI_PW_LEGACY_FORMAT, "",
	    "Legacy four elements");
	imp("Legacy", "[\"sha256\",[\"@\"]]", USERCGI_PW_LEGACY_FORMAT, "", "Legacy two elements");
	imp("Legacy", "[\"sha256\",[\"@\",1],\"x\"]", USERCGI_PW_LEGACY_FORMAT, "",
	    "Legacy number part");
	imp("Legacy", "[\"sha256\",[],\"x\"]", USERCGI_PW_LEGACY_FORMAT, "", "Legacy no parts");
	imp("Legacy", "[\"sha256\",[\"@\"],null]", USERCGI_PW_LEGACY_FORMAT, "",
	    "Legacy null result");
	imp("Legacy", "[\"sha256\",[\"@\"],\"x\"] x", USERCGI_PW_LEGACY_FORMAT, "",
	    "Legacy trailing garbage");
	imp("Legacy", "[\"sha256\",[\"@\",],\"x\"]", USERCGI_PW_LEGACY_FORMAT, "",
	    "Legacy trailing comma");
	imp("Legacy", "['sha256',['@'],'x']", USERCGI_PW_LEGACY_FORMAT, "",
	    "Legacy single quotes");
	imp("Legacy", "[\"sha256\",[\"@@\"],\"x\"]", USERCGI_PW_LEGACY_FORMAT, "",
	    "Legacy @@ is not @");
	imp("Legacy", "[\"sha256\",[\"\\u0040\"],\"x\"]", USERCGI_OK, "",
	    "Legacy \\u0040 is @");
	imp("Legacy", "[\"sha256\",[\"a\tb\",\"@\"],\"x\"]", USERCGI_PW_LEGACY_FORMAT, "",
	    "Legacy raw tab in a string");
	imp("Legacy", "[\"sha256\",[\"\\x\",\"@\"],\"x\"]", USERCGI_PW_LEGACY_FORMAT, "",
	    "Legacy bad escape");
	imp("Legacy", "[\"sha256\",[\"\\u12\",\"@\"],\"x\"]", USERCGI_PW_LEGACY_FORMAT, "",
	    "Legacy short \\u escape");
	imp("Legacy", "[\"sha256\",[\"@\"],\"x", USERCGI_PW_LEGACY_FORMAT, "",
	    "Legacy unterminated");
	imp("Legacy", "{\"a\":1}", USERCGI_PW_LEGACY_FORMAT, "", "Legacy object");
	imp("Legacy", " \n[ \"sha256\" , [ \"@\" ] , \"x\" ]\t\r\n", USERCGI_OK, "",
	    "Legacy JSON white space");
	imp("Legacy", "[\"sh\\u00e4\",[\"@\"],\"x\"]", USERCGI_PW_LEGACY_HASH, "sh\xc3\xa4",
	    "Legacy unknown algorithm named decoded");
}

static void
test_legacy_verify(void)
{
	char	d[512];

	/* Logto's executeLegacyHash tests. */
	vok("Legacy", "[\"sha256\",[\"salt123\",\"@\"],\"c465f66c6ac481a7a17e9ed5b4e2e7e7288d892f12bf1c95c140901e9a70436e\"]",
	    "password123", 1, "Legacy sha256 salt123 (Logto)");
	vok("Legacy", "[\"sha256\",[\"salt123\",\"@\"],\"c465f66c6ac481a7a17e9ed5b4e2e7e7288d892f12bf1c95c140901e9a70436e\"]",
	    "password124", 0, "Legacy sha256 salt123, wrong");
	vok("Legacy", "[\"md5\",[\"@\"],\"51533f457802f105fc615463db7f0e20\"]",
	    "simple_password", 1, "Legacy md5 (Logto)");
	vok("Legacy", "[\"sha1\",[\"prefix\",\"@\",\"suffix\"],\"1e51b70835fc01a385d43117299e147203d098c6\"]",
	    "mypass", 1, "Legacy sha1 prefix/suffix (Logto)");
	vok("Legacy", "[\"sha1\",[\"prefix\",\"@\",\"suffix\"],\"1e51b70835fc01a385d43117299e147203d098c6\"]",
	    "mypas", 0, "Legacy sha1 prefix/suffix, wrong");
	vok("Legacy", "[\"pbkdf2\",[\"hex:80ff00414243\",\"1000\",\"32\",\"sha256\",\"@\"],"
	    "\"75d87d232694f0918d8e1ae49bce5f0a665e862da3e23e8b3eddf368db16d2cf\"]",
	    "Password123!", 1, "Legacy pbkdf2 hex salt (Logto)");
	vok("Legacy", "[\"pbkdf2\",[\"hex:80ff00414243\",\"1000\",\"32\",\"sha256\",\"@\"],"
	    "\"75d87d232694f0918d8e1ae49bce5f0a665e862da3e23e8b3eddf368db16d2cf\"]",
	    "Password123", 0, "Legacy pbkdf2 hex salt, wrong");
	vok("Legacy", "[\"pbkdf2\",[\"hex:zz\",\"1000\",\"32\",\"sha256\",\"@\"],\"unused\"]",
	    "Password123!", 0, "Legacy pbkdf2 bad hex salt: no match");
	vok("Legacy", "[\"firebase-scrypt\",[\"42xEC+ixf3L2lw==\","
	    "\"jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==\","
	    "\"Bw==\",\"8\",\"14\",\"@\"],"
	    "\"lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==\"]",
	    "user1password", 1, "Legacy firebase-scrypt (Logto)");
	vok("Legacy", "[\"firebase-scrypt\",[\"42xEC+ixf3L2lw==\","
	    "\"jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==\","
	    "\"Bw==\",\"8\",\"14\",\"@\"],"
	    "\"lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==\"]",
	    "wrong-password", 0, "Legacy firebase-scrypt wrong (Logto)");
	/* URL-safe base64 (Admin SDK), unpadded, and rounds 0 meaning 8. */
	vok("Legacy", "[\"firebase-scrypt\",[\"42xEC-ixf3L2lw\","
	    "\"jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA\","
	    "\"Bw\",\"0\",\"14\",\"@\"],"
	    "\"lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==\"]",
	    "user1password", 1, "Legacy firebase-scrypt URL-safe, unpadded, r=0");
	vok("Legacy", "[\"firebase-scrypt\",[\"42xEC+ixf3L2lw==\","
	    "\"jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==\","
	    "\"Bw==\",\"8\",\"13\",\"@\"],"
	    "\"lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==\"]",
	    "user1password", 0, "Legacy firebase-scrypt other mem_cost");
	vok("Legacy", "[\"firebase-scrypt\",[\"42xEC+ixf3L2lw==\","
	    "\"jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==\","
	    "\"\",\"8\",\"14\",\"@\"],"
	    "\"lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==\"]",
	    "user1password", 0, "Legacy firebase-scrypt empty separator: no match");
	vover("Legacy", "[\"firebase-scrypt\",[\"42xEC+ixf3L2lw==\",\"jxsp\",\"Bw==\",\"8\",\"20\",\"@\"],\"x\"]",
	    "user1password", "Legacy firebase-scrypt over maxmem");
	vok("Legacy", "[\"firebase-scrypt\",[\"42xEC+ixf3L2lw==\",\"jxsp\",\"Bw==\",\"8\",\"x\",\"@\"],\"x\"]",
	    "user1password", 0, "Legacy firebase-scrypt NaN mem_cost: no match");
	vok("Legacy", "[\"firebase-scrypt\",[\"42xEC+ixf3L2lw==\",\"!!!!\",\"Bw==\",\"8\",\"4\",\"@\"],\"\"]",
	    "user1password", 0, "Legacy firebase-scrypt empty signer never matches");

	/* More vectors (Python hashlib / Node crypto). */
	vok("Legacy", "[\"pbkdf2\",[\"saltsalt\",\"4096\",\"20\",\"sha1\",\"@\"],"
	    "\"baf9a7b042dcdce2c91418a3ec63f8aa2819f8e2\"]", "password", 1,
	    "Legacy pbkdf2 text salt sha1");
	vok("Legacy", "[\"pbkdf2Sync\",[\"@\",\" 2abc\",\"16\",\"SHA512\",\"@\"],"
	    "\"2d1c8c6906964b1dadcf45f776714b4d\"]", "password", 1,
	    "Legacy pbkdf2Sync: @ salt, parseInt(' 2abc'), SHA512");
	vok("Legacy", "[\"pbkdf2\",[\"s\",\"1\",\"0\",\"sha256\",\"@\"],\"\"]", "password", 0,
	    "Legacy pbkdf2 keylen 0 never matches");
	vok("Legacy", "[\"pbkdf2\",[\"s\",\"0\",\"16\",\"sha256\",\"@\"],\"x\"]", "password", 0,
	    "Legacy pbkdf2 0 iterations: no match");
	vover("Legacy", "[\"pbkdf2\",[\"s\",\"99999999\",\"16\",\"sha256\",\"@\"],\"x\"]",
	    "password", "Legacy pbkdf2 iterations over the ceiling");
	vok("Legacy", "[\"pbkdf2\",[\"s\",\"1\",\"16\",\"nope\",\"@\"],\"x\"]", "password", 0,
	    "Legacy pbkdf2 unknown digest: no match");
	vok("Legacy", "[\"pbkdf2\",[\"s\",\"1\",\"16\",\"@\"],\"x\"]", "password", 0,
	    "Legacy pbkdf2 missing digest field: no match");
	vok("Legacy", "[\"sha3-256\",[\"salt\",\"@\"],"
	    "\"58f670391b2c713f46542110ecfabf7ac0bf47695ef318e7a3b4f6f7246c2758\"]",
	    "password", 1, "Legacy sha3-256");
	vok("Legacy", "[\"shake256\",[\"@\"],"
	    "\"a5ee08f8e3abe7d592f6de77f1d3298a1149eba68b97f091c90b7736a1be63ab\"]",
	    "password", 1, "Legacy shake256 (XOF, Node's default length)");
	vok("Legacy", "[\"RSA-SHA256\",[\"@\"],"
	    "\"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8\"]",
	    "password", 1, "Legacy RSA-SHA256 alias");
	vok("Legacy", "[\"md5\",[\"@\"],\"12841e4ba5e37d2fbfc78458c6714ade\"]",
	    "p\xc3\xa4ssw\xc3\xb6rd", 1, "Legacy md5 of UTF-8 password");
	vok("Legacy", "[\"sha256\",[\"a\\ud800b\",\"@\"],"
	    "\"aa5bca4193fbb3a19ab9007afd1e92340576193c487f70b5915cf9f3cf24c88a\"]",
	    "password", 1, "Legacy lone surrogate is U+FFFD");
	vok("Legacy", "[\"md5\",[\"@\"],\"5F4DCC3B5AA765D61D8327DEB882CF99\"]",
	    "password", 0, "Legacy compares the result exactly (uppercase fails)");
	vok("Legacy", "[\"md5\",[\"\\u0040\"],\"5f4dcc3b5aa765d61d8327deb882cf99\"]",
	    "password", 1, "Legacy \\u0040 part is the password");
	vok("Legacy", "[\"nope\",[\"@\"],\"5f4dcc3b5aa765d61d8327deb882cf99\"]",
	    "password", 0, "Legacy unknown algorithm: no match");
	vok("Legacy", "not json", "password", 0, "Legacy malformed: no match");
	(void)snprintf(d, sizeof(d), "[\"md5\",[\"@\",\"@\"],\"%s\"]",
	    "9dbb300e28bc21c8dab41b01883918eb");
	vok("Legacy", d, "password", 1, "Legacy two @ parts");
}

static void
test_helpers(void)
{
	unsigned char	 out[16];
	long long	 v = 0;
	char		 why[8];

	tap_int(pwv_js_parseint(" 1000abc", 8, &v), 0, "parseInt ' 1000abc'");
	tap_int(v, 1000, "parseInt ' 1000abc' = 1000");
	tap_int(pwv_js_parseint("\xc2\xa0\xe3\x80\x80-12", 8, &v), 0, "parseInt NBSP, ideographic space");
	tap_int(v, -12, "parseInt = -12");
	tap_int(pwv_js_parseint("+7", 2, &v), 0, "parseInt +7");
	tap_int(v, 7, "parseInt = 7");
	tap_int(pwv_js_parseint("abc", 3, &v), -1, "parseInt NaN");
	tap_int(pwv_js_parseint("-", 1, &v), -1, "parseInt lone sign NaN");
	tap_int(pwv_js_parseint("", 0, &v), -1, "parseInt empty NaN");
	tap_int(pwv_js_parseint("99999999999999999999999", 23, &v), 0, "parseInt huge");
	tap_ok(v > INT32_MAX, "parseInt huge saturates above INT32_MAX");
	tap_int((long long)pwv_b64_loose("ab!!cd=ef", 9, out), 3, "loose base64 skips junk, stops at =");
	tap_ok(out[0] == 0x69 && out[1] == 0xb7 && out[2] == 0x1d, "loose base64 bytes (as Node)");
	tap_int((long long)pwv_b64_loose("a", 1, out), 0, "loose base64 single char");
	tap_int(pwv_b64_strict("QQ", 2, out, sizeof(out)), 1, "strict base64 QQ");
	tap_int(pwv_b64_strict("QR", 2, out, sizeof(out)), -1, "strict base64 QR non-canonical");
	tap_int(pwv_b64_strict("QUFB", 4, out, 2), -1, "strict base64 over capacity");
	pwv_why(why, sizeof(why), "abcd\xc3\xa4\xc3\xb6", 8);
	tap_str(why, "abcd\xc3\xa4", "why cut at a UTF-8 boundary");
}

static void
test_misc(void)
{
	struct pw_params	 slowp = { 3, 65536, 1 };
	struct timespec		 a, b;
	double			 ms;
	int			 m = -1;

	vok("Nope", "5f4dcc3b5aa765d61d8327deb882cf99", "password", 0, "unknown method");
	tap_int(pw_verify(NULL, NULL, "password", 8, &m), USERCGI_OK, "no password: OK");
	tap_int(m, 0, "no password: no match");
	tap_int(pw_verify("MD5", NULL, "password", 8, &m), USERCGI_OK, "NULL digest: OK");
	tap_int(m, 0, "NULL digest: no match");
	tap_int(pw_verify("MD5", "", "", 0, &m), USERCGI_OK, "empty digest: OK");
	tap_int(m, 0, "empty digest never matches the empty password");

	tap_int(pw_check_password(NULL, "MD5", "5f4dcc3b5aa765d61d8327deb882cf99",
	    "password", 8, &m), USERCGI_OK, "check_password MD5 right");
	tap_int(m, 1, "check_password MD5 right: match");
	clock_gettime(CLOCK_MONOTONIC, &a);
	tap_int(pw_check_password(&slowp, "MD5", "5f4dcc3b5aa765d61d8327deb882cf99",
	    "wrong", 5, &m), USERCGI_OK, "check_password MD5 wrong");
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	tap_int(m, 0, "check_password MD5 wrong: no match");
	tap_ok(ms > 20.0, "check_password MD5 wrong: the decoy ran (> 20 ms)");
	clock_gettime(CLOCK_MONOTONIC, &a);
	tap_int(pw_check_password(&slowp, NULL, NULL, "x", 1, &m), USERCGI_OK,
	    "check_password no password");
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	tap_ok(m == 0 && ms > 20.0, "check_password no password: decoy ran, no match");

	tap_int(pw_needs_upgrade("MD5", "x"), 1, "upgrade MD5");
	tap_int(pw_needs_upgrade("Argon2id", "$argon2id$v=19$m=16"), 1, "upgrade Argon2id");
	tap_int(pw_needs_upgrade("Argon2i", "$argon2i$v=19$m=8192"), 0, "Argon2i stays");
	tap_int(pw_needs_upgrade("Argon2i", "$argon2id$v=19$m=8192"), 1,
	    "Argon2i label on argon2id string upgrades");
	tap_int(pw_needs_upgrade("Legacy", "[]"), 1, "upgrade Legacy");
	tap_int(pw_needs_upgrade("Crypt", "$y$"), 1, "upgrade Crypt");
	tap_int(pw_needs_upgrade(NULL, NULL), 0, "no password: nothing to upgrade");
}

/* The PHC string of an Argon2 digest with these parameters (static). */
static const char *
phc(const char *v, unsigned long long m, unsigned long long t,
    unsigned long long p)
{
	static char	buf[4][256];
	static int	k;
	char		*d = buf[k++ % 4];

	(void)snprintf(d, 256, "$%s$v=19$m=%llu,t=%llu,p=%llu"
	    "$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
	    v, m, t, p);
	return d;
}

/* setting followed by n copies of 'a' (a crypt hash part; static). */
static const char *
crypts(const char *setting, size_t n)
{
	static char	buf[4][512];
	static int	k;
	char		*d = buf[k++ % 4];
	size_t		 len = strlen(setting);

	memcpy(d, setting, len);
	memset(d + len, 'a', n);
	d[len + n] = '\0';
	return d;
}

/* A Legacy pbkdf2 digest (static). */
static const char *
pbkdf2(unsigned long long iter, unsigned keylen, const char *md)
{
	static char	buf[4][256];
	static int	k;
	char		*d = buf[k++ % 4];

	(void)snprintf(d, 256, "[\"pbkdf2\",[\"saltsalt\",\"%llu\",\"%u\","
	    "\"%s\",\"@\"],\"x\"]", iter, keylen, md);
	return d;
}

/* A Legacy firebase-scrypt digest with rounds r and memCost mc (static). */
static const char *
firebase(unsigned r, unsigned mc)
{
	static char	buf[4][256];
	static int	k;
	char		*d = buf[k++ % 4];

	(void)snprintf(d, 256, "[\"firebase-scrypt\",[\"c2FsdA==\",\"c2lnbmVy\","
	    "\"Bw==\",\"%u\",\"%u\",\"@\"],\"x\"]", r, mc);
	return d;
}

/* A bsdicrypt setting with count n, and a hash (static). */
static const char *
bsdi(unsigned long n)
{
	static char	buf[2][32];
	static int	k;
	char		*d = buf[k++ % 2];
	int		 i;

	d[0] = '_';
	for (i = 0; i < 4; i++)
		d[1 + i] = pwv_itoa64[(n >> (6 * i)) & 0x3f];
	(void)snprintf(d + 5, 27, "salt%s", "aaaaaaaaaaa");
	return d;
}

/*
 * The hostile digests of issue 12 item 1: each refused at import with
 * the limit named, fast (nothing hashed), and never run at verify.
 */
static void
test_ceiling_hostile(void)
{
	static const char bc[] = "abcdefghijklmnopqrstuug0OUKUqE.qhcPP5WFBspJsURh9Qomw.";
	static const struct {
		const char	*alg, *digest, *why, *name;
	} h[] = {
		{ "Crypt", "$6$rounds=999999999$saltsalt$", "rounds=999999999 is "
		    "above usercgi's ceiling of rounds=974658 (digest_max_ms = 1000)",
		    "$6$rounds=999999999" },
		{ "Crypt", "$7$CU......../saltsalt$", "N=16384, r=32, p=16777216 "
		    "is above usercgi's ceiling of 256 MiB (digest_max_mib = 256)",
		    "$7$ p=2^24" },
		{ "Crypt", "$y$jJT$saltsaltsaltsalt$", "N=4194304, r=32, p=1 is "
		    "above usercgi's ceiling of 256 MiB (digest_max_mib = 256)",
		    "$y$ N=2^22" },
		{ "Crypt", "$gy$jJT$saltsaltsaltsalt$", "N=4194304, r=32, p=1 is "
		    "above usercgi's ceiling of 256 MiB (digest_max_mib = 256)",
		    "$gy$ N=2^22" },
		{ "Crypt", "$sha1$4294967295$saltsalt$", "iterations 4294967295 "
		    "is above usercgi's ceiling of iterations 495049 "
		    "(digest_max_ms = 1000)", "$sha1$ 4294967295" },
		{ "Crypt", "$md5,rounds=4294963199$saltsalt$$", "rounds=4294963199 "
		    "is above usercgi's ceiling of rounds=522219 (digest_max_ms = "
		    "1000)", "SunMD5 rounds=4294963199" },
		{ "Crypt", "$y$jDT/0$saltsaltsaltsalt$", "N=65536, r=32, p=1 is "
		    "above usercgi's ceiling of N*r*p=961538 (digest_max_ms = 1000)",
		    "$y$ 256 MiB with t=3" },
	};
	char		 d[512], b[128], why[256];
	size_t		 i;
	struct timespec	 a;

	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		(void)snprintf(d, sizeof(d), "%s", crypts(h[i].digest,
		    h[i].digest[1] == '6' ? 86 : h[i].digest[1] == 's' ? 28 :
		    h[i].digest[1] == 'm' ? 22 : 43));
		clock_gettime(CLOCK_MONOTONIC, &a);
		imp(h[i].alg, d, USERCGI_PW_DIGEST_INVALID, h[i].why, h[i].name);
		(void)snprintf(why, sizeof(why), "%s: import fast", h[i].name);
		tap_ok(since_ms(&a) < 100.0, why);
		vover(h[i].alg, d, "password", h[i].name);
	}
	(void)snprintf(d, sizeof(d), "%s", bsdi(16777215));
	imp("Crypt", d, USERCGI_PW_DIGEST_INVALID, "count 16777215 is above "
	    "usercgi's ceiling of count 5000000 (digest_max_ms = 1000)",
	    "bsdicrypt count 2^24-1");
	vover("Crypt", d, "password", "bsdicrypt count 2^24-1");

	(void)snprintf(b, sizeof(b), "$2b$31$%s", bc);
	imp("Bcrypt", b, USERCGI_PW_DIGEST_INVALID, "cost 31 is above usercgi's "
	    "ceiling of cost 13 (digest_max_ms = 1000)", "Bcrypt cost 31");
	vover("Bcrypt", b, "password", "Bcrypt cost 31");
	imp("Crypt", b, USERCGI_PW_DIGEST_INVALID, "cost 31 is above usercgi's "
	    "ceiling of cost 13 (digest_max_ms = 1000)", "Crypt $2b$31$");
	vover("Crypt", b, "password", "Crypt $2b$31$");

	imp("Argon2id", phc("argon2id", 1048576, 64, 64),
	    USERCGI_PW_DIGEST_INVALID, "p=64 is above usercgi's ceiling of p=16",
	    "Argon2id m=1048576,t=64,p=64");
	vover("Argon2id", phc("argon2id", 1048576, 64, 64), "password",
	    "Argon2id m=1048576,t=64,p=64");
	imp("Argon2id", phc("argon2id", 1048576, 2, 1),
	    USERCGI_PW_DIGEST_INVALID, "m=1048576 is above usercgi's ceiling "
	    "of m=262144 (digest_max_mib = 256)", "Argon2id m=1048576,t=2");
	vover("Argon2id", phc("argon2id", 1048576, 2, 1), "password",
	    "Argon2id m=1048576,t=2");
	imp("Argon2i", phc("argon2i", 262144, 64, 1), USERCGI_PW_DIGEST_INVALID,
	    "t=64 is above usercgi's ceiling of t=3 at m=262144 (digest_max_ms "
	    "= 1000)", "Argon2i m=262144,t=64");

	imp("Legacy", pbkdf2(100000, 1024, "sha256"), USERCGI_PW_DIGEST_INVALID,
	    "iterations*blocks=100000*32 is above usercgi's ceiling of 1333333 "
	    "for SHA256 (digest_max_ms = 1000)", "pbkdf2 100000 x 1024 bytes");
	vover("Legacy", pbkdf2(100000, 1024, "sha256"), "password",
	    "pbkdf2 100000 x 1024 bytes");
	imp("Legacy", "[\"pbkdf2\",[\"s\",\"@\",\"32\",\"sha256\"],\"x\"]",
	    USERCGI_OK, "", "pbkdf2 iterations from the password: checked at "
	    "verify");
	vover("Legacy", "[\"pbkdf2\",[\"s\",\"@\",\"32\",\"sha256\"],\"x\"]",
	    "100000000", "pbkdf2 iterations from the password");
	imp("Legacy", firebase(8, 20), USERCGI_PW_DIGEST_INVALID,
	    "N=1048576, r=8, p=1 is above usercgi's ceiling of 32 MiB (Node's "
	    "scrypt maxmem)", "firebase-scrypt memCost 20");
}

/*
 * Exactly at each ceiling is accepted, one step above refused: at the
 * defaults where the import check hashes nothing (Bcrypt, Argon2,
 * Legacy), with a 40 ms / 8 MiB ceiling for Crypt, whose import check
 * hashes once.  Then a lowered ceiling refuses a stored digest at verify,
 * and a long password turns a sha512crypt digest within the ceiling at
 * import into one above it.
 */
static void
test_ceiling_bounds(void)
{
	static const char bc[] = "abcdefghijklmnopqrstuug0OUKUqE.qhcPP5WFBspJsURh9Qomw.";
	char		 d[512], pw[600];
	uint64_t	 n;
	int		 m;

	(void)snprintf(d, sizeof(d), "$2b$13$%s", bc);
	imp("Bcrypt", d, USERCGI_OK, NULL, "Bcrypt cost 13 at the ceiling");
	(void)snprintf(d, sizeof(d), "$2b$14$%s", bc);
	imp("Bcrypt", d, USERCGI_PW_DIGEST_INVALID, NULL, "Bcrypt cost 14 above");
	imp("Argon2id", phc("argon2id", 262144, 3, 1), USERCGI_OK, NULL,
	    "Argon2id m=262144,t=3 (libsodium's MODERATE) at the ceiling");
	imp("Argon2id", phc("argon2id", 262144, 4, 1),
	    USERCGI_PW_DIGEST_INVALID, NULL, "Argon2id m=262144,t=4 above");
	imp("Argon2d", phc("argon2d", 262144, 1, 1), USERCGI_OK, NULL,
	    "Argon2d m=262144,t=1 at the ceiling");
	imp("Argon2d", phc("argon2d", 262144, 2, 1), USERCGI_PW_DIGEST_INVALID,
	    "t=2 is above usercgi's ceiling of t=1 at m=262144 (digest_max_ms "
	    "= 1000)", "Argon2d m=262144,t=2 above");
	imp("Argon2d", phc("argon2d", 262145, 1, 1), USERCGI_PW_DIGEST_INVALID,
	    NULL, "Argon2d m=262145 above");
	imp("Argon2id", phc("argon2id", 262144, 1, 16), USERCGI_OK, NULL,
	    "Argon2id p=16 at the ceiling");
	imp("Argon2id", phc("argon2id", 262144, 1, 17),
	    USERCGI_PW_DIGEST_INVALID, NULL, "Argon2id p=17 above");
	imp("Argon2i", phc("argon2i", 65536, 3, 4), USERCGI_OK, NULL,
	    "Argon2i RFC 9106 second recommendation");
	imp("Argon2id", phc("argon2id", 47104, 1, 1), USERCGI_OK, NULL,
	    "Argon2id OWASP m=47104,t=1");
	imp("Legacy", pbkdf2(1333333, 32, "sha256"), USERCGI_OK, NULL,
	    "pbkdf2 sha256 1333333 at the ceiling");
	imp("Legacy", pbkdf2(1333334, 32, "sha256"), USERCGI_PW_DIGEST_INVALID,
	    NULL, "pbkdf2 sha256 1333334 above");
	imp("Legacy", pbkdf2(1300000, 20, "sha1"), USERCGI_OK, NULL,
	    "pbkdf2 sha1 OWASP 1300000");
	imp("Legacy", pbkdf2(41666, 1024, "sha256"), USERCGI_OK, NULL,
	    "pbkdf2 sha256 41666 x 32 blocks at the ceiling");
	imp("Legacy", pbkdf2(41667, 1024, "sha256"), USERCGI_PW_DIGEST_INVALID,
	    NULL, "pbkdf2 sha256 41667 x 32 blocks above");
	imp("Legacy", pbkdf2(500000, 64, "sha512"), USERCGI_OK, NULL,
	    "pbkdf2 sha512 500000 at the ceiling");
	imp("Legacy", pbkdf2(500001, 64, "sha512"), USERCGI_PW_DIGEST_INVALID,
	    NULL, "pbkdf2 sha512 500001 above");
	imp("Legacy", firebase(8, 14), USERCGI_OK, NULL,
	    "firebase-scrypt r=8 memCost=14 (Firebase's)");
	imp("Legacy", firebase(15, 14), USERCGI_OK, NULL,
	    "firebase-scrypt r=15 memCost=14 at the ceiling");
	imp("Legacy", firebase(16, 14), USERCGI_PW_DIGEST_INVALID, NULL,
	    "firebase-scrypt r=16 memCost=14 above");

	pw_set_digest_ceiling(40, 8);
	(void)snprintf(d, sizeof(d), "$2b$09$%s", bc);
	imp("Crypt", d, USERCGI_OK, NULL, "40 ms: $2b$09$ at the ceiling");
	(void)snprintf(d, sizeof(d), "$2b$10$%s", bc);
	imp("Crypt", d, USERCGI_PW_DIGEST_INVALID, "cost 10 is above usercgi's "
	    "ceiling of cost 9 (digest_max_ms = 40)", "40 ms: $2b$10$ above");
	n = pwv_most(PWV_NS_SHA256C + PWV_NS_SHA256C_B * PWV_COST_PWLEN);
	(void)snprintf(d, sizeof(d), "$5$rounds=%llu$saltsalt$",
	    (unsigned long long)n);
	imp("Crypt", crypts(d, 43), USERCGI_OK, NULL, "40 ms: $5$ at the ceiling");
	(void)snprintf(d, sizeof(d), "$5$rounds=%llu$saltsalt$",
	    (unsigned long long)n + 1);
	imp("Crypt", crypts(d, 43), USERCGI_PW_DIGEST_INVALID, NULL,
	    "40 ms: $5$ above");
	n = pwv_most(PWV_NS_SHA512C + PWV_NS_SHA512C_B * PWV_COST_PWLEN);
	(void)snprintf(d, sizeof(d), "$6$rounds=%llu$saltsalt$",
	    (unsigned long long)n);
	imp("Crypt", crypts(d, 86), USERCGI_OK, NULL, "40 ms: $6$ at the ceiling");
	memset(pw, 'p', sizeof(pw));
	tap_int(pw_verify("Crypt", crypts(d, 86), pw, PWV_COST_PWLEN, &m),
	    USERCGI_OK, "40 ms: $6$ at the ceiling runs for 64 bytes");
	tap_int(pw_verify("Crypt", crypts(d, 86), pw, 511, &m),
	    USERCGI_PW_DIGEST_INVALID, "40 ms: $6$ at the ceiling not run for 511 bytes");
	(void)snprintf(d, sizeof(d), "$6$rounds=%llu$saltsalt$",
	    (unsigned long long)n + 1);
	imp("Crypt", crypts(d, 86), USERCGI_PW_DIGEST_INVALID, NULL,
	    "40 ms: $6$ above");
	n = pwv_most(PWV_NS_SHA1C + PWV_NS_SHA1C_B * PWV_COST_PWLEN);
	(void)snprintf(d, sizeof(d), "$sha1$%llu$saltsalt$", (unsigned long long)n);
	imp("Crypt", crypts(d, 28), USERCGI_OK, NULL, "40 ms: $sha1$ at the ceiling");
	(void)snprintf(d, sizeof(d), "$sha1$%llu$saltsalt$",
	    (unsigned long long)n + 1);
	imp("Crypt", crypts(d, 28), USERCGI_PW_DIGEST_INVALID, NULL,
	    "40 ms: $sha1$ above");
	n = pwv_most(PWV_NS_SUNMD5) - 4096;
	(void)snprintf(d, sizeof(d), "$md5,rounds=%llu$saltsalt$$",
	    (unsigned long long)n);
	imp("Crypt", crypts(d, 22), USERCGI_OK, NULL, "40 ms: SunMD5 at the ceiling");
	(void)snprintf(d, sizeof(d), "$md5,rounds=%llu$saltsalt$$",
	    (unsigned long long)n + 1);
	imp("Crypt", crypts(d, 22), USERCGI_PW_DIGEST_INVALID, NULL,
	    "40 ms: SunMD5 above");
	imp("Crypt", bsdi(199999), USERCGI_OK, NULL, "40 ms: bsdicrypt 199999");
	imp("Crypt", bsdi(200001), USERCGI_PW_DIGEST_INVALID, NULL,
	    "40 ms: bsdicrypt 200001 above");
	imp("Crypt", crypts("$7$9U..../....saltsalt$", 43), USERCGI_OK, NULL,
	    "8 MiB: $7$ N=2^11, r=32 at the ceiling");
	imp("Crypt", crypts("$7$9V..../....saltsalt$", 43),
	    USERCGI_PW_DIGEST_INVALID, "N=2048, r=33, p=1 is above usercgi's "
	    "ceiling of 8 MiB (digest_max_mib = 8)", "8 MiB: $7$ r=33 above");
	imp("Crypt", crypts("$y$j8T$saltsaltsaltsalt$", 43), USERCGI_OK, NULL,
	    "8 MiB: $y$ N=2^11, r=32 at the ceiling");
	imp("Crypt", crypts("$y$j9T$saltsaltsaltsalt$", 43),
	    USERCGI_PW_DIGEST_INVALID, NULL,
	    "8 MiB: $y$ j9T (libxcrypt's default) above");
	vover("Crypt", crypts("$y$j9T$saltsaltsaltsalt$", 43), "password",
	    "8 MiB: a stored $y$ j9T");
	pw_set_digest_ceiling(PW_DIGEST_MAX_MS, PW_DIGEST_MAX_MIB);
	imp("Crypt", crypts("$y$j9T$saltsaltsaltsalt$", 43), USERCGI_OK, NULL,
	    "defaults: $y$ j9T");
}

/* A slow verify in a thread: a $5$ digest at the 40 ms ceiling. */
struct slow_arg {
	const char		*digest;
	enum usercgi_err	 rc;
};

static void *
slow_main(void *p)
{
	struct slow_arg	*a = p;
	int		 m;

	a->rc = pw_verify("Crypt", a->digest, "password", 8, &m);
	return NULL;
}

/* Waits up to 10 s until run slow hashes run and wait wait. */
static int
gate_until(unsigned run, unsigned wait)
{
	struct timespec	a, nap = { 0, 1000000 };
	unsigned	r, w;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (;;) {
		pthread_mutex_lock(&pwv_gate_mu);
		r = pwv_gate_run;
		w = pwv_gate_wait;
		pthread_mutex_unlock(&pwv_gate_mu);
		if (r == run && w == wait)
			return 1;
		if (since_ms(&a) > 10000.0)
			return 0;
		nanosleep(&nap, NULL);
	}
}

/*
 * pw_set_slow_limit(1, 1): while one slow verify runs and one waits, a
 * third is USERCGI_BUSY at once; the first two complete.  A cheap
 * method (MD5) never takes a turn.
 */
static void
test_slow_gate(void)
{
	struct slow_arg	 a[2];
	pthread_t	 th[2];
	struct timespec	 t0;
	char		 d[128], why[128];
	enum usercgi_err rc;
	int		 i, m;

	(void)snprintf(d, sizeof(d), "%s", crypts("$5$rounds=400000$saltsalt$",
	    43));
	pw_set_slow_limit(1, 1);
	for (i = 0; i < 2; i++) {
		a[i].digest = d;
		a[i].rc = USERCGI_INTERNAL;
		if (pthread_create(&th[i], NULL, slow_main, &a[i]) != 0) {
			tap_ok(0, "slow gate: pthread_create");
			return;
		}
		tap_ok(gate_until(1, (unsigned)i), "slow gate: a verify runs "
		    "or waits");
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = pw_verify("Crypt", d, "password", 8, &m);
	tap_ok(rc == USERCGI_BUSY && m == 0 && since_ms(&t0) < 50.0,
	    "slow gate: a third verify is busy at once");
	rc = pw_check_password(NULL, "Crypt", d, "password", 8, &m);
	tap_int(rc, USERCGI_BUSY, "slow gate: check_password busy too");
	tap_int(pw_check_import("Crypt", d, why, sizeof(why)), USERCGI_BUSY,
	    "slow gate: a Crypt import check is busy too");
	rc = pw_verify("MD5", "5f4dcc3b5aa765d61d8327deb882cf99", "password",
	    8, &m);
	tap_ok(rc == USERCGI_OK && m == 1, "slow gate: MD5 takes no turn");
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		tap_int(a[i].rc, USERCGI_OK, "slow gate: a queued verify ran");
	}
	tap_ok(gate_until(0, 0), "slow gate: every turn given back");
	pw_set_slow_limit(0, 0);
}

int
main(void)
{
	log_setup(LOG_LVL_ERR, "test_pw_verify");
	test_spec_vectors();
	test_hex_import();
	test_argon2();
	test_crypt();
	test_bcrypt();
	test_legacy_import();
	test_legacy_verify();
	test_helpers();
	test_misc();
	test_ceiling_hostile();
	test_ceiling_bounds();
	test_slow_gate();
	return tap_done();
}
