#!/bin/bash
# 86-dashboard-browser: gm-dashboard end to end in headless Chromium driven
# through chromedriver (W3C WebDriver): the overview shows the expected meters
# and values, a click opens a meter page whose graphs load, Thai renders with
# a Thai font. Screenshots are kept in build/artifacts/ (docs/dashboard.md
# shows them).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"

dash_dataset
WEB=$(free_port)
printf '[dashboard]\nlisten = 127.0.0.1:%s\ndata_dir = %s\nstatus_file = %s\norg = %s\nscan = 0.5\n' \
	"$WEB" "$T/data" "$T/status" "$T/org/organisation.ini" >"$T/dash.conf"
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
check "the dashboard listens" wait_port "$WEB"
DRIVER=$(free_port)
start chromedriver chromedriver --port="$DRIVER"
check "chromedriver listens" wait_port "$DRIVER" 200
ART=$ROOT/build/artifacts
mkdir -p "$ART"
rm -f "$ART"/dashboard-*.png
python3 "$ROOT/tests/e2e/dashboard_e2e.py" "http://127.0.0.1:$DRIVER" "http://127.0.0.1:$WEB" "$ART" \
	2>"$T/e2e.err"
check "the browser run ended cleanly" [ $? = 0 ]
[ -s "$T/e2e.err" ] && sed 's/^/# /' "$T/e2e.err"
check "screenshot of the overview saved" test -s "$ART/dashboard-overview.png"
check "screenshot of a meter page saved" test -s "$ART/dashboard-meter.png"
touch "$T/fast.stop"
done_testing
