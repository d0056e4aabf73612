#!/bin/bash
# 84-gateway-alert: one alert per fault, end to end. 100 meters behind one
# gm-sim (gateway gw-a) and 2 behind another (gw-b), read by gm-agent every 2
# seconds through mosquitto into gm-collector; gm-dashboard knows the meters
# ([meter] sections name their gateway) and runs an alert command.
# - gw-a stops answering: exactly one alert, naming the gateway and its 100
#   meters, and no meter alert; one "resolved" when it answers again;
# - twice over: the first time with the dashboard started before any
#   channel exists, the second with the dashboard restarted during the
#   fault, which sends nothing new (its state file remembers what it said).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"

N=100
A_PORT=$(free_port)
B_PORT=$(free_port)
start_broker
collector_up gw-collector || not_ok "collector subscribed"

sims() { # port first count
	printf '[sim]\nlisten = 127.0.0.1:%s\ndevices = %s/devices\n' "$1" "$ROOT"
	for i in $(seq "$2" $(($2 + $3 - 1))); do
		printf '[meter m%03d]\nunit = %d\nmodel = sdm120\nseed = %d\nload = 2\n' "$i" $((i - $2 + 1)) "$i"
	done
}
sims "$A_PORT" 0 "$N" >"$T/sim-a.conf"
sims "$B_PORT" "$N" 2 >"$T/sim-b.conf"
{
	printf '[agent]\nsite = gw\ndevices = %s/devices\nspool_dir = %s/spool\n' "$ROOT" "$T"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = gw-agent\n' "$BROKER_PORT"
	for i in $(seq 0 $((N + 1))); do
		port=$A_PORT; unit=$((i + 1))
		[ "$i" -ge "$N" ] && { port=$B_PORT; unit=$((i - N + 1)); }
		printf '[meter m%03d]\nmodel = sdm120\nhost = 127.0.0.1:%s\nunit = %d\ninterval = 2\ntimeout = 1\n' \
			"$i" "$port" "$unit"
	done
} >"$T/agent.conf"
cp -r "$ROOT/dashboards/org/senate" "$T/org"
for i in $(seq 0 $((N + 1))); do
	gw=gw-a; [ "$i" -ge "$N" ] && gw=gw-b
	printf '[meter gw/m%03d]\nth = มิเตอร์ที่ %d\nen = Meter %d\ngateway = %s\n' "$i" "$i" "$i" "$gw"
done >>"$T/org/organisation.ini"
WEB=$(free_port)
{ dash_conf_head; cat <<CONF; } >"$T/dash.conf"
org = $T/org/organisation.ini
alert_state = $T/alerts.json
alert_command = echo "\$GM_EVENT \$GM_FAULT \$GM_COUNT \$GM_TEXT_EN" >>$T/alerts
CONF
: >"$T/alerts"
dashboard() { start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"; DASH=$LAST_PID; wait_port "$WEB"; }
sim_a() { start sim-a "$BIN/gm-sim" -c "$T/sim-a.conf"; SIM_A=$LAST_PID; wait_port "$A_PORT"; }
lines() { grep -c "$1" "$T/alerts"; }
all_ok() { [ "$(grep -c 'status=ok' "$T/status")" -ge $(((N + 2) * 4)) ]; }

# Cycle 1: the dashboard first, before any channel exists.
check "the dashboard starts on an empty data directory" dashboard
sim_a
start sim-b "$BIN/gm-sim" -c "$T/sim-b.conf"
wait_port "$B_PORT"
start agent "$BIN/gm-agent" -c "$T/agent.conf"
check "every channel of the 102 meters is stored and ok" wait_for 60 all_ok
sleep 3
check "nothing alerted while all is well" [ ! -s "$T/alerts" ]
stop "$SIM_A"
check "gw-a stops answering: one alert for the gateway" wait_for 30 grep -q '^opened gateway:gw-a 100 ' "$T/alerts"
sleep 5
check "exactly one, naming its 100 meters, and no meter alert" \
	sh -c "[ \"\$(grep -c . '$T/alerts')\" = 1 ] && grep -q 'gateway not answering gw-a: 100 meters since .*: Meter 0, Meter 1' '$T/alerts'"
sim_a
check "it answers again: one resolved" wait_for 30 grep -q '^resolved gateway:gw-a 100 ' "$T/alerts"
sleep 3
check "and nothing else" [ "$(lines .)" = 2 ]

# Cycle 2: the dashboard restarted during the fault says nothing new.
stop "$SIM_A"
check "gw-a stops again: one more alert" wait_for 30 sh -c "[ \"\$(grep -c '^opened gateway:gw-a 100 ' '$T/alerts')\" = 2 ]"
check "the state file holds the open fault" grep -q '"key":[[:space:]]*"gateway:gw-a"' "$T/alerts.json"
stop "$DASH"
check "the dashboard starts again during the fault" dashboard
sleep 6
check "and sends nothing new" [ "$(lines .)" = 3 ]
sim_a
check "it answers: one resolved" wait_for 30 sh -c "[ \"\$(grep -c '^resolved gateway:gw-a 100 ' '$T/alerts')\" = 2 ]"
sleep 3
check "four alerts in all, none for a meter or gw-b" \
	sh -c "[ \"\$(grep -c . '$T/alerts')\" = 4 ] && ! grep -q 'meter:\|gw-b\|site:' '$T/alerts'"
[ "$FAILS" -eq 0 ] || sed 's/^/# /' "$T/alerts"
done_testing
