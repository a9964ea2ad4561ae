#!/bin/bash
# usercgi behind Apache + mod_proxy_fcgi (etc/apache2/usercgi-proxy-fcgi.conf),
# the responders started by spawn-fcgi on a Unix socket
# (etc/spawn-fcgi/usercgi-spawn-fcgi).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/servers/lib.sh"
skip_unless apache2 spawn-fcgi curl setsid

srv_init
PORT=$(free_port)
spawn_start
srv_subst "$ETC/apache2/usercgi-proxy-fcgi.conf" >"$T/etc/apache-usercgi.conf"
apache_start alias proxy proxy_fcgi -- "$T/etc/apache-usercgi.conf"

run_checks proxy_fcgi
stop_pids "Apache" "$APID"
# shellcheck disable=SC2086
stop_pids "the responders" $SPIDS
check_no_responders
check_logs "$T/log/usercgi.log"
tap_done
