/*
 * hasher.h: a pool of hasher processes (cgi-bin/usercgi-hasher.c) that
 * compute Argon2 hashes for a FastCGI worker, so the long-lived worker
 * never holds Argon2 memory; and the little protocol they speak over a
 * socketpair.
 *
 * Protocol.  At start the hasher writes the 4 bytes HASHER_GREETING.
 * Then, per request, the worker writes a frame: seven little-endian
 * 32-bit numbers (type, t, m in KiB, p, saltlen, hashlen, pwlen), then
 * saltlen bytes of salt and pwlen bytes of password.  The hasher answers
 * one status byte (enum hasher_status) followed, for HASHER_ST_OK only,
 * by hashlen bytes of raw hash.  A frame outside the PW_ARGON2_* limits
 * (pw_argon2.h) is malformed: the hasher exits without answering, as it
 * does on EOF.
 */
#ifndef USERCGI_HASHER_H
#define USERCGI_HASHER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "pw_argon2.h"

#define HASHER_GREETING		"UCH1"
#define HASHER_GREETING_LEN	4
#define HASHER_HDR_LEN		28	/* seven 32-bit numbers */
#define HASHER_MAX		64	/* processes in one pool */

/* The frame's numbers, little-endian (the protocol above). */
static inline void
hasher_put32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)v;
	b[1] = (unsigned char)(v >> 8);
	b[2] = (unsigned char)(v >> 16);
	b[3] = (unsigned char)(v >> 24);
}

static inline uint32_t
hasher_get32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

enum hasher_status {
	HASHER_ST_OK = 0,	/* the hash follows */
	HASHER_ST_NOMEM = 1,	/* the hasher could not allocate m KiB */
	HASHER_ST_FAILED = 2,	/* Argon2 refused the parameters */
};

struct hasher_pool;

/*
 * Starts n (1 to HASHER_MAX) hasher processes running the program at
 * path, each on its own socketpair.  Returns USERCGI_OK and a pool in
 * *poolp (the caller owns it: hasher_pool_stop), or USERCGI_NOMEM, or
 * USERCGI_UNAVAILABLE when a hasher cannot be started or does not greet
 * (logged, with the reason).
 */
enum usercgi_err hasher_pool_start(const char *path, unsigned n,
	    struct hasher_pool **poolp);

/*
 * Computes the raw Argon2 hash (as pw_argon2_compute) in a free hasher,
 * waiting for one.  Returns USERCGI_OK with the hash in out, the
 * hasher's USERCGI_NOMEM or USERCGI_INTERNAL, or USERCGI_UNAVAILABLE
 * when the caller must compute it itself: parameters outside the frame
 * limits, or a hasher that failed (EOF, error, timeout, bad answer; it
 * is logged, killed, reaped and started again).  On failure out is wiped.
 */
enum usercgi_err hasher_pool_hash(struct hasher_pool *pool,
	    enum pw_argon2_type type, uint32_t t, uint32_t m_kib, uint32_t p,
	    const void *pw, size_t pwlen, const unsigned char *salt,
	    size_t saltlen, unsigned char *out, size_t outlen);

/*
 * Closes the sockets, so the hashers exit, reaps them (SIGKILL for one
 * that has not exited within a second) and frees pool.  NULL is a no-op.
 * No hash may be running.
 */
void	hasher_pool_stop(struct hasher_pool *pool);

/* The process id of hasher i (-1 when it is not running); for tests. */
pid_t	hasher_pool_pid(struct hasher_pool *pool, unsigned i);
/* How many hashers were started again after a failure; for tests. */
unsigned long hasher_pool_restarts(struct hasher_pool *pool);

#endif
