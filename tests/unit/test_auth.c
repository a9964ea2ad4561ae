/*
 * test_auth.c: the Authorization header (RFC 6750 §2.1, as Logto reads
 * it) and the JWKS life cycle: loaded once, re-read when the file
 * changes (stat at most once a second), one rate-limited re-read on an
 * unknown kid, fail closed while the file is missing or broken.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/auth.c"
#include "jwt.h"
#include "log.h"
#include "tap.h"
#include "jwt_testkit.h"

#define ISS	"https://issuer.example/oidc"
#define AUD	"https://api.example"
#define CLAIMS	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u\",\"scope\":\"all\",\"exp\":1800000000}"
#define T0	INT64_C(1700000000)

static char		 path[64];
static struct tk_key	 key;
static struct timespec	 fixed_mtime;

/*
 * Rewrites the JWKS file in place (same inode) with kid; when keep_id,
 * with the mtime it had before, so stat() cannot see the change.
 */
static void
write_jwks(const char *kid, int keep_id)
{
	const char	*json = tk_jwks(&key, kid, NULL);
	struct timespec	 ts[2];
	int		 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    write(fd, json, strlen(json)) != (ssize_t)strlen(json)) {
		tap_ok(0, "write JWKS");
		if (fd != -1)
			(void)close(fd);
		return;
	}
	if (keep_id) {
		ts[0] = fixed_mtime;
		ts[1] = fixed_mtime;
	} else {
		fixed_mtime.tv_sec += 10;
		ts[0] = fixed_mtime;
		ts[1] = fixed_mtime;
	}
	(void)futimens(fd, ts);
	(void)close(fd);
}

/* Checks auth_check(header) at now. */
static void
check(const char *name, struct auth *a, const char *header, int64_t now,
    enum usercgi_err want, enum jwt_fail want_fail)
{
	enum jwt_fail		 f = JWT_FAIL_MAX;
	enum usercgi_err	 rc = auth_check(a, header, now, &f);
	int			 ok = rc == want && f == want_fail;

	tap_ok(ok, name);
	if (!ok)
		printf("#   got rc %d fail %s, want rc %d fail %s\n", (int)rc,
		    jwt_fail_name(f) ? jwt_fail_name(f) : "none", (int)want,
		    jwt_fail_name(want_fail) ? jwt_fail_name(want_fail) : "none");
}

/* "Bearer " + a token with kid, signed by the test key. */
static const char *
bearer(const char *kid)
{
	static char	out[4096];
	char		hdr[128];

	(void)snprintf(hdr, sizeof(hdr), "{\"alg\":\"EdDSA\",\"kid\":\"%s\"}",
	    kid);
	(void)snprintf(out, sizeof(out), "Bearer %s", tk_token(&key, hdr,
	    CLAIMS));
	return out;
}

static void
test_header(struct auth *a)
{
	char	buf[4200];

	check("header absent", a, NULL, T0, USERCGI_AUTH_MISSING, JWT_FAIL_NONE);
	check("header empty", a, "", T0, USERCGI_AUTH_MISSING, JWT_FAIL_NONE);
	check("Basic scheme", a, "Basic dXNlcjpwYXNz", T0, USERCGI_AUTH_TYPE,
	    JWT_FAIL_NONE);
	check("lower-case bearer", a, "bearer x.y.z", T0, USERCGI_AUTH_TYPE,
	    JWT_FAIL_NONE);
	check("BEARER", a, "BEARER x.y.z", T0, USERCGI_AUTH_TYPE, JWT_FAIL_NONE);
	check("leading space", a, " Bearer x.y.z", T0, USERCGI_AUTH_TYPE,
	    JWT_FAIL_NONE);
	check("\"Bearer\" alone", a, "Bearer", T0, USERCGI_UNAUTH,
	    JWT_FAIL_JWS_INVALID);
	check("\"Bearer \" with no token", a, "Bearer ", T0, USERCGI_UNAUTH,
	    JWT_FAIL_JWS_INVALID);
	check("\"Bearerx\"", a, "Bearerx.y.z", T0, USERCGI_UNAUTH,
	    JWT_FAIL_JWS_INVALID);
	check("tab after Bearer", a, "Bearer\tx.y.z", T0, USERCGI_UNAUTH,
	    JWT_FAIL_JWS_INVALID);
	(void)snprintf(buf, sizeof(buf), "Bearer  %s", bearer("a") + 7);
	check("two spaces before the token", a, buf, T0, USERCGI_UNAUTH,
	    JWT_FAIL_JWS_INVALID);
	(void)snprintf(buf, sizeof(buf), "%s ", bearer("a"));
	check("space after the token", a, buf, T0, USERCGI_UNAUTH,
	    JWT_FAIL_JWS_INVALID);
	check("valid token", a, bearer("a"), T0, USERCGI_OK, JWT_FAIL_NONE);
	{
		enum jwt_fail	f = JWT_FAIL_NONE;

		tap_int(auth_check(a, "Bearer x", T0, &f), USERCGI_UNAUTH,
		    "bad token: USERCGI_UNAUTH");
		tap_str(jwt_fail_code(f), "ERR_JWS_INVALID",
		    "bad token: jose code for the response data");
	}
}

/* auth_bearer reads the header exactly as auth_check does. */
static void
test_bearer(void)
{
	const char	*tok = "unset";
	size_t		 len = 99;

	tap_int(auth_bearer(NULL, &tok, &len), USERCGI_AUTH_MISSING,
	    "bearer: absent");
	tap_ok(tok == NULL && len == 0, "bearer: absent gives no token");
	tap_int(auth_bearer("", &tok, &len), USERCGI_AUTH_MISSING,
	    "bearer: empty");
	tap_int(auth_bearer("bearer x", &tok, &len), USERCGI_AUTH_TYPE,
	    "bearer: lower case");
	tap_int(auth_bearer("Bearer", &tok, &len), USERCGI_UNAUTH,
	    "bearer: no space");
	tap_int(auth_bearer("Bearer\tx", &tok, &len), USERCGI_UNAUTH,
	    "bearer: tab");
	tap_int(auth_bearer("Bearer ", &tok, &len), USERCGI_OK,
	    "bearer: empty token is one to verify");
	tap_int((long long)len, 0, "bearer: of length 0");
	tap_int(auth_bearer("Bearer a.b.c", &tok, &len), USERCGI_OK,
	    "bearer: token");
	tap_str(tok, "a.b.c", "bearer: token text");
	tap_int((long long)len, 5, "bearer: token length");
}

/* Every input of auth_token_key changes the key. */
static void
test_token_key(void)
{
	struct jwt_policy	 p0 = { "i", "a", "s", 1, 0 }, p;
	unsigned char		 sha[AUTH_KEY_LEN], sha2[AUTH_KEY_LEN];
	unsigned char		 k0[AUTH_KEY_LEN], k[AUTH_KEY_LEN];
	static const unsigned char zero[AUTH_KEY_LEN];
	int			 differ = 0;

	memset(sha, 0x11, sizeof(sha));
	memset(sha2, 0x11, sizeof(sha2));
	sha2[31] ^= 1;
	tap_int(auth_token_key(sha, &p0, "t.t.t", 5, k0), USERCGI_OK,
	    "token key: computed");
	tap_int(auth_token_key(sha, &p0, "t.t.t", 5, k), USERCGI_OK,
	    "token key: again");
	tap_ok(memcmp(k0, k, sizeof(k)) == 0, "token key: deterministic");
	tap_ok(memcmp(k0, zero, sizeof(zero)) != 0, "token key: not zero");
#define DIFFERS(name, shaarg, parg, tok, len) do {			\
	(void)auth_token_key((shaarg), (parg), (tok), (len), k);	\
	tap_ok(memcmp(k0, k, sizeof(k)) != 0, "token key: " name);	\
	differ++;							\
} while (0)
	DIFFERS("another JWKS", sha2, &p0, "t.t.t", 5);
	DIFFERS("another token byte", sha, &p0, "t.t.u", 5);
	DIFFERS("a shorter token", sha, &p0, "t.t.t", 4);
	p = p0; p.issuer = "j";
	DIFFERS("another issuer", sha, &p, "t.t.t", 5);
	p = p0; p.issuer = NULL;
	DIFFERS("no issuer", sha, &p, "t.t.t", 5);
	p = p0; p.audience = "b";
	DIFFERS("another audience", sha, &p, "t.t.t", 5);
	p = p0; p.scope = "r";
	DIFFERS("another scope", sha, &p, "t.t.t", 5);
	p = p0; p.require_exp = 0;
	DIFFERS("exp not required", sha, &p, "t.t.t", 5);
	p = p0; p.leeway = 30;
	DIFFERS("another leeway", sha, &p, "t.t.t", 5);
	/* Moving bytes between members must not give the same input. */
	p = p0; p.issuer = "ia"; p.audience = "";
	DIFFERS("issuer/audience boundary", sha, &p, "t.t.t", 5);
	p = p0; p.scope = "";
	(void)auth_token_key(sha, &p, "t.t.t", 5, k0);
	p.scope = NULL;
	(void)auth_token_key(sha, &p, "t.t.t", 5, k);
	tap_ok(memcmp(k0, k, sizeof(k)) != 0, "token key: \"\" and none differ");
#undef DIFFERS
	tap_int(differ, 10, "token key: every variation checked");
}

/*
 * auth_check_key reports the key of the key set it verified with and the
 * token's exp; auth_jwks_digest of the same file gives the same key.
 */
static void
test_check_key(const struct jwt_policy *pol)
{
	struct auth		*a = NULL;
	unsigned char		 got[AUTH_KEY_LEN], want[AUTH_KEY_LEN];
	unsigned char		 sha[AUTH_KEY_LEN];
	const char		*hdr, *tok;
	size_t			 len;
	enum jwt_fail		 f;
	int64_t			 exp = 0;
	char			 noexp[4096];

	write_jwks("k", 0);
	tap_ok(auth_new(path, pol, &a) == USERCGI_OK, "check_key: auth_new");
	hdr = bearer("k");
	memset(got, 0, sizeof(got));
	tap_int(auth_check_key(a, hdr, T0, &f, got, &exp), USERCGI_OK,
	    "check_key: valid token");
	tap_int(exp, 1800000000, "check_key: the token's exp");
	tap_int(auth_jwks_digest(path, sha, NULL), USERCGI_OK,
	    "check_key: digest of the JWKS file");
	(void)auth_bearer(hdr, &tok, &len);
	tap_int(auth_token_key(sha, pol, tok, len, want), USERCGI_OK,
	    "check_key: key from the file");
	tap_ok(memcmp(got, want, sizeof(got)) == 0,
	    "check_key: the same key as from a fresh read of the file");
	exp = 0;
	tap_int(auth_check_key(a, "Bearer x.y.z", T0, &f, got, &exp),
	    USERCGI_UNAUTH, "check_key: bad token");
	tap_int(exp, -1, "check_key: no exp for a bad token");
	(void)snprintf(noexp, sizeof(noexp), "Bearer %s", tk_token(&key,
	    "{\"alg\":\"EdDSA\",\"kid\":\"k\"}",
	    "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u\","
	    "\"scope\":\"all\"}"));
	auth_free(a);
	a = NULL;
	{
		struct jwt_policy	p = *pol;

		p.require_exp = 0;
		tap_ok(auth_new(path, &p, &a) == USERCGI_OK,
		    "check_key: auth_new, exp not required");
		exp = 0;
		tap_int(auth_check_key(a, noexp, T0, &f, got, &exp), USERCGI_OK,
		    "check_key: token without exp accepted");
		tap_int(exp, -1, "check_key: nothing to remember without exp");
	}
	auth_free(a);
	tap_int(auth_jwks_digest("/nonexistent/jwks.json", sha, NULL),
	    USERCGI_INTERNAL, "check_key: missing file has no digest");
}

/* auth_token_sub reads the subject of an accepted token's payload. */
static void
test_token_sub(void)
{
	char	sub[8], hdr[4096];

	tap_int(auth_token_sub(bearer("a"), sub, sizeof(sub)), USERCGI_OK,
	    "token sub: read");
	tap_str(sub, "u", "token sub: the subject");
	(void)snprintf(hdr, sizeof(hdr), "Bearer %s", tk_token(&key,
	    "{\"alg\":\"EdDSA\",\"kid\":\"a\"}", "{\"sub\":\"1234567\"}"));
	tap_int(auth_token_sub(hdr, sub, sizeof(sub)), USERCGI_OK,
	    "token sub: longest that fits");
	tap_str(sub, "1234567", "token sub: seven bytes");
	(void)snprintf(hdr, sizeof(hdr), "Bearer %s", tk_token(&key,
	    "{\"alg\":\"EdDSA\",\"kid\":\"a\"}", "{\"sub\":\"12345678\"}"));
	tap_int(auth_token_sub(hdr, sub, sizeof(sub)), USERCGI_TOO_LARGE,
	    "token sub: too long for the buffer");
	tap_str(sub, "", "token sub: nothing copied when too long");
	(void)snprintf(hdr, sizeof(hdr), "Bearer %s", tk_token(&key,
	    "{\"alg\":\"EdDSA\",\"kid\":\"a\"}", "{\"sub\":\"a\\u0000b\"}"));
	tap_int(auth_token_sub(hdr, sub, sizeof(sub)), USERCGI_TOO_LARGE,
	    "token sub: a NUL inside is refused");
	(void)snprintf(hdr, sizeof(hdr), "Bearer %s", tk_token(&key,
	    "{\"alg\":\"EdDSA\",\"kid\":\"a\"}", "{\"sub\":1}"));
	tap_int(auth_token_sub(hdr, sub, sizeof(sub)), USERCGI_UNAUTH,
	    "token sub: not a string");
	tap_int(auth_token_sub("Bearer a.!!.c", sub, sizeof(sub)),
	    USERCGI_UNAUTH, "token sub: payload not base64url");
	tap_int(auth_token_sub("Bearer a.e30", sub, sizeof(sub)),
	    USERCGI_UNAUTH, "token sub: only two parts");
	tap_int(auth_token_sub("Bearer a.W10.c", sub, sizeof(sub)),
	    USERCGI_UNAUTH, "token sub: payload an array");
	tap_int(auth_token_sub(NULL, sub, sizeof(sub)), USERCGI_UNAUTH,
	    "token sub: no header");
}

int
main(void)
{
	struct jwt_policy	 pol = { NULL, NULL, NULL, 1, 0 };
	struct auth		*a = NULL;
	struct tokcache		*tokens;
	struct stat		 st;
	char			 iss[] = ISS, aud[] = AUD, scope[] = "all";
	int			 fd;

	log_setup(LOG_LVL_ERR, "test_auth");
	(void)snprintf(path, sizeof(path), "/tmp/test_auth.XXXXXX");
	if ((fd = mkstemp(path)) == -1 || tk_key_new(&key) != 0) {
		printf("Bail out! setup\n");
		return 1;
	}
	(void)close(fd);
	if (stat(path, &st) == 0)
		fixed_mtime = st.st_mtim;
	write_jwks("a", 1);

	/* The policy strings are copied: scribble over ours afterwards. */
	pol.issuer = iss;
	pol.audience = aud;
	pol.scope = scope;
	tap_ok(auth_new(path, &pol, &a) == USERCGI_OK && a != NULL,
	    "auth_new loads the JWKS");
	memset(iss, 'x', sizeof(iss) - 1);
	memset(aud, 'x', sizeof(aud) - 1);
	memset(scope, 'x', sizeof(scope) - 1);
	if (a == NULL)
		return tap_done();
	test_header(a);
	test_bearer();
	test_token_key();

	/* Same inode, size and mtime: only an unknown kid finds kid b. */
	write_jwks("b", 1);
	check("kid a still valid from memory", a, bearer("a"), T0 + 1,
	    USERCGI_OK, JWT_FAIL_NONE);
	write_jwks("b", 1);
	check("unknown kid b: one re-read finds it", a, bearer("b"), T0 + 1,
	    USERCGI_OK, JWT_FAIL_NONE);
	check("kid a gone after the re-read", a, bearer("a"), T0 + 1,
	    USERCGI_UNAUTH, JWT_FAIL_NO_KEY);
	write_jwks("c", 1);
	check("unknown kid c within 5 s: no second re-read", a, bearer("c"),
	    T0 + 5, USERCGI_UNAUTH, JWT_FAIL_NO_KEY);
	check("unknown kid c after 5 s: re-read", a, bearer("c"), T0 + 6,
	    USERCGI_OK, JWT_FAIL_NONE);

	/* A visible change is picked up by stat(), at most once a second. */
	write_jwks("d", 0);
	check("kid d in the same second: neither stat nor re-read", a,
	    bearer("d"), T0 + 6, USERCGI_UNAUTH, JWT_FAIL_NO_KEY);
	check("kid d a second later: stat sees the change", a, bearer("d"),
	    T0 + 7, USERCGI_OK, JWT_FAIL_NONE);
	write_jwks("e", 0);
	check("kid d still valid within the second", a, bearer("d"), T0 + 7,
	    USERCGI_OK, JWT_FAIL_NONE);
	check("kid d gone after the next stat", a, bearer("d"), T0 + 8,
	    USERCGI_UNAUTH, JWT_FAIL_NO_KEY);
	check("kid e valid", a, bearer("e"), T0 + 8, USERCGI_OK, JWT_FAIL_NONE);

	/* Missing file: fail closed; back again: keys return. */
	(void)unlink(path);
	check("file removed: refused", a, bearer("e"), T0 + 9, USERCGI_UNAUTH,
	    JWT_FAIL_NO_KEY);
	check("file removed: header checks still apply", a, NULL, T0 + 9,
	    USERCGI_AUTH_MISSING, JWT_FAIL_NONE);
	write_jwks("e", 0);
	check("file back: accepted", a, bearer("e"), T0 + 10, USERCGI_OK,
	    JWT_FAIL_NONE);
	/* Broken file: fail closed. */
	if ((fd = open(path, O_WRONLY | O_TRUNC)) != -1) {
		(void)!write(fd, "{\"keys\":", 8);
		(void)close(fd);
	}
	check("file broken: refused", a, bearer("e"), T0 + 11, USERCGI_UNAUTH,
	    JWT_FAIL_NO_KEY);
	write_jwks("e", 0);
	check("file fixed: accepted", a, bearer("e"), T0 + 12, USERCGI_OK,
	    JWT_FAIL_NONE);
	/* The clock going backwards does not stop stat(). */
	write_jwks("f", 0);
	check("clock went back: stat again", a, bearer("f"), T0 - 100,
	    USERCGI_OK, JWT_FAIL_NONE);
	auth_free(a);
	a = NULL;

	/* Created with no file: every token refused, not a crash. */
	(void)unlink(path);
	pol.issuer = ISS;
	pol.audience = AUD;
	pol.scope = "all";
	tap_ok(auth_new(path, &pol, &a) == USERCGI_OK,
	    "auth_new with a missing file succeeds");
	check("missing file: token refused", a, bearer("f"), T0,
	    USERCGI_UNAUTH, JWT_FAIL_NO_KEY);
	write_jwks("f", 0);
	check("file appears: next stat loads it", a, bearer("f"), T0 + 1,
	    USERCGI_OK, JWT_FAIL_NONE);
	auth_free(a);

	/*
	 * The token cache: a repeated token is not verified again (an
	 * invisible key change does not affect it), but a visible JWKS change
	 * flushes it, and an entry never outlives the token's exp.
	 */
	write_jwks("g", 0);
	tokens = tokcache_new(4);
	tap_ok(tokens != NULL && auth_new(path, &pol, &a) == USERCGI_OK,
	    "auth with a token cache");
	auth_use_cache(a, tokens);
	check("cache: first use verifies", a, bearer("g"), T0, USERCGI_OK,
	    JWT_FAIL_NONE);
	tap_int((long long)tokcache_count(a->cache), 1, "cache: one entry");
	{
		/*
		 * Without keys (and no re-read allowed), only the cache can
		 * accept the token.
		 */
		struct jwks	*keys = a->keys;

		a->keys = NULL;
		a->kid_reloaded = 1;
		a->last_kid_reload = T0;
		check("cache: repeated token is not verified again", a,
		    bearer("g"), T0, USERCGI_OK, JWT_FAIL_NONE);
		a->keys = keys;
	}
	write_jwks("i", 0);
	check("cache: a JWKS change flushes it", a, bearer("g"), T0 + 2,
	    USERCGI_UNAUTH, JWT_FAIL_NO_KEY);
	tap_int((long long)tokcache_count(a->cache), 0, "cache: emptied");
	write_jwks("g", 0);
	check("cache: verified again with the key back", a, bearer("g"),
	    T0 + 4, USERCGI_OK, JWT_FAIL_NONE);
	check("cache: not past the token's exp", a, bearer("g"),
	    INT64_C(1800000000), USERCGI_UNAUTH, JWT_FAIL_EXPIRED);
	auth_free(a);
	tokcache_free(tokens);
	tap_ok(auth_new(NULL, &pol, &a) == USERCGI_OK, "auth_new with no path");
	check("no path: token refused", a, bearer("f"), T0, USERCGI_UNAUTH,
	    JWT_FAIL_NO_KEY);
	auth_free(a);
	auth_free(NULL);
	test_check_key(&pol);
	test_token_sub();
	(void)unlink(path);
	EVP_PKEY_free(key.pk);
	return tap_done();
}
