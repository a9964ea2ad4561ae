#!/bin/bash
# tokstore.sh: the verified-token cache that CGI processes share through
# the database (verified_tokens): a repeated token is accepted without a
# verification, but only under the same JWKS file and policy and until
# its exp; refusals are those of a full verification, and the database
# holds keys only, never token text.
. "$(dirname "$0")/lib.sh"
setup ES384

U='{"code":"auth.unauthorized","data":{"code":"%s","name":"%s"},"message":"Unauthorized. Please check credentials and its scope."}'
unauth() { printf "$U" "$1" "$2"; }
FORBIDDEN_BODY='{"code":"auth.forbidden","message":"Forbidden. Please check your user roles and permissions."}'
rows() { dbq "SELECT count(*) FROM verified_tokens ${1:-}"; }
body() { printf '{}'; }
# logged WHAT: the last request's log has WHAT.
logged() {
	if grep -qF -- "$2" "$T/stderr"; then ok "$1"; else
		not_ok "$1"; sed 's/^/# /' "$T/stderr"; fi
}
not_logged() {
	if grep -qF -- "$2" "$T/stderr"; then
		not_ok "$1"; sed 's/^/# /' "$T/stderr"; else ok "$1"; fi
}
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; printf '#   got:  %s\n#   want: %s\n' "$2" "$3"; fi
}
export CGI_EXTRA_ENV="${CGI_EXTRA_ENV:-} USERCGI_LOG_LEVEL=debug"

# First use: verified, then remembered; second use: from the table.
cgi POST /api/users "$(body)"
expect_status "fresh token: create answers 200" 200
id=$(printf '%s' "$BODY" | sed -n 's/.*"id":"\([0-9a-z]*\)".*/\1/p')
logged "fresh token: remembered" "auth: token remembered"
check_eq "fresh token: exactly one row" "$(rows)" 1
cgi POST /api/users "$(body)"
expect_status "same token again: 200" 200
logged "same token again: found in the table" "auth: token verified before"
not_logged "same token again: the JWKS is not loaded" "usable keys"
check_eq "same token again: still one row" "$(rows)" 1

# The row holds the token's own exp, and no token text at all.
exp=$(($(date +%s) + 3000))
tok=$($MINT token "$T" "{\"exp\":$exp}")
cgi POST /api/users "$(body)" "Bearer $tok"
expect_status "token with a known exp: 200" 200
check_eq "its row is kept until exactly its exp" "$(rows "WHERE exp = $exp")" 1
# The database's bytes: the SQLite file and its WAL, or a dump of the
# PostgreSQL database.
if db_pg; then
	check_eq "keys are 32-byte bytea" \
	    "$(rows "WHERE pg_typeof(key)::text <> 'bytea' OR octet_length(key) <> 32")" 0
	check_eq "the table has two columns" \
	    "$(dbq "SELECT count(*) FROM information_schema.columns WHERE table_name = 'verified_tokens'")" 2
	pg_dump -d "$DB" >"$T/dump.sql" 2>"$T/dump.err" || not_ok "pg_dump: $(cat "$T/dump.err")"
	files=$T/dump.sql
else
	check_eq "keys are 32-byte blobs" \
	    "$(rows "WHERE typeof(key) <> 'blob' OR length(key) <> 32")" 0
	check_eq "the table has two columns" \
	    "$(dbq "SELECT count(*) FROM pragma_table_info('verified_tokens')")" 2
	dbq 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	files="$DB $DB-wal"
fi
leaks=0
for t in "$TOKEN" "$tok"; do
	IFS=. read -r h p s <<<"$t"
	for part in "$t" "$h" "$p" "$s" "${s:0:16}" "${p:8:16}"; do
		for f in $files; do
			[ -f "$f" ] && grep -qaF -- "$part" "$f" && leaks=$((leaks + 1))
		done
	done
done
check_eq "no token or part of one in the database" "$leaks" 0

# Another key set in the same file: the token is verified, and refused.
cp "$T/jwks.json" "$T/jwks.saved"
$MINT setup "$T/other" ES384 >/dev/null
cp "$T/other/jwks.json" "$T/jwks.json"
cgi POST /api/users "$(body)"
expect "JWKS replaced: the remembered token is refused as uncached" 401 \
    "$(unauth ERR_JWKS_NO_MATCHING_KEY JWKSNoMatchingKey)"
not_logged "JWKS replaced: not taken from the table" "auth: token verified before"
cp "$T/jwks.saved" "$T/jwks.json"
cgi POST /api/users "$(body)"
expect_status "JWKS restored: 200 again" 200
logged "JWKS restored: the same bytes match the row again" \
    "auth: token verified before"

# Another policy against the same database never matches the rows.
CGI_EXTRA_ENV="$CGI_EXTRA_ENV USERCGI_AUDIENCE=https://other.example/api" \
    cgi POST /api/users "$(body)"
expect "another audience: refused as uncached" 401 \
    "$(unauth ERR_JWT_CLAIM_VALIDATION_FAILED JWTClaimValidationFailed)"
CGI_EXTRA_ENV="$CGI_EXTRA_ENV USERCGI_ISSUER=https://other.example/oidc" \
    cgi POST /api/users "$(body)"
expect "another issuer: refused as uncached" 401 \
    "$(unauth ERR_JWT_CLAIM_VALIDATION_FAILED JWTClaimValidationFailed)"
CGI_EXTRA_ENV="$CGI_EXTRA_ENV USERCGI_REQUIRED_SCOPE=admin" \
    cgi POST /api/users "$(body)"
expect "another required scope: refused as uncached" 403 "$FORBIDDEN_BODY"
before=$(rows)
CGI_EXTRA_ENV="$CGI_EXTRA_ENV USERCGI_LEEWAY=10" cgi POST /api/users "$(body)"
expect_status "another leeway: accepted" 200
logged "another leeway: verified, not taken from the table" \
    "auth: token remembered"
check_eq "another leeway: a row of its own" "$(rows)" $((before + 1))

# One byte of the signature changed: another key, and today's 401.
sig=${TOKEN##*.}
i=$((${#sig} / 2))
c=${sig:$i:1}
[ "$c" = A ] && r=B || r=A
bad=${TOKEN%.*}.${sig:0:$i}$r${sig:$((i + 1))}
before=$(rows)
cgi POST /api/users "$(body)" "Bearer $bad"
expect "tampered signature: refused" 401 \
    "$(unauth ERR_JWS_SIGNATURE_VERIFICATION_FAILED JWSSignatureVerificationFailed)"
not_logged "tampered signature: not taken from the table" \
    "auth: token verified before"
check_eq "tampered signature: nothing remembered" "$(rows)" "$before"

# A token without exp (where the policy allows it) is never remembered.
noexp=$($MINT token "$T" '{"exp":null}')
before=$(rows)
for i in 1 2; do
	CGI_EXTRA_ENV="$CGI_EXTRA_ENV USERCGI_REQUIRE_EXP=no" \
	    cgi POST /api/users "$(body)" "Bearer $noexp"
	expect_status "token without exp, use $i: 200" 200
	not_logged "token without exp, use $i: verified" \
	    "auth: token verified before"
done
check_eq "token without exp: nothing remembered" "$(rows)" "$before"

# A remembered token past its exp gets the expired-token 401, and the
# next remember purges its row.  Its life: 2 s natively, 15 s under a
# wrapper (valgrind takes more than 2 s to verify the first time).
life=2
[ -n "${UCGI_WRAPPER:-}" ] && life=15
exp=$(($(date +%s) + life))
short=$($MINT token "$T" "{\"exp\":$exp}")
cgi POST /api/users "$(body)" "Bearer $short"
expect_status "short-lived token: 200" 200
check_eq "short-lived token: remembered until its exp" \
    "$(rows "WHERE exp = $exp")" 1
while [ "$(date +%s)" -le "$exp" ]; do sleep 0.2; done
cgi POST /api/users "$(body)" "Bearer $short"
expect "short-lived token after its exp: expired" 401 \
    "$(unauth ERR_JWT_EXPIRED JWTExpired)"
not_logged "short-lived token after its exp: not taken from the table" \
    "auth: token verified before"
cgi POST /api/users "$(body)" "Bearer $($MINT token "$T")"
expect_status "another fresh token: 200" 200
check_eq "its remember purged the expired row" "$(rows "WHERE exp = $exp")" 0

# A database locked by another writer (PostgreSQL: verified_tokens
# locked against writes): the remember gives up after busy_timeout_ms
# (200), and the request (a read) still succeeds.  The
# same read unlocked gives the time the request takes anyway.
# get_fresh: GET the user with a token never seen; sets ms.
get_fresh() {
	local tok t0
	tok=$($MINT token "$T")
	t0=$(date +%s%N)
	CGI_EXTRA_ENV="$CGI_EXTRA_ENV USERCGI_BUSY_TIMEOUT_MS=200" \
	    cgi GET "/api/users/$id" '' "Bearer $tok" ''
	ms=$((($(date +%s%N) - t0) / 1000000))
}
get_fresh
expect_status "database free: a fresh token reads the user" 200
free_ms=$ms
db_lock verified_tokens || not_ok "the lock is held: $(cat "$T/dblock.out")"
get_fresh
db_unlock
expect_status "database locked: a fresh token still reads the user" 200
logged "database locked: the remember's failure is logged" \
    "auth: token not remembered"
if [ $((ms - free_ms)) -lt 1200 ]; then
	ok "database locked: waited about the busy timeout ($ms ms, $free_ms ms free)"
else
	not_ok "database locked: $ms ms against $free_ms ms free"
fi
tap_done
