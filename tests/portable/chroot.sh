#!/bin/bash
# tests/portable/chroot.sh (issue 15): the portable programs on a bare
# host.  A directory holds only usercgi.fcgi, usercgi-admin, a config, a
# JWKS and an empty data folder (no /lib, /usr, /etc, /dev, /proc); both
# programs run there under chroot, as an unprivileged uid without a
# passwd entry: the database is made, a user with a phone number and a
# password is created, read back and its password verified through plain
# CGI; usercgi-admin setup does a first install and a second, changing
# nothing.  Needs root (chroot) and the portable binaries in
# $PORTABLE_BIN (make check-portable sets it); speaks TAP.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${NODE:=node}"
: "${PORTABLE_BIN:?PORTABLE_BIN: the folder with the portable usercgi.fcgi and usercgi-admin}"
MINT="$NODE $top_srcdir/tests/jose/mint.mjs"
ISSUER="http://127.0.0.1:3001/oidc"
AUDIENCE="https://default.logto.app/api"
RUNAS=65534:65534	# nobody's numbers: the chroot has no /etc/passwd
CHROOT=$(command -v chroot) || { echo "1..0 # SKIP no chroot"; exit 0; }

tap_n=0
tap_failed=0
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
check() { if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3"; printf '#   got:  %s\n#   want: %s\n' "$1" "$2"; fi; }
has() { case $1 in *"$2"*) ok "$3" ;; *) not_ok "$3"; printf '#   %.400s\n' "$1" ;; esac; }

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP chroot needs root"
	exit 0
fi
for f in usercgi.fcgi usercgi-admin; do
	[ -x "$PORTABLE_BIN/$f" ] || { echo "Bail out! $PORTABLE_BIN/$f missing"; exit 1; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/usercgi-chroot.XXXXXX")
trap 'rm -rf "$T"' EXIT
R=$T/root
mkdir -p "$R" "$T/jose"
chmod 755 "$R"
$MINT setup "$T/jose" >/dev/null || { echo "Bail out! cannot mint keys (cd tests/jose && npm ci)"; exit 1; }
TOKEN=$($MINT token "$T/jose")

# Static, no interpreter, no needed library: nothing for ld.so to find.
for f in usercgi.fcgi usercgi-admin; do
	hdr=$(readelf -lW -d "$PORTABLE_BIN/$f" 2>&1)
	case $hdr in
	*INTERP* | *NEEDED*) not_ok "$f is statically linked"; echo "$hdr" | grep 'INTERP\|NEEDED' | sed 's/^/#   /' ;;
	*) ok "$f is statically linked (no PT_INTERP, no DT_NEEDED)" ;;
	esac
done

# The bare host: two programs, a config, a JWKS, an empty data folder.
cp "$PORTABLE_BIN/usercgi.fcgi" "$PORTABLE_BIN/usercgi-admin" "$R/"
cp "$T/jose/jwks.json" "$R/jwks.json"
mkdir "$R/data"
chown "$RUNAS" "$R/data"
chmod 700 "$R/data"
cat >"$R/usercgi.conf" <<EOF
database = /data/users.db
jwks_file = /jwks.json
issuer = $ISSUER
audience = $AUDIENCE
EOF
chmod 644 "$R/usercgi.conf" "$R/jwks.json"
check "$(cd "$R" && find . | sort | tr '\n' ' ')" \
    ". ./data ./jwks.json ./usercgi-admin ./usercgi.conf ./usercgi.fcgi " \
    "the root holds only the two programs, the config, the JWKS and data/"

# admin ARGS...: usercgi-admin in the chroot; sets OUT (stdout+stderr), EXIT.
admin() {
	OUT=$(env -i USERCGI_CONFIG=/usercgi.conf "$CHROOT" --userspec="$RUNAS" "$R" \
	    /usercgi-admin "$@" 2>&1)
	EXIT=$?
}

admin init
check "$EXIT" 0 "usercgi-admin init in the chroot exits 0"
has "$OUT" "schema version" "init says what it made"
check "$(stat -c '%a %u' "$R/data/users.db" 2>/dev/null)" "600 65534" \
    "the database is mode 0600, owned by the CGI user"
admin check
check "$EXIT" 0 "usercgi-admin check in the chroot: ok"
has "$OUT" "phone numbers   = normalised (libphonenumber" "check: libphonenumber is linked in"

# cgi METHOD PATH BODY [EXTRA-ENV...]: one CGI request in the chroot;
# sets STATUS and BODY.
cgi() {
	local method=$1 path=$2 body=$3 out
	shift 3
	out=$(printf '%s' "$body" | env -i REQUEST_METHOD="$method" \
	    SCRIPT_NAME=/usercgi.fcgi PATH_INFO="$path" QUERY_STRING= \
	    SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1 \
	    REMOTE_ADDR=127.0.0.1 CONTENT_TYPE=application/json \
	    CONTENT_LENGTH="$(printf '%s' "$body" | wc -c)" \
	    HTTP_AUTHORIZATION="Bearer $TOKEN" USERCGI_CONFIG=/usercgi.conf \
	    USERCGI_ARGON2_T=1 USERCGI_ARGON2_M=64 "$@" \
	    "$CHROOT" --userspec="$RUNAS" "$R" /usercgi.fcgi 2>"$T/stderr")
	STATUS=$(printf '%s\n' "$out" | sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -n 1)
	BODY=${out#*$'\r\n\r\n'}
}

cgi POST /api/users '{"username":"bare","primaryPhone":"610412345678","password":"correct horse 1"}'
check "$STATUS" 200 "create a user with a phone and a password: 200"
ID=$(printf '%s' "$BODY" | sed -n 's/.*"id":"\([0-9a-z]*\)".*/\1/p')
has "$BODY" '"primaryPhone":"61412345678"' "the phone is normalised as libphonenumber does (610412345678 -> 61412345678)"
[ -n "$ID" ] && ok "the response has the user's id" || not_ok "the response has the user's id"

cgi GET "/api/users/$ID" ''
check "$STATUS" 200 "read the user back: 200"
has "$BODY" "\"id\":\"$ID\",\"username\":\"bare\"" "the user read back is the one created"
has "$BODY" '"primaryPhone":"61412345678"' "its phone read back is the normalised one"
has "$BODY" '"hasPassword":true' "it has a password"

cgi POST "/api/users/$ID/password/verify" '{"password":"correct horse 1"}'
check "$STATUS" 204 "the right password verifies: 204"
cgi POST "/api/users/$ID/password/verify" '{"password":"wrong horse"}'
check "$STATUS" 422 "a wrong password: 422"
cgi POST /api/users '{"username":"bare2","primaryPhone":"61412345678"}'
check "$STATUS" 422 "the same number in the other form is taken: 422"
has "$BODY" '"code":"user.phone_already_in_use"' "422 says the phone is in use"
check "$(grep -c "error\|warn" "$T/stderr")" 0 "the responder logged no error or warning"

# The data and the config must lie outside the document root.
mkdir -p "$R/www"
cp "$R/usercgi.conf" "$R/www/usercgi.conf"
cgi GET "/api/users/$ID" '' DOCUMENT_ROOT=/data
check "$STATUS" 500 "the database under DOCUMENT_ROOT: refused (500)"
cgi GET "/api/users/$ID" '' DOCUMENT_ROOT=/www USERCGI_CONFIG=/www/usercgi.conf
check "$STATUS" 500 "the configuration under DOCUMENT_ROOT: refused (500)"
has "$(cat "$T/stderr")" "the configuration /www/usercgi.conf lies under DOCUMENT_ROOT /www" \
    "the log says the configuration is exposed"
cgi GET "/api/users/$ID" '' DOCUMENT_ROOT=/www
check "$STATUS" 200 "both outside DOCUMENT_ROOT: 200"
rm -rf "$R/www"

# A group name would need NSS, which a static program has not.
cgi GET "/api/users/$ID" '' USERCGI_DATABASE_GROUP=users
check "$STATUS" 500 "database_group by name: refused (no NSS)"
has "$(cat "$T/stderr")" "takes a group number" "the log says to give a number"

# usercgi-admin setup: a first install in one command, twice.
setup() {
	admin setup --data /data/site --issuer "$ISSUER" --audience "$AUDIENCE" \
	    --jwks /jwks.json "$@"
}
setup
check "$EXIT" 0 "setup: exit 0"
check "$OUT" "created   /data/site (mode 0700)
wrote     /data/site/jwks.json from /jwks.json (1 usable key)
wrote     /data/site/usercgi.conf (mode 0600)
created   /data/site/users.db (schema version $(printf '%s' "$OUT" | sed -n 's/.*schema version \([0-9]*\).*/\1/p'), mode 0600)
done: in the .htaccess, SetEnv USERCGI_CONFIG /data/site/usercgi.conf" "setup says exactly what it did"
check "$(stat -c %a "$R/data/site" "$R/data/site/usercgi.conf" "$R/data/site/users.db" | tr '\n' ' ')" \
    "700 600 600 " "setup's folder is 0700, its files 0600"
before=$(cd "$R/data/site" && sha256sum usercgi.conf jwks.json)
setup
check "$EXIT" 0 "setup again: exit 0"
has "$OUT" "kept      /data/site (mode 0700)
kept      /data/site/jwks.json (the same as /jwks.json)
kept      /data/site/usercgi.conf (mode 0600)
kept      /data/site/users.db" "setup again keeps everything"
check "$(cd "$R/data/site" && sha256sum usercgi.conf jwks.json)" "$before" "and changes nothing"
admin setup --data /data/site --issuer http://other/oidc --audience "$AUDIENCE"
check "$EXIT" 1 "setup with another issuer over an existing config: exit 1"
has "$OUT" "left as it is" "it says the config was left as it is"
check "$(cd "$R/data/site" && sha256sum usercgi.conf jwks.json)" "$before" "the config is unchanged"
admin setup --data /data/site2 --issuer "$ISSUER" --audience "$AUDIENCE" --docroot /data
check "$EXIT" 1 "setup with the data folder under --docroot: exit 1"
OUT=$(env -i GATEWAY_INTERFACE=CGI/1.1 "$CHROOT" --userspec="$RUNAS" "$R" /usercgi-admin setup \
    --data /data/cgi --issuer "$ISSUER" --audience "$AUDIENCE" 2>&1)
check "$?" 1 "setup as a CGI program (GATEWAY_INTERFACE set): exit 1"
has "$OUT" "refuses to run as a CGI program" "it says why"
[ -e "$R/data/cgi" ] && not_ok "nothing is created then" || ok "nothing is created then"

# The installed site answers with the config setup wrote.
cgi POST /api/users '{"username":"site","primaryPhone":"3903331234567"}' \
    USERCGI_CONFIG=/data/site/usercgi.conf
check "$STATUS" 200 "the site setup made serves a create: 200"
has "$BODY" '"primaryPhone":"3903331234567"' "Italy keeps its leading 0"

echo "1..$tap_n"
[ "$tap_failed" -eq 0 ]
