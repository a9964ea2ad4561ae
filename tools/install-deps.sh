#!/bin/sh
# install-deps.sh: installs everything usercgi needs to build, run and
# test on Debian 12, as root.  Safe to run again.
#   sh tools/install-deps.sh          build + run dependencies
#   sh tools/install-deps.sh --test   also the test and benchmark tools
set -eu
export DEBIAN_FRONTEND=noninteractive

BUILD="build-essential autoconf automake pkg-config
	libfcgi-dev libjson-c-dev libsqlite3-dev libcrypt-dev libssl-dev
	libargon2-dev libsodium-dev libphonenumber-dev libpq-dev libcurl4-openssl-dev"
# The portable build (configure --enable-portable) links their static
# archives; these come with libphonenumber-dev, named for that build.
PORTABLE="libprotobuf-dev libicu-dev libabsl-dev zlib1g-dev binutils"
RUN="lighttpd sqlite3 curl ca-certificates"
TEST="nodejs python3 valgrind gdb clang libclang-rt-14-dev jq spawn-fcgi systemd util-linux
	apache2 libapache2-mod-fcgid nginx-light wrk hyperfine lighttpd-mod-openssl
	postgresql-15 postgresql-client-15"

pkgs="$BUILD $PORTABLE $RUN"
[ "${1:-}" = "--test" ] && pkgs="$pkgs $TEST"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt-get update -qq
	# Installing a web server or postgresql-15 must not start the system
	# service (Debian's postinst then creates the "main" cluster but leaves
	# it down; the tests start clusters of their own: tests/pg/cluster.sh).
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d.usercgi
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		cp /usr/sbin/policy-rc.d.usercgi /usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		cleanup=1
	fi
	rm -f /usr/sbin/policy-rc.d.usercgi
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
	[ "${cleanup:-0}" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
# Debian's nodejs comes without npm; other builds of nodejs include it.
if [ "${1:-}" = "--test" ] && ! command -v npm >/dev/null 2>&1; then
	apt-get install -y -qq --no-install-recommends npm >/dev/null
fi

if [ "${1:-}" = "--test" ]; then
	here=$(cd "$(dirname "$0")/.." && pwd)
	(cd "$here/tests/jose" && npm ci --no-audit --no-fund --loglevel=error)
fi
