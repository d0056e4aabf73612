#!/bin/bash
# 10-chain: simulated meters -> gm-agent -> mosquitto -> gm-collector -> RRD
# -> gm-report, all real parts. Over one full minute, gm-report's consumption
# of every counter must equal gm-sim's true consumption to the register's
# resolution; mbpoll (a third-party Modbus client) must read the value the
# agent published; mosquitto_sub must see payloads of the wire contract.
. "$(dirname "$0")/../lib.sh"

start_broker
SIM_PORT=$(free_port)
FROZEN_PORT=$(free_port)
NOW=$(date +%s)
FREEZE=$((NOW - 3600))

# Counters start small (start_at) so a float32 register resolves them finely.
cat >"$T/sim.conf" <<CONF
[sim]
listen = 127.0.0.1:$SIM_PORT
devices = $ROOT/devices
[meter b2-main]
unit = 1
model = sdm630
seed = 42
load = 36
start = 100
start_at = @$((NOW - 300))
[meter b2-water]
unit = 2
model = water-pulse
seed = 7
load = 3
[meter printing-press]
unit = 3
model = printer-counter
seed = 9
load = 12000
CONF
sed -e "s/^listen = .*/listen = 127.0.0.1:$FROZEN_PORT/" "$T/sim.conf" >"$T/frozen.conf"

meter() { # id host-port unit model
	printf '[meter %s]\nmodel = %s\nhost = 127.0.0.1:%s\nunit = %s\ninterval = 1\ntimeout = 0.5\n' \
		"$1" "$4" "$2" "$3"
}
{
	printf '[agent]\nsite = parliament\ndevices = %s/devices\nspool_dir = %s/spool\n' "$ROOT" "$T"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = chain-agent\n' "$BROKER_PORT"
	meter b2-main "$SIM_PORT" 1 sdm630
	meter b2-water "$SIM_PORT" 2 water-pulse
	meter printing-press "$SIM_PORT" 3 printer-counter
	meter frozen-main "$FROZEN_PORT" 1 sdm630
} >"$T/agent.conf"
collector_conf "$T/data" "$T/status" "$BROKER_PORT" chain-collector >"$T/collector.conf"

check "gm-agent accepts its config" "$BIN/gm-agent" -n -c "$T/agent.conf"
check "gm-collector accepts its config" "$BIN/gm-collector" -n -c "$T/collector.conf"
start_collector
collector_subscribed || not_ok "collector subscribes"
start sim "$BIN/gm-sim" -c "$T/sim.conf"
start frozen "$BIN/gm-sim" -c "$T/frozen.conf" --freeze "@$FREEZE"
wait_port "$SIM_PORT" && wait_port "$FROZEN_PORT" || not_ok "gm-sim listens"
start agent "$BIN/gm-agent" -c "$T/agent.conf"

# --- the wire contract, as a subscriber sees it -----------------------------
timeout 10 mosquitto_sub -p "$BROKER_PORT" -t 'greenmeter/v1/#' -v -C 24 >"$T/sub.txt"
ID='[a-z0-9][a-z0-9_-]{0,63}'
NUM='-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?'
# One reading, or a batch of them: the agent sends a batch whenever several
# readings of a topic are waiting (its first polls before it is connected to
# the broker; on a busy machine, a late poll and the next one close together).
PT="\\[$NUM,$NUM\\]"
RE="^greenmeter/v1/$ID/$ID/$ID \{(\"t\":$NUM,\"v\":$NUM|\"readings\":\\[$PT(,$PT)*\\]),\"unit\":\"[A-Za-z0-9/%._-]{1,15}\",\"kind\":\"(counter|gauge|delta)\",\"seq\":[0-9]+(,\"wrap\":$NUM)?(,\"every\":[0-9]+)?\}$"
check "mosquitto_sub saw 24 messages" test "$(wc -l <"$T/sub.txt")" -eq 24
check "every message matches the wire contract" test "$(grep -cEv "$RE" "$T/sub.txt")" -eq 0
check "every message says the meter is read every 1 s (interval = 1)" \
	test "$(grep -c ',"every":1}$' "$T/sub.txt")" -eq 24
check "and the collector keeps it in the channel's .meta" \
	wait_for 10 grep -qx 'every = 1' "$T/data/parliament/b2-main/import_kwh.meta"

# --- a third-party Modbus client agrees with what the agent published -------
pub=$(timeout 5 mosquitto_sub -p "$BROKER_PORT" -t greenmeter/v1/parliament/frozen-main/total_kwh -v -C 1 |
	sub_readings /dev/stdin | awk 'END { print $3 }')
mb=$(mbpoll -m tcp -p "$FROZEN_PORT" -a 1 -r 342 -0 -t 3:float -B -c 1 -1 127.0.0.1 |
	sed -n 's/^\[342\]:[[:space:]]*//p')
echo "# frozen total_kwh: published $pub, mbpoll $mb"
check "mbpoll reads the total kWh the agent published" \
	test "$(awk -v x="$pub" 'BEGIN { printf "%g", x }')" = "$(awk -v x="$mb" 'BEGIN { printf "%g", x }')"
mbhex=$(mbpoll -m tcp -p "$FROZEN_PORT" -a 1 -r 0 -0 -t 3:float -B -c 1 -1 127.0.0.1 |
	sed -n 's/^\[0\]:[[:space:]]*//p')
check "mbpoll reads voltage 230.5 (float32 ABCD 0x4366 0x8000)" test "$mbhex" = "230.5"

# --- one whole minute, measured both ways -----------------------------------
M1=$(( ( $(date +%s) + 4 ) / 60 * 60 + 60 ))
M2=$((M1 + 60))
echo "# waiting for the minute $M1..$M2 to be complete"
while [ "$(date +%s)" -lt $((M2 + 3)) ]; do sleep 1; done
"$BIN/gm-report" -d "$T/data" --from "@$M1" --to "@$M2" --csv >"$T/report.csv"
cat "$T/report.csv"

# tolerance: two steps of the register's resolution (one at each end), plus
# 10 ms of use for the time between the sim answering and the agent stamping.
compare() { # meter channel resolution-of-register
	local m=$1 c=$2 res=$3 a b truth got rate tol
	a=$("$BIN/gm-sim" -c "$T/sim.conf" --exact --truth "$m" "$c" "@$M1")
	b=$("$BIN/gm-sim" -c "$T/sim.conf" --exact --truth "$m" "$c" "@$M2")
	truth=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.9f", b - a }')
	got=$(awk -F, -v m="$m" -v c="$c" '$2 == m && $3 == c { print $8 }' "$T/report.csv")
	[ "$res" = f32 ] && res=$(f32_ulp "$b")
	tol=$(awk -v r="$res" -v d="$truth" 'BEGIN { printf "%.9f", 2 * r + d / 60 * 0.01 + 1e-9 }')
	echo "# $m/$c: truth $truth, report $got, tolerance $tol"
	check "$m/$c consumption over a minute equals the simulator's truth" near "$got" "$truth" "$tol"
	check "$m/$c consumption is not zero" awk -v x="$got" 'BEGIN { exit !(x > 0) }'
}
compare b2-main import_kwh f32
compare b2-main total_kwh f32
compare b2-water volume_m3 0.001
compare printing-press impressions 1
compare printing-press sheets 1

cov=$(awk -F, '$2 == "b2-main" && $3 == "import_kwh" { print $12 }' "$T/report.csv")
check "a minute with a reading every second is 100% covered" near "$cov" 1 0.000001
v=$(awk -F, '$2 == "b2-main" && $3 == "voltage_l1" { print $9 }' "$T/report.csv")
check "gauge voltage_l1 averages 230.5 V" near "$v" 230.5 0.000001
check "gauge power_w reports a mean" awk -F, '$2 == "b2-main" && $3 == "power_w" && $9 > 0 { f = 1 } END { exit !f }' "$T/report.csv"
check "the table form prints the same 13 channels" test "$("$BIN/gm-report" -d "$T/data" --from "@$M1" --to "@$M2" | grep -c parliament)" -eq 13

stop "$(echo $PIDS | awk '{print $NF}')"    # the agent: a clean stop
check "collector status counts no loss and no duplicates" \
	awk '/received=/ { if ($0 !~ /lost=0 / || $0 !~ /duplicates=0 /) bad = 1 } END { exit bad }' "$T/status"
check "nothing was logged as an error" sh -c "! grep -h ': error: ' '$T'/*.log"
done_testing
