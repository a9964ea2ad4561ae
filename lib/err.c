/*
 * err.c: the table from enum usercgi_err to HTTP status, Logto code and
 * message.  Messages are Logto's English phrases (create-user.md §2, §6).
 * Where Logto has no error of its own (its koa answers 404, 405 and 413
 * in plain text, and it has no 415 or 503), the code is usercgi's:
 * Logto's code for the same kind of mistake where one exists
 * (guard.file_size_exceeded, guard.mime_type_not_allowed,
 * request.invalid_input), else a new one in Logto's "request." family
 * (README.md, "Compatibility with Logto").  A 500 keeps Logto's body,
 * which has no code.
 */
#include "config.h"

#include <stddef.h>

#include "err.h"

#define E(e, st, code, msg)	[e] = { st, code, msg }

static const struct usercgi_errinfo errtab[USERCGI_ERR_MAX] = {
	E(USERCGI_OK, 200, NULL, "OK"),
	E(USERCGI_NOMEM, 500, NULL, "Internal server error."),
	E(USERCGI_INTERNAL, 500, NULL, "Internal server error."),
	E(USERCGI_BUSY, 503, "request.service_busy",
	    "The service is busy. Please retry."),
	E(USERCGI_UNAVAILABLE, 503, "request.service_unavailable",
	    "The service is temporarily unavailable. Please retry."),
	E(USERCGI_NOT_FOUND, 404, "request.route_not_found", "Not Found"),
	E(USERCGI_METHOD, 405, "request.method_not_allowed",
	    "Method Not Allowed"),
	E(USERCGI_TOO_LARGE, 413, "guard.file_size_exceeded",
	    "Request body is too large."),
	E(USERCGI_MEDIA_TYPE, 415, "guard.mime_type_not_allowed",
	    "Unsupported media type: the body must be application/json."),
	E(USERCGI_BADREQ, 400, "request.invalid_input", "Bad request."),
	E(USERCGI_BAD_JSON, 400, NULL, "Invalid JSON."),
	E(USERCGI_AUTH_MISSING, 401, "auth.authorization_header_missing",
	    "Authorization header is missing."),
	E(USERCGI_AUTH_TYPE, 401, "auth.authorization_token_type_not_supported",
	    "Authorization type is not supported."),
	E(USERCGI_UNAUTH, 401, "auth.unauthorized",
	    "Unauthorized. Please check credentials and its scope."),
	E(USERCGI_AUTH_SUB, 401, "auth.jwt_sub_missing",
	    "Missing `sub` in JWT."),
	E(USERCGI_FORBIDDEN, 403, "auth.forbidden",
	    "Forbidden. Please check your user roles and permissions."),
	E(USERCGI_GUARD, 400, "guard.invalid_input",
	    "The request body is invalid."),
	E(USERCGI_PW_AND_DIGEST, 400, "user.password_and_digest",
	    "You cannot set both plain text password and password digest."),
	E(USERCGI_PW_ALG_REQUIRED, 400, "user.password_algorithm_required",
	    "Password algorithm is required."),
	E(USERCGI_USERNAME_TAKEN, 422, "user.username_already_in_use",
	    "This username is already in use."),
	E(USERCGI_EMAIL_TAKEN, 422, "user.email_already_in_use",
	    "This email is associated with an existing account."),
	E(USERCGI_PHONE_TAKEN, 422, "user.phone_already_in_use",
	    "This phone number is associated with an existing account."),
	E(USERCGI_PW_UNSUPPORTED, 400, "password.unsupported_encryption_method",
	    "The encryption method Legacy is not supported."),
	E(USERCGI_PW_LEGACY_FORMAT, 400, "password.invalid_legacy_password_format",
	    "Invalid legacy password format."),
	E(USERCGI_PW_LEGACY_HASH, 400, "password.unsupported_legacy_hash_algorithm",
	    "Unsupported legacy hash algorithm."),
	E(USERCGI_PW_DIGEST_INVALID, 400, "password.invalid_digest",
	    "The password digest is not valid for its algorithm."),
	E(USERCGI_INVALID_PHONE, 422, "user.invalid_phone",
	    "Invalid phone number."),
	E(USERCGI_VALUE_TOO_LONG, 422, "entity.value_too_long",
	    "The length of value is too long and exceeds the limit."),
	E(USERCGI_USER_NOT_FOUND, 404, "entity.not_found",
	    "The resource does not exist."),
	E(USERCGI_BAD_CREDENTIALS, 422, "session.invalid_credentials",
	    "Incorrect account or password. Please check your input."),
	E(USERCGI_ID_TAKEN, 500, NULL, "Internal server error."),
	E(USERCGI_BAD_PAGINATION, 400, "guard.invalid_pagination",
	    "The request pagination value is invalid."),
	E(USERCGI_BAD_SEARCH, 400, "request.invalid_input",
	    "Input is invalid."),
	E(USERCGI_BAD_PATTERN, 400, "request.invalid_input",
	    "Input is invalid. The search pattern is not valid."),
	E(USERCGI_IDENTITY_IN_USE, 422, "user.identity_already_in_use",
	    "The social account has been associated with an existing account."),
	E(USERCGI_IDENTITY_NOT_EXIST, 404, "user.identity_not_exist",
	    "The social account has not been registered yet."),
	E(USERCGI_EMPTY_UPDATE, 422, "entity.invalid_input",
	    "Invalid input. Value list must not be empty."),
	E(USERCGI_DELETE_SELF, 400, "user.cannot_delete_self",
	    "You cannot delete yourself."),
	E(USERCGI_PW_EXPIRATION_OFF, 400,
	    "sign_in_experiences.password_expiration_not_enabled",
	    "Password expiration policy is not enabled. Enable it in the "
	    "sign-in experience settings before expiring passwords."),
	/*
	 * usercgi's own: PostgreSQL's jsonb (Logto's column type) has no
	 * U+0000 in a string, and a server whose encoding is not UTF-8
	 * lacks other characters (SQLSTATE 22P05); SQLite stores both.
	 */
	E(USERCGI_UNSTORABLE, 400, "request.invalid_input",
	    "The database cannot store this value (PostgreSQL's jsonb has no "
	    "\\u0000 in a string)."),
	/*
	 * usercgi's own: the Idempotency-Key header
	 * (draft-ietf-httpapi-idempotency-key-header-06 §2.7: 400 for a
	 * malformed key, 422 for a key reused with another request, 409
	 * while the first request with it runs).
	 */
	E(USERCGI_IDEM_KEY, 400, "request.invalid_idempotency_key",
	    "The Idempotency-Key header is invalid."),
	E(USERCGI_IDEM_MISMATCH, 422, "request.idempotency_key_reused",
	    "This Idempotency-Key was used with another request."),
	E(USERCGI_IDEM_RUNNING, 409, "request.idempotency_key_in_use",
	    "A request with this Idempotency-Key is being processed. "
	    "Please retry."),
	E(USERCGI_IDEM_REPLAYED, 500, NULL, "Internal server error."),
};

static const char *const errnames[USERCGI_ERR_MAX] = {
	"OK", "NOMEM", "INTERNAL", "BUSY", "UNAVAILABLE", "NOT_FOUND",
	"METHOD", "TOO_LARGE", "MEDIA_TYPE", "BADREQ", "BAD_JSON",
	"AUTH_MISSING", "AUTH_TYPE", "UNAUTH", "AUTH_SUB", "FORBIDDEN",
	"GUARD", "PW_AND_DIGEST", "PW_ALG_REQUIRED", "USERNAME_TAKEN",
	"EMAIL_TAKEN", "PHONE_TAKEN", "PW_UNSUPPORTED", "PW_LEGACY_FORMAT",
	"PW_LEGACY_HASH", "PW_DIGEST_INVALID", "INVALID_PHONE",
	"VALUE_TOO_LONG", "USER_NOT_FOUND", "BAD_CREDENTIALS", "ID_TAKEN",
	"BAD_PAGINATION", "BAD_SEARCH", "BAD_PATTERN", "IDENTITY_IN_USE",
	"IDENTITY_NOT_EXIST", "EMPTY_UPDATE", "DELETE_SELF",
	"PW_EXPIRATION_OFF", "UNSTORABLE", "IDEM_KEY", "IDEM_MISMATCH",
	"IDEM_RUNNING", "IDEM_REPLAYED",
};

const struct usercgi_errinfo *
usercgi_errinfo(enum usercgi_err e)
{
	if ((unsigned)e >= USERCGI_ERR_MAX || errtab[e].message == NULL)
		e = USERCGI_INTERNAL;
	return &errtab[e];
}

const char *
usercgi_errname(enum usercgi_err e)
{
	if ((unsigned)e >= USERCGI_ERR_MAX)
		return "UNKNOWN";
	return errnames[e];
}
