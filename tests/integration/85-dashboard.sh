#!/bin/bash
# 85-dashboard: gm-dashboard over a real broker, collector and RRD files.
# A known dataset (a counter with known readings, a gauge read every second,
# a manual entry) is published through mosquitto and stored by gm-collector;
# every page and API answers with the right content; hostile paths, unknown
# meters, over-long requests and other methods get 4xx and the server lives
# on; the gauge stops and turns stale on the overview and in /metrics, and
# the alert hook (a command and an MQTT topic) fires once, then once again
# when it comes back.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"

dash_dataset
# Report files, with a link to outside that must never be served.
# A Green Office set as gm-report leaves one (a few of its files), and an
# older set of another kind.
mkdir -p "$T/reports/green-fy2569"
for f in summary.th.html summary.th.pdf finance-budget.resources.th.html \
	finance-budget.self-evaluation.th.html report.json summary.th.csv; do
	echo "<p>$f</p>" >"$T/reports/green-fy2569/$f"
done
mkdir -p "$T/reports/green-test"
echo '<p>finance report</p>' >"$T/reports/green-test/finance-budget.resources.th.html"
echo 'a,b' >"$T/reports/green-test/summary.th.csv"
ln -s /etc/passwd "$T/reports/green-test/passwd.html"
ln -s /etc "$T/reports/etc"

WEB=$(free_port)
cat >"$T/dash.conf" <<EOF
[dashboard]
listen = 127.0.0.1:$WEB
data_dir = $T/data
status_file = $T/status
org = $T/org/organisation.ini
reports_dir = $T/reports
scan = 0.5
usage_every = 2
units_every = 2
alert_command = echo "\$GM_CHANNEL \${GM_PREVIOUS:-none} \$GM_STATUS \$GM_UNIT" >>$T/alerts
alert_topic = greenmeter/alerts
[mqtt]
broker = 127.0.0.1:$BROKER_PORT
client_id = dash-test
EOF
check "gm-dashboard -n accepts the configuration" "$BIN/gm-dashboard" -n -c "$T/dash.conf"
start alerts-sub mosquitto_sub -p "$BROKER_PORT" -v -t 'greenmeter/alerts/#'
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
DASH_PID=$LAST_PID
check "it listens" wait_port "$WEB"
check "on loopback only" sh -c "ss -Htln 'sport = :$WEB' | grep -q '127.0.0.1:$WEB'"
U=http://127.0.0.1:$WEB
get() { curl -s -o "$T/body" -w '%{http_code} %{content_type}' "$U$1"; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
json() { python3 -c "import json,sys; d=json.load(open('$T/body')); print($1)"; }

check "overview: 200 HTML" sh -c "[ \"\$(curl -s -o '$T/ov.html' -w '%{http_code}' $U/)\" = 200 ]"
check "overview lists the counter with its last value" \
	grep -q 'data-channel="hq/fin-power/import_kwh" data-status="ok">.*1,060.5 หน่วย' "$T/ov.html"
check "overview lists the gauge as ok" grep -q 'data-channel="hq/fast/power_w" data-status="ok"' "$T/ov.html"
check "overview lists the manual entry (not stale)" grep -q 'data-channel="hq/stores/finance-reams" data-status="ok"' "$T/ov.html"
check "overview is Thai by default" grep -q 'ภาพรวมมิเตอร์' "$T/ov.html"
check "and English with ?lang=en" sh -c "curl -s '$U/?lang=en' | grep -q '<h1>Meters</h1>'"
check "it refreshes itself" grep -q 'http-equiv="refresh" content="30"' "$T/ov.html"

# Meters as people know them: named, by building, searchable, filtered.
chans() { curl -s "$U/$1" | grep -o 'data-channel="[^"]*"' | sed 's/data-channel=//; s/"//g' | sort | tr '\n' ' '; }
check "overview: 3 meters, 3 channels" sh -c "grep -q 'id=\"n-meters\">3<' '$T/ov.html' && grep -q 'id=\"n-channels\">3<' '$T/ov.html'"
check "overview: the meter by its Thai name, place and units" \
	sh -c "grep -q 'มิเตอร์ไฟฟ้าสำนักการคลัง</span> <small class=\"place\">อาคารรัฐสภา ชั้น 4 ตู้ไฟฟ้า 4-01</small>' '$T/ov.html' &&
		grep -q 'href=\"/unit/finance-budget\">สำนักการคลังและงบประมาณ</a>' '$T/ov.html'"
check "overview: grouped by building, the one without a section last" \
	python3 -c "
import re, sys
t = open('$T/ov.html', encoding='utf-8').read()
g = re.findall(r'<h2>([^<]*)</h2>', t)
sys.exit(0 if g == ['อาคารรัฐสภา', 'อาคารสำนักงาน', 'ไม่ระบุอาคาร'] else print(g) or 1)"
check "overview in English: the English names" \
	sh -c "curl -s '$U/?lang=en' | grep -q 'Finance power meter</span> <small class=\"place\">Parliament House floor 4 Electrical cabinet 4-01'"
check "search by Thai name: that meter alone" [ "$(chans '?q=%E0%B8%81%E0%B8%B2%E0%B8%A3%E0%B8%84%E0%B8%A5%E0%B8%B1%E0%B8%87')" = "hq/fin-power/import_kwh " ]
check "search by English room, two words: that meter alone" [ "$(chans '?lang=en&q=CABINET+4-01')" = "hq/fin-power/import_kwh " ]
check "search by channel: the stores' entry" [ "$(chans '?q=reams')" = "hq/stores/finance-reams " ]
check "a search nothing matches says so" sh -c "curl -s '$U/?q=zzz' | grep -q 'id=\"no-match\"'"
check "filter by unit: the meter that serves it" [ "$(chans '?unit=central-admin')" = "hq/fin-power/import_kwh " ]
check "filter by resource: electricity, mapped (kWh) and by its unit (W)" [ "$(chans '?res=electricity')" = "hq/fast/power_w hq/fin-power/import_kwh " ]
check "filter by resource: paper issued" [ "$(chans '?res=paper_reams')" = "hq/stores/finance-reams " ]
check "filter by resource: water, none here" [ "$(chans '?res=water')" = "" ]
check "problems only: none while all are ok" sh -c "curl -s '$U/?status=problems' | grep -q 'id=\"no-match\"'"
check "grouped by unit: a shared meter under each unit it serves" \
	sh -c "curl -s '$U/?by=unit' | grep -c 'data-meter=\"hq/fin-power\"' | grep -qx 2"
check "the search runs from a script file, none inline (the policy allows no inline script)" \
	sh -c "curl -sI '$U/' | grep -i '^content-security-policy' | grep -q \"script-src 'self'\" &&
		! grep -q '<script>' '$T/ov.html' && curl -s '$U/search.js' | grep -q 'tbody.meter'"
check "a search is not served from another's cache" [ "$(chans '')" = "hq/fast/power_w hq/fin-power/import_kwh hq/stores/finance-reams " ]

get /api/meters >/dev/null
check "API: meters as JSON" [ "$(json "len(d['meters'])")" = 3 ]
check "API: last value, status and counters of the counter" [ "$(json "[(m['last_value'], m['status'], m['received'], m['lost']) for m in d['meters'] if m['channel']=='hq/fin-power/import_kwh'][0]")" = "(1060.5, 'ok', 13, 0)" ]
# 60 kWh used between the first and the last reading, all of it today
# unless the test began in the first hour of the day: the dashboard's day,
# in Asia/Bangkok (its default timezone), not the machine's.
if [ "$(TZ=Asia/Bangkok date -d "@$T0" +%Y-%m-%d)" = "$(TZ=Asia/Bangkok date +%Y-%m-%d)" ]; then
	today_is_60() { curl -s "$U/api/meters/hq/fin-power/import_kwh" | python3 -c "import json,sys; d=json.load(sys.stdin); a=d['today']['amount']; sys.exit(0 if a is not None and abs(a - 60) < 1e-3 else 1)"; }
	check "API: today's use is the counter difference (60 kWh)" wait_for 10 today_is_60
	# the meter page's bars by the hour add up to the same 60
	hour_bars() { curl -s "$U/meter/hq/fin-power/import_kwh" | python3 -c "
import html, math, re, sys
spec = html.unescape(re.findall(r'data-chart=\"([^\"]*)\"', sys.stdin.read())[0]).split(';')
today = [float(x) for x in spec[7].split('|')[1:]]
sys.exit(0 if len(today) == 24 and abs(sum(x for x in today if not math.isnan(x)) - 60) < 1e-6 else 1)"; }
	check "meter page: today's bars by the hour add up to today's 60 kWh" hour_bars
fi
get /api/meters/hq/fin-power/import_kwh >/dev/null
check "API: one meter with its recent readings" [ "$(json "d['recent'][0][1]")" = 1060.5 ]
get /api/meters/hq/stores/finance-reams >/dev/null
check "API: a manual entry's recent entries" [ "$(json "d['recent'][0]")" = "[$((NOW - 86400)), 12]" ]

check "meter page: 200" [ "$(get /meter/hq/fin-power/import_kwh)" = "200 text/html; charset=utf-8" ]
check "meter page: its data-quality counters" grep -q 'id="q-received">13<' "$T/body"
check "meter page: named as people know it, where it is, whom it serves, what it is read through" \
	sh -c "grep -q '<h1>มิเตอร์ไฟฟ้าสำนักการคลัง · import_kwh</h1>' '$T/body' &&
		grep -q 'id=\"place\">อาคารรัฐสภา ชั้น 4 ตู้ไฟฟ้า 4-01<' '$T/body' &&
		grep -q 'id=\"serves\"><a href=\"/unit/central-admin\">สำนักบริหารงานกลาง</a>, <a href=\"/unit/finance-budget\">' '$T/body' &&
		grep -q 'id=\"gateway\">gw-4<' '$T/body' && grep -q 'id=\"model\">sdm630<' '$T/body'"
check "meter page: a meter without a [meter] section by its ids" \
	sh -c "curl -s '$U/meter/hq/stores/finance-reams' | grep -q '<h1>hq/stores/finance-reams</h1>'"
check "meter page: its four graphs" [ "$(grep -o 'class="graph" src="/graph/hq/fin-power/import_kwh/[0-9a-z]*.png' "$T/body" | wc -l)" = 4 ]
# the table of readings as they came: 13 rows, each stored, the newest first
arrived_ok() {
	[ "$(grep -o '<td>หลังเวลาอ่าน [0-9.]* วินาที</td><td>บันทึกแล้ว</td>' "$T/body" | wc -l)" = 13 ] &&
		grep -q 'id="recent" class="arrived"><tr><th>[^/]*</th><th>[^/]*</th><th>[^/]*</th><th>[^/]*</th></tr><tr><td>[^<]*</td><td class="num">1,060.5 หน่วย</td>' "$T/body"
}
check "meter page: the 13 readings as they came, newest first, each stored" arrived_ok
get /api/meters/hq/fin-power/import_kwh >/dev/null
check "API: the same readings as they came" [ "$(json "[a[1] for a in d['arrived']] == [1060.5 - 5 * i for i in range(13)] and {a[3] for a in d['arrived']} == {'stored'}")" = True ]
get "/meter/hq/fin-power/import_kwh?rows=stored" >/dev/null
check "meter page, second tab: the stored one-minute rows" \
	sh -c "grep -q '1,055.5 หน่วย' '$T/body' && grep -q '<strong aria-current=\"page\">ข้อมูลที่บันทึก (รายนาที)</strong>' '$T/body'"
check "graph: a PNG" sh -c "curl -s $U/graph/hq/fin-power/import_kwh/24h.png | head -c 4 | grep -q PNG"
check "graph: an SVG" sh -c "curl -s $U/graph/hq/fast/power_w/7d.svg | grep -q '<svg'"
check "graph: 1 year" [ "$(code "$U/graph/hq/fin-power/import_kwh/1y.png")" = 200 ]

units_ready() { [ "$(curl -s -o "$T/units.html" -w '%{http_code}' "$U/units")" = 200 ]; }
check "units page once the figures are in" wait_for 20 units_ready
check "units page names every unit (19 and the whole)" [ "$(grep -c '<tr data-unit=' "$T/units.html")" = 20 ]
check "unit page: 200 with the unit's Thai name" sh -c "curl -s $U/unit/finance-budget | grep -q 'สำนักการคลังและงบประมาณ'"
get /api/units/finance-budget >/dev/null
check "API: the unit's electricity is mapped, baseline 2568" [ "$(json "(d['unit']['baseline_fy'], 'electricity' in d['unit']['resources'])")" = "(2568, True)" ]
check "unit page: paper issued with no entry yet this month says so, no 0 % and no change" \
	sh -c "curl -s $U/unit/central-admin | grep -q '<tr data-res=\"paper_reams\"><th>[^<]*</th><td class=\"num now\">— <small class=\"none\">ยังไม่มีข้อมูลของเดือนนี้</small></td>.*<td class=\"num change\">—</td>'"
check "unit page: units in Thai" sh -c "curl -s $U/unit/finance-budget | grep -q '<td class=\"num now\">[0-9,.]* หน่วย'"
check "unit page links the unit's latest report" sh -c "curl -s $U/unit/finance-budget | grep -q 'href=\"/reports/green-[a-z0-9-]*/finance-budget.resources.th.html\"'"
check "reports page lists the set" sh -c "curl -s $U/reports | grep -q 'summary.th.csv'"
curl -s "$U/reports" >"$T/reports.html"
check "reports page: a Green Office set by its fiscal year" grep -q '<h2>รายงานสำนักงานสีเขียว ปีงบประมาณ พ.ศ. 2569</h2>' "$T/reports.html"
check "its summary's page and PDF by name" grep -q 'สรุปผลการดำเนินงานสำนักงานสีเขียว ทุกหน่วยงาน: <a href="/reports/green-fy2569/summary.th.html">HTML</a> · <a href="/reports/green-fy2569/summary.th.pdf">PDF</a>' "$T/reports.html"
check "a row a unit by its Thai name, its pages linked, a dash where there is none" \
	sh -c "grep -q '<tr data-unit=\"finance-budget\"><td>สำนักการคลังและงบประมาณ</td><td><a href=\"/reports/green-fy2569/finance-budget.resources.th.html\">HTML</a></td><td><a href=\"/reports/green-fy2569/finance-budget.self-evaluation.th.html\">HTML</a></td></tr>' '$T/reports.html' &&
		grep -q '<tr data-unit=\"legal\"><td>สำนักกฎหมาย</td><td>—</td><td>—</td></tr>' '$T/reports.html'"
check "the other files (CSV, JSON) under their own heading" \
	sh -c "grep -q '<summary>ไฟล์อื่น (CSV, JSON, อีกภาษาหนึ่ง) (2)</summary>' '$T/reports.html' && grep -q 'green-fy2569/report.json' '$T/reports.html'"
check "a report file is served" sh -c "curl -s $U/reports/green-test/finance-budget.resources.th.html | grep -q 'finance report'"
check "a CSV is served as text/csv" [ "$(get /reports/green-test/summary.th.csv)" = "200 text/csv; charset=utf-8" ]
check "API: reports" sh -c "curl -s $U/api/reports | grep -q '\"url\":\"/reports/green-test/summary.th.csv\"'"

# Hostile and wrong requests: 4xx, never a file from outside, never a crash.
check "a link to /etc/passwd is not served (404)" [ "$(code "$U/reports/green-test/passwd.html")" = 404 ]
check "a linked directory is not served (404)" [ "$(code "$U/reports/etc/passwd")" = 404 ]
check "'..' in the path: 400" [ "$(code --path-as-is "$U/reports/../../etc/passwd")" = 400 ]
check "encoded '..': 400" [ "$(code "$U/reports/%2e%2e/%2e%2e/etc/passwd")" = 400 ]
check "encoded slashes and dots in an id: 400" [ "$(code "$U/meter/hq/..%2f..%2fetc/passwd")" = 400 ]
check "a hidden name: 400" [ "$(code "$U/reports/.ssh/id_rsa")" = 400 ]
check "an id that is not one: 400" [ "$(code "$U/meter/HQ/fin-power/import_kwh")" = 400 ]
check "an unknown meter: 404" [ "$(code "$U/meter/hq/nope/import_kwh")" = 404 ]
check "an unknown meter in the API: 404" [ "$(code "$U/api/meters/hq/nope/x")" = 404 ]
check "an unknown unit: 404" [ "$(code "$U/unit/nope")" = 404 ]
check "an unknown graph range: 404" [ "$(code "$U/graph/hq/fin-power/import_kwh/2h.png")" = 404 ]
check "an unknown page: 404" [ "$(code "$U/wp-admin")" = 404 ]
check "an over-long query string: 414" [ "$(code "$U/?x=$(head -c 4000 /dev/zero | tr '\0' a)")" = 414 ]
check "an over-long segment: 400" [ "$(code "$U/meter/$(head -c 300 /dev/zero | tr '\0' a)/b/c")" = 400 ]
check "POST: 405" [ "$(code -X POST -d x=1 "$U/")" = 405 ]
check "PUT: 405" [ "$(code -X PUT -d x=1 "$U/api/meters")" = 405 ]
check "DELETE: 405" [ "$(code -X DELETE "$U/reports/green-test/summary.th.csv")" = 405 ]
check "405 says what is allowed" sh -c "curl -s -i -X POST $U/ | grep -qi '^Allow: GET, HEAD'"
check "HEAD: 200 without a body" [ "$(curl -s -I -o /dev/null -w '%{http_code} %{size_download}' "$U/metrics")" = "200 0" ]
check "still alive after all that" kill -0 "$DASH_PID"
check "and answering" [ "$(code "$U/")" = 200 ]

# The gauge stops: stale after 3 intervals, on the overview and in /metrics.
stale_metric() { curl -s "$U/metrics" | grep -q "^greenmeter_meter_stale{site=\"hq\",meter=\"fast\",channel=\"power_w\",unit=\"W\"} $1\$"; }
check "metrics: the gauge is not stale while it reports" stale_metric 0
check "metrics: readings received per meter" sh -c "curl -s $U/metrics | grep -q '^greenmeter_meter_readings_received_total{site=\"hq\",meter=\"fin-power\",channel=\"import_kwh\",unit=\"kWh\"} 13\$'"
touch "$T/fast.stop"
wait "$FAST"
check "the stopped gauge turns stale on the overview" wait_for 20 sh -c "curl -s $U/ | grep -q 'data-channel=\"hq/fast/power_w\" data-status=\"stale\"'"
check "and in /metrics" stale_metric 1
check "the alert command ran for it" wait_for 10 grep -q '^hq/fast/power_w ok stale W$' "$T/alerts"
sleep 3   # several scans later
check "once" [ "$(grep -c '^hq/fast/power_w' "$T/alerts")" = 1 ]
check "the alert went to MQTT too, once" [ "$(grep -c '^greenmeter/alerts/hq/fast/power_w .*"status":"stale","previous":"ok"' "$T/alerts-sub.log")" = 1 ]
rm -f "$T/fast.stop"
fast &
FAST=$!
PIDS="$PIDS $FAST"
check "it reports again: ok, and one more alert" wait_for 20 grep -q '^hq/fast/power_w stale ok W$' "$T/alerts"
check "no alert for the meters that stayed ok" sh -c "! grep -q 'fin-power\|finance-reams' '$T/alerts'"
touch "$T/fast.stop"
wait "$FAST"

# A broken configuration: refused with file:line, nothing started.
printf '[dashboard]\nlisten = 127.0.0.1:%s\nthreads = many\n' "$WEB" >"$T/bad.conf"
"$BIN/gm-dashboard" -n -c "$T/bad.conf" -d "$T/data" 2>"$T/bad.err"
check "a broken config: exit 1" [ $? = 1 ]
check "with file:line" grep -q "bad.conf:3: " "$T/bad.err"
stopped() { ! kill -0 "$DASH_PID" 2>/dev/null; }
kill "$DASH_PID"
check "a clean stop on SIGTERM" wait_for 5 stopped
done_testing
