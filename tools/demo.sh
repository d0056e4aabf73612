#!/bin/bash
# demo.sh - the whole chain, live, on this machine: mosquitto on a free
# loopback port, gm-sim meters, gm-collector, a month of history loaded
# through the broker, gm-agent polling live, and reports written. Ctrl-C
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
PIDS=""

stop_all() {
	trap - INT TERM EXIT
	[ -n "${SLEEPER:-}" ] && kill "$SLEEPER" 2>/dev/null
	echo
	echo "stopping: $PIDS"
	stop_pids $PIDS
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	echo "stopped. Data and reports stay in $RUN"
	exit 0
}
trap stop_all INT TERM EXIT

start() { # name command...
	local name=$1; shift
	"$@" >>"$RUN/$name.log" 2>&1 &
	PIDS="$PIDS $!"
}
. "$ROOT/tools/runlib.sh"

rm -rf "$RUN"
mkdir -p "$RUN/data" "$RUN/reports" "$RUN/mosquitto"
MQTT=$(free_port)
MODBUS=$(free_port)
NOW=$(date +%s)

broker_conf "$MQTT" "$RUN/mosquitto" >"$RUN/mosquitto.conf"

# Meters of a few bureaus (ids from docs/organisation data to come).
cat >"$RUN/sim.conf" <<CONF
[sim]
listen = 127.0.0.1:$MODBUS
devices = $ROOT/devices
[meter central-admin-main]
unit = 1
model = sdm630
seed = 11
load = 120
start = 250000
start_at = @$NOW
[meter printing-floor2]
unit = 2
model = sdm120
seed = 12
load = 15
start = 8000
start_at = @$NOW
[meter building-water]
unit = 3
model = water-pulse
seed = 13
load = 4
[meter printing-press1]
unit = 4
model = printer-counter
seed = 14
load = 3000
[meter finance-budget-mfp]
unit = 5
model = printer-counter
seed = 15
load = 250
CONF

{
	printf '[agent]\nsite = parliament\ndevices = %s/devices\nspool_dir = %s/spool\n' "$ROOT" "$RUN"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = demo-agent\n' "$MQTT"
	u=1
	for m in central-admin-main:sdm630 printing-floor2:sdm120 building-water:water-pulse \
		printing-press1:printer-counter finance-budget-mfp:printer-counter; do
		printf '[meter %s]\nmodel = %s\nhost = 127.0.0.1:%s\nunit = %d\ninterval = 10\n' \
			"${m%%:*}" "${m#*:}" "$MODBUS" "$u"
		u=$((u + 1))
	done
} >"$RUN/agent.conf"

collector_conf "$RUN/data" "$RUN/collector.status" "$MQTT" demo-collector >"$RUN/collector.conf"

echo "demo: starting mosquitto on 127.0.0.1:$MQTT"
start mosquitto mosquitto -c "$RUN/mosquitto.conf"
wait_port "$MQTT" || { echo "demo: mosquitto did not start: see $RUN/mosquitto.log" >&2; exit 1; }
start collector "$BIN/gm-collector" -c "$RUN/collector.conf"
# Publish only once the collector's subscription exists, or the broker drops it.
for i in $(seq 1 100); do grep -q "subscribed to" "$RUN/collector.log" && break; sleep 0.1; done

# History: 35 days every 15 minutes, published through the broker as batches
# of the wire contract, exactly as an agent replaying its spool would.
FROM=$((NOW - 35 * 86400))
FROM=$((FROM - FROM % 900))
UNTIL=$((NOW - NOW % 900 - 900))
echo "demo: loading 35 days of history through the broker"
n=0
for mc in central-admin-main:import_kwh central-admin-main:total_kwh printing-floor2:import_kwh \
	printing-floor2:total_kwh building-water:volume_m3 printing-press1:impressions \
	printing-press1:sheets finance-budget-mfp:impressions finance-budget-mfp:sheets; do
	m=${mc%%:*}; c=${mc#*:}
	"$BIN/gm-sim" -c "$RUN/sim.conf" --history "$m" "$c" "@$FROM" "@$UNTIL" 900 |
		mosquitto_pub -p "$MQTT" -q 1 -t "greenmeter/v1/parliament/$m/$c" -l
	n=$((n + 1))
done
# Wait until the collector has stored the last batch of every channel.
for i in $(seq 1 600); do
	[ "$(grep -c "last_t=$((UNTIL - 900))" "$RUN/collector.status" 2>/dev/null)" -ge "$n" ] && break
	sleep 0.2
done

start sim "$BIN/gm-sim" -c "$RUN/sim.conf"
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
cat <<MSG

greenmeter demo is running (Asia/Bangkok time)
  broker     mqtt://127.0.0.1:$MQTT    watch it: mosquitto_sub -p $MQTT -v -t 'greenmeter/v1/#'
  meters     gm-sim Modbus TCP on 127.0.0.1:$MODBUS (5 meters, polled every 10 s)
             read one yourself: mbpoll -m tcp -p $MODBUS -a 1 -r 342 -0 -t 3:float -B -1 127.0.0.1
  data       $RUN/data  (one RRD per meter channel)
  reports    $RUN/reports/this-month.txt  (and .csv, yesterday.txt, last-month.txt; refreshed every minute)
  logs       $RUN/*.log, collector counters in $RUN/collector.status
  meters ok? $BIN/gm-collector --status -c $RUN/collector.conf
  dashboard  not part of this version yet

$(cat "$RUN/reports/yesterday.txt")

Press Ctrl-C to stop everything.
MSG
while :; do
	sleep 60 &
	SLEEPER=$!
	wait $SLEEPER
	report
done
