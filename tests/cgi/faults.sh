#!/bin/bash
# faults.sh: the responder when its surroundings fail (issue 7, item 4):
# a read-only database file or file system, a full disk, a missing or
# malformed JWKS, a database locked beyond busy_timeout, a configuration
# typo, a database placed under the document root, a configured path that
# is a FIFO.  Each gives a clear log line and a JSON 503 (with Retry-After,
# where retrying helps) or 401/500, never a crash, and the service
# recovers by itself once the fault is gone.  The JWKS cases run both as
# CGI and in one long-lived FastCGI worker behind lighttpd (no restart).
#
# The file-system faults need tmpfs mounts (root); without them they are
# skipped.  As root, a file's mode does not stop writes, so the read-only
# file case runs the responder as "nobody".
#
# Under USERCGI_TEST_BACKEND=pg the faults of the database file (its
# place, kind, mode, file system, disk) are SQLite's alone and skipped;
# a table locked by another client (503 busy after busy_timeout_ms) and a
# server that does not answer (503 unavailable, then 200 once it is the
# right one again) are PostgreSQL's forms of the same guarantees.
. "$(dirname "$0")/lib.sh"
for c in python3 mkfifo $(db_client); do
	command -v "$c" >/dev/null || { echo "1..0 # SKIP $c is not installed"; exit 0; }
done
setup
mounts=
trap 'for m in $mounts; do umount "$m" 2>/dev/null; done; test_cleanup' EXIT

BUSY='{"code":"request.service_busy","message":"The service is busy. Please retry."}'
UNAVAIL='{"code":"request.service_unavailable","message":"The service is temporarily unavailable. Please retry."}'
# An unusable JWKS holds no key, so every token fails as jose says then.
NOKEY='{"code":"auth.unauthorized","data":{"code":"ERR_JWKS_NO_MATCHING_KEY","name":"JWKSNoMatchingKey"},"message":"Unauthorized. Please check credentials and its scope."}'
INTERNAL='{"message":"Internal server error."}'
base_env=${CGI_EXTRA_ENV:-}
k=0

# create: one create with a fresh username; extra environment in $1.
create() {
	k=$((k + 1))
	CGI_EXTRA_ENV="$base_env ${1:-}" cgi POST /api/users "{\"username\":\"f_$k\"}"
}
# retry_after NAME: the last response carries "Retry-After: 1".
retry_after() {
	if printf '%s\n' "$HEADERS" | tr -d '\r' | grep -qx 'Retry-After: 1'; then
		ok "$1: Retry-After"
	else
		not_ok "$1: Retry-After"; printf '%s\n' "$HEADERS" | sed 's/^/#   /'
	fi
}
# logged NAME PATTERN: the last run's stderr has a line matching PATTERN.
logged() {
	if grep -q -E "$2" "$T/stderr"; then ok "$1: logged"; else
		not_ok "$1: logged (want /$2/)"; sed 's/^/#   /' "$T/stderr" | head -n 5; fi
}
# body_is NAME BODY: the last response body, exactly.
body_is() {
	if [ "$BODY" = "$2" ]; then ok "$1: body"; else
		not_ok "$1: body"; printf '#   got:  %s\n#   want: %s\n' "$BODY" "$2"; fi
}
# no_user DB NAME: the last create left no row in DB (a SQLite file,
# or $DB).
no_user() {
	local n
	n=$(DB=$1 dbq "SELECT count(*) FROM users WHERE username = 'f_$k'")
	[ "$n" = 0 ] && ok "$2: nothing stored" || not_ok "$2: $n rows stored"
}

create
expect_status "baseline create" 200

# --- a database locked beyond busy_timeout --------------------------------
# (PostgreSQL: the users table locked by another client, lock_timeout.)
printf 'busy_timeout_ms = 200\n' >"$T/usercgi.conf"
db_lock users || not_ok "the lock is held: $(cat "$T/dblock.out")"
t0=$(date +%s%N)
create
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect "locked database: 503" 503 "$BUSY"
retry_after "locked database"
if db_pg; then
	logged "locked database" 'postgresql: .*lock'
else
	logged "locked database" 'sqlite: .*(locked|busy)'
fi
limit=3000
[ -n "${UCGI_WRAPPER:-}" ] && limit=60000	# valgrind starts slowly
[ "$ms" -ge 150 ] && [ "$ms" -lt "$limit" ] && ok "locked database: waited busy_timeout (${ms} ms)" ||
	not_ok "locked database: answered after $ms ms, busy_timeout is 200"
db_unlock
no_user "$DB" "locked database"
create
expect_status "lock released: 200" 200
: >"$T/usercgi.conf"

# --- a configuration typo -------------------------------------------------
printf 'databse = %s\n' "$T/users.db" >"$T/usercgi.conf"
create
expect "config typo: 500" 500 "$INTERNAL"
logged "config typo" "unknown key \"databse\""
case $HEADERS in *Retry-After*) not_ok "config typo: no Retry-After (retrying does not help)" ;;
	*) ok "config typo: no Retry-After (retrying does not help)" ;; esac
printf 'busy_timeout_ms = 5s\n' >"$T/usercgi.conf"
create
expect "config bad number: 500" 500 "$INTERNAL"
logged "config bad number" 'busy_timeout_ms'
: >"$T/usercgi.conf"
create
expect_status "config fixed: 200" 200

# --- the database under the web server's document root --------------------
if db_pg; then
	ok "# SKIP SQLite only: database under DOCUMENT_ROOT"
else
	create "DOCUMENT_ROOT=$T"
	expect "database under DOCUMENT_ROOT: 500" 500 "$INTERNAL"
	logged "database under DOCUMENT_ROOT" 'lies under DOCUMENT_ROOT'
	no_user "$DB" "database under DOCUMENT_ROOT"
	mkdir -p "$T/htdocs"
	create "DOCUMENT_ROOT=$T/htdocs"
	expect_status "database beside DOCUMENT_ROOT: 200" 200
fi

# --- a PostgreSQL server that does not answer -----------------------------
# (a port nothing listens on), then the right one again.
if db_pg; then
	DB="host=127.0.0.1 port=$(free_port) user=u password=hunter2-secret dbname=x connect_timeout=2" create
	expect "server down: 503" 503 "$UNAVAIL"
	retry_after "server down"
	logged "server down" 'postgresql: '
	grep -q hunter2 "$T/stderr" && not_ok "server down: no password in the log" ||
		ok "server down: no password in the log"
	create
	expect_status "server back: 200" 200
fi

# --- missing and malformed JWKS (CGI) -------------------------------------
cp "$T/jwks.json" "$T/jwks.good"
rm "$T/jwks.json"
create
expect "missing JWKS: 401" 401 "$NOKEY"
logged "missing JWKS" 'jwks: .*jwks.json: No such file'
cp "$T/jwks.good" "$T/jwks.json"
create
expect_status "JWKS back: 200" 200
for bad in '{"keys":[' '' '[]' '{"keys":{}}' "$(head -c 300000 /dev/zero | tr '\0' ' ')"; do
	printf '%s' "$bad" >"$T/jwks.json"
	create
	expect "malformed JWKS (${#bad} bytes, ${bad:0:12}): 401" 401 "$NOKEY"
	logged "malformed JWKS (${#bad} bytes)" 'jwks: '
done
cp "$T/jwks.good" "$T/jwks.json"
create
expect_status "JWKS fixed: 200" 200

# --- configured paths that are FIFOs (opening one would wait for a writer) --
# timeout: today's responder hangs in open(2); the answer must be prompt.
base_wrapper=${UCGI_WRAPPER:-}
UCGI_WRAPPER="timeout 20 $base_wrapper"
mkfifo "$T/jwks.fifo" "$T/conf.fifo" "$T/phone.fifo" "$T/db.fifo"
if db_pg; then
	ok "# SKIP SQLite only: database is a FIFO"
else
	create "USERCGI_DATABASE=$T/db.fifo"
	expect "database is a FIFO: 500" 500 "$INTERNAL"
	logged "database is a FIFO" 'sqlite: .*db.fifo: not a regular file'
fi
create "USERCGI_JWKS_FILE=$T/jwks.fifo"
expect "JWKS file is a FIFO: 401" 401 "$NOKEY"
logged "JWKS file is a FIFO" 'jwks: .*jwks.fifo: not a regular file'
create "USERCGI_CONFIG=$T/conf.fifo"
expect "configuration file is a FIFO: 500" 500 "$INTERNAL"
logged "configuration file is a FIFO" 'conf.fifo: not a regular file'
if grep -q '^#define HAVE_LIBPHONENUMBER 1' "$top_builddir/config.h"; then
	k=$((k + 1))
	CGI_EXTRA_ENV="$base_env USERCGI_PHONE_MODULE=$T/phone.fifo" cgi POST /api/users "{\"username\":\"f_$k\",\"primaryPhone\":\"61412345678\"}"
	expect "phone module is a FIFO: 500" 500 "$INTERNAL"
	logged "phone module is a FIFO" 'phone: cannot load .*phone.fifo: not a regular file'
fi
UCGI_WRAPPER=$base_wrapper
rm -f "$T/jwks.fifo" "$T/conf.fifo" "$T/phone.fifo" "$T/db.fifo"

# --- file-system faults (tmpfs) -------------------------------------------
fsdir=$T/fs
mkdir -p "$fsdir"
if ! db_pg && [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=2m,mode=0777 usercgi-test "$fsdir" 2>/dev/null; then
	mounts="$fsdir"
	db=$fsdir/users.db
	create "USERCGI_DATABASE=$db"
	expect_status "database on tmpfs: 200" 200

	# A read-only file system.
	mount -o remount,ro "$fsdir"
	create "USERCGI_DATABASE=$db"
	expect "read-only file system: 503" 503 "$UNAVAIL"
	retry_after "read-only file system"
	logged "read-only file system" 'not writable|[Rr]ead-only'
	mount -o remount,rw "$fsdir"
	create "USERCGI_DATABASE=$db"
	expect_status "file system writable again: 200" 200

	# A full disk: fill the file system, then try.
	dd if=/dev/zero of="$fsdir/filler" bs=64k 2>/dev/null
	create "USERCGI_DATABASE=$db"
	expect "full disk: 503" 503 "$UNAVAIL"
	retry_after "full disk"
	logged "full disk" 'sqlite: .*(full|I/O|disk)'
	rm -f "$fsdir/filler"
	no_user "$db" "full disk"
	ic=$(sqlite3 "$db" 'PRAGMA integrity_check' 2>&1)
	[ "$ic" = ok ] && ok "full disk: integrity_check ok afterwards" ||
		not_ok "full disk: integrity_check $ic"
	create "USERCGI_DATABASE=$db"
	expect_status "disk freed: 200" 200
else
	for t in "read-only file system" "full disk"; do
		ok "$t # SKIP cannot mount a tmpfs (not root?) or not SQLite"
	done
fi

# --- a read-only database file --------------------------------------------
if db_pg; then
	ok "# SKIP SQLite only: read-only database file"
elif [ "$(id -u)" != 0 ]; then
	chmod 0444 "$T/users.db"
	create
	expect "read-only database file: 503" 503 "$UNAVAIL"
	retry_after "read-only database file"
	logged "read-only database file" 'not writable|readonly|read-only'
	chmod 0644 "$T/users.db"
elif command -v setpriv >/dev/null; then
	# As nobody: the files must be readable, the directory writable.
	rodir=$T/ro
	mkdir -p "$rodir"
	cp "$T/jwks.json" "$rodir/jwks.json"
	chmod 0755 "$T"
	chown -R nobody "$rodir"
	as_nobody="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	# nobody may not reach the build tree (a clone under /root): use a copy.
	saved_ucgi=$UCGI
	cp "$UCGI" "$T/usercgi.fcgi"
	UCGI=$T/usercgi.fcgi
	saved=${UCGI_WRAPPER:-}
	UCGI_WRAPPER="$as_nobody $saved"
	create "USERCGI_DATABASE=$rodir/users.db USERCGI_JWKS_FILE=$rodir/jwks.json"
	expect_status "as nobody: 200" 200
	chmod 0444 "$rodir/users.db"
	create "USERCGI_DATABASE=$rodir/users.db USERCGI_JWKS_FILE=$rodir/jwks.json"
	expect "read-only database file: 503" 503 "$UNAVAIL"
	retry_after "read-only database file"
	logged "read-only database file" 'not writable|readonly|read-only'
	chmod 0644 "$rodir/users.db"
	create "USERCGI_DATABASE=$rodir/users.db USERCGI_JWKS_FILE=$rodir/jwks.json"
	expect_status "database file writable again: 200" 200
	# A CGI request leaves the WAL and its index in place for the next
	# one, so a read-only directory does not stop writes then ...
	chmod 0555 "$rodir"
	create "USERCGI_DATABASE=$rodir/users.db USERCGI_JWKS_FILE=$rodir/jwks.json"
	expect_status "read-only directory, WAL in place: 200" 200
	# ... but once the WAL is gone (a clean close by a long-lived
	# process, here the sqlite3 shell) it cannot be created again.
	chmod 0755 "$rodir"
	sqlite3 "$rodir/users.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
	[ ! -e "$rodir/users.db-wal" ] && ok "WAL removed by a clean close" ||
		not_ok "WAL removed by a clean close"
	chmod 0555 "$rodir"
	create "USERCGI_DATABASE=$rodir/users.db USERCGI_JWKS_FILE=$rodir/jwks.json"
	expect "read-only database directory: 503" 503 "$UNAVAIL"
	retry_after "read-only database directory"
	logged "read-only database directory" 'not writable|readonly|read-only'
	chmod 0755 "$rodir"
	UCGI_WRAPPER=$saved
	UCGI=$saved_ucgi
	chmod 0700 "$T"
else
	ok "read-only database file # SKIP root without setpriv"
fi

# --- JWKS faults in one FastCGI worker, without a restart ------------------
if [ -n "${UCGI_WRAPPER:-}" ] || ! command -v lighttpd >/dev/null || ! command -v curl >/dev/null; then
	ok "JWKS reload in FastCGI # SKIP needs lighttpd and curl, not under valgrind"
	tap_done; exit $?
fi
fdb=$DB
[ -n "$mounts" ] && fdb=$fsdir/users.db
cat >"$T/fcgi.conf" <<CONF
database = $fdb
jwks_file = $T/jwks.json
issuer = $ISSUER
audience = $AUDIENCE
CONF
lighttpd_start "$T/fcgi.conf" 1
# stop: lighttpd and its worker, then the mounts (the worker holds the
# database open), then the files.
stop() {
	lighttpd_stop
	sleep 0.1
	for m in $mounts; do umount "$m" 2>/dev/null; done
	test_cleanup
}
trap stop EXIT
worker=$(lighttpd_workers)
# req: one create through lighttpd; sets STATUS and BODY.
req() {
	local out
	k=$((k + 1))
	out=$(curl -s -m 5 -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' -d "{\"username\":\"f_$k\"}" "$url")
	STATUS=${out##*$'\n'}
	BODY=${out%$'\n'*}
}
# swap CONTENT: replaces the JWKS file (a new inode, as editors and
# deployment tools do) and waits past the once-a-second stat.
swap() {
	printf '%s' "$1" >"$T/jwks.new"
	mv "$T/jwks.new" "$T/jwks.json"
	sleep 1.2
}
req
expect_status "FastCGI: baseline 200" 200
swap '{"keys":['
req
expect "FastCGI: malformed JWKS: 401" 401 "$NOKEY"
swap "$(cat "$T/jwks.good")"
req
expect_status "FastCGI: JWKS fixed: 200 without a restart" 200
rm "$T/jwks.json"
sleep 1.2
req
expect "FastCGI: missing JWKS: 401" 401 "$NOKEY"
swap "$(cat "$T/jwks.good")"
req
expect_status "FastCGI: JWKS back: 200" 200
# In-place rewrite (same inode), a different key set, then the old again.
$MINT setup "$T/other" ES256 >/dev/null
cat "$T/other/jwks.json" >"$T/jwks.json"
sleep 1.2
req
expect "FastCGI: key rotated away (same inode): 401" 401 "$NOKEY"
cat "$T/jwks.good" >"$T/jwks.json"
sleep 1.2
req
expect_status "FastCGI: key back (same inode): 200" 200
[ "$(lighttpd_workers)" = "$worker" ] && ok "FastCGI: one worker served it all" ||
	not_ok "FastCGI: the worker was restarted"
grep -q -i 'jwks' "$T/lighttpd.log" && ok "FastCGI: JWKS problems logged" ||
	not_ok "FastCGI: JWKS problems logged"

# A full disk under a warm worker: SQLite may still fit a commit in the
# WAL it already has, so each create is a 200 that is stored or a 503
# with Retry-After; once the disk is freed, 200 again, same worker.
if [ -n "$mounts" ]; then
	dd if=/dev/zero of="$fsdir/filler" bs=64k 2>/dev/null
	n200=0 n503=0 other=
	for i in $(seq 1 20); do
		out=$(curl -s -m 5 -D "$T/hdr" -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" \
		    -H 'Content-Type: application/json' \
		    -d "{\"username\":\"f_$((k + 1))\",\"customData\":{\"pad\":\"$(head -c 3000 /dev/zero | tr '\0' x)\"}}" "$url")
		k=$((k + 1))
		st=${out##*$'\n'}
		case $st in
		200) n200=$((n200 + 1)); echo "f_$k" >>"$T/stored" ;;
		503) grep -qi '^Retry-After: 1' "$T/hdr" && [ "${out%$'\n'*}" = "$UNAVAIL" ] &&
			n503=$((n503 + 1)) || other="$other 503-without-Retry-After" ;;
		*) other="$other $st" ;;
		esac
	done
	[ -z "$other" ] && ok "FastCGI: full disk: $n200 stored, $n503 x 503 with Retry-After" ||
		not_ok "FastCGI: full disk: unexpected answers:$other"
	[ "$n503" -gt 0 ] && ok "FastCGI: full disk: refused once the disk had no room" ||
		not_ok "FastCGI: full disk: never refused"
	rm -f "$fsdir/filler"
	req
	expect_status "FastCGI: disk freed: 200" 200
	missing=0
	for u in $(cat "$T/stored" 2>/dev/null); do
		[ "$(sqlite3 "$fdb" "SELECT count(*) FROM users WHERE username = '$u'")" = 1 ] ||
			missing=$((missing + 1))
	done
	[ "$missing" = 0 ] && ok "FastCGI: full disk: every 200 is stored" ||
		not_ok "FastCGI: full disk: $missing acknowledged users missing"
	ic=$(sqlite3 "$fdb" 'PRAGMA integrity_check' 2>&1)
	[ "$ic" = ok ] && ok "FastCGI: full disk: integrity_check ok" ||
		not_ok "FastCGI: full disk: integrity_check $ic"
	[ "$(lighttpd_workers)" = "$worker" ] && ok "FastCGI: full disk: no restart" ||
		not_ok "FastCGI: full disk: the worker was restarted"
	grep -q -E 'sqlite: .*(full|I/O|disk)' "$T/lighttpd.log" && ok "FastCGI: full disk: logged" ||
		not_ok "FastCGI: full disk: logged"
else
	ok "FastCGI: full disk # SKIP cannot mount a tmpfs (not root?) or not SQLite"
fi
# Under the sanitizer build the workers report to the same log.
san=$(grep -c -E 'Sanitizer|runtime error:' "$T/lighttpd.log")
[ "$san" = 0 ] && ok "FastCGI: no sanitizer report from the workers" ||
	not_ok "FastCGI: $san sanitizer report lines in the workers' log"
tap_done
