#!/bin/bash
# verify.sh: GET /api/users/{id} and POST /api/users/{id}/password/verify
# (issue 4).  Round trips for every supported digest: create with the
# digest, a wrong password is 422 and changes nothing, the right one is
# 204 and upgrades the stored hash to argon2i, after which the old password
# still verifies.  Then the routes' errors.
. "$(dirname "$0")/lib.sh"
setup

BADCRED='{"code":"session.invalid_credentials","message":"Incorrect account or password. Please check your input."}'
# The configured parameters: the defaults, or what CGI_EXTRA_ENV sets (the
# valgrind pass lowers them).
m=8192 t=8
for kv in ${CGI_EXTRA_ENV:-}; do
	case $kv in
	USERCGI_ARGON2_M=*) m=${kv#*=} ;;
	USERCGI_ARGON2_T=*) t=${kv#*=} ;;
	esac
done
ARGON2I_PREFIX="\$argon2i\$v=19\$m=$m,t=$t,p=1\$"

# field NAME: the string value of a top-level key of $BODY ("" if none).
field() { printf '%s' "$BODY" | sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }
# number NAME: the numeric value of a top-level key of $BODY.
number() { printf '%s' "$BODY" | sed -n "s/.*\"$1\":\\([0-9]*\\).*/\\1/p"; }

# check NAME COND...: ok when the command succeeds.
check() { local n=$1; shift; if "$@"; then ok "$n"; else not_ok "$n"; echo "#   body: $BODY"; fi; }

# create NAME JSON: creates a user; sets ID.
create() {
	cgi POST /api/users "$2"
	ID=$(field id)
	if [ "$STATUS" = 200 ] && [ -n "$ID" ]; then ok "$1: created"; else
		not_ok "$1: created"; echo "#   got: $STATUS $BODY"; fi
}

# get: GET ?includePasswordHash=true of $ID.
get() { cgi GET "/api/users/$ID" "" "Bearer $TOKEN" "" "includePasswordHash=true"; }

# verify PASSWORD: POST password/verify for $ID (password JSON-escaped by the caller).
verify() { cgi POST "/api/users/$ID/password/verify" "{\"password\":\"$1\"}"; }

# roundtrip NAME ALG DIGEST_JSON PASSWORD_JSON [STORED]: the whole cycle.
# DIGEST_JSON is the digest as a JSON string body (escaped); STORED the
# digest GET must show before the upgrade (default: unchecked).
roundtrip() {
	local name=$1 alg=$2 digest=$3 pw=$4 stored=${5:-} created updated
	create "$name" "{\"username\":\"u$RANDOM$RANDOM\",\"passwordDigest\":\"$digest\",\"passwordAlgorithm\":\"$alg\"}"
	verify "x$pw"
	expect "$name: wrong password is 422" 422 "$BADCRED"
	get
	check "$name: a failed verify changes nothing" [ "$(field passwordAlgorithm)" = "$alg" ]
	[ -n "$stored" ] && check "$name: stored digest" [ "$(field passwordDigest)" = "$stored" ]
	created=$(number createdAt)
	verify "$pw"
	expect "$name: right password is 204" 204 ""
	get
	check "$name: upgraded to Argon2i" [ "$(field passwordAlgorithm)" = Argon2i ]
	case $(field passwordDigest) in "$ARGON2I_PREFIX"*) ok "$name: argon2i digest with the configured parameters" ;;
		*) not_ok "$name: argon2i digest with the configured parameters"; echo "#   body: $BODY" ;; esac
	updated=$(number updatedAt)
	check "$name: updatedAt moved" [ "${updated:-0}" -gt "${created:-0}" ]
	verify "$pw"
	expect "$name: old password still verifies after the upgrade" 204 ""
	verify "x$pw"
	expect "$name: wrong password still fails after the upgrade" 422 "$BADCRED"
}

# The vectors of create-user.md §4, each for the password "password".
roundtrip MD5 MD5 5f4dcc3b5aa765d61d8327deb882cf99 password \
    5f4dcc3b5aa765d61d8327deb882cf99
roundtrip "MD5 uppercase" MD5 5F4DCC3B5AA765D61D8327DEB882CF99 password \
    5f4dcc3b5aa765d61d8327deb882cf99
roundtrip SHA1 SHA1 5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8 password
roundtrip SHA256 SHA256 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 password
roundtrip Bcrypt Bcrypt '$2a$12$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.6' password
roundtrip Argon2d Argon2d '$argon2d$v=19$m=16,t=2,p=1$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g' password
roundtrip "Argon2d t,p,m order" Argon2d '$argon2d$v=19$t=2,p=1,m=16$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g' password
roundtrip "Legacy sha512" Legacy '[\"sha512\",[\"@\"],\"b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86\"]' password
# Logto's Legacy test vectors.
roundtrip "Legacy sha256 salt" Legacy '[\"sha256\",[\"salt123\",\"@\"],\"c465f66c6ac481a7a17e9ed5b4e2e7e7288d892f12bf1c95c140901e9a70436e\"]' password123
roundtrip "Legacy pbkdf2" Legacy '[\"pbkdf2\",[\"hex:80ff00414243\",\"1000\",\"32\",\"sha256\",\"@\"],\"75d87d232694f0918d8e1ae49bce5f0a665e862da3e23e8b3eddf368db16d2cf\"]' 'Password123!'
roundtrip "Legacy firebase-scrypt" Legacy '[\"firebase-scrypt\",[\"42xEC+ixf3L2lw==\",\"jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==\",\"Bw==\",\"8\",\"14\",\"@\"],\"lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==\"]' user1password
# usercgi's Crypt extension: libxcrypt formats.
roundtrip "Crypt yescrypt" Crypt '$y$j9T$g0EqwZHZKrGumtlon7tKV1$oIL3hAvennTwrIbWPKNbNRsUcPWHriJVjf3LkDj.iO3' password
roundtrip "Crypt scrypt" Crypt '$7$CU..../....kuAhqYTxOiS8nWBMs3Ru5/$47h10WZgvwDoW91W1GvW.EBNHWiT/47B5dCNeozVSo/' password
roundtrip "Crypt sha512crypt" Crypt '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1' 'Hello world!'
roundtrip "Crypt md5crypt" Crypt '$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/' password
roundtrip "Crypt sha1crypt" Crypt '$sha1$231677$jRt.JpapOJwBD4XDjubs$.xCnygSnjfa0zw5c29lw4n7CAjSX' password

# Argon2i with the configured parameters: verifies, is not rewritten.
create "Argon2i" '{"username":"argon2iuser","passwordDigest":"$argon2i$v=19$m=8192,t=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$Obzo91DDF+gIRWJsw2+t6GrYfC/W0Km1w2M2IYxXiAE","passwordAlgorithm":"Argon2i"}'
verify password
expect "Argon2i: right password is 204" 204 ""
get
check "Argon2i: not rehashed" [ "$(field passwordDigest)" = '$argon2i$v=19$m=8192,t=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$Obzo91DDF+gIRWJsw2+t6GrYfC/W0Km1w2M2IYxXiAE' ]
check "Argon2i: updatedAt unchanged" [ "$(number updatedAt)" = "$(number createdAt)" ]
verify Password
expect "Argon2i: wrong password is 422" 422 "$BADCRED"

# A user created with a plain password verifies it.
create "plain password" '{"username":"plainuser","password":"s3cret \u00e4"}'
verify 's3cret \u00e4'
expect "plain password: right password is 204" 204 ""
verify 's3cret a'
expect "plain password: wrong password is 422" 422 "$BADCRED"

# Bcrypt: a password over 72 bytes is a clean 422, never a 500.
create "bcrypt 72" '{"username":"bcrypt72","passwordDigest":"$2b$04$abcdefghijklmnopqrstuuBzzIgyKkz7xMWYSzkIjUSnxEQFQ0WNe","passwordAlgorithm":"Bcrypt"}'
A72=$(printf 'a%.0s' $(seq 72))
verify "${A72}a"
expect "Bcrypt: 73-byte password is 422" 422 "$BADCRED"
verify "$A72"
expect "Bcrypt: 72-byte password is 204" 204 ""

# A user without a password: 422, as a wrong password.
create "no password" '{"username":"nopass"}'
verify password
expect "no password: 422" 422 "$BADCRED"
get
check "no password: passwordDigest null" eval 'case $BODY in *"\"passwordDigest\":null,\"passwordAlgorithm\":null}") true ;; *) false ;; esac'
create "empty digest" '{"username":"emptydigest","passwordDigest":"","passwordAlgorithm":"MD5"}'
verify password
expect "empty digest is no password: 422" 422 "$BADCRED"
cgi GET "/api/users/$ID" ""
check "GET without includePasswordHash has no digest" eval 'case $BODY in *passwordDigest*|*passwordAlgorithm*) false ;; *"\"id\":\"$ID\""*) true ;; *) false ;; esac'
expect_status "GET is 200" 200

# Errors of the routes.
create "errors" '{"username":"erroruser","password":"password"}'
cgi POST /api/users/nosuchuser00/password/verify '{"password":"password"}'
expect "verify unknown user is 404" 404 '{"code":"entity.not_found","message":"The resource does not exist."}'
cgi GET /api/users/nosuchuser00 ""
expect "GET unknown user is 404" 404 '{"code":"entity.not_found","message":"The resource does not exist."}'
cgi POST "/api/users/$ID/password/verify" '{"password":""}'
expect "empty password is a 400 guard error" 400 '{"code":"guard.invalid_input","data":{"issues":[{"code":"too_small","minimum":1,"type":"string","inclusive":true,"exact":false,"message":"String must contain at least 1 character(s)","path":["password"]}],"name":"ZodError"},"details":"Error in key path \"password\": (too_small) String must contain at least 1 character(s)","message":"The request body is invalid."}'
MISSING='{"code":"guard.invalid_input","data":{"issues":[{"code":"invalid_type","expected":"string","received":"undefined","path":["password"],"message":"Required"}],"name":"ZodError"},"details":"Error in key path \"password\": (invalid_type) Expected string but received undefined.","message":"The request body is invalid."}'
cgi POST "/api/users/$ID/password/verify" '{}'
expect "missing password is a 400 guard error" 400 "$MISSING"
cgi POST "/api/users/$ID/password/verify" ''
expect "empty body is a missing password" 400 "$MISSING"
cgi POST "/api/users/$ID/password/verify" '{"password":1}'
expect_status "non-string password is 400" 400
cgi POST "/api/users/$ID/password/verify" '{"password":"password"}' -
expect_status "verify without a token is 401" 401
cgi GET "/api/users/$ID" "" -
expect_status "GET without a token is 401" 401
cgi GET "/api/users/$ID/password/verify" ""
expect_status "GET password/verify is 405" 405
cgi POST "/api/users/$ID/password/verify" '{"password":"password"}'
expect "errors: the user still verifies" 204 ""

# Import refusals (stricter than Logto): a digest that could never verify.
cgi POST /api/users '{"passwordDigest":"*0","passwordAlgorithm":"Crypt"}'
expect "Crypt failure token refused" 400 '{"code":"password.invalid_digest","message":"The password digest is not valid for Crypt: a crypt failure token is not a hash."}'
cgi POST /api/users '{"passwordDigest":"$1$abc$","passwordAlgorithm":"Crypt"}'
expect "Crypt setting without hash refused" 400 '{"code":"password.invalid_digest","message":"The password digest is not valid for Crypt: not a complete crypt(3) hash in canonical form."}'
cgi POST /api/users '{"passwordDigest":"5f4dcc3b5aa765d61d8327deb882cf9","passwordAlgorithm":"MD5"}'
expect "short MD5 refused" 400 '{"code":"password.invalid_digest","message":"The password digest is not valid for MD5: expected 32 hexadecimal characters."}'
cgi POST /api/users '{"passwordDigest":"$argon2d$v=19$m=16,t=2$VW1JcEJrMjN1Vnp3Tm5JUA$Ddl/I6Zem7vbZ4r5jPCb/g","passwordAlgorithm":"Argon2d"}'
expect "malformed PHC refused" 400 '{"code":"password.invalid_digest","message":"The password digest is not valid for Argon2d: malformed m, t, p parameters."}'
cgi POST /api/users '{"passwordDigest":"$2a$12$WQMqTfbtcZFBC1C1u8wpie6lXOSciUr5kk/8yEydoIMKltb9UKJ.","passwordAlgorithm":"Bcrypt"}'
expect "short bcrypt refused" 400 '{"code":"password.invalid_digest","message":"The password digest is not valid for Bcrypt: a bcrypt hash has 60 characters."}'

# Cost ceilings (issue 12): the hostile digests are refused at import with
# the limit named, each at once (nothing is hashed), and nothing is stored.
INVALID='{"code":"password.invalid_digest","message":"The password digest is not valid for'
A86=$(printf 'a%.0s' $(seq 86))
A43=$(printf 'a%.0s' $(seq 43))
A28=$(printf 'a%.0s' $(seq 28))
# Refused "at once": 2 s here, 30 s under a wrapper (valgrind runs the
# refusal itself some 20 times slower; any of these hashes, far longer).
bound=2000
[ -n "${UCGI_WRAPPER:-}" ] && bound=30000
hostile() {
	local name=$1 alg=$2 digest=$3 why=$4 t0 ms
	t0=$(date +%s%N)
	cgi POST /api/users "{\"username\":\"hostile\",\"passwordDigest\":\"$digest\",\"passwordAlgorithm\":\"$alg\"}"
	ms=$((($(date +%s%N) - t0) / 1000000))
	expect "$name refused at import" 400 "$INVALID $alg: $why.\"}"
	check "$name: refused at once (nothing hashed; took $ms ms)" [ "$ms" -lt "$bound" ]
}
hostile "Crypt \$6\$rounds=999999999" Crypt "\$6\$rounds=999999999\$saltsalt\$$A86" \
    "rounds=999999999 is above usercgi's ceiling of rounds=974658 (digest_max_ms = 1000)"
hostile "Crypt \$7\$ p=2^24" Crypt "\$7\$CU......../saltsalt\$$A43" \
    "N=16384, r=32, p=16777216 is above usercgi's ceiling of 256 MiB (digest_max_mib = 256)"
hostile "Crypt \$y\$ N=2^22" Crypt "\$y\$jJT\$saltsaltsaltsalt\$$A43" \
    "N=4194304, r=32, p=1 is above usercgi's ceiling of 256 MiB (digest_max_mib = 256)"
hostile "Crypt \$sha1\$ 4294967295" Crypt "\$sha1\$4294967295\$saltsalt\$$A28" \
    "iterations 4294967295 is above usercgi's ceiling of iterations 495049 (digest_max_ms = 1000)"
hostile "Bcrypt cost 31" Bcrypt '$2b$31$abcdefghijklmnopqrstuug0OUKUqE.qhcPP5WFBspJsURh9Qomw.' \
    "cost 31 is above usercgi's ceiling of cost 13 (digest_max_ms = 1000)"
hostile "Argon2id m=1048576,t=64,p=64" Argon2id '$argon2id$v=19$m=1048576,t=64,p=64$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g' \
    "p=64 is above usercgi's ceiling of p=16"
hostile "Argon2id m=1048576,t=2,p=1" Argon2id '$argon2id$v=19$m=1048576,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g' \
    "m=1048576 is above usercgi's ceiling of m=262144 (digest_max_mib = 256)"
hostile "Legacy pbkdf2 100000 x 1024 bytes" Legacy '[\"pbkdf2\",[\"saltsalt\",\"100000\",\"1024\",\"sha256\",\"@\"],\"x\"]' \
    "iterations*blocks=100000*32 is above usercgi's ceiling of 1333333 for SHA256 (digest_max_ms = 1000)"
cgi GET /api/users ""
check "no hostile user was stored" [ "$(dbq "select count(*) from users where username = 'hostile'")" = 0 ]
# The ceiling is configurable: 50 ms admits bcrypt cost 9 only.
CGI_EXTRA_ENV="${CGI_EXTRA_ENV:-} USERCGI_DIGEST_MAX_MS=50" \
    cgi POST /api/users '{"passwordDigest":"$2b$10$abcdefghijklmnopqrstuug0OUKUqE.qhcPP5WFBspJsURh9Qomw.","passwordAlgorithm":"Bcrypt"}'
expect "digest_max_ms=50 refuses bcrypt 10" 400 "$INVALID Bcrypt: cost 10 is above usercgi's ceiling of cost 9 (digest_max_ms = 50).\"}"

# A digest already stored above the ceiling (written into the database
# directly, as an import before the ceilings was) is never run: 422 at
# once, a warning naming the user and the ceiling, the row unchanged.
create "stored above the ceiling" '{"username":"storedhostile","password":"password"}'
dbq "update users set password_encrypted = '\$6\$rounds=999999999\$saltsalt\$$A86', password_encryption_method = 'Crypt' where id = '$ID'"
t0=$(date +%s%N)
verify password
ms=$((($(date +%s%N) - t0) / 1000000))
expect "stored \$6\$rounds=999999999: 422" 422 "$BADCRED"
check "stored \$6\$rounds=999999999: answered at once (took $ms ms)" [ "$ms" -lt "$bound" ]
check "stored \$6\$rounds=999999999: the warning names the user and the ceiling" \
    grep -q "user $ID: the stored Crypt digest is above the cost ceilings" "$T/stderr"
check "stored \$6\$rounds=999999999: the reason is logged" \
    grep -q "digest above the cost ceilings is not run: rounds=999999999 is above usercgi's ceiling of rounds=" "$T/stderr"
check "stored \$6\$rounds=999999999: the row is unchanged" \
    [ "$(dbq "select password_encryption_method from users where id = '$ID'")" = Crypt ]
dbq "update users set password_encrypted = '\$2b\$10\$abcdefghijklmnopqrstuug0OUKUqE.qhcPP5WFBspJsURh9Qomw.', password_encryption_method = 'Bcrypt' where id = '$ID'"
CGI_EXTRA_ENV="${CGI_EXTRA_ENV:-} USERCGI_DIGEST_MAX_MS=50" verify password
expect "a ceiling lowered later: a stored bcrypt 10 is not run, 422" 422 "$BADCRED"
check "a ceiling lowered later: the warning" grep -q "user $ID: the stored Bcrypt digest is above the cost ceilings" "$T/stderr"

tap_done
