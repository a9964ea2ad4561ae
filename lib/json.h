/*
 * json.h: strict JSON input and JavaScript-compatible JSON output.
 *
 * Input is parsed by our own RFC 8259 parser into json-c objects (json-c's
 * tokener, even in strict mode, accepts single quotes and raw control
 * characters and clamps big integers): exactly what JSON.parse accepts,
 * plus valid UTF-8, depth at most max_depth, nothing but white space
 * after the value.  Integer literals within int64 become json-c ints,
 * other numbers doubles (as JavaScript reads them); a lone surrogate
 * escape becomes U+FFFD; a "\u0000" inside a member name is refused.
 * Output matches JavaScript's JSON.stringify: compact, "/" not escaped,
 * non-ASCII written raw, numbers printed as Number.prototype.toString.
 */
#ifndef USERCGI_JSON_H
#define USERCGI_JSON_H

#include <stddef.h>
#include <json-c/json.h>

#include "buf.h"
#include "err.h"

#define JSON_MAX_DEPTH	64

/*
 * Parses len bytes at s (no NUL needed; a leading UTF-8 BOM is NOT
 * skipped here).  Returns USERCGI_OK with *out set (caller owns one
 * reference: json_object_put), or USERCGI_BAD_JSON with a message for
 * the client in msg ("Unexpected token } in JSON at position 9" style;
 * never echoes more than a few bytes of the input), or USERCGI_NOMEM.
 * A bare JSON null parses to *out == NULL with USERCGI_OK.
 */
enum usercgi_err json_parse_strict(const char *s, size_t len, int max_depth,
	    struct json_object **out, char *msg, size_t msglen);

/* Returns 1 if an object anywhere in v has a member named "__proto__". */
int	json_has_proto(struct json_object *v);

/* Appends s (len bytes of valid UTF-8) as a JSON string literal. */
enum usercgi_err jsonw_str(struct buf *b, const char *s, size_t len);
/* Appends d as JavaScript prints it (NaN and infinities print "null"). */
enum usercgi_err jsonw_num(struct buf *b, double d);
/* Appends v as JSON.stringify would (NULL prints "null"). */
enum usercgi_err jsonw_value(struct buf *b, struct json_object *v);

#endif
