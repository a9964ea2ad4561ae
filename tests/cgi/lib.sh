# tests/cgi/lib.sh: shared helpers for the shell-driven tests of the real
# responder.  Source it; it speaks TAP through ok/not_ok and tap_done.
#
# The responder runs as a plain CGI program: env -i with the CGI
# variables of RFC 3875 §4.1, the body on stdin.  Configuration comes from
# USERCGI_* variables; each test gets its own directory, database and key
# pair (minted by the independent JOSE implementation in tests/jose).
# The database is a SQLite file, or under USERCGI_TEST_BACKEND=pg a fresh
# PostgreSQL database (tests/pg/backend.sh): $DB is what the responder
# gets as `database`, dbq runs SQL against it.

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${NODE:=node}"
UCGI="$top_builddir/cgi-bin/usercgi.fcgi"
# The build tree's phone, fetch and PostgreSQL modules and hasher (the
# installed ones may not exist).  A test that sets PHONE_MODULE,
# FETCH_MODULE, PG_MODULE or HASHER to "" after sourcing this does not
# pass it: the responder then uses its own default.
: "${USERCGI_PHONE_MODULE:=$top_builddir/lib/usercgi-phone.so}"
PHONE_MODULE=$USERCGI_PHONE_MODULE
: "${USERCGI_FETCH_MODULE:=$top_builddir/lib/usercgi-fetch.so}"
FETCH_MODULE=$USERCGI_FETCH_MODULE
: "${USERCGI_PG_MODULE:=$top_builddir/lib/usercgi-pg.so}"
PG_MODULE=$USERCGI_PG_MODULE
: "${USERCGI_HASHER:=$top_builddir/cgi-bin/usercgi-hasher}"
HASHER=$USERCGI_HASHER
MINT="$NODE $top_srcdir/tests/jose/mint.mjs"
ISSUER="http://127.0.0.1:3001/oidc"
AUDIENCE="https://default.logto.app/api"
. "$top_srcdir/tests/pg/backend.sh"

tap_n=0
tap_failed=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
tap_done() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }

# Makes $T (a fresh directory with jwks.json, private.jwk, usercgi.conf)
# and $DB (the database, not created yet), and exports nothing: cgi()
# passes the settings explicitly.  Argument: the key algorithm (default
# ES384).  A test that sets its own EXIT trap calls test_cleanup in it.
setup() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/usercgi-test.XXXXXX")
	trap test_cleanup EXIT
	db_init "$T" || { echo "Bail out! cannot make the test's database"; exit 1; }
	$MINT setup "$T" "${1:-ES384}" >/dev/null || { echo "Bail out! cannot mint keys"; exit 1; }
	: >"$T/usercgi.conf"
	TOKEN=$($MINT token "$T")
}

# test_cleanup: drops the test's database (or stops its cluster) and
# removes $T.
test_cleanup() {
	db_fini
	rm -rf "$T"
}

# sqlite_only REASON: under USERCGI_TEST_BACKEND=pg, skips the whole test
# (what it checks is the SQLite store's alone: REASON says why).
sqlite_only() {
	db_pg || return 0
	echo "1..0 # SKIP SQLite only: $*"
	exit 0
}

# free_port: prints a TCP port on 127.0.0.1 that is free now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# lighttpd_start CONFIG PROCS [LIGHTTPD-LINES]: a real lighttpd on
# 127.0.0.1 serving /api with PROCS FastCGI workers of the responder
# (USERCGI_CONFIG=CONFIG, the build tree's phone module and hasher
# unless PHONE_MODULE or HASHER is ""), LIGHTTPD-LINES added to its
# configuration.  Its log and the workers'
# stderr go to $T/lighttpd.log, emptied first.  Returns once it answers;
# sets lpid, port and url.
lighttpd_start() {
	port=$(free_port)
	mkdir -p "$T/htdocs"
	: >"$T/lighttpd.log"
	cat >"$T/lighttpd.conf" <<-CONF
	server.modules = ( "mod_fastcgi" )
	server.bind = "127.0.0.1"
	server.port = $port
	server.document-root = "$T/htdocs"
	server.errorlog = "$T/lighttpd.log"
	${3:-}
	fastcgi.server = ( "/api" => ((
		"bin-path" => "$UCGI",
		"socket" => "$T/usercgi.sock",
		"check-local" => "disable",
		"max-procs" => $2,
		"bin-environment" => ( "USERCGI_CONFIG" => "$1"${PHONE_MODULE:+,
		    \"USERCGI_PHONE_MODULE\" => \"$PHONE_MODULE\"}${FETCH_MODULE:+,
		    \"USERCGI_FETCH_MODULE\" => \"$FETCH_MODULE\"}${PG_MODULE:+,
		    \"USERCGI_PG_MODULE\" => \"$PG_MODULE\"}${HASHER:+,
		    \"USERCGI_HASHER\" => \"$HASHER\"} ),
		"bin-copy-environment" => ( "PATH" ),
	)) )
	CONF
	lighttpd -D -f "$T/lighttpd.conf" 2>>"$T/lighttpd.log" &
	lpid=$!
	url=http://127.0.0.1:$port/api/users
	for i in $(seq 1 50); do
		curl -s -o /dev/null "$url" && break
		sleep 0.1
	done
}

# wait_gone PIDS...: waits up to 3 s for the processes to end (a zombie
# counts as ended); sets alive to those still running (" pid pid").
wait_gone() {
	local i p st
	for i in $(seq 1 30); do
		alive=""
		for p in "$@"; do
			st=$(ps -o stat= -p "$p" 2>/dev/null)
			case $st in ""|Z*) ;; *) alive="$alive $p" ;; esac
		done
		[ -z "$alive" ] && return 0
		sleep 0.1
	done
}

# lighttpd_workers: the pids of lighttpd's usercgi.fcgi children.
lighttpd_workers() { pgrep -P "$lpid" -f usercgi.fcgi; }

# lighttpd_stop: stops lighttpd (which sends its workers SIGTERM), then
# kills any worker still there after 2 s, so none outlives the test.
lighttpd_stop() {
	local w i p
	[ -n "${lpid:-}" ] || return 0
	w=$(lighttpd_workers)
	kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null
	lpid=""
	[ -n "$w" ] || return 0
	for i in $(seq 1 20); do
		kill -0 $w 2>/dev/null || break
		sleep 0.1
	done
	for p in $w; do kill -KILL "$p" 2>/dev/null; done
}

# cgi METHOD PATH_INFO BODY [AUTH_HEADER] [CONTENT_TYPE] [QUERY_STRING]
# Runs the responder once; sets STATUS (the number), HEADERS and BODY.
# AUTH_HEADER "-" means no Authorization header; default "Bearer $TOKEN".
# IDEM_KEY, when set, is sent as the Idempotency-Key header.
cgi() {
	local method=$1 path=$2 body=$3 auth=${4:-Bearer $TOKEN}
	local ctype=${5-application/json} query=${6:-} out
	local -a envs=(REQUEST_METHOD="$method" SCRIPT_NAME=/cgi-bin/usercgi.fcgi
	    PATH_INFO="$path" QUERY_STRING="$query" SERVER_PROTOCOL=HTTP/1.1
	    GATEWAY_INTERFACE=CGI/1.1 REMOTE_ADDR=127.0.0.1
	    USERCGI_CONFIG="$T/usercgi.conf" USERCGI_DATABASE="$DB"
	    USERCGI_JWKS_FILE="$T/jwks.json" USERCGI_ISSUER="$ISSUER"
	    USERCGI_AUDIENCE="$AUDIENCE")
	[ -n "$PHONE_MODULE" ] && envs+=(USERCGI_PHONE_MODULE="$PHONE_MODULE")
	[ -n "$FETCH_MODULE" ] && envs+=(USERCGI_FETCH_MODULE="$FETCH_MODULE")
	[ -n "$PG_MODULE" ] && envs+=(USERCGI_PG_MODULE="$PG_MODULE")
	# ${#body} counts characters; the server needs bytes.
	envs+=(CONTENT_LENGTH="$(printf '%s' "$body" | wc -c)")
	# The sanitizer build's settings (run-all.sh) reach the responder too.
	local v
	for v in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS; do
		[ -n "${!v:-}" ] && envs+=("$v=${!v}")
	done
	[ -n "$ctype" ] && envs+=(CONTENT_TYPE="$ctype")
	[ "$auth" != "-" ] && envs+=(HTTP_AUTHORIZATION="$auth")
	# IDEM_KEY, when set (even to ""), is the Idempotency-Key header.
	[ -n "${IDEM_KEY+x}" ] && envs+=(HTTP_IDEMPOTENCY_KEY="$IDEM_KEY")
	out=$(printf '%s' "$body" | env -i "${envs[@]}" ${CGI_EXTRA_ENV:-} ${UCGI_WRAPPER:-} "$UCGI" 2>"$T/stderr"; printf 'x%d' $?)
	EXIT=${out##*x}
	out=${out%x*}
	HEADERS=${out%%$'\r\n\r\n'*}
	BODY=${out#*$'\r\n\r\n'}
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -n 1)
	# Under valgrind (UCGI_WRAPPER) a memory error or leak exits 99.
	[ "$EXIT" = 0 ] || STATUS="exit-$EXIT"
}

# expect NAME STATUS BODY: compares the last cgi() result exactly.
expect() {
	if [ "$STATUS" = "$2" ] && [ "$BODY" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '#   got:  %s %s\n#   want: %s %s\n' "$STATUS" "$BODY" "$2" "$3"
	fi
}

# expect_status NAME STATUS: compares only the status.
expect_status() {
	if [ "$STATUS" = "$2" ]; then ok "$1"; else
		not_ok "$1"; printf '#   got:  %s %s\n#   want: %s\n' "$STATUS" "$BODY" "$2"; fi
}
