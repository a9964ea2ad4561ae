# tests/pg/standby.sh: a synchronous streaming standby of a throwaway
# primary (issue 14, point 4).  Source it after tests/pg/cluster.sh, whose
# pg_cluster_start made the primary; like it, every server process runs
# as the postgres user when the test runs as root (its pg_as), from
# $PG_BIN.  The standby's directory must be reachable by postgres (a
# sibling of the primary's is).
#
#   pg_standby_start DIR PRIMARY_PORT [PORT]
#       pg_basebackup -R of the primary into DIR/data, started on
#       127.0.0.1:PORT (default a free port) with its unix socket in DIR;
#       then the primary allows replication from 127.0.0.1 only, names
#       this standby in synchronous_standby_names with synchronous_commit
#       = on, and the function returns once the primary reports it as the
#       "sync" standby, i.e. once a commit answered on the primary is
#       flushed on the standby too.  Sets STANDBY_PORT.
#   pg_standby_promote PORT
#       pg_promote() on the standby at PORT, waiting (30 s at most) until
#       it accepts writes; returns non-zero when it did not.
#   pg_postmaster_pid PORT
#       prints the pid of the postmaster serving PORT (its postmaster.pid).
#   pg_kill_server PORT
#       SIGKILLs that postmaster and each of its children, as a machine that
#       dies would leave them: no shutdown checkpoint, no goodbye to the
#       clients or the standby.  Returns once none of them runs.
#   pg_in_recovery PORT
#       prints "t" for a standby, "f" for a primary.

# STANDBY_NAME: the standby's application_name (from its cluster_name),
# the name synchronous_standby_names gives the primary.
STANDBY_NAME=usercgi_standby

# PG_SUPERUSER: the role initdb made (cluster.sh: postgres when root).
PG_SUPERUSER=$(id -un)
[ "$(id -u)" = 0 ] && PG_SUPERUSER=postgres

# pg_sql PORT SQL: runs SQL on the postgres database at 127.0.0.1:PORT as
# PG_SUPERUSER; rows as "a|b", errors to stderr.
pg_sql() {
	psql -XAtq -v ON_ERROR_STOP=1 \
	    "host=127.0.0.1 port=$1 user=$PG_SUPERUSER dbname=postgres connect_timeout=5" -c "$2"
}

pg_standby_start() {
	local dir=$1 pport=$2 port=${3:-} hba i st
	[ -n "$port" ] || port=$(free_port)
	mkdir -p "$dir" || return 1
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$dir" && chmod 700 "$dir" || return 1
	fi
	# Replication from 127.0.0.1 only: the primary's other replication
	# lines go, one trust line for 127.0.0.1/32 comes first.
	hba=$(pg_sql "$pport" 'SHOW hba_file') || return 1
	pg_as sh -c "grep -v -E '^[[:space:]]*(local|host[a-z]*)[[:space:]]+replication[[:space:]]' '$hba' >'$hba.new' &&
	    { echo 'host replication $PG_SUPERUSER 127.0.0.1/32 trust'; cat '$hba.new'; } >'$hba' && rm -f '$hba.new'" || return 1
	pg_sql "$pport" 'SELECT pg_reload_conf()' >/dev/null || return 1
	pg_as "$PG_BIN/pg_basebackup" -d "host=127.0.0.1 port=$pport user=$PG_SUPERUSER" \
	    -D "$dir/data" -R -X stream -c fast >"$dir/basebackup.log" 2>&1 || {
		sed 's/^/# basebackup: /' "$dir/basebackup.log"; return 1; }
	pg_as "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
	    -o "-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$dir' -c cluster_name=$STANDBY_NAME -c hot_standby=on" \
	    start >/dev/null || { sed 's/^/# standby: /' "$dir/log"; return 1; }
	STANDBY_PORT=$port
	# Only now (the standby streams) does the primary wait for it: its
	# postgresql.auto.conf was copied before, so the standby, once
	# promoted, waits for no standby of its own.
	pg_sql "$pport" "ALTER SYSTEM SET synchronous_standby_names = '$STANDBY_NAME'" >/dev/null || return 1
	pg_sql "$pport" "ALTER SYSTEM SET synchronous_commit = on" >/dev/null || return 1
	pg_sql "$pport" 'SELECT pg_reload_conf()' >/dev/null || return 1
	for i in $(seq 1 100); do
		st=$(pg_sql "$pport" "SELECT sync_state FROM pg_stat_replication WHERE application_name = '$STANDBY_NAME'" 2>/dev/null)
		[ "$st" = sync ] && return 0
		sleep 0.1
	done
	echo "# standby on port $port is not the primary's sync standby (state '$st')"
	return 1
}

pg_standby_promote() {
	local r
	r=$(pg_sql "$1" 'SELECT pg_promote(true, 30)') || return 1
	[ "$r" = t ] && [ "$(pg_in_recovery "$1")" = f ]
}

pg_in_recovery() {
	pg_sql "$1" 'SELECT pg_is_in_recovery()'
}

pg_postmaster_pid() {
	local data
	data=$(pg_sql "$1" 'SHOW data_directory') || return 1
	head -n 1 "$data/postmaster.pid"
}

pg_kill_server() {
	local pm kids st i
	pm=$(pg_postmaster_pid "$1") || return 1
	[ -n "$pm" ] || return 1
	kids=$(pgrep -P "$pm")
	kill -KILL "$pm" $kids 2>/dev/null
	# A zombie counts as gone: nobody may have reaped it yet.
	for i in $(seq 1 100); do
		st=$(ps -o stat= -p "$(echo $pm $kids | tr " " ,)" 2>/dev/null | grep -v '^ *Z')
		[ -z "$st" ] && return 0
		sleep 0.05
	done
	return 1
}
