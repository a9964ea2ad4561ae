#!/bin/bash
# crash_pg.sh: tests/cgi/crash.sh's crash test on PostgreSQL (issue 14,
# point 5).  A real lighttpd runs 4 FastCGI workers of usercgi.fcgi (4
# threads each) on a throwaway cluster; 8 clients create users with
# unique usernames for CRASH_SECONDS (default 20) seconds while a killer
# sends SIGKILL to a random worker every second.  Afterwards every user
# answered 200 is stored with the id and username it was told, nothing is
# stored twice, the service answered (200 or 4xx) within
# CRASH_MAX_GAP_MS of each kill, usercgi itself answered nothing but 200
# or 503 JSON with Retry-After, and the server holds no more connections
# than the live workers' threads (a killed worker's are gone).
# The database is setup's (USERCGI_TEST_BACKEND=pg): a fresh one on the
# server USERCGI_TEST_PG names, else on a throwaway cluster of its own.
export USERCGI_TEST_BACKEND=pg
. "$(dirname "$0")/../cgi/lib.sh"
. "$top_srcdir/tests/pg/cluster.sh"
. "$top_srcdir/tests/pg/load.sh"
pg_require
setup
secs=${CRASH_SECONDS:-20}
gap=${CRASH_MAX_GAP_MS:-1000}
stop() {
	[ -n "$load_pids" ] && load_stop
	lighttpd_stop
	test_cleanup
}
trap stop EXIT
db=$DB
pg_conf "$T/usercgi.conf" "$db connect_timeout=5" 'threads = 4'
lighttpd_start "$T/usercgi.conf" 4 'server.max-connections = 256'
st=$(post "$url" probe | cut -f1)
[ "$st" = 200 ] && ok "a create on PostgreSQL through lighttpd" || not_ok "a create: $st"
n=$(lighttpd_workers | wc -l)
[ "$n" = 4 ] && ok "lighttpd runs 4 workers" || not_ok "lighttpd runs 4 workers: $n"

# killer: once a second (on a fixed schedule) SIGKILLs a random worker,
# then creates one user after another until the service answers 200 or
# 4xx; writes the victim, the gap in milliseconds and the status per kill
# to $T/gaps.
killer() {
	local victim t0 st k=0 next now
	next=$(now_ms)
	while [ "$(date +%s)" -lt "$end" ]; do
		next=$((next + 1000))
		now=$(now_ms)
		[ "$now" -lt "$next" ] &&
			sleep "$(( (next - now) / 1000 )).$(printf '%03d' $(( (next - now) % 1000 )))"
		victim=$(lighttpd_workers | shuf -n 1)
		[ -n "$victim" ] || { echo "none" >>"$T/gaps"; continue; }
		t0=$(now_ms)
		kill -KILL "$victim" 2>/dev/null || continue
		while :; do
			st=$(post "$url" "k_$k")
			printf '%s\t%s\n' "$(now_ms)" "$st" >>"$T/kill.k"
			st=${st%%$'\t'*}
			k=$((k + 1))
			case $st in 2??|4??) break ;; esac
			[ $(( $(now_ms) - t0 )) -gt 5000 ] && break
		done
		echo "$victim $(( $(now_ms) - t0 )) $st" >>"$T/gaps"
	done
}

end=$(( $(date +%s) + secs ))
: >"$T/gaps"
load_start "$url" -- c 8
killer
load_stop

kills=$(wc -l <"$T/gaps")
if [ "$kills" -ge $((secs - 2)) ] && ! grep -q '^none' "$T/gaps"; then
	ok "killer sent $kills SIGKILLs"
else
	not_ok "killer sent $kills SIGKILLs in ${secs}s"
	sed 's/^/#   /' "$T/gaps"
fi
echo "# ms from each kill to an answer: $(cut -d' ' -f2 "$T/gaps" | tr '\n' ' ')"
slow=$(awk -v gap="$gap" '$2 >= gap || $3 !~ /^[24]/' "$T/gaps")
if [ -z "$slow" ]; then
	ok "service answered within ${gap} ms of each kill (max $(sort -k2 -n "$T/gaps" | tail -n 1 | cut -d' ' -f2) ms)"
else
	not_ok "service answered within ${gap} ms of each kill"
	printf '%s\n' "$slow" | sed 's/^/#   pid, ms, status: /'
fi

answers "$T"/load.* "$T/kill.k" >"$T/all"
n200=$(grep -c '^200	' "$T/all")
echo "# $n200 answered 200; others: $(grep -v '^200	' "$T/all" | cut -f1 | sort | uniq -c | tr '\n' ' ')"
[ "$n200" -ge $((secs * 5)) ] && ok "clients got $n200 users created" ||
	not_ok "clients got only $n200 users created"
# A request on a worker that was killed gets lighttpd's own error page
# (HTML, 500/502/503) or a cut connection (000:52, 000:56).  What usercgi
# itself answers (JSON) is 200 or 503 with Retry-After.
bad=$(awk -F '\t' -v u="$PG_503U" -v b="$PG_503B" '
	$1 == 200 && $3 ~ /^\{"id":"[0-9a-z]+","username":/ { next }
	$1 == 503 && $2 ~ /^[1-9][0-9]*$/ && ($3 == u || $3 == b) { next }
	$1 ~ /^50[023]$/ && $3 !~ /^\{/ { next }
	$1 ~ /^000:(52|56)$/ { next }
	{ print }' "$T/all" | head -n 5)
[ -z "$bad" ] && ok "usercgi answered nothing but 200 or 503 JSON with Retry-After" ||
	not_ok "unexpected answers: $(printf '%s' "$bad" | cut -c1-200 | tr '\n' '|')"
audit_stored "SIGKILLed workers" "$db" "$T"/load.* "$T/kill.k"

# The workers lighttpd restarted are serving: four again (lighttpd
# restarts a dead worker when it next needs one, so keep asking).
for i in $(seq 1 20); do
	n=$(lighttpd_workers | wc -l)
	[ "$n" = 4 ] && break
	curl -s -o /dev/null -m 2 "$url"
	sleep 0.5
done
[ "$n" = 4 ] && ok "4 workers again after the kills" || not_ok "workers after the kills: $n"
st=$(post "$url" after_all | cut -f1)
[ "$st" = 200 ] && ok "a create after the storm" || not_ok "a create after the storm: $st"
# A killed worker's connections closed with it: the server's backends
# are lost sockets' for a moment only.
dbname=${db##*dbname=}
dbname=${dbname%% *}
for i in $(seq 1 20); do
	conns=$(psql -XAtq "$db" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$dbname' AND pid <> pg_backend_pid()")
	[ "$conns" -le 16 ] && break
	sleep 0.25
done
[ "$conns" -le 16 ] && ok "the server holds $conns connections of the 4 workers' 16 threads" ||
	not_ok "the server holds $conns connections, more than 4 workers x 4 threads"
san=$(grep -c -E 'Sanitizer|runtime error:' "$T/lighttpd.log")
[ "$san" = 0 ] && ok "no sanitizer report from the workers" ||
	not_ok "$san sanitizer report lines in the workers' log"
tap_done
