#!/bin/bash
# 43-agent-rtu: gm-agent polls meters on a Modbus RTU bus (a socat pty pair
# stands in for the RS485 line; gm-sim answers at the other end). The values
# published are what gm-sim --truth says the registers held, two meters share
# the bus, and the readings reach the collector.
. "$(dirname "$0")/../lib.sh"

start_broker
FREEZE=$(( $(date +%s) - 600 ))
start socat socat -d -d pty,raw,echo=0,link="$T/sim-tty" pty,raw,echo=0,link="$T/agent-tty"
wait_for 10 test -e "$T/agent-tty" || not_ok "socat makes the pty pair"
cat >"$T/sim.conf" <<CONF
[sim]
listen = rtu:$T/sim-tty
baud = 19200
parity = E
devices = $ROOT/devices
[meter east]
unit = 1
model = sdm120
seed = 5
load = 2
start = 10
start_at = @$((FREEZE - 3600))
[meter west]
unit = 7
model = sdm120
seed = 6
load = 3
start = 20
start_at = @$((FREEZE - 3600))
CONF
rtu_meter() { # id unit
	printf '[meter %s]\nmodel = sdm120\ndevice = %s/agent-tty\nbaud = 19200\nparity = even\nunit = %s\ninterval = 1\ntimeout = 0.5\n' \
		"$1" "$T" "$2"
}
{
	printf '[agent]\nsite = rtu\ndevices = %s/devices\nspool_dir = %s/spool\n' "$ROOT" "$T"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = rtu-agent\n' "$BROKER_PORT"
	rtu_meter east 1
	rtu_meter west 7
} >"$T/agent.conf"
check "the agent accepts an RTU bus" "$BIN/gm-agent" --check "$T/agent.conf"
collector_up rtu-collector
start sim "$BIN/gm-sim" -c "$T/sim.conf" --freeze "@$FREEZE"
sleep 0.5
timeout 15 mosquitto_sub -p "$BROKER_PORT" -t 'greenmeter/v1/rtu/+/total_kwh' -v -C 6 >"$T/sub.txt" &
SUB=$!
start agent "$BIN/gm-agent" -c "$T/agent.conf"
wait "$SUB"
cat "$T/sub.txt"
g() { awk -v x="$1" 'BEGIN { printf "%.9g", x }'; }
for m in east west; do
	pub=$(sub_readings "$T/sub.txt" "/$m/total_kwh\$" | awk 'END { print $3 }')
	truth=$("$BIN/gm-sim" -c "$T/sim.conf" --truth "$m" total_kwh "@$FREEZE")
	check "$m over RTU publishes the register's value ($truth kWh)" test "$(g "${pub:-0}")" = "$(g "$truth")"
done
wait_for 10 grep -q 'rtu/west/total_kwh.*stored=[1-9]' "$T/status"
check "both meters on the bus reach the collector" \
	test "$(grep -c 'rtu/\(east\|west\)/total_kwh.*stored=[1-9]' "$T/status")" -eq 2
check "no failed request on the bus" sh -c "! grep -q 'warning: meter' '$T/agent.log'"
done_testing
