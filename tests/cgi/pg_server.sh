# tests/cgi/pg_server.sh: a PostgreSQL server for a test script.  Source
# it after lib.sh and after making $T.  The server is $USERCGI_TEST_PG (a
# conninfo) when set, else a throwaway cluster in $T/pgs: tests/pg/cluster.sh
# when the tree has it, else one started here (initdb as the postgres user
# when root, unix socket in $T/pgs only, fsync on).  Skips the whole test
# (TAP "1..0 # SKIP") without PostgreSQL 15 or in a build without it.
#
#   pg_server_start   sets BASE (a conninfo for dbname=postgres)
#   pg_server_stop    stops a cluster started here (from the EXIT trap,
#                     with pg_lib_fini)
#   pg_newdb NAME     prints BASE with dbname replaced by a fresh NAME

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
if ! grep -q '^#define HAVE_POSTGRESQL 1' "$top_builddir/config.h"; then
	echo "1..0 # SKIP built --without-postgresql"; exit 0
fi
if [ -z "${USERCGI_TEST_PG:-}" ] && [ ! -x "$PG_BIN/initdb" ]; then
	echo "1..0 # SKIP PostgreSQL 15 is not installed"; exit 0
fi

# pg_as CMD...: as the postgres user when root (the server refuses root).
pg_as() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_server_stop() { :; }
# pg_lib_fini: what lib.sh's own database needs at exit, when it has any.
pg_lib_fini() { if declare -F db_fini >/dev/null; then db_fini; fi; }

pg_server_start() {
	local u
	if [ -n "${USERCGI_TEST_PG:-}" ]; then
		BASE=$USERCGI_TEST_PG
	elif [ -f "$top_srcdir/tests/pg/cluster.sh" ]; then
		. "$top_srcdir/tests/pg/cluster.sh"
		pg_cluster_start "$T/pgs" ||
		    { echo "Bail out! cannot start PostgreSQL"; exit 1; }
		pg_server_stop() { pg_cluster_stop "$T/pgs"; }
		BASE=$PG_CONNINFO
	else
		mkdir -p "$T/pgs"
		u=$(id -un)
		if [ "$(id -u)" = 0 ]; then
			u=postgres
			chown postgres: "$T/pgs" && chmod o+x "$T" || exit 1
		fi
		pg_as "$PG_BIN/initdb" -D "$T/pgs/data" -U "$u" -A trust \
		    -E UTF8 --locale=C >"$T/pgs/initdb.log" 2>&1 ||
		    { cat "$T/pgs/initdb.log"; echo "Bail out! initdb"; exit 1; }
		printf "listen_addresses = ''\nunix_socket_directories = '%s'\nfsync = on\n" \
		    "$T/pgs" >>"$T/pgs/data/postgresql.conf"
		pg_as "$PG_BIN/pg_ctl" -D "$T/pgs/data" -l "$T/pgs/server.log" \
		    -w start >/dev/null || { echo "Bail out! pg_ctl start"; exit 1; }
		pg_server_stop() {
			pg_as "$PG_BIN/pg_ctl" -D "$T/pgs/data" -m fast -w \
			    stop >/dev/null
		}
		BASE="host=$T/pgs port=5432 user=$u dbname=postgres"
	fi
}

pg_newdb() {
	psql "$BASE" -XAtq -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $1" \
	    -c "CREATE DATABASE $1" >/dev/null 2>&1 ||
	    { echo "Bail out! cannot create database $1"; exit 1; }
	printf '%s dbname=%s' \
	    "$(printf '%s' "$BASE" | sed 's/\(^\| \)dbname=[^ ]*//; s/^ *//')" "$1"
}
