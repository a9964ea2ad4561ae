#!/bin/bash
# usercgi behind nginx (etc/nginx/usercgi.conf), the responders started
# by spawn-fcgi on a Unix socket (etc/spawn-fcgi/usercgi-spawn-fcgi).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/servers/lib.sh"
skip_unless nginx spawn-fcgi curl setsid

srv_init
PORT=$(free_port)
spawn_start
nginx_start

run_checks nginx
stop_pids "nginx" "$NPID"
# shellcheck disable=SC2086
stop_pids "the responders" $SPIDS
check_no_responders
check_logs "$T/log/usercgi.log"
tap_done
