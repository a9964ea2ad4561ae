/*
 * log.h: one line per event on stderr (the web server's error log).
 *
 * Never pass a token, a password, a digest or a request body to these.
 */
#ifndef USERCGI_LOG_H
#define USERCGI_LOG_H

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/*
 * Sets the lowest level written (default LOG_LVL_INFO) and the prefix,
 * and records the process id the lines carry: a process that forks and
 * goes on logging without exec calls it again in the child.
 */
void	log_setup(enum log_level min, const char *prefix);
/* The process id recorded by log_setup (getpid() before any). */
long	log_pid(void);
void	log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
