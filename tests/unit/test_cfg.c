/*
 * test_cfg.c: the configuration file and environment (lib/cfg.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "jwksrc.h"
#include "tap.h"

static char	dir[] = "/tmp/usercgi-cfg.XXXXXX";
static char	path[64];
static char	envvar[96];

/* Writes s to the config file and loads it with the extra env vars. */
static enum usercgi_err
load(struct cfg *c, const char *s, const char *e1, const char *e2,
    char *err, size_t errlen)
{
	FILE	*f = fopen(path, "w");
	char	*env[4];
	int	 n = 0;

	if (f == NULL)
		return USERCGI_INTERNAL;
	fputs(s, f);
	fclose(f);
	env[n++] = envvar;
	if (e1 != NULL)
		env[n++] = (char *)e1;
	if (e2 != NULL)
		env[n++] = (char *)e2;
	env[n] = NULL;
	err[0] = '\0';
	return cfg_load(c, env, err, errlen);
}

int
main(void)
{
	struct cfg	 c;
	char		 err[512], big[CFG_MAX_LINE + 64];
	const char	*base = "database = /var/lib/u/users.db\n"
	    "jwks_file=/etc/u/jwks.json\n  # comment\n\n"
	    "issuer = https://a.example/oidc  \n"
	    "audience = https://default.logto.app/api\r\n";

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/u.conf", dir);
	snprintf(envvar, sizeof(envvar), "USERCGI_CONFIG=%s", path);

	tap_int(load(&c, base, NULL, NULL, err, sizeof(err)), USERCGI_OK,
	    "minimal file loads");
	tap_str(c.database, "/var/lib/u/users.db", "database");
	tap_str(c.jwks_file, "/etc/u/jwks.json", "jwks_file without spaces");
	tap_str(c.issuer, "https://a.example/oidc", "trailing blanks trimmed");
	tap_str(c.audience, "https://default.logto.app/api", "CRLF line");
	tap_str(c.required_scope, "all", "required_scope defaults to all");
	tap_int((long long)c.max_body_bytes, 1048576, "max_body_bytes default");
	tap_int(c.require_exp, 1, "require_exp default yes");
	tap_int(c.password_expiration, 0, "password_expiration default no");
	tap_int(c.argon2_t, 8, "argon2_t default");
	tap_int(c.argon2_m, 8192, "argon2_m default");
	tap_int(c.argon2_p, 1, "argon2_p default");
	tap_int(c.digest_max_ms, 1000, "digest_max_ms default");
	tap_int(c.digest_max_mib, 256, "digest_max_mib default");
	tap_str(c.source, path, "source names the file");
	cfg_free(&c);

	tap_int(load(&c, base, "USERCGI_MAX_BODY_BYTES=2048",
	    "USERCGI_REQUIRED_SCOPE=user:admin", err, sizeof(err)), USERCGI_OK,
	    "environment overrides");
	tap_int((long long)c.max_body_bytes, 2048, "USERCGI_MAX_BODY_BYTES");
	tap_str(c.required_scope, "user:admin", "USERCGI_REQUIRED_SCOPE");
	cfg_free(&c);

	tap_int(load(&c, base, "USERCGI_DATABSE=/x", NULL, err, sizeof(err)),
	    USERCGI_INTERNAL, "unknown environment variable refused");
	tap_ok(strstr(err, "USERCGI_DATABSE") != NULL, "and named");

	tap_int(load(&c, "databse = /x\n", NULL, NULL, err, sizeof(err)),
	    USERCGI_INTERNAL, "typo in a key refused");
	tap_ok(strstr(err, ":1: unknown key \"databse\"") != NULL,
	    "with file and line");
	tap_int(load(&c, "database /x\n", NULL, NULL, err, sizeof(err)),
	    USERCGI_INTERNAL, "line without = refused");
	tap_int(load(&c, "database =\n", NULL, NULL, err, sizeof(err)),
	    USERCGI_INTERNAL, "empty value refused");
	tap_int(load(&c, "issuer = a\naudience = b\njwks_file = c\n", NULL,
	    NULL, err, sizeof(err)), USERCGI_INTERNAL, "missing database");
	tap_str(err, "database is not set", "names the missing key");

	tap_int(load(&c, base, "USERCGI_MAX_BODY_BYTES=12x", NULL, err,
	    sizeof(err)), USERCGI_INTERNAL, "trailing garbage in a number");
	tap_int(load(&c, base, "USERCGI_MAX_BODY_BYTES=-1", NULL, err,
	    sizeof(err)), USERCGI_INTERNAL, "negative number");
	tap_int(load(&c, base, "USERCGI_MAX_BODY_BYTES= 5", NULL, err,
	    sizeof(err)), USERCGI_INTERNAL, "leading blank in a number");
	tap_int(load(&c, base, "USERCGI_MAX_BODY_BYTES=99999999999999999999",
	    NULL, err, sizeof(err)), USERCGI_INTERNAL, "overflowing number");
	tap_int(load(&c, base, "USERCGI_ARGON2_T=0", NULL, err, sizeof(err)),
	    USERCGI_INTERNAL, "number below its range");
	tap_int(load(&c, base, "USERCGI_DIGEST_MAX_MS=2000",
	    "USERCGI_DIGEST_MAX_MIB=1024", err, sizeof(err)), USERCGI_OK,
	    "digest ceilings from the environment");
	tap_int(c.digest_max_ms, 2000, "USERCGI_DIGEST_MAX_MS");
	tap_int(c.digest_max_mib, 1024, "USERCGI_DIGEST_MAX_MIB");
	cfg_free(&c);
	tap_int(load(&c, base, "USERCGI_DIGEST_MAX_MS=0", NULL, err,
	    sizeof(err)), USERCGI_INTERNAL, "digest_max_ms 0 refused");
	tap_int(load(&c, base, "USERCGI_DIGEST_MAX_MIB=4097", NULL, err,
	    sizeof(err)), USERCGI_INTERNAL, "digest_max_mib above 4096 refused");
	tap_int(load(&c, base, "USERCGI_REQUIRE_EXP=maybe", NULL, err,
	    sizeof(err)), USERCGI_INTERNAL, "bad boolean");
	tap_int(load(&c, base, "USERCGI_REQUIRE_EXP=no", NULL, err,
	    sizeof(err)), USERCGI_OK, "boolean no");
	tap_int(c.require_exp, 0, "require_exp off");
	cfg_free(&c);
	tap_int(load(&c, base, "USERCGI_PASSWORD_EXPIRATION=yes", NULL, err,
	    sizeof(err)), USERCGI_OK, "password_expiration on");
	tap_int(c.password_expiration, 1, "password_expiration yes");
	cfg_free(&c);
	tap_int(load(&c, base, "USERCGI_LOG_LEVEL=loud", NULL, err,
	    sizeof(err)), USERCGI_INTERNAL, "bad log level");

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tap_int(load(&c, big, NULL, NULL, err, sizeof(err)), USERCGI_INTERNAL,
	    "over-long line refused");
	tap_ok(strstr(err, "line too long") != NULL, "and said so");

	/* jwks_uri (issue 16): its defaults, the cache file, its refusals. */
	tap_int(load(&c, "database = /var/lib/u/users.db\n"
	    "issuer = https://a.example/oidc\naudience = x\n"
	    "jwks_uri = discover\n", NULL, NULL, err, sizeof(err)),
#ifdef HAVE_LIBCURL
	    USERCGI_OK, "jwks_uri = discover without jwks_file");
	tap_str(c.jwks_file, "/var/lib/u/jwks-cache.json",
	    "the cache file lies beside the database");
	tap_int(c.jwks_cooldown, 30, "jwks_cooldown default");
	tap_int(c.jwks_max_age, 600, "jwks_max_age default");
	tap_int(c.jwks_expiry, 86400, "jwks_expiry default");
	cfg_free(&c);
	tap_int(load(&c, "database = host=db dbname=u\nissuer = i\n"
	    "audience = x\n", "USERCGI_JWKS_URI=https://a.example/jwks", NULL,
	    err, sizeof(err)), USERCGI_INTERNAL,
	    "jwks_uri on PostgreSQL without jwks_file");
	tap_ok(strstr(err, "name the cache file") != NULL, "and said so");
	tap_int(load(&c, base, "USERCGI_JWKS_URI=http://a.example/jwks", NULL,
	    err, sizeof(err)), USERCGI_INTERNAL, "plain http elsewhere refused");
	tap_ok(strstr(err, "only to 127.0.0.1") != NULL, "and said so");
	tap_int(load(&c, base, "USERCGI_JWKS_URI=http://127.0.0.1:9/jwks",
	    "USERCGI_JWKS_COOLDOWN=0", err, sizeof(err)), USERCGI_INTERNAL,
	    "jwks_cooldown 0 refused");
	tap_int(load(&c, base, "USERCGI_JWKS_URI=http://[::1]:9/jwks", NULL,
	    err, sizeof(err)), USERCGI_OK, "plain http to [::1]");
	tap_str(c.jwks_file, "/etc/u/jwks.json", "jwks_file kept as the cache");
	cfg_free(&c);
	tap_int(load(&c, base, "USERCGI_FETCH_MODULE=/x/usercgi-fetch.so",
	    NULL, err, sizeof(err)), USERCGI_OK, "fetch_module set");
	tap_str(c.fetch_module, "/x/usercgi-fetch.so", "fetch_module kept");
	cfg_free(&c);
	/* The URL rules, checked without loading the HTTP client module. */
	{
		static const struct {
			const char	*uri, *why;	/* why NULL: accepted */
		} u[] = {
			{ "https://a.example/jwks", NULL },
			{ "HTTPS://a.example:8443/jwks?x=1", NULL },
			{ "http://127.0.0.1/jwks", NULL },
			{ "http://127.0.0.1:8080/jwks", NULL },
			{ "http://[::1]:9", NULL },
			{ "http://127.0.0.1.evil.example/", "only to 127.0.0.1" },
			{ "http://127.0.0.1:80x/", "only to 127.0.0.1" },
			{ "http://[::1]x/", "only to 127.0.0.1" },
			{ "http://localhost/", "only to 127.0.0.1" },
			{ "https://u:p@a.example/", "user name or password" },
			{ "https://a.example@b.example/", "user name or password" },
			{ "ftp://a.example/", "not an http(s) URL" },
			{ "a.example/jwks", "not an http(s) URL" },
			{ "https:///jwks", "not an absolute" },
			{ "https://a.example/ x", "not an absolute" },
		};
		char	why[128], name[160];
		size_t	i;
		int	r;

		for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
			why[0] = '\0';
			r = jwksrc_check_uri(u[i].uri, why, sizeof(why));
			(void)snprintf(name, sizeof(name), "%s %s", u[i].uri,
			    u[i].why == NULL ? "accepted" : "refused");
			tap_ok(u[i].why == NULL ? r == 0 : r == -1 &&
			    strstr(why, u[i].why) != NULL, name);
		}
	}
#else
	    USERCGI_INTERNAL, "--without-libcurl: jwks_uri refused");
	tap_ok(strstr(err, "configure --without-libcurl") != NULL,
	    "and said so");
#endif
	unlink(path);
	tap_int(load(&c, "", NULL, NULL, err, sizeof(err)), USERCGI_INTERNAL,
	    "empty file: required keys missing");
	unlink(path);
	{
		char	*env[] = { envvar, NULL };

		tap_int(cfg_load(&c, env, err, sizeof(err)), USERCGI_INTERNAL,
		    "missing named file is an error");
	}
	rmdir(dir);
	return tap_done();
}
