/*
 * test_search.c: issue 13's store on real SQLite files: list and search
 * (every mode, field, joint and case combination, Unicode case mapping,
 * LIKE escapes, paging across ties in created_at, counts, query plans
 * that do not scan), updates (NULL and "", conflicts in PATCH order with
 * the own row excluded, merges, passwords, flags, the Logto
 * configuration), deletes, identities, races between processes with
 * their own connections, and the migration from schema version 2 with
 * data.
 *
 * The .c file is included so the tests can reach the connection.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../lib/store_sqlite.c"
#include "tap.h"

static char	 dir[] = "/tmp/test_search.XXXXXX";

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

static enum usercgi_err
add(struct store *s, const char *id, const char *username, const char *email,
    const char *phone, const char *name, int64_t created)
{
	struct store_user	 u;

	memset(&u, 0, sizeof(u));
	if (strlen(id) > STORE_ID_LEN)
		abort();
	memcpy(u.id, id, strlen(id));
	u.username = (char *)username;
	u.primary_email = (char *)email;
	u.primary_phone = (char *)phone;
	u.name = (char *)name;
	u.last_sign_in_at = u.password_updated_at = -1;
	u.created_at = u.updated_at = created;
	return store_user_insert(s, &u);
}

/*
 * Runs a query of one group (field, mode, values) and writes the ids
 * found, space-separated, into a static buffer; "ERR:<name>" on error.
 */
static const char *
find(struct store *s, enum store_qfield f, enum store_qmode m, int cs,
    const char *v1, const char *v2, int64_t *total)
{
	static char		 out[1024];
	struct store_query	 q;
	struct store_user	*us = NULL;
	const char		*vals[2] = { v1, v2 };
	size_t			 n = 0, i, len = 0;
	int64_t			 t = -1;
	enum usercgi_err	 err;

	memset(&q, 0, sizeof(q));
	q.page = 1;
	q.page_size = 100;
	q.case_sensitive = cs;
	q.ngroups = 1;
	q.groups[0].field = f;
	q.groups[0].mode = m;
	q.groups[0].values = vals;
	q.groups[0].nvalues = v2 != NULL ? 2 : 1;
	out[0] = '\0';
	if ((err = store_user_list(s, &q, &us, &n, &t)) != USERCGI_OK) {
		snprintf(out, sizeof(out), "ERR:%s", usercgi_errname(err));
		return out;
	}
	for (i = 0; i < n && len < sizeof(out) - 16; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s",
		    i > 0 ? " " : "", us[i].id);
	if (total != NULL)
		*total = t;
	store_users_free(us, n);
	return out;
}

#define F(f, m, cs, v, want)	tap_str(find(s, f, m, cs, v, NULL, NULL), want, \
	#f " " #m " cs=" #cs " " v)

/*
 * The fixture: created_at makes the order u5 u4 u3 u2 u1 (u6 is the
 * oldest).
 */
static struct store *
fixture(const char *name)
{
	struct store		*s = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 2000 };

	if (store_open(path_in(name), &o, &s) != USERCGI_OK)
		abort();
	if (add(s, "u00000000001", "alice", "Alice@Example.com", "61412345678",
	    "Alice Liddell", 1000) != USERCGI_OK ||
	    add(s, "u00000000002", "Alicia", "alicia@example.com", NULL,
	    "\xc3\x84LICE", 2000) != USERCGI_OK ||
	    add(s, "u00000000003", "bob", "bob@example.org", "14155550100",
	    "Bob 100% Sure", 3000) != USERCGI_OK ||
	    add(s, "u00000000004", "carol_x", NULL, NULL,
	    "stra\xc3\x9f" "e", 4000) != USERCGI_OK ||
	    add(s, "u00000000005", "dave", "d.a_v%e@example.net", NULL, NULL,
	    5000) != USERCGI_OK ||
	    add(s, "u00000000006", NULL, NULL, NULL, "\xce\xa3igma", 500) !=
	    USERCGI_OK)
		abort();
	return s;
}

static void
test_modes(void)
{
	struct store	*s = fixture("modes.db");
	int64_t		 total = -1;
	const char	*r;

	/* exact */
	F(STORE_QF_EMAIL, STORE_QM_EXACT, 0, "alice@EXAMPLE.com", "u00000000001");
	F(STORE_QF_EMAIL, STORE_QM_EXACT, 1, "alice@EXAMPLE.com", "");
	F(STORE_QF_EMAIL, STORE_QM_EXACT, 1, "Alice@Example.com", "u00000000001");
	F(STORE_QF_USERNAME, STORE_QM_EXACT, 0, "ALICIA", "u00000000002");
	F(STORE_QF_USERNAME, STORE_QM_EXACT, 1, "alicia", "");
	F(STORE_QF_USERNAME, STORE_QM_EXACT, 1, "Alicia", "u00000000002");
	F(STORE_QF_ID, STORE_QM_EXACT, 0, "U00000000003", "u00000000003");
	F(STORE_QF_ID, STORE_QM_EXACT, 1, "U00000000003", "");
	F(STORE_QF_PHONE, STORE_QM_EXACT, 0, "14155550100", "u00000000003");
	F(STORE_QF_NAME, STORE_QM_EXACT, 0, "\xc3\xa4lice", "u00000000002");
	F(STORE_QF_NAME, STORE_QM_EXACT, 1, "\xc3\xa4lice", "");
	F(STORE_QF_NAME, STORE_QM_EXACT, 0, "STRASSE", "");
	F(STORE_QF_NAME, STORE_QM_EXACT, 0, "STRA\xe1\xba\x9e" "E", "u00000000004");
	F(STORE_QF_NAME, STORE_QM_EXACT, 0, "\xcf\x83IGMA", "u00000000006");
	F(STORE_QF_ALL, STORE_QM_EXACT, 0, "bob", "u00000000003");
	F(STORE_QF_ALL, STORE_QM_EXACT, 0, "u00000000004", "u00000000004");
	tap_str(find(s, STORE_QF_USERNAME, STORE_QM_EXACT, 0, "bob", "DAVE",
	    &total), "u00000000005 u00000000003", "exact with two values");
	tap_int(total, 2, "... total 2");

	/* like */
	F(STORE_QF_USERNAME, STORE_QM_LIKE, 0, "ali%", "u00000000002 u00000000001");
	F(STORE_QF_USERNAME, STORE_QM_LIKE, 1, "ali%", "u00000000001");
	F(STORE_QF_USERNAME, STORE_QM_LIKE, 1, "Ali%", "u00000000002");
	F(STORE_QF_USERNAME, STORE_QM_LIKE, 0, "alice", "u00000000001");
	F(STORE_QF_USERNAME, STORE_QM_LIKE, 0, "alic", "");
	F(STORE_QF_USERNAME, STORE_QM_LIKE, 0, "%LIC%", "u00000000002 u00000000001");
	F(STORE_QF_USERNAME, STORE_QM_LIKE, 0, "b_b", "u00000000003");
	F(STORE_QF_USERNAME, STORE_QM_LIKE, 0, "carol\\_%", "u00000000004");
	F(STORE_QF_USERNAME, STORE_QM_LIKE, 0, "carol\\%", "");
	F(STORE_QF_NAME, STORE_QM_LIKE, 0, "%100\\% sure", "u00000000003");
	F(STORE_QF_NAME, STORE_QM_LIKE, 0, "%100\\%_sure", "u00000000003");
	F(STORE_QF_NAME, STORE_QM_LIKE, 0, "%100\\%__sure", "");
	F(STORE_QF_NAME, STORE_QM_LIKE, 0, "\xc3\x84%", "u00000000002");
	F(STORE_QF_NAME, STORE_QM_LIKE, 1, "\xc3\xa4%", "");
	F(STORE_QF_NAME, STORE_QM_LIKE, 0, "_lice", "u00000000002");
	F(STORE_QF_EMAIL, STORE_QM_LIKE, 0, "d.a\\_v\\%e@%", "u00000000005");
	F(STORE_QF_EMAIL, STORE_QM_LIKE, 0, "%@example.com", "u00000000002 u00000000001");
	F(STORE_QF_EMAIL, STORE_QM_LIKE, 1, "a%", "u00000000002");
	F(STORE_QF_PHONE, STORE_QM_LIKE, 0, "614%", "u00000000001");
	F(STORE_QF_ID, STORE_QM_LIKE, 0, "U0000000000_", "u00000000005 u00000000004 u00000000003 u00000000002 u00000000001 u00000000006");
	F(STORE_QF_ALL, STORE_QM_LIKE, 0, "alice%", "u00000000001");
	F(STORE_QF_ALL, STORE_QM_LIKE, 0, "%lice%", "u00000000002 u00000000001");
	F(STORE_QF_ALL, STORE_QM_LIKE, 0, "a\\", "ERR:BAD_PATTERN");
	/* "%text%" runs as instr(): the same answers. */
	F(STORE_QF_NAME, STORE_QM_LIKE, 0, "%\xc3\xa4LI%", "u00000000002");
	F(STORE_QF_NAME, STORE_QM_LIKE, 1, "%\xc3\xa4LI%", "");
	F(STORE_QF_NAME, STORE_QM_LIKE, 1, "%\xc3\x84LI%", "u00000000002");
	F(STORE_QF_NAME, STORE_QM_LIKE, 0, "%%0\\%%%", "u00000000003");
	F(STORE_QF_NAME, STORE_QM_LIKE, 0, "%0\\% s%", "u00000000003");
	F(STORE_QF_NAME, STORE_QM_LIKE, 0, "%0\\%_s%", "u00000000003");
	F(STORE_QF_EMAIL, STORE_QM_LIKE, 1, "%\\_v\\%%", "u00000000005");
	/* A capital sharp s (3 bytes) lowers to 2: the longer one fits. */
	F(STORE_QF_NAME, STORE_QM_LIKE, 1, "%\xe1\xba\x9e%", "");
	F(STORE_QF_NAME, STORE_QM_LIKE, 0, "%\xe1\xba\x9e%", "u00000000004");

	/* posix */
	F(STORE_QF_USERNAME, STORE_QM_POSIX, 0, "^ALI", "u00000000002 u00000000001");
	F(STORE_QF_USERNAME, STORE_QM_POSIX, 1, "^Ali", "u00000000002");
	F(STORE_QF_USERNAME, STORE_QM_POSIX, 0, "o", "u00000000004 u00000000003");
	F(STORE_QF_PHONE, STORE_QM_POSIX, 0, "^\\d{11}$", "u00000000003 u00000000001");
	F(STORE_QF_NAME, STORE_QM_POSIX, 0, "\\d+%", "u00000000003");
	F(STORE_QF_NAME, STORE_QM_POSIX, 0, "^\xc3\xa4", "u00000000002");
	F(STORE_QF_ALL, STORE_QM_POSIX, 0, "example\\.(org|net)$", "u00000000005 u00000000003");
	F(STORE_QF_ALL, STORE_QM_POSIX, 0, "(a", "ERR:BAD_PATTERN");

	/* similar_to (the query parser insists on case-sensitive) */
	F(STORE_QF_USERNAME, STORE_QM_SIMILAR_TO, 1, "(alice|bob)", "u00000000003 u00000000001");
	F(STORE_QF_USERNAME, STORE_QM_SIMILAR_TO, 1, "ali%", "u00000000001");
	F(STORE_QF_USERNAME, STORE_QM_SIMILAR_TO, 1, "ali", "");
	F(STORE_QF_EMAIL, STORE_QM_SIMILAR_TO, 1, "%.org", "u00000000003");
	F(STORE_QF_EMAIL, STORE_QM_SIMILAR_TO, 1, "%\\.org", "u00000000003");
	F(STORE_QF_ALL, STORE_QM_SIMILAR_TO, 1, "[0-9]+", "u00000000003 u00000000001");

	/* Joints. */
	{
		struct store_query	 q;
		struct store_user	*us = NULL;
		const char		*a[1] = { "ali%" }, *b[1] = { "%example.com" };
		size_t			 n = 0;
		int64_t			 t = -1;

		memset(&q, 0, sizeof(q));
		q.page = 1;
		q.page_size = 10;
		q.ngroups = 2;
		q.groups[0].field = STORE_QF_USERNAME;
		q.groups[0].mode = STORE_QM_LIKE;
		q.groups[0].values = a;
		q.groups[0].nvalues = 1;
		q.groups[1].field = STORE_QF_NAME;
		q.groups[1].mode = STORE_QM_LIKE;
		q.groups[1].values = b;
		q.groups[1].nvalues = 1;
		q.case_sensitive = 1;
		tap_int(store_user_list(s, &q, &us, &n, &t), USERCGI_OK,
		    "joint or");
		tap_int(t, 1, "... username ali% (cs) or name: 1");
		store_users_free(us, n);
		q.groups[1].field = STORE_QF_EMAIL;
		q.case_sensitive = 0;
		q.joint_and = 1;
		tap_int(store_user_list(s, &q, &us, &n, &t), USERCGI_OK,
		    "joint and");
		tap_int(t, 2, "... username ali% and email %example.com: 2");
		store_users_free(us, n);
		q.joint_and = 0;
		a[0] = "bob";
		tap_int(store_user_list(s, &q, &us, &n, &t), USERCGI_OK,
		    "joint or again");
		tap_int(t, 3, "... bob or %example.com: 3");
		store_users_free(us, n);
	}
	r = find(s, STORE_QF_ALL, STORE_QM_LIKE, 0, "%", NULL, &total);
	tap_int(total, 6, "like % matches every row");
	(void)r;
	store_close(s);
}

/* Returns the plan of sql on the store's connection, one line. */
static const char *
plan(struct store *s, const char *sql)
{
	static char	 out[1024];
	sqlite3_stmt	*st = NULL;
	size_t		 len = 0;
	char		 q[2048];

	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	out[0] = '\0';
	if (sqlite3_prepare_v2(s->db, q, -1, &st, NULL) != SQLITE_OK)
		return "prepare failed";
	while (sqlite3_step(st) == SQLITE_ROW && len < sizeof(out) - 200)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s; ",
		    (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	return out;
}

/*
 * Builds the statement text store_user_list runs for one group: its one
 * pass over the matches (count 1), or the page of a deep page (0).
 */
static const char *
list_sql(enum store_qfield f, enum store_qmode m, int cs, const char *v,
    int count)
{
	static char		 out[4096];
	struct store_query	 q;
	struct store_sqlb	*b;
	const char		*vals[1] = { v };
	size_t			 i, o = 0, k = 0;
	const char		*t;

	memset(&q, 0, sizeof(q));
	q.page = 1;
	q.page_size = 20;
	q.case_sensitive = cs;
	q.ngroups = 1;
	q.groups[0].field = f;
	q.groups[0].mode = m;
	q.groups[0].values = vals;
	q.groups[0].nvalues = 1;
	if ((b = malloc(sizeof(*b))) == NULL)
		abort();
	store_sqlb_init(b, 0);
	if (count)
		store_sqlb_where(b, &q, "SELECT created_at, rowid, id FROM users",
		    store_where_field);
	else
		store_build_page(b, &q, 0);
	/* Inline the arguments as literals (test values have no quotes). */
	t = buf_str(&b->sql);
	for (i = 0; t[i] != '\0' && o < sizeof(out) - 300; i++) {
		if (t[i] != '?') {
			out[o++] = t[i];
			continue;
		}
		if (b->args[k].is_int)
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%lld",
			    (long long)b->args[k].i);
		else
			o += (size_t)snprintf(out + o, sizeof(out) - o,
			    "'%.*s'", (int)b->args[k].len, b->args[k].text);
		k++;
	}
	out[o] = '\0';
	store_sqlb_free(b);
	free(b);
	return out;
}

static void
test_plans(void)
{
	struct store	*s = fixture("plans.db");
	const char	*p;

	p = plan(s, "SELECT id FROM users ORDER BY created_at DESC, id DESC LIMIT 20");
	tap_ok(strstr(p, "users_created") != NULL && strstr(p, "TEMP B-TREE") ==
	    NULL, "the list walks users_created, no sort");
	printf("#   %s\n", p);
#define NOSCAN(f, m, cs, v, cnt, what) do {				\
	p = plan(s, list_sql(f, m, cs, v, cnt));			\
	tap_ok(strstr(p, "SCAN users") == NULL &&			\
	    strstr(p, "users_created") == NULL, what);			\
	printf("#   %s\n", p);						\
} while (0)
	NOSCAN(STORE_QF_EMAIL, STORE_QM_EXACT, 0, "a@b.c", 0,
	    "exact email: an index, not a scan");
	NOSCAN(STORE_QF_EMAIL, STORE_QM_EXACT, 0, "a@b.c", 1,
	    "exact email, one pass: an index");
	NOSCAN(STORE_QF_USERNAME, STORE_QM_EXACT, 0, "Alice", 0,
	    "case-insensitive username: users_username_key");
	NOSCAN(STORE_QF_USERNAME, STORE_QM_EXACT, 1, "Alice", 0,
	    "case-sensitive username: its unique index");
	NOSCAN(STORE_QF_USERNAME, STORE_QM_LIKE, 0, "alice%", 0,
	    "like prefix on username: a key range");
	NOSCAN(STORE_QF_USERNAME, STORE_QM_LIKE, 0, "alice%", 1,
	    "like prefix, one pass: a key range");
	NOSCAN(STORE_QF_ALL, STORE_QM_LIKE, 0, "alice%", 0,
	    "general like prefix: five key ranges");
	NOSCAN(STORE_QF_ALL, STORE_QM_LIKE, 0, "alice%", 1,
	    "general like prefix, one pass: five key ranges");
	NOSCAN(STORE_QF_ALL, STORE_QM_EXACT, 0, "alice", 0,
	    "general exact: five indexes");
	NOSCAN(STORE_QF_NAME, STORE_QM_LIKE, 1, "Ali%", 0,
	    "case-sensitive like prefix on name: the key range");
	NOSCAN(STORE_QF_USERNAME, STORE_QM_EXACT, 0, "Alice", 1,
	    "case-insensitive username, one pass: an index");
	p = plan(s, list_sql(STORE_QF_USERNAME, STORE_QM_LIKE, 0, "alice%", 1));
	tap_ok(strstr(p, "COVERING INDEX users_username_key") != NULL,
	    "username prefix, one pass: the covering index, no row read");
	printf("#   %s\n", p);
	store_close(s);
}

static void
test_paging(void)
{
	struct store		*s = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 2000 };
	struct store_query	 q;
	struct store_user	*us = NULL;
	char			 id[16], seen[45];
	size_t			 n, i;
	int64_t			 t, prev_c = INT64_MAX;
	char			 prev_id[16] = "zzzzzzzzzzzz";
	int			 p, ok_order = 1, ok_disjoint = 1, total_rows = 0;

	if (store_open(path_in("paging.db"), &o, &s) != USERCGI_OK)
		abort();
	/* 45 users over 3 created_at values: ties everywhere. */
	for (i = 0; i < 45; i++) {
		snprintf(id, sizeof(id), "p%011zu", (i * 7) % 45);
		add(s, id, NULL, NULL, NULL, NULL, 1000 + (int64_t)(i % 3));
	}
	memset(seen, 0, sizeof(seen));
	memset(&q, 0, sizeof(q));
	q.page_size = 20;
	for (p = 1; p <= 4; p++) {
		q.page = p;
		if (store_user_list(s, &q, &us, &n, &t) != USERCGI_OK)
			abort();
		tap_int(t, 45, "Total-Number 45 on every page");
		tap_int((long long)n, p < 3 ? 20 : p == 3 ? 5 : 0,
		    "page sizes 20, 20, 5, then none");
		for (i = 0; i < n; i++) {
			int	k = (int)strtol(us[i].id + 1, NULL, 10);

			if (us[i].created_at > prev_c ||
			    (us[i].created_at == prev_c &&
			    strcmp(us[i].id, prev_id) >= 0))
				ok_order = 0;
			prev_c = us[i].created_at;
			snprintf(prev_id, sizeof(prev_id), "%s", us[i].id);
			if (k < 0 || k >= 45 || seen[k])
				ok_disjoint = 0;
			else
				seen[k] = 1;
			total_rows++;
		}
		store_users_free(us, n);
	}
	tap_ok(ok_order, "created_at descending, ties by id descending, across pages");
	tap_ok(ok_disjoint && total_rows == 45, "pages disjoint and complete");
	tap_int(raw_int(path_in("paging.db"), "SELECT n FROM user_count"), 45,
	    "user_count kept by inserts");
	tap_str(find(s, STORE_QF_ID, STORE_QM_LIKE, 0, "p0000000001_", NULL, &t),
	    "p00000000017 p00000000014 p00000000011 p00000000019 p00000000016"
	    " p00000000013 p00000000010 p00000000018 p00000000015 p00000000012",
	    "a filtered page in the same order");
	tap_int(t, 10, "filtered total");
	store_close(s);
}

/*
 * Past STORE_TOPK_MAX matches kept in C the store sorts in SQL: the page
 * just before the limit (kept in C) and the page after it (SQL) join up.
 */
static void
test_paging_deep(void)
{
	struct store		*s = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 2000 };
	struct store_query	 q;
	struct store_user	*a = NULL, *b = NULL;
	const char		*v[1] = { "d%" };
	size_t			 na = 0, nb = 0;
	int64_t			 ta = 0, tb = 0;

	if (store_open(path_in("deep.db"), &o, &s) != USERCGI_OK)
		abort();
	tap_int(sqlite3_exec(s->db, "BEGIN; WITH RECURSIVE n(i) AS (SELECT 0"
	    " UNION ALL SELECT i + 1 FROM n WHERE i < 10029) INSERT INTO users"
	    " (id, username, username_key, created_at, updated_at) SELECT"
	    " printf('d%011d', i), printf('d%d', i), printf('d%d', i),"
	    " 1000 + i / 3, 1 FROM n; UPDATE user_count SET n = 10030; COMMIT",
	    NULL, NULL, NULL), SQLITE_OK, "10030 users");
	memset(&q, 0, sizeof(q));
	q.page_size = 20;
	q.ngroups = 1;
	q.groups[0].field = STORE_QF_USERNAME;
	q.groups[0].mode = STORE_QM_LIKE;
	q.groups[0].values = v;
	q.groups[0].nvalues = 1;
	q.page = STORE_TOPK_MAX / 20;
	tap_int(store_user_list(s, &q, &a, &na, &ta), USERCGI_OK,
	    "the last page kept in C");
	q.page++;
	tap_int(store_user_list(s, &q, &b, &nb, &tb), USERCGI_OK,
	    "the first page sorted in SQL");
	tap_ok(na == 20 && nb == 20 && ta == 10030 && tb == 10030,
	    "both full, both totals 10030");
	tap_ok(na == 20 && nb == 20 && strcmp(a[19].id, "d00000000030") == 0 &&
	    strcmp(b[0].id, "d00000000029") == 0 &&
	    strcmp(b[19].id, "d00000000010") == 0,
	    "they join up: d...30, then d...29 to d...10");
	store_users_free(a, na);
	store_users_free(b, nb);
	store_close(s);
}

static enum usercgi_err
patch_email(struct store *s, const char *id, const char *email)
{
	struct store_patch	p;

	memset(&p, 0, sizeof(p));
	p.set = STORE_P_EMAIL;
	p.primary_email = email;
	return store_user_update(s, id, &p, 7777, NULL);
}

static void
test_update(void)
{
	struct store		*s = fixture("update.db");
	struct store_patch	 p;
	struct store_user	 u;
	static const char *const keys[] = { "familyName", "givenName",
	    "nickname", NULL };
	int			 created = -1;
	char			*ids = NULL;

	memset(&p, 0, sizeof(p));
	tap_int(store_user_update(s, "u00000000001", &p, 1, NULL),
	    USERCGI_INTERNAL, "an empty patch is the caller's error");
	p.set = STORE_P_NAME;
	p.name = "x";
	tap_int(store_user_update(s, "nobody000000", &p, 1, NULL),
	    USERCGI_USER_NOT_FOUND, "unknown id");

	/* Conflicts: PATCH order, own row excluded. */
	tap_int(patch_email(s, "u00000000001", "ALICE@example.COM"), USERCGI_OK,
	    "a case-only change of one's own email passes");
	tap_int(patch_email(s, "u00000000002", "alice@example.com"),
	    USERCGI_EMAIL_TAKEN, "another's email (other case) is taken");
	memset(&u, 0, sizeof(u));
	store_user_get(s, "u00000000002", &u);
	tap_int(u.updated_at, 2000, "nothing changed on the conflict");
	tap_str(u.primary_email, "alicia@example.com", "... email kept");
	store_user_free(&u);
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_EMAIL | STORE_P_PHONE | STORE_P_USERNAME;
	p.primary_email = "bob@example.org";
	p.primary_phone = "61412345678";
	p.username = "bob";
	tap_int(store_user_update(s, "u00000000005", &p, 1, NULL),
	    USERCGI_EMAIL_TAKEN, "email first");
	p.primary_email = "new@example.org";
	tap_int(store_user_update(s, "u00000000005", &p, 1, NULL),
	    USERCGI_PHONE_TAKEN, "then phone");
	p.primary_phone = "610412345678";
	tap_int(store_user_update(s, "u00000000005", &p, 1, NULL),
	    USERCGI_PHONE_TAKEN, "the phone key: cc+0+nsn is the same number");
	p.primary_phone = "";
	tap_int(store_user_update(s, "u00000000005", &p, 1, NULL),
	    USERCGI_USERNAME_TAKEN, "then username");
	tap_int(store_find_update_conflict(s, "u00000000003", "BOB@example.org",
	    "14155550100", "bob"), USERCGI_OK,
	    "store_find_update_conflict excludes the own row");
	tap_int(store_find_update_conflict(s, "u00000000003", NULL, NULL,
	    "alice"), USERCGI_USERNAME_TAKEN, "... and sees the others");

	/* Scalars: "" and NULL clear; the keys follow. */
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_USERNAME | STORE_P_EMAIL | STORE_P_PHONE |
	    STORE_P_NAME | STORE_P_AVATAR;
	p.username = "Alice2";
	p.primary_email = "";
	p.primary_phone = NULL;
	p.name = "\xc3\x84nne";
	p.avatar = "https://a.b/c.png";
	memset(&u, 0, sizeof(u));
	tap_int(store_user_update(s, "u00000000001", &p, 9000, &u), USERCGI_OK,
	    "update the scalars");
	tap_str(u.username, "Alice2", "username set");
	tap_ok(u.primary_email == NULL && u.primary_phone == NULL,
	    "\"\" and NULL both clear");
	tap_int(u.updated_at, 9000, "updated_at moves");
	tap_int(u.created_at, 1000, "created_at stays");
	store_user_free(&u);
	tap_str(find(s, STORE_QF_USERNAME, STORE_QM_EXACT, 0, "alice2", NULL,
	    NULL), "u00000000001", "the username key follows");
	tap_str(find(s, STORE_QF_NAME, STORE_QM_LIKE, 0, "\xc3\xa4nn%", NULL,
	    NULL), "u00000000001", "the name key follows");
	tap_int(patch_email(s, "u00000000002", "alice@example.com"), USERCGI_OK,
	    "the freed email can be taken");

	/* JSON: replace, merge, profile order. */
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_CUSTOM_DATA | STORE_P_PROFILE;
	p.custom_data_json = "{\"a\":1,\"b\":{\"c\":2}}";
	p.profile_json = "{\"nickname\":\"N\",\"familyName\":\"F\"}";
	tap_int(store_user_update(s, "u00000000003", &p, 1, NULL), USERCGI_OK,
	    "replace customData and profile");
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_CUSTOM_MERGE | STORE_P_PROFILE_MERGE;
	p.custom_data_json = "{\"b\":{\"d\":3},\"e\":null}";
	p.profile_json = "{\"givenName\":\"G\",\"nickname\":\"\"}";
	p.profile_keys = keys;
	memset(&u, 0, sizeof(u));
	tap_int(store_user_update(s, "u00000000003", &p, 2, &u), USERCGI_OK,
	    "merge both");
	tap_str(u.custom_data_json, "{\"a\":1,\"b\":{\"d\":3},\"e\":null}",
	    "shallow merge: nested replaced, null kept, nothing removed");
	tap_str(u.profile_json,
	    "{\"familyName\":\"F\",\"givenName\":\"G\",\"nickname\":\"\"}",
	    "profile merged in schema order");
	store_user_free(&u);
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_CUSTOM_MERGE;
	p.custom_data_json = "[1]";
	tap_int(store_user_update(s, "u00000000003", &p, 3, NULL),
	    USERCGI_INTERNAL, "a merge of a non-object is refused");

	/* Password, flags, Logto configuration. */
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_PASSWORD | STORE_P_EXPIRED | STORE_P_SUSPENDED;
	p.password_encrypted = "$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA";
	p.password_encryption_method = "Argon2i";
	p.is_password_expired = 1;
	p.is_suspended = 1;
	memset(&u, 0, sizeof(u));
	tap_int(store_user_update(s, "u00000000004", &p, 4242, &u), USERCGI_OK,
	    "password and flags");
	tap_str(u.password_encryption_method, "Argon2i", "method");
	tap_int(u.password_updated_at, 4242, "password_updated_at = now");
	tap_int(u.is_password_expired, 1, "expired");
	tap_int(u.is_suspended, 1, "suspended");
	tap_int(u.logto_config.mfa_enabled, -1, "mfa.enabled never set");
	tap_int(u.logto_config.mfa_skipped, 0, "mfa.skipped false");
	store_user_free(&u);
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_LOGTO_CONFIG;
	p.logto_config.mfa_enabled = 1;
	p.logto_config.mfa_skipped = -1;
	p.logto_config.mfa_skip_on_sign_in = -1;
	p.logto_config.passkey_skipped = 1;
	tap_int(store_user_update(s, "u00000000004", &p, 1, NULL), USERCGI_OK,
	    "logto config: two booleans");
	p.logto_config.mfa_enabled = -1;
	p.logto_config.passkey_skipped = -1;
	p.logto_config.mfa_skipped = 1;
	memset(&u, 0, sizeof(u));
	tap_int(store_user_update(s, "u00000000004", &p, 1, &u), USERCGI_OK,
	    "logto config: another one");
	tap_int(u.logto_config.mfa_enabled, 1, "mfa.enabled kept");
	tap_int(u.logto_config.mfa_skipped, 1, "mfa.skipped set");
	tap_int(u.logto_config.passkey_skipped, 1, "passkeySignIn.skipped kept");
	tap_int(u.logto_config.mfa_skip_on_sign_in, 0, "skipMfaOnSignIn false");
	store_user_free(&u);

	/* Identities. */
	tap_int(store_identity_set(s, "u00000000001", "github", "gh-1",
	    "{\"userId\":\"gh-1\",\"details\":{\"a\":1}}", 50, &created, &ids),
	    USERCGI_OK, "identity set");
	tap_int(created, 1, "... created");
	tap_str(ids, "{\"github\":{\"userId\":\"gh-1\",\"details\":{\"a\":1}}}",
	    "... the whole map");
	free(ids);
	ids = NULL;
	tap_int(store_identity_set(s, "u00000000001", "github", "gh-1",
	    "{\"userId\":\"gh-1\"}", 51, &created, NULL), USERCGI_OK,
	    "identity set again, same userId");
	tap_int(created, 0, "... not created");
	tap_int(store_identity_set(s, "u00000000002", "github", "gh-1",
	    "{\"userId\":\"gh-1\"}", 52, &created, NULL),
	    USERCGI_IDENTITY_IN_USE, "another user's identity is in use");
	tap_int(store_identity_set(s, "u00000000002", "google", "gh-1",
	    "{\"userId\":\"gh-1\"}", 52, &created, NULL), USERCGI_OK,
	    "the same userId under another target is fine");
	tap_int(store_identity_set(s, "nobody000000", "x", "y", "{}", 1,
	    &created, NULL), USERCGI_USER_NOT_FOUND, "identity of nobody");
	tap_int(store_identity_remove(s, "u00000000001", "gitlab", 53, NULL),
	    USERCGI_IDENTITY_NOT_EXIST, "remove an absent identity");
	memset(&u, 0, sizeof(u));
	tap_int(store_identity_remove(s, "u00000000001", "github", 54, &u),
	    USERCGI_OK, "remove it");
	tap_str(u.identities_json, "{}", "... gone from the map");
	tap_int(u.updated_at, 54, "... updated_at moves");
	store_user_free(&u);
	tap_int(store_identity_set(s, "u00000000002", "github", "gh-1",
	    "{\"userId\":\"gh-1\"}", 55, &created, NULL), USERCGI_OK,
	    "the freed identity can be taken");

	/* Delete. */
	tap_int(store_user_delete(s, "u00000000002"), USERCGI_OK, "delete");
	tap_int(store_user_delete(s, "u00000000002"), USERCGI_USER_NOT_FOUND,
	    "delete again: not found");
	tap_int(raw_int(path_in("update.db"), "SELECT n FROM user_count"), 5,
	    "user_count kept by deletes");
	tap_int(raw_int(path_in("update.db"),
	    "SELECT count(*) FROM user_identities"), 0,
	    "the identities went with the row");
	store_close(s);
}

/*
 * Forks n children that each open their own connection, wait on a gate
 * and run op(s, i); returns how many exited with each code.
 */
static void
race(const char *db, int n, enum usercgi_err (*op)(struct store *, int),
    int *counts)
{
	struct store_opts	 o = { .busy_timeout_ms = 10000 };
	pid_t			 pids[16];
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

			close(gate[1]);
			if ((rc = store_open(db, &o, &s)) == USERCGI_OK) {
				(void)!read(gate[0], &c, 1);
				rc = op(s, i);
			}
			store_close(s);
			_exit(rc);
		}
	}
	close(gate[0]);
	usleep(100000);
	close(gate[1]);
	for (i = 0; i < n; i++) {
		waitpid(pids[i], &st, 0);
		if (WIFEXITED(st) && WEXITSTATUS(st) < USERCGI_ERR_MAX)
			counts[WEXITSTATUS(st)]++;
	}
}

static enum usercgi_err
op_take_email(struct store *s, int i)
{
	return patch_email(s, i ? "u00000000002" : "u00000000003",
	    i ? "Same@Example.com" : "same@example.COM");
}

static enum usercgi_err
op_take_identity(struct store *s, int i)
{
	int	created;

	return store_identity_set(s, i ? "u00000000002" : "u00000000003",
	    "apple", "ap-1", "{\"userId\":\"ap-1\"}", 1, &created, NULL);
}

static enum usercgi_err
op_delete_or_update(struct store *s, int i)
{
	struct store_patch	p;

	if (i == 0)
		return store_user_delete(s, "u00000000004");
	memset(&p, 0, sizeof(p));
	p.set = STORE_P_NAME;
	p.name = "racing";
	return store_user_update(s, "u00000000004", &p, 1, NULL);
}

static enum usercgi_err
op_merge(struct store *s, int i)
{
	struct store_patch	p;
	enum usercgi_err	err = USERCGI_OK;
	char			json[64];
	int			k;

	memset(&p, 0, sizeof(p));
	p.set = STORE_P_CUSTOM_MERGE;
	p.custom_data_json = json;
	for (k = 0; k < 20 && err == USERCGI_OK; k++) {
		snprintf(json, sizeof(json), "{\"k%d_%d\":%d}", i, k, k);
		err = store_user_update(s, "u00000000005", &p, 1, NULL);
	}
	return err;
}

static enum usercgi_err
op_noop(struct store *s, int i)
{
	(void)s;
	(void)i;
	return USERCGI_OK;
}

static void
test_races(void)
{
	int		 counts[USERCGI_ERR_MAX], round, ok1 = 1, ok2 = 1, ok3 = 1;
	struct store	*s;
	char		 name[32];

	for (round = 0; round < 10; round++) {
		snprintf(name, sizeof(name), "race%d.db", round);
		s = fixture(name);
		store_close(s);
		race(path_in(name), 2, op_take_email, counts);
		if (counts[USERCGI_OK] != 1 || counts[USERCGI_EMAIL_TAKEN] != 1)
			ok1 = 0;
		race(path_in(name), 2, op_take_identity, counts);
		if (counts[USERCGI_OK] != 1 ||
		    counts[USERCGI_IDENTITY_IN_USE] != 1)
			ok2 = 0;
		race(path_in(name), 2, op_delete_or_update, counts);
		if (counts[USERCGI_OK] < 1 || counts[USERCGI_OK] +
		    counts[USERCGI_USER_NOT_FOUND] != 2 ||
		    raw_int(path_in(name), "SELECT count(*) FROM users WHERE"
		    " id = 'u00000000004'") != 0 ||
		    raw_int(path_in(name), "SELECT n FROM user_count") != 5)
			ok3 = 0;
	}
	tap_ok(ok1, "two PATCHes taking one email, 10 rounds: one 200, one EMAIL_TAKEN");
	tap_ok(ok2, "two users taking one identity, 10 rounds: one wins, one IN_USE");
	tap_ok(ok3, "DELETE racing PATCH, 10 rounds: the delete wins or"
	    " follows, the row is gone, the count is right");
	race(path_in("race0.db"), 2, op_merge, counts);
	tap_int(counts[USERCGI_OK], 2, "two processes merging 20 keys each");
	tap_int(raw_int(path_in("race0.db"), "SELECT count(*) FROM users, "
	    "json_each(users.custom_data) WHERE users.id = 'u00000000005'"), 40,
	    "... no merge lost");
}

static void
test_migrate_v2(void)
{
	struct store		*s = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 1000 };
	sqlite3			*db;
	int64_t			 t = -1;

	tap_int(sqlite3_open(path_in("v2.db"), &db), SQLITE_OK, "v2: create");
	tap_int(sqlite3_exec(db, store_migrations[0], NULL, NULL, NULL) |
	    sqlite3_exec(db, store_migrations[1], NULL, NULL, NULL),
	    SQLITE_OK, "v2: the version 2 schema");
	tap_int(sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
	    " PRAGMA user_version = 2;"
	    " INSERT INTO users (id, username, primary_email, email_key, name,"
	    " created_at, updated_at) VALUES"
	    " ('v2user000001', 'OldUser', 'O@X.Y', 'o@x.y', '\xc3\x84rger', 1, 2),"
	    " ('v2user000002', NULL, NULL, NULL, NULL, 3, 4)", NULL, NULL,
	    NULL), SQLITE_OK, "v2: two users");
	sqlite3_close(db);
	tap_int(store_open(path_in("v2.db"), &o, &s), USERCGI_OK,
	    "v2: opened and migrated");
	tap_int(raw_int(path_in("v2.db"), "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION, "v2: now the current version");
	tap_int(raw_int(path_in("v2.db"), "SELECT n FROM user_count"), 2,
	    "v2: user_count from the rows");
	tap_int(raw_int(path_in("v2.db"), "SELECT count(*) FROM users WHERE"
	    " username_key = 'olduser' AND name_key = '\xc3\xa4rger'"), 1,
	    "v2: keys computed in C (Unicode lowercase)");
	tap_str(find(s, STORE_QF_ALL, STORE_QM_LIKE, 0, "\xc3\x84R%", NULL, &t),
	    "v2user000001", "v2: searchable");
	tap_str(find(s, STORE_QF_USERNAME, STORE_QM_EXACT, 0, "OLDUSER", NULL,
	    &t), "v2user000001", "v2: exact username");
	tap_int(add(s, "v2user000003", "n", NULL, NULL, NULL, 5), USERCGI_OK,
	    "v2: insert after the migration");
	tap_int(raw_int(path_in("v2.db"), "SELECT n FROM user_count"), 3,
	    "v2: counted");
	store_close(s);

	/* Eight processes open one version 2 file at once. */
	{
		int	counts[USERCGI_ERR_MAX];

		tap_int(sqlite3_open(path_in("v2many.db"), &db), SQLITE_OK,
		    "v2 many: create");
		tap_int(sqlite3_exec(db, store_migrations[0], NULL, NULL, NULL) |
		    sqlite3_exec(db, store_migrations[1], NULL, NULL, NULL) |
		    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA"
		    " user_version = 2; INSERT INTO users (id, username,"
		    " created_at, updated_at) VALUES ('v2many000001', 'A', 1, 1)",
		    NULL, NULL, NULL), SQLITE_OK, "v2 many: one user");
		sqlite3_close(db);
		race(path_in("v2many.db"), 8, op_noop, counts);
		tap_int(counts[USERCGI_OK], 8, "v2 many: all eight opened it");
		tap_int(raw_int(path_in("v2many.db"), "SELECT n FROM user_count"),
		    1, "v2 many: migrated once (one count row, right)");
		tap_int(raw_int(path_in("v2many.db"), "SELECT count(*) FROM"
		    " user_count"), 1, "v2 many: one row in user_count");
	}
}

int
main(void)
{
	const char	*mod;

	/* Phone keys come from the build tree's module (make check names it). */
	if ((mod = getenv("USERCGI_PHONE_MODULE")) != NULL)
		(void)phone_module_set(mod);
	log_setup(LOG_LVL_WARN, "test_search");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_modes();
	test_plans();
	test_paging();
	test_paging_deep();
	test_update();
	test_races();
	test_migrate_v2();
	if (getenv("KEEP_TEST_DIR") == NULL) {
		char	cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		(void)!system(cmd);
	}
	return tap_done();
}
