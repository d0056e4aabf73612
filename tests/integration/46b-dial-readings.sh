#!/bin/bash
# 46b-dial-readings: a water meter nobody connected, read by hand on the
# first of every month for fiscal year 2567 (13 readings, 2023-10-01 ..
# 2024-10-01, local midnight), imported with `gm-agent --import` through a
# real broker into a real collector. Each month's use in gm-report is the
# difference of the two readings around it (to 1e-9 relative), the year's
# their sum, every month 100 % covered (the channel is read monthly: its
# .meta says every = 2678400); the readings go out in one message, so no
# message counts as lost; the same file again stores nothing twice (a
# repeat, not late: the channel's value is unknown between readings); a
# reading lower than the one before is refused with file:line and nothing
# of its file is stored.
. "$(dirname "$0")/../lib.sh"

start_broker
importer_conf dial-importer
collector_up dial-collector

# What the caretaker used each month (m3), October 2566 .. September 2567.
USE=(120.5 98.25 101.75 87.5 93.125 110 105.5 99.875 130.25 118 95.5 102.625)
MONTHS=(2023-10 2023-11 2023-12 2024-01 2024-02 2024-03 2024-04 2024-05 2024-06 2024-07 2024-08 2024-09 2024-10)
{
	printf '\xEF\xBB\xBFdate,meter,channel,reading,unit,note\r\n'
	reading=10482.25
	for i in $(seq 0 12); do
		printf '%s-01,b2-water,volume_m3,%s,m3,read by the caretaker\r\n' "${MONTHS[$i]}" "$reading"
		[ "$i" -lt 12 ] && reading=$(awk -v r="$reading" -v u="${USE[$i]}" 'BEGIN { printf "%.3f", r + u }')
	done
} >"$T/water.csv"

imp "$T/water.csv"
check "the year's dial readings are imported (exit 0)" test $? -eq 0
check "13 entries published" grep -q 'water.csv: 13 entries published' "$T/import.log"
wait_for 10 grep -q '^senate/b2-water/volume_m3 .* stored=13 ' "$T/status"
check "the collector stored all 13 readings" grep -q '^senate/b2-water/volume_m3 .* stored=13 ' "$T/status"
check "one message, numbered by its last month (2024-10: seq 298): none lost" \
	grep -q '^senate/b2-water/volume_m3 .* lost=0 .* seq=298 ' "$T/status"
M=$T/data/senate/b2-water/volume_m3.meta
check "the channel is a counter" grep -qx 'kind = counter' "$M"
check "its .meta says it is read monthly: every = 2678400" grep -qx 'every = 2678400' "$M"

# One line of the plain CSV report for [from, to): amount and coverage.
line() { "$BIN/gm-report" -d "$T/data" --from "$1" --to "$2" --csv |
	awk -F, '$2 == "b2-water" && $3 == "volume_m3" { print $8, $12 }'; }
rel() { near "$1" "$2" "$(awk -v w="$2" 'BEGIN { printf "%.17g", w * 1e-9 }')"; }
total=0
for i in $(seq 0 11); do
	from=${MONTHS[$i]}-01 to=${MONTHS[$((i + 1))]}-01
	read -r amount coverage <<<"$(line "$from" "$to")"
	check "${MONTHS[$i]}: ${USE[$i]} m3 (got $amount)" rel "$amount" "${USE[$i]}"
	check "${MONTHS[$i]}: 100 % covered (got $coverage)" near "$coverage" 1 1e-9
	total=$(awk -v t="$total" -v u="${USE[$i]}" 'BEGIN { printf "%.17g", t + u }')
done
fy=$("$BIN/gm-report" -d "$T/data" --fy 2567 --csv | awk -F, '$3 == "volume_m3" { print $8 }')
check "FY 2567: the twelve months together, $total m3 (got $fy)" rel "$fy" "$total"

# The same file again: the readings are duplicates, stored once.
imp "$T/water.csv"
check "importing the same file again succeeds" test $? -eq 0
wait_for 10 grep -q '^senate/b2-water/volume_m3 .* duplicates=13 ' "$T/status"
check "the second import stored nothing twice" grep -q '^senate/b2-water/volume_m3 .* stored=13 duplicates=13 ' "$T/status"
check "and took none of them as late (no REVIEW)" grep -q '^senate/b2-water/volume_m3 .* late=0 ' "$T/status"

# A dial that ran back: refused whole, naming the line and what to do.
printf 'date,meter,channel,reading,unit,every\n2024-11-01,b2-water,volume_m3,11700,m3,\n2024-12-01,b2-water,volume_m3,5,m3,\n2024-11-01,b3-water,volume_m3,1,m3,86400\n' >"$T/back.csv"
: >"$T/import.log"; imp "$T/back.csv"
check "a reading lower than the one before is refused (exit 1)" test $? -eq 1
check "named at its line, with the event to send" \
	grep -qF 'back.csv:3: reading 5 of b2-water/volume_m3 is lower than 11700 at line 2: a dial does not run back; if the meter was replaced or reset, announce it with `gm-agent --event`' "$T/import.log"
sleep 1
check "nothing of the refused file is stored" test ! -e "$T/data/senate/b3-water"
check "the channel's readings are as they were" grep -q '^senate/b2-water/volume_m3 .* stored=13 ' "$T/status"

# Another cadence, in the file's every column: kept in its .meta.
printf 'date,meter,channel,reading,unit,every\n2024-11-01,b3-water,volume_m3,1,m3,86400\n2024-11-02 08:00,b3-water,volume_m3,1.5,m3,86400\n' >"$T/daily.csv"
imp "$T/daily.csv"
wait_for 10 grep -q '^senate/b3-water/volume_m3 .* stored=2 ' "$T/status"
check "a daily dial: every = 86400 in its .meta" grep -qx 'every = 86400' "$T/data/senate/b3-water/volume_m3.meta"
check "the collector logged no error" sh -c "! grep -q ': error: ' '$T/collector.log'"
done_testing
