/*
 * test_store_pg.c: the store.h contract on PostgreSQL (lib/store_pg.c),
 * against a real server: $USERCGI_TEST_PG (a conninfo; the test creates
 * its own database there), else a throwaway cluster this test starts in
 * its temporary directory (initdb, unix socket only, fsync on; as the
 * postgres user when run as root) and stops at the end.  Skipped when
 * PostgreSQL 15's binaries are not installed.  The store is the module
 * ($USERCGI_PG_MODULE, as store_open loads it); lib/store_pg.c is
 * included for its struct store, whose connection the test reaches.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#include "../../lib/phone.h"

#include "../../lib/store_pg.c"

#define PG_BIN	"/usr/lib/postgresql/15/bin"

static char	 dir[] = "/tmp/test_store_pg.XXXXXX";
static char	 base[512];	/* conninfo of the server's postgres database */
static char	 db[600];	/* conninfo of the test's database */
static int	 own_cluster, made_dir;

/* Runs a shell command; returns its exit status (-1 when it did not run). */
static int __attribute__((format(printf, 1, 2)))
sh(const char *fmt, ...)
{
	char	cmd[4096];
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	(void)vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return rc == -1 ? -1 : WEXITSTATUS(rc);
}

/* Starts the throwaway cluster in dir; returns 0 on success. */
static int
cluster_start(void)
{
	char	 path[600], user[64];
	FILE	*f;
	size_t	 n;

	if (sh(
	    "set -e; D=%s; B=%s; AS=; U=$(id -un);"
	    " if [ \"$(id -u)\" = 0 ]; then U=postgres; AS='runuser -u postgres --';"
	    " chown postgres: \"$D\"; d=$(dirname \"$D\");"
	    " while [ \"$d\" != / ] && ! runuser -u postgres -- test -x \"$d\";"
	    " do chmod o+x \"$d\"; d=$(dirname \"$d\"); done; fi;"
	    " $AS \"$B/initdb\" -D \"$D/data\" -U \"$U\" -A trust -E UTF8"
	    " --locale=C >\"$D/initdb.log\" 2>&1 || { cat \"$D/initdb.log\" >&2;"
	    " exit 1; };"
	    " printf \"listen_addresses = ''\\nunix_socket_directories = '%%s'\\n"
	    "fsync = on\\nmax_connections = 100\\n\" \"$D\""
	    " >>\"$D/data/postgresql.conf\";"
	    " $AS \"$B/pg_ctl\" -D \"$D/data\" -l \"$D/server.log\" -w -t 60 start"
	    " >/dev/null || { cat \"$D/server.log\" >&2; exit 1; };"
	    " echo \"$U\" >\"$D/user\"", dir, PG_BIN) != 0)
		return -1;
	own_cluster = 1;
	(void)snprintf(path, sizeof(path), "%s/user", dir);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(user, 1, sizeof(user) - 1, f);
	fclose(f);
	user[n] = '\0';
	user[strcspn(user, "\n")] = '\0';
	(void)snprintf(base, sizeof(base), "host=%s port=5432 user=%s"
	    " dbname=postgres", dir, user);
	return 0;
}

static void drop_dbs(void);

static void
cluster_stop(void)
{
	drop_dbs();
	if (own_cluster)
		(void)sh("D=%s; B=%s; AS=; [ \"$(id -u)\" = 0 ] &&"
		    " AS='runuser -u postgres --'; $AS \"$B/pg_ctl\" -D \"$D/data\""
		    " -m fast -w -t 60 stop >/dev/null", dir, PG_BIN);
	if (made_dir)
		(void)sh("rm -rf %s%s", dir, "");
}

/* A connection of the test's own (not a store's). */
static PGconn *
aux_connect(const char *conninfo)
{
	PGconn	*c = PQconnectdb(conninfo);

	if (PQstatus(c) != CONNECTION_OK) {
		printf("# aux connect: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* Runs sql on c: the first field of its first row (static), "", or NULL. */
static const char *
aux_query(PGconn *c, const char *sql)
{
	static char	 out[4096];
	PGresult	*r = PQexec(c, sql);
	ExecStatusType	 st = PQresultStatus(r);

	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		printf("# %s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
		return NULL;
	}
	out[0] = '\0';
	if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0)
		(void)snprintf(out, sizeof(out), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return out;
}

/*
 * Creates database name_<pid> on the server (so that test runs sharing
 * $USERCGI_TEST_PG do not meet); sets out to its conninfo.
 */
static int
make_db(const char *name, char *out, size_t outlen)
{
	PGconn	*c;
	char	 sql[160];
	int	 rc = -1;

	if ((c = aux_connect(base)) == NULL)
		return -1;
	(void)snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s_%ld",
	    name, (long)getpid());
	if (aux_query(c, sql) == NULL)
		goto out;
	(void)snprintf(sql, sizeof(sql), "CREATE DATABASE %s_%ld", name,
	    (long)getpid());
	if (aux_query(c, sql) == NULL)
		goto out;
	(void)snprintf(out, outlen, "%s dbname=%s_%ld", base, name,
	    (long)getpid());
	rc = 0;
out:
	PQfinish(c);
	return rc;
}

/* Drops the test's databases from a server it did not start. */
static void
drop_dbs(void)
{
	static const char *const names[] = { "usercgi_unit", "usercgi_race",
	    "usercgi_list" };
	PGconn	*c;
	char	 sql[160];
	size_t	 i;

	if (own_cluster || base[0] == '\0' || (c = aux_connect(base)) == NULL)
		return;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		(void)snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS"
		    " %s_%ld WITH (FORCE)", names[i], (long)getpid());
		(void)aux_query(c, sql);
	}
	PQfinish(c);
}

static struct store_opts opts = { .busy_timeout_ms = 5000 };

static struct store_user
mkuser(const char *id, const char *username, const char *email,
    const char *phone, int64_t created)
{
	struct store_user	u;

	memset(&u, 0, sizeof(u));
	(void)snprintf(u.id, sizeof(u.id), "%s", id);
	u.username = (char *)username;
	u.primary_email = (char *)email;
	u.primary_phone = (char *)phone;
	u.last_sign_in_at = -1;
	u.password_updated_at = -1;
	u.created_at = u.updated_at = created;
	return u;
}

static enum usercgi_err
ins(struct store *s, const char *id, const char *username, const char *email,
    const char *phone, int64_t created)
{
	struct store_user	u = mkuser(id, username, email, phone, created);

	return store_user_insert(s, &u);
}

static void
test_redact(void)
{
	char	out[STORE_REDACTED_MAX], small[12];

	tap_ok(store_is_postgresql("postgresql://h/db"), "backend: URI");
	tap_ok(store_is_postgresql("postgres://h/db"), "backend: short URI");
	tap_ok(store_is_postgresql("host=a dbname=b"), "backend: conninfo");
	tap_ok(store_is_postgresql("  service=usercgi"), "backend: blanks");
	tap_ok(!store_is_postgresql("/var/lib/usercgi/users.db"),
	    "backend: a path is SQLite");
	tap_ok(!store_is_postgresql("./a=b.db"), "backend: ./a=b.db is SQLite");
	tap_ok(!store_is_postgresql("a-b=c"), "backend: not a keyword");
	tap_ok(!store_is_postgresql("users.db"), "backend: relative path");
	store_redact("postgresql://app:s3cret@db1,db2:5433/users?"
	    "sslmode=require&password=x&target_session_attrs=read-write",
	    out, sizeof(out));
	tap_str(out, "postgresql://app:***@db1,db2:5433/users?sslmode=require"
	    "&password=***&target_session_attrs=read-write", "redact: URI");
	store_redact("postgres://app@db/users", out, sizeof(out));
	tap_str(out, "postgres://app@db/users", "redact: URI without password");
	store_redact("host=db password='a b\\' c' user=app sslpassword=k"
	    " dbname=u", out, sizeof(out));
	tap_str(out, "host=db password=*** user=app sslpassword=*** dbname=u",
	    "redact: conninfo, quoted password");
	store_redact("host=db PASSWORD=x", out, sizeof(out));
	tap_str(out, "host=db PASSWORD=***", "redact: any letter case");
	store_redact("postgresql://h/db?SSLPassword=k%20x&a=b", out,
	    sizeof(out));
	tap_str(out, "postgresql://h/db?SSLPassword=***&a=b",
	    "redact: URI parameter, any letter case");
	store_redact("host=db  password = pw", out, sizeof(out));
	tap_str(out, "host=db  password=***", "redact: spaces around =");
	store_redact("host=db password='unterminated", out, sizeof(out));
	tap_ok(strstr(out, "unterminated") == NULL,
	    "redact: unparsable value not shown");
	store_redact("/srv/users.db", out, sizeof(out));
	tap_str(out, "/srv/users.db", "redact: SQLite path as is");
	store_redact("host=averyveryverylonghost", small, sizeof(small));
	tap_str(small, "host=averyv", "redact: truncated, terminated");
}

/* Returns the value of libpq option kw of connection c ("" if none; static). */
static const char *
conn_opt(PGconn *c, const char *kw)
{
	static char		 out[64];
	PQconninfoOption	*o, *p;

	out[0] = '\0';
	if ((o = PQconninfo(c)) == NULL)
		return out;
	for (p = o; p->keyword != NULL; p++)
		if (strcmp(p->keyword, kw) == 0 && p->val != NULL)
			(void)snprintf(out, sizeof(out), "%s", p->val);
	PQconninfoFree(o);
	return out;
}

static void
test_open(void)
{
	struct store	*s = NULL;
	PGconn		*c;
	const char	*v;
	char		 ci[700];
	int		 ver = -1;

	tap_int(store_open(db, &opts, &s), USERCGI_OK, "open: creates schema");
	tap_ok(s != NULL && s->ops != &store_pg_ops &&
	    strcmp(s->ops->name, "postgresql") == 0,
	    "open: PostgreSQL backend, from the module");
	store_close(s);
	s = NULL;
	tap_int(store_open(db, &opts, &s), USERCGI_OK, "open: again");
	store_close(s);
	if ((c = aux_connect(db)) == NULL)
		return;
	v = aux_query(c, "SELECT version FROM usercgi_schema");
	tap_str(v, "4", "schema version recorded");
	v = aux_query(c, "SELECT count(*) FROM user_count");
	tap_str(v, "64", "user_count slots");
	tap_int(store_probe(db, &opts, &ver), USERCGI_OK, "probe");
	tap_int(ver, 4, "probe: the recorded version");
	aux_query(c, "UPDATE usercgi_schema SET version = 5");
	s = NULL;
	tap_int(store_open(db, &opts, &s), USERCGI_INTERNAL,
	    "open: a newer build's schema is refused");
	tap_ok(s == NULL, "open: no store then");
	store_probe(db, &opts, &ver);
	tap_int(ver, 5, "probe: reads it without changing it");
	/* Version 3 gains the idempotency keys (issue 17). */
	aux_query(c, "DROP TABLE idempotency_keys");
	aux_query(c, "UPDATE usercgi_schema SET version = 3");
	s = NULL;
	tap_int(store_open(db, &opts, &s), USERCGI_OK, "open: migrates 3 to 4");
	store_close(s);
	v = aux_query(c, "SELECT version FROM usercgi_schema");
	tap_str(v, "4", "schema version 4 recorded");
	v = aux_query(c, "SELECT count(*) FROM idempotency_keys");
	tap_str(v, "0", "idempotency_keys created");
	PQfinish(c);
	s = NULL;
	tap_int(store_open("host=/nonexistent/dir dbname=x", &opts, &s),
	    USERCGI_UNAVAILABLE, "open: no server is UNAVAILABLE");
	tap_ok(s == NULL, "open: no store on failure");
	(void)snprintf(ci, sizeof(ci), "%s connect_timeout=3", db);
	if (store_open(ci, &opts, &s) == USERCGI_OK) {
		tap_str(conn_opt(s->conn, "connect_timeout"), "3",
		    "open: the operator's setting wins over the default");
		tap_str(conn_opt(s->conn, "keepalives_idle"), "10",
		    "open: keepalives_idle default");
		tap_str(conn_opt(s->conn, "tcp_user_timeout"), "10000",
		    "open: tcp_user_timeout default");
		tap_str(conn_opt(s->conn, "fallback_application_name"), "usercgi",
		    "open: application_name");
		store_close(s);
	} else
		tap_ok(0, "open: with connect_timeout");
	s = NULL;
	tap_int(store_open("postgresql://u:se%zzcret@h/db", &opts, &s),
	    USERCGI_INTERNAL, "open: a URI libpq cannot parse");
	tap_int(store_open("host=x bogus_keyword=1", &opts, &s),
	    USERCGI_INTERNAL, "open: an unknown keyword");
}

/* Several threads open one fresh database at once: all succeed. */
struct opener {
	const char		*db;
	enum usercgi_err	 rc;
	pthread_t		 th;
};

static void *
opener_run(void *arg)
{
	struct opener	*o = arg;
	struct store	*s = NULL;

	o->rc = store_open(o->db, &opts, &s);
	store_close(s);
	return NULL;
}

static void
test_open_race(void)
{
	struct opener	o[6];
	char		fresh[700];
	int		i, ok = 0;

	if (make_db("usercgi_race", fresh, sizeof(fresh)) != 0) {
		tap_ok(0, "open race: database");
		return;
	}
	for (i = 0; i < 6; i++) {
		o[i].db = fresh;
		pthread_create(&o[i].th, NULL, opener_run, &o[i]);
	}
	for (i = 0; i < 6; i++) {
		pthread_join(o[i].th, NULL);
		ok += o[i].rc == USERCGI_OK;
	}
	tap_int(ok, 6, "open race: six concurrent first opens succeed");
}

static void
test_roundtrip(struct store *s, PGconn *c)
{
	struct store_user	u, g;
	const char		*v;

	u = mkuser("rt0000000001", "Round", "Round@Example.COM", NULL,
	    1700000000123LL);
	u.name = (char *)"Ünïcode Name";
	u.avatar = (char *)"https://a.example/x.png";
	u.profile_json = (char *)"{\"z\":1, \"a\" : {\"y\":[1,2],\"b\":null}}";
	u.custom_data_json = (char *)"{\"k\":\"\\u00e9\",\"a\":1.50}";
	u.password_encrypted = (char *)"$argon2i$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
	u.password_encryption_method = (char *)"Argon2i";
	u.password_updated_at = 1700000000456LL;
	u.last_sign_in_at = 1;
	u.updated_at = 1700000000999LL;
	u.is_suspended = 1;
	tap_int(store_user_insert(s, &u), USERCGI_OK, "insert");
	tap_int(store_user_get(s, "rt0000000001", &g), USERCGI_OK, "get");
	tap_str(g.username, "Round", "get: username");
	tap_str(g.primary_email, "Round@Example.COM", "get: email as given");
	tap_ok(g.primary_phone == NULL, "get: NULL phone");
	tap_str(g.name, "Ünïcode Name", "get: name");
	tap_str(g.profile_json, u.profile_json, "get: profile byte-exact");
	tap_str(g.custom_data_json, u.custom_data_json,
	    "get: custom data byte-exact");
	tap_str(g.identities_json, "{}", "get: identities default");
	tap_str(g.password_encrypted, u.password_encrypted, "get: digest");
	tap_str(g.password_encryption_method, "Argon2i", "get: method");
	tap_int(g.created_at, 1700000000123LL, "get: created_at in ms");
	tap_int(g.updated_at, 1700000000999LL, "get: updated_at in ms");
	tap_int(g.password_updated_at, 1700000000456LL,
	    "get: password_updated_at");
	tap_int(g.last_sign_in_at, 1, "get: last_sign_in_at 1 ms");
	tap_int(g.is_suspended, 1, "get: suspended");
	tap_int(g.logto_config.mfa_enabled, -1, "get: mfa never set");
	store_user_free(&g);
	tap_int(store_user_get(s, "nosuchuser00", &g), USERCGI_USER_NOT_FOUND,
	    "get: unknown id");
	tap_int(store_user_get(s, "\xff\xfe", &g), USERCGI_USER_NOT_FOUND,
	    "get: an id that is not UTF-8 is not found (never sent)");
	tap_int(store_user_delete(s, "\xff"), USERCGI_USER_NOT_FOUND,
	    "delete: an id that is not UTF-8");
	tap_int(store_identity_remove(s, "rt0000000001", "\xff", 1, NULL),
	    USERCGI_IDENTITY_NOT_EXIST, "identity: a target that is not UTF-8");
	tap_int(store_find_update_conflict(s, "\xff", "round@example.com",
	    NULL, NULL), USERCGI_EMAIL_TAKEN,
	    "find_update_conflict: an id that is not UTF-8 excludes no row");
	if (c == NULL)
		return;
	v = aux_query(c, "SELECT created_at = timestamptz"
	    " '2023-11-14 22:13:20.123+00' AND last_sign_in_at = timestamptz"
	    " '1970-01-01 00:00:00.001+00' FROM users WHERE id = 'rt0000000001'");
	tap_str(v, "t", "stored as timestamptz");
	v = aux_query(c, "SELECT profile->'a'->'y'->>1 || email_key ||"
	    " name_key FROM users WHERE id = 'rt0000000001'");
	tap_str(v, "2round@example.comünïcode name",
	    "jsonb and keys computed in C");
	/* A row written by plain SQL, as from Logto: no JSON text columns. */
	aux_query(c, "INSERT INTO users (id, username, username_key, profile,"
	    " created_at, updated_at) VALUES ('plainsql0001', 'plain', 'plain',"
	    " '{\"b\": 1, \"a\": 2}', now(), now())");
	tap_int(store_user_get(s, "plainsql0001", &g), USERCGI_OK,
	    "get: a row from plain SQL");
	tap_str(g.profile_json, "{\"a\": 2, \"b\": 1}",
	    "get: its jsonb text when there is no JSON text");
	tap_str(g.custom_data_json, "{}", "get: its custom data default");
	store_user_free(&g);
	aux_query(c, "DELETE FROM users WHERE id = 'plainsql0001'");
}

static void
test_taken(struct store *s)
{
	tap_int(ins(s, "tk0000000001", "alice", "Alice@Example.com",
	    "+14155550100", 1700000001000LL), USERCGI_OK, "taken: first");
	tap_int(ins(s, "tk0000000002", "alice", NULL, NULL, 1), 
	    USERCGI_USERNAME_TAKEN, "taken: username");
	tap_int(ins(s, "tk0000000002", "Alice", NULL, NULL, 1), USERCGI_OK,
	    "taken: username is case-sensitive");
	tap_int(ins(s, "tk0000000003", NULL, "aLICE@example.COM", NULL, 1),
	    USERCGI_EMAIL_TAKEN, "taken: email case-insensitive");
	tap_int(ins(s, "tk0000000003", NULL, NULL, "+14155550100", 1),
	    USERCGI_PHONE_TAKEN, "taken: phone");
	tap_int(ins(s, "tk0000000003", "alice", "alice@example.com",
	    "+14155550100", 1), USERCGI_USERNAME_TAKEN,
	    "taken: username first when all three");
	tap_int(ins(s, "tk0000000003", NULL, "alice@example.com",
	    "+14155550100", 1), USERCGI_EMAIL_TAKEN,
	    "taken: email before phone");
	tap_int(ins(s, "tk0000000001", "other", NULL, NULL, 1),
	    USERCGI_ID_TAKEN, "taken: id");
	tap_int(store_find_conflict(s, "alice", NULL, NULL),
	    USERCGI_USERNAME_TAKEN, "find_conflict: username");
	tap_int(store_find_conflict(s, NULL, "ALICE@EXAMPLE.COM", NULL),
	    USERCGI_EMAIL_TAKEN, "find_conflict: email");
	tap_int(store_find_conflict(s, NULL, NULL, "+14155550100"),
	    USERCGI_PHONE_TAKEN, "find_conflict: phone");
	tap_int(store_find_conflict(s, "nobody", "no@x.y", "+14155550199"),
	    USERCGI_OK, "find_conflict: none");
	tap_int(store_find_conflict(s, NULL, NULL, NULL), USERCGI_OK,
	    "find_conflict: nothing to check");
}

/* Threads inserting one username at once, each on its own connection. */
struct racer {
	int			 i;
	enum usercgi_err	 rc;
	pthread_t		 th;
	pthread_barrier_t	*bar;
	struct store_group	*g;	/* NULL: each insert alone */
};

static void *
racer_run(void *arg)
{
	struct racer	*r = arg;
	struct store	*s = NULL;
	char		 id[13];

	if ((r->rc = store_open(db, &opts, &s)) != USERCGI_OK) {
		pthread_barrier_wait(r->bar);
		return NULL;
	}
	store_set_group(s, r->g);
	(void)snprintf(id, sizeof(id), "race%c%07u", r->g != NULL ? 'g' : '0',
	    (unsigned)r->i % 100);
	pthread_barrier_wait(r->bar);
	r->rc = ins(s, id, r->g != NULL ? "samename_g" : "samename", NULL,
	    NULL, 1700000002000LL);
	store_close(s);
	return NULL;
}

/* A thread inserting 100 users of its own and deleting every tenth. */
static void *
burst_run(void *arg)
{
	struct racer	*r = arg;
	struct store	*s = NULL;
	char		 id[13], name[32];
	int		 i;

	if ((r->rc = store_open(db, &opts, &s)) != USERCGI_OK) {
		pthread_barrier_wait(r->bar);
		return NULL;
	}
	store_set_group(s, r->g);
	pthread_barrier_wait(r->bar);
	for (i = 0; i < 100 && r->rc == USERCGI_OK; i++) {
		(void)snprintf(id, sizeof(id), "b%c%02u%08u",
		    r->g != NULL ? 'g' : 'u', (unsigned)r->i % 100,
		    (unsigned)i % 100);
		(void)snprintf(name, sizeof(name), "burst%s%d_%d",
		    r->g != NULL ? "g" : "", r->i, i);
		r->rc = ins(s, id, name, NULL, NULL, 1700000002500LL + i);
		if (r->rc == USERCGI_OK && i % 10 == 0)
			r->rc = store_user_delete(s, id);
	}
	store_close(s);
	return NULL;
}

/*
 * Eight connections insert and delete at once, alone or through group g:
 * user_count follows every row.
 */
static void
test_burst(PGconn *c, struct store_group *g)
{
	struct racer		r[8];
	pthread_barrier_t	bar;
	int			i, ok = 0;
	char			what[96];

	pthread_barrier_init(&bar, NULL, 8);
	for (i = 0; i < 8; i++) {
		r[i].i = i;
		r[i].bar = &bar;
		r[i].g = g;
		pthread_create(&r[i].th, NULL, burst_run, &r[i]);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(r[i].th, NULL);
		ok += r[i].rc == USERCGI_OK;
	}
	pthread_barrier_destroy(&bar);
	(void)snprintf(what, sizeof(what), "burst%s: 8 x 100 concurrent"
	    " inserts, every tenth deleted", g != NULL ? " (group)" : "");
	tap_int(ok, 8, what);
	(void)snprintf(what, sizeof(what), "burst%s: user_count agrees with"
	    " the rows", g != NULL ? " (group)" : "");
	if (c != NULL)
		tap_str(aux_query(c, "SELECT (SELECT sum(n) FROM user_count) ="
		    " (SELECT count(*) FROM users)"), "t", what);
}

/* Eight threads insert "samename" (alone, or through group g) at once. */
static void
test_race(struct store_group *g)
{
	struct racer		r[8];
	pthread_barrier_t	bar;
	int			i, ok = 0, taken = 0;
	char			what[96];

	pthread_barrier_init(&bar, NULL, 8);
	for (i = 0; i < 8; i++) {
		r[i].i = i;
		r[i].bar = &bar;
		r[i].g = g;
		pthread_create(&r[i].th, NULL, racer_run, &r[i]);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(r[i].th, NULL);
		ok += r[i].rc == USERCGI_OK;
		taken += r[i].rc == USERCGI_USERNAME_TAKEN;
	}
	pthread_barrier_destroy(&bar);
	(void)snprintf(what, sizeof(what), "race%s: exactly one of eight"
	    " inserts of a username", g != NULL ? " (group)" : "");
	tap_int(ok, 1, what);
	(void)snprintf(what, sizeof(what), "race%s: the others"
	    " username_already_in_use", g != NULL ? " (group)" : "");
	tap_int(taken, 7, what);
}

/*
 * Runs rows u[0..n) as one batch of the group commit on s, as its leader
 * would (store_pg_insert_batch), and sets rc[i] to row i's result.
 */
static void
run_batch(struct store *s, struct store_user *u, size_t n,
    enum usercgi_err *rc)
{
	struct store_job	 j[8];
	struct store_keys	 k[8];
	struct store		*writer = NULL;
	size_t			 i;

	if (n > 8)
		abort();
	memset(j, 0, sizeof(j));
	memset(k, 0, sizeof(k));
	for (i = 0; i < n; i++) {
		if (store_keys_set(&k[i], u[i].primary_email, u[i].primary_phone,
		    u[i].username, u[i].name) != USERCGI_OK)
			abort();
		j[i].u = &u[i];
		j[i].k = &k[i];
		j[i].rc = USERCGI_ERR_MAX;
		j[i].next = i + 1 < n ? &j[i + 1] : NULL;
	}
	store_pg_insert_batch(s, &writer, j);
	for (i = 0; i < n; i++) {
		rc[i] = j[i].rc;
		store_keys_free(&k[i]);
	}
}

/*
 * The batch statement of the group commit: rows whose keys are taken by
 * a row before the batch or by an earlier row of it get their own
 * *_TAKEN; a value the server refuses fails that row alone; two rows
 * with one id go alone; a lost connection answers every row
 * UNAVAILABLE and writes none, and the next batch prepares again.
 */
static void
test_batch(struct store *s, PGconn *c)
{
	struct store_user	 u[6];
	enum usercgi_err	 rc[6];
	char			 sql[128];

	tap_int(ins(s, "bx0000000000", "b_exist", NULL, NULL, 1), USERCGI_OK,
	    "batch: a row before it");
	u[0] = mkuser("bt0000000000", "b_a", "ba@example.com", NULL, 2);
	u[1] = mkuser("bt0000000001", "b_b", NULL, NULL, 2);
	u[2] = mkuser("bt0000000002", "b_a", NULL, NULL, 2);
	u[3] = mkuser("bt0000000003", NULL, "BA@Example.COM", NULL, 2);
	u[4] = mkuser("bt0000000004", "b_exist", NULL, NULL, 2);
	u[5] = mkuser("bt0000000005", "b_c", NULL, NULL, 2);
	run_batch(s, u, 6, rc);
	tap_int(s->batch_prepared[6], 1, "batch: six rows in one statement");
	tap_int(rc[0], USERCGI_OK, "batch: row 0 inserted");
	tap_int(rc[1], USERCGI_OK, "batch: row 1 inserted");
	tap_int(rc[2], USERCGI_USERNAME_TAKEN,
	    "batch: row 2, row 0's username");
	tap_int(rc[3], USERCGI_EMAIL_TAKEN,
	    "batch: row 3, row 0's email in other case");
	tap_int(rc[4], USERCGI_USERNAME_TAKEN,
	    "batch: row 4, the earlier row's username");
	tap_int(rc[5], USERCGI_OK, "batch: row 5 inserted");
	if (c != NULL)
		tap_str(aux_query(c, "SELECT string_agg(id, ',' ORDER BY id)"
		    " FROM users WHERE id LIKE 'bt%'"),
		    "bt0000000000,bt0000000001,bt0000000005",
		    "batch: the three rows, and no other");

	u[0] = mkuser("by0000000000", "b_d", NULL, NULL, 3);
	u[1] = mkuser("by0000000001", "b_e", NULL, NULL, 3);
	u[1].profile_json = (char *)"{\"a\":\"\\u0000\"}";
	u[2] = mkuser("by0000000002", "b_d", NULL, NULL, 3);
	run_batch(s, u, 3, rc);
	tap_int(rc[0], USERCGI_OK, "batch refused: row 0 inserted alone");
	tap_int(rc[1], USERCGI_UNSTORABLE,
	    "batch refused: row 1's \\u0000 is its own 400");
	tap_int(rc[2], USERCGI_USERNAME_TAKEN,
	    "batch refused: row 2 alone finds row 0's username");

	u[0] = mkuser("bv0000000000", "b_f", NULL, NULL, 4);
	u[1] = mkuser("bv0000000000", "b_g", NULL, NULL, 4);
	run_batch(s, u, 2, rc);
	tap_int(rc[0], USERCGI_OK, "batch of one id: the first inserted");
	tap_int(rc[1], USERCGI_ID_TAKEN, "batch of one id: the second taken");

	if (c == NULL)
		return;
	(void)snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%d)",
	    PQbackendPID(s->conn));
	tap_str(aux_query(c, sql), "t", "batch lost: the server ends it");
	u[0] = mkuser("bw0000000000", "b_h", NULL, NULL, 5);
	u[1] = mkuser("bw0000000001", "b_i", NULL, NULL, 5);
	run_batch(s, u, 2, rc);
	tap_int(rc[0], USERCGI_UNAVAILABLE, "batch lost: row 0 unavailable");
	tap_int(rc[1], USERCGI_UNAVAILABLE, "batch lost: row 1 unavailable");
	tap_str(aux_query(c, "SELECT count(*) FROM users WHERE id LIKE 'bw%'"),
	    "0", "batch lost: nothing written");
	run_batch(s, u, 2, rc);
	tap_ok(rc[0] == USERCGI_OK && rc[1] == USERCGI_OK,
	    "batch lost: the next batch reconnects and prepares again");
	tap_str(aux_query(c, "SELECT (SELECT sum(n) FROM user_count) ="
	    " (SELECT count(*) FROM users)"), "t",
	    "batch: user_count agrees with the rows");
}

/* Threads merging distinct members into one user's custom data at once. */
struct merger {
	int			 i;
	const char		*db;
	const char		*prefix;
	enum usercgi_err	 rc;
	pthread_t		 th;
};

static void *
merger_run(void *arg)
{
	struct merger		*m = arg;
	struct store		*s = NULL;
	struct store_patch	 p;
	char			 json[32];

	if ((m->rc = store_open(m->db, &opts, &s)) != USERCGI_OK)
		return NULL;
	(void)snprintf(json, sizeof(json), "{\"%s%d\":%d}", m->prefix, m->i,
	    m->i);
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_CUSTOM_MERGE;
	p.custom_data_json = json;
	m->rc = store_user_update(s, "up0000000001", &p, 1700000009000LL, NULL);
	store_close(s);
	return NULL;
}

/* Six threads merge prefix0..5 into up0000000001 on database d at once. */
static void
merge_race(struct store *s, const char *d, const char *prefix,
    const char *name)
{
	struct merger		 m[6];
	struct store_user	 o;
	char			 t[128], k[16];
	int			 i, ok = 0;

	for (i = 0; i < 6; i++) {
		m[i].i = i;
		m[i].db = d;
		m[i].prefix = prefix;
		pthread_create(&m[i].th, NULL, merger_run, &m[i]);
	}
	for (i = 0; i < 6; i++) {
		pthread_join(m[i].th, NULL);
		ok += m[i].rc == USERCGI_OK;
	}
	(void)snprintf(t, sizeof(t), "%s succeed", name);
	tap_int(ok, 6, t);
	if (store_user_get(s, "up0000000001", &o) != USERCGI_OK) {
		tap_ok(0, "read back");
		return;
	}
	for (i = 0, ok = 0; i < 6; i++) {
		(void)snprintf(k, sizeof(k), "\"%s%d\":%d", prefix, i, i);
		ok += strstr(o.custom_data_json, k) != NULL;
	}
	(void)snprintf(t, sizeof(t), "%s: every one landed", name);
	tap_int(ok, 6, t);
	store_user_free(&o);
}

static void
test_update(struct store *s)
{
	struct store_patch	 p;
	struct store_user	 o;
	static const char *const keys[] = { "familyName", "givenName", NULL };
	char			 ser[700];

	tap_int(ins(s, "up0000000001", "upd", "Up@Example.com", NULL,
	    1700000003000LL), USERCGI_OK, "update: user");
	tap_int(ins(s, "up0000000002", "upd2", "up2@example.com",
	    "+14155550123", 1700000003000LL), USERCGI_OK, "update: other");
	memset(&p, 0, sizeof(p));
	tap_int(store_user_update(s, "up0000000001", &p, 1, NULL),
	    USERCGI_INTERNAL, "update: empty patch");
	p.set = STORE_P_EMAIL;
	p.primary_email = "UP@example.COM";
	tap_int(store_user_update(s, "up0000000001", &p, 1700000004000LL, &o),
	    USERCGI_OK, "update: case-only change of one's own email");
	tap_str(o.primary_email, "UP@example.COM", "update: email written");
	tap_int(o.updated_at, 1700000004000LL, "update: updated_at moves");
	store_user_free(&o);
	p.primary_email = "UP2@example.com";
	tap_int(store_user_update(s, "up0000000001", &p, 1, NULL),
	    USERCGI_EMAIL_TAKEN, "update: another's email");
	p.set = STORE_P_PHONE | STORE_P_USERNAME;
	p.primary_phone = "+14155550123";
	p.username = "upd2";
	tap_int(store_user_update(s, "up0000000001", &p, 1, NULL),
	    USERCGI_PHONE_TAKEN, "update: phone before username");
	p.set = STORE_P_USERNAME;
	tap_int(store_user_update(s, "up0000000001", &p, 1, NULL),
	    USERCGI_USERNAME_TAKEN, "update: username");
	tap_int(store_find_update_conflict(s, "up0000000001", "up2@EXAMPLE.com",
	    NULL, NULL), USERCGI_EMAIL_TAKEN, "find_update_conflict: email");
	tap_int(store_find_update_conflict(s, "up0000000002", "up2@EXAMPLE.com",
	    NULL, "upd2"), USERCGI_OK, "find_update_conflict: own row");
	tap_int(store_user_update(s, "nosuchuser00", &p, 1, NULL),
	    USERCGI_USER_NOT_FOUND, "update: unknown user");
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_CUSTOM_DATA | STORE_P_NAME;
	p.custom_data_json = "{\"b\":1,\"a\":2}";
	p.name = "";
	tap_int(store_user_update(s, "up0000000001", &p, 1700000005000LL, &o),
	    USERCGI_OK, "update: replace custom data, clear name");
	tap_str(o.custom_data_json, "{\"b\":1,\"a\":2}", "update: replaced");
	tap_ok(o.name == NULL, "update: \"\" stores NULL");
	store_user_free(&o);
	p.set = STORE_P_CUSTOM_MERGE;
	p.custom_data_json = "{\"a\":{\"x\":1},\"c\":null}";
	tap_int(store_user_update(s, "up0000000001", &p, 1700000005001LL, &o),
	    USERCGI_OK, "update: merge custom data");
	tap_str(o.custom_data_json, "{\"b\":1,\"a\":{\"x\":1},\"c\":null}",
	    "update: merged in place, new members after");
	store_user_free(&o);
	p.set = STORE_P_PROFILE_MERGE;
	p.profile_json = "{\"nickname\":\"n\",\"givenName\":\"g\"}";
	p.profile_keys = keys;
	tap_int(store_user_update(s, "up0000000001", &p, 1700000005002LL, &o),
	    USERCGI_OK, "update: merge profile");
	tap_str(o.profile_json, "{\"givenName\":\"g\",\"nickname\":\"n\"}",
	    "update: profile schema keys first");
	store_user_free(&o);
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_PASSWORD | STORE_P_EXPIRED | STORE_P_SUSPENDED |
	    STORE_P_LOGTO_CONFIG;
	p.password_encrypted = "newhash";
	p.password_encryption_method = "Argon2i";
	p.is_password_expired = 1;
	p.is_suspended = 1;
	p.logto_config.mfa_enabled = 1;
	p.logto_config.mfa_skipped = -1;
	p.logto_config.mfa_skip_on_sign_in = 1;
	p.logto_config.passkey_skipped = -1;
	tap_int(store_user_update(s, "up0000000001", &p, 1700000006000LL, &o),
	    USERCGI_OK, "update: password, flags, logto config");
	tap_str(o.password_encrypted, "newhash", "update: password");
	tap_int(o.password_updated_at, 1700000006000LL,
	    "update: password_updated_at");
	tap_ok(o.is_password_expired == 1 && o.is_suspended == 1,
	    "update: expired and suspended");
	tap_ok(o.logto_config.mfa_enabled == 1 &&
	    o.logto_config.mfa_skipped == 0 &&
	    o.logto_config.mfa_skip_on_sign_in == 1 &&
	    o.logto_config.passkey_skipped == 0, "update: logto config");
	store_user_free(&o);
	merge_race(s, db, "k", "update: six concurrent merges");
	/*
	 * SERIALIZABLE (as CockroachDB runs): the merges' FOR UPDATE fails
	 * with 40001 when another committed first; each is run again.
	 */
	(void)snprintf(ser, sizeof(ser), "%s options='-c"
	    " default_transaction_isolation=serializable'", db);
	merge_race(s, ser, "s", "serializable: six concurrent merges");
}

static void
test_rehash_delete_identities(struct store *s, PGconn *c)
{
	struct store_user	 u, o;
	char			*ids = NULL;
	int			 created = -1;
	const char		*v;

	u = mkuser("rh0000000001", "rehash", NULL, NULL, 1700000007000LL);
	u.password_encrypted = (char *)"old";
	u.password_encryption_method = (char *)"MD5";
	u.password_updated_at = 1700000007000LL;
	tap_int(store_user_insert(s, &u), USERCGI_OK, "rehash: user");
	tap_int(store_user_rehash(s, "rh0000000001", "stale", "new", "Argon2i",
	    1700000007500LL), USERCGI_USER_NOT_FOUND, "rehash: stale hash");
	tap_int(store_user_rehash(s, "rh0000000001", "old", "new", "Argon2i",
	    1700000007500LL), USERCGI_OK, "rehash: compare-and-set");
	tap_int(store_user_get(s, "rh0000000001", &o), USERCGI_OK, "rehash: get");
	tap_ok(strcmp(o.password_encrypted, "new") == 0 &&
	    strcmp(o.password_encryption_method, "Argon2i") == 0 &&
	    o.updated_at == 1700000007500LL &&
	    o.password_updated_at == 1700000007000LL,
	    "rehash: written, password_updated_at kept");
	store_user_free(&o);

	tap_int(store_identity_set(s, "rh0000000001", "github", "gh-1",
	    "{\"userId\":\"gh-1\",\"details\":{\"b\":1}}", 1700000008000LL,
	    &created, &ids), USERCGI_OK, "identity: set");
	tap_int(created, 1, "identity: created");
	tap_str(ids, "{\"github\":{\"userId\":\"gh-1\",\"details\":{\"b\":1}}}",
	    "identity: the whole object");
	free(ids);
	ids = NULL;
	tap_int(store_identity_set(s, "rh0000000001", "github", "gh-2",
	    "{\"userId\":\"gh-2\"}", 1700000008001LL, &created, NULL),
	    USERCGI_OK, "identity: replace");
	tap_int(created, 0, "identity: not created");
	tap_int(store_identity_set(s, "tk0000000001", "github", "gh-2",
	    "{\"userId\":\"gh-2\"}", 1700000008002LL, &created, &ids),
	    USERCGI_IDENTITY_IN_USE, "identity: held by another user");
	tap_ok(created == 0 && ids == NULL, "identity: nothing returned");
	tap_int(store_identity_set(s, "nosuchuser00", "github", "gh-9",
	    "{\"userId\":\"gh-9\"}", 1, &created, NULL),
	    USERCGI_USER_NOT_FOUND, "identity: unknown user");
	tap_int(store_identity_remove(s, "rh0000000001", "google", 1, NULL),
	    USERCGI_IDENTITY_NOT_EXIST, "identity: remove absent");
	tap_int(store_identity_remove(s, "rh0000000001", "github",
	    1700000008100LL, &o), USERCGI_OK, "identity: remove");
	tap_ok(strcmp(o.identities_json, "{}") == 0 &&
	    o.updated_at == 1700000008100LL, "identity: removed, row as written");
	store_user_free(&o);
	tap_int(store_identity_set(s, "tk0000000001", "github", "gh-2",
	    "{\"userId\":\"gh-2\"}", 1700000008200LL, &created, NULL),
	    USERCGI_OK, "identity: free again for another user");
	tap_int(store_user_delete(s, "tk0000000001"), USERCGI_OK, "delete");
	tap_int(store_user_get(s, "tk0000000001", &o), USERCGI_USER_NOT_FOUND,
	    "delete: gone");
	tap_int(store_user_delete(s, "tk0000000001"), USERCGI_USER_NOT_FOUND,
	    "delete: again");
	if (c != NULL) {
		v = aux_query(c, "SELECT count(*) FROM user_identities WHERE"
		    " user_id = 'tk0000000001'");
		tap_str(v, "0", "delete: identities gone with the user");
	}
}

static void
test_tokens(struct store *s)
{
	unsigned char	k1[STORE_TOKEN_KEY], k2[STORE_TOKEN_KEY];
	int		known = -1;

	memset(k1, 0xa5, sizeof(k1));
	memset(k2, 0x00, sizeof(k2));
	tap_int(store_token_known(s, k1, 1000, &known), USERCGI_OK,
	    "token: lookup");
	tap_int(known, 0, "token: unknown");
	tap_int(store_token_remember(s, k1, 2000, 1000), USERCGI_OK,
	    "token: remember");
	tap_int(store_token_remember(s, k2, 1000, 1000), USERCGI_OK,
	    "token: exp not after now");
	store_token_known(s, k1, 1999, &known);
	tap_int(known, 1, "token: known before exp");
	store_token_known(s, k1, 2000, &known);
	tap_int(known, 0, "token: not at exp");
	store_token_known(s, k2, 999, &known);
	tap_int(known, 0, "token: an expired one was not stored");
	tap_int(store_token_remember(s, k1, 3000, 1000), USERCGI_OK,
	    "token: remember again");
	store_token_known(s, k1, 2500, &known);
	tap_int(known, 1, "token: exp extended");
}

/* Runs q and checks the ids of its page and its total. */
static void
list_is(struct store *s, struct store_query *q, const char *want,
    int64_t want_total, const char *name)
{
	struct store_user	*u = NULL;
	size_t			 n = 0, i;
	int64_t			 total = -1;
	char			 got[2048], t[128];
	enum usercgi_err	 err;

	got[0] = '\0';
	err = store_user_list(s, q, &u, &n, &total);
	if (err != USERCGI_OK)
		(void)snprintf(got, sizeof(got), "error %s",
		    usercgi_errname(err));
	for (i = 0; i < n; i++) {
		size_t	l = strlen(got);

		(void)snprintf(got + l, sizeof(got) - l, "%s%s",
		    i > 0 ? " " : "", u[i].id);
	}
	store_users_free(u, n);
	tap_str(got, want, name);
	(void)snprintf(t, sizeof(t), "%s: total", name);
	if (err == USERCGI_OK)
		tap_int(total, want_total, t);
}

static struct store_query
q1(enum store_qfield f, enum store_qmode m, const char *const *vals,
    size_t n, int cs)
{
	struct store_query	q;

	memset(&q, 0, sizeof(q));
	q.groups[0].field = f;
	q.groups[0].mode = m;
	q.groups[0].values = vals;
	q.groups[0].nvalues = n;
	q.ngroups = 1;
	q.case_sensitive = cs;
	q.page = 1;
	q.page_size = 20;
	return q;
}

static void
test_list(void)
{
	struct store		*s = NULL;
	struct store_query	 q;
	char			 fresh[700];
	static const char *const v_ali[] = { "ali%" };
	static const char *const v_ALI[] = { "ALI%" };
	static const char *const v_lic[] = { "%lic%" };
	static const char *const v_ex[] = { "bob", "CAROL" };
	static const char *const v_em[] = { "BOB@EXAMPLE.COM" };
	static const char *const v_re[] = { "^(ali|bo)" };
	static const char *const v_reU[] = { "^ÉMI" };
	static const char *const v_sim[] = { "(alice|bob)%" };
	static const char *const v_bsl[] = { "ali\\" };
	static const char *const v_bad[] = { "(ali" };
	static const char *const v_lit[] = { "a\\_b%" };
	static const char *const v_all[] = { "%example.org" };
	static const char *const v_1[] = { "carol" };
	static const char *const v_2[] = { "%b%" };

	if (make_db("usercgi_list", fresh, sizeof(fresh)) != 0 ||
	    store_open(fresh, &opts, &s) != USERCGI_OK) {
		tap_ok(0, "list: database");
		return;
	}
	/* Ties in created_at: ids break them, descending. */
	ins(s, "l00000000001", "alice", "Alice@example.com", NULL, 1000);
	ins(s, "l00000000002", "Alicia", "alicia@example.org", NULL, 2000);
	ins(s, "l00000000003", "bob", "Bob@Example.com", "+14155550101", 2000);
	ins(s, "l00000000004", "Carol", "carol@example.org", NULL, 2000);
	ins(s, "l00000000005", "émilie", NULL, NULL, 3000);
	ins(s, "l00000000006", "a_b", NULL, NULL, 500);
	ins(s, "l00000000007", "axb", NULL, NULL, 400);
	memset(&q, 0, sizeof(q));
	q.page = 1;
	q.page_size = 3;
	list_is(s, &q, "l00000000005 l00000000004 l00000000003", 7,
	    "list: first page, ties by id descending");
	q.page = 3;
	list_is(s, &q, "l00000000007", 7, "list: last page");
	q.page = 4;
	list_is(s, &q, "", 7, "list: past the end");
	q = q1(STORE_QF_USERNAME, STORE_QM_LIKE, v_ALI, 1, 0);
	list_is(s, &q, "l00000000002 l00000000001", 2,
	    "like: prefix, case-insensitive");
	q = q1(STORE_QF_USERNAME, STORE_QM_LIKE, v_ali, 1, 1);
	list_is(s, &q, "l00000000001", 1, "like: prefix, case-sensitive");
	q = q1(STORE_QF_USERNAME, STORE_QM_LIKE, v_lic, 1, 0);
	list_is(s, &q, "l00000000002 l00000000001", 2, "like: infix");
	q = q1(STORE_QF_USERNAME, STORE_QM_LIKE, v_lit, 1, 0);
	list_is(s, &q, "l00000000006", 1, "like: escaped _ is literal");
	q = q1(STORE_QF_USERNAME, STORE_QM_LIKE, v_bsl, 1, 0);
	list_is(s, &q, "error BAD_PATTERN", 0,
	    "like: lone trailing backslash");
	q = q1(STORE_QF_USERNAME, STORE_QM_EXACT, v_ex, 2, 0);
	list_is(s, &q, "l00000000004 l00000000003", 2,
	    "exact: any of the values, case-insensitive");
	q = q1(STORE_QF_USERNAME, STORE_QM_EXACT, v_ex, 2, 1);
	list_is(s, &q, "l00000000003", 1, "exact: case-sensitive");
	q = q1(STORE_QF_EMAIL, STORE_QM_EXACT, v_em, 1, 0);
	list_is(s, &q, "l00000000003", 1, "exact: email by its key");
	q = q1(STORE_QF_EMAIL, STORE_QM_EXACT, v_em, 1, 1);
	list_is(s, &q, "", 0, "exact: email case-sensitive");
	q = q1(STORE_QF_USERNAME, STORE_QM_POSIX, v_re, 1, 0);
	list_is(s, &q, "l00000000003 l00000000002 l00000000001", 3,
	    "posix: case-insensitive");
	q = q1(STORE_QF_USERNAME, STORE_QM_POSIX, v_re, 1, 1);
	list_is(s, &q, "l00000000003 l00000000001", 2, "posix: case-sensitive");
	q = q1(STORE_QF_USERNAME, STORE_QM_POSIX, v_reU, 1, 0);
	list_is(s, &q, "l00000000005", 1, "posix: non-ASCII case folded");
	q = q1(STORE_QF_USERNAME, STORE_QM_POSIX, v_bad, 1, 0);
	list_is(s, &q, "error BAD_PATTERN", 0,
	    "posix: re.h refuses the pattern");
	q = q1(STORE_QF_USERNAME, STORE_QM_SIMILAR_TO, v_sim, 1, 1);
	list_is(s, &q, "l00000000003 l00000000001", 2, "similar to");
	q = q1(STORE_QF_ALL, STORE_QM_LIKE, v_all, 1, 0);
	list_is(s, &q, "l00000000004 l00000000002", 2,
	    "search: all fields");
	q = q1(STORE_QF_USERNAME, STORE_QM_EXACT, v_1, 1, 0);
	q.groups[1].field = STORE_QF_EMAIL;
	q.groups[1].mode = STORE_QM_LIKE;
	q.groups[1].values = v_2;
	q.groups[1].nvalues = 1;
	q.ngroups = 2;
	list_is(s, &q, "l00000000004 l00000000003", 2, "joint or");
	q.joint_and = 1;
	list_is(s, &q, "", 0, "joint and");
	q.groups[1].values = v_all;
	list_is(s, &q, "l00000000004", 1, "joint and, both match");
	q = q1(STORE_QF_EMAIL, STORE_QM_LIKE, v_all, 1, 0);
	q.page_size = 1;
	q.page = 2;
	list_is(s, &q, "l00000000002", 2, "search: second page, total of all");
	tap_int(store_user_delete(s, "l00000000007"), USERCGI_OK,
	    "list: delete one");
	memset(&q, 0, sizeof(q));
	q.page = 1;
	q.page_size = 1;
	list_is(s, &q, "l00000000005", 6, "list: total after a delete");
	store_close(s);
}

static void
test_lost(void)
{
	struct store		*s = NULL;
	struct store_user	 u;
	PGconn			*c;
	char			 sql[128];
	const char		*v;

	if (store_open(db, &opts, &s) != USERCGI_OK ||
	    (c = aux_connect(db)) == NULL) {
		tap_ok(0, "lost: setup");
		store_close(s);
		return;
	}
	tap_int(store_user_get(s, "up0000000001", &u), USERCGI_OK,
	    "lost: a first request");
	store_user_free(&u);
	(void)snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%d)",
	    PQbackendPID(s->conn));
	v = aux_query(c, sql);
	tap_str(v, "t", "lost: the server ends the connection");
	tap_int(store_user_get(s, "up0000000001", &u), USERCGI_UNAVAILABLE,
	    "lost: that request is UNAVAILABLE");
	store_user_free(&u);
	tap_int(store_user_get(s, "up0000000001", &u), USERCGI_OK,
	    "lost: the next one reconnects");
	store_user_free(&u);
	(void)snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%d)",
	    PQbackendPID(s->conn));
	aux_query(c, sql);
	tap_int(ins(s, "lost00000001", "lostuser", NULL, NULL, 1),
	    USERCGI_UNAVAILABLE, "lost: an insert on a lost connection");
	tap_int(ins(s, "lost00000001", "lostuser", NULL, NULL, 1), USERCGI_OK,
	    "lost: statements prepared again after the reconnect");
	v = aux_query(c, "SELECT count(*) FROM users WHERE id = 'lost00000001'");
	tap_str(v, "1", "lost: the row once");
	PQfinish(c);
	store_close(s);
}

static void
test_busy(void)
{
	struct store		*s = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 200 };
	struct store_patch	 p;
	struct store_user	 u;
	PGconn			*c;

	if (store_open(db, &o, &s) != USERCGI_OK ||
	    (c = aux_connect(db)) == NULL) {
		tap_ok(0, "busy: setup");
		store_close(s);
		return;
	}
	aux_query(c, "BEGIN");
	aux_query(c, "SELECT 1 FROM users WHERE id = 'up0000000002' FOR UPDATE");
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_NAME;
	p.name = "blocked";
	tap_int(store_user_update(s, "up0000000002", &p, 1, NULL), USERCGI_BUSY,
	    "busy: a locked row is BUSY after lock_timeout");
	aux_query(c, "ROLLBACK");
	tap_int(store_user_get(s, "up0000000002", &u), USERCGI_OK,
	    "busy: then usable");
	tap_ok(u.name == NULL, "busy: nothing written");
	store_user_free(&u);
	PQfinish(c);
	store_close(s);
}

int
main(void)
{
	struct store		*s = NULL;
	struct store_group	*g = NULL;
	PGconn			*c;
	const char		*env = getenv("USERCGI_TEST_PG"), *mod;

	if ((mod = getenv("USERCGI_PHONE_MODULE")) != NULL)
		(void)phone_module_set(mod);
	if ((mod = getenv("USERCGI_PG_MODULE")) != NULL)
		(void)store_pg_module_set(mod);
	test_redact();
	if (env == NULL || *env == '\0') {
		if (access(PG_BIN "/initdb", X_OK) != 0 ||
		    access(PG_BIN "/pg_ctl", X_OK) != 0) {
			printf("1..0 # SKIP PostgreSQL 15 is not installed\n");
			return 0;
		}
		if (mkdtemp(dir) == NULL || !(made_dir = 1) ||
		    cluster_start() != 0) {
			tap_ok(0, "a throwaway cluster starts");
			cluster_stop();
			return tap_done();
		}
	} else
		(void)snprintf(base, sizeof(base), "%s", env);
	if (make_db("usercgi_unit", db, sizeof(db)) != 0) {
		tap_ok(0, "the test's database");
		cluster_stop();
		return tap_done();
	}
	test_open();
	test_open_race();
	if (store_open(db, &opts, &s) != USERCGI_OK) {
		tap_ok(0, "open for the contract");
		cluster_stop();
		return tap_done();
	}
	c = aux_connect(db);
	test_roundtrip(s, c);
	test_taken(s);
	test_batch(s, c);
	if (store_group_new(&g) != USERCGI_OK)
		abort();
	test_race(NULL);
	test_race(g);
	test_burst(c, NULL);
	test_burst(c, g);
	printf("# group: %lu batches, the largest of %zu rows\n", g->batches,
	    g->max_batch);
	tap_ok(g->max_batch > 1, "group: rows of several threads in a batch");
	store_group_free(g);
	test_update(s);
	test_rehash_delete_identities(s, c);
	test_tokens(s);
	store_close(s);
	test_list();
	test_lost();
	test_busy();
	if (c != NULL) {
		tap_str(aux_query(c, "SELECT (SELECT sum(n) FROM user_count) ="
		    " (SELECT count(*) FROM users)"), "t",
		    "user_count agrees with the rows");
		PQfinish(c);
	}
	cluster_stop();
	return tap_done();
}
