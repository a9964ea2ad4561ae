/*
 * main.c: the responder's entry point, one binary for both interfaces.
 *
 * When fd 0 is a listening socket (FCGX_IsCGI() false) the process is a
 * FastCGI responder that serves requests until SIGTERM, SIGUSR1 or
 * max_requests; otherwise it is a CGI program (RFC 3875) that serves the
 * one request in its environment and stdin.  Everything else is in lib/.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "http.h"
#include "log.h"

extern char **environ;

static volatile sig_atomic_t	stop_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
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
}

/*
 * Serves FastCGI requests on fd 0 until asked to stop.  The signal
 * handlers are installed without SA_RESTART so a blocked accept(2)
 * returns and the loop ends; a request in progress is finished first.
 */
static int
serve_fastcgi(struct app *a)
{
	FCGX_Request	fr;
	struct http_req	rq;

	if (FCGX_InitRequest(&fr, 0, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_err("FCGX_InitRequest failed");
		return 1;
	}
	if (app_warm(a) == USERCGI_UNAVAILABLE) {
		log_err("not starting: fix the database placement above");
		return 1;
	}
	while (!stop_requested && FCGX_Accept_r(&fr) >= 0) {
		memset(&rq, 0, sizeof(rq));
		req_from_env(&rq, fr.envp);
		rq.read = fcgi_read;
		rq.write = fcgi_write;
		rq.ctx = &fr;
		(void)app_handle(a, &rq);
		FCGX_Finish_r(&fr);
		if (a->cfg.max_requests != 0 && a->nreq >= a->cfg.max_requests)
			break;
	}
	FCGX_Free(&fr, 1);
	return 0;
}

int
main(void)
{
	struct app		 a;
	struct http_req		 rq;
	struct sigaction	 sa;
	char			 err[512];
	int			 rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGUSR1, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);

	if (FCGX_Init() != 0) {
		log_err("FCGX_Init failed");
		return 1;
	}
	if (app_init(&a, environ, err, sizeof(err)) != USERCGI_OK) {
		log_err("configuration: %s", err);
		if (FCGX_IsCGI()) {
			static const char resp[] =
			    "Status: 500 Internal Server Error\r\n"
			    "Content-Type: application/json; charset=utf-8\r\n"
			    "Cache-Control: no-store\r\n\r\n"
			    "{\"message\":\"Internal server error.\"}";
			(void)cgi_write(NULL, resp, sizeof(resp) - 1);
			return 0;
		}
		return 1;
	}
	if (FCGX_IsCGI()) {
		memset(&rq, 0, sizeof(rq));
		req_from_env(&rq, environ);
		rq.read = cgi_read;
		rq.write = cgi_write;
		(void)app_handle(&a, &rq);
		cgi_drain(4 * a.cfg.max_body_bytes);
		rc = 0;
	} else
		rc = serve_fastcgi(&a);
	app_free(&a);
	return rc;
}
