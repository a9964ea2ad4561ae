/*
 * fetch.c: the HTTP client module usercgi-fetch.so (fetch_module.h).
 * jwksrc.c loads it with dlopen() when a JWKS fetch is due, so that
 * libcurl and the libraries it pulls in are mapped only by a process
 * that fetches, never by one that verifies a token with cached keys.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "fetch_module.h"
#include "jwksrc.h"

#define FETCH_EXPORT		__attribute__((visibility("default")))
#define FETCH_MAX_HOPS		3	/* redirects followed on one host */
#define FETCH_CONNECT_S		5	/* connection timeout */
#define FETCH_TIMEOUT_S		10	/* whole-request timeout */

static void	fetch_why(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes a reason into why (whylen bytes; nothing when 0). */
static void
fetch_why(char *why, size_t whylen, const char *fmt, ...)
{
	va_list	ap;

	if (whylen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

FETCH_EXPORT int
fetchmod_init(unsigned int abi, fetchmod_log_fn *log)
{
	(void)log;
	if (abi != FETCHMOD_ABI)
		return -1;
	return curl_global_init(CURL_GLOBAL_DEFAULT) == 0 ? 0 : -1;
}

FETCH_EXPORT int
fetchmod_check_uri(const char *uri, char *why, size_t whylen)
{
	CURLU	*u;
	char	*scheme = NULL, *host = NULL, *user = NULL, *pw = NULL;
	int	 rc = -1;

	if (strlen(uri) > JWKSRC_MAX_URI) {
		fetch_why(why, whylen, "longer than %d bytes", JWKSRC_MAX_URI);
		return -1;
	}
	if ((u = curl_url()) == NULL) {
		fetch_why(why, whylen, "out of memory");
		return -1;
	}
	if (curl_url_set(u, CURLUPART_URL, uri, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		fetch_why(why, whylen, "not an absolute http(s) URL");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK) {
		fetch_why(why, whylen, "a user name or password in the URL");
		goto out;
	}
	if (strcmp(scheme, "https") == 0 || (strcmp(scheme, "http") == 0 &&
	    (strcmp(host, "127.0.0.1") == 0 || strcmp(host, "[::1]") == 0)))
		rc = 0;
	else if (strcmp(scheme, "http") == 0)
		fetch_why(why, whylen, "plain http only to 127.0.0.1 or [::1]; "
		    "use https");
	else
		fetch_why(why, whylen, "not an http(s) URL");
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(pw);
	curl_url_cleanup(u);
	return rc;
}

/* The host of a URL that fetchmod_check_uri accepted, into out. */
static int
fetch_host(const char *uri, char *out, size_t outlen)
{
	CURLU	*u;
	char	*host = NULL;
	int	 rc = -1;

	if ((u = curl_url()) == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, uri, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    snprintf(out, outlen, "%s", host) < (int)outlen)
		rc = 0;
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

/* The body of one response, bounded. */
struct fetch_body {
	char	*p;
	size_t	 len, max;
	int	 over;		/* more than max bytes came */
};

static size_t
fetch_write(char *p, size_t size, size_t n, void *ctx)
{
	struct fetch_body	*body = ctx;
	size_t			 k = size * n;

	if (n != 0 && k / n != size) {
		body->over = 1;
		return 0;
	}
	if (k > body->max - body->len) {
		body->over = 1;
		return 0;
	}
	memcpy(body->p + body->len, p, k);
	body->len += k;
	return k;
}

/*
 * The max-age directive of a Cache-Control value (RFC 9111 §5.2.2.1),
 * or -1 when it has none; no-store and no-cache count as 0.
 */
static int64_t
fetch_max_age(const char *v)
{
	const char	*p = v, *e;
	char		*end;
	long long	 n;
	size_t		 len;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		len = strcspn(p, ",");
		for (e = p + len; e > p && (e[-1] == ' ' || e[-1] == '\t'); e--)
			continue;
		if ((size_t)(e - p) > 8 && strncasecmp(p, "max-age=", 8) == 0 &&
		    p[8] >= '0' && p[8] <= '9') {
			errno = 0;
			n = strtoll(p + 8, &end, 10);
			if (end == e)
				return errno == ERANGE || n > JWKSRC_MAX_AGE ?
				    JWKSRC_MAX_AGE : (int64_t)n;
		}
		if (((size_t)(e - p) == 8 && strncasecmp(p, "no-store", 8) == 0) ||
		    ((size_t)(e - p) == 8 && strncasecmp(p, "no-cache", 8) == 0))
			return 0;
		p += len;
	}
	return -1;
}

FETCH_EXPORT int
fetchmod_get(const char *url, const char *ca_file, char *out, size_t max,
    size_t *len, int64_t *max_age, char *why, size_t whylen)
{
	struct fetch_body	 body;
	struct curl_header	*h;
	CURL			*c = NULL;
	CURLcode		 cc;
	char			 cur[JWKSRC_MAX_URI + 1], host0[256], host[256];
	char			 err[CURL_ERROR_SIZE], r[128];
	char			*loc;
	long			 status;
	int			 hops, rc = -1;

	*max_age = -1;
	*len = 0;
	r[0] = '\0';
	if (snprintf(cur, sizeof(cur), "%s", url) >= (int)sizeof(cur) ||
	    fetchmod_check_uri(cur, r, sizeof(r)) == -1 ||
	    fetch_host(cur, host0, sizeof(host0)) == -1) {
		fetch_why(why, whylen, "%s: refused URL", url);
		return -1;
	}
	if ((c = curl_easy_init()) == NULL) {
		fetch_why(why, whylen, "curl_easy_init failed");
		return -1;
	}
	for (hops = 0;; hops++) {
		memset(&body, 0, sizeof(body));
		body.p = out;
		body.max = max;
		err[0] = '\0';
		curl_easy_reset(c);
		(void)curl_easy_setopt(c, CURLOPT_URL, cur);
		(void)curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		(void)curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
		(void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		(void)curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
		    (long)FETCH_CONNECT_S);
		(void)curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)FETCH_TIMEOUT_S);
		(void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		(void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
		if (ca_file != NULL)
			(void)curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
		/* The environment of a CGI process is the web server's. */
		(void)curl_easy_setopt(c, CURLOPT_PROXY, "");
		(void)curl_easy_setopt(c, CURLOPT_USERAGENT,
		    PACKAGE_NAME "/" PACKAGE_VERSION);
		(void)curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
		    (curl_off_t)max);
		(void)curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fetch_write);
		(void)curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
		(void)curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
		if ((cc = curl_easy_perform(c)) != CURLE_OK) {
			if (body.over || cc == CURLE_FILESIZE_EXCEEDED)
				fetch_why(why, whylen, "%s: response larger "
				    "than %zu bytes", cur, max);
			else
				fetch_why(why, whylen, "%s: %s%s%s", cur,
				    curl_easy_strerror(cc), err[0] ? ": " : "",
				    err);
			goto out;
		}
		status = 0;
		(void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (status < 300 || status > 399)
			break;
		loc = NULL;
		(void)curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc);
		if (loc == NULL) {
			fetch_why(why, whylen, "%s: HTTP %ld without a "
			    "Location", cur, status);
			goto out;
		}
		if (hops == FETCH_MAX_HOPS) {
			fetch_why(why, whylen, "%s: more than %d redirects",
			    url, FETCH_MAX_HOPS);
			goto out;
		}
		if (fetchmod_check_uri(loc, r, sizeof(r)) == -1 ||
		    fetch_host(loc, host, sizeof(host)) == -1) {
			fetch_why(why, whylen, "%s: redirect refused (%s)",
			    cur, r);
			goto out;
		}
		if (strcasecmp(host, host0) != 0) {
			fetch_why(why, whylen, "%s: redirect to another host "
			    "(%.200s) refused", cur, host);
			goto out;
		}
		if (snprintf(cur, sizeof(cur), "%s", loc) >= (int)sizeof(cur)) {
			fetch_why(why, whylen, "%s: redirect longer than %d "
			    "bytes refused", url, JWKSRC_MAX_URI);
			goto out;
		}
	}
	if (status != 200) {
		fetch_why(why, whylen, "%s: HTTP %ld", cur, status);
		goto out;
	}
	if (curl_easy_header(c, "Cache-Control", 0, CURLH_HEADER, -1, &h) ==
	    CURLHE_OK)
		*max_age = fetch_max_age(h->value);
	*len = body.len;
	rc = 0;
out:
	curl_easy_cleanup(c);
	return rc;
}
