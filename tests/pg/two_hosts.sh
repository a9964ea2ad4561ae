#!/bin/bash
# two_hosts.sh: two web servers on one PostgreSQL database (issue 14,
# point 5): two real lighttpd on two ports, each with 2 FastCGI workers
# of usercgi.fcgi, share one database that no request has touched yet
# (the racing first requests of both hosts create the schema).  50
# parallel creates of one username, split across both servers, give
# exactly one 200 and 49 times the contract's 422, and one row; the same
# for one email spelt in 50 mixes of letter case.  Then wrk creates
# distinct users on both hosts at 8 connections each for PG_LOAD_SECONDS
# (5): every answer is 2xx, a row per 2xx, and the unfiltered list's
# Total-Number (the store's count of users) is the table's count.
# The database is setup's (USERCGI_TEST_BACKEND=pg): a fresh one on the
# server USERCGI_TEST_PG names, else on a throwaway cluster of its own.
export USERCGI_TEST_BACKEND=pg
. "$(dirname "$0")/../cgi/lib.sh"
. "$top_srcdir/tests/pg/cluster.sh"
. "$top_srcdir/tests/pg/load.sh"
pg_require
setup
stop() {
	local p
	for p in ${lpid_a:-} ${lpid_b:-}; do lpid=$p; lighttpd_stop; done
	test_cleanup
}
trap stop EXIT
db=$DB
pg_conf "$T/usercgi.conf" "$db"

# host NAME: a lighttpd of its own (configuration, socket and log in
# $T/NAME); sets lpid_NAME and url_NAME.
host() {
	local top=$T
	mkdir -p "$top/$1"
	T=$top/$1
	lighttpd_start "$top/usercgi.conf" 2 'server.max-connections = 256'
	T=$top
	eval "lpid_$1=\$lpid url_$1=\$url"
}
host a
host b
[ "$url_a" != "$url_b" ] && ok "two lighttpd on two ports ($url_a, $url_b)" ||
	not_ok "two lighttpd on two ports"

# race NAME JSON-MAKER: 50 creates at once, the odd ones on host a, the
# even ones on host b; JSON-MAKER I prints request I's body.  Sets n200,
# n422 and bad (answers that are neither a user nor WANT422).
race() {
	local i u
	rm -f "$T"/race.*
	for i in $(seq 1 50); do
		[ $((i % 2)) = 1 ] && u=$url_a || u=$url_b
		( curl -s -m 30 -o "$T/race.$i.body" -w '%{http_code}\n' \
		    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
		    -d "$($2 "$i")" "$u" >"$T/race.$i" ) &
	done
	wait $(jobs -p | grep -v -x -e "$lpid_a" -e "$lpid_b")
	n200=$(cat "$T"/race.[0-9] "$T"/race.[0-9][0-9] | grep -c '^200$')
	n422=$(cat "$T"/race.[0-9] "$T"/race.[0-9][0-9] | grep -c '^422$')
	n200a=0 n200b=0
	for i in $(seq 1 50); do
		[ "$(cat "$T/race.$i")" = 200 ] || continue
		[ $((i % 2)) = 1 ] && n200a=$((n200a + 1)) || n200b=$((n200b + 1))
	done
}

# check_race NAME WANT422 ROWS-SQL
check_race() {
	local i b wrong=0
	[ "$n200" = 1 ] && ok "$1: exactly one 200 (host a $n200a, host b $n200b)" ||
		not_ok "$1: $n200 x 200"
	[ "$n422" = 49 ] && ok "$1: 49 x 422" || not_ok "$1: $n422 x 422"
	for i in $(seq 1 50); do
		[ "$(cat "$T/race.$i")" = 422 ] || continue
		b=$(cat "$T/race.$i.body")
		[ "$b" = "$2" ] || { wrong=$((wrong + 1)); echo "#   $b"; }
	done
	[ "$wrong" = 0 ] && ok "$1: every 422 is the contract's body" ||
		not_ok "$1: $wrong 422 bodies differ"
	for i in $(seq 1 50); do
		[ "$(cat "$T/race.$i")" = 200 ] || [ "$(cat "$T/race.$i")" = 422 ] ||
			echo "#   request $i: $(cat "$T/race.$i") $(head -c 200 "$T/race.$i.body")"
	done
	rows=$(psql -XAtq "$db" -c "$3")
	[ "$rows" = 1 ] && ok "$1: one row" || not_ok "$1: $rows rows"
}

uname_body() { printf '{"username":"racer"}'; }
race username uname_body
check_race "username race on a fresh database" "$PG_422" \
    "SELECT count(*) FROM users WHERE username = 'racer'"

# The same address, each request spelling it in its own mix of cases.
email_body() {
	printf '{"primaryEmail":"%s"}' "$(printf 'racer@example.com' | awk -v s="$1" 'BEGIN{srand(s)}{o="";for(j=1;j<=length($0);j++){c=substr($0,j,1);o=o (rand()<0.5?toupper(c):c)}print o}')"
}
race email email_body
check_race "email race (mixed case)" \
    '{"code":"user.email_already_in_use","message":"This email is associated with an existing account."}' \
    "SELECT count(*) FROM users WHERE lower(primary_email) = 'racer@example.com'"

# Both hosts see each other's users at once: one database.
st=$(post "$url_b" racer | cut -f1,3)
[ "$st" = "422	$PG_422" ] && ok "host b refuses the username host a or b stored" ||
	not_ok "host b: $st"
id=$(post "$url_a" both_hosts | cut -f3 | sed -n 's/^{"id":"\([0-9a-z]*\)".*/\1/p')
out=$(curl -s -w '\t%{http_code}' -H "Authorization: Bearer $TOKEN" "$url_b/$id")
case $out in '{"id":"'"$id"'","username":"both_hosts",'*'	200') ok "a user created on host a is read on host b" ;;
	*) not_ok "read on host b: $out" ;; esac

# Distinct creates at full speed, 8 wrk connections on each host
# (bench/create.lua: a unique username per request): nothing but 2xx,
# a row per 2xx, and the count kept beside the rows moves with them.
if command -v wrk >/dev/null; then
	rows0=$(psql -XAtq "$db" -c 'SELECT count(*) FROM users')
	for h in a b; do
		eval "u=\$url_$h"
		BENCH_TAG=w$h BENCH_TOKEN=$TOKEN wrk -t 1 -c 8 -d "${PG_LOAD_SECONDS:-5}s" --timeout 10s \
		    -s "$top_srcdir/bench/create.lua" "$u" >"$T/wrk.$h" 2>"$T/wrk.$h.err" &
		eval "wrk_$h=\$!"
	done
	wait "$wrk_a" "$wrk_b"
	sum() { cat "$T/wrk.a" "$T/wrk.b" | tr ' ' '\n' | sed -n "s/^$1=//p" | awk '{ s += $1 } END { print s + 0 }'; }
	n2xx=$(sum ok) bad=$(( $(sum non2xx) + $(sum sockerr) ))
	[ "$n2xx" -gt 0 ] && [ "$bad" = 0 ] && ok "16 wrk connections on both hosts: $n2xx creates, all 2xx" ||
		{ not_ok "16 wrk connections on both hosts: $n2xx 2xx, $bad others"; sed 's/^/#   /' "$T"/wrk.*.err | head -n 6; }
	# wrk stops counting with up to 16 requests in flight: their rows
	# may be there, unanswered.
	rows=$(psql -XAtq "$db" -c 'SELECT count(*) FROM users')
	new=$((rows - rows0))
	[ "$new" -ge "$n2xx" ] && [ "$new" -le $((n2xx + bad + 16)) ] &&
		ok "$new new rows for $n2xx 2xx answers (and at most 16 in flight)" ||
		not_ok "$new new rows for $n2xx 2xx answers"
	total=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $TOKEN" "$url_a?page_size=1" |
	    tr -d '\r' | sed -n 's/^[Tt]otal-[Nn]umber: //p')
	[ -n "$total" ] && [ "$total" = "$rows" ] && ok "Total-Number $total is the number of rows" ||
		not_ok "Total-Number '$total', rows $rows"
else
	ok "# SKIP wrk is not installed: no full-speed creates"
	ok "# SKIP wrk is not installed: no full-speed creates"
	ok "# SKIP wrk is not installed: no full-speed creates"
fi
tap_done
