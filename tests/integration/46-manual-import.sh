#!/bin/bash
# 46-manual-import: monthly entries from CSV, end to end. A file with
# mistakes is refused whole with file:line reasons; a good one lands as the
# right amounts per local month; a month typed in late is stored; importing
# the same file twice stores nothing twice; a changed amount corrects it.
. "$(dirname "$0")/../lib.sh"

start_broker
printf '[agent]\nsite = senate\nspool_dir = %s/spool\n[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = importer\n' \
	"$T" "$BROKER_PORT" >"$T/agent.conf"
collector_conf "$T/data" "$T/status" "$BROKER_PORT" import-collector >"$T/collector.conf"
start collector "$BIN/gm-collector" -c "$T/collector.conf"
wait_for 10 grep -q "subscribed to" "$T/collector.log"

imp() { "$BIN/gm-agent" -c "$T/agent.conf" --import "$1" >>"$T/import.log" 2>&1; }

# A spreadsheet's export: byte-order mark, CRLF, a quoted note with a comma.
printf '\xEF\xBB\xBFmonth,meter,channel,amount,unit,note\r\n' >"$T/bad.csv"
printf '2026-10,finance-budget,paper_reams,40,reams,"from stores, floor 2"\r\n' >>"$T/bad.csv"
printf '2026-13,printing,paper_reams,310,reams,\r\n2026-10,Printing,paper_reams,-5,reams,\r\n' >>"$T/bad.csv"
imp "$T/bad.csv"
check "a file with mistakes is refused (exit 1)" test $? -eq 1
check "the bad month is named with file:line" grep -q 'bad.csv:3: month "2026-13": expected YYYY-MM' "$T/import.log"
check "a bad meter id is named with file:line" grep -q 'bad.csv:4: meter id "Printing" does not match' "$T/import.log"
check "a negative amount is named with file:line" grep -q 'bad.csv:4: amount "-5": expected a number, 0 or more' "$T/import.log"
sleep 1
check "nothing of a refused file is stored" test ! -e "$T/data/senate"

printf 'month,meter,channel,amount,unit,note\r\n2026-10,finance-budget,paper_reams,40,reams,"from stores, floor 2"\r\n2026-10,printing,paper_reams,310,reams,\r\n2026-10,central-admin,fuel_l,420.5,L,\r\n' >"$T/oct.csv"
printf 'month,meter,channel,amount,unit\n2026-09,finance-budget,paper_reams,35,reams\n2026-09,printing,paper_reams,290,reams\n' >"$T/sep.csv"
imp "$T/oct.csv"
check "a good file is imported (exit 0)" test $? -eq 0
imp "$T/sep.csv"
check "a month typed in late is imported too" test $? -eq 0
imp "$T/oct.csv"
check "importing the same file again succeeds" test $? -eq 0
wait_for 10 grep -q 'printing/paper_reams.*duplicates=1' "$T/status"

month() { # from to meter channel
	"$BIN/gm-report" -d "$T/data" --from "$1" --to "$2" --csv |
		awk -F, -v m="$3" -v c="$4" '$2 == m && $3 == c { print $8 }'
}
check "October: finance-budget 40 reams" near "$(month 2026-10-01 2026-11-01 finance-budget paper_reams)" 40 0
check "October: printing 310 reams" near "$(month 2026-10-01 2026-11-01 printing paper_reams)" 310 0
check "October: 420.5 L of fuel" near "$(month 2026-10-01 2026-11-01 central-admin fuel_l)" 420.5 0
check "September, entered after October: 290 reams" near "$(month 2026-09-01 2026-10-01 printing paper_reams)" 290 0
check "September and October together: 600 reams" near "$(month 2026-09-01 2026-11-01 printing paper_reams)" 600 0
check "the second import stored nothing twice" grep -q 'printing/paper_reams .*stored=2 duplicates=1' "$T/status"

printf 'month,meter,channel,amount,unit\n2026-10,printing,paper_reams,315,reams\n' >"$T/fix.csv"
imp "$T/fix.csv"
wait_for 10 grep -q 'correction' "$T/collector.log"
check "a changed amount corrects the month (315)" near "$(month 2026-10-01 2026-11-01 printing paper_reams)" 315 0
check "the correction is logged with the old and new amount" grep -q 'correction.*310.*315' "$T/collector.log"
done_testing
