#!/bin/bash
# admin.sh: usercgi-admin keygen/token/init/check.  Tokens it mints are
# verified by the independent jose implementation (tests/jose/verify.mjs)
# and, when the responder is built, accepted by it.
. "$(dirname "$0")/lib.sh"
ADMIN="$top_builddir/tools/usercgi-admin"
VERIFY="$NODE $top_srcdir/tests/jose/verify.mjs"

T=$(mktemp -d "${TMPDIR:-/tmp}/usercgi-admin.XXXXXX")
trap test_cleanup EXIT
db_init "$T" || { echo "Bail out! cannot make the test's database"; exit 1; }
cat >"$T/usercgi.conf" <<EOF
database = $DB
jwks_file = $T/jwks.json
issuer = $ISSUER
audience = $AUDIENCE
phone_module = $PHONE_MODULE
EOF

# admin ARGS...: runs the tool with only this test's configuration;
# sets RC, OUT and ERR.
admin() {
	OUT=$(env -i PATH="$PATH" USERCGI_CONFIG="${CONF:-$T/usercgi.conf}" \
	    "$ADMIN" "$@" 2>"$T/admin.err")
	RC=$?
	ERR=$(cat "$T/admin.err")
}

# check_rc NAME WANT: compares the last exit status.
check_rc() {
	if [ "$RC" = "$2" ]; then ok "$1"; else
		not_ok "$1"; printf '#   exit %s, want %s\n#   %s\n' "$RC" "$2" "$ERR"; fi
}

# json_get JSON EXPR: prints a JavaScript expression over the parsed JSON "j".
json_get() { $NODE -e 'const j = JSON.parse(process.argv[1]); console.log(eval(process.argv[2]))' "$1" "$2"; }

# --- usage ------------------------------------------------------------
admin; check_rc "no subcommand is a usage error" 2
case $ERR in *"usage: usercgi-admin"*) ok "usage message printed" ;;
	*) not_ok "usage message printed" ;; esac
admin frobnicate; check_rc "unknown subcommand" 2
admin keygen; check_rc "keygen without DIR" 2
admin init extra; check_rc "init takes no argument" 2
admin token; check_rc "token without PEMFILE" 2
admin token "$T/private.pem" --ttl; check_rc "--ttl without value" 2
admin token "$T/private.pem" --ttl 0; check_rc "--ttl 0" 2
admin token "$T/private.pem" --ttl 12x; check_rc "--ttl 12x" 2
admin token "$T/private.pem" --color red; check_rc "unknown token option" 2

# --- keygen -----------------------------------------------------------
admin keygen "$T"; check_rc "keygen" 0
mode=$(stat -c %a "$T/private.pem" 2>/dev/null)
[ "$mode" = 600 ] && ok "private.pem is mode 0600" || not_ok "private.pem is mode 0600 (got $mode)"
if head -n 1 "$T/private.pem" | grep -qx -- '-----BEGIN PRIVATE KEY-----' &&
    openssl pkey -in "$T/private.pem" -noout -text 2>/dev/null | grep -q 'NIST CURVE: P-384'; then
	ok "private.pem is a PKCS#8 P-384 key"
else
	not_ok "private.pem is a PKCS#8 P-384 key"
fi
jwks=$(cat "$T/jwks.json")
got=$(json_get "$jwks" 'j.keys.length + " " + Object.keys(j.keys[0]).join(",") + " " +
    [j.keys[0].kty, j.keys[0].crv, j.keys[0].alg, j.keys[0].use].join(",") + " " +
    j.keys[0].x.length + " " + j.keys[0].y.length + " " + /^[A-Za-z0-9_-]{22}$/.test(j.keys[0].kid)')
want="1 kty,crv,x,y,kid,alg,use EC,P-384,ES384,sig 64 64 true"
[ "$got" = "$want" ] && ok "jwks.json holds one public P-384 JWK" ||
	{ not_ok "jwks.json holds one public P-384 JWK"; echo "#   got: $got"; }
kid=$(json_get "$jwks" 'j.keys[0].kid')
# kid = base64url(first 16 bytes of SHA-256(0x04 || X || Y)).
want_kid=$(openssl pkey -in "$T/private.pem" -pubout -outform DER 2>/dev/null | tail -c 97 |
    openssl dgst -sha256 -binary | head -c 16 | base64 | tr '+/' '-_' | tr -d '=')
[ -n "$kid" ] && [ "$kid" = "$want_kid" ] && ok "kid is the SHA-256 of the public point" ||
	{ not_ok "kid is the SHA-256 of the public point"; echo "#   got $kid want $want_kid"; }
sum=$(cksum <"$T/private.pem")
admin keygen "$T"; check_rc "keygen refuses to overwrite a key" 1
[ "$(cksum <"$T/private.pem")" = "$sum" ] && ok "existing key left alone" || not_ok "existing key left alone"
admin keygen "$T/no/such/dir"; check_rc "keygen into a missing directory" 1

# --- token ------------------------------------------------------------
admin token "$T/private.pem"; check_rc "token" 0
TOKEN=$OUT
case $TOKEN in *.*.*) ok "token has three parts" ;; *) not_ok "token has three parts" ;; esac
v=$($VERIFY "$T/jwks.json" "$TOKEN" "$ISSUER" "$AUDIENCE"); vrc=$?
[ $vrc = 0 ] && ok "jose verifies the token" || { not_ok "jose verifies the token"; echo "#   $v"; }
got=$(json_get "$v" 'JSON.stringify(j.header)')
[ "$got" = "{\"alg\":\"ES384\",\"typ\":\"at+jwt\",\"kid\":\"$kid\"}" ] && ok "header alg, typ, kid" ||
	{ not_ok "header alg, typ, kid"; echo "#   $got"; }
got=$(json_get "$v" 'Object.keys(j.payload).join(",") + " " + [j.payload.sub, j.payload.scope,
    j.payload.client_id, j.payload.iss, j.payload.aud, j.payload.exp - j.payload.iat,
    Math.abs(j.payload.iat - Date.now() / 1000) < 60, j.payload.jti.length].join(" ")')
want="jti,sub,iat,exp,scope,client_id,iss,aud usercgi-admin all usercgi-admin $ISSUER $AUDIENCE 3600 true 22"
[ "$got" = "$want" ] && ok "claims as Logto's, defaults" || { not_ok "claims as Logto's, defaults"; echo "#   got: $got"; }

admin token "$T/private.pem" --sub alice --scope "read all" --ttl 60; check_rc "token with options" 0
v=$($VERIFY "$T/jwks.json" "$OUT" "$ISSUER" "$AUDIENCE")
got=$(json_get "$v" '[j.payload.sub, j.payload.scope, j.payload.exp - j.payload.iat].join("|")')
[ "$got" = "alice|read all|60" ] && ok "--sub --scope --ttl" || { not_ok "--sub --scope --ttl"; echo "#   $got"; }
admin token "$T/private.pem"; [ "$OUT" != "$TOKEN" ] && ok "each token has a fresh jti" || not_ok "each token has a fresh jti"

v=$($VERIFY "$T/jwks.json" "$TOKEN" "http://evil/oidc" "$AUDIENCE")
case $v in ERR_JWT_CLAIM_VALIDATION_FAILED*) ok "jose refuses another issuer" ;; *) not_ok "jose refuses another issuer: $v" ;; esac
IFS=. read -r h p s <<<"$TOKEN"
flip=${s:0:10}$( [ "${s:10:1}" = A ] && echo B || echo A )${s:11}
v=$($VERIFY "$T/jwks.json" "$h.$p.$flip" "$ISSUER" "$AUDIENCE")
case $v in ERR_JWS_SIGNATURE_VERIFICATION_FAILED*) ok "jose refuses a changed signature" ;;
	*) not_ok "jose refuses a changed signature: $v" ;; esac
mkdir "$T/other"
admin keygen "$T/other"
v=$($VERIFY "$T/other/jwks.json" "$TOKEN" "$ISSUER" "$AUDIENCE")
case $v in ERR_JWKS_NO_MATCHING_KEY*) ok "jose refuses the token under another key set" ;;
	*) not_ok "jose refuses the token under another key set: $v" ;; esac

admin token "$T/missing.pem"; check_rc "token with a missing key file" 1
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/p256.pem" 2>/dev/null
admin token "$T/p256.pem"; check_rc "token refuses a P-256 key" 1
case $ERR in *"not an EC P-384 key"*) ok "and says why" ;; *) not_ok "and says why: $ERR" ;; esac

# --- init and check ---------------------------------------------------
admin check; check_rc "check before init fails" 1
case $OUT in *"database: "*"init creates it"*) ok "check names the missing database" ;;
	*) not_ok "check names the missing database"; echo "# $OUT" ;; esac
# users_table: 1 when the database has the users table, else 0.
users_table() {
	if db_pg; then
		dbq "select count(*) from information_schema.tables where table_name = 'users'"
	else
		[ -e "$DB" ] && dbq "select count(*) from sqlite_master where name = 'users'" || echo 0
	fi
}
if db_pg; then
	[ "$(users_table)" = 0 ] && ok "check does not create the schema" || not_ok "check does not create the schema"
else
	[ -e "$DB" ] && not_ok "check does not create the database" || ok "check does not create the database"
fi
admin init; check_rc "init" 0
# The schema version is the store's own (SQLite's user_version 3).
case $OUT in "database $DB: schema version "[0-9]*) ok "init prints the schema version" ;;
	*) not_ok "init prints the schema version: $OUT" ;; esac
[ "$(users_table)" = 1 ] && ok "init creates the users table" || not_ok "init creates the users table"
if db_pg; then
	ok "# SKIP SQLite only: user_version is 3"
	ok "# SKIP SQLite only: database is in WAL mode"
else
	[ "$OUT" = "database $DB: schema version 3" ] && ok "the SQLite schema is version 3" ||
		not_ok "the SQLite schema is version 3: $OUT"
	[ "$(dbq 'PRAGMA user_version' 2>&1)" = 3 ] && ok "user_version is 3" || not_ok "user_version is 3"
	[ "$(dbq 'PRAGMA journal_mode' 2>&1)" = wal ] && ok "database is in WAL mode" || not_ok "database is in WAL mode"
fi
ver=${OUT##*schema version }
admin init; check_rc "init again is harmless" 0

admin check; check_rc "check with a good configuration" 0
for line in "database        = $DB" "issuer          = $ISSUER" "audience        = $AUDIENCE" \
    "required_scope  = all" "argon2_m        = 8192" \
    "database: ok,$(db_pg && echo ' connected,') schema version $ver" \
    "jwks: ok, 1 usable key" "ok" \
    "phone numbers   = $(if grep -q '^#define HAVE_LIBPHONENUMBER 1' "$top_builddir/config.h"; then
	echo "normalised (libphonenumber, $PHONE_MODULE)"; else
	echo 'kept verbatim (built --without-libphonenumber)'; fi)"; do
	case $'\n'$OUT$'\n' in *$'\n'"$line"$'\n'*) ok "check prints: $line" ;;
		*) not_ok "check prints: $line"; printf '%s\n' "$OUT" | sed 's/^/# /' ;; esac
done

cp "$T/usercgi.conf" "$T/typo.conf"
echo "databse = /tmp/x.db" >>"$T/typo.conf"
CONF="$T/typo.conf" admin check; check_rc "check with an unknown key fails" 1
case $ERR in *'unknown key "databse"'*) ok "and names the key" ;; *) not_ok "and names the key: $ERR" ;; esac
CONF="$T/typo.conf" admin init; check_rc "init with an unknown key fails" 1
CONF="$T/typo.conf" admin token "$T/private.pem"; check_rc "token with an unknown key fails" 1

sed "s|^jwks_file = .*|jwks_file = $T/none.json|" "$T/usercgi.conf" >"$T/nojwks.conf"
CONF="$T/nojwks.conf" admin check; check_rc "check with a missing JWKS fails" 1
case $OUT in *"jwks: cannot load"*) ok "and says so" ;; *) not_ok "and says so: $OUT" ;; esac
if grep -q '^#define HAVE_LIBPHONENUMBER 1' "$top_builddir/config.h"; then
	sed "s|^phone_module = .*|phone_module = $T/none.so|" "$T/usercgi.conf" >"$T/nophone.conf"
	CONF="$T/nophone.conf" admin check; check_rc "check with a missing phone module fails" 1
	case $OUT in *"phone numbers   = cannot load the libphonenumber module: $T/none.so: "*)
		ok "and names the module" ;; *) not_ok "and names the module: $OUT" ;; esac
else
	ok "# SKIP built --without-libphonenumber: no phone module"
	ok "# SKIP built --without-libphonenumber: no phone module"
fi
sed "s|^database = .*|database = $T/no/such/dir/users.db|" "$T/usercgi.conf" >"$T/nodb.conf"
CONF="$T/nodb.conf" admin init; check_rc "init into a missing directory fails" 1
# A PostgreSQL server that does not answer (a port nothing listens on):
# init and check fail and never print the password (in every build: one
# --without-postgresql says it has no PostgreSQL support).
sed "s|^database = .*|database = host=127.0.0.1 port=$(free_port) user=u password=hunter2-secret dbname=x connect_timeout=2|" \
    "$T/usercgi.conf" >"$T/pgdown.conf"
for cmd in init check; do
	CONF="$T/pgdown.conf" admin $cmd; check_rc "$cmd with an unreachable PostgreSQL server fails" 1
	case $OUT$ERR in *hunter2*) not_ok "$cmd does not print the password"; printf '%s\n' "$OUT$ERR" | sed 's/^/# /' ;;
		*) ok "$cmd does not print the password" ;; esac
done
if ! grep -q '^#define HAVE_POSTGRESQL 1' "$top_builddir/config.h"; then
	case $ERR in *"this build has no PostgreSQL support"*) ok "check says the build has no PostgreSQL support" ;;
		*) not_ok "check says the build has no PostgreSQL support"; printf '%s\n' "$ERR" | sed 's/^/# /' ;; esac
fi
# The responder with that database: 503 JSON with Retry-After in every
# build, the password in neither the answer nor the log.
DB_SAVED=$DB
DB=$(sed -n 's/^database = //p' "$T/pgdown.conf")
cgi POST /api/users '{"username":"pg_down"}'
DB=$DB_SAVED
expect "the responder answers 503 without its PostgreSQL server" 503 \
    '{"code":"request.service_unavailable","message":"The service is temporarily unavailable. Please retry."}'
case $HEADERS in *"Retry-After:"*) ok "the 503 has Retry-After" ;; *) not_ok "the 503 has Retry-After" ;; esac
case $BODY$(cat "$T/stderr") in *hunter2*) not_ok "the responder does not print the password" ;;
	*) ok "the responder does not print the password" ;; esac

# --- the responder accepts the token ----------------------------------
if [ -x "$UCGI" ]; then
	cgi POST /api/users '{"username":"admin_minted"}'
	expect_status "the responder accepts a minted token" 200
	admin token "$T/private.pem" --scope "read"
	TOKEN=$OUT cgi POST /api/users '{"username":"no_scope"}' "Bearer $OUT"
	expect_status "and refuses one without the scope" 403
else
	ok "# SKIP responder not built"
fi
# --- setup (issue 15) ---------------------------------------------------
# A first install in one command; the portable build runs the same in a
# bare chroot (tests/portable/chroot.sh).
S=$T/site
setup() { admin setup --data "$S" --issuer "$ISSUER" --audience "$AUDIENCE" "$@"; }
setup --jwks "$T/jwks.json"
check_rc "setup: exit 0" 0
v=$(sqlite3 "$S/users.db" 'PRAGMA user_version' 2>/dev/null)
want="created   $S (mode 0700)
wrote     $S/jwks.json from $T/jwks.json (1 usable key)
wrote     $S/usercgi.conf (mode 0600)
created   $S/users.db (schema version $v, mode 0600)
done: in the .htaccess, SetEnv USERCGI_CONFIG $S/usercgi.conf"
if [ "$OUT" = "$want" ]; then ok "setup prints each step"; else
	not_ok "setup prints each step"; printf '%s\n' "$OUT" | sed 's/^/#   /'; fi
CONF=$S/usercgi.conf admin check
check_rc "check accepts what setup wrote" 0
chmod 755 "$S"
setup
check_rc "setup again (no --jwks): exit 0" 0
case $OUT in "changed   $S from mode 0755 to 0700
kept      $S/jwks.json
kept      $S/usercgi.conf (mode 0600)
kept      $S/users.db (schema version $v, mode 0600)"*) ok "setup again tightens the folder and keeps the rest" ;;
*) not_ok "setup again tightens the folder and keeps the rest"; printf '%s\n' "$OUT" | sed 's/^/#   /' ;; esac
setup --audience other
check_rc "setup: --audience twice is a usage error" 2
admin setup --data relative --issuer "$ISSUER" --audience "$AUDIENCE"
check_rc "setup: a relative --data is a usage error" 2
admin setup --data "$S" --issuer "$ISSUER" --audience other
check_rc "setup over a config with another audience: exit 1" 1
printf '{"keys":[]}' >"$T/empty.json"
admin setup --data "$T/site2" --issuer "$ISSUER" --audience "$AUDIENCE" --jwks "$T/empty.json"
check_rc "setup with a JWKS without a usable key: exit 1" 1
[ -e "$T/site2/usercgi.conf" ] && not_ok "and writes no config" || ok "and writes no config"
OUT=$(env -i GATEWAY_INTERFACE=CGI/1.1 "$ADMIN" setup --data "$T/site3" \
    --issuer "$ISSUER" --audience "$AUDIENCE" 2>&1); RC=$?
check_rc "setup as a CGI program: exit 1" 1
[ -e "$T/site3" ] && not_ok "and creates nothing" || ok "and creates nothing"

tap_done
