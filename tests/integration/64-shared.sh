#!/bin/bash
# 64-shared: two collectors in one MQTT v5 shared-subscription group
# ($share/gm/greenmeter/v1/#) on one data directory split the stream, and
# every reading is stored exactly once. 8 counter channels, 150 readings
# each (one a message, one a minute on the time axis, hours ago), published
# live by 8 mosquitto_pub processes at once, so messages of one channel go to
# both collectors and may be stored out of order: a reading then either is
# in the RRD (its minute row holds its value) or, if the other collector
# stored a newer one first, is kept as late in the events journal; never
# both, never neither, and the counter's consumption is exact.
. "$(dirname "$0")/../lib.sh"

N=150
CH=8
B=$(( ($(date +%s) - 60 * N - 3600) / 60 * 60 ))
start_broker
for c in a b; do
	collector_conf "$T/data" "$T/status-$c" "$BROKER_PORT" "shared-$c" |
		sed 's/^\[collector\]$/[collector]\nsubscribe = $share\/gm\/greenmeter\/v1\/#/' |
		sed 's/^\[mqtt\]$/[mqtt]\nprotocol = 5/' >"$T/$c.conf"
	start "collector-$c" "$BIN/gm-collector" -c "$T/$c.conf"
done
wait_for 10 grep -q 'subscribed to $share/gm/greenmeter/v1/# at QoS 1 (MQTT v5)' "$T/collector-a.log" ||
	not_ok "collector a subscribes to the shared group over MQTT v5"
wait_for 10 grep -q 'subscribed to $share/gm/greenmeter/v1/# at QoS 1 (MQTT v5)' "$T/collector-b.log" ||
	not_ok "collector b subscribes to the shared group over MQTT v5"

# Reading i of channel c: t = B + 60 i, v = 1000 + 0.25 i. A live stream:
# each channel's first reading alone (the file is made), then the rest a
# message every 20 ms, all channels at once.
msg() { printf '{"t":%d,"v":%s,"unit":"kWh","kind":"counter","seq":%d}\n' $((B + 60 * $1)) \
	"$(awk -v i="$1" 'BEGIN { printf "%.2f", 1000 + 0.25 * i }')" $(($1 + 1)); }
for c in $(seq 1 $CH); do
	mosquitto_pub -p "$BROKER_PORT" -q 1 -t "greenmeter/v1/shared/m$c/energy" -m "$(msg 0)"
done
pubs=""
for c in $(seq 1 $CH); do
	for i in $(seq 1 $((N - 1))); do msg "$i"; sleep 0.02; done |
		mosquitto_pub -p "$BROKER_PORT" -q 1 -t "greenmeter/v1/shared/m$c/energy" -l &
	pubs="$pubs $!"
done
wait $pubs

field() { local f; f=$(grep "^shared/m$1/energy " "$T/status-$2" 2>/dev/null | sed "s/.* $3=\([0-9]*\) .*/\1/"); echo "${f:-0}"; }
sum() { echo $(( $(field "$1" a "$2") + $(field "$1" b "$2") )); }
accounted() { for c in $(seq 1 $CH); do [ "$(( $(sum $c stored) + $(sum $c late) ))" -eq $N ] || return 1; done; }
wait_for 60 accounted || echo "# not all accounted for in time"
stop_pids $(echo $PIDS | tr ' ' '\n' | tail -2)   # both collectors, for final status files

total_a=0 total_b=0 late=0
for c in $(seq 1 $CH); do
	s=$(sum $c stored); l=$(sum $c late); d=$(sum $c duplicates)
	check "m$c: $N readings = $s stored + $l late, $d duplicates" test $((s + l)) -eq $N -a "$d" -eq 0
	total_a=$((total_a + $(field $c a stored)))
	total_b=$((total_b + $(field $c b stored)))
	late=$((late + l))
done
echo "# collector a stored $total_a, b stored $total_b, $late late"
check "the group split the stream (a and b each stored readings)" test "$total_a" -gt 0 -a "$total_b" -gt 0

# Each reading once: in its minute row, or a late line in the journal.
for c in $(seq 1 $CH); do
	f=$T/data/shared/m$c/energy
	rrdtool fetch "$f.rrd" LAST -s $((B - 60)) -e $((B + 60 * (N - 1))) |
		awk -F'[: ]+' 'NF >= 3 && $1 ~ /^[0-9]+$/ { print $1, $2 }' >"$T/rows-$c"
	awk -v b="$B" -v n="$N" -v rows="$T/rows-$c" -v ev="$f.events" '
		BEGIN {
			while ((getline l < rows) > 0) { split(l, a, " "); if (a[2] ~ /^[0-9.e+-]+$/) row[a[1]] = a[2] }
			while ((getline l < ev) > 0) if (l ~ / late /) { split(l, a, " "); late[a[1]]++ }
			bad = 0
			for (i = 0; i < n; i++) {
				t = b + 60 * i; v = 1000 + 0.25 * i
				inrrd = (t in row) && row[t] + 0 == v
				# the first reading made the file: its own row is not
				# whole (the consumption check shows it was counted from)
				if (i == 0) inrrd = !late[t]
				if (inrrd + late[t] != 1) { bad++; if (bad < 4) print "reading " i " at " t ": rrd " inrrd ", late " late[t] + 0 }
			}
			exit bad > 0
		}' >"$T/check-$c" 2>&1
	check "m$c: every reading is in its RRD row or the journal, exactly once" test ! -s "$T/check-$c"
	[ -s "$T/check-$c" ] && cat "$T/check-$c"
	amount=$("$BIN/gm-report" -d "$T/data" --meter "m$c" --from "@$B" --to "@$((B + 60 * (N - 1)))" --csv |
		awk -F, '$3 == "energy" { print $8 }')
	check "m$c: consumption is exactly 0.25 kWh a reading ($amount)" near "$amount" "$(echo "0.25 * ($N - 1)" | bc)" 1e-9
done
done_testing
