# tests/pg/load.sh: the create load and its audit shared by the scale-out
# and failure tests on PostgreSQL (issue 14, point 5): two_hosts.sh,
# restart.sh, failover.sh (SIGKILLed workers on PostgreSQL are
# tests/cgi/crash.sh under make check-pg).  Source it after
# tests/cgi/lib.sh and tests/pg/cluster.sh.
#
#   pg_require                 prints "1..0 # SKIP ..." and exits 0 unless
#                              PostgreSQL's programs, lighttpd, curl and
#                              python3 are here and the build has
#                              PostgreSQL support; also under valgrind
#   pg_scram_user CONNINFO ROLE PASSFILE
#                              ROLE with a random SCRAM password, the owner
#                              of CONNINFO's database, allowed in from
#                              127.0.0.1 by password only; the password
#                              goes to PASSFILE (0600, its fifth field);
#                              prints the conninfo usercgi would be given
#                              (host, port, dbname, user, passfile)
#   pg_conf FILE DATABASE [LINES]
#                              a responder configuration for DATABASE
#   post URL USERNAME [MORE-JSON]
#                              one create; prints "status<TAB>retry-after
#                              <TAB>body on one line" (status 000: no
#                              answer, curl's exit code after a colon)
#   load_start URL... -- TAG CLIENTS
#                              CLIENTS background clients create users
#                              TAG_<client>_<n> one after another, client
#                              i on URL number i mod the URL count, until
#                              load_stop; each answer is appended to
#                              $T/load.TAG.<client> with a millisecond time
#   load_stop                  stops the clients and waits for them
#   await_200 URL TAG SECONDS  creates TAG_<n> until one is answered 200
#                              (the answers go to $T/load.TAG); prints the
#                              milliseconds it took, or fails
#   audit_answers NAME FILES...
#                              ok when every answer is 200 (a user object),
#                              the contract's 422, or a 503 JSON with
#                              Retry-After; counts them
#   audit_stored NAME CONNINFO FILES...
#                              ok when every user answered 200 is in the
#                              database with the id and username it was
#                              told, and nothing is stored twice

PG_422='{"code":"user.username_already_in_use","message":"This username is already in use."}'
PG_503U='{"code":"request.service_unavailable","message":"The service is temporarily unavailable. Please retry."}'
PG_503B='{"code":"request.service_busy","message":"The service is busy. Please retry."}'

pg_require() {
	local c
	[ -n "${UCGI_WRAPPER:-}" ] && { echo "1..0 # SKIP not under valgrind"; exit 0; }
	for c in initdb pg_ctl pg_basebackup postgres; do
		[ -x "$PG_BIN/$c" ] || { echo "1..0 # SKIP no PostgreSQL server programs in $PG_BIN"; exit 0; }
	done
	for c in psql lighttpd curl python3; do
		command -v "$c" >/dev/null || { echo "1..0 # SKIP $c is not installed"; exit 0; }
	done
	grep -q '^#define HAVE_POSTGRESQL 1' "$top_builddir/config.h" 2>/dev/null ||
		{ echo "1..0 # SKIP this build has no PostgreSQL support"; exit 0; }
}

pg_scram_user() {
	local ci=$1 role=$2 pf=$3 host port dbname hba pw
	host=$(psql "$ci" -XAtq -c 'SELECT inet_server_addr()') || return 1
	port=$(psql "$ci" -XAtq -c 'SELECT inet_server_port()') || return 1
	dbname=$(psql "$ci" -XAtq -c 'SELECT current_database()') || return 1
	pw=$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')
	psql "$ci" -XAtq -v ON_ERROR_STOP=1 \
	    -c "SET password_encryption = 'scram-sha-256'" \
	    -c "CREATE ROLE $role LOGIN PASSWORD '$pw'" \
	    -c "ALTER DATABASE $dbname OWNER TO $role" >/dev/null || return 1
	hba=$(psql "$ci" -XAtq -c 'SHOW hba_file') || return 1
	pg_as sh -c "{ echo 'host $dbname $role 127.0.0.1/32 scram-sha-256'; cat '$hba'; } >'$hba.new' && cat '$hba.new' >'$hba' && rm '$hba.new'" || return 1
	psql "$ci" -XAtq -c 'SELECT pg_reload_conf()' >/dev/null || return 1
	printf '%s:%s:%s:%s:%s\n' "${host%/*}" "$port" "$dbname" "$role" "$pw" >"$pf"
	chmod 600 "$pf"
	printf 'host=%s port=%s dbname=%s user=%s passfile=%s\n' "${host%/*}" "$port" "$dbname" "$role" "$pf"
}

pg_conf() {
	cat >"$1" <<-CONF
	database = $2
	jwks_file = $T/jwks.json
	issuer = $ISSUER
	audience = $AUDIENCE
	argon2_t = 1
	argon2_m = 256
	${3:-}
	CONF
}

post() {
	local out rc body
	out=$(curl -s -m 10 -w '\t%{http_code}\t%header{retry-after}' \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    -d "{\"username\":\"$2\"${3:-}}" "$1")
	rc=$?
	body=${out%$'\t'*$'\t'*}
	out=${out#"$body"$'\t'}
	if [ "$rc" != 0 ]; then
		printf '000:%s\t\t%s\n' "$rc" "${body//$'\n'/ }"
	else
		printf '%s\t%s\t%s\n' "${out%%$'\t'*}" "${out#*$'\t'}" "${body//$'\n'/ }"
	fi
}

# now_ms: milliseconds since the epoch.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

load_pids=""
load_start() {
	local urls=() tag n i
	while [ "$1" != -- ]; do urls+=("$1"); shift; done
	tag=$2 n=$3
	rm -f "$T/load.stop"
	for i in $(seq 1 "$n"); do
		( k=0 u=${urls[$((i % ${#urls[@]}))]}
		  while [ ! -e "$T/load.stop" ]; do
			printf '%s\t%s\n' "$(now_ms)" "$(post "$u" "${tag}_${i}_$k")" >>"$T/load.$tag.$i"
			k=$((k + 1))
		  done ) &
		load_pids="$load_pids $!"
	done
}

load_stop() {
	local p
	: >"$T/load.stop"
	for p in $load_pids; do wait "$p"; done
	load_pids=""
}

await_200() {
	local t0 k=0 st
	t0=$(now_ms)
	while [ $(( $(now_ms) - t0 )) -lt $(($3 * 1000)) ]; do
		st=$(post "$1" "${2}_$k")
		printf '%s\t%s\n' "$(now_ms)" "$st" >>"$T/load.$2"
		st=${st%%$'\t'*}
		k=$((k + 1))
		[ "$st" = 200 ] && { echo $(( $(now_ms) - t0 )); return 0; }
		sleep 0.05
	done
	return 1
}

# answers FILES...: every answer of the files, "status<TAB>retry<TAB>body"
# (without the time column).
answers() { cat "$@" | cut -f 2-; }

audit_answers() {
	local name=$1 bad n200 n422 n503; shift
	answers "$@" >"$T/answers"
	bad=$(awk -F '\t' -v a="$PG_422" -v u="$PG_503U" -v b="$PG_503B" '
		$1 == 200 && $3 ~ /^\{"id":"[0-9a-z]+","username":/ { next }
		$1 == 422 && $3 == a { next }
		$1 == 503 && $2 ~ /^[1-9][0-9]*$/ && ($3 == u || $3 == b) { next }
		{ print }' "$T/answers" | head -n 5)
	n200=$(grep -c '^200	' "$T/answers")
	n422=$(grep -c '^422	' "$T/answers")
	n503=$(grep -c '^503	' "$T/answers")
	if [ -z "$bad" ]; then
		ok "$name: every answer is 200, 422 or 503 JSON with Retry-After ($n200 x 200, $n422 x 422, $n503 x 503)"
	else
		not_ok "$name: unexpected answers ($n200 x 200, $n422 x 422, $n503 x 503)"
		printf '%s\n' "$bad" | cut -c1-200 | sed 's/^/#   /'
	fi
}

audit_stored() {
	local name=$1 db=$2 lost dups nrows n200; shift 2
	answers "$@" >"$T/answers"
	n200=$(grep -c '^200	' "$T/answers")
	psql -XAtq -F '	' "$db" -c 'SELECT id, username FROM users' >"$T/rows" ||
		{ not_ok "$name: cannot read the users table"; return; }
	nrows=$(wc -l <"$T/rows")
	lost=$(python3 - "$T/answers" "$T/rows" <<-'PY'
	import json, sys
	rows = {}
	for line in open(sys.argv[2], encoding='utf-8'):
	    f = line.rstrip('\n').split('\t')
	    rows[f[0]] = f[1]
	bad = 0
	for line in open(sys.argv[1], encoding='utf-8'):
	    f = line.rstrip('\n').split('\t', 2)
	    if f[0] != '200':
	        continue
	    try:
	        u = json.loads(f[2])
	        if rows.get(u['id']) != u['username']:
	            bad += 1
	            print('#   %s: told %s, stored %s' % (u['id'], u['username'], rows.get(u['id'])))
	    except (ValueError, KeyError, TypeError, IndexError):
	        bad += 1
	        print('#   not a user object: %s' % line[:200])
	print(bad)
	PY
	)
	if [ "$(printf '%s\n' "$lost" | tail -n 1)" = 0 ]; then
		ok "$name: all $n200 users answered 200 are stored as told ($nrows rows)"
	else
		not_ok "$name: $(printf '%s\n' "$lost" | tail -n 1) of $n200 users answered 200 missing or different"
		printf '%s\n' "$lost" | sed '$d' | head -n 10
	fi
	dups=$(psql -XAtq "$db" -c "
		SELECT 'username ' || username FROM users WHERE username IS NOT NULL GROUP BY username HAVING count(*) > 1
		UNION ALL SELECT 'id ' || id FROM users GROUP BY id HAVING count(*) > 1")
	[ -z "$dups" ] && ok "$name: no username or id stored twice" ||
		not_ok "$name: stored twice: $(printf '%s' "$dups" | head -n 5 | tr '\n' ' ')"
}
