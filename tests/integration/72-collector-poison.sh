#!/bin/bash
# 72-collector-poison: no message or file can stop gm-collector storing.
#
# A real mosquitto and a real gm-collector:
#  1. The message that once crashed it, and every restart after it: a valid
#     batch of 5 at every limit of the wire contract (64-character ids, a
#     15-character unit, times with 7 decimals, -1.2345678901234567e+300).
#     It is stored; the collector lives on, and across a restart.
#  2. 100 channels under a steady stream (bench/loadgen.c, one reading per
#     channel a simulated minute, 10 minutes a second); one channel's RRD
#     file gets a damaged header half way. The other 99 store every reading
#     (0 lost, 0 late, current within seconds); the damaged one is set
#     aside, shown as fault with the reason in --status, its readings kept in
#     the quarantine (--quarantine lists them). Once the file is replaced by
#     its backup, `gm-collector --requeue=CHANNEL`, served by the running
#     collector, stores them - exactly once: a second requeue takes nothing,
#     and the file holds every minute once.
#  3. gm-dashboard shows the same: the channel set aside and 40 readings
#     quarantined in /metrics, /api/meters and its page; after the requeue,
#     no longer set aside.
BIN=${BIN:?}
. "$(dirname "$0")/../lib.sh"

cc -std=c11 -O2 -D_DEFAULT_SOURCE -o "$T/loadgen" "$ROOT/bench/loadgen.c" -lpaho-mqtt3a \
	>"$T/build.log" 2>&1 || { not_ok "bench/loadgen.c builds"; cat "$T/build.log"; done_testing; }
start_broker || exit 1
D=$T/data
collector_conf "$D" "$T/status" "$BROKER_PORT" poison-test |
	sed 's/^\[mqtt\]$/write_delay = 1\n[mqtt]/' >"$T/collector.conf"
start_collector
collector_subscribed ||
	{ not_ok "the collector subscribes"; cat "$T/collector.log"; done_testing; }
pub() { mosquitto_pub -p "$BROKER_PORT" -q 1 "$@"; }
status_of() { # site/meter/channel field
	awk -v c="$1" -v f="$2" '$1 == c { for (i = 2; i <= NF; i++) if (index($i, f "=") == 1) print substr($i, length(f) + 2) }' "$T/status"
}

# --- 1. the longest valid message -------------------------------------------
ID64=abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01
now=$(date +%s)
t0=$((now - 600))
batch="{\"readings\":["
for i in 0 1 2 3 4; do
	batch="$batch[$((t0 + 60 * i)).1234567,-1.2345678901234567e+300]"
	[ $i -lt 4 ] && batch="$batch,"
done
batch="$batch],\"unit\":\"a-b_c.d/e123456\",\"kind\":\"counter\",\"seq\":1}"
pub -t "greenmeter/v1/$ID64/$ID64/$ID64" -m "$batch"
LONGRRD=$D/$ID64/$ID64/$ID64.rrd
long_stored() { test "$(rrdtool lastupdate "$LONGRRD" 2>/dev/null | tail -1 | cut -d: -f1)" = $((t0 + 240)); }
check "the longest valid batch is stored (its last reading in the file)" wait_for 20 long_stored
check "the collector is still running" kill -0 "$COLLECTOR_PID"
stop "$COLLECTOR_PID"
start_collector
pub -t "greenmeter/v1/$ID64/$ID64/$ID64" -m "$batch"   # as the broker would redeliver it
sleep 2
check "and after a restart, with the message again, it still runs" kill -0 "$COLLECTOR_PID"
check "no sanitizer report, no crash" sh -c "! grep -qE 'AddressSanitizer|runtime error|double free' '$T/collector.log'"

# --- 2. one damaged file among 100 channels -----------------------------------
M=10 C=10
# minute 59 is about now, so that the channels are current (not stale) at the end
BASE=$(( now / 60 * 60 - 59 * 60 ))
publish_minutes() { # first last
	local k
	for k in $(seq "$1" "$2"); do
		"$T/loadgen" pub -p "$BROKER_PORT" -f gm -M $M -C $C -b "$BASE" -k "$k" -n 1 \
			>>"$T/loadgen.log" 2>&1 || return 1
		sleep 0.1
	done
}
# every one of the 100 files holds minute $1
all_at() { "$T/loadgen" wait -f gm -d "$D" -M $M -C $C -T $((BASE + 60 * $1)) -l "$2" >/dev/null 2>&1; }
# every file but $2 holds minute $1
others_at() {
	local want=$((BASE + 60 * $1)) f n=0
	for f in "$D"/bench/m*/c*.rrd; do
		[ "$f" = "$2" ] && continue
		[ "$(rrdtool lastupdate "$f" 2>/dev/null | tail -1 | cut -d: -f1)" = "$want" ] && n=$((n + 1))
	done
	[ $n -eq $((M * C - 1)) ]
}
publish_minutes 0 9
check "100 channels hold minute 9" all_at 9 60
SICK=$D/bench/m0003/c5.rrd
cp "$SICK" "$T/backup.rrd"
# the header overwritten, long ago as far as the file's time says
printf 'this is no RRD header any more' | dd of="$SICK" conv=notrunc status=none
touch -d '1 hour ago' "$SICK"
start_s=$(date +%s.%N)
publish_minutes 10 49
pub_done=$(date +%s.%N)
check "the 99 healthy channels hold minute 49" wait_for 30 others_at 49 "$SICK"
lag=$(awk -v a="$pub_done" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
ok "# 40 minutes of 100 channels published in $(awk -v a="$start_s" -v b="$pub_done" 'BEGIN { printf "%.1f", b - a }') s; the last in the files ${lag} s after"
sleep 6   # a status file write
healthy_bad=$(awk '$1 ~ /^bench\// && $1 != "bench/m0003/c5" {
	for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	if (f["lost"] != 0 || f["late"] != 0 || f["duplicates"] != 0 || f["stored"] != 50 || f["status"] == "fault") print $1, f["lost"], f["late"], f["stored"], f["status"]
	n++ } END { if (n != 99) print "channels:", n }' "$T/status")
check "every healthy channel: 50 stored, 0 lost, 0 late, 0 duplicates, no fault ($healthy_bad)" test -z "$healthy_bad"
check "the damaged channel is set aside" test "$(status_of bench/m0003/c5 aside)" = 1
check "its 40 readings are counted quarantined" test "$(status_of bench/m0003/c5 quarantined)" = 40
"$BIN/gm-collector" --status -c "$T/collector.conf" >"$T/status.txt" 2>&1
check "--status shows it as fault with the reason" \
	grep -qE '^bench/m0003/c5 +fault .*set_aside:.*bench/m0003/c5.rrd:_not_an_RRD' "$T/status.txt"
"$BIN/gm-collector" --quarantine -c "$T/collector.conf" >"$T/quarantine.txt" 2>&1
check "--quarantine lists its messages with the reason" \
	test "$(grep -c 'greenmeter/v1/bench/m0003/c5 .*not an RRD' "$T/quarantine.txt")" -ge 1
check "the log names the file and says what to do" grep -q 'bench/m0003/c5.*set aside.*--requeue' "$T/collector.log"

# --- the dashboard says the same ---------------------------------------------
WEB=$(free_port)
printf '[dashboard]\nlisten = 127.0.0.1:%s\ndata_dir = %s\nstatus_file = %s\nscan = 0.5\n' \
	"$WEB" "$D" "$T/status" >"$T/dash.conf"
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
DASH_PID=$LAST_PID
wait_port "$WEB" || not_ok "gm-dashboard listens"
U=http://127.0.0.1:$WEB
metric() { # name -> value for bench/m0003/c5
	curl -s "$U/metrics" | awk -v n="$1" 'index($0, n "{") == 1 && /meter="m0003",channel="c5"/ { print $NF }'
}
dash_says_aside() { test "$(metric greenmeter_meter_set_aside)" = 1; }
check "/metrics: the channel is set aside" wait_for 10 dash_says_aside
check "/metrics: 40 readings quarantined" test "$(metric greenmeter_meter_readings_quarantined_total)" = 40
check "/metrics: its status is fault" \
	sh -c "curl -s '$U/metrics' | grep -q 'greenmeter_meter_status{site=\"bench\",meter=\"m0003\",channel=\"c5\",unit=\"kWh\",status=\"fault\"} 1'"
curl -s "$U/api/meters" >"$T/api.json"
check "/api/meters: set_aside true and 40 quarantined" python3 -c "
import json, sys
d = json.load(open('$T/api.json'))
rows = d['meters'] if isinstance(d, dict) else d
r = [m for m in rows if m.get('channel') == 'bench/m0003/c5'][0]
sys.exit(0 if r['set_aside'] is True and r['quarantined'] == 40 else 1)"
check "the meter page says it is set aside" sh -c "curl -s '$U/meter/bench/m0003/c5' | grep -q 'id=\"q-aside\"'"

# --- the file replaced, the messages requeued -------------------------------
cp "$T/backup.rrd" "$SICK"
"$BIN/gm-collector" --requeue=bench/m0003/c5 -c "$T/collector.conf" >"$T/requeue.txt" 2>&1
rq=$?
sed 's/^/# /' "$T/requeue.txt"
check "--requeue is answered by the running collector (exit 0)" test $rq -eq 0
check "it took the messages and none went back" grep -qE '^[0-9]+ message\(s\) \(40 reading\(s\)\) taken from the quarantine: 40 reading\(s\) stored or found stored already, 0 back' "$T/requeue.txt"
check "the replaced file now holds minute 49" test "$(rrdtool lastupdate "$SICK" | tail -1 | cut -d: -f1)" = $((BASE + 60 * 49))
# each minute 0..49 once: the values of the minute archive, 0.25 a minute apart
rrdtool fetch "$SICK" LAST -r 60 -s $((BASE - 60)) -e $((BASE + 60 * 49)) 2>/dev/null |
	awk '$1 ~ /^[0-9]+:$/ && $2 !~ /nan/ { print $2 }' | sort -u >"$T/values"
check "every minute 0..49 is in the file once ($(wc -l <"$T/values") distinct values)" test "$(wc -l <"$T/values")" -eq 50
"$BIN/gm-collector" --requeue=bench/m0003/c5 -c "$T/collector.conf" >"$T/requeue2.txt" 2>&1
check "a second requeue takes nothing" grep -q '^0 message(s) (0 reading(s)) taken' "$T/requeue2.txt"
publish_minutes 50 59
check "all 100 channels hold minute 59" all_at 59 30
sleep 6
check "the channel is ok again" test "$(status_of bench/m0003/c5 status)" = ok
dash_says_back() { test "$(metric greenmeter_meter_set_aside)" = 0; }
check "/metrics: no longer set aside; 40 requeued" \
	sh -c "$(declare -f metric dash_says_back); U=$U; dash_says_back && test \"\$(metric greenmeter_meter_readings_requeued_total)\" = 40"
check "its counts: 60 received, 60 stored, 0 lost" \
	test "$(status_of bench/m0003/c5 received)/$(status_of bench/m0003/c5 stored)/$(status_of bench/m0003/c5 lost)" = "60/60/0"
check "the collector ran throughout" kill -0 "$COLLECTOR_PID"
stop "$COLLECTOR_PID"
check "no sanitizer report in the collector's log" sh -c "! grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' '$T/collector.log'"
done_testing
