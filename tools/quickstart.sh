#!/bin/bash
# quickstart.sh: from a fresh clone on Debian 12, as root: installs what is
# needed, builds, creates a development key pair, JWKS, config and SQLite
# database in ./data, and runs usercgi behind lighttpd on 127.0.0.1:8080
# with a printed token and curl line.  Ctrl-C stops it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
port=${PORT:-8080}
data=$top/data

sh tools/install-deps.sh
[ -x configure ] || autoreconf -fi >/dev/null
[ -f Makefile ] || ./configure -q
make -s -j"$(nproc)" >/dev/null

mkdir -p "$data" "$data/htdocs"
chmod 700 "$data"
if [ ! -f "$data/jwks.json" ]; then
	tools/usercgi-admin keygen "$data" >/dev/null
fi
cat >"$data/usercgi.conf" <<CONF
# Development configuration written by tools/quickstart.sh.
database = $data/users.db
jwks_file = $data/jwks.json
issuer = http://127.0.0.1:$port/oidc
audience = https://default.logto.app/api
phone_module = $top/lib/usercgi-phone.so
hasher = $top/cgi-bin/usercgi-hasher
CONF
export USERCGI_CONFIG=$data/usercgi.conf
tools/usercgi-admin init >/dev/null

sed -e "s|@CGIBIN@|$top/cgi-bin|g" -e "s|@PORT@|$port|g" \
    -e "s|@DATADIR@|$data|g" -e "s|@CONFIG@|$data/usercgi.conf|g" \
    etc/lighttpd-quickstart.conf >"$data/lighttpd.conf"

token=$(tools/usercgi-admin token "$data/private.pem" --ttl 3600)
cat <<MSG

usercgi is running on http://127.0.0.1:$port/api/users (data in $data).
A development token, valid for one hour:

  TOKEN=$token

Create a user:

  curl -s -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
       -d '{"username":"alice","password":"correct horse"}' http://127.0.0.1:$port/api/users

Ctrl-C stops the server.
MSG
exec lighttpd -D -f "$data/lighttpd.conf"
