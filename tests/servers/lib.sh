# tests/servers/lib.sh: shared harness for the tests that run usercgi
# behind a real web server.  Source it; it speaks TAP.
#
# Each test starts its server on 127.0.0.1, on a free port, under a private
# prefix in a temporary directory, from the configuration shipped in etc/
# with only paths and ports substituted (srv_subst).  Nothing outside the
# temporary directory is touched; every process started is stopped and the
# directory removed on exit.  When run as root, servers and responders
# drop to nobody (RUNAS_USER/RUNAS_GROUP), as they would in production.

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${NODE:=node}"
# USERCGI_BIN lets a developer point the tests at another build.
: "${USERCGI_BIN:=$top_builddir/cgi-bin/usercgi.fcgi}"
# Its phone module (built with libphonenumber only), fetch module (built
# with libcurl only) and PostgreSQL store (built with libpq only).
: "${USERCGI_PHONE_MODULE:=$top_builddir/lib/usercgi-phone.so}"
: "${USERCGI_FETCH_MODULE:=$top_builddir/lib/usercgi-fetch.so}"
: "${USERCGI_PG_MODULE:=$top_builddir/lib/usercgi-pg.so}"
: "${USERCGI_HASHER:=$top_builddir/cgi-bin/usercgi-hasher}"
: "${MINT:=$NODE $top_srcdir/tests/jose/mint.mjs}"
ETC="$top_srcdir/etc"
ISSUER="http://127.0.0.1:3001/oidc"
AUDIENCE="https://default.logto.app/api"
MAX_BODY=1048576
# The database: a SQLite file in $T/data, or under USERCGI_TEST_BACKEND=pg
# a fresh PostgreSQL database ($DB, dbq: tests/pg/backend.sh).
. "$top_srcdir/tests/pg/backend.sh"

tap_n=0
tap_failed=0
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
check() { if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3"; echo "#   got: $1, want: $2"; fi; }
tap_done() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }
bail() { echo "Bail out! $*"; exit 1; }

# skip_unless PROGRAM...: the whole test is skipped when a server program
# is not installed (and only then).
skip_unless() {
	local p
	for p in "$@"; do
		if ! command -v "$p" >/dev/null 2>&1; then
			echo "ok 1 # SKIP $p not installed"
			echo "1..1"
			exit 0
		fi
	done
}

if [ "$(id -u)" -eq 0 ]; then
	RUNAS_USER=nobody
	RUNAS_GROUP=$(id -gn nobody)
else
	RUNAS_USER=$(id -un)
	RUNAS_GROUP=$(id -gn)
fi

# Processes to stop on exit: PIDs, one per line, in $T/pids; PID files
# (spawn-fcgi writes one per child) listed in $T/pidfiles.
srv_cleanup() {
	local pid f i
	[ -n "${T:-}" ] && [ -d "$T" ] || return 0
	for f in $(cat "$T/pidfiles" 2>/dev/null); do
		cat "$f" >>"$T/pids" 2>/dev/null
	done
	for pid in $(cat "$T/pids" 2>/dev/null); do
		kill -TERM "$pid" 2>/dev/null
	done
	for i in 1 2 3 4 5 6 7 8 9 10; do
		srv_alive || break
		sleep 0.5
	done
	for pid in $(cat "$T/pids" 2>/dev/null) $(srv_responders); do
		kill -KILL "$pid" 2>/dev/null
	done
	db_fini
	rm -rf "$T"
}

# Prints the PIDs of responders still running from this test's copy of
# the program (the servers start them; this finds the ones they left).
srv_responders() {
	local p exe
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case $exe in
		"$T"/*/usercgi.fcgi) pid_alive "${p#/proc/}" && echo "${p#/proc/}" ;;
		esac
	done
}

# pid_alive PID: the process exists and is not a zombie (a responder
# whose parent exited may wait long for a reaper in a container).
pid_alive() {
	local st
	st=$(sed -n 's/^[0-9]* (.*) \(.\) .*/\1/p' "/proc/$1/stat" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}

# Returns 0 while any process this test started is alive.
srv_alive() {
	local pid
	for pid in $(cat "$T/pids" 2>/dev/null) $(srv_responders); do
		pid_alive "$pid" && return 0
	done
	return 1
}

# srv_init: makes the private tree
#   $T/cgi-bin/usercgi.fcgi  a copy of the responder
#   $T/lib/usercgi-phone.so  a copy of its phone module, if built
#   $T/etc/usercgi.conf      its configuration; keys in $T/etc
#   $T/data/                 the database directory, writable by RUNAS_USER
#                            ($DB: $T/data/users.db, or a PostgreSQL database)
#   $T/www/                  the document root (the database is outside it)
#   $T/run/ $T/log/          sockets, PID files, logs
# and sets TOKEN to a valid bearer token.
srv_init() {
	[ -x "$USERCGI_BIN" ] || bail "$USERCGI_BIN not built"
	T=$(mktemp -d "${TMPDIR:-/tmp}/usercgi-srv.XXXXXX") || bail "mktemp"
	trap srv_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	chmod 755 "$T"
	mkdir -p "$T/cgi-bin" "$T/etc" "$T/data" "$T/www" "$T/run" "$T/log"
	: >"$T/pids"
	: >"$T/pidfiles"
	db_init "$T/data" "$T/pg" || bail "cannot make the test's database"
	cp "$USERCGI_BIN" "$T/cgi-bin/usercgi.fcgi"
	chmod 755 "$T/cgi-bin/usercgi.fcgi"
	mkdir -p "$T/lib"
	if [ -f "$USERCGI_PHONE_MODULE" ]; then
		cp "$USERCGI_PHONE_MODULE" "$T/lib/usercgi-phone.so"
		chmod 644 "$T/lib/usercgi-phone.so"
	fi
	if [ -f "$USERCGI_FETCH_MODULE" ]; then
		cp "$USERCGI_FETCH_MODULE" "$T/lib/usercgi-fetch.so"
		chmod 644 "$T/lib/usercgi-fetch.so"
	fi
	if [ -f "$USERCGI_PG_MODULE" ]; then
		cp "$USERCGI_PG_MODULE" "$T/lib/usercgi-pg.so"
		chmod 644 "$T/lib/usercgi-pg.so"
	fi
	# The portable build has no hasher (tests/portable/apache.sh).
	if [ -f "$USERCGI_HASHER" ]; then
		cp "$USERCGI_HASHER" "$T/lib/usercgi-hasher"
		chmod 755 "$T/lib/usercgi-hasher"
	fi
	# The private key stays out of everything the servers can read.
	mkdir -p "$T/jose"
	chmod 700 "$T/jose"
	$MINT setup "$T/jose" >/dev/null || bail "cannot mint keys (cd tests/jose && npm ci)"
	cp "$T/jose/jwks.json" "$T/etc/jwks.json"
	chmod 644 "$T/etc/jwks.json"
	cat >"$T/etc/usercgi.conf" <<-EOF
	database = $DB
	jwks_file = $T/etc/jwks.json
	issuer = $ISSUER
	audience = $AUDIENCE
	max_body_bytes = $MAX_BODY
	phone_module = $T/lib/usercgi-phone.so
	fetch_module = $T/lib/usercgi-fetch.so
	pg_module = $T/lib/usercgi-pg.so
	hasher = $T/lib/usercgi-hasher
	EOF
	chmod 644 "$T/etc/usercgi.conf"
	chown "$RUNAS_USER:$RUNAS_GROUP" "$T/data" "$T/run" "$T/log"
	chmod 700 "$T/data"
	TOKEN=$($MINT token "$T/jose") || bail "cannot mint a token"
	[ -n "$TOKEN" ] || bail "empty token"
}

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	$NODE -e 'const s = require("net").createServer();
		s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# srv_subst FILE: prints a shipped configuration with the placeholders
# replaced by this test's paths and port.
srv_subst() {
	sed -e "s|@CGIBIN@|$T/cgi-bin|g" -e "s|@SYSCONFDIR@|$T/etc|g" \
	    -e "s|@RUNDIR@|$T/run|g" -e "s|@LOGDIR@|$T/log|g" \
	    -e "s|@LISTEN@|127.0.0.1:${PORT:-0}|g" -e "s|@PORT@|${PORT:-0}|g" "$1"
}

# srv_bg LOG COMMAND...: starts a server in the foreground of a background
# job, in a session of its own (Apache's mod_cgid signals whole process
# groups), and remembers its PID.
srv_bg() {
	local log=$1
	shift
	setsid "$@" >>"$log" 2>&1 </dev/null &
	echo $! >>"$T/pids"
}

# wait_http: waits up to 10 s until the server on $PORT answers.
wait_http() {
	local i
	for i in $(seq 1 50); do
		curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/" && return 0
		sleep 0.2
	done
	return 1
}

# wait_file PATH: waits up to 10 s until PATH exists (a socket, a PID file).
wait_file() {
	local i
	for i in $(seq 1 50); do
		[ -e "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

# req METHOD PATH BODYFILE [AUTH] [CURL ARGS...]: one request to the
# server; sets STATUS and BODY.  AUTH "-" sends no Authorization header;
# the default is "Bearer $TOKEN".  BODYFILE "-" sends no body.
req() {
	local method=$1 path=$2 file=$3 auth=${4:-Bearer $TOKEN}
	shift 3
	[ $# -gt 0 ] && shift
	local -a args=(-s -o "$T/resp" -w '%{http_code}' --max-time 30 -X "$method")
	[ "$auth" != "-" ] && args+=(-H "Authorization: $auth")
	[ "$file" != "-" ] && args+=(-H 'Content-Type: application/json' --data-binary "@$file")
	STATUS=$(curl "${args[@]}" "$@" "http://127.0.0.1:$PORT$path") || STATUS=000
	BODY=$(cat "$T/resp" 2>/dev/null)
}

# body_has NAME STRING: the last response body contains STRING.
body_has() {
	case $BODY in
	*"$2"*) ok "$1" ;;
	*) not_ok "$1"; printf '%.300s\n' "$BODY" | sed 's/^/#   /' ;;
	esac
}

# json_body FILE SIZE: writes a JSON object of exactly SIZE bytes, a user
# with a customData string padded to fit.
json_body() {
	local head='{"customData":{"pad":"' tail='"}}'
	local n=$(($2 - ${#head} - ${#tail}))
	{ printf '%s' "$head"; head -c "$n" /dev/zero | tr '\0' x; printf '%s' "$tail"; } >"$1"
}

# run_checks NAME: the HTTP checks every configuration must pass.  NAME
# makes the usernames unique to the server.
run_checks() {
	local name=$1 f=$T/body.json

	# A developer's pause to poke at the running server by hand.
	if [ -n "${SRV_PAUSE:-}" ]; then
		echo "# PORT=$PORT T=$T"
		sleep "$SRV_PAUSE"
	fi

	printf '{"username":"srv_%s","customData":{"via":"%s"}}' "$name" "$name" >"$f"
	req POST /api/users "$f"
	check "$STATUS" 200 "create a user: 200"
	body_has "the response is the new user" "\"username\":\"srv_$name\""

	req POST /api/users "$f"
	check "$STATUS" 422 "same username again: 422"
	body_has "422 names the conflict" '"code":"user.username_already_in_use"'

	req POST /api/users "$f" -
	check "$STATUS" 401 "no Authorization header: 401"
	body_has "401 says the header is missing" '"code":"auth.authorization_header_missing"'

	req POST /api/users "$f" "Bearer not.a.token"
	check "$STATUS" 401 "a bad token reaches the application: 401"
	body_has "401 says unauthorized, not missing" '"code":"auth.unauthorized"'

	json_body "$f" $((MAX_BODY + 1))
	req POST /api/users "$f"
	check "$STATUS" 413 "body one byte over max_body_bytes: 413"

	json_body "$f" "$MAX_BODY"
	req POST /api/users "$f"
	check "$STATUS" 200 "body of exactly max_body_bytes gets through: 200"

	json_body "$f" $((100 * 1024))
	req POST /api/users "$f"
	check "$STATUS" 200 "100 KiB customData: 200"
	if [ "${#BODY}" -gt $((100 * 1024)) ]; then
		ok "100 KiB customData comes back whole"
	else
		not_ok "100 KiB customData comes back whole"
		echo "#   body length ${#BODY}"
	fi

	printf '{"username":"srv_%s_chunked"}' "$name" >"$f"
	req POST /api/users "$f" "Bearer $TOKEN" -H 'Transfer-Encoding: chunked'
	case $STATUS in
	411) ok "chunked body: 411 (length required)" ;;
	200) body_has "chunked body: 200 with the body read" \
	    "\"username\":\"srv_${name}_chunked\"" ;;
	*) not_ok "chunked body: 200 or 411"
	   printf '%s %.300s\n' "$STATUS" "$BODY" | sed 's/^/#   /' ;;
	esac

	json_body "$f" $((MAX_BODY + 1))
	req POST /api/users "$f" "Bearer $TOKEN" -H 'Transfer-Encoding: chunked'
	case $STATUS in
	411 | 413 | 500) ok "chunked body over the limit: refused ($STATUS)" ;;
	*) not_ok "chunked body over the limit: refused"
	   printf '%s %.300s\n' "$STATUS" "$BODY" | sed 's/^/#   /' ;;
	esac

	printf '{}' >"$f"
	req POST /api/nope "$f"
	check "$STATUS" 404 "unknown path under /api: 404"
	# The API root found at the mount point, whatever the server passes
	# in SCRIPT_NAME and PATH_INFO (app.c app_api_path).
	req GET /api/users/nosuchuser0 -
	check "$STATUS" 404 "GET /api/users/{id} reaches the handler"
	body_has "unknown user: entity.not_found" '{"code":"entity.not_found","message":"The resource does not exist."}'
	req GET /api/users/nosuchuser0/password/verify -
	check "$STATUS" 405 "GET on the verify route: 405"
	req POST /api/x/api/users "$f"
	check "$STATUS" 404 "/api/x/api/users is no route"
}

# check_logs [RESPONDER_LOG]: no log of the server or the responder holds
# the token; the responder's log, when named, has one line per request.
check_logs() {
	if [ $# -gt 0 ]; then
		if grep -q 'POST .*/api/users 201\|POST .*/api/users 200' "$1" 2>/dev/null; then
			ok "the responder logs its requests"
		else
			not_ok "the responder logs its requests"
			sed 's/^/#   /' "$1" 2>/dev/null | tail -n 5
		fi
	fi
	local sig=${TOKEN##*.}
	if grep -rqF -e "$sig" "$T/log" 2>/dev/null; then
		not_ok "no log line holds the token"
	else
		ok "no log line holds the token"
	fi
}

# stop_pids NAME PID...: SIGTERM; the processes must exit within 10 s.
stop_pids() {
	local name=$1 pid i left
	shift
	for pid in "$@"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for i in $(seq 1 50); do
		left=
		for pid in "$@"; do
			pid_alive "$pid" && left="$left $pid"
		done
		[ -z "$left" ] && break
		sleep 0.2
	done
	if [ -z "$left" ]; then
		ok "$name exit on SIGTERM"
	else
		not_ok "$name exit on SIGTERM"
		echo "#   still running:$left"
	fi
}

# check_no_responders: after the server stopped, no responder it started
# is left running.
check_no_responders() {
	local i left
	for i in $(seq 1 25); do
		left=$(srv_responders)
		[ -z "$left" ] && break
		sleep 0.2
	done
	if [ -z "$left" ]; then
		ok "no responder left after the server stopped"
	else
		not_ok "no responder left after the server stopped"
		echo "#   still running: $left"
	fi
}

# apache_start MODULE... -- CONF...: writes a private Apache main
# configuration (ServerRoot $T/apache, the document root $T/www, listening
# on 127.0.0.1:$PORT, the event MPM, the given modules from the system's
# module directory), includes the given (substituted) files, and starts
# Apache in the foreground.  Sets APID.
apache_start() {
	local moddir=${APACHE_MODULES:-/usr/lib/apache2/modules} c
	local conf=$T/apache/httpd.conf
	mkdir -p "$T/apache/run"
	chown "$RUNAS_USER:$RUNAS_GROUP" "$T/apache/run"
	{
		echo "ServerRoot $T/apache"
		echo "ServerName 127.0.0.1"
		echo "Listen 127.0.0.1:$PORT"
		echo "PidFile $T/apache/run/httpd.pid"
		echo "DefaultRuntimeDir $T/apache/run"
		echo "ErrorLog $T/log/apache-error.log"
		echo "LogLevel warn"
		echo "LoadModule mpm_event_module $moddir/mod_mpm_event.so"
		echo "LoadModule authz_core_module $moddir/mod_authz_core.so"
		while [ $# -gt 0 ] && [ "$1" != "--" ]; do
			echo "LoadModule ${1}_module $moddir/mod_$1.so"
			shift
		done
		[ $# -gt 0 ] && shift
		if [ "$(id -u)" -eq 0 ]; then
			echo "User $RUNAS_USER"
			echo "Group $RUNAS_GROUP"
		fi
		echo "StartServers 1"
		echo "ServerLimit 2"
		echo "MinSpareThreads 4"
		echo "MaxSpareThreads 16"
		echo "ThreadsPerChild 8"
		echo "MaxRequestWorkers 16"
		echo "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %b\" common"
		echo "CustomLog $T/log/apache-access.log common"
		echo "DocumentRoot $T/www"
		echo "<Directory />"
		echo "	AllowOverride None"
		echo "	Require all denied"
		echo "</Directory>"
		echo "<Directory $T/www>"
		echo "	AllowOverride ${APACHE_WWW_OVERRIDE:-None}"
		echo "	Require all granted"
		echo "</Directory>"
		for c in "$@"; do
			echo "Include $c"
		done
	} >"$conf"
	if apache2 -t -f "$conf" >"$T/log/apache-check.log" 2>&1; then
		ok "Apache accepts the configuration"
	else
		not_ok "Apache accepts the configuration"
		sed 's/^/#   /' "$T/log/apache-check.log"
	fi
	srv_bg "$T/log/apache.out" apache2 -f "$conf" -DFOREGROUND
	APID=$(tail -n 1 "$T/pids")
	wait_http || bail "Apache did not start: $(cat "$T/log/"apache* 2>/dev/null)"
}

# spawn_start: starts the responders with the shipped spawn-fcgi script
# on $T/run/usercgi.sock.  Sets SPIDS (the children's PIDs).
spawn_start() {
	srv_subst "$ETC/spawn-fcgi/usercgi-spawn-fcgi" >"$T/etc/usercgi-spawn-fcgi"
	echo "$T/run/usercgi.pid" >>"$T/pidfiles"
	if USERCGI_CHILDREN=2 USERCGI_USER=$RUNAS_USER USERCGI_GROUP=$RUNAS_GROUP \
	    USERCGI_SOCKET_GROUP=$RUNAS_GROUP \
	    sh "$T/etc/usercgi-spawn-fcgi" >"$T/log/spawn-fcgi.log" 2>&1 &&
	    wait_file "$T/run/usercgi.pid" && wait_file "$T/run/usercgi.sock"; then
		ok "spawn-fcgi starts the responders"
	else
		not_ok "spawn-fcgi starts the responders"
		sed 's/^/#   /' "$T/log/spawn-fcgi.log"
		bail "no responders"
	fi
	sleep 0.2
	SPIDS=$(cat "$T/run/usercgi.pid")
	check "$(echo "$SPIDS" | wc -l)" 2 "USERCGI_CHILDREN responders run"
	local mode
	mode=$(stat -c %a "$T/run/usercgi.sock")
	check "$mode" 660 "the socket is private to its owner and the web server's group"
}

# nginx_start: writes a private nginx main configuration (prefix $T/nginx,
# its temporary files there, the distribution's fastcgi_params beside it),
# includes the shipped server block listening on 127.0.0.1:$PORT, and
# starts nginx in the foreground.  Sets NPID.
nginx_start() {
	local p=$T/nginx params
	params=${NGINX_FASTCGI_PARAMS:-/etc/nginx/fastcgi_params}
	mkdir -p "$p/conf" "$p/tmp"
	chown "$RUNAS_USER:$RUNAS_GROUP" "$p/tmp"
	cp "$params" "$p/conf/fastcgi_params" || bail "no fastcgi_params at $params"
	srv_subst "$ETC/nginx/usercgi.conf" >"$p/conf/usercgi.conf"
	{
		[ "$(id -u)" -eq 0 ] && echo "user $RUNAS_USER ${NGINX_GROUP:-$RUNAS_GROUP};"
		echo "worker_processes 1;"
		echo "daemon off;"
		echo "pid $p/nginx.pid;"
		echo "error_log $T/log/nginx-error.log warn;"
		echo "events { worker_connections 64; }"
		echo "http {"
		echo "	access_log $T/log/nginx-access.log;"
		echo "	client_body_temp_path $p/tmp/body;"
		echo "	fastcgi_temp_path $p/tmp/fastcgi;"
		echo "	proxy_temp_path $p/tmp/proxy;"
		echo "	scgi_temp_path $p/tmp/scgi;"
		echo "	uwsgi_temp_path $p/tmp/uwsgi;"
		echo "	include usercgi.conf;"
		echo "}"
	} >"$p/conf/nginx.conf"
	if nginx -t -q -e "$T/log/nginx-check-error.log" -p "$p" -c conf/nginx.conf \
	    >>"$T/log/nginx-check.log" 2>&1; then
		ok "nginx accepts the configuration"
	else
		not_ok "nginx accepts the configuration"
		sed 's/^/#   /' "$T/log/nginx-check.log"
	fi
	srv_bg "$T/log/nginx.out" nginx -e "$T/log/nginx-error.log" -p "$p" -c conf/nginx.conf
	NPID=$(tail -n 1 "$T/pids")
	wait_http || bail "nginx did not start: $(cat "$T/log/"nginx* 2>/dev/null)"
}
