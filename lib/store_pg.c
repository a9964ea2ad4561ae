/*
 * store_pg.c: the PostgreSQL implementation of store.h (libpq), built as
 * the module usercgi-pg.so whose one exported function is
 * store_pg_module (store_impl.h).
 *
 * Connection: opened by store_open in the calling thread (app.c opens
 * one per worker thread, after fork), from the operator's conninfo or
 * URI as given, so libpq's multi-host `target_session_attrs=read-write`
 * finds the primary.  Statements are prepared on first use, once per
 * connection; a search's statement, built per query from fixed
 * fragments with every value a parameter, is planned with its values
 * (PQexecParams), so a LIKE prefix uses its index.  A connection that
 * is lost (or lands on a read-only server) answers that call
 * USERCGI_UNAVAILABLE and is reset, and its statements prepared again,
 * by the next call: nothing is retried that might have committed, so a
 * write whose COMMIT was lost is never reported as done.  lock_timeout
 * is busy_timeout_ms (USERCGI_BUSY); statement_timeout is at least one
 * second, and bounds every search.
 * Durability is the server's: a COMMIT returns after the WAL is flushed
 * (and replicated, with synchronous_standby_names), as
 * synchronous_commit says; this file never changes it.
 *
 * Transactions: inserts, deletes, rehashes are single statements (a
 * data-modifying WITH where they write two tables), one implicit
 * transaction each, one round trip.  Uniqueness is the UNIQUE
 * constraints' (READ COMMITTED is enough): an insert that a committed
 * row conflicts with fires 23505, and only then does the insert ask
 * which of username, email key and phone key a row holds, so a row that
 * conflicts on several gets store.h's order; the fast path is the
 * INSERT alone (with EXISTS checks in the statement, 25-35% fewer
 * inserts/s in pgbench at 16 clients).  The threads of a FastCGI
 * process insert through store.c's group commit: the leader writes the
 * rows queued by then in one statement (pg_batch_run), one transaction
 * and one WAL flush for all, which is what lets a worker on two cores
 * keep up with the server's own rate of single-row inserts.
 * A read-modify-write (update with its JSON merges, identities) locks
 * the user's row with SELECT ... FOR UPDATE first, so concurrent merges
 * serialise on that row and both land.  40001 and 40P01 (serialisation
 * failure, deadlock; CockroachDB-style servers raise 40001 often) retry
 * the whole transaction up to PG_RETRIES times with a random pause, then
 * USERCGI_BUSY.  A search runs in one REPEATABLE READ READ ONLY
 * transaction, so its page and total agree.
 *
 * The number of users: a single counter row would serialise every
 * insert on its row lock (each insert waits for the previous COMMIT's
 * flush; measured with pgbench at 16 clients: 380 inserts/s against
 * 2,300 without the counter).  user_count has PG_SLOTS rows instead; an
 * insert or delete adds to its connection's own slot, the server
 * process's pid modulo PG_SLOTS: connections made one after the other,
 * from any host, get consecutive pids and so different slots, and
 * writers rarely queue behind each other's COMMIT on the counter.  (A
 * slot chosen in the statement with FOR UPDATE SKIP LOCKED lost counts
 * under concurrency, 4 in 14,000 inserts: its UPDATE matched no row when
 * another had just changed the slot; a random slot per connection made
 * 16 connections share one with 85% probability.)  The total is the sum
 * of PG_SLOTS small rows: cheap, and in the search's snapshot.
 *
 * Schema (version STORE_SCHEMA_VERSION, in usercgi_schema): Logto's
 * column names and types for users, plus usercgi's key columns (email,
 * phone, username and name keys computed in C, never by the server's
 * locale-dependent lower()), and the client's JSON text of profile,
 * custom_data and identities beside their jsonb (read back byte-exact;
 * the jsonb text when NULL, as for a row written by plain SQL).  Keys,
 * ids and usernames are COLLATE "C": bytewise, so uniqueness and order
 * are the same on every server, and LIKE prefixes use their indexes.
 * Created in one transaction by store_open; concurrent creators wait on
 * the usercgi_schema row, and a creator that loses a race on the
 * catalogues (23505, 42P07) retries.  No triggers, sequences, stored
 * functions or advisory locks.
 *
 * libpq's error text goes to the log only (23505's, which names the
 * value, at debug level); callers get an enum.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "buf.h"
#include "json.h"
#include "log.h"
#include "re.h"
#include "store.h"
#include "store_impl.h"
#include "utf8.h"

#define PG_SLOTS	64	/* rows of user_count */
#define PG_BATCH_MAX	64	/* rows of one batch statement */
#define PG_RETRIES	8	/* attempts of a transaction on 40001/40P01 */
#define PG_MIGRATE_TRIES 50	/* attempts of the schema transaction */
#define PG_STMT_MIN_MS	1000	/* the least statement_timeout */
#define PG_MSG_MAX	256	/* bytes of a server message logged */

/* Seconds since the epoch as timestamptz, and back, exactly in ms. */
#define TS(p)	"(timestamptz 'epoch' + " p "::bigint * interval '1 millisecond')"
#define MS(c)	"(extract(epoch from " c ") * 1000)::bigint"

#define PG_COLUMNS \
	"id, username, primary_email, primary_phone, password_encrypted," \
	" password_encryption_method, name, avatar," \
	" COALESCE(profile_text, profile::text)," \
	" COALESCE(custom_data_text, custom_data::text)," \
	" COALESCE(identities_text, identities::text), application_id," \
	" is_suspended, " MS("last_sign_in_at") ", " \
	MS("password_updated_at") ", " MS("created_at") ", " \
	MS("updated_at") ", is_password_expired, logto_config::text"
#define PG_NCOLS	19

/* The columns an insert writes, in the order of pg_insert_values. */
#define PG_INSERT_COLUMNS \
	"id, username, primary_email, primary_phone, password_encrypted," \
	" password_encryption_method, name, avatar, profile, custom_data," \
	" identities, application_id, is_suspended, last_sign_in_at," \
	" password_updated_at, created_at, updated_at," \
	" is_password_expired, logto_config, email_key, phone_key," \
	" username_key, name_key, profile_text, custom_data_text," \
	" identities_text"
#define PG_INSERT_NCOLS	26


/* The schema, created in one transaction (store.h's version 4). */
static const char pg_schema[] =
	"CREATE TABLE IF NOT EXISTS users ("
	" tenant_id varchar(21) NOT NULL DEFAULT 'default',"
	" id varchar(12) COLLATE \"C\" NOT NULL PRIMARY KEY,"
	" username varchar(128) COLLATE \"C\","
	" primary_email varchar(128),"
	" primary_phone varchar(128) COLLATE \"C\","
	" password_encrypted varchar(256),"
	" password_encryption_method varchar(32),"
	" name varchar(128),"
	" avatar varchar(2048),"
	" profile jsonb NOT NULL DEFAULT '{}',"
	" application_id varchar(21),"
	" identities jsonb NOT NULL DEFAULT '{}',"
	" custom_data jsonb NOT NULL DEFAULT '{}',"
	" logto_config jsonb NOT NULL DEFAULT '{}',"
	" is_suspended boolean NOT NULL DEFAULT false,"
	" is_password_expired boolean NOT NULL DEFAULT false,"
	" last_sign_in_at timestamptz,"
	" password_updated_at timestamptz,"
	" created_at timestamptz NOT NULL DEFAULT now(),"
	" updated_at timestamptz NOT NULL DEFAULT now(),"
	" email_key text COLLATE \"C\","
	" phone_key text COLLATE \"C\","
	" username_key text COLLATE \"C\","
	" name_key text COLLATE \"C\","
	" profile_text text,"
	" custom_data_text text,"
	" identities_text text,"
	" CONSTRAINT users_username_unique UNIQUE (username),"
	" CONSTRAINT users_email_key_unique UNIQUE (email_key),"
	" CONSTRAINT users_phone_key_unique UNIQUE (phone_key));"
	"CREATE INDEX IF NOT EXISTS users_created ON users"
	" (created_at DESC, id DESC);"
	"CREATE INDEX IF NOT EXISTS users_username_key ON users"
	" (username_key, created_at, id);"
	"CREATE INDEX IF NOT EXISTS users_name_key ON users"
	" (name_key, created_at, id);"
	"CREATE INDEX IF NOT EXISTS users_primary_phone ON users"
	" (primary_phone, created_at, id);"
	"CREATE TABLE IF NOT EXISTS user_count ("
	" slot integer NOT NULL PRIMARY KEY,"
	" n bigint NOT NULL);"
	"INSERT INTO user_count (slot, n) SELECT g, CASE WHEN g = 0 THEN"
	" (SELECT count(*) FROM users) ELSE 0 END"
	" FROM generate_series(0, 63) AS g ON CONFLICT (slot) DO NOTHING;"
	"CREATE TABLE IF NOT EXISTS user_identities ("
	" user_id varchar(12) COLLATE \"C\" NOT NULL"
	" REFERENCES users (id) ON DELETE CASCADE,"
	" target text COLLATE \"C\" NOT NULL,"
	" identity_user_id text COLLATE \"C\" NOT NULL,"
	" PRIMARY KEY (user_id, target),"
	" CONSTRAINT user_identities_in_use UNIQUE (target, identity_user_id));"
	"CREATE TABLE IF NOT EXISTS verified_tokens ("
	" key bytea NOT NULL PRIMARY KEY,"
	" exp bigint NOT NULL);"
	/* 4: idempotency keys, as SQLite's (store_sqlite.c). */
	"CREATE TABLE IF NOT EXISTS idempotency_keys ("
	" key text COLLATE \"C\" NOT NULL PRIMARY KEY,"
	" fingerprint text COLLATE \"C\" NOT NULL,"
	" owner text COLLATE \"C\","
	" lease_until bigint NOT NULL,"
	" expires_at bigint NOT NULL,"
	" status integer,"
	" body text);"
	"CREATE INDEX IF NOT EXISTS idempotency_keys_expires"
	" ON idempotency_keys (expires_at);";

enum pg_stmt {
	PG_INSERT,
	PG_GET,
	PG_GET_LOCK,
	PG_CONFLICT,
	PG_CONFLICT_OTHER,
	PG_REHASH,
	PG_TOKEN_KNOWN,
	PG_TOKEN_PURGE,
	PG_TOKEN_PUT,
	PG_DELETE,
	PG_IDENT_PUT,
	PG_IDENT_DEL,
	PG_SET_IDENTITIES,
	PG_COUNT,
	PG_PAGE,
	PG_IDEM_PURGE,
	PG_IDEM_INSERT,
	PG_IDEM_GET,
	PG_IDEM_TAKE,
	PG_IDEM_ANSWER,
	PG_IDEM_DELETE,
	PG_MAX
};

/* What each statement does, for the log. */
static const char *const pg_what[PG_MAX] = {
	[PG_INSERT] = "insert", [PG_GET] = "get", [PG_GET_LOCK] = "get",
	[PG_CONFLICT] = "conflict", [PG_CONFLICT_OTHER] = "conflict",
	[PG_REHASH] = "rehash", [PG_TOKEN_KNOWN] = "token lookup",
	[PG_TOKEN_PURGE] = "token purge", [PG_TOKEN_PUT] = "token remember",
	[PG_DELETE] = "delete", [PG_IDENT_PUT] = "identity",
	[PG_IDENT_DEL] = "identity", [PG_SET_IDENTITIES] = "identities",
	[PG_COUNT] = "count", [PG_PAGE] = "list",
	[PG_IDEM_PURGE] = "idempotency purge",
	[PG_IDEM_INSERT] = "idempotency claim",
	[PG_IDEM_GET] = "idempotency lookup",
	[PG_IDEM_TAKE] = "idempotency claim",
	[PG_IDEM_ANSWER] = "idempotency answer",
	[PG_IDEM_DELETE] = "idempotency release",
};

static const char *const pg_sql[PG_MAX] = {
	/*
	 * The insert and its count in one statement; a taken username,
	 * email or phone fires 23505 (pg_insert_tx then asks PG_CONFLICT
	 * which, in store.h's order).
	 */
	[PG_INSERT] = "WITH i AS (INSERT INTO users (" PG_INSERT_COLUMNS ")"
	    " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text,"
	    " $6::text, $7::text, $8::text, $9::jsonb, $10::jsonb, $11::jsonb,"
	    " $12::text, $13::boolean, " TS("$14") ", " TS("$15") ", "
	    TS("$16") ", " TS("$17") ", $18::boolean, $19::jsonb, $20::text,"
	    " $21::text, $22::text, $23::text, $24::text, $25::text, $26::text)"
	    " RETURNING 1)"
	    " UPDATE user_count SET n = n + 1 WHERE slot = $27::integer",
	[PG_GET] = "SELECT " PG_COLUMNS " FROM users WHERE id = $1::text",
	[PG_GET_LOCK] = "SELECT " PG_COLUMNS " FROM users WHERE id = $1::text"
	    " FOR UPDATE",
	[PG_CONFLICT] = "SELECT"
	    " EXISTS (SELECT 1 FROM users WHERE username = $1::text),"
	    " EXISTS (SELECT 1 FROM users WHERE email_key = $2::text),"
	    " EXISTS (SELECT 1 FROM users WHERE phone_key = $3::text)",
	[PG_CONFLICT_OTHER] = "SELECT"
	    " EXISTS (SELECT 1 FROM users WHERE email_key = $1::text"
	    " AND id <> $4::text),"
	    " EXISTS (SELECT 1 FROM users WHERE phone_key = $2::text"
	    " AND id <> $4::text),"
	    " EXISTS (SELECT 1 FROM users WHERE username = $3::text"
	    " AND id <> $4::text)",
	[PG_REHASH] = "UPDATE users SET password_encrypted = $1::text,"
	    " password_encryption_method = $2::text, updated_at = " TS("$3")
	    " WHERE id = $4::text AND password_encrypted IS NOT DISTINCT FROM"
	    " $5::text",
	[PG_TOKEN_KNOWN] = "SELECT 1 FROM verified_tokens"
	    " WHERE key = $1::bytea AND exp > $2::bigint",
	[PG_TOKEN_PURGE] = "DELETE FROM verified_tokens WHERE exp <= $1::bigint",
	[PG_TOKEN_PUT] = "INSERT INTO verified_tokens (key, exp)"
	    " VALUES ($1::bytea, $2::bigint) ON CONFLICT (key)"
	    " DO UPDATE SET exp = excluded.exp",
	/* The identities go with the row (ON DELETE CASCADE). */
	[PG_DELETE] = "WITH d AS (DELETE FROM users WHERE id = $1::text"
	    " RETURNING 1),"
	    " n AS (UPDATE user_count SET n = n - 1 WHERE slot = $2::integer"
	    " AND EXISTS (SELECT 1 FROM d) RETURNING 1)"
	    " SELECT EXISTS (SELECT 1 FROM d), EXISTS (SELECT 1 FROM n)",
	[PG_IDENT_PUT] = "INSERT INTO user_identities (user_id, target,"
	    " identity_user_id) VALUES ($1::text, $2::text, $3::text)"
	    " ON CONFLICT (user_id, target)"
	    " DO UPDATE SET identity_user_id = excluded.identity_user_id",
	[PG_IDENT_DEL] = "DELETE FROM user_identities WHERE user_id = $1::text"
	    " AND target = $2::text",
	[PG_SET_IDENTITIES] = "UPDATE users SET identities = $1::jsonb,"
	    " identities_text = $2::text, updated_at = " TS("$3")
	    " WHERE id = $4::text RETURNING " PG_COLUMNS,
	[PG_COUNT] = "SELECT COALESCE(sum(n), 0)::bigint FROM user_count",
	[PG_PAGE] = "SELECT " PG_COLUMNS " FROM users"
	    " ORDER BY created_at DESC, id DESC"
	    " LIMIT $1::bigint OFFSET $2::bigint",
	/*
	 * The oldest expired keys, through idempotency_keys_expires; rows
	 * another transaction holds are left for a later purge.
	 */
	[PG_IDEM_PURGE] = "DELETE FROM idempotency_keys WHERE key IN"
	    " (SELECT key FROM idempotency_keys WHERE expires_at <= $1::bigint"
	    " ORDER BY expires_at LIMIT $2::integer FOR UPDATE SKIP LOCKED)",
	/* A concurrent claim of the key waits here for the first's COMMIT. */
	[PG_IDEM_INSERT] = "INSERT INTO idempotency_keys (key, fingerprint,"
	    " owner, lease_until, expires_at) VALUES ($1::text, $2::text,"
	    " $3::text, $4::bigint, $5::bigint) ON CONFLICT (key) DO NOTHING",
	[PG_IDEM_GET] = "SELECT fingerprint, owner IS NOT NULL, lease_until,"
	    " expires_at, status, body FROM idempotency_keys"
	    " WHERE key = $1::text FOR UPDATE",
	[PG_IDEM_TAKE] = "UPDATE idempotency_keys SET fingerprint = $2::text,"
	    " owner = $3::text, lease_until = $4::bigint,"
	    " expires_at = $5::bigint, status = NULL, body = NULL"
	    " WHERE key = $1::text",
	[PG_IDEM_ANSWER] = "UPDATE idempotency_keys SET owner = NULL,"
	    " status = $3::integer, body = $4::text"
	    " WHERE key = $1::text AND owner = $2::text",
	[PG_IDEM_DELETE] = "DELETE FROM idempotency_keys WHERE key = $1::text"
	    " AND owner = $2::text",
};

static const struct store_ops store_pg_ops;

struct store {
	const struct store_ops	*ops;		/* first: store_impl.h */
	PGconn			*conn;
	char			*conninfo;	/* owned */
	struct store_opts	 opts;
	int			 ready;		/* connected and set up */
	unsigned char		 prepared[PG_MAX];
	unsigned char		 batch_prepared[PG_BATCH_MAX + 1];
	struct store_group	*group;		/* not owned; NULL: alone */
	int			 slot;		/* of user_count: backend pid % PG_SLOTS */
	uint64_t		 rnd;		/* xorshift64 state, never 0 */
	/* The last error: SQLSTATE and constraint name ("" when none). */
	char			 state[6];
	char			 constraint[64];
	int			 retry;		/* 40001/40P01: run it again */
	int			 hold;	/* a key is claimed: keep the next
					   write's transaction open */
	int			 held;	/* that transaction is open */
};

/* Returns the next number of s's generator (xorshift64). */
static uint64_t
pg_rand(struct store *s)
{
	uint64_t	x = s->rnd;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	s->rnd = x;
	return x;
}

/* Copies the first line of a server message to out. */
static void
pg_msg_line(const char *msg, char out[PG_MSG_MAX])
{
	size_t	n;

	if (msg == NULL)
		msg = "";
	n = strcspn(msg, "\n");
	if (n >= PG_MSG_MAX)
		n = PG_MSG_MAX - 1;
	memcpy(out, msg, n);
	out[n] = '\0';
}

/* Forgets the connection's setup: the next call resets and prepares again. */
static void
pg_lost(struct store *s)
{
	s->ready = 0;
	memset(s->prepared, 0, sizeof(s->prepared));
	memset(s->batch_prepared, 0, sizeof(s->batch_prepared));
}

/*
 * Maps a failed result r (NULL: libpq returned none) of doing what to
 * the store's contract, records its SQLSTATE and constraint in s, and
 * logs the server's message.  Returns USERCGI_UNAVAILABLE (connection
 * lost or unusable: also marks it for a reset; a read-only server; out
 * of resources), USERCGI_BUSY (lock or statement timeout; 40001/40P01,
 * with s->retry set), USERCGI_BAD_PATTERN (a pattern the server
 * refuses), USERCGI_VALUE_TOO_LONG (over a column's length),
 * USERCGI_UNSTORABLE (22P05: a character jsonb or the server's encoding
 * cannot hold, such as \u0000),
 * USERCGI_INTERNAL (anything else, also 23505: the caller reads
 * s->constraint).
 */
static enum usercgi_err
pg_err(struct store *s, PGresult *r, const char *what)
{
	const char	*st, *c;
	char		 msg[PG_MSG_MAX];

	s->state[0] = s->constraint[0] = '\0';
	st = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (st != NULL && strlen(st) == 5)
		memcpy(s->state, st, 6);
	if (r != NULL && (c = PQresultErrorField(r,
	    PG_DIAG_CONSTRAINT_NAME)) != NULL)
		(void)snprintf(s->constraint, sizeof(s->constraint), "%s", c);
	c = r != NULL ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	pg_msg_line(c != NULL ? c : PQerrorMessage(s->conn), msg);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		log_err("postgresql: %s: connection lost: %s", what, msg);
		pg_lost(s);
		return USERCGI_UNAVAILABLE;
	}
	if (strcmp(s->state, "23505") == 0) {
		log_debug("postgresql: %s: %s (%s)", what, msg, s->constraint);
		return USERCGI_INTERNAL;
	}
	if (strcmp(s->state, "40001") == 0 || strcmp(s->state, "40P01") == 0) {
		log_debug("postgresql: %s: %s (SQLSTATE %s)", what, msg,
		    s->state);
		s->retry = 1;
		return USERCGI_BUSY;
	}
	log_err("postgresql: %s: %s (SQLSTATE %s)", what, msg,
	    s->state[0] != '\0' ? s->state : "none");
	if (strcmp(s->state, "55P03") == 0 || strcmp(s->state, "57014") == 0)
		return USERCGI_BUSY;
	if (strcmp(s->state, "2201B") == 0 || strcmp(s->state, "22025") == 0)
		return USERCGI_BAD_PATTERN;
	if (strcmp(s->state, "22001") == 0)
		return USERCGI_VALUE_TOO_LONG;
	if (strcmp(s->state, "22P05") == 0)
		return USERCGI_UNSTORABLE;
	/* A read-only server (a standby after a failover), shutdown, I/O. */
	if (strcmp(s->state, "25006") == 0 || strncmp(s->state, "57P", 3) == 0 ||
	    strncmp(s->state, "08", 2) == 0) {
		pg_lost(s);
		return USERCGI_UNAVAILABLE;
	}
	if (strncmp(s->state, "53", 2) == 0 || strncmp(s->state, "58", 2) == 0)
		return USERCGI_UNAVAILABLE;
	return USERCGI_INTERNAL;
}

/* Returns 1 when the last error was a 23505 on constraint name. */
static int
pg_unique(const struct store *s, const char *name)
{
	return strcmp(s->state, "23505") == 0 &&
	    strcmp(s->constraint, name) == 0;
}

/*
 * Runs sql (no parameters, several statements allowed) and discards
 * its results.  Returns USERCGI_OK or pg_err's mapping.
 */
static enum usercgi_err
pg_exec(struct store *s, const char *sql, const char *what)
{
	PGresult		*r;
	enum usercgi_err	 err = USERCGI_OK;
	ExecStatusType		 st;

	r = PQexec(s->conn, sql);
	st = PQresultStatus(r);
	if (r == NULL || (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK))
		err = pg_err(s, r, what);
	PQclear(r);
	return err;
}

/* Rolls back the open transaction, if any, on a usable connection. */
static void
pg_rollback(struct store *s)
{
	PGTransactionStatusType	t;

	if (s->conn == NULL || PQstatus(s->conn) != CONNECTION_OK)
		return;
	t = PQtransactionStatus(s->conn);
	if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR)
		(void)pg_exec(s, "ROLLBACK", "rollback");
}

/*
 * Commits a write transaction, or keeps it open for store_idem_answer
 * when a claimed idempotency key asks for it (store_idem_claim).
 */
static enum usercgi_err
pg_write_commit(struct store *s)
{
	if (s->hold) {
		s->hold = 0;
		s->held = 1;
		return USERCGI_OK;
	}
	return pg_exec(s, "COMMIT", "commit");
}

/*
 * Runs prepared statement id (prepared now when it is not yet on this
 * connection) with n parameters: text, NULL for SQL NULL, or binary of
 * len[i] bytes when len is not NULL and len[i] > 0.  Returns USERCGI_OK
 * with *out (caller PQclears), or pg_err's mapping.
 */
static enum usercgi_err
pg_run(struct store *s, enum pg_stmt id, int n, const char *const *v,
    const int *len, PGresult **out)
{
	char			 name[16];
	int			 fmt[32], i;
	PGresult		*r;
	ExecStatusType		 st;

	*out = NULL;
	(void)snprintf(name, sizeof(name), "usercgi_%d", (int)id);
	if (!s->prepared[id]) {
		r = PQprepare(s->conn, name, pg_sql[id], 0, NULL);
		if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
			enum usercgi_err err = pg_err(s, r, pg_what[id]);

			PQclear(r);
			return err;
		}
		PQclear(r);
		s->prepared[id] = 1;
	}
	if (n < 0 || n > (int)(sizeof(fmt) / sizeof(fmt[0])))
		return USERCGI_INTERNAL;
	for (i = 0; i < n; i++)
		fmt[i] = len != NULL && len[i] > 0;
	r = PQexecPrepared(s->conn, name, n, v, len, fmt, 0);
	st = PQresultStatus(r);
	if (r == NULL || (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)) {
		enum usercgi_err err = pg_err(s, r, pg_what[id]);

		PQclear(r);
		return err;
	}
	*out = r;
	return USERCGI_OK;
}

/*
 * Returns 1 when t (NULL allowed) is valid UTF-8.  The server refuses
 * anything else (22021), so an id or identity target that is not (from a
 * request's path) names no row, and is never sent.
 */
static int
pg_text_ok(const char *t)
{
	return t == NULL || utf8_valid(t, strlen(t));
}

/* Returns 1 when field (row, col) of r is the boolean true. */
static int
pg_true(const PGresult *r, int row, int col)
{
	return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

/* libpq's notice processor: the server's notices go to the debug log. */
static void
pg_notice(void *arg, const char *msg)
{
	char	line[PG_MSG_MAX];

	(void)arg;
	pg_msg_line(msg, line);
	log_debug("postgresql: %s", line);
}

/*
 * Connects (or resets a lost connection) and sets the session up: the
 * timeouts, the counter slot.  Rolls back a transaction left open.
 * Returns USERCGI_OK, or USERCGI_UNAVAILABLE / USERCGI_NOMEM (logged).
 */
static enum usercgi_err
pg_ready(struct store *s)
{
	/*
	 * Defaults before the operator's string, which overrides them: a
	 * server that vanished from the network (no reset, no refusal) is
	 * given up within seconds, not TCP's minutes.
	 */
	static const char *const kw[] = { "connect_timeout",
	    "keepalives_idle", "keepalives_interval", "keepalives_count",
	    "tcp_user_timeout", "fallback_application_name", "dbname", NULL };
	static const char *const dflt[] = { "10", "10", "5", "3", "10000",
	    "usercgi" };
	const char	*val[8];
	size_t		 i;
	char		 sql[128], msg[PG_MSG_MAX], red[STORE_REDACTED_MAX];
	int		 lock_ms, stmt_ms;

	if (s->held) {
		log_err("postgresql: a call inside the write held for an"
		    " idempotency key");
		return USERCGI_INTERNAL;
	}
	if (s->ready && PQstatus(s->conn) == CONNECTION_OK) {
		pg_rollback(s);
		if (PQstatus(s->conn) == CONNECTION_OK)
			return USERCGI_OK;
		pg_lost(s);
	}
	if (s->conn == NULL) {
		for (i = 0; i < sizeof(dflt) / sizeof(dflt[0]); i++)
			val[i] = dflt[i];
		val[i++] = s->conninfo;
		val[i] = NULL;
		if ((s->conn = PQconnectdbParams(kw, val, 1)) == NULL)
			return USERCGI_NOMEM;
	} else
		PQreset(s->conn);
	(void)PQsetNoticeProcessor(s->conn, pg_notice, NULL);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		pg_msg_line(PQerrorMessage(s->conn), msg);
		store_redact(s->conninfo, red, sizeof(red));
		log_err("postgresql: cannot connect to %s: %s", red, msg);
		return USERCGI_UNAVAILABLE;
	}
	lock_ms = s->opts.busy_timeout_ms > 0 ? s->opts.busy_timeout_ms : 1;
	stmt_ms = s->opts.busy_timeout_ms > PG_STMT_MIN_MS ?
	    s->opts.busy_timeout_ms : PG_STMT_MIN_MS;
	(void)snprintf(sql, sizeof(sql), "SET lock_timeout = %d;"
	    " SET statement_timeout = %d", lock_ms, stmt_ms);
	if (pg_exec(s, sql, "session setup") != USERCGI_OK)
		return USERCGI_UNAVAILABLE;
	memset(s->prepared, 0, sizeof(s->prepared));
	memset(s->batch_prepared, 0, sizeof(s->batch_prepared));
	s->slot = PQbackendPID(s->conn) % PG_SLOTS;
	if (s->slot < 0)
		s->slot = 0;
	s->ready = 1;
	return USERCGI_OK;
}

/* Sleeps (attempt + 1) x 1-10 ms at random between two tries. */
static void
pg_backoff(struct store *s, int attempt)
{
	struct timespec	ts;
	uint64_t	us = (1000 + pg_rand(s) % 9001) * (uint64_t)(attempt + 1);

	ts.tv_sec = (time_t)(us / 1000000);
	ts.tv_nsec = (long)(us % 1000000) * 1000;
	(void)nanosleep(&ts, NULL);
}

/*
 * Runs fn(s, arg), one whole transaction, on a ready connection; rolls
 * back whatever it left open on failure; runs it again (after a random
 * pause) while it failed with 40001/40P01, PG_RETRIES times at most.
 * Returns fn's result (USERCGI_BUSY when the retries ran out), or
 * pg_ready's failure.
 */
static enum usercgi_err
pg_txn(struct store *s, enum usercgi_err (*fn)(struct store *, void *),
    void *arg)
{
	enum usercgi_err	err;
	int			i;

	for (i = 0;; i++) {
		if ((err = pg_ready(s)) != USERCGI_OK)
			return err;
		s->retry = 0;
		s->state[0] = s->constraint[0] = '\0';
		err = fn(s, arg);
		if (err != USERCGI_OK)
			pg_rollback(s);
		if (!s->retry)
			break;
		if (i + 1 >= PG_RETRIES) {
			log_err("postgresql: a transaction failed %d times"
			    " (SQLSTATE %s): busy", PG_RETRIES, s->state);
			break;
		}
		pg_backoff(s, i);
	}
	return err;
}

/* Reads an int field into *v; 0 on success, -1 when it is not one. */
static int
pg_col_int(const PGresult *r, int row, int col, int *v)
{
	const char	*t = PQgetvalue(r, row, col);
	char		*end;
	long		 x;

	errno = 0;
	x = strtol(t, &end, 10);
	if (PQgetisnull(r, row, col) || errno != 0 || end == t ||
	    *end != '\0' || x < INT32_MIN || x > INT32_MAX)
		return -1;
	*v = (int)x;
	return 0;
}

/*
 * Reads the schema version into *v (-1: no usercgi_schema table yet).
 * Returns USERCGI_OK or the mapped error.
 */
static enum usercgi_err
pg_schema_version(struct store *s, int *v)
{
	PGresult		*r;
	enum usercgi_err	 err = USERCGI_OK;

	*v = -1;
	r = PQexec(s->conn, "SELECT version FROM usercgi_schema WHERE one = 0");
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		*v = 0;
		if (PQntuples(r) == 1 && (pg_col_int(r, 0, 0, v) == -1 ||
		    *v < 0)) {
			log_err("postgresql: usercgi_schema.version is not a"
			    " version");
			err = USERCGI_INTERNAL;
		}
	} else {
		const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);

		if (st == NULL || strcmp(st, "42P01") != 0)
			err = pg_err(s, r, "schema version");
	}
	PQclear(r);
	return err;
}

/*
 * One try of the schema transaction: the version row locked FOR UPDATE
 * (so concurrent creators queue behind the first and then find its
 * work done), the schema created when older, the version recorded.
 */
static enum usercgi_err
pg_migrate_once(struct store *s, void *arg)
{
	PGresult		*r;
	enum usercgi_err	 err;
	char			 sql[96];
	int			 v = -1, bad;

	(void)arg;
	if ((err = pg_exec(s, "BEGIN;"
	    " CREATE TABLE IF NOT EXISTS usercgi_schema ("
	    " one integer NOT NULL PRIMARY KEY CHECK (one = 0),"
	    " version integer NOT NULL);"
	    " INSERT INTO usercgi_schema (one, version) VALUES (0, 0)"
	    " ON CONFLICT (one) DO NOTHING", "schema: begin")) != USERCGI_OK)
		return err;
	r = PQexec(s->conn, "SELECT version FROM usercgi_schema WHERE one = 0"
	    " FOR UPDATE");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		err = pg_err(s, r, "schema: lock");
		PQclear(r);
		return err;
	}
	bad = pg_col_int(r, 0, 0, &v) == -1;
	PQclear(r);
	if (bad || v < 0 || v > STORE_SCHEMA_VERSION) {
		log_err("postgresql: database schema version %d, this build"
		    " knows %d", v, STORE_SCHEMA_VERSION);
		return USERCGI_INTERNAL;
	}
	if (v < STORE_SCHEMA_VERSION) {
		(void)snprintf(sql, sizeof(sql), "UPDATE usercgi_schema SET"
		    " version = %d WHERE one = 0", STORE_SCHEMA_VERSION);
		if ((err = pg_exec(s, pg_schema, "schema: create")) !=
		    USERCGI_OK ||
		    (err = pg_exec(s, sql, "schema: version")) != USERCGI_OK)
			return err;
	}
	if ((err = pg_exec(s, "COMMIT", "schema: commit")) != USERCGI_OK)
		return err;
	if (v < STORE_SCHEMA_VERSION)
		log_info("postgresql: database schema created/migrated to"
		    " version %d", STORE_SCHEMA_VERSION);
	return USERCGI_OK;
}

/*
 * Brings the schema to STORE_SCHEMA_VERSION: read once without a lock
 * (the common case: nothing to do), else the schema transaction, tried
 * again when a concurrent creator won a race on the catalogues.
 */
static enum usercgi_err
pg_migrate(struct store *s)
{
	enum usercgi_err	err;
	int			v, i;

	if ((err = pg_schema_version(s, &v)) != USERCGI_OK)
		return err;
	if (v == STORE_SCHEMA_VERSION)
		return USERCGI_OK;
	if (v > STORE_SCHEMA_VERSION) {
		log_err("postgresql: database schema version %d, this build"
		    " knows %d", v, STORE_SCHEMA_VERSION);
		return USERCGI_INTERNAL;
	}
	for (i = 0; i < PG_MIGRATE_TRIES; i++) {
		s->retry = 0;
		if ((err = pg_migrate_once(s, NULL)) == USERCGI_OK)
			return err;
		pg_rollback(s);
		if (!s->retry && strcmp(s->state, "23505") != 0 &&
		    strcmp(s->state, "42P07") != 0 &&
		    strcmp(s->state, "42710") != 0 &&
		    strcmp(s->state, "55P03") != 0)
			return err;
		pg_backoff(s, i < 4 ? i : 4);
	}
	return USERCGI_BUSY;
}

static void store_pg_close(struct store *);

/*
 * Returns 1 when libpq can parse conninfo, else logs and returns 0.
 * libpq's own message is not logged: it may quote a piece of a
 * password (a bad percent-encoding in a URI).
 */
static int
pg_parses(const char *conninfo)
{
	PQconninfoOption	*o;
	char			*msg = NULL;

	if ((o = PQconninfoParse(conninfo, &msg)) == NULL) {
		log_err("postgresql: the database string is not a conninfo"
		    " or URI that libpq can read (its syntax: libpq's"
		    " \"Connection Strings\")");
		PQfreemem(msg);
		return 0;
	}
	PQconninfoFree(o);
	return 1;
}

static enum usercgi_err
store_pg_open(const char *conninfo, const struct store_opts *o,
    struct store **out)
{
	struct store		*s = NULL;
	struct timespec		 ts;
	enum usercgi_err	 err;

	*out = NULL;
	if (!pg_parses(conninfo))
		return USERCGI_INTERNAL;
	if ((s = xcalloc(1, sizeof(*s))) == NULL ||
	    (s->conninfo = xstrdup(conninfo)) == NULL) {
		err = USERCGI_NOMEM;
		goto out;
	}
	s->ops = &store_pg_ops;
	s->opts = *o;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->rnd = ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_nsec ^
	    ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)(uintptr_t)s;
	if (s->rnd == 0)
		s->rnd = 0x9e3779b97f4a7c15ULL;
	if ((err = pg_ready(s)) != USERCGI_OK ||
	    (err = pg_migrate(s)) != USERCGI_OK)
		goto out;
	*out = s;
	s = NULL;
out:
	store_pg_close(s);
	return err;
}

static void
store_pg_close(struct store *s)
{
	if (s == NULL)
		return;
	PQfinish(s->conn);
	free(s->conninfo);
	free(s);
}

static enum usercgi_err
store_pg_probe(const char *conninfo, const struct store_opts *o, int *version)
{
	struct store		*s = NULL;
	enum usercgi_err	 err;
	int			 v = -1;

	*version = 0;
	if (!pg_parses(conninfo))
		return USERCGI_INTERNAL;
	if ((s = xcalloc(1, sizeof(*s))) == NULL ||
	    (s->conninfo = xstrdup(conninfo)) == NULL) {
		err = USERCGI_NOMEM;
		goto out;
	}
	s->ops = &store_pg_ops;
	s->opts = *o;
	s->rnd = 0x9e3779b97f4a7c15ULL;
	if ((err = pg_ready(s)) != USERCGI_OK ||
	    (err = pg_schema_version(s, &v)) != USERCGI_OK)
		goto out;
	*version = v < 0 ? 0 : v;
out:
	store_pg_close(s);
	return err;
}

/*
 * Copies field (row, col) of r into *dst (NULL for SQL NULL).  Returns
 * USERCGI_OK or USERCGI_NOMEM.
 */
static enum usercgi_err
pg_col(const PGresult *r, int row, int col, char **dst)
{
	*dst = NULL;
	if (PQgetisnull(r, row, col))
		return USERCGI_OK;
	if ((*dst = xstrndup(PQgetvalue(r, row, col),
	    (size_t)PQgetlength(r, row, col))) == NULL)
		return USERCGI_NOMEM;
	return USERCGI_OK;
}

/* Reads an epoch-ms field into *v (-1: NULL); 0, or -1 for no number. */
static int
pg_col_ms(const PGresult *r, int row, int col, int64_t *v)
{
	const char	*t;
	char		*end;
	long long	 x;

	*v = -1;
	if (PQgetisnull(r, row, col))
		return 0;
	t = PQgetvalue(r, row, col);
	errno = 0;
	x = strtoll(t, &end, 10);
	if (errno != 0 || end == t || *end != '\0')
		return -1;
	*v = (int64_t)x;
	return 0;
}

/*
 * Copies row row of r (columns in PG_COLUMNS order) into *u.  Returns
 * USERCGI_OK, or USERCGI_NOMEM / USERCGI_INTERNAL with *u freed.
 */
static enum usercgi_err
pg_row(const PGresult *r, int row, struct store_user *u)
{
	enum usercgi_err	 err;
	size_t			 len;

	memset(u, 0, sizeof(*u));
	if (PQnfields(r) < PG_NCOLS || PQgetisnull(r, row, 0) ||
	    (len = (size_t)PQgetlength(r, row, 0)) > STORE_ID_LEN) {
		log_err("postgresql: stored id is not a store id");
		return USERCGI_INTERNAL;
	}
	memcpy(u->id, PQgetvalue(r, row, 0), len);
	if ((err = pg_col(r, row, 1, &u->username)) != USERCGI_OK ||
	    (err = pg_col(r, row, 2, &u->primary_email)) != USERCGI_OK ||
	    (err = pg_col(r, row, 3, &u->primary_phone)) != USERCGI_OK ||
	    (err = pg_col(r, row, 4, &u->password_encrypted)) != USERCGI_OK ||
	    (err = pg_col(r, row, 5, &u->password_encryption_method)) !=
	    USERCGI_OK ||
	    (err = pg_col(r, row, 6, &u->name)) != USERCGI_OK ||
	    (err = pg_col(r, row, 7, &u->avatar)) != USERCGI_OK ||
	    (err = pg_col(r, row, 8, &u->profile_json)) != USERCGI_OK ||
	    (err = pg_col(r, row, 9, &u->custom_data_json)) != USERCGI_OK ||
	    (err = pg_col(r, row, 10, &u->identities_json)) != USERCGI_OK ||
	    (err = pg_col(r, row, 11, &u->application_id)) != USERCGI_OK)
		goto out;
	err = USERCGI_NOMEM;
	if ((u->profile_json == NULL && (u->profile_json = xstrdup("{}")) ==
	    NULL) || (u->custom_data_json == NULL && (u->custom_data_json =
	    xstrdup("{}")) == NULL) || (u->identities_json == NULL &&
	    (u->identities_json = xstrdup("{}")) == NULL))
		goto out;
	err = USERCGI_INTERNAL;
	u->is_suspended = pg_true(r, row, 12);
	if (pg_col_ms(r, row, 13, &u->last_sign_in_at) == -1 ||
	    pg_col_ms(r, row, 14, &u->password_updated_at) == -1 ||
	    pg_col_ms(r, row, 15, &u->created_at) == -1 ||
	    pg_col_ms(r, row, 16, &u->updated_at) == -1) {
		log_err("postgresql: a stored timestamp is not a number");
		goto out;
	}
	u->is_password_expired = pg_true(r, row, 17);
	store_logto_config_read(PQgetisnull(r, row, 18) ? NULL :
	    PQgetvalue(r, row, 18), (size_t)PQgetlength(r, row, 18),
	    &u->logto_config);
	err = USERCGI_OK;
out:
	if (err != USERCGI_OK)
		store_user_free(u);
	return err;
}

/* Writes v to out (32 bytes); returns out, NULL for -1 if null_neg. */
static const char *
pg_int(int64_t v, char out[32], int null_neg)
{
	if (null_neg && v == -1)
		return NULL;
	(void)snprintf(out, 32, "%lld", (long long)v);
	return out;
}

/*
 * Runs a conflict statement (three booleans) and returns the taken code
 * of the first that is true, USERCGI_OK when none, or the error.
 */
static enum usercgi_err
pg_conflict_run(struct store *s, enum pg_stmt id, int n,
    const char *const *v, const enum usercgi_err taken[3])
{
	PGresult		*r = NULL;
	enum usercgi_err	 err;
	int			 i;

	if ((err = pg_run(s, id, n, v, NULL, &r)) != USERCGI_OK)
		return err;
	if (PQntuples(r) != 1 || PQnfields(r) != 3) {
		err = USERCGI_INTERNAL;
		goto out;
	}
	for (i = 0; i < 3; i++)
		if (pg_true(r, 0, i)) {
			err = taken[i];
			break;
		}
out:
	PQclear(r);
	return err;
}

struct pg_conflict_arg {
	const char	*v[4];
};

static enum usercgi_err
pg_find_conflict_tx(struct store *s, void *arg)
{
	static const enum usercgi_err	 taken[3] = { USERCGI_USERNAME_TAKEN,
	    USERCGI_EMAIL_TAKEN, USERCGI_PHONE_TAKEN };
	struct pg_conflict_arg		*a = arg;

	return pg_conflict_run(s, PG_CONFLICT, 3, a->v, taken);
}

static enum usercgi_err
store_pg_find_conflict(struct store *s, const char *username,
    const char *email, const char *phone)
{
	struct pg_conflict_arg	 a;
	struct store_keys	 k;
	enum usercgi_err	 err;

	memset(&k, 0, sizeof(k));
	if (email != NULL && (k.email = store_email_key(email)) == NULL) {
		err = USERCGI_NOMEM;
		goto out;
	}
	if (phone != NULL &&
	    (err = store_phone_key(phone, k.pbuf)) != USERCGI_OK)
		goto out;
	if (username == NULL && email == NULL && phone == NULL) {
		err = USERCGI_OK;
		goto out;
	}
	a.v[0] = username;
	a.v[1] = k.email;
	a.v[2] = phone != NULL ? k.pbuf : NULL;
	err = pg_txn(s, pg_find_conflict_tx, &a);
out:
	store_keys_free(&k);
	return err;
}

struct pg_insert_arg {
	const struct store_user	*u;
	const struct store_keys	*k;
};

/* Maps a 23505 on users to its *_TAKEN code (USERCGI_INTERNAL: unknown). */
static enum usercgi_err
pg_users_taken(const struct store *s)
{
	if (pg_unique(s, "users_username_unique"))
		return USERCGI_USERNAME_TAKEN;
	if (pg_unique(s, "users_email_key_unique"))
		return USERCGI_EMAIL_TAKEN;
	if (pg_unique(s, "users_phone_key_unique"))
		return USERCGI_PHONE_TAKEN;
	if (pg_unique(s, "users_pkey"))
		return USERCGI_ID_TAKEN;
	return USERCGI_INTERNAL;
}

/*
 * After an insert's 23505: returns USERCGI_ID_TAKEN for the id, else the
 * taken code of the first of username, email and phone that a row holds
 * now (store.h's order, whichever constraint fired).  When none does any
 * more (the row that held it was deleted since), asks pg_txn to try the
 * insert again and returns USERCGI_BUSY, the answer should the tries run
 * out.
 */
static enum usercgi_err
pg_insert_taken(struct store *s, const struct store_keys *k,
    const struct store_user *u)
{
	static const enum usercgi_err	 taken[3] = { USERCGI_USERNAME_TAKEN,
	    USERCGI_EMAIL_TAKEN, USERCGI_PHONE_TAKEN };
	const char			*v[3];
	enum usercgi_err		 err;

	if ((err = pg_users_taken(s)) == USERCGI_INTERNAL) {
		log_err("postgresql: insert: unique constraint %s",
		    s->constraint);
		return err;
	}
	if (err == USERCGI_ID_TAKEN)
		return err;
	v[0] = u->username;
	v[1] = k->email;
	v[2] = k->phone;
	if ((err = pg_conflict_run(s, PG_CONFLICT, 3, v, taken)) ==
	    USERCGI_OK) {
		s->retry = 1;
		err = USERCGI_BUSY;
	}
	return err;
}

/*
 * Sets v[0..PG_INSERT_NCOLS) to the parameters of u's row (keys k) in
 * PG_INSERT_COLUMNS' order; the timestamps are written into ms.  The
 * pointers are u's, k's and ms's: valid while they are.
 */
static void
pg_insert_values(const struct store_user *u, const struct store_keys *k,
    const char **v, char ms[4][32])
{
	v[0] = u->id;
	v[1] = u->username;
	v[2] = u->primary_email;
	v[3] = u->primary_phone;
	v[4] = u->password_encrypted;
	v[5] = u->password_encryption_method;
	v[6] = u->name;
	v[7] = u->avatar;
	v[8] = u->profile_json != NULL ? u->profile_json : "{}";
	v[9] = u->custom_data_json != NULL ? u->custom_data_json : "{}";
	v[10] = u->identities_json != NULL ? u->identities_json : "{}";
	v[11] = u->application_id;
	v[12] = u->is_suspended ? "t" : "f";
	v[13] = pg_int(u->last_sign_in_at, ms[0], 1);
	v[14] = pg_int(u->password_updated_at, ms[1], 1);
	v[15] = pg_int(u->created_at, ms[2], 0);
	v[16] = pg_int(u->updated_at, ms[3], 0);
	v[17] = u->is_password_expired ? "t" : "f";
	v[18] = "{}";		/* the logto configuration's defaults, as SQLite */
	v[19] = k->email;
	v[20] = k->phone;
	v[21] = k->username;
	v[22] = k->name;
	v[23] = v[8];
	v[24] = v[9];
	v[25] = v[10];
}

static enum usercgi_err
pg_insert_tx(struct store *s, void *arg)
{
	struct pg_insert_arg	*a = arg;
	const struct store_user	*u = a->u;
	const struct store_keys	*k = a->k;
	const char		*v[PG_INSERT_NCOLS + 1];
	char			 ms[4][32], slot[32];
	PGresult		*r = NULL;
	enum usercgi_err	 err;

	pg_insert_values(u, k, v, ms);
	v[26] = pg_int(s->slot, slot, 0);
	/* A held write is a transaction of its own, not one statement. */
	if (s->hold && (err = pg_exec(s, "BEGIN", "begin")) != USERCGI_OK)
		return err;
	if ((err = pg_run(s, PG_INSERT, 27, v, NULL, &r)) != USERCGI_OK) {
		/* A held write's transaction is aborted: end it first. */
		if (strcmp(s->state, "23505") == 0) {
			pg_rollback(s);
			err = pg_insert_taken(s, k, u);
		}
		goto out;
	}
	if (strcmp(PQcmdTuples(r), "1") != 0) {
		log_err("postgresql: insert: user_count has no slot %d",
		    s->slot);
		err = USERCGI_INTERNAL;
	} else if (s->hold)
		err = pg_write_commit(s);
out:
	PQclear(r);
	return err;
}

/* Inserts one row alone: PG_INSERT in a transaction of its own. */
static enum usercgi_err
pg_insert_one(struct store *s, const struct store_user *u,
    const struct store_keys *k)
{
	struct pg_insert_arg	 a;

	a.u = u;
	a.k = k;
	return pg_txn(s, pg_insert_tx, &a);
}

static enum usercgi_err
store_pg_user_insert(struct store *s, const struct store_user *u,
    const struct store_keys *k)
{
	if (s->group != NULL && !s->hold)
		return store_group_insert(s->group, s, u, k);
	return pg_insert_one(s, u, k);
}

/*
 * A batch of the group commit: one statement inserts every row whose
 * keys no row holds (ON CONFLICT DO NOTHING, any unique index) and adds
 * their number to the leader's user_count slot, one implicit transaction
 * and one WAL flush for all; it returns the ids inserted.  A row it
 * skipped is then inserted alone, whose 23505 finds the taken key as
 * always (or which goes in, when the row that held the key has gone).
 * A statement that fails before its commit (a value the server refuses,
 * retries run out) inserts nothing, and its rows are inserted alone,
 * each to its own answer; a lost connection answers every row
 * USERCGI_UNAVAILABLE, as the outcome is unknown.  With pgbench at one
 * client, batches of 8 rows wrote 12,300 rows/s on a server where single
 * rows at 16 clients wrote 7,100.
 */
struct pg_batch_arg {
	struct store_job	*jobs[PG_BATCH_MAX];
	int			 n;
	unsigned char		 inserted[PG_BATCH_MAX];
	int			 committed;	/* the statement ran */
	int			 counted;	/* it found its slot */
};

/* How each inserted column's parameter is written: pre, number, post. */
static const struct pg_cast {
	const char	*pre, *post;
} pg_insert_casts[PG_INSERT_NCOLS] = {
#define PG_T	{ "$", "::text" }
#define PG_J	{ "$", "::jsonb" }
#define PG_B	{ "$", "::boolean" }
#define PG_TS	{ "(timestamptz 'epoch' + $", \
		    "::bigint * interval '1 millisecond')" }
	PG_T, PG_T, PG_T, PG_T, PG_T, PG_T, PG_T, PG_T, PG_J, PG_J, PG_J,
	PG_T, PG_B, PG_TS, PG_TS, PG_TS, PG_TS, PG_B, PG_J, PG_T, PG_T, PG_T,
	PG_T, PG_T, PG_T, PG_T
#undef PG_T
#undef PG_J
#undef PG_B
#undef PG_TS
};

/*
 * Writes the batch statement for n rows into b: $1 the slot, row i's
 * columns $(2 + i * PG_INSERT_NCOLS)..; it returns (id, slot found) per
 * row inserted.  Returns USERCGI_OK or USERCGI_NOMEM.
 */
static enum usercgi_err
pg_batch_sql(int n, struct buf *b)
{
	enum usercgi_err	 err;
	int			 i, c, p = 2;

	if ((err = buf_addstr(b, "WITH i AS (INSERT INTO users ("
	    PG_INSERT_COLUMNS ") VALUES ")) != USERCGI_OK)
		return err;
	for (i = 0; i < n; i++)
		for (c = 0; c < PG_INSERT_NCOLS; c++, p++)
			if ((err = buf_printf(b, "%s%s%d%s%s",
			    c == 0 ? (i == 0 ? "(" : ", (") : ", ",
			    pg_insert_casts[c].pre, p, pg_insert_casts[c].post,
			    c + 1 == PG_INSERT_NCOLS ? ")" : "")) != USERCGI_OK)
				return err;
	return buf_addstr(b, " ON CONFLICT DO NOTHING RETURNING id),"
	    " c AS (UPDATE user_count SET n = n + (SELECT count(*) FROM i)"
	    " WHERE slot = $1::integer RETURNING 1)"
	    " SELECT id, EXISTS (SELECT 1 FROM c) FROM i");
}

/* pg_txn's try of a batch: prepares its statement, runs it, reads it. */
static enum usercgi_err
pg_batch_tx(struct store *s, void *arg)
{
	struct pg_batch_arg	*a = arg;
	const char		**v = NULL;
	char			(*ms)[4][32] = NULL;
	char			 name[24], slot[32];
	const char		*id;
	struct buf		 sql;
	PGresult		*r = NULL;
	enum usercgi_err	 err = USERCGI_OK;
	int			 i, row, nv = 1 + a->n * PG_INSERT_NCOLS;

	buf_init(&sql, PG_BATCH_MAX * 1024);
	if ((v = xcalloc((size_t)nv, sizeof(*v))) == NULL ||
	    (ms = xcalloc((size_t)a->n, sizeof(*ms))) == NULL) {
		err = USERCGI_NOMEM;
		goto out;
	}
	v[0] = pg_int(s->slot, slot, 0);
	for (i = 0; i < a->n; i++)
		pg_insert_values(a->jobs[i]->u, a->jobs[i]->k,
		    v + 1 + i * PG_INSERT_NCOLS, ms[i]);
	(void)snprintf(name, sizeof(name), "usercgi_batch_%d", a->n);
	if (!s->batch_prepared[a->n]) {
		if ((err = pg_batch_sql(a->n, &sql)) != USERCGI_OK)
			goto out;
		r = PQprepare(s->conn, name, buf_str(&sql), 0, NULL);
		if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
			err = pg_err(s, r, "insert");
			goto out;
		}
		PQclear(r);
		r = NULL;
		s->batch_prepared[a->n] = 1;
	}
	r = PQexecPrepared(s->conn, name, nv, v, NULL, NULL, 0);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		err = pg_err(s, r, "insert");
		goto out;
	}
	a->committed = 1;
	a->counted = 1;
	for (row = 0; row < PQntuples(r); row++) {
		id = PQgetvalue(r, row, 0);
		a->counted &= pg_true(r, row, 1);
		for (i = 0; i < a->n; i++)
			if (strcmp(a->jobs[i]->u->id, id) == 0)
				a->inserted[i] = 1;
	}
out:
	PQclear(r);
	buf_free(&sql);
	free(ms);
	free(v);
	return err;
}

/* Returns 1 when two rows of a batch have one id (each goes alone). */
static int
pg_batch_dup(const struct pg_batch_arg *a)
{
	int	i, j;

	for (i = 0; i < a->n; i++)
		for (j = i + 1; j < a->n; j++)
			if (strcmp(a->jobs[i]->u->id, a->jobs[j]->u->id) == 0)
				return 1;
	return 0;
}

/* Runs the batch in a and sets each of its jobs' rc. */
static void
pg_batch_run(struct store *s, struct pg_batch_arg *a)
{
	struct store_job	*j;
	enum usercgi_err	 err;
	int			 i;

	memset(a->inserted, 0, sizeof(a->inserted));
	a->committed = a->counted = 0;
	/* One row, or one id twice: every row alone. */
	err = a->n > 1 && !pg_batch_dup(a) ? pg_txn(s, pg_batch_tx, a) :
	    USERCGI_OK;
	if (a->committed && !a->counted)
		log_err("postgresql: insert: user_count has no slot %d",
		    s->slot);
	for (i = 0; i < a->n; i++) {
		j = a->jobs[i];
		if (a->inserted[i])
			j->rc = a->counted ? USERCGI_OK : USERCGI_INTERNAL;
		else if (!a->committed && err == USERCGI_UNAVAILABLE)
			j->rc = err;
		else
			j->rc = pg_insert_one(s, j->u, j->k);
	}
}

/* store_ops' insert_batch: every batch runs on the leader's connection. */
static void
store_pg_insert_batch(struct store *s, struct store **writer,
    struct store_job *batch)
{
	struct pg_batch_arg	 a;
	struct store_job	*j = batch;

	(void)writer;
	while (j != NULL) {
		for (a.n = 0; j != NULL && a.n < PG_BATCH_MAX; j = j->next)
			a.jobs[a.n++] = j;
		pg_batch_run(s, &a);
	}
}

static void
store_pg_set_group(struct store *s, struct store_group *g)
{
	s->group = g;
}

/*
 * Reads user id with statement id (PG_GET, or PG_GET_LOCK inside a
 * transaction) into *u.  Returns USERCGI_OK, USERCGI_USER_NOT_FOUND or
 * the mapped error.
 */
static enum usercgi_err
pg_get(struct store *s, enum pg_stmt id, const char *uid, struct store_user *u)
{
	PGresult		*r = NULL;
	enum usercgi_err	 err;
	const char		*v[1] = { uid };

	memset(u, 0, sizeof(*u));
	if ((err = pg_run(s, id, 1, v, NULL, &r)) != USERCGI_OK)
		return err;
	if (PQntuples(r) == 0)
		err = USERCGI_USER_NOT_FOUND;
	else
		err = pg_row(r, 0, u);
	PQclear(r);
	return err;
}

struct pg_get_arg {
	const char		*id;
	struct store_user	*u;
};

static enum usercgi_err
pg_get_tx(struct store *s, void *arg)
{
	struct pg_get_arg	*a = arg;

	return pg_get(s, PG_GET, a->id, a->u);
}

static enum usercgi_err
store_pg_user_get(struct store *s, const char *id, struct store_user *u)
{
	struct pg_get_arg	a = { id, u };

	memset(u, 0, sizeof(*u));
	if (!pg_text_ok(id))
		return USERCGI_USER_NOT_FOUND;
	return pg_txn(s, pg_get_tx, &a);
}

struct pg_rehash_arg {
	const char	*v[5];
};

static enum usercgi_err
pg_rehash_tx(struct store *s, void *arg)
{
	struct pg_rehash_arg	*a = arg;
	PGresult		*r = NULL;
	enum usercgi_err	 err;

	if ((err = pg_run(s, PG_REHASH, 5, a->v, NULL, &r)) != USERCGI_OK)
		return err;
	if (strcmp(PQcmdTuples(r), "1") != 0)
		err = USERCGI_USER_NOT_FOUND;
	PQclear(r);
	return err;
}

static enum usercgi_err
store_pg_user_rehash(struct store *s, const char *id, const char *old_hash,
    const char *hash, const char *method, int64_t now_ms)
{
	struct pg_rehash_arg	a;
	char			now[32];

	if (!pg_text_ok(id))
		return USERCGI_USER_NOT_FOUND;
	a.v[0] = hash;
	a.v[1] = method;
	a.v[2] = pg_int(now_ms, now, 0);
	a.v[3] = id;
	a.v[4] = old_hash;
	return pg_txn(s, pg_rehash_tx, &a);
}

struct pg_token_arg {
	const unsigned char	*key;
	int64_t			 a, b;
	int			*known;
};

static enum usercgi_err
pg_token_known_tx(struct store *s, void *arg)
{
	struct pg_token_arg	*a = arg;
	PGresult		*r = NULL;
	enum usercgi_err	 err;
	char			 now[32];
	const char		*v[2];
	int			 len[2] = { STORE_TOKEN_KEY, 0 };

	v[0] = (const char *)a->key;
	v[1] = pg_int(a->a, now, 0);
	if ((err = pg_run(s, PG_TOKEN_KNOWN, 2, v, len, &r)) != USERCGI_OK)
		return err;
	*a->known = PQntuples(r) > 0;
	PQclear(r);
	return USERCGI_OK;
}

static enum usercgi_err
store_pg_token_known(struct store *s, const unsigned char *key, int64_t now_s,
    int *known)
{
	struct pg_token_arg	a = { key, now_s, 0, known };
	enum usercgi_err	err;

	*known = 0;
	if ((err = pg_txn(s, pg_token_known_tx, &a)) != USERCGI_OK)
		*known = 0;
	return err;
}

static enum usercgi_err
pg_token_remember_tx(struct store *s, void *arg)
{
	struct pg_token_arg	*a = arg;
	PGresult		*r = NULL;
	enum usercgi_err	 err;
	char			 now[32], exp[32];
	const char		*v[2];
	int			 len[2] = { STORE_TOKEN_KEY, 0 };

	if ((err = pg_exec(s, "BEGIN", "begin")) != USERCGI_OK)
		return err;
	v[0] = pg_int(a->b, now, 0);
	if ((err = pg_run(s, PG_TOKEN_PURGE, 1, v, NULL, &r)) != USERCGI_OK)
		return err;
	PQclear(r);
	v[0] = (const char *)a->key;
	v[1] = pg_int(a->a, exp, 0);
	if ((err = pg_run(s, PG_TOKEN_PUT, 2, v, len, &r)) != USERCGI_OK)
		return err;
	PQclear(r);
	return pg_exec(s, "COMMIT", "commit");
}

static enum usercgi_err
store_pg_token_remember(struct store *s, const unsigned char *key,
    int64_t exp_s, int64_t now_s)
{
	struct pg_token_arg	a = { key, exp_s, now_s, NULL };

	if (exp_s <= now_s)
		return USERCGI_OK;
	return pg_txn(s, pg_token_remember_tx, &a);
}

/*
 * The checks of store_find_update_conflict on the keys of email, phone
 * and username (NULL: not checked), the row of id excluded, inside the
 * caller's transaction.
 */
static enum usercgi_err
pg_update_conflict(struct store *s, const char *id, const struct store_keys *k,
    const char *username)
{
	static const enum usercgi_err	 taken[3] = { USERCGI_EMAIL_TAKEN,
	    USERCGI_PHONE_TAKEN, USERCGI_USERNAME_TAKEN };
	const char			*v[4];

	v[0] = k->email;
	v[1] = k->phone;
	v[2] = store_nz(username);
	v[3] = pg_text_ok(id) ? id : "";
	if (v[0] == NULL && v[1] == NULL && v[2] == NULL)
		return USERCGI_OK;
	return pg_conflict_run(s, PG_CONFLICT_OTHER, 4, v, taken);
}

struct pg_update_conflict_arg {
	const char		*id, *username;
	const struct store_keys	*k;
};

static enum usercgi_err
pg_find_update_conflict_tx(struct store *s, void *arg)
{
	struct pg_update_conflict_arg	*a = arg;

	return pg_update_conflict(s, a->id, a->k, a->username);
}

static enum usercgi_err
store_pg_find_update_conflict(struct store *s, const char *id,
    const char *email, const char *phone, const char *username)
{
	struct pg_update_conflict_arg	 a;
	struct store_keys		 k;
	enum usercgi_err		 err;

	memset(&k, 0, sizeof(k));
	if ((err = store_keys_set(&k, email, phone, NULL, NULL)) != USERCGI_OK)
		goto out;
	if (k.email == NULL && k.phone == NULL && store_nz(username) == NULL)
		goto out;
	a.id = id;
	a.username = username;
	a.k = &k;
	err = pg_txn(s, pg_find_update_conflict_tx, &a);
out:
	store_keys_free(&k);
	return err;
}

/*
 * Runs the built statement (planned with its parameters: a search's
 * LIKE prefix then uses the index).  Returns USERCGI_OK with *out
 * (caller PQclears) or the mapped error.
 */
static enum usercgi_err
pg_sqlb_run(struct store *s, struct store_sqlb *b, PGresult **out)
{
	const char	*vals[STORE_SQLB_MAX_ARGS];
	PGresult	*r;
	ExecStatusType	 st;
	enum usercgi_err err;
	size_t		 i;

	*out = NULL;
	if (b->err != USERCGI_OK)
		return b->err;
	for (i = 0; i < b->nargs; i++)
		vals[i] = b->args[i].text;
	r = PQexecParams(s->conn, buf_str(&b->sql), (int)b->nargs, NULL,
	    vals, NULL, NULL, 0);
	st = PQresultStatus(r);
	if (r == NULL || (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)) {
		err = pg_err(s, r, "statement");
		PQclear(r);
		return err;
	}
	*out = r;
	return USERCGI_OK;
}

/* Appends ", column = $n" (the first without the comma). */
static void
pg_set_col(struct store_sqlb *b, int *first, const char *col, const char *v,
    const char *type, int own)
{
	store_sqlb_set(b, first, col);
	store_sqlb_arg(b, v, type, own);
}

/* Appends ", column = " the timestamptz of epoch-ms v. */
static void
pg_set_ms(struct store_sqlb *b, int *first, const char *col, int64_t v)
{
	store_sqlb_set(b, first, col);
	store_sqlb_sql(b, "(timestamptz 'epoch' + ");
	store_sqlb_int(b, v);
	store_sqlb_sql(b, " * interval '1 millisecond')");
}

/* Appends a JSON column: its jsonb and its text, from v (owned when own). */
static void
pg_set_json(struct store_sqlb *b, int *first, const char *col, const char *v,
    int own)
{
	char	textcol[32];

	(void)snprintf(textcol, sizeof(textcol), "%s_text", col);
	pg_set_col(b, first, col, v, "jsonb", own);
	pg_set_col(b, first, textcol, v, "text", 0);
}

/*
 * Builds the UPDATE of store_user_update for p on the row cur (locked
 * in the same transaction); merges and the logto configuration are
 * computed here, in C.  RETURNING gives the row as written.
 */
static void
pg_build_update(struct store_sqlb *b, const char *id,
    const struct store_patch *p, const struct store_user *cur, int64_t now_ms,
    const struct store_keys *k)
{
	struct store_logto_config	 c;
	char				*t;
	int				 first = 1;
	unsigned			 set = p->set;

	store_sqlb_sql(b, "UPDATE users SET");
	if (set & STORE_P_USERNAME) {
		pg_set_col(b, &first, "username", store_nz(p->username),
		    "text", 0);
		pg_set_col(b, &first, "username_key", k->username, "text", 0);
	}
	if (set & STORE_P_EMAIL) {
		pg_set_col(b, &first, "primary_email",
		    store_nz(p->primary_email), "text", 0);
		pg_set_col(b, &first, "email_key", k->email, "text", 0);
	}
	if (set & STORE_P_PHONE) {
		pg_set_col(b, &first, "primary_phone",
		    store_nz(p->primary_phone), "text", 0);
		pg_set_col(b, &first, "phone_key", k->phone, "text", 0);
	}
	if (set & STORE_P_NAME) {
		pg_set_col(b, &first, "name", store_nz(p->name), "text", 0);
		pg_set_col(b, &first, "name_key", k->name, "text", 0);
	}
	if (set & STORE_P_AVATAR)
		pg_set_col(b, &first, "avatar", store_nz(p->avatar), "text", 0);
	if (set & STORE_P_CUSTOM_DATA)
		pg_set_json(b, &first, "custom_data", p->custom_data_json, 0);
	if (set & STORE_P_PROFILE)
		pg_set_json(b, &first, "profile", p->profile_json, 0);
	if ((set & STORE_P_CUSTOM_MERGE) && b->err == USERCGI_OK &&
	    (t = store_merge(cur->custom_data_json, p->custom_data_json,
	    NULL, &b->err)) != NULL)
		pg_set_json(b, &first, "custom_data", t, 1);
	if ((set & STORE_P_PROFILE_MERGE) && b->err == USERCGI_OK &&
	    (t = store_merge(cur->profile_json, p->profile_json,
	    p->profile_keys, &b->err)) != NULL)
		pg_set_json(b, &first, "profile", t, 1);
	if (set & STORE_P_PASSWORD) {
		pg_set_col(b, &first, "password_encrypted",
		    store_nz(p->password_encrypted), "text", 0);
		pg_set_col(b, &first, "password_encryption_method",
		    store_nz(p->password_encryption_method), "text", 0);
		pg_set_ms(b, &first, "password_updated_at", now_ms);
	}
	if (set & STORE_P_EXPIRED)
		pg_set_col(b, &first, "is_password_expired",
		    p->is_password_expired ? "t" : "f", "boolean", 0);
	if (set & STORE_P_SUSPENDED)
		pg_set_col(b, &first, "is_suspended",
		    p->is_suspended ? "t" : "f", "boolean", 0);
	if ((set & STORE_P_LOGTO_CONFIG) && b->err == USERCGI_OK) {
		c = cur->logto_config;
		store_logto_config_apply(&c, &p->logto_config);
		if ((t = store_logto_config_text(&c)) == NULL)
			b->err = USERCGI_NOMEM;
		else
			pg_set_col(b, &first, "logto_config", t, "jsonb", 1);
	}
	pg_set_ms(b, &first, "updated_at", now_ms);
	store_sqlb_sql(b, " WHERE id = ");
	store_sqlb_arg(b, id, "text", 0);
	store_sqlb_sql(b, " RETURNING " PG_COLUMNS);
}

struct pg_update_arg {
	const char		*id;
	const struct store_patch *p;
	int64_t			 now_ms;
	const struct store_keys	*k;
	struct store_user	*out;
};

static enum usercgi_err
pg_update_tx(struct store *s, void *arg)
{
	struct pg_update_arg	*a = arg;
	const struct store_patch *p = a->p;
	struct store_sqlb		*b = NULL;
	struct store_user	 cur;
	PGresult		*r = NULL;
	enum usercgi_err	 err;

	memset(&cur, 0, sizeof(cur));
	if ((b = xmalloc(sizeof(*b))) == NULL)
		return USERCGI_NOMEM;
	store_sqlb_init(b, 1);
	if ((err = pg_exec(s, "BEGIN", "begin")) != USERCGI_OK ||
	    (err = pg_get(s, PG_GET_LOCK, a->id, &cur)) != USERCGI_OK ||
	    (err = pg_update_conflict(s, a->id, a->k,
	    (p->set & STORE_P_USERNAME) ? p->username : NULL)) != USERCGI_OK)
		goto out;
	pg_build_update(b, a->id, p, &cur, a->now_ms, a->k);
	if ((err = pg_sqlb_run(s, b, &r)) != USERCGI_OK) {
		/* A writer that committed the value after our check. */
		if (strcmp(s->state, "23505") == 0 &&
		    (err = pg_users_taken(s)) == USERCGI_INTERNAL)
			log_err("postgresql: update: unique constraint %s",
			    s->constraint);
		goto out;
	}
	if (PQntuples(r) != 1) {
		err = USERCGI_USER_NOT_FOUND;
		goto out;
	}
	if (a->out != NULL && (err = pg_row(r, 0, a->out)) != USERCGI_OK)
		goto out;
	if ((err = pg_write_commit(s)) != USERCGI_OK &&
	    a->out != NULL)
		store_user_free(a->out);
out:
	PQclear(r);
	store_sqlb_free(b);
	free(b);
	store_user_free(&cur);
	return err;
}

static enum usercgi_err
store_pg_user_update(struct store *s, const char *id,
    const struct store_patch *p, int64_t now_ms, struct store_user *out)
{
	struct pg_update_arg	 a;
	struct store_keys	 k;
	enum usercgi_err	 err;
	unsigned		 set = p->set;

	memset(&k, 0, sizeof(k));
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if ((err = store_patch_check(p)) != USERCGI_OK)
		return err;
	if (!pg_text_ok(id))
		return USERCGI_USER_NOT_FOUND;
	if ((err = store_keys_set(&k,
	    (set & STORE_P_EMAIL) ? p->primary_email : NULL,
	    (set & STORE_P_PHONE) ? p->primary_phone : NULL,
	    (set & STORE_P_USERNAME) ? p->username : NULL,
	    (set & STORE_P_NAME) ? p->name : NULL)) != USERCGI_OK)
		goto out;
	a.id = id;
	a.p = p;
	a.now_ms = now_ms;
	a.k = &k;
	a.out = out;
	err = pg_txn(s, pg_update_tx, &a);
out:
	store_keys_free(&k);
	return err;
}

struct pg_id_arg {
	const char	*id;
};

static enum usercgi_err
pg_delete_tx(struct store *s, void *arg)
{
	struct pg_id_arg	*a = arg;
	PGresult		*r = NULL;
	enum usercgi_err	 err;
	char			 slot[32];
	const char		*v[2];

	v[0] = a->id;
	v[1] = pg_int(s->slot, slot, 0);
	if ((err = pg_run(s, PG_DELETE, 2, v, NULL, &r)) != USERCGI_OK)
		return err;
	if (PQntuples(r) != 1 || !pg_true(r, 0, 0))
		err = USERCGI_USER_NOT_FOUND;
	else if (!pg_true(r, 0, 1)) {
		log_err("postgresql: delete: user_count slot %d missing",
		    s->slot);
		err = USERCGI_INTERNAL;
	}
	PQclear(r);
	return err;
}

static enum usercgi_err
store_pg_user_delete(struct store *s, const char *id)
{
	struct pg_id_arg	a = { id };

	if (!pg_text_ok(id))
		return USERCGI_USER_NOT_FOUND;
	return pg_txn(s, pg_delete_tx, &a);
}

/*
 * Writes the identities of id (jsonb and text) and updated_at inside the
 * transaction; *out (when not NULL) is the row as written.
 */
static enum usercgi_err
pg_put_identities(struct store *s, const char *id, const char *json,
    int64_t now_ms, struct store_user *out)
{
	PGresult		*r = NULL;
	enum usercgi_err	 err;
	char			 now[32];
	const char		*v[4];

	v[0] = json;
	v[1] = json;
	v[2] = pg_int(now_ms, now, 0);
	v[3] = id;
	if ((err = pg_run(s, PG_SET_IDENTITIES, 4, v, NULL, &r)) != USERCGI_OK)
		return err;
	if (PQntuples(r) != 1)
		err = USERCGI_USER_NOT_FOUND;
	else if (out != NULL)
		err = pg_row(r, 0, out);
	PQclear(r);
	return err;
}

struct pg_ident_arg {
	const char		*id, *target, *identity_user_id, *json;
	int64_t			 now_ms;
	int			*created;
	char			**text_out;
	struct store_user	*out;
};

static enum usercgi_err
pg_identity_set_tx(struct store *s, void *arg)
{
	struct pg_ident_arg	*a = arg;
	struct store_user	 cur;
	struct json_object	*ids = NULL, *ident = NULL;
	PGresult		*r = NULL;
	enum usercgi_err	 err;
	char			*text = NULL;
	const char		*v[3];

	memset(&cur, 0, sizeof(cur));
	*a->created = 0;
	if ((err = store_json_object(a->json, &ident)) != USERCGI_OK ||
	    (err = pg_exec(s, "BEGIN", "begin")) != USERCGI_OK ||
	    (err = pg_get(s, PG_GET_LOCK, a->id, &cur)) != USERCGI_OK ||
	    (err = store_json_object(cur.identities_json, &ids)) != USERCGI_OK)
		goto out;
	if (!pg_text_ok(a->target) || !pg_text_ok(a->identity_user_id)) {
		log_info("postgresql: an identity target or user id that is"
		    " not UTF-8");
		err = USERCGI_BADREQ;
		goto out;
	}
	v[0] = a->id;
	v[1] = a->target;
	v[2] = a->identity_user_id;
	if ((err = pg_run(s, PG_IDENT_PUT, 3, v, NULL, &r)) != USERCGI_OK) {
		if (pg_unique(s, "user_identities_in_use"))
			err = USERCGI_IDENTITY_IN_USE;
		goto out;
	}
	*a->created = !json_object_object_get_ex(ids, a->target, NULL);
	if (json_object_object_add(ids, a->target, ident) != 0) {
		err = USERCGI_NOMEM;
		goto out;
	}
	ident = NULL;
	if ((text = store_json_text(ids, &err)) == NULL ||
	    (err = pg_put_identities(s, a->id, text, a->now_ms, NULL)) !=
	    USERCGI_OK ||
	    (err = pg_write_commit(s)) != USERCGI_OK)
		goto out;
	if (a->text_out != NULL) {
		*a->text_out = text;
		text = NULL;
	}
out:
	if (err != USERCGI_OK)
		*a->created = 0;
	PQclear(r);
	free(text);
	json_object_put(ids);
	json_object_put(ident);
	store_user_free(&cur);
	return err;
}

static enum usercgi_err
store_pg_identity_set(struct store *s, const char *id, const char *target,
    const char *identity_user_id, const char *identity_json, int64_t now_ms,
    int *created, char **identities_out)
{
	struct pg_ident_arg	a;

	memset(&a, 0, sizeof(a));
	*created = 0;
	if (identities_out != NULL)
		*identities_out = NULL;
	if (!pg_text_ok(id))
		return USERCGI_USER_NOT_FOUND;
	a.id = id;
	a.target = target;
	a.identity_user_id = identity_user_id;
	a.json = identity_json;
	a.now_ms = now_ms;
	a.created = created;
	a.text_out = identities_out;
	return pg_txn(s, pg_identity_set_tx, &a);
}

static enum usercgi_err
pg_identity_remove_tx(struct store *s, void *arg)
{
	struct pg_ident_arg	*a = arg;
	struct store_user	 cur;
	struct json_object	*ids = NULL;
	PGresult		*r = NULL;
	enum usercgi_err	 err;
	char			*text = NULL;
	const char		*v[2];

	memset(&cur, 0, sizeof(cur));
	if ((err = pg_exec(s, "BEGIN", "begin")) != USERCGI_OK ||
	    (err = pg_get(s, PG_GET_LOCK, a->id, &cur)) != USERCGI_OK ||
	    (err = store_json_object(cur.identities_json, &ids)) != USERCGI_OK)
		goto out;
	if (!pg_text_ok(a->target) ||
	    !json_object_object_get_ex(ids, a->target, NULL)) {
		err = USERCGI_IDENTITY_NOT_EXIST;
		goto out;
	}
	json_object_object_del(ids, a->target);
	v[0] = a->id;
	v[1] = a->target;
	if ((err = pg_run(s, PG_IDENT_DEL, 2, v, NULL, &r)) != USERCGI_OK)
		goto out;
	if ((text = store_json_text(ids, &err)) == NULL ||
	    (err = pg_put_identities(s, a->id, text, a->now_ms, a->out)) !=
	    USERCGI_OK)
		goto out;
	if ((err = pg_write_commit(s)) != USERCGI_OK &&
	    a->out != NULL)
		store_user_free(a->out);
out:
	PQclear(r);
	free(text);
	json_object_put(ids);
	store_user_free(&cur);
	return err;
}

static enum usercgi_err
store_pg_identity_remove(struct store *s, const char *id, const char *target,
    int64_t now_ms, struct store_user *out)
{
	struct pg_ident_arg	a;

	memset(&a, 0, sizeof(a));
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (!pg_text_ok(id))
		return USERCGI_USER_NOT_FOUND;
	a.id = id;
	a.target = target;
	a.now_ms = now_ms;
	a.out = out;
	return pg_txn(s, pg_identity_remove_tx, &a);
}

/*
 * Returns a copy of regular expression (or SIMILAR TO pattern) v for the
 * builder to own, its non-ASCII characters lowercased (utf8_tolower),
 * except the one after a backslash; ASCII is left to "~*", which folds
 * it in every locale (a "C" database folds nothing else).  NULL on
 * failure.
 */
static const char *
pg_lower_re(struct store_sqlb *b, const char *v)
{
	struct buf	 o;
	size_t		 i = 0, len = strlen(v), n;
	uint32_t	 cp;
	char		 enc[4], *t;

	buf_init(&o, 4 * len + 1);
	while (i < len && b->err == USERCGI_OK) {
		if ((unsigned char)v[i] < 0x80) {
			n = v[i] == '\\' && i + 1 < len ? 2 : 1;
			if (n == 2 && (unsigned char)v[i + 1] >= 0x80)
				n = 1 + utf8_decode(v + i + 1, len - i - 1,
				    &cp);
			b->err = buf_add(&o, v + i, n);
			i += n;
			continue;
		}
		if ((n = utf8_decode(v + i, len - i, &cp)) == 0) {
			b->err = buf_add(&o, v + i, 1);
			i++;
			continue;
		}
		b->err = buf_add(&o, enc, utf8_encode(utf8_tolower(cp), enc));
		i += n;
	}
	if (b->err != USERCGI_OK || (t = buf_take(&o)) == NULL) {
		if (b->err == USERCGI_OK)
			b->err = USERCGI_NOMEM;
		buf_free(&o);
		return NULL;
	}
	buf_free(&o);
	store_sqlb_own(b, t);
	return b->err == USERCGI_OK ? t : NULL;
}

/*
 * Appends "col op v" when cs, else "col ci_open v' ci_close" with v'
 * pg_lower_re's copy of v: a POSIX or SIMILAR TO condition.
 */
static void
pg_where_re(struct store_sqlb *b, const char *col, int cs, const char *op,
    const char *ci_open, const char *ci_close, const char *v)
{
	if (!cs && (v = pg_lower_re(b, v)) == NULL)
		return;
	store_sqlb_sql(b, col);
	store_sqlb_sql(b, cs ? op : ci_open);
	store_sqlb_arg(b, v, "text", 0);
	if (!cs)
		store_sqlb_sql(b, ci_close);
}

/*
 * Appends the condition of one field f for group g, as store_sqlite.c
 * reads it, evaluated by the server.  Exact: IN on the key column
 * (case-insensitive) or on an indexed value column, or both.  LIKE (the
 * backslash escape, as re.h): on the key column with the lowercased
 * pattern, or on the value column; a literal prefix uses the column's
 * index (COLLATE "C").  POSIX: "~" on the value column, or "~*" on the
 * key column with pg_lower_re's pattern (an escape is never lowercased:
 * \D is not \d).
 * SIMILAR TO: on the value column, or its regular expression
 * (similar_to_escape) with "~*" on the key column.
 */
static void
pg_where_field(struct store_sqlb *b, enum store_qfield f,
    const struct store_qgroup *g, int cs)
{
	const char	*key = store_qcols[f].key, *raw = store_qcols[f].raw, *lp;

	if (b->err != USERCGI_OK)
		return;
	switch (g->mode) {
	case STORE_QM_EXACT:
		store_sqlb_exact(b, f, g, cs);
		return;
	case STORE_QM_LIKE:
		if (cs) {
			store_sqlb_sql(b, raw);
			lp = g->values[0];
		} else {
			store_sqlb_sql(b, key);
			if ((lp = store_sqlb_lower(b, g->values[0])) == NULL)
				return;
		}
		store_sqlb_sql(b, " LIKE ");
		store_sqlb_arg(b, lp, "text", 0);
		store_sqlb_sql(b, " ESCAPE E'\\\\'");
		return;
	case STORE_QM_POSIX:
		pg_where_re(b, cs ? raw : key, cs, " ~ ", " ~* ", "",
		    g->values[0]);
		return;
	case STORE_QM_SIMILAR_TO:
		pg_where_re(b, cs ? raw : key, cs, " SIMILAR TO ",
		    " ~* similar_to_escape(", ")", g->values[0]);
		return;
	}
	b->err = USERCGI_INTERNAL;
}

struct pg_list_arg {
	const struct store_query *q;
	int64_t			 offset;
	struct store_user	*rows;	/* room for page_size */
	size_t			 n;
	int64_t			 total;
};

/* Reads the bigint of a one-row, one-column result into *v. */
static enum usercgi_err
pg_one_int(const PGresult *r, int64_t *v)
{
	if (PQntuples(r) != 1 || PQnfields(r) < 1 ||
	    pg_col_ms(r, 0, 0, v) == -1 || *v < 0) {
		log_err("postgresql: a count is not a number");
		return USERCGI_INTERNAL;
	}
	return USERCGI_OK;
}

static enum usercgi_err
pg_list_tx(struct store *s, void *arg)
{
	struct pg_list_arg	*a = arg;
	const struct store_query *q = a->q;
	struct store_sqlb		*b = NULL;
	PGresult		*r = NULL;
	enum usercgi_err	 err;
	char			 lim[32], off[32];
	const char		*v[2];
	int			 i;

	for (i = 0; (size_t)i < a->n; i++)
		store_user_free(&a->rows[i]);
	a->n = 0;
	a->total = 0;
	if ((b = xmalloc(sizeof(*b))) == NULL)
		return USERCGI_NOMEM;
	store_sqlb_init(b, 1);
	if ((err = pg_exec(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	    "begin")) != USERCGI_OK)
		goto out;
	if (q->ngroups == 0)
		err = pg_run(s, PG_COUNT, 0, NULL, NULL, &r);
	else {
		store_sqlb_where(b, q, "SELECT count(*) FROM users",
		    pg_where_field);
		err = pg_sqlb_run(s, b, &r);
	}
	if (err != USERCGI_OK || (err = pg_one_int(r, &a->total)) !=
	    USERCGI_OK)
		goto out;
	PQclear(r);
	r = NULL;
	if (a->offset < a->total) {
		if (q->ngroups == 0) {
			v[0] = pg_int(q->page_size, lim, 0);
			v[1] = pg_int(a->offset, off, 0);
			err = pg_run(s, PG_PAGE, 2, v, NULL, &r);
		} else {
			store_sqlb_free(b);
			store_sqlb_init(b, 1);
			store_sqlb_where(b, q,
			    "SELECT " PG_COLUMNS " FROM users", pg_where_field);
			store_sqlb_sql(b, " ORDER BY created_at DESC, id DESC"
			    " LIMIT ");
			store_sqlb_int(b, q->page_size);
			store_sqlb_sql(b, " OFFSET ");
			store_sqlb_int(b, a->offset);
			err = pg_sqlb_run(s, b, &r);
		}
		if (err != USERCGI_OK)
			goto out;
		for (i = 0; i < PQntuples(r) && i < q->page_size; i++) {
			if ((err = pg_row(r, i, &a->rows[a->n])) != USERCGI_OK)
				goto out;
			a->n++;
		}
	}
	err = pg_exec(s, "COMMIT", "commit");
out:
	PQclear(r);
	store_sqlb_free(b);
	free(b);
	return err;
}

static enum usercgi_err
store_pg_user_list(struct store *s, const struct store_query *q,
    struct store_user **users, size_t *nusers, int64_t *total)
{
	struct pg_list_arg	a;
	enum usercgi_err	err;

	*users = NULL;
	*nusers = 0;
	*total = 0;
	if (q->page < 1 || q->page > INT64_MAX / STORE_PAGE_SIZE_MAX ||
	    q->page_size < 1 || q->page_size > STORE_PAGE_SIZE_MAX ||
	    q->ngroups > STORE_QUERY_MAX_GROUPS) {
		log_err("store_user_list: bad query");
		return USERCGI_INTERNAL;
	}
	if ((err = store_check_patterns(q)) != USERCGI_OK)
		return err;
	memset(&a, 0, sizeof(a));
	a.q = q;
	a.offset = (q->page - 1) * q->page_size;
	if ((a.rows = xcalloc((size_t)q->page_size, sizeof(*a.rows))) == NULL)
		return USERCGI_NOMEM;
	if ((err = pg_txn(s, pg_list_tx, &a)) != USERCGI_OK) {
		store_users_free(a.rows, a.n);
		return err;
	}
	*total = a.total;
	*nusers = a.n;
	if (a.n > 0)
		*users = a.rows;
	else
		free(a.rows);
	return USERCGI_OK;
}

/* An idempotency key's call: its hex columns and what it returns. */
struct pg_idem_arg {
	const struct store_idem	*k;
	struct store_idem_hex	 h;
	enum store_idem_state	*state;
	int			*status;
	char			**body;
	const char		*answer;
};

/*
 * Claims the key for its owner: inserted when unknown (take 0; *n the
 * rows written), or over the row as it is (take 1).
 */
static enum usercgi_err
pg_idem_put(struct store *s, struct pg_idem_arg *a, int take, int *n)
{
	PGresult		*r = NULL;
	enum usercgi_err	 err;
	char			 lease[32], exp[32];
	const char		*v[5];

	v[0] = a->h.key;
	v[1] = a->h.fingerprint;
	v[2] = a->h.owner;
	v[3] = pg_int(a->k->now_ms + a->k->lease_ms, lease, 0);
	v[4] = pg_int(a->k->now_ms + a->k->expires_ms, exp, 0);
	if ((err = pg_run(s, take ? PG_IDEM_TAKE : PG_IDEM_INSERT, 5, v, NULL,
	    &r)) != USERCGI_OK)
		return err;
	*n = strcmp(PQcmdTuples(r), "1") == 0;
	PQclear(r);
	return USERCGI_OK;
}

/* Reads the key's row, locked, and decides the claim as store.h says. */
static enum usercgi_err
pg_idem_decide(struct store *s, struct pg_idem_arg *a)
{
	PGresult		*r = NULL;
	enum usercgi_err	 err;
	const char		*v[1];
	int64_t			 lease = 0, exp = 0;
	int			 take = 0, n = 0;

	v[0] = a->h.key;
	if ((err = pg_run(s, PG_IDEM_GET, 1, v, NULL, &r)) != USERCGI_OK)
		return err;
	if (PQntuples(r) != 1 || PQnfields(r) != 6 ||
	    pg_col_ms(r, 0, 2, &lease) == -1 ||
	    pg_col_ms(r, 0, 3, &exp) == -1) {
		log_err("postgresql: idempotency key: no readable row");
		err = USERCGI_INTERNAL;
		goto out;
	}
	if (exp <= a->k->now_ms)
		take = 1;
	else if (strcmp(PQgetvalue(r, 0, 0), a->h.fingerprint) != 0)
		*a->state = STORE_IDEM_OTHER;
	else if (!PQgetisnull(r, 0, 4)) {
		*a->state = STORE_IDEM_DONE;
		if (pg_col_int(r, 0, 4, a->status) == -1) {
			err = USERCGI_INTERNAL;
			goto out;
		}
		err = pg_col(r, 0, 5, a->body);
		if (err == USERCGI_OK && *a->body == NULL &&
		    (*a->body = xstrdup("")) == NULL)
			err = USERCGI_NOMEM;
	} else if (pg_true(r, 0, 1) && lease > a->k->now_ms)
		*a->state = STORE_IDEM_RUNNING;
	else
		take = 1;
out:
	PQclear(r);
	if (err == USERCGI_OK && take) {
		if ((err = pg_idem_put(s, a, 1, &n)) == USERCGI_OK && n != 1)
			err = USERCGI_INTERNAL;
		if (err == USERCGI_OK)
			*a->state = STORE_IDEM_RUN;
	}
	return err;
}

static enum usercgi_err
pg_idem_claim_tx(struct store *s, void *arg)
{
	struct pg_idem_arg	*a = arg;
	PGresult		*r = NULL;
	enum usercgi_err	 err;
	char			 now[32], lim[32];
	const char		*v[2];
	int			 n = 0;

	*a->state = STORE_IDEM_RUNNING;
	free(*a->body);
	*a->body = NULL;
	v[0] = pg_int(a->k->now_ms, now, 0);
	v[1] = pg_int(STORE_IDEM_PURGE, lim, 0);
	if ((err = pg_exec(s, "BEGIN", "begin")) != USERCGI_OK ||
	    (err = pg_run(s, PG_IDEM_PURGE, 2, v, NULL, &r)) != USERCGI_OK)
		return err;
	PQclear(r);
	if ((err = pg_idem_put(s, a, 0, &n)) != USERCGI_OK)
		return err;
	if (n == 1)
		*a->state = STORE_IDEM_RUN;
	else if ((err = pg_idem_decide(s, a)) != USERCGI_OK)
		return err;
	return pg_exec(s, "COMMIT", "commit");
}

static enum usercgi_err
store_pg_idem_claim(struct store *s, const struct store_idem *k,
    enum store_idem_state *state, int *status, char **body)
{
	struct pg_idem_arg	a;
	enum usercgi_err	err;

	memset(&a, 0, sizeof(a));
	s->hold = s->held = 0;
	a.k = k;
	store_idem_hex(k, &a.h);
	a.state = state;
	a.status = status;
	a.body = body;
	if ((err = pg_txn(s, pg_idem_claim_tx, &a)) != USERCGI_OK) {
		free(*body);
		*body = NULL;
		*state = STORE_IDEM_RUNNING;
	} else if (*state == STORE_IDEM_RUN)
		s->hold = 1;
	return err;
}

/* Writes the answer of the claim and commits the open transaction. */
static enum usercgi_err
pg_idem_answer_commit(struct store *s, struct pg_idem_arg *a)
{
	PGresult		*r = NULL;
	enum usercgi_err	 err;
	char			 st[32];
	const char		*v[4];
	int			 n;

	v[0] = a->h.key;
	v[1] = a->h.owner;
	v[2] = pg_int(*a->status, st, 0);
	v[3] = a->answer;
	if ((err = pg_run(s, PG_IDEM_ANSWER, 4, v, NULL, &r)) != USERCGI_OK)
		return err;
	n = strcmp(PQcmdTuples(r), "1") == 0;
	PQclear(r);
	if (!n) {
		log_warn("postgresql: an idempotency key's claim was taken"
		    " over: its write is rolled back");
		return USERCGI_IDEM_RUNNING;
	}
	return pg_exec(s, "COMMIT", "commit");
}

static enum usercgi_err
pg_idem_answer_tx(struct store *s, void *arg)
{
	enum usercgi_err	err;

	if ((err = pg_exec(s, "BEGIN", "begin")) != USERCGI_OK)
		return err;
	return pg_idem_answer_commit(s, arg);
}

static enum usercgi_err
store_pg_idem_answer(struct store *s, const struct store_idem *k, int status,
    const char *body, size_t len)
{
	struct pg_idem_arg	a;
	enum usercgi_err	err;
	int			held = s->held;
	char			*copy = NULL;

	memset(&a, 0, sizeof(a));
	s->hold = s->held = 0;
	a.k = k;
	store_idem_hex(k, &a.h);
	a.status = &status;
	/* libpq takes text NUL-terminated. */
	if ((copy = xstrndup(body != NULL ? body : "", body != NULL ? len :
	    0)) == NULL) {
		pg_rollback(s);
		return USERCGI_NOMEM;
	}
	a.answer = copy;
	if (!held)
		err = pg_txn(s, pg_idem_answer_tx, &a);
	else if (s->conn == NULL ||
	    PQtransactionStatus(s->conn) != PQTRANS_INTRANS) {
		log_err("postgresql: the write held for its idempotency key"
		    " was rolled back");
		err = USERCGI_INTERNAL;
	} else
		err = pg_idem_answer_commit(s, &a);
	if (err != USERCGI_OK)
		pg_rollback(s);
	free(copy);
	return err;
}

static enum usercgi_err
pg_idem_release_tx(struct store *s, void *arg)
{
	struct pg_idem_arg	*a = arg;
	PGresult		*r = NULL;
	enum usercgi_err	 err;
	const char		*v[2];

	v[0] = a->h.key;
	v[1] = a->h.owner;
	if ((err = pg_run(s, PG_IDEM_DELETE, 2, v, NULL, &r)) == USERCGI_OK)
		PQclear(r);
	return err;
}

static void
store_pg_idem_release(struct store *s, const struct store_idem *k)
{
	struct pg_idem_arg	a;

	memset(&a, 0, sizeof(a));
	s->hold = s->held = 0;
	pg_rollback(s);
	a.k = k;
	store_idem_hex(k, &a.h);
	(void)pg_txn(s, pg_idem_release_tx, &a);
}

static const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.open = store_pg_open,
	.close = store_pg_close,
	.probe = store_pg_probe,
	.find_conflict = store_pg_find_conflict,
	.user_insert = store_pg_user_insert,
	.user_get = store_pg_user_get,
	.user_rehash = store_pg_user_rehash,
	.set_group = store_pg_set_group,
	.insert_batch = store_pg_insert_batch,
	.token_known = store_pg_token_known,
	.token_remember = store_pg_token_remember,
	.find_update_conflict = store_pg_find_update_conflict,
	.user_update = store_pg_user_update,
	.user_delete = store_pg_user_delete,
	.identity_set = store_pg_identity_set,
	.identity_remove = store_pg_identity_remove,
	.user_list = store_pg_user_list,
	.idem_claim = store_pg_idem_claim,
	.idem_answer = store_pg_idem_answer,
	.idem_release = store_pg_idem_release,
};

/* The module's one entry (store_impl.h): these operations, or NULL for another build. */
__attribute__((visibility("default"))) const struct store_ops *
store_pg_module(const char *version, size_t ops_size)
{
	if (strcmp(version, PACKAGE_VERSION) != 0 ||
	    ops_size != sizeof(store_pg_ops))
		return NULL;
	return &store_pg_ops;
}
