/*
 * jwks.c: JSON Web Key Set (RFC 7517 §5) import into OpenSSL 3 EVP_PKEY
 * objects with EVP_PKEY_fromdata, per shared/spec/bearer-tokens.md rule 7.
 *
 * Every member's JSON type is checked before it is read (json-c's getters
 * coerce).  A key that cannot be used is refused with one log line and
 * the rest of the set is kept; a document that is not a JWKS is refused.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "b64.h"
#include "buf.h"
#include "json.h"
#include "jwks.h"
#include "log.h"

#define JWKS_MAX_DEPTH	8
#define JWK_MAX_COORD	66		/* P-521 */
#define JWK_MAX_N	(JWKS_MAX_RSA_BITS / 8 + 1)
#define JWK_MAX_E	8

struct jwks {
	struct jwk	*keys;
	size_t		 n;
};

/* Members that only a private (or symmetric) JWK has: RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2. */
static const char *const jwk_private_members[] = {
	"d", "p", "q", "dp", "dq", "qi", "oth", "k", NULL
};

/* Context for the log lines about one key: its index and kid. */
struct jwk_ctx {
	size_t		 idx;
	const char	*kid;
	int		 kid_len;
};

static void jwk_refuse(const struct jwk_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Logs why key c is refused. */
static void
jwk_refuse(const struct jwk_ctx *c, const char *fmt, ...)
{
	char	why[256];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_warn("jwks: key #%zu (kid \"%.*s\") refused: %s", c->idx,
	    c->kid_len > 64 ? 64 : c->kid_len, c->kid != NULL ? c->kid : "",
	    why);
}

/*
 * Reads an optional string member.  Returns 1 and sets *s and *len when
 * present and a string, 0 when absent, -1 when present with another type.
 */
static int
jwk_str(struct json_object *o, const char *name, const char **s, size_t *len)
{
	struct json_object	*v;

	*s = NULL;
	*len = 0;
	if (!json_object_object_get_ex(o, name, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	*s = json_object_get_string(v);
	*len = (size_t)json_object_get_string_len(v);
	return 1;
}

/* Returns 1 when s (len bytes) equals the C string lit exactly. */
static int
jwk_eq(const char *s, size_t len, const char *lit)
{
	return s != NULL && len == strlen(lit) && memcmp(s, lit, len) == 0;
}

/*
 * Decodes the required base64url member name into out (capacity cap).
 * Returns 0 with *outn, or -1 (after logging) when absent, not a string,
 * not strict base64url, or longer than cap.
 */
static int
jwk_bytes(const struct jwk_ctx *c, struct json_object *o, const char *name,
    unsigned char *out, size_t cap, size_t *outn)
{
	const char	*s;
	size_t		 len;
	int		 r;

	if ((r = jwk_str(o, name, &s, &len)) != 1) {
		jwk_refuse(c, "\"%s\" %s", name, r == 0 ? "missing" :
		    "is not a string");
		return -1;
	}
	if (b64url_decode(s, len, out, cap, outn) != 0) {
		jwk_refuse(c, "\"%s\" is not base64url or too long", name);
		return -1;
	}
	return 0;
}

/*
 * Builds a public EVP_PKEY of type name from params and checks it with
 * EVP_PKEY_public_check_quick: for EC, the point is on the curve, not at
 * infinity, coordinates in range.  The full check adds n * Q = O, which
 * the prime-order NIST curves (cofactor 1) imply, at the cost of a scalar
 * multiplication per key load.  Returns the key (caller frees) or NULL.
 */
static EVP_PKEY *
jwk_fromdata(const char *name, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL, *cctx = NULL;
	EVP_PKEY	*pk = NULL;

	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, name, NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto out;
	if ((cctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL)) == NULL ||
	    EVP_PKEY_public_check_quick(cctx) != 1) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
out:
	ERR_clear_error();
	EVP_PKEY_CTX_free(cctx);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pk;
}

/* RFC 7518 §6.3.1: imports n and e.  Returns the key or NULL (logged). */
static EVP_PKEY *
jwk_rsa(const struct jwk_ctx *c, struct json_object *o)
{
	unsigned char	 nb[JWK_MAX_N], eb[JWK_MAX_E];
	size_t		 nlen, elen;
	BIGNUM		*n = NULL, *e = NULL;
	OSSL_PARAM_BLD	*bld = NULL;
	EVP_PKEY	*pk = NULL;
	int		 bits;

	if (jwk_bytes(c, o, "n", nb, sizeof(nb), &nlen) != 0 ||
	    jwk_bytes(c, o, "e", eb, sizeof(eb), &elen) != 0)
		goto out;
	if (nlen == 0 || elen == 0) {
		jwk_refuse(c, "empty RSA \"n\" or \"e\"");
		goto out;
	}
	if ((n = BN_bin2bn(nb, (int)nlen, NULL)) == NULL ||
	    (e = BN_bin2bn(eb, (int)elen, NULL)) == NULL ||
	    (bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1) {
		jwk_refuse(c, "out of memory");
		goto out;
	}
	bits = BN_num_bits(n);
	if (bits < 2048 || bits > JWKS_MAX_RSA_BITS) {
		jwk_refuse(c, "RSA modulus of %d bits (allowed 2048 to %d)",
		    bits, JWKS_MAX_RSA_BITS);
		goto out;
	}
	if ((pk = jwk_fromdata("RSA", bld)) == NULL)
		jwk_refuse(c, "RSA public key rejected by OpenSSL");
out:
	ERR_clear_error();
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return pk;
}

/*
 * RFC 7518 §6.2.1: imports crv, x, y as an uncompressed point (SEC 1
 * §2.3.3), which OpenSSL checks is on the curve.  Sets *crv.
 */
static EVP_PKEY *
jwk_ec(const struct jwk_ctx *c, struct json_object *o, enum jwk_crv *crv)
{
	static const struct {
		const char	*jwk, *group;
		enum jwk_crv	 crv;
		size_t		 size;
	} curves[] = {
		{ "P-256", "prime256v1", JWK_CRV_P256, 32 },
		{ "P-384", "secp384r1", JWK_CRV_P384, 48 },
		{ "P-521", "secp521r1", JWK_CRV_P521, 66 },
	};
	unsigned char	 x[JWK_MAX_COORD + 2], y[JWK_MAX_COORD + 2];
	unsigned char	 pt[1 + 2 * JWK_MAX_COORD];
	size_t		 xlen, ylen, i, slen;
	const char	*s;
	OSSL_PARAM_BLD	*bld = NULL;
	EVP_PKEY	*pk = NULL;

	if (jwk_str(o, "crv", &s, &slen) != 1) {
		jwk_refuse(c, "EC \"crv\" missing or not a string");
		return NULL;
	}
	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (jwk_eq(s, slen, curves[i].jwk))
			break;
	if (i == sizeof(curves) / sizeof(curves[0])) {
		jwk_refuse(c, "unsupported EC curve");
		return NULL;
	}
	if (jwk_bytes(c, o, "x", x, sizeof(x), &xlen) != 0 ||
	    jwk_bytes(c, o, "y", y, sizeof(y), &ylen) != 0)
		return NULL;
	if (xlen != curves[i].size || ylen != curves[i].size) {
		jwk_refuse(c, "%s coordinates of %zu/%zu bytes, need %zu",
		    curves[i].jwk, xlen, ylen, curves[i].size);
		return NULL;
	}
	pt[0] = 0x04;
	memcpy(pt + 1, x, xlen);
	memcpy(pt + 1 + xlen, y, ylen);
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    curves[i].group, 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt,
	    1 + xlen + ylen) != 1) {
		jwk_refuse(c, "out of memory");
		goto out;
	}
	if ((pk = jwk_fromdata("EC", bld)) == NULL)
		jwk_refuse(c, "%s point is not on the curve", curves[i].jwk);
	else
		*crv = curves[i].crv;
out:
	OSSL_PARAM_BLD_free(bld);
	return pk;
}

/* RFC 8037 §2: imports an Ed25519 "x" of exactly 32 bytes. */
static EVP_PKEY *
jwk_okp(const struct jwk_ctx *c, struct json_object *o)
{
	unsigned char	 x[34];
	size_t		 xlen, slen;
	const char	*s;
	OSSL_PARAM_BLD	*bld = NULL;
	EVP_PKEY	*pk = NULL;

	if (jwk_str(o, "crv", &s, &slen) != 1 || !jwk_eq(s, slen, "Ed25519")) {
		jwk_refuse(c, "OKP \"crv\" is not \"Ed25519\"");
		return NULL;
	}
	if (jwk_bytes(c, o, "x", x, sizeof(x), &xlen) != 0)
		return NULL;
	if (xlen != 32) {
		jwk_refuse(c, "Ed25519 \"x\" of %zu bytes, need 32", xlen);
		return NULL;
	}
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, x,
	    xlen) != 1) {
		jwk_refuse(c, "out of memory");
		goto out;
	}
	if ((pk = jwk_fromdata("ED25519", bld)) == NULL)
		jwk_refuse(c, "Ed25519 public key rejected by OpenSSL");
out:
	OSSL_PARAM_BLD_free(bld);
	return pk;
}

/*
 * Reads the metadata members (kid, alg, use, key_ops) of o into k.
 * Returns 0, or -1 (logged) on a wrong type or an embedded NUL in alg/use.
 */
static int
jwk_meta(const struct jwk_ctx *c, struct json_object *o, struct jwk *k)
{
	struct json_object	*ops, *op;
	const char		*s;
	size_t			 len, i, n;
	int			 r;

	if ((r = jwk_str(o, "kid", &s, &len)) < 0) {
		jwk_refuse(c, "\"kid\" is not a string");
		return -1;
	}
	if (r == 1) {
		/* A kid may hold NUL bytes (\u0000): all len bytes are kept. */
		if ((k->kid = xstrndup(s, len)) == NULL)
			return -1;
		k->kid_len = len;
	}
	if ((r = jwk_str(o, "alg", &s, &len)) < 0 ||
	    (r == 1 && strlen(s) != len)) {
		jwk_refuse(c, "\"alg\" is not a plain string");
		return -1;
	}
	if (r == 1 && (k->alg = xstrndup(s, len)) == NULL)
		return -1;
	if ((r = jwk_str(o, "use", &s, &len)) < 0 ||
	    (r == 1 && strlen(s) != len)) {
		jwk_refuse(c, "\"use\" is not a plain string");
		return -1;
	}
	if (r == 1 && (k->use = xstrndup(s, len)) == NULL)
		return -1;
	k->use_sig = r == 0 || jwk_eq(s, len, "sig");
	k->can_verify = 1;
	if (json_object_object_get_ex(o, "key_ops", &ops)) {
		if (!json_object_is_type(ops, json_type_array)) {
			jwk_refuse(c, "\"key_ops\" is not an array");
			return -1;
		}
		k->can_verify = 0;
		n = json_object_array_length(ops);
		for (i = 0; i < n; i++) {
			op = json_object_array_get_idx(ops, i);
			if (!json_object_is_type(op, json_type_string)) {
				jwk_refuse(c, "\"key_ops\" member is not a string");
				return -1;
			}
			if (jwk_eq(json_object_get_string(op),
			    (size_t)json_object_get_string_len(op), "verify"))
				k->can_verify = 1;
		}
	}
	return 0;
}

static void
jwk_clear(struct jwk *k)
{
	free(k->kid);
	free(k->alg);
	free(k->use);
	EVP_PKEY_free(k->pkey);
	memset(k, 0, sizeof(*k));
}

/*
 * Imports JWK o (index idx) into k.  Returns 0, or -1 when the key is
 * refused (logged; k is left cleared).
 */
static int
jwk_import(size_t idx, struct json_object *o, struct jwk *k)
{
	struct jwk_ctx		 c;
	struct json_object	*v;
	const char		*kty, *kid;
	size_t			 ktylen, kidlen, i;
	int			 r;

	memset(k, 0, sizeof(*k));
	memset(&c, 0, sizeof(c));
	c.idx = idx;
	if (!json_object_is_type(o, json_type_object)) {
		jwk_refuse(&c, "not a JSON object");
		return -1;
	}
	if (jwk_str(o, "kid", &kid, &kidlen) == 1) {
		c.kid = kid;
		c.kid_len = kidlen > 64 ? 64 : (int)kidlen;
	}
	if ((r = jwk_str(o, "kty", &kty, &ktylen)) != 1) {
		jwk_refuse(&c, "\"kty\" %s", r == 0 ? "missing" :
		    "is not a string");
		return -1;
	}
	if (jwk_eq(kty, ktylen, "oct")) {
		jwk_refuse(&c, "symmetric (oct) keys are never used");
		return -1;
	}
	for (i = 0; jwk_private_members[i] != NULL; i++)
		if (json_object_object_get_ex(o, jwk_private_members[i], &v)) {
			jwk_refuse(&c, "has private member \"%s\"; publish "
			    "only public keys", jwk_private_members[i]);
			return -1;
		}
	if (jwk_meta(&c, o, k) != 0)
		goto fail;
	if (jwk_eq(kty, ktylen, "RSA")) {
		k->kty = JWK_KTY_RSA;
		k->pkey = jwk_rsa(&c, o);
	} else if (jwk_eq(kty, ktylen, "EC")) {
		k->kty = JWK_KTY_EC;
		k->pkey = jwk_ec(&c, o, &k->crv);
	} else if (jwk_eq(kty, ktylen, "OKP")) {
		k->kty = JWK_KTY_OKP;
		k->crv = JWK_CRV_ED25519;
		k->pkey = jwk_okp(&c, o);
	} else
		jwk_refuse(&c, "unsupported \"kty\"");
	if (k->pkey != NULL)
		return 0;
fail:
	jwk_clear(k);
	return -1;
}

enum usercgi_err
jwks_load_mem(const char *json, size_t len, struct jwks **out)
{
	struct json_object	*root = NULL, *keys;
	struct jwks		*set = NULL;
	enum usercgi_err	 rc;
	char			 msg[128];
	size_t			 i, n;

	*out = NULL;
	if (len > JWKS_MAX_FILE) {
		log_err("jwks: document of %zu bytes is over the %d-byte limit",
		    len, JWKS_MAX_FILE);
		rc = USERCGI_INTERNAL;
		goto out;
	}
	rc = json_parse_strict(json, len, JWKS_MAX_DEPTH, &root, msg,
	    sizeof(msg));
	if (rc == USERCGI_NOMEM)
		goto out;
	if (rc != USERCGI_OK) {
		log_err("jwks: not valid JSON: %s", msg);
		rc = USERCGI_INTERNAL;
		goto out;
	}
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "keys", &keys) ||
	    !json_object_is_type(keys, json_type_array)) {
		log_err("jwks: not a JWK Set (an object with a \"keys\" array, "
		    "RFC 7517 §5)");
		rc = USERCGI_INTERNAL;
		goto out;
	}
	n = json_object_array_length(keys);
	if (n > JWKS_MAX_KEYS) {
		log_err("jwks: %zu keys, more than the limit of %d", n,
		    JWKS_MAX_KEYS);
		rc = USERCGI_INTERNAL;
		goto out;
	}
	if ((set = xcalloc(1, sizeof(*set))) == NULL ||
	    (n > 0 && (set->keys = xcalloc(n, sizeof(*set->keys))) == NULL)) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (jwk_import(i, json_object_array_get_idx(keys, i),
		    &set->keys[set->n]) == 0)
			set->n++;
	if (set->n == 0)
		log_err("jwks: no usable key in the set");
	*out = set;
	set = NULL;
	rc = USERCGI_OK;
out:
	ERR_clear_error();
	jwks_free(set);
	json_object_put(root);
	return rc;
}

enum usercgi_err
jwks_read_file(const char *path, enum log_level lvl, char **data,
    size_t *len)
{
	struct stat		 st;
	char			*d = NULL;
	size_t			 n = 0;
	ssize_t			 r;
	int			 fd = -1;
	enum usercgi_err	 rc = USERCGI_INTERNAL;

	*data = NULL;
	*len = 0;
	if (path == NULL || *path == '\0') {
		log_msg(lvl, "jwks: no JWKS file configured");
		goto out;
	}
	/*
	 * O_NONBLOCK: opening a FIFO for reading would wait for a writer;
	 * fstat then refuses it (and devices) before any read.
	 */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1) {
		log_msg(lvl, "jwks: %s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		log_msg(lvl, "jwks: %s: not a regular file", path);
		goto out;
	}
	if (st.st_size > JWKS_MAX_FILE) {
		log_msg(lvl, "jwks: %s: over the %d-byte limit", path,
		    JWKS_MAX_FILE);
		goto out;
	}
	if ((d = xmalloc(JWKS_MAX_FILE + 1)) == NULL) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	/* Read one byte past the limit to notice a file that grew. */
	while (n <= JWKS_MAX_FILE) {
		r = read(fd, d + n, JWKS_MAX_FILE + 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			log_msg(lvl, "jwks: %s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > JWKS_MAX_FILE) {
		log_msg(lvl, "jwks: %s: over the %d-byte limit", path,
		    JWKS_MAX_FILE);
		goto out;
	}
	*data = d;
	*len = n;
	d = NULL;
	rc = USERCGI_OK;
out:
	if (fd != -1)
		(void)close(fd);
	free(d);
	return rc;
}

enum usercgi_err
jwks_load_file(const char *path, struct jwks **out)
{
	char			*data = NULL;
	size_t			 len = 0;
	enum usercgi_err	 rc;

	*out = NULL;
	if ((rc = jwks_read_file(path, LOG_LVL_ERR, &data, &len)) !=
	    USERCGI_OK)
		goto out;
	rc = jwks_load_mem(data, len, out);
	if (rc == USERCGI_OK)
		log_debug("jwks: %s: %zu usable keys", path, jwks_count(*out));
out:
	free(data);
	return rc;
}

void
jwks_free(struct jwks *k)
{
	size_t	i;

	if (k == NULL)
		return;
	for (i = 0; i < k->n; i++)
		jwk_clear(&k->keys[i]);
	free(k->keys);
	free(k);
}

size_t
jwks_count(const struct jwks *k)
{
	return k == NULL ? 0 : k->n;
}

const struct jwk *
jwks_key(const struct jwks *k, size_t i)
{
	return k == NULL || i >= k->n ? NULL : &k->keys[i];
}
