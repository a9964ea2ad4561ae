#!/bin/bash
# create.sh: POST /api/users through the real responder, as CGI: every
# numbered check of create-user.md §2 with its exact status and body, the
# body-transport rules of §1, and the shape of the 200 body (§5).
# Expected guard bodies were produced by Logto's schema under zod 3.24.3.
. "$(dirname "$0")/lib.sh"
setup

# norm: the 200 body with the random id and the clock replaced.
norm() {
	printf '%s' "$BODY" | sed -e 's/"id":"[0-9a-z]\{12\}"/"id":"ID"/' \
	    -e 's/"createdAt":[0-9]*,"updatedAt":[0-9]*/"createdAt":T,"updatedAt":T/'
}
# expect_user NAME BODY-WITHOUT-id-AND-TIMES: a 200 with that body.
expect_user() {
	local got
	got=$(norm)
	if [ "$STATUS" = 200 ] && [ "$got" = "$2" ]; then ok "$1"; else
		not_ok "$1"; printf '#   got:  %s %s\n#   want: 200 %s\n' "$STATUS" "$got" "$2"; fi
}
# user JSON fragments: user '"username":"x"' '"name":"n"' ... in key order.
empty_user() {
	printf '{"id":"ID","username":%s,"primaryEmail":%s,"primaryPhone":%s,"name":%s,"avatar":%s,"customData":%s,"identities":{},"lastSignInAt":null,"createdAt":T,"updatedAt":T,"profile":%s,"applicationId":null,"isSuspended":false,"hasPassword":%s,"ssoIdentities":[]}' \
	    "${U_USERNAME:-null}" "${U_EMAIL:-null}" "${U_PHONE:-null}" "${U_NAME:-null}" \
	    "${U_AVATAR:-null}" "${U_CUSTOM:-{\}}" "${U_PROFILE:-{\}}" "${U_HASPW:-false}"
}
guard1() {	# one-issue guard body: guard1 ISSUE DETAILS-LINE
	printf '{"code":"guard.invalid_input","data":{"issues":[%s],"name":"ZodError"},"details":"%s","message":"The request body is invalid."}' "$1" "$2"
}

WANT_ALL='{"code":"guard.invalid_input","data":{"issues":[{"validation":"regex",'
WANT_ALL+='"code":"invalid_string","message":"Invalid","path":["primaryPhone"]},{'
WANT_ALL+='"validation":"regex","code":"invalid_string","message":"Invalid","path'
WANT_ALL+='":["primaryEmail"]},{"code":"invalid_type","expected":"string","receiv'
WANT_ALL+='ed":"number","path":["username"],"message":"Expected string, received '
WANT_ALL+='number"},{"code":"too_small","minimum":1,"type":"string","inclusive":t'
WANT_ALL+='rue,"exact":false,"message":"String must contain at least 1 character('
WANT_ALL+='s)","path":["password"]},{"code":"too_big","maximum":256,"type":"strin'
WANT_ALL+='g","inclusive":true,"exact":false,"message":"String must contain at mo'
WANT_ALL+='st 256 character(s)","path":["passwordDigest"]},{"received":"md5","cod'
WANT_ALL+='e":"invalid_enum_value","options":["Argon2i","Argon2id","Argon2d","SHA'
WANT_ALL+='1","SHA256","MD5","Bcrypt","Legacy"],"path":["passwordAlgorithm"],"mes'
WANT_ALL+='sage":"Invalid enum value. Expected '\''Argon2i'\'' | '\''Argon2id'\'' | '\''Argon2d'\'''
WANT_ALL+=' | '\''SHA1'\'' | '\''SHA256'\'' | '\''MD5'\'' | '\''Bcrypt'\'' | '\''Legacy'\'', received '\''md5'\''"},{'
WANT_ALL+='"code":"invalid_type","expected":"string","received":"null","path":["n'
WANT_ALL+='ame"],"message":"Expected string, received null"},{"validation":"url",'
WANT_ALL+='"code":"invalid_string","message":"Invalid url","path":["avatar"]},{"c'
WANT_ALL+='ode":"invalid_type","expected":"object","received":"array","path":["cu'
WANT_ALL+='stomData"],"message":"Expected object, received array"},{"code":"inval'
WANT_ALL+='id_type","expected":"string","received":"number","path":["profile","gi'
WANT_ALL+='venName"],"message":"Expected string, received number"},{"code":"inval'
WANT_ALL+='id_type","expected":"string","received":"boolean","path":["profile","a'
WANT_ALL+='ddress","country"],"message":"Expected string, received boolean"}],"na'
WANT_ALL+='me":"ZodError"},"details":"Error in key path \"primaryPhone\": (invali'
WANT_ALL+='d_string) Invalid\nError in key path \"primaryEmail\": (invalid_string'
WANT_ALL+=') Invalid\nError in key path \"username\": (invalid_type) Expected str'
WANT_ALL+='ing but received number.\nError in key path \"password\": (too_small) '
WANT_ALL+='String must contain at least 1 character(s)\nError in key path \"passw'
WANT_ALL+='ordDigest\": (too_big) String must contain at most 256 character(s)\nE'
WANT_ALL+='rror in key path \"passwordAlgorithm\": (invalid_enum_value) Invalid e'
WANT_ALL+='num value. Expected '\''Argon2i'\'' | '\''Argon2id'\'' | '\''Argon2d'\'' | '\''SHA1'\'' | '\''SHA'
WANT_ALL+='256'\'' | '\''MD5'\'' | '\''Bcrypt'\'' | '\''Legacy'\'', received '\''md5'\''\nError in key path '
WANT_ALL+='\"name\": (invalid_type) Expected string but received null.\nError in '
WANT_ALL+='key path \"avatar\": (invalid_string) Invalid url\nError in key path \'
WANT_ALL+='"customData\": (invalid_type) Expected object but received array.\nErr'
WANT_ALL+='or in key path \"profile.givenName\": (invalid_type) Expected string b'
WANT_ALL+='ut received number.\nError in key path \"profile.address.country\": (i'
WANT_ALL+='nvalid_type) Expected string but received boolean.","message":"The req'
WANT_ALL+='uest body is invalid."}'
WANT_AVATAR='{"code":"guard.invalid_input","data":{"issues":[{"code":"invalid_union'
WANT_AVATAR+='","unionErrors":[{"issues":[{"code":"invalid_type","expected":"string"'
WANT_AVATAR+=',"received":"number","path":["avatar"],"message":"Expected string, rec'
WANT_AVATAR+='eived number"}],"name":"ZodError"},{"issues":[{"received":5,"code":"in'
WANT_AVATAR+='valid_literal","expected":"","path":["avatar"],"message":"Invalid lite'
WANT_AVATAR+='ral value, expected \"\""}],"name":"ZodError"}],"path":["avatar"],"mes'
WANT_AVATAR+='sage":"Invalid input"}],"name":"ZodError"},"details":"Error in key pat'
WANT_AVATAR+='h \"avatar\": (invalid_union) Invalid input","message":"The request bo'
WANT_AVATAR+='dy is invalid."}'
WANT_ENUM_TYPE='{"code":"guard.invalid_input","data":{"issues":[{"expected":"'\''Argon2i'\'''
WANT_ENUM_TYPE+=' | '\''Argon2id'\'' | '\''Argon2d'\'' | '\''SHA1'\'' | '\''SHA256'\'' | '\''MD5'\'' | '\''Bcrypt'\'' | '\''Le'
WANT_ENUM_TYPE+='gacy'\''","received":"boolean","code":"invalid_type","path":["passwordAlg'
WANT_ENUM_TYPE+='orithm"],"message":"Expected '\''Argon2i'\'' | '\''Argon2id'\'' | '\''Argon2d'\'' | '\''SHA'
WANT_ENUM_TYPE+='1'\'' | '\''SHA256'\'' | '\''MD5'\'' | '\''Bcrypt'\'' | '\''Legacy'\'', received boolean"}],"name'
WANT_ENUM_TYPE+='":"ZodError"},"details":"Error in key path \"passwordAlgorithm\": (inv'
WANT_ENUM_TYPE+='alid_type) Expected '\''Argon2i'\'' | '\''Argon2id'\'' | '\''Argon2d'\'' | '\''SHA1'\'' | '\''SHA'
WANT_ENUM_TYPE+='256'\'' | '\''MD5'\'' | '\''Bcrypt'\'' | '\''Legacy'\'' but received boolean.","message":"T'
WANT_ENUM_TYPE+='he request body is invalid."}'
WANT_EMAIL='{"code":"guard.invalid_input","data":{"issues":[{"validation":"regex",'
WANT_EMAIL+='"code":"invalid_string","message":"Invalid","path":["primaryEmail"]}],'
WANT_EMAIL+='"name":"ZodError"},"details":"Error in key path \"primaryEmail\": (inv'
WANT_EMAIL+='alid_string) Invalid","message":"The request body is invalid."}'
WANT_USERNAME_NL='{"code":"guard.invalid_input","data":{"issues":[{"validation":"regex",'
WANT_USERNAME_NL+='"code":"invalid_string","message":"Invalid","path":["username"]}],"nam'
WANT_USERNAME_NL+='e":"ZodError"},"details":"Error in key path \"username\": (invalid_str'
WANT_USERNAME_NL+='ing) Invalid","message":"The request body is invalid."}'

# ---- check 1: authentication comes before the body is even parsed
cgi POST /api/users '{' "Bearer not.a.token"
expect_status "bad token with a bad body is 401" 401
cgi POST /api/users '{' -
expect "no header with a bad body is 401" 401 '{"code":"auth.authorization_header_missing","message":"Authorization header is missing."}'

# ---- check 2 and §1 body transport
cgi POST /api/users '{"a":1,}'
expect "syntax error: message and position" 400 '{"message":"Expected double-quoted property name in JSON at position 7"}'
cgi POST /api/users '{"a":'
expect "truncated JSON" 400 '{"message":"Unexpected end of JSON input"}'
cgi POST /api/users "{'a':1}"
expect "single quotes refused" 400 '{"message":"Expected property name or '"'}'"' in JSON at position 1"}'
cgi POST /api/users '{"a":NaN}'
expect "NaN refused" 400 '{"message":"Unexpected token '"'N'"' in JSON at position 5"}'
cgi POST /api/users '{"a":01}'
expect "leading zero refused" 400 '{"message":"Unexpected number in JSON at position 6"}'
cgi POST /api/users '{"a":1}/**/'
expect "comment refused" 400 '{"message":"Unexpected non-whitespace character after JSON at position 7"}'
cgi POST /api/users $'{"name":"a\tb"}'
expect "raw control character refused" 400 '{"message":"Bad control character in string literal in JSON at position 10"}'
cgi POST /api/users '[]'
expect "[] is a guard error" 400 "$(guard1 '{"code":"invalid_type","expected":"object","received":"array","path":[],"message":"Expected object, received array"}' 'Error in key path \"\": (invalid_type) Expected object but received array.')"
cgi POST /api/users '[{"username":"a"}]'
expect_status "array of objects is a guard error" 400
for b in null '"x"' 1 true; do
	cgi POST /api/users "$b"
	expect "top level $b refused" 400 '{"message":"invalid JSON, only supports object and array"}'
done
# co-body's strict rule: the first byte after the BOM and white space
# must be "{" or "[", whatever follows (create-user.md §1).
for b in nope ' nope' $'\t\r\n nope' ' ' 'x{}' $'\xef\xbb\xbf nope' tru '"x"{' $'\xff{}'; do
	cgi POST /api/users "$b"
	expect "top level $(printf '%q' "$b") refused before parsing" 400 \
	    '{"message":"invalid JSON, only supports object and array"}'
done
cgi POST /api/users $'\xef\xbb\xbf'
expect_user "a body that is only a BOM is {}" "$(empty_user)"
cgi POST /api/users $' \n[{}]'
expect "white space, then an array: the guard error" 400 "$(guard1 '{"code":"invalid_type","expected":"object","received":"array","path":[],"message":"Expected object, received array"}' 'Error in key path \"\": (invalid_type) Expected object but received array.')"
cgi POST /api/users '[1,]'
expect "a top-level array is still checked for syntax" 400 '{"message":"Unexpected token '"']'"' in JSON at position 3"}'
cgi POST /api/users '[{"a":{"__proto__":1}}]'
expect "and for __proto__" 400 '{"message":"Object contains forbidden prototype property"}'

# Issue 12 #3: memory per request.  A top-level array is checked, never
# built; what is built costs at most 16 x max_body_bytes + 64 KiB
# (json_cost): 16448 KiB for the default 1 MiB.
fill() {	# fill HEAD UNIT TAIL: HEAD UNIT UNIT ... TAIL of at most 1 MiB, as a file
	python3 -c 'import sys; h,u,t=sys.argv[1:4]; n=(1048576-len(h)-len(t))//len(u); sys.stdout.write((h+u*n).rstrip(",")+t)' "$1" "$2" "$3" >"$T/fill"
}
OVER='{"code":"request.invalid_input","message":"The request body holds too many values: they would take more than 16448 KiB of memory."}'
fill '[' '{},' ']'
cgi POST /api/users "$(cat "$T/fill")"
expect "1 MiB of [{},{},...]: the guard error, nothing built" 400 "$(guard1 '{"code":"invalid_type","expected":"object","received":"array","path":[],"message":"Expected object, received array"}' 'Error in key path \"\": (invalid_type) Expected object but received array.')"
fill '[' '[],' ']'
cgi POST /api/users "$(cat "$T/fill")"
expect_status "1 MiB of [[],[],...]: the guard error" 400
fill '{"customData":{"a":[' '{},' ']}}'
cgi POST /api/users "$(cat "$T/fill")"
expect "1 MiB of customData [{},...] is over the budget" 400 "$OVER"
fill '{"customData":{"a":[' '1,' ']}}'
cgi POST /api/users "$(cat "$T/fill")"
expect "1 MiB of customData [1,1,...] is over the budget" 400 "$OVER"
fill '{"customData":{"a":[' '"aaaaaaaaaaaaaaaa",' ']}}'
cgi POST /api/users "$(cat "$T/fill")"
expect_status "1 MiB of customData strings of 16 characters is stored" 200
python3 -c 'print("&".join("customData[k%d][a][b][c][d]=x" % i for i in range(1000)), end="")' >"$T/fill"
CGI_EXTRA_ENV="USERCGI_MAX_BODY_BYTES=40000" cgi POST /api/users "$(cat "$T/fill")" "Bearer $TOKEN" application/x-www-form-urlencoded
expect "a form body has the same budget (max_body_bytes 40000: 689 KiB)" 400 \
    '{"code":"request.invalid_input","message":"The request body holds too many values: they would take more than 689 KiB of memory."}'
cgi POST /api/users "$(cat "$T/fill")" "Bearer $TOKEN" application/x-www-form-urlencoded
expect_status "the same form within the default budget" 200

# Issue 12 #9: a mistake within the body limit always gets its 400, its
# details cut at 64 KiB (at a code point, with U+2026) if need be.
jcheck() {	# jcheck NAME JS: JS (a boolean over b, the parsed body) holds
	if printf '%s' "$BODY" | $NODE -e 'const b = JSON.parse(require("fs").readFileSync(0, "utf8")); process.exit(('"$2"') ? 0 : 1)'; then
		ok "$1"; else not_ok "$1"; printf '#   %.300s\n' "$BODY"; fi
}
A33=$(head -c 33000 /dev/zero | tr '\0' A)
cgi POST /api/users "{\"passwordAlgorithm\":\"$A33\"}"
expect_status "33 KB passwordAlgorithm is 400, not 413" 400
jcheck "its body: the enum issue with the whole value, details whole" \
    'b.code === "guard.invalid_input" && b.data.issues.length === 1 && b.data.issues[0].received.length === 33000 && b.details === "Error in key path \"passwordAlgorithm\": (invalid_enum_value) " + b.data.issues[0].message && b.message === "The request body is invalid."'
python3 -c '
import json
alg = "\u00e9" * ((1048576 - 8000) // 2)	# 2 bytes each
avatar = [1e20] * 1000
body = {"primaryPhone": 1, "primaryEmail": "a@b", "username": "1", "password": "",
        "passwordDigest": 1, "passwordAlgorithm": alg, "name": 1, "avatar": avatar,
        "customData": [], "profile": {"givenName": 1, "address": 1}}
s = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
open("'"$T"'/fill", "w", encoding="utf-8").write(s)
'
cgi POST /api/users "$(cat "$T/fill")"
expect_status "a 1 MiB body full of invalid fields is 400" 400
jcheck "every issue in data, details cut at 64 KiB at a code point" \
    'b.code === "guard.invalid_input" && b.data.issues.length === 11 && b.data.issues[5].received.length === 520288 && Buffer.byteLength(b.details) <= 65536 && Buffer.byteLength(b.details) > 65000 && b.details.endsWith("\u00e9\u2026") && b.details.startsWith("Error in key path \"primaryPhone\": (invalid_type) Expected string but received number.\n")'

cgi POST /api/users '{"__proto__":{"isSuspended":true}}'
expect "__proto__ refused" 400 '{"message":"Object contains forbidden prototype property"}'
cgi POST /api/users '{"customData":{"a":[{"__proto__":1}]}}'
expect "nested __proto__ refused" 400 '{"message":"Object contains forbidden prototype property"}'
cgi POST /api/users '{"customData":{"a":"__proto__"}}'
expect_status "__proto__ as a value is fine" 200
# Logto scans what JSON.parse made, where the last duplicate key wins.
cgi POST /api/users '{"profile":{"__proto__":"G"},"profile":{"givenName":"G"}}'
case "$STATUS $BODY" in
'200 {'*'"profile":{"givenName":"G"}'*) ok "__proto__ in a member a duplicate replaced is fine" ;;
*) not_ok "__proto__ in a member a duplicate replaced is fine"; printf '#   got: %s %s\n' "$STATUS" "$BODY" ;;
esac
cgi POST /api/users '{"profile":{},"profile":{"__proto__":"G"}}'
expect "__proto__ in the duplicate that stays refused" 400 '{"message":"Object contains forbidden prototype property"}'

cgi POST /api/users '' "Bearer $TOKEN" ''
expect_user "empty body without Content-Type is {}" "$(empty_user)"
cgi POST /api/users '' "Bearer $TOKEN" 'text/plain'
expect_user "empty body, any Content-Type, is {}" "$(empty_user)"
out=$(env -i REQUEST_METHOD=POST SCRIPT_NAME=/cgi-bin/usercgi.fcgi PATH_INFO=/api/users \
    HTTP_AUTHORIZATION="Bearer $TOKEN" USERCGI_CONFIG="$T/usercgi.conf" \
    USERCGI_DATABASE="$DB" USERCGI_JWKS_FILE="$T/jwks.json" \
    USERCGI_ISSUER="$ISSUER" USERCGI_AUDIENCE="$AUDIENCE" \
    USERCGI_PHONE_MODULE="$PHONE_MODULE" "$UCGI" </dev/null 2>/dev/null)
case $out in "Status: 200 OK"*'"username":null,'*) ok "absent Content-Length is an empty body" ;;
	*) not_ok "absent Content-Length is an empty body"; echo "# $out" ;; esac

cgi POST /api/users '{"username":"ct1"}' "Bearer $TOKEN" ''
expect_status "non-empty body without Content-Type is 415" 415
case $HEADERS in *$'Content-Type: application/json; charset=utf-8\r'*) ok "415 body is JSON" ;;
	*) not_ok "415 body is JSON" ;; esac
case $BODY in '{"code":"guard.mime_type_not_allowed","message":"Unsupported media type: the body must be application/json."}') ok "415 body has a code and a message" ;; *) not_ok "415 body has a code and a message"; echo "# $BODY" ;; esac
cgi POST /api/users '{"username":"ct1"}' "Bearer $TOKEN" 'text/plain'
expect_status "text/plain body is 415" 415
cgi POST /api/users '{"username":"ct1"}' "Bearer $TOKEN" 'application/json; charset=utf-8'
expect_status "charset parameter accepted" 200
cgi POST /api/users '{"username":"ct2"}' "Bearer $TOKEN" 'Application/JSON;charset=ISO-8859-1'
expect_status "media type case-insensitive, always UTF-8" 200
cgi POST /api/users $'\xef\xbb\xbf{"username":"bom1"}'
expect_status "UTF-8 BOM skipped" 200
case $BODY in *'"username":"bom1"'*) ok "BOM body parsed" ;; *) not_ok "BOM body parsed" ;; esac
cgi POST /api/users $'{"name":"a\xffb"}'
expect "invalid UTF-8 is 400" 400 '{"message":"Invalid UTF-8 in JSON at position 10"}'
cgi POST /api/users $'{"name":"\xc0\xaf"}'
expect "overlong UTF-8 is 400" 400 '{"message":"Invalid UTF-8 in JSON at position 9"}'
cgi POST /api/users $'{"name":"\xed\xa0\x80"}'
expect "UTF-8 surrogate is 400" 400 '{"message":"Invalid UTF-8 in JSON at position 9"}'
big=$(head -c 1048564 /dev/zero | tr '\0' ' ')
cgi POST /api/users "{\"name\":\"x\"}$big"
expect_status "body of exactly 1 MiB accepted" 200
cgi POST /api/users "{\"name\":\"x\"} $big"
expect_status "body of 1 MiB + 1 is 413" 413
case $BODY in '{"code":"guard.file_size_exceeded","message":"Request body is too large."}') ok "413 body is JSON with a code" ;; *) not_ok "413 body is JSON with a code"; echo "# $BODY" ;; esac
unset big

# ---- check 3: field validation (zod issues, table order)
X257=$(head -c 257 /dev/zero | tr '\0' x)
cgi POST /api/users '{"username":1,"primaryEmail":"a@b","primaryPhone":"+1","password":"","passwordDigest":"'"$X257"'","passwordAlgorithm":"md5","name":null,"avatar":"a.com","customData":[],"profile":{"givenName":1,"address":{"country":false}}}'
expect "every field wrong: all issues in order" 400 "$WANT_ALL"
cgi POST /api/users '{"avatar":5}'
expect "avatar of a wrong type: union issue" 400 "$WANT_AVATAR"
cgi POST /api/users '{"passwordAlgorithm":true}'
expect "passwordAlgorithm boolean: enum type issue" 400 "$WANT_ENUM_TYPE"
cgi POST /api/users '{"primaryEmail":"a b@c.d"}'
expect "email regex" 400 "$WANT_EMAIL"
cgi POST /api/users '{"username":"abc\n"}'
expect "username: $ only at the very end" 400 "$WANT_USERNAME_NL"
cgi POST /api/users '{"passwordAlgorithm":"Crypt","passwordDigest":"$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/"}'
expect_status "Crypt accepted (usercgi extension)" 200
for e in 'a@@b.c' 'a@b..c' '\"a\"@b.c' 'Ä@ö.ü'; do
	cgi POST /api/users "{\"primaryEmail\":\"$e\"}"
	expect_status "email $e valid" 200
done
for e in 'a@b' '@b.c' 'a@.c' 'a@b.' 'a b@c.d' 'a@b.c ' 'a@b.c\u00a0' 'a\u3000@b.c'; do
	cgi POST /api/users "{\"primaryEmail\":\"$e\"}"
	expect "email $e invalid" 400 "$(guard1 '{"validation":"regex","code":"invalid_string","message":"Invalid","path":["primaryEmail"]}' 'Error in key path \"primaryEmail\": (invalid_string) Invalid')"
done
for a in 'http://a' 'foo:bar' 'mailto:a@b.c' 'urn:isbn:1' 'h:' 'file:///etc/passwd' 'data:,x' \
    'http://[::1]' 'https://ä.com' 'HTTP://A.COM' 'https://a.com:65535' ' https://a.com ' 'http:\\\\a.com'; do
	cgi POST /api/users "{\"avatar\":\"$a\"}"
	expect_status "avatar $a valid" 200
done
for a in 'http://' 'https:' 'a.com' '//a.com' 'http://a b.com' 'http://a%20b.com' \
    'http://256.256.256.256' 'https://a.com:99999' '1http://a.com' 'ht tp://a.com'; do
	cgi POST /api/users "{\"avatar\":\"$a\"}"
	expect "avatar $a invalid" 400 "$(guard1 '{"validation":"url","code":"invalid_string","message":"Invalid url","path":["avatar"]}' 'Error in key path \"avatar\": (invalid_string) Invalid url')"
done

# ---- check 4, check 5, and their order
cgi POST /api/users '{"password":"a","passwordDigest":"b","username":1}'
expect_status "check 3 before check 4" 400
case $BODY in '{"code":"guard.invalid_input"'*) ok "... guard wins" ;; *) not_ok "... guard wins" ;; esac
cgi POST /api/users '{"password":"a","passwordDigest":"b"}'
expect "password and digest" 400 '{"code":"user.password_and_digest","message":"You cannot set both plain text password and password digest."}'
cgi POST /api/users '{"passwordDigest":"b"}'
expect "digest without algorithm" 400 '{"code":"user.password_algorithm_required","message":"Password algorithm is required."}'
cgi POST /api/users '{"password":"a","passwordDigest":""}'
expect_status "empty digest is no digest" 200

# ---- checks 6-8: uniqueness (create, then repeat)
cgi POST /api/users '{"username":"Dup_1","primaryEmail":"Foo@Example.com","primaryPhone":"61412345678"}'
expect_status "first user" 200
cgi POST /api/users '{"passwordDigest":"b","username":"Dup_1"}'
expect_status "check 5 before check 6" 400
cgi POST /api/users '{"username":"Dup_1","primaryEmail":"Foo@Example.com","primaryPhone":"61412345678"}'
expect "username taken (check 6 first)" 422 '{"code":"user.username_already_in_use","message":"This username is already in use."}'
cgi POST /api/users '{"username":"dup_1"}'
expect_status "username is case-sensitive" 200
cgi POST /api/users '{"primaryEmail":"foo@example.COM","primaryPhone":"61412345678"}'
expect "email taken, case-insensitive (check 7 before 8)" 422 '{"code":"user.email_already_in_use","message":"This email is associated with an existing account."}'
cgi POST /api/users '{"primaryEmail":"Ä@Example.de"}'
expect_status "Unicode email" 200
cgi POST /api/users '{"primaryEmail":"ä@example.DE"}'
expect "Unicode email lowercased for uniqueness" 422 '{"code":"user.email_already_in_use","message":"This email is associated with an existing account."}'
cgi POST /api/users '{"primaryPhone":"61412345678"}'
expect "phone taken" 422 '{"code":"user.phone_already_in_use","message":"This phone number is associated with an existing account."}'
cgi POST /api/users '{"primaryPhone":"61412345678","passwordAlgorithm":"Legacy"}'
expect_status "check 8 before check 9" 422

# ---- check 9: Legacy without a digest
cgi POST /api/users '{"password":"x","passwordAlgorithm":"Legacy"}'
expect_status "Legacy without digest is 400" 400
case $BODY in '{"code":"password.unsupported_encryption_method","message":"The encryption method '*' is not supported."}')
	ok "... unsupported_encryption_method" ;; *) not_ok "... unsupported_encryption_method"; echo "# $BODY" ;; esac
cgi POST /api/users '{"primaryPhone":"12","passwordAlgorithm":"Legacy"}'
expect_status "check 9 before check 10" 400

# ---- check 10: phone that is no number (libphonenumber builds; the
# --without-libphonenumber build keeps digits verbatim: phone_form.sh)
N129=$(head -c 129 /dev/zero | tr '\0' n)
if grep -q '^#define HAVE_LIBPHONENUMBER 1' "$top_builddir/config.h"; then
	cgi POST /api/users '{"primaryPhone":"12"}'
	expect "unparseable phone" 422 '{"code":"user.invalid_phone","data":{"name":"ParseError"},"message":"Invalid phone number."}'
	cgi POST /api/users '{"primaryPhone":"12","name":"'"$N129"'"}'
	expect_status "check 10 before check 11" 422
	case $BODY in '{"code":"user.invalid_phone"'*) ok "... invalid_phone wins" ;; *) not_ok "... invalid_phone wins" ;; esac
	FULL_PHONE=61412345679
else
	FULL_PHONE=610412345679
fi

# ---- check 11: column limits in code points
TOO128='{"code":"entity.value_too_long","data":{"message":"value too long for type character varying(128)"},"message":"The length of value is too long and exceeds the limit."}'
cgi POST /api/users '{"name":"'"$N129"'"}'
expect "name of 129 characters" 422 "$TOO128"
U129="u$(head -c 128 /dev/zero | tr '\0' 1)"
cgi POST /api/users '{"username":"'"$U129"'"}'
expect "username of 129 characters" 422 "$TOO128"
cgi POST /api/users '{"username":"'"${U129%1}"'"}'
expect_status "username of 128 characters" 200
cgi POST /api/users '{"primaryEmail":"'"${N129%????}"'@b.c"}'
expect "email of 129 characters" 422 "$TOO128"
A2049="http://a/$(head -c 2040 /dev/zero | tr '\0' p)"
cgi POST /api/users '{"avatar":"'"$A2049"'"}'
expect "avatar of 2049 characters" 422 '{"code":"entity.value_too_long","data":{"message":"value too long for type character varying(2048)"},"message":"The length of value is too long and exceeds the limit."}'
cgi POST /api/users '{"avatar":"'"${A2049%p}"'"}'
expect_status "avatar of 2048 characters" 200
E128=$(for i in $(seq 128); do printf '\360\237\230\200'; done)
cgi POST /api/users '{"name":"'"$E128"'"}'
U_NAME="\"$E128\"" expect_user "128 emoji name (256 UTF-16 units) stored" "$(U_NAME="\"$E128\"" empty_user)"
cgi POST /api/users '{"name":"'"${E128}x"'"}'
expect "129 code points name refused" 422 "$TOO128"

# ---- §5: the 200 body
cgi POST /api/users '{"username":"Full_1","primaryEmail":"Full@Example.com","primaryPhone":"610412345679","name":"N","avatar":"https://a.b/c.png","customData":{"a":[1,{"b":null}]},"profile":{"givenName":"G"},"password":"password"}'
expect_user "full user" '{"id":"ID","username":"Full_1","primaryEmail":"Full@Example.com","primaryPhone":"'"$FULL_PHONE"'","name":"N","avatar":"https://a.b/c.png","customData":{"a":[1,{"b":null}]},"identities":{},"lastSignInAt":null,"createdAt":T,"updatedAt":T,"profile":{"givenName":"G"},"applicationId":null,"isSuspended":false,"hasPassword":true,"ssoIdentities":[]}'
case $BODY in '{"id":"'[0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z]'",'*)
	ok "id is 12 of [0-9a-z]" ;; *) not_ok "id is 12 of [0-9a-z]" ;; esac
c=$(printf '%s' "$BODY" | sed -n 's/.*"createdAt":\([0-9]*\),"updatedAt":\([0-9]*\),.*/\1 \2/p')
now=$(date +%s)
set -- $c
if [ "${1:-x}" = "${2:-y}" ] && [ $(( $1 / 1000 - now )) -le 5 ] && [ $(( now - $1 / 1000 )) -le 60 ]; then
	ok "createdAt = updatedAt = now in ms"; else not_ok "createdAt = updatedAt = now in ms"; echo "# $c"; fi
case $BODY in *password*'"hasPassword"'*|*argon2*) not_ok "no password in the body" ;; *) ok "no password in the body" ;; esac
cgi POST /api/users '{"passwordDigest":"5f4dcc3b5aa765d61d8327deb882cf99","passwordAlgorithm":"MD5"}'
U_HASPW=true expect_user "digest stored: hasPassword" "$(U_HASPW=true empty_user)"
cgi POST /api/users '{"name":"","avatar":""}'
expect_user '"" name and avatar are null' "$(empty_user)"
cgi POST /api/users '{"avatar":null}'
expect_user "null avatar" "$(empty_user)"
cgi POST /api/users '{"avatar":" https://a.com "}'
expect_user "avatar stored verbatim" "$(U_AVATAR='" https://a.com "' empty_user)"
cgi POST /api/users '{"customData":{"n":[1.0,1e21,0.1,1E-7,12345678901234567890,-0,1e400],"s":"a/b\u00e4\u2028","2":0,"1":0,"o":{}}}'
expect_user "customData printed as JavaScript does" "$(U_CUSTOM='{"1":0,"2":0,"n":[1,1e+21,0.1,1e-7,12345678901234567000,0,null],"s":"a/bä'$'\xe2\x80\xa8''","o":{}}' empty_user)"
cgi POST /api/users '{"profile":{"x":1,"locale":"de","familyName":"F","address":{"country":"DE","x":2,"formatted":"f"}}}'
expect_user "profile filtered, schema order" "$(U_PROFILE='{"familyName":"F","locale":"de","address":{"formatted":"f","country":"DE"}}' empty_user)"
cgi POST /api/users '{"username":"dk_1","unknown":{"a":1},"username":"dk_2"}'
expect_user "duplicate key: last wins; unknown keys dropped" "$(U_USERNAME='"dk_2"' empty_user)"
case $HEADERS in *$'Content-Type: application/json; charset=utf-8\r'*) ok "200 is JSON" ;; *) not_ok "200 is JSON" ;; esac
tap_done
