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
 * Group commit: the threads of one FastCGI process share a struct
 * store_group.  store_user_insert queues its row; the first thread that
 * finds no batch running becomes the leader, takes every queued row and
 * inserts them on the group's own writer connection in one BEGIN
 * IMMEDIATE transaction, each row inside its own SAVEPOINT (a uniqueness
 * hit undoes that row alone and gives it its own *_TAKEN), then COMMITs
 * once: one fsync for the batch.  Rows queued meanwhile form the next
 * batch.  Every caller gets its own row's result only after the COMMIT,
 * so USERCGI_OK still means "on disk".  A connection is used by one
 * thread at a time: each thread reads on its own, the writer serves one
 * leader at a time, the others wait on the condition variable.
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
#include <locale.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wctype.h>

#include <sqlite3.h>

#include "buf.h"
#include "log.h"
#include "phone.h"
#include "store.h"
#include "utf8.h"

#define STORE_SCHEMA_VERSION	2
#define STORE_CGI_CHECKPOINT	64	/* WAL frames, one_request connections */

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
};

enum store_stmt {
	ST_BEGIN,
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
	ST_MAX
};

#define USER_COLUMNS \
	"id, username, primary_email, primary_phone, password_encrypted," \
	" password_encryption_method, name, avatar, profile, custom_data," \
	" identities, application_id, is_suspended, last_sign_in_at," \
	" password_updated_at, created_at, updated_at"

static const char *const store_sql[ST_MAX] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT store_row",
	[ST_RELEASE] = "RELEASE store_row",
	[ST_ROLLBACK_TO] = "ROLLBACK TO store_row",
	[ST_INSERT] = "INSERT INTO users (" USER_COLUMNS ", email_key,"
	    " phone_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
	    " ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
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
};

/* The busy handler's state (store_busy), one per connection. */
struct store_busy {
	int		 timeout_ms;
	struct timespec	 start;		/* of the current wait */
	uint64_t	 rnd;		/* xorshift64 state, never 0 */
};

struct store {
	sqlite3			*db;
	sqlite3_stmt		*st[ST_MAX];
	struct store_busy	 busy;
	struct store_group	*group;		/* not owned; NULL: alone */
	char			*path;		/* owned: for the group's writer */
	struct store_opts	 opts;
};

/* One queued row of a group commit, on its caller's stack. */
struct store_job {
	const struct store_user	*u;
	const char		*key;	/* email key or NULL */
	const char		*pkey;	/* phone key or NULL */
	enum usercgi_err	 rc;	/* set by the leader */
	int			 done;	/* set by the leader before the post */
	sem_t			 wake;	/* posted once: done, or lead */
	struct store_job	*next;
};

struct store_group {
	pthread_mutex_t		 mu;
	struct store_job	*head;	/* queued rows, oldest first */
	struct store_job	**tailp;
	size_t			 nqueued;
	int			 leading;	/* a batch is running */
	struct store		*writer;	/* owned: runs every batch */
	unsigned long		 batches;	/* committed or failed */
	size_t			 max_batch;	/* largest batch so far */
};

int
store_schema_version(void)
{
	return STORE_SCHEMA_VERSION;
}

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
 * Checks 6-8 of create-user.md §2 in order, with the email already
 * turned into its key.  NULL values are skipped.
 */
static enum usercgi_err
store_conflict_keyed(struct store *s, const char *username,
    const char *email_key, const char *phone)
{
	static const enum usercgi_err	 taken[3] = { USERCGI_USERNAME_TAKEN,
	    USERCGI_EMAIL_TAKEN, USERCGI_PHONE_TAKEN };
	sqlite3_stmt			*st = NULL;
	const char			*vals[3] = { username, email_key, phone };
	enum usercgi_err		 err = USERCGI_OK;
	int				 i, rc;

	if (username == NULL && email_key == NULL && phone == NULL)
		return USERCGI_OK;
	if ((err = store_stmt(s, ST_CONFLICT, &st)) != USERCGI_OK)
		return err;
	for (i = 0; i < 3; i++)
		if ((rc = store_bind_text(st, i + 1, vals[i])) != SQLITE_OK) {
			err = store_err(s->db, rc, "bind");
			goto out;
		}
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		err = store_err(s->db, rc, store_sql[ST_CONFLICT]);
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

/*
 * Returns the C.UTF-8 locale used for case folding (created once per
 * process, never freed), or (locale_t)0 when it cannot be created.
 */
static locale_t		store_loc;
static pthread_once_t	store_loc_once = PTHREAD_ONCE_INIT;

static void
store_locale_init(void)
{
	if ((store_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0)) ==
	    (locale_t)0)
		log_err("newlocale(C.UTF-8) failed");
}

static locale_t
store_locale(void)
{
	(void)pthread_once(&store_loc_once, store_locale_init);
	return store_loc;
}

/* Appends code point cp (a valid scalar value) as UTF-8 (RFC 3629 §3). */
static enum usercgi_err
store_put_utf8(struct buf *b, uint32_t cp)
{
	char	 e[4];
	size_t	 n;

	if (cp < 0x80) {
		e[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		e[0] = (char)(0xc0 | (cp >> 6));
		e[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		e[0] = (char)(0xe0 | (cp >> 12));
		e[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		e[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		e[0] = (char)(0xf0 | (cp >> 18));
		e[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		e[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		e[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return buf_add(b, e, n);
}

/*
 * Lowercases each code point with towlower_l in C.UTF-8 (glibc's full
 * Unicode simple case mapping).  Bytes that are not valid UTF-8 are
 * copied unchanged.  A lowered code point is at most one byte longer
 * than the original, so 2 * len bounds the result.
 */
char *
store_email_key(const char *email)
{
	struct buf	 b;
	locale_t	 loc;
	size_t		 len, i, n;
	uint32_t	 cp;
	wint_t		 lc;
	char		*key = NULL;

	len = strlen(email);
	buf_init(&b, len > SIZE_MAX / 2 - 1 ? SIZE_MAX / 2 : 2 * len);
	if ((loc = store_locale()) == (locale_t)0)
		goto out;
	for (i = 0; i < len; i += n) {
		if ((n = utf8_decode(email + i, len - i, &cp)) == 0) {
			n = 1;
			if (buf_add(&b, email + i, 1) != USERCGI_OK)
				goto out;
			continue;
		}
		lc = towlower_l((wint_t)cp, loc);
		if (lc > 0x10ffff || (lc >= 0xd800 && lc <= 0xdfff))
			lc = cp;
		if (store_put_utf8(&b, (uint32_t)lc) != USERCGI_OK)
			goto out;
	}
	key = buf_take(&b);
out:
	buf_free(&b);
	return key;
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

enum usercgi_err
store_open(const char *path, const struct store_opts *o, struct store **out)
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
	s->opts = *o;
	if ((err = store_create_file(path, o)) != USERCGI_OK)
		goto out;
	err = USERCGI_INTERNAL;
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | (o->nofollow ? SQLITE_OPEN_NOFOLLOW : 0),
	    NULL);
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
	if ((err = store_wal(s->db, o->busy_timeout_ms)) != USERCGI_OK ||
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
	store_close(s);
	return err;
}

void
store_close(struct store *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < ST_MAX; i++)
		sqlite3_finalize(s->st[i]);
	if (sqlite3_close(s->db) != SQLITE_OK)
		log_err("sqlite: close: %s", sqlite3_errmsg(s->db));
	free(s->path);
	free(s);
}

/*
 * The uniqueness key of a phone (phone.h): cc+nsn and cc+0+nsn give the
 * same key.  Digits that do not parse keep themselves as the key (such a
 * number is refused later by check 10, or was stored by a verbatim
 * build).  Writes to out (PHONE_BUFSZ bytes); returns USERCGI_OK or
 * USERCGI_NOMEM / USERCGI_INTERNAL.
 */
static enum usercgi_err
store_phone_key(const char *phone, char out[PHONE_BUFSZ])
{
	size_t			 len = strlen(phone);
	enum usercgi_err	 err;

	err = phone_key(phone, len, out, PHONE_BUFSZ);
	if (err == USERCGI_INVALID_PHONE || err == USERCGI_VALUE_TOO_LONG) {
		if (len >= PHONE_BUFSZ)
			len = PHONE_BUFSZ - 1;
		memcpy(out, phone, len);
		out[len] = '\0';
		err = USERCGI_OK;
	}
	return err;
}

enum usercgi_err
store_find_conflict(struct store *s, const char *username, const char *email,
    const char *phone)
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

/*
 * Binds every column of u (and its email and phone keys) to the insert
 * statement.  Returns the first SQLite error, or SQLITE_OK.
 */
static int
store_bind_user(sqlite3_stmt *st, const struct store_user *u, const char *key,
    const char *pkey)
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
	B(store_bind_text(st, 18, key));
	B(store_bind_text(st, 19, pkey));
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
    const char *key, const char *pkey)
{
	enum usercgi_err	 err;
	int			 found;

	if ((err = store_conflict_keyed(s, u->username, key, pkey)) !=
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
    const char *key, const char *pkey)
{
	sqlite3_stmt		*st = NULL;
	enum usercgi_err	 err = USERCGI_OK;
	int			 rc;

	if ((err = store_stmt(s, ST_INSERT, &st)) != USERCGI_OK)
		return err;
	if ((rc = store_bind_user(st, u, key, pkey)) != SQLITE_OK) {
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
		err = store_which_unique(s, u, key, pkey);
		goto out;
	}
	if (rc != SQLITE_DONE)
		err = store_err(s->db, rc, "insert");
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
		j->rc = store_insert_row(s, j->u, j->key, j->pkey);
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
 * Returns the connection the leader runs a batch on: the group's own
 * writer, opened on first use with s's path and options, so that every
 * batch finds the pages the last one used still in its cache (SQLite
 * drops a connection's cache whenever another connection has written).
 * Falls back to s when the writer cannot be opened.  Called by the
 * leader only, so g->writer needs no lock.
 */
static struct store *
store_group_writer(struct store_group *g, struct store *s)
{
	if (g->writer == NULL &&
	    store_open(s->path, &s->opts, &g->writer) != USERCGI_OK)
		return s;
	return g->writer;
}

/*
 * Queues the row and waits until a batch holding it has run (leading
 * that batch when no other thread is).  Returns the row's result.
 *
 * Each waiting thread is woken exactly once, by its own semaphore: by the
 * leader that ran its row (done), or by the leader before it, which hands
 * the lead to the thread at the head of the queue.  Nobody waits for the
 * group mutex while a leader finishes, and a batch costs one wake-up per
 * row.  Posting after the mutex is released is safe: a job is in one list
 * at a time, and the leader reads a job's next before its post (after
 * which the job may vanish).
 */
static enum usercgi_err
store_insert_grouped(struct store *s, const struct store_user *u,
    const char *key, const char *pkey)
{
	struct store_group	*g = s->group;
	struct store_job	 job, *batch, *j, *next, *heir;
	size_t			 n;
	int			 lead;

	memset(&job, 0, sizeof(job));
	job.u = u;
	job.key = key;
	job.pkey = pkey;
	if (sem_init(&job.wake, 0, 0) != 0) {
		log_err("store: sem_init failed");
		return USERCGI_INTERNAL;
	}
	pthread_mutex_lock(&g->mu);
	*g->tailp = &job;
	g->tailp = &job.next;
	g->nqueued++;
	lead = !g->leading;
	g->leading = 1;
	pthread_mutex_unlock(&g->mu);
	if (!lead) {
		while (sem_wait(&job.wake) != 0)
			continue;	/* EINTR */
		if (job.done)
			goto out;
	}
	/* Leading: the queue starts with this job. */
	pthread_mutex_lock(&g->mu);
	batch = g->head;
	n = g->nqueued;
	g->head = NULL;
	g->tailp = &g->head;
	g->nqueued = 0;
	pthread_mutex_unlock(&g->mu);
	store_run_batch(store_group_writer(g, s), batch);
	pthread_mutex_lock(&g->mu);
	g->batches++;
	if (n > g->max_batch)
		g->max_batch = n;
	heir = g->head;
	g->leading = heir != NULL;
	pthread_mutex_unlock(&g->mu);
	for (j = batch; j != NULL; j = next) {
		next = j->next;
		if (j == &job)
			continue;
		j->done = 1;
		sem_post(&j->wake);
	}
	if (heir != NULL)
		sem_post(&heir->wake);
out:
	sem_destroy(&job.wake);
	return job.rc;
}

enum usercgi_err
store_user_insert(struct store *s, const struct store_user *u)
{
	char			*key = NULL, pkey[PHONE_BUFSZ];
	const char		*pk = NULL;
	enum usercgi_err	 err;

	if (u->id[0] == '\0' ||
	    memchr(u->id, '\0', sizeof(u->id)) == NULL) {
		log_err("store_user_insert: bad id");
		err = USERCGI_INTERNAL;
		goto out;
	}
	if (u->primary_email != NULL &&
	    (key = store_email_key(u->primary_email)) == NULL) {
		err = USERCGI_NOMEM;
		goto out;
	}
	if (u->primary_phone != NULL) {
		if ((err = store_phone_key(u->primary_phone, pkey)) !=
		    USERCGI_OK)
			goto out;
		pk = pkey;
	}
	if (s->group != NULL) {
		err = store_insert_grouped(s, u, key, pk);
		goto out;
	}
	if ((err = store_run(s, ST_BEGIN)) != USERCGI_OK)
		goto out;
	if ((err = store_insert_row(s, u, key, pk)) != USERCGI_OK)
		goto out;
	err = store_run(s, ST_COMMIT);
out:
	if (err != USERCGI_OK && s->group == NULL)
		store_rollback(s);
	free(key);
	return err;
}

enum usercgi_err
store_group_new(struct store_group **out)
{
	struct store_group	*g;

	*out = NULL;
	if ((g = xcalloc(1, sizeof(*g))) == NULL)
		return USERCGI_NOMEM;
	if (pthread_mutex_init(&g->mu, NULL) != 0) {
		free(g);
		return USERCGI_INTERNAL;
	}
	g->tailp = &g->head;
	*out = g;
	return USERCGI_OK;
}

void
store_group_free(struct store_group *g)
{
	if (g == NULL)
		return;
	log_debug("group commit: %lu batches, the largest of %zu rows",
	    g->batches, g->max_batch);
	store_close(g->writer);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

void
store_set_group(struct store *s, struct store_group *g)
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

enum usercgi_err
store_user_get(struct store *s, const char *id, struct store_user *u)
{
	sqlite3_stmt		*st = NULL;
	const unsigned char	*t;
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
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (err != USERCGI_OK)
		store_user_free(u);
	return err;
}

enum usercgi_err
store_user_rehash(struct store *s, const char *id, const char *old_hash,
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

void
store_user_free(struct store_user *u)
{
	if (u == NULL)
		return;
	free(u->username);
	free(u->primary_email);
	free(u->primary_phone);
	if (u->password_encrypted != NULL)
		secure_zero(u->password_encrypted,
		    strlen(u->password_encrypted));
	free(u->password_encrypted);
	free(u->password_encryption_method);
	free(u->name);
	free(u->avatar);
	free(u->profile_json);
	free(u->custom_data_json);
	free(u->identities_json);
	free(u->application_id);
	memset(u, 0, sizeof(*u));
}

enum usercgi_err
store_token_known(struct store *s, const unsigned char key[STORE_TOKEN_KEY],
    int64_t now_s, int *known)
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

enum usercgi_err
store_token_remember(struct store *s, const unsigned char key[STORE_TOKEN_KEY],
    int64_t exp_s, int64_t now_s)
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
