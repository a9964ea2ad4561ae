/*
 * fuzz.h: shared by the libFuzzer targets in tests/fuzz (run.sh builds
 * them).  Each target defines LLVMFuzzerTestOneInput; a broken invariant
 * is reported with FUZZ_ASSERT, which aborts so libFuzzer saves the input.
 */
#ifndef USERCGI_FUZZ_H
#define USERCGI_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

#endif
