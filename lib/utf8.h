/*
 * utf8.h: UTF-8 helpers with explicit lengths.
 */
#ifndef USERCGI_UTF8_H
#define USERCGI_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Returns 1 if s[0..len) is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
int	utf8_valid(const char *s, size_t len);
/* Code points in valid UTF-8 (what PostgreSQL's varchar(n) counts). */
size_t	utf8_codepoints(const char *s, size_t len);
/* UTF-16 code units in valid UTF-8 (what JavaScript's .length counts). */
size_t	utf8_utf16_units(const char *s, size_t len);
/*
 * Decodes one code point of valid UTF-8 at s (at most len bytes); returns
 * the number of bytes used (1..4) and sets *cp, or 0 on malformed input.
 */
size_t	utf8_decode(const char *s, size_t len, uint32_t *cp);

/*
 * For len >= 1 bytes at s that do not start a well-formed sequence
 * (utf8_decode returned 0): returns the length, 1..3, of the maximal
 * subpart there (Unicode §3.9 D93b), which a decoder replaces with one
 * U+FFFD (WHATWG Encoding §4.1, JavaScript's TextDecoder).
 */
size_t	utf8_bad_prefix(const char *s, size_t len);

/*
 * Encodes code point cp (a Unicode scalar value: not a surrogate, at most
 * U+10FFFF) as UTF-8 (RFC 3629 §3) into out; returns the byte count, 1..4.
 */
size_t	utf8_encode(uint32_t cp, char out[4]);

/*
 * Unicode simple case mappings (glibc's C.UTF-8 towlower/towupper): the
 * code point itself when it has none or the locale is unavailable.
 */
uint32_t utf8_tolower(uint32_t cp);
uint32_t utf8_toupper(uint32_t cp);

/*
 * Returns a NUL-terminated copy of s[0..len) with every code point
 * lowercased by utf8_tolower (bytes that are not valid UTF-8 copied as
 * they are), caller frees; NULL on allocation failure.
 */
char	*utf8_lower_dup(const char *s, size_t len);

/* Character classes of POSIX brackets ([:alpha:] ...) in C.UTF-8. */
enum utf8_class {
	UTF8_ALNUM, UTF8_ALPHA, UTF8_BLANK, UTF8_CNTRL, UTF8_DIGIT,
	UTF8_GRAPH, UTF8_LOWER, UTF8_PRINT, UTF8_PUNCT, UTF8_SPACE,
	UTF8_UPPER, UTF8_XDIGIT, UTF8_WORD	/* alnum or "_" */
};

/* Returns 1 when code point cp is in class c, else 0. */
int	utf8_is(uint32_t cp, enum utf8_class c);

/* Value of the hexadecimal digit c (either case), or -1. */
int	hex_value(int c);

#endif
