#!/bin/bash
# 44-agent-hostile-modbus: gm-agent against a Modbus TCP gateway that lies
# (tests/fixtures/hostile_modbus.py: every second answer is a bad one, of
# over 40 kinds: wrong transaction, protocol or unit id, MBAP length or byte
# count that disagree, frames cut short, trickled a byte every 0.4 s, never
# answered, garbage, late, with bytes after them, every exception code and
# invalid ones, NaN, infinities, a negative counter, a 64-bit count a double
# cannot hold), with a healthy gm-sim meter on another gateway.
# - Not one wrong value is published: every value on the broker is one the
#   fixture served in a good answer.
# - A bad answer costs only its request: unit 2, whose first request is
#   always answered by the wrong unit, still publishes its second.
# - Every bad answer is logged by what was wrong with it.
# - A trickled answer is given up when the timeout (0.4 s) is over.
# - The healthy meter keeps its schedule: its largest gap between readings
#   is at most its interval + its timeout.
. "$(dirname "$0")/../lib.sh"

FIX=$ROOT/tests/fixtures
start_broker
HOSTILE=$(free_port)
GOOD=$(free_port)
mkdir -p "$T/devices"
cp "$ROOT"/devices/*.conf "$FIX"/devices/hostile.conf "$FIX"/devices/hostile2.conf "$T/devices/"
printf '[sim]\nlisten = 127.0.0.1:%s\ndevices = %s/devices\n[meter m]\nunit = 1\nmodel = sdm630\nseed = 5\nload = 20\n' \
	"$GOOD" "$ROOT" >"$T/sim.conf"
{
	printf '[agent]\nsite = hx\ndevices = %s/devices\nspool_dir = %s/spool\n' "$T" "$T"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = hx-agent\n' "$BROKER_PORT"
	printf '[meter hostile]\nmodel = hostile\nhost = 127.0.0.1:%s\nunit = 1\ninterval = 0.6\ntimeout = 0.4\nretries = 0\n' "$HOSTILE"
	printf '[meter hostile2]\nmodel = hostile2\nhost = 127.0.0.1:%s\nunit = 2\ninterval = 0.6\ntimeout = 0.4\nretries = 0\n' "$HOSTILE"
	printf '[meter healthy]\nmodel = sdm630\nchannels = total_kwh\nhost = 127.0.0.1:%s\nunit = 1\ninterval = 1\ntimeout = 0.5\n' "$GOOD"
} >"$T/agent.conf"

python3 "$FIX/hostile_modbus.py" kinds >"$T/kinds.txt"
NKINDS=$(wc -l <"$T/kinds.txt")
start fixture python3 "$FIX/hostile_modbus.py" serve "$HOSTILE" "$T/served.log"
start sim "$BIN/gm-sim" -c "$T/sim.conf"
wait_port "$HOSTILE" && wait_port "$GOOD" || not_ok "both gateways listen"
mosquitto_sub -p "$BROKER_PORT" -t 'greenmeter/v1/hx/#' -v >"$T/sub.txt" &
SUB=$!
PIDS="$PIDS $SUB"
sleep 0.5
start agent "$BIN/gm-agent" -c "$T/agent.conf"
AGENT=$LAST_PID

wait_for 150 served_all || not_ok "the fixture served every kind of bad answer within 150 s"
sleep 1.5   # the last readings reach the broker
check "the agent is still running" kill -0 "$AGENT"
stop "$AGENT"
sleep 0.3
stop "$SUB"
echo "# $(grep -c . "$T/served.log") answers served, $NKINDS kinds of bad answer"

# --- 1. no wrong value published -------------------------------------------
grep '^greenmeter/v1/hx/hostile/' "$T/sub.txt" >"$T/hostile.txt"
python3 "$FIX/hostile_modbus.py" check "$T/served.log" "$T/hostile.txt" >"$T/check.txt"
cat "$T/check.txt" | sed 's/^/# /'
published=$(awk '/^published/ { print $2 }' "$T/check.txt")
wrong=$(awk '/^published/ { print $4 }' "$T/check.txt")
goods=$(grep -c ' good ' "$T/served.log")
check "no wrong value published (${wrong:-?} of ${published:-?})" test "${wrong:-1}" -eq 0
# Two channels an answer; a poll just before the agent stopped may be unsent.
check "the good answers were published ($published values for $goods good answers)" \
	test "${published:-0}" -ge $((2 * goods - 4))

# A bad answer to one request costs that request only: the meter's next
# request, on a fresh connection, is answered and published.
# (Counted in readings: a busy agent sends several in one batch.)
sub_readings "$T/sub.txt" '^greenmeter/v1/hx/hostile2/' >"$T/hostile2.txt" || not_ok "unit 2's messages read"
told=$(awk '$1 ~ /\/told_kwh$/ && $3 == "42.5"' "$T/hostile2.txt" | wc -l)
lied=$(awk '$1 ~ /\/lied_w$/' "$T/hostile2.txt" | wc -l)
other=$(awk '$1 !~ /\/(told_kwh|lied_w)$/ || ($1 ~ /\/told_kwh$/ && $3 != "42.5")' "$T/hostile2.txt" | wc -l)
echo "# unit 2: told_kwh published $told times, lied_w $lied, other values $other ($(grep -c '"readings"' "$T/sub.txt") batches among all messages)"
check "the request after a bad answer is still read and published ($told times)" test "$told" -ge 40
check "what the wrong unit said is not published ($lied, $other)" test "$lied" -eq 0 -a "$other" -eq 0
check "the wrong unit is logged for unit 2's first request" \
	grep -q "meter hostile2 (127.0.0.1:$HOSTILE unit 2) reg 0x0000 (function 3, 2 registers): wrong unit id 7 (asked unit 2)" "$T/agent.log"

# --- 2. every bad answer logged by its name -----------------------------------
PFX="meter hostile \\(127\\.0\\.0\\.1:$HOSTILE unit 1\\) reg"
while IFS=$'\t' read -r kind regex; do
	case $kind in
	value:*) re="$PFX 0x0000 energy_kwh: $regex" ;;
	pulses:*) re="$PFX 0x0002 pulses: $regex" ;;
	*) re="$PFX 0x0000 \\(function 4, 6 registers\\): $regex" ;;
	esac
	check "$kind is logged as such" grep -qE "$re" "$T/agent.log"
done <"$T/kinds.txt"

# --- 3. the deadline: a trickled answer is given up when the timeout is over --
# (the agent logs local time; the fixture wrote when the request came)
late=$(TZ=Asia/Bangkok python3 - "$T/served.log" "$T/agent.log" <<'PY'
import sys, time, datetime
asked = [float(l.split()[5]) for l in open(sys.argv[1]) if l.split()[1] == "trickle"]
logged = [l.split()[0] for l in open(sys.argv[2]) if "of 21 bytes within 400 ms" in l]
if asked and logged:
    t = datetime.datetime.strptime(logged[0], "%Y-%m-%dT%H:%M:%S.%f").timestamp()
    print("%.3f" % (t - asked[0]))
PY
)
echo "# the trickled answer was given up ${late:-?} s after the request (timeout 0.4 s; a byte every 0.4 s)"
check "a trickled answer is given up within the timeout (${late:-?} s <= 0.4 s + 0.15 s)" \
	awk -v l="${late:-99}" 'BEGIN { exit !(l >= 0.35 && l <= 0.55) }'

# --- 4. the healthy meter on the other gateway kept its schedule ---------------
sub_readings "$T/sub.txt" '^greenmeter/v1/hx/healthy/total_kwh$' | awk '{ print $2 }' >"$T/healthy.t"
n=$(wc -l <"$T/healthy.t")
span=$(awk 'NR == 1 { f = $1 } { l = $1 } END { printf "%.0f", l - f }' "$T/healthy.t")
maxgap=$(awk 'NR > 1 { g = $1 - p; if (g > m) m = g } { p = $1 } END { printf "%.3f", m }' "$T/healthy.t")
echo "# healthy meter: $n readings over $span s, largest gap $maxgap s (interval 1 s, timeout 0.5 s)"
check "the healthy meter was read every second ($n readings over $span s)" test "$n" -ge "$span" -a "$n" -ge 30
check "its largest gap ($maxgap s) is at most interval + timeout (1.5 s)" \
	awk -v g="$maxgap" 'BEGIN { exit !(g > 0 && g <= 1.5) }'
check "the healthy meter logged no failure" sh -c "! grep -q 'meter healthy (' '$T/agent.log'"
done_testing
