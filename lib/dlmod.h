/*
 * dlmod.h: loading usercgi's own shared modules (usercgi-phone.so,
 * usercgi-fetch.so, usercgi-pg.so) with dlopen().
 */
#ifndef USERCGI_DLMOD_H
#define USERCGI_DLMOD_H

#include <stddef.h>

/*
 * Loads the module at path (RTLD_NOW | RTLD_LOCAL) and resolves the n
 * symbols names[0..n) into syms[0..n).  path must name a regular file:
 * dlopen() would wait forever in open() on a FIFO.  Returns the handle,
 * which the caller dlclose()s when it does not keep the module, or NULL
 * with the reason (naming path or the symbol) in why, whylen bytes.
 */
void	*dlmod_open(const char *path, const char *const *names, size_t n,
	    void **syms, char *why, size_t whylen);

#endif
