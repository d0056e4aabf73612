#!/bin/bash
# 49-spool-damage: what an agent finds in its spool at start cannot stop the
# pipeline, through a real broker and collector.
#  - A spool an older agent left after an outage, with NaNs, +Inf and -Inf
#    among 24 readings of a counter (the first of them a NaN): the 20 finite
#    readings are stored (sent, the bad ones made the collector refuse the
#    whole batch), the bad ones are refused and logged with their topic.
#  - A segment of 10 000 readings with one byte flipped in the middle: 9 999
#    are stored, and the agent logs the loss as one reading, by id.
. "$(dirname "$0")/../lib.sh"

start_broker
cat >"$T/agent.conf" <<CONF
[agent]
site = spool
spool_dir = $T/spool
[mqtt]
broker = 127.0.0.1:$BROKER_PORT
client_id = spool-damage-agent
[mqtt_meter idle]
topic = nobody/publishes/this
channel.x = .
unit.x = W
kind.x = gauge
CONF
now=$(date +%s)
# 24 minutes of a counter, readings 1, 5, 12 and 19 not numbers (ids 1..24)
awk -v now="$now" 'BEGIN { for (i = 1; i <= 24; i++) {
	v = 100 + i * 0.5
	if (i == 1 || i == 5) v = "nan"; else if (i == 12) v = "inf"; else if (i == 19) v = "-inf"
	print now - 7200 + i * 60, v } }' |
	python3 "$ROOT/tests/spoolseg.py" "$T/spool" 1 greenmeter/v1/spool/m1/total_kwh kWh counter \
	>/dev/null
# 10 000 minutes of another counter (ids 25..10024), ending 3 h ago
awk -v now="$now" 'BEGIN { for (i = 1; i <= 10000; i++) print now - 10800 - (10000 - i) * 60, i * 0.25 }' |
	python3 "$ROOT/tests/spoolseg.py" "$T/spool" 25 greenmeter/v1/spool/m2/total_kwh kWh counter \
	>"$T/offsets.txt"
seg="$T/spool/00000000000000000025.seg"
check "the segment holds 10 000 records" test "$(wc -l <"$T/offsets.txt")" -eq 10000
# one byte in the middle of the 5000th record (id 5024) flipped
off=$(($(sed -n 5000p "$T/offsets.txt") + 40))
byte=$(od -An -tu1 -j "$off" -N1 "$seg" | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 1)))" | dd of="$seg" bs=1 seek="$off" conv=notrunc status=none
check "the byte is flipped" test "$(od -An -tu1 -j "$off" -N1 "$seg" | tr -d ' ')" -eq $((byte ^ 1))

collector_up spool-damage-collector || not_ok "the collector subscribes"
start agent "$BIN/gm-agent" -c "$T/agent.conf"
AGENT=$LAST_PID
stored() { sed -n "s|^spool/$1/total_kwh .* stored=\([0-9]*\) .*|\1|p" "$T/status"; }
wait_for 90 sh -c "grep -q '^spool/m2/total_kwh .* stored=9999 ' '$T/status' &&
	grep -q '^spool/m1/total_kwh .* stored=20 ' '$T/status'"
echo "# stored: m1 $(stored m1) of 24 (4 not numbers), m2 $(stored m2) of 10000 (1 byte flipped)"
check "every finite reading of the batch with NaNs is stored (20 of 24)" test "$(stored m1)" = 20
check "the NaN is refused and logged with its topic" \
	grep -q 'topic greenmeter/v1/spool/m1/total_kwh: reading at .* not sent: value is not finite' \
	"$T/agent.log"
check "the collector refused no message" sh -c "! grep -q 'rejected' '$T/collector.log'"
check ">= 9990 of 10 000 readings with a flipped byte are stored" test "$(stored m2)" -ge 9990
check "exactly the damaged one is missing: 9999 stored" test "$(stored m2)" = 9999
check "the loss is logged in readings, by id" \
	grep -q '00000000000000000025.seg: damaged at bytes .*: 1 reading lost (id 5024)' "$T/agent.log"
check "the collector counts no message lost" sh -c "! grep -q 'lost=[1-9]' '$T/status'"
stop "$AGENT"
check "the agent's spool is empty at the end" grep -q "stopped: spool holds readings 1..10024, 0 of them" \
	"$T/agent.log"
done_testing
