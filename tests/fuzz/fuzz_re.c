/*
 * fuzz_re.c: the bounded pattern engine (re.c).  Input: a flags byte,
 * then the pattern and a text separated by the first NUL (the whole rest
 * is the pattern when there is none; the text is then the pattern
 * itself).  Invariants: a refused pattern has a reason; a match answers
 * 0 or 1 and the same twice; LIKE answers 0 or 1, and a pattern the
 * engine calls valid has a prefix that every matching text starts with.
 * The engine's own
 * limits keep each input fast (run.sh's per-input timeout catches a
 * runaway).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "re.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct re	*re = NULL;
	const char	*pat, *text, *why = NULL, *nul;
	char		*pre;
	size_t		 plen, tlen, n;
	unsigned	 flags;
	int		 r1, r2;

	if (size < 1 || size > 4096)
		return 0;
	flags = data[0] & (RE_ICASE | RE_SIMILAR);
	pat = (const char *)data + 1;
	if ((nul = memchr(pat, '\0', size - 1)) != NULL) {
		plen = (size_t)(nul - pat);
		text = nul + 1;
		tlen = size - 1 - plen - 1;
	} else {
		plen = size - 1;
		text = pat;
		tlen = plen;
	}
	if (re_compile(pat, plen, flags, &re, &why) == USERCGI_OK) {
		r1 = re_match(re, text, tlen);
		r2 = re_match(re, text, tlen);
		FUZZ_ASSERT((r1 == 0 || r1 == 1) && r1 == r2);
		re_free(re);
	} else
		FUZZ_ASSERT(why != NULL && why[0] != '\0');
	r1 = re_like_match(pat, plen, text, tlen);
	FUZZ_ASSERT(r1 == 0 || r1 == 1);
	if (re_like_valid(pat, plen)) {
		pre = malloc(plen + 1);
		FUZZ_ASSERT(pre != NULL);
		n = re_like_prefix(pat, plen, pre);
		FUZZ_ASSERT(n <= plen);
		if (r1 == 1)
			FUZZ_ASSERT(tlen >= n && memcmp(text, pre, n) == 0);
		free(pre);
	}
	return 0;
}
