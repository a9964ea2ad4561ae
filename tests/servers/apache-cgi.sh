#!/bin/bash
# usercgi as a plain CGI program on shared hosting: Apache + mod_cgid and
# the shipped .htaccess (etc/shared-hosting/htaccess) in the document
# root, the program beside it, its data outside the document root.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/servers/lib.sh"
skip_unless apache2 curl setsid

srv_init
PORT=$(free_port)
srv_subst "$ETC/shared-hosting/htaccess" >"$T/www/.htaccess"
cp "$T/cgi-bin/usercgi.fcgi" "$T/www/usercgi.fcgi"
# What a shared host allows in .htaccess files.
APACHE_WWW_OVERRIDE="FileInfo Options=ExecCGI"
apache_start alias env rewrite cgid

run_checks cgi
req GET /usercgi.conf -
check "$STATUS" 404 "the configuration is not under the document root"
stop_pids "Apache" "$APID"
check_logs "$T/log/apache-error.log"
tap_done
