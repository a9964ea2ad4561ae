/*
 * test_jws.c: the JWS layer against the RFC 7515 A.2 (RS256), A.3
 * (ES256), A.4 (ES512) and RFC 8037 A.4 (Ed25519) examples and their
 * mutations (signature length, r/s out of range, DER, flipped bits,
 * non-canonical base64url); JWKS import edge cases; and every claim rule
 * (bearer-tokens.md 12-14) with the clock as a parameter.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "b64.h"
#include "jwks.h"
#include "jwt.h"
#include "log.h"
#include "tap.h"
#include "jwt_testkit.h"

/* RFC 7515 A.2: RSA key and JWS. */
#define A2_N	"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
#define A_PAY	"eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
#define A_PAY_JSON "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"
#define A2_SIG	"cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"
#define A2_JWS	"eyJhbGciOiJSUzI1NiJ9." A_PAY "." A2_SIG
#define A2_JWKS	"{\"keys\":[{\"kty\":\"RSA\",\"n\":\"" A2_N "\",\"e\":\"AQAB\"}]}"

/* RFC 7515 A.3: P-256 key and JWS. */
#define A3_JWKS	"{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"%s}]}"
#define A3_HP	"eyJhbGciOiJFUzI1NiJ9." A_PAY
#define A3_SIG	"DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"

/* RFC 7515 A.4: P-521 key and JWS over "Payload". */
#define A4_JWKS	"{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-521\",\"x\":\"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk\",\"y\":\"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2\"}]}"
#define A4_HP	"eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA"
#define A4_SIG	"AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn"

/* RFC 8037 A.4: Ed25519 key and JWS. */
#define E4_JWKS	"{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}"
#define E4_HP	"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
#define E4_SIG	"hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"

/* The order n of P-256 (SEC 2 §2.4.2). */
static const char p256_n[] =
    "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";

static struct jwks *
load(const char *json)
{
	struct jwks	*k = NULL;

	if (jwks_load_mem(json, strlen(json), &k) != USERCGI_OK)
		return NULL;
	return k;
}

/*
 * Runs jws_verify on tok against jwks and checks the result, the failure
 * and (on success) the payload.
 */
static void
check_jws(const char *name, const char *jwks, const char *tok,
    enum usercgi_err want, enum jwt_fail want_fail, const char *want_payload)
{
	struct jwks	*k = load(jwks);
	unsigned char	*pay = NULL;
	size_t		 plen = 0;
	enum jwt_fail	 f = JWT_FAIL_MAX;
	int		 reload = -1;
	enum usercgi_err rc;
	int		 ok;

	rc = jws_verify(k, tok, strlen(tok), &pay, &plen, &f, &reload);
	ok = k != NULL && rc == want && f == want_fail;
	if (ok && want == USERCGI_OK)
		ok = want_payload == NULL || (plen == strlen(want_payload) &&
		    memcmp(pay, want_payload, plen) == 0);
	if (ok && want != USERCGI_OK)
		ok = pay == NULL && plen == 0;
	tap_ok(ok, name);
	if (!ok)
		printf("#   got rc %d fail %s, want rc %d fail %s\n", (int)rc,
		    jwt_fail_name(f) ? jwt_fail_name(f) : "none", (int)want,
		    jwt_fail_name(want_fail) ? jwt_fail_name(want_fail) : "none");
	free(pay);
	jwks_free(k);
}

/* Encodes sig (len bytes) after "hp." into a token in a static buffer. */
static const char *
with_sig(const char *hp, const unsigned char *sig, size_t len)
{
	static char	out[4096];
	size_t		n = strlen(hp);

	memcpy(out, hp, n);
	out[n++] = '.';
	if (len == 0)
		out[n] = '\0';
	else if (b64url_encode(sig, len, out + n, sizeof(out) - n) == 0)
		return "";
	return out;
}

static void
test_rfc_vectors(void)
{
	char	jwks[1024];

	(void)snprintf(jwks, sizeof(jwks), A3_JWKS, "");
	check_jws("RFC 7515 A.2 RS256 verifies", A2_JWKS, A2_JWS, USERCGI_OK,
	    JWT_FAIL_NONE, A_PAY_JSON);
	check_jws("RFC 7515 A.3 ES256 verifies", jwks, A3_HP "." A3_SIG,
	    USERCGI_OK, JWT_FAIL_NONE, A_PAY_JSON);
	check_jws("RFC 7515 A.4 ES512 verifies", A4_JWKS, A4_HP "." A4_SIG,
	    USERCGI_OK, JWT_FAIL_NONE, "Payload");
	check_jws("RFC 8037 A.4 Ed25519 verifies", E4_JWKS, E4_HP "." E4_SIG,
	    USERCGI_OK, JWT_FAIL_NONE, "Example of Ed25519 signing");

	/*
	 * The A.2/A.3 payloads are JWTs (iss "joe", exp 1300819380, no aud):
	 * with the clock inside their validity jwt_verify gets past the
	 * signature and stops at the missing aud (rule 13 is checked before
	 * exp, as jose does), never at the signature or the expiry.
	 */
	{
		struct jwt_policy	 pol = { "joe", "x", "all", 1, 0 };
		struct jwks		*k = load(A2_JWKS);
		enum jwt_fail		 f = JWT_FAIL_NONE;
		int			 reload;

		tap_ok(jwt_verify(k, A2_JWS, strlen(A2_JWS), &pol,
		    INT64_C(1300819379), NULL, 0, &f, &reload, NULL) ==
		    USERCGI_UNAUTH && f == JWT_FAIL_CLAIM,
		    "RFC 7515 A.2 as a JWT at exp - 1: signature ok, no aud");
		jwks_free(k);
		k = load(jwks);
		tap_ok(jwt_verify(k, A3_HP "." A3_SIG, strlen(A3_HP "." A3_SIG),
		    &pol, INT64_C(1300819379), NULL, 0, &f, &reload, NULL) ==
		    USERCGI_UNAUTH && f == JWT_FAIL_CLAIM,
		    "RFC 7515 A.3 as a JWT at exp - 1: signature ok, no aud");
		jwks_free(k);
	}

	/* Cross-wiring keys and vectors. */
	check_jws("A.3 signature against the A.4 key: no P-256 key", A4_JWKS,
	    A3_HP "." A3_SIG, USERCGI_UNAUTH, JWT_FAIL_NO_KEY, NULL);
	check_jws("A.2 signature against the Ed25519 key", E4_JWKS, A2_JWS,
	    USERCGI_UNAUTH, JWT_FAIL_NO_KEY, NULL);
	check_jws("A.2 signature relabelled PS256", A2_JWKS,
	    "eyJhbGciOiJQUzI1NiJ9." A_PAY "." A2_SIG, USERCGI_UNAUTH,
	    JWT_FAIL_SIGNATURE, NULL);
	check_jws("A.2 signature relabelled RS384", A2_JWKS,
	    "eyJhbGciOiJSUzM4NCJ9." A_PAY "." A2_SIG, USERCGI_UNAUTH,
	    JWT_FAIL_SIGNATURE, NULL);
	(void)snprintf(jwks, sizeof(jwks), A3_JWKS, ",\"alg\":\"ES384\"");
	check_jws("A.3 against its key marked alg ES384", jwks,
	    A3_HP "." A3_SIG, USERCGI_UNAUTH, JWT_FAIL_NO_KEY, NULL);
	(void)snprintf(jwks, sizeof(jwks), A3_JWKS, ",\"alg\":\"ES256\",\"use\":\"sig\",\"key_ops\":[\"verify\"]");
	check_jws("A.3 against its key with alg, use, key_ops", jwks,
	    A3_HP "." A3_SIG, USERCGI_OK, JWT_FAIL_NONE, A_PAY_JSON);
	(void)snprintf(jwks, sizeof(jwks), A3_JWKS, ",\"use\":\"enc\"");
	check_jws("A.3 against its key with use enc", jwks,
	    A3_HP "." A3_SIG, USERCGI_UNAUTH, JWT_FAIL_NO_KEY, NULL);
	(void)snprintf(jwks, sizeof(jwks), A3_JWKS, ",\"key_ops\":[\"sign\"]");
	check_jws("A.3 against its key with key_ops [sign]", jwks,
	    A3_HP "." A3_SIG, USERCGI_UNAUTH, JWT_FAIL_NO_KEY, NULL);
	(void)snprintf(jwks, sizeof(jwks), A3_JWKS, ",\"kid\":\"k\"");
	check_jws("A.3 without kid, key has one: tried", jwks,
	    A3_HP "." A3_SIG, USERCGI_OK, JWT_FAIL_NONE, A_PAY_JSON);
	check_jws("empty key set", "{\"keys\":[]}", A3_HP "." A3_SIG,
	    USERCGI_UNAUTH, JWT_FAIL_NO_KEY, NULL);
}

/* ES256 signatures that must fail, built from the A.3 signature. */
static void
test_es_mutations(void)
{
	unsigned char	 sig[64], m[160], n[32];
	unsigned char	*der = NULL, *p;
	char		 jwks[1024];
	size_t		 len, i;
	BIGNUM		*r = NULL, *s = NULL, *bn = NULL, *hs = NULL;
	ECDSA_SIG	*es = NULL;
	int		 derlen;

	(void)snprintf(jwks, sizeof(jwks), A3_JWKS, "");
	if (b64url_decode(A3_SIG, strlen(A3_SIG), sig, sizeof(sig), &len) != 0 ||
	    len != 64)
		tap_ok(0, "decode A.3 signature");
	for (i = 0; i < 32; i++) {
		unsigned int	v;

		(void)sscanf(p256_n + 2 * i, "%2x", &v);
		n[i] = (unsigned char)v;
	}
	memcpy(m, sig, 64);
	m[10] ^= 0x01;
	check_jws("ES256 flipped bit in r", jwks, with_sig(A3_HP, m, 64),
	    USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
	memcpy(m, sig, 64);
	m[63] ^= 0x80;
	check_jws("ES256 flipped bit in s", jwks, with_sig(A3_HP, m, 64),
	    USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
	check_jws("ES256 signature of 63 bytes", jwks, with_sig(A3_HP, sig, 63),
	    USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
	memcpy(m, sig, 64);
	m[64] = 0;
	check_jws("ES256 signature of 65 bytes", jwks, with_sig(A3_HP, m, 65),
	    USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
	m[0] = 0;
	memcpy(m + 1, sig, 64);
	check_jws("ES256 signature of 65 bytes, leading zero", jwks,
	    with_sig(A3_HP, m, 65), USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
	memset(m, 0, 128);
	memcpy(m + 32, sig, 32);
	memcpy(m + 96, sig + 32, 32);
	check_jws("ES256 signature of 128 bytes (zero-padded r, s)", jwks,
	    with_sig(A3_HP, m, 128), USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
	memcpy(m, sig, 64);
	memset(m, 0, 32);
	check_jws("ES256 r = 0", jwks, with_sig(A3_HP, m, 64), USERCGI_UNAUTH,
	    JWT_FAIL_SIGNATURE, NULL);
	memcpy(m, sig, 64);
	memset(m + 32, 0, 32);
	check_jws("ES256 s = 0", jwks, with_sig(A3_HP, m, 64), USERCGI_UNAUTH,
	    JWT_FAIL_SIGNATURE, NULL);
	memset(m, 0, 64);
	check_jws("ES256 r = s = 0", jwks, with_sig(A3_HP, m, 64),
	    USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
	memcpy(m, sig, 64);
	memcpy(m, n, 32);
	check_jws("ES256 r = n", jwks, with_sig(A3_HP, m, 64), USERCGI_UNAUTH,
	    JWT_FAIL_SIGNATURE, NULL);
	memcpy(m, sig, 64);
	memcpy(m + 32, n, 32);
	check_jws("ES256 s = n", jwks, with_sig(A3_HP, m, 64), USERCGI_UNAUTH,
	    JWT_FAIL_SIGNATURE, NULL);
	memset(m, 0xff, 64);
	check_jws("ES256 r = s = 2^256 - 1", jwks, with_sig(A3_HP, m, 64),
	    USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
	check_jws("ES256 empty signature", jwks, with_sig(A3_HP, sig, 0),
	    USERCGI_UNAUTH, JWT_FAIL_JWS_INVALID, NULL);

	/* The same (r, s) DER-encoded instead of R||S. */
	if ((r = BN_bin2bn(sig, 32, NULL)) == NULL ||
	    (s = BN_bin2bn(sig + 32, 32, NULL)) == NULL ||
	    (es = ECDSA_SIG_new()) == NULL || ECDSA_SIG_set0(es, r, s) != 1 ||
	    (derlen = i2d_ECDSA_SIG(es, NULL)) <= 0 ||
	    (der = malloc((size_t)derlen)) == NULL)
		tap_ok(0, "DER encode");
	else {
		r = s = NULL;
		p = der;
		(void)i2d_ECDSA_SIG(es, &p);
		check_jws("ES256 DER-encoded signature", jwks,
		    with_sig(A3_HP, der, (size_t)derlen), USERCGI_UNAUTH,
		    JWT_FAIL_SIGNATURE, NULL);
	}

	/* (r, n - s) is the other valid signature: JWS has no low-S rule. */
	if ((bn = BN_bin2bn(n, 32, NULL)) != NULL &&
	    (hs = BN_bin2bn(sig + 32, 32, NULL)) != NULL &&
	    BN_sub(hs, bn, hs) == 1 && BN_bn2binpad(hs, m + 32, 32) == 32) {
		memcpy(m, sig, 32);
		check_jws("ES256 (r, n - s) verifies", jwks,
		    with_sig(A3_HP, m, 64), USERCGI_OK, JWT_FAIL_NONE, NULL);
		/* (r, s + n) does not fit 32 bytes; (r - n) would be negative. */
	} else
		tap_ok(0, "compute n - s");
	BN_free(bn);
	BN_free(hs);
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	free(der);

	/* ES512: 132 bytes exactly. */
	if (b64url_decode(A4_SIG, strlen(A4_SIG), m, sizeof(m), &len) != 0 ||
	    len != 132)
		tap_ok(0, "decode A.4 signature");
	check_jws("ES512 signature of 131 bytes", A4_JWKS,
	    with_sig(A4_HP, m, 131), USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
	m[132] = 0;
	check_jws("ES512 signature of 133 bytes", A4_JWKS,
	    with_sig(A4_HP, m, 133), USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
	m[100] ^= 0x04;
	check_jws("ES512 flipped bit", A4_JWKS, with_sig(A4_HP, m, 132),
	    USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
}

static void
test_other_mutations(void)
{
	unsigned char	sig[600];
	char		jwks[1024];
	size_t		len;

	(void)snprintf(jwks, sizeof(jwks), A3_JWKS, "");
	/* Ed25519. */
	(void)b64url_decode(E4_SIG, strlen(E4_SIG), sig, sizeof(sig), &len);
	sig[5] ^= 0x20;
	check_jws("Ed25519 flipped bit", E4_JWKS, with_sig(E4_HP, sig, 64),
	    USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
	sig[5] ^= 0x20;
	check_jws("Ed25519 signature of 63 bytes", E4_JWKS,
	    with_sig(E4_HP, sig, 63), USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
	sig[64] = 0;
	check_jws("Ed25519 signature of 65 bytes", E4_JWKS,
	    with_sig(E4_HP, sig, 65), USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
	check_jws("Ed25519 signature over another payload", E4_JWKS,
	    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmg." E4_SIG,
	    USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);

	/* RSA. */
	(void)b64url_decode(A2_SIG, strlen(A2_SIG), sig, sizeof(sig), &len);
	sig[200] ^= 0x01;
	check_jws("RS256 flipped bit", A2_JWKS,
	    with_sig("eyJhbGciOiJSUzI1NiJ9." A_PAY, sig, len), USERCGI_UNAUTH,
	    JWT_FAIL_SIGNATURE, NULL);
	sig[200] ^= 0x01;
	check_jws("RS256 signature one byte short", A2_JWKS,
	    with_sig("eyJhbGciOiJSUzI1NiJ9." A_PAY, sig + 1, len - 1),
	    USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);
	memmove(sig + 1, sig, len);
	sig[0] = 0;
	check_jws("RS256 signature with a leading zero byte", A2_JWKS,
	    with_sig("eyJhbGciOiJSUzI1NiJ9." A_PAY, sig, len + 1),
	    USERCGI_UNAUTH, JWT_FAIL_SIGNATURE, NULL);

	/* Non-canonical base64url: same bytes, other characters. */
	check_jws("payload with non-zero trailing bits (fQ -> fR)", jwks,
	    "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfR." A3_SIG,
	    USERCGI_UNAUTH, JWT_FAIL_JWS_INVALID, NULL);
	check_jws("signature with non-zero trailing bits", jwks,
	    A3_HP ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1R",
	    USERCGI_UNAUTH, JWT_FAIL_JWS_INVALID, NULL);
	check_jws("signature with '=' padding", jwks, A3_HP "." A3_SIG "==",
	    USERCGI_UNAUTH, JWT_FAIL_JWS_INVALID, NULL);
	check_jws("signature in standard base64 (+)", jwks,
	    A3_HP ".DtEhU3ljbEg8L38VWAfUAqOyKAM6+Xx+F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3+Kg6NU1Q",
	    USERCGI_UNAUTH, JWT_FAIL_JWS_INVALID, NULL);
	check_jws("header with '=' padding", jwks,
	    "eyJhbGciOiJFUzI1NiJ9=." A_PAY "." A3_SIG, USERCGI_UNAUTH,
	    JWT_FAIL_JWS_INVALID, NULL);
	check_jws("white space in the payload", jwks,
	    "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkz ODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ." A3_SIG,
	    USERCGI_UNAUTH, JWT_FAIL_JWS_INVALID, NULL);

	/* Structure. */
	check_jws("empty token", jwks, "", USERCGI_UNAUTH,
	    JWT_FAIL_JWS_INVALID, NULL);
	check_jws("two parts", jwks, A3_HP, USERCGI_UNAUTH,
	    JWT_FAIL_JWS_INVALID, NULL);
	check_jws("four parts", jwks, A3_HP "." A3_SIG "." A3_SIG,
	    USERCGI_UNAUTH, JWT_FAIL_JWS_INVALID, NULL);
	check_jws("trailing dot", jwks, A3_HP "." A3_SIG ".", USERCGI_UNAUTH,
	    JWT_FAIL_JWS_INVALID, NULL);
	check_jws("five parts (JWE)", jwks, "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d",
	    USERCGI_UNAUTH, JWT_FAIL_JWS_INVALID, NULL);
	check_jws("empty header", jwks, "." A_PAY "." A3_SIG, USERCGI_UNAUTH,
	    JWT_FAIL_JWS_INVALID, NULL);
	check_jws("empty payload", jwks, "eyJhbGciOiJFUzI1NiJ9.." A3_SIG,
	    USERCGI_UNAUTH, JWT_FAIL_JWS_INVALID, NULL);
	check_jws("JSON serialisation", jwks,
	    "{\"payload\":\"" A_PAY "\",\"protected\":\"eyJhbGciOiJFUzI1NiJ9\",\"signature\":\"" A3_SIG "\"}",
	    USERCGI_UNAUTH, JWT_FAIL_JWS_INVALID, NULL);
	/* alg none: the A.5 unsecured JWS and one with a signature. */
	check_jws("RFC 7515 A.5 alg none, empty signature", jwks,
	    "eyJhbGciOiJub25lIn0." A_PAY ".", USERCGI_UNAUTH,
	    JWT_FAIL_JWS_INVALID, NULL);
	check_jws("alg none with a signature", jwks,
	    "eyJhbGciOiJub25lIn0." A_PAY "." A3_SIG, USERCGI_UNAUTH,
	    JWT_FAIL_ALG, NULL);
	/* RFC 7515 A.1 (HS256) against the RSA key: alg refused. */
	check_jws("RFC 7515 A.1 HS256 refused", A2_JWKS,
	    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." A_PAY ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
	    USERCGI_UNAUTH, JWT_FAIL_ALG, NULL);

	/* Length cap: 8193 bytes are refused before anything is decoded. */
	{
		char	*big = malloc(JWT_MAX_TOKEN + 2);

		if (big == NULL)
			return;
		memset(big, 'A', JWT_MAX_TOKEN + 1);
		big[10] = '.';
		big[20] = '.';
		big[JWT_MAX_TOKEN + 1] = '\0';
		check_jws("token of 8193 bytes", jwks, big, USERCGI_UNAUTH,
		    JWT_FAIL_JWS_INVALID, NULL);
		free(big);
	}
}

/* Header rules 3-6 with the A.3 signature: each header is refused before any key is used. */
static void
test_headers(void)
{
	static const struct {
		const char	*name, *hdr;
		enum jwt_fail	 want;
	} cases[] = {
		{ "alg missing", "{\"typ\":\"JWT\"}", JWT_FAIL_JWS_INVALID },
		{ "alg number", "{\"alg\":256}", JWT_FAIL_JWS_INVALID },
		{ "alg null", "{\"alg\":null}", JWT_FAIL_JWS_INVALID },
		{ "alg none", "{\"alg\":\"none\"}", JWT_FAIL_ALG },
		{ "alg HS256", "{\"alg\":\"HS256\"}", JWT_FAIL_ALG },
		{ "alg ES256K", "{\"alg\":\"ES256K\"}", JWT_FAIL_ALG },
		{ "alg RS1", "{\"alg\":\"RS1\"}", JWT_FAIL_ALG },
		{ "alg es256", "{\"alg\":\"es256\"}", JWT_FAIL_ALG },
		{ "alg ES256 with NUL", "{\"alg\":\"ES256\\u0000\"}", JWT_FAIL_ALG },
		{ "crit [exp]", "{\"alg\":\"ES256\",\"crit\":[\"exp\"]}", JWT_FAIL_CRIT },
		{ "crit []", "{\"alg\":\"ES256\",\"crit\":[]}", JWT_FAIL_JWS_INVALID },
		{ "crit string", "{\"alg\":\"ES256\",\"crit\":\"exp\"}", JWT_FAIL_JWS_INVALID },
		{ "crit [1]", "{\"alg\":\"ES256\",\"crit\":[1]}", JWT_FAIL_JWS_INVALID },
		{ "crit null", "{\"alg\":\"ES256\",\"crit\":null}", JWT_FAIL_JWS_INVALID },
		{ "b64 false", "{\"alg\":\"ES256\",\"b64\":false,\"crit\":[\"b64\"]}", JWT_FAIL_CRIT },
		{ "kid number", "{\"alg\":\"ES256\",\"kid\":1}", JWT_FAIL_JWS_INVALID },
		{ "kid null", "{\"alg\":\"ES256\",\"kid\":null}", JWT_FAIL_JWS_INVALID },
		{ "kid unknown", "{\"alg\":\"ES256\",\"kid\":\"x\"}", JWT_FAIL_NO_KEY },
		{ "header array", "[\"ES256\"]", JWT_FAIL_JWS_INVALID },
		{ "header null", "null", JWT_FAIL_JWS_INVALID },
		{ "header string", "\"ES256\"", JWT_FAIL_JWS_INVALID },
		{ "garbage after header", "{\"alg\":\"ES256\"}x", JWT_FAIL_JWS_INVALID },
		{ "header not JSON", "alg=ES256", JWT_FAIL_JWS_INVALID },
		{ "invalid UTF-8", "{\"alg\":\"ES256\",\"x\":\"\xc3\x28\"}", JWT_FAIL_JWS_INVALID },
		{ "trailing comma", "{\"alg\":\"ES256\",}", JWT_FAIL_JWS_INVALID },
	};
	char		 jwks[1024], tok[8192], h64[4096], name[128];
	size_t		 i;

	(void)snprintf(jwks, sizeof(jwks), A3_JWKS, ",\"kid\":\"k\"");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		(void)b64url_encode((const unsigned char *)cases[i].hdr,
		    strlen(cases[i].hdr), h64, sizeof(h64));
		(void)snprintf(tok, sizeof(tok), "%s." A_PAY "." A3_SIG, h64);
		(void)snprintf(name, sizeof(name), "header: %s", cases[i].name);
		check_jws(name, jwks, tok, USERCGI_UNAUTH, cases[i].want, NULL);
	}
	/* Nesting past the limit, and a header over 2048 bytes. */
	{
		char	hdr[3000];
		size_t	n = 0;

		n += (size_t)snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\",\"n\":");
		for (i = 0; i < 40; i++)
			hdr[n++] = '[';
		for (i = 0; i < 40; i++)
			hdr[n++] = ']';
		hdr[n++] = '}';
		hdr[n] = '\0';
		(void)b64url_encode((const unsigned char *)hdr, n, h64,
		    sizeof(h64));
		(void)snprintf(tok, sizeof(tok), "%s." A_PAY "." A3_SIG, h64);
		check_jws("header nested 41 deep", jwks, tok, USERCGI_UNAUTH,
		    JWT_FAIL_JWS_INVALID, NULL);
		n = (size_t)snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\",\"p\":\"");
		memset(hdr + n, 'a', 2100);
		n += 2100;
		hdr[n++] = '"';
		hdr[n++] = '}';
		hdr[n] = '\0';
		(void)b64url_encode((const unsigned char *)hdr, n, h64,
		    sizeof(h64));
		(void)snprintf(tok, sizeof(tok), "%s." A_PAY "." A3_SIG, h64);
		check_jws("header over 2048 bytes", jwks, tok, USERCGI_UNAUTH,
		    JWT_FAIL_JWS_INVALID, NULL);
	}
}

/* Loads json; returns the number of usable keys, or -1 with *rc. */
static int
kcount(const char *json, enum usercgi_err *rc)
{
	struct jwks	*k = NULL;
	int		 n;

	*rc = jwks_load_mem(json, strlen(json), &k);
	if (*rc != USERCGI_OK)
		return -1;
	n = (int)jwks_count(k);
	jwks_free(k);
	return n;
}

static void
test_jwks(void)
{
	static const struct {
		const char	*name, *json;
		int		 want;
	} cases[] = {
		{ "RFC 7515 A.2 RSA key", A2_JWKS, 1 },
		{ "RFC 7515 A.4 P-521 key", A4_JWKS, 1 },
		{ "RFC 8037 Ed25519 key", E4_JWKS, 1 },
		{ "empty set", "{\"keys\":[]}", 0 },
		{ "kid a number", "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"kid\":123}]}", 0 },
		{ "kty missing", "{\"keys\":[{\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}", 0 },
		{ "kty number", "{\"keys\":[{\"kty\":1}]}", 0 },
		{ "kty unknown", "{\"keys\":[{\"kty\":\"DSA\"}]}", 0 },
		{ "member not an object", "{\"keys\":[\"x\",1,null,[]]}", 0 },
		{ "oct key", "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}]}", 0 },
		{ "private d", "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\"}]}", 0 },
		{ "private p (even null)", "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"" A2_N "\",\"e\":\"AQAB\",\"p\":null}]}", 0 },
		{ "Ed448", "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed448\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}", 0 },
		{ "Ed25519 x of 33 bytes", "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURoA\"}]}", 0 },
		{ "Ed25519 x of 31 bytes", "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUQ\"}]}", 0 },
		{ "Ed25519 x a number", "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":5}]}", 0 },
		{ "P-256 x of 31 bytes", "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"zc4ncPbEXUGDy-5v20t7WAczNXvp7xO6z248e9FURQ\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}", 0 },
		{ "P-256 x of 33 bytes", "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AH_Nzidw9sRdQYPL7m_bS3tYBzM1e-nvE7rPbjx70VRF\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}", 0 },
		{ "P-256 point off the curve", "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a1\"}]}", 0 },
		{ "P-256 point (0, 0)", "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"y\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}]}", 0 },
		{ "P-256 key named P-384", "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}", 0 },
		{ "secp256k1", "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"secp256k1\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}", 0 },
		{ "x padded base64", "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU=\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}", 0 },
		{ "RSA e missing", "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"" A2_N "\"}]}", 0 },
		{ "RSA e a number", "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"" A2_N "\",\"e\":65537}]}", 0 },
		{ "alg a number", "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"" A2_N "\",\"e\":\"AQAB\",\"alg\":256}]}", 0 },
		{ "use a number", "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"" A2_N "\",\"e\":\"AQAB\",\"use\":1}]}", 0 },
		{ "key_ops a string", "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"" A2_N "\",\"e\":\"AQAB\",\"key_ops\":\"verify\"}]}", 0 },
		{ "key_ops with a number", "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"" A2_N "\",\"e\":\"AQAB\",\"key_ops\":[\"verify\",1]}]}", 0 },
		{ "one good key among bad", "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AA\"}," "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"},{\"kty\":\"EC\"}]}", 1 },
		{ "use enc kept (not a candidate)", "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"" A2_N "\",\"e\":\"AQAB\",\"use\":\"enc\"}]}", 1 },
	};
	static const struct {
		const char	*name, *json;
	} bad[] = {
		{ "not JSON", "{keys:[]}" },
		{ "top-level array", "[]" },
		{ "keys missing", "{}" },
		{ "keys an object", "{\"keys\":{}}" },
		{ "trailing garbage", "{\"keys\":[]}x" },
		{ "JSON null", "null" },
		{ "empty", "" },
	};
	enum usercgi_err	 rc;
	char			 name[160], *big;
	size_t			 i, n;
	int			 got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		(void)snprintf(name, sizeof(name), "jwks: %s -> %d keys",
		    cases[i].name, cases[i].want);
		got = kcount(cases[i].json, &rc);
		tap_int(got, cases[i].want, name);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		(void)snprintf(name, sizeof(name), "jwks: %s refused",
		    bad[i].name);
		got = kcount(bad[i].json, &rc);
		tap_ok(got == -1 && rc == USERCGI_INTERNAL, name);
	}
	/* JWKS_MAX_KEYS keys load; one more is refused. */
	if ((big = malloc(JWKS_MAX_FILE + 1)) == NULL)
		return;
	for (got = JWKS_MAX_KEYS; got <= JWKS_MAX_KEYS + 1; got++) {
		n = (size_t)snprintf(big, JWKS_MAX_FILE, "{\"keys\":[");
		for (i = 0; i < (size_t)got; i++)
			n += (size_t)snprintf(big + n, JWKS_MAX_FILE - n,
			    "%s{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"kid\":\"k%zu\"}",
			    i ? "," : "", i);
		(void)snprintf(big + n, JWKS_MAX_FILE - n, "]}");
		(void)snprintf(name, sizeof(name), "jwks: %d keys", got);
		tap_int(kcount(big, &rc), got == JWKS_MAX_KEYS ? got : -1, name);
	}
	/* RSA moduli: 1024 and 2047 bits refused, 2048 kept. */
	for (got = 0; got < 3; got++) {
		static const size_t	 bits[] = { 1024, 2047, 2048 };
		EVP_PKEY		*pk;
		BIGNUM			*bn = NULL;
		unsigned char		 nb[256];
		char			 n64[400];
		int			 nlen;

		if ((pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", bits[got])) ==
		    NULL || EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N,
		    &bn) != 1 || (nlen = BN_bn2bin(bn, nb)) <= 0 ||
		    b64url_encode(nb, (size_t)nlen, n64, sizeof(n64)) == 0)
			tap_ok(0, "make an RSA key");
		else {
			(void)snprintf(big, JWKS_MAX_FILE,
			    "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"AQAB\"}]}",
			    n64);
			(void)snprintf(name, sizeof(name), "jwks: RSA %zu bits",
			    bits[got]);
			tap_int(kcount(big, &rc), bits[got] >= 2048, name);
		}
		BN_free(bn);
		EVP_PKEY_free(pk);
	}
	/* A document over JWKS_MAX_FILE bytes. */
	memset(big, ' ', JWKS_MAX_FILE + 1);
	memcpy(big, "{\"keys\":[]}", 11);
	{
		struct jwks	*k = NULL;

		tap_ok(jwks_load_mem(big, JWKS_MAX_FILE + 1, &k) ==
		    USERCGI_INTERNAL && k == NULL,
		    "jwks: document over the size limit refused");
		tap_ok(jwks_load_mem(big, JWKS_MAX_FILE, &k) == USERCGI_OK &&
		    jwks_count(k) == 0, "jwks: document at the size limit read");
		jwks_free(k);
		k = NULL;
		free(big);

		tap_ok(jwks_load_file("/nonexistent/jwks.json", &k) ==
		    USERCGI_INTERNAL && k == NULL, "jwks: missing file refused");
		tap_ok(jwks_load_file("/", &k) == USERCGI_INTERNAL && k == NULL,
		    "jwks: directory refused");
		tap_ok(jwks_count(NULL) == 0 && jwks_key(NULL, 0) == NULL,
		    "jwks: NULL set is empty");
	}
}

#define NOW	INT64_C(1700000000)
#define ISS	"https://issuer.example/oidc"
#define AUD	"https://api.example"

static struct tk_key	 ck;
static struct jwks	*ckeys;

/*
 * Signs claims (a JSON text) with the test key and checks jwt_verify at
 * time now with policy pol.
 */
static void
check_claims(const char *name, const char *claims, const struct jwt_policy *pol,
    int64_t now, enum usercgi_err want, enum jwt_fail want_fail)
{
	const char		*tok = tk_token(&ck, "{\"alg\":\"EdDSA\",\"kid\":\"c\"}",
				    claims);
	char			 sub[16];
	enum jwt_fail		 f = JWT_FAIL_MAX;
	int			 reload = -1, ok;
	enum usercgi_err	 rc;

	rc = jwt_verify(ckeys, tok, strlen(tok), pol, now, sub, sizeof(sub),
	    &f, &reload, NULL);
	ok = rc == want && f == (want == USERCGI_UNAUTH ? want_fail :
	    JWT_FAIL_NONE) && reload == 0;
	tap_ok(ok, name);
	if (!ok)
		printf("#   got rc %d fail %s, want rc %d fail %s\n", (int)rc,
		    jwt_fail_name(f) ? jwt_fail_name(f) : "none", (int)want,
		    jwt_fail_name(want_fail) ? jwt_fail_name(want_fail) : "none");
}

#define BASE	"\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"scope\":\"all\""

static void
test_claims(void)
{
	static const struct {
		const char		*name, *claims;
		enum usercgi_err	 want;
		enum jwt_fail		 fail;
	} cases[] = {
		{ "valid", "{" BASE ",\"exp\":1700000001}", USERCGI_OK, 0 },
		{ "exp = now", "{" BASE ",\"exp\":1700000000}", USERCGI_UNAUTH, JWT_FAIL_EXPIRED },
		{ "exp = now - 1", "{" BASE ",\"exp\":1699999999}", USERCGI_UNAUTH, JWT_FAIL_EXPIRED },
		{ "exp missing", "{" BASE "}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "exp a string", "{" BASE ",\"exp\":\"1800000000\"}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "exp 1.8e9 (a double)", "{" BASE ",\"exp\":1.8e9}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "exp 1800000000.0", "{" BASE ",\"exp\":1800000000.0}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "exp 1e300", "{" BASE ",\"exp\":1e300}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "exp -1", "{" BASE ",\"exp\":-1}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "exp true", "{" BASE ",\"exp\":true}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "exp null", "{" BASE ",\"exp\":null}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "exp INT64_MAX", "{" BASE ",\"exp\":9223372036854775807}", USERCGI_OK, 0 },
		{ "exp INT64_MAX + 1", "{" BASE ",\"exp\":9223372036854775808}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "nbf = now", "{" BASE ",\"exp\":1700000100,\"nbf\":1700000000}", USERCGI_OK, 0 },
		{ "nbf = now + 1", "{" BASE ",\"exp\":1700000100,\"nbf\":1700000001}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "nbf INT64_MAX", "{" BASE ",\"exp\":1700000100,\"nbf\":9223372036854775807}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "nbf a string", "{" BASE ",\"exp\":1700000100,\"nbf\":\"0\"}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "nbf negative", "{" BASE ",\"exp\":1700000100,\"nbf\":-5}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "iat = now", "{" BASE ",\"exp\":1700000100,\"iat\":1700000000}", USERCGI_OK, 0 },
		{ "iat in the future (jose does not check it)", "{" BASE ",\"exp\":1700000100,\"iat\":1800000000}", USERCGI_OK, 0 },
		{ "iat a string", "{" BASE ",\"exp\":1700000100,\"iat\":\"abc\"}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "iat a numeric string", "{" BASE ",\"exp\":1700000100,\"iat\":\"1700000000\"}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "iat null", "{" BASE ",\"exp\":1700000100,\"iat\":null}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "iat true", "{" BASE ",\"exp\":1700000100,\"iat\":true}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "iat a double", "{" BASE ",\"exp\":1700000100,\"iat\":1.7e9}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "iat negative", "{" BASE ",\"exp\":1700000100,\"iat\":-1}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "iat a string and expired: iat first, as jose", "{" BASE ",\"exp\":1600000000,\"iat\":\"x\"}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "iss missing", "{\"aud\":\"" AUD "\",\"sub\":\"u1\",\"scope\":\"all\",\"exp\":1700000100}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "iss with trailing slash", "{\"iss\":\"" ISS "/\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"scope\":\"all\",\"exp\":1700000100}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "iss with NUL suffix", "{\"iss\":\"" ISS "\\u0000\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"scope\":\"all\",\"exp\":1700000100}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "iss in an array", "{\"iss\":[\"" ISS "\"],\"aud\":\"" AUD "\",\"sub\":\"u1\",\"scope\":\"all\",\"exp\":1700000100}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "aud missing", "{\"iss\":\"" ISS "\",\"sub\":\"u1\",\"scope\":\"all\",\"exp\":1700000100}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "aud wrong", "{\"iss\":\"" ISS "\",\"aud\":\"https://api.example/\",\"sub\":\"u1\",\"scope\":\"all\",\"exp\":1700000100}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "aud array with ours", "{\"iss\":\"" ISS "\",\"aud\":[\"x\",\"" AUD "\"],\"sub\":\"u1\",\"scope\":\"all\",\"exp\":1700000100}", USERCGI_OK, 0 },
		{ "aud array without ours", "{\"iss\":\"" ISS "\",\"aud\":[\"x\",\"y\"],\"sub\":\"u1\",\"scope\":\"all\",\"exp\":1700000100}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "aud array with a number", "{\"iss\":\"" ISS "\",\"aud\":[1,\"" AUD "\"],\"sub\":\"u1\",\"scope\":\"all\",\"exp\":1700000100}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "aud empty array", "{\"iss\":\"" ISS "\",\"aud\":[],\"sub\":\"u1\",\"scope\":\"all\",\"exp\":1700000100}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "aud a number", "{\"iss\":\"" ISS "\",\"aud\":1,\"sub\":\"u1\",\"scope\":\"all\",\"exp\":1700000100}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "sub missing", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"scope\":\"all\",\"exp\":1700000100}", USERCGI_AUTH_SUB, 0 },
		{ "sub empty", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"\",\"scope\":\"all\",\"exp\":1700000100}", USERCGI_AUTH_SUB, 0 },
		{ "sub a number", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":7,\"scope\":\"all\",\"exp\":1700000100}", USERCGI_AUTH_SUB, 0 },
		{ "sub longer than the buffer", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"0123456789abcdef\",\"scope\":\"all\",\"exp\":1700000100}", USERCGI_UNAUTH, JWT_FAIL_CLAIM },
		{ "sub missing, expired: expiry first", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"scope\":\"all\",\"exp\":1600000000}", USERCGI_UNAUTH, JWT_FAIL_EXPIRED },
		{ "sub missing, no scope: sub first", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"exp\":1700000100}", USERCGI_AUTH_SUB, 0 },
		{ "scope missing", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"exp\":1700000100}", USERCGI_FORBIDDEN, 0 },
		{ "scope an array (Logto's z.string() throws: 401)", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"scope\":[\"all\"],\"exp\":1700000100}", USERCGI_UNAUTH, JWT_FAIL_SCOPE },
		{ "scope a number", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"scope\":1,\"exp\":1700000100}", USERCGI_UNAUTH, JWT_FAIL_SCOPE },
		{ "scope null", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"scope\":null,\"exp\":1700000100}", USERCGI_UNAUTH, JWT_FAIL_SCOPE },
		{ "scope a number, sub missing: sub first", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"scope\":1,\"exp\":1700000100}", USERCGI_AUTH_SUB, 0 },
		{ "scope without the item", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"scope\":\"read alls xall\",\"exp\":1700000100}", USERCGI_FORBIDDEN, 0 },
		{ "scope empty", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"scope\":\"\",\"exp\":1700000100}", USERCGI_FORBIDDEN, 0 },
		{ "scope tab-separated", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"scope\":\"read\\tall\",\"exp\":1700000100}", USERCGI_FORBIDDEN, 0 },
		{ "scope item last", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"scope\":\"read all\",\"exp\":1700000100}", USERCGI_OK, 0 },
		{ "scope item first, double spaces", "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"scope\":\"all  read \",\"exp\":1700000100}", USERCGI_OK, 0 },
		{ "payload an array", "[]", USERCGI_UNAUTH, JWT_FAIL_JWT_INVALID },
		{ "payload not JSON", "exp=1", USERCGI_UNAUTH, JWT_FAIL_JWT_INVALID },
		{ "payload with garbage after", "{" BASE ",\"exp\":1700000001}x", USERCGI_UNAUTH, JWT_FAIL_JWT_INVALID },
		{ "payload with a duplicate exp: last wins", "{" BASE ",\"exp\":1700000001,\"exp\":1}", USERCGI_UNAUTH, JWT_FAIL_EXPIRED },
	};
	struct jwt_policy	 pol = { ISS, AUD, "all", 1, 0 };
	char			 name[160];
	size_t			 i;

	if (tk_key_new(&ck) != 0 || (ckeys = load(tk_jwks(&ck, "c", NULL))) ==
	    NULL) {
		tap_ok(0, "make the claims key");
		return;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		(void)snprintf(name, sizeof(name), "claims: %s", cases[i].name);
		check_claims(name, cases[i].claims, &pol, NOW, cases[i].want,
		    cases[i].fail);
	}
	/* Leeway widens both ends by exactly its value. */
	pol.leeway = 10;
	check_claims("leeway 10: exp = now - 9 accepted", "{" BASE ",\"exp\":1699999991}",
	    &pol, NOW, USERCGI_OK, 0);
	check_claims("leeway 10: exp = now - 10 refused", "{" BASE ",\"exp\":1699999990}",
	    &pol, NOW, USERCGI_UNAUTH, JWT_FAIL_EXPIRED);
	check_claims("leeway 10: nbf = now + 10 accepted",
	    "{" BASE ",\"exp\":1700000100,\"nbf\":1700000010}", &pol, NOW,
	    USERCGI_OK, 0);
	check_claims("leeway 10: nbf = now + 11 refused",
	    "{" BASE ",\"exp\":1700000100,\"nbf\":1700000011}", &pol, NOW,
	    USERCGI_UNAUTH, JWT_FAIL_CLAIM);
	pol.leeway = 0;
	pol.require_exp = 0;
	check_claims("require_exp 0: exp missing accepted", "{" BASE "}", &pol,
	    NOW, USERCGI_OK, 0);
	check_claims("require_exp 0: exp a string still refused",
	    "{" BASE ",\"exp\":\"1\"}", &pol, NOW, USERCGI_UNAUTH,
	    JWT_FAIL_CLAIM);
	pol.require_exp = 1;
	pol.scope = NULL;
	check_claims("no required scope: scope missing accepted",
	    "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"exp\":1700000100}",
	    &pol, NOW, USERCGI_OK, 0);
	check_claims("no required scope: a scope that is not a string refused",
	    "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"scope\":[],\"exp\":1700000100}",
	    &pol, NOW, USERCGI_UNAUTH, JWT_FAIL_SCOPE);
	pol.scope = "all";
	pol.issuer = NULL;
	check_claims("no issuer configured: refused", "{" BASE ",\"exp\":1700000100}",
	    &pol, NOW, USERCGI_UNAUTH, JWT_FAIL_CLAIM);
	pol.issuer = ISS;
	/* The clock is a parameter: a token valid now is expired later. */
	check_claims("clock: exp passes at now", "{" BASE ",\"exp\":1700000100}",
	    &pol, NOW, USERCGI_OK, 0);
	check_claims("clock: same token expired at now + 100",
	    "{" BASE ",\"exp\":1700000100}", &pol, NOW + 100, USERCGI_UNAUTH,
	    JWT_FAIL_EXPIRED);

	/* sub is copied out. */
	{
		const char	*tok = tk_token(&ck, "{\"alg\":\"EdDSA\"}",
				    "{" BASE ",\"exp\":1700000100}");
		char		 sub[16] = "x";
		enum jwt_fail	 f;
		int		 reload;

		tap_ok(jwt_verify(ckeys, tok, strlen(tok), &pol, NOW, sub,
		    sizeof(sub), &f, &reload, NULL) == USERCGI_OK &&
		    strcmp(sub, "u1") == 0, "claims: sub copied out, no kid");
		/* A bad signature is reported before any claim is read. */
		tok = tk_token(&ck, "{\"alg\":\"EdDSA\",\"kid\":\"other\"}", "[]");
		tap_ok(jwt_verify(ckeys, tok, strlen(tok), &pol, NOW, sub,
		    sizeof(sub), &f, &reload, NULL) == USERCGI_UNAUTH &&
		    f == JWT_FAIL_NO_KEY && reload == 1 && sub[0] == '\0',
		    "claims: unknown kid asks for a reload, claims not read");
	}
	/* Two keys with the same kid are ambiguous. */
	{
		struct tk_key	 k2;
		struct jwks	*two;
		char		 json[2048];
		const char	*tok;
		enum jwt_fail	 f;
		int		 reload;

		if (tk_key_new(&k2) != 0)
			tap_ok(0, "second key");
		(void)snprintf(json, sizeof(json),
		    "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"c\"},"
		    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"c\"}]}",
		    ck.x, k2.x);
		two = load(json);
		tok = tk_token(&ck, "{\"alg\":\"EdDSA\",\"kid\":\"c\"}",
		    "{" BASE ",\"exp\":1700000100}");
		tap_ok(jwt_verify(two, tok, strlen(tok), &pol, NOW, NULL, 0,
		    &f, &reload, NULL) == USERCGI_UNAUTH &&
		    f == JWT_FAIL_MULTIPLE_KEYS, "kid shared by two keys refused");
		tok = tk_token(&k2, "{\"alg\":\"EdDSA\"}",
		    "{" BASE ",\"exp\":1700000100}");
		tap_ok(jwt_verify(two, tok, strlen(tok), &pol, NOW, NULL, 0,
		    &f, &reload, NULL) == USERCGI_OK,
		    "no kid: the second candidate verifies");
		jwks_free(two);
		EVP_PKEY_free(k2.pk);
	}
	jwks_free(ckeys);
	EVP_PKEY_free(ck.pk);
}

/*
 * Signs hp with RSA key pk: PKCS#1 v1.5 (saltlen < 0) or PSS with that
 * salt length, using digest md.  Returns the token or "".
 */
static const char *
rsa_token(EVP_PKEY *pk, const char *hp, const EVP_MD *md, int saltlen)
{
	unsigned char	 sig[512];
	size_t		 siglen = sizeof(sig);
	EVP_MD_CTX	*ctx;
	EVP_PKEY_CTX	*pctx = NULL;
	int		 ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return "";
	ok = EVP_DigestSignInit(ctx, &pctx, md, NULL, pk) == 1 &&
	    (saltlen < 0 || (EVP_PKEY_CTX_set_rsa_padding(pctx,
	    RSA_PKCS1_PSS_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, saltlen) == 1)) &&
	    EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)hp,
	    strlen(hp)) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? with_sig(hp, sig, siglen) : "";
}

/* RFC 7518 §3.5: PSS salt length must equal the hash length. */
static void
test_pss(void)
{
	EVP_PKEY	*pk;
	BIGNUM		*bn = NULL;
	unsigned char	 nb[256];
	char		 n64[400], jwks[1024], hp[256], h64[64];
	int		 nlen;

	if ((pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)) == NULL ||
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &bn) != 1 ||
	    (nlen = BN_bn2bin(bn, nb)) <= 0 ||
	    b64url_encode(nb, (size_t)nlen, n64, sizeof(n64)) == 0) {
		tap_ok(0, "make the PSS key");
		goto out;
	}
	(void)snprintf(jwks, sizeof(jwks),
	    "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"AQAB\"}]}", n64);
#define HP(alg) (b64url_encode((const unsigned char *)"{\"alg\":\"" alg "\"}", \
	    sizeof("{\"alg\":\"" alg "\"}") - 1, h64, sizeof(h64)), \
	    (void)snprintf(hp, sizeof(hp), "%s.UGF5bG9hZA", h64), hp)
	check_jws("PS256 salt 32 verifies", jwks,
	    rsa_token(pk, HP("PS256"), EVP_sha256(), 32), USERCGI_OK,
	    JWT_FAIL_NONE, "Payload");
	check_jws("PS256 salt 20 refused", jwks,
	    rsa_token(pk, HP("PS256"), EVP_sha256(), 20), USERCGI_UNAUTH,
	    JWT_FAIL_SIGNATURE, NULL);
	check_jws("PS256 salt 0 refused", jwks,
	    rsa_token(pk, HP("PS256"), EVP_sha256(), 0), USERCGI_UNAUTH,
	    JWT_FAIL_SIGNATURE, NULL);
	check_jws("PS256 salt 33 refused", jwks,
	    rsa_token(pk, HP("PS256"), EVP_sha256(), 33), USERCGI_UNAUTH,
	    JWT_FAIL_SIGNATURE, NULL);
	check_jws("PS384 salt 48 verifies", jwks,
	    rsa_token(pk, HP("PS384"), EVP_sha384(), 48), USERCGI_OK,
	    JWT_FAIL_NONE, "Payload");
	check_jws("PS512 salt 64 verifies", jwks,
	    rsa_token(pk, HP("PS512"), EVP_sha512(), 64), USERCGI_OK,
	    JWT_FAIL_NONE, "Payload");
	check_jws("PS512 salt 32 refused", jwks,
	    rsa_token(pk, HP("PS512"), EVP_sha512(), 32), USERCGI_UNAUTH,
	    JWT_FAIL_SIGNATURE, NULL);
	check_jws("PKCS#1 v1.5 signature labelled PS256 refused", jwks,
	    rsa_token(pk, HP("PS256"), EVP_sha256(), -1), USERCGI_UNAUTH,
	    JWT_FAIL_SIGNATURE, NULL);
	check_jws("PSS signature labelled RS256 refused", jwks,
	    rsa_token(pk, HP("RS256"), EVP_sha256(), 32), USERCGI_UNAUTH,
	    JWT_FAIL_SIGNATURE, NULL);
	check_jws("RS512 verifies", jwks,
	    rsa_token(pk, HP("RS512"), EVP_sha512(), -1), USERCGI_OK,
	    JWT_FAIL_NONE, "Payload");
	check_jws("RS512 signature labelled RS256 refused", jwks,
	    rsa_token(pk, HP("RS256"), EVP_sha512(), -1), USERCGI_UNAUTH,
	    JWT_FAIL_SIGNATURE, NULL);
#undef HP
out:
	BN_free(bn);
	EVP_PKEY_free(pk);
}

static void
test_fail_names(void)
{
	tap_str(jwt_fail_code(JWT_FAIL_EXPIRED), "ERR_JWT_EXPIRED", "fail code");
	tap_str(jwt_fail_name(JWT_FAIL_EXPIRED), "JWTExpired", "fail name");
	tap_str(jwt_fail_name(JWT_FAIL_SIGNATURE),
	    "JWSSignatureVerificationFailed", "fail name signature");
	tap_ok(jwt_fail_code(JWT_FAIL_NONE) == NULL &&
	    jwt_fail_code(JWT_FAIL_MAX) == NULL &&
	    jwt_fail_name((enum jwt_fail)-1) == NULL, "no name for NONE/out of range");
}

int
main(void)
{
	log_setup(LOG_LVL_ERR, "test_jws");
	test_rfc_vectors();
	test_es_mutations();
	test_other_mutations();
	test_headers();
	test_pss();
	test_jwks();
	test_claims();
	test_fail_names();
	return tap_done();
}
