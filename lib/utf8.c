/*
 * utf8.c: UTF-8 decoding, validation and length in code points and in
 * UTF-16 code units (RFC 3629 §4 syntax: no overlong forms, no
 * surrogates, nothing above U+10FFFF).
 */
#include "config.h"

#include <locale.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <wctype.h>

#include "buf.h"
#include "log.h"
#include "utf8.h"

/*
 * The C.UTF-8 locale used for case mapping (created once per process,
 * never freed), or (locale_t)0 when it cannot be created.
 */
static locale_t		utf8_loc;
static pthread_once_t	utf8_loc_once = PTHREAD_ONCE_INIT;

static void
utf8_locale_init(void)
{
	if ((utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0)) ==
	    (locale_t)0)
		log_err("newlocale(C.UTF-8) failed");
}

/* Maps cp with f in C.UTF-8; cp itself when the result is no scalar value. */
static uint32_t
utf8_map(uint32_t cp, wint_t (*f)(wint_t, locale_t))
{
	wint_t	c;

	if (cp < 0x80 && f == towlower_l)
		return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
	if (cp < 0x80 && f == towupper_l)
		return cp >= 'a' && cp <= 'z' ? cp - 32 : cp;
	(void)pthread_once(&utf8_loc_once, utf8_locale_init);
	if (utf8_loc == (locale_t)0)
		return cp;
	c = f((wint_t)cp, utf8_loc);
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return cp;
	return (uint32_t)c;
}

uint32_t
utf8_tolower(uint32_t cp)
{
	return utf8_map(cp, towlower_l);
}

uint32_t
utf8_toupper(uint32_t cp)
{
	return utf8_map(cp, towupper_l);
}

int
utf8_is(uint32_t cp, enum utf8_class c)
{
	locale_t	l;
	wint_t		w = (wint_t)cp;

	if (cp > 0x10ffff)
		return 0;
	(void)pthread_once(&utf8_loc_once, utf8_locale_init);
	if ((l = utf8_loc) == (locale_t)0)
		return 0;
	switch (c) {
	case UTF8_ALNUM:
		return iswalnum_l(w, l) != 0;
	case UTF8_ALPHA:
		return iswalpha_l(w, l) != 0;
	case UTF8_BLANK:
		return iswblank_l(w, l) != 0;
	case UTF8_CNTRL:
		return iswcntrl_l(w, l) != 0;
	case UTF8_DIGIT:
		return iswdigit_l(w, l) != 0;
	case UTF8_GRAPH:
		return iswgraph_l(w, l) != 0;
	case UTF8_LOWER:
		return iswlower_l(w, l) != 0;
	case UTF8_PRINT:
		return iswprint_l(w, l) != 0;
	case UTF8_PUNCT:
		return iswpunct_l(w, l) != 0;
	case UTF8_SPACE:
		return iswspace_l(w, l) != 0;
	case UTF8_UPPER:
		return iswupper_l(w, l) != 0;
	case UTF8_XDIGIT:
		return iswxdigit_l(w, l) != 0;
	case UTF8_WORD:
		return cp == '_' || iswalnum_l(w, l) != 0;
	}
	return 0;
}

/* A lowered code point is at most one byte longer, so 2 * len bounds the copy. */
char *
utf8_lower_dup(const char *s, size_t len)
{
	struct buf	 b;
	char		 e[4];
	uint32_t	 cp;
	size_t		 i, n;
	char		*out = NULL;

	buf_init(&b, len > SIZE_MAX / 2 - 1 ? SIZE_MAX / 2 : 2 * len);
	for (i = 0; i < len; i += n) {
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0) {
			n = 1;
			if (buf_add(&b, s + i, 1) != USERCGI_OK)
				goto out;
			continue;
		}
		if (buf_add(&b, e, utf8_encode(utf8_tolower(cp), e)) !=
		    USERCGI_OK)
			goto out;
	}
	out = buf_take(&b);
out:
	buf_free(&b);
	return out;
}

/*
 * Returns the number of bytes (1..4) of the well-formed sequence at s
 * (at most len bytes) and sets *cp, or 0 when the bytes at s are not a
 * complete, well-formed sequence (RFC 3629 §4).
 */
size_t
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		 c, min;
	size_t			 n, i;

	if (len == 0)
		return 0;
	c = u[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

size_t
utf8_bad_prefix(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned char		 lo = 0x80, hi = 0xbf;
	size_t			 n, i;

	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		n = 2;
	else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		if (u[0] == 0xe0)
			lo = 0xa0;
		else if (u[0] == 0xed)
			hi = 0x9f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		if (u[0] == 0xf0)
			lo = 0x90;
		else if (u[0] == 0xf4)
			hi = 0x8f;
	} else
		return 1;
	for (i = 1; i < n && i < len; i++) {
		if (u[i] < lo || u[i] > hi)
			break;
		lo = 0x80;
		hi = 0xbf;
	}
	return i < n ? i : 1;
}

int
utf8_valid(const char *s, size_t len)
{
	uint32_t	cp;
	size_t		i, n;

	for (i = 0; i < len; i += n) {
		if ((unsigned char)s[i] < 0x80) {
			n = 1;
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0)
			return 0;
	}
	return 1;
}

/* Counts lead bytes: for valid UTF-8, one per code point. */
size_t
utf8_codepoints(const char *s, size_t len)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Code points above U+FFFF (4-byte sequences) are two UTF-16 units. */
size_t
utf8_utf16_units(const char *s, size_t len)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		if ((c & 0xc0) != 0x80)
			n += c >= 0xf0 ? 2 : 1;
	}
	return n;
}

size_t
utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
