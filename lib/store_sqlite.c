/*
 * store_sqlite.c: the SQLite implementation of store.h.
 *
 * Many CGI/FastCGI processes share one database file, so: WAL journal,
 * busy_timeout on every connection, BEGIN IMMEDIATE around every write
 * (a deferred transaction that upgrades to a write lock fails with
 * SQLITE_BUSY without waiting), synchronous=FULL so a committed row
 * survives power loss.  Uniqueness is enforced by UNIQUE constraints,
 * the case-insensitive email through the email_key column that holds the
 * Unicode-lowercased address.  A connection must never cross fork(): open
 * the store in the process that uses it.
 *
 * Busy waits: SQLite's default busy handler sleeps in steps growing to
 * 100 ms, so under contention between processes a writer can sleep long
 * after the lock came free.  store_busy sleeps 100-1000 us at random
 * instead, until busy_timeout_ms is used up.
 *
 * Group commit (store.c's store_group_insert queues the rows of the
 * threads of one FastCGI process): the leader inserts a batch on the
 * group's own writer connection in one BEGIN IMMEDIATE transaction, each
 * row inside its own SAVEPOINT (a uniqueness hit undoes that row alone
 * and gives it its own *_TAKEN), then COMMITs once: one fsync for the
 * batch, and USERCGI_OK still means "on disk".  A connection is used by
 * one thread at a time: each thread reads on its own, the writer serves
 * one leader at a time.
 *
 * Verified tokens (store_token_known, store_token_remember): a WITHOUT
 * ROWID table keyed by the caller's 32-byte digest, looked up through
 * its B-tree.  The comparisons along the way are ordinary memcmp()s of
 * keys, so their time may depend on how many leading bytes of the
 * probed key match stored ones; that reveals nothing useful, because
 * each key is a SHA-256 over (among others) a whole token that verified:
 * matching a prefix of a digest says nothing about the bytes of any
 * token, and even a whole key cannot be turned back into one.  Comparing
 * tokens themselves would leak them byte by byte.
 *
 * SQLite's error text goes to the log only; callers get an enum.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "json.h"
#include "log.h"
#include "phone.h"
#include "re.h"
#include "store.h"
#include "store_impl.h"
#include "utf8.h"

#define STORE_CGI_CHECKPOINT	64	/* WAL frames, one_request connections */
#define STORE_DYN_CACHE		16	/* prepared statements built per query */
#define STORE_TOPK_MAX		10000	/* offset + page_size kept in C by a search */

/*
 * Migrations: entry i takes the schema from user_version i to i + 1.
 * Each runs inside the BEGIN IMMEDIATE transaction of store_migrate.
 */
static const char *const store_migrations[STORE_SCHEMA_VERSION] = {
	"CREATE TABLE users ("
	" id TEXT NOT NULL PRIMARY KEY,"
	" username TEXT UNIQUE,"
	" primary_email TEXT,"
	" email_key TEXT UNIQUE,"
	" primary_phone TEXT,"
	" phone_key TEXT UNIQUE,"
	" password_encrypted TEXT,"
	" password_encryption_method TEXT,"
	" name TEXT,"
	" avatar TEXT,"
	" profile TEXT NOT NULL DEFAULT '{}',"
	" custom_data TEXT NOT NULL DEFAULT '{}',"
	" identities TEXT NOT NULL DEFAULT '{}',"
	" application_id TEXT,"
	" is_suspended INTEGER NOT NULL DEFAULT 0,"
	" last_sign_in_at INTEGER,"
	" password_updated_at INTEGER,"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL,"
	" CHECK ((primary_email IS NULL) = (email_key IS NULL)),"
	" CHECK ((primary_phone IS NULL) = (phone_key IS NULL))"
	");",
	/* 2: the verified-token cache of CGI processes (store.h). */
	"CREATE TABLE verified_tokens ("
	" key BLOB NOT NULL PRIMARY KEY,"
	" exp INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/*
	 * 3: management (users-api.md).  Lowercased keys of username and
	 * name (computed in C: usercgi_lower is the connection's own
	 * function, never part of the schema, so any SQLite can read the
	 * file), an index per searched key and one in list order, the
	 * number of users kept by every insert and delete, and the
	 * identities as rows whose UNIQUE (target, identity_user_id) makes
	 * "already in use" the database's rule.
	 */
	"ALTER TABLE users ADD COLUMN username_key TEXT;"
	"ALTER TABLE users ADD COLUMN name_key TEXT;"
	"ALTER TABLE users ADD COLUMN is_password_expired INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN logto_config TEXT NOT NULL DEFAULT '{}';"
	"UPDATE users SET username_key = usercgi_lower(username),"
	" name_key = usercgi_lower(name);"
	"CREATE INDEX users_username_key ON users (username_key, created_at,"
	" id);"
	"CREATE INDEX users_name_key ON users (name_key, created_at, id);"
	"CREATE INDEX users_primary_phone ON users (primary_phone, created_at,"
	" id);"
	"CREATE INDEX users_created ON users (created_at DESC, id DESC);"
	"CREATE TABLE user_count ("
	" one INTEGER NOT NULL PRIMARY KEY CHECK (one = 0),"
	" n INTEGER NOT NULL);"
	"INSERT INTO user_count SELECT 0, count(*) FROM users;"
	"CREATE TABLE user_identities ("
	" user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	" target TEXT NOT NULL,"
	" identity_user_id TEXT NOT NULL,"
	" PRIMARY KEY (user_id, target),"
	" UNIQUE (target, identity_user_id)"
	") WITHOUT ROWID;"
	"INSERT INTO user_identities SELECT u.id, j.key,"
	" json_extract(j.value, '$.userId') FROM users AS u,"
	" json_each(u.identities) AS j"
	" WHERE json_type(j.value, '$.userId') = 'text';",
	/*
	 * 4: idempotency keys (store.h): the hex digests of the key and
	 * of its request, the claim of a request running now (owner,
	 * lease_until), the answer once there is one (status, body), and
	 * an index on the expiry, so purging never reads the table.
	 */
	"CREATE TABLE idempotency_keys ("
	" key TEXT NOT NULL PRIMARY KEY,"
	" fingerprint TEXT NOT NULL,"
	" owner TEXT,"
	" lease_until INTEGER NOT NULL,"
	" expires_at INTEGER NOT NULL,"
	" status INTEGER,"
	" body TEXT"
	");"
	"CREATE INDEX idempotency_keys_expires ON idempotency_keys"
	" (expires_at);",
};

enum store_stmt {
	ST_BEGIN,
	ST_BEGIN_READ,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_INSERT,
	ST_GET,
	ST_CONFLICT,
	ST_BY_ID,
	ST_REHASH,
	ST_TOKEN_KNOWN,
	ST_TOKEN_PURGE,
	ST_TOKEN_PUT,
	ST_COUNT_ADD,
	ST_COUNT,
	ST_CONFLICT_OTHER,
	ST_DELETE,
	ST_IDENT_PUT,
	ST_IDENT_DEL,
	ST_SET_IDENTITIES,
	ST_GET_ROWID,
	ST_IDEM_PURGE,
	ST_IDEM_INSERT,
	ST_IDEM_GET,
	ST_IDEM_TAKE,
	ST_IDEM_ANSWER,
	ST_IDEM_DELETE,
	ST_MAX
};

#define USER_COLUMNS \
	"id, username, primary_email, primary_phone, password_encrypted," \
	" password_encryption_method, name, avatar, profile, custom_data," \
	" identities, application_id, is_suspended, last_sign_in_at," \
	" password_updated_at, created_at, updated_at, is_password_expired," \
	" logto_config"

static const char *const store_sql[ST_MAX] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_BEGIN_READ] = "BEGIN",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT store_row",
	[ST_RELEASE] = "RELEASE store_row",
	[ST_ROLLBACK_TO] = "ROLLBACK TO store_row",
	[ST_INSERT] = "INSERT INTO users (" USER_COLUMNS ", email_key,"
	    " phone_key, username_key, name_key) VALUES (?1, ?2, ?3, ?4, ?5,"
	    " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
	    " ?20, ?21, ?22, ?23)",
	[ST_GET] = "SELECT " USER_COLUMNS " FROM users WHERE id = ?1",
	/* One statement, one read transaction, for checks 6-8. */
	[ST_CONFLICT] = "SELECT"
	    " EXISTS (SELECT 1 FROM users WHERE username = ?1),"
	    " EXISTS (SELECT 1 FROM users WHERE email_key = ?2),"
	    " EXISTS (SELECT 1 FROM users WHERE phone_key = ?3)",
	[ST_BY_ID] = "SELECT 1 FROM users WHERE id = ?1",
	[ST_REHASH] = "UPDATE users SET password_encrypted = ?1,"
	    " password_encryption_method = ?2, updated_at = ?3"
	    " WHERE id = ?4 AND password_encrypted IS ?5",
	[ST_TOKEN_KNOWN] = "SELECT 1 FROM verified_tokens"
	    " WHERE key = ?1 AND exp > ?2",
	[ST_TOKEN_PURGE] = "DELETE FROM verified_tokens WHERE exp <= ?1",
	[ST_TOKEN_PUT] = "INSERT OR REPLACE INTO verified_tokens (key, exp)"
	    " VALUES (?1, ?2)",
	[ST_COUNT_ADD] = "UPDATE user_count SET n = n + ?1",
	[ST_COUNT] = "SELECT n FROM user_count",
	/* store_find_update_conflict: email, phone, username; ?4 excluded. */
	[ST_CONFLICT_OTHER] = "SELECT"
	    " EXISTS (SELECT 1 FROM users WHERE email_key = ?1 AND id <> ?4),"
	    " EXISTS (SELECT 1 FROM users WHERE phone_key = ?2 AND id <> ?4),"
	    " EXISTS (SELECT 1 FROM users WHERE username = ?3 AND id <> ?4)",
	[ST_DELETE] = "DELETE FROM users WHERE id = ?1",
	[ST_IDENT_PUT] = "INSERT INTO user_identities (user_id, target,"
	    " identity_user_id) VALUES (?1, ?2, ?3) ON CONFLICT (user_id, target)"
	    " DO UPDATE SET identity_user_id = excluded.identity_user_id",
	[ST_IDENT_DEL] = "DELETE FROM user_identities WHERE user_id = ?1 AND"
	    " target = ?2",
	[ST_SET_IDENTITIES] = "UPDATE users SET identities = ?1,"
	    " updated_at = ?2 WHERE id = ?3",
	[ST_GET_ROWID] = "SELECT " USER_COLUMNS " FROM users WHERE rowid = ?1",
	/* The oldest expired keys, through idempotency_keys_expires. */
	[ST_IDEM_PURGE] = "DELETE FROM idempotency_keys WHERE key IN"
	    " (SELECT key FROM idempotency_keys WHERE expires_at <= ?1"
	    " ORDER BY expires_at LIMIT ?2)",
	[ST_IDEM_INSERT] = "INSERT INTO idempotency_keys (key, fingerprint,"
	    " owner, lease_until, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT (key) DO NOTHING",
	[ST_IDEM_GET] = "SELECT fingerprint, owner IS NOT NULL, lease_until,"
	    " expires_at, status, body FROM idempotency_keys WHERE key = ?1",
	[ST_IDEM_TAKE] = "UPDATE idempotency_keys SET fingerprint = ?2,"
	    " owner = ?3, lease_until = ?4, expires_at = ?5, status = NULL,"
	    " body = NULL WHERE key = ?1",
	[ST_IDEM_ANSWER] = "UPDATE idempotency_keys SET owner = NULL,"
	    " status = ?3, body = ?4 WHERE key = ?1 AND owner = ?2",
	[ST_IDEM_DELETE] = "DELETE FROM idempotency_keys WHERE key = ?1"
	    " AND owner = ?2",
};

/* The busy handler's state (store_busy), one per connection. */
struct store_busy {
	int		 timeout_ms;
	struct timespec	 start;		/* of the current wait */
	uint64_t	 rnd;		/* xorshift64 state, never 0 */
};

struct store {
	const struct store_ops	*ops;		/* first: store_impl.h */
	sqlite3			*db;
	sqlite3_stmt		*st[ST_MAX];
	sqlite3_stmt		*dyn[STORE_DYN_CACHE];	/* built per query, by SQL text */
	size_t			 dyn_next;		/* next slot to replace */
	struct store_busy	 busy;
	struct store_group	*group;		/* not owned; NULL: alone */
	char			*path;		/* owned: for the group's writer */
	struct store_opts	 opts;
	int			 hold;	/* a key is claimed: keep the next
					   write's transaction open */
	int			 held;	/* that transaction is open */
};

/*
 * Maps an SQLite result code (primary or extended) to the store's
 * contract and logs SQLite's message with what was being done.
 */
static enum usercgi_err
store_err(sqlite3 *db, int rc, const char *what)
{
	log_err("sqlite: %s: %s (%d)", what,
	    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc), rc);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return USERCGI_BUSY;
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_PERM:
		return USERCGI_UNAVAILABLE;
	case SQLITE_NOMEM:
		return USERCGI_NOMEM;
	default:
		return USERCGI_INTERNAL;
	}
}

/* Binds v (NULL binds SQL NULL); the caller keeps v alive until reset. */
static int
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* Binds an epoch-ms value, -1 as SQL NULL. */
static int
store_bind_ms(sqlite3_stmt *st, int i, int64_t v)
{
	if (v == -1)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int64(st, i, v);
}

/*
 * Sets *st to statement id of s, prepared on its first use: a CGI
 * process uses three or four of them, and preparing is parsing.
 * Returns USERCGI_OK, or store_err's mapping of the failure.
 */
static enum usercgi_err
store_stmt(struct store *s, enum store_stmt id, sqlite3_stmt **st)
{
	int	rc;

	if (s->st[id] == NULL && (rc = sqlite3_prepare_v3(s->db,
	    store_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->st[id],
	    NULL)) != SQLITE_OK)
		return store_err(s->db, rc, store_sql[id]);
	*st = s->st[id];
	return USERCGI_OK;
}

/* Steps a statement without parameters or rows (BEGIN/COMMIT/ROLLBACK). */
static enum usercgi_err
store_run(struct store *s, enum store_stmt id)
{
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err;
	int			 rc;

	if ((err = store_stmt(s, id, &st)) != USERCGI_OK)
		return err;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_err(s->db, rc, store_sql[id]);
	return USERCGI_OK;
}

/* Rolls back the open transaction, if SQLite has not already done so. */
static void
store_rollback(struct store *s)
{
	if (sqlite3_get_autocommit(s->db) == 0)
		(void)store_run(s, ST_ROLLBACK);
}

/*
 * Commits a write transaction, or keeps it open for store_idem_answer
 * when a claimed idempotency key asks for it (store_idem_claim).
 */
static enum usercgi_err
store_write_commit(struct store *s)
{
	if (s->hold) {
		s->hold = 0;
		s->held = 1;
		return USERCGI_OK;
	}
	return store_run(s, ST_COMMIT);
}

/*
 * Runs a one-parameter existence lookup.  Returns USERCGI_OK with *found
 * set, or the mapped error.
 */
static enum usercgi_err
store_exists(struct store *s, enum store_stmt id, const char *v, int *found)
{
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err = USERCGI_OK;
	int			 rc;

	*found = 0;
	if ((err = store_stmt(s, id, &st)) != USERCGI_OK)
		return err;
	if ((rc = store_bind_text(st, 1, v)) != SQLITE_OK) {
		err = store_err(s->db, rc, "bind");
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*found = 1;
	else if (rc != SQLITE_DONE)
		err = store_err(s->db, rc, store_sql[id]);
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return err;
}

/*
 * Runs conflict statement id (three EXISTS columns) on vals, NULL ones
 * unchecked, and uid as its fourth parameter (the row excluded) when
 * not NULL.  Returns USERCGI_OK, taken[i] for the first column that is
 * true, or the mapped error.
 */
static enum usercgi_err
store_conflict_run(struct store *s, enum store_stmt id,
    const char *const vals[3], const enum usercgi_err taken[3],
    const char *uid)
{
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err = USERCGI_OK;
	int			 i, rc;

	if (vals[0] == NULL && vals[1] == NULL && vals[2] == NULL)
		return USERCGI_OK;
	if ((err = store_stmt(s, id, &st)) != USERCGI_OK)
		return err;
	for (i = 0; i < 3; i++)
		if ((rc = store_bind_text(st, i + 1, vals[i])) != SQLITE_OK) {
			err = store_err(s->db, rc, "bind");
			goto out;
		}
	if (uid != NULL && (rc = store_bind_text(st, 4, uid)) != SQLITE_OK) {
		err = store_err(s->db, rc, "bind");
		goto out;
	}
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		err = store_err(s->db, rc, store_sql[id]);
		goto out;
	}
	for (i = 0; i < 3; i++)
		if (sqlite3_column_int(st, i) != 0) {
			err = taken[i];
			break;
		}
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return err;
}

/* Checks 6-8 of §2 on computed keys: store_find_conflict's result. */
static enum usercgi_err
store_conflict_keyed(struct store *s, const char *username,
    const char *email_key, const char *phone)
{
	static const enum usercgi_err taken[3] = { USERCGI_USERNAME_TAKEN,
	    USERCGI_EMAIL_TAKEN, USERCGI_PHONE_TAKEN };
	const char	*vals[3] = { username, email_key, phone };

	return store_conflict_run(s, ST_CONFLICT, vals, taken, NULL);
}

/* Runs SQL without results; returns the mapped error. */
static enum usercgi_err
store_exec(sqlite3 *db, const char *sql, const char *what)
{
	int	 rc;

	if ((rc = sqlite3_exec(db, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return store_err(db, rc, what);
	return USERCGI_OK;
}

/* Reads PRAGMA user_version into *v. */
static enum usercgi_err
store_user_version(sqlite3 *db, int *v)
{
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err;
	int			 rc;

	if ((rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st,
	    NULL)) != SQLITE_OK) {
		err = store_err(db, rc, "PRAGMA user_version");
		goto out;
	}
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		err = store_err(db, rc, "PRAGMA user_version");
		goto out;
	}
	*v = sqlite3_column_int(st, 0);
	err = USERCGI_OK;
out:
	sqlite3_finalize(st);
	return err;
}

/*
 * Switches to WAL unless the file is in WAL mode already; anything else
 * than "wal" back means it did not stick.  Changing the journal mode
 * needs an exclusive lock and SQLite answers SQLITE_BUSY at once, without
 * its busy handler, when another process holds a shared lock (several
 * processes opening a brand-new file), so this retries for up to
 * timeout_ms.
 */
static enum usercgi_err
store_wal(sqlite3 *db, int timeout_ms)
{
	static const struct timespec	 pause = { 0, 5 * 1000 * 1000 };
	sqlite3_stmt			*st = NULL;
	const unsigned char		*mode;
	enum usercgi_err		 err;
	const char			*sql = "PRAGMA journal_mode";
	int				 rc, waited = 0;

	for (;;) {
		if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) !=
		    SQLITE_OK) {
			err = store_err(db, rc, sql);
			goto out;
		}
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			mode = sqlite3_column_text(st, 0);
			if (mode != NULL &&
			    strcmp((const char *)mode, "wal") == 0)
				break;
			if (strcmp(sql, "PRAGMA journal_mode=WAL") == 0) {
				log_err("sqlite: journal_mode is %s, not wal",
				    mode != NULL ? (const char *)mode :
				    "(null)");
				err = USERCGI_UNAVAILABLE;
				goto out;
			}
			sql = "PRAGMA journal_mode=WAL";
		} else if ((rc & 0xff) != SQLITE_BUSY &&
		    (rc & 0xff) != SQLITE_LOCKED) {
			err = store_err(db, rc, sql);
			goto out;
		} else if (waited >= timeout_ms) {
			err = store_err(db, rc, sql);
			goto out;
		} else {
			(void)nanosleep(&pause, NULL);
			waited += 5;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	err = USERCGI_OK;
out:
	sqlite3_finalize(st);
	return err;
}

/* Returns 1 when this build can use schema version v, else logs and 0. */
static int
store_version_known(int v)
{
	if (v >= 0 && v <= STORE_SCHEMA_VERSION)
		return 1;
	log_err("sqlite: database schema version %d, this build knows %d", v,
	    STORE_SCHEMA_VERSION);
	return 0;
}

/*
 * Brings the schema to STORE_SCHEMA_VERSION.  The version is read once
 * without a lock (the common case: nothing to do) and again inside BEGIN
 * IMMEDIATE, so when several processes open a new file at once exactly
 * one of them migrates and the others see its result.
 */
static enum usercgi_err
store_migrate(sqlite3 *db)
{
	char			 sql[64];
	enum usercgi_err	 err;
	int			 v, n, intx = 0;

	if ((err = store_user_version(db, &v)) != USERCGI_OK)
		goto out;
	if (v == STORE_SCHEMA_VERSION)
		goto out;
	if (!store_version_known(v)) {
		err = USERCGI_INTERNAL;
		goto out;
	}
	if ((err = store_exec(db, "BEGIN IMMEDIATE", "migrate: begin")) !=
	    USERCGI_OK)
		goto out;
	intx = 1;
	if ((err = store_user_version(db, &v)) != USERCGI_OK)
		goto out;
	if (!store_version_known(v)) {
		err = USERCGI_INTERNAL;
		goto out;
	}
	if (v < STORE_SCHEMA_VERSION) {
		for (; v < STORE_SCHEMA_VERSION; v++)
			if ((err = store_exec(db, store_migrations[v],
			    "migrate")) != USERCGI_OK)
				goto out;
		n = snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    STORE_SCHEMA_VERSION);
		if (n < 0 || (size_t)n >= sizeof(sql)) {
			err = USERCGI_INTERNAL;
			goto out;
		}
		if ((err = store_exec(db, sql, "migrate: version")) !=
		    USERCGI_OK)
			goto out;
		log_info("sqlite: database schema created/migrated to"
		    " version %d", STORE_SCHEMA_VERSION);
	}
	err = store_exec(db, "COMMIT", "migrate: commit");
	if (err == USERCGI_OK)
		intx = 0;
out:
	if (intx && sqlite3_get_autocommit(db) == 0)
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

/* Returns a - b in microseconds. */
static int64_t
store_us_since(const struct timespec *a, const struct timespec *b)
{
	return ((int64_t)a->tv_sec - (int64_t)b->tv_sec) * 1000000 +
	    ((int64_t)a->tv_nsec - (int64_t)b->tv_nsec) / 1000;
}

/*
 * The busy handler (sqlite3_busy_handler): n is 0 on the first call of
 * each wait.  Sleeps 100-1000 us, uniformly at random so that waiting
 * processes do not retry in step, and returns 1 (try again) until the
 * wait has lasted timeout_ms, then 0 (SQLite returns SQLITE_BUSY).
 */
static int
store_busy(void *arg, int n)
{
	struct store_busy	*b = arg;
	struct timespec		 now, pause;
	uint64_t		 x;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (n == 0)
		b->start = now;
	if (store_us_since(&now, &b->start) >= (int64_t)b->timeout_ms * 1000)
		return 0;
	x = b->rnd;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	b->rnd = x;
	pause.tv_sec = 0;
	pause.tv_nsec = (long)(100 + x % 901) * 1000;
	(void)nanosleep(&pause, NULL);
	return 1;
}

/* Seeds the busy handler's generator: differs between processes and connections. */
static void
store_busy_init(struct store_busy *b, int timeout_ms)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	b->timeout_ms = timeout_ms;
	b->rnd = ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_nsec ^
	    ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)(uintptr_t)b;
	if (b->rnd == 0)
		b->rnd = 0x9e3779b97f4a7c15ULL;
}

/*
 * The WAL hook of a one_request connection (sqlite3_wal_hook), called
 * after each commit with the WAL's length in frames: from
 * STORE_CGI_CHECKPOINT frames on, checkpoints in TRUNCATE mode, which
 * copies the WAL into the database and empties it.  (SQLite's own
 * automatic checkpoint is PASSIVE: it never restarts the WAL when every
 * process rebuilt the index afresh, so the file and each next
 * checkpoint would only grow.)  The busy handler is off meanwhile: the
 * response waits for this, so while another process reads or writes,
 * the checkpoint is left to a later commit.  arg is the store.  Returns
 * SQLITE_OK: the commit has happened either way.
 */
static int
store_wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store	*s = arg;

	if (frames < STORE_CGI_CHECKPOINT)
		return SQLITE_OK;
	sqlite3_busy_handler(db, NULL, NULL);
	(void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_TRUNCATE,
	    NULL, NULL);
	sqlite3_busy_handler(db, store_busy, &s->busy);
	return SQLITE_OK;
}

/*
 * Settings of a connection that serves one request (store_opts): no
 * checkpoint when it closes and the WAL file kept.  By default SQLite
 * copies the WAL into the database, fsyncs both and deletes the WAL at
 * every last close, and the next process creates and fsyncs it again:
 * five fsyncs per CGI request instead of two (the commit's and the
 * directory's, which SQLite does whenever it opens a WAL that it may
 * have created).  Every process that opens the database alone rebuilds
 * the WAL's index by reading every frame, so store_wal_hook keeps the
 * WAL short.  Committed rows are durable in the WAL either way.
 */
static void
store_one_request(struct store *s)
{
	int	on = 1;

	(void)sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
	    NULL);
	(void)sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL,
	    &on);
	(void)sqlite3_wal_hook(s->db, store_wal_hook, s);
}

/*
 * Creates the database file at path empty, mode 0600 (or 0660 with
 * o->group), unless it exists; SQLite would create it 0644 & ~umask,
 * readable by everyone, and give its -wal and -shm files that mode too.
 * The group is set while the mode is still 0600, so no other group ever
 * sees the file.  An existing path must be a regular file (a FIFO would
 * hang SQLite's first read).  Returns USERCGI_OK, USERCGI_UNAVAILABLE
 * (cannot create: directory, disk) or USERCGI_INTERNAL (not a regular
 * file, cannot set the mode or group), logged.
 */
static enum usercgi_err
store_create_file(const char *path, const struct store_opts *o)
{
	struct stat		 st;
	mode_t			 mode = o->group_set ? 0660 : 0600;
	int			 fd;
	enum usercgi_err	 err = USERCGI_INTERNAL;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC, 0600);
	if (fd == -1 && errno == EEXIST) {
		if (stat(path, &st) == -1)
			log_err("sqlite: %s: %s", path, strerror(errno));
		else if (!S_ISREG(st.st_mode))
			log_err("sqlite: %s: not a regular file", path);
		else
			err = USERCGI_OK;
		goto out;
	}
	if (fd == -1) {
		log_err("sqlite: cannot create %s: %s", path, strerror(errno));
		err = USERCGI_UNAVAILABLE;
		goto out;
	}
	if ((o->group_set && fchown(fd, (uid_t)-1, o->group) == -1) ||
	    fchmod(fd, mode) == -1) {
		log_err("sqlite: %s: cannot set mode %04o%s: %s", path,
		    (unsigned)mode, o->group_set ? " and the group" : "",
		    strerror(errno));
		(void)unlink(path);
		goto out;
	}
	err = USERCGI_OK;
out:
	if (fd != -1)
		(void)close(fd);
	return err;
}

static enum usercgi_err store_functions(sqlite3 *);
static void store_sq_close(struct store *);

static enum usercgi_err
store_sq_open(const char *path, const struct store_opts *o, struct store **out)
{
	struct store		*s = NULL;
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err = USERCGI_INTERNAL;
	size_t			 i;
	int			 rc;

	*out = NULL;
	if (path == NULL || o == NULL) {
		log_err("store_open: no database configured");
		goto out;
	}
	if ((s = xcalloc(1, sizeof(*s))) == NULL ||
	    (s->path = xstrdup(path)) == NULL) {
		err = USERCGI_NOMEM;
		goto out;
	}
	s->ops = &store_sqlite_ops;
	s->opts = *o;
	if ((err = store_create_file(path, o)) != USERCGI_OK)
		goto out;
	err = USERCGI_INTERNAL;
	/*
	 * NOMUTEX: a connection is used by one thread at a time (the
	 * group's writer under the group's mutex), so SQLite need not lock
	 * it around every call.
	 */
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
	    (o->nofollow ? SQLITE_OPEN_NOFOLLOW : 0), NULL);
	if (s->db == NULL) {
		err = USERCGI_NOMEM;
		goto out;
	}
	if (rc != SQLITE_OK) {
		err = store_err(s->db, rc, "open");
		goto out;
	}
	sqlite3_extended_result_codes(s->db, 1);
	store_busy_init(&s->busy, o->busy_timeout_ms);
	sqlite3_busy_handler(s->db, store_busy, &s->busy);
	/* SQLite quietly falls back to read-only on a write-protected file. */
	if (sqlite3_db_readonly(s->db, "main") != 0) {
		log_err("sqlite: %s is not writable", path);
		err = USERCGI_UNAVAILABLE;
		goto out;
	}
	if (o->one_request)
		store_one_request(s);
	if ((err = store_functions(s->db)) != USERCGI_OK ||
	    (err = store_wal(s->db, o->busy_timeout_ms)) != USERCGI_OK ||
	    (err = store_exec(s->db, "PRAGMA synchronous=FULL",
	    "PRAGMA synchronous")) != USERCGI_OK ||
	    (err = store_exec(s->db, "PRAGMA foreign_keys=ON",
	    "PRAGMA foreign_keys")) != USERCGI_OK ||
	    (err = store_migrate(s->db)) != USERCGI_OK)
		goto out;
	/* A long-lived connection prepares everything now, once. */
	for (i = 0; i < ST_MAX && !o->one_request; i++)
		if ((err = store_stmt(s, (enum store_stmt)i, &st)) !=
		    USERCGI_OK)
			goto out;
	*out = s;
	s = NULL;
	err = USERCGI_OK;
out:
	store_sq_close(s);
	return err;
}

static void
store_sq_close(struct store *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < ST_MAX; i++)
		sqlite3_finalize(s->st[i]);
	for (i = 0; i < STORE_DYN_CACHE; i++)
		sqlite3_finalize(s->dyn[i]);
	if (sqlite3_close(s->db) != SQLITE_OK)
		log_err("sqlite: close: %s", sqlite3_errmsg(s->db));
	free(s->path);
	free(s);
}

static enum usercgi_err
store_sq_find_conflict(struct store *s, const char *username,
    const char *email, const char *phone)
{
	char			*key = NULL, pkey[PHONE_BUFSZ];
	enum usercgi_err	 err;

	if (email != NULL && (key = store_email_key(email)) == NULL) {
		err = USERCGI_NOMEM;
		goto out;
	}
	if (phone != NULL && (err = store_phone_key(phone, pkey)) != USERCGI_OK)
		goto out;
	err = store_conflict_keyed(s, username, key,
	    phone != NULL ? pkey : NULL);
out:
	free(key);
	return err;
}

/* Adds d to the number of users, inside the caller's transaction. */
static enum usercgi_err
store_count_add(struct store *s, int d)
{
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err;
	int			 rc;

	if ((err = store_stmt(s, ST_COUNT_ADD, &st)) != USERCGI_OK)
		return err;
	if ((rc = sqlite3_bind_int(st, 1, d)) == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_err(s->db, rc, "count");
	return USERCGI_OK;
}

/*
 * Binds every column of u (and its email and phone keys) to the insert
 * statement.  Returns the first SQLite error, or SQLITE_OK.
 */
static int
store_bind_user(sqlite3_stmt *st, const struct store_user *u,
    const struct store_keys *k)
{
	int	rc = SQLITE_OK;

#define B(x)	do { if ((rc = (x)) != SQLITE_OK) goto out; } while (0)
	B(store_bind_text(st, 1, u->id));
	B(store_bind_text(st, 2, u->username));
	B(store_bind_text(st, 3, u->primary_email));
	B(store_bind_text(st, 4, u->primary_phone));
	B(store_bind_text(st, 5, u->password_encrypted));
	B(store_bind_text(st, 6, u->password_encryption_method));
	B(store_bind_text(st, 7, u->name));
	B(store_bind_text(st, 8, u->avatar));
	B(store_bind_text(st, 9, u->profile_json ? u->profile_json : "{}"));
	B(store_bind_text(st, 10,
	    u->custom_data_json ? u->custom_data_json : "{}"));
	B(store_bind_text(st, 11,
	    u->identities_json ? u->identities_json : "{}"));
	B(store_bind_text(st, 12, u->application_id));
	B(sqlite3_bind_int(st, 13, u->is_suspended != 0));
	B(store_bind_ms(st, 14, u->last_sign_in_at));
	B(store_bind_ms(st, 15, u->password_updated_at));
	B(sqlite3_bind_int64(st, 16, u->created_at));
	B(sqlite3_bind_int64(st, 17, u->updated_at));
	B(sqlite3_bind_int(st, 18, u->is_password_expired != 0));
	B(store_bind_text(st, 19, "{}"));
	B(store_bind_text(st, 20, k->email));
	B(store_bind_text(st, 21, k->phone));
	B(store_bind_text(st, 22, k->username));
	B(store_bind_text(st, 23, k->name));
#undef B
out:
	return rc;
}

/*
 * A UNIQUE/PRIMARY KEY constraint fired inside the insert transaction:
 * names the constraint by looking the values up in the same transaction,
 * in the order username, email, phone, then id.
 */
static enum usercgi_err
store_which_unique(struct store *s, const struct store_user *u,
    const struct store_keys *k)
{
	enum usercgi_err	 err;
	int			 found;

	if ((err = store_conflict_keyed(s, u->username, k->email, k->phone)) !=
	    USERCGI_OK)
		goto out;
	if ((err = store_exists(s, ST_BY_ID, u->id, &found)) != USERCGI_OK)
		goto out;
	if (found) {
		err = USERCGI_ID_TAKEN;
		goto out;
	}
	log_err("sqlite: unique constraint fired but no conflicting row");
	err = USERCGI_INTERNAL;
out:
	return err;
}

/*
 * Inserts one row inside the open transaction.  Returns USERCGI_OK, the
 * *_TAKEN / USERCGI_ID_TAKEN of a uniqueness hit (the statement is undone,
 * the transaction goes on), or the mapped error.
 */
static enum usercgi_err
store_insert_row(struct store *s, const struct store_user *u,
    const struct store_keys *k)
{
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err = USERCGI_OK;
	int			 rc;

	if ((err = store_stmt(s, ST_INSERT, &st)) != USERCGI_OK)
		return err;
	if ((rc = store_bind_user(st, u, k)) != SQLITE_OK) {
		err = store_err(s->db, rc, "bind");
		sqlite3_clear_bindings(st);
		goto out;
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE ||
	    rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
		log_debug("sqlite: insert: %s", sqlite3_errmsg(s->db));
		err = store_which_unique(s, u, k);
		goto out;
	}
	if (rc != SQLITE_DONE) {
		err = store_err(s->db, rc, "insert");
		goto out;
	}
	err = store_count_add(s, 1);
out:
	return err;
}

/*
 * Runs one batch of queued rows on the leader's connection s: BEGIN
 * IMMEDIATE, each row between SAVEPOINT and RELEASE (ROLLBACK TO on its
 * failure, which affects no other row), one COMMIT.  Sets every job's
 * rc: its own row's result, or, when the transaction as a whole fails
 * (BEGIN, a savepoint, SQLite abandoning the transaction, COMMIT), that
 * error for every row that would otherwise have succeeded.
 */
static void
store_run_batch(struct store *s, struct store_job *batch)
{
	struct store_job	*j = batch, *k;
	enum usercgi_err	 err;
	int			 reached;

	if ((err = store_run(s, ST_BEGIN)) != USERCGI_OK)
		goto fail;
	for (; j != NULL; j = j->next) {
		if ((err = store_run(s, ST_SAVEPOINT)) != USERCGI_OK)
			goto fail;
		j->rc = store_insert_row(s, j->u, j->k);
		if (j->rc == USERCGI_OK) {
			if ((err = store_run(s, ST_RELEASE)) != USERCGI_OK)
				goto fail;
			continue;
		}
		if (sqlite3_get_autocommit(s->db) != 0) {
			/* SQLite rolled the whole transaction back. */
			err = j->rc;
			goto fail;
		}
		if ((err = store_run(s, ST_ROLLBACK_TO)) != USERCGI_OK ||
		    (err = store_run(s, ST_RELEASE)) != USERCGI_OK)
			goto fail;
	}
	if ((err = store_run(s, ST_COMMIT)) == USERCGI_OK)
		return;
fail:
	/* j is the row being run when it failed, NULL after the last. */
	for (reached = 0, k = batch; k != NULL; k = k->next) {
		reached |= k == j;
		if (reached || k->rc == USERCGI_OK)
			k->rc = err;
	}
	store_rollback(s);
}

/*
 * store_ops' insert_batch: runs the batch on the group's own writer
 * connection, opened on first use with s's path and options, so that
 * every batch finds the pages the last one used still in its cache
 * (SQLite drops a connection's cache whenever another connection has
 * written); on s when the writer cannot be opened.
 */
static void
store_sq_insert_batch(struct store *s, struct store **writer,
    struct store_job *batch)
{
	if (*writer == NULL)
		(void)store_sq_open(s->path, &s->opts, writer);
	store_run_batch(*writer != NULL ? *writer : s, batch);
}

static enum usercgi_err
store_sq_user_insert(struct store *s, const struct store_user *u,
    const struct store_keys *k)
{
	enum usercgi_err	 err;

	if (s->group != NULL && !s->hold)
		return store_group_insert(s->group, s, u, k);
	if ((err = store_run(s, ST_BEGIN)) != USERCGI_OK)
		goto out;
	if ((err = store_insert_row(s, u, k)) != USERCGI_OK)
		goto out;
	err = store_write_commit(s);
out:
	if (err != USERCGI_OK)
		store_rollback(s);
	return err;
}

static void
store_sq_set_group(struct store *s, struct store_group *g)
{
	s->group = g;
}

/*
 * Copies text column i into *dst (NULL for SQL NULL, dflt when given and
 * the column is NULL).  Returns USERCGI_OK or USERCGI_NOMEM.
 */
static enum usercgi_err
store_col(sqlite3_stmt *st, int i, const char *dflt, char **dst)
{
	const unsigned char	*t;

	*dst = NULL;
	if (sqlite3_column_type(st, i) == SQLITE_NULL) {
		if (dflt != NULL && (*dst = xstrdup(dflt)) == NULL)
			return USERCGI_NOMEM;
		return USERCGI_OK;
	}
	if ((t = sqlite3_column_text(st, i)) == NULL)
		return USERCGI_NOMEM;
	if ((*dst = xstrndup((const char *)t,
	    (size_t)sqlite3_column_bytes(st, i))) == NULL)
		return USERCGI_NOMEM;
	return USERCGI_OK;
}

/* Returns an epoch-ms column, -1 for NULL. */
static int64_t
store_col_ms(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return -1;
	return sqlite3_column_int64(st, i);
}

/*
 * Copies the current row of st (columns in USER_COLUMNS order) into *u.
 * Returns USERCGI_OK, or USERCGI_NOMEM / USERCGI_INTERNAL with *u freed.
 */
static enum usercgi_err
store_row(sqlite3_stmt *st, struct store_user *u)
{
	const unsigned char	*t;
	enum usercgi_err	 err;

	memset(u, 0, sizeof(*u));
	t = sqlite3_column_text(st, 0);
	if (t == NULL || (size_t)sqlite3_column_bytes(st, 0) > STORE_ID_LEN) {
		log_err("sqlite: stored id is not a store id");
		err = USERCGI_INTERNAL;
		goto out;
	}
	memcpy(u->id, t, (size_t)sqlite3_column_bytes(st, 0));
	if ((err = store_col(st, 1, NULL, &u->username)) != USERCGI_OK ||
	    (err = store_col(st, 2, NULL, &u->primary_email)) != USERCGI_OK ||
	    (err = store_col(st, 3, NULL, &u->primary_phone)) != USERCGI_OK ||
	    (err = store_col(st, 4, NULL, &u->password_encrypted)) !=
	    USERCGI_OK ||
	    (err = store_col(st, 5, NULL, &u->password_encryption_method)) !=
	    USERCGI_OK ||
	    (err = store_col(st, 6, NULL, &u->name)) != USERCGI_OK ||
	    (err = store_col(st, 7, NULL, &u->avatar)) != USERCGI_OK ||
	    (err = store_col(st, 8, "{}", &u->profile_json)) != USERCGI_OK ||
	    (err = store_col(st, 9, "{}", &u->custom_data_json)) !=
	    USERCGI_OK ||
	    (err = store_col(st, 10, "{}", &u->identities_json)) !=
	    USERCGI_OK ||
	    (err = store_col(st, 11, NULL, &u->application_id)) != USERCGI_OK)
		goto out;
	u->is_suspended = sqlite3_column_int(st, 12) != 0;
	u->last_sign_in_at = store_col_ms(st, 13);
	u->password_updated_at = store_col_ms(st, 14);
	u->created_at = sqlite3_column_int64(st, 15);
	u->updated_at = sqlite3_column_int64(st, 16);
	u->is_password_expired = sqlite3_column_int(st, 17) != 0;
	store_logto_config_read((const char *)sqlite3_column_text(st, 18),
	    (size_t)sqlite3_column_bytes(st, 18), &u->logto_config);
out:
	if (err != USERCGI_OK)
		store_user_free(u);
	return err;
}

static enum usercgi_err
store_sq_user_get(struct store *s, const char *id, struct store_user *u)
{
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err;
	int			 rc;

	memset(u, 0, sizeof(*u));
	if ((err = store_stmt(s, ST_GET, &st)) != USERCGI_OK)
		return err;
	if ((rc = store_bind_text(st, 1, id)) != SQLITE_OK) {
		err = store_err(s->db, rc, "bind");
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err = USERCGI_USER_NOT_FOUND;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		err = store_err(s->db, rc, "get");
		goto out;
	}
	err = store_row(st, u);
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return err;
}

static enum usercgi_err
store_sq_user_rehash(struct store *s, const char *id, const char *old_hash,
    const char *hash, const char *method, int64_t now_ms)
{
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err;
	int			 rc;

	if ((err = store_stmt(s, ST_REHASH, &st)) != USERCGI_OK)
		return err;
	if ((err = store_run(s, ST_BEGIN)) != USERCGI_OK)
		goto out;
	if ((rc = store_bind_text(st, 1, hash)) != SQLITE_OK ||
	    (rc = store_bind_text(st, 2, method)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int64(st, 3, now_ms)) != SQLITE_OK ||
	    (rc = store_bind_text(st, 4, id)) != SQLITE_OK ||
	    (rc = store_bind_text(st, 5, old_hash)) != SQLITE_OK) {
		err = store_err(s->db, rc, "bind");
		goto out;
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		err = store_err(s->db, rc, "rehash");
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		err = USERCGI_USER_NOT_FOUND;
		goto out;
	}
	err = store_run(s, ST_COMMIT);
out:
	if (err != USERCGI_OK)
		store_rollback(s);
	return err;
}

static enum usercgi_err
store_sq_token_known(struct store *s,
    const unsigned char key[STORE_TOKEN_KEY], int64_t now_s, int *known)
{
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err = USERCGI_OK;
	int			 rc;

	*known = 0;
	if ((err = store_stmt(s, ST_TOKEN_KNOWN, &st)) != USERCGI_OK)
		return err;
	if ((rc = sqlite3_bind_blob(st, 1, key, STORE_TOKEN_KEY,
	    SQLITE_STATIC)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int64(st, 2, now_s)) != SQLITE_OK) {
		err = store_err(s->db, rc, "bind");
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*known = 1;
	else if (rc != SQLITE_DONE)
		err = store_err(s->db, rc, "token lookup");
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return err;
}

/* Binds and steps a token statement (?1 the key or NULL, then an int). */
static enum usercgi_err
store_token_step(struct store *s, enum store_stmt id,
    const unsigned char *key, int64_t v)
{
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err = USERCGI_OK;
	int			 rc, i = 1;

	if ((err = store_stmt(s, id, &st)) != USERCGI_OK)
		return err;
	if (key != NULL && (rc = sqlite3_bind_blob(st, i++, key,
	    STORE_TOKEN_KEY, SQLITE_STATIC)) != SQLITE_OK) {
		err = store_err(s->db, rc, "bind");
		goto out;
	}
	if ((rc = sqlite3_bind_int64(st, i, v)) != SQLITE_OK) {
		err = store_err(s->db, rc, "bind");
		goto out;
	}
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		err = store_err(s->db, rc, store_sql[id]);
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return err;
}

static enum usercgi_err
store_sq_token_remember(struct store *s,
    const unsigned char key[STORE_TOKEN_KEY], int64_t exp_s, int64_t now_s)
{
	enum usercgi_err	 err = USERCGI_OK;

	if (exp_s <= now_s)
		goto out;
	if ((err = store_run(s, ST_BEGIN)) != USERCGI_OK ||
	    (err = store_token_step(s, ST_TOKEN_PURGE, NULL, now_s)) !=
	    USERCGI_OK ||
	    (err = store_token_step(s, ST_TOKEN_PUT, key, exp_s)) !=
	    USERCGI_OK)
		goto out;
	err = store_run(s, ST_COMMIT);
out:
	if (err != USERCGI_OK)
		store_rollback(s);
	return err;
}

/*
 * usercgi_lower(x): x lowercased by utf8_tolower, NULL for NULL.  Used
 * by the migration to version 3 only, so it runs in C like every later
 * key computation.
 */
static void
store_fn_lower(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char	*t;
	char			*l;

	(void)argc;
	if ((t = sqlite3_value_text(argv[0])) == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if ((l = utf8_lower_dup((const char *)t,
	    (size_t)sqlite3_value_bytes(argv[0]))) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_text(ctx, l, -1, free);
}

/*
 * usercgi_like(pattern, text): re_like_match, case-sensitive (SQLite's
 * LIKE folds ASCII case and knows no backslash escape).  NULL when either
 * is NULL, as in SQL.
 */
static void
store_fn_like(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char	*p, *t;

	(void)argc;
	if ((p = sqlite3_value_text(argv[0])) == NULL ||
	    (t = sqlite3_value_text(argv[1])) == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_int(ctx, re_like_match((const char *)p,
	    (size_t)sqlite3_value_bytes(argv[0]), (const char *)t,
	    (size_t)sqlite3_value_bytes(argv[1])));
}

static void
store_re_free(void *p)
{
	re_free(p);
}

/*
 * usercgi_re(pattern, flags, text): re_match with re.h flags.  The
 * program is compiled once per statement: SQLite keeps it as the
 * auxiliary data of the (bound, constant) pattern argument.  A pattern
 * that does not compile is an SQL error (store_user_list checks patterns
 * before it runs, so this is not reached from a request).
 */
static void
store_fn_re(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char	*p, *t;
	struct re		*re;
	const char		*why;
	enum usercgi_err	 err;

	(void)argc;
	if ((p = sqlite3_value_text(argv[0])) == NULL ||
	    (t = sqlite3_value_text(argv[2])) == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if ((re = sqlite3_get_auxdata(ctx, 0)) == NULL) {
		err = re_compile((const char *)p,
		    (size_t)sqlite3_value_bytes(argv[0]),
		    (unsigned)sqlite3_value_int(argv[1]), &re, &why);
		if (err == USERCGI_NOMEM) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		if (err != USERCGI_OK) {
			sqlite3_result_error(ctx, why, -1);
			return;
		}
		sqlite3_set_auxdata(ctx, 0, re, store_re_free);
		if ((re = sqlite3_get_auxdata(ctx, 0)) == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	sqlite3_result_int(ctx, re_match(re, (const char *)t,
	    (size_t)sqlite3_value_bytes(argv[2])));
}

/* Registers the connection's functions (deterministic, UTF-8). */
static enum usercgi_err
store_functions(sqlite3 *db)
{
	int	f = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, rc;

	if ((rc = sqlite3_create_function(db, "usercgi_lower", 1, f, NULL,
	    store_fn_lower, NULL, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_create_function(db, "usercgi_like", 2, f, NULL,
	    store_fn_like, NULL, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_create_function(db, "usercgi_re", 3, f, NULL,
	    store_fn_re, NULL, NULL)) != SQLITE_OK)
		return store_err(db, rc, "create function");
	return USERCGI_OK;
}

static enum usercgi_err
store_sq_find_update_conflict(struct store *s, const char *id,
    const char *email, const char *phone, const char *username)
{
	static const enum usercgi_err	 taken[3] = { USERCGI_EMAIL_TAKEN,
	    USERCGI_PHONE_TAKEN, USERCGI_USERNAME_TAKEN };
	struct store_keys		 k;
	const char			*vals[3];
	enum usercgi_err		 err;

	memset(&k, 0, sizeof(k));
	err = store_keys_set(&k, email, phone, NULL, NULL);
	if (err == USERCGI_OK) {
		vals[0] = k.email;
		vals[1] = k.phone;
		vals[2] = username != NULL && username[0] != '\0' ? username :
		    NULL;
		err = store_conflict_run(s, ST_CONFLICT_OTHER, vals, taken, id);
	}
	store_keys_free(&k);
	return err;
}

/*
 * Sets *st to a prepared statement for sql, which the caller built from
 * fixed fragments only: from the connection's cache of STORE_DYN_CACHE
 * statements when the same text was prepared before, else prepared now
 * and put in the cache in place of the oldest.  Returns USERCGI_OK or
 * the mapped error.
 */
static enum usercgi_err
store_dyn(struct store *s, const char *sql, sqlite3_stmt **st)
{
	size_t	i;
	int	rc;

	for (i = 0; i < STORE_DYN_CACHE; i++)
		if (s->dyn[i] != NULL && strcmp(sqlite3_sql(s->dyn[i]), sql) ==
		    0) {
			*st = s->dyn[i];
			return USERCGI_OK;
		}
	i = s->dyn_next;
	s->dyn_next = (s->dyn_next + 1) % STORE_DYN_CACHE;
	sqlite3_finalize(s->dyn[i]);
	s->dyn[i] = NULL;
	if ((rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &s->dyn[i], NULL)) != SQLITE_OK)
		return store_err(s->db, rc, "prepare");
	*st = s->dyn[i];
	return USERCGI_OK;
}

/* Prepares (through the cache) and binds the built statement. */
static enum usercgi_err
store_sqlb_prepare(struct store *s, struct store_sqlb *b, sqlite3_stmt **st)
{
	enum usercgi_err	 err;
	size_t			 i;
	int			 rc = SQLITE_OK;

	*st = NULL;
	if (b->err != USERCGI_OK)
		return b->err;
	if ((err = store_dyn(s, buf_str(&b->sql), st)) != USERCGI_OK)
		return err;
	for (i = 0; i < b->nargs && rc == SQLITE_OK; i++) {
		if (b->args[i].is_int)
			rc = sqlite3_bind_int64(*st, (int)i + 1, b->args[i].i);
		else if (b->args[i].text == NULL)
			rc = sqlite3_bind_null(*st, (int)i + 1);
		else
			rc = sqlite3_bind_text(*st, (int)i + 1, b->args[i].text,
			    (int)b->args[i].len, SQLITE_STATIC);
	}
	if (rc != SQLITE_OK) {
		sqlite3_clear_bindings(*st);
		return store_err(s->db, rc, "bind");
	}
	return USERCGI_OK;
}

/* Resets a built statement after use. */
static void
store_sqlb_done(sqlite3_stmt *st)
{
	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

/* Appends ", column = ?" (the first without the comma) for text v. */
static void
store_set_col(struct store_sqlb *b, int *first, const char *col,
    const char *v, int own)
{
	store_sqlb_set(b, first, col);
	store_sqlb_arg(b, v, "text", own);
}

static void
store_set_int(struct store_sqlb *b, int *first, const char *col, int64_t v)
{
	store_sqlb_set(b, first, col);
	store_sqlb_int(b, v);
}

/*
 * Builds the UPDATE of store_user_update for p on the row cur (read in
 * the same transaction).  Merges and the logto configuration are
 * computed here, in C.
 */
static void
store_build_update(struct store_sqlb *b, const char *id,
    const struct store_patch *p, const struct store_user *cur, int64_t now_ms,
    struct store_keys *k)
{
	struct store_logto_config	 c;
	char				*t;
	int				 first = 1;
	unsigned			 set = p->set;

	store_sqlb_sql(b, "UPDATE users SET");
	if (set & STORE_P_USERNAME) {
		store_set_col(b, &first, "username", store_nz(p->username), 0);
		store_set_col(b, &first, "username_key", k->username, 0);
	}
	if (set & STORE_P_EMAIL) {
		store_set_col(b, &first, "primary_email",
		    store_nz(p->primary_email), 0);
		store_set_col(b, &first, "email_key", k->email, 0);
	}
	if (set & STORE_P_PHONE) {
		store_set_col(b, &first, "primary_phone",
		    store_nz(p->primary_phone), 0);
		store_set_col(b, &first, "phone_key", k->phone, 0);
	}
	if (set & STORE_P_NAME) {
		store_set_col(b, &first, "name", store_nz(p->name), 0);
		store_set_col(b, &first, "name_key", k->name, 0);
	}
	if (set & STORE_P_AVATAR)
		store_set_col(b, &first, "avatar", store_nz(p->avatar), 0);
	if (set & STORE_P_CUSTOM_DATA)
		store_set_col(b, &first, "custom_data", p->custom_data_json, 0);
	if (set & STORE_P_PROFILE)
		store_set_col(b, &first, "profile", p->profile_json, 0);
	if ((set & STORE_P_CUSTOM_MERGE) && b->err == USERCGI_OK) {
		if ((t = store_merge(cur->custom_data_json, p->custom_data_json,
		    NULL, &b->err)) != NULL)
			store_set_col(b, &first, "custom_data", t, 1);
	}
	if ((set & STORE_P_PROFILE_MERGE) && b->err == USERCGI_OK) {
		if ((t = store_merge(cur->profile_json, p->profile_json,
		    p->profile_keys, &b->err)) != NULL)
			store_set_col(b, &first, "profile", t, 1);
	}
	if (set & STORE_P_PASSWORD) {
		store_set_col(b, &first, "password_encrypted",
		    store_nz(p->password_encrypted), 0);
		store_set_col(b, &first, "password_encryption_method",
		    store_nz(p->password_encryption_method), 0);
		store_set_int(b, &first, "password_updated_at", now_ms);
	}
	if (set & STORE_P_EXPIRED)
		store_set_int(b, &first, "is_password_expired",
		    p->is_password_expired != 0);
	if (set & STORE_P_SUSPENDED)
		store_set_int(b, &first, "is_suspended", p->is_suspended != 0);
	if ((set & STORE_P_LOGTO_CONFIG) && b->err == USERCGI_OK) {
		c = cur->logto_config;
		store_logto_config_apply(&c, &p->logto_config);
		if ((t = store_logto_config_text(&c)) == NULL)
			b->err = USERCGI_NOMEM;
		else
			store_set_col(b, &first, "logto_config", t, 1);
	}
	store_set_int(b, &first, "updated_at", now_ms);
	store_sqlb_sql(b, " WHERE id = ");
	store_sqlb_str(b, id);
}

static enum usercgi_err
store_sq_user_update(struct store *s, const char *id,
    const struct store_patch *p, int64_t now_ms, struct store_user *out)
{
	struct store_sqlb	*b = NULL;
	struct store_keys	 k;
	struct store_user	 cur;
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err;
	unsigned		 set = p->set;
	int			 rc;

	memset(&k, 0, sizeof(k));
	memset(&cur, 0, sizeof(cur));
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if ((err = store_patch_check(p)) != USERCGI_OK)
		return err;
	if ((err = store_keys_set(&k,
	    (set & STORE_P_EMAIL) ? p->primary_email : NULL,
	    (set & STORE_P_PHONE) ? p->primary_phone : NULL,
	    (set & STORE_P_USERNAME) ? p->username : NULL,
	    (set & STORE_P_NAME) ? p->name : NULL)) != USERCGI_OK)
		goto out;
	if ((b = xmalloc(sizeof(*b))) == NULL) {
		err = USERCGI_NOMEM;
		goto out;
	}
	store_sqlb_init(b, 0);
	if ((err = store_run(s, ST_BEGIN)) != USERCGI_OK)
		goto out;
	if ((err = store_sq_user_get(s, id, &cur)) != USERCGI_OK)
		goto out;
	if ((err = store_sq_find_update_conflict(s, id,
	    (set & STORE_P_EMAIL) ? p->primary_email : NULL,
	    (set & STORE_P_PHONE) ? p->primary_phone : NULL,
	    (set & STORE_P_USERNAME) ? p->username : NULL)) != USERCGI_OK)
		goto out;
	store_build_update(b, id, p, &cur, now_ms, &k);
	if ((err = store_sqlb_prepare(s, b, &st)) != USERCGI_OK)
		goto out;
	rc = sqlite3_step(st);
	store_sqlb_done(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		/*
		 * The check above ran under this transaction's write lock, so
		 * this is not expected; name the constraint all the same.
		 */
		log_err("sqlite: update: %s", sqlite3_errmsg(s->db));
		if ((err = store_sq_find_update_conflict(s, id,
		    (set & STORE_P_EMAIL) ? p->primary_email : NULL,
		    (set & STORE_P_PHONE) ? p->primary_phone : NULL,
		    (set & STORE_P_USERNAME) ? p->username : NULL)) ==
		    USERCGI_OK)
			err = USERCGI_INTERNAL;
		goto out;
	}
	if (rc != SQLITE_DONE) {
		err = store_err(s->db, rc, "update");
		goto out;
	}
	if (out != NULL && (err = store_sq_user_get(s, id, out)) != USERCGI_OK)
		goto out;
	err = store_write_commit(s);
out:
	if (err != USERCGI_OK) {
		store_rollback(s);
		if (out != NULL)
			store_user_free(out);
	}
	if (b != NULL) {
		store_sqlb_free(b);
		free(b);
	}
	store_user_free(&cur);
	store_keys_free(&k);
	return err;
}

static enum usercgi_err
store_sq_user_delete(struct store *s, const char *id)
{
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err;
	int			 rc;

	if ((err = store_stmt(s, ST_DELETE, &st)) != USERCGI_OK)
		return err;
	if ((err = store_run(s, ST_BEGIN)) != USERCGI_OK)
		goto out;
	if ((rc = store_bind_text(st, 1, id)) == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		err = store_err(s->db, rc, "delete");
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		err = USERCGI_USER_NOT_FOUND;
		goto out;
	}
	if ((err = store_count_add(s, -1)) != USERCGI_OK)
		goto out;
	err = store_run(s, ST_COMMIT);
out:
	if (err != USERCGI_OK)
		store_rollback(s);
	return err;
}

/*
 * Binds a and, when not NULL, b and c to statement id and steps it once.
 * Returns SQLite's result (SQLITE_ERROR when it cannot be prepared).
 */
static int
store_step3(struct store *s, enum store_stmt id, const char *a, const char *b,
    const char *c)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	if (store_stmt(s, id, &st) != USERCGI_OK)
		return SQLITE_ERROR;
	if ((rc = store_bind_text(st, 1, a)) == SQLITE_OK &&
	    (b == NULL || (rc = store_bind_text(st, 2, b)) == SQLITE_OK) &&
	    (c == NULL || (rc = store_bind_text(st, 3, c)) == SQLITE_OK))
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* Writes the identities column of id (and updated_at) inside the transaction. */
static enum usercgi_err
store_put_identities(struct store *s, const char *id, const char *json,
    int64_t now_ms)
{
	sqlite3_stmt	*st = NULL;
	enum usercgi_err err;
	int		 rc;

	if ((err = store_stmt(s, ST_SET_IDENTITIES, &st)) != USERCGI_OK)
		return err;
	if ((rc = store_bind_text(st, 1, json)) == SQLITE_OK &&
	    (rc = sqlite3_bind_int64(st, 2, now_ms)) == SQLITE_OK &&
	    (rc = store_bind_text(st, 3, id)) == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return store_err(s->db, rc, "identities");
	return USERCGI_OK;
}

static enum usercgi_err
store_sq_identity_set(struct store *s, const char *id, const char *target,
    const char *identity_user_id, const char *identity_json, int64_t now_ms,
    int *created, char **identities_out)
{
	struct store_user	 cur;
	struct json_object	*ids = NULL, *ident = NULL;
	enum usercgi_err	 err;
	char			*text = NULL;
	int			 rc;

	memset(&cur, 0, sizeof(cur));
	*created = 0;
	if (identities_out != NULL)
		*identities_out = NULL;
	if ((err = store_json_object(identity_json, &ident)) != USERCGI_OK)
		goto out;
	if ((err = store_run(s, ST_BEGIN)) != USERCGI_OK)
		goto out;
	if ((err = store_sq_user_get(s, id, &cur)) != USERCGI_OK ||
	    (err = store_json_object(cur.identities_json, &ids)) != USERCGI_OK)
		goto out;
	rc = store_step3(s, ST_IDENT_PUT, id, target, identity_user_id);
	if (rc == SQLITE_CONSTRAINT_UNIQUE ||
	    rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
		err = USERCGI_IDENTITY_IN_USE;
		goto out;
	}
	if (rc != SQLITE_DONE) {
		err = store_err(s->db, rc, "identity");
		goto out;
	}
	*created = !json_object_object_get_ex(ids, target, NULL);
	if (json_object_object_add(ids, target, ident) != 0) {
		err = USERCGI_NOMEM;
		goto out;
	}
	ident = NULL;
	if ((text = store_json_text(ids, &err)) == NULL ||
	    (err = store_put_identities(s, id, text, now_ms)) != USERCGI_OK)
		goto out;
	if ((err = store_write_commit(s)) != USERCGI_OK)
		goto out;
	if (identities_out != NULL) {
		*identities_out = text;
		text = NULL;
	}
out:
	if (err != USERCGI_OK) {
		store_rollback(s);
		*created = 0;
	}
	free(text);
	json_object_put(ids);
	json_object_put(ident);
	store_user_free(&cur);
	return err;
}

static enum usercgi_err
store_sq_identity_remove(struct store *s, const char *id, const char *target,
    int64_t now_ms, struct store_user *out)
{
	struct store_user	 cur;
	struct json_object	*ids = NULL;
	enum usercgi_err	 err;
	char			*text = NULL;
	int			 rc;

	memset(&cur, 0, sizeof(cur));
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if ((err = store_run(s, ST_BEGIN)) != USERCGI_OK)
		goto out;
	if ((err = store_sq_user_get(s, id, &cur)) != USERCGI_OK ||
	    (err = store_json_object(cur.identities_json, &ids)) != USERCGI_OK)
		goto out;
	if (!json_object_object_get_ex(ids, target, NULL)) {
		err = USERCGI_IDENTITY_NOT_EXIST;
		goto out;
	}
	json_object_object_del(ids, target);
	if ((rc = store_step3(s, ST_IDENT_DEL, id, target, NULL)) !=
	    SQLITE_DONE) {
		err = store_err(s->db, rc, "identity");
		goto out;
	}
	if ((text = store_json_text(ids, &err)) == NULL ||
	    (err = store_put_identities(s, id, text, now_ms)) != USERCGI_OK)
		goto out;
	if (out != NULL && (err = store_sq_user_get(s, id, out)) != USERCGI_OK)
		goto out;
	err = store_write_commit(s);
out:
	if (err != USERCGI_OK) {
		store_rollback(s);
		if (out != NULL)
			store_user_free(out);
	}
	free(text);
	json_object_put(ids);
	store_user_free(&cur);
	return err;
}

/*
 * Returns 1 when LIKE pattern p is a literal prefix followed by one or
 * more "%" and nothing else (so the key range alone decides), else 0.
 */
static int
store_like_is_prefix(const char *p)
{
	size_t	i;

	for (i = 0; p[i] != '\0' && p[i] != '%'; i++) {
		if (p[i] == '_')
			return 0;
		if (p[i] == '\\' && p[i + 1] != '\0')
			i++;
	}
	if (p[i] != '%')
		return 0;
	while (p[i] == '%')
		i++;
	return p[i] == '\0';
}

/*
 * Returns 1 when LIKE pattern p is "%", a non-empty literal and "%" (any
 * run of "%" at either end, no other wildcard), with the literal,
 * escapes removed, in out (strlen(p) + 1 bytes); else 0.
 */
static int
store_like_is_infix(const char *p, char *out)
{
	size_t	i = 0, n = 0;

	if (p[0] != '%')
		return 0;
	while (p[i] == '%')
		i++;
	for (; p[i] != '\0' && p[i] != '%'; i++) {
		if (p[i] == '_')
			return 0;
		if (p[i] == '\\' && p[i + 1] != '\0')
			i++;
		out[n++] = p[i];
	}
	out[n] = '\0';
	while (p[i] == '%')
		i++;
	return n > 0 && p[i] == '\0';
}

/*
 * Appends the condition of one field f for group g.  Exact: an IN on
 * the key column (case-insensitive) or on an indexed value column, or
 * both.  LIKE: the range of keys that start with the pattern's
 * lowercased literal prefix [prefix, prefix || 0xff) -- every valid
 * UTF-8 continuation sorts below 0xff -- then usercgi_like as the filter,
 * on the key column with the lowercased pattern (case-insensitive) or on
 * the value column.  The others: usercgi_re on the value column.
 */
static void
store_where_field(struct store_sqlb *b, enum store_qfield f,
    const struct store_qgroup *g, int cs)
{
	const char	*key = store_qcols[f].key, *raw = store_qcols[f].raw;
	const char	*pat, *lp;
	char		*lo, *hi;
	size_t		 n;
	unsigned	 flags;

	if (b->err != USERCGI_OK)
		return;
	switch (g->mode) {
	case STORE_QM_EXACT:
		store_sqlb_exact(b, f, g, cs);
		return;
	case STORE_QM_LIKE:
		pat = g->values[0];
		if ((lp = store_sqlb_lower(b, pat)) == NULL)
			return;
		/* Lowercasing may change the length: room for either. */
		n = strlen(lp) > strlen(pat) ? strlen(lp) : strlen(pat);
		if ((lo = xmalloc(n + 2)) == NULL ||
		    (hi = xmalloc(n + 2)) == NULL) {
			free(lo);
			b->err = USERCGI_NOMEM;
			return;
		}
		n = re_like_prefix(lp, strlen(lp), lo);
		memcpy(hi, lo, n);
		hi[n] = (char)0xff;
		lo[n] = hi[n + 1] = '\0';
		store_sqlb_sql(b, "(");
		if (n > 0) {
			store_sqlb_sql(b, key);
			store_sqlb_sql(b, " >= ");
			store_sqlb_text(b, lo, n, "text", 1);
			store_sqlb_sql(b, " AND ");
			store_sqlb_sql(b, key);
			store_sqlb_sql(b, " < ");
			store_sqlb_text(b, hi, n + 1, "text", 1);
			/* "prefix%": the range is the whole condition. */
			if (!cs && store_like_is_prefix(lp)) {
				store_sqlb_sql(b, ")");
				return;
			}
			store_sqlb_sql(b, " AND ");
		} else {
			free(hi);
			/* "%text%": SQLite's instr() finds it faster. */
			if (store_like_is_infix(cs ? pat : lp, lo)) {
				store_sqlb_sql(b, "instr(");
				store_sqlb_sql(b, cs ? raw : key);
				store_sqlb_sql(b, ", ");
				store_sqlb_text(b, lo, strlen(lo), "text", 1);
				store_sqlb_sql(b, ") > 0)");
				return;
			}
			free(lo);
		}
		store_sqlb_sql(b, "usercgi_like(");
		store_sqlb_str(b, cs ? pat : lp);
		store_sqlb_sql(b, ", ");
		store_sqlb_sql(b, cs ? raw : key);
		store_sqlb_sql(b, "))");
		return;
	case STORE_QM_SIMILAR_TO:
	case STORE_QM_POSIX:
		flags = (g->mode == STORE_QM_SIMILAR_TO ? RE_SIMILAR : 0) |
		    (cs ? 0 : RE_ICASE);
		store_sqlb_sql(b, "usercgi_re(");
		store_sqlb_str(b, g->values[0]);
		store_sqlb_sql(b, ", ");
		store_sqlb_int(b, flags);
		store_sqlb_sql(b, ", ");
		store_sqlb_sql(b, raw);
		store_sqlb_sql(b, ")");
		return;
	}
	b->err = USERCGI_INTERNAL;
}

/*
 * Builds the statement of one page of q's matches.  Unfiltered, the
 * index on (created_at DESC, id DESC) gives the order.  Filtered, the
 * page's rowids are chosen first, from the search's own indexes (which
 * carry created_at and id, so ordering the matches reads no row), and
 * only the page's rows are read; the unary + keeps SQLite from walking
 * users_created instead.
 */
static void
store_build_page(struct store_sqlb *b, const struct store_query *q,
    int64_t offset)
{
	if (q->ngroups == 0) {
		store_sqlb_sql(b, "SELECT " USER_COLUMNS " FROM users"
		    " ORDER BY created_at DESC, id DESC LIMIT ");
		store_sqlb_int(b, q->page_size);
		store_sqlb_sql(b, " OFFSET ");
		store_sqlb_int(b, offset);
		return;
	}
	store_sqlb_sql(b, "SELECT " USER_COLUMNS " FROM (");
	store_sqlb_where(b, q, "SELECT rowid AS r FROM users",
	    store_where_field);
	store_sqlb_sql(b, " ORDER BY +created_at DESC, +id DESC LIMIT ");
	store_sqlb_int(b, q->page_size);
	store_sqlb_sql(b, " OFFSET ");
	store_sqlb_int(b, offset);
	store_sqlb_sql(b, ") AS page CROSS JOIN users ON users.rowid = page.r"
	    " ORDER BY +created_at DESC, +id DESC");
}

/* A match of a search: what orders it, and where its row is. */
struct store_hit {
	int64_t		 created_at;
	int64_t		 rowid;
	char		 id[STORE_ID_LEN + 1];
};

/* Returns 1 when a comes before b in list order (created_at, then id, descending). */
static int
store_hit_before(const struct store_hit *a, const struct store_hit *b)
{
	if (a->created_at != b->created_at)
		return a->created_at > b->created_at;
	return strcmp(a->id, b->id) > 0;
}

static int
store_hit_cmp(const void *a, const void *b)
{
	return store_hit_before(a, b) ? -1 : store_hit_before(b, a) ? 1 : 0;
}

/*
 * Restores the heap h[0..n) from i down: the root is the hit that comes
 * last in list order, so the heap keeps the first n.
 */
static void
store_hit_sift(struct store_hit *h, size_t n, size_t i)
{
	struct store_hit	t;
	size_t			l, m;

	for (;;) {
		m = i;
		l = 2 * i + 1;
		if (l < n && store_hit_before(&h[m], &h[l]))
			m = l;
		if (l + 1 < n && store_hit_before(&h[m], &h[l + 1]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/*
 * One pass over the matches of a filtered q (the search's own index
 * ranges or the table), inside the caller's read transaction: counts
 * them into *total and keeps the first k = offset + page_size in list
 * order in a heap, then reads the page's rows by rowid into rows (room
 * for page_size), setting *n.  One pass instead of a count and a sorted
 * page: a search that scans the table scans it once.
 */
static enum usercgi_err
store_list_hits(struct store *s, const struct store_query *q, int64_t offset,
    struct store_user *rows, size_t *n, int64_t *total)
{
	struct store_sqlb	*b = NULL;
	struct store_hit	*h = NULL, x;
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err = USERCGI_OK;
	const unsigned char	*id;
	size_t			 k, nh = 0, i, idlen;
	int			 rc;

	*n = 0;
	*total = 0;
	k = (size_t)offset + (size_t)q->page_size;
	if ((b = xmalloc(sizeof(*b))) == NULL ||
	    (h = xreallocarray(NULL, k, sizeof(*h))) == NULL) {
		err = USERCGI_NOMEM;
		goto out;
	}
	store_sqlb_init(b, 0);
	store_sqlb_where(b, q, "SELECT created_at, rowid, id FROM users",
	    store_where_field);
	if ((err = store_sqlb_prepare(s, b, &st)) != USERCGI_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		(*total)++;
		x.created_at = sqlite3_column_int64(st, 0);
		x.rowid = sqlite3_column_int64(st, 1);
		id = sqlite3_column_text(st, 2);
		idlen = (size_t)sqlite3_column_bytes(st, 2);
		if (id == NULL || idlen > STORE_ID_LEN) {
			log_err("sqlite: stored id is not a store id");
			err = USERCGI_INTERNAL;
			goto out;
		}
		memcpy(x.id, id, idlen);
		x.id[idlen] = '\0';
		if (nh < k) {
			/* Sift up. */
			i = nh++;
			h[i] = x;
			while (i > 0 && store_hit_before(&h[(i - 1) / 2], &h[i])) {
				struct store_hit t = h[i];

				h[i] = h[(i - 1) / 2];
				h[(i - 1) / 2] = t;
				i = (i - 1) / 2;
			}
		} else if (store_hit_before(&x, &h[0])) {
			h[0] = x;
			store_hit_sift(h, nh, 0);
		}
	}
	if (rc != SQLITE_DONE) {
		err = store_err(s->db, rc, "search");
		goto out;
	}
	store_sqlb_done(st);
	st = NULL;
	qsort(h, nh, sizeof(*h), store_hit_cmp);
	if ((err = store_stmt(s, ST_GET_ROWID, &st)) != USERCGI_OK)
		goto out;
	for (i = (size_t)offset; i < nh; i++) {
		if ((rc = sqlite3_bind_int64(st, 1, h[i].rowid)) == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc != SQLITE_ROW) {
			err = store_err(s->db, rc, "search row");
			goto out;
		}
		if ((err = store_row(st, &rows[*n])) != USERCGI_OK)
			goto out;
		(*n)++;
		sqlite3_reset(st);
	}
out:
	store_sqlb_done(st);
	if (b != NULL) {
		store_sqlb_free(b);
		free(b);
	}
	free(h);
	return err;
}

static enum usercgi_err
store_sq_user_list(struct store *s, const struct store_query *q,
    struct store_user **users, size_t *nusers, int64_t *total)
{
	struct store_sqlb	*b = NULL;
	struct store_user	*rows = NULL;
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err;
	size_t			 n = 0;
	int64_t			 offset;
	int			 rc, intx = 0;

	*users = NULL;
	*nusers = 0;
	*total = 0;
	if (q->page < 1 || q->page > INT64_MAX / STORE_PAGE_SIZE_MAX ||
	    q->page_size < 1 || q->page_size > STORE_PAGE_SIZE_MAX ||
	    q->ngroups > STORE_QUERY_MAX_GROUPS) {
		log_err("store_user_list: bad query");
		return USERCGI_INTERNAL;
	}
	offset = (q->page - 1) * q->page_size;
	if ((err = store_check_patterns(q)) != USERCGI_OK)
		return err;
	if ((b = xmalloc(sizeof(*b))) == NULL)
		return USERCGI_NOMEM;
	store_sqlb_init(b, 0);
	if ((err = store_run(s, ST_BEGIN_READ)) != USERCGI_OK)
		goto out;
	intx = 1;
	if (q->ngroups > 0 && offset + q->page_size <= STORE_TOPK_MAX) {
		if ((rows = xcalloc((size_t)q->page_size, sizeof(*rows))) ==
		    NULL) {
			err = USERCGI_NOMEM;
			goto out;
		}
		if ((err = store_list_hits(s, q, offset, rows, &n, total)) !=
		    USERCGI_OK)
			goto out;
		goto done;
	}
	if (q->ngroups == 0) {
		if ((err = store_stmt(s, ST_COUNT, &st)) != USERCGI_OK)
			goto out;
	} else {
		store_sqlb_where(b, q, "SELECT count(*) FROM users",
		    store_where_field);
		if ((err = store_sqlb_prepare(s, b, &st)) != USERCGI_OK)
			goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*total = sqlite3_column_int64(st, 0);
	store_sqlb_done(st);
	st = NULL;
	if (rc != SQLITE_ROW) {
		err = store_err(s->db, rc, "count");
		goto out;
	}
	if (offset >= *total)
		goto done;
	store_sqlb_free(b);
	store_sqlb_init(b, 0);
	store_build_page(b, q, offset);
	if ((err = store_sqlb_prepare(s, b, &st)) != USERCGI_OK)
		goto out;
	if ((rows = xcalloc((size_t)q->page_size, sizeof(*rows))) == NULL) {
		err = USERCGI_NOMEM;
		goto out;
	}
	while (n < (size_t)q->page_size &&
	    (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((err = store_row(st, &rows[n])) != USERCGI_OK)
			goto out;
		n++;
	}
	if (n < (size_t)q->page_size && rc != SQLITE_DONE) {
		err = store_err(s->db, rc, "list");
		goto out;
	}
done:
	store_sqlb_done(st);
	st = NULL;
	intx = 0;
	if ((err = store_run(s, ST_COMMIT)) != USERCGI_OK)
		goto out;
	*users = n > 0 ? rows : NULL;
	if (n == 0)
		free(rows);
	*nusers = n;
	rows = NULL;
out:
	store_sqlb_done(st);
	if (intx || err != USERCGI_OK)
		store_rollback(s);
	if (err != USERCGI_OK)
		*total = 0;
	store_users_free(rows, n);
	if (b != NULL) {
		store_sqlb_free(b);
		free(b);
	}
	return err;
}

/*
 * Binds ?1 the key and ?2 the fingerprint or the owner (as the statement
 * wants) of an idempotency statement.  Returns SQLite's code.
 */
static int
store_idem_bind(sqlite3_stmt *st, const char *a, const char *b)
{
	int	rc;

	if ((rc = store_bind_text(st, 1, a)) != SQLITE_OK)
		return rc;
	return store_bind_text(st, 2, b);
}

/* Steps an idempotency statement that returns no row; *changes its count. */
static enum usercgi_err
store_idem_step(struct store *s, sqlite3_stmt *st, int *changes)
{
	int	rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return store_err(s->db, rc, "idempotency key");
	if (changes != NULL)
		*changes = sqlite3_changes(s->db);
	return USERCGI_OK;
}

/*
 * Claims k for its owner: on an unknown key (inserted, *changes 1), or
 * over the row as it is (take 1: expired, or a claim past its lease).
 */
static enum usercgi_err
store_idem_put(struct store *s, const struct store_idem *k,
    const struct store_idem_hex *h, int take)
{
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err;
	int64_t			 v[2];
	int			 rc, n = 0;

	v[0] = k->now_ms + k->lease_ms;
	v[1] = k->now_ms + k->expires_ms;
	if ((err = store_stmt(s, take ? ST_IDEM_TAKE : ST_IDEM_INSERT, &st)) !=
	    USERCGI_OK)
		return err;
	if ((rc = store_idem_bind(st, h->key, h->fingerprint)) != SQLITE_OK ||
	    (rc = store_bind_text(st, 3, h->owner)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int64(st, 4, v[0])) != SQLITE_OK ||
	    (rc = sqlite3_bind_int64(st, 5, v[1])) != SQLITE_OK) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return store_err(s->db, rc, "bind");
	}
	if ((err = store_idem_step(s, st, &n)) == USERCGI_OK && n != 1)
		err = USERCGI_ID_TAKEN;
	return err;
}

/*
 * Reads the row of key h->key (which exists: the claim's insert found
 * it) and decides the claim as store.h says.
 */
static enum usercgi_err
store_idem_decide(struct store *s, const struct store_idem *k,
    const struct store_idem_hex *h, enum store_idem_state *state,
    int *status, char **body)
{
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err;
	const char		*fp;
	int			 rc, take = 0;

	if ((err = store_stmt(s, ST_IDEM_GET, &st)) != USERCGI_OK)
		return err;
	if ((rc = store_bind_text(st, 1, h->key)) != SQLITE_OK) {
		err = store_err(s->db, rc, "bind");
		goto out;
	}
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? USERCGI_INTERNAL :
		    store_err(s->db, rc, "idempotency key");
		goto out;
	}
	fp = (const char *)sqlite3_column_text(st, 0);
	if (sqlite3_column_int64(st, 3) <= k->now_ms)
		take = 1;
	else if (fp == NULL || strcmp(fp, h->fingerprint) != 0)
		*state = STORE_IDEM_OTHER;
	else if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
		*state = STORE_IDEM_DONE;
		*status = sqlite3_column_int(st, 4);
		if ((err = store_col(st, 5, "", body)) != USERCGI_OK)
			goto out;
	} else if (sqlite3_column_int(st, 1) &&
	    sqlite3_column_int64(st, 2) > k->now_ms)
		*state = STORE_IDEM_RUNNING;
	else
		take = 1;
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (err == USERCGI_OK && take &&
	    (err = store_idem_put(s, k, h, 1)) == USERCGI_OK)
		*state = STORE_IDEM_RUN;
	return err;
}

static enum usercgi_err
store_sq_idem_claim(struct store *s, const struct store_idem *k,
    enum store_idem_state *state, int *status, char **body)
{
	struct store_idem_hex	 h;
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err, full;
	int			 rc;

	store_idem_hex(k, &h);
	s->hold = s->held = 0;
	/*
	 * The claim is committed without an fsync of its own (WAL mode,
	 * synchronous=NORMAL): the fsync of the answer's COMMIT covers the
	 * WAL frames before it, so a claim is durable no later than the
	 * answer that ends it, and one lost to a power failure belonged to
	 * a request that never answered.
	 */
	if ((err = store_exec(s->db, "PRAGMA synchronous=NORMAL",
	    "PRAGMA synchronous")) != USERCGI_OK)
		return err;
	if ((err = store_run(s, ST_BEGIN)) != USERCGI_OK ||
	    (err = store_stmt(s, ST_IDEM_PURGE, &st)) != USERCGI_OK)
		goto out;
	if ((rc = sqlite3_bind_int64(st, 1, k->now_ms)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int(st, 2, STORE_IDEM_PURGE)) != SQLITE_OK) {
		sqlite3_reset(st);
		err = store_err(s->db, rc, "bind");
		goto out;
	}
	if ((err = store_idem_step(s, st, NULL)) != USERCGI_OK)
		goto out;
	err = store_idem_put(s, k, &h, 0);
	if (err == USERCGI_OK)
		*state = STORE_IDEM_RUN;
	else if (err == USERCGI_ID_TAKEN)
		err = store_idem_decide(s, k, &h, state, status, body);
	if (err != USERCGI_OK)
		goto out;
	err = store_run(s, ST_COMMIT);
out:
	if (err != USERCGI_OK)
		store_rollback(s);
	if ((full = store_exec(s->db, "PRAGMA synchronous=FULL",
	    "PRAGMA synchronous")) != USERCGI_OK && err == USERCGI_OK)
		err = full;
	if (err != USERCGI_OK) {
		free(*body);
		*body = NULL;
		*state = STORE_IDEM_RUNNING;
	} else if (*state == STORE_IDEM_RUN)
		s->hold = 1;
	return err;
}

static enum usercgi_err
store_sq_idem_answer(struct store *s, const struct store_idem *k, int status,
    const char *body, size_t len)
{
	struct store_idem_hex	 h;
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err;
	int			 rc, n = 0, held = s->held;

	s->hold = s->held = 0;
	store_idem_hex(k, &h);
	if (held && sqlite3_get_autocommit(s->db)) {
		log_err("sqlite: the write held for its idempotency key was"
		    " rolled back");
		return USERCGI_INTERNAL;
	}
	if ((!held && (err = store_run(s, ST_BEGIN)) != USERCGI_OK) ||
	    (err = store_stmt(s, ST_IDEM_ANSWER, &st)) != USERCGI_OK)
		goto out;
	if ((rc = store_idem_bind(st, h.key, h.owner)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int(st, 3, status)) != SQLITE_OK ||
	    (rc = sqlite3_bind_text(st, 4, body != NULL ? body : "",
	    (int)len, SQLITE_STATIC)) != SQLITE_OK) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		err = store_err(s->db, rc, "bind");
		goto out;
	}
	if ((err = store_idem_step(s, st, &n)) != USERCGI_OK)
		goto out;
	if (n != 1) {
		log_warn("sqlite: an idempotency key's claim was taken over:"
		    " its write is rolled back");
		err = USERCGI_IDEM_RUNNING;
		goto out;
	}
	err = store_run(s, ST_COMMIT);
out:
	if (err != USERCGI_OK)
		store_rollback(s);
	return err;
}

static void
store_sq_idem_release(struct store *s, const struct store_idem *k)
{
	struct store_idem_hex	 h;
	sqlite3_stmt		*st = NULL;

	s->hold = s->held = 0;
	store_rollback(s);
	store_idem_hex(k, &h);
	if (store_stmt(s, ST_IDEM_DELETE, &st) != USERCGI_OK)
		return;
	if (store_idem_bind(st, h.key, h.owner) != SQLITE_OK) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return;
	}
	(void)store_idem_step(s, st, NULL);
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = store_sq_open,
	.close = store_sq_close,
	.probe = NULL,
	.find_conflict = store_sq_find_conflict,
	.user_insert = store_sq_user_insert,
	.user_get = store_sq_user_get,
	.user_rehash = store_sq_user_rehash,
	.set_group = store_sq_set_group,
	.insert_batch = store_sq_insert_batch,
	.token_known = store_sq_token_known,
	.token_remember = store_sq_token_remember,
	.find_update_conflict = store_sq_find_update_conflict,
	.user_update = store_sq_user_update,
	.user_delete = store_sq_user_delete,
	.identity_set = store_sq_identity_set,
	.identity_remove = store_sq_identity_remove,
	.user_list = store_sq_user_list,
	.idem_claim = store_sq_idem_claim,
	.idem_answer = store_sq_idem_answer,
	.idem_release = store_sq_idem_release,
};
