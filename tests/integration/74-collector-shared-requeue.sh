#!/bin/bash
# 74-collector-shared-requeue: in a shared group ($share/...) no collector
# holds the write-ahead log's lock after its start, so `gm-collector
# --requeue` does the work in its own process. The running collectors learn
# that the channel is taken back from the quarantine's marker, which every
# collector of the data directory reads: the mended channel's next messages
# are stored, not quarantined (they once were, until a restart).
. "$(dirname "$0")/../lib.sh"

start_broker
for c in a b; do
	collector_conf "$T/data" "$T/status-$c" "$BROKER_PORT" "shared-$c" |
		sed 's/^\[collector\]$/[collector]\nsubscribe = $share\/gm\/greenmeter\/v1\/#/' |
		sed 's/^\[mqtt\]$/[mqtt]\nprotocol = 5/' >"$T/$c.conf"
	start "collector-$c" "$BIN/gm-collector" -c "$T/$c.conf"
done
for c in a b; do
	wait_for 10 grep -q 'subscribed to $share/gm/greenmeter/v1/#' "$T/collector-$c.log" ||
		{ not_ok "collector $c subscribes"; done_testing; }
done
B=$(( ($(date +%s) - 3600) / 60 * 60 ))
TOPIC=greenmeter/v1/shared/m1/power
RRD=$T/data/shared/m1/power.rrd
msg() { printf '{"t":%d,"v":%d,"unit":"W","kind":"gauge","seq":%d}' $((B + 60 * $1)) $((100 + $1)) $(($1 + 1)); }
pub() { mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$TOPIC" -m "$(msg "$1")"; }
last_is() { test "$(rrdtool lastupdate "$RRD" 2>/dev/null | tail -1 | cut -d: -f1)" = $((B + 60 * $1)); }
in_quarantine() { "$BIN/gm-collector" --quarantine -c "$T/a.conf" 2>/dev/null | grep -c " $TOPIC "; }

pub 0
check "the channel's file is made" wait_for 20 last_is 0
cp "$RRD" "$T/backup.rrd"
printf 'this is no RRD header any more' | dd of="$RRD" conv=notrunc status=none
touch -d '1 hour ago' "$RRD"
for i in 1 2 3 4 5 6; do pub $i; sleep 0.2; done
check "its six messages are in the quarantine" wait_for 20 test "$(in_quarantine)" = 6
grep -h 'set aside' "$T"/collector-*.log | sed 's/^/# /' | head -4

cp "$T/backup.rrd" "$RRD"
"$BIN/gm-collector" --requeue=shared/m1/power -c "$T/a.conf" >"$T/requeue.txt" 2>&1
rq=$?
sed 's/^/# /' "$T/requeue.txt"
check "--requeue exits 0" test $rq -eq 0
check "the file holds them (minute 6)" last_is 6

for i in 7 8 9 10; do pub $i; sleep 0.2; done
sleep 3
check "the next messages of the mended channel are stored (minute 10), not quarantined ($(in_quarantine) in the quarantine)" \
	last_is 10
done_testing
