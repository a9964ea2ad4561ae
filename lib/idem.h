/*
 * idem.h: the Idempotency-Key request header
 * (draft-ietf-httpapi-idempotency-key-header-06) and the digests under
 * which the store keeps a key and its request (store.h, store_idem).
 */
#ifndef USERCGI_IDEM_H
#define USERCGI_IDEM_H

#include <stddef.h>

#include "err.h"
#include "store.h"

#define IDEM_KEY_MAX	255	/* characters of a key */
#define IDEM_MSG_MAX	128	/* a parse error's message */

/*
 * Parses the field value v (NUL-terminated, surrounding blanks allowed,
 * RFC 9110 §5.5): the draft's Structured Field String (RFC 8941 §3.3.3:
 * a quoted string, backslash escaping only '"' and '\') or, as APIs take
 * it, the key bare.  The key is 1 to IDEM_KEY_MAX characters of visible
 * ASCII (%x21-7E; a bare key has no '"' or '\', which only the quoted
 * form escapes); "abc" and abc are the same key.  Returns USERCGI_OK
 * with the key, unescaped, in out (IDEM_KEY_MAX + 1 bytes, terminated)
 * and its length in *len, or USERCGI_IDEM_KEY with a message naming the
 * problem in msg (IDEM_MSG_MAX bytes).
 */
enum usercgi_err idem_parse(const char *v, char out[IDEM_KEY_MAX + 1],
	    size_t *len, char msg[IDEM_MSG_MAX]);

/*
 * The store's key for a client's key: SHA-256 over a label and, each
 * length-prefixed, the token's sub and client_id and the key, so one
 * client's key never names another's answer.  Returns USERCGI_OK or
 * USERCGI_INTERNAL (libsodium unusable).
 */
enum usercgi_err idem_scope_key(const char *sub, const char *client_id,
	    const char *key, size_t keylen, unsigned char out[STORE_IDEM_KEY]);

/*
 * The fingerprint of a request: SHA-256 over a label and, each
 * length-prefixed, its method, its path below the API root and its body
 * bytes as received.  Returns USERCGI_OK or USERCGI_INTERNAL.
 */
enum usercgi_err idem_fingerprint(const char *method, const char *path,
	    const char *body, size_t len, unsigned char out[STORE_IDEM_KEY]);

#endif
