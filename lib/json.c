/*
 * json.c: strict JSON input (RFC 8259, exactly what JavaScript's
 * JSON.parse accepts) and JSON output the way JSON.stringify writes it.
 *
 * The parser is our own small recursive-descent parser that builds
 * json-c objects.  json-c's tokener, even with JSON_TOKENER_STRICT,
 * accepts single-quoted strings and raw control characters in strings,
 * and clamps integers beyond 64 bits to INT64_MIN/UINT64_MAX; parsing
 * ourselves also gives JSON.parse-style error messages with positions.
 *
 * Numbers: an integer literal that fits in int64 becomes a json-c int,
 * anything else a json-c double (strtod, correctly rounded, as
 * JavaScript does; 1e400 becomes Infinity and prints as null).
 * Duplicate keys: the last value wins, the key keeps its first position
 * (json_object_object_add replaces in place), as in JavaScript.
 * Lone surrogate escapes (\ud800) become U+FFFD, which is what Logto
 * ends up storing (Node encodes strings to UTF-8 the same way).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "err.h"
#include "json.h"
#include "utf8.h"

struct jp {
	const char	*s;
	size_t		 len;
	size_t		 pos;
	int		 depth;
	int		 max_depth;
	char		*msg;
	size_t		 msglen;
	enum usercgi_err err;
	struct buf	 sb;	/* scratch for string contents */
	int		 build;	/* 0: check the syntax, build nothing */
	int		 proto;	/* a member named "__proto__" was seen */
	size_t		 cost;	/* json_cost of what was built so far */
	size_t		 max_cost;	/* 0: no limit */
};

static enum usercgi_err jp_value(struct jp *, struct json_object **);

/*
 * Records a syntax error "<what> in JSON at position N" (" in JSON" is
 * left out when what already names it), N counted in
 * UTF-16 code units as JavaScript does (the input before pos is valid
 * UTF-8: the parser checks it as it goes).  Returns USERCGI_BAD_JSON.
 */
static enum usercgi_err
jp_fail(struct jp *p, const char *what, size_t pos)
{
	if (p->msglen > 0) {
		if (pos > p->len)
			pos = p->len;
		(void)snprintf(p->msg, p->msglen, "%s%s at position %zu",
		    what, strstr(what, "JSON") == NULL ? " in JSON" : "",
		    utf8_utf16_units(p->s, pos));
	}
	p->err = USERCGI_BAD_JSON;
	return USERCGI_BAD_JSON;
}

static enum usercgi_err
jp_fail_end(struct jp *p)
{
	if (p->msglen > 0)
		(void)snprintf(p->msg, p->msglen,
		    "Unexpected end of JSON input");
	p->err = USERCGI_BAD_JSON;
	return USERCGI_BAD_JSON;
}

/*
 * Adds n bytes to the estimated memory of the values built so far.
 * Returns USERCGI_OK, or USERCGI_BADREQ with the client's message once
 * the total passes p->max_cost.
 */
static enum usercgi_err
jp_charge(struct jp *p, size_t n)
{
	p->cost += n;
	if (p->max_cost == 0 || p->cost <= p->max_cost)
		return USERCGI_OK;
	if (p->msglen > 0)
		(void)snprintf(p->msg, p->msglen, "The request body holds too "
		    "many values: they would take more than %zu KiB of "
		    "memory.", p->max_cost / 1024);
	p->err = USERCGI_BADREQ;
	return USERCGI_BADREQ;
}

/*
 * An unexpected byte at p->pos: names it (one character at most: a
 * printable ASCII character, or one well-formed UTF-8 code point, or
 * its code point number) and returns USERCGI_BAD_JSON.
 */
static enum usercgi_err
jp_fail_token(struct jp *p)
{
	char		 what[64];
	unsigned char	 c;
	uint32_t	 cp;
	size_t		 n;

	if (p->pos >= p->len)
		return jp_fail_end(p);
	c = (unsigned char)p->s[p->pos];
	if (c >= 0x21 && c <= 0x7e)
		(void)snprintf(what, sizeof(what), "Unexpected token '%c'", c);
	else if (c < 0x80)
		(void)snprintf(what, sizeof(what),
		    "Unexpected character U+%04X", c);
	else if ((n = utf8_decode(p->s + p->pos, p->len - p->pos, &cp)) == 0)
		(void)snprintf(what, sizeof(what), "Invalid UTF-8");
	else
		(void)snprintf(what, sizeof(what), "Unexpected token '%.*s'",
		    (int)n, p->s + p->pos);
	return jp_fail(p, what, p->pos);
}

/* RFC 8259 §2: ws = *( %x20 / %x09 / %x0A / %x0D ) */
static void
jp_ws(struct jp *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' ||
	    p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
	    p->s[p->pos] == '\r'))
		p->pos++;
}

static int
jp_digit(const struct jp *p, size_t i)
{
	return i < p->len && p->s[i] >= '0' && p->s[i] <= '9';
}

/*
 * RFC 8259 §6: number = [ minus ] int [ frac ] [ exp ].  Returns
 * USERCGI_OK with a new json-c int (integer literal within int64) or
 * double in *out.
 */
static enum usercgi_err
jp_number(struct jp *p, struct json_object **out)
{
	size_t		 start = p->pos, i = p->pos;
	int		 integral = 1;
	char		*tok = NULL, *end;
	long long	 ll;
	double		 d;
	enum usercgi_err rc = USERCGI_OK;

	if (p->s[i] == '-') {
		i++;
		if (!jp_digit(p, i))
			return i >= p->len ? jp_fail_end(p) :
			    jp_fail(p, "No number after minus sign", i);
	}
	if (p->s[i] == '0') {
		i++;
		if (jp_digit(p, i))
			return jp_fail(p, "Unexpected number", i);
	} else
		while (jp_digit(p, i))
			i++;
	if (i < p->len && p->s[i] == '.') {
		integral = 0;
		i++;
		if (!jp_digit(p, i))
			return i >= p->len ? jp_fail_end(p) :
			    jp_fail(p, "Unterminated fractional number", i);
		while (jp_digit(p, i))
			i++;
	}
	if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
		integral = 0;
		i++;
		if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
			i++;
		if (!jp_digit(p, i))
			return i >= p->len ? jp_fail_end(p) :
			    jp_fail(p, "Exponent part is missing a number", i);
		while (jp_digit(p, i))
			i++;
	}
	p->pos = i;
	if (!p->build)
		return USERCGI_OK;
	if ((rc = jp_charge(p, JSON_COST_SCALAR)) != USERCGI_OK)
		return rc;
	if ((tok = xstrndup(p->s + start, i - start)) == NULL) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	if (integral) {
		errno = 0;
		ll = strtoll(tok, &end, 10);
		if (errno == 0 && *end == '\0') {
			if ((*out = json_object_new_int64(ll)) == NULL)
				rc = USERCGI_NOMEM;
			goto out;
		}
	}
	d = strtod(tok, &end);
	if ((*out = json_object_new_double(d)) == NULL)
		rc = USERCGI_NOMEM;
out:
	free(tok);
	return rc;
}

static int
jp_hex4(const char *s, uint32_t *v)
{
	int	i, h;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if ((h = hex_value((unsigned char)s[i])) < 0)
			return 0;
		*v = *v << 4 | (uint32_t)h;
	}
	return 1;
}

/* Appends code point cp (not a surrogate) to b as UTF-8. */
static enum usercgi_err
jp_put_utf8(struct buf *b, uint32_t cp)
{
	char	u[4];

	return buf_add(b, u, utf8_encode(cp, u));
}

/*
 * RFC 8259 §7: parses the string starting at the quote at p->pos into
 * p->sb (reset first; contents valid UTF-8, may contain NUL).
 */
static enum usercgi_err
jp_string(struct jp *p)
{
	enum usercgi_err rc;
	uint32_t	 cp, lo;
	size_t		 n, esc;
	unsigned char	 c;

	buf_reset(&p->sb);
	p->pos++;
	for (;;) {
		if (p->pos >= p->len)
			return jp_fail(p, "Unterminated string", p->len);
		c = (unsigned char)p->s[p->pos];
		if (c == '"') {
			p->pos++;
			return USERCGI_OK;
		}
		if (c < 0x20)
			return jp_fail(p,
			    "Bad control character in string literal", p->pos);
		if (c >= 0x80) {
			if ((n = utf8_decode(p->s + p->pos, p->len - p->pos,
			    &cp)) == 0)
				return jp_fail(p, "Invalid UTF-8", p->pos);
			if ((rc = buf_add(&p->sb, p->s + p->pos, n)) != USERCGI_OK)
				return rc;
			p->pos += n;
			continue;
		}
		if (c != '\\') {
			if ((rc = buf_addc(&p->sb, (char)c)) != USERCGI_OK)
				return rc;
			p->pos++;
			continue;
		}
		esc = p->pos;
		if (++p->pos >= p->len)
			return jp_fail(p, "Unterminated string", p->len);
		c = (unsigned char)p->s[p->pos];
		switch (c) {
		case '"': case '\\': case '/':
			cp = c;
			break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (p->len - p->pos < 5 || !jp_hex4(p->s + p->pos + 1, &cp))
				return jp_fail(p, "Bad Unicode escape", esc);
			p->pos += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				cp = 0xfffd;
			else if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p->len - p->pos >= 7 &&
				    p->s[p->pos + 1] == '\\' &&
				    p->s[p->pos + 2] == 'u' &&
				    jp_hex4(p->s + p->pos + 3, &lo) &&
				    lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
					p->pos += 6;
				} else
					cp = 0xfffd;
			}
			break;
		default:
			return jp_fail(p, "Bad escaped character", p->pos);
		}
		if ((rc = jp_put_utf8(&p->sb, cp)) != USERCGI_OK)
			return rc;
		p->pos++;
	}
}

/* Matches the literal word at p->pos (true, false, null). */
static enum usercgi_err
jp_word(struct jp *p, const char *w)
{
	size_t	i;

	for (i = 0; w[i] != '\0'; i++, p->pos++) {
		if (p->pos >= p->len)
			return jp_fail_end(p);
		if (p->s[p->pos] != w[i])
			return jp_fail_token(p);
	}
	return USERCGI_OK;
}

static enum usercgi_err
jp_enter(struct jp *p)
{
	if (++p->depth > p->max_depth)
		return jp_fail(p, "Nesting too deep", p->pos);
	p->pos++;
	jp_ws(p);
	return USERCGI_OK;
}

/*
 * After an array element or an object member: skips white space and
 * expects close or ','.  Returns USERCGI_OK with *closed = 1 at close
 * (left unconsumed), or *closed = 0 past the ',' and the white space
 * after it; or the parse error, msg naming what was expected.
 */
static enum usercgi_err
jp_after_item(struct jp *p, char close, const char *msg, int *closed)
{
	jp_ws(p);
	if (p->pos >= p->len)
		return jp_fail_end(p);
	if ((*closed = p->s[p->pos] == close))
		return USERCGI_OK;
	if (p->s[p->pos] != ',')
		return jp_fail(p, msg, p->pos);
	p->pos++;
	jp_ws(p);
	return USERCGI_OK;
}

static enum usercgi_err
jp_array(struct jp *p, struct json_object **out)
{
	struct json_object	*arr = NULL, *v = NULL;
	enum usercgi_err	 rc;
	int			 closed;

	if ((rc = jp_enter(p)) != USERCGI_OK)
		return rc;
	if (p->build && ((rc = jp_charge(p, JSON_COST_ARRAY)) != USERCGI_OK ||
	    (arr = json_object_new_array()) == NULL))
		return rc != USERCGI_OK ? rc : USERCGI_NOMEM;
	if (p->pos < p->len && p->s[p->pos] == ']')
		goto done;
	for (;;) {
		if ((rc = jp_value(p, &v)) != USERCGI_OK)
			goto out;
		if (p->build && (rc = jp_charge(p, JSON_COST_ELEMENT)) !=
		    USERCGI_OK) {
			json_object_put(v);
			goto out;
		}
		if (p->build && json_object_array_add(arr, v) != 0) {
			json_object_put(v);
			rc = USERCGI_NOMEM;
			goto out;
		}
		if ((rc = jp_after_item(p, ']',
		    "Expected ',' or ']' after array element", &closed)) !=
		    USERCGI_OK)
			goto out;
		if (closed)
			break;
	}
done:
	p->pos++;
	p->depth--;
	*out = arr;
	return USERCGI_OK;
out:
	json_object_put(arr);
	return rc;
}

static enum usercgi_err
jp_object(struct jp *p, struct json_object **out)
{
	struct json_object	*obj = NULL, *v = NULL;
	enum usercgi_err	 rc;
	char			*key = NULL;
	int			 closed, more = 0;

	if ((rc = jp_enter(p)) != USERCGI_OK)
		return rc;
	if (p->build && ((rc = jp_charge(p, JSON_COST_OBJECT)) != USERCGI_OK ||
	    (obj = json_object_new_object()) == NULL))
		return rc != USERCGI_OK ? rc : USERCGI_NOMEM;
	if (p->pos < p->len && p->s[p->pos] == '}')
		goto done;
	for (;;) {
		if (p->pos >= p->len) {
			rc = jp_fail_end(p);
			goto out;
		}
		if (p->s[p->pos] != '"') {
			rc = jp_fail(p, !more ?
			    "Expected property name or '}'" :
			    "Expected double-quoted property name", p->pos);
			goto out;
		}
		if ((rc = jp_string(p)) != USERCGI_OK)
			goto out;
		/* json-c keys are C strings: a NUL would silently cut the key. */
		if (memchr(buf_str(&p->sb), '\0', p->sb.len) != NULL) {
			rc = jp_fail(p, "Unsupported \\u0000 in property name",
			    p->pos);
			goto out;
		}
		if (p->sb.len == 9 && memcmp(buf_str(&p->sb), "__proto__", 9) == 0)
			p->proto = 1;
		if (p->build && ((rc = jp_charge(p, JSON_COST_MEMBER +
		    p->sb.len)) != USERCGI_OK ||
		    (key = xstrndup(buf_str(&p->sb), p->sb.len)) == NULL)) {
			if (rc == USERCGI_OK)
				rc = USERCGI_NOMEM;
			goto out;
		}
		jp_ws(p);
		if (p->pos >= p->len) {
			rc = jp_fail_end(p);
			goto out;
		}
		if (p->s[p->pos] != ':') {
			rc = jp_fail(p, "Expected ':' after property name",
			    p->pos);
			goto out;
		}
		p->pos++;
		jp_ws(p);
		if ((rc = jp_value(p, &v)) != USERCGI_OK)
			goto out;
		if (p->build && json_object_object_add(obj, key, v) != 0) {
			json_object_put(v);
			rc = USERCGI_NOMEM;
			goto out;
		}
		free(key);
		key = NULL;
		more = 1;
		if ((rc = jp_after_item(p, '}',
		    "Expected ',' or '}' after property value", &closed)) !=
		    USERCGI_OK)
			goto out;
		if (closed)
			break;
	}
done:
	p->pos++;
	p->depth--;
	*out = obj;
	return USERCGI_OK;
out:
	free(key);
	json_object_put(obj);
	return rc;
}

/*
 * Parses one value at p->pos (white space before it already skipped).
 * Returns USERCGI_OK with *out set (NULL for null; caller owns it).
 */
static enum usercgi_err
jp_value(struct jp *p, struct json_object **out)
{
	enum usercgi_err rc;
	int		 truth;

	*out = NULL;
	if (p->pos >= p->len)
		return jp_fail_end(p);
	switch (p->s[p->pos]) {
	case '{':
		return jp_object(p, out);
	case '[':
		return jp_array(p, out);
	case '"':
		if ((rc = jp_string(p)) != USERCGI_OK || !p->build)
			return rc;
		if ((rc = jp_charge(p, JSON_COST_STRING + p->sb.len)) !=
		    USERCGI_OK)
			return rc;
		if ((*out = json_object_new_string_len(buf_str(&p->sb),
		    (int)p->sb.len)) == NULL)
			return USERCGI_NOMEM;
		return USERCGI_OK;
	case 't':
	case 'f':
		truth = p->s[p->pos] == 't';
		if ((rc = jp_word(p, truth ? "true" : "false")) != USERCGI_OK ||
		    !p->build)
			return rc;
		if ((rc = jp_charge(p, JSON_COST_SCALAR)) != USERCGI_OK)
			return rc;
		return (*out = json_object_new_boolean(truth)) == NULL ?
		    USERCGI_NOMEM : USERCGI_OK;
	case 'n':
		return jp_word(p, "null");
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return jp_number(p, out);
	default:
		return jp_fail_token(p);
	}
}

enum usercgi_err
json_parse_strict(const char *s, size_t len, int max_depth,
    struct json_object **out, char *msg, size_t msglen)
{
	struct json_opts	o;

	memset(&o, 0, sizeof(o));
	o.max_depth = max_depth;
	return json_parse(s, len, &o, out, msg, msglen);
}

enum usercgi_err
json_parse(const char *s, size_t len, struct json_opts *o,
    struct json_object **out, char *msg, size_t msglen)
{
	struct jp		 p;
	struct json_object	*v = NULL;
	enum usercgi_err	 rc;

	*out = NULL;
	o->proto = 0;
	if (msglen > 0)
		msg[0] = '\0';
	/* json-c lengths are int; anything near that is far over any limit. */
	if (len > INT32_MAX / 2) {
		if (msglen > 0)
			(void)snprintf(msg, msglen, "JSON input too large");
		return USERCGI_BAD_JSON;
	}
	memset(&p, 0, sizeof(p));
	p.s = s;
	p.len = len;
	p.max_depth = o->max_depth;
	p.max_cost = o->max_cost;
	p.msg = msg;
	p.msglen = msglen;
	p.build = 1;
	buf_init(&p.sb, len);
	jp_ws(&p);
	if (o->shallow_array && p.pos < p.len && p.s[p.pos] == '[')
		p.build = 0;
	if ((rc = jp_value(&p, &v)) != USERCGI_OK)
		goto out;
	jp_ws(&p);
	if (p.pos < p.len) {
		rc = jp_fail(&p, "Unexpected non-whitespace character after JSON",
		    p.pos);
		goto out;
	}
	if (!p.build && (v = json_object_new_array()) == NULL) {
		rc = USERCGI_NOMEM;
		goto out;
	}
	/*
	 * Logto's body parser looks for "__proto__" in the parsed value, in
	 * which a duplicate key has replaced the earlier member: a name seen
	 * while parsing counts only if it is still in the tree.  An array
	 * left unbuilt keeps what the parse saw (the two differ only for a
	 * "__proto__" inside a replaced member inside that array, and the
	 * array is a 400 either way).
	 */
	o->proto = p.proto && (!p.build || json_has_proto(v));
	*out = v;
	v = NULL;
out:
	json_object_put(v);
	buf_free(&p.sb);
	return rc;
}

int
json_has_proto(struct json_object *v)
{
	size_t	i, n;

	switch (json_object_get_type(v)) {
	case json_type_object: {
		json_object_object_foreach(v, key, val) {
			if (strcmp(key, "__proto__") == 0 || json_has_proto(val))
				return 1;
		}
		return 0;
	}
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			if (json_has_proto(json_object_array_get_idx(v, i)))
				return 1;
		return 0;
	default:
		return 0;
	}
}

size_t
json_cost(struct json_object *v)
{
	size_t	i, n, cost = 0;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return 0;
	case json_type_boolean:
	case json_type_int:
	case json_type_double:
		return JSON_COST_SCALAR;
	case json_type_string:
		return JSON_COST_STRING + (size_t)json_object_get_string_len(v);
	case json_type_object: {
		cost = JSON_COST_OBJECT;
		json_object_object_foreach(v, key, val)
			cost += JSON_COST_MEMBER + strlen(key) + json_cost(val);
		return cost;
	}
	case json_type_array:
		n = json_object_array_length(v);
		cost = JSON_COST_ARRAY + n * JSON_COST_ELEMENT;
		for (i = 0; i < n; i++)
			cost += json_cost(json_object_array_get_idx(v, i));
		return cost;
	}
	return 0;
}

/*
 * The escape JSON.stringify writes for an ASCII byte c that needs one
 * (ECMA-262 §25.5.2.3 QuoteJSONString): the short forms \" \\ \b \f
 * \n \r \t, other controls as \u00xx in lower-case hex, built in esc.
 */
static const char *
jsonw_escape(unsigned char c, char esc[7])
{
	static const char	hex[] = "0123456789abcdef";

	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	}
	esc[0] = '\\';
	esc[1] = 'u';
	esc[2] = '0';
	esc[3] = '0';
	esc[4] = hex[c >> 4];
	esc[5] = hex[c & 0xf];
	esc[6] = '\0';
	return esc;
}

/*
 * JSON.stringify's QuoteJSONString (ECMA-262 §25.5.2.3): " and \ and
 * controls escaped (jsonw_escape); everything else, "/" and non-ASCII
 * included, is raw.  What is not UTF-8 becomes U+FFFD (json.h).
 */
enum usercgi_err
jsonw_str(struct buf *b, const char *s, size_t len)
{
	enum usercgi_err	 rc;
	size_t			 i, n, run = 0, skip;
	uint32_t		 cp;
	char			 esc[7];
	const char		*e;

	if ((rc = buf_addc(b, '"')) != USERCGI_OK)
		return rc;
	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		skip = 1;
		if (c >= 0x80) {
			if ((n = utf8_decode(s + i, len - i, &cp)) > 0) {
				i += n - 1;
				continue;
			}
			e = "\xef\xbf\xbd";
			skip = utf8_bad_prefix(s + i, len - i);
		} else if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		else
			e = jsonw_escape(c, esc);
		if ((rc = buf_add(b, s + run, i - run)) != USERCGI_OK ||
		    (rc = buf_add(b, e, strlen(e))) != USERCGI_OK)
			return rc;
		i += skip - 1;
		run = i + 1;
	}
	if ((rc = buf_add(b, s + run, len - run)) != USERCGI_OK)
		return rc;
	return buf_addc(b, '"');
}

/*
 * Number::toString (ECMA-262 §6.1.6.1.20) for a finite non-zero d > 0:
 * finds the fewest significant digits (1..17) that read back as d, then
 * lays them out as the standard prescribes.
 */
static enum usercgi_err
jsonw_posnum(struct buf *b, double d)
{
	char			 t[40], digits[20], *ep;
	int			 prec, k = 0, n, e, i;
	long			 exp10;
	enum usercgi_err	 rc = USERCGI_OK;

	for (prec = 0; prec < 17; prec++) {
		(void)snprintf(t, sizeof(t), "%.*e", prec, d);
		if (strtod(t, NULL) == d)
			break;
	}
	/* t is "D[.DDD]e[+-]XX" */
	for (i = 0; t[i] != 'e'; i++)
		if (t[i] != '.')
			digits[k++] = t[i];
	errno = 0;
	exp10 = strtol(t + i + 1, &ep, 10);
	if (errno != 0 || *ep != '\0')
		return USERCGI_INTERNAL;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	n = (int)exp10 + 1;
	if (k <= n && n <= 21) {
		rc = buf_add(b, digits, (size_t)k);
		for (i = 0; i < n - k && rc == USERCGI_OK; i++)
			rc = buf_addc(b, '0');
	} else if (0 < n && n <= 21) {
		if ((rc = buf_add(b, digits, (size_t)n)) == USERCGI_OK &&
		    (rc = buf_addc(b, '.')) == USERCGI_OK)
			rc = buf_add(b, digits + n, (size_t)(k - n));
	} else if (-6 < n && n <= 0) {
		rc = buf_add(b, "0.", 2);
		for (i = 0; i < -n && rc == USERCGI_OK; i++)
			rc = buf_addc(b, '0');
		if (rc == USERCGI_OK)
			rc = buf_add(b, digits, (size_t)k);
	} else {
		e = n - 1;
		rc = buf_addc(b, digits[0]);
		if (rc == USERCGI_OK && k > 1 &&
		    (rc = buf_addc(b, '.')) == USERCGI_OK)
			rc = buf_add(b, digits + 1, (size_t)(k - 1));
		if (rc == USERCGI_OK)
			rc = buf_printf(b, "e%c%d", e < 0 ? '-' : '+',
			    e < 0 ? -e : e);
	}
	return rc;
}

enum usercgi_err
jsonw_num(struct buf *b, double d)
{
	enum usercgi_err	rc;

	if (isnan(d) || isinf(d))
		return buf_add(b, "null", 4);
	if (d == 0)
		return buf_addc(b, '0');
	if (d < 0) {
		if ((rc = buf_addc(b, '-')) != USERCGI_OK)
			return rc;
		d = -d;
	}
	return jsonw_posnum(b, d);
}

/*
 * Returns 1 and sets *idx when key is an array index as JavaScript
 * defines it (ECMA-262 §6.1.7: the canonical decimal form of an integer
 * below 2^32 - 1).  Such keys come first in an object's property order.
 */
static int
jsonw_array_index(const char *key, uint32_t *idx)
{
	uint64_t	v = 0;
	size_t		i;

	if (key[0] == '\0' || (key[0] == '0' && key[1] != '\0'))
		return 0;
	for (i = 0; key[i] != '\0'; i++) {
		if (key[i] < '0' || key[i] > '9' || i >= 10)
			return 0;
		v = v * 10 + (uint64_t)(key[i] - '0');
	}
	if (v >= UINT32_MAX)
		return 0;
	*idx = (uint32_t)v;
	return 1;
}

struct jsonw_member {
	uint32_t		 idx;
	const char		*key;
	struct json_object	*val;
};

static int
jsonw_member_cmp(const void *a, const void *b)
{
	const struct jsonw_member *x = a, *y = b;

	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static enum usercgi_err
jsonw_member(struct buf *b, int *first, const char *key,
    struct json_object *val)
{
	enum usercgi_err	rc;

	if (!*first && (rc = buf_addc(b, ',')) != USERCGI_OK)
		return rc;
	*first = 0;
	if ((rc = jsonw_str(b, key, strlen(key))) != USERCGI_OK ||
	    (rc = buf_addc(b, ':')) != USERCGI_OK)
		return rc;
	return jsonw_value(b, val);
}

/*
 * An object in JavaScript property order (ECMA-262 §10.1.11.1
 * OrdinaryOwnPropertyKeys): array-index keys ascending, then the other
 * keys in insertion order (json-c's iteration order; a duplicate key
 * keeps its first position).
 */
static enum usercgi_err
jsonw_object(struct buf *b, struct json_object *v)
{
	struct jsonw_member	*m = NULL;
	size_t			 n = 0, i;
	uint32_t		 idx;
	int			 first = 1;
	enum usercgi_err	 rc;

	if ((rc = buf_addc(b, '{')) != USERCGI_OK)
		return rc;
	{
		json_object_object_foreach(v, key, val) {
			(void)val;
			if (jsonw_array_index(key, &idx))
				n++;
		}
	}
	if (n > 0) {
		if ((m = xcalloc(n, sizeof(*m))) == NULL)
			return USERCGI_NOMEM;
		i = 0;
		json_object_object_foreach(v, key, val) {
			if (jsonw_array_index(key, &idx)) {
				m[i].idx = idx;
				m[i].key = key;
				m[i++].val = val;
			}
		}
		qsort(m, n, sizeof(*m), jsonw_member_cmp);
		for (i = 0; i < n; i++)
			if ((rc = jsonw_member(b, &first, m[i].key, m[i].val)) !=
			    USERCGI_OK)
				goto out;
	}
	{
		json_object_object_foreach(v, key, val) {
			if (n > 0 && jsonw_array_index(key, &idx))
				continue;
			if ((rc = jsonw_member(b, &first, key, val)) != USERCGI_OK)
				goto out;
		}
	}
	rc = buf_addc(b, '}');
out:
	free(m);
	return rc;
}

/* JSON.stringify (ECMA-262 §25.5.2.2 SerializeJSONProperty), compact. */
enum usercgi_err
jsonw_value(struct buf *b, struct json_object *v)
{
	enum usercgi_err	rc = USERCGI_OK;
	size_t			i, n;
	int64_t			i64;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return buf_add(b, "null", 4);
	case json_type_boolean:
		return json_object_get_boolean(v) ? buf_add(b, "true", 4) :
		    buf_add(b, "false", 5);
	case json_type_int:
		i64 = json_object_get_int64(v);
		if (i64 == INT64_MAX)
			return jsonw_num(b, (double)json_object_get_uint64(v));
		return jsonw_num(b, (double)i64);
	case json_type_double:
		return jsonw_num(b, json_object_get_double(v));
	case json_type_string:
		return jsonw_str(b, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
	case json_type_array:
		if ((rc = buf_addc(b, '[')) != USERCGI_OK)
			return rc;
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			if (i > 0 && (rc = buf_addc(b, ',')) != USERCGI_OK)
				return rc;
			if ((rc = jsonw_value(b, json_object_array_get_idx(v, i)))
			    != USERCGI_OK)
				return rc;
		}
		return buf_addc(b, ']');
	case json_type_object:
		return jsonw_object(b, v);
	}
	return USERCGI_INTERNAL;
}
