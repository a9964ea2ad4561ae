#!/bin/bash
# bench/run.sh: usercgi's benchmark (issue 6).  Run after ./configure &&
# make:   bench/run.sh [BUILD_DIR]      (default: the source tree)
#
#         bench/run.sh --profile [BUILD_DIR]
#
# Starts lighttpd + usercgi (mod_fastcgi, one worker per core) on
# 127.0.0.1 with a fresh SQLite database, key pair and token in a temporary
# directory, and measures
#   (a) creates/s without a password (wrk, 16 connections),
#   (b) creates/s with a password,
#   (c) one create in plain CGI mode (hyperfine), with a reused token
#       and (c') with a token never seen before,
#   (d) the peak RSS (VmHWM) of a FastCGI worker,
# and in the same run the baselines: a trivial libfcgi responder behind the
# same lighttpd configuration under the same load, the raw argon2i hash
# time (libargon2, and libsodium when its headers are installed), a
# trivial program linked with the same libraries run as CGI, and (for
# reference) the time of one durable SQLite commit on the same disk.
# Each figure is printed with its ratio to its baseline.
#
# Environment: BENCH_SECONDS (per wrk run, default 10), BENCH_REPEAT (wrk
# runs per figure, median reported, default 3), BENCH_CONNS (default 16),
# BENCH_PW_CONNS (default 2 x cores), BENCH_PROCS (usercgi FastCGI
# workers, default 1), BENCH_THREADS (threads per worker, default 16),
# BENCH_TRIVIAL_PROCS (trivial responders, default cores),
# BENCH_CGI_RUNS (default 50), BENCH_ARGON2_RUNS (default
# 15), BENCH_KEEP=1 keeps the temporary directory.
# --users instead measures the users API (issue 13) over BENCH_USERS
# (1000000) users filled by bench/store-bench (built on demand): through the same lighttpd and FastCGI
# worker, the p50 latency (wrk, BENCH_USERS_CONNS connections) of GET
# /api/users/{id}, the first page of GET /api/users, an exact search by
# email, an exact case-insensitive search by username, a LIKE prefix
# (alice%), each beside GET by id in the same run, and a LIKE substring
# (%lice%, one connection: each is a scan) beside the same search as a raw
# sqlite3 scan of the table.  BENCH_USERS_SAMPLES (1000) random users
# give the ids, emails and usernames requested.
# --idem instead measures the Idempotency-Key (issue 17): through the same
# lighttpd and FastCGI worker, creates without a password without a key,
# each with a key of its own (the claim and the stored answer), and with
# one key for all (replays), $repeat wrk runs of each, interleaved; then
# one CGI create without and with a key (hyperfine, BENCH_CGI_RUNS).
# Short: BENCH_SECONDS=3 BENCH_REPEAT=3 BENCH_CGI_RUNS=30 bench/run.sh --idem.
# --profile instead runs one create without a password in CGI mode under
# valgrind --tool=callgrind (after one unprofiled create with the same
# token on the same fresh database: the profiled token is found in
# verified_tokens) and prints callgrind_annotate's top functions, the total for
# the trivial CGI program, then one FastCGI worker under callgrind (cost
# inside app_handle only) over BENCH_PROFILE_REQUESTS (200) creates through
# lighttpd, per request.  BENCH_TOP (30) sets the list length;
# BENCH_CALLGRIND_OUT=FILE keeps FILE, FILE.trivial and FILE.fcgi.
# Needs: lighttpd, wrk, hyperfine, curl, python3, node, cc (and valgrind
# for --profile).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
profile=0 users=0 idem=0
if [ "${1:-}" = --profile ]; then profile=1; shift; fi
if [ "${1:-}" = --idem ]; then idem=1; shift; fi
if [ "${1:-}" = --users ]; then users=1; shift; fi
build=$(cd "${1:-$top}" && pwd)
ucgi=$build/cgi-bin/usercgi.fcgi
secs=${BENCH_SECONDS:-10}
threads=${BENCH_THREADS:-16}
repeat=${BENCH_REPEAT:-3}
cores=$(nproc)
conns=${BENCH_CONNS:-16}
pw_conns=${BENCH_PW_CONNS:-$((2 * cores))}
# usercgi: one worker process whose threads share one group commit; the
# trivial responder (one request at a time per process): one per core.
procs=${BENCH_PROCS:-1}
trivial_procs=${BENCH_TRIVIAL_PROCS:-$cores}
cgi_runs=${BENCH_CGI_RUNS:-50}
a2_runs=${BENCH_ARGON2_RUNS:-15}
a2_t=8 a2_m=8192 a2_p=1
issuer=http://127.0.0.1:3001/oidc
audience=https://default.logto.app/api

for tool in lighttpd wrk hyperfine curl cc python3 node; do
	command -v "$tool" >/dev/null || {
		echo "bench: $tool is not installed (apt-get install lighttpd wrk hyperfine curl gcc python3 nodejs)" >&2
		exit 1; }
done
[ -x "$ucgi" ] || { echo "bench: $ucgi not built (run make)" >&2; exit 1; }
case $secs$repeat$conns$pw_conns$procs$cgi_runs$a2_runs in
*[!0-9]*) echo "bench: BENCH_* values must be whole numbers" >&2; exit 1 ;;
esac

T=$(mktemp -d "${TMPDIR:-/tmp}/usercgi-bench.XXXXXX")
lpid=
cleanup() {
	if [ -n "$lpid" ]; then kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null || true; fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$T/htdocs"

# ---- baseline programs --------------------------------------------------
libs="-lfcgi $(pkg-config --libs json-c sqlite3 libcrypto libargon2 libxcrypt libsodium)"
cc -O2 -o "$T/trivial-fcgi" "$top/bench/trivial-fcgi.c" -lfcgi
cc -O2 -o "$T/trivial-cgi" "$top/bench/trivial-cgi.c" -Wl,--no-as-needed $libs
if pkg-config --exists libsodium; then
	cc -O2 -DHAVE_SODIUM -o "$T/argon2-baseline" "$top/bench/argon2-baseline.c" \
	    $(pkg-config --libs libargon2 libsodium)
else
	cc -O2 -o "$T/argon2-baseline" "$top/bench/argon2-baseline.c" \
	    $(pkg-config --libs libargon2)
fi

# ---- key pair and token -------------------------------------------------
if [ -x "$build/tools/usercgi-admin" ]; then
	admin() {
		USERCGI_CONFIG=/dev/null USERCGI_DATABASE=$T/users.db \
		    USERCGI_JWKS_FILE=$T/jwks.json USERCGI_ISSUER=$issuer \
		    USERCGI_AUDIENCE=$audience "$build/tools/usercgi-admin" "$@"
	}
	admin keygen "$T" >/dev/null
	token=$(admin token "$T/private.pem" --ttl 3600)
else
	token=$(node - "$T" "$issuer" "$audience" <<'JS'
// An ES384 key pair (jwks.json) and a one-hour Logto-style access token.
const crypto = require('crypto'), fs = require('fs');
const [dir, iss, aud] = process.argv.slice(2);
const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
const jwk = publicKey.export({ format: 'jwk' });
Object.assign(jwk, { kid: 'bench', alg: 'ES384', use: 'sig' });
fs.writeFileSync(dir + '/jwks.json', JSON.stringify({ keys: [jwk] }));
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const input = b64({ alg: 'ES384', typ: 'at+jwt', kid: 'bench' }) + '.' +
  b64({ iss, aud, sub: 'bench', client_id: 'bench', scope: 'all', iat: now, exp: now + 3600 });
const sig = crypto.sign('sha384', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
console.log(input + '.' + sig.toString('base64url'));
JS
)
fi
: >"$T/usercgi.conf"

# cgi_env: exports the CGI variables (RFC 3875 §4.1) and USERCGI_*
# settings for a create, and $prep, the shell line that writes the next
# body with a fresh fixed-width username to $T/body.
cgi_env() {
	echo 0 >"$T/counter"
	export REQUEST_METHOD=POST SCRIPT_NAME=/cgi-bin/usercgi.fcgi PATH_INFO=/api/users
	export QUERY_STRING= SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1
	export REMOTE_ADDR=127.0.0.1 CONTENT_TYPE=application/json
	export HTTP_AUTHORIZATION="Bearer $token"
	export USERCGI_CONFIG=$T/usercgi.conf USERCGI_DATABASE=$T/users.db
	export USERCGI_JWKS_FILE=$T/jwks.json USERCGI_ISSUER=$issuer USERCGI_AUDIENCE=$audience
	export USERCGI_PHONE_MODULE=$build/lib/usercgi-phone.so
	export USERCGI_FETCH_MODULE=$build/lib/usercgi-fetch.so
	prep="read n <'$T/counter'; n=\$((n + 1)); echo \$n >'$T/counter'; printf '{\"username\":\"cgi_%08d\"}' \$n >'$T/body'"
	sh -c "$prep"
	CONTENT_LENGTH=$(wc -c <"$T/body")
	export CONTENT_LENGTH
}

# ---- lighttpd -----------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port/api/users

# start_server NAME BIN: lighttpd with BIN as the FastCGI application on
# /api, $procs workers, the USERCGI_* settings in their environment.
start_server() {
	cat >"$T/lighttpd-$1.conf" <<CONF
server.modules = ( "mod_fastcgi" )
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$T/htdocs"
server.errorlog = "$T/lighttpd-$1.log"
server.max-request-size = 1100
server.max-keep-alive-requests = 1000000
server.tag = ""
fastcgi.server = (
	"/api" => ((
		"bin-path" => "$2",
		"socket" => "$T/$1.sock",
		"check-local" => "disable",
		"max-procs" => $procs,
		"bin-environment" => (
			"USERCGI_CONFIG" => "$T/usercgi.conf",
			"USERCGI_DATABASE" => "$T/users.db",
			"USERCGI_JWKS_FILE" => "$T/jwks.json",
			"USERCGI_ISSUER" => "$issuer",
			"USERCGI_AUDIENCE" => "$audience",
			"USERCGI_THREADS" => "$threads",
			"USERCGI_PHONE_MODULE" => "$build/lib/usercgi-phone.so",
			"USERCGI_FETCH_MODULE" => "$build/lib/usercgi-fetch.so",
			"USERCGI_HASHER" => "$build/cgi-bin/usercgi-hasher",
		),
		"bin-copy-environment" => ( "PATH" ),
	))
)
CONF
	lighttpd -D -f "$T/lighttpd-$1.conf" 2>>"$T/lighttpd-$1.log" &
	lpid=$!
	local i
	for i in $(seq 1 100); do
		curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
		sleep 0.1
	done
	echo "bench: lighttpd did not start; log:" >&2
	cat "$T/lighttpd-$1.log" >&2
	exit 1
}

stop_server() {
	kill "$lpid" 2>/dev/null || true
	wait "$lpid" 2>/dev/null || true
	lpid=
	sleep 0.3
}

# worker_mem [FIELD [hashers]]: the largest FIELD (default VmHWM, in KiB)
# in /proc/PID/status among lighttpd's children (the FastCGI workers), or
# with "hashers" among their children (the argon2 hasher processes).
worker_mem() {
	local pid kb max=0 pids
	pids=$(pgrep -P "$lpid")
	if [ "${2:-}" = hashers ]; then
		pids=$(for pid in $pids; do pgrep -P "$pid"; done)
	fi
	for pid in $pids; do
		kb=$(awk -v f="${1:-VmHWM}:" '$1 == f { print $2 }' "/proc/$pid/status" 2>/dev/null)
		[ "${kb:-0}" -gt "$max" ] && max=$kb
	done
	echo "$max"
}

# load TAG CONNS SECONDS [PASSWORD]: one wrk run; prints its BENCH line.
# BENCH_IDEM (create.lua) passes through.
load() {
	BENCH_TAG=$1 BENCH_TOKEN=$token BENCH_PASSWORD=${4:-} \
	    wrk -t "$(( $2 < cores ? $2 : cores ))" -c "$2" -d "${3}s" --timeout 30s \
	    -s "$top/bench/create.lua" "$url" 2>>"$T/wrk.err" | grep '^BENCH ' || {
		echo "bench: wrk failed:" >&2; cat "$T/wrk.err" >&2; exit 1; }
}

# field KEY LINE: the value of KEY=... in a BENCH line.
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# median: the median of the numbers on stdin.
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print 0; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# series NAME TAG CONNS [PASSWORD]: $repeat wrk runs after a 2 s warm-up;
# sets <NAME>_rps, _p50, _p99 (medians), _max (the largest of all runs),
# _non2xx, _sockerr, _ok (sums).
series() {
	local name=$1 i line rps="" p50="" p99="" mx=0 n2=0 se=0 ok=0
	load "${2}w" "$3" 2 "${4:-}" >/dev/null
	for i in $(seq 1 "$repeat"); do
		line=$(load "$2$i" "$3" "$secs" "${4:-}")
		echo "  run $i: ${line#BENCH }"
		rps+="$(field ok_rps "$line")"$'\n'
		p50+="$(field p50_ms "$line")"$'\n'
		p99+="$(field p99_ms "$line")"$'\n'
		mx=$(awk -v a="$mx" -v b="$(field max_ms "$line")" 'BEGIN { print (b > a ? b : a) }')
		n2=$((n2 + $(field non2xx "$line")))
		se=$((se + $(field sockerr "$line")))
		ok=$((ok + $(field ok "$line")))
	done
	printf -v "${name}_rps" '%s' "$(printf '%s' "$rps" | median)"
	printf -v "${name}_p50" '%s' "$(printf '%s' "$p50" | median)"
	printf -v "${name}_p99" '%s' "$(printf '%s' "$p99" | median)"
	printf -v "${name}_max" '%s' "$mx"
	printf -v "${name}_non2xx" '%s' "$n2"
	printf -v "${name}_sockerr" '%s' "$se"
	printf -v "${name}_ok" '%s' "$ok"
}

# ok_if EXPR: "met" when the awk expression holds, else "MISSED".
ok_if() { awk "BEGIN { exit !($1) }" && echo met || echo MISSED; }

# ratio A B: A/B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", (b > 0 ? 100 * a / b : 0) }'; }

# getload TAG CONNS SECONDS PATHS: one wrk run of bench/get.lua over the
# request paths in the file PATHS; prints its BENCH line.
getload() {
	BENCH_TOKEN=$token BENCH_PATHS=$4 \
	    wrk -t "$(( $2 < cores ? $2 : cores ))" -c "$2" -d "${3}s" --timeout 30s \
	    -s "$top/bench/get.lua" "http://127.0.0.1:$port" 2>>"$T/wrk.err" | grep '^BENCH ' || {
		echo "bench: wrk failed:" >&2; cat "$T/wrk.err" >&2; exit 1; }
}

# getseries NAME PATHS [CONNS]: a 2 s warm-up, then $repeat runs of
# getload with CONNS (default $uconns) connections; sets <NAME>_p50 and
# _rps (medians), _non2xx (sum).
getseries() {
	local name=$1 i line p50="" rps="" n2=0 c=${3:-$uconns}
	getload "${1}w" "$c" 2 "$2" >/dev/null
	for i in $(seq 1 "$repeat"); do
		line=$(getload "$1$i" "$c" "$secs" "$2")
		echo "  $name run $i: ${line#BENCH }"
		p50+="$(field p50_ms "$line")"$'\n'
		rps+="$(field ok_rps "$line")"$'\n'
		n2=$((n2 + $(field non2xx "$line") + $(field sockerr "$line")))
	done
	printf -v "${name}_p50" '%s' "$(printf '%s' "$p50" | median)"
	printf -v "${name}_rps" '%s' "$(printf '%s' "$rps" | median)"
	printf -v "${name}_non2xx" '%s' "$n2"
}

if [ "$users" = 1 ]; then
	nusers=${BENCH_USERS:-1000000}
	uconns=${BENCH_USERS_CONNS:-4}
	samples=${BENCH_USERS_SAMPLES:-1000}
	case $nusers$uconns$samples in *[!0-9]*)
		echo "bench: BENCH_USERS* values must be whole numbers" >&2; exit 1 ;; esac
	echo "usercgi users API bench: $(uname -m), $cores cores, $(. /etc/os-release; echo "$PRETTY_NAME")"
	echo "  $nusers users; wrk ${secs}s x $repeat, $uconns connections, $procs FastCGI worker(s) x $threads threads"
	echo "  load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	t0=$(date +%s)
	make -s -C "$build" bench/store-bench >/dev/null
	"$build/bench/store-bench" fill "$T/users.db" "$nusers" >"$T/fill.out"
	echo "  filled in $(( $(date +%s) - t0 )) s: $(sqlite3 "$T/users.db" 'select count(*) from users') rows, $(du -m "$T/users.db" | cut -f1) MiB"
	# Request paths for $samples random users (their id, username, email).
	python3 - "$T" "$samples" <<'PY'
import random, sqlite3, sys, urllib.parse as up
d, n = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect("file:%s/users.db?mode=ro" % d, uri=True)
top = c.execute("select max(rowid) from users").fetchone()[0]
rows = []
while len(rows) < n:
    r = c.execute("select id, username, primary_email from users where rowid = ?",
                  (random.randint(1, top),)).fetchone()
    if r and r[1] and r[2]:
        rows.append(r)
q = lambda s: up.quote(s, safe="")
w = lambda name, lines: open("%s/%s.paths" % (d, name), "w").write("\n".join(lines) + "\n")
w("getid", ["/api/users/" + r[0] for r in rows])
w("list", ["/api/users"])
w("email", ["/api/users?search.primaryEmail=%s&mode=exact" % q(r[2]) for r in rows])
w("uname", ["/api/users?search.username=%s&mode.username=exact" % q(r[1].upper()) for r in rows])
w("prefix", ["/api/users?search.username=alice%25"])
w("substr", ["/api/users?search.username=%25lice%25"])
PY
	start_server usercgi "$ucgi"
	first=$(head -n 1 "$T/email.paths")
	out=$(curl -s -w ' %{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port$first")
	case $out in *' 200') ;; *) echo "bench: probe search failed: $out" >&2; exit 1 ;; esac
	case $out in '[]'*) echo "bench: probe search found nothing: $first" >&2; exit 1 ;; esac
	echo "GET /api/users/{id}:";                     getseries getid "$T/getid.paths"
	echo "GET /api/users (first page):";             getseries list "$T/list.paths"
	echo "exact email:";                             getseries email "$T/email.paths"
	echo "exact username, case-insensitive:";        getseries uname "$T/uname.paths"
	echo "like prefix (alice%):";                    getseries prefix "$T/prefix.paths"
	echo "like substring (%lice%), one connection:"; getseries substr "$T/substr.paths" 1
	echo "GET /api/users/{id} again:";               getseries getid2 "$T/getid.paths"
	stop_server
	# The substring search as a raw sqlite3 scan: the count of matches,
	# SQLite's (ASCII case-insensitive) LIKE over every row of the table,
	# on one open connection; median of 20.
	scan_ms=$(python3 - "$T" <<'PY'
import sqlite3, statistics, sys, time
c = sqlite3.connect("file:%s/users.db?mode=ro" % sys.argv[1], uri=True)
ms = []
for i in range(20):
    t0 = time.perf_counter()
    c.execute("select count(*) from users where username like '%lice%'").fetchone()
    ms.append((time.perf_counter() - t0) * 1000)
print("%.3f" % statistics.median(ms))
PY
)
	base=$(awk -v a="$getid_p50" -v b="$getid2_p50" 'BEGIN { printf "%.3f", (a + b) / 2 }')
	echo
	echo "users API, $nusers users, p50 latency at $uconns connections (median of $repeat runs):"
	u_line() { printf '  %-36s %9s ms  %6sx GET by id  %s\n' "$1" "$2" "$(ratio "$2" "$base")" "$3"; }
	printf '  %-36s %9s ms  (before %s, after %s)\n' "GET /api/users/{id}" "$base" "$getid_p50" "$getid2_p50"
	u_line "GET /api/users, first page" "$list_p50" "$(ok_if "$list_p50 <= 2 * $base")"
	u_line "exact email" "$email_p50" "$(ok_if "$email_p50 <= 2 * $base")"
	u_line "exact username, case-insensitive" "$uname_p50" "$(ok_if "$uname_p50 <= 2 * $base")"
	u_line "like prefix (alice%)" "$prefix_p50" "$(ok_if "$prefix_p50 <= 2 * $base")"
	printf '  %-36s %9s ms  raw sqlite3 scan %s ms: %sx (one connection)\n' "like substring (%lice%)" "$substr_p50" "$scan_ms" "$(ratio "$substr_p50" "$scan_ms")"
	echo "  non-2xx or socket errors: $((getid_non2xx + list_non2xx + email_non2xx + uname_non2xx + prefix_non2xx + substr_non2xx + getid2_non2xx))"
	echo "  load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
	exit 0
fi

if [ "$idem" = 1 ]; then
	echo "usercgi Idempotency-Key bench: $(uname -m), $cores cores, $(. /etc/os-release; echo "$PRETTY_NAME")"
	echo "  database on $(df -T "$T" | awk 'NR == 2 { print $2 }'); wrk ${secs}s x $repeat, $conns connections, $procs FastCGI worker(s) x $threads threads"
	echo "  load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	start_server usercgi "$ucgi"
	out=$(curl -s -w ' %{http_code}' -H "Authorization: Bearer $token" \
	    -H 'Content-Type: application/json' -d '{"username":"bench_probe"}' "$url")
	case $out in *' 200') ;; *)
		echo "bench: probe create failed: $out" >&2; exit 1 ;;
	esac
	r_plain="" r_keyed="" l_plain="" l_keyed=""
	for i in $(seq 1 "$repeat"); do
		line=$(load "n$i" "$conns" "$secs")
		echo "  no key, run $i: ${line#BENCH }"
		r_plain+="$(field ok_rps "$line")"$'\n'; l_plain+="$(field p50_ms "$line")"$'\n'
		line=$(BENCH_IDEM=each load "k$i" "$conns" "$secs")
		echo "  a key each, run $i: ${line#BENCH }"
		r_keyed+="$(field ok_rps "$line")"$'\n'; l_keyed+="$(field p50_ms "$line")"$'\n'
	done
	line=$(BENCH_IDEM=one load r "$conns" "$secs")
	echo "  one key (replays): ${line#BENCH }"
	r_replay=$(field ok_rps "$line") l_replay=$(field p50_ms "$line")
	rows=$(sqlite3 "$T/users.db" 'select count(*) from users')
	keys=$(sqlite3 "$T/users.db" 'select count(*) from idempotency_keys')
	stop_server
	cgi_env
	prep_key="$prep; read n <'$T/counter'; printf 'cgi-key-%08d' \$n >'$T/key'"
	hyperfine --style none --warmup 3 --runs "$cgi_runs" --prepare "$prep_key" \
	    --export-json "$T/cgi-idem.json" \
	    -n no-key "'$ucgi' <'$T/body' >/dev/null" \
	    -n key "read -r k <'$T/key'; HTTP_IDEMPOTENCY_KEY=\$k '$ucgi' <'$T/body' >/dev/null" \
	    >"$T/hyperfine-idem.out" 2>&1 || { echo "bench: hyperfine failed:" >&2; cat "$T/hyperfine-idem.out" >&2; exit 1; }
	c_plain=$(node -e 'const r=require(process.argv[1]).results; console.log((r[0].median*1000).toFixed(3))' "$T/cgi-idem.json")
	c_keyed=$(node -e 'const r=require(process.argv[1]).results; console.log((r[1].median*1000).toFixed(3))' "$T/cgi-idem.json")
	rp=$(printf '%s' "$r_plain" | median) rk=$(printf '%s' "$r_keyed" | median)
	lp=$(printf '%s' "$l_plain" | median) lk=$(printf '%s' "$l_keyed" | median)
	echo
	echo "Idempotency-Key overhead (medians of $repeat runs; $rows users, $keys keys stored):"
	printf '  FastCGI creates/s: no key %s, a key each %s (%s), one key replayed %s\n' \
	    "$rp" "$rk" "$(pct "$rk" "$rp")" "$r_replay"
	printf '  FastCGI p50 ms:    no key %s, a key each %s (+%s ms), replay %s\n' \
	    "$lp" "$lk" "$(awk -v a="$lk" -v b="$lp" 'BEGIN { printf "%.3f", a - b }')" "$l_replay"
	printf '  CGI create ms:     no key %s, a key %s (+%s ms)\n' "$c_plain" "$c_keyed" \
	    "$(awk -v a="$c_keyed" -v b="$c_plain" 'BEGIN { printf "%.3f", a - b }')"
	echo "  load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
	exit 0
fi

if [ "$profile" = 1 ]; then
	command -v valgrind >/dev/null || { echo "bench: valgrind is not installed" >&2; exit 1; }
	cgi_env
	"$ucgi" <"$T/body" >"$T/first.out" 2>"$T/first.err" || true
	head -n 1 "$T/first.out" | grep -q '^Status: 200' || {
		echo "bench: CGI create failed:" >&2; cat "$T/first.out" "$T/first.err" >&2; exit 1; }
	sh -c "$prep"
	valgrind --tool=callgrind --callgrind-out-file="$T/callgrind.out" \
	    "$ucgi" <"$T/body" >"$T/second.out" 2>"$T/valgrind.log"
	head -n 1 "$T/second.out" | grep -q '^Status: 200' || {
		echo "bench: profiled create failed:" >&2; cat "$T/second.out" "$T/valgrind.log" >&2; exit 1; }
	grep -E 'Collected' "$T/valgrind.log" | sed 's/^==[0-9]*== //'
	echo "== exclusive (self) cost, top ${BENCH_TOP:-30}"
	callgrind_annotate --threshold=99 "$T/callgrind.out" | sed -n '/^Ir/,$p' | head -n $((${BENCH_TOP:-30} + 2))
	echo "== inclusive cost, top ${BENCH_TOP:-30}"
	callgrind_annotate --inclusive=yes --threshold=99 "$T/callgrind.out" | sed -n '/^Ir/,$p' | head -n $((${BENCH_TOP:-30} + 2))
	valgrind --tool=callgrind --callgrind-out-file="$T/callgrind-trivial.out" \
	    "$T/trivial-cgi" <"$T/body" >/dev/null 2>"$T/valgrind-trivial.log"
	echo "== trivial CGI program (same libraries), for comparison"
	grep -E 'Collected' "$T/valgrind-trivial.log" | sed 's/^==[0-9]*== //'
	# The steady state of a FastCGI worker: one worker under callgrind,
	# collecting only inside app_handle, over $n sequential creates.
	procs=1
	cat >"$T/vg-worker" <<SH
#!/bin/sh
exec valgrind --tool=callgrind --toggle-collect=app_handle \\
    --callgrind-out-file="$T/callgrind-fcgi.out" "$ucgi" 2>>"$T/valgrind-fcgi.log"
SH
	chmod +x "$T/vg-worker"
	start_server profile "$T/vg-worker"
	n=${BENCH_PROFILE_REQUESTS:-200}
	ok=0
	for i in $(seq 1 "$n"); do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 \
		    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
		    -d "{\"username\":\"fcgi_prof_$i\"}" "$url")
		[ "$code" = 200 ] && ok=$((ok + 1))
	done
	stop_server
	for i in $(seq 1 100); do
		[ -s "$T/callgrind-fcgi.out" ] && ! pgrep -f "$T/callgrind-fcgi.out" >/dev/null && break
		sleep 0.1
	done
	echo "== FastCGI worker, $ok of $n sequential creates answered 200; cost inside app_handle"
	total=$(callgrind_annotate "$T/callgrind-fcgi.out" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
	echo "per request: $(awk -v t="$total" -v n="$n" 'BEGIN { printf "%d", t / n }') Ir (total $total)"
	callgrind_annotate --inclusive=yes --threshold=99 "$T/callgrind-fcgi.out" | sed -n '/^Ir/,$p' | sed -n '3,$p' | head -n "${BENCH_TOP:-30}"
	if [ -n "${BENCH_CALLGRIND_OUT:-}" ]; then
		cp "$T/callgrind.out" "$BENCH_CALLGRIND_OUT"
		cp "$T/callgrind-trivial.out" "$BENCH_CALLGRIND_OUT.trivial"
		cp "$T/callgrind-fcgi.out" "$BENCH_CALLGRIND_OUT.fcgi"
	fi
	exit 0
fi

echo "usercgi bench: $(uname -m), $cores cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)),"
echo "  $(awk '/^MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), $(lighttpd -v 2>&1 | head -n 1 | cut -d' ' -f1)"
echo "  database on $(df -T "$T" | awk 'NR == 2 { print $2 }') ($T); wrk ${secs}s x $repeat, $procs FastCGI worker(s) x $threads threads"
echo "  load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"
echo

# ---- baseline: trivial FastCGI responder --------------------------------
echo "trivial FastCGI responder, $conns connections, $trivial_procs processes:"
usercgi_procs=$procs procs=$trivial_procs
start_server trivial "$T/trivial-fcgi"
procs=$usercgi_procs
series triv t "$conns"
triv_hwm=$(worker_mem)
stop_server

# ---- (a), (b), (d): usercgi under FastCGI -------------------------------
start_server usercgi "$ucgi"
out=$(curl -s -w ' %{http_code}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{"username":"bench_probe"}' "$url")
case $out in *' 200') ;; *)
	echo "bench: probe create failed: $out" >&2; cat "$T/lighttpd-usercgi.log" >&2; exit 1 ;;
esac
echo "(a) usercgi creates without a password, $conns connections:"
series nopw n "$conns"
echo "(b) usercgi creates with a password, $pw_conns connections:"
nopw_hwm=$(worker_mem)
series pw p "$pw_conns" 'correct horse battery staple'
ucgi_hwm=$(worker_mem)
ucgi_anon=$(worker_mem RssAnon) ucgi_file=$(worker_mem RssFile)
hasher_hwm=$(worker_mem VmHWM hashers)
hashers=$(for pid in $(pgrep -P "$lpid"); do pgrep -P "$pid"; done | wc -l)
rows=$(sqlite3 "$T/users.db" 'select count(*) from users' 2>/dev/null || echo "?")
stop_server

# ---- baseline: argon2i --------------------------------------------------
a2=$("$T/argon2-baseline" "$a2_t" "$a2_m" "$a2_p" "$a2_runs")
a2_ms=$(printf '%s\n' "$a2" | sed -n 's/^argon2_ms //p')
so_ms=$(printf '%s\n' "$a2" | sed -n 's/^sodium_ms //p')
so_match=$(printf '%s\n' "$a2" | sed -n 's/^sodium_match //p')
fast_ms=$a2_ms
if [ -n "$so_ms" ]; then
	fast_ms=$(awk -v a="$a2_ms" -v b="$so_ms" 'BEGIN { print (b < a ? b : a) }')
fi
pw_ceiling=$(awk -v c="$cores" -v t="$fast_ms" 'BEGIN { printf "%.1f", c * 1000 / t }')

# ---- baseline: one durable SQLite commit --------------------------------
# A one-row BEGIN IMMEDIATE ... COMMIT in WAL mode with synchronous=FULL on
# the file system of the benchmark database: without group commit, writes
# are serialised, so 1000 / this is the most creates/s any number of
# workers can make durable.
commit_ms=$(python3 - "$T/commit.db" <<'PY'
import sqlite3, statistics, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("pragma journal_mode=wal")
c.execute("pragma synchronous=full")
c.execute("create table t(id integer primary key, u text unique)")
ms = []
for i in range(100):
    t0 = time.perf_counter()
    c.execute("begin immediate")
    c.execute("insert into t(u) values (?)", ("u%d" % i,))
    c.execute("commit")
    ms.append((time.perf_counter() - t0) * 1000)
print("%.3f" % statistics.median(ms))
PY
)
commit_ceiling=$(awk -v t="$commit_ms" 'BEGIN { printf "%.1f", 1000 / t }')

# ---- (c) CGI mode, and its baseline -------------------------------------
# Each timed run reads a body with a fresh fixed-width username, written by
# hyperfine's --prepare (untimed); the CGI variables are exported so the
# timed command is only "program < body" (hyperfine subtracts the shell).
# The token is the same in every run, as a client reuses its access token
# for its lifetime: after the first run it is found in the database's
# verified_tokens.  (c') mints a token never seen before in each --prepare
# (usercgi-admin token), read by the shell builtin read, so every timed
# run verifies its token in full and remembers it.
cgi_env
"$ucgi" <"$T/body" >"$T/cgi.out" 2>"$T/cgi.err" || true
head -n 1 "$T/cgi.out" | grep -q '^Status: 200' || {
	echo "bench: CGI create failed:" >&2; cat "$T/cgi.out" "$T/cgi.err" >&2; exit 1; }
hyperfine --style none --warmup 3 --runs "$cgi_runs" --prepare "$prep" \
    --export-json "$T/cgi.json" \
    -n usercgi "$ucgi <'$T/body'" -n trivial "$T/trivial-cgi <'$T/body'" \
    >"$T/hyperfine.out" 2>&1 || { echo "bench: hyperfine failed:" >&2; cat "$T/hyperfine.out" >&2; exit 1; }
cgi_ms=$(node -e 'const r=require(process.argv[1]).results; console.log((r[0].median*1000).toFixed(3))' "$T/cgi.json")
triv_cgi_ms=$(node -e 'const r=require(process.argv[1]).results; console.log((r[1].median*1000).toFixed(3))' "$T/cgi.json")
fresh_ms=
if [ -x "$build/tools/usercgi-admin" ]; then
	mint="USERCGI_CONFIG=/dev/null USERCGI_DATABASE=$T/users.db USERCGI_JWKS_FILE=$T/jwks.json"
	mint="$mint USERCGI_ISSUER=$issuer USERCGI_AUDIENCE=$audience"
	mint="$mint '$build/tools/usercgi-admin' token '$T/private.pem' --ttl 3600 >'$T/token'"
	hyperfine --style none --warmup 3 --runs "$cgi_runs" --prepare "$prep; $mint" \
	    --export-json "$T/cgi-fresh.json" \
	    -n usercgi-fresh "read -r t <'$T/token'; HTTP_AUTHORIZATION=\"Bearer \$t\" '$ucgi' <'$T/body' >/dev/null" \
	    >"$T/hyperfine-fresh.out" 2>&1 || { echo "bench: hyperfine failed:" >&2; cat "$T/hyperfine-fresh.out" >&2; exit 1; }
	fresh_ms=$(node -e 'const r=require(process.argv[1]).results; console.log((r[0].median*1000).toFixed(3))' "$T/cgi-fresh.json")
fi
cgi_created=$(sqlite3 "$T/users.db" "select count(*) from users where username like 'cgi\\_%' escape '\\'" 2>/dev/null || echo "?")
cgi_tokens=$(sqlite3 "$T/users.db" "select count(*) from verified_tokens" 2>/dev/null || echo "?")
unset HTTP_AUTHORIZATION

# ---- summary ------------------------------------------------------------
echo
echo "baselines:"
printf '  trivial FastCGI:   %s req/s (p50 %s ms, p99 %s ms, max %s ms; non-2xx %s, socket errors %s), worker VmHWM %s KiB\n' \
    "$triv_rps" "$triv_p50" "$triv_p99" "$triv_max" "$triv_non2xx" "$triv_sockerr" "$triv_hwm"
printf '  argon2i t=%s m=%s p=%s: libargon2 %s ms' "$a2_t" "$a2_m" "$a2_p" "$a2_ms"
[ -n "$so_ms" ] && printf ', libsodium %s ms (same hash: %s)' "$so_ms" "$( [ "$so_match" = 1 ] && echo yes || echo NO)"
printf ' (median of %s) -> ceiling %s cores / %s ms = %s hashes/s\n' "$a2_runs" "$cores" "$fast_ms" "$pw_ceiling"
printf '  durable commit:    %s ms (SQLite WAL, synchronous=FULL, median of 100) -> %s serial commits/s\n' \
    "$commit_ms" "$commit_ceiling"
printf '  trivial CGI:       %s ms per exec (median of %s)\n' "$triv_cgi_ms" "$cgi_runs"
echo
echo "usercgi:"
printf '  (a) creates/s, no password:   %8s  (%s of trivial FastCGI %s; 2xx %s, non-2xx %s, socket errors %s)\n' \
    "$nopw_rps" "$(pct "$nopw_rps" "$triv_rps")" "$triv_rps" "$nopw_ok" "$nopw_non2xx" "$nopw_sockerr"
printf '      %s of one-commit-per-request ceiling %s/s\n' "$(pct "$nopw_rps" "$commit_ceiling")" "$commit_ceiling"
printf '      latency p50 %s ms, p99 %s ms, max %s ms: max/p99 %s\n' \
    "$nopw_p50" "$nopw_p99" "$nopw_max" "$(ratio "$nopw_max" "$nopw_p99")"
printf '  (b) creates/s, password:      %8s  (%s of %s cores / %s ms = %s; 2xx %s, non-2xx %s, socket errors %s)\n' \
    "$pw_rps" "$(pct "$pw_rps" "$pw_ceiling")" "$cores" "$fast_ms" "$pw_ceiling" "$pw_ok" "$pw_non2xx" "$pw_sockerr"
printf '      latency p50 %s ms, p99 %s ms, max %s ms: max/p99 %s\n' \
    "$pw_p50" "$pw_p99" "$pw_max" "$(ratio "$pw_max" "$pw_p99")"
printf '  (c) CGI create, reused token: %8s ms (%sx trivial CGI %s ms; %s rows created)\n' \
    "$cgi_ms" "$(ratio "$cgi_ms" "$triv_cgi_ms")" "$triv_cgi_ms" "$cgi_created"
if [ -n "$fresh_ms" ]; then
	printf "  (c') CGI create, new token:   %8s ms (%sx trivial CGI %s ms; %s verified tokens remembered)\n" \
	    "$fresh_ms" "$(ratio "$fresh_ms" "$triv_cgi_ms")" "$triv_cgi_ms" "$cgi_tokens"
fi
printf '  (d) worker peak RSS:          %8s KiB (%.1f MiB; %s KiB after (a) alone; now %s KiB anon + %s KiB file; trivial worker %s KiB)\n' \
    "$ucgi_hwm" "$(awk -v k="$ucgi_hwm" 'BEGIN { print k / 1024 }')" "$nopw_hwm" "$ucgi_anon" "$ucgi_file" "$triv_hwm"
printf '      hasher peak RSS:          %8s KiB (%.1f MiB, the largest of the %s argon2 hasher processes; worker + hashers <= %s KiB)\n' \
    "$hasher_hwm" "$(awk -v k="$hasher_hwm" 'BEGIN { print k / 1024 }')" "$hashers" "$((ucgi_hwm + hashers * hasher_hwm))"
echo "  rows in the database after FastCGI runs: $rows"
echo "  load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "targets (issue 6):"
t_line() { printf '  %-44s %-10s %s\n' "$1" "$2" "$3"; }
t_line "creates/s >= 35% of trivial FastCGI" "$(pct "$nopw_rps" "$triv_rps")" "$(ok_if "$nopw_rps >= 0.35 * $triv_rps")"
t_line "password creates/s >= 80% of cores/hash" "$(pct "$pw_rps" "$pw_ceiling")" "$(ok_if "$pw_rps >= 0.8 * $pw_ceiling")"
t_line "max latency <= 10x p99 under (a)" "$(ratio "$nopw_max" "$nopw_p99")x" "$(ok_if "$nopw_max <= 10 * $nopw_p99")"
t_line "CGI create <= 2x trivial exec" "$(ratio "$cgi_ms" "$triv_cgi_ms")x" "$(ok_if "$cgi_ms <= 2 * $triv_cgi_ms")"
t_line "worker peak RSS <= 16 MiB" "$(awk -v k="$ucgi_hwm" 'BEGIN { printf "%.1f MiB", k / 1024 }')" "$(ok_if "$ucgi_hwm <= 16384")"
t_line "hasher peak RSS <= 16 MiB" "$(awk -v k="$hasher_hwm" 'BEGIN { printf "%.1f MiB", k / 1024 }')" "$(ok_if "$hasher_hwm <= 16384")"
t_line "no non-2xx or socket errors under (a)/(b)" "$((nopw_non2xx + nopw_sockerr + pw_non2xx + pw_sockerr))" \
    "$(ok_if "$((nopw_non2xx + nopw_sockerr + pw_non2xx + pw_sockerr)) == 0")"
