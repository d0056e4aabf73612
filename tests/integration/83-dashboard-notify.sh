#!/bin/bash
# 83-dashboard-notify: gm-dashboard's alerts reach LINE, e-mail and a
# webhook, through libcurl, against stand-ins started here: an HTTPS server
# for the LINE Messaging API and the webhook (self-signed, trusted through
# ca_file) and an SMTP server that takes mail only after STARTTLS.
# - a meter stops: one LINE push a recipient (the channel access token from
#   a 0600 file, a retry key, the Thai words with the meter's Thai name), one
#   mail (Thai subject, Thai and English body, over TLS), one webhook POST
#   (the event as JSON);
# - LINE answers 500, then does not answer at all for longer than the
#   timeout: each message is taken once in the end, with one retry key for
#   all its tries, and in order;
# - LINE down while the dashboard stops: the outbox keeps the message and
#   the next start sends it; nothing is said twice;
# - a token file others may read is refused with its name.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"

notify_standins line-channel-token-123
dash_dataset
WEB=$(free_port)
{ dash_conf_head; cat <<CONF; notify_conf "Uuser1 Cgroup2"; } >"$T/dash.conf"
org = $T/org/organisation.ini
alert_state = $T/alerts.json
notify_retry = 0.5
CONF
check "gm-dashboard -n accepts the configuration" "$BIN/gm-dashboard" -n -c "$T/dash.conf"
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
DASH=$LAST_PID
wait_port "$WEB" || not_ok "dashboard listening"

q() { $PY - "$T" "$@"; }   # a question about the logs, in python
# the gauge's interval known (two readings), so it is stale 3 s after it stops
wait_for 30 sh -c "grep 'hq/fast/power_w ' '$T/status' | grep -q 'interval=1\.'" || not_ok "the gauge's interval"
touch "$T/fast.stop"
wait "$FAST"
pushes() { grep -c '"/v2/bot/message/push", "status": 200' "$T/https.log" 2>/dev/null; }
check "the meter stops: LINE gets a push for each of its two recipients" wait_for 30 sh -c "[ \"\$(grep -c '\"/v2/bot/message/push\", \"status\": 200' '$T/https.log')\" -ge 2 ]"
check "with the token, a retry key, the Thai words and the meter's Thai name" q <<'PY'
import json, sys
t = sys.argv[1]
r = [json.loads(l) for l in open(t + '/https.log') if '/push' in l]
bodies = [json.loads(x['body']) for x in r]
ok = sorted(b['to'] for b in bodies) == ['Cgroup2', 'Uuser1'] and all(
    x['authorization'] == 'Bearer line-channel-token-123' and len(x['retry_key'] or '') == 36 and
    x['content_type'].startswith('application/json') for x in r) and all(
    b['messages'][0]['type'] == 'text' and
    b['messages'][0]['text'].startswith('[ขาดการส่งข้อมูล] มิเตอร์ มิเตอร์กำลังไฟฟ้าห้องเครื่อง')
    for b in bodies)
sys.exit(0 if ok else print(r) or 1)
PY
check "the webhook gets the event as JSON" wait_for 10 q <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1] + '/https.log') if '"/hook"' in l]
e = [json.loads(x['body']) for x in r]
sys.exit(0 if any(x['event'] == 'opened' and x['fault'] == 'meter:hq/fast' and
                  x['channel'] == 'hq/fast/power_w' and x['count'] == 1 for x in e) else 1)
PY
check "the mail goes over STARTTLS, to the office, Thai subject, Thai and English body" wait_for 10 q <<'PY'
import email, email.header, json, sys
t = sys.argv[1]
log = [json.loads(l) for l in open(t + '/mail/log')]
m = email.message_from_bytes(open(t + '/mail/1.eml', 'rb').read())
subject = str(email.header.make_header(email.header.decode_header(m['Subject'])))
body = m.get_payload(decode=True).decode('utf-8')
ok = log[0]['tls'] and log[0]['from'] == 'greenmeter@senate.example' and \
    log[0]['to'] == ['facilities@senate.example'] and \
    subject.startswith('[ขาดการส่งข้อมูล] มิเตอร์ มิเตอร์กำลังไฟฟ้าห้องเครื่อง') and \
    'ขาดการส่งข้อมูล' in body and '[stale] meter Machine room power meter' in body
sys.exit(0 if ok else print(log, subject, body) or 1)
PY

# LINE fails: 500 twice, then no answer within the timeout twice; the meter
# comes back meanwhile ("resolved").
echo "fail 0 2" >"$T/mode"
rm -f "$T/fast.stop"
fast &
FAST=$!
PIDS="$PIDS $FAST"
sleep 1
echo "hang 3 2" >"$T/mode.next"
resolved() { [ "$(grep -c 'push", "status": 200.*กลับมาปกติ' "$T/https.log")" -ge 2 ]; }
( while [ "$(cat "$T/mode")" != "fail 0 0" ]; do sleep 0.1; done; mv "$T/mode.next" "$T/mode" ) &
check "LINE answers 500, then nothing for longer than the timeout: the resolved gets there" wait_for 90 resolved
check "once a recipient, every try with one retry key, and after the opened (in order)" q <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1] + '/https.log') if '/push' in l]
ok = True
for to in ('Uuser1', 'Cgroup2'):
    mine = [x for x in r if json.loads(x['body'])['to'] == to]
    res = [x for x in mine if 'กลับมาปกติ' in x['body']]
    taken = [x for x in res if x['status'] == 200]
    ok = ok and len(taken) == 1 and len({x['retry_key'] for x in res}) == 1 and \
        mine.index(taken[0]) > 0 and 'ขาดการส่งข้อมูล' in mine[0]['body']
tries = [x for x in r if 'กลับมาปกติ' in x['body']]
ok = ok and len(tries) > 2 and any(x['mode'] == 'fail' for x in tries) and any(x['mode'] == 'hang' for x in tries)
sys.exit(0 if ok else print(r) or 1)
PY

# LINE down while the dashboard stops: the outbox keeps it.
echo "fail 0 100000" >"$T/mode"
touch "$T/fast.stop"
wait "$FAST"
check "the meter stops again: the webhook has it" wait_for 30 sh -c "[ \"\$(grep -c 'hook\", \"status\": 200.*opened' '$T/https.log')\" = 2 ]"
sleep 2
stop "$DASH"
check "LINE still down: its messages wait in the outbox" sh -c "ls '$T/alerts.json.outbox/' | grep -c 'line.json' | grep -qx 2"
echo ok >"$T/mode"
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
check "the next start sends them" wait_for 30 sh -c "[ \"\$(grep -c 'push\", \"status\": 200.*ขาดการส่งข้อมูล' '$T/https.log')\" = 4 ]"
sleep 3
check "the outbox is empty, and nothing was said twice (the fault is still open)" \
	sh -c "[ -z \"\$(ls '$T/alerts.json.outbox/' | grep json)\" ] && [ \"\$(grep -c 'hook\", \"status\": 200.*opened' '$T/https.log')\" = 2 ]"

printf 'x\n' >"$T/open.token"
chmod 644 "$T/open.token"
sed "s#token_file = .*#token_file = $T/open.token#" "$T/dash.conf" >"$T/open.conf"
"$BIN/gm-dashboard" -n -c "$T/open.conf" >"$T/open.log" 2>&1
check "a token file others may read is refused, by name" \
	sh -c "[ $? = 1 ] && grep -q 'open.token\": others may read it (mode 644): chmod 600 it' '$T/open.log'"
done_testing
