#!/bin/bash
# auth.sh: bearer-token verification through the real responder, every
# case of shared/spec/bearer-tokens.md, with exact statuses and bodies.
# Tokens come from tests/jose/mint.mjs (npm jose plus node:crypto), an
# implementation independent of lib/jwt.c.
. "$(dirname "$0")/lib.sh"
setup ES384

U='{"code":"auth.unauthorized","data":{"code":"%s","name":"%s"},"message":"Unauthorized. Please check credentials and its scope."}'
unauth() { printf "$U" "$1" "$2"; }
SUB_BODY='{"code":"auth.jwt_sub_missing","message":"Missing `sub` in JWT."}'
FORBIDDEN_BODY='{"code":"auth.forbidden","message":"Forbidden. Please check your user roles and permissions."}'

# The key pair made by setup, and the claim/header overrides of mint.mjs.
cgi POST /api/users '{}'
expect_status "setup token (ES384) creates a user" 200
cgi POST /api/users '{}' "Bearer $($MINT token "$T" '{"sub":null}')"
expect "mint token without sub" 401 "$SUB_BODY"
cgi POST /api/users '{}' "Bearer $($MINT token "$T" '{"scope":"read write"}')"
expect "mint token without the scope" 403 "$FORBIDDEN_BODY"
cgi POST /api/users '{}' "Bearer $($MINT token "$T" '{"exp":1000}')"
expect "mint token expired" 401 "$(unauth ERR_JWT_EXPIRED JWTExpired)"
cgi POST /api/users '{}' "Bearer $($MINT token "$T" '{}' '{"kid":"other"}')"
expect "mint token with another kid" 401 \
    "$(unauth ERR_JWKS_NO_MATCHING_KEY JWKSNoMatchingKey)"
cgi POST /api/users '{"username":' "Bearer x.y.z"
expect "bad token with a bad body: 401 before the body is read" 401 \
    "$(unauth ERR_JWS_INVALID JWSInvalid)"
cgi POST /api/users '{}' "Bearer $TOKEN" text/plain
expect_status "valid token, then the body is judged (415)" 415

# Every algorithm through `mint.mjs setup DIR ALG` and `token DIR`.
for alg in ES256 ES384 ES512 RS256 RS384 RS512 PS256 PS384 PS512 EdDSA; do
	if $MINT setup "$T/$alg" "$alg" >/dev/null; then
		tok=$($MINT token "$T/$alg")
		CGI_EXTRA_ENV="USERCGI_JWKS_FILE=$T/$alg/jwks.json" \
		    cgi POST /api/users '{}' "Bearer $tok"
		expect_status "setup $alg: token accepted" 200
		CGI_EXTRA_ENV="USERCGI_JWKS_FILE=$T/$alg/jwks.json" cgi POST /api/users '{}'
		expect "setup $alg: the ES384 token is refused" 401 \
		    "$(unauth ERR_JWKS_NO_MATCHING_KEY JWKSNoMatchingKey)"
	else
		not_ok "mint.mjs setup $alg"
	fi
done

# A missing or broken JWKS: every token refused (and logged), no crash.
CGI_EXTRA_ENV="USERCGI_JWKS_FILE=$T/missing.json" cgi POST /api/users '{}'
expect "JWKS file missing" 401 "$(unauth ERR_JWKS_NO_MATCHING_KEY JWKSNoMatchingKey)"
if grep -q 'missing.json' "$T/stderr"; then ok "missing JWKS logged"; else
	not_ok "missing JWKS logged"; sed 's/^/# /' "$T/stderr"; fi
printf '{"keys":[' >"$T/broken.json"
CGI_EXTRA_ENV="USERCGI_JWKS_FILE=$T/broken.json" cgi POST /api/users '{}'
expect "JWKS file broken" 401 "$(unauth ERR_JWKS_NO_MATCHING_KEY JWKSNoMatchingKey)"
CGI_EXTRA_ENV="USERCGI_JWKS_FILE=$T/broken.json" cgi POST /api/users '{}' -
expect "JWKS file broken, no header: still 'missing'" 401 \
    '{"code":"auth.authorization_header_missing","message":"Authorization header is missing."}'

# The case list of bearer-tokens.md, against the key set mint.mjs made.
if ! $MINT cases "$T" >"$T/cases.tsv"; then
	echo "Bail out! mint.mjs cases failed"
	exit 1
fi
cp "$T/cases-jwks.json" "$T/jwks.json"
declare -A want_body
while IFS=$'\t' read -r name body; do
	want_body[$name]=$body
done <"$T/cases-expect.tsv"
leaks=0
ncases=0
while IFS=$'\t' read -r name status value; do
	ncases=$((ncases + 1))
	cgi POST /api/users '{}' "$value"
	if [ "$status" = 200 ]; then
		expect_status "case $name" 200
	else
		expect "case $name" "$status" "${want_body[$name]}"
	fi
	# Never log the token (its signature part is unique enough).
	sig=${value##*.}
	if [ ${#sig} -ge 16 ] && grep -qF -- "$sig" "$T/stderr"; then
		leaks=$((leaks + 1))
		echo "# case $name: token found in the log"
	fi
	# Every refusal of a token says why in the log.
	case $status in 401|403)
		if [ "$value" != - ] && [ "${value#Bearer}" != "$value" ] &&
		    ! grep -q 'refused' "$T/stderr"; then
			not_ok "case $name: reason logged"
		fi ;;
	esac
done <"$T/cases.tsv"
if [ "$ncases" -ge 130 ]; then ok "mint.mjs cases gave $ncases cases"; else
	not_ok "mint.mjs cases gave only $ncases cases"; fi
if [ "$leaks" -eq 0 ]; then ok "no token in the log"; else
	not_ok "tokens in the log: $leaks"; fi

# The JWKS loaded above refuses its bad keys with a log line each.
cgi POST /api/users '{}' -
for kid in rsa1024 hs x31 x33 offcurve ed33 withd; do
	if grep -q "kid \"$kid\") refused" "$T/stderr"; then
		ok "JWKS key $kid refused at load, logged"
	else
		not_ok "JWKS key $kid refused at load, logged"
	fi
done
tap_done
