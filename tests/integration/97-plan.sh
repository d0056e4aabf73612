#!/bin/bash
# 97-plan: the Green Office action plan (KPI 1.4) on the web.
# - the plan file written by hand is read into the database the first time
#   the year's plan opens; saved unchanged, the file the dashboard writes
#   gives gm-report the same KPI 1.4 page, byte for byte (the round trip);
# - a coordinator adds an activity owned by a bureau: it is in the file,
#   and in the audit log;
# - the bureau's editor marks it done with its evidence: KPI 1.4's count of
#   activities done goes up by one in the report set made after; she cannot
#   rename it (the field is not hers), and another bureau's editor cannot
#   touch it; a viewer cannot save at all (403);
# - a bad date, an activity without names, an owner that is not a unit, a
#   form without its token: refused, nothing saved.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"

FY=$(( $(date +%Y) + 543 + ($((10#$(date +%m))) >= 10 ? 1 : 0) ))
mkdir -p "$T/data"
cp -r "$ROOT/dashboards/org/senate" "$T/org"
rm -f "$T/org/plans/"*.ini
cp "$ROOT/dashboards/org/senate/plans/2570.ini" "$T/org/plans/$FY.ini"
PLAN=$T/org/plans/$FY.ini
WEB=$(free_port)
{ dash_conf_head; printf 'org = %s/org/organisation.ini\n[accounts]\ndatabase = %s/dash.db\n' "$T" "$T"; } >"$T/dash.conf"
check "a coordinator, two editors and a viewer" sh -c "$(declare -f dash_adduser); BIN=$BIN T=$T;
	dash_adduser pim coordinator 'pim-pass-97' >/dev/null &&
	dash_adduser malee editor 'malee-pass-97' --unit finance-budget >/dev/null &&
	dash_adduser somsri editor 'somsri-pass-97' --unit foreign-affairs >/dev/null &&
	dash_adduser suda viewer 'suda-pass-97' >/dev/null"
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
check "the dashboard listens" wait_port "$WEB"
U=http://127.0.0.1:$WEB
for who in pim malee somsri suda; do dash_signin "$T/$who" "$who" "$who-pass-97" >/dev/null; done

page() { curl -s -b "$1" "$U/plan?fy=$FY" >"$T/page.html"; }
save() { # jar [field=value ...] -> status; the answer in $T/save.html
	local jar=$1
	shift
	page "$jar"
	python3 "$ROOT/tests/formfill.py" "$T/page.html" plan "$@" >"$T/form.txt" || return 1
	curl -s -o "$T/save.html" -D "$T/save.hdr" -w '%{http_code}' -b "$jar" --data @"$T/form.txt" "$U/plan"
}
report() { "$BIN/gm-report" -d "$T/data" --org "$T/org/organisation.ini" --fy "$FY" --out "$1" >"$1.log" 2>&1; }
done_count() { python3 -c "import json; print(json.load(open('$1/report.json'))['kpi_1_4']['activities_done'])"; }

report "$T/by-hand"
page "$T/suda"
check "a viewer reads the plan" grep -q 'value="แต่งตั้งคณะทำงานขับเคลื่อนสำนักงานสีเขียวและประกาศนโยบายสิ่งแวดล้อม"' "$T/page.html"
check "the file was read into the database" [ "$(sqlite3 "$T/dash.db" "select count(*) from plan_activities where fy = $FY")" -ge 4 ]
check "but cannot save it: 403" [ "$(save "$T/suda")" = 403 ]
check "the coordinator saves it unchanged" [ "$(save "$T/pim")" = 303 ]
check "the file is now the dashboard's" grep -q 'written by gm-dashboard' "$PLAN"
check "no field changed, so no audit row for one" [ "$(sqlite3 "$T/dash.db" "select count(*) from audit where what like 'plan $FY %'")" = 0 ]
report "$T/round-trip"
check "KPI 1.4's pages are byte-identical to the hand-written file's" sh -c "
	cmp '$T/by-hand/green-parliament.th.html' '$T/round-trip/green-parliament.th.html' &&
	cmp '$T/by-hand/green-parliament.en.html' '$T/round-trip/green-parliament.en.html'"
n0=$(done_count "$T/round-trip")

check "the coordinator adds an activity for finance-budget" [ "$(save "$T/pim" \
	th_new='รณรงค์ปิดไฟช่วงพักกลางวัน' en_new='Lights off at lunchtime' owner_new=finance-budget \
	due_new=2027-02-28 status_new=not_started)" = 303 ]
new=$(sqlite3 "$T/dash.db" "select number from plan_activities where fy = $FY and owner = 'finance-budget'")
check "it is in the file" sh -c "grep -A6 '^\[activity $new\]' '$PLAN' | grep -q '^owner = finance-budget'"
check "and in the audit log" [ "$(sqlite3 "$T/dash.db" "select new from audit where what = 'plan $FY activity $new'")" = 'รณรงค์ปิดไฟช่วงพักกลางวัน' ]
check "the bureau's editor marks it done, with its evidence" [ "$(save "$T/malee" "status_$new=done" \
	"evidence_$new=GO-$FY/plan/$new ภาพกิจกรรม.pdf")" = 303 ]
check "it is done in the database" [ "$(sqlite3 "$T/dash.db" "select status || '|' || evidence from plan_activities where fy = $FY and number = '$new'")" = "done|GO-$FY/plan/$new ภาพกิจกรรม.pdf" ]
check "her form cannot rename it" sh -c "curl -s -b '$T/malee' '$U/plan?fy=$FY' > '$T/p2.html'; $(declare -f); U=$U T=$T
	tok=\$(grep -o 'name=\"csrf\" value=\"[0-9a-f]*\"' '$T/p2.html' | head -1 | grep -o '[0-9a-f]\{64\}')
	curl -s -o /dev/null -b '$T/malee' --data \"csrf=\$tok&fy=$FY&th_$new=renamed&status_$new=done&evidence_$new=x\" '$U/plan'
	[ \"\$(sqlite3 '$T/dash.db' \"select th from plan_activities where fy = $FY and number = '$new'\")\" = 'รณรงค์ปิดไฟช่วงพักกลางวัน' ]"
check "another bureau's editor cannot touch it" sh -c "
	tok=\$(curl -s -b '$T/somsri' '$U/plan?fy=$FY' | grep -o 'name=\"csrf\" value=\"[0-9a-f]*\"' | head -1 | grep -o '[0-9a-f]\{64\}')
	curl -s -o /dev/null -b '$T/somsri' --data \"csrf=\$tok&fy=$FY&status_$new=not_started&evidence_$new=y\" '$U/plan'
	[ \"\$(sqlite3 '$T/dash.db' \"select status from plan_activities where fy = $FY and number = '$new'\")\" = done ]"
check "each activity is headed with its number" grep -q "<b>กิจกรรมที่ $new</b>" "$T/page.html"
# the coordinator's page, opened before the owner's next save
page "$T/pim"
cp "$T/page.html" "$T/stale.html"
check "the owner changes the evidence" [ "$(save "$T/malee" "evidence_$new=GO-$FY/plan/$new รายงานผล.pdf")" = 303 ]
python3 "$ROOT/tests/formfill.py" "$T/stale.html" plan en="Green Office action plan (revised)" >"$T/stale.txt"
check "the coordinator's save from the page opened before it: 409, said" sh -c "
	[ \"\$(curl -s -o '$T/stale.out' -w '%{http_code}' -b '$T/pim' --data @'$T/stale.txt' '$U/plan')\" = 409 ] &&
	grep -q 'มีผู้บันทึกข้อมูลนี้หลังจากที่ท่านเปิดหน้านี้' '$T/stale.out'"
check "so the owner's save is not undone" [ "$(sqlite3 "$T/dash.db" "select evidence from plan_activities where fy = $FY and number = '$new'")" = "GO-$FY/plan/$new รายงานผล.pdf" ]
# an activity's evidence files: its owner's and the coordinators'
printf '%%PDF-1.4\n%% lights off\n' >"$T/photo.pdf"
plan_upload() { # jar n file -> status
	curl -s -o "$T/up.html" -w '%{http_code}' -b "$1" -F "csrf=$(curl -s -b "$1" "$U/plan?fy=$FY" |
		grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}')" \
		-F "fy=$FY" -F "n=$2" -F "file=@$3" "$U/plan/evidence"
}
check "the owner attaches a PDF to her activity" [ "$(plan_upload "$T/malee" "$new" "$T/photo.pdf")" = 303 ]
fid=$(sqlite3 "$T/dash.db" "select id from evidence where code = 'plan-$new'")
check "it is kept as the owner unit's" [ "$(sqlite3 "$T/dash.db" "select unit from evidence where id = $fid")" = finance-budget ]
check "listed on the activity, for her" sh -c "curl -s -b '$T/malee' '$U/plan?fy=$FY' | grep -q 'href=\"/evidence/$fid\"'"
check "and given back to a coordinator" sh -c "curl -s -b '$T/pim' '$U/evidence/$fid' | cmp - '$T/photo.pdf'"
check "not to another bureau's editor" [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/somsri" "$U/evidence/$fid")" = 403 ]
check "who cannot attach to it either" [ "$(plan_upload "$T/somsri" "$new" "$T/photo.pdf")" = 403 ]
check "nor can a viewer (refused before the file is read)" [ "$(plan_upload "$T/suda" "$new" "$T/photo.pdf")" = 403 ]
cp /bin/true "$T/photo2.pdf"
check "a program renamed .pdf is refused" [ "$(plan_upload "$T/malee" "$new" "$T/photo2.pdf")" = 415 ]
check "the owner removes her file" sh -c "tok=\$(curl -s -b '$T/malee' '$U/plan?fy=$FY' | grep -o 'name=\"csrf\" value=\"[0-9a-f]*\"' | head -1 | grep -o '[0-9a-f]\{64\}');
	[ \"\$(curl -s -o /dev/null -w '%{http_code}' -b '$T/malee' --data \"csrf=\$tok&fy=$FY&id=$fid\" '$U/plan/evidence/remove')\" = 303 ] &&
	[ \"\$(sqlite3 '$T/dash.db' 'select count(*) from evidence')\" = 0 ]"
report "$T/after"
check "KPI 1.4 counts one activity more done in the report set made after" [ "$(done_count "$T/after")" = $((n0 + 1)) ]

cp "$PLAN" "$T/plan-before.ini"
check "a date that is not one: 400" sh -c "[ \"\$($(declare -f save page); U=$U T=$T FY=$FY ROOT=$ROOT save '$T/pim' approved=2026-13-45)\" = 400 ] && grep -q 'ปปปป-ดด-วว' '$T/save.html'"
check "an activity without its English name: 400" [ "$(save "$T/pim" th_new=กิจกรรมที่พิมพ์ไว้ en_new= status_new=done)" = 400 ]
check "and the new activity comes back as typed" grep -q 'name="th_new" type="text" maxlength="[0-9]*" value="กิจกรรมที่พิมพ์ไว้"' "$T/save.html"
check "an owner that is not a unit: 400" [ "$(save "$T/pim" "owner_$new=no-such-unit")" = 400 ]
check "a text with ' ;': 400" [ "$(save "$T/pim" 'impacts=less paper ;more trees')" = 400 ]
check "a form without its token: 403" [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/pim" --data "fy=$FY&th=x" "$U/plan")" = 403 ]
check "nothing of them was saved" cmp "$PLAN" "$T/plan-before.ini"
done_testing
