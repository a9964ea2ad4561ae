/*
 * pw_verify.c: imported password digests (create-user.md §2 check 9, §4).
 *
 * At import, pw_check_import refuses what Logto refuses (Legacy) and, more
 * strictly than Logto, any digest that could never verify.  Later,
 * pw_verify checks a password against a stored digest of any method:
 *   MD5 SHA1 SHA256  unsalted lowercase hex of the password (OpenSSL EVP);
 *   Argon2i/id/d     PHC string parsed here, variant from its own prefix,
 *                    raw hash recomputed with pw_argon2_raw (pw.h);
 *   Bcrypt           $2a$ $2b$ $2x$ $2y$ through libxcrypt crypt_rn;
 *   Legacy           Logto's JSON ["<alg>", [parts, "@"...], "<result>"]
 *                    with an OpenSSL digest, pbkdf2/pbkdf2Sync or
 *                    firebase-scrypt (scrypt + AES-256-CTR);
 *   Crypt            (usercgi) any crypt(3) string libxcrypt supports.
 * Every comparison of a computed value with the stored one is
 * constant-time (CRYPTO_memcmp) once the lengths agree.
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "buf.h"
#include "log.h"
#include "pw.h"
#include "pw_verify.h"
#include "utf8.h"

#define PWV_DIGEST_MAX		4096	/* bytes; longer stored digests never verify */
#define PWV_BCRYPT_PW_MAX	72	/* bcrypt reads at most 72 bytes */
#define PWV_B64_MAX		256	/* decoded bytes of an Argon2 salt or hash */
#define PWV_PBKDF2_KEY_MAX	1024LL	/* bytes of a Legacy pbkdf2 key */
#define PWV_SCRYPT_MAXMEM	(32UL << 20)	/* Node's crypto.scrypt default */
#define PWV_SCRYPT_KEYLEN	32
#define PWV_SCRYPT_EXTRA	3	/* OpenSSL's scrypt holds 128 * r * (N + 2 + p) */

static const char pwv_bf64[] =
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char pwv_std64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* A counted string inside a decoded Legacy digest (NUL-terminated too). */
struct pwv_str {
	const char	*p;
	size_t		 n;
};

/* A parsed Legacy digest; everything points into mem. */
struct pwv_legacy {
	char		*mem;	/* decoded strings, owned */
	struct pwv_str	*args;	/* owned */
	size_t		 nargs;
	struct pwv_str	 alg;
	struct pwv_str	 enc;
};

enum pwv_legacy_kind { PWV_LK_UNKNOWN, PWV_LK_DIGEST, PWV_LK_PBKDF2,
	PWV_LK_FIREBASE };

/* A parsed Argon2 PHC string. */
struct pwv_phc {
	enum pw_argon2_type type;
	uint32_t	 m, t, p;
	unsigned char	 salt[PWV_B64_MAX];
	size_t		 saltlen;
	unsigned char	 hash[PWV_B64_MAX];
	size_t		 hashlen;
};

/*
 * Cost ceilings (pw_set_digest_ceiling; SECURITY.md "Cost ceilings").
 * A digest's cost is estimated from its parameters before anything is
 * hashed: CPU nanoseconds from the unit costs below, measured with
 * bench/digest-cost.c on the benchmark machine (2-core AMD EPYC) and
 * rounded up, and the memory the method allocates.  For the methods
 * whose work grows with the password (sha256crypt, sha512crypt,
 * sha1crypt) the import check assumes a password of PWV_COST_PWLEN
 * bytes and the verify uses the real length.
 */
#define PWV_COST_PWLEN		64
#define PWV_NS_BCRYPT		68000u	/* one unit of 2^cost */
#define PWV_NS_SHA256C		500u	/* one round, + per password byte: */
#define PWV_NS_SHA256C_B	12u
#define PWV_NS_SHA512C		450u
#define PWV_NS_SHA512C_B	9u
#define PWV_NS_SHA1C		1700u	/* one iteration, + per byte: */
#define PWV_NS_SHA1C_B		5u
#define PWV_NS_SUNMD5		1900u	/* one round (4096 + rounds=) */
#define PWV_NS_BSDI		200u	/* one DES iteration */
#define PWV_NS_SCRYPT7		400u	/* one N * r * p, libxcrypt ($7$) */
#define PWV_NS_SCRYPT		550u	/* one N * r, OpenSSL (firebase-scrypt) */
#define PWV_NS_YESCRYPT		260u	/* one N * r * p * (t + 1) */
#define PWV_NS_ARGON2_SODIUM	1200u	/* one KiB * pass, libsodium */
#define PWV_NS_ARGON2_REF	2100u	/* one KiB * pass, libargon2 */
#define PWV_NS_PBKDF2_FAST	750u	/* iteration * block: MD5 SHA-1 SHA-224/256 */
#define PWV_NS_PBKDF2		2000u	/* iteration * block: any other digest */
#define PWV_ARGON2_P_CEIL	16u	/* lanes (threads) of one verify */

static uint64_t	pwv_ceil_ns = PW_DIGEST_MAX_MS * UINT64_C(1000000);
static uint64_t	pwv_ceil_bytes = (uint64_t)PW_DIGEST_MAX_MIB << 20;
static unsigned	pwv_ceil_ms = PW_DIGEST_MAX_MS;
static unsigned	pwv_ceil_mib = PW_DIGEST_MAX_MIB;

static const char pwv_itoa64[] =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void
pw_set_digest_ceiling(unsigned max_ms, unsigned max_mib)
{
	pwv_ceil_ms = max_ms < 1 ? 1 : max_ms;
	pwv_ceil_mib = max_mib < 1 ? 1 : max_mib > 4096 ? 4096 : max_mib;
	pwv_ceil_ns = pwv_ceil_ms * UINT64_C(1000000);
	pwv_ceil_bytes = (uint64_t)pwv_ceil_mib << 20;
}

/* a * b, saturated at UINT64_MAX. */
static uint64_t
pwv_mul(uint64_t a, uint64_t b)
{
	if (a != 0 && b > UINT64_MAX / a)
		return UINT64_MAX;
	return a * b;
}

/* a + b, saturated at UINT64_MAX. */
static uint64_t
pwv_add(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

/* The most units of unit nanoseconds within the time ceiling. */
static uint64_t
pwv_most(uint64_t unit)
{
	return pwv_ceil_ns / (unit > 0 ? unit : 1);
}

/*
 * Writes the reason "<what> is above usercgi's ceiling of <limit>
 * (<key> = <value>)" to msg (msglen > 0 bytes; a longer one is cut, as
 * the client's message is) and returns msg.  memory: 0 for the time
 * ceiling, 1 for the memory ceiling, 2 for Node's scrypt maxmem.
 */
static const char *
pwv_over(char *msg, size_t msglen, const char *what, const char *limit,
    int memory)
{
	char	key[48];

	if (memory == 2)
		(void)snprintf(key, sizeof(key), "Node's scrypt maxmem");
	else
		(void)snprintf(key, sizeof(key), "digest_max_%s = %u",
		    memory ? "mib" : "ms", memory ? pwv_ceil_mib : pwv_ceil_ms);
	if (snprintf(msg, msglen, "%s is above usercgi's ceiling of %s (%s)",
	    what, limit, key) < 0)
		msg[0] = '\0';
	return msg;
}

/* As pwv_over for a count: "<name>N" above "<name>limit". */
static const char *
pwv_over_n(char *msg, size_t msglen, const char *name, uint64_t n,
    uint64_t limit)
{
	char	what[64], lim[64];

	(void)snprintf(what, sizeof(what), "%s%llu", name,
	    (unsigned long long)n);
	(void)snprintf(lim, sizeof(lim), "%s%llu", name,
	    (unsigned long long)limit);
	return pwv_over(msg, msglen, what, lim, 0);
}

/* Index of c in crypt's itoa64 alphabet, or -1. */
static int
pwv_a64(char c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(pwv_itoa64, c)) == NULL)
		return -1;
	return (int)(p - pwv_itoa64);
}

/* n little-endian itoa64 characters at s as a number; -1 when not itoa64. */
static long long
pwv_a64n(const char *s, int n)
{
	long long	v = 0;
	int		i, c;

	for (i = 0; i < n; i++) {
		if ((c = pwv_a64(s[i])) < 0)
			return -1;
		v |= (long long)c << (6 * i);
	}
	return v;
}

/*
 * yescrypt's variable-length number (decode64_uint32 of its encoding):
 * the first character tells how many follow.  Advances *sp; returns 0,
 * or -1 when malformed.
 */
static int
pwv_y64(const char **sp, uint32_t min, uint64_t *dst)
{
	const char	*s = *sp;
	uint64_t	 start = 0, end = 47, chars = 1, bits = 0, v;
	int		 c;

	if ((c = pwv_a64(*s++)) < 0)
		return -1;
	v = min;
	while ((uint64_t)c > end) {
		v += (end + 1 - start) << bits;
		start = end + 1;
		end = start + (62 - end) / 2;
		chars++;
		bits += 6;
	}
	v += ((uint64_t)c - start) << bits;
	while (--chars) {
		if ((c = pwv_a64(*s++)) < 0)
			return -1;
		v += (uint64_t)c << bits;
		bits += 6;
	}
	*dst = v;
	*sp = s;
	return 0;
}

/*
 * The ceilings of a scrypt-like hash: memory 128 * r * (N * p + extra)
 * bytes, time N * r * p * tf units of unit ns.  Returns NULL or the
 * reason in msg.
 */
static const char *
pwv_scrypt_over(uint64_t n, uint64_t r, uint64_t p, uint64_t tf,
    uint64_t extra, uint64_t unit, uint64_t maxmem, char *msg, size_t msglen)
{
	char		what[96], lim[32];
	uint64_t	nrp = pwv_mul(pwv_mul(n, r), p);

	(void)snprintf(what, sizeof(what), "N=%llu, r=%llu, p=%llu",
	    (unsigned long long)n, (unsigned long long)r,
	    (unsigned long long)p);
	if (pwv_mul(pwv_mul(pwv_add(pwv_mul(n, p), extra), r), 128) > maxmem) {
		(void)snprintf(lim, sizeof(lim), "%llu MiB",
		    (unsigned long long)(maxmem >> 20));
		return pwv_over(msg, msglen, what, lim,
		    maxmem < pwv_ceil_bytes ? 2 : 1);
	}
	if (pwv_mul(nrp, tf) > pwv_most(unit)) {
		(void)snprintf(lim, sizeof(lim), "N*r*p=%llu",
		    (unsigned long long)(pwv_most(unit) / tf));
		return pwv_over(msg, msglen, what, lim, 0);
	}
	return NULL;
}

/*
 * yescrypt and gost-yescrypt parameters after "$y$" or "$gy$" (the
 * encoding of libxcrypt's yescrypt_encode_params): flavor, log2 N, r,
 * then optionally a bit set and p, t, g, NROM.  An upgrade count g or a
 * ROM is refused: usercgi does not bound them.
 */
static const char *
pwv_yescrypt_over(const char *s, char *msg, size_t msglen)
{
	uint64_t	flavor, nlog, r, have = 0, p = 1, t = 0, g = 0, rom;

	if (pwv_y64(&s, 0, &flavor) != 0 || pwv_y64(&s, 1, &nlog) != 0 ||
	    nlog > 63 || pwv_y64(&s, 1, &r) != 0)
		return "malformed yescrypt parameters";
	if (*s != '$') {
		if (pwv_y64(&s, 1, &have) != 0 || have == 0 || have > 15 ||
		    ((have & 1) && pwv_y64(&s, 2, &p) != 0) ||
		    ((have & 2) && pwv_y64(&s, 1, &t) != 0) ||
		    ((have & 4) && pwv_y64(&s, 1, &g) != 0) ||
		    ((have & 8) && pwv_y64(&s, 1, &rom) != 0))
			return "malformed yescrypt parameters";
	}
	if (*s != '$')
		return "malformed yescrypt parameters";
	if (g != 0 || (have & 8))
		return "yescrypt upgrades (g) and ROMs are not supported";
	return pwv_scrypt_over((uint64_t)1 << nlog, r, p, t + 1, 0,
	    PWV_NS_YESCRYPT, pwv_ceil_bytes, msg, msglen);
}

/*
 * The decimal number at s ending at a character of ends; 0 with *v, or
 * -1 when there is none or it does not fit in 64 bits.
 */
static int
pwv_dec(const char *s, const char *ends, uint64_t *v)
{
	const char	*q;

	*v = 0;
	for (q = s; *q >= '0' && *q <= '9'; q++) {
		if (*v > (UINT64_MAX - 9) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(*q - '0');
	}
	return q == s || *q == '\0' || strchr(ends, *q) == NULL ? -1 : 0;
}

/*
 * The cost ceilings of a crypt(3) string s whose method libxcrypt
 * supports, for a password of pwlen bytes, from its setting (crypt(5)).
 * Returns NULL when within, or the reason (in msg, or static).  A
 * method whose cost usercgi cannot read is refused.
 */
static const char *
pwv_crypt_over(const char *s, size_t pwlen, char *msg, size_t msglen)
{
	uint64_t	 v, per, most;
	long long	 cnt, n, r, p;
	int		 c;

	if (pwlen > CRYPT_MAX_PASSPHRASE_SIZE)
		pwlen = CRYPT_MAX_PASSPHRASE_SIZE;
	if (s[0] == '$' && s[1] == '2') {
		if (strlen(s) < 7 || s[4] < '0' || s[4] > '9' || s[5] < '0' ||
		    s[5] > '9')
			return "malformed cost";
		c = (s[4] - '0') * 10 + (s[5] - '0');
		for (most = 0; most < 31 &&
		    ((uint64_t)1 << (most + 1)) <= pwv_most(PWV_NS_BCRYPT);)
			most++;
		return (uint64_t)c > most ? pwv_over_n(msg, msglen, "cost ",
		    (uint64_t)c, most) : NULL;
	}
	if (strncmp(s, "$5$", 3) == 0 || strncmp(s, "$6$", 3) == 0) {
		v = 5000;
		if (strncmp(s + 3, "rounds=", 7) == 0 &&
		    pwv_dec(s + 10, "$", &v) != 0)
			return "malformed rounds";
		if (v < 1000)
			v = 1000;
		per = s[1] == '5' ? PWV_NS_SHA256C + PWV_NS_SHA256C_B * pwlen :
		    PWV_NS_SHA512C + PWV_NS_SHA512C_B * pwlen;
		return v > pwv_most(per) ? pwv_over_n(msg, msglen, "rounds=",
		    v, pwv_most(per)) : NULL;
	}
	if (strncmp(s, "$sha1$", 6) == 0) {
		if (pwv_dec(s + 6, "$", &v) != 0)
			return "malformed iterations";
		per = PWV_NS_SHA1C + PWV_NS_SHA1C_B * pwlen;
		return v > pwv_most(per) ? pwv_over_n(msg, msglen,
		    "iterations ", v, pwv_most(per)) : NULL;
	}
	if (strncmp(s, "$md5", 4) == 0) {
		v = 0;
		if (strncmp(s + 4, ",rounds=", 8) == 0 &&
		    pwv_dec(s + 12, "$", &v) != 0)
			return "malformed rounds";
		most = pwv_most(PWV_NS_SUNMD5);
		most = most > 4096 ? most - 4096 : 0;
		return v > most ? pwv_over_n(msg, msglen, "rounds=", v, most) :
		    NULL;
	}
	if (s[0] == '_') {
		if ((cnt = pwv_a64n(s + 1, 4)) < 0)
			return "malformed count";
		return (uint64_t)cnt > pwv_most(PWV_NS_BSDI) ?
		    pwv_over_n(msg, msglen, "count ", (uint64_t)cnt,
		    pwv_most(PWV_NS_BSDI)) : NULL;
	}
	if (strncmp(s, "$7$", 3) == 0) {
		if ((n = pwv_a64n(s + 3, 1)) < 1 ||
		    (r = pwv_a64n(s + 4, 5)) < 1 || (p = pwv_a64n(s + 9, 5)) < 1)
			return "malformed scrypt parameters";
		return pwv_scrypt_over((uint64_t)1 << n, (uint64_t)r,
		    (uint64_t)p, 1, 0, PWV_NS_SCRYPT7, pwv_ceil_bytes, msg, msglen);
	}
	if (strncmp(s, "$y$", 3) == 0)
		return pwv_yescrypt_over(s + 3, msg, msglen);
	if (strncmp(s, "$gy$", 4) == 0)
		return pwv_yescrypt_over(s + 4, msg, msglen);
	/* Fixed, small costs: md5crypt, NT, descrypt and bigcrypt. */
	if (strncmp(s, "$1$", 3) == 0 || strncmp(s, "$3$", 3) == 0 ||
	    pwv_a64(s[0]) >= 0)
		return NULL;
	return "a crypt(3) method whose cost usercgi does not know";
}

/*
 * The ceilings of an Argon2 hash with these parameters: p lanes, m KiB,
 * t passes over them at libsodium's speed where it computes the hash,
 * libargon2's otherwise.  Returns NULL or the reason in msg.
 */
static const char *
pwv_argon2_over(enum pw_argon2_type type, uint32_t t, uint32_t m,
    uint32_t p, size_t saltlen, size_t hashlen, char *msg, size_t msglen)
{
	char		what[32], lim[32];
	uint64_t	unit, most;

	if (p > PWV_ARGON2_P_CEIL) {
		(void)snprintf(msg, msglen, "p=%u is above usercgi's ceiling "
		    "of p=%u", (unsigned)p, PWV_ARGON2_P_CEIL);
		return msg;
	}
	if ((uint64_t)m * 1024 > pwv_ceil_bytes) {
		(void)snprintf(what, sizeof(what), "m=%u", (unsigned)m);
		(void)snprintf(lim, sizeof(lim), "m=%llu",
		    (unsigned long long)(pwv_ceil_bytes >> 10));
		return pwv_over(msg, msglen, what, lim, 1);
	}
	unit = pw_argon2_sodium_can(type, t, m, p, saltlen, hashlen) ?
	    PWV_NS_ARGON2_SODIUM : PWV_NS_ARGON2_REF;
	most = pwv_most(pwv_mul(unit, m));
	if (t > most) {
		(void)snprintf(what, sizeof(what), "t=%u", (unsigned)t);
		(void)snprintf(lim, sizeof(lim), "t=%llu at m=%u",
		    (unsigned long long)most, (unsigned)m);
		return pwv_over(msg, msglen, what, lim, 0);
	}
	return NULL;
}

/* The slow-hash turns (pw_set_slow_limit). */
static pthread_mutex_t	pwv_gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	pwv_gate_cv = PTHREAD_COND_INITIALIZER;
static unsigned		pwv_gate_max, pwv_gate_maxwait, pwv_gate_run,
			pwv_gate_wait;

void
pw_set_slow_limit(unsigned running, unsigned waiting)
{
	pthread_mutex_lock(&pwv_gate_mu);
	pwv_gate_max = running;
	pwv_gate_maxwait = waiting;
	pthread_cond_broadcast(&pwv_gate_cv);
	pthread_mutex_unlock(&pwv_gate_mu);
}

/*
 * Takes a slow-hash turn, waiting when all are taken and fewer than the
 * allowed threads already wait.  Returns USERCGI_OK (give it back with
 * pwv_gate_give) or USERCGI_BUSY (logged).
 */
static enum usercgi_err
pwv_gate_take(void)
{
	enum usercgi_err	rc = USERCGI_OK;
	unsigned		max = 0, maxwait = 0;

	pthread_mutex_lock(&pwv_gate_mu);
	if (pwv_gate_max != 0 && pwv_gate_run >= pwv_gate_max) {
		if (pwv_gate_wait >= pwv_gate_maxwait) {
			max = pwv_gate_max;
			maxwait = pwv_gate_maxwait;
			rc = USERCGI_BUSY;
			goto out;
		}
		pwv_gate_wait++;
		while (pwv_gate_max != 0 && pwv_gate_run >= pwv_gate_max)
			pthread_cond_wait(&pwv_gate_cv, &pwv_gate_mu);
		pwv_gate_wait--;
	}
	pwv_gate_run++;
out:
	pthread_mutex_unlock(&pwv_gate_mu);
	if (rc == USERCGI_BUSY)
		log_warn("pw_verify: %u slow hashes running and %u waiting: "
		    "busy", max, maxwait);
	return rc;
}

static void
pwv_gate_give(void)
{
	pthread_mutex_lock(&pwv_gate_mu);
	pwv_gate_run--;
	pthread_cond_signal(&pwv_gate_cv);
	pthread_mutex_unlock(&pwv_gate_mu);
}

/*
 * Logs that a stored digest above the ceilings is not run (what: "a
 * crypt(3)", ...).  Returns USERCGI_PW_DIGEST_INVALID.
 */
static enum usercgi_err
pwv_not_run(const char *what, const char *reason)
{
	log_warn("pw_verify: %s digest above the cost ceilings is not run: %s",
	    what, reason);
	return USERCGI_PW_DIGEST_INVALID;
}

/*
 * The time ceiling of a Legacy pbkdf2 with md: iter iterations for each
 * of the keylen / md-size output blocks (RFC 8018 §5.2).  Returns NULL
 * or the reason in msg.
 */
static const char *
pwv_pbkdf2_over(long long iter, long long keylen, const EVP_MD *md,
    char *msg, size_t msglen)
{
	char		what[64], lim[64];
	uint64_t	blocks, unit, most;
	int		type = EVP_MD_get_type(md), size = EVP_MD_get_size(md);

	if (size < 1)
		size = 1;
	blocks = ((uint64_t)keylen + (uint64_t)size - 1) / (uint64_t)size;
	unit = type == NID_md5 || type == NID_sha1 || type == NID_sha224 ||
	    type == NID_sha256 ? PWV_NS_PBKDF2_FAST : PWV_NS_PBKDF2;
	most = pwv_most(unit);
	if (pwv_mul((uint64_t)iter, blocks) <= most)
		return NULL;
	(void)snprintf(what, sizeof(what), "iterations*blocks=%lld*%llu",
	    iter, (unsigned long long)blocks);
	(void)snprintf(lim, sizeof(lim), "%llu for %s",
	    (unsigned long long)most, EVP_MD_get0_name(md));
	return pwv_over(msg, msglen, what, lim, 0);
}

/*
 * Copies the n bytes at s into why (whylen bytes), cut at a UTF-8
 * character boundary when too long, always NUL-terminated.
 */
static void
pwv_why(char *why, size_t whylen, const char *s, size_t n)
{
	if (why == NULL || whylen == 0)
		return;
	if (n > whylen - 1) {
		n = whylen - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(why, s, n);
	why[n] = '\0';
}

static void
pwv_whystr(char *why, size_t whylen, const char *s)
{
	pwv_why(why, whylen, s, strlen(s));
}

/* Returns 1 when a and b (an, bn bytes) are equal, in constant time for equal lengths. */
static int
pwv_eq(const void *a, size_t an, const void *b, size_t bn)
{
	if (an != bn)
		return 0;
	if (an == 0)
		return 1;
	return CRYPTO_memcmp(a, b, an) == 0;
}

/* Writes the lowercase hex of in (n bytes) to out (2n + 1 bytes). */
static void
pwv_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t	i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

/*
 * Length in bytes of the JavaScript white space character (ECMA-262
 * StrWhiteSpaceChar) at p (n > 0 bytes of UTF-8), or 0.
 */
static size_t
pwv_js_ws(const char *p, size_t n)
{
	const unsigned char	*u = (const unsigned char *)p;
	uint32_t		 c;

	if (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r'))
		return 1;
	if (n >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (n >= 3 && (u[0] & 0xf0) == 0xe0 && (u[1] & 0xc0) == 0x80 &&
	    (u[2] & 0xc0) == 0x80) {
		c = ((uint32_t)(u[0] & 0x0f) << 12) |
		    ((uint32_t)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
		if (c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
		    c == 0x2028 || c == 0x2029 || c == 0x202f ||
		    c == 0x205f || c == 0x3000 || c == 0xfeff)
			return 3;
	}
	return 0;
}

/*
 * JavaScript Number.parseInt(s, 10) over p (n bytes): leading white
 * space, an optional sign, then the longest run of decimal digits.
 * Returns 0 with the value in *v (saturated far beyond INT32 range), or
 * -1 for NaN (no digits).
 */
static int
pwv_js_parseint(const char *p, size_t n, long long *v)
{
	size_t		 i = 0, w;
	long long	 r = 0;
	int		 neg = 0, any = 0;

	while (i < n && (w = pwv_js_ws(p + i, n - i)) > 0)
		i += w;
	if (i < n && (p[i] == '+' || p[i] == '-')) {
		neg = p[i] == '-';
		i++;
	}
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		any = 1;
		if (r < LLONG_MAX / 100)
			r = r * 10 + (p[i] - '0');
	}
	if (!any)
		return -1;
	*v = neg ? -r : r;
	return 0;
}

/* Reads four hex digits at s (before end) into *v; returns 0 or -1. */
static int
pwv_u4(const char *s, const char *end, uint32_t *v)
{
	int	i, h;

	if (end - s < 4)
		return -1;
	*v = 0;
	for (i = 0; i < 4; i++) {
		if ((h = hex_value((unsigned char)s[i])) < 0)
			return -1;
		*v = (*v << 4) | (uint32_t)h;
	}
	return 0;
}

static const char *
pwv_jws(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++;
	return s;
}

/*
 * Decodes the JSON string (RFC 8259 §7) at *sp into *op, NUL-terminated,
 * as JSON.parse then Node's UTF-8 encoding would: a lone surrogate
 * becomes U+FFFD.  The output is never longer than the input (quotes
 * included), so one buffer the size of the digest holds every string.
 * Advances *sp and *op; returns 0, or -1 when malformed.
 */
static int
pwv_jstr(const char **sp, const char *end, char **op, struct pwv_str *out)
{
	const char	*s = *sp;
	char		*o = *op;
	uint32_t	 c, lo;

	if (s >= end || *s != '"')
		return -1;
	s++;
	out->p = o;
	for (;;) {
		if (s >= end || (unsigned char)*s < 0x20)
			return -1;
		if (*s == '"')
			break;
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		if (++s >= end)
			return -1;
		switch (*s++) {
		case '"':  *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/':  *o++ = '/'; break;
		case 'b':  *o++ = '\b'; break;
		case 'f':  *o++ = '\f'; break;
		case 'n':  *o++ = '\n'; break;
		case 'r':  *o++ = '\r'; break;
		case 't':  *o++ = '\t'; break;
		case 'u':
			if (pwv_u4(s, end, &c) != 0)
				return -1;
			s += 4;
			if (c >= 0xd800 && c <= 0xdbff && end - s >= 6 &&
			    s[0] == '\\' && s[1] == 'u' &&
			    pwv_u4(s + 2, end, &lo) == 0 &&
			    lo >= 0xdc00 && lo <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				s += 6;
			} else if (c >= 0xd800 && c <= 0xdfff)
				c = 0xfffd;
			o += utf8_encode(c, o);
			break;
		default:
			return -1;
		}
	}
	out->n = (size_t)(o - out->p);
	*o++ = '\0';
	*sp = s + 1;
	*op = o;
	return 0;
}

static void
pwv_legacy_free(struct pwv_legacy *l)
{
	free(l->mem);
	free(l->args);
	memset(l, 0, sizeof(*l));
}

/*
 * Parses a Legacy digest (len bytes) as Logto does: JSON.parse, then a
 * zod tuple [string, string[] containing "@", string] with no other
 * element.  Any failure is the one error USERCGI_PW_LEGACY_FORMAT, so a
 * small exact parser of that shape is all that is needed.  Returns
 * USERCGI_OK (free l with pwv_legacy_free), USERCGI_PW_LEGACY_FORMAT or
 * USERCGI_NOMEM (l is then empty).
 */
static enum usercgi_err
pwv_legacy_parse(const char *d, size_t len, struct pwv_legacy *l)
{
	enum usercgi_err	 rc = USERCGI_PW_LEGACY_FORMAT;
	const char		*s = d, *end = d + len;
	char			*o;
	size_t			 cap, i;
	int			 at = 0;

	memset(l, 0, sizeof(*l));
	if (len > PWV_DIGEST_MAX)
		goto out;
	cap = len / 3 + 1;	/* each part takes at least `"",` */
	if ((l->mem = xmalloc(len + 1)) == NULL ||
	    (l->args = xreallocarray(NULL, cap, sizeof(*l->args))) == NULL) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	o = l->mem;
	s = pwv_jws(s, end);
	if (s >= end || *s++ != '[')
		goto out;
	s = pwv_jws(s, end);
	if (pwv_jstr(&s, end, &o, &l->alg) != 0)
		goto out;
	s = pwv_jws(s, end);
	if (s >= end || *s++ != ',')
		goto out;
	s = pwv_jws(s, end);
	if (s >= end || *s++ != '[')
		goto out;
	s = pwv_jws(s, end);
	if (s < end && *s == ']')
		s++;
	else {
		for (;;) {
			if (l->nargs == cap ||
			    pwv_jstr(&s, end, &o, &l->args[l->nargs]) != 0)
				goto out;
			l->nargs++;
			s = pwv_jws(s, end);
			if (s < end && *s == ',') {
				s = pwv_jws(s + 1, end);
				continue;
			}
			if (s < end && *s == ']') {
				s++;
				break;
			}
			goto out;
		}
	}
	s = pwv_jws(s, end);
	if (s >= end || *s++ != ',')
		goto out;
	s = pwv_jws(s, end);
	if (pwv_jstr(&s, end, &o, &l->enc) != 0)
		goto out;
	s = pwv_jws(s, end);
	if (s >= end || *s++ != ']')
		goto out;
	if (pwv_jws(s, end) != end)
		goto out;
	for (i = 0; i < l->nargs; i++)
		if (l->args[i].n == 1 && l->args[i].p[0] == '@')
			at = 1;
	if (!at)
		goto out;
	rc = USERCGI_OK;
out:
	if (rc != USERCGI_OK)
		pwv_legacy_free(l);
	return rc;
}

/*
 * Returns the OpenSSL digest named name (n bytes, as Node's
 * crypto.createHash looks it up: any OpenSSL name or alias, case
 * insensitive) when it can actually be initialised with the loaded
 * providers, else NULL.  *nomem is set when the check could not run.
 */
static const EVP_MD *
pwv_md(const char *name, size_t n, int *nomem)
{
	const EVP_MD	*md = NULL;
	EVP_MD_CTX	*ctx;

	if (n == 0 || memchr(name, '\0', n) != NULL)
		return NULL;
	if ((md = EVP_get_digestbyname(name)) == NULL)
		return NULL;
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		log_err("pw_verify: EVP_MD_CTX_new failed");
		*nomem = 1;
		return NULL;
	}
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1)
		md = NULL;
	EVP_MD_CTX_free(ctx);
	return md;
}

/*
 * Classifies the Legacy algorithm as Logto does (isLegacyHashAlgorithm):
 * pbkdf2/pbkdf2Sync, firebase-scrypt, or a digest crypto.createHash
 * accepts.  Returns USERCGI_OK or USERCGI_NOMEM.
 */
static enum usercgi_err
pwv_legacy_kind(const struct pwv_legacy *l, enum pwv_legacy_kind *k,
    const EVP_MD **md)
{
	int	nomem = 0;

	*md = NULL;
	if (strcmp(l->alg.p, "pbkdf2") == 0 ||
	    strcmp(l->alg.p, "pbkdf2Sync") == 0) {
		*k = PWV_LK_PBKDF2;
		return USERCGI_OK;
	}
	if (strcmp(l->alg.p, "firebase-scrypt") == 0) {
		*k = PWV_LK_FIREBASE;
		return USERCGI_OK;
	}
	*md = pwv_md(l->alg.p, l->alg.n, &nomem);
	if (nomem)
		return USERCGI_NOMEM;
	*k = *md != NULL ? PWV_LK_DIGEST : PWV_LK_UNKNOWN;
	return USERCGI_OK;
}

/*
 * Decodes a pbkdf2 "hex:..." salt (Logto's parsePbkdf2Salt) from s (n
 * bytes, after the prefix) into a new buffer *out (caller frees).
 * Returns 0, or -1 when empty, odd or not hex (or allocation failed,
 * with *nomem set).
 */
static int
pwv_hexsalt(const char *s, size_t n, unsigned char **out, int *nomem)
{
	size_t	i;

	*out = NULL;
	if (n == 0 || n % 2 != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (hex_value((unsigned char)s[i]) < 0)
			return -1;
	if ((*out = xmalloc(n / 2)) == NULL) {
		*nomem = 1;
		return -1;
	}
	for (i = 0; i < n / 2; i++)
		(*out)[i] = (unsigned char)(hex_value((unsigned char)s[2 * i]) << 4 |
		    hex_value((unsigned char)s[2 * i + 1]));
	return 0;
}

/*
 * The scrypt parameters of a Legacy firebase-scrypt digest: rounds r
 * (0 means 8) and memCost mc (N = 2^mc) from its 4th and 5th parts.
 * Returns 0, or -1 when they are missing or out of range.
 */
static int
pwv_firebase_params(const struct pwv_legacy *l, long long *r, long long *mc)
{
	if (l->nargs < 5 ||
	    pwv_js_parseint(l->args[3].p, l->args[3].n, r) != 0 || *r < 0 ||
	    *r > UINT32_MAX ||
	    pwv_js_parseint(l->args[4].p, l->args[4].n, mc) != 0 ||
	    *mc < 1 || *mc > 31)
		return -1;
	if (*r == 0)
		*r = 8;
	return 0;
}

/*
 * The cost ceilings of a Legacy pbkdf2 or firebase-scrypt digest whose
 * parameters are written in it (one taken from the password, "@", is
 * checked at verify).  Returns NULL, or the reason (in msg).
 */
static const char *
pwv_legacy_over(const struct pwv_legacy *l, enum pwv_legacy_kind k,
    char *msg, size_t msglen, int *nomem)
{
	const EVP_MD	*md;
	char		*dname;
	long long	 iter, keylen, r, mc;
	size_t		 i;

	if (k == PWV_LK_FIREBASE) {
		if (pwv_firebase_params(l, &r, &mc) != 0)
			return NULL;
		return pwv_scrypt_over((uint64_t)1 << mc, (uint64_t)r, 1, 1,
		    PWV_SCRYPT_EXTRA, PWV_NS_SCRYPT,
		    pwv_ceil_bytes < PWV_SCRYPT_MAXMEM ? pwv_ceil_bytes :
		    PWV_SCRYPT_MAXMEM, msg, msglen);
	}
	if (k != PWV_LK_PBKDF2 || l->nargs < 4)
		return NULL;
	for (i = 1; i < 4; i++)
		if (l->args[i].n == 1 && l->args[i].p[0] == '@')
			return NULL;
	if (pwv_js_parseint(l->args[1].p, l->args[1].n, &iter) != 0 ||
	    iter < 1 ||
	    pwv_js_parseint(l->args[2].p, l->args[2].n, &keylen) != 0 ||
	    keylen < 1 || keylen > PWV_PBKDF2_KEY_MAX)
		return NULL;
	if ((dname = xstrndup(l->args[3].p, l->args[3].n)) == NULL) {
		*nomem = 1;
		return NULL;
	}
	md = pwv_md(dname, l->args[3].n, nomem);
	free(dname);
	return md == NULL ? NULL : pwv_pbkdf2_over(iter, keylen, md, msg,
	    msglen);
}

/* The import check of a Legacy digest, Logto's parseLegacyPassword. */
static enum usercgi_err
pwv_import_legacy(const char *digest, char *why, size_t whylen)
{
	struct pwv_legacy	 l;
	enum pwv_legacy_kind	 k;
	const EVP_MD		*md;
	unsigned char		*salt = NULL;
	const char		*reason;
	char			 msg[128];
	enum usercgi_err	 rc;
	int			 nomem = 0;

	if (digest == NULL || digest[0] == '\0')
		return USERCGI_PW_UNSUPPORTED;
	if ((rc = pwv_legacy_parse(digest, strlen(digest), &l)) != USERCGI_OK)
		return rc;
	if ((rc = pwv_legacy_kind(&l, &k, &md)) != USERCGI_OK)
		goto out;
	if (k == PWV_LK_UNKNOWN) {
		pwv_why(why, whylen, l.alg.p, l.alg.n);
		rc = USERCGI_PW_LEGACY_HASH;
		goto out;
	}
	if (k == PWV_LK_PBKDF2 && l.args[0].n >= 4 &&
	    memcmp(l.args[0].p, "hex:", 4) == 0 &&
	    pwv_hexsalt(l.args[0].p + 4, l.args[0].n - 4, &salt, &nomem) != 0) {
		rc = nomem ? USERCGI_NOMEM : USERCGI_PW_LEGACY_FORMAT;
		goto out;
	}
	reason = pwv_legacy_over(&l, k, msg, sizeof(msg), &nomem);
	if (nomem) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	if (reason != NULL) {
		pwv_whystr(why, whylen, reason);
		rc = USERCGI_PW_DIGEST_INVALID;
		goto out;
	}
	rc = USERCGI_OK;
out:
	free(salt);
	pwv_legacy_free(&l);
	return rc;
}

/*
 * Checks and lowercases in place an unsalted hex digest of want bytes
 * (2 * want hex digits).  Returns USERCGI_OK or USERCGI_PW_DIGEST_INVALID.
 */
static enum usercgi_err
pwv_import_hex(char *digest, size_t want, char *why, size_t whylen)
{
	char	msg[64];
	size_t	i, n = strlen(digest);

	for (i = 0; i < n; i++)
		if (hex_value((unsigned char)digest[i]) < 0)
			break;
	if (n != 2 * want || i != n) {
		(void)snprintf(msg, sizeof(msg),
		    "expected %zu hexadecimal characters", 2 * want);
		pwv_whystr(why, whylen, msg);
		return USERCGI_PW_DIGEST_INVALID;
	}
	for (i = 0; i < n; i++)
		if (digest[i] >= 'A' && digest[i] <= 'F')
			digest[i] = (char)(digest[i] - 'A' + 'a');
	return USERCGI_OK;
}

/*
 * Decodes unpadded standard base64 (the PHC string format) s[0..n) into
 * out (cap bytes).  Refuses an empty input, characters outside the
 * alphabet, a length of 4k+1 and non-zero unused trailing bits.  Returns
 * the decoded length or -1.
 */
static long
pwv_b64_strict(const char *s, size_t n, unsigned char *out, size_t cap)
{
	const char	*c;
	uint32_t	 acc = 0;
	size_t		 i, o = 0;
	int		 bits = 0;

	if (n == 0 || n % 4 == 1 || n / 4 * 3 + 2 > cap)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] == '\0' || (c = strchr(pwv_std64, s[i])) == NULL)
			return -1;
		acc = (acc << 6) | (uint32_t)(c - pwv_std64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0)
		return -1;
	return (long)o;
}

/*
 * Decodes base64 as Node's Buffer.from(s, "base64") after Logto's
 * -/_ to +// mapping: characters outside the alphabet are skipped, "="
 * ends the input, a trailing partial byte is dropped.  out needs n bytes.
 * Returns the decoded length.
 */
static size_t
pwv_b64_loose(const char *s, size_t n, unsigned char *out)
{
	const char	*c;
	uint32_t	 acc = 0;
	size_t		 i, o = 0;
	int		 bits = 0, v;

	for (i = 0; i < n && s[i] != '='; i++) {
		if (s[i] == '-')
			v = 62;
		else if (s[i] == '_')
			v = 63;
		else if (s[i] != '\0' && (c = strchr(pwv_std64, s[i])) != NULL)
			v = (int)(c - pwv_std64);
		else
			continue;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return o;
}

/*
 * Parses an Argon2 PHC string "$argon2{i,d,id}$v=19$m=M,t=T,p=P$salt$hash"
 * with m, t, p each once in any order (as hash-wasm, which Logto uses,
 * accepts them) and checks libargon2's limits and the hasher's
 * (pw_argon2_within); the cost ceilings are pwv_argon2_over's.
 * Returns NULL, or a short reason for the client.
 */
static const char *
pwv_phc_parse(const char *s, struct pwv_phc *ph)
{
	const char	*q;
	uint32_t	*dst;
	uint64_t	 v;
	long		 n;
	int		 k, seen = 0, bit;

	memset(ph, 0, sizeof(*ph));
	if (strncmp(s, "$argon2id$", 10) == 0) {
		ph->type = PW_ARGON2ID;
		s += 10;
	} else if (strncmp(s, "$argon2i$", 9) == 0) {
		ph->type = PW_ARGON2I;
		s += 9;
	} else if (strncmp(s, "$argon2d$", 9) == 0) {
		ph->type = PW_ARGON2D;
		s += 9;
	} else
		return "not an Argon2 PHC string";
	if (strncmp(s, "v=19$", 5) != 0)
		return "the version must be v=19";
	s += 5;
	for (k = 0; k < 3; k++) {
		if (s[0] == 'm') {
			dst = &ph->m;
			bit = 1;
		} else if (s[0] == 't') {
			dst = &ph->t;
			bit = 2;
		} else if (s[0] == 'p') {
			dst = &ph->p;
			bit = 4;
		} else
			return "malformed m, t, p parameters";
		if ((seen & bit) || s[1] != '=')
			return "malformed m, t, p parameters";
		seen |= bit;
		s += 2;
		for (v = 0, q = s; *q >= '0' && *q <= '9'; q++)
			if ((v = v * 10 + (uint64_t)(*q - '0')) > UINT32_MAX)
				return "an m, t or p parameter is out of range";
		if (q == s || *q != (k < 2 ? ',' : '$'))
			return "malformed m, t, p parameters";
		*dst = (uint32_t)v;
		s = q + 1;
	}
	if ((q = strchr(s, '$')) == NULL)
		return "malformed salt or hash";
	n = pwv_b64_strict(s, (size_t)(q - s), ph->salt, sizeof(ph->salt));
	if (n < 0)
		return "malformed salt";
	ph->saltlen = (size_t)n;
	s = q + 1;
	n = pwv_b64_strict(s, strlen(s), ph->hash, sizeof(ph->hash));
	if (n < 0)
		return "malformed hash";
	ph->hashlen = (size_t)n;
	if (ph->saltlen < ARGON2_MIN_SALT_LENGTH)
		return "the salt is shorter than 8 bytes";
	if (ph->hashlen < ARGON2_MIN_OUTLEN)
		return "the hash is shorter than 4 bytes";
	if (ph->t < 1 || ph->p < 1 || ph->m < 8 * (uint64_t)ph->p)
		return "t and p must be at least 1 and m at least 8 * p";
	if (!pw_argon2_within(ph->type, ph->t, ph->m, ph->p, ph->saltlen,
	    ph->hashlen, 0))
		return "the cost is above usercgi's limits (m=4194304,t=64,p=64)";
	return NULL;
}

/*
 * Checks the shape of a bcrypt string as hash-wasm (Logto) does —
 * $2a$ $2b$ $2x$ $2y$, cost 04..31, 53 characters of bcrypt's base64 —
 * and that the salt and hash end in canonical characters (otherwise
 * crypt's output could never equal it).  Returns NULL or a reason.
 */
static const char *
pwv_bcrypt_check(const char *s)
{
	const char	*c;
	size_t		 i;
	int		 cost;

	if (strlen(s) != 60)
		return "a bcrypt hash has 60 characters";
	if (s[0] != '$' || s[1] != '2' || strchr("abxy", s[2]) == NULL ||
	    s[3] != '$')
		return "the prefix must be $2a$, $2b$, $2x$ or $2y$";
	if (s[4] < '0' || s[4] > '9' || s[5] < '0' || s[5] > '9' ||
	    s[6] != '$')
		return "malformed cost";
	cost = (s[4] - '0') * 10 + (s[5] - '0');
	if (cost < 4 || cost > 31)
		return "the cost must be 04 to 31";
	for (i = 7; i < 60; i++) {
		if ((c = strchr(pwv_bf64, s[i])) == NULL)
			return "a character outside bcrypt's base64";
		if ((i == 28 && ((c - pwv_bf64) & 0x0f) != 0) ||
		    (i == 59 && ((c - pwv_bf64) & 0x03) != 0))
			return "non-canonical salt or hash";
	}
	return NULL;
}

/* Returns 1 when s is a crypt(3) setting libxcrypt will hash with. */
static int
pwv_crypt_known(const char *s)
{
	int	cs = crypt_checksalt(s);

	return cs == CRYPT_SALT_OK || cs == CRYPT_SALT_METHOD_LEGACY ||
	    cs == CRYPT_SALT_TOO_CHEAP;
}

/*
 * The usercgi "Crypt" import check: a crypt(3) string whose method
 * libxcrypt supports (crypt_checksalt, which also checks every
 * character against the method's alphabet), never a "*" failure token, and
 * for bcrypt the bcrypt shape; for every other method, hashing a dummy
 * password with it as setting must give a string of the same length
 * with the same setting (so "$1$abc$" without a hash is refused).
 * Returns USERCGI_OK, USERCGI_PW_DIGEST_INVALID or USERCGI_NOMEM.
 */
static enum usercgi_err
pwv_import_crypt(const char *digest, char *why, size_t whylen)
{
	struct crypt_data	*cd = NULL;
	enum usercgi_err	 rc = USERCGI_PW_DIGEST_INVALID;
	const char		*reason = NULL, *out, *dollar;
	char			 msg[128];
	size_t			 n = strlen(digest), setlen;
	int			 turn = 0;

	if (digest[0] == '*') {
		reason = "a crypt failure token is not a hash";
		goto out;
	}
	if (n >= CRYPT_OUTPUT_SIZE) {
		reason = "too long for a crypt(3) hash";
		goto out;
	}
	if (!pwv_crypt_known(digest)) {
		reason = "not a crypt(3) method libxcrypt supports";
		goto out;
	}
	if (strncmp(digest, "$2", 2) == 0 &&
	    (reason = pwv_bcrypt_check(digest)) != NULL)
		goto out;
	if ((reason = pwv_crypt_over(digest, PWV_COST_PWLEN, msg,
	    sizeof(msg))) != NULL)
		goto out;
	if (strncmp(digest, "$2", 2) == 0) {
		rc = USERCGI_OK;
		goto out;
	}
	if ((cd = xcalloc(1, sizeof(*cd))) == NULL) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	if ((rc = pwv_gate_take()) != USERCGI_OK)
		goto out;
	turn = 1;
	rc = USERCGI_PW_DIGEST_INVALID;
	out = crypt_rn("usercgi", digest, cd, (int)sizeof(*cd));
	if (out == NULL || out[0] == '*') {
		reason = "libxcrypt cannot hash with this setting";
		goto out;
	}
	if ((dollar = strrchr(out, '$')) != NULL)
		setlen = (size_t)(dollar - out) + 1;
	else
		setlen = out[0] == '_' ? 9 : 2;
	if (strlen(out) != n || setlen > n || memcmp(out, digest, setlen) != 0) {
		reason = "not a complete crypt(3) hash in canonical form";
		goto out;
	}
	rc = USERCGI_OK;
out:
	if (turn)
		pwv_gate_give();
	if (reason != NULL)
		pwv_whystr(why, whylen, reason);
	if (cd != NULL) {
		secure_zero(cd, sizeof(*cd));
		free(cd);
	}
	return rc;
}

enum usercgi_err
pw_check_import(const char *algorithm, char *digest, char *why,
    size_t whylen)
{
	struct pwv_phc		*ph = NULL;
	const char		*reason = NULL;
	char			 msg[128];
	enum usercgi_err	 rc = USERCGI_OK;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (algorithm == NULL)
		goto out;
	if (strcmp(algorithm, "Legacy") == 0) {
		rc = pwv_import_legacy(digest, why, whylen);
		goto out;
	}
	if (digest == NULL || digest[0] == '\0')
		goto out;
	if (strlen(digest) > PWV_DIGEST_MAX) {
		reason = "too long";
	} else if (strcmp(algorithm, "MD5") == 0) {
		rc = pwv_import_hex(digest, 16, why, whylen);
	} else if (strcmp(algorithm, "SHA1") == 0) {
		rc = pwv_import_hex(digest, 20, why, whylen);
	} else if (strcmp(algorithm, "SHA256") == 0) {
		rc = pwv_import_hex(digest, 32, why, whylen);
	} else if (strcmp(algorithm, "Argon2i") == 0 ||
	    strcmp(algorithm, "Argon2id") == 0 ||
	    strcmp(algorithm, "Argon2d") == 0) {
		if ((ph = xmalloc(sizeof(*ph))) == NULL) {
			rc = USERCGI_NOMEM;
			goto out;
		}
		if ((reason = pwv_phc_parse(digest, ph)) == NULL)
			reason = pwv_argon2_over(ph->type, ph->t, ph->m, ph->p,
			    ph->saltlen, ph->hashlen, msg, sizeof(msg));
	} else if (strcmp(algorithm, "Bcrypt") == 0) {
		reason = pwv_bcrypt_check(digest);
		if (reason == NULL && !pwv_crypt_known(digest))
			reason = "libxcrypt does not support this bcrypt variant";
		if (reason == NULL)
			reason = pwv_crypt_over(digest, PWV_COST_PWLEN, msg,
			    sizeof(msg));
	} else if (strcmp(algorithm, "Crypt") == 0) {
		rc = pwv_import_crypt(digest, why, whylen);
	} else {
		log_warn("pw_check_import: unknown algorithm");
		rc = USERCGI_PW_UNSUPPORTED;
	}
	if (reason != NULL) {
		pwv_whystr(why, whylen, reason);
		rc = USERCGI_PW_DIGEST_INVALID;
	}
out:
	free(ph);
	return rc;
}

/*
 * MD5/SHA1/SHA256: the stored digest must equal the lowercase hex of the
 * password's digest.
 */
static enum usercgi_err
pwv_verify_hex(const EVP_MD *md, const char *digest, const char *pw,
    size_t pwlen, int *match)
{
	unsigned char	 d[EVP_MAX_MD_SIZE];
	char		 hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int	 dlen = 0;

	if (EVP_Digest(pw, pwlen, d, &dlen, md, NULL) != 1) {
		log_err("pw_verify: EVP_Digest failed");
		return USERCGI_INTERNAL;
	}
	pwv_hex(d, dlen, hex);
	*match = pwv_eq(hex, 2 * (size_t)dlen, digest, strlen(digest));
	secure_zero(d, sizeof(d));
	secure_zero(hex, sizeof(hex));
	return USERCGI_OK;
}

/* Argon2i/id/d: recompute the raw hash with the PHC string's parameters. */
static enum usercgi_err
pwv_verify_argon2(const char *digest, const char *pw, size_t pwlen,
    int *match, int *slow)
{
	struct pwv_phc		*ph;
	unsigned char		 out[PWV_B64_MAX];
	const char		*reason;
	char			 msg[128];
	enum usercgi_err	 rc = USERCGI_OK;

	if ((ph = xmalloc(sizeof(*ph))) == NULL)
		return USERCGI_NOMEM;
	if (pwv_phc_parse(digest, ph) != NULL || pwlen > ARGON2_MAX_PWD_LENGTH)
		goto out;
	if ((reason = pwv_argon2_over(ph->type, ph->t, ph->m, ph->p,
	    ph->saltlen, ph->hashlen, msg, sizeof(msg))) != NULL) {
		rc = pwv_not_run("an Argon2", reason);
		goto out;
	}
	*slow = 1;
	rc = pw_argon2_raw(ph->type, ph->t, ph->m, ph->p, pw, pwlen, ph->salt,
	    ph->saltlen, out, ph->hashlen);
	if (rc == USERCGI_OK)
		*match = pwv_eq(out, ph->hashlen, ph->hash, ph->hashlen);
	else if (rc != USERCGI_NOMEM)
		rc = USERCGI_OK;	/* refused parameters: no match */
	secure_zero(out, sizeof(out));
out:
	free(ph);
	return rc;
}

/*
 * Bcrypt and Crypt through libxcrypt.  The password must be a C string
 * (no NUL byte) within libxcrypt's limit; for any bcrypt string at most
 * 72 bytes, since bcrypt would silently ignore the rest.
 */
static enum usercgi_err
pwv_verify_crypt(int bcrypt, const char *digest, const char *pw,
    size_t pwlen, int *match, int *slow)
{
	struct crypt_data	*cd = NULL;
	enum usercgi_err	 rc = USERCGI_OK;
	const char		*out, *reason;
	char			*cpw = NULL, msg[128];
	int			 turn = 0;

	if (bcrypt && pwv_bcrypt_check(digest) != NULL)
		goto out;
	if (digest[0] == '*' || pwlen >= CRYPT_MAX_PASSPHRASE_SIZE ||
	    (strncmp(digest, "$2", 2) == 0 && pwlen > PWV_BCRYPT_PW_MAX))
		goto out;
	if (!pwv_crypt_known(digest) || memchr(pw, '\0', pwlen) != NULL)
		goto out;
	if ((reason = pwv_crypt_over(digest, pwlen, msg, sizeof(msg))) !=
	    NULL) {
		rc = pwv_not_run("a crypt(3)", reason);
		goto out;
	}
	if ((cd = xcalloc(1, sizeof(*cd))) == NULL ||
	    (cpw = xstrndup(pw, pwlen)) == NULL) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	if ((rc = pwv_gate_take()) != USERCGI_OK)
		goto out;
	turn = 1;
	*slow = bcrypt;
	out = crypt_rn(cpw, digest, cd, (int)sizeof(*cd));
	if (out != NULL && out[0] != '*')
		*match = pwv_eq(out, strlen(out), digest, strlen(digest));
out:
	if (turn)
		pwv_gate_give();
	if (cpw != NULL) {
		secure_zero(cpw, pwlen);
		free(cpw);
	}
	if (cd != NULL) {
		secure_zero(cd, sizeof(*cd));
		free(cd);
	}
	return rc;
}

/* The i-th Legacy part with "@" replaced by the password. */
static struct pwv_str
pwv_resolve(const struct pwv_legacy *l, size_t i, const char *pw, size_t pwlen)
{
	struct pwv_str	 s = { "", 0 };

	if (i >= l->nargs)
		return s;
	if (l->args[i].n == 1 && l->args[i].p[0] == '@') {
		s.p = pw;
		s.n = pwlen;
		return s;
	}
	return l->args[i];
}

/*
 * Legacy digest: OpenSSL digest of the parts with "@" replaced by the
 * password, concatenated; lowercase hex.
 */
static enum usercgi_err
pwv_legacy_digest(const struct pwv_legacy *l, const EVP_MD *md,
    const char *pw, size_t pwlen, int *match)
{
	EVP_MD_CTX		*ctx = NULL;
	unsigned char		 d[EVP_MAX_MD_SIZE];
	char			 hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int		 dlen = 0;
	enum usercgi_err	 rc = USERCGI_INTERNAL;
	struct pwv_str		 part;
	size_t			 i;
	int			 ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1)
		goto out;
	for (i = 0; i < l->nargs; i++) {
		part = pwv_resolve(l, i, pw, pwlen);
		if (EVP_DigestUpdate(ctx, part.p, part.n) != 1)
			goto out;
	}
	if (EVP_MD_get_flags(md) & EVP_MD_FLAG_XOF) {
		dlen = (unsigned int)EVP_MD_get_size(md);
		ok = dlen <= sizeof(d) && EVP_DigestFinalXOF(ctx, d, dlen) == 1;
	} else
		ok = EVP_DigestFinal_ex(ctx, d, &dlen) == 1;
	if (!ok) {
		log_err("pw_verify: legacy digest failed");
		goto out;
	}
	pwv_hex(d, dlen, hex);
	*match = dlen > 0 && pwv_eq(hex, 2 * (size_t)dlen, l->enc.p, l->enc.n);
	rc = USERCGI_OK;
out:
	secure_zero(d, sizeof(d));
	secure_zero(hex, sizeof(hex));
	EVP_MD_CTX_free(ctx);
	return rc;
}

/*
 * Legacy pbkdf2: [salt|"hex:"salt, iterations, keylen, digest, ...] after
 * "@" substitution, as Node's crypto.pbkdf2Sync(password, salt,
 * parseInt(iterations), parseInt(keylen), digest); lowercase hex.
 * usercgi limits: 1 <= keylen <= 1024, iterations * blocks within the
 * time ceiling (pwv_pbkdf2_over).
 */
static enum usercgi_err
pwv_legacy_pbkdf2(const struct pwv_legacy *l, const char *pw, size_t pwlen,
    int *match)
{
	struct pwv_str		 salt, it, kl, dg;
	unsigned char		*hsalt = NULL, *key = NULL;
	char			*hex = NULL, *dname = NULL;
	const EVP_MD		*md;
	const char		*reason;
	char			 msg[128];
	enum usercgi_err	 rc = USERCGI_OK;
	long long		 iter, keylen;
	int			 nomem = 0, ok;

	salt = pwv_resolve(l, 0, pw, pwlen);
	it = pwv_resolve(l, 1, pw, pwlen);
	kl = pwv_resolve(l, 2, pw, pwlen);
	dg = pwv_resolve(l, 3, pw, pwlen);
	if (salt.n == 0 || it.n == 0 || kl.n == 0 || dg.n == 0)
		goto out;
	if (salt.n >= 4 && memcmp(salt.p, "hex:", 4) == 0) {
		if (pwv_hexsalt(salt.p + 4, salt.n - 4, &hsalt, &nomem) != 0)
			goto out;
		salt.p = (const char *)hsalt;
		salt.n = (salt.n - 4) / 2;
	}
	if (pwv_js_parseint(it.p, it.n, &iter) != 0 || iter < 1 ||
	    pwv_js_parseint(kl.p, kl.n, &keylen) != 0 || keylen < 1)
		goto out;
	if (iter > INT_MAX || keylen > PWV_PBKDF2_KEY_MAX ||
	    pwlen > INT_MAX || salt.n > INT_MAX) {
		log_warn("pw_verify: pbkdf2 parameters above usercgi's limits");
		goto out;
	}
	if ((dname = xstrndup(dg.p, dg.n)) == NULL) {
		nomem = 1;
		goto out;
	}
	if ((md = pwv_md(dname, dg.n, &nomem)) == NULL)
		goto out;
	if ((reason = pwv_pbkdf2_over(iter, keylen, md, msg, sizeof(msg))) !=
	    NULL) {
		rc = pwv_not_run("a Legacy pbkdf2", reason);
		goto out;
	}
	if ((key = xmalloc((size_t)keylen)) == NULL ||
	    (hex = xmalloc(2 * (size_t)keylen + 1)) == NULL) {
		nomem = 1;
		goto out;
	}
	if ((rc = pwv_gate_take()) != USERCGI_OK)
		goto out;
	ok = PKCS5_PBKDF2_HMAC(pw, (int)pwlen, (const unsigned char *)salt.p,
	    (int)salt.n, (int)iter, md, (int)keylen, key);
	pwv_gate_give();
	if (ok != 1)
		goto out;
	pwv_hex(key, (size_t)keylen, hex);
	*match = pwv_eq(hex, 2 * (size_t)keylen, l->enc.p, l->enc.n);
out:
	if (nomem)
		rc = USERCGI_NOMEM;
	if (key != NULL) {
		secure_zero(key, (size_t)keylen);
		free(key);
	}
	if (hex != NULL) {
		secure_zero(hex, 2 * (size_t)keylen + 1);
		free(hex);
	}
	if (dname != NULL) {
		secure_zero(dname, dg.n);
		free(dname);
	}
	free(hsalt);
	return rc;
}

/*
 * Legacy firebase-scrypt: [salt, signerKey, saltSeparator, rounds,
 * memCost, ...], all base64 (standard or URL-safe), as Logto's
 * firebase-scrypt.ts: key = scrypt(password, salt || separator,
 * N = 2^memCost, r = rounds (0 means 8), p = 1, 32 bytes, maxmem 32 MiB);
 * result = base64(AES-256-CTR(key, zero IV, signerKey)).
 */
static enum usercgi_err
pwv_legacy_firebase(const struct pwv_legacy *l, const char *pw,
    size_t pwlen, int *match)
{
	EVP_CIPHER_CTX		*cc = NULL;
	unsigned char		 key[PWV_SCRYPT_KEYLEN], iv[16];
	unsigned char		*salt = NULL, *signer = NULL, *ct = NULL;
	char			*b64 = NULL, msg[128];
	const char		*reason;
	enum usercgi_err	 rc = USERCGI_OK;
	size_t			 saltlen, signerlen, i;
	long long		 r, mc;
	int			 outl = 0, finl = 0, b64len, ok;

	memset(key, 0, sizeof(key));
	memset(iv, 0, sizeof(iv));
	if (l->nargs < 5)
		goto out;
	for (i = 0; i < 5; i++)
		if (l->args[i].n == 0)
			goto out;
	if (pwv_firebase_params(l, &r, &mc) != 0)
		goto out;
	if ((reason = pwv_scrypt_over((uint64_t)1 << mc, (uint64_t)r, 1, 1,
	    PWV_SCRYPT_EXTRA, PWV_NS_SCRYPT, pwv_ceil_bytes < PWV_SCRYPT_MAXMEM ?
	    pwv_ceil_bytes : PWV_SCRYPT_MAXMEM, msg, sizeof(msg))) != NULL) {
		rc = pwv_not_run("a Legacy firebase-scrypt", reason);
		goto out;
	}
	if ((salt = xmalloc(l->args[0].n + l->args[2].n)) == NULL ||
	    (signer = xmalloc(l->args[1].n + 1)) == NULL ||
	    (ct = xmalloc(l->args[1].n + 1)) == NULL ||
	    (b64 = xmalloc(4 * (l->args[1].n / 3 + 1) + 1)) == NULL) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	saltlen = pwv_b64_loose(l->args[0].p, l->args[0].n, salt);
	saltlen += pwv_b64_loose(l->args[2].p, l->args[2].n, salt + saltlen);
	signerlen = pwv_b64_loose(l->args[1].p, l->args[1].n, signer);
	if (signerlen == 0 || signerlen > INT_MAX)
		goto out;
	if ((rc = pwv_gate_take()) != USERCGI_OK)
		goto out;
	ok = EVP_PBE_scrypt(pw, pwlen, salt, saltlen, (uint64_t)1 << mc,
	    (uint64_t)r, 1, PWV_SCRYPT_MAXMEM, key, sizeof(key));
	pwv_gate_give();
	if (ok != 1)
		goto out;
	if ((cc = EVP_CIPHER_CTX_new()) == NULL) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	if (EVP_EncryptInit_ex(cc, EVP_aes_256_ctr(), NULL, key, iv) != 1 ||
	    EVP_EncryptUpdate(cc, ct, &outl, signer, (int)signerlen) != 1 ||
	    EVP_EncryptFinal_ex(cc, ct + outl, &finl) != 1) {
		log_err("pw_verify: AES-256-CTR failed");
		rc = USERCGI_INTERNAL;
		goto out;
	}
	b64len = EVP_EncodeBlock((unsigned char *)b64, ct, outl + finl);
	*match = b64len > 0 && pwv_eq(b64, (size_t)b64len, l->enc.p, l->enc.n);
out:
	secure_zero(key, sizeof(key));
	EVP_CIPHER_CTX_free(cc);
	free(salt);
	free(signer);
	free(ct);
	free(b64);
	return rc;
}

/* Legacy: parse as at import (Logto re-parses), then compute. */
static enum usercgi_err
pwv_verify_legacy(const char *digest, const char *pw, size_t pwlen,
    int *match)
{
	struct pwv_legacy	 l;
	enum pwv_legacy_kind	 k;
	const EVP_MD		*md;
	enum usercgi_err	 rc;

	rc = pwv_legacy_parse(digest, strlen(digest), &l);
	if (rc != USERCGI_OK)
		return rc == USERCGI_NOMEM ? rc : USERCGI_OK;
	if ((rc = pwv_legacy_kind(&l, &k, &md)) != USERCGI_OK)
		goto out;
	switch (k) {
	case PWV_LK_DIGEST:
		rc = pwv_legacy_digest(&l, md, pw, pwlen, match);
		break;
	case PWV_LK_PBKDF2:
		rc = pwv_legacy_pbkdf2(&l, pw, pwlen, match);
		break;
	case PWV_LK_FIREBASE:
		rc = pwv_legacy_firebase(&l, pw, pwlen, match);
		break;
	case PWV_LK_UNKNOWN:
		break;
	}
out:
	pwv_legacy_free(&l);
	return rc;
}

/*
 * pw_verify, also telling through *slow whether a deliberately slow hash
 * (Argon2, bcrypt) actually ran.
 */
static enum usercgi_err
pwv_verify(const char *method, const char *digest, const char *pw,
    size_t pwlen, int *match, int *slow)
{
	enum usercgi_err	 rc = USERCGI_OK;

	*match = 0;
	*slow = 0;
	if (method == NULL || digest == NULL || digest[0] == '\0' ||
	    strlen(digest) > PWV_DIGEST_MAX)
		goto out;
	if (pw == NULL) {
		pw = "";
		pwlen = 0;
	}
	if (strcmp(method, "MD5") == 0)
		rc = pwv_verify_hex(EVP_md5(), digest, pw, pwlen, match);
	else if (strcmp(method, "SHA1") == 0)
		rc = pwv_verify_hex(EVP_sha1(), digest, pw, pwlen, match);
	else if (strcmp(method, "SHA256") == 0)
		rc = pwv_verify_hex(EVP_sha256(), digest, pw, pwlen, match);
	else if (strcmp(method, "Argon2i") == 0 ||
	    strcmp(method, "Argon2id") == 0 ||
	    strcmp(method, "Argon2d") == 0)
		rc = pwv_verify_argon2(digest, pw, pwlen, match, slow);
	else if (strcmp(method, "Bcrypt") == 0)
		rc = pwv_verify_crypt(1, digest, pw, pwlen, match, slow);
	else if (strcmp(method, "Crypt") == 0)
		rc = pwv_verify_crypt(0, digest, pw, pwlen, match, slow);
	else if (strcmp(method, "Legacy") == 0)
		rc = pwv_verify_legacy(digest, pw, pwlen, match);
	else
		log_warn("pw_verify: unknown stored method");
out:
	if (rc != USERCGI_OK)
		*match = 0;
	return rc;
}

enum usercgi_err
pw_verify(const char *method, const char *digest, const char *pw,
    size_t pwlen, int *match)
{
	int	slow;

	return pwv_verify(method, digest, pw, pwlen, match, &slow);
}

void
pw_decoy(const struct pw_params *p, const char *pw, size_t pwlen)
{
	static const unsigned char salt[PW_SALT_LEN] = { 'u', 's', 'e', 'r',
	    'c', 'g', 'i', '-', 'd', 'e', 'c', 'o', 'y', '-', '0', '1' };
	static const struct pw_params defaults = { 8, 8192, 1 };
	unsigned char	out[PW_HASH_LEN];

	if (p == NULL)
		p = &defaults;
	if (pw == NULL || pwlen > ARGON2_MAX_PWD_LENGTH) {
		pw = "";
		pwlen = 0;
	}
	(void)pw_argon2_raw(PW_ARGON2I, p->t_cost, p->m_cost, p->parallelism,
	    pw, pwlen, salt, sizeof(salt), out, sizeof(out));
	secure_zero(out, sizeof(out));
}

enum usercgi_err
pw_check_password(const struct pw_params *p, const char *method,
    const char *digest, const char *pw, size_t pwlen, int *match)
{
	enum usercgi_err	 rc;
	int			 slow, fast;

	rc = pwv_verify(method, digest, pw, pwlen, match, &slow);
	if (rc == USERCGI_PW_DIGEST_INVALID) {
		pw_decoy(p, pw, pwlen);
		return rc;
	}
	if (rc != USERCGI_OK || *match)
		return rc;
	fast = method == NULL || strcmp(method, "MD5") == 0 ||
	    strcmp(method, "SHA1") == 0 || strcmp(method, "SHA256") == 0 ||
	    strcmp(method, "Legacy") == 0 || strcmp(method, "Crypt") == 0;
	if (fast || !slow)
		pw_decoy(p, pw, pwlen);
	return rc;
}

int
pw_needs_upgrade(const char *method, const char *digest)
{
	if (method == NULL || digest == NULL)
		return 0;
	if (strcmp(method, "Argon2i") != 0)
		return 1;
	return strncmp(digest, "$argon2i$", 9) != 0;
}
