/*
 * fuzz_query.c: the GET /api/users query string (query.c).  Input: the
 * raw query string.  Besides not crashing or leaking: a failure comes
 * with a text (a search error) or none (pagination); a success gives a
 * query the store accepts (page and page_size in range, every group
 * with values, one value unless exact, valid UTF-8, within the limits);
 * the Link header of that page builds and holds no CR, LF, space, < or
 * > inside its URLs.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "query.h"
#include "utf8.h"
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
	struct query_users	 qu;
	struct buf		 text, link;
	enum usercgi_err	 err;
	const char		*l;
	size_t			 i, j, nv = 0;

	if (size > QUERY_MAX_LEN + 16)
		return 0;
	buf_init(&text, QUERY_TEXT_MAX);
	buf_init(&link, 65536);
	err = query_parse_users((const char *)data, size, &qu, &text);
	FUZZ_ASSERT(err == USERCGI_OK || err == USERCGI_BAD_SEARCH ||
	    err == USERCGI_BAD_PAGINATION);
	FUZZ_ASSERT((err == USERCGI_BAD_SEARCH) == (text.len > 0));
	if (err == USERCGI_OK) {
		FUZZ_ASSERT(qu.q.page >= 1 && qu.q.page <= QUERY_PAGE_MAX);
		FUZZ_ASSERT(qu.q.page_size >= 1 &&
		    qu.q.page_size <= STORE_PAGE_SIZE_MAX);
		FUZZ_ASSERT(qu.q.ngroups <= STORE_QUERY_MAX_GROUPS);
		for (i = 0; i < qu.q.ngroups; i++) {
			const struct store_qgroup *g = &qu.q.groups[i];

			FUZZ_ASSERT(g->nvalues >= 1);
			FUZZ_ASSERT(g->mode == STORE_QM_EXACT || g->nvalues == 1);
			FUZZ_ASSERT(g->mode != STORE_QM_SIMILAR_TO ||
			    qu.q.case_sensitive);
			for (j = 0; j < g->nvalues; j++) {
				FUZZ_ASSERT(g->values[j][0] != '\0');
				FUZZ_ASSERT(utf8_valid(g->values[j],
				    strlen(g->values[j])));
				nv++;
			}
		}
		FUZZ_ASSERT(nv <= STORE_QUERY_MAX_VALUES);
		FUZZ_ASSERT(query_link(&link, "https://h/api/users",
		    (const char *)data, size, qu.q.page, qu.q.page + 1) ==
		    USERCGI_OK);
		for (l = buf_str(&link); *l != '\0'; l++) {
			if (*l == '<') {
				for (l++; *l != '>' && *l != '\0'; l++)
					FUZZ_ASSERT(*l != '\r' && *l != '\n' &&
					    *l != ' ' && *l != '<' && *l != '"');
				FUZZ_ASSERT(*l == '>');
			}
		}
	}
	query_users_free(&qu);
	buf_free(&text);
	buf_free(&link);
	return 0;
}
