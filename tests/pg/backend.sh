# tests/pg/backend.sh: the test's database on either backend, for
# tests/cgi/lib.sh and tests/servers/lib.sh.  Source it.
#
# USERCGI_TEST_BACKEND=pg runs a test against PostgreSQL (anything else,
# or unset: SQLite).  USERCGI_TEST_PG, if set, is the conninfo string of
# a running server (make check-pg starts one for the whole run); else
# db_init starts a throwaway cluster of its own (tests/pg/cluster.sh).
#
#   db_init DIR [CLUSTER-DIR]  sets DB, the responder's `database`:
#                 DIR/users.db, or the conninfo of a fresh database made
#                 for this test (in a cluster in CLUSTER-DIR, default
#                 DIR/pg, when USERCGI_TEST_PG is unset)
#   db_fini       drops that database or stops that cluster
#   db_pg         true when the backend is PostgreSQL
#   db_client     prints the program dbq runs (sqlite3 or psql)
#   dbq SQL       runs SQL against $DB; rows as a|b, NULL as ""
#   dbq_ms COL    an SQL expression for COL as epoch milliseconds (SQLite
#                 stores them so; PostgreSQL has timestamptz)
#   dbq_from_ms E an SQL expression for the time of E epoch milliseconds,
#                 to store in such a column
#   dbq_bool E    an SQL expression printing 1/0 for the boolean E
#   db_lock TABLE another client takes the write lock and holds it (SQLite:
#                 BEGIN IMMEDIATE, the whole file; PostgreSQL: LOCK TABLE
#                 TABLE IN EXCLUSIVE MODE, which lets reads through);
#                 returns once it is held (uses $T and fd 8)
#   db_unlock     that client rolls back and ends

: "${USERCGI_TEST_BACKEND:=sqlite}"
DB_CLUSTER=""
DB_NAME=""

db_pg() { [ "$USERCGI_TEST_BACKEND" = pg ]; }

db_client() { if db_pg; then echo psql; else echo sqlite3; fi; }

db_init() {
	local name
	if ! db_pg; then
		DB=$1/users.db
		return 0
	fi
	. "$(dirname "${BASH_SOURCE[0]}")/cluster.sh"
	if [ -n "${USERCGI_TEST_PG:-}" ]; then
		PG_CONNINFO=$USERCGI_TEST_PG
	else
		DB_CLUSTER=${2:-$1/pg}
		pg_cluster_start "$DB_CLUSTER" >&2 || return 1
	fi
	name=$(basename "$0" .sh | tr -c 'a-z0-9_\n' '_')
	name=t_${name}_$$_$RANDOM
	DB=$(pg_createdb "$name") || return 1
	DB_NAME=$name
}

db_fini() {
	if [ -n "$DB_CLUSTER" ]; then
		pg_cluster_stop "$DB_CLUSTER"
		DB_CLUSTER=""
	elif [ -n "$DB_NAME" ]; then
		psql "$PG_CONNINFO" -XAtq -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1
	fi
	DB_NAME=""
}

dbq() {
	if db_pg; then
		psql "$DB" -XAtq -v ON_ERROR_STOP=1 -c "$1"
	else
		sqlite3 "$DB" "$1"
	fi
}

dbq_ms() {
	if db_pg; then
		printf 'floor(extract(epoch from %s) * 1000)::bigint' "$1"
	else
		printf '%s' "$1"
	fi
}

dbq_from_ms() {
	if db_pg; then
		printf 'to_timestamp((%s) / 1000.0)' "$1"
	else
		printf '(%s)' "$1"
	fi
}

dbq_bool() {
	if db_pg; then
		printf '(%s)::int' "$1"
	else
		printf '(%s)' "$1"
	fi
}

db_lock() {
	local i
	rm -f "$T/dblock.fifo" "$T/dblock.out"
	mkfifo "$T/dblock.fifo" || return 1
	if db_pg; then
		psql "$DB" -XAtq -v ON_ERROR_STOP=1 <"$T/dblock.fifo" >"$T/dblock.out" 2>&1 &
	else
		sqlite3 "$DB" <"$T/dblock.fifo" >"$T/dblock.out" 2>&1 &
	fi
	DB_LOCKER=$!
	exec 8>"$T/dblock.fifo"
	if db_pg; then
		echo "BEGIN; LOCK TABLE $1 IN EXCLUSIVE MODE; SELECT 'locked';" >&8
	else
		printf '.timeout 30000\nBEGIN IMMEDIATE;\nSELECT '"'locked'"';\n' >&8
	fi
	for i in $(seq 1 300); do
		grep -q '^locked$' "$T/dblock.out" && return 0
		sleep 0.1
	done
	return 1
}

db_unlock() {
	echo 'ROLLBACK;' >&8
	exec 8>&-
	wait "$DB_LOCKER"
	rm -f "$T/dblock.fifo"
}
