/*
 * http.h: one request as the CGI interface (RFC 3875) describes it,
 * independent of whether it came from the environment and stdin (CGI) or
 * from a FastCGI connection; and the response written back.
 */
#ifndef USERCGI_HTTP_H
#define USERCGI_HTTP_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

/*
 * The meta-variables (RFC 3875 §4.1) the application reads.  Each is
 * NULL when absent and owned by the transport for the request's life.
 */
struct http_req {
	const char	*method;	/* REQUEST_METHOD */
	const char	*script_name;	/* SCRIPT_NAME */
	const char	*path_info;	/* PATH_INFO */
	const char	*query_string;	/* QUERY_STRING */
	const char	*content_type;	/* CONTENT_TYPE */
	const char	*content_length;	/* CONTENT_LENGTH */
	const char	*transfer_encoding;	/* HTTP_TRANSFER_ENCODING */
	const char	*authorization;	/* HTTP_AUTHORIZATION */
	const char	*document_root;	/* DOCUMENT_ROOT */
	const char	*if_none_match;	/* HTTP_IF_NONE_MATCH */
	const char	*idempotency_key;	/* HTTP_IDEMPOTENCY_KEY */
	const char	*https;		/* HTTPS ("on" behind TLS) */
	const char	*http_host;	/* HTTP_HOST */
	const char	*server_name;	/* SERVER_NAME */
	const char	*server_port;	/* SERVER_PORT */
	/* Reads up to len body bytes: returns >0, 0 at the end, -1 on error. */
	ssize_t		(*read)(void *ctx, char *p, size_t len);
	/* Writes len bytes of response: returns 0 or -1. */
	int		(*write)(void *ctx, const char *p, size_t len);
	void		*ctx;
};

/* Response headers and body, collected before anything is sent. */
struct http_resp {
	int		 status;
	const char	*allow;		/* Allow header for 405, or NULL */
	int		 retry_after;	/* seconds; 0 = no header */
	struct buf	 headers;	/* further "Name: value\r\n" lines */
	struct buf	 body;		/* JSON text */
};

#define HTTP_MAX_RESPONSE	(8 * 1024 * 1024)
#define HTTP_MAX_HEADERS	(64 * 1024)	/* bytes of r->headers */
#define HTTP_ETAG_SIZE		35	/* '"' + 32 hex digits + '"' + NUL */

void	http_resp_init(struct http_resp *r);
void	http_resp_free(struct http_resp *r);

/*
 * Parses CONTENT_LENGTH strictly (RFC 3875 §4.1.2: 1*digit): returns 0
 * and sets *n (0 when the variable is absent or empty), or -1 for a
 * malformed or absurd value.
 */
int	http_content_length(const char *v, size_t *n);

/*
 * Reads exactly n body bytes into b (whose max bounds n).  Returns
 * USERCGI_OK, USERCGI_TOO_LARGE, USERCGI_BADREQ (short body) or
 * USERCGI_NOMEM.
 */
enum usercgi_err http_read_body(struct http_req *rq, size_t n, struct buf *b);

/*
 * Reads the body until its end when no CONTENT_LENGTH was given (a
 * chunked request passed on as it came, RFC 3875 §4.2, as Apache's
 * mod_cgid and mod_proxy_fcgi do).  Returns USERCGI_OK,
 * USERCGI_TOO_LARGE (more than b->max bytes), USERCGI_BADREQ (read error)
 * or USERCGI_NOMEM.
 */
enum usercgi_err http_read_to_eof(struct http_req *rq, struct buf *b);

/*
 * Media type of CONTENT_TYPE without parameters, compared
 * case-insensitively (RFC 9110 §8.3.1).  Returns 1 when it equals type.
 */
int	http_media_type_is(const char *content_type, const char *type);

/*
 * Adds the header line "name: value" to r.  The name must be an RFC 9110
 * §5.1 token and the value free of CR, LF and NUL (§5.5); returns
 * USERCGI_OK, USERCGI_INTERNAL for a bad name or value (logged: the
 * caller built it), or USERCGI_TOO_LARGE past HTTP_MAX_HEADERS.
 */
enum usercgi_err http_resp_header(struct http_resp *r, const char *name,
	    const char *value);

/*
 * The strong entity tag (RFC 9110 §8.8.3) of len bytes at body: a quoted
 * string of their 16-byte BLAKE2b (RFC 7693; libsodium's generichash,
 * several times faster than its SHA-256 over a page of users) in
 * lowercase hex.
 * Returns USERCGI_OK with etag filled, or USERCGI_INTERNAL (libsodium
 * unusable).
 */
enum usercgi_err http_etag(const char *body, size_t len,
	    char etag[HTTP_ETAG_SIZE]);

/*
 * If-None-Match (RFC 9110 §13.1.2) for a GET: returns 1 when the field
 * value is "*" or lists an entity tag that matches etag by the weak
 * comparison (a W/ prefix is ignored), 0 otherwise (also when absent
 * or unparsable).
 */
int	http_none_match(const char *if_none_match, const char *etag);

/*
 * Appends the URL the client called, without its query, to out: the
 * origin (RFC 6454 §4) from HTTPS ("on": https), then HTTP_HOST, or
 * SERVER_NAME with SERVER_PORT unless it is the scheme's default, then
 * SCRIPT_NAME and PATH_INFO percent-encoded where RFC 3986 §3.3 does not
 * allow the byte.  A host that is not made of RFC 3986 authority
 * characters is skipped (the next source is tried); with none, only the
 * path is appended (a relative reference, RFC 3986 §4.2).  No
 * X-Forwarded-* header is read.  Returns USERCGI_OK, USERCGI_TOO_LARGE
 * or USERCGI_NOMEM.
 */
enum usercgi_err http_base_url(const struct http_req *rq, struct buf *out);

/*
 * Writes the response: Status line, Content-Type JSON and Content-Length
 * (neither for 204 or 304, which have no body), Cache-Control:
 * no-store, the optional headers, a blank line, the body.  Returns 0 or
 * -1 (the client went away; nothing more to do).
 */
int	http_send(struct http_req *rq, const struct http_resp *r);

/* Reason phrase for an HTTP status, "" if unknown. */
const char *http_reason(int status);

#endif
