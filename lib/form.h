/*
 * form.h: application/x-www-form-urlencoded bodies, as Logto accepts them.
 *
 * Logto reads such bodies with koa-body -> co-body -> qs.parse(body,
 * {allowDots: true}) (co-body turns allowDots on).  form_parse builds the
 * same JSON object, so the body then goes through the same validation as
 * a JSON body:
 *   - parameters split on "&"; "key=value", "key" alone is "key=";
 *     "+" is a space, then %XX escapes are decoded (WHATWG URL
 *     "application/x-www-form-urlencoded parsing"); every value is a string
 *   - a repeated key makes an array: "a=1&a=2" -> {"a":["1","2"]}
 *   - "a[b]=x" and "a.b=x" -> {"a":{"b":"x"}}; "a[]=x" appends to an
 *     array; "a[0]=x" .. "a[19]=x" are array positions (gaps closed up)
 *   - keys named like a JavaScript Object.prototype member ("__proto__",
 *     "constructor", "toString", ...) drop the parameter, as qs does
 *   - keys are merged in qs's order: array-index keys ("0", "7") first,
 *     ascending, then the others as they came; qs's merge rules apply
 *     ("a=1&a[b]=2" -> {"a":["1",{"b":"2"}]})
 *   - member order in the result is the order of first appearance (JSON
 *     objects are unordered; JavaScript would list "0" before "b")
 *
 * usercgi differs from qs, which silently keeps or drops what it cannot
 * read, by refusing (USERCGI_BADREQ, 400):
 *   - a "%" not followed by two hex digits, or decoded bytes that are not
 *     UTF-8 (RFC 3629), or a NUL byte in a key
 *   - more than FORM_MAX_PARAMS parameters (qs drops the rest)
 *   - more than FORM_MAX_DEPTH bracket/dot levels below the top key (qs
 *     keeps the rest as one literal key), an unterminated "[", or text
 *     after a "]" that does not open another "["
 *   - an array of more than FORM_MAX_ARRAY values (qs turns it into an
 *     "overflow" object with numeric keys); "a[20]=x" is {"a":{"20":"x"}}
 *     as in qs, but later values for such an object are merged as for any
 *     object, not appended at the next number
 */
#ifndef USERCGI_FORM_H
#define USERCGI_FORM_H

#include <stddef.h>
#include <json-c/json.h>

#include "err.h"

#define FORM_MAX_PARAMS	1000	/* qs parameterLimit */
#define FORM_MAX_DEPTH	5	/* qs depth */
#define FORM_MAX_ARRAY	20	/* qs arrayLimit */

/*
 * Parses len bytes at body (no NUL needed).  Returns USERCGI_OK with *out
 * set to a new JSON object (caller owns one reference: json_object_put);
 * an empty body gives {}.  Returns USERCGI_BADREQ with a message for the
 * client in msg (never quoting the body), also when the object's
 * json_cost (json.h) is over max_cost (0: no limit), or USERCGI_NOMEM;
 * *out is NULL then.  What is built on the way is bounded by the limits
 * above: at most FORM_MAX_PARAMS * (FORM_MAX_DEPTH + 1) containers.
 */
enum usercgi_err form_parse(const char *body, size_t len, size_t max_cost,
	    struct json_object **out, char *msg, size_t msglen);

#endif
