/*
 * test_re.c: the bounded pattern engine (re.h): ERE semantics, the
 * escapes, brackets, anchors, case folding, UTF-8, SIMILAR TO, LIKE,
 * every limit, and patterns that take exponential time in a
 * backtracking engine finishing at once on long texts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../lib/re.h"
#include "tap.h"

/* Returns 1/0 for a match, -1 when the pattern does not compile. */
static int
m(const char *pat, unsigned flags, const char *text)
{
	struct re	*re = NULL;
	const char	*why;
	int		 r;

	if (re_compile(pat, strlen(pat), flags, &re, &why) != USERCGI_OK)
		return -1;
	r = re_match(re, text, strlen(text));
	re_free(re);
	return r;
}

static void
t(const char *pat, unsigned flags, const char *text, int want)
{
	char	name[256], *p;

	snprintf(name, sizeof(name), "/%s/%s%s on \"%.40s\" -> %d", pat,
	    flags & RE_ICASE ? "i" : "", flags & RE_SIMILAR ? "s" : "", text,
	    want);
	for (p = name; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
	tap_int(m(pat, flags, text), want, name);
}

/* Returns the reason a pattern is refused, or "" when it compiles. */
static const char *
why(const char *pat, size_t len, unsigned flags)
{
	struct re	*re = NULL;
	const char	*w = NULL;

	if (re_compile(pat, len, flags, &re, &w) == USERCGI_OK) {
		re_free(re);
		return "";
	}
	return w;
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
test_ere(void)
{
	t("lice", 0, "alice", 1);
	t("^lice", 0, "alice", 0);
	t("^al", 0, "alice", 1);
	t("ce$", 0, "alice", 1);
	t("^alice$", 0, "alice", 1);
	t("^alice$", 0, "alice2", 0);
	t("a.c", 0, "abc", 1);
	t("a.c", 0, "a\nc", 1);
	t("a|b", 0, "xbx", 1);
	t("^(a|b)+$", 0, "abba", 1);
	t("^(a|b)+$", 0, "abca", 0);
	t("^ab*c$", 0, "ac", 1);
	t("^ab+c$", 0, "ac", 0);
	t("^ab?c$", 0, "abbc", 0);
	t("^a{2}$", 0, "aa", 1);
	t("^a{2}$", 0, "aaa", 0);
	t("^a{2,}$", 0, "aaaa", 1);
	t("^a{2,3}$", 0, "aaaa", 0);
	t("^a{0,1}b$", 0, "b", 1);
	t("^(ab){2}$", 0, "abab", 1);
	t("^(?:ab)+$", 0, "ababab", 1);
	t("^a*?b$", 0, "aab", 1);
	t("", 0, "anything", 1);
	t("a|", 0, "zzz", 1);
	t("()", 0, "", 1);
	t("^$", 0, "", 1);
	t("^$", 0, "x", 0);
	t("x", 0, "", 0);
}

static void
test_classes(void)
{
	t("^[abc]+$", 0, "cab", 1);
	t("^[a-c]+$", 0, "cad", 0);
	t("^[^a-c]+$", 0, "xyz", 1);
	t("^[^a-c]$", 0, "b", 0);
	t("^[]a]+$", 0, "]a", 1);
	t("^[a-]+$", 0, "a-", 1);
	t("^[[:digit:]]+$", 0, "0123", 1);
	t("^[[:alpha:]]+$", 0, "\xc3\xa4lice", 1);
	t("^[[:upper:]]$", 0, "\xc3\x84", 1);
	t("^\\d+$", 0, "42", 1);
	t("^\\d+$", 0, "4a", 0);
	t("^\\D+$", 0, "ab", 1);
	t("^\\w+$", 0, "a_1\xc3\xa9", 1);
	t("^\\w+$", 0, "a-b", 0);
	t("^\\W$", 0, "-", 1);
	t("a\\sb", 0, "a b", 1);
	t("a\\Sb", 0, "a b", 0);
	t("^[\\d_]+$", 0, "1_2", 1);
	t("\\.", 0, "a.b", 1);
	t("\\.", 0, "ab", 0);
	t("a\\|b", 0, "a|b", 1);
	t("\\t", 0, "a\tb", 1);
}

static void
test_case_utf8(void)
{
	t("ALICE", RE_ICASE, "alice", 1);
	t("ALICE", 0, "alice", 0);
	t("\xc3\x84lice", RE_ICASE, "\xc3\xa4LICE", 1);
	t("^[a-z]+$", RE_ICASE, "ABC", 1);
	t("^[[:lower:]]+$", RE_ICASE, "ABC", 1);
	t("\xce\xa3", RE_ICASE, "\xcf\x83", 1);		/* Σ σ */
	t("^.$", 0, "\xe2\x82\xac", 1);			/* one code point */
	t("^..$", 0, "\xe2\x82\xac", 0);
	t("^.$", 0, "\xf0\x9f\x98\x80", 1);
	t("^a.b$", 0, "a\xff" "b", 1);			/* an invalid byte is one character */
	t("^[^x]$", 0, "\xff", 1);
	t("^\xff$", 0, "\xff", -1);			/* invalid UTF-8 in a pattern */
}

static void
test_similar(void)
{
	t("alice", RE_SIMILAR, "alice", 1);
	t("lic", RE_SIMILAR, "alice", 0);
	t("%lic%", RE_SIMILAR, "alice", 1);
	t("a_ice", RE_SIMILAR, "alice", 1);
	t("a.ice", RE_SIMILAR, "alice", 0);
	t("a.ice", RE_SIMILAR, "a.ice", 1);
	t("(bob|alice)", RE_SIMILAR, "alice", 1);
	t("a(l|x)*ce", RE_SIMILAR, "alllce", 1);
	t("[a-c]+", RE_SIMILAR, "abc", 1);
	t("a{2}", RE_SIMILAR, "aa", 1);
	t("100\\%", RE_SIMILAR, "100%", 1);
	t("100\\%", RE_SIMILAR, "1000", 0);
	t("^a$", RE_SIMILAR, "^a$", 1);
	t("a%", RE_SIMILAR | RE_ICASE, "ALICE", 1);
}

static void
test_limits(void)
{
	char	big[RE_MAX_PATTERN + 2];

	tap_str(why("(ab", 3, 0), "parentheses () not balanced", "( unbalanced");
	tap_str(why("ab)", 3, 0), "parentheses () not balanced", ") unbalanced");
	tap_str(why("[ab", 3, 0), "brackets [] not balanced", "[ unbalanced");
	tap_str(why("*a", 2, 0), "quantifier operand invalid", "leading *");
	tap_str(why("a**", 3, 0), "quantifier operand invalid", "a**");
	tap_str(why("a{1", 3, 0), "braces {} not balanced", "a{1");
	tap_str(why("a{3,2}", 6, 0), "invalid repetition count(s)", "a{3,2}");
	tap_str(why("a{256}", 6, 0), "invalid repetition count(s)", "a{256}");
	tap_str(why("a{255}", 6, 0), "", "a{255} compiles");
	tap_str(why("[z-a]", 5, 0), "invalid character range", "[z-a]");
	tap_str(why("\\1", 2, 0), "invalid escape \\ sequence", "back reference");
	tap_str(why("a\\", 2, 0), "invalid escape \\ sequence", "trailing \\");
	tap_str(why("[[:foo:]]", 9, 0), "invalid character class", "[[:foo:]]");
	tap_str(why("(?=a)", 5, 0), "invalid group", "lookahead");
	tap_str(why("(a{100}){100}", 13, 0), "pattern too complex",
	    "nested counts over the program size");
	tap_str(why("((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))",
	    70, 0), "parentheses nested too deeply", "depth limit");
	memset(big, 'a', sizeof(big));
	tap_str(why(big, RE_MAX_PATTERN + 1, 0), "pattern too long",
	    "pattern length limit");
	tap_str(why(big, RE_MAX_PATTERN, 0), "", "a pattern of the longest length compiles");
	tap_str(why("(((a{15}){15}){15})", 19, 0), "pattern too complex",
	    "15 x 15 x 15 copies are over the program size");
}

/* Patterns that backtracking engines take exponential time on. */
static void
test_catastrophic(void)
{
	char	*text;
	size_t	 n = 100000;
	double	 t0, el;
	int	 r1, r2, r3, r4;

	if ((text = malloc(n + 1)) == NULL)
		abort();
	memset(text, 'a', n);
	text[n] = '\0';
	t0 = now();
	r1 = m("(a*)*b", 0, text);
	r2 = m("(a|aa)*c", 0, text);
	r3 = m("^(a+)+$", 0, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!");
	r4 = m("(x+x+)+y", RE_ICASE, text);
	el = now() - t0;
	tap_int(r1, 0, "(a*)*b on 100000 a: no match");
	tap_int(r2, 0, "(a|aa)*c on 100000 a: no match");
	tap_int(r3, 0, "^(a+)+$ on a...a!: no match");
	tap_int(r4, 0, "(x+x+)+y: no match");
	tap_ok(el < 2.0, "the four finish in under 2 s");
	printf("# catastrophic patterns: %.3f s\n", el);
	free(text);
}

static void
like(const char *pat, const char *text, int want)
{
	char	name[160];

	snprintf(name, sizeof(name), "LIKE '%s' on \"%s\" -> %d", pat, text,
	    want);
	tap_int(re_like_match(pat, strlen(pat), text, strlen(text)), want,
	    name);
}

static void
test_like(void)
{
	char	out[32];
	size_t	n;

	like("tom", "tom", 1);
	like("tom", "tommy", 0);
	like("tom%", "tommy", 1);
	like("%lice%", "alice", 1);
	like("%lice", "alice", 1);
	like("a_ice", "alice", 1);
	like("a_ice", "a\xc3\xa4ice", 1);	/* _ is one character */
	like("a__ice", "a\xc3\xa4ice", 0);
	like("100\\%", "100%", 1);
	like("100\\%", "1000", 0);
	like("a\\_b", "a_b", 1);
	like("a\\_b", "axb", 0);
	like("a\\\\b", "a\\b", 1);
	like("\\a", "a", 1);
	like("%", "", 1);
	like("", "", 1);
	like("", "a", 0);
	like("Tom", "tom", 0);
	like("%a%b%c%", "xaxbxcx", 1);
	like("%a%b%c%", "xaxcxbx", 0);
	tap_int(re_like_valid("abc\\", 4), 0, "a lone trailing backslash is refused");
	tap_int(re_like_valid("abc\\\\", 5), 1, "an escaped backslash is fine");
	tap_int(re_like_valid("a\\%", 3), 1, "an escaped % is fine");
	n = re_like_prefix("ali\\%ce%x", 9, out);
	out[n] = '\0';
	tap_str(out, "ali%ce", "prefix stops at the first wildcard, escapes removed");
	n = re_like_prefix("%lice", 5, out);
	tap_int((long long)n, 0, "no prefix before a leading %");
	n = re_like_prefix("bo_b", 4, out);
	tap_int((long long)n, 2, "prefix stops at _");
	{
		char	*text = malloc(20001), *pat = "%a%a%a%a%a%a%a%a%a%b";
		double	 t0 = now();

		if (text == NULL)
			abort();
		memset(text, 'a', 20000);
		text[20000] = '\0';
		tap_int(re_like_match(pat, strlen(pat), text, 20000), 0,
		    "many % on a long text: no match");
		tap_ok(now() - t0 < 1.0, "... in under 1 s");
		free(text);
	}
}

int
main(void)
{
	test_ere();
	test_classes();
	test_case_utf8();
	test_similar();
	test_limits();
	test_catastrophic();
	test_like();
	return tap_done();
}
