#!/bin/bash
# 96-bureau-browser: issue 21's acceptance in headless Chromium
# (tests/e2e/bureau_e2e.py): a bureau's editor enters October's reams on the
# web; the unit's paper reduction on the dashboard and in the report set she
# has the dashboard make again becomes the hand-computed value; another
# unit's form is refused her; she scores her checklist; a coordinator locks
# October and her next change is refused (the browser no longer shows the
# form; the server answers 403 to a form sent anyway).
#
# Hand-computed: the baseline year of finance-budget is two years before
# (FY 2568 against 2570): its October had 55 reams; she enters 44 for this
# October, so the reduction is (55 - 44) / 55 = 20 %.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"

# the October that opened this fiscal year, once it is over
Y=$(date +%Y) M=$((10#$(date +%m)))
if [ "$M" = 10 ]; then
	ok "# SKIP October is under way: its entries open in November"
	done_testing
fi
OY=$(( M >= 11 ? Y : Y - 1 ))
OCT=$OY-10
FY=$((OY + 544))

dash_dataset
touch "$T/fast.stop"
sed -i 's#^hq/fin-power/import_kwh = .*#&\nhq/stores/finance-reams = paper_reams from 2020-10-01 finance-budget\nhq/stores/legal-reams = paper_reams from 2020-10-01 legal#' \
	"$T/org/organisation.ini"
JOURNAL=$T/data/hq/stores/finance-reams.entries
# the baseline October's reams, as gm-agent --import would have sent them
BT=$(( $(TZ=Asia/Bangkok date -d "$((OY - 2))-11-01 00:00" +%s) - 1 ))
pub hq/stores/finance-reams "{\"t\":$BT,\"v\":55,\"unit\":\"reams\",\"kind\":\"delta\",\"seq\":$(( (OY - 2 - 2000) * 12 + 10 ))}"
check "the baseline October is in the journal" wait_for 20 grep -q "^$BT 55 " "$JOURNAL"
mkdir -p "$T/reports"
WEB=$(free_port)
{ dash_conf_head; printf 'org = %s/org/organisation.ini\nunits_every = 1\nreports_dir = %s/reports\nreport_pdf = no\n[accounts]\ndatabase = %s/dash.db\n[mqtt]\nbroker = 127.0.0.1:%s\n' \
	"$T" "$T" "$T" "$BROKER_PORT"; } >"$T/dash.conf"
check "an editor and a coordinator" sh -c "$(declare -f dash_adduser); BIN=$BIN T=$T;
	dash_adduser malee editor 'malee-pass-96' --unit finance-budget >/dev/null &&
	dash_adduser pim coordinator 'pim-pass-96' >/dev/null"
"$BIN/gm-report" -d "$T/data" --org "$T/org/organisation.ini" --fy "$FY" --out "$T/reports/green-fy$FY" >"$T/report0.log" 2>&1
check "a report set made before the entry" [ -s "$T/reports/green-fy$FY/report.json" ]
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
check "the dashboard listens" wait_port "$WEB"
U=http://127.0.0.1:$WEB
rm -f "$ROOT"/build/artifacts/dashboard-{entries-october,unit-after-entry,checklist,report-run,entries-locked}.png
browser_test "bureau_e2e.py" "$OCT" "$FY" 20
check "the journal has her entry at October's last second" \
	grep -q "^$(( $(TZ=Asia/Bangkok date -d "$OY-11-01 00:00" +%s) - 1 )) 44 " "$JOURNAL"
check "the report set was made by the dashboard, not before" [ "$T/reports/green-fy$FY/report.json" -nt "$T/report0.log" ]
dash_signin "$T/malee" malee malee-pass-96 >/dev/null
curl -s -D "$T/file.hdr" -o /dev/null -b "$T/malee" "$U/reports/green-fy$FY/report.json"
etag=$(tr -d '\r' <"$T/file.hdr" | sed -n 's/^ETag: //p')
check "a report file is asked for again each time (so a set made again shows at once)" \
	grep -qi '^Cache-Control: private, no-cache' "$T/file.hdr"
check "and a copy the browser has is not sent twice: 304" [ "$(curl -s -o /dev/null -w '%{http_code}' \
	-H "If-None-Match: $etag" -b "$T/malee" "$U/reports/green-fy$FY/report.json")" = 304 ]
tok=$(curl -s -b "$T/malee" "$U/entries?month=$OCT" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}')
check "a form sent anyway to the locked month is refused: 403" [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/malee" \
	--data-urlencode "csrf=$tok" --data-urlencode unit=finance-budget --data-urlencode "month=$OCT" \
	--data-urlencode a0=45 --data-urlencode reason=again "$U/entries")" = 403 ]
check "the audit log has the entry, the checklist score and the lock" sh -c "
	sqlite3 '$T/dash.db' \"select who || '|' || what from audit\" > '$T/audit.txt'
	grep -q '^malee|entry finance-budget hq/stores/finance-reams $OCT$' '$T/audit.txt' &&
	grep -q '^malee|checklist finance-budget $FY 1.1.1 score$' '$T/audit.txt' &&
	grep -q '^pim|lock month $OCT$' '$T/audit.txt'" || sed 's/^/# /' "$T/audit.txt"
done_testing
