#!/bin/bash
# users.sh: the user routes after POST (shared/spec/users-api.md) through
# the real responder as CGI: every route, every error body, the traps of
# §8 one by one, paging across more than one page with ties in createdAt
# and the Link headers followed to the end, ETag and 304 on every GET.
# Guard bodies were produced by Logto's guards under zod 3.24.3.
. "$(dirname "$0")/lib.sh"
setup

NOT_FOUND='{"code":"entity.not_found","message":"The resource does not exist."}'
EMPTY_PATCH='{"code":"entity.invalid_input","message":"Invalid input. Value list must not be empty."}'
EMAIL_TAKEN='{"code":"user.email_already_in_use","message":"This email is associated with an existing account."}'
PHONE_TAKEN='{"code":"user.phone_already_in_use","message":"This phone number is associated with an existing account."}'
NAME_TAKEN='{"code":"user.username_already_in_use","message":"This username is already in use."}'
BAD_PAGE='{"code":"guard.invalid_pagination","message":"The request pagination value is invalid."}'

# hdr NAME: the value of response header NAME (any letter case) of the
# last cgi(), empty when absent.
hdr() {
	printf '%s\n' "$HEADERS" | tr -d '\r' | sed -n "s/^$1: //Ip" | head -n 1
}
# has_hdr NAME: whether the last response has header NAME.
has_hdr() {
	printf '%s\n' "$HEADERS" | tr -d '\r' | grep -qi "^$1:"
}
# check NAME GOT WANT
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; printf '#   got:  %s\n#   want: %s\n' "$2" "$3"; fi
}
# mk BODY: creates a user, sets ID.
mk() {
	cgi POST /api/users "$1"
	ID=$(printf '%s' "$BODY" | jq -r .id)
	[ "$STATUS" = 200 ] || echo "# mk $1: $STATUS $BODY"
}
# field NAME: member NAME of the last JSON body, compact.
field() { printf '%s' "$BODY" | jq -c ".$1"; }
# norm: the last body with the clock replaced.
norm() {
	printf '%s' "$BODY" | sed -e 's/"createdAt":[0-9]*,"updatedAt":[0-9]*/"createdAt":T,"updatedAt":T/g'
}
# user_json ID: the user object of create-user.md §5 with times T; the
# U_* variables give members (JSON) other than their defaults.
user_json() {
	printf '{"id":"%s","username":%s,"primaryEmail":%s,"primaryPhone":%s,"name":%s,"avatar":%s,"customData":%s,"identities":%s,"lastSignInAt":null,"createdAt":T,"updatedAt":T,"profile":%s,"applicationId":null,"isSuspended":%s,"hasPassword":%s,"ssoIdentities":[]}' \
	    "$1" "${U_USERNAME:-null}" "${U_EMAIL:-null}" "${U_PHONE:-null}" \
	    "${U_NAME:-null}" "${U_AVATAR:-null}" "${U_CUSTOM:-{\}}" \
	    "${U_IDENT:-{\}}" "${U_PROFILE:-{\}}" "${U_SUSP:-false}" \
	    "${U_HASPW:-false}"
}
# expect_norm NAME STATUS BODY: as expect, on the body with times T.
expect_norm() {
	local got
	got=$(norm)
	if [ "$STATUS" = "$2" ] && [ "$got" = "$3" ]; then ok "$1"; else
		not_ok "$1"; printf '#   got:  %s %s\n#   want: %s %s\n' "$STATUS" "$got" "$2" "$3"; fi
}
# guard1 ISSUE DETAILS: a one-issue guard.invalid_input body.
guard1() {
	printf '{"code":"guard.invalid_input","data":{"issues":[%s],"name":"ZodError"},"details":"%s","message":"The request body is invalid."}' "$1" "$2"
}
# required KEY TYPE: the guard body for a missing required member.
required() {
	guard1 "{\"code\":\"invalid_type\",\"expected\":\"$2\",\"received\":\"undefined\",\"path\":[\"$1\"],\"message\":\"Required\"}" \
	    "Error in key path \\\"$1\\\": (invalid_type) Expected $2 but received undefined."
}
# wrong KEY TYPE GOT: the guard body for a member of the wrong type.
wrong() {
	guard1 "{\"code\":\"invalid_type\",\"expected\":\"$2\",\"received\":\"$3\",\"path\":[\"$1\"],\"message\":\"Expected $2, received $3\"}" \
	    "Error in key path \\\"$1\\\": (invalid_type) Expected $2 but received $3."
}
# snapshot ID: the stored row as text, to show an error changed nothing.
snapshot() {
	dbq "select * from users where id = '$1'"
}
# get_etag PATH [QUERY]: GET PATH, sets ETAG from the 200's ETag.
get_etag() {
	cgi GET "$1" "" "Bearer $TOKEN" "" "${2:-}"
	ETAG=$(hdr ETag)
}
# conditional NAME PATH [QUERY]: GET with the ETag of the previous GET
# must be 304 with no body and no Content-Type, the ETag repeated; a
# different tag must give the 200 again.
conditional() {
	local name=$1 path=$2 query=${3:-} body=$BODY tag=$ETAG
	case $tag in \"[0-9a-f]*\") ok "$name: strong ETag" ;;
		*) not_ok "$name: strong ETag ($tag)" ;; esac
	CGI_EXTRA_ENV="HTTP_IF_NONE_MATCH=$tag" cgi GET "$path" "" \
	    "Bearer $TOKEN" "" "$query"
	expect "$name: If-None-Match gives 304, empty" 304 ""
	has_hdr Content-Type && not_ok "$name: 304 without Content-Type" ||
	    ok "$name: 304 without Content-Type"
	check "$name: 304 repeats the ETag" "$(hdr ETag)" "$tag"
	CGI_EXTRA_ENV='HTTP_IF_NONE_MATCH="0000"' cgi GET "$path" "" \
	    "Bearer $TOKEN" "" "$query"
	expect "$name: another tag gives the 200" 200 "$body"
	check "$name: same body, same ETag" "$(hdr ETag)" "$tag"
}

# ---------------------------------------------------------------- GET {id}
mk '{"username":"alice","primaryEmail":"Alice@Example.com","name":"Alice"}'
A=$ID
get_etag "/api/users/$A"
expect_norm "GET user" 200 \
    "$(U_USERNAME='"alice"' U_EMAIL='"Alice@Example.com"' U_NAME='"Alice"' user_json "$A")"
conditional "GET user" "/api/users/$A"
cgi GET /api/users/nosuchuser00 ""
expect "GET unknown user: 404 entity.not_found" 404 "$NOT_FOUND"
cgi GET "/api/users/$A" "" -
expect_status "GET user: auth first" 401

# ------------------------------------------------------------ PATCH {id}
mk '{"username":"bob","primaryEmail":"bob@example.com","primaryPhone":"61412345678"}'
B=$ID
before=$(dbq "select $(dbq_ms updated_at) from users where id = '$B'")
sleep 0.01
cgi PATCH "/api/users/$B" '{"name":"Bob","avatar":"https://a.b/c.png","customData":{"k":[1,{"x":null}]},"profile":{"nickname":"B","zz":1,"address":{"country":"NZ","x":2}},"password":"dropped","isSuspended":true,"identities":{"a":{"userId":"1"}}}'
expect_norm "PATCH sets the members, drops the rest" 200 \
    "$(U_USERNAME='"bob"' U_EMAIL='"bob@example.com"' U_PHONE='"61412345678"' U_NAME='"Bob"' \
    U_AVATAR='"https://a.b/c.png"' U_CUSTOM='{"k":[1,{"x":null}]}' \
    U_PROFILE='{"nickname":"B","address":{"country":"NZ"}}' user_json "$B")"
after=$(dbq "select $(dbq_ms updated_at) from users where id = '$B'")
[ "$after" -gt "$before" ] && ok "PATCH moves updatedAt" || not_ok "PATCH moves updatedAt ($before -> $after)"
check "PATCH answers what is stored" "$(field updatedAt)" "$after"
cgi GET "/api/users/$B" ""
check "PATCH is on disk" "$(field name)" '"Bob"'

# Trap 2: PATCH replaces customData and profile.
cgi PATCH "/api/users/$B" '{"customData":{"n":1},"profile":{"givenName":"G"}}'
check "trap 2: PATCH replaces customData" "$(field customData)" '{"n":1}'
check "trap 2: PATCH replaces profile" "$(field profile)" '{"givenName":"G"}'

# Trap 3: "" and null clear a scalar; only unknown keys is a 422.
cgi PATCH "/api/users/$B" '{"name":"","avatar":null,"primaryPhone":""}'
check "trap 3: \"\" and null clear scalars" \
    "$(printf '%s' "$BODY" | jq -c '[.name,.avatar,.primaryPhone]')" '[null,null,null]'
check "trap 3: cleared columns are NULL" \
    "$(dbq "select count(*) from users where id = '$B' and name is null and avatar is null and primary_phone is null")" 1
snap=$(snapshot "$B")
cgi PATCH "/api/users/$B" '{}'
expect "trap 3: PATCH {} is 422" 422 "$EMPTY_PATCH"
cgi PATCH "/api/users/$B" '{"foo":1,"password":"x"}'
expect "trap 3: only unknown keys is 422" 422 "$EMPTY_PATCH"
cgi PATCH "/api/users/$B" ''
expect "PATCH with no body is 422" 422 "$EMPTY_PATCH"
check "422: nothing changed" "$(snapshot "$B")" "$snap"
cgi PATCH /api/users/nosuchuser00 '{}'
expect "PATCH {} on an unknown user: 404 first" 404 "$NOT_FOUND"

# Validation (400) comes before the 404.
cgi PATCH /api/users/nosuchuser00 '{"username":5}'
expect "PATCH: a wrong type is one invalid_union issue (before 404)" 400 \
    "$(guard1 '{"code":"invalid_union","unionErrors":[{"issues":[{"code":"invalid_type","expected":"string","received":"number","path":["username"],"message":"Expected string, received number"}],"name":"ZodError"},{"issues":[{"received":5,"code":"invalid_literal","expected":"","path":["username"],"message":"Invalid literal value, expected \"\""}],"name":"ZodError"}],"path":["username"],"message":"Invalid input"}' 'Error in key path \"username\": (invalid_union) Invalid input')"
cgi PATCH "/api/users/$B" '{"primaryPhone":"+1","primaryEmail":"x"}'
expect "PATCH: bad strings, in schema order" 400 \
    '{"code":"guard.invalid_input","data":{"issues":[{"validation":"regex","code":"invalid_string","message":"Invalid","path":["primaryEmail"]},{"validation":"regex","code":"invalid_string","message":"Invalid","path":["primaryPhone"]}],"name":"ZodError"},"details":"Error in key path \"primaryEmail\": (invalid_string) Invalid\nError in key path \"primaryPhone\": (invalid_string) Invalid","message":"The request body is invalid."}'
cgi PATCH "/api/users/$B" '{"customData":null}'
expect "PATCH: customData null is 400" 400 "$(wrong customData object null)"
cgi PATCH "/api/users/$B" '{"profile":null}'
expect "PATCH: profile null is 400" 400 "$(wrong profile object null)"
cgi PATCH "/api/users/$B" '[]'
expect "PATCH: an array body" 400 \
    "$(guard1 '{"code":"invalid_type","expected":"object","received":"array","path":[],"message":"Expected object, received array"}' 'Error in key path \"\": (invalid_type) Expected object but received array.')"
check "400: nothing changed" "$(snapshot "$B")" "$snap"

# Trap 4: PATCH checks email, then phone, then username (POST: username
# first); a case-only change of one's own email passes.
mk '{"username":"carol","primaryEmail":"carol@example.com","primaryPhone":"4407911123456"}'
C=$ID
cgi PATCH "/api/users/$B" '{"username":"carol","primaryEmail":"CAROL@example.com","primaryPhone":"447911123456"}'
expect "trap 4: email is checked first (case-insensitive)" 422 "$EMAIL_TAKEN"
cgi PATCH "/api/users/$B" '{"username":"carol","primaryPhone":"4407911123456"}'
expect "trap 4: then phone" 422 "$PHONE_TAKEN"
cgi PATCH "/api/users/$B" '{"username":"carol"}'
expect "trap 4: then username" 422 "$NAME_TAKEN"
cgi POST /api/users '{"username":"carol","primaryEmail":"carol@example.com"}'
expect "trap 4: POST checks username first" 422 "$NAME_TAKEN"
cgi PATCH "/api/users/$B" '{"username":"Carol"}'
check "username is case-sensitive" "$STATUS $(field username)" '200 "Carol"'
cgi PATCH "/api/users/$C" '{"primaryEmail":"CAROL@EXAMPLE.COM","username":"carol","primaryPhone":"447911123456"}'
check "own row excluded: case-only email change, same phone, same name" \
    "$STATUS $(field primaryEmail) $(field primaryPhone)" '200 "CAROL@EXAMPLE.COM" "447911123456"'
cgi PATCH "/api/users/$C" '{"primaryPhone":"610412345678"}'
check "PATCH normalises the phone" "$STATUS $(field primaryPhone)" '200 "61412345678"'
cgi PATCH "/api/users/$C" '{"primaryPhone":"999"}'
expect "PATCH: an unparsable phone" 422 '{"code":"user.invalid_phone","data":{"name":"ParseError"},"message":"Invalid phone number."}'
long=$(printf 'a%.0s' $(seq 1 129))
cgi PATCH "/api/users/$C" "{\"name\":\"$long\"}"
expect "PATCH: a value too long" 422 '{"code":"entity.value_too_long","data":{"message":"value too long for type character varying(128)"},"message":"The length of value is too long and exceeds the limit."}'

# Form bodies are read as POST reads them.
cgi PATCH "/api/users/$C" 'name=Form+Name&profile[givenName]=G&customData.k=v' "Bearer $TOKEN" application/x-www-form-urlencoded
check "PATCH with a form body" "$STATUS $(field name) $(field profile) $(field customData)" \
    '200 "Form Name" {"givenName":"G"} {"k":"v"}'

# ------------------------------------------------------ custom-data, profile
mk '{"customData":{"a":1,"b":{"x":1},"c":"keep"},"profile":{"givenName":"G","locale":"en","address":{"country":"NZ","region":"R"}}}'
D=$ID
get_etag "/api/users/$D/custom-data"
expect "GET custom-data" 200 '{"a":1,"b":{"x":1},"c":"keep"}'
conditional "GET custom-data" "/api/users/$D/custom-data"
cgi PATCH "/api/users/$D/custom-data" '{"customData":{"b":{"y":2},"a":null,"d":[1]}}'
expect "trap 2: custom-data merges shallowly, keeps null, removes nothing" 200 \
    '{"a":null,"b":{"y":2},"c":"keep","d":[1]}'
cgi PATCH "/api/users/$D/custom-data" '{"customData":{}}'
expect "custom-data: an empty object changes nothing" 200 '{"a":null,"b":{"y":2},"c":"keep","d":[1]}'
cgi PATCH "/api/users/$D/custom-data" '{}'
expect "custom-data: customData is required" 400 "$(required customData object)"
cgi PATCH "/api/users/$D/custom-data" '{"customData":[]}'
expect "custom-data: an array is refused" 400 "$(wrong customData object array)"
cgi PATCH /api/users/nosuchuser00/custom-data '{"customData":{}}'
expect "custom-data PATCH: unknown user" 404 "$NOT_FOUND"
cgi GET /api/users/nosuchuser00/custom-data ""
expect "custom-data GET: unknown user" 404 "$NOT_FOUND"
cgi PATCH "/api/users/$D/profile" '{"profile":{"familyName":"","address":{"formatted":"F"},"locale":"de","zz":1}}'
expect "trap 2: profile merges in schema order, address as a unit, \"\" kept" 200 \
    '{"familyName":"","givenName":"G","locale":"de","address":{"formatted":"F"}}'
cgi PATCH "/api/users/$D/profile" '{}'
expect "profile: profile is required" 400 "$(required profile object)"
cgi PATCH "/api/users/$D/profile" '{"profile":{"familyName":1}}'
expect "profile: a member of the wrong type" 400 \
    "$(guard1 '{"code":"invalid_type","expected":"string","received":"number","path":["profile","familyName"],"message":"Expected string, received number"}' 'Error in key path \"profile.familyName\": (invalid_type) Expected string but received number.')"
cgi PATCH /api/users/nosuchuser00/profile '{"profile":{}}'
expect "profile: unknown user" 404 "$NOT_FOUND"
cgi GET "/api/users/$D" ""
check "the merges are on disk" "$(field customData) $(field profile)" \
    '{"a":null,"b":{"y":2},"c":"keep","d":[1]} {"familyName":"","givenName":"G","locale":"de","address":{"formatted":"F"}}'

# ---------------------------------------------------------------- passwords
mk '{"username":"pw"}'
P=$ID
get_etag "/api/users/$P/has-password"
expect "has-password: none" 200 '{"hasPassword":false}'
conditional "GET has-password" "/api/users/$P/has-password"
cgi PATCH "/api/users/$P/password" '{"passwordDigest":"5f4dcc3b5aa765d61d8327deb882cf99","passwordAlgorithm":"MD5"}'
expect "password: a digest-only body is 400 Required" 400 "$(required password string)"
cgi PATCH "/api/users/$P/password" '{"password":""}'
expect "password: empty" 400 \
    "$(guard1 '{"code":"too_small","minimum":1,"type":"string","inclusive":true,"exact":false,"message":"String must contain at least 1 character(s)","path":["password"]}' 'Error in key path \"password\": (too_small) String must contain at least 1 character(s)')"
cgi PATCH /api/users/nosuchuser00/password '{"password":"x"}'
expect "password: unknown user" 404 "$NOT_FOUND"
cgi PATCH "/api/users/$P/password" '{"password":"s3cret"}'
check "password: 200 user with hasPassword" "$STATUS $(field hasPassword)" "200 true"
# The configured parameters (the valgrind pass lowers them in CGI_EXTRA_ENV).
am=$(printf '%s\n' ${CGI_EXTRA_ENV:-} | sed -n 's/^USERCGI_ARGON2_M=//p')
at=$(printf '%s\n' ${CGI_EXTRA_ENV:-} | sed -n 's/^USERCGI_ARGON2_T=//p')
check "password: stored as Argon2i with password_updated_at" \
    "$(dbq "select password_encryption_method, $(dbq_bool "password_encrypted like '\$argon2i\$v=19\$m=${am:-8192},t=${at:-8},p=1\$%'"), $(dbq_bool "password_updated_at is not null") from users where id = '$P'")" "Argon2i|1|1"
cgi POST "/api/users/$P/password/verify" '{"password":"s3cret"}'
expect_status "password: the new one verifies" 204
cgi GET "/api/users/$P/has-password" ""
expect "has-password: set" 200 '{"hasPassword":true}'
cgi GET "/api/users/$P" "" "Bearer $TOKEN" "" "includePasswordHash=Yes"
check "GET user: includePasswordHash takes Logto's yes()" \
    "$(printf '%s' "$BODY" | jq -c '[.passwordAlgorithm, (.passwordDigest | startswith("$argon2i$"))]')" '["Argon2i",true]'
cgi GET "/api/users/$P" "" "Bearer $TOKEN" "" "includePasswordHash=no&includePasswordHash=1"
check "GET user: the first includePasswordHash counts" "$(field passwordDigest)" null
cgi GET /api/users/nosuchuser00/has-password ""
expect "has-password: unknown user" 404 "$NOT_FOUND"
NOT_ENABLED='{"code":"sign_in_experiences.password_expiration_not_enabled","message":"Password expiration policy is not enabled. Enable it in the sign-in experience settings before expiring passwords."}'
cgi PATCH "/api/users/$P/password/expiration" '{"isExpired":true}'
expect "expiration: true needs the policy" 400 "$NOT_ENABLED"
cgi PATCH "/api/users/$P/password/expiration" '{"isExpired":false}'
expect_status "expiration: false always works" 200
cgi PATCH "/api/users/$P/password/expiration" 'isExpired=true' "Bearer $TOKEN" application/x-www-form-urlencoded
expect "expiration: a form string is not a boolean" 400 "$(wrong isExpired boolean string)"
cgi PATCH "/api/users/$P/password/expiration" '{}'
expect "expiration: isExpired is required" 400 "$(required isExpired boolean)"
CGI_EXTRA_ENV=USERCGI_PASSWORD_EXPIRATION=yes cgi PATCH "/api/users/$P/password/expiration" '{"isExpired":true}'
expect_status "expiration: true with the policy on" 200
check "expiration: the flag is stored" \
    "$(dbq "select $(dbq_bool is_password_expired) from users where id = '$P'")" 1
CGI_EXTRA_ENV=USERCGI_PASSWORD_EXPIRATION=yes cgi PATCH /api/users/nosuchuser00/password/expiration '{"isExpired":true}'
expect "expiration: unknown user" 404 "$NOT_FOUND"

# --------------------------------------------------------------- suspension
cgi PATCH "/api/users/$P/is-suspended" '{"isSuspended":true}'
check "is-suspended: true" "$STATUS $(field isSuspended)" "200 true"
t1=$(field updatedAt)
sleep 0.01
cgi PATCH "/api/users/$P/is-suspended" '{"isSuspended":true}'
check "is-suspended: again is allowed" "$STATUS $(field isSuspended)" "200 true"
[ "$(field updatedAt)" -gt "$t1" ] && ok "is-suspended: again moves updatedAt" || not_ok "is-suspended: again moves updatedAt"
cgi POST "/api/users/$P/password/verify" '{"password":"s3cret"}'
expect_status "a suspended user's password still verifies" 204
cgi PATCH "/api/users/$P/is-suspended" '{"isSuspended":"true"}'
expect "is-suspended: a string" 400 "$(wrong isSuspended boolean string)"
cgi PATCH "/api/users/$P/is-suspended" '{}'
expect "is-suspended: required" 400 "$(required isSuspended boolean)"
cgi PATCH /api/users/nosuchuser00/is-suspended '{"isSuspended":false}'
expect "is-suspended: unknown user" 404 "$NOT_FOUND"
cgi PATCH "/api/users/$P/is-suspended" '{"isSuspended":false}'
check "is-suspended: false" "$STATUS $(field isSuspended)" "200 false"

# --------------------------------------------------------------- identities
mk '{"username":"idn"}'
I=$ID
cgi PUT "/api/users/$I/identities/google" '{"userId":"g-1","details":{"email":"a@b.c"},"x":1}'
expect "identity: new target is 201 with the map" 201 '{"google":{"userId":"g-1","details":{"email":"a@b.c"}}}'
cgi PUT "/api/users/$I/identities/github" '{"userId":"h-1"}'
expect "identity: a second target" 201 '{"google":{"userId":"g-1","details":{"email":"a@b.c"}},"github":{"userId":"h-1"}}'
cgi PUT "/api/users/$I/identities/google" '{"userId":"g-2"}'
expect "identity: an existing target is 200, replaced" 200 '{"google":{"userId":"g-2"},"github":{"userId":"h-1"}}'
cgi PUT "/api/users/$I/identities/google" '{"userId":"g-2"}'
expect_status "identity: the user's own identity again" 200
cgi PUT "/api/users/$P/identities/google" '{"userId":"g-2"}'
expect "identity: held by another user" 422 '{"code":"user.identity_already_in_use","message":"The social account has been associated with an existing account."}'
cgi PUT "/api/users/$P/identities/github" '{"userId":"g-2"}'
expect_status "identity: the same id under another target is free" 201
cgi PUT "/api/users/$I/identities/google" '{}'
expect "identity: userId is required" 400 "$(required userId string)"
cgi PUT "/api/users/$I/identities/google" '{"userId":"x","details":null}'
expect "identity: details must be an object" 400 "$(wrong details object null)"
cgi PUT /api/users/nosuchuser00/identities/google '{"userId":"z"}'
expect "identity PUT: unknown user" 404 "$NOT_FOUND"
cgi DELETE "/api/users/$I/identities/twitter" ""
expect "identity DELETE: absent" 404 '{"code":"user.identity_not_exist","message":"The social account has not been registered yet."}'
cgi DELETE /api/users/nosuchuser00/identities/google ""
expect "identity DELETE: unknown user" 404 "$NOT_FOUND"
cgi DELETE "/api/users/$I/identities/google" ""
expect_norm "identity DELETE: 200 with the user" 200 \
    "$(U_USERNAME='"idn"' U_IDENT='{"github":{"userId":"h-1"}}' user_json "$I")"
cgi PUT "/api/users/$P/identities/google" '{"userId":"g-2"}'
expect_status "identity: free again once removed" 201
cgi GET "/api/users/$I" ""
check "identities are on disk" "$(field identities)" '{"github":{"userId":"h-1"}}'

# ------------------------------------------------------------ logto-configs
LC_DEFAULT='{"mfa":{"skipped":false,"skipMfaOnSignIn":false},"passkeySignIn":{"skipped":false}}'
get_etag "/api/users/$I/logto-configs"
expect "logto-configs: defaults, enabled omitted" 200 "$LC_DEFAULT"
conditional "GET logto-configs" "/api/users/$I/logto-configs"
cgi PATCH "/api/users/$I/logto-configs" '{"mfa":{"skipped":true}}'
expect "logto-configs: one boolean" 200 '{"mfa":{"skipped":true,"skipMfaOnSignIn":false},"passkeySignIn":{"skipped":false}}'
cgi PATCH "/api/users/$I/logto-configs" '{"mfa":{"enabled":false,"skipMfaOnSignIn":true},"passkeySignIn":{"skipped":true}}'
expect "logto-configs: only what is sent changes" 200 '{"mfa":{"enabled":false,"skipped":true,"skipMfaOnSignIn":true},"passkeySignIn":{"skipped":true}}'
cgi GET "/api/users/$I/logto-configs" ""
expect "logto-configs: on disk" 200 '{"mfa":{"enabled":false,"skipped":true,"skipMfaOnSignIn":true},"passkeySignIn":{"skipped":true}}'
cgi PATCH "/api/users/$I/logto-configs" '{"mfa":{"enabled":"x"}}'
expect "logto-configs: not a boolean" 400 \
    "$(guard1 '{"code":"invalid_type","expected":"boolean","received":"string","path":["mfa","enabled"],"message":"Expected boolean, received string"}' 'Error in key path \"mfa.enabled\": (invalid_type) Expected boolean but received string.')"
cgi GET /api/users/nosuchuser00/logto-configs ""
expect "logto-configs GET: unknown user" 404 "$NOT_FOUND"
cgi PATCH /api/users/nosuchuser00/logto-configs '{}'
expect "logto-configs PATCH: unknown user" 404 "$NOT_FOUND"

# ------------------------------------------------------------------- DELETE
# Trap 5: deleting oneself is a 400 before the existence check; DELETE is
# 204 with no body and no Content-Type.
mk '{"username":"gone"}'
G=$ID
SELF=$($MINT token "$T" "{\"sub\":\"$G\"}")
cgi DELETE "/api/users/$G" "" "Bearer $SELF"
expect "trap 5: DELETE of oneself" 400 '{"code":"user.cannot_delete_self","message":"You cannot delete yourself."}'
GHOST=$($MINT token "$T" '{"sub":"nosuchuser00"}')
cgi DELETE /api/users/nosuchuser00 "" "Bearer $GHOST"
expect "trap 5: oneself comes before the existence check" 400 '{"code":"user.cannot_delete_self","message":"You cannot delete yourself."}'
cgi DELETE "/api/users/$G" ""
expect "trap 5: DELETE is 204, empty" 204 ""
has_hdr Content-Type && not_ok "DELETE: no Content-Type" || ok "DELETE: no Content-Type"
cgi DELETE "/api/users/$G" ""
expect "DELETE again: 404" 404 "$NOT_FOUND"
cgi GET "/api/users/$G" ""
expect "GET after DELETE: 404" 404 "$NOT_FOUND"
check "DELETE is a hard delete" "$(dbq "select count(*) from users where id = '$G'")" 0

# ------------------------------------------------------ GET /api/users list
# 45 more users whose createdAt come in ties of three, so pages split ties.
for i in $(seq 1 45); do
	cgi POST /api/users "{\"username\":\"list_$i\",\"primaryEmail\":\"List$i@Example.com\",\"name\":\"N $i\"}"
done
# list_I gets the time 1700000000000 + I / 3 ms.
dbq "update users set created_at = $(dbq_from_ms "1700000000000 + cast(substr(username, 6) as integer) / 3") where username like 'list\\_%' escape '\\'"
total=$(dbq "select count(*) from users")
want_all=$(dbq "select id from users order by created_at desc, id desc" | tr '\n' ' ')
ties=$(dbq "select count(*) from (select created_at from users group by created_at having count(*) > 1) t")
[ "$ties" -ge 10 ] && ok "the set has ties in createdAt" || not_ok "ties: $ties"
ids() { printf '%s' "$BODY" | jq -r '.[].id' | tr '\n' ' '; }
BASE=http://example.test/cgi-bin/usercgi.fcgi/api/users

export CGI_EXTRA_ENV="HTTP_HOST=example.test"
get_etag /api/users "page_size=20"
check "list: page 1 status" "$STATUS" 200
check "list: Total-Number" "$(hdr Total-Number)" "$total"
last=$(( (total + 19) / 20 ))
check "list: Link on page 1" "$(hdr Link)" \
    "<$BASE?page_size=20&page=1>; rel=\"first\", <$BASE?page_size=20&page=$last>; rel=\"last\", <$BASE?page_size=20&page=2>; rel=\"next\""
got=""
next="$BASE?page_size=20&page=1"
n=0
while [ -n "$next" ] && [ $n -lt 10 ]; do
	q=${next#*\?}
	cgi GET /api/users "" "Bearer $TOKEN" "" "$q"
	got="$got$(ids)"
	next=$(hdr Link | tr ',' '\n' | sed -n 's/^ *<\([^>]*\)>; rel="next"$/\1/p')
	n=$((n + 1))
done
check "list: Link next followed to the end gives every user once, in order" "$got" "$want_all"
check "list: pages followed" "$n" "$last"
check "list: the last page's Link" "$(hdr Link)" \
    "<$BASE?page_size=20&page=1>; rel=\"first\", <$BASE?page_size=20&page=$((last - 1))>; rel=\"prev\", <$BASE?page_size=20&page=$last>; rel=\"last\""
cgi GET /api/users "" "Bearer $TOKEN" "" "page=2&page_size=20&mode=like"
check "list: page replaced in place, other keys kept" "$(hdr Link)" \
    "<$BASE?page=1&page_size=20&mode=like>; rel=\"first\", <$BASE?page=1&page_size=20&mode=like>; rel=\"prev\", <$BASE?page=$last&page_size=20&mode=like>; rel=\"last\", <$BASE?page=3&page_size=20&mode=like>; rel=\"next\""
cgi GET /api/users "" "Bearer $TOKEN" "" "page=99"
check "list: past the end is []" "$STATUS $BODY $(hdr Total-Number)" "200 [] $total"
cgi GET /api/users "" "Bearer $TOKEN" "" ""
check "list: default page size 20" "$(printf '%s' "$BODY" | jq length)" 20
check "list: items are user objects" "$(printf '%s' "$BODY" | jq -r '.[0] | keys_unsorted | join(",")')" \
    "id,username,primaryEmail,primaryPhone,name,avatar,customData,identities,lastSignInAt,createdAt,updatedAt,profile,applicationId,isSuspended,hasPassword,ssoIdentities"
cgi GET /api/users "" "Bearer $TOKEN" "" "page=&page_size="
check "list: empty page values are the defaults" "$STATUS $(printf '%s' "$BODY" | jq length)" "200 20"
get_etag /api/users "page_size=5&page=2"
conditional "GET list" /api/users "page_size=5&page=2"
unset CGI_EXTRA_ENV
cgi GET /api/users "" "Bearer $TOKEN" "" "page_size=1"
check "list: without Host the links are paths" "$(hdr Link | cut -d';' -f1)" \
    "</cgi-bin/usercgi.fcgi/api/users?page_size=1&page=1>"
CGI_EXTRA_ENV="HTTPS=on SERVER_NAME=srv.test SERVER_PORT=8443" cgi GET /api/users "" "Bearer $TOKEN" "" "page_size=1"
check "list: origin from HTTPS, SERVER_NAME and SERVER_PORT" "$(hdr Link | cut -d';' -f1)" \
    "<https://srv.test:8443/cgi-bin/usercgi.fcgi/api/users?page_size=1&page=1>"
CGI_EXTRA_ENV="HTTP_X_FORWARDED_HOST=evil.test HTTP_HOST=example.test" cgi GET /api/users "" "Bearer $TOKEN" "" "page_size=1"
check "list: X-Forwarded-Host is not trusted" "$(hdr Link | cut -d';' -f1)" \
    "<http://example.test/cgi-bin/usercgi.fcgi/api/users?page_size=1&page=1>"

for q in page=0 page=-1 page=abc page_size=0 page_size=101 page=1.5 "page=1&page=2" page_size=1e1; do
	cgi GET /api/users "" "Bearer $TOKEN" "" "$q"
	expect "list: bad pagination $q" 400 "$BAD_PAGE"
done

# Searches.
search() { cgi GET /api/users "" "Bearer $TOKEN" "" "$1"; }
names() { printf '%s' "$BODY" | jq -r '[.[].username] | sort | join(" ")'; }
search "search.primaryEmail=list7@example.COM&mode=exact"
check "search: exact email, case-insensitive by default" "$STATUS $(names) $(hdr Total-Number)" "200 list_7 1"
search "search.primary_email=list7@example.COM&mode=exact&isCaseSensitive=true"
check "search: exact email, case-sensitive" "$(hdr Total-Number)" 0
search "search.username=LIST_7&mode.username=exact"
check "search: exact username, case-insensitive" "$(names)" "list_7"
search "search.username=list_1&search.username=list_2&mode=exact"
check "search: exact takes several values" "$(names)" "list_1 list_2"
search "search.username=list_1"
check "trap 1: like has no implicit %" "$(names)" "list_1"
search "search.username=list_1%25"
check "search: like prefix" "$(names)" "list_1 list_10 list_11 list_12 list_13 list_14 list_15 list_16 list_17 list_18 list_19"
search "search.username=LIST_4%25"
check "trap 1: like is case-insensitive by default" "$(names)" "list_4 list_40 list_41 list_42 list_43 list_44 list_45"
search "search.username=%25ist_4_&isCaseSensitive=1"
check "search: like substring with _" "$(names)" "list_40 list_41 list_42 list_43 list_44 list_45"
search "search=alice"
check "search: bare search over the five fields" "$(names)" "alice"
search "search.name=N+4%25&search.username=%25_4&joint=and"
check "search: joint=and, + is a space" "$(names)" "list_4 list_44"
search "search.name=N+4&search.username=list_5&jointMode=or"
check "search: joint or" "$(names)" "list_4 list_5"
search "search.username=list_(1|2)&mode=similar_to&isCaseSensitive=true"
check "search: similar_to with isCaseSensitive" "$(names)" "list_1 list_2"
search "search.username=list_(1|2)&mode=similar_to"
expect "trap 1: similar_to needs isCaseSensitive" 400 '{"code":"request.invalid_input","data":{},"message":"Input is invalid. Cannot use case-insensitive match for `similar to`."}'
search "search.username=%5Elist_%5Cd%24&mode=posix"
check "search: posix with \\d" "$(names)" "list_1 list_2 list_3 list_4 list_5 list_6 list_7 list_8 list_9"
search "search.username=(&mode=posix"
check "search: a bad regex is a 400" "$STATUS $(field code)" '400 "request.invalid_input"'
search "search.username=a%5C&mode=like"
check "search: LIKE ending in a lone backslash is a 400" "$STATUS $(field code)" '400 "request.invalid_input"'
search "joint=xor"
expect "search: bad joint" 400 '{"code":"request.invalid_input","data":{},"message":"Input is invalid. Search joint mode `xor` is not valid, expect one of or, and."}'
search "mode.primaryEmail=fuzzy&search.primaryEmail=a"
expect "search: bad mode for a field" 400 '{"code":"request.invalid_input","data":{},"message":"Input is invalid. Search match mode `fuzzy` for field `primaryEmail` is not valid, expect one of exact, like, similar_to, posix."}'
search "search.email=a"
expect "search: unknown field" 400 '{"code":"request.invalid_input","data":{},"message":"Input is invalid. Search field `email` is not valid, expect one of id, primary_email, primary_phone, username, name."}'
# The longest field name (1016 bytes after "search.") whose snake case
# is half again as long: once a stack overflow (fuzz_query).
ab=$(printf 'aB%.0s' $(seq 508))
snk=$(printf 'a_b%.0s' $(seq 508))
search "search.$ab=x"
expect "search: a field name that grows in snake case" 400 '{"code":"request.invalid_input","data":{},"message":"Input is invalid. Search field `'"$snk"'` is not valid, expect one of id, primary_email, primary_phone, username, name."}'
search "search.a.b=x"
expect "search: nested field" 400 '{"code":"request.invalid_input","data":{},"message":"Input is invalid. Unsupported nested search field path `a.b` detected. Only the first level field is supported."}'
search "search.username="
expect "search: empty value" 400 '{"code":"request.invalid_input","data":{},"message":"Input is invalid. Search value cannot be empty."}'
search "search.username=a&search.username=b"
expect "search: one value unless exact" 400 '{"code":"request.invalid_input","data":{},"message":"Input is invalid. Only one search value is allowed when search mode is not `exact`."}'
search "excludeRoleId=r&excludeOrganizationId=o"
expect "search: both exclusions" 400 '{"code":"request.invalid_input","message":"Input is invalid. Parameter `excludeRoleId` and `excludeOrganizationId` cannot be used at the same time."}'
search "excludeRoleId=r&page_size=1"
check "search: one exclusion excludes nothing" "$(hdr Total-Number)" "$total"
search "search.username=pw&mode=exact&includePasswordHash=YES"
check "list: includePasswordHash" "$(printf '%s' "$BODY" | jq -c '[.[0].passwordAlgorithm, (.[0].passwordDigest | startswith("$argon2i$"))]')" '["Argon2i",true]'
search "search.username=alice&mode=exact&includePasswordHash=true"
check "list: includePasswordHash without a password" "$(printf '%s' "$BODY" | jq -c '[.[0].passwordDigest, .[0].passwordAlgorithm]')" '[null,null]'
search "search.username=alice&mode=exact"
check "list: no digest unless asked" "$(printf '%s' "$BODY" | jq -c '.[0] | has("passwordDigest")')" false

# --------------------------------------------------- methods and bodies
allow() {	# allow METHOD PATH ALLOW: 405 with that Allow list
	cgi "$1" "$2" ""
	check "$1 $2: 405 Allow $3" "$STATUS $(hdr Allow)" "405 $3"
}
allow PUT /api/users "GET, POST"
allow POST "/api/users/$A" "GET, PATCH, DELETE"
allow PUT "/api/users/$A/custom-data" "GET, PATCH"
allow GET "/api/users/$A/profile" "PATCH"
allow GET "/api/users/$A/password" "PATCH"
allow GET "/api/users/$A/password/expiration" "PATCH"
allow PATCH "/api/users/$A/has-password" "GET"
allow GET "/api/users/$A/is-suspended" "PATCH"
allow GET "/api/users/$A/identities/google" "PUT, DELETE"
allow DELETE "/api/users/$A/logto-configs" "GET, PATCH"
allow GET "/api/users/$A/password/verify" "POST"
cgi GET "/api/users/$A/nothing" ""
expect_status "an unknown sub-route is 404" 404

# GET and DELETE never read a body; auth comes before the body.
cgi GET "/api/users/$A" '{"not json' "Bearer $TOKEN" application/json
expect_status "GET ignores a body" 200
cgi PATCH "/api/users/$A" '{"not json' "Bearer x.y.z"
expect_status "a bad token with a bad body is 401" 401
cgi PATCH "/api/users/$A" '<x/>' "Bearer $TOKEN" application/xml
expect_status "PATCH: a body that is not JSON is 415" 415

# ------------------------------------------- the same through FastCGI
if ! command -v lighttpd >/dev/null || [ -n "${UCGI_WRAPPER:-}" ]; then
	tap_done
	exit
fi
cat >"$T/fcgi.conf" <<CONF
database = $DB
jwks_file = $T/jwks.json
issuer = $ISSUER
audience = $AUDIENCE
CONF
lighttpd_start "$T/fcgi.conf" 1
trap 'lighttpd_stop; test_cleanup' EXIT
# fc METHOD PATH BODY [CURL-ARGS...]: one request through lighttpd; sets
# STATUS, HEADERS and BODY as cgi() does.
fc() {
	local m=$1 path=$2 body=$3 out
	shift 3
	local -a args=(-s -i -X "$m" -H "Authorization: Bearer $TOKEN")
	[ -n "$body" ] && args+=(-H "Content-Type: application/json" --data-binary "$body")
	out=$(curl "${args[@]}" "$@" "http://127.0.0.1:$port$path")
	HEADERS=${out%%$'\r\n\r\n'*}
	BODY=${out#*$'\r\n\r\n'}
	[ "$BODY" = "$out" ] && BODY=""
	STATUS=$(printf '%s\n' "$HEADERS" | head -n 1 | cut -d' ' -f2)
}
fc GET "/api/users/$A" ""
check "FastCGI: GET user" "$STATUS $(field username)" '200 "alice"'
tag=$(hdr ETag)
fc GET "/api/users/$A" "" -H "If-None-Match: $tag"
check "FastCGI: If-None-Match gives 304" "$STATUS $BODY $(hdr ETag)" "304  $tag"
fc GET /api/users/nosuchuser00 ""
expect "FastCGI: unknown user" 404 "$NOT_FOUND"
fc GET "/api/users?page_size=20&page=2" ""
check "FastCGI: list page 2" "$STATUS $(hdr Total-Number)" "200 $total"
FB="http://127.0.0.1:$port/api/users"
check "FastCGI: Link from the request's origin and path" "$(hdr Link)" \
    "<$FB?page_size=20&page=1>; rel=\"first\", <$FB?page_size=20&page=1>; rel=\"prev\", <$FB?page_size=20&page=$last>; rel=\"last\", <$FB?page_size=20&page=3>; rel=\"next\""
fc GET "/api/users?search.primaryEmail=LIST9@example.com&mode=exact" ""
check "FastCGI: exact email search" "$(names)" list_9
fc PATCH "/api/users/$A" '{"name":"Alice F"}'
check "FastCGI: PATCH" "$STATUS $(field name)" '200 "Alice F"'
fc PATCH "/api/users/$A" '{}'
expect "FastCGI: PATCH {}" 422 "$EMPTY_PATCH"
fc PATCH "/api/users/$A/custom-data" '{"customData":{"f":1}}'
expect "FastCGI: custom-data merge" 200 '{"f":1}'
fc PUT "/api/users/$A/identities/fcgi" '{"userId":"f-1"}'
expect "FastCGI: identity PUT" 201 '{"fcgi":{"userId":"f-1"}}'
fc PUT "/api/users/$A/custom-data" '{}'
check "FastCGI: 405 Allow" "$STATUS $(hdr Allow)" "405 GET, PATCH"
mk '{"username":"fcgi_gone"}'
fc DELETE "/api/users/$ID" ""
check "FastCGI: DELETE 204, empty" "$STATUS [$BODY]" "204 []"
has_hdr Content-Type && not_ok "FastCGI: DELETE without Content-Type" ||
    ok "FastCGI: DELETE without Content-Type"
fc DELETE "/api/users/$ID" ""
expect "FastCGI: DELETE again" 404 "$NOT_FOUND"

# ------------------------------------------------- a value jsonb cannot hold
# SQLite stores a \u0000 in a JSON string; PostgreSQL's jsonb (Logto's
# column type) refuses it: a 400, and nothing is written, on create and
# on update alike.
UNSTORABLE='{"code":"request.invalid_input","message":"The database cannot store this value (PostgreSQL'"'"'s jsonb has no \\u0000 in a string)."}'
nul_rows() { dbq "select count(*) from users where username = 'nul_user'"; }
cgi POST /api/users '{"username":"nul_user","customData":{"k":"a\u0000b"}}'
if db_pg; then
	expect "\\u0000 in customData: 400 on PostgreSQL" 400 "$UNSTORABLE"
	check "\\u0000 in customData: no row" "$(nul_rows)" 0
	mk '{"username":"nul_user"}'
else
	check "\\u0000 in customData: stored on SQLite" "$STATUS $(field customData)" '200 {"k":"a\u0000b"}'
fi
NUL_ID=$(dbq "select id from users where username = 'nul_user'")
cgi PATCH "/api/users/$NUL_ID/custom-data" '{"customData":{"z":"\u0000"}}'
if db_pg; then
	expect "\\u0000 in a custom-data merge: 400 on PostgreSQL" 400 "$UNSTORABLE"
	cgi GET "/api/users/$NUL_ID/custom-data" ""
	expect "\\u0000 in a custom-data merge: nothing changed" 200 '{}'
else
	expect "\\u0000 in a custom-data merge: stored on SQLite" 200 '{"k":"a\u0000b","z":"\u0000"}'
fi
tap_done
