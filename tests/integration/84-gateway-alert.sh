#!/bin/bash
# 84-gateway-alert: one alert per fault, end to end. 100 meters behind one
# gm-sim (gateway gw-a) and 2 behind another (gw-b), read by gm-agent every 2
# seconds through mosquitto into gm-collector; gm-dashboard knows the meters
# ([meter] sections name their gateway) and runs an alert command.
# - gw-a stops answering: exactly one alert, naming the gateway and its 100
#   meters, and no meter alert; one "resolved" when it answers again;
# - twice over: the first time with the dashboard started before any
#   channel exists, the second with the dashboard restarted during the
#   fault, which sends nothing new (its state file remembers what it said).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"

N=100
OUTAGE=${LINE_OUTAGE:-20}
notify_standins token-84
A_PORT=$(free_port)
B_PORT=$(free_port)
start_broker
collector_up gw-collector || not_ok "collector subscribed"

sims() { # port first count
	printf '[sim]\nlisten = 127.0.0.1:%s\ndevices = %s/devices\n' "$1" "$ROOT"
	for i in $(seq "$2" $(($2 + $3 - 1))); do
		printf '[meter m%03d]\nunit = %d\nmodel = sdm120\nseed = %d\nload = 2\n' "$i" $((i - $2 + 1)) "$i"
	done
}
sims "$A_PORT" 0 "$N" >"$T/sim-a.conf"
sims "$B_PORT" "$N" 2 >"$T/sim-b.conf"
{
	printf '[agent]\nsite = gw\ndevices = %s/devices\nspool_dir = %s/spool\n' "$ROOT" "$T"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = gw-agent\n' "$BROKER_PORT"
	for i in $(seq 0 $((N + 1))); do
		port=$A_PORT; unit=$((i + 1))
		[ "$i" -ge "$N" ] && { port=$B_PORT; unit=$((i - N + 1)); }
		printf '[meter m%03d]\nmodel = sdm120\nhost = 127.0.0.1:%s\nunit = %d\ninterval = 2\ntimeout = 1\n' \
			"$i" "$port" "$unit"
	done
} >"$T/agent.conf"
cp -r "$ROOT/dashboards/org/senate" "$T/org"
for i in $(seq 0 $((N + 1))); do
	gw=gw-a; [ "$i" -ge "$N" ] && gw=gw-b
	printf '[meter gw/m%03d]\nth = มิเตอร์ที่ %d\nen = Meter %d\ngateway = %s\n' "$i" "$i" "$i" "$gw"
done >>"$T/org/organisation.ini"
WEB=$(free_port)
{ dash_conf_head; cat <<CONF; notify_conf Cfacilities; } >"$T/dash.conf"
org = $T/org/organisation.ini
alert_state = $T/alerts.json
alert_command = echo "\$GM_EVENT \$GM_FAULT \$GM_COUNT \$GM_TEXT_EN" >>$T/alerts
notify_retry = 0.5
CONF
: >"$T/alerts"
dashboard() { start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"; DASH=$LAST_PID; wait_port "$WEB"; }
sim_a() { start sim-a "$BIN/gm-sim" -c "$T/sim-a.conf"; SIM_A=$LAST_PID; wait_port "$A_PORT"; }
lines() { grep -c "$1" "$T/alerts"; }
q() { $PY - "$T" "$@"; }   # a question about the logs, in python
# Each of the n alerts so far reached LINE, mail and the webhook exactly
# once, in order, each naming gw-a and all its 100 meters.
delivered() { q "$1" <<'PY'
import email, email.header, json, sys
t, n = sys.argv[1], int(sys.argv[2])
log = [json.loads(l) for l in open(t + '/https.log')]
line = [json.loads(x['body']) for x in log if x['path'] == '/v2/bot/message/push' and x['status'] == 200]
hook = [json.loads(x['body']) for x in log if x['path'] == '/hook' and x['status'] == 200]
try:
    mail = [json.loads(l) for l in open(t + '/mail/log')]
except OSError:
    mail = []
if len(line) != n or len(hook) != n or len(mail) != n:
    sys.exit(1)
want = ['opened', 'resolved'] * n
ok = [h['event'] for h in hook] == want[:n] and all(
    h['fault'] == 'gateway:gw-a' and h['count'] == 100 and len(h['meters']) == 100 for h in hook)
ok = ok and all(b['to'] == 'Cfacilities' and 'gw-a' in b['messages'][0]['text'] and
                ('มิเตอร์ที่ 0' in b['messages'][0]['text']) == (w == 'opened')
                for b, w in zip(line, want))
ok = ok and ['กลับมาปกติ' in b['messages'][0]['text'] for b in line] == [w == 'resolved' for w in want[:n]]
for i in range(1, n + 1):
    m = email.message_from_bytes(open('%s/mail/%d.eml' % (t, i), 'rb').read())
    subject = str(email.header.make_header(email.header.decode_header(m['Subject'])))
    body = m.get_payload(decode=True).decode('utf-8')
    # the subject a headline; an opened mail lists all 100 meters
    ok = ok and subject.startswith('[') and 'gw-a' in subject and 'มิเตอร์ที่ 0' not in subject and \
        mail[i - 1]['tls'] and (i % 2 == 0 or '100. gw/m099 · มิเตอร์ที่ 99 · Meter 99' in body)
sys.exit(0 if ok else print(len(line), len(hook), len(mail), ok) or 1)
PY
}
all_ok() { [ "$(grep -c 'status=ok' "$T/status")" -ge $(((N + 2) * 4)) ]; }

# Cycle 1: the dashboard first, before any channel exists.
check "the dashboard starts on an empty data directory" dashboard
sim_a
start sim-b "$BIN/gm-sim" -c "$T/sim-b.conf"
wait_port "$B_PORT"
start agent "$BIN/gm-agent" -c "$T/agent.conf"
check "every channel of the 102 meters is stored and ok" wait_for 60 all_ok
sleep 3
check "nothing alerted while all is well" [ ! -s "$T/alerts" ]
echo "down $(($(date +%s) + OUTAGE)) 3" >"$T/mode"
stop "$SIM_A"
check "gw-a stops answering: one alert for the gateway" wait_for 30 grep -q '^opened gateway:gw-a 100 ' "$T/alerts"
sleep 5
check "exactly one, naming its 100 meters, and no meter alert" \
	sh -c "[ \"\$(grep -c . '$T/alerts')\" = 1 ] && grep -q 'gateway not answering gw-a: 100 meters since .*: Meter 0, Meter 1' '$T/alerts'"
check "LINE is down: the opened alert reaches LINE once after the outage" \
	wait_for $((OUTAGE + 90)) sh -c "[ \"\$(grep -c 'push\", \"status\": 200' '$T/https.log')\" = 1 ]"
check "it was tried during the outage (500 and no answer), one retry key for every try" q <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1] + '/https.log') if '/push' in l]
modes = {x['mode'] for x in r}
sys.exit(0 if {'fail', 'hang', 'ok'} <= modes and len({x['retry_key'] for x in r}) == 1 else print(r) or 1)
PY
sim_a
check "it answers again: one resolved" wait_for 30 grep -q '^resolved gateway:gw-a 100 ' "$T/alerts"
check "the resolved reaches LINE, mail and the webhook" wait_for 30 delivered 2
sleep 3
check "and nothing else" [ "$(lines .)" = 2 ]

# Cycle 2: the dashboard restarted during the fault says nothing new.
stop "$SIM_A"
check "gw-a stops again: one more alert" wait_for 30 sh -c "[ \"\$(grep -c '^opened gateway:gw-a 100 ' '$T/alerts')\" = 2 ]"
check "the state file holds the open fault" grep -q '"key":[[:space:]]*"gateway:gw-a"' "$T/alerts.json"
stop "$DASH"
check "the dashboard starts again during the fault" dashboard
sleep 6
check "and sends nothing new" [ "$(lines .)" = 3 ]
check "nor to LINE, mail or the webhook (what was on its way is sent once)" wait_for 30 delivered 3
sim_a
check "it answers: one resolved" wait_for 30 sh -c "[ \"\$(grep -c '^resolved gateway:gw-a 100 ' '$T/alerts')\" = 2 ]"
sleep 3
check "four alerts in all, none for a meter or gw-b" \
	sh -c "[ \"\$(grep -c . '$T/alerts')\" = 4 ] && ! grep -q 'meter:\|gw-b\|site:' '$T/alerts'"
check "each reached LINE, mail and the webhook once" wait_for 30 delivered 4
[ "$FAILS" -eq 0 ] || sed 's/^/# /' "$T/alerts" "$T/https.log"
done_testing
