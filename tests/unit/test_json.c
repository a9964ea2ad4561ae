/*
 * test_json.c: strict parsing (everything JSON.parse rejects is
 * rejected, with its position), JSON.stringify-compatible output, and
 * the UTF-8 helpers.  Expected strings were checked against Node 20.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "utf8.h"
#include "tap.h"

/* Parses s and returns the JSON.stringify text, or "ERR <message>". */
static const char *
roundtrip(const char *s, size_t len, int depth)
{
	static char		 out[4096];
	struct json_object	*v = NULL;
	struct buf		 b;
	char			 msg[128];
	enum usercgi_err	 rc;

	buf_init(&b, sizeof(out) - 1);
	rc = json_parse_strict(s, len, depth, &v, msg, sizeof(msg));
	if (rc != USERCGI_OK)
		(void)snprintf(out, sizeof(out), "ERR %s", msg);
	else if (jsonw_value(&b, v) != USERCGI_OK)
		(void)snprintf(out, sizeof(out), "WRITE FAILED");
	else
		(void)snprintf(out, sizeof(out), "%s", buf_str(&b));
	json_object_put(v);
	buf_free(&b);
	return out;
}

static void
rt(const char *in, const char *want)
{
	char	name[200], *c;

	(void)snprintf(name, sizeof(name), "parse %s", in);
	for (c = name; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20)
			*c = '?';
	tap_str(roundtrip(in, strlen(in), JSON_MAX_DEPTH), want, name);
}

static const char *
num(double d)
{
	static char	out[64];
	struct buf	b;

	buf_init(&b, 60);
	if (jsonw_num(&b, d) != USERCGI_OK)
		(void)snprintf(out, sizeof(out), "FAILED");
	else
		(void)snprintf(out, sizeof(out), "%s", buf_str(&b));
	buf_free(&b);
	return out;
}

static void
test_reject(void)
{
	rt("{\"a\":1,}", "ERR Expected double-quoted property name in JSON at position 7");
	rt("{'a':1}", "ERR Expected property name or '}' in JSON at position 1");
	rt("[1,]", "ERR Unexpected token ']' in JSON at position 3");
	rt("[1,,2]", "ERR Unexpected token ',' in JSON at position 3");
	rt("01", "ERR Unexpected number in JSON at position 1");
	rt("-01", "ERR Unexpected number in JSON at position 2");
	rt("1.", "ERR Unexpected end of JSON input");
	rt("1.x", "ERR Unterminated fractional number in JSON at position 2");
	rt(".5", "ERR Unexpected token '.' in JSON at position 0");
	rt("1.e3", "ERR Unterminated fractional number in JSON at position 2");
	rt("+1", "ERR Unexpected token '+' in JSON at position 0");
	rt("-", "ERR Unexpected end of JSON input");
	rt("-x", "ERR No number after minus sign in JSON at position 1");
	rt("1e", "ERR Unexpected end of JSON input");
	rt("1e+]", "ERR Exponent part is missing a number in JSON at position 3");
	rt("0x10", "ERR Unexpected non-whitespace character after JSON at position 1");
	rt("NaN", "ERR Unexpected token 'N' in JSON at position 0");
	rt("Infinity", "ERR Unexpected token 'I' in JSON at position 0");
	rt("-Infinity", "ERR No number after minus sign in JSON at position 1");
	rt("nan", "ERR Unexpected token 'a' in JSON at position 1");
	rt("[1]//c", "ERR Unexpected non-whitespace character after JSON at position 3");
	rt("/*x*/1", "ERR Unexpected token '/' in JSON at position 0");
	rt("\"\\x\"", "ERR Bad escaped character in JSON at position 2");
	rt("\"\\u12\"", "ERR Bad Unicode escape in JSON at position 1");
	rt("\"a\tb\"", "ERR Bad control character in string literal in JSON at position 2");
	rt("\"a\nb\"", "ERR Bad control character in string literal in JSON at position 2");
	rt("\"abc", "ERR Unterminated string in JSON at position 4");
	rt("{\"a\"}", "ERR Expected ':' after property name in JSON at position 4");
	rt("{\"a\":1 \"b\":2}", "ERR Expected ',' or '}' after property value in JSON at position 7");
	rt("[1 2]", "ERR Expected ',' or ']' after array element in JSON at position 3");
	rt("1 2", "ERR Unexpected non-whitespace character after JSON at position 2");
	rt("TRUE", "ERR Unexpected token 'T' in JSON at position 0");
	rt("tru", "ERR Unexpected end of JSON input");
	rt("", "ERR Unexpected end of JSON input");
	rt(" \t\r\n", "ERR Unexpected end of JSON input");
	rt("{", "ERR Unexpected end of JSON input");
	rt("[", "ERR Unexpected end of JSON input");
	rt("{\"a\":", "ERR Unexpected end of JSON input");
	rt("\"\xc3\xa4\" x", "ERR Unexpected non-whitespace character after JSON at position 4");
	rt("{\"a\":\xc3\xa4}", "ERR Unexpected token '\xc3\xa4' in JSON at position 5");
	rt("\"\xff\"", "ERR Invalid UTF-8 in JSON at position 1");
	rt("\"\xc0\xaf\"", "ERR Invalid UTF-8 in JSON at position 1");
	rt("\"\xed\xa0\x80\"", "ERR Invalid UTF-8 in JSON at position 1");
	rt("\"\xf0\x9f\x98\x80\xe4", "ERR Invalid UTF-8 in JSON at position 3");
	rt("\x01", "ERR Unexpected character U+0001 in JSON at position 0");
	rt("\xc2\xa0" "1", "ERR Unexpected token '\xc2\xa0' in JSON at position 0");
	rt("\xef\xbb\xbf{}", "ERR Unexpected token '\xef\xbb\xbf' in JSON at position 0");
	rt("{\"a\\u0000b\":1}", "ERR Unsupported \\u0000 in property name in JSON at position 11");
	/* an embedded NUL byte is a control character */
	tap_str(roundtrip("[1]\0", 4, 64),
	    "ERR Unexpected non-whitespace character after JSON at position 3",
	    "NUL after value");
	tap_str(roundtrip("\"a\0\"", 4, 64),
	    "ERR Bad control character in string literal in JSON at position 2",
	    "NUL in string");
	/* only len bytes are read */
	tap_str(roundtrip("[1]xyz", 3, 64), "[1]", "length respected");
	tap_str(roundtrip("[1", 2, 64), "ERR Unexpected end of JSON input",
	    "truncated by length");
}

static void
test_depth(void)
{
	char	s[300];
	int	i;

	for (i = 0; i < 64; i++)
		s[i] = '[';
	for (i = 0; i < 64; i++)
		s[64 + i] = ']';
	tap_ok(strncmp(roundtrip(s, 128, 64), "[[[[", 4) == 0, "depth 64 ok");
	for (i = 0; i < 65; i++)
		s[i] = '[';
	for (i = 0; i < 65; i++)
		s[65 + i] = ']';
	tap_str(roundtrip(s, 130, 64),
	    "ERR Nesting too deep in JSON at position 64", "depth 65 refused");
	tap_str(roundtrip("{\"a\":{\"b\":{}}}", 14, 2),
	    "ERR Nesting too deep in JSON at position 10", "depth 3 of max 2");
	tap_str(roundtrip("[{},[],{\"a\":1}]", 15, 2),
	    "[{},[],{\"a\":1}]", "siblings do not add depth");
}

static void
test_accept(void)
{
	struct json_object	*v = (struct json_object *)1;
	char			 msg[64];

	rt("{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":3,\"b\":2}");
	rt(" {\"a\" : [ 1 , { \"b\" : null } ] } ", "{\"a\":[1,{\"b\":null}]}");
	rt("[true,false,null,{},[]]", "[true,false,null,{},[]]");
	rt("\"\\/\"", "\"/\"");
	rt("\"a/b\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001F\\u007f\\u2028\xc3\xa4\xf0\x9f\x98\x80\"",
	    "\"a/b\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\xe2\x80\xa8\xc3\xa4\xf0\x9f\x98\x80\"");
	rt("\"\\u00e4\\uD83D\\uDE00\"", "\"\xc3\xa4\xf0\x9f\x98\x80\"");
	rt("\"\\ud800\"", "\"\xef\xbf\xbd\"");
	rt("\"\\udc00\\ud800x\"", "\"\xef\xbf\xbd\xef\xbf\xbdx\"");
	rt("\"\\u0000\"", "\"\\u0000\"");
	rt("{\"__proto__\":1}", "{\"__proto__\":1}");
	/* JavaScript property order: array indices first, ascending */
	rt("{\"b\":1,\"2\":2,\"1\":3,\"a\":{\"10\":1,\"9\":2,\"x\":3,\"01\":4,"
	    "\"-1\":5,\"4294967294\":6,\"4294967295\":7,\"1.5\":8}}",
	    "{\"1\":3,\"2\":2,\"b\":1,\"a\":{\"9\":2,\"10\":1,\"4294967294\":6,"
	    "\"x\":3,\"01\":4,\"-1\":5,\"4294967295\":7,\"1.5\":8}}");
	rt("{\"b\":1,\"a\":2,\"b\":3,\"0\":4,\"0\":5}", "{\"0\":5,\"b\":3,\"a\":2}");
	/* numbers as JavaScript reads and prints them */
	rt("[1e400,-1e400,1e-400]", "[null,null,0]");
	rt("[12345678901234567890]", "[12345678901234567000]");
	rt("[123456789012345678901234]", "[1.2345678901234569e+23]");
	rt("[-9223372036854775809,-9223372036854775808]",
	    "[-9223372036854776000,-9223372036854776000]");
	rt("[9007199254740993]", "[9007199254740992]");
	rt("[-0,-0.0,0e5]", "[0,0,0]");
	rt("[0.1,1e21,1e-7,0.000001,123e-20,1.5e300,5e-324]",
	    "[0.1,1e+21,1e-7,0.000001,1.23e-18,1.5e+300,5e-324]");
	rt("[1.0,10.50,255e-2,1E2,1e+2,4.35,0.1e1,100,1e20]",
	    "[1,10.5,2.55,100,100,4.35,1,100,100000000000000000000]");
	rt("[1.7976931348623157e308,1.7976931348623159e308]",
	    "[1.7976931348623157e+308,null]");
	rt("1", "1");
	rt(" \"x\" ", "\"x\"");
	tap_int(json_parse_strict("null", 4, 64, &v, msg, sizeof(msg)),
	    USERCGI_OK, "null parses");
	tap_ok(v == NULL, "null is NULL");
}

static void
test_proto(void)
{
	struct json_object	*v;
	char			 msg[64];
	const char		*yes[] = { "{\"__proto__\":{}}",
	    "{\"a\":[1,{\"b\":{\"__proto__\":null}}]}", "[{\"__proto__\":1}]" };
	const char		*no[] = { "{\"a\":\"__proto__\"}", "{\"__proto\":1}",
	    "[\"__proto__\"]", "{\"constructor\":{\"prototype\":1}}" };
	size_t			 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (json_parse_strict(yes[i], strlen(yes[i]), 64, &v, msg,
		    sizeof(msg)) != USERCGI_OK)
			v = NULL;
		tap_ok(v != NULL && json_has_proto(v), yes[i]);
		json_object_put(v);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (json_parse_strict(no[i], strlen(no[i]), 64, &v, msg,
		    sizeof(msg)) != USERCGI_OK)
			v = NULL;
		tap_ok(v != NULL && !json_has_proto(v), no[i]);
		json_object_put(v);
	}
}

static void
test_num(void)
{
	tap_str(num(0), "0", "0");
	tap_str(num(-0.0), "0", "-0");
	tap_str(num(NAN), "null", "NaN");
	tap_str(num(INFINITY), "null", "Infinity");
	tap_str(num(-INFINITY), "null", "-Infinity");
	tap_str(num(1), "1", "1");
	tap_str(num(-1.5), "-1.5", "-1.5");
	tap_str(num(0.1 + 0.2), "0.30000000000000004", "0.1+0.2");
	tap_str(num(1e21), "1e+21", "1e21");
	tap_str(num(999999999999999900000.0), "999999999999999900000", "below 1e21");
	tap_str(num(1e-6), "0.000001", "1e-6");
	tap_str(num(1e-7), "1e-7", "1e-7");
	tap_str(num(1.5e-7), "1.5e-7", "1.5e-7");
	tap_str(num(123456.789), "123456.789", "123456.789");
	tap_str(num(2147483648.0), "2147483648", "2^31");
	tap_str(num(9007199254740992.0), "9007199254740992", "2^53");
	tap_str(num(1.7976931348623157e308), "1.7976931348623157e+308", "max");
	tap_str(num(5e-324), "5e-324", "min subnormal");
	tap_str(num(2.2250738585072014e-308), "2.2250738585072014e-308", "min normal");
	tap_str(num(1e23), "1e+23", "1e23");
	tap_str(num(-1e-300), "-1e-300", "-1e-300");
	tap_str(num(1795735232203.0), "1795735232203", "epoch ms");
}

static void
test_str(void)
{
	struct buf	b;

	buf_init(&b, 100);
	tap_int(jsonw_str(&b, "a\0b", 3), USERCGI_OK, "str with NUL");
	tap_str(buf_str(&b), "\"a\\u0000b\"", "NUL escaped");
	buf_reset(&b);
	(void)jsonw_str(&b, "", 0);
	tap_str(buf_str(&b), "\"\"", "empty string");
	buf_free(&b);
	buf_init(&b, 4);
	tap_int(jsonw_str(&b, "abcd", 4), USERCGI_TOO_LARGE, "bounded buffer");
	buf_free(&b);
}

/*
 * Bytes that are not UTF-8 become U+FFFD exactly as Node 20's
 * new TextDecoder().decode() replaces them (checked there), then
 * JSON.stringify.
 */
static void
test_str_invalid(void)
{
#define FFFD	"\xef\xbf\xbd"
	static const struct {
		const char	*in, *want, *name;
	} cases[] = {
		{ "\xff\xfe", "\"" FFFD FFFD "\"", "FF FE: two" },
		{ "a\x80" "b", "\"a" FFFD "b\"", "lone continuation" },
		{ "\xc3", "\"" FFFD "\"", "truncated at the end" },
		{ "\xe2\x82", "\"" FFFD "\"", "truncated 3-byte: one" },
		{ "\xe2\x82" "a", "\"" FFFD "a\"", "cut 3-byte, then ASCII" },
		{ "\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"", "surrogate: three" },
		{ "\xf0\x9f\x98", "\"" FFFD "\"", "truncated 4-byte: one" },
		{ "\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"",
		    "above U+10FFFF: four" },
		{ "\xc0\x80", "\"" FFFD FFFD "\"", "overlong NUL: two" },
		{ "\xe0\x80\x80", "\"" FFFD FFFD FFFD "\"", "overlong 3: three" },
		{ "\xe0\xa0", "\"" FFFD "\"", "E0 A0 truncated: one" },
		{ "\xf1\x80\x80\xe1\x80\xc2" "b", "\"" FFFD FFFD FFFD "b\"",
		    "maximal subparts" },
		{ "\"\xff\n", "\"\\\"" FFFD "\\n\"", "beside escapes" },
		{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"", "valid emoji kept" },
	};
#undef FFFD
	struct buf	b;
	size_t		i;

	buf_init(&b, 100);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		tap_int(jsonw_str(&b, cases[i].in, strlen(cases[i].in)),
		    USERCGI_OK, cases[i].name);
		tap_str(buf_str(&b), cases[i].want, cases[i].name);
		tap_ok(utf8_valid(buf_str(&b), b.len), "output is UTF-8");
	}
	buf_free(&b);
}

/*
 * json_parse: the memory budget, a top-level array checked without
 * being built, the "__proto__" flag.
 */
static void
test_parse_opts(void)
{
	struct json_opts	 o;
	struct json_object	*v = NULL;
	char			 msg[160];
	const char		*s;

	memset(&o, 0, sizeof(o));
	o.max_depth = JSON_MAX_DEPTH;
	o.shallow_array = 1;
	s = "[{},[1,\"x\",true],{\"a\":{}}]";
	tap_int(json_parse(s, strlen(s), &o, &v, msg, sizeof(msg)), USERCGI_OK,
	    "shallow: a top-level array parses");
	tap_ok(json_object_is_type(v, json_type_array) &&
	    json_object_array_length(v) == 0, "as an empty array");
	json_object_put(v);
	s = "[{},[1,]]";
	tap_int(json_parse(s, strlen(s), &o, &v, msg, sizeof(msg)),
	    USERCGI_BAD_JSON, "shallow: syntax still checked");
	tap_str(msg, "Unexpected token ']' in JSON at position 7",
	    "with JSON.parse's message");
	s = "[{\"b\":{\"__proto__\":1}}]";
	tap_int(json_parse(s, strlen(s), &o, &v, msg, sizeof(msg)), USERCGI_OK,
	    "shallow: __proto__ inside");
	tap_int(o.proto, 1, "is seen");
	json_object_put(v);
	s = "{\"a\":[{\"__proto__\":1}]}";
	tap_int(json_parse(s, strlen(s), &o, &v, msg, sizeof(msg)), USERCGI_OK,
	    "an object: built");
	tap_int(o.proto, 1, "__proto__ seen");
	tap_int((long long)json_cost(v), (long long)(2 * JSON_COST_OBJECT +
	    JSON_COST_ARRAY + JSON_COST_ELEMENT + 2 * JSON_COST_MEMBER + 1 + 9 +
	    JSON_COST_SCALAR), "json_cost adds up the values");
	json_object_put(v);
	s = "{\"a\":1}";
	tap_int(json_parse(s, strlen(s), &o, &v, msg, sizeof(msg)), USERCGI_OK,
	    "no __proto__");
	tap_int(o.proto, 0, "not seen");
	json_object_put(v);
	/* As JSON.parse then a scan of its result: the last duplicate wins. */
	s = "{\"p\":{\"__proto__\":1},\"p\":{}}";
	tap_int(json_parse(s, strlen(s), &o, &v, msg, sizeof(msg)), USERCGI_OK,
	    "__proto__ in a member a duplicate replaced");
	tap_int(o.proto, 0, "is not in the value");
	json_object_put(v);
	s = "{\"p\":{},\"p\":{\"__proto__\":1}}";
	tap_int(json_parse(s, strlen(s), &o, &v, msg, sizeof(msg)), USERCGI_OK,
	    "__proto__ in the duplicate that replaced");
	tap_int(o.proto, 1, "is in the value");
	json_object_put(v);

	/* The budget: exactly json_cost passes, one byte less does not. */
	s = "{\"a\":[\"xy\",2,null,false]}";
	o.max_cost = JSON_COST_OBJECT + JSON_COST_MEMBER + 1 + JSON_COST_ARRAY +
	    4 * JSON_COST_ELEMENT + JSON_COST_STRING + 2 + 2 * JSON_COST_SCALAR;
	tap_int(json_parse(s, strlen(s), &o, &v, msg, sizeof(msg)), USERCGI_OK,
	    "budget: exactly enough");
	tap_int((long long)json_cost(v), (long long)o.max_cost,
	    "json_cost equals what the parser counted");
	json_object_put(v);
	o.max_cost--;
	tap_int(json_parse(s, strlen(s), &o, &v, msg, sizeof(msg)),
	    USERCGI_BADREQ, "budget: one byte short");
	tap_ok(v == NULL, "nothing kept");
	tap_ok(strncmp(msg, "The request body holds too many values", 38) == 0,
	    "a message for the client");
	o.max_cost = 1024;
	s = "[{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}]";
	tap_int(json_parse(s, strlen(s), &o, &v, msg, sizeof(msg)), USERCGI_OK,
	    "budget: a shallow array costs nothing");
	json_object_put(v);
	o.shallow_array = 0;
	tap_int(json_parse(s, strlen(s), &o, &v, msg, sizeof(msg)),
	    USERCGI_BADREQ, "budget: the same array built is over");
	tap_str(msg, "The request body holds too many values: they would take "
	    "more than 1 KiB of memory.", "message");
}

static void
test_utf8(void)
{
	uint32_t	cp = 0;

	tap_ok(utf8_valid("", 0), "empty valid");
	tap_ok(utf8_valid("a\0b", 3), "NUL is valid UTF-8");
	tap_ok(utf8_valid("\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80", 9), "2/3/4 bytes");
	tap_ok(utf8_valid("\xf4\x8f\xbf\xbf", 4), "U+10FFFF");
	tap_ok(!utf8_valid("\xf4\x90\x80\x80", 4), "above U+10FFFF");
	tap_ok(!utf8_valid("\xc0\x80", 2), "overlong NUL");
	tap_ok(!utf8_valid("\xc1\xbf", 2), "overlong 2");
	tap_ok(!utf8_valid("\xe0\x9f\xbf", 3), "overlong 3");
	tap_ok(!utf8_valid("\xf0\x8f\xbf\xbf", 4), "overlong 4");
	tap_ok(!utf8_valid("\xed\xa0\x80", 3), "surrogate D800");
	tap_ok(!utf8_valid("\xed\xbf\xbf", 3), "surrogate DFFF");
	tap_ok(utf8_valid("\xed\x9f\xbf", 3), "U+D7FF");
	tap_ok(!utf8_valid("\x80", 1), "lone continuation");
	tap_ok(!utf8_valid("\xc3", 1), "truncated");
	tap_ok(!utf8_valid("\xe2\x82", 2), "truncated 3");
	tap_ok(!utf8_valid("\xc3\x28", 2), "bad continuation");
	tap_ok(!utf8_valid("\xf5\x80\x80\x80", 4), "F5");
	tap_ok(!utf8_valid("\xff", 1), "FF");
	tap_int((long long)utf8_decode("\xe2\x82\xac", 3, &cp), 3, "decode euro len");
	tap_int(cp, 0x20ac, "decode euro cp");
	tap_int((long long)utf8_decode("\xe2\x82\xac", 2, &cp), 0, "decode short");
	tap_int((long long)utf8_decode("", 0, &cp), 0, "decode empty");
	tap_int((long long)utf8_codepoints("a\xc3\xa4\xf0\x9f\x98\x80", 7), 3,
	    "code points");
	tap_int((long long)utf8_utf16_units("a\xc3\xa4\xf0\x9f\x98\x80", 7), 4,
	    "UTF-16 units");
	tap_int((long long)utf8_utf16_units("", 0), 0, "UTF-16 empty");
	tap_int((long long)utf8_bad_prefix("\xff", 1), 1, "bad prefix FF");
	tap_int((long long)utf8_bad_prefix("\xe2\x82", 2), 2, "bad prefix cut");
	tap_int((long long)utf8_bad_prefix("\xf0\x9f\x98" "a", 4), 3,
	    "bad prefix 3 of 4");
	tap_int((long long)utf8_bad_prefix("\xf0\x80\x80", 3), 1,
	    "bad prefix F0 80");
	tap_int((long long)utf8_bad_prefix("\xed\xa0", 2), 1,
	    "bad prefix ED A0");
}

int
main(void)
{
	test_reject();
	test_depth();
	test_accept();
	test_proto();
	test_num();
	test_str();
	test_str_invalid();
	test_parse_opts();
	test_utf8();
	return tap_done();
}
