#!/bin/bash
# users_race.sh: the write routes of users-api.md under concurrent CGI
# processes: PATCHes racing for one email (exactly one wins, the others
# get the contract's 422), an identity taken by racing users, concurrent
# custom-data merges that must all land, DELETE racing PATCH and DELETE
# (never a 500, a consistent end state).
. "$(dirname "$0")/lib.sh"
setup
# Twenty processes queue at the write lock, and under valgrind each holds
# it for long: the answers asserted here are the race's, not the busy
# timeout's (faults.sh tests that one).
printf 'busy_timeout_ms = 120000\n' >"$T/usercgi.conf"

EMAIL_TAKEN='{"code":"user.email_already_in_use","message":"This email is associated with an existing account."}'
IN_USE='{"code":"user.identity_already_in_use","message":"The social account has been associated with an existing account."}'
NOT_FOUND='{"code":"entity.not_found","message":"The resource does not exist."}'

# mk BODY: creates a user, prints its id.
mk() {
	cgi POST /api/users "$1"
	printf '%s' "$BODY" | jq -r .id
}
# spawn N METHOD PATH BODY...: runs request i (1..N) in the background
# with ${ids[i]} substituted for @ in PATH and BODY; waits; leaves each
# status and body in $T/r.i and $T/r.i.body.
spawn() {
	local n=$1 m=$2 path=$3 body=$4 i
	rm -f "$T"/r.*
	for i in $(seq 1 "$n"); do
		( cgi "$m" "${path//@/${ids[$i]}}" "${body//@/$i}"
		  printf '%s\n' "$STATUS" >"$T/r.$i"
		  printf '%s\n' "$BODY" >"$T/r.$i.body" ) &
	done
	wait
}
count() { cat "$T"/r.[0-9]* 2>/dev/null | grep -c "^$1\$"; }
# bodies STATUS: the distinct bodies of the answers with STATUS.
bodies() {
	local f
	for f in "$T"/r.[0-9]*; do
		case $f in *.body) continue ;; esac
		[ "$(cat "$f")" = "$1" ] && cat "$f.body"
	done | sort -u
}
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; printf '#   got:  %s\n#   want: %s\n' "$2" "$3"; fi
}

declare -a ids
for i in $(seq 1 20); do ids[$i]=$(mk "{\"username\":\"r$i\"}"); done

# Two PATCHes taking one email at once, ten rounds.
pairs_ok=0
for r in $(seq 1 10); do
	rm -f "$T"/r.*
	for i in 1 2; do
		( cgi PATCH "/api/users/${ids[$i]}" "{\"primaryEmail\":\"Race$r@Example.com\"}"
		  printf '%s\n' "$STATUS" >"$T/r.$i"
		  printf '%s\n' "$BODY" >"$T/r.$i.body" ) &
	done
	wait
	[ "$(count 200)" = 1 ] && [ "$(count 422)" = 1 ] &&
	    [ "$(bodies 422)" = "$EMAIL_TAKEN" ] && pairs_ok=$((pairs_ok + 1))
done
check "two PATCHes for one email: one 200 and one 422, ten rounds of ten" "$pairs_ok" 10
check "the email is on one row only" \
    "$(dbq "select count(*) from users where lower(primary_email) = 'race10@example.com'")" 1

# Twenty PATCHes, each spelling the address in its own case.
rm -f "$T"/r.*
for i in $(seq 1 20); do
	( e=$(printf 'many@example.com' | awk -v s="$i" 'BEGIN{srand(s)}{o="";for(j=1;j<=length($0);j++){c=substr($0,j,1);o=o (rand()<0.5?toupper(c):c)}print o}')
	  cgi PATCH "/api/users/${ids[$i]}" "{\"primaryEmail\":\"$e\",\"name\":\"n$i\"}"
	  printf '%s\n' "$STATUS" >"$T/r.$i"
	  printf '%s\n' "$BODY" >"$T/r.$i.body" ) &
done
wait
check "twenty PATCHes for one email (mixed case): one 200" "$(count 200)" 1
check "twenty PATCHes: nineteen 422" "$(count 422)" 19
check "the losers get the contract's 422 body" "$(bodies 422)" "$EMAIL_TAKEN"
check "a loser changed nothing (its name is unset)" \
    "$(dbq "select count(*) from users where name like 'n%'")" 1

# Twenty users claiming one social identity.
spawn 20 PUT "/api/users/@/identities/google" '{"userId":"shared-1"}'
check "twenty identity PUTs: one 201" "$(count 201)" 1
check "twenty identity PUTs: nineteen 422" "$(count 422)" 19
check "identity losers get the contract's 422 body" "$(bodies 422)" "$IN_USE"

# Twenty concurrent custom-data merges into one user all land.
for i in $(seq 1 20); do ids[$i]=${ids[1]}; done
spawn 20 PATCH "/api/users/@/custom-data" '{"customData":{"k@":@}}'
check "twenty custom-data merges: all 200" "$(count 200)" 20
cgi GET "/api/users/${ids[1]}/custom-data" ""
check "every merged key is there" "$(printf '%s' "$BODY" | jq 'keys | length')" 20

# DELETE racing PATCH, ten rounds: never a 500; the user is gone after.
bad=0
for r in $(seq 1 10); do
	id=$(mk "{\"username\":\"del$r\"}")
	rm -f "$T"/r.*
	( cgi DELETE "/api/users/$id" ""; printf '%s\n' "$STATUS" >"$T/r.1"; printf '%s\n' "$BODY" >"$T/r.1.body" ) &
	( cgi PATCH "/api/users/$id" "{\"name\":\"late$r\",\"customData\":{\"r\":$r}}"; printf '%s\n' "$STATUS" >"$T/r.2"; printf '%s\n' "$BODY" >"$T/r.2.body" ) &
	( cgi PATCH "/api/users/$id/is-suspended" '{"isSuspended":true}'; printf '%s\n' "$STATUS" >"$T/r.3"; printf '%s\n' "$BODY" >"$T/r.3.body" ) &
	wait
	d=$(cat "$T/r.1") p=$(cat "$T/r.2") s=$(cat "$T/r.3")
	[ "$d" = 204 ] || bad=$((bad + 1))
	case $p in 200) ;; 404) [ "$(cat "$T/r.2.body")" = "$NOT_FOUND" ] || bad=$((bad + 1)) ;; *) bad=$((bad + 1)) ;; esac
	case $s in 200|404) ;; *) bad=$((bad + 1)) ;; esac
	cgi GET "/api/users/$id" ""
	[ "$STATUS" = 404 ] || bad=$((bad + 1))
	[ "$(dbq "select count(*) from users where id = '$id'")" = 0 ] || bad=$((bad + 1))
done
check "DELETE racing PATCH: 204, the PATCHes 200 or 404, the user gone" "$bad" 0

# Two DELETEs of one user: one 204, one 404.
id=$(mk '{"username":"twice"}')
for i in 1 2; do ids[$i]=$id; done
spawn 2 DELETE "/api/users/@" ""
check "two DELETEs: one 204" "$(count 204)" 1
check "two DELETEs: one 404" "$(count 404)" 1
if grep -l '^500$' "$T"/r.[0-9]* >/dev/null 2>&1; then not_ok "no 500 anywhere"; else ok "no 500 anywhere"; fi
tap_done
