#!/bin/bash
# 46-manual-import: monthly entries from CSV, end to end. A file with
# mistakes is refused whole with file:line reasons and nothing of it is
# stored: a month typed "2026-1O", "2026-1 ", "2026-+1" or "2026-1a", a
# column named twice, an amount "nan", a header with no entries, NUL bytes,
# UTF-16 text (each named at its line, the next line's mistake too). A good
# one lands as the right amounts per local month, whatever its line endings
# (CR-only too); a month typed in late is stored; importing the same file
# twice stores nothing twice; a changed amount corrects it. An entry the
# collector refuses (another unit than its channel's) is not reported as
# stored: the import says what it knows, that the broker has it.
. "$(dirname "$0")/../lib.sh"

start_broker
importer_conf importer
collector_up import-collector

# A spreadsheet's export: byte-order mark, CRLF, a quoted note with a comma.
printf '\xEF\xBB\xBFmonth,meter,channel,amount,unit,note\r\n' >"$T/bad.csv"
printf '2026-10,finance-budget,paper_reams,40,reams,"from stores, floor 2"\r\n' >>"$T/bad.csv"
printf '2026-13,printing,paper_reams,310,reams,\r\n2026-10,Printing,paper_reams,-5,reams,\r\n' >>"$T/bad.csv"
imp "$T/bad.csv"
check "a file with mistakes is refused (exit 1)" test $? -eq 1
check "the bad month is named with file:line" grep -q 'bad.csv:3: month "2026-13": expected YYYY-MM' "$T/import.log"
check "a bad meter id is named with file:line" grep -q 'bad.csv:4: meter id "Printing" does not match' "$T/import.log"
check "a negative amount is named with file:line" grep -q 'bad.csv:4: amount "-5": expected a number, 0 or more' "$T/import.log"

# Each of these is refused whole, naming file:line; the good line 2 of
# each is not published either.
bad() { # name expected-message, the file's text on stdin
	{ printf 'month,meter,channel,amount,unit,note\n2026-10,finance-budget,paper_reams,40,reams,\n'; cat; } >"$T/$1.csv"
	: >"$T/import.log"
	imp "$T/$1.csv"
	check "$1: refused (exit 1)" test $? -eq 1
	check "$1: $2" grep -qF "$1.csv:$2" "$T/import.log"
}
printf '2026-1O,printing,paper_reams,310,reams,\n' | bad month-letter-o '3: month "2026-1O": expected YYYY-MM'
printf '2026-1 ,printing,paper_reams,310,reams,\n' | bad month-space '3: month "2026-1 ": expected YYYY-MM'
printf '2026-+1,printing,paper_reams,310,reams,\n' | bad month-plus '3: month "2026-+1": expected YYYY-MM'
printf '2026-1a,printing,paper_reams,310,reams,\n' | bad month-1a '3: month "2026-1a": expected YYYY-MM'
printf '2026-11,printing,paper_reams,nan,reams,\n' | bad amount-nan '3: amount "nan": expected a number, 0 or more'
printf '2026-11,printing,paper_reams,0x10,reams,\n' | bad amount-hex '3: amount "0x10": expected a number, 0 or more'
printf '2026-11,finance-budget,paper_reams,41,sheets,\n' | bad two-units '3: unit "sheets" of finance-budget/paper_reams differs from "reams" at line 2'
printf '2026-10,\000x,paper_reams,1,reams,\n2026-13,printing,paper_reams,1,reams,\n' |
	bad nul-byte '3: a NUL byte (column 9): not text'
check "nul-byte: the next line's mistake is named too" grep -qF 'nul-byte.csv:4: month "2026-13"' "$T/import.log"
# a column named twice: which amount would count?
printf 'month,meter,channel,amount,unit,amount\n2026-10,printing,paper_reams,310,reams,320\n' >"$T/dup-column.csv"
: >"$T/import.log"; imp "$T/dup-column.csv"
check "dup-column: refused (exit 1)" test $? -eq 1
check "dup-column: named" grep -qF 'dup-column.csv:1: column "amount" appears twice (columns 4 and 6)' "$T/import.log"
# a month not over yet: stamped with its last second, the collector would
# refuse it as a reading from the future, after storing the rest
printf '2099-12,printing,paper_reams,310,reams,\n' | bad month-ahead '3: month 2099-12 is not over yet: enter it once it is'
# a header and nothing else is not a success that imported nothing
printf 'month,meter,channel,amount,unit\r\n' >"$T/header-only.csv"
: >"$T/import.log"; imp "$T/header-only.csv"
check "header-only: refused (exit 1)" test $? -eq 1
check "header-only: named" grep -qF 'header-only.csv:1: no entries after the header: nothing to import' "$T/import.log"
# a spreadsheet's "Unicode text": UTF-16 with its byte-order mark
printf 'month,meter,channel,amount,unit\r\n2026-10,printing,paper_reams,310,reams\r\n' |
	iconv -f UTF-8 -t UTF-16 >"$T/utf16.csv"
: >"$T/import.log"; imp "$T/utf16.csv"
check "utf16: refused (exit 1)" test $? -eq 1
check "utf16: named as UTF-16, not as a long line" grep -qF 'utf16.csv:1: the file is UTF-16 text: save it as "CSV UTF-8"' "$T/import.log"
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

# CR-only line endings (an old Mac export): both entries, not one long line
printf 'month,meter,channel,amount,unit\r2026-08,printing,paper_reams,305,reams\r2026-08,finance-budget,paper_reams,38,reams\r' >"$T/aug.csv"
: >"$T/import.log"; imp "$T/aug.csv"
check "a CR-only file is imported (exit 0)" test $? -eq 0
check "both of its entries are published" grep -q 'aug.csv: 2 entries published' "$T/import.log"
wait_for 10 sh -c "grep -q '^senate/printing/paper_reams .* stored=3 ' '$T/status'"
check "August from the CR-only file: printing 305 reams" near "$(month 2026-08-01 2026-09-01 printing paper_reams)" 305 0
check "August from the CR-only file: finance-budget 38 reams" near "$(month 2026-08-01 2026-09-01 finance-budget paper_reams)" 38 0

# An entry the collector refuses: the channel holds reams, this says sheets.
# The import cannot see that; it must not say the entries are stored.
printf 'month,meter,channel,amount,unit\n2026-07,printing,paper_reams,300,sheets\n2026-07,finance-budget,paper_reams,30,reams\n' >"$T/units.csv"
: >"$T/import.log"; imp "$T/units.csv"
check "published: the broker has both (exit 0)" test $? -eq 0
check "the import does not claim they are stored" sh -c "! grep -q 'stored once' '$T/import.log'"
check "it says plainly what it cannot see" grep -q 'units.csv: whether the collector stored each, this command cannot see' "$T/import.log"
wait_for 10 grep -q 'printing/paper_reams.*rejected' "$T/collector.log"
check "the collector names the entry it refused" grep -q 'printing/paper_reams.*rejected.*sheets' "$T/collector.log"
wait_for 10 sh -c "grep -q '^senate/finance-budget/paper_reams .* stored=4 ' '$T/status'"
july=$(month 2026-07-01 2026-08-01 printing paper_reams)
check "July: printing's refused entry is not stored (a gap: nan, got ${july:-none})" test "$july" = nan
check "July: finance-budget's entry is stored (30)" near "$(month 2026-07-01 2026-08-01 finance-budget paper_reams)" 30 0

printf 'month,meter,channel,amount,unit\n2026-10,printing,paper_reams,315,reams\n' >"$T/fix.csv"
imp "$T/fix.csv"
wait_for 10 grep -q 'correction' "$T/collector.log"
check "a changed amount corrects the month (315)" near "$(month 2026-10-01 2026-11-01 printing paper_reams)" 315 0
check "the correction is logged with the old and new amount" grep -q 'correction.*310.*315' "$T/collector.log"
done_testing
