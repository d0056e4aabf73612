#!/bin/bash
# 93-accounts-browser: signing in to gm-dashboard in headless Chromium
# through chromedriver (tests/e2e/accounts_e2e.py): asked to sign in, the
# form filled and sent, back to the page asked for; the audit log for the
# admin, refused to a viewer; signing out; a wrong password said in Thai.
# Screenshots are kept in build/artifacts/.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"

dash_dataset
touch "$T/fast.stop"
WEB=$(free_port)
{ dash_conf_head; printf 'org = %s/org/organisation.ini\n[accounts]\ndatabase = %s/dash.db\n' "$T" "$T"; } >"$T/dash.conf"
printf 'admin-pass-93\n' | "$BIN/gm-dashboard" -c "$T/dash.conf" --add-user admin --role admin >/dev/null ||
	not_ok "the admin is made"
printf 'viewer-pass-93\n' | "$BIN/gm-dashboard" -c "$T/dash.conf" --add-user suda --role viewer >/dev/null ||
	not_ok "the viewer is made"
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
check "the dashboard listens" wait_port "$WEB"
DRIVER=$(free_port)
start chromedriver chromedriver --port="$DRIVER"
check "chromedriver listens" wait_port "$DRIVER" 200
ART=$ROOT/build/artifacts
mkdir -p "$ART"
python3 "$ROOT/tests/e2e/accounts_e2e.py" "http://127.0.0.1:$DRIVER" "http://127.0.0.1:$WEB" "$ART" \
	2>"$T/e2e.err"
check "the browser run ended cleanly" [ $? = 0 ]
[ -s "$T/e2e.err" ] && sed 's/^/# /' "$T/e2e.err"
check "screenshots of signing in and the audit log saved" \
	sh -c "test -s '$ART/dashboard-signin.png' && test -s '$ART/dashboard-audit.png'"
done_testing
