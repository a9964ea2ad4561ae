/*
 * main.c: the responder's entry point, one binary for both interfaces.
 *
 * When fd 0 is a listening socket (FCGX_IsCGI() false) the process is a
 * FastCGI responder that serves requests until SIGTERM, SIGUSR1 or
 * max_requests; otherwise it is a CGI program (RFC 3875) that serves the
 * one request in its environment and stdin.  Everything else is in lib/:
 * lib/server.c (the two interfaces), then lib/app.c (the request flow).
 */
#include "config.h"

#include <fcgiapp.h>
#include <openssl/crypto.h>

#include "app.h"
#include "log.h"
#include "server.h"

extern char **environ;

int
main(void)
{
	struct app	a;
	char		err[512];
	int		cgi, rc;

#ifdef USERCGI_PORTABLE
	/*
	 * A static program reads no openssl.cnf: a host's could name a
	 * provider module, which it could not load.
	 */
	(void)OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
#endif
	if (FCGX_Init() != 0) {
		log_err("FCGX_Init failed");
		return 1;
	}
	cgi = FCGX_IsCGI();
	server_init_signals(cgi);
	if (app_init(&a, environ, err, sizeof(err)) != USERCGI_OK) {
		log_err("configuration: %s", err);
		if (!cgi)
			return 1;
		server_cgi_error();
		return 0;
	}
	rc = cgi ? server_cgi(&a) : server_fastcgi(&a);
	app_free(&a);
	return rc;
}
