#!/bin/bash
# 20-wire-contract: the mosquitto_pub examples of docs/wire-contract.md, run
# as written against a real broker and collector: the good ones are stored
# with the right amounts, the bad ones and other hostile input are rejected
# with a logged reason, no file appears outside the data directory, and what
# was stored before stays intact.
. "$(dirname "$0")/../lib.sh"

start_broker
collector_up contract-collector || not_ok "collector subscribes"

# The doc's lines, in order: six to store, seven to reject, two events.
grep '^mosquitto_pub ' "$ROOT/docs/wire-contract.md" >"$T/examples.sh"
check "the doc has 15 mosquitto_pub examples" test "$(wc -l <"$T/examples.sh")" -eq 15
sed -i "s/^mosquitto_pub /mosquitto_pub -p $BROKER_PORT /" "$T/examples.sh"
check "every example publishes" bash -e "$T/examples.sh"

D=$T/data/parliament
wait_for 10 test -f "$D/finance-budget/paper_reams.entries"
# rows reach their files once the stream pauses (0.1 s; write_delay at most)
for f in b2-main/import_kwh b2-main/power_w b2-water/volume_m3 b3-water/volume_m3; do
	check "example stored in $f.rrd" wait_for 10 test -f "$D/$f.rrd"
	check "$f.meta names the unit" grep -q '^unit = ' "$D/$f.meta"
done
# "every" is kept in the channel's .meta; a message without it writes none.
check "b3-water/volume_m3.meta keeps every = 2678400" grep -qx 'every = 2678400' "$D/b3-water/volume_m3.meta"
check "b2-main/import_kwh.meta has no every (none was sent)" sh -c "! grep -q '^every' '$D/b2-main/import_kwh.meta'"
# A delta reading (a manual entry) goes to its channel's entries journal.
R=$D/finance-budget/paper_reams
check "the reams entry is a line of paper_reams.entries" grep -qx '1763700000 40 1 [0-9.]*' "$R.entries"
check "and no RRD is made for it" test ! -e "$R.rrd"
check "paper_reams.meta says kind delta" grep -qx 'kind = delta' "$R.meta"
last_update_is() { test "$(rrdtool lastupdate "$1" | awk -F: 'NR == 3 { print $1 }')" = "$2"; }
check "import_kwh holds the batch (last update 1763700120)" \
	wait_for 10 last_update_is "$D/b2-main/import_kwh.rrd" 1763700120
rep() { "$BIN/gm-report" -d "$T/data" --from "$1" --to "$2" --csv | awk -F, -v m="$3" -v c="$4" '$2 == m && $3 == c { print $8 }'; }
# 1234.5 -> 1234.6 -> 1234.75 over two minutes: 0.25 kWh.
check "counter use over the batch is 0.25 kWh" near "$(rep @1763699940 @1763700180 b2-main import_kwh)" 0.25 1e-9
# two dial readings a month apart: 10602.75 - 10482.25
check "a month between two dial readings: 120.5 m3" near "$(rep @1696093200 @1698771600 b3-water volume_m3)" 120.5 1e-9
check "40 reams issued are reported as 40" near "$(rep @1763699940 @1763700060 finance-budget paper_reams)" 40 1e-9

# An earlier period entered late is stored, not refused as old; a later entry
# with the same t corrects the first (t is the end of the period covered).
mosquitto_pub -p "$BROKER_PORT" -q 1 -t greenmeter/v1/parliament/finance-budget/paper_reams \
	-m '{"t":1763600000,"v":30,"unit":"reams","kind":"delta","seq":2}'
mosquitto_pub -p "$BROKER_PORT" -q 1 -t greenmeter/v1/parliament/finance-budget/paper_reams \
	-m '{"t":1763700000,"v":42,"unit":"reams","kind":"delta","seq":3}'
wait_for 10 grep -q 'paper_reams .*stored=3 duplicates=0' "$T/status"
check "an entry sent late is stored and reported (30 reams)" \
	near "$(rep @1763599940 @1763600060 finance-budget paper_reams)" 30 1e-9
check "the correction replaces the 40: 42 reams" \
	near "$(rep @1763699940 @1763700060 finance-budget paper_reams)" 42 1e-9
check "the correction is logged with old and new value" \
	grep -q 'paper_reams: correction: .* was 40, now 42' "$T/collector.log"

# A wrap of the 32-bit pulse register: 4294967.29 -> 0.004 is 0.010 m3.
mosquitto_pub -p "$BROKER_PORT" -q 1 -t greenmeter/v1/parliament/b2-water/volume_m3 \
	-m '{"t":1763700060,"v":0.004,"unit":"m3","kind":"counter","seq":2,"wrap":4294967.296}'
wait_for 10 grep -q 'b2-water/volume_m3.*stored=2' "$T/status"
check "a register wrap counts as 0.010 m3, not -4294967 m3" \
	near "$(rep @1763699940 @1763700120 b2-water volume_m3)" 0.010 1e-9

# --- hostile input -----------------------------------------------------------
before=$(rrdtool lastupdate "$D/b2-main/import_kwh.rrd" | tail -1)
pub() { mosquitto_pub -p "$BROKER_PORT" -q 1 "$@"; }
LONG=$(printf 'a%.0s' $(seq 65))
FUTURE=$(( $(date +%s) + 3600 ))
GOOD='{"t":1763700300,"v":1,"unit":"kWh","kind":"counter","seq":9}'
pub -t "greenmeter/v1/parliament/$LONG/import_kwh" -m "$GOOD"
pub -t "greenmeter/v1/parliament/b2-main/import_kwh/extra" -m "$GOOD"
pub -t "greenmeter/v1/parliament/b2-main" -m "$GOOD"
pub -t "greenmeter/v1/parliament/b2-main/import_kwh" -m 'not json at all'
pub -t "greenmeter/v1/parliament/b2-main/import_kwh" -m '{"t":1763700300,"v":Infinity,"unit":"kWh","kind":"counter","seq":9}'
pub -t "greenmeter/v1/parliament/b2-main/import_kwh" -m '{"t":1763700300,"v":1e999,"unit":"kWh","kind":"counter","seq":9}'
pub -t "greenmeter/v1/parliament/b2-main/import_kwh" -m "{\"t\":$FUTURE,\"v\":1,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":9}"
pub -t "greenmeter/v1/parliament/b2-main/import_kwh" -m '{"t":1763700300,"v":1,"unit":"kWh","kind":"counter","seq":9} trailing'
head -c 1048576 /dev/zero | tr '\0' ' ' >"$T/big.json"
pub -t "greenmeter/v1/parliament/b2-main/import_kwh" -f "$T/big.json"
printf '{"t":1763700300,"v":1,\0"unit":"kWh"}' >"$T/nul.json"
pub -t "greenmeter/v1/parliament/b2-main/import_kwh" -f "$T/nul.json"
# A marker published last: once it is stored, everything before was handled.
pub -t greenmeter/v1/parliament/marker/done -m "$GOOD"
wait_for 10 test -f "$D/marker/done.rrd"

check "the collector is still running" kill -0 "$COLLECTOR_PID"
n=$(grep -c 'rejected' "$T/collector.log")
echo "# $n rejections logged"
check "all 17 bad messages were rejected with a logged reason" test "$n" -eq 17
check "an every of 0 is refused, naming the field" grep -q 'import_kwh: rejected payload: field "every" must be whole seconds from 1 to 31622400' "$T/collector.log"
check "an every on a delta is refused" grep -q 'paper_reams: rejected payload: field "every" is for counter and gauge readings, not delta entries' "$T/collector.log"
check "rejections name the topic" grep -q 'topic greenmeter/v1/parliament/b2-main/import_kwh: rejected payload: payload is not valid JSON' "$T/collector.log"
check "the far-future reading is refused" grep -q 'ahead of this clock' "$T/collector.log"
check "the 1 MB payload is refused by size" grep -q 'exceeds the 262144-byte limit' "$T/collector.log"
check "no file outside data_dir, no bad name inside" \
	test -z "$(find "$T" -newer "$T/collector.conf" \( -name '*..*' -o -name 'etc' -o -name 'Parliament' -o -name "$LONG" \) | head -1)"
check "every stored path is made of valid ids" \
	test -z "$(cd "$T/data" && find . -mindepth 1 | grep -Ev '^\./[a-z0-9][a-z0-9_-]{0,63}(/[a-z0-9][a-z0-9_-]{0,63}(/[a-z0-9][a-z0-9_-]{0,63}\.(rrd|meta|entries|events))?)?$'"|$OWN_PATHS")"
check "what was stored before is untouched" test "$(rrdtool lastupdate "$D/b2-main/import_kwh.rrd" | tail -1)" = "$before"
# --- the fiscal-year boundary is local midnight ------------------------------
# 30 Sep 2026 23:59 and 1 Oct 2026 00:01 Asia/Bangkok: both 30 Sep in UTC
# (16:59Z and 17:01Z), but in FY2569 and FY2570.
pub -t greenmeter/v1/parliament/boundary/paper_reams -m '{"t":1790787540,"v":7,"unit":"reams","kind":"delta","seq":1}'
pub -t greenmeter/v1/parliament/boundary/paper_reams -m '{"t":1790787660,"v":11,"unit":"reams","kind":"delta","seq":2}'
wait_for 10 grep -q 'boundary/paper_reams.*stored=2' "$T/status"
fy() { "$BIN/gm-report" -d "$T/data" --fy "$1" --meter boundary --csv | awk -F, '$3 == "paper_reams" { print $8 }'; }
check "23:59 on 30 September counts in FY2569" near "$(fy 2569)" 7 0
check "00:01 on 1 October counts in FY2570" near "$(fy 2570)" 11 0
check "the collector logged no error" sh -c "! grep -q ': error: ' '$T/collector.log'"
done_testing
