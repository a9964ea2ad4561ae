/*
 * idem.c: the Idempotency-Key header's syntax and the digests of a key
 * and of its request (idem.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "idem.h"

/* Returns 1 for a visible US-ASCII character (RFC 5234 VCHAR). */
static int
idem_vchar(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e;
}

static int
idem_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Sets msg to "The Idempotency-Key header " followed by what. */
static enum usercgi_err
idem_fail(char msg[IDEM_MSG_MAX], const char *what)
{
	(void)snprintf(msg, IDEM_MSG_MAX, "The Idempotency-Key header %s.",
	    what);
	return USERCGI_IDEM_KEY;
}

enum usercgi_err
idem_parse(const char *v, char out[IDEM_KEY_MAX + 1], size_t *len,
    char msg[IDEM_MSG_MAX])
{
	size_t		 i = 0, end, n = 0;
	int		 quoted;

	*len = 0;
	out[0] = '\0';
	msg[0] = '\0';
	if (v == NULL)
		return idem_fail(msg, "is missing");
	end = strlen(v);
	while (i < end && idem_blank(v[i]))
		i++;
	while (end > i && idem_blank(v[end - 1]))
		end--;
	if (i == end)
		return idem_fail(msg, "is empty");
	quoted = v[i] == '"';
	if (quoted)
		i++;
	for (; i < end; i++) {
		unsigned char	c = (unsigned char)v[i];

		if (quoted && c == '"')
			break;
		if (c == '\\' || (!quoted && c == '"')) {
			if (!quoted)
				return idem_fail(msg, "has a '\"' or '\\' "
				    "outside a quoted string");
			if (i + 1 == end || (v[i + 1] != '"' &&
			    v[i + 1] != '\\'))
				return idem_fail(msg, "has a backslash that "
				    "escapes neither '\"' nor '\\'");
			c = (unsigned char)v[++i];
		} else if (!idem_vchar(c))
			return idem_fail(msg, "has a character that is not "
			    "visible ASCII (%x21-7E)");
		if (n == IDEM_KEY_MAX)
			return idem_fail(msg, "is longer than 255 characters");
		out[n++] = (char)c;
	}
	if (quoted && i == end)
		return idem_fail(msg, "has a quoted string without its "
		    "closing '\"'");
	if (quoted && i + 1 != end)
		return idem_fail(msg, "has text after its quoted string");
	if (n == 0)
		return idem_fail(msg, "is an empty string");
	out[n] = '\0';
	*len = n;
	return USERCGI_OK;
}

/* Adds len bytes at p to h, after their length as 8 bytes big-endian. */
static void
idem_add(crypto_hash_sha256_state *h, const char *p, size_t len)
{
	unsigned char	b[8];
	uint64_t	n = len;
	int		i;

	for (i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(n & 0xff);
		n >>= 8;
	}
	crypto_hash_sha256_update(h, b, sizeof(b));
	if (len > 0)
		crypto_hash_sha256_update(h, (const unsigned char *)p, len);
}

/* SHA-256 of label and three length-prefixed fields into out. */
static enum usercgi_err
idem_digest(const char *label, const char *a, size_t alen, const char *b,
    size_t blen, const char *c, size_t clen, unsigned char out[STORE_IDEM_KEY])
{
	crypto_hash_sha256_state	h;

	_Static_assert(crypto_hash_sha256_BYTES == STORE_IDEM_KEY,
	    "SHA-256 is the store's key size");
	if (sodium_init() < 0)
		return USERCGI_INTERNAL;
	crypto_hash_sha256_init(&h);
	idem_add(&h, label, strlen(label));
	idem_add(&h, a, alen);
	idem_add(&h, b, blen);
	idem_add(&h, c, clen);
	crypto_hash_sha256_final(&h, out);
	return USERCGI_OK;
}

enum usercgi_err
idem_scope_key(const char *sub, const char *client_id, const char *key,
    size_t keylen, unsigned char out[STORE_IDEM_KEY])
{
	return idem_digest("usercgi idempotency key 1", sub, strlen(sub),
	    client_id, strlen(client_id), key, keylen, out);
}

enum usercgi_err
idem_fingerprint(const char *method, const char *path, const char *body,
    size_t len, unsigned char out[STORE_IDEM_KEY])
{
	return idem_digest("usercgi idempotency request 1", method,
	    strlen(method), path, strlen(path), body, len, out);
}
