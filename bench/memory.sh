#!/bin/bash
# bench/memory.sh: peak RSS of one CGI request per hostile or large body
# (issue 12 #3; README.md, "Memory per request").  Run after a build:
#         bench/memory.sh [BUILD_DIR]      (default: the source tree)
# Prints, per body, the status and the maximum resident set size that
# /usr/bin/time -v reports for the responder, in MiB.  Needs python3,
# /usr/bin/time and tests/jose (cd tests/jose && npm ci).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top}
ucgi=$build/cgi-bin/usercgi.fcgi
T=$(mktemp -d "${TMPDIR:-/tmp}/usercgi-mem.XXXXXX")
trap 'rm -rf "$T"' EXIT
node "$top/tests/jose/mint.mjs" setup "$T" ES384 >/dev/null
token=$(node "$top/tests/jose/mint.mjs" token "$T")
: >"$T/usercgi.conf"

python3 - "$T" <<'PY'
import sys
d = sys.argv[1]
B = 1048576
def fill(name, head, unit, tail, size=B):
    n = (size - len(head) - len(tail)) // len(unit)
    open(f"{d}/{name}", "w").write((head + unit * n).rstrip(",") + tail)
fill("arr_obj", "[", "{},", "]")
fill("arr_arr", "[", "[],", "]")
fill("cd_obj", '{"customData":{"a":[', "{},", "]}}")
fill("cd_int", '{"customData":{"a":[', "1,", "]}}")
fill("cd_str", '{"customData":{"a":[', '"",', "]}}")
fill("cd_str16", '{"customData":{"a":[', '"aaaaaaaaaaaaaaaa",', "]}}")
fill("cd_int300k", '{"customData":{"a":[', "1,", "]}}", 300000)
fill("cd_recs", '{"customData":{"a":[',
     '{"id":12345,"name":"Alice Example","email":"alice@example.com","tags":["a","b"]},', "]}}")
keys, size, i = [], len('{"customData":{}}'), 0
while size + len('"%x":1,' % i) <= B:
    keys.append('"%x":1' % i)
    size += len(keys[-1]) + 1
    i += 1
open(f"{d}/cd_keys", "w").write('{"customData":{' + ",".join(keys) + "}}")
open(f"{d}/form_wide", "w").write(
    "&".join("customData[k%d][a][b][c][d]=x" % i for i in range(1000)))
open(f"{d}/form_deep", "w").write(
    "&".join("customData[a%d][b]=%s" % (i, "x" * 1000) for i in range(1000)))
open(f"{d}/empty", "w").write("")
PY

printf '%-11s %7s %s\n' body status "peak RSS (MiB)"
for f in empty arr_obj arr_arr cd_obj cd_int cd_str cd_keys cd_recs cd_str16 \
    cd_int300k form_wide form_deep; do
	case $f in
	form_*) ct=application/x-www-form-urlencoded ;;
	*) ct=application/json ;;
	esac
	rm -f "$T"/users.db*
	status=$(env -i REQUEST_METHOD=POST SCRIPT_NAME=/cgi-bin/usercgi.fcgi \
	    PATH_INFO=/api/users CONTENT_TYPE=$ct \
	    CONTENT_LENGTH="$(wc -c <"$T/$f")" HTTP_AUTHORIZATION="Bearer $token" \
	    USERCGI_CONFIG="$T/usercgi.conf" USERCGI_DATABASE="$T/users.db" \
	    USERCGI_JWKS_FILE="$T/jwks.json" \
	    USERCGI_ISSUER=http://127.0.0.1:3001/oidc \
	    USERCGI_AUDIENCE=https://default.logto.app/api \
	    USERCGI_PHONE_MODULE="$build/lib/usercgi-phone.so" \
	    USERCGI_FETCH_MODULE="$build/lib/usercgi-fetch.so" \
	    /usr/bin/time -v -o "$T/time" "$ucgi" <"$T/$f" 2>/dev/null |
	    sed -n 's/^Status: \([0-9]*\).*/\1/p')
	kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/time")
	awk -v f="$f" -v s="$status" -v kb="$kb" \
	    'BEGIN { printf "%-11s %7s %.1f\n", f, s, kb / 1024 }'
done
