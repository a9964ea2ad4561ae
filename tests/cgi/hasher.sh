#!/bin/bash
# hasher.sh: a FastCGI worker behind a real lighttpd hashes passwords in
# its hasher processes (cgi-bin/usercgi-hasher, $USERCGI_HASHER from the
# harness): creates and verifies through them, exactly `hashers` of them
# are the worker's children, none is left once lighttpd has stopped, and
# a hasher program that cannot start leaves the worker hashing in-process.
. "$(dirname "$0")/lib.sh"
setup
if ! command -v lighttpd >/dev/null; then
	echo "1..0 # SKIP lighttpd is not installed"; exit 0
fi
[ -n "${UCGI_WRAPPER:-}" ] && { echo "1..0 # SKIP not under valgrind"; exit 0; }
[ -x "$USERCGI_HASHER" ] || { echo "Bail out! $USERCGI_HASHER not built"; exit 1; }

BADCRED='{"code":"session.invalid_credentials","message":"Incorrect account or password. Please check your input."}'
lpid=""
trap 'lighttpd_stop; test_cleanup' EXIT

# start_lighttpd HASHER HASHERS: a lighttpd with one worker of 4 threads
# whose hasher program is HASHER; sets lpid, url, WORKER.
start_lighttpd() {
	cat >"$T/usercgi.conf" <<CONF
database = $DB
jwks_file = $T/jwks.json
issuer = $ISSUER
audience = $AUDIENCE
threads = 4
hashers = $2
CONF
	HASHER=$1
	lighttpd_start "$T/usercgi.conf" 1
	# An answer from the worker: its hashers started before its threads.
	curl -s -o /dev/null --max-time 30 "http://127.0.0.1:$port/api/nothing"
	WORKER=$(lighttpd_workers | head -n 1)
}

# stop_lighttpd: stops it; under the sanitizer build the worker reports to
# lighttpd's log, which start_lighttpd empties: keep its reports in san.
san=0
stop_lighttpd() {
	lighttpd_stop
	san=$((san + $(grep -c -E 'Sanitizer|runtime error:' "$T/lighttpd.log")))
}

# req [CURL-ARGS...]: sets STATUS and BODY.
req() {
	local out
	out=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' "$@")
	STATUS=${out##*$'\n'}
	BODY=${out%$'\n'*}
}
# create JSON: sets ID (empty on failure).
create() {
	req -d "$1" "$url"
	ID=$(printf '%s' "$BODY" | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
}
verify() { req -d "{\"password\":\"$1\"}" "$url/$ID/password/verify"; }

start_lighttpd "$USERCGI_HASHER" 2
[ -n "$WORKER" ] && ok "FastCGI worker running: $WORKER" || not_ok "no FastCGI worker"
HASHERS=$(pgrep -P "$WORKER" | tr '\n' ' ')
n=$(pgrep -P "$WORKER" | wc -l)
[ "$n" = 2 ] && ok "the worker has 2 children" || not_ok "the worker has $n children: $HASHERS"
names=$(for p in $HASHERS; do cat "/proc/$p/comm"; done | sort -u | tr '\n' ' ')
[ "$names" = "usercgi-hasher " ] && ok "they are usercgi-hasher" || not_ok "children: $names"
envs=$(for p in $HASHERS; do tr '\0' '\n' <"/proc/$p/environ" | grep -c .; done | sort -u | tr '\n' ' ')
[ "$envs" = "0 " ] && ok "hashers have an empty environment" || not_ok "environment sizes: $envs"
fds=$(for p in $HASHERS; do ls "/proc/$p/fd" | sort -n | tr '\n' ,; echo; done | sort -u | tr '\n' ' ')
[ "$fds" = "0,2, " ] && ok "hashers keep fds 0 and 2 only" || not_ok "hasher fds: $fds"

create '{"username":"hashed","password":"correct horse"}'
expect_status "create with a password" 200
[ -n "$ID" ] && ok "user id $ID" || not_ok "no user id: $BODY"
stored=$(dbq "select password_encrypted from users where id = '$ID'")
case $stored in '$argon2i$v=19$m=8192,t=8,p=1$'??????????????????????'$'???????????????????????????????????????????)
	ok "stored an argon2i PHC string" ;; *) not_ok "stored: $stored" ;; esac
verify "correct horse"
expect "right password is 204" 204 ""
verify "correct horsf"
expect "wrong password is 422" 422 "$BADCRED"
# An imported Argon2d digest (create-user.md §4) verifies in a hasher.
create '{"username":"imported","passwordDigest":"$argon2d$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g","passwordAlgorithm":"Argon2d"}'
expect_status "create with an Argon2d digest" 200
verify "passworx"
expect "Argon2d: wrong password is 422" 422 "$BADCRED"
verify "password"
expect "Argon2d: right password is 204" 204 ""
# Concurrent creates share the two hashers.
for i in 1 2 3 4 5 6; do
	curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' \
	    -d "{\"username\":\"par_$i\",\"password\":\"pw $i\"}" "$url" >"$T/par.$i" &
done
wait $(jobs -p | grep -v "^$lpid\$") 2>/dev/null
n=$(cat "$T"/par.* | grep -c '^200$')
[ "$n" = 6 ] && ok "6 concurrent creates with a password" || not_ok "concurrent: $n of 6"
now=$(pgrep -P "$WORKER" | tr '\n' ' ')
[ "$now" = "$HASHERS" ] && ok "the same hashers served them" || not_ok "hashers now: $now, were: $HASHERS"
if grep -q 'warning: hasher' "$T/lighttpd.log"; then
	not_ok "no hasher failure logged"; sed 's/^/# /' "$T/lighttpd.log"
else
	ok "no hasher failure logged"
fi
if grep -q 'correct horse\|pw [0-9]' "$T/lighttpd.log"; then
	not_ok "no password in the log"
else
	ok "no password in the log"
fi

stop_lighttpd
wait_gone $WORKER $HASHERS
[ -z "$alive" ] && ok "worker and hashers gone after lighttpd stops" || not_ok "still running:$alive"
left=""
for p in $(pgrep -f "^$USERCGI_HASHER"); do
	case " $HASHERS " in *" $p "*) left="$left $p" ;; esac
done
[ -z "$left" ] && ok "no hasher left behind" || not_ok "hashers left behind:$left"

# A hasher program that cannot be started: the worker says so and hashes
# in-process.
start_lighttpd /nonexistent/usercgi-hasher 2
n=$(pgrep -P "$WORKER" | wc -l)
[ "$n" = 0 ] && ok "missing hasher: the worker has no children" || not_ok "missing hasher: $n children"
create '{"username":"fallback","password":"correct horse"}'
expect_status "missing hasher: create with a password" 200
verify "correct horse"
expect "missing hasher: right password is 204" 204 ""
if grep -q 'cannot start the hasher program /nonexistent/usercgi-hasher: hashing passwords in this process' "$T/lighttpd.log"; then
	ok "missing hasher: the error is logged"
else
	not_ok "missing hasher: the error is logged"; sed 's/^/# /' "$T/lighttpd.log"
fi
stop_lighttpd

# hashers = 0: no hasher processes, hashing in-process, nothing logged.
start_lighttpd "$USERCGI_HASHER" 0
n=$(pgrep -P "$WORKER" | wc -l)
[ "$n" = 0 ] && ok "hashers = 0: no children" || not_ok "hashers = 0: $n children"
create '{"username":"inproc","password":"correct horse"}'
expect_status "hashers = 0: create with a password" 200
stop_lighttpd
[ "$san" = 0 ] && ok "no sanitizer report from the workers" ||
	not_ok "$san sanitizer report lines in the workers' log"
tap_done
