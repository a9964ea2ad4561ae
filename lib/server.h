/*
 * server.h: how requests reach the application.  One binary serves both
 * interfaces: main() calls server_cgi when FCGX_IsCGI() says fd 0 is not
 * a listening socket, server_fastcgi otherwise.
 */
#ifndef USERCGI_SERVER_H
#define USERCGI_SERVER_H

struct app;

/*
 * cgi 0 (FastCGI): installs the stop handlers (SIGTERM, SIGUSR1, SIGINT:
 * finish the requests in hand, then exit) and ignores SIGPIPE.  cgi 1:
 * SIGTERM, SIGUSR1, SIGINT and SIGPIPE end the process at once (their
 * default), whatever the web server left ignored or blocked.  Call as
 * soon as the interface is known, before any thread is started.
 */
void	server_init_signals(int cgi);

/*
 * Serves the one CGI request in the environment and on stdin (RFC 3875),
 * then reads and discards what is left of its body so the web server
 * sees the whole response.  Returns the process exit status.
 */
int	server_cgi(struct app *a);

/* Answers the CGI request with a JSON 500 (the configuration is unusable). */
void	server_cgi_error(void);

/*
 * Serves FastCGI requests on fd 0 with cfg.threads threads, each with its
 * own application state (a is taken over as the first thread's), until
 * SIGTERM, SIGUSR1 or max_requests.  Returns the process exit status.
 */
int	server_fastcgi(struct app *a);

#endif
