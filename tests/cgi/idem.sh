#!/bin/bash
# idem.sh: the Idempotency-Key header (issue 17) on the real responder as
# CGI, on either backend: a replay after success (same status, same
# bytes, Idempotent-Replayed: true, nothing written again), the quoted
# and the bare form, a key reused with another body (422), a replayed
# 422, another token's sub or client_id never replays, malformed keys
# (400 naming the problem, nothing stored), a 400 not stored (the fixed
# request runs), PATCH and PUT, a live claim (409 with Retry-After) and
# a dead one taken over after its lease, 20 parallel requests with one
# key (one user, one execution, the others replays or 409s), expiry and
# the purge of expired keys.
. "$(dirname "$0")/lib.sh"
for c in python3 $(db_client); do
	command -v "$c" >/dev/null || { echo "1..0 # SKIP $c is not installed"; exit 0; }
done
setup
printf 'argon2_t = 1\nargon2_m = 256\n' >"$T/usercgi.conf"

# hdr NAME: the value of response header NAME of the last cgi().
hdr() { printf '%s\n' "$HEADERS" | tr -d '\r' | sed -n "s/^$1: //Ip" | head -n 1; }
# users NAME: how many users are named NAME.
users() { dbq "SELECT count(*) FROM users WHERE username = '$1'"; }
keys() { dbq "SELECT count(*) FROM idempotency_keys"; }

# --- a replay after success -------------------------------------------
IDEM_KEY=k-alice cgi POST /api/users '{"username":"alice"}'
expect_status "first request runs" 200
first=$BODY
[ -z "$(hdr Idempotent-Replayed)" ] && ok "first answer is no replay" ||
	not_ok "first answer is no replay: $HEADERS"
IDEM_KEY=k-alice cgi POST /api/users '{"username":"alice"}'
expect "repeat: the stored answer" 200 "$first"
[ "$(hdr Idempotent-Replayed)" = true ] && ok "repeat: Idempotent-Replayed: true" ||
	not_ok "repeat: Idempotent-Replayed: $HEADERS"
[ "$(users alice)" = 1 ] && ok "one user after the repeat" || not_ok "users: $(users alice)"
IDEM_KEY='"k-alice"' cgi POST /api/users '{"username":"alice"}'
expect "the quoted form is the same key" 200 "$first"
IDEM_KEY=' k-alice	' cgi POST /api/users '{"username":"alice"}'
expect "blanks around the key" 200 "$first"
grep -q 'replayed (Idempotency-Key)' "$T/stderr" && ok "the log line says replayed" ||
	not_ok "log: $(cat "$T/stderr")"

# --- the same key with another request --------------------------------
reused='{"code":"request.idempotency_key_reused","message":"This Idempotency-Key was used with another request."}'
IDEM_KEY=k-alice cgi POST /api/users '{"username":"alice2"}'
expect "another body: 422" 422 "$reused"
IDEM_KEY=k-alice cgi POST /api/users '{"username":"alice" }'
expect "one more byte of white space: another request" 422 "$reused"
[ "$(users alice2)" = 0 ] && ok "nothing written for it" || not_ok "alice2 written"
id=$(printf '%s' "$first" | sed 's/^{"id":"\([a-z0-9]*\)".*/\1/')
IDEM_KEY=k-alice cgi PATCH "/api/users/$id" '{"username":"alice"}'
expect "another method and path: 422" 422 "$reused"

# --- another client never replays --------------------------------------
taken='{"code":"user.username_already_in_use","message":"This username is already in use."}'
OTHER=$($MINT token "$T" '{"sub":"someone-else"}')
IDEM_KEY=k-alice cgi POST /api/users '{"username":"alice"}' "Bearer $OTHER"
expect "another sub runs the request itself (422 taken)" 422 "$taken"
[ -z "$(hdr Idempotent-Replayed)" ] && ok "another sub: no replay" || not_ok "another sub replayed"
IDEM_KEY=k-alice cgi POST /api/users '{"username":"alice"}' "Bearer $OTHER"
expect "a 422 is replayed" 422 "$taken"
[ "$(hdr Idempotent-Replayed)" = true ] && ok "the 422's replay says so" ||
	not_ok "422 replay header: $HEADERS"
CLIENT=$($MINT token "$T" '{"client_id":"another-app"}')
IDEM_KEY=k-alice cgi POST /api/users '{"username":"alice"}' "Bearer $CLIENT"
expect "another client_id runs the request itself" 422 "$taken"
NOCID=$($MINT token "$T" '{"client_id":null}')
IDEM_KEY=k-alice cgi POST /api/users '{"username":"alice"}' "Bearer $NOCID"
expect "no client_id: a scope of its own" 422 "$taken"
[ -z "$(hdr Idempotent-Replayed)" ] && ok "no client_id: no replay" || not_ok "no client_id replayed"

# --- malformed keys ---------------------------------------------------
n=$(keys)
bad() {
	IDEM_KEY=$1 cgi POST /api/users '{"username":"bad"}'
	expect "$2" 400 "{\"code\":\"request.invalid_idempotency_key\",\"message\":\"The Idempotency-Key header $3.\"}"
}
bad '' "empty key" "is empty"
bad '""' "empty string" "is an empty string"
bad "$(printf 'k%.0s' $(seq 256))" "256 characters" "is longer than 255 characters"
bad 'two words' "a space" 'has a character that is not visible ASCII (%x21-7E)'
bad $'caf\xc3\xa9' "UTF-8" 'has a character that is not visible ASCII (%x21-7E)'
bad '"open' "unterminated string" "has a quoted string without its closing '\\\"'"
bad '"a"b' "text after the string" "has text after its quoted string"
bad '"a\nb"' "a bad escape" "has a backslash that escapes neither '\\\"' nor '\\\\'"
bad 'a"b' "a bare quote" "has a '\\\"' or '\\\\' outside a quoted string"
IDEM_KEY="$(printf 'k%.0s' $(seq 255))" cgi POST /api/users '{"username":"k255"}'
expect_status "255 characters are a key" 200
[ "$(users bad)" = 0 ] && ok "malformed keys write nothing" || not_ok "bad written"
[ "$(keys)" = $((n + 1)) ] && ok "malformed keys store nothing" || not_ok "keys: $n -> $(keys)"
IDEM_KEY='not checked' cgi GET "/api/users/$id" ''
expect_status "a GET ignores the header" 200

# --- a 400 is not stored ----------------------------------------------
IDEM_KEY=k-fix cgi POST /api/users '{"username":"1bad name"}'
expect_status "a guard error" 400
[ "$(dbq "SELECT count(*) FROM idempotency_keys WHERE status IS NULL OR status = 400")" = 0 ] &&
	ok "the 400 left no key" || not_ok "400 stored"
IDEM_KEY=k-fix cgi POST /api/users '{"username":"fixed"}'
expect_status "the fixed request runs with the same key" 200
IDEM_KEY=k-fix cgi POST /api/users '{"username":"1bad name"}'
expect "now the bad body is another request" 422 "$reused"

# --- PATCH and PUT ----------------------------------------------------
IDEM_KEY=p1 cgi PATCH "/api/users/$id" '{"name":"Alice"}'
expect_status "PATCH runs" 200
patched=$BODY
sleep 0.01
IDEM_KEY=p1 cgi PATCH "/api/users/$id" '{"name":"Alice"}'
expect "PATCH replay: the same bytes (updatedAt too)" 200 "$patched"
[ "$(dbq "SELECT $(dbq_ms updated_at) FROM users WHERE id = '$id'")" = \
  "$(printf '%s' "$patched" | sed 's/.*"updatedAt":\([0-9]*\).*/\1/')" ] &&
	ok "PATCH replay wrote nothing" || not_ok "PATCH replay moved updatedAt"
IDEM_KEY=p2 cgi PATCH "/api/users/$id/custom-data" '{"customData":{"n":1}}'
expect "custom-data PATCH" 200 '{"n":1}'
IDEM_KEY=p2 cgi PATCH "/api/users/$id/custom-data" '{"customData":{"n":1}}'
expect "custom-data replay" 200 '{"n":1}'
IDEM_KEY=p3 cgi PUT "/api/users/$id/identities/github" '{"userId":"gh1","details":{}}'
expect "PUT identity: 201" 201 '{"github":{"userId":"gh1","details":{}}}'
IDEM_KEY=p3 cgi PUT "/api/users/$id/identities/github" '{"userId":"gh1","details":{}}'
expect "PUT replay keeps its 201" 201 '{"github":{"userId":"gh1","details":{}}}'
IDEM_KEY=p4 cgi PATCH /api/users/nosuchuser00 '{"name":"x"}'
expect_status "PATCH of an unknown user: 404" 404
IDEM_KEY=p4 cgi PATCH /api/users/nosuchuser00 '{"name":"x"}'
expect_status "the 404 is replayed" 404
[ "$(hdr Idempotent-Replayed)" = true ] && ok "404 replay header" || not_ok "404 replay: $HEADERS"

# --- a live claim, and a dead one -------------------------------------
running='{"code":"request.idempotency_key_in_use","message":"A request with this Idempotency-Key is being processed. Please retry."}'
IDEM_KEY=c1 cgi POST /api/users '{"username":"claimed"}'
expect_status "c1 runs" 200
now=$(( $(date +%s%N) / 1000000 ))
# Turn its row back into the claim of a request that runs now.
dbq "UPDATE idempotency_keys SET owner = 'x', status = NULL, body = NULL, lease_until = $((now + 600000)) WHERE status = 200 AND body LIKE '%\"claimed\"%'" >/dev/null
IDEM_KEY=c1 cgi POST /api/users '{"username":"claimed"}'
expect "a live claim: 409" 409 "$running"
[ "$(hdr Retry-After)" = 1 ] && ok "409 has Retry-After: 1" || not_ok "Retry-After: $HEADERS"
IDEM_KEY=c1 cgi POST /api/users '{"username":"other"}'
expect "another body under a claim: 422 first" 422 "$reused"
dbq "UPDATE idempotency_keys SET lease_until = $((now - 1)) WHERE owner = 'x'" >/dev/null
IDEM_KEY=c1 cgi POST /api/users '{"username":"claimed"}'
expect "a claim past its lease is taken over: the request runs" 422 "$taken"
[ "$(users claimed)" = 1 ] && ok "still one user" || not_ok "claimed: $(users claimed)"

# --- 20 parallel requests with one key --------------------------------
# In CGI processes here (not under valgrind), in FastCGI workers at the
# end.
if [ -n "${UCGI_WRAPPER:-}" ]; then
	for t in "20 parallel" "every replay" "one user" "one execution"; do
		ok "# SKIP under valgrind (20 valgrind processes): $t"
	done
else
	# Each in a directory of its own (cgi() writes $T/stderr); the default
	# argon2 cost, so that some arrive while the first still hashes, and
	# a generous lock wait for 20 processes on a busy machine.
	echo 'busy_timeout_ms = 30000' >"$T/usercgi.conf"
	for i in $(seq 1 20); do
		mkdir "$T/p$i"
		ln -s ../usercgi.conf ../jwks.json "$T/p$i/"
		( T=$T/p$i
		  IDEM_KEY=par cgi POST /api/users '{"username":"parallel","password":"pw-1234567"}'
		  printf '%s|%s|%s\n' "$STATUS" "$(hdr Idempotent-Replayed)" "$BODY" >"$T/out" ) &
	done
	wait
	runs=0 replays=0 busy=0 other=0
	for i in $(seq 1 20); do
		IFS='|' read -r st rep body <"$T/p$i/out"
		case "$st|$rep" in
		"200|true") replays=$((replays + 1)) ;;
		"200|") runs=$((runs + 1)); printf '%s\n' "$body" >"$T/par.run" ;;
		"409|") busy=$((busy + 1)) ;;
		*) other=$((other + 1)); echo "# parallel $i: $st $rep $body" ;;
		esac
	done
	[ "$runs" = 1 ] && [ "$other" = 0 ] && [ $((replays + busy)) = 19 ] &&
		ok "20 parallel: one ran, $replays replays, $busy 409s" ||
		not_ok "20 parallel: runs $runs replays $replays 409s $busy other $other"
	bad_replay=0
	for i in $(seq 1 20); do
		IFS='|' read -r st rep body <"$T/p$i/out"
		[ "$rep" = true ] && [ "$body" != "$(cat "$T/par.run")" ] && bad_replay=1
	done
	[ "$bad_replay" = 0 ] && ok "every replay is the run's body" || not_ok "a replay differs"
	[ "$(users parallel)" = 1 ] && ok "20 parallel: one user" || not_ok "parallel users: $(users parallel)"
	[ "$(cat "$T"/p*/stderr | grep -c ' created ')" = 1 ] && ok "20 parallel: one execution" ||
		not_ok "executions: $(cat "$T"/p*/stderr | grep -c ' created ')"
fi

# --- expiry -----------------------------------------------------------
printf 'argon2_t = 1\nargon2_m = 256\nidempotency_expiry = 5\n' >"$T/usercgi.conf"
t0=$(( $(date +%s%N) / 1000000 ))
IDEM_KEY=e1 cgi POST /api/users '{"username":"expiring"}'
t1=$(( $(date +%s%N) / 1000000 ))
expect_status "e1 runs" 200
exp=$(dbq "SELECT expires_at FROM idempotency_keys WHERE body LIKE '%\"expiring\"%'")
[ "$exp" -ge $((t0 + 5000)) ] && [ "$exp" -le $((t1 + 5000)) ] &&
	ok "it expires idempotency_expiry (5 s) after its request" ||
	not_ok "expires_at $exp, request between $t0 and $t1"
IDEM_KEY=e1 cgi POST /api/users '{"username":"expiring2"}'
expect "before its expiry: 422" 422 "$reused"
# Its time has come (as if 5 s had passed).
dbq "UPDATE idempotency_keys SET expires_at = $t0 WHERE expires_at = $exp" >/dev/null
IDEM_KEY=e1 cgi POST /api/users '{"username":"expiring2"}'
expect_status "after its expiry the key is new" 200
[ -z "$(hdr Idempotent-Replayed)" ] && ok "expired: no replay" || not_ok "expired: replayed"
# 40 keys that expired long ago, as many requests would leave them.
if db_pg; then
	dbq "INSERT INTO idempotency_keys (key, fingerprint, lease_until, expires_at, status, body) SELECT 'old' || g, 'f', 0, g, 200, '{}' FROM generate_series(1, 40) AS g" >/dev/null
else
	dbq "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 40) INSERT INTO idempotency_keys (key, fingerprint, lease_until, expires_at, status, body) SELECT 'old' || n, 'f', 0, n, 200, '{}' FROM g" >/dev/null
fi
IDEM_KEY=e2 cgi POST /api/users '{"username":"purger"}'
expect_status "e2 runs" 200
left=$(dbq "SELECT count(*) FROM idempotency_keys WHERE key LIKE 'old%'")
[ "$left" = 24 ] && ok "one request purges 16 expired keys, the oldest" ||
	not_ok "purge: 40 -> $left"
[ "$(dbq "SELECT min(expires_at) FROM idempotency_keys WHERE key LIKE 'old%'")" = 17 ] &&
	ok "the oldest went first" || not_ok "purge order"
# --- FastCGI: 2 workers of 16 threads (their group commit) -------------
if command -v lighttpd >/dev/null && command -v curl >/dev/null; then
	cat >"$T/fcgi.conf" <<CONF
database = $DB
jwks_file = $T/jwks.json
issuer = $ISSUER
audience = $AUDIENCE
argon2_t = 1
argon2_m = 256
CONF
	stop() { lighttpd_stop; test_cleanup; }
	trap stop EXIT
	lighttpd_start "$T/fcgi.conf" 2
	# fpost N KEY BODY: prints status|replayed|body ($T/f.N.* its files).
	fpost() {
		curl -s -m 10 -D "$T/f.$1.h" -o "$T/f.$1.b" -w '%{http_code}' \
		    -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key: $2" \
		    -H 'Content-Type: application/json' -d "$3" "$url"
		printf '|%s|%s\n' "$(tr -d '\r' <"$T/f.$1.h" |
		    sed -n 's/^Idempotent-Replayed: //Ip')" "$(cat "$T/f.$1.b")"
	}
	IFS='|' read -r st rep body <<<"$(fpost a f1 '{"username":"fcgi1"}')"
	[ "$st|$rep" = "200|" ] && ok "FastCGI: a keyed create runs" || not_ok "FastCGI: $st $rep $body"
	IFS='|' read -r st2 rep2 body2 <<<"$(fpost a f1 '{"username":"fcgi1"}')"
	[ "$st2|$rep2" = "200|true" ] && [ "$body2" = "$body" ] &&
		ok "FastCGI: the repeat is a replay" || not_ok "FastCGI replay: $st2 $rep2 $body2"
	IFS='|' read -r st2 rep2 body2 <<<"$(fpost b f1 '{"username":"fcgi2"}')"
	[ "$st2" = 422 ] && ok "FastCGI: another body is 422" || not_ok "FastCGI reuse: $st2"
	pids=""
	for i in $(seq 1 20); do
		fpost "p$i" fpar '{"username":"fpar","password":"pw-1234567"}' >"$T/fpar.$i" &
		pids="$pids $!"
	done
	wait $pids
	runs=$(cat "$T"/fpar.* | grep -c '^200||')
	rest=$(cat "$T"/fpar.* | grep -c '^200|true|\|^409||')
	[ "$runs" = 1 ] && [ "$rest" = 19 ] && ok "FastCGI: 20 parallel, one ran" ||
		not_ok "FastCGI parallel: runs $runs, replays and 409s $rest"
	[ "$(users fpar)" = 1 ] && ok "FastCGI: 20 parallel, one user" ||
		not_ok "FastCGI users: $(users fpar)"
	[ "$(grep -c ' created ' "$T/lighttpd.log")" = 2 ] &&
		ok "FastCGI: two executions in all (fcgi1, fpar)" ||
		not_ok "FastCGI executions: $(grep -c ' created ' "$T/lighttpd.log")"
fi
tap_done
