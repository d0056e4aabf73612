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
rm -f "$ROOT"/build/artifacts/dashboard-overview*.png "$ROOT"/build/artifacts/dashboard-meter.png
browser_test dashboard_e2e.py
check "screenshot of the overview saved" test -s "$ART/dashboard-overview.png"
check "screenshot of a meter page saved" test -s "$ART/dashboard-meter.png"
touch "$T/fast.stop"
done_testing
