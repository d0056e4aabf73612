#!/bin/bash
# 48-agent-hostile-rtu: gm-agent on a Modbus RTU line (a socat pty pair)
# whose meter lies (tests/fixtures/hostile_modbus.py serve-rtu): every second
# answer is one of 15 kinds of bad one (bad CRC on an answer and on an
# exception, wrong unit, function or byte count, exceptions and an invalid
# code, cut short, three bytes 0.4 s apart, none, a byte of noise first,
# NaN, a negative counter, a uint64 of 2^53 + 1).
# - Not one wrong value is published, and the good answers are.
# - Every bad answer is logged by what was wrong with it, within the
#   deadline (a trickled answer is given up after the timeout).
. "$(dirname "$0")/../lib.sh"

FIX=$ROOT/tests/fixtures
start_broker
start socat socat -d -d pty,raw,echo=0,link="$T/meter-tty" pty,raw,echo=0,link="$T/agent-tty"
wait_for 10 test -e "$T/agent-tty" || not_ok "socat makes the pty pair"
mkdir -p "$T/devices"
cp "$FIX"/devices/hostile.conf "$T/devices/"
{
	printf '[agent]\nsite = hr\ndevices = %s/devices\nspool_dir = %s/spool\n' "$T" "$T"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = hr-agent\n' "$BROKER_PORT"
	printf '[meter hostile]\nmodel = hostile\ndevice = %s/agent-tty\nbaud = 19200\nunit = 1\ninterval = 0.6\ntimeout = 0.4\nretries = 0\n' "$T"
} >"$T/agent.conf"

python3 "$FIX/hostile_modbus.py" kinds-rtu >"$T/kinds.txt"
NKINDS=$(wc -l <"$T/kinds.txt")
start fixture python3 "$FIX/hostile_modbus.py" serve-rtu "$T/meter-tty" "$T/served.log"
mosquitto_sub -p "$BROKER_PORT" -t 'greenmeter/v1/hr/#' -v >"$T/sub.txt" &
SUB=$!
PIDS="$PIDS $SUB"
sleep 0.5
start agent "$BIN/gm-agent" -c "$T/agent.conf"
AGENT=$LAST_PID

wait_for 90 served_all || not_ok "the fixture served every kind of bad answer within 90 s"
sleep 1.5
check "the agent is still running" kill -0 "$AGENT"
stop "$AGENT"
sleep 0.3
stop "$SUB"
echo "# $(grep -c . "$T/served.log") answers served, $NKINDS kinds of bad answer"

python3 "$FIX/hostile_modbus.py" check "$T/served.log" "$T/sub.txt" >"$T/check.txt"
sed 's/^/# /' "$T/check.txt"
published=$(awk '/^published/ { print $2 }' "$T/check.txt")
wrong=$(awk '/^published/ { print $4 }' "$T/check.txt")
goods=$(grep -c ' good ' "$T/served.log")
check "no wrong value published (${wrong:-?} of ${published:-?})" test "${wrong:-1}" -eq 0
check "the good answers were published ($published values for $goods good answers)" \
	test "${published:-0}" -ge $((2 * goods - 4))

PFX="meter hostile \\($T/agent-tty unit 1\\) reg"
while IFS=$'\t' read -r kind regex; do
	case $kind in
	value:*) re="$PFX 0x0000 energy_kwh: $regex" ;;
	pulses:*) re="$PFX 0x0002 pulses: $regex" ;;
	*) re="$PFX 0x0000 \\(function 4, 6 registers\\): $regex" ;;
	esac
	check "$kind is logged as such" grep -qE "$re" "$T/agent.log"
done <"$T/kinds.txt"
done_testing
