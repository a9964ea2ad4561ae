#!/bin/bash
# tests/fuzz/run.sh: builds each libFuzzer target of tests/fuzz with
# clang -fsanitize=fuzzer,address,undefined against the lib sources and
# runs it for FUZZ_SECONDS (default 60) seconds, FUZZ_JOBS (default: the
# number of CPUs) targets at a time.  Speaks TAP: one test point per
# target; a crash, a leak, a timeout (FUZZ_TIMEOUT seconds for one input,
# default 10) or a broken invariant is "not ok", and the input that did it
# is kept in $top_builddir/tests/fuzz/crashes/ and named in the output.
#
# Every file of the seed corpus tests/fuzz/corpus/<target>/ runs first,
# so a crash once found and added there is a regression test.
# FUZZ_SECONDS=0 runs the seeds only.  `run.sh TARGET FILE...` builds
# one target and runs it on the given inputs only (to reproduce a crash).
#
# A target whose lib sources do not exist (yet) is skipped; so is
# everything when clang cannot build a fuzzer.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
timeout=${FUZZ_TIMEOUT:-10}
CC=${FUZZ_CC:-clang}
fz=$top_srcdir/tests/fuzz

# name | max input length | lib sources it needs
targets="body|8192|lib/json.c lib/utf8.c lib/user.c lib/zod.c lib/url.c
jws|10240|lib/jwt.c lib/jwks.c lib/b64.c lib/json.c
jwks|20480|lib/jwks.c lib/b64.c lib/json.c
digest|1024|lib/pw_verify.c
cfg|8192|lib/cfg.c
form|8192|lib/form.c lib/json.c lib/utf8.c lib/user.c lib/zod.c lib/url.c
url|4096|lib/url.c
query|8300|lib/query.c lib/re.c lib/utf8.c
re|4096|lib/re.c lib/utf8.c"

w=$(mktemp -d "${TMPDIR:-/tmp}/usercgi-fuzz.XXXXXX")
trap 'rm -rf "$w"' EXIT
crashes=$top_builddir/tests/fuzz/crashes

san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"
echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; return (int)n & 0; }' >"$w/probe.c"
if ! "$CC" -fsanitize=fuzzer,address,undefined "$w/probe.c" -o "$w/probe" 2>/dev/null; then
	echo "1..0 # SKIP $CC cannot build libFuzzer targets (apt-get install clang libclang-rt-14-dev)"
	exit 0
fi

# config.h lives in the build tree (or the source tree for in-tree builds).
confdir=$top_builddir
[ -f "$confdir/config.h" ] || confdir=$top_srcdir
pkgs="json-c libcrypto libargon2 libsodium libxcrypt sqlite3"
cflags="-std=c11 -g -O1 -fno-omit-frame-pointer -I$confdir -I$top_srcdir/lib \
	-DSYSCONFDIR=\"/nonexistent\" -DPKGLIBDIR=\"/nonexistent\" \
	$(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs)"

# Every lib source that compiles goes into one archive; the linker takes
# from it only what a target uses.  Of the phone sources only the
# verbatim one goes in: they define the same symbols, and no target
# normalises a number.
mkdir -p "$w/obj"
for src in "$top_srcdir"/lib/*.c; do
	case ${src##*/} in phone_verbatim.c) ;; phone*) continue ;; esac
	o=$w/obj/$(basename "$src" .c).o
	"$CC" $cflags $san -c "$src" -o "$o" 2>"$o.err" || rm -f "$o"
done
ar rcs "$w/libfuzz.a" "$w"/obj/*.o 2>/dev/null

# run_target NAME MAXLEN: builds and runs one target; writes its TAP line
# (without the number) and comment lines to $w/NAME.tap.
run_target() {
	local name=$1 maxlen=$2 bin=$w/fuzz_$1 d=$w/$1 rc execs
	local log=$d/log
	mkdir -p "$d/corpus" "$d/art"
	if ! "$CC" $cflags -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	    -Wmissing-prototypes -Wformat=2 -Wvla -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all "$fz/fuzz_$name.c" "$w/libfuzz.a" $libs \
	    -o "$bin" >"$d/build.log" 2>&1; then
		{ echo "not ok - fuzz_$name: build failed"
		  sed 's/^/#   /' "$d/build.log" | head -n 30
		  for f in "$w"/obj/*.err; do
			[ -s "$f" ] && sed 's/^/#   /' "$f" | head -n 10
		  done; } >"$w/$name.tap"
		return
	fi
	# -close_fd_mask=2: the code's own log lines go nowhere; libFuzzer's
	# and the sanitizers' reports still reach the log.
	"$bin" -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb=2048 \
	    -max_len="$maxlen" -close_fd_mask=2 -print_final_stats=1 \
	    $( [ "$secs" = 0 ] && echo -runs=0 ) \
	    $( [ -f "$fz/$name.dict" ] && echo "-dict=$fz/$name.dict" ) \
	    -artifact_prefix="$d/art/" "$d/corpus" "$fz/corpus/$name" \
	    >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$rc" = 0 ] && ! ls "$d"/art/* >/dev/null 2>&1; then
		if [ "$secs" = 0 ]; then
			echo "ok - fuzz_$name: the seed corpus, no crash" >"$w/$name.tap"
		else
			echo "ok - fuzz_$name: ${execs:-0} inputs in ${secs}s, no crash" >"$w/$name.tap"
		fi
		return
	fi
	mkdir -p "$crashes"
	{ echo "not ok - fuzz_$name: exit $rc"
	  for a in "$d"/art/*; do
		[ -f "$a" ] || continue
		cp "$a" "$crashes/$name-$(basename "$a")"
		echo "#   reproducer: $crashes/$name-$(basename "$a")"
		echo "#   once fixed, add it to tests/fuzz/corpus/$name/"
	  done
	  grep -E 'ERROR|SUMMARY|#[0-9]+ 0x' "$log" |
	      grep -v -E 'fuzzer::|libc_start|in _start|in main ' | head -n 20 | sed 's/^/#   /'
	} >"$w/$name.tap"
	# Again without -close_fd_mask, for the invariant message.
	for a in "$d"/art/*; do
		[ -f "$a" ] || continue
		"$bin" "$a" 2>&1 | grep -m 3 'invariant broken' | sed 's/^/#   /' >>"$w/$name.tap"
	done
}

# Reproduction: run.sh TARGET FILE...
if [ $# -gt 0 ]; then
	name=$1; shift
	mkdir -p "$w/$name"
	"$CC" $cflags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    "$fz/fuzz_$name.c" "$w/libfuzz.a" $libs -o "$w/fuzz_$name" || exit 1
	"$w/fuzz_$name" "$@"
	exit $?
fi

running=0
while IFS='|' read -r name maxlen srcs; do
	missing=
	for s in $srcs; do
		[ -f "$top_srcdir/$s" ] || missing="$missing $s"
	done
	if [ -n "$missing" ]; then
		echo "ok - fuzz_$name # SKIP not written yet:$missing" >"$w/$name.tap"
		continue
	fi
	run_target "$name" "$maxlen" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done <<EOF
$targets
EOF
wait

n=0; failed=0
while IFS='|' read -r name _; do
	n=$((n + 1))
	line=$(head -n 1 "$w/$name.tap")
	case $line in "not ok"*) failed=$((failed + 1)) ;; esac
	printf '%s\n' "$line" | sed "s/^\(not \)\{0,1\}ok /&$n /"
	tail -n +2 "$w/$name.tap"
done <<EOF
$targets
EOF
echo "1..$n"
[ "$failed" -eq 0 ]
