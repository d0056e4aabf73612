#!/bin/bash
# 62-year-truth: a simulated fiscal year (FY2569, 1 Oct 2025 - 30 Sep 2026
# Asia/Bangkok) of a water meter's 32-bit pulse counter, a reading every
# 15 minutes, through a real broker into a real collector, with everything a
# counter does to lie:
#   - it starts near 2^32 pulses and wraps in November;
#   - three outages (54 h, 6 h, 7 days) with no readings at all;
#   - an unannounced reset on 10 Feb at 10:07:30 (a pulse module losing
#     power: it restarts from 0 between two readings);
#   - a meter replacement on 15 Jun at 10:05, announced on the event topic
#     with the old meter's final count; the new meter starts at 12.5 m3.
# Every local-time monthly total from gm-report must equal what gm-sim's
# profile really used (gm-sim --used) within the register's resolution
# (3 pulses, 0.003 m3), except what the reset made unknowable: what the old
# module counted between its last reading (10:00) and the reset (10:07:30)
# it forgot before anyone read it, so February is expected to miss exactly
# that. The gaps are reported with their lengths; the reset is flagged.
. "$(dirname "$0")/../lib.sh"

STEP=900
M=w1
C=volume_m3
TOL=0.003
cat >"$T/sim.conf" <<EOF
[sim]
listen = 127.0.0.1:1
devices = $ROOT/devices
[meter $M]
unit = 1
model = water-pulse
seed = 7
load = 2
start = 4294000
start_at = 2025-10-01
fault = reset
fault_from = 2026-02-10 10:07:30
replace_at = 2026-06-15 10:05
replace_start = 12.5
EOF
sim() { "$BIN/gm-sim" -c "$T/sim.conf" "$@"; }
check "the simulator takes the year's meter" sim -n

start_broker
collector_up year-collector || not_ok "collector subscribes"

TOPIC=greenmeter/v1/year/$M/$C
# Readings every STEP s in [from, to) local time, as the agent would send them.
send() { sim --history "$M" "$C" "$1" "$2" "$STEP" | mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$TOPIC" -l; }
send "2025-10-01" "2025-11-03 08:00"
send "2025-11-05 14:00" "2026-03-20 00:00"
send "2026-03-20 06:00" "2026-06-15 10:05"
# The replacement, announced as a facilities person would: the old meter's
# last count (what its register shows just before) and the new one's first.
REPLACE=$(date -d "2026-06-15 10:05 +0700" +%s)
OLD_FINAL=$(sim --truth "$M" "$C" "@$((REPLACE - 1))")
mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$TOPIC/event" -m \
	"{\"t\":$REPLACE,\"event\":\"replaced\",\"old_final\":$OLD_FINAL,\"new_start\":12.5,\"unit\":\"m3\",\"note\":\"new meter\"}"
send "2026-06-15 10:15" "2026-08-03 00:00"
send "2026-08-10 00:00" "2026-10-01 00:15"   # the year's end reading too
# The year has 365 days and its end; the outages take 228 h of readings.
READINGS=$(( (365 * 86400 - (54 + 6 + 168) * 3600) / STEP + 1 ))
wait_for 60 grep -q "volume_m3 .*received=$READINGS stored=$READINGS " "$T/status" ||
	not_ok "all $READINGS readings stored (status: $(cat "$T/status"))"
stop "$(echo $PIDS | awk '{ print $NF }')"   # the collector, for a final status

check "the wrap was counted as a wrap (1)" grep -q 'volume_m3 .* wraps=1' "$T/status"
check "the fall in February was flagged (resets=1)" grep -q 'volume_m3 .* resets=1 ' "$T/status"
check "the replacement was taken (replaced=1)" grep -q 'volume_m3 .*replaced=1' "$T/status"
check "the collector logs the replacement" grep -q 'replaced at .*counting on from 12.5' "$T/collector.log"
check "and warns of the unannounced reset" grep -q 'no reset announced; taken to restart from 0' "$T/collector.log"

# Month by month, local time.
months="2025-10 2025-11 2025-12 2026-01 2026-02 2026-03 2026-04 2026-05 2026-06 2026-07 2026-08 2026-09"
report() { "$BIN/gm-report" -d "$T/data" --from "$1" --to "$2" --csv | awk -F, -v c=$C '$3 == c'; }
LOST=$(sim --used "$M" "$C" "2026-02-10 10:00" "2026-02-10 10:07:30")
check "the reset forgot something to check against ($LOST m3)" near "$LOST" 0.25 0.25
for m in $months; do
	from="$m-01"
	to=$(date -d "$from +1 month" +%Y-%m-01)
	truth=$(sim --used "$M" "$C" "$from" "$to")
	[ "$m" = 2026-02 ] && truth=$(awk -v a="$truth" -v b="$LOST" 'BEGIN { printf "%.17g", a - b }')
	row=$(report "$from" "$to")
	got=$(echo "$row" | cut -d, -f8)
	check "$m: $got m3 = truth $truth m3 (within $TOL)" near "$got" "$truth" $TOL
	echo "$row" >>"$T/months.csv"
done
# What each month must say of itself: gaps (count, seconds), replacements,
# flagged resets. Columns 13-17 of the CSV.
expect() { # month gaps gap_seconds replaced resets_announced resets_flagged
	check "$1: gaps $2 ($3 s), replaced $4, announced resets $5, flagged $6" \
		test "$(awk -F, -v m="$1-01 " 'index($6, m) == 1' "$T/months.csv" | cut -d, -f13-17)" = "$2,$3,$4,$5,$6"
}
expect 2025-10 0 0 0 0 0
expect 2025-11 1 194400 0 0 0
expect 2026-02 0 0 0 0 1
expect 2026-03 1 21600 0 0 0
expect 2026-06 0 0 1 0 0
expect 2026-08 1 604800 0 0 0
expect 2026-09 0 0 0 0 0
check "a month with an outage is shown incomplete" \
	sh -c "'$BIN/gm-report' -d '$T/data' --from 2025-11-01 --to 2025-12-01 | grep -q 'volume_m3 .* incomplete'"
check "its gap is listed with start and length (54 h)" \
	sh -c "'$BIN/gm-report' -d '$T/data' --from 2025-11-01 --to 2025-12-01 | grep -q 'gap from 2025-11-03 08:00:00 for 54h00m00s'"
check "February says the reset needs review" \
	sh -c "'$BIN/gm-report' -d '$T/data' --from 2026-02-01 --to 2026-03-01 | grep -q 'REVIEW: 1 counter reset'"
check "the year adds up: FY2569 = sum of the months" near \
	"$("$BIN/gm-report" -d "$T/data" --fy 2569 --csv | awk -F, -v c=$C '$3 == c { print $8 }')" \
	"$(awk -F, '{ s += $8 } END { printf "%.17g", s }' "$T/months.csv")" 1e-6
done_testing
