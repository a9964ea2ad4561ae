#!/bin/bash
# restart.sh: the PostgreSQL server restarted under a create load (issue
# 14, points 3 and 5).  A real lighttpd runs 2 FastCGI workers of
# usercgi.fcgi (4 threads each) on one throwaway cluster; 6 clients create
# users with unique usernames while the server is restarted with
# pg_ctl restart -m fast and then -m immediate (crash recovery).  Every
# answer is 200, the contract's 422, or 503 JSON with Retry-After: never a
# 500, a hang (10 s) or a connection cut by a worker; after each restart
# the same workers (same pids, none restarted) answer 200 again within
# PG_RECOVER_SECONDS; every user answered 200 is in the database; the
# server holds no more connections from them than their threads (8).
# The responder logs in as a role with a SCRAM password read from a
# passfile (the deployment's form): the password is in no log line.
# This test restarts (or kills) its server: it always starts its own
# cluster ($T/pg, through setup), whatever USERCGI_TEST_PG says.
export USERCGI_TEST_BACKEND=pg
unset USERCGI_TEST_PG
. "$(dirname "$0")/../cgi/lib.sh"
. "$top_srcdir/tests/pg/cluster.sh"
. "$top_srcdir/tests/pg/load.sh"
pg_require
setup
bound=${PG_RECOVER_SECONDS:-10}
stop() {
	[ -n "$load_pids" ] && load_stop
	lighttpd_stop
	test_cleanup
}
trap stop EXIT
db=$(pg_scram_user "$DB" usercgi "$T/pgpass") || { echo "Bail out! cannot make the role"; exit 1; }
pg_conf "$T/usercgi.conf" "$db connect_timeout=5" 'threads = 4'
lighttpd_start "$T/usercgi.conf" 2
st=$(post "$url" probe | cut -f1)
[ "$st" = 200 ] && ok "a create on PostgreSQL through lighttpd" || not_ok "a create on PostgreSQL: $st"
before=$(lighttpd_workers | sort | tr '\n' ' ')
[ "$(echo $before | wc -w)" = 2 ] && ok "lighttpd runs 2 workers" || not_ok "workers: $before"

# restart MODE: restarts the server under the load; asserts it came back
# and that the workers answer 200 again within the bound.
restart() {
	local ms
	sleep 2
	if pg_as "$PG_BIN/pg_ctl" -D "$T/pg/data" -l "$T/pg/server.log" -w -t 60 -m "$1" restart >/dev/null; then
		ok "pg_ctl restart -m $1 under load"
	else
		not_ok "pg_ctl restart -m $1 under load"
	fi
	if ms=$(await_200 "$url" "after_$1" "$bound"); then
		ok "200 again $ms ms after the -m $1 restart"
	else
		not_ok "no 200 within ${bound} s of the -m $1 restart"
	fi
}

load_start "$url" -- c 6
restart fast
restart immediate
sleep 2
load_stop

after=$(lighttpd_workers | sort | tr '\n' ' ')
[ -n "$before" ] && [ "$after" = "$before" ] && ok "the same workers serve after both restarts ($after)" ||
	not_ok "workers before: $before, after: $after"
dbname=${db##*dbname=}
dbname=${dbname%% *}
conns=$(psql -XAtq "$db" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$dbname' AND pid <> pg_backend_pid()")
[ "$conns" -ge 1 ] && [ "$conns" -le 8 ] && ok "the workers hold $conns connections, at most one per thread (8)" ||
	not_ok "the workers hold $conns connections (2 workers x 4 threads)"
audit_answers "restarts" "$T"/load.*
n503=$(answers "$T"/load.* | grep -c '^503	')
echo "# 503 answers during the restarts: $n503"
audit_stored "restarts" "$db" "$T"/load.*
pw=$(cut -d: -f5 "$T/pgpass")
leaks=$(grep -c -F "$pw" "$T/lighttpd.log" "$T/pg/server.log" | awk -F: '{ s += $2 } END { print s }')
[ "$leaks" = 0 ] && ok "the password is in no log line ($(wc -l <"$T/lighttpd.log") lines of the workers)" ||
	not_ok "$leaks log lines with the password"
san=$(grep -c -E 'Sanitizer|runtime error:' "$T/lighttpd.log")
[ "$san" = 0 ] && ok "no sanitizer report from the workers" ||
	not_ok "$san sanitizer report lines in the workers' log"
tap_done
