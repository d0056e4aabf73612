#!/bin/bash
# 81-report-cli: the plain gm-report honours or refuses every option, on
# real data through a real broker and collector: an electricity sub-meter
# read every 15 minutes from 30 September to 1 December 2023 (FY2567's
# first two months), and two monthly manual-entry channels, one with a long name:
# reams 40 for October 2023 and 35 for November, fuel 900 L for October.
#   --fy 2567 --month 1 is October 2023 (1 = October, as the Green Office
#   set reads it), not the whole year; --month 2 is November.
#   One fiscal-year range in every mode, B.E. 2500..2700: --fy 2500 is a
#   report, --fy 2701 is refused naming the value and the range, in the
#   plain mode and the Green Office mode alike.
#   A day's table (yesterday.txt's kind) says "no entry this period" for
#   the manual-entry channels, never "nan", and its columns line up in
#   English and in Thai (--lang th) whatever the length of a channel name.
#   Combinations that make no sense exit 2 with a message naming the option.
. "$(dirname "$0")/../lib.sh"

LONG=committee-secretariat-paper-reams
cat >"$T/sim.conf" <<EOF
[sim]
listen = 127.0.0.1:1
devices = $ROOT/devices
[meter b2-main]
unit = 1
model = sdm120
seed = 5
load = 4
start = 1000
start_at = 2023-09-30
EOF

start_broker
collector_up cli-collector || not_ok "collector subscribes"

"$BIN/gm-sim" -c "$T/sim.conf" --history b2-main import_kwh 2023-09-30 "2023-12-01 00:15" 900 |
	mosquitto_pub -p "$BROKER_PORT" -q 1 -t greenmeter/v1/hq/b2-main/import_kwh -l
entry() { # channel unit month-end amount seq
	mosquitto_pub -p "$BROKER_PORT" -q 1 -t "greenmeter/v1/hq/stores/$1" \
		-m "{\"t\":$(date -d "$3 00:00 +0700" +%s),\"v\":$4,\"unit\":\"$2\",\"kind\":\"delta\",\"seq\":$5}"
}
entry "$LONG" reams 2023-11-01 40 1
entry "$LONG" reams 2023-12-01 35 2
entry fuel L 2023-11-01 900 1
wait_for 60 grep -q "b2-main/import_kwh .*last_t=$(date -d '2023-12-01 00:00 +0700' +%s)" "$T/status" ||
	not_ok "the meter's two months stored"
wait_for 20 grep -q "$LONG .*received=2" "$T/status" || not_ok "the reams stored"
wait_for 20 grep -q "stores/fuel .*received=1" "$T/status" || not_ok "the fuel stored"
stop "$LAST_PID"   # the collector: every row in its file

rep() { "$BIN/gm-report" -d "$T/data" "$@"; }
field() { # channel column, of CSV on stdin
	awk -F, -v c="$1" -v k="$2" '$3 == c { print $k }'
}

# --- --month is a month of the fiscal year -----------------------------------
rep --fy 2567 --month 1 --csv >"$T/m1.csv"
check "--fy 2567 --month 1 starts on 1 October 2023" \
	test "$(field import_kwh 6 <"$T/m1.csv")" = "2023-10-01 00:00:00"
check "and ends on 1 November 2023" test "$(field import_kwh 7 <"$T/m1.csv")" = "2023-11-01 00:00:00"
oct=$(rep --from 2023-10-01 --to 2023-11-01 --csv | field import_kwh 8)
year=$(rep --fy 2567 --csv | field import_kwh 8)
check "its electricity is October's ($oct), not the year's ($year)" \
	near "$(field import_kwh 8 <"$T/m1.csv")" "$oct" 0
check "October is less than the year" awk -v a="$oct" -v b="$year" 'BEGIN { exit !(a > 0 && a < b) }'
check "its reams are October's 40" near "$(field "$LONG" 8 <"$T/m1.csv")" 40 0
check "--month 2 is November: 35 reams" near "$(rep --fy 2567 --month 2 --csv | field "$LONG" 8)" 35 0
check "the whole year has both: 75 reams" near "$(rep --fy 2567 --csv | field "$LONG" 8)" 75 0

# --- one fiscal-year range, B.E. 2500..2700, in every mode ---------------------
check "--fy 2500 is a fiscal year (1 Oct 1956 ..)" \
	test "$(rep --fy 2500 --csv | field import_kwh 6)" = "1956-10-01 00:00:00"
for mode in "" "--org $T/none.ini --out $T/out"; do
	# shellcheck disable=SC2086
	rep --fy 2701 $mode >/dev/null 2>"$T/err"
	check "--fy 2701 ${mode:+(Green Office) }is refused (exit $?)" test $? -eq 2
	check "naming the value and the range" \
		grep -qF 'gm-report: --fy: "2701" is not a fiscal year (B.E. 2500 to 2700)' "$T/err"
done
rep --fy 2650 >/dev/null 2>"$T/err"
check "--fy 2650 is in the range (only nothing is stored for it yet)" \
	sh -c "! grep -q 'not a fiscal year\|usage:' '$T/err' && grep -q 'starts after now' '$T/err'"

# --- a day's table: words instead of nan, columns that line up ---------------
rep --from 2023-11-15 --to 2023-11-16 >"$T/day.txt"
check "a day's table has no nan" sh -c "test -s '$T/day.txt' && ! grep -qw nan '$T/day.txt'"
check "the reams say there is no entry this period" grep -q "$LONG  *no entry this period\$" "$T/day.txt"
check "so does the fuel" grep -q "fuel  *no entry this period\$" "$T/day.txt"
check "its columns line up, the long channel name too" table_aligned "$T/day.txt"
rep --from 2023-11-15 --to 2023-11-16 --lang th >"$T/day.th.txt"
check "--lang th: the table is in Thai" grep -q "^greenmeter ปริมาณการใช้ 2023-11-15" "$T/day.th.txt"
check "the reams say so in Thai" grep -q "$LONG  *ไม่มีรายการบันทึกในช่วงนี้\$" "$T/day.th.txt"
check "its columns line up in Thai" table_aligned "$T/day.th.txt"
rep --from 2023-10-01 --to 2023-12-01 >"$T/two.txt"
check "over two months each figure is there, lined up" table_aligned "$T/two.txt"
check "October and November's reams: 75" grep -q "$LONG  *75.000000  reams  *100.0%  *0\$" "$T/two.txt"

# --- what makes no sense is refused, naming the option -------------------------
refused() { # what-it-names args...
	local names=$1; shift
	rep "$@" >"$T/out.txt" 2>"$T/err"
	check "$* is refused (exit $?)" test $? -eq 2
	check "naming $names" grep -q "^gm-report: .*$names" "$T/err"
	check "printing nothing on stdout" test ! -s "$T/out.txt"
}
refused "--round and --month" --fy 2567 --round 6 --month 2
refused "--month needs --fy" --month 1 --from 2023-10-01 --to 2023-11-01
refused "--round: \"x\"" --fy 2567 --round x
refused "--month: \"13\"" --fy 2567 --month 13
refused "--lang both" --fy 2567 --lang both
refused "--lang does not apply to --csv" --fy 2567 --lang th --csv
refused "--cache does not apply to the plain report" --fy 2567 --cache "$T/cache"
refused "--site does not apply to the Green Office set" --org "$T/none.ini" --out "$T/out" \
	--fy 2567 --site hq
refused "--fy is given twice" --fy 2567 --fy 2568
check "nothing was written for a refused Green Office set" test ! -e "$T/out"
done_testing
