#!/bin/bash
# routes.sh: routing, methods and configuration errors of the responder.
. "$(dirname "$0")/lib.sh"
setup

cgi GET /api/nothing ""
expect "unknown path is 404 JSON" 404 '{"code":"request.route_not_found","message":"Not Found"}'
cgi PUT /api/users ""
expect "PUT /api/users is 405" 405 '{"code":"request.method_not_allowed","message":"Method Not Allowed"}'
case $HEADERS in *'Allow: GET, POST'*) ok "405 names the allowed methods" ;;
	*) not_ok "405 names the allowed methods"; echo "# $HEADERS" ;; esac
cgi DELETE /api/users ""
expect_status "DELETE /api/users is 405" 405
cgi POST /api/usersx "{}"
expect "/api/usersx is 404" 404 '{"code":"request.route_not_found","message":"Not Found"}'
cgi POST /api/users/ "{}"
expect_status "trailing slash is the collection" 200
case $HEADERS in *$'Content-Type: application/json; charset=utf-8\r'*)
	ok "JSON content type" ;; *) not_ok "JSON content type" ;; esac
case $HEADERS in *$'Cache-Control: no-store\r'*) ok "no-store" ;;
	*) not_ok "no-store" ;; esac

# Mounted at /api (SCRIPT_NAME=/api, PATH_INFO=/users), as behind lighttpd.
out=$(printf '{}' | env -i REQUEST_METHOD=POST SCRIPT_NAME=/api PATH_INFO=/users \
    CONTENT_TYPE=application/json CONTENT_LENGTH=2 HTTP_AUTHORIZATION="Bearer $TOKEN" \
    USERCGI_CONFIG="$T/usercgi.conf" USERCGI_DATABASE="$DB" \
    USERCGI_JWKS_FILE="$T/jwks.json" USERCGI_ISSUER="$ISSUER" \
    USERCGI_AUDIENCE="$AUDIENCE" "$UCGI" 2>/dev/null)
case $out in "Status: 200 OK"*) ok "mounted at /api" ;; *) not_ok "mounted at /api"; echo "# $out" ;; esac

# Issue 12 #11: the API root only at the mount point (README.md, "Where
# the API is mounted").  at SCRIPT_NAME PATH_INFO METHOD [BODY]: sets
# STATUS and BODY.
at() {
	local out b=${4:-}
	out=$(printf '%s' "$b" | env -i REQUEST_METHOD="$3" SCRIPT_NAME="$1" PATH_INFO="$2" \
	    CONTENT_TYPE=application/json CONTENT_LENGTH="${#b}" HTTP_AUTHORIZATION="Bearer $TOKEN" \
	    USERCGI_CONFIG="$T/usercgi.conf" USERCGI_DATABASE="$DB" \
	    USERCGI_JWKS_FILE="$T/jwks.json" USERCGI_ISSUER="$ISSUER" \
	    USERCGI_AUDIENCE="$AUDIENCE" ${UCGI_WRAPPER:-} "$UCGI" 2>/dev/null)
	STATUS=$(printf '%s\n' "$out" | sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -n 1)
	BODY=${out#*$'\r\n\r\n'}
}
NF='{"code":"request.route_not_found","message":"Not Found"}'
at /cgi-bin/usercgi.fcgi /x/api/users/abc GET
expect "PATH_INFO=/x/api/users/ID is no route" 404 "$NF"
at /foo/api/usersX "" POST '{}'
expect "SCRIPT_NAME=/foo/api/usersX is no route" 404 "$NF"
at /foo/api/users "" POST '{}'
expect "SCRIPT_NAME=/foo/api/users is no route" 404 "$NF"
at /api /api/users POST '{}'
expect "/api/api/users is no route" 404 "$NF"
at /cgi-bin/usercgi.fcgi /apix/users POST '{}'
expect "PATH_INFO=/apix/users is no route" 404 "$NF"
at /api/users "" POST '{}'
expect_status "mod_proxy_fcgi: all in SCRIPT_NAME" 200
at /usercgi.fcgi /api/users POST '{}'
expect_status "shared hosting: usercgi.fcgi/api/users" 200
at /x/api /users POST '{}'
expect_status "mounted at /x/api" 200
at /api /users/abc/password/verify GET
expect "GET verify is 405" 405 '{"code":"request.method_not_allowed","message":"Method Not Allowed"}'

# Issue 12 #8: bytes that are not UTF-8 never reach a body; an unknown
# id is Logto's entity.not_found (users-api.md §0), which names no id.
cgi GET $'/api/users/\xff\xfe' ""
expect "GET /api/users/%FF%FE" 404 '{"code":"entity.not_found","message":"The resource does not exist."}'

# A chunked body passed on without CONTENT_LENGTH (Apache mod_cgid,
# mod_proxy_fcgi) is read to its end, not taken for an empty body.
chunked() {
	printf '%s' "$1" | env -i REQUEST_METHOD=POST SCRIPT_NAME=/api PATH_INFO=/users \
	    CONTENT_TYPE=application/json HTTP_TRANSFER_ENCODING=chunked \
	    HTTP_AUTHORIZATION="Bearer $TOKEN" USERCGI_CONFIG="$T/usercgi.conf" \
	    USERCGI_DATABASE="$DB" USERCGI_JWKS_FILE="$T/jwks.json" \
	    USERCGI_ISSUER="$ISSUER" USERCGI_AUDIENCE="$AUDIENCE" \
	    USERCGI_MAX_BODY_BYTES=64 ${UCGI_WRAPPER:-} "$UCGI" 2>/dev/null
}
out=$(chunked '{"username":"chunky"}')
case $out in "Status: 200 OK"*'"username":"chunky"'*) ok "chunked body without CONTENT_LENGTH is read" ;;
	*) not_ok "chunked body without CONTENT_LENGTH is read"; echo "# $out" ;; esac
out=$(chunked "{\"name\":\"$(head -c 100 /dev/zero | tr '\0' a)\"}")
case $out in "Status: 413 "*'{"code":"guard.file_size_exceeded","message":"Request body is too large."}') ok "chunked body over the limit is 413" ;;
	*) not_ok "chunked body over the limit is 413"; echo "# $out" ;; esac

# Logto's development bypass (a development-user-id header) does not exist.
CGI_EXTRA_ENV="HTTP_DEVELOPMENT_USER_ID=admin" cgi POST /api/users '{"username":"bypass"}' -
expect "development-user-id header does not skip the token check" 401 \
    '{"code":"auth.authorization_header_missing","message":"Authorization header is missing."}'

# Configuration errors: a clear log line and a JSON 500, never a crash.
CGI_EXTRA_ENV="USERCGI_DATABSE=/x" cgi POST /api/users "{}"
expect "config typo is a 500 JSON" 500 '{"message":"Internal server error."}'
if grep -q 'unknown variable USERCGI_DATABSE' "$T/stderr"; then ok "and logged"; else not_ok "and logged"; fi
CGI_EXTRA_ENV="USERCGI_CONFIG=$T/missing.conf" cgi POST /api/users "{}"
expect "missing config file is a 500 JSON" 500 '{"message":"Internal server error."}'

# The database directory is not writable: 503 with Retry-After, not a crash.
CGI_EXTRA_ENV="USERCGI_DATABASE=/proc/usercgi/users.db" cgi POST /api/users '{"username":"x"}'
expect_status "unwritable database is 503" 503
case $HEADERS in *$'Retry-After: '*) ok "with Retry-After" ;; *) not_ok "with Retry-After" ;; esac

# Nothing secret in the log.
cgi POST /api/users '{"username":"logcheck","password":"s3cret-pw"}'
expect_status "create with password" 200
if grep -q -e 's3cret-pw' -e "$TOKEN" "$T/stderr"; then not_ok "no password or token in the log"; else ok "no password or token in the log"; fi
tap_done
