#!/bin/bash
# 45-mqtt-meters: a Tasmota plug, a Shelly Gen1 relay and a print server
# publish their own payloads (sent here with mosquitto_pub, as the devices
# would); gm-agent turns them into readings of the wire contract with the
# right units, and gm-collector stores the right kWh.
. "$(dirname "$0")/../lib.sh"

start_broker
cat >"$T/agent.conf" <<CONF
[agent]
site = hq
spool_dir = $T/spool
[mqtt]
broker = 127.0.0.1:$BROKER_PORT
client_id = mqtt-meters-agent
[mqtt_meter plug-3f]
topic = tele/plug-3f/SENSOR
format = tasmota
interval = 300
[mqtt_meter pump]
topic = shellies/shelly1pm-pump/relay/0
format = shelly-gen1
[mqtt_meter mfp-2f]
topic = printers/mfp-2f/counters
channel.pages = counters.total
unit.pages = pages
kind.pages = counter
channel.duplex = counters.sides.1
unit.duplex = sheets
kind.duplex = counter
CONF
collector_conf "$T/data" "$T/status" "$BROKER_PORT" mqtt-meters-collector >"$T/collector.conf"
check "the agent accepts MQTT meters" "$BIN/gm-agent" --check "$T/agent.conf"
start collector "$BIN/gm-collector" -c "$T/collector.conf"
wait_for 10 grep -q "subscribed to" "$T/collector.log"
start agent "$BIN/gm-agent" -c "$T/agent.conf"
wait_for 10 grep -q "subscribed to" "$T/agent.log" || not_ok "the agent subscribes to the devices"

pub() { mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$1" -m "$2"; }
T0=$(date +%s)
pub tele/plug-3f/SENSOR '{"Time":"2026-11-21T10:00:00","ENERGY":{"TotalStartTime":"2025-01-01T00:00:00","Total":123.456,"Yesterday":1.2,"Today":0.5,"Power":850,"Voltage":229}}'
pub shellies/shelly1pm-pump/relay/0/energy 600000
pub shellies/shelly1pm-pump/relay/0/power 1500
pub printers/mfp-2f/counters '{"counters":{"total":12345,"sides":[24690,20000]}}'
pub tele/plug-3f/SENSOR '{"ENERGY":{"Power":10}}'
sleep 2.5
pub tele/plug-3f/SENSOR '{"ENERGY":{"Total":124.956,"Power":900}}'
pub shellies/shelly1pm-pump/relay/0/energy 690000
wait_for 15 grep -q 'pump/total_kwh.*stored=2' "$T/status"
cat "$T/status"

last() { rrdtool lastupdate "$T/data/hq/$1.rrd" | awk -F'[: ]+' 'NR == 3 { print $2 }'; }
check "Tasmota ENERGY.Total lands as kWh" near "$(last plug-3f/total_kwh)" 124.956 1e-9
check "Tasmota ENERGY.Power lands as W" near "$(last plug-3f/power_w)" 900 1e-9
check "Shelly watt-minutes land as kWh (690000 Wmin = 11.5 kWh)" near "$(last pump/total_kwh)" 11.5 1e-9
check "Shelly power lands as W" near "$(last pump/power_w)" 1500 1e-9
check "a print server's JSON counter" near "$(last mfp-2f/pages)" 12345 0
check "an array element of a JSON path" near "$(last mfp-2f/duplex)" 20000 0
check "the meta file names the unit" grep -q '^unit = kWh' "$T/data/hq/plug-3f/total_kwh.meta"
check "the plug's interval (its TelePeriod) is kept as every = 300" \
	grep -qx 'every = 300' "$T/data/hq/plug-3f/total_kwh.meta"
check "a meter without interval says none" sh -c "! grep -q '^every' '$T/data/hq/pump/total_kwh.meta'"
check "a payload without the value is logged with topic and path" \
	grep -q 'mqtt meter plug-3f: topic tele/plug-3f/SENSOR: payload has no ENERGY.Total' "$T/agent.log"

# The use the collector computed for the second message (the RRD's `use`
# input): the minute rows holding it are complete only once a later reading
# passes the minute, so the consumption API would still say "no data".
lastuse() { rrdtool lastupdate "$T/data/hq/$1.rrd" | awk -F'[: ]+' 'NR == 3 { print $3 }'; }
check "the plug used 1.5 kWh between its two messages" near "$(lastuse plug-3f/total_kwh)" 1.5 1e-9
check "the pump used 1.5 kWh (90000 Wmin) between its two messages" near "$(lastuse pump/total_kwh)" 1.5 1e-9
check "nothing was logged as an error" sh -c "! grep -h ': error: ' '$T'/*.log"
done_testing
