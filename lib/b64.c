/*
 * b64.c: base64 and base64url (RFC 4648 §4, §5), strict in what they
 * accept: one alphabet, no white space, no bits after the last byte.
 */
#include "config.h"

#include <stddef.h>

#include "b64.h"

static const char b64_std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Returns the 6-bit value of c in the alphabet (url or standard), or -1. */
static int
b64_val(unsigned char c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

/*
 * Decodes inlen characters of unpadded base64 in alphabet url/standard.
 * RFC 4648 §3.5: the unused bits of the last character must be zero, so
 * each byte string has exactly one encoding.  Returns 0 with *outn set,
 * or -1 (bad character, length 4k+1, trailing bits, out too small).
 */
static int
b64_decode_raw(const char *in, size_t inlen, unsigned char *out,
    size_t outlen, size_t *outn, int url)
{
	size_t		 i, n = 0, need;
	unsigned long	 acc = 0;
	int		 bits = 0, v;

	*outn = 0;
	if (inlen % 4 == 1)
		return -1;
	need = inlen / 4 * 3 + (inlen % 4 == 0 ? 0 : inlen % 4 - 1);
	if (need > outlen)
		return -1;
	for (i = 0; i < inlen; i++) {
		if ((v = b64_val((unsigned char)in[i], url)) < 0)
			return -1;
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1UL << bits) - 1;
		}
	}
	if (acc != 0)
		return -1;
	*outn = n;
	return 0;
}

int
b64url_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outlen, size_t *outn)
{
	return b64_decode_raw(in, inlen, out, outlen, outn, 1);
}

/*
 * Standard alphabet; padding is optional, but when present the input is
 * a whole number of quads and carries exactly the '=' the length needs.
 */
int
b64_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outlen, size_t *outn)
{
	size_t	pad = 0;

	*outn = 0;
	while (pad < 2 && pad < inlen && in[inlen - 1 - pad] == '=')
		pad++;
	if (pad > 0) {
		if (inlen % 4 != 0)
			return -1;
		/* "xy==" and "xyz=" only: the unpadded part is 4k+2 or 4k+3. */
		if ((inlen - pad) % 4 != 4 - pad)
			return -1;
	}
	return b64_decode_raw(in, inlen - pad, out, outlen, outn, 0);
}

/* Encodes without padding in the given alphabet; see b64.h. */
static size_t
b64_encode_raw(const unsigned char *in, size_t inlen, char *out,
    size_t outlen, const char *alpha)
{
	size_t		 i, n = 0, need;
	unsigned long	 acc;

	if (inlen > (((size_t)-1) - 3) / 4 * 3)
		return 0;
	need = inlen / 3 * 4 + (inlen % 3 == 0 ? 0 : inlen % 3 + 1);
	if (outlen == 0 || need > outlen - 1)
		return 0;
	for (i = 0; i + 3 <= inlen; i += 3) {
		acc = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 |
		    in[i + 2];
		out[n++] = alpha[acc >> 18 & 63];
		out[n++] = alpha[acc >> 12 & 63];
		out[n++] = alpha[acc >> 6 & 63];
		out[n++] = alpha[acc & 63];
	}
	if (inlen - i == 1) {
		acc = (unsigned long)in[i] << 16;
		out[n++] = alpha[acc >> 18 & 63];
		out[n++] = alpha[acc >> 12 & 63];
	} else if (inlen - i == 2) {
		acc = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;
		out[n++] = alpha[acc >> 18 & 63];
		out[n++] = alpha[acc >> 12 & 63];
		out[n++] = alpha[acc >> 6 & 63];
	}
	out[n] = '\0';
	return n;
}

size_t
b64url_encode(const unsigned char *in, size_t inlen, char *out,
    size_t outlen)
{
	return b64_encode_raw(in, inlen, out, outlen, b64_url);
}

size_t
b64_encode_nopad(const unsigned char *in, size_t inlen, char *out,
    size_t outlen)
{
	return b64_encode_raw(in, inlen, out, outlen, b64_std);
}
