/*
 * test_store.c: the SQLite store on real files in a fresh directory:
 * schema creation and versioning, round trips, every uniqueness rule,
 * error mapping (busy, read-only, full, not a database) and races between
 * processes that each open their own connection after fork().
 *
 * The .c file is included so the tests can reach the connection.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/store_sqlite.c"
#include "tap.h"

static char	 dir[] = "/tmp/test_store.XXXXXX";

/* Returns dir/name in a static buffer. */
static const char *
path_in(const char *name)
{
	static char	 p[256];
	int		 n;

	n = snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(p))
		abort();
	return p;
}

/* Runs one integer-valued query on a raw connection to path; -1 on error. */
static long long
raw_int(const char *path, const char *sql)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*st = NULL;
	long long	 v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
user_init(struct store_user *u, const char *id)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->id, sizeof(u->id), "%s", id);
	u->last_sign_in_at = -1;
	u->password_updated_at = -1;
	u->created_at = u->updated_at = 1795735232203LL;
}

static enum usercgi_err
insert_one(struct store *s, const char *id, const char *username,
    const char *email, const char *phone)
{
	struct store_user	 u;

	user_init(&u, id);
	u.username = (char *)username;
	u.primary_email = (char *)email;
	u.primary_phone = (char *)phone;
	return store_user_insert(s, &u);
}

/* A key for test_idem: digests of one byte each, and an owner. */
static void
idem_init(struct store_idem *k, int key, int fp, int owner, int64_t now)
{
	memset(k, 0, sizeof(*k));
	memset(k->key, key, sizeof(k->key));
	memset(k->fingerprint, fp, sizeof(k->fingerprint));
	memset(k->owner, owner, sizeof(k->owner));
	k->now_ms = now;
	k->lease_ms = 1000;
	k->expires_ms = 10000;
}

/*
 * Idempotency keys (issue 17): a claim, a second claim while it runs,
 * the answer stored with the write it describes and read back, another
 * fingerprint, a dead claim taken over (and the old owner's answer
 * refused with its write), a released claim's write rolled back, an
 * answer of its own without a write, expiry, and the bounded purge.
 */
static void
test_idem(struct store *s)
{
	struct store_idem	 k, k2;
	enum store_idem_state	 st;
	struct store_user	 u;
	char			*body = NULL;
	int			 status = 0;

	idem_init(&k, 1, 1, 1, 1000000);
	tap_int(store_idem_claim(s, &k, &st, &status, &body), USERCGI_OK,
	    "idem: claim");
	tap_int(st, STORE_IDEM_RUN, "idem: a new key runs");
	tap_int(insert_one(s, "idem00000001", "idem1", NULL, NULL), USERCGI_OK,
	    "idem: the write (held)");
	tap_int(store_idem_answer(s, &k, 200, "{\"id\":1}x", 8), USERCGI_OK,
	    "idem: answer commits the write");
	tap_int(raw_int(path_in("a.db"), "SELECT count(*) FROM users WHERE"
	    " id = 'idem00000001'"), 1, "idem: the write is there");
	idem_init(&k2, 1, 1, 2, 1000001);
	tap_int(store_idem_claim(s, &k2, &st, &status, &body), USERCGI_OK,
	    "idem: claim again");
	tap_int(st, STORE_IDEM_DONE, "idem: answered before");
	tap_int(status, 200, "idem: the stored status");
	tap_str(body, "{\"id\":1}", "idem: the stored body, len bytes");
	free(body);
	body = NULL;
	idem_init(&k2, 1, 2, 2, 1000001);
	store_idem_claim(s, &k2, &st, &status, &body);
	tap_int(st, STORE_IDEM_OTHER, "idem: another fingerprint");

	idem_init(&k, 3, 3, 1, 1000000);
	store_idem_claim(s, &k, &st, &status, &body);
	tap_int(st, STORE_IDEM_RUN, "idem: second key runs");
	store_idem_answer(s, &k, 422, "{}", 2);
	tap_int(raw_int(path_in("a.db"), "SELECT status FROM idempotency_keys"
	    " WHERE status = 422"), 422,
	    "idem: an answer without a write, in its own transaction");

	idem_init(&k, 4, 4, 1, 1000000);
	store_idem_claim(s, &k, &st, &status, &body);
	idem_init(&k2, 4, 4, 2, 1000500);
	store_idem_claim(s, &k2, &st, &status, &body);
	tap_int(st, STORE_IDEM_RUNNING, "idem: a live claim is running");
	idem_init(&k2, 4, 4, 2, 1001000);
	store_idem_claim(s, &k2, &st, &status, &body);
	tap_int(st, STORE_IDEM_RUN, "idem: a claim past its lease is taken");
	tap_int(store_idem_answer(s, &k2, 200, "{}", 2), USERCGI_OK,
	    "idem: the new owner answers");
	tap_int(store_idem_answer(s, &k, 200, "{}", 2), USERCGI_IDEM_RUNNING,
	    "idem: the old owner's answer is refused");
	tap_int(raw_int(path_in("a.db"), "SELECT count(*) FROM"
	    " idempotency_keys WHERE key LIKE '04%' AND owner IS NULL AND"
	    " status = 200"), 1, "idem: the new owner's answer stays");

	idem_init(&k, 5, 5, 1, 1000000);
	store_idem_claim(s, &k, &st, &status, &body);
	tap_int(insert_one(s, "idem00000005", "idem5", NULL, NULL), USERCGI_OK,
	    "idem: a held write");
	store_idem_release(s, &k);
	tap_int(raw_int(path_in("a.db"), "SELECT count(*) FROM users WHERE"
	    " id = 'idem00000005'"), 0, "idem: release rolls it back");
	tap_int(raw_int(path_in("a.db"), "SELECT count(*) FROM"
	    " idempotency_keys WHERE key LIKE '05%'"), 0,
	    "idem: and forgets the key");
	memset(&u, 0, sizeof(u));
	tap_int(store_user_get(s, "idem00000005", &u), USERCGI_USER_NOT_FOUND,
	    "idem: the store works on");

	idem_init(&k, 6, 6, 1, 1000000);
	store_idem_claim(s, &k, &st, &status, &body);
	tap_int(insert_one(s, "idem00000006", "idem1", NULL, NULL),
	    USERCGI_USERNAME_TAKEN, "idem: a failed write");
	tap_int(store_idem_answer(s, &k, 422, "{}", 2), USERCGI_OK,
	    "idem: its answer is stored alone");
	tap_int(insert_one(s, "idem00000007", "idem7", NULL, NULL), USERCGI_OK,
	    "idem: the next write commits by itself");
	tap_int(raw_int(path_in("a.db"), "SELECT count(*) FROM users WHERE"
	    " id = 'idem00000007'"), 1, "idem: committed");

	idem_init(&k, 1, 9, 3, 1010000);
	store_idem_claim(s, &k, &st, &status, &body);
	tap_int(st, STORE_IDEM_RUN, "idem: an expired key runs again");
	store_idem_release(s, &k);
	tap_int(raw_int(path_in("a.db"), "SELECT count(*) FROM"
	    " idempotency_keys"), 1, "idem: expired keys purged");
	free(body);
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_email_key(void)
{
	char	*k;

	k = store_email_key("Foo@Example.COM");
	tap_str(k, "foo@example.com", "email key: ASCII lowered");
	free(k);
	k = store_email_key("\xc3\x84\xc3\x96\xc3\x9c@B\xc3\x84R.DE");
	tap_str(k, "\xc3\xa4\xc3\xb6\xc3\xbc@b\xc3\xa4r.de",
	    "email key: \xc3\x84\xc3\x96\xc3\x9c lowered");
	free(k);
	/* U+023A (2 bytes) lowers to U+2C65 (3 bytes): the key grows. */
	k = store_email_key("\xc8\xba\xc8\xba@a.b");
	tap_str(k, "\xe2\xb1\xa5\xe2\xb1\xa5@a.b", "email key: longer lowercase");
	free(k);
	k = store_email_key("\xce\xa3@\xd0\x90.\xe1\xba\x9e");
	tap_str(k, "\xcf\x83@\xd0\xb0.\xc3\x9f",
	    "email key: Greek, Cyrillic, capital sharp s");
	free(k);
	k = store_email_key("A\xff" "B@c.d");
	tap_str(k, "a\xff" "b@c.d", "email key: invalid byte kept");
	free(k);
	k = store_email_key("");
	tap_str(k, "", "email key: empty");
	free(k);
}

static void
test_schema(void)
{
	struct store		*s = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 1000, .one_request = 0 };
	sqlite3			*db;

	tap_int(store_schema_version(), 4, "schema version is 4");
	tap_int(store_open(path_in("a.db"), &o, &s), USERCGI_OK,
	    "open creates a new database");
	tap_ok(s != NULL, "open returns a store");
	store_close(s);
	s = NULL;
	tap_int(raw_int(path_in("a.db"), "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION,
	    "user_version written");
	tap_int(raw_int(path_in("a.db"),
	    "SELECT count(*) FROM sqlite_master WHERE name = 'users'"), 1,
	    "users table exists");
	tap_int(raw_int(path_in("a.db"),
	    "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"),
	    1, "journal mode is WAL");
	tap_int(store_open(path_in("a.db"), &o, &s), USERCGI_OK, "reopen");
	tap_ok(s != NULL && sqlite3_get_autocommit(s->db) == 1,
	    "reopen leaves no transaction open");
	store_close(s);
	s = NULL;

	/* A database from a newer build is refused. */
	sqlite3_open(path_in("new.db"), &db);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	tap_int(store_open(path_in("new.db"), &o, &s), USERCGI_INTERNAL,
	    "newer schema refused");
	tap_ok(s == NULL, "no store on failure");

	/* Not a database at all. */
	{
		FILE *f = fopen(path_in("junk.db"), "w");

		fputs("this is not an SQLite database, not at all.........."
		    "......................................................",
		    f);
		fclose(f);
	}
	tap_int(store_open(path_in("junk.db"), &o, &s), USERCGI_INTERNAL,
	    "garbage file refused");
	tap_int(store_open(path_in("no/such/dir.db"), &o, &s),
	    USERCGI_UNAVAILABLE, "missing directory is unavailable");
	tap_int(store_open(NULL, &o, &s), USERCGI_INTERNAL, "NULL path");
	tap_int(store_open(path_in("a.db"), NULL, &s), USERCGI_INTERNAL,
	    "NULL opts");
}

static void
test_round_trip(struct store *s)
{
	struct store_user	 u, g;

	user_init(&u, "c5jpkcat23mx");
	u.username = "Full_1";
	u.primary_email = "Foo@Example.com";
	u.primary_phone = "61412345678";
	u.password_encrypted = "$argon2i$v=19$m=8192,t=8,p=1$abc$def";
	u.password_encryption_method = "Argon2i";
	u.name = "N \xc3\xa4";
	u.avatar = "https://a.b/c.png";
	u.profile_json = "{\"givenName\":\"G\"}";
	u.custom_data_json = "{\"a\":[1,{\"b\":null}]}";
	u.identities_json = "{\"x\":{}}";
	u.application_id = "app";
	u.is_suspended = 1;
	u.last_sign_in_at = 1;
	u.password_updated_at = 1795735232204LL;
	u.created_at = 1795735232203LL;
	u.updated_at = 9007199254740993LL;
	tap_int(store_user_insert(s, &u), USERCGI_OK, "insert full user");
	tap_int(store_user_get(s, "c5jpkcat23mx", &g), USERCGI_OK, "get it");
	tap_str(g.id, "c5jpkcat23mx", "id");
	tap_str(g.username, "Full_1", "username");
	tap_str(g.primary_email, "Foo@Example.com", "email kept with its case");
	tap_str(g.primary_phone, "61412345678", "phone");
	tap_str(g.password_encrypted, u.password_encrypted, "password hash");
	tap_str(g.password_encryption_method, "Argon2i", "method");
	tap_str(g.name, "N \xc3\xa4", "name");
	tap_str(g.avatar, "https://a.b/c.png", "avatar");
	tap_str(g.profile_json, u.profile_json, "profile");
	tap_str(g.custom_data_json, u.custom_data_json, "customData");
	tap_str(g.identities_json, u.identities_json, "identities");
	tap_str(g.application_id, "app", "application id");
	tap_int(g.is_suspended, 1, "suspended");
	tap_int(g.last_sign_in_at, 1, "last sign-in");
	tap_int(g.password_updated_at, 1795735232204LL, "password updated");
	tap_int(g.created_at, 1795735232203LL, "created");
	tap_int(g.updated_at, 9007199254740993LL, "updated, full 64 bits");
	store_user_free(&g);
	tap_ok(g.username == NULL && g.id[0] == '\0', "free zeroes the struct");

	user_init(&u, "empty0000001");
	tap_int(store_user_insert(s, &u), USERCGI_OK, "insert user with NULLs");
	user_init(&u, "empty0000002");
	u.is_suspended = 7;
	tap_int(store_user_insert(s, &u), USERCGI_OK,
	    "second user with NULL username/email/phone");
	tap_int(store_user_get(s, "empty0000001", &g), USERCGI_OK, "get it");
	tap_ok(g.username == NULL && g.primary_email == NULL &&
	    g.primary_phone == NULL && g.password_encrypted == NULL &&
	    g.password_encryption_method == NULL && g.name == NULL &&
	    g.avatar == NULL && g.application_id == NULL, "NULLs stay NULL");
	tap_str(g.profile_json, "{}", "NULL profile reads as {}");
	tap_str(g.custom_data_json, "{}", "NULL customData reads as {}");
	tap_str(g.identities_json, "{}", "NULL identities read as {}");
	tap_int(g.last_sign_in_at, -1, "NULL last sign-in is -1");
	tap_int(g.password_updated_at, -1, "NULL password time is -1");
	tap_int(g.is_suspended, 0, "not suspended");
	store_user_free(&g);
	tap_int(store_user_get(s, "empty0000002", &g), USERCGI_OK, "get 2");
	tap_int(g.is_suspended, 1, "suspended stored as 1");
	store_user_free(&g);
	tap_int(store_user_get(s, "nosuchuser00", &g), USERCGI_USER_NOT_FOUND,
	    "unknown id");
	tap_ok(g.username == NULL && g.profile_json == NULL,
	    "not found leaves the struct empty");
}

static void
test_unique(struct store *s)
{
	tap_int(insert_one(s, "u00000000001", "Abc", NULL, NULL), USERCGI_OK,
	    "username Abc");
	tap_int(insert_one(s, "u00000000002", "Abc", NULL, NULL),
	    USERCGI_USERNAME_TAKEN, "username Abc again");
	tap_int(insert_one(s, "u00000000003", "abc", NULL, NULL), USERCGI_OK,
	    "username abc is another user");
	tap_int(insert_one(s, "u00000000004", NULL, "Foo@Example.net", NULL),
	    USERCGI_OK, "email");
	tap_int(insert_one(s, "u00000000005", NULL, "foo@example.NET", NULL),
	    USERCGI_EMAIL_TAKEN, "email differing in ASCII case");
	tap_int(insert_one(s, "u00000000006", NULL,
	    "\xc3\x84@\xc3\xb6.\xc3\xbc", NULL), USERCGI_OK, "email \xc3\x84@");
	tap_int(insert_one(s, "u00000000007", NULL,
	    "\xc3\xa4@\xc3\x96.\xc3\x9c", NULL), USERCGI_EMAIL_TAKEN,
	    "email differing in Unicode case");
	tap_int(insert_one(s, "u00000000008", NULL, NULL, "13102051234"),
	    USERCGI_OK, "phone");
	tap_int(insert_one(s, "u00000000009", NULL, NULL, "13102051234"),
	    USERCGI_PHONE_TAKEN, "phone again");
	tap_int(insert_one(s, "u00000000010", "Abc", "FOO@example.net",
	    "13102051234"), USERCGI_USERNAME_TAKEN,
	    "all three taken: username first");
	tap_int(insert_one(s, "u00000000010", "new1", "FOO@example.net",
	    "13102051234"), USERCGI_EMAIL_TAKEN, "email and phone: email first");
	tap_int(insert_one(s, "u00000000001", "new2", NULL, NULL),
	    USERCGI_ID_TAKEN, "id collision");
	tap_int(insert_one(s, "u00000000001", "abc", NULL, NULL),
	    USERCGI_USERNAME_TAKEN, "id and username collide: username");
	tap_ok(sqlite3_get_autocommit(s->db) == 1,
	    "failed insert leaves no transaction open");
	tap_int(raw_int(path_in("a.db"), "SELECT count(*) FROM users"), 8,
	    "only the successful inserts are stored");

	tap_int(store_find_conflict(s, "Abc", "FOO@EXAMPLE.NET", "13102051234"),
	    USERCGI_USERNAME_TAKEN, "find_conflict: username first");
	tap_int(store_find_conflict(s, "free", "FOO@EXAMPLE.NET", "13102051234"),
	    USERCGI_EMAIL_TAKEN, "find_conflict: then email");
	tap_int(store_find_conflict(s, "free", "free@example.net",
	    "13102051234"), USERCGI_PHONE_TAKEN, "find_conflict: then phone");
	tap_int(store_find_conflict(s, "ABC", "\xc3\xa4@\xc3\xb6.\xc3\xbd",
	    "1310205123"), USERCGI_OK, "find_conflict: no conflict");
	tap_int(store_find_conflict(s, NULL, NULL, NULL), USERCGI_OK,
	    "find_conflict: nothing to check");
	tap_int(store_find_conflict(s, NULL, "\xc3\xa4@\xc3\xb6.\xc3\xbc",
	    NULL), USERCGI_EMAIL_TAKEN, "find_conflict: Unicode email");
}

static void
test_rehash(struct store *s)
{
	struct store_user	 u, g;

	user_init(&u, "rehash000001");
	u.password_encrypted = "5f4dcc3b5aa765d61d8327deb882cf99";
	u.password_encryption_method = "MD5";
	u.password_updated_at = 5;
	tap_int(store_user_insert(s, &u), USERCGI_OK, "insert MD5 user");
	tap_int(store_user_rehash(s, "rehash000001", "wrong", "$argon2i$x",
	    "Argon2i", 77), USERCGI_USER_NOT_FOUND, "rehash with stale hash");
	tap_int(store_user_rehash(s, "rehash000001",
	    "5f4dcc3b5aa765d61d8327deb882cf99", "$argon2i$x", "Argon2i", 77),
	    USERCGI_OK, "rehash compare-and-set");
	tap_int(store_user_get(s, "rehash000001", &g), USERCGI_OK, "get");
	tap_str(g.password_encrypted, "$argon2i$x", "new hash");
	tap_str(g.password_encryption_method, "Argon2i", "new method");
	tap_int(g.updated_at, 77, "updated_at set");
	tap_int(g.password_updated_at, 5, "password_updated_at kept");
	store_user_free(&g);
	tap_int(store_user_rehash(s, "rehash000001",
	    "5f4dcc3b5aa765d61d8327deb882cf99", "$argon2i$y", "Argon2i", 78),
	    USERCGI_USER_NOT_FOUND, "second rehash from the old hash loses");
	tap_int(store_user_rehash(s, "nosuchuser00", "a", "b", "Argon2i", 1),
	    USERCGI_USER_NOT_FOUND, "rehash unknown id");
	tap_ok(sqlite3_get_autocommit(s->db) == 1,
	    "rehash leaves no transaction open");
}

/* A version 1 file, as the previous build left it, with one user. */
static void
test_migrate_v1(void)
{
	struct store		*s = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 1000, .one_request = 0 };
	struct store_user	 g;
	sqlite3			*db;
	unsigned char		 key[STORE_TOKEN_KEY];
	int			 known = -1;

	tap_int(sqlite3_open(path_in("v1.db"), &db), SQLITE_OK, "v1: create");
	tap_int(sqlite3_exec(db, store_migrations[0], NULL, NULL, NULL),
	    SQLITE_OK, "v1: users table");
	tap_int(sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
	    " PRAGMA user_version = 1;"
	    " INSERT INTO users (id, username, created_at, updated_at)"
	    " VALUES ('v1user000001', 'old', 1, 2)", NULL, NULL, NULL),
	    SQLITE_OK, "v1: one user");
	sqlite3_close(db);
	tap_int(store_open(path_in("v1.db"), &o, &s), USERCGI_OK,
	    "v1: opened by this build");
	tap_int(raw_int(path_in("v1.db"), "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION,
	    "v1: migrated to the current version");
	tap_int(raw_int(path_in("v1.db"), "SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'verified_tokens'"), 1, "v1: verified_tokens added");
	tap_int(raw_int(path_in("v1.db"), "SELECT count(*) FROM users"), 1,
	    "v1: the user row is kept");
	memset(&g, 0, sizeof(g));
	tap_int(store_user_get(s, "v1user000001", &g), USERCGI_OK,
	    "v1: the user reads back");
	tap_str(g.username, "old", "v1: with its username");
	store_user_free(&g);
	memset(key, 0x5a, sizeof(key));
	tap_int(store_token_remember(s, key, 2000, 1000), USERCGI_OK,
	    "v1: remember works after the migration");
	tap_int(store_token_known(s, key, 1000, &known), USERCGI_OK,
	    "v1: lookup works");
	tap_int(known, 1, "v1: the key is known");
	store_close(s);
}

/* The verified-token cache: known until exp, purged on remember. */
static void
test_tokens(struct store *s)
{
	unsigned char	 k1[STORE_TOKEN_KEY], k2[STORE_TOKEN_KEY];
	unsigned char	 k3[STORE_TOKEN_KEY];
	int		 known = -1;
	const char	*db = path_in("a.db");

	memset(k1, 1, sizeof(k1));
	memset(k2, 2, sizeof(k2));
	memset(k3, 3, sizeof(k3));
	tap_int(store_token_known(s, k1, 1000, &known), USERCGI_OK,
	    "tokens: lookup in an empty table");
	tap_int(known, 0, "tokens: nothing known yet");
	tap_int(store_token_remember(s, k1, 1100, 1000), USERCGI_OK,
	    "tokens: remember k1 until 1100");
	tap_ok(sqlite3_get_autocommit(s->db) == 1,
	    "tokens: remember leaves no transaction open");
	tap_int(store_token_remember(s, k2, 1200, 1000), USERCGI_OK,
	    "tokens: remember k2 until 1200");
	tap_int(raw_int(db, "SELECT count(*) FROM verified_tokens"), 2,
	    "tokens: two rows");
	tap_int(raw_int(db, "SELECT exp FROM verified_tokens"
	    " WHERE key = x'01010101010101010101010101010101"
	    "01010101010101010101010101010101'"), 1100, "tokens: k1 stored with"
	    " its exp");
	known = -1;
	tap_int(store_token_known(s, k1, 1099, &known), USERCGI_OK,
	    "tokens: lookup k1 at 1099");
	tap_int(known, 1, "tokens: k1 known before its exp");
	known = -1;
	(void)store_token_known(s, k1, 1100, &known);
	tap_int(known, 0, "tokens: k1 not known at its exp");
	known = -1;
	(void)store_token_known(s, k3, 1000, &known);
	tap_int(known, 0, "tokens: another key is not known");
	tap_int(store_token_remember(s, k3, 1150, 1150), USERCGI_OK,
	    "tokens: remember with exp = now");
	known = -1;
	(void)store_token_known(s, k3, 1149, &known);
	tap_int(known, 0, "tokens: an exp not after now is not stored");
	tap_int(raw_int(db, "SELECT count(*) FROM verified_tokens"), 2,
	    "tokens: no purge without a write");
	tap_int(store_token_remember(s, k3, 1300, 1100), USERCGI_OK,
	    "tokens: remember k3 at 1100");
	tap_int(raw_int(db, "SELECT count(*) FROM verified_tokens"), 2,
	    "tokens: k1 (exp 1100) purged by the next remember");
	tap_int(raw_int(db, "SELECT count(*) FROM verified_tokens"
	    " WHERE exp IN (1200, 1300)"), 2, "tokens: k2 and k3 kept");
	tap_int(store_token_remember(s, k2, 1200, 1000), USERCGI_OK,
	    "tokens: remember k2 again");
	tap_int(raw_int(db, "SELECT count(*) FROM verified_tokens"), 2,
	    "tokens: still one row per key");
	tap_int(raw_int(db, "SELECT count(*) FROM verified_tokens"
	    " WHERE length(key) = 32 AND typeof(key) = 'blob'"), 2,
	    "tokens: keys are 32-byte blobs");
	tap_int(store_token_remember(s, k2, 5000, 4000), USERCGI_OK,
	    "tokens: a remember at 4000");
	tap_int(raw_int(db, "SELECT count(*) FROM verified_tokens"), 1,
	    "tokens: every expired row purged");
}

static void
test_busy(void)
{
	struct store		*s = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 100, .one_request = 0 };
	sqlite3			*db;
	unsigned char		 key[STORE_TOKEN_KEY];
	double			 t;
	int			 known;
	enum usercgi_err	 rc;

	tap_int(store_open(path_in("a.db"), &o, &s), USERCGI_OK,
	    "open with busy_timeout 100 ms");
	sqlite3_open(path_in("a.db"), &db);
	tap_int(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK, "second connection holds the write lock");
	t = now_s();
	rc = insert_one(s, "busy00000001", "busy", NULL, NULL);
	t = now_s() - t;
	tap_int(rc, USERCGI_BUSY, "insert while locked is busy");
	tap_ok(t >= 0.09 && t < 2.0, "busy after waiting about 100 ms");
	tap_int(store_user_rehash(s, "rehash000001", "$argon2i$x", "z", "MD5",
	    1), USERCGI_BUSY, "rehash while locked is busy");
	tap_int(store_find_conflict(s, "Abc", NULL, NULL),
	    USERCGI_USERNAME_TAKEN, "reads go on while a writer holds the lock");
	memset(key, 7, sizeof(key));
	t = now_s();
	rc = store_token_remember(s, key, 2000, 1000);
	t = now_s() - t;
	tap_int(rc, USERCGI_BUSY, "remember while locked is busy");
	tap_ok(t >= 0.09 && t < 0.5, "remember gives up after about 100 ms");
	tap_ok(sqlite3_get_autocommit(s->db) == 1,
	    "busy remember leaves no transaction open");
	known = -1;
	tap_int(store_token_known(s, key, 1000, &known), USERCGI_OK,
	    "token lookup goes on while a writer holds the lock");
	tap_int(known, 0, "the busy remember stored nothing");
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	tap_int(insert_one(s, "busy00000001", "busy", NULL, NULL), USERCGI_OK,
	    "insert after the lock is released");
	tap_int(store_token_remember(s, key, 2000, 1000), USERCGI_OK,
	    "remember after the lock is released");
	sqlite3_close(db);
	store_close(s);
}

static void
test_full(void)
{
	struct store		*s = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 1000, .one_request = 0 };
	struct store_user	 u;
	char			 big[8192];
	long long		 pages;
	char			 sql[64];

	store_open(path_in("full.db"), &o, &s);
	pages = raw_int(path_in("full.db"), "PRAGMA page_count");
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", pages);
	sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	user_init(&u, "full00000001");
	u.name = big;
	tap_ok(pages > 0 && pages < 20, "small database");
	tap_int(store_user_insert(s, &u), USERCGI_UNAVAILABLE,
	    "disk full is unavailable");
	tap_ok(sqlite3_get_autocommit(s->db) == 1,
	    "full insert rolled back");
	store_close(s);
}

/* Opens a write-protected database in a child; as root, as nobody. */
static void
test_readonly(void)
{
	struct store		*s = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 100, .one_request = 0 };
	struct passwd		*pw;
	pid_t			 pid;
	int			 st = -1;

	store_open(path_in("ro.db"), &o, &s);
	store_close(s);
	chmod(dir, 0755);
	chmod(path_in("ro.db"), 0444);
	pw = getpwnam("nobody");
	if ((pid = fork()) == 0) {
		if (geteuid() == 0 && (pw == NULL || setgid(pw->pw_gid) != 0 ||
		    setuid(pw->pw_uid) != 0))
			_exit(100);
		_exit(store_open(path_in("ro.db"), &o, &s));
	}
	waitpid(pid, &st, 0);
	tap_int(WIFEXITED(st) ? WEXITSTATUS(st) : -1, USERCGI_UNAVAILABLE,
	    "read-only database is unavailable");
	chmod(dir, 0700);
}

/*
 * One-request connections (plain CGI): each leaves the WAL in place, the
 * WAL hook empties it past STORE_CGI_CHECKPOINT frames so it stays
 * short, statements are prepared on first use, and no row is lost.
 */
static void
test_one_request(void)
{
	struct store_opts	 o = { .busy_timeout_ms = 1000, .one_request = 1 };
	struct store		*s = NULL;
	sqlite3			*reader = NULL;
	struct stat		 sb;
	double			 t0;
	char			 id[STORE_ID_LEN + 1], name[32];
	off_t			 max = 0;
	int			 i, good = 1, left = 0, prepared = 0;

	for (i = 0; i < 200; i++) {
		if (store_open(path_in("one.db"), &o, &s) != USERCGI_OK) {
			good = 0;
			break;
		}
		if (i == 0)
			for (left = 0; left < ST_MAX; left++)
				prepared += s->st[left] != NULL;
		snprintf(id, sizeof(id), "one%09d", i);
		snprintf(name, sizeof(name), "one_%d", i);
		if (insert_one(s, id, name, NULL, NULL) != USERCGI_OK)
			good = 0;
		store_close(s);
		s = NULL;
		if (stat(path_in("one.db-wal"), &sb) != 0)
			good = 0;
		else if (sb.st_size > max)
			max = sb.st_size;
	}
	tap_int(prepared, 0, "one-request open prepares no statement");
	tap_ok(good, "200 one-request connections insert a row each, the "
	    "WAL left in place");
	/* The commit that crosses the bound writes a few frames more. */
	tap_ok(max > 0 && max <= 32 + (STORE_CGI_CHECKPOINT + 16) *
	    (24 + 4096), "the WAL stays under the checkpoint bound");
	tap_int(raw_int(path_in("one.db"),
	    "SELECT count(*) FROM users WHERE username GLOB 'one_*'"), 200,
	    "every row is there");
	o.one_request = 0;
	tap_int(store_open(path_in("one.db"), &o, &s), USERCGI_OK,
	    "a long-lived connection opens it");
	for (left = 0, i = 0; s != NULL && i < ST_MAX; i++)
		left += s->st[i] == NULL;
	tap_int(left, 0, "and prepares every statement at once");
	store_close(s);
	s = NULL;

	/*
	 * While another connection reads, the checkpoint cannot empty the
	 * WAL: commits go on at once (no busy wait in the hook) and the WAL
	 * grows past the bound; the first commit after the reader is gone
	 * empties it.
	 */
	o.one_request = 1;
	o.busy_timeout_ms = 5000;
	good = 1;
	if (sqlite3_open(path_in("one.db"), &reader) != SQLITE_OK ||
	    sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM users;", NULL,
	    NULL, NULL) != SQLITE_OK)
		good = 0;
	t0 = now_s();
	for (i = 200; i < 300 && good; i++) {
		snprintf(id, sizeof(id), "one%09d", i);
		snprintf(name, sizeof(name), "one_%d", i);
		if (store_open(path_in("one.db"), &o, &s) != USERCGI_OK ||
		    insert_one(s, id, name, NULL, NULL) != USERCGI_OK)
			good = 0;
		store_close(s);
		s = NULL;
	}
	tap_ok(good, "100 commits beside a reader succeed");
	tap_ok(now_s() - t0 < 2.0, "without waiting for the reader");
	tap_ok(stat(path_in("one.db-wal"), &sb) == 0 && sb.st_size >
	    32 + (STORE_CGI_CHECKPOINT + 16) * (24 + 4096),
	    "the WAL grew past the bound meanwhile");
	/* The reader stays open (its close would checkpoint by itself). */
	sqlite3_exec(reader, "COMMIT;", NULL, NULL, NULL);
	if (store_open(path_in("one.db"), &o, &s) != USERCGI_OK ||
	    insert_one(s, "one000000300", "one_300", NULL, NULL) != USERCGI_OK)
		good = 0;
	store_close(s);
	tap_ok(good && stat(path_in("one.db-wal"), &sb) == 0 &&
	    sb.st_size == 0, "the first commit after the read empties it");
	sqlite3_close(reader);
	tap_int(raw_int(path_in("one.db"),
	    "SELECT count(*) FROM users WHERE username GLOB 'one_*'"), 301,
	    "every row is there");
}

/*
 * Forks n children that wait on a pipe, then each opens its own store
 * and inserts the user from mk(i).  Returns the count of each result.
 */
static void
race(const char *db, int n, int insert, const char *(*email)(int),
    int *counts)
{
	struct store_opts	 o = { .busy_timeout_ms = 10000, .one_request = 0 };
	pid_t			 pids[32];
	int			 gate[2], i, st;
	char			 c;

	memset(counts, 0, sizeof(int) * USERCGI_ERR_MAX);
	if (pipe(gate) != 0)
		abort();
	fflush(stdout);
	for (i = 0; i < n; i++) {
		if ((pids[i] = fork()) == 0) {
			struct store		*s = NULL;
			enum usercgi_err	 rc;
			char			 id[16];

			close(gate[1]);
			(void)!read(gate[0], &c, 1);
			if ((rc = store_open(db, &o, &s)) != USERCGI_OK)
				_exit(rc);
			if (insert) {
				snprintf(id, sizeof(id), "race%08d", i);
				rc = insert_one(s, id, email ? NULL : "racer",
				    email ? email(i) : NULL, NULL);
			}
			store_close(s);
			_exit(rc);
		}
	}
	close(gate[0]);
	close(gate[1]);
	for (i = 0; i < n; i++) {
		waitpid(pids[i], &st, 0);
		if (WIFEXITED(st) && WEXITSTATUS(st) < USERCGI_ERR_MAX)
			counts[WEXITSTATUS(st)]++;
	}
}

/* Email i of the race: the same address in 20 different casings. */
static const char *
race_email(int i)
{
	static char	 e[32];
	const char	*base = "racer.\xc3\xa4@example.com";
	size_t		 j, bit = 0;

	snprintf(e, sizeof(e), "%s", base);
	for (j = 0; e[j] != '\0'; j++) {
		if (e[j] >= 'a' && e[j] <= 'z' && bit < 5) {
			if (i & (1 << bit))
				e[j] = (char)(e[j] - 'a' + 'A');
			bit++;
		}
		if ((unsigned char)e[j] == 0xa4 && i >= 16)
			e[j] = (char)0x84;	/* U+00E4 -> U+00C4 */
	}
	return e;
}

static void
test_races(void)
{
	int	 counts[USERCGI_ERR_MAX], fd, saved, lines;
	char	 logbuf[8192], *p;
	ssize_t	 r;

	race(path_in("race1.db"), 20, 1, NULL, counts);
	tap_int(counts[USERCGI_OK], 1, "20 racers, one username: one wins");
	tap_int(counts[USERCGI_USERNAME_TAKEN], 19, "the other 19 are told taken");
	tap_int(raw_int(path_in("race1.db"), "SELECT count(*) FROM users"), 1,
	    "one row stored");

	race(path_in("race2.db"), 20, 1, race_email, counts);
	tap_int(counts[USERCGI_OK], 1, "20 racers, one email in 20 casings: one wins");
	tap_int(counts[USERCGI_EMAIL_TAKEN], 19, "the other 19 are told taken");

	/* 8 processes open one brand-new file at once; the log counts migrations. */
	fd = open(path_in("race3.log"), O_WRONLY | O_CREAT | O_APPEND, 0600);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	race(path_in("race3.db"), 8, 0, NULL, counts);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	tap_int(counts[USERCGI_OK], 8, "8 openers of a new file all succeed");
	tap_int(raw_int(path_in("race3.db"), "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION,
	    "new file has the schema version");
	fd = open(path_in("race3.log"), O_RDONLY);
	r = read(fd, logbuf, sizeof(logbuf) - 1);
	close(fd);
	logbuf[r > 0 ? r : 0] = '\0';
	for (lines = 0, p = logbuf; (p = strstr(p, "migrated")) != NULL; p++)
		lines++;
	tap_int(lines, 1, "schema created exactly once");
	if (lines != 1)
		printf("# %s", logbuf);
}

int
main(void)
{
	struct store		*s = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 5000, .one_request = 0 };
	const char		*mod;
	char			 cmd[300];

	/* Phone keys come from the build tree's module (make check names it). */
	if ((mod = getenv("USERCGI_PHONE_MODULE")) != NULL)
		(void)phone_module_set(mod);
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	log_setup(LOG_LVL_INFO, "test_store");
	test_email_key();
	test_schema();
	if (store_open(path_in("a.db"), &o, &s) != USERCGI_OK) {
		printf("Bail out! cannot open a.db\n");
		return 1;
	}
	test_round_trip(s);
	test_unique(s);
	test_rehash(s);
	test_tokens(s);
	test_idem(s);
	store_close(s);
	test_migrate_v1();
	test_busy();
	test_full();
	test_readonly();
	test_one_request();
	test_races();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)!system(cmd);
	return tap_done();
}
