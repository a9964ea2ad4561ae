#!/bin/bash
# failover.sh: a primary killed under load and its synchronous standby
# promoted (issue 14, point 4).  The responder's database names both
# servers, host=127.0.0.1,127.0.0.1 port=P1,P2 with
# target_session_attrs=read-write, so libpq connects to whichever accepts
# writes.  A real lighttpd runs 2 FastCGI workers (4 threads each); 6
# clients create users while the primary's postmaster and its children
# get SIGKILL (a machine that dies) and, a second later, the standby is
# promoted with pg_promote().  Then: the service answers 200 again within
# PG_FAILOVER_SECONDS of the promotion with the same workers (none
# restarted); every answer was 200, the contract's 422 or 503 JSON with
# Retry-After; every user answered 200 (its id from the body) is on the
# new primary, nothing twice.
# This test restarts (or kills) its server: it always starts its own
# cluster ($T/pg, through setup), whatever USERCGI_TEST_PG says.
export USERCGI_TEST_BACKEND=pg
unset USERCGI_TEST_PG
. "$(dirname "$0")/../cgi/lib.sh"
. "$top_srcdir/tests/pg/cluster.sh"
. "$top_srcdir/tests/pg/standby.sh"
. "$top_srcdir/tests/pg/load.sh"
pg_require
setup
bound=${PG_FAILOVER_SECONDS:-10}
stop() {
	[ -n "$load_pids" ] && load_stop
	lighttpd_stop
	pg_cluster_stop "$T/standby"
	test_cleanup 2>/dev/null
}
trap stop EXIT
# setup's cluster is the primary; the database is made before the
# standby's base backup, so the standby has it too.
p1=$PG_PORT
dbname=${DB##*dbname=}
dbname=${dbname%% *}
if pg_standby_start "$T/standby" "$p1"; then
	ok "a synchronous standby streams from the primary"
else
	echo "Bail out! cannot start the standby"; exit 1
fi
p2=$STANDBY_PORT
[ "$(pg_in_recovery "$p2")" = t ] && ok "the standby is in recovery" || not_ok "the standby is not in recovery"
pg_conf "$T/usercgi.conf" "host=127.0.0.1,127.0.0.1 port=$p1,$p2 user=$PG_SUPERUSER dbname=$dbname target_session_attrs=read-write connect_timeout=2" 'threads = 4'
lighttpd_start "$T/usercgi.conf" 2
st=$(post "$url" probe | cut -f1)
[ "$st" = 200 ] && ok "a create through lighttpd on the primary" || not_ok "a create on the primary: $st"
before=$(lighttpd_workers | sort | tr '\n' ' ')
[ "$(echo $before | wc -w)" = 2 ] && ok "lighttpd runs 2 workers" || not_ok "workers: $before"

load_start "$url" -- c 6
sleep 3
t_kill=$(now_ms)
pg_kill_server "$p1" && ok "primary's postmaster and children SIGKILLed" || not_ok "primary still runs"
# A second with no primary, as a cluster manager takes to decide.
sleep 1
if pg_standby_promote "$p2"; then
	ok "standby promoted ($(( $(now_ms) - t_kill )) ms after the kill)"
else
	not_ok "standby not promoted"
fi
if ms=$(await_200 "$url" after "$bound"); then
	ok "200 again $ms ms after the promotion ($(( $(now_ms) - t_kill )) ms after the kill)"
else
	not_ok "no 200 within ${bound} s of the promotion"
fi
sleep 2
load_stop

after=$(lighttpd_workers | sort | tr '\n' ' ')
[ -n "$before" ] && [ "$after" = "$before" ] && ok "the same workers serve after the failover ($after)" ||
	not_ok "workers before: $before, after: $after"
audit_answers "failover" "$T"/load.*
late=$(awk -F '\t' -v t="$t_kill" '$1 > t + 1000 && $2 == 200' "$T"/load.c.* | wc -l)
[ "$late" -gt 0 ] && ok "the clients' own creates succeed after the failover ($late)" ||
	not_ok "no client create answered 200 after the failover"
echo "# 503 answers around the failover: $(answers "$T"/load.* | grep -c '^503	')"
new="host=127.0.0.1 port=$p2 user=$PG_SUPERUSER dbname=$dbname"
audit_stored "new primary" "$new" "$T"/load.*
psql -XAtq "$new" -c "SELECT 1 FROM users WHERE username = 'probe'" | grep -qx 1 &&
	ok "the create before the load is on the new primary" || not_ok "the probe user is lost"
san=$(grep -c -E 'Sanitizer|runtime error:' "$T/lighttpd.log")
[ "$san" = 0 ] && ok "no sanitizer report from the workers" ||
	not_ok "$san sanitizer report lines in the workers' log"
tap_done
