/*
 * test_query.c: the GET /api/users query string (query.h): decoding as
 * URLSearchParams, pagination, Logto's prefix keys and snake_cased
 * fields, every request.invalid_input text and its precedence, the
 * limits, and the Link header.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "../../lib/query.c"
#include "tap.h"

/* Parses qs; returns the result and leaves the text in a static buffer. */
static enum usercgi_err
parse(const char *qs, struct query_users *qu, const char **text)
{
	static char		 saved[2048];
	struct buf		 t;
	enum usercgi_err	 err;

	buf_init(&t, 1024);
	err = query_parse_users(qs, strlen(qs), qu, &t);
	snprintf(saved, sizeof(saved), "%s", buf_str(&t));
	buf_free(&t);
	*text = saved;
	return err;
}

/* Asserts that qs fails with err and text. */
static void
fails(const char *qs, enum usercgi_err want, const char *wtext)
{
	struct query_users	 qu;
	const char		*text;
	char			 name[300];
	enum usercgi_err	 err;

	err = parse(qs, &qu, &text);
	snprintf(name, sizeof(name), "%s -> %s", qs, usercgi_errname(want));
	tap_int(err, want, name);
	if (wtext != NULL)
		tap_str(text, wtext, "... with its text");
	query_users_free(&qu);
}

static void
test_pagination(void)
{
	struct query_users	 qu;
	const char		*text;

	tap_int(parse("", &qu, &text), USERCGI_OK, "empty query");
	tap_int(qu.q.page, 1, "page defaults to 1");
	tap_int(qu.q.page_size, 20, "page_size defaults to 20");
	tap_int((long long)qu.q.ngroups, 0, "no search");
	query_users_free(&qu);
	tap_int(parse("page=3&page_size=100", &qu, &text), USERCGI_OK,
	    "page=3&page_size=100");
	tap_int(qu.q.page, 3, "page 3");
	tap_int(qu.q.page_size, 100, "page_size 100");
	query_users_free(&qu);
	tap_int(parse("page=&page_size=", &qu, &text), USERCGI_OK,
	    "empty values are the defaults");
	tap_int(qu.q.page, 1, "... page 1");
	query_users_free(&qu);
	tap_int(parse("page=%2B2&page_size=+5+", &qu, &text), USERCGI_OK,
	    "+2 and white space as Number() reads them");
	tap_int(qu.q.page, 2, "... page 2");
	tap_int(qu.q.page_size, 5, "... page_size 5");
	query_users_free(&qu);
	tap_int(parse("page=2.0", &qu, &text), USERCGI_OK, "2.0 is 2");
	query_users_free(&qu);
	fails("page=0", USERCGI_BAD_PAGINATION, "");
	fails("page=-1", USERCGI_BAD_PAGINATION, NULL);
	fails("page=abc", USERCGI_BAD_PAGINATION, NULL);
	fails("page=1.5", USERCGI_BAD_PAGINATION, NULL);
	fails("page_size=0.5", USERCGI_BAD_PAGINATION, NULL);
	fails("page_size=101", USERCGI_BAD_PAGINATION, NULL);
	fails("page_size=0", USERCGI_BAD_PAGINATION, NULL);
	fails("page=1&page=2", USERCGI_BAD_PAGINATION, NULL);
	fails("page=1&page=", USERCGI_BAD_PAGINATION, NULL);
	fails("page_size=5&page_size=5", USERCGI_BAD_PAGINATION, NULL);
	fails("page=0x10", USERCGI_BAD_PAGINATION, NULL);
	fails("page=1e2", USERCGI_BAD_PAGINATION, NULL);
	fails("page=%20", USERCGI_BAD_PAGINATION, NULL);
	fails("page=9007199254740992", USERCGI_BAD_PAGINATION, NULL);
	tap_int(parse("page=9007199254740991", &qu, &text), USERCGI_OK,
	    "page 2^53-1 is accepted");
	query_users_free(&qu);
	/* Pagination is checked before the search. */
	fails("joint=x&page=0", USERCGI_BAD_PAGINATION, NULL);
}

static void
test_search(void)
{
	struct query_users	 qu;
	const char		*text;

	tap_int(parse("search=alice%25", &qu, &text), USERCGI_OK, "search=alice%");
	tap_int((long long)qu.q.ngroups, 1, "one group");
	tap_int(qu.q.groups[0].field, STORE_QF_ALL, "the general search");
	tap_int(qu.q.groups[0].mode, STORE_QM_LIKE, "like by default");
	tap_str(qu.q.groups[0].values[0], "alice%", "value decoded");
	tap_int(qu.q.case_sensitive, 0, "case-insensitive by default");
	tap_int(qu.q.joint_and, 0, "or by default");
	query_users_free(&qu);

	tap_int(parse("search.primaryEmail=a%40b.c&mode.primaryEmail=exact"
	    "&search.primaryEmail=x%40y.z", &qu, &text), USERCGI_OK,
	    "two exact values for primaryEmail");
	tap_int(qu.q.groups[0].field, STORE_QF_EMAIL, "camelCase is snake_cased");
	tap_int(qu.q.groups[0].mode, STORE_QM_EXACT, "mode.<field> applies");
	tap_int((long long)qu.q.groups[0].nvalues, 2, "both values");
	tap_str(qu.q.groups[0].values[1], "x@y.z", "second value");
	query_users_free(&qu);

	tap_int(parse("searchTerm=bob&modeX=exact&jointMode=and&isCaseSensitive=YES"
	    "&includePasswordHash=Yeah", &qu, &text), USERCGI_OK,
	    "prefix keys as Logto matches them");
	tap_int(qu.q.groups[0].field, STORE_QF_ALL, "searchTerm is the bare search");
	tap_int(qu.q.groups[0].mode, STORE_QM_EXACT, "modeX is the bare mode");
	tap_int(qu.q.joint_and, 1, "jointMode=and");
	tap_int(qu.q.case_sensitive, 1, "isCaseSensitive=YES");
	tap_int(qu.include_password_hash, 1, "includePasswordHash=Yeah");
	query_users_free(&qu);

	tap_int(parse("joint=or&jointMode=and&search.username=a+b&mode=posix"
	    "&mode.username=like", &qu, &text), USERCGI_OK,
	    "joint beats jointMode, mode.<field> beats mode");
	tap_int(qu.q.joint_and, 0, "joint=or wins");
	tap_int(qu.q.groups[0].mode, STORE_QM_LIKE, "mode.username wins");
	tap_str(qu.q.groups[0].values[0], "a b", "+ is a space");
	query_users_free(&qu);

	tap_int(parse("search.primary_email=a&mode.primaryEmail=exact", &qu,
	    &text), USERCGI_OK, "modes match the field as written");
	tap_int(qu.q.groups[0].mode, STORE_QM_LIKE,
	    "mode.primaryEmail does not apply to search.primary_email");
	query_users_free(&qu);

	tap_int(parse("search.ID=x&search.Primary-Phone=1&search.USERNAME=u"
	    "&search.name=n&search.primaryPHONE=2", &qu, &text), USERCGI_OK,
	    "snake_casing of odd spellings");
	tap_int(qu.q.groups[0].field, STORE_QF_ID, "ID is id");
	tap_int(qu.q.groups[1].field, STORE_QF_PHONE, "Primary-Phone is primary_phone");
	tap_int(qu.q.groups[2].field, STORE_QF_USERNAME, "USERNAME");
	tap_int(qu.q.groups[4].field, STORE_QF_PHONE, "primaryPHONE");
	query_users_free(&qu);

	tap_int(parse("search=%E4%ff&isCaseSensitive=0", &qu, &text),
	    USERCGI_OK, "invalid UTF-8 decodes");
	tap_str(qu.q.groups[0].values[0], "\xef\xbf\xbd\xef\xbf\xbd",
	    "... to U+FFFD per maximal subpart");
	tap_int(qu.q.case_sensitive, 0, "isCaseSensitive=0 is false");
	query_users_free(&qu);
	tap_int(parse("search=%F0%9F%98&search.name=%E2%82%AC%", &qu, &text),
	    USERCGI_OK, "a truncated sequence, a lone %");
	tap_str(qu.q.groups[0].values[0], "\xef\xbf\xbd",
	    "one U+FFFD for a truncated 4-byte sequence");
	tap_str(qu.q.groups[1].values[0], "\xe2\x82\xac%", "% kept");
	query_users_free(&qu);

	tap_int(parse("excludeRoleId=r1&search=x", &qu, &text), USERCGI_OK,
	    "excludeRoleId alone is accepted");
	tap_int(qu.exclude_role, 1, "... and noted");
	query_users_free(&qu);
	tap_int(parse("search=%5Cd%2B&mode=posix", &qu, &text), USERCGI_OK,
	    "a regular expression");
	query_users_free(&qu);
}

static void
test_errors(void)
{
	fails("excludeRoleId=a&excludeOrganizationId=b", USERCGI_BAD_SEARCH,
	    "Parameter `excludeRoleId` and `excludeOrganizationId` cannot be"
	    " used at the same time.");
	fails("excludeRoleId=a&excludeOrganizationId=", USERCGI_OK, NULL);
	fails("joint=xor", USERCGI_BAD_SEARCH,
	    "Search joint mode `xor` is not valid, expect one of or, and.");
	fails("joint=&jointMode=xor", USERCGI_OK, NULL);
	fails("jointMode=AND", USERCGI_BAD_SEARCH,
	    "Search joint mode `AND` is not valid, expect one of or, and.");
	fails("mode.primaryEmail=regex", USERCGI_BAD_SEARCH,
	    "Search match mode `regex` for field `primaryEmail` is not valid,"
	    " expect one of exact, like, similar_to, posix.");
	fails("mode=Exact", USERCGI_BAD_SEARCH,
	    "Search match mode `Exact` is not valid, expect one of exact,"
	    " like, similar_to, posix.");
	fails("mode.=x", USERCGI_BAD_SEARCH,
	    "Search match mode `x` is not valid, expect one of exact,"
	    " like, similar_to, posix.");
	fails("search.a.b=1", USERCGI_BAD_SEARCH,
	    "Unsupported nested search field path `a.b` detected. Only the"
	    " first level field is supported.");
	fails("mode.a.b=nope", USERCGI_BAD_SEARCH,
	    "Unsupported nested search field path `a.b` detected. Only the"
	    " first level field is supported.");
	fails("search=", USERCGI_BAD_SEARCH, "Search value cannot be empty.");
	fails("search.id=a&search.id=&mode=exact", USERCGI_BAD_SEARCH,
	    "Search value cannot be empty.");
	fails("search.id=a&search.id=b", USERCGI_BAD_SEARCH,
	    "Only one search value is allowed when search mode is not `exact`.");
	fails("search.id=&search.id=", USERCGI_BAD_SEARCH,
	    "Only one search value is allowed when search mode is not `exact`.");
	fails("search.email=a", USERCGI_BAD_SEARCH,
	    "Search field `email` is not valid, expect one of id, primary_email,"
	    " primary_phone, username, name.");
	fails("search.userName=a", USERCGI_BAD_SEARCH,
	    "Search field `user_name` is not valid, expect one of id,"
	    " primary_email, primary_phone, username, name.");
	fails("search=a&mode=similar_to", USERCGI_BAD_SEARCH,
	    "Cannot use case-insensitive match for `similar to`.");
	fails("search=a&mode=similar_to&isCaseSensitive=true", USERCGI_OK, NULL);
	fails("search=a%5C", USERCGI_BAD_SEARCH,
	    "LIKE pattern must not end with escape character.");
	fails("search=a%5C%5C", USERCGI_OK, NULL);
	fails("search=(a&mode=posix", USERCGI_BAD_SEARCH,
	    "Invalid regular expression: parentheses () not balanced.");
	fails("search=a%7B300%7D&mode=posix", USERCGI_BAD_SEARCH,
	    "Invalid regular expression: invalid repetition count(s).");
	fails("search=(a&mode=similar_to&isCaseSensitive=1", USERCGI_BAD_SEARCH,
	    "Invalid SIMILAR TO pattern: parentheses () not balanced.");
	fails("search=a%00b", USERCGI_BAD_SEARCH,
	    "A search value cannot contain U+0000.");

	/* Precedence: the earlier check wins. */
	fails("excludeRoleId=a&excludeOrganizationId=b&joint=x",
	    USERCGI_BAD_SEARCH, "Parameter `excludeRoleId` and"
	    " `excludeOrganizationId` cannot be used at the same time.");
	fails("mode=bad&joint=x", USERCGI_BAD_SEARCH,
	    "Search joint mode `x` is not valid, expect one of or, and.");
	fails("search.a.b=1&mode=bad", USERCGI_BAD_SEARCH,
	    "Unsupported nested search field path `a.b` detected. Only the"
	    " first level field is supported.");
	fails("mode=bad&search.a.b=1", USERCGI_BAD_SEARCH,
	    "Search match mode `bad` is not valid, expect one of exact, like,"
	    " similar_to, posix.");
	fails("search.email=a&search=", USERCGI_BAD_SEARCH,
	    "Search value cannot be empty.");
	fails("search.email=a&search.id=x&search.id=y", USERCGI_BAD_SEARCH,
	    "Only one search value is allowed when search mode is not `exact`.");
	fails("search=a&mode=similar_to&search.email=b", USERCGI_BAD_SEARCH,
	    "Cannot use case-insensitive match for `similar to`.");
	fails("search.email=b&search=a&mode=similar_to", USERCGI_BAD_SEARCH,
	    "Search field `email` is not valid, expect one of id, primary_email,"
	    " primary_phone, username, name.");
	fails("search=a%5C&search.email=b", USERCGI_BAD_SEARCH,
	    "Search field `email` is not valid, expect one of id, primary_email,"
	    " primary_phone, username, name.");
}

static void
test_limits(void)
{
	char	q[QUERY_MAX_LEN + 64];
	size_t	i, n = 0;

	for (i = 0; i <= QUERY_MAX_PARAMS; i++)
		n += (size_t)snprintf(q + n, sizeof(q) - n, "a%zu=1&", i);
	fails(q, USERCGI_BAD_SEARCH, "Too many query parameters.");
	memset(q, 'x', QUERY_MAX_LEN + 1);
	q[QUERY_MAX_LEN + 1] = '\0';
	fails(q, USERCGI_BAD_SEARCH, "The query string is too long.");
	memcpy(q, "search=", 7);
	memset(q + 7, 'x', QUERY_MAX_VALUE + 1);
	q[7 + QUERY_MAX_VALUE + 1] = '\0';
	fails(q, USERCGI_BAD_SEARCH, "A query parameter is too long.");
	for (i = 0, n = 0; i < STORE_QUERY_MAX_GROUPS + 1; i++)
		n += (size_t)snprintf(q + n, sizeof(q) - n, "search.%s%zu=1&",
		    "id", i);
	fails(q, USERCGI_BAD_SEARCH, NULL);
	for (i = 0, n = 0; i < STORE_QUERY_MAX_GROUPS + 1; i++)
		n += (size_t)snprintf(q + n, sizeof(q) - n, "search.%s=1&",
		    i % 2 ? "ID" : "id_");
	snprintf(q + n, sizeof(q) - n, "mode=exact");
	fails(q, USERCGI_OK, NULL);
	n = (size_t)snprintf(q, sizeof(q), "mode=exact");
	for (i = 0; i < STORE_QUERY_MAX_VALUES + 1; i++)
		n += (size_t)snprintf(q + n, sizeof(q) - n, "&search=v%zu", i);
	fails(q, USERCGI_BAD_SEARCH, "Too many search values.");
}

static void
link(const char *qs, int64_t page, int64_t last, const char *want)
{
	struct buf	b;
	char		name[200], *p;

	buf_init(&b, 4096);
	snprintf(name, sizeof(name), "Link for \"%s\" page %lld of %lld", qs,
	    (long long)page, (long long)last);
	for (p = name; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
	tap_int(query_link(&b, "https://h.example/api/users", qs, strlen(qs),
	    page, last), USERCGI_OK, name);
	tap_str(buf_str(&b), want, "... value");
	buf_free(&b);
}

static void
test_link(void)
{
	struct buf	b;

	link("", 1, 1,
	    "<https://h.example/api/users?page=1>; rel=\"first\", "
	    "<https://h.example/api/users?page=1>; rel=\"last\"");
	link("page=2&page_size=5", 2, 4,
	    "<https://h.example/api/users?page=1&page_size=5>; rel=\"first\", "
	    "<https://h.example/api/users?page=1&page_size=5>; rel=\"prev\", "
	    "<https://h.example/api/users?page=4&page_size=5>; rel=\"last\", "
	    "<https://h.example/api/users?page=3&page_size=5>; rel=\"next\"");
	link("search.id=a&search.id=b&mode=exact", 1, 2,
	    "<https://h.example/api/users?search.id=a&search.id=b&mode=exact&page=1>;"
	    " rel=\"first\", "
	    "<https://h.example/api/users?search.id=a&search.id=b&mode=exact&page=2>;"
	    " rel=\"last\", "
	    "<https://h.example/api/users?search.id=a&search.id=b&mode=exact&page=2>;"
	    " rel=\"next\"");
	link("a=%3E&pa%67e=3&b=<x\r\n>", 3, 3,
	    "<https://h.example/api/users?a=%3E&page=1&b=%3Cx%0D%0A%3E>; rel=\"first\", "
	    "<https://h.example/api/users?a=%3E&page=2&b=%3Cx%0D%0A%3E>; rel=\"prev\", "
	    "<https://h.example/api/users?a=%3E&page=3&b=%3Cx%0D%0A%3E>; rel=\"last\"");
	link("q=100%&x", 1, 1,
	    "<https://h.example/api/users?q=100%25&x&page=1>; rel=\"first\", "
	    "<https://h.example/api/users?q=100%25&x&page=1>; rel=\"last\"");
	buf_init(&b, 10);
	tap_int(query_link(&b, "https://h.example/api/users", "", 0, 1, 1),
	    USERCGI_TOO_LARGE, "Link over the buffer's maximum");
	buf_free(&b);
}

int
main(void)
{
	test_pagination();
	test_search();
	test_errors();
	test_limits();
	test_link();
	return tap_done();
}
