#!/bin/bash
# fastcgi_pg.sh: the FastCGI responder behind lighttpd on a PostgreSQL
# database: a worker connects one thread at start and the others on
# their first request; a lost connection is one 503 with Retry-After and
# the worker reconnects by itself.  Server: tests/cgi/pg_server.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_server.sh"
setup
trap 'lighttpd_stop; pg_server_stop; pg_lib_fini; rm -rf "$T"' EXIT
pg_server_start
DB=$(pg_newdb "usercgi_fcgi_$$")
dbq() { psql "$DB" -XAtq -c "$1"; }

# conf THREADS: the responder's configuration.
conf() {
	cat >"$T/usercgi.conf" <<-CONF
	database = $DB
	jwks_file = $T/jwks.json
	issuer = $ISSUER
	audience = $AUDIENCE
	threads = $1
	CONF
}
# req METHOD [BODY]: one request to /api/users; sets STATUS, HEADERS, BODY.
req() {
	local out
	out=$(curl -s -i -X "$1" -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' ${2:+--data-binary "$2"} "$url")
	HEADERS=${out%%$'\r\n\r\n'*}
	BODY=${out#*$'\r\n\r\n'}
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' | head -n 1)
}
backends() {
	dbq "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
}

conf 16
lighttpd_start "$T/usercgi.conf" 1
n=$(backends)
[ "$n" = 1 ] && ok "a worker of 16 threads connects one at start" ||
	not_ok "a worker of 16 threads connects one at start (got $n)"
req POST '{"username":"fcgi1","primaryEmail":"F1@example.com"}'
expect_status "create" 200
req GET
case $HEADERS in *$'Total-Number: 1\r'*) ok "list: Total-Number 1" ;;
	*) not_ok "list: Total-Number 1"; printf '#   %s\n' "$HEADERS" ;; esac
lighttpd_stop

# One thread, so that the next request meets the killed connection.
conf 1
lighttpd_start "$T/usercgi.conf" 1
req GET; expect_status "one thread: a first request" 200
dbq "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" >/dev/null
req POST '{"username":"fcgi2"}'
expect "the connection killed: 503" 503 \
    '{"code":"request.service_unavailable","message":"The service is temporarily unavailable. Please retry."}'
case $HEADERS in *$'Retry-After: '*) ok "503 with Retry-After" ;;
	*) not_ok "503 with Retry-After"; printf '#   %s\n' "$HEADERS" ;; esac
[ "$(dbq "SELECT count(*) FROM users WHERE username = 'fcgi2'")" = 0 ] &&
	ok "nothing written by the 503" || not_ok "nothing written by the 503"
req POST '{"username":"fcgi2"}'
expect_status "the worker reconnects by itself" 200
req POST '{"username":"fcgi2"}'
expect "and its statements are prepared again" 422 \
    '{"code":"user.username_already_in_use","message":"This username is already in use."}'
[ "$(lighttpd_workers | wc -l)" = 1 ] && ok "the same worker, not restarted" ||
	not_ok "the same worker, not restarted"
grep -q 'password' "$T/lighttpd.log" && not_ok "no password in the log" || ok "no password in the log"
tap_done
