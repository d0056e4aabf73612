#!/bin/sh
# Install the Debian packages greenmeter builds, tests and demos with, if any
# is missing. Safe to run again; does nothing when all are present.
set -e
PKGS="build-essential pkg-config libmodbus-dev libpaho-mqtt-dev librrd-dev rrdtool
rrdcached libcmocka-dev libcjson-dev libinih-dev libmicrohttpd-dev mosquitto
mosquitto-clients mbpoll socat valgrind tzdata procps iproute2 curl zlib1g-dev perl openssl
clang libclang-rt-14-dev chromium chromium-driver fonts-thai-tlwg python3
libpango1.0-dev libcairo2-dev poppler-utils libcurl4-openssl-dev python3-aiosmtpd locales
libsqlite3-dev libsodium-dev sqlite3 libldap2-dev slapd ldap-utils
libsnmp-dev snmpd snmp"
# the man pages' lint and the units' check (tests 12 and 13)
PKGS="$PKGS mandoc systemd"
# `make deb` needs the Debian packaging tools too
[ "${1:-}" = deb ] && PKGS="$PKGS debhelper dpkg-dev fakeroot lintian"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
# Thai day and month names on the dashboard's graphs (gm-dashboard's Thai pages)
thai_locale() { locale -a 2>/dev/null | grep -qix 'th_TH.utf8'; }
[ -z "$missing" ] && thai_locale && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install:$missing${missing:+ and} the th_TH.UTF-8 locale (run: sudo $0)" >&2
	exit 1
fi
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# The mosquitto package would start a system broker; ours run on free ports.
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
thai_locale || { echo "deps: making the th_TH.UTF-8 locale"; localedef -i th_TH -f UTF-8 th_TH.UTF-8; }
