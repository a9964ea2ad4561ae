#!/bin/bash
# tests/portable/apache.sh (issue 15): the portable usercgi.fcgi as the
# CGI program of a real Apache (mod_cgid) with the shipped shared-hosting
# .htaccess, installed the way README's shared-hosting steps say: the
# private folder made by the portable usercgi-admin setup (as the user
# CGI programs run as), the program and the .htaccess in the document
# root.  Then the checks every server passes, and a user with a phone
# number and a password created, read back and verified over HTTP.
# Needs $PORTABLE_BIN (make check-portable sets it); speaks TAP.
: "${PORTABLE_BIN:?PORTABLE_BIN: the folder with the portable usercgi.fcgi and usercgi-admin}"
USERCGI_BIN=$PORTABLE_BIN/usercgi.fcgi
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/servers/lib.sh"
skip_unless apache2 curl setsid setpriv

srv_init
PORTABLE_ADMIN=$PORTABLE_BIN/usercgi-admin
[ -x "$PORTABLE_ADMIN" ] || bail "$PORTABLE_ADMIN missing"
SITE=$T/data/site
if out=$(env -i setpriv --reuid="$RUNAS_USER" --regid="$RUNAS_GROUP" --clear-groups \
    "$PORTABLE_ADMIN" setup --data "$SITE" --issuer "$ISSUER" \
    --audience "$AUDIENCE" --jwks "$T/etc/jwks.json" --docroot "$T/www" 2>&1); then
	ok "usercgi-admin setup makes the private folder"
else
	not_ok "usercgi-admin setup makes the private folder"
	echo "$out" | sed 's/^/#   /'
fi
# The .htaccess points at the folder setup made, as README says.
sed -e "s|@SYSCONFDIR@|$SITE|g" "$ETC/shared-hosting/htaccess" >"$T/www/.htaccess"
cp "$USERCGI_BIN" "$T/www/usercgi.fcgi"
chmod 755 "$T/www/usercgi.fcgi"
PORT=$(free_port)
APACHE_WWW_OVERRIDE="FileInfo Options=ExecCGI"
apache_start alias env rewrite cgid

run_checks portable

f=$T/user.json
printf '{"username":"portable_phone","primaryPhone":"610412345678","password":"correct horse 1"}' >"$f"
req POST /api/users "$f"
check "$STATUS" 200 "create a user with a phone and a password: 200"
body_has "the phone is normalised (610412345678 -> 61412345678)" '"primaryPhone":"61412345678"'
ID=$(printf '%s' "$BODY" | sed -n 's/.*"id":"\([0-9a-z]*\)".*/\1/p')
req GET "/api/users/$ID" -
check "$STATUS" 200 "read it back: 200"
body_has "the user read back is the one created" "\"id\":\"$ID\",\"username\":\"portable_phone\""
body_has "its phone read back is the normalised one" '"primaryPhone":"61412345678"'
printf '{"password":"correct horse 1"}' >"$f"
req POST "/api/users/$ID/password/verify" "$f"
check "$STATUS" 204 "the right password verifies: 204"
printf '{"password":"wrong"}' >"$f"
req POST "/api/users/$ID/password/verify" "$f"
check "$STATUS" 422 "a wrong password: 422"
check "$(stat -c '%a %U' "$SITE/users.db")" "600 $RUNAS_USER" \
    "the database is mode 0600, owned by the CGI user"

req GET /usercgi.conf -
check "$STATUS" 404 "the configuration is not under the document root"
stop_pids "Apache" "$APID"
check_logs "$T/log/apache-error.log"
tap_done
