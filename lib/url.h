/*
 * url.h: does the WHATWG URL parser (https://url.spec.whatwg.org/) accept
 * this string as an absolute URL with no base?  Used for "avatar", where
 * Logto runs zod's .url(), i.e. `new URL(s)` in Node.js.
 */
#ifndef USERCGI_URL_H
#define USERCGI_URL_H

#include <stddef.h>

/* Returns 1 when `new URL(s)` would succeed, 0 otherwise. s is UTF-8. */
int	url_is_valid(const char *s, size_t len);

#endif
