/*
 * usercgi-admin: the operator's tool.
 *
 *   init                 create or migrate the database named by the config
 *   check                print the effective configuration, test the
 *                        database and the JWKS; exit 0 when both work
 *   jwks                 fetch the JWKS from jwks_uri now, print its kids
 *   keygen DIR           new EC P-384 key: DIR/private.pem, DIR/jwks.json
 *   token PEMFILE [...]  mint an ES384 access token as Logto would
 *   setup --data DIR ... a whole first install (shared hosting, issue 15)
 *
 * Exit status: 0 success, 1 failure, 2 bad usage.  The configuration is
 * read as the responder reads it (cfg.h): $USERCGI_CONFIG and USERCGI_*.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "b64.h"
#include "buf.h"
#include "app.h"
#include "auth.h"
#include "cfg.h"
#include "json.h"
#include "jwks.h"
#include "jwksrc.h"
#include "jwt.h"
#include "log.h"
#include "phone.h"
#include "store.h"

#define EX_FAIL		1
#define EX_USAGE	2
#define P384_LEN	48		/* bytes of one P-384 coordinate */
#define KID_LEN		16		/* SHA-256 bytes kept in the kid */
#define TTL_MAX		(10LL * 366 * 24 * 3600)
#define SETUP_VALUE_MAX	1024		/* bytes of one setup argument */
#define SETUP_FILE_MAX	(1024 * 1024)	/* bytes of a JWKS setup copies */

extern char **environ;

static const char *progname = "usercgi-admin";

static void
usage(void)
{
	fprintf(stderr,
	    "usage: %s init\n"
	    "       %s check\n"
	    "       %s jwks\n"
	    "       %s keygen DIR\n"
	    "       %s token PEMFILE [--sub SUBJECT] [--scope SCOPE]"
	    " [--ttl SECONDS]\n"
	    "       %s setup --data DIR --issuer URL --audience AUD"
	    " [--jwks FILE]\n"
	    "             [--docroot DIR]\n"
	    "\n"
	    "  init    create or migrate the database named in the"
	    " configuration\n"
	    "  check   print the effective configuration and test the"
	    " database and JWKS\n"
	    "  jwks    fetch the JWKS from jwks_uri into the cache file now"
	    " and print\n"
	    "          its kids\n"
	    "  keygen  write a new EC P-384 key to DIR/private.pem (0600) and"
	    " its\n"
	    "          public JWKS to DIR/jwks.json\n"
	    "  token   print an ES384 access token signed with PEMFILE (iss,"
	    " aud and\n"
	    "          default scope from the configuration; default ttl"
	    " 3600)\n"
	    "  setup   a first install in one go: DIR (mode 0700),"
	    " DIR/usercgi.conf,\n"
	    "          DIR/jwks.json (from FILE), DIR/users.db; safe to run"
	    " again\n"
	    "\n"
	    "Configuration: $USERCGI_CONFIG (default %s/usercgi.conf), then"
	    " USERCGI_* variables.\n",
	    progname, progname, progname, progname, progname, progname,
	    SYSCONFDIR);
}

/* Logs the OpenSSL error queue with what failed, and empties it. */
static void
ossl_fail(const char *what)
{
	unsigned long	 e;
	char		 msg[256];

	if ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, msg, sizeof(msg));
		fprintf(stderr, "%s: %s: %s\n", progname, what, msg);
	} else
		fprintf(stderr, "%s: %s failed\n", progname, what);
	ERR_clear_error();
}

/* Loads the configuration; prints the reason and returns -1 on failure. */
static int
load_cfg(struct cfg *c)
{
	char	 err[512];

	err[0] = '\0';
	if (cfg_load(c, environ, err, sizeof(err)) != USERCGI_OK) {
		fprintf(stderr, "%s: configuration: %s\n", progname,
		    err[0] != '\0' ? err : "cannot be loaded");
		return -1;
	}
	if (phone_module_set(c->phone_module) != USERCGI_OK ||
	    store_pg_module_set(c->pg_module) != USERCGI_OK) {
		fprintf(stderr, "%s: configuration: phone_module or pg_module:"
		    " longer than PATH_MAX\n", progname);
		cfg_free(c);
		return -1;
	}
	return 0;
}

/* init: creates or migrates the database.  Returns the exit status. */
static int
cmd_init(void)
{
	struct cfg		 c;
	struct store		*s = NULL;
	struct store_opts	 o;
	enum usercgi_err	 rc;
	char			 db[STORE_REDACTED_MAX];
	int			 ex = EX_FAIL;

	if (load_cfg(&c) == -1)
		return EX_FAIL;
	memset(&o, 0, sizeof(o));
	o.busy_timeout_ms = c.busy_timeout_ms;
	o.group_set = c.database_gid_set;
	o.group = c.database_gid;
	o.nofollow = !c.database_symlink_ok;
	store_redact(c.database, db, sizeof(db));
	if ((rc = store_open(c.database, &o, &s)) != USERCGI_OK) {
		fprintf(stderr, "%s: database %s: cannot open (%s)\n",
		    progname, db, usercgi_errname(rc));
		goto out;
	}
	printf("database %s: schema version %d\n", db,
	    store_schema_version());
	ex = 0;
out:
	store_close(s);
	cfg_free(&c);
	return ex;
}

/*
 * Warns about the database, its -wal and its -shm file when one exists
 * with permissions for others: they hold password hashes and imported
 * digests (unsalted MD5 among them).  Older versions created them 0644.
 */
static void
check_modes(const char *db)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	struct stat	 sb;
	char		 path[PATH_MAX];
	size_t		 i;
	int		 n;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		n = snprintf(path, sizeof(path), "%s%s", db, suffixes[i]);
		if (n < 0 || (size_t)n >= sizeof(path) ||
		    stat(path, &sb) == -1 || (sb.st_mode & 0007) == 0)
			continue;
		printf("warning: %s is mode %04o: other users can %s it "
		    "(chmod o-rwx %s)\n", path, (unsigned)(sb.st_mode & 07777),
		    (sb.st_mode & 0004) != 0 ? "read" : "change", path);
	}
}

/*
 * check of a SQLite database: opening creates a missing file, so check
 * only looks.  The modes first: SQLite gives an empty -wal or -shm the
 * database's mode.  Returns 1 when it opens, else 0.
 */
static int
check_sqlite(const struct cfg *c)
{
	struct store		*s = NULL;
	struct store_opts	 o;
	struct stat		 sb;
	enum usercgi_err	 rc;

	check_modes(c->database);
	if (stat(c->database, &sb) == -1) {
		printf("database: %s: %s (usercgi-admin init creates it)\n",
		    c->database, strerror(errno));
		return 0;
	}
	memset(&o, 0, sizeof(o));
	o.busy_timeout_ms = c->busy_timeout_ms;
	o.group_set = c->database_gid_set;
	o.group = c->database_gid;
	o.nofollow = !c->database_symlink_ok;
	if ((rc = store_open(c->database, &o, &s)) != USERCGI_OK) {
		printf("database: cannot open (%s)\n", usercgi_errname(rc));
		return 0;
	}
	printf("database: ok, schema version %d\n", store_schema_version());
	store_close(s);
	return 1;
}

/*
 * check of a PostgreSQL database: connects and reads the schema version,
 * creating nothing.  Returns 1 when it is this build's, else 0.
 */
static int
check_pg(const struct cfg *c)
{
	struct store_opts	 o;
	enum usercgi_err	 rc;
	int			 v, want = store_schema_version();

	memset(&o, 0, sizeof(o));
	o.busy_timeout_ms = c->busy_timeout_ms;
	if ((rc = store_probe(c->database, &o, &v)) != USERCGI_OK) {
		printf("database: cannot connect (%s; the log says"
		    " why)\n", usercgi_errname(rc));
		return 0;
	}
	if (v == want) {
		printf("database: ok, connected, schema version %d\n", v);
		return 1;
	}
	printf("database: connected, schema version %d, this build writes %d"
	    " (%s)\n", v, want, v == 0 ? "usercgi-admin init creates it" :
	    v < want ? "usercgi-admin init migrates it" :
	    "a newer build wrote it");
	return 0;
}

/*
 * Prints the kids of k on one line, each as a JSON string (a kid may
 * hold any character), "(none)" for a key without one.
 */
static void
print_kids(const char *label, const struct jwks *k)
{
	const struct jwk	*key;
	struct buf		 b;
	size_t			 i;

	buf_init(&b, JWKS_MAX_FILE * 6);
	for (i = 0; i < jwks_count(k); i++) {
		key = jwks_key(k, i);
		if (i > 0)
			(void)buf_addstr(&b, ", ");
		if (key->kid == NULL)
			(void)buf_addstr(&b, "(none)");
		else
			(void)jsonw_str(&b, key->kid, key->kid_len);
	}
	printf("%s%s\n", label, b.len > 0 ? buf_str(&b) : "(no usable key)");
	buf_free(&b);
}

/*
 * Prints where the keys come from, the cache file's age and what its
 * max age and hard expiry make of it, for check.
 */
static void
print_source(const struct cfg *c)
{
	struct jwksrc		*src = NULL;
	struct jwksrc_meta	 m;
	struct stat		 st;
	unsigned char		 sha[32];
	int64_t			 now = (int64_t)time(NULL), fresh, expires;

	if (c->jwks_uri == NULL) {
		printf("jwks source     = the file (no jwks_uri)\n");
		if (stat(c->jwks_file, &st) == 0)
			printf("jwks age        = %lld s (modified)\n",
			    (long long)(now - (int64_t)st.st_mtim.tv_sec));
		return;
	}
	if (auth_jwks_digest(c->jwks_file, sha, &m) != USERCGI_OK ||
	    stat(c->jwks_file, &st) == -1) {
		printf("jwks source     = %s (no cache file yet)\n",
		    c->jwks_uri);
		return;
	}
	if (strcmp(c->jwks_uri, JWKSRC_DISCOVER) == 0)
		printf("jwks source     = %s (discovered from %s)\n",
		    m.ok ? m.uri : "(not fetched yet)", c->issuer);
	else
		printf("jwks source     = %s\n", c->jwks_uri);
	if (app_jwksrc_new(c, &src) != USERCGI_OK || src == NULL)
		return;
	jwksrc_times(src, &m, (int64_t)st.st_mtim.tv_sec, &fresh, &expires);
	printf("jwks cache age  = %lld s%s, max age %lld s: %s\n",
	    (long long)(now - (m.ok ? m.fetched : (int64_t)st.st_mtim.tv_sec)),
	    m.ok ? "" : " (no fetch metadata: the file's mtime)",
	    (long long)(m.ok ? m.max_age : c->jwks_max_age),
	    now < fresh ? "fresh" : now < expires ? "stale (a fetch is due)" :
	    "EXPIRED (every token is refused)");
	jwksrc_free(src);
}

/*
 * jwks: fetches from jwks_uri now, whatever the cooldown, and prints the
 * kids it got.  Returns the exit status.
 */
static int
cmd_jwks(void)
{
	struct cfg		 c;
	struct jwksrc		*src = NULL;
	struct jwks		*k = NULL;
	char			 why[JWKSRC_MAX_URI + 512];
	int			 ex = EX_FAIL;

	if (load_cfg(&c) == -1)
		return EX_FAIL;
	if (c.jwks_uri == NULL) {
		fprintf(stderr, "%s: jwks: jwks_uri is not set\n", progname);
		goto out;
	}
	if (app_jwksrc_new(&c, &src) != USERCGI_OK) {
		fprintf(stderr, "%s: out of memory\n", progname);
		goto out;
	}
	if (jwksrc_fetch(src, 1, (int64_t)time(NULL), why, sizeof(why)) !=
	    USERCGI_OK) {
		printf("jwks: fetch failed: %s\n", why);
		goto out;
	}
	if (jwks_load_file(c.jwks_file, &k) != USERCGI_OK) {
		printf("jwks: cannot load %s\n", c.jwks_file);
		goto out;
	}
	printf("jwks: fetched %zu usable key%s into %s\n", jwks_count(k),
	    jwks_count(k) == 1 ? "" : "s", c.jwks_file);
	print_kids("kids: ", k);
	ex = 0;
out:
	jwks_free(k);
	jwksrc_free(src);
	cfg_free(&c);
	return ex;
}

/* check: prints the settings, tests database and JWKS.  Returns the exit status. */
static int
cmd_check(void)
{
	struct cfg		 c;
	struct jwks		*k = NULL;
	char			 why[PATH_MAX + 256], db[STORE_REDACTED_MAX];
	enum usercgi_err	 rc;
	int			 ex = EX_FAIL, good = 1;

	if (load_cfg(&c) == -1)
		return EX_FAIL;
	printf("config file     = %s\n", c.source != NULL ? c.source :
	    "(none: defaults and environment)");
	store_redact(c.database, db, sizeof(db));
	printf("database        = %s\n", db);
	if (store_is_postgresql(c.database)) {
		printf("database_group  = (not used with PostgreSQL)\n");
		printf("database_symlink = (not used with PostgreSQL)\n");
		printf("pg_module       = %s\n", c.pg_module);
	} else {
		printf("database_group  = %s\n", c.database_group != NULL ?
		    c.database_group : "(none: mode 0600)");
		printf("database_symlink = %s\n", c.database_symlink);
	}
	printf("jwks_file       = %s\n", c.jwks_file);
	if (c.jwks_uri != NULL) {
		printf("jwks_uri        = %s\n", c.jwks_uri);
		printf("jwks_ca_file    = %s\n", c.jwks_ca_file != NULL ?
		    c.jwks_ca_file : "(none: the system's CAs)");
		printf("jwks_cooldown   = %lld\n", (long long)c.jwks_cooldown);
		printf("jwks_max_age    = %lld\n", (long long)c.jwks_max_age);
		printf("jwks_expiry     = %lld\n", (long long)c.jwks_expiry);
		printf("fetch_module    = %s\n", c.fetch_module);
	}
	printf("issuer          = %s\n", c.issuer);
	printf("audience        = %s\n", c.audience);
	printf("required_scope  = %s\n", c.required_scope);
	printf("max_body_bytes  = %zu\n", c.max_body_bytes);
	printf("require_exp     = %s\n", c.require_exp ? "yes" : "no");
	printf("leeway          = %lld\n", (long long)c.leeway);
	printf("argon2_t        = %lu\n", (unsigned long)c.argon2_t);
	printf("argon2_m        = %lu\n", (unsigned long)c.argon2_m);
	printf("argon2_p        = %lu\n", (unsigned long)c.argon2_p);
	printf("busy_timeout_ms = %d\n", c.busy_timeout_ms);
	printf("max_requests    = %lu\n", c.max_requests);
	printf("hasher          = %s\n", c.hasher);
	printf("hashers         = %d\n", c.hashers);
	printf("log_level       = %s\n", c.log_level);
	if (c.hashers > 0 && access(c.hasher, X_OK) == -1)
		printf("warning: hasher %s: %s (FastCGI workers will hash in "
		    "their own process)\n", c.hasher, strerror(errno));
	if (!phone_normalises())
		printf("phone numbers   = kept verbatim (built "
		    "--without-libphonenumber)\n");
	else if (phone_module_load(why, sizeof(why)) == USERCGI_OK)
		printf("phone numbers   = normalised (libphonenumber, %s)\n",
		    c.phone_module);
	else {
		printf("phone numbers   = cannot load the libphonenumber "
		    "module: %s\n", why);
		good = 0;
	}

	if (store_is_postgresql(c.database))
		good &= check_pg(&c);
	else
		good &= check_sqlite(&c);
	if ((rc = jwks_load_file(c.jwks_file, &k)) != USERCGI_OK) {
		printf("jwks: cannot load %s (%s)\n", c.jwks_file,
		    usercgi_errname(rc));
		good = 0;
	} else if (jwks_count(k) == 0) {
		printf("jwks: %s has no usable key\n", c.jwks_file);
		good = 0;
	} else
		printf("jwks: ok, %zu usable key%s\n", jwks_count(k),
		    jwks_count(k) == 1 ? "" : "s");
	print_source(&c);
	if (k != NULL)
		print_kids("jwks kids       = ", k);
	printf("%s\n", good ? "ok" : "FAILED");
	if (good)
		ex = 0;
	jwks_free(k);
	cfg_free(&c);
	return ex;
}

/*
 * Reads the public point of an EC P-384 key as 0x04 || X || Y into
 * pt (1 + 2 * P384_LEN bytes) and its kid, the base64url of the first
 * KID_LEN bytes of SHA-256 over pt, into kid.  Returns 0 or -1 (a
 * message printed).
 */
static int
p384_public(EVP_PKEY *pkey, unsigned char *pt, char *kid, size_t kidlen)
{
	BIGNUM		*x = NULL, *y = NULL;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	char		 group[64];
	int		 ret = -1;

	if (!EVP_PKEY_is_a(pkey, "EC") ||
	    !EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof(group), NULL) || strcmp(group, "secp384r1") != 0) {
		fprintf(stderr, "%s: the key is not an EC P-384 key\n",
		    progname);
		goto out;
	}
	if (!EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) ||
	    !EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) ||
	    BN_bn2binpad(x, pt + 1, P384_LEN) != P384_LEN ||
	    BN_bn2binpad(y, pt + 1 + P384_LEN, P384_LEN) != P384_LEN) {
		ossl_fail("public point");
		goto out;
	}
	pt[0] = 0x04;
	if (!EVP_Digest(pt, 1 + 2 * P384_LEN, md, &mdlen, EVP_sha256(),
	    NULL)) {
		ossl_fail("SHA-256");
		goto out;
	}
	if (b64url_encode(md, KID_LEN, kid, kidlen) == 0)
		goto out;
	ret = 0;
out:
	BN_free(x);
	BN_free(y);
	return ret;
}

/* Writes len bytes to path (mode for a new file); returns 0 or -1. */
static int
write_file(const char *path, int flags, mode_t mode, const char *data,
    size_t len)
{
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd, ret = -1;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
	    flags, mode)) == -1) {
		fprintf(stderr, "%s: %s: %s\n", progname, path,
		    strerror(errno));
		return -1;
	}
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: %s: %s\n", progname, path,
			    strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1) {
		fprintf(stderr, "%s: %s: %s\n", progname, path,
		    strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (close(fd) == -1 && ret == 0) {
		fprintf(stderr, "%s: %s: %s\n", progname, path,
		    strerror(errno));
		ret = -1;
	}
	return ret;
}

/* Joins dir and name into out; returns 0 or -1 when it does not fit. */
static int
join_path(char *out, size_t outlen, const char *dir, const char *name)
{
	int	 n;

	n = snprintf(out, outlen, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= outlen) {
		fprintf(stderr, "%s: %s: path too long\n", progname, dir);
		return -1;
	}
	return 0;
}

/*
 * keygen DIR: a new P-384 key as PKCS#8 PEM (never overwriting an
 * existing private.pem) and the RFC 7517 JWKS of its public half (RFC
 * 7518 §6.2.1).  Returns the exit status.
 */
static int
cmd_keygen(const char *dir)
{
	EVP_PKEY		*pkey = NULL;
	BIO			*mem = NULL;
	struct buf		 out_json;
	json_object		*jwks = NULL, *keys, *jwk;
	unsigned char		 pt[1 + 2 * P384_LEN];
	char			 kid[64], x[128], y[128];
	char			 pem_path[PATH_MAX], jwks_path[PATH_MAX];
	const char		*json;
	char			*pem;
	long			 pemlen;
	int			 ex = EX_FAIL;

	buf_init(&out_json, JWKS_MAX_FILE);
	if (join_path(pem_path, sizeof(pem_path), dir, "private.pem") == -1 ||
	    join_path(jwks_path, sizeof(jwks_path), dir, "jwks.json") == -1)
		goto out;
	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384")) == NULL) {
		ossl_fail("EC P-384 key generation");
		goto out;
	}
	if (p384_public(pkey, pt, kid, sizeof(kid)) == -1 ||
	    b64url_encode(pt + 1, P384_LEN, x, sizeof(x)) == 0 ||
	    b64url_encode(pt + 1 + P384_LEN, P384_LEN, y, sizeof(y)) == 0) {
		fprintf(stderr, "%s: cannot encode the public key\n",
		    progname);
		goto out;
	}
	if ((mem = BIO_new(BIO_s_secmem())) == NULL ||
	    !PEM_write_bio_PrivateKey(mem, pkey, NULL, NULL, 0, NULL, NULL) ||
	    (pemlen = BIO_get_mem_data(mem, &pem)) <= 0) {
		ossl_fail("PEM encoding");
		goto out;
	}
	if ((jwks = json_object_new_object()) == NULL ||
	    (keys = json_object_new_array()) == NULL ||
	    json_object_object_add(jwks, "keys", keys) != 0 ||
	    (jwk = json_object_new_object()) == NULL ||
	    json_object_array_add(keys, jwk) != 0 ||
	    json_object_object_add(jwk, "kty", json_object_new_string("EC")) ||
	    json_object_object_add(jwk, "crv",
	    json_object_new_string("P-384")) ||
	    json_object_object_add(jwk, "x", json_object_new_string(x)) ||
	    json_object_object_add(jwk, "y", json_object_new_string(y)) ||
	    json_object_object_add(jwk, "kid", json_object_new_string(kid)) ||
	    json_object_object_add(jwk, "alg",
	    json_object_new_string("ES384")) ||
	    json_object_object_add(jwk, "use", json_object_new_string("sig")) ||
	    (json = json_object_to_json_string_ext(jwks,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", progname);
		goto out;
	}
	if (buf_printf(&out_json, "%s\n", json) != USERCGI_OK) {
		fprintf(stderr, "%s: out of memory\n", progname);
		goto out;
	}
	if (write_file(pem_path, O_EXCL, 0600, pem, (size_t)pemlen) == -1 ||
	    write_file(jwks_path, O_TRUNC, 0644, out_json.ptr,
	    out_json.len) == -1)
		goto out;
	printf("wrote %s and %s (kid %s)\n", pem_path, jwks_path, kid);
	ex = 0;
out:
	buf_free(&out_json);
	json_object_put(jwks);
	BIO_free(mem);
	EVP_PKEY_free(pkey);
	return ex;
}

/*
 * Appends the base64url of a JSON object's compact text to b.  Returns
 * 0 or -1.
 */
static int
add_b64_json(struct buf *b, json_object *o)
{
	const char	*s;
	char		*enc = NULL;
	size_t		 len, enclen, n;
	int		 ret = -1;

	if ((s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE)) == NULL)
		goto out;
	len = strlen(s);
	enclen = len / 3 * 4 + 5;
	if ((enc = xmalloc(enclen)) == NULL)
		goto out;
	if ((n = b64url_encode((const unsigned char *)s, len, enc, enclen)) ==
	    0 || buf_add(b, enc, n) != USERCGI_OK)
		goto out;
	ret = 0;
out:
	free(enc);
	return ret;
}

/*
 * Signs the JWS signing input in b with pkey (ES384, RFC 7518 §3.4: the
 * DER ECDSA signature becomes R || S, each P384_LEN bytes) and appends
 * "." and the base64url signature.  Returns 0 or -1.
 */
static int
add_es384_sig(struct buf *b, EVP_PKEY *pkey)
{
	EVP_MD_CTX	*ctx = NULL;
	ECDSA_SIG	*sig = NULL;
	const BIGNUM	*r, *s;
	unsigned char	*der = NULL, raw[2 * P384_LEN];
	const unsigned char *p;
	char		 enc[160];
	size_t		 derlen = 0, n;
	int		 ret = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL, pkey) ||
	    !EVP_DigestSign(ctx, NULL, &derlen,
	    (const unsigned char *)b->ptr, b->len) ||
	    (der = xmalloc(derlen)) == NULL ||
	    !EVP_DigestSign(ctx, der, &derlen,
	    (const unsigned char *)b->ptr, b->len)) {
		ossl_fail("ES384 signature");
		goto out;
	}
	p = der;
	if (derlen > LONG_MAX ||
	    (sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) == NULL) {
		ossl_fail("ECDSA signature decoding");
		goto out;
	}
	ECDSA_SIG_get0(sig, &r, &s);
	if (BN_bn2binpad(r, raw, P384_LEN) != P384_LEN ||
	    BN_bn2binpad(s, raw + P384_LEN, P384_LEN) != P384_LEN) {
		ossl_fail("ECDSA signature size");
		goto out;
	}
	if ((n = b64url_encode(raw, sizeof(raw), enc, sizeof(enc))) == 0 ||
	    buf_addc(b, '.') != USERCGI_OK || buf_add(b, enc, n) != USERCGI_OK)
		goto out;
	ret = 0;
out:
	ECDSA_SIG_free(sig);
	free(der);
	EVP_MD_CTX_free(ctx);
	return ret;
}

/* Reads an EC private key from a PEM file; NULL (message printed) on failure. */
static EVP_PKEY *
load_pem(const char *path)
{
	BIO		*bio;
	EVP_PKEY	*pkey = NULL;

	if ((bio = BIO_new_file(path, "r")) == NULL) {
		ossl_fail(path);
		goto out;
	}
	if ((pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL)
		ossl_fail(path);
out:
	BIO_free(bio);
	return pkey;
}

/*
 * token PEMFILE [--sub S] [--scope S] [--ttl SECONDS]: an RFC 9068 access
 * token shaped like Logto's (header alg, typ "at+jwt", kid; claims jti,
 * sub, iat, exp, scope, client_id, iss, aud).  Returns the exit status.
 */
static int
cmd_token(int argc, char *argv[])
{
	struct cfg	 c;
	struct buf	 tok;
	EVP_PKEY	*pkey = NULL;
	json_object	*hdr = NULL, *cl = NULL;
	unsigned char	 pt[1 + 2 * P384_LEN], rnd[16];
	char		 kid[64], jti[32], *end;
	const char	*pem, *sub = "usercgi-admin", *scope = NULL;
	long long	 ttl = 3600;
	int64_t		 now;
	int		 i, ex = EX_FAIL, cfg_ok = 0;

	buf_init(&tok, JWT_MAX_TOKEN);
	if (argc < 2) {
		usage();
		return EX_USAGE;
	}
	pem = argv[1];
	for (i = 2; i < argc; i += 2) {
		if (i + 1 >= argc) {
			fprintf(stderr, "%s: %s needs a value\n", progname,
			    argv[i]);
			usage();
			return EX_USAGE;
		}
		if (strcmp(argv[i], "--sub") == 0)
			sub = argv[i + 1];
		else if (strcmp(argv[i], "--scope") == 0)
			scope = argv[i + 1];
		else if (strcmp(argv[i], "--ttl") == 0) {
			errno = 0;
			ttl = strtoll(argv[i + 1], &end, 10);
			if (errno != 0 || end == argv[i + 1] || *end != '\0' ||
			    ttl < 1 || ttl > TTL_MAX) {
				fprintf(stderr, "%s: --ttl: expected seconds"
				    " from 1 to %lld\n", progname, TTL_MAX);
				return EX_USAGE;
			}
		} else {
			fprintf(stderr, "%s: token: unknown option %s\n",
			    progname, argv[i]);
			usage();
			return EX_USAGE;
		}
	}
	if (*sub == '\0') {
		fprintf(stderr, "%s: --sub must not be empty\n", progname);
		return EX_USAGE;
	}
	if (load_cfg(&c) == -1)
		goto out;
	cfg_ok = 1;
	if (scope == NULL)
		scope = c.required_scope;
	if ((pkey = load_pem(pem)) == NULL ||
	    p384_public(pkey, pt, kid, sizeof(kid)) == -1)
		goto out;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1 ||
	    b64url_encode(rnd, sizeof(rnd), jti, sizeof(jti)) == 0) {
		ossl_fail("random jti");
		goto out;
	}
	now = (int64_t)time(NULL);
	if ((hdr = json_object_new_object()) == NULL ||
	    json_object_object_add(hdr, "alg",
	    json_object_new_string("ES384")) ||
	    json_object_object_add(hdr, "typ",
	    json_object_new_string("at+jwt")) ||
	    json_object_object_add(hdr, "kid", json_object_new_string(kid)) ||
	    (cl = json_object_new_object()) == NULL ||
	    json_object_object_add(cl, "jti", json_object_new_string(jti)) ||
	    json_object_object_add(cl, "sub", json_object_new_string(sub)) ||
	    json_object_object_add(cl, "iat", json_object_new_int64(now)) ||
	    json_object_object_add(cl, "exp",
	    json_object_new_int64(now + ttl)) ||
	    json_object_object_add(cl, "scope",
	    json_object_new_string(scope)) ||
	    json_object_object_add(cl, "client_id",
	    json_object_new_string("usercgi-admin")) ||
	    json_object_object_add(cl, "iss",
	    json_object_new_string(c.issuer)) ||
	    json_object_object_add(cl, "aud",
	    json_object_new_string(c.audience))) {
		fprintf(stderr, "%s: out of memory\n", progname);
		goto out;
	}
	if (add_b64_json(&tok, hdr) == -1 || buf_addc(&tok, '.') !=
	    USERCGI_OK || add_b64_json(&tok, cl) == -1 ||
	    add_es384_sig(&tok, pkey) == -1) {
		fprintf(stderr, "%s: cannot build the token (over %d bytes?)\n",
		    progname, JWT_MAX_TOKEN);
		goto out;
	}
	printf("%s\n", buf_str(&tok));
	ex = 0;
out:
	json_object_put(hdr);
	json_object_put(cl);
	EVP_PKEY_free(pkey);
	buf_free(&tok);
	if (cfg_ok)
		cfg_free(&c);
	return ex;
}

/* What setup is given on its command line. */
struct setup_args {
	const char	*data;		/* --data: absolute, the private folder */
	const char	*issuer;	/* --issuer */
	const char	*audience;	/* --audience */
	const char	*jwks;		/* --jwks FILE to copy in, or NULL */
	const char	*docroot;	/* --docroot: data must lie outside */
};

/*
 * Returns 1 when v is a usable one-line value of at most SETUP_VALUE_MAX
 * bytes (no control character, no leading or trailing blank: the
 * configuration's "key = value" lines trim them), else 0.
 */
static int
setup_value_ok(const char *v)
{
	size_t	 i, n = strlen(v);

	if (n == 0 || n > SETUP_VALUE_MAX || v[0] == ' ' || v[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return 1;
}

/*
 * The data folder: created mode 0700 when missing, tightened to 0700
 * when group or others have any access, refused when it is not a
 * directory of this user (a symlink included).  Prints what it did.
 * Returns 0 or -1 (a message printed).
 */
static int
setup_dir(const char *dir)
{
	struct stat	 sb;

	if (mkdir(dir, 0700) == 0) {
		printf("created   %s (mode 0700)\n", dir);
		return 0;
	}
	if (errno != EEXIST) {
		fprintf(stderr, "%s: %s: %s\n", progname, dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "%s: %s: not a directory (a symlink is "
		    "refused)\n", progname, dir);
		return -1;
	}
	if (sb.st_uid != geteuid()) {
		fprintf(stderr, "%s: %s: owned by uid %lu, not by this user "
		    "(%lu)\n", progname, dir, (unsigned long)sb.st_uid,
		    (unsigned long)geteuid());
		return -1;
	}
	if ((sb.st_mode & 0077) != 0) {
		if (chmod(dir, 0700) == -1) {
			fprintf(stderr, "%s: %s: %s\n", progname, dir,
			    strerror(errno));
			return -1;
		}
		printf("changed   %s from mode %04o to 0700\n", dir,
		    (unsigned)(sb.st_mode & 07777));
	} else
		printf("kept      %s (mode %04o)\n", dir,
		    (unsigned)(sb.st_mode & 07777));
	return 0;
}

/*
 * Reads the regular file path (at most SETUP_FILE_MAX bytes) into b.
 * Returns 0, 1 when it does not exist, -1 on any other failure (a
 * message printed).
 */
static int
setup_read(const char *path, struct buf *b)
{
	char	 chunk[4096];
	ssize_t	 n;
	int	 fd, ret = -1;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 1;
		fprintf(stderr, "%s: %s: %s\n", progname, path,
		    strerror(errno));
		return -1;
	}
	for (;;) {
		if ((n = read(fd, chunk, sizeof(chunk))) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: %s: %s\n", progname, path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (buf_add(b, chunk, (size_t)n) != USERCGI_OK) {
			fprintf(stderr, "%s: %s: larger than %d bytes, or out "
			    "of memory\n", progname, path, SETUP_FILE_MAX);
			goto out;
		}
	}
	ret = 0;
out:
	(void)close(fd);
	return ret;
}

/*
 * Writes data to path through path.tmp and rename(), mode 0600.
 * Returns 0 or -1 (a message printed).
 */
static int
setup_replace(const char *path, const char *data, size_t len)
{
	char	 tmp[PATH_MAX];
	int	 n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		fprintf(stderr, "%s: %s: path too long\n", progname, path);
		return -1;
	}
	(void)unlink(tmp);
	if (write_file(tmp, O_EXCL, 0600, data, len) == -1)
		return -1;
	if (rename(tmp, path) == -1) {
		fprintf(stderr, "%s: %s: %s\n", progname, path,
		    strerror(errno));
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * DIR/jwks.json from --jwks FILE: copied when missing or different, and
 * checked to hold a usable key.  Without --jwks an existing one is
 * kept, and a missing one is reported (the responder answers 503 until
 * it is there).  Returns 0 or -1 (a message printed).
 */
static int
setup_jwks(const char *from, const char *path)
{
	struct buf	 in, cur;
	struct jwks	*k = NULL;
	enum usercgi_err rc;
	int		 r, ret = -1;

	buf_init(&in, SETUP_FILE_MAX);
	buf_init(&cur, SETUP_FILE_MAX);
	if (from == NULL) {
		if (access(path, F_OK) == 0)
			printf("kept      %s\n", path);
		else
			printf("missing   %s: copy your tenant's JWKS there "
			    "(<issuer>/jwks), or run setup again with "
			    "--jwks FILE\n", path);
		ret = 0;
		goto out;
	}
	if ((rc = jwks_load_file(from, &k)) != USERCGI_OK ||
	    jwks_count(k) == 0) {
		fprintf(stderr, "%s: --jwks %s: %s\n", progname, from,
		    rc != USERCGI_OK ? "cannot be loaded (the line above says "
		    "why)" : "no usable key");
		goto out;
	}
	if (setup_read(from, &in) != 0 || (r = setup_read(path, &cur)) == -1)
		goto out;
	if (r == 0 && cur.len == in.len && memcmp(cur.ptr, in.ptr,
	    in.len) == 0) {
		printf("kept      %s (the same as %s)\n", path, from);
		ret = 0;
		goto out;
	}
	if (setup_replace(path, in.ptr, in.len) == -1)
		goto out;
	printf("%s %s from %s (%zu usable key%s)\n", r == 1 ? "wrote    " :
	    "replaced ", path, from, jwks_count(k), jwks_count(k) == 1 ? "" :
	    "s");
	ret = 0;
out:
	jwks_free(k);
	buf_free(&in);
	buf_free(&cur);
	return ret;
}

/*
 * DIR/usercgi.conf: written (mode 0600) when missing; an existing one is
 * kept when it names the same database, JWKS, issuer and audience, and
 * refused otherwise (setup never overwrites an administrator's edits).
 * Either way it is loaded as the responder would load it.  Returns 0 or
 * -1 (a message printed).
 */
static int
setup_config(const struct setup_args *a, const char *conf, const char *db,
    const char *jwks)
{
	struct cfg	 c;
	struct buf	 b;
	char		 env0[PATH_MAX + 32], err[512];
	char		*env[2] = { env0, NULL };
	int		 n, written = 0, ret = -1;

	buf_init(&b, SETUP_FILE_MAX);
	n = snprintf(env0, sizeof(env0), "USERCGI_CONFIG=%s", conf);
	if (n < 0 || (size_t)n >= sizeof(env0)) {
		fprintf(stderr, "%s: %s: path too long\n", progname, conf);
		goto out;
	}
	if (access(conf, F_OK) == -1) {
		if (buf_printf(&b, "# Written by usercgi-admin setup; see "
		    "usercgi.conf(5) for the other keys.\n"
		    "database = %s\njwks_file = %s\nissuer = %s\n"
		    "audience = %s\n", db, jwks, a->issuer, a->audience) !=
		    USERCGI_OK) {
			fprintf(stderr, "%s: out of memory\n", progname);
			goto out;
		}
		if (write_file(conf, O_EXCL, 0600, b.ptr, b.len) == -1)
			goto out;
		written = 1;
	}
	err[0] = '\0';
	if (cfg_load(&c, env, err, sizeof(err)) != USERCGI_OK) {
		fprintf(stderr, "%s: %s: %s\n", progname, conf, err);
		if (written)
			(void)unlink(conf);
		goto out;
	}
	if (strcmp(c.database, db) != 0 || strcmp(c.jwks_file, jwks) != 0 ||
	    strcmp(c.issuer, a->issuer) != 0 ||
	    strcmp(c.audience, a->audience) != 0) {
		fprintf(stderr, "%s: %s exists with another database, "
		    "jwks_file, issuer or audience: left as it is (edit it, "
		    "or remove it and run setup again)\n", progname, conf);
		cfg_free(&c);
		goto out;
	}
	cfg_free(&c);
	printf("%s %s (mode 0600)\n", written ? "wrote    " : "kept     ",
	    conf);
	ret = 0;
out:
	buf_free(&b);
	return ret;
}

/*
 * The database DIR/users.db: created, or migrated to this build's
 * schema.  Returns 0 or -1 (a message printed).
 */
static int
setup_db(const char *db)
{
	struct store		*s = NULL;
	struct store_opts	 o;
	enum usercgi_err	 rc;
	int			 existed = access(db, F_OK) == 0;

	memset(&o, 0, sizeof(o));
	o.busy_timeout_ms = 5000;
	o.nofollow = 1;
	if ((rc = store_open(db, &o, &s)) != USERCGI_OK) {
		fprintf(stderr, "%s: database %s: cannot open (%s)\n",
		    progname, db, usercgi_errname(rc));
		return -1;
	}
	store_close(s);
	printf("%s %s (schema version %d, mode 0600)\n", existed ?
	    "kept     " : "created  ", db, store_schema_version());
	return 0;
}

/*
 * Returns 1 when the existing directory dir is root or lies under it
 * (real paths), 0 when not, -1 when root cannot be resolved (printed).
 */
static int
setup_under(const char *dir, const char *root)
{
	char	 rd[PATH_MAX], rr[PATH_MAX];
	size_t	 n;

	if (realpath(root, rr) == NULL) {
		fprintf(stderr, "%s: --docroot %s: %s\n", progname, root,
		    strerror(errno));
		return -1;
	}
	if (realpath(dir, rd) == NULL)
		return 0;
	n = strlen(rr);
	return strcmp(rr, "/") == 0 || (strncmp(rd, rr, n) == 0 &&
	    (rd[n] == '\0' || rd[n] == '/'));
}

/*
 * setup --data DIR --issuer URL --audience AUD [--jwks FILE]
 * [--docroot DIR]: a whole first install, for a control panel's cron
 * job: the data folder, the configuration, the JWKS and the database,
 * each created only when missing, so running it again changes nothing.
 * Refuses to run as a CGI program (GATEWAY_INTERFACE set: a web request
 * must never create files) and a data folder under the document root.
 * Prints one line per thing it did or kept.  Returns the exit status.
 */
static int
cmd_setup(int argc, char *argv[])
{
	struct setup_args	 a;
	char			 conf[PATH_MAX], db[PATH_MAX], jw[PATH_MAX];
	const char		**slot;
	int			 i, under;

	if (getenv("GATEWAY_INTERFACE") != NULL) {
		fprintf(stderr, "%s: setup refuses to run as a CGI program "
		    "(GATEWAY_INTERFACE is set): run it from a shell or a "
		    "cron job\n", progname);
		return EX_FAIL;
	}
	/* Its lines and the errors keep their order in a cron job's mail. */
	(void)setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&a, 0, sizeof(a));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--data") == 0)
			slot = &a.data;
		else if (strcmp(argv[i], "--issuer") == 0)
			slot = &a.issuer;
		else if (strcmp(argv[i], "--audience") == 0)
			slot = &a.audience;
		else if (strcmp(argv[i], "--jwks") == 0)
			slot = &a.jwks;
		else if (strcmp(argv[i], "--docroot") == 0)
			slot = &a.docroot;
		else {
			fprintf(stderr, "%s: setup: unknown option %s\n",
			    progname, argv[i]);
			usage();
			return EX_USAGE;
		}
		if (i + 1 >= argc || *slot != NULL) {
			fprintf(stderr, "%s: setup: %s needs one value\n",
			    progname, argv[i]);
			return EX_USAGE;
		}
		*slot = argv[++i];
	}
	if (a.data == NULL || a.issuer == NULL || a.audience == NULL) {
		fprintf(stderr, "%s: setup needs --data, --issuer and "
		    "--audience\n", progname);
		return EX_USAGE;
	}
	if (a.data[0] != '/' || !setup_value_ok(a.data) ||
	    !setup_value_ok(a.issuer) || !setup_value_ok(a.audience)) {
		fprintf(stderr, "%s: setup: --data must be an absolute path; "
		    "each value one line of at most %d bytes\n", progname,
		    SETUP_VALUE_MAX);
		return EX_USAGE;
	}
	if (join_path(conf, sizeof(conf), a.data, "usercgi.conf") == -1 ||
	    join_path(db, sizeof(db), a.data, "users.db") == -1 ||
	    join_path(jw, sizeof(jw), a.data, "jwks.json") == -1)
		return EX_FAIL;
	(void)umask(077);
	if (setup_dir(a.data) == -1)
		return EX_FAIL;
	if (a.docroot != NULL) {
		if ((under = setup_under(a.data, a.docroot)) == -1)
			return EX_FAIL;
		if (under) {
			fprintf(stderr, "%s: %s lies under the document root "
			    "%s: anyone could download the database; choose "
			    "a folder outside it\n", progname, a.data,
			    a.docroot);
			return EX_FAIL;
		}
	}
	if (setup_jwks(a.jwks, jw) == -1 ||
	    setup_config(&a, conf, db, jw) == -1 || setup_db(db) == -1)
		return EX_FAIL;
	printf("done: in the .htaccess, SetEnv USERCGI_CONFIG %s\n", conf);
	return 0;
}

int
main(int argc, char *argv[])
{
#ifdef USERCGI_PORTABLE
	/* As usercgi.fcgi: a static program reads no openssl.cnf. */
	(void)OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
#endif
	log_setup(LOG_LVL_WARN, progname);
	if (argc < 2) {
		usage();
		return EX_USAGE;
	}
	if (strcmp(argv[1], "init") == 0 && argc == 2)
		return cmd_init();
	if (strcmp(argv[1], "check") == 0 && argc == 2)
		return cmd_check();
	if (strcmp(argv[1], "jwks") == 0 && argc == 2)
		return cmd_jwks();
	if (strcmp(argv[1], "keygen") == 0 && argc == 3)
		return cmd_keygen(argv[2]);
	if (strcmp(argv[1], "token") == 0)
		return cmd_token(argc - 1, argv + 1);
	if (strcmp(argv[1], "setup") == 0)
		return cmd_setup(argc - 1, argv + 1);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage();
		return 0;
	}
	usage();
	return EX_USAGE;
}
