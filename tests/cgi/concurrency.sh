#!/bin/bash
# concurrency.sh: uniqueness under concurrent CGI processes (create-user.md
# §3): 20 parallel requests for one new username give exactly one 200 and
# nineteen 422; the same for one email in different letter case.
. "$(dirname "$0")/lib.sh"
setup
# Twenty processes queue at the write lock (under valgrind, for long): the
# race's answers are asserted here, the busy timeout's in faults.sh.
printf 'busy_timeout_ms = 120000\n' >"$T/usercgi.conf"

# race BODY: runs 20 requests with BODY at once; counts the statuses.
race() {
	local i
	for i in $(seq 1 20); do
		( cgi POST /api/users "$1"
		  printf '%s\n' "$STATUS" >"$T/race.$i"
		  printf '%s\n' "$BODY" >"$T/race.$i.body" ) &
	done
	wait
	n200=$(cat "$T"/race.[0-9]* | grep -c '^200$')
	n422=$(cat "$T"/race.[0-9]* | grep -c '^422$')
	rm -f "$T"/race.*
}

race '{"username":"racer"}'
[ "$n200" = 1 ] && ok "username race: exactly one 200" || not_ok "username race: $n200 x 200"
[ "$n422" = 19 ] && ok "username race: nineteen 422" || not_ok "username race: $n422 x 422"

# The same address, each request spelling it in its own mix of cases.
for i in $(seq 1 20); do
	( e=$(printf 'racer@example.com' | awk -v s="$i" 'BEGIN{srand(s)}{o="";for(j=1;j<=length($0);j++){c=substr($0,j,1);o=o (rand()<0.5?toupper(c):c)}print o}')
	  cgi POST /api/users "{\"primaryEmail\":\"$e\"}"
	  printf '%s\n' "$STATUS" >"$T/race.$i"
	  printf '%s\n' "$BODY" >"$T/race.$i.body" ) &
done
wait
n200=$(cat "$T"/race.[0-9]* | grep -c '^200$')
n422=$(cat "$T"/race.[0-9]* | grep -c '^422$')
[ "$n200" = 1 ] && ok "email race (mixed case): exactly one 200" || not_ok "email race: $n200 x 200"
[ "$n422" = 19 ] && ok "email race (mixed case): nineteen 422" || not_ok "email race: $n422 x 422"
if cat "$T"/race.[0-9]*.body | grep -v '"id"' | sort -u | grep -qx '{"code":"user.email_already_in_use","message":"This email is associated with an existing account."}'; then
	ok "losers get the contract's 422 body"
else
	not_ok "losers get the contract's 422 body"
fi
rows=$(dbq "select count(*) from users where username = 'racer'")
[ "$rows" = 1 ] && ok "one racer row" || not_ok "racer rows: $rows"
tap_done
