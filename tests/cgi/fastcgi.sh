#!/bin/bash
# fastcgi.sh: the responder as a FastCGI application behind a real
# lighttpd on 127.0.0.1, with the quickstart's shipped configuration.
. "$(dirname "$0")/lib.sh"
setup
if ! command -v lighttpd >/dev/null; then
	echo "1..0 # SKIP lighttpd is not installed"; exit 0
fi
[ -n "${UCGI_WRAPPER:-}" ] && { echo "1..0 # SKIP not under valgrind"; exit 0; }

port=$(free_port)
cat >"$T/usercgi.conf" <<CONF
database = $DB
jwks_file = $T/jwks.json
issuer = $ISSUER
audience = $AUDIENCE
max_body_bytes = 4096
CONF
mkdir -p "$T/htdocs"
sed -e "s|@CGIBIN@|$top_builddir/cgi-bin|g" -e "s|@PORT@|$port|g" \
    -e "s|@DATADIR@|$T|g" -e "s|@CONFIG@|$T/usercgi.conf|g" \
    -e "s|/dev/stderr|$T/lighttpd.log|" \
    "$top_srcdir/etc/lighttpd-quickstart.conf" >"$T/lighttpd.conf"
lighttpd -D -f "$T/lighttpd.conf" 2>>"$T/lighttpd.log" &
lpid=$!
trap 'kill $lpid 2>/dev/null; wait $lpid 2>/dev/null; test_cleanup' EXIT
for i in $(seq 1 50); do
	curl -s -o /dev/null "http://127.0.0.1:$port/" && break
	sleep 0.1
done

# A FastCGI worker refuses to start (exit 1, a clear log line) when the
# database directory is not writable or the database lies under
# DOCUMENT_ROOT.  fd 0 is a listening Unix socket, as a server gives it.
# start_worker DB [ENV...]: sets RC and LOG.
start_worker() {
	local db=$1; shift
	LOG=$(python3 - "$UCGI" "$T/w.sock" "$db" "$T/jwks.json" "$ISSUER" "$AUDIENCE" "$@" <<'PY' 2>&1
import os, socket, subprocess, sys
ucgi, sock, db, jwks, iss, aud = sys.argv[1:7]
s = socket.socket(socket.AF_UNIX)
if os.path.exists(sock):
    os.unlink(sock)
s.bind(sock)
s.listen(4)
env = {"USERCGI_CONFIG": "/dev/null", "USERCGI_DATABASE": db,
       "USERCGI_JWKS_FILE": jwks, "USERCGI_ISSUER": iss,
       "USERCGI_AUDIENCE": aud}
for kv in sys.argv[7:]:
    k, v = kv.split("=", 1)
    env[k] = v
try:
    p = subprocess.run([ucgi], stdin=s.fileno(), env=env, timeout=10)
    print("exit", p.returncode)
except subprocess.TimeoutExpired:
    print("exit timeout")
PY
)
}
# The database file's directory, place and kind are the SQLite store's.
if db_pg; then
	for c in "an unwritable database directory" "a database under DOCUMENT_ROOT" "a symlinked database"; do
		ok "# SKIP SQLite only: worker refuses $c"
	done
else
	start_worker /proc/usercgi/users.db
	case $LOG in *"database directory /proc/usercgi is not writable"*"exit 1") ok "worker refuses an unwritable database directory" ;;
		*) not_ok "worker refuses an unwritable database directory"; printf '%s\n' "$LOG" | sed 's/^/# /' ;; esac
	start_worker "$T/users.db" DOCUMENT_ROOT="$T"
	case $LOG in *"lies under DOCUMENT_ROOT"*"exit 1") ok "worker refuses a database under DOCUMENT_ROOT" ;;
		*) not_ok "worker refuses a database under DOCUMENT_ROOT"; printf '%s\n' "$LOG" | sed 's/^/# /' ;; esac
	mkdir -p "$T/real"
	ln -s "$T/real/users.db" "$T/link.db"
	start_worker "$T/link.db"
	case $LOG in *"link.db is a symbolic link: refusing to serve"*"exit 1") ok "worker refuses a symlinked database" ;;
		*) not_ok "worker refuses a symlinked database"; printf '%s\n' "$LOG" | sed 's/^/# /' ;; esac
fi

url=http://127.0.0.1:$port/api/users
# req [CURL-ARGS...]: sets STATUS and BODY.
req() {
	local out
	out=$(curl -s -w '\n%{http_code}' "$@")
	STATUS=${out##*$'\n'}
	BODY=${out%$'\n'*}
}
req -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"username":"fcgi_user","primaryEmail":"F@Example.com"}' "$url"
expect_status "create through lighttpd" 200
case $BODY in '{"id":"'????????????'","username":"fcgi_user","primaryEmail":"F@Example.com",'*)
	ok "user object" ;; *) not_ok "user object: $BODY" ;; esac
req -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"username":"fcgi_user"}' "$url"
expect "duplicate through lighttpd" 422 '{"code":"user.username_already_in_use","message":"This username is already in use."}'
req -H 'Content-Type: application/json' -d '{}' "$url"
expect "no token" 401 '{"code":"auth.authorization_header_missing","message":"Authorization header is missing."}'
big=$(head -c 5000 /dev/zero | tr '\0' 'a')
req -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$big\"}" "$url"
expect "body over max_body_bytes" 413 '{"code":"guard.file_size_exceeded","message":"Request body is too large."}'
req "http://127.0.0.1:$port/api/nothing"
expect "unknown path" 404 '{"code":"request.route_not_found","message":"Not Found"}'
# Many requests over the same workers: the per-process state holds.
n=0
for i in $(seq 1 30); do
	req -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    -d "{\"username\":\"many_$i\"}" "$url"
	[ "$STATUS" = 200 ] && n=$((n + 1))
done
[ "$n" = 30 ] && ok "30 sequential creates" || not_ok "30 sequential creates: $n"
rows=$(dbq 'select count(*) from users')
[ "$rows" = 31 ] && ok "31 rows stored" || not_ok "rows: $rows"
# Workers end on SIGTERM (lighttpd stops them on shutdown).
workers=$(pgrep -P "$lpid" -f usercgi.fcgi | tr '\n' ' ')
[ -n "$workers" ] && ok "FastCGI workers running: $workers" || not_ok "no FastCGI workers found"
kill "$lpid"; wait "$lpid" 2>/dev/null
wait_gone $workers
[ -z "$alive" ] && ok "workers exit on SIGTERM" || not_ok "workers still running:$alive"
# max_requests: a worker with 4 threads and max_requests = 3 answers
# three requests (one per connection, FastCGI spoken by the client below)
# and then exits 0 by itself, threads waiting in accept included.
LOG=$(python3 - "$UCGI" "$T/m.sock" "$DB" "$T/jwks.json" "$ISSUER" "$AUDIENCE" "$HASHER" <<'PY' 2>&1
import os, socket, struct, subprocess, sys
ucgi, sock, db, jwks, iss, aud, hasher = sys.argv[1:8]
s = socket.socket(socket.AF_UNIX)
s.bind(sock)
s.listen(8)
env = {"USERCGI_CONFIG": "/dev/null", "USERCGI_DATABASE": db,
       "USERCGI_JWKS_FILE": jwks, "USERCGI_ISSUER": iss,
       "USERCGI_AUDIENCE": aud, "USERCGI_THREADS": "4",
       "USERCGI_MAX_REQUESTS": "3", "USERCGI_LOG_LEVEL": "err",
       "USERCGI_HASHER": hasher}
p = subprocess.Popen([ucgi], stdin=s.fileno(), env=env)

def rec(t, content):
    return struct.pack(">BBHHBx", 1, t, 1, len(content), 0) + content

def nv(k, v):
    return bytes([len(k), len(v)]) + k + v

def status():
    c = socket.socket(socket.AF_UNIX)
    c.settimeout(5)
    c.connect(sock)
    params = b"".join(nv(k, v) for k, v in (
        (b"REQUEST_METHOD", b"GET"), (b"SCRIPT_NAME", b"/api"),
        (b"PATH_INFO", b"/nothing")))
    c.sendall(rec(1, struct.pack(">HB5x", 1, 0)) + rec(4, params) +
              rec(4, b"") + rec(5, b""))
    data = b""
    while True:
        chunk = c.recv(65536)
        if not chunk:
            break
        data += chunk
    c.close()
    out, i = b"", 0
    while i + 8 <= len(data):
        _, t, _, n, pad = struct.unpack(">BBHHB", data[i:i + 7])
        if t == 6:
            out += data[i + 8:i + 8 + n]
        i += 8 + n + pad
    return out.split(b"\r\n", 1)[0].decode()

print(" ".join(status() for _ in range(3)))
try:
    print("exit", p.wait(timeout=5))
except subprocess.TimeoutExpired:
    p.kill()
    print("exit timeout")
PY
)
case $LOG in "Status: 404 Not Found Status: 404 Not Found Status: 404 Not Found"$'\n'"exit 0")
	ok "max_requests = 3: three answers, then the worker exits 0" ;;
	*) not_ok "max_requests = 3"; printf '%s\n' "$LOG" | sed 's/^/# /' ;; esac
tap_done
