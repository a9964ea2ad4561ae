/*
 * trivial-fcgi.c: the FastCGI ceiling for bench/run.sh.  A libfcgi
 * responder that reads and discards the request body and answers
 * 200 "{}" to every request, so the measured rate is what lighttpd,
 * the FastCGI protocol and libfcgi cost with no work behind them.
 * Run by lighttpd with the listening socket on fd 0.
 */
#include <stdio.h>

#include <fcgiapp.h>

int
main(void)
{
	FCGX_Request	 fr;
	char		 scratch[4096];

	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&fr) >= 0) {
		while (FCGX_GetStr(scratch, (int)sizeof(scratch), fr.in) > 0)
			continue;
		FCGX_PutS("Status: 200 OK\r\n"
		    "Content-Type: application/json; charset=utf-8\r\n"
		    "Content-Length: 2\r\n\r\n{}", fr.out);
		FCGX_Finish_r(&fr);
	}
	return 0;
}
