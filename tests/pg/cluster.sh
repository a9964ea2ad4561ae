# tests/pg/cluster.sh: a throwaway PostgreSQL 15 cluster for the tests.
# Source it.  Never touches the system's service: the cluster lives in a
# directory the caller gives, listens on 127.0.0.1 and on a unix socket
# in that directory only, and is started and stopped with pg_ctl.
#
#   pg_cluster_start DIR [PORT]  initdb DIR/data (as the postgres user when
#                                run as root), start it; sets PG_PORT and
#                                PG_CONNINFO (a conninfo for dbname=postgres)
#   pg_cluster_stop DIR          stops it (fast shutdown); no error if down
#   pg_createdb NAME             creates database NAME in PG_CONNINFO's
#                                server; prints a conninfo naming it
#
# fsync stays on: the tests check that acknowledged writes survive.

: "${PG_BIN:=/usr/lib/postgresql/15/bin}"

# pg_as CMD...: runs CMD as the postgres user when we are root (the
# server refuses to run as root), else as ourselves.
pg_as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_cluster_start DIR [PORT]: returns 0 once the server accepts
# connections; on failure prints the server log and returns 1.
pg_cluster_start() {
	local dir=$1 port=${2:-} user d
	[ -n "$port" ] || port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	mkdir -p "$dir" || return 1
	dir=$(cd "$dir" && pwd)
	user=$(id -un)
	if [ "$(id -u)" = 0 ]; then
		user=postgres
		chown postgres: "$dir" && chmod 700 "$dir" || return 1
		# The test's own directory (mktemp -d, mode 700) and those above
		# it must let postgres reach DIR.
		d=$(dirname "$dir")
		while [ "$d" != / ] && ! runuser -u postgres -- test -x "$d"; do
			chmod o+x "$d" || return 1
			d=$(dirname "$d")
		done
	fi
	pg_as "$PG_BIN/initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 \
	    --locale=C >"$dir/initdb.log" 2>&1 ||
	    { cat "$dir/initdb.log" >&2; return 1; }
	cat >>"$dir/data/postgresql.conf" <<-CONF
	listen_addresses = '127.0.0.1'
	port = $port
	unix_socket_directories = '$dir'
	fsync = on
	synchronous_commit = on
	max_connections = 300
	CONF
	pg_as "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
	    start >/dev/null ||
	    { cat "$dir/server.log" >&2; return 1; }
	PG_PORT=$port
	PG_CONNINFO="host=127.0.0.1 port=$port user=$user dbname=postgres"
}

# pg_cluster_stop DIR: a fast shutdown (clients disconnected, a clean
# checkpoint); waits for it.
pg_cluster_stop() {
	[ -f "$1/data/postmaster.pid" ] || return 0
	pg_as "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w -t 60 stop >/dev/null
}

# pg_createdb NAME: creates NAME (letters, digits, _) in PG_CONNINFO's
# server (a conninfo string, not a URI); prints PG_CONNINFO with its
# dbname replaced by NAME.
pg_createdb() {
	local base
	case $1 in "" | *[!a-z0-9_]*) echo "pg_createdb: bad name '$1'" >&2; return 1 ;; esac
	psql "$PG_CONNINFO" -XAtq -v ON_ERROR_STOP=1 -c "CREATE DATABASE $1" >/dev/null || return 1
	base=$(printf '%s' "$PG_CONNINFO" | sed 's/\(^\| \)dbname=[^ ]*//; s/^ *//')
	printf '%s dbname=%s\n' "$base" "$1"
}
