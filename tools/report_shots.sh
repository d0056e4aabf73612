#!/bin/bash
# report_shots.sh - the screenshots docs/reports.md shows, from a report set
# (the demo's: run/demo/reports/green-fy2569 once `make demo` has written
# it): each page in headless Chromium at desktop width (1280 px) and some at
# phone width (390 px), and the first page of its PDF through pdftoppm.
#
#   bash tools/report_shots.sh [SET_DIR] [OUT_DIR]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SET=${1:-$ROOT/run/demo/reports/green-fy2569}
OUT=${2:-$ROOT/docs/img}
UNIT=finance-budget
. "$ROOT/tools/shotlib.sh"
command -v pdftoppm >/dev/null || { echo "report_shots: needs poppler-utils" >&2; exit 1; }
[ -f "$SET/summary.th.pdf" ] || { echo "report_shots: no PDF set in $SET" >&2; exit 1; }

page() { # page width height png
	page "file://$SET/$1" "$2" "$3" "$4"
}
first_page() { # pdf png (page 1 at 70 dpi)
	pdftoppm -r 70 -png -f 1 -l 1 -singlefile "$SET/$1" "${2%.png}"
}

for lang in th en; do
	page "summary.$lang.html" 1280 1400 "$OUT/report-summary.$lang.png"
	page "$UNIT.resources.$lang.html" 1280 2200 "$OUT/report-$UNIT.resources.$lang.png"
	page "$UNIT.self-evaluation.$lang.html" 1280 2000 "$OUT/report-$UNIT.self-evaluation.$lang.png"
	first_page "summary.$lang.pdf" "$OUT/report-summary.$lang.pdf-page1.png"
	first_page "$UNIT.resources.$lang.pdf" "$OUT/report-$UNIT.resources.$lang.pdf-page1.png"
	first_page "$UNIT.self-evaluation.$lang.pdf" "$OUT/report-$UNIT.self-evaluation.$lang.pdf-page1.png"
done
page "$UNIT.resources.th.html" 390 2400 "$OUT/report-$UNIT.resources.th.phone.png"
page "summary.th.html" 390 1600 "$OUT/report-summary.th.phone.png"
page "green-parliament.th.html" 1280 1800 "$OUT/report-green-parliament.th.png"
first_page "green-parliament-results.th.pdf" "$OUT/report-green-parliament-results.th.pdf-page1.png"
pdftoppm -r 70 -png -f 2 -l 2 -singlefile "$SET/$UNIT.resources.th.pdf" \
	"$OUT/report-$UNIT.resources.th.pdf-charts"
echo "report_shots: written into $OUT"
