#!/bin/bash
# 13-service: greenmeter as the package installs and starts it.
# `make install` (the Debian package's paths: PREFIX=/usr, units in
# /lib/systemd/system) into a folder of the test's; then each program is
# started from its unit's ExecStartPre and ExecStart lines, as written, on
# the example configs the install put in etc/greenmeter -- only the
# installed tree moved under that folder, the example gateway's address to
# a gm-sim on a free port, the broker's and the dashboard's ports to free
# ones, and the meter's 60 s interval to 2 s. One simulated SDM630 is read
# through to its RRD file and shown by the dashboard; gm-report-run writes
# the daily and monthly reports; `systemd-analyze verify` passes for every
# unit and timer.
. "$(dirname "$0")/../lib.sh"

# The build the programs come from: BIN is build/<variant>/bin.
VARIANT=$(basename "$(dirname "$BIN")")
R=$T/root
make -s -C "$ROOT" VARIANT="$VARIANT" DESTDIR="$R" PREFIX=/usr UNITDIR=/lib/systemd/system \
	install >"$T/install.log" 2>&1
check "make install puts the package's tree in place" test $? = 0
for f in usr/bin/gm-agent usr/bin/gm-collector usr/bin/gm-dashboard usr/bin/gm-report usr/bin/gm-sim \
	usr/libexec/greenmeter/gm-report-run usr/share/greenmeter/devices/sdm630.conf \
	usr/share/greenmeter/org/senate/criteria-2567.ini etc/greenmeter/agent.conf \
	etc/greenmeter/collector.conf etc/greenmeter/dashboard.conf etc/greenmeter/organisation.ini \
	usr/share/man/man8/gm-agent.8 usr/share/man/man5/gm-agent.conf.5 usr/share/man/man1/gm-report.1; do
	[ -e "$R/$f" ] || { not_ok "installed: /$f"; }
done
units=$(ls "$R/lib/systemd/system" 2>/dev/null | tr '\n' ' ')
check "the units and timers are installed ($units)" test "$(echo $units | wc -w)" -eq 7

# An install never overwrites a config the site has edited.
echo '; edited here' >>"$R/etc/greenmeter/agent.conf"
make -s -C "$ROOT" VARIANT="$VARIANT" DESTDIR="$R" PREFIX=/usr UNITDIR=/lib/systemd/system \
	install >>"$T/install.log" 2>&1
check "a second install keeps an edited config" grep -q '^; edited here' "$R/etc/greenmeter/agent.conf"

# --- the units, as systemd reads them ----------------------------------------
# verify checks every ExecStart's program exists: point them into the tree.
mkdir -p "$T/units"
for u in "$R"/lib/systemd/system/*; do
	sed "s|=/usr/|=$R/usr/|" "$u" >"$T/units/${u##*/}"
done
(cd "$T/units" && systemd-analyze verify --man=no ./*.service ./*.timer) >"$T/verify.log" 2>&1
rc=$?
check "systemd-analyze verify: every unit and timer, no complaint" test "$rc" = 0 -a ! -s "$T/verify.log"
[ -s "$T/verify.log" ] && sed 's/^/# /' "$T/verify.log"
for u in gm-agent gm-collector gm-dashboard; do
	check "$u.service runs as greenmeter, sandboxed, with no capabilities" sh -c "
		grep -qx 'User=greenmeter' '$T/units/$u.service' &&
		grep -qx 'ProtectSystem=strict' '$T/units/$u.service' &&
		grep -qx 'NoNewPrivileges=yes' '$T/units/$u.service' &&
		grep -qx 'CapabilityBoundingSet=' '$T/units/$u.service'"
done

# --- the example configs, moved into the test's folder -----------------------
MODBUS=$(free_port)
WEB=$(free_port)
start_broker
rooted() { # file...: the installed tree's paths under $R, the ports free ones
	sed -i -e "s|/usr/|$R/usr/|g; s|/etc/greenmeter/|$R/etc/greenmeter/|g" \
		-e "s|/var/lib/greenmeter|$R/var/lib/greenmeter|g; s|/var/cache/greenmeter|$R/var/cache/greenmeter|g" \
		-e "s|127.0.0.1:1883|127.0.0.1:$BROKER_PORT|; s|192.0.2.10:502|127.0.0.1:$MODBUS|" \
		-e "s|127.0.0.1:8080|127.0.0.1:$WEB|; s|^interval = 60|interval = 2|" "$@"
}
rooted "$R"/etc/greenmeter/*.conf "$R"/etc/greenmeter/organisation.ini
mkdir -p "$R/var/lib/greenmeter"   # systemd's StateDirectory= makes it
one_meter_sim "$MODBUS" 7 30 >"$T/sim.conf"
start sim "$BIN/gm-sim" -c "$T/sim.conf"
wait_port "$MODBUS" || not_ok "gm-sim listens"

# run_unit UNIT: its ExecStartPre (which must succeed), then its ExecStart
run_unit() {
	local u=$T/units/$1.service pre cmd
	pre=$(sed -n 's/^ExecStartPre=//p' "$u" | sed "s|/etc/greenmeter/|$R/etc/greenmeter/|g")
	cmd=$(sed -n 's/^ExecStart=//p' "$u" | sed "s|/etc/greenmeter/|$R/etc/greenmeter/|g")
	echo "# $1: $cmd"
	if [ -n "$pre" ]; then $pre >>"$T/$1.log" 2>&1 || { not_ok "$1: ExecStartPre ($pre) succeeds"; return 1; }; fi
	# shellcheck disable=SC2086 # the unit's words, as systemd splits them
	start "$1" $cmd
}
run_unit gm-collector
wait_for 10 grep -q "subscribed to" "$T/gm-collector.log" || not_ok "the collector subscribed"
run_unit gm-agent
RRD=$R/var/lib/greenmeter/rrd/parliament/b2-main/total_kwh.rrd
wait_for 20 test -s "$RRD"
check "the example agent's meter is read through to its RRD file" test -s "$RRD"
stored() { [ "$(rrdtool lastupdate "$RRD" 2>/dev/null | awk 'NR == 3 { print ($2 > 0) }')" = 1 ]; }
wait_for 10 stored
check "... which holds a reading" stored

run_unit gm-dashboard
wait_port "$WEB" || not_ok "the dashboard listens on its example address"
dash_has_meter() { curl -s "http://127.0.0.1:$WEB/api/meters" | grep -q '"channel":"parliament/b2-main/total_kwh"'; }
wait_for 15 dash_has_meter
check "the dashboard serves the meter (/api/meters)" dash_has_meter

# --- the report timers' script -----------------------------------------------
sleep 2   # a reading or two more
reports() { # monthly|daily [GM_TODAY]
	GM_TODAY=${2:-} GM_PDF=no GM_REPORT=$R/usr/bin/gm-report GM_DATA=$R/var/lib/greenmeter/rrd \
		GM_ORG=$R/etc/greenmeter/organisation.ini GM_REPORTS=$R/var/lib/greenmeter/reports \
		GM_CACHE=$R/var/cache/greenmeter/report "$R/usr/libexec/greenmeter/gm-report-run" "$1" \
		>>"$T/report-run.log" 2>&1
}
TODAY=$(TZ=Asia/Bangkok date +%F)
TOMORROW=$(TZ=Asia/Bangkok date -d "$TODAY +1 day" +%F)
reports daily "$TOMORROW"
check "daily: today's use, as the day after would write it" grep -q 'b2-main' \
	"$R/var/lib/greenmeter/reports/daily/$TODAY.txt"
check "daily: its CSV and the month's files" test -s "$R/var/lib/greenmeter/reports/daily/$TODAY.csv" -a \
	-s "$R/var/lib/greenmeter/reports/daily/month.txt" -a -s "$R/var/lib/greenmeter/reports/daily/month.csv"
check "daily: no file left half written" sh -c "! ls '$R/var/lib/greenmeter/reports/daily/' | grep -q tmp"
# 1 November 2026 closes October: month 1 of FY2570
reports monthly 2026-11-01
check "monthly on 1 Nov 2026: October's Green Office set, FY2570" \
	test -s "$R/var/lib/greenmeter/reports/green-fy2570-2026-10/summary.th.html"
check "... and the fiscal year's so far" test -s "$R/var/lib/greenmeter/reports/green-fy2570/summary.en.html"
check "... which covers 1-31 October 2569 (B.E.)" grep -q '1 ต.ค. 2569 – 31 ต.ค. 2569' \
	"$R/var/lib/greenmeter/reports/green-fy2570-2026-10/summary.th.html"
# 1 October 2026 closes September: the last month of FY2569
reports monthly 2026-10-01
check "monthly on 1 Oct 2026: September's set belongs to FY2569" \
	grep -q 'ปีงบประมาณ พ.ศ. 2569, ช่วงเวลา 1 ก.ย. 2569 – 30 ก.ย. 2569' \
	"$R/var/lib/greenmeter/reports/green-fy2569-2026-09/summary.th.html"
reports monthly not-a-date
check "a GM_TODAY that is not a date is refused (exit 2)" test $? = 2
[ "$FAILS" -eq 0 ] || sed 's/^/# /' "$T/report-run.log" | tail -20
done_testing
