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

/*
 * Estimated bytes of memory a parsed value takes as json-c objects (each
 * includes its allocations and their malloc overhead, measured with
 * json-c 0.16 on x86_64): an object with its hash table, an array, an
 * element slot, a member (plus its key's bytes), a number or boolean, a
 * string (plus its bytes).  json_cost of a value is the sum over it;
 * json_parse counts the same while it builds (and also what a duplicate
 * key replaces, so its count is never below json_cost).
 */
#define JSON_COST_OBJECT	800
#define JSON_COST_ARRAY		400
#define JSON_COST_ELEMENT	8
#define JSON_COST_MEMBER	160
#define JSON_COST_SCALAR	80
#define JSON_COST_STRING	96

struct json_opts {
	int	 max_depth;
	size_t	 max_cost;	/* at most this json_cost is built; 0: no limit */
	int	 shallow_array;	/* a top-level array is checked, not built */
	int	 proto;		/* out: the value has a member named
				   "__proto__" (a top-level array left
				   unbuilt: the parse saw one) */
};

/*
 * json_parse_strict with options o.  A top-level array under
 * shallow_array is checked completely (the same errors) but *out is an
 * empty array.  Over max_cost: USERCGI_BADREQ with a message for the
 * client in msg, nothing kept.  Otherwise as json_parse_strict.
 */
enum usercgi_err json_parse(const char *s, size_t len, struct json_opts *o,
	    struct json_object **out, char *msg, size_t msglen);

/* Returns the json_cost of v (NULL: 0). */
size_t	json_cost(struct json_object *v);

/* Returns 1 if an object anywhere in v has a member named "__proto__". */
int	json_has_proto(struct json_object *v);

/*
 * Appends s (len bytes) as a JSON string literal.  Bytes that are not
 * UTF-8 are written as U+FFFD, one for each maximal ill-formed
 * subsequence (WHATWG Encoding §4.1, as JavaScript's TextDecoder does),
 * so the output is always valid UTF-8.
 */
enum usercgi_err jsonw_str(struct buf *b, const char *s, size_t len);
/* Appends d as JavaScript prints it (NaN and infinities print "null"). */
enum usercgi_err jsonw_num(struct buf *b, double d);
/* Appends v as JSON.stringify would (NULL prints "null"). */
enum usercgi_err jsonw_value(struct buf *b, struct json_object *v);

#endif
