#!/bin/bash
# 56-layout-compact: a data directory of format 1, its channel files of RRD
# layout 1 (8 archives, 2.5 MB, as collectors before layout 2 made them),
# under the new collector:
#   - it brings the directory to format 2 by its format line alone, stores
#     new readings into the layout-1 files, and makes new channels in
#     layout 2 (3 archives, 1.1 MB);
#   - gm-collector --compact, refused while the collector runs, then brings
#     every layout-1 file to layout 2: gm-report's figures are byte for byte
#     what they were, the files 1.1 MB, their .meta "layout = 2";
#   - the collector then stores into the compacted files as before.
. "$(dirname "$0")/../lib.sh"
export TZ=Asia/Bangkok

D=$T/data
mkdir -p "$D/old/m1"
printf 'greenmeter-data 1\n' >"$D/.greenmeter-format"
START=$(date -d "$(date +%F) -3 days" +%s)
v1() { # file: layout 1, as rrd_layout.c made it before layout 2
	rrdtool create "$1" --step 60 --start "$START" DS:value:GAUGE:900:U:U DS:use:ABSOLUTE:31622400:0:U \
		RRA:AVERAGE:0.5:1:20160 RRA:LAST:0.5:1:20160 RRA:AVERAGE:0.5:60:44000 RRA:LAST:0.5:60:44000 \
		RRA:AVERAGE:0.5:1440:7320 RRA:LAST:0.5:1440:7320 RRA:MAX:0.5:1440:7320 RRA:MIN:0.5:1440:7320
}
for c in import_kwh total_kwh; do
	v1 "$D/old/m1/$c.rrd"
	printf '[channel]\nunit = kWh\nkind = counter\nlayout = 1\n' >"$D/old/m1/$c.meta"
	# two days and a half of readings every 5 minutes
	awk -v s="$START" 'BEGIN { for (i = 1; i <= 720; i++) printf "%d:%.3f:%.3f\n", s + i * 300, 1000 + i * 0.25, 0.25 }' |
		xargs -n 200 rrdtool update "$D/old/m1/$c.rrd" || not_ok "rrdtool fills $c"
done
size() { stat -c %s "$1"; }
check "the layout-1 files are 2.5 MB" test "$(size "$D/old/m1/import_kwh.rrd")" = 2524512

start_broker
collector_conf "$D" "$T/status" "$BROKER_PORT" lc-collector >"$T/collector.conf"
start_collector
check "the collector starts on a format-1 directory" collector_subscribed 20
check "... and brings it to format 2 by its line" sh -c "[ \"\$(cat '$D/.greenmeter-format')\" = 'greenmeter-data 2' ]"
NOW=$(date +%s)
LAST=$((START + 720 * 300))
pub() { mosquitto_pub -p "$BROKER_PORT" -q 1 -t "greenmeter/v1/$1" -m "$2"; }
pub old/m1/import_kwh "{\"t\":$((LAST + 300)),\"v\":1180.25,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":1}"
pub new/m2/total_kwh "{\"t\":$NOW,\"v\":5,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":1}"
stored() { grep -q "^old/m1/import_kwh last_t=$((LAST + 300))\.000 .* stored=1 " "$T/status"; }
wait_for 15 stored
check "a new reading is stored into a layout-1 file" stored
wait_for 10 test -s "$D/new/m2/total_kwh.rrd"
check "a new channel's file is of layout 2: 1.1 MB, 3 archives" sh -c \
	"[ \"\$(stat -c %s '$D/new/m2/total_kwh.rrd')\" = 1145152 ] && [ \"\$(rrdtool info '$D/new/m2/total_kwh.rrd' | grep -c '^rra\\[[0-9]*\\]\\.cf')\" = 3 ]"
check "... and says so in its .meta" grep -q '^layout = 2$' "$D/new/m2/total_kwh.meta"

"$BIN/gm-collector" --compact -c "$T/collector.conf" >"$T/busy.out" 2>&1
rc=$?
check "--compact is refused while the collector runs" sh -c "[ $rc = 3 ] && grep -q 'stop the collector first' '$T/busy.out'"
check "... and changed nothing" test "$(size "$D/old/m1/import_kwh.rrd")" = 2524512
stop "$COLLECTOR_PID"

report() { # the figures of every day, and by the hour, as CSV
	"$BIN/gm-report" -d "$D" --from "@$START" --to "@$((LAST + 600))" --csv
	for d in 0 1 2; do
		day=$(date -d "@$((START + d * 86400))" +%F)
		"$BIN/gm-report" -d "$D" --from "$day" --to "$(date -d "$day +1 day" +%F)" --csv
	done
}
report >"$T/before.csv" 2>&1
"$BIN/gm-collector" --compact -c "$T/collector.conf" >"$T/compact.out" 2>&1
check "--compact with the collector stopped" test $? = 0
sed 's/^/# /' "$T/compact.out"
check "... brought the two layout-1 files to layout 2" grep -q '3 channel files, 2 of them brought to layout 2: 5.0 MB before, 2.3 MB now' "$T/compact.out"
report >"$T/after.csv" 2>&1
check "gm-report's figures are byte for byte what they were" cmp "$T/before.csv" "$T/after.csv"
grep -q import_kwh "$T/before.csv" || not_ok "the report has the compacted channels"
check "the files are 1.1 MB, of 3 archives" sh -c \
	"[ \"\$(stat -c %s '$D/old/m1/total_kwh.rrd')\" = 1145152 ] && [ \"\$(rrdtool info '$D/old/m1/total_kwh.rrd' | grep -c '^rra\\[[0-9]*\\]\\.cf')\" = 3 ]"
check "... their .meta says layout 2" grep -q '^layout = 2$' "$D/old/m1/import_kwh.meta"
check "no temporary file is left" sh -c "! ls -a '$D/old/m1' | grep -q compact"

start_collector
collector_subscribed 20 || not_ok "the collector starts again"
pub old/m1/import_kwh "{\"t\":$((LAST + 600)),\"v\":1180.5,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":2}"
again() { grep -q "^old/m1/import_kwh last_t=$((LAST + 600))\.000 .* stored=" "$T/status"; }
wait_for 15 again
check "the collector stores into a compacted file" again
check "... the reading's use counted once: 0.25 kWh" sh -c \
	"rrdtool lastupdate '$D/old/m1/import_kwh.rrd' | tail -1 | grep -q ': 1180.5 0.25$'"
done_testing
