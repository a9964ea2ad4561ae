/*
 * test_b64.c: RFC 4648 §10 vectors both ways, and every input the strict
 * decoders must refuse (padding, wrong alphabet, white space, 4k+1
 * lengths, non-zero trailing bits, output too small).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "b64.h"
#include "tap.h"

/* Makes a one-line TAP name of the input. */
static void
name_of(char *name, size_t len, const char *fn, const char *in)
{
	char	*c;

	(void)snprintf(name, len, "%s \"%s\"", fn, in);
	for (c = name; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
}

/* Decodes s with f; returns the bytes as a string, or "ERR". */
static const char *
dec(int (*f)(const char *, size_t, unsigned char *, size_t, size_t *),
    const char *s, size_t cap)
{
	static char	 out[256];
	unsigned char	 buf[256];
	size_t		 n = 12345;

	if (f(s, strlen(s), buf, cap, &n) != 0) {
		(void)snprintf(out, sizeof(out), "ERR%s", n == 0 ? "" : " n set");
		return out;
	}
	memcpy(out, buf, n);
	out[n] = '\0';
	return out;
}

static void
url(const char *in, const char *want)
{
	char	name[128];

	name_of(name, sizeof(name), "b64url_decode", in);
	tap_str(dec(b64url_decode, in, 256), want, name);
}

static void
std(const char *in, const char *want)
{
	char	name[128];

	name_of(name, sizeof(name), "b64_decode", in);
	tap_str(dec(b64_decode, in, 256), want, name);
}

int
main(void)
{
	static const char *const vec[][2] = {	/* RFC 4648 §10 */
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" },
	};
	static const unsigned char bin[] = { 0xfb, 0xff, 0xfe, 0x3e, 0x3f };
	unsigned char	 raw[256], back[8];
	char		 out[512], name[64];
	size_t		 i, n;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		(void)snprintf(name, sizeof(name), "encode \"%s\"", vec[i][0]);
		n = b64url_encode((const unsigned char *)vec[i][0],
		    strlen(vec[i][0]), out, sizeof(out));
		tap_ok(n == strlen(vec[i][1]) && strcmp(out, vec[i][1]) == 0,
		    name);
		url(vec[i][1], vec[i][0]);
		std(vec[i][1], vec[i][0]);
	}
	/* Alphabets: 0xfb 0xff 0xfe 0x3e 0x3f use indices 62 and 63. */
	n = b64url_encode(bin, sizeof(bin), out, sizeof(out));
	tap_str(out, "-__-Pj8", "b64url_encode uses - and _");
	tap_int((long long)n, 7, "b64url_encode length");
	n = b64_encode_nopad(bin, sizeof(bin), out, sizeof(out));
	tap_str(out, "+//+Pj8", "b64_encode_nopad uses + and /");
	tap_ok(b64url_decode("-__-Pj8", 7, back, sizeof(back), &n) == 0 &&
	    n == 5 && memcmp(back, bin, 5) == 0, "b64url_decode - and _");
	tap_ok(b64_decode("+//+Pj8", 7, back, sizeof(back), &n) == 0 &&
	    n == 5 && memcmp(back, bin, 5) == 0, "b64_decode + and /");
	tap_ok(b64_decode("+//+Pj8=", 8, back, sizeof(back), &n) == 0 &&
	    n == 5 && memcmp(back, bin, 5) == 0, "b64_decode padded");

	/* base64url refusals. */
	url("Zg==", "ERR");
	url("Zm9=", "ERR");
	url("+//+", "ERR");
	url("Zm9v/", "ERR");
	url("Zm 9v", "ERR");
	url("Zm9v\n", "ERR");
	url(" Zm9v", "ERR");
	url("Z", "ERR");
	url("Zm9vY", "ERR");
	url("Zh", "ERR");	/* 'h' leaves bits set after "f" */
	url("Zm9", "ERR");	/* '9' = 61, low 2 bits non-zero */
	url("Zm8", "fo");
	url("Zm-", "ERR");
	url("Zg\x80", "ERR");
	url("Zg.", "ERR");
	tap_ok(b64url_decode("Zm9vYmFy", 8, raw, 5, &n) == -1,
	    "b64url_decode refuses output larger than the buffer");
	tap_ok(b64url_decode("Zm9vYmFy", 8, raw, 6, &n) == 0 && n == 6,
	    "b64url_decode fills the buffer exactly");
	tap_ok(b64url_decode("Zm9vYmE", 7, raw, 4, &n) == -1,
	    "b64url_decode refuses 5 bytes into 4");
	/* A NUL inside the explicit length is refused, not a terminator. */
	tap_ok(b64url_decode("Zg\0A", 4, raw, sizeof(raw), &n) == -1,
	    "b64url_decode refuses an embedded NUL");

	/* Standard base64 refusals. */
	std("Zg=", "ERR");
	std("Zg===", "ERR");
	std("Z===", "ERR");
	std("Zm8==", "ERR");
	std("Zm9v=", "ERR");
	std("====", "ERR");
	std("Zg=a", "ERR");
	std("Zh==", "ERR");
	std("Zm-v", "ERR");
	std("Zm_v", "ERR");
	std("Zm9v Zm9v", "ERR");
	std("Zm8=", "fo");
	std("Zg==", "f");
	std("MDEyMzQ1Njc4OWFiY2RlZg", "0123456789abcdef");

	/* Encoder buffer limits: room for the characters and the NUL. */
	tap_int((long long)b64url_encode((const unsigned char *)"foo", 3, out,
	    4), 0, "b64url_encode needs room for the NUL");
	tap_int((long long)b64url_encode((const unsigned char *)"foo", 3, out,
	    5), 4, "b64url_encode fits exactly");
	tap_int((long long)b64_encode_nopad((const unsigned char *)"fo", 2, out,
	    3), 0, "b64_encode_nopad needs room for the NUL");
	tap_int((long long)b64url_encode((const unsigned char *)"", 0, out, 0),
	    0, "b64url_encode with outlen 0");

	/* Round trip of every byte value at every length mod 3. */
	for (i = 0; i < 256; i++)
		raw[i] = (unsigned char)i;
	for (i = 253; i <= 255; i++) {
		unsigned char	back2[256];

		n = b64url_encode(raw, i, out, sizeof(out));
		(void)snprintf(name, sizeof(name), "round trip %zu bytes", i);
		tap_ok(n > 0 && b64url_decode(out, n, back2, sizeof(back2),
		    &n) == 0 && n == i && memcmp(back2, raw, i) == 0, name);
	}
	return tap_done();
}
