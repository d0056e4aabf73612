#!/bin/bash
# 95-checklist: a unit's self-evaluation checklist filled on the web.
# - a checklist file written by hand is read into the database the first
#   time its unit's page opens, and saving the page unchanged writes a file
#   that gm-report scores exactly as the hand-written one: the
#   self-evaluation pages are byte-identical (the INI round trip);
# - answers entered on the web for a unit with no file give the
#   self-evaluation, byte for byte, that a file written by hand with the
#   same answers gives (other order, comments, spacing);
# - a score out of range, a text that the file could not hold, a plan
#   without its cause, a form without its token: refused, nothing saved;
# - every changed field has its audit row with old and new values; a file
#   changed by hand since the dashboard wrote it is kept aside;
# - evidence files: a PDF is attached and given back byte for byte to the
#   unit's editor and a coordinator; another unit's editor gets 403; no one
#   signed out gets it; a renamed program is refused (415) and not kept; a
#   file over the limit is refused (413).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"

FY=$(( $(date +%Y) + 543 + ($((10#$(date +%m))) >= 10 ? 1 : 0) ))
mkdir -p "$T/data"
cp -r "$ROOT/dashboards/org/senate" "$T/org"
rm -f "$T/org/checklists/$FY/"*.ini
mkdir -p "$T/org/checklists/$FY"
cp "$ROOT/dashboards/org/senate/checklists/2570/foreign-affairs.ini" "$T/org/checklists/$FY/"
WEB=$(free_port)
{ dash_conf_head; printf 'org = %s/org/organisation.ini\n[accounts]\ndatabase = %s/dash.db\nevidence_max_mb = 0.05\n' \
	"$T" "$T"; } >"$T/dash.conf"
check "three editors and a coordinator" sh -c "$(declare -f dash_adduser); BIN=$BIN T=$T;
	dash_adduser somsri editor 'somsri-pass-95' --unit foreign-affairs >/dev/null &&
	dash_adduser malee editor 'malee-pass-95' --unit finance-budget >/dev/null &&
	dash_adduser pim coordinator 'pim-pass-95' >/dev/null"
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
check "the dashboard listens" wait_port "$WEB"
U=http://127.0.0.1:$WEB
for who in somsri:somsri-pass-95 malee:malee-pass-95 pim:pim-pass-95; do
	dash_signin "$T/${who%%:*}" "${who%%:*}" "${who#*:}" >/dev/null
done

page() { curl -s -b "$1" "$U/checklist?unit=$2&fy=$FY" >"$T/page.html"; }
# jar unit [field=value ...] -> status of the save; the answer in $T/save.html
save() {
	local jar=$1 unit=$2
	shift 2
	page "$jar" "$unit"
	python3 "$ROOT/tests/formfill.py" "$T/page.html" checklist "$@" >"$T/form.txt" || return 1
	curl -s -o "$T/save.html" -D "$T/save.hdr" -w '%{http_code}' -b "$jar" --data @"$T/form.txt" "$U/checklist"
}
report() { # out-dir: the green set of FY
	"$BIN/gm-report" -d "$T/data" --org "$T/org/organisation.ini" --fy "$FY" --out "$1" >"$1.log" 2>&1
}
same_selfeval() { # unit dir-a dir-b
	cmp "$2/$1.self-evaluation.th.html" "$3/$1.self-evaluation.th.html" &&
	cmp "$2/$1.self-evaluation.en.html" "$3/$1.self-evaluation.en.html"
}

# ---- a file written by hand, read in and written back
FA=$T/org/checklists/$FY/foreign-affairs.ini
cp "$FA" "$T/fa-by-hand.ini"
report "$T/by-hand"
page "$T/somsri" foreign-affairs
check "the page shows the file's answers" grep -q 'value="GO-2570/1-1-2 policy signed.pdf"' "$T/page.html"
check "and the progress per category" grep -q '<tr id="progress-all"><th>[^<]*</th><th class="num">[1-9][0-9]*</th>' "$T/page.html"
check "the file was read into the database" [ "$(sqlite3 "$T/dash.db" "select count(*) from checklist where unit = 'foreign-affairs'")" -gt 20 ]
check "saving it unchanged: 303" [ "$(save "$T/somsri" foreign-affairs)" = 303 ]
check "the file is now the dashboard's" grep -q 'written by gm-dashboard' "$FA"
check "and nothing changed, so no audit row for a field" [ "$(sqlite3 "$T/dash.db" "select count(*) from audit where what like 'checklist foreign-affairs $FY %'")" = 0 ]
report "$T/round-trip"
check "its self-evaluation is byte-identical to the hand-written file's" same_selfeval foreign-affairs "$T/by-hand" "$T/round-trip"

# ---- answers entered on the web, and the same answers by hand
FB=$T/org/checklists/$FY/finance-budget.ini
check "an editor fills the checklist on the web" [ "$(save "$T/malee" finance-budget \
	s1.1.1=1 e1.1.1='GO/1-1-1 ขอบเขต.pdf' n1.1.1='ชั้น 3 อาคารรัฐสภา; 420 ตร.ม.' \
	s1.1.2=0.5 s1.2.1=0 n1.2.1='คำสั่งอยู่ระหว่างลงนาม' s2.1.1=1 e3.2.2='บิลค่าไฟ ต.ค.-ธ.ค.' \
	ct_electricity='ติดตั้งเครื่องปรับอากาศใหม่ในห้องประชุม' cp_electricity='ตั้งเวลาปิดเครื่องปรับอากาศ 12.00-13.00 น.' \
	ct_paper='ใช้ระบบเอกสารอิเล็กทรอนิกส์')" = 303 ]
check "it goes back to the page, saying so" grep -q "^Location: /checklist?unit=finance-budget&fy=$FY&saved=1" "$T/save.hdr"
check "the file is written" [ -s "$FB" ]
cp "$FB" "$T/fb-web.ini"
report "$T/web"
cat >"$FB" <<'INI'
; the same answers, written by hand: other order, spacing and comments
[cause paper]
text = ใช้ระบบเอกสารอิเล็กทรอนิกส์

[2.1.1]
score=1
[1.2.1]
note   =   คำสั่งอยู่ระหว่างลงนาม    ; a comment
score = 0
[1.1.2]
score = 0.50
[1.1.1]
evidence = GO/1-1-1 ขอบเขต.pdf
score = 1
note = ชั้น 3 อาคารรัฐสภา; 420 ตร.ม.
[3.2.2]
evidence = บิลค่าไฟ ต.ค.-ธ.ค.
[cause electricity]
plan = ตั้งเวลาปิดเครื่องปรับอากาศ 12.00-13.00 น.
text = ติดตั้งเครื่องปรับอากาศใหม่ในห้องประชุม
INI
report "$T/hand"
check "the web's self-evaluation is byte-identical to the hand-written file's" same_selfeval finance-budget "$T/web" "$T/hand"
check "and it is not empty: the web's answers are in it" grep -q 'GO/1-1-1 ขอบเขต.pdf' "$T/web/finance-budget.self-evaluation.th.html"
cp "$T/fb-web.ini" "$FB"
check "each changed field has its audit row, old and new" sh -c "sqlite3 '$T/dash.db' \"select who, what, ifnull(old, '-'), new from audit where what like 'checklist finance-budget%'\" > '$T/audit.txt'
	grep -q '^malee|checklist finance-budget $FY 1.1.2 score|-|0.5$' '$T/audit.txt' &&
	grep -q '^malee|checklist finance-budget $FY cause paper_reams|-|ใช้ระบบเอกสารอิเล็กทรอนิกส์$' '$T/audit.txt'" || sed 's/^/# /' "$T/audit.txt"
check "a change is audited with its old value" [ "$(save "$T/malee" finance-budget s1.1.2=1)" = 303 ]
check "..." sh -c "sqlite3 '$T/dash.db' \"select old, new from audit where what = 'checklist finance-budget $FY 1.1.2 score' order by id desc limit 1\" | grep -qx '0.5|1'"

# ---- what lies is refused, nothing saved
rows() { sqlite3 "$T/dash.db" "select count(*), sum(ifnull(score, -1)) from checklist where unit = 'finance-budget'"; }
r0=$(rows)
cp "$FB" "$T/fb-before.ini"
check "a score over the indicator's points: 400" sh -c "[ \"\$($(declare -f save page); U=$U T=$T FY=$FY ROOT=$ROOT save '$T/malee' finance-budget s1.1.1=2)\" = 400 ] && grep -q 'คะแนนต้องอยู่ระหว่าง 0' '$T/save.html'"
check "a negative score: 400" [ "$(save "$T/malee" finance-budget s1.1.1=-1)" = 400 ]
check "a note with ' ;' the file would cut: 400" sh -c "[ \"\$($(declare -f save page); U=$U T=$T FY=$FY ROOT=$ROOT save '$T/malee' finance-budget 'n1.1.1=a ;b')\" = 400 ] && grep -q '1.1.1' '$T/save.html'"
check "a plan without its cause: 400" [ "$(save "$T/malee" finance-budget ct_water= cp_water='ซ่อมท่อ')" = 400 ]
check "a note longer than the file allows: 400" [ "$(save "$T/malee" finance-budget n1.1.1="$(printf 'ก%.0s' $(seq 200))")" = 400 ]
check "a form without its token: 403" [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/malee" --data 'unit=finance-budget&fy='"$FY"'&s1.1.1=0' "$U/checklist")" = 403 ]
check "a refused form comes back as it was typed" sh -c "[ \"\$($(declare -f save page); U=$U T=$T FY=$FY ROOT=$ROOT save '$T/malee' finance-budget 'n1.1.1=a ;b' 'e1.2.1=typed-but-not-saved')\" = 400 ] &&
	grep -q 'value=\"typed-but-not-saved\"' '$T/save.html'"
check "a cause too long for the file's line: 400, said, no path shown" sh -c "[ \"\$($(declare -f save page); U=$U T=$T FY=$FY ROOT=$ROOT save '$T/malee' finance-budget \"ct_water=\$(printf 'ก%.0s' \$(seq 340))\")\" = 400 ] &&
	grep -q 'ยาวเกินไป' '$T/save.html' && ! grep -q '$T' '$T/save.html'"
check "nothing of them was saved: the rows are as they were" [ "$(rows)" = "$r0" ]
check "and the file, byte for byte" cmp "$FB" "$T/fb-before.ini"
page "$T/malee" finance-budget
cp "$T/page.html" "$T/stale.html"
check "a cause of 330 Thai letters fits" [ "$(save "$T/malee" finance-budget "ct_water=$(printf 'ก%.0s' $(seq 330))")" = 303 ]
python3 "$ROOT/tests/formfill.py" "$T/stale.html" checklist s1.1.1=0 >"$T/stale.txt"
check "a page opened before someone else's save is refused: 409, and says so" sh -c "
	[ \"\$(curl -s -o '$T/stale.out' -w '%{http_code}' -b '$T/malee' --data @'$T/stale.txt' '$U/checklist')\" = 409 ] &&
	grep -q 'มีผู้บันทึกข้อมูลนี้หลังจากที่ท่านเปิดหน้านี้' '$T/stale.out'"
python3 "$ROOT/tests/formfill.py" "$T/stale.html" checklist 'n1.1.1=a ;b' >"$T/stale2.txt"
check "so is one with a mistake too: 409 first, so the page typed again is not taken for the latest" \
	[ "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/malee" --data @"$T/stale2.txt" "$U/checklist")" = 409 ]
check "and the other save stands" grep -q "^text = $(printf 'ก%.0s' $(seq 330))$" "$FB"
check "another unit's checklist: 403 to see, 403 to save" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -b '$T/malee' '$U/checklist?unit=foreign-affairs&fy=$FY')\" = 403 ] &&
	tok=\$(curl -s -b '$T/malee' '$U/checklist?unit=finance-budget&fy=$FY' | grep -o 'name=\"csrf\" value=\"[0-9a-f]*\"' | head -1 | grep -o '[0-9a-f]\{64\}') &&
	[ \"\$(curl -s -o /dev/null -w '%{http_code}' -b '$T/malee' --data \"csrf=\$tok&unit=foreign-affairs&fy=$FY\" '$U/checklist')\" = 403 ]"


# ---- a file changed by hand since the dashboard wrote it is kept aside
echo '; a late hand edit' >>"$FB"
check "saving over a hand-edited file: 303" [ "$(save "$T/malee" finance-budget s1.1.2=0.5)" = 303 ]
check "the hand-edited file is kept aside" sh -c "ls '$T/org/checklists/$FY/' | grep -q '^finance-budget.ini.hand-' && grep -q 'a late hand edit' '$T/org/checklists/$FY/'finance-budget.ini.hand-*"
check "and the audit log says so" [ "$(sqlite3 "$T/dash.db" "select count(*) from audit where what like 'checklist finance-budget $FY: % was changed by hand; kept as %'")" = 1 ]

# ---- evidence files
printf '%%PDF-1.4\n%% evidence of 1.1.1\n1 0 obj <<>> endobj\ntrailer <<>>\n%%%%EOF\n' >"$T/policy.pdf"
upload() { # jar unit code file -> status
	local tok
	tok=$(curl -s -b "$1" "$U/checklist?unit=$2&fy=$FY" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}')
	curl -s -o "$T/upload.html" -D "$T/upload.hdr" -w '%{http_code}' -b "$1" -F "csrf=$tok" -F "unit=$2" \
		-F "fy=$FY" -F "code=$3" -F "file=@$4" "$U/checklist/evidence"
}
check "a PDF is attached: 303" [ "$(upload "$T/malee" finance-budget 1.1.1 "$T/policy.pdf")" = 303 ]
id=$(sqlite3 "$T/dash.db" "select id from evidence where unit = 'finance-budget' and code = '1.1.1'")
check "it is listed on the indicator" sh -c "curl -s -b '$T/malee' '$U/checklist?unit=finance-budget&fy=$FY' | grep -q 'href=\"/evidence/$id\">policy.pdf</a>'"
check "the unit's editor gets it back byte for byte" sh -c "curl -s -b '$T/malee' '$U/evidence/$id' | cmp - '$T/policy.pdf'"
check "as a download named for what it is" sh -c "curl -s -D - -o /dev/null -b '$T/malee' '$U/evidence/$id' | tr -d '\\r' | grep -qx 'Content-Disposition: attachment; filename=\"evidence-$id.pdf\"'"
check "so does a coordinator" sh -c "curl -s -b '$T/pim' '$U/evidence/$id' | cmp - '$T/policy.pdf'"
check "another unit's editor gets 403" [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/somsri" "$U/evidence/$id")" = 403 ]
check "no one signed out gets it" sh -c "[ \"\$(curl -s -o '$T/anon.out' -w '%{http_code}' '$U/evidence/$id')\" = 303 ] && ! cmp -s '$T/anon.out' '$T/policy.pdf'"
check "nor after signing out" sh -c "cp '$T/malee' '$T/malee-old'; tok=\$(curl -s -b '$T/malee' '$U/account' | grep -o 'name=\"csrf\" value=\"[0-9a-f]*\"' | head -1 | grep -o '[0-9a-f]\{64\}');
	curl -s -o /dev/null -b '$T/malee' -c '$T/malee' --data \"csrf=\$tok\" '$U/signout';
	[ \"\$(curl -s -o /dev/null -w '%{http_code}' -b '$T/malee-old' '$U/evidence/$id')\" = 303 ]"
dash_signin "$T/malee" malee malee-pass-95 >/dev/null
check "the file is kept outside anything served, under its number" cmp "$T/dash.db.evidence/$id" "$T/policy.pdf"
cp /bin/true "$T/report.pdf"
n0=$(ls "$T/dash.db.evidence" | wc -l)
check "a program renamed .pdf is refused: 415" sh -c "[ \"\$($(declare -f upload); U=$U T=$T FY=$FY upload '$T/malee' finance-budget 1.1.1 '$T/report.pdf')\" = 415 ] && grep -q 'ไม่ใช่ PDF' '$T/upload.html'"
check "and not kept" [ "$(ls "$T/dash.db.evidence" | wc -l)" = "$n0" ]
check "nor listed" [ "$(sqlite3 "$T/dash.db" "select count(*) from evidence")" = 1 ]
{ printf '\x89PNG\r\n\x1a\n'; head -c 60000 /dev/zero; } >"$T/big.png"
check "a file over evidence_max_mb is refused: 413, said in Thai and English" sh -c "[ \"\$($(declare -f upload); U=$U T=$T FY=$FY upload '$T/malee' finance-budget 1.1.1 '$T/big.png')\" = 413 ] &&
	grep -q 'ใหญ่เกินกำหนด' '$T/upload.html' && grep -q 'over the size allowed' '$T/upload.html'"
{ printf '\x89PNG\r\n\x1a\n'; head -c 1000 /dev/zero; } >"$T/small.png"
check "a PNG under it is taken" [ "$(upload "$T/malee" finance-budget 2.1.1 "$T/small.png")" = 303 ]
check "a form with two files: 400" sh -c "tok=\$(curl -s -b '$T/malee' '$U/checklist?unit=finance-budget&fy=$FY' | grep -o 'name=\"csrf\" value=\"[0-9a-f]*\"' | head -1 | grep -o '[0-9a-f]\{64\}');
	[ \"\$(curl -s -o /dev/null -w '%{http_code}' -b '$T/malee' -F csrf=\$tok -F unit=finance-budget -F fy=$FY -F code=1.1.1 -F 'file=@$T/policy.pdf' -F 'file2=@$T/policy.pdf' '$U/checklist/evidence')\" = 400 ]"
check "two parts both named file: 400" sh -c "tok=\$(curl -s -b '$T/malee' '$U/checklist?unit=finance-budget&fy=$FY' | grep -o 'name=\"csrf\" value=\"[0-9a-f]*\"' | head -1 | grep -o '[0-9a-f]\{64\}');
	[ \"\$(curl -s -o /dev/null -w '%{http_code}' -b '$T/malee' -F csrf=\$tok -F unit=finance-budget -F fy=$FY -F code=1.1.1 -F 'file=@$T/policy.pdf' -F 'file=@$T/policy.pdf' '$U/checklist/evidence')\" = 400 ]"
head -c 3000000 /dev/zero >"$T/big.bin"
check "an upload from someone signed out: 403 before its body is read" sh -c "
	curl -s -o /dev/null -w '%{http_code} %{size_upload}' -F 'file=@$T/big.bin' '$U/checklist/evidence' > '$T/anon-up.txt'
	read code sent < '$T/anon-up.txt'; [ \"\$code\" = 403 ] && [ \"\$sent\" -lt 3000000 ]" || sed 's/^/# /' "$T/anon-up.txt"
check "an upload as a plain form: 415" [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/malee" --data 'csrf=x' "$U/checklist/evidence")" = 415 ]
check "the evidence rows have their audit rows" [ "$(sqlite3 "$T/dash.db" "select count(*) from audit where what like 'checklist finance-budget $FY % evidence file %'")" = 2 ]
rm_file() { # jar unit id -> status
	curl -s -o /dev/null -w '%{http_code}' -b "$1" --data-urlencode "csrf=$(curl -s -b "$1" "$U/checklist?unit=$2&fy=$FY" |
		grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}')" \
		--data-urlencode "unit=$2" --data-urlencode "fy=$FY" --data-urlencode "id=$3" "$U/checklist/evidence/remove"
}
check "a file has its remove button" sh -c "curl -s -b '$T/malee' '$U/checklist?unit=finance-budget&fy=$FY' | grep -q 'form=\"rm-evidence\" name=\"id\" value=\"$id\"'"
check "another unit's editor cannot remove it (not of her unit: 404)" [ "$(rm_file "$T/somsri" foreign-affairs "$id")" = 404 ]
check "nor through her own unit's form for its unit (403)" [ "$(rm_file "$T/somsri" finance-budget "$id")" = 403 ]
check "its unit's editor removes it" [ "$(rm_file "$T/malee" finance-budget "$id")" = 303 ]
check "the file and its row are gone" sh -c "[ ! -e '$T/dash.db.evidence/$id' ] && [ \"\$(sqlite3 '$T/dash.db' 'select count(*) from evidence where id = $id')\" = 0 ]"
check "it is no longer given out" [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/malee" "$U/evidence/$id")" = 404 ]
check "the removal is audited with the file's name" [ "$(sqlite3 "$T/dash.db" "select old from audit where what = 'checklist finance-budget $FY 1.1.1 evidence file $id removed'")" = policy.pdf ]
# ---- every unit's progress, for the coordinator
curl -s -b "$T/pim" "$U/checklist/units?fy=$FY" >"$T/units.html"
check "every unit's progress lists the units" [ "$(grep -o '<tr data-unit=' "$T/units.html" | wc -l)" -ge 19 ]
check "finance-budget's count is the database's" grep -q "<tr data-unit=\"finance-budget\" data-scored=\"$(sqlite3 "$T/dash.db" "select count(*) from checklist where unit = 'finance-budget' and fy = $FY and score is not null")\">" "$T/units.html"
check "an editor follows her own units only" [ "$(curl -s -b "$T/somsri" "$U/checklist/units?fy=$FY" | grep -o '<tr data-unit="[a-z-]*"' | tr '\n' ' ')" = '<tr data-unit="foreign-affairs" ' ]
check "a unit never opened is read in from its file for it" sh -c "
	cp '$ROOT/dashboards/org/senate/checklists/2570/foreign-affairs.ini' '$T/org/checklists/$FY/legal.ini'
	curl -s -b '$T/pim' '$U/checklist/units?fy=$FY' | grep -q '<tr data-unit=\"legal\" data-scored=\"[1-9][0-9]*\">'"
check "the dashboard is still up" wait_port "$WEB"
done_testing
