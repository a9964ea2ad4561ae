/*
 * re.h: bounded pattern matching for searches: regular expressions
 * (POSIX ERE plus \d \w \s \D \W \S), SQL SIMILAR TO and SQL LIKE.
 *
 * Regular expressions and SIMILAR TO compile to a program for a Thompson
 * NFA simulation (no backtracking): a match takes time O(program size x
 * text length) and memory O(program size), whatever the pattern.  The
 * pattern length, the program size and every {m,n} bound have hard
 * maxima; a pattern over them does not compile.  Text and patterns are
 * UTF-8; a byte that is not part of a valid sequence is a character of
 * its own that only "." and negated classes match.  Case-insensitive
 * matching compares Unicode simple case mappings (lowercase and
 * uppercase) of each character.
 */
#ifndef USERCGI_RE_H
#define USERCGI_RE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define RE_MAX_PATTERN	512	/* bytes */
#define RE_MAX_PROG	2048	/* instructions */
#define RE_MAX_REPEAT	255	/* largest m or n of {m,n} (POSIX RE_DUP_MAX) */
#define RE_MAX_DEPTH	32	/* nested parentheses */

#define RE_ICASE	0x1	/* case-insensitive */
#define RE_SIMILAR	0x2	/* SQL SIMILAR TO syntax, the whole text must match */

struct re;

/*
 * Compiles len bytes at pat.  Returns USERCGI_OK with *out set (free
 * with re_free), USERCGI_BAD_PATTERN with a short English reason in
 * why (static storage, e.g. "parentheses () not balanced"), or
 * USERCGI_NOMEM.
 */
enum usercgi_err re_compile(const char *pat, size_t len, unsigned flags,
	    struct re **out, const char **why);
void	re_free(struct re *re);

/*
 * Returns 1 when re matches text (len bytes): anywhere in it for a
 * regular expression (use ^ and $ to anchor), the whole of it for
 * SIMILAR TO; 0 otherwise.  re is not changed (one re may serve
 * several threads).
 */
int	re_match(const struct re *re, const char *text, size_t len);

/*
 * SQL LIKE as PostgreSQL reads it: "%" any run of characters, "_" one
 * character, "\" makes the next character literal; nothing else is
 * special and the whole text must match.  Case-sensitive (compare
 * lowercased copies for ILIKE).  re_like_valid returns 0 for a pattern
 * that ends in a lone "\" (PostgreSQL: "LIKE pattern must not end with
 * escape character"), else 1.  re_like_match returns 1 on a match;
 * time O(pattern x text).
 */
int	re_like_valid(const char *pat, size_t len);
int	re_like_match(const char *pat, size_t plen, const char *text,
	    size_t tlen);

/*
 * The literal prefix of a valid LIKE pattern: the bytes every matching
 * text starts with, escapes removed, copied to out (at most len bytes,
 * which is always enough).  Returns its length.
 */
size_t	re_like_prefix(const char *pat, size_t len, char *out);

#endif
