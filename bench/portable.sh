#!/bin/bash
# bench/portable.sh (issue 15): the portable (static) programs beside the
# dynamic build.   bench/portable.sh DYNAMIC_BUILD_DIR PORTABLE_DIR
# PORTABLE_DIR holds the portable usercgi.fcgi and usercgi-admin (the
# unpacked make portable-dist tarball, or a --enable-portable build's
# cgi-bin and tools: give the build directory).  Prints
#   the file sizes: the portable programs; the dynamic usercgi.fcgi, its
#   phone module, and the shared libraries both load (what a host must
#   already have);
#   one plain CGI request, median of BENCH_CGI_RUNS (30) hyperfine runs
#   after 3 warm-ups, each build on a fresh database of its own:
#   (1) a create with a phone number (a new one each run, libphonenumber
#   loaded and used), no password; (2) GET /api/users/{id}.
# Needs hyperfine, python3, sqlite3.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 DYNAMIC_BUILD_DIR PORTABLE_DIR" >&2; exit 2; }
dyn=$(cd "$1" && pwd)
pdir=$(cd "$2" && pwd)
runs=${BENCH_CGI_RUNS:-30}
p_fcgi=$pdir/usercgi.fcgi
p_admin=$pdir/usercgi-admin
if [ ! -x "$p_fcgi" ]; then
	p_fcgi=$pdir/cgi-bin/usercgi.fcgi
	p_admin=$pdir/tools/usercgi-admin
fi
d_fcgi=$dyn/cgi-bin/usercgi.fcgi
d_admin=$dyn/tools/usercgi-admin
d_phone=$dyn/lib/usercgi-phone.so
for f in "$p_fcgi" "$p_admin" "$d_fcgi" "$d_admin" "$d_phone"; do
	[ -e "$f" ] || { echo "bench: $f missing" >&2; exit 1; }
done
command -v hyperfine >/dev/null || { echo "bench: apt-get install hyperfine" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/usercgi-bench-portable.XXXXXX")
trap 'rm -rf "$T"' EXIT
issuer=http://127.0.0.1:3001/oidc
audience=https://default.logto.app/api
"$d_admin" keygen "$T" >/dev/null
printf 'jwks_file = %s\nissuer = %s\naudience = %s\n' "$T/jwks.json" "$issuer" \
    "$audience" >"$T/usercgi.conf"
token=$(USERCGI_CONFIG=$T/usercgi.conf USERCGI_DATABASE=$T/x.db "$d_admin" token "$T/private.pem")

# Sizes, in bytes: each shared library counted once (ldd).
size() { stat -L -c %s "$1"; }
libs() { ldd "$@" | awk '/=> \//{print $3}' | sort -u; }
libsum=0
for l in $(libs "$d_fcgi" "$d_phone"); do libsum=$((libsum + $(size "$l"))); done

export SCRIPT_NAME=/cgi-bin/usercgi.fcgi QUERY_STRING= SERVER_PROTOCOL=HTTP/1.1
export GATEWAY_INTERFACE=CGI/1.1 REMOTE_ADDR=127.0.0.1 CONTENT_TYPE=application/json
export HTTP_AUTHORIZATION="Bearer $token" USERCGI_CONFIG=$T/usercgi.conf
export USERCGI_PHONE_MODULE=$d_phone USERCGI_HASHER=$dyn/cgi-bin/usercgi-hasher
export USERCGI_FETCH_MODULE=$dyn/lib/usercgi-fetch.so
USERCGI_DATABASE=$T/dyn.db "$d_admin" init >/dev/null
USERCGI_DATABASE=$T/port.db "$p_admin" init >/dev/null
echo 0 >"$T/counter"
# A new username and Australian mobile number for every run (untimed).
prep="read n <'$T/counter'; n=\$((n + 1)); echo \$n >'$T/counter'; printf '{\"username\":\"b_%08d\",\"primaryPhone\":\"6104%08d\"}' \$n \$n >'$T/body'"
sh -c "$prep"
export REQUEST_METHOD=POST PATH_INFO=/api/users
CONTENT_LENGTH=$(wc -c <"$T/body")
export CONTENT_LENGTH
for b in dyn:"$d_fcgi" port:"$p_fcgi"; do
	sh -c "$prep"
	USERCGI_DATABASE=$T/${b%%:*}.db "${b#*:}" <"$T/body" >"$T/out" 2>"$T/err" || true
	grep -q '"primaryPhone":"614' "$T/out" || { echo "bench: ${b#*:}: create failed" >&2; cat "$T/out" "$T/err" >&2; exit 1; }
done
hyperfine --style none --warmup 3 --runs "$runs" --prepare "$prep" --export-json "$T/create.json" \
    -n dynamic "USERCGI_DATABASE='$T/dyn.db' '$d_fcgi' <'$T/body'" \
    -n portable "USERCGI_DATABASE='$T/port.db' '$p_fcgi' <'$T/body'" >"$T/h1.out" 2>&1 ||
	{ cat "$T/h1.out" >&2; exit 1; }

# GET by id: the first user of each database.
id_d=$(sqlite3 "$T/dyn.db" 'SELECT id FROM users ORDER BY rowid LIMIT 1')
id_p=$(sqlite3 "$T/port.db" 'SELECT id FROM users ORDER BY rowid LIMIT 1')
export REQUEST_METHOD=GET CONTENT_LENGTH=0
hyperfine --style none --warmup 3 --runs "$runs" --export-json "$T/get.json" \
    -n dynamic "PATH_INFO=/api/users/$id_d USERCGI_DATABASE='$T/dyn.db' '$d_fcgi' </dev/null" \
    -n portable "PATH_INFO=/api/users/$id_p USERCGI_DATABASE='$T/port.db' '$p_fcgi' </dev/null" >"$T/h2.out" 2>&1 ||
	{ cat "$T/h2.out" >&2; exit 1; }

med() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print("%.2f" % (r[int(sys.argv[2])]["median"]*1000))' "$1" "$2"; }
mib() { python3 -c 'import sys; print("%.1f MiB" % (int(sys.argv[1]) / 1048576))' "$1"; }
echo "file sizes:"
printf '  portable usercgi.fcgi:  %s\n' "$(mib "$(size "$p_fcgi")")"
printf '  portable usercgi-admin: %s\n' "$(mib "$(size "$p_admin")")"
printf '  dynamic usercgi.fcgi:   %s, its phone module %s, the shared libraries both load %s\n' \
    "$(mib "$(size "$d_fcgi")")" "$(mib "$(size "$d_phone")")" "$(mib "$libsum")"
echo "one plain CGI request, median of $runs (ms):"
printf '  create with a phone:  dynamic %s  portable %s\n' "$(med "$T/create.json" 0)" "$(med "$T/create.json" 1)"
printf '  GET /api/users/{id}:  dynamic %s  portable %s\n' "$(med "$T/get.json" 0)" "$(med "$T/get.json" 1)"
