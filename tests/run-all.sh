#!/bin/bash
# run-all.sh: installs what is needed, builds, and runs the whole test
# suite, as CI does (bash .ci/run).  Passes over the same tests:
#   1. a -Werror build: make check (unit tests, CGI tests, servers), then
#      make check-pg: the tests that touch the store again on PostgreSQL,
#      in a throwaway cluster (tests/pg/check.sh; skipped when built
#      --without-postgresql);
#   2. an ASan+UBSan build: make check again;
#   3. valgrind memcheck over the shell-driven CGI tests of build 1;
#   4. the lean build (--without-libphonenumber --without-postgresql
#      --without-libcurl): its phone, form, create, store, admin and
#      jwksuri (jwks_uri refused) tests;
#   5. the portable build (static, issue 15): make check-portable, the
#      tarball's programs in a bare chroot and behind Apache;
# then make distcheck.
# Ends with the line "N passed, N failed" counting every TAP test point.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

bash tools/install-deps.sh --test || { echo "dependency install failed"; exit 1; }
autoreconf -fi >/dev/null 2>&1 || { echo "autoreconf failed"; exit 1; }

status=0
# build DIR CONFIGURE-ARGS...: configure and build out of tree.
build() {
	local dir=$1; shift
	rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" &&
	"$top/configure" -q "$@" >/dev/null && make -s -j"$jobs" >/dev/null
	local rc=$?
	cd "$top"
	return $rc
}
# check DIR [MAKE-VARS...]: runs the suite, shows failures.
check() {
	local dir=$1; shift
	(cd "$dir" && make -s -j"$jobs" check "$@" >/dev/null 2>&1) || {
		status=1
		echo "=== failures in $dir"
		grep -l ':test-result: \(FAIL\|ERROR\)' $(find "$dir" -name '*.trs') 2>/dev/null |
		while read -r trs; do
			log=${trs%.trs}.log
			echo "--- $log"
			grep -v '^ok ' "$log" | head -n 60
		done
	}
}

echo "== build (-Werror)"
build _build --enable-werror || { echo "build failed"; exit 1; }
# Each fuzz target runs for a minute here; the ASan pass replays the seeds.
check _build FUZZ_SECONDS="${FUZZ_SECONDS:-60}"

echo "== PostgreSQL (make check-pg)"
# Its .trs files (in _build/pg) are counted with the rest below.
(cd _build && make -s check-pg >check-pg.log 2>&1) || {
	status=1
	echo "=== failures in make check-pg"
	grep -l ':test-result: \(FAIL\|ERROR\)' $(find _build/pg -name '*.trs') 2>/dev/null |
	while read -r trs; do
		log=${trs%.trs}.log
		echo "--- $log"
		grep -v '^ok ' "$log" | head -n 60
	done
	tail -n 5 _build/check-pg.log
}
grep '^check-pg: ' _build/check-pg.log

echo "== build (ASan + UBSan)"
# intercept_tls_get_addr=0: GCC 12's LeakSanitizer (libasan.so.8) can
# misread glibc 2.36's dynamic TLS vector once a module with TLS is
# dlopen()ed (the phone module's libstdc++): its tracer then dies at exit
# ("Tracer caught signal 11" after a "DTLS" block at 0x128).  Static TLS,
# stacks and the heap are still scanned.  tests/cgi/lib.sh passes these
# settings to the responder.
if build _build-asan --enable-werror --enable-sanitizers; then
	check _build-asan FUZZ_SECONDS=0 CRASH_MAX_GAP_MS=2000 \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:intercept_tls_get_addr=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
	echo "sanitizer build failed"; status=1
fi

echo "== valgrind (CGI tests)"
vg="/usr/bin/valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --track-fds=no"
mkdir -p _build/valgrind
for t in tests/cgi/*.sh; do
	case $t in tests/cgi/lib.sh) continue ;; esac
	name=$(basename "$t" .sh)
	log=_build/valgrind/$name.log
	UCGI_WRAPPER="$vg" CGI_EXTRA_ENV="USERCGI_ARGON2_T=1 USERCGI_ARGON2_M=64" \
	    top_srcdir="$top" top_builddir="$top/_build" NODE=node \
	    bash "$t" >"$log" 2>&1
	# Turn the log into a .trs so it is counted with the rest.
	awk '/^ok /{print ":test-result: PASS"} /^not ok /{print ":test-result: FAIL"}' \
	    "$log" >"_build/valgrind/$name.trs"
	if grep -q '^not ok ' "$log"; then
		status=1; echo "--- valgrind: $log"; grep -A3 '^not ok ' "$log" | head -n 40
	fi
done

echo "== build (--without-libphonenumber --without-postgresql --without-libcurl)"
if build _build-lean --enable-werror --without-libphonenumber \
    --without-postgresql --without-libcurl; then
	check _build-lean FUZZ_SECONDS=0 TESTS="tests/unit/test_phone tests/unit/test_form tests/unit/test_store tests/cgi/create.sh tests/cgi/phone_form.sh tests/cgi/admin.sh tests/cgi/jwksuri.sh"
else
	echo "lean build failed"; status=1
fi

echo "== portable build (--enable-portable --without-postgresql --without-libcurl)"
# Static usercgi.fcgi and usercgi-admin, packed by make portable-dist and
# run from the tarball under chroot and as Apache's CGI program (issue 15).
# The linker's warnings about glibc functions that need NSS or dlopen in
# a static program (code paths usercgi never takes, README "Shared
# hosting") go to _build-portable.err, shown when the build fails.
if build _build-portable --enable-werror --enable-portable \
    --without-postgresql --without-libcurl 2>_build-portable.err; then
	(cd _build-portable && make -s check-portable 2>>../_build-portable.err) ||
	    { status=1; tail -n 20 _build-portable.err; }
else
	echo "portable build failed"; tail -n 40 _build-portable.err; status=1
fi

echo "== make distcheck"
# The tarball builds, passes its own check and installs (seeds-only fuzzing
# and a short crash run keep it quick; the full runs were above).
if (cd _build && FUZZ_SECONDS=0 CRASH_SECONDS=5 make -s distcheck >distcheck.log 2>&1); then
	distcheck=PASS
else
	distcheck=FAIL; status=1
	echo "--- make distcheck failed:"; tail -n 40 _build/distcheck.log
fi

pass=0; fail=0
[ "$distcheck" = PASS ] && pass=1 || fail=1
for trs in $(find _build _build-asan _build-lean _build-portable -name '*.trs' 2>/dev/null); do
	p=$(grep -c ':test-result: \(PASS\|XFAIL\)' "$trs")
	f=$(grep -c ':test-result: \(FAIL\|XPASS\|ERROR\)' "$trs")
	pass=$((pass + p)); fail=$((fail + f))
done
[ "$fail" -gt 0 ] && status=1
echo "$pass passed, $fail failed"
exit $status
