/*
 * b64.h: base64 and base64url (RFC 4648), strict.
 */
#ifndef USERCGI_B64_H
#define USERCGI_B64_H

#include <stddef.h>

/*
 * Decodes unpadded base64url (RFC 4648 §5, RFC 7515 §2): refuses '=',
 * '+', '/', white space, a length of 4k+1, and non-zero trailing bits.
 * Writes at most outlen bytes; returns 0 and sets *outn, or -1.
 */
int	b64url_decode(const char *in, size_t inlen, unsigned char *out,
	    size_t outlen, size_t *outn);
/*
 * Encodes unpadded base64url into out and NUL-terminates it.  Returns the
 * number of characters written (not counting the NUL), or 0 when outlen
 * cannot hold them and the NUL (out is then untouched).
 */
size_t	b64url_encode(const unsigned char *in, size_t inlen, char *out,
	    size_t outlen);
/* Encodes standard base64 without padding (argon2's PHC strings); as above. */
size_t	b64_encode_nopad(const unsigned char *in, size_t inlen, char *out,
	    size_t outlen);
/* Decodes standard base64, padding optional and strict; as b64url_decode. */
int	b64_decode(const char *in, size_t inlen, unsigned char *out,
	    size_t outlen, size_t *outn);

#endif
