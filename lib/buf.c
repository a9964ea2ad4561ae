/*
 * buf.c: bounded dynamic buffers (buf.h) and checked allocation.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"

void *
xmalloc(size_t size)
{
	void	*p;

	if ((p = malloc(size == 0 ? 1 : size)) == NULL)
		log_err("malloc(%zu) failed", size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if ((p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size)) == NULL)
		log_err("calloc(%zu, %zu) failed", nmemb, size);
	return p;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	void	*np;

	if (size != 0 && nmemb > SIZE_MAX / size) {
		errno = EOVERFLOW;
		log_err("reallocarray(%zu, %zu) overflows", nmemb, size);
		return NULL;
	}
	if ((np = realloc(p, nmemb * size == 0 ? 1 : nmemb * size)) == NULL)
		log_err("realloc(%zu) failed", nmemb * size);
	return np;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if (n == SIZE_MAX || (p = xmalloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void
secure_zero(void *p, size_t n)
{
	volatile unsigned char	*v = p;

	while (n-- > 0)
		*v++ = 0;
}

void
buf_init(struct buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void
buf_free(struct buf *b)
{
	free(b->ptr);
	buf_init(b, b->max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->ptr != NULL)
		b->ptr[0] = '\0';
}

/*
 * Makes room for n more bytes plus the NUL.  Returns USERCGI_OK,
 * USERCGI_TOO_LARGE or USERCGI_NOMEM; b is unchanged on failure.
 */
static enum usercgi_err
buf_grow(struct buf *b, size_t n)
{
	size_t	 need, ncap;
	char	*np;

	if (n > b->max - b->len)
		return USERCGI_TOO_LARGE;
	need = b->len + n + 1;
	if (need <= b->cap)
		return USERCGI_OK;
	ncap = b->cap < 64 ? 64 : b->cap;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	if ((np = xreallocarray(b->ptr, ncap, 1)) == NULL)
		return USERCGI_NOMEM;
	b->ptr = np;
	b->cap = ncap;
	return USERCGI_OK;
}

enum usercgi_err
buf_add(struct buf *b, const void *p, size_t n)
{
	enum usercgi_err	 rc;

	if ((rc = buf_grow(b, n)) != USERCGI_OK)
		return rc;
	if (n > 0)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return USERCGI_OK;
}

enum usercgi_err
buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

enum usercgi_err
buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

enum usercgi_err
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list			 ap;
	int			 n;
	enum usercgi_err	 rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return USERCGI_INTERNAL;
	if ((rc = buf_grow(b, (size_t)n)) != USERCGI_OK)
		return rc;
	va_start(ap, fmt);
	(void)vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return USERCGI_OK;
}

const char *
buf_str(const struct buf *b)
{
	return b->ptr == NULL ? "" : b->ptr;
}

char *
buf_take(struct buf *b)
{
	char	*p;

	p = b->ptr != NULL ? b->ptr : xstrdup("");
	buf_init(b, b->max);
	return p;
}
