/*
 * store.h: the narrow storage interface.  SQLite (store_sqlite.c) is the
 * embedded default; PostgreSQL (store_pg.c) implements the same
 * functions; store.c dispatches by the database string
 * (store_is_postgresql).  Nothing here names a backend's types, error
 * codes or locking rules.
 *
 * Concurrency contract: many processes may call these at once on one
 * database.  Uniqueness of username (exact), email (Unicode-lowercased),
 * phone (its phone.h key) and of an identity (target, identity user id)
 * is enforced by the database itself, in the transaction that writes the
 * row, so two racing writes cannot both succeed: the loser gets the
 * *_TAKEN code.  A function that returns USERCGI_OK after a write has
 * made the write durable; a function that returns an error has changed
 * nothing.  Every write to a user moves its updated_at to the caller's
 * now_ms.  USERCGI_BUSY means the database stayed locked for longer than
 * busy_timeout_ms; nothing was written.  Any write may also return
 * USERCGI_UNSTORABLE: a value this backend cannot hold (PostgreSQL's
 * jsonb has no U+0000 in a string); nothing was written.
 */
#ifndef USERCGI_STORE_H
#define USERCGI_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define STORE_ID_LEN	12	/* [0-9a-z]{12} */

/*
 * The booleans of a user's Logto configuration (users-api.md §7).  In a
 * struct store_user each is 0 or 1, and mfa_enabled is -1 when it was
 * never set; in a struct store_patch, -1 leaves a value as it is.
 */
struct store_logto_config {
	int	mfa_enabled;
	int	mfa_skipped;
	int	mfa_skip_on_sign_in;
	int	passkey_skipped;
};

/* One row.  Strings owned by the struct; NULL is SQL NULL. */
struct store_user {
	char	 id[STORE_ID_LEN + 1];
	char	*username;
	char	*primary_email;
	char	*primary_phone;
	char	*password_encrypted;
	char	*password_encryption_method;	/* Argon2i, MD5, ..., or NULL */
	char	*name;
	char	*avatar;
	char	*profile_json;		/* JSON object text, never NULL after a read ("{}") */
	char	*custom_data_json;	/* JSON object text, never NULL after a read ("{}") */
	char	*identities_json;	/* JSON object text, never NULL after a read ("{}") */
	char	*application_id;
	int	 is_suspended;
	int	 is_password_expired;
	struct store_logto_config logto_config;	/* set by reads; inserts store the defaults */
	int64_t	 last_sign_in_at;	/* epoch ms, -1 = NULL */
	int64_t	 password_updated_at;	/* epoch ms, -1 = NULL */
	int64_t	 created_at;		/* epoch ms */
	int64_t	 updated_at;		/* epoch ms */
};

struct store;

/*
 * Returns 1 when database names a PostgreSQL server: it starts with
 * postgresql:// or postgres://, or it is a libpq conninfo string, whose
 * first non-blank word is a keyword (letters and "_") followed by "=".
 * Anything else is a SQLite path (write a file named a=b.db as ./a=b.db).
 */
int	store_is_postgresql(const char *database);

#define STORE_PG_MODULE_DEFAULT	PKGLIBDIR "/usercgi-pg.so"
/*
 * Names the PostgreSQL store's module (the pg_module key,
 * STORE_PG_MODULE_DEFAULT until then), loaded by the first store_open of
 * a PostgreSQL database; call it before that.
 * Returns USERCGI_OK, or USERCGI_INTERNAL for a path of PATH_MAX bytes
 * or more.
 */
enum usercgi_err store_pg_module_set(const char *path);

/*
 * Writes database to out (outlen bytes, always terminated, truncated when
 * longer) with every secret removed, for logs and usercgi-admin check:
 * the password of a URI's user part and the value of each password or
 * sslpassword parameter become "***".  A SQLite path is copied as is.
 */
void	store_redact(const char *database, char *out, size_t outlen);

#define STORE_REDACTED_MAX	4352	/* out for store_redact: PATH_MAX + 256 */

/*
 * PostgreSQL reads busy_timeout_ms as the lock_timeout and
 * statement_timeout of its connection (a statement over it is
 * USERCGI_BUSY) and ignores the rest, which concern SQLite's files.
 */
struct store_opts {
	int	busy_timeout_ms;
	/*
	 * The connection serves one request and closes (plain CGI): it
	 * leaves the WAL file in place and does not checkpoint on close,
	 * so the next process neither recreates, resyncs nor copies it;
	 * commits checkpoint every STORE_CGI_CHECKPOINT pages instead.
	 */
	int	one_request;
	/*
	 * A database file that does not exist yet is created mode 0600,
	 * or 0660 and group group when group_set, whatever the umask;
	 * SQLite gives its -wal and -shm files the same mode.
	 */
	int	group_set;
	gid_t	group;
	/* Refuse a database path that is a symlink (SQLITE_OPEN_NOFOLLOW). */
	int	nofollow;
};

/*
 * Opens (creating and migrating when needed, safely when several
 * processes start at once) the database at path, which must be a
 * regular file (or a symlink to one) when it exists, or connects to the
 * PostgreSQL server it names, in the calling thread.  Prepares the
 * statements used per request.  Returns USERCGI_OK with *out set,
 * USERCGI_UNAVAILABLE (cannot open, connect or write; a PostgreSQL
 * database in a build without it), USERCGI_BUSY, or USERCGI_INTERNAL;
 * the reason is logged.
 */
enum usercgi_err store_open(const char *path, const struct store_opts *o,
	    struct store **out);
void	store_close(struct store *s);

/*
 * For usercgi-admin check: connects to the PostgreSQL server that
 * database names, creating and migrating nothing, and sets *version to
 * the schema version recorded there (0: none yet).  Returns USERCGI_OK,
 * USERCGI_UNAVAILABLE (cannot connect; a build without PostgreSQL) or
 * USERCGI_INTERNAL (a SQLite path; a query failed); logged.
 */
enum usercgi_err store_probe(const char *database, const struct store_opts *o,
	    int *version);

/* The schema version this build writes (the backend records it in the database). */
int	store_schema_version(void);

/*
 * Checks 6-8 of §2 in order: returns USERCGI_OK, USERCGI_USERNAME_TAKEN,
 * USERCGI_EMAIL_TAKEN (case-insensitive), USERCGI_PHONE_TAKEN, or
 * USERCGI_BUSY / USERCGI_INTERNAL.  NULL arguments are not checked.
 */
enum usercgi_err store_find_conflict(struct store *s, const char *username,
	    const char *email, const char *phone);

/*
 * Inserts u in one write transaction.  Returns USERCGI_OK, a
 * *_TAKEN code when a uniqueness constraint fired (the same codes and
 * order as store_find_conflict), USERCGI_ID_TAKEN when the id exists
 * (caller draws a new id), USERCGI_BUSY, USERCGI_UNAVAILABLE (disk full,
 * read-only), or USERCGI_INTERNAL.
 */
enum usercgi_err store_user_insert(struct store *s, const struct store_user *u);

/*
 * Reads the user with this id into *u (caller frees with
 * store_user_free).  Returns USERCGI_OK, USERCGI_USER_NOT_FOUND,
 * USERCGI_BUSY or USERCGI_INTERNAL.
 */
enum usercgi_err store_user_get(struct store *s, const char *id,
	    struct store_user *u);

/*
 * Replaces the password of user id with (hash, method) only if the stored
 * hash is still old_hash (compare-and-set); sets updated_at = now_ms and
 * keeps password_updated_at.  Returns USERCGI_OK, USERCGI_USER_NOT_FOUND
 * (gone or changed meanwhile), USERCGI_BUSY, USERCGI_INTERNAL.
 */
enum usercgi_err store_user_rehash(struct store *s, const char *id,
	    const char *old_hash, const char *hash, const char *method,
	    int64_t now_ms);

/*
 * Group commit (store.c): the threads of one process, each with its own
 * connection, share one struct store_group so that concurrent inserts
 * are committed together: one transaction and one fsync per batch on
 * SQLite, one statement on PostgreSQL.  A row's uniqueness hit fails
 * only that row; store_user_insert's contract is unchanged.  Create the
 * group once per process before the threads, free it after every store
 * using it is closed.  Returns USERCGI_OK with *out set, USERCGI_NOMEM or
 * USERCGI_INTERNAL.
 */
struct store_group;
enum usercgi_err store_group_new(struct store_group **out);
void	store_group_free(struct store_group *g);
/* Makes s insert through g (NULL: alone, one transaction per insert). */
void	store_set_group(struct store *s, struct store_group *g);

/*
 * Verified bearer tokens, shared by the processes using the database (a
 * CGI process serves one request, so it cannot keep them itself).  A
 * key is a digest of STORE_TOKEN_KEY bytes that the caller computes
 * from a token that verified and everything its verification depended
 * on; the token itself is never stored.  A key is known until the exp
 * it was remembered with (seconds since the epoch) and never beyond.
 *
 * store_token_known sets *known to 1 when key is stored with an exp
 * after now_s, else 0.  Returns USERCGI_OK, USERCGI_BUSY, USERCGI_NOMEM
 * or USERCGI_INTERNAL (then *known is 0).
 */
#define STORE_TOKEN_KEY	32
enum usercgi_err store_token_known(struct store *s,
	    const unsigned char key[STORE_TOKEN_KEY], int64_t now_s,
	    int *known);

/*
 * Remembers key until exp_s in one short write transaction,
 * which also deletes every row whose exp is not after now_s.  An exp_s
 * not after now_s is not stored.  Returns USERCGI_OK, USERCGI_BUSY
 * (after busy_timeout_ms), USERCGI_UNAVAILABLE, USERCGI_NOMEM or
 * USERCGI_INTERNAL; the store is left without a transaction either way.
 * It is a cache: callers log a failure and go on.
 */
enum usercgi_err store_token_remember(struct store *s,
	    const unsigned char key[STORE_TOKEN_KEY], int64_t exp_s,
	    int64_t now_s);

/*
 * Idempotency keys (draft-ietf-httpapi-idempotency-key-header-06): the
 * answer to a write request, remembered under a key so that a retry gets
 * it again instead of a second write.  The caller computes key (a digest
 * of the client's scope and the header's key) and fingerprint (a digest
 * of the request); the store keeps them, a claim and the answer until
 * expires_ms.
 */
#define STORE_IDEM_KEY		32
#define STORE_IDEM_OWNER	16

struct store_idem {
	unsigned char	key[STORE_IDEM_KEY];
	unsigned char	fingerprint[STORE_IDEM_KEY];
	unsigned char	owner[STORE_IDEM_OWNER];	/* random: this claim */
	int64_t		now_ms;
	int64_t		lease_ms;	/* a claim older than this is abandoned */
	int64_t		expires_ms;	/* the key is forgotten then */
};

enum store_idem_state {
	STORE_IDEM_RUN,		/* claimed: run the request */
	STORE_IDEM_DONE,	/* answered before: *status and *body */
	STORE_IDEM_RUNNING,	/* another request holds a live claim */
	STORE_IDEM_OTHER	/* the key was used with another fingerprint */
};

/*
 * In one short write transaction: deletes at most a few expired keys
 * (the oldest, through the index on their expiry: never a scan of the
 * table), then looks k->key up.  An unknown or expired key, or one whose
 * claim is older than its lease (the request that held it died), is
 * claimed for k->owner: *state STORE_IDEM_RUN, and the next write
 * function called on s keeps its transaction open instead of committing
 * it, for store_idem_answer or store_idem_release to end.  Otherwise
 * *state says what the key holds; for STORE_IDEM_DONE *status and *body
 * (caller frees) are the stored answer.  Concurrent claims of one key
 * (any process, any backend) give one STORE_IDEM_RUN.  Returns
 * USERCGI_OK, USERCGI_BUSY, USERCGI_UNAVAILABLE, USERCGI_NOMEM or
 * USERCGI_INTERNAL; then nothing was claimed.
 */
enum usercgi_err store_idem_claim(struct store *s, const struct store_idem *k,
	    enum store_idem_state *state, int *status, char **body);

/*
 * Stores the answer (status, body of len bytes) of the request that
 * claimed k, and ends the claim: in the transaction that the write
 * function left open, then committed (the write and its answer are
 * durable together, or neither is), or in a transaction of its own when
 * no write happened since the claim.  Returns USERCGI_OK, USERCGI_IDEM_RUNNING
 * (the claim was taken over meanwhile: the write is rolled back),
 * USERCGI_BUSY, USERCGI_UNAVAILABLE, USERCGI_NOMEM or USERCGI_INTERNAL;
 * on any error the held write is rolled back too.
 */
enum usercgi_err store_idem_answer(struct store *s, const struct store_idem *k,
	    int status, const char *body, size_t len);

/*
 * Ends the claim of k without an answer (the request failed, or its
 * answer is not to be kept): rolls back the write held open, if any, and
 * deletes the claim so that the key can be used again.  Best effort: a
 * claim that cannot be deleted expires with its lease.
 */
void	store_idem_release(struct store *s, const struct store_idem *k);

/* Frees the strings of u (not u itself) and zeroes it. */
void	store_user_free(struct store_user *u);

/*
 * The PATCH order of users-api.md §2: email (case-insensitive), phone,
 * username, each only when not NULL, ignoring the row of user id itself
 * (so a case-only change of one's own email passes).  Returns
 * USERCGI_OK, USERCGI_EMAIL_TAKEN, USERCGI_PHONE_TAKEN,
 * USERCGI_USERNAME_TAKEN, USERCGI_BUSY, USERCGI_NOMEM or
 * USERCGI_INTERNAL.  A read: store_user_update checks again when it
 * writes.
 */
enum usercgi_err store_find_update_conflict(struct store *s, const char *id,
	    const char *email, const char *phone, const char *username);

/* The members of a struct store_patch that are set (bits of set). */
#define STORE_P_USERNAME	0x0001u
#define STORE_P_EMAIL		0x0002u
#define STORE_P_PHONE		0x0004u
#define STORE_P_NAME		0x0008u
#define STORE_P_AVATAR		0x0010u
#define STORE_P_CUSTOM_DATA	0x0020u	/* replaces the object */
#define STORE_P_PROFILE		0x0040u	/* replaces the object */
#define STORE_P_CUSTOM_MERGE	0x0080u	/* shallow-merges custom_data_json */
#define STORE_P_PROFILE_MERGE	0x0100u	/* shallow-merges profile_json */
#define STORE_P_PASSWORD	0x0200u	/* also sets password_updated_at */
#define STORE_P_EXPIRED		0x0400u
#define STORE_P_SUSPENDED	0x0800u
#define STORE_P_LOGTO_CONFIG	0x1000u

/*
 * A partial update.  Strings are the caller's; for a set scalar, NULL
 * (or "", which the store treats the same) stores SQL NULL.  JSON
 * members are the text of a JSON object (never NULL when set).
 *
 * A merge (STORE_P_*_MERGE) is shallow and happens inside the write
 * transaction, on the stored object as it is then, so two concurrent
 * merges both land: each top-level member of the given object replaces
 * (or is added to) the stored one, nested objects as a whole, a null
 * value is stored as JSON null, no member is removed.  Members keep
 * their stored position and new ones follow, except that when
 * profile_keys is not NULL (a NULL-terminated list, the profile's schema
 * order) the merged profile lists those keys first, in that order.  A
 * replace and a merge of the same object in one patch is USERCGI_INTERNAL.
 */
struct store_patch {
	unsigned		 set;		/* STORE_P_* bits */
	const char		*username;
	const char		*primary_email;
	const char		*primary_phone;
	const char		*name;
	const char		*avatar;
	const char		*custom_data_json;
	const char		*profile_json;
	const char *const	*profile_keys;
	const char		*password_encrypted;	/* STORE_P_PASSWORD */
	const char		*password_encryption_method;
	int			 is_password_expired;	/* 0 or 1 */
	int			 is_suspended;		/* 0 or 1 */
	struct store_logto_config logto_config;	/* -1 members unchanged */
};

/*
 * Applies p to user id in one write transaction and sets updated_at (and,
 * with STORE_P_PASSWORD, password_updated_at) to now_ms.  The uniqueness
 * checks of store_find_update_conflict run inside it, and the database
 * constraints back them up: a concurrent writer that took the value
 * first makes this return the same *_TAKEN code.  p->set == 0 is
 * USERCGI_INTERNAL (the caller answers "Value list must not be empty").
 * When out is not NULL and the result is USERCGI_OK, *out is the row as
 * written (caller frees with store_user_free).  Returns USERCGI_OK,
 * USERCGI_USER_NOT_FOUND, USERCGI_EMAIL_TAKEN, USERCGI_PHONE_TAKEN,
 * USERCGI_USERNAME_TAKEN, USERCGI_BUSY, USERCGI_UNAVAILABLE,
 * USERCGI_NOMEM or USERCGI_INTERNAL (a stored or given JSON text that is
 * not an object).
 */
enum usercgi_err store_user_update(struct store *s, const char *id,
	    const struct store_patch *p, int64_t now_ms, struct store_user *out);

/*
 * Deletes user id and its identities (a hard delete).  Returns USERCGI_OK,
 * USERCGI_USER_NOT_FOUND (also when a concurrent delete won),
 * USERCGI_BUSY, USERCGI_UNAVAILABLE or USERCGI_INTERNAL.
 */
enum usercgi_err store_user_delete(struct store *s, const char *id);

/*
 * Sets identities[target] of user id to identity_json (the JSON object
 * text {"userId":...,"details":...} the caller validated), with
 * identity_user_id its userId, in one write transaction.  Sets *created
 * to 1 when target was new for this user, else 0.  On USERCGI_OK and
 * identities_out not NULL, *identities_out is the user's whole
 * identities object as JSON text (caller frees).  Returns USERCGI_OK,
 * USERCGI_USER_NOT_FOUND, USERCGI_IDENTITY_IN_USE (another user holds
 * (target, identity_user_id); the database enforces it), USERCGI_BUSY,
 * USERCGI_UNAVAILABLE, USERCGI_NOMEM or USERCGI_INTERNAL.
 */
enum usercgi_err store_identity_set(struct store *s, const char *id,
	    const char *target, const char *identity_user_id,
	    const char *identity_json, int64_t now_ms, int *created,
	    char **identities_out);

/*
 * Removes identities[target] of user id.  On USERCGI_OK and out not NULL,
 * *out is the row as written (caller frees with store_user_free).
 * Returns USERCGI_OK, USERCGI_USER_NOT_FOUND, USERCGI_IDENTITY_NOT_EXIST,
 * USERCGI_BUSY, USERCGI_UNAVAILABLE, USERCGI_NOMEM or USERCGI_INTERNAL.
 */
enum usercgi_err store_identity_remove(struct store *s, const char *id,
	    const char *target, int64_t now_ms, struct store_user *out);

/*
 * A search (users-api.md §1).  The bare `search` is STORE_QF_ALL: the OR
 * of id, primary_email, primary_phone, username and name.
 */
enum store_qfield {
	STORE_QF_ALL,
	STORE_QF_ID,
	STORE_QF_EMAIL,
	STORE_QF_PHONE,
	STORE_QF_USERNAME,
	STORE_QF_NAME
};

enum store_qmode {
	STORE_QM_LIKE,		/* SQL LIKE: % _ and \ escape, no implicit % */
	STORE_QM_EXACT,		/* equality, any of the values */
	STORE_QM_SIMILAR_TO,	/* SQL SIMILAR TO (whole value) */
	STORE_QM_POSIX		/* regular expression found anywhere (re.h) */
};

#define STORE_QUERY_MAX_GROUPS	8	/* field groups of one query */
#define STORE_QUERY_MAX_VALUES	32	/* values over all groups */
#define STORE_PAGE_SIZE_MAX	100

/* One field group: values[0..nvalues), nvalues 1 unless mode is EXACT. */
struct store_qgroup {
	enum store_qfield	 field;
	enum store_qmode	 mode;
	const char *const	*values;	/* the caller's, valid UTF-8 */
	size_t			 nvalues;
};

/*
 * Groups are joined by AND when joint_and, else OR; no group matches
 * every user.  Case-insensitive comparisons (case_sensitive 0) compare
 * Unicode-lowercased values (simple case mapping).  Rows come in
 * created_at descending order, ties by id descending; page >= 1,
 * 1 <= page_size <= STORE_PAGE_SIZE_MAX.
 */
struct store_query {
	struct store_qgroup	 groups[STORE_QUERY_MAX_GROUPS];
	size_t			 ngroups;
	int			 joint_and;
	int			 case_sensitive;
	int64_t			 page;
	int			 page_size;
};

/*
 * Reads one page of the users matching q and the number of all matches,
 * in one read transaction (the page and *total agree).  Neither the
 * unfiltered count nor an exact, or LIKE-with-a-literal-prefix, search
 * reads the whole table.  On USERCGI_OK, *users is an array of *nusers
 * rows (caller frees with store_users_free; NULL when 0).  Returns
 * USERCGI_OK, USERCGI_BAD_PATTERN (a LIKE pattern ending in a lone
 * backslash, a regular expression or SIMILAR TO pattern that re.h
 * refuses), USERCGI_BUSY, USERCGI_NOMEM or USERCGI_INTERNAL.
 */
enum usercgi_err store_user_list(struct store *s, const struct store_query *q,
	    struct store_user **users, size_t *nusers, int64_t *total);

/* Frees n rows from store_user_list and the array. */
void	store_users_free(struct store_user *users, size_t n);

/* Returns the Unicode-lowercased copy of a valid UTF-8 email (caller frees), or NULL on allocation failure. */
char	*store_email_key(const char *email);

#endif
