#!/bin/bash
# admin_pg.sh: usercgi-admin init/check on a PostgreSQL database: the
# password never printed, check creating nothing, concurrent inits.  The
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
	case "$OUT$ERR" in *s3*|*"cr\\'et"*) not_ok "$1"; printf '#   %s\n' "$OUT$ERR" ;;
	*) ok "$1" ;; esac
}
redacted=$(printf '%s' "$DB" | sed "s/password='.*'/password=***/")

conf "$DB"
admin check; check_rc "check before init fails" 1
has "check: the database, redacted" "database        = $redacted"
has "check: database_group is SQLite's" "database_group  = (not used with PostgreSQL)"
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
