/*
 * server.c: the two ways requests reach the application (server.h): one
 * CGI request from the environment and stdin (RFC 3875), or FastCGI
 * requests on fd 0 served by a pool of threads.
 */
#include "config.h"

#include <errno.h>
#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "buf.h"
#include "hasher.h"
#include "http.h"
#include "jwksrc.h"
#include "log.h"
#include "phone.h"
#include "pw.h"
#include "pw_verify.h"
#include "server.h"
#include "store.h"
#include "tokcache.h"

extern char **environ;

/* How often a CGI request checks that the web server still reads it. */
#define CGI_WATCH_MS	100

static volatile sig_atomic_t	stop_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void
server_init_signals(int cgi)
{
	static const int	 stops[] = { SIGTERM, SIGUSR1, SIGINT, SIGPIPE };
	struct sigaction	 sa;
	sigset_t		 set;
	size_t			 i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sigemptyset(&set);
	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		/*
		 * A web server may have left any of these ignored or
		 * blocked (both survive exec): a CGI process must die of
		 * them, a FastCGI worker must see them.
		 */
		sigaddset(&set, stops[i]);
		if (cgi)
			sa.sa_handler = SIG_DFL;
		else
			sa.sa_handler = stops[i] == SIGPIPE ? SIG_IGN : on_stop;
		(void)sigaction(stops[i], &sa, NULL);
	}
	(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static ssize_t
cgi_read(void *ctx, char *p, size_t len)
{
	(void)ctx;
	return read(STDIN_FILENO, p, len);
}

static int
cgi_write(void *ctx, const char *p, size_t len)
{
	ssize_t	n;

	(void)ctx;
	while (len > 0) {
		if ((n = write(STDOUT_FILENO, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Reads and discards what is left of a CGI request body (at most cap
 * bytes), so a server that is still writing it (Apache's mod_cgid) does
 * not see the connection reset before it has read the response.
 */
static void
cgi_drain(size_t cap)
{
	char	buf[16384];
	ssize_t	n;

	if (isatty(STDIN_FILENO))
		return;
	while (cap > 0) {
		n = read(STDIN_FILENO, buf, cap < sizeof(buf) ? cap : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		cap -= (size_t)n;
	}
}

static ssize_t
fcgi_read(void *ctx, char *p, size_t len)
{
	FCGX_Request	*fr = ctx;

	if (len > 65536)
		len = 65536;
	return FCGX_GetStr(p, (int)len, fr->in);
}

static int
fcgi_write(void *ctx, const char *p, size_t len)
{
	FCGX_Request	*fr = ctx;
	int		 n;

	while (len > 0) {
		n = len > 65536 ? 65536 : (int)len;
		if (FCGX_PutStr(p, n, fr->out) != n)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Fills rq from an environment (the process's for CGI, FastCGI params). */
static void
req_from_env(struct http_req *rq, char **envp)
{
	rq->method = FCGX_GetParam("REQUEST_METHOD", envp);
	rq->script_name = FCGX_GetParam("SCRIPT_NAME", envp);
	rq->path_info = FCGX_GetParam("PATH_INFO", envp);
	rq->query_string = FCGX_GetParam("QUERY_STRING", envp);
	rq->content_type = FCGX_GetParam("CONTENT_TYPE", envp);
	rq->content_length = FCGX_GetParam("CONTENT_LENGTH", envp);
	rq->transfer_encoding = FCGX_GetParam("HTTP_TRANSFER_ENCODING", envp);
	rq->authorization = FCGX_GetParam("HTTP_AUTHORIZATION", envp);
	rq->document_root = FCGX_GetParam("DOCUMENT_ROOT", envp);
	rq->if_none_match = FCGX_GetParam("HTTP_IF_NONE_MATCH", envp);
	rq->idempotency_key = FCGX_GetParam("HTTP_IDEMPOTENCY_KEY", envp);
	rq->https = FCGX_GetParam("HTTPS", envp);
	rq->http_host = FCGX_GetParam("HTTP_HOST", envp);
	rq->server_name = FCGX_GetParam("SERVER_NAME", envp);
	rq->server_port = FCGX_GetParam("SERVER_PORT", envp);
}

/*
 * The FastCGI side: cfg.threads threads per process, each with its own
 * struct app (configuration copy, token verifier, SQLite connection) and
 * its own FCGX_Request.  One idle thread at a time blocks in accept(2)
 * on fd 0; the other idle threads wait on a stack, and the acceptor that
 * takes a connection wakes the top one, the thread that finished a
 * request last.  So the next connection goes to the thread whose SQLite
 * page cache, malloc arena and CPU caches are warmest: a few threads
 * stay hot instead of every thread in turn (the kernel wakes threads
 * blocked in accept oldest first), which at four connections cut the
 * CPU of a search reading 20 scattered rows by a third (bench/run.sh
 * --users).  The threads' stores share one
 * group commit (store.h), so concurrent creates in this process share one
 * transaction and one fsync, and one cache of verified tokens.
 *
 * Stopping: the main thread keeps SIGTERM, SIGUSR1 and SIGINT blocked in
 * every thread and takes them with sigtimedwait.  It then sets stopping
 * and sends WAKE_SIGNAL (a no-op handler installed without SA_RESTART)
 * to the thread blocked in accept, so FCGX_Accept_r fails with EINTR
 * (FCGI_FAIL_ACCEPT_ON_INTR), and wakes every thread on the idle stack;
 * the kick is repeated until those threads have ended, which closes the
 * window between a thread's check of stopping and its accept(2).  Threads busy with a request finish it,
 * then see stopping.  max_requests counts requests accepted by the whole
 * process: a thread takes a ticket before accept and ends when none are
 * left; the process exits when its last thread has.
 *
 * Argon2 runs in cfg.hashers hasher processes (lib/hasher.h), started
 * before the threads and stopped after them, so this long-lived process
 * never holds Argon2 memory; without them it hashes in-process.
 *
 * With jwks_uri, one source (lib/jwksrc.h) serves every thread: the
 * cache file is fetched before the threads start when it is missing or
 * past its max age, and a background thread keeps it fresh after that;
 * the threads see a new file by the stat() they make anyway.
 */
#define WAKE_SIGNAL	SIGRTMIN
#define STOP_POLL_MS	20

struct worker;

struct server {
	pthread_mutex_t		 state_mu;	/* guards the fields below and
						   each worker's accepting */
	pthread_cond_t		 state_cv;	/* a thread ended */
	struct worker		*w;		/* the threads */
	int			 nworkers;
	int			 running;	/* threads not yet ended */
	struct worker		*idle;		/* top of the idle stack */
	int			 acceptor;	/* a thread is accepting */
	unsigned long		 tickets;	/* accepts begun or done */
	unsigned long		 max_requests;
	atomic_ulong		 nreq;		/* request numbers for the log */
};

struct worker {
	struct app		 app;
	struct server		*srv;
	pthread_t		 th;
	int			 accepting;	/* blocked in accept */
	int			 waiting;	/* on the idle stack */
	struct worker		*below;		/* next on the idle stack */
	pthread_cond_t		 wake_cv;	/* waiting ended */
};

static atomic_int	stopping;

static void
on_wake(int sig)
{
	(void)sig;
}

/*
 * Wakes the thread on top of the idle stack, if any.  Called with
 * state_mu held.
 */
static void
wake_top(struct server *srv)
{
	struct worker	*t;

	if ((t = srv->idle) == NULL)
		return;
	srv->idle = t->below;
	t->below = NULL;
	t->waiting = 0;
	pthread_cond_signal(&t->wake_cv);
}

/* Returns 1 when the thread should end instead of accepting. */
static int
accept_over(const struct server *srv)
{
	return atomic_load(&stopping) || (srv->max_requests != 0 &&
	    srv->tickets >= srv->max_requests);
}

/*
 * Accepts the next request into fr.  Returns 0 with a request, -1 when
 * the thread should end (stopping, max_requests tickets all taken, or
 * accept failed for good, which stops the whole process).  While another
 * thread accepts, this one waits on top of the idle stack.  A thread
 * that ends wakes the next, which sees the same reason to end.
 */
static int
accept_one(struct worker *w, FCGX_Request *fr)
{
	struct server	*srv = w->srv;
	int		 rc;

	for (;;) {
		pthread_mutex_lock(&srv->state_mu);
		while (srv->acceptor && !accept_over(srv)) {
			w->below = srv->idle;
			srv->idle = w;
			w->waiting = 1;
			while (w->waiting)
				pthread_cond_wait(&w->wake_cv, &srv->state_mu);
		}
		if (accept_over(srv)) {
			wake_top(srv);
			pthread_mutex_unlock(&srv->state_mu);
			rc = -1;
			break;
		}
		srv->tickets++;
		srv->acceptor = 1;
		w->accepting = 1;
		pthread_mutex_unlock(&srv->state_mu);
		rc = FCGX_Accept_r(fr);
		pthread_mutex_lock(&srv->state_mu);
		w->accepting = 0;
		srv->acceptor = 0;
		if (rc < 0)
			srv->tickets--;
		wake_top(srv);
		pthread_mutex_unlock(&srv->state_mu);
		if (rc >= 0) {
			rc = 0;
			break;
		}
		if (rc == -EINTR)
			continue;
		log_err("FastCGI accept failed (%d): stopping", rc);
		atomic_store(&stopping, 1);
		rc = -1;
		break;
	}
	return rc;
}

/* A FastCGI thread: serves requests until accept_one says to end. */
static void *
worker_main(void *arg)
{
	struct worker	*w = arg;
	struct server	*srv = w->srv;
	FCGX_Request	 fr;
	struct http_req	 rq;
	sigset_t	 wake;

	sigemptyset(&wake);
	sigaddset(&wake, WAKE_SIGNAL);
	(void)pthread_sigmask(SIG_UNBLOCK, &wake, NULL);
	if (FCGX_InitRequest(&fr, 0, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_err("FCGX_InitRequest failed");
		atomic_store(&stopping, 1);
		goto out;
	}
	while (accept_one(w, &fr) == 0) {
		memset(&rq, 0, sizeof(rq));
		req_from_env(&rq, fr.envp);
		rq.read = fcgi_read;
		rq.write = fcgi_write;
		rq.ctx = &fr;
		(void)app_handle(&w->app, &rq);
		FCGX_Finish_r(&fr);
	}
	FCGX_Free(&fr, 1);
out:
	pthread_mutex_lock(&srv->state_mu);
	srv->running--;
	pthread_cond_signal(&srv->state_cv);
	pthread_mutex_unlock(&srv->state_mu);
	return NULL;
}

/*
 * Waits for a stop signal or for every thread to end on its own, then
 * wakes the thread blocked in accept and those on the idle stack until
 * all have ended.
 */
static void
supervise(struct server *srv, const sigset_t *stopset)
{
	struct timespec	 poll = { 0, STOP_POLL_MS * 1000000L }, until;
	int		 i, running, sig;

	for (;;) {
		pthread_mutex_lock(&srv->state_mu);
		running = srv->running;
		pthread_mutex_unlock(&srv->state_mu);
		if (running == 0)
			return;
		if (atomic_load(&stopping))
			break;
		if ((sig = sigtimedwait(stopset, NULL, &poll)) > 0) {
			log_info("signal %d: finishing the requests in progress",
			    sig);
			atomic_store(&stopping, 1);
		}
	}
	pthread_mutex_lock(&srv->state_mu);
	while (srv->running > 0) {
		for (i = 0; i < srv->nworkers; i++)
			if (srv->w[i].accepting)
				(void)pthread_kill(srv->w[i].th, WAKE_SIGNAL);
		while (srv->idle != NULL)
			wake_top(srv);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += STOP_POLL_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&srv->state_cv, &srv->state_mu,
		    &until);
	}
	pthread_mutex_unlock(&srv->state_mu);
}

/*
 * Serves FastCGI requests on fd 0 with cfg.threads threads until asked
 * to stop.  a (already configured) becomes the first thread's state;
 * the others load their own configuration from environ.  Returns the
 * process exit status.
 */
int
server_fastcgi(struct app *a)
{
	struct server		 srv;
	struct worker		*w = NULL;
	struct store_group	*group = NULL;
	struct tokcache		*tokens = NULL;
	struct jwksrc		*src = NULL;
	struct hasher_pool	*hashers = NULL;
	struct sigaction	 sa;
	sigset_t		 stopset, blocked;
	char			 err[512];
	long			 ncpu;
	unsigned		 half, slow;
	int			 i, n = a->cfg.threads, inited = 0, started = 0;
	int			 rc = 1;

	memset(&srv, 0, sizeof(srv));
	pthread_mutex_init(&srv.state_mu, NULL);
	pthread_cond_init(&srv.state_cv, NULL);
	atomic_init(&srv.nreq, 0);
	srv.max_requests = a->cfg.max_requests;
	if (n < 1)
		n = 1;
	if ((w = xcalloc((size_t)n, sizeof(*w))) == NULL ||
	    store_group_new(&group) != USERCGI_OK ||
	    (tokens = tokcache_new(TOKCACHE_DEFAULT_MAX)) == NULL ||
	    app_jwksrc_new(&a->cfg, &src) != USERCGI_OK) {
		log_err("not starting: out of memory");
		goto out;
	}
	if (src != NULL)
		(void)jwksrc_refresh_due(src, app_now_ms() / 1000);
	for (i = 0; i < n; i++)
		pthread_cond_init(&w[i].wake_cv, NULL);
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
#if defined(HAVE_MALLOC_H) && defined(M_ARENA_MAX)
	/*
	 * glibc gives each thread its own malloc arena (up to 8 per core),
	 * each keeping a couple of hundred KiB; two per core serve as fast.
	 */
	(void)mallopt(M_ARENA_MAX, ncpu > 0 && ncpu < 32 ? 2 * (int)ncpu : 64);
#endif
	/*
	 * At most one argon2 hash (and its argon2_m KiB) per core at a time:
	 * more would only share the cores and multiply the memory.
	 */
	pw_set_max_concurrent(ncpu > 0 && ncpu < n ? (unsigned)ncpu :
	    (unsigned)n);
	/*
	 * The other slow hashes of imported digests (bcrypt, crypt(3),
	 * pbkdf2, scrypt) run in this process: as many at once, and no
	 * more than half the threads running or waiting for one, so the
	 * rest still answer the other routes; past that 503.
	 */
	half = n > 1 ? (unsigned)n / 2 : 1;
	slow = ncpu > 0 && (unsigned long)ncpu < half ? (unsigned)ncpu : half;
	pw_set_slow_limit(slow, half - slow);
	w[0].app = *a;
	memset(a, 0, sizeof(*a));
	for (i = 0; i < n; i++, inited++) {
		if (i > 0 && app_init(&w[i].app, environ, err, sizeof(err)) !=
		    USERCGI_OK) {
			log_err("configuration: %s", err);
			goto out;
		}
		w[i].srv = &srv;
		w[i].app.nreq_shared = &srv.nreq;
		w[i].app.group = group;
		w[i].app.tokens = tokens;
		w[i].app.jwksrc = src;
		if (app_warm(&w[i].app) == USERCGI_UNAVAILABLE) {
			log_err("not starting: fix the database placement "
			    "above");
			inited++;
			goto out;
		}
	}

	/*
	 * A phone module that cannot load is said now (by a child: this
	 * process loads it on the first phone number), not to the first
	 * user with a phone number.
	 */
	(void)phone_module_probe();
	if (w[0].app.cfg.hashers > 0 &&
	    hasher_pool_start(w[0].app.cfg.hasher,
	    (unsigned)w[0].app.cfg.hashers, &hashers) != USERCGI_OK)
		log_err("cannot start the hasher program %s: hashing "
		    "passwords in this process", w[0].app.cfg.hasher);
	pw_set_pool(hashers);
	if (src != NULL)
		(void)jwksrc_start(src);

	sigemptyset(&stopset);
	sigaddset(&stopset, SIGTERM);
	sigaddset(&stopset, SIGUSR1);
	sigaddset(&stopset, SIGINT);
	blocked = stopset;
	sigaddset(&blocked, WAKE_SIGNAL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(WAKE_SIGNAL, &sa, NULL);
	(void)pthread_sigmask(SIG_BLOCK, &blocked, NULL);
	/* A stop signal that came before the mask counts too. */
	if (stop_requested)
		atomic_store(&stopping, 1);

	srv.w = w;
	srv.nworkers = n;
	srv.running = n;
	for (i = 0; i < n; i++, started++)
		if (pthread_create(&w[i].th, NULL, worker_main, &w[i]) != 0) {
			log_err("pthread_create failed");
			pthread_mutex_lock(&srv.state_mu);
			srv.running -= n - i;
			pthread_mutex_unlock(&srv.state_mu);
			atomic_store(&stopping, 1);
			break;
		}
	supervise(&srv, &stopset);
	for (i = 0; i < started; i++)
		pthread_join(w[i].th, NULL);
	rc = 0;
out:
	pw_set_pool(NULL);
	pw_set_slow_limit(0, 0);
	hasher_pool_stop(hashers);
	for (i = 0; i < inited; i++)
		app_free(&w[i].app);
	jwksrc_free(src);
	for (i = 0; w != NULL && i < n; i++)
		pthread_cond_destroy(&w[i].wake_cv);
	free(w);
	store_group_free(group);
	tokcache_free(tokens);
	pthread_cond_destroy(&srv.state_cv);
	pthread_mutex_destroy(&srv.state_mu);
	return rc;
}

/*
 * The CGI watchdog: every CGI_WATCH_MS while a request is served, a
 * SIGALRM handler polls stdout (poll(2) and write(2) are
 * async-signal-safe) and, when its reading end is gone (a pipe reports
 * POLLERR, a socket POLLHUP: the web server gave up on the client), ends
 * the process at once, whatever the request is doing: an uncommitted
 * transaction vanishes with the process (SQLite's WAL keeps no frame
 * without its commit), exactly as after SIGTERM.  SA_RESTART: the
 * interrupted system calls go on (the busy handler's sleep may end
 * early; it measures its wait with the clock).  cgi_gone is the log
 * line, built before the timer starts.
 */
static char	cgi_gone[128];
static size_t	cgi_gone_len;

static void
cgi_on_alarm(int sig)
{
	struct pollfd	pfd;
	int		saved = errno;

	(void)sig;
	memset(&pfd, 0, sizeof(pfd));
	pfd.fd = STDOUT_FILENO;
	/* events 0: only POLLERR, POLLHUP (and POLLNVAL) are reported. */
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLERR | POLLHUP))) {
		(void)!write(STDERR_FILENO, cgi_gone, cgi_gone_len);
		_exit(1);
	}
	errno = saved;
}

/*
 * Starts (on 1) or stops (on 0) the watchdog.  Returns 0, or -1 when it
 * cannot be started (logged).
 */
static int
cgi_watch(int on)
{
	struct itimerval	it;
	struct sigaction	sa;
	int			n;

	memset(&it, 0, sizeof(it));
	if (!on)
		return setitimer(ITIMER_REAL, &it, NULL);
	n = snprintf(cgi_gone, sizeof(cgi_gone), "usercgi[%ld]: info: the web "
	    "server closed the response pipe: stopping the request\n",
	    log_pid());
	cgi_gone_len = n > 0 && (size_t)n < sizeof(cgi_gone) ? (size_t)n : 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cgi_on_alarm;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	it.it_interval.tv_usec = CGI_WATCH_MS * 1000L;
	it.it_value = it.it_interval;
	if (sigaction(SIGALRM, &sa, NULL) == -1 ||
	    setitimer(ITIMER_REAL, &it, NULL) == -1) {
		log_warn("cannot watch stdout (%s): a closed response pipe "
		    "will not stop the request", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Serves the CGI request.  SIGTERM, SIGINT and SIGPIPE end the process
 * (server_init_signals), and the watchdog ends it when stdout is closed,
 * so a web server that gives up on a client never leaves this process
 * computing a hash or a verification nobody will read.  The watchdog
 * stops once the response is written: a server that closes the pipe
 * after reading the whole answer ends nothing.
 */
int
server_cgi(struct app *a)
{
	struct http_req	rq;
	int		watching;

	watching = cgi_watch(1) == 0;
	memset(&rq, 0, sizeof(rq));
	req_from_env(&rq, environ);
	rq.read = cgi_read;
	rq.write = cgi_write;
	(void)app_handle(a, &rq);
	if (watching)
		(void)cgi_watch(0);
	cgi_drain(4 * a->cfg.max_body_bytes);
	return 0;
}

void
server_cgi_error(void)
{
	static const char resp[] =
	    "Status: 500 Internal Server Error\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Cache-Control: no-store\r\n\r\n"
	    "{\"message\":\"Internal server error.\"}";

	(void)cgi_write(NULL, resp, sizeof(resp) - 1);
	cgi_drain(1024 * 1024);
}
