#!/bin/bash
# 42-agent-gateways: gm-agent against gateways that misbehave.
# - A gateway that accepts connections but never answers does not delay the
#   polling of a healthy gateway by more than one timeout (it delays it not
#   at all: each gateway has its own thread).
# - A gateway killed and restarted (a reboot) is polled again within one
#   interval of coming back.
# - A meter that answers with a Modbus exception is logged with meter,
#   gateway, unit and register, and its gateway's other meters still report.
. "$(dirname "$0")/../lib.sh"

start_broker
GOOD=$(free_port)
HUNG=$(free_port)
sim_conf() { # port [extra meter lines]
	printf '[sim]\nlisten = 127.0.0.1:%s\ndevices = %s/devices\n' "$1" "$ROOT"
	printf '[meter m]\nunit = 1\nmodel = sdm630\nseed = 5\nload = 20\n'
	printf '[meter broken]\nunit = 2\nmodel = sdm630\nseed = 6\nload = 20\nfault = exception\n'
}
sim_conf "$GOOD" >"$T/good.conf"
sim_conf "$HUNG" >"$T/hung.conf"
meter() { # id port unit
	printf '[meter %s]\nmodel = sdm630\nchannels = total_kwh\nhost = 127.0.0.1:%s\nunit = %s\ninterval = 1\ntimeout = 0.8\nretries = 1\n' "$1" "$2" "$3"
}
{
	printf '[agent]\nsite = gw\ndevices = %s/devices\nspool_dir = %s/spool\n' "$ROOT" "$T"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = gw-agent\n' "$BROKER_PORT"
	meter healthy "$GOOD" 1
	meter broken "$GOOD" 2
	meter behind-hung "$HUNG" 1
} >"$T/agent.conf"

start good "$BIN/gm-sim" -c "$T/good.conf"
GOOD_PID=$LAST_PID
start hung "$BIN/gm-sim" -c "$T/hung.conf"
HUNG_PID=$LAST_PID
wait_port "$GOOD" && wait_port "$HUNG" || not_ok "both gateways listen"
kill -USR1 "$HUNG_PID"     # accepts connections, answers nothing
timeout 30 mosquitto_sub -p "$BROKER_PORT" -t 'greenmeter/v1/gw/healthy/total_kwh' -v >"$T/healthy.txt" &
SUB=$!
sleep 0.5
start agent "$BIN/gm-agent" -c "$T/agent.conf"
AGENT=$LAST_PID

# --- 1. the hung gateway does not hold up the healthy one --------------------
sleep 12
# Gaps between consecutive readings of the healthy meter, in seconds.
# (Every reading, those of a batch too: a busy agent sends several in one.)
times() { sub_readings "$1" | awk '{ print $2 }'; }
times "$T/healthy.txt" >"$T/healthy.t"
n=$(wc -l <"$T/healthy.t")
maxgap=$(awk 'NR > 1 { g = $1 - p; if (g > m) m = g } { p = $1 } END { printf "%.3f", m }' "$T/healthy.t")
echo "# healthy meter: $n readings in ~12 s, largest gap $maxgap s (interval 1 s, timeout 0.8 s)"
check "the healthy meter was read every second (>= 10 readings)" test "$n" -ge 10
check "the largest gap is less than interval + one timeout (1.8 s)" \
	awk -v g="$maxgap" 'BEGIN { exit !(g < 1.8) }'
check "the hung gateway is logged with meter, gateway and unit" \
	grep -q "meter behind-hung (127.0.0.1:$HUNG unit 1) reg 0x0156 (function 4, 2 registers): no answer within 800 ms (2 attempts)" "$T/agent.log"
check "a Modbus exception is logged with meter, gateway, unit and register" \
	grep -q "meter broken (127.0.0.1:$GOOD unit 2) reg 0x0156 (function 4, 2 registers): Slave device or server failure" "$T/agent.log"
check "a failing meter is logged once, not every second" \
	test "$(grep -c 'meter broken (' "$T/agent.log")" -eq 1

# --- 2. a gateway reboot -----------------------------------------------------
kill -9 "$GOOD_PID"
wait "$GOOD_PID" 2>/dev/null
sleep 4
start good2 "$BIN/gm-sim" -c "$T/good.conf"
wait_port "$GOOD" 50 || not_ok "the gateway comes back"
BACK=$(date +%s.%N)
wait "$SUB"
times "$T/healthy.txt" >"$T/healthy.t"
first=$(awk -v b="$BACK" '$1 > b { print; exit }' "$T/healthy.t")
echo "# gateway back at $BACK; first reading after it at ${first:-none}"
check "polling resumes within one interval of the gateway coming back" \
	awk -v b="$BACK" -v f="${first:-0}" 'BEGIN { exit !(f > b && f - b <= 1.0 + 0.2) }'
check "the outage was logged and its end too" grep -q "gateway 127.0.0.1:$GOOD: back after" "$T/agent.log"
stop "$AGENT"
done_testing
