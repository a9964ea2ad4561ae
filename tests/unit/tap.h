/*
 * tap.h: the Test Anything Protocol for unit tests, header-only.
 * Each test program prints "ok N - name" / "not ok N - name" and ends with
 * "1..N"; tap_done() returns the exit status.
 */
#ifndef USERCGI_TAP_H
#define USERCGI_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define TAP_UNUSED __attribute__((unused))

static TAP_UNUSED void
tap_ok(int cond, const char *name)
{
	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
	fflush(stdout);
}

/* Passes when got equals want byte for byte; prints both otherwise. */
static TAP_UNUSED void
tap_str(const char *got, const char *want, const char *name)
{
	int ok = got != NULL && want != NULL && strcmp(got, want) == 0;

	tap_ok(ok, name);
	if (!ok)
		printf("#   got:  %s\n#   want: %s\n", got ? got : "(null)",
		    want ? want : "(null)");
}

static TAP_UNUSED void
tap_int(long long got, long long want, const char *name)
{
	tap_ok(got == want, name);
	if (got != want)
		printf("#   got:  %lld\n#   want: %lld\n", got, want);
}

static TAP_UNUSED int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
