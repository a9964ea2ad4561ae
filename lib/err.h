/*
 * err.h: the one error enum of usercgi and its mapping to HTTP.
 *
 * Every function that can fail returns an enum usercgi_err.  The table in
 * err.c maps each value to an HTTP status, a Logto error code and the
 * client-facing message; nothing else in the tree spells a status number
 * or a Logto code.  The client is told little (the contract's generic
 * body); the log is told much (log.h).
 */
#ifndef USERCGI_ERR_H
#define USERCGI_ERR_H

enum usercgi_err {
	USERCGI_OK = 0,
	USERCGI_NOMEM,			/* 500: allocation failed */
	USERCGI_INTERNAL,		/* 500: anything unexpected */
	USERCGI_BUSY,			/* 503 + Retry-After: database locked */
	USERCGI_UNAVAILABLE,		/* 503 + Retry-After: disk full, read-only, JWKS unusable */
	USERCGI_NOT_FOUND,		/* 404: no such route */
	USERCGI_METHOD,			/* 405: method not allowed on the route */
	USERCGI_TOO_LARGE,		/* 413: body over max_body_bytes */
	USERCGI_MEDIA_TYPE,		/* 415: non-empty body that is not JSON */
	USERCGI_BADREQ,			/* 400: malformed request (bad Content-Length, ...) */
	USERCGI_BAD_JSON,		/* 400: {"message":...} syntax error; message given by caller */
	USERCGI_AUTH_MISSING,		/* 401 auth.authorization_header_missing */
	USERCGI_AUTH_TYPE,		/* 401 auth.authorization_token_type_not_supported */
	USERCGI_UNAUTH,			/* 401 auth.unauthorized */
	USERCGI_AUTH_SUB,		/* 401 auth.jwt_sub_missing */
	USERCGI_FORBIDDEN,		/* 403 auth.forbidden */
	USERCGI_GUARD,			/* 400 guard.invalid_input */
	USERCGI_PW_AND_DIGEST,		/* 400 user.password_and_digest */
	USERCGI_PW_ALG_REQUIRED,	/* 400 user.password_algorithm_required */
	USERCGI_USERNAME_TAKEN,		/* 422 user.username_already_in_use */
	USERCGI_EMAIL_TAKEN,		/* 422 user.email_already_in_use */
	USERCGI_PHONE_TAKEN,		/* 422 user.phone_already_in_use */
	USERCGI_PW_UNSUPPORTED,		/* 400 password.unsupported_encryption_method */
	USERCGI_PW_LEGACY_FORMAT,	/* 400 password.invalid_legacy_password_format */
	USERCGI_PW_LEGACY_HASH,		/* 400 password.unsupported_legacy_hash_algorithm */
	USERCGI_PW_DIGEST_INVALID,	/* 400 password.invalid_digest (usercgi: digest can never verify) */
	USERCGI_INVALID_PHONE,		/* 422 user.invalid_phone */
	USERCGI_VALUE_TOO_LONG,		/* 422 entity.value_too_long */
	USERCGI_USER_NOT_FOUND,		/* 404 entity.not_found */
	USERCGI_BAD_CREDENTIALS,	/* 422 session.invalid_credentials */
	USERCGI_ID_TAKEN,		/* internal: random id collided, draw again */
	USERCGI_BAD_PAGINATION,		/* 400 guard.invalid_pagination */
	USERCGI_BAD_SEARCH,		/* 400 request.invalid_input; "Input is invalid. " + caller's text */
	USERCGI_BAD_PATTERN,		/* 400 request.invalid_input: the store refused a search pattern */
	USERCGI_IDENTITY_IN_USE,	/* 422 user.identity_already_in_use */
	USERCGI_IDENTITY_NOT_EXIST,	/* 404 user.identity_not_exist */
	USERCGI_EMPTY_UPDATE,		/* 422 entity.invalid_input: a PATCH with nothing to set */
	USERCGI_DELETE_SELF,		/* 400 user.cannot_delete_self */
	USERCGI_PW_EXPIRATION_OFF,	/* 400 sign_in_experiences.password_expiration_not_enabled */
	USERCGI_UNSTORABLE,		/* 400 request.invalid_input: a value the database cannot hold */
	USERCGI_IDEM_KEY,		/* 400 request.invalid_idempotency_key; message given by caller */
	USERCGI_IDEM_MISMATCH,		/* 422 request.idempotency_key_reused: another request's key */
	USERCGI_IDEM_RUNNING,		/* 409 + Retry-After request.idempotency_key_in_use */
	USERCGI_IDEM_REPLAYED,		/* internal: a stored answer is in the response already */
	USERCGI_ERR_MAX
};

struct usercgi_errinfo {
	int		 status;	/* HTTP status */
	const char	*code;		/* Logto error code, or NULL for none */
	const char	*message;	/* client-facing message */
};

/* Returns the table row for e; never NULL (out-of-range maps to INTERNAL). */
const struct usercgi_errinfo *usercgi_errinfo(enum usercgi_err e);

/* Returns a short stable name for logs ("USERCGI_BUSY"); never NULL. */
const char *usercgi_errname(enum usercgi_err e);

#endif
