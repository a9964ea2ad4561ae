/*
 * http.c: request body intake and response output (http.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "http.h"
#include "log.h"

void
http_resp_init(struct http_resp *r)
{
	r->status = 500;
	r->allow = NULL;
	r->retry_after = 0;
	buf_init(&r->headers, HTTP_MAX_HEADERS);
	buf_init(&r->body, HTTP_MAX_RESPONSE);
}

void
http_resp_free(struct http_resp *r)
{
	buf_free(&r->headers);
	buf_free(&r->body);
}

/* RFC 9110 §5.6.2 tchar. */
static int
http_tchar(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

enum usercgi_err
http_resp_header(struct http_resp *r, const char *name, const char *value)
{
	size_t			i, mark = r->headers.len;
	enum usercgi_err	rc;

	for (i = 0; name[i] != '\0'; i++)
		if (!http_tchar((unsigned char)name[i]))
			break;
	if (i == 0 || name[i] != '\0' || strpbrk(value, "\r\n") != NULL) {
		log_err("http: refusing a malformed response header");
		return USERCGI_INTERNAL;
	}
	if ((rc = buf_addstr(&r->headers, name)) != USERCGI_OK ||
	    (rc = buf_addstr(&r->headers, ": ")) != USERCGI_OK ||
	    (rc = buf_addstr(&r->headers, value)) != USERCGI_OK ||
	    (rc = buf_addstr(&r->headers, "\r\n")) != USERCGI_OK) {
		r->headers.len = mark;
		if (r->headers.ptr != NULL)
			r->headers.ptr[mark] = '\0';
	}
	return rc;
}

enum usercgi_err
http_etag(const char *body, size_t len, char etag[HTTP_ETAG_SIZE])
{
	unsigned char	d[(HTTP_ETAG_SIZE - 3) / 2];

	if (sodium_init() < 0) {
		log_err("http: sodium_init failed");
		return USERCGI_INTERNAL;
	}
	(void)crypto_generichash(d, sizeof(d), (const unsigned char *)body,
	    len, NULL, 0);
	etag[0] = '"';
	(void)sodium_bin2hex(etag + 1, HTTP_ETAG_SIZE - 2, d, sizeof(d));
	etag[HTTP_ETAG_SIZE - 2] = '"';
	etag[HTTP_ETAG_SIZE - 1] = '\0';
	return USERCGI_OK;
}

int
http_none_match(const char *v, const char *etag)
{
	const char	*p, *end;
	size_t		 elen = strlen(etag);

	if (v == NULL)
		return 0;
	p = v;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '*') {
		for (p++; *p == ' ' || *p == '\t'; p++)
			continue;
		return *p == '\0';
	}
	/* #entity-tag: a comma-separated list, empty elements allowed. */
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"' || (end = strchr(p + 1, '"')) == NULL)
			return 0;
		if ((size_t)(end + 1 - p) == elen &&
		    memcmp(p, etag, elen) == 0)
			return 1;
		p = end + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != ',' && *p != '\0')
			return 0;
	}
	return 0;
}

int
http_content_length(const char *v, size_t *n)
{
	size_t	i, len, d;

	*n = 0;
	if (v == NULL || *v == '\0')
		return 0;
	len = strlen(v);
	if (len > 18)
		return -1;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		d = (size_t)(v[i] - '0');
		*n = *n * 10 + d;
	}
	return 0;
}

enum usercgi_err
http_read_body(struct http_req *rq, size_t n, struct buf *b)
{
	char			 chunk[16384];
	size_t			 want;
	ssize_t			 got;
	enum usercgi_err	 rc;

	if (n > b->max)
		return USERCGI_TOO_LARGE;
	while (b->len < n) {
		want = n - b->len;
		if (want > sizeof(chunk))
			want = sizeof(chunk);
		got = rq->read(rq->ctx, chunk, want);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return USERCGI_BADREQ;
		if ((rc = buf_add(b, chunk, (size_t)got)) != USERCGI_OK)
			return rc;
	}
	return USERCGI_OK;
}

enum usercgi_err
http_read_to_eof(struct http_req *rq, struct buf *b)
{
	char			 chunk[16384];
	ssize_t			 got;
	enum usercgi_err	 rc;

	for (;;) {
		got = rq->read(rq->ctx, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return USERCGI_BADREQ;
		if (got == 0)
			return USERCGI_OK;
		if ((rc = buf_add(b, chunk, (size_t)got)) != USERCGI_OK)
			return rc;
	}
}

int
http_media_type_is(const char *ct, const char *type)
{
	size_t	n, tl = strlen(type);

	if (ct == NULL)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	for (n = 0; ct[n] != '\0' && ct[n] != ';' && ct[n] != ' ' &&
	    ct[n] != '\t'; n++)
		continue;
	return n == tl && strncasecmp(ct, type, n) == 0;
}

/* RFC 3986 §3.2: the characters of an authority (host and port). */
static int
http_authority_ok(const char *s)
{
	size_t	i;

	if (s == NULL || *s == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    strchr("-._~%!$&'()*+,;=:[]", s[i]) == NULL)
			return 0;
	return 1;
}

/* Appends s percent-encoded where a URI path may not hold it (RFC 3986 §3.3). */
static enum usercgi_err
http_add_path(struct buf *out, const char *s)
{
	static const char	hex[] = "0123456789ABCDEF";
	enum usercgi_err	rc = USERCGI_OK;
	unsigned char		c;

	for (; s != NULL && *s != '\0' && rc == USERCGI_OK; s++) {
		c = (unsigned char)*s;
		if (isalnum(c) || strchr("-._~!$&'()*+,;=:@/", c) != NULL)
			rc = buf_addc(out, (char)c);
		else if ((rc = buf_addc(out, '%')) == USERCGI_OK &&
		    (rc = buf_addc(out, hex[c >> 4])) == USERCGI_OK)
			rc = buf_addc(out, hex[c & 15]);
	}
	return rc;
}

enum usercgi_err
http_base_url(const struct http_req *rq, struct buf *out)
{
	int			 tls = rq->https != NULL &&
				    strcasecmp(rq->https, "on") == 0;
	const char		*scheme = tls ? "https" : "http";
	const char		*dflt = tls ? "443" : "80";
	const char		*port = rq->server_port;
	enum usercgi_err	 rc = USERCGI_OK;

	if (http_authority_ok(rq->http_host))
		rc = buf_printf(out, "%s://%s", scheme, rq->http_host);
	else if (http_authority_ok(rq->server_name)) {
		rc = buf_printf(out, "%s://%s", scheme, rq->server_name);
		if (rc == USERCGI_OK && port != NULL && *port != '\0' &&
		    strcmp(port, dflt) != 0 && strspn(port, "0123456789") ==
		    strlen(port))
			rc = buf_printf(out, ":%s", port);
	}
	if (rc == USERCGI_OK)
		rc = http_add_path(out, rq->script_name);
	if (rc == USERCGI_OK)
		rc = http_add_path(out, rq->path_info);
	return rc;
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "";
	}
}

int
http_send(struct http_req *rq, const struct http_resp *r)
{
	char	head[512];
	int	n, m, bodyless = r->status == 204 || r->status == 304;

	n = snprintf(head, sizeof(head), "Status: %d %s\r\n", r->status,
	    http_reason(r->status));
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	if (!bodyless) {
		m = snprintf(head + n, sizeof(head) - (size_t)n,
		    "Content-Type: application/json; charset=utf-8\r\n"
		    "Content-Length: %zu\r\n", r->body.len);
		if (m < 0 || (size_t)m >= sizeof(head) - (size_t)n)
			return -1;
		n += m;
	}
	m = snprintf(head + n, sizeof(head) - (size_t)n,
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n");
	if (m < 0 || (size_t)m >= sizeof(head) - (size_t)n)
		return -1;
	n += m;
	if (r->allow != NULL) {
		m = snprintf(head + n, sizeof(head) - (size_t)n,
		    "Allow: %s\r\n", r->allow);
		if (m < 0 || (size_t)m >= sizeof(head) - (size_t)n)
			return -1;
		n += m;
	}
	if (r->retry_after > 0) {
		m = snprintf(head + n, sizeof(head) - (size_t)n,
		    "Retry-After: %d\r\n", r->retry_after);
		if (m < 0 || (size_t)m >= sizeof(head) - (size_t)n)
			return -1;
		n += m;
	}
	if (rq->write(rq->ctx, head, (size_t)n) == -1)
		return -1;
	if (r->headers.len > 0 &&
	    rq->write(rq->ctx, r->headers.ptr, r->headers.len) == -1)
		return -1;
	if (rq->write(rq->ctx, "\r\n", 2) == -1)
		return -1;
	if (!bodyless && r->body.len > 0 &&
	    rq->write(rq->ctx, r->body.ptr, r->body.len) == -1)
		return -1;
	return 0;
}
