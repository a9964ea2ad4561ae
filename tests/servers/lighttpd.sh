#!/bin/bash
# usercgi behind lighttpd + mod_fastcgi (etc/lighttpd/usercgi.conf):
# lighttpd spawns the responders itself.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/servers/lib.sh"
skip_unless lighttpd curl setsid

srv_init
PORT=$(free_port)
srv_subst "$ETC/lighttpd/usercgi.conf" >"$T/etc/lighttpd-usercgi.conf"
# The main configuration stands in for the distribution's lighttpd.conf.
cat >"$T/etc/lighttpd.conf" <<EOF2
server.bind          = "127.0.0.1"
server.port          = $PORT
server.document-root = "$T/www"
server.errorlog      = "$T/log/lighttpd-error.log"
server.pid-file      = "$T/run/lighttpd.pid"
EOF2
if [ "$(id -u)" -eq 0 ]; then
	printf 'server.username = "%s"\nserver.groupname = "%s"\n' \
	    "$RUNAS_USER" "$RUNAS_GROUP" >>"$T/etc/lighttpd.conf"
fi
echo "include \"$T/etc/lighttpd-usercgi.conf\"" >>"$T/etc/lighttpd.conf"

if lighttpd -tt -f "$T/etc/lighttpd.conf" >"$T/log/lighttpd-check.log" 2>&1; then
	ok "lighttpd accepts the configuration"
else
	not_ok "lighttpd accepts the configuration"
	sed 's/^/#   /' "$T/log/lighttpd-check.log"
fi
srv_bg "$T/log/lighttpd.out" lighttpd -D -f "$T/etc/lighttpd.conf"
LPID=$(tail -n 1 "$T/pids")
wait_http || bail "lighttpd did not start: $(cat "$T/log/"lighttpd* 2>/dev/null)"

run_checks lighttpd
stop_pids "lighttpd" "$LPID"
check_no_responders
check_logs "$T/log/lighttpd.out"
tap_done
