#!/bin/bash
# usercgi started the way the shipped systemd units say
# (etc/systemd/usercgi.socket, usercgi.service), behind nginx
# (etc/nginx/usercgi.conf).
#
# No systemd instance is touched: systemd-analyze verify checks the units,
# and systemd-socket-activate stands in for the socket unit.  The test
# reads ListenStream=, SocketMode=, SocketGroup=, Environment= and
# ExecStart= from the units and applies StandardInput=socket (the
# listening socket on fd 0) itself.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/servers/lib.sh"
skip_unless systemd-analyze systemd-socket-activate setpriv nginx curl setsid

srv_init
PORT=$(free_port)
srv_subst "$ETC/systemd/usercgi.socket" >"$T/etc/usercgi.socket"
srv_subst "$ETC/systemd/usercgi.service" >"$T/etc/usercgi.service"

(cd "$T/etc" && systemd-analyze verify --man=no ./usercgi.socket ./usercgi.service) \
    >"$T/log/verify.log" 2>&1
if [ $? -eq 0 ] && [ ! -s "$T/log/verify.log" ]; then
	ok "systemd-analyze verify accepts the units"
else
	not_ok "systemd-analyze verify accepts the units"
	sed 's/^/#   /' "$T/log/verify.log"
fi

# unit_get FILE KEY: the values of KEY=, one per line.
unit_get() { sed -n "s/^$2=//p" "$1"; }

sock=$(unit_get "$T/etc/usercgi.socket" ListenStream)
mode=$(unit_get "$T/etc/usercgi.socket" SocketMode)
group=$(unit_get "$T/etc/usercgi.socket" SocketGroup)
exec_start=$(unit_get "$T/etc/usercgi.service" ExecStart)
check "$(unit_get "$T/etc/usercgi.socket" Accept)" no "the socket unit passes the listening socket (Accept=no)"
check "$(unit_get "$T/etc/usercgi.service" StandardInput)" socket "the service gets the socket on fd 0"
check "$(unit_get "$T/etc/usercgi.service" StandardOutput)" journal "stdout is not the socket"
check "$sock" "$T/run/usercgi.sock" "the socket is in @RUNDIR@"
if [ "$(id -u)" -ne 0 ] || ! getent group "$group" >/dev/null; then
	group=$RUNAS_GROUP
fi
mapfile -t envs < <(unit_get "$T/etc/usercgi.service" Environment)

# systemd-socket-activate creates the socket, then on the first connection
# runs the service with the socket as fd 3; the service's own settings
# (user, environment, fd 0) are applied here as systemd would.
if [ "$(id -u)" -eq 0 ]; then
	runas=(setpriv --reuid="$RUNAS_USER" --regid="$RUNAS_GROUP" --clear-groups)
else
	runas=()
fi
srv_bg "$T/log/usercgi-journal.log" systemd-socket-activate -l "$sock" -- \
    "${runas[@]}" env -i PATH=/usr/bin:/bin "${envs[@]}" \
    sh -c 'exec "$0" 0<&3 3<&-' $exec_start
UPID=$(tail -n 1 "$T/pids")
wait_file "$sock" || bail "no socket: $(cat "$T/log/usercgi-journal.log")"
chgrp "$group" "$sock" && chmod "$mode" "$sock"

NGINX_GROUP=$group
nginx_start

run_checks systemd
stop_pids "nginx" "$NPID"
stop_pids "the responder (the service's main process)" "$UPID"
check_no_responders
check_logs "$T/log/usercgi-journal.log"
tap_done
