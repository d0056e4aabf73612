#!/bin/bash
# 40-sim-rtu: gm-sim serves Modbus RTU on one serial line (a socat pty pair)
# for all its meters by unit id. mbpoll, a third-party client, must read the
# values gm-sim --truth tells, whatever the order of the units it asks; an
# unknown unit and a corrupt frame get no reply and do not upset the next
# request; SIGUSR1/SIGUSR2 make the line go dead and come back.
. "$(dirname "$0")/../lib.sh"

FREEZE=$(( $(date +%s) - 600 ))
start socat socat -d -d pty,raw,echo=0,link="$T/sim-tty" pty,raw,echo=0,link="$T/agent-tty"
SOCAT=$LAST_PID
wait_for 10 test -e "$T/agent-tty" || not_ok "socat makes the pty pair"

cat >"$T/sim.conf" <<CONF
[sim]
listen = rtu:$T/sim-tty
baud = 9600
devices = $ROOT/devices
[meter b2-main]
unit = 1
model = sdm630
seed = 42
load = 36
start = 100
start_at = @$((FREEZE - 300))
[meter b2-water]
unit = 2
model = water-pulse
seed = 7
load = 3
[meter b2-small]
unit = 17
model = sdm120
seed = 5
load = 2
start = 10
start_at = @$((FREEZE - 3600))
CONF
check "gm-sim accepts an RTU config" "$BIN/gm-sim" -n -c "$T/sim.conf"
start sim "$BIN/gm-sim" -v -c "$T/sim.conf" --freeze "@$FREEZE"
SIM=$LAST_PID
wait_for 10 grep -q "serving 3 meters on rtu:" "$T/sim.log" || not_ok "gm-sim opens the line"

# mbpoll -m rtu on the agent's end of the pair: all it says, or just the value.
rtu_say() { # unit reference type
	timeout 10 mbpoll -m rtu -b 9600 -P none -a "$1" -r "$2" -0 -t "$3" -B -1 -o 0.5 \
		"$T/agent-tty" 2>&1
}
rtu() { rtu_say "$@" | sed -n "s/^\[$2\]:[[:space:]]*//p"; }
silent() { rtu_say "$@" | grep -q 'Connection timed out'; }   # no reply at all
g() { awk -v x="$1" 'BEGIN { printf "%g", x }'; }   # mbpoll prints floats with %g
truth() { "$BIN/gm-sim" -c "$T/sim.conf" --truth "$1" "$2" "@$FREEZE"; }

kwh=$(truth b2-main total_kwh)
small=$(truth b2-small import_kwh)
water=$(truth b2-water volume_m3)
sdm120_addr=$(awk '/^\[channel import_kwh\]/ { f = 1 } f && /^address/ { print $3; exit }' "$ROOT/devices/sdm120.conf")
echo "# truth: b2-main total_kwh $kwh, b2-small import_kwh $small, b2-water volume_m3 $water"

check "unit 1 (sdm630) reads as --truth" test "$(g "$(rtu 1 342 3:float)")" = "$(g "$kwh")"
check "unit 17 (sdm120) reads as --truth" \
	test "$(g "$(rtu 17 $((sdm120_addr)) 3:float)")" = "$(g "$small")"
check "unit 2 (water pulses, holding uint32) reads as --truth" \
	test "$(awk -v p="$(rtu 2 0 4:int)" 'BEGIN { printf "%.3f", p * 0.001 }')" = \
	"$(awk -v x="$water" 'BEGIN { printf "%.3f", x }')"
check "unit 1 again after other units" test "$(g "$(rtu 1 342 3:float)")" = "$(g "$kwh")"

check "an unknown unit gets no reply" silent 9 342 3:float
check "the next request after it is answered" test "$(g "$(rtu 1 342 3:float)")" = "$(g "$kwh")"
printf '\001\004\001\126\000\002\000\000' >"$T/agent-tty"   # read request, CRC wrong
sleep 0.3
check "a corrupt frame is dropped, the next one answered" \
	test "$(g "$(rtu 1 342 3:float)")" = "$(g "$kwh")"
check "gm-sim logged the corrupt frame" grep -q "frame dropped: bad CRC" "$T/sim.log"
illegal() { rtu_say "$@" | grep -q 'Illegal data address'; }
check "an address outside the model gets ILLEGAL DATA ADDRESS" illegal 2 342 3

kill -USR1 "$SIM"
wait_for 5 grep -q "gateway dead" "$T/sim.log"
check "SIGUSR1: the gateway answers nothing" silent 1 342 3:float
kill -USR2 "$SIM"
wait_for 5 grep -q "gateway alive again" "$T/sim.log"
check "SIGUSR2: it answers again" test "$(g "$(rtu 1 342 3:float)")" = "$(g "$kwh")"

kill -TERM "$SIM"
wait "$SIM"
check "SIGTERM stops it with exit 0" test $? -eq 0

# Other line settings: 19200 baud, even parity, two stop bits.
sed -e 's/^baud = .*/baud = 19200\nparity = E\nstop_bits = 2/' "$T/sim.conf" >"$T/sim8e2.conf"
start sim8e2 "$BIN/gm-sim" -c "$T/sim8e2.conf" --freeze "@$FREEZE"
wait_for 10 grep -q "19200 8E2" "$T/sim8e2.log" || not_ok "gm-sim opens the line at 19200 8E2"
check "19200 8E2: unit 1 reads as --truth" test "$(g "$(timeout 10 mbpoll -m rtu -b 19200 -P even \
	-s 2 -a 1 -r 342 -0 -t 3:float -B -1 -o 0.5 "$T/agent-tty" 2>&1 |
	sed -n 's/^\[342\]:[[:space:]]*//p')")" = "$(g "$kwh")"
stop "$LAST_PID"

# The line's other end closing is an error, not a busy loop.
start lone "$BIN/gm-sim" -c "$T/sim.conf"
LONE=$LAST_PID
wait_for 10 grep -q "serving" "$T/lone.log"
stop "$SOCAT"
wait_for 10 grep -q "closed at the other end" "$T/lone.log"
check "gm-sim reports the closed line" grep -q "error: reading rtu:" "$T/lone.log"
wait "$LONE"
check "and exits with code 3" test $? -eq 3
done_testing
