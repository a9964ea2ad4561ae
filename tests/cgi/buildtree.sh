#!/bin/bash
# buildtree.sh: the responder as "./configure && make" leaves it (issue 12,
# item 7).  With USERCGI_PHONE_MODULE and USERCGI_HASHER unset and a
# configuration that names neither phone_module nor hasher, the build
# tree's binary finds the build tree's module and hasher: as CGI and as a
# FastCGI worker behind lighttpd a phone number is normalised and a
# password is hashed by the hasher processes.  A copy of the binary
# outside the tree uses only the installed paths.  A worker whose module
# cannot be loaded says so at start, without mapping the module itself.
# (It checks where the binary finds its files; the store is incidental,
# so make check-pg leaves it out, though it passes on either backend.)
. "$(dirname "$0")/lib.sh"
setup
unset USERCGI_PHONE_MODULE USERCGI_HASHER
PHONE_MODULE=""
HASHER=""
ADMIN="$top_builddir/tools/usercgi-admin"
cat >"$T/usercgi.conf" <<CONF
database = $DB
jwks_file = $T/jwks.json
issuer = $ISSUER
audience = $AUDIENCE
threads = 2
hashers = 2
CONF
grep -q '^#define HAVE_LIBPHONENUMBER 1' "$top_builddir/config.h" && normalises=1 || normalises=0
# The stored forms of 610412345678 and 610412345679 (spec §3), or the
# digits as given.
if [ "$normalises" = 1 ]; then want_phone=61412345678 want_phone2=61412345679
else want_phone=610412345678 want_phone2=610412345679; fi

# field NAME JSON-FIELD WANT: the last answer is a 200 with that field.
field() {
	local got
	got=$(printf '%s' "$BODY" | sed -n "s/.*\"$2\":\"\\([^\"]*\\)\".*/\\1/p")
	if [ "$STATUS" = 200 ] && [ "$got" = "$3" ]; then ok "$1"; else
		not_ok "$1"; printf '#   got: %s %s\n' "$STATUS" "$BODY"; fi
}
# contains NAME TEXT LINE: TEXT has LINE as one of its lines.
contains() {
	if printf '%s\n' "$2" | grep -qxF -- "$3"; then ok "$1"; else
		not_ok "$1"; printf '#   want line: %s\n' "$3"; printf '%s\n' "$2" | sed 's/^/#   /'; fi
}

# --- CGI, and usercgi-admin check, from the build tree ---------------------
cgi POST /api/users '{"username":"cgi_phone","primaryPhone":"610412345678","password":"pw-12345"}'
field "CGI: a create with a phone number (no phone_module anywhere)" primaryPhone "$want_phone"
out=$(env -i PATH="$PATH" USERCGI_CONFIG="$T/usercgi.conf" "$ADMIN" check 2>&1)
contains "check: the build tree's hasher" "$out" "hasher          = $top_builddir/cgi-bin/usercgi-hasher"
[ "$normalises" = 1 ] &&
	contains "check: the build tree's phone module loads" "$out" \
	    "phone numbers   = normalised (libphonenumber, $top_builddir/lib/usercgi-phone.so)"
case $out in *warning:*) not_ok "check: no warning"; printf '%s\n' "$out" | sed 's/^/#   /' ;;
	*) ok "check: no warning" ;; esac
# A copy elsewhere is not the build tree's program: installed paths only.
cp "$ADMIN" "$T/usercgi-admin"
out=$(env -i PATH="$PATH" USERCGI_CONFIG="$T/usercgi.conf" "$T/usercgi-admin" check 2>&1)
hasher_line=$(printf '%s\n' "$out" | grep '^hasher  ')
case $hasher_line in *"$top_builddir"*|"") not_ok "a copy outside the tree: installed hasher ($hasher_line)" ;;
	*) ok "a copy outside the tree: installed hasher ($hasher_line)" ;; esac
case $out in *"$top_builddir/lib/"*) not_ok "a copy outside the tree: not the tree's module" ;;
	*) ok "a copy outside the tree: not the tree's module" ;; esac

# --- FastCGI behind lighttpd ----------------------------------------------
if ! command -v lighttpd >/dev/null; then
	tap_done; exit
fi
# req JSON: one create through lighttpd; sets STATUS and BODY.
req() {
	local out
	out=$(curl -s --max-time 30 -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' -d "$1" "$url")
	STATUS=${out##*$'\n'}
	BODY=${out%$'\n'*}
}
lighttpd_start "$T/usercgi.conf" 1
curl -s -o /dev/null --max-time 30 "http://127.0.0.1:$port/api/nothing"
worker=$(lighttpd_workers | head -n 1)
kids=$(for p in $(pgrep -P "$worker"); do cat "/proc/$p/comm"; done | sort | uniq -c | tr -s ' ')
[ "$kids" = " 2 usercgi-hasher" ] && ok "FastCGI: the worker runs 2 hashers of the build tree" ||
	{ not_ok "FastCGI: the worker runs 2 hashers of the build tree (children:$kids)"; sed 's/^/#   /' "$T/lighttpd.log"; }
grep -q 'cannot start the hasher' "$T/lighttpd.log" && not_ok "FastCGI: no hasher failure logged" ||
	ok "FastCGI: no hasher failure logged"
grep -q 'phone: cannot load' "$T/lighttpd.log" && not_ok "FastCGI: no phone module failure logged" ||
	ok "FastCGI: no phone module failure logged"
if [ "$normalises" = 1 ]; then
	grep -q libphonenumber "/proc/$worker/maps" &&
		not_ok "FastCGI: the worker checked the module without mapping it" ||
		ok "FastCGI: the worker checked the module without mapping it"
fi
req '{"username":"fcgi_phone","primaryPhone":"610412345679","password":"pw-12345"}'
field "FastCGI: a create with a phone number and a password" primaryPhone "$want_phone2"
hash=$(dbq "SELECT password_encryption_method FROM users WHERE username = 'fcgi_phone'" 2>/dev/null)
[ "$hash" = Argon2i ] && ok "FastCGI: the password is an argon2i hash" || not_ok "FastCGI: stored method '$hash'"
lighttpd_stop

# --- a module that cannot be loaded is reported when the worker starts ----
if [ "$normalises" = 1 ]; then
	printf 'phone_module = %s\n' "$T/none.so" >>"$T/usercgi.conf"
	lighttpd_start "$T/usercgi.conf" 1
	curl -s -o /dev/null --max-time 30 "http://127.0.0.1:$port/api/nothing"
	worker=$(lighttpd_workers | head -n 1)
	n=$(grep -c "usercgi\\[$worker\\]: error: phone: cannot load the libphonenumber module: $T/none.so: No such file or directory (phone numbers are refused)" "$T/lighttpd.log")
	[ "$n" = 1 ] && ok "FastCGI: a module that cannot load is logged at start, once, by the worker" ||
		{ not_ok "FastCGI: a module that cannot load is logged at start ($n lines)"; sed 's/^/#   /' "$T/lighttpd.log"; }
	req '{"username":"fcgi_nophone"}'
	field "FastCGI: without a phone number the worker serves" username fcgi_nophone
	lighttpd_stop
	out=$(env -i PATH="$PATH" USERCGI_CONFIG="$T/usercgi.conf" "$ADMIN" check 2>/dev/null)
	contains "check: a module that cannot load is reported" "$out" \
	    "phone numbers   = cannot load the libphonenumber module: $T/none.so: No such file or directory"
fi

tap_done
