/*
 * test_pw.c: argon2i hashing (lib/pw.c) against the contract's vector,
 * fresh salts, explicit lengths and every error path.
 */
#include "config.h"

#include <string.h>

#include <argon2.h>

#include "pw.h"
#include "tap.h"

#define VECTOR	"$argon2i$v=19$m=8192,t=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$" \
		"Obzo91DDF+gIRWJsw2+t6GrYfC/W0Km1w2M2IYxXiAE"

static const unsigned char salt[] = "0123456789abcdef";

int
main(void)
{
	struct pw_params	 def = { 8, 8192, 1 }, small = { 2, 64, 1 };
	struct pw_params	 bad = { 1, 1, 1 };
	char			 out[PW_ENCODED_MAX], out2[PW_ENCODED_MAX];
	char			 tiny[20];

	/* The contract's vector (create-user.md §4), explicit and default params. */
	tap_int(pw_hash_salt(&def, "password", 8, salt, 16, out, sizeof(out)),
	    USERCGI_OK, "vector hashes");
	tap_str(out, VECTOR, "vector matches Logto byte for byte");
	tap_int(pw_hash_salt(NULL, "password", 8, salt, 16, out2, sizeof(out2)),
	    USERCGI_OK, "NULL params hash");
	tap_str(out2, VECTOR, "NULL params are t=8 m=8192 p=1");

	/* Fresh random salts. */
	tap_int(pw_hash(&def, "password", 8, out, sizeof(out)), USERCGI_OK,
	    "pw_hash ok");
	tap_int(pw_hash(&def, "password", 8, out2, sizeof(out2)), USERCGI_OK,
	    "pw_hash ok again");
	tap_ok(strncmp(out, "$argon2i$v=19$m=8192,t=8,p=1$", 29) == 0,
	    "pw_hash prefix");
	tap_int((long long)strlen(out), 29 + 22 + 1 + 43, "pw_hash length");
	tap_ok(strcmp(out, out2) != 0, "two hashes of one password differ (salt)");
	tap_int(argon2i_verify(out, "password", 8), ARGON2_OK,
	    "libargon2 verifies the hash");
	tap_ok(argon2i_verify(out, "passwore", 8) != ARGON2_OK,
	    "wrong password does not verify");

	/* Lengths are explicit: embedded NUL bytes count. */
	tap_int(pw_hash_salt(&small, "a\0b", 3, salt, 16, out, sizeof(out)),
	    USERCGI_OK, "embedded NUL hashes");
	tap_int(pw_hash_salt(&small, "a", 1, salt, 16, out2, sizeof(out2)),
	    USERCGI_OK, "prefix hashes");
	tap_ok(strcmp(out, out2) != 0, "embedded NUL is part of the password");
	tap_int(pw_hash_salt(&small, "", 0, salt, 16, out, sizeof(out)),
	    USERCGI_OK, "empty password hashes");
	tap_int(pw_hash_salt(&small, NULL, 0, salt, 16, out2, sizeof(out2)),
	    USERCGI_OK, "NULL empty password hashes");
	tap_str(out2, out, "NULL and \"\" are the same empty password");
	tap_ok(strncmp(out, "$argon2i$v=19$m=64,t=2,p=1$", 27) == 0,
	    "custom params encoded");

	/* Errors. */
	tiny[0] = 'x';
	tiny[1] = '\0';
	tap_int(pw_hash_salt(&def, "password", 8, salt, 16, tiny, sizeof(tiny)),
	    USERCGI_INTERNAL, "output buffer too small");
	tap_str(tiny, "", "too small output is emptied");
	tap_int(pw_hash_salt(&bad, "password", 8, salt, 16, out, sizeof(out)),
	    USERCGI_INTERNAL, "memory cost below minimum");
	tap_str(out, "", "failed hash leaves output empty");
	tap_int(pw_hash_salt(&def, "password", 8, salt, 4, out, sizeof(out)),
	    USERCGI_INTERNAL, "salt shorter than 8 bytes refused");
	tap_int(pw_hash_salt(&def, "password", 8, NULL, 16, out, sizeof(out)),
	    USERCGI_INTERNAL, "NULL salt refused");
	tap_int(pw_hash(&def, "password", 8, NULL, 0), USERCGI_INTERNAL,
	    "NULL output refused");
	return tap_done();
}
