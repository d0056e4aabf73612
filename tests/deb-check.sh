#!/bin/bash
# deb-check.sh - the Debian package on this machine (`make deb-check`, as
# root, on Debian 12): build it, lintian (no error, no warning), install it
# with dpkg -i and check what is in place, systemd-analyze verify every
# installed unit and timer (man pages included), nothing enabled, the
# greenmeter user made; then purge it again if it was not installed before.
# Not part of `make test`: it installs into the machine's own /usr and /etc.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
FAILS=0
ok() { echo "ok - $*"; }
not_ok() { FAILS=$((FAILS + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

[ "$(id -u)" = 0 ] || { echo "deb-check: run as root (it installs the package)" >&2; exit 2; }
was_installed=$(dpkg-query -W -f='${Status}' greenmeter 2>/dev/null | grep -c 'install ok installed')
make deb >/tmp/deb-check.build.log 2>&1
check "make deb builds (log: /tmp/deb-check.build.log)" test $? = 0
DEB=$(ls -t build/package/greenmeter_*.deb 2>/dev/null | head -1)
[ -n "$DEB" ] || { not_ok "a package in build/package"; exit 1; }
echo "# $DEB, $(stat -c %s "$DEB") bytes"

lintian --pedantic "$DEB" >/tmp/deb-check.lintian 2>&1
sed 's/^/# lintian: /' /tmp/deb-check.lintian
check "lintian: no error" sh -c "! grep -q '^E:' /tmp/deb-check.lintian"
check "lintian: no warning" sh -c "! grep -q '^W:' /tmp/deb-check.lintian"

dpkg -i "$DEB" >/tmp/deb-check.dpkg 2>&1
check "dpkg -i installs it" test $? = 0
for f in /usr/bin/gm-agent /usr/bin/gm-collector /usr/bin/gm-dashboard /usr/bin/gm-report /usr/bin/gm-sim \
	/usr/libexec/greenmeter/gm-report-run /etc/greenmeter/agent.conf /etc/greenmeter/collector.conf \
	/etc/greenmeter/dashboard.conf /etc/greenmeter/organisation.ini /etc/default/greenmeter \
	/usr/share/greenmeter/devices/sdm630.conf /usr/share/greenmeter/mosquitto/greenmeter.conf /usr/share/greenmeter/mosquitto/greenmeter.acl \
	/usr/share/doc/greenmeter/install.md.gz /usr/lib/sysusers.d/greenmeter.conf; do
	[ -e "$f" ] || not_ok "installed: $f"
done
units=$(ls /lib/systemd/system/gm-* | wc -l)
check "7 units and timers in /lib/systemd/system ($units)" test "$units" = 7
pages=$(dpkg -L greenmeter | grep -c '^/usr/share/man/man[1-8]/')
check "man pages installed ($pages)" test "$pages" -ge 13
for p in gm-agent gm-collector gm-dashboard gm-report gm-sim greenmeter gm-agent.conf; do
	man -w "$p" >/dev/null 2>&1 || not_ok "man $p finds its page"
done
systemd-analyze verify /lib/systemd/system/gm-*.service /lib/systemd/system/gm-*.timer >/tmp/deb-check.verify 2>&1
rc=$?
sed 's/^/# verify: /' /tmp/deb-check.verify
check "systemd-analyze verify: every installed unit and timer" test "$rc" = 0 -a ! -s /tmp/deb-check.verify
for u in gm-agent.service gm-collector.service gm-dashboard.service gm-report-daily.timer gm-report-monthly.timer; do
	check "$u is not enabled by the install" test "$(systemctl is-enabled "$u" 2>/dev/null)" = disabled
done
check "the greenmeter system user exists" sh -c 'id -u greenmeter >/dev/null && [ "$(id -u greenmeter)" -lt 1000 ]'
check "the example configs pass their programs' checks" sh -c '
	gm-agent -n -c /etc/greenmeter/agent.conf >/dev/null &&
	gm-collector -n -c /etc/greenmeter/collector.conf >/dev/null &&
	gm-dashboard -n -c /etc/greenmeter/dashboard.conf >/dev/null'
check "dpkg --verify: the installed files are the package's" dpkg --verify greenmeter

if [ "$was_installed" = 0 ]; then
	dpkg --purge greenmeter >/tmp/deb-check.purge 2>&1
	check "dpkg --purge removes it and its configs" sh -c '! test -e /usr/bin/gm-agent && ! test -e /etc/greenmeter/agent.conf'
fi
[ "$FAILS" = 0 ]
