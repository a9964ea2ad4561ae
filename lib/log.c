/*
 * log.c: one line per event on stderr, which both CGI and FastCGI servers
 * put in their error log.  The line is built in a fixed buffer and written
 * with one write(2) so lines from concurrent workers do not interleave.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static enum log_level	 log_min = LOG_LVL_INFO;
static const char	*log_prefix = "usercgi";
static long		 log_id;	/* process id; 0 before log_setup */

void
log_setup(enum log_level min, const char *prefix)
{
	log_min = min;
	if (prefix != NULL)
		log_prefix = prefix;
	log_id = (long)getpid();
}

long
log_pid(void)
{
	return log_id != 0 ? log_id : (long)getpid();
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char		 line[1024];
	va_list		 ap;
	int		 n, m;
	size_t		 len, i;

	if (lvl > log_min)
		return;
	n = snprintf(line, sizeof(line), "%s[%ld]: %s: ", log_prefix,
	    log_pid(), names[lvl]);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	len = (size_t)n + (size_t)m;
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	/* A log line is one line: control characters become '?'. */
	for (i = (size_t)n; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	line[len++] = '\n';
	(void)!write(STDERR_FILENO, line, len);
}
