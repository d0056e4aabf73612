#!/bin/bash
# 80-green-report: the Green Office report set from real data. Two fiscal
# years (FY2568, the baseline, and FY2569: the last whole year in the past,
# as the collector refuses readings from the future) of an electricity sub-meter and
# a printer's sheet counter, every 15 minutes, and monthly reams issued,
# all through a real broker into a real collector, mapped to two of the 19
# shipped units. gm-report writes the whole set (19 units, Thai and
# English); the checks: every file is there, the JSON's figures agree with
# gm-sim's own account of what the meter used, a month with missing
# readings says it is incomplete, Thai pages use Thai month names and B.E.
# years, the CSV has its byte-order mark, and headless Chromium renders the
# Thai summary to a PDF and a PNG without error.
. "$(dirname "$0")/../lib.sh"

STEP=900
cat >"$T/sim.conf" <<EOF
[sim]
listen = 127.0.0.1:1
devices = $ROOT/devices
[meter fin-power]
unit = 1
model = sdm120
seed = 21
load = 6
start = 10000
start_at = 2024-10-01
[meter fin-mfp]
unit = 2
model = printer-counter
seed = 22
load = 40
EOF
sim() { "$BIN/gm-sim" -c "$T/sim.conf" "$@"; }

start_broker
collector_up report-collector || not_ok "collector subscribes"

send() { # meter channel from to
	sim --history "$1" "$2" "$3" "$4" "$STEP" |
		mosquitto_pub -p "$BROKER_PORT" -q 1 -t "greenmeter/v1/hq/$1/$2" -l
}
# The power meter is silent from 10 to 12 February 2026: February is incomplete.
send fin-power import_kwh "2024-10-01" "2026-02-10 00:00"
send fin-power import_kwh "2026-02-12 00:00" "2026-10-01 00:15"
send fin-mfp sheets "2024-10-01" "2026-10-01 00:15"
# Reams issued: an entry at each month's end (the next month's first
# midnight), 10 a month in FY2568 and 8 in FY2569.
seq=0
for k in $(seq 0 23); do
	end=$(date -d "2024-11-01 +$k month 00:00 +0700" +%s)
	v=$([ "$k" -lt 12 ] && echo 10 || echo 8)
	seq=$((seq + 1))
	mosquitto_pub -p "$BROKER_PORT" -q 1 -t greenmeter/v1/hq/stores/finance-reams \
		-m "{\"t\":$end,\"v\":$v,\"unit\":\"reams\",\"kind\":\"delta\",\"seq\":$seq}"
done
wait_for 180 grep -q "fin-mfp/sheets .*last_t=$(date -d '2026-10-01 00:00 +0700' +%s)" "$T/status" ||
	not_ok "the printer's two years stored"
wait_for 60 grep -q "fin-power/import_kwh .*last_t=$(date -d '2026-10-01 00:00 +0700' +%s)" "$T/status" ||
	not_ok "the meter's two years stored"
wait_for 30 grep -q "finance-reams .*received=24" "$T/status" || not_ok "24 ream entries stored"
stop "$(echo $PIDS | awk '{ print $NF }')"   # the collector: every row in its file

# The shipped organisation, with this test's meters mapped.
cp -r "$ROOT/dashboards/org/senate" "$T/org"
cat >>"$T/org/organisation.ini" <<EOF

[meters]
hq/fin-power/import_kwh = electricity from 2024-10-01 finance-budget 60 central-admin 40
hq/fin-mfp/sheets = paper_printed from 2024-10-01 finance-budget
hq/stores/finance-reams = paper_reams from 2024-10-01 finance-budget
EOF
# FY2569's action plan (KPI 1.4): 4 of 5 activities done, level 2 (80 %);
# no unit has assessed itself, so not 4, and nothing is submitted
mkdir -p "$T/org/plans"
{
	printf '[plan]\nth = แผนปฏิบัติการ 2569\napproved = 2025-11-15\n'
	for i in 1 2 3 4 5; do
		printf '[activity %d]\nth = กิจกรรมที่ %d\nowner = central-admin\ndue = 2026-06-30\nstatus = %s\n' \
			"$i" "$i" "$([ "$i" -le 4 ] && echo done || echo in_progress)"
	done
} >"$T/org/plans/2569.ini"
OUT=$T/reports
check "gm-report writes the FY2569 set" \
	"$BIN/gm-report" -d "$T/data" --org "$T/org/organisation.ini" --fy 2569 --out "$OUT"
n=$(ls "$OUT"/*.self-evaluation.th.html 2>/dev/null | wc -l)
check "a self-evaluation for each of the 19 units ($n)" [ "$n" -eq 19 ]
# every page ends with the sign-off: prepared, checked, approved, with the
# positions the organisation file gives and lines to sign and date
check "every page has the sign-off block of three (prepared, checked, approved)" \
	[ "$(grep -l '<td data-sign="0">.*<td data-sign="1">.*<td data-sign="2">' "$OUT"/*.html | wc -l)" -eq "$(ls "$OUT"/*.html | wc -l)" ]
check "with the positions from the organisation file, in Thai" \
	grep -q 'ผู้อนุมัติ</b><br><br>ลงชื่อ .*ตำแหน่ง เลขาธิการวุฒิสภา<br>วันที่ ...... เดือน' "$OUT/summary.th.html"
# the pages link to each other, and every link leads to a page of the set
links() {
	python3 - "$OUT" <<'PY'
import glob, os, re, sys
out = sys.argv[1]
n = bad = 0
for path in glob.glob(out + '/*.html'):
    for href in re.findall(r'href="([^"]+)"', open(path, encoding='utf-8').read()):
        n += 1
        if '/' in href or not os.path.exists(os.path.join(out, href)):
            bad += 1
            print(f'# {os.path.basename(path)}: {href}')
sys.exit(0 if n > 0 and bad == 0 else 1)
PY
}
check "every link between the pages leads to a page of the set" links
check "the summary links each unit's name to its resources page" \
	[ "$(grep -o 'href="[a-z0-9-]*\.resources\.th\.html"' "$OUT/summary.th.html" | sort -u | wc -l)" -eq 20 ]
check "a unit's pages link to its self-evaluation and back to the summary" \
	sh -c "grep -q 'href=\"finance-budget.self-evaluation.th.html\"' '$OUT/finance-budget.resources.th.html' &&
	    grep -q 'href=\"summary.th.html\"' '$OUT/finance-budget.self-evaluation.th.html'"
# the scales the summary's figures are judged on, printed with them
check "the summary prints the KPI levels (0, 2.5, 5, 7.5, 10 % less paper)" \
	sh -c "grep -A2 'data-scale=\"kpi\"' '$OUT/summary.th.html' | tr -d '\n' | grep -q '≥ 0.00</td><td class=\"n\">≥ 2.50</td><td class=\"n\">≥ 5.00</td><td class=\"n\">≥ 7.50</td><td class=\"n\">≥ 10.00'"
check "and the grade bands (90, 80, 60)" \
	sh -c "grep -A2 'data-scale=\"grade\"' '$OUT/summary.en.html' | tr -d '\n' | grep -q 'Gold</th><th>Silver</th><th>Bronze.*≥ 90.00.*≥ 80.00.*≥ 60.00'"
# the shipped criteria are a reconstruction: every page that scores says so
check "the summary and each self-evaluation say the criteria are a reconstruction" \
	[ "$(grep -l 'data-criteria="reconstruction"' "$OUT"/summary.*.html "$OUT"/*.self-evaluation.*.html | wc -l)" -eq 40 ]
check "report.json: edition_official false" \
	python3 -c "import json,sys; r = json.load(open('$OUT/report.json')); sys.exit(0 if all(u['self_evaluation']['edition_official'] is False for u in r['units']) else 1)"
# no unit here has scored its checklist: none is graded, each says why
check "the summary: 19 units not self-assessed yet, rather than not certified" \
	[ "$(grep -o 'ยังไม่ได้ประเมินตนเอง' "$OUT/summary.th.html" | wc -l)" -eq 19 ]
check "and none 'ไม่ผ่านการรับรอง'" sh -c "! grep -q 'ไม่ผ่านการรับรอง' '$OUT/summary.th.html'"
# finance-budget has no fuel channel: indicator 3.2.5 says so and what to
# enter, rather than "0 items met of 4"
check "no fuel data: 3.2.5 says 'ไม่มีข้อมูล' and what to enter, not 0 of 4" \
	sh -c "grep -o '<td>3.2.5</td>.*' '$OUT/finance-budget.self-evaluation.th.html' | head -1 | grep -q 'data-nodata=\"fuel\">ไม่มีข้อมูล</span>: .*ให้บันทึกข้อมูลน้ำมันเชื้อเพลิง' &&
	    ! grep -o '<td>3.2.5</td>[^\n]*' '$OUT/finance-budget.self-evaluation.th.html' | head -1 | grep -q 'ข้อที่ผ่าน'"
check "and electricity, which it has, its items met" \
	sh -c "grep -o '<td>3.2.2</td>.*' '$OUT/finance-budget.self-evaluation.th.html' | head -1 | grep -q 'ข้อที่ผ่าน (จาก 4)'"
check "report.json: self_assessed false, 0 lines answered" \
	python3 -c "import json,sys; r = json.load(open('$OUT/report.json')); sys.exit(0 if all(u['self_evaluation']['self_assessed'] is False and u['self_evaluation']['checklist_answered'] == 0 for u in r['units']) else 1)"
for f in summary.th.html summary.en.html summary.th.csv summary.en.csv report.json \
	finance-budget.resources.th.html finance-budget.resources.en.html finance-budget.th.csv \
	whole.resources.th.html; do
	check "$f written" [ -s "$OUT/$f" ]
done
check "no temporary file left" [ -z "$(ls "$OUT" | grep '\.tmp$')" ]

# The figures, against the simulator's own account.
j() { python3 -c "import json,sys; r=json.load(open('$OUT/report.json')); print($1)"; }
USED=$(sim --used fin-power import_kwh "2025-10-01" "2026-10-01")
BASE=$(sim --used fin-power import_kwh "2024-10-01" "2025-10-01")
fb="[u for u in r['units'] if u['id']=='finance-budget'][0]['resources']"
ca="[u for u in r['units'] if u['id']=='central-admin'][0]['resources']"
check "19 units in the JSON" [ "$(j "len(r['units'])")" = 19 ]
check "finance-budget's 60 % of the meter (0.6 x $USED)" \
	near "$(j "$fb['electricity']['amount']")" "$(awk -v u="$USED" 'BEGIN { print 0.6 * u }')" 0.05
check "central-admin's 40 %" \
	near "$(j "$ca['electricity']['amount']")" "$(awk -v u="$USED" 'BEGIN { print 0.4 * u }')" 0.05
check "the baseline year likewise (0.6 x $BASE)" \
	near "$(j "$fb['electricity']['compared']['baseline_amount']")" "$(awk -v u="$BASE" 'BEGIN { print 0.6 * u }')" 0.05
check "a year in the past: all 12 months compared" \
	[ "$(j "[len($fb[k]['compared']['months']) for k in ('electricity', 'paper_reams')] + [$fb['electricity']['compared']['whole_period']]")" = "[12, 12, True]" ]
check "reams: 96 against 120" [ "$(j "$fb['paper_reams']['amount'] == $fb['paper_reams']['compared']['amount'] == 96 and $fb['paper_reams']['compared']['baseline_amount'] == 120")" = True ]
check "paper reduction 20 %" near "$(j "[u for u in r['units'] if u['id']=='finance-budget'][0]['paper_reduction_pct']")" 20 1e-9
check "KPI level 5" near "$(j "[u for u in r['units'] if u['id']=='finance-budget'][0]['kpi_level']")" 5 1e-9
check "electricity incomplete (February's gap)" [ "$(j "$fb['electricity']['complete']")" = False ]
check "February's completeness under 1" \
	[ "$(j "[m['completeness'] < 1 for m in $fb['electricity']['months'] if m['month']=='2026-02'][0]")" = True ]
check "January complete" \
	[ "$(j "[m['completeness'] == 1 for m in $fb['electricity']['months'] if m['month']=='2026-01'][0]")" = True ]
check "the factor in force is printed (0.475)" \
	[ "$(j "[m['kgco2e_per_unit'] for m in $fb['electricity']['months'] if m['month']=='2026-01'][0]")" = 0.475 ]
check "the channels are traced" \
	[ "$(j "[s['channel'] + ' ' + str(s['share']) for s in $fb['electricity']['sources']]")" = "['hq/fin-power/import_kwh 0.6']" ]

# The same compared amounts and change in the JSON, both CSVs and both HTML
# pages (HTML to its two decimals), and the change follows from them.
agree() { # resource label_en label_th
	python3 - "$OUT" "$@" <<'PY'
import csv, json, re, sys
out, res, label_en, label_th = sys.argv[1:]
r = json.load(open(out + '/report.json'))
c = [u for u in r['units'] if u['id'] == 'finance-budget'][0]['resources'][res]['compared']
want = (c['amount'], c['baseline_amount'], c['change_pct'])
for lang, label in (('en', label_en), ('th', label_th)):
    rows = list(csv.reader(open(f'{out}/finance-budget.{lang}.csv', encoding='utf-8-sig')))
    s = [x for x in rows if x[0] == label and x[10] == 'sum']
    got = (float(s[0][3]), float(s[0][6]), float(s[0][11]))
    assert len(s) == 1 and all(abs(a - b) < 1e-9 * (1 + abs(b)) for a, b in zip(got, want)), (lang, got, want)
    html = open(f'{out}/finance-budget.resources.{lang}.html', encoding='utf-8').read()
    t = html[html.index(f'<table data-res="{res}">'):]
    fig = lambda k: float(re.search(f'data-fig="{k}">([-0-9.,]+)', t).group(1).replace(',', ''))
    got = (fig('amount'), fig('baseline'), fig('change'))
    assert all(abs(a - b) <= 0.005 + 1e-9 for a, b in zip(got, want)), (lang, got, want)
    assert abs((got[1] - got[0]) / got[1] * 100 - got[2]) <= 0.005 + 1e-9, got
PY
}
check "electricity: the same figures in JSON, CSV and HTML" agree electricity Electricity ไฟฟ้า
check "reams: the same figures in JSON, CSV and HTML" agree paper_reams "Paper issued (reams)" "กระดาษ (เบิก, รีม)"

# KPI 1.4 Green Parliament from the plan: the same level in the JSON and on
# both pages; the results report (level 5's document) is written, and its
# outcomes are the summary's figures.
check "KPI 1.4: level 2 in report.json (4 of 5 done, 80 %)" \
	[ "$(python3 -c "import json; k = json.load(open('$OUT/report.json'))['kpi_1_4']; print(k['level'], k['met'], k['activities_done'], k['activities'])")" = "2 [True, True, False, False, False] 4 5" ]
check "and on the Thai and English pages" \
	sh -c "grep -q 'data-kpi14-level=\"2\"' '$OUT/green-parliament.th.html' && grep -q 'data-kpi14-level=\"2\"' '$OUT/green-parliament.en.html'"
check "the ladder prints the seed's criteria and what shows each" \
	sh -c "grep -q 'ดำเนินการตามแผนปฏิบัติการได้ร้อยละ 80' '$OUT/green-parliament.th.html' && grep -q 'กิจกรรมที่ดำเนินการแล้ว 4 จาก 5 (80.0 %)' '$OUT/green-parliament.th.html'"
resultfig() {
	python3 - "$OUT" <<'PY'
import json, re, sys
out = sys.argv[1]
r = json.load(open(out + '/report.json'))
w = r['whole']
for lang in ('th', 'en'):
    page = open(f'{out}/green-parliament-results.{lang}.html', encoding='utf-8').read()
    summary = open(f'{out}/summary.{lang}.html', encoding='utf-8').read()
    got = float(re.search(r'data-fig="paper_change">([-0-9.,]+)<', page).group(1).replace(',', ''))
    assert abs(got - w['paper_reduction_pct']) <= 0.005 + 1e-9, (lang, got, w['paper_reduction_pct'])
    for key in ('impacts', 'plan_problems', 'obstacles', 'recommendations'):
        assert f'data-text="{key}"' in page, key
PY
}
check "the results report: the organisation's paper reduction as report.json, its four sections" resultfig

# Greenhouse gas by scope, in tonnes: the whole's each scope is the units'
# sum, and the pages print the JSON's figures (3 decimals, a kilogram).
scopes() {
	python3 - "$OUT" <<'PY'
import json, re, sys
out = sys.argv[1]
r = json.load(open(out + '/report.json'))
for k in ('scope1', 'scope2', 'scope3', 'total'):
    parts = [u['tco2e'][k] for u in r['units'] if u['tco2e'][k] is not None]
    w = r['whole']['tco2e'][k]
    assert (w is None) == (not parts), (k, w, parts)
    assert w is None or abs(w - sum(parts)) <= 1e-9 * max(1, w), (k, w, sum(parts))
fb = [u for u in r['units'] if u['id'] == 'finance-budget'][0]['tco2e']
assert fb['scope2'] is not None and fb['scope3'] is not None and fb['scope1'] is None, fb
for lang in ('th', 'en'):
    for page, t in (('whole', r['whole']['tco2e']), ('finance-budget', fb)):
        html = open(f'{out}/{page}.resources.{lang}.html', encoding='utf-8').read()
        for k, fig in (('scope2', 'scope2'), ('scope3', 'scope3'), ('total', 'ghg_total')):
            got = float(re.search(f'data-fig="{fig}"><b>([-0-9.,]+)<', html).group(1).replace(',', ''))
            assert abs(got - t[k]) <= 0.0005 + 1e-9, (lang, page, k, got, t[k])
PY
}
check "greenhouse gas by scope: the whole is the units' sum, pages as report.json (tCO2e)" scopes
check "the Thai pages name tonnes of CO2e" grep -q 'ตันคาร์บอนไดออกไซด์เทียบเท่า' "$OUT/whole.resources.th.html"

# Cut at March (round 6), the year's end is forecast: finance-budget's
# reams, 8 a month against 10, give 6 x 8 + 0.8 x 60 = 96 for the year,
# the best and the worst case alike (every month's ratio is 0.8), 20 % less,
# which is what the whole year then was (the set above: 96 against 120).
check "gm-report writes the FY2569 round-6 set" \
	"$BIN/gm-report" -d "$T/data" --org "$T/org/organisation.ini" --fy 2569 --round 6 --lang th --out "$T/r6"
check "round 6: the reams forecast 96 (20 % less), as the year turned out" \
	[ "$(python3 -c "import json; f = [u for u in json.load(open('$T/r6/report.json'))['units'] if u['id'] == 'finance-budget'][0]['resources']['paper_reams']['forecast']; print(f['months'], f['baseline_total'], [f[c]['total'] for c in ('expected', 'best', 'worst')], float(round(f['expected']['change_pct'], 9)))")" = "6 120 [96, 96, 96] 20.0" ]
check "and the page shows it, labelled a forecast" \
	sh -c "grep -q 'คาดการณ์ถึงสิ้นปีงบประมาณ (ประมาณการ ไม่ใช่ผลจริง)' '$T/r6/finance-budget.resources.th.html' && grep -A3 'data-forecast=\"paper_reams\"' '$T/r6/finance-budget.resources.th.html' | grep -q '>96 รีม<'"
check "no forecast for a year that is over" \
	[ "$(python3 -c "import json; print(all(u['resources'][k]['forecast'] is None for u in json.load(open('$OUT/report.json'))['units'] for k in u['resources']))")" = True ]

# The same set with PDFs (Thai): one beside every page, the Thai face
# embedded, and the figures in the PDF's text the JSON's.
check "gm-report --pdf writes the Thai set with PDFs" \
	"$BIN/gm-report" -d "$T/data" --org "$T/org/organisation.ini" --fy 2569 --lang th --pdf --out "$T/pdf"
check "a PDF beside every page" \
	[ "$(ls "$T/pdf"/*.th.pdf | wc -l)" -eq "$(ls "$T/pdf"/*.th.html | wc -l)" ]
check "the Thai face is embedded (pdffonts)" \
	sh -c "pdffonts '$T/pdf/summary.th.pdf' | grep -E 'Laksaman|Sarabun' | grep -q ' yes yes yes '"
pdftext() {
	python3 - "$T/pdf" <<'PY'
import json, subprocess, sys
out = sys.argv[1]
r = json.load(open(out + '/report.json'))
def text(name):
    return subprocess.run(['pdftotext', '-raw', f'{out}/{name}.pdf', '-'], check=True,
                          capture_output=True, text=True).stdout
def fmt(v, d):
    return '—' if v is None else f'{v:,.{d}f}'
s = text('summary.th')
pages = int([l.split()[1] for l in subprocess.run(['pdfinfo', f'{out}/summary.th.pdf'],
    capture_output=True, text=True).stdout.splitlines() if l.startswith('Pages:')][0])
assert 'ร้อยละการใช้กระดาษที่ลดลง' in s, 'the Thai heading, its marks in place'
assert f'หน้า 1 / {pages}' in s and f'หน้า {pages} / {pages}' in s, 'page numbers'
for u in r['units']:
    assert fmt(u['paper_reduction_pct'], 2) in s, (u['id'], u['paper_reduction_pct'])
    assert u['th'].replace(' ', '') in s.replace('\n', '').replace(' ', ''), u['th']
fb = [u for u in r['units'] if u['id'] == 'finance-budget'][0]['resources']['electricity']['compared']
s = text('finance-budget.resources.th')
for v in (fb['amount'], fb['baseline_amount'], fb['per'], fb['per_baseline']):
    assert fmt(v, 2) in s, v
PY
}
check "pdftotext gives back report.json's figures, the Thai words whole, the page numbers" pdftext

# The meters a resources page names: as many as report.json counts for
# each resource, at most 10 by name, the rest counted.
meters() {
	python3 - "$OUT" <<'PY'
import json, re, sys
out = sys.argv[1]
r = json.load(open(out + '/report.json'))
for u in r['units'] + [dict(r['whole'], id='whole')]:
    for lang in ('th', 'en'):
        page = open('%s/%s.resources.%s.html' % (out, u['id'], lang), encoding='utf-8').read()
        got = re.findall(r'<p class="meta" data-fig="meters" data-n="(\d+)">(.*?)</p>', page)
        want = [v['source_count'] for v in u['resources'].values() if v['sources']]
        assert sorted(int(n) for n, _ in got) == sorted(want), (u['id'], got, want)
        for n, text in got:
            named = text.count('<code>')
            assert named == min(int(n), 10), (u['id'], n, named)
            assert (int(n) > 10) == (('และอีก' if lang == 'th' else ' more, ') in text), text
            assert ('(1 meter)' in text) == (lang == 'en' and n == '1'), text
PY
}
check "each resources page counts its meters as report.json does, naming up to 10" meters

# Charts: each resource's months against the baseline's, the paper
# reduction over the KPI levels, the greenhouse gas by scope; the values a
# chart is drawn from (its data-chart, which the PDF is drawn from too) are
# report.json's.
charts() {
	python3 - "$OUT" <<'PY'
import html, json, math, re, sys
out = sys.argv[1]
r = json.load(open(out + '/report.json'))
fb = [u for u in r['units'] if u['id'] == 'finance-budget'][0]
page = open(out + '/finance-budget.resources.th.html', encoding='utf-8').read()
specs = [html.unescape(s) for s in re.findall(r'data-chart="([^"]*)"', page)]
kinds = [s.split(';')[0] for s in specs]
assert kinds.count('0') == len([k for k, v in fb['resources'].items() if v['sources']]), kinds
assert kinds.count('1') == 1 and kinds.count('2') == 1, kinds
bars = [s for s in specs if s.startswith('0;ไฟฟ้า')][0].split(';')
cur = [float(v) for v in bars[7].split('|')[1:]]
base = [float(v) for v in bars[8].split('|')[1:]]
months = fb['resources']['electricity']['months']
for got, m in zip(cur, months):
    assert (m['amount'] is None and math.isnan(got)) or abs(got - m['amount']) <= 1e-9 * max(1, got), (got, m)
assert abs(sum(base) - fb['resources']['electricity']['compared']['baseline_amount']) <= 1e-6 * sum(base)
line = [s for s in specs if s.startswith('1;')][0].split(';')
last = float(line[7].split('|')[-1])
assert abs(last - fb['paper_reduction_pct']) <= 1e-9, (last, fb['paper_reduction_pct'])
PY
}
check "charts: months, paper against the KPI levels, GHG by scope; drawn from report.json's figures" charts

# digits = thai: the Thai pages print ๐..๙ wherever a reader looks; meter
# ids, markup and the machine's data- attributes keep theirs.
cp -r "$T/org" "$T/org-thai" && sed -i 's/^baseline = .*/&\ndigits = thai/' "$T/org-thai/organisation.ini"
check "gm-report writes the Thai set with Thai digits" \
	"$BIN/gm-report" -d "$T/data" --org "$T/org-thai/organisation.ini" --fy 2569 --lang th --out "$T/thai"
thaidigits() {
	python3 - "$T/thai" <<'PY'
import glob, re, sys
pages = glob.glob(sys.argv[1] + '/*.th.html')
assert len(pages) > 40, len(pages)
for path in pages:
    s = open(path, encoding='utf-8').read()
    s = re.sub(r'<style>.*?</style>|<code>.*?</code>|<[^>]*>|&#\d+;', ' ', s, flags=re.S)
    assert not re.search(r'[0-9]', s), (path, re.search(r'.{20}[0-9].{20}', s).group(0))
assert 'พ.ศ. ๒๕๖๙' in open(sys.argv[1] + '/summary.th.html', encoding='utf-8').read()
PY
}
check "no Arabic digit a reader sees on a Thai page; พ.ศ. ๒๕๖๙" thaidigits

# Judged per person, as 3.3.2 "ต่อหน่วย" says: each year by its own
# headcount (finance-budget: 42 in FY2568, 43 in FY2569), the baseline's
# figure printed beside this year's, on both pages as in the JSON.
perunit() {
	python3 - "$OUT" <<'PY'
import json, re, sys
out = sys.argv[1]
r = json.load(open(out + '/report.json'))
x = [u for u in r['units'] if u['id'] == 'finance-budget'][0]['resources']['paper_reams']
c = x['compared']
assert (x['per_divisor'], x['per_divisor_baseline']) == (43, 42), x
assert c['judged'] == 'per_unit', c['judged']
assert abs(c['per'] - 96 / 43) < 1e-9 and abs(c['per_baseline'] - 120 / 42) < 1e-9, c
assert abs(c['per_change_pct'] - (120 / 42 - 96 / 43) / (120 / 42) * 100) < 1e-9, c
assert abs(c['target_per'] - 120 / 42 * 0.9) < 1e-9 and c['target_met'] is True, c
for lang in ('th', 'en'):
    html = open(f'{out}/finance-budget.resources.{lang}.html', encoding='utf-8').read()
    t = html[html.index('<table data-res="paper_reams">'):]
    fig = lambda k: float(re.search(f'data-fig="{k}">([-0-9.,]+)', t).group(1).replace(',', ''))
    for k, want in (('per', c['per']), ('per_baseline', c['per_baseline']),
                    ('per_change', c['per_change_pct'])):
        assert abs(fig(k) - want) <= 0.005 + 1e-9, (lang, k, fig(k), want)
    assert re.search(r'data-fig="target">10\.0 → 2\.57 ', t), lang
PY
}
check "paper judged per person: this year's and the baseline's, in JSON and both pages" perunit

# Words and dates.
check "Thai summary: Thai words" grep -q 'ร้อยละการใช้กระดาษที่ลดลง' "$OUT/summary.th.html"
check "Thai resources: Thai month and B.E. year" grep -q 'ต.ค. 2568' "$OUT/finance-budget.resources.th.html"
check "English resources: Oct 2025" grep -q 'Oct 2025' "$OUT/finance-budget.resources.en.html"
check "Thai pages: the period as 1 ต.ค. 2568 – 30 ก.ย. 2569" \
	grep -q 'ช่วงเวลา 1 ต.ค. 2568 – 30 ก.ย. 2569' "$OUT/summary.th.html"
check "English pages: the period as 1 Oct 2025 – 30 Sep 2026" \
	grep -q 'Period 1 Oct 2025 – 30 Sep 2026' "$OUT/summary.en.html"
# a factor's source in the page's language, as the organisation file gives both
check "Thai pages: the emission factors' sources in Thai" \
	sh -c "grep -q '<cite>ไฟฟ้าจากระบบสายส่ง' '$OUT/finance-budget.resources.th.html' &&
		! grep -q 'TGO grid' '$OUT/finance-budget.resources.th.html' &&
		grep -q '<cite>TGO grid electricity' '$OUT/finance-budget.resources.en.html'"
# visible text only: an ISO month in a data- attribute is for machines
check "no page shows an ISO date (2025-10-01) to a reader" \
	sh -c "! grep -lE '>[^<]*[0-9]{4}-[0-9]{2}-[0-9]{2}' '$OUT'/*.html"
# every figure of 1,000 or more with its thousands separator (a year,
# B.E. or C.E., is not a figure)
ungrouped() {
	python3 - "$OUT"/*.html <<'PY'
import html, re, sys
bad = []
for path in sys.argv[1:]:
    t = re.sub(r'<(style|script)[^>]*>.*?</\1>', ' ', open(path, encoding='utf-8').read(), flags=re.S)
    text = html.unescape(re.sub(r'<[^>]+>', ' ', t))
    for m in re.finditer(r'(?<![\d,.])\d{4,}(?:\.\d+)?(?![\d,])', text):
        s = m.group(0)
        if '.' not in s and (2400 <= int(s) <= 2700 or 1900 <= int(s) <= 2100):
            continue
        bad.append(f'{path}: {text[max(0, m.start() - 30):m.end() + 10]!r}')
print('\n'.join('# ' + b for b in bad[:5]))
sys.exit(1 if bad else 0)
PY
}
check "no page shows a figure of 1,000 or more without its separator (519,296.00)" ungrouped
# Thai pages name units in Thai; ids (<code>) and the organisation's own
# words (<cite>: a factor's source) are data, not the page's words
english_units() {
	python3 - "$OUT"/*.th.html <<'PY'
import html, re, sys
bad = []
for path in sys.argv[1:]:
    t = re.sub(r'<(style|title|code|cite)[^>]*>.*?</\1>', ' ', open(path, encoding='utf-8').read(), flags=re.S)
    text = html.unescape(re.sub(r'<[^>]+>', ' ', t))
    for m in re.finditer(r'\b(kWh|m3|sheets?|reams?|kgCO2e|tCO2e|litres?|kg)\b', text):
        bad.append(f'{path}: {text[max(0, m.start() - 30):m.end() + 10]!r}')
print('\n'.join('# ' + b for b in bad[:5]))
sys.exit(1 if bad else 0)
PY
}
check "Thai pages name no unit in English (kWh, sheets, kgCO2e ...)" english_units
check "and name them in Thai" grep -q 'กิโลวัตต์ชั่วโมง' "$OUT/finance-budget.resources.th.html"
check "and some figures there are that large" grep -qE '[0-9],[0-9]{3}' "$OUT/finance-budget.resources.th.html"
check "incomplete data says so" grep -q 'ข้อมูลไม่ครบ' "$OUT/finance-budget.resources.th.html"
check "CSV starts with a UTF-8 BOM" [ "$(head -c 3 "$OUT/summary.th.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]
check "CSV has a row per unit and one for the whole" [ "$(tail -n +2 "$OUT/summary.th.csv" | wc -l)" -eq 20 ]

# Headless Chromium prints the Thai summary and takes a picture of it.
if command -v chromium >/dev/null; then
	cr() { timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$T/chromium" "$@" >>"$T/chromium.log" 2>&1; }
	check "Chromium prints summary.th.html to PDF" cr --print-to-pdf="$T/summary.pdf" "file://$OUT/summary.th.html"
	check "the PDF is a PDF" [ "$(head -c 5 "$T/summary.pdf" 2>/dev/null)" = "%PDF-" ]
	check "Chromium renders the Thai resources page to PNG" \
		cr --screenshot="$T/resources.png" --window-size=1240,1754 "file://$OUT/finance-budget.resources.th.html"
	check "the PNG is a PNG" [ "$(head -c 8 "$T/resources.png" 2>/dev/null | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ]
	check "Thai text drew (the picture is not blank: > 20 kB)" [ "$(stat -c %s "$T/resources.png" 2>/dev/null || echo 0)" -gt 20000 ]
	mkdir -p "$ROOT/build/artifacts"
	cp "$T/summary.pdf" "$T/resources.png" "$ROOT/build/artifacts/" 2>/dev/null
else
	not_ok "chromium is installed (make test installs it: tools/deps.sh)"
fi

# The usage cache: an empty one, then the one that run filled; every file
# the same as without it, byte for byte.
for run in empty filled; do
	check "gm-report --cache ($run cache)" "$BIN/gm-report" -d "$T/data" \
		--org "$T/org/organisation.ini" --fy 2569 --out "$T/cached-$run" --cache "$T/cache"
	check "the same report set as without the cache ($run)" diff -r "$OUT" "$T/cached-$run"
done
check "a cache file for each of the 2 meters" [ "$(ls "$T/cache" | grep -c '\.usage$')" -eq 2 ]
check "--cache only with --org" [ "$("$BIN/gm-report" -d "$T/data" --fy 2569 --cache "$T/cache" \
	>/dev/null 2>&1; echo $?)" -eq 2 ]

# Bad input: a broken organisation file is refused with file:line.
printf '[unit x]\nheadcount 2570 = many\n' >>"$T/org/organisation.ini"
"$BIN/gm-report" -d "$T/data" --org "$T/org/organisation.ini" --fy 2569 --out "$T/bad" 2>"$T/bad.err"
check "a broken organisation file: exit 1" [ $? -eq 1 ]
check "with file:line" grep -q "organisation.ini:[0-9]*:" "$T/bad.err"
check "and no report written" [ ! -e "$T/bad/summary.th.html" ]
done_testing
