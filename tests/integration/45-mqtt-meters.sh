#!/bin/bash
# 45-mqtt-meters: a Tasmota plug, a two-channel Tasmota (a Shelly 2.5: its
# ENERGY values are arrays), a Shelly Gen1 relay and a print server publish
# their own payloads (sent here with mosquitto_pub, as the devices would);
# gm-agent turns them into readings of the wire contract with the right
# units, and gm-collector stores the right kWh. Payloads that give no
# reading are logged once per channel, not once per message.
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
[mqtt_meter sh25-lights]
topic = tele/sh25/SENSOR
format = tasmota
index = 0
[mqtt_meter sh25-aircon]
topic = tele/sh25/SENSOR
format = tasmota
index = 1
[mqtt_meter sh25-path]
topic = tele/sh25/SENSOR
channel.aircon_kwh = ENERGY.Total[1]
unit.aircon_kwh = kWh
kind.aircon_kwh = counter
[mqtt_meter pzem]
topic = tele/pzem/SENSOR
format = tasmota
[mqtt_meter mfp-2f]
topic = printers/mfp-2f/counters
channel.pages = counters.total
unit.pages = pages
kind.pages = counter
channel.duplex = counters.sides.1
unit.duplex = sheets
kind.duplex = counter
CONF
check "the agent accepts MQTT meters" "$BIN/gm-agent" --check "$T/agent.conf"
collector_up mqtt-meters-collector
start agent "$BIN/gm-agent" -c "$T/agent.conf"
wait_for 10 grep -q "subscribed to" "$T/agent.log" || not_ok "the agent subscribes to the devices"

pub() { mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$1" -m "$2"; }
T0=$(date +%s)
pub tele/plug-3f/SENSOR '{"Time":"2026-11-21T10:00:00","ENERGY":{"TotalStartTime":"2025-01-01T00:00:00","Total":123.456,"Yesterday":1.2,"Today":0.5,"Power":850,"Voltage":229}}'
pub shellies/shelly1pm-pump/relay/0/energy 600000
pub shellies/shelly1pm-pump/relay/0/power 1500
pub printers/mfp-2f/counters '{"counters":{"total":12345,"sides":[24690,20000]}}'
pub tele/sh25/SENSOR '{"ENERGY":{"Total":[1.5,2.25],"Today":[0.1,0.2],"Power":[10,20],"Voltage":229}}'
pub tele/plug-3f/SENSOR '{"ENERGY":{"Power":10}}'
# a plug that also reports its switch on this topic: every other payload
# has no ENERGY at all (power_w fails, works, fails ...)
for i in 1 2 3 4 5; do
	pub tele/plug-3f/SENSOR '{"Switch1":"ON"}'
	pub tele/plug-3f/SENSOR '{"ENERGY":{"Power":10}}'
done
# a multi-channel device configured as a single one, three times
for i in 1 2 3; do pub tele/pzem/SENSOR '{"ENERGY":{"Total":[1.5,2.25],"Power":[10,20]}}'; done
pub shellies/shelly1pm-pump/relay/0/energy '696000 Wmin'
sleep 2.5
pub tele/plug-3f/SENSOR '{"ENERGY":{"Total":124.956,"Power":900}}'
pub tele/sh25/SENSOR '{"ENERGY":{"Total":[1.75,3],"Today":[0.35,0.95],"Power":[11,21],"Voltage":230}}'
pub shellies/shelly1pm-pump/relay/0/energy 696000
wait_for 15 grep -q 'pump/total_kwh.*stored=2' "$T/status"
wait_for 15 grep -q 'sh25-path/aircon_kwh.*stored=2' "$T/status"
cat "$T/status"

last() { rrdtool lastupdate "$T/data/hq/$1.rrd" | awk -F'[: ]+' 'NR == 3 { print $2 }'; }
check "Tasmota ENERGY.Total lands as kWh" near "$(last plug-3f/total_kwh)" 124.956 1e-9
check "Tasmota ENERGY.Power lands as W" near "$(last plug-3f/power_w)" 900 1e-9
check "Shelly watt-minutes land as kWh (696000 Wmin = 11.6 kWh)" near "$(last pump/total_kwh)" 11.6 1e-9
# the status file prints %.17g: 11.6 exactly, not 11.600000000000001
check "696000 Wmin is the double 11.6 (divided, not x 1/60000)" \
	grep -q '^hq/pump/total_kwh .* last=11.6 kWh ' "$T/status"
check "a two-channel Tasmota: Total[0] of index = 0" near "$(last sh25-lights/total_kwh)" 1.75 1e-9
check "a two-channel Tasmota: Power[0] of index = 0" near "$(last sh25-lights/power_w)" 11 1e-9
check "a two-channel Tasmota: Total[1] of index = 1" near "$(last sh25-aircon/total_kwh)" 3 1e-9
check "a two-channel Tasmota: Power[1] of index = 1" near "$(last sh25-aircon/power_w)" 21 1e-9
check "a JSON path ENERGY.Total[1]" near "$(last sh25-path/aircon_kwh)" 3 1e-9
check "Shelly power lands as W" near "$(last pump/power_w)" 1500 1e-9
check "a print server's JSON counter" near "$(last mfp-2f/pages)" 12345 0
check "an array element of a JSON path" near "$(last mfp-2f/duplex)" 20000 0
check "the meta file names the unit" grep -q '^unit = kWh' "$T/data/hq/plug-3f/total_kwh.meta"
check "the plug's interval (its TelePeriod) is kept as every = 300" \
	grep -qx 'every = 300' "$T/data/hq/plug-3f/total_kwh.meta"
check "a meter without interval says none" sh -c "! grep -q '^every' '$T/data/hq/pump/total_kwh.meta'"
check "a payload without the value is logged with topic and path" \
	grep -q 'mqtt meter plug-3f: topic tele/plug-3f/SENSOR: payload has no ENERGY.Total' "$T/agent.log"
logged() { grep -c -- "$1" "$T/agent.log"; }
check "an array where a number was expected: logged for Total, once for three payloads" \
	test "$(logged 'mqtt meter pzem: topic tele/pzem/SENSOR: ENERGY.Total is an array of 2 elements, not a number (channel total_kwh)')" = 1
check "and for Power, once" \
	test "$(logged 'mqtt meter pzem: topic tele/pzem/SENSOR: ENERGY.Power is an array of 2 elements, not a number (channel power_w)')" = 1
check "a Shelly payload that is not one number is logged, not read as 696000" \
	grep -q 'mqtt meter pump: topic shellies/shelly1pm-pump/relay/0/energy: payload is not valid JSON (channel total_kwh)' "$T/agent.log"
check "a channel failing every other payload is logged once, not five times" \
	test "$(logged 'payload has no ENERGY (channel power_w)')" = 1
check "and its recovery once" test "$(logged 'mqtt meter plug-3f channel power_w: back after')" = 1

# The use the collector computed for the second message (the RRD's `use`
# input): the minute rows holding it are complete only once a later reading
# passes the minute, so the consumption API would still say "no data".
lastuse() { rrdtool lastupdate "$T/data/hq/$1.rrd" | awk -F'[: ]+' 'NR == 3 { print $3 }'; }
check "the plug used 1.5 kWh between its two messages" near "$(lastuse plug-3f/total_kwh)" 1.5 1e-9
check "the pump used 1.6 kWh (96000 Wmin) between its two messages" near "$(lastuse pump/total_kwh)" 1.6 1e-9
check "the lights used 0.25 kWh between the two messages" near "$(lastuse sh25-lights/total_kwh)" 0.25 1e-9
check "the air conditioner used 0.75 kWh" near "$(lastuse sh25-aircon/total_kwh)" 0.75 1e-9
check "nothing was logged as an error" sh -c "! grep -h ': error: ' '$T'/*.log"
done_testing
