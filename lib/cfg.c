/*
 * cfg.c: the configuration file and USERCGI_* environment variables.
 *
 * File syntax: one "key = value" per line; blank lines and lines whose
 * first non-blank character is '#' are ignored; white space around key
 * and value is trimmed; no quoting, no continuation.  An unknown key is an
 * error (a typo must not silently fall back to a default).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cfg.h"
#include "fetch_module.h"
#include "jwksrc.h"
#include "phone.h"
#include "pw_verify.h"
#include "store.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef PKGLIBEXECDIR
#define PKGLIBEXECDIR "/usr/local/libexec/usercgi"
#endif
#ifndef USERCGI_BUILDDIR
#define USERCGI_BUILDDIR "/nonexistent"
#endif

#define CFG_GROUP_BUF	(16 * 1024)	/* getgrnam_r's buffer: members */

enum cfg_type { CFG_STR, CFG_SIZE, CFG_BOOL, CFG_I64, CFG_U32, CFG_INT, CFG_ULONG };

struct cfg_key {
	const char	*name;
	enum cfg_type	 type;
	size_t		 off;
	long long	 min, max;	/* numeric range, inclusive */
};

#define K(n, t, f, lo, hi)	{ n, t, offsetof(struct cfg, f), lo, hi }

static const struct cfg_key cfg_keys[] = {
	K("database", CFG_STR, database, 0, 0),
	K("database_group", CFG_STR, database_group, 0, 0),
	K("database_symlink", CFG_STR, database_symlink, 0, 0),
	K("jwks_file", CFG_STR, jwks_file, 0, 0),
	K("jwks_uri", CFG_STR, jwks_uri, 0, 0),
	K("jwks_ca_file", CFG_STR, jwks_ca_file, 0, 0),
	K("jwks_cooldown", CFG_I64, jwks_cooldown, 1, 3600),
	K("jwks_max_age", CFG_I64, jwks_max_age, 1, 86400),
	K("jwks_expiry", CFG_I64, jwks_expiry, 0, 30 * 86400),
	K("issuer", CFG_STR, issuer, 0, 0),
	K("audience", CFG_STR, audience, 0, 0),
	K("required_scope", CFG_STR, required_scope, 0, 0),
	K("max_body_bytes", CFG_SIZE, max_body_bytes, 2, 64LL * 1024 * 1024),
	K("require_exp", CFG_BOOL, require_exp, 0, 1),
	K("leeway", CFG_I64, leeway, 0, 3600),
	K("argon2_t", CFG_U32, argon2_t, 1, 64),
	K("argon2_m", CFG_U32, argon2_m, 8, 4 * 1024 * 1024),
	K("argon2_p", CFG_U32, argon2_p, 1, 16),
	K("digest_max_ms", CFG_U32, digest_max_ms, 1, 3600000),
	K("digest_max_mib", CFG_U32, digest_max_mib, 1, 4096),
	K("busy_timeout_ms", CFG_INT, busy_timeout_ms, 0, 600000),
	K("idempotency_expiry", CFG_INT, idempotency_expiry, 1, 30 * 86400),
	K("idempotency_lease", CFG_INT, idempotency_lease, 1, 3600),
	K("password_expiration", CFG_BOOL, password_expiration, 0, 1),
	K("max_requests", CFG_ULONG, max_requests, 0, LONG_MAX),
	K("threads", CFG_INT, threads, 1, 64),
	K("hasher", CFG_STR, hasher, 0, 0),
	K("hashers", CFG_INT, hashers, 0, 64),
	K("log_level", CFG_STR, log_level, 0, 0),
	K("phone_module", CFG_STR, phone_module, 0, 0),
	K("fetch_module", CFG_STR, fetch_module, 0, 0),
	K("pg_module", CFG_STR, pg_module, 0, 0),
};

#define NKEYS	(sizeof(cfg_keys) / sizeof(cfg_keys[0]))

static void
cfg_err(char *errbuf, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
cfg_err(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

static const struct cfg_key *
cfg_find(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < NKEYS; i++)
		if (strlen(cfg_keys[i].name) == len &&
		    strncmp(cfg_keys[i].name, name, len) == 0)
			return &cfg_keys[i];
	return NULL;
}

/*
 * Parses a whole decimal number in [min, max]: no sign, no blanks, no
 * trailing bytes.  Returns 0 and sets *out, or -1.
 */
static int
cfg_number(const char *v, long long min, long long max, long long *out)
{
	char		*end;
	long long	 n;

	if (!isdigit((unsigned char)v[0]))
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/*
 * Stores value v (NUL-terminated) for key k.  Returns USERCGI_OK,
 * USERCGI_NOMEM, or USERCGI_INTERNAL with the reason in errbuf.
 */
static enum usercgi_err
cfg_set(struct cfg *c, const struct cfg_key *k, const char *v,
    const char *where, char *errbuf, size_t errlen)
{
	char		*p = (char *)c + k->off, **sp, *dup;
	long long	 n;

	switch (k->type) {
	case CFG_STR:
		if (*v == '\0') {
			cfg_err(errbuf, errlen, "%s: %s: empty value", where,
			    k->name);
			return USERCGI_INTERNAL;
		}
		if ((dup = xstrdup(v)) == NULL)
			return USERCGI_NOMEM;
		sp = (char **)(void *)p;
		free(*sp);
		*sp = dup;
		return USERCGI_OK;
	case CFG_BOOL:
		if (strcmp(v, "1") == 0 || strcmp(v, "yes") == 0 ||
		    strcmp(v, "true") == 0)
			n = 1;
		else if (strcmp(v, "0") == 0 || strcmp(v, "no") == 0 ||
		    strcmp(v, "false") == 0)
			n = 0;
		else {
			cfg_err(errbuf, errlen, "%s: %s: expected yes or no, "
			    "got \"%.32s\"", where, k->name, v);
			return USERCGI_INTERNAL;
		}
		*(int *)(void *)p = (int)n;
		return USERCGI_OK;
	default:
		break;
	}
	if (cfg_number(v, k->min, k->max, &n) == -1) {
		cfg_err(errbuf, errlen, "%s: %s: expected a whole number from "
		    "%lld to %lld, got \"%.32s\"", where, k->name, k->min,
		    k->max, v);
		return USERCGI_INTERNAL;
	}
	switch (k->type) {
	case CFG_SIZE:
		*(size_t *)(void *)p = (size_t)n;
		break;
	case CFG_I64:
		*(int64_t *)(void *)p = (int64_t)n;
		break;
	case CFG_U32:
		*(uint32_t *)(void *)p = (uint32_t)n;
		break;
	case CFG_INT:
		*(int *)(void *)p = (int)n;
		break;
	default:
		*(unsigned long *)(void *)p = (unsigned long)n;
		break;
	}
	return USERCGI_OK;
}

static int
cfg_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/*
 * Parses the file contents s[0..len).  Returns USERCGI_OK, USERCGI_NOMEM
 * or USERCGI_INTERNAL with "path:line: reason" in errbuf.
 */
static enum usercgi_err
cfg_parse(struct cfg *c, const char *path, const char *s, size_t len,
    char *errbuf, size_t errlen)
{
	const struct cfg_key	*k;
	const char		*line, *eol, *eq, *ks, *ke, *vs, *ve;
	char			 where[PATH_MAX + 32], val[CFG_MAX_LINE];
	size_t			 lineno = 0;
	enum usercgi_err	 rc;

	for (line = s; line < s + len; line = eol + 1) {
		lineno++;
		if ((eol = memchr(line, '\n', (size_t)(s + len - line))) == NULL)
			eol = s + len;
		(void)snprintf(where, sizeof(where), "%s:%zu", path, lineno);
		if ((size_t)(eol - line) >= CFG_MAX_LINE) {
			cfg_err(errbuf, errlen, "%s: line too long", where);
			return USERCGI_INTERNAL;
		}
		if (memchr(line, '\0', (size_t)(eol - line)) != NULL) {
			cfg_err(errbuf, errlen, "%s: NUL byte", where);
			return USERCGI_INTERNAL;
		}
		for (ks = line; ks < eol && cfg_blank(*ks); ks++)
			continue;
		if (ks == eol || *ks == '#')
			continue;
		if ((eq = memchr(ks, '=', (size_t)(eol - ks))) == NULL) {
			cfg_err(errbuf, errlen, "%s: expected key = value",
			    where);
			return USERCGI_INTERNAL;
		}
		for (ke = eq; ke > ks && cfg_blank(ke[-1]); ke--)
			continue;
		for (vs = eq + 1; vs < eol && cfg_blank(*vs); vs++)
			continue;
		for (ve = eol; ve > vs && cfg_blank(ve[-1]); ve--)
			continue;
		if ((k = cfg_find(ks, (size_t)(ke - ks))) == NULL) {
			cfg_err(errbuf, errlen, "%s: unknown key \"%.*s\"",
			    where, (int)(ke - ks > 64 ? 64 : ke - ks), ks);
			return USERCGI_INTERNAL;
		}
		memcpy(val, vs, (size_t)(ve - vs));
		val[ve - vs] = '\0';
		if ((rc = cfg_set(c, k, val, where, errbuf, errlen)) != USERCGI_OK)
			return rc;
	}
	return USERCGI_OK;
}

/*
 * Reads the file at path (at most CFG_MAX_FILE bytes) and parses it.
 * missing_ok: a file that does not exist is not an error.
 */
static enum usercgi_err
cfg_read_file(struct cfg *c, const char *path, int missing_ok,
    char *errbuf, size_t errlen)
{
	struct buf		 b;
	struct stat		 st;
	char			 chunk[4096];
	ssize_t			 n;
	int			 fd;
	enum usercgi_err	 rc = USERCGI_INTERNAL;

	buf_init(&b, CFG_MAX_FILE);
	/*
	 * O_NONBLOCK: a FIFO must not hang the open; fstat refuses it.  A
	 * character device (/dev/null: no file) stays non-blocking, so a
	 * read that would wait fails instead.
	 */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1) {
		if (errno == ENOENT && missing_ok)
			rc = USERCGI_OK;
		else
			cfg_err(errbuf, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1 || !(S_ISREG(st.st_mode) ||
	    S_ISCHR(st.st_mode))) {
		cfg_err(errbuf, errlen, "%s: not a regular file", path);
		goto out;
	}
	for (;;) {
		if ((n = read(fd, chunk, sizeof(chunk))) == -1) {
			if (errno == EINTR)
				continue;
			cfg_err(errbuf, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if ((rc = buf_add(&b, chunk, (size_t)n)) != USERCGI_OK) {
			if (rc == USERCGI_TOO_LARGE) {
				cfg_err(errbuf, errlen, "%s: larger than %d "
				    "bytes", path, CFG_MAX_FILE);
				rc = USERCGI_INTERNAL;
			}
			goto out;
		}
	}
	rc = cfg_parse(c, path, buf_str(&b), b.len, errbuf, errlen);
	if (rc == USERCGI_OK && (c->source = xstrdup(path)) == NULL)
		rc = USERCGI_NOMEM;
out:
	if (fd != -1)
		close(fd);
	buf_free(&b);
	return rc;
}

/*
 * Applies USERCGI_<KEY> variables from env.  USERCGI_CONFIG is the file
 * name, not a key.  Any other USERCGI_ variable that names no key is an
 * error, like an unknown key in the file.
 */
static enum usercgi_err
cfg_read_env(struct cfg *c, char *const *env, char *errbuf, size_t errlen)
{
	const struct cfg_key	*k;
	const char		*e, *eq;
	char			 name[64];
	size_t			 i, n;
	enum usercgi_err	 rc;

	for (; env != NULL && *env != NULL; env++) {
		e = *env;
		if (strncmp(e, "USERCGI_", 8) != 0 ||
		    (eq = strchr(e, '=')) == NULL ||
		    strncmp(e, "USERCGI_CONFIG=", 15) == 0)
			continue;
		n = (size_t)(eq - e) - 8;
		if (n == 0 || n >= sizeof(name)) {
			cfg_err(errbuf, errlen, "environment: unknown variable "
			    "%.*s", (int)(n > 64 ? 72 : n + 8), e);
			return USERCGI_INTERNAL;
		}
		for (i = 0; i < n; i++)
			name[i] = (char)tolower((unsigned char)e[8 + i]);
		name[n] = '\0';
		if ((k = cfg_find(name, n)) == NULL) {
			cfg_err(errbuf, errlen, "environment: unknown variable "
			    "%.*s", (int)(n + 8), e);
			return USERCGI_INTERNAL;
		}
		if ((rc = cfg_set(c, k, eq + 1, "environment", errbuf,
		    errlen)) != USERCGI_OK)
			return rc;
	}
	return USERCGI_OK;
}

static const char *
cfg_env(char *const *env, const char *name)
{
	size_t	n = strlen(name);

	for (; env != NULL && *env != NULL; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

#ifdef USERCGI_PORTABLE
/*
 * The portable build's group lookup: a static program has no NSS (a
 * name would need /etc/group, or libnss modules that it cannot load), so
 * a name is refused.  Returns -1 with the reason in errbuf.
 */
static int
cfg_group_name(const char *name, gid_t *gid, char *errbuf, size_t errlen)
{
	(void)gid;
	cfg_err(errbuf, errlen, "database_group: %.64s: the portable build "
	    "takes a group number (id -g), not a name", name);
	return -1;
}
#else
/*
 * Looks up the group name into *gid.  Returns 0, or -1 with the reason
 * in errbuf.
 */
static int
cfg_group_name(const char *name, gid_t *gid, char *errbuf, size_t errlen)
{
	struct group	 gr, *res = NULL;
	char		 buf[CFG_GROUP_BUF];
	int		 e;

	if ((e = getgrnam_r(name, &gr, buf, sizeof(buf), &res)) != 0 ||
	    res == NULL) {
		cfg_err(errbuf, errlen, "database_group: %.64s: %s", name,
		    e != 0 ? strerror(e) : "no such group");
		return -1;
	}
	*gid = gr.gr_gid;
	return 0;
}
#endif

/*
 * Resolves database_group (a group name, or a number) into
 * c->database_gid.  Returns 0, or -1 with the reason in errbuf.
 */
static int
cfg_group(struct cfg *c, char *errbuf, size_t errlen)
{
	long long	 n;

	if (c->database_group == NULL)
		return 0;
	if (cfg_number(c->database_group, 0, UINT32_MAX - 1, &n) == 0)
		c->database_gid = (gid_t)n;
	else if (cfg_group_name(c->database_group, &c->database_gid, errbuf,
	    errlen) == -1)
		return -1;
	c->database_gid_set = 1;
	return 0;
}

/*
 * Returns 1 when the running program is one of the build tree it was
 * compiled in (USERCGI_BUILDDIR), by the kernel's name for it
 * (/proc/self/exe: symlinks resolved, " (deleted)" once replaced), 0
 * otherwise or when that cannot be told.
 *
 * Such a program takes the tree's phone module and hasher as defaults,
 * any other (installed, or copied elsewhere) only the installed
 * $pkglibdir and $pkglibexecdir ones: one candidate each, never a
 * search.  A search "next to the executable" would load whatever lies
 * beside a copy of the binary in a cgi-bin directory or a document root
 * (where uploads may land), and a search with a fallback lets whoever
 * can create the first candidate choose the code; the build tree's files
 * are writable only by whoever can already replace the program itself,
 * and they are the ones built with it (the installed module may be
 * another version).  Neither depends on the current directory, the
 * environment (other than USERCGI_* keys, which win) or a request.
 */
static int
cfg_builddir(void)
{
	char	 exe[PATH_MAX], top[PATH_MAX];
	ssize_t	 n;
	size_t	 len;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return 0;
	exe[n] = '\0';
	if (realpath(USERCGI_BUILDDIR, top) == NULL)
		return 0;
	len = strlen(top);
	return strncmp(exe, top, len) == 0 && exe[len] == '/';
}

/*
 * Checks jwks_uri (jwksrc_check_setting) and, with it set and
 * jwks_file not, makes jwks_file the cache file beside the database
 * (jwks-cache.json in its directory).  Returns USERCGI_OK, USERCGI_NOMEM,
 * or USERCGI_INTERNAL with the reason in errbuf.
 */
static enum usercgi_err
cfg_jwks(struct cfg *c, char *errbuf, size_t errlen)
{
	char		 why[256];
	const char	*slash;
	size_t		 n;

	if (c->jwks_uri == NULL)
		return USERCGI_OK;
	if (jwksrc_check_setting(c->jwks_uri, why, sizeof(why)) == -1) {
		cfg_err(errbuf, errlen, "jwks_uri: %s", why);
		return USERCGI_INTERNAL;
	}
	if (c->jwks_file != NULL || c->database == NULL)
		return USERCGI_OK;
	if (store_is_postgresql(c->database)) {
		cfg_err(errbuf, errlen, "jwks_file is not set (with jwks_uri "
		    "and a PostgreSQL database, name the cache file)");
		return USERCGI_INTERNAL;
	}
	slash = strrchr(c->database, '/');
	n = slash == NULL ? 0 : (size_t)(slash - c->database) + 1;
	if ((c->jwks_file = xmalloc(n + sizeof("jwks-cache.json"))) == NULL)
		return USERCGI_NOMEM;
	memcpy(c->jwks_file, c->database, n);
	memcpy(c->jwks_file + n, "jwks-cache.json", sizeof("jwks-cache.json"));
	return USERCGI_OK;
}

enum usercgi_err
cfg_load(struct cfg *c, char *const *env, char *errbuf, size_t errlen)
{
	const char		*path;
	enum usercgi_err	 rc;
	long			 ncpu;
	int			 tree = cfg_builddir();

	memset(c, 0, sizeof(*c));
	c->max_body_bytes = 1048576;
	c->require_exp = 1;
	c->argon2_t = 8;
	c->argon2_m = 8192;
	c->argon2_p = 1;
	c->digest_max_ms = PW_DIGEST_MAX_MS;
	c->digest_max_mib = PW_DIGEST_MAX_MIB;
	c->busy_timeout_ms = 5000;
	c->idempotency_expiry = 86400;
	c->idempotency_lease = 60;
	c->threads = 16;
	c->jwks_cooldown = 30;
	c->jwks_max_age = 600;
	c->jwks_expiry = 86400;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	c->hashers = ncpu < 1 ? 1 : ncpu > 64 ? 64 : (int)ncpu;
#ifdef USERCGI_PORTABLE
	/* The portable files are two programs: no hasher comes with them. */
	c->hashers = 0;
#endif
	if ((c->required_scope = xstrdup("all")) == NULL ||
	    (c->hasher = xstrdup(tree ? USERCGI_BUILDDIR
	    "/cgi-bin/usercgi-hasher" : PKGLIBEXECDIR "/usercgi-hasher")) ==
	    NULL ||
	    (c->log_level = xstrdup("info")) == NULL ||
	    (c->database_symlink = xstrdup("refuse")) == NULL ||
	    (c->phone_module = xstrdup(tree ? USERCGI_BUILDDIR
	    "/lib/usercgi-phone.so" : PHONE_MODULE_DEFAULT)) == NULL ||
	    (c->fetch_module = xstrdup(tree ? USERCGI_BUILDDIR
	    "/lib/usercgi-fetch.so" : FETCH_MODULE_DEFAULT)) == NULL ||
	    (c->pg_module = xstrdup(tree ? USERCGI_BUILDDIR
	    "/lib/usercgi-pg.so" : STORE_PG_MODULE_DEFAULT)) == NULL) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	if ((path = cfg_env(env, "USERCGI_CONFIG")) != NULL && *path != '\0')
		rc = cfg_read_file(c, path, 0, errbuf, errlen);
	else
		rc = cfg_read_file(c, SYSCONFDIR "/usercgi.conf", 1, errbuf,
		    errlen);
	if (rc != USERCGI_OK)
		goto out;
	if ((rc = cfg_read_env(c, env, errbuf, errlen)) != USERCGI_OK)
		goto out;
	if ((rc = cfg_jwks(c, errbuf, errlen)) != USERCGI_OK)
		goto out;
	rc = USERCGI_INTERNAL;
	if (c->database == NULL)
		cfg_err(errbuf, errlen, "database is not set");
	else if (c->jwks_file == NULL)
		cfg_err(errbuf, errlen, "jwks_file is not set");
	else if (c->issuer == NULL)
		cfg_err(errbuf, errlen, "issuer is not set");
	else if (c->audience == NULL)
		cfg_err(errbuf, errlen, "audience is not set");
	else if (c->hasher[0] != '/')
		cfg_err(errbuf, errlen, "hasher: expected an absolute path");
	else if (strcmp(c->log_level, "err") != 0 &&
	    strcmp(c->log_level, "warn") != 0 &&
	    strcmp(c->log_level, "info") != 0 &&
	    strcmp(c->log_level, "debug") != 0)
		cfg_err(errbuf, errlen, "log_level: expected err, warn, info "
		    "or debug");
	else if (strcmp(c->database_symlink, "refuse") != 0 &&
	    strcmp(c->database_symlink, "allow") != 0)
		cfg_err(errbuf, errlen, "database_symlink: expected refuse or "
		    "allow");
	else if (cfg_group(c, errbuf, errlen) == 0)
		rc = USERCGI_OK;
	c->database_symlink_ok = c->database_symlink != NULL &&
	    strcmp(c->database_symlink, "allow") == 0;
out:
	if (rc != USERCGI_OK)
		cfg_free(c);
	return rc;
}

void
cfg_free(struct cfg *c)
{
	free(c->database);
	free(c->database_group);
	free(c->database_symlink);
	free(c->jwks_file);
	free(c->jwks_uri);
	free(c->jwks_ca_file);
	free(c->issuer);
	free(c->audience);
	free(c->required_scope);
	free(c->log_level);
	free(c->phone_module);
	free(c->fetch_module);
	free(c->pg_module);
	free(c->hasher);
	free(c->source);
	memset(c, 0, sizeof(*c));
}
