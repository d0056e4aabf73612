#!/bin/bash
# dash_shots.sh - the screenshots docs/dashboard.md shows, from a running
# gm-dashboard (the demo's, once `make demo` prints its URL): the overview,
# a meter, a unit and the reports page, in Thai and English, at desktop
# width (1280 px) and phone width (390 px).
#
#   bash tools/dash_shots.sh [URL] [OUT_DIR]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
URL=${1:-http://127.0.0.1:8080}
OUT=${2:-$ROOT/docs/img}
METER=/meter/parliament/academic-power/import_kwh
UNIT=/unit/central-admin
. "$ROOT/tools/shotlib.sh"
curl -sf -o /dev/null "$URL/" || { echo "dash_shots: no dashboard at $URL" >&2; exit 1; }

for lang in th en; do
	q=; [ "$lang" = en ] && q='?lang=en'
	for page in overview:/ meter:$METER unit:$UNIT reports:/reports; do
		name=${page%%:*} path=${page#*:}
		shot "$URL$path$q" 1280 1600 "$OUT/dashboard-$name.$lang.png"
		shot "$URL$path$q" 390 2000 "$OUT/dashboard-$name.$lang.phone.png"
	done
done
echo "dash_shots: written into $OUT"
