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
	struct buf	 body;		/* JSON text */
};

#define HTTP_MAX_RESPONSE	(8 * 1024 * 1024)

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
 * Writes the response: Status line, Content-Type JSON, Content-Length,
 * Cache-Control: no-store, the optional headers, a blank line, the body.
 * Returns 0 or -1 (the client went away; nothing more to do).
 */
int	http_send(struct http_req *rq, const struct http_resp *r);

/* Reason phrase for an HTTP status, "" if unknown. */
const char *http_reason(int status);

#endif
