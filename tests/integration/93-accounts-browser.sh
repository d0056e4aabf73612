#!/bin/bash
# 93-accounts-browser: signing in to gm-dashboard in headless Chromium
# through chromedriver (tests/e2e/accounts_e2e.py): asked to sign in, the
# form filled and sent, back to the page asked for; the audit log for the
# admin, refused to a viewer; signing out; a wrong password said in Thai;
# a bureau's editor enters last month's reams and sees them stored.
# Screenshots are kept in build/artifacts/.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"

dash_dataset
touch "$T/fast.stop"
WEB=$(free_port)
sed -i 's#^hq/fin-power/import_kwh = .*#&\nhq/stores/finance-reams = paper_reams from 2024-10-01 finance-budget#' \
	"$T/org/organisation.ini"
{ dash_conf_head; printf 'org = %s/org/organisation.ini\n[accounts]\ndatabase = %s/dash.db\n[mqtt]\nbroker = 127.0.0.1:%s\n' \
	"$T" "$T" "$BROKER_PORT"; } >"$T/dash.conf"
check "an admin and a viewer are made" sh -c "$(declare -f dash_adduser); BIN=$BIN T=$T;
	dash_adduser admin admin admin-pass-93 >/dev/null && dash_adduser suda viewer viewer-pass-93 >/dev/null &&
	dash_adduser malee editor editor-pass-93 --unit finance-budget >/dev/null"
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
check "the dashboard listens" wait_port "$WEB"
rm -f "$ROOT"/build/artifacts/dashboard-signin.png "$ROOT"/build/artifacts/dashboard-audit.png \
	"$ROOT"/build/artifacts/dashboard-entries.png
browser_test accounts_e2e.py
check "screenshots of signing in, the audit log and the entries saved" \
	sh -c "test -s '$ART/dashboard-signin.png' && test -s '$ART/dashboard-audit.png' && test -s '$ART/dashboard-entries.png'"
check "the entry the browser made is in the collector's journal" grep -q ' 37 ' "$T/data/hq/stores/finance-reams.entries"
done_testing
