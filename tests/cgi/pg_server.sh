# tests/cgi/pg_server.sh: a PostgreSQL server for a test that runs on
# PostgreSQL whatever USERCGI_TEST_BACKEND says (admin_pg.sh,
# fastcgi_pg.sh).  Source it after lib.sh.  The server is
# $USERCGI_TEST_PG (a conninfo) when set, else a throwaway cluster in
# $T/pgs (tests/pg/cluster.sh).  Skips the whole test (TAP "1..0 # SKIP")
# without PostgreSQL 15 or in a build without it.
#
#   pg_server_start   sets PG_CONNINFO (a conninfo for dbname=postgres)
#   pg_server_stop    stops the cluster started here, if any (EXIT trap)
#   pg_lib_fini       what lib.sh's own database needs at exit
#   pg_newdb NAME     creates database NAME; prints a conninfo naming it

. "$top_srcdir/tests/pg/cluster.sh"
if ! grep -q '^#define HAVE_POSTGRESQL 1' "$top_builddir/config.h"; then
	echo "1..0 # SKIP built --without-postgresql"; exit 0
fi
if [ -z "${USERCGI_TEST_PG:-}" ] && [ ! -x "$PG_BIN/initdb" ]; then
	echo "1..0 # SKIP PostgreSQL 15 is not installed"; exit 0
fi

PG_SERVER_DIR=""
pg_server_stop() { [ -z "$PG_SERVER_DIR" ] || pg_cluster_stop "$PG_SERVER_DIR"; }
pg_lib_fini() { if declare -F db_fini >/dev/null; then db_fini; fi; }

pg_server_start() {
	if [ -n "${USERCGI_TEST_PG:-}" ]; then
		PG_CONNINFO=$USERCGI_TEST_PG
	else
		PG_SERVER_DIR=$T/pgs
		pg_cluster_start "$PG_SERVER_DIR" ||
		    { echo "Bail out! cannot start PostgreSQL"; exit 1; }
	fi
}

pg_newdb() {
	pg_createdb "$1" || { echo "Bail out! cannot create database $1"; exit 1; }
}
