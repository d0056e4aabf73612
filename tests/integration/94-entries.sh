#!/bin/bash
# 94-entries: a bureau enters its monthly amounts on the web, and they go
# the way `gm-agent --import` sends them: gm-dashboard (with accounts and
# [mqtt]) publishes each to a real mosquitto, gm-collector writes it to the
# channel's entries journal, stamped with the month's last second.
# - an editor of the finance bureau enters last month's reams: the journal
#   has it, the form shows it stored;
# - a correction needs a reason (nothing saved without one), then the
#   journal has the new amount after the old (its history);
# - an amount that is not one is refused, nothing half-saved;
# - another unit's form is 403;
# - a coordinator locks the month: the editor is refused, the coordinator
#   is not; every save and the lock are in the audit log;
# - a dial read by hand goes as a counter reading taken that day, one a
#   month, never lower than the last, never in the future;
# - a dashboard whose broker is away saves, says so, and loses nothing:
#   the entry goes as soon as a dashboard can reach the broker;
# - the unit's paper reduction, on the dashboard and in the report set made
#   after, is the hand-computed one: the same month of the baseline year
#   (two years before: FY 2568 against 2570) had 55 reams, the web's last
#   word is 44, so (55 - 44) / 55 = 20 %.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"

dash_dataset
touch "$T/fast.stop"
sed -i 's#^hq/fin-power/import_kwh = .*#&\nhq/stores/finance-reams = paper_reams from 2024-10-01 finance-budget\nhq/stores/legal-reams = paper_reams from 2024-10-01 legal\nhq/b2-water/volume_m3 = water from 2024-10-01 finance-budget#' \
	"$T/org/organisation.ini"
printf '[meter hq/b2-water]\nth = มาตรน้ำชั้นใต้ดิน\nen = Basement water meter\nread = hand\n' >>"$T/org/organisation.ini"
WEB=$(free_port)
{ dash_conf_head; printf 'org = %s/org/organisation.ini\nunits_every = 1\n[accounts]\ndatabase = %s/dash.db\n[mqtt]\nbroker = 127.0.0.1:%s\n' \
	"$T" "$T" "$BROKER_PORT"; } >"$T/dash.conf"
check "an editor and a coordinator" sh -c "$(declare -f dash_adduser); BIN=$BIN T=$T;
	dash_adduser malee editor 'malee-pass-94' --unit finance-budget >/dev/null &&
	dash_adduser pim coordinator 'pim-pass-94' >/dev/null"
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
check "the dashboard listens" wait_port "$WEB"
U=http://127.0.0.1:$WEB
# the organisation's days and months are Bangkok's: from 17:00 UTC the
# dashboard is a day ahead of UTC (and on a month's last day, a month)
bkk() { TZ=Asia/Bangkok date "$@"; }
LM=$(bkk -d "$(bkk +%Y-%m-01) -1 day" +%Y-%m)
LM_T=$(( $(bkk -d "$(bkk +%Y-%m-01) 00:00" +%s) - 1 ))
JOURNAL=$T/data/hq/stores/finance-reams.entries

signin() { dash_signin "$1" "$2" "$3" >/dev/null; }   # jar name password
token() { curl -s -b "$1" "$U/entries?unit=${2:-finance-budget}&month=$LM" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}'; }
enter() { # jar unit amount reason -> status
	curl -s -o "$T/enter.html" -D "$T/enter.hdr" -w '%{http_code}' -b "$1" \
		--data-urlencode "csrf=$(token "$1")" --data-urlencode "unit=$2" --data-urlencode "month=$LM" \
		--data-urlencode "a0=$3" --data-urlencode "reason=$4" "$U/entries"
}
in_journal() { grep -q "^$LM_T $1 " "$JOURNAL" 2>/dev/null; }

signin "$T/malee" malee malee-pass-94
check "the form shows the unit's reams channel" \
	sh -c "curl -s -b '$T/malee' '$U/entries?month=$LM' | grep -q 'data-channel=\"hq/stores/finance-reams\"'"
check "last month's reams are saved and sent" sh -c "[ \"\$($(declare -f token enter); U=$U T=$T LM=$LM enter '$T/malee' finance-budget 40 '')\" = 303 ] &&
	grep -q '^Location: /entries?unit=finance-budget&month=$LM&saved=1' '$T/enter.hdr'"
check "the collector's journal has them, at the month's last second" wait_for 20 in_journal 40
check "the form shows them stored" sh -c "curl -s -b '$T/malee' '$U/entries?month=$LM' | grep -q '<td class=\"num\">40 รีม</td>'"
check "a correction without a reason: refused, nothing saved" \
	sh -c "[ \"\$($(declare -f token enter); U=$U T=$T LM=$LM enter '$T/malee' finance-budget 42 '')\" = 400 ] && grep -q 'ต้องระบุเหตุผล' '$T/enter.html' &&
	[ \"\$(sqlite3 '$T/dash.db' 'select count(*) from entries')\" = 1 ]"
check "with one, it is saved" [ "$(enter "$T/malee" finance-budget 42 'นับสต็อกใหม่ พบเบิกเพิ่ม 2 รีม')" = 303 ]
check "and the journal has the new amount after the old" wait_for 20 in_journal 42
check "an amount that is not one is refused" sh -c "$(declare -f token enter); U=$U T=$T LM=$LM;
	[ \"\$(enter '$T/malee' finance-budget -5 x)\" = 400 ] && [ \"\$(enter '$T/malee' finance-budget 4O x)\" = 400 ] &&
	[ \"\$(sqlite3 '$T/dash.db' 'select count(*) from entries')\" = 2 ]"
check "another unit's form is 403" [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/malee" "$U/entries?unit=legal&month=$LM")" = 403 ]
check "and so is saving for it" [ "$(enter "$T/malee" legal 5 '')" = 403 ]

# a dial read by hand: the counter itself, taken at 00:00 of the day read
dial() { # jar reading day -> status
	curl -s -o "$T/dial.html" -w '%{http_code}' -b "$1" --data-urlencode "csrf=$(token "$1")" \
		--data-urlencode unit=finance-budget --data-urlencode "month=$LM" \
		--data-urlencode "d0=$2" --data-urlencode "dd0=$3" "$U/entries/dial"
}
D1=$LM-01
D1_T=$(bkk -d "$D1 00:00" +%s)
TODAY=$(bkk +%Y-%m-%d)
check "the form shows the unit's dial" sh -c "curl -s -b '$T/malee' '$U/entries?month=$LM' | grep -q '<tr data-channel=\"hq/b2-water/volume_m3\">'"
check "a reading taken on the 1st of last month is saved" [ "$(dial "$T/malee" 10482.25 "$D1")" = 303 ]
check "the collector stores it as a counter reading at that day's 00:00" \
	wait_for 20 grep -q "^hq/b2-water/volume_m3 last_t=$D1_T.000 last=10482.25 " "$T/status"
check "a second reading of that month is refused (one a month)" sh -c "[ \"\$($(declare -f token dial); U=$U T=$T LM=$LM dial '$T/malee' 10490 '$LM-15')\" = 400 ] && grep -q 'เดือนละหนึ่งครั้ง' '$T/dial.html'"
check "a lower one is refused (a dial does not run back)" sh -c "[ \"\$($(declare -f token dial); U=$U T=$T LM=$LM dial '$T/malee' 10400 '$TODAY')\" = 400 ] && grep -q 'ไม่นับถอยหลัง' '$T/dial.html'"
check "a day in the future is refused" [ "$(dial "$T/malee" 10600 "$(bkk -d "$TODAY +1 day" +%Y-%m-%d)")" = 400 ]
check "today's is saved" [ "$(dial "$T/malee" 10602.75 "$TODAY")" = 303 ]
check "and stored after the first" wait_for 20 grep -q "^hq/b2-water/volume_m3 last_t=$(bkk -d "$TODAY 00:00" +%s).000 last=10602.75 " "$T/status"
check "the audit log has both readings, the second with the first as its old value" sh -c "
	sqlite3 '$T/dash.db' \"select what || '|' || ifnull(old, '-') || '|' || new from audit where what like 'dial %'\" > '$T/dials.txt'
	grep -qx 'dial finance-budget hq/b2-water/volume_m3 $D1|-|10482.25' '$T/dials.txt' &&
	grep -qx 'dial finance-budget hq/b2-water/volume_m3 $TODAY|10482.25|10602.75' '$T/dials.txt'" || sed 's/^/# /' "$T/dials.txt"

signin "$T/pim" pim pim-pass-94
tok=$(token "$T/pim")
check "the coordinator locks the month" [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/pim" \
	--data-urlencode "csrf=$tok" --data-urlencode unit=finance-budget --data-urlencode "month=$LM" \
	--data-urlencode lock=1 "$U/entries/lock")" = 303 ]
check "the editor's next change is refused" [ "$(enter "$T/malee" finance-budget 43 'again')" = 403 ]
check "the coordinator's is not" [ "$(enter "$T/pim" finance-budget 43 'ตรวจทานโดยผู้ประสานงาน')" = 303 ]
check "the audit log has each save, its reason, the old and new amounts, and the lock" sh -c "
	sqlite3 '$T/dash.db' \"select who, what, old, new from audit where what like 'entry%' or what like 'lock%'\" > '$T/audit.txt'
	grep -q '^malee|entry finance-budget hq/stores/finance-reams $LM||40$' '$T/audit.txt' &&
	grep -q '^malee|entry finance-budget hq/stores/finance-reams $LM: นับสต็อกใหม่ พบเบิกเพิ่ม 2 รีม|40|42$' '$T/audit.txt' &&
	grep -q '^pim|lock month $LM||$' '$T/audit.txt'" || sed 's/^/# /' "$T/audit.txt"

# a dashboard whose broker is away: the entry is kept and goes later (the
# first dashboard, which reaches the broker, sends it at its next scan)
second_dashboard "s/^broker = .*/broker = 127.0.0.1:$(free_port)/"
signin "$T/pim2" pim pim-pass-94
check "with the broker away: saved, and it says it will be sent" sh -c "[ \"\$($(declare -f token enter); U=$U T=$T LM=$LM enter '$T/pim2' finance-budget 44 'ส่งภายหลัง')\" = 303 ] &&
	grep -q 'saved=2' '$T/enter.hdr' && [ \"\$(sqlite3 '$T/dash.db' 'select count(*) from entries where amount = 44')\" = 1 ]"
check "and the dashboard that reaches the broker sends it" wait_for 30 in_journal 44
check "nothing is left unsent" [ "$(sqlite3 "$T/dash.db" 'select count(*) from entries where published = 0')" = 0 ]
# the baseline month's reams, as gm-agent --import would have sent them
BY=$(date -d "$LM-01 -2 years" +%Y)
BM=$((10#$(date -d "$LM-01" +%m)))
BT=$(( $(TZ=Asia/Bangkok date -d "$(date -d "$LM-01 -2 years +1 month" +%Y-%m-01) 00:00" +%s) - 1 ))
pub hq/stores/finance-reams "{\"t\":$BT,\"v\":55,\"unit\":\"reams\",\"kind\":\"delta\",\"seq\":$(( (BY - 2000) * 12 + BM ))}"
check "the baseline month is in the journal" wait_for 20 grep -q "^$BT 55 " "$JOURNAL"
FY=$(( $(date -d "$LM-01" +%Y) + 543 + (BM >= 10 ? 1 : 0) ))
NOW_FY=$(( $(bkk +%Y) + 543 + ($((10#$(bkk +%m))) >= 10 ? 1 : 0) ))
U=http://127.0.0.1:$WEB
paper_is_20() {
	curl -s -b "$T/pim" "$U/api/units/finance-budget" | python3 -c "import json,sys
p = json.load(sys.stdin)['unit']['paper_fy']['reduction_pct']; sys.exit(0 if p is not None and abs(p - 20) < 1e-9 else 1)"
}
if [ "$FY" = "$NOW_FY" ]; then   # the dashboard shows this fiscal year's closed months
	check "the dashboard's paper reduction is the hand-computed 20 %" wait_for 30 paper_is_20
fi
"$BIN/gm-report" -d "$T/data" --org "$T/org/organisation.ini" --fy "$FY" --out "$T/green" >"$T/report.log" 2>&1
check "and the report set's is the same" python3 -c "import json,sys
r = json.load(open('$T/green/report.json'))
u = [x for x in r['units'] if x['id'] == 'finance-budget'][0]
sys.exit(0 if abs(u['paper_reduction_pct'] - 20) < 1e-9 else 1)"
done_testing
