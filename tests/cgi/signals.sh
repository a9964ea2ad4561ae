#!/bin/bash
# signals.sh: a plain CGI request ends promptly when the web server gives
# up on it (issue 12, item 2): on SIGTERM (lighttpd and Apache send it),
# on SIGPIPE, and when the reading end of its stdout is closed, even in
# the middle of an expensive argon2 hash, and even when the server left
# those signals ignored.  Nothing is half-written: the row is not
# stored and the database passes PRAGMA integrity_check (SQLite; on
# PostgreSQL the server rolls back what a vanished client left open).  (A FastCGI
# worker still finishes the requests in hand on SIGTERM: fastcgi.sh.)
. "$(dirname "$0")/lib.sh"
for c in mkfifo $(db_client); do
	command -v "$c" >/dev/null || { echo "1..0 # SKIP $c is not installed"; exit 0; }
done
setup

# A slow create: argon2i with 128 MiB and 64 passes takes seconds; the
# hash holds m KiB, which tells when the process is in the middle of it.
M_KIB=131072
limit_ms=1000
[ -n "${UCGI_WRAPPER:-}" ] && limit_ms=10000	# valgrind

# start_slow USER OUT [IGNORED-SIGNALS]: starts one create of USER with a
# password in the background, stdout to OUT, with IGNORED-SIGNALS
# ignored as a web server may leave them; sets bpid.
start_slow() {
	local body="{\"username\":\"$1\",\"password\":\"a slow password\"}"
	local -a envs=(REQUEST_METHOD=POST SCRIPT_NAME=/cgi-bin/usercgi.fcgi
	    PATH_INFO=/api/users SERVER_PROTOCOL=HTTP/1.1
	    GATEWAY_INTERFACE=CGI/1.1 CONTENT_TYPE=application/json
	    CONTENT_LENGTH=${#body} HTTP_AUTHORIZATION="Bearer $TOKEN"
	    USERCGI_CONFIG="$T/usercgi.conf" USERCGI_DATABASE="$DB"
	    USERCGI_JWKS_FILE="$T/jwks.json" USERCGI_ISSUER="$ISSUER"
	    USERCGI_AUDIENCE="$AUDIENCE" USERCGI_PHONE_MODULE="$PHONE_MODULE"
	    USERCGI_ARGON2_T=64 USERCGI_ARGON2_M=$M_KIB)
	local v
	for v in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS; do
		[ -n "${!v:-}" ] && envs+=("$v=${!v}")
	done
	printf '%s' "$body" >"$T/body"
	bash -c '[ -z "$1" ] || trap "" $1; shift; exec "$@"' - "${3:-}" \
	    env -i "${envs[@]}" ${UCGI_WRAPPER:-} "$UCGI" <"$T/body" >"$2" 2>"$T/stderr" &
	bpid=$!
}

# in_hash PID: waits (up to 30 s) until PID's resident set holds the
# hash's memory; returns 1 if it never does.
in_hash() {
	local i rss
	for i in $(seq 1 300); do
		rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
		[ -n "$rss" ] && [ "$rss" -ge $((M_KIB / 2)) ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# ended_fast NAME PID T0: PID ends within limit_ms of T0 (date +%s%N);
# kills it otherwise.  Sets RC to its exit status.
ended_fast() {
	local i ms
	for i in $(seq 1 $((limit_ms / 10 + 1000))); do
		kill -0 "$2" 2>/dev/null || break
		sleep 0.01
	done
	ms=$(( ($(date +%s%N) - $3) / 1000000 ))
	if kill -0 "$2" 2>/dev/null; then
		kill -KILL "$2" 2>/dev/null
		not_ok "$1: the process still ran after $ms ms"
	elif [ "$ms" -le "$limit_ms" ]; then
		ok "$1: the process ended within $limit_ms ms ($ms ms)"
	else
		not_ok "$1: the process ended after $ms ms (limit $limit_ms)"
	fi
	wait "$2"
	RC=$?
}

# untouched NAME USER: USER was not stored, the database is intact.
untouched() {
	local n ic
	n=$(dbq "SELECT count(*) FROM users WHERE username = '$2'")
	[ "$n" = 0 ] && ok "$1: no row stored" || not_ok "$1: $n rows stored"
	if db_pg; then
		ok "# SKIP SQLite only: $1: integrity_check"
		return
	fi
	ic=$(dbq 'PRAGMA integrity_check')
	[ "$ic" = ok ] && ok "$1: integrity_check ok" || not_ok "$1: integrity_check: $ic"
}

cgi POST /api/users '{"username":"first"}'
expect_status "baseline create (the database exists)" 200

# --- SIGTERM and SIGPIPE in the middle of the hash ------------------------
n=0
for sig in TERM PIPE; do
	for ign in "" "$sig"; do
		n=$((n + 1))
		name="SIG$sig${ign:+ (ignored by the server)}"
		start_slow "slow_$n" "$T/out" "$ign"
		if in_hash "$bpid"; then ok "$name: the request is hashing"; else
			not_ok "$name: the request is hashing"; sed 's/^/#   /' "$T/stderr"; fi
		t0=$(date +%s%N)
		kill -"$sig" "$bpid"
		ended_fast "$name" "$bpid" "$t0"
		want=$((128 + $(kill -l "$sig")))
		[ "$RC" = "$want" ] && ok "$name: killed by the signal" ||
			not_ok "$name: exit status $RC, want $want"
		[ -s "$T/out" ] && not_ok "$name: nothing answered" || ok "$name: nothing answered"
		untouched "$name" "slow_$n"
	done
done

# --- the web server closes the reading end of stdout ----------------------
rm -f "$T/fifo"
mkfifo "$T/fifo"
cat "$T/fifo" >/dev/null &
reader=$!
start_slow slow_pipe "$T/fifo"
if in_hash "$bpid"; then ok "closed stdout: the request is hashing"; else
	not_ok "closed stdout: the request is hashing"; sed 's/^/#   /' "$T/stderr"; fi
t0=$(date +%s%N)
kill "$reader"
wait "$reader" 2>/dev/null
ended_fast "closed stdout" "$bpid" "$t0"
grep -q 'the web server closed the response pipe: stopping the request' "$T/stderr" &&
	ok "closed stdout: logged" || { not_ok "closed stdout: logged"; sed 's/^/#   /' "$T/stderr"; }
untouched "closed stdout" slow_pipe

# --- a request that runs to its end is not disturbed ----------------------
cgi POST /api/users '{"username":"after","password":"quick"}'
expect_status "then a create with a password: 200" 200
n=$(dbq "SELECT count(*) FROM users")
[ "$n" = 2 ] && ok "two users stored in all" || not_ok "$n users stored, want 2"

tap_done
