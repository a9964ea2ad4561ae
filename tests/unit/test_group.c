/*
 * test_group.c: group commit on SQLite (lib/store.c, lib/store_sqlite.c):
 * many threads inserting distinct rows through one group, a batch built
 * deterministically (the write lock held by another connection while the
 * rows queue) whose duplicates fail alone and whose results equal a
 * serial run's, a batch failing as a whole when the lock never comes,
 * and several processes each with its own group on one file.
 *
 * The .c file is included so the tests can see the group's counters.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/store_sqlite.c"
#include "tap.h"

#define NTHREADS	8
#define NPER		60
#define NPROCS		3
#define PTHREADS	4
#define PPER		25
#define NSHARED		5

static char	 dir[] = "/tmp/test_group.XXXXXX";

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
count_rows(const char *path)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*st = NULL;
	long long	 v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, "SELECT count(*) FROM users",
	    -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* One row to insert and where its result goes. */
struct row {
	const char		*id, *username, *email, *phone;
	enum usercgi_err	 rc;
};

static enum usercgi_err
insert_row(struct store *s, const struct row *r)
{
	struct store_user	 u;

	memset(&u, 0, sizeof(u));
	snprintf(u.id, sizeof(u.id), "%s", r->id);
	u.username = (char *)r->username;
	u.primary_email = (char *)r->email;
	u.primary_phone = (char *)r->phone;
	u.last_sign_in_at = -1;
	u.password_updated_at = -1;
	u.created_at = u.updated_at = 1700000000000LL;
	return store_user_insert(s, &u);
}

/* A thread inserting rows[0..n) on its own connection through g. */
struct worker {
	const char		*db;
	struct store_group	*g;
	int			 timeout_ms;
	struct row		*rows;
	size_t			 n;
	int			 open_rc;
	pthread_t		 th;
};

static void *
worker_run(void *arg)
{
	struct worker		*w = arg;
	struct store_opts	 o = { .busy_timeout_ms = w->timeout_ms, .one_request = 0 };
	struct store		*s = NULL;
	size_t			 i;

	if ((w->open_rc = store_open(w->db, &o, &s)) != USERCGI_OK)
		return NULL;
	store_set_group(s, w->g);
	for (i = 0; i < w->n; i++)
		w->rows[i].rc = insert_row(s, &w->rows[i]);
	store_close(s);
	return NULL;
}

static void
group_stats(struct store_group *g, size_t *nq, int *leading,
    unsigned long *batches, size_t *maxb)
{
	pthread_mutex_lock(&g->mu);
	*nq = g->nqueued;
	*leading = g->leading;
	*batches = g->batches;
	*maxb = g->max_batch;
	pthread_mutex_unlock(&g->mu);
}

/* Waits (up to 10 s) until g has nq queued rows and a leader. */
static int
wait_queued(struct store_group *g, size_t want)
{
	size_t		 nq, maxb;
	unsigned long	 b;
	int		 leading, i;

	for (i = 0; i < 10000; i++) {
		group_stats(g, &nq, &leading, &b, &maxb);
		if (nq == want && leading)
			return 1;
		sleep_ms(1);
	}
	return 0;
}

/* Many threads, distinct rows: all succeed, in fewer commits than rows. */
static void
test_many_threads(void)
{
	static struct row	 rows[NTHREADS][NPER];
	static char		 ids[NTHREADS][NPER][16], names[NTHREADS][NPER][32];
	struct worker		 w[NTHREADS];
	struct store_group	*g = NULL;
	size_t			 i, j, nq, maxb;
	unsigned long		 batches;
	int			 ok = 0, leading, opened = 1;

	tap_int(store_group_new(&g), USERCGI_OK, "group_new");
	for (i = 0; i < NTHREADS; i++) {
		for (j = 0; j < NPER; j++) {
			snprintf(ids[i][j], sizeof(ids[i][j]), "t%02zu%09zu", i, j);
			snprintf(names[i][j], sizeof(names[i][j]), "user_%zu_%zu",
			    i, j);
			memset(&rows[i][j], 0, sizeof(rows[i][j]));
			rows[i][j].id = ids[i][j];
			rows[i][j].username = names[i][j];
			rows[i][j].rc = USERCGI_ERR_MAX;
		}
		w[i] = (struct worker){ path_in("many.db"), g, 10000, rows[i],
		    NPER, -1, 0 };
	}
	/* Create the schema first so the threads do not all migrate. */
	w[0].n = 0;
	worker_run(&w[0]);
	w[0].n = NPER;
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&w[i].th, NULL, worker_run, &w[i]);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(w[i].th, NULL);
	for (i = 0; i < NTHREADS; i++) {
		opened &= w[i].open_rc == USERCGI_OK;
		for (j = 0; j < NPER; j++)
			ok += rows[i][j].rc == USERCGI_OK;
	}
	tap_ok(opened, "every thread opened its own connection");
	tap_int(ok, NTHREADS * NPER, "every distinct row inserted");
	tap_int(count_rows(path_in("many.db")), NTHREADS * NPER,
	    "every row on disk");
	group_stats(g, &nq, &leading, &batches, &maxb);
	printf("# %d rows in %lu batches, largest %zu\n", NTHREADS * NPER,
	    batches, maxb);
	tap_ok(batches < NTHREADS * NPER && maxb >= 2,
	    "rows shared commits (fewer batches than rows)");
	tap_int(nq, 0, "queue empty afterwards");
	tap_int(leading, 0, "no leader afterwards");
	store_group_free(g);
}

/*
 * The rows of the deterministic batch and what each must get: row 0
 * commits alone (its leader took it before the others queued), rows 1-9
 * form the second batch.
 */
static struct row batch_rows[] = {
	{ "b00000000000", "u0", "e0@example.com", NULL, 0 },
	{ "b00000000001", "u1", NULL, NULL, 0 },
	{ "b00000000002", "u1", NULL, NULL, 0 },
	{ "b00000000003", NULL, "E0@Example.COM", NULL, 0 },
	{ "b00000000001", "u4", NULL, NULL, 0 },
	{ "b00000000005", NULL, NULL, "+14155550100", 0 },
	{ "b00000000006", NULL, NULL, "+14155550100", 0 },
	{ "b00000000007", "u7", "e7@example.com", NULL, 0 },
	{ "b00000000008", "u1", "e7@example.com", NULL, 0 },
	{ "b00000000009", "u9", NULL, "+14155550199", 0 },
};
#define NBATCH	(sizeof(batch_rows) / sizeof(batch_rows[0]))

static const enum usercgi_err batch_want[NBATCH] = {
	USERCGI_OK, USERCGI_OK, USERCGI_USERNAME_TAKEN, USERCGI_EMAIL_TAKEN,
	USERCGI_ID_TAKEN, USERCGI_OK, USERCGI_PHONE_TAKEN, USERCGI_OK,
	USERCGI_USERNAME_TAKEN, USERCGI_OK,
};

static void
test_batch_vs_serial(void)
{
	struct worker		 w[NBATCH];
	struct store_group	*g = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 1000, .one_request = 0 };
	struct store		*s = NULL;
	enum usercgi_err	 serial[NBATCH];
	sqlite3			*db = NULL;
	size_t			 i, nq, maxb;
	unsigned long		 batches;
	int			 leading, queued = 1, same = 1;
	char			 name[96];

	/* The serial reference: one connection, no group. */
	tap_int(store_open(path_in("serial.db"), &o, &s), USERCGI_OK,
	    "serial: open");
	for (i = 0; i < NBATCH; i++)
		serial[i] = insert_row(s, &batch_rows[i]);
	store_close(s);
	s = NULL;

	tap_int(store_group_new(&g), USERCGI_OK, "batch: group_new");
	tap_int(store_open(path_in("batch.db"), &o, &s), USERCGI_OK,
	    "batch: create the file");
	store_close(s);
	sqlite3_open(path_in("batch.db"), &db);
	tap_int(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK, "batch: another connection holds the write lock");
	for (i = 0; i < NBATCH; i++) {
		w[i] = (struct worker){ path_in("batch.db"), g, 10000,
		    &batch_rows[i], 1, -1, 0 };
		batch_rows[i].rc = USERCGI_ERR_MAX;
		pthread_create(&w[i].th, NULL, worker_run, &w[i]);
		/* Row 0's thread leads; each next row queues behind it. */
		queued &= wait_queued(g, i);
	}
	tap_ok(queued, "batch: rows 1-9 queued in order behind a waiting leader");
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	for (i = 0; i < NBATCH; i++)
		pthread_join(w[i].th, NULL);
	group_stats(g, &nq, &leading, &batches, &maxb);
	tap_int(batches, 2, "batch: two commits (row 0, then rows 1-9)");
	tap_int(maxb, NBATCH - 1, "batch: the second batch held 9 rows");
	for (i = 0; i < NBATCH; i++) {
		snprintf(name, sizeof(name), "batch: row %zu gets %s", i,
		    usercgi_errinfo(batch_want[i])->code ?
		    usercgi_errinfo(batch_want[i])->code : "200");
		tap_int(batch_rows[i].rc, batch_want[i], name);
		same &= batch_rows[i].rc == serial[i];
	}
	tap_ok(same, "batch: every result equals the serial run's");
	tap_int(count_rows(path_in("batch.db")), 5,
	    "batch: the 5 good rows on disk");
	tap_int(count_rows(path_in("batch.db")),
	    count_rows(path_in("serial.db")), "batch: as many rows as serial");
	store_group_free(g);
}

/* The lock never comes: BEGIN times out, every row of the batch is busy. */
static void
test_batch_busy(void)
{
	static struct row	 rows[4] = {
		{ "c00000000000", "c0", NULL, NULL, 0 },
		{ "c00000000001", "c1", NULL, NULL, 0 },
		{ "c00000000002", "c2", NULL, NULL, 0 },
		{ "c00000000003", "c3", NULL, NULL, 0 },
	};
	struct worker		 w[4];
	struct store_group	*g = NULL;
	struct store_opts	 o = { .busy_timeout_ms = 1000, .one_request = 0 };
	struct store		*s = NULL;
	sqlite3			*db = NULL;
	size_t			 i;
	int			 busy = 0;

	store_group_new(&g);
	store_open(path_in("busy.db"), &o, &s);
	store_close(s);
	sqlite3_open(path_in("busy.db"), &db);
	sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (i = 0; i < 4; i++) {
		w[i] = (struct worker){ path_in("busy.db"), g, 300, &rows[i],
		    1, -1, 0 };
		pthread_create(&w[i].th, NULL, worker_run, &w[i]);
	}
	for (i = 0; i < 4; i++)
		pthread_join(w[i].th, NULL);
	for (i = 0; i < 4; i++)
		busy += rows[i].rc == USERCGI_BUSY;
	tap_int(busy, 4, "lock held throughout: every row busy");
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	tap_int(count_rows(path_in("busy.db")), 0, "busy: nothing written");
	store_group_free(g);
}

/*
 * One child process: PTHREADS threads through one group, each inserting
 * PPER own rows and trying the NSHARED usernames every process tries.
 * Exits with the number of shared names it won, or 255 on a surprise.
 */
static void
child(int p)
{
	static struct row	 rows[PTHREADS][PPER + NSHARED];
	static char		 ids[PTHREADS][PPER + NSHARED][16];
	static char		 names[PTHREADS][PPER + NSHARED][32];
	struct worker		 w[PTHREADS];
	struct store_group	*g = NULL;
	size_t			 i, j;
	int			 won = 0, bad = 0;

	if (store_group_new(&g) != USERCGI_OK)
		_exit(255);
	for (i = 0; i < PTHREADS; i++) {
		for (j = 0; j < PPER + NSHARED; j++) {
			snprintf(ids[i][j], sizeof(ids[i][j]), "p%d%02zu%08zu", p,
			    i, j);
			if (j < PPER)
				snprintf(names[i][j], sizeof(names[i][j]),
				    "p%d_t%zu_%zu", p, i, j);
			else
				snprintf(names[i][j], sizeof(names[i][j]),
				    "shared_%zu", j - PPER);
			memset(&rows[i][j], 0, sizeof(rows[i][j]));
			rows[i][j].id = ids[i][j];
			rows[i][j].username = names[i][j];
		}
		w[i] = (struct worker){ path_in("procs.db"), g, 20000, rows[i],
		    PPER + NSHARED, -1, 0 };
		pthread_create(&w[i].th, NULL, worker_run, &w[i]);
	}
	for (i = 0; i < PTHREADS; i++)
		pthread_join(w[i].th, NULL);
	for (i = 0; i < PTHREADS; i++)
		for (j = 0; j < PPER + NSHARED; j++) {
			if (j < PPER)
				bad += rows[i][j].rc != USERCGI_OK;
			else if (rows[i][j].rc == USERCGI_OK)
				won++;
			else
				bad += rows[i][j].rc != USERCGI_USERNAME_TAKEN;
		}
	store_group_free(g);
	_exit(bad ? 255 : won);
}

static void
test_processes(void)
{
	struct store_opts	 o = { .busy_timeout_ms = 1000, .one_request = 0 };
	struct store		*s = NULL;
	pid_t			 pids[NPROCS];
	int			 i, st, won = 0, clean = 1;

	store_open(path_in("procs.db"), &o, &s);
	store_close(s);
	fflush(stdout);
	for (i = 0; i < NPROCS; i++)
		if ((pids[i] = fork()) == 0)
			child(i);
	for (i = 0; i < NPROCS; i++) {
		if (waitpid(pids[i], &st, 0) == -1 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) == 255)
			clean = 0;
		else
			won += WEXITSTATUS(st);
	}
	tap_ok(clean, "processes: every own row inserted, shared names "
	    "either won or username_already_in_use");
	tap_int(won, NSHARED, "processes: each shared name won exactly once");
	tap_int(count_rows(path_in("procs.db")),
	    NPROCS * PTHREADS * PPER + NSHARED, "processes: rows on disk");
}

int
main(void)
{
	const char	*mod;
	char		 cmd[64];

	/* Phone keys come from the build tree's module (make check names it). */
	if ((mod = getenv("USERCGI_PHONE_MODULE")) != NULL)
		(void)phone_module_set(mod);
	if (mkdtemp(dir) == NULL)
		return 2;
	test_many_threads();
	test_batch_vs_serial();
	test_batch_busy();
	test_processes();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	return tap_done();
}
