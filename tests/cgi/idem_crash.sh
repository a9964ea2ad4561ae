#!/bin/bash
# idem_crash.sh: a SIGKILL between the user write and the write of its
# idempotent answer (issue 17) cannot be observed, on either backend.
# gdb stops the real responder (CGI) where store_user_insert has
# returned USERCGI_OK (the row is written, its transaction held open) and
# store_idem_answer has not yet run, and kills it there (SIGKILL).
# Afterwards neither the user nor an answer exists, only the claim of
# the dead request: a retry within the lease gets 409, one after it runs
# the request (one user), and the next retry replays that.  The same
# for a PATCH: its change is gone with the process.
. "$(dirname "$0")/lib.sh"
[ -n "${UCGI_WRAPPER:-}" ] && { echo "1..0 # SKIP not under valgrind"; exit 0; }
for c in gdb $(db_client); do
	command -v "$c" >/dev/null || { echo "1..0 # SKIP $c is not installed"; exit 0; }
done
setup
printf 'argon2_t = 1\nargon2_m = 256\nidempotency_lease = 2\n' >"$T/usercgi.conf"

# killed METHOD PATH BODY KEY WRITE: runs the responder under gdb, stops
# it when function WRITE returns, then at store_idem_answer, and kills it
# there; gdb's output goes to $T/gdb.
killed() {
	printf '%s' "$3" >"$T/body"
	env -i PATH=/usr/bin:/bin SHELL=/bin/sh REQUEST_METHOD="$1" \
	    SCRIPT_NAME=/cgi-bin/usercgi.fcgi PATH_INFO="$2" QUERY_STRING= \
	    SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1 \
	    REMOTE_ADDR=127.0.0.1 USERCGI_CONFIG="$T/usercgi.conf" \
	    USERCGI_DATABASE="$DB" USERCGI_JWKS_FILE="$T/jwks.json" \
	    USERCGI_ISSUER="$ISSUER" USERCGI_AUDIENCE="$AUDIENCE" \
	    USERCGI_PHONE_MODULE="$PHONE_MODULE" \
	    CONTENT_LENGTH="$(wc -c <"$T/body")" CONTENT_TYPE=application/json \
	    HTTP_AUTHORIZATION="Bearer $TOKEN" HTTP_IDEMPOTENCY_KEY="$4" \
	    gdb -q -nx -batch -ex 'set pagination off' \
	    -ex "break $5" -ex 'break store_idem_answer' \
	    -ex "run <'$T/body' >'$T/out' 2>'$T/err'" -ex finish -ex continue \
	    -ex 'bt 3' -ex kill --args "$UCGI" >"$T/gdb" 2>&1
}

claim_only() {
	dbq "SELECT count(*) FROM idempotency_keys WHERE status IS NULL AND owner IS NOT NULL"
}

killed POST /api/users '{"username":"crash1"}' crash-key store_user_insert
grep -q 'Value returned is .* = USERCGI_OK' "$T/gdb" &&
	ok "the user was written (store_user_insert returned OK)" ||
	not_ok "insert: $(cat "$T/gdb")"
grep -q 'store_idem_answer' "$T/gdb" && grep -q 'app_idem_end' "$T/gdb" &&
	ok "killed at store_idem_answer, before the answer" ||
	not_ok "stop: $(cat "$T/gdb")"
[ ! -s "$T/out" ] && ok "no response was sent" || not_ok "sent: $(cat "$T/out")"
[ "$(dbq "SELECT count(*) FROM users WHERE username = 'crash1'")" = 0 ] &&
	ok "after the kill: no user" || not_ok "the user survived the kill"
[ "$(dbq "SELECT count(*) FROM idempotency_keys WHERE status IS NOT NULL")" = 0 ] &&
	ok "after the kill: no answer" || not_ok "an answer survived the kill"
[ "$(claim_only)" = 1 ] && ok "only the dead request's claim is left" ||
	not_ok "claims: $(claim_only)"
db_pg || { [ "$(dbq 'PRAGMA integrity_check')" = ok ] && ok "integrity_check" ||
	not_ok "integrity_check"; }

IDEM_KEY=crash-key cgi POST /api/users '{"username":"crash1"}'
expect_status "a retry within the dead claim's lease: 409" 409
sleep 2.1
IDEM_KEY=crash-key cgi POST /api/users '{"username":"crash1"}'
expect_status "a retry after the lease runs the request" 200
first=$BODY
printf '%s\n' "$HEADERS" | grep -qi '^Idempotent-Replayed' &&
	not_ok "it ran, it was no replay" || ok "it ran, it was no replay"
IDEM_KEY=crash-key cgi POST /api/users '{"username":"crash1"}'
expect "the next retry replays it" 200 "$first"
[ "$(dbq "SELECT count(*) FROM users WHERE username = 'crash1'")" = 1 ] &&
	ok "one user" || not_ok "users: $(dbq "SELECT count(*) FROM users WHERE username = 'crash1'")"

id=$(printf '%s' "$first" | sed 's/^{"id":"\([a-z0-9]*\)".*/\1/')
killed PATCH "/api/users/$id" '{"name":"Killed"}' patch-key store_user_update
grep -q 'Value returned is .* = USERCGI_OK' "$T/gdb" && grep -q 'app_idem_end' "$T/gdb" &&
	ok "PATCH: killed between its write and its answer" || not_ok "PATCH stop: $(cat "$T/gdb")"
[ "$(dbq "SELECT count(*) FROM users WHERE name = 'Killed'")" = 0 ] &&
	ok "PATCH: the change died with the process" || not_ok "PATCH survived the kill"
[ "$(claim_only)" = 1 ] && ok "PATCH: only its claim is left" || not_ok "claims: $(claim_only)"
tap_done
