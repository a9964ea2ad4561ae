/*
 * trivial-cgi.c: the CGI-mode baseline for bench/run.sh.  Linked with the
 * same libraries as the responder (-lfcgi -ljson-c -lsqlite3 -lcrypto
 * -largon2 -lcrypt -lsodium, with --no-as-needed so every one is loaded
 * and relocated at exec; libphonenumber is a module the responder loads
 * only for a phone number), it reads CONTENT_LENGTH bytes of body
 * from stdin (RFC 3875 §4.2) and answers 200 "{}".  Its run time is the
 * floor for one CGI request: exec, dynamic linking, process teardown.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(void)
{
	const char	*cl = getenv("CONTENT_LENGTH");
	char		 scratch[4096], *end;
	unsigned long	 left = 0;
	ssize_t		 n;

	if (cl != NULL && *cl != '\0') {
		errno = 0;
		left = strtoul(cl, &end, 10);
		if (errno != 0 || *end != '\0')
			left = 0;
	}
	while (left > 0) {
		n = read(STDIN_FILENO, scratch,
		    left < sizeof(scratch) ? left : sizeof(scratch));
		if (n <= 0)
			break;
		left -= (unsigned long)n;
	}
	fputs("Status: 200 OK\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Content-Length: 2\r\n\r\n{}", stdout);
	return 0;
}
