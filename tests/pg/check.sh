#!/bin/bash
# tests/pg/check.sh TEST...: make check-pg's harness.  Runs each TEST (a
# shell test, path relative to the source tree) with
# USERCGI_TEST_BACKEND=pg against one throwaway PostgreSQL cluster for
# the whole run (or the server USERCGI_TEST_PG names, if set), each test
# in a fresh database of its own.  Logs and .trs files go to pg/ under
# the build directory (the current directory), beside, not over, those
# of make check.  PG_JOBS tests run at once (default 2).  Prints the
# tap-driver's line per test and a summary; exits 1 if any failed.
set -u
: "${top_srcdir:?}" "${AM_TAP_AWK:=awk}"
export AM_TAP_AWK
jobs=${PG_JOBS:-2}
. "$top_srcdir/tests/pg/cluster.sh"

if [ -z "${USERCGI_TEST_PG:-}" ] && [ ! -x "$PG_BIN/initdb" ]; then
	echo "check-pg: SKIP (no $PG_BIN/initdb: install postgresql-15, or set USERCGI_TEST_PG)"
	exit 0
fi
if [ -z "${USERCGI_TEST_PG:-}" ]; then
	pgdir=$(mktemp -d "${TMPDIR:-/tmp}/usercgi-check-pg.XXXXXX") || exit 1
	trap 'pg_cluster_stop "$pgdir/pg"; rm -rf "$pgdir"' EXIT
	pg_cluster_start "$pgdir/pg" || { echo "check-pg: cannot start a PostgreSQL cluster"; exit 1; }
	USERCGI_TEST_PG=$PG_CONNINFO
fi
export USERCGI_TEST_BACKEND=pg USERCGI_TEST_PG

# one TEST: runs it under the TAP driver, as make check does.
one() {
	mkdir -p "pg/$(dirname "$1")"
	rm -f "pg/$1.log" "pg/$1.trs"
	sh "$top_srcdir/build-aux/tap-driver.sh" --test-name "$1" --log-file "pg/$1.log" --trs-file "pg/$1.trs" \
	    --color-tests no --enable-hard-errors yes --expect-failure no -- \
	    "$top_srcdir/$1"
}

for t in "$@"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	one "$t" &
done
wait

pass=0 fail=0 skip=0
for t in "$@"; do
	[ -f "pg/$t.trs" ] || { echo "ERROR: $t: no result"; fail=$((fail + 1)); continue; }
	pass=$((pass + $(grep -c '^:test-result: PASS' "pg/$t.trs")))
	skip=$((skip + $(grep -c '^:test-result: SKIP' "pg/$t.trs")))
	fail=$((fail + $(grep -c '^:test-result: \(FAIL\|XPASS\|ERROR\)' "pg/$t.trs")))
done
echo "check-pg: $# tests on PostgreSQL: $pass passed, $skip skipped, $fail failed"
[ "$fail" = 0 ]
