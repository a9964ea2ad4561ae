#!/bin/bash
# files.sh: the database's files (issue 12, items 5 and 6).
#
# Modes: the database, its -wal and -shm are created 0600 (0660 and the
# group with database_group), whatever the umask, by the responder's
# first request and by usercgi-admin init; usercgi-admin check warns
# about an existing one that others may read or change.
# Symlinks: a database path that is a symlink is refused (the answer of
# a database under DOCUMENT_ROOT) unless database_symlink = allow, and
# then the target's real path is what must lie outside DOCUMENT_ROOT.
. "$(dirname "$0")/lib.sh"
# A PostgreSQL database has no files of the responder's: the server owns
# them (make check-pg leaves this test out).
sqlite_only "the database file's modes and symlinks"
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 is not installed"; exit 0; }
setup
ADMIN="$top_builddir/tools/usercgi-admin"
INTERNAL='{"message":"Internal server error."}'
base_env=${CGI_EXTRA_ENV:-}
k=0

# create DB [ENV...]: one create with a fresh username in database DB.
create() {
	local db=$1; shift
	k=$((k + 1))
	CGI_EXTRA_ENV="$base_env USERCGI_DATABASE=$db $*" cgi POST /api/users "{\"username\":\"u_$k\"}"
}
# modes_are NAME WANT FILES...: each file exists with mode and group WANT
# (as stat -c '%a %G' prints them).
modes_are() {
	local name=$1 want=$2 f got; shift 2
	for f in "$@"; do
		got=$(stat -c '%a %G' "$f" 2>&1)
		[ "$got" = "$want" ] && ok "$name: ${f##*/} is $want" ||
			not_ok "$name: ${f##*/} is '$got', want '$want'"
	done
}
# logged NAME PATTERN: the last run's stderr has a line matching PATTERN.
logged() {
	if grep -q -E "$2" "$T/stderr"; then ok "$1: logged"; else
		not_ok "$1: logged (want /$2/)"; sed 's/^/#   /' "$T/stderr" | head -n 5; fi
}
# stored NAME DB N: DB holds N users.
stored() {
	local n
	n=$(sqlite3 "$2" 'SELECT count(*) FROM users' 2>&1)
	[ "$n" = "$3" ] && ok "$1: $3 users stored" || not_ok "$1: '$n' users stored, want $3"
}
# admin ARGS...: usercgi-admin with this test's configuration file $T/admin.conf.
admin() {
	OUT=$(env -i PATH="$PATH" USERCGI_CONFIG="$T/admin.conf" "$ADMIN" "$@" 2>"$T/admin.err")
	RC=$?
}
admin_conf() {
	printf 'database = %s\njwks_file = %s\nissuer = %s\naudience = %s\nphone_module = %s\n%s' \
	    "$1" "$T/jwks.json" "$ISSUER" "$AUDIENCE" "$PHONE_MODULE" "${2:-}" >"$T/admin.conf"
}
group=$(getent group daemon | cut -d: -f1)
me=$(id -gn)

# --- modes of a new database, whatever the umask --------------------------
saved_umask=$(umask)
for um in 000 022; do
	umask "$um"
	d=$T/cgi$um; mkdir -p "$d"
	create "$d/users.db"
	expect_status "umask $um: first create" 200
	modes_are "umask $um, responder" "600 $me" "$d/users.db" "$d/users.db-wal" "$d/users.db-shm"
	d=$T/adm$um; mkdir -p "$d"
	admin_conf "$d/users.db"
	admin init
	[ "$RC" = 0 ] && ok "umask $um: usercgi-admin init" || not_ok "umask $um: usercgi-admin init: $(cat "$T/admin.err")"
	modes_are "umask $um, usercgi-admin init" "600 $me" "$d/users.db"
	if [ -n "$group" ] && [ "$(id -u)" = 0 ]; then
		d=$T/grp$um; mkdir -p "$d"
		create "$d/users.db" "USERCGI_DATABASE_GROUP=$group"
		expect_status "umask $um, database_group: first create" 200
		modes_are "umask $um, database_group $group" "660 $group" "$d/users.db" \
		    "$d/users.db-wal" "$d/users.db-shm"
		d=$T/grpadm$um; mkdir -p "$d"
		admin_conf "$d/users.db" "database_group = $(getent group daemon | cut -d: -f3)
"
		admin init
		modes_are "umask $um, usercgi-admin init, database_group by number" "660 $group" "$d/users.db"
	fi
done
umask "$saved_umask"
create "$T/nogroup/users.db" "USERCGI_DATABASE_GROUP=no-such-group-usercgi"
expect "unknown database_group: 500" 500 "$INTERNAL"
logged "unknown database_group" 'database_group: no-such-group-usercgi: no such group'

# --- usercgi-admin check warns about files others can read or change -------
d=$T/adm022
admin_conf "$d/users.db"
admin check
case $OUT in *warning:*) not_ok "check: no warning for mode 0600"; printf '%s\n' "$OUT" | sed 's/^/#   /' ;;
	*) ok "check: no warning for mode 0600" ;; esac
chmod 644 "$d/users.db"
: >"$d/users.db-wal"; chmod 602 "$d/users.db-wal"
: >"$d/users.db-shm"; chmod 640 "$d/users.db-shm"
admin check
want="warning: $d/users.db is mode 0644: other users can read it (chmod o-rwx $d/users.db)
warning: $d/users.db-wal is mode 0602: other users can change it (chmod o-rwx $d/users.db-wal)"
got=$(printf '%s\n' "$OUT" | grep '^warning:')
[ "$got" = "$want" ] && ok "check: warns about the database and -wal others can reach, not -shm 0640" ||
	{ not_ok "check: warns about the database and -wal others can reach"; printf '#   got: %s\n' "$got"; }
[ "$RC" = 0 ] && ok "check: a warning does not fail the check" || not_ok "check: exit $RC"

# --- symlinks -------------------------------------------------------------
mkdir -p "$T/htdocs" "$T/data"
create "$T/data/users.db"
expect_status "real database outside DOCUMENT_ROOT" 200
# The configuration file must lie outside it too (issue 15).
cp "$T/usercgi.conf" "$T/htdocs/usercgi.conf"
CGI_EXTRA_ENV="$base_env USERCGI_DATABASE=$T/data/users.db DOCUMENT_ROOT=$T/htdocs USERCGI_CONFIG=$T/htdocs/usercgi.conf" \
    cgi GET /api/users/nosuchuser0 ""
expect "configuration under DOCUMENT_ROOT: 500" 500 "$INTERNAL"
logged "configuration under DOCUMENT_ROOT" "configuration $T/htdocs/usercgi.conf lies under DOCUMENT_ROOT"
CGI_EXTRA_ENV="$base_env USERCGI_DATABASE=$T/data/users.db DOCUMENT_ROOT=$T/htdocs" \
    cgi GET /api/users/nosuchuser0 ""
expect_status "configuration and database outside DOCUMENT_ROOT: served (404)" 404
rm "$T/htdocs/usercgi.conf"
sqlite3 "$T/data/users.db" "VACUUM INTO '$T/htdocs/users.db'"
ln -s "$T/htdocs/users.db" "$T/into-docroot.db"
ln -s "$T/data/users.db" "$T/outside.db"
create "$T/into-docroot.db" "DOCUMENT_ROOT=$T/htdocs"
expect "symlink into DOCUMENT_ROOT: 500" 500 "$INTERNAL"
logged "symlink into DOCUMENT_ROOT" 'into-docroot.db is a symbolic link: refusing to serve'
create "$T/into-docroot.db"
expect "symlink, no DOCUMENT_ROOT: 500" 500 "$INTERNAL"
logged "symlink, no DOCUMENT_ROOT" 'is a symbolic link: refusing to serve'
create "$T/into-docroot.db" "DOCUMENT_ROOT=$T/htdocs USERCGI_DATABASE_SYMLINK=allow"
expect "symlink allowed, but into DOCUMENT_ROOT: 500" 500 "$INTERNAL"
logged "symlink allowed, but into DOCUMENT_ROOT" 'into-docroot.db lies under DOCUMENT_ROOT'
stored "refused symlinks" "$T/htdocs/users.db" 1
create "$T/outside.db" "DOCUMENT_ROOT=$T/htdocs"
expect "symlink outside DOCUMENT_ROOT, not allowed: 500" 500 "$INTERNAL"
create "$T/outside.db" "DOCUMENT_ROOT=$T/htdocs USERCGI_DATABASE_SYMLINK=allow"
expect_status "symlink allowed, outside DOCUMENT_ROOT: 200" 200
stored "symlink allowed, outside DOCUMENT_ROOT" "$T/data/users.db" 2
ln -s "$T/data/none.db" "$T/dangling.db"
create "$T/dangling.db" "USERCGI_DATABASE_SYMLINK=allow"
expect "dangling symlink, allowed: 500" 500 "$INTERNAL"
create "$T/outside.db" "DOCUMENT_ROOT=$T/htdocs USERCGI_DATABASE_SYMLINK=maybe"
expect "database_symlink = maybe: 500" 500 "$INTERNAL"
logged "database_symlink = maybe" 'database_symlink: expected refuse or allow'
admin_conf "$T/into-docroot.db"
admin check
[ "$RC" = 1 ] && ok "check: a refused symlink fails" || not_ok "check: a refused symlink: exit $RC"
admin_conf "$T/outside.db" "database_symlink = allow
"
admin check
[ "$RC" = 0 ] && ok "check: an allowed symlink passes" || { not_ok "check: an allowed symlink: exit $RC"; printf '%s\n' "$OUT" | sed 's/^/#   /'; }

tap_done
