#!/bin/bash
# 75-collector-live-head-stall: one RRD file whose live head is damaged
# (last_up_usec out of range: one flipped byte), met after a restart. It
# was once judged a failure that passes, and its channel's first message
# retried on paho's thread for ever: no other channel stored anything
# again. Now the file is judged damaged, its channel set aside and the
# other four store on.
. "$(dirname "$0")/../lib.sh"

start_broker || exit 1
D=$T/data
collector_conf "$D" "$T/status" "$BROKER_PORT" stall-test |
	sed 's/^\[mqtt\]$/write_delay = 1\n[mqtt]/' >"$T/collector.conf"
start_collector
collector_subscribed || { not_ok "the collector subscribes"; done_testing; }
B=$(( ($(date +%s) - 3600) / 60 * 60 ))
pub() { # channel minute
	mosquitto_pub -p "$BROKER_PORT" -q 1 -t "greenmeter/v1/hq/m1/$1" \
		-m "$(printf '{"t":%d,"v":%d,"unit":"W","kind":"gauge","seq":%d}' $((B + 60 * $2)) $((100 + $2)) $(($2 + 1)))"
}
last_is() { test "$(rrdtool lastupdate "$D/hq/m1/$1.rrd" 2>/dev/null | tail -1 | cut -d: -f1)" = $((B + 60 * $2)); }
for c in c1 c2 c3 c4 c5; do pub $c 0; done
check "five channels hold minute 0" wait_for 20 sh -c "$(declare -f last_is); D='$D' B=$B; for c in c1 c2 c3 c4 c5; do last_is \$c 0 || exit 1; done"
stop "$COLLECTOR_PID"
# live head: after the static head (128 bytes), 2 DS defs and 8 RRA defs (120 bytes each)
LIVE=$((128 + 2 * 120 + 8 * 120))
printf '\x40\x4b\x4c\x00\x00\x00\x00\x00' | dd of="$D/hq/m1/c3.rrd" bs=1 seek=$((LIVE + 8)) conv=notrunc status=none
touch -d '1 hour ago' "$D/hq/m1/c3.rrd"
rrdtool info "$D/hq/m1/c3.rrd" >/dev/null 2>"$T/rrdinfo.err" || true
start_collector
wait_for 10 sh -c "test \$(grep -c 'subscribed to' '$T/collector.log') -ge 2" || true
pub c3 1
for c in c1 c2 c4 c5; do pub $c 1; done
check "the four healthy channels hold minute 1 (the damaged one quarantined)" wait_for 20 \
	sh -c "$(declare -f last_is); D='$D' B=$B; for c in c1 c2 c4 c5; do last_is \$c 1 || exit 1; done"
grep -E 'c3' "$T/collector.log" | tail -3 | sed 's/^/# /'
done_testing
