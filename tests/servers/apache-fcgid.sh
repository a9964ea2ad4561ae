#!/bin/bash
# usercgi behind Apache + mod_fcgid (etc/apache2/usercgi-fcgid.conf):
# mod_fcgid spawns the responders itself.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/servers/lib.sh"
skip_unless apache2 curl setsid
[ -f "${APACHE_MODULES:-/usr/lib/apache2/modules}/mod_fcgid.so" ] ||
	{ echo "ok 1 # SKIP mod_fcgid not installed"; echo "1..1"; exit 0; }

srv_init
PORT=$(free_port)
srv_subst "$ETC/apache2/usercgi-fcgid.conf" >"$T/etc/apache-usercgi.conf"
# mod_fcgid's own sockets and shared memory, private to this test.
mkdir -p "$T/apache/fcgid"
chown "$RUNAS_USER:$RUNAS_GROUP" "$T/apache/fcgid"
cat >"$T/etc/apache-fcgid-private.conf" <<EOF2
FcgidIPCDir $T/apache/fcgid
FcgidProcessTableFile $T/apache/fcgid/shm
EOF2
apache_start alias fcgid -- "$T/etc/apache-fcgid-private.conf" "$T/etc/apache-usercgi.conf"

run_checks fcgid
stop_pids "Apache" "$APID"
check_no_responders
check_logs "$T/log/apache-error.log"
tap_done
