/*
 * buf.h: bounded dynamic buffers and checked allocation.
 *
 * A struct buf has a hard maximum set when it is initialised.  Appending
 * past the maximum fails with USERCGI_TOO_LARGE and leaves the buffer as it
 * was; it never silently grows.  The contents are always NUL-terminated
 * (the terminator is not counted in len and not in max).
 */
#ifndef USERCGI_BUF_H
#define USERCGI_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "err.h"

struct buf {
	char	*ptr;	/* NULL until the first append; owned by the buf */
	size_t	 len;	/* bytes used, excluding the NUL */
	size_t	 cap;	/* bytes allocated */
	size_t	 max;	/* hard limit on len */
};

void	 buf_init(struct buf *b, size_t max);
/* Frees the storage and re-initialises with the same max. */
void	 buf_free(struct buf *b);
/* Keeps the storage, sets len to 0. */
void	 buf_reset(struct buf *b);
/* Returns USERCGI_OK, USERCGI_TOO_LARGE (over max) or USERCGI_NOMEM. */
enum usercgi_err buf_add(struct buf *b, const void *p, size_t n);
enum usercgi_err buf_addstr(struct buf *b, const char *s);
enum usercgi_err buf_addc(struct buf *b, char c);
enum usercgi_err buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Returns the NUL-terminated contents; "" for an empty buffer. */
const char *buf_str(const struct buf *b);
/*
 * Hands the storage to the caller (who frees it with free()) and
 * re-initialises b.  Returns a NUL-terminated string, never NULL unless
 * allocation failed.
 */
char	*buf_take(struct buf *b);

/*
 * Checked allocation.  Each logs the size on failure and returns NULL; the
 * array forms also fail (errno EOVERFLOW) when nmemb * size overflows.
 */
void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *p, size_t nmemb, size_t size);
char	*xstrndup(const char *s, size_t n);
char	*xstrdup(const char *s);

/*
 * Overwrites n bytes at p with zeros in a way the compiler may not remove
 * (for passwords and keys).
 */
void	 secure_zero(void *p, size_t n);

#endif
