/*
 * test_idem.c: the Idempotency-Key header's syntax (the draft's quoted
 * Structured Field String and the bare key, 1-255 visible ASCII, every
 * refusal with its message), and the digests: the scope keeps clients
 * apart, the fingerprint sees method, path and every body byte, and
 * length prefixes keep fields from running into each other.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "idem.h"
#include "tap.h"

/* Parses v; returns the key, or "ERR: " and the message. */
static const char *
parse(const char *v)
{
	static char	res[IDEM_KEY_MAX + IDEM_MSG_MAX + 8];
	char		key[IDEM_KEY_MAX + 1], msg[IDEM_MSG_MAX];
	size_t		len = 99;

	if (idem_parse(v, key, &len, msg) != USERCGI_OK) {
		(void)snprintf(res, sizeof(res), "ERR: %s", msg);
		return res;
	}
	if (len != strlen(key))
		return "BAD LENGTH";
	(void)snprintf(res, sizeof(res), "%s", key);
	return res;
}

static void
test_parse(void)
{
	char	v[IDEM_KEY_MAX + 8];

	tap_str(parse("\"8e03978e-40d5-43e8-bc93-6894a57f9324\""),
	    "8e03978e-40d5-43e8-bc93-6894a57f9324", "sf-string");
	tap_str(parse("8e03978e-40d5-43e8-bc93-6894a57f9324"),
	    "8e03978e-40d5-43e8-bc93-6894a57f9324", "bare key");
	tap_str(parse("  \"abc\"\t"), "abc", "blanks around the value");
	tap_str(parse("\"a\\\"b\\\\c\""), "a\"b\\c", "escapes unescaped");
	tap_str(parse("a:b/c+d=e%f"), "a:b/c+d=e%f", "bare: any visible ASCII");
	tap_str(parse("x"), "x", "one character");
	tap_str(parse(""), "ERR: The Idempotency-Key header is empty.",
	    "empty");
	tap_str(parse(" \t "), "ERR: The Idempotency-Key header is empty.",
	    "blanks only");
	tap_str(parse("\"\""),
	    "ERR: The Idempotency-Key header is an empty string.",
	    "empty quoted string");
	tap_str(parse(NULL), "ERR: The Idempotency-Key header is missing.",
	    "missing");
	tap_str(parse("a b"), "ERR: The Idempotency-Key header has a "
	    "character that is not visible ASCII (%x21-7E).", "space inside");
	tap_str(parse("\"a b\""), "ERR: The Idempotency-Key header has a "
	    "character that is not visible ASCII (%x21-7E).",
	    "space inside quotes");
	tap_str(parse("a\x7f"), "ERR: The Idempotency-Key header has a "
	    "character that is not visible ASCII (%x21-7E).", "DEL");
	tap_str(parse("\xc3\xa9t\xc3\xa9"), "ERR: The Idempotency-Key header "
	    "has a character that is not visible ASCII (%x21-7E).", "UTF-8");
	tap_str(parse("a, b"), "ERR: The Idempotency-Key header has a "
	    "character that is not visible ASCII (%x21-7E).",
	    "two header lines joined");
	tap_str(parse("\"abc"), "ERR: The Idempotency-Key header has a "
	    "quoted string without its closing '\"'.", "unterminated");
	tap_str(parse("\"abc\\\""), "ERR: The Idempotency-Key header has a "
	    "quoted string without its closing '\"'.", "escaped last quote");
	tap_str(parse("\"abc\"d"), "ERR: The Idempotency-Key header has text "
	    "after its quoted string.", "text after the string");
	tap_str(parse("\"a\"\"b\""), "ERR: The Idempotency-Key header has text "
	    "after its quoted string.", "two strings");
	tap_str(parse("\"a\\nb\""), "ERR: The Idempotency-Key header has a "
	    "backslash that escapes neither '\"' nor '\\'.", "bad escape");
	tap_str(parse("\"a\\"), "ERR: The Idempotency-Key header has a "
	    "backslash that escapes neither '\"' nor '\\'.",
	    "backslash at the end");
	tap_str(parse("ab\"c"), "ERR: The Idempotency-Key header has a '\"' "
	    "or '\\' outside a quoted string.", "bare quote");
	tap_str(parse("ab\\c"), "ERR: The Idempotency-Key header has a '\"' "
	    "or '\\' outside a quoted string.", "bare backslash");
	memset(v, 'k', IDEM_KEY_MAX);
	v[IDEM_KEY_MAX] = '\0';
	tap_int((long long)strlen(parse(v)), IDEM_KEY_MAX, "255 characters");
	v[IDEM_KEY_MAX] = 'k';
	v[IDEM_KEY_MAX + 1] = '\0';
	tap_str(parse(v), "ERR: The Idempotency-Key header is longer than 255 "
	    "characters.", "256 characters");
	v[0] = '"';
	memset(v + 1, 'k', IDEM_KEY_MAX);
	v[IDEM_KEY_MAX + 1] = '"';
	v[IDEM_KEY_MAX + 2] = '\0';
	tap_int((long long)strlen(parse(v)), IDEM_KEY_MAX,
	    "255 characters quoted");
	v[1] = '\\';
	v[2] = '\\';
	tap_int((long long)strlen(parse(v)), IDEM_KEY_MAX - 1,
	    "an escape counts one character");
}

static void
test_digests(void)
{
	unsigned char	a[STORE_IDEM_KEY], b[STORE_IDEM_KEY];

	tap_int(idem_scope_key("alice", "app", "k1", 2, a), USERCGI_OK,
	    "scope key");
	idem_scope_key("alice", "app", "k1", 2, b);
	tap_ok(memcmp(a, b, sizeof(a)) == 0, "scope key is stable");
	idem_scope_key("bob", "app", "k1", 2, b);
	tap_ok(memcmp(a, b, sizeof(a)) != 0, "another sub, another key");
	idem_scope_key("alice", "app2", "k1", 2, b);
	tap_ok(memcmp(a, b, sizeof(a)) != 0, "another client, another key");
	idem_scope_key("alice", "", "k1", 2, b);
	tap_ok(memcmp(a, b, sizeof(a)) != 0, "no client_id, another key");
	idem_scope_key("alic", "eapp", "k1", 2, b);
	tap_ok(memcmp(a, b, sizeof(a)) != 0, "fields do not run together");
	idem_scope_key("alice", "app", "k2", 2, b);
	tap_ok(memcmp(a, b, sizeof(a)) != 0, "another key");

	tap_int(idem_fingerprint("POST", "/users", "{\"a\":1}", 7, a),
	    USERCGI_OK, "fingerprint");
	idem_fingerprint("POST", "/users", "{\"a\":1}", 7, b);
	tap_ok(memcmp(a, b, sizeof(a)) == 0, "fingerprint is stable");
	idem_fingerprint("POST", "/users", "{\"a\":2}", 7, b);
	tap_ok(memcmp(a, b, sizeof(a)) != 0, "another body");
	idem_fingerprint("POST", "/users", "{\"a\":1}", 6, b);
	tap_ok(memcmp(a, b, sizeof(a)) != 0, "a shorter body");
	idem_fingerprint("PATCH", "/users", "{\"a\":1}", 7, b);
	tap_ok(memcmp(a, b, sizeof(a)) != 0, "another method");
	idem_fingerprint("POST", "/users/x", "{\"a\":1}", 7, b);
	tap_ok(memcmp(a, b, sizeof(a)) != 0, "another path");
	idem_fingerprint("POST", "/users", "\0", 1, a);
	idem_fingerprint("POST", "/users", "", 0, b);
	tap_ok(memcmp(a, b, sizeof(a)) != 0, "a NUL byte counts");
}

int
main(void)
{
	test_parse();
	test_digests();
	return tap_done();
}
