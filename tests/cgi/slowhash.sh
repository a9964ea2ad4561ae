#!/bin/bash
# slowhash.sh: in a FastCGI worker behind a real lighttpd, the slow hashes
# of imported digests that run in the worker itself (bcrypt, crypt(3),
# pbkdf2, scrypt) cannot take every thread (issue 12): with threads = 8,
# at most 2 run (one per core of this machine, at most) and the rest of
# half the threads wait; past that a verify is 503 with Retry-After at
# once, and a cheap request (GET /api/users/{id}) still answers promptly
# while the slow ones run.
. "$(dirname "$0")/lib.sh"
setup
if ! command -v lighttpd >/dev/null; then
	echo "1..0 # SKIP lighttpd is not installed"; exit 0
fi
[ -n "${UCGI_WRAPPER:-}" ] && { echo "1..0 # SKIP not under valgrind"; exit 0; }

BADCRED='{"code":"session.invalid_credentials","message":"Incorrect account or password. Please check your input."}'
BUSY='{"code":"request.service_busy","message":"The service is busy. Please retry."}'
lpid=""
trap 'lighttpd_stop; test_cleanup' EXIT
cat >"$T/usercgi.conf" <<CONF
database = $DB
jwks_file = $T/jwks.json
issuer = $ISSUER
audience = $AUDIENCE
threads = 8
CONF
lighttpd_start "$T/usercgi.conf" 1
half=4
slow=$(nproc)
[ "$slow" -gt "$half" ] && slow=$half

# A user whose imported digest is bcrypt cost 13, the default ceiling
# (about half a second of CPU per verify here).
out=$(curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"username":"slow","passwordDigest":"$2b$13$abcdefghijklmnopqrstuug0OUKUqE.qhcPP5WFBspJsURh9Qomw.","passwordAlgorithm":"Bcrypt"}' "$url")
ID=$(printf '%s' "$out" | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
[ -n "$ID" ] && ok "a bcrypt cost 13 user is created" || { not_ok "a bcrypt cost 13 user is created"; echo "#   $out"; }

# 8 verifies at once (as many as the threads): $half of them take a turn
# (running or waiting), the others are 503 at once.
n=8
for i in $(seq 1 $n); do
	curl -s -D "$T/h$i" -o "$T/b$i" -w '%{http_code} %{time_total}\n' \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    -d '{"password":"wrong"}' "$url/$ID/password/verify" >"$T/s$i" &
	pids="${pids:-} $!"
done
sleep 0.3
t0=$(date +%s%N)
get=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
    -H "Authorization: Bearer $TOKEN" "$url/$ID")
ms=$((($(date +%s%N) - t0) / 1000000))
running=0
for p in $pids; do kill -0 "$p" 2>/dev/null && running=$((running + 1)); done
wait $pids
[ "$get" = 200 ] && ok "GET /api/users/{id} during the slow verifies is 200" || not_ok "GET is 200 (got $get)"
[ "$ms" -lt 1000 ] && ok "GET answered promptly ($ms ms)" || not_ok "GET answered promptly ($ms ms)"
[ "$running" -ge 1 ] && ok "slow verifies were still running when GET answered ($running)" ||
    not_ok "slow verifies were still running when GET answered ($running)"

busy=0 cred=0 other=0 retry=0
for i in $(seq 1 $n); do
	read -r code _ <"$T/s$i"
	body=$(cat "$T/b$i")
	if [ "$code" = 503 ] && [ "$body" = "$BUSY" ]; then
		busy=$((busy + 1))
		grep -qi '^Retry-After: 1' "$T/h$i" && retry=$((retry + 1))
	elif [ "$code" = 422 ] && [ "$body" = "$BADCRED" ]; then
		cred=$((cred + 1))
	else
		other=$((other + 1)); echo "#   verify $i: $code $body"
	fi
done
[ "$other" = 0 ] && ok "every verify is 422 or 503" || not_ok "every verify is 422 or 503 ($other others)"
[ "$cred" -ge "$slow" ] && [ "$cred" -le "$half" ] && ok "between $slow and $half verifies ran ($cred)" ||
    not_ok "between $slow and $half verifies ran ($cred)"
[ "$busy" -ge $((n - half)) ] && ok "the others are 503 ($busy)" || not_ok "the others are 503 ($busy)"
[ "$busy" = "$retry" ] && ok "each 503 has Retry-After: 1" || not_ok "each 503 has Retry-After: 1 ($retry of $busy)"
grep -q "slow hashes running and [0-9]* waiting: busy" "$T/lighttpd.log" &&
    ok "the worker logs why it was busy" || not_ok "the worker logs why it was busy"

# Afterwards the user verifies normally again.
s=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d '{"password":"wrong"}' "$url/$ID/password/verify")
[ "$s" = 422 ] && ok "a later verify runs (422)" || not_ok "a later verify runs (got $s)"
lighttpd_stop
grep -q -E 'Sanitizer|runtime error:' "$T/lighttpd.log" && not_ok "no sanitizer report" || ok "no sanitizer report"
tap_done
