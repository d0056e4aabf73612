#!/bin/bash
# 30-demo: `make demo`'s script starts the whole chain, loads history, prints
# where to look, writes reports, and on Ctrl-C (SIGINT) stops every process it
# started and nothing else.
. "$(dirname "$0")/../lib.sh"

export GM_DEMO_DIR=$T/demo
# the demo's fault (the printers' gateway) soon enough to watch it here
export GM_DEMO_FAULT_AFTER=75 GM_DEMO_FAULT_FOR=100
# A background job starts with SIGINT ignored; a terminal's Ctrl-C does not:
# put it back to default, in a session of its own, like a foreground job.
setsid perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' bash "$ROOT/tools/demo.sh" "$(dirname "$BIN")" \
	>"$T/demo.out" 2>&1 &
DEMO=$!
PIDS="$PIDS $DEMO"
wait_for 400 grep -q "Press Ctrl-C" "$T/demo.out"
check "the demo says it is running" grep -q "greenmeter demo is running" "$T/demo.out"
check "it prints the broker address" grep -Eq "broker +mqtt://127\.0\.0\.1:[0-9]+" "$T/demo.out"
check "it prints where the reports are" grep -q "this-month.txt" "$T/demo.out"
# every channel of the 25 meters (19 x 5 of an SDM120, 5 x 2 of a printer,
# the water meter's 1), as the demo's history gives them
check "yesterday's report has the 106 channels of the 25 meters, all covered" \
	test "$(grep -c ' 100.0% ' "$GM_DEMO_DIR/reports/yesterday.txt")" -eq 106
for f in yesterday last-month this-month; do
	check "$f.txt has no nan" sh -c "test -s '$GM_DEMO_DIR/reports/$f.txt' && ! grep -qw nan '$GM_DEMO_DIR/reports/$f.txt'"
	check "$f.txt's columns line up" table_aligned "$GM_DEMO_DIR/reports/$f.txt"
done
# The 21 manual-entry channels (19 units' reams, the fuel, the waste) are entered at
# each month's end: nothing in a day but a month's last.
check "yesterday's 21 manual-entry channels say there is no entry" \
	test "$(grep -c '^parliament  *stores  .*  no entry this period$' "$GM_DEMO_DIR/reports/yesterday.txt")" \
	-eq "$([ "$(TZ=Asia/Bangkok date +%d)" = 01 ] && echo 0 || echo 21)"
check "last month's have their figures" \
	test "$(grep -c '^parliament  *stores  .*  100.0%  *0$' "$GM_DEMO_DIR/reports/last-month.txt")" -eq 21
G=$(ls -d "$GM_DEMO_DIR"/reports/green-fy* | head -1)
check "the Green Office set of the last fiscal year: 19 self-evaluations, Thai and English" \
	test "$(ls "$G"/*.self-evaluation.th.html "$G"/*.self-evaluation.en.html | wc -l)" -eq 38
check "the organisation summary in Thai and English" test -s "$G/summary.th.html" -a -s "$G/summary.en.html"
check "every unit has a paper reduction against the baseline year" \
	test "$(python3 -c "import json; r = json.load(open('$G/report.json')); print(sum(u['paper_reduction_pct'] is not None for u in r['units']))")" -eq 19
check "it prints where the Green Office reports are" grep -q "summary.th.html" "$T/demo.out"
# The current year's first quarter, made now: a month not closed yet is never
# compared (the month in progress is listed as such when the quarter holds
# it), and every change follows from the two amounts beside it.
Q=$(ls -d "$GM_DEMO_DIR"/reports/green-fy*-q1 | head -1)
check "the quarter so far: like for like, and every change reconciles" python3 - "$Q/report.json" <<'PY'
import json, os, sys, time
os.environ['TZ'] = 'Asia/Bangkok'
time.tzset()
r = json.load(open(sys.argv[1]))
now = time.strftime('%Y-%m')
in_quarter = r['from'][:7] <= now <= r['to'][:7]
bad = []
for u in r['units'] + [r['whole']]:
    for k, v in u['resources'].items():
        c = v['compared']
        if any(m >= now for m in c['months']):
            bad.append((u.get('id'), k, 'compares a month not closed'))
        if in_quarter and v['amount'] is not None and \
                {'month': now, 'why': 'in_progress'} not in v['not_compared']:
            bad.append((u.get('id'), k, 'month in progress not said'))
        if c['change_pct'] is not None and \
                abs((c['baseline_amount'] - c['amount']) / c['baseline_amount'] * 100 - c['change_pct']) > 1e-9:
            bad.append((u.get('id'), k, 'does not reconcile'))
print('\n'.join(map(str, bad)))
sys.exit(1 if bad else 0)
PY
check "this month's CSV was written" test -s "$GM_DEMO_DIR/reports/this-month.csv"

port=$(sed -n 's/.*mqtt:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/demo.out" | head -1)
live=$(timeout 25 mosquitto_sub -p "$port" -t 'greenmeter/v1/parliament/central-admin-power/import_kwh' -C 1)
check "the agent publishes live readings" test -n "$live"

children=$(pgrep -s "$DEMO" | grep -v "^$DEMO$" | tr '\n' ' ')
echo "# demo processes: $children"
check "the demo runs mosquitto, gm-sim, gm-collector, gm-agent and gm-dashboard" \
	test "$(ps -o comm= -p "$(echo $children | tr ' ' ',')" | grep -cE '^(mosquitto|gm-sim|gm-collector|gm-agent|gm-dashboard)$')" -eq 5
web=$(sed -n 's/^  dashboard  \(http:[^ ]*\).*/\1/p' "$T/demo.out")
check "it prints the dashboard's URL" test -n "$web"
check "the dashboard shows the demo's meters" sh -c "curl -s '$web' | grep -q 'data-channel=\"parliament/central-admin-power/import_kwh\"'"
demo_signin() { # the admin it prints signs in and reads the audit log
	local tok
	tok=$(curl -s -c "$T/jar" -b "$T/jar" "${web}signin" | grep -o '[0-9a-f]\{64\}' | head -1)
	[ "$(curl -s -o /dev/null -w '%{http_code}' -c "$T/jar" -b "$T/jar" --data-urlencode "csrf=$tok" \
		--data-urlencode name=admin --data-urlencode password=demo-admin-2569 "${web}signin")" = 303 ] &&
		curl -s -b "$T/jar" "${web}audit" | grep -q '<td>admin</td><td>127.0.0.1</td><td>เข้าสู่ระบบ</td>'
}
demo_admin() { grep -q 'as admin / demo-admin-2569' "$T/demo.out" && demo_signin; }
check "it prints an admin to sign in as, who reads the audit log" demo_admin
check "and its 19 units" sh -c "curl -s '${web}units' | grep -c '<tr data-unit=' | grep -qx 20"
# Monday morning: history runs up to the live agent, so nothing starts stale
green() { curl -s "$web" >"$T/ov.html" && grep -q 'id="n-stale">0<' "$T/ov.html" &&
	grep -q 'id="n-fault">0<' "$T/ov.html" && grep -q 'id="n-meters">27<' "$T/ov.html"; }
check "the overview shows all 27 meters ok within 30 s of its URL (25 polled, the stores' entries, the canteen's dial)" wait_for 30 green
check "by their Thai names, grouped by building" \
	sh -c "grep -q '<h2>อาคารรัฐสภา (สัปปายะสภาสถาน)</h2>' '$T/ov.html' &&
		grep -q 'มิเตอร์ไฟฟ้า สำนักการคลังและงบประมาณ</span>' '$T/ov.html'"
check "and no figure of today's is incomplete" sh -c "! grep -q 'ข้อมูลไม่ครบ' '$T/ov.html'"

# A month still under way is not "incomplete": its row says it is under way.
under_way_not_incomplete() {
	! grep -h -A0 'data-compared="0"' "$Q"/*.resources.th.html | grep 'ยังไม่สิ้นเดือน' | grep -q 'ข้อมูลไม่ครบ'
}
check "the month in progress is not marked as missing data" under_way_not_incomplete

# The same figure wherever it is shown: every channel's today and month on
# the dashboard's API, and every closed month of every unit's resources in
# both Green Office sets, against gm-report asked for the same span.
agree() { python3 "$ROOT/tests/figures_agree.py" "$@" >"$T/agree.out" 2>&1; local rc=$?
	grep '^not ok' "$T/agree.out" | head -5 | sed 's/^/# /'; tail -1 "$T/agree.out" | sed 's/^/# /'; return $rc; }
check "the dashboard's figures are gm-report's for the same spans" agree dash "$BIN" "$GM_DEMO_DIR/data" "$web"
for s in "$GM_DEMO_DIR"/reports/green-fy*; do
	check "$(basename "$s"): each closed month's figures are its sources' in gm-report" \
		agree green "$BIN" "$GM_DEMO_DIR/data" "$s"
done
# The demo's fault: the printers' gateway stops answering for 100 s (stale
# after 3 readings missed, 30 s, and said once settled), one
# alert names it and its 5 meters, one says it is over; nothing else.
check "the printers' gateway stops: one alert, in Thai, for its 5 meters" \
	wait_for 150 grep -q 'opened \[ขาดการส่งข้อมูล\] เกตเวย์ไม่ตอบ gw-printers: มิเตอร์ 5 เครื่อง' "$GM_DEMO_DIR/alerts.log"
check "and one when it answers again" wait_for 120 grep -q 'resolved \[กลับมาปกติ\] เกตเวย์ไม่ตอบ gw-printers' "$GM_DEMO_DIR/alerts.log"
check "nothing else alerted" [ "$(grep -c . "$GM_DEMO_DIR/alerts.log")" = 2 ]
[ "$FAILS" -eq 0 ] || sed 's/^/# /' "$GM_DEMO_DIR/alerts.log"
kill -INT -- "-$DEMO"     # Ctrl-C: SIGINT to the whole foreground group
wait_for 20 sh -c "! kill -0 $DEMO"
check "Ctrl-C ends the demo" sh -c "! kill -0 $DEMO 2>/dev/null"
sleep 0.5
check "and every process it started" test -z "$(pgrep -s "$DEMO")"
check "it says it stopped" grep -q "^stopped" "$T/demo.out"
done_testing
