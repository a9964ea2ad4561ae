/*
 * jwksrc.c: the issuer's JWKS fetched over HTTPS (by the libcurl module
 * usercgi-fetch.so, fetch_module.h, loaded only for a fetch), validated,
 * and kept in the cache file (jwksrc.h).  The request path never comes
 * here for a token whose key is cached: auth.c reads the cache file as
 * it reads any jwks_file, and calls jwksrc_fetch only for an unknown kid
 * (or, in a CGI process, for a cache past its max age).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_LIBCURL
#include <dlfcn.h>
#endif
#include <json-c/json.h>

#include "buf.h"
#include "dlmod.h"
#include "fetch_module.h"
#include "json.h"
#include "jwks.h"
#include "jwksrc.h"
#include "log.h"

#define JWKSRC_META		"usercgi_cache"
#define JWKSRC_DEPTH		8	/* jwks.c's JWKS_MAX_DEPTH */
#define JWKSRC_WELL_KNOWN	"/.well-known/openid-configuration"

struct jwksrc {
	char		*uri, *issuer, *cache, *ca_file;
	char		*module;	/* fetch_module: the HTTP client */
	char		*lock;		/* cache + ".lock" */
	int64_t		 cooldown, max_age, expiry;
	pthread_mutex_t	 mu;		/* one fetch at a time; guards below */
	int64_t		 last;		/* last attempt this process knows of */
	int		 last_known;	/* last is set */
	pthread_mutex_t	 wmu;		/* the background thread's wait */
	pthread_cond_t	 wcv;
	int		 stop;		/* guarded by wmu */
	int		 running;	/* th was started */
	pthread_t	 th;
};

static void	jwksrc_why(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes a reason into why (whylen bytes; nothing when 0). */
static void
jwksrc_why(char *why, size_t whylen, const char *fmt, ...)
{
	va_list	ap;

	if (whylen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

enum usercgi_err
jwksrc_new(const struct jwksrc_opts *o, struct jwksrc **out)
{
	struct jwksrc	*s;
	size_t		 n;

	*out = NULL;
	if ((s = xcalloc(1, sizeof(*s))) == NULL)
		return USERCGI_NOMEM;
	n = strlen(o->cache) + sizeof(".lock");
	if ((s->uri = xstrdup(o->uri)) == NULL ||
	    (s->issuer = xstrdup(o->issuer)) == NULL ||
	    (s->cache = xstrdup(o->cache)) == NULL ||
	    (o->ca_file != NULL && (s->ca_file = xstrdup(o->ca_file)) ==
	    NULL) || (s->module = xstrdup(o->module != NULL ? o->module :
	    FETCH_MODULE_DEFAULT)) == NULL || (s->lock = xmalloc(n)) == NULL) {
		free(s->module);
		free(s->uri);
		free(s->issuer);
		free(s->cache);
		free(s->ca_file);
		free(s);
		return USERCGI_NOMEM;
	}
	(void)snprintf(s->lock, n, "%s.lock", o->cache);
	s->cooldown = o->cooldown;
	s->max_age = o->max_age;
	s->expiry = o->expiry;
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->wmu, NULL);
	pthread_cond_init(&s->wcv, NULL);
	*out = s;
	return USERCGI_OK;
}

void
jwksrc_free(struct jwksrc *s)
{
	if (s == NULL)
		return;
	jwksrc_stop(s);
	pthread_cond_destroy(&s->wcv);
	pthread_mutex_destroy(&s->wmu);
	pthread_mutex_destroy(&s->mu);
	free(s->uri);
	free(s->issuer);
	free(s->cache);
	free(s->ca_file);
	free(s->module);
	free(s->lock);
	free(s);
}

void
jwksrc_meta(const char *data, size_t len, struct jwksrc_meta *m)
{
	struct json_object	*root = NULL, *c, *f, *a, *u;
	char			 msg[64];

	memset(m, 0, sizeof(*m));
	if (json_parse_strict(data, len, JWKSRC_DEPTH, &root, msg,
	    sizeof(msg)) != USERCGI_OK)
		return;
	if (json_object_is_type(root, json_type_object) &&
	    json_object_object_get_ex(root, JWKSRC_META, &c) &&
	    json_object_is_type(c, json_type_object) &&
	    json_object_object_get_ex(c, "fetched", &f) &&
	    json_object_is_type(f, json_type_int) &&
	    json_object_object_get_ex(c, "max_age", &a) &&
	    json_object_is_type(a, json_type_int) &&
	    json_object_object_get_ex(c, "uri", &u) &&
	    json_object_is_type(u, json_type_string) &&
	    (size_t)json_object_get_string_len(u) <= JWKSRC_MAX_URI &&
	    json_object_get_int64(a) >= 0) {
		m->fetched = json_object_get_int64(f);
		m->max_age = json_object_get_int64(a);
		(void)snprintf(m->uri, sizeof(m->uri), "%s",
		    json_object_get_string(u));
		m->ok = 1;
	}
	json_object_put(root);
}

void
jwksrc_times(const struct jwksrc *s, const struct jwksrc_meta *m,
    int64_t mtime, int64_t *fresh, int64_t *expires)
{
	int64_t	at = m->ok ? m->fetched : mtime;
	int64_t	age = m->ok ? m->max_age : s->max_age;

	*fresh = at + age;
	*expires = *fresh + s->expiry;
}

#ifdef HAVE_LIBCURL
/*
 * The rules of fetchmod_check_uri, checked without libcurl so that
 * loading the configuration maps no HTTP client: "http://" or
 * "https://", an authority without "@", plain http only to 127.0.0.1 or
 * [::1] (a port allowed), no space or control character.  The module
 * checks every URL it fetches again with libcurl's parser.
 */
int
jwksrc_check_uri(const char *uri, char *why, size_t whylen)
{
	const char	*p, *auth, *end;
	size_t		 n, i, hl;
	int		 tls;

	if ((n = strlen(uri)) > JWKSRC_MAX_URI) {
		jwksrc_why(why, whylen, "longer than %d bytes", JWKSRC_MAX_URI);
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)uri[i] <= 0x20 || uri[i] == 0x7f) {
			jwksrc_why(why, whylen, "not an absolute http(s) URL");
			return -1;
		}
	if (strncasecmp(uri, "https://", 8) == 0) {
		tls = 1;
		auth = uri + 8;
	} else if (strncasecmp(uri, "http://", 7) == 0) {
		tls = 0;
		auth = uri + 7;
	} else {
		jwksrc_why(why, whylen, "not an http(s) URL");
		return -1;
	}
	end = auth + strcspn(auth, "/?#");
	if (end == auth) {
		jwksrc_why(why, whylen, "not an absolute http(s) URL");
		return -1;
	}
	if (memchr(auth, '@', (size_t)(end - auth)) != NULL) {
		jwksrc_why(why, whylen, "a user name or password in the URL");
		return -1;
	}
	if (tls)
		return 0;
	if (*auth == '[')
		p = memchr(auth, ']', (size_t)(end - auth));
	else
		p = memchr(auth, ':', (size_t)(end - auth));
	hl = p == NULL ? (size_t)(end - auth) :
	    (size_t)(p - auth) + (*auth == '[');
	p = auth + hl;
	if (p < end && *p == ':')
		for (p++; p < end && *p >= '0' && *p <= '9'; p++)
			continue;
	if (p == end && ((hl == 9 && strncmp(auth, "127.0.0.1", 9) == 0) ||
	    (hl == 5 && strncmp(auth, "[::1]", 5) == 0)))
		return 0;
	jwksrc_why(why, whylen, "plain http only to 127.0.0.1 or [::1]; use "
	    "https");
	return -1;
}

int
jwksrc_check_setting(const char *v, char *why, size_t whylen)
{
	return strcmp(v, JWKSRC_DISCOVER) == 0 ? 0 :
	    jwksrc_check_uri(v, why, whylen);
}

/* The loaded module, shared by the process's sources; under fetch_mu. */
static pthread_mutex_t		 fetch_mu = PTHREAD_MUTEX_INITIALIZER;
static fetchmod_get_fn		*fetch_get;

/*
 * Loads the HTTP client module (s->module) unless it is loaded: once it
 * is, it stays for the life of the process; after a failure the next
 * fetch tries again.  Returns its fetchmod_get, or NULL with the reason
 * in why.
 */
static fetchmod_get_fn *
jwksrc_module(struct jwksrc *s, char *why, size_t whylen)
{
	static const char *const names[3] = { "fetchmod_init",
	    "fetchmod_get", "fetchmod_check_uri" };
	fetchmod_init_fn	*init;
	fetchmod_get_fn		*rc;
	void			*h = NULL, *sym[3];

	pthread_mutex_lock(&fetch_mu);
	if ((rc = fetch_get) != NULL)
		goto out;
	if ((h = dlmod_open(s->module, names, 3, sym, why, whylen)) == NULL)
		goto out;
	init = (fetchmod_init_fn *)sym[0];
	if (init(FETCHMOD_ABI, log_msg) == -1) {
		jwksrc_why(why, whylen, "%s: built for another version of "
		    "usercgi, or curl_global_init failed", s->module);
		goto out;
	}
	rc = fetch_get = (fetchmod_get_fn *)sym[1];
	h = NULL;
out:
	if (h != NULL)
		(void)dlclose(h);
	pthread_mutex_unlock(&fetch_mu);
	return rc;
}

/*
 * GETs url into b (at most b->max bytes) with the module's fetchmod_get
 * (fetch_module.h).  Sets *max_age from Cache-Control (-1: none).
 * Returns 0, or -1 with the reason in why.
 */
static int
jwksrc_get(struct jwksrc *s, const char *url, struct buf *b,
    int64_t *max_age, char *why, size_t whylen)
{
	fetchmod_get_fn	*get;
	char		 r[PATH_MAX + 256];
	char		*body = NULL;
	size_t		 len = 0;
	int		 rc = -1;

	*max_age = -1;
	buf_reset(b);
	if ((get = jwksrc_module(s, r, sizeof(r))) == NULL) {
		jwksrc_why(why, whylen, "cannot load the HTTP client module "
		    "(fetch_module): %s", r);
		goto out;
	}
	if ((body = xmalloc(b->max > 0 ? b->max : 1)) == NULL) {
		jwksrc_why(why, whylen, "out of memory");
		goto out;
	}
	if (get(url, s->ca_file, body, b->max, &len, max_age, why,
	    whylen) == -1)
		goto out;
	if (buf_add(b, body, len) != USERCGI_OK) {
		jwksrc_why(why, whylen, "out of memory");
		goto out;
	}
	rc = 0;
out:
	free(body);
	return rc;
}
#else
int
jwksrc_check_uri(const char *uri, char *why, size_t whylen)
{
	(void)uri;
	jwksrc_why(why, whylen, "this build has no HTTP client (configure "
	    "--without-libcurl): copy the JWKS to jwks_file instead");
	return -1;
}

int
jwksrc_check_setting(const char *v, char *why, size_t whylen)
{
	return jwksrc_check_uri(v, why, whylen);
}

static int
jwksrc_get(struct jwksrc *s, const char *url, struct buf *b,
    int64_t *max_age, char *why, size_t whylen)
{
	(void)s;
	(void)b;
	*max_age = -1;
	return jwksrc_check_uri(url, why, whylen);
}
#endif

/*
 * OpenID Connect Discovery 1.0 §4: reads jwks_uri from the issuer's
 * configuration document, whose "issuer" must be the configured one
 * (§4.3).  Returns 0 with the URL in uri, or -1 with the reason in why.
 */
static int
jwksrc_discover(struct jwksrc *s, char uri[JWKSRC_MAX_URI + 1], char *why,
    size_t whylen)
{
	struct json_object	*root = NULL, *v;
	struct buf		 b;
	char			 url[JWKSRC_MAX_URI + 1], msg[128];
	size_t			 n = strlen(s->issuer);
	int64_t			 age;
	int			 rc = -1;

	buf_init(&b, JWKS_MAX_FILE);
	if (n > 0 && s->issuer[n - 1] == '/')
		n--;
	if (snprintf(url, sizeof(url), "%.*s%s", (int)n, s->issuer,
	    JWKSRC_WELL_KNOWN) >= (int)sizeof(url)) {
		jwksrc_why(why, whylen, "the issuer is too long");
		goto out;
	}
	if (jwksrc_get(s, url, &b, &age, why, whylen) == -1)
		goto out;
	if (json_parse_strict(buf_str(&b), b.len, JWKSRC_DEPTH, &root, msg,
	    sizeof(msg)) != USERCGI_OK ||
	    !json_object_is_type(root, json_type_object)) {
		jwksrc_why(why, whylen, "%s: not a JSON object", url);
		goto out;
	}
	if (!json_object_object_get_ex(root, "issuer", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), s->issuer) != 0) {
		jwksrc_why(why, whylen, "%s: its \"issuer\" is not %s", url,
		    s->issuer);
		goto out;
	}
	if (!json_object_object_get_ex(root, "jwks_uri", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    (size_t)json_object_get_string_len(v) > JWKSRC_MAX_URI ||
	    strlen(json_object_get_string(v)) !=
	    (size_t)json_object_get_string_len(v)) {
		jwksrc_why(why, whylen, "%s: no usable \"jwks_uri\"", url);
		goto out;
	}
	(void)snprintf(uri, JWKSRC_MAX_URI + 1, "%s", json_object_get_string(v));
	if (jwksrc_check_uri(uri, msg, sizeof(msg)) == -1) {
		jwksrc_why(why, whylen, "%s: jwks_uri refused: %s", url, msg);
		goto out;
	}
	rc = 0;
out:
	json_object_put(root);
	buf_free(&b);
	return rc;
}

/*
 * Writes data[0..len) to the cache file atomically: a temporary file in
 * its directory, fsync, rename over it, fsync of the directory.
 * Returns 0, or -1 with the reason in why.
 */
static int
jwksrc_write_cache(const struct jwksrc *s, const char *data, size_t len,
    char *why, size_t whylen)
{
	char	 tmp[PATH_MAX], dir[PATH_MAX], *slash;
	size_t	 off = 0;
	ssize_t	 w;
	int	 fd = -1, dfd, rc = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", s->cache) >=
	    (int)sizeof(tmp)) {
		jwksrc_why(why, whylen, "%s: path too long", s->cache);
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		jwksrc_why(why, whylen, "cannot create %s: %s", tmp,
		    strerror(errno));
		return -1;
	}
	while (off < len) {
		if ((w = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	if (off < len || fchmod(fd, 0644) == -1 || fsync(fd) == -1) {
		jwksrc_why(why, whylen, "cannot write %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		jwksrc_why(why, whylen, "cannot write %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, s->cache) == -1) {
		jwksrc_why(why, whylen, "cannot rename %s to %s: %s", tmp,
		    s->cache, strerror(errno));
		goto out;
	}
	tmp[0] = '\0';
	(void)snprintf(dir, sizeof(dir), "%s", s->cache);
	if ((slash = strrchr(dir, '/')) == NULL)
		(void)snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		(void)close(dfd);
	}
	rc = 0;
out:
	if (fd != -1)
		(void)close(fd);
	if (tmp[0] != '\0')
		(void)unlink(tmp);
	return rc;
}

/*
 * The fetch itself (discovery when configured, the JWKS, its checks,
 * the cache file), at time now.  Returns 0, or -1 with the reason in
 * why.  The cache file keeps the issuer's bytes after its first "{",
 * behind the usercgi_cache member.
 */
static int
jwksrc_do_fetch(struct jwksrc *s, int64_t now, char *why, size_t whylen)
{
	struct json_object	*root = NULL, *v;
	struct jwks		*k = NULL;
	struct buf		 b, out;
	char			 uri[JWKSRC_MAX_URI + 1], msg[128];
	const char		*p;
	int64_t			 age;
	int			 rc = -1;

	buf_init(&b, JWKS_MAX_FILE);
	buf_init(&out, JWKS_MAX_FILE + JWKSRC_MAX_URI + 256);
	if (strcmp(s->uri, JWKSRC_DISCOVER) == 0) {
		if (jwksrc_discover(s, uri, why, whylen) == -1)
			goto out;
	} else
		(void)snprintf(uri, sizeof(uri), "%s", s->uri);
	if (jwksrc_get(s, uri, &b, &age, why, whylen) == -1)
		goto out;
	if (json_parse_strict(buf_str(&b), b.len, JWKSRC_DEPTH, &root, msg,
	    sizeof(msg)) != USERCGI_OK) {
		jwksrc_why(why, whylen, "%s: not a JWKS (not valid JSON: %s)",
		    uri, msg);
		goto out;
	}
	if (!json_object_is_type(root, json_type_object) ||
	    json_object_object_get_ex(root, JWKSRC_META, &v)) {
		jwksrc_why(why, whylen, "%s: not a JWKS (not an object, or "
		    "it has a \"%s\" member)", uri, JWKSRC_META);
		goto out;
	}
	if (jwks_load_mem(buf_str(&b), b.len, &k) != USERCGI_OK ||
	    jwks_count(k) == 0) {
		jwksrc_why(why, whylen, "%s: not a JWKS with a usable key", uri);
		goto out;
	}
	if (age < 0)
		age = s->max_age;
	else if (age < JWKSRC_MIN_AGE)
		age = JWKSRC_MIN_AGE;
	/* An object with a "keys" member: its first byte after blanks is "{". */
	for (p = buf_str(&b); *p != '{'; p++)
		continue;
	if (buf_printf(&out, "{\"%s\":{\"fetched\":%lld,\"max_age\":%lld,"
	    "\"uri\":", JWKSRC_META, (long long)now, (long long)age) !=
	    USERCGI_OK || jsonw_str(&out, uri, strlen(uri)) != USERCGI_OK ||
	    buf_addstr(&out, "},") != USERCGI_OK ||
	    buf_add(&out, p + 1, b.len - (size_t)(p + 1 - buf_str(&b))) !=
	    USERCGI_OK) {
		jwksrc_why(why, whylen, "out of memory");
		goto out;
	}
	if (jwksrc_write_cache(s, buf_str(&out), out.len, why, whylen) == -1)
		goto out;
	log_info("jwks: fetched %zu usable key%s from %s into %s (max age "
	    "%lld s)", jwks_count(k), jwks_count(k) == 1 ? "" : "s", uri,
	    s->cache, (long long)age);
	rc = 0;
out:
	jwks_free(k);
	json_object_put(root);
	buf_free(&out);
	buf_free(&b);
	return rc;
}

/*
 * Reads the time of the last attempt from the lock file fd: 0 when it
 * holds none (a new file).
 */
static int64_t
jwksrc_last(int fd)
{
	char		 t[32], *end;
	ssize_t		 n;
	long long	 v;

	if ((n = pread(fd, t, sizeof(t) - 1, 0)) <= 0)
		return 0;
	t[n] = '\0';
	errno = 0;
	v = strtoll(t, &end, 10);
	if (errno != 0 || end == t || (*end != '\n' && *end != '\0'))
		return 0;
	return (int64_t)v;
}

enum usercgi_err
jwksrc_fetch(struct jwksrc *s, int force, int64_t now, char *why,
    size_t whylen)
{
	struct flock		 fl;
	enum usercgi_err	 rc = USERCGI_UNAVAILABLE;
	char			 r[JWKSRC_MAX_URI + 512], t[32];
	int64_t			 last;
	int			 fd = -1, n;

	r[0] = '\0';
	/*
	 * Only a forced fetch waits for one in progress: a request never
	 * queues behind a slow issuer (the fetch under way brings the keys).
	 */
	if (force)
		pthread_mutex_lock(&s->mu);
	else if (pthread_mutex_trylock(&s->mu) != 0)
		return USERCGI_BUSY;
	if (!force && s->last_known && now >= s->last &&
	    now - s->last < s->cooldown) {
		pthread_mutex_unlock(&s->mu);
		return USERCGI_BUSY;
	}
	/* Whatever happens next, this process waits a cooldown. */
	s->last = now;
	s->last_known = 1;
	if ((fd = open(s->lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    O_NOCTTY, 0644)) == -1) {
		jwksrc_why(r, sizeof(r), "lock file %s: %s", s->lock,
		    strerror(errno));
		goto out;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	while (fcntl(fd, force ? F_SETLKW : F_SETLK, &fl) == -1) {
		if (errno == EINTR)
			continue;
		if (errno == EACCES || errno == EAGAIN) {
			rc = USERCGI_BUSY;	/* another process fetches */
			goto out;
		}
		jwksrc_why(r, sizeof(r), "lock file %s: %s", s->lock,
		    strerror(errno));
		goto out;
	}
	last = jwksrc_last(fd);
	if (!force && now >= last && now - last < s->cooldown) {
		s->last = last;
		rc = USERCGI_BUSY;
		goto out;
	}
	n = snprintf(t, sizeof(t), "%lld\n", (long long)now);
	if (ftruncate(fd, 0) == -1 || pwrite(fd, t, (size_t)n, 0) != n) {
		jwksrc_why(r, sizeof(r), "lock file %s: %s", s->lock,
		    strerror(errno));
		goto out;
	}
	if (jwksrc_do_fetch(s, now, r, sizeof(r)) == 0)
		rc = USERCGI_OK;
out:
	if (rc == USERCGI_UNAVAILABLE) {
		log_err("jwks: fetch failed: %s; the cached keys in %s stay",
		    r, s->cache);
		jwksrc_why(why, whylen, "%s", r);
	}
	if (fd != -1)
		(void)close(fd);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/*
 * The cache file's fresh-until time (0 when it is missing or unreadable)
 * and, when keys is not NULL, whether it holds a usable key.
 */
static int64_t
jwksrc_fresh(struct jwksrc *s, int *keys)
{
	struct jwksrc_meta	 m;
	struct jwks		*k = NULL;
	struct stat		 st;
	char			*data = NULL;
	size_t			 len = 0;
	int64_t			 fresh = 0, expires;

	if (keys != NULL)
		*keys = 0;
	if (stat(s->cache, &st) == -1 ||
	    jwks_read_file(s->cache, LOG_LVL_DEBUG, &data, &len) != USERCGI_OK)
		return 0;
	jwksrc_meta(data, len, &m);
	jwksrc_times(s, &m, (int64_t)st.st_mtim.tv_sec, &fresh, &expires);
	if (keys != NULL && jwks_load_mem(data, len, &k) == USERCGI_OK)
		*keys = jwks_count(k) > 0;
	jwks_free(k);
	free(data);
	return fresh;
}

enum usercgi_err
jwksrc_refresh_due(struct jwksrc *s, int64_t now)
{
	int	keys;

	if (jwksrc_fresh(s, &keys) > now && keys)
		return USERCGI_OK;
	return jwksrc_fetch(s, 0, now, NULL, 0);
}

/* The background thread (jwksrc_start). */
static void *
jwksrc_main(void *arg)
{
	struct jwksrc	*s = arg;
	struct timespec	 until;
	int64_t		 now, wait;

	pthread_mutex_lock(&s->wmu);
	while (!s->stop) {
		pthread_mutex_unlock(&s->wmu);
		now = (int64_t)time(NULL);
		wait = jwksrc_fresh(s, NULL) - now;
		if (wait <= 0 && jwksrc_fetch(s, 0, now, NULL, 0) != USERCGI_OK)
			wait = s->cooldown;
		pthread_mutex_lock(&s->wmu);
		if (wait <= 0 || s->stop)
			continue;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)wait;
		(void)pthread_cond_timedwait(&s->wcv, &s->wmu, &until);
	}
	pthread_mutex_unlock(&s->wmu);
	return NULL;
}

enum usercgi_err
jwksrc_start(struct jwksrc *s)
{
	sigset_t	all, old;
	int		e;

	/* The thread takes no signal: server.c's threads handle them. */
	sigfillset(&all);
	(void)pthread_sigmask(SIG_BLOCK, &all, &old);
	e = pthread_create(&s->th, NULL, jwksrc_main, s);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		log_err("jwks: cannot start the refresh thread: %s",
		    strerror(e));
		return USERCGI_INTERNAL;
	}
	s->running = 1;
	return USERCGI_OK;
}

void
jwksrc_stop(struct jwksrc *s)
{
	if (!s->running)
		return;
	pthread_mutex_lock(&s->wmu);
	s->stop = 1;
	pthread_cond_signal(&s->wcv);
	pthread_mutex_unlock(&s->wmu);
	pthread_join(s->th, NULL);
	s->running = 0;
}
