#!/bin/bash
# 55-bus-plan: gm-agent plans its Modbus requests for the bus behind the
# gateway. gm-sim simulates the RS-485 bus at 9600 baud 8N1 (line = rtu:
# every answer takes the time its request and answer bytes hold the wire).
# Ten SDM630s on it, polled twice over:
#   - told the bus (bus_baud = 9600): four requests a meter, 0x0000+2,
#     0x0034+2, 0x0048+4, 0x0156+2, 104.17 ms of bus a meter
#     (docs/agent.md, "Requests on a bus"), as gm-agent --check -v prints;
#   - not told: every gap within max_gap read, 0x0000+76 and 0x0156+2,
#     204.17 ms a meter.
# The readings' own timestamps (taken as each answer comes) say how long
# the bus took from the first meter's answer to the tenth's: nine meters'
# worth, 937.5 ms against 1837.5 ms.
. "$(dirname "$0")/../lib.sh"

start_broker
sim_conf() { # port
	printf '[sim]\nlisten = 127.0.0.1:%s\ndevices = %s/devices\nline = rtu\nbaud = 9600\n' "$1" "$ROOT"
	for u in $(seq 1 10); do
		printf '[meter m%02d]\nunit = %d\nmodel = sdm630\nseed = %d\nload = 20\n' "$u" "$u" "$u"
	done
}
agent_conf() { # site port client [bus keys]
	printf '[agent]\nsite = %s\ndevices = %s/devices\nspool_dir = %s/spool-%s\n' "$1" "$ROOT" "$T" "$1"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = %s\n' "$BROKER_PORT" "$3"
	for u in $(seq 1 10); do
		printf '[meter m%02d]\nmodel = sdm630\nhost = 127.0.0.1:%s\nunit = %d\ninterval = 4\ntimeout = 1\n%s' \
			"$u" "$2" "$u" "${4:-}"
	done
}
PLANNED=$(free_port)
WIDE=$(free_port)
sim_conf "$PLANNED" >"$T/planned-sim.conf"
sim_conf "$WIDE" >"$T/wide-sim.conf"
agent_conf planned "$PLANNED" bus-planned "bus_baud = 9600
" >"$T/planned.conf"
agent_conf wide "$WIDE" bus-wide >"$T/wide.conf"

"$BIN/gm-agent" -n -v -c "$T/planned.conf" >"$T/plan.txt" 2>&1
check "--check -v prints each meter's plan for the bus" grep -q \
	'plan: 4 requests, 104.2 ms a poll on a 9600-baud bus (N1, turnaround 0.0 ms): fn4 0x0000+2 fn4 0x0034+2 fn4 0x0048+4 fn4 0x0156+2' "$T/plan.txt"
"$BIN/gm-agent" -n -v -c "$T/wide.conf" >"$T/wide-plan.txt" 2>&1
check "... and without bus_baud, every gap within max_gap" grep -q \
	'plan: 2 requests (the bus.s speed not given, so every gap within max_gap 64 is read): fn4 0x0000+76 fn4 0x0156+2' "$T/wide-plan.txt"

start sim1 "$BIN/gm-sim" -c "$T/planned-sim.conf"
start sim2 "$BIN/gm-sim" -c "$T/wide-sim.conf"
wait_port "$PLANNED" && wait_port "$WIDE" || not_ok "both simulated buses listen"
timeout 25 mosquitto_sub -p "$BROKER_PORT" -t 'greenmeter/v1/+/+/total_kwh' -v >"$T/readings.txt" &
sleep 0.3
start planned "$BIN/gm-agent" -c "$T/planned.conf"
start wide "$BIN/gm-agent" -c "$T/wide.conf"
sleep 13   # three polls at 4 s

# For each poll of a site: the last meter's total_kwh time minus the first's;
# the least over the polls (the one a busy machine held up least)
spread() { # site
	sub_readings "$T/readings.txt" "greenmeter/v1/$1/" |
		awk '{ slot = int($2 / 4); if (!(slot in lo) || $2 < lo[slot]) lo[slot] = $2
		       if ($2 > hi[slot]) hi[slot] = $2; n[slot]++ }
		     END { m = -1; for (s in n) if (n[s] == 10) { d = hi[s] - lo[s]; if (m < 0 || d < m) m = d; k++ }
		           printf "%.3f %d\n", m, k }'
}
read -r planned np <<<"$(spread planned)"
read -r wide nw <<<"$(spread wide)"
echo "# first to tenth meter's answer: planned $planned s over $np polls, not planned $wide s over $nw polls"
check "whole polls of both were seen" test "${np:-0}" -ge 2 -a "${nw:-0}" -ge 2
check "planned for the bus: nine meters take 0.94 s of bus (within 15 %: the machine is shared)" \
	awk -v d="$planned" 'BEGIN { exit !(d >= 0.9375 * 0.97 && d <= 0.9375 * 1.15) }'
check "not planned: 1.84 s, so the plan nearly halves the bus time" \
	awk -v d="$wide" -v p="$planned" 'BEGIN { exit !(d >= 1.8375 * 0.97 && d / p > 1.6) }'
done_testing
