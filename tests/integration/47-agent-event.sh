#!/bin/bash
# 47-agent-event: a person announces a replaced meter with gm-agent --event.
# Mistakes are refused before anything is sent; the announcement reaches the
# collector's events journal; the next reading, far below the old count, is
# counted on from the new meter (no reset flagged); and a gm-agent running
# with the same client id keeps its connection.
. "$(dirname "$0")/../lib.sh"

start_broker
cat >"$T/agent.conf" <<CONF
[agent]
site = senate
spool_dir = $T/spool
[mqtt]
broker = 127.0.0.1:$BROKER_PORT
client_id = ev-agent
[mqtt_meter plug-3f]
topic = tele/plug-3f/SENSOR
format = tasmota
CONF
collector_up ev-collector
start agent "$BIN/gm-agent" -c "$T/agent.conf"
wait_for 10 grep -q "as ev-agent " "$T/mosquitto.log"

TOPIC=greenmeter/v1/senate/b3-main/import_kwh
T0=$(($(date +%s) - 7200))
mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$TOPIC" \
	-m "{\"t\":$T0,\"v\":52311.0,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":1}"
wait_for 10 grep -q 'b3-main/import_kwh .*stored=1' "$T/status"

ev() { "$BIN/gm-agent" -c "$T/agent.conf" --event "$@" >>"$T/event.log" 2>&1; }
AT=$(TZ=Asia/Bangkok date -d "@$((T0 + 600))" '+%Y-%m-%d %H:%M:%S')

ev replaced --meter b3-main --channel import_kwh --at "$AT" --old-final 52311.2
check "a replacement without --new-start is refused (exit 2)" test $? -eq 2
check "... saying what is missing" grep -q 'replaced needs --new-start' "$T/event.log"
ev replaced --meter b3-main --channel import_kwh --at "2099-01-01 00:00" --new-start 0.5
check "a time in the future is refused (exit 2)" test $? -eq 2
check "... naming it" grep -q -- '--at 2099-01-01 00:00 is in the future' "$T/event.log"
ev replaced --meter ../etc --channel import_kwh --new-start 0.5
check "a meter id that is not an id is refused (exit 2)" test $? -eq 2
ev replaced --meter b3-main --channel import_kwh --new-start -1
check "a negative count is refused by the wire contract's own check" test $? -eq 2
ev replaced --meter b3-main --channel import_kwh --new-start 1e999
check "a count that is not finite is refused" test $? -eq 2
ev broken --meter b3-main --channel import_kwh --new-start 0.5
check "an unknown event is refused" test $? -eq 2
"$BIN/gm-agent" -c "$T/agent.conf" --meter b3-main >/dev/null 2>&1
check "--meter without --event is a usage error (exit 2)" test $? -eq 2
sleep 1
check "nothing refused reached the collector" test ! -e "$T/data/senate/b3-main/import_kwh.events"

ev replaced --meter b3-main --channel import_kwh --at "$AT" --old-final 52311.2 \
	--new-start 0.5 --unit kWh --note "new meter, seal 4471"
check "a good announcement is sent (exit 0)" test $? -eq 0
J=$T/data/senate/b3-main/import_kwh.events
wait_for 10 grep -q 'replaced' "$J"
check "the journal holds it with its counts and note" \
	grep -q "^$((T0 + 600)) replaced old_final=52311.2 new_start=0.5 .*note=new meter, seal 4471$" "$J"

mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$TOPIC" \
	-m "{\"t\":$((T0 + 1200)),\"v\":10.5,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":2}"
# one more, unchanged, so that the RRD row holding the last one is closed
mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$TOPIC" \
	-m "{\"t\":$((T0 + 1260)),\"v\":10.5,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":3}"
wait_for 10 grep -q 'b3-main/import_kwh .*stored=3' "$T/status"
check "the lower reading after it is no reset" grep -q 'b3-main/import_kwh .* resets=0' "$T/status"
check "and nothing is flagged in the journal" sh -c "! grep -q 'reset-detected\|reset-uncounted' '$J'"
use=$("$BIN/gm-report" -d "$T/data" --from "@$((T0 - 3600))" --to "@$((T0 + 3600))" --csv |
	awk -F, '$2 == "b3-main" && $3 == "import_kwh" { print $8 }')
check "use across the replacement: 0.2 + 10.0 = 10.2 kWh" near "$use" 10.2 0.001

check "the command connected under its own client id" grep -q 'as ev-agent-cli-' "$T/mosquitto.log"
check "the running agent was not thrown off" sh -c "! grep -q 'already connected' '$T/mosquitto.log'"
done_testing
