/*
 * query.h: the query string of GET /api/users (users-api.md §1), read as
 * Logto reads it, and the Link header of its answer.
 *
 * Parameters are decoded as WHATWG URLSearchParams decodes them
 * (application/x-www-form-urlencoded parsing: "+" is a space, %XX a
 * byte, invalid UTF-8 becomes U+FFFD).  Keys are matched as Logto's
 * utils/search.ts matches them: a key starting with "mode" sets a match
 * mode, one starting with "search" a search value, "search.<field>" /
 * "mode.<field>" name a field (camelCase snake_cased); page and
 * page_size follow koa-pagination.ts, except that a value that is not a
 * whole number (a fraction, hex, an exponent) is refused.
 */
#ifndef USERCGI_QUERY_H
#define USERCGI_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "store.h"

#define QUERY_MAX_LEN		8192	/* bytes of the raw query string */
#define QUERY_MAX_PARAMS	64	/* name=value pairs */
#define QUERY_MAX_VALUE		1024	/* bytes of one decoded name or value */
#define QUERY_TEXT_MAX		(2 * QUERY_MAX_VALUE + 256)	/* a bad search's text */
#define QUERY_PAGE_MAX		9007199254740991LL	/* 2^53 - 1 */

/*
 * The parsed query.  q's values point into storage owned by the struct
 * (free it with query_users_free); q is ready for store_user_list.
 */
struct query_users {
	struct store_query	 q;
	int			 include_password_hash;
	int			 exclude_role;		/* excludeRoleId given (non-empty) */
	int			 exclude_organization;	/* excludeOrganizationId given */
	char			*store[2 * QUERY_MAX_PARAMS];	/* owned names and values */
	size_t			 nstore;
	const char		*values[STORE_QUERY_MAX_VALUES];
};

/*
 * Parses len bytes of the raw query string qs (QUERY_STRING, without the
 * "?"; not NUL-terminated necessarily) into *out, checking in Logto's
 * order: pagination, excludeRoleId with excludeOrganizationId, joint,
 * then each key in turn (nested field path, match mode), each field's
 * values, each field's name and the case-insensitive SIMILAR TO; then
 * (usercgi) each pattern against re.h.  Returns USERCGI_OK,
 * USERCGI_BAD_PAGINATION, USERCGI_BAD_SEARCH with the text that follows
 * "Input is invalid. " in the body appended to text (for example
 * "Search value cannot be empty."; also for the limits above; text
 * must have room for QUERY_TEXT_MAX bytes, as the text echoes up to two
 * names or values), or USERCGI_NOMEM.  *out is always initialised; free it with
 * query_users_free whatever the result.
 */
enum usercgi_err query_parse_users(const char *qs, size_t len,
	    struct query_users *out, struct buf *text);

void	query_users_free(struct query_users *qu);

/*
 * Appends the value of the Link header (RFC 8288 §3) for page of last
 * pages (last = max(1, ceil(total / page_size))): the entries first,
 * prev (page > 1), last, next (page < last), ", "-separated, each
 * <base_url?query>; rel="...".  The query is the raw request query qs
 * (len bytes) with its page parameter replaced in place, or page=N
 * appended; every other pair is kept as the client wrote it (repeated
 * keys stay repeated), bytes that may not appear in a URI (RFC 3986 §2)
 * percent-encoded.  base_url is the origin and path, trusted.  Returns
 * USERCGI_OK, USERCGI_TOO_LARGE (over out's maximum) or USERCGI_NOMEM.
 */
enum usercgi_err query_link(struct buf *out, const char *base_url,
	    const char *qs, size_t len, int64_t page, int64_t last);

#endif
