#!/bin/bash
# jwksuri.sh: keys that follow the issuer (issue 16).  A test CA made here
# with the openssl CLI signs the certificate of a real HTTPS server
# (lighttpd with mod_openssl) on 127.0.0.1 that serves the JWKS, the
# discovery document and the bad answers; every fetch is counted in its
# log (the request lines of debug.log-request-header).  Tokens come from tests/jose (npm jose).  Covered: the
# first fetch, discovery, rotation without a restart (CGI and FastCGI),
# a flood of unknown kids (at most one fetch per cooldown, across
# processes), the server down (cached keys used, one log line per
# failure, the hard expiry), garbage / oversized / wrong content, an
# untrusted certificate, redirects, and the cache file replaced while
# FastCGI workers and CGI processes read it.
. "$(dirname "$0")/lib.sh"
setup ES384
if ! command -v openssl >/dev/null || [ ! -e /usr/lib/lighttpd/mod_openssl.so ]; then
	echo "1..0 # SKIP needs openssl and lighttpd-mod-openssl"
	exit 0
fi
ADMIN="$top_builddir/tools/usercgi-admin"
if ! grep -q '^#define HAVE_LIBCURL 1' "$top_builddir/config.h"; then
	# A build --without-libcurl refuses the key, and says why.
	out=$(env -i USERCGI_CONFIG=/dev/null USERCGI_DATABASE="$T/x.db" \
	    USERCGI_ISSUER="$ISSUER" USERCGI_AUDIENCE="$AUDIENCE" \
	    USERCGI_JWKS_URI=https://issuer.example/jwks "$ADMIN" check 2>&1)
	case $out in
	*"jwks_uri: this build has no HTTP client"*) ok "--without-libcurl: jwks_uri refused" ;;
	*) not_ok "--without-libcurl: jwks_uri refused"; printf '# %s\n' "$out" ;;
	esac
	tap_done
	exit
fi
U='{"code":"auth.unauthorized","data":{"code":"%s","name":"%s"},"message":"Unauthorized. Please check credentials and its scope."}'
NOKEY=$(printf "$U" ERR_JWKS_NO_MATCHING_KEY JWKSNoMatchingKey)

# The test CA, the server's certificate (127.0.0.1 and localhost), and a
# second CA that signed nothing the server shows.
mkdir -p "$T/tls" "$T/www/oidc/.well-known"
(
	cd "$T/tls" || exit 1
	for ca in ca other; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout $ca.key -out $ca.pem -days 2 \
		    -subj "/CN=usercgi test $ca" 2>/dev/null || exit 1
	done
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout server.key -out server.csr -subj /CN=127.0.0.1 2>/dev/null &&
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >ext &&
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -out server.pem -days 2 -extfile ext 2>/dev/null
) || { echo "Bail out! cannot make the test CA"; exit 1; }

# Three key pairs: K1 now, K2 and K3 for the rotations.
for k in k2 k3; do
	$MINT setup "$T/$k" ES384 >/dev/null || { echo "Bail out! mint"; exit 1; }
done
cp "$T/jwks.json" "$T/k1.json"
merge() { jq -c -s '{keys: (map(.keys) | add)}' "$@"; }

HP=$(free_port)
HTTPS=https://127.0.0.1:$HP
ISS2=$HTTPS/oidc
cat >"$T/https.conf" <<CONF
server.modules = ( "mod_openssl", "mod_redirect", "mod_setenv" )
server.bind = "127.0.0.1"
server.port = $HP
server.document-root = "$T/www"
server.errorlog = "$T/https-error.log"
ssl.engine = "enable"
# Every request's line in the error log, written at once (the access
# log is flushed later): what the test counts.
debug.log-request-header = "enable"
server.feature-flags = ( "server.h2proto" => "disable" )
# The test rewrites the files it serves: no stale sizes.
server.stat-cache-engine = "disable"
ssl.pemfile = "$T/tls/server.pem"
ssl.privkey = "$T/tls/server.key"
mimetype.assign = ( ".json" => "application/json", ".html" => "text/html" )
url.redirect = ( "^/redir-same\$" => "/jwks.json",
    "^/redir-other\$" => "https://localhost:$HP/jwks.json" )
\$HTTP["url"] == "/jwks-ma.json" {
	setenv.add-response-header = ( "Cache-Control" => "public, max-age=5" )
}
CONF
cp "$T/k1.json" "$T/www/jwks.json"
cp "$T/k1.json" "$T/www/jwks-ma.json"
printf '{"issuer":"%s","jwks_uri":"%s/jwks.json"}' "$ISS2" "$HTTPS" \
    >"$T/www/oidc/.well-known/openid-configuration"
mkdir -p "$T/www/other/.well-known"
cp "$T/www/oidc/.well-known/openid-configuration" "$T/www/other/.well-known/"
printf 'this is not JSON' >"$T/www/garbage.json"
printf '<html><body>Sign in</body></html>' >"$T/www/page.html"
printf '{"keys":[{"kty":"oct","kid":"hs","k":"c2VjcmV0"}]}' >"$T/www/oct.json"
python3 -c 'import json,sys; k=json.load(open(sys.argv[1])); k["pad"]="x"*300000; print(json.dumps(k))' \
    "$T/k1.json" >"$T/www/big.json"

https_start() {
	lighttpd -D -f "$T/https.conf" 2>>"$T/https-error.log" &
	hpid=$!
	for i in $(seq 1 50); do
		curl -s --cacert "$T/tls/ca.pem" -o /dev/null "$HTTPS/jwks.json" && break
		sleep 0.1
	done
}
https_stop() {
	[ -n "${hpid:-}" ] || return 0
	kill "$hpid" 2>/dev/null; wait "$hpid" 2>/dev/null; hpid=""
}
trap 'https_stop; lighttpd_stop; test_cleanup' EXIT
https_start
# fetches PATH: how many GETs of PATH the server has had.
fetches() { grep -c "rqst: GET $1 HTTP/" "$T/https-error.log" 2>/dev/null || true; }
# The curl probes of https_start do not count: start from here.
base=$(fetches /jwks.json)
# fresh_host: forgets the last attempt (the lock file), as on a new host,
# for a step that needs a fetch within the cooldown of the one before.
fresh_host() { rm -f "$CACHE.lock"; }
n_fetch() { echo $(($(fetches /jwks.json) - base)); }

CACHE=$T/cache.json
JWKS_ENV="USERCGI_JWKS_FILE=$CACHE USERCGI_JWKS_URI=$HTTPS/jwks.json USERCGI_JWKS_CA_FILE=$T/tls/ca.pem"
XCGI=${CGI_EXTRA_ENV:-}
jcgi() { CGI_EXTRA_ENV="$XCGI $JWKS_ENV ${XENV:-}" cgi "$@"; }
# admin [VAR=VALUE...]: usercgi-admin $CMD (default jwks) with the test's
# settings; CAF="" leaves jwks_ca_file unset (the system's CAs).
admin() {
	local -a e=(USERCGI_CONFIG=/dev/null USERCGI_DATABASE="$DB"
	    USERCGI_ISSUER="${ISS:-$ISSUER}" USERCGI_AUDIENCE="$AUDIENCE"
	    USERCGI_JWKS_FILE="$CACHE" USERCGI_JWKS_URI="$HTTPS/jwks.json"
	    USERCGI_FETCH_MODULE="$FETCH_MODULE")
	[ -n "${CAF-$T/tls/ca.pem}" ] && e+=(USERCGI_JWKS_CA_FILE="${CAF-$T/tls/ca.pem}")
	env -i "${e[@]}" "$@" "$ADMIN" "${CMD:-jwks}"
}

# The URL rules, at configuration time.
for bad in "http://192.0.2.1/jwks" "https://user:pw@127.0.0.1:$HP/jwks.json" "ftp://127.0.0.1/jwks"; do
	out=$(admin USERCGI_JWKS_URI="$bad" 2>&1); rc=$?
	case $rc:$out in
	1:*"configuration: jwks_uri: "*) ok "jwks_uri $bad refused" ;;
	*) not_ok "jwks_uri $bad refused"; printf '# %s\n' "$out" ;;
	esac
done

# 1. First fetch: no cache file; the first CGI request fetches and passes.
jcgi POST /api/users '{}'
expect_status "first fetch: the token passes" 200
if [ "$(n_fetch)" = 1 ] && grep -q '"usercgi_cache":{"fetched":' "$CACHE"; then
	ok "first fetch: one GET, the cache file written with its metadata"
else not_ok "first fetch: $(n_fetch) GETs"; sed 's/^/# /' "$T/stderr"; fi
jcgi POST /api/users '{}'
expect_status "cached: the token passes" 200
[ "$(n_fetch)" = 1 ] && ok "cached: no fetch" || not_ok "cached: $(n_fetch) GETs"
out=$(CMD=check admin 2>&1)
case $out in
*"fetch_module    = $FETCH_MODULE"*"jwks source     = $HTTPS/jwks.json"*"jwks cache age  = "*" s, max age 600 s: fresh"*"jwks kids       = \"$(jq -r '.keys[0].kid' "$T/k1.json")\""*)
	ok "check: source, cache age, kids" ;;
*) not_ok "check: source, cache age, kids"; printf '%s\n' "$out" | sed 's/^/# /' ;;
esac

# 2. Rotation (CGI): K2 appears; its token passes at once, with one fetch.
merge "$T/k1.json" "$T/k2/jwks.json" >"$T/www/jwks.json"
fresh_host
jcgi POST /api/users '{}' "Bearer $($MINT token "$T/k2")"
expect_status "rotation (CGI): a token of the new kid passes" 200
[ "$STATUS" = 200 ] || sed 's/^/# /' "$T/stderr"
[ "$(n_fetch)" = 2 ] && ok "rotation (CGI): one fetch" || not_ok "rotation: $(n_fetch) GETs"

# 3. A flood of unknown kids: 401 each, and one fetch per cooldown (the
# default 30 s: the rotation's fetch just now was the one).
body=${TOKEN#*.}
hdr() { printf '{"alg":"ES384","typ":"at+jwt","kid":"flood-%s"}' "$1" |
    base64 -w0 | tr '+/' '-_' | tr -d '='; }
before=$(n_fetch); bad=0
for i in $(seq 1 8); do
	jcgi POST /api/users '{}' "Bearer $(hdr "$i").$body"
	[ "$STATUS" = 401 ] && [ "$BODY" = "$NOKEY" ] || bad=$((bad + 1))
done
[ $bad = 0 ] && ok "flood (CGI): every unknown kid is 401 JWKSNoMatchingKey" ||
    not_ok "flood (CGI): $bad other answers"
[ $(($(n_fetch) - before)) = 0 ] && ok "flood (CGI): 8 processes within the cooldown, no fetch" ||
    not_ok "flood (CGI): $(($(n_fetch) - before)) fetches"
fresh_host
for i in $(seq 1 4); do
	jcgi POST /api/users '{}' "Bearer $(hdr "x$i").$body"
done
[ $(($(n_fetch) - before)) = 1 ] && ok "flood (CGI): past the cooldown, one fetch for 4 processes" ||
    not_ok "flood (CGI): $(($(n_fetch) - before)) fetches past the cooldown"

# 4. usercgi-admin jwks fetches now, whatever the cooldown.
out=$(admin 2>&1); rc=$?
k2kid=$(jq -r '.keys[0].kid' "$T/k2/jwks.json")
case $rc:$out in
0:*"fetched 2 usable keys into $CACHE"*"kids: \""*"\"$k2kid\""*) ok "admin jwks: fetched, kids printed" ;;
*) not_ok "admin jwks"; printf '%s\n' "$out" | sed 's/^/# /' ;;
esac

# 5. Refused answers: the reason said, the cache file unchanged, the
# cached keys still good.
sum=$(sha256sum <"$CACHE")
refused() {	# NAME WANT [admin env...]
	local name=$1 want=$2; shift 2
	out=$(admin "$@" 2>/dev/null); rc=$?
	case $rc:$out in
	1:*"jwks: fetch failed: "*"$want"*) ok "$name: refused ($want)" ;;
	*) not_ok "$name: refused"; printf '%s\n' "$out" | sed 's/^/# /' ;;
	esac
	[ "$(sha256sum <"$CACHE")" = "$sum" ] && ok "$name: cache file unchanged" ||
	    not_ok "$name: cache file changed"
}
refused garbage "not valid JSON" USERCGI_JWKS_URI="$HTTPS/garbage.json"
refused oversized "larger than 262144 bytes" USERCGI_JWKS_URI="$HTTPS/big.json"
refused "wrong content" "not valid JSON" USERCGI_JWKS_URI="$HTTPS/page.html"
refused "no usable key" "not a JWKS with a usable key" USERCGI_JWKS_URI="$HTTPS/oct.json"
refused "not found" "HTTP 404" USERCGI_JWKS_URI="$HTTPS/none.json"
refused "untrusted certificate (other CA)" "SSL" USERCGI_JWKS_CA_FILE="$T/tls/other.pem"
CAF="" refused "untrusted certificate (system CAs)" "SSL"
refused "redirect to another host" "redirect to another host (localhost) refused" \
    USERCGI_JWKS_URI="$HTTPS/redir-other"
# The HTTP client is a module (usercgi-fetch.so): one that is not there
# fails the fetch, with the path in the reason.
refused "no fetch module" "cannot load the HTTP client module (fetch_module): $T/none.so: No such file or directory" \
    USERCGI_FETCH_MODULE="$T/none.so"
jcgi POST /api/users '{}'
expect_status "after the refused answers: the cached keys pass" 200
out=$(admin USERCGI_JWKS_URI="$HTTPS/redir-same" 2>&1)
case $out in *"fetched 2 usable keys"*) ok "a redirect on the same host is followed" ;;
*) not_ok "same-host redirect"; printf '%s\n' "$out" | sed 's/^/# /' ;; esac
out=$(admin USERCGI_JWKS_URI="$HTTPS/jwks-ma.json" 2>&1)
out=$(CMD=check admin USERCGI_JWKS_URI="$HTTPS/jwks-ma.json" 2>&1)
case $out in *"max age 60 s: fresh"*) ok "Cache-Control max-age=5 is bounded to 60 s" ;;
*) not_ok "max-age bounded"; printf '%s\n' "$out" | sed 's/^/# /' ;; esac

# 6. Discovery: jwks_uri from <issuer>/.well-known/openid-configuration.
rm -f "$CACHE"
fresh_host
JWKS_ENV="USERCGI_JWKS_FILE=$CACHE USERCGI_JWKS_URI=discover USERCGI_JWKS_CA_FILE=$T/tls/ca.pem USERCGI_ISSUER=$ISS2"
jcgi POST /api/users '{}' "Bearer $($MINT token "$T" "{\"iss\":\"$ISS2\"}")"
expect_status "discovery: the token passes" 200
[ "$(fetches /oidc/.well-known/openid-configuration)" = 1 ] &&
    ok "discovery: one GET of the configuration" || not_ok "discovery: $(fetches /oidc/.well-known/openid-configuration) GETs"
out=$(CMD=check ISS=$ISS2 admin USERCGI_JWKS_URI=discover 2>&1)
case $out in *"jwks source     = $HTTPS/jwks.json (discovered from $ISS2)"*) ok "check: discovered source" ;;
*) not_ok "check: discovered source"; printf '%s\n' "$out" | sed 's/^/# /' ;; esac
out=$(ISS=$HTTPS/other admin USERCGI_JWKS_URI=discover 2>/dev/null)
case $out in *"its \"issuer\" is not $HTTPS/other"*) ok "discovery: another issuer's document refused" ;;
*) not_ok "discovery: issuer mismatch"; printf '%s\n' "$out" | sed 's/^/# /' ;; esac
JWKS_ENV="USERCGI_JWKS_FILE=$CACHE USERCGI_JWKS_URI=$HTTPS/jwks.json USERCGI_JWKS_CA_FILE=$T/tls/ca.pem"

# 7. The server down: past max age the cached keys are still used, one
# log line per failed attempt; past the hard expiry every token is 401.
admin USERCGI_JWKS_MAX_AGE=1 >/dev/null 2>&1
https_stop
sleep 1
XENV="USERCGI_JWKS_MAX_AGE=1 USERCGI_JWKS_COOLDOWN=1" jcgi POST /api/users '{}'
expect_status "server down, cache stale: the cached keys pass" 200
n=$(grep -c 'jwks: fetch failed: ' "$T/stderr")
[ "$n" = 1 ] && ! grep -q "$TOKEN" "$T/stderr" &&
    ok "server down: one log line with the reason, no token" ||
    { not_ok "server down: $n log lines"; sed 's/^/# /' "$T/stderr"; }
XENV="USERCGI_JWKS_MAX_AGE=1 USERCGI_JWKS_EXPIRY=0 USERCGI_JWKS_COOLDOWN=1" jcgi POST /api/users '{}'
expect "server down, past the hard expiry: 401" 401 "$NOKEY"
grep -q 'expired .* every token is refused' "$T/stderr" && ok "hard expiry logged" ||
    { not_ok "hard expiry logged"; sed 's/^/# /' "$T/stderr"; }
https_start

# 8. FastCGI: two workers under lighttpd, cooldown 2 s.
rm -f "$CACHE"
fresh_host
cp "$T/k1.json" "$T/www/jwks.json"
cat >"$T/fcgi.conf" <<CONF
database = $DB
issuer = $ISSUER
audience = $AUDIENCE
jwks_uri = $HTTPS/jwks.json
jwks_file = $CACHE
jwks_ca_file = $T/tls/ca.pem
jwks_cooldown = 2
threads = 4
CONF
base=$(fetches /jwks.json)
lighttpd_start "$T/fcgi.conf" 2
fc() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' -d '{}' "$url"; }
[ "$(fc "$TOKEN")" = 200 ] && ok "FastCGI: the workers fetched at start" ||
    { not_ok "FastCGI start"; sed 's/^/# /' "$T/lighttpd.log"; }
n=$(n_fetch)
[ "$n" -ge 1 ] && [ "$n" -le 2 ] && ok "FastCGI start: $n fetch(es) for 2 workers" ||
    not_ok "FastCGI start: $n fetches"
sleep 2
merge "$T/k1.json" "$T/k3/jwks.json" >"$T/www/jwks.json"
before=$(n_fetch)
[ "$(fc "$($MINT token "$T/k3")")" = 200 ] &&
    ok "rotation (FastCGI): a token of the new kid passes without a restart" ||
    not_ok "rotation (FastCGI)"
[ $(($(n_fetch) - before)) = 1 ] && ok "rotation (FastCGI): one fetch" ||
    not_ok "rotation (FastCGI): $(($(n_fetch) - before)) fetches"
sleep 2
before=$(n_fetch); t0=$(date +%s)
: >"$T/flood.bad"
pids=""
for i in $(seq 1 60); do
	( [ "$(fc "$(hdr "f$i").$body")" = 401 ] || echo x >>"$T/flood.bad" ) &
	pids="$pids $!"
	[ $((i % 8)) = 0 ] && { wait $pids; pids=""; }
done
wait $pids
[ -s "$T/flood.bad" ] && not_ok "flood (FastCGI): $(wc -l <"$T/flood.bad") answers not 401" ||
    ok "flood (FastCGI): every unknown kid is 401"
secs=$(($(date +%s) - t0 + 1))
got=$(($(n_fetch) - before))
max=$(((secs + 1) / 2 + 1))
[ "$got" -ge 1 ] && [ "$got" -le "$max" ] &&
    ok "flood (FastCGI, 2 workers): $got fetch(es) in ${secs} s for 60 unknown kids (cooldown 2 s)" ||
    not_ok "flood (FastCGI): $got fetches in $secs s (at most $max)"

# 9. The cache file replaced (usercgi-admin jwks, 15 times) while the
# workers and CGI processes verify: every request passes.
tok3=$($MINT token "$T/k3")
from=$(($(wc -l <"$T/lighttpd.log") + 1))
( for i in $(seq 1 15); do admin >/dev/null 2>&1; done ) &
apid=$!
bad=0; n=0
while kill -0 $apid 2>/dev/null || [ $n -lt 20 ]; do
	n=$((n + 1))
	[ "$(fc "$tok3")" = 200 ] || bad=$((bad + 1))
	if [ $((n % 5)) = 0 ]; then
		jcgi POST /api/users '{}' "Bearer $tok3"
		[ "$STATUS" = 200 ] || bad=$((bad + 1))
	fi
	[ $n -ge 400 ] && break
done
wait $apid
[ $bad = 0 ] && ok "cache replaced 15 times under $n FastCGI and $((n / 5)) CGI requests: all 200" ||
    not_ok "cache replaced: $bad of $n requests failed"
if tail -n +$from "$T/lighttpd.log" | grep -q 'unusable\|not valid JSON'; then
	not_ok "no worker read a partial cache file"
	tail -n +$from "$T/lighttpd.log" | grep 'unusable\|not valid' | head -5 | sed 's/^/# /'
else ok "no worker read a partial cache file"; fi

# 10. The background refresh: max age 1 s, no requests, the workers fetch.
lighttpd_stop
sed -i 's/^jwks_cooldown = 2$/jwks_cooldown = 1\njwks_max_age = 1/' "$T/fcgi.conf"
rm -f "$CACHE"
fresh_host
lighttpd_start "$T/fcgi.conf" 1
[ "$(fc "$TOKEN")" = 200 ] || not_ok "FastCGI restart"
before=$(n_fetch)
sleep 4
got=$(($(n_fetch) - before))
[ "$got" -ge 2 ] && [ "$got" -le 5 ] && ok "background refresh: $got fetches in 4 s without a request" ||
    not_ok "background refresh: $got fetches in 4 s"
lighttpd_stop
tap_done
