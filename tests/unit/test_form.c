/*
 * test_form.c: form_parse against what qs.parse(body, {allowDots: true})
 * (Logto's co-body) returns, and the cases where usercgi refuses.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "form.h"
#include "tap.h"

/* Writes a test name: prefix, then up to 60 bytes of body, non-ASCII as "?". */
static void
name_of(char *name, size_t size, const char *prefix, const char *body,
    size_t len)
{
	size_t	i, o;

	o = (size_t)snprintf(name, size, "%s ", prefix);
	for (i = 0; i < len && i < 60 && o + 4 < size; i++)
		name[o++] = body[i] >= 0x20 && body[i] < 0x7f ? body[i] : '?';
	if (i < len && o + 4 < size)
		o += (size_t)snprintf(name + o, size - o, "...");
	name[o] = '\0';
}

/* Parses body (len bytes) and checks the compact JSON result. */
static void
ok_len(const char *body, size_t len, const char *want)
{
	struct json_object	*o = (struct json_object *)1;
	enum usercgi_err	 e;
	char			 msg[256], name[160];

	e = form_parse(body, len, 0, &o, msg, sizeof(msg));
	name_of(name, sizeof(name), "parse", body, len);
	if (e != USERCGI_OK) {
		tap_ok(0, name);
		printf("#   error %d: %s\n", e, msg);
		return;
	}
	tap_str(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE), want, name);
	json_object_put(o);
}

static void
ok(const char *body, const char *want)
{
	ok_len(body, strlen(body), want);
}

/* Checks that body is refused with USERCGI_BADREQ and exactly this message. */
static void
bad_len(const char *body, size_t len, const char *want_msg)
{
	struct json_object	*o = (struct json_object *)1;
	enum usercgi_err	 e;
	char			 msg[256], name[160];

	e = form_parse(body, len, 0, &o, msg, sizeof(msg));
	name_of(name, sizeof(name), "refuse", body, len);
	tap_ok(e == USERCGI_BADREQ && o == NULL, name);
	if (e != USERCGI_BADREQ)
		printf("#   got code %d\n", e);
	tap_str(msg, want_msg, "  with its message");
}

static void
bad(const char *body, const char *want_msg)
{
	bad_len(body, strlen(body), want_msg);
}

#define M_ESCAPE "Malformed percent-encoding in the form body: \"%\" " \
	"must be followed by two hex digits."
#define M_UTF8 "The form body is not valid UTF-8 after percent-decoding."
#define M_DEPTH "A form key is nested too deeply (at most 5 levels of [] " \
	"or . below the top)."
#define M_ARRAY "Too many values for one form key (at most 20)."
#define M_PARAMS "Too many form parameters (at most 1000)."

/*
 * n parameters, then tail: "key=0&key=1&..." or, with numbered,
 * "key0=&key1=&...".
 */
static char *
params(int n, const char *key, int numbered, const char *tail)
{
	struct buf	b;
	int		i;

	buf_init(&b, 1 << 20);
	for (i = 0; i < n; i++)
		if ((numbered ? buf_printf(&b, "%s%s%d=", i == 0 ? "" : "&",
		    key, i) : buf_printf(&b, "%s%s=%d", i == 0 ? "" : "&",
		    key, i)) != USERCGI_OK)
			abort();
	if (buf_addstr(&b, tail) != USERCGI_OK)
		abort();
	return buf_take(&b);
}

int
main(void)
{
	char	*s;

	/* the shell user's case */
	ok("username=alice&password=p%40ss+word",
	    "{\"username\":\"alice\",\"password\":\"p@ss word\"}");
	ok("", "{}");
	ok("&&a=1&&", "{\"a\":\"1\"}");
	ok("&", "{}");
	ok("b&c=", "{\"b\":\"\",\"c\":\"\"}");
	ok("=1&b=2", "{\"b\":\"2\"}");
	ok("a=1=2", "{\"a\":\"1=2\"}");
	ok("a=", "{\"a\":\"\"}");
	/* "+" is a space, %2B a plus, in keys and values */
	ok("a+b=c+d", "{\"a b\":\"c d\"}");
	ok("a%2Bb=c%2bd", "{\"a+b\":\"c+d\"}");
	ok("a=%20%41", "{\"a\":\" A\"}");
	/* UTF-8, escaped and raw */
	ok("a=%E2%9C%93", "{\"a\":\"\xe2\x9c\x93\"}");
	ok("a=%C3%A4&b=%F0%9F%98%80",
	    "{\"a\":\"\xc3\xa4\",\"b\":\"\xf0\x9f\x98\x80\"}");
	ok("name=J\xc3\xbcrgen", "{\"name\":\"J\xc3\xbcrgen\"}");
	ok("a=%00", "{\"a\":\"\\u0000\"}");
	ok("a=%2F", "{\"a\":\"/\"}");

	/* repeated keys make arrays, in order */
	ok("a=1&a=2", "{\"a\":[\"1\",\"2\"]}");
	ok("a=1&b=x&a=2&a=3", "{\"a\":[\"1\",\"2\",\"3\"],\"b\":\"x\"}");
	ok("a[]=x", "{\"a\":[\"x\"]}");
	ok("a[]=x&a[]=y", "{\"a\":[\"x\",\"y\"]}");
	ok("a=1&a[]=2", "{\"a\":[\"1\",\"2\"]}");
	ok("a[]=1&a=2", "{\"a\":[\"1\",\"2\"]}");
	ok("a=1&a[]=2&a=3", "{\"a\":[\"1\",\"3\",\"2\"]}");
	ok("a[b]=1&a[b]=2", "{\"a\":{\"b\":[\"1\",\"2\"]}}");
	ok("a[b][]=1&a[b][]=2", "{\"a\":{\"b\":[\"1\",\"2\"]}}");
	ok("a[][]=1", "{\"a\":[\"1\"]}");

	/* dotted and bracketed keys build objects */
	ok("profile.givenName=A&profile.familyName=B",
	    "{\"profile\":{\"givenName\":\"A\",\"familyName\":\"B\"}}");
	ok("customData[plan]=pro&customData[seats]=5",
	    "{\"customData\":{\"plan\":\"pro\",\"seats\":\"5\"}}");
	ok("profile.address.country=AU&profile[address][locality]=Sydney",
	    "{\"profile\":{\"address\":{\"country\":\"AU\","
	    "\"locality\":\"Sydney\"}}}");
	ok("customData.x[]=1&customData.x[]=2",
	    "{\"customData\":{\"x\":[\"1\",\"2\"]}}");
	ok("a[b]=1&a[c][d]=2&a[c][e]=3",
	    "{\"a\":{\"b\":\"1\",\"c\":{\"d\":\"2\",\"e\":\"3\"}}}");
	ok("a%5Bb%5D=1", "{\"a\":{\"b\":\"1\"}}");
	ok("a%5bb%5d=1", "{\"a\":{\"b\":\"1\"}}");
	ok("a%2Eb=1", "{\"a\":{\"b\":\"1\"}}");
	ok("a..b=1", "{\"a.\":{\"b\":\"1\"}}");
	ok("a.=1", "{\"a.\":\"1\"}");
	ok("a[b.c]=1", "{\"a\":{\"b[c]\":\"1\"}}");
	ok("a[b=c]=d", "{\"a\":{\"b=c\":\"d\"}}");
	ok("a]=1", "{\"a]\":\"1\"}");
	ok("[a]=1", "{\"a\":\"1\"}");
	ok("[0]=1", "{\"0\":\"1\"}");
	ok("[]=1", "{\"0\":\"1\"}");
	/* five levels are allowed */
	ok("a.b.c.d.e.f=1",
	    "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":\"1\"}}}}}}");
	ok("a[b][c][d][e][f]=1",
	    "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":\"1\"}}}}}}");

	/* array positions */
	ok("a[0]=x&a[1]=y", "{\"a\":[\"x\",\"y\"]}");
	ok("a[1]=y&a[0]=x", "{\"a\":[\"x\",\"y\"]}");
	ok("a[5]=x", "{\"a\":[\"x\"]}");
	ok("a[5]=x&a[]=y", "{\"a\":[\"y\",\"x\"]}");
	ok("a[19]=x", "{\"a\":[\"x\"]}");
	ok("a[20]=x", "{\"a\":{\"20\":\"x\"}}");
	ok("a[01]=x", "{\"a\":{\"01\":\"x\"}}");
	ok("a[-1]=x", "{\"a\":{\"-1\":\"x\"}}");
	ok("a[0][b]=1&a[0][c]=2", "{\"a\":[{\"b\":\"1\",\"c\":\"2\"}]}");
	ok("a[0][b]=1&a[1][b]=2", "{\"a\":[{\"b\":\"1\"},{\"b\":\"2\"}]}");
	ok("a[][b]=1", "{\"a\":[{\"b\":\"1\"}]}");
	ok("a[][0]=x", "{\"a\":[\"x\"]}");
	/* qs's merge where a key is both a value and a container */
	ok("a[b]=1&a=2", "{\"a\":[{\"b\":\"1\"},\"2\"]}");
	ok("a=2&a[b]=1", "{\"a\":[\"2\",{\"b\":\"1\"}]}");
	ok("a[0]=1&a[b]=2", "{\"a\":{\"0\":\"1\",\"b\":\"2\"}}");
	ok("a[0][x]=1&a[0]=2", "{\"a\":[{\"x\":\"1\"},\"2\"]}");
	ok("a[0]=2&a[0][x]=1", "{\"a\":[\"2\",{\"x\":\"1\"}]}");

	/* qs walks array-index keys first, ascending */
	ok("0[x]=1&0=2", "{\"0\":[\"2\",{\"x\":\"1\"}]}");
	ok("b=1&7=a&3=b", "{\"3\":\"b\",\"7\":\"a\",\"b\":\"1\"}");
	ok("a=1&10=x&9=y", "{\"9\":\"y\",\"10\":\"x\",\"a\":\"1\"}");
	/* merging an empty string changes nothing (qs: falsy source) */
	ok("b&.b", "{\"b\":\"\"}");
	ok("a[]=1&a=", "{\"a\":[\"1\"]}");
	ok("b&b", "{\"b\":[\"\",\"\"]}");
	ok("a[][20]=x", "{\"a\":{\"20\":\"x\"}}");

	/* Object.prototype names drop the parameter, as in qs */
	ok("toString=1&b=2", "{\"b\":\"2\"}");
	ok("a[__proto__]=1&b=2", "{\"b\":\"2\"}");
	ok("__proto__[x]=1", "{}");
	ok("a[constructor]=1", "{}");
	ok("a.hasOwnProperty=1&a.c=2", "{\"a\":{\"c\":\"2\"}}");

	/* twenty values are allowed, the twenty-first is refused */
	s = params(20, "a", 0, "");
	ok(s, "{\"a\":[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\","
	    "\"8\",\"9\",\"10\",\"11\",\"12\",\"13\",\"14\",\"15\",\"16\","
	    "\"17\",\"18\",\"19\"]}");
	free(s);
	s = params(21, "a", 0, "");
	bad(s, M_ARRAY);
	free(s);
	s = params(21, "a[]", 0, "");
	bad(s, M_ARRAY);
	free(s);
	s = params(20, "a[]", 0, "&a=x");
	bad(s, M_ARRAY);
	free(s);

	/* 1000 parameters are allowed, 1001 are refused */
	s = params(1000, "k", 1, "");
	{
		struct json_object	*o;
		char			 msg[128];

		tap_int(form_parse(s, strlen(s), 0, &o, msg, sizeof(msg)),
		    USERCGI_OK, "1000 parameters");
		tap_int(json_object_object_length(o), 1000,
		    "1000 members");
		json_object_put(o);
	}
	free(s);
	s = params(1001, "k", 1, "");
	bad(s, M_PARAMS);
	free(s);

	/* malformed escapes and bad UTF-8 */
	bad("a=%", M_ESCAPE);
	bad("a=%4", M_ESCAPE);
	bad("a=%zz", M_ESCAPE);
	bad("a=%4g", M_ESCAPE);
	bad("a%=1", M_ESCAPE);
	bad("a=1&b=x%", M_ESCAPE);
	bad("a=%FF", M_UTF8);
	bad("a=%C3", M_UTF8);
	bad("a=%C0%80", M_UTF8);
	bad("a=%ED%A0%80", M_UTF8);
	bad("a=\xff", M_UTF8);
	bad("a%00=1", "A form key contains a NUL byte.");
	/* keys */
	bad("a[b=1", "A form key has a \"[\" without its \"]\".");
	bad("a[b]c=1", "A form key has text after a \"]\".");
	bad("a[b]]=1", "A form key has text after a \"]\".");
	bad("a.b.c.d.e.f.g=1", M_DEPTH);
	bad("a[b][c][d][e][f][g]=1", M_DEPTH);
	/* explicit length: a NUL inside the body is data, not the end */
	ok_len("a=1&b=2", 3, "{\"a\":\"1\"}");
	bad_len("a=%00x%", 7, M_ESCAPE);

	return tap_done();
}
