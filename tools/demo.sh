#!/bin/bash
# demo.sh - the whole chain, live, on this machine: mosquitto on a free
# loopback port, gm-sim meters, gm-collector, two fiscal years of history loaded
# through the broker, gm-agent polling live, reports written, and
# gm-dashboard serving all of it on http://127.0.0.1:8080/. Ctrl-C
# stops everything it started (by pid, nothing else).
#
#   tools/demo.sh BUILD_DIR        (make demo calls it)
# GM_DEMO_DIR chooses where its files go (default run/demo).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build/release}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
BIN=$BUILD/bin
RUN=${GM_DEMO_DIR:-$ROOT/run/demo}
. "$ROOT/tools/runlib.sh"
# start and start_broker log to $RUN/<name>.log; the broker keeps its
# database in $RUN/mosquitto.
LOG_DIR=$RUN
BROKER_DIR=$RUN/mosquitto
PIDS=""

stop_all() {
	trap - INT TERM EXIT
	[ -n "${SLEEPER:-}" ] && kill "$SLEEPER" 2>/dev/null
	echo
	echo "stopping: $PIDS"
	stop_pids $PIDS
	# and whatever else of ours is still running: a report refresh that
	# Ctrl-C caught between two commands, a sleep the trap did not know yet
	pkill -P $$ 2>/dev/null
	wait 2>/dev/null
	echo "stopped. Data and reports stay in $RUN"
	exit 0
}
trap stop_all INT TERM EXIT

rm -rf "$RUN"
mkdir -p "$RUN/data" "$RUN/reports"
MQTT=$(free_port)
MODBUS=$(free_port)
NOW=$(date +%s)

. "$ROOT/tools/demo_org.sh"
demo_sim_conf >"$RUN/sim.conf"
demo_org
demo_checklists 2569
demo_plan 2569

{
	printf '[agent]\nsite = parliament\ndevices = %s/devices\nspool_dir = %s/spool\n' "$ROOT" "$RUN"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = demo-agent\n' "$MQTT"
	u=1
	for m in $(demo_meters); do
		printf '[meter %s]\nmodel = %s\nhost = 127.0.0.1:%s\nunit = %d\ninterval = 10\n' \
			"${m%%:*}" "${m#*:}" "$MODBUS" "$u"
		u=$((u + 1))
	done
} >"$RUN/agent.conf"

collector_conf "$RUN/data" "$RUN/collector.status" "$MQTT" demo-collector >"$RUN/collector.conf"

echo "demo: starting mosquitto on 127.0.0.1:$MQTT"
start_broker "$MQTT" || { echo "demo: mosquitto did not start: see $RUN/mosquitto.log" >&2; exit 1; }
start collector "$BIN/gm-collector" -c "$RUN/collector.conf"
# Publish only once the collector's subscription exists, or the broker drops it.
wait_for 10 grep -q "subscribed to" "$RUN/collector.log"

# History: from 1 October 2024 (the baseline year FY2568) to now, every 15
# minutes, published through the broker as batches of the wire contract,
# exactly as an agent replaying its spool would; and each month's manual
# entries (reams issued, fuel, landfilled waste in kg).
UNTIL=$((NOW - NOW % 900 - 900))
echo "demo: loading two fiscal years of history through the broker (about a minute)"
n=$(demo_history "$UNTIL")
demo_entries "$UNTIL"
# Wait until the collector has stored the last batch of every channel.
history_stored() { [ "$(grep -c "last_t=$((UNTIL - 900))" "$RUN/collector.status")" -ge "$n" ]; }
wait_for 300 history_stored
# Up to this minute, every channel, so the live agent takes over with no gap.
NOW=$(date +%s)
BRIDGE=$((NOW - NOW % 60))
if [ "$BRIDGE" -gt "$UNTIL" ]; then
	demo_bridge "$UNTIL" "$((BRIDGE + 1))"
	bridged() { [ "$(grep -c "last_t=$BRIDGE" "$RUN/collector.status")" -ge "$(demo_meters | while IFS=: read -r m model; do model_channels "$model"; done | wc -l)" ]; }
	wait_for 60 bridged
fi

# One fault to show: the printers' gateway stops answering a while after the
# start (GM_DEMO_FAULT_AFTER seconds, for GM_DEMO_FAULT_FOR seconds).
FAULT_FROM=$(($(date +%s) + ${GM_DEMO_FAULT_AFTER:-180}))
FAULT_UNTIL=$((FAULT_FROM + ${GM_DEMO_FAULT_FOR:-180}))
demo_sim_live "$FAULT_FROM" "$FAULT_UNTIL" >"$RUN/sim-live.conf"
start sim "$BIN/gm-sim" -c "$RUN/sim-live.conf"
wait_port "$MODBUS" || { echo "demo: gm-sim did not start: see $RUN/sim.log" >&2; exit 1; }
start agent "$BIN/gm-agent" -c "$RUN/agent.conf"

report() {
	local today month
	today=$(date +%Y-%m-%d)
	month=$(date +%Y-%m-01)
	"$BIN/gm-report" -d "$RUN/data" --from "$month" --to "$(date -d "$month +1 month" +%Y-%m-%d)" \
		>"$RUN/reports/this-month.txt" 2>>"$RUN/report.log"
	"$BIN/gm-report" -d "$RUN/data" --from "$month" --to "$(date -d "$month +1 month" +%Y-%m-%d)" \
		--csv >"$RUN/reports/this-month.csv" 2>>"$RUN/report.log"
	"$BIN/gm-report" -d "$RUN/data" --from "$(date -d "$today -1 day" +%Y-%m-%d)" --to "$today" \
		>"$RUN/reports/yesterday.txt" 2>>"$RUN/report.log"
	"$BIN/gm-report" -d "$RUN/data" --from "$(date -d "$month -1 month" +%Y-%m-%d)" --to "$month" \
		>"$RUN/reports/last-month.txt" 2>>"$RUN/report.log"
}
export TZ=Asia/Bangkok
report
# The Green Office report set of the last whole fiscal year, against its
# baseline year, and of the current year so far.
FY=$(( $(date +%Y) + 543 + ($(date +%-m) >= 10 ? 1 : 0) ))
echo "demo: writing the Green Office reports of FY$((FY - 1)) and FY$FY"
"$BIN/gm-report" -d "$RUN/data" --org "$RUN/org/organisation.ini" --fy $((FY - 1)) --pdf \
	--out "$RUN/reports/green-fy$((FY - 1))" 2>>"$RUN/report.log"
"$BIN/gm-report" -d "$RUN/data" --org "$RUN/org/organisation.ini" --fy "$FY" --quarter 1 \
	--out "$RUN/reports/green-fy$FY-q1" 2>>"$RUN/report.log"
# The dashboard: 8080 when free. Its alert hook appends each fault (one a
# gateway, site or meter, opened and resolved) to alerts.log in Thai, as a
# notification service would be told; the open ones are kept in alerts.json.
WEB=8080
ss -Htln "sport = :$WEB" | grep -q . && WEB=$(free_port)
printf '[dashboard]\nlisten = 127.0.0.1:%s\ndata_dir = %s\nstatus_file = %s\norg = %s\nreports_dir = %s\nalert_state = %s\nalert_command = %s\n' \
	"$WEB" "$RUN/data" "$RUN/collector.status" "$RUN/org/organisation.ini" "$RUN/reports" \
	"$RUN/alerts.json" "echo \"\$(date -Is) \$GM_EVENT \$GM_TEXT_TH\" >>$RUN/alerts.log" >"$RUN/dashboard.conf"
# Accounts (docs/accounts.md): every page stays open to look at, as before;
# the audit log needs a coordinator or the admin.
printf '[accounts]\ndatabase = %s\npublic = overview units meters reports api metrics\n[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = demo-dashboard\n' \
	"$RUN/dashboard.db" "$MQTT" >>"$RUN/dashboard.conf"
rm -f "$RUN"/dashboard.db*
printf 'demo-admin-2569\n' | "$BIN/gm-dashboard" -c "$RUN/dashboard.conf" --add-user admin \
	--role admin --display 'ผู้ดูแลระบบ' >/dev/null
printf 'demo-finance-2569\n' | "$BIN/gm-dashboard" -c "$RUN/dashboard.conf" --add-user finance \
	--role editor --unit finance-budget --display 'งานธุรการ สำนักการคลังและงบประมาณ' >/dev/null
printf 'demo-central-2569\n' | "$BIN/gm-dashboard" -c "$RUN/dashboard.conf" --add-user central \
	--role editor --unit central-admin --display 'งานอาคารสถานที่ สำนักบริหารงานกลาง' >/dev/null
printf 'demo-coord-2569\n' | "$BIN/gm-dashboard" -c "$RUN/dashboard.conf" --add-user coordinator \
	--role coordinator --display 'ผู้ประสานงานสำนักงานสีเขียว' >/dev/null
start dashboard "$BIN/gm-dashboard" -c "$RUN/dashboard.conf"
wait_port "$WEB" || { echo "demo: gm-dashboard did not start: see $RUN/dashboard.log" >&2; exit 1; }
cat <<MSG

greenmeter demo is running (Asia/Bangkok time)
  broker     mqtt://127.0.0.1:$MQTT    watch it: mosquitto_sub -p $MQTT -v -t 'greenmeter/v1/#'
  meters     gm-sim Modbus TCP on 127.0.0.1:$MODBUS (25 meters, polled every 10 s)
             read one yourself: mbpoll -m tcp -p $MODBUS -a 1 -r 342 -0 -t 3:float -B -1 127.0.0.1
  data       $RUN/data  (one RRD per meter channel)
  reports    $RUN/reports/green-fy$((FY - 1))/summary.th.html  Green Office, all 19 units (Thai; .en.html English; .pdf beside each page)
             $RUN/reports/green-fy$((FY - 1))/<unit>.resources.th.html, <unit>.self-evaluation.th.html, report.json
             $RUN/reports/green-fy$FY-q1/  the current fiscal year's first quarter
             $RUN/reports/this-month.txt  (and .csv, yesterday.txt, last-month.txt; refreshed every minute)
  logs       $RUN/*.log, collector counters in $RUN/collector.status
  meters ok? $BIN/gm-collector --status -c $RUN/collector.conf
  dashboard  http://127.0.0.1:$WEB/   (English: http://127.0.0.1:$WEB/?lang=en; units /units,
             reports /reports, JSON /api/meters, Prometheus /metrics); alerts in $RUN/alerts.log
  sign in    http://127.0.0.1:$WEB/signin as admin / demo-admin-2569 (accounts /users, audit log /audit)
             coordinator / demo-coord-2569 (locks months at /entries, writes the action plan /plan)
             finance / demo-finance-2569 (an editor of the Bureau of Finance and Budget: its
             monthly reams at /entries, its self-evaluation at /checklist)
             central / demo-central-2569 (Central Administration: the canteen's water dial at /entries)
  a fault    the printers' gateway gw-printers stops answering at $(date -d "@$FAULT_FROM" +%H:%M) for $(( (FAULT_UNTIL - FAULT_FROM) / 60 )) min:
             one alert for its 5 meters in alerts.log, and one when it is over

$(cat "$RUN/reports/yesterday.txt")

Press Ctrl-C to stop everything.
MSG
while :; do
	sleep 60 &
	SLEEPER=$!
	wait $SLEEPER
	report
done
