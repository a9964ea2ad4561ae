/*
 * zod.h: zod-compatible validation issues, as Logto's koaGuard reports
 * them in a 400 guard.invalid_input body (create-user.md §2.3).
 *
 * A validator walks a parsed JSON body in its schema's member order and
 * reports each problem here.  An issue is zod's object with zod's own
 * key order (makeIssue puts the issue data first, then "path", then
 * "message" unless the data had one); every issue also gets its line of
 * "details" as Logto's formatZodError writes it.  Write failures are
 * remembered (the first one wins) so a validator can go on and check
 * z->err once at the end.
 */
#ifndef USERCGI_ZOD_H
#define USERCGI_ZOD_H

#include <stddef.h>
#include <json-c/json.h>

#include "buf.h"
#include "err.h"

#define ZOD_PATH_MAX	3	/* "profile", "address", member */

/* A zod issue path: up to ZOD_PATH_MAX member names. */
struct zod_path {
	const char	*k[ZOD_PATH_MAX];
	int		 n;
};

struct zod {
	struct buf	 iss;		/* issues, comma separated */
	struct buf	*details;	/* lines joined by '\n'; the caller's */
	int		 nissues;
	int		 cut;		/* details reached its maximum */
	enum usercgi_err err;		/* first write failure */
};

/*
 * Starts a validation whose issues will go to data (its maximum bounds
 * them: USERCGI_TOO_LARGE past it) and whose details lines go to
 * details, cut at its maximum (at a code point, ending in U+2026), never
 * an error.
 */
void	zod_init(struct zod *z, const struct buf *data, struct buf *details);

/*
 * Ends a validation.  With issues, appends zod's error object
 * {"issues":[...],"name":"ZodError"} to data and returns USERCGI_GUARD;
 * without, returns USERCGI_OK; or the first write failure
 * (USERCGI_NOMEM, USERCGI_TOO_LARGE).  Frees the issue list either way.
 */
enum usercgi_err zod_finish(struct zod *z, struct buf *data);

/* Remembers rc if it is the first failure; returns whether all is still OK. */
int	zod_ok(struct zod *z, enum usercgi_err rc);

/* Paths of one and two members (the strings are borrowed). */
struct zod_path zod_path1(const char *a);
struct zod_path zod_path2(const char *a, const char *b);

/* zod's getParsedType name of a json-c value ("null" for NULL). */
const char *zod_type_name(struct json_object *v);

/*
 * The building blocks, for issues with data of their own: zod_begin
 * puts the separating comma before a new issue in b (z->iss, or a union
 * member's list), zod_path_json appends the path array, zod_detail
 * counts the issue and appends its details line
 * Error in key path "<a.b>": (<code>) <text>.
 */
void	zod_begin(struct zod *z, struct buf *b);
void	zod_path_json(struct zod *z, struct buf *b, const struct zod_path *p);
void	zod_detail(struct zod *z, const struct zod_path *p, const char *code,
	    const char *text);

/*
 * invalid_type: {"code":"invalid_type","expected":E,"received":R,
 * "path":P,"message":M}.  received is zod's type name; "undefined" (a
 * missing required member) makes M "Required".
 */
void	zod_invalid_type(struct zod *z, const struct zod_path *p,
	    const char *expected, const char *received);

/* regex / url: {"validation":V,"code":"invalid_string","message":M,"path":P} */
void	zod_invalid_string(struct zod *z, const struct zod_path *p,
	    const char *validation, const char *message);

/* too_small (big 0: "at least") or too_big (big 1: "at most") on a string. */
void	zod_size(struct zod *z, const struct zod_path *p, int big, int limit);

/*
 * usercgi differs: a NUL character cannot be stored in a text column
 * (Logto's PostgreSQL fails with a 500); refused as a zod custom issue.
 */
void	zod_nul(struct zod *z, const struct zod_path *p);

/*
 * X.or(literal('')) given a value v that is not of X's type (expected):
 * zod's invalid_union whose members are X's invalid_type and the
 * literal's invalid_literal.  (A string that fails X's own check is
 * not a union error: zod returns the first "dirty" member, so that
 * member's issue is reported alone.)
 */
void	zod_union_literal(struct zod *z, const struct zod_path *p,
	    const char *expected, struct json_object *v);

/* Copies n bytes at s into *dst (NUL-terminated) unless a failure happened. */
void	zod_dup(struct zod *z, char **dst, const char *s, size_t n);

#endif
