#!/bin/bash
# admin_pg.sh: usercgi-admin init/check on a PostgreSQL database: the
# password never printed, check creating nothing, concurrent inits; the
# PostgreSQL store as a module that only a process on PostgreSQL loads.  The
# server is $USERCGI_TEST_PG (a conninfo; the test creates its own
# database there), else a throwaway cluster (tests/cgi/pg_server.sh).
. "$(dirname "$0")/lib.sh"
ADMIN="$top_builddir/tools/usercgi-admin"

. "$(dirname "$0")/pg_server.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/usercgi-admin-pg.XXXXXX")
trap 'pg_server_stop; pg_lib_fini; rm -rf "$T"' EXIT
$MINT setup "$T" ES384 >/dev/null || { echo "Bail out! cannot mint keys"; exit 1; }
pg_server_start

# The password is never checked by a trust server, and never printed.
DB="$(pg_newdb usercgi_admin_$$) password='s3 cr\\'et'"
conf() {
	cat >"$T/usercgi.conf" <<-CONF
	database = $1
	jwks_file = $T/jwks.json
	issuer = $ISSUER
	audience = $AUDIENCE
	phone_module = $PHONE_MODULE
	CONF
}
admin() {
	OUT=$(cd "$T" && env -i PATH="$PATH" USERCGI_CONFIG="$T/usercgi.conf" \
	    "$ADMIN" "$@" 2>"$T/admin.err")
	RC=$?
	ERR=$(cat "$T/admin.err")
}
check_rc() {
	if [ "$RC" = "$2" ]; then ok "$1"; else
		not_ok "$1"; printf '#   exit %s, want %s\n#   %s\n#   %s\n' "$RC" "$2" "$OUT" "$ERR"; fi
}
has() {
	case $OUT in *"$2"*) ok "$1" ;;
	*) not_ok "$1"; printf '#   want a line: %s\n#   got: %s\n' "$2" "$OUT" ;; esac
}
no_secret() {
	# Either password or its escaped tail; not "s3" alone, which the
	# random key id that check prints can hold.
	case "$OUT$ERR" in *"s3 cr"*|*s3cret*|*"cr\\'et"*) not_ok "$1"; printf '#   %s\n' "$OUT$ERR" ;;
	*) ok "$1" ;; esac
}
redacted=$(printf '%s' "$DB" | sed "s/password='.*'/password=***/")

conf "$DB"
admin check; check_rc "check before init fails" 1
has "check: the database, redacted" "database        = $redacted"
has "check: database_group is SQLite's" "database_group  = (not used with PostgreSQL)"
has "check: the build tree's store module" "pg_module       = $top_builddir/lib/usercgi-pg.so"
has "check: no schema yet" "database: connected, schema version 0, this build writes 4 (usercgi-admin init creates it)"
no_secret "check: no password printed or logged"
n=$(psql "$(printf '%s' "$DB" | sed "s/ password=.*//")" -XAtq -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
[ "$n" = 0 ] && ok "check created nothing" || not_ok "check created nothing ($n tables)"
ls "$T" | grep -q 'host=' && not_ok "no SQLite file named after the conninfo" || ok "no SQLite file named after the conninfo"

admin init; check_rc "init" 0
[ "$OUT" = "database $redacted: schema version 4" ] && ok "init: prints the database redacted" ||
	{ not_ok "init: prints the database redacted"; printf '#   %s\n' "$OUT"; }
no_secret "init: no password printed or logged"
admin check; check_rc "check after init" 0
has "check: connected at this build's version" "database: ok, connected, schema version 4"
has "check: ok" $'\nok'
admin init; check_rc "init again: nothing to do" 0

# Many hosts' first inits at once on a fresh database.
conf "$(pg_newdb usercgi_admin_race_$$)"
for i in 1 2 3 4 5 6; do
	(cd "$T" && env -i PATH="$PATH" USERCGI_CONFIG="$T/usercgi.conf" "$ADMIN" init >"$T/init$i.out" 2>&1; echo $? >"$T/init$i.rc") &
done
wait
good=0
for i in 1 2 3 4 5 6; do [ "$(cat "$T/init$i.rc")" = 0 ] && good=$((good + 1)); done
[ "$good" = 6 ] && ok "six concurrent inits succeed" ||
	{ not_ok "six concurrent inits succeed ($good)"; cat "$T"/init*.out | sed 's/^/#   /'; }
admin check; check_rc "check after the concurrent inits" 0

# The store is the module usercgi-pg.so (store_impl.h): the responder on
# SQLite never loads libpq (LD_DEBUG=files lists every object the dynamic
# linker maps, dlopen()ed ones included), on PostgreSQL it does, and a
# module that cannot be loaded is a 503 with the reason logged.
TOKEN=$($MINT token "$T")
PGDB=$DB
DB=$T/lite.db
CGI_EXTRA_ENV=LD_DEBUG=files
cgi GET /api/users/nosuchuser00 ""
expect "SQLite: a GET" 404 '{"code":"entity.not_found","message":"The resource does not exist."}'
grep -q 'file=libpq' "$T/stderr" && not_ok "SQLite: libpq is never loaded" || ok "SQLite: libpq is never loaded"
grep -q 'file=.*usercgi-pg.so' "$T/stderr" && not_ok "SQLite: nor the module" || ok "SQLite: nor the module"
DB=$PGDB
cgi GET /api/users/nosuchuser00 ""
expect "PostgreSQL: a GET" 404 '{"code":"entity.not_found","message":"The resource does not exist."}'
grep -q 'file=libpq\.so.*needed by .*usercgi-pg\.so' "$T/stderr" &&
	ok "PostgreSQL: libpq comes with the module" ||
	{ not_ok "PostgreSQL: libpq comes with the module"; grep 'file=' "$T/stderr" | head -n 40 | sed 's/^/#   /'; }
CGI_EXTRA_ENV=
UNAVAIL='{"code":"request.service_unavailable","message":"The service is temporarily unavailable. Please retry."}'
saved_pg=$PG_MODULE
PG_MODULE=$T/none.so
cgi GET /api/users/nosuchuser00 ""
expect "no module: 503" 503 "$UNAVAIL"
grep -qF "error: database: cannot load the PostgreSQL store: $T/none.so: No such file or directory" "$T/stderr" &&
	ok "no module: logged, naming it" || { not_ok "no module: logged, naming it"; sed 's/^/#   /' "$T/stderr"; }
PG_MODULE=$FETCH_MODULE
if [ -f "$PG_MODULE" ]; then
	cgi GET /api/users/nosuchuser00 ""
	expect "another module: 503" 503 "$UNAVAIL"
	grep -qF "error: database: cannot load the PostgreSQL store: $PG_MODULE: undefined symbol: store_pg_module" "$T/stderr" &&
		ok "another module: logged" || { not_ok "another module: logged"; sed 's/^/#   /' "$T/stderr"; }
fi
PG_MODULE=$saved_pg

# A server that is not there.
conf "postgresql://app:s3cret@127.0.0.1:1/x?connect_timeout=2"
admin check; check_rc "check: unreachable server fails" 1
has "check: cannot connect" "database: cannot connect (UNAVAILABLE; the log says why)"
has "check: URI redacted" "database        = postgresql://app:***@127.0.0.1:1/x?connect_timeout=2"
no_secret "check: unreachable: no password printed or logged"
admin init; check_rc "init: unreachable server fails" 1
case $ERR in *"cannot open (UNAVAILABLE)"*) ok "init: says UNAVAILABLE" ;; *) not_ok "init: says UNAVAILABLE"; printf '#   %s\n' "$ERR" ;; esac
no_secret "init: unreachable: no password printed or logged"
tap_done
