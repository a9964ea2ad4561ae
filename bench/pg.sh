#!/bin/bash
# bench/pg.sh: usercgi on PostgreSQL (issue 14, point 6).  Run after
# ./configure && make (a build with PostgreSQL support):
#         bench/pg.sh [BUILD_DIR]       (default: the source tree)
#
# Starts a throwaway PostgreSQL 15 cluster (tests/pg/cluster.sh: initdb
# in a temporary directory, 127.0.0.1 only, fsync and synchronous_commit
# on; never the system's service, never fsync off), a role with a
# SCRAM password that usercgi reads from a passfile, the usercgi schema
# (usercgi-admin init), and measures in one run on the same server:
#   (a) creates/s without a password through lighttpd + one FastCGI
#       worker of BENCH_THREADS threads (one connection each), wrk at
#       BENCH_CONNS connections, as bench/run.sh (a) does on SQLite;
#   (p) pgbench inserting the same single rows (the store's INSERT
#       statement into the same table, random unique usernames, one row
#       per transaction) with -c BENCH_CONNS -M prepared for the same
#       duration: the database's own ceiling;
# alternately, BENCH_REPEAT times each, median reported; rps, p50, p99
# and max latency of both, and (a)/(p) beside the target (50%).  Then
#   (c) one create in plain CGI mode (hyperfine) on PostgreSQL beside the
#       same on SQLite: the cost of a connection per request.
# Environment: BENCH_SECONDS (10), BENCH_REPEAT (3), BENCH_CONNS (16),
# BENCH_THREADS (16), BENCH_CGI_RUNS (50), BENCH_KEEP=1 keeps the
# temporary directory.
# Needs: lighttpd, wrk, hyperfine, curl, python3, PostgreSQL 15's server
# programs, psql and pgbench.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top}" && pwd)
ucgi=$build/cgi-bin/usercgi.fcgi
admin_bin=$build/tools/usercgi-admin
secs=${BENCH_SECONDS:-10}
repeat=${BENCH_REPEAT:-3}
conns=${BENCH_CONNS:-16}
threads=${BENCH_THREADS:-16}
cgi_runs=${BENCH_CGI_RUNS:-50}
cores=$(nproc)
issuer=http://127.0.0.1:3001/oidc
audience=https://default.logto.app/api
. "$top/tests/pg/cluster.sh"

for tool in lighttpd wrk hyperfine curl python3 psql "$PG_BIN/pgbench" "$PG_BIN/initdb"; do
	command -v "$tool" >/dev/null || {
		echo "bench: $tool is not installed (apt-get install lighttpd wrk hyperfine curl python3 postgresql-15 postgresql-client-15)" >&2
		exit 1; }
done
[ -x "$ucgi" ] && [ -x "$admin_bin" ] || { echo "bench: $ucgi or $admin_bin not built (run make)" >&2; exit 1; }
grep -q '^#define HAVE_POSTGRESQL 1' "$build/config.h" 2>/dev/null ||
	{ echo "bench: $build has no PostgreSQL support (configure found no libpq)" >&2; exit 1; }
case $secs$repeat$conns$threads$cgi_runs in
*[!0-9]*) echo "bench: BENCH_* values must be whole numbers" >&2; exit 1 ;;
esac

T=$(mktemp -d "${TMPDIR:-/tmp}/usercgi-pgbench.XXXXXX")
lpid=
cleanup() {
	if [ -n "$lpid" ]; then kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null || true; fi
	pg_cluster_stop "$T/pg" || true
	if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$T/htdocs"

# ---- the server, its role and the schema --------------------------------
pg_cluster_start "$T/pg" >/dev/null || { echo "bench: cannot start PostgreSQL" >&2; exit 1; }
super=$PG_CONNINFO
sq() { psql "$super" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
[ "$(sq 'SHOW fsync')" = on ] && [ "$(sq 'SHOW synchronous_commit')" = on ] ||
	{ echo "bench: fsync or synchronous_commit is off" >&2; exit 1; }
# A role with a SCRAM password, as a deployment has: the password is in
# a passfile (0600) that libpq reads; the connection string names it.
pw=$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')
sq "SET password_encryption = 'scram-sha-256'; CREATE ROLE usercgi LOGIN PASSWORD '$pw'"
sq 'CREATE DATABASE usercgi OWNER usercgi'
hba=$(sq 'SHOW hba_file')
pg_as sh -c "{ echo 'host usercgi usercgi 127.0.0.1/32 scram-sha-256'; cat '$hba'; } >'$hba.new' && mv '$hba.new' '$hba'"
sq 'SELECT pg_reload_conf()' >/dev/null
printf '127.0.0.1:%s:usercgi:usercgi:%s\n' "$PG_PORT" "$pw" >"$T/pgpass"
chmod 600 "$T/pgpass"
db="host=127.0.0.1 port=$PG_PORT dbname=usercgi user=usercgi passfile=$T/pgpass"
admin() {
	USERCGI_CONFIG=/dev/null USERCGI_DATABASE=$db USERCGI_JWKS_FILE=$T/jwks.json \
	    USERCGI_ISSUER=$issuer USERCGI_AUDIENCE=$audience "$admin_bin" "$@"
}
admin keygen "$T" >/dev/null
admin init >"$T/init.out" || { echo "bench: usercgi-admin init failed:" >&2; cat "$T/init.out" >&2; exit 1; }
token=$(admin token "$T/private.pem" --ttl 3600)
: >"$T/usercgi.conf"

# ---- pgbench's transaction: the store's INSERT --------------------------
# The row a create without a password writes (lib/store_pg.c: the same
# 26 columns, in its order, with its casts), as one INSERT per
# transaction; pgbench binds :u and :i as parameters (-M prepared).  The
# store also adds to one of user_count's rows in the same statement, and
# its FastCGI worker writes the creates that arrive together in one
# statement (the group commit): pgbench does neither, so its rate is the
# server's own ceiling for single-row inserts.  The username is a random
# 63-bit number (unique in a run: a collision would count as a failure),
# the id 12 hex digits of another.
cat >"$T/insert.sql" <<'SQL'
\set u random(1, 9223372036854775806)
\set i random(0, 281474976710655)
INSERT INTO users (id, username, primary_email, primary_phone, password_encrypted, password_encryption_method, name, avatar, profile, custom_data, identities, application_id, is_suspended, last_sign_in_at, password_updated_at, created_at, updated_at, is_password_expired, logto_config, email_key, phone_key, username_key, name_key, profile_text, custom_data_text, identities_text) VALUES (lpad(to_hex(:i::bigint), 12, '0'), 'pgb_' || :u, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, '{}'::jsonb, '{}'::jsonb, '{}'::jsonb, NULL::text, false, NULL, NULL, now(), now(), false, '{}'::jsonb, NULL::text, NULL::text, 'pgb_' || :u, NULL::text, '{}', '{}', '{}');
SQL

# ---- lighttpd + usercgi -------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port/api/users
cat >"$T/lighttpd.conf" <<CONF
server.modules = ( "mod_fastcgi" )
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$T/htdocs"
server.errorlog = "$T/lighttpd.log"
server.max-request-size = 1100
server.max-keep-alive-requests = 1000000
server.tag = ""
fastcgi.server = (
	"/api" => ((
		"bin-path" => "$ucgi",
		"socket" => "$T/usercgi.sock",
		"check-local" => "disable",
		"max-procs" => 1,
		"bin-environment" => (
			"USERCGI_CONFIG" => "$T/usercgi.conf",
			"USERCGI_DATABASE" => "$db",
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
lighttpd -D -f "$T/lighttpd.conf" 2>>"$T/lighttpd.log" &
lpid=$!
for i in $(seq 1 100); do
	curl -s -o /dev/null "http://127.0.0.1:$port/" && break
	sleep 0.1
done
out=$(curl -s -w ' %{http_code}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{"username":"bench_probe"}' "$url")
case $out in *' 200') ;; *)
	echo "bench: probe create failed: $out" >&2; cat "$T/lighttpd.log" >&2; exit 1 ;;
esac

# field KEY LINE: the value of KEY=... in a BENCH line.
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
# median: the median of the numbers on stdin.
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print 0; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", (b > 0 ? 100 * a / b : 0) }'; }
ok_if() { awk "BEGIN { exit !($1) }" && echo met || echo MISSED; }

# wrk_run TAG SECONDS: one wrk run of creates; prints its BENCH line.
wrk_run() {
	BENCH_TAG=$1 BENCH_TOKEN=$token BENCH_PASSWORD= \
	    wrk -t "$(( conns < cores ? conns : cores ))" -c "$conns" -d "${2}s" --timeout 30s \
	    -s "$top/bench/create.lua" "$url" 2>>"$T/wrk.err" | grep '^BENCH ' || {
		echo "bench: wrk failed:" >&2; cat "$T/wrk.err" >&2; exit 1; }
}

# pgbench_run TAG SECONDS: one pgbench run of the INSERT with -c $conns,
# every transaction logged; prints a BENCH line as create.lua's (tps
# without the connection time, latency percentiles from the log).
pgbench_run() {
	rm -f "$T/pgb-$1".*
	PGPASSFILE=$T/pgpass "$PG_BIN/pgbench" -n -M prepared -c "$conns" -j "$cores" \
	    -T "$2" -f "$T/insert.sql" -l --log-prefix="$T/pgb-$1" \
	    "host=127.0.0.1 port=$PG_PORT dbname=usercgi user=usercgi" >"$T/pgbench-$1.out" 2>&1 || {
		echo "bench: pgbench failed:" >&2; cat "$T/pgbench-$1.out" >&2; exit 1; }
	python3 - "$T/pgbench-$1.out" "$T/pgb-$1" <<'PY'
import glob, re, sys
out = open(sys.argv[1]).read()
tps = float(re.search(r'tps = ([0-9.]+) \(without initial connection time\)', out).group(1))
failed = re.search(r'number of failed transactions: ([0-9]+)', out)
lat = []
for f in glob.glob(sys.argv[2] + '.*'):
    for line in open(f):
        p = line.split()
        if len(p) >= 3 and p[2].isdigit():
            lat.append(int(p[2]) / 1000.0)
lat.sort()
pc = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else 0
print('BENCH rps=%.1f ok_rps=%.1f requests=%d ok=%d non2xx=%s sockerr=0 p50_ms=%.3f p99_ms=%.3f max_ms=%.3f'
      % (tps, tps, len(lat), len(lat), failed.group(1) if failed else 0, pc(0.5), pc(0.99), lat[-1] if lat else 0))
PY
}

echo "usercgi on PostgreSQL: $(uname -m), $cores cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)),"
echo "  $("$PG_BIN/postgres" --version), fsync $(sq 'SHOW fsync'), synchronous_commit $(sq 'SHOW synchronous_commit'), wal_sync_method $(sq 'SHOW wal_sync_method'),"
echo "  data on $(df -T "$T" | awk 'NR == 2 { print $2 }'); $conns connections, ${secs}s x $repeat each, 1 FastCGI worker x $threads threads"
echo "  load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- (a) and (p), alternately -------------------------------------------
wrk_run uw 2 >/dev/null
pgbench_run pw 2 >/dev/null
: >"$T/a.runs"
: >"$T/p.runs"
for i in $(seq 1 "$repeat"); do
	line=$(wrk_run "u$i" "$secs")
	echo "  usercgi run $i: ${line#BENCH }"
	echo "$line" >>"$T/a.runs"
	line=$(pgbench_run "p$i" "$secs")
	echo "  pgbench run $i: ${line#BENCH }"
	echo "$line" >>"$T/p.runs"
done
# runs SIDE KEY: the values of KEY in SIDE's runs, one a line.
runs() { while read -r line; do field "$2" "$line"; done <"$T/$1.runs"; }
for side in a p; do
	printf -v "${side}_rps" '%s' "$(runs "$side" ok_rps | median)"
	printf -v "${side}_p50" '%s' "$(runs "$side" p50_ms | median)"
	printf -v "${side}_p99" '%s' "$(runs "$side" p99_ms | median)"
	printf -v "${side}_max" '%s' "$(runs "$side" max_ms | sort -g | tail -n 1)"
	printf -v "${side}_bad" '%s' "$( (runs "$side" non2xx; runs "$side" sockerr) | awk '{ s += $1 } END { print s + 0 }')"
done
rows=$(psql "$db" -XAtq -c 'SELECT count(*) FROM users')
kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null || true
lpid=

# ---- (c) one create as plain CGI: PostgreSQL and SQLite -----------------
# As bench/run.sh (c): the CGI variables exported, hyperfine's --prepare
# (untimed) writes a body with a fresh username before each run, one
# token for every run.  The PostgreSQL run connects (TCP, SCRAM with the
# passfile's password) once per request; the SQLite run opens the file.
echo 0 >"$T/counter"
export REQUEST_METHOD=POST SCRIPT_NAME=/cgi-bin/usercgi.fcgi PATH_INFO=/api/users
export QUERY_STRING= SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1
export REMOTE_ADDR=127.0.0.1 CONTENT_TYPE=application/json
export HTTP_AUTHORIZATION="Bearer $token"
export USERCGI_CONFIG=$T/usercgi.conf USERCGI_JWKS_FILE=$T/jwks.json
export USERCGI_ISSUER=$issuer USERCGI_AUDIENCE=$audience
export USERCGI_PHONE_MODULE=$build/lib/usercgi-phone.so
export USERCGI_FETCH_MODULE=$build/lib/usercgi-fetch.so
prep="read n <'$T/counter'; n=\$((n + 1)); echo \$n >'$T/counter'; printf '{\"username\":\"cgi_%08d\"}' \$n >'$T/body'"
sh -c "$prep"
CONTENT_LENGTH=$(wc -c <"$T/body")
export CONTENT_LENGTH
USERCGI_DATABASE=$T/users.db "$admin_bin" init >/dev/null
for d in "$db" "$T/users.db"; do
	sh -c "$prep"
	USERCGI_DATABASE=$d "$ucgi" <"$T/body" >"$T/cgi.out" 2>"$T/cgi.err" || true
	head -n 1 "$T/cgi.out" | grep -q '^Status: 200' || {
		echo "bench: CGI create on $d failed:" >&2; cat "$T/cgi.out" "$T/cgi.err" >&2; exit 1; }
done
hyperfine --style none --warmup 3 --runs "$cgi_runs" --prepare "$prep" \
    --export-json "$T/cgi.json" \
    -n postgresql "USERCGI_DATABASE='$db' '$ucgi' <'$T/body'" \
    -n sqlite "USERCGI_DATABASE='$T/users.db' '$ucgi' <'$T/body'" \
    >"$T/hyperfine.out" 2>&1 || { echo "bench: hyperfine failed:" >&2; cat "$T/hyperfine.out" >&2; exit 1; }
cgi_pg=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print("%.3f" % (r[0]["median"]*1000))' "$T/cgi.json")
cgi_sq=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print("%.3f" % (r[1]["median"]*1000))' "$T/cgi.json")
cgi_rows=$(psql "$db" -XAtq -c "SELECT count(*) FROM users WHERE username LIKE 'cgi\\_%'")
unset HTTP_AUTHORIZATION

# ---- summary ------------------------------------------------------------
echo
echo "PostgreSQL, $conns connections, median of $repeat x ${secs}s:"
printf '  (a) usercgi creates/s (FastCGI, no password): %8s  (p50 %s ms, p99 %s ms, max %s ms; non-2xx + socket errors %s)\n' \
    "$a_rps" "$a_p50" "$a_p99" "$a_max" "$a_bad"
printf '  (p) pgbench INSERTs/s (-M prepared):          %8s  (p50 %s ms, p99 %s ms, max %s ms; failed %s)\n' \
    "$p_rps" "$p_p50" "$p_p99" "$p_max" "$p_bad"
printf '  (a)/(p): %s; rows in users: %s\n' "$(pct "$a_rps" "$p_rps")" "$rows"
printf '  (c) CGI create: PostgreSQL %s ms, SQLite %s ms: %sx, +%s ms per request (connect, SCRAM, prepare; %s CGI rows)\n' \
    "$cgi_pg" "$cgi_sq" "$(ratio "$cgi_pg" "$cgi_sq")" \
    "$(awk -v a="$cgi_pg" -v b="$cgi_sq" 'BEGIN { printf "%.3f", a - b }')" "$cgi_rows"
echo "  load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "targets (issue 14):"
printf '  %-44s %-10s %s\n' "creates/s >= 50% of pgbench's INSERTs/s" "$(pct "$a_rps" "$p_rps")" "$(ok_if "$a_rps >= 0.5 * $p_rps")"
printf '  %-44s %-10s %s\n' "no non-2xx, socket errors or failures" "$((a_bad + p_bad))" "$(ok_if "$((a_bad + p_bad)) == 0")"
