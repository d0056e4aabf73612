#!/bin/bash
# 88-figures-agree: the dashboard and gm-report say the same of the same
# span, also when the latest reading is a counter's reset. A counter read
# every 20 s through a real broker and collector restarts from 0 at its
# last reading, inside the minute under way: the dashboard's figure for
# today ends at the start of that minute (its last whole row), yet today is
# to review, as gm-report says of the same day so far; and every figure of
# /api/meters is gm-report's over the span the API names.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"   # pub, dash_conf_head

start_broker
collector_up agree-collector 20 || not_ok "collector subscribed"
# Readings 20 s apart up to now, the last one a fall from 530 to 0.5; the
# day must have begun 10 minutes ago at least (else wait for that).
NOW=$(date +%s)
MID=$(TZ=Asia/Bangkok date -d "$(TZ=Asia/Bangkok date -d "@$NOW" +%F) 00:00" +%s)   # the dashboard's day
if [ $((NOW - MID)) -lt 700 ]; then sleep $((700 - NOW + MID)); NOW=$(date +%s); fi
LAST=$((NOW - 2))
if [ $((LAST % 60)) -eq 0 ]; then LAST=$((LAST - 1)); fi   # inside a minute, not at its start
seq=1
for t in $(seq $((LAST - 600)) 20 $((LAST - 20))); do
	pub hq/m/kwh "{\"t\":$t,\"v\":$((500 + seq)),\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":$seq}"
	seq=$((seq + 1))
done
pub hq/m/kwh "{\"t\":$LAST,\"v\":0.5,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":$seq}"
pub hq/ok/kwh "{\"t\":$((LAST - 300)),\"v\":10,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":1}"
pub hq/ok/kwh "{\"t\":$LAST,\"v\":12.5,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":2}"
check "the collector flags the fall as a reset" \
	wait_for 20 grep -q "reset" "$T/data/hq/m/kwh.events"

WEB=$(free_port)
{ dash_conf_head; cat <<CONF; } >"$T/dash.conf"
usage_every = 1
CONF
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
check "the dashboard listens" wait_port "$WEB"
U=http://127.0.0.1:$WEB
api() { curl -s "$U/api/meters/hq/$1/kwh" | python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"; }
# both channels: ok's file comes in a round of its own, and a scan between
# m's last reading and ok's first knows m alone (ok then 404)
fresh() {
	[ "$(api m "d['today'].get('flags_to', 0) >= $LAST" 2>/dev/null)" = True ] &&
		[ "$(api ok "d['today'].get('flags_to', 0) >= $LAST" 2>/dev/null)" = True ]
}
check "its figures are of a scan after the last reading" wait_for 20 fresh
check "today's figure ends before the last reading (the minute under way)" \
	[ "$(api m "d['today']['to'] < $LAST")" = True ]
check "today is to review on the API" [ "$(api m "d['today']['to_review']")" = True ]
check "and so is the month" [ "$(api m "d['month']['to_review']")" = True ]
check "a counter without a reset is not" [ "$(api ok "d['today']['to_review']")" = False ]
FROM=$(api m "d['today']['from']")
"$BIN/gm-report" -d "$T/data" --from "@$FROM" --to "@$((LAST + 1))" >"$T/report.txt"
check "gm-report says REVIEW of the same day so far" grep -q "REVIEW: 1 counter reset" "$T/report.txt"
check "every figure of the API is gm-report's for its span" \
	python3 "$ROOT/tests/figures_agree.py" dash "$BIN" "$T/data" "$U"
done_testing
