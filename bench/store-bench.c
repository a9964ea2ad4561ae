/*
 * store-bench.c: issue 13's store-level measurement (bench/README.md,
 * "Searching a million users").
 *
 *   store-bench fill DB N     creates DB with the store's schema and N
 *                             generated users in one transaction (the
 *                             key columns computed in C, as the store
 *                             does)
 *   store-bench measure DB [RUNS]
 *                             p50/p99 of store calls on one long-lived
 *                             connection, as a FastCGI worker holds it,
 *                             and of a raw sqlite3 scan
 *
 * Generated users: username <word><n in base 36>, one in 10,000 with the
 * word "alice" (so alice% selects about N / 10,000 rows); email
 * <username>@<domain>; name "<Word> <Word>"; created_at one millisecond
 * per two users (ties everywhere).  Deterministic (xorshift64).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "../lib/store.h"
#include "../lib/utf8.h"

static uint64_t	rnd = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 7;
	rnd ^= rnd << 17;
	return rnd;
}

/* Writes a lowercase pseudo-word of 4..9 letters into w. */
static void
word(char *w)
{
	static const char	cons[] = "bcdfghjklmnprstvwz", vow[] = "aeiou";
	size_t			n = 4 + next() % 6, i;

	for (i = 0; i < n; i++)
		w[i] = i % 2 == 0 ? cons[next() % (sizeof(cons) - 1)] :
		    vow[next() % (sizeof(vow) - 1)];
	w[n] = '\0';
}

static void
base36(uint64_t v, char *out)
{
	char	t[16];
	size_t	n = 0, i;

	do {
		t[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
		v /= 36;
	} while (v > 0);
	for (i = 0; i < n; i++)
		out[i] = t[n - 1 - i];
	out[n] = '\0';
}

static int
fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "store-bench: %s: %s\n", what,
	    db != NULL ? sqlite3_errmsg(db) : "error");
	return 1;
}

static int
fill(const char *path, long n)
{
	static const char *const domains[] = { "example.com", "example.org",
	    "mail.example.net", "corp.example" };
	struct store		*s = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 5000 };
	sqlite3			*db = NULL;
	sqlite3_stmt		*st = NULL;
	char			 id[16], w[16], w2[16], user[64], email[128];
	char			 name[64], n36[16], *ek, *uk, *nk;
	long			 i;
	struct timespec		 t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (store_open(path, &o, &s) != 0) {
		fprintf(stderr, "store-bench: cannot open %s\n", path);
		return 1;
	}
	store_close(s);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return fail(db, "open");
	if (sqlite3_exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;"
	    " BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, "begin");
	if (sqlite3_prepare_v2(db, "INSERT INTO users (id, username,"
	    " username_key, primary_email, email_key, name, name_key,"
	    " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	    " ?8)", -1, &st, NULL) != SQLITE_OK)
		return fail(db, "prepare");
	for (i = 0; i < n; i++) {
		uint64_t	r = next();
		size_t		k;

		for (k = 0; k < 12; k++) {
			id[k] = "0123456789abcdefghijklmnopqrstuvwxyz"[r % 36];
			r = k == 5 ? next() : r / 36;
		}
		id[12] = '\0';
		if (i % 10000 == 0)
			snprintf(w, sizeof(w), "alice");
		else
			word(w);
		base36((uint64_t)i, n36);
		snprintf(user, sizeof(user), "%s%s", w, n36);
		if (next() % 3 == 0)
			user[0] = (char)(user[0] - 32);
		snprintf(email, sizeof(email), "%s@%s", user,
		    domains[next() % 4]);
		word(w2);
		word(w);
		w[0] = (char)(w[0] - 32);
		w2[0] = (char)(w2[0] - 32);
		snprintf(name, sizeof(name), "%s %s", w, w2);
		ek = store_email_key(email);
		uk = utf8_lower_dup(user, strlen(user));
		nk = utf8_lower_dup(name, strlen(name));
		if (ek == NULL || uk == NULL || nk == NULL)
			return fail(NULL, "nomem");
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, uk, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, email, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, ek, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, nk, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, 1790000000000LL + i / 2);
		if (sqlite3_step(st) != SQLITE_DONE) {
			/* A random id collided: draw again. */
			sqlite3_reset(st);
			i--;
		}
		sqlite3_reset(st);
		free(ek);
		free(uk);
		free(nk);
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(db, "UPDATE user_count SET n = (SELECT count(*) FROM"
	    " users); COMMIT; PRAGMA wal_checkpoint(TRUNCATE);",
	    NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, "commit");
	sqlite3_close(db);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("filled %s with %ld users in %.1f s\n", path, n,
	    (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}

static double
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_d(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Prints p50 and p99 of n samples and returns p50. */
static double
report(const char *what, double *t, int n, long long matches, double base)
{
	double	p50, p99;

	qsort(t, (size_t)n, sizeof(*t), cmp_d);
	p50 = t[n / 2];
	p99 = t[(n * 99) / 100];
	printf("%-46s p50 %10.1f us  p99 %10.1f us  %8lld matches", what, p50,
	    p99, matches);
	if (base > 0)
		printf("  %6.2fx get", p50 / base);
	printf("\n");
	return p50;
}

/* Runs one list query runs times; returns the p50. */
static double
list(struct store *s, const char *what, enum store_qfield f,
    enum store_qmode m, const char *const *vals, int nvals, int runs,
    double base)
{
	struct store_query	 q;
	struct store_user	*us = NULL;
	const char		*v[1];
	double			*t;
	size_t			 n;
	int64_t			 total = 0;
	int			 i;

	if ((t = calloc((size_t)runs, sizeof(*t))) == NULL)
		exit(1);
	memset(&q, 0, sizeof(q));
	q.page = 1;
	q.page_size = 20;
	if (f != (enum store_qfield)-1) {
		q.ngroups = 1;
		q.groups[0].field = f;
		q.groups[0].mode = m;
		q.groups[0].nvalues = 1;
	}
	for (i = 0; i < runs; i++) {
		double	t0;

		v[0] = vals[i % nvals];
		q.groups[0].values = v;
		t0 = now_us();
		if (store_user_list(s, &q, &us, &n, &total) != 0)
			exit(1);
		t[i] = now_us() - t0;
		store_users_free(us, n);
	}
	base = report(what, t, runs, (long long)total, base);
	free(t);
	return base;
}

static int
measure(const char *path, int runs)
{
	struct store		*s = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 5000 };
	struct store_user	 u;
	sqlite3			*db = NULL;
	sqlite3_stmt		*st = NULL;
	enum { NS = 1000 };
	static char		 ids[NS][16], emails[NS][130], users[NS][70];
	const char		*pid[NS], *pem[NS], *pus[NS];
	const char		*alice[1] = { "alice%" }, *lice[1] = { "%lice%" };
	struct store_query	 q;
	double			*t, *t2, get;
	int64_t			 stotal = 0;
	long long		 count = 0;
	int			 i, scanruns;

	if (store_open(path, &o, &s) != 0)
		return fail(NULL, "open");
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(db, "SELECT id, primary_email,"
	    " username FROM users WHERE rowid IN (SELECT abs(random()) %"
	    " (SELECT max(rowid) FROM users) + 1 FROM generate_series(1, 1200))"
	    " LIMIT 1000", -1, &st, NULL) != SQLITE_OK) {
		/* No generate_series: take every k-th row. */
		sqlite3_finalize(st);
		st = NULL;
		if (sqlite3_prepare_v2(db, "SELECT id, primary_email, username"
		    " FROM users WHERE rowid % 997 = 0 LIMIT 1000", -1, &st,
		    NULL) != SQLITE_OK)
			return fail(db, "sample");
	}
	for (i = 0; i < NS && sqlite3_step(st) == SQLITE_ROW; i++) {
		size_t	k;

		snprintf(ids[i], sizeof(ids[i]), "%s", sqlite3_column_text(st, 0));
		snprintf(emails[i], sizeof(emails[i]), "%s",
		    sqlite3_column_text(st, 1));
		snprintf(users[i], sizeof(users[i]), "%s",
		    sqlite3_column_text(st, 2));
		/* The case-insensitive searches get another casing. */
		for (k = 0; users[i][k] != '\0'; k++)
			if (users[i][k] >= 'a' && users[i][k] <= 'z' && k % 2)
				users[i][k] = (char)(users[i][k] - 32);
		for (k = 0; emails[i][k] != '\0'; k++)
			if (emails[i][k] >= 'a' && emails[i][k] <= 'z' && k % 3 == 0)
				emails[i][k] = (char)(emails[i][k] - 32);
		pid[i] = ids[i];
		pem[i] = emails[i];
		pus[i] = users[i];
	}
	sqlite3_finalize(st);
	if (i < NS)
		return fail(NULL, "not enough users to sample");
	if ((t = calloc((size_t)runs, sizeof(*t))) == NULL)
		return 1;
	for (i = 0; i < runs; i++) {
		double	t0 = now_us();

		if (store_user_get(s, pid[i % NS], &u) != 0)
			return fail(NULL, "get");
		t[i] = now_us() - t0;
		store_user_free(&u);
	}
	get = report("store_user_get (by id)", t, runs, 1, 0);
	list(s, "list, first page (Total-Number: user_count)",
	    (enum store_qfield)-1, STORE_QM_LIKE, pid, 1, runs, get);
	list(s, "search.primaryEmail exact (case-insensitive)",
	    STORE_QF_EMAIL, STORE_QM_EXACT, pem, NS, runs, get);
	list(s, "search.username exact (case-insensitive)",
	    STORE_QF_USERNAME, STORE_QM_EXACT, pus, NS, runs, get);
	list(s, "search.username like alice%", STORE_QF_USERNAME,
	    STORE_QM_LIKE, alice, 1, runs, get);
	list(s, "search like alice% (all five fields)", STORE_QF_ALL,
	    STORE_QM_LIKE, alice, 1, runs, get);
	scanruns = runs / 100 > 5 ? runs / 100 : 5;
	if (getenv("STORE_BENCH_NOSCAN") != NULL)
		goto done;
	list(s, "search like %lice% (all five fields, a scan)", STORE_QF_ALL,
	    STORE_QM_LIKE, lice, 1, scanruns, get);
	list(s, "search.username posix lice (a scan)", STORE_QF_USERNAME,
	    STORE_QM_POSIX, (const char *const[]){ "lice" }, 1, scanruns, get);
	/* The store's scan and a raw one, taken in turn under the same load. */
	if ((t2 = calloc((size_t)scanruns, sizeof(*t2))) == NULL)
		return 1;
	memset(&q, 0, sizeof(q));
	q.page = 1;
	q.page_size = 20;
	q.ngroups = 1;
	q.groups[0].field = STORE_QF_USERNAME;
	q.groups[0].mode = STORE_QM_LIKE;
	q.groups[0].values = lice;
	q.groups[0].nvalues = 1;
	for (i = 0; i < scanruns; i++) {
		double		 t0 = now_us();
		struct store_user *us = NULL;
		size_t		 nu = 0;

		if (store_user_list(s, &q, &us, &nu, &stotal) != 0)
			return fail(NULL, "list");
		t2[i] = now_us() - t0;
		store_users_free(us, nu);
		t0 = now_us();
		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM users WHERE"
		    " username LIKE '%lice%'", -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_ROW)
			return fail(db, "raw scan");
		count = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		t[i] = now_us() - t0;
	}
	report("search.username like %lice% (a scan, page + total)", t2,
	    scanruns, (long long)stotal, get);
	report("raw sqlite3: count(*) WHERE username LIKE '%lice%'", t,
	    scanruns, count, get);
	free(t2);
done:
	free(t);
	sqlite3_close(db);
	store_close(s);
	return 0;
}

int
main(int argc, char *argv[])
{
	char	*end;
	long	 n;

	if (argc == 4 && strcmp(argv[1], "fill") == 0) {
		n = strtol(argv[3], &end, 10);
		if (*end != '\0' || n < 1)
			return 2;
		return fill(argv[2], n);
	}
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "measure") == 0) {
		n = argc == 4 ? strtol(argv[3], &end, 10) : 2000;
		if ((argc == 4 && *end != '\0') || n < 10)
			return 2;
		return measure(argv[2], (int)n);
	}
	fprintf(stderr, "usage: store-bench fill DB N | measure DB [RUNS]\n");
	return 2;
}
