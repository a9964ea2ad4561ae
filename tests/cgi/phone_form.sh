#!/bin/bash
# phone_form.sh: phone numbers stored as Logto stores them (spec §3) and
# application/x-www-form-urlencoded bodies, through the real responder.
. "$(dirname "$0")/lib.sh"
setup

FORM=application/x-www-form-urlencoded
INVALID='{"code":"user.invalid_phone","data":{"name":"ParseError"},"message":"Invalid phone number."}'
TAKEN='{"code":"user.phone_already_in_use","message":"This phone number is associated with an existing account."}'

# field NAME: the string value of a top-level member of the last BODY.
field() { printf '%s' "$BODY" | sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }

# expect_field NAME FIELD WANT: status 200 and BODY's FIELD is WANT.
expect_field() {
	local got
	got=$(field "$2")
	if [ "$STATUS" = 200 ] && [ "$got" = "$3" ]; then ok "$1"; else
		not_ok "$1"; printf '#   got:  %s %s\n#   want: 200 %s=%s\n' \
		    "$STATUS" "$BODY" "$2" "$3"; fi
}

# expect_part NAME TEXT: status 200 and BODY contains TEXT.
expect_part() {
	case $BODY in *"$2"*) [ "$STATUS" = 200 ] && { ok "$1"; return; } ;; esac
	not_ok "$1"; printf '#   got:  %s %s\n#   want: 200 ...%s...\n' \
	    "$STATUS" "$BODY" "$2"
}

if grep -q '^#define HAVE_LIBPHONENUMBER 1' "$top_builddir/config.h"; then
	# spec §3: each vector is stored normalised
	while read -r in want; do
		cgi POST /api/users "{\"primaryPhone\":\"$in\"}"
		expect_field "phone $in is stored as $want" primaryPhone "$want"
	done <<-'EOF'
	610412345678 61412345678
	4407911123456 447911123456
	86013800138000 8613800138000
	49015112345678 4915112345678
	330612345678 33612345678
	13102051234 13102051234
	3903331234567 3903331234567
	8100312345678 8100312345678
	123 123
	111111 111111
	EOF

	# cc+0+nsn and cc+nsn are one number, whichever came first
	for in in 61412345678 610412345678 447911123456 8613800138000; do
		cgi POST /api/users "{\"primaryPhone\":\"$in\"}"
		expect "phone $in is taken by its other form" 422 "$TAKEN"
	done
	# where the country keeps its 0 (US, Italy), the uniqueness key still
	# makes cc+0+nsn and cc+nsn one number
	cgi POST /api/users '{"primaryPhone":"103102051234"}'
	expect "103102051234 is taken by 13102051234" 422 "$TAKEN"
	cgi POST /api/users '{"primaryPhone":"393331234567"}'
	expect "393331234567 is taken by 3903331234567" 422 "$TAKEN"
	cgi POST /api/users '{"primaryPhone":"447700900123"}'
	expect_field "447700900123 created" primaryPhone 447700900123
	cgi POST /api/users '{"primaryPhone":"4407700900123"}'
	expect "4407700900123 is taken by 447700900123" 422 "$TAKEN"

	# not parseable: too short, invalid country code, too long
	for in in 1 12 0000000 999 1234567890123456789 44123456789012345678; do
		cgi POST /api/users "{\"primaryPhone\":\"$in\"}"
		expect "phone $in is not parseable" 422 "$INVALID"
	done

	# the order of spec §2: uniqueness (6-8) before the phone (10),
	# the phone before the column limits (11)
	cgi POST /api/users '{"username":"phone_owner","primaryPhone":"61298765432"}'
	expect_field "user with a phone" primaryPhone 61298765432
	cgi POST /api/users '{"username":"phone_owner","primaryPhone":"12"}'
	expect "taken username before invalid phone" 422 \
	    '{"code":"user.username_already_in_use","message":"This username is already in use."}'
	long=$(printf 'n%.0s' $(seq 129))
	cgi POST /api/users "{\"primaryPhone\":\"999\",\"name\":\"$long\"}"
	expect "invalid phone before value too long" 422 "$INVALID"

	# a phone module that cannot be loaded (missing, or not a module):
	# a create with a phone is a 500, logged once with the reason; one
	# without a phone is not affected
	ERR500='{"message":"Internal server error."}'
	base_env=${CGI_EXTRA_ENV:-}
	i=0
	for mod in "$T/missing.so" /etc/hostname; do
		i=$((i + 1))
		CGI_EXTRA_ENV="$base_env USERCGI_PHONE_MODULE=$mod"
		cgi POST /api/users '{"primaryPhone":"61298765400"}'
		expect "module $mod: a phone is a 500" 500 "$ERR500"
		n=$(grep -c "phone: cannot load the libphonenumber module: $mod" "$T/stderr")
		[ "$n" = 1 ] && ok "module $mod: logged once with the path" ||
			{ not_ok "module $mod: logged once with the path"; sed 's/^/#   /' "$T/stderr"; }
		cgi POST /api/users '{"primaryPhone":"61298765401","password":"pw-12345"}'
		expect "module $mod: a phone with a password is a 500" 500 "$ERR500"
		cgi POST /api/users "{\"username\":\"nophone_$i\"}"
		expect_field "module $mod: no phone, created" username "nophone_$i"
		cgi POST /api/users "username=formnophone_$i" "" "$FORM"
		expect_status "module $mod: form without a phone, created" 200
	done
	CGI_EXTRA_ENV=$base_env
else
	# --without-libphonenumber: digits are kept as given
	for in in 610412345678 61412345678 1 999; do
		cgi POST /api/users "{\"primaryPhone\":\"$in\"}"
		expect_field "verbatim build keeps $in" primaryPhone "$in"
	done
	cgi POST /api/users '{"primaryPhone":"610412345678"}'
	expect "verbatim build: same digits are taken" 422 "$TAKEN"
fi

# Form bodies: what `curl -d` sends.
cgi POST /api/users 'username=alice&password=p%40ss+word' "" "$FORM"
expect_field "form body creates a user" username alice
expect_part "form password is stored" '"hasPassword":true'
cgi POST /api/users 'username=formcs' "" "$FORM; charset=UTF-8"
expect_field "form content type with charset" username formcs
cgi POST /api/users 'username=bob&name=Bob+M%C3%BCller&profile.givenName=B&profile%5BfamilyName%5D=M&profile.address.country=AU&customData[plan]=pro&customData.seats=5&customData[tags][]=a&customData[tags][]=b&unknown=x' "" "$FORM"
expect_field "form: + is a space, UTF-8 escapes" name "Bob Müller"
expect_part "form: dotted and bracketed profile" \
    '"profile":{"familyName":"M","givenName":"B","address":{"country":"AU"}}'
expect_part "form: customData keeps strings and arrays" \
    '"customData":{"plan":"pro","seats":"5","tags":["a","b"]}'
cgi POST /api/users 'username=carol&avatar=&name=' "" "$FORM"
expect_part "form: empty avatar and name are null" '"name":null,"avatar":null'
cgi POST /api/users 'username=dave&customData.__proto__.x=1&customData.a=1' "" "$FORM"
expect_part "form: prototype keys are dropped" '"customData":{"a":"1"}'
cgi POST /api/users '' "" "$FORM"
expect_status "empty form body is {}" 200

# the same validation as JSON
cgi POST /api/users 'username=9lives' "" "$FORM"
expect "form: username regex" 400 '{"code":"guard.invalid_input","data":{"issues":[{"validation":"regex","code":"invalid_string","message":"Invalid","path":["username"]}],"name":"ZodError"},"details":"Error in key path \"username\": (invalid_string) Invalid","message":"The request body is invalid."}'
cgi POST /api/users 'username=a&username=b' "" "$FORM"
expect "form: a repeated key is an array" 400 '{"code":"guard.invalid_input","data":{"issues":[{"code":"invalid_type","expected":"string","received":"array","path":["username"],"message":"Expected string, received array"}],"name":"ZodError"},"details":"Error in key path \"username\": (invalid_type) Expected string but received array.","message":"The request body is invalid."}'
cgi POST /api/users 'username=alice' "" "$FORM"
expect "form: username taken" 422 '{"code":"user.username_already_in_use","message":"This username is already in use."}'
if grep -q '^#define HAVE_LIBPHONENUMBER 1' "$top_builddir/config.h"; then
	cgi POST /api/users 'username=erin&primaryPhone=610412345699' "" "$FORM"
	expect_field "form: phone normalised" primaryPhone 61412345699
	cgi POST /api/users 'primaryPhone=999' "" "$FORM"
	expect "form: invalid phone" 422 "$INVALID"
fi

# malformed bodies are 400 with a message
cgi POST /api/users 'username=%zz' "" "$FORM"
expect "form: malformed escape" 400 '{"code":"request.invalid_input","message":"Malformed percent-encoding in the form body: \"%\" must be followed by two hex digits."}'
cgi POST /api/users 'username=%FF' "" "$FORM"
expect "form: escape that is not UTF-8" 400 '{"code":"request.invalid_input","message":"The form body is not valid UTF-8 after percent-decoding."}'
cgi POST /api/users 'customData.a.b.c.d.e.f=1' "" "$FORM"
expect "form: nested too deeply" 400 '{"code":"request.invalid_input","message":"A form key is nested too deeply (at most 5 levels of [] or . below the top)."}'
cgi POST /api/users 'customData[a=1' "" "$FORM"
expect "form: unbalanced bracket" 400 '{"code":"request.invalid_input","message":"A form key has a \"[\" without its \"]\"."}'
# the body limit of the contract applies to forms too
CGI_EXTRA_ENV="USERCGI_MAX_BODY_BYTES=16" cgi POST /api/users 'username=toolongforlimit' "" "$FORM"
expect_status "form: over the body limit is 413" 413
# other media types are still refused
cgi POST /api/users 'username=x' "" "text/plain"
expect_status "text/plain is 415" 415
tap_done
