/*
 * user.h: the create-user request (validation) and the user object
 * (rendering), per shared/spec/create-user.md.
 */
#ifndef USERCGI_USER_H
#define USERCGI_USER_H

#include <stddef.h>
#include <json-c/json.h>

#include "buf.h"
#include "err.h"

struct store_user;
struct zod;

/*
 * A validated create-user body.  Every string is NUL-terminated valid
 * UTF-8 owned by the struct, or NULL when the field is absent (or, for
 * name and avatar, when it is "" or null: stored as NULL).
 */
struct user_input {
	char	*username;
	char	*primary_email;
	char	*primary_phone;	/* digits as given; phone.h normalises */
	char	*name;
	char	*avatar;
	char	*password;	/* wiped by user_input_free */
	size_t	 password_len;
	char	*password_digest;	/* NULL when absent or "" */
	char	*password_algorithm;	/* one of the enum, or NULL */
	char	*custom_data_json;	/* compact JSON object text, or NULL */
	char	*profile_json;	/* compact, known members in schema order, or NULL */
};

/*
 * Validates body (the parsed JSON, any type) against §1 and performs the
 * checks 3, 4 and 5 of §2.  Returns USERCGI_OK with *in filled, or
 * USERCGI_GUARD with the zod "data" object appended to data (JSON text)
 * and the "details" text appended to details, or USERCGI_PW_AND_DIGEST,
 * USERCGI_PW_ALG_REQUIRED, USERCGI_NOMEM.  data's maximum bounds the
 * issues too (USERCGI_TOO_LARGE past it); details is cut at its maximum
 * (at a code point, ending in U+2026), never an error.  *in is always safe to pass to
 * user_input_free afterwards.
 */
enum usercgi_err user_parse_create(struct json_object *body,
	    struct user_input *in, struct buf *data, struct buf *details);
void	user_input_free(struct user_input *in);

/*
 * Validates the body of POST /api/users/{id}/password/verify: an object
 * whose "password" is a string of at least one character.  Returns
 * USERCGI_OK with *pw (caller wipes and frees) and *pwlen, or
 * USERCGI_GUARD with the zod data and details appended as for
 * user_parse_create, or USERCGI_NOMEM.
 */
enum usercgi_err user_parse_password(struct json_object *body, char **pw,
	    size_t *pwlen, struct buf *data, struct buf *details);

/*
 * Check 11 of §2: column limits in code points (username, primaryEmail,
 * primaryPhone, name 128; avatar 2048).  Returns USERCGI_OK or
 * USERCGI_VALUE_TOO_LONG with *limit set to the column's limit.
 */
enum usercgi_err user_check_lengths(const struct user_input *in, int *limit);

/*
 * The identifier regexes of Logto's core-kit, as JavaScript runs them
 * (create-user.md §1) on len bytes of valid UTF-8: phoneRegEx /^\d+$/,
 * usernameRegEx /^[A-Z_a-z]\w*$/, emailRegEx /^\S+@\S+\.\S+$/.  Each
 * returns 1 on a match.
 */
int	user_re_phone(const char *s, size_t len);
int	user_re_username(const char *s, size_t len);
int	user_re_email(const char *s, size_t len);

/*
 * The profile's members in schema order, NULL-terminated (the store's
 * profile merge lists them in this order).
 */
#define USER_PROFILE_NKEYS	12
extern const char *const user_profile_keys[USER_PROFILE_NKEYS + 1];

/*
 * The profile member of a body (POST, PATCH): validates the object prof
 * (any JSON value) at path ["profile"] and appends the known members, in
 * schema order, as compact JSON to out.  Issues go to z.
 */
void	user_profile_filter(struct zod *z, struct json_object *prof,
	    struct buf *out);

/*
 * Appends the user object of §5 to out (keys in the contract's order).
 * With include_hash, passwordDigest and passwordAlgorithm are added
 * (GET ?includePasswordHash=true).
 */
enum usercgi_err user_render(struct buf *out, const struct store_user *u,
	    int include_hash);

#endif
