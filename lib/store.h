/*
 * store.h: the narrow storage interface.  SQLite (store_sqlite.c) is the
 * embedded default; a PostgreSQL backend implements the same functions.
 *
 * Concurrency contract: many processes may call these at once on one
 * database.  Uniqueness of username (exact), email (Unicode-lowercased)
 * and phone is enforced by the database itself, so two racing inserts
 * cannot both succeed.  A function that returns USERCGI_OK after a write
 * has made the write durable (synchronous=FULL).
 */
#ifndef USERCGI_STORE_H
#define USERCGI_STORE_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define STORE_ID_LEN	12	/* [0-9a-z]{12} */

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
	int64_t	 last_sign_in_at;	/* epoch ms, -1 = NULL */
	int64_t	 password_updated_at;	/* epoch ms, -1 = NULL */
	int64_t	 created_at;		/* epoch ms */
	int64_t	 updated_at;		/* epoch ms */
};

struct store;

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
 * regular file (or a symlink to one) when it exists.  Prepares the
 * statements used per request.  Returns USERCGI_OK with *out set,
 * USERCGI_UNAVAILABLE (cannot open or write), USERCGI_BUSY, or
 * USERCGI_INTERNAL; the reason is logged.
 */
enum usercgi_err store_open(const char *path, const struct store_opts *o,
	    struct store **out);
void	store_close(struct store *s);

/* The schema version this build writes (PRAGMA user_version). */
int	store_schema_version(void);

/*
 * Checks 6-8 of §2 in order: returns USERCGI_OK, USERCGI_USERNAME_TAKEN,
 * USERCGI_EMAIL_TAKEN (case-insensitive), USERCGI_PHONE_TAKEN, or
 * USERCGI_BUSY / USERCGI_INTERNAL.  NULL arguments are not checked.
 */
enum usercgi_err store_find_conflict(struct store *s, const char *username,
	    const char *email, const char *phone);

/*
 * Inserts u in one BEGIN IMMEDIATE transaction.  Returns USERCGI_OK, a
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
 * Group commit (store_sqlite.c): the threads of one process, each with
 * its own connection, share one struct store_group so that concurrent
 * inserts are committed together, one fsync per batch.  A row's
 * uniqueness hit fails only that row; store_user_insert's contract is
 * unchanged.  Create the group once per process before the threads, free
 * it after every store using it is closed.  Returns USERCGI_OK with *out
 * set, USERCGI_NOMEM or USERCGI_INTERNAL.
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
 * Remembers key until exp_s in one short BEGIN IMMEDIATE transaction,
 * which also deletes every row whose exp is not after now_s.  An exp_s
 * not after now_s is not stored.  Returns USERCGI_OK, USERCGI_BUSY
 * (after busy_timeout_ms), USERCGI_UNAVAILABLE, USERCGI_NOMEM or
 * USERCGI_INTERNAL; the store is left without a transaction either way.
 * It is a cache: callers log a failure and go on.
 */
enum usercgi_err store_token_remember(struct store *s,
	    const unsigned char key[STORE_TOKEN_KEY], int64_t exp_s,
	    int64_t now_s);

/* Frees the strings of u (not u itself) and zeroes it. */
void	store_user_free(struct store_user *u);

/* Returns the Unicode-lowercased copy of a valid UTF-8 email (caller frees), or NULL on allocation failure. */
char	*store_email_key(const char *email);

#endif
