#!/bin/bash
# 41-sim-faults: gm-sim's fault switches, seen through mbpoll over Modbus TCP.
# Five copies of one meter (same model, seed and load) behind one gateway:
# healthy, timeout, exception, reset and swap, so each faulty one can be
# held against the healthy one; a fault limited in time comes and goes on
# the wall clock; SIGUSR1/SIGUSR2 make the gateway hang and recover with its
# connections kept open.
. "$(dirname "$0")/../lib.sh"

PORT=$(free_port)
LIVE_PORT=$(free_port)
NOW=$(date +%s)
FREEZE=$((NOW - 60))
RESET=$((FREEZE - 3600))

meter() { # id unit [fault lines...]
	printf '[meter %s]\nunit = %s\nmodel = sdm630\nseed = 42\nload = 20\n' "$1" "$2"
	shift 2
	printf '%s\n' "$@"
}
{
	printf '[sim]\nlisten = 127.0.0.1:%s\ndevices = %s/devices\n' "$PORT" "$ROOT"
	meter ok 1
	meter dumb 2 "fault = timeout"
	meter failing 3 "fault = exception"
	meter reset 4 "fault = reset" "fault_from = @$RESET"
	meter swapped 5 "fault = swap"
	meter before 6 "fault = exception" "fault_from = @$((FREEZE + 60))"
	meter after 7 "fault = exception" "fault_from = 2020-01-01" "fault_until = @$((FREEZE - 1))"
} >"$T/sim.conf"

check "gm-sim accepts the fault config" "$BIN/gm-sim" -n -c "$T/sim.conf"
start sim "$BIN/gm-sim" -v -c "$T/sim.conf" --freeze "@$FREEZE"
SIM=$LAST_PID
wait_port "$PORT" || not_ok "gm-sim listens"

say() { # port unit reference type [count]
	timeout 10 mbpoll -m tcp -p "$1" -a "$2" -r "$3" -0 -t "$4" -B -c "${5:-1}" -1 -o 0.5 \
		127.0.0.1 2>&1
}
value() { say "$PORT" "$1" 342 3:float | sed -n 's/^\[342\]:[[:space:]]*//p'; }
says() { local what=$1; shift; say "$@" | grep -q "$what"; }
g() { awk -v x="$1" 'BEGIN { printf "%g", x }'; }
truth() { "$BIN/gm-sim" -c "$T/sim.conf" "$@"; }

check "the healthy meter reads as --truth" \
	test "$(g "$(value 1)")" = "$(g "$(truth --truth ok total_kwh "@$FREEZE")")"
check "timeout: no reply at all" says 'Connection timed out' "$PORT" 2 342 3:float
check "exception: SERVER DEVICE FAILURE" says 'Slave device or server failure' "$PORT" 3 342 3:float
check "exception: for any register, even one the model lacks" \
	says 'Slave device or server failure' "$PORT" 3 9000 3

# reset: the count since the reset, exactly what the healthy twin counted since.
since=$(awk -v a="$(truth --exact --truth ok total_kwh "@$FREEZE")" \
	-v b="$(truth --exact --truth ok total_kwh "@$RESET")" 'BEGIN { printf "%.9g", a - b }')
check "reset: --exact is the count since fault_from" \
	near "$(truth --exact --truth reset total_kwh "@$FREEZE")" "$since" 1e-6
check "reset: the register holds what --truth says" \
	test "$(g "$(value 4)")" = "$(g "$(truth --truth reset total_kwh "@$FREEZE")")"
check "reset: before fault_from the count is whole" \
	test "$(truth --truth reset total_kwh "@$((RESET - 1))")" = \
	"$(truth --truth ok total_kwh "@$((RESET - 1))")"
check "reset: gauges are not touched" \
	test "$(truth --truth reset voltage_l1 "@$FREEZE")" = "$(truth --truth ok voltage_l1 "@$FREEZE")"

# swap: the healthy meter's two words, reversed.
words() { say "$PORT" "$1" 342 3:hex 2 | sed -n 's/^\[34[23]\]:[[:space:]]*//p' | tr '\n' ' '; }
ok_words=$(words 1)
echo "# total_kwh words: healthy $ok_words, swapped $(words 5)"
check "swap: the words come reversed" \
	test "$(words 5)" = "$(echo "$ok_words" | awk '{ print $2, $1 }') "
check "swap: --truth tells the value as misread" \
	test "$(g "$(value 5)")" = "$(g "$(truth --truth swapped total_kwh "@$FREEZE")")"

check "a fault not begun yet does not apply" test -n "$(value 6)"
check "a fault that has ended does not apply" test -n "$(value 7)"

# A fault window on the wall clock: answers, then silence, then answers.
NOW=$(date +%s)
{
	printf '[sim]\nlisten = 127.0.0.1:%s\ndevices = %s/devices\n' "$LIVE_PORT" "$ROOT"
	meter window 1 "fault = timeout" "fault_from = @$((NOW + 4))" "fault_until = @$((NOW + 8))"
} >"$T/live.conf"
start live "$BIN/gm-sim" -v -c "$T/live.conf"
wait_port "$LIVE_PORT" || not_ok "the live gm-sim listens"
live() { say "$LIVE_PORT" 1 342 3:float | grep -q '^\[342\]'; }
past() { [ "$(date +%s)" -ge "$1" ]; }
check "window: answers before fault_from" live
wait_for 10 past $((NOW + 5))
check "window: silent inside it" says 'Connection timed out' "$LIVE_PORT" 1 342 3:float
wait_for 10 past $((NOW + 8))
check "window: answers again after fault_until" live

# A hung gateway: the connection stays, a request sent while dead is never
# answered, the one after SIGUSR2 is (transaction ids 1 and 2).
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
kill -USR1 "$SIM"
wait_for 5 grep -q "gateway dead" "$T/sim.log"
printf '\000\001\000\000\000\006\001\004\001\126\000\002' >&3
dead_reply=$(timeout 1 od -An -tx1 -N13 <&3)
check "SIGUSR1: a request on an open connection gets no reply" test -z "$dead_reply"
check "SIGUSR1: new connections get no reply either" says 'Connection timed out' "$PORT" 1 342 3:float
kill -USR2 "$SIM"
wait_for 5 grep -q "gateway alive again" "$T/sim.log"
printf '\000\002\000\000\000\006\001\004\001\126\000\002' >&3
reply=$(timeout 2 od -An -tx1 -N13 <&3 | tr -s ' \n' ' ')
exec 3<&-
echo "# reply after SIGUSR2: $reply"
check "SIGUSR2: the same connection is answered, the dead request forgotten" \
	test "$(echo "$reply" | awk '{ print $1 $2, $8, $9 }')" = "0002 04 04"

kill -TERM "$SIM"
wait "$SIM"
check "SIGTERM stops it with exit 0" test $? -eq 0

printf '[sim]\nlisten = 127.0.0.1:1\n[meter m]\nunit = 1\nmodel = sdm630\nseed = 1\nload = 1\nfault = reset\nfault_until = 2020-01-01\n' >"$T/bad.conf"
"$BIN/gm-sim" -n -c "$T/bad.conf" >"$T/bad.log" 2>&1
check "a reset without fault_from is refused" grep -q "fault = reset needs fault_from" "$T/bad.log"

# A change of load needs its moment and its load, and a load is not negative.
bad_meter='[sim]\nlisten = 127.0.0.1:1\n[meter m]\nunit = 1\nmodel = sdm630\nseed = 1\nload = 1\n'
printf "$bad_meter"'load_change_at = 2026-01-01\n' >"$T/bad-change.conf"
"$BIN/gm-sim" -n -c "$T/bad-change.conf" >"$T/bad-change.log" 2>&1
check "load_change_at without load_after is refused" \
	grep -q "bad-change.conf:8: .*load_change_at and load_after go together" "$T/bad-change.log"
printf "$bad_meter"'load_after = 16\n' >"$T/bad-after.conf"
"$BIN/gm-sim" -n -c "$T/bad-after.conf" >"$T/bad-after.log" 2>&1
check "load_after without load_change_at is refused" \
	grep -q "bad-after.conf:8: .*load_change_at and load_after go together" "$T/bad-after.log"
printf "$bad_meter"'load_change_at = 2026-01-01\nload_after = -1\n' >"$T/bad-load.conf"
"$BIN/gm-sim" -n -c "$T/bad-load.conf" >"$T/bad-load.log" 2>&1
check "a negative load_after is refused" grep -q 'bad-load.conf:9: load_after = "-1"' "$T/bad-load.log"

# From load_change_at on, a meter counts load_after / load of its twin's
# use, and its counter does not jump there.
CHANGE=$((FREEZE - 7200))
{
	printf '[sim]\nlisten = 127.0.0.1:1\ndevices = %s/devices\n' "$ROOT"
	meter ok 1
	meter cut 2 "load_change_at = @$CHANGE" "load_after = 16"
} >"$T/change.conf"
used() { "$BIN/gm-sim" -c "$T/change.conf" --used "$@"; }
check "gm-sim accepts a change of load" "$BIN/gm-sim" -n -c "$T/change.conf"
check "load change: the count at load_change_at is the twin's" \
	test "$("$BIN/gm-sim" -c "$T/change.conf" --exact --truth cut total_kwh "@$CHANGE")" = \
	"$("$BIN/gm-sim" -c "$T/change.conf" --exact --truth ok total_kwh "@$CHANGE")"
check "load change: after it, 16/20 of the twin's use" \
	near "$(used cut total_kwh "@$CHANGE" "@$FREEZE")" \
	"$(awk -v u="$(used ok total_kwh "@$CHANGE" "@$FREEZE")" 'BEGIN { printf "%.17g", u * 0.8 }')" 1e-6
check "load change: before it, the twin's use" \
	test "$(used cut total_kwh "@$((CHANGE - 3600))" "@$CHANGE")" = \
	"$(used ok total_kwh "@$((CHANGE - 3600))" "@$CHANGE")"
done_testing
