/*
 * fuzz_url.c: the WHATWG URL acceptance check used for "avatar" (url.c).
 * Input: the string.  Besides not crashing, the answer must not depend on
 * bytes past len (asked again with junk after the same bytes).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*copy;
	int	 r1, r2;

	if (size > 4096)
		return 0;
	r1 = url_is_valid((const char *)data, size);
	FUZZ_ASSERT(r1 == 0 || r1 == 1);
	/* The same bytes followed by junk: the length is what counts. */
	copy = malloc(size + 8);
	FUZZ_ASSERT(copy != NULL);
	memcpy(copy, data, size);
	memcpy(copy + size, "/x y%zz", 8);
	r2 = url_is_valid(copy, size);
	FUZZ_ASSERT(r1 == r2);
	free(copy);
	return 0;
}
